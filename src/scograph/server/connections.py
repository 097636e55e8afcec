"""uvicorn's HTTP/1.1 protocol (h11), with the deadlines and connection limits it lacks.

uvicorn parses requests with h11 (so a request's body is always read as its body, never
as the next request) and closes idle kept-alive connections, but it has no deadline for
receiving a request, none for a client that stops reading its answer, and no limit on
connections per client. Measured on the http.server endpoint this replaces (README,
"Threat model"): a request dripped a byte every 1.5 s was answered 200 after 13 s, 64
such connections made every other client get 503, and a client that stopped reading held
its connection for as long as it liked; uvicorn alone has the same holes (its
``timeout_keep_alive`` only runs between requests, and ``limit_concurrency`` counts
requests whose headers have arrived). So this subclass adds:

- a whole-request deadline: from a connection's opening (or its previous answer) a
  client has ``request_timeout`` seconds to deliver a whole request, headers and body;
  then it gets 408 (if it had sent anything) and the connection is closed;
- a write deadline: once a client falls behind reading an answer (the transport's buffer
  passes its high-water mark), it has ``request_timeout`` seconds to take the rest, or the
  connection is dropped. The kernel's send buffer of each connection is capped at
  :data:`SEND_BUFFER` bytes: on loopback Linux grew it to several MB, enough to take a
  whole 700 kB answer that a client then read for as long as it liked (measured), and
  512 connections of that would be gigabytes of kernel memory;
- connection limits, in all and per client address, checked when a connection opens
  (503 and closed: a dripping client costs a connection, never a thread);
- a request head larger than the limit is refused with 414/431 before h11 sees it;
- a client that half-closes its side after a whole request still gets its answer (stock
  uvicorn drops it), and one that half-closes in the middle of a request gets 400.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections import Counter

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

SEND_BUFFER = 128 * 1024
"""Bytes the kernel may buffer for one connection's answers (it doubles this for its bookkeeping)."""
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Pages use inline styles only and never load anything from elsewhere, nor may they be framed.
    (b"content-security-policy",
     b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
    (b"referrer-policy", b"no-referrer"),
]


def plain_response(status: int, reason: str, message: str, extra: list[tuple[bytes, bytes]] = ()) -> bytes:
    """A whole HTTP/1.1 response that closes the connection, for refusals made below the app."""
    body = (message.rstrip("\n") + "\n").encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *SECURITY_HEADERS, *extra]
    head = f"HTTP/1.1 {status} {reason}\r\n".encode() + b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return head + b"\r\n" + body


class ConnectionLimits:
    """The limits one server's connections share, and the count of open connections by client address."""

    def __init__(self, settings):
        self.request_timeout = settings.request_timeout
        self.max_connections = settings.max_connections
        self.max_client_connections = settings.max_client_connections
        self.head_limit = settings.max_request_bytes + 8 * 1024
        """Bytes of request line and headers; the URL's own limit (414) is a little below it."""
        self.open = 0
        self.by_client: Counter[str] = Counter()


def guarded_protocol(limits: ConnectionLimits) -> type[H11Protocol]:
    """The protocol class for one server (uvicorn's ``Config(http=...)`` takes a class)."""

    class GuardedH11Protocol(_Guarded):
        pass

    GuardedH11Protocol.limits = limits
    return GuardedH11Protocol


class _Guarded(H11Protocol):
    limits: ConnectionLimits

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._request_deadline: asyncio.TimerHandle | None = None
        self._write_deadline: asyncio.TimerHandle | None = None
        self._counted = False
        self._bytes_of_request = 0
        self._eof = False
        limits = self.limits
        address = self.client[0] if self.client else "?"
        if limits.open >= limits.max_connections:
            self._refuse_connection(f"too many open connections ({limits.max_connections}); try again soon")
            return
        if limits.by_client[address] >= limits.max_client_connections:
            self._refuse_connection(f"too many open connections from {address} "
                                    f"({limits.max_client_connections}); try again soon")
            return
        limits.open += 1
        limits.by_client[address] += 1
        self._address = address
        self._counted = True
        connection = transport.get_extra_info("socket")
        if connection is not None:
            try:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
            except OSError:
                pass
        self._arm_request_deadline()

    def _refuse_connection(self, message: str) -> None:
        self.transport.write(plain_response(503, "Service Unavailable", message, [(b"retry-after", b"5")]))
        self.transport.close()

    def connection_lost(self, exc) -> None:
        if getattr(self, "_counted", False):
            self._counted = False
            self.limits.open -= 1
            self.limits.by_client[self._address] -= 1
            if self.limits.by_client[self._address] <= 0:
                del self.limits.by_client[self._address]
        for handle in (getattr(self, "_request_deadline", None), getattr(self, "_write_deadline", None)):
            if handle is not None:
                handle.cancel()
        super().connection_lost(exc)

    # ---------------------------------------------------------------- the whole-request deadline

    def _arm_request_deadline(self) -> None:
        if self._request_deadline is None:
            self._request_deadline = self.loop.call_later(self.limits.request_timeout, self._request_overdue)

    def _disarm_request_deadline(self) -> None:
        if self._request_deadline is not None:
            self._request_deadline.cancel()
            self._request_deadline = None

    def _request_received(self) -> bool:
        return self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE:
            pending = len(self.conn.trailing_data[0]) + len(data)
            if pending > self.limits.head_limit:
                buffered = bytes(self.conn.trailing_data[0][:4096]) + data[:4096]
                if b"\r\n\r\n" not in bytes(self.conn.trailing_data[0]) + data:
                    if b"\n" not in buffered:
                        self._refuse(414, "URI Too Long", "the request line is longer than this server accepts "
                                     f"({self.limits.head_limit} bytes with the headers); POST the query instead")
                    else:
                        self._refuse(431, "Request Header Fields Too Large", "the request's headers are larger "
                                     f"than this server accepts ({self.limits.head_limit} bytes)")
                    return
        self._bytes_of_request += len(data)
        super().data_received(data)
        if self._request_received():
            self._disarm_request_deadline()

    def _request_overdue(self) -> None:
        self._request_deadline = None
        if self.transport.is_closing() or self._request_received():
            return
        if self.cycle is not None and not self.cycle.response_complete and self.cycle.response_started:
            return  # answering already (a refusal sent before the body arrived): the write deadline governs
        if self._bytes_of_request == 0:
            self.transport.close()  # an idle connection: closed without a word, as keep-alive closes it
            return
        self._refuse(408, "Request Timeout", f"the request did not arrive within {self.limits.request_timeout:g} s "
                                             "(headers and body)")

    def _refuse(self, status: int, reason: str, message: str) -> None:
        """Answer below the app and close; an app still reading this request sees the client go."""
        if self.cycle is not None and not self.cycle.response_complete:
            if self.cycle.response_started:
                self.transport.abort()
                return
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.write(plain_response(status, reason, message))
        self.transport.close()

    def on_response_complete(self) -> None:
        if self._write_deadline is not None:
            self._write_deadline.cancel()
            self._write_deadline = None
        super().on_response_complete()  # starts on a pipelined request already in, if any
        if self.transport.is_closing():
            return
        if self._eof and (self.cycle is None or self.cycle.response_complete) and not self.conn.trailing_data[0]:
            self.transport.close()  # the client said it sends no more, and all it sent is answered
            return
        self._bytes_of_request = len(self.conn.trailing_data[0])
        if not self._request_received():
            self._arm_request_deadline()

    # ---------------------------------------------------------------- a client that half-closes

    def eof_received(self):
        self._eof = True
        if self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0] and (
                self.cycle is None or self.cycle.response_complete):
            return False  # between requests: close
        if self._request_received():
            return True  # a whole request is in: answer it (and any pipelined after it), then close
        if self.cycle is not None and self.conn.their_state is h11.SEND_BODY:
            self._refuse(400, "Bad Request", "the request body ended before the length its Content-Length announced")
        else:
            self._refuse(400, "Bad Request", "the request ended before its headers did")
        return True

    # ---------------------------------------------------------------- the write deadline

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_deadline is None:
            self._write_deadline = self.loop.call_later(self.limits.request_timeout, self._write_overdue)

    def _write_overdue(self) -> None:
        self._write_deadline = None
        if self.transport.is_closing():
            return
        # The client stopped reading: drop what it did not take, the kernel's buffer too (a reset, not a
        # lingering close that would trickle the buffer out to it for as long as it reads slowly).
        connection = self.transport.get_extra_info("socket")
        if connection is not None:
            try:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        self.transport.abort()

    def shutdown(self) -> None:
        try:
            super().shutdown()
        except h11.LocalProtocolError:
            self.transport.close()

"""The query worker processes: each holds its own copy of the store and answers one query at a time.

A running pyoxigraph query cannot be cancelled from another thread, so a query that
overruns its time limit has its worker killed (the client gets 503) and a fresh worker
takes its place while the others keep answering. Workers run without a network where the
system allows it (a second wall: the query layer already refuses SERVICE and remote graphs).

An answer comes back in pieces: its head (status, type, headers), then its body in chunks
of at most :data:`CHUNK` bytes, which the server spools (to disk past
:data:`SPOOL_IN_MEMORY`) and streams to the client; the server process never holds a
whole large answer. HTML result pages are rendered here, in the worker, streaming from the
answer's table, so that their size counts against the worker's time and memory, not the
server's.
"""

from __future__ import annotations

import ctypes
import os
import queue
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .answers import Answer, QueryJob, answer_query
from ..errors import DataFileError

CHUNK = 256 * 1024
"""Bytes of a body sent through the pipe at a time."""
SPOOL_IN_MEMORY = 256 * 1024
"""An answer's body stays in the server's memory up to this size, on disk past it."""


@dataclass(frozen=True)
class DataSource:
    """What a worker loads: the Turtle bytes (a small file) or a prepared on-disk index (a large one)."""

    path: Path
    data: bytes | None = None
    prepared_key: str | None = None
    named_graphs: bytes | None = None
    """N-Quads of the named graphs to hold beside the default graph (``serve --by-source``), loaded in memory."""


@dataclass(frozen=True)
class WorkerLimits:
    max_rows: int
    max_bytes: int
    memory_mb: int
    timeout: float


@dataclass
class Reply:
    """A worker's answer as the server holds it: the head, and the body spooled (None when empty)."""

    status: int
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    body: "tempfile.SpooledTemporaryFile | None" = None
    length: int = 0

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> "Reply":
        return cls.of(Answer.text(status, message, **headers))

    @classmethod
    def of(cls, answer: Answer) -> "Reply":
        reply = cls(answer.status, answer.content_type, dict(answer.headers))
        if answer.body:
            reply.write(answer.body)
        return reply

    def write(self, chunk: bytes) -> None:
        if self.body is None:
            self.body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, prefix="scograph-answer-")
        self.body.write(chunk)
        self.length += len(chunk)

    def text_body(self, limit: int = 64 * 1024) -> str:
        """The start of the body as text (for error pages)."""
        if self.body is None:
            return ""
        self.body.seek(0)
        return self.body.read(limit).decode("utf-8", "replace")

    def chunks(self, size: int = 64 * 1024):
        """The body, a piece at a time; the spool is closed once read."""
        if self.body is None:
            return
        try:
            self.body.seek(0)
            while chunk := self.body.read(size):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        if self.body is not None:
            self.body.close()
            self.body = None


# --------------------------------------------------------------------- inside a worker


def _open_store(source: DataSource):
    from ..store.oxigraph import OxigraphStore

    if source.prepared_key is not None:
        from ..store import prepared as cache

        store = cache.open_prepared(source.prepared_key)
        if store is not None:
            return store
        source = DataSource(source.path, source.path.read_bytes())
    store = OxigraphStore.from_turtle(source.data, source.path).store
    if source.named_graphs:
        import pyoxigraph as ox

        store.load(source.named_graphs, format=ox.RdfFormat.N_QUADS)
    return store


def isolate_network() -> bool:
    """Take this process off the network (a network namespace of its own) where the system allows it."""
    if not sys.platform.startswith("linux") or os.environ.get("SCOGRAPH_WORKER_NETWORK") == "1":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    for flags in (clone_newnet, clone_newuser | clone_newnet):
        if libc.unshare(flags) == 0:
            return True
    return False


def _limit_memory(megabytes: int) -> None:
    if not megabytes:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def _answer(store, job: QueryJob, limits: WorkerLimits) -> Answer:
    return answer_query(store, job, limits.max_rows, max_bytes=limits.max_bytes)


def _send_answer(outbox, answer: Answer, job: QueryJob, limits: WorkerLimits) -> None:
    """The head, then the body in chunks, then an empty chunk."""
    from . import templates

    headers = dict(answer.headers)
    if answer.table is not None:  # bounded in rows and bytes by answer_query, the cut in its headers
        outbox.send(("head", answer.status, answer.content_type, headers))
        pieces = templates.results_page(job.query, answer.table, limits)
    else:
        outbox.send(("head", answer.status, answer.content_type, headers))
        body = answer.body
        pieces = [body] if isinstance(body, (bytes, bytearray, memoryview)) else body
    pending: list[bytes] = []
    size = 0
    for piece in pieces:
        data = piece.encode("utf-8") if isinstance(piece, str) else bytes(piece)
        pending.append(data)
        size += len(data)
        if size >= CHUNK:
            joined = b"".join(pending)
            for start in range(0, len(joined), CHUNK):
                outbox.send_bytes(joined[start:start + CHUNK])
            pending, size = [], 0
    if pending:
        outbox.send_bytes(b"".join(pending))
    outbox.send_bytes(b"")


def worker_main(inbox, outbox) -> None:
    """A query worker: take its settings from ``inbox``, load the store, then answer jobs until the inbox closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    try:
        source, limits = inbox.recv()
    except (EOFError, OSError):
        return
    try:
        from .answers import check_query
        from . import templates

        store = _open_store(source)
        check_query("ASK {}")  # loads the parser before the process loses its network (and with a user namespace, its files)
        templates.preload()
        isolated = isolate_network()
        _limit_memory(limits.memory_mb)
    except Exception as error:  # reported to the parent, which names it
        try:
            outbox.send(("failed", f"{type(error).__name__}: {error}"))
        except OSError:
            pass
        return
    try:
        outbox.send(("ready", isolated))
    except OSError:  # the server stopped while this worker started
        return
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        answer = _answer(store, job, limits)
        try:
            _send_answer(outbox, answer, job, limits)
        except MemoryError:
            outbox.send_bytes(b"")  # the head went out; the client gets what was sent, cut
        except (BrokenPipeError, OSError):
            return


def _worker_entry(arguments: list[str]) -> None:
    """``python -c`` entry of a worker process: its two pipe ends are given as file descriptor numbers."""
    from multiprocessing.connection import Connection

    inbox = Connection(int(arguments[0]), writable=False)
    outbox = Connection(int(arguments[1]), readable=False)
    worker_main(inbox, outbox)


_WORKER_COMMAND = "import sys; from scograph.server.workers import _worker_entry; _worker_entry(sys.argv[1:])"


# --------------------------------------------------------------------- the pool, in the server


class _Worker:
    """A worker process and the two ends of the pipes to it."""

    def __init__(self, process, outbox, inbox):
        self.process = process
        self.outbox = outbox
        self.inbox = inbox

    def stop(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - a process that will not die is left to the OS
            pass
        for connection in (self.outbox, self.inbox):
            try:
                connection.close()
            except OSError:
                pass


class QueryWorkers:
    """A pool of query worker processes; a worker whose query overruns is killed and replaced.

    Workers are started as fresh interpreters (not forked from a threaded server, and
    without re-running the caller's ``__main__``), each with a pipe in and a pipe out.
    """

    START_TIMEOUT = 120.0

    def __init__(self, source: DataSource, settings, log=None):
        self.source = source
        self.settings = settings
        self.limits = WorkerLimits(settings.max_rows, settings.max_result_bytes, settings.worker_memory_mb,
                                   settings.timeout)
        self.log = log or (lambda message: None)
        self.isolated = False
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        started = []
        try:
            for _ in range(settings.workers):
                started.append(self._start())
            for worker in started:
                self._wait_ready(worker)
        except BaseException:
            for worker in started:
                worker.stop()
            raise
        for worker in started:
            self._add(worker)

    def _start(self) -> _Worker:
        import subprocess
        from multiprocessing.connection import Connection

        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_COMMAND, str(to_worker_read), str(from_worker_write)],
                pass_fds=(to_worker_read, from_worker_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=env, start_new_session=True)
        except OSError as error:
            for fd in (to_worker_read, to_worker_write, from_worker_read, from_worker_write):
                os.close(fd)
            raise DataFileError(f"cannot start a query worker: {error.strerror or error}") from None
        os.close(to_worker_read)
        os.close(from_worker_write)
        worker = _Worker(process, Connection(to_worker_write, readable=False), Connection(from_worker_read, writable=False))
        worker.outbox.send((self.source, self.limits))
        return worker

    def _wait_ready(self, worker: _Worker) -> None:
        if not worker.inbox.poll(self.START_TIMEOUT):
            worker.stop()
            raise DataFileError(f"a query worker did not start within {self.START_TIMEOUT:.0f} s")
        try:
            status, detail = worker.inbox.recv()
        except (EOFError, OSError):
            worker.stop()
            raise DataFileError("a query worker stopped while loading the data") from None
        if status != "ready":
            worker.stop()
            raise DataFileError(f"a query worker could not load {self.source.path}: {detail}")
        self.isolated = bool(detail)

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._workers.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()

        def start_another():
            for attempt in range(3):
                if self._closed:
                    return
                try:
                    fresh = self._start()
                    self._wait_ready(fresh)
                except Exception as error:  # logged; the pool works on with fewer workers meanwhile
                    self.log(f"could not start a query worker (attempt {attempt + 1}): {error}")
                    time.sleep(1.0)
                    continue
                self._add(fresh)
                return

        threading.Thread(target=start_another, name="scograph-worker-restart", daemon=True).start()

    def run(self, job: QueryJob) -> Reply:
        """Answer a job: 503 when no worker frees up in time, when the query overruns, or when a worker fails."""
        timeout = self.settings.timeout
        deadline = time.monotonic() + timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                return self.busy()
            if worker.process.poll() is None:
                break
            self._replace(worker)  # it stopped while idle (killed from outside, say)
        deadline = time.monotonic() + timeout
        reply = None
        try:
            worker.outbox.send(job)
            if not worker.inbox.poll(timeout):
                return self._overran(worker)
            kind, status, content_type, headers = worker.inbox.recv()
            reply = Reply(status, content_type, headers)
            while True:
                if not worker.inbox.poll(max(deadline - time.monotonic(), 0)):
                    reply.close()
                    return self._overran(worker)
                chunk = worker.inbox.recv_bytes()
                if not chunk:
                    break
                reply.write(chunk)
        except (EOFError, OSError, ValueError, TypeError):
            if reply is not None:
                reply.close()
            self._replace(worker)
            return Reply.text(503, "the query stopped its worker (most likely by needing more memory than a query "
                                   "is given); narrow it", **{"Retry-After": "5"})
        self._idle.put(worker)
        return reply

    def busy(self) -> Reply:
        return Reply.text(503, f"the server is busy: all {self.settings.workers} query workers stayed busy "
                               f"for {self.settings.timeout:g} s; try again", **{"Retry-After": "5"})

    def _overran(self, worker: _Worker) -> Reply:
        self._replace(worker)
        return Reply.text(503, f"the query ran longer than this server's time limit ({self.settings.timeout:g} s) "
                               "and was stopped; narrow it (more specific patterns, a LIMIT)", **{"Retry-After": "5"})

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()

    def alive(self) -> int:
        """Workers running, busy or idle."""
        with self._lock:
            return sum(1 for w in self._workers if w.process.poll() is None)

    def idle(self) -> int:
        """Workers waiting for a query."""
        return self._idle.qsize()

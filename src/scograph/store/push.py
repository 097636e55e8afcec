"""Pushing claims to a SPARQL 1.1 Graph Store: streamed in batches, retried across a dropped connection.

A claims file is parsed as a stream (pyoxigraph reads it in chunks) and sent as N-Triples in
POSTs of :data:`BATCH_TRIPLES` triples each, after one PUT that empties the target graph: memory
holds one batch, whatever the size of the corpus. A batch whose connection drops (the store
restarts, a proxy times out) is sent again once the store answers, for up to ``retry_for``
seconds; sending a batch twice is harmless, as a graph is a set. When the store stays away the
push stops with a one-line error that says how many triples landed and the ``--skip`` that sends
the rest.

Triples with a blank node (the cells of RDF lists: author lists) are held back and sent last,
all of one graph in one request: a Graph Store names the blank nodes of each request afresh,
so a list split between two requests would come apart. They are a small share of a corpus
(0.4% of a synthetic one).
"""

from __future__ import annotations

import time
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from ..errors import DataFileError, EndpointError, UsageError
from . import http_url

BATCH_TRIPLES = 50_000
"""Triples per POST: about 7 MB of N-Triples, a few seconds of a store's loading."""
RETRY_SECONDS = 60.0
"""How long a dropped batch is retried before the push stops (``--retry-for``)."""

_IRI_FORBIDDEN = set('<>"{}|^`\\ \t\n\r')
_NTRIPLES = "application/n-triples"
_RETRIED_STATUS = {502, 503, 504}  # a gateway's or a restarting store's answer: worth asking again


class Pushed:
    """What a push sent: ``triples`` in all, to which ``targets`` (URLs, in order)."""

    def __init__(self) -> None:
        self.triples = 0
        self.targets: list[str] = []
        self.reached = False
        """Has the store answered yet? Until it has, a refused connection is an error at once, not retried."""


class _Dropped(Exception):
    """The connection failed before the store answered: the batch may be sent again."""


def graph_target(store_url: str, graph: str | None) -> str:
    """The Graph Store URL of the default graph (``?default``) or of a named graph (``?graph=IRI``)."""
    from urllib.parse import quote, urlsplit

    parts = http_url(store_url, "graph store", "http://127.0.0.1:7878/store")
    if graph is not None and (_IRI_FORBIDDEN & set(graph) or not urlsplit(graph).scheme):
        raise UsageError(f"not an absolute IRI for --graph: {graph!r}; e.g. https://w3id.org/scograph/graph/chen-zeng-2019")
    return store_url + ("&" if parts.query else "?") + ("default" if graph is None else "graph=" + quote(graph, safe=""))


class _Reader:
    """A binary file that counts what has been read of it: the progress of a streaming parse."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.position += len(chunk)
        return chunk

    def readinto(self, buffer) -> int:
        count = self.stream.readinto(buffer)
        self.position += count or 0
        return count


DATASET_SUFFIXES = (".trig", ".nq")
"""Files that hold named graphs (``export --format trig`` writes one): each graph is pushed to its own name."""


def push_file(store_url: str, path, graph: str | None = None, *, batch: int = BATCH_TRIPLES, skip: int = 0,
              retry_for: float = RETRY_SECONDS, progress: Callable[[int], None] | None = None) -> Pushed:
    """Replace the default graph (or ``graph``) of a Graph Store with the triples of a Turtle or N-Triples file.

    A TriG or N-Quads file replaces each of its named graphs, and its default graph goes to the
    default graph (or to ``graph``). ``skip`` leaves out the first so many triples (in the order
    sent) and keeps what the graphs hold: the resumption of a push that stopped, with the count its
    error gave (a batch boundary). ``progress`` is told how many bytes of the file are read.
    """
    import pyoxigraph as ox

    from ..fileio import _reason, open_regular

    formats = {".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    fmt = formats.get(Path(path).suffix.lower(), ox.RdfFormat.TURTLE)
    default = graph_target(store_url, graph)
    named: dict[str, str] = {}
    report = Pushed()

    def target(quad) -> str:
        name = quad.graph_name
        found = default if isinstance(name, ox.DefaultGraph) else named.get(name.value)
        if found is None:
            found = named[name.value] = graph_target(store_url, name.value)
        if found not in report.targets:
            report.targets.append(found)
        return found

    try:
        with open_regular(path, "RDF file") as stream:
            reader = _Reader(stream)
            _send_all(((target(q), q.triple) for q in ox.parse(reader, format=fmt)), report, batch=batch, skip=skip,
                      retry_for=retry_for, done=(lambda: progress(reader.position)) if progress else None)
    except SyntaxError as error:
        raise DataFileError(f"{path}: not valid RDF: {str(error).splitlines()[0]}") from None
    except OSError as error:
        raise DataFileError(f"cannot read {path}: {_reason(error)}") from None
    if not report.targets:
        report.targets.append(default)
    return report


def push_graphs(store_url: str, graphs: Iterable[tuple[str | None, Iterable]], *, batch: int = BATCH_TRIPLES,
                skip: int = 0, retry_for: float = RETRY_SECONDS,
                progress: Callable[[int], None] | None = None) -> Pushed:
    """Replace each graph of a dataset: ``(graph IRI or None for the default graph, pyoxigraph triples)`` pairs.

    ``progress`` is told how many triples are sent.
    """
    report = Pushed()

    def triples() -> Iterator[tuple[str, object]]:
        for name, part in graphs:
            target = graph_target(store_url, name)
            report.targets.append(target)
            for triple in part:
                yield target, triple

    _send_all(triples(), report, batch=batch, skip=skip, retry_for=retry_for,
              done=(lambda: progress(report.triples)) if progress else None)
    return report


def _send_all(triples: Iterable[tuple[str, object]], report: Pushed, *, batch: int, skip: int, retry_for: float,
              done: Callable[[], None] | None) -> None:
    """Send (target, triple) pairs in batches; each target emptied before its first batch unless resuming."""
    import pyoxigraph as ox

    emptied: set[str] = set()
    held: dict[str, list] = {}  # target -> triples with a blank node, sent last (see the module docstring)
    position = 0  # triples counted in the order they are sent

    def send(target: str, part: list) -> None:
        nonlocal position
        start, position = position, position + len(part)
        if position <= skip:
            return
        part = part[max(0, skip - start):]
        body = ox.serialize(part, format=ox.RdfFormat.N_TRIPLES) or b""
        _put_or_post(target, body, "POST", report, retry_for)
        report.triples = position
        if done is not None:
            done()

    current: str | None = None
    run: list = []
    for target, triple in triples:
        if target != current:
            if run:
                send(current, run)
            current, run = target, []
            if skip == 0 and target not in emptied:  # on first sight, before any of its triples is held back
                _put_or_post(target, b"", "PUT", report, retry_for)
                emptied.add(target)
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            held.setdefault(target, []).append(triple)
            continue
        run.append(triple)
        if len(run) >= batch:
            send(target, run)
            run = []
    if run:
        send(current, run)
    for target, part in held.items():
        send(target, part)
    report.triples = max(report.triples, position)
    if done is not None:
        done()


def _put_or_post(target: str, body: bytes, method: str, report: Pushed, retry_for: float) -> None:
    """One request, sent again while the connection drops, for up to ``retry_for`` seconds.

    A store that never answered is not waited for: the address is likely wrong.
    """
    deadline = time.monotonic() + retry_for
    pause = 0.25
    while True:
        try:
            _request(target, body, method)
            report.reached = True
            return
        except _Dropped as dropped:
            if not report.reached:
                raise EndpointError(str(dropped)) from None
            if time.monotonic() + pause > deadline:
                raise EndpointError(
                    f"push stopped: {dropped} (retried for {retry_for:g} s); {report.triples:,} triples landed; "
                    f"to send the rest, run the same command with --skip {report.triples}") from None
            time.sleep(pause)
            pause = min(pause * 2, 4.0)


def _request(target: str, body: bytes, method: str) -> None:
    from http.client import HTTPException
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    request = Request(target, data=body, method=method, headers={"Content-Type": _NTRIPLES})
    try:
        with urlopen(request, timeout=300) as response:
            response.read()
    except HTTPError as error:
        text = error.read(300).decode("utf-8", "replace")
        if error.code in _RETRIED_STATUS:
            raise _Dropped(f"{target} answered {error.code} {error.reason}") from None
        raise EndpointError(_refusal(target, error.code, error.reason, text)) from None
    except (URLError, HTTPException, ConnectionError, TimeoutError) as error:
        raise _Dropped(f"cannot reach {target}: {getattr(error, 'reason', error) or type(error).__name__}") from None
    except OSError as error:
        raise _Dropped(f"cannot reach {target}: {error}") from None
    except ValueError as error:  # http.client's InvalidURL: a URL urllib took and HTTP cannot send
        raise EndpointError(f"cannot send a request to {target}: {error}") from None


def _refusal(target: str, code: int, reason: str, text: str) -> str:
    """The one line for a store's refusal; the default graph's says to name a graph (Virtuoso has none to write)."""
    if target.endswith("?default") or target.endswith("&default"):
        if code >= 500 or code in (403, 405) or text.lstrip().startswith("<"):
            return (f"{target} answered {code} {reason}: this store may have no writable default graph "
                    f"(Virtuoso has none); push to a named graph with --graph IRI")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return f"{target} answered {code} {reason}: {lines[0] if lines else ''}"

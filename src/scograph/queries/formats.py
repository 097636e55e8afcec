"""SPARQL results written and read by pyoxigraph: one writer set for ``scograph sparql`` and the server.

Every format (SPARQL JSON, XML, CSV and TSV results; Turtle, N-Triples, JSON-LD and
RDF/XML graphs) comes from pyoxigraph's own serialisers, so the CLI, the server and a
remote Oxigraph write the same documents. An answer can be bounded in rows and in bytes
and is still a whole, valid document: rows reach the engine's serialiser one at a time
and stop once the output reaches the cap, and the serialiser then closes the document
itself.

pyoxigraph's ``QuerySolutions`` cannot be built from Python rows or cut short, so the
rows go through the engine's TSV parser: each row becomes one TSV line of terms written
by pyoxigraph (``str(term)`` is its N-Triples form), read by ``parse_query_results`` from
a stream that ends where the caps say, and serialised by the engine in the format asked
for. The TSV text is never held whole; what is held is the output so far, plus the
engine's 8 KiB buffers, plus one row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""The default cap on one answer's size in bytes (16 MiB): more is cut at a row, and flagged."""
MAX_REMOTE_ANSWER_BYTES = 512 * 1024 * 1024
"""The most this reads of one remote endpoint's answer; a longer answer is an EndpointError."""

SOLUTION_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "nt", "jsonld", "rdfxml")


def _results_format(fmt: str):
    import pyoxigraph as ox

    try:
        return {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt]
    except KeyError:
        raise ValueError(f"not a SPARQL results format: {fmt!r}; valid: {', '.join(SOLUTION_FORMATS)}") from None


def _rdf_format(fmt: str):
    import pyoxigraph as ox

    try:
        return {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    except KeyError:
        raise ValueError(f"not an RDF format: {fmt!r}; valid: {', '.join(GRAPH_FORMATS)}") from None


class Written:
    """An answer as written: ``body`` (bytes, or None when streamed), how many rows or triples
    it holds, and why it was cut (``"10000 rows"``, ``"16777216 bytes"``) or None."""

    __slots__ = ("body", "count", "truncated")

    def __init__(self, body: bytes | None, count: int, truncated: str | None):
        self.body, self.count, self.truncated = body, count, truncated


class _Sink:
    """Where the engine writes: a list of chunks (or a stream), and the bytes written so far."""

    def __init__(self, stream: IO[bytes] | None = None):
        self.stream = stream
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        data = bytes(data)
        if self.stream is not None:
            self.stream.write(data)
        else:
            self.parts.append(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()

    def body(self) -> bytes | None:
        return None if self.stream is not None else b"".join(self.parts)


class _XmlChars:
    """A byte stream that writes U+FFFD for the characters XML 1.0 cannot hold.

    pyoxigraph writes a literal's control characters (U+0000–U+0008, U+000B, U+000C,
    U+000E–U+001F) and the noncharacters U+FFFE and U+FFFF into XML as they are, which
    makes the document ill-formed (ElementTree, and so SPARQLWrapper, stops at the first);
    XML 1.0 has no way to write them at all, so they become U+FFFD. A byte below 0x20 is
    never part of a longer UTF-8 sequence, and the last two bytes of a chunk wait for the
    next one, so no character is split.
    """

    _FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")

    def __init__(self, stream):
        self.stream, self.held = stream, b""

    def write(self, data) -> int:
        given = bytes(data)
        data = self.held + given
        hold = 2 if data.endswith(b"\xef\xbf") else 1 if data.endswith(b"\xef") else 0
        self.held = data[len(data) - hold:]
        self.stream.write(self._FORBIDDEN.sub("\ufffd".encode(), data[:len(data) - hold]))
        return len(given)

    def flush(self) -> None:
        self.stream.write(self._FORBIDDEN.sub("\ufffd".encode(), self.held))
        self.held = b""
        self.stream.flush()


class _Caps:
    """Counts rows as they are handed on and says when a cap stops them."""

    def __init__(self, sink: _Sink, max_rows: int | None, max_bytes: int | None, unit: str):
        self.sink, self.max_rows, self.max_bytes, self.unit = sink, max_rows, max_bytes, unit
        self.count = 0
        self.truncated: str | None = None

    def admit(self, size: int) -> bool:
        """May one more row of about ``size`` bytes go out? If not, the reason is kept."""
        if self.max_rows is not None and self.count >= self.max_rows:
            self.truncated = f"{self.max_rows} {self.unit}"
        elif self.max_bytes is not None and self.sink.size + size > self.max_bytes:
            self.truncated = f"{self.max_bytes} bytes"
        else:
            self.count += 1
            return True
        return False


def _tsv_cell(value) -> str:
    """A term as TSV writes it: pyoxigraph's own N-Triples form; a triple term as ``<<( s p o )>>``."""
    if value is None:
        return ""
    if type(value).__name__ == "Triple":
        return f"<<( {_tsv_cell(value.subject)} {_tsv_cell(value.predicate)} {_tsv_cell(value.object)} )>>"
    return str(value)


class _RowStream:
    """A readable stream of TSV lines, one row at a time, that ends where the caps say."""

    def __init__(self, variables: Sequence[str], rows: Iterator, caps: _Caps):
        self.rows = rows
        self.caps = caps
        self.pending = ("\t".join("?" + name for name in variables) + "\n").encode("utf-8")
        self.done = False
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self.pending and not self.done:
            try:
                row = next(self.rows, None)
            except Exception as error:  # an evaluation error: kept, and raised once the engine has stopped reading
                self.error, row = error, None
            if row is None:
                self.done = True
                break
            line = ("\t".join([_tsv_cell(value) for value in row]) + "\n").encode("utf-8")
            if self.caps.admit(len(line)):
                self.pending = line
            else:
                self.done = True
        if size is None or size < 0 or size >= len(self.pending):
            chunk, self.pending = self.pending, b""
        else:
            chunk, self.pending = self.pending[:size], self.pending[size:]
        return chunk

    def readinto(self, buffer) -> int:
        chunk = self.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def solutions(variables: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, *,
              max_rows: int | None = None, max_bytes: int | None = MAX_ANSWER_BYTES,
              stream: IO[bytes] | None = None) -> Written:
    """SELECT solutions (rows of pyoxigraph terms, None where unbound) as SPARQL JSON, XML, CSV or TSV.

    With ``stream`` the document is written there as it is made, and ``body`` is None.
    """
    import pyoxigraph as ox

    syntax = _results_format(fmt)
    sink = _Sink(stream)
    caps = _Caps(sink, max_rows, max_bytes, "rows")
    source = _RowStream(variables, iter(rows), caps)
    out = _XmlChars(sink) if fmt == "xml" else sink
    ox.parse_query_results(source, ox.QueryResultsFormat.TSV).serialize(out, syntax)
    if source.error is not None:
        raise source.error
    out.flush()
    return Written(sink.body(), caps.count, caps.truncated)


def boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer as SPARQL JSON, XML, CSV or TSV (the last two: ``true`` or ``false``)."""
    import pyoxigraph as ox

    return ox.Store().query("ASK {}" if value else "ASK { FILTER(false) }").serialize(format=_results_format(fmt))


def triples(items: Iterable, fmt: str, *, max_rows: int | None = None, max_bytes: int | None = MAX_ANSWER_BYTES,
            prefixes: dict[str, str] | None = None, stream: IO[bytes] | None = None) -> Written:
    """Triples as Turtle, N-Triples, JSON-LD or RDF/XML, written by pyoxigraph."""
    import pyoxigraph as ox

    syntax = _rdf_format(fmt)
    sink = _Sink(stream)
    caps = _Caps(sink, max_rows, max_bytes, "triples")

    def capped():
        for triple in items:
            # A triple's N-Triples form is about what any syntax writes for it.
            size = len(str(triple)) + 3 if max_bytes is not None else 0
            if not caps.admit(size):
                return
            yield triple

    out = _XmlChars(sink) if fmt == "rdfxml" else sink
    ox.serialize(capped(), out, syntax, prefixes=prefixes if syntax is not ox.RdfFormat.N_TRIPLES else None)
    out.flush()
    return Written(sink.body(), caps.count, caps.truncated)


# --------------------------------------------------------------------- reading an endpoint's answer


def read_capped(response, limit: int = MAX_REMOTE_ANSWER_BYTES, what: str = "the endpoint") -> bytes:
    """At most ``limit`` bytes of a response; a longer one is an EndpointError (never read whole)."""
    from ..errors import EndpointError

    body = response.read(limit + 1)
    if len(body) > limit:
        raise EndpointError(f"{what} answered more than {limit:,} bytes; this reads at most {limit:,} bytes of an answer")
    return body


def parse_solutions(body: bytes, media_type: str, where: str):
    """An endpoint's SPARQL results (JSON, XML or TSV) parsed by pyoxigraph: QuerySolutions or QueryBoolean."""
    import pyoxigraph as ox

    from ..errors import EndpointError

    syntax = ox.QueryResultsFormat.from_media_type(media_type) if media_type else ox.QueryResultsFormat.JSON
    if syntax is None or syntax == ox.QueryResultsFormat.CSV:  # CSV drops the terms' kinds: not readable back
        raise EndpointError(f"{where} answered {media_type}, not SPARQL results")
    try:
        return ox.parse_query_results(body, syntax)
    except (SyntaxError, ValueError) as error:
        raise EndpointError(f"{where}: the answer is not valid {syntax.name}: {_first_line(error)}") from None


def parse_graph(body: bytes, media_type: str, where: str) -> list:
    """An endpoint's RDF graph (N-Triples, Turtle, RDF/XML, JSON-LD …) parsed by pyoxigraph, as triples."""
    import pyoxigraph as ox

    from ..errors import EndpointError

    syntax = ox.RdfFormat.from_media_type(media_type) if media_type else ox.RdfFormat.N_TRIPLES
    if syntax is None:
        raise EndpointError(f"{where} answered {media_type}, not an RDF graph")
    try:
        return [quad.triple for quad in ox.parse(body, syntax, base_iri=None)]
    except (SyntaxError, ValueError) as error:
        raise EndpointError(f"{where}: the answer is not valid {syntax.name}: {_first_line(error)}") from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__

"""Where claims live and how they are queried: a small store interface over SPARQL.

Lookups are written once, as SPARQL, against :class:`ClaimStore`. The local store
is Oxigraph (pyoxigraph), in memory for a small file and a prepared on-disk index
(:mod:`.prepared`) for a large one. Query results come back as plain Python
values: :class:`IRI` for IRIs, :class:`LangString` for language-tagged text,
``int``/``float`` for numbers, ``str`` for the rest, ``None`` when unbound.

This module is the interface (what lookups import on every call: nothing heavy); the stores are
:mod:`.oxigraph` (local, in memory or prepared), :mod:`.remote` (a SPARQL endpoint, a graph store)
and :mod:`.prepared` (the on-disk index and record cache of a large file).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import DataFileError
from ..terms import XSD

_REPO_DATA = Path(__file__).resolve().parents[3] / "data" / "claims.ttl"
_NUMERIC_INT = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_NUMERIC_FLOAT = {XSD + t for t in ("decimal", "double", "float")}


def numeric_value(value: str, datatype: str) -> Any:
    """A literal's lexical form as ``int`` or ``float`` when its datatype is a number's, else as it is."""
    if datatype in _NUMERIC_INT:
        return int(value)
    if datatype in _NUMERIC_FLOAT:
        return float(value)
    return value


class IRI(str):
    """An IRI, in query results and as a binding."""


class LangString(str):
    """Text with a language tag."""

    lang: str

    def __new__(cls, value: str, lang: str) -> "LangString":
        text = super().__new__(cls, value)
        text.lang = lang
        return text


def default_data_path() -> Path:
    """The packaged claims file; in a source checkout, ``data/claims.ttl``."""
    if _REPO_DATA.is_file():  # a checkout or an editable install: the curated file itself
        return _REPO_DATA
    from importlib import resources

    return Path(str(resources.files("scograph").joinpath("data", "claims.ttl")))


def read_data(path: Path | None) -> tuple[bytes, Path]:
    """The bytes of a claims file; a missing or unreadable one is a DataFileError naming it."""
    from ..fileio import read_bytes

    path = Path(path) if path is not None else default_data_path()
    return read_bytes(path, "Turtle file"), path


def parse_turtle(path: Path | None = None, data: bytes | None = None):
    """Parse a Turtle claims file with rdflib; malformed input is a DataFileError naming file and line."""
    from rdflib import Graph

    if data is None:
        data, path = read_data(path)
    path = Path(path) if path is not None else default_data_path()
    from ..fileio import decode

    text = decode(data, path)
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib raises BadSyntax and a few others; all mean "malformed"
        line = getattr(error, "lines", None)  # rdflib's lines count from 0
        why = getattr(error, "_why", None) or str(error).strip().splitlines()[0]
        raise malformed_turtle(path, line + 1 if isinstance(line, int) else None, why) from None
    return graph, path


def malformed_turtle(path: Path, line: int | None, why: str) -> DataFileError:
    """The one wording of a Turtle file that does not parse, whichever parser found it (Oxigraph or rdflib)."""
    return DataFileError(f"{path}: {f'line {line}: ' if line else ''}malformed Turtle: {why}")


class ClaimStore:
    """What lookups need of a store: SELECT rows and the whole graph as N-Triples."""

    def select(self, query: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def rows(self, query: str, bindings: dict[str, Any] | None = None) -> list[tuple]:
        """SELECT solutions as tuples in the order of the projection (for hot loops)."""
        return [tuple(row.values()) for row in self.select(query, bindings)]

    def iter_rows(self, query: str, bindings: dict[str, Any] | None = None) -> Iterator[tuple]:
        """The rows of :meth:`rows` one at a time, for a large answer folded into something smaller."""
        yield from self.rows(query, bindings)

    def construct(self, query: str, bindings: dict[str, Any] | None = None) -> bytes:
        """The triples a CONSTRUCT query builds, as N-Triples."""
        raise NotImplementedError

    def ntriples(self) -> bytes:
        raise NotImplementedError




def http_url(url: str, what: str, example: str):
    """The parts of an http(s) URL (``what``: endpoint, graph store), or a UsageError that says why not.

    HTTP sends a URL as ASCII text without white space or controls; urllib would take such a URL
    and fail with a traceback on sending it."""
    from urllib.parse import urlsplit

    from ..errors import UsageError

    if not url.isprintable() or " " in url:
        raise UsageError(f"not an http(s) {what} URL: {url!r} holds white space or a control character; e.g. {example}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or not url.isascii():
        raise UsageError(f"not an http(s) {what} URL: {url!r}; e.g. {example}")
    return parts


def bind(query: str, bindings: dict[str, Any] | None) -> str:
    """The query with ``bindings`` as a VALUES block of terms written by pyoxigraph, opening its WHERE group.

    The group is found by the one SPARQL lexer (:mod:`scograph.queries.text`), so ``WHERE``
    may stand on a line of its own or be left out (``SELECT ?x { … }``); no value's text
    is ever pasted into the query.
    """
    if not bindings:
        return query
    from ..queries import text as sparql_text
    from ..queries.binding import bind as bound

    try:
        return bound(sparql_text.read(query), bindings)[0]
    except sparql_text.QueryTextError as error:
        from ..errors import UsageError

        raise UsageError(str(error)) from None


def values_clause(variable: str, iris: list[str]) -> str:
    """A VALUES block of IRIs, each written by pyoxigraph (which refuses a string that is not an IRI)."""
    from ..queries.binding import iri_values

    return iri_values(variable, iris)

"""Where claims live and how they are queried: a small store interface over SPARQL.

Lookups are written once, as SPARQL, against :class:`ClaimStore`. The local store
is Oxigraph (pyoxigraph), in memory for a small file and a prepared on-disk index
(``scograph.cache``) for a large one. Query results come back as plain Python
values: :class:`IRI` for IRIs, :class:`LangString` for language-tagged text,
``int``/``float`` for numbers, ``str`` for the rest, ``None`` when unbound.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import DataFileError
from .terms import SPARQL_PREFIXES, XSD

_REPO_DATA = Path(__file__).resolve().parents[2] / "data" / "claims.ttl"
_NUMERIC_INT = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_NUMERIC_FLOAT = {XSD + t for t in ("decimal", "double", "float")}


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
    from .fileio import read_bytes

    path = Path(path) if path is not None else default_data_path()
    return read_bytes(path, "Turtle file"), path


def parse_turtle(path: Path | None = None, data: bytes | None = None):
    """Parse a Turtle claims file with rdflib; malformed input is a DataFileError naming file and line."""
    from rdflib import Graph

    if data is None:
        data, path = read_data(path)
    path = Path(path) if path is not None else default_data_path()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib raises BadSyntax and a few others; all mean "malformed"
        raise DataFileError(f"{path}: {_describe_parse_error(error)}") from None
    return graph, path


def bulk_load_turtle(store, data: bytes, path: Path, base_iri: str | None = None) -> None:
    """Load Turtle into a pyoxigraph store, in memory or on disk; malformed input is a DataFileError naming file and line.

    The in-memory store of a small file and the prepared index of a large one are both loaded
    here, so that the same mistake gives the same message whatever the file's size.
    """
    try:
        store.bulk_load(data, format=_OX.RdfFormat.TURTLE, base_iri=base_iri)
    except SyntaxError as error:
        line = f"line {error.lineno}: " if error.lineno else ""
        raise DataFileError(f"{path}: {line}malformed Turtle: {error.msg}") from None


def _describe_parse_error(error: Exception) -> str:
    line = getattr(error, "lines", None)
    why = getattr(error, "_why", None) or str(error).strip().splitlines()[0]
    if isinstance(line, int):
        return f"line {line + 1}: malformed Turtle: {why}"
    return f"malformed Turtle: {why}"


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




_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_TSV_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


def _unescape(text: str) -> str:
    def one(found: re.Match) -> str:
        code = found.group(1) or found.group(2)
        return chr(int(code, 16)) if code else _TSV_ESCAPES.get(found.group(3), found.group(3))

    return _TSV_ESCAPE.sub(one, text)


def _tsv_value(token: str) -> Any:
    """A term of Oxigraph's SPARQL TSV results as a plain value (see the module docstring)."""
    if not token:
        return None
    first = token[0]
    if first == "<":
        return IRI(token[1:-1])
    if first == '"':
        end = token.rfind('"')
        value = token[1:end]
        if "\\" in value:
            value = _unescape(value)
        suffix = token[end + 1:]
        if not suffix:
            return value
        if suffix[0] == "@":
            return LangString(value, suffix[1:])
        datatype = suffix[3:-1]  # ^^<datatype>
        if datatype in _NUMERIC_INT:
            return int(value)
        if datatype in _NUMERIC_FLOAT:
            return float(value)
        return value
    if first == "_":
        return token  # a blank node, _:label
    if token in ("true", "false"):
        return token
    # Bare numbers: Turtle's short forms of xsd:integer, xsd:decimal and xsd:double.
    return float(token) if any(c in token for c in ".eE") else int(token)


class _LazyModule:
    """pyoxigraph, imported on first use (a remote store never needs it)."""

    def __getattr__(self, name: str):
        import pyoxigraph

        globals()["_OX"] = pyoxigraph
        return getattr(pyoxigraph, name)


_OX: Any = _LazyModule()


_IRI_FORBIDDEN = set('<>"{}|^`\\ \t\n\r')


def sparql_term(value: Any) -> str:
    """A value (:class:`IRI`, :class:`LangString`, str, int, bool, a pyoxigraph or rdflib term) as a
    SPARQL term, written by pyoxigraph; a string that is not a valid IRI as an :class:`IRI` is a ValueError."""
    from .sparql_text import term

    return str(term(value))


def bind(query: str, bindings: dict[str, Any] | None) -> str:
    """The query with ``bindings`` as a VALUES block of terms written by pyoxigraph, opening its WHERE group.

    The group is found by the one SPARQL lexer (:mod:`scograph.sparql_text`), so ``WHERE``
    may stand on a line of its own or be left out (``SELECT ?x { … }``); no value's text
    is ever pasted into the query.
    """
    if not bindings:
        return query
    from . import sparql_text

    try:
        return sparql_text.bind(sparql_text.read(query), bindings)[0]
    except sparql_text.QueryTextError as error:
        from .errors import UsageError

        raise UsageError(str(error)) from None


def _substitutions(bindings: dict[str, Any]) -> dict:
    from .sparql_text import term, variable

    for name in bindings:
        variable(name)
    return {_OX.Variable(name): term(value) for name, value in bindings.items()}


class OxigraphStore(ClaimStore):
    """A pyoxigraph store, in memory or opened from a prepared on-disk index."""

    def __init__(self, store):
        self.store = store

    @classmethod
    def from_turtle(cls, data: bytes, path: Path) -> "OxigraphStore":
        import pyoxigraph as ox

        store = ox.Store()
        bulk_load_turtle(store, data, path, base_iri=path.resolve().as_uri())
        return cls(store)

    def select(self, query: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        names, rows = self._answer(query, bindings)
        return [dict(zip(names, row)) for row in rows]

    def rows(self, query: str, bindings: dict[str, Any] | None = None) -> list[tuple]:
        return list(self._answer(query, bindings)[1])

    def iter_rows(self, query: str, bindings: dict[str, Any] | None = None) -> Iterator[tuple]:
        return self._answer(query, bindings)[1]

    def _answer(self, query: str, bindings: dict[str, Any] | None) -> tuple[list[str], Iterator[tuple]]:
        """The variables' names, and the rows one line of the answer's text at a time.

        Oxigraph writes the whole answer as TSV in one call, and splitting text is cheaper
        than a Python object for every term of every solution (a quarter of a large lookup);
        reading it line by line holds no list of all lines or rows.
        """
        solutions = self._query(query, bindings)
        text = solutions.serialize(format=_OX.QueryResultsFormat.TSV).decode("utf-8")
        header_end = text.find("\n")
        names = [name[1:] for name in text[:header_end].split("\t")] if header_end > 0 else []

        def rows() -> Iterator[tuple]:
            parse = _tsv_value
            start = header_end + 1
            while start < len(text):
                end = text.index("\n", start)
                yield tuple([parse(token) for token in text[start:end].split("\t")])
                start = end + 1

        return names, rows()

    def _query(self, query: str, bindings: dict[str, Any] | None):
        """Run a query with the default prefixes, ``bindings`` bound by the engine's substitutions.

        pyoxigraph 0.5 substitutes only variables the SELECT projects (the lookups project
        theirs, so no lexer runs on their path); for any other it refuses, and the bindings
        go in a VALUES block of terms written by pyoxigraph instead (:func:`bind`).
        """
        if not bindings:
            return self.store.query(SPARQL_PREFIXES + query)
        try:
            return self.store.query(SPARQL_PREFIXES + query, substitutions=_substitutions(bindings))
        except RuntimeError as refused:
            try:
                return self.store.query(SPARQL_PREFIXES + bind(query, bindings))
            except RuntimeError:
                raise refused from None

    def construct(self, query: str, bindings: dict[str, Any] | None = None) -> bytes:
        import pyoxigraph as ox

        return ox.serialize(self._query(query, bindings), format=ox.RdfFormat.N_TRIPLES) or b""

    def ntriples(self) -> bytes:
        import pyoxigraph as ox

        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    def __len__(self) -> int:
        return len(self.store)


def values_clause(variable: str, iris: list[str]) -> str:
    """A VALUES block of IRIs, each written by pyoxigraph (which refuses a string that is not an IRI)."""
    from .sparql_text import iri_values

    return iri_values(variable, iris)


class SparqlEndpointStore(ClaimStore):
    """A remote SPARQL 1.1 endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso …) over the SPARQL Protocol."""

    def __init__(self, url: str, timeout: float = 30.0, max_answer_bytes: int | None = None):
        from urllib.parse import urlsplit

        from .sparql_results import MAX_REMOTE_ANSWER_BYTES

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            from .errors import UsageError

            raise UsageError(f"not an http(s) endpoint URL: {url!r}; e.g. http://127.0.0.1:7878/query")
        self.url = url
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes or MAX_REMOTE_ANSWER_BYTES
        """The most read of one answer: a longer one is an EndpointError, never read whole."""

    def query(self, query: str, accept: str) -> tuple[bytes, str]:
        """Send a query as the ``query`` field of a POSTed form; the answer's bytes and its media type.

        Of the Protocol's ways to send a query, a form is the one endpoints take most widely
        (older ones know no ``application/sparql-query`` body); the media type is ``""`` when
        the endpoint names none. HTTP errors, refused connections and answers longer than
        :attr:`max_answer_bytes` are one-line EndpointErrors.
        """
        from urllib.error import HTTPError, URLError
        from urllib.parse import urlencode
        from urllib.request import Request, urlopen

        from .errors import EndpointError

        request = Request(self.url, data=urlencode({"query": query}).encode("ascii"), method="POST",
                          headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        from .sparql_results import read_capped

        try:
            with urlopen(request, timeout=self.timeout) as response:
                media_type = (response.headers.get("Content-Type") or "").partition(";")[0].strip().lower()
                return read_capped(response, self.max_answer_bytes, self.url), media_type
        except HTTPError as error:
            body = error.read(300).decode("utf-8", "replace").strip().splitlines()
            raise EndpointError(f"{self.url} answered {error.code} {error.reason}: {body[0] if body else ''}") from None
        except (URLError, OSError) as error:
            raise EndpointError(f"cannot reach {self.url}: {getattr(error, 'reason', error)}") from None

    def select(self, query: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """SELECT rows from the endpoint's SPARQL results (JSON or XML), parsed by pyoxigraph."""
        from .errors import EndpointError
        from .sparql_results import parse_solutions

        body, media_type = self.query(SPARQL_PREFIXES + bind(query, bindings),
                                      "application/sparql-results+json, application/sparql-results+xml;q=0.9")
        answer = parse_solutions(body, media_type, self.url)
        if not isinstance(answer, _OX.QuerySolutions):
            raise EndpointError(f"{self.url} answered a SELECT query with a boolean")
        names = [variable.value for variable in answer.variables]
        try:
            return [{name: _plain(term) for name, term in zip(names, solution)} for solution in answer]
        except (SyntaxError, ValueError) as error:
            raise EndpointError(f"{self.url}: the answer is not valid SPARQL results: {error}") from None

    def construct(self, query: str, bindings: dict[str, Any] | None = None) -> bytes:
        """The endpoint's graph (N-Triples, Turtle or RDF/XML), parsed by pyoxigraph and written as N-Triples."""
        from .sparql_results import parse_graph

        body, media_type = self.query(SPARQL_PREFIXES + bind(query, bindings),
                                      "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8")
        return _OX.serialize(parse_graph(body, media_type, self.url), format=_OX.RdfFormat.N_TRIPLES) or b""

    def ntriples(self) -> bytes:
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _plain(term) -> Any:
    """A pyoxigraph term as the same Python value the local store gives (see the module docstring)."""
    if term is None:
        return None
    if isinstance(term, _OX.NamedNode):
        return IRI(term.value)
    if isinstance(term, _OX.BlankNode):
        return "_:" + term.value
    if isinstance(term, _OX.Literal):
        if term.language:
            return LangString(term.value, term.language)
        datatype = term.datatype.value
        if datatype in _NUMERIC_INT:
            return int(term.value)
        if datatype in _NUMERIC_FLOAT:
            return float(term.value)
        return term.value
    return str(term)


def push_turtle(store_url: str, data: bytes, graph: str | None = None, timeout: float = 60.0) -> str:
    """Replace the default graph (or the named ``graph``) of a SPARQL 1.1 Graph Store with ``data``.

    Returns the URL written to.
    """
    from urllib.error import HTTPError, URLError
    from urllib.parse import quote, urlsplit
    from urllib.request import Request, urlopen

    from .errors import EndpointError, UsageError

    parts = urlsplit(store_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"not an http(s) graph store URL: {store_url!r}; e.g. http://127.0.0.1:7878/store")
    if graph is not None and (_IRI_FORBIDDEN & set(graph) or not urlsplit(graph).scheme):
        _bad_graph(graph)
    target = store_url + ("&" if parts.query else "?") + ("default" if graph is None else "graph=" + quote(graph, safe=""))
    request = Request(target, data=data, method="PUT", headers={"Content-Type": "text/turtle; charset=utf-8"})
    try:
        with urlopen(request, timeout=timeout) as response:
            response.read()
    except HTTPError as error:
        body = error.read(300).decode("utf-8", "replace").strip().splitlines()
        raise EndpointError(f"{target} answered {error.code} {error.reason}: {body[0] if body else ''}") from None
    except (URLError, OSError) as error:
        raise EndpointError(f"cannot reach {target}: {getattr(error, 'reason', error)}") from None
    return target


def _bad_graph(graph: str):
    from .errors import UsageError

    raise UsageError(f"not an absolute IRI for --graph: {graph!r}; e.g. https://w3id.org/scograph/graph/chen-zeng-2019")

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
    """A Python value (or an rdflib term) as a SPARQL term: IRI for :class:`IRI`, a literal otherwise."""
    if hasattr(value, "n3"):  # an rdflib term serialises itself, escapes and all
        return value.n3()
    if isinstance(value, IRI):
        if _IRI_FORBIDDEN & set(value):
            raise ValueError(f"not an IRI: {value!r}")
        return f"<{value}>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    escaped = (str(value).replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r"))
    if isinstance(value, LangString):
        return f'"{escaped}"@{value.lang}'
    return f'"{escaped}"'




def bind(query: str, bindings: dict[str, Any] | None) -> str:
    """Bind variables to terms with a VALUES block opening the query's WHERE group (never by pasting text)."""
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(sparql_term(value) for value in bindings.values())
    at = _where_group_opens(query)
    if at is None:
        from .errors import UsageError

        raise UsageError("a query with parameters needs an explicit 'WHERE {' group to bind them in")
    return f"{query[:at]} VALUES ({names}) {{ ({row}) }}{query[at:]}"


def _where_group_opens(query: str) -> int | None:
    """The offset just after the ``{`` that opens the WHERE group, skipping comment lines."""
    offset = 0
    for line in query.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            upper = line.upper()
            start = upper.find("WHERE")
            while start != -1:
                rest = line[start + 5:]
                if rest.lstrip().startswith("{") and (start == 0 or not (line[start - 1].isalnum() or line[start - 1] in "?$_")):
                    return offset + start + 5 + (len(rest) - len(rest.lstrip())) + 1
                start = upper.find("WHERE", start + 5)
        offset += len(line)
    return None


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
        solutions = self.store.query(SPARQL_PREFIXES + bind(query, bindings))
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

    def construct(self, query: str, bindings: dict[str, Any] | None = None) -> bytes:
        import pyoxigraph as ox

        triples = self.store.query(SPARQL_PREFIXES + bind(query, bindings))
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def ntriples(self) -> bytes:
        import pyoxigraph as ox

        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    def __len__(self) -> int:
        return len(self.store)


def values_clause(variable: str, iris: list[str]) -> str:
    """A VALUES block of IRIs taken from the store (entity IRIs never contain '>' or spaces)."""
    return f"VALUES ?{variable} {{ " + " ".join(f"<{iri}>" for iri in iris) + " }"


class SparqlEndpointStore(ClaimStore):
    """A remote SPARQL 1.1 endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso …) over the SPARQL Protocol."""

    def __init__(self, url: str, timeout: float = 30.0):
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            from .errors import UsageError

            raise UsageError(f"not an http(s) endpoint URL: {url!r}; e.g. http://127.0.0.1:7878/query")
        self.url = url
        self.timeout = timeout

    def query(self, query: str, accept: str) -> tuple[bytes, str]:
        """Send a query as the ``query`` field of a POSTed form; the answer's bytes and its media type.

        Of the Protocol's ways to send a query, a form is the one endpoints take most widely
        (older ones know no ``application/sparql-query`` body); the media type is ``""`` when
        the endpoint names none. HTTP errors and refused connections are one-line EndpointErrors.
        """
        from urllib.error import HTTPError, URLError
        from urllib.parse import urlencode
        from urllib.request import Request, urlopen

        from .errors import EndpointError

        request = Request(self.url, data=urlencode({"query": query}).encode("ascii"), method="POST",
                          headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        try:
            with urlopen(request, timeout=self.timeout) as response:
                media_type = (response.headers.get("Content-Type") or "").partition(";")[0].strip().lower()
                return response.read(), media_type
        except HTTPError as error:
            body = error.read(300).decode("utf-8", "replace").strip().splitlines()
            raise EndpointError(f"{self.url} answered {error.code} {error.reason}: {body[0] if body else ''}") from None
        except (URLError, OSError) as error:
            raise EndpointError(f"cannot reach {self.url}: {getattr(error, 'reason', error)}") from None

    def select(self, query: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        import json

        payload = json.loads(self.query(SPARQL_PREFIXES + bind(query, bindings), "application/sparql-results+json")[0])
        names = payload["head"]["vars"]
        return [{name: _json_value(binding.get(name)) for name in names} for binding in payload["results"]["bindings"]]

    def construct(self, query: str, bindings: dict[str, Any] | None = None) -> bytes:
        return self.query(SPARQL_PREFIXES + bind(query, bindings), "application/n-triples")[0]

    def ntriples(self) -> bytes:
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _json_value(term: dict | None) -> Any:
    """A term of SPARQL 1.1 JSON results as the same Python value the local store gives."""
    if term is None:
        return None
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        return "_:" + value
    if "xml:lang" in term:
        return LangString(value, term["xml:lang"])
    datatype = term.get("datatype")
    if datatype in _NUMERIC_INT:
        return int(value)
    if datatype in _NUMERIC_FLOAT:
        return float(value)
    return value


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

"""Remote stores over HTTP: a SPARQL 1.1 query endpoint (pushing to a Graph Store is :mod:`.push`)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ..errors import EndpointError
from ..queries.formats import MAX_REMOTE_ANSWER_BYTES, parse_graph, parse_solutions, read_capped
from ..terms import SPARQL_PREFIXES
from . import IRI, ClaimStore, LangString, bind, http_url, numeric_value

class SparqlEndpointStore(ClaimStore):
    """A remote SPARQL 1.1 endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso …) over the SPARQL Protocol."""

    def __init__(self, url: str, timeout: float = 30.0, max_answer_bytes: int | None = None):
        http_url(url, "endpoint", "http://127.0.0.1:7878/query")
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
        from urllib.parse import urlencode
        from urllib.request import Request

        request = Request(self.url, data=urlencode({"query": query}).encode("ascii"), method="POST",
                          headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        return _send(request, self.url, self.timeout, self.max_answer_bytes)

    def select(self, query: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """SELECT rows from the endpoint's SPARQL results (JSON or XML), parsed by pyoxigraph."""
        body, media_type = self.query(SPARQL_PREFIXES + bind(query, bindings),
                                      "application/sparql-results+json, application/sparql-results+xml;q=0.9")
        answer = parse_solutions(body, media_type, self.url)
        if not isinstance(answer, ox.QuerySolutions):
            raise EndpointError(f"{self.url} answered a SELECT query with a boolean")
        names = [variable.value for variable in answer.variables]
        try:
            return [{name: _plain(term) for name, term in zip(names, solution)} for solution in answer]
        except (SyntaxError, ValueError) as error:
            raise EndpointError(f"{self.url}: the answer is not valid SPARQL results: {error}") from None

    def construct(self, query: str, bindings: dict[str, Any] | None = None) -> bytes:
        """The endpoint's graph (N-Triples, Turtle or RDF/XML), parsed by pyoxigraph and written as N-Triples."""
        body, media_type = self.query(SPARQL_PREFIXES + bind(query, bindings),
                                      "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8")
        return ox.serialize(parse_graph(body, media_type, self.url), format=ox.RdfFormat.N_TRIPLES) or b""

    def ntriples(self) -> bytes:
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _plain(term) -> Any:
    """A pyoxigraph term as the same Python value the local store gives (see the module docstring)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        if term.language:
            return LangString(term.value, term.language)
        return numeric_value(term.value, term.datatype.value)
    return str(term)


def _send(request, target: str, timeout: float, max_bytes: int | None) -> tuple[bytes, str]:
    """The one HTTP path: send ``request``; the answer (read up to ``max_bytes``, or drained) and its media type.

    HTTP errors, refused connections and answers longer than ``max_bytes`` are one-line EndpointErrors.
    """
    from urllib.error import HTTPError, URLError
    from urllib.request import urlopen

    try:
        with urlopen(request, timeout=timeout) as response:
            media_type = (response.headers.get("Content-Type") or "").partition(";")[0].strip().lower()
            if max_bytes is None:
                response.read()
                return b"", media_type
            return read_capped(response, max_bytes, target), media_type
    except HTTPError as error:
        body = error.read(300).decode("utf-8", "replace").strip().splitlines()
        raise EndpointError(f"{target} answered {error.code} {error.reason}: {body[0] if body else ''}") from None
    except (URLError, OSError) as error:
        raise EndpointError(f"cannot reach {target}: {getattr(error, 'reason', error)}") from None
    except ValueError as error:  # http.client's InvalidURL: a URL urllib took and HTTP cannot send
        raise EndpointError(f"cannot send a request to {target}: {error}") from None


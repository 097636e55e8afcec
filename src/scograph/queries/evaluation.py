"""Preparing, binding and running a named query: locally on Oxigraph, or on a remote endpoint.

Each parameter's term (:mod:`.params`) is bound locally by the engine's ``substitutions``
where the SELECT projects the variable, and otherwise (and on a remote endpoint) by a
``VALUES`` block of terms written by pyoxigraph, opening the query's WHERE group as
:mod:`.text` finds it (``WHERE`` on a line of its own, or no ``WHERE`` at all:
``SELECT ?x { … }``). An optional parameter that is not given stays unbound, so a pattern
such as ``?demand sco:domain ?domain`` then matches every domain. A query uses a parameter
variable in triple patterns, or in ``FILTER``s of its outermost group, never inside
``OPTIONAL``, ``MINUS``, sub-queries or ``FILTER``s of nested groups: there, fixing a
variable's value in advance and joining it with the answer afterwards (``VALUES``) would
differ, and the named queries must mean the same on every SPARQL 1.1 engine.

Local queries run on the claims' Oxigraph store (``claims.store``); remote ones are sent
to the endpoint over the SPARQL Protocol, with the default prefixes declared, and its
answer (read up to a byte cap) is parsed by pyoxigraph. Either way results are pyoxigraph
terms (:mod:`.results`). rdflib is imported only to word a syntax error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import EndpointError, SparqlSyntaxError, UsageError
from ..terms import PREFIXES
from . import text as sparql_text
from . import binding as sparql_binding
from .catalogue import NamedQuery
from .params import KINDS, bind
from .results import Result
from .formats import parse_graph, parse_solutions
from .text import lexed as read_query

if TYPE_CHECKING:
    from ..graph import ClaimsGraph


def _offending(text: str, error) -> str:
    """The text where parsing stopped, as far as the end of its line."""
    if not text[error.loc:].strip():
        return "the end of the query"
    rest = error.line[error.col - 1:].strip() if error.col >= 1 else error.line.strip()
    if not rest:
        return "the end of line " + str(error.lineno)
    return repr(rest if len(rest) <= 40 else rest[:39] + "…")


def _near(text: str, line: int, column: int) -> str:
    """The text at line and column (counted from 1), as far as the end of its line."""
    lines = text.split("\n")
    offset = sum(len(part) + 1 for part in lines[:line - 1]) + column - 1
    if not text[offset:].strip():
        return "the end of the query"
    rest = lines[line - 1][column - 1:].strip() if line <= len(lines) else ""
    if not rest:
        return "the end of line " + str(line)
    return repr(rest if len(rest) <= 40 else rest[:39] + "…")


def _locate(lexed, needle: str) -> tuple[int, int] | None:
    """Where the first prefixed name starting with ``needle`` is, as (line, column)."""
    for token in lexed.tokens:
        if token.kind == "pname" and token.text.startswith(needle):
            return lexed.position(token.start)
    return None


@functools.lru_cache(maxsize=1)
def _empty_store():
    from pyoxigraph import Store

    return Store()


@functools.lru_cache(maxsize=128)
def _parse(text: str) -> str:
    """The form of a query (the lexer's text) Oxigraph parses; a SyntaxError if it does not.

    Parsed on an empty store: SELECT, CONSTRUCT and DESCRIBE are evaluated only when read.
    """
    lexed = read_query(text)
    try:
        answer = _empty_store().query(lexed.text, prefixes=PREFIXES)
    except SyntaxError:
        raise
    except Exception:  # parsed, and failed on the empty store (an ASK with a SERVICE): the form is all we need
        answer = None
    if lexed.form is not None:
        return lexed.form
    return {"QuerySolutions": "SELECT", "QueryBoolean": "ASK"}.get(type(answer).__name__, "CONSTRUCT")


@functools.lru_cache(maxsize=16)
def _prepare_text(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=PREFIXES)


def _explain_with_rdflib(query: NamedQuery) -> None:
    """If rdflib rejects the query too, raise its wording: the place and text where parsing stopped."""
    from pyparsing import ParseBaseException

    lexed = read_query(query.text)
    try:
        _prepare_text(lexed.text)
    except ParseBaseException as error:
        line, column = error.lineno, error.col
        raise SparqlSyntaxError(
            f"{query.where}: SPARQL syntax error at line {line}, column {column}: near {_offending(lexed.text, error)}",
            line, column,
        ) from None
    except RecursionError:  # deeper than rdflib's parser goes, yet within the lexer's limits: Oxigraph words it
        return
    except Exception as error:  # rdflib raises a bare Exception for an undeclared prefix
        message = str(error)
        prefix = re.match(r"Unknown namespace prefix : (\S*)", message)
        if prefix:
            place = _locate(lexed, f"{prefix.group(1)}:")
            at = f" at line {place[0]}, column {place[1]}" if place else ""
            raise SparqlSyntaxError(
                f"{query.where}: SPARQL syntax error{at}: undeclared prefix '{prefix.group(1)}:'; "
                f"declare it with PREFIX {prefix.group(1)}: <…>",
                *(place or (None, None)),
            ) from None
        raise SparqlSyntaxError(f"{query.where}: SPARQL error: {message}") from None


def _oxigraph_syntax_error(query: NamedQuery, error: SyntaxError) -> SparqlSyntaxError:
    """Oxigraph's syntax error ("error at 1:39: expected one of The SELECT …, [_]") as one line."""
    message = str(error)
    place = re.match(r"error at (\d+):(\d+): (?:expected (?:one of )?)?(.*)", message, re.S)
    if place is None:
        return SparqlSyntaxError(f"{query.where}: SPARQL syntax error: {_first_line(error)}")
    line, column = int(place.group(1)), int(place.group(2))
    # Among the tokens Oxigraph expected, a sentence is the reason ("The SELECT contains a variable that is unbound").
    reason = re.search(r"(?:^|, )([A-Z][a-z]+(?: [^\s,]+)+)", place.group(3))
    why = reason.group(1)[0].lower() + reason.group(1)[1:] if reason else f"near {_near(read_query(query.text).text, line, column)}"
    return SparqlSyntaxError(f"{query.where}: SPARQL syntax error at line {line}, column {column}: {why}", line, column)


def prepare(query: NamedQuery) -> str:
    """Read and parse the query (cached by text) and answer its form; a syntax error names its place.

    The lexer (:mod:`scograph.queries.text`) reads it first and refuses what it does not
    understand and what would crash an engine (too long, too deeply nested: exit code 2);
    Oxigraph, which runs the lexer's text, decides whether it parses; rdflib, imported only
    then, words the error when it rejects the query too.
    """
    try:
        read_query(query.text)
    except SparqlSyntaxError as error:
        raise SparqlSyntaxError(f"{query.where}: {error}", error.line, error.column) from None
    try:
        return _parse(query.text)
    except SyntaxError as error:
        _explain_with_rdflib(query)
        raise _oxigraph_syntax_error(query, error) from None


def query_form(query: NamedQuery) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return prepare(query)


def _bound(query: NamedQuery, bindings: Mapping[str, Any] | None, substitute: bool) -> tuple[str, dict]:
    """The text to run and the engine's substitutions: see :func:`scograph.queries.binding.bind`."""
    try:
        return sparql_binding.bind(read_query(query.text), dict(bindings or {}), substitute)
    except (sparql_text.QueryTextError, ValueError, TypeError) as error:
        raise UsageError(f"{query.where}: {error}") from None


def _bound_text(query: NamedQuery, bindings: Mapping[str, Any] | None) -> str:
    """The query's text with its bindings as a VALUES block opening its WHERE group (FILTERs there see them)."""
    return _bound(query, bindings, substitute=False)[0]


def prefilled_text(query: NamedQuery, claims: "ClaimsGraph") -> str:
    """A named query's text as written, with its parameters' defaults bound in a VALUES block, ready to send as is.

    The block opens the WHERE group the lexer finds (wherever ``WHERE`` stands, or without
    one); its terms are written by pyoxigraph. A required parameter without a default stays
    unbound (the query then answers for every value), and a comment in the block says how
    to fix it. A query without a WHERE group to hold the block is given as it is.
    """
    defaults = {p.name: KINDS[p.kind].convert(claims, p.default) for p in query.parameters if p.default is not None}
    required = [p for p in query.parameters if p.required and p.name not in defaults]
    if not defaults and not required:
        return query.text
    block = "\n  # The parameters, bound to their defaults: change them here."
    if defaults:
        block += "\n " + sparql_binding.values_block(defaults)
    for parameter in required:
        block += (f"\n  # ?{parameter.name} ({parameter.kind}) is unbound, so every value answers; bind it with "
                  f"VALUES ?{parameter.name} {{ ... }}")
    try:
        return read_query(query.text).with_values(block, written=True)
    except (SparqlSyntaxError, sparql_text.QueryTextError):
        return query.text


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__


def _oxigraph(source):
    """The pyoxigraph Store to query: that of a ClaimsGraph or an OxigraphStore, or a copy of an rdflib Graph."""
    import pyoxigraph as ox

    for _ in range(3):  # ClaimsGraph -> OxigraphStore -> pyoxigraph.Store
        if isinstance(source, ox.Store):
            return source
        if hasattr(source, "serialize") and hasattr(source, "triples"):  # an rdflib Graph
            store = ox.Store()
            store.bulk_load(source.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
            return store
        source = getattr(source, "store", None)
    raise TypeError("evaluate() runs on a ClaimsGraph, its store, a pyoxigraph.Store or an rdflib Graph")


def evaluate(store, query: NamedQuery, bindings: Mapping[str, Any] | None = None) -> "Result":
    """Run a query on an Oxigraph store with its parameters bound as RDF terms.

    ``store`` is a :class:`~scograph.graph.ClaimsGraph`, its store (``claims.store``), a
    ``pyoxigraph.Store``, or an rdflib Graph (copied into an Oxigraph store first); a
    binding is a :class:`Term`, a pyoxigraph term, or an rdflib term. The answer is read
    whole, so that evaluation errors surface here.
    """
    form = prepare(query)
    text, substitutions = _bound(query, bindings, substitute=True)
    store = _oxigraph(store)
    try:
        answer = store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
        if form == "ASK":
            return Result(form, answer=bool(answer))
        if form in ("CONSTRUCT", "DESCRIBE"):
            return Result(form, triples=list(answer))
        columns = range(len(answer.variables))
        return Result(form, [v.value for v in answer.variables], [tuple([s[i] for i in columns]) for s in answer])
    except Exception as error:  # an evaluation error of the user's query (a failed SERVICE, a store error …)
        raise UsageError(f"{query.where}: SPARQL evaluation failed: {_first_line(error)}") from None


def run(claims: "ClaimsGraph", query: NamedQuery, values: Mapping[str, str] | None = None) -> "Result":
    """Bind ``values`` (text, as on the command line) and run the query on the claims' store.

    On a graph connected to a remote endpoint the query runs there, with the bindings as a
    VALUES block of terms written by pyoxigraph opening its WHERE group and the default
    prefixes it does not declare written out; syntax errors and the limits are still
    caught here first.
    """
    bindings = bind(query, values or {}, claims)
    if getattr(claims.store, "url", None) is None:
        return evaluate(claims.store, query, bindings)
    form = prepare(query)
    return fetch(claims.store, form, declare_prefixes(_bound_text(query, bindings)))


def declare_prefixes(text: str) -> str:
    """The query with a PREFIX line for each of :data:`PREFIXES` its prologue does not declare.

    An endpoint knows no prefixes of ours, so the ones a local query may use undeclared are
    written out. They go before the query's first line, on that line, so that the line
    numbers in an endpoint's error messages stay the query's own. (A prefix named only in a
    comment is not declared: the lexer skips comments.)
    """
    try:
        declared = sparql_text.read(text).declared_prefixes()
    except sparql_text.QueryTextError:
        declared = set()
    missing = [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items() if prefix not in declared]
    return " ".join(missing) + " " + text if missing else text


# What to ask an endpoint for: what local queries print from first, then the other standard formats it may offer.
_SOLUTIONS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"


def fetch(endpoint, form: str, text: str) -> Result:
    """Run a query's full text on a remote SPARQL 1.1 endpoint (a :class:`~scograph.store.remote.SparqlEndpointStore`).

    The answer, SPARQL results (JSON or XML) or a graph (N-Triples, Turtle or RDF/XML), read
    up to :data:`scograph.queries.formats.MAX_REMOTE_ANSWER_BYTES`, is parsed by pyoxigraph
    into the same :class:`Result` a local query gives, so that one printer serves both. An
    answer that cannot be read is a one-line EndpointError.
    """
    import pyoxigraph as ox

    graph = form in ("CONSTRUCT", "DESCRIBE")
    body, media_type = endpoint.query(text, _GRAPH_ACCEPT if graph else _SOLUTIONS_ACCEPT)
    if graph:
        return Result(form, triples=parse_graph(body, media_type, endpoint.url))
    answer = parse_solutions(body, media_type, endpoint.url)
    try:
        if form == "ASK" and isinstance(answer, ox.QueryBoolean):
            return Result(form, answer=bool(answer))
        if form == "SELECT" and isinstance(answer, ox.QuerySolutions):
            columns = range(len(answer.variables))
            return Result(form, [v.value for v in answer.variables], [tuple([s[i] for i in columns]) for s in answer])
    except (SyntaxError, ValueError) as error:  # a solution further on that is malformed
        raise EndpointError(f"{endpoint.url}: the answer is not valid SPARQL results: {_first_line(error)}") from None
    answered = "a boolean" if isinstance(answer, ox.QueryBoolean) else "solutions"
    raise EndpointError(f"{endpoint.url} answered the {form} query with {answered}")

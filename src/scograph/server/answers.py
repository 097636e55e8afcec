"""Answering one SPARQL Protocol request in a query worker: check the query, run it, serialize the result.

Runs inside the server's worker processes (``scograph.server``); never raises, every
failure is an :class:`Answer` with its status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .negotiation import MEDIA_TYPES, _offered, choose_format
from ..queries.formats import MAX_ANSWER_BYTES
from ..terms import ENDPOINT_PREFIXES as PREFIXES
from ..terms import XSD

# --------------------------------------------------------------------- answers


@dataclass
class Answer:
    """What a request gets: status, type, body, extra headers; ``table`` when a page is to be rendered."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    table: dict | None = None

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> "Answer":
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), dict(headers))


class Refusal(Exception):
    """A request this server will not answer, with its status and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------- checking a query (in a worker)

_UPDATE_OPERATIONS = {
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
    "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}
_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
READ_ONLY = "this endpoint is read-only"
NO_REMOTE = "this endpoint answers from its own data only and never fetches anything from the web"


@dataclass(frozen=True)
class CheckedQuery:
    """A query the check let through: its form, its dataset, and ``text``, the text the engine is to run.

    ``text`` is what both rdflib (the check) and Oxigraph (the engine) read: the query as
    :func:`scograph.queries.text.read` writes it out, with nothing left on which they differ.
    """

    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    text: str = ""


def _nodes(tree):
    """Every CompValue of a parse tree, without recursion (a deeply nested query stays cheap)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(dict.values(item))
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)


def _syntax_message(error) -> str:
    """The parser's message, where it is, and the line with a caret under the place."""
    line, column = getattr(error, "lineno", None), getattr(error, "col", None)
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", str(error)).strip()
    text = f"SPARQL syntax error at line {line}, column {column}: {message}"
    source_line = getattr(error, "line", "")
    if source_line and len(source_line) <= 200 and isinstance(column, int):
        text += f"\n  {source_line}\n  {' ' * (column - 1)}^"
    return text


def check_query(text: str) -> CheckedQuery:
    """Read a query and check it is one this server runs; a :class:`Refusal` says why not.

    Three walls, each enough alone: the lexer writes out a text on which rdflib and
    Oxigraph cannot disagree (and refuses a query nested or long enough to crash either);
    no token of that text may read as ``SERVICE``; and rdflib's parse of that same text
    may hold no update, no SERVICE, and only the FROM clauses the tokens show.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    from ..queries import text as sparql_text

    if not text.strip():
        raise Refusal(400, "the query is empty; send a SPARQL query in the 'query' parameter or the request body")
    try:
        lexed = sparql_text.read(text)
    except sparql_text.QueryTextError as error:
        raise Refusal(400, error.message if error.kind == "limit" else f"SPARQL syntax error: {error.message}") from None
    for token in lexed.remote_words():
        line, column = lexed.position(token.start)
        what = "SERVICE (federated query) is refused" if token.keyword == "SERVICE" else (
            f"{token.text!r} (line {line}, column {column}) is refused: an engine may read the keyword SERVICE in it")
        raise Refusal(403, f"{NO_REMOTE}: {what}")
    for token in lexed.dataset_words():
        line, column = lexed.position(token.start)
        raise Refusal(400, f"{token.text!r} (line {line}, column {column}) is refused: an engine may read the keyword "
                           "FROM or NAMED in it; separate keywords with a space, and name prefixes otherwise")
    try:
        tree = parseQuery(lexed.text)
    except ParseBaseException as error:
        try:
            update = parseUpdate(lexed.text)
        except (ParseBaseException, RecursionError, ValueError):
            raise Refusal(400, _syntax_message(error)) from None
        operations = sorted({_UPDATE_OPERATIONS.get(n.name, n.name) for n in _nodes(update)
                             if n.name in _UPDATE_OPERATIONS})
        raise Refusal(403, f"{READ_ONLY}: SPARQL Update ({', '.join(operations) or 'update'}) is refused") from None
    except RecursionError:
        raise Refusal(400, "the query is nested too deeply for the check's parser; nest its groups and "
                           "expressions less deeply") from None
    except Exception as error:  # rdflib raises a bare Exception for a few malformed queries
        raise Refusal(400, f"SPARQL syntax error: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    query = tree[1]
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            raise Refusal(403, f"{NO_REMOTE}: SERVICE (federated query) is refused")
    defaults, named = [], []
    # CompValue.get answers the key itself for a missing key; dict.get answers None.
    for clause in dict.get(query, "datasetClause") or []:
        if dict.get(clause, "default") is not None:
            defaults.append(str(dict.get(clause, "default")))
        if dict.get(clause, "named") is not None:
            named.append(str(dict.get(clause, "named")))
    clauses = lexed.dataset_clauses()
    if (len(defaults), len(named)) != (sum(k == "default" for k, _ in clauses), sum(k == "named" for k, _ in clauses)):
        raise Refusal(400, "the query's FROM clauses read differently to the check and to its tokens; "
                           "write each as FROM <iri> or FROM NAMED <iri>")
    return CheckedQuery(_FORMS.get(query.name, query.name), tuple(defaults), tuple(named), lexed.text)


# --------------------------------------------------------------------- serializing results (in a worker)

TABLE_VALUE_CHARS = 1_000
"""The longest value an HTML results table shows whole; a longer one is cut (and counted as cut)."""


def term_json(term) -> dict:
    """A pyoxigraph term as a SPARQL 1.1 JSON results term (the HTML table's cells)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        item = {"type": "literal", "value": term.value}
        if term.language:
            item["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            item["datatype"] = term.datatype.value
        return item
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate),
                                            "object": term_json(term.object)}}
    return {"type": "literal", "value": str(term)}


def _cell(term) -> dict | None:
    """A table cell, its value cut at :data:`TABLE_VALUE_CHARS` (and then marked ``cut``)."""
    if term is None:
        return None
    item = term_json(term)
    if isinstance(item["value"], str) and len(item["value"]) > TABLE_VALUE_CHARS:
        item["value"] = item["value"][:TABLE_VALUE_CHARS] + "…"
        item["cut"] = True
    return item


def _table(names: list[str], rows, max_rows: int, max_bytes: int, unit: str) -> dict:
    """The HTML table's model, bounded: at most ``max_rows`` rows and about a quarter of ``max_bytes``
    of text (escaping and markup make the page several times its text); ``truncated`` says why
    rows were left out, ``cut_values`` how many values were cut short."""
    budget = max_bytes // 4
    table, cut, size = [], 0, 0
    truncated = None
    for row in rows:
        if len(table) == max_rows:
            truncated = f"{max_rows} {unit}"
            break
        cells = [_cell(term) for term in row]
        size += sum(len(c["value"]) if isinstance(c["value"], str) else 200 for c in cells if c is not None) + 8
        if size > budget and table:
            truncated = f"{max_bytes} bytes"
            break
        table.append(cells)
        cut += sum(1 for c in cells if c is not None and c.get("cut"))
    return {"kind": "solutions", "vars": names, "rows": table, "truncated": truncated, "cut_values": cut}


def serialize_triples(triples: list, fmt: str) -> bytes:
    """Triples as Turtle, N-Triples, JSON-LD or RDF/XML (pyoxigraph's writers, the default prefixes)."""
    from ..queries.formats import triples as write_triples

    return write_triples(triples, fmt, max_bytes=None, prefixes=PREFIXES).body or b""


# --------------------------------------------------------------------- running a query (in a worker)


@dataclass(frozen=True)
class QueryJob:
    """One protocol request, as a worker gets it."""

    query: str
    accept: str | None = None
    format_hints: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def answer_query(store, job: QueryJob, max_rows: int, max_bytes: int = MAX_ANSWER_BYTES) -> Answer:
    """Check, run and serialize one query on a pyoxigraph store; never raises.

    The answer holds at most ``max_rows`` rows (or triples) and about ``max_bytes`` bytes
    (plus the engine's 8 KiB buffer and one row); a cut is flagged in the
    ``Scograph-Truncated`` header ("10000 rows", "16777216 bytes") and in ``table["truncated"]``.
    """
    try:
        return _answer_query(store, job, max_rows, max_bytes)
    except Refusal as refusal:
        return Answer.text(refusal.status, refusal.message)
    except SyntaxError as error:
        return Answer.text(400, f"SPARQL syntax error: {_first_line(error)}")
    except (ValueError, RuntimeError, TypeError, KeyError) as error:
        return Answer.text(400, f"the query could not be evaluated: {_first_line(error)}")
    except MemoryError:
        return Answer.text(503, "the query needs more memory than this server gives a query; narrow it")
    except OSError as error:
        return Answer.text(503, f"the store could not answer: {_first_line(error)}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _answer_query(store, job: QueryJob, max_rows: int, max_bytes: int) -> Answer:
    import pyoxigraph as ox

    from ..queries import formats as sparql_results

    checked = check_query(job.query)
    kind = "graph" if checked.form in ("CONSTRUCT", "DESCRIBE") else "solutions"
    fmt = choose_format(kind, job.accept, list(job.format_hints))
    if fmt is None:
        return Answer.text(406, f"a {checked.form} result can be sent as {_offered(kind)}; "
                                f"the Accept header ({job.accept}) takes none of them")
    defaults = list(job.default_graphs or checked.default_graphs)  # the protocol's parameters win (SPARQL 1.1 Protocol 2.1.4)
    named = list(job.named_graphs or checked.named_graphs)
    known = {graph.value for graph in store.named_graphs()}
    for iri in defaults + named:
        if iri not in known:
            names = sorted(known)
            held = ("it has only the default graph" if not known else f"its graphs: {', '.join(names[:3])}"
                    + (f" … ({len(names)} in all; SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{}} }} lists them)"
                       if len(names) > 3 else ""))
            raise Refusal(403, f"{NO_REMOTE}: <{iri}> is not a graph of this store ({held})")
    # The dataset is always given to the engine, so that it never applies a FROM of its own
    # reading: the graphs it queries are the ones checked here.
    options: dict[str, Any] = {
        "prefixes": PREFIXES,
        "default_graph": [ox.NamedNode(iri) for iri in defaults] or ox.DefaultGraph(),
        "named_graphs": ([ox.NamedNode(iri) for iri in named] if job.named_graphs or checked.named_graphs or defaults
                         else [ox.NamedNode(iri) for iri in sorted(known)]),
    }
    result = store.query(checked.text, **options)
    headers: dict[str, str] = {}
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        if fmt == "html":
            return Answer(200, MEDIA_TYPES["html"], b"", table={"kind": "boolean", "value": value})
        return Answer(200, MEDIA_TYPES[fmt], sparql_results.boolean(value, fmt))
    if isinstance(result, ox.QuerySolutions):
        names = [variable.value for variable in result.variables]
        if fmt == "html":
            table = _table(names, result, max_rows, max_bytes, "rows")
        else:
            written = sparql_results.solutions(names, result, fmt, max_rows=max_rows, max_bytes=max_bytes)
    elif fmt == "html":
        table = _table(["subject", "predicate", "object"], ((t.subject, t.predicate, t.object) for t in result),
                       max_rows, max_bytes, "triples")
    else:
        written = sparql_results.triples(result, fmt, max_rows=max_rows, max_bytes=max_bytes, prefixes=PREFIXES)
    if fmt == "html":
        if table["truncated"]:
            headers["Scograph-Truncated"] = table["truncated"]
        return Answer(200, MEDIA_TYPES["html"], b"", headers, table)
    if written.truncated:
        headers["Scograph-Truncated"] = written.truncated
    return Answer(200, MEDIA_TYPES[fmt], written.body or b"", headers)

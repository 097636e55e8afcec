"""Answering one SPARQL Protocol request in a query worker: check the query, run it, serialize the result.

Runs inside the server's worker processes (``scograph.server``); never raises, every
failure is an :class:`Answer` with its status.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .negotiation import MEDIA_TYPES, _offered, choose_format
from .terms import BIBO, DCTERMS, ENTITY, PROV, RDF, RDFS, SCO, SKOS, XSD

PREFIXES = {"sco": SCO, "scoid": ENTITY, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "dcterms": DCTERMS,
            "prov": PROV, "skos": SKOS, "bibo": BIBO}
"""Prefixes a query may use without declaring them (its own PREFIX lines win)."""

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

_CODEPOINT_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
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
    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


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
    """Parse a query and check it is one this server runs; a :class:`Refusal` says why not."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not text.strip():
        raise Refusal(400, "the query is empty; send a SPARQL query in the 'query' parameter or the request body")
    if _CODEPOINT_ESCAPE.search(text):
        # Parsers disagree on where \u escapes apply; refusing them keeps the check exact.
        raise Refusal(400, "codepoint escapes (\\uXXXX, \\UXXXXXXXX) are not accepted; write the characters themselves")
    try:
        tree = parseQuery(text)
    except ParseBaseException as error:
        try:
            update = parseUpdate(text)
        except (ParseBaseException, RecursionError, ValueError):
            raise Refusal(400, _syntax_message(error)) from None
        operations = sorted({_UPDATE_OPERATIONS.get(n.name, n.name) for n in _nodes(update)
                             if n.name in _UPDATE_OPERATIONS})
        raise Refusal(403, f"{READ_ONLY}: SPARQL Update ({', '.join(operations) or 'update'}) is refused") from None
    except RecursionError:
        raise Refusal(400, "the query is nested too deeply to parse") from None
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
    return CheckedQuery(_FORMS.get(query.name, query.name), tuple(defaults), tuple(named))


# --------------------------------------------------------------------- serializing results (in a worker)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def term_json(term) -> dict:
    """A pyoxigraph term as a SPARQL 1.1 JSON results term."""
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


def _xml_text(value: str) -> str:
    return xml_escape(_XML_INVALID.sub("\ufffd", value))


def _xml_term(term: dict) -> str:
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return f"<uri>{_xml_text(value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{_xml_text(value)}</bnode>"
    if kind == "triple":
        return ("<triple>" + "".join(f"<{part}>{_xml_term(value[part])}</{part}>"
                                     for part in ("subject", "predicate", "object")) + "</triple>")
    attributes = ""
    if "xml:lang" in term:
        attributes = f" xml:lang={quoteattr(_XML_INVALID.sub('', term['xml:lang']))}"
    elif "datatype" in term:
        attributes = f" datatype={quoteattr(_XML_INVALID.sub('', term['datatype']))}"
    return f"<literal{attributes}>{_xml_text(value)}</literal>"


def _plain_term(term: dict | None) -> str:
    """CSV: the lexical form."""
    if term is None:
        return ""
    if term["type"] == "bnode":
        return "_:" + term["value"]
    if term["type"] == "triple":
        return "<< " + " ".join(_tsv_term(term["value"][p]) for p in ("subject", "predicate", "object")) + " >>"
    return term["value"]


def _tsv_term(term: dict | None) -> str:
    """TSV: the term in SPARQL syntax."""
    if term is None:
        return ""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple":
        return _plain_term(term)
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    if "xml:lang" in term:
        return f'"{escaped}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{escaped}"^^<{term["datatype"]}>'
    return f'"{escaped}"'


def serialize_solutions(names: list[str], rows: list[list[dict | None]], fmt: str) -> bytes:
    """SELECT rows (JSON terms, None when unbound) as SPARQL 1.1 JSON, XML, CSV or TSV."""
    if fmt == "json":
        bindings = [{n: t for n, t in zip(names, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(n)}/>" for n in names]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>" + "".join(f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                                            for n, t in zip(names, row) if t is not None) + "</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([_plain_term(t) for t in row] for row in rows)
        return buffer.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)] + ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"not a solutions format: {fmt}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n").encode()
    return b"true\n" if value else b"false\n"  # CSV and TSV define no boolean; as `scograph sparql` prints it


def serialize_triples(triples: list, fmt: str) -> bytes:
    import pyoxigraph as ox

    formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdfxml": ox.RdfFormat.RDF_XML}
    return ox.serialize(triples, format=formats[fmt], prefixes=PREFIXES) or b""


# --------------------------------------------------------------------- running a query (in a worker)


@dataclass(frozen=True)
class QueryJob:
    """One protocol request, as a worker gets it."""

    query: str
    accept: str | None = None
    format_hints: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def answer_query(store, job: QueryJob, max_rows: int) -> Answer:
    """Check, run and serialize one query on a pyoxigraph store; never raises."""
    try:
        return _answer_query(store, job, max_rows)
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


def _answer_query(store, job: QueryJob, max_rows: int) -> Answer:
    import pyoxigraph as ox

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
            held = "it has only the default graph" if not known else f"its graphs: {', '.join(sorted(known))}"
            raise Refusal(403, f"{NO_REMOTE}: <{iri}> is not a graph of this store ({held})")
    options: dict[str, Any] = {"prefixes": PREFIXES}
    if defaults:
        options["default_graph"] = [ox.NamedNode(iri) for iri in defaults]
    if job.named_graphs or checked.named_graphs or defaults:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named]
    result = store.query(job.query, **options)
    headers: dict[str, str] = {}
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        if fmt == "html":
            return Answer(200, MEDIA_TYPES["html"], b"", table={"kind": "boolean", "value": value})
        return Answer(200, MEDIA_TYPES[fmt], serialize_boolean(value, fmt))
    if isinstance(result, ox.QuerySolutions):
        names = [variable.value for variable in result.variables]
        rows = []
        for solution in result:
            if len(rows) == max_rows:
                headers["Scograph-Truncated"] = f"{max_rows} rows"
                break
            rows.append([None if (term := solution[name]) is None else term_json(term) for name in names])
        if fmt == "html":
            return Answer(200, MEDIA_TYPES["html"], b"", headers,
                          {"kind": "solutions", "vars": names, "rows": rows, "truncated": bool(headers)})
        return Answer(200, MEDIA_TYPES[fmt], serialize_solutions(names, rows, fmt), headers)
    triples = []
    for triple in result:
        if len(triples) == max_rows:
            headers["Scograph-Truncated"] = f"{max_rows} triples"
            break
        triples.append(triple)
    if fmt == "html":
        rows = [[term_json(t.subject), term_json(t.predicate), term_json(t.object)] for t in triples]
        return Answer(200, MEDIA_TYPES["html"], b"", headers,
                      {"kind": "solutions", "vars": ["subject", "predicate", "object"], "rows": rows,
                       "truncated": bool(headers)})
    return Answer(200, MEDIA_TYPES[fmt], serialize_triples(triples, fmt), headers)

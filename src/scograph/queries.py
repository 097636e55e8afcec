"""Named SPARQL queries: found in ``queries/*.rq``, parsed once, bound per call with RDF terms.

A named query is a standard SPARQL 1.1 file whose leading comment block says what it
answers and which parameters it takes::

    # title: A country's demands by domain, with quotes and pages
    #
    # One paragraph (any number of comment lines) saying what the query answers.
    #
    # param country: country = TJ -- the state: ISO code, English or Chinese name
    # param domain: domain (optional) -- political, security, economic or cultural

A parameter line is ``# param NAME: KIND [= DEFAULT | (optional)] [-- description]``;
comment lines after it that are indented further continue its description. A parameter
with neither a default nor ``(optional)`` is required. ``NAME`` is the query's variable
``?NAME``: its value is converted by ``KIND`` into an RDF term (never pasted into the
text) and bound with rdflib's ``initBindings``; an optional parameter that is not given
stays unbound, so a pattern such as ``?demand sco:domain ?domain`` then matches every
domain. A query uses a parameter variable in triple patterns, or in ``FILTER``s of its
outermost group, never inside ``OPTIONAL``, ``MINUS``, sub-queries or ``FILTER``s of
nested groups: there, fixing a variable's value in advance and joining it with the
answer afterwards (``VALUES``) would differ, and the named queries must mean the same on
every SPARQL 1.1 engine.

Kinds (see :data:`KINDS`): ``country`` (any spelling ``--country`` takes, bound as the
state's entity IRI), ``entity`` and the entity types (``actor``, ``driver``,
``expectation``, ``response``, ``source``, ``theme`` …: an id, bound as its IRI),
``domain``, ``level``, ``model``, ``basis``, ``relation`` (bound as the vocabulary's
concept or property IRI), ``language`` (a language tag for ``LANGMATCHES``), ``string``
and ``integer`` (literals).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import terms
from .errors import DataFileError, SparqlSyntaxError, UsageError, suggest

if TYPE_CHECKING:  # rdflib is imported on first use: every CLI command imports this module
    from rdflib import Graph, Literal, URIRef
    from rdflib.query import Result

    from .graph import ClaimsGraph

_CHECKOUT = Path(__file__).resolve().parents[2]
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")



# --------------------------------------------------------------------- parameter kinds


def _entity_id(text: str) -> str:
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    for prefix in (terms.ENTITY, "scoid:"):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _article(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _iri(text: str) -> "URIRef":
    from rdflib import URIRef

    return URIRef(text)


def _literal(value: Any, datatype: str | None = None) -> "Literal":
    from rdflib import Literal, URIRef

    return Literal(value, datatype=URIRef(datatype) if datatype else None)


def _entity(claims: "ClaimsGraph", text: str, wanted: str | None = None) -> "URIRef":
    """An entity id (any case, or as ``scoid:ID`` or its IRI) as its IRI; ``wanted`` is its record type."""
    entity_id, kind = claims.resolve(_entity_id(text))
    if wanted is not None and kind != wanted and not (wanted == "source" and kind == "paper"):
        raise UsageError(f"{entity_id!r} is {_article(kind)}, not {_article(wanted)}")
    return _iri(terms.entity_iri(entity_id))


def _actor(claims: "ClaimsGraph", text: str) -> "URIRef":
    try:  # a state by any spelling --country takes: TJ, tjk, Tajikistan, 塔吉克斯坦
        return _country(claims, text)
    except UsageError:
        return _entity(claims, text, "actor")


def _country(claims: "ClaimsGraph", text: str) -> "URIRef":
    return _iri(terms.entity_iri(claims.country(text).id))


def _domain(claims: "ClaimsGraph", text: str) -> "URIRef":
    from .graph import parse_domain

    return _iri(terms.SCO + parse_domain(text))


def _level(claims: "ClaimsGraph", text: str) -> "URIRef":
    from .graph import parse_level

    return _iri(terms.SCO + terms.LEVELS[parse_level(text)])


def _choice(table: Mapping[str, str], what: str) -> Callable[["ClaimsGraph", str], "URIRef"]:
    """A name from ``table`` (any case) as the IRI it maps to."""
    folded = {key.casefold(): value for key, value in table.items()}

    def convert(claims: "ClaimsGraph", text: str) -> "URIRef":
        found = folded.get(text.strip().casefold())
        if found is None:
            raise UsageError(f"unknown {what} {text!r}; valid: {', '.join(table)}")
        return _iri(found)

    return convert


_LANGUAGE_TAG = re.compile(r"^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$")


def _language(claims: "ClaimsGraph", text: str) -> "Literal":
    text = text.strip()
    if not _LANGUAGE_TAG.match(text):
        raise UsageError(f"not a language tag: {text!r}; give e.g. en or zh (or * for every language)")
    return _literal(text.lower())


def _string(claims: "ClaimsGraph", text: str) -> "Literal":
    return _literal(text)


def _integer(claims: "ClaimsGraph", text: str) -> "Literal":
    try:
        return _literal(int(text.strip()), terms.XSD + "integer")
    except ValueError:
        raise UsageError(f"not an integer: {text!r}") from None


def _entity_kind(kind: str) -> Callable[["ClaimsGraph", str], "URIRef"]:
    return lambda claims, text: _entity(claims, text, kind)


@dataclass(frozen=True)
class Kind:
    """How a parameter's text becomes an RDF term, and how to describe valid values."""

    convert: Callable[["ClaimsGraph", str], Any]
    accepts: str


KINDS: dict[str, Kind] = {
    "country": Kind(_country, "a state: ISO alpha-2 or alpha-3 code, English or Chinese name (TJ, tjk, Tajikistan, 塔吉克斯坦)"),
    "entity": Kind(lambda claims, text: _entity(claims, text), "any entity id"),
    "actor": Kind(_actor, "an actor id, or a state by ISO code, English or Chinese name"),
    **{
        kind: Kind(_entity_kind(kind), f"{_article(kind)} id")
        for kind in ("driver", "expectation", "response", "source", "theme", "initiative", "document", "event", "indicator")
    },
    "domain": Kind(_domain, "political, security, economic or cultural (政治, 安全, 经济, 人文)"),
    "level": Kind(_level, "domestic, regional or international (国家, 地区, 国际体系)"),
    "model": Kind(_choice({name: terms.SCO + local for name, local in terms.MODELS.items()}, "model"),
                  "solidarity, shared-security, mutual-benefit or inclusiveness"),
    "basis": Kind(_choice({name: terms.SCO + local for name, local in terms.BASES.items()}, "basis"), "stated or inferred"),
    "relation": Kind(_choice({"shapedBy": terms.SCO + "shapedBy", "addresses": terms.SCO + "addresses"}, "relation"),
                     "shapedBy or addresses"),
    "language": Kind(_language, "a language tag: en, zh, or * for every language"),
    "string": Kind(_string, "any text"),
    "integer": Kind(_integer, "an integer"),
}


# --------------------------------------------------------------------- queries and their headers


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    default: str | None = None
    optional: bool = False
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def summary(self) -> str:
        """``country=TJ``, ``domain?`` (optional) or ``source`` (required)."""
        if self.default is not None:
            return f"{self.name}={self.default}"
        return f"{self.name}?" if self.optional else self.name

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "accepts": KINDS[self.kind].accepts, "default": self.default,
                "required": self.required, "description": self.description}


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its header: a named query of ``queries/``, a file, or text."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        """How error messages name this query."""
        return str(self.path) if self.path is not None else self.name

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [p.as_dict() for p in self.parameters]}


_PARAM_LINE = re.compile(
    r"^param\s+\??(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<kind>[a-z]+)\s*"
    r"(?:=\s*(?P<default>\"[^\"]*\"|[^\s\"]+)\s*|(?P<optional>\(optional\))\s*)?"
    r"(?:--\s*(?P<doc>.*))?$"
)
PARAM_SYNTAX = "# param NAME: KIND [= DEFAULT | (optional)] [-- description]"


def _header_lines(text: str) -> list[tuple[int, str]]:
    """The leading comment block, up to the first line that is not a comment, as (line number, text after '#')."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        lines.append((number, stripped[1:]))
    return lines


def parse_header(text: str, where: str = "query") -> tuple[str, str, tuple[Parameter, ...]]:
    """(title, description, parameters) from a query's leading comment block."""
    title, paragraphs, parameters = "", [[]], []
    current: dict | None = None
    for number, raw in _header_lines(text):
        body = raw.strip()
        if current is not None and raw.startswith("  ") and body:  # indented further: the description goes on
            current["doc"] = f"{current['doc']} {body}".strip()
            continue
        current = None
        if body.startswith("title:"):
            title = body[len("title:"):].strip()
        elif body.startswith("param ") or body == "param":
            match = _PARAM_LINE.match(body)
            if match is None:
                raise UsageError(f"{where}:{number}: malformed parameter line {body!r}; expected {PARAM_SYNTAX!r}")
            current = match.groupdict()
            current["doc"] = (current["doc"] or "").strip()
            if current["kind"] not in KINDS:
                raise UsageError(f"{where}:{number}: unknown parameter kind {current['kind']!r}; valid: {', '.join(KINDS)}")
            if any(p["name"] == current["name"] for p in parameters):
                raise UsageError(f"{where}:{number}: parameter {current['name']!r} is declared twice")
            parameters.append(current)
        elif body:
            paragraphs[-1].append(body)
        elif paragraphs[-1]:
            paragraphs.append([])
    description = "\n\n".join(" ".join(p) for p in paragraphs if p)
    params = tuple(
        Parameter(p["name"], p["kind"], _unquote(p["default"]), bool(p["optional"]), p["doc"]) for p in parameters
    )
    for parameter in params:
        if not re.search(rf"[?$]{parameter.name}\b", _body(text)):
            raise UsageError(f"{where}: parameter {parameter.name!r} is not a variable of the query (?{parameter.name})")
    return title, description, params


def _unquote(value: str | None) -> str | None:
    if value is not None and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))


def query_from_text(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """A query from its text; a header, if it has one, gives its title and parameters."""
    title, description, parameters = parse_header(text, str(path) if path is not None else name)
    return NamedQuery(name=name, text=text, title=title, description=description, parameters=parameters, path=path)


def load_query(path: Path | str) -> NamedQuery:
    """A query from a ``.rq`` file; a missing or unreadable file is a DataFileError."""
    from .fileio import read_text

    path = Path(path)
    text = read_text(path, "SPARQL query file")
    return query_from_text(text, name=path.stem, path=path)


def queries_dir() -> Path:
    """The named queries: ``queries/`` of a checkout, or the copy packaged in the wheel."""
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "queries").is_dir():
        return _CHECKOUT / "queries"
    return Path(str(resources.files("scograph").joinpath("queries")))


def named_queries(directory: Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    directory = Path(directory) if directory is not None else queries_dir()
    if not directory.is_dir():
        raise DataFileError(f"no query directory at {directory}")
    return sorted((load_query(path) for path in directory.glob("*.rq")), key=lambda q: q.name)


def named_query(name: str, directory: Path | None = None) -> NamedQuery:
    """One named query by name (``demands-by-country``); an unknown name lists the valid ones."""
    directory = Path(directory) if directory is not None else queries_dir()
    path = directory / f"{name}.rq"
    if not NAME_PATTERN.match(name) or not path.is_file():
        names = sorted(q.stem for q in directory.glob("*.rq"))
        hint = suggest(name, dict.fromkeys(names))
        raise UsageError(f"unknown query {name!r}{hint}; named queries: {', '.join(names)} (or give a .rq file)")
    return load_query(path)


# --------------------------------------------------------------------- preparing, binding, running


def _offending(text: str, error) -> str:
    """The text where parsing stopped, as far as the end of its line."""
    if not text[error.loc:].strip():
        return "the end of the query"
    rest = error.line[error.col - 1:].strip() if error.col >= 1 else error.line.strip()
    if not rest:
        return "the end of line " + str(error.lineno)
    return repr(rest if len(rest) <= 40 else rest[:39] + "…")


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("#"):
            continue
        match = re.search(rf"(?<![\w:<\"'-]){re.escape(needle)}", line)
        if match:
            return number, match.start() + 1
    return None


@functools.lru_cache(maxsize=128)
def _prepare_text(text: str):
    from rdflib.plugins.sparql import prepareQuery

    from .vocab import PREFIXES

    return prepareQuery(text, initNs=dict(PREFIXES))


def prepare(query: NamedQuery):
    """The parsed and translated query (cached by text); a syntax error names its place."""
    from pyparsing import ParseBaseException

    try:
        return _prepare_text(query.text)
    except ParseBaseException as error:
        line, column = error.lineno, error.col
        raise SparqlSyntaxError(
            f"{query.where}: SPARQL syntax error at line {line}, column {column}: near {_offending(query.text, error)}",
            line, column,
        ) from None
    except Exception as error:  # rdflib raises a bare Exception for an undeclared prefix
        message = str(error)
        prefix = re.match(r"Unknown namespace prefix : (\S*)", message)
        if prefix:
            place = _locate(query.text, f"{prefix.group(1)}:")
            at = f" at line {place[0]}, column {place[1]}" if place else ""
            raise SparqlSyntaxError(
                f"{query.where}: SPARQL syntax error{at}: undeclared prefix '{prefix.group(1)}:'; "
                f"declare it with PREFIX {prefix.group(1)}: <…>",
                *(place or (None, None)),
            ) from None
        raise SparqlSyntaxError(f"{query.where}: SPARQL error: {message}") from None


def query_form(query: NamedQuery) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    algebra = prepare(query).algebra.name
    return {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE"}[algebra]


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """``["country=TJ", "domain=security"]`` as a dict; each NAME once."""
    values: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise UsageError(f"a parameter is NAME=VALUE, got {item!r}")
        if name in values:
            raise UsageError(f"parameter {name!r} is given twice")
        values[name] = value
    return values


def _describe_parameters(query: NamedQuery) -> str:
    return ", ".join(
        f"{p.name} ({'required' if p.required else 'default ' + p.default if p.default is not None else 'optional'})"
        for p in query.parameters
    )


def bind(query: NamedQuery, values: Mapping[str, str], claims: "ClaimsGraph") -> dict[str, Any]:
    """The query's parameters as RDF terms: the given values, else the defaults.

    An unknown or missing parameter is a UsageError that names the valid ones; a value
    that is not valid for its kind is a UsageError that says what is.
    """
    unknown = sorted(set(values) - {p.name for p in query.parameters})
    if unknown:
        valid = (f"its parameters: {_describe_parameters(query)}" if query.parameters
                 else f"it takes no parameters (a header line declares one: {PARAM_SYNTAX})")
        raise UsageError(f"unknown parameter {', '.join(map(repr, unknown))} for query {query.name}; {valid}")
    missing = [p.name for p in query.parameters if p.required and p.name not in values]
    if missing:
        raise UsageError(
            f"query {query.name} needs {', '.join(f'--param {n}=VALUE' for n in missing)}; "
            f"its parameters: {_describe_parameters(query)}"
        )
    bindings: dict[str, Any] = {}
    for parameter in query.parameters:
        text = values.get(parameter.name, parameter.default)
        if text is None:
            continue
        kind = KINDS[parameter.kind]
        try:
            bindings[parameter.name] = kind.convert(claims, text)
        except UsageError as error:
            raise UsageError(f"parameter {parameter.name}: {error}") from None
    return bindings


def evaluate(graph: "Graph", query: NamedQuery, bindings: Mapping[str, Any] | None = None) -> "Result":
    """Run a query on an rdflib graph with its parameters bound as RDF terms (``initBindings``)."""
    prepared = prepare(query)
    try:
        result = graph.query(prepared, initBindings=dict(bindings or {}))
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - evaluate now, so that errors surface here
    except Exception as error:  # an evaluation error of the user's query (a bad regex, a failed SERVICE …)
        raise UsageError(f"{query.where}: SPARQL evaluation failed: {error}") from None
    return result


def run(claims: "ClaimsGraph", query: NamedQuery, values: Mapping[str, str] | None = None) -> "Result":
    """Bind ``values`` (text, as on the command line) and run the query on the claims' RDF.

    On a graph connected to a remote endpoint the query runs there, with the bindings as a
    VALUES block opening its WHERE group; syntax errors are still caught here first.
    """
    bindings = bind(query, values or {}, claims)
    endpoint = getattr(claims.store, "url", None)
    if endpoint is None:
        return evaluate(claims.rdf, query, bindings)
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    from .errors import EndpointError

    from .store import bind as bind_values

    prepare(query)
    remote = Graph(store=SPARQLStore(endpoint, returnFormat="json", method="POST"))
    try:
        # Bound where the WHERE group opens, so that FILTERs see them (a trailing VALUES would not).
        result = remote.query(bind_values(query.text, dict(bindings)))
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - fetch now, so that errors surface here
    except Exception as error:  # HTTP errors, refused connections, unparsable answers
        raise EndpointError(f"{endpoint}: the query failed: {str(error).strip().splitlines()[0][:200]}") from None
    return result


# --------------------------------------------------------------------- results


class ResultFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    turtle = "turtle"
    nt = "nt"
    jsonld = "jsonld"


SOLUTION_FORMATS = (ResultFormat.table, ResultFormat.json, ResultFormat.csv, ResultFormat.tsv)
GRAPH_FORMATS = (ResultFormat.turtle, ResultFormat.nt, ResultFormat.jsonld)


def check_format(form: str, fmt: ResultFormat | None) -> ResultFormat:
    """The format to print a query form in: the default for the form, or the one asked for if it fits."""
    valid = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS
    if fmt is None:
        return valid[0]
    if fmt not in valid:
        names = [f.value for f in valid]
        raise UsageError(f"a {form} query prints as {', '.join(names[:-1])} or {names[-1]}, not {fmt.value}")
    return fmt


@functools.lru_cache(maxsize=1)
def _display_prefixes() -> list[tuple[str, str]]:
    from .vocab import PREFIXES

    return [(prefix, str(namespace)) for prefix, namespace in PREFIXES.items() if prefix != "scoid"]


def display(term) -> str:
    """A term as a person reads it in a table: entity ids bare, vocabulary terms prefixed."""
    from rdflib import BNode, URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        if text.startswith(terms.ENTITY):
            return text[len(terms.ENTITY):]
        for prefix, namespace in _display_prefixes():
            local = text[len(namespace):]
            if text.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w.-]*", local or "-"):
                return f"{prefix}:{local}"
        return f"<{text}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _is_plain(term) -> bool:
    """A literal without a language tag whose datatype is xsd:string (or none)."""
    return term.datatype is None or str(term.datatype) == terms.XSD + "string"


def _rows(result: "Result") -> tuple[list[str], list[dict]]:
    names = [str(v) for v in result.vars or []]
    rows = [{str(k): v for k, v in row.items()} for row in result.bindings]
    return names, rows


def _json_term(term) -> dict:
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    item = {"type": "literal", "value": str(term)}
    if term.language:
        item["xml:lang"] = term.language
    elif not _is_plain(term):
        item["datatype"] = str(term.datatype)
    return item


_TURTLE_NUMBER = {
    terms.XSD + "integer": re.compile(r"^[+-]?\d+$"),
    terms.XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$"),
    terms.XSD + "double": re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+$"),
    terms.XSD + "boolean": re.compile(r"^(?:true|false)$"),
}


def _tsv_term(term) -> str:
    """A term in SPARQL syntax, numbers and booleans abbreviated as the TSV format allows."""
    from rdflib import BNode, URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    escaped = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    if term.language:
        return f'"{escaped}"@{term.language}'
    number = _TURTLE_NUMBER.get(str(term.datatype))
    if number is not None and number.match(str(term)):
        return str(term)
    if not _is_plain(term):
        return f'"{escaped}"^^<{term.datatype}>'
    return f'"{escaped}"'


def to_json(result: "Result") -> str:
    """SPARQL 1.1 Query Results JSON, UTF-8 with Chinese unescaped."""
    if result.type == "ASK":
        document: dict = {"head": {}, "boolean": bool(result.askAnswer)}
    else:
        names, rows = _rows(result)
        document = {
            "head": {"vars": names},
            "results": {"bindings": [{n: _json_term(row[n]) for n in names if row.get(n) is not None} for row in rows]},
        }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(result: "Result") -> str:
    """SPARQL 1.1 CSV: a header of variable names, then lexical forms; CRLF line ends (RFC 4180)."""
    from rdflib import BNode

    names, rows = _rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else (f"_:{row[n]}" if isinstance(row[n], BNode) else str(row[n]))
                         for n in names])
    return buffer.getvalue()


def to_tsv(result: "Result") -> str:
    """SPARQL 1.1 TSV: a header of ``?variables``, then terms in SPARQL syntax."""
    names, rows = _rows(result)
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_tsv_term(row.get(n)) for n in names) for row in rows]
    return "\n".join(lines) + "\n"


_WIDE_COLUMNS = {"quote": 60, "label": 60, "title": 60, "name": 28, "office": 40, "theme_label": 40}


def to_table(result: "Result") -> str:
    from .render import Column, to_table as render_table

    names, rows = _rows(result)
    columns = [Column(n, (lambda row, n=n: display(row.get(n))), _WIDE_COLUMNS.get(n, 44)) for n in names]
    return render_table(rows, columns)


def to_rdf(result: "Result", fmt: ResultFormat) -> str:
    from rdflib import Graph

    from .vocab import PREFIXES, bind_prefixes

    graph = Graph()
    bind_prefixes(graph)
    for triple in result.graph or []:
        graph.add(triple)
    if fmt is ResultFormat.nt:
        lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
        return "\n".join(lines) + ("\n" if lines else "")
    if fmt is ResultFormat.jsonld:
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items() if prefix not in ("sh", "owl")}
        return graph.serialize(format="json-ld", context=context, indent=2, ensure_ascii=False).rstrip("\n") + "\n"
    return graph.serialize(format="longturtle")


def serialize(result: "Result", fmt: ResultFormat | None = None) -> str:
    """A result as text: table, json, csv or tsv for SELECT and ASK; turtle, nt or jsonld for graphs."""
    fmt = check_format(result.type, fmt)
    if result.type == "ASK" and fmt is not ResultFormat.json:
        return ("true" if result.askAnswer else "false") + "\n"
    if fmt in GRAPH_FORMATS:
        return to_rdf(result, fmt)
    return {ResultFormat.table: to_table, ResultFormat.json: to_json,
            ResultFormat.csv: to_csv, ResultFormat.tsv: to_tsv}[fmt](result)


def solutions(result: "Result") -> list[dict[str, Any]]:
    """A SELECT result as a list of {variable: term} (unbound variables left out)."""
    return [{k: v for k, v in row.items() if v is not None} for row in _rows(result)[1]]


def listing(queries: Sequence[NamedQuery]) -> list[dict]:
    """The records ``scograph sparql --list`` prints."""
    return [q.as_dict() | {"params": ", ".join(p.summary() for p in q.parameters)} for q in queries]

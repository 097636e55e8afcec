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
text as it was given) and bound with a ``VALUES`` block opening the query's ``WHERE``
group, on the local store and on a remote endpoint alike; an optional parameter that is
not given stays unbound, so a pattern such as ``?demand sco:domain ?domain`` then matches
every domain. A query uses a parameter variable in triple patterns, or in ``FILTER``s of
its outermost group, never inside ``OPTIONAL``, ``MINUS``, sub-queries or ``FILTER``s of
nested groups: there, fixing a variable's value in advance and joining it with the
answer afterwards (``VALUES``) would differ, and the named queries must mean the same on
every SPARQL 1.1 engine.

Kinds (see :data:`KINDS`): ``country`` (any spelling ``--country`` takes, bound as the
state's entity IRI), ``entity`` and the entity types (``actor``, ``driver``,
``expectation``, ``response``, ``source``, ``theme`` …: an id, bound as its IRI),
``domain``, ``level``, ``model``, ``basis``, ``relation`` (bound as the vocabulary's
concept or property IRI), ``language`` (a language tag for ``LANGMATCHES``), ``string``
and ``integer`` (literals).

Local queries run on the claims' Oxigraph store (``claims.store``); remote ones are sent
to the endpoint over the SPARQL Protocol, with the default prefixes declared, and its
answer is parsed by pyoxigraph. Either way results are pyoxigraph terms. rdflib is
imported only to write Turtle or JSON-LD and to word a syntax error.
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

if TYPE_CHECKING:  # pyoxigraph and rdflib are imported on first use: every CLI command imports this module
    from .graph import ClaimsGraph

_CHECKOUT = Path(__file__).resolve().parents[2]
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The prefixes every query may use undeclared, in vocab.PREFIXES's order (which needs rdflib).
PREFIXES = {
    "sco": terms.SCO, "scoid": terms.ENTITY, "rdf": terms.RDF, "rdfs": terms.RDFS, "xsd": terms.XSD,
    "skos": terms.SKOS, "dcterms": terms.DCTERMS, "bibo": terms.BIBO, "prov": terms.PROV, "oa": terms.OA,
    "owl": "http://www.w3.org/2002/07/owl#", "sh": "http://www.w3.org/ns/shacl#",
}


# --------------------------------------------------------------------- parameter kinds


class Term:
    """A parameter's value as an RDF term: ``term`` is the pyoxigraph term.

    ``n3()`` writes it in SPARQL (N-Triples) syntax, as rdflib's terms do, so that
    :func:`scograph.store.bind` and the server's pre-filled queries take it as it is.
    """

    __slots__ = ("term",)

    def __init__(self, term):
        self.term = term

    def n3(self) -> str:
        return str(self.term)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and self.term == other.term

    def __hash__(self) -> int:
        return hash(self.term)

    def __repr__(self) -> str:
        return f"Term({self.term})"


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


def _iri(text: str) -> Term:
    from pyoxigraph import NamedNode

    return Term(NamedNode(text))


def _literal(value: Any, datatype: str | None = None) -> Term:
    from pyoxigraph import Literal, NamedNode

    return Term(Literal(str(value), datatype=NamedNode(datatype)) if datatype else Literal(str(value)))


def _entity(claims: "ClaimsGraph", text: str, wanted: str | None = None) -> Term:
    """An entity id (any case, or as ``scoid:ID`` or its IRI) as its IRI; ``wanted`` is its record type."""
    entity_id, kind = claims.resolve(_entity_id(text))
    if wanted is not None and kind != wanted and not (wanted == "source" and kind == "paper"):
        raise UsageError(f"{entity_id!r} is {_article(kind)}, not {_article(wanted)}")
    return _iri(terms.entity_iri(entity_id))


def _actor(claims: "ClaimsGraph", text: str) -> Term:
    try:  # a state by any spelling --country takes: TJ, tjk, Tajikistan, 塔吉克斯坦
        return _country(claims, text)
    except UsageError:
        return _entity(claims, text, "actor")


def _country(claims: "ClaimsGraph", text: str) -> Term:
    return _iri(terms.entity_iri(claims.country(text).id))


def _domain(claims: "ClaimsGraph", text: str) -> Term:
    from .graph import parse_domain

    return _iri(terms.SCO + parse_domain(text))


def _level(claims: "ClaimsGraph", text: str) -> Term:
    from .graph import parse_level

    return _iri(terms.SCO + terms.LEVELS[parse_level(text)])


def _choice(table: Mapping[str, str], what: str) -> Callable[["ClaimsGraph", str], Term]:
    """A name from ``table`` (any case) as the IRI it maps to."""
    folded = {key.casefold(): value for key, value in table.items()}

    def convert(claims: "ClaimsGraph", text: str) -> Term:
        found = folded.get(text.strip().casefold())
        if found is None:
            raise UsageError(f"unknown {what} {text!r}; valid: {', '.join(table)}")
        return _iri(found)

    return convert


_LANGUAGE_TAG = re.compile(r"^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$")


def _language(claims: "ClaimsGraph", text: str) -> Term:
    text = text.strip()
    if not _LANGUAGE_TAG.match(text):
        raise UsageError(f"not a language tag: {text!r}; give e.g. en or zh (or * for every language)")
    return _literal(text.lower())


def _string(claims: "ClaimsGraph", text: str) -> Term:
    return _literal(text)


def _integer(claims: "ClaimsGraph", text: str) -> Term:
    try:
        return _literal(int(text.strip()), terms.XSD + "integer")
    except ValueError:
        raise UsageError(f"not an integer: {text!r}") from None


def _entity_kind(kind: str) -> Callable[["ClaimsGraph", str], Term]:
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
        for kind in ("driver", "expectation", "response", "source", "theme", "initiative", "document", "event", "indicator",
                     "finding")
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


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("#"):
            continue
        match = re.search(rf"(?<![\w:<\"'-]){re.escape(needle)}", line)
        if match:
            return number, match.start() + 1
    return None


@functools.lru_cache(maxsize=1)
def _empty_store():
    from pyoxigraph import Store

    return Store()


# What may come before the query form: blanks, comments, BASE and PREFIX declarations.
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE)
_FORM = re.compile(r"SELECT|ASK|CONSTRUCT|DESCRIBE", re.IGNORECASE)


@functools.lru_cache(maxsize=128)
def _parse(text: str) -> str:
    """The form of a query Oxigraph parses; a SyntaxError if it does not.

    Parsed on an empty store: SELECT, CONSTRUCT and DESCRIBE are evaluated only when read.
    """
    try:
        answer = _empty_store().query(text, prefixes=PREFIXES)
    except SyntaxError:
        raise
    except Exception:  # parsed, and failed on the empty store (an ASK with a SERVICE): the form is all we need
        answer = None
    form = _FORM.match(text, _PROLOGUE.match(text).end())
    if form is not None:
        return form.group(0).upper()
    return {"QuerySolutions": "SELECT", "QueryBoolean": "ASK"}.get(type(answer).__name__, "CONSTRUCT")


@functools.lru_cache(maxsize=16)
def _prepare_text(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=PREFIXES)


def _explain_with_rdflib(query: NamedQuery) -> None:
    """If rdflib rejects the query too, raise its wording: the place and text where parsing stopped."""
    from pyparsing import ParseBaseException

    try:
        _prepare_text(query.text)
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


def _oxigraph_syntax_error(query: NamedQuery, error: SyntaxError) -> SparqlSyntaxError:
    """Oxigraph's syntax error ("error at 1:39: expected one of The SELECT …, [_]") as one line."""
    message = str(error)
    place = re.match(r"error at (\d+):(\d+): (?:expected (?:one of )?)?(.*)", message, re.S)
    if place is None:
        return SparqlSyntaxError(f"{query.where}: SPARQL syntax error: {_first_line(error)}")
    line, column = int(place.group(1)), int(place.group(2))
    # Among the tokens Oxigraph expected, a sentence is the reason ("The SELECT contains a variable that is unbound").
    reason = re.search(r"(?:^|, )([A-Z][a-z]+(?: [^\s,]+)+)", place.group(3))
    why = reason.group(1)[0].lower() + reason.group(1)[1:] if reason else f"near {_near(query.text, line, column)}"
    return SparqlSyntaxError(f"{query.where}: SPARQL syntax error at line {line}, column {column}: {why}", line, column)


def prepare(query: NamedQuery) -> str:
    """Parse the query (cached by text) and answer its form; a syntax error names its place.

    Oxigraph, which runs the query, decides whether it parses; rdflib, imported only then,
    words the error when it rejects the query too.
    """
    try:
        return _parse(query.text)
    except SyntaxError as error:
        _explain_with_rdflib(query)
        raise _oxigraph_syntax_error(query, error) from None


def query_form(query: NamedQuery) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return prepare(query)


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


def bind(query: NamedQuery, values: Mapping[str, str], claims: "ClaimsGraph") -> dict[str, Term]:
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
    bindings: dict[str, Term] = {}
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


def _bound_text(query: NamedQuery, bindings: Mapping[str, Any] | None) -> str:
    """The query's text with its bindings as a VALUES block opening its WHERE group (FILTERs there see them)."""
    from .store import bind as bind_values

    try:
        return bind_values(query.text, dict(bindings or {}))
    except UsageError as error:
        raise UsageError(f"{query.where}: {error}") from None


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
    binding is a :class:`Term`, or any term with ``n3()`` (rdflib's). The answer is read
    whole, so that evaluation errors surface here.
    """
    form = prepare(query)
    text = _bound_text(query, bindings)
    store = _oxigraph(store)
    try:
        answer = store.query(text, prefixes=PREFIXES)
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
    VALUES block opening its WHERE group and the default prefixes it does not declare
    written out; syntax errors are still caught here first.
    """
    bindings = bind(query, values or {}, claims)
    if getattr(claims.store, "url", None) is None:
        return evaluate(claims.store, query, bindings)
    form = prepare(query)
    return fetch(claims.store, form, declare_prefixes(_bound_text(query, bindings)))


# The prefix declarations of a query's prologue (comments skipped, so that one naming a prefix declares none).
_DECLARATION = re.compile(r"#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*([^\s:]*):\s*<[^>]*>", re.IGNORECASE)


def declare_prefixes(text: str) -> str:
    """The query with a PREFIX line for each of :data:`PREFIXES` its prologue does not declare.

    An endpoint knows no prefixes of ours, so the ones a local query may use undeclared are
    written out. They go before the query's first line, on that line, so that the line
    numbers in an endpoint's error messages stay the query's own.
    """
    prologue = text[:_PROLOGUE.match(text).end()]
    declared = {match.group(1) for match in _DECLARATION.finditer(prologue) if match.group(1) is not None}
    missing = [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items() if prefix not in declared]
    return " ".join(missing) + " " + text if missing else text


# What to ask an endpoint for: what local queries print from first, then the other standard formats it may offer.
_SOLUTIONS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"


def fetch(endpoint, form: str, text: str) -> Result:
    """Run a query's full text on a remote SPARQL 1.1 endpoint (a :class:`~scograph.store.SparqlEndpointStore`).

    The answer, SPARQL results (JSON or XML) or a graph (N-Triples, Turtle or RDF/XML), is
    parsed by pyoxigraph into the same :class:`Result` a local query gives, so that one
    printer serves both. An answer that cannot be read is a one-line EndpointError.
    """
    import pyoxigraph as ox

    from .errors import EndpointError

    graph = form in ("CONSTRUCT", "DESCRIBE")
    body, media_type = endpoint.query(text, _GRAPH_ACCEPT if graph else _SOLUTIONS_ACCEPT)
    kind = "an RDF graph" if graph else "SPARQL results"
    if graph:  # an endpoint that names no media type is taken to answer in the first one asked for
        syntax = ox.RdfFormat.from_media_type(media_type) if media_type else ox.RdfFormat.N_TRIPLES
    else:
        syntax = ox.QueryResultsFormat.from_media_type(media_type) if media_type else ox.QueryResultsFormat.JSON
    if syntax is None:
        raise EndpointError(f"{endpoint.url} answered {media_type}, not {kind}")
    try:
        if graph:
            return Result(form, triples=[quad.triple for quad in ox.parse(body, syntax, base_iri=None)])
        answer = ox.parse_query_results(body, syntax)
        if form == "ASK" and isinstance(answer, ox.QueryBoolean):
            return Result(form, answer=bool(answer))
        if form == "SELECT" and isinstance(answer, ox.QuerySolutions):
            columns = range(len(answer.variables))
            return Result(form, [v.value for v in answer.variables], [tuple([s[i] for i in columns]) for s in answer])
    except (SyntaxError, ValueError) as error:  # a truncated or malformed answer, an IRI that is not valid …
        raise EndpointError(f"{endpoint.url}: the answer is not valid {syntax.name}: {_first_line(error)}") from None
    answered = "a boolean" if isinstance(answer, ox.QueryBoolean) else "solutions"
    raise EndpointError(f"{endpoint.url} answered the {form} query with {answered}")


# --------------------------------------------------------------------- results


class Result:
    """A query's answer, in pyoxigraph terms.

    ``form`` is SELECT, ASK, CONSTRUCT or DESCRIBE. A SELECT has ``variables`` and ``rows``
    (tuples in the order of the variables, ``None`` where unbound); an ASK its ``answer``;
    a CONSTRUCT or DESCRIBE its ``triples``.
    """

    __slots__ = ("form", "variables", "rows", "answer", "triples")

    def __init__(self, form: str, variables: Sequence[str] = (), rows: Sequence[tuple] = (),
                 answer: bool | None = None, triples: Sequence = ()):
        self.form = form
        self.variables = list(variables)
        self.rows = list(rows)
        self.answer = answer
        self.triples = list(triples)

    def __iter__(self):
        """Rows (by position or by name: ``row.demand``), the ASK answer, or triples, as rdflib's results iterate."""
        if self.form == "SELECT":
            names = {name: index for index, name in enumerate(self.variables)}
            return (Row(names, row) for row in self.rows)
        return iter([self.answer] if self.form == "ASK" else self.triples)

    def __len__(self) -> int:
        return 1 if self.form == "ASK" else len(self.rows) if self.form == "SELECT" else len(self.triples)

    def __bool__(self) -> bool:
        return bool(self.answer) if self.form == "ASK" else len(self) > 0

    def __repr__(self) -> str:
        size = self.answer if self.form == "ASK" else f"{len(self)} {'rows' if self.form == 'SELECT' else 'triples'}"
        return f"<Result {self.form}: {size}>"


class Row:
    """A SELECT solution: its terms in the order of the variables, also by name (``row.demand``, ``row["demand"]``)."""

    __slots__ = ("_names", "_terms")

    def __init__(self, names: Mapping[str, int], terms_: tuple):
        self._names = names
        self._terms = terms_

    def __getitem__(self, key: int | str):
        return self._terms[self._names[key] if isinstance(key, str) else key]

    def __getattr__(self, name: str):
        try:
            return self._terms[self._names[name]]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def asdict(self) -> dict[str, Any]:
        """{variable: term}, unbound variables left out."""
        return {name: self._terms[i] for name, i in self._names.items() if self._terms[i] is not None}

    def __repr__(self) -> str:
        return f"Row({', '.join(f'{name}={self._terms[i]}' for name, i in self._names.items())})"


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


_DISPLAY_PREFIXES = [(prefix, namespace) for prefix, namespace in PREFIXES.items() if prefix != "scoid"]
_XSD_STRING = terms.XSD + "string"


def _kind(term) -> str:
    """``uri``, ``bnode`` or ``literal`` (a quoted triple counts as a literal: it is shown as written)."""
    from pyoxigraph import BlankNode, NamedNode

    if isinstance(term, NamedNode):
        return "uri"
    if isinstance(term, BlankNode):
        return "bnode"
    return "literal"


def _lexical(term) -> str:
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def display(term) -> str:
    """A term as a person reads it in a table: entity ids bare, vocabulary terms prefixed."""
    if term is None:
        return ""
    kind = _kind(term)
    if kind == "uri":
        text = term.value
        if text.startswith(terms.ENTITY):
            return text[len(terms.ENTITY):]
        for prefix, namespace in _DISPLAY_PREFIXES:
            local = text[len(namespace):]
            if text.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w.-]*", local or "-"):
                return f"{prefix}:{local}"
        return f"<{text}>"
    if kind == "bnode":
        return f"_:{term.value}"
    return _lexical(term)


def _lang(term) -> str | None:
    return getattr(term, "language", None)


def _datatype(term) -> str:
    datatype = getattr(term, "datatype", None)
    return datatype.value if datatype is not None else _XSD_STRING


def _is_plain(term) -> bool:
    """A literal without a language tag whose datatype is xsd:string."""
    return not _lang(term) and _datatype(term) == _XSD_STRING


def _rows(result: Result) -> tuple[list[str], list[dict]]:
    names = result.variables
    return names, [dict(zip(names, row)) for row in result.rows]


def _json_term(term) -> dict:
    kind = _kind(term)
    if kind != "literal":
        return {"type": kind, "value": term.value}
    item = {"type": "literal", "value": _lexical(term)}
    if _lang(term):
        item["xml:lang"] = term.language
    elif not _is_plain(term):
        item["datatype"] = _datatype(term)
    return item


_TURTLE_NUMBER = {
    terms.XSD + "integer": re.compile(r"^[+-]?\d+$"),
    terms.XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$"),
    terms.XSD + "double": re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+$"),
    terms.XSD + "boolean": re.compile(r"^(?:true|false)$"),
}


def _tsv_term(term) -> str:
    """A term in SPARQL syntax, numbers and booleans abbreviated as the TSV format allows."""
    if term is None:
        return ""
    kind = _kind(term)
    if kind == "uri":
        return f"<{term.value}>"
    if kind == "bnode":
        return f"_:{term.value}"
    text = _lexical(term)
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    if _lang(term):
        return f'"{escaped}"@{term.language}'
    number = _TURTLE_NUMBER.get(_datatype(term))
    if number is not None and number.match(text):
        return text
    if not _is_plain(term):
        return f'"{escaped}"^^<{_datatype(term)}>'
    return f'"{escaped}"'


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON, UTF-8 with Chinese unescaped."""
    if result.form == "ASK":
        document: dict = {"head": {}, "boolean": bool(result.answer)}
    else:
        names, rows = _rows(result)
        document = {
            "head": {"vars": names},
            "results": {"bindings": [{n: _json_term(row[n]) for n in names if row.get(n) is not None} for row in rows]},
        }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _csv_term(term) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if _kind(term) == "bnode" else _lexical(term)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 CSV: a header of variable names, then lexical forms; CRLF line ends (RFC 4180)."""
    names, rows = _rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_term(row.get(n)) for n in names])
    return buffer.getvalue()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: a header of ``?variables``, then terms in SPARQL syntax."""
    names, rows = _rows(result)
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_tsv_term(row.get(n)) for n in names) for row in rows]
    return "\n".join(lines) + "\n"


_WIDE_COLUMNS = {"quote": 60, "label": 60, "title": 60, "name": 28, "office": 40, "theme_label": 40}


def to_table(result: Result) -> str:
    from .render import Column, to_table as render_table

    names, rows = _rows(result)
    columns = [Column(n, (lambda row, n=n: display(row.get(n))), _WIDE_COLUMNS.get(n, 44)) for n in names]
    return render_table(rows, columns)


def _ntriples(result: Result) -> list[str]:
    """The result's triples as sorted N-Triples lines, each once (a graph is a set)."""
    from pyoxigraph import RdfFormat, serialize

    text = (serialize(result.triples, format=RdfFormat.N_TRIPLES) or b"").decode("utf-8") if result.triples else ""
    return sorted({line for line in text.splitlines() if line.strip()})


def to_rdf(result: Result, fmt: ResultFormat) -> str:
    lines = _ntriples(result)
    if fmt is ResultFormat.nt:
        return "\n".join(lines) + ("\n" if lines else "")
    # Turtle and JSON-LD are rdflib's, on a graph of the constructed triples only.
    from rdflib import Graph

    from .vocab import bind_prefixes

    graph = Graph()
    bind_prefixes(graph)
    graph.parse(data="\n".join(lines), format="nt")
    if fmt is ResultFormat.jsonld:
        context = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix not in ("sh", "owl")}
        return graph.serialize(format="json-ld", context=context, indent=2, ensure_ascii=False).rstrip("\n") + "\n"
    return graph.serialize(format="longturtle")


def serialize(result: Result, fmt: ResultFormat | None = None) -> str:
    """A result as text: table, json, csv or tsv for SELECT and ASK; turtle, nt or jsonld for graphs."""
    fmt = check_format(result.form, fmt)
    if result.form == "ASK" and fmt is not ResultFormat.json:
        return ("true" if result.answer else "false") + "\n"
    if fmt in GRAPH_FORMATS:
        return to_rdf(result, fmt)
    return {ResultFormat.table: to_table, ResultFormat.json: to_json,
            ResultFormat.csv: to_csv, ResultFormat.tsv: to_tsv}[fmt](result)


def solutions(result: Result) -> list[dict[str, Any]]:
    """A SELECT result as a list of {variable: term} (unbound variables left out)."""
    return [{k: v for k, v in row.items() if v is not None} for row in _rows(result)[1]]


def listing(queries: Sequence[NamedQuery]) -> list[dict]:
    """The records ``scograph sparql --list`` prints."""
    return [q.as_dict() | {"params": ", ".join(p.summary() for p in q.parameters)} for q in queries]

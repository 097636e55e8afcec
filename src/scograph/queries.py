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
``?NAME``: its value is converted by ``KIND`` into a pyoxigraph term (an id must be an id,
an IRI a valid IRI; the text given is never pasted into the query) and bound: locally by
the engine's ``substitutions`` where the SELECT projects the variable, and otherwise (and
on a remote endpoint) by a ``VALUES`` block of terms written by pyoxigraph, opening the
query's WHERE group as :mod:`scograph.sparql_text` finds it (``WHERE`` on a line of its
own, or no ``WHERE`` at all: ``SELECT ?x { … }``). An optional parameter that is not
given stays unbound, so a pattern such as ``?demand sco:domain ?domain`` then matches
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
answer (read up to a byte cap) is parsed by pyoxigraph. Either way results are pyoxigraph
terms, and every format is written by pyoxigraph (:mod:`scograph.sparql_results`), as the
server writes them. rdflib is imported only to word a syntax error.
"""

from __future__ import annotations

import functools
import io
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

PREFIXES = terms.PREFIXES
"""The prefixes every query may use undeclared."""


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
    from .inputs import parse_domain

    return _iri(terms.SCO + parse_domain(text))


def _level(claims: "ClaimsGraph", text: str) -> Term:
    from .inputs import parse_level

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
    if params:
        try:
            variables = _lexed(text).variables()
        except SparqlSyntaxError:
            variables = None  # the query does not lex: prepare() says why, with its place
        for parameter in params:
            if variables is not None and parameter.name not in variables:
                raise UsageError(f"{where}: parameter {parameter.name!r} is not a variable of the query (?{parameter.name})")
    return title, description, params


def _unquote(value: str | None) -> str | None:
    if value is not None and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


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
def _lexed(text: str):
    """The query as :func:`scograph.sparql_text.read` reads it (cached by text); a refusal is a SparqlSyntaxError."""
    from . import sparql_text

    try:
        return sparql_text.read(text)
    except sparql_text.QueryTextError as error:
        raise SparqlSyntaxError(error.message if error.kind == "limit" else f"SPARQL syntax error: {error.message}",
                                error.line, error.column) from None


@functools.lru_cache(maxsize=128)
def _parse(text: str) -> str:
    """The form of a query (the lexer's text) Oxigraph parses; a SyntaxError if it does not.

    Parsed on an empty store: SELECT, CONSTRUCT and DESCRIBE are evaluated only when read.
    """
    lexed = _lexed(text)
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

    lexed = _lexed(query.text)
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
    why = reason.group(1)[0].lower() + reason.group(1)[1:] if reason else f"near {_near(_lexed(query.text).text, line, column)}"
    return SparqlSyntaxError(f"{query.where}: SPARQL syntax error at line {line}, column {column}: {why}", line, column)


def prepare(query: NamedQuery) -> str:
    """Read and parse the query (cached by text) and answer its form; a syntax error names its place.

    The lexer (:mod:`scograph.sparql_text`) reads it first and refuses what it does not
    understand and what would crash an engine (too long, too deeply nested: exit code 2);
    Oxigraph, which runs the lexer's text, decides whether it parses; rdflib, imported only
    then, words the error when it rejects the query too.
    """
    try:
        _lexed(query.text)
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


def _bound(query: NamedQuery, bindings: Mapping[str, Any] | None, substitute: bool) -> tuple[str, dict]:
    """The text to run and the engine's substitutions: see :func:`scograph.sparql_text.bind`."""
    from . import sparql_text

    try:
        return sparql_text.bind(_lexed(query.text), dict(bindings or {}), substitute)
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
    from . import sparql_text

    defaults = {p.name: KINDS[p.kind].convert(claims, p.default) for p in query.parameters if p.default is not None}
    required = [p for p in query.parameters if p.required and p.name not in defaults]
    if not defaults and not required:
        return query.text
    block = "\n  # The parameters, bound to their defaults: change them here."
    if defaults:
        block += "\n " + sparql_text.values_block(defaults)
    for parameter in required:
        block += (f"\n  # ?{parameter.name} ({parameter.kind}) is unbound, so every value answers; bind it with "
                  f"VALUES ?{parameter.name} {{ ... }}")
    try:
        return _lexed(query.text).with_values(block, written=True)
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
    from . import sparql_text

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
    up to :data:`scograph.sparql_results.MAX_REMOTE_ANSWER_BYTES`, is parsed by pyoxigraph
    into the same :class:`Result` a local query gives, so that one printer serves both. An
    answer that cannot be read is a one-line EndpointError.
    """
    import pyoxigraph as ox

    from .errors import EndpointError
    from .sparql_results import parse_graph, parse_solutions

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


def _rows(result: Result) -> tuple[list[str], list[dict]]:
    names = result.variables
    return names, [dict(zip(names, row)) for row in result.rows]


def _written(result: Result, fmt: ResultFormat, stream) -> None:
    """The result in a SPARQL results or RDF format, written by pyoxigraph (:mod:`scograph.sparql_results`)
    into ``stream``; a document that does not end in a line end gets one, for a terminal."""
    from . import sparql_results

    if fmt in GRAPH_FORMATS:
        # A graph is a set: each triple once, in the order of its N-Triples line, so that
        # the output is the same whichever engine (or endpoint) built it.
        unique = sorted({str(triple): triple for triple in result.triples}.items())
        prefixes = None if fmt is ResultFormat.nt else terms.DATA_PREFIXES
        tail = _EndsLine(stream)
        sparql_results.triples([t for _, t in unique], fmt.value, max_bytes=None, prefixes=prefixes, stream=tail)
        tail.close_line()
        return
    tail = _EndsLine(stream)
    if result.form == "ASK":
        tail.write(sparql_results.boolean(bool(result.answer), fmt.value))
    else:
        sparql_results.solutions(result.variables, result.rows, fmt.value, max_bytes=None, stream=tail)
    tail.close_line()


class _EndsLine:
    """A byte stream that remembers its last byte, to end the output with a line end."""

    def __init__(self, stream):
        self.stream, self.last = stream, b"\n"

    def write(self, data) -> int:
        if data:
            self.stream.write(data)
            self.last = bytes(data[-1:])
        return len(data)

    def flush(self) -> None:
        self.stream.flush()

    def close_line(self) -> None:
        if self.last != b"\n":
            self.stream.write(b"\n")


def _text(result: Result, fmt: ResultFormat) -> str:
    buffer = io.BytesIO()
    _written(result, fmt, buffer)
    return buffer.getvalue().decode("utf-8")


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON (pyoxigraph's, UTF-8, one line)."""
    return _text(result, ResultFormat.json)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 CSV (pyoxigraph's): a header of variable names, then lexical forms; CRLF line ends."""
    return _text(result, ResultFormat.csv)


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV (pyoxigraph's): a header of ``?variables``, then terms in SPARQL syntax."""
    return _text(result, ResultFormat.tsv)


_WIDE_COLUMNS = {"quote": 60, "label": 60, "title": 60, "name": 28, "office": 40, "theme_label": 40}


def to_table(result: Result) -> str:
    from .render import Column, to_table as render_table

    names, rows = _rows(result)
    columns = [Column(n, (lambda row, n=n: display(row.get(n))), _WIDE_COLUMNS.get(n, 44)) for n in names]
    return render_table(rows, columns)


def to_rdf(result: Result, fmt: ResultFormat) -> str:
    """A graph as Turtle (with the default prefixes), N-Triples (sorted) or JSON-LD (expanded), by pyoxigraph."""
    return _text(result, fmt)


def write(result: Result, fmt: ResultFormat | None, stream) -> None:
    """Write a result to a binary stream as :func:`serialize` gives it, without holding the text whole."""
    fmt = check_format(result.form, fmt)
    if fmt is ResultFormat.table:
        stream.write((("true" if result.answer else "false") + "\n" if result.form == "ASK" else to_table(result))
                     .encode("utf-8"))
        return
    if result.form == "ASK" and fmt is not ResultFormat.json:
        stream.write(b"true\n" if result.answer else b"false\n")
        return
    _written(result, fmt, stream)


def serialize(result: Result, fmt: ResultFormat | None = None) -> str:
    """A result as text: table, json, csv or tsv for SELECT and ASK; turtle, nt or jsonld for graphs."""
    buffer = io.BytesIO()
    write(result, fmt, buffer)
    return buffer.getvalue().decode("utf-8")


def solutions(result: Result) -> list[dict[str, Any]]:
    """A SELECT result as a list of {variable: term} (unbound variables left out)."""
    return [{k: v for k, v in row.items() if v is not None} for row in _rows(result)[1]]


def listing(queries: Sequence[NamedQuery]) -> list[dict]:
    """The records ``scograph sparql --list`` prints."""
    return [q.as_dict() | {"params": ", ".join(p.summary() for p in q.parameters)} for q in queries]

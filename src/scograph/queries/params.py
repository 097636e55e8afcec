"""The kinds of a named query's parameters: how the text given (``--param country=TJ``) becomes an RDF term.

Kinds (see :data:`KINDS`): ``country`` (any spelling ``--country`` takes, bound as the
state's entity IRI), ``entity`` and the entity types (``actor``, ``driver``,
``expectation``, ``response``, ``source``, ``theme`` …: an id, bound as its IRI),
``domain``, ``level``, ``model``, ``basis``, ``relation`` (bound as the vocabulary's
concept or property IRI), ``language`` (a language tag for ``LANGMATCHES``), ``string``
and ``integer`` (literals). The text given is never pasted into a query: an id must be an
id, an IRI a valid IRI, and the term is bound by the engine (see :mod:`.evaluation`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import terms
from ..errors import UsageError

if TYPE_CHECKING:
    from ..graph import ClaimsGraph
    from .catalogue import NamedQuery


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
    from ..inputs import parse_domain

    return _iri(terms.SCO + parse_domain(text))


def _level(claims: "ClaimsGraph", text: str) -> Term:
    from ..inputs import parse_level

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
                 else f"it takes no parameters (a header line declares one: {_param_syntax()})")
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


def _param_syntax() -> str:
    from .catalogue import PARAM_SYNTAX

    return PARAM_SYNTAX

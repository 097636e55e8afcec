"""Values written into SPARQL text: as pyoxigraph terms, in VALUES blocks, or bound by the engine.

A value given by a user never reaches a query as its own text: pyoxigraph writes it as a term
(:func:`term`), and :func:`bind` puts the terms in a VALUES block opening the query's WHERE
group, or hands them to a local engine as substitutions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .text import variable

if TYPE_CHECKING:  # pragma: no cover
    from .text import QueryText


def term(value: Any):
    """A value as a pyoxigraph term: pyoxigraph and rdflib terms, ``store.IRI``, ``store.LangString``,
    str, bool, int and float. A string that is not a valid IRI raises ValueError."""
    import pyoxigraph as ox

    if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
        return value
    inner = getattr(value, "term", None)  # queries.Term
    if isinstance(inner, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
        return inner
    kind = type(value).__name__
    if kind == "IRI" or kind == "URIRef":
        return ox.NamedNode(str(value))
    if kind == "BNode":
        return ox.BlankNode(str(value))
    if kind == "Literal" and hasattr(value, "n3"):  # rdflib's Literal
        if value.language:
            return ox.Literal(str(value), language=value.language)
        return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)) if value.datatype else None)
    lang = getattr(value, "lang", None)
    if isinstance(value, str) and lang:
        return ox.Literal(str(value), language=lang)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"cannot bind a {kind} in a query")


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NOT_IN_IRIREF = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def values_block(bindings: Mapping[str, Any]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` for one row of bindings, each term written by pyoxigraph."""
    names = " ".join(variable(name) for name in bindings)
    row = " ".join(str(term(value)) for value in bindings.values())
    return f" VALUES ({names}) {{ ({row}) }}"


def values_list(name: str, values: Iterable[Any]) -> str:
    """``VALUES ?name { t1 t2 … }``, each term written by pyoxigraph."""
    return f"VALUES {variable(name)} {{ " + " ".join(str(term(value)) for value in values) + " }"


def iri_values(name: str, iris: Iterable[str]) -> str:
    """``VALUES ?name { <a> <b> … }`` for IRIs given as strings, as pyoxigraph writes them.

    pyoxigraph's NamedNode costs 0.7 µs an IRI (70 ms for the 100,000 IRIs of a large
    lookup); one search of the joined IRIs for a character an IRIREF cannot hold takes
    1 ms, and pyoxigraph writes an IRI without one as ``<iri>``, exactly. A list with such
    a character goes to pyoxigraph IRI by IRI, which refuses the bad one (ValueError).
    """
    iris = list(iris)
    if _NOT_IN_IRIREF.search("".join(iris)):
        return values_list(name, (_named_node(iri) for iri in iris))
    return f"VALUES {variable(name)} {{ " + "".join(f"<{iri}> " for iri in iris) + "}"


def _named_node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def bind(lexed: QueryText, bindings: Mapping[str, Any], substitute: bool = False) -> tuple[str, dict]:
    """The text to run with ``bindings``, and the engine's substitutions: never the values' text as given.

    With ``substitute`` (a local pyoxigraph store), a variable the SELECT projects is bound
    by the engine's ``substitutions``; pyoxigraph 0.5 binds no other ("The SPARQL query does
    not contains variable ?v in its SELECT projection"), and most parameters (a language,
    a country the rows do not repeat) are not projected. Every other binding, and every
    binding sent to a remote endpoint, is a VALUES block of terms written by pyoxigraph
    opening the query's WHERE group (:meth:`QueryText.with_values`).
    """
    if not bindings:
        return lexed.text, {}
    rest = dict(bindings)
    substitutions: dict = {}
    if substitute:
        import pyoxigraph as ox

        projected = set(lexed.projection() or ())
        for name in [name for name in rest if name in projected]:
            variable(name)
            substitutions[ox.Variable(name)] = term(rest.pop(name))
    return (lexed.with_values(values_block(rest)) if rest else lexed.text), substitutions

"""Turtle as rdflib writes it (``longturtle``, deterministic), with each number in one lexical form.

Oxigraph, the engine behind every store, query answer and server here, keeps an ``xsd:decimal``
in its XSD 1.1 canonical form: the shortest exact digits, no trailing zeros, no point for a
whole number (``10``, ``1.5``, ``-27.7``). So that a graph is the same set of terms in Turtle,
N-Triples, TriG and JSON-LD, and through a store, the mapping writes that form
(:func:`decimal_lexical`) and the Turtle writers keep it: rdflib writes the short form of a whole
decimal as ``10.0``, another lexical form, so such a decimal is written ``"10"^^xsd:decimal``.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import XSD


def decimal_lexical(value: float | int | Decimal | str) -> str:
    """The canonical lexical form of an ``xsd:decimal`` (XSD 1.1, as Oxigraph writes it): 10, 1.5, -27.7, 0.

    A float's shortest exact digits (``repr``): 0.1 is ``0.1``, not the binary fraction's 55 digits.
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)) if isinstance(value, float) else str(value))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.lstrip("+")
    return "0" if text in ("-0", "") else text


def turtle_text(graph) -> str:
    """rdflib's deterministic Turtle of ``graph``, every whole ``xsd:decimal`` written with its lexical form."""
    _keep_decimals(graph)
    return graph.serialize(format="longturtle")


class ExactDecimal(Literal):
    """An xsd:decimal whose lexical form has no point: written typed, as rdflib's short form would add ``.0``."""

    __slots__ = ()

    def _literal_n3(self, use_plain=False, qname_callback=None):
        return super()._literal_n3(False, qname_callback)


def _keep_decimals(graph) -> None:
    """Give each whole xsd:decimal the class that writes ``"10"^^xsd:decimal``: equal terms, so the graph is unchanged."""
    whole = [(s, p, o) for s, p, o in graph.triples((None, None, None))
             if type(o) is Literal and o.datatype == XSD.decimal and "." not in o]
    for s, p, o in whole:
        graph.remove((s, p, o))
        graph.add((s, p, ExactDecimal(str(o), datatype=XSD.decimal)))

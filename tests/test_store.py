"""The local store's answers: SPARQL solutions as plain Python values, read from Oxigraph's TSV."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from scograph.store import IRI, LangString
from scograph.store.oxigraph import OxigraphStore
from scograph.terms import XSD

from .conftest import DATA

_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}


def reference(term):
    """What each term means, read off pyoxigraph's own term objects."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if term.language:
        return LangString(term.value, term.language)
    if term.datatype.value in _INTEGERS:
        return int(term.value)
    if term.datatype.value in _FLOATS:
        return float(term.value)
    return term.value


def same(found, expected) -> bool:
    if isinstance(expected, float) and expected != expected:
        return isinstance(found, float) and found != found
    return (type(found), found, getattr(found, "lang", None)) == (type(expected), expected, getattr(expected, "lang", None))


def answers(store: ox.Store, query: str):
    return [tuple(reference(term) for term in solution) for solution in store.query(query)]


def test_every_triple_of_the_paper_reads_as_its_terms():
    store = ox.Store()
    store.bulk_load(path=str(DATA), format=ox.RdfFormat.TURTLE)
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    found, expected = OxigraphStore(store).rows(query), answers(store, query)
    assert len(found) == len(expected) > 7_000
    assert all(same(a, b) for row, want in zip(found, expected) for a, b in zip(row, want))
    assert any(isinstance(v, LangString) and v.lang == "zh" for row in found for v in row)
    assert any(isinstance(v, int) for row in found for v in row)


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
literals = st.one_of(
    texts.map(ox.Literal),
    st.tuples(texts, st.sampled_from(["en", "zh", "zh-hans", "en-gb"])).map(lambda t: ox.Literal(t[0], language=t[1])),
    st.integers(-10**12, 10**12).map(lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))),
    st.integers(-1000, 1000).map(lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "int"))),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: ox.Literal(str(d), datatype=ox.NamedNode(XSD + "decimal"))),
    st.floats().map(lambda f: ox.Literal(repr(f).replace("inf", "INF").replace("nan", "NaN"),
                                         datatype=ox.NamedNode(XSD + "double"))),
    st.booleans().map(lambda b: ox.Literal("true" if b else "false", datatype=ox.NamedNode(XSD + "boolean"))),
    st.dates().map(lambda d: ox.Literal(d.isoformat(), datatype=ox.NamedNode(XSD + "date"))),
    texts.map(lambda t: ox.Literal(t, datatype=ox.NamedNode("https://example.org/type"))),
)
objects = st.one_of(literals, st.from_regex(r"https://example\.org/[a-z0-9/-]{0,8}(#[a-z0-9]{1,4})?", fullmatch=True).map(ox.NamedNode),
                    st.just(ox.BlankNode("b1")))


@settings(max_examples=200, deadline=None)
@given(st.lists(objects, min_size=1, max_size=8))
def test_any_term_reads_as_pyoxigraph_reads_it(terms):
    store = ox.Store()
    subject, predicate = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    for index, term in enumerate(terms):
        store.add(ox.Quad(subject, ox.NamedNode(f"{predicate.value}{index}"), term))
    query = "SELECT ?p ?o ?nothing WHERE { ?s ?p ?o OPTIONAL { ?o ?p ?nothing } } ORDER BY ?p"
    found, expected = OxigraphStore(store).select(query), answers(store, query)
    assert [list(row) for row in found] == [["p", "o", "nothing"]] * len(expected)
    for row, want in zip(found, expected):
        assert all(same(row[name], value) for name, value in zip(("p", "o", "nothing"), want)), (row, want)


def test_unbound_solutions_are_kept():
    store = OxigraphStore(ox.Store())
    assert store.rows("SELECT ?x WHERE { OPTIONAL { <https://example.org/a> <https://example.org/b> ?x } }") == [(None,)]
    assert store.rows("SELECT ?x WHERE { <https://example.org/a> <https://example.org/b> ?x }") == []
    assert store.select("SELECT ?n WHERE { BIND(1 + 1 AS ?n) }") == [{"n": 2}]


def test_rows_one_at_a_time_are_the_rows():
    store = ox.Store()
    store.bulk_load(path=str(DATA), format=ox.RdfFormat.TURTLE)
    local = OxigraphStore(store)
    for query in ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
                  "SELECT ?x WHERE { OPTIONAL { <https://example.org/a> <https://example.org/b> ?x } }",
                  "SELECT ?x WHERE { <https://example.org/a> <https://example.org/b> ?x }"):
        assert list(local.iter_rows(query)) == local.rows(query)

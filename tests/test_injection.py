"""User text never reaches query text: ids are checked against the id grammar, values are pyoxigraph terms.

Each attack of issue 10 is tried on the CLI and the Python API with a loopback recorder
as the SERVICE it tries to reach: the recorder must never be called, and the CLI exits
with 2 and one line saying what an id looks like.
"""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest

from scograph import queries
from scograph.cli import app
from scograph.errors import UsageError
from scograph.store import IRI

from .conftest import DATA
from .test_sparql_text import Recorder


@pytest.fixture(scope="module")
def recorder():
    with contextlib.closing(Recorder()) as running:
        yield running


def _attacks(url: str) -> list[str]:
    return [
        f"x> }} SERVICE <{url}/show> {{ ?x a ?class }} }} #",
        f"exp-tj-anti-drug-centre> }} SERVICE <{url}/id> {{ ?x a ?class }} }} #",
        f'x" ) }} SERVICE <{url}/str> {{ ?s ?p ?o }} #',
        "a>b<c\"d", "a\x01b", "tj tj", "",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["show", "{}"], ["paths", "--from", "{}"], ["paths", "--to", "{}"], ["paths", "--from", "{}", "-f", "json"],
    ["sparql", "describe-entity", "-p", "entity={}"], ["sparql", "chains-from-driver", "-p", "driver={}"],
    ["sparql", "actor-profile", "-p", "actor={}"],
], ids=lambda c: " ".join(c[:2]))
def test_an_id_that_is_not_an_id_is_exit_2_and_reaches_no_query(runner, recorder, command):
    for attack in _attacks(recorder.url):
        result = runner.invoke(app, [part.replace("{}", attack) for part in command] + ["--data", str(DATA)])
        assert result.exit_code == 2, (attack, result.stdout, result.stderr)
        assert result.stdout == "" and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "not an id" in result.stderr and "lower-case letters and digits" in result.stderr, result.stderr
    assert recorder.calls == []


def test_the_message_suggests_near_ids(runner):
    result = runner.invoke(app, ["show", "exp-tj-anti-drug-centre!", "--data", str(DATA)])
    assert result.exit_code == 2 and "did you mean 'exp-tj-anti-drug-centre'" in result.stderr
    result = runner.invoke(app, ["show", "EXP-TJ-ANTI-DRUG-CENTRE", "--data", str(DATA)])  # any case is still an id
    assert result.exit_code == 0 and "exp-tj-anti-drug-centre" in result.stdout


@pytest.mark.parametrize("call", [
    lambda claims, text: claims.describe(text),
    lambda claims, text: claims.record(text),
    lambda claims, text: claims.records(["tj", text]),
    lambda claims, text: claims.resolve(text),
    lambda claims, text: claims.paths(start=text),
    lambda claims, text: claims.paths(end=text),
    lambda claims, text: claims.chains(start=text),
    lambda claims, text: claims.driver_lineage(text),
], ids=["describe", "record", "records", "resolve", "paths-start", "paths-end", "chains-start", "driver-lineage"])
def test_the_python_api_refuses_what_is_not_an_id_before_any_query(graph, recorder, call):
    for attack in _attacks(recorder.url):
        with pytest.raises(UsageError, match="not an id"):
            call(graph, attack)
    assert recorder.calls == []


def test_text_values_are_literals_and_iris_are_checked_by_pyoxigraph(graph, recorder):
    hostile = f'禁毒") }} SERVICE <{recorder.url}/text> {{ ?s ?p ?o }} #'
    assert queries.run(graph, queries.named_query("quotes-containing"), {"text": hostile}).rows == []
    assert graph.search(hostile) == []
    with pytest.raises(ValueError):  # pyoxigraph refuses a string that is not an IRI
        graph.store.select("SELECT ?x ?p WHERE { ?x ?p ?o }", {"x": IRI(f"urn:a> }} SERVICE <{recorder.url}/iri> {{")})
    with pytest.raises(ValueError, match="not a SPARQL variable name"):
        graph.store.select("SELECT ?x WHERE { ?x ?p ?o }", {"x } SERVICE <urn:x> { ?a": IRI("urn:a")})
    assert recorder.calls == []


def test_lookups_bind_their_values_with_the_engines_substitutions(graph, monkeypatch):
    # The lookups project what they bind, so that pyoxigraph binds it: no query text is made of a value.
    made = []
    from scograph.store import (
        oxigraph as store_module,  # where the local store looks bind up
    )

    original = store_module.bind
    monkeypatch.setattr(store_module, "bind", lambda q, b: made.append(q) or original(q, b))
    graph.demands(country="TJ", domain="security")
    graph.drivers(level="regional")
    graph.search("禁毒")
    graph.describe("exp-tj-anti-drug-centre")
    graph.driver_lineage("drv-afghan-drug-trafficking")
    assert made == []


def test_a_query_with_values_not_projected_gets_a_values_block_of_engine_terms(graph):
    # pyoxigraph substitutes only projected variables; the others are bound in a VALUES block.
    rows = graph.store.select("SELECT ?demand WHERE { ?demand sco:holder ?holder }",
                              {"holder": IRI("https://w3id.org/scograph/id/tj")})
    assert rows and all(set(row) == {"demand"} for row in rows)
    text = queries._bound_text(queries.query_from_text("SELECT ?d WHERE { ?d ?p ?text }"),
                               {"text": ox.Literal('") } #')})
    assert text == 'SELECT ?d WHERE { VALUES (?text) { ("\\") } #") } ?d ?p ?text }'

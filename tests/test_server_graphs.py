"""`scograph serve --by-source`: one named graph per source beside the default graph, for FROM, FROM NAMED and GRAPH,
and still nothing from elsewhere."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from scograph.rdf.datasets import source_dataset

from .test_server import running_server

pytestmark = pytest.mark.server

PAPER = "https://w3id.org/scograph/id/chen-zeng-2019"


@pytest.fixture(scope="module")
def by_source(private_cache):
    with running_server(by_source=True) as (_, base):
        yield base + "sparql"


def _ask(endpoint: str, query: str) -> tuple[int, dict | str]:
    request = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _count(endpoint: str, query: str) -> int:
    status, answer = _ask(endpoint, query)
    assert status == 200, answer
    return int(answer["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def dataset(graph):
    data = source_dataset(graph)
    return {str(g.identifier): len(g) for g in data.graphs() if g.identifier != data.default_graph.identifier and len(g)}


def test_the_named_graphs_are_the_sources_of_the_trig_export(by_source, dataset):
    status, answer = _ask(by_source, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert status == 200 and {row["g"]["value"] for row in answer["results"]["bindings"]} == set(dataset)
    assert PAPER in dataset


def test_from_reads_one_source_and_from_named_with_graph_names_it(by_source, dataset, graph):
    assert _count(by_source, f"SELECT (COUNT(*) AS ?n) FROM <{PAPER}> WHERE {{ ?s ?p ?o }}") == dataset[PAPER]
    assert _count(by_source, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{PAPER}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == dataset[PAPER]
    assert _count(by_source, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == len(graph.store)  # the default graph: all claims


def test_a_graph_the_server_does_not_hold_is_refused_in_one_line(by_source):
    status, message = _ask(by_source, "SELECT * FROM <http://example.org/far> WHERE { ?s ?p ?o }")
    assert status == 403 and "<http://example.org/far> is not a graph of this store" in message
    assert "in all; SELECT DISTINCT ?g" in message and message.count("\n") <= 1
    status, message = _ask(by_source, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert status == 403 and "SERVICE" in message


def test_without_by_source_the_server_holds_the_default_graph_only(private_cache):
    with running_server() as (_, base):
        status, answer = _ask(base + "sparql", "ASK { GRAPH ?g { ?s ?p ?o } }")
        assert status == 200 and answer["boolean"] is False
        status, message = _ask(base + "sparql", f"SELECT * FROM <{PAPER}> WHERE {{ ?s ?p ?o }}")
        assert status == 403 and "it has only the default graph" in message

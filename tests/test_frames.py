"""RecordList for notebooks: the listings convert to pandas in one call, named queries give plain Python values."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from scograph import queries
from scograph.frames import RecordList

from .conftest import requires


def test_every_listing_is_a_list_of_json_records(graph):
    for records in (graph.demands(country="TJ"), graph.drivers(), graph.responses(), graph.findings(),
                    graph.actors(), graph.paths(country="UZ"), graph.search("anti drug")):
        assert isinstance(records, RecordList) and isinstance(records, list) and records
        assert json.loads(json.dumps(records, ensure_ascii=False)) == list(records)


def test_a_listing_is_one_call_from_a_data_frame_with_evidence_in_its_own_table(graph):
    pd = requires("pandas", "pip install 'scograph[pandas]'")
    demands = graph.demands(country="TJ", domain="security")
    frame = demands.to_pandas()
    assert list(frame["id"]) == [d["id"] for d in demands] and "evidence" not in frame.columns
    assert pd.DataFrame(demands).shape[0] == len(demands)
    evidence = demands.evidence_frame()
    assert len(evidence) == sum(len(d["evidence"]) for d in demands)
    assert list(evidence.columns[:3]) == ["id", "position", "quote"]
    first = evidence[evidence["id"] == demands[0]["id"]].sort_values("position")
    assert list(first["quote"]) == [e["quote"] for e in demands[0]["evidence"]]
    joined = frame.merge(evidence, on="id")
    assert len(joined) == len(evidence) and set(joined["domain"]) == {"security"}


def test_paths_flatten_into_columns_and_their_evidence_is_each_entitys_once(graph):
    requires("pandas", "pip install 'scograph[pandas]'")
    paths = graph.paths(country="UZ")
    frame = paths.to_pandas()
    assert len(frame) == len(paths)
    assert list(frame["expectation.id"]) == [p["expectation"]["id"] for p in paths]
    assert not [c for c in frame.columns if c.endswith("evidence")]
    entities = {p[part]["id"]: p[part] for p in paths for part in ("driver", "expectation", "response")}
    evidence = paths.evidence_frame()
    assert len(evidence) == sum(len(r["evidence"]) for r in entities.values())


def test_an_empty_listing_gives_empty_frames(graph):
    requires("pandas", "pip install 'scograph[pandas]'")
    assert RecordList().to_pandas().empty and list(RecordList().evidence_frame().columns) == ["id", "position"]


def test_without_pandas_the_conversion_says_how_to_install_it(graph):
    script = ("import sys; sys.modules['pandas'] = None\n"
              "from scograph.frames import RecordList\n"
              "from scograph.errors import NotInstalled\n"
              "try:\n    RecordList([{'id': 'x'}]).to_pandas()\n"
              "except NotInstalled as error:\n    print(error.exit_code, error)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "5 pandas is not installed: pip install 'scograph[pandas]'\n"


def test_named_queries_give_plain_python_values(graph):
    rows = graph.query("figures")
    assert rows and all(isinstance(row["value"], Decimal) for row in rows)
    assert all(isinstance(row["page"], int) and isinstance(row["indicator"], str) for row in rows)
    demands = graph.query("demands-by-country", country="TJ", domain="security")
    assert {row["domain"] for row in demands} == {"security"}  # a concept by its short name
    assert {row["demand"] for row in demands} == {d["id"] for d in graph.demands(country="TJ", domain="security")}
    assert type(demands[0]["quote"]) is str and type(demands[0]["label"]) is str


@pytest.mark.parametrize("literal, value", [
    ('"7"^^xsd:integer', 7), ('"-1.50"^^xsd:decimal', Decimal("-1.5")), ('"2.5e0"^^xsd:double', 2.5),
    ('"true"^^xsd:boolean', True), ('"0"^^xsd:boolean', False), ('"2019-06-14"^^xsd:date', date(2019, 6, 14)),
    ('"2019"^^xsd:gYear', "2019"), ('"塔吉克斯坦"@zh', "塔吉克斯坦"), ('"x"', "x"), ('"soon"^^xsd:date', "soon"),
    ("sco:security", "security"), ("scoid:tj", "tj"), ("<http://example.org/a>", "http://example.org/a"),
])
def test_each_term_becomes_the_python_value_of_its_datatype(graph, literal, value):
    result = queries.run(graph, queries.query_from_text(f"SELECT ?v WHERE {{ BIND({literal} AS ?v) }}"))
    got = result.records()[0]["v"]
    assert got == value and type(got) is type(value)


def test_an_ask_and_a_construct_give_records_too(graph):
    assert queries.run(graph, queries.query_from_text("ASK { ?x a sco:Expectation }")).records() == [{"answer": True}]
    triples = queries.run(graph, queries.query_from_text(
        "CONSTRUCT { scoid:tj ?p ?o } WHERE { scoid:tj ?p ?o }")).records()
    assert triples and {t["subject"] for t in triples} == {"tj"}

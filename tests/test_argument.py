"""The paper's own argument in the lookups: findings, stance, and whose words each quote is."""

from __future__ import annotations

import csv
import io
import json

import pytest

from scograph import model as m
from scograph.cli import app
from scograph.errors import UsageError


def run(runner, *args):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("args", [["findings"], ["findings", "--country", "塔吉克斯坦"], ["findings", "--kind", "comparison"],
                                  ["findings", "--about", "theme-afghanistan"]], ids=" ".join)
def test_findings_print_as_json_csv_and_table(runner, args):
    code, out, err = run(runner, *args, "--format", "json")
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert records and all(r["type"] == "finding" and r["evidence"] and r["about"] for r in records)
    code, out, _ = run(runner, *args, "--format", "csv")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == len(records)
    code, out, _ = run(runner, *args)
    assert code == 0 and len(out.splitlines()) == 2 + len(records)


@pytest.mark.slow
def test_a_finding_is_about_a_country_when_it_names_the_state_or_a_group_of_it(graph):
    groups = {a.id for a in graph.claims.actors if "tj" in a.members}
    expected = {f.id for f in graph.claims.findings if {"tj", *groups} & set(f.about)}
    assert {r["id"] for r in graph.findings(country="TJ")} == expected
    for spelling in ("tj", "TJK", "Tajikistan", "塔吉克斯坦"):
        assert {r["id"] for r in graph.findings(country=spelling)} == expected
    assert all("TJ" in r["countries"] for r in graph.findings(country="TJ"))


def test_findings_filter_by_kind_and_by_what_they_are_about(graph):
    for record in graph.findings(kind="comparison"):
        assert record["kind"] == "comparison"
    about = graph.findings(about="theme-afghanistan")
    assert about and all("theme-afghanistan" in r["about"] for r in about)
    with pytest.raises(UsageError, match="unknown finding kind 'opinion'; valid: comparison, trend, assessment"):
        graph.findings(kind="opinion")
    with pytest.raises(UsageError, match="unknown id"):
        graph.findings(about="theme-afghanistn")


def test_every_statement_has_a_stance(graph):
    assert {r["stance"] for r in graph.demands()} <= {"supports", "opposes", "concerned"}
    assert graph.records(["exp-ca-no-chinese-dominance"])[0]["stance"] == "opposes"
    assert {r["stance"] for r in graph.findings()} <= {"supports", "opposes", "concerned"}


def _voiced_demand(graph):
    """A demand with both the authors' words and a speaker's (dated, at an event) among its quotes."""
    for expectation in graph.claims.expectations:
        voices = {e.voice for e in expectation.evidence}
        if m.Voice.authors in voices and any(e.speaker and e.date and e.occasion for e in expectation.evidence):
            return expectation
    pytest.fail("no demand quotes both the authors and a dated speaker at an event")


def _expected_voice(graph, evidence: m.Evidence) -> str:
    if evidence.voice is m.Voice.authors:
        return "the authors"
    name = graph.by_id[evidence.speaker].label_en
    return f"{evidence.voice.value}: {evidence.speaker} ({name}), {evidence.date}, at {evidence.occasion}"


def test_each_quote_says_whose_words_it_is(graph):
    expectation = _voiced_demand(graph)
    [record] = graph.records([expectation.id])
    assert [(e["quote"], e["voice"], e["speaker"], e["date"], e["occasion"]) for e in record["evidence"]] == [
        (e.quote, e.voice.value, e.speaker, e.date, e.occasion) for e in expectation.evidence]
    spoken = [e for e in record["evidence"] if e["speaker"]]
    assert all(e["speaker_label"] == graph.by_id[e["speaker"]].label_en for e in spoken)
    every = [e for r in graph.demands() for e in r["evidence"]]
    assert all((e["voice"] == "authors") == (e["speaker"] is None) for e in every)
    assert all(e["date"] is None and e["occasion"] is None for e in every if e["voice"] == "authors")


def test_show_and_csv_print_each_quotes_voice(runner, graph):
    expectation = _voiced_demand(graph)
    code, out, _ = run(runner, "show", expectation.id)
    shown = [line.split(None, 1)[1] for line in out.splitlines() if line.startswith("evidence ")]
    notes = [f", note {e.note} ({e.source})" if e.note else "" for e in expectation.evidence]
    assert code == 0 and shown == [f"p. {e.page}{note}, {_expected_voice(graph, e)}: {e.quote}"
                                   for e, note in zip(expectation.evidence, notes)]
    code, out, _ = run(runner, "demands", "--format", "csv")
    row = next(r for r in csv.DictReader(io.StringIO(out)) if r["id"] == expectation.id)
    assert row["quotes"].splitlines() == [f"p. {e.page}, {_expected_voice(graph, e)}: {e.quote}"
                                          for e in expectation.evidence]
    assert row["stance"] == expectation.stance.value


def test_show_prints_a_finding_with_its_kind_stance_and_quotes(runner, graph):
    finding = graph.claims.findings[0]
    code, out, _ = run(runner, "show", finding.id, "--format", "json")
    record = json.loads(out)
    assert code == 0 and (record["type"], record["kind"], record["stance"]) == (
        "finding", finding.kind.value, finding.stance.value)
    assert [e["quote"] for e in record["evidence"]] == [e.quote for e in finding.evidence]
    assert {link["id"] for link in record["links_out"] if link["relation"] == "about"} == set(finding.about)


def test_search_finds_findings(graph):
    finding = graph.claims.findings[0]
    hits = graph.search(finding.evidence[0].quote[3:12])
    assert any(h["id"] == finding.id and h["type"] == "finding" for h in hits)


def test_drivers_outside_the_three_levels_are_listed_by_level_none(graph, runner):
    apart = graph.drivers(level="none")
    assert {d["id"] for d in apart} == {d.id for d in graph.claims.drivers if d.level is None}
    code, _, err = run(runner, "drivers", "--level", "cosmic")
    assert code == 2 and "valid: domestic (国家), regional (地区), international (国际体系), or none" in err


def test_build_anchors_names_a_missing_paper_text(runner, tmp_path):
    code, out, err = run(runner, "build", "--anchors", str(tmp_path / "nope.txt"), "--output", str(tmp_path / "x.ttl"))
    assert (code, out) == (3, "") and err == f"Error: no such paper text: {tmp_path / 'nope.txt'}\n"


def test_show_json_gives_each_inferred_link_its_rationale(runner, graph):
    code, out, _ = run(runner, "show", "exp-tj-anti-drug-centre", "--format", "json")
    links = [link for link in json.loads(out)["links_out"] if link["relation"] == "shapedBy"]
    expectation = graph.by_id["exp-tj-anti-drug-centre"]
    assert code == 0 and {link["id"]: link.get("rationale") for link in links} == {
        link.target: link.rationale for link in expectation.drivers}

"""Every listing filters by theme, speaker, source, dates and stance, sorts and cuts, through the API and the CLI;
and every record carries its descriptions."""

from __future__ import annotations

import csv
import io
import json

import pytest

from scograph.errors import UsageError
from scograph.filters import SORT_FIELDS

from .test_cli import assert_one_line_error, run

LISTINGS = ["demands", "drivers", "responses", "findings", "actors"]


def ids(records) -> list[str]:
    return [r["id"] for r in records]


def test_a_theme_by_id_bare_name_or_label_is_the_same_theme(graph):
    found = ids(graph.demands(theme="theme-drugs"))
    assert found and found == ids(graph.demands(theme="drugs")) == ids(graph.demands(theme="Counter-narcotics cooperation"))
    assert found == [r["id"] for r in graph.demands() if "theme-drugs" in r["themes"]]


def test_drivers_responses_findings_and_actors_are_on_a_theme_through_its_demands(graph):
    on_theme = set(ids(graph.demands(theme="afghanistan")))
    assert ids(graph.drivers(theme="afghanistan")) == [r["id"] for r in graph.drivers() if on_theme & set(r["expectations"])]
    assert ids(graph.responses(theme="afghanistan")) == [r["id"] for r in graph.responses() if on_theme & set(r["addresses"])]
    assert ids(graph.findings(theme="afghanistan")) == [
        r["id"] for r in graph.findings() if ({"theme-afghanistan"} | on_theme) & set(r["about"])]
    holders = {r["holder"] for r in graph.demands(theme="afghanistan")} | {r["speaker"] for r in graph.demands(theme="afghanistan")}
    assert set(ids(graph.actors(theme="afghanistan"))) == holders - {None}


def test_a_speaker_is_the_records_or_one_of_its_quotes(graph):
    kept = graph.demands(speaker="rahmon")
    assert kept and ids(kept) == ids(graph.demands(speaker="Emomali Rahmon"))
    assert ids(kept) == [r["id"] for r in graph.demands()
                         if r["speaker"] == "rahmon" or any(e["speaker"] == "rahmon" for e in r["evidence"])]


def test_a_source_is_one_a_quote_cites_or_the_paper(graph):
    source = "src-inforos-2019-tajikistan-sco-vision"
    kept = graph.demands(source=source)
    assert kept and all(any(e["source"] == source for e in r["evidence"]) for r in kept)
    assert len(graph.drivers(source="chen-zeng-2019")) == len(graph.drivers())  # every quote is from the paper


@pytest.mark.parametrize("since,until", [("2019", None), ("2019-04", "2019-04"), (None, "2018-12-31"), ("2019-04-26", None)])
def test_dates_keep_the_records_whose_date_overlaps_as_export_reads_them(graph, since, until):
    from scograph.inputs import date_span

    low = date_span(since)[0] if since else None
    high = date_span(until)[1] if until else None
    expected = []
    for record in graph.demands():
        dates = [record["date"]] if record["date"] else [e["date"] for e in record["evidence"] if e["date"]]
        spans = [date_span(d) for d in dates]
        if any((low is None or end >= low) and (high is None or start <= high) for start, end in spans):
            expected.append(record["id"])
    assert ids(graph.demands(since=since, until=until)) == expected and expected


def test_stance_keeps_demands_and_findings_of_that_stance(graph):
    concerned = graph.findings(stance="Concerned")
    assert concerned and all(r["stance"] == "concerned" for r in concerned)
    assert len(graph.demands(stance="supports")) + len(graph.demands(stance="opposes")) + len(
        graph.demands(stance="concerned")) == len([r for r in graph.demands() if r["stance"]])


def test_sort_orders_by_a_field_reversed_with_a_minus_and_limit_cuts(graph):
    by_date = graph.demands(country="TJ", sort="date")
    dated = [r["date"] for r in by_date if r["date"]]
    assert dated == sorted(dated) and all(r["date"] is None for r in by_date[len(dated):])  # the undated last
    latest = graph.demands(country="TJ", sort="-date", limit=3)
    assert [r["date"] for r in latest] == sorted(dated, reverse=True)[:3]
    pages = [min(e["page"] for e in r["evidence"]) for r in graph.responses(sort="pages")]
    assert pages == sorted(pages)
    assert graph.actors(sort="-label", limit=1)[0]["label"] == max(r["label"] for r in graph.actors())
    assert graph.findings(limit=0) == []


@pytest.mark.parametrize("call,message", [
    (dict(theme="drug"), "unknown theme 'drug' (did you mean 'drugs'?); valid: theme-afghan-peace-process,"),
    (dict(speaker="putin"), "unknown speaker 'putin'; valid: central-south-asia-seven,"),
    (dict(source="nowhere"), "unknown source 'nowhere'; valid: chen-zeng-2019,"),
    (dict(stance="pro"), "unknown stance 'pro'; valid: supports, opposes, concerned"),
    (dict(sort="colour"), "unknown sort field 'colour' (did you mean 'country'?); valid: id, label,"),
    (dict(since="2019-13"), "invalid date '2019-13'; use YYYY, YYYY-MM or YYYY-MM-DD"),
    (dict(since="2020", until="2019"), "--since 2020 comes after --until 2019"),
    (dict(limit=-1), "--limit -1: give a count, 0 or more"),
    (dict(theme='drugs" } } ; DROP ALL ; #'), "unknown theme 'drugs\" } } ; DROP ALL ; #'"),
])
def test_bad_values_name_the_valid_ones(graph, call, message):
    with pytest.raises(UsageError) as raised:
        graph.demands(**call)
    assert str(raised.value).startswith(message)


def test_a_listing_refuses_a_filter_it_has_no_field_for(graph):
    with pytest.raises(UsageError, match="a listing of actors takes no speaker filter; it takes theme"):
        graph.actors(speaker="rahmon")
    with pytest.raises(UsageError, match="takes no stance filter"):
        graph.drivers(stance="supports")


def test_every_listing_sorts_by_every_field_it_names(graph):
    kinds = {"demands": "expectation", "drivers": "driver", "responses": "response", "findings": "finding",
             "actors": "actor"}
    for listing, kind in kinds.items():
        everything = getattr(graph, listing)()
        for name in SORT_FIELDS[kind]:
            assert sorted(ids(getattr(graph, listing)(sort=name))) == sorted(ids(everything)), (listing, name)


# ------------------------------------------------------------------ the CLI


def test_the_cli_filters_sorts_and_cuts_as_the_api(runner, graph):
    code, out, err = run(runner, "demands", "--theme", "drugs", "--since", "2019-04", "--sort", "-date", "--limit", "3",
                         "--format", "json")
    assert code == 0 and err == ""
    assert ids(json.loads(out)) == ids(graph.demands(theme="drugs", since="2019-04", sort="-date", limit=3))
    code, out, err = run(runner, "responses", "--theme", "drugs", "--sort", "-pages", "--limit", "2")
    assert code == 0 and err == "" and len(out.splitlines()) == 4


@pytest.mark.parametrize("listing", LISTINGS)
def test_every_listing_takes_sort_and_limit(runner, listing):
    code, out, err = run(runner, listing, "--sort", "id", "--limit", "2", "--format", "json")
    assert code == 0 and err == "" and len(json.loads(out)) == 2


@pytest.mark.parametrize("args,fragments", [
    (["drivers", "--theme", "nothing"], ["unknown theme 'nothing'", "valid: theme-afghan-peace-process"]),
    (["findings", "--stance", "against"], ["unknown stance 'against'; valid: supports, opposes, concerned"]),
    (["responses", "--sort", "modle"], ["unknown sort field 'modle' (did you mean 'model'?)"]),
    (["demands", "--until", "yesterday"], ["invalid date 'yesterday'"]),
    (["actors", "--limit", "-3"], ["--limit -3: give a count, 0 or more"]),
    (["drivers", "--stance", "supports"], ["No such option: --stance", "options: --level, --theme"]),
])
def test_bad_filter_values_are_one_line_and_exit_2(runner, args, fragments):
    assert_one_line_error(run(runner, *args), 2, *fragments)


# ------------------------------------------------------------------ descriptions


def test_every_record_carries_its_descriptions(graph):
    for records in (graph.demands(), graph.drivers(), graph.responses(), graph.findings(), graph.actors()):
        assert all("description" in r and "description_zh" in r for r in records)
    assert any("SCO Development Bank" in (r["description"] or "") for r in graph.responses())


def test_responses_json_and_csv_name_the_sco_development_bank(runner):
    code, out, err = run(runner, "responses", "--format", "json")
    assert code == 0 and err == "" and any("SCO Development Bank" in (r["description"] or "") for r in json.loads(out))
    code, out, err = run(runner, "responses", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"description", "description_zh"} <= set(rows[0]) and any("SCO Development Bank" in r["description"] for r in rows)


def test_show_prints_the_descriptions(runner, graph):
    record = next(r for r in graph.responses() if "SCO Development Bank" in (r["description"] or ""))
    code, out, err = run(runner, "show", record["id"])
    assert code == 0 and err == ""
    assert any(line.startswith("description ") and "SCO Development Bank" in line for line in out.splitlines())
    assert "description_en" not in out

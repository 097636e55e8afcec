"""The CLI contract: every command, every format, every error path; stdout and stderr apart."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scograph.cli import app

LISTINGS = [
    ["demands", "--country", "TJ"],
    ["demands"],
    ["drivers"],
    ["drivers", "--level", "regional"],
    ["responses"],
    ["responses", "--domain", "economic"],
    ["actors", "--kind", "state"],
    ["paths", "--country", "TJ"],
    ["search", "禁毒"],
]


def run(runner, *args):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_every_listing_prints_json_csv_and_table(runner, args):
    code, out, err = run(runner, *args, "--format", "json")
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert isinstance(records, list) and records
    for record in records:
        if "driver" in record:  # a path
            assert {"driver", "expectation", "response"} <= set(record)
        else:
            assert {"id", "type", "label", "label_zh"} <= set(record)

    code, out, err = run(runner, *args, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(records)

    code, out, err = run(runner, *args)
    assert (code, err) == (0, "")
    header, rule, *lines = out.splitlines()
    assert set(rule) <= {"-", " "} and len(lines) == len(records)


def test_demands_json_carries_quote_page_drivers_and_responses(runner):
    code, out, _ = run(runner, "demands", "--country", "TJ", "--domain", "security", "--format", "json")
    assert code == 0
    records = {r["id"]: r for r in json.loads(out)}
    centre = records["exp-tj-anti-drug-centre"]
    assert centre["country"] == "TJ" and centre["domain"] == "security"
    assert any("禁毒中心" in e["quote"] and e["page"] == 99 for e in centre["evidence"])
    assert centre["drivers"] and all(d.startswith("drv-") for d in centre["drivers"])
    assert all(isinstance(r, str) for r in centre["responses"])
    assert "\\u" not in out  # Chinese unescaped


@pytest.mark.slow
@pytest.mark.parametrize("spelling", ["TJ", "tj", "tjk", "TJK", "Tajikistan", "tajikistan", "塔吉克斯坦"])
def test_country_spellings_give_the_same_answer(runner, spelling):
    expected = run(runner, "demands", "--country", "TJ", "--format", "json")[1]
    assert run(runner, "demands", "--country", spelling, "--format", "json")[1] == expected


@pytest.mark.parametrize("spelling", ["security", "SECURITY", "安全"])
def test_domain_spellings_give_the_same_answer(runner, spelling):
    expected = run(runner, "demands", "--domain", "security", "--format", "json")[1]
    code, out, _ = run(runner, "demands", "--domain", spelling, "--format", "json")
    assert code == 0 and out == expected
    assert {r["domain"] for r in json.loads(out)} == {"security"}


def test_group_demands_count_for_each_member(runner):
    records = json.loads(run(runner, "demands", "--country", "KZ", "--format", "json")[1])
    holders = {r["holder"] for r in records}
    assert holders == {"kz", "ca-members"}
    assert all(r["country"] is None for r in records if r["holder"] == "ca-members")


def test_drivers_carry_level_and_responses_carry_addresses(runner):
    drivers = json.loads(run(runner, "drivers", "--level", "国家", "--format", "json")[1])
    assert drivers and {d["level"] for d in drivers} == {"domestic"}
    responses = json.loads(run(runner, "responses", "--format", "json")[1])
    assert all({"domain", "addresses", "model"} <= set(r) for r in responses)
    assert any(r["addresses"] for r in responses)


def test_paths_are_chains_of_driver_expectation_response(runner, graph):
    chains = json.loads(run(runner, "paths", "--country", "TJ", "--format", "json")[1])
    assert chains
    for chain in chains:
        expectation = graph.by_id[chain["expectation"]["id"]]
        assert chain["driver"]["id"] in {link.target for link in expectation.drivers}
        response = graph.by_id[chain["response"]["id"]]
        assert expectation.id in {link.target for link in response.addresses}
        assert "TJ" in chain["expectation"]["countries"]


def test_chains_are_the_paths_without_records_and_carry_each_links_basis(graph):
    for filters in ({}, {"country": "TJ"}, {"country": "KZ", "domain": "security"}, {"start": "drv-afghanistan"}):
        chains = graph.chains(**filters)
        paths = graph.paths(**filters)
        assert chains and [(c["driver"], c["expectation"], c["response"]) for c in chains] == [
            (p["driver"]["id"], p["expectation"]["id"], p["response"]["id"]) for p in paths]
        for chain, path in zip(chains, paths):
            assert (chain["holder"], chain["country"]) == (path["expectation"]["holder"], path["expectation"]["country"])
            assert (chain["driver_basis"], chain["response_basis"]) == (path["driver_basis"], path["response_basis"])
            # The bases, read back through the typed objects (rdflib and pydantic, not the lookups' SPARQL):
            expectation = graph.by_id[chain["expectation"]]
            response = graph.by_id[chain["response"]]
            [driver_link] = [link for link in expectation.drivers if link.target == chain["driver"]]
            [response_link] = [link for link in response.addresses if link.target == chain["expectation"]]
            assert (chain["driver_basis"], chain["response_basis"]) == (driver_link.basis.value, response_link.basis.value)
    assert {c["driver_basis"] for c in graph.chains()} == {"stated", "inferred"}


def test_paths_from_a_broad_driver_include_its_narrower_drivers(runner, graph):
    everything = json.loads(run(runner, "paths", "--format", "json")[1])
    afghan = json.loads(run(runner, "paths", "--from", "drv-afghanistan", "--format", "json")[1])
    assert afghan and len(afghan) < len(everything)
    for chain in afghan:
        assert "drv-afghanistan" in graph.driver_lineage(chain["driver"]["id"])
    some_response = afghan[0]["response"]["id"]
    narrowed = json.loads(run(runner, "paths", "--from", "drv-afghanistan", "--to", some_response, "--format", "json")[1])
    assert narrowed and {c["response"]["id"] for c in narrowed} == {some_response}


def test_show_prints_fields_evidence_and_links(runner):
    code, out, err = run(runner, "show", "exp-tj-anti-drug-centre")
    assert code == 0 and err == ""
    assert "p. 99, note 3" in out and "禁毒中心" in out and "links_out" in out
    record = json.loads(run(runner, "show", "exp-tj-anti-drug-centre", "--format", "json")[1])
    assert record["id"] == "exp-tj-anti-drug-centre" and record["links_out"]
    rows = list(csv.DictReader(io.StringIO(run(runner, "show", "tj", "--format", "csv")[1])))
    assert {"field", "value"} == set(rows[0]) and any(r["value"] == "TJK" for r in rows)


def test_search_finds_chinese_and_english(runner):
    zh = {r["id"] for r in json.loads(run(runner, "search", "禁毒中心", "--format", "json")[1])}
    en = {r["id"] for r in json.loads(run(runner, "search", "ANTI-DRUG CENTRE", "--format", "json")[1])}
    assert "exp-tj-anti-drug-centre" in zh & en


def test_stats_counts_and_country_domain_table(runner, graph):
    result = json.loads(run(runner, "stats", "--format", "json")[1])
    assert result["counts"]["expectations"] == len(graph.claims.expectations)
    rows = {row["holder"]: row for row in result["expectations_by_holder_and_domain"]}
    assert set(rows) >= {"KZ", "KG", "TJ", "UZ"}
    assert all(row["total"] == sum(row[d] for d in ("political", "security", "economic", "cultural")) for row in rows.values())
    table = run(runner, "stats")[1]
    assert "expectations" in table and "political" in table
    matrix = list(csv.DictReader(io.StringIO(run(runner, "stats", "--format", "csv")[1])))
    assert {r["country"] for r in matrix} == set(rows)


@pytest.mark.slow
def test_validate_passes_on_the_packaged_data(runner, paper_text, tmp_path):
    code, out, err = run(runner, "validate")
    assert code == 0 and out == "" and err.startswith("ok:")
    paper = tmp_path / "paper.txt"
    paper.write_text(paper_text, encoding="utf-8")
    code, _, err = run(runner, "validate", "--paper", str(paper))
    assert code == 0 and "verbatim" in err


@pytest.mark.slow
def test_build_check_passes_on_the_repository(runner, monkeypatch):
    from .conftest import ROOT

    monkeypatch.chdir(ROOT)
    code, out, err = run(runner, "build", "--check")
    assert code == 0 and out == "" and "up to date" in err


# ----------------------------------------------------------------------------- errors


def assert_one_line_error(result, code: int, *fragments: str) -> None:
    exit_code, out, err = result
    assert exit_code == code and out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def test_unknown_country_lists_the_codes(runner):
    assert_one_line_error(run(runner, "demands", "--country", "Atlantis"), 2, "unknown country 'Atlantis'", "KZ", "TJ", "UZ")


def test_unknown_domain_lists_the_domains(runner):
    assert_one_line_error(run(runner, "responses", "--domain", "military"), 2, "unknown domain", "political (政治)")


def test_unknown_level_and_kind(runner):
    assert_one_line_error(run(runner, "drivers", "--level", "global"), 2, "unknown level", "regional")
    assert_one_line_error(run(runner, "actors", "--kind", "company"), 2, "unknown actor kind", "sco-body")


def test_unknown_id_suggests_near_matches(runner):
    assert_one_line_error(run(runner, "show", "exp-tj-anti-drug-center"), 2, "did you mean", "exp-tj-anti-drug-centre")
    assert_one_line_error(run(runner, "paths", "--from", "drv-afganistan"), 2, "did you mean 'drv-afghanistan'")


def test_empty_search_is_an_error(runner):
    assert_one_line_error(run(runner, "search", "  "), 2, "empty search text")


def test_missing_data_file_names_it(runner, tmp_path):
    missing = tmp_path / "nope.ttl"
    assert_one_line_error(run(runner, "demands", "--data", str(missing)), 3, f"no such Turtle file: {missing}")


def test_malformed_turtle_names_file_and_line(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sco: <https://w3id.org/scograph/vocab#> .\n\n<a> <b> <c> .\n<x> sco:oops \"unterminated .\n")
    assert_one_line_error(run(runner, "stats", "--data", str(bad)), 3, str(bad), "line 4", "malformed Turtle")


def test_turtle_that_breaks_the_model_is_a_data_error(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://w3id.org/scograph/id/tj> a <https://w3id.org/scograph/vocab#Actor>, "
                   "<https://w3id.org/scograph/vocab#State> .\n")
    assert_one_line_error(run(runner, "actors", "--data", str(bad)), 3, str(bad), "scograph validate")


@pytest.mark.slow
def test_validate_reports_each_problem_then_one_error_line(runner, tmp_path):
    from .conftest import DATA

    broken = tmp_path / "claims.ttl"
    text = DATA.read_text(encoding="utf-8")
    broken.write_text(text.replace("sco:domain sco:security", "sco:domain sco:militarism", 1), encoding="utf-8")
    code, out, err = run(runner, "validate", str(broken))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[-1].startswith("Error: ") and "problem(s)" in lines[-1]
    assert any(line.startswith(f"{broken}:") and "domain" in line for line in lines[:-1])
    assert "Traceback" not in err


@pytest.mark.slow
def test_build_check_fails_when_out_of_date(runner, tmp_path):
    from .conftest import CURATION

    stale = tmp_path / "claims.ttl"
    stale.write_text("# stale\n")
    assert_one_line_error(run(runner, "build", "--check", "--curation", str(CURATION), "-o", str(stale)), 1, "out of date")
    assert stale.read_text() == "# stale\n"


def test_bad_format_is_a_usage_error(runner):
    code, out, err = run(runner, "demands", "--format", "xml")
    assert code == 2 and out == "" and "'xml' is not one of" in err


_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_JSON_KEYS = st.text(max_size=5) | st.integers() | st.booleans() | st.none() | st.floats()
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(
    _JSON_KEYS, inner, max_size=3), max_leaves=12)


@pytest.mark.slow
@given(_JSON_VALUES, st.lists(st.dictionaries(st.text(max_size=5), _JSON_VALUES, max_size=4), max_size=4), st.data())
def test_json_output_is_the_standard_encoding_even_when_records_share_parts(anything, records, data):
    from scograph.render import to_json

    assert to_json(anything) == json.dumps(anything, ensure_ascii=False, indent=2) + "\n"
    if records:  # share some nested values between records, as paths share their records
        shared = data.draw(st.dictionaries(_JSON_KEYS, _JSON_VALUES, max_size=3))
        for record in records:
            record[data.draw(st.text(max_size=3))] = shared
            record[data.draw(st.text(max_size=3))] = [shared, {"again": shared}]
    assert to_json(records) == json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def test_json_output_refuses_what_json_refuses():
    from scograph.render import to_json

    for value in ({"a": {1, 2}}, [object()], {(1, 2): "tuple key"}):
        with pytest.raises(TypeError):
            to_json(value)


def test_malformed_turtle_gives_the_same_line_whatever_the_files_size(runner, tmp_path):
    """Under 256 KiB the file is parsed in memory, over it into the prepared index: the same mistake, the same line."""
    from scograph.store import prepared as cache

    head = "@prefix sco: <https://w3id.org/scograph/vocab#> .\n\n<https://a.example/x> sco:p <https://a.example/y z> .\n"
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir(), large.mkdir()
    (small / "bad.ttl").write_text(head + "# padding\n" * 10, encoding="utf-8")
    (large / "bad.ttl").write_text(head + "# padding\n" * 40_000, encoding="utf-8")
    assert (small / "bad.ttl").stat().st_size < cache.LARGE_FILE_BYTES < (large / "bad.ttl").stat().st_size
    errors = []
    for folder in (small, large):
        result = run(runner, "stats", "--data", str(folder / "bad.ttl"))
        assert_one_line_error(result, 3, f"{folder / 'bad.ttl'}: line 3: malformed Turtle")
        errors.append(result[2].replace(str(folder), "DIR"))
    assert errors[0] == errors[1]
    assert not [p for p in cache.cache_dir().iterdir() if p.name.endswith(".building")]


def test_an_entity_that_breaks_the_model_is_a_data_error_from_show(runner, tmp_path):
    """The load checks are a few rules; a file that passes them but breaks another (a date, a reference's id)
    opens, and showing the entity names the file, the entity and the field instead of a traceback."""
    from .conftest import DATA

    text = DATA.read_text(encoding="utf-8")
    start = text.index("scoid:exp-tj-anti-drug-centre\n")
    for old, new, field_name in (('"2019-04-26"^^xsd:date', '"yesterday"', "date"),
                                 ("sco:theme scoid:theme-drugs", "sco:theme <https://w3id.org/scograph/id/x'y>", "themes.0")):
        at = text.index(old, start)
        broken = tmp_path / f"{field_name}.ttl"
        broken.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
        assert_one_line_error(run(runner, "show", "exp-tj-anti-drug-centre", "--data", str(broken)), 3,
                              f"{broken}: exp-tj-anti-drug-centre: {field_name}: ", f"(run: scograph validate {broken})")


@pytest.mark.slow
@pytest.mark.parametrize("args,name", [
    ([b"show", b"\xff"], "ID"),
    ([b"search", b"a\xffb"], "TEXT"),
    ([b"demands", b"--country", b"T\xffJ"], "--country"),
    ([b"demands", b"--data", b"/tmp/\xff.ttl"], "--data"),
    ([b"paths", b"--from", b"drv-\xe9"], "--from"),
    ([b"export", b"-f", b"ttl", b"-o", b"\xfe\xff"], "--output"),
])
def test_arguments_that_are_not_utf8_are_refused_naming_them(args, name):
    """A real process: the shell's bytes, as Python receives them (lone surrogates), never reach a query or a path."""
    import subprocess

    from .conftest import CLI

    done = subprocess.run([*CLI, *args], capture_output=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, b"")
    raw = repr(args[-1])
    assert done.stderr.decode() == f"Error: {name}: not UTF-8 text: {raw}; give it in UTF-8\n"


def test_text_no_command_line_can_hold_is_refused_from_python_too(runner):
    """A NUL or a surrogate that is no escaped byte can only come from Python (CliRunner, a notebook)."""
    assert_one_line_error(run(runner, "show", "a\ud800b"), 2, "argument 2 ('a\\ud800b') holds a NUL or a lone surrogate")
    assert_one_line_error(run(runner, "demands", "--data", "a\0b"), 2, "argument 3 ('a\\x00b') holds a NUL")


@pytest.mark.parametrize("args,message", [
    (["demands", "--format", "xml"], "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', "
                                     "'csv' (see: scograph demands --help)"),
    (["demands", "--bogus"], "Error: No such option: --bogus; options: --country/-c, --domain/-d, --theme, --speaker,"
                             " --source, --since, --until, --stance, --sort, --limit, --format/-f, --wide/-w, --data,"
                             " --endpoint, --help/-h (see: scograph demands --help)"),
    (["show"], "Error: Missing argument 'ID' (see: scograph show --help)"),
    (["demandz"], "Error: No such command 'demandz'. Did you mean 'demands'? (see: scograph --help)"),
    (["synth", "--papers", "many"], "Error: Invalid value for '--papers' / '-n': 'many' is not a valid integer"
                                    " (see: scograph synth --help)"),
])
def test_usage_errors_are_one_line_with_the_way_to_help(runner, args, message):
    assert run(runner, *args) == (2, "", message + "\n")


@pytest.mark.slow
def test_output_that_cannot_be_written_is_one_line_not_a_traceback():
    import subprocess

    from .conftest import CLI

    for args in (["demands", "--country", "TJ"], ["export", "--format", "nt"]):
        with open("/dev/full", "wb") as full:
            done = subprocess.run([*CLI, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        assert (done.returncode, done.stderr) == (3, "Error: cannot write the output: No space left on device\n")

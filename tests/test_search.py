"""Search: words (English, stemmed) and characters (Chinese), ranked, over labels, descriptions and quotes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scograph import ClaimsGraph
from scograph.cli import app
from scograph.errors import UsageError
from scograph.store import prepared as cache
from scograph.store.search import match_expression

from .conftest import DATA


def run(*args):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def ids(graph, text, **options):
    return [hit["id"] for hit in graph.search(text, **options)]


@pytest.mark.parametrize("text, expected", [
    ("drugs", {"exp-tj-anti-drug-centre", "drv-afghan-drug-trafficking", "ini-sco-anti-drug-centre"}),
    ("anti drug", {"exp-tj-anti-drug-centre", "exp-tj-anti-drug-strategy", "ini-sco-anti-drug-centre"}),
    ("Drug", {"exp-tj-anti-drug-centre", "doc-sco-anti-drug-strategy-2018-2023"}),
    ("禁毒", {"exp-tj-anti-drug-centre", "theme-drugs", "ini-sco-anti-drug-centre"}),
    ("毒品", {"drv-afghan-drug-trafficking"}),
    ("阿富汗", {"af", "drv-afghanistan", "theme-afghanistan", "af-government"}),
    ("禁毒中心", {"exp-tj-anti-drug-centre", "ini-sco-anti-drug-centre"}),
])
def test_words_and_characters_find_the_entities_that_hold_them(graph, text, expected):
    found = ids(graph, text)
    assert expected <= set(found), expected - set(found)
    assert len(found) == len(set(found))  # an entity counts once, by its best match


def test_a_plural_finds_the_singular_and_a_hyphen_is_a_space(graph):
    assert set(ids(graph, "drugs")) == set(ids(graph, "drug"))
    assert set(ids(graph, "anti drug")) == set(ids(graph, "anti-drug")) == set(ids(graph, "ANTI-DRUGS"))
    assert "exp-tj-anti-drug-centre" not in ids(graph, "anti drug trafficking")  # every word must match


def test_results_are_ranked_best_first_with_a_label_match_above_a_quote_only_match(graph):
    hits = graph.search("阿富汗")
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)
    fields = [hit["field"] for hit in hits]
    first_quote = next(i for i, f in enumerate(fields) if f.startswith("quote"))
    assert all(f.startswith("label") for f in fields[:first_quote]) and fields[0] == "label_zh"
    assert hits[0]["id"] == "af"  # the label that is nothing but the word


def test_records_carry_the_old_fields_the_matching_snippet_and_a_score(graph):
    hits = graph.search("anti drug centre")
    assert set(hits[0]) == {"id", "type", "label", "label_zh", "field", "match", "score"}
    records = {r["id"]: r for r in graph.records([hit["id"] for hit in hits])}
    for hit in hits:
        assert (hit["type"], hit["label"], hit["label_zh"]) == tuple(records[hit["id"]][k] for k in ("type", "label", "label_zh"))
        assert "centre" in hit["match"].lower()
    long_quote = next(h for h in graph.search("阿富汗") if h["field"].startswith("quote") and "阿富汗" in h["match"])
    assert len(long_quote["match"]) <= 62


def test_type_and_limit_narrow_the_results(graph):
    everything = graph.search("drug")
    expectations = graph.search("drug", type="Expectation")
    assert {h["type"] for h in expectations} == {"expectation"} and len(expectations) < len(everything)
    assert [h["id"] for h in expectations] == [h["id"] for h in everything if h["type"] == "expectation"]
    assert graph.search("drug", limit=2) == everything[:2]


def test_part_of_a_word_is_found_when_no_word_matches(graph):
    assert "exp-tj-anti-drug-centre" in ids(graph, "ti-dru")
    assert graph.search("zzyzzx") == []


def test_the_cli_prints_ranked_results_and_checks_its_options():
    code, out, err = run("search", "anti drug", "--type", "expectation", "--limit", "1", "--format", "json")
    assert code == 0 and err == ""
    [hit] = json.loads(out)
    assert hit["type"] == "expectation" and hit["score"] > 0
    code, out, err = run("search", "drug", "--type", "gadget")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "unknown type 'gadget'" in err and "expectation" in err and "finding" in err
    code, out, err = run("search", "drug", "--limit", "0")
    assert code == 2 and out == "" and "--limit" in err and len(err.strip().splitlines()) == 1
    code, out, err = run("search", '"*:^')
    assert code == 2 and out == "" and "no word to search for" in err


@pytest.mark.parametrize("hostile", ['drug"', 'drug*', 'NEAR(drug anti)', 'words : drug', 'grams:禁毒', '^drug',
                                     'drug OR x', 'drug AND NOT anti', 'drug "" ""', "drug')--", '{words grams}: x', "drug -anti"])
def test_fts_syntax_in_the_text_is_only_words(graph, hostile):
    hits = graph.search(hostile)  # no sqlite3 error: each token is quoted
    assert all(hit["score"] >= 0 for hit in hits)
    assert match_expression(hostile).count('"') % 2 == 0


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40) | st.lists(st.sampled_from(['"', "*", "NEAR", ":", "^", "(", ")", "AND", "OR", "NOT",
                                                             "drug", "禁毒", "-", "+", "words", "{", "}"]),
                                            max_size=8).map(" ".join))
def test_any_text_gives_results_or_a_usage_error(graph, text):
    try:
        hits = graph.search(text)
    except UsageError as error:
        assert "\n" not in str(error)
        return
    assert all(set(hit) >= {"id", "type", "score", "match"} for hit in hits)


@pytest.fixture
def claims(tmp_path, monkeypatch):
    """The paper's claims opened as a large file is: from a prepared store, in a cache of their own."""
    monkeypatch.setenv("SCOGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "LARGE_FILE_BYTES", 0)
    path = tmp_path / "claims.ttl"
    path.write_bytes(DATA.read_bytes())
    return path


def test_a_prepared_store_keeps_its_index_beside_it_and_builds_a_damaged_one_again(claims, tmp_path, monkeypatch, capfd):
    expected = ClaimsGraph.load(claims).search("anti drug")
    [index] = (tmp_path / "cache").glob("*.search-*.sqlite")
    built = index.stat().st_mtime_ns
    assert ClaimsGraph.load(claims).search("anti drug") == expected and index.stat().st_mtime_ns == built
    index.write_bytes(b"not a database" * 100)
    capfd.readouterr()
    assert ClaimsGraph.load(claims).search("anti drug") == expected
    assert "search index" in capfd.readouterr().err
    monkeypatch.setattr(cache, "LARGE_FILE_BYTES", 1 << 40)
    assert ClaimsGraph.load(claims).search("anti drug") == expected  # in memory: the same answer
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".building")]


def test_an_index_garbled_inside_is_built_again_when_a_query_meets_the_damage(claims, tmp_path, capfd):
    expected = ClaimsGraph.load(claims).search("阿富汗")
    [index] = (tmp_path / "cache").glob("*.search-*.sqlite")
    data = bytearray(index.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, page):  # every page but the schema's: garbled
        data[start + 100:start + 200] = b"\xff" * 100
    index.write_bytes(bytes(data))
    capfd.readouterr()
    assert ClaimsGraph.load(claims).search("阿富汗") == expected
    assert "search index" in capfd.readouterr().err


def test_other_lookups_never_import_the_search_index():
    script = ("import sys\nfrom scograph.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
              "print('scograph.store.search' in sys.modules, file=sys.stderr)")
    for args in (["demands", "--country", "TJ"], ["show", "exp-tj-anti-drug-centre"]):
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)
        assert done.stdout and done.stderr.strip().splitlines()[-1] == "False", done.stderr[-500:]
    done = subprocess.run([sys.executable, "-c", script, "search", "drugs"], capture_output=True, text=True, timeout=120)
    assert "exp-tj-anti-drug-centre" in done.stdout and done.stderr.strip().splitlines()[-1] == "True"

"""Curation files: compiled into claims, with errors that point at file, line, field and rule."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scograph import model as m
from scograph.curation import (
    _toml_string,
    build,
    curation_files,
    fill_anchors,
    load_curation,
)
from scograph.errors import DataFileError, OutOfDate, ValidationFailed

PAPER = """
[[paper]]
id = "p"
label_zh = "论文"
label_en = "Paper"
title = "论文"
language = "zh"
doi = "10.1/x"
first_page = 90
last_page = 108
citations = [{ paper = "p", page = 99, note = 3 }]
"""

BASE = """
paper = "p"

[[actor]]
id = "tj"
kind = "state"
label_zh = "塔吉克斯坦"
label_en = "Tajikistan"
alpha2 = "TJ"
alpha3 = "TJK"

[[theme]]
id = "theme-drugs"
label_zh = "禁毒"
label_en = "Drugs"
"""

ANCHORS = """
[[anchor]]
paper = "p"
page = 99
quote = "在杜尚别设立上合组织禁毒中心"
prefix = "为迫切需要落实塔方提出的"
suffix = "的建议"
"""

EXPECTATION = """
[[expectation]]
id = "exp-tj-anti-drug-centre"
label_zh = "禁毒中心"
label_en = "Anti-drug centre"
holder = "tj"
domain = "security"
themes = ["{theme}"]
evidence = [{{ quote = "在杜尚别设立上合组织禁毒中心", page = 99, note = 3 }}]
"""


def write(tmp_path: Path, text: str, name: str = "claims.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def paper(tmp_path) -> Path:
    """The paper's own table, in a file of its own as in data/curation/paper.toml, and the quotes' anchors."""
    write(tmp_path, ANCHORS, "anchors.toml")
    return write(tmp_path, PAPER, "paper.toml")


def load(*paths: Path):
    """The curation files with the anchors beside them."""
    return load_curation([*paths, paths[0].parent / "anchors.toml"])


def test_evidence_gets_the_paper_and_the_source_of_its_footnote(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs"))
    claims = load(paper, path).claims
    evidence = claims.expectations[0].evidence[0]
    assert (evidence.paper, evidence.source) == ("p", "p")  # the paper cites itself here, for brevity


def test_unknown_id_points_at_file_and_line_and_suggests(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drug"))
    with pytest.raises(ValidationFailed) as failure:
        load(paper, path)
    [problem] = failure.value.problems
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "exp-tj-anti-drug-centre" in text)
    assert problem.where == f"{path}:{line}"
    assert "themes: unknown id 'theme-drug'" in problem.message and "did you mean 'theme-drugs'" in problem.message
    assert problem.rule == "reference"


def test_model_errors_name_the_field_and_rule(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs").replace('"security"', '"military"'))
    with pytest.raises(ValidationFailed) as failure:
        load(paper, path)
    messages = [str(p) for p in failure.value.problems]
    assert any("exp-tj-anti-drug-centre: domain:" in m and "[enum]" in m for m in messages), messages


def test_a_footnote_nobody_cites_is_reported(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs").replace("note = 3", "note = 4"))
    with pytest.raises(ValidationFailed) as failure:
        load(paper, path)
    assert any(p.rule == "footnote-source" and "p. 99 note 4" in p.message for p in failure.value.problems)


def test_the_same_id_twice_is_reported(tmp_path, paper):
    one = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs"), "a.toml")
    two = write(tmp_path, 'paper = "p"\n' + EXPECTATION.format(theme="theme-drugs"), "b.toml")
    with pytest.raises(ValidationFailed) as failure:
        load(paper, one, two)
    assert any(p.rule == "unique-id" for p in failure.value.problems)


def test_malformed_toml_names_file_and_line(tmp_path, paper):
    path = write(tmp_path, BASE + '\n[[expectation]]\nid = "x\n')
    with pytest.raises(DataFileError, match=r"claims\.toml: malformed TOML: .*line \d+"):
        load(paper, path)


def test_unknown_table_lists_the_valid_ones(tmp_path, paper):
    path = write(tmp_path, BASE + '\n[[demand]]\nid = "x"\n')
    with pytest.raises(ValidationFailed) as failure:
        load(paper, path)
    assert any("unknown table 'demand'" in p.message and "[[expectation]]" in p.message for p in failure.value.problems)


def test_build_writes_then_check_passes_then_detects_drift(tmp_path):
    curation = tmp_path / "curation"
    curation.mkdir()
    write(curation, BASE + EXPECTATION.format(theme="theme-drugs"))
    write(curation, PAPER, "paper.toml")
    write(curation, ANCHORS, "anchors.toml")
    output = tmp_path / "claims.ttl"
    assert build(curation, output) is True
    assert build(curation, output, check=True) is False
    output.write_text(output.read_text() + "\n# edited by hand\n")
    with pytest.raises(OutOfDate, match="out of date"):
        build(curation, output, check=True)
    assert "# edited by hand" in output.read_text()  # --check never writes


def test_build_leaves_the_old_file_when_curation_is_invalid(tmp_path):
    curation = tmp_path / "curation"
    curation.mkdir()
    write(curation, BASE + EXPECTATION.format(theme="theme-nope"))
    write(curation, PAPER, "paper.toml")
    output = tmp_path / "claims.ttl"
    output.write_text("old")
    with pytest.raises(ValidationFailed):
        build(curation, output)
    assert output.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------ anchors


def paper_text(page_99: str) -> str:
    """A paper's text by the page rule: nine pages, then page 99."""
    return "\n\n---\n\n".join(["前言。"] * 9 + [page_99]) + "\n"


def curation_dir(tmp_path: Path, quote: str = "在杜尚别设立上合组织禁毒中心") -> Path:
    curation = tmp_path / "curation"
    curation.mkdir()
    write(curation, BASE + EXPECTATION.format(theme="theme-drugs").replace("在杜尚别设立上合组织禁毒中心", quote))
    write(curation, PAPER, "paper.toml")
    return curation


def test_a_quote_without_an_anchor_stops_the_build_and_says_what_to_run(tmp_path):
    curation = curation_dir(tmp_path)
    with pytest.raises(ValidationFailed) as failure:
        build(curation, tmp_path / "claims.ttl")
    [problem] = failure.value.problems
    assert problem.rule == "anchor" and "scograph build --anchors PAPER" in problem.message
    assert problem.where.startswith(str(curation / "claims.toml") + ":")
    assert not (tmp_path / "claims.ttl").exists()


def test_anchors_are_filled_from_the_paper_then_joined_by_the_build(tmp_path):
    curation = curation_dir(tmp_path)
    text = paper_text("塔吉克斯坦还认为迫切需要落实塔方提出的<sup>③</sup>在杜尚别设立上合组织禁毒中心的建议，\n以协调这方面的行动。")
    assert fill_anchors(curation, text) is True
    assert fill_anchors(curation, text) is False and fill_anchors(curation, text, check=True) is False
    claims = load_curation(curation_files(curation)).claims
    [evidence] = claims.expectations[0].evidence
    # From the normalised page: the footnote marker dropped, the line break a space.
    assert evidence.anchor == m.Anchor(prefix="为迫切需要落实塔方提出的", suffix="的建议， 以协调这方面的")
    assert build(curation, tmp_path / "claims.ttl") is True


def test_anchors_are_at_most_anchor_length_characters_each_side(tmp_path):
    curation = curation_dir(tmp_path)
    fill_anchors(curation, paper_text("甲" * 50 + "在杜尚别设立上合组织禁毒中心" + "乙" * 50))
    [evidence] = load_curation(curation_files(curation)).claims.expectations[0].evidence
    assert evidence.anchor == m.Anchor(prefix="甲" * m.ANCHOR_LENGTH, suffix="乙" * m.ANCHOR_LENGTH)


def test_a_quote_not_on_its_page_is_not_anchored_and_nothing_is_written(tmp_path):
    curation = curation_dir(tmp_path, quote="在杜尚别设立禁毒联盟")
    with pytest.raises(ValidationFailed) as failure:
        fill_anchors(curation, paper_text("在杜尚别设立上合组织禁毒中心"))
    [problem] = failure.value.problems
    assert problem.rule == "verbatim-quote" and "not found in the paper" in problem.message
    assert not (curation / "anchors.toml").exists()


def test_stale_anchors_are_caught_by_the_check(tmp_path):
    curation = curation_dir(tmp_path)
    fill_anchors(curation, paper_text("在杜尚别设立上合组织禁毒中心的建议"))
    with pytest.raises(OutOfDate, match="anchors.toml is out of date"):
        fill_anchors(curation, paper_text("落实在杜尚别设立上合组织禁毒中心的建议"), check=True)


def test_an_anchor_table_with_a_wrong_field_is_reported(tmp_path, paper):
    write(tmp_path, ANCHORS.replace("suffix =", "sufix ="), "anchors.toml")
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs"))
    with pytest.raises(ValidationFailed) as failure:
        load(paper, path)
    assert any(p.rule == "anchor" and "needs exactly paper, page, quote, prefix, suffix" in p.message
               for p in failure.value.problems)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_every_string_the_anchors_file_writes_reads_back_the_same(text):
    assert tomllib.loads(f"x = {_toml_string(text)}\n")["x"] == text

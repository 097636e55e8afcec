"""Curation files: compiled into claims, with errors that point at file, line, field and rule."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scograph.curation import build, load_curation
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
    """The paper's own table, in a file of its own as in data/curation/paper.toml."""
    return write(tmp_path, PAPER, "paper.toml")


def test_evidence_gets_the_paper_and_the_source_of_its_footnote(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs"))
    claims = load_curation([paper, path]).claims
    evidence = claims.expectations[0].evidence[0]
    assert (evidence.paper, evidence.source) == ("p", "p")  # the paper cites itself here, for brevity


def test_unknown_id_points_at_file_and_line_and_suggests(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drug"))
    with pytest.raises(ValidationFailed) as failure:
        load_curation([paper, path])
    [problem] = failure.value.problems
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "exp-tj-anti-drug-centre" in text)
    assert problem.where == f"{path}:{line}"
    assert "themes: unknown id 'theme-drug'" in problem.message and "did you mean 'theme-drugs'" in problem.message
    assert problem.rule == "reference"


def test_model_errors_name_the_field_and_rule(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs").replace('"security"', '"military"'))
    with pytest.raises(ValidationFailed) as failure:
        load_curation([paper, path])
    messages = [str(p) for p in failure.value.problems]
    assert any("exp-tj-anti-drug-centre: domain:" in m and "[enum]" in m for m in messages), messages


def test_a_footnote_nobody_cites_is_reported(tmp_path, paper):
    path = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs").replace("note = 3", "note = 4"))
    with pytest.raises(ValidationFailed) as failure:
        load_curation([paper, path])
    assert any(p.rule == "footnote-source" and "p. 99 note 4" in p.message for p in failure.value.problems)


def test_the_same_id_twice_is_reported(tmp_path, paper):
    one = write(tmp_path, BASE + EXPECTATION.format(theme="theme-drugs"), "a.toml")
    two = write(tmp_path, 'paper = "p"\n' + EXPECTATION.format(theme="theme-drugs"), "b.toml")
    with pytest.raises(ValidationFailed) as failure:
        load_curation([paper, one, two])
    assert any(p.rule == "unique-id" for p in failure.value.problems)


def test_malformed_toml_names_file_and_line(tmp_path, paper):
    path = write(tmp_path, BASE + '\n[[expectation]]\nid = "x\n')
    with pytest.raises(DataFileError, match=r"claims\.toml: malformed TOML: .*line \d+"):
        load_curation([paper, path])


def test_unknown_table_lists_the_valid_ones(tmp_path, paper):
    path = write(tmp_path, BASE + '\n[[demand]]\nid = "x"\n')
    with pytest.raises(ValidationFailed) as failure:
        load_curation([paper, path])
    assert any("unknown table 'demand'" in p.message and "[[expectation]]" in p.message for p in failure.value.problems)


def test_build_writes_then_check_passes_then_detects_drift(tmp_path):
    curation = tmp_path / "curation"
    curation.mkdir()
    write(curation, BASE + EXPECTATION.format(theme="theme-drugs"))
    write(curation, PAPER, "paper.toml")
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

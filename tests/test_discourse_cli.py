"""The discourse networks from the command line: `scograph analyse`, and `scograph export` with DNA's
options; stdout carries results, stderr one line for a mistake; old exports unchanged."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from scograph.cli import app

from .conftest import DATA


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def run(runner, *args):
    result = runner.invoke(app, [*args, "--data", str(DATA)])
    return result.exit_code, result.stdout, result.stderr


def test_analyse_prints_centralities_as_json(runner):
    code, out, _ = run(runner, "analyse", "--actor-level", "person", "--format", "json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["rahmon"]["degree"] == 5 and rows["rahmon"]["label"] == "Emomali Rahmon"


def test_analyse_polarisation_per_window_as_csv(runner):
    code, out, _ = run(runner, "analyse", "-m", "polarisation", "--window", "1Y", "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["start"] for r in rows] == ["2017-01-01", "2018-01-01", "2019-01-01"]


def test_analyse_communities_table(runner):
    code, out, _ = run(runner, "analyse", "-m", "communities", "-n", "concept-concept", "--qualifier", "subtract")
    assert code == 0 and "theme-multi-vector-balance" in out


def test_export_dl_and_matrix_to_stdout(runner):
    code, out, _ = run(runner, "export", "-f", "dl", "-n", "actor-actor", "--normalize", "average")
    assert code == 0 and out.startswith("DL N = 4, FORMAT = FULLMATRIX\nLABELS:\n")
    code, out, _ = run(runner, "export", "-f", "matrix", "-n", "actor-actor")
    assert code == 0 and out.splitlines()[1] == "kg,0,89,100,110"


def test_export_a_dynamic_gexf_and_one_file_per_window(runner, tmp_path):
    target = tmp_path / "series.gexf"
    code, _, err = run(runner, "export", "-f", "gexf", "-n", "actor-actor", "--window", "12M", "--step", "3M",
                       "-o", str(target))
    assert code == 0 and "windows" in err
    read = nx.read_gexf(target)
    assert read.graph["mode"] == "dynamic" and all("spells" in d for _, d in read.nodes(data=True))
    code, _, err = run(runner, "export", "-f", "matrix", "-n", "actor-concept", "--window", "1Y", "-o",
                       str(tmp_path / "years.csv"))
    assert code == 0
    assert sorted(p.name for p in tmp_path.glob("years-*.csv")) == [
        "years-01-2017-01-01.csv", "years-02-2018-01-01.csv", "years-03-2019-01-01.csv"]


def test_export_three_mode_graphml(runner, tmp_path):
    target = tmp_path / "chains.graphml"
    code, _, _ = run(runner, "export", "-f", "graphml", "-n", "driver-response", "--country", "KZ", "-o", str(target))
    assert code == 0
    read = nx.read_graphml(target)
    assert read.is_directed() and all(u.startswith("drv-") and v.startswith("rsp-") for u, v in read.edges())


@pytest.mark.parametrize(("args", "message"), [
    (("export", "-f", "gexf", "-n", "actor-congruence", "--qualifier", "conflict"), "--qualifier applies to the discourse"),
    (("export", "-f", "dl", "-n", "driver-response"), "--format dl writes actor-concept"),
    (("export", "-f", "gexf", "-n", "actor-actor", "--window", "12"), "D, W, M or Y"),
    (("export", "-f", "gexf", "-n", "actor-concept", "--qualifier", "congruence"), "valid: ignore, subtract, combine"),
    (("analyse", "--window", "1Y"), "--window applies to --measure polarisation"),
    (("export", "-f", "csv", "-n", "actor-actor"), "give -o PREFIX"),
])
def test_mistakes_are_one_line_and_exit_2(runner, args, message):
    code, out, err = run(runner, *args)
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_old_exports_are_unchanged_without_discourse_options(runner):
    code, out, _ = run(runner, "export", "-f", "gexf", "-n", "actor-congruence", "--normalize", "jaccard")
    assert code == 0 and 'weight="0.766667"' in out

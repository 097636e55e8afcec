"""The discourse benchmark (benchmarks/discourse.py) runs end to end on a tiny corpus; no timings are asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("benchmarks_discourse", ROOT / "benchmarks" / "discourse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_prints_a_line_per_network_and_a_verdict(tmp_path, capsys):
    bench = _load()
    assert bench.main(["--sizes", "2k", "--repeat", "1", "--corpus-dir", str(tmp_path / "corpora"),
                       "--cache", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| 2k")]
    assert [row.split(" | ")[1] for row in rows] == list(bench.NETWORKS)
    assert out.count("goal ≤ 2×") == len(bench.NETWORKS) - 1

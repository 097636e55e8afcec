"""Discourse networks at size: the one-mode congruence network with normalisation against the two-mode network.

    python benchmarks/discourse.py                      # 1M triples (synthetic, scograph synth --seed 7)
    python benchmarks/discourse.py --sizes 10k,100k --repeat 3

Each (size, network) runs ``--repeat`` times, each time in a fresh process of its own and the
networks in turn, after a first process has prepared the
store (so every measured process maps the same prepared store, and opening is not what is
measured; the one that builds the store holds it in memory, which would flatter it): the figures
are the medians of the wall time of building the network from the store (reading the DNA
statements by SPARQL, then counting) and of the memory that build adds (Linux: the process's peak
RSS, reset just before the build, less the RSS before it).
The goal (issue "Discourse-network analysis"): the one-mode network stays within 2× of the two-mode
in time and in memory. Progress goes to stderr, a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measuring
import run as harness

NETWORKS = {
    "two-mode": ("two-mode", "ignore", "none"),
    "one-mode congruence, average": ("actors", "congruence", "average"),
    "one-mode congruence, jaccard": ("actors", "congruence", "jaccard"),
    "one-mode concepts, average": ("concepts", "congruence", "average"),
}
LIMIT = 2.0


def child(corpus: Path, name: str, repeat: int) -> dict:
    """In the child: open the corpus, then build the network ``repeat`` times (the first run's peak RSS)."""
    from scograph.discourse.networks import Selection, Spec, matrix
    from scograph.graph import ClaimsGraph

    claims = ClaimsGraph.load(corpus)
    if name == "prepare":  # only open: the first opening builds the prepared store every later child maps
        return {}
    import scograph.exports  # noqa: F401 - imported before timing, as a command has it imported already

    claims.country("KZ")  # the country table, which any filtered call reads once
    spec = Spec(*NETWORKS[name])
    seconds, rss_before, peak, built = [], None, None, None
    for n in range(repeat):
        if n == 0:
            before = measuring._proc_kb("VmRSS")
            rss_before = before / 1024 if before is not None else None
            reset = measuring._reset_peak()
        start = time.perf_counter()
        built = matrix(claims, spec, Selection())
        seconds.append(time.perf_counter() - start)
        if n == 0 and reset:
            high = measuring._proc_kb("VmHWM")
            peak = high / 1024 if high is not None else None
    return {"seconds": seconds, "rss_before_mb": rss_before, "op_peak_mb": peak, "statements": built.statements,
            "rows": len(built.rows), "columns": len(built.columns), "edges": len(built.edges())}


def measure(corpus: Path, name: str, repeat: int, cache: Path) -> dict:
    env = harness.child_env(cache, cache / "pycache")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--corpus", str(corpus),
               "--repeat", str(repeat)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M", help="comma-separated sizes, e.g. 10k,100k,1M (default 1M)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus-dir", type=Path, default=harness.Options.corpus_dir)
    parser.add_argument("--cache", type=Path, default=None, help="scograph's cache for the prepared stores")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(child(options.corpus, options.child, options.repeat)))
        return 0
    cache = options.cache or Path(tempfile.mkdtemp(prefix="scograph-discourse-bench."))
    lines = ["| size | network | statements | nodes | edges | median s | × two-mode | MB added (build) | × two-mode |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    verdicts = []
    for size in harness.parse_sizes(options.sizes):
        corpus = harness.ensure_corpus(options.corpus_dir, size)
        harness.progress(f"{size.label}: preparing the store")
        measure(corpus, "prepare", 1, cache)
        figures = {name: {"seconds": [], "grown": []} for name in NETWORKS}
        for turn in range(options.repeat):  # interleaved, so that a busy moment weighs on every network alike
            for name in NETWORKS:
                harness.progress(f"{size.label}: {name} ({turn + 1}/{options.repeat})")
                f = measure(corpus, name, 1, cache)
                figures[name]["seconds"] += f["seconds"]
                figures[name]["grown"].append((f["op_peak_mb"] or 0) - (f["rss_before_mb"] or 0))
                figures[name].update({k: f[k] for k in ("statements", "rows", "columns", "edges")})
        base = figures["two-mode"]
        base_s = statistics.median(base["seconds"])
        base_mb = statistics.median(base["grown"])
        for name, f in figures.items():
            median = statistics.median(f["seconds"])
            grown = statistics.median(f["grown"])
            time_ratio = median / base_s if base_s else None
            memory_ratio = grown / base_mb if base_mb > 0 else None
            lines.append(f"| {size.label} | {name} | {f['statements']:,} | {f['rows'] + (0 if name != 'two-mode' else f['columns'])}"
                         f" | {f['edges']:,} | {median:.2f} | {time_ratio:.2f} | {grown:.0f} |"
                         f" {'' if memory_ratio is None else f'{memory_ratio:.2f}'} |")
            if name != "two-mode":
                ok = time_ratio <= LIMIT and (memory_ratio is None or memory_ratio <= LIMIT)
                verdicts.append(f"{size.label} {name}: {'met' if ok else 'MISSED'} (time {time_ratio:.2f}×"
                                f"{'' if memory_ratio is None else f', memory {memory_ratio:.2f}×'}; goal ≤ {LIMIT:g}×)")
    print("\n".join(lines))
    print()
    print("\n".join(f"- {v}" for v in verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The issue's goals, each checked against one run's figures: met, missed, or not run (and why).

Every goal is a ratio within the run where it has a peer (so a loaded machine weighs on both
sides), else an absolute figure; each says what it measured. A plain rdflib query stopped at its
time limit still decides a "≥ 10× faster" goal when the limit alone is ten times scograph's time.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import engines
from report import (
    BIG_SIZE,
    DEMANDS_CLI,
    GOAL_SIZE,
    PATHS_CLI,
    PATHS_JSON_CLI,
    PATHS_JSON_MADE_CLI,
    SEARCH_CLI,
    TYPER_BASELINE,
    Cell,
    ColdRun,
    Paired,
    cold_name,
    fmt_mb,
    fmt_ratio,
    fmt_seconds,
    paired,
    ratio,
    rdflib_ratio,
)

MET, MISSED, NOT_RUN = "met", "missed", "not run"


@dataclass
class Goal:
    text: str
    target: str
    measured: str
    result: str
    """met, missed or not run."""


def verdict(ok: bool | None) -> str:
    return NOT_RUN if ok is None else MET if ok else MISSED


def nominal(label: str) -> int | None:
    found = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", label.strip())
    if not found:
        return None
    return int(float(found.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[found.group(2).lower()])


def goals_table(found: list[Goal]) -> str:
    lines = ["| goal | target | measured | result |", "|---|---|---|---|"]
    lines += [f"| {g.text} | {g.target} | {g.measured} | **{g.result}** |" for g in found]
    return "\n".join(lines)


class Figures:
    """One run's cells and cold runs, looked up by size label, operation and engine."""

    def __init__(self, cells: list[Cell], runs: list[ColdRun], labels: list[str]):
        self.by_key = {(c.size, c.operation, c.engine): c for c in cells}
        self.cold = {r.name: r for r in runs}
        self.any_cold = bool(runs)
        self.labels = labels
        self.one = next((label for label in labels if nominal(label) == GOAL_SIZE), None)
        self.ten = next((label for label in labels if nominal(label) == BIG_SIZE), None)

    def cell(self, size: str | None, operation: str, engine: str) -> Cell | None:
        return self.by_key.get((size, operation, engine)) if size else None

    def why_not(self, size: str | None, *wanted: tuple[str, str], name: str = "1M") -> str:
        if size is None:
            return f"{name} not in --sizes"
        for operation, engine in wanted:
            found = self.cell(size, operation, engine)
            if found is None:
                return f"{operation} not in --operations"
            if found.missing:
                return f"{engine} {engines.OPERATIONS[operation]}: {found.missing}"
        return "not measured"

    def cold_run(self, template: str, size: str | None) -> tuple[ColdRun | None, str]:
        """A cold run with its figures, or None and why not."""
        if size is None:
            return None, "size not in --sizes"
        run = self.cold.get(cold_name(template, size) if "{size}" in template else template)
        if run and run.seconds:
            return run, ""
        if run and run.missing:
            return None, run.missing
        return None, "cold runs not measured (--no-cli)" if not self.any_cold else "not measured"


def _pairs(ours: Cell | None, theirs: Cell | None, limit: float, text: str, target: str, why: str,
           kept: bool = False) -> Goal:
    """A goal on paired runs; ``kept``: scograph's repeated lookups (records read) against the peer's runs."""
    if kept and ours is not None and not ours.missing and theirs is not None and not theirs.missing:
        seconds = ours.extra.get("kept_seconds", [])
        found = Paired.of(seconds, theirs.seconds)
    else:
        seconds = ours.seconds if ours else []
        found = paired(ours, theirs)
    if found.median is None:
        return Goal(text, target, why, NOT_RUN)
    peer = statistics.median([a / r for a, r in zip(seconds, found.ratios)])
    return Goal(text, target, f"{fmt_seconds(statistics.median(seconds[:len(found.ratios)]))} s vs {fmt_seconds(peer)} s:"
                f" {found} over {len(found.ratios)} pair(s)", verdict(found.median <= limit))


def evaluate(cells: list[Cell], runs: list[ColdRun], labels: list[str], sizes: dict[str, dict]) -> list[Goal]:
    f = Figures(cells, runs, labels)
    one = f.one
    found: list[Goal] = []

    # The paper, cold: scograph's start-up against typer's own.
    text = f"paper: cold `{DEMANDS_CLI}` vs cold `{TYPER_BASELINE}`"
    typer_run, why_typer = f.cold_run(TYPER_BASELINE, "-")
    demands_run, why_demands = f.cold_run(DEMANDS_CLI, "-")
    if typer_run and demands_run:
        pairs = Paired.of(demands_run.seconds, typer_run.seconds)
        found.append(Goal(text, "≤ 1.6×", f"{demands_run.median:.3f} s vs {typer_run.median:.3f} s: {pairs} over"
                          f" {len(pairs.ratios)} pairs", verdict(pairs.median <= 1.6)))
    else:
        found.append(Goal(text, "≤ 1.6×", why_typer or why_demands, NOT_RUN))

    # 1M, first time: the first lookup after indexing reads the records its pass made; a lookup
    # that comes before the pass ends makes them on its critical path (the stricter figure).
    ours, peer = f.cell(one, "demands", "scograph"), f.cell(one, "demands", "pyoxigraph")
    why = f.why_not(one, ("demands", "scograph"), ("demands", "pyoxigraph"))
    peer_text = "vs the hand-written pyoxigraph query read as TSV"
    found.append(_pairs(ours, peer, 1.0, f"1M: first demands lookup after indexing (records made by the records pass)"
                        f" {peer_text}", "≤ 1.0×", why, kept=True))
    found.append(_pairs(ours, peer, 1.0, f"1M: demands lookup with every record made on its critical path {peer_text}",
                        "≤ 1.0×", why))
    peer = f.cell(one, "paths", "pyoxigraph")
    peer_mb = peer.memory_mb if peer and not peer.missing else None
    for template, how in ((PATHS_JSON_CLI, "after indexing (records made by the records pass)"),
                          (PATHS_JSON_MADE_CLI, "every record made on its critical path")):
        run, why = f.cold_run(template, one)
        found.append(Goal(f"1M: cold `scograph paths --country TJ --format json`, {how}", "< 1.5 s",
                          f"{run.median:.2f} s (median of {len(run.seconds)})" if run else why,
                          verdict(run.median < 1.5 if run else None)))
        ours_mb = statistics.median(run.peak_mb) if run and run.peak_mb else None
        r = ratio(ours_mb, peer_mb)
        found.append(Goal("1M: its peak RSS vs the pyoxigraph paths peer's (chains + records queries)", "≤ 1.5×",
                          f"{fmt_mb(ours_mb)} MB vs {fmt_mb(peer_mb)} MB = {fmt_ratio(r)}" if r else
                          why or f.why_not(one, ("paths", "pyoxigraph")), verdict(r <= 1.5 if r else None)))

    # Indexing.
    ours, theirs = f.cell(one, "build", "scograph"), f.cell(one, "build", "pyoxigraph")
    found.append(_pairs(ours, theirs, 1.2, "1M: indexing time vs pyoxigraph's `bulk_load` + `optimize`", "≤ 1.2×",
                        f.why_not(one, ("build", "scograph"), ("build", "pyoxigraph"))))
    r = ratio(ours.memory_mb if ours else None, theirs.memory_mb if theirs else None)
    found.append(Goal("1M: indexing peak RSS vs the bulk load's", "≤ 1.1×",
                      f"{fmt_mb(ours.memory_mb)} MB vs {fmt_mb(theirs.memory_mb)} MB = {fmt_ratio(r)}" if r
                      else f.why_not(one, ("build", "scograph"), ("build", "pyoxigraph")), verdict(r <= 1.1 if r else None)))

    found += ten_million(f, sizes)

    # Earlier goals.
    opened = f.cell(one, "open", "scograph")
    found.append(Goal("1M, prepared store: opening costs no re-parse", "≤ 0.5 s",
                      f"{fmt_seconds(opened.median)} s" if opened and opened.median is not None
                      else f.why_not(one, ("open", "scograph")),
                      verdict(opened.median <= 0.5 if opened and opened.median is not None else None)))
    for operation, kept in (("demands", False), ("demands", True), ("chains", False), ("paths", False)):
        ours, plain = f.cell(one, operation, "scograph"), f.cell(one, operation, "rdflib")
        seconds = ours.figure("kept_seconds") if ours and kept else None
        if kept and seconds is None:
            continue
        times, bound = rdflib_ratio(plain, ours, seconds)
        suffix = " (repeated: records kept)" if kept else " (first: records made)" if operation != "chains" else ""
        text = f"1M: {engines.OPERATIONS[operation]} vs plain rdflib{suffix}"
        if times is None:
            found.append(Goal(text, "≥ 10× faster", f.why_not(one, (operation, "scograph"), (operation, "rdflib")), NOT_RUN))
            continue
        theirs = f"> {plain.over_s:g}" if bound else fmt_seconds(plain.median)
        ok = times >= 10 if (not bound or times >= 10) else None
        found.append(Goal(text, "≥ 10× faster", f"{theirs} s vs {fmt_seconds(seconds or ours.median)} s ="
                          f" {'> ' if bound else ''}{fmt_ratio(times)} faster", verdict(ok)))
    ours, peer = f.cell(one, "export", "scograph"), f.cell(one, "export", "pyoxigraph")
    writer = peer.figure("write_only_s") if peer else None
    r = ratio(ours.median if ours else None, writer)
    found.append(Goal("1M: GraphML export of the chains network, end to end, vs networkx's `write_graphml` alone",
                      "≤ 1×", f"{fmt_seconds(ours.median)} s vs {fmt_seconds(writer)} s = {fmt_ratio(r)}" if r
                      else f.why_not(one, ("export", "scograph"), ("export", "pyoxigraph")), verdict(r <= 1 if r else None)))
    found.append(_pairs(ours, peer, 1.0, "1M: the same export vs pyoxigraph + networkx end to end", "≤ 1×",
                        f.why_not(one, ("export", "scograph"), ("export", "pyoxigraph"))))
    for template, text, limit in ((PATHS_CLI, "1M: cold `scograph paths --country TJ` (a table)", 2.0),
                                  (SEARCH_CLI, "1M: `scograph search drug --limit 20 --format json` (search index kept)", 0.5)):
        run, why = f.cold_run(template, one)
        found.append(Goal(text, f"< {limit:g} s", f"{run.median:.2f} s (median of {len(run.seconds)})" if run else why,
                          verdict(run.median < limit if run else None)))
    return found


def ten_million(f: Figures, sizes: dict[str, dict]) -> list[Goal]:
    one, ten = f.one, f.ten
    found: list[Goal] = []
    why = f.why_not(ten, ("build", "scograph"), name="10M")
    big, small = f.cell(ten, "build", "scograph"), f.cell(one, "build", "scograph")
    r = ratio(big.median if big else None, small.median if small else None)
    found.append(Goal("10M: indexing time vs 1M's", "≤ 11×",
                      f"{fmt_seconds(big.median)} s vs {fmt_seconds(small.median)} s = {fmt_ratio(r)}" if r
                      else why if ten is None else f.why_not(one, ("build", "scograph")), verdict(r <= 11 if r else None)))
    peer = f.cell(ten, "build", "pyoxigraph")
    r = ratio(big.memory_mb if big else None, peer.memory_mb if peer else None)
    found.append(Goal("10M: indexing peak RSS vs the bulk load's (memory beyond the engine's own)", "≤ 1.1×",
                      f"{fmt_mb(big.memory_mb)} MB vs {fmt_mb(peer.memory_mb)} MB = {fmt_ratio(r)}" if r else why,
                      verdict(r <= 1.1 if r else None)))
    synth = [sizes.get(label, {}).get("synth") for label in (one, ten)]
    if all(synth):
        r = ratio(synth[1]["peak_mb"], synth[0]["peak_mb"])
        found.append(Goal("10M: synthesis streams (peak RSS vs 1M's)", "≤ 1.2×",
                          f"{fmt_mb(synth[1]['peak_mb'])} MB vs {fmt_mb(synth[0]['peak_mb'])} MB = {fmt_ratio(r)}"
                          f" ({synth[1]['seconds']:.0f} s)", verdict(r <= 1.2 if r else None)))
    else:
        found.append(Goal("10M: synthesis streams (peak RSS vs 1M's)", "≤ 1.2×",
                          why if ten is None else "the corpora were generated before this run (figures kept beside them)"
                          if not any(synth) else "1M not in --sizes", NOT_RUN))
    demands = f.cell(ten, "demands", "scograph")
    found.append(Goal("10M: demands lookup, records made", "< 2 s",
                      f"{fmt_seconds(demands.median)} s" if demands and demands.median is not None
                      else f.why_not(ten, ("demands", "scograph"), name="10M"),
                      verdict(demands.median < 2 if demands and demands.median is not None else None)))
    run, why_cold = f.cold_run(PATHS_CLI, ten)
    found.append(Goal("10M: cold `scograph paths --country TJ` (a table)", "< 3 s",
                      f"{run.median:.2f} s (median of {len(run.seconds)})" if run else why if ten is None else why_cold,
                      verdict(run.median < 3 if run else None)))
    export = f.cell(ten, "export", "scograph")
    heap = export.extra.get("python_peak_mb") if export else None
    ok = (export.median < 30 and (heap is None or heap < 1024)) if export and export.median is not None else None
    found.append(Goal("10M: GraphML export of the chains network; Python's peak (tracemalloc)", "< 30 s, < 1 GB",
                      f"{fmt_seconds(export.median)} s, {fmt_mb(heap)} MB (process RSS {fmt_mb(export.memory_mb)} MB)"
                      if ok is not None else f.why_not(ten, ("export", "scograph"), name="10M"), verdict(ok)))
    store = sizes.get(ten, {}).get("scograph_store_mb") if ten else None
    corpus = sizes.get(ten, {}).get("corpus_mb") if ten else None
    found.append(Goal("10M: disk used by the prepared store", "reported",
                      f"{fmt_mb(store)} MB (the Turtle file: {fmt_mb(corpus)} MB; pyoxigraph's store:"
                      f" {fmt_mb(sizes[ten].get('pyoxigraph_store_mb'))} MB)" if store else why,
                      "reported" if store else NOT_RUN))
    return found

"""The benchmark's figures as Markdown: the table, the goals met or missed, the checks of the answers.

Ratios of scograph to raw pyoxigraph are the medians of the ratios of alternating pairs of runs
(scograph's n-th run over pyoxigraph's n-th run), with their range: a busy moment of the machine
weighs on both runs of a pair, and the range shows how much it moved the ratio.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import engines

GOAL_SIZE = 1_000_000
"""The size most goals speak of."""
BIG_SIZE = 10_000_000

TYPER_BASELINE = "python -c \"import typer\""
DEMANDS_CLI = "scograph demands --country TJ --format json"
PATHS_CLI = "scograph paths --country TJ --data FILE ({size}, prepared store)"
PATHS_JSON_CLI = "scograph paths --country TJ --format json --data FILE ({size}, prepared store, records kept by the records pass)"
PATHS_JSON_MADE_CLI = "scograph paths --country TJ --format json --data FILE ({size}, prepared store, records made)"
SEARCH_CLI = "scograph search drug --limit 20 --format json --data FILE ({size}, prepared store, search index kept)"


def cold_name(template: str, size: str) -> str:
    return template.format(size=size)


@dataclass
class Cell:
    """One (size, operation, engine): the seconds of each run (in the order run), or why there are none."""

    size: str
    operation: str
    engine: str
    seconds: list[float] = field(default_factory=list)
    peaks_mb: list[float] = field(default_factory=list)
    """Each run's process peak RSS (operation, opening and imports), from wait4."""
    op_peaks_mb: list[float] = field(default_factory=list)
    """The peak RSS during the timed run alone (Linux)."""
    check: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    """Further figures; lists (kept_seconds, optimize_s, write_only_s) run by run."""
    missing: str | None = None
    over_s: float | None = None
    """A plain rdflib query stopped at this limit: its time is more than that."""

    def add(self, figures: dict, peak_mb: float | None = None) -> None:
        figures = dict(figures)
        self.seconds += figures.pop("seconds", [])
        self.check = figures.pop("check", {}) or self.check
        figures.pop("rss_before_mb", None)
        op_peak = figures.pop("op_peak_mb", None)
        if op_peak is not None:
            self.op_peaks_mb.append(op_peak)
        if peak_mb is not None:
            self.peaks_mb.append(peak_mb)
        for name, value in figures.items():
            if isinstance(value, list):
                self.extra.setdefault(name, []).extend(value)
            else:
                self.extra[name] = value

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def memory_mb(self) -> float | None:
        found = self.peaks_mb or self.op_peaks_mb
        return statistics.median(found) if found else None

    def figure(self, name: str) -> float | None:
        values = self.extra.get(name)
        return statistics.median(values) if values else None

    def as_dict(self) -> dict:
        return {"size": self.size, "operation": self.operation, "engine": self.engine, "median_s": self.median,
                "seconds": self.seconds, "peak_rss_mb": self.peaks_mb, "op_peak_rss_mb": self.op_peaks_mb,
                "check": self.check, "missing": self.missing, "over_s": self.over_s, **self.extra}


@dataclass
class ColdRun:
    name: str
    command: list[str]
    forget_records: bool = False
    """Empty scograph's record cache before each run, so that the run makes every record it prints."""
    size: str | None = None
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    missing: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    def as_dict(self) -> dict:
        return {"name": self.name, "command": self.command, "median_s": self.median, "seconds": self.seconds,
                "peak_rss_mb": self.peak_mb, "missing": self.missing}


# --------------------------------------------------------------------- figures


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if value >= 0.001 else f"{value:.2g}"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}×" if value >= 10 else f"{value:.2f}×"


def fmt_mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


@dataclass(frozen=True)
class Paired:
    """The ratios of alternating runs, pair by pair."""

    ratios: tuple[float, ...]

    @classmethod
    def of(cls, ours: list[float], theirs: list[float]) -> "Paired":
        return cls(tuple(a / b for a, b in zip(ours, theirs) if b))

    @property
    def median(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    def __str__(self) -> str:
        if not self.ratios:
            return "—"
        if len(self.ratios) == 1:
            return fmt_ratio(self.ratios[0])
        return f"{fmt_ratio(self.median)} ({fmt_ratio(min(self.ratios))}–{fmt_ratio(max(self.ratios))})"


def peer_seconds(cell: Cell) -> list[float]:
    """What scograph's run is compared with: pyoxigraph's build is its bulk load plus ``optimize``."""
    if cell.operation == "build" and cell.extra.get("optimize_s"):
        return [s + o for s, o in zip(cell.seconds, cell.extra["optimize_s"])]
    return cell.seconds


def paired(ours: Cell | None, theirs: Cell | None) -> Paired:
    if not ours or not theirs or ours.missing or theirs.missing:
        return Paired(())
    return Paired.of(ours.seconds, peer_seconds(theirs))


def seconds_text(cell: Cell | None, notes: "Notes") -> str:
    if cell is None:
        return "—"
    if cell.over_s is not None and not cell.seconds:
        return f"> {cell.over_s:g}"
    if cell.missing:
        return notes.mark(cell.missing)
    text = fmt_seconds(cell.median)
    optimize = cell.figure("optimize_s") if cell.operation == "build" else None
    return f"{text} + {fmt_seconds(optimize)}" if optimize is not None else text


def rdflib_ratio(plain: Cell | None, ours: Cell | None, ours_seconds: float | None = None) -> tuple[float | None, bool]:
    """How many times scograph's figure plain rdflib took, and whether that is only a lower bound."""
    ours_seconds = ours_seconds if ours_seconds is not None else (ours.median if ours and not ours.missing else None)
    if plain is None or not ours_seconds:
        return None, False
    if plain.over_s is not None and not plain.seconds:
        return plain.over_s / ours_seconds, True
    return ratio(plain.median, ours_seconds), False


class Notes:
    """Footnote letters for the reasons behind "—" cells."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    def mark(self, reason: str) -> str:
        if reason not in self.reasons:
            self.reasons[reason] = "abcdefghijklmnopqrstuvwxyz"[len(self.reasons) % 26]
        return f"— [{self.reasons[reason]}]"

    def lines(self) -> list[str]:
        return [f"[{letter}] {reason}" for reason, letter in self.reasons.items()]


def describe(cell: Cell) -> str:
    if cell.over_s is not None and not cell.seconds:
        return f"stopped at the limit: > {cell.over_s:g} s"
    if cell.missing:
        return f"— ({cell.missing})"
    memory = f", peak {cell.memory_mb:.0f} MB" if cell.memory_mb is not None else ""
    return f"{fmt_seconds(cell.median)} s median of {len(cell.seconds)}{memory}"


def size_label(label: str, sizes: dict[str, dict]) -> str:
    triples = sizes.get(label, {}).get("triples")
    return f"{label} ({triples:,})" if triples else label


def table(cells: list[Cell], labels: list[str], operations: list[str], sizes: dict[str, dict]) -> str:
    by_key = {(c.size, c.operation, c.engine): c for c in cells}
    notes = Notes()
    header = ["size", "operation", "scograph s", "pyoxigraph s", "rdflib s", "scograph ÷ pyoxigraph (pairs: median, range)",
              "rdflib ÷ scograph", "scograph MB", "pyoxigraph MB", "rdflib MB"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|"]
    for label in labels:
        for operation in operations:
            row = {e: by_key.get((label, operation, e)) for e in engines.ENGINES}
            plain, bound = rdflib_ratio(row["rdflib"], row["scograph"])
            memory = [fmt_mb(c.memory_mb) if c and not c.missing and c.seconds else "—" for c in row.values()]
            lines.append("| " + " | ".join([
                size_label(label, sizes), engines.OPERATIONS[operation], *(seconds_text(c, notes) for c in row.values()),
                str(paired(row["scograph"], row["pyoxigraph"])), ("> " if bound else "") + fmt_ratio(plain), *memory,
            ]) + " |")
    notes_text = "\n".join(notes.lines())
    return "\n".join(lines) + ("\n\n" + notes_text if notes_text else "")


def sizes_table(labels: list[str], sizes: dict[str, dict]) -> str:
    lines = ["| size | corpus MB | synthesis s, peak MB | scograph store MB | pyoxigraph store MB | load before (1, 5, 15 min)"
             " | load after | wall s |", "|---|---:|---:|---:|---:|---|---|---:|"]
    for label in labels:
        about = sizes.get(label, {})
        synth = about.get("synth")
        made = f"{synth['seconds']:.0f} s, {fmt_mb(synth.get('peak_mb'))} MB" if synth else "— (corpus kept from before)"
        load = lambda name: ", ".join(f"{x:.2f}" for x in about[name]) if name in about else "—"  # noqa: E731
        lines.append(f"| {size_label(label, sizes)} | {fmt_mb(about.get('corpus_mb'))} | {made}"
                     f" | {fmt_mb(about.get('scograph_store_mb'))} | {fmt_mb(about.get('pyoxigraph_store_mb'))}"
                     f" | {load('load_before')} | {load('load_after')} | {fmt_seconds(about.get('seconds'))} |")
    return "\n".join(lines)


def lookups_table(cells: list[Cell], labels: list[str], sizes: dict[str, dict]) -> str:
    """scograph's lookups made afresh and reading kept records; the GraphML writers alone."""
    by_key = {(c.size, c.operation, c.engine): c for c in cells}
    lines = ["| size | figure | scograph s | peer s | ratio |", "|---|---|---:|---:|---:|"]
    for label in labels:
        for operation in ("demands", "paths"):
            ours = by_key.get((label, operation, "scograph"))
            if ours and not ours.missing and ours.figure("kept_seconds") is not None:
                lines.append(f"| {size_label(label, sizes)} | {engines.OPERATIONS[operation]}: records made / records kept"
                             f" | {fmt_seconds(ours.median)} / {fmt_seconds(ours.figure('kept_seconds'))}"
                             f" | — | {fmt_ratio(ratio(ours.median, ours.figure('kept_seconds')))} |")
        built = by_key.get((label, "build", "scograph"))
        if built and built.figure("records_pass_s") is not None:
            lines.append(f"| {size_label(label, sizes)} | records pass after indexing (its own process, in the background)"
                         f" | {fmt_seconds(built.figure('records_pass_s'))} | — | — |")
        ours, peer = by_key.get((label, "export", "scograph")), by_key.get((label, "export", "pyoxigraph"))
        mine = ours.figure("write_only_s") if ours else None
        theirs = peer.figure("write_only_s") if peer else None
        if mine is not None or theirs is not None:
            lines.append(f"| {size_label(label, sizes)} | GraphML writer alone: scograph's / networkx's `write_graphml`"
                         f" | {fmt_seconds(mine)} | {fmt_seconds(theirs)} | {fmt_ratio(ratio(mine, theirs))} |")
    return "\n".join(lines) if len(lines) > 2 else ""


def cold_table(runs: list[ColdRun]) -> str:
    lines = ["| cold command | median s | runs | peak MB |", "|---|---:|---:|---:|"]
    for run in runs:
        if run.missing:
            lines.append(f"| `{run.name}` | — ({run.missing}) | 0 | — |")
        else:
            peak = fmt_mb(statistics.median(run.peak_mb)) if run.peak_mb else "—"
            lines.append(f"| `{run.name}` | {run.median:.3f} | {len(run.seconds)} | {peak} |")
    return "\n".join(lines)


def checks(cells: list[Cell]) -> list[str]:
    """Where engines gave different answers to the same question (same ids, counts, triples)."""
    differences = []
    groups: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells:
        if cell.check:
            groups.setdefault((cell.size, cell.operation), []).append(cell)
    for (size, operation), group in groups.items():
        answers = {repr(sorted(c.check.items())) for c in group}
        if len(answers) > 1:
            differences.append(f"{size} {engines.OPERATIONS[operation]}: "
                               + "; ".join(f"{c.engine} {c.check}" for c in group))
    return differences


def environment() -> str:
    import importlib.metadata as metadata

    versions = []
    for name in ("scograph", "pyoxigraph", "rdflib", "networkx", "typer"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    cpu = platform.processor() or platform.machine()
    try:
        model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = model.group(1).strip() if model else cpu
    except OSError:
        pass
    return (f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, {cpu}, "
            f"{os.cpu_count()} CPUs; {', '.join(versions)}")


def report(cells: list[Cell], runs: list[ColdRun], found: list, options, labels: list[str],
           sizes: dict[str, dict]) -> str:
    from goals import goals_table

    limits = sorted({f"{options.limit(s):g} s" + (" (above 100k)" if s.triples > 100_000 else "") for s in options.sizes
                     if s.triples <= options.skip_rdflib_above})
    parts = [f"Environment: {environment()}.", "",
             f"scograph and raw pyoxigraph ran in {options.repeat} alternating pair(s) per cell (A B A B …), each run a"
             f" process of its own; seconds are medians, MB the median peak RSS of those processes. Plain rdflib"
             f" parsed once a size and answered each query on the parsed graph ({'once' if options.repeat == 1 else f'{options.repeat} times'}"
             f" up to 100k triples, once above), each query stopped at {' / '.join(limits) or 'no limit'}; its MB is"
             f" the peak of that one process. pyoxigraph's build is `bulk_load` + `optimize`; its export is pyoxigraph +"
             f" networkx end to end (queries, a networkx graph, `write_graphml`).", "",
             table(cells, labels, options.operations, sizes), "", sizes_table(labels, sizes), ""]
    more = lookups_table(cells, labels, sizes)
    if more:
        parts += [more, ""]
    if runs:
        parts += [cold_table(runs), ""]
    parts += ["Goals:", "", goals_table(found), ""]
    differences = checks(cells)
    if differences:
        parts += ["Engines disagree:", *[f"- {d}" for d in differences]]
    else:
        parts.append("Every engine gave the same answer to each question (the same ids, counts and triples).")
    return "\n".join(parts) + "\n"


def goals(cells: list[Cell], runs: list[ColdRun], labels: list[str], sizes: dict[str, dict]) -> list:
    from goals import evaluate

    return evaluate(cells, runs, labels, sizes)

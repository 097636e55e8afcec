"""Speed at every size: scograph, raw pyoxigraph and plain rdflib on the same corpora, in one run.

    python benchmarks/run.py                              # 10k, 100k and 1M triples (rdflib up to 100k)
    python benchmarks/run.py --sizes 10k,100k --repeat 5
    python benchmarks/run.py --skip-rdflib-above 1M --timeout 3600 --json figures.json

For each size (synthetic corpora from ``scograph synth --seed 7``, about 1,000 triples a
paper, generated once into a cache directory under the system's temporary directory)
and each operation (build/index, open, demands lookup, chain query, aggregate, paths,
GraphML export), every engine runs in a fresh process of its own (``engines.py``),
``--repeat`` times; the table shows the median seconds, the ratios and each process's peak
RSS. Cold command-line runs (``scograph demands`` against ``python -c "import typer"``,
and ``scograph paths`` on the 1M corpus with a prepared store) are timed from here,
interleaved. Then the issue's goals are checked against the figures, and the answers of
the engines are compared (same ids, same counts).

Progress goes to stderr; the table, the goals and the checks go to stdout as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engines  # noqa: E402

SEED = 7
DEFAULT_SIZES = "10k,100k,1M"
GOAL_SIZE = 1_000_000
"""The size the issue's goals speak of."""


# --------------------------------------------------------------------- sizes and corpora


@dataclass(frozen=True)
class Size:
    label: str
    triples: int
    """Nominal: the corpus has about 1,009 triples a paper."""

    @property
    def papers(self) -> int:
        return max(1, round(self.triples / 1000))


def parse_count(text: str) -> int:
    """``10k`` → 10,000; ``1M`` → 1,000,000; ``2500`` → 2,500."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not found:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}; e.g. 10k, 100k, 1M")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[found.group(2).lower()]
    return int(float(found.group(1)) * scale)


def parse_sizes(text: str) -> list[Size]:
    sizes = [Size(part.strip(), parse_count(part)) for part in text.split(",") if part.strip()]
    if not sizes:
        raise argparse.ArgumentTypeError("give at least one size, e.g. 10k")
    return sizes


def parse_operations(text: str) -> list[str]:
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in wanted if name not in engines.OPERATIONS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown operation {', '.join(unknown)}; valid: {', '.join(engines.OPERATIONS)}")
    return [name for name in engines.OPERATIONS if name in wanted]


def scograph_command() -> list[str] | None:
    """The ``scograph`` console script of this interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).with_name("scograph")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("scograph")
    return [found] if found else None


def corpus_path(directory: Path, size: Size) -> Path:
    return directory / f"synth-{size.papers}-papers-seed{SEED}.ttl"


def ensure_corpus(directory: Path, size: Size) -> Path:
    """The corpus for ``size``, generated with ``scograph synth`` unless already there."""
    path = corpus_path(directory, size)
    if path.is_file():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    progress(f"generating {path.name} ({size.papers} papers)")
    command = scograph_command()
    if command is not None:
        subprocess.run([*command, "synth", "--papers", str(size.papers), "--seed", str(SEED), "-o", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
    else:
        from scograph.synth import load_reference, write_corpus_file

        write_corpus_file(path, size.papers, SEED, None, load_reference())
    return path


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------- processes


@dataclass
class Finished:
    """A child process that ended: its exit code, output, wall time and peak RSS."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float | None
    timed_out: bool


LAUNCHER = Path(__file__).resolve().with_name("launch.py")
CAN_LAUNCH = hasattr(os, "fork") and hasattr(os, "wait4")


def spawn(command: list[str], env: dict[str, str] | None = None, timeout: float | None = None,
          keep_stdout: bool = True) -> Finished:
    """Run ``command`` through ``launch.py`` (its own wall time and peak RSS); killed after ``timeout`` s."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as result:
        launched = [sys.executable, "-S", str(LAUNCHER), result.name, *command] if CAN_LAUNCH else command
        start = time.perf_counter()
        process = subprocess.Popen(launched, stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err, env=env,
                                   start_new_session=CAN_LAUNCH)
        try:
            process.wait(timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
            if CAN_LAUNCH:
                os.killpg(process.pid, signal.SIGKILL)  # the launcher and the command it started
            else:
                process.kill()
            process.wait()
        seconds, peak_mb, code = time.perf_counter() - start, None, process.returncode
        if CAN_LAUNCH and not timed_out:
            figures = json.loads(Path(result.name).read_text() or "{}")
            seconds, peak_mb, code = figures.get("seconds", seconds), figures.get("peak_mb"), figures.get("code", code)
        out.seek(0)
        err.seek(0)
        return Finished(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        seconds, peak_mb, timed_out)


def child_env(cache: Path, pycache: Path) -> dict[str, str]:
    """The environment of every child: scograph's cache and Python's bytecode cache in this run's directory.

    The bytecode cache is on, as in an installed package, even where PYTHONDONTWRITEBYTECODE is set:
    otherwise every cold start would compile each module of the project from source (typer's, from
    site-packages, are compiled at install), and the start-up figures would measure the compiler.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "SCOGRAPH_CACHE": str(cache), "PYTHONPYCACHEPREFIX": str(pycache)}


# --------------------------------------------------------------------- measurements


@dataclass
class Cell:
    """One (size, operation, engine) figure, or why there is none."""

    size: str
    operation: str
    engine: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    """The process's peak RSS (operation, opening and imports), from wait4."""
    op_peak_mb: float | None = None
    """The peak RSS during the first timed run alone (Linux), and the RSS just before it."""
    rss_before_mb: float | None = None
    check: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    missing: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def memory_mb(self) -> float | None:
        return self.peak_mb if self.peak_mb is not None else self.op_peak_mb

    def as_dict(self) -> dict:
        return {"size": self.size, "operation": self.operation, "engine": self.engine, "median_s": self.median,
                "seconds": self.seconds, "peak_rss_mb": self.peak_mb, "op_peak_rss_mb": self.op_peak_mb,
                "rss_before_mb": self.rss_before_mb, "check": self.check, "missing": self.missing, **self.extra}


@dataclass
class Options:
    sizes: list[Size]
    operations: list[str]
    repeat: int = 3
    cli_runs: int = 7
    skip_rdflib_above: int = 100_000
    timeout: float = 900.0
    corpus_dir: Path = Path(tempfile.gettempdir()) / "scograph-bench"
    cli: bool = True
    in_process: bool = False
    scratch: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    """This run's own directory (stores, caches, bytecode); run() makes and removes it."""

    @property
    def pycache(self) -> Path:
        return self.scratch / "pycache"


def measure(options: Options, size: Size, corpus: Path, workdir: Path, engine: str, operation: str) -> Cell:
    cell = Cell(size.label, operation, engine)
    if (engine, operation) in engines.NOT_MEASURED:
        cell.missing = engines.NOT_MEASURED[(engine, operation)]
        return cell
    if engine == "rdflib" and operation in engines.RDFLIB_PARSES and size.triples > options.skip_rdflib_above:
        cell.missing = f"skipped above {options.skip_rdflib_above:,} triples (--skip-rdflib-above)"
        return cell
    if options.in_process:
        with engines.scograph_cache(workdir / "cache"):
            figures = engines.measure(engine, operation, corpus, workdir, options.repeat)
    else:
        command = [sys.executable, str(Path(engines.__file__)), engine, operation, str(corpus),
                   "--workdir", str(workdir), "--repeat", str(options.repeat)]
        finished = spawn(command, child_env(workdir / "cache", options.pycache), options.timeout)
        if finished.timed_out:
            cell.missing = f"timed out after {options.timeout:g} s (--timeout)"
            return cell
        if finished.code != 0:
            last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
            cell.missing = f"failed (exit {finished.code}): {last}"
            progress(finished.stderr)
            return cell
        figures = json.loads(finished.stdout.strip().splitlines()[-1])
        cell.peak_mb = finished.peak_mb
    cell.seconds = figures.pop("seconds")
    cell.op_peak_mb = figures.pop("op_peak_mb")
    cell.rss_before_mb = figures.pop("rss_before_mb")
    cell.check = figures.pop("check")
    cell.extra = figures
    return cell


def prepare(options: Options, corpus: Path, workdir: Path, engine: str) -> None:
    """Build the on-disk store that the engine's later operations open (untimed)."""
    if options.in_process:
        with engines.scograph_cache(workdir / "cache"):
            engines.measure(engine, "prepare", corpus, workdir, 1)
        return
    command = [sys.executable, str(Path(engines.__file__)), engine, "prepare", str(corpus), "--workdir", str(workdir)]
    finished = spawn(command, child_env(workdir / "cache", options.pycache), options.timeout)
    if finished.code != 0:
        progress(finished.stderr)
        raise SystemExit(f"could not prepare the {engine} store for {corpus}")


def describe(cell: Cell) -> str:
    if cell.missing:
        return f"— ({cell.missing})"
    memory = f", peak {cell.memory_mb:.0f} MB" if cell.memory_mb is not None else ""
    return f"{fmt_seconds(cell.median)} s median of {len(cell.seconds)}{memory}"


def run_operations(options: Options) -> tuple[list[Cell], dict[str, int]]:
    cells: list[Cell] = []
    triples: dict[str, int] = {}
    for size in options.sizes:
        corpus = ensure_corpus(options.corpus_dir, size)
        workdir = options.scratch / f"size-{size.label}"
        workdir.mkdir(parents=True)
        try:
            for engine in ("scograph", "pyoxigraph"):
                if any((engine, op) in engines.MEASUREMENTS for op in options.operations if op not in ("build",)):
                    prepare(options, corpus, workdir, engine)
            for operation in options.operations:
                for engine in engines.ENGINES:
                    cell = measure(options, size, corpus, workdir, engine, operation)
                    cells.append(cell)
                    if "triples" in cell.check and cell.check["triples"]:
                        triples.setdefault(size.label, cell.check["triples"])
                    progress(f"[{size.label}] {engine:<10} {engines.OPERATIONS[operation]:<15} {describe(cell)}")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return cells, triples


# --------------------------------------------------------------------- cold command-line runs


@dataclass
class ColdRun:
    name: str
    command: list[str]
    forget_records: bool = False
    """Empty scograph's record cache before each run, so that the run makes every record it prints."""
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    missing: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    def as_dict(self) -> dict:
        return {"name": self.name, "command": self.command, "median_s": self.median, "seconds": self.seconds,
                "peak_rss_mb": self.peak_mb, "missing": self.missing}


TYPER_BASELINE = "python -c \"import typer\""
DEMANDS_CLI = "scograph demands --country TJ --format json"
PATHS_CLI = "scograph paths --country TJ --data FILE (1M, prepared store)"
PATHS_JSON_CLI = "scograph paths --country TJ --format json --data FILE (1M, prepared store, records kept)"
PATHS_JSON_MADE_CLI = "scograph paths --country TJ --format json --data FILE (1M, prepared store, records made)"
SEARCH_CLI = "scograph search drug --limit 20 --format json --data FILE (1M, prepared store, search index kept)"


def forget_records(cache: Path) -> None:
    for path in cache.glob("*.records-*.sqlite*"):
        path.unlink()


def cold_runs(options: Options) -> list[ColdRun]:
    """Fresh processes, interleaved so that a busy moment of the machine hits every command alike."""
    scograph = scograph_command()
    runs = [ColdRun(TYPER_BASELINE, [sys.executable, "-c", "import typer"])]
    if scograph is None:
        runs.append(ColdRun(DEMANDS_CLI, [], missing="no scograph command in this environment"))
        return runs
    runs.append(ColdRun(DEMANDS_CLI, [*scograph, "demands", "--country", "TJ", "--format", "json"]))
    big = next((s for s in options.sizes if s.triples == GOAL_SIZE), None)
    if big is not None:
        corpus = ensure_corpus(options.corpus_dir, big)
        runs.append(ColdRun(PATHS_CLI, [*scograph, "paths", "--country", "TJ", "--data", str(corpus)]))
        paths_json = [*scograph, "paths", "--country", "TJ", "--format", "json", "--data", str(corpus)]
        runs.append(ColdRun(PATHS_JSON_MADE_CLI, paths_json, forget_records=True))
        runs.append(ColdRun(PATHS_JSON_CLI, paths_json))
        runs.append(ColdRun(SEARCH_CLI, [*scograph, "search", "drug", "--limit", "20", "--format", "json",
                                         "--data", str(corpus)]))
    cache = options.scratch / "cli-cache"
    env = child_env(cache, options.pycache)
    try:
        for run in runs:  # once untimed: the validation stamp and the prepared store, and a check of the answer
            finished = spawn(run.command, env, options.timeout)
            if finished.code != 0:
                run.missing = f"failed (exit {finished.code}): {(finished.stderr.strip().splitlines() or [''])[-1]}"
            elif run.name != TYPER_BASELINE and "json" in run.command and not json.loads(finished.stdout):
                run.missing = "printed no records"
            elif run.name != TYPER_BASELINE and not finished.stdout.strip():
                run.missing = "printed nothing"
        for index in range(options.cli_runs):
            for run in runs:
                if run.missing:
                    continue
                if run.forget_records:
                    forget_records(cache)
                finished = spawn(run.command, env, options.timeout, keep_stdout=False)
                if finished.code != 0:
                    run.missing = f"failed (exit {finished.code})"
                    continue
                run.seconds.append(finished.seconds)
                if finished.peak_mb is not None:
                    run.peak_mb.append(finished.peak_mb)
            progress(f"cold runs {index + 1}/{options.cli_runs}: "
                     + "; ".join(f"{r.name.split(' --data')[0]} {r.seconds[-1]:.3f} s" for r in runs if r.seconds))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return runs


# --------------------------------------------------------------------- the report


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


def table(cells: list[Cell], sizes: list[Size], operations: list[str], triples: dict[str, int]) -> str:
    by_key = {(c.size, c.operation, c.engine): c for c in cells}
    notes = Notes()
    header = ["size", "operation", "scograph s", "pyoxigraph s", "rdflib s", "scograph ÷ pyoxigraph",
              "rdflib ÷ scograph", "scograph MB", "pyoxigraph MB", "rdflib MB"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|"]
    for size in sizes:
        label = f"{size.label} ({triples[size.label]:,})" if size.label in triples else size.label
        for operation in operations:
            row = {e: by_key.get((size.label, operation, e)) for e in engines.ENGINES}
            times = [notes.mark(c.missing) if c and c.missing else fmt_seconds(c.median if c else None)
                     for c in row.values()]
            medians = {e: (c.median if c else None) for e, c in row.items()}
            memory = [fmt_mb(c.memory_mb) if c and not c.missing else "—" for c in row.values()]
            lines.append("| " + " | ".join([
                label, engines.OPERATIONS[operation], *times,
                fmt_ratio(ratio(medians["scograph"], medians["pyoxigraph"])),
                fmt_ratio(ratio(medians["rdflib"], medians["scograph"])), *memory,
            ]) + " |")
    notes_text = "\n".join(notes.lines())
    return "\n".join(lines) + ("\n\n" + notes_text if notes_text else "")


@dataclass
class Goal:
    text: str
    target: str
    measured: str
    result: str
    """PASS, MISS or NOT RUN."""


def _verdict(ok: bool | None) -> str:
    return "NOT RUN" if ok is None else "PASS" if ok else "MISS"


def goals(cells: list[Cell], runs: list[ColdRun], sizes: list[Size]) -> list[Goal]:
    by_key = {(c.size, c.operation, c.engine): c for c in cells}
    big = next((s.label for s in sizes if s.triples == GOAL_SIZE), None)

    def median(operation: str, engine: str, size: str | None = big) -> float | None:
        cell = by_key.get((size, operation, engine)) if size else None
        return cell.median if cell else None

    def cell(operation: str, engine: str) -> Cell | None:
        return by_key.get((big, operation, engine)) if big else None

    def why_not(*wanted: tuple[str, str]) -> str:
        """Why a goal has no figure: 1M not run, an operation left out, or a measurement missing."""
        if big is None:
            return "1M not in --sizes"
        for operation, engine in wanted:
            found = cell(operation, engine)
            if found is None:
                return f"{operation} not in --operations"
            if found.missing:
                return f"{engine} {engines.OPERATIONS[operation]}: {found.missing}"
        return "not measured"

    def compare(operation: str, ours_engine: str, theirs_engine: str, limit: float, text: str, target: str) -> Goal:
        ours, theirs = median(operation, ours_engine), median(operation, theirs_engine)
        r = ratio(ours, theirs)
        if r is None:
            return Goal(text, target, why_not((operation, ours_engine), (operation, theirs_engine)), "NOT RUN")
        return Goal(text, target, f"{fmt_seconds(ours)} s vs {fmt_seconds(theirs)} s = {fmt_ratio(r)}", _verdict(r <= limit))

    found: list[Goal] = []
    cold = {r.name: r for r in runs}
    typer_run, demands_run = cold.get(TYPER_BASELINE), cold.get(DEMANDS_CLI)
    text = f"cold `{DEMANDS_CLI}` vs cold `{TYPER_BASELINE}`"
    if typer_run and demands_run and typer_run.median and demands_run.median:
        r = demands_run.median / typer_run.median
        found.append(Goal(text, "≤ 2×", f"{demands_run.median:.3f} s vs {typer_run.median:.3f} s = {r:.2f}×"
                          f" (medians of {len(demands_run.seconds)})", _verdict(r <= 2)))
    else:
        why = next((r.missing for r in (typer_run, demands_run) if r and r.missing), "cold runs not measured (--no-cli)")
        found.append(Goal(text, "≤ 2×", why, "NOT RUN"))

    opened = median("open", "scograph")
    found.append(Goal("1M, prepared store: opening costs no re-parse", "≤ 0.5 s",
                      f"{opened:.3f} s" if opened is not None else why_not(("open", "scograph")),
                      _verdict(opened <= 0.5 if opened is not None else None)))
    def kept(operation: str, size: str | None = big) -> float | None:
        """scograph's median for a repeated lookup, its records read from the record cache."""
        found_cell = by_key.get((size, operation, "scograph")) if size else None
        seconds = found_cell.extra.get("kept_seconds") if found_cell else None
        return statistics.median(seconds) if seconds else None

    for operation in ("demands", "chains"):
        title = engines.OPERATIONS[operation]
        found.append(compare(operation, "scograph", "pyoxigraph", 1.5, f"1M: {title} vs raw pyoxigraph", "≤ 1.5×"))
        variants = [("", median)] if operation == "chains" else [
            (" (first lookup: records made)", median),
            (" (repeated lookup: records kept)", lambda op, engine, size=big: kept(op, size) if engine == "scograph"
             else median(op, engine, size))]
        for suffix, figure in variants:
            ours, plain = figure(operation, "scograph"), figure(operation, "rdflib")
            speedup = ratio(plain, ours)
            if speedup is not None:
                measured = f"{fmt_seconds(plain)} s vs {fmt_seconds(ours)} s = {fmt_ratio(speedup)} faster"
                verdict = _verdict(speedup >= 10)
            else:
                # rdflib is usually skipped at 1M (minutes per query): say so, with the largest size it ran at.
                measured, verdict = why_not((operation, "scograph"), (operation, "rdflib")), "NOT RUN"
                for size in reversed(sizes):
                    smaller = ratio(figure(operation, "rdflib", size.label), figure(operation, "scograph", size.label))
                    if smaller is not None:
                        measured += f"; at {size.label}: {fmt_ratio(smaller)} faster"
                        break
            found.append(Goal(f"1M: {title} vs plain rdflib{suffix}", "≥ 10× faster", measured, verdict))

    for name, text in ((PATHS_CLI, "1M, prepared store: cold `scograph paths --country TJ` (a table)"),
                       (PATHS_JSON_MADE_CLI, "1M, prepared store: cold `scograph paths --country TJ --format json`,"
                                             " records made"),
                       (PATHS_JSON_CLI, "1M, prepared store: cold `scograph paths --country TJ --format json`,"
                                        " records kept")):
        paths_run = cold.get(name)
        if paths_run and paths_run.median:
            found.append(Goal(text, "< 2 s", f"{paths_run.median:.2f} s (median of {len(paths_run.seconds)})",
                              _verdict(paths_run.median < 2)))
        else:
            why = paths_run.missing if paths_run and paths_run.missing else (
                "1M not in --sizes" if big is None else "cold runs not measured (--no-cli)")
            found.append(Goal(text, "< 2 s", why, "NOT RUN"))

    search_run = cold.get(SEARCH_CLI)
    text = "1M, prepared store: warm `scograph search drug --limit 20 --format json` (search index kept)"
    if search_run and search_run.median:
        found.append(Goal(text, "< 0.5 s", f"{search_run.median:.2f} s (median of {len(search_run.seconds)})",
                          _verdict(search_run.median < 0.5)))
    else:
        found.append(Goal(text, "< 0.5 s", search_run.missing if search_run and search_run.missing else (
            "1M not in --sizes" if big is None else "cold runs not measured (--no-cli)"), "NOT RUN"))

    found.append(compare("build", "scograph", "pyoxigraph", 1.5, "1M: indexing time vs pyoxigraph's bulk load", "≤ 1.5×"))
    ours, raw = cell("build", "scograph"), cell("build", "pyoxigraph")
    r = ratio(ours.memory_mb if ours else None, raw.memory_mb if raw else None)
    found.append(Goal("1M: indexing peak memory vs pyoxigraph's bulk load", "≤ 1.5×",
                      f"{fmt_mb(ours.memory_mb)} MB vs {fmt_mb(raw.memory_mb)} MB = {fmt_ratio(r)}" if r
                      else why_not(("build", "scograph"), ("build", "pyoxigraph")),
                      _verdict(r <= 1.5 if r is not None else None)))

    export = compare("export", "scograph", "rdflib", 1.0,
                     "1M: GraphML export of the chains network vs networkx's writer on the same graph", "≤ 1× (no slower)")
    ours, writer = cell("export", "scograph"), cell("export", "rdflib")
    if export.result != "NOT RUN" and ours.extra.get("write_only_s") is not None:
        export.measured += f" (scograph's writer alone, given the built network: {fmt_seconds(ours.extra['write_only_s'])} s)"
    found.append(export)
    text = "1M: GraphML export never holds two full copies of the network"
    held = (ours.op_peak_mb - ours.rss_before_mb) if ours and ours.op_peak_mb is not None and ours.rss_before_mb is not None else None
    copy = writer.extra.get("copy_mb") if writer else None
    python_peak = ours.extra.get("python_peak_mb") if ours else None
    if python_peak is not None and copy:
        # Python's objects are what the export holds; RSS also grows by the store's read cache.
        rss = f"; RSS grew {held:.0f} MB above the opened graph, the store's read cache included" if held is not None else ""
        found.append(Goal(text, "held < 2 copies",
                          f"Python objects peak at {python_peak:.0f} MB; one networkx copy of the chains network is"
                          f" {copy:.0f} MB: {python_peak / copy:.1f} copies{rss}", _verdict(python_peak < 2 * copy)))
    elif held is not None and copy:
        found.append(Goal(text, "held < 2 copies",
                          f"{held:.0f} MB held above the opened graph; one networkx copy of the chains network"
                          f" is {copy:.0f} MB: {held / copy:.1f} copies", _verdict(held < 2 * copy)))
    else:
        why = why_not(("export", "scograph"), ("export", "rdflib"))
        found.append(Goal(text, "held < 2 copies", "needs Linux /proc" if why == "not measured" else why, "NOT RUN"))
    return found


def kept_table(cells: list[Cell], sizes: list[Size], triples: dict[str, int]) -> str:
    """scograph's lookups made afresh against the same lookups reading the records kept by earlier ones."""
    by_key = {(c.size, c.operation, c.engine): c for c in cells}
    lines = ["| size | operation | records made s | records kept s | made ÷ kept | rdflib ÷ kept |",
             "|---|---|---:|---:|---:|---:|"]
    for size in sizes:
        label = f"{size.label} ({triples[size.label]:,})" if size.label in triples else size.label
        for operation in ("demands", "paths"):
            ours = by_key.get((size.label, operation, "scograph"))
            if not ours or ours.missing or not ours.extra.get("kept_seconds"):
                continue
            kept = statistics.median(ours.extra["kept_seconds"])
            plain = by_key.get((size.label, operation, "rdflib"))
            lines.append(f"| {label} | {engines.OPERATIONS[operation]} | {fmt_seconds(ours.median)} | {fmt_seconds(kept)}"
                         f" | {fmt_ratio(ratio(ours.median, kept))} | {fmt_ratio(ratio(plain.median if plain else None, kept))} |")
    return "\n".join(lines) if len(lines) > 2 else ""


def goals_table(found: list[Goal]) -> str:
    lines = ["| goal | target | measured | result |", "|---|---|---|---|"]
    lines += [f"| {g.text} | {g.target} | {g.measured} | **{g.result}** |" for g in found]
    return "\n".join(lines)


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
        answers = {json.dumps(c.check, sort_keys=True) for c in group}
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


def report(cells: list[Cell], runs: list[ColdRun], options: Options, triples: dict[str, int]) -> str:
    parts = [f"Environment: {environment()}. Median of {options.repeat} run(s) per cell; "
             f"MB is the peak RSS of the process that ran the operation"
             f"{' (in-process run: the peak during the first timed run)' if options.in_process else ''}.", "",
             table(cells, options.sizes, options.operations, triples), "",
             "GraphML export: the rdflib column is networkx's own `write_graphml` on the same chains network,"
             " held as a networkx graph (the time of writing only). scograph's demands lookup and paths are"
             " timed with every record made (its record cache emptied before each run).", ""]
    repeated = kept_table(cells, options.sizes, triples)
    if repeated:
        parts += ["Repeated lookups: a fresh process asks again, and reads the records that the first lookups kept"
                  " beside the prepared store:", "", repeated, ""]
    if runs:
        parts += [cold_table(runs), ""]
    parts += ["Goals:", "", goals_table(goals(cells, runs, options.sizes)), ""]
    differences = checks(cells)
    if differences:
        parts += ["Engines disagree:", *[f"- {d}" for d in differences]]
    else:
        parts.append("Every engine gave the same answer to each question (the same ids, counts and triples).")
    return "\n".join(parts) + "\n"


def run(options: Options) -> tuple[str, dict]:
    """Measure everything the options ask for; the Markdown report and the raw figures."""
    options.scratch = Path(tempfile.mkdtemp(prefix="scograph-bench-run."))
    try:
        cells, triples = run_operations(options)
        runs = cold_runs(options) if options.cli else []
    finally:
        shutil.rmtree(options.scratch, ignore_errors=True)
    text = report(cells, runs, options, triples)
    figures = {
        "environment": environment(),
        "options": {"sizes": [s.label for s in options.sizes], "operations": options.operations,
                    "repeat": options.repeat, "cli_runs": options.cli_runs,
                    "skip_rdflib_above": options.skip_rdflib_above, "in_process": options.in_process},
        "triples": triples,
        "cells": [c.as_dict() for c in cells],
        "cold_runs": [r.as_dict() for r in runs],
        "goals": [g.__dict__ for g in goals(cells, runs, options.sizes)],
        "disagreements": checks(cells),
    }
    return text, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
                        help=f"corpus sizes in triples (default {DEFAULT_SIZES}); about 1,000 triples a paper")
    parser.add_argument("--operations", type=parse_operations, default=list(engines.OPERATIONS),
                        help=f"operations to run (default all: {','.join(engines.OPERATIONS)})")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the table shows the median (default 3)")
    parser.add_argument("--cli-runs", type=int, default=7, help="cold runs of each command line (default 7)")
    parser.add_argument("--skip-rdflib-above", type=parse_count, default=parse_count("100k"), metavar="N",
                        help="leave rdflib out above N triples: at 1M its parse takes ~25 s and a chain query minutes (default 100k)")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS",
                        help="give up on one measurement (all its repeats) after this long (default 900)")
    parser.add_argument("--corpus-dir", type=Path, default=Options.corpus_dir,
                        help=f"where the synthetic corpora are kept between runs (default {Options.corpus_dir})")
    parser.add_argument("--no-cli", dest="cli", action="store_false", help="skip the cold command-line runs")
    parser.add_argument("--in-process", action="store_true",
                        help="run every measurement in this process (quick; no per-operation peak RSS)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.cli_runs < 1:
        parser.error("--repeat and --cli-runs must be at least 1")
    options = Options(args.sizes, args.operations, args.repeat, args.cli_runs, args.skip_rdflib_above, args.timeout,
                      args.corpus_dir, args.cli, args.in_process)
    started = time.perf_counter()
    text, figures = run(options)
    figures["seconds"] = time.perf_counter() - started
    sys.stdout.write(text)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        progress(f"wrote {args.json}")
    progress(f"done in {figures['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

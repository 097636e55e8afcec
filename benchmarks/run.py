"""Speed at every size: scograph, raw pyoxigraph and plain rdflib on the same corpora, in one run.

    python benchmarks/run.py                              # 10k, 100k and 1M triples: under 10 min on 2 CPUs
    python benchmarks/run.py --sizes 10k,100k --repeat 5 --json figures.json
    python benchmarks/run.py --sizes 1M,10M --repeat 2 --cli-runs 3 --skip-rdflib-above 100k --timeout 3600
                                                          # the 10M run (synth --papers 10000), with 1M beside it

For each size (synthetic corpora from ``scograph synth --seed 7``, about 1,000 triples a
paper, generated once into ``--corpus-dir``) and each operation (build/index, open, demands
lookup, chain query, aggregate, paths, GraphML export), scograph and raw pyoxigraph run in
alternation, A B A B …, each run in a fresh process of its own (``engines.py``): the table
shows the medians, the median of the paired ratios with their range, and each process's
peak RSS. Plain rdflib parses once a size and answers each query on the parsed graph, each
query stopped at ``--rdflib-limit`` (then the table says "> LIMIT s"). Cold command-line
runs (``scograph demands`` against ``python -c "import typer"``, ``scograph paths`` on the
1M and larger corpora with a prepared store) are timed from here, interleaved. The machine's
load average is read before and after each size. Then the issue's goals are checked against
the figures, and the answers of the engines are compared (same ids, same counts).

Progress goes to stderr; the tables, the goals and the checks go to stdout as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engines  # noqa: E402
import measuring  # noqa: E402
import report  # noqa: E402
from report import Cell, ColdRun  # noqa: E402

SEED = 7
DEFAULT_SIZES = "10k,100k,1M"
GOAL_SIZE = report.GOAL_SIZE
LARGE = 100_000
"""Above this many triples plain rdflib answers each query once, with the lower time limit."""


# --------------------------------------------------------------------- sizes and corpora


@dataclass(frozen=True)
class Size:
    label: str
    triples: int
    """Nominal: the corpus has about 1,010 triples a paper."""

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
    """The corpus for ``size``, generated with ``scograph synth`` unless already there; the
    synthesis's time and peak RSS are kept beside it (``….synth.json``)."""
    path = corpus_path(directory, size)
    if path.is_file():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    progress(f"generating {path.name} ({size.papers} papers)")
    partial = path.with_name(path.name + f".{os.getpid()}.part")  # renamed when complete: never half a corpus
    command = scograph_command()
    if command is not None:
        finished = spawn([*command, "synth", "--papers", str(size.papers), "--seed", str(SEED), "-o", str(partial)],
                         keep_stdout=False)
        if finished.code != 0:
            raise SystemExit(f"could not generate {path.name}: {finished.stderr.strip()}")
        synth_figures(path).write_text(json.dumps({"seconds": finished.seconds, "peak_mb": finished.peak_mb}))
    else:
        from scograph.synth import load_reference, write_corpus_file

        write_corpus_file(partial, size.papers, SEED, None, load_reference())
    partial.replace(path)
    return path


def synth_figures(corpus: Path) -> Path:
    return corpus.with_name(corpus.stem + ".synth.json")


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

    The bytecode cache is on, as for an installed package, even where PYTHONDONTWRITEBYTECODE is set:
    scograph installed in editable mode (as in development) is compiled from source on every call
    without it, which a wheel's install step compiles once; the start-up figures would measure the compiler.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "SCOGRAPH_CACHE": str(cache), "PYTHONPYCACHEPREFIX": str(pycache)}


# --------------------------------------------------------------------- measurements


@dataclass
class Options:
    sizes: list[Size]
    operations: list[str]
    repeat: int = 3
    cli_runs: int = 7
    skip_rdflib_above: int = GOAL_SIZE
    timeout: float = 900.0
    corpus_dir: Path = Path(tempfile.gettempdir()) / "scograph-bench"
    cli: bool = True
    in_process: bool = False
    rdflib_limit: float | None = None
    """Per-query limit for plain rdflib; default 600 s up to 100k triples, RDFLIB_LARGE_LIMIT above."""
    scratch: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    """This run's own directory (stores, caches, bytecode); run() makes and removes it."""

    @property
    def pycache(self) -> Path:
        return self.scratch / "pycache"

    def limit(self, size: Size) -> float:
        if self.rdflib_limit is not None:
            return self.rdflib_limit
        return RDFLIB_LIMIT if size.triples <= LARGE else RDFLIB_LARGE_LIMIT


RDFLIB_LIMIT = 600.0
RDFLIB_LARGE_LIMIT = 60.0
"""At 1M plain rdflib needs minutes for a chain query (686 s in one run): 60 s a query keeps the
default run under 10 minutes, and every lookup it stops is still a lower bound on rdflib's time."""


def child(options: Options, workdir: Path, command: list[str]) -> Finished:
    return spawn([sys.executable, str(Path(engines.__file__)), *command],
                 child_env(workdir / "cache", options.pycache), options.timeout)


def measure_once(options: Options, corpus: Path, workdir: Path, engine: str, operation: str, first: bool,
                 cell: Cell) -> None:
    """One run of one operation, in a process of its own; its figures added to ``cell``."""
    if options.in_process:
        with measuring.scograph_cache(workdir / "cache"):
            figures = engines.measure(engine, operation, corpus, workdir, 1, first)
        peak = None
    else:
        finished = child(options, workdir, [engine, operation, str(corpus), "--workdir", str(workdir), "--repeat", "1",
                                            *(["--first"] if first else [])])
        if finished.timed_out:
            cell.missing = f"timed out after {options.timeout:g} s (--timeout)"
            return
        if finished.code != 0:
            last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
            cell.missing = f"failed (exit {finished.code}): {last}"
            progress(finished.stderr)
            return
        figures = json.loads(finished.stdout.strip().splitlines()[-1])
        peak = finished.peak_mb
    cell.add(figures, peak)


def measure_pairs(options: Options, size: Size, corpus: Path, workdir: Path, operation: str) -> list[Cell]:
    """scograph and raw pyoxigraph in alternation, one process a run: A B A B …"""
    pair = [Cell(size.label, operation, engine) for engine in ("scograph", "pyoxigraph")]
    for cell in pair:
        if (cell.engine, operation) in engines.NOT_MEASURED:
            cell.missing = engines.NOT_MEASURED[(cell.engine, operation)]
    for turn in range(options.repeat):
        for cell in pair:
            if not cell.missing:
                measure_once(options, corpus, workdir, cell.engine, operation, turn == 0, cell)
    return pair


def measure_rdflib(options: Options, size: Size, corpus: Path, workdir: Path) -> list[Cell]:
    """Plain rdflib's cells for one size: one process parses, then answers each query (``peers.rdflib_session``)."""
    wanted = [op for op in options.operations if op in engines.RDFLIB_OPERATIONS]
    cells = {op: Cell(size.label, op, "rdflib") for op in options.operations}
    for op, cell in cells.items():
        if ("rdflib", op) in engines.NOT_MEASURED:
            cell.missing = engines.NOT_MEASURED[("rdflib", op)]
    if not wanted:
        return list(cells.values())
    if size.triples > options.skip_rdflib_above:
        for op in wanted:
            cells[op].missing = f"skipped above {options.skip_rdflib_above:,} triples (--skip-rdflib-above)"
        return list(cells.values())
    repeat, limit = (options.repeat if size.triples <= LARGE else 1), options.limit(size)
    queries = [op for op in wanted if op != "build"]
    if options.in_process:
        figures, peak = engines.rdflib_session(corpus, queries, repeat, limit), None
    else:
        finished = spawn([sys.executable, str(Path(engines.__file__)), "rdflib", "session", str(corpus),
                          "--operations", ",".join(queries), "--repeat", str(repeat), "--limit", f"{limit:g}"],
                         child_env(workdir / "cache", options.pycache), options.timeout + limit * len(queries) * repeat)
        if finished.code != 0 or finished.timed_out:
            why = "timed out (--timeout)" if finished.timed_out else f"failed (exit {finished.code})"
            for op in wanted:
                cells[op].missing = why
            return list(cells.values())
        figures, peak = json.loads(finished.stdout.strip().splitlines()[-1]), finished.peak_mb
    for op in wanted:
        found = figures.get(op, {})
        cells[op].add({"seconds": found.get("seconds", []), "check": found.get("check", {})}, peak)
        cells[op].over_s = found.get("over_s")
        cells[op].extra["limit_s"] = limit
    return list(cells.values())


def prepare(options: Options, corpus: Path, workdir: Path, engine: str) -> float | None:
    """Build the on-disk store that the engine's later operations open (untimed); its disk use in MB."""
    if options.in_process:
        with measuring.scograph_cache(workdir / "cache"):
            engines.measure(engine, "prepare", corpus, workdir, 1)
    else:
        finished = child(options, workdir, [engine, "prepare", str(corpus), "--workdir", str(workdir)])
        if finished.timed_out or finished.code != 0:
            progress(finished.stderr)
            why = f"timed out after {options.timeout:g} s (--timeout)" if finished.timed_out else f"exit {finished.code}"
            raise SystemExit(f"could not prepare the {engine} store for {corpus}: {why}")
    store = measuring.prepared_dir(workdir, engine)
    return measuring.directory_mb(store) if store.exists() else None


def run_operations(options: Options) -> tuple[list[Cell], dict[str, dict]]:
    """Every cell, and for each size its triples, load averages, synthesis figures and stores' disk use."""
    cells: list[Cell] = []
    sizes: dict[str, dict] = {}
    for size in options.sizes:
        corpus = ensure_corpus(options.corpus_dir, size)
        about = sizes[size.label] = {"load_before": os.getloadavg(), "corpus_mb": corpus.stat().st_size / 2**20}
        if synth_figures(corpus).is_file():
            about["synth"] = json.loads(synth_figures(corpus).read_text())
        started = time.perf_counter()
        workdir = options.scratch / f"size-{size.label}"
        workdir.mkdir(parents=True)
        try:
            for engine in ("scograph", "pyoxigraph"):
                about[f"{engine}_store_mb"] = prepare(options, corpus, workdir, engine)
            for operation in options.operations:
                for cell in measure_pairs(options, size, corpus, workdir, operation):
                    cells.append(cell)
                    progress(f"[{size.label}] {cell.engine:<10} {engines.OPERATIONS[operation]:<15} {report.describe(cell)}")
            for cell in measure_rdflib(options, size, corpus, workdir):
                cells.append(cell)
                progress(f"[{size.label}] rdflib     {engines.OPERATIONS[cell.operation]:<15} {report.describe(cell)}")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        about.update(load_after=os.getloadavg(), seconds=time.perf_counter() - started)
        triples = next((c.check["triples"] for c in cells if c.size == size.label and c.check.get("triples")), None)
        if triples:
            about["triples"] = triples
    return cells, sizes


# --------------------------------------------------------------------- cold command-line runs


def forget_records(cache: Path) -> None:
    for path in cache.glob("*.records-*.sqlite*"):
        path.unlink()


def settle_records(cache: Path, env: dict[str, str], timeout: float) -> None:
    """Let the records passes that indexing started in ``cache`` end before anything is timed:
    make what they would make in a process of this run's (a pass that holds the lock makes it
    stop at once), then wait for the lock of each pass."""
    try:
        import fcntl
    except ImportError:
        return
    for lock in cache.glob("*.records-*.pass"):
        key = lock.name.split(".records-")[0]
        spawn([sys.executable, "-m", "scograph.records", key], env, timeout, keep_stdout=False)
        with open(lock, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # blocks while a background pass still holds it


def cold_runs(options: Options) -> list[ColdRun]:
    """Fresh processes, interleaved so that a busy moment of the machine hits every command alike."""
    scograph = scograph_command()
    runs = [ColdRun(report.TYPER_BASELINE, [sys.executable, "-c", "import typer"])]
    if scograph is None:
        runs.append(ColdRun(report.DEMANDS_CLI, [], missing="no scograph command in this environment"))
        return runs
    runs.append(ColdRun(report.DEMANDS_CLI, [*scograph, "demands", "--country", "TJ", "--format", "json"]))
    for big in (s for s in options.sizes if s.triples >= GOAL_SIZE):
        corpus = str(ensure_corpus(options.corpus_dir, big))
        paths = [*scograph, "paths", "--country", "TJ", "--data", corpus]
        runs.append(ColdRun(report.cold_name(report.PATHS_CLI, big.label), paths, size=big.label))
        runs.append(ColdRun(report.cold_name(report.PATHS_JSON_MADE_CLI, big.label), [*paths, "--format", "json"],
                            forget_records=True, size=big.label))
        if big.triples == GOAL_SIZE:
            runs.append(ColdRun(report.cold_name(report.PATHS_JSON_CLI, big.label), [*paths, "--format", "json"],
                                size=big.label))
            runs.append(ColdRun(report.cold_name(report.SEARCH_CLI, big.label),
                                [*scograph, "search", "drug", "--limit", "20", "--format", "json", "--data", corpus],
                                size=big.label))
    cache = options.scratch / "cli-cache"
    env = child_env(cache, options.pycache)
    try:
        for run in runs:  # once untimed: the validation stamp and the prepared store, and a check of the answer
            finished = spawn(run.command, env, options.timeout)
            if finished.code != 0:
                run.missing = f"failed (exit {finished.code}): {(finished.stderr.strip().splitlines() or [''])[-1]}"
            elif run.name != report.TYPER_BASELINE and "json" in run.command and not json.loads(finished.stdout):
                run.missing = "printed no records"
            elif run.name != report.TYPER_BASELINE and not finished.stdout.strip():
                run.missing = "printed nothing"
        settle_records(cache, env, options.timeout)
        with measuring.records_passes_held(cache):  # the "records made" runs start no pass that outlives them
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


# --------------------------------------------------------------------- the run


def run(options: Options) -> tuple[str, dict]:
    """Measure everything the options ask for; the Markdown report and the raw figures."""
    options.scratch = Path(tempfile.mkdtemp(prefix="scograph-bench-run."))
    try:
        cells, sizes = run_operations(options)
        runs = cold_runs(options) if options.cli else []
    finally:
        shutil.rmtree(options.scratch, ignore_errors=True)
    labels = [s.label for s in options.sizes]
    found = report.goals(cells, runs, labels, sizes)
    text = report.report(cells, runs, found, options, labels, sizes)
    figures = {
        "environment": report.environment(),
        "options": {"sizes": labels, "operations": options.operations, "repeat": options.repeat,
                    "cli_runs": options.cli_runs, "skip_rdflib_above": options.skip_rdflib_above,
                    "rdflib_limits": {s.label: options.limit(s) for s in options.sizes},
                    "in_process": options.in_process},
        "sizes": sizes,
        "cells": [c.as_dict() for c in cells],
        "cold_runs": [r.as_dict() for r in runs],
        "goals": [g.__dict__ for g in found],
        "disagreements": report.checks(cells),
    }
    return text, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
                        help=f"corpus sizes in triples (default {DEFAULT_SIZES}); about 1,000 triples a paper")
    parser.add_argument("--operations", type=parse_operations, default=list(engines.OPERATIONS),
                        help=f"operations to run (default all: {','.join(engines.OPERATIONS)})")
    parser.add_argument("--repeat", type=int, default=3,
                        help="alternating pairs of runs per measurement (default 3); rdflib answers once above 100k")
    parser.add_argument("--cli-runs", type=int, default=7, help="cold runs of each command line (default 7)")
    parser.add_argument("--skip-rdflib-above", type=parse_count, default=GOAL_SIZE, metavar="N",
                        help="leave plain rdflib out above N triples (default 1M: at 10M its parse alone takes minutes and ~13 GB)")
    parser.add_argument("--rdflib-limit", type=float, metavar="SECONDS",
                        help=f"stop each plain rdflib query after this long (default {RDFLIB_LIMIT:g} s up to 100k triples,"
                             f" {RDFLIB_LARGE_LIMIT:g} s above)")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS",
                        help="give up on one process after this long (default 900)")
    parser.add_argument("--corpus-dir", type=Path, default=Options.corpus_dir,
                        help=f"where the synthetic corpora are kept between runs (default {Options.corpus_dir})")
    parser.add_argument("--no-cli", dest="cli", action="store_false", help="skip the cold command-line runs")
    parser.add_argument("--in-process", action="store_true",
                        help="run every measurement in this process (quick; no per-run peak RSS)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.cli_runs < 1:
        parser.error("--repeat and --cli-runs must be at least 1")
    options = Options(args.sizes, args.operations, args.repeat, args.cli_runs, args.skip_rdflib_above, args.timeout,
                      args.corpus_dir, args.cli, args.in_process, args.rdflib_limit)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # a stopped run removes its directory
    started = time.perf_counter()
    text, figures = run(options)
    figures["seconds"] = time.perf_counter() - started
    sys.stdout.write(text + f"\nThe run took {figures['seconds']:.0f} s.\n")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

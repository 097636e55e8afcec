"""The benchmark's operations: what scograph and its peers each do, timed.

    python benchmarks/engines.py ENGINE OPERATION CORPUS --workdir DIR [--repeat K] [--first]
    python benchmarks/engines.py rdflib session CORPUS --operations demands,chains --limit 600

runs one operation K times in this process and prints one JSON object on stdout: the
seconds of each run, memory figures, and a check of the answer (a count and a digest of
the ids) that ``run.py`` compares across engines. ``run.py`` starts one such process per
run, alternating the engines, so that each peak RSS is that run's alone. Plain rdflib parses
once a size instead (``session``: its parse takes 30–55 s at 1M) and answers every query on
the parsed graph, each stopped at the time limit.

scograph answers through its public API (``ClaimsGraph``, ``scograph.exports``), its peers
(``peers.py``) with hand-written SPARQL that returns the same information. The ``prepare``
operation (untimed) builds the on-disk stores that the other operations open; it is not a
measurement.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402
from measuring import (COUNTRY, ENTITY, Run, chains_query, digest, directory_mb, local, prepared_dir,  # noqa: E402
                       records_passes_held, scograph_cache)  # noqa: E402

ENGINES = ("scograph", "pyoxigraph", "rdflib")
OPERATIONS = {
    "build": "build/index",
    "open": "open",
    "demands": "demands lookup",
    "chains": "chain query",
    "aggregate": "aggregate",
    "paths": "paths",
    "export": "GraphML export",
}
"""Operation name -> the row title in the table."""


# --------------------------------------------------------------------- scograph


def scograph_open(run: Run):
    from scograph.graph import ClaimsGraph

    with scograph_cache(prepared_dir(run.workdir, "scograph")):
        return ClaimsGraph.load(run.corpus)


def _scograph_size(claims) -> int | None:
    try:
        return len(claims.store)
    except TypeError:
        return None


def wait_for_records_pass() -> float:
    """Wait for the records pass that indexing starts in a process of its own (it makes every
    record right after the index is built): no measurement may run beside it. Its seconds."""
    try:
        from scograph.store.prepared import wait_for_records_passes
    except ImportError:  # a scograph without a records pass
        return 0.0
    start = time.perf_counter()
    wait_for_records_passes()
    return time.perf_counter() - start


def scograph_prepare(run: Run) -> None:
    scograph_open(run)
    wait_for_records_pass()


def scograph_build(run: Run) -> None:
    """The index as a first call builds it (timed); then, untimed, the records pass it starts
    (``records_pass_s``: how long after the index the records are all made)."""
    from scograph.graph import ClaimsGraph

    for _ in run.repeats():
        cache = run.scratch("scograph-build")
        try:
            with scograph_cache(cache):
                with run.timed():
                    claims = ClaimsGraph.load(run.corpus)
                run.extra.setdefault("records_pass_s", []).append(wait_for_records_pass())
            run.check = {"triples": _scograph_size(claims)}
            del claims
            run.extra["store_mb"] = directory_mb(cache)
        finally:
            shutil.rmtree(cache, ignore_errors=True)


def scograph_open_timed(run: Run) -> None:
    from scograph.graph import ClaimsGraph

    with scograph_cache(prepared_dir(run.workdir, "scograph")):
        for _ in run.repeats():
            with run.timed():
                claims = ClaimsGraph.load(run.corpus)
            run.check = {"triples": _scograph_size(claims)}
            del claims


def _forget_records(run: Run) -> None:
    """Empty scograph's record cache (kept beside its prepared store), so that a lookup makes its records."""
    for path in prepared_dir(run.workdir, "scograph").glob("*.records-*.sqlite*"):
        path.unlink()


def _scograph_lookup(run: Run, lookup: Callable) -> list:
    """Time ``lookup`` with its records made (the record cache emptied before each repeat), then,
    as ``kept_seconds``, again in fresh graphs that read the records the first runs kept."""
    claims = None
    with records_passes_held(prepared_dir(run.workdir, "scograph")):
        for _ in run.repeats():
            claims = None  # closes the records file before it is removed
            _forget_records(run)
            claims = scograph_open(run)
            with run.timed():
                answer = lookup(claims)
    kept = []
    for _ in run.repeats():
        claims = scograph_open(run)
        start = time.perf_counter()
        again = lookup(claims)
        kept.append(time.perf_counter() - start)
        assert again == answer, "records read from the cache differ from the records made"
    run.extra["kept_seconds"] = kept
    return answer


def scograph_demands(run: Run) -> None:
    records = _scograph_lookup(run, lambda claims: claims.demands(country=COUNTRY))
    run.check = digest(r["id"] for r in records)


def scograph_chains(run: Run) -> None:
    from scograph.store import IRI

    text = chains_query()
    for _ in run.repeats():
        claims = scograph_open(run)
        with run.timed():
            country = claims.country(COUNTRY)
            rows = claims.store.select(text, {"country": IRI(ENTITY + country.id)})
    run.check = digest((local(r["driver"]), local(r["demand"]), local(r["response"])) for r in rows)


def scograph_aggregate(run: Run) -> None:
    for _ in run.repeats():
        claims = scograph_open(run)
        with run.timed():
            stats = claims.stats()
    run.check = {"expectations": stats["counts"]["expectations"], "inferred_links": stats["counts"]["inferred_links"]}


def scograph_paths(run: Run) -> None:
    chains = _scograph_lookup(run, lambda claims: claims.paths(country=COUNTRY))
    run.check = digest((c["driver"]["id"], c["expectation"]["id"], c["response"]["id"]) for c in chains)


def scograph_export(run: Run) -> None:
    from scograph import exports

    output = run.scratch("scograph-export")
    try:
        for _ in run.repeats():
            claims = scograph_open(run)
            with run.timed():
                result = exports.export(claims, "graphml", "chains", output=output / "chains.graphml")
            run.extra["bytes"] = (output / "chains.graphml").stat().st_size
        if run.first:  # untimed runs, once a size: the writer alone, and what Python's objects peak at
            run.extra["write_only_s"] = [_scograph_write_only(claims, output / "again.graphml")]
            opened = scograph_open(run)
            run.extra["python_peak_mb"] = _python_heap_peak(
                lambda: exports.export(opened, "graphml", "chains", output=output / "traced.graphml"))
    finally:
        shutil.rmtree(output, ignore_errors=True)
    run.check = {"nodes": result.nodes, "edges": result.edges}


def _python_heap_peak(work: Callable[[], object]) -> float:
    """The most memory Python's own objects took while ``work`` ran (tracemalloc; an untimed run),
    in MB: what an export holds, without the store's read cache that RSS also counts."""
    import tracemalloc

    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _scograph_write_only(claims, path: Path) -> float | None:
    """The writer alone, like networkx's: the chains network built first (untimed), then written."""
    from scograph import exports

    try:
        network = exports.build_network(claims, "chains")
        with open(path, "w", encoding="utf-8") as handle:
            start = time.perf_counter()
            exports.write_graphml(network, handle)
            return time.perf_counter() - start
    except (AttributeError, TypeError):  # the export module's internals changed: no figure
        return None


MEASUREMENTS: dict[tuple[str, str], Callable[[Run], None]] = {
    ("scograph", "prepare"): scograph_prepare,
    ("scograph", "build"): scograph_build,
    ("scograph", "open"): scograph_open_timed,
    ("scograph", "demands"): scograph_demands,
    ("scograph", "chains"): scograph_chains,
    ("scograph", "aggregate"): scograph_aggregate,
    ("scograph", "paths"): scograph_paths,
    ("scograph", "export"): scograph_export,
    ("pyoxigraph", "prepare"): peers.pyoxigraph_prepare,
    ("pyoxigraph", "build"): peers.pyoxigraph_build,
    ("pyoxigraph", "open"): peers.pyoxigraph_open,
    ("pyoxigraph", "demands"): peers.pyoxigraph_demands,
    ("pyoxigraph", "chains"): peers.pyoxigraph_chains,
    ("pyoxigraph", "aggregate"): peers.pyoxigraph_aggregate,
    ("pyoxigraph", "paths"): peers.pyoxigraph_paths,
    ("pyoxigraph", "export"): peers.pyoxigraph_export,
}
"""scograph and raw pyoxigraph, one process a run; plain rdflib runs in a session (``peers.rdflib_session``)."""

RDFLIB_OPERATIONS = ("build", *peers.RDFLIB_QUERIES)

NOT_MEASURED = {
    ("rdflib", "open"): "no index: every open re-parses (see build/index)",
    ("rdflib", "export"): "no GraphML export of its own: see pyoxigraph + networkx",
}
"""(engine, operation) pairs that have no counterpart, and why."""


WARM_IMPORTS = {
    "scograph": ("scograph.graph", "scograph.store", "scograph.store.oxigraph", "scograph.store.prepared",
                 "scograph.checks.integrity", "pyoxigraph"),
    "pyoxigraph": ("pyoxigraph",),
    "rdflib": ("rdflib", "rdflib.plugins.parsers.notation3", "rdflib.plugins.sparql"),
}
"""Imported before any timing, so that a run does not also time an import (start-up is what the
cold command-line runs measure); only what the operation uses, so that its peak RSS counts no
module it does not need."""
WARM_FOR_OPERATION = {("scograph", "paths"): ("networkx",),
                      ("scograph", "export"): ("networkx", "scograph.graph", "scograph.exports"),
                      ("pyoxigraph", "export"): ("networkx", "xml.etree.ElementTree", "numpy")}
"""(networkx's GraphML writer imports numpy, where installed, on its first call.)"""


def warm(engine: str, operation: str) -> None:
    import importlib

    for module in WARM_IMPORTS[engine] + WARM_FOR_OPERATION.get((engine, operation), ()):
        try:
            importlib.import_module(module)
        except ImportError:  # an optional module (numpy) not installed: nothing to warm
            pass


def measure(engine: str, operation: str, corpus: Path, workdir: Path, repeat: int, first: bool = True) -> dict:
    """Run one measurement in this process; the figures as a dict."""
    warm(engine, operation)
    run = Run(Path(corpus), Path(workdir), repeat, first)
    MEASUREMENTS[(engine, operation)](run)
    return run.as_dict()


def rdflib_session(corpus: Path, operations: list[str], repeat: int, limit: float | None) -> dict:
    warm("rdflib", "session")
    return peers.rdflib_session(Path(corpus), operations, repeat, limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=ENGINES)
    parser.add_argument("operation", choices=["prepare", "session", *OPERATIONS])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--first", action="store_true", help="also take the untimed figures (once a size)")
    parser.add_argument("--operations", default=",".join(RDFLIB_OPERATIONS), help="rdflib session: the queries")
    parser.add_argument("--limit", type=float, help="rdflib session: stop each query after this many seconds")
    args = parser.parse_args(argv)
    if args.operation == "session":
        if args.engine != "rdflib":
            parser.error("only rdflib runs a session")
        figures = rdflib_session(args.corpus, args.operations.split(","), args.repeat, args.limit)
    elif (args.engine, args.operation) not in MEASUREMENTS or args.workdir is None:
        parser.error(f"{args.engine} has no {args.operation} operation (or --workdir is missing)")
    else:
        figures = measure(args.engine, args.operation, args.corpus, args.workdir, args.repeat, args.first)
    json.dump(figures, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

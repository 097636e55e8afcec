"""The benchmark's operations: what scograph, raw pyoxigraph and plain rdflib each do, timed.

    python benchmarks/engines.py ENGINE OPERATION CORPUS --workdir DIR [--repeat K]

runs one operation K times in this process and prints one JSON object on stdout: the
seconds of each run, memory figures, and a check of the answer (a count and a digest of
the ids) that ``run.py`` compares across engines. ``run.py`` starts one such process per
(engine, size, operation), so that each peak RSS is that operation's alone.

Every engine answers the same questions on the same corpus: scograph through its public
API (``ClaimsGraph``, ``scograph.exports``), pyoxigraph and rdflib with hand-written
SPARQL that returns the same information. The ``prepare`` operation (untimed) builds the
on-disk stores that the other operations open; it is not a measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

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

COUNTRY = "TJ"
ENTITY = "https://w3id.org/scograph/id/"
SCO = "https://w3id.org/scograph/vocab#"
COUNTRY_IRI = ENTITY + "tj"
ROOT = Path(__file__).resolve().parents[1]
CHAINS_QUERY_FILE = ROOT / "queries" / "chains.rq"

PREFIXES = """PREFIX sco: <https://w3id.org/scograph/vocab#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

# What ClaimsGraph.demands(country=…) returns, as one query: every expectation the
# country holds or a group it belongs to holds, one row per label, theme, initiative,
# document, driver, response and piece of evidence (no cross products). The UNION sits in
# an OPTIONAL (every expectation has a label, so the rows are the same) because rdflib
# evaluates an OPTIONAL once per solution so far, but a joined UNION over the whole graph.
DEMANDS_QUERY = PREFIXES + """
SELECT ?demand ?holder ?alpha2 ?domain ?date ?speaker ?speaker_label ?field ?value ?page ?note ?source WHERE {
  { ?demand sco:holder ?country } UNION { ?demand sco:holder/sco:member ?country }
  ?demand a sco:Expectation ; sco:holder ?holder ; sco:domain ?domain .
  OPTIONAL { ?holder sco:alpha2 ?alpha2 }
  OPTIONAL { ?demand dcterms:date ?date }
  OPTIONAL { ?demand sco:speaker ?speaker OPTIONAL { ?speaker rdfs:label ?speaker_label FILTER(lang(?speaker_label) = "en") } }
  OPTIONAL {
    { ?demand rdfs:label ?value BIND("label" AS ?field) }
    UNION { ?demand sco:theme ?value BIND("theme" AS ?field) }
    UNION { ?demand sco:initiative ?value BIND("initiative" AS ?field) }
    UNION { ?demand sco:document ?value BIND("document" AS ?field) }
    UNION { ?demand sco:shapedBy ?value BIND("driver" AS ?field) }
    UNION { ?value sco:addresses ?demand BIND("response" AS ?field) }
    UNION { ?demand sco:evidence ?evidence . ?evidence sco:quote ?value ; sco:page ?page BIND("evidence" AS ?field)
            OPTIONAL { ?evidence sco:footnote ?note } OPTIONAL { ?evidence sco:citedSource ?source } }
  }
}"""

# What ClaimsGraph.paths(country=…) returns: driver → expectation → response chains with
# the basis of each link; PATH_RECORDS_QUERY then fetches the labels and evidence of
# every entity on them (scograph's path records carry each entity's full record). The
# link's predicate is a FILTER, not a constant, because rdflib orders a group's triple
# patterns by their constants when it parses the query: `?l rdf:predicate sco:shapedBy`
# would go first and scan every link once per chain (50× slower at 100k).
PATHS_QUERY = PREFIXES + """
SELECT ?driver ?demand ?response ?driver_basis ?response_basis ?alpha2 WHERE {
  { ?demand sco:holder ?country } UNION { ?demand sco:holder/sco:member ?country }
  ?demand a sco:Expectation ; sco:holder ?holder ; sco:shapedBy ?driver .
  ?response sco:addresses ?demand .
  OPTIONAL { ?holder sco:alpha2 ?alpha2 }
  OPTIONAL { ?l1 rdf:subject ?demand ; rdf:object ?driver ; rdf:predicate ?p1 ; sco:basis ?driver_basis
             FILTER(?p1 = sco:shapedBy) }
  OPTIONAL { ?l2 rdf:subject ?response ; rdf:object ?demand ; rdf:predicate ?p2 ; sco:basis ?response_basis
             FILTER(?p2 = sco:addresses) }
}"""
PATH_RECORDS_QUERY = PREFIXES + """
SELECT ?x ?field ?value ?page ?note WHERE {
  VALUES ?x { %s }
  OPTIONAL {
    { ?x rdfs:label ?value BIND("label" AS ?field) }
    UNION { ?x sco:domain|sco:level|sco:model|sco:refines ?value BIND("concept" AS ?field) }
    UNION { ?x sco:evidence ?evidence . ?evidence sco:quote ?value ; sco:page ?page BIND("evidence" AS ?field)
            OPTIONAL { ?evidence sco:footnote ?note } }
  }
}"""

# What ClaimsGraph.stats() returns: counts by class, inferred links, holder × domain.
AGGREGATE_QUERIES = [PREFIXES + query for query in (
    "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class",
    "SELECT (COUNT(?l) AS ?n) WHERE { ?l a sco:Link ; sco:basis sco:Inferred }",
    """SELECT ?holder ?alpha2 ?domain (COUNT(?x) AS ?n) WHERE {
         ?x a sco:Expectation ; sco:holder ?holder ; sco:domain ?domain .
         OPTIONAL { ?holder sco:alpha2 ?alpha2 }
       } GROUP BY ?holder ?alpha2 ?domain""",
)]


def chains_query() -> str:
    """The project's named query ``chains`` (queries/chains.rq), parameter ``country`` left to bind."""
    return CHAINS_QUERY_FILE.read_text(encoding="utf-8")


# --------------------------------------------------------------------- measuring


def _proc_kb(field_name: str) -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else None


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux), so that the peak read later is the operation's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Run:
    """One operation's measurement: seconds per repeat, memory around the first timed run, a check."""

    corpus: Path
    workdir: Path
    repeat: int
    seconds: list[float] = field(default_factory=list)
    rss_before_mb: float | None = None
    op_peak_mb: float | None = None
    extra: dict = field(default_factory=dict)
    check: dict = field(default_factory=dict)

    def repeats(self) -> range:
        return range(self.repeat)

    @contextlib.contextmanager
    def timed(self) -> Iterator[None]:
        first = not self.seconds
        if first:
            rss = _proc_kb("VmRSS")
            self.rss_before_mb = rss / 1024 if rss is not None else None
            reset = _reset_peak()
        start = time.perf_counter()
        yield
        self.seconds.append(time.perf_counter() - start)
        if first and reset:
            peak = _proc_kb("VmHWM")
            self.op_peak_mb = peak / 1024 if peak is not None else None

    def scratch(self, name: str) -> Path:
        """A fresh directory under the work directory (removed by the caller)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.workdir, prefix=f"{name}."))

    def as_dict(self) -> dict:
        return {"seconds": self.seconds, "rss_before_mb": self.rss_before_mb, "op_peak_mb": self.op_peak_mb,
                "check": self.check, **self.extra}


def digest(items: Iterable) -> dict:
    """A check of an answer: how many distinct items, and a digest of them sorted."""
    unique = sorted({"|".join(map(str, item)) if isinstance(item, tuple) else str(item) for item in items})
    return {"count": len(unique), "digest": hashlib.sha1("\n".join(unique).encode()).hexdigest()[:12]}


def _local(iri) -> str:
    text = iri if isinstance(iri, str) else iri.value if hasattr(iri, "value") else str(iri)
    return text[len(ENTITY):] if text.startswith(ENTITY) else text


@contextlib.contextmanager
def scograph_cache(directory: Path) -> Iterator[None]:
    """Point scograph's prepared-store cache at ``directory`` for the duration."""
    previous = os.environ.get("SCOGRAPH_CACHE")
    os.environ["SCOGRAPH_CACHE"] = str(directory)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SCOGRAPH_CACHE", None)
        else:
            os.environ["SCOGRAPH_CACHE"] = previous


def prepared_dir(workdir: Path, engine: str) -> Path:
    return workdir / f"{engine}-prepared"


# --------------------------------------------------------------------- scograph


def _scograph_open(run: Run):
    from scograph.graph import ClaimsGraph

    with scograph_cache(prepared_dir(run.workdir, "scograph")):
        return ClaimsGraph.load(run.corpus)


def _scograph_size(claims) -> int | None:
    try:
        return len(claims.store)
    except TypeError:
        return None


def scograph_prepare(run: Run) -> None:
    _scograph_open(run)


def scograph_build(run: Run) -> None:
    from scograph.graph import ClaimsGraph

    for _ in run.repeats():
        cache = run.scratch("scograph-build")
        try:
            with scograph_cache(cache):
                with run.timed():
                    claims = ClaimsGraph.load(run.corpus)
            run.check = {"triples": _scograph_size(claims)}
            del claims
        finally:
            shutil.rmtree(cache, ignore_errors=True)


def scograph_open(run: Run) -> None:
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
    for _ in run.repeats():
        claims = None  # closes the records file before it is removed
        _forget_records(run)
        claims = _scograph_open(run)
        with run.timed():
            answer = lookup(claims)
    kept = []
    for _ in run.repeats():
        claims = _scograph_open(run)
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
        claims = _scograph_open(run)
        with run.timed():
            country = claims.country(COUNTRY)
            rows = claims.store.select(text, {"country": IRI(ENTITY + country.id)})
    run.check = digest((_local(r["driver"]), _local(r["demand"]), _local(r["response"])) for r in rows)


def scograph_aggregate(run: Run) -> None:
    for _ in run.repeats():
        claims = _scograph_open(run)
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
            claims = _scograph_open(run)
            with run.timed():
                result = exports.export(claims, "graphml", "chains", output=output / "chains.graphml")
            run.extra["bytes"] = (output / "chains.graphml").stat().st_size
        run.extra["write_only_s"] = _scograph_write_only(claims, output / "again.graphml")
        opened = _scograph_open(run)  # as for RSS: what the export holds above the opened graph
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


# --------------------------------------------------------------------- raw pyoxigraph


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def with_values(query: str, bindings: dict[str, str] | None) -> str:
    """``query`` with its variables bound to IRIs by a VALUES block opening the WHERE group.

    (pyoxigraph's ``substitutions`` only binds variables the query projects.)
    """
    if not bindings:
        return query
    where = _WHERE.search(query)
    block = " ".join(f"VALUES ?{name} {{ <{iri}> }}" for name, iri in bindings.items())
    return f"{query[:where.end()]} {block}{query[where.end():]}"


def _oxigraph_rows(store, query: str, bindings: dict[str, str] | None = None) -> list[tuple]:
    return [tuple(solution) for solution in store.query(with_values(query, bindings))]


def _country_binding() -> dict[str, str]:
    return {"country": COUNTRY_IRI}


def _oxigraph_open(run: Run):
    import pyoxigraph as ox

    return ox.Store.read_only(str(prepared_dir(run.workdir, "pyoxigraph")))


def pyoxigraph_prepare(run: Run) -> None:
    import pyoxigraph as ox

    target = prepared_dir(run.workdir, "pyoxigraph")
    if (target / "COMPLETE").is_file():
        return
    shutil.rmtree(target, ignore_errors=True)
    store = ox.Store(str(target))
    store.bulk_load(path=str(run.corpus), format=ox.RdfFormat.TURTLE)
    store.flush()
    store.optimize()  # compacted, as pyoxigraph advises after a bulk load (and as scograph's prepared store is)
    del store
    (target / "COMPLETE").write_text("")


def pyoxigraph_build(run: Run) -> None:
    import pyoxigraph as ox

    for _ in run.repeats():
        directory = run.scratch("pyoxigraph-build")
        try:
            with run.timed():
                store = ox.Store(str(directory))
                store.bulk_load(path=str(run.corpus), format=ox.RdfFormat.TURTLE)
            run.check = {"triples": len(store)}
            del store
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def pyoxigraph_open(run: Run) -> None:
    import pyoxigraph as ox

    for _ in run.repeats():
        with run.timed():
            store = ox.Store.read_only(str(prepared_dir(run.workdir, "pyoxigraph")))
        run.check = {"triples": len(store)}
        del store


def pyoxigraph_demands(run: Run) -> None:
    store = _oxigraph_open(run)
    for _ in run.repeats():
        with run.timed():
            rows = _oxigraph_rows(store, DEMANDS_QUERY, _country_binding())
    run.check = digest(_local(row[0]) for row in rows)


def pyoxigraph_chains(run: Run) -> None:
    store = _oxigraph_open(run)
    text = chains_query()
    for _ in run.repeats():
        with run.timed():
            solutions = store.query(with_values(text, _country_binding()))
            names = [v.value for v in solutions.variables]
            rows = [dict(zip(names, solution)) for solution in solutions]
    run.check = digest((_local(r["driver"]), _local(r["demand"]), _local(r["response"])) for r in rows)


def _paths_with_records(query: Callable[[str, dict | None], list[tuple]], bindings,
                        spelt: Callable[[object], str]) -> list[tuple]:
    chains = query(PATHS_QUERY, bindings)
    entities = sorted({spelt(term) for row in chains for term in row[:3]})
    if entities:
        query(PATH_RECORDS_QUERY % " ".join(entities), None)
    return chains


def pyoxigraph_paths(run: Run) -> None:
    store = _oxigraph_open(run)
    for _ in run.repeats():
        with run.timed():
            chains = _paths_with_records(lambda q, b: _oxigraph_rows(store, q, b), _country_binding(), str)
    run.check = digest(tuple(_local(term) for term in row[:3]) for row in chains)


def pyoxigraph_aggregate(run: Run) -> None:
    store = _oxigraph_open(run)
    for _ in run.repeats():
        with run.timed():
            classes, inferred, _matrix = (_oxigraph_rows(store, q) for q in AGGREGATE_QUERIES)
    counts = {c.value: int(n.value) for c, n in classes}
    run.check = {"expectations": counts.get(SCO + "Expectation", 0), "inferred_links": int(inferred[0][0].value)}


# --------------------------------------------------------------------- plain rdflib (and networkx's writer)


def _rdflib_parse(corpus: Path):
    from rdflib import Graph

    graph = Graph()
    graph.parse(str(corpus), format="turtle")
    return graph


def _rdflib_rows(graph, query: str, bindings: dict | None = None) -> list[tuple]:
    return [tuple(row) for row in graph.query(query, initBindings=bindings or {})]


def _rdflib_country():
    from rdflib import URIRef

    return {"country": URIRef(COUNTRY_IRI)}


def rdflib_build(run: Run) -> None:
    for _ in run.repeats():
        with run.timed():
            graph = _rdflib_parse(run.corpus)
        run.check = {"triples": len(graph)}
        del graph


def rdflib_demands(run: Run) -> None:
    graph = _rdflib_parse(run.corpus)
    for _ in run.repeats():
        with run.timed():
            rows = _rdflib_rows(graph, DEMANDS_QUERY, _rdflib_country())
    run.check = digest(_local(str(row[0])) for row in rows)


def rdflib_chains(run: Run) -> None:
    graph = _rdflib_parse(run.corpus)
    text = chains_query()
    for _ in run.repeats():
        with run.timed():
            rows = list(graph.query(text, initBindings=_rdflib_country()))
    run.check = digest((_local(str(r.driver)), _local(str(r.demand)), _local(str(r.response))) for r in rows)


def rdflib_paths(run: Run) -> None:
    graph = _rdflib_parse(run.corpus)
    for _ in run.repeats():
        with run.timed():
            chains = _paths_with_records(lambda q, b: _rdflib_rows(graph, q, b), _rdflib_country(),
                                          lambda term: term.n3())
    run.check = digest(tuple(_local(str(term)) for term in row[:3]) for row in chains)


def rdflib_aggregate(run: Run) -> None:
    graph = _rdflib_parse(run.corpus)
    for _ in run.repeats():
        with run.timed():
            classes, inferred, _matrix = (_rdflib_rows(graph, q) for q in AGGREGATE_QUERIES)
    counts = {str(c): int(n) for c, n in classes}
    run.check = {"expectations": counts.get(SCO + "Expectation", 0), "inferred_links": int(inferred[0][0])}


def networkx_export(run: Run) -> None:
    """networkx's own GraphML writer on the same chains network, held as a networkx graph."""
    import tracemalloc

    import networkx as nx
    from scograph import exports

    claims = _scograph_open(run)
    network = exports.build_network(claims, "chains")
    tracemalloc.start()
    graph = network.to_networkx()
    copy_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    run.extra["copy_mb"] = copy_bytes / 2**20
    output = run.scratch("networkx-export")
    try:
        for _ in run.repeats():
            with run.timed():
                nx.write_graphml(graph, output / "chains.graphml")
            run.extra["bytes"] = (output / "chains.graphml").stat().st_size
    finally:
        shutil.rmtree(output, ignore_errors=True)
    run.check = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


MEASUREMENTS: dict[tuple[str, str], Callable[[Run], None]] = {
    ("scograph", "prepare"): scograph_prepare,
    ("scograph", "build"): scograph_build,
    ("scograph", "open"): scograph_open,
    ("scograph", "demands"): scograph_demands,
    ("scograph", "chains"): scograph_chains,
    ("scograph", "aggregate"): scograph_aggregate,
    ("scograph", "paths"): scograph_paths,
    ("scograph", "export"): scograph_export,
    ("pyoxigraph", "prepare"): pyoxigraph_prepare,
    ("pyoxigraph", "build"): pyoxigraph_build,
    ("pyoxigraph", "open"): pyoxigraph_open,
    ("pyoxigraph", "demands"): pyoxigraph_demands,
    ("pyoxigraph", "chains"): pyoxigraph_chains,
    ("pyoxigraph", "aggregate"): pyoxigraph_aggregate,
    ("pyoxigraph", "paths"): pyoxigraph_paths,
    ("rdflib", "build"): rdflib_build,
    ("rdflib", "demands"): rdflib_demands,
    ("rdflib", "chains"): rdflib_chains,
    ("rdflib", "aggregate"): rdflib_aggregate,
    ("rdflib", "paths"): rdflib_paths,
    ("rdflib", "export"): networkx_export,
}

RDFLIB_PARSES = {"build", "demands", "chains", "aggregate", "paths"}
"""The operations in which plain rdflib parses the corpus (``--skip-rdflib-above`` leaves them out at large sizes;
the export's rdflib column is networkx's writer, which does not)."""

NOT_MEASURED = {
    ("rdflib", "open"): "no index: every open re-parses (see build/index)",
    ("pyoxigraph", "export"): "no GraphML writer",
}
"""(engine, operation) pairs that have no counterpart, and why."""


WARM_IMPORTS = {
    "scograph": ("scograph.graph", "scograph.store", "scograph.store.oxigraph", "scograph.store.prepared", "scograph.checks.integrity", "pyoxigraph"),
    "pyoxigraph": ("pyoxigraph",),
    "rdflib": ("rdflib", "rdflib.plugins.parsers.notation3", "rdflib.plugins.sparql"),
}
"""Imported before any timing, so that the first of the repeats does not also time an import
(start-up is what the cold command-line runs measure); only what the operation uses, so that
its peak RSS counts no module it does not need."""
WARM_FOR_OPERATION = {"paths": ("networkx",), "export": ("networkx", "scograph.graph", "scograph.exports")}


def measure(engine: str, operation: str, corpus: Path, workdir: Path, repeat: int) -> dict:
    """Run one measurement in this process; the figures as a dict."""
    import importlib

    for module in WARM_IMPORTS[engine] + WARM_FOR_OPERATION.get(operation, ()):
        importlib.import_module(module)
    run = Run(Path(corpus), Path(workdir), repeat)
    MEASUREMENTS[(engine, operation)](run)
    return run.as_dict()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=ENGINES)
    parser.add_argument("operation", choices=["prepare", *OPERATIONS])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    if (args.engine, args.operation) not in MEASUREMENTS:
        parser.error(f"{args.engine} has no {args.operation} operation")
    figures = measure(args.engine, args.operation, args.corpus, args.workdir, args.repeat)
    json.dump(figures, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

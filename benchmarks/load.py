"""Load benchmark for `scograph serve`: concurrent clients send a mix of requests and check every answer.

    python benchmarks/load.py                          # a server of its own on a free loopback port
    python benchmarks/load.py --clients 20 --requests 50 --workers 4
    python benchmarks/load.py --url http://127.0.0.1:8000/   # a server already running

The mix: SPARQL SELECTs (JSON, CSV, XML), a CONSTRUCT (Turtle), entity pages (HTML) and
descriptions (Turtle), and searches. Every answer is compared with what the local store
answers; the run stops by itself after clients × requests requests and prints the
figures (throughput, latency percentiles per kind, wrong and lost answers).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
ENTITY = "https://w3id.org/scograph/id/"


@dataclass(frozen=True)
class Probe:
    """One kind of request and how to tell a right answer."""

    kind: str
    path: str
    accept: str
    check: Callable[[bytes], bool]
    body: bytes | None = None
    content_type: str | None = None


@dataclass
class Report:
    requests: int = 0
    correct: int = 0
    wrong: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.wrong and not self.lost and self.correct == self.requests

    def figures(self) -> str:
        lines = [f"{self.requests} requests in {self.seconds:.2f} s: {self.requests / self.seconds:.0f} requests/s; "
                 f"{self.correct} correct, {len(self.wrong)} wrong, {len(self.lost)} lost"]
        lines.append(f"{'kind':<22} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        everything = [t for times in self.latencies.values() for t in times]
        for kind, times in sorted(self.latencies.items()) + [("all", everything)]:
            lines.append(f"{kind:<22} {len(times):>6} {_percentile(times, 50):>8.1f} {_percentile(times, 95):>8.1f} "
                         f"{_percentile(times, 99):>8.1f} {max(times) * 1000:>8.1f}")
        return "\n".join(lines)


def _percentile(times: list[float], percent: float) -> float:
    if not times:
        return 0.0
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))] * 1000


def _rows_json(body: bytes) -> list[str]:
    return sorted(json.dumps(b, sort_keys=True, ensure_ascii=False) for b in json.loads(body)["results"]["bindings"])


def _local_rows(store, query: str) -> list[str]:
    """The rows the local store answers, as SPARQL JSON bindings (the reference for every SELECT)."""
    from scograph.server.answers import PREFIXES, term_json

    solutions = store.query(query, prefixes=PREFIXES)
    names = [v.value for v in solutions.variables]
    return sorted(json.dumps({n: term_json(s[n]) for n in names if s[n] is not None}, sort_keys=True, ensure_ascii=False)
                  for s in solutions)


def probes(data: Path | None = None) -> list[Probe]:
    """The request mix, each with the answer the local store gives."""
    import pyoxigraph as ox

    from scograph.graph import ClaimsGraph
    from scograph.server.answers import PREFIXES
    from scograph.store import read_data
    from scograph.store.oxigraph import OxigraphStore

    raw, path = read_data(data)
    store = OxigraphStore.from_turtle(raw, path).store
    claims = ClaimsGraph.load(data)
    demands = """SELECT ?demand ?label WHERE {
  ?holder sco:member? scoid:tj . ?demand a sco:Expectation ; sco:holder ?holder ; rdfs:label ?label .
  FILTER(lang(?label) = "zh") } ORDER BY ?demand"""
    chains = """SELECT ?driver ?demand ?response WHERE {
  ?demand sco:shapedBy ?driver ; sco:domain sco:security . ?response sco:addresses ?demand }"""
    counts = "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class"
    quotes = """SELECT ?x ?page ?quote WHERE { ?x sco:evidence ?ev . ?ev sco:page ?page ; sco:quote ?quote .
  FILTER(CONTAINS(?quote, "禁毒")) }"""
    construct = "CONSTRUCT WHERE { scoid:exp-tj-anti-drug-centre ?p ?o }"
    expected = {name: _local_rows(store, query) for name, query in
                (("demands", demands), ("chains", chains), ("counts", counts), ("quotes", quotes))}
    construct_triples = {str(t) for t in store.query(construct, prefixes=PREFIXES)}

    def csv_rows(body: bytes) -> list[list[str]]:
        return sorted(list(csv.reader(io.StringIO(body.decode("utf-8"))))[1:])

    expected_csv = sorted([json.loads(r)["x"]["value"], str(json.loads(r)["page"]["value"]), json.loads(r)["quote"]["value"]]
                          for r in expected["quotes"])

    def turtle_triples(body: bytes) -> set[str]:
        return {str(t) for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}

    search_ids = [hit["id"] for hit in claims.search("铁路")]
    quote = "塔吉克斯坦还认为迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议"
    entity_turtle = construct_triples

    def sparql(query: str, fmt: str) -> str:
        return "/sparql?" + urllib.parse.urlencode({"query": query, "format": fmt})

    return [
        Probe("select-json", sparql(demands, "json"), "application/sparql-results+json",
              lambda b: _rows_json(b) == expected["demands"]),
        Probe("select-json-post", "/sparql", "application/sparql-results+json",
              lambda b: _rows_json(b) == expected["chains"], chains.encode(), "application/sparql-query"),
        Probe("select-form-post", "/sparql", "application/sparql-results+json",
              lambda b: _rows_json(b) == expected["counts"],
              urllib.parse.urlencode({"query": counts}).encode(), "application/x-www-form-urlencoded"),
        Probe("select-csv", sparql(quotes, "csv"), "text/csv", lambda b: csv_rows(b) == expected_csv),
        Probe("construct-turtle", "/sparql?" + urllib.parse.urlencode({"query": construct}), "text/turtle",
              lambda b: turtle_triples(b) == construct_triples),
        Probe("entity-html", "/id/exp-tj-anti-drug-centre", "text/html",
              lambda b: quote in b.decode("utf-8") and "/id/rsp-common-security-interests" in b.decode("utf-8")),
        Probe("entity-turtle", "/id/exp-tj-anti-drug-centre", "text/turtle",
              lambda b: entity_turtle <= turtle_triples(b)),
        Probe("search-html", "/search?" + urllib.parse.urlencode({"q": "铁路"}), "text/html",
              lambda b: all(f'href="/id/{i}"' in b.decode("utf-8") for i in search_ids) and bool(search_ids)),
    ]


def _fetch(base: str, probe: Probe, timeout: float) -> tuple[int, bytes]:
    headers = {"Accept": probe.accept}
    if probe.content_type:
        headers["Content-Type"] = probe.content_type
    request = urllib.request.Request(base.rstrip("/") + probe.path, data=probe.body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_load(base: str, mix: list[Probe], clients: int = 20, requests: int = 50, seed: int = 2019,
             timeout: float = 60.0) -> Report:
    """``clients`` threads each send ``requests`` requests drawn from ``mix``; every answer is checked."""
    report = Report()
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client(number: int) -> None:
        chooser = random.Random(seed * 1000 + number)
        start.wait()
        for sequence in range(requests):
            probe = chooser.choice(mix)
            began = time.perf_counter()
            try:
                status, body = _fetch(base, probe, timeout)
                right = status == 200 and probe.check(body)
                problem = None if right else f"{probe.kind}: {status} {body[:120]!r}"
            except Exception as error:  # noqa: BLE001 - a lost answer is counted, whatever lost it
                right, problem = False, f"{probe.kind}: lost ({type(error).__name__}: {error})"
            elapsed = time.perf_counter() - began
            with lock:
                report.requests += 1
                report.latencies.setdefault(probe.kind, []).append(elapsed)
                if right:
                    report.correct += 1
                elif problem.split(": ", 1)[1].startswith("lost"):
                    report.lost.append(problem)
                else:
                    report.wrong.append(problem)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * requests)
    report.seconds = time.perf_counter() - began
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one on a free loopback port")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="requests per client")
    parser.add_argument("--workers", type=int, default=4, help="query workers of the server started here")
    parser.add_argument("--data", type=Path, help="claims file (default: the packaged one)")
    arguments = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from scograph.server import BackgroundServer, ServerSettings

    mix = probes(arguments.data)
    server = None
    base = arguments.url
    if base is None:
        server = BackgroundServer(ServerSettings(port=0, data=arguments.data, workers=arguments.workers, quiet=True))
        base = server.start()
    try:
        import os
        import platform

        print(f"server {base} · {arguments.clients} clients × {arguments.requests} requests · "
              f"{arguments.workers} query workers · {os.cpu_count()} CPUs · Python {platform.python_version()}")
        report = run_load(base, mix, arguments.clients, arguments.requests)
        print(report.figures())
        for problem in (report.wrong + report.lost)[:10]:
            print("  ", problem)
        return 0 if report.ok else 1
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())

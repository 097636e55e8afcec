"""Server stores: push a corpus to Oxigraph server, then the same lookups with --endpoint and locally.

    python benchmarks/server.py                      # the 1M corpus: push, then demands / paths / export
    python benchmarks/server.py --sizes 1M,10M       # push both (is push's memory flat?); lookups on 1M
    python benchmarks/server.py --virtuoso           # and the same lookups against Virtuoso

Starts ``oxigraph serve`` (the binary beside this interpreter, else on PATH) on a free port of
127.0.0.1 with its store in a temporary directory, times ``scograph push`` of each corpus into
it (wall time and peak RSS, the push's file check reading a store prepared beforehand), then
times each lookup as fresh processes alternating local (``--data FILE``, prepared store) and
remote (``--endpoint URL``), and checks that both printed the same bytes. With ``--virtuoso``
(where Debian's ``virtuoso-opensource`` is installed), a Virtuoso of its own is bulk-loaded
with the first corpus and answers the same lookups. The servers are stopped at the end,
whatever happens. Not part of CI: it needs minutes and free ports.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as harness  # noqa: E402
from goals import MET, MISSED, NOT_RUN, Goal, goals_table  # noqa: E402
from report import Paired, fmt_mb, fmt_ratio, fmt_seconds  # noqa: E402

LOOKUPS = {
    "demands": ["demands", "--country", "TJ", "--format", "json"],
    "paths (table)": ["paths", "--country", "TJ"],
    "paths (JSON)": ["paths", "--country", "TJ", "--format", "json"],
    "export (GraphML, chains)": ["export", "--format", "graphml", "--network", "chains", "-o", "{output}"],
}
"""Each lookup's arguments; ``{output}`` is a file that is compared instead of stdout."""


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, grace: float) -> None:
    """Ask the server to stop; kill it after ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class OxigraphServer:
    """``oxigraph serve`` on 127.0.0.1 with its store in ``directory``; stopped on exit."""

    def __init__(self, binary: str, directory: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([binary, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def __enter__(self) -> "OxigraphServer":
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"oxigraph serve stopped: {self.process.stderr.read().decode(errors='replace')[-300:]}")
            try:
                urllib.request.urlopen(self.base + "/query?query=ASK%7B%7D", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit("oxigraph serve did not answer within 30 s")

    def __exit__(self, *exc) -> None:
        stop(self.process, 10)


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""
"""A Virtuoso of its own: its database, ports and allowed directory in one temporary directory
(1.3 GB of buffers: the Debian default of 10,000 pages is for a laptop)."""


class VirtuosoServer:
    """``virtuoso-t`` in the foreground on 127.0.0.1, loaded with the bulk loader (``ld_dir``);
    queried at ``/sparql`` with the corpus's graph as the default graph."""

    GRAPH = "https://w3id.org/scograph/bench"

    def __init__(self, directory: Path):
        directory.mkdir(parents=True)
        self.directory, self.sql_port, self.http_port = directory, free_port(), free_port()
        (directory / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=directory, sql_port=self.sql_port,
                                                                    http_port=self.http_port))
        self.query = (f"http://127.0.0.1:{self.http_port}/sparql?default-graph-uri="
                      + urllib.parse.quote(self.GRAPH, safe=""))
        self.process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(directory / "virtuoso.ini")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=directory)

    def isql(self, statements: str, timeout: float) -> subprocess.CompletedProcess:
        return subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=timeout)

    def __enter__(self) -> "VirtuosoServer":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"virtuoso-t stopped: {(self.directory / 'virtuoso.log').read_text()[-300:]}")
            if self.isql("SELECT 1;", 10).returncode == 0:
                return self
            time.sleep(0.5)
        self.__exit__()
        raise SystemExit("virtuoso-t did not answer within 60 s")

    def load(self, corpus: Path, timeout: float) -> dict:
        """The corpus loaded with Virtuoso's bulk loader, then a checkpoint: its seconds."""
        (self.directory / corpus.name).symlink_to(corpus)
        start = time.perf_counter()
        done = self.isql(f"ld_dir('{self.directory}', '{corpus.name}', '{self.GRAPH}'); rdf_loader_run(); checkpoint;",
                         timeout)
        return {"seconds": time.perf_counter() - start, "code": done.returncode,
                "message": (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]}

    def __exit__(self, *exc) -> None:
        stop(self.process, 30)  # a checkpoint may be under way


def timed(command: list[str], env: dict, timeout: float, output: Path | None = None) -> tuple[harness.Finished, bytes]:
    finished = harness.spawn(command, env, timeout)
    produced = output.read_bytes() if output is not None and output.is_file() else finished.stdout.encode()
    return finished, produced


def lookups(scograph: list[str], corpus: Path, endpoint: str, runs: int, env: dict, scratch: Path,
            timeout: float) -> dict:
    """Each lookup as fresh processes, local then remote, ``runs`` times after one untimed round (the
    local side's records kept, as after a first call); whether they printed the same bytes."""
    figures = {}
    for name, arguments in LOOKUPS.items():
        found = figures[name] = {"local": [], "remote": [], "same": True, "failed": None}
        for turn in range(runs + 1):
            answers = {}
            for side in ("local", "remote"):
                output = scratch / f"{side}.out" if "{output}" in arguments else None
                if output is not None:
                    output.unlink(missing_ok=True)
                where = ["--data", str(corpus)] if side == "local" else ["--endpoint", endpoint]
                command = [*scograph, *(a.replace("{output}", str(output)) for a in arguments), *where]
                finished, answers[side] = timed(command, env, timeout, output)
                if finished.code != 0:
                    found["failed"] = f"{side}: exit {finished.code}: " + \
                        (finished.stderr.strip().splitlines() or [""])[-1][:160]
                    break
                if turn:
                    found[side].append(finished.seconds)
            if found["failed"]:
                break
            found["same"] = found["same"] and answers["local"] == answers["remote"]
        harness.progress(f"{endpoint.split('?')[0]} {name}: {found}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--sizes", type=harness.parse_sizes, default=harness.parse_sizes("1M"),
                        help="corpora to push (default 1M); the lookups run on the first")
    parser.add_argument("--runs", type=int, default=3, help="alternating local/remote pairs per lookup (default 3)")
    parser.add_argument("--virtuoso", action="store_true",
                        help="also Virtuoso (Debian's virtuoso-opensource): bulk-loaded, then the same lookups")
    parser.add_argument("--corpus-dir", type=Path, default=harness.Options.corpus_dir)
    parser.add_argument("--timeout", type=float, default=1800.0, metavar="SECONDS")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)
    binary, scograph = oxigraph_binary(), harness.scograph_command()
    if binary is None or scograph is None:
        raise SystemExit("needs the `oxigraph` server binary and the `scograph` command (pip install -e '.[test]')")
    if args.virtuoso and not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        raise SystemExit("--virtuoso needs virtuoso-t and isql-vt (apt-get install virtuoso-opensource)")
    scratch = Path(tempfile.mkdtemp(prefix="scograph-server-bench."))
    env = harness.child_env(scratch / "cache", scratch / "pycache")
    figures: dict = {"environment": harness.report.environment(), "push": {}, "lookups": {}}
    first = harness.ensure_corpus(args.corpus_dir, args.sizes[0])
    try:
        with OxigraphServer(binary, scratch / "oxigraph") as server:
            for size in args.sizes:
                corpus = harness.ensure_corpus(args.corpus_dir, size)
                harness.spawn([*scograph, "demands", "--country", "TJ", "--data", str(corpus)], env, args.timeout,
                              keep_stdout=False)  # the prepared store, so that push's check does not index
                harness.progress(f"pushing {size.label} to {server.base}/store")
                command = [*scograph, "push", "--endpoint", server.base + "/store", "--data", str(corpus)]
                if size != args.sizes[0]:  # one named graph a further corpus: the default graph stays the first's
                    command += ["--graph", f"https://w3id.org/scograph/bench/{size.label}"]
                finished = harness.spawn(command, env, args.timeout)
                figures["push"][size.label] = {"seconds": finished.seconds, "peak_mb": finished.peak_mb,
                                               "corpus_mb": corpus.stat().st_size / 2**20, "code": finished.code,
                                               "message": finished.stderr.strip().splitlines()[-1:]}
                harness.progress(f"  {finished.seconds:.1f} s, peak {fmt_mb(finished.peak_mb)} MB, exit {finished.code}")
            figures["lookups"]["Oxigraph server"] = lookups(scograph, first, server.base + "/query", args.runs, env,
                                                            scratch, args.timeout)
        if args.virtuoso:
            with VirtuosoServer(scratch / "virtuoso") as virtuoso:
                figures["virtuoso_load"] = virtuoso.load(first, args.timeout)
                harness.progress(f"Virtuoso bulk load: {figures['virtuoso_load']}")
                figures["lookups"]["Virtuoso"] = lookups(scograph, first, virtuoso.query, args.runs, env, scratch,
                                                         args.timeout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(text(figures, args.sizes))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def text(figures: dict, sizes: list) -> str:
    lines = [f"Environment: {figures['environment']}; Oxigraph server on 127.0.0.1.", "",
             "| corpus | push s | push peak MB | corpus MB | exit |", "|---|---:|---:|---:|---|"]
    for label, push in figures["push"].items():
        lines.append(f"| {label} | {fmt_seconds(push['seconds'])} | {fmt_mb(push['peak_mb'])} | {fmt_mb(push['corpus_mb'])}"
                     f" | {push['code']} {' '.join(push['message'])[:120]} |")
    first = sizes[0].label
    found = []
    if "virtuoso_load" in figures:
        load = figures["virtuoso_load"]
        lines += ["", f"Virtuoso: {first} bulk-loaded (`ld_dir`, `rdf_loader_run`, `checkpoint`) in"
                  f" {fmt_seconds(load['seconds'])} s, exit {load['code']}."]
    for server, found_lookups in figures["lookups"].items():
        lines += ["", f"| lookup ({first}, {server}) | local s | --endpoint s | remote ÷ local (pairs) | same output |",
                  "|---|---:|---:|---:|---|"]
        for name, lookup in found_lookups.items():
            pairs = Paired.of(lookup["remote"], lookup["local"])
            local = statistics.median(lookup["local"]) if lookup["local"] else None
            remote = statistics.median(lookup["remote"]) if lookup["remote"] else None
            lines.append(f"| {name} | {fmt_seconds(local)} | {fmt_seconds(remote)} | {pairs} |"
                         f" {lookup['failed'] or ('yes' if lookup['same'] else 'NO')} |")
            goal = f"{first}: `{name}` with --endpoint ({server}) vs the local prepared store"
            if lookup["failed"] or pairs.median is None:
                found.append(Goal(goal, "≤ 2×, identical", lookup["failed"] or "not measured", NOT_RUN))
            else:
                ok = pairs.median <= 2 and lookup["same"]
                found.append(Goal(goal, "≤ 2×, identical", f"{fmt_seconds(remote)} s vs {fmt_seconds(local)} s: {pairs};"
                                  f" {'identical' if lookup['same'] else 'outputs differ'}", MET if ok else MISSED))
    pushes = sorted(((label, push) for label, push in figures["push"].items() if push["code"] == 0 and push["peak_mb"]),
                    key=lambda item: item[1]["corpus_mb"])  # the smaller corpus first
    if len(pushes) >= 2:
        (small, a), (large, b) = pushes[0], pushes[-1]
        growth = b["peak_mb"] / a["peak_mb"]
        found.append(Goal(f"push streams: peak RSS at {large} vs {small}", "≤ 1.2× (flat)",
                          f"{fmt_mb(b['peak_mb'])} MB vs {fmt_mb(a['peak_mb'])} MB = {fmt_ratio(growth)}"
                          f" (corpora {fmt_mb(b['corpus_mb'])} MB and {fmt_mb(a['corpus_mb'])} MB)",
                          MET if growth <= 1.2 else MISSED))
    elif pushes:
        label, push = pushes[0]
        found.append(Goal(f"push streams: peak RSS at {label}", "flat (needs two sizes: --sizes 1M,10M)",
                          f"{fmt_mb(push['peak_mb'])} MB for a {fmt_mb(push['corpus_mb'])} MB corpus", NOT_RUN))
    else:
        found.append(Goal("push streams", "flat", "push failed", NOT_RUN if not figures["push"] else MISSED))
    lines += ["", "Goals:", "", goals_table(found)]
    return "\n".join(lines) + "\n"



if __name__ == "__main__":
    sys.exit(main())

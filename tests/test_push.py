"""`scograph push` at scale: batches streamed to a real Oxigraph server that is killed and restarted mid-way,
named graphs by source, and a store without a writable default graph."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from scograph.cli import app

from .conftest import CLI, DATA
from .test_remote import _free_port

pytestmark = pytest.mark.server


class Oxigraph:
    """An `oxigraph serve` on 127.0.0.1 over a directory that outlives it: stopped and started again at will."""

    def __init__(self, location: Path):
        self.binary = shutil.which("oxigraph")
        if self.binary is None:
            pytest.fail("the oxigraph server is not installed; `pip install -e '.[test]'` installs it")
        self.location, self.port, self.process = location, _free_port(), None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "serve", "--location", str(self.location),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    pytest.fail("oxigraph did not start")
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def select(self, query: str) -> list[dict]:
        request = urllib.request.Request(f"{self.base}/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())["results"]["bindings"]

    def count(self, pattern: str = "?s ?p ?o") -> int:
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"]["value"])


@pytest.fixture
def oxigraph(tmp_path):
    server = Oxigraph(tmp_path / "store")
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, int]:
    """A synthetic corpus of 50 papers and how many triples it holds."""
    path = tmp_path_factory.mktemp("corpus") / "synth-50.ttl"
    subprocess.run([*CLI, "synth", "--papers", "50", "--output", str(path)], check=True, capture_output=True)
    return path, sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def _same_triples(server: Oxigraph, path: Path) -> None:
    """The store's default graph is the file's graph: the same count, every triple without a blank node,
    and as many list cells (blank nodes, renamed by the store) each with one first and one rest."""
    ours = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert server.count() == len(ours)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    request = urllib.request.Request(f"{server.base}/store?default", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        theirs = list(ox.parse(answer.read(), format=ox.RdfFormat.N_TRIPLES))

    def named_only(quads):
        return {str(q.triple) for q in quads if not isinstance(q.subject, ox.BlankNode)
                and not isinstance(q.object, ox.BlankNode)}

    assert named_only(theirs) == named_only(store)  # literals in the engine's canonical form on both sides
    cells = "?cell <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?x ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> ?y . FILTER(isBlank(?cell))"
    assert server.count(cells) == sum(1 for _ in store.query(f"SELECT * WHERE {{ {cells} }}"))


@pytest.mark.slow
def test_a_push_survives_the_store_restarting_mid_way(oxigraph, corpus):
    path, total = corpus
    push = subprocess.Popen([*CLI, "push", "--endpoint", f"{oxigraph.base}/store", "--data", str(path),
                             "--batch", "200"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while oxigraph.count() == 0:  # a batch or more has landed
            assert push.poll() is None, push.stderr.read()
            time.sleep(0.01)
        oxigraph.kill()
        time.sleep(1.0)  # the push finds no store for a while
        assert push.poll() is None, "the push ended while the store was down"
        oxigraph.start()
        landed = oxigraph.count()
        stdout, stderr = push.communicate(timeout=300)
    finally:
        push.kill()
    assert push.returncode == 0, stderr
    assert 0 < landed < total, landed  # the store stopped mid-way
    assert stdout == "" and stderr == f"pushed {total} triples to {oxigraph.base}/store?default\n"
    _same_triples(oxigraph, path)


@pytest.mark.slow
def test_a_push_that_cannot_reach_the_store_again_says_how_to_resume_and_resumes(oxigraph, corpus):
    path, total = corpus
    push = subprocess.Popen([*CLI, "push", "--endpoint", f"{oxigraph.base}/store", "--data", str(path),
                             "--batch", "200", "--retry-for", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        while oxigraph.count() == 0:
            time.sleep(0.01)
        oxigraph.kill()
        stdout, stderr = push.communicate(timeout=60)
    finally:
        push.kill()
    assert push.returncode == 4 and stdout == "" and stderr.count("\n") == 1, stderr
    assert stderr.startswith("Error: push stopped: cannot reach ")
    skip = int(stderr.rsplit("--skip ", 1)[1])
    assert 0 < skip < total and f"{skip:,} triples landed" in stderr
    oxigraph.start()
    assert oxigraph.count() >= skip  # what was reported as landed is there
    done = subprocess.run([*CLI, "push", "--endpoint", f"{oxigraph.base}/store", "--data", str(path),
                           "--skip", str(skip)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    _same_triples(oxigraph, path)


def test_a_push_in_small_batches_is_the_file_s_graph(runner, oxigraph):
    result = runner.invoke(app, ["push", "--endpoint", f"{oxigraph.base}/store", "--batch", "1000"])
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    _same_triples(oxigraph, DATA)
    again = runner.invoke(app, ["push", "--endpoint", f"{oxigraph.base}/store", "--batch", "3000"])
    assert again.exit_code == 0, again.stderr
    _same_triples(oxigraph, DATA)  # replaced, not added to: the list cells are not doubled


def test_push_by_source_writes_one_named_graph_per_source_as_the_trig_export(runner, oxigraph, graph, tmp_path):
    result = runner.invoke(app, ["push", "--endpoint", f"{oxigraph.base}/store", "--by-source"])
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    exported = tmp_path / "claims.trig"
    assert runner.invoke(app, ["export", "--format", "trig", "--output", str(exported)]).exit_code == 0
    dataset = ox.Dataset(ox.parse(path=str(exported), format=ox.RdfFormat.TRIG))
    names = {str(q.graph_name.value) for q in dataset if isinstance(q.graph_name, ox.NamedNode)}
    held = {row["g"]["value"] for row in oxigraph.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert held == names and len(names) > 1
    assert result.stderr == f"pushed {len(dataset)} triples to {len(names) + 1} graphs at {oxigraph.base}/store\n"
    assert oxigraph.count("GRAPH ?g { ?s ?p ?o }") == sum(1 for q in dataset if isinstance(q.graph_name, ox.NamedNode))
    union = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER(!isBlank(?s) && !isBlank(?o)) } }"
    local = graph.store.select(union)[0]["n"]
    assert int(oxigraph.select(union)[0]["n"]["value"]) == local


def test_push_by_source_puts_what_no_source_backs_into_the_graph_given(runner, oxigraph):
    rest = "https://example.org/graph/unsourced"
    result = runner.invoke(app, ["push", "--endpoint", f"{oxigraph.base}/store", "--by-source", "--graph", rest])
    assert result.exit_code == 0, result.stderr
    assert oxigraph.count() == 0 and oxigraph.count(f"GRAPH <{rest}> {{ ?s a <https://w3id.org/scograph/vocab#Theme> }}") > 0


@pytest.fixture
def no_default_graph():
    """A store that, like Virtuoso, answers a write to its default graph with 500 and an HTML page."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            asked.append(f"{self.command} {self.path}")
            status, body = ((500, b"<!DOCTYPE html>\n<html><body><h1>Error 500</h1><pre>SR325: default graph</pre></body></html>")
                            if self.path.endswith("default") else (204, b""))
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if body else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PUT = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield asked, f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud"
    server.shutdown()
    server.server_close()


def test_a_store_without_a_writable_default_graph_says_to_use_graph(runner, no_default_graph):
    asked, url = no_default_graph
    result = runner.invoke(app, ["push", "--endpoint", url])
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr == (f"Error: {url}?default answered 500 Internal Server Error: this store may have no "
                             f"writable default graph (Virtuoso has none); push to a named graph with --graph IRI\n")
    assert asked == ["PUT /sparql-graph-crud?default"]  # nothing more is sent once the store refuses
    named = runner.invoke(app, ["push", "--endpoint", url, "--graph", "https://example.org/claims"])
    assert named.exit_code == 0, named.stderr
    assert all("graph=https%3A%2F%2Fexample.org%2Fclaims" in line for line in asked[1:])


@pytest.mark.slow
def test_a_push_shows_a_bar_with_percentage_on_a_terminal_and_nothing_on_a_pipe(oxigraph, corpus):
    from .test_progress import _run

    path, total = corpus
    args = ["push", "--endpoint", f"{oxigraph.base}/store", "--data", str(path), "--batch", "5000"]
    on_terminal = _run(args, tty=True, cwd=path.parent)
    piped = _run(args, tty=False, cwd=path.parent)
    assert b"\x1b[" in on_terminal and b"pushing synth-50.ttl" in on_terminal and b"%" in on_terminal
    assert piped == f"pushed {total} triples to {oxigraph.base}/store?default\n".encode()


def test_a_store_that_never_answered_is_not_waited_for(runner):
    result = runner.invoke(app, ["push", "--endpoint", "http://127.0.0.1:1/store"])
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.startswith("Error: cannot reach http://127.0.0.1:1/store?default: ") and result.stderr.count("\n") == 1


def test_the_trig_export_pushes_as_by_source_does_streamed(runner, oxigraph, tmp_path):
    exported = tmp_path / "claims.trig"
    assert runner.invoke(app, ["export", "--format", "trig", "--output", str(exported)]).exit_code == 0
    result = runner.invoke(app, ["push", "--endpoint", f"{oxigraph.base}/store", "--data", str(exported),
                                 "--batch", "500"])
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    from_file = {(r["g"]["value"], r["n"]["value"]) for r in oxigraph.select(query)}
    in_default = oxigraph.count()
    dataset = ox.Dataset(ox.parse(path=str(exported), format=ox.RdfFormat.TRIG))
    assert result.stderr == f"pushed {len(dataset)} triples to {len(from_file) + 1} graphs at {oxigraph.base}/store\n"
    again = runner.invoke(app, ["push", "--endpoint", f"{oxigraph.base}/store", "--by-source"])
    assert again.exit_code == 0, again.stderr
    assert {(r["g"]["value"], r["n"]["value"]) for r in oxigraph.select(query)} == from_file
    assert oxigraph.count() == in_default > 0


def test_a_malformed_trig_file_is_a_data_error(runner, tmp_path):
    broken = tmp_path / "broken.trig"
    broken.write_text("<http://example.org/g> { <http://a> <http://b> ", encoding="utf-8")
    result = runner.invoke(app, ["push", "--endpoint", "http://127.0.0.1:1/store", "--data", str(broken)])
    assert result.exit_code == 3 and result.stderr.startswith(f"Error: {broken}: not valid RDF: Parser error at line 1")
    missing = runner.invoke(app, ["push", "--endpoint", "http://127.0.0.1:1/store", "--data", str(tmp_path / "no.trig")])
    assert missing.exit_code == 3 and missing.stderr == f"Error: no such TriG or N-Quads file: {tmp_path / 'no.trig'}\n"

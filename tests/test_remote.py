"""A real Oxigraph server on loopback: `scograph push` to it, then every lookup answers as locally."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from scograph.cli import app

from .conftest import DATA

LOOKUPS = [
    ["demands", "--country", "TJ"],
    ["demands", "--domain", "economic"],
    ["drivers"],
    ["drivers", "--level", "international"],
    ["responses"],
    ["actors", "--kind", "person"],
    ["show", "exp-tj-anti-drug-centre"],
    ["show", "chen-zeng-2019"],
    ["paths", "--country", "UZ"],
    ["search", "铁路"],
    ["stats"],
    ["sparql", "demands-by-country", "--param", "country=KG"],
    ["sparql", "chains", "--param", "country=TJ"],
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server is not installed; `pip install -e '.[test]'` installs it")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"oxigraph did not start: {process.stderr.read().decode()[:500]}")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def pushed(oxigraph_server):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["push", "--endpoint", f"{oxigraph_server}/store", "--data", str(DATA)])
    assert result.exit_code == 0, result.stderr
    assert "pushed" in result.stderr and result.stdout == ""
    return f"{oxigraph_server}/query"


@pytest.mark.parametrize("args", LOOKUPS, ids=lambda a: " ".join(a))
def test_remote_lookups_equal_local_json(runner, pushed, args):
    local = runner.invoke(app, [*args, "--format", "json", "--data", str(DATA)])
    remote = runner.invoke(app, [*args, "--format", "json", "--endpoint", pushed])
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    local_answer, remote_answer = json.loads(local.stdout), json.loads(remote.stdout)
    if args[0] == "sparql":  # SPARQL JSON results: the same solutions, in any order
        local_answer = sorted(map(json.dumps, local_answer["results"]["bindings"]))
        remote_answer = sorted(map(json.dumps, remote_answer["results"]["bindings"]))
    assert remote_answer == local_answer
    assert remote_answer  # and something was answered


def test_remote_errors_are_the_same_one_liners(runner, pushed):
    result = runner.invoke(app, ["demands", "--country", "Atlantis", "--endpoint", pushed])
    assert result.exit_code == 2 and "unknown country 'Atlantis'" in result.stderr


def test_push_to_a_named_graph_then_query_it(runner, oxigraph_server):
    graph = "https://w3id.org/scograph/graph/chen-zeng-2019"
    result = runner.invoke(app, ["push", "--endpoint", f"{oxigraph_server}/store", "--graph", graph])
    assert result.exit_code == 0, result.stderr
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s a <https://w3id.org/scograph/vocab#Expectation> }} }}"
    request = urllib.request.Request(f"{oxigraph_server}/query", data=query.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+json"})
    answer = json.loads(urllib.request.urlopen(request, timeout=10).read())
    assert int(answer["results"]["bindings"][0]["n"]["value"]) >= 35


def test_unreachable_endpoint_is_a_one_line_error(runner):
    port = _free_port()  # nothing listens there
    result = runner.invoke(app, ["demands", "--endpoint", f"http://127.0.0.1:{port}/query"])
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.startswith("Error: cannot reach") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("url", ["ftp://example.org/sparql", "not a url", "http://"])
def test_bad_endpoint_urls_are_usage_errors(runner, url):
    result = runner.invoke(app, ["demands", "--endpoint", url])
    assert result.exit_code == 2 and "not an http(s) endpoint URL" in result.stderr


def test_data_and_endpoint_together_is_a_usage_error(runner):
    result = runner.invoke(app, ["demands", "--data", str(DATA), "--endpoint", "http://127.0.0.1:9/query"])
    assert result.exit_code == 2 and "either --data FILE or --endpoint URL" in result.stderr


def test_push_refuses_a_relative_graph_iri(runner):
    result = runner.invoke(app, ["push", "--endpoint", "http://127.0.0.1:9/store", "--graph", "my graph"])
    assert result.exit_code == 2 and "not an absolute IRI" in result.stderr

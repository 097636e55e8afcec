"""A real Oxigraph server on loopback: `scograph push` to it, then every lookup answers as locally."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from scograph import queries
from scograph.cli import app

from .conftest import DATA
from .test_queries import CASES

pytestmark = pytest.mark.server

LOOKUPS = [
    ["demands", "--country", "TJ"],
    ["demands", "--domain", "economic"],
    ["drivers"],
    ["drivers", "--level", "international"],
    ["responses"],
    ["actors", "--kind", "person"],
    ["demands", "--theme", "drugs", "--since", "2019-04", "--sort", "-date", "--limit", "3"],
    ["drivers", "--theme", "afghanistan", "--level", "regional"],
    ["demands", "--speaker", "rahmon", "--source", "src-tass-2019-04-17-putin-rahmon-afghanistan"],
    ["findings", "--theme", "theme-afghanistan", "--stance", "concerned"],
    ["actors", "--theme", "drugs", "--sort", "label"],
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


@pytest.mark.slow
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


@pytest.mark.slow
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


# ------------------------------------------------------------------------- `sparql` over --endpoint, every form


FORMATS = {"SELECT": ["table", "json", "csv", "tsv"], "ASK": ["table", "json", "csv", "tsv"],
           "CONSTRUCT": ["turtle", "nt", "jsonld"], "DESCRIBE": ["turtle", "nt", "jsonld"]}
RDF_SYNTAX = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


def _both(runner, endpoint: str, args: list[str], fmt: str) -> tuple[str, str]:
    local = runner.invoke(app, ["sparql", *args, "--format", fmt, "--data", str(DATA)])
    remote = runner.invoke(app, ["sparql", *args, "--format", fmt, "--endpoint", endpoint])
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert remote.stderr == local.stderr == ""
    # The bytes written: .stdout would turn CSV's CRLF line ends into LF.
    return local.stdout_bytes.decode("utf-8"), remote.stdout_bytes.decode("utf-8")


NAMED_CASES = [(name, params) for name, params in CASES]


@pytest.mark.slow
@pytest.mark.parametrize("name,params", NAMED_CASES, ids=[f"{n}:{','.join(p)}" for n, p in NAMED_CASES])
def test_named_queries_over_an_endpoint_print_as_locally_byte_for_byte(runner, pushed, name, params):
    # Every named SELECT has an ORDER BY, both ends are Oxigraph on the same triples (so
    # even ties come in the same order) and the data has no blank nodes: the same bytes.
    args = [name, *[a for key, value in params.items() for a in ("--param", f"{key}={value}")]]
    form = queries.query_form(queries.named_query(name))
    for fmt in FORMATS[form]:
        local, remote = _both(runner, pushed, args, fmt)
        assert remote == local, (fmt, name, params)
        assert local.strip()


# Ad hoc queries use the default prefixes (sco:, scoid:, rdfs:, prov:) without declaring them.
ASKS = {
    "ASK { scoid:tj a sco:State ; rdfs:label ?label }": "true",
    "PREFIX sco: <https://w3id.org/scograph/vocab#>\nASK { scoid:tj a sco:Expectation }": "false",
}
GRAPHS = [
    "DESCRIBE scoid:exp-tj-anti-drug-centre",
    "DESCRIBE ?e WHERE { ?e sco:holder scoid:kg }",
    "CONSTRUCT { ?e sco:holder ?c ; rdfs:label ?l } WHERE { ?e a sco:Expectation ; sco:holder ?c ; rdfs:label ?l }",
]


@pytest.mark.parametrize("text,answer", ASKS.items(), ids=["true", "false"])
def test_an_ask_over_an_endpoint_prints_as_locally(runner, pushed, text, answer):
    for fmt in FORMATS["ASK"]:
        local, remote = _both(runner, pushed, ["--query", text], fmt)
        assert remote == local
    assert local == answer + "\n"
    assert json.loads(_both(runner, pushed, ["--query", text], "json")[1]) == {"head": {}, "boolean": answer == "true"}


@pytest.mark.parametrize("text", GRAPHS, ids=["describe", "describe-where", "construct"])
def test_a_construct_or_describe_over_an_endpoint_prints_as_locally(runner, pushed, text):
    # Without blank nodes a graph prints from its sorted N-Triples: the same bytes.
    for fmt in FORMATS["CONSTRUCT"]:
        local, remote = _both(runner, pushed, ["--query", text], fmt)
        assert remote == local, fmt
        assert local.strip()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
def test_blank_nodes_over_an_endpoint_are_the_same_graph(runner, pushed):
    # Each engine names the blank nodes it builds as it likes: the graphs are isomorphic, the labels differ.
    text = "CONSTRUCT { [] a prov:Entity ; prov:wasDerivedFrom ?e } WHERE { ?e sco:holder scoid:tj }"
    for fmt in FORMATS["CONSTRUCT"]:
        local, remote = _both(runner, pushed, ["--query", text], fmt)
        ours, theirs = Graph().parse(data=local, format=RDF_SYNTAX[fmt]), Graph().parse(data=remote, format=RDF_SYNTAX[fmt])
        assert len(ours) > 2 and isomorphic(ours, theirs), fmt


def test_a_select_without_order_over_an_endpoint_has_the_same_rows(runner, pushed):
    # Without ORDER BY each engine gives the rows in its own order: the same lines, sorted.
    text = 'SELECT ?e ?l WHERE { ?e a sco:Expectation ; rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "zh")) }'
    for fmt in FORMATS["SELECT"]:
        local, remote = _both(runner, pushed, ["--query", text], fmt)
        if fmt == "json":
            local, remote = (sorted(map(json.dumps, json.loads(out)["results"]["bindings"])) for out in (local, remote))
        else:
            local, remote = sorted(local.splitlines()), sorted(remote.splitlines())
        assert remote == local and len(local) > 10, fmt


def test_only_the_undeclared_default_prefixes_are_written_out_on_the_first_line():
    # A comment naming a prefix declares none; the added declarations end in no newline,
    # so that an endpoint's error messages give the query's own line numbers.
    text = "# PREFIX sco: <x>\nPREFIX scoid: <urn:mine:>\nprefix rdf:<urn:rdf:>\nSELECT * WHERE { ?s ?p ?o }"
    sent = queries.declare_prefixes(text)
    added = sent[:-len(text)]
    assert sent.endswith(text) and "\n" not in added
    assert re.findall(r"PREFIX (\w*):", added) == [p for p in queries.PREFIXES if p not in ("scoid", "rdf")]
    every = "".join(f"PREFIX {p}: <{n}>\n" for p, n in queries.PREFIXES.items()) + "ASK {}"
    assert queries.declare_prefixes(every) == every


def test_a_remote_select_needs_no_rdflib(pushed):
    script = ("import sys\nfrom scograph.cli import main\n"
              "sys.argv = ['scograph', 'sparql', 'chains', '-p', 'country=TJ', '-f', 'json', '--endpoint', sys.argv[1]]\n"
              "try:\n    main()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
              "print('rdflib' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script, pushed], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["results"]["bindings"]
    assert done.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p ?o } LIMIT 1", "ASK { ?s ?p ?o }",
                                  "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE scoid:tj"])
def test_sparql_on_an_unreachable_endpoint_is_a_one_line_error(runner, text):
    port = _free_port()  # nothing listens there
    result = runner.invoke(app, ["sparql", "--query", text, "--endpoint", f"http://127.0.0.1:{port}/query"])
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.startswith("Error: cannot reach") and result.stderr.count("\n") == 1


def test_sparql_on_a_refusing_endpoint_is_a_one_line_error(runner, oxigraph_server):
    result = runner.invoke(app, ["sparql", "--query", "ASK {}", "--endpoint", f"{oxigraph_server}/nothing"])
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {oxigraph_server}/nothing answered 404") and result.stderr.count("\n") == 1


@pytest.fixture
def fake_endpoint():
    """An endpoint that answers every POST with the status, media type and body the test sets."""
    answer = {"status": 200, "type": "application/sparql-results+json", "body": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(answer["status"])
            self.send_header("Content-Type", answer["type"])
            self.send_header("Content-Length", str(len(answer["body"])))
            self.end_headers()
            self.wfile.write(answer["body"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield answer, f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("text,media_type,body,message", [
    ("SELECT * WHERE { ?s ?p ?o }", "text/html", b"<html>busy</html>", "answered text/html, not SPARQL results"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "text/html", b"<html>busy</html>", "answered text/html, not an RDF graph"),
    ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "resu',
     "the answer is not valid"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples", b"<a> <b> <c> .\n", "the answer is not valid N-Triples"),
    ("ASK { ?s ?p ?o }", "application/sparql-results+json", b'{"head": {"vars": []}, "results": {"bindings": []}}',
     "answered the ASK query with solutions"),
    ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+xml", b'<?xml version="1.0"?>\n'
     b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>true</boolean></sparql>',
     "answered the SELECT query with a boolean"),
])
def test_an_answer_that_cannot_be_read_is_a_one_line_error(runner, fake_endpoint, text, media_type, body, message):
    answer, url = fake_endpoint
    answer.update(type=media_type, body=body)
    result = runner.invoke(app, ["sparql", "--query", text, "--endpoint", url])
    assert result.exit_code == 4 and result.stdout == "", result.stdout
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_an_endpoint_may_answer_in_xml_or_turtle(runner, fake_endpoint):
    answer, url = fake_endpoint
    answer.update(type="application/sparql-results+xml", body=(
        b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/>'
        b'</head><results><result><binding name="s"><uri>https://w3id.org/scograph/id/tj</uri></binding></result>'
        b'</results></sparql>'))
    result = runner.invoke(app, ["sparql", "--query", "SELECT ?s WHERE { ?s ?p ?o }", "-f", "csv", "--endpoint", url])
    assert result.exit_code == 0 and result.stdout_bytes == b"s\r\nhttps://w3id.org/scograph/id/tj\r\n", result.stderr
    answer.update(type="text/turtle; charset=utf-8", body=b"@prefix sco: <https://w3id.org/scograph/vocab#> .\n"
                  b"<https://w3id.org/scograph/id/tj> a sco:State .\n")
    result = runner.invoke(app, ["sparql", "--query", "DESCRIBE scoid:tj", "-f", "nt", "--endpoint", url])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("<https://w3id.org/scograph/id/tj> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                             "<https://w3id.org/scograph/vocab#State> .\n")


@pytest.mark.parametrize("layout", ["where-on-its-own-line", "no-where", "comment-naming-where", "ask-without-where"])
def test_parameters_are_bound_on_an_endpoint_whatever_the_layout_of_the_where_group(runner, pushed, tmp_path, layout):
    from .test_queries import WHERE_LAYOUTS

    path = tmp_path / "holds.rq"
    path.write_text("# title: Holders\n# param country: country = TJ\n" + WHERE_LAYOUTS[layout], encoding="utf-8")
    for fmt in ("csv", "json"):
        local, remote = _both(runner, pushed, [str(path), "-p", "country=KG"], fmt)
        assert remote == local and ("true" in local if layout.startswith("ask") else "exp-kg-" in local), (fmt, local)


def test_an_id_that_is_not_an_id_is_refused_before_the_endpoint_is_asked(runner, pushed):
    # Nothing of the text reaches the endpoint: the id is checked first (the suggestions ask for the ids).
    for args in (["show", "x> } SERVICE <http://127.0.0.1:9/> { ?x a ?class } } #"],
                 ["paths", "--from", "a b"], ["sparql", "describe-entity", "-p", "entity=a>b"]):
        result = runner.invoke(app, [*args, "--endpoint", pushed])
        assert result.exit_code == 2 and "not an id" in result.stderr and result.stderr.count("\n") == 1, result.stderr


# ------------------------------------------------------------------------- `export` over --endpoint


EXPORTS = [
    *[["--format", fmt, "--network", network] for network in ("full", "chains", "actor-theme", "actor-congruence",
                                                               "theme-cooccurrence") for fmt in ("graphml", "gexf", "csv")],
    ["--format", "gexf", "--network", "full", "--country", "TJ", "--since", "2019"],
    ["--format", "graphml", "--network", "chains", "--domain", "security", "--no-group-demands"],
    ["--format", "csv", "--network", "actor-congruence", "--normalize", "jaccard", "--country", "KZ"],
    ["--format", "statements"],
    ["--format", "statements", "--country", "UZ", "--until", "2019-03"],
    *[["--format", fmt] for fmt in ("ttl", "nt", "trig", "jsonld")],
    ["--format", "graphml", "--network", "actor-concept"],
    ["--format", "dl", "--network", "actor-actor"],
    ["--format", "gexf", "--network", "driver-demand-response"],
]


@pytest.mark.slow
@pytest.mark.parametrize("args", EXPORTS, ids=lambda a: " ".join(a))
def test_remote_exports_equal_local_byte_for_byte(runner, pushed, tmp_path, args):
    written = {}
    for where, source in (("local", ["--data", str(DATA)]), ("remote", ["--endpoint", pushed])):
        result = runner.invoke(app, ["export", *args, "--output", str(tmp_path / where), *source])
        assert result.exit_code == 0, result.stderr
        written[where] = {path.name.replace(where, "X"): path.read_bytes() for path in tmp_path.glob(f"{where}*")}
    assert written["remote"] == written["local"]
    assert all(written["local"].values()) and written["local"]

"""`scograph serve` on a free loopback port, queried by real clients: SPARQLWrapper, rdflib's
SPARQLStore, the CLI's --endpoint, urllib and raw sockets."""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from scograph import queries
from scograph.cli import app
from scograph.cli import serve as cli_serve  # noqa: F401 - the `scograph serve` command
from scograph.server import (
    BackgroundServer,
    ServerSettings,
    is_loopback,
    prefilled_text,
)
from scograph.terms import SPARQL_PREFIXES

from .conftest import DATA
from .test_remote import LOOKUPS

pytestmark = pytest.mark.server

SCO = Namespace("https://w3id.org/scograph/vocab#")
ID = Namespace("https://w3id.org/scograph/id/")
ANTI_DRUG_QUOTE = "塔吉克斯坦还认为迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议，以协调这方面的行动。"
LIMITS = dict(workers=3, timeout=2.0, max_rows=5000, max_request_bytes=16 * 1024, request_timeout=3.0,
              max_connections=16, quiet=True)
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@contextlib.contextmanager
def running_server(**overrides):
    """A server on a free loopback port (the test limits, changed by ``overrides``): yields (server, base URL)."""
    background = BackgroundServer(ServerSettings(**({"port": 0, "data": DATA} | LIMITS | overrides)))
    base = background.start()
    try:
        yield background.server, base
    finally:
        background.stop()


@pytest.fixture(scope="module")
def served(private_cache):
    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def base(served) -> str:
    return served[1]


@pytest.fixture(scope="module")
def endpoint(base) -> str:
    return base + "sparql"


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None,
          timeout: float = 30) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()  # case-insensitive names
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def query_url(endpoint: str, query: str, **params: str) -> str:
    return endpoint + "?" + urllib.parse.urlencode({"query": query, **params})


def read_until_closed(connection: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = connection.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def raw_request(base: str, request: bytes, *, timeout: float = 15) -> bytes:
    """Send bytes over a fresh socket, say that is all, and read until the server closes it."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    with socket.create_connection((host, port), timeout=timeout) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        return read_until_closed(connection)


def statuses(response: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"(?m)^HTTP/1\.[01] (\d{3}) ", response)]


def local_rows(graph, query: str) -> list[tuple]:
    return sorted(tuple(row) for row in graph.rdf.query(SPARQL_PREFIXES + query))


def _listener():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    return listener


def _nobody_called(listener) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


# --------------------------------------------------------------------- safe defaults and the command


def test_defaults_are_safe(served):
    defaults = ServerSettings()
    assert defaults.host == "127.0.0.1" and defaults.timeout == 10 and defaults.max_rows == 10_000
    server, _ = served
    assert server.server_address[0] == "127.0.0.1"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_serve_command_defaults_are_the_servers():
    import typer.main

    command = typer.main.get_command(app).get_command(None, "serve")  # the lazy group builds it when asked
    defaults = {parameter.name: parameter.default for parameter in command.params}
    settings = ServerSettings()
    assert (defaults["host"], defaults["port"], defaults["timeout"], defaults["max_rows"], defaults["max_request_bytes"],
            defaults["workers"], defaults["worker_memory"]) == (
        settings.host, settings.port, settings.timeout, settings.max_rows, settings.max_request_bytes,
        settings.workers, settings.worker_memory_mb)


@pytest.mark.slow
def test_serve_command_listens_on_loopback_and_stops_on_ctrl_c(private_cache):
    command = [sys.executable, "-c", "import scograph.cli.serve; from scograph.cli import app; app()",
               "serve", "--port", "0", "--workers", "1", "--quiet", "--data", str(DATA)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)  # never hangs the suite
    watchdog.start()
    try:
        line = process.stderr.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        base = re.search(r"serving (\S+)", line).group(1)
        status, _, body = fetch(query_url(base + "sparql", "ASK { scoid:tj sco:alpha2 \"TJ\" }"),
                                headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        watchdog.cancel()
        process.kill()
    assert process.returncode == 0
    assert stdout == "" and "stopped" in stderr


@pytest.mark.parametrize("args,message", [
    (["--workers", "0"], "--workers must be between 1 and 64"),
    (["--timeout", "0"], "--timeout must be a positive number"),
    (["--data", "no-such-file.ttl"], "no such Turtle file: no-such-file.ttl"),
])
def test_serve_rejects_bad_settings(runner, args, message):
    result = runner.invoke(app, ["serve", "--port", "0", *args])
    assert result.exit_code in (2, 3)
    assert result.stderr.startswith("Error: ") and message in result.stderr and "Traceback" not in result.stderr


def test_serve_names_a_port_in_use(runner):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = runner.invoke(app, ["serve", "--port", str(taken.getsockname()[1]), "--quiet"])
    assert result.exit_code == 2
    assert "is in use; choose another with --port" in result.stderr


# --------------------------------------------------------------------- answers equal the local CLI's

REQUIRED_VALUES = {
    "actor-profile": {"actor": "uz"},
    "describe-entity": {"entity": "exp-tj-anti-drug-centre"},
    "quotes-containing": {"text": "禁毒"},
    "source-backing": {"source": "src-inforos-2019-tajikistan-sco-vision"},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", [q.name for q in queries.named_queries()])
def test_named_queries_answer_as_the_local_cli(runner, graph, endpoint, name):
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    query = queries.named_query(name)
    given_values = REQUIRED_VALUES.get(name, {})
    # The text the home page's form holds, with these values as defaults.
    bound = replace(query, parameters=tuple(replace(p, default=given_values.get(p.name, p.default))
                                            for p in query.parameters))
    text = prefilled_text(bound, graph)
    local_args = ["sparql", name, *[f"--param={k}={v}" for k, v in given_values.items()], "--data", str(DATA)]
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.queryType = queries.query_form(query)  # SPARQLWrapper guesses from keywords, even in comments ("addressed")
    client.setMethod(POST)
    if queries.query_form(query) in ("SELECT", "ASK"):
        client.setReturnFormat(JSON)
        remote = client.queryAndConvert()
        local = runner.invoke(app, [*local_args, "--format", "json"])
        assert local.exit_code == 0, local.stderr
        expected = json.loads(local.stdout)
        canonical = lambda doc: sorted(json.dumps(b, sort_keys=True, ensure_ascii=False)  # noqa: E731
                                       for b in doc["results"]["bindings"])
        assert remote["head"]["vars"] == expected["head"]["vars"]
        assert canonical(remote) == canonical(expected)
        assert remote["results"]["bindings"]  # each named query answers something on the real data
    else:
        client.setReturnFormat(TURTLE)
        remote = Graph().parse(data=client.queryAndConvert(), format="turtle")
        local = runner.invoke(app, [*local_args, "--format", "nt"])
        assert local.exit_code == 0, local.stderr
        assert isomorphic(remote, Graph().parse(data=local.stdout, format="nt")) and len(remote) > 0


@pytest.mark.slow
@pytest.mark.parametrize("args", LOOKUPS, ids=lambda a: " ".join(a))
def test_cli_lookups_through_the_server_equal_local(runner, endpoint, args):
    local = runner.invoke(app, [*args, "--format", "json", "--data", str(DATA)])
    remote = runner.invoke(app, [*args, "--format", "json", "--endpoint", endpoint])
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout) and remote.stdout


# --------------------------------------------------------------------- every content type

SELECT_TJ_SECURITY = """SELECT ?demand ?label ?page ?speaker WHERE {
  ?demand sco:holder scoid:tj ; sco:domain sco:security ; rdfs:label ?label ; sco:evidence ?ev .
  ?ev sco:page ?page . OPTIONAL { ?demand sco:speaker ?speaker } }"""


@pytest.mark.parametrize("fmt,parser,media", [
    ("JSON", "json", "application/sparql-results+json"),
    ("XML", "xml", "application/sparql-results+xml"),
    ("CSV", "csv", "text/csv"),
    ("TSV", "tsv", "text/tab-separated-values"),
])
def test_select_results_in_every_format(graph, endpoint, fmt, parser, media):
    import SPARQLWrapper

    client = SPARQLWrapper.SPARQLWrapper(endpoint)
    client.setQuery(SPARQL_PREFIXES + SELECT_TJ_SECURITY)
    client.setReturnFormat(getattr(SPARQLWrapper, fmt))
    response = client.query().response
    assert response.headers["Content-Type"].startswith(media)
    parsed = Result.parse(io.BytesIO(response.read()), format=parser)
    rows = sorted(tuple(row) for row in parsed)
    expected = local_rows(graph, SELECT_TJ_SECURITY)
    assert len(rows) == len(expected) > 10
    assert any(row[3] is None for row in expected) and any(row[3] is not None for row in expected)
    if parser == "csv":  # CSV carries lexical forms only
        assert rows == sorted(tuple(t if t is None or isinstance(t, URIRef) else Literal(str(t)) for t in row)
                              for row in expected)
    else:
        assert rows == expected
        assert (ID["exp-tj-anti-drug-centre"], Literal("It is urgently necessary to implement Tajikistan's proposal "
                                                       "to set up an SCO anti-drug centre in Dushanbe", lang="en"), Literal(99), None) in rows


@pytest.mark.parametrize("accept,parser", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { scoid:exp-tj-anti-drug-centre ?p ?o }",
                                  "DESCRIBE scoid:exp-tj-anti-drug-centre"])
def test_graph_results_in_every_format(graph, endpoint, accept, parser, form):
    status, headers, body = fetch(query_url(endpoint, form), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    remote = Graph().parse(data=body, format=parser)
    if form.startswith("CONSTRUCT"):
        assert isomorphic(remote, graph.rdf.query(SPARQL_PREFIXES + form).graph)
    assert (ID["exp-tj-anti-drug-centre"], SCO.holder, ID.tj) in remote


def test_sparqlwrapper_converts_graphs_in_turtle_json_ld_and_rdf_xml(graph, endpoint):
    from SPARQLWrapper import JSONLD, RDFXML, TURTLE, SPARQLWrapper

    expected = graph.rdf.query(SPARQL_PREFIXES + "CONSTRUCT WHERE { scoid:tj ?p ?o }").graph
    for fmt in (TURTLE, JSONLD, RDFXML):
        client = SPARQLWrapper(endpoint)
        client.setQuery(SPARQL_PREFIXES + "CONSTRUCT WHERE { scoid:tj ?p ?o }")
        client.setReturnFormat(fmt)
        converted = client.queryAndConvert()  # bytes of Turtle; an rdflib graph for JSON-LD and RDF/XML
        remote = Graph()
        if isinstance(converted, Graph):
            remote += converted
        else:
            remote.parse(data=converted, format="turtle")
        assert isomorphic(remote, expected), fmt


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_in_json_and_xml(endpoint, accept):
    for query, answer in (("ASK { scoid:exp-tj-anti-drug-centre sco:holder scoid:tj }", True),
                          ("ASK { scoid:exp-tj-anti-drug-centre sco:holder scoid:kz }", False)):
        status, _, body = fetch(query_url(endpoint, query), headers={"Accept": accept})
        assert status == 200
        assert Result.parse(io.BytesIO(body), format="json" if "json" in accept else "xml").askAnswer is answer


def test_post_forms_of_the_protocol(endpoint):
    query = "SELECT ?code WHERE { scoid:uz sco:alpha3 ?code }"
    for data, content_type in ((query.encode(), "application/sparql-query"),
                               (urllib.parse.urlencode({"query": query}).encode(), "application/x-www-form-urlencoded")):
        status, _, body = fetch(endpoint, data=data, headers={"Content-Type": content_type,
                                                              "Accept": "application/sparql-results+json"})
        assert status == 200
        assert json.loads(body)["results"]["bindings"] == [{"code": {"type": "literal", "value": "UZB"}}]


def test_rdflib_sparqlstore_reads_the_graph(graph, endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(endpoint))
    assert set(remote.triples((ID.tj, None, None))) == set(graph.rdf.triples((ID.tj, None, None)))
    rows = sorted(tuple(r) for r in remote.query(SPARQL_PREFIXES + SELECT_TJ_SECURITY))
    assert rows == local_rows(graph, SELECT_TJ_SECURITY)
    assert remote.query(SPARQL_PREFIXES + "ASK { scoid:tj sco:alpha2 'TJ' }").askAnswer is True
    built = remote.query(SPARQL_PREFIXES + "CONSTRUCT WHERE { scoid:tj ?p ?o }").graph
    assert isomorphic(built, graph.rdf.query(SPARQL_PREFIXES + "CONSTRUCT WHERE { scoid:tj ?p ?o }").graph)


def test_html_results_for_a_browser(endpoint):
    status, headers, body = fetch(query_url(endpoint, SELECT_TJ_SECURITY),
                                  headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'href="/id/exp-tj-anti-drug-centre"' in page and "<textarea" in page


def test_unacceptable_type_is_406(endpoint):
    status, _, body = fetch(query_url(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 1"), headers={"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body


@pytest.mark.parametrize("accept,parser", [(None, "turtle"), ("application/ld+json", "json-ld"),
                                           ("application/n-triples", "nt")])
def test_service_description(base, endpoint, accept, parser):
    status, headers, body = fetch(endpoint, headers={"Accept": accept} if accept else {})
    assert status == 200
    description = Graph().parse(data=body, format=parser)
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = URIRef(endpoint)
    assert (service, sd.endpoint, service) in description
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in description
    assert (service, sd.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in description


# --------------------------------------------------------------------- refusals


@pytest.fixture
def listener():
    """A loopback port that a refused query names: nothing may ever connect to it."""
    with contextlib.closing(_listener()) as listening:
        yield listening, f"http://127.0.0.1:{listening.getsockname()[1]}"


@pytest.mark.parametrize("make", [
    lambda far: ("query", f"SELECT * WHERE {{ SERVICE <{far}/sparql> {{ ?s ?p ?o }} }}", "SERVICE"),
    lambda far: ("query", f"SELECT * WHERE {{ SERVICE SILENT <{far}/sparql> {{ ?s ?p ?o }} }}", "SERVICE"),
    lambda far: ("query", f"SELECT * WHERE {{ ?x sco:holder ?h OPTIONAL {{ SERVICE <{far}/q> {{ ?h ?p ?o }} }} }}", "SERVICE"),
    lambda far: ("query", f"LOAD <{far}/data.ttl>", "LOAD"),
    lambda far: ("query", f"LOAD SILENT <{far}/data.ttl> INTO GRAPH <urn:g>", "LOAD"),
    lambda far: ("query", f"SELECT * FROM <{far}/graph.ttl> WHERE {{ ?s ?p ?o }}", "is not a graph of this store"),
    lambda far: ("query", f"SELECT * FROM NAMED <{far}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "is not a graph"),
    lambda far: ("default-graph-uri", f"{far}/graph.ttl", "is not a graph of this store"),
    lambda far: ("named-graph-uri", f"{far}/graph.ttl", "is not a graph of this store"),
], ids=["service", "service-silent", "nested-service", "load", "load-silent", "from", "from-named",
        "default-graph-uri", "named-graph-uri"])
def test_no_outbound_traffic(endpoint, listener, make):
    listening, far = listener
    parameter, value, reason = make(far)
    params = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"} | {parameter: value}
    status, _, body = fetch(endpoint + "?" + urllib.parse.urlencode(params))
    assert status == 403
    assert reason in body.decode() and ("never fetches" in body.decode() or "read-only" in body.decode())
    assert _nobody_called(listening)


@pytest.mark.parametrize("how", ["sparql-update body", "update form field", "update in the query parameter",
                                 "update in a sparql-query body"])
def test_updates_are_refused_and_change_nothing(graph, endpoint, how):
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    requests = {
        "sparql-update body": dict(data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        "update form field": dict(data=urllib.parse.urlencode({"update": update}).encode(),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"}),
        "update in the query parameter": dict(data=None, headers={}),
        "update in a sparql-query body": dict(data=update.encode(), headers={"Content-Type": "application/sparql-query"}),
    }[how]
    url = query_url(endpoint, update) if how == "update in the query parameter" else endpoint
    status, _, body = fetch(url, **requests)
    assert status == 403 and "read-only" in body.decode()
    status, _, body = fetch(query_url(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                            headers={"Accept": "application/sparql-results+json"})
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(graph.rdf)


def test_rdflib_update_store_is_refused(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
    with pytest.raises(urllib.error.HTTPError) as refused:
        store.update("DELETE WHERE { ?s ?p ?o }")
    assert refused.value.code == 403


def test_syntax_error_is_400_with_the_parsers_place(endpoint):
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed) as bad:
        client.query()
    assert "SPARQL syntax error at line 1, column 18" in str(bad.value)
    status, _, body = fetch(query_url(endpoint, "SELECT ?x\nWHERE { ?x sco:holder }"))
    assert status == 400 and body.decode().startswith("SPARQL syntax error at line 2, column ")
    status, _, body = fetch(query_url(endpoint, "SELECT * WHERE { ?s nope:p ?o }"))
    assert status == 400 and "Prefix not found" in body.decode()


def test_codepoint_escapes_are_refused(endpoint):
    status, _, body = fetch(query_url(endpoint, "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"))
    assert status == 400 and "codepoint escapes" in body.decode()


def test_request_size_caps(base, endpoint):
    too_long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (17 * 1024)
    status, _, body = fetch(endpoint, data=too_long.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 413 and "16384" in body.decode()
    status, _, _ = fetch(query_url(endpoint, too_long))
    assert status == 414
    huge = raw_request(base, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                             b"Content-Length: 1000000000000\r\n\r\nASK {}")
    assert statuses(huge) == [413]
    status, _, _ = fetch(query_url(endpoint, "ASK {}"))
    assert status == 200


def test_result_rows_are_capped(endpoint):
    status, headers, body = fetch(query_url(endpoint, "SELECT * WHERE { ?s ?p ?o }"),
                                  headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Scograph-Truncated"] == "5000 rows"
    assert len(json.loads(body)["results"]["bindings"]) == 5000
    status, headers, body = fetch(query_url(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }"), headers={"Accept": "application/n-triples"})
    assert headers["Scograph-Truncated"] == "5000 triples" and len(body.decode().strip().splitlines()) == 5000


def test_a_runaway_query_is_stopped_while_other_clients_get_answers(served, endpoint):
    server, _ = served
    events: list[tuple[str, int]] = []
    lock = threading.Lock()

    def runaway():
        status, _, body = fetch(query_url(endpoint, EXPLOSIVE))
        with lock:
            events.append(("runaway", status, body.decode()))

    thread = threading.Thread(target=runaway)
    thread.start()
    for _ in range(200):  # until a worker has taken the runaway query
        if server.workers.idle() < LIMITS["workers"]:
            break
        time.sleep(0.01)
    for _ in range(3):
        status, _, body = fetch(query_url(endpoint, "SELECT ?code WHERE { scoid:tj sco:alpha3 ?code }"),
                                headers={"Accept": "application/sparql-results+json"})
        with lock:
            events.append(("quick", status, json.loads(body)["results"]["bindings"][0]["code"]["value"]))
    thread.join(timeout=60)
    assert [e[0] for e in events] == ["quick", "quick", "quick", "runaway"]
    assert all(e[1:] == (200, "TJK") for e in events[:3])
    assert events[3][1] == 503 and "time limit (2 s)" in events[3][2]
    for _ in range(300):  # the killed worker is replaced
        if server.workers.alive() == LIMITS["workers"] and server.workers.idle() == LIMITS["workers"]:
            break
        time.sleep(0.05)
    assert server.workers.alive() == LIMITS["workers"]


@pytest.mark.parametrize("request_bytes,expected", [
    (b"PUT /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nASK {}", 415),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n\r\nASK {}", 411),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 50\r\n\r\nASK", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: -3\r\n\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 2\r\n\r\n\xff\xfe", 400),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
    (b"GET /sparql?query=%FF HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    (b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 405),
], ids=["put", "wrong-type", "no-length", "truncated-body", "negative-length", "not-utf8", "post-elsewhere",
        "bad-percent-encoding", "not-found", "unknown-method"])
def test_malformed_requests_get_clear_4xx(base, request_bytes, expected):
    response = raw_request(base, request_bytes)
    assert statuses(response) == [expected]
    assert b"Traceback" not in response and b"\r\n\r\n" in response


def test_stalled_clients_are_dropped_and_others_are_served(base, endpoint):
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    with socket.create_connection((host, port), timeout=20) as no_end_of_headers, \
            socket.create_connection((host, port), timeout=20) as half_a_body:
        no_end_of_headers.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        half_a_body.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                            b"Content-Length: 40\r\n\r\nSELECT * WHERE")
        status, _, _ = fetch(query_url(endpoint, "ASK {}"))
        assert status == 200
        # Each is answered 408 and closed when the whole-request deadline passes.
        for stalled in (no_end_of_headers, half_a_body):
            answer = read_until_closed(stalled)
            assert statuses(answer) == [408] and b"did not arrive within 3 s" in answer


def test_too_many_connections_get_503_and_the_server_recovers(base, endpoint):
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    idle = [socket.create_connection((host, port), timeout=10) for _ in range(LIMITS["max_connections"])]
    try:
        time.sleep(0.2)  # let the server take them all
        with socket.create_connection((host, port), timeout=10) as one_too_many:  # answered before it asks
            assert statuses(read_until_closed(one_too_many)) == [503]
    finally:
        for connection in idle:
            connection.close()
    for _ in range(100):
        if fetch(query_url(endpoint, "ASK {}"))[0] == 200:
            break
        time.sleep(0.05)
    assert fetch(query_url(endpoint, "ASK {}"))[0] == 200


# --------------------------------------------------------------------- linked data and pages


@pytest.mark.slow
def test_every_entity_iri_of_the_data_resolves(graph, base):
    iris = sorted({str(t) for triple in graph.rdf for t in (triple[0], triple[2])
                   if isinstance(t, URIRef) and str(t).startswith(str(ID))})
    assert len(iris) > 1000

    def resolve(iri: str):
        status, headers, body = fetch(base + "id/" + iri[len(str(ID)):], headers={"Accept": "text/turtle"})
        described = Graph().parse(data=body, format="turtle") if status == 200 else Graph()
        return iri, status, (URIRef(iri), None, None) in described or (None, None, URIRef(iri)) in described

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(resolve, iris))
    assert [r for r in results if r[1:] != (200, True)] == []


@pytest.mark.slow
def test_every_entity_has_a_page(graph, base):
    ids = sorted(str(s)[len(str(ID)):] for s in set(graph.rdf.subjects()) if str(s).startswith(str(ID))
                 and "/" not in str(s)[len(str(ID)):])

    def page(entity: str):
        status, headers, body = fetch(base + "id/" + entity, headers={"Accept": "text/html"})
        return entity, status, headers.get("Content-Type", ""), f"{entity}</" in body.decode() or entity in body.decode()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(page, ids))
    assert len(results) > 300
    assert [r for r in results if r[1] != 200 or not r[2].startswith("text/html") or not r[3]] == []


def test_an_expectations_page(base):
    status, headers, body = fetch(base + "id/exp-tj-anti-drug-centre", headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and headers["Vary"] == "Accept"
    assert ("It is urgently necessary to implement Tajikistan&#39;s proposal to set up an SCO anti-drug centre "
            "in Dushanbe") in page
    assert "迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议" in page
    assert ANTI_DRUG_QUOTE in page and "p. 99, note 3" in page
    assert 'href="/id/src-inforos-2019-tajikistan-sco-vision"' in page  # the footnote's source
    assert 'href="/id/rsp-common-security-interests"' in page  # the response that answers it (link in)
    assert 'href="/id/drv-afghan-drug-trafficking"' in page and 'href="/id/tj"' in page  # links out
    assert "<svg" in page and page.count('<a href="/id/') > 8


def test_entity_description_by_accept(graph, base):
    turtle = fetch(base + "id/exp-tj-anti-drug-centre", headers={"Accept": "text/turtle"})
    json_ld = fetch(base + "id/exp-tj-anti-drug-centre", headers={"Accept": "application/ld+json"})
    assert turtle[0] == json_ld[0] == 200
    assert turtle[1]["Content-Type"].startswith("text/turtle") and json_ld[1]["Content-Type"] == "application/ld+json"
    described = Graph().parse(data=turtle[2], format="turtle")
    assert isomorphic(described, Graph().parse(data=json_ld[2], format="json-ld"))
    entity = ID["exp-tj-anti-drug-centre"]
    assert set(graph.rdf.triples((entity, None, None))) <= set(described)
    quotes = {str(q) for ev in described.objects(entity, SCO.evidence) for q in described.objects(ev, SCO.quote)}
    assert ANTI_DRUG_QUOTE in quotes
    assert (ID["rsp-common-security-interests"], SCO.addresses, entity) in described  # and what points at it


def test_unknown_entity_is_404_with_near_matches(base):
    status, _, body = fetch(base + "id/exp-tj-anti-drug-centr", headers={"Accept": "text/html"})
    assert status == 404 and 'href="/id/exp-tj-anti-drug-centre"' in body.decode()
    status, _, body = fetch(base + "id/exp-tj-anti-drug-centr")
    assert status == 404 and "/id/exp-tj-anti-drug-centre" in body.decode()


def test_home_page(graph, base):
    status, _, body = fetch(base, headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200
    for country in ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "塔吉克斯坦"):
        assert country in page
    assert 'href="/id/drv-afghanistan"' in page and 'href="/id/rsp-afghanistan-response-capacity"' in page
    assert '<form action="/search"' in page and '<textarea name="query"' in page
    assert "VALUES (?country ?lang) { (&lt;https://w3id.org/scograph/id/tj&gt; &#34;en&#34;) }" in page
    for named in queries.named_queries():
        assert f'href="/?query={named.name}#query"' in page
    status, _, body = fetch(base + "?query=chains", headers={"Accept": "text/html"})
    assert "SELECT DISTINCT ?driver ?driver_basis ?demand" in body.decode()


def test_search_page_in_chinese_and_english(graph, base):
    for text in ("旅游", "railway"):
        status, _, body = fetch(base + "search?" + urllib.parse.urlencode({"q": text}), headers={"Accept": "text/html"})
        page = body.decode()
        hits = graph.search(text)
        assert status == 200 and hits
        assert all(f'href="/id/{hit["id"]}"' in page for hit in hits)


def test_pages_escape_what_they_are_given(base):
    hostile = '<script>alert("x")</script>'
    for path in ("search?" + urllib.parse.urlencode({"q": hostile}), "id/" + urllib.parse.quote(hostile),
                 "sparql?" + urllib.parse.urlencode({"query": f'SELECT ?x WHERE {{ BIND("{hostile}" AS ?x) }}'})):
        _, _, body = fetch(base + path, headers={"Accept": "text/html"})
        assert b"<script" not in body.lower() and b"&lt;script&gt;" in body


def test_pages_fetch_nothing_from_elsewhere(base):
    for path in ("", "id/exp-tj-anti-drug-centre", "id/drv-afghanistan", "search?q=%E7%A6%81%E6%AF%92",
                 "sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}), "id/nothing"):
        _, headers, body = fetch(base + path, headers={"Accept": "text/html"})
        page = body.decode()
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|\bsrc=", page, re.I), path


# --------------------------------------------------------------------- hostile requests

TOKENS = ["SELECT", "*", "WHERE", "{", "}", "?s", "?p", "?o", ".", ";", "SERVICE", "<http://127.0.0.1:9/>", "FILTER",
          "(", ")", "LIMIT", "1", '"x"', "#", "PREFIX", "a:", "<urn:x>", "OPTIONAL", "UNION", "ASK", "CONSTRUCT",
          "DESCRIBE", "INSERT", "DATA", "LOAD", "FROM", "NAMED", "GRAPH", "BIND", "AS", "VALUES", "\\u0041", "'''",
          "@en", "^^", "sco:holder", "scoid:tj", "REGEX", "COUNT", "GROUP BY", "ORDER BY", "\x00", "é", "禁毒"]
PATHS = st.one_of(
    st.sampled_from(["/", "/sparql", "/search", "/id/", "/id/exp-tj-anti-drug-centre", "/id/../etc/passwd", "//", "*",
                     "/id/adb/ev-e232ccb6d55a", "/sparql?query=", "/sparql?update=x", "/favicon.ico"]),
    st.text(string.printable.replace(" ", "").replace("\r", "").replace("\n", "").replace("\t", "")
            .replace("\x0b", "").replace("\x0c", ""), max_size=60).map(lambda s: "/" + s),
    st.text(max_size=60).map(lambda s: "/id/" + urllib.parse.quote(s)),
    st.binary(max_size=30).map(lambda b: "/id/" + urllib.parse.quote(b)),  # any bytes, UTF-8 or not
    st.binary(max_size=30).map(lambda b: "/id/adb/" + urllib.parse.quote(b)),
    st.text(max_size=30).map(lambda s: "/id/a/" + urllib.parse.quote(s, safe="%")),
    st.text(max_size=60).map(lambda s: "/search?q=" + urllib.parse.quote(s)),
    st.lists(st.sampled_from(TOKENS), max_size=25).map(lambda t: "/sparql?query=" + urllib.parse.quote(" ".join(t))),
)
HEADERS = st.lists(st.tuples(
    st.sampled_from(["Accept", "Content-Type", "Accept-Encoding", "X-Anything", "Transfer-Encoding", "Expect",
                     "Connection", "Content-Length", "Range", "If-None-Match", "Accept-Language"]),
    st.one_of(st.sampled_from(["*/*", "text/html", "application/sparql-results+json;q=0", "text/*;q=abc", ",,,;",
                               "chunked", "100-continue", "close", "keep-alive", "-1", "99999999999999999999",
                               "application/sparql-query", "application/x-www-form-urlencoded", "bytes=0-1"]),
              st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)),
), max_size=5)
BODIES = st.one_of(
    st.binary(max_size=200),
    st.lists(st.sampled_from(TOKENS), max_size=25).map(lambda t: " ".join(t).encode()),
    st.lists(st.sampled_from(TOKENS), max_size=25).map(lambda t: ("query=" + urllib.parse.quote(" ".join(t))).encode()),
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "POST", "POST", "get", "PROPFIND"])
       | st.text(string.ascii_letters, min_size=1, max_size=8),
       path=PATHS, headers=HEADERS, body=BODIES,
       content_type=st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded",
                                     "application/sparql-update", "text/plain", "application/json", "", None,
                                     "multipart/form-data; boundary=x", "application/sparql-query; charset=latin-1"]),
       length=st.sampled_from(["exact", "shorter", "longer", "huge", "none", "garbage"]))
def test_hostile_requests_never_get_a_500_nor_stop_the_server(base, method, path, headers, body, content_type, length):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    lines += [f"{name}: {value}" for name, value in headers if name != "Content-Length"]
    sent = body
    if length == "exact":
        lines.append(f"Content-Length: {len(body)}")
    elif length == "shorter":
        lines.append(f"Content-Length: {len(body) // 2}")
    elif length == "longer":  # a truncated body: the client stops early
        lines.append(f"Content-Length: {len(body) + 100}")
    elif length == "huge":
        lines.append("Content-Length: 99999999999999")
    elif length == "garbage":
        lines.append("Content-Length: 12abc")
    request = "\r\n".join(lines).encode("latin-1", "replace") + b"\r\n\r\n" + sent
    response = raw_request(base, request)
    codes = statuses(response)
    assert codes, response[:200]
    assert 500 not in codes and b"Traceback" not in response
    assert all(code < 500 or code in (501, 503) for code in codes)
    status, _, _ = fetch(base + "sparql?query=ASK%7B%7D")
    assert status == 200


def test_the_home_page_shows_the_authors_findings_and_drivers_apart_from_the_levels(base, graph):
    status, _, body = fetch(base, headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and "What the authors conclude" in page and "Apart from the three levels" in page
    comparisons = graph.findings(kind="comparison")
    assert comparisons and all(f'href="/id/{f["id"]}"' in page for f in comparisons)
    assert 'href="/id/drv-sco-enlargement"' in page  # a driver the paper lists beside the three levels


def test_an_entity_page_says_whose_words_each_quote_is(base):
    _, _, body = fetch(base + "id/exp-tj-afghanistan-peaceful-settlement", headers={"Accept": "text/html"})
    page = body.decode()
    own, reported = page.index("第二，消除阿富汗局势"), page.index("拉赫蒙（Emomali Rahmon）指出")
    assert "the authors&#39; words" in page[own:reported]  # the subsection heading is the authors'
    assert 'reported: <a href="/id/rahmon" title="rahmon">Emomali Rahmon</a>, 2019-04-17' in page[reported:]


def test_an_entity_page_shows_its_descriptions_as_text_not_as_a_field(base):
    status, _, body = fetch(base + "id/rsp-financial-safeguard-system", headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200
    assert re.search(r'<p lang="en">[^<]*SCO Development Bank', page)
    assert ">description<" not in page

"""`scograph serve` under the attacks that broke the http.server endpoint (issue "Trust"): slow
clients, request desync, unbounded caches, 500s, the smaller promises, CORS, signals and
the lookups' start-up. A real server on 127.0.0.1 and raw sockets, bounded in count and time."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from scograph.server.site import SEARCH_CACHE_BYTES, ByteBoundedCache

from .conftest import DATA, ROOT
from .test_server import (
    EXPLOSIVE,
    fetch,
    query_url,
    raw_request,
    read_until_closed,
    running_server,
    statuses,
)

pytestmark = pytest.mark.server

ASK_TJ = "ASK { scoid:tj sco:alpha2 \"TJ\" }"
SERVE = [sys.executable, "-c", "import scograph.cli.serve; from scograph.cli import app; app()", "serve"]


@pytest.fixture(scope="module")
def served(private_cache):
    # Limits as shipped but for shorter deadlines, so that a test waits seconds, not tens of seconds.
    with running_server(max_connections=512, max_client_connections=32, request_timeout=3.0,
                        max_result_bytes=1024 * 1024) as running:
        yield running


@pytest.fixture(scope="module")
def small_cap(private_cache) -> str:
    """A server whose answers are capped at 64 KiB, so the claims graph's quotes overrun it."""
    with running_server(max_result_bytes=64 * 1024) as running:
        yield running[1]


@pytest.fixture(scope="module")
def base(served) -> str:
    return served[1]


def address(base: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(base)
    return parts.hostname, parts.port


def answered(base: str, source: str = "127.0.0.1") -> bool:
    """An honest client (from ``source``, a loopback address) asks a query and gets the right answer."""
    path = "/sparql?" + urllib.parse.urlencode({"query": ASK_TJ})
    with socket.socket() as connection:
        connection.bind((source, 0))
        connection.settimeout(20)
        connection.connect(address(base))
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        answer = read_until_closed(connection)
    return statuses(answer) == [200] and b'"boolean":true' in answer.replace(b" ", b"")


def drip(base: str, request: bytes, every: float, source: str = "127.0.0.1", stop: threading.Event | None = None):
    """Send a request a byte at a time, ``every`` seconds apart, until the server answers or closes; its answer."""
    with socket.socket() as connection:
        connection.bind((source, 0))
        connection.settimeout(30)
        connection.connect(address(base))
        connection.setblocking(False)
        received = b""
        for byte in request:
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                break
            deadline = time.monotonic() + every
            while time.monotonic() < deadline:
                try:
                    chunk = connection.recv(4096)
                except BlockingIOError:
                    time.sleep(0.05)
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    return received
                received += chunk
            if stop is not None and stop.is_set():
                break
        connection.setblocking(True)
        connection.settimeout(10)
        try:
            return received + read_until_closed(connection)
        except OSError:
            return received


# --------------------------------------------------------------------- slow clients


@pytest.mark.slow
def test_headers_dripped_slowly_are_cut_at_the_whole_request_deadline(base):
    request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 12 + b"\r\n\r\n"
    answer = drip(base, request, every=0.5)  # 60 bytes: 30 s at this pace, each read well inside the 3 s limit
    assert statuses(answer) == [408] and b"did not arrive within 3 s (headers and body)" in answer


def test_a_body_dripped_slowly_is_cut_at_the_whole_request_deadline(base):
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 20\r\n\r\n")
    host, port = address(base)
    with socket.create_connection((host, port), timeout=20) as connection:
        connection.sendall(head)
        for byte in b"ASK {              }":
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.5)
            connection.setblocking(False)
            try:
                if connection.recv(1, socket.MSG_PEEK):
                    break
            except BlockingIOError:
                pass
            finally:
                connection.setblocking(True)
        answer = read_until_closed(connection)
    assert statuses(answer) == [408]


@pytest.mark.slow
@pytest.mark.parametrize("spread", [False, True], ids=["from-one-address", "from-64-addresses"])
def test_honest_clients_are_answered_while_64_slow_clients_drip(base, spread):
    stop = threading.Event()
    answers: list[bytes] = []
    request = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 6\r\n\r\nASK {}"

    def slow(number: int):
        answers.append(drip(base, request, every=0.5, source=f"127.0.1.{number + 1}" if spread else "127.0.0.1",
                            stop=stop))

    drippers = [threading.Thread(target=slow, args=(n,)) for n in range(64)]
    for thread in drippers:
        thread.start()
    try:
        time.sleep(1.0)  # every dripper is connected and dripping
        honest = [answered(base, "127.0.0.2") for _ in range(5)]
    finally:
        stop.set()
        for thread in drippers:
            thread.join(timeout=30)
    assert honest == [True] * 5
    codes = [tuple(statuses(answer)) for answer in answers]
    assert len(codes) == 64 and set(codes) <= {(408,), (503,)}
    if spread:  # one connection per address: every one is taken, and cut at the deadline
        assert codes.count((408,)) == 64
    else:  # 32 per address are taken and cut at the deadline; the others are refused at once
        assert codes.count((408,)) == 32 and codes.count((503,)) == 32
        assert any(b"too many open connections from 127.0.0.1 (32)" in a for a in answers)


def test_a_client_that_stops_reading_a_large_answer_is_dropped(base):
    query = urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    host, port = address(base)
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.settimeout(10)
        connection.connect((host, port))
        connection.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        received, closed = b"", False
        for _ in range(40):  # 2 kB every 0.25 s: about 80 kB in 10 s, far less than the answer
            try:
                chunk = connection.recv(2048)
            except (ConnectionResetError, TimeoutError):
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
            time.sleep(0.25)
    length = int(re.search(rb"content-length: (\d+)", received, re.I).group(1))
    body = received.split(b"\r\n\r\n", 1)[1]
    assert closed and len(body) < length and length > 500_000


# --------------------------------------------------------------------- request desync

SMUGGLED = b"GET /id/tj?format=nt HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize("head,expected", [
    (b"POST /sparql%ff HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n", 400),
    (b"POST /sparql?query=%ff HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n", 400),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     + b"".join(b"X-Field-%d: %d\r\n" % (n, n) for n in range(101)), 400),
    (b"PROPFIND /sparql HTTP/1.1\r\nHost: x\r\n", 405),
    (b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n", 405),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n", 415),
], ids=["bad-path", "bad-query-string", "101-header-fields", "wrong-method", "post-elsewhere", "wrong-type"])
def test_a_refused_requests_body_is_never_read_as_a_request(base, head, expected):
    request = head + b"Content-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED
    response = raw_request(base, request)
    assert statuses(response) == [expected]
    assert b"<https://w3id.org/scograph/id/tj>" not in response


def test_a_pipelined_request_after_a_whole_body_is_answered_in_order(base):
    body = b"ASK {}"
    first = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
             b"Content-Length: %d\r\n\r\n" % len(body) + body)
    response = raw_request(base, first + SMUGGLED)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", response) == [b"200", b"200"]  # the first body ends without a newline
    assert b"<https://w3id.org/scograph/id/tj>" in response


# --------------------------------------------------------------------- memory

def test_searches_that_differ_in_case_and_spaces_share_one_cache_entry(served):
    server, base = served
    before = len(server.site.searches._cache)
    for text in ("Railway", "railway ", "  RAILWAY", "ｒａｉｌｗａｙ"):  # the last in full-width letters (NFKC)
        status, _, body = fetch(base + "search?" + urllib.parse.urlencode({"q": text}), headers={"Accept": "text/html"})
        assert status == 200 and b'href="/id/' in body
    assert len(server.site.searches._cache) == before + 1


def test_caches_are_bounded_in_bytes():
    cache = ByteBoundedCache(10_000)
    for n in range(1000):
        cache.get(n, lambda: b"x" * 700)
    assert cache.size <= 10_000 and len(cache._cache) == 14
    assert cache.get("big", lambda: b"y" * 20_000) == b"y" * 20_000  # answered, not kept
    assert "big" not in cache._cache
    assert SEARCH_CACHE_BYTES <= 16 * 1024 * 1024


def test_an_html_result_is_cut_at_the_byte_cap(graph, small_cap):
    quotes = "SELECT ?ev ?quote WHERE { ?ev sco:quote ?quote }"
    every = len(list(graph.store.select(quotes)))
    status, headers, body = fetch(query_url(small_cap + "sparql", quotes, format="html"), headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and headers["Scograph-Truncated"] == f"{64 * 1024} bytes"
    assert "this server caps a result at 65,536 bytes" in page
    assert 0 < page.count("<tr><td>") < every and len(body) < 4 * 64 * 1024


# --------------------------------------------------------------------- never a 500

ODD_IDS = ["a/%25", "%25", "a%2F%25"] + [f"a/%{n:02X}" for n in range(0x20)] + [f"%{n:02X}x" for n in range(1, 0x20)] + [
    "a/%5B", "a/%5D", "%5Bx%5D", "a/%7F", "%7F", "a/%C2%85", "%C2%85", "a/%EF%BF%BE", "a/%EF%BF%BF", "%EF%BF%BE",
    "a/%F4%8F%BF%BF", "a/%EF%B7%90", "adb/%5B", "adb/ev-%00", "a%20b", "a/%22%3E%3Cscript%3E"]


@pytest.mark.parametrize("entity", ODD_IDS)
def test_odd_entity_paths_are_404_not_500(base, entity):
    for accept in ("text/html", "text/turtle"):
        response = raw_request(base, f"GET /id/{entity} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n\r\n".encode())
        assert statuses(response) in ([404], [400]), (entity, response[:300])
        assert accept != "text/html" or b"<script" not in response.lower()
    assert answered(base)


@pytest.mark.slow
def test_a_hostile_actor_id_is_refused_at_start_and_a_hostile_label_is_escaped(private_cache, tmp_path):
    hostile = "adb'onmouseover='alert(9)'"
    with_id = tmp_path / "hostile-id.ttl"
    with_id.write_text(re.sub(r"scoid:adb\b", f"<https://w3id.org/scograph/id/{hostile}>", DATA.read_text("utf-8")),
                       encoding="utf-8")
    started = subprocess.run([*SERVE, "--port", "0", "--data", str(with_id)], capture_output=True, text=True,
                             timeout=120, env={**os.environ, "SCOGRAPH_CACHE": str(private_cache)})
    assert started.returncode == 3 and "breaks the rule that every entity is named by an IRI" in started.stderr
    assert len(started.stderr.strip().splitlines()) == 1
    with_label = tmp_path / "hostile-label.ttl"
    with_label.write_text(DATA.read_text("utf-8").replace('"Asian Development Bank"@en', f'"{hostile}"@en', 1),
                          encoding="utf-8")
    with running_server(data=with_label, workers=1) as (_, url):
        status, _, body = fetch(url + "id/adb", headers={"Accept": "text/html"})
        page = body.decode()
        assert status == 200 and "adb&#39;onmouseover=&#39;alert(9)&#39;" in page and "onmouseover='" not in page
        status, _, body = fetch(url + "search?q=" + urllib.parse.quote("onmouseover"), headers={"Accept": "text/html"})
        assert status == 200 and "adb&#39;onmouseover" in body.decode() and "onmouseover='" not in body.decode()


# --------------------------------------------------------------------- the smaller promises


@pytest.mark.parametrize("method", ["PROPFIND", "MKCOL", "get", "Post", "TRACE", "CONNECT", "OPTIONS", "BREW"])
def test_every_other_method_is_405(base, method):
    target = "127.0.0.1:80" if method == "CONNECT" else "/sparql"
    response = raw_request(base, f"{method} {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert statuses(response) == [405] and b"allow: get, head, post" in response.lower()
    assert answered(base)


@pytest.mark.parametrize("path", ["", "id/exp-tj-anti-drug-centre", "search?q=x", "sparql?query=ASK%7B%7D", "nowhere",
                                  "sparql?query=%ff"])
def test_every_answer_forbids_framing_sniffing_and_scripts(base, path):
    _, headers, _ = fetch(base + path, headers={"Accept": "text/html"})
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"


def _start(*args: str, preexec=None) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([*SERVE, "--port", "0", "--workers", "1", "--quiet", "--data", str(DATA), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
    line = process.stderr.readline()
    assert line.startswith("serving http://127.0.0.1:"), line + process.stderr.read()
    return process, re.search(r"serving (\S+)", line).group(1)


@pytest.mark.slow
def test_serve_stops_on_ctrl_c_even_when_started_with_sigint_ignored(private_cache):
    process, url = _start(preexec=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))  # as a background job is
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    try:
        assert fetch(query_url(url + "sparql", ASK_TJ))[0] == 200
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        watchdog.cancel()
        process.kill()
    assert process.returncode == 0 and stderr.strip().endswith("stopped")


@pytest.mark.slow
def test_serve_stops_gracefully_on_sigterm_answering_the_query_it_runs(private_cache):
    process, url = _start("--timeout", "2")
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    outcome = []
    try:
        asking = threading.Thread(target=lambda: outcome.append(fetch(query_url(url + "sparql", EXPLOSIVE))))
        asking.start()
        time.sleep(0.5)  # the runaway query is in its worker
        process.send_signal(signal.SIGTERM)
        asking.join(timeout=30)
        _, stderr = process.communicate(timeout=30)
    finally:
        watchdog.cancel()
        process.kill()
    assert process.returncode == 0 and stderr.strip().endswith("stopped")
    status, _, body = outcome[0]
    assert status == 503 and b"time limit (2 s)" in body  # answered, not cut off
    with pytest.raises(OSError):
        socket.create_connection(address(url), timeout=2).close()


def test_serve_without_its_web_stack_says_how_to_install_it(private_cache):
    blocked = ("import sys; sys.modules['uvicorn'] = None; import scograph.cli.serve; "
               "from scograph.cli import app; app()")
    result = subprocess.run([sys.executable, "-c", blocked, "serve", "--port", "0", "--data", str(DATA)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == ("Error: scograph serve needs uvicorn, which are not installed; install them "
                                     "with: pip install uvicorn")


# --------------------------------------------------------------------- CORS


def test_cors_is_off_by_default(base):
    _, headers, _ = fetch(query_url(base + "sparql", ASK_TJ), headers={"Origin": "https://yasgui.example"})
    assert headers.get("Access-Control-Allow-Origin") is None
    preflight = raw_request(base, b"OPTIONS /sparql HTTP/1.1\r\nHost: x\r\nOrigin: https://yasgui.example\r\n"
                                  b"Access-Control-Request-Method: POST\r\n\r\n")
    assert statuses(preflight) == [405]


def test_cors_lets_the_named_origin_query_from_a_browser(private_cache):
    with running_server(cors=("https://yasgui.example",), workers=1) as (_, url):
        preflight = raw_request(url, b"OPTIONS /sparql HTTP/1.1\r\nHost: x\r\nOrigin: https://yasgui.example\r\n"
                                     b"Access-Control-Request-Method: POST\r\n"
                                     b"Access-Control-Request-Headers: content-type\r\n\r\n")
        assert statuses(preflight) == [200]
        preflight = preflight.lower()
        assert b"access-control-allow-origin: https://yasgui.example" in preflight
        assert b"access-control-allow-methods: get, head, post" in preflight and b"content-type" in preflight
        status, headers, body = fetch(url + "sparql", data=ASK_TJ.encode(),
                                      headers={"Origin": "https://yasgui.example",
                                               "Content-Type": "application/sparql-query",
                                               "Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
        assert headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
        assert "Scograph-Truncated" in headers["Access-Control-Expose-Headers"]
        _, headers, _ = fetch(query_url(url + "sparql", ASK_TJ), headers={"Origin": "https://elsewhere.example"})
        assert headers.get("Access-Control-Allow-Origin") is None
        other = raw_request(url, b"OPTIONS /sparql HTTP/1.1\r\nHost: x\r\nOrigin: https://elsewhere.example\r\n"
                                 b"Access-Control-Request-Method: POST\r\n\r\n")
        assert statuses(other) == [400] and b"access-control-allow-origin" not in other.lower()


@pytest.mark.parametrize("origin", ["yasgui.example", "https://x.example/path", "ftp://x.example"])
def test_cors_takes_origins_only(runner, origin):
    from scograph.cli import app

    result = runner.invoke(app, ["serve", "--port", "0", "--cors", origin])
    assert result.exit_code == 2 and "--cors takes an origin" in result.stderr


# --------------------------------------------------------------------- the lookups stay lean


def test_lookups_import_no_web_stack(private_cache):
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "from scograph.cli import main; main()",
                             "demands", "--country", "TJ", "--format", "json"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0 and json.loads(result.stdout)
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "scograph" in imported
    assert not imported & {"starlette", "uvicorn", "jinja2", "h11", "anyio", "cachetools", "markupsafe"}


def test_the_server_package_imports_no_web_stack_until_it_serves():
    code = ("import sys; from scograph.server import BackgroundServer, ServerSettings; "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'jinja2') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
    assert Path(ROOT / "src" / "scograph" / "server" / "templates" / "base.html").is_file()

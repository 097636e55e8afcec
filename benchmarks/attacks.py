"""Attack benchmark for `scograph serve`: the server's memory and its honest clients under three attacks.

    python benchmarks/attacks.py --data corpus.ttl          # starts `scograph serve` on a free loopback port
    python benchmarks/attacks.py --data corpus.ttl --only slow

1. search cache: 400 searches for "e" padded with spaces and case changes (each a new URL);
2. large result: "every quote, concatenated" on 200 rows (GROUP_CONCAT, LIMIT 200), as JSON
   and as HTML, four clients at once;
3. slow clients: 64 connections that drip a request one byte every 1.5 s, while an honest
   client (from another loopback address) asks a query every 0.5 s.

The server runs as a process of its own; its resident memory (VmRSS, the server process
alone, not its query workers) is read from /proc before, during (peak of 20 samples a
second) and after each attack. Every request goes to 127.0.0.1 only, and every attack is
bounded in count and time.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVERY_QUOTE = """SELECT ?x ?all WHERE {
  { SELECT (GROUP_CONCAT(?quote; separator=" ") AS ?all) WHERE { ?ev sco:quote ?quote } }
  ?x a sco:Expectation } LIMIT 200"""


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) / 1024


class Sampler:
    """The peak RSS of a process, sampled 20 times a second while a block runs."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def __enter__(self):
        def sample():
            while not self._stop.is_set():
                try:
                    self.peak = max(self.peak, rss_mb(self.pid))
                except (OSError, AttributeError):
                    return
                time.sleep(0.05)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def get(url: str, accept: str = "*/*", timeout: float = 60) -> tuple[int, int]:
    """Status and body length; the body is read and dropped."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
            return response.status, size
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())
    except OSError:
        return -1, 0


def search_cache_attack(base: str, pid: int, count: int = 400) -> str:
    before = rss_mb(pid)
    codes: dict[int, int] = {}
    with Sampler(pid) as sampler:
        for n in range(count):
            text = "e" + " " * (n % 200) if n < 200 else "E" + " " * (n % 200)
            status, _ = get(base + "search?" + urllib.parse.urlencode({"q": text}), "text/html")
            codes[status] = codes.get(status, 0) + 1
    after = rss_mb(pid)
    return (f"search cache: {count} searches, statuses {codes}; server RSS {before:.0f} MB before, "
            f"peak {sampler.peak:.0f} MB, {after:.0f} MB after")


def large_result_attack(base: str, pid: int, clients: int = 4, rounds: int = 2) -> str:
    lines = []
    for fmt, accept in (("json", "application/sparql-results+json"), ("html", "text/html")):
        before = rss_mb(pid)
        results: list[tuple[int, int]] = []
        url = base + "sparql?" + urllib.parse.urlencode({"query": EVERY_QUOTE, "format": fmt})

        def client():
            for _ in range(rounds):
                results.append(get(url, accept, timeout=120))

        began = time.perf_counter()
        with Sampler(pid) as sampler:
            threads = [threading.Thread(target=client) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        after = rss_mb(pid)
        sizes = sorted({size for _, size in results})
        lines.append(f"large result as {fmt}: {len(results)} requests in {time.perf_counter() - began:.1f} s, statuses "
                     f"{sorted(s for s, _ in results)}, bodies {sizes[0] / 1e6:.1f}–{sizes[-1] / 1e6:.1f} MB; "
                     f"server RSS {before:.0f} MB before, peak {sampler.peak:.0f} MB, {after:.0f} MB after")
    return "\n".join(lines)


def _drip(host: str, port: int, source: str, stop: threading.Event, outcome: list) -> None:
    request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Content-Length: 12\r\n\r\nASK { }     ")
    began = time.monotonic()
    try:
        with socket.socket() as connection:
            connection.bind((source, 0))
            connection.settimeout(30)
            connection.connect((host, port))
            for byte in request:
                if stop.is_set():
                    break
                connection.sendall(bytes([byte]))
                if stop.wait(1.5):
                    break
            connection.settimeout(5)
            answer = connection.recv(200)
    except OSError as error:
        answer = f"error {type(error).__name__}".encode()
    code = re.match(rb"HTTP/1\.1 (\d+)", answer)
    outcome.append((code.group(1).decode() if code else answer[:20].decode(errors="replace") or "closed",
                    time.monotonic() - began))


def slow_client_attack(base: str, pid: int, connections: int = 64, seconds: float = 20.0,
                       spread: bool = False) -> str:
    parts = urllib.parse.urlsplit(base)
    stop = threading.Event()
    outcome: list = []
    sources = [f"127.0.1.{n + 1}" if spread else "127.0.0.1" for n in range(connections)]
    drippers = [threading.Thread(target=_drip, args=(parts.hostname, parts.port, s, stop, outcome), daemon=True)
                for s in sources]
    for thread in drippers:
        thread.start()
    time.sleep(1.0)
    latencies, codes = [], {}
    url = base + "sparql?" + urllib.parse.urlencode({"query": "ASK { scoid:tj sco:alpha2 \"TJ\" }"})
    ended = time.monotonic() + seconds
    while time.monotonic() < ended:
        began = time.perf_counter()
        status = _honest(parts.hostname, parts.port, url)
        latencies.append(time.perf_counter() - began)
        codes[status] = codes.get(status, 0) + 1
        time.sleep(0.5)
    stop.set()
    for thread in drippers:
        thread.join(timeout=10)
    drip_codes: dict[str, int] = {}
    for code, _ in outcome:
        drip_codes[code] = drip_codes.get(code, 0) + 1
    held = max((t for _, t in outcome), default=0)
    ms = sorted(t * 1000 for t in latencies)
    return (f"slow clients ({connections} from {'64 addresses' if spread else 'one address'}): honest client "
            f"{len(ms)} requests, statuses {codes}, median {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms; "
            f"drippers answered {drip_codes}, the longest held {held:.1f} s")


def _honest(host: str, port: int, url: str) -> int:
    """One GET from 127.0.0.2, another client than the drippers."""
    target = urllib.parse.urlsplit(url)
    try:
        with socket.socket() as connection:
            connection.bind(("127.0.0.2", 0))
            connection.settimeout(30)
            connection.connect((host, port))
            connection.sendall(f"GET {target.path}?{target.query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                               .encode())
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    except OSError:
        return -1
    code = re.match(rb"HTTP/1\.[01] (\d+)", answer)
    return int(code.group(1)) if code else -1


def slow_reader_attack(base: str, pid: int) -> str:
    """One client asks for a large result and reads 1 kB a second: how long the server keeps it."""
    parts = urllib.parse.urlsplit(base)
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    began = time.monotonic()
    received = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.sendall(f"GET /sparql?{urllib.parse.urlencode({'query': query, 'format': 'nt'})} HTTP/1.1\r\n"
                           f"Host: x\r\n\r\n".encode())
        while time.monotonic() - began < 60:
            try:
                chunk = connection.recv(1024)
            except OSError:
                break
            if not chunk:
                break
            received += len(chunk)
            time.sleep(1.0)
    return f"slow reader: the server held the connection {time.monotonic() - began:.1f} s ({received} bytes taken)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--only", choices=["search", "large", "slow", "reader"], action="append")
    arguments = parser.parse_args(argv)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "scograph", "serve", "--port", str(port), "--quiet", "--data", str(arguments.data)]
    if not (ROOT / "src" / "scograph" / "__main__.py").exists():
        command[1:3] = ["-c", "import scograph.cli.serve; from scograph.cli import app; app()"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = server.stderr.readline()
        if not line.startswith("serving"):
            print(line + server.stderr.read(), file=sys.stderr)
            return 1
        base = re.search(r"serving (\S+)", line).group(1)
        get(base)  # the home page, rendered once
        print(f"server {base}, data {arguments.data}, RSS at start {rss_mb(server.pid):.0f} MB")
        chosen = arguments.only or ["search", "large", "slow", "reader"]
        if "search" in chosen:
            print(search_cache_attack(base, server.pid), flush=True)
        if "large" in chosen:
            print(large_result_attack(base, server.pid), flush=True)
        if "slow" in chosen:
            print(slow_client_attack(base, server.pid), flush=True)
            print(slow_client_attack(base, server.pid, spread=True), flush=True)
        if "reader" in chosen:
            print(slow_reader_attack(base, server.pid), flush=True)
        return 0
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())

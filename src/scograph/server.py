"""``scograph serve``: a read-only SPARQL 1.1 endpoint and a linked-data page for every entity.

Standard library HTTP (:class:`http.server.ThreadingHTTPServer`); queries run in a
small pool of worker processes, each holding its own copy of the store, because a
running pyoxigraph query cannot be cancelled from another thread: a query that
overruns its time limit has its worker killed (the client gets 503) and a new worker
takes its place, while the other workers keep answering.

Safe by default:

- binds to loopback (``127.0.0.1``) unless told otherwise;
- read-only: SPARQL Update, in the body or the ``update`` parameter, is refused (403);
- no outbound traffic: ``SERVICE`` is refused, and so are ``FROM``/``FROM NAMED`` and
  ``default-graph-uri``/``named-graph-uri`` naming a graph the store does not hold (403);
  ``LOAD`` is an update. Where the system allows it, workers also run without a network;
- limits: a time limit per query (503), a cap on result rows (the result is cut, and
  the ``Scograph-Truncated`` header says so), a cap on request size (413/414), a time
  limit for a client to send its request (408), and a cap on open connections (503);
- every query is parsed (rdflib's SPARQL parser) before it runs: a syntax error is a 400
  that quotes the parser's message with its line and column.

Endpoints: ``/sparql`` (the SPARQL 1.1 Protocol; without a query, the service
description), ``/id/<id>`` (every IRI of the data under ``https://w3id.org/scograph/id/``:
HTML for browsers, Turtle, N-Triples, JSON-LD or RDF/XML for RDF clients), ``/search?q=``
and ``/`` (the home page).
"""

from __future__ import annotations

import ctypes
import errno
import ipaddress
import os
import queue
import re
import socket
import sys
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .answers import (PREFIXES, READ_ONLY, Answer, QueryJob, Refusal, _first_line, answer_query, check_query,
                      serialize_triples)
from .errors import DataFileError, UsageError, suggest
from .negotiation import MEDIA_TYPES, _offered, choose_format, negotiate
from .terms import DCTERMS, ENTITY, RDF, XSD

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000



@dataclass(frozen=True)
class ServerSettings:
    """Where to listen, what to serve, and the safety limits (README, "Serve the graph")."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data: Path | None = None
    timeout: float = 10.0
    """Seconds a query may run before its worker is stopped and the client gets 503."""
    max_rows: int = 10_000
    """Rows (SELECT) or triples (CONSTRUCT, DESCRIBE) a result may carry; the rest is cut."""
    max_request_bytes: int = 64 * 1024
    """The largest request body or query string accepted."""
    workers: int = 4
    """Query worker processes: how many queries run at once."""
    request_timeout: float = 10.0
    """Seconds a client may take to send its request (and a kept-alive connection may idle)."""
    max_connections: int = 64
    worker_memory_mb: int = 2048
    """Address space a worker may use (0: no cap); a worker over it stops and is replaced."""
    quiet: bool = False
    """No access log on stderr."""

    def check(self) -> None:
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--port must be between 0 and 65535, got {self.port}")
        if not self.timeout > 0:
            raise UsageError(f"--timeout must be a positive number of seconds, got {self.timeout}")
        if self.max_rows < 1:
            raise UsageError(f"--max-rows must be at least 1, got {self.max_rows}")
        if self.max_request_bytes < 1024:
            raise UsageError(f"--max-request-bytes must be at least 1024, got {self.max_request_bytes}")
        if not 1 <= self.workers <= 64:
            raise UsageError(f"--workers must be between 1 and 64, got {self.workers}")
        if self.worker_memory_mb and self.worker_memory_mb < 256:
            raise UsageError(f"--worker-memory must be 0 (no cap) or at least 256 MB, got {self.worker_memory_mb}")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------- worker processes


@dataclass(frozen=True)
class DataSource:
    """What a worker loads: the Turtle bytes (a small file) or a prepared on-disk index (a large one)."""

    path: Path
    data: bytes | None = None
    prepared_key: str | None = None


def _open_store(source: DataSource):
    from .store import OxigraphStore

    if source.prepared_key is not None:
        from . import cache

        store = cache.open_prepared(source.prepared_key)
        if store is not None:
            return store
        source = DataSource(source.path, source.path.read_bytes())
    return OxigraphStore.from_turtle(source.data, source.path).store


def _isolate_network() -> bool:
    """Take this process off the network (a network namespace of its own) where the system allows it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    for flags in (clone_newnet, clone_newuser | clone_newnet):
        if libc.unshare(flags) == 0:
            return True
    return False


def _limit_memory(megabytes: int) -> None:
    if not megabytes:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def worker_main(inbox, outbox) -> None:
    """A query worker: take its settings from ``inbox``, load the store, then answer jobs until the inbox closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    try:
        source, max_rows, memory_mb = inbox.recv()
    except (EOFError, OSError):
        return
    try:
        store = _open_store(source)
        check_query("ASK {}")  # loads the parser before the process loses its network (and with a user namespace, its files)
        isolated = _isolate_network()
        _limit_memory(memory_mb)
    except Exception as error:  # reported to the parent, which names it
        outbox.send(("failed", f"{type(error).__name__}: {error}"))
        return
    outbox.send(("ready", isolated))
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        outbox.send(answer_query(store, job, max_rows))


def _worker_entry(arguments: list[str]) -> None:
    """``python -c`` entry of a worker process: its two pipe ends are given as file descriptor numbers."""
    from multiprocessing.connection import Connection

    inbox = Connection(int(arguments[0]), writable=False)
    outbox = Connection(int(arguments[1]), readable=False)
    worker_main(inbox, outbox)


_WORKER_COMMAND = "import sys; from scograph.server import _worker_entry; _worker_entry(sys.argv[1:])"


class _Worker:
    """A worker process and the two ends of the pipes to it."""

    def __init__(self, process, outbox, inbox):
        self.process = process
        self.outbox = outbox
        self.inbox = inbox

    def stop(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - a process that will not die is left to the OS
            pass
        for connection in (self.outbox, self.inbox):
            try:
                connection.close()
            except OSError:
                pass


class QueryWorkers:
    """A pool of query worker processes; a worker whose query overruns is killed and replaced.

    Workers are started as fresh interpreters (not forked from a threaded server, and
    without re-running the caller's ``__main__``), each with a pipe in and a pipe out.
    """

    START_TIMEOUT = 120.0

    def __init__(self, source: DataSource, settings: ServerSettings, log=None):
        self.source = source
        self.settings = settings
        self.log = log or (lambda message: None)
        self.isolated = False
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        started = []
        try:
            for _ in range(settings.workers):
                started.append(self._start())
            for worker in started:
                self._wait_ready(worker)
        except BaseException:
            for worker in started:
                worker.stop()
            raise
        for worker in started:
            self._add(worker)

    def _start(self) -> _Worker:
        import subprocess
        from multiprocessing.connection import Connection

        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        package_root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_COMMAND, str(to_worker_read), str(from_worker_write)],
                pass_fds=(to_worker_read, from_worker_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=env, start_new_session=True)
        except OSError as error:
            for fd in (to_worker_read, to_worker_write, from_worker_read, from_worker_write):
                os.close(fd)
            raise DataFileError(f"cannot start a query worker: {error.strerror or error}") from None
        os.close(to_worker_read)
        os.close(from_worker_write)
        worker = _Worker(process, Connection(to_worker_write, readable=False), Connection(from_worker_read, writable=False))
        worker.outbox.send((self.source, self.settings.max_rows, self.settings.worker_memory_mb))
        return worker

    def _wait_ready(self, worker: _Worker) -> None:
        if not worker.inbox.poll(self.START_TIMEOUT):
            worker.stop()
            raise DataFileError(f"a query worker did not start within {self.START_TIMEOUT:.0f} s")
        try:
            status, detail = worker.inbox.recv()
        except (EOFError, OSError):
            worker.stop()
            raise DataFileError("a query worker stopped while loading the data") from None
        if status != "ready":
            worker.stop()
            raise DataFileError(f"a query worker could not load {self.source.path}: {detail}")
        self.isolated = bool(detail)

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._workers.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()

        def start_another():
            for attempt in range(3):
                if self._closed:
                    return
                try:
                    fresh = self._start()
                    self._wait_ready(fresh)
                except Exception as error:  # logged; the pool works on with fewer workers meanwhile
                    self.log(f"could not start a query worker (attempt {attempt + 1}): {error}")
                    time.sleep(1.0)
                    continue
                self._add(fresh)
                return

        threading.Thread(target=start_another, name="scograph-worker-restart", daemon=True).start()

    def run(self, job: QueryJob) -> Answer:
        """Answer a job: 503 when no worker frees up in time, when the query overruns, or when a worker fails."""
        timeout = self.settings.timeout
        deadline = time.monotonic() + timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                return Answer.text(503, f"the server is busy: all {self.settings.workers} query workers stayed busy "
                                        f"for {timeout:g} s; try again", **{"Retry-After": "5"})
            if worker.process.poll() is None:
                break
            self._replace(worker)  # it stopped while idle (killed from outside, say)
        try:
            worker.outbox.send(job)
            if not worker.inbox.poll(timeout):
                self._replace(worker)
                return Answer.text(503, f"the query ran longer than this server's time limit ({timeout:g} s) and was "
                                        "stopped; narrow it (more specific patterns, a LIMIT)", **{"Retry-After": "5"})
            answer = worker.inbox.recv()
        except (EOFError, OSError, ValueError):
            self._replace(worker)
            return Answer.text(503, "the query stopped its worker (most likely by needing more memory than a query "
                                    "is given); narrow it", **{"Retry-After": "5"})
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()

    def alive(self) -> int:
        """Workers running, busy or idle."""
        with self._lock:
            return sum(1 for w in self._workers if w.process.poll() is None)

    def idle(self) -> int:
        """Workers waiting for a query."""
        return self._idle.qsize()


# --------------------------------------------------------------------- the site: pages and descriptions


def prefilled_text(query, claims) -> str:
    """A named query's text with its parameters' defaults bound in a VALUES block, ready to send as is.

    A required parameter without a default stays unbound (the query then answers for every
    value), and a comment in the block says how to fix it.
    """
    from . import queries

    terms = {p.name: queries.KINDS[p.kind].convert(claims, p.default) for p in query.parameters if p.default is not None}
    required = [p for p in query.parameters if p.required and p.name not in terms]
    if not terms and not required:
        return query.text
    block = "\n  # The parameters, bound to their defaults: change them here."
    if terms:
        names = " ".join(f"?{name}" for name in terms)
        values = " ".join(term.n3() for term in terms.values())
        block += f"\n  VALUES ({names}) {{ ({values}) }}"
    for parameter in required:
        block += (f"\n  # ?{parameter.name} ({parameter.kind}) is unbound, so every value answers; bind it with "
                  f"VALUES ?{parameter.name} {{ ... }}")
    lines = query.text.split("\n")
    for number, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        match = re.search(r"\bWHERE\s*\{", line)
        if match:
            lines[number] = line[:match.end()] + block + line[match.end():]
            return "\n".join(lines)
    return query.text


class Site:
    """What the pages show, read from the claims graph once and rendered on request."""

    def __init__(self, claims, settings: ServerSettings):
        from . import queries
        from .terms import ENTITY_CLASSES

        self.claims = claims
        self.settings = settings
        classes = " ".join(f"sco:{local}" for local in ENTITY_CLASSES.values())
        rows = claims.store.select(f"""
            SELECT DISTINCT ?x ?label WHERE {{ VALUES ?class {{ {classes} }} ?x a ?class .
              OPTIONAL {{ ?x rdfs:label ?label FILTER(lang(?label) = "en") }} }}""")
        self.labels = {str(r["x"]): str(r["label"]) if r["label"] is not None else None for r in rows}
        self.entity_ids = {iri[len(ENTITY):] for iri in self.labels if iri.startswith(ENTITY)}
        self.triple_count = claims.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
        try:
            self.queries = queries.named_queries()
        except Exception:  # a server without its query files still serves everything else
            self.queries = []
        self.query_texts = {}
        for named in self.queries:
            try:
                self.query_texts[named.name] = prefilled_text(named, claims)
            except Exception:
                self.query_texts[named.name] = named.text
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_lock = threading.Lock()

    def cached(self, key: tuple, make):
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > 1024:
                self._cache.popitem(last=False)
        return value

    # ---------------------------------------------------------------- home

    def home(self, selected: str | None) -> str:
        from . import pages

        return self.cached(("home", selected), lambda: pages.home_page(self._home_model(selected)))

    def _home_model(self, selected: str | None) -> dict:
        model = self.cached(("home-model",), self._home_facts)
        names = [q.name for q in self.queries]
        notice = None
        if selected is not None and selected not in names:
            notice = f"There is no named query {selected!r}{suggest(selected, names)}."
            selected = None
        if selected is None:
            selected = "demands-by-country" if "demands-by-country" in names else (names[0] if names else None)
        return model | {
            "selected": selected, "notice": notice,
            "query_text": self.query_texts.get(selected, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"),
            "queries": [{"name": q.name, "title": q.title, "description": q.description} for q in self.queries],
            "prefixes": PREFIXES, "limits": self.settings,
        }

    def _home_facts(self) -> dict:
        claims = self.claims
        stats = claims.stats()
        countries = []
        for row in stats["expectations_by_holder_and_domain"]:
            holder = row["holder"]
            try:
                entity = claims.country(holder).id
            except UsageError:
                entity = holder
            record = claims.record(entity)
            countries.append({"id": entity, "label": record["label"], "label_zh": record["label_zh"],
                              "code": holder if holder != entity else None, "counts": row})
        papers = claims.store.select("SELECT ?x WHERE { ?x a sco:Paper } ORDER BY ?x")
        paper = claims.record(str(papers[0]["x"])[len(ENTITY):]) if papers else None
        if paper is not None:
            paper |= {k: v for k, v in claims.describe(paper["id"]).items()
                      if k in ("authors", "journal", "year", "issue", "pages", "doi", "title")}
        return {"paper": paper, "countries": countries, "drivers": claims.drivers(), "responses": claims.responses(),
                "counts": stats["counts"], "triples": self.triple_count}

    # ---------------------------------------------------------------- entities

    def entity_html(self, entity_id: str) -> str:
        from . import pages

        return self.cached(("entity-html", entity_id), lambda: pages.entity_page(self._entity_model(entity_id)))

    def _entity_model(self, entity_id: str) -> dict:
        claims = self.claims
        record = claims.describe(entity_id)
        chains: list[dict] = []
        if record["type"] in ("driver", "expectation"):
            chains = claims.paths(start=entity_id)
        elif record["type"] == "response":
            chains = claims.paths(end=entity_id)
        sources = sorted({e["source"] for e in record.get("evidence", []) if e.get("source")})
        return {"record": record, "chains": chains, "labels": self.labels,
                "sources": {s: self.labels.get(ENTITY + s) for s in sources}}

    def node_html(self, iri: str) -> str:
        from . import pages

        return self.cached(("node-html", iri), lambda: pages.node_page(self._node_model(iri)))

    def _node_model(self, iri: str) -> dict:
        from .store import IRI

        store = self.claims.store
        out_rows = store.select("SELECT ?p ?o WHERE { ?x ?p ?o } ORDER BY ?p ?o", {"x": IRI(iri)})
        in_rows = store.select("SELECT ?s ?p WHERE { ?s ?p ?x } ORDER BY ?p ?s", {"x": IRI(iri)})
        owner = iri[len(ENTITY):].split("/", 1)[0]
        return {"iri": iri, "out": out_rows, "in": in_rows, "labels": self.labels,
                "owner": owner if owner in self.entity_ids else None}

    def exists(self, iri: str) -> bool:
        from .store import IRI

        rows = self.claims.store.select(
            "SELECT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } } LIMIT 1", {"x": IRI(iri)})
        return bool(rows)

    def description(self, iri: str, is_entity: bool) -> list:
        """The triples that describe an IRI, as pyoxigraph triples: its own, its evidence and links, and those pointing at it."""
        import pyoxigraph as ox

        from .mapping import DESCRIBE_ENTITY
        from .store import IRI

        store = self.claims.store
        data = store.construct(DESCRIBE_ENTITY if is_entity else "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
                               {"x": IRI(iri)})
        data += store.construct("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }", {"x": IRI(iri)})
        return sorted(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)), key=str)

    def description_bytes(self, iri: str, is_entity: bool, fmt: str) -> bytes:
        return self.cached(("rdf", iri, fmt), lambda: _rdf_bytes(self.description(iri, is_entity), fmt))

    def near_ids(self, wanted: str) -> list[str]:
        import difflib

        if len(wanted) > 200:
            return []
        return difflib.get_close_matches(wanted, sorted(self.entity_ids), n=5, cutoff=0.6)

    # ---------------------------------------------------------------- search

    def search_html(self, text: str) -> str:
        from . import pages

        def make():
            try:
                hits = self.claims.search(text) if text.strip() else []
            except UsageError as error:
                return pages.search_page(text, [], str(error))
            return pages.search_page(text, hits)

        return self.cached(("search", text), make)


def _rdf_bytes(triples: list, fmt: str) -> bytes:
    """An entity's description: compact JSON-LD (with a context) through rdflib, the rest through pyoxigraph."""
    if fmt != "jsonld":
        return serialize_triples(triples, fmt)
    from rdflib import Graph

    from .vocab import PREFIXES as RDFLIB_PREFIXES
    from .vocab import bind_prefixes

    graph = Graph()
    bind_prefixes(graph)
    graph.parse(data=serialize_triples(triples, "nt").decode("utf-8"), format="nt")
    context = {prefix: str(namespace) for prefix, namespace in RDFLIB_PREFIXES.items() if prefix not in ("sh", "owl")}
    return graph.serialize(format="json-ld", context=context, indent=2, ensure_ascii=False).encode("utf-8")


def service_description(endpoint: str, triples: int, fmt: str) -> bytes:
    """The SPARQL 1.1 Service Description of this endpoint."""
    import pyoxigraph as ox

    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    node, dataset, graph = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    a = ox.NamedNode(RDF + "type")

    def triple(s, p, o):
        return ox.Triple(s, ox.NamedNode(p) if isinstance(p, str) else p, o)

    found = [
        triple(node, a, ox.NamedNode(sd + "Service")),
        triple(node, sd + "endpoint", node),
        triple(node, sd + "supportedLanguage", ox.NamedNode(sd + "SPARQL11Query")),
        triple(node, DCTERMS + "title", ox.Literal("scograph: claims about the SCO and Central Asia", language="en")),
        triple(node, DCTERMS + "description", ox.Literal(
            "A read-only SPARQL 1.1 endpoint. SERVICE, LOAD, updates and graphs other than the store's own are refused.",
            language="en")),
        triple(node, sd + "defaultDataset", dataset),
        triple(dataset, a, ox.NamedNode(sd + "Dataset")),
        triple(dataset, sd + "defaultGraph", graph),
        triple(graph, a, ox.NamedNode(sd + "Graph")),
        triple(graph, "http://rdfs.org/ns/void#triples", ox.Literal(str(triples), datatype=ox.NamedNode(XSD + "integer"))),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        found.append(triple(node, sd + "resultFormat", ox.NamedNode(formats + name)))
    return _rdf_bytes(found, fmt) if fmt == "jsonld" else serialize_triples(found, fmt)


# --------------------------------------------------------------------- HTTP


class _Handler(BaseHTTPRequestHandler):
    server: "ScographServer"
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "scograph"

    def setup(self) -> None:
        self.timeout = self.server.settings.request_timeout
        super().setup()

    # ---------------------------------------------------------------- plumbing

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
        if not self.server.settings.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a malformed request line, a header line too long …) as plain text."""
        self.close_connection = True
        try:
            reason = message or HTTPStatus(code).phrase
        except ValueError:
            reason = message or "error"
        self._send(Answer.text(code, reason), head=getattr(self, "command", None) == "HEAD")

    def _send(self, answer: Answer, head: bool = False) -> None:
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if answer.content_type.startswith("text/html"):
                # Pages use inline styles only and never load anything from elsewhere.
                self.send_header("Content-Security-Policy",
                                 "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if not head and answer.body:
                self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _html(self, status: int, page: str, **headers: str) -> Answer:
        return Answer(status, MEDIA_TYPES["html"], page.encode("utf-8"), dict(headers))

    def _wants_html(self) -> bool:
        return negotiate(self.headers.get("Accept"), [("text/plain", "text"), ("text/html", "html")]) == "html"

    def _error(self, status: int, message: str, suggestions: list[str] | None = None) -> Answer:
        if self._wants_html():
            from . import pages

            return self._html(status, pages.error_page(status, message, suggestions or []))
        if suggestions:
            message += "\ndid you mean: " + ", ".join(f"/id/{s}" for s in suggestions)
        return Answer.text(status, message)

    def _respond(self, make, head: bool = False) -> None:
        try:
            answer = make()
        except Refusal as refusal:
            answer = self._error(refusal.status, refusal.message)
        except Exception:
            # A bug, not the client's fault: logged here, a one-line answer without details there.
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            answer = Answer.text(500, "internal error; the server's log has the details")
        self._send(answer, head=head)

    # ---------------------------------------------------------------- methods

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(lambda: self._route("GET"))

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(lambda: self._route("HEAD"), head=True)

    def do_POST(self) -> None:  # noqa: N802
        self._respond(lambda: self._route("POST"))

    def _not_allowed(self) -> None:
        self.close_connection = True
        self._send(Answer.text(405, f"{self.command} is not allowed; this server answers GET, HEAD and POST "
                                    "(POST only at /sparql) and is read-only", Allow="GET, HEAD, POST"))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed  # noqa: N815

    # ---------------------------------------------------------------- routing

    def _route(self, method: str) -> Answer:
        limit = self.server.settings.max_request_bytes
        has_body = self.headers.get("Content-Length", "0").strip() not in ("", "0") or "Transfer-Encoding" in self.headers
        if method != "POST" and has_body:
            self.close_connection = True  # its body is never read
        if len(self.path) > limit + 1024:
            raise Refusal(414, f"the request URL is longer than this server accepts ({limit} bytes); POST the query instead")
        parts = urlsplit(self.path)
        try:
            path = unquote(parts.path, errors="strict")
            params = parse_qsl(parts.query, keep_blank_values=True, errors="strict", max_num_fields=100)
        except (UnicodeDecodeError, ValueError) as error:
            raise Refusal(400, f"the request URL is not valid UTF-8 percent-encoding: {_first_line(error)}") from None
        if path == "/sparql":
            return self._sparql(method, params)
        if method == "POST":
            self.close_connection = True
            return Answer.text(405, f"POST is accepted at /sparql only, not at {path}", Allow="GET, HEAD")
        if path in ("/", "/index.html"):
            selected = _single(params, "query")
            return self._html(200, self.server.site.home(selected))
        if path == "/search":
            text = _single(params, "q") or ""
            if len(text) > 500:
                raise Refusal(400, "the search text is longer than 500 characters")
            return self._html(200, self.server.site.search_html(text))
        if path.startswith("/id/") and len(path) > len("/id/"):
            return self._entity(path[len("/id/"):], params)
        if path == "/id/" or path == "/id":
            return Answer(301, "text/plain; charset=utf-8", b"see /\n", {"Location": "/"})
        return self._error(404, f"nothing at {path}; the home page is /, the SPARQL endpoint /sparql, "
                                "entities are at /id/ID")

    def _entity(self, entity_path: str, params: list[tuple[str, str]]) -> Answer:
        site = self.server.site
        iri = ENTITY + entity_path
        is_entity = entity_path in site.entity_ids
        if not is_entity and ("/" not in entity_path or not _plausible_iri(iri) or not site.exists(iri)):
            if entity_path.lower() in site.entity_ids:
                return Answer(301, "text/plain; charset=utf-8", b"", {"Location": "/id/" + entity_path.lower()})
            return self._error(404, f"no entity {entity_path!r} in this graph", site.near_ids(entity_path))
        hints = [v for k, v in params if k in ("format", "output")]
        fmt = choose_format("graph", self.headers.get("Accept"), hints)
        vary = {"Vary": "Accept"}
        if fmt is None:
            return Answer.text(406, f"an entity can be sent as {_offered('graph')}", **vary)
        if fmt == "html":
            page = site.entity_html(entity_path) if is_entity else site.node_html(iri)
            return self._html(200, page, **vary)
        return Answer(200, MEDIA_TYPES[fmt], site.description_bytes(iri, is_entity, fmt), vary)

    # ---------------------------------------------------------------- the SPARQL protocol

    def _sparql(self, method: str, params: list[tuple[str, str]]) -> Answer:
        if method == "POST":
            params = params + self._post_params()
        if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
            raise Refusal(403, f"{READ_ONLY}: SPARQL Update is refused")
        queries = [value for name, value in params if name == "query"]
        if len(queries) > 1:
            raise Refusal(400, "give one 'query' parameter, not several")
        accept = self.headers.get("Accept")
        hints = tuple(value for name, value in params if name in ("format", "output", "results"))
        if not queries and method == "POST":
            raise Refusal(400, "a POST to /sparql needs a query: an application/sparql-query body, "
                               "or a 'query' field in an application/x-www-form-urlencoded one")
        if not queries:
            fmt = choose_format("graph", accept, list(hints))
            if fmt == "html":
                return self._html(200, self.server.site.home(None))
            if fmt is None:
                return Answer.text(406, f"the service description can be sent as {_offered('graph')}")
            endpoint = f"http://{_host_for_url(self.server.settings.host)}:{self.server.server_port}/sparql"
            return Answer(200, MEDIA_TYPES[fmt], service_description(endpoint, self.server.site.triple_count, fmt),
                          {"Vary": "Accept"})
        job = QueryJob(
            query=queries[0], accept=accept, format_hints=hints,
            default_graphs=tuple(v for n, v in params if n == "default-graph-uri"),
            named_graphs=tuple(v for n, v in params if n == "named-graph-uri"),
        )
        answer = self.server.workers.run(job)
        answer.headers.setdefault("Vary", "Accept")
        if answer.table is not None:
            from . import pages

            page = pages.results_page(queries[0], answer.table, self.server.settings)
            answer = self._html(answer.status, page, **answer.headers)
        elif answer.status >= 400 and self._wants_html():
            from . import pages

            answer = self._html(answer.status, pages.results_error_page(queries[0], answer.status,
                                                                        answer.body.decode("utf-8", "replace")))
        return answer

    def _post_params(self) -> list[tuple[str, str]]:
        limit = self.server.settings.max_request_bytes
        if "Transfer-Encoding" in self.headers:
            self.close_connection = True
            raise Refusal(411, "send the body with a Content-Length; chunked bodies are not accepted")
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            self.close_connection = True
            raise Refusal(411, "a POST needs a Content-Length header")
        if len(set(v.strip() for v in lengths)) != 1 or not re.fullmatch(r"\d{1,18}", lengths[0].strip()):
            self.close_connection = True
            raise Refusal(400, f"not a valid Content-Length: {', '.join(lengths)[:40]!r}")
        length = int(lengths[0])
        if length > limit:
            self.close_connection = True
            raise Refusal(413, f"the request body ({length} bytes) is larger than this server accepts ({limit} bytes)")
        content_type = self.headers.get("Content-Type", "")
        mime, _, parameters = content_type.partition(";")
        mime = mime.strip().lower()
        charset = re.search(r"charset\s*=\s*\"?([\w.-]+)", parameters, re.I)
        try:
            body = self.rfile.read(length) if length else b""
        except TimeoutError:
            self.close_connection = True
            raise Refusal(408, f"the request body did not arrive within {self.server.settings.request_timeout:g} s") from None
        if len(body) < length:
            self.close_connection = True
            raise Refusal(400, f"the request body ended after {len(body)} of the {length} bytes announced")
        if mime == "application/sparql-update":
            raise Refusal(403, f"{READ_ONLY}: SPARQL Update is refused")
        if mime not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            raise Refusal(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded "
                               f"(query=…), not {mime or 'a body without a Content-Type'}")
        if charset and charset.group(1).lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
            raise Refusal(415, f"send the query as UTF-8, not {charset.group(1)}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Refusal(400, f"the request body is not UTF-8 (byte {error.start})") from None
        if mime == "application/sparql-query":
            return [("query", text)]
        try:
            return parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=100)
        except (UnicodeDecodeError, ValueError) as error:
            raise Refusal(400, f"the form body is not valid UTF-8 percent-encoding: {_first_line(error)}") from None


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    return values[0] if values else None


def _plausible_iri(iri: str) -> bool:
    return not (set('<>"{}|^`\\ \t\n\r') & set(iri))


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class ScographServer(ThreadingHTTPServer):
    """The HTTP server: the site (pages, read in this process) and the query workers."""

    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 drops connections when a few dozen clients arrive at once

    def __init__(self, settings: ServerSettings, site: Site, workers: QueryWorkers | None = None):
        self.settings = settings
        self.site = site
        self.workers = workers
        self._connections = threading.BoundedSemaphore(settings.max_connections)
        if ":" in settings.host.strip("[]"):
            self.address_family = socket.AF_INET6
        super().__init__((settings.host.strip("[]"), settings.port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up in DNS; nothing here needs it.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def url(self) -> str:
        return f"http://{_host_for_url(self.server_name)}:{self.server_port}/"

    def process_request(self, request, client_address) -> None:
        if not self._connections.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Content-Length: 41\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
                                b"too many open connections; try again soon")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def handle_error(self, request, client_address) -> None:
        if not self.settings.quiet:
            sys.stderr.write(f"{client_address[0]} - connection error: {_first_line(sys.exc_info()[1] or Exception())}\n")

    def close(self) -> None:
        """Stop serving (if serving), close the socket, stop the workers."""
        self.server_close()
        if self.workers is not None:
            self.workers.close()


def make_server(settings: ServerSettings, log=None) -> ScographServer:
    """Load the data, bind the socket and start the query workers; ``serve_forever()`` then serves.

    A bad setting is a UsageError, an unusable data file a DataFileError.
    """
    from . import cache
    from .graph import ClaimsGraph
    from .store import read_data

    settings.check()
    log = log or (lambda message: None)
    claims = ClaimsGraph.load(settings.data)
    data, path = read_data(settings.data)
    key = cache.content_key(data)
    large = len(data) > cache.LARGE_FILE_BYTES and cache.open_prepared(key) is not None
    source = DataSource(path, None if large else data, key if large else None)
    site = Site(claims, settings)
    try:
        server = ScographServer(settings, site)  # bound first: a port in use fails before workers start
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"port {settings.port} on {settings.host} is in use; choose another with --port") from None
        if isinstance(error, socket.gaierror):
            raise UsageError(f"cannot listen on {settings.host!r}: not a known host name or address") from None
        raise UsageError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}") from None
    try:
        server.workers = QueryWorkers(source, settings, log)
    except BaseException:
        server.server_close()
        raise
    return server


class BackgroundServer:
    """A server running in a thread, for tests, notebooks and benchmarks: ``with BackgroundServer(settings) as url:``."""

    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.server: ScographServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        self.server = make_server(self.settings)
        self._thread = threading.Thread(target=self.server.serve_forever, name="scograph-server", daemon=True)
        self._thread.start()
        return self.server.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.close()
            self._thread.join(timeout=10)
            self.server = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

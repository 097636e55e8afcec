"""``scograph serve``: a read-only SPARQL 1.1 endpoint and a linked-data page for every entity.

A Starlette app (:mod:`.app`) served by uvicorn, with the deadlines and connection limits
of :mod:`.connections`; queries run in worker processes (:mod:`.workers`), pages are
Jinja2 templates (:mod:`.templates`) filled from the graph (:mod:`.site`). Safe by
default: loopback only, read-only, no outbound traffic, every answer and cache bounded
(README, "Serve the graph" and its threat model).

Importing this package imports none of the web stack; :func:`make_server` does.
"""

from __future__ import annotations

import threading

from ..errors import UsageError
from .settings import DEFAULT_HOST, DEFAULT_PORT, ServerSettings, host_for_url, is_loopback
from .site import prefilled_text

__all__ = ["BackgroundServer", "ServerSettings", "ScographServer", "make_server", "is_loopback", "prefilled_text",
           "DEFAULT_HOST", "DEFAULT_PORT"]

STACK = ("starlette", "uvicorn", "jinja2", "cachetools")


def _check_stack() -> None:
    import importlib

    missing = []
    for name in STACK:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise UsageError(f"scograph serve needs {', '.join(missing)}, which are not installed; "
                         f"install them with: pip install {' '.join(missing)}")


class ScographServer:
    """A bound socket, the site, the query workers and the uvicorn server that serves them."""

    def __init__(self, settings: ServerSettings, site, workers, sock):
        self.settings = settings
        self.site = site
        self.workers = workers
        self.socket = sock
        self.server_address = sock.getsockname()
        self.server_port = self.server_address[1]
        self._uvicorn = None
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{host_for_url(self.server_address[0])}:{self.server_port}/"

    def _make_uvicorn(self):
        import contextlib
        import signal

        import uvicorn

        from .app import build_app
        from .connections import ConnectionLimits, guarded_protocol

        settings = self.settings
        limits = ConnectionLimits(settings)
        app, endpoints = build_app(settings, self.site, self.workers)
        endpoints.port = self.server_port
        config = uvicorn.Config(
            app, http=guarded_protocol(limits), lifespan="off", log_config=None, access_log=False,
            log_level="critical" if settings.quiet else "error", server_header=False,
            timeout_keep_alive=min(5, int(settings.request_timeout) or 1),
            timeout_graceful_shutdown=int(settings.timeout + settings.request_timeout),
            h11_max_incomplete_event_size=limits.head_limit + 1024, backlog=1024, loop="asyncio")

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):
                # SIGINT and SIGTERM stop the server gracefully, even when it was started with SIGINT
                # ignored (a background job, nohup); unlike uvicorn's own, they are not raised again after.
                if threading.current_thread() is not threading.main_thread():
                    yield
                    return
                originals = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
                try:
                    yield
                finally:
                    for sig, handler in originals.items():
                        signal.signal(sig, handler)

        return Server(config)

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown`, SIGINT or SIGTERM (the last two in the main thread)."""
        self._uvicorn = self._make_uvicorn()
        try:
            self._uvicorn.run(sockets=[self.socket])
        finally:
            self._stopped.set()

    def shutdown(self, timeout: float = 30) -> None:
        """Stop serving (from another thread): connections in the middle of an answer get it first."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
            self._stopped.wait(timeout)

    def close(self) -> None:
        """Close the socket, stop the workers."""
        try:
            self.socket.close()
        except OSError:
            pass
        if self.workers is not None:
            self.workers.close()


def _bind(settings: ServerSettings):
    import errno
    import socket

    host = settings.host.strip("[]")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, settings.port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        raise UsageError(f"cannot listen on {settings.host!r}: not a known host name or address") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"port {settings.port} on {settings.host} is in use; choose another with --port") from None
        raise UsageError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}") from None
    return sock


def make_server(settings: ServerSettings, log=None) -> ScographServer:
    """Load the data, bind the socket and start the query workers; ``serve_forever()`` then serves.

    A bad setting is a UsageError, an unusable data file a DataFileError.
    """
    from ..store import prepared as cache
    from ..graph import ClaimsGraph
    from ..store import read_data
    from .site import Site
    from .workers import DataSource, QueryWorkers

    settings.check()
    _check_stack()
    log = log or (lambda message: None)
    claims = ClaimsGraph.load(settings.data)
    key = claims.content_key  # set when the graph is answered from a prepared index
    if not settings.by_source and key is not None and cache.open_prepared(key) is not None:
        source = DataSource(claims.path, None, key, None)  # a large file: never read whole again
    else:
        # Named graphs are loaded beside the data in each worker's memory: a prepared index is read-only.
        data, path = read_data(settings.data)
        source = DataSource(path, data, None, _source_graphs(claims) if settings.by_source else None)
    site = Site(claims, settings)
    sock = _bind(settings)  # bound first: a port in use fails before workers start
    try:
        workers = QueryWorkers(source, settings, log)
    except BaseException:
        sock.close()
        raise
    return ScographServer(settings, site, workers, sock)


def _source_graphs(claims) -> bytes:
    """The claims' named graphs, one per source (:func:`scograph.rdf.datasets.source_dataset`), as N-Quads."""
    import pyoxigraph as ox

    from ..rdf.datasets import dataset_parts, source_dataset

    quads = (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
             for name, triples in dataset_parts(source_dataset(claims)) if name is not None for t in triples)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


class BackgroundServer:
    """A server running in a thread, for tests, notebooks and benchmarks: ``with BackgroundServer(settings) as url:``."""

    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.server: ScographServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        import time

        self.server = make_server(self.settings)
        self._thread = threading.Thread(target=self.server.serve_forever, name="scograph-server", daemon=True)
        self._thread.start()
        for _ in range(500):  # until uvicorn listens (the socket already queues connections meanwhile)
            if self.server._uvicorn is not None and self.server._uvicorn.started:
                break
            time.sleep(0.01)
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

"""The `scograph serve` command."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import DataOption

# The defaults of scograph.server.ServerSettings, written out so that every CLI call need not import the server.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback opens the server to the network.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = DEFAULT_PORT,
    data: DataOption = None,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped (503).", metavar="SECONDS")] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Rows (or triples) a result may carry; the rest is cut.")] = 10_000,
    max_result_bytes: Annotated[int, typer.Option(help="Bytes a result may carry; the rest is cut.")] = 16 * 1024 * 1024,
    max_request_bytes: Annotated[int, typer.Option(help="Largest request body or query string (413/414 above).")] = 64 * 1024,
    request_timeout: Annotated[float, typer.Option(help="Seconds a client has to send a whole request (408), and to take an answer it falls behind on.", metavar="SECONDS")] = 10.0,
    workers: Annotated[int, typer.Option(help="Query worker processes: queries answered at once.")] = 4,
    worker_memory: Annotated[int, typer.Option(help="Memory a query worker may use, in MB (0: no cap).", metavar="MB")] = 2048,
    max_connections: Annotated[int, typer.Option(help="Open connections in all (503 above).")] = 512,
    max_client_connections: Annotated[int, typer.Option(help="Open connections from one client address (503 above).")] = 32,
    cors: Annotated[list[str] | None, typer.Option(help="Let browser scripts from this origin read the answers (repeatable; * for any).", metavar="ORIGIN")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No access log on stderr.")] = False,
    by_source: Annotated[bool, typer.Option("--by-source", help="Also hold one named graph per cited source and paper (as `export --format trig`), for FROM, FROM NAMED and GRAPH.")] = False,
) -> None:
    """Serve the graph: a read-only SPARQL endpoint at /sparql and a page for every entity at /id/ID."""
    from ..server import ServerSettings, is_loopback, make_server

    settings = ServerSettings(host=host, port=port, data=data, timeout=timeout, max_rows=max_rows,
                              max_result_bytes=max_result_bytes, max_request_bytes=max_request_bytes,
                              request_timeout=request_timeout, workers=workers, worker_memory_mb=worker_memory,
                              max_connections=max_connections, max_client_connections=max_client_connections,
                              cors=tuple(cors or ()), quiet=quiet, by_source=by_source)
    if not is_loopback(host):
        typer.echo(f"warning: listening on {host}: anyone who can reach this machine can query the graph", err=True)
    server = make_server(settings, log=lambda message: typer.echo(message, err=True))
    isolation = "workers have no network" if server.workers.isolated else "SERVICE and remote graphs refused"
    typer.echo(f"serving {server.url} — SPARQL endpoint {server.url}sparql, entities at {server.url}id/ID "
               f"({settings.workers} query workers, {settings.timeout:g} s per query, {isolation}); Ctrl-C stops",
               err=True)
    try:
        server.serve_forever()
    finally:
        server.close()
    typer.echo("stopped", err=True)

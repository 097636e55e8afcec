"""The `scograph push` command: the claims file, checked, uploaded to a remote Graph Store."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .common import DataOption, checked_url


def push(endpoint: Annotated[str, typer.Option("--endpoint", help="SPARQL 1.1 Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store.", metavar="URL")],
         graph: Annotated[Optional[str], typer.Option("--graph", help="Named graph IRI to replace; default: the default graph.", metavar="IRI")] = None,
         data: DataOption = None) -> None:
    """Upload the claims graph to a remote triple store (replacing the graph it writes to)."""
    from ..fileio import read_bytes
    from ..graph import ClaimsGraph
    from ..store.remote import push_turtle

    claims = ClaimsGraph.load(data)  # checks the file before anything leaves the machine
    turtle = read_bytes(claims.path, "Turtle file")
    target = push_turtle(checked_url(endpoint, "graph store", "http://127.0.0.1:7878/store"), turtle, graph)
    typer.echo(f"pushed {len(claims.store)} triples to {target}", err=True)

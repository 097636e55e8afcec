"""The `scograph export` command (registered on the app in cli.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli import CountryOption, DataOption, DomainOption, _load, app, handles_errors
from .exports import ExportFormat, Filters, NetworkName, Normalization
from .exports import export as write_export


@app.command()
@handles_errors
def export(
    format: Annotated[ExportFormat, typer.Option(
        "--format", "-f",
        help="graphml, gexf, csv (PREFIX-nodes.csv and PREFIX-edges.csv), statements (one CSV row per demand), "
             "jsonld, ttl, nt, trig (one named graph per source).")],
    network: Annotated[Optional[NetworkName], typer.Option(
        "--network", "-n", help="For graphml, gexf and csv; default full.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write FILE atomically instead of stdout; for csv a prefix: -o out writes out-nodes.csv, out-edges.csv.")] = None,
    country: CountryOption = None,
    domain: DomainOption = None,
    since: Annotated[Optional[str], typer.Option(
        metavar="DATE", help="Statements dated DATE or later (YYYY, YYYY-MM or YYYY-MM-DD; undated ones drop out).")] = None,
    until: Annotated[Optional[str], typer.Option(
        metavar="DATE", help="Statements dated DATE or earlier (YYYY, YYYY-MM or YYYY-MM-DD; undated ones drop out).")] = None,
    group_demands: Annotated[bool, typer.Option(
        "--group-demands/--no-group-demands",
        help="Count demands held by a group (ca-members) for each member state, or leave them out.")] = True,
    normalize: Annotated[Optional[Normalization], typer.Option(
        help="actor-congruence weight: none (shared themes), jaccard or cosine.")] = None,
    data: DataOption = None,
) -> None:
    """Export a network (GraphML, GEXF, CSV for Gephi), the statement table, or the RDF graph."""
    filters = Filters(country=country, domain=domain, since=since, until=until, group_demands=group_demands)
    graph = _load(data)
    if output is not None:
        from .progress import status

        with status(f"exporting {format.value} to {output}"):
            result = write_export(graph, format, network, filters=filters, normalize=normalize, output=output)
        typer.echo(result.summary(), err=True)
        return
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stdout (some embedding hosts)
        write_export(graph, format, network, filters=filters, normalize=normalize, stream=sys.stdout)
        return
    stream = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
    try:
        write_export(graph, format, network, filters=filters, normalize=normalize, stream=stream)
    finally:
        stream.flush()
        stream.detach()

"""The `scograph export` command."""

from __future__ import annotations

import io
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..discourse.export import FORMATS as DISCOURSE_FORMATS
from ..discourse.export import NETWORKS as DISCOURSE_NETWORKS
from ..errors import printable
from ..exports import ExportFormat, Filters, NetworkName, Normalization
from ..exports import export as write_export
from . import analyse as dn
from .common import CountryOption, DataOption, DomainOption, EndpointOption, load

# The exports' own choices, then the discourse networks' (scograph.discourse), which they delegate to.
AnyFormat = Enum("AnyFormat", {v: v for v in dict.fromkeys([f.value for f in ExportFormat] + list(DISCOURSE_FORMATS))}, type=str)
AnyNetwork = Enum("AnyNetwork", {v: v for v in [n.value for n in NetworkName] + list(DISCOURSE_NETWORKS)}, type=str)


def export(
    format: Annotated[AnyFormat, typer.Option(
        "--format", "-f",
        help="graphml, gexf, csv (PREFIX-nodes.csv and PREFIX-edges.csv), statements (one CSV row per demand), "
             "jsonld, ttl, nt, trig (one named graph per source); matrix (adjacency CSV) and dl (UCINET) "
             "for the discourse networks.")],
    network: Annotated[AnyNetwork | None, typer.Option(
        "--network", "-n", help="For graphml, gexf and csv; default full. Discourse networks (DNA's): actor-concept, "
                                "actor-actor, concept-concept; driver-demand-response, driver-response.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write FILE atomically instead of stdout; for csv a prefix: -o out writes out-nodes.csv, out-edges.csv.")] = None,
    country: CountryOption = None,
    domain: DomainOption = None,
    since: Annotated[str | None, typer.Option(
        metavar="DATE", help="Statements dated DATE or later (YYYY, YYYY-MM or YYYY-MM-DD; undated ones drop out).")] = None,
    until: Annotated[str | None, typer.Option(
        metavar="DATE", help="Statements dated DATE or earlier (YYYY, YYYY-MM or YYYY-MM-DD; undated ones drop out).")] = None,
    group_demands: Annotated[bool, typer.Option(
        "--group-demands/--no-group-demands",
        help="Count demands held by a group (ca-members) for each member state, or leave them out.")] = True,
    normalize: Annotated[dn.DiscourseNormalization | None, typer.Option(
        help="actor-congruence weight: none (shared themes), jaccard or cosine; discourse one-mode: "
             "none|average|jaccard|cosine; two-mode: none|activity|prominence.")] = None,
    qualifier: dn.QualifierOption = None,
    actor_level: dn.ActorLevelOption = None,
    concept: dn.ConceptOption = None,
    duplicates: dn.DuplicatesOption = None,
    window: dn.WindowOption = None,
    step: dn.StepOption = None,
    per_window: Annotated[bool, typer.Option(
        "--per-window", help="With --window: one file per window (FILE-NN-START), not one dynamic GEXF.")] = False,
    isolates: dn.IsolatesOption = False,
    exclude_actor: dn.ExcludeActorOption = None,
    exclude_concept: dn.ExcludeConceptOption = None,
    exclude_stance: dn.ExcludeStanceOption = None,
    exclude_source: dn.ExcludeSourceOption = None,
    min_statements: dn.MinStatementsOption = 0,
    basis: Annotated[list[str] | None, typer.Option(
        "--basis", metavar="BASIS", help="driver-demand-response: links of this basis only, stated or inferred (repeatable).")] = None,
    data: DataOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Export a network (GraphML, GEXF, CSV for Gephi; matrices, UCINET DL), the statement table, or the RDF graph."""
    options = dict(actor_level=actor_level, concept=concept, qualifier=qualifier, duplicates=duplicates, window=window,
                   step=step, isolates=isolates, exclude_actor=exclude_actor, exclude_concept=exclude_concept,
                   exclude_stance=exclude_stance, exclude_source=exclude_source, min_statements=min_statements)
    if _discourse(format, network, normalize, options, per_window, basis):
        _export_discourse(format, network, output, normalize, options, per_window, basis, data, endpoint,
                          dict(country=country, domain=domain, since=since, until=until, group_demands=group_demands))
        return
    format = ExportFormat(format.value)
    network = NetworkName(network.value) if network is not None else None
    normalize = Normalization(normalize.value) if normalize is not None else None
    filters = Filters(country=country, domain=domain, since=since, until=until, group_demands=group_demands)
    graph = load(data, endpoint)
    if output is not None:
        from ..progress import status

        with status(f"exporting {format.value} to {output}"):
            result = write_export(graph, format, network, filters=filters, normalize=normalize, output=output)
        typer.echo(printable(result.summary()), err=True)  # one line, whatever the file name holds
        return
    _to_stdout(lambda stream: write_export(graph, format, network, filters=filters, normalize=normalize, stream=stream))


def _discourse(format, network, normalize, options, per_window, basis) -> bool:
    """Whether the call asks for a discourse network (a new network, format or option), which
    ``scograph.discourse`` writes; every other call is the exports' as before."""
    from ..errors import UsageError

    if network is not None and network.value in DISCOURSE_NETWORKS:
        return True
    given_options = [f"--{k.replace('_', '-')}" for k, v in {**options, "per_window": per_window, "basis": basis}.items() if v]
    asked = [name for name, given in (("--format " + format.value, format.value in ("matrix", "dl")),
                                      (given_options[0] if given_options else "", bool(given_options)),
                                      ("--normalize " + (normalize.value if normalize else ""),
                                       normalize is not None and normalize.value not in {n.value for n in Normalization}))
             if given]
    if asked:
        raise UsageError(f"{asked[0]} applies to the discourse networks: give --network "
                         f"{', '.join(list(DISCOURSE_NETWORKS)[:3])} (or driver-demand-response)")
    return False


def _export_discourse(format, network, output, normalize, options, per_window, basis, data, endpoint, filters) -> None:
    from ..discourse.export import export as write_discourse

    chosen = dn.selection(**{k: v for k, v in options.items() if k not in ("concept", "qualifier", "window", "step")},
                          **filters)
    arguments = dict(qualifier=options["qualifier"].value if options["qualifier"] else None,
                     normalize=normalize.value if normalize else None,
                     concept=options["concept"].value if options["concept"] else "theme",
                     window=options["window"], step=options["step"], per_window=per_window,
                     basis=tuple(basis) if basis else None)
    graph = load(data, endpoint)
    if output is not None:
        result = write_discourse(graph, format.value, network.value, chosen, output=output, **arguments)
        typer.echo(printable(result.summary()), err=True)  # one line, whatever the file name holds
        return
    _to_stdout(lambda stream: write_discourse(graph, format.value, network.value, chosen, stream=stream, **arguments))


def _to_stdout(write) -> None:
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stdout (some embedding hosts)
        write(sys.stdout)
        return
    stream = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
    try:
        write(stream)
    finally:
        stream.flush()
        stream.detach()

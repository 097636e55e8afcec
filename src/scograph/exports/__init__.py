"""Exports: the claims graph as networks for Gephi and igraph, as tables, and as RDF.

A *network* is built from a :class:`~scograph.graph.ClaimsGraph` and written in a
*format*. The networks are the ones discourse-network analysts know from DNA
(Discourse Network Analyzer); a *statement* is an expectation (a demand), its
actor the state that holds it, its concept a theme:

- ``full``: the whole typed graph (what ``ClaimsGraph.network`` projects);
- ``chains``: drivers, expectations and responses only;
- ``actor-theme``: two-mode, states × themes, weight = the number of demands;
- ``actor-congruence``: one-mode, states linked by the themes both demand,
  weight = the shared count, or its Jaccard or cosine normalisation;
- ``theme-cooccurrence``: one-mode, themes linked when one demand carries both,
  weight = the number of such demands.

A demand held by a group of states (``ca-members``) counts for each member state
in the actor networks, as it does in ``ClaimsGraph.demands``;
``Filters(group_demands=False)`` leaves such demands out.

Filters select statements (:class:`Filters`); a statement dated ``2019`` or
``2019-04`` stands for the whole year or month, and is kept when that span
overlaps the range (see :func:`date_span`). Undated statements are left out
once ``since`` or ``until`` is given.

Formats: GraphML and GEXF (streamed, typed scalar attributes only), a nodes and
an edges CSV, the one-row-per-demand statement table, and RDF (Turtle,
N-Triples, TriG with one named graph per source, JSON-LD).

Every network and the statement table is read from the store by SPARQL (so an export answers
the same from a remote endpoint); none needs rdflib or the typed objects.

One module a job: :mod:`.choices` (the formats and networks by name), :mod:`.selection`
(filters, whom a statement counts for, the statements), :mod:`.networks` (the Network type),
:mod:`.entity_networks` (full, chains) and :mod:`.statement_networks` (the DNA networks,
:func:`build_network`), :mod:`.graphml`, :mod:`.gexf`, :mod:`.tables` and :mod:`.rdf`
(writing), here :func:`export` (one call: check, build, write). Every name other modules
import is re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import UsageError, printable
from ..fileio import atomic_writer
from ..inputs import date_span, parse_choice
from .entity_networks import chains_network, full_network
from .choices import (
    NETWORK_FORMATS,
    RDF_FORMATS,
    ExportFormat,
    NetworkName,
    Normalization,
)
from .escaping import spelt, xml_attr, xml_text
from .gexf import NODE_COLOURS, node_size, write_gexf
from .graphml import write_graphml
from .networks import Attribute, Edge, Network, Node
from .statement_networks import (
    actor_congruence_network,
    actor_theme_network,
    build_network,
    theme_cooccurrence_network,
)
from .rdf import rdf_text, to_rdf_text
from .selection import (
    Filters,
    Holders,
    Selector,
    Statements,
    holder_states,
    select_findings,
    select_statements,
    statement_span,
)
from .tables import (
    STATEMENT_COLUMNS,
    csv_paths,
    statement_rows,
    write_edges_csv,
    write_nodes_csv,
    write_statements,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import ClaimsGraph

# pydantic (scograph.model), rdflib and networkx are imported where they are used, so that
# registering this command costs the other commands nothing.

__all__ = [
    "NETWORK_FORMATS", "NODE_COLOURS", "RDF_FORMATS", "STATEMENT_COLUMNS", "Attribute", "Edge", "ExportFormat",
    "ExportResult", "Filters", "Holders", "Network", "Selector", "NetworkName", "Node", "Normalization", "actor_congruence_network",
    "actor_theme_network", "build_network", "chains_network", "check_combination", "csv_paths", "date_span",
    "emitter", "export", "full_network", "holder_states", "node_size", "rdf_text", "select_findings",
    "select_statements", "spelt", "statement_rows", "statement_span", "Statements", "theme_cooccurrence_network", "to_rdf_text",
    "write_edges_csv", "write_gexf", "write_graphml", "write_nodes_csv", "write_statements", "xml_attr", "xml_text",
]
# The names scograph.discourse imported while these were private to one module.
_Selector, _statement_span, _xml_attr = Selector, statement_span, xml_attr


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files (none for stdout) and how many nodes, edges or rows."""

    format: ExportFormat
    network: str | None
    paths: tuple[Path, ...]
    nodes: int | None = None
    edges: int | None = None
    rows: int | None = None
    triples: int | None = None
    graphs: int | None = None
    """For TriG: how many named graphs (sources) the triples fall into."""

    def summary(self) -> str:
        if self.rows is not None:
            what = f"{self.rows} statements"
        elif self.graphs is not None:
            what = f"{self.triples} triples in {self.graphs} named graphs and the default graph"
        elif self.triples is not None:
            what = f"{self.triples} triples"
        else:
            what = f"{self.network} network: {self.nodes} nodes, {self.edges} edges"
        # A file name may hold a line end or a control character; the summary stays one line.
        return f"wrote {', '.join(printable(str(p)) for p in self.paths)} ({what})"


def emitter(stream: TextIO | None) -> Callable[[Path | None, Callable[[TextIO], Any]], Any]:
    """``emit(path, write)``: ``write`` given a file written atomically at ``path``, or ``stream`` when
    ``path`` is None; returns what ``write`` returns (shared with scograph.discourse)."""

    def emit(path: Path | None, write: Callable[[TextIO], Any]) -> Any:
        if path is None:
            return write(stream)
        with atomic_writer(path, text=True) as handle:
            return write(handle)

    return emit


def check_combination(fmt: ExportFormat | str, network: NetworkName | str | None = None,
                      filters: Filters | None = None, normalize: Normalization | str | None = None,
                      to_stdout: bool = False) -> tuple[ExportFormat, NetworkName | None]:
    """Parse the format and network, and refuse combinations that mean nothing (UsageError)."""
    fmt = parse_choice(ExportFormat, fmt, "export format")
    network = parse_choice(NetworkName, network, "network") if network is not None else None
    is_network = fmt in NETWORK_FORMATS
    if network is not None and not is_network:
        raise UsageError(f"--network applies to the network formats ({', '.join(f.value for f in NETWORK_FORMATS)}),"
                         f" not {fmt.value}")
    if fmt in RDF_FORMATS and filters is not None and filters.active:
        raise UsageError(f"{fmt.value} exports the whole RDF graph; --country, --domain, --since, --until and"
                         f" --no-group-demands apply to"
                         f" {', '.join(f.value for f in NETWORK_FORMATS)} and statements (select RDF with: scograph sparql)")
    if normalize is not None:
        normalize = parse_choice(Normalization, normalize, "normalisation")
        if (network or NetworkName.full) is not NetworkName.actor_congruence and normalize is not Normalization.none:
            raise UsageError("--normalize applies to --network actor-congruence only")
    if fmt is ExportFormat.csv and to_stdout:
        raise UsageError("csv writes two files, PREFIX-nodes.csv and PREFIX-edges.csv: give -o PREFIX"
                         " (for one table on stdout: --format statements)")
    return fmt, (network or NetworkName.full) if is_network else None


def export(graph: "ClaimsGraph", fmt: ExportFormat | str, network: NetworkName | str | None = None, *,
           filters: Filters | None = None, normalize: Normalization | str | None = None,
           output: Path | str | None = None, stream: TextIO | None = None) -> ExportResult:
    """Write one export to ``output`` (atomically; for csv, a prefix) or to the text ``stream``."""
    fmt, network = check_combination(fmt, network, filters, normalize, to_stdout=output is None)
    if output is None and stream is None:
        raise UsageError("give an output path or a stream")
    output = Path(output) if output is not None else None

    emit = emitter(stream)
    if fmt in RDF_FORMATS:
        text, graphs = rdf_text(graph, fmt)
        emit(output, lambda out: out.write(text))
        return ExportResult(fmt, None, (output,) if output else (), triples=len(graph.rdf), graphs=graphs)
    if fmt is ExportFormat.statements:
        rows = statement_rows(graph, filters)
        emit(output, lambda out: write_statements(rows, out))
        return ExportResult(fmt, None, (output,) if output else (), rows=len(rows))
    built = build_network(graph, network, filters, normalize)
    if fmt is ExportFormat.csv:
        nodes_path, edges_path = csv_paths(output)
        nodes = emit(nodes_path, lambda out: write_nodes_csv(built, out))
        edges = emit(edges_path, lambda out: write_edges_csv(built, out))
        return ExportResult(fmt, network.value, (nodes_path, edges_path), nodes, edges)
    writer = write_graphml if fmt is ExportFormat.graphml else write_gexf
    nodes, edges = emit(output, lambda out: writer(built, out))
    return ExportResult(fmt, network.value, (output,) if output else (), nodes, edges)

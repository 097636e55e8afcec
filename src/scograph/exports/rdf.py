"""The whole claims graph as RDF text: Turtle, N-Triples, TriG (one named graph per source), JSON-LD."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UsageError
from .choices import RDF_FORMATS, ExportFormat

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import ClaimsGraph


def to_rdf_text(graph: "ClaimsGraph", fmt: ExportFormat) -> str:
    """The claims graph as Turtle, N-Triples (sorted lines), TriG (one graph per source) or JSON-LD."""
    if fmt is ExportFormat.ttl:
        from ..rdf.turtle import turtle_text

        return turtle_text(graph.rdf)
    if fmt is ExportFormat.nt:
        from rdflib.compare import to_canonical_graph

        # Canonical blank node labels and sorted lines: the same graph always gives the same text.
        lines = to_canonical_graph(graph.rdf).serialize(format="nt11").splitlines()
        return "".join(line + "\n" for line in sorted(set(lines)) if line.strip())
    if fmt is ExportFormat.trig:
        from ..rdf.datasets import source_dataset, trig_text

        return trig_text(source_dataset(graph))
    if fmt is ExportFormat.jsonld:
        from ..rdf.jsonld import to_jsonld

        return to_jsonld(graph)
    raise UsageError(f"{fmt.value} is not an RDF format; RDF formats: {', '.join(f.value for f in RDF_FORMATS)}")


def rdf_text(graph: "ClaimsGraph", fmt: ExportFormat) -> tuple[str, int | None]:
    """The text of :func:`to_rdf_text` and, for TriG, how many named graphs (sources) it holds."""
    if fmt is not ExportFormat.trig:
        return to_rdf_text(graph, fmt), None
    from ..rdf.datasets import source_dataset, trig_text

    dataset = source_dataset(graph)
    graphs = sum(1 for g in dataset.graphs() if len(g) and g.identifier != dataset.default_graph.identifier)
    return trig_text(dataset), graphs

"""The claims graph as an RDF dataset: one named graph per source (TriG), written in a stable order."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Dataset

    from ..graph import ClaimsGraph


def source_dataset(graph: "ClaimsGraph") -> "Dataset":
    """The claims graph split by source: one named graph per work, named by the work's IRI.

    - Each piece of evidence (quote, page, note, voice, its annotation target) and the link from its
      claim to it go into the graph of the source its footnote cites, or, with no footnote, of the
      paper it is quoted from.
    - Each cited source's own record (title, authors, URL, the footnotes that cite it) goes into
      its own graph; each paper's record (sections, authors, DOI) into the paper's graph.
    - Each claim backed by evidence (an expectation, driver, response, indicator, a qualified link…)
      goes into the graph of every paper its evidence is quoted from.
    - What no work backs (actors, themes and initiatives without evidence) stays in the default graph.

    Every triple of the claims graph is in the dataset; the union of its graphs is the claims graph.
    """
    from rdflib import Dataset, URIRef
    from rdflib.namespace import DCTERMS, PROV, RDF

    from .mapping import BIBO, OA, SCO
    from ..terms import bind_prefixes

    rdf = graph.rdf
    home: dict[Any, set] = defaultdict(set)
    for evidence in rdf.subjects(RDF.type, SCO.Evidence):
        work = rdf.value(evidence, SCO.citedSource) or rdf.value(evidence, PROV.wasQuotedFrom)
        if work is not None:
            home[evidence].add(work)
            # The quote's annotation target and its selector go with the quote.
            for target in rdf.objects(evidence, OA.hasTarget):
                home[target].add(work)
                for selector in rdf.objects(target, OA.hasSelector):
                    home[selector].add(work)
    for work in rdf.subjects(RDF.type, SCO.Source):
        home[work].add(work)
        for footnote in rdf.objects(work, SCO.citedAt):
            home[footnote].add(work)
        for section in rdf.objects(work, DCTERMS.hasPart):
            home[section].add(work)
    for owner, evidence in rdf.subject_objects(SCO.evidence):
        if owner not in home:
            for paper in rdf.objects(evidence, PROV.wasQuotedFrom):
                home[owner].add(paper)
    for owner, head in rdf.subject_objects(BIBO.authorList):
        for cell in _list_cells(rdf, head):
            home[cell] |= home[owner]

    dataset = Dataset()
    bind_prefixes(dataset)
    default = dataset.default_graph
    named: dict[Any, Any] = {}
    for triple in rdf:
        subject, predicate, obj = triple
        works = home.get(obj) if predicate == SCO.evidence else home.get(subject)
        if not works:
            default.add(triple)
            continue
        for work in works:
            if work not in named:
                named[work] = dataset.graph(URIRef(work))
            named[work].add(triple)
    return dataset


def _list_cells(rdf, head) -> list:
    from rdflib.namespace import RDF

    cells, node = [], head
    while node is not None and node != RDF.nil and node not in cells:
        cells.append(node)
        node = rdf.value(node, RDF.rest)
    return cells


def trig_text(dataset: "Dataset") -> str:
    """TriG in a stable order: the prefixes once, then each named graph by name, the default graph last.

    rdflib's TriG writer orders graphs by hash; each graph here is written by its
    deterministic Turtle writer instead.
    """
    from rdflib import Graph

    from ..terms import PREFIXES, bind_prefixes
    from .turtle import turtle_text

    def body(triples) -> str:
        part = Graph()
        bind_prefixes(part)
        for triple in triples:
            part.add(triple)
        lines = turtle_text(part).splitlines()
        kept = [line for line in lines if not line.upper().startswith(("PREFIX ", "@PREFIX "))]
        return "\n".join(kept).strip("\n")  # not indented: a long literal may span lines

    out = [f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in sorted(PREFIXES.items())]
    default_id = dataset.default_graph.identifier
    named = sorted((g for g in dataset.graphs() if g.identifier != default_id), key=lambda g: str(g.identifier))
    for graph in named:
        if len(graph):
            out.append(f"\n<{graph.identifier}> {{\n{body(graph)}\n}}\n")
    if len(dataset.default_graph):
        out.append(f"\n{{\n{body(dataset.default_graph)}\n}}\n")
    return "".join(out)


def dataset_parts(dataset: "Dataset", default: str | None = None) -> list[tuple[str | None, Any]]:
    """Each graph of the dataset as ``(name, pyoxigraph triples)``, in the order of :func:`trig_text`.

    The default graph comes last, named ``default`` (None: the store's default graph). What a
    Graph Store is sent (:func:`scograph.store.push.push_graphs`).
    """
    import pyoxigraph as ox

    def triples(graph) -> list:
        return [quad.triple for quad in ox.parse(graph.serialize(format="nt", encoding="utf-8"),
                                                 format=ox.RdfFormat.N_TRIPLES)]

    default_id = dataset.default_graph.identifier
    named = sorted((g for g in dataset.graphs() if g.identifier != default_id and len(g)),
                   key=lambda g: str(g.identifier))
    parts: list[tuple[str | None, Any]] = [(str(g.identifier), triples(g)) for g in named]
    if len(dataset.default_graph):
        parts.append((default, triples(dataset.default_graph)))
    return parts

"""The claims graph as a networkx MultiDiGraph: typed entity nodes, relation-labelled edges.

Nodes are entity ids; evidence, link, footnote and section nodes of the RDF are
folded into attributes (a node's first evidence page; an edge's basis). Every
attribute value is a plain string, so that the graph exports cleanly.
"""

from __future__ import annotations

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .mapping import ACTOR_CLASSES, BASES, CLASSES, DOMAINS, ENTITY, LEVELS, MODELS, SCO, entity_id, link_iri
from ..terms import local_name

_TYPE_NAMES = {classes[0]: kind.__name__.lower() for kind, classes in CLASSES.items()}
_CONCEPT_NAMES = {
    concept: getattr(key, "value", key)
    for table in (DOMAINS, MODELS, LEVELS, BASES)
    for key, concept in table.items()
}
_ACTOR_KINDS = {cls: kind.value for kind, cls in ACTOR_CLASSES.items()}
_SKIP = {RDF.type, SCO.evidence, SCO.citedAt}




def _type_of(graph: Graph, node: URIRef) -> str | None:
    types = set(graph.objects(node, RDF.type))
    if SCO.Paper in types:
        return "paper"
    for rdf_class, name in _TYPE_NAMES.items():
        if rdf_class in types:
            return name
    return None


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Project the entities of an RDF claims graph onto a typed, relation-labelled MultiDiGraph."""
    network = nx.MultiDiGraph()
    types: dict[URIRef, str] = {}
    for subject in set(graph.subjects(RDF.type, None)):
        if isinstance(subject, URIRef) and str(subject).startswith(str(ENTITY)):
            kind = _type_of(graph, subject)
            if kind is not None:
                types[subject] = kind

    for node, kind in types.items():
        attrs = {"type": kind}
        for label in graph.objects(node, RDFS.label):
            if isinstance(label, Literal) and label.language in ("en", "zh"):
                attrs["label" if label.language == "en" else "label_zh"] = str(label)
        for predicate, name in ((SCO.domain, "domain"), (SCO.level, "level"), (SCO.model, "model")):
            value = graph.value(node, predicate)
            if value is not None:
                attrs[name] = _CONCEPT_NAMES.get(value, local_name(value))
        if kind == "actor":
            for rdf_class in graph.objects(node, RDF.type):
                if rdf_class in _ACTOR_KINDS:
                    attrs["kind"] = _ACTOR_KINDS[rdf_class]
            code = graph.value(node, SCO.alpha2)
            if code is not None:
                attrs["country"] = str(code)
        holder = graph.value(node, SCO.holder)
        if holder is not None:
            code = graph.value(holder, SCO.alpha2)
            attrs["country"] = str(code) if code is not None else entity_id(holder)
        pages = sorted(int(p) for ev in graph.objects(node, SCO.evidence) for p in graph.objects(ev, SCO.page))
        if pages:
            attrs["page"] = str(pages[0])
        date = graph.value(node, URIRef("http://purl.org/dc/terms/date"))
        if date is not None:
            attrs["date"] = str(date)
        network.add_node(entity_id(node), **attrs)

    for subject in types:
        for predicate, obj in graph.predicate_objects(subject):
            if predicate in _SKIP or obj not in types:
                continue
            relation = local_name(predicate)
            attrs = {"relation": relation, "label": relation, "weight": "1"}
            basis = graph.value(link_iri(subject, predicate, entity_id(obj)), SCO.basis)
            if basis is not None:
                attrs["basis"] = _CONCEPT_NAMES[basis]
            network.add_edge(entity_id(subject), entity_id(obj), key=relation, **attrs)
    return network

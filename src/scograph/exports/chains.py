"""The ``chains`` network (drivers, expectations, responses), read from the store with SPARQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..store import IRI
from ..terms import (
    CONCEPT_NAMES,
    ENTITY,
    ENTITY_CLASSES,
    entity_id,
    link_iri,
    local_name,
)
from .choices import NetworkName
from .networks import EDGE_ORDER, NODE_ORDER, Edge, Network, Node, schema
from .selection import Filters, Selector, interval

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import ClaimsGraph

BROADER = {"refines", "broader"}


def chains_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """Drivers, expectations and responses; with filters, the selected statements, the drivers
    that shape them and the responses that answer them, with the broader ones those refine.

    Read from the store with SPARQL (:class:`_Chains`), never through the rdflib graph, the typed
    objects or the networkx projection: at a million triples those take tens of seconds and over a
    gigabyte, these queries a second or two and a tenth of the memory. Nodes, attributes and links
    are those the projection gives.
    """
    selector = Selector(graph, filters) if filters is not None and filters.active else None
    chains = _Chains.read(graph.store)
    keep = chains.selection(graph.store, selector) if selector is not None else None
    return chains.network(keep)


_CHAIN_KINDS = ("driver", "expectation", "response")
_CHAIN_RELATIONS = ("shapedBy", "addresses", "refines")
"""The vocabulary's links between chain nodes: an expectation is shaped by drivers and addressed
by responses; a driver or a response refines a broader one. Every other property the shapes give
drivers, expectations and responses points at another kind of entity; properties outside the
vocabulary are not followed. (The tests compare this with the projection, which links any two
entities.)"""
_RANKS = {kind: rank for rank, kind in enumerate(ENTITY_CLASSES)}
"""A node's type is the first entity class it has, in this order, as scograph.rdf.projection types it."""


def _classes(kinds: Iterable[str], ranked: bool = False) -> str:
    return " ".join(f"(sco:{ENTITY_CLASSES[k]} {_RANKS[k]})" if ranked else f"sco:{ENTITY_CLASSES[k]}" for k in kinds)


_CHAIN_RANKS = sorted(_RANKS[kind] for kind in _CHAIN_KINDS)
# Each pattern in a subquery of its own: Oxigraph then joins whole index scans instead of looking
# every node up in turn, three times faster on a million triples.
_CHAIN_NODE_QUERY = f"""
SELECT ?x ?rank ?domain ?level ?model ?date ?holder WHERE {{
  {{ SELECT ?x (MIN(?r) AS ?rank) WHERE {{
       VALUES (?class ?r) {{ {_classes(list(ENTITY_CLASSES)[:_CHAIN_RANKS[-1] + 1], ranked=True)} }} ?x a ?class
     }} GROUP BY ?x HAVING(MIN(?r) IN ({", ".join(map(str, _CHAIN_RANKS))})) }}
  OPTIONAL {{ SELECT ?x ?domain WHERE {{ ?x sco:domain ?domain }} }}
  OPTIONAL {{ SELECT ?x ?level WHERE {{ ?x sco:level ?level }} }}
  OPTIONAL {{ SELECT ?x ?model WHERE {{ ?x sco:model ?model }} }}
  OPTIONAL {{ SELECT ?x ?date WHERE {{ ?x dcterms:date ?date }} }}
  OPTIONAL {{ SELECT ?x ?holder WHERE {{ ?x sco:holder ?holder }} }}
}}"""
"""Every chain node once, with its rank: a node whose first entity class is a chain kind's."""
_CHAIN_LABEL_QUERY = f"""
SELECT ?x ?label WHERE {{
  {{ SELECT ?x WHERE {{ VALUES ?class {{ {_classes(_CHAIN_KINDS)} }} ?x a ?class }} }}
  {{ SELECT ?x ?label WHERE {{ ?x rdfs:label ?label }} }}
}}"""
_CHAIN_PAGE_QUERY = f"""
SELECT ?x (MIN(?page) AS ?first) WHERE {{
  {{ SELECT ?x WHERE {{ VALUES ?class {{ {_classes(_CHAIN_KINDS)} }} ?x a ?class }} }}
  {{ SELECT ?x ?evidence WHERE {{ ?x sco:evidence ?evidence }} }}
  {{ SELECT ?evidence ?page WHERE {{ ?evidence sco:page ?page }} }}
}} GROUP BY ?x"""
_CHAIN_LINK_QUERY = f"""
SELECT ?s ?relation ?o WHERE {{
  VALUES (?p ?relation) {{ {" ".join(f'(sco:{r} "{r}")' for r in _CHAIN_RELATIONS)} }} ?s ?p ?o
}}"""
_BASIS_QUERY = "SELECT ?link ?basis WHERE { ?link sco:basis ?basis }"
_CODE_QUERY = "SELECT ?actor ?code WHERE { ?actor sco:alpha2 ?code }"
_ACTOR_QUERY = f"""
SELECT ?actor ?state WHERE {{
  ?actor a sco:Actor .
  FILTER NOT EXISTS {{ VALUES ?first {{ {_classes(list(ENTITY_CLASSES)[:_RANKS["actor"]])} }} ?actor a ?first }}
  OPTIONAL {{ ?actor a ?state FILTER(?state = sco:State) }}
}}"""
"""The actors (entities whose first class is sco:Actor), with sco:State for the states."""
_MEMBER_QUERY = "SELECT ?group ?member WHERE { ?group sco:member ?member }"


def _concept(iri: str) -> str:
    return CONCEPT_NAMES.get(iri) or local_name(iri)


class _Chains:
    """The chain nodes and the links between them as the store holds them: one copy, typed
    attributes, in the order the networks give them (nodes by id, links by ends and relation)."""

    def __init__(self, nodes: list[Node], edges: list[Edge],
                 statements: dict[str, tuple[str | None, str | None, str | None]]):
        self.nodes = nodes
        self.edges = edges
        self.statements = statements
        """For each expectation: its holder's id, its domain's name and its date."""

    @classmethod
    def read(cls, store) -> "_Chains":
        """Each query's rows folded into the nodes' attributes, then let go (one copy at a time).

        The attributes are those scograph.rdf.projection gives a node or link, typed as networks.typed types them.
        """
        cut = len(ENTITY)
        kinds = {rank: kind for kind, rank in _RANKS.items()}
        codes = dict(store.rows(_CODE_QUERY))
        found: dict[str, dict[str, Any]] = {}
        statements = {}
        for iri, rank, domain, level, model, when, holder in store.iter_rows(_CHAIN_NODE_QUERY):
            if iri in found or not (isinstance(iri, IRI) and iri.startswith(ENTITY)):
                continue
            found[iri] = attrs = {"type": kinds[rank]}
            if domain is not None:
                attrs["domain"] = _concept(domain)
            if level is not None:
                attrs["level"] = _concept(level)
            if model is not None:
                attrs["model"] = _concept(model)
            if holder is not None:
                code = codes.get(holder)
                country = str(code) if code is not None else entity_id(holder)
                if country:
                    attrs["country"] = country
            if when is not None:
                attrs["date"] = str(when)
            if attrs["type"] == "expectation":
                statements[iri[cut:]] = (entity_id(holder) if holder else None, attrs.get("domain"), attrs.get("date"))
        for iri, label in store.iter_rows(_CHAIN_LABEL_QUERY):
            attrs = found.get(iri)
            if attrs is not None and label:
                lang = getattr(label, "lang", None)
                if lang == "en":
                    attrs["label"] = str(label)
                elif lang == "zh":
                    attrs["label_zh"] = str(label)
        for iri, page in store.iter_rows(_CHAIN_PAGE_QUERY):
            attrs = found.get(iri)
            if attrs is not None and page is not None:
                attrs["page"] = int(page)
        spans: dict[str, tuple[str, str] | None] = {}  # statements share dates
        nodes = []
        for iri, attrs in found.items():
            node_id = iri[cut:]
            attrs.setdefault("label", node_id)
            when = attrs.get("date") if attrs["type"] == "expectation" else None
            if when is not None and when not in spans:
                spans[when] = interval([when])
            nodes.append(Node(node_id, attrs, spans.get(when)))
        nodes.sort(key=lambda n: n.id)
        bases = dict(store.iter_rows(_BASIS_QUERY))
        edges = {}
        shared: dict[tuple[str, str | None], dict] = {}  # edges only read their attributes: one dict per kind
        for s, relation, o in store.iter_rows(_CHAIN_LINK_QUERY):
            if s in found and o in found:
                source, target = s[cut:], o[cut:]
                # The basis sits on the link's own node, named as scograph.rdf.mapping names it.
                basis = bases.get(link_iri(s, relation, target))
                attrs = shared.get((relation, basis))
                if attrs is None:
                    attrs = shared[relation, basis] = {"relation": relation, "label": relation, "weight": 1.0}
                    if basis is not None:
                        attrs["basis"] = _concept(basis)
                edges[source, target, relation] = Edge(source, target, attrs)
        del bases
        return cls(nodes, [edges[key] for key in sorted(edges)], statements)

    def selection(self, store, selector: Selector) -> set[str]:
        """The nodes a filtered network keeps: the selected statements, the drivers that shape them,
        the responses that address them, and the broader drivers and responses those refine; never
        a statement the filters leave out."""
        actors = {entity_id(actor): state is not None for actor, state in store.rows(_ACTOR_QUERY)}
        members: dict[str, list[str]] = defaultdict(list)
        for group, member in store.rows(_MEMBER_QUERY):
            members[entity_id(group)].append(entity_id(member))

        def states(holder: str | None) -> list[str]:  # as holder_states, by id
            if holder not in actors:
                return []
            if actors[holder]:
                return [holder]
            return sorted(m for m in members.get(holder, ()) if actors.get(m))

        selected = {
            node_id for node_id, (holder, domain, when) in self.statements.items()
            if selector.keeps(domain, actors.get(holder, False), lambda holder=holder: states(holder), when)
        }
        near = set(selected)
        broader: dict[str, list[str]] = defaultdict(list)
        for edge in self.edges:
            relation = edge.attrs["relation"]
            if relation == "shapedBy" and edge.source in selected:
                near.add(edge.target)
            elif relation == "addresses" and edge.target in selected:
                near.add(edge.source)
            elif relation in BROADER:
                broader[edge.source].append(edge.target)
        todo, kept = list(near), set(near)
        while todo:
            for target in broader.get(todo.pop(), ()):
                if target not in kept:
                    kept.add(target)
                    todo.append(target)
        return kept - (self.statements.keys() - selected)

    def network(self, keep: set[str] | None = None) -> Network:
        def nodes() -> Iterator[Node]:
            return iter(self.nodes) if keep is None else (n for n in self.nodes if n.id in keep)

        def edges() -> Iterator[Edge]:
            return iter(self.edges) if keep is None else (
                e for e in self.edges if e.source in keep and e.target in keep)

        return Network(NetworkName.chains.value, True, schema((n.attrs for n in nodes()), NODE_ORDER),
                       schema((e.attrs for e in edges()), EDGE_ORDER), nodes, edges)

"""The ``full`` and ``chains`` networks: entities and the links between them, read from the store with SPARQL.

Nodes, attributes and links are those :mod:`scograph.rdf.projection` gives (the tests compare the two):
``full`` holds every entity and every link between two entities, ``chains`` the drivers, expectations
and responses and the vocabulary's links between them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..store import IRI
from ..terms import (
    ACTOR_KINDS,
    CONCEPT_NAMES,
    ENTITY,
    ENTITY_CLASSES,
    entity_id,
    link_iri,
    local_name,
)
from .choices import NetworkName
from .networks import EDGE_ORDER, NODE_ORDER, Edge, Network, Node, schema
from .selection import Filters, Holders, Selector, interval

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import ClaimsGraph

BROADER = {"refines", "broader"}


def full_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """The whole typed graph; with filters, the selected statements, every entity one link away
    from them, and the broader drivers, responses and themes those refine."""
    return _read(graph, filters, _Entities.read(graph.store, _FULL), NetworkName.full.value)


def chains_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """Drivers, expectations and responses; with filters, the selected statements, the drivers
    that shape them and the responses that answer them, with the broader ones those refine.

    Read from the store with SPARQL (:class:`_Entities`), never through the rdflib graph, the typed
    objects or the networkx projection: at a million triples those take tens of seconds and over a
    gigabyte, these queries a second or two and a tenth of the memory. Nodes, attributes and links
    are those the projection gives.
    """
    return _read(graph, filters, _Entities.read(graph.store, _CHAINS), NetworkName.chains.value)


def _read(graph: "ClaimsGraph", filters: Filters | None, entities: "_Entities", name: str) -> Network:
    selector = Selector(graph, filters) if filters is not None and filters.active else None
    keep = entities.selection(Holders.read(graph.store), selector) if selector is not None else None
    return entities.network(name, keep)


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


def _node_query(kinds: tuple[str, ...]) -> str:
    """Every node once, with its rank: a node whose first entity class is one of ``kinds``'.

    Each pattern in a subquery of its own: Oxigraph then joins whole index scans instead of looking
    every node up in turn, three times faster on a million triples. Actors (full network only) add
    their ISO code and the kind their actor class names.
    """
    ranks = sorted(_RANKS[kind] for kind in kinds)
    everything = len(ranks) == len(_RANKS)
    actors = "" if "actor" not in kinds else f"""
  OPTIONAL {{ SELECT ?x ?alpha2 WHERE {{ ?x sco:alpha2 ?alpha2 }} }}
  OPTIONAL {{ SELECT ?x ?kind WHERE {{
       VALUES (?actor ?kind) {{ {" ".join(f'(sco:{local} "{kind}")' for kind, local in ACTOR_KINDS.items())} }} ?x a ?actor }} }}"""
    return f"""
SELECT ?x ?rank ?domain ?level ?model ?date ?holder{" ?alpha2 ?kind" if actors else ""} WHERE {{
  {{ SELECT ?x (MIN(?r) AS ?rank) WHERE {{
       VALUES (?class ?r) {{ {_classes(list(ENTITY_CLASSES)[:ranks[-1] + 1], ranked=True)} }} ?x a ?class
     }} GROUP BY ?x{"" if everything else f" HAVING(MIN(?r) IN ({', '.join(map(str, ranks))}))"} }}
  OPTIONAL {{ SELECT ?x ?domain WHERE {{ ?x sco:domain ?domain }} }}
  OPTIONAL {{ SELECT ?x ?level WHERE {{ ?x sco:level ?level }} }}
  OPTIONAL {{ SELECT ?x ?model WHERE {{ ?x sco:model ?model }} }}
  OPTIONAL {{ SELECT ?x ?date WHERE {{ ?x dcterms:date ?date }} }}
  OPTIONAL {{ SELECT ?x ?holder WHERE {{ ?x sco:holder ?holder }} }}{actors}
}}"""


class _Scope:
    """What one of the two networks reads: its node kinds and the queries for them, and which links
    of a selected statement bring their other end into a filtered network."""

    def __init__(self, kinds: tuple[str, ...], links: str, near: dict[str, str] | None):
        self.kinds = kinds
        self.nodes = _node_query(kinds)
        self.labels = f"""
SELECT ?x ?label WHERE {{
  {{ SELECT ?x WHERE {{ VALUES ?class {{ {_classes(kinds)} }} ?x a ?class }} }}
  {{ SELECT ?x ?label WHERE {{ ?x rdfs:label ?label }} }}
}}"""
        self.pages = f"""
SELECT ?x (MIN(?page) AS ?first) WHERE {{
  {{ SELECT ?x WHERE {{ VALUES ?class {{ {_classes(kinds)} }} ?x a ?class }} }}
  {{ SELECT ?x ?evidence WHERE {{ ?x sco:evidence ?evidence }} }}
  {{ SELECT ?evidence ?page WHERE {{ ?evidence sco:page ?page }} }}
}} GROUP BY ?x"""
        self.links = links
        """Rows (subject, relation or predicate, object); the relation is the predicate's local name."""
        self.near = near
        """{relation: "out" or "in"}: a selected statement's link by that relation, from it or to it,
        brings the other end in; None: every link does."""


_CHAINS = _Scope(_CHAIN_KINDS, f"""
SELECT ?s ?relation ?o WHERE {{
  VALUES (?p ?relation) {{ {" ".join(f'(sco:{r} "{r}")' for r in _CHAIN_RELATIONS)} }} ?s ?p ?o
}}""", {"shapedBy": "out", "addresses": "in"})
_FULL = _Scope(tuple(ENTITY_CLASSES), f"""
SELECT ?s ?p ?o WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ VALUES ?class {{ {_classes(ENTITY_CLASSES)} }} ?s a ?class }} }}
  ?s ?p ?o FILTER(isIRI(?o) && ?p != rdf:type && ?p != sco:evidence && ?p != sco:citedAt)
}}""", None)
"""Every link between two entities but their types, evidence and citations (folded into attributes)."""
_BASIS_QUERY = "SELECT ?link ?basis WHERE { ?link sco:basis ?basis }"
_CODE_QUERY = "SELECT ?actor ?code WHERE { ?actor sco:alpha2 ?code }"


def _concept(iri: str) -> str:
    return CONCEPT_NAMES.get(iri) or local_name(iri)


class _Entities:
    """The nodes and the links between them as the store holds them: one copy, typed attributes,
    in the order the networks give them (nodes by id, links by ends and relation)."""

    def __init__(self, scope: _Scope, nodes: list[Node], edges: list[Edge],
                 statements: dict[str, tuple[str | None, str | None, str | None]]):
        self.scope = scope
        self.nodes = nodes
        self.edges = edges
        self.statements = statements
        """For each expectation: its holder's id, its domain's name and its date."""

    @classmethod
    def read(cls, store, scope: _Scope) -> "_Entities":
        """Each query's rows folded into the nodes' attributes, then let go (one copy at a time).

        The attributes are those scograph.rdf.projection gives a node or link, typed as networks.typed types them.
        """
        cut = len(ENTITY)
        kinds = {rank: kind for kind, rank in _RANKS.items()}
        codes = dict(store.rows(_CODE_QUERY))
        found: dict[str, dict[str, Any]] = {}
        statements = {}
        for iri, rank, domain, level, model, when, holder, *actor in store.iter_rows(scope.nodes):
            if iri in found or not (isinstance(iri, IRI) and iri.startswith(ENTITY)):
                continue
            found[iri] = attrs = {"type": kinds[rank]}
            if domain is not None:
                attrs["domain"] = _concept(domain)
            if level is not None:
                attrs["level"] = _concept(level)
            if model is not None:
                attrs["model"] = _concept(model)
            if actor and attrs["type"] == "actor":
                alpha2, kind = actor
                if kind is not None:
                    attrs["kind"] = str(kind)
                if alpha2:
                    attrs["country"] = str(alpha2)
            if holder is not None:
                code = codes.get(holder)
                country = str(code) if code is not None else entity_id(holder)
                if country:
                    attrs["country"] = country
            if when:
                attrs["date"] = str(when)
            if attrs["type"] == "expectation":
                statements[iri[cut:]] = (entity_id(holder) if holder else None, attrs.get("domain"), attrs.get("date"))
        for iri, label in store.iter_rows(scope.labels):
            attrs = found.get(iri)
            if attrs is not None and label:
                lang = getattr(label, "lang", None)
                if lang == "en":
                    attrs["label"] = str(label)
                elif lang == "zh":
                    attrs["label_zh"] = str(label)
        for iri, page in store.iter_rows(scope.pages):
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
        names: dict[str, str] = {}  # predicate -> relation
        shared: dict[tuple[str, str | None], dict] = {}  # edges only read their attributes: one dict per kind
        for s, p, o in store.iter_rows(scope.links):
            if s in found and o in found:
                source, target = s[cut:], o[cut:]
                relation = names.get(p) or names.setdefault(p, local_name(str(p)))
                # The basis sits on the link's own node, named as scograph.rdf.mapping names it.
                basis = bases.get(link_iri(s, relation, target))
                attrs = shared.get((relation, basis))
                if attrs is None:
                    attrs = shared[relation, basis] = {"relation": relation, "label": relation, "weight": 1.0}
                    if basis is not None:
                        attrs["basis"] = _concept(basis)
                edges[source, target, relation] = Edge(source, target, attrs)
        del bases
        return cls(scope, nodes, [edges[key] for key in sorted(edges)], statements)

    def selection(self, holders: Holders, selector: Selector) -> set[str]:
        """The nodes a filtered network keeps: the selected statements, the entities their links bring
        in (:attr:`_Scope.near`), and the broader ones those refine; never a statement the filters leave out."""
        selected = {
            node_id for node_id, (holder, domain, when) in self.statements.items()
            if selector.keeps(domain, holders.is_state(holder), lambda holder=holder: holders.states(holder), when)
        }
        others = self.statements.keys() - selected
        near = set(selected)
        broader: dict[str, list[str]] = defaultdict(list)
        follow = self.scope.near
        for edge in self.edges:
            relation = edge.attrs["relation"]
            if follow is None:
                if edge.source in selected:
                    near.add(edge.target)
                if edge.target in selected:
                    near.add(edge.source)
            elif follow.get(relation) == "out" and edge.source in selected:
                near.add(edge.target)
            elif follow.get(relation) == "in" and edge.target in selected:
                near.add(edge.source)
            if relation in BROADER:
                broader[edge.source].append(edge.target)
        todo, kept = list(near - others), near - others
        while todo:
            for target in broader.get(todo.pop(), ()):
                if target not in kept:
                    kept.add(target)
                    todo.append(target)
        return kept - others

    def network(self, name: str, keep: set[str] | None = None) -> Network:
        def nodes() -> Iterator[Node]:
            return iter(self.nodes) if keep is None else (n for n in self.nodes if n.id in keep)

        def edges() -> Iterator[Edge]:
            return iter(self.edges) if keep is None else (
                e for e in self.edges if e.source in keep and e.target in keep)

        return Network(name, True, schema((n.attrs for n in nodes()), NODE_ORDER),
                       schema((e.attrs for e in edges()), EDGE_ORDER), nodes, edges)

"""Exports: the claims graph as networks for Gephi and igraph, as tables, and as RDF.

A *network* is built from a :class:`~scograph.graph.ClaimsGraph` and written in a
*format*. The networks are the ones discourse-network analysts know from DNA
(Discourse Network Analyzer); a *statement* is an expectation (a demand), its
actor the state that holds it, its concept a theme:

- ``full``: the whole typed graph (``ClaimsGraph.network``);
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
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO
from .errors import UsageError, printable
from .inputs import date_span, parse_choice, parse_domain
from .fileio import atomic_writer
from .store import IRI
from .terms import CONCEPT_NAMES, ENTITY, ENTITY_CLASSES, entity_id, link_iri, local_name

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from . import model as m
    from .graph import ClaimsGraph

# pydantic (scograph.model), rdflib and networkx are imported where they are used, so that
# registering this command costs the other commands nothing.


class ExportFormat(str, Enum):
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    statements = "statements"
    jsonld = "jsonld"
    ttl = "ttl"
    nt = "nt"
    trig = "trig"


class NetworkName(str, Enum):
    full = "full"
    chains = "chains"
    actor_theme = "actor-theme"
    actor_congruence = "actor-congruence"
    theme_cooccurrence = "theme-cooccurrence"


class Normalization(str, Enum):
    none = "none"
    jaccard = "jaccard"
    cosine = "cosine"


NETWORK_FORMATS = (ExportFormat.graphml, ExportFormat.gexf, ExportFormat.csv)
RDF_FORMATS = (ExportFormat.jsonld, ExportFormat.ttl, ExportFormat.nt, ExportFormat.trig)


# --------------------------------------------------------------------- dates


@dataclass(frozen=True)
class Filters:
    """Which statements (expectations) a network or statement table is built from.

    ``country`` takes what ``--country`` takes everywhere (a group's demands count for
    each member); ``domain`` likewise. ``since`` and ``until`` are partial dates; a
    statement is kept when the span of its date overlaps ``[since, until]``, so
    ``since="2019-05"`` keeps a statement dated ``2019`` but not one dated ``2019-04``.
    """

    country: str | None = None
    domain: str | None = None
    since: str | None = None
    until: str | None = None
    group_demands: bool = True
    """Keep the demands a group of states holds (``ca-members``); False keeps states' own demands only."""

    @property
    def active(self) -> bool:
        return not self.group_demands or any(
            value is not None for value in (self.country, self.domain, self.since, self.until))

    @property
    def dates_active(self) -> bool:
        return self.since is not None or self.until is not None


def holder_states(graph: "ClaimsGraph", holder_id: str) -> list[m.Actor]:
    """The states a demand counts for: its holder, or the member states of a holding group."""
    from . import model as m

    holder = graph.by_id.get(holder_id)
    if not isinstance(holder, m.Actor):
        return []
    if holder.kind is m.ActorKind.state:
        return [holder]
    members = (graph.by_id.get(i) for i in holder.members)
    return sorted((a for a in members if isinstance(a, m.Actor) and a.kind is m.ActorKind.state), key=lambda a: a.id)


class _Selector:
    """Filters resolved once (a domain name, a state's id, a range of days); ``keeps`` tests one statement.

    Shared by the statements read as objects (:func:`select_statements`) and those read from the
    store (:func:`chains_network`), so the two always select alike.
    """

    def __init__(self, graph: "ClaimsGraph", filters: Filters | None, *, by_country: bool = True):
        self.filters = filters = filters or Filters()
        self.domain = parse_domain(filters.domain) if filters.domain else None
        self.state = graph.country(filters.country).id if filters.country and by_country else None
        self.low = date_span(filters.since)[0] if filters.since else date.min
        self.high = date_span(filters.until)[1] if filters.until else date.max
        if self.low > self.high:
            raise UsageError(f"--since {filters.since} comes after --until {filters.until}")

    def keeps(self, domain: str | None, held_by_a_state: bool, states: Callable[[], Iterable[str]],
              when: str | None) -> bool:
        """Whether a statement passes: its domain's name, whether a state holds it, the ids of the
        states it counts for (asked only when a country is given), its partial date."""
        if self.domain is not None and domain != self.domain:
            return False
        if not self.filters.group_demands and not held_by_a_state:
            return False
        if self.state is not None and self.state not in states():
            return False
        if self.filters.dates_active:
            if when is None:
                return False
            first, last = _statement_span(when)
            if last < self.low or first > self.high:
                return False
        return True


def select_statements(graph: "ClaimsGraph", filters: Filters | None = None, *, by_country: bool = True) -> list[m.Expectation]:
    """The expectations that pass ``filters`` (``by_country=False`` ignores its country)."""
    selector = _Selector(graph, filters, by_country=by_country)
    return [
        expectation for expectation in graph.claims.expectations
        if selector.keeps(expectation.domain.value, _held_by_a_state(graph, expectation),
                          lambda holder=expectation.holder: [a.id for a in holder_states(graph, holder)],
                          expectation.date)
    ]


def select_findings(graph: "ClaimsGraph", filters: Filters | None = None) -> list[m.Finding]:
    """The findings that pass ``filters``: about the country (the state, or a group it belongs to);
    a domain or a date leaves them all out (a finding has neither)."""
    selector = _Selector(graph, filters)
    return [
        finding for finding in graph.claims.findings
        if selector.keeps(None, True, lambda about=tuple(finding.about): _states_about(graph, about), None)
    ]


def _states_about(graph: "ClaimsGraph", about: Iterable[str]) -> list[str]:
    """The ids of the states a finding is about: those it names, and the members of the groups it names."""
    return sorted({state.id for entity_id in about for state in holder_states(graph, entity_id)})


def _held_by_a_state(graph: "ClaimsGraph", expectation: m.Expectation) -> bool:
    from . import model as m

    holder = graph.by_id.get(expectation.holder)
    return isinstance(holder, m.Actor) and holder.kind is m.ActorKind.state


def _statement_span(text: str) -> tuple[date, date]:
    try:
        return date_span(text)
    except UsageError:  # a day the month lacks (2019-02-30): the month stands for it
        return date_span(text[:7])


def _interval(dates: Iterable[str | None]) -> tuple[str, str] | None:
    """The GEXF interval of statements: earliest start to latest end; none if any is undated."""
    spans = []
    for text in dates:
        if text is None:
            return None
        spans.append(_statement_span(text))
    if not spans:
        return None
    return min(s for s, _ in spans).isoformat(), max(e for _, e in spans).isoformat()


# --------------------------------------------------------------------- networks


@dataclass(frozen=True)
class Attribute:
    """A declared attribute: its name and its GraphML type (string, int, double, boolean)."""

    name: str
    type: str


class Node(NamedTuple):
    id: str
    attrs: dict[str, Any]
    interval: tuple[str, str] | None = None
    """First and last day (ISO) of the statements behind the node, for Gephi's timeline."""


class Edge(NamedTuple):
    source: str
    target: str
    attrs: dict[str, Any]
    interval: tuple[str, str] | None = None


@dataclass
class Network:
    """A network ready to write: a declared schema of typed scalar attributes, nodes and
    edges produced on demand in a stable order (so writers stream, never copy the graph)."""

    name: str
    directed: bool
    node_attributes: list[Attribute]
    edge_attributes: list[Attribute]
    _nodes: Callable[[], Iterator[Node]] = field(repr=False)
    _edges: Callable[[], Iterator[Edge]] = field(repr=False)

    def nodes(self) -> Iterator[Node]:
        return self._nodes()

    def edges(self) -> Iterator[Edge]:
        return self._edges()

    @classmethod
    def of(cls, name: str, directed: bool, nodes: Iterable[Node], edges: Iterable[Edge]) -> "Network":
        """A network held in lists (the aggregate networks are small), its schema read off the values."""
        nodes = sorted(nodes, key=lambda n: n.id)
        edges = sorted(edges, key=lambda e: (e.source, e.target))
        return cls(name, directed, _schema((n.attrs for n in nodes), _NODE_ORDER),
                   _schema((e.attrs for e in edges), _EDGE_ORDER), lambda: iter(nodes), lambda: iter(edges))

    def degrees(self) -> Counter:
        counts: Counter = Counter()
        for edge in self.edges():
            counts[edge.source] += 1
            counts[edge.target] += 1
        return counts

    def to_networkx(self) -> "nx.Graph":
        """A copy as a networkx graph (MultiDiGraph when directed, else Graph), typed attributes."""
        import networkx as nx

        graph = nx.MultiDiGraph(name=self.name) if self.directed else nx.Graph(name=self.name)
        for node in self.nodes():
            graph.add_node(node.id, **node.attrs)
        for edge in self.edges():
            graph.add_edge(edge.source, edge.target, **edge.attrs)
        return graph


_GRAPHML_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}
_KNOWN_TYPES = {"page": int, "weight": float, "demands": int, "shared": int}
_NODE_ORDER = ["label", "label_zh", "type", "kind", "country", "domain", "level", "model", "page", "date", "demands"]
_EDGE_ORDER = ["label", "relation", "weight", "basis", "shared", "themes", "expectations"]


def scalar(name: str, value: Any) -> Any:
    """A typed scalar for an attribute: numbers from the projection's strings, lists joined by '; '."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(sorted(str(v) for v in value)) if value else None
    wanted = _KNOWN_TYPES.get(name)
    if wanted is not None and not isinstance(value, bool):
        try:
            return wanted(value)
        except (TypeError, ValueError):
            return str(value)
    for kind in (bool, int, float, str):  # exactly these types: a str-valued Enum becomes its str
        if isinstance(value, kind):
            return kind(value.value if isinstance(value, Enum) else value)
    return str(value)


def _schema(rows: Iterable[dict], order: list[str]) -> list[Attribute]:
    types: dict[str, str] = {}
    for attrs in rows:
        for name, value in attrs.items():
            kind = _GRAPHML_TYPES[type(value)]
            seen = types.setdefault(name, kind)
            if seen != kind:  # mixed values: numbers widen to double, anything else to string
                types[name] = "double" if {seen, kind} == {"int", "double"} else "string"
    rank = {name: i for i, name in enumerate(order)}
    return [Attribute(n, types[n]) for n in sorted(types, key=lambda n: (rank.get(n, len(rank)), n))]


def _typed(attrs: dict) -> dict:
    typed = {}
    for name, value in attrs.items():
        value = scalar(name, value)
        if value is not None and value != "":
            typed[name] = value
    return typed


def _projection(graph: "ClaimsGraph", name: str, keep: set[str] | None) -> Network:
    """A view of ``graph.network`` (all nodes, or those in ``keep``) converted on the fly."""
    source = graph.network

    def node_ids() -> list[str]:
        return sorted(source) if keep is None else sorted(n for n in keep if n in source)

    def nodes() -> Iterator[Node]:
        for node_id in node_ids():
            attrs = _typed(source.nodes[node_id])
            attrs.setdefault("label", node_id)
            dated = attrs.get("type") == "expectation" and isinstance(attrs.get("date"), str)
            yield Node(node_id, attrs, _interval([attrs["date"]]) if dated else None)

    def edges() -> Iterator[Edge]:
        keys = source.edges(keys=True) if keep is None else (
            (u, v, k) for u, v, k in source.edges(keys=True) if u in keep and v in keep)
        for u, v, k in sorted(keys, key=lambda e: (e[0], e[1], str(e[2]))):
            yield Edge(u, v, _typed(source.edges[u, v, k]))

    node_schema = _schema((n.attrs for n in nodes()), _NODE_ORDER)
    edge_schema = _schema((e.attrs for e in edges()), _EDGE_ORDER)
    return Network(name, True, node_schema, edge_schema, nodes, edges)


_BROADER = {"refines", "broader"}


def _with_broader(source, nodes: set[str]) -> set[str]:
    """``nodes`` and every broader driver, response or theme they refine, transitively."""
    todo, seen = list(nodes), set(nodes)
    while todo:
        for _, target, relation in source.out_edges(todo.pop(), data="relation"):
            if relation in _BROADER and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def full_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """The whole typed graph; with filters, the selected statements, every entity one link away
    from them, and the broader drivers, responses and themes those refine."""
    if filters is None or not filters.active:
        return _projection(graph, NetworkName.full.value, None)
    source = graph.network
    selected = {e.id for e in select_statements(graph, filters)}
    others = {e.id for e in graph.claims.expectations} - selected
    near = set(selected)
    for node in selected:
        near.update(source.successors(node))
        near.update(source.predecessors(node))
    return _projection(graph, NetworkName.full.value, _with_broader(source, near - others) - others)


def chains_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """Drivers, expectations and responses; with filters, the selected statements, the drivers
    that shape them and the responses that answer them, with the broader ones those refine.

    Read from the store with SPARQL (:class:`_Chains`), never through the rdflib graph, the typed
    objects or the networkx projection: at a million triples those take tens of seconds and over a
    gigabyte, these queries a second or two and a tenth of the memory. Nodes, attributes and links
    are those the projection gives.
    """
    selector = _Selector(graph, filters) if filters is not None and filters.active else None
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

        The attributes are those scograph.rdf.projection gives a node or link, typed as _typed types them.
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
                spans[when] = _interval([when])
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

    def selection(self, store, selector: _Selector) -> set[str]:
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
            elif relation in _BROADER:
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

        return Network(NetworkName.chains.value, True, _schema((n.attrs for n in nodes()), _NODE_ORDER),
                       _schema((e.attrs for e in edges()), _EDGE_ORDER), nodes, edges)


def _state_node(state: m.Actor, statements: list[m.Expectation]) -> Node:
    attrs = {"label": state.label_en, "label_zh": state.label_zh, "type": "actor", "kind": state.kind.value,
             "country": state.alpha2, "demands": len(statements)}
    return Node(state.id, attrs, _interval(e.date for e in statements))


def _theme_node(graph: "ClaimsGraph", theme_id: str, statements: list[m.Expectation]) -> Node:
    theme = graph.by_id.get(theme_id)
    attrs = {"label": theme.label_en if theme else theme_id, "type": "theme", "demands": len(statements)}
    if theme is not None:
        attrs["label_zh"] = theme.label_zh
    return Node(theme_id, attrs, _interval(e.date for e in statements))


def _by_state(graph: "ClaimsGraph", statements: list[m.Expectation]) -> dict[str, tuple[m.Actor, list[m.Expectation]]]:
    found: dict[str, tuple[m.Actor, list[m.Expectation]]] = {}
    for expectation in statements:
        for state in holder_states(graph, expectation.holder):
            found.setdefault(state.id, (state, []))[1].append(expectation)
    return found


def _ids(statements: Iterable[m.Expectation]) -> str:
    return "; ".join(sorted({e.id for e in statements}))


def actor_theme_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """Two-mode: states × themes; an edge's weight is the number of the state's demands with the theme."""
    statements = select_statements(graph, filters)
    states = _by_state(graph, statements)
    by_theme: dict[str, list[m.Expectation]] = defaultdict(list)
    for expectation in statements:
        for theme in expectation.themes:
            by_theme[theme].append(expectation)
    nodes = [_state_node(s, demands) for s, demands in states.values()]
    nodes += [_theme_node(graph, t, demands) for t, demands in by_theme.items()]
    edges = []
    for state_id, (_, demands) in states.items():
        per_theme: dict[str, list[m.Expectation]] = defaultdict(list)
        for expectation in demands:
            for theme in expectation.themes:
                per_theme[theme].append(expectation)
        for theme, behind in per_theme.items():
            edges.append(Edge(state_id, theme, {"label": "demands", "relation": "demands", "weight": float(len(behind)),
                                                "expectations": _ids(behind)}, _interval(e.date for e in behind)))
    return Network.of(NetworkName.actor_theme.value, False, nodes, edges)


def actor_congruence_network(graph: "ClaimsGraph", filters: Filters | None = None,
                             normalize: Normalization | str = Normalization.none) -> Network:
    """One-mode: states linked by the themes both demand.

    ``weight`` is the number of shared themes (``none``), or that number divided by the size
    of the union of the two states' themes (``jaccard``) or by the geometric mean of their
    sizes (``cosine``, on the states' theme sets). ``shared`` always holds the count. The
    country filter keeps that state and its links: congruence needs the others' demands.
    """
    normalize = parse_choice(Normalization, normalize, "normalisation")
    statements = select_statements(graph, filters, by_country=False)
    states = _by_state(graph, statements)
    themes = {sid: {t for e in demands for t in e.themes} for sid, (_, demands) in states.items()}
    focus = graph.country(filters.country).id if filters and filters.country else None
    edges = []
    for a, b in combinations(sorted(states), 2):
        if focus is not None and focus not in (a, b):
            continue
        shared = themes[a] & themes[b]
        if not shared:
            continue
        if normalize is Normalization.jaccard:
            weight = len(shared) / len(themes[a] | themes[b])
        elif normalize is Normalization.cosine:
            weight = len(shared) / math.sqrt(len(themes[a]) * len(themes[b]))
        else:
            weight = float(len(shared))
        behind = [e for e in states[a][1] + states[b][1] if shared & set(e.themes)]
        edges.append(Edge(a, b, {"label": "congruence", "relation": "congruence", "weight": round(weight, 6),
                                 "shared": len(shared), "themes": "; ".join(sorted(shared))},
                          _interval(e.date for e in behind)))
    kept = {focus} | {e.source for e in edges} | {e.target for e in edges} if focus else set(states)
    nodes = [_state_node(state, demands) for sid, (state, demands) in states.items() if sid in kept]
    return Network.of(NetworkName.actor_congruence.value, False, nodes, edges)


def theme_cooccurrence_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """One-mode: themes linked when one demand carries both; weight = the number of such demands."""
    statements = select_statements(graph, filters)
    by_theme: dict[str, list[m.Expectation]] = defaultdict(list)
    pairs: dict[tuple[str, str], list[m.Expectation]] = defaultdict(list)
    for expectation in statements:
        for theme in expectation.themes:
            by_theme[theme].append(expectation)
        for pair in combinations(sorted(expectation.themes), 2):
            pairs[pair].append(expectation)
    nodes = [_theme_node(graph, t, demands) for t, demands in by_theme.items()]
    edges = [Edge(a, b, {"label": "co-occurrence", "relation": "co-occurrence", "weight": float(len(behind)),
                         "expectations": _ids(behind)}, _interval(e.date for e in behind))
             for (a, b), behind in pairs.items()]
    return Network.of(NetworkName.theme_cooccurrence.value, False, nodes, edges)


def build_network(graph: "ClaimsGraph", name: NetworkName | str = NetworkName.full,
                  filters: Filters | None = None, normalize: Normalization | str | None = None) -> Network:
    """One of the networks by name (see the module docstring); ``normalize`` only for actor-congruence."""
    name = parse_choice(NetworkName, name, "network")
    if normalize is not None and name is not NetworkName.actor_congruence:
        normalize = parse_choice(Normalization, normalize, "normalisation")
        if normalize is not Normalization.none:
            raise UsageError(f"--normalize applies to the actor-congruence network only, not {name.value}")
    if name is NetworkName.full:
        return full_network(graph, filters)
    if name is NetworkName.chains:
        return chains_network(graph, filters)
    if name is NetworkName.actor_theme:
        return actor_theme_network(graph, filters)
    if name is NetworkName.actor_congruence:
        return actor_congruence_network(graph, filters, normalize or Normalization.none)
    return theme_cooccurrence_network(graph, filters)


# --------------------------------------------------------------------- GraphML and GEXF (streamed)

# Characters XML 1.0 forbids (and the C1 controls): removed, never escaped.
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
_NOT_XML = re.compile(f"[{_FORBIDDEN}]")
# Most text needs no change at all: one search finds the few that do (a writer's hot path).
_TEXT_WORK = re.compile(f"[{_FORBIDDEN}&<>]")
_ATTRIBUTE_WORK = re.compile(f'[{_FORBIDDEN}&<>"\n\r\t]')


def spelt(value: Any) -> str:
    """A typed scalar spelt the XML Schema way (``true``, ``3.0``, ``NaN``), forbidden characters removed."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value) if math.isfinite(value) else ("NaN" if value != value else ("INF" if value > 0 else "-INF"))
    else:
        text = str(value)
    return _NOT_XML.sub("", text)


def xml_text(value: Any) -> str:
    """A value as XML character data."""
    if type(value) is str and _TEXT_WORK.search(value) is None:
        return value
    return spelt(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ATTRIBUTE_ESCAPES = str.maketrans({'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _xml_attr(value: Any) -> str:
    """A value as a double-quoted XML attribute (white space kept as character references)."""
    if type(value) is str and _ATTRIBUTE_WORK.search(value) is None:
        return '"' + value + '"'
    return '"' + xml_text(value).translate(_ATTRIBUTE_ESCAPES) + '"'


def write_graphml(network: Network, out: TextIO) -> tuple[int, int]:
    """Stream ``network`` as GraphML; every key declared with its ``attr.type``. Returns (nodes, edges)."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
              ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
              ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
              ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    for domain, prefix, schema in (("node", "n", network.node_attributes), ("edge", "e", network.edge_attributes)):
        for attribute in schema:
            out.write(f'  <key id={_xml_attr(prefix + "_" + attribute.name)} for="{domain}"'
                      f' attr.name={_xml_attr(attribute.name)} attr.type="{attribute.type}"/>\n')
    out.write(f'  <graph id={_xml_attr(network.name)} edgedefault="{"directed" if network.directed else "undirected"}">\n')
    node_keys = [(a.name, f'      <data key="n_{a.name}">') for a in network.node_attributes]
    edge_keys = [(a.name, f'      <data key="e_{a.name}">') for a in network.edge_attributes]
    node_count = edge_count = 0
    write = out.write
    for node in network.nodes():
        node_count += 1
        write(f"    <node id={_xml_attr(node.id)}>\n")
        attrs = node.attrs
        for name, opening in node_keys:
            if name in attrs:
                write(f"{opening}{xml_text(attrs[name])}</data>\n")
        write("    </node>\n")
    for edge in network.edges():
        write(f'    <edge id="e{edge_count}" source={_xml_attr(edge.source)} target={_xml_attr(edge.target)}>\n')
        edge_count += 1
        attrs = edge.attrs
        for name, opening in edge_keys:
            if name in attrs:
                write(f"{opening}{xml_text(attrs[name])}</data>\n")
        write("    </edge>\n")
    out.write("  </graph>\n</graphml>\n")
    return node_count, edge_count


NODE_COLOURS: dict[str, tuple[int, int, int]] = {
    "expectation": (230, 159, 0),
    "driver": (0, 114, 178),
    "response": (0, 158, 115),
    "actor": (204, 121, 167),
    "theme": (86, 180, 233),
    "initiative": (240, 228, 66),
    "document": (213, 94, 0),
    "event": (148, 103, 189),
    "indicator": (140, 86, 75),
    "finding": (188, 189, 34),
    "source": (153, 153, 153),
    "paper": (0, 0, 0),
}
"""GEXF viz colours by node type (Okabe–Ito colours first: they stay apart for colour-blind readers)."""
_OTHER_COLOUR = (102, 102, 102)
_GEXF_TYPES = {"string": "string", "int": "integer", "double": "double", "boolean": "boolean"}


def node_size(degree: int) -> float:
    """GEXF viz size: grows with the square root of the degree, so hubs stand out but do not swamp."""
    return round(5 + 5 * math.sqrt(degree), 2)


def write_gexf(network: Network, out: TextIO) -> tuple[int, int]:
    """Stream ``network`` as GEXF 1.3: viz colours by type, sizes by degree, statement intervals."""
    degrees = network.degrees()
    dynamic = any(n.interval for n in network.nodes()) or any(e.interval for e in network.edges())
    node_schema = [a for a in network.node_attributes if a.name != "label"]
    edge_schema = [a for a in network.edge_attributes if a.name not in ("label", "weight")]
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz"'
              ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
              ' xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
              '  <meta>\n    <creator>scograph</creator>\n'
              f'    <description>scograph {network.name} network</description>\n  </meta>\n')
    timing = ' mode="dynamic" timeformat="date" timerepresentation="interval"' if dynamic else ' mode="static"'
    out.write(f'  <graph defaultedgetype="{"directed" if network.directed else "undirected"}"{timing}>\n')
    for cls, schema in (("node", node_schema), ("edge", edge_schema)):
        if schema:
            out.write(f'    <attributes class="{cls}" mode="static">\n')
            for attribute in schema:
                out.write(f'      <attribute id={_xml_attr(attribute.name)} title={_xml_attr(attribute.name)}'
                          f' type="{_GEXF_TYPES[attribute.type]}"/>\n')
            out.write("    </attributes>\n")

    def spell(interval) -> str:
        return f' start="{interval[0]}" end="{interval[1]}"' if interval else ""

    def attvalues(attrs: dict, schema: list[Attribute], indent: str) -> None:
        present = [a for a in schema if a.name in attrs]
        if present:
            out.write(f"{indent}<attvalues>\n")
            for attribute in present:
                out.write(f'{indent}  <attvalue for={_xml_attr(attribute.name)}'
                          f' value={_xml_attr(attrs[attribute.name])}/>\n')
            out.write(f"{indent}</attvalues>\n")

    node_count = edge_count = 0
    out.write("    <nodes>\n")
    for node in network.nodes():
        node_count += 1
        out.write(f'      <node id={_xml_attr(node.id)} label={_xml_attr(node.attrs.get("label", node.id))}{spell(node.interval)}>\n')
        attvalues(node.attrs, node_schema, "        ")
        r, g, b = NODE_COLOURS.get(node.attrs.get("type"), _OTHER_COLOUR)
        out.write(f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0"/>\n'
                  f'        <viz:size value="{node_size(degrees[node.id])}"/>\n      </node>\n')
    out.write("    </nodes>\n    <edges>\n")
    for edge in network.edges():
        label = f" label={_xml_attr(edge.attrs['label'])}" if "label" in edge.attrs else ""
        # Gephi keeps parallel edges apart only when their kinds differ: the relation is the kind.
        kind = f" kind={_xml_attr(edge.attrs['relation'])}" if "relation" in edge.attrs else ""
        weight = f' weight="{spelt(float(edge.attrs["weight"]))}"' if "weight" in edge.attrs else ""
        out.write(f'      <edge id="e{edge_count}" source={_xml_attr(edge.source)} target={_xml_attr(edge.target)}'
                  f"{kind}{label}{weight}{spell(edge.interval)}>\n")
        edge_count += 1
        attvalues(edge.attrs, edge_schema, "        ")
        out.write("      </edge>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")
    return node_count, edge_count


# --------------------------------------------------------------------- CSV for Gephi's spreadsheet import

# Gephi's Data Laboratory › Import Spreadsheet recognises these column names.
_GEPHI_NODE = {"label": "Label"}
_GEPHI_EDGE = {"label": "Label", "weight": "Weight"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_nodes_csv(network: Network, out: TextIO) -> int:
    """The nodes table: ``Id``, ``Label``, then every node attribute."""
    columns = [a.name for a in network.node_attributes]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Id"] + [_GEPHI_NODE.get(c, c) for c in columns])
    count = 0
    for node in network.nodes():
        writer.writerow([node.id] + [_cell(node.attrs.get(c)) for c in columns])
        count += 1
    return count


def write_edges_csv(network: Network, out: TextIO) -> int:
    """The edges table: ``Source``, ``Target``, ``Type`` (Directed/Undirected), ``Kind`` (the relation,
    which keeps parallel edges apart in Gephi), ``Id``, ``Label``, ``Weight``, then the other attributes."""
    columns = [a.name for a in network.edge_attributes]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Source", "Target", "Type", "Kind", "Id"] + [_GEPHI_EDGE.get(c, c) for c in columns])
    direction = "Directed" if network.directed else "Undirected"
    count = 0
    for edge in network.edges():
        writer.writerow([edge.source, edge.target, direction, _cell(edge.attrs.get("relation")), f"e{count}"]
                        + [_cell(edge.attrs.get(c)) for c in columns])
        count += 1
    return count


def csv_paths(output: Path) -> tuple[Path, Path]:
    """``-o out`` or ``-o out.csv`` → ``out-nodes.csv`` and ``out-edges.csv``."""
    output = Path(output)
    stem = output.name[:-4] if output.name.lower().endswith(".csv") else output.name
    return output.with_name(f"{stem}-nodes.csv"), output.with_name(f"{stem}-edges.csv")


# --------------------------------------------------------------------- the statement table

STATEMENT_COLUMNS = [
    "id", "statement", "kind", "label", "label_zh", "country", "holder", "holder_label", "countries", "about",
    "speaker", "speaker_label", "date", "occasion", "domain", "stance", "themes", "theme_labels", "initiatives",
    "initiative_labels", "documents", "drivers", "responses", "quote", "voice", "page", "footnote", "source",
    "source_title", "url",
]
"""One row per statement: each demand (``statement`` = ``demand``), then each of the authors'
findings (``finding``). Several values in a cell are joined by ``; `` (quotes and their voices,
one per line)."""


def statement_rows(graph: "ClaimsGraph", filters: Filters | None = None) -> list[dict[str, str]]:
    """The statement table DNA users move between tools: one row per demand, every attribute a coder wants."""
    from . import model as m

    def label(entity_id: str | None) -> str:
        entity = graph.by_id.get(entity_id) if entity_id else None
        return entity.label_en if entity else ""

    def join(values: Iterable[Any]) -> str:
        return "; ".join(str(v) for v in values if v not in (None, ""))

    def quoted(evidence: list) -> dict[str, str]:
        sources = list(dict.fromkeys(e.source for e in evidence if e.source))
        cited = [graph.by_id.get(s) for s in sources]
        return {
            "quote": "\n".join(e.quote for e in evidence),
            "voice": "\n".join(e.voice.value + (f": {e.speaker}" if e.speaker else "") for e in evidence),
            "page": join(sorted({e.page for e in evidence})),
            "footnote": join(f"p. {e.page} note {e.note}" for e in evidence if e.note is not None),
            "source": join(sources),
            "source_title": join(getattr(s, "title", "") for s in cited),
            "url": join(getattr(s, "url", "") for s in cited),
        }

    answered_by: dict[str, list[str]] = defaultdict(list)
    for response in graph.claims.responses:
        for link in response.addresses:
            answered_by[link.target].append(response.id)
    rows = []
    for expectation in select_statements(graph, filters):
        states = holder_states(graph, expectation.holder)
        holder = graph.by_id.get(expectation.holder)
        is_state = isinstance(holder, m.Actor) and holder.kind is m.ActorKind.state
        rows.append({
            "id": expectation.id,
            "statement": "demand",
            "kind": "",
            "label": expectation.label_en,
            "label_zh": expectation.label_zh,
            "country": holder.alpha2 if is_state else "",
            "holder": expectation.holder,
            "holder_label": label(expectation.holder),
            "countries": join(sorted(a.alpha2 for a in states)),
            "about": "",
            "speaker": expectation.speaker or "",
            "speaker_label": label(expectation.speaker),
            "date": expectation.date or "",
            "occasion": expectation.occasion or "",
            "domain": expectation.domain.value,
            "stance": expectation.stance.value,
            "themes": join(expectation.themes),
            "theme_labels": join(label(t) for t in expectation.themes),
            "initiatives": join(expectation.initiatives),
            "initiative_labels": join(label(i) for i in expectation.initiatives),
            "documents": join(expectation.documents),
            "drivers": join(link.target for link in expectation.drivers),
            "responses": join(sorted(answered_by[expectation.id])),
            **quoted(expectation.evidence),
        })
    for finding in select_findings(graph, filters):
        themes = [t for t in finding.about if isinstance(graph.by_id.get(t), m.Theme)]
        rows.append({
            **dict.fromkeys(STATEMENT_COLUMNS, ""),
            "id": finding.id,
            "statement": "finding",
            "kind": finding.kind.value,
            "label": finding.label_en,
            "label_zh": finding.label_zh,
            "countries": join(sorted({graph.by_id[s].alpha2 for s in _states_about(graph, finding.about)})),
            "about": join(finding.about),
            "stance": finding.stance.value,
            "themes": join(themes),
            "theme_labels": join(label(t) for t in themes),
            **quoted(finding.evidence),
        })
    return rows


def write_statements(rows: list[dict[str, str]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=STATEMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)


# --------------------------------------------------------------------- RDF

def to_rdf_text(graph: "ClaimsGraph", fmt: ExportFormat) -> str:
    """The claims graph as Turtle, N-Triples (sorted lines), TriG (one graph per source) or JSON-LD."""
    if fmt is ExportFormat.ttl:
        return graph.rdf.serialize(format="longturtle")
    if fmt is ExportFormat.nt:
        from rdflib.compare import to_canonical_graph

        # Canonical blank node labels and sorted lines: the same graph always gives the same text.
        lines = to_canonical_graph(graph.rdf).serialize(format="nt11").splitlines()
        return "".join(line + "\n" for line in sorted(set(lines)) if line.strip())
    if fmt is ExportFormat.trig:
        from .rdf.datasets import source_dataset, trig_text

        return trig_text(source_dataset(graph))
    if fmt is ExportFormat.jsonld:
        from .rdf.jsonld import to_jsonld

        return to_jsonld(graph)
    raise UsageError(f"{fmt.value} is not an RDF format; RDF formats: {', '.join(f.value for f in RDF_FORMATS)}")


# --------------------------------------------------------------------- writing


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

    def emit(path: Path | None, write: Callable[[TextIO], Any]) -> Any:
        if path is None:
            return write(stream)
        with atomic_writer(path, text=True) as handle:
            return write(handle)

    if fmt in RDF_FORMATS:
        graphs = None
        if fmt is ExportFormat.trig:
            from .rdf.datasets import source_dataset, trig_text

            dataset = source_dataset(graph)
            graphs = sum(1 for g in dataset.graphs() if len(g) and g.identifier != dataset.default_graph.identifier)
            text = trig_text(dataset)
        else:
            text = to_rdf_text(graph, fmt)
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

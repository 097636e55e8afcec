"""The exports as they were built from the typed objects (``ClaimsGraph.claims``) and the networkx
projection (``ClaimsGraph.network``): the reference the store-read exports must equal, byte for byte.

Kept here, not in the library, so that the exports have one data path (SPARQL over the store) and
this second one exists only to check it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from enum import Enum
from itertools import combinations
from typing import Any

from scograph import model as m
from scograph.exports import STATEMENT_COLUMNS, Edge, Filters, Network, NetworkName, Node, Normalization, Selector
from scograph.exports.entity_networks import BROADER
from scograph.exports.networks import EDGE_ORDER, NODE_ORDER, schema
from scograph.exports.selection import interval
from scograph.inputs import parse_choice

# The projection's attributes are strings; the networks' are typed scalars.
_KNOWN_TYPES = {"page": int, "weight": float, "demands": int, "shared": int}


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


def typed(attrs: dict) -> dict:
    kept = {}
    for name, value in attrs.items():
        value = scalar(name, value)
        if value is not None and value != "":
            kept[name] = value
    return kept


def holder_states(graph, holder_id: str) -> list[m.Actor]:
    """The states a demand counts for: its holder, or the member states of a holding group."""
    holder = graph.by_id.get(holder_id)
    if not isinstance(holder, m.Actor):
        return []
    if holder.kind is m.ActorKind.state:
        return [holder]
    members = (graph.by_id.get(i) for i in holder.members)
    return sorted((a for a in members if isinstance(a, m.Actor) and a.kind is m.ActorKind.state), key=lambda a: a.id)


def select_statements(graph, filters: Filters | None = None, *, by_country: bool = True) -> list[m.Expectation]:
    """The expectations that pass ``filters`` (``by_country=False`` ignores its country)."""
    selector = Selector(graph, filters, by_country=by_country)
    return [
        expectation for expectation in graph.claims.expectations
        if selector.keeps(expectation.domain.value, _held_by_a_state(graph, expectation),
                          lambda holder=expectation.holder: [a.id for a in holder_states(graph, holder)],
                          expectation.date)
    ]


def select_findings(graph, filters: Filters | None = None) -> list[m.Finding]:
    """The findings that pass ``filters``: about the country (the state, or a group it belongs to);
    a domain or a date leaves them all out (a finding has neither)."""
    selector = Selector(graph, filters)
    return [
        finding for finding in graph.claims.findings
        if selector.keeps(None, True, lambda about=tuple(finding.about): states_about(graph, about), None)
    ]


def states_about(graph, about: Iterable[str]) -> list[str]:
    """The ids of the states a finding is about: those it names, and the members of the groups it names."""
    return sorted({state.id for entity_id in about for state in holder_states(graph, entity_id)})


def _held_by_a_state(graph, expectation: m.Expectation) -> bool:
    holder = graph.by_id.get(expectation.holder)
    return isinstance(holder, m.Actor) and holder.kind is m.ActorKind.state


def projection(graph, name: str, keep: set[str] | None) -> Network:
    """A view of ``graph.network`` (all nodes, or those in ``keep``) converted on the fly."""
    source = graph.network

    def node_ids() -> list[str]:
        return sorted(source) if keep is None else sorted(n for n in keep if n in source)

    def nodes() -> Iterator[Node]:
        for node_id in node_ids():
            attrs = typed(source.nodes[node_id])
            attrs.setdefault("label", node_id)
            dated = attrs.get("type") == "expectation" and isinstance(attrs.get("date"), str)
            yield Node(node_id, attrs, interval([attrs["date"]]) if dated else None)

    def edges() -> Iterator[Edge]:
        keys = source.edges(keys=True) if keep is None else (
            (u, v, k) for u, v, k in source.edges(keys=True) if u in keep and v in keep)
        for u, v, k in sorted(keys, key=lambda e: (e[0], e[1], str(e[2]))):
            yield Edge(u, v, typed(source.edges[u, v, k]))

    node_schema = schema((n.attrs for n in nodes()), NODE_ORDER)
    edge_schema = schema((e.attrs for e in edges()), EDGE_ORDER)
    return Network(name, True, node_schema, edge_schema, nodes, edges)


def with_broader(source, nodes: set[str]) -> set[str]:
    """``nodes`` and every broader driver, response or theme they refine, transitively."""
    todo, seen = list(nodes), set(nodes)
    while todo:
        for _, target, relation in source.out_edges(todo.pop(), data="relation"):
            if relation in BROADER and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def full_network(graph, filters: Filters | None = None) -> Network:
    """The whole typed graph; with filters, the selected statements, every entity one link away
    from them, and the broader drivers, responses and themes those refine."""
    if filters is None or not filters.active:
        return projection(graph, NetworkName.full.value, None)
    source = graph.network
    selected = {e.id for e in select_statements(graph, filters)}
    others = {e.id for e in graph.claims.expectations} - selected
    near = set(selected)
    for node in selected:
        near.update(source.successors(node))
        near.update(source.predecessors(node))
    return projection(graph, NetworkName.full.value, with_broader(source, near - others) - others)


def _state_node(state: m.Actor, statements: list[m.Expectation]) -> Node:
    attrs = {"label": state.label_en, "label_zh": state.label_zh, "type": "actor", "kind": state.kind.value,
             "country": state.alpha2, "demands": len(statements)}
    return Node(state.id, attrs, interval(e.date for e in statements))


def _theme_node(graph, theme_id: str, statements: list[m.Expectation]) -> Node:
    theme = graph.by_id.get(theme_id)
    attrs = {"label": theme.label_en if theme else theme_id, "type": "theme", "demands": len(statements)}
    if theme is not None:
        attrs["label_zh"] = theme.label_zh
    return Node(theme_id, attrs, interval(e.date for e in statements))


def _by_state(graph, statements: list[m.Expectation]) -> dict[str, tuple[m.Actor, list[m.Expectation]]]:
    found: dict[str, tuple[m.Actor, list[m.Expectation]]] = {}
    for expectation in statements:
        for state in holder_states(graph, expectation.holder):
            found.setdefault(state.id, (state, []))[1].append(expectation)
    return found


def _ids(statements: Iterable[m.Expectation]) -> str:
    return "; ".join(sorted({e.id for e in statements}))


def actor_theme_network(graph, filters: Filters | None = None) -> Network:
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
                                                "expectations": _ids(behind)}, interval(e.date for e in behind)))
    return Network.of(NetworkName.actor_theme.value, False, nodes, edges)


def actor_congruence_network(graph, filters: Filters | None = None,
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
                          interval(e.date for e in behind)))
    kept = {focus} | {e.source for e in edges} | {e.target for e in edges} if focus else set(states)
    nodes = [_state_node(state, demands) for sid, (state, demands) in states.items() if sid in kept]
    return Network.of(NetworkName.actor_congruence.value, False, nodes, edges)


def theme_cooccurrence_network(graph, filters: Filters | None = None) -> Network:
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
                         "expectations": _ids(behind)}, interval(e.date for e in behind))
             for (a, b), behind in pairs.items()]
    return Network.of(NetworkName.theme_cooccurrence.value, False, nodes, edges)


def statement_rows(graph, filters: Filters | None = None) -> list[dict[str, str]]:
    """The statement table DNA users move between tools: one row per demand, every attribute a coder wants."""
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
            "countries": join(sorted({graph.by_id[s].alpha2 for s in states_about(graph, finding.about)})),
            "about": join(finding.about),
            "stance": finding.stance.value,
            "themes": join(themes),
            "theme_labels": join(label(t) for t in themes),
            **quoted(finding.evidence),
        })
    return rows




def build(graph, name: str, filters: Filters | None = None, normalize: str | None = None) -> Network:
    """One of the networks by name, as the typed objects and the projection give it."""
    if name == "full":
        return full_network(graph, filters)
    if name == "actor-theme":
        return actor_theme_network(graph, filters)
    if name == "actor-congruence":
        return actor_congruence_network(graph, filters, normalize or Normalization.none)
    if name == "theme-cooccurrence":
        return theme_cooccurrence_network(graph, filters)
    raise ValueError(name)

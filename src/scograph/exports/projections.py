"""The networks by name (:func:`build_network`): the typed graph's projection, and the three DNA networks.

The ``full`` network is a view of ``ClaimsGraph.network``; ``actor-theme``, ``actor-congruence``
and ``theme-cooccurrence`` count the selected statements; ``chains`` is read from the store
(:mod:`.chains`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..inputs import parse_choice
from .chains import BROADER, chains_network
from .choices import NetworkName, Normalization
from .networks import EDGE_ORDER, NODE_ORDER, Edge, Network, Node, schema, typed
from .selection import Filters, holder_states, interval, select_statements

if TYPE_CHECKING:  # pragma: no cover
    from .. import model as m
    from ..graph import ClaimsGraph


def _projection(graph: "ClaimsGraph", name: str, keep: set[str] | None) -> Network:
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


def _with_broader(source, nodes: set[str]) -> set[str]:
    """``nodes`` and every broader driver, response or theme they refine, transitively."""
    todo, seen = list(nodes), set(nodes)
    while todo:
        for _, target, relation in source.out_edges(todo.pop(), data="relation"):
            if relation in BROADER and target not in seen:
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


def _state_node(state: m.Actor, statements: list[m.Expectation]) -> Node:
    attrs = {"label": state.label_en, "label_zh": state.label_zh, "type": "actor", "kind": state.kind.value,
             "country": state.alpha2, "demands": len(statements)}
    return Node(state.id, attrs, interval(e.date for e in statements))


def _theme_node(graph: "ClaimsGraph", theme_id: str, statements: list[m.Expectation]) -> Node:
    theme = graph.by_id.get(theme_id)
    attrs = {"label": theme.label_en if theme else theme_id, "type": "theme", "demands": len(statements)}
    if theme is not None:
        attrs["label_zh"] = theme.label_zh
    return Node(theme_id, attrs, interval(e.date for e in statements))


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
                                                "expectations": _ids(behind)}, interval(e.date for e in behind)))
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
                          interval(e.date for e in behind)))
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
                         "expectations": _ids(behind)}, interval(e.date for e in behind))
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

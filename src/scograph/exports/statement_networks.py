"""The networks by name (:func:`build_network`), and the three DNA networks, which count the selected
statements (:class:`~.selection.Statements`): ``actor-theme``, ``actor-congruence``, ``theme-cooccurrence``.
``full`` and ``chains`` are read from the store by :mod:`.entity_networks`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..inputs import parse_choice
from ..records import Records
from ..terms import ENTITY
from .choices import NetworkName, Normalization
from .entity_networks import chains_network, full_network
from .networks import Edge, Network, Node
from .selection import Filters, Statements, interval

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import ClaimsGraph


def _labels(graph: "ClaimsGraph", ids: Iterable[str]) -> dict[str, dict]:
    """The records of the entities among ``ids``, by id (their labels name the nodes)."""
    made = Records(graph.store, graph.record_cache).of([ENTITY + i for i in sorted(set(ids))])
    return {record["id"]: record for record in made if record["type"]}


def _state_node(state: dict, code: str, statements: list[dict]) -> Node:
    attrs = {"label": state["label"], "label_zh": state["label_zh"], "type": "actor", "kind": "state",
             "country": code, "demands": len(statements)}
    return Node(state["id"], attrs, interval(e["date"] for e in statements))


def _theme_node(theme_id: str, theme: dict | None, statements: list[dict]) -> Node:
    attrs = {"label": theme["label"] if theme else theme_id, "type": "theme", "demands": len(statements)}
    if theme is not None:
        attrs["label_zh"] = theme["label_zh"]
    return Node(theme_id, attrs, interval(e["date"] for e in statements))


def _by_state(statements: Statements, demands: list[dict]) -> dict[str, list[dict]]:
    """{state id: the demands that count for it}, in the order the states are first met."""
    found: dict[str, list[dict]] = {}
    for demand in demands:
        for state in statements.holders.states(demand["holder"]):
            found.setdefault(state, []).append(demand)
    return found


def _state_nodes(graph: "ClaimsGraph", statements: Statements, states: dict[str, list[dict]]) -> list[Node]:
    known = _labels(graph, states)
    return [_state_node(known[s], statements.holders.codes[s], demands) for s, demands in states.items()]


def _ids(statements: Iterable[dict]) -> str:
    return "; ".join(sorted({e["id"] for e in statements}))


def actor_theme_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """Two-mode: states × themes; an edge's weight is the number of the state's demands with the theme."""
    statements = Statements(graph)
    demands = statements.select_demands(filters)
    states = _by_state(statements, demands)
    by_theme: dict[str, list[dict]] = defaultdict(list)
    for demand in demands:
        for theme in demand["themes"]:
            by_theme[theme].append(demand)
    themes = _labels(graph, by_theme)
    nodes = _state_nodes(graph, statements, states)
    nodes += [_theme_node(t, themes.get(t), behind) for t, behind in by_theme.items()]
    edges = []
    for state_id, held in states.items():
        per_theme: dict[str, list[dict]] = defaultdict(list)
        for demand in held:
            for theme in demand["themes"]:
                per_theme[theme].append(demand)
        for theme, behind in per_theme.items():
            edges.append(Edge(state_id, theme, {"label": "demands", "relation": "demands", "weight": float(len(behind)),
                                                "expectations": _ids(behind)}, interval(e["date"] for e in behind)))
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
    statements = Statements(graph)
    states = _by_state(statements, statements.select_demands(filters, by_country=False))
    themes = {sid: {t for e in demands for t in e["themes"]} for sid, demands in states.items()}
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
        behind = [e for e in states[a] + states[b] if shared & set(e["themes"])]
        edges.append(Edge(a, b, {"label": "congruence", "relation": "congruence", "weight": round(weight, 6),
                                 "shared": len(shared), "themes": "; ".join(sorted(shared))},
                          interval(e["date"] for e in behind)))
    kept = {focus} | {e.source for e in edges} | {e.target for e in edges} if focus else set(states)
    nodes = _state_nodes(graph, statements, {s: demands for s, demands in states.items() if s in kept})
    return Network.of(NetworkName.actor_congruence.value, False, nodes, edges)


def theme_cooccurrence_network(graph: "ClaimsGraph", filters: Filters | None = None) -> Network:
    """One-mode: themes linked when one demand carries both; weight = the number of such demands."""
    demands = Statements(graph).select_demands(filters)
    by_theme: dict[str, list[dict]] = defaultdict(list)
    pairs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for demand in demands:
        for theme in demand["themes"]:
            by_theme[theme].append(demand)
        for pair in combinations(sorted(demand["themes"]), 2):
            pairs[pair].append(demand)
    themes = _labels(graph, by_theme)
    nodes = [_theme_node(t, themes.get(t), behind) for t, behind in by_theme.items()]
    edges = [Edge(a, b, {"label": "co-occurrence", "relation": "co-occurrence", "weight": float(len(behind)),
                         "expectations": _ids(behind)}, interval(e["date"] for e in behind))
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

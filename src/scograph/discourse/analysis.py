"""Analysis of discourse networks: centralities, communities, and polarisation over time (networkx).

For a :class:`.networks.Matrix` (its non-zero cells as edges; in a two-mode matrix between the
row and the column nodes):

- ``degree``: how many nodes a node is linked to;
- ``strength``: the sum of the weights of its edges (negative weights, from ``subtract``, lower it);
- ``betweenness``: networkx's normalised betweenness centrality, shortest paths taken over
  distances ``1 / weight`` (a strong tie is a short one), on the edges of positive weight;
- ``community``: the node's community by networkx's Louvain method (``louvain_communities``,
  weights as given, positive edges only, seed 7 so the result is repeatable), numbered from 0 by size.

**Polarisation** (:func:`polarisation`), per window of a series or for one network: DNA's
polarisation work asks how far the actors fall into camps that agree within and disagree across.
We measure it as

``polarisation = Q(P, congruence)``: the modularity of the Louvain partition ``P`` of the actors'
congruence network (the same selection and normalisation), in ``[-1/2, 1)``: 0 when the groups
share concepts no more than chance would have them, higher as the discourse splits into groups that
share concepts within and not across;

and, beside it, ``conflict_across``: the share of the conflict network's weight that runs between
the groups of ``P`` (1 when every disagreement is between camps; None when there is no conflict).
A network with no congruence, or a single community, has polarisation 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from .networks import Matrix, Selection, Spec, matrix

SEED = 7


def to_graph(built: Matrix, *, positive: bool = False):
    """An undirected networkx graph of ``built``'s non-zero cells (``positive``: those above 0 only)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(built.rows)
    graph.add_nodes_from(built.columns)
    for source, target, weight in built.edges():
        if source != target and (weight > 0 or not positive):
            graph.add_edge(source, target, weight=weight, distance=1 / weight if weight > 0 else None)
    return graph


def communities(built: Matrix) -> list[list[str]]:
    """Louvain communities of the positive edges, largest first (ties by their first id)."""
    import networkx as nx

    graph = to_graph(built, positive=True)
    if graph.number_of_edges() == 0:
        return [[node] for node in sorted(graph)]
    found = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def centrality(built: Matrix) -> list[dict]:
    """One row a node: id, statements, degree, strength, betweenness and community (see the module docstring)."""
    import networkx as nx

    graph = to_graph(built)
    positive = to_graph(built, positive=True)
    betweenness = nx.betweenness_centrality(positive, weight="distance", normalized=True)
    community = {node: n for n, group in enumerate(communities(built)) for node in group}
    rows = []
    for node in sorted(graph):
        rows.append({
            "id": node,
            "statements": built.counts.get(node, 0),
            "degree": graph.degree(node),
            "strength": round(sum(d["weight"] for *_, d in graph.edges(node, data=True)), 6),
            "betweenness": round(betweenness.get(node, 0.0), 6),
            "community": community.get(node),
        })
    return rows


@dataclass(frozen=True)
class Polarisation:
    """The polarisation of one network (see the module docstring)."""

    start: str | None
    end: str | None
    statements: int
    actors: int
    groups: int
    polarisation: float
    conflict_across: float | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def polarisation(graph, selection: Selection = Selection(), normalize: str = "none", *, statements=None,
                 start=None, end=None, concept: str = "theme") -> Polarisation:
    """The polarisation of the actors' discourse in the statements ``selection`` keeps."""
    import networkx as nx

    congruence = matrix(graph, Spec("actors", "congruence", normalize, concept), selection, statements=statements)
    conflict = matrix(graph, Spec("actors", "conflict", normalize, concept), selection, statements=statements)
    groups = communities(congruence)
    positive = to_graph(congruence, positive=True)
    score = 0.0
    if positive.number_of_edges() and len(groups) > 1:
        score = nx.community.modularity(positive, [set(g) for g in groups], weight="weight")
    total = sum(w for *_, w in conflict.edges())
    member = {node: n for n, group in enumerate(groups) for node in group}
    across = None
    if total > 0:
        across = sum(w for a, b, w in conflict.edges() if member.get(a) != member.get(b)) / total
    return Polarisation(start.isoformat() if start else None, end.isoformat() if end else None, congruence.statements,
                        len(congruence.rows), len(groups), round(score, 6),
                        None if across is None else round(across, 6))


def polarisation_series(graph, selection: Selection, window, step=None, normalize: str = "none",
                        concept: str = "theme") -> list[Polarisation]:
    """:func:`polarisation` for each window of a series (:func:`.time.series`)."""
    from datetime import timedelta

    from .statements import statements as read_statements
    from .time import series

    everything = read_statements(graph, concept=concept)
    windows = series(graph, Spec("actors", "congruence", normalize, concept), selection, window, step,
                     statements=everything)
    found = []
    for w in windows:
        inside = [s for s in everything if s.date and w.start <= _day(s) < w.end]
        found.append(polarisation(graph, selection, normalize, statements=inside, start=w.start,
                                  end=w.end - timedelta(days=1), concept=concept))
    return found


def _day(s):
    from .networks import _first_day

    return _first_day(s.date)

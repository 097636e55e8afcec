"""A network ready to write: a declared schema of typed scalar attributes, nodes and edges in a stable order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx


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
        return cls(name, directed, schema((n.attrs for n in nodes), NODE_ORDER),
                   schema((e.attrs for e in edges), EDGE_ORDER), lambda: iter(nodes), lambda: iter(edges))

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
NODE_ORDER = ["label", "label_zh", "type", "kind", "country", "domain", "level", "model", "page", "date", "demands"]
EDGE_ORDER = ["label", "relation", "weight", "basis", "shared", "themes", "expectations"]


def schema(rows: Iterable[dict], order: list[str]) -> list[Attribute]:
    types: dict[str, str] = {}
    for attrs in rows:
        for name, value in attrs.items():
            kind = _GRAPHML_TYPES[type(value)]
            seen = types.setdefault(name, kind)
            if seen != kind:  # mixed values: numbers widen to double, anything else to string
                types[name] = "double" if {seen, kind} == {"int", "double"} else "string"
    rank = {name: i for i, name in enumerate(order)}
    return [Attribute(n, types[n]) for n in sorted(types, key=lambda n: (rank.get(n, len(rank)), n))]

"""Three-mode networks, which no DNA export has: driver → demand → response.

The paper links each demand to the drivers that shape it (``shapedBy``) and each of its
recommendations to the demands it answers (``addresses``). This network puts the three in a row,
so a researcher can see which drivers feed which recommendations through which demands:

- nodes: drivers, demands (expectations), responses (recommendations);
- edges: driver → demand (``drives``) and demand → response (``answered-by``), weight 1, with the
  link's basis (``stated`` in the paper, or ``inferred`` by the curators);
- :func:`driver_response`: the two-mode projection, driver × response, weighted by the number of
  demands that join them (``via`` lists them).

The demands are selected as the other networks' statements are (:class:`.networks.Selection`,
with demands as concepts): by country, domain, dates, group demands, and exclusions by actor,
demand (as a concept), stance and source document; ``basis`` keeps links of that basis only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..errors import UsageError
from ..terms import entity_id
from .networks import Selection, select

BASES = ("stated", "inferred")

_LINKS = """
SELECT ?subject ?predicate ?object ?basis WHERE {
  VALUES ?predicate { sco:shapedBy sco:addresses }
  ?subject ?predicate ?object .
  OPTIONAL { ?link rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ; sco:basis ?basis }
}"""


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    relation: str
    """``drives`` (driver → demand) or ``answered-by`` (demand → response)."""
    basis: str


def links(graph, selection: Selection = Selection(), basis: tuple[str, ...] = BASES) -> list[Link]:
    """The driver → demand and demand → response links of the demands ``selection`` keeps."""
    from .statements import statements

    for b in basis:
        if b not in BASES:
            raise UsageError(f"unknown basis {b!r}; valid: {', '.join(BASES)}")
    demands = {s.entity for s in select(graph, statements(graph, concept="demand"), selection)}
    found = set()
    for subject, predicate, obj, link_basis in graph.store.rows(_LINKS):
        subject, obj = entity_id(subject), entity_id(obj)
        kind = (link_basis or "").rsplit("#", 1)[-1].lower() or "stated"
        if kind not in basis:
            continue
        if predicate.endswith("shapedBy") and subject in demands and obj not in selection.exclude_concepts:
            found.add(Link(obj, subject, "drives", kind))
        elif predicate.endswith("addresses") and obj in demands and subject not in selection.exclude_concepts:
            found.add(Link(obj, subject, "answered-by", kind))
    return sorted(found, key=lambda link: (link.relation != "drives", link.source, link.target))


def driver_response(found: list[Link]) -> dict[tuple[str, str], list[str]]:
    """``{(driver, response): [demands joining them]}``."""
    drivers: dict[str, set[str]] = defaultdict(set)
    responses: dict[str, set[str]] = defaultdict(set)
    for link in found:
        if link.relation == "drives":
            drivers[link.target].add(link.source)
        else:
            responses[link.source].add(link.target)
    joined: dict[tuple[str, str], list[str]] = defaultdict(list)
    for demand in sorted(drivers.keys() & responses.keys()):
        for driver in drivers[demand]:
            for response in responses[demand]:
                joined[(driver, response)].append(demand)
    return dict(sorted(joined.items()))


def network(graph, selection: Selection = Selection(), basis: tuple[str, ...] = BASES, *, projected: bool = False):
    """The three-mode network as an :class:`scograph.exports.Network` (directed), or with
    ``projected`` the driver × response network weighted by the demands between them."""
    from ..exports import Edge, Network, Node
    from .formats import _node_type
    from .statements import labels

    found = links(graph, selection, basis)
    if projected:
        joined = driver_response(found)
        ids = sorted({i for pair in joined for i in pair})
        edges = [Edge(d, r, {"label": "through demands", "relation": "through-demands", "weight": float(len(via)),
                             "expectations": "; ".join(via)}) for (d, r), via in joined.items()]
        name = "driver-response"
    else:
        ids = sorted({link.source for link in found} | {link.target for link in found})
        edges = [Edge(link.source, link.target, {"label": link.relation, "relation": link.relation, "weight": 1.0,
                                                 "basis": link.basis}) for link in found]
        name = "driver-demand-response"
    names = labels(graph, ids)
    types = _node_type(graph, ids)
    nodes = [Node(i, {"label": names[i][0], "label_zh": names[i][1], "type": types[i]}) for i in ids]
    return Network.of(name, True, nodes, edges)

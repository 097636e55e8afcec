"""Which statements a network or the statement table is built from: :class:`Filters`, resolved once.

A statement dated ``2019`` or ``2019-04`` stands for the whole year or month, and is kept when
that span overlaps the range (see :func:`~scograph.inputs.date_span`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..inputs import date_span, parse_domain
from ..records import Records
from ..terms import ENTITY, ENTITY_CLASSES, entity_id

if TYPE_CHECKING:  # pragma: no cover
    from .. import model as m
    from ..graph import ClaimsGraph


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


_FIRST_CLASSES = " ".join(f"sco:{local}" for local in list(ENTITY_CLASSES.values())[:list(ENTITY_CLASSES).index("actor")])
_ACTOR_QUERY = f"""
SELECT ?actor ?state ?code WHERE {{
  ?actor a sco:Actor .
  FILTER NOT EXISTS {{ VALUES ?first {{ {_FIRST_CLASSES} }} ?actor a ?first }}
  OPTIONAL {{ ?actor a ?state FILTER(?state = sco:State) }}
  OPTIONAL {{ ?actor sco:alpha2 ?code }}
}}"""
"""The actors (entities whose first class is sco:Actor), with sco:State and the ISO code for the states."""
_MEMBER_QUERY = "SELECT ?group ?member WHERE { ?group sco:member ?member }"


class Holders:
    """Whom a statement counts for, read from the store: a demand held by a state counts for that
    state, one held by a group of states (``ca-members``) for each member state; a finding, for the
    states it is about and the member states of the groups it is about."""

    __slots__ = ("actors", "codes", "members")

    def __init__(self, actors: dict[str, bool], codes: dict[str, str], members: dict[str, list[str]]):
        self.actors = actors
        """{actor id: whether it is a state}."""
        self.codes = codes
        """{state id: its ISO alpha-2 code}."""
        self.members = members

    @classmethod
    def read(cls, store) -> "Holders":
        actors, codes = {}, {}
        for actor, state, code in store.rows(_ACTOR_QUERY):
            actor = entity_id(actor)
            actors[actor] = actors.get(actor, False) or state is not None
            if state is not None and code is not None:
                codes[actor] = str(code)
        members: dict[str, list[str]] = defaultdict(list)
        for group, member in store.rows(_MEMBER_QUERY):
            members[entity_id(group)].append(entity_id(member))
        return cls(actors, codes, members)

    def is_state(self, actor_id: str | None) -> bool:
        return self.actors.get(actor_id, False)

    def states(self, holder_id: str | None) -> list[str]:
        """The ids of the states a demand held by ``holder_id`` counts for (none if it is no actor)."""
        if holder_id not in self.actors:
            return []
        if self.actors[holder_id]:
            return [holder_id]
        return sorted(m for m in self.members.get(holder_id, ()) if self.actors.get(m))

    def states_about(self, about: Iterable[str]) -> list[str]:
        """The ids of the states a finding is about: those it names, and the members of the groups it names."""
        return sorted({state for entity_id_ in about for state in self.states(entity_id_)})


def holder_states(graph: "ClaimsGraph", holder_id: str) -> list[m.Actor]:
    """The states a demand counts for (:meth:`Holders.states`), as typed objects."""
    return [graph.by_id[state] for state in Holders.read(graph.store).states(holder_id)]


class Selector:
    """Filters resolved once (a domain name, a state's id, a range of days); ``keeps`` tests one statement.

    Shared by the statement records (:class:`Statements`) and the full and chains networks
    (:mod:`.entity_networks`), so the two always select alike.
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
            first, last = statement_span(when)
            if last < self.low or first > self.high:
                return False
        return True


class Statements:
    """The statements as records (:meth:`scograph.graph.ClaimsGraph.records`), read from the store once:
    every demand (expectation) and every finding, by id, and whom each counts for."""

    def __init__(self, graph: "ClaimsGraph"):
        self.graph = graph
        self.holders = Holders.read(graph.store)

    @cached_property
    def demands(self) -> list[dict]:
        return self._of("Expectation", "expectation")

    @cached_property
    def findings(self) -> list[dict]:
        return self._of("Finding", "finding")

    def _of(self, rdf_class: str, kind: str) -> list[dict]:
        """The records of every entity of this class whose record type is ``kind`` (its first class), by id."""
        ids = sorted({entity_id(x) for x, in self.graph.store.rows(f"SELECT ?x WHERE {{ ?x a sco:{rdf_class} }}")})
        made = Records(self.graph.store, self.graph.record_cache).of([ENTITY + i for i in ids])
        return [record for record in made if record["type"] == kind]

    def select_demands(self, filters: Filters | None = None, *, by_country: bool = True) -> list[dict]:
        """The demands that pass ``filters`` (``by_country=False`` ignores its country)."""
        selector = Selector(self.graph, filters, by_country=by_country)
        holders = self.holders
        return [
            demand for demand in self.demands
            if selector.keeps(demand["domain"], holders.is_state(demand["holder"]),
                              lambda holder=demand["holder"]: holders.states(holder), demand["date"])
        ]

    def select_findings(self, filters: Filters | None = None) -> list[dict]:
        """The findings that pass ``filters``: about the country (the state, or a group it belongs to);
        a domain or a date leaves them all out (a finding has neither)."""
        selector = Selector(self.graph, filters)
        return [finding for finding in self.findings
                if selector.keeps(None, True, lambda about=finding["about"]: self.holders.states_about(about), None)]


def select_statements(graph: "ClaimsGraph", filters: Filters | None = None, *, by_country: bool = True) -> list[m.Expectation]:
    """The expectations that pass ``filters`` (``by_country=False`` ignores its country), as typed objects."""
    return [graph.by_id[demand["id"]] for demand in Statements(graph).select_demands(filters, by_country=by_country)]


def select_findings(graph: "ClaimsGraph", filters: Filters | None = None) -> list[m.Finding]:
    """The findings that pass ``filters`` (:meth:`Statements.select_findings`), as typed objects."""
    return [graph.by_id[finding["id"]] for finding in Statements(graph).select_findings(filters)]


def statement_span(text: str) -> tuple[date, date]:
    try:
        return date_span(text)
    except UsageError:  # a day the month lacks (2019-02-30): the month stands for it
        return date_span(text[:7])


def interval(dates: Iterable[str | None]) -> tuple[str, str] | None:
    """The GEXF interval of statements: earliest start to latest end; none if any is undated."""
    spans = []
    for text in dates:
        if text is None:
            return None
        spans.append(statement_span(text))
    if not spans:
        return None
    return min(s for s, _ in spans).isoformat(), max(e for _, e in spans).isoformat()

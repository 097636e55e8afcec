"""Which statements a network or the statement table is built from: :class:`Filters`, resolved once.

A statement dated ``2019`` or ``2019-04`` stands for the whole year or month, and is kept when
that span overlaps the range (see :func:`~scograph.inputs.date_span`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..inputs import date_span, parse_domain

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


def holder_states(graph: "ClaimsGraph", holder_id: str) -> list[m.Actor]:
    """The states a demand counts for: its holder, or the member states of a holding group."""
    from .. import model as m

    holder = graph.by_id.get(holder_id)
    if not isinstance(holder, m.Actor):
        return []
    if holder.kind is m.ActorKind.state:
        return [holder]
    members = (graph.by_id.get(i) for i in holder.members)
    return sorted((a for a in members if isinstance(a, m.Actor) and a.kind is m.ActorKind.state), key=lambda a: a.id)


class Selector:
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
            first, last = statement_span(when)
            if last < self.low or first > self.high:
                return False
        return True


def select_statements(graph: "ClaimsGraph", filters: Filters | None = None, *, by_country: bool = True) -> list[m.Expectation]:
    """The expectations that pass ``filters`` (``by_country=False`` ignores its country)."""
    selector = Selector(graph, filters, by_country=by_country)
    return [
        expectation for expectation in graph.claims.expectations
        if selector.keeps(expectation.domain.value, _held_by_a_state(graph, expectation),
                          lambda holder=expectation.holder: [a.id for a in holder_states(graph, holder)],
                          expectation.date)
    ]


def select_findings(graph: "ClaimsGraph", filters: Filters | None = None) -> list[m.Finding]:
    """The findings that pass ``filters``: about the country (the state, or a group it belongs to);
    a domain or a date leaves them all out (a finding has neither)."""
    selector = Selector(graph, filters)
    return [
        finding for finding in graph.claims.findings
        if selector.keeps(None, True, lambda about=tuple(finding.about): states_about(graph, about), None)
    ]


def states_about(graph: "ClaimsGraph", about: Iterable[str]) -> list[str]:
    """The ids of the states a finding is about: those it names, and the members of the groups it names."""
    return sorted({state.id for entity_id in about for state in holder_states(graph, entity_id)})


def _held_by_a_state(graph: "ClaimsGraph", expectation: m.Expectation) -> bool:
    from .. import model as m

    holder = graph.by_id.get(expectation.holder)
    return isinstance(holder, m.Actor) and holder.kind is m.ActorKind.state


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

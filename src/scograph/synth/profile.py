"""The proportions of a reference claims graph (:func:`measure`) that synthetic papers follow."""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .. import model as m
from ..errors import DataFileError
from .turtle import _triples_of


TRIPLES_PER_PAPER = 1_000
"""The size a synthetic paper aims at, on average (papers vary around it)."""

_PAPER_LOCAL = ("sources", "drivers", "expectations", "responses", "initiatives", "documents", "events", "indicators",
                "findings")
"""Entity lists each paper has of its own; actors and themes come from the shared pool."""
_AT_LEAST_ONE = ("sources", "drivers", "expectations", "responses")


@dataclass(frozen=True)
class Distribution:
    """An empirical distribution: values and their cumulative counts, sampled with a given generator."""

    values: tuple
    cumulative: tuple[int, ...]

    @classmethod
    def of(cls, counts: Counter) -> "Distribution | None":
        items = sorted(((v, n) for v, n in counts.items() if n > 0), key=lambda item: (item[0] is None, str(item[0])))
        if not items:
            return None
        return cls(tuple(v for v, _ in items), tuple(itertools.accumulate(n for _, n in items)))

    def sample(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]

    def mean(self) -> float:
        previous, total = 0, 0.0
        for value, cumulative in zip(self.values, self.cumulative):
            total += float(value) * (cumulative - previous)
            previous = cumulative
        return total / self.cumulative[-1]


@dataclass(frozen=True)
class Profile:
    """The proportions of a claims graph, per paper and per entity, that synthetic papers follow."""

    papers: int
    per_paper: dict[str, float]
    """Mean number of entities of each paper-local list (``expectations`` …) per paper."""
    triples_per_paper: float
    """Mean number of triples the paper-local entities of one paper come to."""
    pages: Distribution
    lengths: dict[tuple[str, str], Distribution]
    """(entity list, field) -> how many items a list field holds."""
    present: dict[tuple[str, str], float]
    """(entity list, field) -> share of entities where an optional field is given."""
    values: dict[tuple[str, str], Distribution]
    """(entity list, field) -> the values a field takes (enumerations and pool references)."""
    evidence: dict[str, Distribution]
    """Entity list, or ``drivers-link`` / ``addresses-link`` -> pieces of evidence each has."""
    inferred: dict[str, float]
    """``drivers`` / ``addresses`` -> share of those links that are inferred."""
    quote_length: Distribution
    footnoted: float
    """Share of evidence that rests on a footnote."""
    date_precision: Distribution
    """Lengths of the dates given: 4 (year), 7 (month) or 10 (day)."""
    themes_by_domain: dict[str, Distribution]
    speaker_by_holder: dict[str, Distribution]
    model_by_domain: dict[str, Distribution]
    source_present: dict[tuple[str, str], float]
    """(source kind, field) -> share of sources of that kind that give the field."""


def measure(claims: m.Claims) -> Profile:
    """The proportions of ``claims``; raises DataFileError when it has too little to measure."""
    from ..checks.quotes import iter_evidence

    missing = [name for name in ("papers",) + _AT_LEAST_ONE if not getattr(claims, name)]
    if missing:
        raise DataFileError(f"cannot measure proportions: the reference claims have no {', '.join(missing)}")
    papers = len(claims.papers)
    lengths: dict[tuple[str, str], Counter] = defaultdict(Counter)
    present: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    values: dict[tuple[str, str], Counter] = defaultdict(Counter)
    evidence: dict[str, Counter] = defaultdict(Counter)
    inferred: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    dates: Counter = Counter()
    skip = {"id", "label_zh", "label_en", "evidence"}
    for name in _PAPER_LOCAL + ("papers",):
        for entity in getattr(claims, name):
            evidence[name][len(getattr(entity, "evidence", []))] += 1
            for field_name in type(entity).model_fields:
                if field_name in skip:
                    continue
                value = getattr(entity, field_name)
                if isinstance(value, list):
                    lengths[(name, field_name)][len(value)] += 1
                    for item in value:
                        if isinstance(item, m.Link):
                            evidence[f"{field_name}-link"][len(item.evidence)] += 1
                            inferred[field_name][0] += item.basis is m.Basis.inferred
                            inferred[field_name][1] += 1
                        elif isinstance(item, str):
                            values[(name, field_name)][item] += 1
                else:
                    present[(name, field_name)][0] += value is not None
                    present[(name, field_name)][1] += 1
                    if isinstance(value, (str, Enum)):
                        values[(name, field_name)][getattr(value, "value", value)] += 1
                    if field_name in ("date", "end_date", "period_start", "period_end") and value:
                        dates[len(value)] += 1
    quotes = Counter()
    footnoted = total = 0
    for _, item in iter_evidence(claims):
        quotes[len(item.quote)] += 1
        footnoted += item.note is not None
        total += 1
    themes_by_domain: dict[str, Counter] = defaultdict(Counter)
    speaker_by_holder: dict[str, Counter] = defaultdict(Counter)
    for expectation in claims.expectations:
        themes_by_domain[expectation.domain.value].update(expectation.themes)
        speaker_by_holder[expectation.holder][expectation.speaker] += 1
    model_by_domain: dict[str, Counter] = defaultdict(Counter)
    for response in claims.responses:
        domain = response.domain.value if response.domain else None
        model_by_domain[domain][response.model.value if response.model else None] += 1
    source_present: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for source in claims.sources:
        for field_name in ("publisher", "journal", "year", "issue", "pages", "date", "url", "description_en"):
            source_present[(source.kind, field_name)][0] += getattr(source, field_name) is not None
            source_present[(source.kind, field_name)][1] += 1
    local = m.Claims(papers=claims.papers, **{name: getattr(claims, name) for name in _PAPER_LOCAL})
    return Profile(
        papers=papers,
        per_paper={name: len(getattr(claims, name)) / papers for name in _PAPER_LOCAL},
        triples_per_paper=sum(len(_triples_of(entity)) for entity in local.entities()) / papers,
        pages=Distribution.of(Counter(p.last_page - p.first_page + 1 for p in claims.papers)),
        lengths={key: Distribution.of(counts) for key, counts in lengths.items()},
        present={key: hits / seen for key, (hits, seen) in present.items()},
        values={key: d for key, counts in values.items() if (d := Distribution.of(counts))},
        evidence={key: Distribution.of(counts) for key, counts in evidence.items()},
        inferred={key: hits / seen for key, (hits, seen) in inferred.items()},
        quote_length=Distribution.of(quotes),
        footnoted=footnoted / total if total else 0.0,
        date_precision=Distribution.of(dates) or Distribution.of(Counter({10: 1})),
        themes_by_domain={key: Distribution.of(counts) for key, counts in themes_by_domain.items()},
        speaker_by_holder={key: Distribution.of(counts) for key, counts in speaker_by_holder.items()},
        model_by_domain={key: Distribution.of(counts) for key, counts in model_by_domain.items()},
        source_present={key: hits / seen for key, (hits, seen) in source_present.items()},
    )


def shared_pool(reference: m.Claims) -> m.Claims:
    """The actors and themes every synthetic paper draws on: the reference's, without its evidence.

    Their evidence quotes the reference paper, which a synthetic corpus does not contain.
    """
    return m.Claims(
        actors=[actor.model_copy(update={"evidence": []}) for actor in reference.actors],
        themes=list(reference.themes),
    )


def load_reference(path: Path | None = None) -> m.Claims:
    """The claims a corpus is modelled on: ``path``, or the packaged paper."""
    from ..graph import ClaimsGraph

    return ClaimsGraph.load(path).claims

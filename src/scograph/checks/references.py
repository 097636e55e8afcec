"""Checks across entities: unique ids, references that resolve to the right type, footnotes."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import Problem, suggest
from ..model import ActorKind, Claims, Entity

# field name -> the kinds of entity it may point to ("actor:state" narrows by actor kind)
REFERENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "Actor": {"country": ("actor:state",), "part_of": ("actor",), "members": ("actor:state",)},
    "Theme": {"broader": ("theme",)},
    "Driver": {"broader": ("driver",), "actors": ("actor",), "affects": ("actor",), "indicators": ("indicator",)},
    "Expectation": {
        "holder": ("actor:state", "actor:state-group"),
        "themes": ("theme",),
        "speaker": ("actor",),
        "occasion": ("event",),
        "initiatives": ("initiative",),
        "documents": ("document",),
        "drivers": ("driver",),
    },
    "Response": {"broader": ("response",), "addressee": ("actor",), "initiatives": ("initiative",), "addresses": ("expectation",)},
    "Initiative": {"proposers": ("actor",), "themes": ("theme",)},
    "Document": {"issuers": ("actor",)},
    "Event": {"participants": ("actor",)},
    "Indicator": {"subject": ("actor",)},
    "Finding": {"about": ("actor", "theme", "driver", "expectation", "response", "initiative", "document", "event")},
}
EVIDENCE_REFERENCES: dict[str, tuple[str, ...]] = {"speaker": ("actor",), "occasion": ("event",)}
"""The references a piece of evidence makes (whose words, said where)."""


def kind_of(entity: Entity) -> str:
    name = type(entity).__name__.lower()
    return "source" if name == "paper" else name


def _targets(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [item if isinstance(item, str) else item.target for item in value]


def check_claims(claims: Claims, locate: Callable[[str], str] = str) -> list[Problem]:
    """Everything the per-object model cannot see: ids, references, citations, evidence pages."""
    problems: list[Problem] = []
    by_id: dict[str, Entity] = {}
    for entity in claims.entities():
        if entity.id in by_id:
            problems.append(Problem(locate(entity.id), f"{entity.id}: id defined twice", "unique-id"))
        by_id[entity.id] = entity

    def matches(entity: Entity, allowed: tuple[str, ...]) -> bool:
        for spec in allowed:
            kind, _, actor_kind = spec.partition(":")
            if kind_of(entity) == kind and (not actor_kind or entity.kind == ActorKind(actor_kind)):
                return True
        return False

    def check_reference(owner: str, where: str, field: str, target: str, allowed: tuple[str, ...]) -> None:
        found = by_id.get(target)
        if found is None:
            problems.append(Problem(
                locate(owner), f"{where}: {field}: unknown id {target!r}{suggest(target, by_id)}", "reference"))
        elif not matches(found, allowed):
            problems.append(Problem(
                locate(owner), f"{where}: {field}: {target!r} is a {kind_of(found)}, expected {' or '.join(allowed)}",
                "reference-type"))

    for entity in claims.entities():
        for field, allowed in REFERENCES.get(type(entity).__name__, {}).items():
            for target in _targets(getattr(entity, field)):
                check_reference(entity.id, entity.id, field, target, allowed)

    cited_by: dict[tuple[str, int, int], str] = {}
    for source in claims.sources + claims.papers:
        for citation in source.citations:
            key = (citation.paper, citation.page, citation.note)
            if key in cited_by:
                problems.append(Problem(
                    locate(source.id),
                    f"{source.id}: {key[0]} p. {key[1]} note {key[2]} is already the citation of {cited_by[key]}",
                    "one-source-per-footnote",
                ))
            cited_by[key] = source.id

    papers = {paper.id: paper for paper in claims.papers}
    from .quotes import iter_evidence

    for entity_id, evidence in iter_evidence(claims):
        owner = entity_id.split(" → ")[0]
        for field, allowed in EVIDENCE_REFERENCES.items():
            if getattr(evidence, field) is not None:
                check_reference(owner, f"{entity_id}: evidence p. {evidence.page}", field, getattr(evidence, field), allowed)
        paper = papers.get(evidence.paper)
        if paper is None:
            problems.append(Problem(locate(owner), f"{entity_id}: evidence: unknown paper {evidence.paper!r}", "reference"))
            continue
        if not paper.first_page <= evidence.page <= paper.last_page:
            problems.append(Problem(
                locate(owner),
                f"{entity_id}: evidence: page {evidence.page} is outside {paper.id} (pp. {paper.first_page}–{paper.last_page})",
                "page-range",
            ))
        if evidence.note is not None:
            expected = cited_by.get((evidence.paper, evidence.page, evidence.note))
            if expected is None:
                problems.append(Problem(
                    locate(owner),
                    f"{entity_id}: evidence: no source cites p. {evidence.page} note {evidence.note}",
                    "footnote-source",
                ))
            elif evidence.source not in (None, expected):
                problems.append(Problem(
                    locate(owner),
                    f"{entity_id}: evidence: p. {evidence.page} note {evidence.note} cites {expected}, not {evidence.source}",
                    "footnote-source",
                ))
    return problems

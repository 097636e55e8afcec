"""Statements as DNA (Leifeld's Discourse Network Analyzer) sees them, read from the store by SPARQL.

DNA codes a text into *statements*: (person, organisation, concept, qualifier, date, document).
Here a statement is one demand (an expectation) of a state, on one concept:

- ``speaker``: the person who voiced it (the record's speaker, one of its evidence's
  speakers), or None when the paper names no person (a state "holds" it, or the authors
  report it);
- ``organisation``: the body that voiced it (a ministry, an SCO body) when the speaker is
  one, else the state;
- ``state``: the state that holds it; a demand held by a group (``ca-members``) is one
  statement for each member state, as in every other lookup (``holder`` keeps the group);
- ``concept``: a theme of the demand (``concept_kind="theme"``, one statement per theme),
  or the demand itself (``concept_kind="demand"``);
- ``stance``: the qualifier, ``supports`` / ``opposes`` / ``concerned``;
- ``date``: as precise as the paper gives it (``2019``, ``2019-06``, ``2019-06-14``), or None;
- ``source``: the document the statement is taken from: the cited source of the footnote
  that carries the speaker (or of any footnoted quote), else the paper itself;
- ``page``: the page of that quote.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from ..terms import ENTITY, entity_id

CONCEPT_KINDS = ("theme", "demand")
ACTOR_LEVELS = ("person", "organisation", "state")
STANCES = ("supports", "opposes", "concerned")
_BODY_KINDS = {"GovernmentBody", "SCOBody", "Organisation", "FinancialInstitution", "NonStateGroup"}


@dataclass(frozen=True, slots=True)
class Statement:
    """One DNA statement (see the module docstring); every field an id or plain text."""

    entity: str
    """The id of the demand (expectation) the statement is."""
    speaker: str | None
    organisation: str
    state: str
    concept: str
    concept_kind: str
    stance: str
    date: str | None
    source: str
    page: int | None
    holder: str
    """The state or group of states that holds the demand."""
    domain: str

    def actor(self, level: str) -> str | None:
        """The actor at ``level`` (person, organisation or state); None when the paper names no person."""
        if level == "person":
            return self.speaker
        if level == "organisation":
            return self.organisation
        return self.state

    def as_dict(self) -> dict:
        return asdict(self)


_EXPECTATIONS = """
SELECT ?e ?holder ?stance ?domain ?date ?speaker WHERE {
  ?e a sco:Expectation ; sco:holder ?holder ; sco:stance ?stance ; sco:domain ?domain .
  OPTIONAL { ?e dcterms:date ?date }
  OPTIONAL { ?e sco:speaker ?speaker }
}"""
_THEMES = "SELECT ?e ?theme WHERE { ?e a sco:Expectation ; sco:theme ?theme }"
_EVIDENCE = """
SELECT ?e ?page ?source ?speaker ?paper WHERE {
  ?e a sco:Expectation ; sco:evidence ?ev .
  ?ev sco:page ?page .
  OPTIONAL { ?ev sco:citedSource ?source }
  OPTIONAL { ?ev sco:speaker ?speaker }
  OPTIONAL { ?ev prov:wasQuotedFrom ?paper }
}"""
_ACTORS = """
SELECT ?a ?type ?country ?member WHERE {
  ?a a sco:Actor , ?type . FILTER(?type != sco:Actor)
  OPTIONAL { ?a sco:country ?country }
  OPTIONAL { ?a sco:member ?member }
}"""


def _local(iri: str | None) -> str | None:
    if iri is None:
        return None
    return iri.rsplit("#", 1)[-1] if "#" in iri else entity_id(iri)


def statements(graph, *, concept: str = "theme") -> list[Statement]:
    """Every statement of ``graph`` (a :class:`scograph.graph.ClaimsGraph`), in a stable order
    (demand id, state, concept). ``concept``: ``"theme"`` or ``"demand"``."""
    from ..errors import UsageError

    if concept not in CONCEPT_KINDS:
        raise UsageError(f"unknown concept kind {concept!r}; valid: {', '.join(CONCEPT_KINDS)}")
    store = graph.store
    kinds: dict[str, set[str]] = defaultdict(set)
    country: dict[str, str] = {}
    members: dict[str, set[str]] = defaultdict(set)
    for actor, kind, state, member in store.rows(_ACTORS):
        actor = entity_id(actor)
        kinds[actor].add(_local(kind))
        if state:
            country[actor] = entity_id(state)
        if member:
            members[actor].add(entity_id(member))
    themes: dict[str, list[str]] = defaultdict(list)
    for e, theme in store.rows(_THEMES):
        themes[entity_id(e)].append(entity_id(theme))
    evidence: dict[str, list[tuple]] = defaultdict(list)
    for e, page, source, speaker, paper in store.rows(_EVIDENCE):
        evidence[entity_id(e)].append((int(page), _local(source), _local(speaker), _local(paper)))

    found: list[Statement] = []
    for e, holder, stance, domain, when, speaker in store.rows(_EXPECTATIONS):
        e, holder, speaker = entity_id(e), entity_id(holder), _local(speaker)
        if "State" in kinds[holder]:
            states = [holder]
        else:
            states = sorted(m for m in members[holder] if "State" in kinds[m])
        page, source = _where(evidence[e], speaker)
        person = speaker if speaker and "Person" in kinds[speaker] else None
        body = speaker if speaker and kinds[speaker] & _BODY_KINDS else None
        concepts = sorted(themes[e]) if concept == "theme" else [e]
        for state in states:
            for item in concepts:
                found.append(Statement(
                    entity=e, speaker=person, organisation=body or state, state=state, concept=item,
                    concept_kind=concept, stance=_local(stance).lower(), date=when or None, source=source,
                    page=page, holder=holder, domain=_local(domain)))
    found.sort(key=lambda s: (s.entity, s.state, s.concept))
    return found


def _where(items: list[tuple], speaker: str | None) -> tuple[int | None, str]:
    """The page and source document of a demand: the quote that carries its speaker with a footnote,
    else any footnoted quote, else the first quote (whose source is the paper)."""
    if not items:
        return None, ""
    items = sorted(items, key=lambda i: (i[0], i[1] or ""))
    for wanted in (lambda i: i[1] and speaker and i[2] == speaker, lambda i: i[1]):
        for page, source, _, _ in items:
            if wanted((page, source, _, _)):
                return page, source
    page, _, _, paper = items[0]
    return page, paper or ""


def labels(graph, ids) -> dict[str, tuple[str, str]]:
    """English and Chinese labels of entity ids: ``{id: (en, zh)}`` (the id itself when unlabelled)."""
    ids = sorted({i for i in ids if i})
    if not ids:
        return {}
    values = " ".join(f"<{ENTITY}{i}>" for i in ids if _safe(i))
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for entity, label in graph.store.rows(
            f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }}") if values else []:
        found[entity_id(entity)][getattr(label, "lang", "en")] = str(label)
    return {i: (found[i].get("en", i), found[i].get("zh", found[i].get("en", i))) for i in ids}


def _safe(entity: str) -> bool:
    from ..terms import is_id

    return is_id(entity)

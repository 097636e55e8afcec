"""The typed claim model: what the paper says, as validated pydantic objects.

This module (the entities and :class:`Claims`) and :mod:`scograph.model_values` (text, ids, dates,
enums, evidence, links) know nothing of RDF; ``scograph.rdf.mapping`` turns these objects into
triples and ``scograph.rdf.reading`` back. Every list that has no meaningful order is kept sorted and
without duplicates, so that a round trip through RDF (which has no order)
gives back equal objects.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

# The value types are model names too (``model.Evidence``, ``model.Domain``): one import for the model's users.
from .model_values import (  # noqa: F401
    ANCHOR_LENGTH,
    ActorKind,
    Anchor,
    AnchorText,
    Basis,
    Citation,
    Domain,
    EntityId,
    Evidence,
    EvidenceList,
    FindingKind,
    IdList,
    Level,
    Link,
    LinkList,
    Model,
    PartialDate,
    Stance,
    Strict,
    Text,
    Voice,
    and_list,
    sorted_unique,
)
from .terms import DATE_PATTERN, ID_MAX_LENGTH, ID_PATTERN  # noqa: F401  (the patterns the model checks)


class Entity(Strict):
    """Anything with a stable readable id and labels in Chinese and English."""

    id: EntityId
    label_zh: Text
    label_en: Text
    description_en: Text | None = None
    description_zh: Text | None = None


class Section(Strict):
    """A section of a paper, with its page span."""

    id: EntityId
    label_zh: Text
    label_en: Text
    first_page: int = Field(ge=1)
    last_page: int = Field(ge=1)

    @model_validator(mode="after")
    def _page_order(self) -> "Section":
        if self.last_page < self.first_page:
            raise ValueError("last_page comes before first_page")
        return self


class Source(Entity):
    """A cited work: a footnote source, or a paper modelled in the graph."""

    kind: Literal["news", "official", "speech", "article", "book", "report", "web", "paper"]
    title: Text
    """The title as printed, in its own language."""
    language: Literal["zh", "en", "ru"]
    authors: list[Text] = []
    publisher: Text | None = None
    """Outlet or publisher: a news agency, a ministry's website, a journal's publisher."""
    journal: Text | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    issue: Text | None = None
    pages: Text | None = None
    date: PartialDate | None = None
    url: Text | None = None
    citations: Annotated[list[Citation], AfterValidator(lambda c: sorted(set(c), key=lambda x: (x.paper, x.page, x.note)))] = []
    """The footnotes that cite this source."""


class Paper(Source):
    """A paper whose claims the graph models."""

    kind: Literal["paper"] = "paper"
    doi: Text
    issn: Text | None = None
    affiliation: Text | None = None
    keywords: Annotated[list[Text], AfterValidator(sorted_unique)] = []
    period_start: PartialDate | None = None
    period_end: PartialDate | None = None
    first_page: int = Field(ge=1)
    last_page: int = Field(ge=1)
    sections: Annotated[list[Section], AfterValidator(lambda s: sorted(s, key=lambda x: x.id))] = []

    @model_validator(mode="after")
    def _page_order(self) -> "Paper":
        if self.last_page < self.first_page:
            raise ValueError("last_page comes before first_page")
        return self


class Actor(Entity):
    kind: ActorKind
    alpha2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    alpha3: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    office: Text | None = None
    """A person's office, in English, as the paper implies it at the time it speaks of."""
    office_zh: Text | None = None
    office_date: PartialDate | None = None
    country: EntityId | None = None
    """The state a person or national body belongs to."""
    part_of: EntityId | None = None
    """The organisation a body or mechanism belongs to."""
    members: IdList = []
    """The member states of a state group."""
    evidence: EvidenceList = []

    @model_validator(mode="after")
    def _state_codes(self) -> "Actor":
        is_state = self.kind is ActorKind.state
        if is_state and not (self.alpha2 and self.alpha3):
            raise ValueError("a state needs both ISO 3166 codes, alpha2 and alpha3")
        if not is_state and (self.alpha2 or self.alpha3):
            raise ValueError("only a state carries ISO 3166 codes")
        if self.kind is ActorKind.state_group and not self.members:
            raise ValueError("a state group needs its members")
        return self


class Theme(Entity):
    """A shared topic (a SKOS concept), so that countries' demands can be compared."""

    broader: EntityId | None = None


class Driver(Entity):
    """A factor that, by the paper, shapes what the Central Asian members expect."""

    level: Level | None = None
    """None for a driver the paper lists apart from its three levels."""
    broader: EntityId | None = None
    """The broader driver this one refines."""
    actors: IdList = []
    """The actors whose situation or policy this driver is."""
    affects: IdList = []
    """The states the paper says this driver bears on."""
    indicators: IdList = []
    evidence: EvidenceList = Field(min_length=1)


class Expectation(Entity):
    """A demand or proposal of a Central Asian member towards the SCO."""

    holder: EntityId
    """The state (or explicit group of states) that holds the expectation."""
    domain: Domain
    themes: IdList = Field(min_length=1)
    stance: Stance = Stance.supports
    """Towards what the demand is about, as the paper words it ("do not want China's influence to become dominant": opposes)."""
    speaker: EntityId | None = None
    """Who voiced it; one of the speakers of its evidence."""
    date: PartialDate | None = None
    occasion: EntityId | None = None
    """The event at which it was voiced."""
    initiatives: IdList = []
    documents: IdList = []
    drivers: LinkList = []
    evidence: EvidenceList = Field(min_length=1)

    @model_validator(mode="after")
    def _voiced_as_its_evidence(self) -> "Expectation":
        wanted = {name: getattr(self, name) for name in ("speaker", "date", "occasion") if getattr(self, name)}
        if not wanted:
            return self
        for evidence in self.evidence:
            if evidence.speaker is not None and all(getattr(evidence, k) == v for k, v in wanted.items()):
                return self
        said = ", ".join(f'{k} = "{v}"' for k, v in wanted.items())
        raise ValueError(
            f"the record's {and_list(list(wanted))} ({said}) must be those of one of its evidence items: "
            f"give the quote that carries them voice = \"reported\" (or \"quoted\") and {said}"
            + ("" if "speaker" in wanted else " with its speaker")
        )


class Response(Entity):
    """A recommendation the paper's authors make to the SCO (or to China)."""

    addressee: EntityId
    domain: Domain | None = None
    """None for a recommendation the paper makes in every field (在各领域) or in none of the four."""
    model: Model | None = None
    """The "model" (典范) the recommendation builds; None for a recommendation outside the four."""
    broader: EntityId | None = None
    """The headline recommendation this one spells out (e.g. 第二 … 其次 under 第二)."""
    initiatives: IdList = []
    addresses: LinkList = []
    """The expectations this recommendation answers."""
    evidence: EvidenceList = Field(min_length=1)


class Initiative(Entity):
    """A project or proposal: a railway, a power line, a proposed body, a free trade zone."""

    kind: Literal["railway", "road", "corridor", "energy", "body", "trade", "finance", "programme", "forum", "other"]
    proposers: IdList = []
    date: PartialDate | None = None
    themes: IdList = []
    evidence: EvidenceList = []


class Document(Entity):
    """A treaty, strategy, programme, plan, declaration or statement."""

    kind: Literal["treaty", "strategy", "programme", "plan", "declaration", "statement", "speech", "agreement",
                  "project"]
    """``project``: a research project or grant, such as those that funded the paper."""
    issuers: IdList = []
    date: PartialDate | None = None
    period_start: PartialDate | None = None
    period_end: PartialDate | None = None
    evidence: EvidenceList = []


class Event(Entity):
    """A summit, meeting, visit, exercise or conference."""

    kind: Literal["summit", "meeting", "conference", "exercise", "visit", "election", "other"]
    date: PartialDate | None = None
    end_date: PartialDate | None = None
    place: Text | None = None
    """The place in English (city, country)."""
    place_zh: Text | None = None
    participants: IdList = []
    evidence: EvidenceList = []


class Indicator(Entity):
    """A figure the paper gives: its value, unit, year, and what it measures of whom."""

    value: float
    unit: Text
    year: int = Field(ge=1900, le=2100)
    measures: Text
    """What the figure measures, in English (e.g. "change in foreign direct investment")."""
    subject: EntityId
    evidence: EvidenceList = Field(min_length=1)

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number")
        return value


class Finding(Entity):
    """What the authors themselves argue: an assessment, a comparison between countries, a trend,
    a conclusion, a condition they name, or the reason they give for a recommendation."""

    kind: FindingKind
    about: IdList = Field(min_length=1)
    """What it is about: states, groups, other actors, themes, drivers, expectations, responses, initiatives, documents, events."""
    stance: Stance
    """Towards what it is about, as the paper words it."""
    evidence: EvidenceList = Field(min_length=1)


ENTITY_TYPES: dict[str, type[Entity]] = {
    "paper": Paper,
    "source": Source,
    "actor": Actor,
    "theme": Theme,
    "driver": Driver,
    "expectation": Expectation,
    "response": Response,
    "initiative": Initiative,
    "document": Document,
    "event": Event,
    "indicator": Indicator,
    "finding": Finding,
}
"""Curation table names and RDF type names mapped to their classes (papers before sources)."""


class Claims(BaseModel):
    """All entities of a claims graph, keyed by kind; the unit that is validated and serialised."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    papers: list[Paper] = []
    sources: list[Source] = []
    actors: list[Actor] = []
    themes: list[Theme] = []
    drivers: list[Driver] = []
    expectations: list[Expectation] = []
    responses: list[Response] = []
    initiatives: list[Initiative] = []
    documents: list[Document] = []
    events: list[Event] = []
    indicators: list[Indicator] = []
    findings: list[Finding] = []

    @model_validator(mode="after")
    def _canonical_order(self) -> "Claims":
        for name in type(self).model_fields:
            items = getattr(self, name)
            object.__setattr__(self, name, sorted(items, key=lambda entity: entity.id))
        return self

    def entities(self) -> list[Entity]:
        return [entity for name in type(self).model_fields for entity in getattr(self, name)]

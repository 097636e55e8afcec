"""The typed claim model: what the paper says, as validated pydantic objects.

This module knows nothing of RDF; ``scograph.mapping`` turns these objects into
triples and back. Every list that has no meaningful order is kept sorted and
without duplicates, so that a round trip through RDF (which has no order)
gives back equal objects.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .terms import ID_MAX_LENGTH, ID_PATTERN

# Characters XML 1.0 forbids, plus the other C0/C1 controls: they break GraphML,
# SPARQL results and terminals, and no curated text needs them.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
DATE_PATTERN = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"


def _clean_text(value: str) -> str:
    bad = _FORBIDDEN_CHARS.search(value)
    if bad:
        raise ValueError(f"contains the control character U+{ord(bad.group()):04X}")
    if value != value.strip():
        raise ValueError("has leading or trailing white space")
    if not value:
        raise ValueError("is empty")
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
EntityId = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
PartialDate = Annotated[str, Field(pattern=DATE_PATTERN)]
"""A date as precise as the source gives it: ``2019``, ``2019-04`` or ``2019-04-26``."""


def _sorted_unique(values: list) -> list:
    return sorted(set(values))


IdList = Annotated[list[EntityId], AfterValidator(_sorted_unique)]


class Domain(str, Enum):
    """The four fields in which the paper groups expectations and responses."""

    political = "political"
    security = "security"
    economic = "economic"
    cultural = "cultural"


class Model(str, Enum):
    """Xi Jinping's "four models" (四个典范), the frame of the paper's recommendations."""

    solidarity = "solidarity"  # 团结互信的典范
    shared_security = "shared-security"  # 安危共担的典范
    mutual_benefit = "mutual-benefit"  # 互利共赢的典范
    inclusiveness = "inclusiveness"  # 包容互鉴的典范


class Level(str, Enum):
    """The three levels at which the paper finds the drivers (国家、地区和国际体系三个层面)."""

    domestic = "domestic"
    regional = "regional"
    international = "international"


class Basis(str, Enum):
    """Whether a link is the paper's own statement or the curator's reading of it."""

    stated = "stated"
    inferred = "inferred"


class ActorKind(str, Enum):
    state = "state"
    state_group = "state-group"
    organisation = "organisation"
    financial_institution = "financial-institution"
    sco_body = "sco-body"
    government_body = "government-body"
    person = "person"
    non_state_group = "non-state-group"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Citation(Strict):
    """A footnote of a paper: page and note number (p. 99 note ① is page 99, note 1)."""

    paper: EntityId
    page: int = Field(ge=1)
    note: int = Field(ge=1, le=20)


class Evidence(Strict):
    """A verbatim Chinese span of the paper that supports a claim, with where it stands."""

    quote: Text
    page: int = Field(ge=1)
    note: int | None = Field(default=None, ge=1, le=20)
    """The footnote the claim rests on, numbered on ``page`` as printed (①=1)."""
    source: EntityId | None = None
    """The cited source of that footnote; filled in from the footnote table."""
    paper: EntityId
    """The paper the quote is taken from."""

    @model_validator(mode="after")
    def _source_needs_note(self) -> "Evidence":
        if self.source is not None and self.note is None:
            raise ValueError("a cited source needs the footnote number (note) that cites it")
        return self

    def sort_key(self) -> tuple:
        return (self.paper, self.page, self.note or 0, self.quote, self.source or "")


EvidenceList = Annotated[
    list[Evidence], AfterValidator(lambda items: sorted(set(items), key=Evidence.sort_key))
]


class Link(Strict):
    """A typed link to another entity, with the basis and the evidence for it."""

    target: EntityId
    basis: Basis = Basis.stated
    evidence: EvidenceList = Field(min_length=1)


def _sorted_links(items: list[Link]) -> list[Link]:
    targets = [link.target for link in items]
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise ValueError(f"links to {', '.join(twice)} more than once; give one link with all its evidence")
    return sorted(items, key=lambda link: link.target)


LinkList = Annotated[list[Link], AfterValidator(_sorted_links)]


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
    keywords: Annotated[list[Text], AfterValidator(_sorted_unique)] = []
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

    level: Level
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
    speaker: EntityId | None = None
    date: PartialDate | None = None
    occasion: EntityId | None = None
    """The event at which it was voiced."""
    initiatives: IdList = []
    documents: IdList = []
    drivers: LinkList = []
    evidence: EvidenceList = Field(min_length=1)


class Response(Entity):
    """A recommendation the paper's authors make to the SCO (or to China)."""

    addressee: EntityId
    domain: Domain
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

    kind: Literal["treaty", "strategy", "programme", "plan", "declaration", "statement", "speech", "agreement"]
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

    @model_validator(mode="after")
    def _canonical_order(self) -> "Claims":
        for name in type(self).model_fields:
            items = getattr(self, name)
            object.__setattr__(self, name, sorted(items, key=lambda entity: entity.id))
        return self

    def entities(self) -> list[Entity]:
        return [entity for name in type(self).model_fields for entity in getattr(self, name)]

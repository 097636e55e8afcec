"""The typed claim model: what the paper says, as validated pydantic objects.

This module knows nothing of RDF; ``scograph.rdf.mapping`` turns these objects into
triples and back. Every list that has no meaningful order is kept sorted and
without duplicates, so that a round trip through RDF (which has no order)
gives back equal objects.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .terms import DATE_PATTERN, ID_MAX_LENGTH, ID_PATTERN

# Characters XML 1.0 forbids, plus the other C0/C1 controls: they break GraphML,
# SPARQL results and terminals, and no curated text needs them.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


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


def _and(words: list[str]) -> str:
    """``speaker, date and occasion``."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


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
    """The three levels at which the paper finds the drivers (国家、地区和国际体系三个层面).

    A driver the paper lists apart from the three (enlargement, say) has no level (``None``).
    """

    domestic = "domestic"
    regional = "regional"
    international = "international"


class Basis(str, Enum):
    """Whether a link is the paper's own statement or the curator's reading of it."""

    stated = "stated"
    inferred = "inferred"


class Voice(str, Enum):
    """Whose words a piece of evidence is."""

    authors = "authors"
    """The authors' own narration or analysis."""
    reported = "reported"
    """The authors report what a speaker said or holds ("塔吉克斯坦还认为…"), usually with the footnote that carries it."""
    quoted = "quoted"
    """A speaker's words, quoted directly."""


class Stance(str, Enum):
    """A statement's stance towards what it is about, as the paper words it."""

    supports = "supports"
    opposes = "opposes"
    concerned = "concerned"


class FindingKind(str, Enum):
    """What kind of assessment of the authors a finding is."""

    comparison = "comparison"
    """Between countries (who is more concerned with what, who differs from whom)."""
    trend = "trend"
    assessment = "assessment"
    conclusion = "conclusion"
    rationale = "rationale"
    """The reason the authors give for a recommendation."""


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


ANCHOR_LENGTH = 12
"""At most this many characters of the page's text before and after a quote anchor it (its prefix, suffix).

Twelve Chinese characters are about a clause, and no quote stands twice on its page, so they are
ample for an annotation tool to find it again; 32 (Hypothesis's own) would carry 68% of the paper's
page text into the project, quotes included, against 63% with 12 and 56% for the quotes alone."""


def _anchor_text(value: str) -> str:
    bad = _FORBIDDEN_CHARS.search(value)
    if bad:
        raise ValueError(f"contains the control character U+{ord(bad.group()):04X}")
    return value


AnchorText = Annotated[str, Field(max_length=ANCHOR_LENGTH), AfterValidator(_anchor_text)]


class Anchor(Strict):
    """Where a quote stands in its page's text: the text just before and after it (W3C TextQuoteSelector).

    Taken from the page's normalised text (footnote markers dropped, white space collapsed);
    empty at the start or end of a page. The build fills it in from ``anchors.toml``.
    """

    prefix: AnchorText = ""
    suffix: AnchorText = ""


class Evidence(Strict):
    """A verbatim Chinese span of the paper that supports a claim, with where it stands and whose words it is."""

    quote: Text
    page: int = Field(ge=1)
    note: int | None = Field(default=None, ge=1, le=20)
    """The footnote the claim rests on, numbered on ``page`` as printed (①=1)."""
    source: EntityId | None = None
    """The cited source of that footnote; filled in from the footnote table."""
    paper: EntityId
    """The paper the quote is taken from."""
    voice: Voice = Voice.authors
    """Whose words these are: the authors', or a speaker's (reported or quoted)."""
    speaker: EntityId | None = None
    """The actor (a person, a state, a body) whose words are reported or quoted."""
    date: PartialDate | None = None
    """When the speaker said it."""
    occasion: EntityId | None = None
    """The event at which the speaker said it."""
    anchor: Anchor | None = None
    """The text around the quote on its page; filled in by the build."""

    @model_validator(mode="after")
    def _rules(self) -> "Evidence":
        if self.source is not None and self.note is None:
            raise ValueError("a cited source needs the footnote number (note) that cites it")
        if self.voice is Voice.authors:
            given = [name for name in ("speaker", "date", "occasion") if getattr(self, name) is not None]
            if given:
                raise ValueError(f"the authors' own words have no {' or '.join(given)}: give voice = \"reported\" "
                                 "or \"quoted\" with the speaker, or leave them out")
        elif self.speaker is None:
            raise ValueError(f"{self.voice.value} words need the speaker (an actor id) whose words they are")
        return self

    def key(self) -> tuple:
        """What identifies a piece of evidence of one claim (its IRI is made from it)."""
        return (self.paper, self.page, self.note or 0, self.quote, self.source or "")

    def sort_key(self) -> tuple:
        return self.key()


def _evidence_list(items: list[Evidence]) -> list[Evidence]:
    unique = sorted(set(items), key=Evidence.sort_key)
    keys = [evidence.key() for evidence in unique]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        paper, page, _, quote, _ = twice[0]
        raise ValueError(f"the quote on p. {page} ({quote[:20]}…) is given twice with different voices or anchors; "
                         "give it once")
    return unique


EvidenceList = Annotated[list[Evidence], AfterValidator(_evidence_list)]


class Link(Strict):
    """A typed link to another entity, with its basis: stated (with the sentence that states it) or inferred.

    A stated link needs its evidence; an inferred one needs the curators' ``rationale`` (in English)
    and may cite evidence for the reading.
    """

    target: EntityId
    basis: Basis = Basis.stated
    evidence: EvidenceList = []
    rationale: Text | None = None
    """Why the curators read the link into the paper (inferred links only)."""

    @model_validator(mode="after")
    def _fits_its_basis(self) -> "Link":
        if self.basis is Basis.stated and not self.evidence:
            raise ValueError("a stated link needs its evidence: the sentence of the paper that states it")
        if self.basis is Basis.inferred and self.rationale is None:
            raise ValueError("an inferred link needs a rationale: in a sentence of English, why you read it into the paper")
        if self.basis is Basis.stated and self.rationale is not None:
            raise ValueError("a stated link has no rationale (its evidence states it); make it inferred, or drop the rationale")
        return self


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
            f"the record's {_and(list(wanted))} ({said}) must be those of one of its evidence items: "
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

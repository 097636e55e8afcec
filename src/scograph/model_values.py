"""The value types of the claim model (:mod:`scograph.model`): checked text, ids and partial dates,
the closed vocabularies (enums), and the evidence and qualified links that claims carry.

Every list that has no meaningful order is kept sorted and without duplicates (see the model).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

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


def and_list(words: list[str]) -> str:
    """``speaker, date and occasion``."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def sorted_unique(values: list) -> list:
    return sorted(set(values))


IdList = Annotated[list[EntityId], AfterValidator(sorted_unique)]


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

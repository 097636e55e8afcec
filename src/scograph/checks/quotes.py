"""Checking claims against the paper's text: pages, footnotes and verbatim quotes.

The paper's text (Markdown) keeps the print layout's page feet: every line that
is exactly ``---`` ends a page, and the footnotes printed after it belong to the
page that just ended. The text itself is not part of this project; these
functions take it as an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Problem
from ..model import ANCHOR_LENGTH, Anchor, Claims, Evidence

_SUP = re.compile(r"<sup>.*?</sup>", re.S)
_SPACE = re.compile(r"\s+")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FOOTNOTE_START = re.compile(r"^(?:<sup>)?\s*([" + _CIRCLED + r"])\s*(?:</sup>)?\s*")


def normalise(text: str) -> str:
    """Text as quotes are compared: footnote markers removed, white space runs collapsed."""
    return _SPACE.sub(" ", _SUP.sub("", text)).strip()


@dataclass(frozen=True)
class Page:
    number: int
    body: str
    footnotes: dict[int, str]
    """Footnote number (①=1) to its raw text."""

    def text(self) -> str:
        """The page's body and footnotes, normalised for quote matching."""
        return normalise(self.body + "\n\n" + "\n\n".join(self.footnotes.values()))


def _is_footnote(paragraph: str) -> bool:
    return bool(_FOOTNOTE_START.match(paragraph)) or paragraph.startswith("\\*")


def _split_feet(segment: str) -> tuple[list[str], str]:
    """Split what follows a page foot into (footnote paragraphs of the page that ended, body)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", segment) if p.strip()]
    feet: list[str] = []
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        continues_previous = index == 0 and index + 1 < len(paragraphs) and _is_footnote(paragraphs[index + 1])
        if _is_footnote(paragraph) or continues_previous:
            feet.append(paragraph)
            index += 1
        else:
            break
    return feet, "\n\n".join(paragraphs[index:])


def split_pages(text: str, first_page: int) -> dict[int, Page]:
    """The paper's pages by number, each with its body text and numbered footnotes."""
    segments = re.split(r"(?m)^---[ \t]*$", text)
    bodies = [segments[0]]
    feet_by_page: list[list[str]] = []
    for segment in segments[1:]:
        feet, body = _split_feet(segment)
        feet_by_page.append(feet)
        bodies.append(body)
    pages: dict[int, Page] = {}
    for offset, body in enumerate(bodies):
        feet = feet_by_page[offset] if offset < len(feet_by_page) else []
        notes: dict[int, str] = {}
        last = None
        for paragraph in feet:
            match = _FOOTNOTE_START.match(paragraph)
            if match:
                last = _CIRCLED.index(match.group(1)) + 1
                notes[last] = paragraph[match.end():]
            elif last is not None:
                notes[last] += " " + paragraph
            else:
                # Continuation of the previous page's last footnote, or an unnumbered note (*).
                notes.setdefault(0, paragraph)
        pages[first_page + offset] = Page(first_page + offset, body, notes)
    return pages


class QuoteProblem(Problem):
    """A :class:`~scograph.errors.Problem` of one piece of evidence: ``where`` is the entity (or link) it backs."""

    __slots__ = ("evidence", "reason")

    def __init__(self, entity: str, evidence: Evidence, reason: str):
        super().__init__(entity, f"p. {evidence.page}: {reason}: {evidence.quote[:40]}…", "verbatim-quote")
        self.evidence = evidence
        self.reason = reason

    @property
    def entity(self) -> str:
        return self.where

    def __str__(self) -> str:  # the rule is named where the problem is reported against a file
        return f"{self.where}: {self.message}"


def iter_evidence(claims: Claims):
    """Every (entity id, evidence) pair, including the evidence on links."""
    for entity in claims.entities():
        for evidence in getattr(entity, "evidence", []):
            yield entity.id, evidence
        for field in ("drivers", "addresses"):
            for link in getattr(entity, field, []) or []:
                if hasattr(link, "evidence"):
                    for evidence in link.evidence:
                        yield f"{entity.id} → {link.target}", evidence


def find_anchor(page_text: str, quote: str) -> Anchor | None:
    """The text just before and after ``quote`` in a page's normalised text, or None if it is not there.

    At most :data:`~scograph.model.ANCHOR_LENGTH` characters each side, as far as the page goes;
    the first place the quote stands on the page.
    """
    exact = normalise(quote)
    start = page_text.find(exact)
    if start < 0:
        return None
    end = start + len(exact)
    return Anchor(prefix=page_text[max(0, start - ANCHOR_LENGTH):start], suffix=page_text[end:end + ANCHOR_LENGTH])


def anchor_stands(page_text: str, evidence: Evidence) -> bool:
    """The evidence's prefix, quote and suffix stand together on its page, as the anchor says."""
    anchor = evidence.anchor
    return anchor is not None and anchor.prefix + normalise(evidence.quote) + anchor.suffix in page_text


def check_quotes(claims: Claims, paper_id: str, text: str, first_page: int) -> list[QuoteProblem]:
    """Evidence from ``paper_id`` whose quote is not verbatim on its page, whose note is not there,
    or whose anchor (prefix, quote, suffix) does not stand together on the page."""
    pages = split_pages(text, first_page)
    problems = []
    page_texts = {number: page.text() for number, page in pages.items()}
    for entity_id, evidence in iter_evidence(claims):
        if evidence.paper != paper_id:
            continue
        page = pages.get(evidence.page)
        if page is None:
            problems.append(QuoteProblem(entity_id, evidence, f"no page {evidence.page} in the paper"))
            continue
        if normalise(evidence.quote) not in page_texts[evidence.page]:
            elsewhere = [n for n, t in page_texts.items() if normalise(evidence.quote) in t]
            hint = f"found on p. {elsewhere[0]} instead" if elsewhere else "not found in the paper"
            problems.append(QuoteProblem(entity_id, evidence, f"quote not verbatim on this page ({hint})"))
        elif evidence.anchor is not None and not anchor_stands(page_texts[evidence.page], evidence):
            problems.append(QuoteProblem(entity_id, evidence, "its anchor's prefix and suffix do not stand around the "
                                         "quote on this page (run: scograph build --anchors PAPER)"))
        if evidence.note is not None and evidence.note not in page.footnotes:
            problems.append(QuoteProblem(entity_id, evidence, f"no footnote {evidence.note} on this page"))
    return problems

"""Provenance: every quote verbatim on the page it names, every footnote resolved to its source."""

from __future__ import annotations

from scograph import model as m
from scograph.checks.quotes import (
    anchor_stands,
    check_quotes,
    find_anchor,
    iter_evidence,
    normalise,
    split_pages,
)


def test_normalise_drops_footnote_markers_and_collapses_space():
    assert normalise("讲话。<sup>①</sup>  构建\n 命运") == "讲话。 构建 命运"


def test_pages_follow_the_page_rule(paper_text):
    pages = split_pages(paper_text, 90)
    assert sorted(pages) == list(range(90, 109))
    assert pages[108].footnotes == {}
    assert sum(len([n for n in p.footnotes if n]) for p in pages.values()) == 54
    assert "禁毒中心" in pages[99].body
    assert "InfoRos" in pages[99].footnotes[3]


def test_every_quote_is_verbatim_on_its_page(graph, paper_text):
    paper = graph.claims.papers[0]
    problems = check_quotes(graph.claims, paper.id, paper_text, paper.first_page)
    assert not problems, "\n".join(map(str, problems[:20]))
    assert sum(1 for _ in iter_evidence(graph.claims)) > 300


def test_quote_check_catches_a_wrong_page_and_an_invented_quote(paper_text):
    def claims_with(quote: str, page: int) -> m.Claims:
        evidence = m.Evidence(quote=quote, page=page, paper="p")
        return m.Claims(drivers=[m.Driver(id="drv-x", label_zh="x", label_en="x", level="regional", evidence=[evidence])])

    right = "塔吉克斯坦还认为迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议"
    assert check_quotes(claims_with(right, 99), "p", paper_text, 90) == []
    wrong_page = check_quotes(claims_with(right, 100), "p", paper_text, 90)
    assert len(wrong_page) == 1 and "found on p. 99 instead" in wrong_page[0].reason
    invented = check_quotes(claims_with("塔吉克斯坦要求上合组织建立禁毒联盟", 99), "p", paper_text, 90)
    assert len(invented) == 1 and "not found in the paper" in invented[0].reason


def test_every_footnote_of_the_paper_is_one_cited_source(graph, paper_text):
    pages = split_pages(paper_text, 90)
    in_paper = {(number, note) for number, page in pages.items() for note in page.footnotes if note}
    cited = [(c.page, c.note) for s in graph.claims.sources for c in s.citations]
    assert len(cited) == len(set(cited)), "a footnote is cited by two sources"
    assert set(cited) == in_paper


def test_every_footnoted_claim_names_the_source_of_that_footnote(graph):
    sources = {(c.page, c.note): s.id for s in graph.claims.sources for c in s.citations}
    noted = [(owner, e) for owner, e in iter_evidence(graph.claims) if e.note is not None]
    assert noted
    for owner, evidence in noted:
        assert evidence.source == sources[(evidence.page, evidence.note)], owner


def test_no_entity_lacks_chinese_and_english_labels(graph):
    for entity in graph.claims.entities():
        assert entity.label_zh.strip() and entity.label_en.strip(), entity.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entity.label_zh) or entity.label_zh.isupper(), entity.id


def test_every_quote_is_anchored_by_the_text_around_it_on_its_page(graph, paper_text):
    pages = {n: p.text() for n, p in split_pages(paper_text, 90).items()}
    anchored = [(owner, e) for owner, e in iter_evidence(graph.claims)]
    assert anchored and all(e.anchor is not None for _, e in anchored)
    for owner, evidence in anchored:
        assert evidence.anchor == find_anchor(pages[evidence.page], evidence.quote), owner
        assert anchor_stands(pages[evidence.page], evidence), owner
    # Most quotes have text on both sides; one at the very start of a page has no prefix.
    assert sum(bool(e.anchor.prefix) and bool(e.anchor.suffix) for _, e in anchored) > 0.9 * len(anchored)


def test_the_anchors_file_is_what_the_paper_gives(paper_text):
    from scograph.curation import fill_anchors

    from .conftest import CURATION

    assert fill_anchors(CURATION, paper_text, check=True) is False  # raises OutOfDate when stale


def test_quote_check_catches_an_anchor_that_does_not_stand_around_its_quote(paper_text):
    quote = "塔吉克斯坦还认为迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议"
    right = find_anchor(split_pages(paper_text, 90)[99].text(), quote)

    def claims_with(anchor: m.Anchor) -> m.Claims:
        evidence = m.Evidence(quote=quote, page=99, paper="p", anchor=anchor)
        return m.Claims(drivers=[m.Driver(id="drv-x", label_zh="x", label_en="x", evidence=[evidence])])

    assert check_quotes(claims_with(right), "p", paper_text, 90) == []
    stale = check_quotes(claims_with(right.model_copy(update={"prefix": "另一段文字"})), "p", paper_text, 90)
    assert len(stale) == 1 and "anchor's prefix and suffix do not stand around the quote" in stale[0].reason


def test_every_page_of_every_section_has_evidence_in_the_graph(graph, paper_text):
    """Read section by section: a page of the paper without a single quote in the graph is a gap in the curation."""
    paper = graph.claims.papers[0]
    pages = split_pages(paper_text, paper.first_page)
    assert sorted(pages) == list(range(paper.first_page, paper.last_page + 1))
    quoted = {e.page for _, e in iter_evidence(graph.claims) if e.paper == paper.id}
    sections = sorted(paper.sections, key=lambda s: (s.first_page, s.last_page, s.id))
    assert {n for s in sections for n in range(s.first_page, s.last_page + 1)} == set(pages)  # the sections cover the text
    gaps = [f"{section.id} {section.label_zh}: p. {number}" for section in sections
            for number in range(section.first_page, section.last_page + 1)
            if number not in quoted and pages[number].text()]
    assert not gaps, "pages with no evidence in the graph:\n" + "\n".join(gaps)

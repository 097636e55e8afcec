"""The curated paper: everything the paper holds is there (the floors of a careful reading)."""

from __future__ import annotations

from collections import Counter

import pytest

FLOORS = {"sources": 40, "actors": 40, "drivers": 15, "expectations": 35, "responses": 16, "initiatives": 15,
          "documents": 8, "events": 8, "indicators": 6, "themes": 12, "findings": 60}


@pytest.mark.parametrize("kind,floor", FLOORS.items())
def test_counts_reach_the_floors_of_a_careful_reading(graph, kind, floor):
    assert graph.stats()["counts"][kind] >= floor


@pytest.mark.parametrize("country", ["KZ", "KG", "TJ", "UZ"])
def test_each_central_asian_member_has_its_own_demands(graph, country):
    own = [d for d in graph.demands(country=country) if d["country"] == country]
    assert len(own) >= 6
    assert all(d["evidence"] and all(e["quote"] and e["page"] for e in d["evidence"]) for d in own)


def test_the_paper_is_described_in_full(graph):
    paper = graph.describe("chen-zeng-2019")
    assert paper["doi"] == "10.13851/j.cnki.gjzw.201906005"
    assert (paper["first_page"], paper["last_page"]) == (90, 108)
    assert paper["authors"] == ["陈亚州", "曾向红"]
    assert {"上海合作组织", "命运共同体"} <= set(paper["keywords"])
    assert len(paper["sections"]) >= 10


def test_drivers_sit_at_the_three_levels_the_paper_names_or_apart_from_them(graph):
    levels = Counter(d["level"] for d in graph.drivers())
    # Drivers the paper names only outside section 一 (in §二, or beside the three levels) have none.
    assert set(levels) - {None} == {"domestic", "regional", "international"}
    # The abstract names the enlargement beside the three levels; the "China threat" theory comes up in 二(四).
    assert {"drv-sco-enlargement", "drv-china-threat-theory"} <= {d["id"] for d in graph.drivers() if d["level"] is None}
    level = {d["id"]: d["level"] for d in graph.drivers()}
    assert all(d["level"] == level[d["broader"]] for d in graph.drivers() if d["broader"] and d["level"])
    broad = {d["id"]: d["level"] for d in graph.drivers() if d["broader"] is None}
    assert {"drv-domestic-politics": "domestic", "drv-afghanistan": "regional",
            "drv-external-actors": "international"}.items() <= broad.items()


def test_responses_are_organised_by_the_four_models(graph):
    models = Counter(r["model"] for r in graph.responses())
    assert {"solidarity", "shared-security", "mutual-benefit", "inclusiveness"} <= set(models)
    assert all(models[m] >= 4 for m in ("solidarity", "shared-security", "mutual-benefit", "inclusiveness"))
    assert any(r["addressee"] == "cn" for r in graph.responses())  # what China in particular should do


@pytest.mark.parametrize("expectation,page,fragment", [
    ("exp-tj-anti-drug-centre", 99, "杜尚别设立上合组织禁毒中心"),
    ("exp-kg-economic-crime-agency", 99, "打击经济犯罪的机构"),
    ("exp-kz-sco-free-trade-zone", 102, "上合组织自贸区"),
    ("exp-uz-tourism-culture-capital", 104, "旅游和文化之都"),
])
def test_known_demands_with_their_quote_and_page(graph, expectation, page, fragment):
    [record] = graph.records([expectation])
    assert any(e["page"] == page and fragment in e["quote"] for e in record["evidence"])


def test_shared_demands_share_a_theme(graph):
    railway = {d["country"] for d in graph.demands() if "theme-china-kyrgyzstan-uzbekistan-railway" in d["themes"]}
    assert {"KG", "UZ"} <= railway
    tourism = {d["country"] for d in graph.demands() if "theme-tourism" in d["themes"]}
    assert {"TJ", "UZ"} <= tourism


def test_links_that_are_the_curators_reading_are_marked_inferred(graph):
    counts = graph.stats()["counts"]
    assert 0 < counts["inferred_links"] < counts["links"]


def _links(graph):
    for entity in graph.claims.expectations:
        yield from (("shapedBy", link) for link in entity.drivers)
    for entity in graph.claims.responses:
        yield from (("addresses", link) for link in entity.addresses)


@pytest.mark.slow
def test_every_inferred_link_gives_its_own_reason(graph):
    rationales = Counter()
    for _, link in _links(graph):
        if link.basis.value == "inferred":
            assert link.rationale and not link.rationale.startswith("Migrated"), link.target
            rationales[link.rationale] += 1
    # A reason is written for its link; at most a twin demand (the same call made twice) shares it.
    assert max(rationales.values()) <= 2, rationales.most_common(3)


def test_no_sentence_is_the_boilerplate_evidence_of_many_inferred_links(graph):
    # A sentence may support the reading of two links of a kind it bears on at once (Kazakhstan's
    # 倍增效应 sentence, p. 101, introduces both its CASA-1000 and its high-speed rail demands);
    # reused beyond that, it would be a boilerplate line standing in for evidence that fits each link.
    uses = Counter((relation, e.page, e.quote) for relation, link in _links(graph) if link.basis.value == "inferred"
                   for e in link.evidence)
    assert max(uses.values()) <= 2, uses.most_common(3)

"""DNA statements read from the real graph: one per demand, state and concept, with the paper's
speaker, source and page (exp-tj-anti-drug-centre: Tajikistan's proposal of an SCO anti-drug centre,
p. 99, cited from Inforos, 2019-04-26)."""

from __future__ import annotations

from collections import Counter

import pytest

from scograph import discourse
from scograph.errors import UsageError

CENTRE = "exp-tj-anti-drug-centre"


@pytest.fixture(scope="module")
def statements(graph):
    return discourse.statements(graph)


def test_a_demand_is_one_statement_per_theme_with_its_speaker_source_and_page(statements):
    centre = [s for s in statements if s.entity == CENTRE]
    assert centre, "the anti-drug centre is a statement"
    assert {s.state for s in centre} == {"tj"}
    assert {s.source for s in centre} == {"src-inforos-2019-tajikistan-sco-vision"}
    assert {s.page for s in centre} == {99}
    assert {s.date for s in centre} == {"2019-04-26"}
    assert all(s.stance == "supports" and s.concept_kind == "theme" for s in centre)


def test_a_group_demand_counts_for_each_member_state(statements):
    group = [s for s in statements if s.holder == "ca-members"]
    assert {s.state for s in group} == {"kg", "kz", "tj", "uz"}
    # as many statements for each member: the group's demand is each one's
    counts = Counter(s.state for s in group)
    assert len(set(counts.values())) == 1


def test_the_opposing_demand_is_the_only_opposing_stance(statements):
    opposing = {s.entity for s in statements if s.stance == "opposes"}
    assert opposing == {"exp-ca-no-chinese-dominance"}


def test_a_person_speaks_only_where_the_paper_names_one(statements):
    speakers = {s.speaker for s in statements if s.speaker}
    assert {"nazarbayev", "mirziyoyev", "rahmon", "jeenbekov"} <= speakers
    assert all(s.speaker is None or not s.speaker.startswith(("kz", "tj")) for s in statements)
    assert {s.organisation for s in statements} >= {"kg-government"}


def test_with_demands_as_concepts_each_demand_is_its_own_concept(graph, statements):
    demands = discourse.statements(graph, concept="demand")
    assert all(s.concept == s.entity and s.concept_kind == "demand" for s in demands)
    assert {s.entity for s in demands} == {s.entity for s in statements}


def test_an_unknown_concept_kind_is_a_usage_error(graph):
    with pytest.raises(UsageError, match="valid: theme, demand"):
        discourse.statements(graph, concept="frame")


def test_labels_come_in_both_languages(graph):
    assert discourse.labels(graph, ["kz"]) == {"kz": ("Kazakhstan", "哈萨克斯坦")}

"""The curated recommendations (section 三, pp. 104–108) and the conclusion, as the pages say them."""

from __future__ import annotations

from collections import Counter

from scograph.model import Basis, Voice

HEADLINES = {"rsp-strengthen-political-trust", "rsp-deepen-security-cooperation",
             "rsp-raise-multilateral-economic-cooperation", "rsp-expand-people-to-people-cooperation"}


def entity(graph, entity_id):
    [found] = [e for e in graph.claims.entities() if e.id == entity_id]
    return found


def links_of(graph, response_id):
    return {link.target: link for link in entity(graph, response_id).addresses}


def test_what_china_is_to_do_in_every_field_has_no_single_domain(graph):
    response = entity(graph, "rsp-cn-meet-small-members-needs")
    # p. 107: 对中国而言，尤其需要在各领域尽可能满足中小成员国的利益需求。
    assert response.domain is None and response.addressee == "cn"
    assert any("在各领域" in e.quote and e.page == 107 for e in response.evidence)


def test_the_member_states_not_the_sco_are_asked_to_coordinate_and_to_build_an_identity_discourse(graph):
    # p. 105: 总之，成员国需要…; p. 107: 上合组织成员国应该构建一套…认同话语体系
    for response_id in ("rsp-political-construction-coordination", "rsp-citizens-sco-identification"):
        assert entity(graph, response_id).addressee == "sco-member-states"
    members = entity(graph, "sco-member-states")
    assert members.kind.value == "state-group" and set(members.members) == {"cn", "in", "kg", "kz", "pk", "ru", "tj", "uz"}


def test_the_afghanistan_capacity_link_is_a_reading_and_the_free_trade_zone_link_is_gone(graph):
    afghanistan = links_of(graph, "rsp-afghanistan-response-capacity")["exp-ca-sco-afghanistan-involvement"]
    assert afghanistan.basis is Basis.inferred and afghanistan.rationale
    assert "exp-kz-sco-free-trade-zone" not in links_of(graph, "rsp-major-economic-projects")


def test_the_conclusion_states_the_four_headlines_answer_the_four_domain_demands(graph):
    # p. 108: the members raised new demands in 政治、安全、经济与人文交流; 为此 the four measures.
    answers = {"rsp-strengthen-political-trust": "exp-ca-political-dialogue-trust",
               "rsp-deepen-security-cooperation": "exp-ca-non-traditional-security",
               "rsp-raise-multilateral-economic-cooperation": "exp-ca-multilateral-economic-effectiveness",
               "rsp-expand-people-to-people-cooperation": "exp-ca-people-to-people"}
    for response_id, expectation_id in answers.items():
        link = links_of(graph, response_id)[expectation_id]
        assert link.basis is Basis.stated
        assert {e.page for e in link.evidence} == {108} and any(e.quote.startswith("为此") for e in link.evidence)


def test_no_sentence_stands_as_the_evidence_of_many_readings(graph):
    uses = Counter((e.page, e.quote) for r in graph.claims.responses for link in r.addresses
                   if link.basis is Basis.inferred for e in link.evidence)
    assert uses and max(uses.values()) <= 2, uses.most_common(3)
    for response in graph.claims.responses:
        for link in response.addresses:
            if link.basis is Basis.inferred:
                assert link.rationale and not link.rationale.startswith("Migrated"), (response.id, link.target)


def test_every_recommendation_but_the_summary_has_a_finding_of_the_authors_about_it(graph):
    about = {target for finding in graph.claims.findings for target in finding.about}
    unreasoned = {r.id for r in graph.claims.responses} - about
    # 总之 (p. 105) sums up the political measures; the paper gives no reason of its own for the summary.
    assert unreasoned == {"rsp-political-construction-coordination"}


def test_the_conclusion_maps_the_four_models_onto_four_communities(graph):
    mapping = entity(graph, "fnd-four-models-four-communities")
    assert mapping.kind.value == "conclusion" and HEADLINES <= set(mapping.about)
    assert [e.page for e in mapping.evidence] == [108] and "价值共同体、安全共同体、利益共同体和情感共同体" in mapping.evidence[0].quote
    compound = entity(graph, "fnd-community-compound-form")
    assert "复合共同体形式" in compound.evidence[0].quote and "ini-sco-community-of-shared-future" in compound.about
    diversifying = entity(graph, "fnd-ca-demands-diversifying")
    assert (diversifying.kind.value, diversifying.stance.value) == ("trend", "concerned")


def test_recommendations_are_the_authors_own_words(graph):
    for response in graph.claims.responses:
        assert all(e.voice is Voice.authors and e.speaker is None for e in response.evidence), response.id

"""Analysis of discourse networks: centralities and Louvain communities on the real graph, polarisation
on two camps made by hand (and zero for the paper's consensual members), three-mode chains."""

from __future__ import annotations

import pytest

from scograph.discourse import analysis as a
from scograph.discourse import networks as n
from scograph.discourse import threemode
from scograph.discourse.statements import Statement


def said(actor: str, concept: str, stance: str = "supports", when: str = "2019-01-01") -> Statement:
    return Statement(entity=f"exp-{actor}-{concept}", speaker=None, organisation=actor, state=actor, concept=concept,
                     concept_kind="theme", stance=stance, date=when, source="paper", page=1, holder=actor,
                     domain="economic")


# Two camps: a and b support x and y, c and d support z and w; a and c disagree on x.
CAMPS = [said("a", "x"), said("a", "y"), said("b", "x"), said("b", "y"),
         said("c", "z"), said("c", "w"), said("d", "z"), said("d", "w"), said("c", "x", "opposes")]


def test_two_camps_are_polarised_and_their_conflict_runs_across(graph):
    found = a.polarisation(graph, n.Selection(), statements=CAMPS)
    assert found.groups == 2 and found.actors == 4
    # congruence: a–b 2, c–d 2, nothing across: Q = Σ_groups (w_in/m − (d/2m)²) = 2 × (1/2 − (1/2)²) = 0.5
    assert found.polarisation == pytest.approx(0.5)
    assert found.conflict_across == 1.0


def test_the_papers_members_agree_so_polarisation_is_zero(graph):
    found = a.polarisation(graph)
    assert (found.actors, found.groups, found.polarisation, found.conflict_across) == (4, 1, 0.0, None)


def test_polarisation_series_has_one_row_per_window(graph):
    rows = a.polarisation_series(graph, n.Selection(), "1Y")
    assert [r.start for r in rows] == ["2017-01-01", "2018-01-01", "2019-01-01"]
    assert sum(r.statements for r in rows) == 67


def test_centrality_of_the_persons_network(graph):
    built = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection(actor_level="person"))
    rows = {r["id"]: r for r in a.centrality(built)}
    assert rows["rahmon"]["degree"] == 5  # all but himself
    assert rows["rahmon"]["strength"] == sum(w for s, t, w in built.edges() if "rahmon" in (s, t))
    assert rows["muhammadzoda"]["betweenness"] == 0
    assert max(r["betweenness"] for r in rows.values()) > 0


def test_louvain_splits_concepts_the_members_oppose_from_those_they_support(graph):
    built = n.matrix(graph, n.Spec("concepts", "subtract"), n.Selection())
    groups = a.communities(built)
    assert ["theme-multi-vector-balance"] in groups  # only negative ties: a community of its own
    assert sum(len(g) for g in groups) == len(built.rows)


def test_three_mode_chains_and_their_projection(graph):
    links = threemode.links(graph)
    assert {link.relation for link in links} == {"drives", "answered-by"}
    joined = threemode.driver_response(links)
    via = joined[("drv-eurasian-connectivity-opportunity", "rsp-major-economic-projects")]
    assert "exp-kz-eurasian-high-speed-rail" in via and len(via) == 7
    tajik = threemode.links(graph, n.Selection(country="TJ"))
    assert tajik and all(
        (link.target if link.relation == "drives" else link.source).startswith(("exp-tj-", "exp-ca-")) for link in tajik)
    stated = threemode.links(graph, basis=("stated",))
    assert stated and all(link.basis == "stated" for link in stated) and len(stated) < len(links)

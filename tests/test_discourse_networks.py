"""Discourse networks computed as DNA computes them: a hand-worked example of every qualifier
aggregation and normalisation, then known values of the real graph (a congruence weight counted by
hand, the conflict that the one opposing demand makes, the existing actor-congruence network)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from scograph import discourse
from scograph import exports as x
from scograph.discourse import networks as n
from scograph.errors import UsageError

# Two actors, two concepts: a says x twice in support and y once against; b says x once each way
# and y three times against. n_a = 3, n_b = 5.
ARRAY = {"a": {"x": Counter(supports=2), "y": Counter(opposes=1)},
         "b": {"x": Counter(supports=1, opposes=1), "y": Counter(opposes=3)}}


@pytest.mark.parametrize(("qualifier", "weight"), [
    ("congruence", 2 * 1 + 1 * 3),     # same concept, same stance
    ("conflict", 2 * 1),               # a supports x twice, b opposes it once
    ("ignore", (2 * 2) + (1 * 3)),     # stances summed first
    ("subtract", 5 - 2),
])
def test_one_mode_qualifier_aggregations_by_hand(qualifier, weight):
    assert n.one_mode(ARRAY, ["a", "b"], qualifier)[0][1] == weight


@pytest.mark.parametrize(("normalize", "denominator"), [
    ("average", (3 + 5) / 2),
    # m11 = 2·1 + 1·3 (cells both use), m10 = 0 (a uses no cell b leaves empty), m01 = 1 (b opposes x)
    ("jaccard", 5 + 0 + 1),
    ("cosine", math.sqrt(2 ** 2 + 1 ** 2) * math.sqrt(1 ** 2 + 1 ** 2 + 3 ** 2)),
])
def test_one_mode_normalisations_by_hand(normalize, denominator):
    values = n.one_mode(ARRAY, ["a", "b"], "congruence", normalize)
    assert values[0][1] == pytest.approx(5 / denominator)
    assert values[1][0] == values[0][1] and values[0][0] == 0


@pytest.mark.parametrize(("qualifier", "normalize", "expected"), [
    ("ignore", "none", [[2, 1], [2, 3]]),
    ("subtract", "none", [[2, -1], [0, -3]]),
    ("combine", "none", [[1, 2], [3, 2]]),               # 1 supports only, 2 opposes only, 3 both
    ("ignore", "activity", [[2 / 3, 1 / 3], [2 / 5, 3 / 5]]),
    ("ignore", "prominence", [[2 / 4, 1 / 4], [2 / 4, 3 / 4]]),
    ("subtract", "activity", [[2 / 3, -1 / 3], [0, -3 / 5]]),
])
def test_two_mode_aggregations_and_normalisations_by_hand(qualifier, normalize, expected):
    values = n.two_mode(ARRAY, ["a", "b"], ["x", "y"], qualifier, normalize)
    assert values == [[pytest.approx(v) for v in row] for row in expected]


def test_a_congruence_weight_of_the_real_graph_counted_by_hand(graph):
    statements = discourse.statements(graph)
    kg = Counter((s.concept, s.stance) for s in statements if s.state == "kg")
    kz = Counter((s.concept, s.stance) for s in statements if s.state == "kz")
    by_hand = sum(kg[cell] * kz[cell] for cell in kg)
    built = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection())
    assert built.weight("kg", "kz") == by_hand == 89
    average = n.matrix(graph, n.Spec("actors", "congruence", "average"), n.Selection())
    assert average.weight("kg", "kz") == pytest.approx(89 / ((46 + 47) / 2))


@pytest.mark.parametrize("normalize", ["none", "jaccard", "cosine"])
def test_on_binary_theme_sets_it_is_the_actor_congruence_export(graph, normalize):
    old = {(e.source, e.target): e.attrs["weight"]
           for e in x.build_network(graph, "actor-congruence", None, normalize).edges()}
    new = n.matrix(graph, n.Spec("actors", "ignore", normalize), n.Selection(duplicates="range"))
    assert {(a, b): round(w, 6) for a, b, w in new.edges()} == old


def test_the_opposing_demand_makes_conflict_between_concepts(graph):
    # All four members oppose Chinese dominance (theme-multi-vector-balance, p. 107) and support much
    # else: concepts one actor takes opposite stances on are in conflict.
    conflict = n.matrix(graph, n.Spec("concepts", "conflict"), n.Selection())
    linked = {b if a == "theme-multi-vector-balance" else a for a, b, _ in conflict.edges()}
    assert all("theme-multi-vector-balance" in (a, b) for a, b, _ in conflict.edges())
    assert "theme-china-cooperation" in linked
    assert conflict.weight("theme-china-cooperation", "theme-multi-vector-balance") == 4  # one per member
    assert (len(conflict.edges()), len(conflict.rows)) == (32, 33)  # as the README says
    # no two states differ on a theme, so the actors' conflict network is empty
    assert n.matrix(graph, n.Spec("actors", "conflict"), n.Selection()).edges() == []


def test_two_mode_subtract_counts_the_opposing_statements_negative(graph):
    built = n.matrix(graph, n.Spec("two-mode", "subtract"), n.Selection())
    assert built.weight("kz", "theme-multi-vector-balance") == -1
    combined = n.matrix(graph, n.Spec("two-mode", "combine"), n.Selection())
    assert combined.weight("kz", "theme-multi-vector-balance") == 2


def test_duplicates_per_document_and_across_the_range(graph):
    every = n.matrix(graph, n.Spec("two-mode"), n.Selection())
    per_document = n.matrix(graph, n.Spec("two-mode"), n.Selection(duplicates="document"))
    once = n.matrix(graph, n.Spec("two-mode"), n.Selection(duplicates="range"))
    assert every.statements == 200 > per_document.statements >= once.statements
    assert max(v for row in once.values for v in row) == 1
    # Kazakhstan's statements on transport connectivity from the paper's own text count once per document
    assert per_document.weight("kz", "theme-transport-connectivity") <= every.weight("kz", "theme-transport-connectivity")


def test_exclusions_minimum_statements_and_isolates(graph):
    without = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection(exclude_actors=("kz",)))
    assert "kz" not in without.rows and without.weight("kg", "tj") > 0
    no_opposing = n.matrix(graph, n.Spec("two-mode"), n.Selection(exclude_stances=("opposes",)))
    assert "theme-multi-vector-balance" not in no_opposing.columns
    frequent = n.matrix(graph, n.Spec("two-mode"), n.Selection(min_statements=10))
    assert all(frequent.counts[c] >= 10 for c in frequent.columns)
    tajik = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection(country="TJ"))
    assert tajik.rows == ["tj"]
    kept = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection(country="TJ", isolates=True))
    assert kept.rows == ["kg", "kz", "tj", "uz"] and kept.edges() == []


def test_persons_and_organisations_as_actors(graph):
    persons = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection(actor_level="person"))
    assert "nazarbayev" in persons.rows and "kz" not in persons.rows
    assert persons.weight("mirziyoyev", "rahmon") > 0
    bodies = n.matrix(graph, n.Spec("two-mode"), n.Selection(actor_level="organisation"))
    assert "kg-government" in bodies.rows


@pytest.mark.parametrize(("spec", "message"), [
    (lambda: n.Spec("two-mode", "congruence"), "valid: ignore, subtract, combine"),
    (lambda: n.Spec("actors", "combine"), "valid: ignore, congruence, conflict, subtract"),
    (lambda: n.Spec("actors", "congruence", "activity"), "valid: none, average, jaccard, cosine"),
    (lambda: n.Selection(duplicates="day"), "valid: all, document, week, month, year, range"),
    (lambda: n.Selection(actor_level="party"), "valid: person, organisation, state"),
])
def test_options_that_mean_nothing_are_usage_errors(spec, message):
    with pytest.raises(UsageError, match=message):
        spec()


def _said(actor, concept, when, source="doc-a", stance="supports"):
    from scograph.discourse.statements import Statement

    return Statement(entity=f"exp-{actor}-{concept}-{when}", speaker=None, organisation=actor, state=actor,
                     concept=concept, concept_kind="theme", stance=stance, date=when, source=source, page=1,
                     holder=actor, domain="economic")


@pytest.mark.parametrize(("rule", "kept"), [
    ("all", 5), ("document", 3), ("week", 4), ("month", 3), ("year", 2), ("range", 2),
])
def test_duplicates_per_period_as_dna_counts_them(rule, kept):
    statements = [
        _said("a", "x", "2019-06-03"), _said("a", "x", "2019-06-04", "doc-b"),  # same ISO week, other document
        _said("a", "x", "2019-06-20"),                                           # same month, later week
        _said("a", "x", "2019-07-01", "doc-b"),                                  # next month
        _said("a", "x", "2019-07-01", "doc-b", "opposes"),                       # another stance: never a duplicate
    ]
    assert len(n.drop_duplicates(statements, rule, "state")) == kept


def test_dates_and_domains_select_statements(graph):
    since = n.matrix(graph, n.Spec("two-mode"), n.Selection(since="2019"))
    every = discourse.statements(graph)
    assert since.statements == sum(1 for s in every if s.date and s.date >= "2019")
    security = n.matrix(graph, n.Spec("two-mode"), n.Selection(domain="security"))
    assert security.statements == sum(1 for s in every if s.domain == "security")
    own = n.matrix(graph, n.Spec("two-mode"), n.Selection(group_demands=False))
    assert own.statements == sum(1 for s in every if s.holder == s.state)

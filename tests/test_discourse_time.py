"""Series of discourse networks: calendar periods whose statement counts add up, a moving window,
and one dynamic GEXF 1.3 that networkx reads back with each window's spells and weights."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date
from itertools import pairwise

import networkx as nx
import pytest

from scograph import discourse
from scograph.discourse import networks as n
from scograph.discourse import time as t
from scograph.errors import UsageError

GEXF = "{http://gexf.net/1.3}"


@pytest.fixture(scope="module")
def years(graph):
    return t.series(graph, n.Spec("actors", "congruence"), n.Selection(), "1Y")


def test_calendar_years_hold_every_dated_statement_once(graph, years):
    dated = [s for s in discourse.statements(graph) if s.date]
    assert [w.label for w in years] == ["2017-01-01..2017-12-31", "2018-01-01..2018-12-31", "2019-01-01..2019-12-31"]
    assert sum(w.statements for w in years) == len(dated) == 67
    assert [w.statements for w in years] == [sum(s.date.startswith(y) for s in dated) for y in ("2017", "2018", "2019")]


def test_a_moving_window_overlaps_and_counts_each_statement_per_window(graph):
    windows = t.series(graph, n.Spec("actors", "congruence"), n.Selection(), "12M", "3M")
    assert windows[0].start == date(2017, 6, 1) and windows[0].end == date(2018, 6, 1)
    assert all(b.start == t.Span.parse("3M").after(a.start) for a, b in pairwise(windows) if b.index == a.index + 1)
    dated = [s for s in discourse.statements(graph) if s.date]
    for w in windows:
        inside = sum(w.start <= n._first_day(s.date) < w.end for s in dated)
        assert w.statements == inside
    # each window is shown over its last quarter, so the timeline never shows two at once
    assert all(a.end <= b.shown_from for a, b in pairwise(windows))


def test_one_dynamic_gexf_reads_back_with_spells_and_weights(graph, years):
    out = io.StringIO()
    t.write_dynamic_gexf(graph, years, out)
    text = out.getvalue()
    root = ET.fromstring(text)
    element = root.find(f"{GEXF}graph")
    assert root.get("version") == "1.3"
    assert (element.get("mode"), element.get("timeformat")) == ("dynamic", "date")
    assert element.find(f"{GEXF}attributes[@class='edge'][@mode='dynamic']") is not None

    read = nx.read_gexf(io.StringIO(text))
    assert read.graph["mode"] == "dynamic"
    expected = {}
    for w in years:
        for a, b, weight in w.matrix.edges():
            expected.setdefault(frozenset((a, b)), []).append(
                (weight, w.start.isoformat(), date(w.end.year - 1, 12, 31).isoformat()))
    assert {frozenset(e): d["weight"] for *e, d in read.edges(data=True)} == expected
    for *_, data in read.edges(data=True):
        assert data["spells"] == [(s, e) for _, s, e in data["weight"]]
    kz = read.nodes["kz"]
    assert kz["spells"] == [(f"{y}-01-01", f"{y}-12-31") for y in (2017, 2018, 2019)]
    assert [v for v, *_ in kz["statements"]] == [w.matrix.counts["kz"] for w in years]


@pytest.mark.parametrize("text", ["12", "M", "0M", "12Q", "1000Y"])
def test_a_span_that_is_not_count_and_unit_is_a_usage_error(text):
    with pytest.raises(UsageError, match="D, W, M or Y"):
        t.Span.parse(text)


def test_month_arithmetic_keeps_the_end_of_the_month():
    assert t.Span.parse("3M").after(date(2019, 11, 1)) == date(2020, 2, 1)
    assert t.Span.parse("1Y").floor(date(2019, 6, 14)) == date(2019, 1, 1)

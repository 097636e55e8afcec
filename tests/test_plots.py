"""The pictures (scograph.plots): the numbers they stand on, checked against the graph, and each picture
rendered: its PNG's size, its labels in the SVG's text, its HTML self-contained."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from scograph import plots
from scograph.errors import NotInstalled, UsageError
from scograph.exports import Filters, holder_states, select_statements
from scograph.plots import data

from .conftest import requires

SVG = "{http://www.w3.org/2000/svg}"


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    return struct.unpack(">II", body[16:24])


def svg_text(body: bytes) -> str:
    """Every piece of text the SVG draws, one per line."""
    root = ET.fromstring(body)
    return "\n".join("".join(t.itertext()) for t in root.iter(SVG + "text"))


# --------------------------------------------------------------------- the numbers


def test_a_sankeys_chains_are_the_graphs(graph):
    flows = data.chain_flows(graph, country="TJ")
    chains = graph.chains(country="TJ")
    assert flows.chains == len(chains) > 0
    for index in range(3):  # each chain passes once through each column
        assert sum(node.value for node in flows.column(index)) == len(chains)
    demand = "exp-tj-anti-drug-centre"
    mine = [c for c in chains if c["expectation"] == demand]
    assert flows.nodes[demand].value == len(mine)
    inflow = sum(link.value for link in flows.links if link.target == demand)
    outflow = sum(link.value for link in flows.links if link.source == demand)
    assert inflow == outflow == len(mine)
    assert {link.basis for link in flows.links} <= {"stated", "inferred"}


def test_a_themes_sankey_keeps_the_demands_on_it(graph):
    flows = data.chain_flows(graph, theme="The Afghanistan question")
    demands = {n.id for n in flows.column(1)}
    assert demands and all("theme-afghanistan" in graph.by_id[d].themes for d in demands)
    on_theme = {e.id for e in graph.claims.expectations if "theme-afghanistan" in e.themes}
    chained = {c["expectation"] for c in graph.chains()}
    assert demands == on_theme & chained
    broader = data.chain_flows(graph, theme="theme-regional-security")  # theme-afghanistan refines it
    assert demands <= {n.id for n in broader.column(1)}
    assert data.narrower_themes(graph, "theme-regional-security") >= {"theme-regional-security", "theme-afghanistan"}
    with pytest.raises(UsageError, match="unknown theme 'theme-afganistan'.*did you mean 'theme-afghanistan'"):
        data.chain_flows(graph, theme="theme-afganistan")


def test_the_heatmap_counts_each_states_demands_by_theme_and_stance(graph):
    heat = data.actor_theme_heatmap(graph)
    assert [code for code, _ in heat.rows] == ["KG", "KZ", "TJ", "UZ"]
    tajik = [e for e in select_statements(graph, Filters(country="TJ"))]
    on_theme = [e for e in tajik if "theme-afghanistan" in e.themes]
    assert heat.count("TJ", "theme-afghanistan") == len(on_theme) == 7
    # The one demand worded against something: every member holds it (ca-members), so each has an opposes cell.
    opposed = [e for e in graph.claims.expectations if e.stance.value == "opposes"]
    assert opposed
    for expectation in opposed:
        for state in holder_states(graph, expectation.holder):
            for theme in expectation.themes:
                assert heat.cells[state.alpha2, theme]["opposes"] >= 1
    assert heat.stance("KG", "theme-multi-vector-balance") == "opposes"
    assert heat.stance("TJ", "theme-afghanistan") == "supports"
    totals = [sum(heat.count(code, t) for code, _ in heat.rows) for t, _ in heat.columns]
    assert totals == sorted(totals, reverse=True)  # most demanded theme first


def test_the_network_is_dnas_congruence_network(graph):
    from scograph.discourse.networks import Selection, Spec, matrix

    drawn = data.network_drawing(graph, lang="zh")
    assert drawn.labels == {"kg": "吉尔吉斯斯坦", "kz": "哈萨克斯坦", "tj": "塔吉克斯坦", "uz": "乌兹别克斯坦"}
    weights = {(s, t): w for s, t, w, _ in drawn.edges}
    congruence = matrix(graph, Spec("actors", "congruence", "none"), Selection())
    assert weights == {(a, b): w for a, b, w in congruence.edges()} and len(weights) == 6
    assert weights["kg", "tj"] == congruence.weight("kg", "tj") > 0
    assert drawn.sizes["tj"] == congruence.counts["tj"] == 52  # tj's theme statements
    jaccard = data.network_drawing(graph, normalize="jaccard")
    assert {(s, t): w for s, t, w, _ in jaccard.edges}["kg", "tj"] == pytest.approx(
        matrix(graph, Spec("actors", "congruence", "jaccard"), Selection()).weight("kg", "tj"), abs=1e-6)


def test_the_conflict_network_has_no_edge_where_every_state_takes_one_stance(graph):
    conflict = data.network_drawing(graph, network="actor-conflict")
    assert set(conflict.labels) == {"kg", "kz", "tj", "uz"} and conflict.edges == []
    assert conflict.title == "Conflict: opposite stances on the same themes"
    cooccurrence = data.network_drawing(graph, network="theme-cooccurrence")
    assert len(cooccurrence.labels) > 20 and all(r == "co-occurrence" for *_, r in cooccurrence.edges)


def test_the_timelines_periods_add_up_to_the_dated_demands(graph):
    series = data.statement_series(graph, period="quarter")
    for code, _ in series.states:
        mine = [e for e in select_statements(graph, Filters(country=code))]
        dated = [e for e in mine if e.date]
        assert series.total(code) + series.coarse[code] == len(dated)
        assert series.undated[code] == len(mine) - len(dated)
    tajik = Counter(e.domain.value for e in select_statements(graph, Filters(country="TJ"))
                    if e.date and e.date.startswith("2019-0") and e.date[5:7] in ("04", "05", "06"))
    assert {d: series.counts.get(("TJ", "2019-Q2", d), 0) for d in tajik} == dict(tajik)
    assert series.periods[0] == "2017-Q2" and series.periods[-1] == "2019-Q2" and len(series.periods) == 9
    yearly = data.statement_series(graph, period="year")
    assert sum(yearly.counts.values()) == sum(series.counts.values()) + sum(series.coarse.values())


def test_partial_dates_fall_in_their_period():
    assert data.period_of("2019-04-26", "quarter") == "2019-Q2"
    assert data.period_of("2019-04", "month") == "2019-04"
    assert data.period_of("2019", "quarter") is None
    assert data._periods_between("2018-11", "2019-02", "month") == ["2018-11", "2018-12", "2019-01", "2019-02"]


def test_options_a_picture_does_not_take_are_refused(graph):
    with pytest.raises(UsageError, match="--theme does not apply to the heatmap picture; it is for: sankey"):
        plots.drawing(graph, "heatmap", theme="theme-afghanistan")
    with pytest.raises(UsageError, match="needs --country or --theme"):
        plots.drawing(graph, "sankey")
    with pytest.raises(UsageError, match="unknown language 'fr'"):
        plots.drawing(graph, "timeline", lang="fr")
    with pytest.raises(UsageError, match="unknown period 'week'"):
        plots.drawing(graph, "timeline", period="week")


# --------------------------------------------------------------------- the pictures, rendered

CASES = {
    "sankey": ({"country": "TJ"}, ["Driver → demand → response · Tajikistan", "Drivers", "Demands", "Responses",
                                    "Cross-border drug trafficking", "Deepen the SCO's security cooperation"]),
    "heatmap": ({}, ["Kyrgyzstan", "Uzbekistan", "The Afghanistan question", "Multi-vector balancing", "opposes"]),
    "network": ({}, ["Kazakhstan", "Tajikistan", "100", "139"]),
    "timeline": ({"country": "UZ"}, ["Uzbekistan (8)", "2019-Q2", "security", "cultural"]),
}


@pytest.fixture(scope="module")
def matplotlib():
    return requires("matplotlib", "pip install 'scograph[plot]'")


@pytest.mark.parametrize("picture", list(CASES))
def test_each_picture_renders_with_its_labels_as_text(graph, matplotlib, picture):
    options, labels = CASES[picture]
    png = plots.render(graph, picture, "png", **options)
    svg = plots.render(graph, picture, "svg", **options)
    assert png_size(png.body) == (png.width, png.height) == (svg.width, svg.height)
    root = ET.fromstring(svg.body)
    assert root.get("width") == f"{svg.width * 72 / 100:g}pt"  # matplotlib's SVG is in points
    text = svg_text(svg.body)
    for label in labels:
        assert label in text.splitlines() or label in text, label
    assert "<title>" in svg.body.decode()  # the shapes' tooltips


def test_picture_sizes(graph, matplotlib):
    flows = data.chain_flows(graph, country="TJ")
    most = max(len(flows.column(i)) for i in range(3))
    rendered = plots.render(graph, "sankey", "png", country="TJ")
    assert png_size(rendered.body) == (1400, 120 + 12 * (most - 1) + 3 * flows.chains)
    assert png_size(plots.render(graph, "network", "png").body) == (900, 800)
    assert png_size(plots.render(graph, "timeline", "png").body) == (1100, 720)  # 2 × 2 panels
    themes = len(data.actor_theme_heatmap(graph).columns)
    assert png_size(plots.render(graph, "heatmap", "png").body) == (980, 150 + 26 * themes)


def test_chinese_labels_are_drawn_in_a_cjk_font(graph, matplotlib):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from scograph.plots.fonts import cjk_family

    family = cjk_family()
    path = font_manager.findfont(family, fallback_to_default=False)
    assert ord("塔") in FT2Font(path).get_charmap()
    svg = plots.render(graph, "network", "svg", lang="zh")
    text = svg_text(svg.body)
    assert "塔吉克斯坦" in text and "一致性网络：对同一议题立场相同" in text
    assert f"font-family: '{family}'" in svg.body.decode()
    sankey = plots.render(graph, "sankey", "svg", theme="theme-afghanistan", lang="zh")
    assert "动因" in svg_text(sankey.body) and "阿富汗问题" in svg_text(sankey.body)


def test_no_cjk_font_names_the_package_to_install(graph, matplotlib, tmp_path, monkeypatch):
    from scograph.plots import fonts

    empty = tmp_path / "fonts"
    empty.mkdir()
    with pytest.raises(NotInstalled, match="fonts-noto-cjk"):
        fonts.cjk_family([str(empty)])
    monkeypatch.setenv(fonts.FONT_PATH_VARIABLE, str(empty))
    with pytest.raises(NotInstalled, match=r"Noto Sans CJK \(Debian/Ubuntu: apt-get install fonts-noto-cjk\)"):
        plots.render(graph, "network", "png", lang="zh")
    assert plots.render(graph, "network", "png", lang="en").width == 900  # English needs no CJK font


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.mark.parametrize("picture", list(CASES))
def test_html_is_self_contained(graph, matplotlib, picture):
    options, labels = CASES[picture]
    page = plots.render(graph, picture, "html", **options).body.decode("utf-8")
    assert page.startswith("<!doctype html>") and "<svg" in page and "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert not EXTERNAL.search(page)
    assert "<script" not in page.lower() and "@import" not in page and "url(http" not in page
    assert re.search(r"<link[^>]+href", page) is None
    assert labels[0] in page
    assert page.count("<tr>") > 1  # the numbers behind the picture


def test_write_picks_the_format_from_the_suffix(graph, matplotlib, tmp_path):
    rendered = plots.write(graph, "network", tmp_path / "n.svg")
    assert rendered.format.value == "svg" and (tmp_path / "n.svg").read_bytes() == rendered.body
    with pytest.raises(UsageError, match="cannot tell the format"):
        plots.write(graph, "network", tmp_path / "n.jpg")
    plots.write(graph, "network", tmp_path / "n.jpg", "png")
    assert png_size((tmp_path / "n.jpg").read_bytes()) == (900, 800)

"""The pictures on the server's pages of states and themes: served at /pictures/, with the server's
security headers, only for the graph's own states and themes, and absent without the plot extra."""

from __future__ import annotations

import re

import pytest

from scograph.server import ServerSettings
from scograph.server.site import Site

from .conftest import requires
from .test_plots import png_size, svg_text
from .test_server import fetch, running_server

pytestmark = pytest.mark.server

requires("matplotlib", "pip install 'scograph[plot]'")


@pytest.fixture(scope="module")
def base(private_cache):
    with running_server() as (_, url):
        yield url


def page(base: str, entity: str) -> str:
    status, _, body = fetch(base + "id/" + entity, headers={"Accept": "text/html"})
    assert status == 200
    return body.decode("utf-8")


def test_a_states_page_shows_its_pictures(base):
    html = page(base, "tj")
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert sources == ["/pictures/sankey.svg?country=tj", "/pictures/timeline.svg?country=tj",
                       "/pictures/heatmap.svg?country=tj"]
    status, headers, body = fetch(base + sources[0].lstrip("/"))
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"
    text = svg_text(body)
    assert "Driver → demand → response · Tajikistan" in text and "Cross-border drug trafficking" in text
    status, headers, body = fetch(base + "pictures/timeline.png?country=tj")
    assert status == 200 and headers["Content-Type"] == "image/png" and png_size(body) == (900, 420)


def test_a_themes_page_shows_its_chains(base):
    html = page(base, "theme-afghanistan")
    assert '<img src="/pictures/sankey.svg?theme=theme-afghanistan"' in html
    status, _, body = fetch(base + "pictures/sankey.svg?theme=theme-afghanistan&lang=zh")
    assert status == 200 and "阿富汗问题" in svg_text(body)


@pytest.mark.parametrize("path", [
    "pictures/sankey.svg?country=fr", "pictures/sankey.svg?country=exp-tj-anti-drug-centre",
    "pictures/pie.svg?country=tj", "pictures/sankey.gif?country=tj", "pictures/sankey.svg",
    "pictures/sankey.svg?country=tj&lang=fr", "pictures/sankey.svg?country=tj&country=kz",
    "pictures/timeline.svg?theme=theme-afghanistan", "pictures/sankey.svg?country=tj&domain=security",
])
def test_only_the_pages_own_pictures_are_drawn(base, path):
    status, headers, body = fetch(base + path)
    assert status == 404 and "the pages of states and themes show theirs" in body.decode()


def test_other_pages_show_no_pictures(base):
    assert "/pictures/" not in page(base, "exp-tj-anti-drug-centre")
    assert "/pictures/" not in page(base, "ca-members")  # a group, not a state


def test_without_the_plot_extra_the_pages_stay_as_they_were(graph, monkeypatch):
    site = Site(graph, ServerSettings())
    with_pictures = site.entity_html("tj").decode()
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)  # as when it is not installed
    site = Site(graph, ServerSettings())
    without = site.entity_html("tj").decode()
    assert "/pictures/" in with_pictures and "/pictures/" not in without and "<h2>Pictures</h2>" not in without
    start = with_pictures.index("<h2>Pictures</h2>")
    end = with_pictures.index("<h2>", start + 1)
    lines = re.compile(r"\n+")  # the section's template lines leave blank lines
    assert lines.sub("\n", without) == lines.sub("\n", with_pictures[:start] + with_pictures[end:])
    assert site.picture("sankey.svg", [("country", "tj")]) is None

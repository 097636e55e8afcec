"""Pictures of the claims graph (``scograph plot``, the ``plot`` extra: ``pip install 'scograph[plot]'``).

Four pictures, each as PNG, SVG or a self-contained HTML page (the SVG inline, with a tooltip on
each shape, and the numbers behind it as a table; no script, nothing fetched from elsewhere):

- ``sankey``: driver → demand → response chains of a country's demands or of a theme's;
- ``heatmap``: states × themes, each cell the number of demands, coloured by their stance;
- ``network``: the congruence network of states (or the themes' co-occurrence), labels in English or Chinese;
- ``timeline``: demands per period, state and domain.

The numbers come from :mod:`scograph.plots.data` (no matplotlib), the drawing from
:mod:`scograph.plots.draw`. Importing this package imports neither matplotlib nor numpy.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotInstalled, UsageError
from ..inputs import parse_choice

if TYPE_CHECKING:
    from ..graph import ClaimsGraph

INSTALL_HINT = "pip install 'scograph[plot]'"


class Picture(str, Enum):
    sankey = "sankey"
    heatmap = "heatmap"
    network = "network"
    timeline = "timeline"


class PictureFormat(str, Enum):
    png = "png"
    svg = "svg"
    html = "html"


OPTIONS = {
    Picture.sankey: {"country", "theme", "domain"},
    Picture.heatmap: {"country", "domain", "group_demands"},
    Picture.network: {"country", "domain", "network", "normalize"},
    Picture.timeline: {"country", "domain", "period", "group_demands"},
}
"""Which options each picture takes (``lang`` all of them)."""
FLAGS = {"group_demands": "--no-group-demands", "normalize": "--normalize"}


def available() -> bool:
    """Whether the ``plot`` extra is installed, without importing it."""
    import importlib.util

    try:
        return importlib.util.find_spec("matplotlib") is not None
    except (ImportError, ValueError):
        return False


def require() -> None:
    """matplotlib imported, or :class:`NotInstalled` saying how to install it."""
    try:
        import matplotlib  # noqa: F401
        import matplotlib.figure  # noqa: F401
    except ImportError:
        raise NotInstalled(f"scograph plot needs matplotlib, which is not installed; install it with: {INSTALL_HINT}") from None


@dataclass
class Rendered:
    """A picture's bytes, its size in pixels and the text drawn in it."""

    picture: Picture
    format: PictureFormat
    body: bytes
    width: int
    height: int
    title: str
    labels: list[str]

    def summary(self, output: Path | str) -> str:
        return f"wrote {output} ({self.picture.value}, {self.format.value}: {self.width}×{self.height} px)"


def format_for(output: Path | str, fmt: PictureFormat | str | None) -> PictureFormat:
    """The format asked for, or the one ``output``'s suffix names."""
    if fmt is not None:
        return parse_choice(PictureFormat, fmt, "picture format", exact=True)
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    if suffix not in {f.value for f in PictureFormat}:
        raise UsageError(f"cannot tell the format from {str(output)!r}; name a file ending in .png, .svg or .html, "
                         "or give --format png|svg|html")
    return PictureFormat(suffix)


def _check_options(picture: Picture, options: dict[str, Any]) -> None:
    defaults = {"group_demands": True, "network": "actor-congruence", "period": "quarter"}
    for name, value in options.items():
        if name not in OPTIONS[picture] and value is not None and value != defaults.get(name):
            flag = FLAGS.get(name, "--" + name.replace("_", "-"))
            takers = [p.value for p, names in OPTIONS.items() if name in names]
            raise UsageError(f"{flag} does not apply to the {picture.value} picture; it is for: {', '.join(takers)}")


def drawing(graph: "ClaimsGraph", picture: Picture | str, *, lang: str = "en", **options):
    """The data and the :class:`~scograph.plots.draw.Drawing` of one picture."""
    from . import data

    picture = parse_choice(Picture, picture, "picture", exact=True)
    data.check_lang(lang)
    _check_options(picture, options)
    given = {k: v for k, v in options.items() if k in OPTIONS[picture] and v is not None}
    if picture is Picture.sankey and not (given.get("country") or given.get("theme")):
        raise UsageError("the sankey picture needs --country or --theme (all the chains at once are too many to read)")
    if given.get("period") is not None and given["period"] not in data.PERIODS:  # usage first, whatever is installed
        raise UsageError(f"unknown period {given['period']!r}; valid: {', '.join(data.PERIODS)}")
    require()
    family = None
    if lang == "zh":
        from .fonts import cjk_family

        family = cjk_family()
    read = {Picture.sankey: data.chain_flows, Picture.heatmap: data.actor_theme_heatmap,
            Picture.network: data.network_drawing, Picture.timeline: data.statement_series}[picture]
    numbers = read(graph, lang=lang, **given)
    import matplotlib

    from . import draw

    with matplotlib.rc_context(_style(family)):
        made = getattr(draw, picture.value)(numbers, lang)
    return numbers, made, family


def _style(family: str | None) -> dict:
    style = {"svg.fonttype": "none", "svg.hashsalt": "scograph", "font.size": 10, "axes.titleweight": "bold"}
    if family is not None:
        style["font.family"] = [family, "DejaVu Sans"]
    else:
        style["font.family"] = ["DejaVu Sans"]
    return style


def render(graph: "ClaimsGraph", picture: Picture | str, fmt: PictureFormat | str = PictureFormat.svg, *,
           lang: str = "en", **options) -> Rendered:
    """One picture as PNG, SVG or HTML bytes.

    ``options``: ``country``, ``theme`` (sankey), ``domain``, ``network`` and ``normalize``
    (network), ``period`` (timeline: year, quarter or month), ``group_demands`` (heatmap, timeline).
    """
    fmt = parse_choice(PictureFormat, fmt, "picture format", exact=True)
    numbers, made, family = drawing(graph, picture, lang=lang, **options)
    import matplotlib

    with matplotlib.rc_context(_style(family)):
        if fmt is PictureFormat.png:
            body = _png(made.figure)
        else:
            svg = _svg(made)
            body = svg.encode("utf-8") if fmt is PictureFormat.svg else _html(numbers, svg, lang).encode("utf-8")
    width, height = made.size
    return Rendered(parse_choice(Picture, picture, "picture", exact=True), fmt, body, width, height, numbers.title, made.labels)


def write(graph: "ClaimsGraph", picture: Picture | str, output: Path | str, fmt: PictureFormat | str | None = None,
          **options) -> Rendered:
    """:func:`render` into ``output`` (atomically); the format from its suffix unless ``fmt`` is given."""
    from ..fileio import atomic_writer

    rendered = render(graph, picture, format_for(output, fmt), **options)
    with atomic_writer(Path(output)) as out:
        out.write(rendered.body)
    return rendered


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, metadata={"Software": None})
    return buffer.getvalue()


_GROUP = re.compile(r'<g id="(tip-\d+)">')


def _svg(made) -> str:
    """The figure as SVG text, text kept as text, with each shape's tooltip as its ``<title>``."""
    from xml.sax.saxutils import escape

    buffer = io.StringIO()
    made.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "scograph"})
    return _GROUP.sub(lambda m: f'{m.group(0)}<title>{escape(made.tips.get(m.group(1), ""))}</title>', buffer.getvalue())


def inline_svg(svg: str) -> str:
    """The ``<svg>`` element alone, for a page: no XML declaration, no DOCTYPE, no metadata block."""
    start = svg.index("<svg")
    svg = svg[start:]
    return re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)


def _html(numbers, svg: str, lang: str) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    environment = Environment(loader=PackageLoader("scograph.plots", "templates"), autoescape=select_autoescape())
    header, rows = numbers.table()
    return environment.get_template("picture.html").render(
        title=numbers.title, svg=Markup(inline_svg(svg)), header=header, rows=rows, lang="zh" if lang == "zh" else "en")

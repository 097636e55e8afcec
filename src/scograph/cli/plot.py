"""The `scograph plot` command; the drawing is in scograph.plots."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..discourse.networks import ONE_MODE_NORMALIZATIONS
from ..plots import Picture, PictureFormat
from ..plots.data import LANGS, NETWORKS, PERIODS
from .common import CountryOption, DataOption, DomainOption, load

# The choices as typer wants them (enums), spelt once in scograph.plots.data.
Lang = Enum("Lang", {name: name for name in LANGS}, type=str)
Period = Enum("Period", {name: name for name in PERIODS}, type=str)
Normalization = Enum("Normalization", {name: name for name in ONE_MODE_NORMALIZATIONS}, type=str)
DrawnNetwork = Enum("DrawnNetwork", {name.replace("-", "_"): name for name in NETWORKS}, type=str)


def plot(
    picture: Annotated[Picture, typer.Argument(
        help="sankey (driver → demand → response chains), heatmap (states × themes by stance), "
             "network (congruence or conflict of states), timeline (demands per period and domain).")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FILE", help="Write FILE atomically; its suffix (.png, .svg, .html) names the format.")],
    format: Annotated[Optional[PictureFormat], typer.Option(
        "--format", "-f", help="png, svg, or html (self-contained: the SVG inline and the numbers as a table).")] = None,
    country: CountryOption = None,
    theme: Annotated[Optional[str], typer.Option(
        help="sankey: the chains of the demands on this theme (an id such as theme-afghanistan, or its label).")] = None,
    domain: DomainOption = None,
    lang: Annotated[Lang, typer.Option(help="Labels in English or Chinese (zh needs a CJK font: fonts-noto-cjk).")] = Lang("en"),
    network: Annotated[DrawnNetwork, typer.Option(help="network: which network to draw.")] = DrawnNetwork("actor-congruence"),
    normalize: Annotated[Optional[Normalization], typer.Option(
        help="network (actor-congruence, actor-conflict): DNA's normalisation of the weights.")] = None,
    period: Annotated[Period, typer.Option(help="timeline: the width of a bar.")] = Period("quarter"),
    group_demands: Annotated[bool, typer.Option(
        "--group-demands/--no-group-demands",
        help="heatmap, timeline: count a group's demands (ca-members) for each member state, or leave them out.")] = True,
    data: DataOption = None,
) -> None:
    """Draw a picture of the graph as PNG, SVG or HTML (needs the plot extra: pip install 'scograph[plot]')."""
    from .. import plots
    from ..progress import status

    plots.require()  # before the graph is loaded: a missing extra is said at once
    graph = load(data)
    with status(f"drawing {picture.value} to {output}"):
        rendered = plots.write(graph, picture, output, format, lang=lang.value, country=country, theme=theme,
                               domain=domain, network=network.value, normalize=normalize.value if normalize else None,
                               period=period.value, group_demands=group_demands)
    typer.echo(rendered.summary(output), err=True)

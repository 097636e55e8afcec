"""The pictures drawn with matplotlib: each function takes what :mod:`scograph.plots.data` read and
gives a :class:`Drawing` (a figure of a fixed size in pixels, and the tooltips its SVG carries).

Figures are made with ``matplotlib.figure.Figure`` directly, never pyplot: no GUI backend, no
global figure list, so a server thread can draw while another does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .data import Drawn, Flows, Heatmap, Series

DPI = 100
COLUMN_COLOURS = ("#b7791f", "#1f5fa8", "#2f855a")
"""Driver, demand, response: the colours of the server's chain diagram."""
STANCE_COLOURS = {"supports": "#2f855a", "concerned": "#d69e2e", "opposes": "#c53030", "mixed": "#805ad5"}
DOMAIN_COLOURS = {"political": "#1f5fa8", "security": "#c53030", "economic": "#d69e2e", "cultural": "#2f855a"}
RELATION_COLOURS = {"congruence": "#2f855a", "conflict": "#c53030", "co-occurrence": "#5b6576"}
WORDS = {
    "en": {"drivers": "Drivers", "demands": "Demands", "responses": "Responses", "stated": "stated link (coloured as its source)",
           "inferred": "inferred link (the curators' reading)", "undated": "Left out, undated",
           "coarse": "dated less precisely than a {period}", "count": "demands", "none": "nothing to draw",
           "mixed": "mixed"},
    "zh": {"drivers": "动因", "demands": "诉求", "responses": "对策", "stated": "原文所述的联系",
           "inferred": "推断的联系（整理者的解读）", "undated": "未计入（无日期）",
           "coarse": "日期精度不足一{period}", "count": "诉求数", "none": "无可绘制的内容", "mixed": "混合"},
}
STANCE_WORDS = {"zh": {"supports": "支持", "concerned": "关切", "opposes": "反对", "mixed": "混合"}}
DOMAIN_WORDS = {"zh": {"political": "政治", "security": "安全", "economic": "经济", "cultural": "人文"}}


@dataclass
class Drawing:
    figure: Any
    tips: dict[str, str] = field(default_factory=dict)
    """SVG group id → tooltip text (an SVG ``<title>``)."""
    labels: list[str] = field(default_factory=list)
    """The text drawn, for the summary and the tests."""

    def tip(self, artist, text: str) -> None:
        gid = f"tip-{len(self.tips) + 1}"
        artist.set_gid(gid)
        self.tips[gid] = text

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.figure.get_size_inches()
        return round(width * DPI), round(height * DPI)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _width_limit(lang: str, limit: int) -> int:
    return limit // 2 + 2 if lang == "zh" else limit  # a Chinese character is about two Latin letters wide


def _figure(width_px: int, height_px: int, layout: str | None = None):
    from matplotlib.figure import Figure

    return Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, layout=layout)


def _empty(drawing: Drawing, ax, lang: str) -> None:
    text = WORDS[lang]["none"]
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#5b6576")
    drawing.labels.append(text)


# --------------------------------------------------------------------- Sankey

SANKEY_WIDTH = 1400
SANKEY_TOP, SANKEY_BOTTOM = 70, 50
NODE_GAP, MIN_UNIT, MIN_BODY = 12, 3, 420
BAR = 14
COLUMN_X = (360, 693, 1026)


def sankey_height(flows: Flows) -> int:
    """Room for the tallest column: a gap between nodes, at least MIN_UNIT pixels per chain."""
    most = max((len(flows.column(i)) for i in range(3)), default=0)
    return SANKEY_TOP + SANKEY_BOTTOM + max(MIN_BODY, NODE_GAP * max(most - 1, 0) + MIN_UNIT * flows.chains)


def sankey(flows: Flows, lang: str = "en") -> Drawing:
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    height = sankey_height(flows)
    fig = _figure(SANKEY_WIDTH, height)
    drawing = Drawing(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, SANKEY_WIDTH)
    ax.set_ylim(height, 0)
    ax.axis("off")
    words = WORDS[lang]
    ax.text(20, 30, flows.title, fontsize=15, fontweight="bold", va="center", color="#1d2430")
    drawing.labels.append(flows.title)
    for index, name in enumerate((words["drivers"], words["demands"], words["responses"])):
        ax.text(COLUMN_X[index] + BAR / 2, SANKEY_TOP - 12, name, fontsize=11, fontweight="bold", ha="center",
                color=COLUMN_COLOURS[index])
        drawing.labels.append(name)
    if not flows.chains:
        _empty(drawing, ax, lang)
        return drawing
    columns = [flows.column(i) for i in range(3)]
    body = height - SANKEY_TOP - SANKEY_BOTTOM
    most = max(len(c) for c in columns)
    unit = (body - NODE_GAP * (most - 1)) / flows.chains
    top: dict[str, float] = {}
    limit = _width_limit(lang, 46)
    for index, column in enumerate(columns):
        used = unit * sum(n.value for n in column) + NODE_GAP * (len(column) - 1)
        y = SANKEY_TOP + (body - used) / 2
        for node in column:
            top[node.id] = y
            bar = Rectangle((COLUMN_X[index], y), BAR, unit * node.value, color=COLUMN_COLOURS[index], lw=0)
            ax.add_patch(bar)
            drawing.tip(bar, f"{node.label} ({node.id}): {node.value} chain(s)")
            middle = y + unit * node.value / 2
            if index == 0:
                x, align = COLUMN_X[0] - 6, "right"
            else:
                x, align = COLUMN_X[index] + BAR + 6, "left"
            label = shorten(node.label, limit)
            ax.text(x, middle, label, fontsize=8, ha=align, va="center", color="#1d2430",
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75} if index == 1 else None)
            drawing.labels.append(label)
            y += unit * node.value + NODE_GAP
    out_offset = {node_id: 0.0 for node_id in top}
    # Bands leave a node in the order of their targets and enter one in the order of their sources: no crossing at a node.
    for link in sorted(flows.links, key=lambda link: (flows.nodes[link.source].column, top[link.source], top[link.target])):
        source, target = flows.nodes[link.source], flows.nodes[link.target]
        thick = unit * link.value
        x0, x1 = COLUMN_X[source.column] + BAR, COLUMN_X[target.column]
        y0 = top[source.id] + out_offset[source.id]
        out_offset[source.id] += thick
        y1 = top[target.id] + _in_start(flows, target, top, link, unit)
        mid = (x0 + x1) / 2
        path = Path([(x0, y0), (mid, y0), (mid, y1), (x1, y1), (x1, y1 + thick), (mid, y1 + thick), (mid, y0 + thick),
                     (x0, y0 + thick), (x0, y0)],
                    [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4, Path.CURVE4,
                     Path.CURVE4, Path.CLOSEPOLY])
        stated = link.basis != "inferred"
        band = PathPatch(path, fc=COLUMN_COLOURS[source.column] if stated else "#a0aec0", ec="none",
                         alpha=0.35 if stated else 0.3, zorder=0)
        ax.add_patch(band)
        drawing.tip(band, f"{source.label} → {target.label}: {link.value} chain(s), {link.basis or 'stated'}")
    ax.add_patch(Rectangle((20, height - 32), 18, 10, color=COLUMN_COLOURS[0], alpha=0.35, lw=0))
    ax.text(44, height - 27, words["stated"], fontsize=8, va="center")
    ax.add_patch(Rectangle((260, height - 32), 18, 10, color="#a0aec0", alpha=0.3, lw=0))
    ax.text(284, height - 27, words["inferred"], fontsize=8, va="center")
    return drawing


def _in_start(flows: Flows, target, top: dict[str, float], link, unit: float) -> float:
    """Where ``link`` enters ``target``, below the bands from the sources drawn above its own."""
    before = [other for other in flows.links
              if other.target == target.id and (top[other.source], other.source) < (top[link.source], link.source)]
    return unit * sum(other.value for other in before)


# --------------------------------------------------------------------- actor × theme heatmap


def heatmap(data: Heatmap, lang: str = "en") -> Drawing:
    from matplotlib.patches import Patch, Rectangle

    rows, columns = data.columns, data.rows  # themes down the side, states across: the labels stay level
    width, height = 980, 150 + 26 * max(len(rows), 4)
    fig = _figure(width, height, layout="constrained")
    drawing = Drawing(fig)
    ax = fig.add_subplot()
    fig.suptitle(data.title, fontsize=13, fontweight="bold")
    drawing.labels.append(data.title)
    if not rows:
        ax.axis("off")
        _empty(drawing, ax, lang)
        return drawing
    most = max(data.count(code, theme) for theme, _ in rows for code, _ in columns)
    limit = _width_limit(lang, 58)
    for y, (theme, _) in enumerate(rows):
        for x, (code, state) in enumerate(columns):
            count = data.count(code, theme)
            if not count:
                continue
            stance = data.stance(code, theme)
            cell = Rectangle((x, y), 1, 1, fc=STANCE_COLOURS[stance], alpha=0.3 + 0.7 * count / most, ec="white", lw=1.5)
            ax.add_patch(cell)
            drawing.tip(cell, f"{state} · {dict(rows)[theme]}: {count} demand(s), {_stance_word(stance, lang)}")
            ax.text(x + 0.5, y + 0.5, str(count), ha="center", va="center", fontsize=8,
                    color="white" if count / most > 0.5 else "#1d2430")
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(rows), 0)
    ax.set_xticks([x + 0.5 for x in range(len(columns))], [label for _, label in columns], fontsize=9)
    ax.xaxis.tick_top()
    theme_labels = [shorten(label, limit) for _, label in rows]
    ax.set_yticks([y + 0.5 for y in range(len(rows))], theme_labels, fontsize=8)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    drawing.labels += [label for _, label in columns] + theme_labels
    present = sorted({data.stance(c, t) for t, _ in rows for c, _ in columns} - {None}, key=list(STANCE_COLOURS).index)
    ax.legend(handles=[Patch(color=STANCE_COLOURS[s], label=_stance_word(s, lang)) for s in present],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    drawing.labels += [_stance_word(s, lang) for s in present]
    return drawing


def _stance_word(stance: str, lang: str) -> str:
    return STANCE_WORDS.get(lang, {}).get(stance, stance)


# --------------------------------------------------------------------- the congruence network


def network(data: Drawn, lang: str = "en") -> Drawing:
    import networkx as nx

    fig = _figure(900, 800)
    drawing = Drawing(fig)
    ax = fig.add_axes((0.04, 0.04, 0.92, 0.86))
    ax.axis("off")
    fig.text(0.5, 0.95, data.title, ha="center", fontsize=13, fontweight="bold")
    drawing.labels.append(data.title)
    if not data.labels:
        _empty(drawing, ax, lang)
        return drawing
    graph = nx.Graph()
    graph.add_nodes_from(sorted(data.labels))
    graph.add_weighted_edges_from((s, t, w) for s, t, w, _ in data.edges)
    if len(graph) <= 8:
        position = nx.circular_layout(graph)
    else:
        position = nx.spring_layout(graph, seed=7, weight="weight", k=1.8 / len(graph) ** 0.5)
    heaviest = max((abs(w) for _, _, w, _ in data.edges), default=1.0) or 1.0
    for source, target, weight, relation in data.edges:
        (x0, y0), (x1, y1) = position[source], position[target]
        line, = ax.plot([x0, x1], [y0, y1], color=RELATION_COLOURS.get(relation, "#5b6576"),
                        lw=0.8 + 7 * abs(weight) / heaviest, alpha=0.55, zorder=1, solid_capstyle="round")
        drawing.tip(line, f"{data.labels[source]} — {data.labels[target]}: {relation} {weight:g}")
        if len(data.edges) <= 30:
            # Not at the middle: the diagonals of a ring of four would put two weights on one spot.
            ax.text(x0 + 0.38 * (x1 - x0), y0 + 0.38 * (y1 - y0), f"{weight:g}", fontsize=8, ha="center", va="center",
                    color="#1d2430",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}, zorder=3)
    biggest = max(data.sizes.values(), default=1) or 1
    small = len(graph) > 8
    limit = _width_limit(lang, 24 if small else 40)
    for node, (x, y) in sorted(position.items()):
        dot = ax.scatter([x], [y], s=(60 if small else 500) + (240 if small else 1500) * data.sizes[node] / biggest,
                         color="#1f5fa8", alpha=0.85, zorder=2, edgecolors="white")
        drawing.tip(dot, f"{data.labels[node]} ({node}): {data.sizes[node]} demand(s)")
        label = shorten(data.labels[node], limit)
        ax.text(x, y - (0.07 if small else 0.16), label, ha="center", va="top", fontsize=7 if small else 12, zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7})
        drawing.labels.append(label)
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.25)
    ax.set_aspect("equal", adjustable="box")
    return drawing


# --------------------------------------------------------------------- statements over time


def timeline(data: Series, lang: str = "en") -> Drawing:
    panels = max(len(data.states), 1)
    across = 1 if panels == 1 else 2
    down = (panels + across - 1) // across
    fig = _figure(1100 if across == 2 else 900, 120 + 300 * down, layout="constrained")
    drawing = Drawing(fig)
    fig.suptitle(data.title, fontsize=13, fontweight="bold")
    drawing.labels.append(data.title)
    axes = fig.subplots(down, across, squeeze=False, sharey=True)
    words = WORDS[lang]
    if not data.periods:
        for ax in axes.flat:
            ax.axis("off")
        _empty(drawing, axes.flat[0], lang)
        return drawing
    xs = range(len(data.periods))
    for ax, (code, state) in zip(axes.flat, data.states):
        base = [0] * len(data.periods)
        for domain in data.domains:
            heights = [data.counts.get((code, p, domain), 0) for p in data.periods]
            bars = ax.bar(xs, heights, bottom=base, color=DOMAIN_COLOURS[domain],
                          label=DOMAIN_WORDS.get(lang, {}).get(domain, domain), width=0.8)
            for bar, n, period in zip(bars, heights, data.periods):
                if n:
                    drawing.tip(bar, f"{state}, {period}, {domain}: {n} demand(s)")
            base = [b + h for b, h in zip(base, heights)]
        left_out = []
        if data.undated.get(code):
            left_out.append(f"{words['undated']}: {data.undated[code]}")
        if data.coarse.get(code):
            left_out.append(f"{words['coarse'].format(period=data.period)}: {data.coarse[code]}")
        heading = f"{state} ({data.total(code)})"
        ax.set_title(heading, fontsize=11, loc="left")
        drawing.labels.append(heading)
        if left_out:
            note = "; ".join(left_out)
            ax.text(1, 1.02, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#5b6576")
            drawing.labels.append(note)
        ax.set_xticks(list(xs), data.periods, fontsize=8, rotation=45 if len(data.periods) > 6 else 0)
        room = max(0, 6 - len(data.periods)) / 2  # a bar or two is drawn at the width of one in six, not across the panel
        ax.set_xlim(-0.5 - room, len(data.periods) - 0.5 + room)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel(words["count"], fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(data.states):]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=len(names), fontsize=9, frameon=False)
    drawing.labels += data.periods + names
    return drawing

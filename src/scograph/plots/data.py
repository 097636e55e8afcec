"""What each picture shows, read from the claims graph: plain numbers and labels, no drawing.

Kept apart from the drawing (and from matplotlib) so that the counts a picture stands on can be
checked by hand, and so that the HTML page can list them beside the picture.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import UsageError, suggest

if TYPE_CHECKING:
    from ..graph import ClaimsGraph

LANGS = ("en", "zh")
PERIODS = ("year", "quarter", "month")
STANCES = ("supports", "concerned", "opposes")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    return lang


def label_of(entity, lang: str) -> str:
    """An entity's label in ``lang``, or in the other language when it has none in that one."""
    if entity is None:
        return ""
    first, second = (entity.label_zh, entity.label_en) if lang == "zh" else (entity.label_en, entity.label_zh)
    return first or second or entity.id


def resolve_theme(graph: "ClaimsGraph", text: str) -> str:
    """A theme's id from its id (any case) or its English or Chinese label."""
    from ..inputs import fold

    themes = {t.id: t for t in graph.claims.themes}
    wanted = fold(text)
    for theme in themes.values():
        if wanted in (theme.id, fold(theme.label_en or ""), fold(theme.label_zh or "")):
            return theme.id
    raise UsageError(f"unknown theme {text!r}{suggest(text.strip().lower(), themes)}; a theme is given by its id "
                     "(theme-afghanistan) or its English or Chinese label; find one with: scograph search TEXT")


def narrower_themes(graph: "ClaimsGraph", theme_id: str) -> set[str]:
    """The theme and every theme that refines it (``broader``), transitively."""
    narrower: dict[str, list[str]] = defaultdict(list)
    for theme in graph.claims.themes:
        if theme.broader:
            narrower[theme.broader].append(theme.id)
    found, todo = {theme_id}, [theme_id]
    while todo:
        for child in narrower.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


# --------------------------------------------------------------------- the chains as a Sankey


@dataclass
class FlowNode:
    id: str
    label: str
    column: int
    """0 driver, 1 demand, 2 response."""
    value: int = 0
    """Chains through the node."""


@dataclass
class FlowLink:
    source: str
    target: str
    value: int
    """Chains along the link."""
    basis: str | None
    """stated or inferred (the paper's own link, or the curators' reading)."""


@dataclass
class Flows:
    """Driver → demand → response chains: each chain is one unit of flow, so a demand's inflow equals its outflow."""

    title: str
    nodes: dict[str, FlowNode]
    links: list[FlowLink]
    chains: int

    def column(self, index: int) -> list[FlowNode]:
        return sorted((n for n in self.nodes.values() if n.column == index), key=lambda n: (-n.value, n.id))

    def table(self) -> tuple[list[str], list[list]]:
        return (["from", "to", "chains", "basis"],
                [[self.nodes[link.source].label, self.nodes[link.target].label, link.value, link.basis or ""]
                 for link in self.links])


def chain_flows(graph: "ClaimsGraph", country: str | None = None, theme: str | None = None,
                domain: str | None = None, lang: str = "en") -> Flows:
    """The chains of a country's demands, of the demands on a theme (or a narrower one), or both; each chain counts once."""
    check_lang(lang)
    theme_id = resolve_theme(graph, theme) if theme else None
    by_id = graph.by_id
    chains = graph.chains(country=country, domain=domain)
    if theme_id is not None:
        wanted = narrower_themes(graph, theme_id)
        chains = [c for c in chains if wanted & set(getattr(by_id.get(c["expectation"]), "themes", ()))]
    nodes: dict[str, FlowNode] = {}
    pairs: Counter = Counter()
    bases: dict[tuple[str, str], str | None] = {}
    for chain in chains:
        for column, part in enumerate(("driver", "expectation", "response")):
            node_id = chain[part]
            node = nodes.get(node_id)
            if node is None:
                node = nodes[node_id] = FlowNode(node_id, label_of(by_id.get(node_id), lang), column)
            node.value += 1
        for ends, basis in (((chain["driver"], chain["expectation"]), chain["driver_basis"]),
                            ((chain["expectation"], chain["response"]), chain["response_basis"])):
            pairs[ends] += 1
            bases[ends] = basis
    links = [FlowLink(s, t, value, bases[s, t]) for (s, t), value in sorted(pairs.items())]
    what = {"en": "Driver → demand → response", "zh": "动因 → 诉求 → 对策"}[lang]
    return Flows(_title(what, graph, country, theme_id, domain, lang), nodes, links, len(chains))


def _title(what: str, graph: "ClaimsGraph", country: str | None, theme_id: str | None, domain: str | None,
           lang: str) -> str:
    parts = [what]
    if country:
        parts.append(label_of(graph.by_id.get(graph.country(country).id), lang))
    if theme_id:
        parts.append(label_of(graph.by_id.get(theme_id), lang))
    if domain:
        from ..inputs import parse_domain
        from ..terms import DOMAINS_ZH

        name = parse_domain(domain)
        parts.append(DOMAINS_ZH[name] if lang == "zh" else name)
    return " · ".join(parts)


# --------------------------------------------------------------------- actor × theme


@dataclass
class Heatmap:
    """States × themes: in each cell the stances of the states' demands on the theme (a group's count for each member)."""

    title: str
    rows: list[tuple[str, str]]
    """(alpha-2 code, label) of each state, in code order."""
    columns: list[tuple[str, str]]
    """(theme id, label), most demanded first."""
    cells: dict[tuple[str, str], Counter] = field(default_factory=dict)
    """(code, theme id) → stance → demands."""

    def count(self, code: str, theme: str) -> int:
        return sum(self.cells.get((code, theme), Counter()).values())

    def stance(self, code: str, theme: str) -> str | None:
        """The cell's stance: the one stance of its demands, ``mixed`` when they differ, None when it is empty."""
        stances = [s for s, n in self.cells.get((code, theme), Counter()).items() if n]
        if not stances:
            return None
        return stances[0] if len(stances) == 1 else "mixed"

    def table(self) -> tuple[list[str], list[list]]:
        return (["state", "theme", "demands", "stance"],
                [[row_label, col_label, self.count(code, theme), self.stance(code, theme)]
                 for code, row_label in self.rows for theme, col_label in self.columns if self.count(code, theme)])


def actor_theme_heatmap(graph: "ClaimsGraph", country: str | None = None, domain: str | None = None,
                        group_demands: bool = True, lang: str = "en") -> Heatmap:
    """From the statement table (``exports.statement_rows``): its demands' ``countries``, ``themes`` and ``stance``."""
    from ..exports import Filters, statement_rows

    check_lang(lang)
    rows = statement_rows(graph, Filters(country=country, domain=domain, group_demands=group_demands))
    focus = graph.country(country).alpha2 if country else None
    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for row in rows:
        if row["statement"] != "demand":
            continue
        for code in row["countries"].split("; "):
            if not code or (focus and code != focus):
                continue
            for theme in row["themes"].split("; "):
                cells[code, theme][row["stance"]] += 1
                totals[theme] += 1
    codes = sorted({code for code, _ in cells})
    states = [(code, label_of(graph.by_id.get(graph.country(code).id), lang)) for code in codes]
    themes = sorted(totals, key=lambda t: (-totals[t], t))
    columns = [(t, label_of(graph.by_id.get(t), lang)) for t in themes]
    what = {"en": "Demands by state and theme, by stance", "zh": "各国按议题的诉求及立场"}[lang]
    title = _title(what, graph, country, None, domain, lang)
    return Heatmap(title, states, columns, dict(cells))


# --------------------------------------------------------------------- the congruence network


@dataclass
class Drawn:
    """A one-mode network to draw: labelled nodes and weighted, signed links."""

    title: str
    labels: dict[str, str]
    sizes: dict[str, int]
    """Statements behind each node."""
    edges: list[tuple[str, str, float, str]]
    """(source, target, weight, relation): congruence, conflict or co-occurrence."""

    def table(self) -> tuple[list[str], list[list]]:
        return (["from", "to", "weight", "relation"],
                [[self.labels[s], self.labels[t], weight, relation] for s, t, weight, relation in self.edges])


NETWORKS = ("actor-congruence", "actor-conflict", "theme-cooccurrence")
_NETWORK_TITLES = {
    "actor-congruence": {"en": "Congruence: the same stance on the same themes", "zh": "一致性网络：对同一议题立场相同"},
    "actor-conflict": {"en": "Conflict: opposite stances on the same themes", "zh": "冲突网络：对同一议题立场相反"},
    "theme-cooccurrence": {"en": "Themes demanded together", "zh": "议题共现网络"},
}


def network_drawing(graph: "ClaimsGraph", network: str = "actor-congruence", country: str | None = None,
                    domain: str | None = None, normalize: str | None = None, lang: str = "en") -> Drawn:
    """The states' congruence or conflict network as DNA computes it (``scograph.discourse``), or the
    themes' co-occurrence network of the exports, labelled in ``lang``."""
    check_lang(lang)
    if network not in NETWORKS:
        raise UsageError(f"unknown network {network!r} to draw; valid: {', '.join(NETWORKS)}")
    if network == "theme-cooccurrence":
        labels, sizes, edges = _cooccurrence(graph, country, domain, normalize, lang)
    else:
        labels, sizes, edges = _discourse(graph, network.split("-", 1)[1], country, domain, normalize, lang)
    what = _NETWORK_TITLES[network][lang]
    if normalize and normalize != "none":
        what += f" ({normalize})"
    return Drawn(_title(what, graph, country, None, domain, lang), labels, sizes, edges)


def _discourse(graph, qualifier: str, country, domain, normalize, lang):
    from ..discourse import labels as discourse_labels
    from ..discourse.networks import Selection, Spec, matrix

    built = matrix(graph, Spec("actors", qualifier, normalize or "none"), Selection(country=country, domain=domain))
    names = discourse_labels(graph, list(built.rows))
    first = 1 if lang == "zh" else 0
    labels = {i: names.get(i, (i, i))[first] or names.get(i, (i, i))[1 - first] or i for i in built.rows}
    sizes = {i: int(built.counts.get(i, 1)) for i in built.rows}
    edges = [(a, b, round(float(w), 6), qualifier) for a, b, w in built.edges()]
    return labels, sizes, edges


def _cooccurrence(graph, country, domain, normalize, lang):
    from ..exports import Filters, build_network

    built = build_network(graph, "theme-cooccurrence", Filters(country=country, domain=domain), normalize)
    labels, sizes = {}, {}
    first, second = ("label_zh", "label") if lang == "zh" else ("label", "label_zh")
    for node in built.nodes():
        labels[node.id] = node.attrs.get(first) or node.attrs.get(second) or node.id
        sizes[node.id] = int(node.attrs.get("demands", 1))
    edges = [(e.source, e.target, float(e.attrs["weight"]), e.attrs["relation"]) for e in built.edges()]
    return labels, sizes, edges


# --------------------------------------------------------------------- statements over time


def period_of(when: str, period: str) -> str | None:
    """The period a partial date falls in (``2019-04-26`` → ``2019-Q2``), None when the date is less precise."""
    parts = when.split("-")
    if period == "year":
        return parts[0]
    if len(parts) < 2:
        return None
    if period == "quarter":
        return f"{parts[0]}-Q{(int(parts[1]) - 1) // 3 + 1}"
    return f"{parts[0]}-{parts[1]}"


def _periods_between(first: str, last: str, period: str) -> list[str]:
    """Every period from ``first`` to ``last``, the empty ones too, so gaps show."""
    def index(label: str) -> int:
        year, _, rest = label.partition("-")
        per_year = {"year": 1, "quarter": 4, "month": 12}[period]
        step = 0 if period == "year" else (int(rest[1:]) - 1 if period == "quarter" else int(rest) - 1)
        return int(year) * per_year + step

    def label(i: int) -> str:
        if period == "year":
            return str(i)
        per_year = 4 if period == "quarter" else 12
        year, step = divmod(i, per_year)
        return f"{year}-Q{step + 1}" if period == "quarter" else f"{year}-{step + 1:02d}"

    return [label(i) for i in range(index(first), index(last) + 1)]


@dataclass
class Series:
    """Demands per state, period and domain (a group's demands count for each member state)."""

    title: str
    period: str
    periods: list[str]
    states: list[tuple[str, str]]
    """(alpha-2 code, label)."""
    domains: list[str]
    counts: dict[tuple[str, str, str], int]
    """(code, period, domain) → demands."""
    undated: Counter
    """code → demands without a date."""
    coarse: Counter
    """code → demands dated less precisely than the period (a year, for quarters)."""

    def total(self, code: str) -> int:
        return sum(n for (c, _, _), n in self.counts.items() if c == code)

    def table(self) -> tuple[list[str], list[list]]:
        labels = dict(self.states)
        return (["state", self.period, "domain", "demands"],
                [[labels[c], p, d, n] for (c, p, d), n in sorted(self.counts.items())])


def statement_series(graph: "ClaimsGraph", country: str | None = None, domain: str | None = None,
                     period: str = "quarter", group_demands: bool = True, lang: str = "en") -> Series:
    from ..exports import Filters, Statements
    from ..terms import DOMAINS

    check_lang(lang)
    if period not in PERIODS:
        raise UsageError(f"unknown period {period!r}; valid: {', '.join(PERIODS)}")
    selected = Statements(graph)
    statements = selected.select_demands(Filters(country=country, domain=domain, group_demands=group_demands))
    focus = graph.country(country).alpha2 if country else None
    counts: Counter = Counter()
    undated: Counter = Counter()
    coarse: Counter = Counter()
    codes: set[str] = set()
    for statement in statements:
        for state in selected.holders.states(statement["holder"]):
            code = selected.holders.codes[state]
            if focus and code != focus:
                continue
            codes.add(code)
            if statement["date"] is None:
                undated[code] += 1
                continue
            when = period_of(statement["date"], period)
            if when is None:
                coarse[code] += 1
                continue
            counts[code, when, statement["domain"]] += 1
    seen = sorted({p for _, p, _ in counts})
    periods = _periods_between(seen[0], seen[-1], period) if seen else []
    states = [(code, label_of(graph.by_id.get(graph.country(code).id), lang)) for code in sorted(codes)]
    domains = [d for d in DOMAINS if any(key[2] == d for key in counts)]
    title = _title({"en": "Demands over time, by domain", "zh": "诉求的时间分布（按领域）"}[lang], graph, country,
                   None, domain, lang)
    return Series(title, period, periods, states, domains, dict(counts), undated, coarse)

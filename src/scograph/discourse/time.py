"""Series of discourse networks over time: calendar periods or a moving window, and dynamic GEXF.

A window is ``[start, start + window)``; the first starts on the first day of the period (year,
month or ISO week) holding the earliest statement, and each next one ``step`` later, until a
window starts after the last statement. ``--window 1Y`` alone (step = window) gives calendar
years; ``--window 12M --step 3M`` a year moving by quarters. A statement belongs to a window when
the first day of its date does (a statement dated ``2019-06`` counts from 1 June 2019); undated
statements take no part in a series. As in DNA, windows without statements are left out, and
duplicates are dropped within each window.

In the dynamic GEXF (GEXF 1.3, ``mode="dynamic"``, ``timeformat="date"``), each window's network
holds over the last ``step`` of the window, ``[end − step, end)``: at any day the timeline shows the
network of the window that ends next, so calendar periods show as themselves and a moving window
as a trailing one. Nodes and edges carry ``<spells>`` (the windows they are in) and dynamic
``<attvalues>``: a node's ``statements``, an edge's ``weight`` (declared with id ``w``, since
networkx's reader declares ``weight`` static itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TextIO

from ..errors import UsageError
from .networks import Matrix, Selection, Spec, matrix, select
from .statements import Statement

_SPAN = re.compile(r"^([1-9]\d{0,2})([DWMY])$")
_UNITS = {"D": "days", "W": "weeks", "M": "months", "Y": "years"}


@dataclass(frozen=True)
class Span:
    """A length of time: a count of days, weeks, months or years (``12M``, ``1Y``, ``2W``)."""

    count: int
    unit: str

    @classmethod
    def parse(cls, text: str, what: str = "--window") -> Span:
        found = _SPAN.match(text.strip().upper()) if isinstance(text, str) else None
        if not found:
            raise UsageError(f"{what} {text!r}: give a count and a unit, D, W, M or Y (e.g. 12M, 3M, 1Y)")
        return cls(int(found.group(1)), found.group(2))

    def after(self, day: date, times: int = 1) -> date:
        n = self.count * times
        if self.unit == "D":
            return day + timedelta(days=n)
        if self.unit == "W":
            return day + timedelta(weeks=n)
        months = n * (12 if self.unit == "Y" else 1)
        year, month = divmod(day.month - 1 + months, 12)
        return date(day.year + year, month + 1, 1) if day.day == 1 else _same_day(day.year + year, month + 1, day.day)

    def floor(self, day: date) -> date:
        """The first day of the calendar period of this unit that holds ``day``."""
        if self.unit == "Y":
            return date(day.year, 1, 1)
        if self.unit == "M":
            return date(day.year, day.month, 1)
        if self.unit == "W":
            return day - timedelta(days=day.weekday())
        return day

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def _same_day(year: int, month: int, day: int) -> date:
    import calendar

    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass
class Window:
    """One network of a series: its window ``[start, end)`` and its matrix."""

    index: int
    start: date
    end: date
    shown_from: date
    """Where the dynamic GEXF shows it: ``[shown_from, end)``."""
    matrix: Matrix

    @property
    def statements(self) -> int:
        return self.matrix.statements

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}..{(self.end - timedelta(days=1)).isoformat()}"


def _day(s: Statement) -> date | None:
    from .networks import _first_day

    return _first_day(s.date)


def series(graph, spec: Spec, selection: Selection, window: Span | str, step: Span | str | None = None,
           *, statements: list[Statement] | None = None) -> list[Window]:
    """The networks of each window (see the module docstring); ``step`` defaults to ``window``."""
    from .statements import statements as read_statements

    window = Span.parse(window) if isinstance(window, str) else window
    step = (Span.parse(step, "--step") if isinstance(step, str) else step) or window
    if statements is None:
        statements = read_statements(graph, concept=spec.concept)
    # Filters first (but not duplicates, which each window drops for itself), so the range is the selection's.
    chosen = select(graph, statements, replace(selection, duplicates="all"))
    dated = sorted(((d, s) for s in chosen if (d := _day(s)) is not None), key=lambda pair: pair[0])
    if not dated:
        return []
    first, last = dated[0][0], dated[-1][0]
    origin = window.floor(first)
    windows = []
    n = 0
    while True:
        start = step.after(origin, n) if n else origin
        if start > last:
            break
        end = window.after(start)
        inside = [s for d, s in dated if start <= d < end]
        if inside:
            shown_from = max(start, _back(end, step))
            m = matrix(graph, spec, selection, statements=inside, universe=statements, start=start, end=end)
            windows.append(Window(len(windows), start, end, shown_from, m))
        n += 1
        if n > 100_000:
            raise UsageError(f"--step {step} makes more than 100,000 windows; give a longer step")
    return windows


def _back(day: date, span: Span) -> date:
    """``day`` less ``span``."""
    if span.unit in "DW":
        return day - timedelta(days=span.count * (7 if span.unit == "W" else 1))
    months = span.count * (12 if span.unit == "Y" else 1)
    year, month = divmod(day.month - 1 - months, 12)
    return _same_day(day.year + year, month + 1, day.day)


# --------------------------------------------------------------------- dynamic GEXF


def write_dynamic_gexf(graph, windows: list[Window], out: TextIO, name: str = "discourse") -> tuple[int, int]:
    """One GEXF 1.3 file whose nodes and edges come and go, and whose weights change, window by window."""
    from ..exports import _xml_attr, spelt
    from .formats import _node_type
    from .statements import labels

    ids = sorted({i for w in windows for i in w.matrix.rows + w.matrix.columns})
    names = labels(graph, ids)
    types = _node_type(graph, ids)
    directed = False
    last = lambda w: (w.end - timedelta(days=1)).isoformat()

    node_values: dict[str, list[tuple[int, str, str]]] = {i: [] for i in ids}
    edge_values: dict[tuple[str, str], list[tuple[float, str, str]]] = {}
    for w in windows:
        start, end = w.shown_from.isoformat(), last(w)
        for i in sorted(set(w.matrix.rows) | set(w.matrix.columns)):
            node_values[i].append((w.matrix.counts.get(i, 0), start, end))
        for source, target, weight in w.matrix.edges():
            edge_values.setdefault((source, target), []).append((weight, start, end))

    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
              ' xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
              '  <meta>\n    <creator>scograph</creator>\n'
              f'    <description>scograph {_xml_attr(name)[1:-1]} network, {len(windows)} windows</description>\n'
              '  </meta>\n')
    out.write(f'  <graph defaultedgetype="{"directed" if directed else "undirected"}" mode="dynamic"'
              ' timeformat="date" timerepresentation="interval">\n'
              '    <attributes class="node" mode="static">\n'
              '      <attribute id="label_zh" title="label_zh" type="string"/>\n'
              '      <attribute id="type" title="type" type="string"/>\n'
              '    </attributes>\n'
              '    <attributes class="node" mode="dynamic">\n'
              '      <attribute id="statements" title="statements" type="integer"/>\n'
              '    </attributes>\n'
              '    <attributes class="edge" mode="dynamic">\n'
              '      <attribute id="w" title="weight" type="double"/>\n'
              '    </attributes>\n    <nodes>\n')

    def spells(values) -> str:
        return "".join(f'          <spell start="{s}" end="{e}"/>\n' for _, s, e in values)

    nodes = 0
    for i in ids:
        if not node_values[i]:
            continue
        nodes += 1
        out.write(f'      <node id={_xml_attr(i)} label={_xml_attr(names[i][0])}>\n        <attvalues>\n'
                  f'          <attvalue for="label_zh" value={_xml_attr(names[i][1])}/>\n'
                  f'          <attvalue for="type" value={_xml_attr(types[i])}/>\n')
        out.writelines(f'          <attvalue for="statements" value="{value}" start="{s}" end="{e}"/>\n' for value, s, e in node_values[i])
        out.write(f"        </attvalues>\n        <spells>\n{spells(node_values[i])}        </spells>\n      </node>\n")
    out.write("    </nodes>\n    <edges>\n")
    relation = windows[0].matrix.relation if windows else ""
    for n, ((source, target), values) in enumerate(sorted(edge_values.items())):
        out.write(f'      <edge id="e{n}" source={_xml_attr(source)} target={_xml_attr(target)}'
                  f' label={_xml_attr(relation)}>\n        <attvalues>\n')
        for weight, s, e in values:
            out.write(f'          <attvalue for="w" value="{spelt(float(weight))}" start="{s}" end="{e}"/>\n')
        out.write(f"        </attvalues>\n        <spells>\n{spells(values)}        </spells>\n      </edge>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")
    return nodes, len(edge_values)

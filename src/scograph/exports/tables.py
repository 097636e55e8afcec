"""Tables: a nodes and an edges CSV for Gephi's spreadsheet import, and the one-row-per-statement table."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .networks import Network
from .selection import (
    Filters,
    holder_states,
    select_findings,
    select_statements,
    states_about,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import ClaimsGraph


# Gephi's Data Laboratory › Import Spreadsheet recognises these column names.
_GEPHI_NODE = {"label": "Label"}
_GEPHI_EDGE = {"label": "Label", "weight": "Weight"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_nodes_csv(network: Network, out: TextIO) -> int:
    """The nodes table: ``Id``, ``Label``, then every node attribute."""
    columns = [a.name for a in network.node_attributes]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Id"] + [_GEPHI_NODE.get(c, c) for c in columns])
    count = 0
    for node in network.nodes():
        writer.writerow([node.id] + [_cell(node.attrs.get(c)) for c in columns])
        count += 1
    return count


def write_edges_csv(network: Network, out: TextIO) -> int:
    """The edges table: ``Source``, ``Target``, ``Type`` (Directed/Undirected), ``Kind`` (the relation,
    which keeps parallel edges apart in Gephi), ``Id``, ``Label``, ``Weight``, then the other attributes."""
    columns = [a.name for a in network.edge_attributes]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Source", "Target", "Type", "Kind", "Id"] + [_GEPHI_EDGE.get(c, c) for c in columns])
    direction = "Directed" if network.directed else "Undirected"
    count = 0
    for edge in network.edges():
        writer.writerow([edge.source, edge.target, direction, _cell(edge.attrs.get("relation")), f"e{count}"]
                        + [_cell(edge.attrs.get(c)) for c in columns])
        count += 1
    return count


def csv_paths(output: Path) -> tuple[Path, Path]:
    """``-o out`` or ``-o out.csv`` → ``out-nodes.csv`` and ``out-edges.csv``."""
    output = Path(output)
    stem = output.name[:-4] if output.name.lower().endswith(".csv") else output.name
    return output.with_name(f"{stem}-nodes.csv"), output.with_name(f"{stem}-edges.csv")


# --------------------------------------------------------------------- the statement table

STATEMENT_COLUMNS = [
    "id", "statement", "kind", "label", "label_zh", "country", "holder", "holder_label", "countries", "about",
    "speaker", "speaker_label", "date", "occasion", "domain", "stance", "themes", "theme_labels", "initiatives",
    "initiative_labels", "documents", "drivers", "responses", "quote", "voice", "page", "footnote", "source",
    "source_title", "url",
]
"""One row per statement: each demand (``statement`` = ``demand``), then each of the authors'
findings (``finding``). Several values in a cell are joined by ``; `` (quotes and their voices,
one per line)."""


def statement_rows(graph: "ClaimsGraph", filters: Filters | None = None) -> list[dict[str, str]]:
    """The statement table DNA users move between tools: one row per demand, every attribute a coder wants."""
    from .. import model as m

    def label(entity_id: str | None) -> str:
        entity = graph.by_id.get(entity_id) if entity_id else None
        return entity.label_en if entity else ""

    def join(values: Iterable[Any]) -> str:
        return "; ".join(str(v) for v in values if v not in (None, ""))

    def quoted(evidence: list) -> dict[str, str]:
        sources = list(dict.fromkeys(e.source for e in evidence if e.source))
        cited = [graph.by_id.get(s) for s in sources]
        return {
            "quote": "\n".join(e.quote for e in evidence),
            "voice": "\n".join(e.voice.value + (f": {e.speaker}" if e.speaker else "") for e in evidence),
            "page": join(sorted({e.page for e in evidence})),
            "footnote": join(f"p. {e.page} note {e.note}" for e in evidence if e.note is not None),
            "source": join(sources),
            "source_title": join(getattr(s, "title", "") for s in cited),
            "url": join(getattr(s, "url", "") for s in cited),
        }

    answered_by: dict[str, list[str]] = defaultdict(list)
    for response in graph.claims.responses:
        for link in response.addresses:
            answered_by[link.target].append(response.id)
    rows = []
    for expectation in select_statements(graph, filters):
        states = holder_states(graph, expectation.holder)
        holder = graph.by_id.get(expectation.holder)
        is_state = isinstance(holder, m.Actor) and holder.kind is m.ActorKind.state
        rows.append({
            "id": expectation.id,
            "statement": "demand",
            "kind": "",
            "label": expectation.label_en,
            "label_zh": expectation.label_zh,
            "country": holder.alpha2 if is_state else "",
            "holder": expectation.holder,
            "holder_label": label(expectation.holder),
            "countries": join(sorted(a.alpha2 for a in states)),
            "about": "",
            "speaker": expectation.speaker or "",
            "speaker_label": label(expectation.speaker),
            "date": expectation.date or "",
            "occasion": expectation.occasion or "",
            "domain": expectation.domain.value,
            "stance": expectation.stance.value,
            "themes": join(expectation.themes),
            "theme_labels": join(label(t) for t in expectation.themes),
            "initiatives": join(expectation.initiatives),
            "initiative_labels": join(label(i) for i in expectation.initiatives),
            "documents": join(expectation.documents),
            "drivers": join(link.target for link in expectation.drivers),
            "responses": join(sorted(answered_by[expectation.id])),
            **quoted(expectation.evidence),
        })
    for finding in select_findings(graph, filters):
        themes = [t for t in finding.about if isinstance(graph.by_id.get(t), m.Theme)]
        rows.append({
            **dict.fromkeys(STATEMENT_COLUMNS, ""),
            "id": finding.id,
            "statement": "finding",
            "kind": finding.kind.value,
            "label": finding.label_en,
            "label_zh": finding.label_zh,
            "countries": join(sorted({graph.by_id[s].alpha2 for s in states_about(graph, finding.about)})),
            "about": join(finding.about),
            "stance": finding.stance.value,
            "themes": join(themes),
            "theme_labels": join(label(t) for t in themes),
            **quoted(finding.evidence),
        })
    return rows


def write_statements(rows: list[dict[str, str]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=STATEMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)

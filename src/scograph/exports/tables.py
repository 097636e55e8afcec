"""Tables: a nodes and an edges CSV for Gephi's spreadsheet import, and the one-row-per-statement table."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..records import Records
from ..store import values_clause
from ..terms import ENTITY, entity_id
from .networks import Network
from .selection import Filters, Statements

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
    statements = Statements(graph)
    demands, findings = statements.select_demands(filters), statements.select_findings(filters)
    holders = statements.holders
    named = {d[k] for d in demands for k in ("holder", "speaker") if d[k]}
    named |= {i for d in demands for k in ("themes", "initiatives") for i in d[k]}
    named |= {i for f in findings for i in f["about"]}
    cited = {e["source"] for s in demands + findings for e in s["evidence"] if e["source"]}
    known = {r["id"]: r for r in Records(graph.store, graph.record_cache).of([ENTITY + i for i in sorted(named)])
             if r["type"]}
    titles = {entity_id(s): (title, url) for s, title, url in graph.store.rows(
        f"SELECT ?s ?title ?url WHERE {{ {values_clause('s', [ENTITY + i for i in sorted(cited)])}"
        " ?s a sco:Source . OPTIONAL { ?s dcterms:title ?title } OPTIONAL { ?s bibo:uri ?url } }")} if cited else {}

    def label(entity_id_: str | None) -> str:
        return known[entity_id_]["label"] if entity_id_ in known else ""

    def join(values: Iterable[Any]) -> str:
        return "; ".join(str(v) for v in values if v not in (None, ""))

    def quoted(evidence: list[dict]) -> dict[str, str]:
        sources = list(dict.fromkeys(e["source"] for e in evidence if e["source"]))
        return {
            "quote": "\n".join(e["quote"] for e in evidence),
            "voice": "\n".join(e["voice"] + (f": {e['speaker']}" if e["speaker"] else "") for e in evidence),
            "page": join(sorted({e["page"] for e in evidence})),
            "footnote": join(f"p. {e['page']} note {e['note']}" for e in evidence if e["note"] is not None),
            "source": join(sources),
            "source_title": join(titles.get(s, ("", ""))[0] for s in sources),
            "url": join(titles.get(s, ("", ""))[1] for s in sources),
        }

    rows = []
    for demand in demands:
        holder = demand["holder"]
        rows.append({
            "id": demand["id"],
            "statement": "demand",
            "kind": "",
            "label": demand["label"],
            "label_zh": demand["label_zh"],
            "country": holders.codes.get(holder, "") if holders.is_state(holder) else "",
            "holder": holder,
            "holder_label": label(holder),
            "countries": join(sorted(holders.codes[s] for s in holders.states(holder))),
            "about": "",
            "speaker": demand["speaker"] or "",
            "speaker_label": label(demand["speaker"]),
            "date": demand["date"] or "",
            "occasion": demand["occasion"] or "",
            "domain": demand["domain"],
            "stance": demand["stance"],
            "themes": join(demand["themes"]),
            "theme_labels": join(label(t) for t in demand["themes"]),
            "initiatives": join(demand["initiatives"]),
            "initiative_labels": join(label(i) for i in demand["initiatives"]),
            "documents": join(demand["documents"]),
            "drivers": join(demand["drivers"]),
            "responses": join(demand["responses"]),
            **quoted(demand["evidence"]),
        })
    for finding in findings:
        themes = [t for t in finding["about"] if known.get(t, {}).get("type") == "theme"]
        rows.append({
            **dict.fromkeys(STATEMENT_COLUMNS, ""),
            "id": finding["id"],
            "statement": "finding",
            "kind": finding["kind"],
            "label": finding["label"],
            "label_zh": finding["label_zh"],
            "countries": join(sorted({holders.codes[s] for s in holders.states_about(finding["about"])})),
            "about": join(finding["about"]),
            "stance": finding["stance"],
            "themes": join(themes),
            "theme_labels": join(label(t) for t in themes),
            **quoted(finding["evidence"]),
        })
    return rows


def write_statements(rows: list[dict[str, str]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=STATEMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)

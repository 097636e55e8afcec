"""Discourse networks written out: adjacency matrices as CSV, UCINET DL, the export writers' networks
(GraphML, GEXF, node and edge CSV), and plain Python / pandas objects.

UCINET DL (full matrix), as UCINET's help on the DL language gives it: the first word is ``DL``;
``N = n`` (one-mode) or ``NR = r, NC = c`` (two-mode) and ``FORMAT = FULLMATRIX``; then
``LABELS:`` (one-mode) or ``ROW LABELS:`` and ``COLUMN LABELS:`` (two-mode), labels separated by
commas or line breaks, quoted; then ``DATA:`` and one matrix row a line, cells separated by spaces.
UCINET keeps 18 characters of a label and upper-cases it: the ids are written whole, so a reader
other than UCINET (or DNA's R package) sees them as they are.
"""

from __future__ import annotations

import csv
from typing import TextIO

from .networks import Matrix


def cell(value: float, integer: bool) -> str:
    """A weight as text: a whole number without decimals when the matrix is integer, else six decimals (as DNA)."""
    if integer and float(value).is_integer():
        return str(int(value))
    text = f"{value:.6f}"
    return "0" if text in ("0.000000", "-0.000000") else text


def write_matrix_csv(matrix: Matrix, out: TextIO) -> int:
    """The adjacency matrix: a header of column ids (first cell empty), then each row's id and cells."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([""] + matrix.columns)
    for row, values in zip(matrix.rows, matrix.values):
        writer.writerow([row] + [cell(v, matrix.integer) for v in values])
    return len(matrix.rows)


def _quoted(label: str) -> str:
    return '"' + label.replace('"', "'") + '"'


def write_dl(matrix: Matrix, out: TextIO) -> int:
    """The matrix as a UCINET DL full-matrix file (see the module docstring)."""
    if matrix.one_mode:
        out.write(f"DL N = {len(matrix.rows)}, FORMAT = FULLMATRIX\nLABELS:\n")
        out.write(",\n".join(_quoted(r) for r in matrix.rows) + "\n")
    else:
        out.write(f"DL NR = {len(matrix.rows)}, NC = {len(matrix.columns)}, FORMAT = FULLMATRIX\nROW LABELS:\n")
        out.write(",\n".join(_quoted(r) for r in matrix.rows) + "\nCOLUMN LABELS:\n")
        out.write(",\n".join(_quoted(c) for c in matrix.columns) + "\n")
    out.write("DATA:\n")
    out.writelines(" ".join(cell(v, matrix.integer) for v in values) + "\n" for values in matrix.values)
    return len(matrix.rows)


def records(matrix: Matrix, graph=None) -> list[dict]:
    """The non-zero cells as plain dicts ``{source, target, weight}`` (with labels when ``graph`` is given)."""
    from .statements import labels

    names = labels(graph, matrix.rows + matrix.columns) if graph is not None else {}
    found = []
    for source, target, weight in matrix.edges():
        row = {"source": source, "target": target, "weight": weight, "relation": matrix.relation}
        if names:
            row["source_label"], row["target_label"] = names[source][0], names[target][0]
        found.append(row)
    return found


def _node_type(graph, ids: list[str]) -> dict[str, str]:
    """``actor``, ``theme`` or ``expectation`` for each id, from the graph's classes."""
    kinds = graph._types_of(ids) if ids else {}
    return {i: kinds.get(i, "actor") for i in ids}


def to_network(graph, matrix: Matrix, name: str):
    """An :class:`scograph.exports.Network` of ``matrix`` (non-zero cells as edges), for the export
    writers: nodes carry their labels in both languages, their type and their number of statements."""
    from ..exports import Edge, Network, Node
    from .statements import labels

    ids = sorted(set(matrix.rows) | set(matrix.columns))
    names = labels(graph, ids)
    types = _node_type(graph, ids)
    interval = (matrix.start.isoformat(), matrix.end.isoformat()) if matrix.start and matrix.end else None
    nodes = [Node(i, {"label": names[i][0], "label_zh": names[i][1], "type": types[i],
                      "statements": matrix.counts.get(i, 0)}) for i in ids]
    edges = [Edge(s, t, {"label": matrix.relation, "relation": matrix.relation, "weight": round(float(w), 6)}, interval)
             for s, t, w in matrix.edges()]
    return Network.of(name, False, nodes, edges)

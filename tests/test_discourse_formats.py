"""Discourse matrices written out: UCINET DL read back by a parser written from UCINET's help on the
DL language, adjacency CSV read back by Python's csv, networks for the export writers, plain records."""

from __future__ import annotations

import csv
import io
import re

import networkx as nx
import pytest

from scograph.discourse import formats as f
from scograph.discourse import networks as n
from scograph.exports import write_gexf, write_graphml

from .conftest import requires


def read_dl(text: str) -> tuple[list[str], list[str], list[list[float]]]:
    """A UCINET DL full-matrix reader, from UCINET's documentation: ``DL`` first; ``N =`` or ``NR =``,
    ``NC =``; ``FORMAT = FULLMATRIX``; ``LABELS:`` or ``ROW LABELS:`` / ``COLUMN LABELS:`` (labels
    separated by spaces, commas or line breaks, quoted when needed); ``DATA:`` then the rows."""
    assert text.split()[0].upper() == "DL"
    head, data = re.split(r"(?im)^data:\s*$", text, maxsplit=1)
    sizes = {k.upper(): int(v) for k, v in re.findall(r"(?i)\b(nr|nc|n)\s*=\s*(\d+)", head)}
    assert re.search(r"(?i)format\s*=\s*fullmatrix", head)

    def labels(section: str) -> list[str]:
        return [a or b for a, b in re.findall(r'"([^"]*)"|([^\s,"]+)', section)]

    if "N" in sizes:
        rows = columns = labels(re.split(r"(?im)^labels:\s*$", head)[1])
        nr = nc = sizes["N"]
    else:
        _, rest = re.split(r"(?im)^row labels:\s*$", head)
        row_part, column_part = re.split(r"(?im)^column labels:\s*$", rest)
        rows, columns = labels(row_part), labels(column_part)
        nr, nc = sizes["NR"], sizes["NC"]
    cells = [float(v) for v in data.split()]
    assert (len(rows), len(columns), len(cells)) == (nr, nc, nr * nc)
    return rows, columns, [cells[r * nc:(r + 1) * nc] for r in range(nr)]


@pytest.mark.parametrize("spec", [n.Spec("actors", "congruence", "average"), n.Spec("two-mode", "subtract")])
def test_dl_reads_back_to_the_same_matrix(graph, spec):
    built = n.matrix(graph, spec, n.Selection())
    out = io.StringIO()
    f.write_dl(built, out)
    rows, columns, values = read_dl(out.getvalue())
    assert (rows, columns) == (built.rows, built.columns)
    assert values == [[pytest.approx(v, abs=1e-6) for v in row] for row in built.values]


def test_the_adjacency_csv_is_rows_by_columns_with_whole_counts(graph):
    built = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection())
    out = io.StringIO()
    f.write_matrix_csv(built, out)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0] == ["", "kg", "kz", "tj", "uz"]
    assert table[1][:3] == ["kg", "0", "89"]
    assert [row[0] for row in table[1:]] == built.rows


def test_networks_go_through_the_export_writers(graph):
    built = n.matrix(graph, n.Spec("actors", "congruence", "jaccard"), n.Selection())
    network = f.to_network(graph, built, "actor-congruence")
    out = io.StringIO()
    write_graphml(network, out)
    read = nx.read_graphml(io.StringIO(out.getvalue()))
    assert read.nodes["kz"]["label"] == "Kazakhstan" and read.nodes["kz"]["statements"] == 47
    assert read.edges["kg", "kz"]["weight"] == pytest.approx(built.weight("kg", "kz"), abs=1e-6)
    out = io.StringIO()
    write_gexf(network, out)
    assert nx.read_gexf(io.StringIO(out.getvalue())).number_of_edges() == len(built.edges())


def test_plain_records_name_both_ends(graph):
    built = n.matrix(graph, n.Spec("actors", "congruence"), n.Selection())
    rows = f.records(built, graph)
    assert {"source": "kg", "target": "kz", "weight": 89.0, "relation": "congruence",
            "source_label": "Kyrgyzstan", "target_label": "Kazakhstan"} in rows


def test_pandas_when_installed(graph):
    pd = requires("pandas", "pip install 'scograph[pandas]'")
    frame = n.matrix(graph, n.Spec("two-mode"), n.Selection()).to_pandas()
    assert isinstance(frame, pd.DataFrame) and frame.loc["kz", "theme-multi-vector-balance"] == 1

"""One renderer for every listing: a table for people, JSON and CSV for tools.

A listing is a list of records (dicts) plus the columns a person wants to see;
JSON prints the records whole, CSV and the table print the columns.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class RdfSyntax(str, Enum):
    """Line-based RDF syntaxes a corpus is written in."""

    ttl = "ttl"
    nt = "nt"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict], Any]
    max_width: int = 48


def field(name: str, header: str | None = None, max_width: int = 48) -> Column:
    return Column(header or name, lambda record: record.get(name), max_width)


def pages(record: dict) -> str:
    return ", ".join(str(p) for p in sorted({e["page"] for e in record.get("evidence", [])}))


def quotes(record: dict) -> str:
    return "\n".join(f"p. {e['page']}: {e['quote']}" for e in record.get("evidence", []))


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def width(text: str) -> int:
    """Columns a string takes on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def to_table(records: Sequence[dict], columns: Sequence[Column]) -> str:
    rows = [[_fit(cell(c.value(r)), c.max_width) for c in columns] for r in records]
    headers = [c.header for c in columns]
    widths = [max([width(h)] + [width(row[i]) for row in rows]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (widths[i] - width(v)) for i, v in enumerate(values)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])] + [line(row) for row in rows]
    return "\n".join(out) + "\n"


def to_csv(records: Sequence[dict], columns: Sequence[Column]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for record in records:
        writer.writerow([cell(c.value(record)) for c in columns])
    return buffer.getvalue()


def to_json(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` and a newline, byte for byte.

    A list of records is written record by record, and a nested dict that appears in
    several records (a path's driver, say) is encoded once: with an indent, ``json`` runs
    its pure-Python encoder, the cost of a large answer.
    """
    if not isinstance(data, list) or not data or not all(
            isinstance(item, dict) and all(isinstance(key, str) for key in item) for item in data):
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    encoded: dict[int, str] = {}

    def nested(value: Any) -> str:
        if isinstance(value, dict) and value:
            text = encoded.get(id(value))
            if text is None:
                text = encoded[id(value)] = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            return text
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n    ")

    def item(record: dict) -> str:
        if not record:
            return "  {}"
        fields = ",\n".join(f"    {json.dumps(k, ensure_ascii=False)}: {nested(v)}" for k, v in record.items())
        return "  {\n" + fields + "\n  }"

    return "[\n" + ",\n".join(item(record) for record in data) + "\n]\n"


def render(records: Sequence[dict], columns: Sequence[Column], fmt: Format) -> str:
    if fmt is Format.json:
        return to_json(list(records))
    if fmt is Format.csv:
        return to_csv(records, columns)
    return to_table(records, columns)

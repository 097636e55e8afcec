"""One renderer for every listing: a table for people, JSON and CSV for tools.

A listing is a list of records (dicts) plus the columns a person wants to see;
JSON prints the records whole, CSV and the table print the columns.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from json.encoder import encode_basestring as _json_string  # the C encoder where there is one
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


def voice(item: dict) -> str:
    """Whose words a quote is: ``the authors``, or ``reported: rahmon (Emomali Rahmon), 2019-04-17, at evt-…``."""
    if item.get("voice", "authors") == "authors" or not item.get("speaker"):
        return "the authors"
    name = f" ({item['speaker_label']})" if item.get("speaker_label") else ""
    said = "".join(f", {part}" for part in (item.get("date"), item.get("occasion") and f"at {item['occasion']}") if part)
    return f"{item['voice']}: {item['speaker']}{name}{said}"


def quotes(record: dict) -> str:
    """Each quote on a line of its own, with its page and whose words it is."""
    return "\n".join(f"p. {e['page']}, {voice(e)}: {e['quote']}" for e in record.get("evidence", []))


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
    import csv  # here, not at the top: a C extension that JSON and table output never need (a cold start's ms)
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for record in records:
        writer.writerow([cell(c.value(record)) for c in columns])
    return buffer.getvalue()


def to_json(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` and a newline, byte for byte, faster.

    With an indent, ``json`` runs its pure-Python encoder, the cost of a large answer
    (27 MB for the paths of a million triples). This one writes the same text in one
    pass, with the C string encoder, and encodes a dict that appears in several places
    at the same depth (a path's driver, say) only once.
    """
    out: list[str] = []
    _encode_indented(data, "", out, {})
    return "".join(out) + "\n"


def _json_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _json_float(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _encode_indented(value: Any, indent: str, out: list[str], encoded: dict) -> None:
    if isinstance(value, str):
        out.append(_json_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_json_float(value))
    elif isinstance(value, (dict, list, tuple)):
        is_dict = isinstance(value, dict)
        if not value:
            out.append("{}" if is_dict else "[]")
            return
        seen = encoded.get((id(value), len(indent))) if is_dict else None
        if seen is not None:
            out.append(seen)
            return
        start, inner = len(out), indent + "  "
        separator = ",\n" + inner
        out.append(("{" if is_dict else "[") + "\n" + inner)
        for index, item in enumerate(value.items() if is_dict else value):
            if index:
                out.append(separator)
            if is_dict:
                key, item = item
                out.append(_json_string(_json_key(key)))
                out.append(": ")
            _encode_indented(item, inner, out, encoded)
        out.append("\n" + indent + ("}" if is_dict else "]"))
        if is_dict:
            encoded[(id(value), len(indent))] = "".join(out[start:])
    else:
        out.append(json.dumps(value))  # anything else: json's own TypeError


def json_value(value: Any) -> str:
    """One value as :func:`to_json` writes it inside a listing, without the newline."""
    return to_json(value)[:-1]


def json_object(fields: Sequence[tuple[str, str]]) -> str:
    """:func:`to_json` of a dict (without the newline), its values given as their own :func:`to_json` text.

    Text spliced in this way is indented by replacing its line breaks: JSON strings hold none
    (they are written ``\\n``), so every line break in the text is the encoder's own."""
    if not fields:
        return "{}"
    return "{\n" + ",\n".join(f"  {_json_string(key)}: {text.replace(chr(10), chr(10) + '  ')}"
                               for key, text in fields) + "\n}"


def json_list(items: Sequence[str]) -> str:
    """:func:`to_json` of a list, its items given as their own :func:`to_json` text (without the newline)."""
    if not items:
        return "[]\n"
    return "[\n  " + ",\n  ".join(item.replace("\n", "\n  ") for item in items) + "\n]\n"


def render(records: Sequence[dict], columns: Sequence[Column], fmt: Format) -> str:
    if fmt is Format.json:
        return to_json(list(records))
    if fmt is Format.csv:
        return to_csv(records, columns)
    return to_table(records, columns)

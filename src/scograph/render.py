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
from functools import lru_cache
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
    """Where a cell is cut when the width of the terminal is not known (a pipe, a file)."""
    flex: bool = False
    """On a terminal, the column takes the width the others leave (labels), instead of ``max_width``."""
    wrap: bool = False
    """On a terminal, a flexible column's long text goes on over several lines instead of being cut."""


def field(name: str, header: str | None = None, max_width: int = 48, flex: bool = False, wrap: bool = False) -> Column:
    return Column(header or name, lambda record: record.get(name), max_width, flex, wrap)


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


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns one character takes on a terminal, as wcwidth counts them: two for wide and full-width
    (CJK) characters, none for combining marks and format characters (zero-width joiners), else one."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 2
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 1


def width(text: str) -> int:
    """Columns a string takes on a terminal: CJK characters take two, combining marks none."""
    if text.isascii():
        return len(text)  # most cells: a thirtieth of the time of measuring them by characters (benchmarks/tables.py)
    wide = text.translate(_NOT_ASCII)  # the few others (a cut label's ellipsis, Chinese), picked out in C
    return len(text) - len(wide) + sum(map(char_width, wide))


_NOT_ASCII = dict.fromkeys(range(128))
"""For ``str.translate``: drops every ASCII character."""


def _fit(text: str, limit: int | None) -> str:
    """The text on one line, cut to ``limit`` columns with an ellipsis (not cut when ``limit`` is None)."""
    text = " ".join(text.split())
    if limit is None or width(text) <= limit:
        return text
    if text.isascii():
        return text[:max(limit - 1, 0)] + "…"
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def wrap(text: str, limit: int) -> list[str]:
    """The text in lines of at most ``limit`` columns, broken at spaces, and between any two characters
    of a word too long for a line (Chinese has no spaces: a line of it breaks where it is full)."""
    limit = max(limit, 2)  # room for one wide character
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = width(word)
        if line and used + 1 + size <= limit:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        line, used = "", 0
        for ch in word if size > limit else (word,):  # a word longer than a line: by characters
            w = width(ch)
            if used + w > limit:
                lines.append(line)
                line, used = "", 0
            line, used = line + ch, used + w
    if line or not lines:
        lines.append(line)
    return lines


def _shares(natural: list[int], room: int, least: list[int]) -> list[int]:
    """Widths for the flexible columns: each its natural width if all fit in ``room``, else an even share
    of it, a narrow column giving what it does not need to the wide ones (never under its ``least``)."""
    if sum(natural) <= room:
        return natural
    shares = [0] * len(natural)
    left, open_ = room, sorted(range(len(natural)), key=lambda i: natural[i])
    while open_:
        share = left // len(open_)
        i = open_.pop(0)
        shares[i] = max(min(natural[i], share), least[i])
        left -= shares[i]
    return shares


def to_table(records: Sequence[dict], columns: Sequence[Column], terminal: int | None = None,
             wide: bool = False) -> str:
    """Columns aligned by display width. ``wide``: no cell cut. ``terminal``: the terminal's width, which
    the flexible columns (labels) fill, the others cut as on a pipe; None: every column cut at its ``max_width``."""
    headers = [c.header for c in columns]
    flexible = {i for i, c in enumerate(columns) if c.flex} if terminal is not None and not wide else set()
    limits: list[int | None] = [None if wide or i in flexible else c.max_width for i, c in enumerate(columns)]
    texts = [[_fit(cell(c.value(r)), limits[i]) for i, c in enumerate(columns)] for r in records]
    wrapped = set()
    if flexible:
        fixed = sum(max([width(headers[i])] + [width(row[i]) for row in texts])
                    for i in range(len(columns)) if i not in flexible)
        room = terminal - fixed - 2 * (len(columns) - 1)
        order = sorted(flexible)
        natural = [max([width(headers[i])] + [width(row[i]) for row in texts]) for i in order]
        least = [max(width(headers[i]), 8) for i in order]
        for i, share in zip(order, _shares(natural, room, least)):
            limits[i] = share
            if columns[i].wrap:
                wrapped.add(i)
        texts = [[_fit(t, limits[i]) if i in flexible and i not in wrapped else t for i, t in enumerate(row)]
                 for row in texts]
    rows = texts
    if wrapped:
        rows = []
        for row in texts:
            cells = [wrap(t, limits[i]) if i in wrapped else [t] for i, t in enumerate(row)]
            rows += [[lines[n] if n < len(lines) else "" for lines in cells] for n in range(max(map(len, cells)))]
    measured = [list(map(width, row)) for row in rows]  # each cell measured once
    header_widths = list(map(width, headers))
    widths = [max([header_widths[i]] + [sizes[i] for sizes in measured]) for i in range(len(headers))]

    def line(values: list[str], sizes: list[int]) -> str:
        return "  ".join(v + " " * (widths[i] - sizes[i]) for i, v in enumerate(values)).rstrip()

    out = [line(headers, header_widths), line(["-" * w for w in widths], widths)]
    out += [line(row, sizes) for row, sizes in zip(rows, measured)]
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


def json_list(items: Sequence[str]) -> str:
    """:func:`to_json` of a list, its items given as their own :func:`to_json` text (without the newline).

    Text spliced in this way is indented by replacing its line breaks: JSON strings hold none
    (they are written ``\\n``), so every line break in the text is the encoder's own."""
    if not items:
        return "[]\n"
    return "[\n  " + ",\n  ".join(item.replace("\n", "\n  ") for item in items) + "\n]\n"


def json_rows(rows: Sequence[Sequence[tuple[str, str]]]) -> str:
    """:func:`to_json` of a list of dicts, each given as its (key, value's :func:`to_json` text) pairs.

    A text that several rows share (a record on many paths) is indented once, as :func:`json_list` indents."""
    if not rows:
        return "[]\n"
    indented: dict[str, str] = {}

    def nested(text: str) -> str:
        found = indented.get(text)
        if found is None:
            found = indented[text] = text.replace("\n", "\n    ")
        return found

    keys: dict[str, str] = {}
    out = []
    for row in rows:
        if not row:
            out.append("{}")
            continue
        fields = []
        for key, text in row:
            spelt = keys.get(key)
            if spelt is None:
                spelt = keys[key] = f"    {_json_string(key)}: "
            fields.append(spelt + nested(text))
        out.append("{\n" + ",\n".join(fields) + "\n  }")
    return "[\n  " + ",\n  ".join(out) + "\n]\n"


def render(records: Sequence[dict], columns: Sequence[Column], fmt: Format, terminal: int | None = None,
           wide: bool = False) -> str:
    """Records as ``fmt``; a table fits ``terminal`` columns when given, and cuts nothing when ``wide``."""
    if fmt is Format.json:
        return to_json(list(records))
    if fmt is Format.csv:
        return to_csv(records, columns)
    return to_table(records, columns, terminal, wide)

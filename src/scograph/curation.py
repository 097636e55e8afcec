"""Curation files (TOML, one per part of a paper) compiled into one claims graph.

Curators edit ``data/curation/*.toml``; :func:`build` compiles them,
deterministically, into ``data/claims.ttl``. Errors name the file and the line
of the entity's ``id``, the field, and the rule that failed.

Every quote is anchored in its page (the text just before and after it, for its W3C
Web Annotation target). The paper's text is not part of the project, so the anchors
are kept in a generated file, ``anchors.toml`` beside the curation files, that
:func:`fill_anchors` (``scograph build --anchors PAPER``) writes from the paper and the
build joins to each piece of evidence by (paper, page, quote).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .checks.references import check_claims
from .errors import DataFileError, OutOfDate, Problem, ValidationFailed
from .model import ENTITY_TYPES, Claims
from .terms import ENTITY_TABLES

_PLURAL = ENTITY_TABLES
"""TOML table name -> Claims field."""
ANCHORS_FILE = "anchors.toml"
"""The generated file of anchors in a curation directory (``[[anchor]]`` tables)."""
_ANCHOR_TABLE = "anchor"
_LINK_FIELDS = ("drivers", "addresses")
_ID_LINE = re.compile(r'^\s*id\s*=\s*["\']([^"\']+)["\']', re.M)


@dataclass
class CurationSet:
    """The compiled claims and, for each entity id, where it is defined."""

    claims: Claims
    locations: dict[str, str] = field(default_factory=dict)

    def locate(self, entity_id: str) -> str:
        return self.locations.get(entity_id, entity_id)


def _read_toml(path: Path) -> tuple[dict, str]:
    from .fileio import read_text

    text = read_text(path, "curation file")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path}: malformed TOML: {error}") from None


def _fill_paper(table: dict, paper: str | None) -> None:
    """Give evidence and citations the file's paper unless they name one."""

    def fill(items):
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and paper is not None:
                    item.setdefault("paper", paper)

    fill(table.get("evidence"))
    fill(table.get("citations"))
    for link_field in _LINK_FIELDS:
        for link in table.get(link_field) or []:
            if isinstance(link, dict):
                fill(link.get("evidence"))


def _evidence_items(table: dict) -> list[dict]:
    """The evidence tables of an entity's table: its own, and its links'."""
    lists = [table.get("evidence")] + [
        link.get("evidence") for f in _LINK_FIELDS for link in table.get(f) or [] if isinstance(link, dict)
    ]
    return [item for items in lists if isinstance(items, list) for item in items if isinstance(item, dict)]


def _fill_sources(table: dict, cited: dict[tuple, str]) -> None:
    """Resolve each evidence's footnote (paper, page, note) to the source it cites."""
    for item in _evidence_items(table):
        if item.get("note") is not None and "source" not in item:
            source = cited.get((item.get("paper"), item.get("page"), item.get("note")))
            if source is not None:
                item["source"] = source


def _anchor_key(item: dict) -> tuple:
    return (item.get("paper"), item.get("page"), item.get("quote"))


def _fill_anchors(table: dict, anchors: dict[tuple, dict]) -> list[dict]:
    """Give each evidence its anchor from the anchors table; return the evidence that has none."""
    missing = []
    for item in _evidence_items(table):
        if "anchor" in item:
            continue
        found = anchors.get(_anchor_key(item))
        if found is None:
            missing.append(item)
        else:
            item["anchor"] = dict(found)
    return missing


def _read_anchor(item, path: Path, anchors: dict[tuple, dict]) -> Problem | None:
    """Add one ``[[anchor]]`` table to ``anchors``; a malformed or repeated one is a problem."""
    fields = {"paper": str, "page": int, "quote": str, "prefix": str, "suffix": str}
    if not isinstance(item, dict) or set(item) != set(fields) or not all(
            isinstance(item[name], kind) for name, kind in fields.items()):
        return Problem(str(path), f"an [[anchor]] needs exactly {', '.join(fields)} (strings; page an integer); "
                       "regenerate the file: scograph build --anchors PAPER", "anchor")
    key = _anchor_key(item)
    if key in anchors:
        return Problem(str(path), f"p. {key[1]}: the quote {key[2][:24]!r}… is anchored twice; "
                       "regenerate the file: scograph build --anchors PAPER", "anchor")
    anchors[key] = {"prefix": item["prefix"], "suffix": item["suffix"]}
    return None


def _format_error(where: str, entity_id: str, error: dict) -> Problem:
    loc = ".".join(str(part) for part in error["loc"])
    return Problem(where, f"{entity_id}: {loc or '(entity)'}: {error['msg']}", error["type"])


def load_curation(paths: list[Path]) -> CurationSet:
    """Read curation files into validated claims; raise ValidationFailed listing every problem."""
    curated, problems = compile_curation(paths)
    if problems:
        raise ValidationFailed(problems, "curation")
    return curated


def _where(path: Path, lines: dict[str, int], entity_id: str) -> str:
    return f"{path}:{lines[entity_id]}" if entity_id in lines else str(path)


def _read_tables(paths: list[Path]) -> tuple[list[tuple[Path, str, str, dict, dict[str, int]]], dict, list[Problem]]:
    """Every entity table of the files, as (path, text, table, item, id lines), with the paper filled in;
    the anchors of the ``[[anchor]]`` tables; the problems of tables that are not entities."""
    raw: list[tuple[Path, str, str, dict, dict[str, int]]] = []
    anchors: dict[tuple, dict] = {}
    problems: list[Problem] = []
    for path in sorted(paths):
        data, text = _read_toml(path)
        # ``paper = "id"`` names the paper quoted in this file; ``[[paper]]`` defines papers.
        paper = data.pop("paper") if isinstance(data.get("paper"), str) else None
        lines = {}
        for match in _ID_LINE.finditer(text):
            lines.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
        for table_name, items in data.items():
            if table_name == _ANCHOR_TABLE and isinstance(items, list):
                problems.extend(p for item in items if (p := _read_anchor(item, path, anchors)) is not None)
                continue
            if table_name not in _PLURAL or not isinstance(items, list):
                problems.append(Problem(
                    str(path),
                    f"unknown table {table_name!r}; valid: {', '.join('[[' + t + ']]' for t in _PLURAL)}",
                    "table",
                ))
                continue
            for item in items:
                if isinstance(item, dict):
                    _fill_paper(item, paper)
                raw.append((path, text, table_name, item, lines))
    return raw, anchors, problems


def compile_curation(paths: list[Path]) -> tuple[CurationSet, list[Problem]]:
    """Read curation files into claims (the entities that validate) and the problems found."""
    raw, anchors, problems = _read_tables(paths)
    where = _where

    # Sources first, so that evidence can name a footnote and get its source.
    entities: dict[str, list] = {plural: [] for plural in _PLURAL.values()}
    locations: dict[str, str] = {}
    order = sorted(raw, key=lambda r: r[2] not in ("paper", "source"))
    cited: dict[tuple, str] = {}
    for path, _text, table_name, item, lines in order:
        entity_id = str(item.get("id", "?"))
        location = where(path, lines, entity_id)
        if not isinstance(item, dict):
            problems.append(Problem(location, f"[[{table_name}]] must be a table", "table"))
            continue
        if table_name not in ("paper", "source"):
            _fill_sources(item, cited)
            for evidence in _fill_anchors(item, anchors):
                problems.append(Problem(
                    location,
                    f"{entity_id}: evidence p. {evidence.get('page')}: no anchor for the quote "
                    f"{str(evidence.get('quote'))[:24]!r}… in {ANCHORS_FILE}; run: scograph build --anchors PAPER",
                    "anchor",
                ))
        try:
            entity = ENTITY_TYPES[table_name].model_validate(item)
        except ValidationError as error:
            problems.extend(_format_error(location, entity_id, e) for e in error.errors())
            continue
        entities[_PLURAL[table_name]].append(entity)
        locations.setdefault(entity.id, location)
        for citation in getattr(entity, "citations", []):
            cited[(citation.paper, citation.page, citation.note)] = entity.id

    claims = Claims(**entities)
    problems.extend(check_claims(claims, lambda i: locations.get(i, i)))
    return CurationSet(claims, locations), problems


def curation_files(directory: Path) -> list[Path]:
    try:
        if not directory.is_dir():
            raise DataFileError(f"no curation directory at {directory}")
        files = sorted(directory.glob("*.toml"))
    except (OSError, ValueError) as error:  # a name too long, a NUL, a directory that cannot be listed
        raise DataFileError(f"cannot read the curation directory {directory}: {getattr(error, 'strerror', None) or error}") from None
    if not files:
        raise DataFileError(f"no *.toml curation files in {directory}")
    return files


def compile_turtle(directory: Path) -> str:
    """The Turtle text that the curation files in ``directory`` compile to."""
    from .rdf.mapping import claims_to_turtle

    return claims_to_turtle(load_curation(curation_files(directory)).claims)


def _toml_string(text: str) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX …) are TOML's basic-string escapes; TOML also forbids a raw
    # DEL, which JSON leaves as it is. A property test reads every written string back with tomllib.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


ANCHORS_HEADER = """\
# The text just before and after each quote on its page (at most 12 characters each side, from the
# page's normalised text: footnote markers dropped, white space collapsed), for the quote's W3C Web
# Annotation target (oa:TextQuoteSelector). Generated from the paper's text, which is not part of
# the project; the build joins each anchor to the evidence with the same paper, page and quote.
# Do not edit: after adding or changing quotes, run
#     scograph build --anchors PATH/TO/PAPER.txt
"""


def anchors_text(anchors: dict[tuple, "object"]) -> str:
    """The anchors file: one ``[[anchor]]`` table per (paper, page, quote), in that order."""
    parts = [ANCHORS_HEADER]
    for (paper, page, quote), anchor in sorted(anchors.items()):
        parts.append(
            f"\n[[anchor]]\npaper = {_toml_string(paper)}\npage = {page}\nquote = {_toml_string(quote)}\n"
            f"prefix = {_toml_string(anchor.prefix)}\nsuffix = {_toml_string(anchor.suffix)}\n"
        )
    return "".join(parts)


def fill_anchors(directory: Path, paper_text: str, check: bool = False) -> bool:
    """Write ``directory/anchors.toml`` from the paper's text: an anchor for every quote of the curation files.

    Every quote must stand verbatim on its page (else ValidationFailed lists them and nothing is
    written). With ``check``, raise OutOfDate instead of writing. Returns True when the file was
    (or would be) changed.
    """
    from .checks.quotes import find_anchor, split_pages

    raw, _, problems = _read_tables(curation_files(directory))
    first_pages = {item.get("id"): item.get("first_page") for _, _, table_name, item, _ in raw
                   if table_name == "paper" and isinstance(item, dict)}
    wanted: dict[tuple, tuple[str, str]] = {}  # (paper, page, quote) -> (file:line, entity id)
    for path, _, table_name, item, lines in raw:
        if not isinstance(item, dict) or table_name in ("paper", "source"):
            continue
        for evidence in _evidence_items(item):
            key = _anchor_key(evidence)
            if isinstance(key[1], int) and isinstance(key[2], str):
                wanted.setdefault(key, (_where(path, lines, str(item.get("id"))), str(item.get("id"))))
    pages: dict[str, dict[int, str]] = {}
    anchors = {}
    for key, (where, entity_id) in sorted(wanted.items(), key=lambda entry: tuple(map(str, entry[0]))):
        paper, page, quote = key
        if not isinstance(first_pages.get(paper), int):
            problems.append(Problem(where, f"{entity_id}: evidence: no [[paper]] {paper!r} with a first_page "
                                    "to split the text by", "anchor"))
            continue
        if paper not in pages:
            pages[paper] = {number: part.text() for number, part in split_pages(paper_text, first_pages[paper]).items()}
        anchor = find_anchor(pages[paper].get(page, ""), quote)
        if anchor is None:
            elsewhere = [n for n, text in pages[paper].items() if find_anchor(text, quote) is not None]
            hint = f"found on p. {elsewhere[0]} instead" if elsewhere else "not found in the paper"
            problems.append(Problem(where, f"{entity_id}: evidence p. {page}: quote not verbatim on this page "
                                    f"({hint}), so it cannot be anchored: {quote[:24]}…", "verbatim-quote"))
            continue
        anchors[key] = anchor
    if problems:
        raise ValidationFailed(problems, "anchors")
    return _write_or_check(directory / ANCHORS_FILE, anchors_text(anchors), check,
                           f"the quotes of {directory}; run: scograph build --anchors PAPER")


def _write_or_check(output: Path, text: str, check: bool, source: str) -> bool:
    """Write ``text`` to ``output`` unless it holds it already; with ``check``, raise OutOfDate instead."""
    from .fileio import read_text, write_atomic

    try:
        current = read_text(output, "output file")
    except DataFileError as error:
        if os.path.exists(output):  # there, but a directory, a device, unreadable or not text: not ours to replace
            raise DataFileError(f"{error}; build does not replace it (choose another --output)") from None
        current = None
    if current == text:
        return False
    if check:
        raise OutOfDate(f"{output} is out of date with {source}")
    write_atomic(output, text)
    return True


def build(directory: Path, output: Path, check: bool = False) -> bool:
    """Compile ``directory`` into ``output``; with ``check``, raise OutOfDate instead of writing.

    Returns True when ``output`` was (or would be) changed.
    """
    return _write_or_check(output, compile_turtle(directory), check, f"{directory}; run: scograph build")

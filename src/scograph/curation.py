"""Curation files (TOML, one per part of a paper) compiled into one claims graph.

Curators edit ``data/curation/*.toml``; :func:`build` compiles them,
deterministically, into ``data/claims.ttl``. Errors name the file and the line
of the entity's ``id``, the field, and the rule that failed.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .checks import check_claims
from .errors import DataFileError, OutOfDate, Problem, ValidationFailed
from .model import ENTITY_TYPES, Claims

# TOML table name -> Claims field
_PLURAL = {
    "paper": "papers", "source": "sources", "actor": "actors", "theme": "themes",
    "driver": "drivers", "expectation": "expectations", "response": "responses",
    "initiative": "initiatives", "document": "documents", "event": "events", "indicator": "indicators",
}
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
    for link_field in ("drivers", "addresses"):
        for link in table.get(link_field) or []:
            if isinstance(link, dict):
                fill(link.get("evidence"))


def _fill_sources(table: dict, cited: dict[tuple, str]) -> None:
    """Resolve each evidence's footnote (paper, page, note) to the source it cites."""
    evidence_lists = [table.get("evidence")] + [
        link.get("evidence") for f in ("drivers", "addresses") for link in table.get(f) or [] if isinstance(link, dict)
    ]
    for items in evidence_lists:
        for item in items or []:
            if isinstance(item, dict) and item.get("note") is not None and "source" not in item:
                source = cited.get((item.get("paper"), item.get("page"), item.get("note")))
                if source is not None:
                    item["source"] = source


def _format_error(where: str, entity_id: str, error: dict) -> Problem:
    loc = ".".join(str(part) for part in error["loc"])
    return Problem(where, f"{entity_id}: {loc or '(entity)'}: {error['msg']}", error["type"])


def load_curation(paths: list[Path]) -> CurationSet:
    """Read curation files into validated claims; raise ValidationFailed listing every problem."""
    curated, problems = compile_curation(paths)
    if problems:
        raise ValidationFailed(problems, "curation")
    return curated


def compile_curation(paths: list[Path]) -> tuple[CurationSet, list[Problem]]:
    """Read curation files into claims (the entities that validate) and the problems found."""
    raw: list[tuple[Path, str, str, dict, dict[str, int]]] = []  # (path, text, table, item, id lines)
    problems: list[Problem] = []
    for path in sorted(paths):
        data, text = _read_toml(path)
        # ``paper = "id"`` names the paper quoted in this file; ``[[paper]]`` defines papers.
        paper = data.pop("paper") if isinstance(data.get("paper"), str) else None
        lines = {}
        for match in _ID_LINE.finditer(text):
            lines.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
        for table_name, items in data.items():
            if table_name not in _PLURAL or not isinstance(items, list):
                problems.append(Problem(
                    str(path),
                    f"unknown table {table_name!r}; valid: {', '.join('[[' + t + ']]' for t in _PLURAL)}",
                    "table",
                ))
                continue
            for item in items:
                _fill_paper(item, paper)
                raw.append((path, text, table_name, item, lines))

    def where(path: Path, lines: dict[str, int], entity_id: str) -> str:
        return f"{path}:{lines[entity_id]}" if entity_id in lines else str(path)

    # Sources first, so that evidence can name a footnote and get its source.
    entities: dict[str, list] = {plural: [] for plural in _PLURAL.values()}
    locations: dict[str, str] = {}
    order = sorted(raw, key=lambda r: r[2] not in ("paper", "source"))
    cited: dict[tuple, str] = {}
    for path, _text, table_name, item, lines in order:
        entity_id = str(item.get("id", "?"))
        location = where(path, lines, entity_id)
        if table_name not in ("paper", "source"):
            _fill_sources(item, cited)
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
    from .mapping import claims_to_turtle

    return claims_to_turtle(load_curation(curation_files(directory)).claims)


def build(directory: Path, output: Path, check: bool = False) -> bool:
    """Compile ``directory`` into ``output``; with ``check``, raise OutOfDate instead of writing.

    Returns True when ``output`` was (or would be) changed.
    """
    from .fileio import read_text, write_atomic

    turtle = compile_turtle(directory)
    try:
        current = read_text(output, "claims file")
    except DataFileError as error:
        if os.path.exists(output):  # there, but a directory, a device, unreadable or not text: not ours to replace
            raise DataFileError(f"{error}; build does not replace it (choose another --output)") from None
        current = None
    if current == turtle:
        return False
    if check:
        raise OutOfDate(f"{output} is out of date with {directory}; run: scograph build")
    write_atomic(output, turtle)
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m scograph.curation [--paper TEXT] [DIR]``: check curation files and quotes."""
    import argparse

    from .provenance import check_quotes, iter_evidence

    parser = argparse.ArgumentParser(prog="python -m scograph.curation")
    parser.add_argument("directory", nargs="?", default="data/curation", type=Path)
    parser.add_argument("--paper", type=Path, help="the paper's text, to check quotes against")
    args = parser.parse_args(argv)
    from .fileio import read_text

    try:
        curated, problems = compile_curation(curation_files(args.directory))
        text = read_text(args.paper, "paper text") if args.paper else None
    except DataFileError as error:
        print(error)
        return 3
    for problem in problems:
        print(problem)
    claims = curated.claims
    quote_problems = []
    if text is not None:
        first_pages = {paper.id: paper.first_page for paper in claims.papers}
        quoted = {evidence.paper for _, evidence in iter_evidence(claims)}
        for paper_id in sorted(quoted):
            # Before the paper's own table exists, assume the paper of this project (p. 90 first).
            quote_problems += check_quotes(claims, paper_id, text, first_pages.get(paper_id, 90))
        for problem in quote_problems:
            print(f"{curated.locate(problem.entity.split(' → ')[0])}: {problem}")
    counts = {name: len(getattr(claims, name)) for name in Claims.model_fields}
    total = len(problems) + len(quote_problems)
    print("ok:" if not total else f"{len(problems)} problem(s), {len(quote_problems)} quote problem(s);",
          ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``validate``: a claims file checked by SHACL shapes, the typed model, references and quotes.

Each problem names ``file:line`` of the entity's block in the Turtle file (or the
entity id when it has no block), what is wrong, and the rule that failed.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem, ValidationFailed
from ..terms import ENTITY


def _entity_lines(text: str) -> dict[str, int]:
    """Entity id -> line where its subject block starts in a Turtle file."""
    lines: dict[str, int] = {}
    pattern = re.compile(r"^(?:scoid:(\S+)|<" + re.escape(str(ENTITY)) + r"([^>]+)>)\s*$", re.M)
    for match in pattern.finditer(text):
        entity = (match.group(1) or match.group(2)).split("/", 1)[0]
        lines.setdefault(entity, text.count("\n", 0, match.start()) + 1)
    return lines


def validate_file(path: Path | None = None, paper_text: str | None = None) -> int:
    """Validate a claims file; return the number of entities checked, or raise ValidationFailed."""
    from .references import check_claims
    from .shacl import shacl_problems
    from ..rdf.reading import graph_to_claims
    from .quotes import check_quotes
    from ..store import parse_turtle

    rdf, resolved = parse_turtle(path)
    lines = _entity_lines(resolved.read_text(encoding="utf-8"))

    def locate(entity_id: str) -> str:
        return f"{resolved}:{lines[entity_id]}" if entity_id in lines else f"{resolved}: {entity_id}"

    problems = [Problem(locate(owner), message, rule) for owner, message, rule in shacl_problems(rdf)]
    try:
        claims = graph_to_claims(rdf)
    except ValidationError as error:
        for detail in error.errors():
            where = ".".join(str(p) for p in detail["loc"])
            problems.append(Problem(str(resolved), f"{error.title}: {where}: {detail['msg']}", detail["type"]))
        raise ValidationFailed(problems, str(resolved)) from None
    except ValueError as error:
        problems.append(Problem(str(resolved), str(error), "model"))
        raise ValidationFailed(problems, str(resolved)) from None
    problems += check_claims(claims, locate)
    if paper_text is not None:
        for paper in claims.papers:
            for problem in check_quotes(claims, paper.id, paper_text, paper.first_page):
                owner = problem.entity.split(" → ")[0]
                problems.append(Problem(locate(owner), str(problem), problem.rule))
    if problems:
        raise ValidationFailed(problems, str(resolved))
    return len(claims.entities())

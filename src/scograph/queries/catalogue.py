"""The named queries: ``.rq`` files with a header, found in the query library, read into :class:`NamedQuery`.

A named query is a standard SPARQL 1.1 file whose leading comment block says what it
answers and which parameters it takes::

    # title: A country's demands by domain, with quotes and pages
    #
    # One paragraph (any number of comment lines) saying what the query answers.
    #
    # param country: country = TJ -- the state: ISO code, English or Chinese name
    # param domain: domain (optional) -- political, security, economic or cultural

A parameter line is ``# param NAME: KIND [= DEFAULT | (optional)] [-- description]``;
comment lines after it that are indented further continue its description. A parameter
with neither a default nor ``(optional)`` is required. ``NAME`` is the query's variable
``?NAME``; its kinds are in :mod:`.params`, how it is bound in :mod:`.evaluation`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError, SparqlSyntaxError, UsageError, suggest
from .params import KINDS
from .text import lexed

_CHECKOUT = Path(__file__).resolve().parents[3]
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    default: str | None = None
    optional: bool = False
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def summary(self) -> str:
        """``country=TJ``, ``domain?`` (optional) or ``source`` (required)."""
        if self.default is not None:
            return f"{self.name}={self.default}"
        return f"{self.name}?" if self.optional else self.name

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "accepts": KINDS[self.kind].accepts, "default": self.default,
                "required": self.required, "description": self.description}


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its header: a named query of ``queries/``, a file, or text."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        """How error messages name this query."""
        return str(self.path) if self.path is not None else self.name

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [p.as_dict() for p in self.parameters]}


_PARAM_LINE = re.compile(
    r"^param\s+\??(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<kind>[a-z]+)\s*"
    r"(?:=\s*(?P<default>\"[^\"]*\"|[^\s\"]+)\s*|(?P<optional>\(optional\))\s*)?"
    r"(?:--\s*(?P<doc>.*))?$"
)
PARAM_SYNTAX = "# param NAME: KIND [= DEFAULT | (optional)] [-- description]"


def _header_lines(text: str) -> list[tuple[int, str]]:
    """The leading comment block, up to the first line that is not a comment, as (line number, text after '#')."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        lines.append((number, stripped[1:]))
    return lines


def parse_header(text: str, where: str = "query") -> tuple[str, str, tuple[Parameter, ...]]:
    """(title, description, parameters) from a query's leading comment block."""
    title, paragraphs, parameters = "", [[]], []
    current: dict | None = None
    for number, raw in _header_lines(text):
        body = raw.strip()
        if current is not None and raw.startswith("  ") and body:  # indented further: the description goes on
            current["doc"] = f"{current['doc']} {body}".strip()
            continue
        current = None
        if body.startswith("title:"):
            title = body[len("title:"):].strip()
        elif body.startswith("param ") or body == "param":
            match = _PARAM_LINE.match(body)
            if match is None:
                raise UsageError(f"{where}:{number}: malformed parameter line {body!r}; expected {PARAM_SYNTAX!r}")
            current = match.groupdict()
            current["doc"] = (current["doc"] or "").strip()
            if current["kind"] not in KINDS:
                raise UsageError(f"{where}:{number}: unknown parameter kind {current['kind']!r}; valid: {', '.join(KINDS)}")
            if any(p["name"] == current["name"] for p in parameters):
                raise UsageError(f"{where}:{number}: parameter {current['name']!r} is declared twice")
            parameters.append(current)
        elif body:
            paragraphs[-1].append(body)
        elif paragraphs[-1]:
            paragraphs.append([])
    description = "\n\n".join(" ".join(p) for p in paragraphs if p)
    params = tuple(
        Parameter(p["name"], p["kind"], _unquote(p["default"]), bool(p["optional"]), p["doc"]) for p in parameters
    )
    if params:
        try:
            variables = lexed(text).variables()
        except SparqlSyntaxError:
            variables = None  # the query does not lex: prepare() says why, with its place
        for parameter in params:
            if variables is not None and parameter.name not in variables:
                raise UsageError(f"{where}: parameter {parameter.name!r} is not a variable of the query (?{parameter.name})")
    return title, description, params


def _unquote(value: str | None) -> str | None:
    if value is not None and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def query_from_text(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """A query from its text; a header, if it has one, gives its title and parameters."""
    title, description, parameters = parse_header(text, str(path) if path is not None else name)
    return NamedQuery(name=name, text=text, title=title, description=description, parameters=parameters, path=path)


def load_query(path: Path | str) -> NamedQuery:
    """A query from a ``.rq`` file; a missing or unreadable file is a DataFileError."""
    from ..fileio import read_text

    path = Path(path)
    text = read_text(path, "SPARQL query file")
    return query_from_text(text, name=path.stem, path=path)


def queries_dir() -> Path:
    """The named queries: ``queries/`` of a checkout, or the copy the wheel packages as ``scograph/queries/library``."""
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "queries").is_dir():
        return _CHECKOUT / "queries"
    return Path(__file__).resolve().parent / "library"


def named_queries(directory: Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    directory = Path(directory) if directory is not None else queries_dir()
    if not directory.is_dir():
        raise DataFileError(f"no query directory at {directory}")
    return sorted((load_query(path) for path in directory.glob("*.rq")), key=lambda q: q.name)


def named_query(name: str, directory: Path | None = None) -> NamedQuery:
    """One named query by name (``demands-by-country``); an unknown name lists the valid ones."""
    directory = Path(directory) if directory is not None else queries_dir()
    path = directory / f"{name}.rq"
    if not NAME_PATTERN.match(name) or not path.is_file():
        names = sorted(q.stem for q in directory.glob("*.rq"))
        hint = suggest(name, dict.fromkeys(names))
        raise UsageError(f"unknown query {name!r}{hint}; named queries: {', '.join(names)} (or give a .rq file)")
    return load_query(path)


def listing(queries: Sequence[NamedQuery]) -> list[dict]:
    """The records ``scograph sparql --list`` prints."""
    return [q.as_dict() | {"params": ", ".join(p.summary() for p in q.parameters)} for q in queries]

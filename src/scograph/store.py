"""Finding and parsing a claims file into an rdflib graph."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rdflib import Graph

from .errors import DataFileError

_REPO_DATA = Path(__file__).resolve().parents[2] / "data" / "claims.ttl"


def default_data_path() -> Path:
    """The packaged claims file; in a source checkout, ``data/claims.ttl``."""
    if _REPO_DATA.is_file():  # a checkout or an editable install: the curated file itself
        return _REPO_DATA
    packaged = resources.files("scograph").joinpath("data", "claims.ttl")
    return Path(str(packaged))


def parse_turtle(path: Path | None = None) -> tuple[Graph, Path]:
    """Parse a Turtle claims file; a missing or malformed file is a DataFileError naming file and line."""
    path = Path(path) if path is not None else default_data_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise DataFileError(f"{path} is a directory, expected a Turtle file") from None
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise DataFileError(f"cannot read {path}: {error.strerror or error}") from None
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib raises BadSyntax and a few others; all mean "malformed"
        raise DataFileError(f"{path}: {_describe_parse_error(error)}") from None
    return graph, path


def _describe_parse_error(error: Exception) -> str:
    line = getattr(error, "lines", None)
    why = getattr(error, "_why", None) or str(error).strip().splitlines()[0]
    if isinstance(line, int):
        return f"line {line + 1}: malformed Turtle: {why}"
    return f"malformed Turtle: {why}"

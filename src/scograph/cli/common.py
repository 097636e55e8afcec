"""What every command shares: the common options, loading the graph, printing records, and turning errors into one line.

No command module imports another's internals; each imports this one (and the library).
"""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import ScographError, UsageError, ValidationFailed, printable
from ..render import Column, Format, render

DataOption = Annotated[
    Optional[Path],
    typer.Option("--data", help="Claims file (Turtle) to load instead of the packaged data/claims.ttl.", metavar="FILE"),
]
EndpointOption = Annotated[
    Optional[str],
    typer.Option("--endpoint", help="Answer from this SPARQL 1.1 query endpoint instead of a local file.", metavar="URL"),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
CountryOption = Annotated[
    Optional[str],
    typer.Option("--country", "-c", help="ISO alpha-2/alpha-3 code, English or Chinese name: TJ, tjk, Tajikistan, 塔吉克斯坦."),
]
WideOption = Annotated[
    bool, typer.Option("--wide", "-w", help="Print every label in full in a table, however wide (else cut to fit the terminal).")]
ThemeOption = Annotated[Optional[str], typer.Option(
    "--theme", metavar="THEME", help="On this theme (an id, theme-drugs, or drugs, or its label).")]
SpeakerOption = Annotated[Optional[str], typer.Option(
    "--speaker", metavar="ACTOR", help="Said by this speaker, or quoted from them (an actor id or name: rahmon).")]
SourceOption = Annotated[Optional[str], typer.Option(
    "--source", metavar="SOURCE", help="Quoted from, or citing, this source (a source id).")]
SinceOption = Annotated[Optional[str], typer.Option(
    "--since", metavar="DATE", help="Dated DATE or later (YYYY, YYYY-MM or YYYY-MM-DD; the quotes' dates count too).")]
UntilOption = Annotated[Optional[str], typer.Option(
    "--until", metavar="DATE", help="Dated DATE or earlier (YYYY, YYYY-MM or YYYY-MM-DD).")]
StanceOption = Annotated[Optional[str], typer.Option(
    "--stance", metavar="STANCE", help="supports, opposes or concerned.")]
SortOption = Annotated[Optional[str], typer.Option(
    "--sort", metavar="FIELD", help="Order by this field of the records (date, pages, label, …); -FIELD reverses.")]
LimitOption = Annotated[Optional[int], typer.Option("--limit", metavar="N", help="At most N records.")]
DomainOption = Annotated[
    Optional[str],
    typer.Option("--domain", "-d", help="political|security|economic|cultural (or 政治|安全|经济|人文)."),
]


def load(data: Path | None, endpoint: str | None = None):
    """The claims graph of ``--data FILE`` (default the packaged one), or of ``--endpoint URL``."""
    from ..graph import ClaimsGraph

    if endpoint is not None:
        if data is not None:
            raise UsageError("give either --data FILE or --endpoint URL, not both")
        return ClaimsGraph.connect(checked_url(endpoint, "endpoint", "http://127.0.0.1:7878/query"))
    return ClaimsGraph.load(data)


def checked_url(url: str, what: str, example: str) -> str:
    """The URL as given, once it is one HTTP can send (checked before any file is read)."""
    from ..store import http_url

    http_url(url, what, example)
    return url


def print_records(records, columns: list[Column], fmt: Format, wide: bool = False) -> None:
    """Records to stdout as a table, JSON or CSV; a table on a terminal fits its width (unless ``wide``)."""
    terminal = terminal_width() if fmt is Format.table and not wide else None
    typer.echo(render(records, columns, fmt, terminal, wide), nl=False)


def terminal_width() -> int | None:
    """The width of the terminal stdout is, or None when it is not one (a pipe or a file keeps fixed widths,
    so that what a script reads does not depend on the window it ran in). ``COLUMNS`` overrides, as in a shell."""
    import sys

    stream = sys.stdout
    try:
        if not stream.isatty():
            return None
        given = os.environ.get("COLUMNS", "")
        return int(given) if given.isdigit() and int(given) > 0 else os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return None


def _fail(message: str, code: int) -> None:
    typer.echo(f"Error: {printable(message)}", err=True)  # one line, whatever the user's text in it holds
    raise typer.Exit(code)


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}
"""What writing to a full disk, a quota, a size limit or a failing device gives (``scograph … > /dev/full``)."""


@contextmanager
def one_line_errors():
    """The library's named errors (and a failed write to stdout) as one stderr line and their exit code."""
    try:
        yield
    except ValidationFailed as failure:
        for problem in failure.problems:
            typer.echo(printable(str(problem)), err=True)
        _fail(f"{failure.args[0].split(';')[0]}: {len(failure.problems)} problem(s)", failure.exit_code)
    except ScographError as error:
        _fail(str(error), error.exit_code)
    except OSError as error:
        if error.errno not in _OUTPUT_ERRNOS:
            raise
        # Files are written through fileio, which names them; what is left is stdout.
        _fail(f"cannot write the output: {error.strerror or error}", 3)


def refuse_undecodable(context) -> None:
    """Refuse an argument that is not UTF-8 text, naming it, before any work is done.

    A byte such as 0xFF in argv reaches Python as a lone surrogate, which no file name, query
    or output can encode: left alone it fails with a traceback wherever it is first used."""
    for param in context.command.params:  # in the order the command declares them
        value = context.params.get(param.name)
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, (str, Path)):
                text = str(item)
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    try:
                        raw = text.encode("utf-8", "surrogateescape")  # the bytes as the shell gave them
                    except UnicodeEncodeError:
                        raw = text.encode("utf-8", "backslashreplace")
                    raise UsageError(f"{_spelling(param)}: not UTF-8 text: {raw!r}; give it in UTF-8") from None


def _spelling(param) -> str:
    """How the command line spells a parameter: its long option (``--data``) or, for an argument, its metavar."""
    if param.param_type_name == "argument":
        return param.metavar or param.name.upper()
    return next((name for name in param.opts if name.startswith("--")), f"--{param.name.replace('_', '-')}")

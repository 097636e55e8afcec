"""The `scograph sparql` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from ..queries import ResultFormat
from .common import DataOption, EndpointOption, load

QUERY_FILE_SUFFIXES = (".rq", ".sparql")


def _is_file_argument(argument: str) -> bool:
    """A FILE is ``-`` (stdin), or ends in .rq or .sparql, or contains a path separator; anything else is a NAME."""
    return argument == "-" or argument.endswith(QUERY_FILE_SUFFIXES) or "/" in argument or "\\" in argument


def _choose_query(argument: str | None, text: str | None):
    from .. import queries

    if argument is not None and text is not None:
        raise UsageError("give a query NAME or FILE, or --query TEXT, not both")
    if text is not None:
        return queries.query_from_text(text, name="--query")
    if argument is None:
        names = ", ".join(q.name for q in queries.named_queries())
        raise UsageError(f"give a query NAME, a FILE or --query TEXT; named queries: {names}")
    if argument == "-":
        return queries.query_from_text(sys.stdin.read(), name="stdin")
    if _is_file_argument(argument):
        return queries.load_query(Path(argument))
    return queries.named_query(argument)


def _print_list(fmt: ResultFormat | None) -> None:
    from .. import queries
    from ..render import Format, field, render

    listing_formats = {ResultFormat.table: Format.table, ResultFormat.json: Format.json, ResultFormat.csv: Format.csv}
    if fmt is not None and fmt not in listing_formats:
        raise UsageError(f"--list prints as table, json or csv, not {fmt.value}")
    records = queries.listing(queries.named_queries())
    output = listing_formats[fmt or ResultFormat.table]
    columns = [field("name", max_width=28), field("title", max_width=72), field("params", max_width=60)]
    if output is Format.csv:
        columns.insert(2, field("description", max_width=1000))
    if output is Format.json:
        records = [{k: v for k, v in record.items() if k != "params"} for record in records]
    typer.echo(render(records, columns, output), nl=False)


def sparql(
    query: Annotated[Optional[str], typer.Argument(
        metavar="NAME|FILE",
        help="A named query (scograph sparql --list), or a query file: a path that ends in .rq or .sparql "
             "or contains a /, or - for stdin.")] = None,
    text: Annotated[Optional[str], typer.Option(
        "--query", "-q", metavar="SPARQL", help="Run this query text instead of a NAME or FILE.")] = None,
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", metavar="NAME=VALUE",
        help="A parameter of the query, repeatable: --param country=TJ --param domain=security.")] = None,
    list_queries: Annotated[bool, typer.Option(
        "--list", help="List the named queries with their titles and parameters.")] = False,
    show: Annotated[bool, typer.Option(
        "--show", help="Print the query's text instead of running it.")] = False,
    format: Annotated[Optional[ResultFormat], typer.Option(
        "--format", "-f",
        help="SELECT and ASK: table (default), json, csv, tsv. CONSTRUCT and DESCRIBE: turtle (default), nt, jsonld.")] = None,
    data: DataOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Run a SPARQL 1.1 query: a named one from queries/, a .rq file, or --query text."""
    from .. import queries

    if list_queries:
        if query is not None or text is not None or param or show:
            raise UsageError("--list takes no query, --param or --show")
        _print_list(format)
        return
    chosen = _choose_query(query, text)
    if show:
        typer.echo(chosen.text, nl=not chosen.text.endswith("\n"))
        return
    values = queries.parse_assignments(param or [])
    fmt = queries.check_format(queries.query_form(chosen), format)  # a syntax error stops here, before loading data
    result = queries.run(load(data, endpoint), chosen, values)
    stdout = typer.get_binary_stream("stdout")
    queries.write(result, fmt, stdout)  # straight out as the engine writes it: the text is never held whole
    stdout.flush()

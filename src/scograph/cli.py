"""The ``scograph`` command line: thin commands over :class:`scograph.graph.ClaimsGraph`.

Results go to stdout; messages go to stderr as one ``Error: …`` line with the
documented exit code (README, "Errors and exit codes").
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .errors import ScographError, UsageError, ValidationFailed, printable
from .render import Column, Format, field, pages, quotes, render, to_json, voice


class _OneLineErrors(TyperGroup):
    """The command group, whose usage errors (a bad option value, an unknown option or command, a missing
    argument) are one ``Error: …`` line with the hint to ``--help``, like every other error, instead of
    click's usage, hint, blank line and error."""

    def main(self, args=None, *rest, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(args, *rest, standalone_mode=False, **kwargs)
        given = sys.argv[1:] if args is None else list(args)
        for position, arg in enumerate(given, 1):
            if isinstance(arg, str) and not _argv_can_hold(arg):  # only from Python: a real argv cannot
                typer.echo(f"Error: argument {position} ({printable(repr(arg))}) holds a NUL or a lone surrogate,"
                           " which no command line can", err=True)
                sys.exit(2)
        try:
            code = super().main(args, *rest, standalone_mode=False, **kwargs)  # an exit code, from typer.Exit
        except typer.Abort:
            typer.echo("Error: aborted", err=True)
            sys.exit(1)
        except Exception as error:
            message = error.format_message() if hasattr(error, "format_message") else None
            if message is None or not hasattr(error, "exit_code"):
                raise  # not a usage error: a bug, which shows its traceback
            context = getattr(error, "ctx", None)
            if context is None or message == context.get_help():
                error.show()  # an error outside any command, or the help that no arguments at all ask for
            else:
                one_line = message.replace("\n\t", " ").rstrip(".")  # "Choose from:" puts each choice on a line of its own
                typer.echo(f"Error: {printable(one_line)} (see: {context.command_path} --help)", err=True)
            sys.exit(error.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


def _argv_can_hold(arg: str) -> bool:
    try:
        os.fsencode(arg)  # what Python made of a real argv's bytes turns back into them
    except UnicodeEncodeError:
        return False
    return "\0" not in arg


app = typer.Typer(
    cls=_OneLineErrors,
    name="scograph",
    help="Query a knowledge graph of what Central Asian SCO members expect of the SCO, why, and what the paper recommends.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

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
DomainOption = Annotated[
    Optional[str],
    typer.Option("--domain", "-d", help="political|security|economic|cultural (or 政治|安全|经济|人文)."),
]


def _fail(message: str, code: int) -> None:
    typer.echo(f"Error: {printable(message)}", err=True)  # one line, whatever the user's text in it holds
    raise typer.Exit(code)


def handles_errors(command):
    """Turn the library's named errors into one stderr line and their exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            _refuse_undecodable(command, kwargs)
            return command(*args, **kwargs)
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

    return wrapper


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}
"""What writing to a full disk, a quota, a size limit or a failing device gives (``scograph … > /dev/full``)."""


def _refuse_undecodable(command, arguments: dict) -> None:
    """Refuse an argument that is not UTF-8 text, naming it, before any work is done.

    A byte such as 0xFF in argv reaches Python as a lone surrogate, which no file name, query
    or output can encode: left alone it fails with a traceback wherever it is first used."""
    for name, value in arguments.items():
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
                    raise UsageError(f"{_spelling(command, name)}: not UTF-8 text: {raw!r}; give it in UTF-8") from None


def _spelling(command, name: str) -> str:
    """How the command line spells a parameter: its long option (``--data``) or, for an argument, its metavar."""
    from typing import get_type_hints

    from typer.models import ArgumentInfo, OptionInfo

    for info in getattr(get_type_hints(command, include_extras=True).get(name), "__metadata__", ()):
        if isinstance(info, ArgumentInfo):
            return info.metavar or name.upper()
        if isinstance(info, OptionInfo):  # typer.Option("--from", …) keeps its first name as the default
            names = (info.default, *(info.param_decls or ()))
            return next((n for n in names if isinstance(n, str) and n.startswith("--")), f"--{name.replace('_', '-')}")
    return f"--{name.replace('_', '-')}"


def _load(data: Path | None, endpoint: str | None = None):
    from .graph import ClaimsGraph

    if endpoint is not None:
        if data is not None:
            raise UsageError("give either --data FILE or --endpoint URL, not both")
        return ClaimsGraph.connect(_url(endpoint, "endpoint", "http://127.0.0.1:7878/query"))
    return ClaimsGraph.load(data)


def _url(url: str, what: str, example: str) -> str:
    """The URL as given, once it is one HTTP can send (checked before any file is read)."""
    from .store import http_url

    http_url(url, what, example)
    return url


def _print(records, columns: list[Column], fmt: Format) -> None:
    typer.echo(render(records, columns, fmt), nl=False)


EXPECTATION_COLUMNS = [
    field("id"), Column("country", lambda r: r["country"] or r["holder"], 12), field("domain"), field("label", max_width=60),
    field("speaker_label", "speaker", 24), field("date"), Column("pages", pages),
]
EXPECTATION_CSV = [
    field("id"), field("country"), field("holder"), field("domain"), field("stance"), field("label"), field("label_zh"),
    field("themes"), field("speaker"), field("date"), field("initiatives"), field("documents"),
    field("drivers"), field("responses"), Column("pages", pages), Column("quotes", quotes),
]


@app.command()
@handles_errors
def demands(country: CountryOption = None, domain: DomainOption = None,
            format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Expectations (demands) of the Central Asian members, with quotes and pages."""
    records = _load(data, endpoint).demands(country=country, domain=domain)
    _print(records, EXPECTATION_CSV if format is Format.csv else EXPECTATION_COLUMNS, format)


@app.command()
@handles_errors
def drivers(level: Annotated[Optional[str], typer.Option(help="domestic|regional|international (or 国家|地区|国际体系), or none: the drivers the paper lists apart from the three.")] = None,
            format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Drivers of the expectations, at the domestic, regional and international level (or apart from them)."""
    records = _load(data, endpoint).drivers(level=level)
    columns = [field("id"), field("level"), field("broader"), field("label", max_width=60), Column("pages", pages)]
    if format is Format.csv:
        columns += [field("label_zh"), field("actors"), field("affects"), field("indicators"),
                    field("expectations"), Column("quotes", quotes)]
    _print(records, columns, format)


@app.command()
@handles_errors
def responses(domain: DomainOption = None, format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Responses the paper recommends, by the "four models", with the expectations they answer."""
    records = _load(data, endpoint).responses(domain=domain)
    columns = [field("id"), field("model"), field("domain"), field("label", max_width=60),
               Column("answers", lambda r: len(r["addresses"])), Column("pages", pages)]
    if format is Format.csv:
        columns += [field("label_zh"), field("addressee"), field("addresses"), Column("quotes", quotes)]
    _print(records, columns, format)


FINDING_COLUMNS = [field("id"), field("kind"), field("stance"), field("about", max_width=40),
                   field("label", max_width=60), Column("pages", pages)]


@app.command()
@handles_errors
def findings(country: CountryOption = None,
             about: Annotated[Optional[str], typer.Option(help="An id the finding is about: a state, group, theme, driver, expectation, response …")] = None,
             kind: Annotated[Optional[str], typer.Option(help="comparison, trend, assessment, conclusion or rationale.")] = None,
             format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """The authors' own findings: assessments, comparisons between countries, trends, conclusions, rationales."""
    records = _load(data, endpoint).findings(country=country, about=about, kind=kind)
    columns = FINDING_COLUMNS
    if format is Format.csv:
        columns = columns + [field("label_zh"), field("countries"), Column("quotes", quotes)]
    _print(records, columns, format)


@app.command()
@handles_errors
def actors(kind: Annotated[Optional[str], typer.Option(help="state, state-group, organisation, financial-institution, sco-body, government-body, person, non-state-group.")] = None,
           format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """States, organisations, SCO bodies, persons and groups the paper names."""
    records = _load(data, endpoint).actors(kind=kind)
    columns = [field("id"), field("kind"), field("alpha2", "code"), field("label"), field("label_zh"), field("office")]
    if format is Format.csv:
        columns += [field("alpha3"), field("country"), field("part_of"), field("members")]
    _print(records, columns, format)


@app.command()
@handles_errors
def show(entity_id: Annotated[str, typer.Argument(metavar="ID", help="An entity id, e.g. exp-tj-anti-drug-centre.")],
         format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """One entity: its fields, evidence (quote, page, footnote source) and every link in and out."""
    record = _load(data, endpoint).describe(entity_id)
    if format is Format.json:
        typer.echo(to_json(record), nl=False)
        return
    rows = []
    for key, value in record.items():
        if key == "evidence":
            for item in value:
                note = f", note {item['note']} ({item['source']})" if item.get("note") else ""
                rows.append({"field": "evidence", "value": f"p. {item['page']}{note}, {voice(item)}: {item['quote']}"})
        elif key in ("links_out", "links_in"):
            arrow = "→" if key == "links_out" else "←"
            for link in value:
                basis = f" [{link['basis']}]" if link.get("basis") else ""
                rows.append({"field": key, "value": f"{link['relation']} {arrow} {link['id']} ({link['label']}){basis}"})
        elif value not in (None, [], ""):
            is_table = isinstance(value, list) and isinstance(value[0], dict)
            rows.append({"field": key, "value": _compact(value) if is_table else value})
    _print(rows, [field("field", max_width=20), field("value", max_width=1000)], format)


def _compact(items: list[dict]) -> str:
    return "; ".join(", ".join(f"{k}={v}" for k, v in item.items() if v is not None) for item in items)


@app.command()
@handles_errors
def paths(country: CountryOption = None, domain: DomainOption = None,
          start: Annotated[Optional[str], typer.Option("--from", help="A driver (its narrower drivers count too) or an expectation id.")] = None,
          end: Annotated[Optional[str], typer.Option("--to", help="A response or an expectation id.")] = None,
          format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Driver → expectation → response chains, filtered by country, domain and endpoints."""
    claims = _load(data, endpoint)
    if format is Format.table:  # ids only: the records of every entity on the chains are not needed
        chains = claims.chains(country=country, domain=domain, start=start, end=end)
        columns = [
            Column("driver", lambda c: c["driver"], 40),
            Column("expectation", lambda c: c["expectation"], 44),
            Column("response", lambda c: c["response"], 44),
            Column("country", lambda c: c["country"] or c["holder"], 12),
            Column("basis", lambda c: f"{c['driver_basis']}/{c['response_basis']}", 17),
        ]
        _print(chains, columns, format)
        return
    records = claims.paths(country=country, domain=domain, start=start, end=end)
    if format is Format.json:
        _print(records, [], format)
        return
    columns = [
        Column("driver", lambda r: r["driver"]["id"]),
        Column("expectation", lambda r: r["expectation"]["id"]),
        Column("response", lambda r: r["response"]["id"]),
        Column("country", lambda r: r["expectation"]["country"] or r["expectation"]["holder"]),
        Column("basis", lambda r: f"{r['driver_basis']}/{r['response_basis']}"),
        Column("driver_label", lambda r: r["driver"]["label"]),
        Column("expectation_label", lambda r: r["expectation"]["label"]),
        Column("response_label", lambda r: r["response"]["label"]),
        Column("expectation_pages", lambda r: pages(r["expectation"])),
    ]
    _print(records, columns, format)


@app.command()
@handles_errors
def search(text: Annotated[str, typer.Argument(help="Chinese or English text, matched in labels, descriptions and quotes.")],
           format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Find entities by Chinese or English text in labels, descriptions and quotes."""
    records = _load(data, endpoint).search(text)
    columns = [field("id"), field("type"), field("label", max_width=50), field("field", max_width=14),
               field("match", max_width=60)]
    _print(records, columns, format)


@app.command()
@handles_errors
def stats(format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Counts by type, and expectations per country × domain."""
    result = _load(data, endpoint).stats()
    if format is Format.json:
        typer.echo(to_json(result), nl=False)
        return
    matrix_columns = [field("holder", "country")] + [field(d) for d in ("political", "security", "economic", "cultural", "total")]
    if format is Format.csv:
        _print(result["expectations_by_holder_and_domain"], matrix_columns, format)
        return
    counts = [{"type": k, "count": v} for k, v in result["counts"].items()]
    _print(counts, [field("type"), field("count")], format)
    typer.echo("")
    _print(result["expectations_by_holder_and_domain"], matrix_columns, format)


@app.command()
@handles_errors
def push(endpoint: Annotated[str, typer.Option("--endpoint", help="SPARQL 1.1 Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store.", metavar="URL")],
         graph: Annotated[Optional[str], typer.Option("--graph", help="Named graph IRI to replace; default: the default graph.", metavar="IRI")] = None,
         data: DataOption = None) -> None:
    """Upload the claims graph to a remote triple store (replacing the graph it writes to)."""
    from .fileio import read_bytes
    from .graph import ClaimsGraph
    from .store.remote import push_turtle

    claims = ClaimsGraph.load(data)  # checks the file before anything leaves the machine
    turtle = read_bytes(claims.path, "Turtle file")
    target = push_turtle(_url(endpoint, "graph store", "http://127.0.0.1:7878/store"), turtle, graph)
    typer.echo(f"pushed {len(claims.store)} triples to {target}", err=True)


@app.command()
@handles_errors
def validate(file: Annotated[Optional[Path], typer.Argument(metavar="[FILE]", help="Claims file; default the packaged one.")] = None,
             paper: Annotated[Optional[Path], typer.Option(help="The paper's text: also check every quote is verbatim on its page.", metavar="TEXT")] = None,
             data: DataOption = None) -> None:
    """Check a claims file against the SHACL shapes, the typed model, references and (with --paper) quotes."""
    from .fileio import read_text
    from .checks.validate import validate_file

    paper_text = read_text(paper, "paper text") if paper is not None else None
    count = validate_file(file or data, paper_text)
    typer.echo(f"ok: {count} entities conform" + (" and every quote is verbatim on its page" if paper_text else ""), err=True)


@app.command()
@handles_errors
def build(check: Annotated[bool, typer.Option("--check", help="Do not write; exit 1 if the output is out of date.")] = False,
          curation: Annotated[Path, typer.Option(help="Directory of curation TOML files.")] = Path("data/curation"),
          output: Annotated[Path, typer.Option("--output", "-o", help="Turtle file to write.")] = Path("data/claims.ttl"),
          anchors: Annotated[Optional[Path], typer.Option(
              "--anchors", metavar="PAPER",
              help="The paper's text: first write the quotes' anchors (anchors.toml in the curation directory) from it.")] = None) -> None:
    """Compile the curation files into the claims Turtle file (deterministic)."""
    from .curation import ANCHORS_FILE, build as build_claims, fill_anchors

    if anchors is not None:
        from .fileio import read_text

        filled = fill_anchors(curation, read_text(anchors, "paper text"), check=check)
        if check:
            typer.echo(f"ok: {curation / ANCHORS_FILE} is up to date with the quotes and {anchors}", err=True)
        else:
            typer.echo(f"{'wrote' if filled else 'unchanged:'} {curation / ANCHORS_FILE}", err=True)
    changed = build_claims(curation, output, check=check)
    if check:
        typer.echo(f"ok: {printable(str(output))} is up to date with {printable(str(curation))}", err=True)
    else:
        typer.echo(f"{'wrote' if changed else 'unchanged:'} {printable(str(output))}", err=True)


def register_other_commands() -> None:
    """Commands that live in modules of their own register themselves on ``app`` when imported."""
    from . import cli_discourse, cli_export, cli_plot, cli_serve, cli_sparql, cli_synth  # noqa: F401


from . import console  # noqa: E402

if not console.lean:
    register_other_commands()

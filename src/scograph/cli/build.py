"""The `scograph build` and `scograph validate` commands: curation files compiled to the claims file, and the claims file checked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import printable
from .common import DataOption


def validate(file: Annotated[Optional[Path], typer.Argument(metavar="[FILE]", help="Claims file; default the packaged one.")] = None,
             paper: Annotated[Optional[Path], typer.Option(help="The paper's text: also check every quote is verbatim on its page.", metavar="TEXT")] = None,
             data: DataOption = None) -> None:
    """Check a claims file against the SHACL shapes, the typed model, references and (with --paper) quotes."""
    from ..checks.validate import validate_file
    from ..fileio import read_text

    paper_text = read_text(paper, "paper text") if paper is not None else None
    count = validate_file(file or data, paper_text)
    typer.echo(f"ok: {count} entities conform" + (" and every quote is verbatim on its page" if paper_text else ""), err=True)


def build(check: Annotated[bool, typer.Option("--check", help="Do not write; exit 1 if the output is out of date.")] = False,
          curation: Annotated[Path, typer.Option(help="Directory of curation TOML files.")] = Path("data/curation"),
          output: Annotated[Path, typer.Option("--output", "-o", help="Turtle file to write.")] = Path("data/claims.ttl"),
          anchors: Annotated[Optional[Path], typer.Option(
              "--anchors", metavar="PAPER",
              help="The paper's text: first write the quotes' anchors (anchors.toml in the curation directory) from it.")] = None) -> None:
    """Compile the curation files into the claims Turtle file (deterministic)."""
    from ..curation import ANCHORS_FILE, fill_anchors
    from ..curation import build as build_claims

    if anchors is not None:
        from ..fileio import read_text

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

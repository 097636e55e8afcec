"""The `scograph synth` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import printable
from ..progress import progress_bar
from ..render import RdfSyntax

PapersOption = Annotated[int, typer.Option("--papers", "-n", help="Number of papers (about 1,000 triples each).",
                                           metavar="N")]
SeedOption = Annotated[int, typer.Option("--seed", "-s", help="Random seed: the same seed gives the same bytes.",
                                         metavar="S")]
OutputOption = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                                                      help="File to write (atomically); stdout if left out.")]
SyntaxOption = Annotated[Optional[RdfSyntax], typer.Option("--format", "-f",
                                                           help="ttl or nt; default from FILE's suffix (.nt), else ttl.")]
ReferenceOption = Annotated[Optional[Path], typer.Option(
    "--data", metavar="FILE", help="Claims file whose proportions, actors and themes to follow; default the packaged paper.")]


def synth(papers: PapersOption, seed: SeedOption = 0, output: OutputOption = None, format: SyntaxOption = None,
          data: ReferenceOption = None) -> None:
    """Write a synthetic claims corpus with the proportions of the paper, for benchmarks."""
    from ..synth import load_reference, write_corpus_file

    reference = load_reference(data)
    with progress_bar(papers, "synthesising papers") as advance:
        summary = write_corpus_file(output, papers, seed, format, reference, advance)
    target = printable(str(output)) if output is not None else "stdout"
    typer.echo(f"wrote {summary.papers} papers, {summary.triples:,} triples ({summary.bytes:,} bytes) to {target}",
               err=True)

"""Synthetic claims corpora with the proportions of a real one, for benchmarks at any size.

A corpus is a shared pool (the reference's actors and themes, so that the same
countries and themes recur across papers, as in a real literature) followed by
papers. Each synthetic paper is its own :class:`~scograph.model.Paper` with its
own sources and footnotes, drivers, expectations, responses, initiatives,
documents, events and indicators, built as validated pydantic objects.

The proportions are measured from a reference claims graph (by default the
packaged paper, see :func:`measure`): how many entities of each type a paper
has relative to the others, how many themes, drivers, responses and pieces of
evidence each entity has, which holders, domains and themes go together, how
long quotes are, how much evidence rests on a footnote and how many links are
inferred. A synthetic paper is curated at a lower density than the reference
(about :data:`TRIPLES_PER_PAPER` triples, where the paper has several thousand), so
that 1,000 papers come to about a million triples, the size of the literature
databases the benchmarks model.

Quotes are Chinese text recombined from a word list by the seeded random
generator, never copied from a paper. Paper ``k`` of a seed is the same whatever
the corpus size (up to 99,999 papers), so a corpus of 10 papers is the first 10
papers of one of 1,000.

Corpora are written as a stream, one paper at a time, through the RDF mapping
of :mod:`scograph.rdf.mapping` (the same field table as ``claims.ttl``), as Turtle
or N-Triples; the same seed always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import model as m
from ..fileio import atomic_writer
from ..render import RdfSyntax
from .papers import synthesise, synthetic_paper_id
from .profile import TRIPLES_PER_PAPER, Profile, load_reference, measure, shared_pool
from .turtle import _Writer

__all__ = ["CorpusSummary", "Profile", "RdfSyntax", "TRIPLES_PER_PAPER", "load_reference", "measure", "shared_pool",
           "synthesise", "synthetic_paper_id", "syntax_for", "write_corpus", "write_corpus_file"]


def syntax_for(path: Path | None, syntax: RdfSyntax | None = None) -> RdfSyntax:
    """The syntax asked for, else the one the file name suggests (``.nt``), else Turtle."""
    if syntax is not None:
        return syntax
    return RdfSyntax.nt if path is not None and path.suffix.lower() == ".nt" else RdfSyntax.ttl


@dataclass(frozen=True)
class CorpusSummary:
    papers: int
    triples: int
    bytes: int


def write_corpus(stream: BinaryIO, papers: int, seed: int = 0, syntax: RdfSyntax = RdfSyntax.ttl,
                 reference: m.Claims | None = None,
                 progress: Callable[[int], None] | None = None) -> CorpusSummary:
    """Write a corpus to a binary stream, one paper at a time; ``progress`` hears how many papers are done."""
    corpus = synthesise(papers, seed, reference)  # checks the arguments before anything is written
    writer = _Writer(syntax)
    written = stream.write(writer.header().encode("utf-8"))
    triples = 0
    for done, claims in enumerate(corpus):
        text, count = writer.entities(claims)
        written += stream.write(text.encode("utf-8"))
        triples += count
        if progress is not None and done:
            progress(done)
    return CorpusSummary(papers, triples, written)


def write_corpus_file(path: Path | None, papers: int, seed: int = 0, syntax: RdfSyntax | None = None,
                      reference: m.Claims | None = None,
                      progress: Callable[[int], None] | None = None) -> CorpusSummary:
    """Write a corpus to ``path`` atomically (a temporary file beside it, renamed at the end), or to stdout."""
    import sys

    syntax = syntax_for(path, syntax)
    if path is None:
        sys.stdout.flush()
        summary = write_corpus(sys.stdout.buffer, papers, seed, syntax, reference, progress)
        sys.stdout.buffer.flush()
        return summary
    with atomic_writer(Path(path)) as handle:
        summary = write_corpus(handle, papers, seed, syntax, reference, progress)
    return summary

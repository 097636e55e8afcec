"""Synthetic corpora: valid under the shapes and the model, proportioned like the paper, deterministic."""

from __future__ import annotations

import csv
import io
import os
import re
import statistics
import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from scograph import model as m
from scograph.checks.quotes import iter_evidence
from scograph.checks.references import check_claims
from scograph.checks.validate import validate_file
from scograph.cli import app
from scograph.errors import DataFileError, UsageError
from scograph.graph import ClaimsGraph
from scograph.rdf.mapping import claims_to_graph
from scograph.synth import (
    RdfSyntax,
    measure,
    synthesise,
    write_corpus,
    write_corpus_file,
)

SYNTHETIC_ID = re.compile(r"^(?:[a-z]+-)?(?:[a-z]{2}-)?syn-\d{5}(?:-\d+)?$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def merged(parts: list[m.Claims]) -> m.Claims:
    return m.Claims(**{name: [e for part in parts for e in getattr(part, name)] for name in m.Claims.model_fields})


@pytest.fixture(scope="module")
def reference(graph) -> m.Claims:
    return graph.claims


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory, reference):
    path = tmp_path_factory.mktemp("synth") / "synth.ttl"
    summary = write_corpus_file(path, 3, seed=11, reference=reference)
    return path, summary


@pytest.fixture(scope="module")
def corpus20(reference) -> list[m.Claims]:
    return list(synthesise(20, seed=5, reference=reference))


# ------------------------------------------------------------------ valid


@pytest.mark.slow
def test_a_small_corpus_conforms_to_the_shapes_the_model_and_the_references(corpus_file):
    path, summary = corpus_file
    entities = validate_file(path)
    claims = ClaimsGraph.load(path).claims
    assert entities == len(claims.entities())
    assert len(claims.papers) == summary.papers == 3
    assert sorted(p.id for p in claims.papers) == ["syn-00001", "syn-00002", "syn-00003"]


def test_the_corpus_answers_cross_paper_questions(corpus_file):
    path, _ = corpus_file
    claims = ClaimsGraph.load(path)
    demands = claims.demands(country="TJ")
    assert demands and all("TJ" in d["countries"] for d in demands)
    papers = {d["id"].split("-syn-")[1].split("-")[0] for d in demands}
    assert len(papers) > 1, "Tajikistan's demands should come from more than one paper"
    for demand in demands:  # every quote comes from the demand's own paper
        assert {e["paper"] for e in demand["evidence"]} == {f"syn-{demand['id'].split('-syn-')[1].split('-')[0]}"}
    chains = claims.paths(country="TJ")
    assert chains and all(c["driver"]["id"].startswith("drv-syn-") and c["response"]["id"].startswith("rsp-syn-")
                          for c in chains)


def test_twenty_papers_pass_the_checks_across_entities(corpus20):
    claims = merged(corpus20)
    assert check_claims(claims) == []  # unique ids, references, footnotes, pages within each paper
    ids = [e.id for e in claims.entities()]
    assert len(ids) == len(set(ids))
    papers = {p.id: p for p in claims.papers}
    for entity in claims.entities():
        if entity.id not in {a.id for a in corpus20[0].actors} | {t.id for t in corpus20[0].themes}:
            assert SYNTHETIC_ID.match(entity.id), entity.id
    for entity_id, evidence in iter_evidence(claims):
        paper = papers[evidence.paper]
        assert paper.first_page <= evidence.page <= paper.last_page
        assert f"-{paper.id}-" in f"{entity_id}-" or entity_id == paper.id


def test_actors_and_themes_come_from_the_shared_pool_with_the_real_countries(corpus20, reference):
    pool = corpus20[0]
    assert {a.id for a in pool.actors} == {a.id for a in reference.actors}
    assert {"kz", "kg", "tj", "uz"} <= {a.id for a in pool.actors if a.kind is m.ActorKind.state}
    assert all(a.evidence == [] for a in pool.actors)  # their evidence quotes the paper, which is not in the corpus
    assert all(not paper.actors and not paper.themes for paper in corpus20[1:])
    holders = {e.holder for part in corpus20[1:] for e in part.expectations}
    assert holders <= {e.holder for e in reference.expectations}


# ------------------------------------------------------------------ proportioned like the paper


def test_proportions_follow_the_paper(corpus20, reference):
    real, made = measure(reference), measure(merged(corpus20[1:]))
    for name in ("drivers", "responses", "sources", "initiatives"):
        ratio = real.per_paper[name] / real.per_paper["expectations"]
        assert made.per_paper[name] / made.per_paper["expectations"] == pytest.approx(ratio, rel=0.3), name
    for key in ("expectations", "drivers", "responses", "drivers-link"):
        assert made.evidence[key].mean() == pytest.approx(real.evidence[key].mean(), abs=0.35), key
    for key in (("expectations", "drivers"), ("expectations", "themes")):
        assert made.lengths[key].mean() == pytest.approx(real.lengths[key].mean(), rel=0.25), key
    # A response answers at most the demands its paper has: the paper's distribution, capped by each paper's count.
    addresses = real.lengths[("responses", "addresses")]
    weights = [high - low for low, high in zip((0,) + addresses.cumulative, addresses.cumulative)]

    def capped(cap: int) -> float:
        return sum(w * min(v, cap) for v, w in zip(addresses.values, weights)) / addresses.cumulative[-1]

    expected = statistics.mean(capped(len(part.expectations)) for part in corpus20[1:] for _ in part.responses)
    assert made.lengths[("responses", "addresses")].mean() == pytest.approx(expected, rel=0.25)
    for link in ("drivers", "addresses"):
        assert made.inferred[link] == pytest.approx(real.inferred[link], abs=0.1), link
    assert made.footnoted == pytest.approx(real.footnoted, abs=0.06)
    real_quotes = [len(e.quote) for _, e in iter_evidence(reference)]
    made_quotes = [len(e.quote) for part in corpus20[1:] for _, e in iter_evidence(part)]
    assert statistics.median(made_quotes) == pytest.approx(statistics.median(real_quotes), abs=5)
    assert max(made_quotes) > 2 * statistics.median(real_quotes)  # the long tail is there too


@pytest.mark.slow
def test_a_paper_comes_to_about_a_thousand_triples_and_the_corpus_scales(reference):
    pool, *papers = [len(claims_to_graph(part)) for part in synthesise(10, seed=2, reference=reference)]
    assert write_corpus(io.BytesIO(), 10, seed=2, reference=reference).triples == pool + sum(papers)
    assert write_corpus(io.BytesIO(), 1, seed=2, reference=reference).triples == pool + papers[0]
    assert 800 < statistics.mean(papers) < 1250
    assert all(300 < size < 3000 for size in papers)  # papers differ in length, as real ones do


def test_labels_in_both_languages_and_quotes_generated_not_copied(corpus20, reference):
    real_quotes = {e.quote for _, e in iter_evidence(reference)}
    for part in corpus20[1:]:
        for entity in part.entities():
            assert CJK.search(entity.label_zh) and re.search("[A-Za-z]", entity.label_en)
        for _, evidence in iter_evidence(part):
            assert evidence.quote not in real_quotes
            assert evidence.quote.endswith("。") and len(CJK.findall(evidence.quote)) >= 0.8 * (len(evidence.quote) - 1)


def test_footnoted_evidence_cites_the_source_of_its_papers_footnote(corpus20):
    for part in corpus20[1:]:
        footnotes = {(c.page, c.note): s.id for s in part.sources for c in s.citations}
        assert all(c.paper == part.papers[0].id for s in part.sources for c in s.citations)
        noted = [e for _, e in iter_evidence(part) if e.note is not None]
        assert all(footnotes[(e.page, e.note)] == e.source for e in noted)
    assert any(e.note for part in corpus20[1:] for _, e in iter_evidence(part))


# ------------------------------------------------------------------ written through the mapping, deterministically


def test_every_document_and_event_kind_the_model_allows_has_synthetic_labels():
    from typing import get_args

    from scograph.synth.text import _DOCUMENT_KINDS, _EVENT_KINDS
    # The reference paper decides which kinds a corpus draws; a kind the model gains must be nameable.
    assert set(_DOCUMENT_KINDS) == set(get_args(m.Document.model_fields["kind"].annotation))
    assert set(_EVENT_KINDS) == set(get_args(m.Event.model_fields["kind"].annotation))


@pytest.mark.parametrize("syntax,rdf_format", [(RdfSyntax.ttl, "turtle"), (RdfSyntax.nt, "nt")])
def test_the_written_triples_are_the_mappings(reference, syntax, rdf_format):
    stream = io.BytesIO()
    summary = write_corpus(stream, 2, seed=9, syntax=syntax, reference=reference)
    written = Graph().parse(data=stream.getvalue().decode("utf-8"), format=rdf_format)
    expected = claims_to_graph(merged(list(synthesise(2, seed=9, reference=reference))))
    assert len(written) == len(expected) == summary.triples
    assert isomorphic(written, expected)


@pytest.mark.slow
def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(reference):
    def text(seed: int, syntax: RdfSyntax = RdfSyntax.ttl) -> bytes:
        stream = io.BytesIO()
        write_corpus(stream, 2, seed=seed, syntax=syntax, reference=reference)
        return stream.getvalue()

    assert text(4) == text(4)
    assert text(4, RdfSyntax.nt) == text(4, RdfSyntax.nt)
    assert text(4) != text(5)


def test_a_paper_does_not_depend_on_the_size_of_the_corpus(reference):
    small = list(synthesise(2, seed=3, reference=reference))
    large = list(synthesise(12, seed=3, reference=reference))
    assert small[1] == large[1] and small[2] == large[2]
    assert small[1] != list(synthesise(1, seed=4, reference=reference))[1]


def test_bad_arguments_and_references_are_named_errors(reference):
    with pytest.raises(UsageError, match="at least 1"):
        synthesise(0, reference=reference)
    with pytest.raises(UsageError, match="seed"):
        synthesise(1, seed=-1, reference=reference)
    with pytest.raises(DataFileError, match="no sources, drivers, expectations, responses"):
        measure(m.Claims(papers=reference.papers, actors=reference.actors, themes=reference.themes))


# ------------------------------------------------------------------ the command


@pytest.mark.slow
def test_cli_writes_turtle_to_stdout_and_one_summary_line_to_stderr(runner):
    result = runner.invoke(app, ["synth", "--papers", "2", "--seed", "1"])
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) > 1500
    assert result.stderr == f"wrote 2 papers, {len(graph):,} triples ({len(result.stdout_bytes):,} bytes) to stdout\n"


@pytest.mark.slow
def test_cli_writes_ntriples_to_a_file_atomically(runner, tmp_path):
    target = tmp_path / "corpus.nt"
    target.write_text("old contents", encoding="utf-8")
    result = runner.invoke(app, ["synth", "-n", "1", "-s", "3", "-o", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.endswith(" .") and line[0] in "<_" for line in lines)
    assert os.listdir(tmp_path) == ["corpus.nt"]  # no temporary file left behind
    turtle = tmp_path / "corpus.txt"
    assert runner.invoke(app, ["synth", "-n", "1", "-s", "3", "-o", str(turtle), "--format", "ttl"]).exit_code == 0
    assert isomorphic(Graph().parse(turtle, format="turtle"), Graph().parse(target, format="nt"))


def test_cli_errors_are_one_line_with_their_exit_code(runner, tmp_path):
    result = runner.invoke(app, ["synth", "--papers", "0"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: the number of papers must be at least 1, not 0\n"
    result = runner.invoke(app, ["synth", "--papers", "1", "-o", str(tmp_path / "missing" / "x.ttl")])
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.startswith("Error: cannot write ") and result.stderr.count("\n") == 1


def test_cli_demands_on_a_synthetic_corpus(runner, corpus_file):
    path, _ = corpus_file
    result = runner.invoke(app, ["demands", "--country", "TJ", "--data", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(re.match(r"^exp-(tj|ca)-syn-\d{5}-\d+$", row["id"]) for row in rows)
    assert {row["country"] or row["holder"] for row in rows} <= {"TJ", "ca-members"}


@pytest.mark.slow
def test_cli_shows_a_progress_bar_only_on_a_terminal(tmp_path):
    master, slave = os.openpty()
    command = [sys.executable, "-c", "from scograph.cli import app; app()",
               "synth", "-n", "40", "-o", str(tmp_path / "c.ttl")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave,
                               env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.wait(timeout=60) == 0 and process.stdout.read() == b""
    text = shown.decode("utf-8", "replace")
    assert "synthesising papers" in text and "40/40" in text
    assert text.rstrip().endswith(f"to {tmp_path / 'c.ttl'}")

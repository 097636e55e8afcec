"""Objects ⇄ RDF: a lossless round trip, and the data file in step with its curation source."""

from __future__ import annotations

import string
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from scograph import model as m
from scograph.curation import compile_turtle
from scograph.rdf.mapping import claims_to_graph, claims_to_turtle
from scograph.rdf.reading import graph_to_claims

from .conftest import CURATION, DATA

ids = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}\Z")
# Hostile text: quotes, backslashes, Turtle's triple quotes, newlines, CJK, emoji, RTL, combining marks.
hostile_alphabet = st.sampled_from(list(string.printable.replace("\x0b", "").replace("\x0c", "")) + list(
    '"""\'\'\'\\<>{}@^#;,.\n\t中亚塔吉克斯坦“”《》，。①②😀\u202e\u0301\u3000'
))
texts = st.text(alphabet=hostile_alphabet, min_size=1, max_size=40).map(str.strip).filter(bool)
dates = st.sampled_from([None, "2019", "2019-04", "2019-04-26", "2017-06-09"])
pages = st.integers(min_value=90, max_value=108)


# Anchors: any text up to the limit, empty at a page's edge, white space at either end kept.
anchor_texts = st.text(alphabet=hostile_alphabet, max_size=m.ANCHOR_LENGTH)


@st.composite
def evidence(draw, paper="p"):
    note = draw(st.none() | st.integers(1, 7))
    voice = draw(st.sampled_from(list(m.Voice)))
    spoken = voice is not m.Voice.authors
    return m.Evidence(quote=draw(texts), page=draw(pages), note=note,
                      source=draw(st.none() | st.just("src-a")) if note else None, paper=paper, voice=voice,
                      speaker=draw(st.sampled_from(["rahmon", "tj"])) if spoken else None,
                      date=draw(dates) if spoken else None,
                      occasion=draw(st.none() | st.just("evt-a")) if spoken else None,
                      anchor=draw(st.none() | st.builds(m.Anchor, prefix=anchor_texts, suffix=anchor_texts)))


@st.composite
def link(draw):
    basis = draw(st.sampled_from(list(m.Basis)))
    inferred = basis is m.Basis.inferred
    return m.Link(target=draw(ids), basis=basis,
                  evidence=draw(st.lists(evidence(), min_size=0 if inferred else 1, max_size=3, unique_by=m.Evidence.key)),
                  rationale=draw(texts) if inferred else None)


@st.composite
def claims_objects(draw):
    evidences = st.lists(evidence(), min_size=1, max_size=3, unique_by=m.Evidence.key)
    links = st.lists(link(), max_size=3, unique_by=lambda link: link.target)
    paper = m.Paper(id="p", label_zh=draw(texts), label_en=draw(texts), title=draw(texts), language="zh",
                    authors=draw(st.lists(texts, max_size=3)), doi=draw(texts), first_page=90, last_page=108,
                    keywords=draw(st.lists(texts, max_size=3)),
                    sections=[m.Section(id="sec-1", label_zh=draw(texts), label_en=draw(texts), first_page=91, last_page=92)],
                    citations=[m.Citation(paper="p", page=draw(pages), note=1)])
    source = m.Source(id="src-a", kind="news", label_zh=draw(texts), label_en=draw(texts), title=draw(texts),
                      language=draw(st.sampled_from(["zh", "en"])), url=draw(st.none() | texts), date=draw(dates),
                      year=draw(st.none() | st.integers(1990, 2030)))
    actor = m.Actor(id="tj", kind="state", label_zh=draw(texts), label_en=draw(texts), alpha2="TJ", alpha3="TJK",
                    evidence=draw(st.lists(evidence(), max_size=2, unique_by=m.Evidence.key)))
    person = m.Actor(id="rahmon", kind="person", label_zh=draw(texts), label_en=draw(texts), country="tj",
                     office=draw(st.none() | texts), office_zh=draw(st.none() | texts), office_date=draw(dates))
    driver = m.Driver(id="drv-a", label_zh=draw(texts), label_en=draw(texts), level=draw(st.none() | st.sampled_from(list(m.Level))),
                      broader=draw(st.none() | ids), actors=draw(st.lists(ids, max_size=3)), evidence=draw(evidences))
    own_evidence = draw(evidences)
    # The record's speaker, date and occasion are those of one of its quotes, or none.
    voiced = draw(st.none() | st.sampled_from([e for e in own_evidence if e.speaker] or [None]))
    expectation = m.Expectation(
        id="exp-tj-a", label_zh=draw(texts), label_en=draw(texts), description_en=draw(st.none() | texts),
        description_zh=draw(st.none() | texts), holder="tj", domain=draw(st.sampled_from(list(m.Domain))),
        themes=draw(st.lists(ids, min_size=1, max_size=3)), stance=draw(st.sampled_from(list(m.Stance))),
        speaker=voiced.speaker if voiced else None, date=voiced.date if voiced else None,
        occasion=voiced.occasion if voiced else None, drivers=draw(links), evidence=own_evidence)
    response = m.Response(id="rsp-a", label_zh=draw(texts), label_en=draw(texts), addressee="tj", broader=draw(st.none() | ids),
                          domain=draw(st.none() | st.sampled_from(list(m.Domain))),
                          model=draw(st.none() | st.sampled_from(list(m.Model))),
                          addresses=draw(links), evidence=draw(evidences))
    indicator = m.Indicator(id="ind-a", label_zh=draw(texts), label_en=draw(texts),
                            value=draw(st.floats(allow_nan=False, allow_infinity=False, width=64)),
                            unit=draw(texts), year=draw(st.integers(1990, 2030)), measures=draw(texts), subject="tj",
                            evidence=draw(evidences))
    event = m.Event(id="evt-a", kind="summit", label_zh=draw(texts), label_en=draw(texts), date=draw(dates),
                    place=draw(st.none() | texts), place_zh=draw(st.none() | texts), participants=draw(st.lists(ids, max_size=2)))
    finding = m.Finding(id="fnd-a", label_zh=draw(texts), label_en=draw(texts),
                        kind=draw(st.sampled_from(list(m.FindingKind))), stance=draw(st.sampled_from(list(m.Stance))),
                        about=draw(st.lists(ids, min_size=1, max_size=3)), evidence=draw(evidences))
    return m.Claims(papers=[paper], sources=[source], actors=[actor, person], drivers=[driver],
                    expectations=[expectation], responses=[response], indicators=[indicator], events=[event],
                    findings=[finding],
                    themes=[m.Theme(id="theme-a", label_zh=draw(texts), label_en=draw(texts), broader=draw(st.none() | ids))],
                    initiatives=[m.Initiative(id="ini-a", kind="railway", label_zh=draw(texts), label_en=draw(texts))],
                    documents=[m.Document(id="doc-a", kind=draw(st.sampled_from(["treaty", "project"])),
                                          label_zh=draw(texts), label_en=draw(texts),
                                          period_start=draw(dates), period_end=draw(dates))])


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims_objects())
def test_objects_rdf_objects_round_trip_is_lossless(claims):
    assert graph_to_claims(claims_to_graph(claims)) == claims


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims_objects())
def test_round_trip_survives_turtle_text(claims):
    text = claims_to_turtle(claims)
    assert graph_to_claims(Graph().parse(data=text, format="turtle")) == claims


@pytest.mark.slow
def test_data_file_to_objects_to_rdf_is_isomorphic(graph):
    on_disk = Graph().parse(DATA, format="turtle")
    assert isomorphic(claims_to_graph(graph.claims), on_disk)


@pytest.mark.slow
def test_data_file_is_up_to_date_with_curation():
    assert compile_turtle(CURATION) == DATA.read_text(encoding="utf-8"), "run: scograph build"


@pytest.mark.slow
def test_build_is_deterministic_across_hash_seeds():
    script = "from pathlib import Path; from scograph.curation import compile_turtle; import hashlib; " \
             f"print(hashlib.sha256(compile_turtle(Path({str(CURATION)!r})).encode()).hexdigest())"
    digests = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1

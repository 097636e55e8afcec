"""The packaged vocabulary (vocab.ttl) and SHACL shapes (shapes.ttl) against what mapping.py writes.

A small sample of claims covers every class and every mapped field; it must conform
to the shapes, each way of breaking it must be reported with a curator's message,
and every ``sco:`` term it uses must be defined with labels and comments in English
and Chinese.
"""

from __future__ import annotations

import re

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from scograph import model as m
from scograph.rdf.mapping import (
    ACTOR_CLASSES,
    BASES,
    CLASSES,
    DOMAINS,
    FIELDS,
    LEVELS,
    MODELS,
    OA,
    SCO,
    STANCES,
    VOICES,
    claims_to_graph,
    iri,
    link_iri,
)
from scograph.terms import resource_text

VOCAB_IRI = URIRef(str(SCO).rstrip("#"))


# ------------------------------------------------------------------ sample claims


def ev(quote: str, page: int = 95, note: int | None = None, source: str | None = None, **voice) -> m.Evidence:
    return m.Evidence(quote=quote, page=page, note=note, source=source, paper="paper-a",
                      anchor=m.Anchor(prefix="在此之前，", suffix="。此后"), **voice)


def sample_claims() -> m.Claims:
    """Every class, every actor kind and every mapped field at least once."""
    paper = m.Paper(
        id="paper-a", label_zh="扩员后中亚成员国对上海合作组织的期待", label_en="Central Asian expectations of the SCO",
        description_zh="一篇论文。", description_en="A paper.", title="扩员后中亚成员国对上海合作组织的期待及其应对",
        language="zh", authors=["陈亚州", "曾向红"], publisher="国际展望杂志社", journal="国际展望", year=2019, issue="6",
        pages="90–108", date="2019-11", url="https://example.org/paper-a", doi="10.13851/j.cnki.gjzw.201906005",
        issn="1006-1568", affiliation="兰州大学", keywords=["上海合作组织", "利益诉求"], period_start="2017-06",
        period_end="2019-06", first_page=90, last_page=108,
        sections=[m.Section(id="sec-1", label_zh="一、影响因素", label_en="I. Drivers", first_page=92, last_page=96)],
    )
    cited_paper = m.Paper(
        id="paper-b", label_zh="另一篇论文", label_en="Another paper", title="Another paper", language="en",
        doi="10.1234/abcd.5678", first_page=1, last_page=20,
        citations=[m.Citation(paper="paper-a", page=100, note=3)],
    )
    source = m.Source(
        id="src-news", kind="news", label_zh="新闻报道", label_en="A news report", description_en="A report.",
        description_zh="一篇报道。", title="Kazakhstan at the summit", language="en", authors=["A. Writer"],
        publisher="Xinhua", journal="Xinhua Daily", year=2019, issue="12", pages="3", date="2019-06-14",
        url="https://example.org/news", citations=[m.Citation(paper="paper-a", page=95, note=1)],
    )
    actors = [
        m.Actor(id="kz", kind="state", label_zh="哈萨克斯坦", label_en="Kazakhstan", alpha2="KZ", alpha3="KAZ",
                description_en="A state.", description_zh="一个国家。", evidence=[ev("哈萨克斯坦")]),
        m.Actor(id="uz", kind="state", label_zh="乌兹别克斯坦", label_en="Uzbekistan", alpha2="UZ", alpha3="UZB"),
        m.Actor(id="ca-members", kind="state-group", label_zh="中亚成员国", label_en="Central Asian members",
                members=["kz", "uz"]),
        m.Actor(id="sco", kind="organisation", label_zh="上海合作组织", label_en="Shanghai Cooperation Organisation"),
        m.Actor(id="aiib", kind="financial-institution", label_zh="亚投行", label_en="AIIB"),
        m.Actor(id="sco-rats", kind="sco-body", label_zh="地区反恐怖机构", label_en="RATS", part_of="sco"),
        m.Actor(id="kz-mfa", kind="government-body", label_zh="哈萨克斯坦外交部", label_en="Kazakh MFA", country="kz"),
        m.Actor(id="tokayev", kind="person", label_zh="托卡耶夫", label_en="Tokayev", office="President",
                office_zh="总统", office_date="2019-06", country="kz"),
        m.Actor(id="taliban", kind="non-state-group", label_zh="塔利班", label_en="Taliban",
                evidence=[ev("塔利班", page=94)]),
    ]
    themes = [
        m.Theme(id="theme-trust", label_zh="政治互信", label_en="Political trust", description_en="Trust.",
                description_zh="互信。"),
        m.Theme(id="theme-dialogue", label_zh="政治对话", label_en="Political dialogue", broader="theme-trust"),
    ]
    indicator = m.Indicator(
        id="ind-fdi", label_zh="外国直接投资变化", label_en="FDI change", value=-27.7,
        description_en="A figure.", description_zh="数据。", unit="%", year=2018,
        measures="change in foreign direct investment", subject="kz", evidence=[ev("下降27.7%", page=93)],
    )
    drivers = [
        m.Driver(id="drv-transition", label_zh="政治过渡", label_en="Political transition", level="domestic",
                 description_en="A transition.", description_zh="过渡。",
                 actors=["kz"], affects=["uz"], indicators=["ind-fdi"],
                 evidence=[ev("政治过渡", note=1, source="src-news")]),
        m.Driver(id="drv-succession", label_zh="权力交接", label_en="Succession", level="regional",
                 broader="drv-transition", evidence=[ev("权力交接", page=93)]),
        m.Driver(id="drv-enlargement", label_zh="扩员", label_en="Enlargement", evidence=[ev("扩员", page=90)]),
    ]
    finding = m.Finding(
        id="fnd-kz-clearest", label_zh="哈萨克斯坦的立场最为明显", label_en="Kazakhstan is the clearest",
        description_en="A comparison.", description_zh="比较。", kind="comparison", stance="supports",
        about=["kz", "theme-trust", "exp-dialogue"], evidence=[ev("体现得最为明显", page=98)],
    )
    event = m.Event(
        id="evt-bishkek", kind="summit", label_zh="比什凯克峰会", label_en="Bishkek summit",
        description_en="A summit.", description_zh="峰会。", date="2019-06-13",
        end_date="2019-06-14", place="Bishkek, Kyrgyzstan", place_zh="吉尔吉斯斯坦比什凯克", participants=["kz", "uz"],
        evidence=[ev("比什凯克峰会", page=97)],
    )
    document = m.Document(
        id="doc-charter", kind="treaty", label_zh="上合组织宪章", label_en="SCO Charter", issuers=["sco"],
        description_en="A charter.", description_zh="宪章。", date="2002-06",
        period_start="2002", period_end="2025-12-31", evidence=[ev("宪章", page=97)],
    )
    grant = m.Document(id="doc-grant", kind="project", label_zh="国家社科基金项目", label_en="A national grant")
    initiative = m.Initiative(
        id="ini-rail", kind="railway", label_zh="中吉乌铁路", label_en="China–Kyrgyzstan–Uzbekistan railway",
        description_en="A railway.", description_zh="铁路。",
        proposers=["uz"], date="2018", themes=["theme-dialogue"], evidence=[ev("中吉乌铁路", page=101)],
    )
    expectations = [
        m.Expectation(
            id="exp-dialogue", label_zh="加强政治对话", label_en="Stronger political dialogue", holder="kz",
            description_en="Dialogue.", description_zh="对话。",
            domain="political", themes=["theme-dialogue", "theme-trust"], speaker="tokayev", date="2019-06-14",
            occasion="evt-bishkek", initiatives=["ini-rail"], documents=["doc-charter"],
            drivers=[
                m.Link(target="drv-transition", basis="stated", evidence=[ev("因此", page=97)]),
                m.Link(target="drv-succession", basis="inferred", evidence=[ev("由于", page=97)],
                       rationale="The succession is read as the reason for the demand."),
                m.Link(target="drv-enlargement", basis="inferred", rationale="A reading without a quote."),
            ],
            evidence=[ev("期待加强政治对话", page=97),
                      ev("“加强信任、对话与合作”", page=98, note=1, source="src-news", voice="quoted",
                         speaker="tokayev", date="2019-06-14", occasion="evt-bishkek")],
        ),
        m.Expectation(id="exp-trade", label_zh="扩大贸易", label_en="More trade", holder="ca-members",
                      domain="economic", themes=["theme-trust"], stance="opposes",
                      evidence=[ev("扩大贸易", page=101), ev("哈萨克斯坦认为", page=101, voice="reported", speaker="kz")]),
    ]
    response = m.Response(
        id="rsp-trust", label_zh="建设团结互信的典范", label_en="Build the model of solidarity", addressee="sco",
        description_en="A response.", description_zh="应对。",
        domain="political", model="solidarity", initiatives=["ini-rail"],
        addresses=[m.Link(target="exp-dialogue", evidence=[ev("应对", page=105)])],
        evidence=[ev("团结互信", page=105)],
    )
    detail = m.Response(
        id="rsp-trust-detail", label_zh="加强中小成员国之间的政治对话", label_en="Dialogue among small members",
        addressee="sco", domain="political", model="solidarity", broader="rsp-trust",
        evidence=[ev("政治对话", page=105)],
    )
    return m.Claims(
        papers=[paper, cited_paper], sources=[source], actors=actors, themes=themes, drivers=drivers,
        expectations=expectations, responses=[response, detail], initiatives=[initiative],
        documents=[document, grant], events=[event], indicators=[indicator], findings=[finding],
    )


# --------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(data=resource_text("vocab.ttl"), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(data=resource_text("shapes.ttl"), format="turtle")


@pytest.fixture(scope="module")
def sample() -> Graph:
    return claims_to_graph(sample_claims())


def copy(graph: Graph) -> Graph:
    new = Graph()
    for triple in graph:
        new.add(triple)
    return new


def drop(graph: Graph, node: URIRef) -> None:
    """Remove a node: its own triples and the triples that point to it."""
    graph.remove((node, None, None))
    graph.remove((None, None, node))


def is_curated_message(message: str, templates: set[str]) -> bool:
    """The message is one of the shapes' messages, SPARQL ones with their {?var} / {$var} filled in."""
    for template in templates:
        pattern = re.sub(r"\\\{\\?[?$]\w+\\\}", ".+", re.escape(template))
        if re.fullmatch(pattern, message):
            return True
    return False


def run(data: Graph, shapes: Graph, vocab: Graph) -> tuple[bool, Graph, str]:
    return validate(data, shacl_graph=shapes, ont_graph=vocab, inference="none")


def results(report: Graph) -> list[dict]:
    return [
        {
            "focus": report.value(r, SH.focusNode),
            "path": report.value(r, SH.resultPath),
            "component": report.value(r, SH.sourceConstraintComponent),
            "messages": [str(msg) for msg in report.objects(r, SH.resultMessage)],
        }
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def sco_terms(graph: Graph) -> set[URIRef]:
    found = set()
    for s, p, o in graph:
        for node in (s, p, o):
            if isinstance(node, URIRef) and str(node).startswith(str(SCO)):
                found.add(node)
    return found


# ------------------------------------------------------------------------- tests


def test_both_files_parse_and_declare_their_ontology(vocab, shapes):
    assert (VOCAB_IRI, RDF.type, OWL.Ontology) in vocab
    for predicate in (URIRef("http://purl.org/dc/terms/title"), URIRef("http://purl.org/dc/terms/description")):
        languages = {o.language for o in vocab.objects(VOCAB_IRI, predicate)}
        assert languages == {"en", "zh"}, predicate
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) >= 15


def test_sample_covers_every_class_and_field(sample):
    types = set(sample.objects(None, RDF.type))
    for classes in CLASSES.values():
        assert set(classes) <= types
    assert set(ACTOR_CLASSES.values()) <= types
    assert {SCO.Evidence, SCO.Link, SCO.Footnote, SCO.Section} <= types
    assert set(BASES.values()) <= set(sample.objects(None, SCO.basis))
    assert {VOICES[m.Voice.authors], VOICES[m.Voice.reported], VOICES[m.Voice.quoted]} == set(sample.objects(None, SCO.voice))
    assert set(STANCES.values()) - {STANCES[m.Stance.concerned]} <= set(sample.objects(None, SCO.stance))
    assert {OA.SpecificResource, OA.TextQuoteSelector} <= types
    assert {SCO.rationale, OA.prefix, OA.suffix, OA.exact} <= set(sample.predicates())
    for kind, fields in FIELDS.items():
        subjects = set(sample.subjects(RDF.type, CLASSES[kind][0]))
        for field in fields:
            values = [o for s in subjects for o in sample.objects(s, field.predicate)]
            if field.kind.startswith("lang:"):
                values = [v for v in values if isinstance(v, Literal) and v.language == field.kind[5:]]
            assert values, f"the sample has no {kind.__name__}.{field.name} ({field.predicate})"


def test_sample_conforms(sample, shapes, vocab):
    conforms, _, text = run(sample, shapes, vocab)
    assert conforms, text


def _remove_zh_label(g: Graph):
    kz = iri("kz")
    g.remove((kz, RDFS.label, Literal("哈萨克斯坦", lang="zh")))
    return kz, RDFS.label


def _holder_is_a_theme(g: Graph):
    exp = iri("exp-dialogue")
    g.set((exp, SCO.holder, iri("theme-trust")))
    return exp, SCO.holder


def _domain_outside_the_four(g: Graph):
    exp = iri("exp-dialogue")
    g.set((exp, SCO.domain, SCO.military))
    return exp, SCO.domain


def _evidence_without_quote(g: Graph):
    node = next(iter(g.objects(iri("rsp-trust"), SCO.evidence)))
    g.remove((node, SCO.quote, None))
    return node, SCO.quote


def _link_without_basis(g: Graph):
    node = link_iri(iri("exp-dialogue"), SCO.shapedBy, "drv-transition")
    assert (node, RDF.type, SCO.Link) in g
    g.remove((node, SCO.basis, None))
    return node, SCO.basis


def _state_without_alpha3(g: Graph):
    g.remove((iri("uz"), SCO.alpha3, None))
    return iri("uz"), SCO.alpha3


def _lower_case_alpha2(g: Graph):
    g.set((iri("uz"), SCO.alpha2, Literal("uz")))
    return iri("uz"), SCO.alpha2


def _page_zero(g: Graph):
    node = next(iter(g.objects(iri("kz"), SCO.evidence)))
    g.set((node, SCO.page, Literal(0)))
    return node, SCO.page


def _quote_in_english(g: Graph):
    node = next(iter(g.objects(iri("kz"), SCO.evidence)))
    g.set((node, SCO.quote, Literal("Kazakhstan", lang="en")))
    return node, SCO.quote


def _expectation_without_evidence(g: Graph):
    exp = iri("exp-trade")
    for node in list(g.objects(exp, SCO.evidence)):
        drop(g, node)
    return exp, SCO.evidence


def _source_without_note(g: Graph):
    node = next(iter(g.objects(iri("drv-transition"), SCO.evidence)))
    g.remove((node, SCO.footnote, None))
    return node, None


def _driver_link_without_qualifier(g: Graph):
    node = link_iri(iri("exp-dialogue"), SCO.shapedBy, "drv-succession")
    for evidence in list(g.objects(node, SCO.evidence)):
        drop(g, evidence)
    drop(g, node)
    return iri("exp-dialogue"), None


def _link_for_an_unasserted_statement(g: Graph):
    g.remove((iri("exp-dialogue"), SCO.shapedBy, iri("drv-transition")))
    return link_iri(iri("exp-dialogue"), SCO.shapedBy, "drv-transition"), None


def _actor_with_two_kinds(g: Graph):
    g.add((iri("kz"), RDF.type, SCO.Person))
    return iri("kz"), RDF.type


def _paper_pages_reversed(g: Graph):
    g.set((iri("paper-a"), URIRef("http://purl.org/ontology/bibo/pageStart"), Literal(200)))
    return iri("paper-a"), URIRef("http://purl.org/ontology/bibo/pageStart")


def _evidence_of(g: Graph, owner: str, quote: str) -> URIRef:
    return next(e for e in g.objects(iri(owner), SCO.evidence) if str(g.value(e, SCO.quote)) == quote)


def _reported_words_without_speaker(g: Graph):
    node = _evidence_of(g, "exp-trade", "哈萨克斯坦认为")
    g.remove((node, SCO.speaker, None))
    return node, None


def _authors_words_with_a_speaker(g: Graph):
    node = _evidence_of(g, "rsp-trust", "团结互信")
    g.add((node, SCO.speaker, iri("tokayev")))
    return node, None


def _date_without_a_speaker(g: Graph):
    node = _evidence_of(g, "rsp-trust", "团结互信")
    g.add((node, DCTERMS.date, Literal("2019", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))))
    return node, None


def _evidence_without_target(g: Graph):
    node = _evidence_of(g, "rsp-trust", "团结互信")
    for target in list(g.objects(node, OA.hasTarget)):
        for selector in list(g.objects(target, OA.hasSelector)):
            drop(g, selector)
        drop(g, target)
    return node, OA.hasTarget


def _target_on_another_page(g: Graph):
    node = _evidence_of(g, "rsp-trust", "团结互信")
    g.set((g.value(node, OA.hasTarget), SCO.page, Literal(106)))
    return node, None


def _selector_of_another_text(g: Graph):
    node = _evidence_of(g, "rsp-trust", "团结互信")
    selector = g.value(g.value(node, OA.hasTarget), OA.hasSelector)
    g.set((selector, OA.exact, Literal("团结", lang="zh")))
    return node, None


def _inferred_link_without_rationale(g: Graph):
    node = link_iri(iri("exp-dialogue"), SCO.shapedBy, "drv-succession")
    g.remove((node, SCO.rationale, None))
    return node, None


def _stated_link_without_evidence(g: Graph):
    node = link_iri(iri("exp-dialogue"), SCO.shapedBy, "drv-transition")
    for evidence in list(g.objects(node, SCO.evidence)):
        drop(g, evidence)
    return node, None


def _speaker_no_evidence_carries(g: Graph):
    g.set((iri("exp-dialogue"), SCO.speaker, iri("kz-mfa")))
    return iri("exp-dialogue"), None


def _finding_about_nothing(g: Graph):
    g.remove((iri("fnd-kz-clearest"), SCO.about, None))
    return iri("fnd-kz-clearest"), SCO.about


def _finding_of_no_known_kind(g: Graph):
    g.set((iri("fnd-kz-clearest"), SCO.findingKind, Literal("opinion")))
    return iri("fnd-kz-clearest"), SCO.findingKind


def _stance_outside_the_three(g: Graph):
    g.set((iri("exp-trade"), SCO.stance, SCO.Neutral))
    return iri("exp-trade"), SCO.stance


BREAKS = {
    "missing zh label": _remove_zh_label,
    "holder is a theme": _holder_is_a_theme,
    "domain outside the four": _domain_outside_the_four,
    "evidence without quote": _evidence_without_quote,
    "link without basis": _link_without_basis,
    "state without alpha3": _state_without_alpha3,
    "lower-case alpha2": _lower_case_alpha2,
    "page zero": _page_zero,
    "quote not in Chinese": _quote_in_english,
    "expectation without evidence": _expectation_without_evidence,
    "cited source without note": _source_without_note,
    "driver link without sco:Link": _driver_link_without_qualifier,
    "link for an unasserted statement": _link_for_an_unasserted_statement,
    "actor with two kinds": _actor_with_two_kinds,
    "paper pages reversed": _paper_pages_reversed,
    "reported words without a speaker": _reported_words_without_speaker,
    "the authors' words with a speaker": _authors_words_with_a_speaker,
    "a date without a speaker": _date_without_a_speaker,
    "evidence without an annotation target": _evidence_without_target,
    "an annotation target on another page": _target_on_another_page,
    "a selector of another text": _selector_of_another_text,
    "an inferred link without a rationale": _inferred_link_without_rationale,
    "a stated link without evidence": _stated_link_without_evidence,
    "a speaker no evidence carries": _speaker_no_evidence_carries,
    "a finding about nothing": _finding_about_nothing,
    "a finding of no known kind": _finding_of_no_known_kind,
    "a stance outside the three": _stance_outside_the_three,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BREAKS))
def test_each_break_is_reported_with_a_message(name, sample, shapes, vocab):
    data = copy(sample)
    focus, path = BREAKS[name](data)
    conforms, report, text = run(data, shapes, vocab)
    assert not conforms, name
    found = results(report)
    matching = [r for r in found if r["focus"] == focus and (path is None or r["path"] == path)]
    assert matching, f"{name}: not reported for {focus} {path}\n{text}"
    # Only the broken node is reported, and every result carries a curator's message, not pyshacl's.
    assert {r["focus"] for r in found} == {focus}, text
    defined = {str(msg) for msg in shapes.objects(None, SH.message)}
    for result in found:
        assert result["messages"], f"{name}: a result without a message\n{text}"
        for message in result["messages"]:
            assert is_curated_message(message, defined), message


def test_every_sco_term_of_the_sample_is_defined_bilingually(sample, vocab):
    missing = []
    for term in sorted(sco_terms(sample)):
        for predicate in (RDFS.label, RDFS.comment):
            languages = sorted(o.language for o in vocab.objects(term, predicate) if isinstance(o, Literal))
            if languages != ["en", "zh"]:
                missing.append(f"{term} {predicate}: {languages}")
    assert not missing, "\n".join(missing)


def test_every_term_mapping_uses_is_defined(vocab):
    used = set()
    for classes in CLASSES.values():
        used |= set(classes)
    for table in (ACTOR_CLASSES, DOMAINS, MODELS, LEVELS, BASES, VOICES, STANCES):
        used |= set(table.values())
    for fields in FIELDS.values():
        used |= {field.predicate for field in fields}
    used |= {SCO.Evidence, SCO.Link, SCO.Footnote, SCO.Section, SCO.ThemeScheme, SCO.quote, SCO.page,
             SCO.footnote, SCO.citedSource, SCO.inPaper, SCO.basis, SCO.voice, SCO.rationale}
    defined = set(vocab.subjects(RDFS.label, None))
    assert not {t for t in used if str(t).startswith(str(SCO))} - defined


def test_every_vocabulary_term_is_typed_labelled_and_defined(vocab):
    problems = []
    for term in sorted(sco_terms(vocab)):
        if (term, RDF.type, None) not in vocab:
            problems.append(f"{term}: no rdf:type")
        for predicate in (RDFS.label, RDFS.comment):
            languages = sorted(o.language for o in vocab.objects(term, predicate))
            if languages != ["en", "zh"]:
                problems.append(f"{term} {predicate}: {languages}")
    for term in vocab.subjects(RDF.type, OWL.ObjectProperty):
        if (term, RDF.type, OWL.DatatypeProperty) in vocab:
            problems.append(f"{term}: both object and datatype property")
    assert not problems, "\n".join(problems)


def test_shapes_name_their_terms_and_explain_themselves(shapes, vocab):
    defined = set(vocab.subjects(RDFS.label, None))
    assert not sco_terms(shapes) - defined
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for shape in node_shapes | property_shapes:
        assert shapes.value(shape, SH.name) is not None, shape
    for shape in property_shapes | set(shapes.objects(None, SH.sparql)):
        assert shapes.value(shape, SH.message) is not None, shape
    # One node shape at least for every class of the vocabulary.
    targets = set(shapes.objects(None, SH.targetClass))
    for cls in vocab.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(SCO)):
            assert cls in targets, f"no shape targets {cls}"


def _classes(vocab, node) -> set:
    """The classes a domain or range names: one class, or the members of an owl:unionOf."""
    from rdflib.collection import Collection

    union = vocab.value(node, OWL.unionOf)
    return set(Collection(vocab, union)) if union is not None else {node}


def test_every_declared_domain_and_range_holds_in_the_claims(vocab):
    """Each use of a sco: property in the claims has a subject of its rdfs:domain and an object of its rdfs:range
    (a class or a union of classes; subclasses count); sco:evidence and sco:refines declare both."""
    from rdflib import Graph

    from .conftest import DATA

    data = Graph().parse(DATA, format="turtle")
    typed = data + vocab  # the vocabulary types its own concepts (sco:Stated a skos:Concept)
    supers: dict = {}
    for cls, parent in vocab.subject_objects(RDFS.subClassOf):
        supers.setdefault(cls, set()).add(parent)

    def types(node) -> set:
        found, todo = set(), list(typed.objects(node, RDF.type))
        while todo:
            cls = todo.pop()
            if cls not in found:
                found.add(cls)
                todo.extend(supers.get(cls, ()))
        return found

    for term in (SCO.evidence, SCO.refines):
        assert vocab.value(term, RDFS.domain) is not None and vocab.value(term, RDFS.range) is not None, term
    problems, checked = [], 0
    for term in sorted(sco_terms(vocab)):
        for declared, position in ((RDFS.domain, 0), (RDFS.range, 2)):
            node = vocab.value(term, declared)
            if node is None or (term, RDF.type, OWL.ObjectProperty) not in vocab:
                continue
            classes = _classes(vocab, node)
            for triple in data.triples((None, term, None)):
                checked += 1
                if not types(triple[position]) & classes:
                    problems.append(f"{triple[position]} {term} ({declared}): not one of {sorted(classes)}")
    assert checked and not problems, "\n".join(sorted(set(problems))[:20])

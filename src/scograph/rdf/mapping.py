"""Claims objects → RDF triples, by one table of field mappings (:mod:`.reading` reads them back by the same table).

Every entity is an IRI in the ``ENTITY`` namespace. Value objects get IRIs derived
from their content, so that the graph has no blank nodes but author lists and
the same claims always give the same triples:

- evidence: ``<entity>/ev-<hash>`` (``sco:Evidence``, a ``prov:Entity``), and the quote as a
  W3C Web Annotation target: ``<evidence>/target`` (``oa:SpecificResource`` of the paper) with
  its ``<evidence>/target/selector`` (``oa:TextQuoteSelector``: exact, prefix, suffix),
- a qualified link: ``<subject>/link/<property>/<target>`` (``sco:Link``, an ``rdf:Statement``),
- a footnote: ``<paper>/p99-n1`` (``sco:Footnote``), a section: ``<paper>/<section>``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .. import model as m
from .. import terms
from ..terms import bind_prefixes
from .turtle import decimal_lexical, turtle_text

# The rdflib namespaces of terms' IRIs, for the code that builds rdflib graphs.
SCO, ENTITY, BIBO, OA = (Namespace(iri) for iri in (terms.SCO, terms.ENTITY, terms.BIBO, terms.OA))


@dataclass(frozen=True)
class FieldMap:
    name: str
    predicate: URIRef
    kind: str
    """text | lang:xx | title | int | float (as xsd:decimal) | date | year | ref | refs | texts | authors | enum
    | evidence | links | citations | sections"""
    concepts: dict | None = None
    """For ``enum``: the model's enum value -> concept IRI."""


# The concept tables live in ``terms`` (plain strings, for the lookups); here they are keyed by the model's enums.
DOMAINS = {m.Domain(name): SCO[name] for name in terms.DOMAINS}
MODELS = {m.Model(name): SCO[local] for name, local in terms.MODELS.items()}
LEVELS = {m.Level(name): SCO[local] for name, local in terms.LEVELS.items()}
BASES = {m.Basis(name): SCO[local] for name, local in terms.BASES.items()}
ACTOR_CLASSES = {m.ActorKind(kind): SCO[local] for kind, local in terms.ACTOR_KINDS.items()}
VOICES = {m.Voice(name): SCO[local] for name, local in terms.VOICES.items()}
STANCES = {m.Stance(name): SCO[local] for name, local in terms.STANCES.items()}

_ENTITY_FIELDS = [
    FieldMap("label_zh", RDFS.label, "lang:zh"),
    FieldMap("label_en", RDFS.label, "lang:en"),
    FieldMap("description_zh", DCTERMS.description, "lang:zh"),
    FieldMap("description_en", DCTERMS.description, "lang:en"),
]
_SOURCE_FIELDS = _ENTITY_FIELDS + [
    FieldMap("kind", SCO.sourceKind, "text"),
    FieldMap("title", DCTERMS.title, "title"),
    FieldMap("language", DCTERMS.language, "text"),
    FieldMap("authors", BIBO.authorList, "authors"),
    FieldMap("publisher", DCTERMS.publisher, "text"),
    FieldMap("journal", SCO.journal, "text"),
    FieldMap("year", DCTERMS.issued, "year"),
    FieldMap("issue", BIBO.issue, "text"),
    FieldMap("pages", BIBO.pages, "text"),
    FieldMap("date", DCTERMS.date, "date"),
    FieldMap("url", BIBO.uri, "text"),
    FieldMap("citations", SCO.citedAt, "citations"),
]

FIELDS: dict[type, list[FieldMap]] = {
    m.Source: _SOURCE_FIELDS,
    m.Paper: _SOURCE_FIELDS + [
        FieldMap("doi", BIBO.doi, "text"),
        FieldMap("issn", BIBO.issn, "text"),
        FieldMap("affiliation", SCO.affiliation, "text"),
        FieldMap("keywords", SCO.keyword, "texts"),
        FieldMap("period_start", SCO.periodStart, "date"),
        FieldMap("period_end", SCO.periodEnd, "date"),
        FieldMap("first_page", BIBO.pageStart, "int"),
        FieldMap("last_page", BIBO.pageEnd, "int"),
        FieldMap("sections", DCTERMS.hasPart, "sections"),
    ],
    m.Actor: _ENTITY_FIELDS + [
        FieldMap("alpha2", SCO.alpha2, "text"),
        FieldMap("alpha3", SCO.alpha3, "text"),
        FieldMap("office", SCO.office, "lang:en"),
        FieldMap("office_zh", SCO.office, "lang:zh"),
        FieldMap("office_date", SCO.officeDate, "date"),
        FieldMap("country", SCO.country, "ref"),
        FieldMap("part_of", DCTERMS.isPartOf, "ref"),
        FieldMap("members", SCO.member, "refs"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Theme: _ENTITY_FIELDS + [FieldMap("broader", SKOS.broader, "ref")],
    m.Driver: _ENTITY_FIELDS + [
        FieldMap("level", SCO.level, "enum", LEVELS),
        FieldMap("broader", SCO.refines, "ref"),
        FieldMap("actors", SCO.actor, "refs"),
        FieldMap("affects", SCO.affects, "refs"),
        FieldMap("indicators", SCO.indicator, "refs"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Expectation: _ENTITY_FIELDS + [
        FieldMap("holder", SCO.holder, "ref"),
        FieldMap("domain", SCO.domain, "enum", DOMAINS),
        FieldMap("themes", SCO.theme, "refs"),
        FieldMap("stance", SCO.stance, "enum", STANCES),
        FieldMap("speaker", SCO.speaker, "ref"),
        FieldMap("date", DCTERMS.date, "date"),
        FieldMap("occasion", SCO.occasion, "ref"),
        FieldMap("initiatives", SCO.initiative, "refs"),
        FieldMap("documents", SCO.document, "refs"),
        FieldMap("drivers", SCO.shapedBy, "links"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Response: _ENTITY_FIELDS + [
        FieldMap("addressee", SCO.addressee, "ref"),
        FieldMap("domain", SCO.domain, "enum", DOMAINS),
        FieldMap("model", SCO.model, "enum", MODELS),
        FieldMap("broader", SCO.refines, "ref"),
        FieldMap("initiatives", SCO.initiative, "refs"),
        FieldMap("addresses", SCO.addresses, "links"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Initiative: _ENTITY_FIELDS + [
        FieldMap("kind", SCO.initiativeKind, "text"),
        FieldMap("proposers", SCO.proposer, "refs"),
        FieldMap("date", DCTERMS.date, "date"),
        FieldMap("themes", SCO.theme, "refs"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Document: _ENTITY_FIELDS + [
        FieldMap("kind", SCO.documentKind, "text"),
        FieldMap("issuers", SCO.issuer, "refs"),
        FieldMap("date", DCTERMS.date, "date"),
        FieldMap("period_start", SCO.periodStart, "date"),
        FieldMap("period_end", SCO.periodEnd, "date"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Event: _ENTITY_FIELDS + [
        FieldMap("kind", SCO.eventKind, "text"),
        FieldMap("date", DCTERMS.date, "date"),
        FieldMap("end_date", SCO.endDate, "date"),
        FieldMap("place", SCO.place, "lang:en"),
        FieldMap("place_zh", SCO.place, "lang:zh"),
        FieldMap("participants", SCO.participant, "refs"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Indicator: _ENTITY_FIELDS + [
        FieldMap("value", RDF.value, "float"),
        FieldMap("unit", SCO.unit, "text"),
        FieldMap("year", SCO.year, "year"),
        FieldMap("measures", SCO.measures, "lang:en"),
        FieldMap("subject", SCO.subject, "ref"),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
    m.Finding: _ENTITY_FIELDS + [
        FieldMap("kind", SCO.findingKind, "text"),
        FieldMap("about", SCO.about, "refs"),
        FieldMap("stance", SCO.stance, "enum", STANCES),
        FieldMap("evidence", SCO.evidence, "evidence"),
    ],
}

_ALSO_TYPED = {m.Paper: [SCO.Source, BIBO.AcademicArticle], m.Theme: [SKOS.Concept]}
CLASSES: dict[type, list[URIRef]] = {
    cls: [SCO[terms.ENTITY_CLASSES[kind]], *_ALSO_TYPED.get(cls, [])] for kind, cls in m.ENTITY_TYPES.items()
}
"""Model class -> its RDF classes, its own class first (a paper is also a source)."""
CLAIMS_FIELD = {cls: terms.ENTITY_TABLES[kind] for kind, cls in m.ENTITY_TYPES.items()}


def iri(entity_id: str) -> URIRef:
    return ENTITY[entity_id]


def entity_id(node: URIRef) -> str:
    text = str(node)
    if not text.startswith(str(ENTITY)):
        raise ValueError(f"{text} is not a scograph entity IRI")
    return text[len(str(ENTITY)):]


def _date_literal(value: str) -> Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=datatype)


def _digest(*parts: Any) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:12]


def evidence_iri(owner: URIRef, evidence: m.Evidence) -> URIRef:
    return URIRef(f"{owner}/ev-{_digest(evidence.paper, evidence.page, evidence.note, evidence.source, evidence.quote)}")


def target_iri(evidence_node: URIRef) -> URIRef:
    """The Web Annotation target of a piece of evidence: the quote's place in the paper."""
    return URIRef(f"{evidence_node}/target")


def selector_iri(evidence_node: URIRef) -> URIRef:
    return URIRef(f"{evidence_node}/target/selector")


def link_iri(subject: URIRef, predicate: URIRef, target: str) -> URIRef:
    return URIRef(terms.link_iri(str(subject), terms.local_name(str(predicate)), target))


def footnote_iri(citation: m.Citation) -> URIRef:
    return URIRef(f"{iri(citation.paper)}/p{citation.page}-n{citation.note}")


# --------------------------------------------------------------------- objects -> RDF


def _add_evidence(graph: Graph, owner: URIRef, evidence: m.Evidence) -> URIRef:
    node = evidence_iri(owner, evidence)
    graph.add((node, RDF.type, SCO.Evidence))
    graph.add((node, SCO.quote, Literal(evidence.quote, lang="zh")))
    graph.add((node, SCO.page, Literal(evidence.page)))
    graph.add((node, PROV.wasQuotedFrom, iri(evidence.paper)))
    if evidence.note is not None:
        graph.add((node, SCO.footnote, Literal(evidence.note)))
    if evidence.source is not None:
        graph.add((node, SCO.citedSource, iri(evidence.source)))
    graph.add((node, SCO.voice, VOICES[evidence.voice]))
    if evidence.speaker is not None:
        graph.add((node, SCO.speaker, iri(evidence.speaker)))
    if evidence.date is not None:
        graph.add((node, DCTERMS.date, _date_literal(evidence.date)))
    if evidence.occasion is not None:
        graph.add((node, SCO.occasion, iri(evidence.occasion)))
    if evidence.anchor is not None:
        target, selector = target_iri(node), selector_iri(node)
        graph.add((node, OA.hasTarget, target))
        graph.add((target, RDF.type, OA.SpecificResource))
        graph.add((target, OA.hasSource, iri(evidence.paper)))
        graph.add((target, SCO.page, Literal(evidence.page)))
        graph.add((target, OA.hasSelector, selector))
        graph.add((selector, RDF.type, OA.TextQuoteSelector))
        # The selected text is the paper's, in Chinese: tagged as the quote is, so that the shapes
        # can check that oa:exact is the quote itself (sh:equals compares terms).
        graph.add((selector, OA.exact, Literal(evidence.quote, lang="zh")))
        if evidence.anchor.prefix:
            graph.add((selector, OA.prefix, Literal(evidence.anchor.prefix, lang="zh")))
        if evidence.anchor.suffix:
            graph.add((selector, OA.suffix, Literal(evidence.anchor.suffix, lang="zh")))
    graph.add((owner, SCO.evidence, node))
    return node


def add_entity(graph: Graph, entity: m.Entity) -> None:
    subject = iri(entity.id)
    kind = type(entity)
    for rdf_class in CLASSES[kind]:
        graph.add((subject, RDF.type, rdf_class))
    if kind is m.Actor:
        graph.add((subject, RDF.type, ACTOR_CLASSES[entity.kind]))
    if kind is m.Theme:
        graph.add((subject, SKOS.inScheme, SCO.ThemeScheme))
        graph.add((subject, SKOS.prefLabel, Literal(entity.label_zh, lang="zh")))
        graph.add((subject, SKOS.prefLabel, Literal(entity.label_en, lang="en")))
    for field in FIELDS[kind]:
        value = getattr(entity, field.name)
        if value is None or value == []:
            continue
        _add_field(graph, subject, entity, field, value)


def _add_field(graph: Graph, subject: URIRef, entity: m.Entity, field: FieldMap, value: Any) -> None:
    p, kind = field.predicate, field.kind
    if kind.startswith("lang:"):
        graph.add((subject, p, Literal(value, lang=kind[5:])))
    elif kind == "title":
        graph.add((subject, p, Literal(value, lang=entity.language)))
    elif kind == "text":
        graph.add((subject, p, Literal(getattr(value, "value", value))))
    elif kind == "texts":
        for item in value:
            graph.add((subject, p, Literal(item)))
    elif kind == "int":
        graph.add((subject, p, Literal(value)))
    elif kind == "float":
        # xsd:decimal (rdflib's Turtle writer rounds xsd:double), in the engine's one lexical form.
        graph.add((subject, p, Literal(decimal_lexical(value), datatype=XSD.decimal)))
    elif kind == "date":
        graph.add((subject, p, _date_literal(value)))
    elif kind == "year":
        graph.add((subject, p, Literal(f"{value:04d}", datatype=XSD.gYear)))
    elif kind == "ref":
        graph.add((subject, p, iri(value)))
    elif kind == "refs":
        for item in value:
            graph.add((subject, p, iri(item)))
    elif kind == "enum":
        graph.add((subject, p, field.concepts[value]))
    elif kind == "authors":
        head = URIRef(f"{subject}/authors")
        Collection(graph, head, [Literal(a) for a in value])
        graph.add((subject, p, head))
    elif kind == "evidence":
        for evidence in value:
            _add_evidence(graph, subject, evidence)
    elif kind == "links":
        for link in value:
            target = iri(link.target)
            graph.add((subject, p, target))
            node = link_iri(subject, p, link.target)
            graph.add((node, RDF.type, SCO.Link))
            graph.add((node, RDF.type, RDF.Statement))
            graph.add((node, RDF.subject, subject))
            graph.add((node, RDF.predicate, p))
            graph.add((node, RDF.object, target))
            graph.add((node, SCO.basis, BASES[link.basis]))
            if link.rationale is not None:
                graph.add((node, SCO.rationale, Literal(link.rationale, lang="en")))
            for evidence in link.evidence:
                _add_evidence(graph, node, evidence)
    elif kind == "citations":
        for citation in value:
            node = footnote_iri(citation)
            graph.add((node, RDF.type, SCO.Footnote))
            graph.add((node, SCO.inPaper, iri(citation.paper)))
            graph.add((node, SCO.page, Literal(citation.page)))
            graph.add((node, SCO.footnote, Literal(citation.note)))
            graph.add((subject, p, node))
    elif kind == "sections":
        for section in value:
            node = URIRef(f"{subject}/{section.id}")
            graph.add((node, RDF.type, SCO.Section))
            graph.add((node, RDFS.label, Literal(section.label_zh, lang="zh")))
            graph.add((node, RDFS.label, Literal(section.label_en, lang="en")))
            graph.add((node, BIBO.pageStart, Literal(section.first_page)))
            graph.add((node, BIBO.pageEnd, Literal(section.last_page)))
            graph.add((subject, p, node))
    else:  # pragma: no cover - a FIELDS table mistake
        raise AssertionError(kind)


def claims_to_graph(claims: m.Claims) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for entity in claims.entities():
        add_entity(graph, entity)
    return graph


def claims_to_turtle(claims: m.Claims) -> str:
    """Deterministic Turtle: the same claims always give the same text."""
    return turtle_text(claims_to_graph(claims))

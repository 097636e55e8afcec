"""RDF triples → claims objects, by the field table of :mod:`.mapping` (which writes them).

One reader, over :class:`Triples` (the values of each subject's predicates): filled from an rdflib
graph (:func:`graph_to_claims`: ``ClaimsGraph.claims``, ``validate``) or from SPARQL rows of one
entity's description (:func:`read_entity_from`: ``describe``). What comes out is checked by the
model (pydantic), so a file that breaks it is a ValidationError naming the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from .. import model as m
from .mapping import (
    ACTOR_CLASSES,
    BASES,
    BIBO,
    CLAIMS_FIELD,
    CLASSES,
    FIELDS,
    OA,
    SCO,
    VOICES,
    FieldMap,
    entity_id,
    iri,
    link_iri,
)

_DESCRIBED = """{
  { ?x ?p ?o BIND(?x AS ?s) }
  UNION { ?x sco:evidence ?s . ?s ?p ?o }
  UNION { ?x sco:evidence/oa:hasTarget ?s . ?s ?p ?o }
  UNION { ?x sco:evidence/oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o }
  UNION { ?s a sco:Link ; rdf:subject ?x . ?s ?p ?o }
  UNION { ?link a sco:Link ; rdf:subject ?x ; sco:evidence ?s . ?s ?p ?o }
  UNION { ?link a sco:Link ; rdf:subject ?x ; sco:evidence/oa:hasTarget ?s . ?s ?p ?o }
  UNION { ?link a sco:Link ; rdf:subject ?x ; sco:evidence/oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o }
  UNION { ?x bibo:authorList/rdf:rest* ?s . ?s ?p ?o }
  UNION { ?x sco:citedAt ?s . ?s ?p ?o }
  UNION { ?x dcterms:hasPart ?s . ?s ?p ?o }
}"""
DESCRIBE_ENTITY = f"""
# An entity with its evidence (and their annotation targets), qualified links (and their evidence),
# author list, footnotes, sections.
CONSTRUCT {{ ?s ?p ?o }} WHERE {_DESCRIBED}"""
_DESCRIPTION_ROWS = f"SELECT DISTINCT ?s ?p ?o ?x WHERE {_DESCRIBED}"
"""The triples of :data:`DESCRIBE_ENTITY` as rows, read without an RDF library (?x, bound, is projected:
the engine binds only a projected variable)."""


class Triples:
    """Each subject's values by predicate, both named by their text: what the reader asks of a graph.

    Values are as their source gives them (rdflib terms, or the store's plain values: IRI,
    LangString, numbers, text); the reader only reads their text, language and number.
    """

    __slots__ = ("_values",)

    def __init__(self, triples: Iterable[tuple[Any, Any, Any]]):
        values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            values[str(s)][str(p)].append(o)
        self._values = values

    def objects(self, subject, predicate) -> list:
        found = self._values.get(str(subject))
        return found.get(str(predicate), []) if found is not None else []


def _lang(value) -> str | None:
    """The language tag of a literal: rdflib's ``language``, the store's ``lang``."""
    return getattr(value, "language", None) or getattr(value, "lang", None)


def _one(triples: Triples, subject, predicate, lang: str | None = None):
    values = [o for o in triples.objects(subject, predicate) if lang is None or _lang(o) == lang]
    if len(values) > 1:
        raise ValueError(f"{subject} has {len(values)} values for {predicate}, expected one")
    return values[0] if values else None


def _by_concept(table: dict) -> dict[str, Any]:
    return {str(concept): key for key, concept in table.items()}


_VOICE_OF = _by_concept(VOICES)
_BASIS_OF = _by_concept(BASES)


def _read_evidence(triples: Triples, owner) -> list[dict]:
    items = []
    for node in triples.objects(owner, SCO.evidence):
        note = _one(triples, node, SCO.footnote)
        source = _one(triples, node, SCO.citedSource)
        voice = _one(triples, node, SCO.voice)
        speaker, date, occasion = (_one(triples, node, p) for p in (SCO.speaker, DCTERMS.date, SCO.occasion))
        item = {
            "quote": str(_one(triples, node, SCO.quote)),
            "page": int(_one(triples, node, SCO.page)),
            "note": int(note) if note is not None else None,
            "source": entity_id(source) if source is not None else None,
            "paper": entity_id(_one(triples, node, PROV.wasQuotedFrom)),
            "speaker": entity_id(speaker) if speaker is not None else None,
            "date": str(date) if date is not None else None,
            "occasion": entity_id(occasion) if occasion is not None else None,
        }
        if voice is not None:
            if str(voice) not in _VOICE_OF:
                raise ValueError(f"{node}: {voice} is not a valid voice")
            item["voice"] = _VOICE_OF[str(voice)]
        target = _one(triples, node, OA.hasTarget)
        selector = _one(triples, target, OA.hasSelector) if target is not None else None
        if selector is not None:
            prefix, suffix = _one(triples, selector, OA.prefix), _one(triples, selector, OA.suffix)
            item["anchor"] = {"prefix": str(prefix) if prefix is not None else "",
                              "suffix": str(suffix) if suffix is not None else ""}
        items.append(item)
    return items


def _authors(triples: Triples, head) -> list[str]:
    """The items of an RDF list (rdf:first, rdf:rest … rdf:nil), in order."""
    found, seen = [], set()
    while head is not None and str(head) != str(RDF.nil) and str(head) not in seen:
        seen.add(str(head))
        first = _one(triples, head, RDF.first)
        if first is not None:
            found.append(str(first))
        head = _one(triples, head, RDF.rest)
    return found


def _read_field(triples: Triples, subject, field: FieldMap) -> Any:
    p, kind = field.predicate, field.kind
    if kind.startswith("lang:"):
        value = _one(triples, subject, p, lang=kind[5:])
        return str(value) if value is not None else None
    if kind in ("text", "title", "date"):
        value = _one(triples, subject, p)
        return str(value) if value is not None else None
    if kind == "texts":
        return [str(v) for v in triples.objects(subject, p)]
    if kind in ("int", "year"):
        value = _one(triples, subject, p)
        return int(str(value)) if value is not None else None
    if kind == "float":
        value = _one(triples, subject, p)
        return float(str(value)) if value is not None else None
    if kind == "ref":
        value = _one(triples, subject, p)
        return entity_id(value) if value is not None else None
    if kind == "refs":
        return [entity_id(v) for v in triples.objects(subject, p)]
    if kind == "enum":
        value = _one(triples, subject, p)
        if value is None:
            return None
        by_concept = _by_concept(field.concepts)
        if str(value) not in by_concept:
            raise ValueError(f"{subject}: {value} is not a valid {field.name}")
        return by_concept[str(value)]
    if kind == "authors":
        head = _one(triples, subject, p)
        return _authors(triples, head) if head is not None else []
    if kind == "evidence":
        return _read_evidence(triples, subject)
    if kind == "links":
        links = []
        for target in triples.objects(subject, p):
            node = link_iri(subject, p, entity_id(target))
            basis = _one(triples, node, SCO.basis)
            rationale = _one(triples, node, SCO.rationale, lang="en")
            links.append({
                "target": entity_id(target),
                "basis": _BASIS_OF.get(str(basis), basis) if basis is not None else None,
                "evidence": _read_evidence(triples, node),
                "rationale": str(rationale) if rationale is not None else None,
            })
        return links
    if kind == "citations":
        return [
            {
                "paper": entity_id(_one(triples, node, SCO.inPaper)),
                "page": int(_one(triples, node, SCO.page)),
                "note": int(_one(triples, node, SCO.footnote)),
            }
            for node in triples.objects(subject, p)
        ]
    if kind == "sections":
        return [
            {
                "id": str(node).rsplit("/", 1)[-1],
                "label_zh": str(_one(triples, node, RDFS.label, "zh")),
                "label_en": str(_one(triples, node, RDFS.label, "en")),
                "first_page": int(_one(triples, node, BIBO.pageStart)),
                "last_page": int(_one(triples, node, BIBO.pageEnd)),
            }
            for node in triples.objects(subject, p)
        ]
    raise AssertionError(kind)  # pragma: no cover


def _model_for(types: set[str]) -> type | None:
    for kind, classes in CLASSES.items():  # papers before sources
        if str(classes[0]) in types:
            return kind
    return None


def read_entity(triples: Triples, subject, kind: type) -> m.Entity:
    data: dict[str, Any] = {"id": entity_id(subject)}
    if kind is m.Actor:
        types = {str(t) for t in triples.objects(subject, RDF.type)}
        kinds = [k for k, c in ACTOR_CLASSES.items() if str(c) in types]
        if len(kinds) != 1:
            raise ValueError(f"{subject} needs exactly one actor class, has {len(kinds)}")
        data["kind"] = kinds[0]
    for field in FIELDS[kind]:
        value = _read_field(triples, subject, field)
        if value is not None and value != []:
            data[field.name] = value
    return kind.model_validate(data)


def graph_to_claims(graph: Graph) -> m.Claims:
    """Read every entity in ``graph`` back into objects (raises pydantic's ValidationError or ValueError)."""
    triples = Triples(graph)
    buckets: dict[str, list] = {name: [] for name in m.Claims.model_fields}
    subjects = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for subject in sorted(subjects):
        kind = _model_for({str(t) for t in triples.objects(subject, RDF.type)})
        if kind is None:
            continue
        buckets[CLAIMS_FIELD[kind]].append(read_entity(triples, subject, kind))
    return m.Claims(**buckets)


def read_entity_from(store, entity_id_: str, kind: str) -> m.Entity:
    """One entity read from a store: its description (with its evidence and links), by SPARQL, into a typed object."""
    from ..store import IRI

    subject = iri(entity_id_)
    rows = store.rows(_DESCRIPTION_ROWS, {"x": IRI(str(subject))})
    model_class = {"paper": m.Paper, **{name: cls for cls, name in
                   ((c, c.__name__.lower()) for c in CLASSES)}}[kind]
    return read_entity(Triples((s, p, o) for s, p, o, _ in rows), subject, model_class)

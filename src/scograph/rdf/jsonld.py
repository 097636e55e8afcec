"""JSON-LD, written by rdflib: the whole graph as ordinary-looking JSON (``export -t jsonld``), and one entity's description (its page)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..graph import ClaimsGraph

JSONLD_CONTEXT: dict[str, Any] = {
    "@vocab": "https://w3id.org/scograph/vocab#",
    "sco": "https://w3id.org/scograph/vocab#",
    "scoid": "https://w3id.org/scograph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "bibo": "http://purl.org/ontology/bibo/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "id": "@id",
    "type": "@type",
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "description": {"@id": "dcterms:description", "@container": "@language"},
    "title": {"@id": "dcterms:title", "@container": "@language"},
    "office": {"@id": "sco:office", "@container": "@language"},
    "place": {"@id": "sco:place", "@container": "@language"},
    "quote": {"@id": "sco:quote", "@language": "zh"},
    "measures": {"@id": "sco:measures", "@language": "en"},
    "rationale": {"@id": "sco:rationale", "@language": "en"},
    **{name: {"@id": f"oa:{name}", "@language": "zh"} for name in ("exact", "prefix", "suffix")},
    **{name: {"@id": f"oa:{name}", "@type": "@id"} for name in ("hasTarget", "hasSource", "hasSelector")},
    "date": "dcterms:date",
    "issued": {"@id": "dcterms:issued", "@type": "xsd:gYear"},
    "year": {"@id": "sco:year", "@type": "xsd:gYear"},
    "language": "dcterms:language",
    "publisher": "dcterms:publisher",
    "hasPart": {"@id": "dcterms:hasPart", "@type": "@id"},
    "isPartOf": {"@id": "dcterms:isPartOf", "@type": "@id"},
    "authorList": {"@id": "bibo:authorList", "@type": "@id"},
    "doi": "bibo:doi",
    "issn": "bibo:issn",
    "issue": "bibo:issue",
    "pages": "bibo:pages",
    "uri": "bibo:uri",
    "pageStart": "bibo:pageStart",
    "pageEnd": "bibo:pageEnd",
    "value": {"@id": "rdf:value", "@type": "xsd:decimal"},
    "wasQuotedFrom": {"@id": "prov:wasQuotedFrom", "@type": "@id"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@vocab"},
    **{name: {"@id": f"sco:{name}", "@type": "@vocab"} for name in ("domain", "level", "model", "basis", "voice", "stance")},
    **{name: {"@id": f"sco:{name}", "@type": "@id"} for name in (
        "addressee", "citedSource", "country", "holder", "inPaper", "occasion", "refines", "speaker", "subject")},
    # Properties that may hold several values are always lists, however many a node has.
    **{name: {"@id": f"sco:{name}", "@type": "@id", "@container": "@set"} for name in (
        "about", "actor", "addresses", "affects", "citedAt", "document", "evidence", "indicator", "initiative", "issuer",
        "member", "participant", "proposer", "shapedBy", "theme")},
}
"""Short keys for every property, language maps for labels, plain ids for references (lists for
the properties that may have several), plain names for concepts (``"domain": "security"``), so
the JSON-LD reads as ordinary JSON. Dates
keep their XSD type (``{"@value": "2019-04", "type": "xsd:gYearMonth"}``): a date may be a
year, a month or a day."""


def _canonical_json(value: Any) -> Any:
    """Sorted arrays (RDF values have no order), so the same graph always gives the same text."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _canonical_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def to_jsonld(graph: "ClaimsGraph") -> str:
    text = graph.rdf.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
    document = json.loads(text)
    body = {k: v for k, v in document.items() if k != "@context"}
    return json.dumps({"@context": JSONLD_CONTEXT, **_canonical_json(body)}, ensure_ascii=False, indent=2) + "\n"


def entity_jsonld(ntriples: bytes) -> bytes:
    """An entity's description (N-Triples) as compact JSON-LD, its context the data's prefixes."""
    from rdflib import Graph

    from ..terms import DATA_PREFIXES, bind_prefixes

    graph = Graph()
    bind_prefixes(graph)
    graph.parse(data=ntriples.decode("utf-8"), format="nt")
    return graph.serialize(format="json-ld", context=dict(DATA_PREFIXES), indent=2, ensure_ascii=False).encode("utf-8")

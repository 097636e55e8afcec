"""The vocabulary's IRIs and concept names as plain strings.

Every IRI, prefix and entity kind is written here once. Lookups run on every CLI call, so this
module imports nothing heavy (no rdflib, no pydantic); :mod:`scograph.rdf.mapping` builds its rdflib
namespaces from these strings.
"""

from __future__ import annotations

SCO = "https://w3id.org/scograph/vocab#"
"""scograph's classes and properties, defined with labels and comments in Chinese and English
in ``resources/vocab.ttl``."""
ENTITY = "https://w3id.org/scograph/id/"
"""One IRI per entity, the entity's id appended."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
BIBO = "http://purl.org/ontology/bibo/"
OA = "http://www.w3.org/ns/oa#"
"""The W3C Web Annotation vocabulary: every quote is also an annotation target (a TextQuoteSelector)."""
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES = {
    "sco": SCO, "scoid": ENTITY, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS,
    "bibo": BIBO, "prov": PROV, "oa": OA, "owl": OWL, "sh": SH,
}
"""THE prefix table: every query may use these undeclared, every RDF file scograph writes binds them."""
DATA_PREFIXES = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix not in ("owl", "sh")}
"""The prefixes of the data itself (the vocabulary and the shapes also use ``owl:`` and ``sh:``)."""
ENDPOINT_PREFIXES = {prefix: DATA_PREFIXES[prefix]
                     for prefix in ("sco", "scoid", "rdf", "rdfs", "xsd", "dcterms", "prov", "skos", "bibo", "oa")}
"""The data's prefixes in the order the endpoint's home page has always listed them."""
SPARQL_PREFIXES = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in ENDPOINT_PREFIXES.items())


def bind_prefixes(graph) -> None:
    """Bind :data:`PREFIXES` on an rdflib graph (or dataset), overriding rdflib's defaults."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)


def resource_text(name: str) -> str:
    """A packaged resource (``vocab.ttl``, ``shapes.ttl``) as text."""
    from importlib import resources

    return resources.files("scograph").joinpath("resources", name).read_text(encoding="utf-8")


DOMAINS = ("political", "security", "economic", "cultural")
DOMAINS_ZH = {"political": "政治", "security": "安全", "economic": "经济", "cultural": "人文"}
"""Domain name -> its concept's local name in the vocabulary is the name itself."""

LEVELS = {"domestic": "DomesticLevel", "regional": "RegionalLevel", "international": "InternationalLevel"}
LEVELS_ZH = {"domestic": "国家", "regional": "地区", "international": "国际体系"}
MODELS = {
    "solidarity": "SolidarityModel",
    "shared-security": "SharedSecurityModel",
    "mutual-benefit": "MutualBenefitModel",
    "inclusiveness": "InclusivenessModel",
}
BASES = {"stated": "Stated", "inferred": "Inferred"}
VOICES = {"authors": "AuthorsVoice", "reported": "ReportedVoice", "quoted": "QuotedVoice"}
STANCES = {"supports": "Supports", "opposes": "Opposes", "concerned": "Concerned"}
FINDING_KINDS = ("comparison", "trend", "assessment", "conclusion", "rationale")
NO_LEVEL = "none"
"""What ``drivers --level`` takes for the drivers the paper lists apart from its three levels."""
ACTOR_KINDS = {
    "state": "State",
    "state-group": "StateGroup",
    "organisation": "Organisation",
    "financial-institution": "FinancialInstitution",
    "sco-body": "SCOBody",
    "government-body": "GovernmentBody",
    "person": "Person",
    "non-state-group": "NonStateGroup",
}
ENTITY_CLASSES = {
    # record type -> class local name, in the order listings group them
    "paper": "Paper",
    "source": "Source",
    "actor": "Actor",
    "theme": "Theme",
    "driver": "Driver",
    "expectation": "Expectation",
    "response": "Response",
    "initiative": "Initiative",
    "document": "Document",
    "event": "Event",
    "indicator": "Indicator",
    "finding": "Finding",
}
ENTITY_TABLES = {kind: kind + "s" for kind in ENTITY_CLASSES}
"""Record type -> its table in the curation files, its field of ``Claims`` and its count in ``stats`` (``actors``)."""

CONCEPT_NAMES = {
    **{SCO + name: name for name in DOMAINS},
    **{SCO + local: name for name, local in LEVELS.items()},
    **{SCO + local: name for name, local in MODELS.items()},
    **{SCO + local: name for name, local in BASES.items()},
    **{SCO + local: name for name, local in VOICES.items()},
    **{SCO + local: name for name, local in STANCES.items()},
}
"""Concept IRI -> the short name the records and the CLI use."""


ID_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
"""The id grammar: lower-case letters and digits in words joined by '-' or '.' (``exp-tj-anti-drug-centre``)."""
ID_MAX_LENGTH = 120
DATE_PATTERN = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"
"""A partial date: a year, a month or a day (``2019``, ``2019-04``, ``2019-04-26``)."""
ID_SYNTAX = "lower-case letters and digits in words joined by '-' or '.', e.g. exp-tj-anti-drug-centre"


def is_id(text: str) -> bool:
    """Does ``text`` follow the id grammar (:data:`ID_PATTERN`, at most :data:`ID_MAX_LENGTH` characters)?"""
    import re

    return len(text) <= ID_MAX_LENGTH and re.fullmatch(ID_PATTERN, text) is not None


def entity_iri(entity_id: str) -> str:
    return ENTITY + entity_id


def entity_id(iri: str) -> str:
    return iri[len(ENTITY):] if iri.startswith(ENTITY) else iri


def local_name(iri: str) -> str:
    """The last part of an IRI, after its '#' or last '/': ``sco:shapedBy`` -> ``shapedBy``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def link_iri(subject_iri: str, relation: str, target_id: str) -> str:
    """The IRI of the qualified link (``sco:Link``) from a subject to a target by a relation."""
    return f"{subject_iri}/link/{relation}/{target_id}"

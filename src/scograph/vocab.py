"""The namespaces: scograph's vocabulary, its entities, and the standard vocabularies it reuses.

- ``SCO`` (``https://w3id.org/scograph/vocab#``): classes and properties, defined with
  labels and comments in Chinese and English in ``vocab.ttl`` beside this module.
- ``ENTITY`` (``https://w3id.org/scograph/id/``): one IRI per entity, the entity's id appended.
"""

from __future__ import annotations

from importlib import resources

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

SCO = Namespace("https://w3id.org/scograph/vocab#")
ENTITY = Namespace("https://w3id.org/scograph/id/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
OA = Namespace("http://www.w3.org/ns/oa#")
"""The W3C Web Annotation vocabulary: every quote is also an annotation target (a TextQuoteSelector)."""

PREFIXES = {
    "sco": SCO,
    "scoid": ENTITY,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "bibo": BIBO,
    "prov": PROV,
    "oa": OA,
    "owl": OWL,
    "sh": SH,
}


def bind_prefixes(graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)


def resource_text(name: str) -> str:
    """A packaged resource (``vocab.ttl``, ``shapes.ttl``) as text."""
    return resources.files("scograph").joinpath("resources", name).read_text(encoding="utf-8")

"""The words an export takes: its formats, its networks and their normalisations (the CLI's choices)."""

from __future__ import annotations

from enum import Enum


class ExportFormat(str, Enum):
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    statements = "statements"
    jsonld = "jsonld"
    ttl = "ttl"
    nt = "nt"
    trig = "trig"


class NetworkName(str, Enum):
    full = "full"
    chains = "chains"
    actor_theme = "actor-theme"
    actor_congruence = "actor-congruence"
    theme_cooccurrence = "theme-cooccurrence"


class Normalization(str, Enum):
    none = "none"
    jaccard = "jaccard"
    cosine = "cosine"


NETWORK_FORMATS = (ExportFormat.graphml, ExportFormat.gexf, ExportFormat.csv)
RDF_FORMATS = (ExportFormat.jsonld, ExportFormat.ttl, ExportFormat.nt, ExportFormat.trig)

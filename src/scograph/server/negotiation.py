"""Content negotiation for ``scograph serve``: which format a client gets, by ``Accept`` or a ``format`` hint."""

from __future__ import annotations

# --------------------------------------------------------------------- content negotiation

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "html": "text/html; charset=utf-8",
}
"""Format name -> the Content-Type it is sent with."""

SOLUTION_OFFERS = [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
    ("application/xml", "xml"), ("text/xml", "xml"), ("text/html", "html"),
]
"""What a SELECT or ASK result can be sent as, in the order preferred when a client takes anything."""

GRAPH_OFFERS = [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"), ("application/x-turtle", "turtle"), ("text/plain", "nt"),
    ("application/json", "jsonld"), ("application/xml", "rdfxml"), ("text/html", "html"),
]
"""What a graph (CONSTRUCT, DESCRIBE, an entity, the service description) can be sent as."""

_FORMAT_NAMES = {
    "solutions": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
                  "html": "html", **{mime: name for mime, name in SOLUTION_OFFERS}},
    "graph": {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
              "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "rdfxml": "rdfxml", "rdf+xml": "rdfxml",
              "xml": "rdfxml", "html": "html", **{mime: name for mime, name in GRAPH_OFFERS}},
}


def _accept_ranges(header: str) -> list[tuple[str, str, float]]:
    ranges = []
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        kind, _, subtype = parts[0].lower().partition("/")
        if not kind or not subtype:
            continue
        quality = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((kind, subtype, quality))
    return ranges


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The format name of the offer the ``Accept`` header likes best; None if it likes none.

    Each offer gets the quality of the most specific range that matches it; ties go to
    the earlier offer. No header, or an empty one, takes the first offer.
    """
    if accept is None or not accept.strip():
        return offers[0][1]
    ranges = _accept_ranges(accept)
    if not ranges:
        return offers[0][1]
    best, best_quality = None, 0.0
    for mime, name in offers:
        kind, _, subtype = mime.partition("/")
        matched = None
        for range_kind, range_subtype, quality in ranges:
            if range_kind == kind and range_subtype == subtype:
                specificity = 3
            elif range_kind == kind and range_subtype == "*":
                specificity = 2
            elif range_kind == "*" and range_subtype == "*":
                specificity = 1
            else:
                continue
            if matched is None or specificity > matched[0]:
                matched = (specificity, quality)
        if matched is not None and matched[1] > best_quality:
            best, best_quality = name, matched[1]
    return best


def choose_format(kind: str, accept: str | None, hints: list[str]) -> str | None:
    """The format for a ``kind`` ("solutions" or "graph") result: a ``format`` hint that fits, else by Accept."""
    names = _FORMAT_NAMES[kind]
    for hint in hints:
        found = names.get(hint.strip().lower().split(";")[0].strip())
        if found is not None:
            return found
    return negotiate(accept, SOLUTION_OFFERS if kind == "solutions" else GRAPH_OFFERS)


def _offered(kind: str) -> str:
    offers = SOLUTION_OFFERS if kind == "solutions" else GRAPH_OFFERS
    return ", ".join(dict.fromkeys(mime for mime, _ in offers))

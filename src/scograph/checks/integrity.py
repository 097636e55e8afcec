"""What every lookup relies on, checked with SPARQL when a claims file is first opened.

These are the few rules without which the lookups would answer wrongly (an
expectation with no holder, a state with no ISO code, a link to an entity of the wrong
type) or could not print an entity at all (an id outside the id grammar, which the typed
model, the CLI and the pages refuse). They run on the Oxigraph store in milliseconds, so
opening a file never needs rdflib or pydantic; ``scograph validate`` checks everything
else (SHACL, the typed model, references, quotes). The rules on every entity are
applied to two queries over them all; each other query returns at most one offending entity.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..store import ClaimStore
from ..terms import ENTITY, ENTITY_CLASSES, ID_MAX_LENGTH, ID_PATTERN, entity_id

_CLASSES = " ".join(f"sco:{local}" for local in ENTITY_CLASSES.values())
ENTITIES = "SELECT ?x WHERE { VALUES ?class { %s } ?x a ?class }" % _CLASSES
"""Every entity (one row a class it has): the id grammar is checked on these, in Python.

SPARQL's REGEX compiles its pattern for every entity in Oxigraph (65 ms more at 100k triples)."""

LABEL_LANGUAGES = ("zh", "en")
UNLABELLED = """
    SELECT ?x ?lang WHERE {
      VALUES ?lang { %s }
      VALUES ?class { %s } ?x a ?class .
      MINUS { ?x rdfs:label ?label BIND(lang(?label) AS ?lang) }
    }""" % (" ".join(f'"{lang}"' for lang in LABEL_LANGUAGES), _CLASSES)
"""Each entity and language of :data:`LABEL_LANGUAGES` it has no label in.

At a million triples this query and :data:`ENTITIES` take 0.18 + 0.07 s where one scan of every
entity with the language of each of its labels, for Python to apply the rules to, took 0.41 s
(and 0.1 s more to read its 57,000 rows): the engine joins the labels without spelling them out."""

_ID = re.compile(re.escape(ENTITY) + ID_PATTERN.removeprefix("^").removesuffix("$"))
ENTITY_RULES: list[tuple[str, Callable[[str, set], bool]]] = [
    (f"every entity is named by an IRI {ENTITY}ID whose ID is lower-case letters and digits joined by single"
     f" '-' or '.' (at most {ID_MAX_LENGTH} characters)",
     lambda iri, langs: len(iri) <= len(ENTITY) + ID_MAX_LENGTH and _ID.fullmatch(iri) is not None),
    ("every entity has a label in Chinese", lambda iri, langs: "zh" in langs),
    ("every entity has a label in English", lambda iri, langs: "en" in langs),
]
"""(rule, test of an entity's IRI and the set of its labels' languages), in the order they are reported."""

LOAD_CHECKS: list[tuple[str, str]] = [
    ("every expectation has one holder that is a state or a group of states", """
        SELECT ?x WHERE { ?x a sco:Expectation .
          FILTER NOT EXISTS { ?x sco:holder ?h . { ?h a sco:State } UNION { ?h a sco:StateGroup } } } LIMIT 1"""),
    ("every expectation has one of the four domains", """
        SELECT ?x WHERE { ?x a sco:Expectation
          FILTER NOT EXISTS { ?x sco:domain ?d VALUES ?d { sco:political sco:security sco:economic sco:cultural } } } LIMIT 1"""),
    # A recommendation the paper makes in every field (在各领域) has none.
    ("a response's domain, where it has one, is one of the four", """
        SELECT ?x WHERE { ?x a sco:Response ; sco:domain ?d .
          FILTER(?d NOT IN (sco:political, sco:security, sco:economic, sco:cultural)) } LIMIT 1"""),
    # A driver the paper lists apart from the three levels has none.
    ("a driver's level, where it has one, is one of the three levels", """
        SELECT ?x WHERE { ?x a sco:Driver ; sco:level ?l .
          FILTER(?l NOT IN (sco:DomesticLevel, sco:RegionalLevel, sco:InternationalLevel)) } LIMIT 1"""),
    ("every state has ISO 3166 alpha-2 and alpha-3 codes", """
        SELECT ?x WHERE { ?x a sco:State . FILTER NOT EXISTS { ?x sco:alpha2 ?a2 ; sco:alpha3 ?a3 } } LIMIT 1"""),
    ("expectations are shaped by drivers and addressed by responses", """
        SELECT ?x WHERE {
          { ?x sco:shapedBy ?d FILTER NOT EXISTS { ?d a sco:Driver } }
          UNION { ?r sco:addresses ?x FILTER NOT EXISTS { ?x a sco:Expectation } }
        } LIMIT 1"""),
    # One simple query per class: a UNION of classes under NOT EXISTS is slow on large stores.
    *[(f"every {name.lower()} has evidence", f"""
        SELECT ?x WHERE {{ ?x a sco:{name} . OPTIONAL {{ ?x sco:evidence ?ev }} FILTER(!BOUND(?ev)) }} LIMIT 1""")
      for name in ("Expectation", "Driver", "Response")],
    ("every piece of evidence has a quote and a page", """
        SELECT ?x WHERE { ?x a sco:Evidence . FILTER NOT EXISTS { ?x sco:quote ?q ; sco:page ?p } } LIMIT 1"""),
]


def first_problem(store: ClaimStore) -> str | None:
    """The first rule the store breaks, with the entity that breaks it, or None."""
    missing: dict[str, set] = {}
    for iri, lang in store.iter_rows(UNLABELLED):
        missing.setdefault(iri, set()).add(lang)
    everything = set(LABEL_LANGUAGES)
    entities = {iri for (iri,) in store.iter_rows(ENTITIES)}
    for rule, holds in ENTITY_RULES:
        # An entity's languages as far as the rules ask: those of LABEL_LANGUAGES it is not missing.
        broken = [iri for iri in entities if not holds(iri, everything - missing.get(iri, set()))]
        if broken:
            return f"{_name(min(broken))}: breaks the rule that {rule}"
    for rule, query in LOAD_CHECKS:
        rows = store.select(query)
        if rows:
            return f"{_name(rows[0]['x'])}: breaks the rule that {rule}"
    return None


def _name(iri: str) -> str:
    """An entity's id as messages show it: as it is when it fits the grammar, quoted and escaped when it does not."""
    if _ID.fullmatch(iri) and len(iri) <= len(ENTITY) + ID_MAX_LENGTH:
        return entity_id(iri)
    return repr(entity_id(iri))

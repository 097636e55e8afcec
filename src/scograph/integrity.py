"""What every lookup relies on, checked with SPARQL when a claims file is first opened.

These are the few rules without which the lookups would answer wrongly (an
expectation with no holder, a state with no ISO code, a link to an entity of the wrong
type). They run on the Oxigraph store in milliseconds, so opening a file never needs
rdflib or pydantic; ``scograph validate`` checks everything else (SHACL, the typed model,
references, quotes). Each query returns at most one offending entity.
"""

from __future__ import annotations

from .store import ClaimStore
from .terms import entity_id

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
    *[(f"every entity has a label in {name}", f"""
        SELECT ?x WHERE {{
          VALUES ?class {{ sco:Paper sco:Source sco:Actor sco:Theme sco:Driver sco:Expectation sco:Response
                          sco:Initiative sco:Document sco:Event sco:Indicator sco:Finding }}
          ?x a ?class .
          FILTER NOT EXISTS {{ ?x rdfs:label ?label FILTER(lang(?label) = "{lang}") }}
        }} LIMIT 1""") for lang, name in (("zh", "Chinese"), ("en", "English"))],
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
    for rule, query in LOAD_CHECKS:
        rows = store.select(query)
        if rows:
            return f"{entity_id(rows[0]['x'])}: breaks the rule that {rule}"
    return None

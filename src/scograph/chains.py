"""Driver → expectation → response chains, walked from the store: what ``ClaimsGraph.chains`` and ``.paths`` give."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from .store import ClaimStore
from .terms import CONCEPT_NAMES, entity_id, link_iri


def walk_chains(store: ClaimStore, holders: dict[str, str | None], matching: tuple[str, dict],
                codes_of: Callable[[list[str]], dict], start: str | None, end: str | None) -> list[dict]:
    """The chains of these expectations ({IRI: holder IRI}, those the graph pattern ``matching`` =
    (pattern on ?x, its bindings) selects), from ``start`` (a driver, its narrower
    drivers' chains too, or an expectation) to ``end`` (a response or an expectation), both ids or None;
    ``codes_of`` gives the holders' ISO codes (:meth:`scograph.records.Records.codes`)."""
    # The chain links as plain dicts, {expectation: {driver or response: basis}}: a walk of
    # two steps needs no graph library (networkx alone took 0.08 s to import).
    drivers: dict[str, dict[str, str | None]] = defaultdict(dict)
    answers: dict[str, dict[str, str | None]] = defaultdict(dict)
    broader: dict[str, str] = {}
    if holders:
        # Links come in narrow queries joined here, and their bases in one scan of sco:basis,
        # found by the IRI scograph.rdf.mapping gives each link: joining each chain with its two
        # reified links costs the engine several times more.
        # The expectations are matched again by their pattern, not named in a VALUES block: at
        # ten million triples the 21,000 IRIs of Tajikistan's took a third longer.
        pattern, bindings = matching
        projected = " ".join(f"?{name}" for name in bindings)  # bound variables are projected (substitutions)
        bases = {link: CONCEPT_NAMES.get(basis)
                 for link, basis in store.rows("SELECT ?link ?basis WHERE { ?link sco:basis ?basis }")}
        for e, d, *_ in store.rows(f"SELECT ?x ?d {projected} WHERE {{ {pattern} ?x sco:shapedBy ?d }}", bindings):
            driver = entity_id(d)
            drivers[entity_id(e)][driver] = bases.get(link_iri(e, "shapedBy", driver))
        for e, r, *_ in store.rows(f"SELECT ?x ?r {projected} WHERE {{ {pattern} ?r sco:addresses ?x }}", bindings):
            expectation = entity_id(e)
            answers[expectation][entity_id(r)] = bases.get(link_iri(r, "addresses", expectation))
        for d, b in store.rows("SELECT ?d ?b WHERE { ?d a sco:Driver ; sco:refines ?b }"):
            broader[entity_id(d)] = entity_id(b)

    def lineage(driver: str) -> list[str]:
        seen = [driver]
        while broader.get(seen[-1]) and broader[seen[-1]] not in seen:
            seen.append(broader[seen[-1]])
        return seen

    codes = codes_of(sorted({h for h in holders.values() if h}))
    found = []
    for iri, holder in holders.items():
        expectation = entity_id(iri)
        if expectation not in drivers or expectation not in answers:
            continue
        holder_id = entity_id(holder) if holder else None
        country_code = codes[holder]["alpha2"] if holder in codes else None
        for driver, driver_basis in drivers[expectation].items():
            if start is not None and start != expectation and start not in lineage(driver):
                continue
            for response, response_basis in answers[expectation].items():
                if end is not None and end not in (response, expectation):
                    continue
                found.append({
                    "driver": driver, "expectation": expectation, "response": response,
                    "holder": holder_id, "country": country_code,
                    "driver_basis": driver_basis, "response_basis": response_basis,
                })
    found.sort(key=lambda c: (c["expectation"], c["driver"], c["response"]))
    return found

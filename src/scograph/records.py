"""The records of entities: what a lookup returns, made by SPARQL over a store.

A record is a plain dict (strings, numbers, lists) documented in the README. They are made
here from a few narrow queries (the entities' own values, their evidence, the links into
them, the codes of the actors they name) and, for a prepared store, kept in its
:class:`~scograph.store.prepared.RecordCache` so that a lookup reads them: every entity's
record is made by a pass in a process of its own right after the store is indexed
(:func:`scograph.store.prepared.start_records_pass`), and a lookup makes only those it finds
missing (the pass not yet done, or a damaged row).
:class:`scograph.graph.ClaimsGraph` asks :class:`Records` for them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .store import IRI, ClaimStore, values_clause
from .terms import (
    ACTOR_KINDS, CONCEPT_NAMES, DCTERMS, ENTITY, ENTITY_CLASSES, RDF, RDFS, SCO, entity_id, entity_iri, local_name,
)

TYPE_OF_CLASS = {SCO + local: kind for kind, local in ENTITY_CLASSES.items()}
_RECORD_PREDICATES = [RDF + "type", RDFS + "label", DCTERMS + "description", DCTERMS + "date", DCTERMS + "isPartOf"] + [SCO + p for p in (
    "holder", "domain", "theme", "speaker", "occasion", "initiative", "document", "shapedBy", "level", "refines",
    "actor", "affects", "indicator", "model", "addressee", "addresses", "alpha2", "alpha3", "office", "country",
    "member", "stance", "about", "findingKind")]
"""What records are made of (evidence comes from a query of its own)."""
_KIND_OF_CLASS = {SCO + local: kind for kind, local in ACTOR_KINDS.items()}


class _Facts:
    """What the store says about a set of entities: outgoing values, evidence, incoming links."""

    __slots__ = ("out", "evidence")

    def __init__(self, out: dict[str, dict[str, list]], evidence: dict[str, list[dict]]):
        self.out, self.evidence = out, evidence

    def one(self, iri: str, predicate: str, lang: str | None = None):
        for value in self.out.get(iri, {}).get(predicate, []):
            if lang is None or getattr(value, "lang", None) == lang:
                return value
        return None

    def ids(self, iri: str, predicate: str) -> list[str]:
        return sorted(entity_id(v) for v in self.out.get(iri, {}).get(predicate, []) if isinstance(v, IRI))

    def types(self, iri: str) -> list[str]:
        return self.out.get(iri, {}).get(RDF + "type", [])


class Records:
    """The records of entities by IRI: read from ``cache`` when one is given and holds them, else made."""

    __slots__ = ("store", "cache")

    def __init__(self, store: ClaimStore, cache=None):
        self.store = store
        self.cache = cache
        """A :class:`scograph.store.prepared.RecordCache`, or None (records made on each call)."""

    def _facts(self, iris: list[str]) -> _Facts:
        out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        evidence: dict[str, list[dict]] = defaultdict(list)
        if not iris:
            return _Facts(out, evidence)
        values = values_clause("x", iris)
        wanted = ", ".join(f"<{p}>" for p in _RECORD_PREDICATES)
        for x, p, o in self.store.rows(f"SELECT ?x ?p ?o WHERE {{ {values} ?x ?p ?o FILTER(?p IN ({wanted})) }}"):
            out[x][p].append(o)
        cut = len(ENTITY)
        for x, quote, page, note, source, paper, voice, speaker, name, said, occasion in self.store.rows(f"""
            SELECT ?x ?quote ?page ?note ?source ?paper ?voice ?speaker ?name ?date ?occasion WHERE {{
              {values} ?x sco:evidence ?ev . ?ev sco:quote ?quote ; sco:page ?page ; prov:wasQuotedFrom ?paper .
              OPTIONAL {{ ?ev sco:footnote ?note }} OPTIONAL {{ ?ev sco:citedSource ?source }}
              OPTIONAL {{ ?ev sco:voice ?voice }} OPTIONAL {{ ?ev dcterms:date ?date }}
              OPTIONAL {{ ?ev sco:occasion ?occasion }}
              OPTIONAL {{ ?ev sco:speaker ?speaker OPTIONAL {{ ?speaker rdfs:label ?name FILTER(lang(?name) = "en") }} }}
            }}"""):
            evidence[x].append({
                "quote": str(quote), "page": page, "note": note,
                "source": source[cut:] if source else None, "paper": paper[cut:],
                "voice": CONCEPT_NAMES.get(voice, "authors"), "speaker": speaker[cut:] if speaker else None,
                "speaker_label": text_or_none(name), "date": text_or_none(said), "occasion": occasion[cut:] if occasion else None,
            })
        for items in evidence.values():
            items.sort(key=lambda e: (e["paper"], e["page"], e["note"] or 0, e["quote"], e["source"] or ""))
        return _Facts(out, evidence)

    def _inverse(self, iris: list[str], predicate: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        if iris:
            for row in self.store.select(f"SELECT ?x ?s WHERE {{ {values_clause('x', iris)} ?s <{predicate}> ?x }}"):
                found[row["x"]].append(entity_id(row["s"]))
        return {k: sorted(v) for k, v in found.items()}

    def codes(self, iris: list[str]) -> dict[str, dict]:
        """For actors: their alpha-2 (states) or their members' alpha-2 (groups), and their English label."""
        info: dict[str, dict] = defaultdict(lambda: {"alpha2": None, "members": set(), "label": None})
        if not iris:
            return info
        for row in self.store.select(f"""
            SELECT ?x ?alpha2 ?member_alpha2 ?label WHERE {{
              {values_clause('x', iris)}
              {{ ?x sco:alpha2 ?alpha2 }} UNION {{ ?x sco:member/sco:alpha2 ?member_alpha2 }}
              UNION {{ ?x rdfs:label ?label FILTER(lang(?label) = "en") }}
            }}"""):
            entry = info[row["x"]]
            entry["alpha2"] = row["alpha2"] or entry["alpha2"]
            entry["label"] = row["label"] or entry["label"]
            if row["member_alpha2"]:
                entry["members"].add(row["member_alpha2"])
        return info

    def of(self, iris: list[str]) -> list[dict]:
        """The records of these IRIs, in the order given (an IRI given twice, twice)."""
        if self.cache is None:
            return self.make(iris)
        return self._kept(iris)[1]

    def texts(self, iris: list[str]) -> list[str]:
        """The records of :meth:`of` as their JSON text, as :func:`encode` writes it: a kept record as it is
        kept, for output that would otherwise decode it and encode it again."""
        if self.cache is None:
            return [encode(record) for record in self.make(iris)]
        return self._kept(iris)[0]

    def texts_and_records(self, iris: list[str]) -> tuple[list[str], list[dict]]:
        """(:meth:`texts`, :meth:`of`) of these IRIs at once: a listing sorted by its records and printed from their texts."""
        if self.cache is None:
            records = self.make(iris)
            return [encode(record) for record in records], records
        return self._kept(iris)

    def _kept(self, iris: list[str]) -> tuple[list[str], list[dict]]:
        """(texts, records) of these IRIs from the record cache; those not kept yet are made and kept."""
        import json

        cached = self.cache.get_many(iris)
        missing = list(dict.fromkeys(iri for iri in iris if iri not in cached))
        if missing:
            made = {iri: encode(record) for iri, record in zip(missing, self.make(missing))}
            self.cache.put_many(made)
            cached.update(made)
        texts = [cached[iri] for iri in iris]
        decode = json.loads
        try:
            # Decoded even for texts(): a damaged row must never reach the output (C, 20 ms for 2,000 records).
            records = [decode(text) for text in texts]
            if all(type(record) is dict for record in records):
                return texts, records
        except ValueError:
            pass
        return self._mend(iris, cached)

    def _mend(self, iris: list[str], cached: dict[str, str]) -> tuple[list[str], list[dict]]:
        """The texts and records, with the kept ones that are not JSON objects (a damaged row) made again and replaced."""
        import json

        from .store.prepared import note

        def whole(text: str) -> bool:
            try:
                return type(json.loads(text)) is dict
            except ValueError:
                return False

        damaged = [iri for iri in dict.fromkeys(iris) if not whole(cached[iri])]
        made = {iri: encode(record) for iri, record in zip(damaged, self.make(damaged))}
        self.cache.put_many(made, replace=True)
        note(f"{len(damaged)} damaged record(s) in {self.cache.path} made again")
        cached.update(made)
        texts = [cached[iri] for iri in iris]
        return texts, [json.loads(text) for text in texts]

    def keep_all(self, batch: int = 2000) -> int:
        """Make and keep the record of every entity the cache lacks, ``batch`` at a time; how many were made.

        What the records pass does right after a store is indexed (:func:`scograph.store.prepared.start_records_pass`).
        """
        classes = " ".join(f"<{SCO}{local}>" for local in ENTITY_CLASSES.values())
        iris = sorted({iri for (iri,) in self.store.iter_rows(
            f"SELECT ?x WHERE {{ VALUES ?class {{ {classes} }} ?x a ?class }}") if isinstance(iri, IRI)})
        made = 0
        for start in range(0, len(iris), batch):
            part = iris[start:start + batch]
            kept = self.cache.get_many(part)
            missing = [iri for iri in part if iri not in kept]
            if missing:
                self.cache.put_many({iri: encode(record) for iri, record in zip(missing, self.make(missing))})
                made += len(missing)
        return made

    def make(self, iris: list[str]) -> list[dict]:
        """The records of these IRIs made afresh from the store, never from the cache."""
        facts = self._facts(iris)
        by_type: dict[str, list[str]] = defaultdict(list)
        for iri in iris:
            classes = set(facts.types(iri))
            kind = "paper" if SCO + "Paper" in classes else next(
                (TYPE_OF_CLASS[c] for c in classes if c in TYPE_OF_CLASS), None)
            by_type[kind].append(iri)
        responses = self._inverse(by_type.get("expectation", []), SCO + "addresses")
        shaped = self._inverse(by_type.get("driver", []), SCO + "shapedBy")
        related = {v for iri in by_type.get("expectation", []) + by_type.get("actor", [])
                   for p in (SCO + "holder", SCO + "speaker", SCO + "country")
                   for v in facts.out.get(iri, {}).get(p, [])}
        related |= {v for iri in by_type.get("finding", []) for v in facts.out.get(iri, {}).get(SCO + "about", [])}
        codes = self.codes(sorted(related))
        records = []
        for iri in iris:
            records.append(self._record(iri, facts, responses, shaped, codes))
        return records

    def _record(self, iri: str, facts: _Facts, responses, shaped, codes) -> dict:
        classes = set(facts.types(iri))
        kind = "paper" if SCO + "Paper" in classes else next((TYPE_OF_CLASS[c] for c in classes if c in TYPE_OF_CLASS), "")
        record: dict[str, Any] = {
            "id": entity_id(iri), "type": kind,
            "label": text_or_none(facts.one(iri, RDFS + "label", "en")), "label_zh": text_or_none(facts.one(iri, RDFS + "label", "zh")),
            # The curation files' descriptions, which name what labels leave out (the SCO Development Bank, say).
            "description": text_or_none(facts.one(iri, DCTERMS + "description", "en")),
            "description_zh": text_or_none(facts.one(iri, DCTERMS + "description", "zh")),
        }
        evidence = facts.evidence.get(iri, [])
        concept = lambda p: CONCEPT_NAMES.get(facts.one(iri, SCO + p))  # noqa: E731
        ref = lambda p: entity_id(v) if (v := facts.one(iri, p)) else None  # noqa: E731
        if kind == "expectation":
            holder = facts.one(iri, SCO + "holder")
            holder_info = codes.get(holder, {})
            speaker = facts.one(iri, SCO + "speaker")
            record |= {
                "country": holder_info.get("alpha2"),
                "holder": entity_id(holder) if holder else None,
                "countries": [holder_info["alpha2"]] if holder_info.get("alpha2") else sorted(holder_info.get("members", [])),
                "domain": concept("domain"),
                "themes": facts.ids(iri, SCO + "theme"),
                "stance": concept("stance"),
                "speaker": entity_id(speaker) if speaker else None,
                "speaker_label": codes.get(speaker, {}).get("label") if speaker else None,
                "date": text_or_none(facts.one(iri, DCTERMS + "date")),
                "occasion": ref(SCO + "occasion"),
                "initiatives": facts.ids(iri, SCO + "initiative"),
                "documents": facts.ids(iri, SCO + "document"),
                "evidence": evidence,
                "drivers": facts.ids(iri, SCO + "shapedBy"),
                "responses": responses.get(iri, []),
            }
        elif kind == "driver":
            record |= {
                "level": concept("level"), "broader": ref(SCO + "refines"),
                "actors": facts.ids(iri, SCO + "actor"), "affects": facts.ids(iri, SCO + "affects"),
                "indicators": facts.ids(iri, SCO + "indicator"), "evidence": evidence,
                "expectations": shaped.get(iri, []),
            }
        elif kind == "response":
            record |= {
                "domain": concept("domain"), "model": concept("model"), "broader": ref(SCO + "refines"),
                "addressee": ref(SCO + "addressee"), "initiatives": facts.ids(iri, SCO + "initiative"),
                "addresses": facts.ids(iri, SCO + "addresses"), "evidence": evidence,
            }
        elif kind == "finding":
            about = facts.ids(iri, SCO + "about")
            record |= {
                "kind": text_or_none(facts.one(iri, SCO + "findingKind")), "stance": concept("stance"), "about": about,
                "countries": sorted({code for a in about for code in _countries_of(codes.get(entity_iri(a)))}),
                "evidence": evidence,
            }
        elif kind == "actor":
            country = facts.one(iri, SCO + "country")
            record |= {
                "kind": next((_KIND_OF_CLASS[c] for c in classes if c in _KIND_OF_CLASS), None),
                "alpha2": text_or_none(facts.one(iri, SCO + "alpha2")),
                "alpha3": text_or_none(facts.one(iri, SCO + "alpha3")),
                "office": text_or_none(facts.one(iri, SCO + "office", "en")),
                "country": (codes.get(country, {}).get("alpha2") or entity_id(country)) if country else None,
                "part_of": ref(DCTERMS + "isPartOf"),
                "members": facts.ids(iri, SCO + "member"),
            }
        return record


def encode(record: dict) -> str:
    """A record's JSON text as it is kept: what :func:`scograph.render.to_json` writes of it, without the
    newline, so that a listing of kept records is printed by joining their texts (:func:`scograph.render.json_list`)."""
    from .render import to_json

    return to_json(record)[:-1]


def text_or_none(value) -> str | None:
    return str(value) if value is not None else None


def _countries_of(info: dict | None) -> list[str]:
    """The alpha-2 codes an actor stands for: a state's own, or a group's members'."""
    if not info:
        return []
    return [info["alpha2"]] if info.get("alpha2") else sorted(info.get("members", []))


def _records_pass(key: str) -> None:
    """The records pass of the prepared store ``key`` (``python -m scograph.records KEY``): keep every record."""
    import gc
    import os

    from .store import prepared
    from .store.oxigraph import OxigraphStore

    gc.disable()  # one run, then exit: reference counting frees the records (as in the CLI)
    if hasattr(os, "nice"):
        os.nice(10)  # behind the user's own lookups, which make what they need meanwhile
    with prepared.records_pass_lock(key) as held:
        if not held:
            return  # another process is making them
        index = prepared.open_prepared(key)
        cache = prepared.RecordCache.open(key) if index is not None else None
        if cache is not None:
            Records(OxigraphStore(index), cache).keep_all()


if __name__ == "__main__":
    import sys

    _records_pass(sys.argv[1])


def entity_links(store: ClaimStore, iri: str) -> tuple[list[dict], list[dict]]:
    """Every link out of and into one entity, with the other end's label and the link's basis (``show``)."""
    classes = " ".join(f"sco:{local}" for local in ENTITY_CLASSES.values())
    query = """
        SELECT DISTINCT ?p ?other ?label ?basis ?rationale ?s ?o WHERE {
          %s
          VALUES ?class { %s }
          ?other a ?class .
          OPTIONAL { ?other rdfs:label ?label FILTER(lang(?label) = "en") }
          OPTIONAL { ?link rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sco:basis ?basis
                     OPTIONAL { ?link sco:rationale ?rationale } }
        }"""
    out_rows = store.select(query % ("?s ?p ?other . BIND(?s AS ?x) BIND(?other AS ?o)", classes), {"s": IRI(iri)})
    in_rows = store.select(query % ("?other ?p ?o . BIND(?other AS ?s)", classes), {"o": IRI(iri)})

    def links(rows):
        found = {}
        for row in rows:
            if row["p"] in (SCO + "evidence", SCO + "citedAt", RDF + "type"):
                continue
            relation = local_name(row["p"])
            found[(relation, entity_id(row["other"]))] = {
                "relation": relation, "id": entity_id(row["other"]), "label": text_or_none(row["label"]),
                "basis": CONCEPT_NAMES.get(row["basis"]),
                **({"rationale": str(row["rationale"])} if row["rationale"] is not None else {}),
            }
        return [found[k] for k in sorted(found)]

    return links(out_rows), links(in_rows)

"""The records of entities: what a lookup returns, made by SPARQL over a store.

A record is a plain dict (strings, numbers, lists) documented in the README. They are made
here from a few narrow queries (the entities' own values, their evidence, the links into
them, the codes of the actors they name) and, for a prepared store, kept in its
:class:`~scograph.store.prepared.RecordCache` so that a repeated lookup reads them.
:class:`scograph.graph.ClaimsGraph` asks :class:`Records` for them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .store import IRI, ClaimStore, values_clause
from .terms import (
    ACTOR_KINDS, CONCEPT_NAMES, DCTERMS, ENTITY, ENTITY_CLASSES, RDF, RDFS, SCO, entity_id, entity_iri,
)

TYPE_OF_CLASS = {SCO + local: kind for kind, local in ENTITY_CLASSES.items()}
_RECORD_PREDICATES = [RDF + "type", RDFS + "label", DCTERMS + "date", DCTERMS + "isPartOf"] + [SCO + p for p in (
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
        import json

        # Records come from the prepared store's record cache; those not there yet are made
        # (SPARQL) and kept, so that a repeated lookup reads them instead.
        cached = self.cache.get_many(iris)
        missing = list(dict.fromkeys(iri for iri in iris if iri not in cached))
        if missing:
            made = {iri: json.dumps(record, ensure_ascii=False)
                    for iri, record in zip(missing, self.make(missing))}
            self.cache.put_many(made)
            cached.update(made)
        decode = json.loads
        try:
            records = [decode(cached[iri]) for iri in iris]
            if all(type(record) is dict for record in records):
                return records
        except ValueError:
            pass
        return self._mend(iris, cached)

    def _mend(self, iris: list[str], cached: dict[str, str]) -> list[dict]:
        """The records, with the kept ones that are not JSON objects (a damaged row) made again and replaced."""
        import json

        from .store.prepared import note

        def whole(text: str) -> bool:
            try:
                return type(json.loads(text)) is dict
            except ValueError:
                return False

        damaged = [iri for iri in dict.fromkeys(iris) if not whole(cached[iri])]
        made = {iri: json.dumps(record, ensure_ascii=False) for iri, record in zip(damaged, self.make(damaged))}
        self.cache.put_many(made, replace=True)
        note(f"{len(damaged)} damaged record(s) in {self.cache.path} made again")
        cached.update(made)
        return [json.loads(cached[iri]) for iri in iris]

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


def text_or_none(value) -> str | None:
    return str(value) if value is not None else None


def _countries_of(info: dict | None) -> list[str]:
    """The alpha-2 codes an actor stands for: a state's own, or a group's members'."""
    if not info:
        return []
    return [info["alpha2"]] if info.get("alpha2") else sorted(info.get("members", []))

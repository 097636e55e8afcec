"""The public API: load a claims graph once, then ask it for demands, drivers, responses, paths.

>>> from scograph import ClaimsGraph
>>> claims = ClaimsGraph.load()                     # the packaged data/claims.ttl
>>> [d["id"] for d in claims.demands(country="TJ", domain="security")][:1]
['exp-tj-...']

Every lookup returns plain records (dicts of strings, numbers and lists) that
the CLI prints as table, JSON or CSV; the records are documented in the README.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from . import model as m
from .checks import suggest
from .errors import DataFileError, UsageError

DOMAIN_NAMES_ZH = {m.Domain.political: "政治", m.Domain.security: "安全", m.Domain.economic: "经济", m.Domain.cultural: "人文"}
_DOMAIN_ALIASES = {
    **{d.value: d for d in m.Domain},
    **{zh: d for d, zh in DOMAIN_NAMES_ZH.items()},
    "人文交流": m.Domain.cultural,
    "people-to-people": m.Domain.cultural,
}
LEVEL_NAMES_ZH = {m.Level.domestic: "国家", m.Level.regional: "地区", m.Level.international: "国际体系"}
_LEVEL_ALIASES = {
    **{lv.value: lv for lv in m.Level},
    **{zh: lv for lv, zh in LEVEL_NAMES_ZH.items()},
    "国际": m.Level.international,
    "national": m.Level.domestic,
}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def parse_domain(text: str) -> m.Domain:
    found = _DOMAIN_ALIASES.get(_fold(text))
    if found is None:
        valid = ", ".join(f"{d.value} ({DOMAIN_NAMES_ZH[d]})" for d in m.Domain)
        raise UsageError(f"unknown domain {text!r}; valid: {valid}")
    return found


def parse_level(text: str) -> m.Level:
    found = _LEVEL_ALIASES.get(_fold(text))
    if found is None:
        valid = ", ".join(f"{lv.value} ({LEVEL_NAMES_ZH[lv]})" for lv in m.Level)
        raise UsageError(f"unknown level {text!r}; valid: {valid}")
    return found


def parse_actor_kind(text: str) -> m.ActorKind:
    try:
        return m.ActorKind(_fold(text).replace("_", "-"))
    except ValueError:
        raise UsageError(f"unknown actor kind {text!r}; valid: {', '.join(k.value for k in m.ActorKind)}") from None


class ClaimsGraph:
    """A claims graph held three ways: RDF (rdflib), typed objects (pydantic), and networkx."""

    def __init__(self, claims: m.Claims, rdf=None, path: Path | None = None):
        self.claims = claims
        self._rdf = rdf
        self.path = path
        self.by_id: dict[str, m.Entity] = {e.id: e for e in claims.entities()}
        self.addressed_by: dict[str, list[str]] = {}
        for response in claims.responses:
            for link in response.addresses:
                self.addressed_by.setdefault(link.target, []).append(response.id)
        self.shapes: dict[str, list[str]] = {}
        for expectation in claims.expectations:
            for link in expectation.drivers:
                self.shapes.setdefault(link.target, []).append(expectation.id)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: Path | str | None = None) -> "ClaimsGraph":
        """Parse a claims Turtle file (default: the packaged one) into objects."""
        from .mapping import graph_to_claims
        from .store import parse_turtle

        rdf, resolved = parse_turtle(Path(path) if path is not None else None)
        try:
            claims = graph_to_claims(rdf)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise DataFileError(f"{resolved}: {error.title}: {where}: {first['msg']} (run: scograph validate {resolved})") from None
        except ValueError as error:
            raise DataFileError(f"{resolved}: {error} (run: scograph validate {resolved})") from None
        return cls(claims, rdf, resolved)

    @property
    def rdf(self):
        if self._rdf is None:
            from .mapping import claims_to_graph

            self._rdf = claims_to_graph(self.claims)
        return self._rdf

    @cached_property
    def network(self):
        """The networkx MultiDiGraph projection, built on first use."""
        from .network import to_networkx

        return to_networkx(self.rdf)

    # ------------------------------------------------------------------ resolving user input

    def get(self, entity_id: str) -> m.Entity:
        entity = self.by_id.get(entity_id) or self.by_id.get(entity_id.strip().lower())
        if entity is None:
            raise UsageError(f"unknown id {entity_id!r}{suggest(entity_id, self.by_id) or '; try: scograph search TEXT'}")
        return entity

    @cached_property
    def _country_names(self) -> dict[str, m.Actor]:
        names: dict[str, m.Actor] = {}
        for actor in self.claims.actors:
            if actor.kind is m.ActorKind.state:
                for name in (actor.alpha2, actor.alpha3, actor.label_en, actor.label_zh, actor.id):
                    names[_fold(name)] = actor
        return names

    def country(self, text: str) -> m.Actor:
        """A state by ISO alpha-2 or alpha-3 (any case), English name or Chinese name."""
        actor = self._country_names.get(_fold(text))
        if actor is None:
            codes = sorted(a.alpha2 for a in self.claims.actors if a.kind is m.ActorKind.state)
            raise UsageError(
                f"unknown country {text!r}; valid: ISO alpha-2 or alpha-3 code, English or Chinese name of {', '.join(codes)}"
            )
        return actor

    # ------------------------------------------------------------------ records

    def _label(self, entity_id: str | None) -> str | None:
        entity = self.by_id.get(entity_id) if entity_id else None
        return entity.label_en if entity else None

    @staticmethod
    def _evidence(items: list[m.Evidence]) -> list[dict]:
        return [
            {"quote": e.quote, "page": e.page, "note": e.note, "source": e.source, "paper": e.paper}
            for e in items
        ]

    def _holder_countries(self, holder_id: str) -> list[str]:
        holder = self.by_id.get(holder_id)
        if not isinstance(holder, m.Actor):
            return []
        if holder.kind is m.ActorKind.state:
            return [holder.alpha2]
        return sorted(self.by_id[i].alpha2 for i in holder.members if i in self.by_id)

    def record(self, entity: m.Entity) -> dict:
        """The JSON record of one entity, as every listing prints it."""
        kind = "paper" if isinstance(entity, m.Paper) else type(entity).__name__.lower()
        record: dict = {"id": entity.id, "type": kind, "label": entity.label_en, "label_zh": entity.label_zh}
        if isinstance(entity, m.Expectation):
            holder = self.by_id.get(entity.holder)
            countries = self._holder_countries(entity.holder)
            record |= {
                "country": holder.alpha2 if isinstance(holder, m.Actor) and holder.kind is m.ActorKind.state else None,
                "holder": entity.holder,
                "countries": countries,
                "domain": entity.domain.value,
                "themes": entity.themes,
                "speaker": entity.speaker,
                "speaker_label": self._label(entity.speaker),
                "date": entity.date,
                "occasion": entity.occasion,
                "initiatives": entity.initiatives,
                "documents": entity.documents,
                "evidence": self._evidence(entity.evidence),
                "drivers": [link.target for link in entity.drivers],
                "responses": sorted(self.addressed_by.get(entity.id, [])),
            }
        elif isinstance(entity, m.Driver):
            record |= {
                "level": entity.level.value,
                "broader": entity.broader,
                "actors": entity.actors,
                "affects": entity.affects,
                "indicators": entity.indicators,
                "evidence": self._evidence(entity.evidence),
                "expectations": sorted(self.shapes.get(entity.id, [])),
            }
        elif isinstance(entity, m.Response):
            record |= {
                "domain": entity.domain.value,
                "model": entity.model.value if entity.model else None,
                "broader": entity.broader,
                "addressee": entity.addressee,
                "initiatives": entity.initiatives,
                "addresses": [link.target for link in entity.addresses],
                "evidence": self._evidence(entity.evidence),
            }
        elif isinstance(entity, m.Actor):
            record |= {
                "kind": entity.kind.value,
                "alpha2": entity.alpha2,
                "alpha3": entity.alpha3,
                "office": entity.office,
                "country": (self.by_id[entity.country].alpha2 if entity.country in self.by_id else entity.country),
                "part_of": entity.part_of,
                "members": entity.members,
            }
        return record

    def describe(self, entity_id: str) -> dict:
        """Everything about one entity: its fields, its evidence, and every link in and out."""
        entity = self.get(entity_id)
        record = self.record(entity)
        record |= {k: v for k, v in entity.model_dump(mode="json", exclude_none=True).items() if k not in record and k not in ("label_en",)}
        network = self.network
        record["links_out"] = sorted(
            ({"relation": d["relation"], "id": t, "label": network.nodes[t].get("label"), "basis": d.get("basis")}
             for _, t, d in network.out_edges(entity.id, data=True)),
            key=lambda x: (x["relation"], x["id"]),
        )
        record["links_in"] = sorted(
            ({"relation": d["relation"], "id": s, "label": network.nodes[s].get("label"), "basis": d.get("basis")}
             for s, _, d in network.in_edges(entity.id, data=True)),
            key=lambda x: (x["relation"], x["id"]),
        )
        return record

    # ------------------------------------------------------------------ lookups

    def _expectations(self, country: str | None, domain: str | None) -> list[m.Expectation]:
        wanted_domain = parse_domain(domain) if domain else None
        alpha2 = self.country(country).alpha2 if country else None
        return [
            e for e in self.claims.expectations
            if (wanted_domain is None or e.domain is wanted_domain)
            and (alpha2 is None or alpha2 in self._holder_countries(e.holder))
        ]

    def demands(self, country: str | None = None, domain: str | None = None) -> list[dict]:
        """Expectations, optionally of one country (a group's demands count for each member) and domain."""
        return [self.record(e) for e in self._expectations(country, domain)]

    def drivers(self, level: str | None = None) -> list[dict]:
        wanted = parse_level(level) if level else None
        return [self.record(d) for d in self.claims.drivers if wanted is None or d.level is wanted]

    def responses(self, domain: str | None = None) -> list[dict]:
        wanted = parse_domain(domain) if domain else None
        return [self.record(r) for r in self.claims.responses if wanted is None or r.domain is wanted]

    def actors(self, kind: str | None = None) -> list[dict]:
        wanted = parse_actor_kind(kind) if kind else None
        return [self.record(a) for a in self.claims.actors if wanted is None or a.kind is wanted]

    def _driver_lineage(self, driver_id: str) -> list[str]:
        """The driver and every broader driver it refines, nearest first."""
        lineage, current = [], driver_id
        while current and current not in lineage:
            lineage.append(current)
            entity = self.by_id.get(current)
            current = entity.broader if isinstance(entity, m.Driver) else None
        return lineage

    def paths(self, country: str | None = None, domain: str | None = None,
              start: str | None = None, end: str | None = None) -> list[dict]:
        """Driver → expectation → response chains, walked on the networkx graph.

        ``start`` is a driver (its narrower drivers' chains count too), or an expectation;
        ``end`` is a response or an expectation.
        """
        for endpoint in (start, end):
            if endpoint is not None:
                self.get(endpoint)
        allowed = {e.id for e in self._expectations(country, domain)}
        network = self.network
        chains = []
        for expectation_id in sorted(allowed):
            for _, driver_id, link in network.out_edges(expectation_id, data=True):
                if link["relation"] != "shapedBy":
                    continue
                if start is not None and start != expectation_id and start not in self._driver_lineage(driver_id):
                    continue
                for response_id, _, answer in network.in_edges(expectation_id, data=True):
                    if answer["relation"] != "addresses":
                        continue
                    if end is not None and end not in (response_id, expectation_id):
                        continue
                    chains.append({
                        "driver": self.record(self.by_id[driver_id]),
                        "expectation": self.record(self.by_id[expectation_id]),
                        "response": self.record(self.by_id[response_id]),
                        "driver_basis": link.get("basis"),
                        "response_basis": answer.get("basis"),
                    })
        return chains

    def search(self, text: str) -> list[dict]:
        """Entities whose labels, descriptions or evidence quotes contain ``text`` (any case, zh or en)."""
        needle = _fold(text)
        if not needle:
            raise UsageError("empty search text; give a word in Chinese or English")
        hits = []
        for entity in self.claims.entities():
            fields = [("label", entity.label_en), ("label_zh", entity.label_zh),
                      ("description", entity.description_en), ("description_zh", entity.description_zh)]
            fields += [(f"quote p. {e.page}", e.quote) for e in getattr(entity, "evidence", [])]
            for field, value in fields:
                if value and needle in _fold(value):
                    record = {"id": entity.id, "type": self.record(entity)["type"], "label": entity.label_en,
                              "label_zh": entity.label_zh, "field": field, "match": value}
                    hits.append(record)
                    break
        return hits

    def stats(self) -> dict:
        """Counts by type, and expectations per holder × domain."""
        from .provenance import iter_evidence

        counts = {name: len(getattr(self.claims, name)) for name in m.Claims.model_fields}
        counts["evidence"] = sum(1 for _ in iter_evidence(self.claims))
        counts["links"] = sum(len(e.drivers) for e in self.claims.expectations) + sum(
            len(r.addresses) for r in self.claims.responses)
        counts["inferred_links"] = sum(
            1 for e in self.claims.expectations for link in e.drivers if link.basis is m.Basis.inferred
        ) + sum(1 for r in self.claims.responses for link in r.addresses if link.basis is m.Basis.inferred)
        table = Counter()
        for expectation in self.claims.expectations:
            holder = self.by_id.get(expectation.holder)
            row = holder.alpha2 if isinstance(holder, m.Actor) and holder.alpha2 else expectation.holder
            table[(row, expectation.domain.value)] += 1
        rows = sorted({row for row, _ in table})
        matrix = [
            {"holder": row, **{d.value: table[(row, d.value)] for d in m.Domain},
             "total": sum(table[(row, d.value)] for d in m.Domain)}
            for row in rows
        ]
        return {"counts": counts, "expectations_by_holder_and_domain": matrix}

"""The public API: open a claims graph once, then ask it for demands, drivers, responses, paths.

>>> from scograph import ClaimsGraph
>>> claims = ClaimsGraph.load()                     # the packaged data/claims.ttl
>>> [d["id"] for d in claims.demands(country="TJ", domain="security")][:1]
['exp-ca-non-traditional-security']

Lookups are SPARQL over a :class:`~scograph.store.ClaimStore`, so that they answer the
same from the local Oxigraph store and from a remote SPARQL endpoint, and so that a
lookup imports neither rdflib nor pydantic. The typed objects (``.claims``), the rdflib
graph (``.rdf``) and the networkx projection (``.network``) are built on first use.
Every lookup returns plain records (dicts of strings, numbers and lists) that the CLI
prints as table, JSON or CSV; the records are documented in the README.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from pathlib import Path

from .chains import walk_chains
from .errors import DataFileError, UsageError, suggest
from .frames import RecordList, as_records
from .inputs import (
    Country, check_id, country_names, parse_actor_kind, parse_country, parse_domain, parse_finding_kind, parse_level,
)
from .records import TYPE_OF_CLASS, Records, entity_links
from .store import IRI, ClaimStore, values_clause
from .terms import (
    ACTOR_KINDS, CONCEPT_NAMES, DOMAINS, ENTITY_CLASSES, ENTITY_TABLES, ID_SYNTAX, LEVELS,
    NO_LEVEL, SCO, entity_id, entity_iri, is_id,
)

class ClaimsGraph:
    """A claims graph: SPARQL lookups over a store; objects, RDF and networkx on demand."""

    def __init__(self, store: ClaimStore, path: Path | None = None, *, rdf=None, claims=None, record_cache=None):
        self.store = store
        self.path = path
        self._records = Records(store, record_cache)
        self._rdf = rdf
        self._claims = claims
        self.content_key: str | None = None
        """The digest of a prepared store's file, when its search index may be kept beside it."""

    @property
    def record_cache(self):
        """A :class:`scograph.store.prepared.RecordCache` for a prepared store, else None (records made on each lookup)."""
        return self._records.cache

    # ------------------------------------------------------------------ opening

    @classmethod
    def load(cls, path: Path | str | None = None) -> "ClaimsGraph":
        """Open a claims Turtle file (default: the packaged one), checked once per content."""
        import os

        from .fileio import open_regular, read_rest
        from .store import default_data_path
        from .store import prepared as cache
        from .store.oxigraph import OxigraphStore

        resolved = Path(path) if path is not None else default_data_path()
        store = record_cache = None
        with open_regular(resolved, "Turtle file") as handle:
            # A large file is hashed in chunks and streamed to the index: never held whole in memory.
            large = os.fstat(handle.fileno()).st_size > cache.LARGE_FILE_BYTES and cache.cache_dir() is not None
            if large:
                signature = cache.file_signature(os.fstat(handle.fileno()))
                key = cache.file_key(handle)
            else:
                data = read_rest(handle, resolved)
                key = cache.content_key(data)
        if large:
            prepared = cache.prepared_index(key, resolved, _load_checks, signature)
            store = OxigraphStore(prepared) if prepared is not None else None
            record_cache = cache.RecordCache.open(key) if prepared is not None else None
            if store is None:  # the cache could not be written after all
                with open_regular(resolved, "Turtle file") as handle:
                    data = read_rest(handle, resolved)
        if store is None:
            store = OxigraphStore.from_turtle(data, resolved)
        if not cache.is_validated(key):
            problem = cache.known_problem(key) or _load_checks(store)
            if problem is not None:
                raise DataFileError(f"{resolved}: {problem} (run: scograph validate {resolved})")
            cache.mark_validated(key)
        graph = cls(store, resolved, record_cache=record_cache)
        graph.content_key = key if record_cache is not None else None  # names the search index kept beside the store
        return graph

    @classmethod
    def connect(cls, endpoint: str) -> "ClaimsGraph":
        """Answer from a remote SPARQL 1.1 query endpoint instead of a local file."""
        from .store.remote import SparqlEndpointStore

        return cls(SparqlEndpointStore(endpoint))

    @property
    def rdf(self):
        """The whole graph as an rdflib Graph."""
        if self._rdf is None:
            from rdflib import Graph

            from .terms import bind_prefixes

            self._rdf = Graph()
            bind_prefixes(self._rdf)
            self._rdf.parse(data=self.store.ntriples(), format="nt")
        return self._rdf

    @property
    def claims(self):
        """The typed pydantic objects (:class:`scograph.model.Claims`)."""
        if self._claims is None:
            from .rdf.reading import graph_to_claims

            self._claims = graph_to_claims(self.rdf)
        return self._claims

    @cached_property
    def by_id(self) -> dict:
        return {entity.id: entity for entity in self.claims.entities()}

    @cached_property
    def network(self):
        """The networkx MultiDiGraph projection of the whole graph."""
        from .rdf.projection import to_networkx

        return to_networkx(self.rdf)

    # ------------------------------------------------------------------ resolving user input

    def _types_of(self, ids: list[str]) -> dict[str, str]:
        rows = self.store.select(
            f"SELECT ?x ?class WHERE {{ {values_clause('x', [entity_iri(i) for i in ids])} ?x a ?class }}")
        found: dict[str, str] = {}
        for row in rows:
            kind = TYPE_OF_CLASS.get(row["class"])
            if kind and (found.get(row["x"]) != "paper"):
                found[row["x"]] = kind
        return {entity_id(iri): kind for iri, kind in found.items()}

    def _all_ids(self) -> list[str]:
        classes = " ".join(f"sco:{local}" for local in ENTITY_CLASSES.values())
        rows = self.store.select(f"SELECT DISTINCT ?x WHERE {{ VALUES ?class {{ {classes} }} ?x a ?class }}")
        return [entity_id(r["x"]) for r in rows]

    def resolve(self, entity_id_: str) -> tuple[str, str]:
        """(id, record type) of an entity id given in any case; unknown ids suggest near matches.

        Text that is not an id (:data:`scograph.terms.ID_PATTERN`) is a UsageError that says
        what an id looks like, before any query is made of it.
        """
        candidates = [c for c in dict.fromkeys((entity_id_, entity_id_.strip().lower())) if is_id(c)]
        if not candidates:
            hint = suggest(entity_id_.strip().lower(), self._all_ids())
            raise UsageError(f"not an id: {entity_id_!r}; an id is {ID_SYNTAX}{hint}")
        for candidate in candidates:
            found = self._types_of([candidate])
            if candidate in found:
                return candidate, found[candidate]
        hint = suggest(entity_id_, self._all_ids()) or "; try: scograph search TEXT"
        raise UsageError(f"unknown id {entity_id_!r}{hint}")

    @cached_property
    def _countries(self) -> dict[str, Country]:
        rows = self.store.select("""
            SELECT ?x ?alpha2 ?alpha3 ?label WHERE {
              ?x a sco:State ; sco:alpha2 ?alpha2 ; sco:alpha3 ?alpha3 ; rdfs:label ?label .
            }""")
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        codes: dict[str, tuple[str, str]] = {}
        for row in rows:
            codes[row["x"]] = (row["alpha2"], row["alpha3"])
            labels[row["x"]][getattr(row["label"], "lang", "")] = row["label"]
        return country_names(
            Country(entity_id(iri), alpha2, alpha3, labels[iri].get("en", ""), labels[iri].get("zh", ""))
            for iri, (alpha2, alpha3) in codes.items())

    def country(self, text: str) -> Country:
        """A state by ISO alpha-2 or alpha-3 (any case), English name or Chinese name."""
        return parse_country(text, self._countries)

    # ------------------------------------------------------------------ records

    def records(self, ids: list[str]) -> list[dict]:
        """The JSON records of these entities, in the order given; text that is not an id is a UsageError."""
        for given in ids:
            check_id(given)
        return self._records_of(ids)

    def _records_of(self, ids: list[str]) -> list[dict]:
        """The records of ids the store gave (lookups): no id check, as the store holds what it holds."""
        return self._records.of([entity_iri(i) for i in ids])

    def record(self, entity) -> dict:
        """The record of one entity (an id, or a typed object with an ``id``); text that is not an id is a UsageError."""
        return self.records([getattr(entity, "id", entity)])[0]

    def describe(self, entity_id_: str) -> dict:
        """Everything about one entity: its fields, its evidence, and every link in and out."""
        from .rdf.reading import read_entity_from

        entity_id_, kind = self.resolve(entity_id_)
        record = self._records_of([entity_id_])[0]
        try:
            entity = read_entity_from(self.store, entity_id_, kind)
        except ValueError as error:  # pydantic's ValidationError among them: the file loads, but this entity breaks the model
            raise DataFileError(f"{self._source()}: {entity_id_}: {_first_problem(error)}"
                                f" (run: scograph validate{' ' + str(self.path) if self.path else ''})") from None
        record |= {k: v for k, v in entity.model_dump(mode="json", exclude_none=True).items()
                   if k not in record and k not in ("label_en", "description_en")}
        record["links_out"], record["links_in"] = entity_links(self.store, entity_iri(entity_id_))
        return record

    def _source(self) -> str:
        """Where the graph comes from, for messages: its file, or its endpoint's URL."""
        return str(self.path) if self.path is not None else getattr(self.store, "url", "the graph")

    # ------------------------------------------------------------------ lookups

    def _holders(self, country: str) -> list[str]:
        """The IRIs of a state and of the groups it is a member of: whose demands count as its own."""
        state = entity_iri(self.country(country).id)
        rows = self.store.select("SELECT ?group ?state WHERE { ?group sco:member ?state }", {"state": IRI(state)})
        return [state] + sorted({row["group"] for row in rows})

    def _expectation_holders(self, country: str | None, domain: str | None) -> dict[str, str | None]:
        """{expectation IRI: holder IRI} of a country's expectations (its own and its groups'), by IRI."""
        return self._holders_matching(*self._expectation_pattern(country, domain))

    def _expectation_pattern(self, country: str | None, domain: str | None) -> tuple[str, dict]:
        """(graph pattern, bindings) that bind ``?x`` to a country's expectations (and ``?holder``, its holder).

        The holders are resolved first (one small query) and the expectations selected by
        them: a join on a handful of IRIs, where a UNION with a property path would visit
        every expectation of every holder.
        """
        bindings = {}
        patterns = [values_clause("holder", self._holders(country)), "?x sco:holder ?holder ."] if country else []
        if domain:
            bindings["domain"] = IRI(SCO + parse_domain(domain))
            patterns.append("?x sco:domain ?domain .")
        if not country:  # (with holders no type test: sco:holder's domain is sco:Expectation)
            patterns.append("?x a sco:Expectation . OPTIONAL { ?x sco:holder ?holder }")
        return " ".join(patterns), bindings

    def _holders_matching(self, pattern: str, bindings: dict) -> dict[str, str | None]:
        # A bound variable is projected: the engine binds it (substitutions) only then.
        projected = " ".join(f"?{name}" for name in bindings)
        rows = self.store.rows("SELECT ?x ?holder %s WHERE { %s }" % (projected, pattern), bindings)
        return dict(sorted(((row[0], row[1]) for row in rows), key=lambda row: (row[0], row[1] or "")))

    def _expectation_ids(self, country: str | None, domain: str | None) -> list[str]:
        return [entity_id(iri) for iri in self._expectation_holders(country, domain)]

    def _wanted(self, kind: str, filters: dict):
        """The filters asked of a listing (:class:`scograph.filters.Wanted`), checked before the listing is made;
        None when none is asked, so that a plain lookup does not read the filters' module."""
        if all(value is None for value in filters.values()):
            return None
        from .filters import Wanted

        return Wanted(self.store, kind, **filters)

    def _ids_of(self, rdf_class: str, extra: str = "", bindings: dict | None = None) -> list[str]:
        projected = " ".join(f"?{name}" for name in bindings or {})  # bound variables are projected (substitutions)
        rows = self.store.select(f"SELECT DISTINCT ?x {projected} WHERE {{ ?x a {rdf_class} . {extra} }} ORDER BY ?x",
                                 bindings)
        return [entity_id(r["x"]) for r in rows]

    @as_records
    def demands(self, country: str | None = None, domain: str | None = None, **filters) -> list[dict]:
        """Expectations, optionally of one country (a group's demands count for each member) and domain.

        A state's own demands come first, then those of groups it belongs to; each part by id.
        Every listing also takes the filters of :mod:`scograph.filters`: ``theme``, ``speaker``,
        ``source``, ``since``, ``until``, ``stance`` (demands and findings), ``sort`` and ``limit``,
        e.g. ``demands(country="TJ", theme="drugs", since="2019-04", sort="-date", limit=3)``.
        """
        wanted = self._wanted("expectation", filters)
        records = self._records_of(self._expectation_ids(country, domain))
        return _apply(wanted, sorted(records, key=_demand_order))

    def demands_json(self, country: str | None = None, domain: str | None = None) -> str:
        """:meth:`demands` as the JSON text :func:`scograph.render.to_json` writes of it, the same bytes,
        printed from the kept records' own text (decoding and encoding them again took 0.16 s of 0.4 s)."""
        from .render import json_list

        iris = [entity_iri(i) for i in self._expectation_ids(country, domain)]
        texts, records = self._records.texts_and_records(iris)
        order = sorted(range(len(iris)), key=lambda index: _demand_order(records[index]))
        return json_list([texts[index] for index in order])

    @as_records
    def drivers(self, level: str | None = None, **filters) -> list[dict]:
        """Drivers, optionally at one level; ``none`` gives those the paper lists apart from the three.

        A driver is on a theme when a demand it shapes is (filters: :meth:`demands`)."""
        wanted = self._wanted("driver", filters)
        if level is None:
            return _apply(wanted, self._records_of(self._ids_of("sco:Driver")))
        name = parse_level(level, allow_none=True)
        if name == NO_LEVEL:
            return _apply(wanted, self._records_of(self._ids_of("sco:Driver", "FILTER NOT EXISTS { ?x sco:level ?level }")))
        concept = IRI(SCO + LEVELS[name])
        return _apply(wanted, self._records_of(self._ids_of("sco:Driver", "?x sco:level ?level .", {"level": concept})))

    @as_records
    def findings(self, country: str | None = None, about: str | None = None, kind: str | None = None,
                 **filters) -> list[dict]:
        """The authors' findings: about a country (the state, or a group it belongs to), about one entity, of one kind.

        A finding is on a theme when it is about the theme or a demand on it (filters: :meth:`demands`)."""
        wanted = self._wanted("finding", filters)
        patterns, bindings = [], {}
        if country is not None:
            patterns += [values_clause("subject", self._holders(country)), "?x sco:about ?subject ."]
        if about is not None:
            bindings["about"] = IRI(entity_iri(self.resolve(about)[0]))
            patterns.append("?x sco:about ?about .")
        if kind is not None:
            bindings["kind"] = parse_finding_kind(kind)
            patterns.append("?x sco:findingKind ?kind .")
        return _apply(wanted, self._records_of(self._ids_of("sco:Finding", " ".join(patterns), bindings)))

    @as_records
    def responses(self, domain: str | None = None, **filters) -> list[dict]:
        """The responses the paper recommends, optionally in one domain.

        A response is on a theme when a demand it answers is (filters: :meth:`demands`)."""
        wanted = self._wanted("response", filters)
        if domain is None:
            return _apply(wanted, self._records_of(self._ids_of("sco:Response")))
        concept = IRI(SCO + parse_domain(domain))
        return _apply(wanted, self._records_of(self._ids_of("sco:Response", "?x sco:domain ?domain .", {"domain": concept})))

    @as_records
    def actors(self, kind: str | None = None, **filters) -> list[dict]:
        """The actors the paper names, optionally of one kind; filters ``theme`` (the holders and speakers of
        demands on it), ``sort`` and ``limit``."""
        wanted = self._wanted("actor", filters)
        rdf_class = f"sco:{ACTOR_KINDS[parse_actor_kind(kind)]}" if kind else "sco:Actor"
        return _apply(wanted, self._records_of(self._ids_of(rdf_class)))

    @as_records
    def paths(self, country: str | None = None, domain: str | None = None,
              start: str | None = None, end: str | None = None) -> list[dict]:
        """Driver → expectation → response chains with the full record of each entity on them.

        The chains are those of :meth:`chains` (same filters, same order); each carries its
        driver's, expectation's and response's records and the basis of its two links.
        """
        found = self._chains(country, domain, start, end)
        ids = sorted({chain[part] for chain in found for part in ("driver", "expectation", "response")})
        records = dict(zip(ids, self._records.of([entity_iri(i) for i in ids])))
        return [
            {"driver": records[chain["driver"]], "expectation": records[chain["expectation"]],
             "response": records[chain["response"]],
             "driver_basis": chain["driver_basis"], "response_basis": chain["response_basis"]}
            for chain in found
        ]

    def paths_json(self, country: str | None = None, domain: str | None = None,
                   start: str | None = None, end: str | None = None) -> str:
        """:meth:`paths` as the JSON text :func:`scograph.render.to_json` writes of it, the same bytes, each
        record printed from its kept text: no record is encoded again, nor held as objects while printing."""
        from .render import json_rows, json_value

        found = self._chains(country, domain, start, end)
        ids = sorted({chain[part] for chain in found for part in ("driver", "expectation", "response")})
        texts = dict(zip(ids, self._records.texts([entity_iri(i) for i in ids])))
        bases = {basis: json_value(basis) for chain in found for basis in (chain["driver_basis"], chain["response_basis"])}
        return json_rows([(
            ("driver", texts[chain["driver"]]), ("expectation", texts[chain["expectation"]]),
            ("response", texts[chain["response"]]),
            ("driver_basis", bases[chain["driver_basis"]]), ("response_basis", bases[chain["response_basis"]]),
        ) for chain in found])

    def chains(self, country: str | None = None, domain: str | None = None,
               start: str | None = None, end: str | None = None) -> list[dict]:
        """Driver → expectation → response chains as ids, walked on the chain links.

        ``start`` is a driver (its narrower drivers' chains count too) or an expectation;
        ``end`` is a response or an expectation. Each chain: ``driver``, ``expectation``,
        ``response`` (ids), the expectation's ``holder`` (id) and ``country`` (alpha-2, or
        None for a group), and the ``driver_basis`` and ``response_basis`` of its links
        (stated or inferred). Ordered by expectation, driver, response.
        """
        return self._chains(country, domain, start, end)

    def _chains(self, country, domain, start, end) -> list[dict]:
        start = self.resolve(start)[0] if start is not None else None
        end = self.resolve(end)[0] if end is not None else None
        pattern, bindings = self._expectation_pattern(country, domain)
        holders = self._holders_matching(pattern, bindings)
        return walk_chains(self.store, holders, (pattern, bindings), self._records.codes, start, end)

    def driver_lineage(self, driver_id: str) -> list[str]:
        """The driver, then every broader driver it refines."""
        check_id(driver_id)
        rows = self.store.select("SELECT ?b ?d WHERE { ?d sco:refines* ?b }", {"d": IRI(entity_iri(driver_id))})
        ids = [entity_id(r["b"]) for r in rows]
        return [driver_id] + sorted(set(ids) - {driver_id})

    @as_records
    def search(self, text: str, type: str | None = None, limit: int | None = None) -> list[dict]:
        """Entities whose labels, descriptions or evidence quotes match ``text`` by words (English, stemmed)
        or characters (Chinese), best first; each with the field and snippet that matched and a ``score``.

        ``type`` keeps one record type (``expectation``, …), ``limit`` the first so many (:mod:`scograph.store.search`).
        """
        from .store.search import search

        return search(self, text, type, limit)

    def query(self, name: str, **values) -> RecordList:
        """Run a named query (``scograph sparql --list``) with its parameters given as on the command line;
        its rows as plain Python values (:func:`scograph.queries.plain`), ``.to_pandas()`` away from a DataFrame."""
        from . import queries

        return queries.run(self, queries.named_query(name), {key: str(value) for key, value in values.items()}).records()

    def stats(self) -> dict:
        """Counts by type, and expectations per holder × domain."""
        counts: dict[str, int] = {}
        rows = self.store.select("""
            SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class""")
        by_class = {row["class"]: int(row["n"]) for row in rows}
        for kind, local in ENTITY_CLASSES.items():
            counts[ENTITY_TABLES[kind]] = by_class.get(SCO + local, 0)
        counts["sources"] -= counts["papers"]  # a paper is also a sco:Source
        counts["evidence"] = by_class.get(SCO + "Evidence", 0)
        counts["links"] = by_class.get(SCO + "Link", 0)
        counts["inferred_links"] = self.store.select(
            "SELECT (COUNT(?l) AS ?n) WHERE { ?l a sco:Link ; sco:basis sco:Inferred }")[0]["n"]
        table: dict[tuple[str, str], int] = defaultdict(int)
        for row in self.store.select("""
            SELECT ?holder ?alpha2 ?domain (COUNT(?x) AS ?n) WHERE {
              ?x a sco:Expectation ; sco:holder ?holder ; sco:domain ?domain .
              OPTIONAL { ?holder sco:alpha2 ?alpha2 }
            } GROUP BY ?holder ?alpha2 ?domain"""):
            holder = row["alpha2"] or entity_id(row["holder"])
            table[(holder, CONCEPT_NAMES.get(row["domain"], row["domain"]))] += int(row["n"])
        matrix = [
            {"holder": holder, **{d: table[(holder, d)] for d in DOMAINS}, "total": sum(table[(holder, d)] for d in DOMAINS)}
            for holder in sorted({h for h, _ in table})
        ]
        return {"counts": counts, "expectations_by_holder_and_domain": matrix}


def _load_checks(store) -> str | None:
    """:func:`scograph.checks.integrity.first_problem`, imported only when a file is checked (once per content)."""
    from .checks.integrity import first_problem

    return first_problem(store)


def _demand_order(record: dict) -> tuple:
    """A state's own demands first, then those of groups it belongs to; each part by id."""
    return (record["country"] is None, record["id"])


def _apply(wanted, records: list[dict]) -> list[dict]:
    return records if wanted is None else wanted.apply(records)


def _first_problem(error: ValueError) -> str:
    """The first thing pydantic (or the mapping) found wrong, on one line: ``field: message``."""
    details = getattr(error, "errors", None)
    if callable(details):
        first = details()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return (str(error).strip().splitlines() or [type(error).__name__])[0]

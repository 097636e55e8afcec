"""What the pages show: read from the claims graph in the server process, rendered by the templates.

Every cache here is bounded in bytes (cachetools, sized by ``len`` of what it holds) and
keyed by what decides the answer, normalised (a search by its folded text, an entity by
its id), so that many spellings of one request share one entry and no stream of distinct
requests can grow the server's memory past the budget.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import Any, Callable

from .answers import PREFIXES, serialize_triples
from ..errors import UsageError, suggest
from ..terms import DCTERMS, ENTITY, RDF, XSD
from . import templates

PAGE_CACHE_BYTES = 48 * 1024 * 1024
"""Rendered pages and descriptions kept, in bytes."""
SEARCH_CACHE_BYTES = 8 * 1024 * 1024
"""Search hits kept, in bytes (estimated from their text)."""
SEARCH_HITS_SHOWN = 1000
"""A search page lists this many entities at most, and says how many matched."""


class ByteBoundedCache:
    """A thread-safe LRU cache whose entries' sizes (``sizeof``) add up to at most ``max_bytes``."""

    def __init__(self, max_bytes: int, sizeof: Callable[[Any], int] = len):
        from cachetools import LRUCache

        self._cache = LRUCache(maxsize=max_bytes, getsizeof=sizeof)
        self._lock = threading.Lock()
        self.max_bytes = max_bytes

    def get(self, key, make: Callable[[], Any]):
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = make()
        with self._lock:
            try:
                self._cache[key] = value
            except ValueError:  # larger than the whole cache: answered, not kept
                pass
        return value

    @property
    def size(self) -> int:
        with self._lock:
            return self._cache.currsize


def _hits_size(entry: tuple[int, list[dict]]) -> int:
    return 64 + sum(96 + sum(len(str(v)) * 2 for v in hit.values()) for hit in entry[1])


def prefilled_text(query, claims) -> str:
    """A named query's text with its parameters' defaults bound in a VALUES block, ready to send as is.

    A required parameter without a default stays unbound (the query then answers for every
    value), and a comment in the block says how to fix it.
    """
    from .. import queries

    terms = {p.name: queries.KINDS[p.kind].convert(claims, p.default) for p in query.parameters if p.default is not None}
    required = [p for p in query.parameters if p.required and p.name not in terms]
    if not terms and not required:
        return query.text
    block = "\n  # The parameters, bound to their defaults: change them here."
    if terms:
        names = " ".join(f"?{name}" for name in terms)
        values = " ".join(term.n3() for term in terms.values())
        block += f"\n  VALUES ({names}) {{ ({values}) }}"
    for parameter in required:
        block += (f"\n  # ?{parameter.name} ({parameter.kind}) is unbound, so every value answers; bind it with "
                  f"VALUES ?{parameter.name} {{ ... }}")
    lines = query.text.split("\n")
    for number, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        match = re.search(r"\bWHERE\s*\{", line)
        if match:
            lines[number] = line[:match.end()] + block + line[match.end():]
            return "\n".join(lines)
    return query.text


def valid_iri(iri: str) -> bool:
    """Whether the engine takes ``iri`` as an IRI (pyoxigraph's own parser decides)."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


class Site:
    """What the pages show, read from the claims graph once and rendered on request."""

    def __init__(self, claims, settings):
        from .. import queries
        from ..terms import ENTITY_CLASSES

        self.claims = claims
        self.settings = settings
        classes = " ".join(f"sco:{local}" for local in ENTITY_CLASSES.values())
        rows = claims.store.select(f"""
            SELECT DISTINCT ?x ?label WHERE {{ VALUES ?class {{ {classes} }} ?x a ?class .
              OPTIONAL {{ ?x rdfs:label ?label FILTER(lang(?label) = "en") }} }}""")
        self.labels = {str(r["x"]): str(r["label"]) if r["label"] is not None else None for r in rows}
        self.entity_ids = {iri[len(ENTITY):] for iri in self.labels if iri.startswith(ENTITY)}
        self.triple_count = claims.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
        try:
            self.queries = queries.named_queries()
        except Exception:  # a server without its query files still serves everything else
            self.queries = []
        self.query_texts = {}
        for named in self.queries:
            try:
                self.query_texts[named.name] = prefilled_text(named, claims)
            except Exception:
                self.query_texts[named.name] = named.text
        self.pages = ByteBoundedCache(PAGE_CACHE_BYTES)
        self.searches = ByteBoundedCache(SEARCH_CACHE_BYTES, _hits_size)
        self._home_facts_lock = threading.Lock()
        self._home_facts_value: dict | None = None

    # ---------------------------------------------------------------- home

    def home(self, selected: str | None) -> bytes:
        names = {q.name for q in self.queries}
        if selected is not None and selected not in names:
            return templates.render("home.html", **self._home_model(selected))  # not kept: any text may come here
        return self.pages.get(("home", selected), lambda: templates.render("home.html", **self._home_model(selected)))

    def _home_model(self, selected: str | None) -> dict:
        facts = self._home_facts()
        names = [q.name for q in self.queries]
        notice = None
        if selected is not None and selected not in names:
            notice = f"There is no named query {selected!r}{suggest(selected, names)}."
            selected = None
        if selected is None:
            selected = "demands-by-country" if "demands-by-country" in names else (names[0] if names else None)
        return facts | {
            "title": "Claims about the SCO and Central Asia", "selected": selected, "notice": notice,
            "query_text": self.query_texts.get(selected, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"),
            "queries": [{"name": q.name, "title": q.title, "description": q.description} for q in self.queries],
            "prefixes": PREFIXES, "limits": self.settings,
        }

    def _home_facts(self) -> dict:
        with self._home_facts_lock:
            if self._home_facts_value is None:
                self._home_facts_value = self._read_home_facts()
            return self._home_facts_value

    def _read_home_facts(self) -> dict:
        claims = self.claims
        stats = claims.stats()
        countries = []
        for row in stats["expectations_by_holder_and_domain"]:
            holder = row["holder"]
            try:
                entity = claims.country(holder).id
            except UsageError:
                entity = holder
            record = claims.record(entity)
            countries.append({"id": entity, "label": record["label"], "label_zh": record["label_zh"],
                              "code": holder if holder != entity else None, "counts": row})
        papers = claims.store.select("SELECT ?x WHERE { ?x a sco:Paper } ORDER BY ?x")
        paper = claims.record(str(papers[0]["x"])[len(ENTITY):]) if papers else None
        if paper is not None:
            paper |= {k: v for k, v in claims.describe(paper["id"]).items()
                      if k in ("authors", "journal", "year", "issue", "pages", "doi", "title")}
        drivers = claims.drivers()
        known = {d["id"] for d in drivers}
        children: dict[str, list[dict]] = {}
        roots: dict[str, list[dict]] = {}
        for driver in drivers:
            if driver.get("broader") in known:
                children.setdefault(driver["broader"], []).append(driver)
            else:
                roots.setdefault(driver.get("level") or "", []).append(driver)
        groups: dict[str | None, list[dict]] = {}
        for response in claims.responses():
            groups.setdefault(response.get("model"), []).append(response)
        findings: dict[str, list[dict]] = {}
        for finding in claims.findings():
            findings.setdefault(finding["kind"], []).append(finding)
        return {"paper": paper, "countries": countries, "driver_roots": roots, "driver_children": children,
                "response_groups": groups, "findings": findings, "counts": stats["counts"],
                "triples": self.triple_count}

    # ---------------------------------------------------------------- entities

    def entity_html(self, entity_id: str) -> bytes:
        return self.pages.get(("entity-html", entity_id), lambda: self._entity_page(entity_id))

    def _entity_page(self, entity_id: str) -> bytes:
        try:
            model = self._entity_model(entity_id)
        except Exception as error:  # noqa: BLE001 - data that loads but makes no record: its statements instead
            sys.stderr.write(f"the page of {entity_id!r} shows its statements only: "
                             f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}\n")
            return self._node_page(ENTITY + entity_id)
        return templates.render("entity.html", **model)

    def _entity_model(self, entity_id: str) -> dict:
        claims = self.claims
        record = claims.describe(entity_id)
        chains: list[dict] = []
        if record["type"] in ("driver", "expectation"):
            chains = claims.paths(start=entity_id)
        elif record["type"] == "response":
            chains = claims.paths(end=entity_id)
        sources = sorted({e["source"] for e in record.get("evidence", []) if e.get("source")})
        iri = ENTITY + entity_id
        tags = [record.get("type") or ""]
        for key in ("domain", "level", "model", "kind", "country"):
            if isinstance(record.get(key), str) and record[key] not in tags:
                tags.append(record[key])
        return {"title": record.get("label") or record.get("label_zh") or entity_id, "record": record, "iri": iri,
                "path": templates.href(iri), "tags": tags, "facts": templates.facts(record), "labels": self.labels,
                "chains": templates.chains_layout(chains, entity_id) if chains else None,
                "sources": {s: self.labels.get(ENTITY + s) for s in sources}, "pictures": _page_pictures(record)}

    def picture(self, name: str, params: list[tuple[str, str]]) -> tuple[bytes, str] | None:
        """A picture that a state's or a theme's page shows (the plot extra), drawn once; None for any other."""
        from ..plots import pages

        asked = pages.picture_request(name, params, self.claims)
        if asked is None:
            return None
        picture, fmt, options = asked
        key = ("picture", picture.value, fmt.value, tuple(sorted(options.items())))
        return self.pages.get(key, lambda: pages.draw(self.claims, picture, fmt, options)), pages.MEDIA_TYPES[fmt.value]

    def node_html(self, iri: str) -> bytes:
        return self.pages.get(("node-html", iri), lambda: self._node_page(iri))

    def _node_page(self, iri: str) -> bytes:
        from ..store import IRI

        store = self.claims.store
        out_rows = store.select("SELECT ?p ?o WHERE { ?x ?p ?o } ORDER BY ?p ?o", {"x": IRI(iri)})
        in_rows = store.select("SELECT ?s ?p WHERE { ?s ?p ?x } ORDER BY ?p ?s", {"x": IRI(iri)})
        owner = iri[len(ENTITY):].split("/", 1)[0] if iri.startswith(ENTITY) else ""
        types = [str(r["o"]) for r in out_rows if str(r["p"]).endswith("#type")]
        return templates.render(
            "node.html", title=templates.compact(iri), iri=iri, kind=", ".join(templates.compact(t) for t in types) or "node",
            out=[(str(r["p"]), templates.plain_value(r["o"])) for r in out_rows],
            into=[(str(r["s"]), str(r["p"])) for r in in_rows], labels=self.labels,
            owner=owner if owner in self.entity_ids else None)

    def exists(self, iri: str) -> bool:
        from ..store import IRI

        if not valid_iri(iri):
            return False
        rows = self.claims.store.select(
            "SELECT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } } LIMIT 1", {"x": IRI(iri)})
        return bool(rows)

    def description(self, iri: str, is_entity: bool) -> list:
        """The triples that describe an IRI, as pyoxigraph triples: its own, its evidence and links, and those pointing at it."""
        import pyoxigraph as ox

        from ..rdf.reading import DESCRIBE_ENTITY
        from ..store import IRI

        store = self.claims.store
        data = store.construct(DESCRIBE_ENTITY if is_entity else "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
                               {"x": IRI(iri)})
        data += store.construct("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }", {"x": IRI(iri)})
        return sorted(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)), key=str)

    def description_bytes(self, iri: str, is_entity: bool, fmt: str) -> bytes:
        return self.pages.get(("rdf", iri, fmt), lambda: rdf_bytes(self.description(iri, is_entity), fmt))

    def near_ids(self, wanted: str) -> list[str]:
        import difflib

        if len(wanted) > 200:
            return []
        return difflib.get_close_matches(wanted, sorted(self.entity_ids), n=5, cutoff=0.6)

    # ---------------------------------------------------------------- search

    def search_hits(self, text: str) -> tuple[int, list[dict], str | None]:
        """How many entities match, the first :data:`SEARCH_HITS_SHOWN` of them, and a message if the text is refused."""
        from ..inputs import fold

        key = fold(text)
        if not key:
            return 0, [], None
        try:
            total, hits = self.searches.get(key, lambda: self._search(text))
        except UsageError as error:
            return 0, [], str(error)
        return total, hits, None

    def _search(self, text: str) -> tuple[int, list[dict]]:
        hits = self.claims.search(text)
        return len(hits), hits[:SEARCH_HITS_SHOWN]

    def search_page(self, text: str):
        """The search page, streaming (its text box holds the text as given)."""
        total, hits, message = self.search_hits(text)
        return templates.stream("search.html", title=f"Search: {text}" if text else "Search", search_text=text,
                                total=total, hits=hits, message=message)

    def error_page(self, status: int, message: str, suggestions: list[str]) -> bytes:
        return templates.render("error.html", title=f"Error {status}", status=status, message=message,
                                suggestions=suggestions)

    def results_error_page(self, query: str, status: int, message: str) -> bytes:
        return templates.render("results_error.html", title=f"Error {status}", status=status, message=message,
                                query=query)


def _page_pictures(record: dict) -> list[dict]:
    from ..plots.pages import page_pictures

    return page_pictures(record)


def rdf_bytes(triples: list, fmt: str) -> bytes:
    """An entity's description: compact JSON-LD (with a context) through rdflib, the rest through pyoxigraph."""
    if fmt != "jsonld":
        return serialize_triples(triples, fmt)
    from ..rdf.jsonld import entity_jsonld

    return entity_jsonld(serialize_triples(triples, "nt"))


def service_description(endpoint: str, triples: int, fmt: str) -> bytes:
    """The SPARQL 1.1 Service Description of this endpoint."""
    import pyoxigraph as ox

    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    node, dataset, graph = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    a = ox.NamedNode(RDF + "type")

    def triple(s, p, o):
        return ox.Triple(s, ox.NamedNode(p) if isinstance(p, str) else p, o)

    found = [
        triple(node, a, ox.NamedNode(sd + "Service")),
        triple(node, sd + "endpoint", node),
        triple(node, sd + "supportedLanguage", ox.NamedNode(sd + "SPARQL11Query")),
        triple(node, DCTERMS + "title", ox.Literal("scograph: claims about the SCO and Central Asia", language="en")),
        triple(node, DCTERMS + "description", ox.Literal(
            "A read-only SPARQL 1.1 endpoint. SERVICE, LOAD, updates and graphs other than the store's own are refused.",
            language="en")),
        triple(node, sd + "defaultDataset", dataset),
        triple(dataset, a, ox.NamedNode(sd + "Dataset")),
        triple(dataset, sd + "defaultGraph", graph),
        triple(graph, a, ox.NamedNode(sd + "Graph")),
        triple(graph, "http://rdfs.org/ns/void#triples", ox.Literal(str(triples), datatype=ox.NamedNode(XSD + "integer"))),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        found.append(triple(node, sd + "resultFormat", ox.NamedNode(formats + name)))
    return rdf_bytes(found, fmt) if fmt == "jsonld" else serialize_triples(found, fmt)

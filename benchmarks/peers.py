"""The peers scograph is measured against: raw pyoxigraph written the way a competent user
would write it, plain rdflib, and networkx's GraphML writer.

Every peer answers the question scograph answers, on the same corpus, with hand-written
SPARQL: pyoxigraph's answers are read as TSV (pyoxigraph's own writer, about twice as fast as
building a Python term for every cell), rdflib's through ``Graph.query`` with ``initBindings``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from measuring import (
    COUNTRY_IRI,
    PREFIXES,
    SCO,
    Run,
    TimeLimit,
    chains_query,
    digest,
    directory_mb,
    local,
    prepared_dir,
    term,
    time_limit,
    tsv,
    with_values,
)

# One row per label, theme, initiative, document, driver, response and piece of evidence of an
# expectation (no cross products).
_DEMAND_FIELDS = """
    { ?demand rdfs:label ?value BIND("label" AS ?field) }
    UNION { ?demand sco:theme ?value BIND("theme" AS ?field) }
    UNION { ?demand sco:initiative ?value BIND("initiative" AS ?field) }
    UNION { ?demand sco:document ?value BIND("document" AS ?field) }
    UNION { ?demand sco:shapedBy ?value BIND("driver" AS ?field) }
    UNION { ?value sco:addresses ?demand BIND("response" AS ?field) }
    UNION { ?demand sco:evidence ?evidence . ?evidence sco:quote ?value ; sco:page ?page BIND("evidence" AS ?field)
            OPTIONAL { ?evidence sco:footnote ?note } OPTIONAL { ?evidence sco:citedSource ?source } }"""
_DEMAND_HEAD = """
  OPTIONAL { ?holder sco:alpha2 ?alpha2 }
  OPTIONAL { ?demand dcterms:date ?date }
  OPTIONAL { ?demand sco:speaker ?speaker OPTIONAL { ?speaker rdfs:label ?speaker_label FILTER(lang(?speaker_label) = "en") } }"""

# What ClaimsGraph.demands(country=…) returns, as one query for raw pyoxigraph: the country's
# expectations (its own and its groups') found first in a subquery, then their fields.
DEMANDS_PEER_QUERY = PREFIXES + """
SELECT ?demand ?holder ?alpha2 ?domain ?date ?speaker ?speaker_label ?field ?value ?page ?note ?source WHERE {
  { SELECT ?demand ?holder WHERE {
      { ?demand sco:holder ?country } UNION { ?demand sco:holder/sco:member ?country }
      ?demand a sco:Expectation ; sco:holder ?holder } }
  ?demand sco:domain ?domain .""" + _DEMAND_HEAD + _DEMAND_FIELDS + "\n}"

# The same answer for plain rdflib, in the form rdflib evaluates fastest: the fields' UNION sits in
# an OPTIONAL (every expectation has a label, so the rows are the same) because rdflib evaluates an
# OPTIONAL once per solution so far, but a joined UNION over the whole graph.
DEMANDS_QUERY = PREFIXES + """
SELECT ?demand ?holder ?alpha2 ?domain ?date ?speaker ?speaker_label ?field ?value ?page ?note ?source WHERE {
  { ?demand sco:holder ?country } UNION { ?demand sco:holder/sco:member ?country }
  ?demand a sco:Expectation ; sco:holder ?holder ; sco:domain ?domain .""" + _DEMAND_HEAD + \
    "\n  OPTIONAL {" + _DEMAND_FIELDS + "\n  }\n}"

# rdflib's paths: driver → expectation → response chains with the basis of each link. The
# link's predicate is a FILTER, not a constant, because rdflib orders a group's triple patterns
# by their constants when it parses the query: `?l rdf:predicate sco:shapedBy` would go first and
# scan every link once per chain (50× slower at 100k). (pyoxigraph answers the project's own
# chains query, which has the same chains.)
PATHS_QUERY = PREFIXES + """
SELECT ?driver ?demand ?response ?driver_basis ?response_basis ?alpha2 WHERE {
  { ?demand sco:holder ?country } UNION { ?demand sco:holder/sco:member ?country }
  ?demand a sco:Expectation ; sco:holder ?holder ; sco:shapedBy ?driver .
  ?response sco:addresses ?demand .
  OPTIONAL { ?holder sco:alpha2 ?alpha2 }
  OPTIONAL { ?l1 rdf:subject ?demand ; rdf:object ?driver ; rdf:predicate ?p1 ; sco:basis ?driver_basis
             FILTER(?p1 = sco:shapedBy) }
  OPTIONAL { ?l2 rdf:subject ?response ; rdf:object ?demand ; rdf:predicate ?p2 ; sco:basis ?response_basis
             FILTER(?p2 = sco:addresses) }
}"""
# Then the labels, concepts and evidence of every entity on the chains (scograph's path records
# carry each entity's record).
PATH_RECORDS_QUERY = PREFIXES + """
SELECT ?x ?field ?value ?page ?note WHERE {
  VALUES ?x { %s }
  OPTIONAL {
    { ?x rdfs:label ?value BIND("label" AS ?field) }
    UNION { ?x sco:domain|sco:level|sco:model|sco:refines ?value BIND("concept" AS ?field) }
    UNION { ?x sco:evidence ?evidence . ?evidence sco:quote ?value ; sco:page ?page BIND("evidence" AS ?field)
            OPTIONAL { ?evidence sco:footnote ?note } }
  }
}"""

# What ClaimsGraph.stats() returns: counts by class, inferred links, holder × domain.
AGGREGATE_QUERIES = [PREFIXES + query for query in (
    "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class",
    "SELECT (COUNT(?l) AS ?n) WHERE { ?l a sco:Link ; sco:basis sco:Inferred }",
    """SELECT ?holder ?alpha2 ?domain (COUNT(?x) AS ?n) WHERE {
         ?x a sco:Expectation ; sco:holder ?holder ; sco:domain ?domain .
         OPTIONAL { ?holder sco:alpha2 ?alpha2 }
       } GROUP BY ?holder ?alpha2 ?domain""",
)]

# The chains network for pyoxigraph + networkx: drivers, expectations and responses with their
# attributes, and the shapedBy / addresses / refines links between them with each link's basis.
_CHAIN_CLASSES = "VALUES (?class ?type) { (sco:Driver \"driver\") (sco:Expectation \"expectation\") (sco:Response \"response\") }"
NETWORK_QUERIES = {name: PREFIXES + query for name, query in {
    "nodes": f"""SELECT ?x ?type ?domain ?level ?model ?date ?alpha2 WHERE {{
        {_CHAIN_CLASSES} ?x a ?class
        OPTIONAL {{ ?x sco:domain ?domain }} OPTIONAL {{ ?x sco:level ?level }} OPTIONAL {{ ?x sco:model ?model }}
        OPTIONAL {{ ?x dcterms:date ?date }} OPTIONAL {{ ?x sco:holder/sco:alpha2 ?alpha2 }} }}""",
    "labels": f"SELECT ?x ?label WHERE {{ {_CHAIN_CLASSES} ?x a ?class ; rdfs:label ?label }}",
    "pages": f"""SELECT ?x (MIN(?page) AS ?first) WHERE {{ {_CHAIN_CLASSES} ?x a ?class ; sco:evidence/sco:page ?page }}
        GROUP BY ?x""",
    "links": """SELECT ?s ?relation ?o ?basis WHERE {
        VALUES (?p ?relation) { (sco:shapedBy "shapedBy") (sco:addresses "addresses") (sco:refines "refines") }
        ?s ?p ?o
        OPTIONAL { ?link rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sco:basis ?basis } }""",
}.items()}


def _concept(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1].lower() if iri else None


# --------------------------------------------------------------------- raw pyoxigraph


def _country() -> dict[str, str]:
    return {"country": COUNTRY_IRI}


def _open(run: Run):
    import pyoxigraph as ox

    return ox.Store.read_only(str(prepared_dir(run.workdir, "pyoxigraph")))


def pyoxigraph_prepare(run: Run) -> None:
    import pyoxigraph as ox

    target = prepared_dir(run.workdir, "pyoxigraph")
    if (target / "COMPLETE").is_file():
        return
    shutil.rmtree(target, ignore_errors=True)
    store = ox.Store(str(target))
    store.bulk_load(path=str(run.corpus), format=ox.RdfFormat.TURTLE)
    store.flush()
    store.optimize()  # compacted, as pyoxigraph advises after a bulk load (and as scograph's prepared store is)
    del store
    (target / "COMPLETE").write_text("")


def pyoxigraph_build(run: Run) -> None:
    """``bulk_load`` timed, then ``optimize`` (timed apart, as ``optimize_s``): the peer of indexing is both."""
    import pyoxigraph as ox

    optimize = []
    for _ in run.repeats():
        directory = run.scratch("pyoxigraph-build")
        try:
            with run.timed():
                store = ox.Store(str(directory))
                store.bulk_load(path=str(run.corpus), format=ox.RdfFormat.TURTLE)
            start = time.perf_counter()
            store.flush()
            store.optimize()
            optimize.append(time.perf_counter() - start)
            run.check = {"triples": len(store)}
            del store
            run.extra["store_mb"] = directory_mb(directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    run.extra["optimize_s"] = optimize


def pyoxigraph_open(run: Run) -> None:
    import pyoxigraph as ox

    for _ in run.repeats():
        with run.timed():
            store = ox.Store.read_only(str(prepared_dir(run.workdir, "pyoxigraph")))
        run.check = {"triples": len(store)}
        del store


def demands_records(rows: list[list[str]]) -> list[dict]:
    """The rows of DEMANDS_PEER_QUERY grouped into one record per expectation."""
    records: dict[str, dict] = {}
    lists = {"theme": "themes", "initiative": "initiatives", "document": "documents", "driver": "drivers",
             "response": "responses"}
    for demand, holder, alpha2, domain, date, speaker, speaker_label, kind, value, page, note, source in rows:
        key = term(demand)[0]
        record = records.get(key)
        if record is None:
            record = records[key] = {
                "id": local(key), "holder": local(term(holder)[0]), "country": term(alpha2)[0],
                "domain": _concept(term(domain)[0]), "date": term(date)[0],
                "speaker": local(term(speaker)[0]) if speaker else None, "speaker_label": term(speaker_label)[0],
                "label": None, "label_zh": None, "evidence": [], **{name: [] for name in lists.values()}}
        kind, (text, lang) = term(kind)[0], term(value)
        if kind == "label":
            record["label" if lang == "en" else "label_zh"] = text
        elif kind == "evidence":
            record["evidence"].append({"quote": text, "page": int(term(page)[0]), "note": term(note)[0],
                                       "source": local(term(source)[0]) if source else None})
        elif kind in lists:
            record[lists[kind]].append(local(text))
    return sorted(records.values(), key=lambda r: (r["country"] is None, r["id"]))


def pyoxigraph_demands(run: Run) -> None:
    store = _open(run)
    query = with_values(DEMANDS_PEER_QUERY, _country(), group=1)  # in the subquery, which finds them
    for _ in run.repeats():
        with run.timed():
            records = demands_records(tsv(store, query))
    run.check = digest(r["id"] for r in records)


def pyoxigraph_chains(run: Run) -> None:
    store = _open(run)
    query = with_values(chains_query(), _country())
    for _ in run.repeats():
        with run.timed():
            rows = tsv(store, query)
    # chains.rq: ?driver ?driver_basis ?demand ?holder ?response ?response_basis
    run.check = digest((local(term(r[0])[0]), local(term(r[2])[0]), local(term(r[4])[0])) for r in rows)


def entity_records(rows: list[list[str]]) -> dict[str, dict]:
    """The rows of PATH_RECORDS_QUERY grouped into one record per entity."""
    records: dict[str, dict] = {}
    for x, kind, value, page, note in rows:
        key = local(term(x)[0])
        record = records.setdefault(key, {"id": key, "label": None, "label_zh": None, "concepts": [], "evidence": []})
        kind, (text, lang) = term(kind)[0], term(value)
        if kind == "label":
            record["label" if lang == "en" else "label_zh"] = text
        elif kind == "concept":
            record["concepts"].append(_concept(text))
        elif kind == "evidence":
            record["evidence"].append({"quote": text, "page": int(term(page)[0]), "note": term(note)[0]})
    return records


def pyoxigraph_paths(run: Run) -> None:
    """The chains query, then the records of every entity on the chains, assembled into paths."""
    store = _open(run)
    query = with_values(chains_query(), _country())
    for _ in run.repeats():
        with run.timed():
            chains = [(term(r[0])[0], _concept(term(r[1])[0]), term(r[2])[0], term(r[4])[0], _concept(term(r[5])[0]))
                      for r in tsv(store, query)]
            entities = sorted({iri for chain in chains for iri in (chain[0], chain[2], chain[3])})
            records = entity_records(tsv(store, PATH_RECORDS_QUERY % " ".join(f"<{e}>" for e in entities))) \
                if entities else {}
            paths = [{"driver": records[local(d)], "expectation": records[local(e)], "response": records[local(r)],
                      "driver_basis": db, "response_basis": rb} for d, db, e, r, rb in chains]
    run.check = digest((p["driver"]["id"], p["expectation"]["id"], p["response"]["id"]) for p in paths)


def pyoxigraph_aggregate(run: Run) -> None:
    store = _open(run)
    for _ in run.repeats():
        with run.timed():
            classes, inferred, _matrix = (tsv(store, q) for q in AGGREGATE_QUERIES)
    counts = {term(c)[0]: int(term(n)[0]) for c, n in classes}
    run.check = {"expectations": counts.get(SCO + "Expectation", 0), "inferred_links": int(term(inferred[0][0])[0])}


def chains_networkx(store):
    """The chains network as a networkx graph, from four queries read as TSV."""
    import networkx as nx

    graph = nx.DiGraph()
    for x, kind, domain, level, model, date, alpha2 in tsv(store, NETWORK_QUERIES["nodes"]):
        attrs = {"type": term(kind)[0]}
        for name, cell in (("domain", domain), ("level", level), ("model", model)):
            if cell:
                attrs[name] = _concept(term(cell)[0])
        if date:
            attrs["date"] = term(date)[0]
        if alpha2:
            attrs["country"] = term(alpha2)[0]
        graph.add_node(local(term(x)[0]), **attrs)
    for x, label in tsv(store, NETWORK_QUERIES["labels"]):
        text, lang = term(label)
        graph.nodes[local(term(x)[0])]["label" if lang == "en" else "label_zh"] = text
    for x, page in tsv(store, NETWORK_QUERIES["pages"]):
        graph.nodes[local(term(x)[0])]["page"] = int(term(page)[0])
    for s, relation, o, basis in tsv(store, NETWORK_QUERIES["links"]):
        source, target = local(term(s)[0]), local(term(o)[0])
        if source in graph and target in graph:
            name = term(relation)[0]
            attrs = {"relation": name, "label": name, "weight": 1.0}
            if basis:
                attrs["basis"] = _concept(term(basis)[0])
            graph.add_edge(source, target, **attrs)
    return graph


def pyoxigraph_export(run: Run) -> None:
    """pyoxigraph + networkx end to end: the queries, a networkx graph, networkx's ``write_graphml``;
    ``write_only_s`` is the writer's share of each run."""
    import networkx as nx

    store = _open(run)
    output = run.scratch("pyoxigraph-export")
    written = []
    try:
        for _ in run.repeats():
            with run.timed():
                graph = chains_networkx(store)
                start = time.perf_counter()
                nx.write_graphml(graph, output / "chains.graphml")
                written.append(time.perf_counter() - start)
            run.extra["bytes"] = (output / "chains.graphml").stat().st_size
    finally:
        shutil.rmtree(output, ignore_errors=True)
    run.extra["write_only_s"] = written
    run.check = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


# --------------------------------------------------------------------- plain rdflib


def _rdflib_rows(graph, query: str, bindings: dict | None = None) -> list[tuple]:
    return [tuple(row) for row in graph.query(query, initBindings=bindings or {})]


def _rdflib_demands(graph, country) -> dict:
    rows = _rdflib_rows(graph, DEMANDS_QUERY, country)
    return digest(local(str(row[0])) for row in rows)


def _rdflib_chains(graph, country) -> dict:
    rows = list(graph.query(chains_query(), initBindings=country))
    return digest((local(str(r.driver)), local(str(r.demand)), local(str(r.response))) for r in rows)


def _rdflib_paths(graph, country) -> dict:
    chains = _rdflib_rows(graph, PATHS_QUERY, country)
    entities = sorted({t.n3() for row in chains for t in row[:3]})
    if entities:
        _rdflib_rows(graph, PATH_RECORDS_QUERY % " ".join(entities))
    return digest(tuple(local(str(t)) for t in row[:3]) for row in chains)


def _rdflib_aggregate(graph, country) -> dict:
    classes, inferred, _matrix = (_rdflib_rows(graph, q) for q in AGGREGATE_QUERIES)
    counts = {str(c): int(n) for c, n in classes}
    return {"expectations": counts.get(SCO + "Expectation", 0), "inferred_links": int(inferred[0][0])}


RDFLIB_QUERIES = {"demands": _rdflib_demands, "chains": _rdflib_chains, "aggregate": _rdflib_aggregate,
                  "paths": _rdflib_paths}


def rdflib_session(corpus: Path, operations: list[str], repeat: int, limit: float | None) -> dict[str, dict]:
    """Plain rdflib's figures for one corpus: the parse (the build), then each query ``repeat`` times
    on the parsed graph, each run stopped after ``limit`` seconds (then ``over_s`` says so)."""
    from rdflib import Graph, URIRef

    figures: dict[str, dict] = {}
    start = time.perf_counter()
    graph = Graph()
    graph.parse(str(corpus), format="turtle")
    figures["build"] = {"seconds": [time.perf_counter() - start], "check": {"triples": len(graph)}}
    country = {"country": URIRef(COUNTRY_IRI)}
    for operation in operations:
        if operation not in RDFLIB_QUERIES:
            continue
        found = figures[operation] = {"seconds": [], "check": {}}
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                with time_limit(limit):
                    found["check"] = RDFLIB_QUERIES[operation](graph, country)
            except TimeLimit:
                found["over_s"] = limit
                break
            found["seconds"].append(time.perf_counter() - start)
    return figures

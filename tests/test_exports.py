"""Exports, read back with independent readers: igraph and networkx for GraphML, networkx for
GEXF, Python's csv for CSV, rdflib and pyoxigraph for RDF. Content is checked against the paper
(exp-tj-anti-drug-centre: Tajikistan's proposal for an SCO anti-drug centre in Dushanbe, p. 99
note 3, 2019-04-26) and across networks, not just that a file exists."""

from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date

import igraph
import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from scograph import exports as x
from scograph.cli import app
from scograph.errors import UsageError

from . import exports_reference as ref
from .conftest import DATA

ENTITY = "https://w3id.org/scograph/id/"
NETWORKS = [n.value for n in x.NetworkName]
CENTRE = "exp-tj-anti-drug-centre"
CENTRE_SOURCE = "src-inforos-2019-tajikistan-sco-vision"
MEMBERS = {"kg", "kz", "tj", "uz"}
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def expected(graph, name, **filters):
    """The network as the library builds it: nodes and edges with their typed attributes."""
    network = x.build_network(graph, name, x.Filters(**filters) if filters else None)
    return network, {n.id: n for n in network.nodes()}, list(network.edges())


def export_file(graph, tmp_path, fmt, network=None, **kwargs):
    path = tmp_path / f"{network or 'claims'}.{fmt}"
    result = x.export(graph, fmt, network, output=path, **kwargs)
    assert result.paths == (path,) and path.is_file()
    return path


def same_value(read, wanted) -> bool:
    if isinstance(wanted, float) or isinstance(read, float):
        return math.isclose(float(read), float(wanted))
    return read == wanted


def missing(read) -> bool:
    return read in ("", None) or (isinstance(read, float) and math.isnan(read))


# --------------------------------------------------------------------- GraphML


@pytest.mark.parametrize("name", NETWORKS)
def test_graphml_reads_back_in_igraph_with_every_attribute(graph, tmp_path, name):
    network, nodes, edges = expected(graph, name)
    path = export_file(graph, tmp_path, "graphml", name)
    read = igraph.Graph.Read_GraphML(str(path))
    assert (read.vcount(), read.ecount()) == (len(nodes), len(edges)) and read.vcount() > 0
    assert read.is_directed() == network.directed
    declared = {a.name for a in network.node_attributes}
    assert declared | {"id"} == set(read.vs.attributes())
    for vertex in read.vs:
        node = nodes[vertex["id"]]
        for attribute in declared:
            if attribute in node.attrs:
                assert same_value(vertex[attribute], node.attrs[attribute]), (vertex["id"], attribute)
            else:
                assert missing(vertex[attribute]), (vertex["id"], attribute)
    ids = read.vs["id"]
    read_edges = sorted((ids[e.source], ids[e.target], e["relation"], e["weight"]) for e in read.es)
    wanted_edges = sorted((e.source, e.target, e.attrs["relation"], e.attrs["weight"]) for e in edges)
    if not network.directed:  # igraph may store an undirected edge either way round
        read_edges = sorted((*sorted(t[:2]), *t[2:]) for t in read_edges)
        wanted_edges = sorted((*sorted(t[:2]), *t[2:]) for t in wanted_edges)
    assert read_edges == wanted_edges


@pytest.mark.parametrize("name", NETWORKS)
def test_graphml_reads_back_in_networkx_typed(graph, tmp_path, name):
    network, nodes, edges = expected(graph, name)
    read = nx.read_graphml(export_file(graph, tmp_path, "graphml", name))
    assert read.number_of_nodes() == len(nodes) and read.number_of_edges() == len(edges)
    for node_id, data in read.nodes(data=True):
        assert data == nodes[node_id].attrs
    if name in ("actor-theme", "actor-congruence", "theme-cooccurrence"):
        for source, target, data in read.edges(data=True):
            wanted = next(e.attrs for e in edges if {e.source, e.target} == {source, target})
            assert {k: v for k, v in data.items() if k != "id"} == wanted


def test_graphml_declares_every_key_with_a_type_and_holds_only_scalars(graph, tmp_path):
    root = ET.parse(export_file(graph, tmp_path, "graphml", "full")).getroot()
    keys = {k.get("id"): k for k in root.iter(f"{GRAPHML}key")}
    assert {k.get("attr.type") for k in keys.values()} <= {"string", "int", "double", "boolean"}
    assert {(k.get("for"), k.get("attr.name")) for k in keys.values()} >= {
        ("node", "label"), ("node", "label_zh"), ("node", "type"), ("node", "country"), ("node", "domain"),
        ("node", "level"), ("node", "page"), ("edge", "label"), ("edge", "relation"), ("edge", "weight")}
    for data in root.iter(f"{GRAPHML}data"):
        key = keys[data.get("key")]
        text = data.text or ""
        assert not (text.startswith(("[", "(", "{")) and text.endswith(("]", ")", "}"))), text
        if key.get("attr.type") == "int":
            int(text)
        elif key.get("attr.type") == "double":
            float(text)


def test_the_anti_drug_centre_is_in_the_graphml_as_the_paper_has_it(graph, tmp_path):
    read = igraph.Graph.Read_GraphML(str(export_file(graph, tmp_path, "graphml", "full")))
    centre = read.vs.find(id=CENTRE)
    assert centre["label"] == ("It is urgently necessary to implement Tajikistan's proposal to set up an SCO "
                               "anti-drug centre in Dushanbe")
    assert "杜尚别设立上合组织禁毒中心" in centre["label_zh"]
    assert (centre["type"], centre["country"], centre["domain"], int(centre["page"]), centre["date"]) == (
        "expectation", "TJ", "security", 99, "2019-04-26")
    out = {(read.vs[e.target]["id"], e["relation"]) for e in read.es.select(_source=centre.index)}
    assert {("tj", "holder"), ("theme-drugs", "theme"), ("drv-afghan-drug-trafficking", "shapedBy")} <= out


def test_graphml_writer_removes_characters_xml_forbids_and_escapes_markup(tmp_path):
    hostile = "a\x00b\x01c\x0bd\ufffee <&> \"quoted\" 'single'\ttab"
    nodes = [x.Node("n1", {"label": hostile, "page": 7, "share": 0.5, "flag": True}), x.Node("n&2", {"label": "二"})]
    edges = [x.Edge("n1", "n&2", {"label": "r<1>", "weight": 2.0})]
    network = x.Network.of("hostile", True, nodes, edges)
    path = tmp_path / "hostile.graphml"
    with path.open("w", encoding="utf-8") as out:
        assert x.write_graphml(network, out) == (2, 1)
    read = nx.read_graphml(path)
    assert read.nodes["n1"] == {"label": "abcde <&> \"quoted\" 'single'\ttab", "page": 7, "share": 0.5, "flag": True}
    assert read.edges["n1", "n&2"] == {"id": "e0", "label": "r<1>", "weight": 2.0}
    gexf = tmp_path / "hostile.gexf"
    with gexf.open("w", encoding="utf-8") as out:
        x.write_gexf(network, out)
    assert nx.read_gexf(gexf).nodes["n1"]["label"] == "abcde <&> \"quoted\" 'single'\ttab"


def test_graphml_export_is_the_same_every_time(graph):
    first, second = io.StringIO(), io.StringIO()
    x.export(graph, "graphml", "full", stream=first)
    x.export(graph, "graphml", "full", stream=second)
    assert first.getvalue() == second.getvalue()


# --------------------------------------------------------------------- GEXF


@pytest.mark.parametrize("name", NETWORKS)
def test_gexf_reads_back_in_networkx_with_viz_and_attributes(graph, tmp_path, name):
    network, nodes, edges = expected(graph, name)
    read = nx.read_gexf(export_file(graph, tmp_path, "gexf", name))
    assert read.number_of_nodes() == len(nodes) and read.number_of_edges() == len(edges)
    assert read.is_directed() == network.directed
    degrees = network.degrees()
    for node_id, data in read.nodes(data=True):
        node = nodes[node_id]
        viz = data.pop("viz")
        assert tuple(viz["color"][c] for c in "rgb") == x.NODE_COLOURS[node.attrs["type"]]
        assert viz["size"] == x.node_size(degrees[node_id])
        assert (data.pop("start", None), data.pop("end", None)) == (node.interval or (None, None))
        assert data == node.attrs
    weights = sorted(d["weight"] for *_, d in read.edges(data=True))
    assert weights == sorted(e.attrs["weight"] for e in edges)


def test_gexf_colours_types_apart_sizes_hubs_and_dates_statements(graph, tmp_path):
    read = nx.read_gexf(export_file(graph, tmp_path, "gexf", "full"))
    assert read.graph["mode"] == "dynamic"
    colours = {d["type"]: tuple(d["viz"]["color"][c] for c in "rgb") for _, d in read.nodes(data=True)}
    assert len(set(colours.values())) == len(colours) >= 10
    centre = read.nodes[CENTRE]
    assert (centre["start"], centre["end"]) == ("2019-04-26", "2019-04-26")
    assert read.degree("tj") > read.degree(CENTRE)
    assert read.nodes["tj"]["viz"]["size"] > centre["viz"]["size"]


def test_gexf_edges_of_aggregate_networks_span_their_statements(graph, tmp_path):
    read = nx.read_gexf(export_file(graph, tmp_path, "gexf", "actor-theme", filters=x.Filters(country="TJ", since="2019")))
    edge = read.edges["tj", "theme-drugs"]
    assert CENTRE in edge["expectations"].split("; ")
    dated = [e for e in graph.claims.expectations if e.id in edge["expectations"].split("; ")]
    assert edge["start"] == min(x.date_span(e.date)[0] for e in dated).isoformat()
    assert edge["end"] == max(x.date_span(e.date)[1] for e in dated).isoformat()


# --------------------------------------------------------------------- the networks' content


def own_and_group_themes(graph, group_demands=True) -> dict[str, set[str]]:
    themes: dict[str, set[str]] = defaultdict(set)
    for expectation in graph.claims.expectations:
        holder = graph.by_id[expectation.holder]
        states = [holder.id] if holder.kind.value == "state" else (holder.members if group_demands else [])
        for state in states:
            themes[state].update(expectation.themes)
    return themes


def test_chains_hold_only_drivers_expectations_and_responses(graph, tmp_path):
    read = nx.read_gexf(export_file(graph, tmp_path, "gexf", "chains"))
    assert {d["type"] for _, d in read.nodes(data=True)} == {"driver", "expectation", "response"}
    assert read.has_edge(CENTRE, "drv-afghan-drug-trafficking")
    assert {d["relation"] for *_, d in read.edges(data=True)} >= {"shapedBy", "addresses", "refines"}
    expectations = {n for n, d in read.nodes(data=True) if d["type"] == "expectation"}
    assert expectations == {e.id for e in graph.claims.expectations}


def projected_chains(graph, filters=None):
    """The chains network as the networkx projection gives it: the reference the store's must equal."""
    source = graph.network
    chain_nodes = {n for n, kind in source.nodes(data="type") if kind in ("driver", "expectation", "response")}
    if filters is None:
        return ref.projection(graph, "chains", chain_nodes)
    selected = {e.id for e in x.select_statements(graph, filters)}
    near = set(selected)
    for node in selected:
        near.update(t for _, t, r in source.out_edges(node, data="relation") if r == "shapedBy")
        near.update(s for s, _, r in source.in_edges(node, data="relation") if r == "addresses")
    others = {e.id for e in graph.claims.expectations} - selected
    return ref.projection(graph, "chains", (ref.with_broader(source, near) & chain_nodes) - others)


CHAIN_FILTERS = [None, dict(country="TJ"), dict(country="塔吉克斯坦", since="2019"), dict(domain="安全", group_demands=False),
                 dict(group_demands=False), dict(domain="economic", until="2019-03"),
                 dict(since="2019-04-26", until="2019-04-26"), dict(country="kz", since="2015", until="2019-06")]


@pytest.mark.slow
@pytest.mark.parametrize("filters", CHAIN_FILTERS)
def test_chains_read_from_the_store_are_the_projections_chains(graph, coarse_dates, filters):
    """The chains network comes from SPARQL over the store; the projection of the whole graph must
    give the same nodes, attributes, intervals, links and schema, so that the two cannot drift."""
    for claims in (graph, coarse_dates):
        chosen = x.Filters(**filters) if filters else None
        built, reference = x.chains_network(claims, chosen), projected_chains(claims, chosen)
        assert (built.name, built.directed) == (reference.name, reference.directed)
        assert built.node_attributes == reference.node_attributes
        assert built.edge_attributes == reference.edge_attributes
        assert list(built.nodes()) == list(reference.nodes())
        assert list(built.edges()) == list(reference.edges())
        assert filters or len(list(built.nodes())) > 100 and len(list(built.edges())) > 200


def test_chains_need_neither_rdflib_nor_the_typed_objects(private_cache):
    from scograph.graph import ClaimsGraph

    fresh = ClaimsGraph.load(DATA)
    for filters in (None, x.Filters(country="TJ", domain="security", since="2019", group_demands=False)):
        assert len(list(x.chains_network(fresh, filters).nodes())) > 0
    assert fresh._rdf is None and fresh._claims is None and "network" not in vars(fresh)


def test_actor_theme_is_two_mode_and_counts_group_demands_for_each_member(graph, tmp_path):
    prefix = tmp_path / "at"
    x.export(graph, "csv", "actor-theme", output=prefix)
    nodes = {r["Id"]: r for r in csv.DictReader((tmp_path / "at-nodes.csv").open(encoding="utf-8"))}
    edges = list(csv.DictReader((tmp_path / "at-edges.csv").open(encoding="utf-8")))
    assert {r["type"] for r in nodes.values()} == {"actor", "theme"}
    assert {r["Id"] for r in nodes.values() if r["type"] == "actor"} == MEMBERS
    for edge in edges:
        assert (nodes[edge["Source"]]["type"], nodes[edge["Target"]]["type"]) == ("actor", "theme")
        assert edge["Type"] == "Undirected" and edge["relation"] == "demands"
        assert float(edge["Weight"]) == len(edge["expectations"].split("; "))
    weight = {(e["Source"], e["Target"]): float(e["Weight"]) for e in edges}
    tj_drugs = [e for e in graph.claims.expectations if "theme-drugs" in e.themes
                and (e.holder == "tj" or "tj" in getattr(graph.by_id[e.holder], "members", []))]
    assert CENTRE in {e.id for e in tj_drugs} and weight["tj", "theme-drugs"] == len(tj_drugs)
    group = next(e for e in graph.claims.expectations if e.holder == "ca-members")
    for state in MEMBERS:
        assert (state, group.themes[0]) in weight


@pytest.mark.parametrize("normalize", ["none", "jaccard", "cosine"])
def test_actor_congruence_weights_follow_the_states_theme_sets(graph, tmp_path, normalize):
    for group_demands in (True, False):
        path = tmp_path / f"ac-{normalize}-{group_demands}.graphml"
        x.export(graph, "graphml", "actor-congruence", normalize=normalize, output=path,
                 filters=x.Filters(group_demands=group_demands))
        read = igraph.Graph.Read_GraphML(str(path))
        assert not read.is_directed() and set(read.vs["id"]) == MEMBERS
        themes = own_and_group_themes(graph, group_demands)
        for edge in read.es:
            a, b = read.vs[edge.source]["id"], read.vs[edge.target]["id"]
            shared = themes[a] & themes[b]
            assert set(edge["themes"].split("; ")) == shared and edge["shared"] == len(shared)
            wanted = {"none": len(shared), "jaccard": len(shared) / len(themes[a] | themes[b]),
                      "cosine": len(shared) / math.sqrt(len(themes[a]) * len(themes[b]))}[normalize]
            assert math.isclose(edge["weight"], wanted, abs_tol=1e-6)
            assert edge["relation"] == "congruence"


def test_actor_congruence_country_keeps_that_states_links(graph, tmp_path):
    read = igraph.Graph.Read_GraphML(str(export_file(graph, tmp_path, "graphml", "actor-congruence",
                                                     filters=x.Filters(country="塔吉克斯坦"))))
    ids = read.vs["id"]
    assert "tj" in ids and read.ecount() == len(ids) - 1
    assert all("tj" in (ids[e.source], ids[e.target]) for e in read.es)


def test_theme_cooccurrence_counts_demands_carrying_both_themes(graph, tmp_path):
    statements = list(csv.DictReader(io.StringIO(_statements_text(graph))))
    pairs: dict[frozenset, int] = defaultdict(int)
    for row in statements:
        themes = sorted(row["themes"].split("; "))
        for i, a in enumerate(themes):
            for b in themes[i + 1:]:
                pairs[frozenset((a, b))] += 1
    read = nx.read_gexf(export_file(graph, tmp_path, "gexf", "theme-cooccurrence"))
    assert {frozenset(e): d["weight"] for *e, d in read.edges(data=True)} == pairs
    assert all(d["type"] == "theme" for _, d in read.nodes(data=True))


# --------------------------------------------------------------------- filters


@pytest.fixture(scope="module")
def coarse_dates(graph, tmp_path_factory):
    """The real claims with two statements dated coarser: the centre to April 2019, the strategy to 2019."""
    from scograph.graph import ClaimsGraph
    from scograph.model import Claims
    from scograph.rdf.mapping import claims_to_turtle

    coarser = {CENTRE: "2019-04", "exp-tj-anti-drug-strategy": "2019"}
    claims = graph.claims

    def coarsen(expectation):  # the record's date, and that of the quotes that carry it
        when = coarser[expectation.id]
        evidence = [e.model_copy(update={"date": when}) if e.date == expectation.date else e for e in expectation.evidence]
        return expectation.model_copy(update={"date": when, "evidence": evidence})

    expectations = [coarsen(e) if e.id in coarser else e for e in claims.expectations]
    path = tmp_path_factory.mktemp("coarse") / "claims.ttl"
    path.write_text(claims_to_turtle(Claims(**{**dict(claims), "expectations": expectations})), encoding="utf-8")
    return ClaimsGraph.load(path)


def test_partial_dates_stand_for_their_span_and_filters_take_overlap(graph, coarse_dates, tmp_path):
    from scograph import inputs
    from scograph.model import DATE_PATTERN

    assert inputs._DATE.pattern == DATE_PATTERN  # the dates the model accepts are the dates the filters take
    assert x.date_span("2019") == (date(2019, 1, 1), date(2019, 12, 31))
    assert x.date_span("2020-02") == (date(2020, 2, 1), date(2020, 2, 29))
    assert x.date_span("2019-04-26") == (date(2019, 4, 26), date(2019, 4, 26))

    def ids(claims=coarse_dates, **filters):
        return {e.id for e in x.select_statements(claims, x.Filters(**filters))}

    assert {CENTRE, "exp-tj-anti-drug-strategy"} <= ids(since="2019-04-27", until="2019-04-30")
    assert CENTRE not in ids(until="2019-03") and "exp-tj-anti-drug-strategy" in ids(until="2019-03")
    assert CENTRE not in ids(since="2019-05") and "exp-tj-anti-drug-strategy" in ids(since="2019-05")
    assert CENTRE in ids(graph, since="2019-04-26", until="2019-04-26")
    assert CENTRE not in ids(graph, since="2019-04-27")
    undated = {e.id for e in graph.claims.expectations if e.date is None}
    assert undated and not undated & ids(graph, since="1900")
    # In GEXF a coarse date spans its month or year, for Gephi's timeline.
    read = nx.read_gexf(export_file(coarse_dates, tmp_path, "gexf", "full"))
    assert (read.nodes[CENTRE]["start"], read.nodes[CENTRE]["end"]) == ("2019-04-01", "2019-04-30")
    strategy = read.nodes["exp-tj-anti-drug-strategy"]
    assert (strategy["date"], strategy["start"], strategy["end"]) == ("2019", "2019-01-01", "2019-12-31")


@pytest.mark.parametrize("filters,message", [
    (dict(since="2019-13"), "invalid date '2019-13'"),
    (dict(since="2019-02-30"), "February 2019 has 28 days"),
    (dict(since="2019-06", until="2019-05"), "comes after"),
    (dict(country="Atlantis"), "unknown country 'Atlantis'"),
    (dict(domain="sport"), "unknown domain 'sport'"),
])
def test_bad_filters_are_usage_errors(graph, filters, message):
    with pytest.raises(UsageError, match=message):
        x.build_network(graph, "actor-theme", x.Filters(**filters))


def test_filters_keep_the_selected_statements_and_what_they_refer_to(graph, tmp_path):
    read = nx.read_graphml(export_file(graph, tmp_path, "graphml", "full", filters=x.Filters(country="TJ")))
    expectations = {n for n, d in read.nodes(data=True) if d["type"] == "expectation"}
    assert CENTRE in expectations and any(n.startswith("exp-ca-") for n in expectations)
    assert not any(n.startswith(("exp-kz-", "exp-kg-", "exp-uz-")) for n in expectations)
    assert {"tj", "theme-drugs", "drv-afghan-drug-trafficking", "ini-sco-anti-drug-centre"} <= set(read)
    assert "drv-afghanistan" in read  # the broader driver the Afghan drivers refine
    security = nx.read_gexf(export_file(graph, tmp_path, "gexf", "chains",
                                        filters=x.Filters(domain="安全", group_demands=False)))
    assert all(d["domain"] == "security" for _, d in security.nodes(data=True) if d["type"] == "expectation")
    assert not any(n.startswith("exp-ca-") for n in security)


# --------------------------------------------------------------------- CSV


def test_csv_writes_a_nodes_and_an_edges_file_for_gephi(graph, tmp_path):
    result = x.export(graph, "csv", "full", output=tmp_path / "full.csv")
    assert result.paths == (tmp_path / "full-nodes.csv", tmp_path / "full-edges.csv")
    nodes = list(csv.DictReader(result.paths[0].open(encoding="utf-8")))
    edges = list(csv.DictReader(result.paths[1].open(encoding="utf-8")))
    assert (len(nodes), len(edges)) == (graph.network.number_of_nodes(), graph.network.number_of_edges())
    assert list(nodes[0])[:4] == ["Id", "Label", "label_zh", "type"]
    assert list(edges[0])[:7] == ["Source", "Target", "Type", "Kind", "Id", "Label", "relation"]
    assert all(e["Kind"] == e["relation"] for e in edges)
    centre = next(r for r in nodes if r["Id"] == CENTRE)
    assert (centre["type"], centre["country"], centre["page"], centre["date"]) == ("expectation", "TJ", "99", "2019-04-26")
    ids = {r["Id"] for r in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids and e["Type"] == "Directed" for e in edges)
    assert {e["Weight"] for e in edges} == {"1.0"}


def _statements_text(graph, **filters) -> str:
    out = io.StringIO()
    x.export(graph, "statements", filters=x.Filters(**filters) if filters else None, stream=out)
    return out.getvalue()


def test_statement_table_has_one_row_per_demand_with_every_coding_attribute(graph):
    rows = list(csv.DictReader(io.StringIO(_statements_text(graph))))
    demands = [r for r in rows if r["statement"] == "demand"]
    assert len(demands) == len(graph.claims.expectations)
    assert list(rows[0]) == x.STATEMENT_COLUMNS
    centre = next(r for r in rows if r["id"] == CENTRE)
    assert (centre["country"], centre["date"], centre["domain"], centre["page"], centre["footnote"]) == (
        "TJ", "2019-04-26", "security", "99", "p. 99 note 3")
    assert "theme-drugs" in centre["themes"].split("; ") and "ini-sco-anti-drug-centre" in centre["initiatives"]
    assert "在杜尚别设立上合组织禁毒中心" in centre["quote"]
    assert centre["source"] == CENTRE_SOURCE and centre["url"].startswith("http")
    group = next(r for r in rows if r["holder"] == "ca-members")
    assert (group["country"], group["countries"]) == ("", "KG; KZ; TJ; UZ")
    tj = list(csv.DictReader(io.StringIO(_statements_text(graph, country="TJ", group_demands=False))))
    assert tj and {r["country"] for r in tj if r["statement"] == "demand"} == {"TJ"}
    assert {r["stance"] for r in demands} <= {"supports", "opposes", "concerned"}
    assert next(r for r in rows if r["id"] == "exp-ca-no-chinese-dominance")["stance"] == "opposes"
    # One voice per quote, in the quotes' order: the speaker's words say whose they are.
    assert centre["voice"] == "reported: tj" and len(centre["voice"].split("\n")) == len(centre["quote"].split("\n"))


def test_statement_table_holds_the_authors_findings_after_the_demands(graph):
    rows = list(csv.DictReader(io.StringIO(_statements_text(graph))))
    findings = [r for r in rows if r["statement"] == "finding"]
    assert [r["id"] for r in findings] == sorted(f.id for f in graph.claims.findings) and findings
    assert rows[-len(findings):] == findings
    for row in findings:
        finding = graph.by_id[row["id"]]
        assert (row["kind"], row["stance"], row["about"].split("; ")) == (
            finding.kind.value, finding.stance.value, finding.about)
        assert row["holder"] == row["speaker"] == row["domain"] == row["date"] == ""
    # A finding about a group counts for each member, as a group's demand does; a domain or a date leaves it out.
    tj = {r["id"] for r in csv.DictReader(io.StringIO(_statements_text(graph, country="TJ")))
          if r["statement"] == "finding"}
    assert tj == {f["id"] for f in graph.findings(country="TJ")}
    assert not [r for r in csv.DictReader(io.StringIO(_statements_text(graph, domain="security")))
                if r["statement"] == "finding"]


# --------------------------------------------------------------------- RDF


def _decimals(triples) -> list[str]:
    from rdflib import Literal
    from rdflib.namespace import XSD

    return sorted(str(o) for _, _, o in triples if isinstance(o, Literal) and o.datatype == XSD.decimal)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6) | st.floats(allow_nan=False, allow_infinity=False,
                                                                               min_value=-1e12, max_value=1e12))
def test_the_mapping_spells_a_decimal_as_oxigraph_keeps_it(value):
    from decimal import Decimal

    from scograph.rdf.turtle import decimal_lexical

    text = decimal_lexical(value)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"),
                      ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))))
    kept = next(iter(store)).object.value
    assert kept == text and Decimal(text) == (value if isinstance(value, Decimal) else Decimal(repr(value)))


@pytest.mark.slow
def test_every_rdf_format_spells_each_decimal_as_the_engine_does(graph, tmp_path):
    """One lexical form per xsd:decimal (``10``, ``-27.7``), so that the formats are isomorphic term for term."""
    from scograph.rdf.turtle import decimal_lexical

    engine = _decimals(Graph().parse(data=graph.store.ntriples(), format="nt"))
    assert engine and all(value == decimal_lexical(value) for value in engine) and "10" in engine
    for fmt, rdflib_format in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("trig", "trig")):
        parsed = Dataset().parse(export_file(graph, tmp_path, fmt), format=rdflib_format)
        assert _decimals({(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, None))}) == engine, fmt
    assert _decimals(Graph().parse(DATA, format="turtle")) == engine  # the built file too


@pytest.mark.slow
def test_turtle_and_ntriples_are_the_claims_graph(graph, tmp_path):
    for fmt, rdflib_format, ox_format in (("ttl", "turtle", ox.RdfFormat.TURTLE), ("nt", "nt", ox.RdfFormat.N_TRIPLES)):
        path = export_file(graph, tmp_path, fmt)
        assert isomorphic(Graph().parse(path, format=rdflib_format), graph.rdf)
        store = ox.Store()
        store.load(path=str(path), format=ox_format)
        assert len(store) == len(graph.rdf)


@pytest.mark.slow
def test_jsonld_is_the_claims_graph_and_reads_as_plain_json(graph, tmp_path):
    path = export_file(graph, tmp_path, "jsonld")
    assert isomorphic(Graph().parse(path, format="json-ld"), graph.rdf)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.JSON_LD)
    assert len(store) == len(graph.rdf)
    document = json.loads(path.read_text(encoding="utf-8"))
    items = {item["id"]: item for item in document["@graph"]}
    centre = items[f"scoid:{CENTRE}"]
    assert centre["type"] == "Expectation" and centre["domain"] == "security" and centre["holder"] == "scoid:tj"
    assert centre["label"]["en"].startswith("It is urgently necessary to implement Tajikistan's proposal") and "禁毒中心" in centre["label"]["zh"]
    assert centre["theme"] == ["scoid:theme-drugs"]  # a property that may hold several values is always a list
    evidence = [items[e] for e in centre["evidence"]]
    assert any(e["page"] == 99 and e["footnote"] == 3 and e["citedSource"] == f"scoid:{CENTRE_SOURCE}" for e in evidence)


@pytest.mark.slow
def test_trig_has_one_named_graph_per_source_in_rdflib_and_oxigraph(graph, tmp_path):
    path = export_file(graph, tmp_path, "trig")
    dataset = Dataset()
    dataset.parse(path, format="trig")
    quads = list(dataset.quads((None, None, None, None)))
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TRIG)
    assert len(store) == len(quads) >= len(graph.rdf)
    union = Graph()
    for s, p, o, _ in quads:
        union.add((s, p, o))
    assert isomorphic(union, graph.rdf)
    names = {str(q[3]) for q in quads}
    assert f"{ENTITY}chen-zeng-2019" in names and f"{ENTITY}{CENTRE_SOURCE}" in names
    source = dataset.graph(URIRef(f"{ENTITY}{CENTRE_SOURCE}"))
    paper = dataset.graph(URIRef(f"{ENTITY}chen-zeng-2019"))
    centre = URIRef(f"{ENTITY}{CENTRE}")
    quotes = [str(q) for ev in source.objects(centre, URIRef("https://w3id.org/scograph/vocab#evidence"))
              for q in source.objects(ev, URIRef("https://w3id.org/scograph/vocab#quote"))]
    assert any("禁毒中心" in q for q in quotes)
    # The quote's Web Annotation target and its selector go with the quote, never to the default graph.
    oa = "http://www.w3.org/ns/oa#"
    targets = [t for ev in source.objects(centre, URIRef("https://w3id.org/scograph/vocab#evidence"))
               for t in source.objects(ev, URIRef(oa + "hasTarget"))]
    assert targets and all(any(source.objects(source.value(t, URIRef(oa + "hasSelector")), URIRef(oa + "exact")))
                           for t in targets)
    assert not any(dataset.default_graph.triples((None, URIRef(oa + "exact"), None)))
    assert (centre, URIRef("https://w3id.org/scograph/vocab#holder"), URIRef(f"{ENTITY}tj")) in paper
    oxigraph_graphs = {q.graph_name.value for q in store if isinstance(q.graph_name, ox.NamedNode)}
    assert oxigraph_graphs == names - {str(dataset.default_graph.identifier)}


# --------------------------------------------------------------------- the command


def run(runner, *args):
    result = runner.invoke(app, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_cli_writes_to_stdout_and_only_results_there(runner):
    code, out, err = run(runner, "--format", "graphml", "--network", "actor-congruence", "--normalize", "jaccard")
    assert (code, err) == (0, "")
    read = nx.read_graphml(io.BytesIO(out.encode("utf-8")))
    assert set(read) == MEMBERS and all(0 < d["weight"] <= 1 for *_, d in read.edges(data=True))
    code, out, err = run(runner, "-f", "statements", "--country", "TJ", "--domain", "security")
    assert code == 0 and err == ""
    assert CENTRE in {r["id"] for r in csv.DictReader(io.StringIO(out))}


@pytest.mark.slow
def test_cli_writes_files_atomically_and_reports_on_stderr(runner, tmp_path):
    target = tmp_path / "tj.gexf"
    code, out, err = run(runner, "-f", "gexf", "-n", "chains", "--country", "TJ", "-o", str(target))
    assert (code, out) == (0, "") and err.startswith(f"wrote {target} (chains network: ")
    assert CENTRE in nx.read_gexf(target)
    assert [p.name for p in tmp_path.iterdir()] == ["tj.gexf"]
    code, out, err = run(runner, "-f", "csv", "-n", "theme-cooccurrence", "-o", str(tmp_path / "themes"))
    assert code == 0 and "themes-nodes.csv" in err and (tmp_path / "themes-edges.csv").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("args,message", [
    (["-f", "csv"], "give -o PREFIX"),
    (["-f", "ttl", "-n", "chains"], "--network applies to the network formats (graphml, gexf, csv), not ttl"),
    (["-f", "statements", "-n", "full"], "not statements"),
    (["-f", "trig", "--country", "TJ"], "exports the whole RDF graph"),
    (["-f", "gexf", "-n", "actor-theme", "--normalize", "jaccard"], "--network actor-congruence only"),
    (["-f", "gexf", "--since", "2019-4"], "invalid date '2019-4'; use YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_cli_bad_combinations_are_one_line_usage_errors(runner, args, message):
    code, out, err = run(runner, *args)
    assert (code, out) == (2, "")
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


@pytest.mark.slow
def test_cli_unwritable_output_is_a_file_error(runner):
    code, out, err = run(runner, "-f", "graphml", "-o", "/nonexistent-dir/x.graphml")
    assert (code, out) == (3, "") and err == "Error: cannot write /nonexistent-dir/x.graphml: No such file or directory\n"


def test_cli_rejects_unknown_formats_and_networks_naming_the_choices(runner):
    code, _, err = run(runner, "-f", "pajek")
    assert code == 2 and "graphml" in err and "trig" in err
    code, _, err = run(runner, "-f", "gexf", "-n", "actor-person")
    assert code == 2 and "actor-congruence" in err and "theme-cooccurrence" in err


# --------------------------------------------------------------------- one data path: the store


EXPORT_FILTERS = [None, dict(country="TJ"), dict(country="KZ", domain="security"), dict(since="2018", until="2021-06"),
                  dict(group_demands=False), dict(country="塔吉克斯坦", group_demands=False, since="2015")]
STATEMENT_NETWORKS = [("full", None), ("actor-theme", None), ("actor-congruence", None),
                      ("actor-congruence", "jaccard"), ("actor-congruence", "cosine"), ("theme-cooccurrence", None)]


def written(network: x.Network) -> dict[str, str]:
    """A network in every network format, as text."""
    texts = {}
    for fmt, writer in (("graphml", x.write_graphml), ("gexf", x.write_gexf), ("nodes", x.write_nodes_csv),
                        ("edges", x.write_edges_csv)):
        out = io.StringIO()
        writer(network, out)
        texts[fmt] = out.getvalue()
    return texts


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A synthetic corpus of four papers, loaded: other holders, themes and dates than the paper's."""
    from scograph.graph import ClaimsGraph
    from scograph.synth import write_corpus_file

    path = tmp_path_factory.mktemp("synth") / "synth.ttl"
    write_corpus_file(path, 4, seed=3)
    return ClaimsGraph.load(path)


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["graph", "synthetic"])
def test_exports_read_from_the_store_equal_those_of_the_typed_objects(request, corpus):
    """Every network, each format, and the statement table, with and without filters: the bytes the
    store-read exports write are those the typed objects and the networkx projection give."""
    graph = request.getfixturevalue(corpus)
    for filters in EXPORT_FILTERS:
        chosen = x.Filters(**filters) if filters else None
        for name, normalize in STATEMENT_NETWORKS:
            built = x.build_network(graph, name, chosen, normalize)
            assert written(built) == written(ref.build(graph, name, chosen, normalize)), (name, normalize, filters)
        out, expected_out = io.StringIO(), io.StringIO()
        x.write_statements(x.statement_rows(graph, chosen), out)
        x.write_statements(ref.statement_rows(graph, chosen), expected_out)
        assert out.getvalue() == expected_out.getvalue(), filters


def test_exports_need_neither_rdflib_nor_pydantic():
    """Each network and the statement table, in a fresh process: SPARQL over the store, no typed objects."""
    import subprocess
    import sys

    code = ("import io, sys\n"
            "from scograph import ClaimsGraph\n"
            "from scograph.exports import Filters, export\n"
            "graph = ClaimsGraph.load()\n"
            "for network in ('full', 'chains', 'actor-theme', 'actor-congruence', 'theme-cooccurrence'):\n"
            "    for filters in (None, Filters(country='TJ', since='2019')):\n"
            "        export(graph, 'gexf', network, filters=filters, stream=io.StringIO())\n"
            "export(graph, 'statements', filters=Filters(domain='security'), stream=io.StringIO())\n"
            "print(sorted(m for m in ('rdflib', 'pydantic', 'scograph.model') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"

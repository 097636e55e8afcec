"""The named SPARQL queries: headers, parameters, two engines agreeing, known answers from the paper, the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from decimal import Decimal

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import prepareQuery
from rdflib.util import from_n3

from scograph import model as m
from scograph import queries
from scograph.checks.quotes import iter_evidence
from scograph.cli import app
from scograph.errors import DataFileError, UsageError
from scograph.graph import ClaimsGraph
from scograph.queries import ResultFormat, SparqlSyntaxError
from scograph.terms import ENTITY, SCO, XSD

from .conftest import DATA, ROOT

NAMED = queries.named_queries()
NAMES = [q.name for q in NAMED]

# Every named query with the parameters it needs, and variants that exercise each parameter.
CASES = [
    ("actor-profile", {"actor": "uz"}),
    ("actor-profile", {"actor": "mirziyoyev", "lang": "zh"}),
    ("chains", {}),
    ("chains", {"country": "TJ"}),
    ("chains", {"country": "KZ", "domain": "economic"}),
    ("chains-from-driver", {}),
    ("chains-from-driver", {"driver": "drv-domestic-politics"}),
    ("country-responses", {}),
    ("country-responses", {"country": "KG"}),
    ("demands-by-country", {}),
    ("demands-by-country", {"country": "Kazakhstan", "domain": "political", "lang": "*"}),
    ("demands-by-domain", {}),
    ("demands-by-domain", {"domain": "经济", "lang": "zh"}),
    ("describe-entity", {"entity": "exp-tj-anti-drug-centre"}),
    ("describe-entity", {"entity": "rsp-afghanistan-response-capacity"}),
    ("drivers-by-level", {}),
    ("drivers-by-level", {"level": "international"}),
    ("figures", {}),
    ("figures", {"subject": "KG"}),
    ("findings", {}),
    ("findings", {"country": "TJ", "lang": "zh"}),
    ("footnotes", {}),
    ("footnotes", {"page": "99"}),
    ("four-models", {}),
    ("inferred-links", {}),
    ("inferred-links", {"basis": "stated", "relation": "addresses"}),
    ("initiatives", {}),
    ("quotes-containing", {"text": "禁毒"}),
    ("responses-without-demands", {}),
    ("shared-demands", {}),
    ("shared-demands", {"min": "3"}),
    ("source-backing", {"source": "src-inforos-2019-tajikistan-sco-vision"}),
    ("theme-comparison", {}),
    ("theme-comparison", {"theme": "theme-transport-connectivity"}),
    ("unanswered-demands", {}),
    ("unanswered-demands", {"country": "KG"}),
    ("who-said-what", {}),
    ("who-said-what", {"speaker": "rahmon"}),
]


def run_query(graph, name: str, **params):
    return queries.run(graph, queries.named_query(name), params)


def rows(graph, name: str, **params) -> list[dict[str, str]]:
    """A SELECT result with every term as the table shows it: ids bare, sco:… terms, lexical forms."""
    result = run_query(graph, name, **params)
    return [{k: queries.display(v) for k, v in row.items()} for row in (row.asdict() for row in result)]


def has_row(found: list[dict], **expected) -> bool:
    return any(all(row.get(k) == v for k, v in expected.items()) for row in found)


# ------------------------------------------------------------------------- the library of queries


def test_there_are_at_least_15_named_queries_each_documented_in_its_header():
    assert len(NAMED) >= 15
    assert (ROOT / "queries") == queries.queries_dir()
    for query in NAMED:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", query.name)
        assert query.text.startswith("# title: "), query.name
        assert len(query.title) > 15 and len(query.description) > 80, query.name
        for parameter in query.parameters:
            assert parameter.kind in queries.KINDS and parameter.description, (query.name, parameter.name)


def test_every_case_covers_every_query_and_every_parameter():
    covered = {(name, p) for name, params in CASES for p in params} | {(n, None) for n, _ in CASES}
    for query in NAMED:
        assert (query.name, None) in covered, f"{query.name} is not run by the tests"
        for parameter in query.parameters:
            if parameter.name != "lang":
                assert (query.name, parameter.name) in covered, f"{query.name} ?{parameter.name} is never set"


def test_the_header_gives_title_description_and_typed_parameters():
    text = (
        "# title: Demands of one holder\n"
        "#\n"
        "# What one holder asked for,\n"
        "# in one paragraph.\n"
        "#\n"
        "# param country: country = TJ -- the state\n"
        "# param domain: domain (optional) -- a domain,\n"
        "#     said in two lines\n"
        "# param text: string = \"two words\"\n"
        "# param source: source -- required\n"
        "SELECT * WHERE { ?d <x:holder> ?country ; <x:domain> ?domain ; <x:t> ?text ; <x:s> $source }\n"
    )
    query = queries.query_from_text(text, name="example")
    assert query.title == "Demands of one holder"
    assert query.description == "What one holder asked for, in one paragraph."
    country, domain, words, source = query.parameters
    assert (country.kind, country.default, country.required) == ("country", "TJ", False)
    assert (domain.optional, domain.required, domain.description) == (True, False, "a domain, said in two lines")
    assert words.default == "two words"
    assert source.required and source.summary() == "source"
    assert [p.summary() for p in query.parameters] == ["country=TJ", "domain?", "text=two words", "source"]


@pytest.mark.parametrize("line,message", [
    ("# param country country = TJ", "malformed parameter line"),
    ("# param country: nation = TJ", "unknown parameter kind 'nation'"),
    ("# param missing: string = x", "'missing' is not a variable of the query"),
])
def test_a_bad_header_names_the_file_and_line(line, message):
    with pytest.raises(UsageError, match=re.escape(message)) as error:
        queries.query_from_text(f"# title: t\n{line}\nSELECT ?country WHERE {{ ?country ?p ?o }}\n", name="bad.rq")
    assert str(error.value).startswith("bad.rq")


# ------------------------------------------------------------------------- standard SPARQL: two engines agree


_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


def _normal(kind: str, value: str, lang: str = "", datatype: str = "") -> tuple:
    """A term as both engines must agree on it: numbers by value, other literals by form."""
    if kind != "literal":
        return (kind, value if kind == "iri" else "")  # blank node labels are the engine's own
    if datatype in _NUMERIC:
        return ("number", Decimal(value))
    return ("literal", value, lang.lower(), "" if lang else (datatype or XSD + "string"))


def _from_rdflib(term) -> tuple | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return _normal("iri", str(term))
    if isinstance(term, BNode):
        return _normal("bnode", str(term))
    return _normal("literal", str(term), term.language or "", str(term.datatype or ""))


def _from_oxigraph(term) -> tuple | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return _normal("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return _normal("bnode", term.value)
    return _normal("literal", term.value, term.language or "", term.datatype.value if term.datatype else "")


def _to_rdflib(term):
    """A pyoxigraph term as rdflib's, to check results against rdflib without our own printers."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    plain = term.datatype.value == XSD + "string"
    return Literal(term.value, datatype=None if plain else URIRef(term.datatype.value))


def rdflib_graph(result: queries.Result) -> Graph:
    """A CONSTRUCT or DESCRIBE result as an rdflib Graph."""
    graph = Graph()
    for triple in result.triples:
        graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
    return graph


def rdflib_answer(graph, query, bindings):
    """The query on rdflib, over the whole graph, its parameters given as ``initBindings``."""
    prepared = prepareQuery(query.text, initNs=queries.PREFIXES)
    return graph.rdf.query(prepared, initBindings={name: from_n3(term.n3()) for name, term in bindings.items()})


@pytest.mark.slow
@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}:{','.join(p)}" for n, p in CASES])
def test_oxigraph_and_rdflib_give_the_same_nonempty_answer(graph, name, params):
    # Ours: Oxigraph, parameters in a VALUES block; theirs: rdflib, parameters as initBindings.
    query = queries.named_query(name)
    bindings = queries.bind(query, params, graph)
    ours = queries.run(graph, query, params)
    theirs = rdflib_answer(graph, query, bindings)
    assert ours.form == theirs.type
    if ours.form == "SELECT":
        assert ours.variables == [str(v) for v in theirs.vars]
        mine = sorted((tuple(map(_from_oxigraph, row)) for row in ours.rows), key=repr)
        other = sorted((tuple(_from_rdflib(row.get(v)) for v in ours.variables)
                        for row in ({str(k): t for k, t in b.items()} for b in theirs.bindings)), key=repr)
    else:
        mine = sorted((tuple(map(_from_oxigraph, (t.subject, t.predicate, t.object))) for t in ours.triples), key=repr)
        other = sorted((tuple(map(_from_rdflib, triple)) for triple in theirs.graph), key=repr)
    assert mine, f"{name} {params} has no answer"
    assert mine == other


def test_the_prefixes_are_the_vocabularys():
    from rdflib import Graph

    from scograph.terms import bind_prefixes

    graph = Graph()
    bind_prefixes(graph)
    bound = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    assert queries.PREFIXES == {prefix: bound[prefix] for prefix in queries.PREFIXES}


def test_local_queries_run_on_the_store_never_on_rdflib(private_cache):
    claims = ClaimsGraph.load(DATA)
    for name, params in CASES:
        queries.run(claims, queries.named_query(name), params)
    assert claims._rdf is None  # the whole graph was never parsed into rdflib


def test_a_select_imports_no_rdflib():
    # The CLI starts lazily: a SELECT on the store needs neither rdflib's parser nor its printers.
    script = ("import sys\nfrom scograph.cli import main\n"
              "sys.argv = ['scograph', 'sparql', 'chains', '-p', 'country=TJ', '-f', 'json', '--data', sys.argv[1]]\n"
              "try:\n    main()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
              "print('rdflib' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script, str(DATA)], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["results"]["bindings"]
    assert done.stderr.strip().splitlines()[-1] == "False"


# ------------------------------------------------------------------------- known answers, from the paper


def test_demands_by_country_tajikistan_security(graph):
    found = rows(graph, "demands-by-country", country="TJ", domain="security")
    # p. 99 note 3: Tajikistan urges its proposal for an SCO anti-drug centre in Dushanbe.
    centre = [r for r in found if r["demand"] == "exp-tj-anti-drug-centre"]
    assert centre and {(r["page"], r["note"]) for r in centre} == {("99", "3")}
    assert "在杜尚别设立上合组织禁毒中心" in centre[0]["quote"] and centre[0]["holder"] == "tj"
    # A group's demands count for each member; every row is in the security domain.
    assert has_row(found, holder="ca-members")
    assert {r["domain"] for r in found} == {"sco:security"} and {r["holder"] for r in found} == {"tj", "ca-members"}


def test_demands_by_country_accepts_every_spelling_of_a_country(graph):
    expected = rows(graph, "demands-by-country", country="TJ")
    for spelling in ("tjk", "Tajikistan", "塔吉克斯坦", "tj"):
        assert rows(graph, "demands-by-country", country=spelling) == expected


def test_demands_by_country_labels_follow_the_language(graph):
    chinese = rows(graph, "demands-by-country", country="TJ", domain="security", lang="zh")
    assert has_row(chinese, demand="exp-tj-anti-drug-centre", label="迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议")


def test_demands_by_domain_kazakhstan_proposed_a_free_trade_zone(graph):
    found = rows(graph, "demands-by-domain", domain="economic")
    # p. 102 note 5: Kazakhstan proposes building an SCO free trade zone step by step.
    assert has_row(found, holder="kz", demand="exp-kz-sco-free-trade-zone", first_page="102")
    assert has_row(found, holder="kz", demand="exp-kz-casa-1000", first_page="101")  # CASA-1000, p. 101


def test_chains_tajikistan_afghan_threat_to_contact_group_to_afghanistan_capacity(graph):
    found = rows(graph, "chains", country="TJ")
    # p. 100: militants moving into northern Afghanistan (a refinement of the p. 93 Afghan threat to Tajikistan),
    # so Tajikistan looks to the SCO–Afghanistan Contact Group; pp. 105–106: raise the SCO's capacity to respond
    # to the Afghanistan issue.
    assert has_row(found, driver="drv-militants-northern-afghanistan", demand="exp-tj-afghanistan-contact-group",
                   response="rsp-afghanistan-response-capacity")
    assert {r["holder"] for r in found} <= {"tj", "ca-members"}
    assert {r["driver_basis"] for r in found} | {r["response_basis"] for r in found} <= {"sco:Stated", "sco:Inferred"}


def test_chains_from_the_afghan_situation_reach_uzbekistans_roadmap(graph):
    found = rows(graph, "chains-from-driver", driver="drv-afghanistan")
    # p. 100: Mirziyoyev on the Contact Group's roadmap, answered by the Afghanistan capacity response.
    assert has_row(found, demand="exp-uz-afghanistan-contact-group-roadmap", response="rsp-afghanistan-response-capacity")
    for via in {r["via"] for r in found}:
        assert "drv-afghanistan" in graph.driver_lineage(via)


def test_shared_demands_the_china_kyrgyzstan_uzbekistan_railway(graph):
    found = rows(graph, "shared-demands")
    railway = [r for r in found if r["theme"] == "theme-china-kyrgyzstan-uzbekistan-railway"]
    # pp. 101–102: both Uzbekistan and Kyrgyzstan press for the China–Kyrgyzstan–Uzbekistan railway.
    assert {r["country"] for r in railway} == {"KG", "UZ"} and {r["countries"] for r in railway} == {"2"}
    assert {"exp-kg-china-kyrgyzstan-uzbekistan-railway", "exp-uz-china-kyrgyzstan-uzbekistan-railway"} <= {
        r["demand"] for r in railway}
    assert all(int(r["countries"]) >= 2 for r in found)
    assert all(int(r["countries"]) >= 3 for r in rows(graph, "shared-demands", min="3"))


def test_theme_comparison_every_member_wants_transport_connectivity(graph):
    found = rows(graph, "theme-comparison", theme="theme-transport-connectivity")
    # pp. 101–102: connectivity is the members' priority; narrower themes (the railway, transit) roll up.
    assert {"kz", "kg", "tj", "uz"} <= {r["holder"] for r in found}
    assert all(int(r["demands"]) >= 1 for r in found)


def test_unanswered_demands_russia_in_the_railway(graph):
    found = rows(graph, "unanswered-demands")
    # p. 102 note 2: Kyrgyzstan proposes that Russia take part in the railway; no recommendation takes it up.
    assert has_row(found, demand="exp-kg-russia-in-railway", holder="kg")
    for record in graph.records([r["demand"] for r in found]):
        assert record["responses"] == []
    assert {r["demand"] for r in rows(graph, "unanswered-demands", country="KG")} <= {r["demand"] for r in found}


def test_responses_without_demands_livelihood_public_goods(graph):
    found = rows(graph, "responses-without-demands")
    # pp. 106–107: strengthen the supply of livelihood-related public goods (民生类公共产品).
    assert has_row(found, response="rsp-livelihood-public-goods", model="sco:InclusivenessModel", domain="sco:cultural")
    for record in graph.records([r["response"] for r in found]):
        assert record["addresses"] == []


def test_country_responses_uzbekistan_roadmap_under_shared_security(graph):
    found = rows(graph, "country-responses", country="Uzbekistan")
    assert has_row(found, demand="exp-uz-afghanistan-contact-group-roadmap", response="rsp-afghanistan-response-capacity",
                   model="sco:SharedSecurityModel")
    assert {r["holder"] for r in found} <= {"uz", "ca-members"}


def test_four_models_the_four_and_the_recommendations_to_china(graph):
    found = rows(graph, "four-models")
    # p. 108: the four models (团结互信, 安危共担, 互利共赢, 包容互鉴); p. 107: what China should do, outside them.
    assert {r.get("model", "") for r in found} == {
        "sco:SolidarityModel", "sco:SharedSecurityModel", "sco:MutualBenefitModel", "sco:InclusivenessModel", ""}
    assert all(int(r["responses"]) >= 1 for r in found)


def test_drivers_by_level_drug_trafficking_is_regional(graph):
    found = rows(graph, "drivers-by-level", level="regional")
    # p. 94: drug trafficking across the Afghan border, under Afghanistan's grim security situation.
    assert has_row(found, driver="drv-afghan-drug-trafficking", broader="drv-afghan-security", first_page="94")
    assert has_row(found, driver="drv-afghanistan") and {r["level"] for r in found} == {"sco:RegionalLevel"}


def test_source_backing_the_inforos_report_backs_the_anti_drug_centre(graph):
    found = rows(graph, "source-backing", source="src-inforos-2019-tajikistan-sco-vision")
    assert has_row(found, claim="exp-tj-anti-drug-centre", kind="expectation", page="99", note="3")
    # The report is cited by p. 99 note 3, p. 100 note 2 and p. 103 note 3, and nowhere else.
    assert {(r["page"], r["note"]) for r in found} <= {("99", "3"), ("100", "2"), ("103", "3")}


def test_footnotes_page_99_note_3_is_the_inforos_report(graph):
    found = rows(graph, "footnotes", page="99")
    assert has_row(found, note="3", source="src-inforos-2019-tajikistan-sco-vision", kind="news",
                   url="http://infoshos.ru/en/?idn=21302", outlet="InfoRos News Agency")
    assert {r["page"] for r in found} == {"99"}


def test_figures_kyrgyzstan_fdi_fell_27_7_percent(graph):
    found = rows(graph, "figures", subject="Kyrgyzstan")
    # p. 93 note 3: foreign direct investment fell 27.7% in 2018 compared with 2017.
    assert has_row(found, indicator="ind-kg-fdi-change-2018", value="-27.7", unit="percent", year="2018",
                   page="93", note="3")
    assert {r["subject"] for r in found} == {"kg"}


def test_who_said_what_rahmon_to_putin_april_2019(graph):
    found = rows(graph, "who-said-what", speaker="rahmon")
    # p. 100 note 1: in April 2019, talking with Putin, Rahmon called for a peaceful settlement in Afghanistan.
    assert has_row(found, claim="exp-tj-afghanistan-peaceful-settlement", date="2019-04-17", page="100",
                   name="Emomali Rahmon", voice="sco:ReportedVoice")
    assert {r["speaker"] for r in found} == {"rahmon"}


def test_who_said_what_lists_only_the_speakers_own_words(graph):
    found = rows(graph, "who-said-what")
    authors = {(owner.split(" → ")[0], e.page, e.quote) for owner, e in iter_evidence(graph.claims)
               if e.voice is m.Voice.authors}
    assert found and not {(r["claim"], int(r["page"]), r["quote"]) for r in found} & authors
    assert {r["voice"] for r in found} <= {"sco:ReportedVoice", "sco:QuotedVoice"}
    # The authors' own sentence on Rahmon's demand (p. 100, the subsection's point) is not his.
    assert not any(r["quote"].startswith("第二，消除阿富汗局势") for r in found)


def test_findings_about_tajikistan_are_those_about_it_or_its_group(graph):
    found = rows(graph, "findings", country="TJ")
    assert {r["finding"] for r in found} == {f["id"] for f in graph.findings(country="TJ")}
    assert {r["stance"] for r in found} <= {"sco:Supports", "sco:Opposes", "sco:Concerned"}
    # p. 99: Kyrgyzstan and Tajikistan are more concerned than Kazakhstan and Uzbekistan with spreading extremism.
    assert has_row(found, page="99", kind="comparison", stance="sco:Concerned",
                   quote="相比于哈萨克斯坦与乌兹别克斯坦，在上合组织框架内，吉尔吉斯斯坦和塔吉克斯坦对这一问题更为关注。")


def test_inferred_links_drug_trafficking_behind_the_anti_drug_centre(graph):
    inferred = rows(graph, "inferred-links")
    link = [r for r in inferred if (r["subject"], r["object"]) == ("exp-tj-anti-drug-centre", "drv-afghan-drug-trafficking")]
    # The reading rests on p. 94: drug trafficking is a main worry of the members' domestic security.
    assert link and link[0]["relation"] == "sco:shapedBy" and link[0]["page"] == "94"
    assert "毒品跨国贩运" in link[0]["quote"]
    stated = rows(graph, "inferred-links", basis="stated")
    triple = lambda r: (r["subject"], r["relation"], r["object"])  # noqa: E731
    assert stated and not {triple(r) for r in stated} & {triple(r) for r in inferred}
    assert {r["relation"] for r in rows(graph, "inferred-links", relation="addresses")} == {"sco:addresses"}


def test_initiatives_the_public_diplomacy_centre_proposed_by_mirziyoyev(graph):
    found = rows(graph, "initiatives")
    # p. 104: in June 2017 Mirziyoyev proposed an SCO public diplomacy centre at the Astana summit.
    assert has_row(found, initiative="ini-sco-public-diplomacy-centre", proposer="mirziyoyev", date="2017-06",
                   demand="exp-uz-public-diplomacy-centre")
    assert has_row(found, initiative="ini-sco-anti-drug-centre", proposer="tj", demand="exp-tj-anti-drug-centre")


def test_actor_profile_uzbekistan(graph):
    found = rows(graph, "actor-profile", actor="乌兹别克斯坦")
    assert has_row(found, role="proposed", entity="ini-sco-public-diplomacy-centre")
    assert has_row(found, role="holds", entity="exp-uz-afghanistan-contact-group-roadmap")
    assert has_row(found, role="is a member of", entity="ca-members")
    assert has_row(rows(graph, "actor-profile", actor="mirziyoyev"), role="voiced", entity="exp-uz-public-diplomacy-centre")


def test_quotes_containing_counter_narcotics(graph):
    found = rows(graph, "quotes-containing", text="禁毒")
    assert has_row(found, claim="exp-tj-anti-drug-centre", kind="expectation", page="99", note="3")
    assert all("禁毒" in r["quote"] for r in found)


def test_describe_entity_is_the_anti_drug_centre_with_its_evidence(graph):
    result = run_query(graph, "describe-entity", entity="exp-tj-anti-drug-centre")
    described = rdflib_graph(result)
    entity = URIRef(ENTITY + "exp-tj-anti-drug-centre")
    sco = lambda local: URIRef(SCO + local)  # noqa: E731
    assert (entity, sco("holder"), URIRef(ENTITY + "tj")) in described
    evidence = [e for e in described.objects(entity, sco("evidence"))
                if (e, sco("citedSource"), URIRef(ENTITY + "src-inforos-2019-tajikistan-sco-vision")) in described]
    assert evidence and (evidence[0], sco("page"), Literal(99)) in described
    assert (evidence[0], sco("footnote"), Literal(3)) in described
    link = URIRef(f"{entity}/link/shapedBy/drv-afghan-drug-trafficking")
    assert (link, sco("basis"), sco("Inferred")) in described and any(described.objects(link, sco("evidence")))
    oa = lambda local: URIRef("http://www.w3.org/ns/oa#" + local)  # noqa: E731
    target = described.value(evidence[0], oa("hasTarget"))  # the quote as a Web Annotation target
    assert target is not None and (target, oa("hasSource"), URIRef(ENTITY + "chen-zeng-2019")) in described
    assert any(described.objects(described.value(target, oa("hasSelector")), oa("prefix")))


@pytest.mark.parametrize("name", NAMES)
def test_every_query_has_a_known_answer_test(name):
    tested = {m.group(1) for m in re.finditer(r'(?:rows|run_query)\(graph, "([a-z0-9-]+)"', _THIS_FILE)}
    assert name in tested


_THIS_FILE = open(__file__, encoding="utf-8").read()


# ------------------------------------------------------------------------- parameters


def test_an_unknown_parameter_names_the_valid_ones(graph):
    with pytest.raises(UsageError) as error:
        run_query(graph, "demands-by-country", cuntry="TJ")
    assert str(error.value) == ("unknown parameter 'cuntry' for query demands-by-country; "
                                "its parameters: country (default TJ), domain (optional), lang (default en)")


def test_a_missing_required_parameter_names_it(graph):
    with pytest.raises(UsageError, match=r"query source-backing needs --param source=VALUE; its parameters: source \(required\)"):
        run_query(graph, "source-backing")


def test_a_query_without_parameters_says_so(graph):
    with pytest.raises(UsageError, match="four-models; it takes no parameters"):
        run_query(graph, "four-models", country="TJ")


@pytest.mark.parametrize("name,params,message", [
    ("demands-by-country", {"country": "Narnia"}, "parameter country: unknown country 'Narnia'; valid: ISO alpha-2"),
    ("demands-by-country", {"domain": "sports"}, "parameter domain: unknown domain 'sports'; valid: political (政治)"),
    ("drivers-by-level", {"level": "cosmic"}, "parameter level: unknown level 'cosmic'"),
    ("inferred-links", {"basis": "guessed"}, "parameter basis: unknown basis 'guessed'; valid: stated, inferred"),
    ("inferred-links", {"relation": "causes"}, "parameter relation: unknown relation 'causes'; valid: shapedBy, addresses"),
    ("shared-demands", {"min": "two"}, "parameter min: not an integer: 'two'"),
    ("demands-by-country", {"lang": "en gb"}, "parameter lang: not a language tag: 'en gb'"),
    ("source-backing", {"source": "tj"}, "parameter source: 'tj' is an actor, not a source"),
    ("chains-from-driver", {"driver": "drv-afghan"}, "parameter driver: unknown id 'drv-afghan' (did you mean"),
])
def test_a_bad_value_says_what_is_valid(graph, name, params, message):
    with pytest.raises(UsageError) as error:
        run_query(graph, name, **params)
    assert str(error.value).startswith(message)


def test_parameters_are_bound_as_terms(graph):
    bindings = queries.bind(queries.named_query("demands-by-country"), {"country": "tjk", "domain": "安全"}, graph)
    assert bindings == {"country": queries.Term(ox.NamedNode(ENTITY + "tj")),
                        "domain": queries.Term(ox.NamedNode(SCO + "security")), "lang": queries.Term(ox.Literal("en"))}
    assert {name: term.n3() for name, term in bindings.items()} == {
        "country": f"<{ENTITY}tj>", "domain": f"<{SCO}security>", "lang": '"en"'}
    bindings = queries.bind(queries.named_query("shared-demands"), {"min": "3"}, graph)
    assert bindings["min"].n3() == f'"3"^^<{XSD}integer>' and from_n3(bindings["min"].n3()) == Literal(3)
    entity = queries.bind(queries.named_query("describe-entity"), {"entity": "scoid:EXP-TJ-ANTI-DRUG-CENTRE"}, graph)
    assert entity == {"entity": queries.Term(ox.NamedNode(ENTITY + "exp-tj-anti-drug-centre"))}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=12))
def test_hostile_text_is_a_literal_never_query_text(graph, text):
    # Quotes, braces and SPARQL keywords in a value cannot change the query: it is bound, not pasted.
    found = rows(graph, "quotes-containing", text=text)
    assert all(text in r["quote"] for r in found)


def test_an_injection_attempt_finds_nothing(graph):
    assert rows(graph, "quotes-containing", text='禁毒") || true || CONTAINS(?quote, "') == []


def test_parse_assignments():
    assert queries.parse_assignments(["country=TJ", "text=a=b"]) == {"country": "TJ", "text": "a=b"}
    with pytest.raises(UsageError, match="a parameter is NAME=VALUE, got 'country'"):
        queries.parse_assignments(["country"])
    with pytest.raises(UsageError, match="parameter 'country' is given twice"):
        queries.parse_assignments(["country=TJ", "country=UZ"])


# ------------------------------------------------------------------------- errors


def test_a_syntax_error_names_line_column_and_text():
    query = queries.query_from_text("PREFIX sco: <https://w3id.org/scograph/vocab#>\nSELECT ?s\nWHERE { ?s sco:holder ?o\n FILTER(?s = ) }\n",
                                    name="--query")
    with pytest.raises(SparqlSyntaxError) as error:
        queries.prepare(query)
    assert (error.value.line, error.value.column) == (4, 2)
    assert str(error.value) == "--query: SPARQL syntax error at line 4, column 2: near 'FILTER(?s = ) }'"
    assert error.value.exit_code == 2


def test_an_undeclared_prefix_is_located():
    with pytest.raises(SparqlSyntaxError, match=r"at line 2, column 12: undeclared prefix 'foo:'"):
        queries.prepare(queries.query_from_text("SELECT ?s\nWHERE { ?s foo:bar ?o }"))


def test_an_unfinished_query_ends_too_soon():
    with pytest.raises(SparqlSyntaxError, match="near the end of the query"):
        queries.prepare(queries.query_from_text("SELECT ?s WHERE { ?s ?p ?o "))


def test_what_only_oxigraph_rejects_is_worded_from_its_error():
    # rdflib takes both; SPARQL 1.1 (and Oxigraph, which runs them) does not.
    with pytest.raises(SparqlSyntaxError) as error:
        queries.prepare(queries.query_from_text("SELECT ?x (1 AS ?x)\nWHERE { ?x ?p ?o }", name="--query"))
    assert str(error.value) == ("--query: SPARQL syntax error at line 2, column 19: "
                                "the SELECT overrides an existing variable using an expression")
    with pytest.raises(SparqlSyntaxError, match=r"^q: SPARQL syntax error at line 1, column \d+: "):
        queries.prepare(queries.query_from_text("SELECT * WHERE { ?s ?p ?o BIND(1 AS ?o) }", name="q"))


@pytest.mark.parametrize("text,form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("# a comment: CONSTRUCT\nPREFIX ex: <http://example.org/#>\nBASE <http://example.org/>\nask { ?s ex:p ?o }", "ASK"),
    ("PREFIX : <http://example.org/>\nconstruct WHERE { ?s :p ?o }", "CONSTRUCT"),
    ("DESCRIBE scoid:tj", "DESCRIBE"),
])
def test_the_query_form(text, form):
    assert queries.query_form(queries.query_from_text(text)) == form


def test_a_query_whose_prefix_shadows_a_default_one_uses_its_own(graph):
    query = queries.query_from_text("PREFIX sco: <http://example.org/other#>\nASK { ?s sco:holder ?o }")
    assert queries.evaluate(graph.store, query).answer is False
    assert queries.evaluate(graph.store, queries.query_from_text("ASK { ?s sco:holder ?o }")).answer is True


# Parameterised queries the old `WHERE {` scan refused: the lexer finds the group whatever the layout.
WHERE_LAYOUTS = {
    "where-on-its-own-line": "SELECT ?demand\nWHERE\n{\n  ?demand sco:holder ?country\n}\nORDER BY ?demand\n",
    "no-where": "SELECT ?demand { ?demand sco:holder ?country } ORDER BY ?demand\n",
    "comment-naming-where": "SELECT ?demand # WHERE { in a comment\nwhere{?demand sco:holder ?country}ORDER BY ?demand\n",
    "ask-without-where": "ASK { ?demand sco:holder ?country ; sco:domain sco:security }\n",
}


@pytest.mark.parametrize("layout", list(WHERE_LAYOUTS))
def test_parameters_are_bound_whatever_the_layout_of_the_where_group(graph, runner, tmp_path, layout):
    path = tmp_path / "holds.rq"
    path.write_text("# title: Holders\n# param country: country = TJ\n" + WHERE_LAYOUTS[layout], encoding="utf-8")
    query = queries.load_query(path)
    found = queries.run(graph, query, {"country": "UZ"})
    assert bool(found) and (found.form == "ASK" or all(row.demand.value.startswith(ENTITY + "exp-") for row in found))
    code, out, err = invoke(runner, str(path), "-p", "country=KG", "-f", "csv")
    assert (code, err) == (0, "") and ("true" in out if found.form == "ASK" else ENTITY + "exp-kg-" in out)


def test_a_query_without_a_where_group_cannot_take_parameters(graph):
    query = queries.query_from_text("# param entity: entity = tj\nDESCRIBE ?entity", name="holds.rq")
    with pytest.raises(UsageError, match=r"^holds.rq: a query with bound variables needs a WHERE group \{ … \}"):
        queries.run(graph, query)


def test_a_named_querys_prefilled_text_binds_its_defaults_in_the_group_it_has(graph):
    text = queries.prefilled_text(queries.named_query("demands-by-country"), graph)
    assert f"WHERE {{\n  # The parameters, bound to their defaults: change them here.\n  VALUES (?country ?lang) {{ (<{ENTITY}tj> \"en\") }}" in text
    assert text.count("# title:") == 1  # the header's comments are kept as written
    unbound = queries.prefilled_text(queries.named_query("source-backing"), graph)
    assert "# ?source (source) is unbound, so every value answers" in unbound
    whereless = queries.query_from_text("# param country: country = TJ\nSELECT ?d\n{ ?d sco:holder ?country }")
    assert queries.prefilled_text(whereless, graph).startswith("# param country: country = TJ\nSELECT ?d\n{\n  # The")
    assert queries.evaluate(graph.store, queries.query_from_text(queries.prefilled_text(whereless, graph))).rows


def test_an_evaluation_error_is_a_usage_error(graph):
    query = queries.query_from_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", name="--query")
    with pytest.raises(UsageError, match=r"^--query: SPARQL evaluation failed: ") as error:
        queries.run(graph, query)
    assert "\n" not in str(error.value)


def test_an_unknown_query_lists_the_named_ones():
    with pytest.raises(UsageError) as error:
        queries.named_query("chain")
    assert "unknown query 'chain' (did you mean 'chains'" in str(error.value)
    assert all(name in str(error.value) for name in NAMES)


def test_a_missing_query_file_is_a_data_file_error(tmp_path):
    with pytest.raises(DataFileError, match="no such SPARQL query file"):
        queries.load_query(tmp_path / "absent.rq")


# ------------------------------------------------------------------------- result formats


def test_json_is_sparql_results_json(graph):
    document = json.loads(queries.to_json(run_query(graph, "figures", subject="KG")))
    assert document["head"]["vars"][:4] == ["indicator", "subject", "measures", "value"]
    binding = next(b for b in document["results"]["bindings"] if b["indicator"]["value"].endswith("ind-kg-fdi-change-2018"))
    assert binding["indicator"]["type"] == "uri"
    assert binding["value"] == {"type": "literal", "value": "-27.7", "datatype": XSD + "decimal"}
    assert binding["quote"]["xml:lang"] == "zh" and "27.7%" in binding["quote"]["value"]
    assert binding["unit"] == {"type": "literal", "value": "percent"}
    four = json.loads(queries.to_json(run_query(graph, "four-models")))
    assert any("model" not in b for b in four["results"]["bindings"])  # unbound variables are left out


def test_ask_prints_a_boolean(graph):
    ask = queries.query_from_text("ASK { ?e sco:holder scoid:tj }")
    result = queries.evaluate(graph.store, ask)
    assert queries.serialize(result) == "true\n"
    assert json.loads(queries.serialize(result, ResultFormat.json)) == {"head": {}, "boolean": True}


def test_csv_and_tsv_follow_the_sparql_results_formats(graph):
    result = run_query(graph, "figures", subject="KG")
    text = queries.to_csv(result)
    assert text.startswith("indicator,subject,measures,value,") and "\r\n" in text
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    fdi = next(r for r in table if r["indicator"] == ENTITY + "ind-kg-fdi-change-2018")
    assert (fdi["value"], fdi["year"], fdi["page"], fdi["note"]) == ("-27.7", "2018", "93", "3")
    tsv = queries.to_tsv(result).splitlines()
    assert tsv[0].split("\t")[:3] == ["?indicator", "?subject", "?measures"]
    cells = next(line for line in tsv if "ind-kg-fdi-change-2018" in line).split("\t")
    assert cells[0] == f"<{ENTITY}ind-kg-fdi-change-2018>" and cells[3] == "-27.7" and cells[7] == "93"
    assert cells[5] == f'"2018"^^<{XSD}gYear>' and cells[2].endswith('"@en')


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own JSON-LD parser
def test_graph_formats_parse_back_to_the_same_graph(graph):
    result = run_query(graph, "describe-entity", entity="exp-tj-anti-drug-centre")
    expected = rdflib_graph(result)
    for fmt, parser in ((ResultFormat.turtle, "turtle"), (ResultFormat.nt, "nt"), (ResultFormat.jsonld, "json-ld")):
        parsed = Graph().parse(data=queries.serialize(result, fmt), format=parser)
        assert isomorphic(parsed, expected), fmt
    with pytest.raises(UsageError, match="a CONSTRUCT query prints as turtle, nt or jsonld, not table"):
        queries.serialize(result, ResultFormat.table)


def test_results_read_like_rdflibs(graph):
    result = run_query(graph, "figures", subject="KG")
    rows = list(result)
    assert len(rows) == len(result) == len(result.rows) > 0 and bool(result)
    first = rows[0]
    assert first.indicator == first["indicator"] == first[0] and isinstance(first.indicator, ox.NamedNode)
    assert tuple(first) == result.rows[0] and set(first.asdict()) <= set(result.variables)
    with pytest.raises(AttributeError):
        first.nothing  # noqa: B018
    ask = queries.evaluate(graph.store, queries.query_from_text("ASK { scoid:tj ?p ?o }"))
    assert list(ask) == [True] and bool(ask)


def test_evaluate_takes_a_claims_graph_an_rdflib_graph_and_rdflib_terms(graph):
    query = queries.query_from_text("SELECT ?demand WHERE { ?demand sco:holder ?holder } ORDER BY ?demand")
    bindings = {"holder": URIRef(ENTITY + "tj")}
    expected = queries.evaluate(graph.store, query, {"holder": queries.Term(ox.NamedNode(ENTITY + "tj"))})
    assert expected.rows and queries.evaluate(graph, query, bindings).rows == expected.rows
    small = Graph().parse(data=f"<{ENTITY}d> <{SCO}holder> <{ENTITY}tj> .", format="nt")
    assert [row.demand.value for row in queries.evaluate(small, query, bindings)] == [ENTITY + "d"]
    with pytest.raises(TypeError, match="evaluate\\(\\) runs on"):
        queries.evaluate(object(), query)


def test_the_table_shows_ids_and_prefixed_terms(graph):
    text = queries.to_table(run_query(graph, "responses-without-demands"))
    line = next(line for line in text.splitlines() if line.startswith("rsp-livelihood-public-goods"))
    assert "sco:InclusivenessModel" in line and "sco:cultural" in line and "https://" not in line


# ------------------------------------------------------------------------- the command


def invoke(runner, *args, **kwargs):
    result = runner.invoke(app, ["sparql", *args], **kwargs)
    return result.exit_code, result.stdout, result.stderr


def test_cli_list_prints_every_query_with_its_title(runner):
    code, out, err = invoke(runner, "--list")
    assert (code, err) == (0, "")
    for query in NAMED:
        assert re.search(rf"^{re.escape(query.name)}\s+{re.escape(query.title[:40])}", out, re.M), query.name
    listed = json.loads(invoke(runner, "--list", "--format", "json")[1])
    assert [q["name"] for q in listed] == NAMES and all(q["title"] and q["description"] for q in listed)


def test_cli_runs_a_named_query_with_parameters(runner):
    code, out, err = invoke(runner, "demands-by-country", "--param", "country=塔吉克斯坦", "-p", "domain=security")
    assert (code, err) == (0, "")
    line = next(line for line in out.splitlines() if line.startswith("exp-tj-anti-drug-centre"))
    assert re.search(r"\b99\s+3\s+塔吉克斯坦还认为", line)


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "table"])
def test_cli_select_formats(runner, fmt):
    code, out, err = invoke(runner, "quotes-containing", "-p", "text=禁毒", "--format", fmt)
    assert (code, err) == (0, "") and "exp-tj-anti-drug-centre" in out
    if fmt == "json":
        assert json.loads(out)["head"]["vars"] == ["claim", "kind", "page", "note", "quote"]


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_cli_construct_formats(runner, fmt):
    code, out, err = invoke(runner, "describe-entity", "-p", "entity=exp-tj-anti-drug-centre", "-f", fmt)
    assert (code, err) == (0, "") and "塔吉克斯坦还认为迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议" in out


def test_cli_runs_a_file_text_and_stdin(runner, tmp_path):
    path = tmp_path / "holders.rq"
    path.write_text("# title: Holders\n# param country: country = TJ\n"
                    "SELECT ?demand WHERE { ?demand sco:holder ?country }\n", encoding="utf-8")
    code, out, err = invoke(runner, str(path), "-p", "country=UZ", "-f", "csv")
    assert (code, err) == (0, "") and ENTITY + "exp-uz-public-diplomacy-centre" in out
    code, out, _ = invoke(runner, "--query", "SELECT (COUNT(*) AS ?n) WHERE { scoid:exp-tj-anti-drug-centre sco:holder scoid:tj }")
    assert code == 0 and out.splitlines()[-1].strip() == "1"
    code, out, _ = invoke(runner, "-", input="ASK { scoid:exp-tj-anti-drug-centre sco:domain sco:security }")
    assert (code, out) == (0, "true\n")


def test_cli_show_prints_the_query_text(runner):
    code, out, err = invoke(runner, "chains", "--show")
    assert (code, err) == (0, "") and out == (ROOT / "queries" / "chains.rq").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,code,message", [
    (["--query", "SELECT ?s WHERE { ?s sco:holder ?o FILTER(?s = ) }"], 2,
     "Error: --query: SPARQL syntax error at line 1, column 36: near 'FILTER(?s = ) }'\n"),
    (["chain"], 2, "Error: unknown query 'chain' (did you mean 'chains'"),
    (["demands-by-country", "-p", "cuntry=TJ"], 2, "Error: unknown parameter 'cuntry' for query demands-by-country; its parameters: country"),
    (["source-backing"], 2, "Error: query source-backing needs --param source=VALUE"),
    (["demands-by-country", "-p", "country=Narnia"], 2, "Error: parameter country: unknown country 'Narnia'"),
    (["describe-entity", "-p", "entity=tj", "-f", "csv"], 2, "Error: a CONSTRUCT query prints as turtle, nt or jsonld, not csv\n"),
    (["four-models", "-f", "turtle"], 2, "Error: a SELECT query prints as table, json, csv or tsv, not turtle\n"),
    (["absent.rq"], 3, "Error: no such SPARQL query file: absent.rq\n"),
    ([], 2, "Error: give a query NAME, a FILE or --query TEXT; named queries: actor-profile"),
    (["chains", "--query", "ASK {}"], 2, "Error: give a query NAME or FILE, or --query TEXT, not both\n"),
    (["--list", "-f", "nt"], 2, "Error: --list prints as table, json or csv, not nt\n"),
])
def test_cli_errors_are_one_line_with_the_documented_code(runner, args, code, message):
    exit_code, out, err = invoke(runner, *args)
    assert (exit_code, out) == (code, "")
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


def test_cli_syntax_error_is_caught_before_loading_data(runner, tmp_path):
    code, out, err = invoke(runner, "--query", "SELECT ?s WHERE { ?s ?p }", "--data", str(tmp_path / "absent.ttl"))
    assert (code, out) == (2, "") and err.startswith("Error: --query: SPARQL syntax error at line 1, column 19: near")


def test_cli_describe_and_construct_on_the_store(runner):
    code, out, err = invoke(runner, "--query", "DESCRIBE scoid:tj", "-f", "nt")
    assert (code, err) == (0, "")
    assert f'<{ENTITY}tj> <{SCO}alpha2> "TJ" .' in out.splitlines()
    assert out.splitlines() == sorted(set(out.splitlines()))


def test_cli_syntax_error_in_a_file_names_the_file(runner, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: Broken\nSELECT ?s\nWHERE { ?s ?p }\n", encoding="utf-8")
    code, out, err = invoke(runner, str(path))
    assert (code, out) == (2, "") and err.startswith(f"Error: {path}: SPARQL syntax error at line 3, column ")


# ------------------------------------------------------------------------- documentation


def _sparql_docs() -> str:
    """The README's SPARQL section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## SPARQL\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("name", NAMES)
def test_every_query_is_in_the_readme_with_its_question(name):
    row = re.search(rf"^\| `{re.escape(name)}` \| ([^|]+\?[^|]*|[^|]{{20,}}) \|", _sparql_docs(), re.M)
    assert row, f"the README's SPARQL table has no row for {name} with its question"


def test_the_documented_examples_are_real(runner):
    docs = _sparql_docs()
    for command, shown in re.findall(r"```console\n\$ (scograph [^\n]*)\n(.*?)```", docs, re.S):
        result = runner.invoke(app, shlex.split(command)[1:])
        assert result.stdout + result.stderr == shown, command
    for command, shown in re.findall(r"```text\n\$ (scograph sparql [^\n]*)\n(.*?)```", docs, re.S):
        result = runner.invoke(app, shlex.split(command)[1:])
        assert result.stdout + result.stderr == shown, command

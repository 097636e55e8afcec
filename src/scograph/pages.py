"""The server's HTML: the home page, one page per entity, search, SPARQL results and errors.

Every page is one self-contained document: inline CSS, inline SVG, no script, nothing
fetched from elsewhere. Every piece of text from the data or the request goes through
:func:`html.escape`. Entity IRIs (``https://w3id.org/scograph/id/…``) link to this
server's ``/id/…`` pages.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote, urlencode

from .terms import DOMAINS, DOMAINS_ZH, ENTITY, LEVELS_ZH

STYLE = """
:root { --ink: #1d2430; --muted: #5b6576; --line: #d9dee7; --accent: #1f5fa8; --paper: #fbfbf8;
        --driver: #b7791f; --expectation: #1f5fa8; --response: #2f855a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.5;
       font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC",
                    "Microsoft YaHei", sans-serif; }
header.site { background: #16324f; color: #fff; padding: .6rem 1.5rem; display: flex; gap: 1.5rem;
              align-items: center; flex-wrap: wrap; }
header.site a { color: #fff; text-decoration: none; }
header.site .brand { font-weight: 700; font-size: 1.15rem; }
header.site form { margin-left: auto; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .3rem 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
a { color: var(--accent); }
.zh { font-size: 1.15rem; }
.muted, .kind, .iri { color: var(--muted); }
.kind { text-transform: uppercase; letter-spacing: .05em; font-size: .8rem; margin: 0; }
.iri { font-size: .85rem; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #eef1f6; }
td.num, th.num { text-align: right; }
table.facts th { width: 11rem; }
figure.evidence { margin: .8rem 0; padding: .6rem .9rem; background: #fff; border-left: 4px solid var(--accent); }
figure.evidence blockquote { margin: 0; font-size: 1.05rem; }
figure.evidence figcaption { color: var(--muted); font-size: .88rem; margin-top: .3rem; }
ul.links { padding-left: 1.2rem; }
ul.links li { margin: .15rem 0; }
.rel { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .85rem; color: var(--muted); }
.basis { font-size: .75rem; border: 1px solid var(--line); border-radius: .6rem; padding: 0 .4rem; color: var(--muted); }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem 2rem; }
textarea { width: 100%; min-height: 22rem; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace;
           font-size: .85rem; padding: .5rem; }
input[type=search] { padding: .35rem .5rem; min-width: 16rem; font-size: 1rem; }
button, select { font-size: .95rem; padding: .3rem .7rem; }
pre.message { white-space: pre-wrap; background: #fff; border: 1px solid var(--line); padding: .8rem; }
.notice { background: #fff8e1; border: 1px solid #f0d58c; padding: .5rem .8rem; }
svg.chains { width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
mark { background: #fde68a; }
dl.queries dt { margin-top: .5rem; }
dl.queries dd { margin-left: 1rem; color: var(--muted); font-size: .9rem; }
"""

FORMAT_CHOICES = [("html", "HTML table"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"),
                  ("tsv", "TSV"), ("turtle", "Turtle (CONSTRUCT, DESCRIBE)"), ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)")]
MODEL_NAMES = {
    "solidarity": ("Solidarity and mutual trust", "团结互信"),
    "shared-security": ("Shared security", "安危共担"),
    "mutual-benefit": ("Mutual benefit", "互利共赢"),
    "inclusiveness": ("Inclusiveness and mutual learning", "包容互鉴"),
    None: ("Recommendations to China", "对中国的建议"),
}
LEVEL_NAMES = {"domestic": "Domestic level", "regional": "Regional level", "international": "International level"}
_PREFIXES = {
    "https://w3id.org/scograph/vocab#": "sco:", ENTITY: "scoid:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:", "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://purl.org/dc/terms/": "dcterms:", "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/2004/02/skos/core#": "skos:", "http://purl.org/ontology/bibo/": "bibo:",
}


# --------------------------------------------------------------------- small pieces


def href(iri: str) -> str | None:
    """Where a link to an IRI goes: this server's /id/… for the data's entities, the IRI itself for http(s)."""
    if iri.startswith(ENTITY) and len(iri) > len(ENTITY):
        return "/id/" + quote(iri[len(ENTITY):], safe="/-._~")
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def entity_link(entity_id: str, label: str | None = None) -> str:
    text = escape(label or entity_id)
    title = f' title="{escape(entity_id)}"' if label else ""
    return f'<a href="{escape(href(ENTITY + entity_id) or "#")}"{title}>{text}</a>'


def compact(iri: str) -> str:
    for namespace, prefix in _PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*(/[\w.-]+)*", iri[len(namespace):]):
            return prefix + iri[len(namespace):]
    return iri


def iri_link(iri: str, labels: dict[str, str | None] | None = None) -> str:
    target = href(iri)
    label = (labels or {}).get(iri)
    text = escape(label or compact(iri))
    if target is None:
        return f"<span>{text}</span>"
    external = "" if target.startswith("/") else ' rel="noopener noreferrer"'
    title = f' title="{escape(compact(iri))}"' if label else ""
    return f'<a href="{escape(target)}"{external}{title}>{text}</a>'


def term_html(term: dict | None, labels: dict[str, str | None] | None = None) -> str:
    """A SPARQL JSON results term as HTML: IRIs linked, literals with their language or datatype."""
    if term is None:
        return ""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        return iri_link(value, labels)
    if kind == "bnode":
        return f"<span class=muted>_:{escape(value)}</span>"
    if kind == "triple":
        return "&lt;&lt; " + " ".join(term_html(value.get(p), labels) for p in ("subject", "predicate", "object")) + " &gt;&gt;"
    text = escape(value)
    if "xml:lang" in term:
        lang = escape(term["xml:lang"])
        return f'<span lang="{lang}">{text}</span> <span class=muted>@{lang}</span>'
    if "datatype" in term:
        return f'{text} <span class=muted>{escape(compact(term["datatype"]))}</span>'
    return text


def layout(title: str, body: str, *, search_text: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · scograph</title>
<style>{STYLE}</style>
</head>
<body>
<header class="site">
<a class="brand" href="/">scograph</a>
<a href="/#countries">Countries</a>
<a href="/#drivers">Drivers</a>
<a href="/#responses">Responses</a>
<a href="/#query">SPARQL</a>
<form action="/search" method="get" role="search">
<input type="search" name="q" value="{escape(search_text)}" placeholder="Search: 旅游, railway, 阿富汗 …" aria-label="Search">
<button type="submit">Search</button>
</form>
</header>
<main>
{body}
</main>
</body>
</html>
"""


def _label_block(label: str | None, label_zh: str | None) -> str:
    parts = []
    if label:
        parts.append(f"<h1>{escape(label)}</h1>")
    if label_zh:
        tag = "h1" if not label else "p"
        parts.append(f'<{tag} class="zh" lang="zh">{escape(label_zh)}</{tag}>')
    return "\n".join(parts)


# --------------------------------------------------------------------- home


def home_page(model: dict) -> str:
    paper = model.get("paper")
    body = []
    if paper:
        authors = "、".join(paper.get("authors") or [])
        citation = (f"{escape(authors)}《{escape(paper.get('title') or paper.get('label_zh') or '')}》, "
                    f"{escape(paper.get('journal') or '')} {escape(str(paper.get('year') or ''))} No. "
                    f"{escape(str(paper.get('issue') or ''))}, pp. {escape(str(paper.get('pages') or ''))}")
        body.append(f"""<p class="kind">A knowledge graph of policy claims</p>
<h1>What Central Asian SCO members expect of the SCO, why, and how it should respond</h1>
<p>Every claim of {entity_link(paper['id'], paper.get('label'))} — {citation} — with the verbatim Chinese
quote and the page behind it: the expectations of Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan, the
drivers behind them, and the responses the authors recommend.</p>""")
    counts = model.get("counts", {})
    body.append(f"<p class=muted>{model.get('triples', 0)} triples: "
                + ", ".join(f"{escape(str(v))} {escape(k.replace('_', ' '))}" for k, v in counts.items()) + ".</p>")
    body.append(_search_form(""))
    body.append(_countries_section(model.get("countries", [])))
    body.append(_drivers_section(model.get("drivers", [])))
    body.append(_responses_section(model.get("responses", [])))
    body.append(_query_section(model))
    return layout("Claims about the SCO and Central Asia", "\n".join(body))


def _search_form(text: str) -> str:
    return f"""<form action="/search" method="get" role="search">
<label for="q"><strong>Search</strong> labels, descriptions and quotes, in Chinese or English:</label>
<input type="search" id="q" name="q" value="{escape(text)}" placeholder="旅游, railway, 阿富汗 …">
<button type="submit">Search</button>
</form>"""


def _countries_section(countries: list[dict]) -> str:
    head = "".join(f'<th class="num">{escape(d)} <span lang="zh">{escape(DOMAINS_ZH[d])}</span></th>' for d in DOMAINS)
    rows = []
    for country in countries:
        code = f" ({escape(country['code'])})" if country.get("code") else ""
        cells = "".join(f'<td class="num">{country["counts"].get(d, 0)}</td>' for d in DOMAINS)
        rows.append(f"<tr><td>{entity_link(country['id'], country.get('label'))}{code} "
                    f"<span lang=\"zh\">{escape(country.get('label_zh') or '')}</span></td>{cells}"
                    f"<td class=\"num\">{country['counts'].get('total', 0)}</td></tr>")
    return f"""<h2 id="countries">Countries and their expectations</h2>
<table><thead><tr><th>holder</th>{head}<th class="num">total</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<p class=muted>Expectations the paper attributes to the Central Asian members as a group count once, under the group.</p>"""


def _tree(items: list[dict], parent: str | None, children: dict) -> str:
    entries = []
    for item in items:
        nested = children.get(item["id"], [])
        inner = _tree(nested, item["id"], children) if nested else ""
        zh = f' <span lang="zh" class="muted">{escape(item["label_zh"])}</span>' if item.get("label_zh") else ""
        entries.append(f"<li>{entity_link(item['id'], item.get('label'))}{zh}{inner}</li>")
    return f"<ul class=\"links\">{''.join(entries)}</ul>" if entries else ""


def _drivers_section(drivers: list[dict]) -> str:
    known = {d["id"] for d in drivers}
    children: dict[str, list[dict]] = {}
    roots: dict[str, list[dict]] = {}
    for driver in drivers:
        if driver.get("broader") in known:
            children.setdefault(driver["broader"], []).append(driver)
        else:
            roots.setdefault(driver.get("level") or "", []).append(driver)
    columns = []
    for level, name in LEVEL_NAMES.items():
        zh = LEVELS_ZH.get(level, "")
        columns.append(f'<div><h3>{escape(name)} <span lang="zh" class="muted">{escape(zh)}</span></h3>'
                       f"{_tree(roots.get(level, []), None, children)}</div>")
    return f'<h2 id="drivers">Drivers of the expectations</h2>\n<div class="columns">{"".join(columns)}</div>'


def _responses_section(responses: list[dict]) -> str:
    groups: dict[str | None, list[dict]] = {}
    for response in responses:
        groups.setdefault(response.get("model"), []).append(response)
    columns = []
    for model, (name, zh) in MODEL_NAMES.items():
        if model not in groups:
            continue
        items = "".join(
            f"<li>{entity_link(r['id'], r.get('label'))} <span class=muted>answers {len(r.get('addresses') or [])}</span></li>"
            for r in groups[model])
        columns.append(f'<div><h3>{escape(name)} <span lang="zh" class="muted">{escape(zh)}</span></h3>'
                       f'<ul class="links">{items}</ul></div>')
    return (f'<h2 id="responses">Responses the paper recommends, by the “four models”</h2>\n'
            f'<div class="columns">{"".join(columns)}</div>')


def _format_select(selected: str = "html") -> str:
    options = "".join(f'<option value="{v}"{" selected" if v == selected else ""}>{escape(t)}</option>'
                      for v, t in FORMAT_CHOICES)
    return f'<label>Results as <select name="format">{options}</select></label>'


def query_form(text: str, fmt: str = "html") -> str:
    return f"""<form action="/sparql" method="get">
<textarea name="query" spellcheck="false" aria-label="SPARQL query">{escape(text)}</textarea>
<p>{_format_select(fmt)} <button type="submit">Run query</button></p>
</form>"""


def _query_section(model: dict) -> str:
    selected = model.get("selected")
    entries = []
    for query in model.get("queries", []):
        mark = " <strong>(in the form)</strong>" if query["name"] == selected else ""
        entries.append(f'<dt><a href="/?{urlencode({"query": query["name"]})}#query">{escape(query["title"] or query["name"])}</a>'
                       f' <span class="rel">{escape(query["name"])}</span>{mark}</dt>'
                       f'<dd>{escape(query["description"])}</dd>')
    notice = f'<p class="notice">{escape(model["notice"])}</p>' if model.get("notice") else ""
    prefixes = ", ".join(f"<code>{escape(p)}:</code>" for p in model.get("prefixes", {}))
    limits = model.get("limits")
    limit_text = ""
    if limits is not None:
        limit_text = (f" A query may run {limits.timeout:g} s and return {limits.max_rows:,} rows; it cannot update the "
                      "data or reach other servers (no SERVICE, LOAD or remote FROM).")
    return f"""<h2 id="query">Query with SPARQL</h2>
{notice}
<p>The endpoint is <a href="/sparql?format=turtle">/sparql</a> (SPARQL 1.1 Protocol: GET or POST; JSON, XML, CSV and TSV
results, Turtle, N-Triples, JSON-LD and RDF/XML graphs, chosen by the Accept header).
The prefixes {prefixes} are declared for you.{escape(limit_text)}
Pick a named query to put it in the form, with its parameters bound to their defaults.</p>
{query_form(model.get("query_text", ""))}
<h3>Named queries</h3>
<dl class="queries">{''.join(entries)}</dl>"""


# --------------------------------------------------------------------- entities

_HIDDEN_FIELDS = {"id", "type", "label", "label_zh", "description_en", "description_zh", "evidence", "links_out", "links_in"}


def _value_html(value, labels: dict) -> str:
    if isinstance(value, str) and ENTITY + value in labels:
        return entity_link(value, labels[ENTITY + value])
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return iri_link(value)
    if isinstance(value, dict):
        return "; ".join(f"{escape(str(k))}: {_value_html(v, labels)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, list):
        separator = "<br>" if any(isinstance(v, dict) for v in value) else ", "
        return separator.join(_value_html(v, labels) for v in value)
    return escape(str(value))


def _facts_table(record: dict, labels: dict) -> str:
    linked = {link["id"] for key in ("links_out", "links_in") for link in record.get(key, [])}
    rows = [f"<tr><th>type</th><td>{escape(record.get('type') or '')}</td></tr>"]
    for key, value in record.items():
        if key in _HIDDEN_FIELDS or value in (None, "", [], {}):
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) and v in linked for v in value):
            continue  # shown with their names under "Links"
        rows.append(f"<tr><th>{escape(key.replace('_', ' '))}</th><td>{_value_html(value, labels)}</td></tr>")
    return f"<table class=\"facts\"><tbody>{''.join(rows)}</tbody></table>"


def _evidence_section(evidence: list[dict], sources: dict[str, str | None]) -> str:
    if not evidence:
        return ""
    items = []
    for item in evidence:
        where = f"p. {escape(str(item.get('page')))}"
        if item.get("note"):
            where += f", note {escape(str(item['note']))}"
        cited = ""
        if item.get("source"):
            cited = f" — the footnote cites {entity_link(item['source'], sources.get(item['source']))}"
        items.append(f'<figure class="evidence"><blockquote lang="zh">{escape(item.get("quote") or "")}</blockquote>'
                     f"<figcaption>{where}{cited}</figcaption></figure>")
    return f"<h2>Evidence ({len(evidence)})</h2>\n" + "\n".join(items)


def _links_section(title: str, links: list[dict], arrow: str) -> str:
    if not links:
        return ""
    items = []
    for link in links:
        basis = f' <span class="basis">{escape(link["basis"])}</span>' if link.get("basis") else ""
        items.append(f'<li><span class="rel">{escape(link["relation"])} {arrow}</span> '
                     f"{entity_link(link['id'], link.get('label'))}{basis}</li>")
    return f"<h2>{escape(title)} ({len(links)})</h2>\n<ul class=\"links\">{''.join(items)}</ul>"


def entity_page(model: dict) -> str:
    record, labels = model["record"], model["labels"]
    entity_id = record["id"]
    iri = ENTITY + entity_id
    path = href(iri)
    tags = [record.get("type") or ""]
    for key in ("domain", "level", "model", "kind", "country"):
        if isinstance(record.get(key), str) and record[key] not in tags:
            tags.append(record[key])
    body = [f'<p class="kind">{escape(" · ".join(tags))}</p>', _label_block(record.get("label"), record.get("label_zh"))]
    body.append(f'<p class="iri">{escape(iri)} · as <a href="{escape(path)}?format=turtle">Turtle</a> · '
                f'<a href="{escape(path)}?format=jsonld">JSON-LD</a></p>')
    for key, lang in (("description_en", "en"), ("description_zh", "zh")):
        if record.get(key):
            body.append(f'<p lang="{lang}">{escape(record[key])}</p>')
    body.append("<h2>Facts</h2>\n" + _facts_table(record, labels))
    body.append(_evidence_section(record.get("evidence") or [], model.get("sources", {})))
    if record.get("type") in ("driver", "expectation", "response"):
        body.append("<h2>Driver → expectation → response</h2>")
        if model.get("chains"):
            body.append(chains_svg(model["chains"], entity_id))
            body.append('<p class=muted>A solid line is the paper\'s own statement, a dashed one the curators\' '
                        "reading (inferred).</p>")
        else:
            body.append("<p class=muted>No driver → expectation → response chain runs through it.</p>")
    body.append(_links_section("Links out", record.get("links_out") or [], "→"))
    body.append(_links_section("Links in", record.get("links_in") or [], "←"))
    title = record.get("label") or record.get("label_zh") or entity_id
    return layout(title, "\n".join(part for part in body if part))


def node_page(model: dict) -> str:
    """A node that is not an entity of its own: a piece of evidence, a qualified link, a section, a footnote."""
    iri, labels = model["iri"], model["labels"]
    types = [str(r["o"]) for r in model["out"] if str(r["p"]).endswith("#type")]
    kind = ", ".join(compact(t) for t in types) or "node"
    body = [f'<p class="kind">{escape(kind)}</p>', f"<h1>{escape(compact(iri))}</h1>",
            f'<p class="iri">{escape(iri)} · as <a href="{escape(href(iri) or "#")}?format=turtle">Turtle</a></p>']
    if model.get("owner"):
        owner = model["owner"]
        body.append(f"<p>Part of the description of {entity_link(owner, labels.get(ENTITY + owner))}.</p>")
    rows = "".join(f"<tr><td>{iri_link(str(r['p']))}</td><td>{_plain_value_html(r['o'], labels)}</td></tr>"
                   for r in model["out"])
    body.append(f"<h2>Statements</h2><table><thead><tr><th>property</th><th>value</th></tr></thead><tbody>{rows}</tbody></table>")
    if model["in"]:
        rows = "".join(f"<tr><td>{iri_link(str(r['s']), labels)}</td><td>{iri_link(str(r['p']))}</td></tr>"
                       for r in model["in"])
        body.append(f"<h2>Pointed at by</h2><table><thead><tr><th>subject</th><th>property</th></tr></thead><tbody>{rows}</tbody></table>")
    return layout(compact(iri), "\n".join(body))


def _plain_value_html(value, labels: dict) -> str:
    from .store import IRI, LangString

    if isinstance(value, IRI):
        return iri_link(str(value), labels)
    if isinstance(value, LangString):
        return f'<span lang="{escape(value.lang)}">{escape(str(value))}</span> <span class=muted>@{escape(value.lang)}</span>'
    return escape(str(value)) if value is not None else ""


# --------------------------------------------------------------------- chains as SVG

_BOX_W, _BOX_H, _GAP_X, _GAP_Y, _TOP = 300, 40, 90, 10, 34
_MAX_PER_COLUMN = 30


def _shorten(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def chains_svg(chains: list[dict], focus: str) -> str:
    """Driver → expectation → response chains as a three-column SVG; every box links to its entity."""
    columns: list[dict[str, dict]] = [{}, {}, {}]
    edges: dict[tuple[str, str], str | None] = {}
    for chain in chains:
        for index, key in enumerate(("driver", "expectation", "response")):
            columns[index].setdefault(chain[key]["id"], chain[key])
        edges[(chain["driver"]["id"], chain["expectation"]["id"])] = chain.get("driver_basis")
        edges[(chain["expectation"]["id"], chain["response"]["id"])] = chain.get("response_basis")
    shown: list[list[str]] = [sorted(column)[:_MAX_PER_COLUMN] for column in columns]
    hidden = [len(column) - len(ids) for column, ids in zip(columns, shown)]
    rows = max([len(ids) + (1 if extra else 0) for ids, extra in zip(shown, hidden)] + [1])
    height = _TOP + rows * (_BOX_H + _GAP_Y) + 4
    width = 3 * _BOX_W + 2 * _GAP_X + 2
    position = {}
    for index, ids in enumerate(shown):
        for row, entity in enumerate(ids):
            position[(index, entity)] = (1 + index * (_BOX_W + _GAP_X), _TOP + row * (_BOX_H + _GAP_Y))
    colours = ("var(--driver, #b7791f)", "var(--expectation, #1f5fa8)", "var(--response, #2f855a)")
    parts = [f'<svg class="chains" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="driver, expectation and response chains">']
    for index, title in enumerate(("driver", "expectation", "response")):
        parts.append(f'<text x="{1 + index * (_BOX_W + _GAP_X) + 4}" y="20" font-size="13" font-weight="700" '
                     f'fill="{colours[index]}">{title}s</text>')
    for (source, target), basis in sorted(edges.items()):
        index = 0 if (0, source) in position else 1
        start, end = position.get((index, source)), position.get((index + 1, target))
        if start is None or end is None:
            continue
        x1, y1 = start[0] + _BOX_W, start[1] + _BOX_H / 2
        x2, y2 = end[0], end[1] + _BOX_H / 2
        middle = (x1 + x2) / 2
        dash = ' stroke-dasharray="5 4"' if basis == "inferred" else ""
        parts.append(f'<path d="M{x1} {y1} C{middle} {y1} {middle} {y2} {x2} {y2}" fill="none" stroke="#8a94a6" '
                     f'stroke-width="1.4"{dash}><title>{escape(basis or "")}</title></path>')
    for (index, entity), (x, y) in position.items():
        record = columns[index][entity]
        label = record.get("label") or record.get("label_zh") or entity
        stroke = 3 if entity == focus else 1.2
        parts.append(f'<a href="{escape(href(ENTITY + entity) or "#")}"><title>{escape(entity)}: {escape(label)}</title>'
                     f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="6" fill="#fff" '
                     f'stroke="{colours[index]}" stroke-width="{stroke}"/>'
                     f'<text x="{x + 8}" y="{y + 16}" font-size="12" fill="#1d2430">{escape(_shorten(label))}</text>'
                     f'<text x="{x + 8}" y="{y + 32}" font-size="10" fill="#5b6576">{escape(_shorten(entity, 52))}</text></a>')
    for index, extra in enumerate(hidden):
        if extra:
            y = _TOP + len(shown[index]) * (_BOX_H + _GAP_Y) + 16
            parts.append(f'<text x="{1 + index * (_BOX_W + _GAP_X) + 8}" y="{y}" font-size="12" fill="#5b6576">'
                         f"… and {extra} more</text>")
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------- search, results, errors


def _highlight(text: str, needle: str) -> str:
    folded = text.casefold()
    at = folded.find(needle.casefold().strip()) if needle.strip() else -1
    if at < 0 or len(folded) != len(text):
        return escape(text)
    end = at + len(needle.strip())
    return f"{escape(text[:at])}<mark>{escape(text[at:end])}</mark>{escape(text[end:])}"


def search_page(text: str, hits: list[dict], message: str | None = None) -> str:
    body = ["<h1>Search</h1>", _search_form(text)]
    if message:
        body.append(f'<p class="notice">{escape(message)}</p>')
    elif text.strip():
        body.append(f"<p>{len(hits)} {'entity matches' if len(hits) == 1 else 'entities match'} "
                    f"<strong>{escape(text)}</strong>.</p>")
        rows = "".join(
            f"<tr><td>{escape(hit['type'])}</td><td>{entity_link(hit['id'], hit.get('label'))}<br>"
            f"<span lang=\"zh\" class=muted>{escape(hit.get('label_zh') or '')}</span></td>"
            f"<td>{escape(hit['field'])}</td><td>{_highlight(hit['match'], text)}</td></tr>" for hit in hits)
        if hits:
            body.append(f"<table><thead><tr><th>type</th><th>entity</th><th>found in</th><th>text</th></tr></thead>"
                        f"<tbody>{rows}</tbody></table>")
    return layout(f"Search: {text}" if text else "Search", "\n".join(body), search_text=text)


def results_page(query: str, table: dict, limits) -> str:
    body = ["<h1>Query results</h1>"]
    if table["kind"] == "boolean":
        body.append(f"<p>The answer is <strong>{'yes (true)' if table['value'] else 'no (false)'}</strong>.</p>")
    else:
        names, rows = table["vars"], table["rows"]
        count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        if table.get("truncated"):
            body.append(f'<p class="notice">Only the first {len(rows):,} rows are shown: this server caps a result at '
                        f"{limits.max_rows:,} rows.</p>")
        downloads = " · ".join(
            f'<a href="/sparql?{escape(urlencode({"query": query, "format": fmt}))}">{name}</a>'
            for fmt, name in (("json", "JSON"), ("xml", "XML"), ("csv", "CSV"), ("tsv", "TSV")))
        body.append(f"<p>{count} · download as {downloads}</p>")
        head = "".join(f"<th>{escape(name)}</th>" for name in names)
        cells = "".join("<tr>" + "".join(f"<td>{term_html(term)}</td>" for term in row) + "</tr>" for row in rows)
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")
    body.append("<h2>The query</h2>")
    body.append(query_form(query))
    return layout("Query results", "\n".join(body))


def results_error_page(query: str, status: int, message: str) -> str:
    body = [f"<h1>The query was not answered ({status})</h1>", f'<pre class="message">{escape(message)}</pre>',
            "<h2>The query</h2>", query_form(query)]
    return layout(f"Error {status}", "\n".join(body))


def error_page(status: int, message: str, suggestions: list[str]) -> str:
    body = [f"<h1>{escape(str(status))}: {'not found' if status == 404 else 'not answered'}</h1>",
            f'<pre class="message">{escape(message)}</pre>']
    if suggestions:
        links = "".join(f"<li>{entity_link(s)}</li>" for s in suggestions)
        body.append(f"<p>Did you mean:</p><ul class=\"links\">{links}</ul>")
    body.append(_search_form(""))
    body.append('<p><a href="/">The home page</a> lists the countries, drivers and responses.</p>')
    return layout(f"Error {status}", "\n".join(body))

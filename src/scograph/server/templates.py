"""The pages' HTML: Jinja2 templates (``templates/*.html``, autoescaped) and the helpers they use.

Every page is one self-contained document: inline CSS, inline SVG, no script, nothing
fetched from elsewhere. Templates render streaming (``generate``), so a long page is sent
while it is made.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlencode

from ..terms import DOMAINS, DOMAINS_ZH, ENDPOINT_PREFIXES, ENTITY, LEVELS_ZH

FORMAT_CHOICES = [("html", "HTML table"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"),
                  ("tsv", "TSV"), ("turtle", "Turtle (CONSTRUCT, DESCRIBE)"), ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)")]
MODEL_NAMES = {
    "solidarity": ("Solidarity and mutual trust", "团结互信"),
    "shared-security": ("Shared security", "安危共担"),
    "mutual-benefit": ("Mutual benefit", "互利共赢"),
    "inclusiveness": ("Inclusiveness and mutual learning", "包容互鉴"),
    None: ("Recommendations to China", "对中国的建议"),
}
LEVEL_NAMES = {"domestic": "Domestic level", "regional": "Regional level", "international": "International level",
               "": "Apart from the three levels"}
FINDING_NAMES = {"comparison": "Comparisons between the members", "trend": "Trends", "assessment": "Assessments",
                 "conclusion": "Conclusions", "rationale": "Reasons for the recommendations"}
VOICE_NAMES = {"reported": "reported", "quoted": "quoted", "authors": "the authors' words"}
# The pages have always written oa: IRIs in full.
_PREFIXES = {namespace: prefix + ":" for prefix, namespace in ENDPOINT_PREFIXES.items() if prefix != "oa"}
_HIDDEN_FIELDS = {"id", "type", "label", "label_zh", "description", "description_zh", "evidence", "links_out", "links_in"}


def href(iri: str) -> str | None:
    """Where a link to an IRI goes: this server's /id/… for the data's entities, the IRI itself for http(s)."""
    if iri.startswith(ENTITY) and len(iri) > len(ENTITY):
        return "/id/" + quote(iri[len(ENTITY):], safe="/-._~")
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def compact(iri: str) -> str:
    for namespace, prefix in _PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*(/[\w.-]+)*", iri[len(namespace):]):
            return prefix + iri[len(namespace):]
    return iri


def shorten(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@lru_cache(maxsize=1)
def environment():
    """The one Jinja2 environment: templates from the package, autoescaped, never reloaded from disk."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("scograph.server", "templates"),
        autoescape=True, auto_reload=False, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(href=href, compact=compact, shorten=shorten, urlencode=urlencode, ENTITY=ENTITY,
                       DOMAINS=DOMAINS, DOMAINS_ZH=DOMAINS_ZH, LEVELS_ZH=LEVELS_ZH, LEVEL_NAMES=LEVEL_NAMES, FINDING_NAMES=FINDING_NAMES, VOICE_NAMES=VOICE_NAMES,
                       MODEL_NAMES=MODEL_NAMES, FORMAT_CHOICES=FORMAT_CHOICES, value_kind=value_kind, highlight=highlight)
    return env


PAGES = ("home.html", "entity.html", "node.html", "search.html", "results.html", "results_error.html", "error.html")


def preload() -> None:
    """Compile every template now (a worker does this before it loses its network and files)."""
    env = environment()
    for name in PAGES:
        env.get_template(name)


def stream(name: str, **context):
    """A page, rendered a piece at a time: UTF-8 chunks of about 64 kB.

    Jinja2 yields a string per template node (15,000 for a search page of 1,000 hits);
    sent one by one, each was a thread hop and a socket write, and the page took 5.8 s
    instead of 0.05 s (measured on 100k triples).
    """
    pending: list[str] = []
    size = 0
    for piece in environment().get_template(name).generate(**context):
        pending.append(piece)
        size += len(piece)
        if size >= 64 * 1024:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


def render(name: str, **context) -> bytes:
    return b"".join(stream(name, **context))


# --------------------------------------------------------------------- values on entity pages


def value_kind(value, labels: dict) -> str:
    """How a record's value is shown: an entity link, an IRI link, a mapping, a list, or text."""
    if isinstance(value, str) and ENTITY + value in labels:
        return "entity"
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return "iri"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, list):
        return "list"
    return "text"


def facts(record: dict) -> list[tuple[str, object]]:
    """The fields of a record shown in its facts table (links are shown under "Links")."""
    linked = {link["id"] for key in ("links_out", "links_in") for link in record.get(key, [])}
    rows = []
    for key, value in record.items():
        if key in _HIDDEN_FIELDS or value in (None, "", [], {}):
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) and v in linked for v in value):
            continue
        rows.append((key.replace("_", " "), value))
    return rows


def plain_value(value) -> dict:
    """A store value (IRI, language string, literal) as a JSON results term, for the term macro."""
    from ..store import IRI, LangString

    if isinstance(value, IRI):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, LangString):
        return {"type": "literal", "value": str(value), "xml:lang": value.lang}
    return {"type": "literal", "value": "" if value is None else str(value)}


# --------------------------------------------------------------------- chains as SVG

BOX_W, BOX_H, GAP_X, GAP_Y, TOP = 300, 40, 90, 10, 34
MAX_PER_COLUMN = 30
COLOURS = ("var(--driver, #b7791f)", "var(--expectation, #1f5fa8)", "var(--response, #2f855a)")


def chains_layout(chains: list[dict], focus: str) -> dict:
    """Where each box and curve of the driver → expectation → response figure goes."""
    columns: list[dict[str, dict]] = [{}, {}, {}]
    edges: dict[tuple[str, str], str | None] = {}
    for chain in chains:
        for index, key in enumerate(("driver", "expectation", "response")):
            columns[index].setdefault(chain[key]["id"], chain[key])
        edges[(chain["driver"]["id"], chain["expectation"]["id"])] = chain.get("driver_basis")
        edges[(chain["expectation"]["id"], chain["response"]["id"])] = chain.get("response_basis")
    shown = [sorted(column)[:MAX_PER_COLUMN] for column in columns]
    hidden = [len(column) - len(ids) for column, ids in zip(columns, shown)]
    rows = max([len(ids) + (1 if extra else 0) for ids, extra in zip(shown, hidden)] + [1])
    height = TOP + rows * (BOX_H + GAP_Y) + 4
    width = 3 * BOX_W + 2 * GAP_X + 2
    position = {}
    for index, ids in enumerate(shown):
        for row, entity in enumerate(ids):
            position[(index, entity)] = (1 + index * (BOX_W + GAP_X), TOP + row * (BOX_H + GAP_Y))
    curves = []
    for (source, target), basis in sorted(edges.items()):
        index = 0 if (0, source) in position else 1
        start, end = position.get((index, source)), position.get((index + 1, target))
        if start is None or end is None:
            continue
        x1, y1 = start[0] + BOX_W, start[1] + BOX_H / 2
        x2, y2 = end[0], end[1] + BOX_H / 2
        middle = (x1 + x2) / 2
        curves.append({"d": f"M{x1} {y1} C{middle} {y1} {middle} {y2} {x2} {y2}", "basis": basis})
    boxes = []
    for (index, entity), (x, y) in position.items():
        record = columns[index][entity]
        boxes.append({"id": entity, "label": record.get("label") or record.get("label_zh") or entity, "x": x, "y": y,
                      "colour": COLOURS[index], "stroke": 3 if entity == focus else 1.2})
    more = [{"x": 1 + index * (BOX_W + GAP_X) + 8, "y": TOP + len(shown[index]) * (BOX_H + GAP_Y) + 16, "count": extra}
            for index, extra in enumerate(hidden) if extra]
    titles = [{"x": 1 + index * (BOX_W + GAP_X) + 4, "colour": COLOURS[index], "name": name}
              for index, name in enumerate(("drivers", "expectations", "responses"))]
    return {"width": width, "height": height, "curves": curves, "boxes": boxes, "more": more, "titles": titles,
            "box_w": BOX_W, "box_h": BOX_H}


# --------------------------------------------------------------------- search and results


def highlight(text: str, needle: str) -> tuple[str, str, str]:
    """The text split around the first match (before, match, after); the match is empty if none."""
    folded = text.casefold()
    at = folded.find(needle.casefold().strip()) if needle.strip() else -1
    if at < 0 or len(folded) != len(text):
        return text, "", ""
    end = at + len(needle.strip())
    return text[:at], text[at:end], text[end:]


def results_page(query: str, table: dict, limits):
    """A SPARQL result as an HTML page, streaming."""
    downloads = [(name, "/sparql?" + urlencode({"query": query, "format": fmt}))
                 for fmt, name in (("json", "JSON"), ("xml", "XML"), ("csv", "CSV"), ("tsv", "TSV"))]
    return stream("results.html", query=query, table=table, limits=limits, downloads=downloads)

"""The pictures on the server's pages: which a country's or a theme's page shows, and the answer to
``/pictures/NAME.svg?country=ID`` (or ``theme=ID``), drawn once and kept.

Only ids of the graph's states and themes are drawn (anything else is a 404), so no request can
make the server draw, or keep, a picture of text it was sent. matplotlib's settings are global,
so one picture is drawn at a time.
"""

from __future__ import annotations

import threading
from urllib.parse import urlencode

from . import Picture, PictureFormat, available

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
PAGE_PICTURES = {
    "state": [(Picture.sankey, "country"), (Picture.timeline, "country"), (Picture.heatmap, "country")],
    "theme": [(Picture.sankey, "theme")],
}
"""Which pictures a page shows, and which parameter its entity is to each."""
_ALT = {Picture.sankey: "Driver → demand → response chains", Picture.timeline: "Demands over time, by domain",
        Picture.heatmap: "Demands by theme, coloured by stance"}
_drawing = threading.Lock()


def _kind(record: dict) -> str | None:
    if record.get("type") == "theme":
        return "theme"
    if record.get("type") == "actor" and record.get("kind") == "state":
        return "state"
    return None


def page_pictures(record: dict) -> list[dict]:
    """The pictures of an entity's page (``src``, ``png``, ``alt``); none without the plot extra."""
    kind = _kind(record)
    if kind is None or not available():
        return []
    found = []
    for picture, parameter in PAGE_PICTURES[kind]:
        query = urlencode({parameter: record["id"]})
        found.append({"src": f"/pictures/{picture.value}.svg?{query}", "png": f"/pictures/{picture.value}.png?{query}",
                      "alt": f"{_ALT[picture]}: {record.get('label') or record['id']}"})
    return found


def picture_request(name: str, params: list[tuple[str, str]], claims) -> tuple | None:
    """(picture, format, options) for a request the pages make, or None (a 404) for any other."""
    stem, _, suffix = name.rpartition(".")
    if suffix not in MEDIA_TYPES or stem not in {p.value for p in Picture} or not available():
        return None
    picture = Picture(stem)
    given = dict(params)
    if len(given) != len(params) or not set(given) <= {"country", "theme", "lang"}:
        return None
    lang = given.pop("lang", "en")
    if lang not in ("en", "zh") or len(given) != 1:
        return None
    (parameter, entity_id), = given.items()
    entity = claims.by_id.get(entity_id)
    kind = _kind({"type": type(entity).__name__.lower(), "kind": getattr(getattr(entity, "kind", None), "value", None)})
    if kind is None or (picture, parameter) not in PAGE_PICTURES[kind]:
        return None
    option = getattr(entity, "alpha2", None) if parameter == "country" else entity.id
    return picture, PictureFormat(suffix), {parameter: option, "lang": lang}


def draw(claims, picture: Picture, fmt: PictureFormat, options: dict) -> bytes:
    from . import render

    with _drawing:
        return render(claims, picture, fmt, **options).body

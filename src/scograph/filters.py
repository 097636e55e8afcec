"""The filters every listing takes: theme, speaker, source, dates, stance; then its order and length.

A listing (demands, drivers, responses, findings, actors) is a list of records; the filters
keep the records that pass, :func:`sort_and_cut` orders and cuts them. The theme is matched
in the store (:meth:`scograph.graph.ClaimsGraph._on_theme`, a bound query), the rest on the
records: what a record says of its speaker, sources and dates is in its evidence.

- ``speaker``: the record's speaker, or the speaker of one of its quotes (an actor id);
- ``source``: a source one of its quotes cites, or the paper it is quoted from (a source id);
- ``since``/``until``: partial dates (``2019``, ``2019-04``, ``2019-04-26``), as in ``export``:
  a record is kept when the span of one of its dates (its own, else its quotes') overlaps
  ``[since, until]``; an undated record is left out;
- ``stance``: ``supports``, ``opposes`` or ``concerned`` (demands and findings);
- ``sort``: a field of the records, ``-field`` for the reverse order; ``limit``: at most so many.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import UsageError, suggest
from .terms import STANCES

_COMMON = ("id", "label", "label_zh", "description", "description_zh", "pages")
SORT_FIELDS = {
    "expectation": _COMMON + ("country", "holder", "domain", "stance", "themes", "speaker", "speaker_label", "date"),
    "driver": _COMMON + ("level", "broader", "date"),
    "response": _COMMON + ("domain", "model", "broader", "addressee", "date"),
    "finding": _COMMON + ("kind", "stance", "about", "date"),
    "actor": ("id", "label", "label_zh", "description", "description_zh", "kind", "alpha2", "alpha3", "office",
              "country", "part_of"),
}
"""The fields each kind of listing sorts by (``pages``: the first page; ``date``: the earliest)."""

LISTED_AT_MOST = 50
"""Valid values an error lists before it says how many there are in all."""


def unknown(what: str, given: str, valid: Iterable[str], spellings: Iterable[str] = ()) -> UsageError:
    """``unknown theme 'x' (did you mean 'drugs'?); valid: …``: the nearest of ``valid`` or of other ``spellings``
    of them, and the valid values (the first few of many)."""
    valid = list(valid)
    shown = ", ".join(valid[:LISTED_AT_MOST]) + (f", … ({len(valid)} in all)" if len(valid) > LISTED_AT_MOST else "")
    hint = suggest(given, list(dict.fromkeys([*valid, *spellings])))
    return UsageError(f"unknown {what} {given!r}{hint}; valid: {shown or 'none in this graph'}")


def pick(what: str, given: str, valid: dict[str, str]) -> str:
    """The value meant by ``given`` among ``valid`` ({how it may be typed, folded: value}), or a UsageError."""
    from .inputs import fold

    found = valid.get(fold(given))
    if found is None:
        raise unknown(what, given, sorted(set(valid.values())), [k for k in valid if k.isascii()])
    return found


def parse_stance(text: str) -> str:
    from .inputs import fold

    if fold(text) not in STANCES:
        raise unknown("stance", text, STANCES)
    return fold(text)


def parse_sort(text: str, kind: str) -> tuple[str, bool]:
    """(field, reversed) of ``--sort FIELD`` or ``--sort -FIELD``."""
    name = text.strip()
    backwards = name.startswith("-")
    name = name.lstrip("-").lower()
    if name not in SORT_FIELDS[kind]:
        raise unknown("sort field", text, SORT_FIELDS[kind])
    return name, backwards


def check_limit(limit: int | None) -> int | None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise UsageError(f"--limit {limit!r}: give a count, 0 or more")
    return limit


def dates_of(record: dict) -> list[str]:
    """A record's own date, else the dates of its quotes."""
    if record.get("date"):
        return [record["date"]]
    return sorted({e["date"] for e in record.get("evidence", []) if e.get("date")})


def date_window(since: str | None, until: str | None):
    """(first day, last day) of ``[since, until]``; a UsageError for a date that is none, or an empty window."""
    from datetime import date

    from .inputs import date_span

    low = date_span(since)[0] if since else date.min
    high = date_span(until)[1] if until else date.max
    if low > high:
        raise UsageError(f"--since {since} comes after --until {until}")
    return low, high


def _span(text: str):
    """The days a record's date stands for; a day the month lacks (2019-02-30) stands for the month, as in export."""
    from .inputs import date_span

    try:
        return date_span(text)
    except UsageError:
        return date_span(text[:7])


def keep(records: list[dict], *, ids: set[str] | None = None, speaker: str | None = None, source: str | None = None,
         window=None, stance: str | None = None) -> list[dict]:
    """The records that pass every filter given: ``ids`` (those on the theme), ``speaker``, ``source``,
    ``window`` (from :func:`date_window`), ``stance``."""
    if window is not None:
        low, high = window

        def in_window(record: dict) -> bool:
            return any(start <= high and end >= low for start, end in map(_span, dates_of(record)))
    kept = []
    for record in records:
        evidence = record.get("evidence", [])
        if ids is not None and record["id"] not in ids:
            continue
        if speaker is not None and record.get("speaker") != speaker and all(e.get("speaker") != speaker for e in evidence):
            continue
        if source is not None and all(source not in (e.get("source"), e.get("paper")) for e in evidence):
            continue
        if stance is not None and record.get("stance") != stance:
            continue
        if window is not None and not in_window(record):
            continue
        kept.append(record)
    return kept


def sort_and_cut(records: list[dict], sort: tuple[str, bool] | None, limit: int | None) -> list[dict]:
    """The records ordered by a field (records without it last, whichever the direction), then the first ``limit``."""
    if sort is not None:
        name, backwards = sort

        def value(record: dict):
            if name == "pages":
                found = [e["page"] for e in record.get("evidence", [])]
                return min(found) if found else None
            if name == "date":
                found = dates_of(record)
                return found[0] if found else None
            item = record.get(name)
            return "; ".join(map(str, item)) if isinstance(item, list) else item

        present = [r for r in records if value(r) not in (None, "")]
        absent = [r for r in records if value(r) in (None, "")]
        records = sorted(present, key=value, reverse=backwards) + absent  # stable: ties keep the listing's order
    return records if limit is None else records[:limit]


_ON_THEME = {
    "expectation": "?x sco:theme ?theme .",
    "driver": "?e sco:theme ?theme ; sco:shapedBy ?x .",
    "response": "?e sco:theme ?theme . ?x sco:addresses ?e .",
    "finding": "{ ?x sco:about ?theme } UNION { ?e sco:theme ?theme . ?x sco:about ?e }",
    "actor": "?e sco:theme ?theme . { ?e sco:holder ?x } UNION { ?e sco:speaker ?x }",
}
"""What puts each kind of entity on a theme: a demand its own themes; a driver a demand it shapes; a response a
demand it answers; a finding what it is about (the theme, or a demand on it); an actor a demand it holds or voices."""

_NAMED = {
    "theme": "SELECT ?x ?label WHERE { ?x a sco:Theme OPTIONAL { ?x rdfs:label ?label } }",
    "speaker": "SELECT DISTINCT ?x ?label WHERE { ?said sco:speaker ?x OPTIONAL { ?x rdfs:label ?label } }",
    "source": """SELECT DISTINCT ?x ?label WHERE { { ?ev sco:citedSource ?x } UNION { ?ev prov:wasQuotedFrom ?x }
                                                   OPTIONAL { ?x rdfs:label ?label } }""",
}
"""The themes, the speakers and the sources a graph holds, with their labels: what ``--theme``, ``--speaker`` and
``--source`` may name (by id or label, in any case; a theme also without its ``theme-`` prefix)."""

_TAKES = {
    "expectation": {"theme", "speaker", "source", "since", "until", "stance"},
    "driver": {"theme", "speaker", "source", "since", "until"},
    "response": {"theme", "speaker", "source", "since", "until"},
    "finding": {"theme", "speaker", "source", "since", "until", "stance"},
    "actor": {"theme"},
}
"""The filters each kind of listing takes: an actor has no quotes of its own to have a speaker, source or date."""


class Wanted:
    """The filters, order and length asked of one listing, checked against the store before the listing is made."""

    __slots__ = ("ids", "speaker", "source", "window", "stance", "sort", "limit")

    def __init__(self, store, kind: str, *, theme: str | None = None, speaker: str | None = None,
                 source: str | None = None, since: str | None = None, until: str | None = None,
                 stance: str | None = None, sort: str | None = None, limit: int | None = None):
        given = {name for name, value in (("theme", theme), ("speaker", speaker), ("source", source), ("since", since),
                                          ("until", until), ("stance", stance)) if value is not None}
        if given - _TAKES[kind]:
            raise UsageError(f"a listing of {kind}s takes no {', '.join(sorted(given - _TAKES[kind]))} filter;"
                             f" it takes {', '.join(sorted(_TAKES[kind]))}")
        self.stance = parse_stance(stance) if stance is not None else None
        self.sort = parse_sort(sort, kind) if sort is not None else None
        self.limit = check_limit(limit)
        self.window = date_window(since, until) if since is not None or until is not None else None
        self.speaker = _named(store, "speaker", speaker) if speaker is not None else None
        self.source = _named(store, "source", source) if source is not None else None
        self.ids = None
        if theme is not None:
            from .store import IRI
            from .terms import entity_iri, entity_id

            bound = {"theme": IRI(entity_iri(_named(store, "theme", theme)))}
            # The bound variable is projected: the engine binds it (substitutions) only then.
            rows = store.select(f"SELECT DISTINCT ?x ?theme WHERE {{ {_ON_THEME[kind]} }}", bound)
            self.ids = {entity_id(row["x"]) for row in rows}

    def apply(self, records: list[dict]) -> list[dict]:
        records = keep(records, ids=self.ids, speaker=self.speaker, source=self.source, window=self.window,
                       stance=self.stance)
        return sort_and_cut(records, self.sort, self.limit)


def _named(store, what: str, given: str) -> str:
    """The id of the theme, speaker or source ``given`` names, by id or label; else a UsageError listing them."""
    from .inputs import fold
    from .terms import entity_id

    if not isinstance(given, str):
        raise UsageError(f"--{what} {given!r}: give an id or a name")
    names: dict[str, str] = {}
    for row in store.select(_NAMED[what]):
        found = entity_id(row["x"])
        names.setdefault(fold(found), found)
        if what == "theme" and found.startswith("theme-"):
            names.setdefault(fold(found[len("theme-"):]), found)
        if row["label"] is not None:
            names.setdefault(fold(str(row["label"])), found)
    return pick(what, given, names)

"""What a user types, as the library's words: countries, domains, levels, kinds, ids, dates, choices.

Every parser raises a :class:`~scograph.errors.UsageError` that says what was wrong and what
is valid. Lookups parse their options on every CLI call, so this module imports nothing heavy;
it needs no graph, except that the states a country may be come from one (:func:`country_names`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

from .errors import UsageError
if TYPE_CHECKING:
    from datetime import date

from .terms import ACTOR_KINDS, DATE_PATTERN, ENTITY_CLASSES, DOMAINS, DOMAINS_ZH, FINDING_KINDS, ID_SYNTAX, LEVELS, LEVELS_ZH, NO_LEVEL, is_id

_DOMAIN_ALIASES = {
    **{d: d for d in DOMAINS},
    **{zh: d for d, zh in DOMAINS_ZH.items()},
    "人文交流": "cultural",
    "people-to-people": "cultural",
}
_LEVEL_ALIASES = {**{lv: lv for lv in LEVELS}, **{zh: lv for lv, zh in LEVELS_ZH.items()}, "国际": "international",
                  "national": "domestic"}

def fold(text: str) -> str:
    """Text as user input is compared: NFKC, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def parse_domain(text: str) -> str:
    found = _DOMAIN_ALIASES.get(fold(text))
    if found is None:
        valid = ", ".join(f"{d} ({DOMAINS_ZH[d]})" for d in DOMAINS)
        raise UsageError(f"unknown domain {text!r}; valid: {valid}")
    return found


def parse_level(text: str, allow_none: bool = False) -> str:
    """A level's name from any of its spellings; with ``allow_none``, also ``none`` (drivers outside the three)."""
    found = _LEVEL_ALIASES.get(fold(text))
    if found is None and allow_none and fold(text) == NO_LEVEL:
        return NO_LEVEL
    if found is None:
        valid = ", ".join(f"{lv} ({LEVELS_ZH[lv]})" for lv in LEVELS) + (f", or {NO_LEVEL}" if allow_none else "")
        raise UsageError(f"unknown level {text!r}; valid: {valid}")
    return found


def _one_of(name: str, valid, what: str, text: str) -> str:
    """``name`` (``text`` folded) when it is one of ``valid``, else a UsageError listing them."""
    if name not in valid:
        raise UsageError(f"unknown {what} {text!r}; valid: {', '.join(valid)}")
    return name


def parse_finding_kind(text: str) -> str:
    return _one_of(fold(text), FINDING_KINDS, "finding kind", text)


def parse_actor_kind(text: str) -> str:
    return _one_of(fold(text).replace("_", "-"), ACTOR_KINDS, "actor kind", text)


def parse_entity_kind(text: str) -> str:
    """A record type (``expectation``, ``driver``, …), any case."""
    return _one_of(fold(text), ENTITY_CLASSES, "type", text)


def check_id(text) -> None:
    """A UsageError unless ``text`` is an id: user text never reaches a query unless it is one."""
    if not isinstance(text, str) or not is_id(text):
        raise UsageError(f"not an id: {text!r}; an id is {ID_SYNTAX}")


class Country:
    """A state as ``--country`` resolves it."""

    __slots__ = ("id", "alpha2", "alpha3", "label", "label_zh")

    def __init__(self, id: str, alpha2: str, alpha3: str, label: str, label_zh: str):
        self.id, self.alpha2, self.alpha3, self.label, self.label_zh = id, alpha2, alpha3, label, label_zh

    def __repr__(self) -> str:
        return f"Country({self.id!r}, {self.alpha2!r})"




# The usual other names of the states the graph may hold, by ISO alpha-2 code: older and French
# transliterations, official long forms, short Chinese forms. Kept as data; only states the graph
# holds are resolved, so a name here never invents a state.
COUNTRY_VARIANTS: dict[str, tuple[str, ...]] = {
    "KZ": ("Kazakstan", "Qazaqstan", "Kazakhstan Republic", "Republic of Kazakhstan", "Kazakh", "哈萨克", "哈国", "哈萨克斯坦共和国"),
    "KG": ("Kyrgyz Republic", "Kirghizia", "Kirgizia", "Kirghizstan", "Kirgizstan", "Kyrgyzia", "Kirgiziya", "Kyrgyz",
           "吉尔吉斯", "吉国", "吉尔吉斯共和国"),
    "TJ": ("Tadjikistan", "Tadzhikistan", "Tajikstan", "Republic of Tajikistan", "Tajik", "塔吉克", "塔国",
           "塔吉克斯坦共和国"),
    "UZ": ("Ouzbekistan", "Usbekistan", "Uzbekstan", "Republic of Uzbekistan", "Uzbek", "乌兹别克", "乌国",
           "乌兹别克斯坦共和国"),
    "CN": ("PRC", "People's Republic of China", "China PR", "中华人民共和国", "中"),
    "RU": ("Russian Federation", "Russian", "俄", "俄罗斯联邦"),
    "IN": ("Republic of India", "Bharat", "印"),
    "PK": ("Islamic Republic of Pakistan", "巴"),
    "AF": ("Islamic Republic of Afghanistan", "阿富汗伊斯兰共和国"),
    "US": ("USA", "United States of America", "America", "U.S.", "U.S.A.", "美", "美利坚合众国"),
    "IR": ("Islamic Republic of Iran", "Persia", "伊朗伊斯兰共和国"),
    "TM": ("Turkmenia", "土库曼"),
    "TR": ("Türkiye", "Turkiye", "Republic of Turkey", "土耳其共和国"),
    "JP": ("Nippon", "日"),
    "SY": ("Syrian Arab Republic", "叙"),
}


def _loose(text: str) -> str:
    """A folded name without the words and marks spellings differ in: 'the', dots, hyphens, spaces."""
    text = fold(text)
    text = text[4:] if text.startswith("the ") else text
    return "".join(c for c in text if c.isalnum())


def country_names(countries: Iterable[Country]) -> dict[str, Country]:
    """Every spelling of each state (codes, names, id, the usual variants), loosely folded, -> the state.

    A spelling two states of the graph share resolves to neither: a guess would answer for the
    wrong state. One-character Chinese short forms are listed only where they are unambiguous in
    the press (中, 俄, 美; not 土, Turkmenistan or Türkiye, nor 阿 or 伊)."""
    names: dict[str, Country] = {}
    clashes: set[str] = set()
    for country in countries:
        spellings = (country.alpha2, country.alpha3, country.label, country.label_zh, country.id,
                     *COUNTRY_VARIANTS.get(country.alpha2, ()))
        for name in spellings:
            key = _loose(name) if name else ""
            if not key:
                continue
            if key in names and names[key] is not country:
                clashes.add(key)
            names[key] = country
    for key in clashes:
        del names[key]
    return names


def parse_country(text: str, names: dict[str, Country]) -> Country:
    """A state by any spelling of :func:`country_names`; an unknown one is a UsageError that
    suggests the nearest spellings and lists the valid codes."""
    import difflib

    found = names.get(_loose(text))
    if found is None:
        codes = sorted({c.alpha2 for c in names.values()})
        if not codes:
            raise UsageError(f"unknown country {text!r}: the graph has no states (is it empty?)")
        near = difflib.get_close_matches(_loose(text), list(names), n=3, cutoff=0.75)
        suggestion = sorted({f"{names[key].alpha2} ({names[key].label})" for key in near})
        hint = f"did you mean {' or '.join(suggestion)}? " if suggestion else ""
        raise UsageError(
            f"unknown country {text!r}; {hint}valid: ISO alpha-2 or alpha-3 code, English or Chinese name "
            f"(or a usual variant) of {', '.join(codes)}"
        )
    return found


def choices(enum: type[Enum]) -> str:
    return ", ".join(item.value for item in enum)


def parse_choice(enum: type[Enum], value: Any, what: str, *, exact: bool = False):
    """A member of ``enum`` by its value (or another enum's member of that value): any case, or with
    ``exact`` only as written."""
    if isinstance(value, enum):
        return value
    given = value.value if isinstance(value, Enum) else value
    try:
        return enum(given if exact else str(given).strip().lower())
    except ValueError:
        raise UsageError(f"unknown {what} {value!r}; valid: {choices(enum)}") from None


_DATE = re.compile(DATE_PATTERN)
"""The partial dates of ``scograph.model.PartialDate``."""


def date_span(text: str) -> tuple[date, date]:
    """The days a partial date stands for: ``2019`` → 2019-01-01…2019-12-31, ``2019-04`` → April."""
    import calendar  # only exports and --since/--until need dates: not worth every lookup's start-up
    from datetime import date

    if not _DATE.match(text or ""):
        raise UsageError(f"invalid date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month, last = parts[1], calendar.monthrange(year, parts[1])[1]
    if len(parts) == 2:
        return date(year, month, 1), date(year, month, last)
    if parts[2] > last:
        raise UsageError(f"invalid date {text!r}: {calendar.month_name[month]} {year} has {last} days")
    day = date(year, month, parts[2])
    return day, day

"""Synthetic papers, each built as validated pydantic objects with the proportions of a :class:`~.profile.Profile`."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .. import model as m
from ..errors import UsageError
from .profile import _AT_LEAST_ONE, _PAPER_LOCAL, TRIPLES_PER_PAPER, Distribution, Profile, load_reference, measure, shared_pool
from .text import (
    _ASPECTS, _CITIES, _DOCUMENT_KINDS, _DRIVER_NOUNS, _EVENT_KINDS, _INITIATIVE_KINDS, _INSTITUTES, _JOURNALS, _MEASURES,
    _OUTLETS, _SECTION_HEADINGS, _VERB_PAIRS, _clause, _issn, _lower_first, _person_name, chinese_text,
)


@dataclass
class _PaperMaker:
    """Builds one synthetic paper; every choice comes from ``rng`` so the paper depends only on (seed, index)."""

    rng: random.Random
    profile: Profile
    pool: m.Claims
    scale: float
    paper_id: str
    """Also the prefix of the ids of the paper's entities (``exp-tj-syn-00012-3``)."""
    seed: int
    index: int
    first_page: int = 1
    last_page: int = 1
    year: int = 2019
    footnotes: list[tuple[int, int, str]] = field(default_factory=list)
    """(page, note, source id) of every footnote of the paper."""

    def __post_init__(self) -> None:
        self.actors = {actor.id: actor for actor in self.pool.actors}
        self.themes = {theme.id: theme for theme in self.pool.themes}
        self.all_themes = Distribution.of(Counter(list(self.themes))) if self.themes else None

    # -------------------------------------------------------------- sampling helpers

    def count(self, name: str, size: float) -> int:
        expected = self.profile.per_paper[name] * self.scale * size
        whole = math.floor(expected)
        number = whole + (self.rng.random() < expected - whole)
        return max(number, 1) if name in _AT_LEAST_ONE else number

    def length(self, name: str, field_name: str, available: int | None = None) -> int:
        found = self.profile.lengths.get((name, field_name))
        number = found.sample(self.rng) if found else 0
        return min(number, available) if available is not None else number

    def present(self, name: str, field_name: str) -> bool:
        return self.rng.random() < self.profile.present.get((name, field_name), 0.0)

    def value(self, name: str, field_name: str, default=None):
        found = self.profile.values.get((name, field_name))
        return found.sample(self.rng) if found else default

    def values(self, name: str, field_name: str) -> list[str]:
        found = self.profile.values.get((name, field_name))
        return [found.sample(self.rng) for _ in range(self.length(name, field_name))] if found else []

    def theme(self, domain: str | None = None) -> str | None:
        found = self.profile.themes_by_domain.get(domain) if domain else None
        found = found or self.all_themes
        return found.sample(self.rng) if found else None

    def date(self) -> str:
        year = self.year - self.rng.randint(0, 2)
        precision = self.profile.date_precision.sample(self.rng)
        if precision == 4:
            return f"{year}"
        if precision == 7:
            return f"{year}-{self.rng.randint(1, 12):02d}"
        return f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def page(self) -> int:
        return self.rng.randint(self.first_page, self.last_page)

    def evidence(self, key: str, subject: str | None = None, at_least: int = 1) -> list[m.Evidence]:
        found = self.profile.evidence.get(key)
        number = max(found.sample(self.rng) if found else 1, at_least)
        items = []
        for _ in range(number):
            quote = chinese_text(self.rng, self.profile.quote_length.sample(self.rng), subject)
            # The text around a generated quote is generated too (no paper text to take it from).
            anchor = m.Anchor(prefix=chinese_text(self.rng, 20, end="，")[-m.ANCHOR_LENGTH:],
                              suffix=chinese_text(self.rng, 20)[:m.ANCHOR_LENGTH])
            if self.footnotes and self.rng.random() < self.profile.footnoted:
                page, note, source = self.rng.choice(self.footnotes)
                items.append(m.Evidence(quote=quote, page=page, note=note, source=source, paper=self.paper_id,
                                        anchor=anchor))
            else:
                items.append(m.Evidence(quote=quote, page=self.page(), paper=self.paper_id, anchor=anchor))
        return items

    def links(self, field_name: str, targets: list[str]) -> list[m.Link]:
        inferred = self.profile.inferred.get(field_name, 0.0)
        links = []
        for target in targets:
            if self.rng.random() < inferred:
                reading_zh, reading_en = self.rng.choice(_ASPECTS)
                links.append(m.Link(target=target, basis=m.Basis.inferred, evidence=self.evidence(f"{field_name}-link", at_least=0),
                                    rationale=f"Read from the paper's account of {reading_en}."))
            else:
                links.append(m.Link(target=target, basis=m.Basis.stated, evidence=self.evidence(f"{field_name}-link")))
        return links

    def distinct(self, draw: Callable[[], str | None], number: int) -> list[str]:
        """``number`` different values from ``draw`` (fewer if it keeps repeating itself), sorted."""
        found: set[str] = set()
        for _ in range(4 * number):
            if len(found) == number:
                break
            value = draw()
            if value is not None:
                found.add(value)
        return sorted(found)

    def pick(self, name: str, field_name: str, ids: list[str]) -> list[str]:
        return self.rng.sample(ids, self.length(name, field_name, len(ids)))

    def label(self, entity_id: str | None, language: str = "en") -> str:
        entity = self.actors.get(entity_id) or self.themes.get(entity_id)
        if entity is None:
            return ""
        return entity.label_en if language == "en" else entity.label_zh

    def describe(self, name: str, en: str) -> dict:
        """Descriptions, each as often as the reference gives one for this type."""
        found = {}
        if self.present(name, "description_en"):
            found["description_en"] = en
        if self.present(name, "description_zh"):
            found["description_zh"] = chinese_text(self.rng, 30)
        return found

    # -------------------------------------------------------------- entities

    def make(self) -> m.Claims:
        rng = self.rng
        size = math.exp(rng.gauss(-0.045, 0.3))  # papers differ in length; -σ²/2 keeps the mean size at 1
        pages = max(6, round(self.profile.pages.sample(rng) * rng.uniform(0.7, 1.3)))
        self.first_page = rng.randint(1, 160)
        self.last_page = self.first_page + pages - 1
        self.year = rng.randint(2008, 2024)
        counts = {name: self.count(name, size) for name in _PAPER_LOCAL}
        sources = self.sources(counts["sources"])
        indicators = [self.indicator(k) for k in range(1, counts["indicators"] + 1)]
        events = [self.event(k) for k in range(1, counts["events"] + 1)]
        documents = [self.document(k) for k in range(1, counts["documents"] + 1)]
        initiatives = [self.initiative(k) for k in range(1, counts["initiatives"] + 1)]
        drivers: list[m.Driver] = []
        for k in range(1, counts["drivers"] + 1):
            drivers.append(self.driver(k, drivers, [i.id for i in indicators]))
        expectations = [
            self.expectation(k, [d.id for d in drivers], [e.id for e in events], [d.id for d in documents],
                             [i.id for i in initiatives])
            for k in range(1, counts["expectations"] + 1)
        ]
        responses: list[m.Response] = []
        for k in range(1, counts["responses"] + 1):
            responses.append(self.response(k, responses, expectations, [i.id for i in initiatives]))
        findings = [self.finding(k, expectations, drivers, responses) for k in range(1, counts["findings"] + 1)]
        return m.Claims(papers=[self.paper(expectations)], sources=sources, drivers=drivers,
                        expectations=expectations, responses=responses, initiatives=initiatives,
                        documents=documents, events=events, indicators=indicators, findings=findings)

    def paper(self, expectations: list[m.Expectation]) -> m.Paper:
        rng = self.rng
        holder = rng.choice(expectations).holder
        theme = self.theme(rng.choice(expectations).domain.value)
        title_zh = f"{self.label(holder, 'zh')}对上海合作组织的期待：以{self.label(theme, 'zh')}为例"
        title_en = f"{self.label(holder)}'s expectations of the SCO: the case of {_lower_first(self.label(theme))}"
        period_end = f"{self.year}-{rng.randint(1, 12):02d}"
        authors = [_person_name(rng, "zh") for _ in range(rng.randint(1, 3))]
        breaks = min(rng.randint(2, 5), self.last_page - self.first_page)
        spans = sorted(rng.sample(range(self.first_page + 1, self.last_page + 1), breaks))
        bounds = [self.first_page, *spans, self.last_page + 1]
        sections = []
        for k in range(1, len(bounds)):
            (heading_zh, heading_en), topic = _SECTION_HEADINGS[k - 1], self.theme()
            sections.append(m.Section(
                id=f"sec-{k}", label_zh=f"{'一二三四五六'[k - 1]}、{self.label(topic, 'zh')}{heading_zh}",
                label_en=f"{'I II III IV V VI'.split()[k - 1]}. {heading_en} {_lower_first(self.label(topic))}",
                first_page=bounds[k - 1], last_page=max(bounds[k - 1], bounds[k] - 1),
            ))
        topics = sorted({self.label(t, "zh") for e in expectations for t in e.themes})
        keywords = ["上海合作组织", *rng.sample(topics, min(len(topics), rng.randint(2, 4)))]
        return m.Paper(
            id=self.paper_id, label_zh=title_zh, label_en=title_en, title=title_zh, language="zh",
            description_en=(f"A synthetic paper (scograph synth, seed {self.seed}, paper {self.index}); "
                            "its quotes are generated text."),
            description_zh=f"合成论文（scograph synth，种子 {self.seed}，第 {self.index} 篇），引文为生成的文本。",
            authors=authors, journal=rng.choice(_JOURNALS), year=self.year, issue=str(rng.randint(1, 6)),
            pages=f"{self.first_page}–{self.last_page}", doi=f"10.5555/scograph-synth.{self.seed}.{self.index}",
            issn=_issn(rng), affiliation=rng.choice(_INSTITUTES), keywords=keywords,
            period_start=f"{self.year - 2}-{rng.randint(1, 12):02d}", period_end=period_end,
            first_page=self.first_page, last_page=self.last_page, sections=sections,
        )

    def sources(self, number: int) -> list[m.Source]:
        rng = self.rng
        notes_on_page: Counter = Counter()
        sources = []
        for k in range(1, number + 1):
            source_id = f"src-{self.paper_id}-{k}"
            kind = self.value("sources", "kind", "news")
            language = self.value("sources", "language", "zh")
            citations = []
            for _ in range(max(1, self.length("sources", "citations"))):
                page = self.page()
                while notes_on_page[page] >= 20:
                    page = self.page()
                notes_on_page[page] += 1
                citations.append(m.Citation(paper=self.paper_id, page=page, note=notes_on_page[page]))
                self.footnotes.append((page, notes_on_page[page], source_id))
            theme = self.theme()
            headline_zh = f"{self.label(theme, 'zh')}：{''.join(_clause(rng, None))}"
            headline_en = f"{self.label(theme)}: {rng.choice(_ASPECTS)[1]} in Central Asia"
            shares = self.profile.source_present
            given = {name: rng.random() < shares.get((kind, name), 0.0) for name in
                     ("publisher", "journal", "year", "issue", "pages", "date", "url", "description_en")}
            year = self.year - rng.randint(0, 3)
            sources.append(m.Source(
                id=source_id, kind=kind, language=language,
                label_zh=headline_zh, label_en=headline_en, title=headline_zh if language == "zh" else headline_en,
                description_en=f"Cited on p. {citations[0].page}." if given["description_en"] else None,
                authors=[_person_name(rng, language) for _ in range(self.length("sources", "authors"))],
                publisher=rng.choice(_OUTLETS) if given["publisher"] else None,
                journal=rng.choice(_JOURNALS) if given["journal"] else None,
                year=year if given["year"] else None,
                issue=str(rng.randint(1, 12)) if given["issue"] else None,
                pages=f"{(p := rng.randint(1, 150))}–{p + rng.randint(5, 20)}" if given["pages"] else None,
                date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if given["date"] else None,
                url=f"https://example.org/{self.paper_id}/{source_id}" if given["url"] else None,
                citations=citations,
            ))
        return sources

    def indicator(self, k: int) -> m.Indicator:
        rng = self.rng
        measure_zh, measure_en, unit = rng.choice(_MEASURES)
        subject = self.value("indicators", "subject", "kz")
        year = self.year - rng.randint(1, 3)
        value = round(rng.lognormvariate(1.5, 1.0), rng.choice((1, 2)))
        entity = self.describe("indicators", f"The {measure_en} the paper gives for {self.label(subject)}.")
        return m.Indicator(
            id=f"ind-{self.paper_id}-{k}", label_zh=f"{year}年{self.label(subject, 'zh')}{measure_zh}为{value}（{unit}）",
            label_en=f"{self.label(subject)}'s {measure_en} in {year}: {value} {unit}",
            value=value, unit=unit, year=year, measures=measure_en, subject=subject,
            evidence=self.evidence("indicators", self.label(subject, "zh")), **entity,
        )

    def event(self, k: int) -> m.Event:
        rng = self.rng
        kind = self.value("events", "kind", "meeting")
        city_zh, city_en, country_en = rng.choice(_CITIES)
        kind_zh, kind_en = _EVENT_KINDS[kind]
        date = self.date() if self.present("events", "date") else None
        year = date[:4] if date else str(self.year)
        place = self.present("events", "place")
        entity = self.describe("events", f"A {kind_en.lower()} in {city_en}.")
        return m.Event(
            id=f"evt-{self.paper_id}-{k}", label_zh=f"{year}年{city_zh}{kind_zh}",
            label_en=f"{kind_en} in {city_en}, {year}",
            kind=kind, date=date, end_date=date if date and self.present("events", "end_date") else None,
            place=f"{city_en}, {country_en}" if place else None, place_zh=city_zh if place else None,
            participants=self.values("events", "participants"),
            evidence=self.evidence("events", at_least=0), **entity,
        )

    def document(self, k: int) -> m.Document:
        kind = self.value("documents", "kind", "programme")
        kind_zh, kind_en = _DOCUMENT_KINDS[kind]
        theme = self.theme()
        period = self.present("documents", "period_start")
        entity = self.describe("documents", f"An SCO {kind_en} the paper cites.")
        return m.Document(
            id=f"doc-{self.paper_id}-{k}", label_zh=f"《上海合作组织{self.label(theme, 'zh')}{kind_zh}》",
            label_en=f"SCO {kind_en} on {_lower_first(self.label(theme))}", kind=kind,
            issuers=self.values("documents", "issuers"),
            date=self.date() if self.present("documents", "date") else None,
            period_start=str(self.year) if period else None, period_end=str(self.year + 3) if period else None,
            evidence=self.evidence("documents", at_least=0), **entity,
        )

    def initiative(self, k: int) -> m.Initiative:
        kind = self.value("initiatives", "kind", "other")
        kind_zh, kind_en = _INITIATIVE_KINDS[kind]
        themes = sorted(set(self.values("initiatives", "themes")))
        theme = themes[0] if themes else self.theme()
        entity = self.describe("initiatives", f"A {kind_en} proposed for {_lower_first(self.label(theme))}.")
        return m.Initiative(
            id=f"ini-{self.paper_id}-{k}", label_zh=f"{self.label(theme, 'zh')}{kind_zh}",
            label_en=f"{self.label(theme)} {kind_en}", kind=kind, proposers=self.values("initiatives", "proposers"),
            date=self.date() if self.present("initiatives", "date") else None, themes=themes,
            evidence=self.evidence("initiatives", at_least=0), **entity,
        )

    def driver(self, k: int, earlier: list[m.Driver], indicators: list[str]) -> m.Driver:
        rng = self.rng
        level = self.value("drivers", "level", "domestic") if self.present("drivers", "level") else None
        actors = sorted(set(self.values("drivers", "actors")))
        same_level = [d.id for d in earlier if (d.level.value if d.level else None) == level]
        broader = rng.choice(same_level) if same_level and self.present("drivers", "broader") else None
        noun_zh, noun_en = rng.choice(_DRIVER_NOUNS[level])
        state = next((a for a in actors if self.actors[a].kind is m.ActorKind.state), None)
        label_zh = f"{self.label(state, 'zh')}的{noun_zh}" if state and level == "domestic" else noun_zh
        label_en = f"{noun_en} in {self.label(state)}" if state and level == "domestic" else noun_en
        where = f"at the {level} level" if level else "apart from its three levels"
        entity = self.describe("drivers", f"{noun_en}, as the paper describes it {where}.")
        return m.Driver(
            id=f"drv-{self.paper_id}-{k}", label_zh=label_zh, label_en=label_en, level=level, broader=broader,
            actors=actors, affects=sorted(set(self.values("drivers", "affects"))),
            indicators=self.pick("drivers", "indicators", indicators),
            evidence=self.evidence("drivers", self.label(state, "zh") or None), **entity,
        )

    def expectation(self, k: int, drivers: list[str], events: list[str], documents: list[str],
                    initiatives: list[str]) -> m.Expectation:
        rng = self.rng
        holder = self.value("expectations", "holder", "kz")
        domain = self.value("expectations", "domain", "economic")
        themes = self.distinct(lambda: self.theme(domain), max(1, self.length("expectations", "themes")))
        speakers = self.profile.speaker_by_holder.get(holder)
        speaker = speakers.sample(rng) if speakers else None
        verb_zh, verb_en = rng.choice(_VERB_PAIRS)
        aspect_zh, aspect_en = rng.choice(_ASPECTS)
        theme = themes[0]
        holder_code = self.actors[holder].alpha2
        short = holder_code.lower() if holder_code else holder.split("-")[0]
        entity = self.describe("expectations", f"{self.label(holder)} asks the SCO for this in the {domain} field.")
        date = self.date() if self.present("expectations", "date") else None
        occasion = rng.choice(events) if events and self.present("expectations", "occasion") else None
        evidence = self.evidence("expectations", self.label(holder, "zh"))
        if speaker or date or occasion:
            # Who voiced it, when and where, is what one of its quotes says: the first reports the speaker
            # (the holder, when the paper names no one).
            evidence[0] = evidence[0].model_copy(update={
                "voice": m.Voice.reported, "speaker": speaker or holder, "date": date, "occasion": occasion})
        return m.Expectation(
            id=f"exp-{short}-{self.paper_id}-{k}",
            label_zh=f"在上合组织框架内{verb_zh}{self.label(theme, 'zh')}方面的{aspect_zh}",
            label_en=f"{verb_en} {aspect_en} in {_lower_first(self.label(theme))} within the SCO",
            holder=holder, domain=domain, themes=themes, speaker=speaker, date=date, occasion=occasion,
            stance=self.value("expectations", "stance", "supports"),
            initiatives=self.pick("expectations", "initiatives", initiatives),
            documents=self.pick("expectations", "documents", documents),
            drivers=self.links("drivers", self.pick("expectations", "drivers", drivers)),
            evidence=evidence, **entity,
        )

    def response(self, k: int, earlier: list[m.Response], expectations: list[m.Expectation],
                 initiatives: list[str]) -> m.Response:
        rng = self.rng
        domain = self.value("responses", "domain", "economic")
        models = self.profile.model_by_domain.get(domain)
        model = models.sample(rng) if models else None
        headlines = [r.id for r in earlier if r.broader is None and r.domain.value == domain]
        broader = rng.choice(headlines) if headlines and self.present("responses", "broader") else None
        # A response answers the demands of its own field first, as the paper's do.
        ranked = sorted(expectations, key=lambda e: (e.domain.value != domain, rng.random()))
        wanted = self.length("responses", "addresses", len(ranked))
        theme = self.theme(domain)
        verb_zh, verb_en = rng.choice(_VERB_PAIRS)
        aspect_zh, aspect_en = rng.choice(_ASPECTS)
        entity = self.describe("responses", f"A recommendation in the {domain} field.")
        return m.Response(
            id=f"rsp-{self.paper_id}-{k}", label_zh=f"{verb_zh}{self.label(theme, 'zh')}方面的{aspect_zh}",
            label_en=f"{verb_en} {aspect_en} in {_lower_first(self.label(theme))}",
            addressee=self.value("responses", "addressee", "sco"), domain=domain, model=model, broader=broader,
            initiatives=self.pick("responses", "initiatives", initiatives),
            addresses=self.links("addresses", [e.id for e in ranked[:wanted]]),
            evidence=self.evidence("responses"), **entity,
        )

    def finding(self, k: int, expectations: list[m.Expectation], drivers: list[m.Driver],
                responses: list[m.Response]) -> m.Finding:
        rng = self.rng
        kind = self.value("findings", "kind", "assessment")
        holders = sorted({e.holder for e in rng.sample(expectations, min(len(expectations), 2))})
        theme = self.theme()
        others = [e.id for e in expectations] + [d.id for d in drivers] + [r.id for r in responses]
        about = sorted({*holders, *([theme] if theme else []), *rng.sample(others, min(len(others), 1))})
        names_zh = "与".join(self.label(h, "zh") for h in holders)
        names_en = " and ".join(self.label(h) for h in holders)
        aspect_zh, aspect_en = rng.choice(_ASPECTS)
        entity = self.describe("findings", f"The authors' {kind} of {names_en}.")
        return m.Finding(
            id=f"fnd-{self.paper_id}-{k}", label_zh=f"{names_zh}在{self.label(theme, 'zh')}方面的{aspect_zh}",
            label_en=f"{names_en} on {aspect_en} in {_lower_first(self.label(theme))}",
            kind=kind, stance=self.value("findings", "stance", "supports"), about=about,
            evidence=self.evidence("findings", names_zh), **entity,
        )


def synthetic_paper_id(index: int, papers: int) -> str:
    """``syn-00012``: the id of paper ``index``, and the prefix of its entities' ids, wide enough for ``papers``."""
    return f"syn-{index:0{max(5, len(str(papers)))}d}"


def synthesise(papers: int, seed: int = 0, reference: m.Claims | None = None,
               target: int = TRIPLES_PER_PAPER) -> Iterator[m.Claims]:
    """The shared pool, then ``papers`` synthetic papers, each as its own Claims object.

    ``target`` is the mean number of triples a paper comes to; arguments are checked at once.
    """
    if papers < 1:
        raise UsageError(f"the number of papers must be at least 1, not {papers}")
    if seed < 0:
        raise UsageError(f"the seed must be 0 or more, not {seed}")
    reference = reference if reference is not None else load_reference()
    profile = measure(reference)
    return _corpus(papers, seed, profile, shared_pool(reference), target / profile.triples_per_paper)


def _corpus(papers: int, seed: int, profile: Profile, pool: m.Claims, scale: float) -> Iterator[m.Claims]:
    yield pool
    for index in range(1, papers + 1):
        paper_id = synthetic_paper_id(index, papers)
        rng = random.Random(f"scograph-synth:{seed}:{index}")
        yield _PaperMaker(rng, profile, pool, scale, paper_id, seed, index).make()

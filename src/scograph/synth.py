"""Synthetic claims corpora with the proportions of a real one, for benchmarks at any size.

A corpus is a shared pool (the reference's actors and themes, so that the same
countries and themes recur across papers, as in a real literature) followed by
papers. Each synthetic paper is its own :class:`~scograph.model.Paper` with its
own sources and footnotes, drivers, expectations, responses, initiatives,
documents, events and indicators, built as validated pydantic objects.

The proportions are measured from a reference claims graph (by default the
packaged paper, see :func:`measure`): how many entities of each type a paper
has relative to the others, how many themes, drivers, responses and pieces of
evidence each entity has, which holders, domains and themes go together, how
long quotes are, how much evidence rests on a footnote and how many links are
inferred. A synthetic paper is curated at a lower density than the reference
(about :data:`TRIPLES_PER_PAPER` triples, where the paper has several thousand), so
that 1,000 papers come to about a million triples, the size of the literature
databases the benchmarks model.

Quotes are Chinese text recombined from a word list by the seeded random
generator, never copied from a paper. Paper ``k`` of a seed is the same whatever
the corpus size (up to 99,999 papers), so a corpus of 10 papers is the first 10
papers of one of 1,000.

Corpora are written as a stream, one paper at a time, through the RDF mapping
of :mod:`scograph.rdf.mapping` (the same field table as ``claims.ttl``), as Turtle
or N-Triples; the same seed always gives the same bytes.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import BinaryIO

from . import model as m
from .errors import DataFileError, UsageError
from .fileio import atomic_writer
from .render import RdfSyntax

TRIPLES_PER_PAPER = 1_000
"""The size a synthetic paper aims at, on average (papers vary around it)."""

_PAPER_LOCAL = ("sources", "drivers", "expectations", "responses", "initiatives", "documents", "events", "indicators",
                "findings")
"""Entity lists each paper has of its own; actors and themes come from the shared pool."""
_AT_LEAST_ONE = ("sources", "drivers", "expectations", "responses")


def syntax_for(path: Path | None, syntax: RdfSyntax | None = None) -> RdfSyntax:
    """The syntax asked for, else the one the file name suggests (``.nt``), else Turtle."""
    if syntax is not None:
        return syntax
    return RdfSyntax.nt if path is not None and path.suffix.lower() == ".nt" else RdfSyntax.ttl


# ------------------------------------------------------------------ distributions


@dataclass(frozen=True)
class Distribution:
    """An empirical distribution: values and their cumulative counts, sampled with a given generator."""

    values: tuple
    cumulative: tuple[int, ...]

    @classmethod
    def of(cls, counts: Counter) -> "Distribution | None":
        items = sorted(((v, n) for v, n in counts.items() if n > 0), key=lambda item: (item[0] is None, str(item[0])))
        if not items:
            return None
        return cls(tuple(v for v, _ in items), tuple(itertools.accumulate(n for _, n in items)))

    def sample(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]

    def mean(self) -> float:
        previous, total = 0, 0.0
        for value, cumulative in zip(self.values, self.cumulative):
            total += float(value) * (cumulative - previous)
            previous = cumulative
        return total / self.cumulative[-1]


@dataclass(frozen=True)
class Profile:
    """The proportions of a claims graph, per paper and per entity, that synthetic papers follow."""

    papers: int
    per_paper: dict[str, float]
    """Mean number of entities of each paper-local list (``expectations`` …) per paper."""
    triples_per_paper: float
    """Mean number of triples the paper-local entities of one paper come to."""
    pages: Distribution
    lengths: dict[tuple[str, str], Distribution]
    """(entity list, field) -> how many items a list field holds."""
    present: dict[tuple[str, str], float]
    """(entity list, field) -> share of entities where an optional field is given."""
    values: dict[tuple[str, str], Distribution]
    """(entity list, field) -> the values a field takes (enumerations and pool references)."""
    evidence: dict[str, Distribution]
    """Entity list, or ``drivers-link`` / ``addresses-link`` -> pieces of evidence each has."""
    inferred: dict[str, float]
    """``drivers`` / ``addresses`` -> share of those links that are inferred."""
    quote_length: Distribution
    footnoted: float
    """Share of evidence that rests on a footnote."""
    date_precision: Distribution
    """Lengths of the dates given: 4 (year), 7 (month) or 10 (day)."""
    themes_by_domain: dict[str, Distribution]
    speaker_by_holder: dict[str, Distribution]
    model_by_domain: dict[str, Distribution]
    source_present: dict[tuple[str, str], float]
    """(source kind, field) -> share of sources of that kind that give the field."""


def measure(claims: m.Claims) -> Profile:
    """The proportions of ``claims``; raises DataFileError when it has too little to measure."""
    from .checks.quotes import iter_evidence

    missing = [name for name in ("papers",) + _AT_LEAST_ONE if not getattr(claims, name)]
    if missing:
        raise DataFileError(f"cannot measure proportions: the reference claims have no {', '.join(missing)}")
    papers = len(claims.papers)
    lengths: dict[tuple[str, str], Counter] = defaultdict(Counter)
    present: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    values: dict[tuple[str, str], Counter] = defaultdict(Counter)
    evidence: dict[str, Counter] = defaultdict(Counter)
    inferred: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    dates: Counter = Counter()
    skip = {"id", "label_zh", "label_en", "evidence"}
    for name in _PAPER_LOCAL + ("papers",):
        for entity in getattr(claims, name):
            evidence[name][len(getattr(entity, "evidence", []))] += 1
            for field_name in type(entity).model_fields:
                if field_name in skip:
                    continue
                value = getattr(entity, field_name)
                if isinstance(value, list):
                    lengths[(name, field_name)][len(value)] += 1
                    for item in value:
                        if isinstance(item, m.Link):
                            evidence[f"{field_name}-link"][len(item.evidence)] += 1
                            inferred[field_name][0] += item.basis is m.Basis.inferred
                            inferred[field_name][1] += 1
                        elif isinstance(item, str):
                            values[(name, field_name)][item] += 1
                else:
                    present[(name, field_name)][0] += value is not None
                    present[(name, field_name)][1] += 1
                    if isinstance(value, (str, Enum)):
                        values[(name, field_name)][getattr(value, "value", value)] += 1
                    if field_name in ("date", "end_date", "period_start", "period_end") and value:
                        dates[len(value)] += 1
    quotes = Counter()
    footnoted = total = 0
    for _, item in iter_evidence(claims):
        quotes[len(item.quote)] += 1
        footnoted += item.note is not None
        total += 1
    themes_by_domain: dict[str, Counter] = defaultdict(Counter)
    speaker_by_holder: dict[str, Counter] = defaultdict(Counter)
    for expectation in claims.expectations:
        themes_by_domain[expectation.domain.value].update(expectation.themes)
        speaker_by_holder[expectation.holder][expectation.speaker] += 1
    model_by_domain: dict[str, Counter] = defaultdict(Counter)
    for response in claims.responses:
        domain = response.domain.value if response.domain else None
        model_by_domain[domain][response.model.value if response.model else None] += 1
    source_present: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for source in claims.sources:
        for field_name in ("publisher", "journal", "year", "issue", "pages", "date", "url", "description_en"):
            source_present[(source.kind, field_name)][0] += getattr(source, field_name) is not None
            source_present[(source.kind, field_name)][1] += 1
    local = m.Claims(papers=claims.papers, **{name: getattr(claims, name) for name in _PAPER_LOCAL})
    return Profile(
        papers=papers,
        per_paper={name: len(getattr(claims, name)) / papers for name in _PAPER_LOCAL},
        triples_per_paper=sum(len(_triples_of(entity)) for entity in local.entities()) / papers,
        pages=Distribution.of(Counter(p.last_page - p.first_page + 1 for p in claims.papers)),
        lengths={key: Distribution.of(counts) for key, counts in lengths.items()},
        present={key: hits / seen for key, (hits, seen) in present.items()},
        values={key: d for key, counts in values.items() if (d := Distribution.of(counts))},
        evidence={key: Distribution.of(counts) for key, counts in evidence.items()},
        inferred={key: hits / seen for key, (hits, seen) in inferred.items()},
        quote_length=Distribution.of(quotes),
        footnoted=footnoted / total if total else 0.0,
        date_precision=Distribution.of(dates) or Distribution.of(Counter({10: 1})),
        themes_by_domain={key: Distribution.of(counts) for key, counts in themes_by_domain.items()},
        speaker_by_holder={key: Distribution.of(counts) for key, counts in speaker_by_holder.items()},
        model_by_domain={key: Distribution.of(counts) for key, counts in model_by_domain.items()},
        source_present={key: hits / seen for key, (hits, seen) in source_present.items()},
    )


def shared_pool(reference: m.Claims) -> m.Claims:
    """The actors and themes every synthetic paper draws on: the reference's, without its evidence.

    Their evidence quotes the reference paper, which a synthetic corpus does not contain.
    """
    return m.Claims(
        actors=[actor.model_copy(update={"evidence": []}) for actor in reference.actors],
        themes=list(reference.themes),
    )


def load_reference(path: Path | None = None) -> m.Claims:
    """The claims a corpus is modelled on: ``path``, or the packaged paper."""
    from .graph import ClaimsGraph

    return ClaimsGraph.load(path).claims


# ------------------------------------------------------------------ text

_NOUNS = (
    "上海合作组织 上合组织 成员国 中亚国家 地区 安全 稳定 发展 合作 经济 贸易 投资 互联互通 基础设施 交通运输 能源 电力 "
    "人文交流 旅游 教育 文化 青年 机制 平台 对话 互信 政治 外交 峰会 倡议 战略 对接 局势 和平进程 恐怖主义 极端主义 毒品 走私 "
    "边境 执法 演习 国际体系 大国 关系 利益 诉求 期待 政策 改革 项目 资金 农业 工业 数字经济 科技 创新 卫生 媒体 智库 民间往来 "
    "友好关系 命运共同体 上海精神 区域一体化 自由贸易 物流 铁路 公路 过境潜力 市场 产能合作 金融 粮食安全 水资源 环境保护 "
    "公共外交 议会 政府 领导人 外交部 国家利益 主权 睦邻友好 多边合作 双边关系 框架 规划 纲要 共识 挑战 风险 威胁 需求 影响"
).split()
_VERBS = "加强 深化 扩大 推动 促进 落实 提升 完善 建立 支持 参与 维护 保障 协调 探索 发挥 巩固 拓展 开展 实施 打击 应对 重视 关注".split()
_ADVERBS = "进一步 积极 不断 共同 切实 充分 务实 全面 持续 尽快 有效 大力".split()
_MODIFIERS = "地区 多边 双边 区域 务实 长期 稳定 全面 新的 重要 主要 传统 非传统 跨境 共同".split()
_SAYING = "认为 强调 指出 表示 希望 主张 呼吁".split()

_VERB_PAIRS = (
    ("加强", "Strengthen"), ("深化", "Deepen"), ("推动", "Advance"), ("扩大", "Expand"), ("完善", "Improve"),
    ("落实", "Implement"), ("支持", "Support"), ("促进", "Promote"), ("协调", "Coordinate"), ("提升", "Raise"),
)
_ASPECTS = (
    ("机制建设", "the mechanisms"), ("项目合作", "joint projects"), ("政策协调", "policy coordination"),
    ("人员交流", "exchanges of people"), ("资金保障", "funding"), ("信息交流", "information sharing"),
    ("规划对接", "the alignment of plans"), ("务实合作", "practical cooperation"),
)
_DRIVER_NOUNS = {
    "domestic": (("政治转型", "Political transition"), ("经济改革", "Economic reform"), ("领导层更替", "Leadership change"),
                 ("安全挑战", "Security challenges"), ("经济增长放缓", "Slowing economic growth"),
                 ("对外开放政策", "The opening-up policy"), ("能源出口依赖", "Dependence on energy exports"),
                 ("青年就业压力", "Pressure of youth unemployment")),
    "regional": (("阿富汗局势", "The situation in Afghanistan"), ("跨境毒品贩运", "Cross-border drug trafficking"),
                 ("边境安全问题", "Border security"), ("水资源争端", "Water-resource disputes"),
                 ("地区一体化进程", "The regional integration process"), ("恐怖主义威胁", "The terrorist threat")),
    "international": (("大国中亚政策的调整", "Great powers' adjustments of their Central Asia policies"),
                      ("欧亚经济联盟的发展", "The development of the Eurasian Economic Union"),
                      ("“一带一路”建设", "Belt and Road construction"), ("大国战略竞争", "Great-power strategic competition"),
                      ("欧盟新中亚战略", "The EU's new Central Asia strategy"),
                      ("全球经济的不确定性", "Global economic uncertainty")),
    None: (("上合组织扩员", "The enlargement of the SCO"), ("“中国威胁论”", "The \"China threat\" theory")),
}
_INITIATIVE_KINDS = {
    "railway": ("铁路", "railway"), "road": ("公路", "road"), "corridor": ("走廊", "corridor"),
    "energy": ("能源项目", "energy project"), "body": ("中心", "centre"), "trade": ("自贸区", "free trade zone"),
    "finance": ("基金", "fund"), "programme": ("计划", "programme"), "forum": ("论坛", "forum"),
    "other": ("倡议", "initiative"),
}
_DOCUMENT_KINDS = {
    "treaty": ("条约", "treaty"), "strategy": ("战略", "strategy"), "programme": ("纲要", "programme"),
    "plan": ("行动计划", "action plan"), "declaration": ("宣言", "declaration"), "statement": ("声明", "statement"),
    "speech": ("讲话", "speech"), "agreement": ("协定", "agreement"), "project": ("项目", "project"),
}
_EVENT_KINDS = {
    "summit": ("峰会", "Summit"), "meeting": ("会议", "Meeting"), "conference": ("研讨会", "Conference"),
    "exercise": ("联合演习", "Joint exercise"), "visit": ("访问", "Visit"), "election": ("选举", "Election"),
    "other": ("活动", "Event"),
}
_CITIES = (
    ("比什凯克", "Bishkek", "Kyrgyzstan"), ("塔什干", "Tashkent", "Uzbekistan"), ("阿斯塔纳", "Astana", "Kazakhstan"),
    ("杜尚别", "Dushanbe", "Tajikistan"), ("撒马尔罕", "Samarkand", "Uzbekistan"), ("阿拉木图", "Almaty", "Kazakhstan"),
    ("北京", "Beijing", "China"), ("莫斯科", "Moscow", "Russia"), ("青岛", "Qingdao", "China"),
)
_MEASURES = (
    ("贸易额", "trade volume", "billion USD"), ("外国直接投资流入", "foreign direct investment inflows", "billion USD"),
    ("经济增长率", "GDP growth", "percent"), ("旅游服务出口", "tourism services exports", "billion USD"),
    ("过境货运量", "transit freight volume", "million tonnes"), ("入境游客", "inbound tourist visits", "million visits"),
    ("电力出口", "electricity exports", "billion kWh"), ("失业率", "unemployment rate", "percent"),
)
_SECTION_HEADINGS = (
    ("问题的提出", "The question of"), ("的影响因素", "What shapes"), ("的主要期待", "The main expectations on"),
    ("面临的挑战", "The challenges of"), ("的应对之策", "How the SCO should respond on"), ("的前景", "The outlook for"),
)
_SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 曾 石 孔 邓 许 韩".split()
_GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 华 亚 向 红 晓 东 文 海 新 宁 远".split()
_LATIN_NAMES = "Ivanov Karimov Nazarov Sultanova Abdullaev Petrova Smith Brown Lee Kim Tursunov Saidova".split()
_JOURNALS = ("中亚与上合研究", "欧亚区域评论", "国际合作研究", "丝路发展研究", "周边外交学刊", "区域治理评论")
_OUTLETS = ("欧亚观察网", "丝路新闻", "中亚时报", "Eurasia Review Desk", "Central Asia Monitor", "区域合作通讯")
_INSTITUTES = ("某大学中亚研究所", "某大学国际关系学院", "某研究院欧亚研究中心", "某大学上海合作组织研究中心")


def _lower_first(text: str) -> str:
    """``Counter-narcotics cooperation`` -> ``counter-narcotics cooperation``; ``SCO …`` stays."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _clause(rng: random.Random, subject: str | None) -> list[str]:
    """One clause of policy prose, as its words."""
    pick, choice = rng.choice, rng.random()
    if choice < 0.3:
        return [subject or pick(_NOUNS), pick(_ADVERBS), pick(_VERBS), pick(_MODIFIERS), pick(_NOUNS)]
    if choice < 0.55:
        return ["在", pick(_NOUNS), "框架内", pick(_VERBS), pick(_NOUNS), "与", pick(_NOUNS), "的", pick(_NOUNS)]
    if choice < 0.75:
        return [subject or pick(_NOUNS), pick(_SAYING), "，", pick(_NOUNS), "应", pick(_VERBS), pick(_NOUNS)]
    return [pick(_ADVERBS), pick(_VERBS), pick(_NOUNS), "的", pick(_MODIFIERS), pick(_NOUNS)]


def chinese_text(rng: random.Random, length: int, subject: str | None = None, end: str = "。") -> str:
    """Chinese policy prose of about ``length`` characters (ending included), recombined from a word list.

    It stops at the word boundary nearest ``length``; ``subject`` (a country, say) opens the first clause.
    """
    words: list[str] = []
    size, wanted = 0, max(2, length - len(end))
    while size < wanted:
        for word in _clause(rng, subject if not words else None) + ["，"]:
            if size + len(word) - wanted > wanted - size:  # closer to the length without it
                break
            words.append(word)
            size += len(word)
        else:
            continue
        break
    return "".join(words).rstrip("，的与在应") + end


def _person_name(rng: random.Random, language: str) -> str:
    if language == "zh":
        return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))
    return f"{rng.choice('ABDGKMNRST')}. {rng.choice(_LATIN_NAMES)}"


def _issn(rng: random.Random) -> str:
    digits = [rng.randint(0, 9) for _ in range(7)]
    check = (11 - sum(d * w for d, w in zip(digits, range(8, 1, -1))) % 11) % 11
    return "".join(map(str, digits[:4])) + "-" + "".join(map(str, digits[4:])) + ("X" if check == 10 else str(check))


# ------------------------------------------------------------------ papers


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


# ------------------------------------------------------------------ writing


class _TripleList:
    """The part of an rdflib Graph that :func:`scograph.rdf.mapping.add_entity` writes through.

    ``add``, and the reads rdflib's ``Collection`` makes while it builds an author
    list, over a plain list: insertion order is kept, and nothing is indexed.
    """

    def __init__(self) -> None:
        self.triples: list[tuple] = []

    def add(self, triple: tuple) -> "_TripleList":
        self.triples.append(triple)
        return self

    @staticmethod
    def _matches(triple: tuple, pattern: tuple) -> bool:
        return all(want is None or want == have for have, want in zip(triple, pattern))

    def __contains__(self, pattern: tuple) -> bool:
        return any(self._matches(t, pattern) for t in self.triples)

    def remove(self, pattern: tuple) -> "_TripleList":
        self.triples = [t for t in self.triples if not self._matches(t, pattern)]
        return self

    def set(self, triple: tuple) -> "_TripleList":
        return self.remove((triple[0], triple[1], None)).add(triple)

    def value(self, subject=None, predicate=None, object=None, default=None, any=True):
        for s, p, o in self.triples:
            if s == subject and p == predicate:
                return o
        return default


def _triples_of(entity: m.Entity) -> list[tuple]:
    from .rdf.mapping import add_entity

    sink = _TripleList()
    add_entity(sink, entity)
    return sink.triples


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


class _Writer:
    """Formats triples as N-Triples lines or Turtle blocks; blank nodes get file-wide labels in order."""

    def __init__(self, syntax: RdfSyntax):
        from rdflib import BNode, Literal
        from rdflib.namespace import RDF, XSD

        from .terms import ENTITY, PREFIXES

        self.syntax = syntax
        self.BNode, self.Literal, self.rdf_type = BNode, Literal, RDF.type
        self.xsd_integer = XSD.integer
        self.entity_ns = str(ENTITY)
        self.prefixes = sorted(PREFIXES.items(), key=lambda p: -len(p[1]))
        self.vocabulary: dict = {}
        self.blanks = 0

    def header(self) -> str:
        if self.syntax is RdfSyntax.nt:
            return ""
        return "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in sorted(self.prefixes)) + "\n"

    def _term(self, term, blanks: dict) -> str:
        if isinstance(term, self.Literal):
            text = '"' + str(term).translate(_ESCAPES) + '"'
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype is None:
                return text
            if self.syntax is RdfSyntax.ttl and term.datatype == self.xsd_integer:
                return str(term)
            return f"{text}^^{self._iri(term.datatype)}"
        if isinstance(term, self.BNode):
            if term not in blanks:
                self.blanks += 1
                blanks[term] = f"_:b{self.blanks}"
            return blanks[term]
        return self._iri(term)

    def _iri(self, iri) -> str:
        text = str(iri)
        if self.syntax is RdfSyntax.nt:
            return f"<{text}>"
        found = self.vocabulary.get(text)
        if found is None:
            found = f"<{text}>"
            for prefix, ns in self.prefixes:
                if text.startswith(ns) and _LOCAL_NAME.match(text[len(ns):]):
                    found = f"{prefix}:{text[len(ns):]}"
                    break
            if not text.startswith(self.entity_ns):  # vocabulary terms recur; entity IRIs mostly do not
                self.vocabulary[text] = found
        return found

    def entities(self, claims: m.Claims) -> tuple[str, int]:
        """The text of every entity of ``claims``, and the number of triples in it."""
        chunks, count = [], 0
        for entity in claims.entities():
            triples = _triples_of(entity)
            count += len(triples)
            chunks.append(self._format(triples))
        return "".join(chunks), count

    def _format(self, triples: list[tuple]) -> str:
        blanks: dict = {}
        if self.syntax is RdfSyntax.nt:
            term = self._term
            return "".join(f"{term(s, blanks)} {term(p, blanks)} {term(o, blanks)} .\n" for s, p, o in triples)
        by_subject: dict = {}
        for s, p, o in triples:
            by_subject.setdefault(s, {}).setdefault(p, []).append(o)
        lines = []
        for subject, predicates in by_subject.items():
            lines.append(self._term(subject, blanks) + "\n")
            for predicate, objects in predicates.items():
                verb = "a" if predicate == self.rdf_type else self._term(predicate, blanks)
                lines.append(f"    {verb} {' , '.join(self._term(o, blanks) for o in objects)} ;\n")
            lines.append(".\n\n")
        return "".join(lines)


@dataclass(frozen=True)
class CorpusSummary:
    papers: int
    triples: int
    bytes: int


def write_corpus(stream: BinaryIO, papers: int, seed: int = 0, syntax: RdfSyntax = RdfSyntax.ttl,
                 reference: m.Claims | None = None,
                 progress: Callable[[int], None] | None = None) -> CorpusSummary:
    """Write a corpus to a binary stream, one paper at a time; ``progress`` hears how many papers are done."""
    corpus = synthesise(papers, seed, reference)  # checks the arguments before anything is written
    writer = _Writer(syntax)
    written = stream.write(writer.header().encode("utf-8"))
    triples = 0
    for done, claims in enumerate(corpus):
        text, count = writer.entities(claims)
        written += stream.write(text.encode("utf-8"))
        triples += count
        if progress is not None and done:
            progress(done)
    return CorpusSummary(papers, triples, written)


def write_corpus_file(path: Path | None, papers: int, seed: int = 0, syntax: RdfSyntax | None = None,
                      reference: m.Claims | None = None,
                      progress: Callable[[int], None] | None = None) -> CorpusSummary:
    """Write a corpus to ``path`` atomically (a temporary file beside it, renamed at the end), or to stdout."""
    import sys

    syntax = syntax_for(path, syntax)
    if path is None:
        sys.stdout.flush()
        summary = write_corpus(sys.stdout.buffer, papers, seed, syntax, reference, progress)
        sys.stdout.buffer.flush()
        return summary
    with atomic_writer(Path(path)) as handle:
        summary = write_corpus(handle, papers, seed, syntax, reference, progress)
    return summary

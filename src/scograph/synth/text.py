"""Chinese text, names and titles recombined from word lists by a seeded random generator, never copied from a paper."""

from __future__ import annotations

import random



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

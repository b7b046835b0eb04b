"""The question's terms: which of its words a passage must hold, in which renderings, how much of them it holds,
and whether it names what the question requires.

A passage answers only if it covers the question's content words (weighted by idf), a word or one of its
synonyms (成立/创办, 增速/增长率, an English word's renderings), with the user's own talk (那个, 一共, 叫什么名字)
and the kind of answer asked (哪个机构) left out; and only if it names what the question is about: its
organisations (or their loose spelling), places, years, the edition asked (第八届), Latin-letter names.
These readers turn a question into term groups, measure a text's coverage of them and check the required
names; extractive.py decides which passage is good enough. Kept apart so the coverage rules can be read
and tested alone.
The switches of the rules read here (EVENT_WORDS, RATE_WORDS, WORD_GROUPS, SUBSTRING_TOTALS, SPELLED_NAMES,
ORDINALS, LOOSE_NAMES, LATIN_NAMES) sit beside their code: tests turn them off on this module.
EVENT_ANCHORS, FUNCTION_WORDS and NAMED_WHERE_CONTESTED say whether extractive.py uses a reader at all,
and stay there.
"""

from __future__ import annotations

import functools
from dataclasses import replace
import re
from typing import Callable

from rag.answer.binding import metric_synonyms
from rag.answer.organisation_names import _LEGAL_FORMS
from rag.answer.question import RELATIVE_YEAR_WORDS, Question, relative_years, years_for
from rag.answer.spans import numeral_forms, read_number
from rag.documents import Chunk
from rag.entities import aliases_of, find_organisations
from rag.facts import find_places


# Words after a question word that name the kind of answer (哪个机构), not what surrounds it.
_ANSWER_TYPE_WORDS = {"机构", "企业", "公司", "集团", "单位", "组织", "部门", "央企", "商会", "协会", "基金会", "银行", "县", "市", "省", "村", "镇", "乡",
                      "地方", "地区", "人", "名字", "位"}
# How a user phrases a question, not what the answer's sentence says: filler (那个, 一共)
# and the words that name what is asked (叫什么名字, 多少钱, 第几, 哪个乡).
_FORM_WORDS = {"那个", "这个", "那", "这", "一共", "总共", "大概", "大约", "到底", "究竟", "具体", "啊", "呢", "吧", "呀",
               "请问", "知道", "告诉"}
_ASKED_WORDS = {
    "person": {"叫", "名字", "姓名", "叫做", "人"},
    "money": {"钱", "花", "花了", "掏", "砸", "出", "拿", "拿出"},
    "rank": {"第几", "名次", "几名", "第几名", "第几位"},
    "date": {"时候", "时间", "日期", "哪天", "哪一天", "几号", "几月"},
    "place": {"地方", "哪儿"},
    "duration": {"多久", "多长", "时间", "多长时间"},
}


def _content_words(text: str) -> list[str]:
    """The question's words that a sentence can be matched on: words of two or more characters
    (single characters such as 向 or 在 occur everywhere), else its single Chinese characters."""
    from rag.lexical import tokenize

    tokens = list(dict.fromkeys(tokenize(text)))
    words = [t for t in tokens if len(t) > 1]
    return words or [t for t in tokens if "\u4e00" <= t <= "\u9fff" and t not in "的了是在和与有向对给把被"]


_LIGHT_VERBS = {"是", "有", "在", "将", "会", "要", "能", "进行", "开始", "计划", "打算", "准备", "举行", "举办", "发生", "出现",
                "成为", "获得", "实现", "完成", "达到", "属于", "显示", "表示", "介绍", "宣布", "公布", "发布", "定", "定在"}


@functools.lru_cache(maxsize=512)
def _event_verbs(text: str) -> tuple[str, ...]:
    """The question's verbs that name what happened (受理, 投产), not the light ones (是, 举行, 计划)."""
    from rag import jieba

    return tuple(w for w, tag in jieba.tag(text) if tag.startswith("v") and len(w) >= 2 and w not in _LIGHT_VERBS)


# The tags of the question's function words, which weigh nothing with extractive.FUNCTION_WORDS on.
# (Not adverbs: 共同 in 共同持股, 首次, 累计 say what the passage must.)
_TALK_TAGS = ("r", "p", "c", "u", "y", "e", "o")


@functools.lru_cache(maxsize=1024)
def _function_words(text: str) -> frozenset[str]:
    from rag import jieba

    # (jieba tags a verb with its aspect particle, 投了, as the particle, and the verb 通过 as a preposition:
    # only a lone particle or preposition is one.)
    return frozenset(word for word, tag in jieba.tag(text)
                     if tag.startswith(_TALK_TAGS) and tag != "rr" and (len(word) == 1 or not tag.startswith(("u", "p"))))


_NOUN_TAGS = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "eng", "an", "j")


def _is_noun(token: str) -> bool:
    from rag import jieba

    tags = [tag for _, tag in jieba.tag(token)]
    return bool(tags) and all(tag in _NOUN_TAGS for tag in tags)


_ORG_TYPE_WORDS = {"企业", "公司", "集团", "央企", "单位", "机构", "组织", "enterprise", "company", "group"}
# Words a passage may use for the question's word; kept small and literal.
_SYNONYMS = {
    "投资": ("投入",), "投入": ("投资",),
    "帮扶": ("扶贫", "援扶", "支援", "对口支援"), "扶贫": ("帮扶",), "援助": ("帮扶", "支援"),
    "购买": ("采购", "购销"), "采购": ("购买", "购销"),
    "捐赠": ("捐助", "捐款", "捐资", "捐建"), "捐款": ("捐赠", "捐助"),
}
# Events that business news words several ways, and how users say them: a question's word is covered by any
# word of its group that a passage writes ("美的是哪一年创办的": "美的成立于1968年"). General vocabulary, not
# any article's. Off (EVENT_WORDS = False): only the pairs above.
EVENT_WORDS = True
_EVENT_GROUPS = (
    ("成立", "创办", "创立", "创建", "组建", "设立", "建立"),
    ("上市", "挂牌"),
    ("开业", "开张", "开幕", "揭幕", "启幕", "开馆", "启用"),
    ("开工", "动工", "开建"),
    ("竣工", "完工", "建成", "落成"),
    ("投产", "量产", "投运", "投入运营"),
    ("签约", "签署", "签订"),
    ("赔偿", "赔付", "理赔"),
    ("罚款", "处罚", "罚没"),
    ("招聘", "招收", "录用"),
)
# Colloquial verbs a question uses for what articles write formally (one way: an article's 挣 says little).
_SPOKEN_VERBS = {
    "挣": ("盈利", "利润", "净利润", "收入"), "赚": ("盈利", "利润", "净利润", "收入"),
    "花": ("投资", "投入", "花费", "支出", "耗资"), "砸": ("投资", "投入", "耗资"), "掏": ("捐赠", "捐款", "出资", "投入"),
    "卖": ("销售", "售出", "出售", "销量"), "买": ("购买", "采购", "收购"), "借": ("融资", "借款", "贷款", "发行"),
    "赔": ("赔偿", "赔付", "理赔"), "罚": ("罚款", "处罚"),
}
# A rate of change is written as the change itself: "增速是多少" is answered by "同比增长7.9%" (one way: a
# question's 增长 is covered by its own word). Off: a rate noun must be written as asked.
RATE_WORDS = True
_RATE_NOUNS = {"增速": ("增长", "增幅", "增长率"), "增幅": ("增长", "增速", "增长率"), "增长率": ("增长", "增速", "增幅"),
               "降幅": ("下降", "减少", "下滑"),  # (not 涨幅/跌幅: a market report's metrics, beside its verbs)
               # A change that statistics report is year on year unless said otherwise: "增长47.5%" is 同比.
               "同比": ("增长", "下降", "增加", "减少", "上涨", "下跌", "下滑", "增幅", "降幅")}
_EVENT_SYNONYMS = {word: tuple(w for w in group if w != word) for group in _EVENT_GROUPS for word in group} | _SPOKEN_VERBS


def _unseen_word_synonyms(token: str) -> tuple[str, ...]:
    """The words whose weight a question word no passage uses takes (创办 for 成立): the event table's and,
    with RATE_WORDS, the rate nouns'; none with EVENT_WORDS off."""
    if not EVENT_WORDS:
        return ()
    return _EVENT_SYNONYMS.get(token, ()) + (_RATE_NOUNS.get(token, ()) if RATE_WORDS else ())


def _synonyms(token: str) -> tuple[str, ...]:
    """The words a passage may write for the question's ``token`` (the event table's only with EVENT_WORDS)."""
    return _SYNONYMS.get(token, ()) + (_EVENT_SYNONYMS.get(token, ()) if EVENT_WORDS else ()) \
        + (_RATE_NOUNS.get(token, ()) if RATE_WORDS else ())


# An English word's renderings count once (invest -> 投资, 投入): the word is found by the best of them.
WORD_GROUPS = True

_Group = list[list[tuple[str, float]]]  # renderings, each its weighted tokens


def _term_groups(question: Question, weights: dict[str, float]) -> list[_Group]:
    """The question's weighted tokens grouped by the word they render.

    A Chinese question's tokens are a group each. An English question's tokens are grouped by
    ``question.renderings`` (each English word's renderings; a token is its first group's); a token
    that no rendering holds is a group of its own.
    """
    groups: list[_Group] = []
    claimed: set[str] = set()
    if question.language == "en" and WORD_GROUPS:
        for renderings in question.renderings:
            group = []
            for rendering in renderings:
                tokens = [(t, w) for t, w in weights.items() if t not in claimed and t in rendering]
                if tokens:
                    group.append(tokens)
            claimed.update(t for tokens in group for t, _ in tokens)
            if group:
                groups.append(group)
    groups += [[[(t, w)]] for t, w in weights.items() if t not in claimed]
    return groups


def _group_weight(group: _Group) -> float:
    return max(sum(w for _, w in tokens) for tokens in group)


def _covered(groups: list[_Group], found: Callable[[str], bool]) -> float:
    """The weight of the groups ``found`` finds: each group's weight times the share of its best rendering found."""
    covered = 0.0
    for group in groups:
        weight = _group_weight(group)
        if weight <= 0:
            continue
        share = max(sum(w for t, w in tokens if found(t)) / (sum(w for _, w in tokens) or 1.0) for tokens in group)
        covered += weight * share
    return covered


def _contains(text: str, token: str) -> bool:
    """``token``, a synonym of it (a metric in another wording: 募资 as 募集资金), or the same count in the
    other numerals (两个 = 2个) is in ``text``."""
    written = token in text
    if written and SUBSTRING_TOTALS and token in _PART_OF_TOTAL:
        # "出口额" is not written by "进出口额": the total that holds the word names both flows.
        written = text.replace(_PART_OF_TOTAL[token], "").find(token) >= 0
    return (written or any(alt in text for alt in _synonyms(token))
            or any(alt in text for alt in metric_synonyms(token))
            or any(form in text for form in numeral_forms(token)[1:]))


# A flow asked for (出口, 入境) is not written inside the total of both flows (进出口, 出入境).
# Off: any occurrence of the word counts.
SUBSTRING_TOTALS = True
_PART_OF_TOTAL = {"出口": "进出口", "入境": "出入境", "出境": "出入境"}


def _supports_required(question: Question, chunk: Chunk, context: str, article_named: set[str] = frozenset()) -> bool:
    """Every organisation, place, year and figure the question names is in the passage.

    The article's subject organisation counts as named in every passage of it.
    A "which of A, B and C" question needs only one of its candidates. A year counts as
    named when it is one of ``article_named`` (its article's reporting periods; any year the article
    names, for a passage that names none); so does a place among them (one its article names).
    """
    named = [org == chunk.subject or any(alias in context for alias in aliases_of(org))
             or (LOOSE_NAMES and _loose_name(org) is not None and _loose_name(org).search(context) is not None)
             for org in question.organisations]
    choosing = question.kind == "organisation" and len(named) > 1
    if named and not (any(named) if choosing else all(named)):
        return False
    # An article dated in the year asked about speaks of that year as 今年 or 上半年
    # without naming it: its date names the year.
    # A year of its article's reporting period: the passage may continue that account ("报告期各期…");
    # a sentence dated otherwise is dropped on its own (_contradicts).
    dated = ({chunk.date[:4]} if chunk.date else set()) | set(article_named)
    return all(term in context or term in dated for term in question.required_terms) and _relative_years_named(
        question, chunk, context) and (not LATIN_NAMES or _latin_names_written(question, context)) \
        and (not ORDINALS or _ordinals_agree(question.text, context)) \
        and (not SPELLED_NAMES or not question.spelled or any(n in context or n == chunk.subject for n in question.spelled))


# An English question's romanised name ("Huaqi Environmental") read as the Chinese name it spells in the passages
# (华骐) names what it is about, as a Chinese question's organisation does: a passage that names none of them,
# in its text, title or subject, answers about something else.
SPELLED_NAMES = True


def _uncontested_terms(question: Question, passage: str) -> frozenset[str]:
    """The question's places and years that ``passage`` names with no other of their kind beside them."""
    alone = set()
    if question.places:
        # Only a place of the same level contests one (a province's article may name its capital: 西藏, 拉萨).
        asked_levels = {p.level for p in find_places(question.text)} or {"province", "city", "county", "local", "other"}
        named = find_places(passage, find_organisations(passage))
        others = {p.stem for p in named if p.level in asked_levels
                  and not any(p.stem in q or q in p.stem for q in question.places)}
        if not others:
            alone.update(question.places)
    if question.years:
        if not set(_YEAR_IN_TEXT.findall(passage)) - set(question.years):
            alone.update(question.years)
    return frozenset(alone)


# "第八届论坛在哪办" is not answered by a passage about the 第九届: an edition, session or round the question
# names (第N届/次/期/轮/批) must be the one a passage names, where the passage names one of that kind.
ORDINALS = True
_ORDINAL = re.compile(r"第\s*([零〇一二两三四五六七八九十百\d]+)\s*(届|次|期|轮|批|版)(?!度)")  # (quarters are periods: binding.period_bound)


def _ordinals_agree(question: str, context: str) -> bool:
    asked = [(read_number(n), unit) for n, unit in _ORDINAL.findall(question)]
    if not asked:
        return True
    said: dict[str, set] = {}
    for number, unit in _ORDINAL.findall(context):
        said.setdefault(unit, set()).add(read_number(number))
    return all(unit not in said or number in said[unit] for number, unit in asked)


# An organisation the table does not know, named by the question the way people talk (聊城环科餐厨垃圾公司), is
# named by a passage that writes its words in order with a few more between them (聊城市环科餐厨垃圾处理有限公司).
LOOSE_NAMES = True
_LOOSE_GAP = 4


@functools.lru_cache(maxsize=1024)
def _loose_name(organisation: str) -> re.Pattern | None:
    """A pattern for ``organisation``'s words (its legal form left out) in order, up to _LOOSE_GAP characters apart;
    None for a table organisation (its aliases are how it is written) or a name of fewer than two words."""
    from rag import jieba

    if aliases_of(organisation) != (organisation,):
        return None
    core = _LEGAL_FORMS.sub("", organisation)
    words = [w for w in jieba.cut(core) if w.strip()]
    if len(words) < 2 or len(core) < 4:
        return None
    return re.compile(f".{{0,{_LOOSE_GAP}}}".join(map(re.escape, words)))


# A product or brand a Chinese question writes in Latin letters (Apple Music, iPhone) must be in the passage.
LATIN_NAMES = True
_LATIN_NAME = re.compile(r"(?<![A-Za-z])[A-Za-z][A-Za-z0-9]*(?:\s+[A-Z][A-Za-z0-9]*)*")
# Abbreviations news writes for a kind of thing, not a name (an IPO, an App).
_LATIN_COMMON = {"ipo", "app", "ceo", "cfo", "cto", "gdp", "cpi", "ppi", "pmi", "ai", "it", "a", "b", "h"}


def _latin_names_written(question: Question, context: str) -> bool:
    if question.language != "zh":
        return True
    lowered = context.lower()
    return all(name.lower() in lowered for name in _LATIN_NAME.findall(question.text)
               if len(name) >= 2 and name.lower() not in _LATIN_COMMON)


def _relative_years_named(question: Question, chunk: Chunk, context: str) -> bool:
    """去年 asked of an article dated 2025 means 2024: the passage must name it (or say 去年 itself).

    今年 is the article's own year, which its date names. An undated article is not held to it.
    """
    for offset, year in zip(question.relative_years, years_for(question, chunk.date)):
        said = [w for w in RELATIVE_YEAR_WORDS if relative_years(w) == (offset,)]  # 去年, 上年 for -1
        if offset != 0 and year not in context and not any(w in context for w in said):
            return False
    return True


_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def _each_item_apart(question: Question, items: tuple[str, ...]) -> list[Question]:
    """The question once per listed item, naming only that item's places, years, figures and organisations
    (and those outside every item)."""
    def own(term: str, item: str, others: list[str]) -> bool:
        return term in item or not any(term in other for other in others)

    def own_organisation(name: str, item: str, others: list[str]) -> bool:
        return own(name, item, others) and not any(alias in other for alias in aliases_of(name) for other in others) \
            or any(alias in item for alias in aliases_of(name))

    asked = []
    for item in items:
        others = [other for other in items if other != item]
        asked.append(replace(question, places=tuple(p for p in question.places if own(p, item, others)),
                             years=tuple(y for y in question.years if own(y, item, others)),
                             figures=tuple(f for f in question.figures if own(f, item, others)),
                             organisations=tuple(o for o in question.organisations if own_organisation(o, item, others))))
    return asked


# The words a figure question writes just before its ask: what is measured (固定资产投资增长了多少 -> 固定资产, 投资).
_MEASURE_BEFORE_ASK = re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:同比|环比)?(?:增长|下降|增加|减少|上涨|下跌|提高|降低|上升|下滑)?"
                                 r"了?(?:是|为|有|达到?|约|大约|一共|共|总共)?(?:多少|几)")
_NOT_MEASURE_WORDS = {"上半年", "下半年", "今年", "去年", "一共", "总共", "大约", "大概", "目前", "现在", "这次", "那个"}


def _measure_share(question: Question, sentence: str, opening: str) -> float:
    """The share of the measured words (those just before a figure question's ask) that the sentence or its
    opening writes (the caller asks it of figure questions only): a refusal signal for near misses that name the topic but not the measure (入境游客 against
    游客, 汽车类零售额 against 零售总额)."""
    if question.language != "zh":
        return 1.0
    found = _MEASURE_BEFORE_ASK.search(question.text)
    if found is None:
        return 1.0
    from rag.lexical import tokenize

    words = [t for t in dict.fromkeys(tokenize(found.group(1))) if len(t) >= 2 and t not in _NOT_MEASURE_WORDS
             and t not in question.places and t not in question.years]
    if not words:
        return 1.0
    return sum(_contains(sentence, w) or _contains(opening, w) for w in words) / len(words)

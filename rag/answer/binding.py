"""Binding the question's own constraints to the figure that would answer it.

A sentence that holds a figure of the kind asked answers the question only when it
ties that figure to what the question names. Without this, a question about a company
the articles never mention, a year they do not cover, or a metric they do not give is
answered with whatever figure of the right unit sits nearby ("蒙牛签了多少" with the
event's total; "净利润" with the revenue; "2019年" with a target set in 2019 for 2025).

What is bound, each a separate check (``binds`` applies them all):

- **names**: the organisations, products and people the question is about. Known
  organisations come from the lexicon; new ones are read generically: the question's
  leading noun phrase when jieba tags a part of it as a name (nz, nt, nr, ns, eng) or it
  ends in a company suffix, and every 《title》. A name binds when the sentence names it
  before the figure, or when the article is about it (its title names it) and the
  sentence names no other organisation before the figure.
- **year**: the last year named before the figure (a comparison's 比2021年 aside) is
  the one asked, or the sentence gives figures for several years "分别".
- **metric**: 净利润 is not 营业收入, 发行价 is not 收盘价: when the question names a
  metric of ``METRIC_GROUPS`` the sentence must name it, and the last metric named
  before the figure must be one the question asks about.
- **period**: 全年 is not 1-9月; 上半年 is not 一季度.
- **polarity**: a question that negates a word ("表示没有信心的企业") is answered only by a
  sentence that writes the word with a negation before it, not "较有信心的企业占75.1%".
- **month**: like the year, the last month named before the figure (7月销售汽车…辆) is one the
  question names, when it names one (6月, "June"); and so the day (8月11日 is not 截至8月10日).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.answer.question import Question
from rag.documents import Chunk
from rag.entities import aliases_of, find_organisations, informal_mentions

# Words that name a reported quantity; each group is one metric under several wordings.
# Longest first inside a group does not matter: matching takes the longest word at each place.
METRIC_GROUPS: tuple[tuple[str, ...], ...] = (
    ("营业收入", "营业总收入", "总营收", "营收", "收入", "销售额", "销售收入"),
    ("净利润", "归母净利润", "归母净利", "净利", "盈利", "利润"),
    # Market reports give both, one clause apart: the profit less one-off items is another figure.
    ("扣非净利润", "扣非净利", "扣非后净利润", "扣除非经常性损益后的净利润"),
    ("毛利率",),
    ("净利率",),
    ("发行价格", "发行价"),
    ("收盘价", "收盘", "收报", "报收于", "报收"),
    ("开盘价", "开盘", "今开", "高开"),
    ("最高价", "盘中最高价", "最高成交价"),
    ("最低价", "盘中最低价", "最低成交价"),
    ("目标价", "目标均价", "目标价格"),
    ("募集资金", "募资", "募集"),
    ("注册资本",),
    ("总市值", "市值"),
    ("市盈率",),
    ("研发投入", "研发费用", "研发支出"),
    ("销量", "销售量"),
    ("月薪", "工资", "薪酬", "薪资", "月收入"),
    ("票房",),
    ("现金流量净额", "现金流"),
    ("总资产",),
    ("应收账款",),
    ("换手率",),
    ("负债率", "资产负债率"),
    ("融资融券余额",),
    ("融资余额",),
    ("融券余额",),
    ("成交额", "成交金额"),
    ("成交量",),
    ("投资收益",),
    # Per-share figures are their own metrics: 每股收益 is not the 投资收益 a report lists beside it.
    ("每股收益", "基本每股收益", "稀释每股收益"),
    ("每股净资产",),
    ("财务费用",),
    ("涨幅", "上涨", "涨"),
    ("跌幅", "下跌", "跌"),
)
_METRIC_GROUP = {word: i for i, group in enumerate(METRIC_GROUPS) for word in group}
_METRIC_WORDS = re.compile("|".join(sorted(_METRIC_GROUP, key=len, reverse=True)))
# Words in the "rise/fall" groups are verbs as often as metric names: they never make
# the question's metric, only a sentence's (a 涨幅 question is about that figure).
# Metric words written together (票房收入) or listed ("营业收入与利润总额增长的贡献率达到30.3%和25.3%").
_METRIC_JOIN = re.compile(r"(?:与|和|及|、|以及|或)?")
_VERB_GROUPS = {_METRIC_GROUP["涨"], _METRIC_GROUP["跌"]}

# Reporting periods; a figure for one is not a figure for another.
PERIOD_GROUPS: tuple[tuple[str, ...], ...] = (
    ("全年", "全年度"),
    # A report is named for its period (半年报, 一季报): a figure it gives is that period's.
    ("上半年", "半年度", "1-6月", "1～6月", "1至6月", "前六个月", "半年报", "中报", "半年度报告"),
    ("一季度", "第一季度", "1-3月", "1～3月", "1至3月", "Q1", "一季报", "一季度报告"),
    ("二季度", "第二季度", "Q2"),
    ("三季度", "第三季度", "Q3"),
    ("前三季度", "1-9月", "1～9月", "1至9月", "三季报"),
    ("四季度", "第四季度", "Q4"),
    ("下半年",),
)
_PERIOD_GROUP = {word: i for i, group in enumerate(PERIOD_GROUPS) for word in group}
_PERIOD_WORDS = re.compile("|".join(re.escape(w) for w in sorted(_PERIOD_GROUP, key=len, reverse=True)))

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|\s*[-－~～至到]\s*(?:19|20)?\d{2}\s*年)")
# A year compared with is not the figure's year: 比2021年增长, 较2021年同期.
_COMPARED_YEAR = re.compile(r"(?:比|较|相比|同比|与|对比)\s*$")
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:-|－|~|～|至|到)\s*((?:19|20)\d{2})\s*年")

_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:]")
_TITLE = re.compile(r"《([^《》]{1,40})》")
# Company-form suffixes: 艾森股份 is named 艾森 in its own article as often as not.
_COMPANY_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团股份|控股集团|集团公司|股份公司|集团|股份|控股|公司)$")
_BRACKETED = re.compile(r"[（(][^（()）]{1,10}[）)]")
_ORGANISATION_END = re.compile(r"(?:公司|集团|股份|控股|银行|基金|证券|科技|电器|电子|医疗|医药|汽车|能源|电力|网络|传媒|影业|电影|"
                               r"文化|智能|生物|材料|新能源|实业|投资)$")
# A registered company name that opens the question, up to the words after it.
# (A relative clause may come first: "帮助列车渡过难关的北京某某有限公司": the name is after its last 的.)
_FULL_COMPANY = re.compile(r"^(?:[^，,。？?的]*的)?([\u4e00-\u9fffA-Za-z0-9（）()]{2,24}?(?:有限责任公司|股份有限公司|有限公司))")
_ASKS = re.compile(r"哪|什么|多少|几|谁")
# Tags of words that name something (person, place, organisation, other proper noun, Latin).
_NAME_TAGS = {"nz", "nt", "nr", "nrt", "nrfg", "ns", "eng"}
_NOUN_TAGS = _NAME_TAGS | {"n", "j", "ng", "nl", "vn"}
# Tokens a question may open with before its subject: 这次, 今年, 2022年末, 在.
_LEADING_SKIP_TAGS = {"r", "t", "m", "p", "d", "c", "q", "x"}
_JOINS = {"和", "与", "跟", "及", "、", "以及", "同"}
# Words jieba may tag as names that are no one's name.
_NOT_NAMES = {"中国", "全国", "国内", "国外", "海外", "全球", "世界", "美国", "上市", "公司", "企业", "集团", "本次", "IPO", "A股",
              "H股", "App", "APP"}


@dataclass(frozen=True)
class AskedName:
    """A name the question is about, with the shorter forms an article may write it in."""

    name: str
    forms: tuple[str, ...]
    known: bool  # in the organisation table (its aliases are the forms)


@lru_cache(maxsize=512)
def _asked_names(text: str, organisations: tuple[str, ...]) -> tuple[AskedName, ...]:
    from rag import jieba

    from rag.facts import find_places

    names: list[AskedName] = [AskedName(o, tuple(aliases_of(o)), True) for o in organisations]
    known_forms = {form for n in names for form in n.forms}
    for match in _TITLE.finditer(text):
        names.append(AskedName(match.group(0), (match.group(1),), False))
    company = _FULL_COMPANY.match(text)
    if company and _ASKS.search(company.group(1)):
        company = None  # "…负责人是哪天到北京某某有限公司": a question word is in no registered name
    if company and not any(company.group(1) in f or f in company.group(1) for f in known_forms):
        # "谦寻（杭州）控股有限责任公司的…": jieba cuts a registered name into verbs and nouns.
        full = company.group(1)
        rest = text[company.end():]
        joined_at = [m for m in _JOINED_NAMES.finditer(full) if m.start() >= 2 and len(full) - m.end() >= 6] \
            if NAMES_BEFORE_REGISTERED else []
        if joined_at:
            # "麦格米特对苏州某某有限公司的持股比例": the registered name starts after 对; what is before it is
            # another name, read below like any other.
            rest = full[:joined_at[-1].start()] + rest
            full = full[joined_at[-1].end():]
        core = _COMPANY_FORM.sub("", _BRACKETED.sub("", full))
        names.append(AskedName(full, tuple(dict.fromkeys(f for f in (full, core) if len(f) >= 2)), False))
        text = rest
    words = jieba.tag(text)
    i = 0
    while i < len(words) and words[i][1] in _LEADING_SKIP_TAGS and words[i][0] not in _JOINS:
        i += 1
    joined = False
    while i < len(words):
        phrase: list[tuple[str, str]] = []
        while i < len(words) and (words[i][1] in _NOUN_TAGS or words[i][0] in "（）()") and words[i][0] not in "《》":
            phrase.append(words[i])
            i += 1
        surface = "".join(w for w, _ in phrase).strip("（）() ")
        # After "和" a noun joined to a name is a name too (伊利和利乐: jieba tags 利乐 a plain noun).
        tagged_name = any(tag in _NAME_TAGS and word not in _NOT_NAMES for word, tag in phrase) or bool(names and joined)
        # A table organisation is left to the analysis, which may have dropped it on purpose
        # (one part of "华润和中国电科分别…" is asked about one of them).
        if surface and len(surface) >= 2 and (tagged_name or _ORGANISATION_END.search(surface)) \
                and surface not in _NOT_NAMES and not any(surface in f or f in surface for f in known_forms) \
                and not find_organisations(surface) and not informal_mentions(surface):
            places = [p for p in find_places(surface) if p.level != "other"]  # "other": jieba's ns guess (英特尔)
            # A place with common nouns after it (上海市企业贷款) names no one: the place is checked as a place.
            only_place = places and not _ORGANISATION_END.search(surface) and not any(
                tag in _NAME_TAGS and tag != "ns" for _, tag in phrase)
            if not only_place:
                names.append(AskedName(surface, _forms(phrase), False))
        # "伊利和利乐…": a second name joined to the first.
        if i < len(words) and words[i][0] in _JOINS:
            i += 1
            joined = True
            continue
        break
    dated = _DATED_SUBJECT.match(text)
    if dated and len(names) == len(organisations) and not _LEADING_WORD.match(dated.group(1)):
        # "理工导航8月16日的收盘价": what a question opens with, right before the date it asks about, is
        # its subject, though jieba tags it a noun and a verb.
        subject = dated.group(1)
        if subject not in _NOT_NAMES and not find_organisations(subject) and not informal_mentions(subject) \
                and not any(p.level != "other" for p in find_places(subject)) \
                and not any(subject in f or f in subject for f in known_forms):
            names.append(AskedName(subject, (subject,), False))
    return tuple(names)


# "甲对/与/和乙有限公司…": a registered name does not run back over the word that joins it to another name.
# Off: everything from the question's start to 有限公司 is one name.
NAMES_BEFORE_REGISTERED = True
_JOINED_NAMES = re.compile(r"[对与和跟向给同]")


# A question that opens with a name and the date it asks about (理工导航8月16日…, 某某2023年…).
_DATED_SUBJECT = re.compile(r"^([\u4e00-\u9fff]{2,8}?)(?=(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|(?:19|20)\d{2}\s*年)")
# Words that open a question without naming anyone (今年, 公司, 截至, 全国…).
_LEADING_WORD = re.compile(r"^(?:今年|去年|前年|明年|本年|当年|公司|该公司|企业|截至|截止|在|从|自|于|全国|全球|我国|国内|本次|此次|这次|那次)")


def _forms(phrase: list[tuple[str, str]]) -> tuple[str, ...]:
    """The phrase, the phrase without its trailing words (down to two words), and each without its company form."""
    words = [w for w, _ in phrase if w not in "（）()"]
    forms = []
    # Down to the first word when it is a word of two characters or more (伊利 | 一共, 艾路 | 明会).
    for end in range(len(words), 0 if len(words[0]) >= 2 else min(2, len(words)) - 1, -1):
        form = "".join(words[:end])
        forms.append(form)
    full = "".join(w for w, _ in phrase)
    forms.insert(0, full)
    cores = []
    for form in forms:
        core = _COMPANY_FORM.sub("", _BRACKETED.sub("", form))
        if len(core) >= 2:
            cores.append(core)
    return tuple(dict.fromkeys(f for f in forms + cores if len(f) >= 2))


def asked_names(question: Question) -> tuple[AskedName, ...]:
    """The organisations, products and people the question is about (Chinese questions; known organisations always)."""
    if question.language != "zh":
        return tuple(AskedName(o, tuple(aliases_of(o)), True) for o in question.organisations)
    return _asked_names(question.text, question.organisations)


def _other_names_before(sentence: str, end: int, name: AskedName, question_text: str) -> bool:
    """The sentence names an organisation other than ``name`` before ``end``: one of the table's, or a
    word jieba tags nt/nz that opens a clause (its subject: "伊利凭借…"; not "在官网、微信上公布")."""
    from rag import jieba

    before = sentence[:end]
    if any(m.canonical != name.name and m.surface not in name.forms and m.surface not in question_text
           for m in find_organisations(before)):
        return True
    if any(listed not in question_text and not any(listed in form or form in listed for form in name.forms)
           for listed in listed_companies(before)):
        return True
    for clause in _CLAUSE_BREAK.split(before):
        words = jieba.tag(clause.strip())
        first = next((i for i, (_, t) in enumerate(words) if t not in _LEADING_SKIP_TAGS), None)
        if first is None:
            continue
        word, tag = words[first]
        phrase = []  # the nouns the clause opens with (云顶 | 科技)
        for w, t in words[first:]:
            if t not in _NOUN_TAGS:
                break
            phrase.append((w, t))
        joined = "".join(w for w, _ in phrase)
        # A name alone before its verb (伊利凭借…), or a phrase that ends like an organisation's
        # name (云顶 | 科技); jieba's nz before another noun is often no name (申报 | 阶段).
        org_like = _ORGANISATION_END.search(joined) is not None
        named = (tag in ("nt", "nz") and len(word) >= 2 and (len(phrase) == 1 or org_like)) or (
            any(t in _NAME_TAGS for _, t in phrase) and org_like)
        candidate = word if tag in ("nt", "nz") else joined
        if named and candidate not in _NOT_NAMES and candidate not in question_text \
                and not any(candidate in form or form in candidate for form in name.forms):
            return True
    return False


# A listed company is written with its stock code: 晶华微（688130.SH）, 康为世纪(688426).
BRACKETED_STOCK_CODE = re.compile(r"[（(]\s*(?:\d{6}|\d{4,5}\.HK)(?:\.(?:SH|SZ|BJ|HK))?\s*[)）]", re.I)


def listed_companies(text: str) -> list[str]:
    """The names ``text`` writes with a stock code after them (the nouns right before the code)."""
    from rag import jieba

    names = []
    for match in BRACKETED_STOCK_CODE.finditer(text):
        words = jieba.tag(text[max(0, match.start() - 12):match.start()])
        name = ""
        while words and words[-1][1] in _NOUN_TAGS | {"nrt", "nrfg"} and len(name) < 8:
            name = words.pop()[0] + name
        if len(name) >= 2:
            names.append(name)
    return names


def name_bound(name: AskedName, chunk: Chunk, sentence: str, start: int, question_text: str,
               question_kind: str = "money") -> bool:
    """``name`` owns the answer at ``start`` in ``sentence`` (see the module docstring)."""
    if name.name.startswith("《"):
        return title_bound(name.forms[0], chunk, sentence)
    if name.known and name.name == chunk.subject:
        return True  # the table's organisation an article is about: its "集团/公司" sentences are its own
    if ABBREVIATIONS and not any(form in sentence or form in chunk.title for form in name.forms):
        name = with_full_names(name, f"{chunk.title}\n{chunk.text}")
    positions = [sentence.find(form) for form in name.forms if form in sentence]
    if positions:
        # Before the figure, or after it in the same clause: Chinese puts a relative clause before its
        # noun ("耗时6年定档的《封神》", "营收488亿元的宁德时代"); a name in a later clause is another's.
        first = min(positions)
        if name.known and question_kind not in ("money", "count"):
            return True  # (as the seed questions were tuned: a table name after a rank or date still owns it)
        if first <= start or not _CLAUSE_BREAK.search(sentence, start, first):
            return True
        if not LATER_NAME_OF_SUBJECT:
            return False
        # Named only in a later clause ("拟发行金额60亿元，发行人为甲公司"): as if not named, the figure is
        # its own when the article is about it and no other organisation is named before the figure.
    # Not named in the sentence: the name must be what the article is about (its title names it) or
    # the subject carried over from the sentence before ("多浦乐成立于…。公司营收…"), and no other
    # organisation may own the figure. A passage that merely lists it (a customer) is not about it.
    previous = _clause_heads(_previous_sentence(chunk.text, sentence))
    about = any(form in chunk.title or any(form in head for head in previous) for form in name.forms)
    if not about:
        # An organisation the passage speaks of as a subject somewhere (鞍钢 in an article about its
        # 鞍山钢铁; 北京文化公告称… where masked furniture cut the sentence's own "根据北京文化披露"),
        # not one it only lists ("客户包括中国石油、国家电网").
        about = any(form in head for head in _clause_heads(chunk.text) for form in name.forms)
    if not about and BACK_REFERENCE_SUBJECT and _REFERS_BACK.search(sentence[:start]):
        # "截至7月末，该行各项贷款余额320.72亿元": 该行 is the organisation the passage names (聊城农商银行).
        about = any(form in chunk.text or form in chunk.title for form in name.forms)
    return about and not _other_names_before(sentence, start, name, question_text)


# A sentence whose subject refers back (该行, 该公司, 本集团) speaks of the organisation its passage names.
# Off: only a title or a clause's head makes a passage about an organisation.
BACK_REFERENCE_SUBJECT = True
_REFERS_BACK = re.compile(r"(?:该|本)(?:行(?!业)|公司|集团|企业|单位|院|所|校|社|局)")


# A name the user shortens the Chinese way (常州城建 for 常州市城市建设（集团）有限公司, 聊城农商银行 for
# 聊城农村商业银行): its characters in order in a registered name the passage writes, the first two
# together. Off: a name is found only as written.
ABBREVIATIONS = True
# A name written after the figure, in a later clause, is checked like a name the sentence does not write
# (see name_bound). Off: the figure is not the name's.
LATER_NAME_OF_SUBJECT = True
_NAME_SUFFIX = r"(?:有限责任公司|股份有限公司|有限公司|集团|公司|银行)"
# The shortest run to a company ending, with the registered form after 集团（…集团）有限公司).
_NAME_END = r"(?:有限责任公司|股份有限公司|有限公司|集团[）)]?(?:有限责任公司|股份有限公司|有限公司)?|公司|银行)"


def with_full_names(name: AskedName, text: str) -> AskedName:
    """``name`` with the registered names in ``text`` that it abbreviates (and their cores) among its forms."""
    full = [found for form in name.forms for found in _abbreviated(form, text)]
    if not full:
        return name
    cores = [_COMPANY_FORM.sub("", _BRACKETED.sub("", f)) for f in full]
    return AskedName(name.name, tuple(dict.fromkeys(name.forms + tuple(full) + tuple(c for c in cores if len(c) >= 3))),
                     name.known)


@lru_cache(maxsize=1024)
def _abbreviated(form: str, text: str) -> tuple[str, ...]:
    core = _COMPANY_FORM.sub("", form)  # (常州城建集团 -> 常州城建; 聊城农商银行 keeps its 银行)
    if len(core) < 3 or form in text or not re.fullmatch(r"[\u4e00-\u9fff]+", core):
        return ()
    # Each further character at most three characters after the one before; the name then runs on to
    # a company ending unless the short form ends in one itself (农商银行).
    spread = "".join(f"[\u4e00-\u9fff]{{0,3}}?{re.escape(c)}" for c in core[2:])
    tail = "" if re.search(_NAME_SUFFIX + "$", core) else r"[\u4e00-\u9fff（）()]{0,12}?" + _NAME_END
    found = re.findall(re.escape(core[:2]) + spread + tail, text)
    return tuple(dict.fromkeys(f for f in found if f != form and len(f) <= 30))


@lru_cache(maxsize=256)
def _clause_heads(text: str) -> tuple[str, ...]:
    """The nouns each clause of ``text`` opens with (its subject), time and adverbs skipped.

    Cached: every candidate sentence of a passage asks for the whole passage's heads.
    """
    from rag import jieba

    heads = []
    for clause in _CLAUSE_BREAK.split(text):
        words = jieba.tag(clause.strip())
        first = next((i for i, (_, t) in enumerate(words) if t not in _LEADING_SKIP_TAGS), None)
        head = ""
        for word, tag in words[first:] if first is not None else []:
            if tag not in _NOUN_TAGS:
                break
            head += word
        if head:
            heads.append(head)
    return tuple(heads)


_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


def _previous_sentence(text: str, sentence: str) -> str:
    """The sentence before ``sentence`` in ``text`` ("" when it opens the text or is not in it)."""
    at = text.find(sentence)
    if at <= 0:
        return ""
    # (Masked furniture leaves runs of commas: a piece with no words is no sentence.)
    pieces = [p for p in _SENTENCE_END.split(text[:at]) if re.search(r"[\u4e00-\u9fff]{2}", p)]
    return pieces[-1] if pieces else ""


def title_bound(title: str, chunk: Chunk, sentence: str) -> bool:
    """A sentence that names a 《work》 names the one asked about (《封神第一部》 is not 《封神第二部》)."""
    bare = _bare(title)
    named = [_bare(t) for t in _TITLE.findall(sentence)]
    if named:
        return any(bare in t or t in bare for t in named if t)
    return bare in _bare(sentence) or bare in _bare(chunk.title)


def _bare(text: str) -> str:
    return re.sub(r"[\s:：·・,，、\-—]", "", text)


def year_bound(question: Question, sentence: str, start: int) -> bool:
    """The last year named before ``start`` (not one compared with) is the one asked.

    Not for a date: its year is its own, and the year asked may follow it ("7月8日，召开2024年度会议").
    """
    if not question.years or question.kind == "date":
        return True
    before = sentence[:start]
    years = [(m.start(), m.group(1)) for m in _YEAR.finditer(before) if not _COMPARED_YEAR.search(before[:m.start()])]
    if not years:
        return True
    if years[-1][1] in question.years:
        return True
    if "分别" in sentence and any(year in question.years for _, year in years):
        return True  # "2020年、2021年和2022年分别为…": the respective figure is chosen elsewhere
    for match in _YEAR_RANGE.finditer(before):
        low, high = int(match.group(1)), int(match.group(2))
        if any(low <= int(y) <= high for y in question.years) and "分别" in sentence:
            return True
    return False


_MONTH = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\s*月(?!份?\s*[-－~～至到])")


def named_month_bound(question: Question, sentence: str, start: int, carried: str | None = None) -> bool:
    """The last month named before ``start`` (not one compared with) is one the question names (not for a date)."""
    if question.kind == "date":
        return True
    asked = {int(m.group(1)) for m in _MONTH.finditer(question.text)}
    if not asked:
        return True
    before = sentence[:start]
    found = [m for m in _MONTH.finditer(before) if not _COMPARED_YEAR.search(before[:m.start()])]
    if MONTH_NOT_PERIOD and not _PERIOD_WORDS.search(question.text):
        # "7月卖了多少辆" is not answered by "上半年…售出879400辆": a period of several months named after
        # the last month (or with none) is the figure's.
        periods = list(_PERIOD_WORDS.finditer(before))
        if periods and (not found or periods[-1].start() >= found[-1].end()):
            return False
        if not periods and not found and carried and not _MONTH.search(sentence) and not _PERIOD_WORDS.search(sentence):
            # A sentence naming neither continues the passage before it ("上半年…。其中进口额0.8万亿元").
            last_period = list(_PERIOD_WORDS.finditer(carried))
            last_month = list(_MONTH.finditer(carried))
            if last_period and (not last_month or last_period[-1].start() >= last_month[-1].end()):
                return False
    months = [int(m.group(1)) for m in found]
    return not months or months[-1] in asked


# A question for one month is not answered by the figure of a period of several (上半年, 一季度, 1-6月).
# Off: only a different month named before the figure unbinds it.
MONTH_NOT_PERIOD = True


# A day, like a month: "8月11日收盘价" is not answered by the figure "截至8月10日收盘" gives.
DAY_BOUND = True
_DAY = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\s*月\s*(3[01]|[12]\d|0?[1-9])\s*[日号]")


def day_bound(question: Question, sentence: str, start: int) -> bool:
    """The last day (month and day) named before ``start`` (not one compared with) is one the question
    names, when it names one (not for a date: the day asked is the answer)."""
    if not DAY_BOUND or question.kind == "date":
        return True
    asked = {(int(m.group(1)), int(m.group(2))) for m in _DAY.finditer(question.text)}
    if not asked:
        return True
    before = sentence[:start]
    days = [(int(m.group(1)), int(m.group(2))) for m in _DAY.finditer(before)
            if not _COMPARED_YEAR.search(before[:m.start()])]
    return not days or days[-1] in asked


def _metric_groups(text: str) -> list[tuple[int, int]]:
    """(position, group) of each metric word, longest word at each place."""
    return [(m.start(), _METRIC_GROUP[m.group()]) for m in _METRIC_WORDS.finditer(text)]


# An English question's metric (closing price: 收盘价, gross margin: 毛利率) binds as a Chinese one's does.
ENGLISH_METRICS = True
_ENGLISH_METRIC = re.compile(r"\b(?:closing|opening|issue|offering) price|\bgross (?:profit )?margin|\bnet margin|"
                             r"\bdebt(?:-to-asset)? ratio|\bturnover rate|\bnet profit", re.I)


def asked_metrics(question: Question) -> set[int]:
    """The metric groups the question names (rise/fall verbs aside); an English question's, in its Chinese rendering."""
    if question.language != "zh" and not (ENGLISH_METRICS and _ENGLISH_METRIC.search(question.original)):
        return set()  # ("income", "sales", "share price" are as often plain words as a report's metric)
    return {group for _, group in _metric_groups(question.text) if group not in _VERB_GROUPS}


def metric_synonyms(word: str) -> tuple[str, ...]:
    """The other wordings of the metric ``word`` names (募资: 募集资金, 募集); () for any other word.

    A passage that gives the metric in its own wording covers the question's word for it.
    The rise/fall verbs are left out: as verbs they name no metric.
    """
    group = _METRIC_GROUP.get(word)
    if group is None or group in _VERB_GROUPS:
        return ()
    return tuple(w for w in METRIC_GROUPS[group] if w != word)


def metric_bound(question: Question, sentence: str, start: int, previous: str | None = None) -> bool:
    """The question's metric is the one the sentence gives at ``start``.

    The sentence (or ``previous``, the sentence before it: a list may name the metric once, before its items)
    must name an asked metric, and the last metric the sentence names before ``start``
    must be one (a compound such as 票房收入 counts as each of its words).
    """
    asked = asked_metrics(question)
    if not asked:
        return True
    found = [(m.start(), m.end(), _METRIC_GROUP[m.group()]) for m in _METRIC_WORDS.finditer(sentence)]
    context = found + _metric_groups(previous or "")
    if not any(item[-1] in asked for item in context):
        return False
    before = [f for f in found if f[0] < start and f[2] not in _VERB_GROUPS]
    if not before:
        return True
    last = [before[-1]]
    for item in reversed(before[:-1]):  # the words written together with the last one, or listed with it
        if not _METRIC_JOIN.fullmatch(sentence[item[1]:last[-1][0]]):
            break
        last.append(item)
    return any(group in asked for _, _, group in last)


def metric_labelled(question: Question, sentence: str, start: int) -> bool:
    """The last metric the sentence names before ``start`` is one the question asks about: the figure
    is labelled as the asked metric ("报收于16.37元", "负债率36.17%"), not merely left unlabelled."""
    asked = asked_metrics(question)
    before = [_METRIC_GROUP[m.group()] for m in _METRIC_WORDS.finditer(sentence[:start])]
    before = [group for group in before if group not in _VERB_GROUPS]
    return bool(asked and before and before[-1] in asked)


# A month and the months up to it: 7月 is not 1-7月 (a cumulative figure), nor 前7个月.
MONTHS_TO_DATE = True
_MONTH_SPAN = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月?份?\s*(?:-|－|~|～|至|到)\s*\d{1,2}\s*月|前\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*个月")
_TO_DATE = re.compile(r"累计|以来|至今|\bcumulative|\bso far\b|\byear to date\b", re.I)
_ONE_MONTH = re.compile(r"(?<![\d\-－~～至到])\d{1,2}\s*月(?!\s*\d{1,2}\s*[日号])")


def month_bound(question: Question, sentence: str, start: int) -> bool:
    """A question about one month (7月, in July) is not answered by a figure for the months up to it
    (1-7月份累计…) when the last months the sentence names before ``start`` are such a span."""
    months = {m.group() for m in _ONE_MONTH.finditer(question.text)}
    if not MONTHS_TO_DATE or _MONTH_SPAN.search(question.text) or len(months) != 1 or _TO_DATE.search(question.text):
        return True  # (January–July is rendered 1月 7月; 累计 asks the months up to it)
    before = sentence[:start]
    spans = [m.end() for m in _MONTH_SPAN.finditer(before)]
    ones = [m.end() for m in _ONE_MONTH.finditer(_MONTH_SPAN.sub(lambda m: " " * len(m.group()), before))]
    return not spans or (ones and max(ones) > max(spans))


def period_bound(question: Question, sentence: str, start: int, previous: str | None = None) -> bool:
    """全年 is not answered by a 1-9月 figure: the last period named before ``start`` is the one asked.

    A sentence that names no period continues the account before it ("第二季度营收为157亿欧元。…；冰淇淋业务
    营收为28亿欧元"): when ``previous`` (the passage before the sentence) names periods and the last of
    them is not asked, the figure is not the asked period's.
    """
    if not month_bound(question, sentence, start):
        return False
    asked = {_PERIOD_GROUP[m.group()] for m in _PERIOD_WORDS.finditer(question.text)} if question.language == "zh" else set()
    if not asked:
        return True
    before = [_PERIOD_GROUP[m.group()] for m in _PERIOD_WORDS.finditer(sentence[:start])]
    if not before and PERIOD_CARRIED and previous and not _PERIOD_WORDS.search(sentence):
        named = [_PERIOD_GROUP[m.group()] for m in _PERIOD_WORDS.finditer(previous)]
        return not named or named[-1] in asked
    return not before or before[-1] in asked


# The period of the sentence before carries to a sentence that names none (see period_bound).
PERIOD_CARRIED = True


def figure_bound(question: Question, sentence: str, start: int, previous: str | None = None,
                 before: str | None = None) -> bool:
    """The answer at ``start`` is of the year, month, day, metric and period asked (what tells a sentence's
    figures apart). ``previous``: the sentence before (where a list may name its metric once); ``before``:
    the passage's text before the sentence, whose last period a sentence naming none continues (None: none)."""
    return year_bound(question, sentence, start) and named_month_bound(question, sentence, start, before) \
        and day_bound(question, sentence, start) and metric_bound(question, sentence, start, previous) \
        and period_bound(question, sentence, start, before)


_REGISTERED = re.compile(r"[\u4e00-\u9fffA-Za-z（）()]{2,24}?(?:有限责任公司|股份有限公司|有限公司)")


def _later_company(name: AskedName, sentence: str, start: int) -> bool:
    """Between ``name``'s last mention before ``start`` and ``start``, the sentence names another registered company."""
    mentions = [(sentence.rfind(form, 0, start), form) for form in name.forms if 0 <= sentence.rfind(form, 0, start)]
    if not mentions:
        return False
    at, form = max(mentions, key=lambda m: m[0] + len(m[1]))
    scan_from = at + len(form)
    if OWN_REGISTERED_NAME:
        own = _REGISTERED.match(sentence, at, start)
        if own and not _COMPANY_FORM.search(form) and not _ANOTHER_IN_NAME.search(own.group()[len(form):]):
            scan_from = own.end()  # the name's own registered form (丰田|汽车研发中心（中国）有限公司)
    return any(not any(f in m.group() or m.group() in f for f in name.forms) for m in _REGISTERED.finditer(sentence, scan_from, start))


# A registered name that opens with the asked name's mention is that name's own
# (丰田|汽车研发中心（中国）有限公司将从8月1日起…): a date after it is still the asked name's; not where the
# words between name another body (甲旗下乙有限公司, 甲与乙有限公司).
# Off: only the words after the mention are read, so the rest of its own registered name is another company.
OWN_REGISTERED_NAME = True
_ANOTHER_IN_NAME = re.compile(r"旗下|下属|子公司|控股的|与|和|及|、|的")



def binds(question: Question, chunk: Chunk, sentence: str, start: int) -> bool:
    """Every constraint of the question holds for the answer at ``start`` in ``sentence``.

    A date is often written before its subject ("8月15日，多浦乐开启申购"): for a date
    the names may stand anywhere in the sentence, but a date written after the name and after
    another registered company's name is that company's ("★甲有限公司（停止业务）★乙有限公司（已于…注销）").
    """
    name_start = len(sentence) if question.kind == "date" else start
    names = asked_names(question)
    if question.kind == "date" and start < len(sentence) and any(_later_company(n, sentence, start) for n in names):
        return False
    if not all(name_bound(n, chunk, sentence, name_start, question.text, question.kind) for n in names):
        return False
    previous = _previous_sentence(chunk.text, sentence)
    at = chunk.text.find(sentence)
    # The period a sentence that names none continues: the last one its passage names before it.
    return figure_bound(question, sentence, start, previous, chunk.text[:at] if at > 0 else previous)


_NEGATIONS = {"没有", "没", "不", "未", "无", "并未", "尚未", "未能", "不再"}
_NEGATION_BEFORE = re.compile(r"(?:没有?|不|未|无|非)[\u4e00-\u9fff]{0,3}$")


def negated_words(text: str) -> tuple[str, ...]:
    """The words ``text`` negates: the word of two or more characters right after 没有/不/未/无."""
    from rag import jieba

    words = jieba.tag(text)
    return tuple(words[i + 1][0] for i in range(len(words) - 1)
                 if words[i][0] in _NEGATIONS and len(words[i + 1][0]) >= 2 and words[i + 1][1] not in ("x", "m", "uj"))


# A word the question negates counts as negated where the sentence negates its last two characters (its head).
NEGATED_HEADS = True


def opposite_polarity(question: Question, sentence: str) -> bool:
    """The sentence does not write a word the question negates with a negation just before it (it
    says the opposite, "较有信心", or something else)."""
    if question.language != "zh":
        return False
    for word in negated_words(question.text):
        # (A negated compound is negated by its head too: 不对外开放 by 没有开放.)
        forms = (word, word[-2:]) if NEGATED_HEADS and len(word) >= 3 else (word,)
        places = [m.start() for form in forms for m in re.finditer(re.escape(form), sentence)]
        if not any(_NEGATION_BEFORE.search(sentence[max(0, p - 4):p]) for p in places):
            return True
    return False

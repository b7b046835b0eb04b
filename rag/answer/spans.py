"""Typed spans of a sentence: figures with their units, dates, names, and the gap a question points at.

One set of figure patterns for the answerers (and the LLM check): money, percent,
count with any classifier, duration, rank, date. Chinese numerals (三千万元, 两亿,
第十二) are read with cn2an, so 三千万元 and 3000万元 are the same figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

FigureKind = Literal["money", "percent", "count", "duration", "rank", "date", "number"]

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# An Arabic number (with thousands separators) or a run of Chinese numerals.
# 数千, 几百, 上万: an approximate magnitude is a figure too (数千人无家可归).
_NUM = rf"(?:\d[\d,，]*(?:\.\d+)?|(?:[数几上](?=[十百千万亿]))?[{_CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)"
_ABOUT = r"(?:多|余|近|约)?"
_MAGNITUDE = r"(?:万亿|亿|千万|百万|万|千)?"
CURRENCIES = ("美元", "港元", "港币", "欧元", "日元", "英镑", "新加坡元", "澳门元", "新台币", "澳元", "加元", "韩元",
              "泰铢", "卢布", "卢比", "林吉特", "比索", "里拉", "兰特", "瑞郎", "法郎", "元", "块钱", "人民币")
# Classifiers and measure words a count may carry; 个 may be followed by the noun it counts.
CLASSIFIERS = (
    # Electricity in 度 (kWh), as news writes it after 万 or 亿 ("年发电量200万度"); not degrees (35度).
    "(?<=[万亿])度|"
    "人次|人|名|位(?!数)|户|家|所|项|次|场|批|轮|期|届|份|种|类|笔|条|件|张|台|套|辆|架|艘|部门|部|篇|座|栋|间|"
    "株|棵|头|只|匹|枚|块|支|口|手(?![机续段术套工表])|处(?![罚理置分长级])|组(?![织建合团装件委长])|单(?![位项价独身据品元])|亩|公顷|平方公里|平方米|立方米|公里|千米|米|吨|公斤|千克|斤|千瓦时|千瓦|兆瓦|毫克|克(?![服隆制拉])|羽|箱|袋|盒|瓶|粒|册|"
    # Units the articles write in Latin letters (7.70MW, 120km)
    "[kMG]Wh(?![A-Za-z])|[kMG]W(?![A-Za-z])|km(?![A-Za-z])|"
    "倍|岁|村|县|乡|镇|省|市|校|所|毫米|厘米|基点|摄氏度|℃|"
    # Shares, as business news counts them (1.8亿股); not the 股 that starts 股东, 股份, 股票…
    "股(?![东份权票价市民指本息])"
)
_COUNTED_NOUN = r"(?:县|村|乡|镇|省|市|区|国家|地区|项目|企业|单位|方面|领域|产业|基地|合作社|学校|班|基点)?"

# A span of days (8月28至30日, 8月28日至30日, 8月28日至9月2日) or of months each written (6月到8月) is one date,
# not a date and a number. Off: the first day or month alone (stated_figure still widens a span of days).
DATE_SPANS = True
_DATE_SPAN = re.compile(r"(?:(?:19|20)\d{2}\s*年)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]?\s*(?:至|到|~|～|-|－|—)\s*"
                        r"(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]"
                        r"|(?:(?:19|20)\d{2}\s*年)?\d{1,2}\s*月份?\s*(?:至|到|~|～|-|－|—)\s*\d{1,2}\s*月份?(?!\s*\d)")
# Off: 九成 is no figure. (Not 一成不变, 八成是, 三成员: a word that goes on after 成.)
TENTHS = True
_TENTHS = re.compile(r"(?<![\d.])(?:[一二三四五六七八九]|\d(?:\.\d)?)\s*成(?![为本功立绩果员交都年长熟就不了型品分是])")
# A month of a year written relative to the article's (去年2月, 今年7月31日), or its end or start (今年年底):
# the year word is part of the date.
# Off: the month alone (2月), whose year the reader cannot tell.
RELATIVE_YEAR_DATES = True
RELATIVE_YEAR = "(?:今|去|前|明|同|当)年"  # a year written relative to the article's (rag/answer/extractive.py too)
_RELATIVE_DATE = re.compile(rf"{RELATIVE_YEAR}\s*(?:\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*[日号])?|年[底初末中](?!期))")
# A day alone with its hour ("26日22时15分，…电站成功并网") is a time of the article's month. Off: no date.
DAY_AND_HOUR = True
_DAY_AND_HOUR = re.compile(r"(?<![\d月.])(?:3[01]|[12]\d|0?[1-9])\s*日\s*(?:凌晨|上午|中午|下午|晚上|晚间)?\s*\d{1,2}\s*[时点]"
                           r"(?:\s*\d{1,2}\s*分)?")
_PATTERNS: list[tuple[FigureKind, re.Pattern[str]]] = [
    ("percent", re.compile(rf"百分之{_NUM}|{_NUM}\s*(?:%|％|个百分点)|[{_CN_DIGITS}\d]+分之[{_CN_DIGITS}\d]+")),
    # Tenths, as news rounds shares (晚稻播栽过九成, 超过8成的农户): a percentage of ten times the number.
    ("percent", _TENTHS),
    ("money", re.compile(rf"{_NUM}\s*{_ABOUT}\s*{_MAGNITUDE}\s*{_ABOUT}\s*(?:{'|'.join(CURRENCIES)})")),
    # Spoken sums, as interviews are quoted: "约1.7个亿", "几个亿" (yuan understood).
    ("money", re.compile(rf"{_NUM}\s*{_ABOUT}\s*个\s*{_ABOUT}\s*(?:亿|千万|百万)(?!\s*(?:人|名|户|吨|亩|股|辆|件|级|平方|立方|千瓦|米|字|次))")),
    ("date", _DATE_SPAN),
    ("date", _RELATIVE_DATE),
    ("date", re.compile(r"(?:(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?|\d{1,2}\s*月\s*\d{1,2}\s*[日号])"
                        r"(?:\s*(?:凌晨|上午|中午|下午|晚上|晚间)?\s*\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分)?)?"
                        r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
                        # A month alone, before the part of it meant (8月底, 9月中旬, 7月份): a date, not the number 8.
                        r"|(?<![\d年])\d{1,2}\s*月(?=\s*(?:底|初|末|中旬|上旬|下旬|份|中(?![国心])))"
                        # A month alone that opens or dates a clause ("今年4月，…", "6月,甲公司收购…", "从7月起"),
                        # not the end of a span of months (1-6月, 1至6月, 前6月).
                        r"|(?<![\d\-－~～至到前第.])\d{1,2}\s*月(?=\s*(?:[，,]|起|以来|开始|至今))"
                        # A day alone, as news dates what happened this month ("9日在郑州启幕的…", "…，15日上午，…").
                        r"|(?:^|(?<=[，,。；;：:\s（(“…于从自在]))(?:3[01]|[12]\d|0?[1-9])\s*日"
                        r"(?=\s*(?:[，,]|在|起|凌晨|上午|中午|下午|晚上|晚间|晚|举行|召开|开幕|启幕|闭幕|发布|公布|宣布))"
                        # A month in Chinese numerals (九月, 十二月十五日), not a count of months (三个月, 几月).
                        r"|(?<![个几数每上下这那本当同前后近])(?:十[一二]?|[一二三四五六七八九])月(?:(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号])?(?![亮饼光]|球)")),
    ("date", _DAY_AND_HOUR),
    ("rank", re.compile(rf"第\s*{_NUM}\s*(?:名|位|个|届|次|批|期|轮|季度|年|天|号|场|代|版)?|排名?第?\s*{_NUM}\s*位?")),
    ("duration", re.compile(rf"{_NUM}\s*{_ABOUT}\s*(?:个多?月|个?多?小时|分钟|周|星期|天|年)(?:多|余)?(?:时间|之久)?")),
    ("count", re.compile(rf"{_NUM}\s*{_ABOUT}\s*{_MAGNITUDE}\s*{_ABOUT}\s*(?:个{_COUNTED_NOUN}|(?:{CLASSIFIERS}))")),
    ("number", re.compile(rf"{_NUM}\s*{_ABOUT}\s*{_MAGNITUDE}")),
]


@dataclass(frozen=True)
class Figure:
    """A figure in a text: its span, kind, unit (元, 人, %, 吨…) and value where it reads as one."""

    start: int
    end: int
    surface: str
    kind: FigureKind
    unit: str
    value: float | None


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, left to right; where patterns overlap the more specific kind wins."""
    taken = [False] * len(text)
    found: list[Figure] = []
    for kind, pattern in _PATTERNS:
        if pattern is _DATE_SPAN and not DATE_SPANS or pattern is _TENTHS and not TENTHS \
                or pattern is _RELATIVE_DATE and not RELATIVE_YEAR_DATES or pattern is _DAY_AND_HOUR and not DAY_AND_HOUR:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            surface = match.group().strip()
            if not surface or any(taken[start:end]) or not _is_figure(surface, text, start):
                continue
            if kind == "duration" and _looks_like_date(surface, text, end):
                continue
            for i in range(start, end):
                taken[i] = True
            value = read_number(surface)
            if pattern is _TENTHS and value is not None:
                value *= 10  # 九成 is 90%
            found.append(Figure(start, end, surface, kind, _unit(surface, kind), value))
    return sorted(found, key=lambda f: f.start)


# Directions come in pairs. A figure written after the other word of its pair than the question's
# ("哪一类净流入最多" read from "主力资金净流出245万元") counts against what is asked: it is negative.
_DIRECTIONS = (
    # Money that flows into a stock is bought: a market report's 净卖出 is its 净流出.
    (re.compile(r"流入|买入|增持"), re.compile(r"流出|卖出|减持")),
    (re.compile(r"盈利|赚"), re.compile(r"亏损|亏")),
    (re.compile(r"增长|增加|上升|上涨|提升|提高|增|涨|升"), re.compile(r"下降|下滑|减少|下跌|降低|回落|降|跌|减")),
)
_CLAUSE_START = re.compile(r"[，,；;。！？!?\n][^，,；;。！？!?\n]*$")


def signed_value(value: float, asked: str, before: str) -> float:
    """``value`` in the direction ``asked`` names (净流入, 下滑): negated when the last direction word of
    the clause ``before`` the figure is the other one of its pair. A pair ``asked`` names neither side
    of (or both) says nothing."""
    clause = before[m.start() + 1:] if (m := _CLAUSE_START.search(before)) else before
    for same, other in _DIRECTIONS:
        asks_same, asks_other = same.search(asked) is not None, other.search(asked) is not None
        if asks_same == asks_other:
            continue
        said = [(m.start(), True) for m in same.finditer(clause)] + [(m.start(), False) for m in other.finditer(clause)]
        if said:
            return value if max(said)[1] == asks_same else -value
    return value


# What a sentence says around a figure that belongs to it: an estimate or bound
# (约150米, 超过600年, 10亿吨以上, 不少于十五日) or the period of a date (3月底, 上半年).
_QUALIFIER_BEFORE = re.compile(r"(?:约|近|逾|超过|超|不少于|不低于|不超过|不到|不足|至少|最多|高达|多达|将近|大约)$")
_QUALIFIER_AFTER = re.compile(r"^(?:以上|以下|以内|之内|左右|上下|开外|多|余|起|内|前|后|底|初|末|上旬|中旬|下旬|"
                              r"上半年|下半年|第[一二三四1-4]季度|[一二三四1-4]季度)")
# Between the two ends of a range: 55至70毫米, 2023年9月至2024年3月底.
_RANGE_JOIN = re.compile(r"\s*(?:至|到|~|～|-|－|—|–|或)\s*")  # 或: two estimates (2023年下半年或2024年上半年)


def stated_figure(sentence: str, figure: Figure, ranges: bool = True) -> str:
    """``figure`` as ``sentence`` states it: with its qualifier, and both ends of a range it is one end of.

    The bare figure is the value; what a reader needs is what the article claims
    (约150米 is not 150米 exactly; 55至70毫米 is neither 55 nor 70 alone). Without
    ``ranges`` (a question asking for both ends as separate parts) only the qualifier is added.
    """
    figures = find_figures(sentence)

    def qualified(f: Figure) -> tuple[int, int]:
        start, end = f.start, f.end
        if start > 0 and sentence[start - 1] in "-−负" and (start < 2 or not (sentence[start - 2].isdigit() or sentence[start - 2].isascii() and sentence[start - 2].isalpha())):
            start -= 1  # a sign (-0.3%), not the dash of a range (20-30)
        before = _QUALIFIER_BEFORE.search(sentence[max(0, start - 4):start])
        after = _QUALIFIER_AFTER.match(sentence[end:])
        return start - (len(before.group()) if before else 0), end + (len(after.group()) if after else 0)

    start, end = qualified(figure)
    if ranges:
        following = next((f for f in figures if f.start >= end), None)
        if following is not None and figure.kind == "date" and following.kind == "number" \
                and sentence[following.end:following.end + 1] in ("日", "号") \
                and _RANGE_JOIN.fullmatch(sentence[end:following.start]):
            end = following.end + 1  # a span of days written once with its month (6月21日至22日)
        elif following is not None and (following.kind == figure.kind or figure.kind == "number"):
            f_start, f_end = qualified(following)
            # A dash after a unit (1800万元-2300万元) joins a range; qualified() read it as a sign.
            if f_start >= end and (_RANGE_JOIN.fullmatch(sentence[end:f_start])
                                   or _RANGE_JOIN.fullmatch(sentence[end:following.start])):
                end = f_end
        preceding = next((f for f in reversed(figures) if f.end <= figure.start), None)
        if preceding is not None and (preceding.kind == figure.kind or preceding.kind == "number"):
            p_start, p_end = qualified(preceding)
            if p_end <= start and _RANGE_JOIN.fullmatch(sentence[p_end:start]):
                start = p_start
    return sentence[start:end].strip()


def _is_figure(surface: str, text: str, start: int) -> bool:
    """A match is a figure unless it is a numeral inside a word (之一, 唯一, 统一) or a bare numeral."""
    if re.search(r"\d", surface):
        # "A4", "G20": a number glued to Latin letters is a name.
        return not (start > 0 and text[start - 1].isascii() and text[start - 1].isalpha())
    if surface.startswith("百分之") or _RELATIVE_DATE.fullmatch(surface):
        return True  # (今年年底: a date written without a numeral)
    numeral = re.search(rf"[{_CN_DIGITS}]+", surface)
    if numeral is None or surface == numeral.group():
        return False
    before = text[start - 1] if start > 0 else ""
    return not (surface.startswith("一") and before in "之唯统万专单同逐")


def _looks_like_date(surface: str, text: str, end: int) -> bool:
    """2023年 is a year; 5月 before 日 or 份 is a month, not five months."""
    year = re.match(r"(19|20)\d{2}\s*年", surface)
    return bool(year) or bool(re.fullmatch(r"\d{1,2}\s*月", surface) and text[end:end + 1] in "日号份底初中")


def _unit(surface: str, kind: FigureKind) -> str:
    if kind == "percent":
        return "%"
    if kind == "money":
        # (A spoken sum, 1.7个亿, names no currency: yuan.)
        return next((c for c in CURRENCIES if surface.endswith(c)), "元").replace("块钱", "元").replace("港币", "港元").replace("人民币", "元")
    if kind in ("date", "number"):
        return ""
    tail = re.sub(rf"^(?:排名?)?第?\s*{_NUM}\s*{_ABOUT}\s*{_MAGNITUDE}\s*{_ABOUT}\s*", "", surface)
    return tail.removesuffix("时间").removesuffix("之久") or ""


@lru_cache(maxsize=4096)
def read_number(surface: str) -> float | None:
    """The value of a figure's number, magnitude included: 7.78亿元 -> 778000000, 三千万 -> 30000000."""
    match = re.search(rf"{_NUM}\s*{_ABOUT}\s*{_MAGNITUDE}", re.sub(r"个(?=\s*(?:多|余)?(?:亿|千万|百万))", "", surface))
    if match is None:
        return None
    text = re.sub(r"[\s,，多余近约]", "", match.group())
    magnitude = 1.0
    for word, factor in (("万亿", 1e12), ("亿", 1e8), ("千万", 1e7), ("百万", 1e6), ("万", 1e4), ("千", 1e3)):
        if text.endswith(word) and re.search(r"\d", text):
            text, magnitude = text[: -len(word)], factor
            break
    try:
        return float(text) * magnitude
    except ValueError:
        pass
    try:
        import cn2an

        return float(cn2an.cn2an(text, "smart")) * magnitude
    except (ValueError, KeyError, IndexError, TypeError):
        return None


_SMALL_NUMERAL = re.compile(r"^([一二两三四五六七八九十]{1,3}|\d{1,3})(\D+)$")


@lru_cache(maxsize=4096)
def numeral_forms(token: str) -> tuple[str, ...]:
    """A count word written the other way: 两个 -> 2个, 3家 -> 三家 (first the token itself).

    A question says 两个县 where the article says 2个定点扶贫县 (and the reverse);
    as words to find in a sentence they are the same. Only small counts (up to
    999) followed by a classifier are rewritten; other tokens come back alone.
    """
    match = _SMALL_NUMERAL.match(token)
    if match is None or not re.match(rf"(?:个|年|天|{CLASSIFIERS})", match.group(2)):  # 一共, 一起: not a count
        return (token,)
    number, tail = match.groups()
    if number.isdigit():
        import cn2an

        other = cn2an.an2cn(number)
        others = [other] + (["两" + other[1:]] if other.startswith("二") else [])
    else:
        value = read_number(number)
        if value is None or value != int(value):
            return (token,)
        others = [str(int(value))]
    return (token, *(o + tail for o in others if o != number))


# --- what the question asks for ------------------------------------------------------

# Words that stand where the answer goes; the question's text either side of one
# is what the supporting sentence should say around the answer.
WH_WORDS = re.compile(
    r"多少|几|什么|啥|哪些|哪个|哪家|哪位|哪一|哪里|哪儿|哪|谁|何时|何地|何处|如何|怎么样|怎么|怎样|为什么|为何|是否|多长|多久|多大|多高"
)
# Classifier words a "how many" question may name (几个县 -> 县, 多少人 -> 人).
# 多少万套, 几千人: the unit may follow a magnitude.
_FOCUS = re.compile(rf"(?:多少|几)\s*(?:[十百千万亿]|百万|千万)?\s*(个{_COUNTED_NOUN}|{CLASSIFIERS}|{'|'.join(CURRENCIES)})")
UNIT_FAMILIES = [
    {"人", "名", "人次", "位", "户"}, {"家", "个企业", "个单位"}, {"项", "个项目"}, {"个县", "县"}, {"个村", "村"},
    {"吨", "公斤", "千克", "斤"}, {"亩", "公顷", "平方米", "平方公里"}, {"元", "块钱"}, {"米", "公里", "千米", "km"},
    {"千瓦", "兆瓦", "万千瓦", "kW", "MW", "GW"}, {"千瓦时", "度", "kWh", "MWh", "GWh"},
    # Spoken Chinese counts vehicles and machines by 台 ("电车卖了多少台" of 119.1万辆), equipment by 套 or 台.
    {"辆", "台"}, {"台", "套"},
]


# "多少观众", "多少游客": a noun for people after 多少 asks a number of people. Off: any count answers.
PEOPLE_NOUNS = True
_PEOPLE_COUNTED = re.compile(r"(?:多少|几)(?:名|位|个)?(?:观众|游客|市民|居民|员工|职工|工人|学生|患者|选手|运动员|志愿者|代表|嘉宾|"
                             r"乘客|旅客|村民|农户|会员|用户|粉丝|网友|专家|医生|教师|老师)")

# "厂房有多大", "园区占地多大": the size of a building or a piece of land is its area.
SIZED_PLACE = re.compile(r"(?:厂房|园区|基地|厂区|场馆|展馆|展区|展厅|仓库|校区|公园|广场|工厂|车间|景区|湖|水库|林地|农田|草原|商场|"
                         r"综合体)(?:(?!规模|产能|投资|产值)[^，,。？?]){0,4}?(?:有|是|为|达|占地)?多大(?![规年岁])")


def focus_unit(question: str) -> str | None:
    """The unit a count question asks in: 多少人 -> 人, 几个县 -> 个县, 人数 -> 人."""
    match = _FOCUS.search(question)
    if match:
        if match.group(1) == "个" and question[match.end():match.end() + 1] == "人":
            return "人"  # 几个人: people, not 个
        return match.group(1)
    people = _PEOPLE_COUNTED.search(question) if PEOPLE_NOUNS else None
    if people:
        return "人"  # "预计有多少观众到场": people, whatever the article counts them in (人, 名, 人次)
    if SIZED_PLACE.search(question):
        return "平方米"  # "新盖的厂房有多大": an area (亩 and 公顷 are the same family)
    # A valuation ratio (市盈率 56.76倍) is stated as a multiple, not a percentage.
    # A dimension asked by its noun (高度是多少: 米; 面积有多大: 平方米 or 亩).
    for word, unit in (("人数", "人"), ("人次", "人次"), ("户数", "户"), ("家数", "家"), ("吨", "吨"), ("亩", "亩"),
                       ("市盈率", "倍"), ("市净率", "倍"), ("市销率", "倍"), ("高度", "米"), ("长度", "米"), ("深度", "米"),
                       ("宽度", "米"), ("海拔", "米"), ("里程", "公里"), ("面积", "平方米"), ("重量", "吨"), ("载重", "吨")):
        if word in question and not (STATED_UNITS_NOT_ASKED and _stated_only(question, word)):
            return unit
    return None


# "试种的5亩白茄子…多卖了多少": a unit the question writes after its own figure (5亩) is no unit it asks in.
# Off: any unit word of the question is the one asked.
STATED_UNITS_NOT_ASKED = True


def _stated_only(question: str, word: str) -> bool:
    """Every ``word`` in ``question`` ends a figure the question states (5亩)."""
    return all(re.search(rf"{_NUM}\s*{_ABOUT}\s*{_MAGNITUDE}\s*$", question[:m.start()])
               for m in re.finditer(re.escape(word), question))


def same_unit(unit: str, focus: str | None) -> bool:
    """Units that count the same thing (人, 名, 位 are all people)."""
    if focus is None or not unit:
        return False
    if focus == "个":
        return True  # 几个患者: 个 counts anything (10名患者)
    if unit == focus or unit.endswith(focus) or focus.endswith(unit):
        return True
    return any(unit in family and focus in family for family in UNIT_FAMILIES)


def question_sides(question: str) -> tuple[str, str] | None:
    """The question's text before and after its question word (the answer sits between them)."""
    match = WH_WORDS.search(question)
    if match is None:
        return None
    return question[: match.start()], question[match.end():]


_PUNCT = "，,；;。！？!?：:、\n “”\"'（）()《》"


def gap_span(sentence: str, left_words: list[str], right_words: list[str]) -> tuple[int, int] | None:
    """Where in ``sentence`` the answer sits, given the question's words either side of its question word.

    The last left word found marks where the answer starts, the first right word
    after it where it ends; with only one side found, the answer runs to (or from)
    that side's clause boundary. None when neither side is found.
    """
    left_end = None
    for word in reversed(left_words):
        positions = [m.start() for m in re.finditer(re.escape(word), sentence)]
        if positions:
            # Of several occurrences (宁波商会 … 黑龙江商会), the one the question's other
            # words lead up to: "湖南省黑龙江商会在哪个村" anchors at 黑龙江商会.
            others = [w for w in left_words if w != word]

            def support(p: int) -> float:
                # The question's other words close by, on either side, the closer the more.
                total = 0.0
                for other in others:
                    near = [abs(m.start() - p) for m in re.finditer(re.escape(other), sentence)]
                    if near:
                        total += 1.0 / (1 + min(near))
                # The question's next word right after it ("保护|草场"): the answer is here.
                after = sentence[p + len(word):p + len(word) + 6]
                return total + (2.0 if any(w and w in after for w in right_words) else 0.0)

            position = max(positions, key=lambda p: (support(p), -p))
            left_end = position + len(word)
            break
    right_start = None
    for word in right_words:
        position = sentence.find(word, left_end or 0)
        if position >= 0 and position > (left_end or -1):
            right_start = position
            break
    if left_end is None and right_start is None:
        return None
    if right_start is None and left_end is not None:
        # The sentence says it in another order than the question ("由国务院国资委主办、…的“…活动”"):
        # a right word before the left one still ends the answer.
        for word in right_words:
            position = sentence.find(word)
            if 0 < position < left_end - 1 and len(word) > 1:
                start = max(sentence.rfind(c, 0, position) for c in "，,；;。！？!?：:\n") + 1
                if position - start >= 2:
                    return start, position
                break
    if left_end is None:
        start = max(sentence.rfind(c, 0, right_start) for c in "，,；;。！？!?：:\n") + 1
        return start, right_start
    if right_start is None or right_start - left_end > 80:
        ends = [i for i in (sentence.find(c, left_end) for c in "，,；;。！？!?\n") if i >= 0]
        return left_end, min(ends) if ends else len(sentence)
    return left_end, right_start


# Marks that come in pairs: a span keeps both halves of a pair it holds (“迈斯纳现象”, 《天鹅湖》).
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"), ("‘", "’"))


def tidy(text: str) -> str:
    """A span without the particles and punctuation that glue it into its sentence.

    Quotation marks and title marks are punctuation, but a name is often quoted
    ("“迈斯纳现象”", "《天鹅湖》"): a mark whose partner the span keeps is kept, a
    span quoted whole keeps its quotes, and no particle is cut from inside a quotation.
    """
    for opening, closing in _PAIRS:
        quoted = re.fullmatch(rf"[{re.escape(_PUNCT)}]*{re.escape(opening)}([^{re.escape(opening + closing)}]+)"
                              rf"{re.escape(closing)}[{re.escape(_PUNCT)}]*", text)
        if quoted:  # the whole span is one quotation: its words are the answer, particles included
            return opening + quoted.group(1).strip() + closing
    text = _keep_pairs(text, text.strip(_PUNCT))
    # A particle is cut only where it is a word of its own: 共 of 共同, 也 of 也门,
    # 为 of 为期 and 的 of 目的 belong to the word they start or end.
    if text and text[0] not in _OPENINGS:
        words = words_of(text)
        drop = 0
        while drop < len(words) - 1 and words[drop] in _LEADING_PARTICLES:
            drop += 1
        cut = "".join(words[drop:])
        text = _keep_pairs(cut, cut.strip(_PUNCT))
    if text and text[-1] not in _CLOSINGS:
        words = words_of(text)
        keep = len(words)
        while keep > 1 and words[keep - 1] in _TRAILING_PARTICLES:
            keep -= 1
        cut = "".join(words[:keep])
        text = _keep_pairs(cut, cut.strip(_PUNCT))
    return text


_LEADING_PARTICLES = {"了", "是", "为", "有", "在", "的", "将", "把", "被", "向", "对", "给", "由", "达到", "达", "共", "约",
                      "都", "也", "已经", "已", "还", "就"}
_TRAILING_PARTICLES = {"的", "了", "等", "是", "为", "之", "向", "对", "给", "在", "把", "被", "从", "由", "与", "和", "将"}


@lru_cache(maxsize=8192)
def words_of(text: str) -> tuple[str, ...]:
    """``text`` cut into words (rjieba, the tokenizer the index uses); their lengths add up to ``text``'s."""
    from rag import jieba

    return tuple(jieba.cut(text))


def whole_span(sentence: str, start: int, end: int, keep: tuple[int, int] | None = None) -> tuple[int, int]:
    """``sentence[start:end]`` widened so that it neither cuts a word nor leaves a pair half open.

    A gap or clause boundary found by characters can fall inside a word (坚持问题导|向)
    or inside a title or quotation (…发布《关于开展“一链一策一批”…》); a reader
    needs the whole word, and the whole 《…》 or “…”. A pair whose other half lies
    far off (more than ``_MAX_PAIR_REACH`` characters, or in another sentence) is
    cut off instead: the span keeps the side of the lone mark that holds ``keep``
    (where the answer was found), else the longer side.
    """
    if not 0 <= start < end <= len(sentence):
        return start, end
    boundaries, at = {0}, 0
    for word in words_of(sentence):
        at += len(word)
        boundaries.add(at)
    while start not in boundaries:
        start -= 1
    while end not in boundaries:
        end += 1
    for opening, closing in _PAIRS:
        if opening == closing:
            continue
        depth, first_unclosed, last_unopened = 0, None, None
        for i in range(start, end):
            if sentence[i] == opening:
                depth += 1
                if depth == 1:
                    first_unclosed = i
            elif sentence[i] == closing:
                if depth == 0:
                    last_unopened = i
                else:
                    depth -= 1
        if last_unopened is not None:  # ……》: reach back to its 《, else leave the mark out
            back = sentence.rfind(opening, max(0, start - _MAX_PAIR_REACH), start)
            if back >= 0:
                start = back
            else:
                start, end = _one_side(start, last_unopened, end, keep)
        if depth > 0 and first_unclosed is not None and first_unclosed < end:  # 《……: reach on to its 》
            on = sentence.find(closing, end, end + _MAX_PAIR_REACH)
            if on >= 0:
                end = on + 1
            else:
                start, end = _one_side(start, first_unclosed, end, keep)
    return (start, end) if start < end else (start, start)


def _one_side(start: int, mark: int, end: int, keep: tuple[int, int] | None) -> tuple[int, int]:
    """Of ``[start, mark)`` and ``(mark, end)``, the one that holds ``keep``, else the longer."""
    if keep is not None and keep[0] > mark:
        return mark + 1, end
    if keep is not None and keep[1] <= mark:
        return start, mark
    return (start, mark) if mark - start >= end - mark - 1 else (mark + 1, end)


_MAX_PAIR_REACH = 30


_OPENINGS = {opening for opening, _ in _PAIRS}
_CLOSINGS = {closing for _, closing in _PAIRS}


def _keep_pairs(source: str, stripped: str) -> str:
    """``stripped`` (a piece of ``source``) with the halves of its pairs that stripping took off put back."""
    if not stripped:
        return stripped
    at = source.find(stripped)
    before, after = source[:at], source[at + len(stripped):]
    for opening, closing in _PAIRS:
        opens, closes = stripped.count(opening), stripped.count(closing)
        if opens > closes and after.lstrip().startswith(closing):
            stripped += closing
        elif closes > opens and before.rstrip().endswith(opening):
            stripped = opening + stripped
        elif opens == closes == 0 and before.endswith(opening) and after.startswith(closing):
            stripped = opening + stripped + closing  # 是《天鹅湖》的 -> 《天鹅湖》
    return stripped

"""Questions that name their candidates and ask which one has more: "宁德时代和比亚迪，哪家营收更多？".

The answer can only be one of the names the question gives, whether or not the
organisation table knows them; each candidate's figure is read on its own and the
figures compared. Reading each figure is the answerer's business (it asks one
sub-question per candidate); this module only reads the question and compares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer import listed as _listed
from rag.answer.listed import comparable_value, listed_question
from rag.answer.period import PERIOD_ONLY
from rag.answer.spans import Figure, find_figures, signed_value

# What is compared, between the choice ("哪家", "哪个县的") and its direction ("更多", "最高").
_METRIC = re.compile(
    r"(?:哪(?:一)?(?:家|个|位|只|款|方|类|项|条|天|块)|谁)(?:公司|企业|股票|品牌|县|市|省|国家|地区)?(?:的)?"
    r"(?P<metric>[^，,。？?！!]{0,16}?)(?:更|比较|较|最)(?P<direction>多|高|大|贵|少|低|小|便宜|厉害|快|猛|严重|明显)"
)
# "常德和西藏比，上半年谁的旅游收入更高": a period written between the list and the ask is part of the measure.
# Off: the measure is the words after the ask's 哪/谁 alone.
PERIOD_BEFORE_ASK = True
# What the list's name leaves before the measure: "这三家，", "三家公司", "中".
_LIST_NAME = re.compile(r"^(?:[这那]?[几两三四五六七八九十\d]*(?:个|家|位|只|款|类|项|条|天|块)?(?:公司|企业|股票|品牌)?)?"
                        r"(?:[中里]|之中|当中)?[，,\s]*")
# What a date comparison asks happened: "哪家更早注销" (after the direction), "哪家先上市" (after 先),
# "哪家注销得更早" (before it).
_DATED = re.compile(r"(?:哪(?:一)?(?:家|个|位|只|款|方|类|项|条)|谁)(?:公司|企业)?(?P<before>[^，,。？?！!]{0,10}?)[得的]?"
                    r"(?:更早|最早|先|更晚|最晚)(?P<after>[^，,。？?！!]{0,10})")
# What the list parser leaves on a last name: "B相比", "西岭两个县", "平板两条产品线".
_NAME_TAIL = re.compile(r"(?:相比|相较|比较|对比|比)$|[两三四五几]个?(?:家|个|位|只|条|类|项|款|种)?"
                        r"(?:公司|企业|股票|县|市|省|国家|地区|产品线|业务|板块|资金|产品)?$")
_CHANGE = re.compile(r"[降升涨跌增减]|提高|下滑")

# "哪个参展企业更多": a metric that is a counted noun asks how many of it, in its classifier.
# Off: "…是多少" for every metric.
COUNTED_METRICS = True
_CLASSIFIER_OF = {"企业": "家", "公司": "家", "机构": "家", "银行": "家", "展商": "家", "门店": "家", "工厂": "家",
                  "人": "人", "人员": "人", "员工": "人", "观众": "人", "游客": "人", "学生": "人", "代表": "人",
                  "项目": "个", "国家": "个", "城市": "个", "活动": "场", "车型": "款", "产品": "款"}
_COUNTED = re.compile(f"(?:{'|'.join(sorted(_CLASSIFIER_OF, key=len, reverse=True))})$")


@dataclass(frozen=True)
class NamedChoice:
    """A comparison among the names the question itself gives."""

    names: tuple[str, ...]
    metric: str  # what is compared, in the question's words (营收, 发行价, 销售收入同比下滑)
    largest: bool  # True for 更多/更高/最大/更厉害, False for 更少/更低
    # What the question says of every name before its list ("康为世纪8月2日的主力、游资、散户"):
    # each name's sub-question keeps it, or another article's 主力 would do.
    context: str = ""
    dated: bool = False  # "哪家更早注销": the names' dates are compared, the earlier one answers


    @property
    def is_change(self) -> bool:
        """The metric is a change (下滑, 涨): its figure is the change's size, not a level.
        A rate of change (增速, 增幅) is a level: "增速最低" asks for the lowest rate."""
        rate = _listed.RATES_ARE_LEVELS and _listed.RATE_OF_CHANGE.search(self.metric) is not None
        return _CHANGE.search(self.metric) is not None and not rate

    def sub_question(self, name: str) -> str:
        """The question each candidate's figure answers: "比亚迪营收是多少？", "平板销售收入下滑了多少？"."""
        subject = f"{self.context}{name}"
        if self.dated:
            return f"{subject}什么时候{self.metric}？"
        if self.is_change:
            return f"{subject}{self.metric}了多少？"
        counted = _COUNTED.search(self.metric) if COUNTED_METRICS else None
        if counted:
            # "哪个参展企业更多": how many enterprises (家), not a figure of any unit (67户 of another list).
            return f"{subject}{self.metric}有多少{_CLASSIFIER_OF[counted.group()]}？"
        return f"{subject}{self.metric}是多少？"

    def signed(self, figure: Figure, sentence: str, at: int) -> float:
        """``figure``'s value in the measure's direction (净流出 read for a 净流入 question is negative);
        ``at``: where the figure stands in ``sentence``."""
        return signed_value(figure.value, self.metric, sentence[:at])


# "X的同比增速，A和B相比哪个更高": the measure said in the clause before the list's. Off: 相比 is the measure.
FRONT_MEASURES = True
# "…增速最低的是哪里？", "…最多的是哪个？": a ranked ask after its measure. Off: only "哪个…更多" asks.
RANKED_CHOICES = True
_RANKED = re.compile(r"(?:最多|最高|最大|最少|最低|最小|最快|最慢)的?是(?:哪|谁)")


def named_choice(question: str) -> NamedChoice | None:
    """The candidates and measure of "A和B，哪家X更多", else None (also for one name, or a name of one character).

    The names and the direction are the list parser's (``listed.listed_question``); this adds what is compared.
    """
    listed = listed_question(question.strip())
    if listed is None or listed.operation == "sum":
        return None
    if listed.kind == "date":
        # "A和B哪家更早注销": what happened is the words around the direction (注销, 上市了).
        dated = _DATED.search(question)
        if dated is None:
            return None
        measure = (dated.group("after") or dated.group("before") or "").strip(" 的得了")
    else:
        metric = _METRIC.search(question)
        if metric is None and listed.measure and (RANKED_CHOICES and _RANKED.search(question)
                                                  or _listed.PAIRED_COMPARATIVES and _listed._PAIRED.search(question)):
            # "常德、琼海、西藏三地中，上半年旅游收入同比增速最低的是哪里": the measure is said before the ask.
            return _named(listed, listed.measure, question)
        if metric is None:
            return None
        measure = metric.group("metric").strip(" 的得")
        last = listed.items[-1]
        end_of_list = question.rfind(last, 0, metric.start())
        if PERIOD_BEFORE_ASK and measure and end_of_list >= 0:
            # "常德和西藏比，上半年谁的旅游收入更高": the period said between the list and the ask is the measure's.
            between = question[end_of_list + len(last):metric.start()]
            between = _LIST_NAME.sub("", re.sub(r"^(?:相比|相较|比较|对比|比)", "", between)).strip(" 的，,")
            if PERIOD_ONLY.fullmatch(between):
                measure = f"{between}{measure}"
        if not measure:
            # "A、B、C这三家，一季度营收谁最高": the measure is said between the list and the ask.
            last = listed.items[-1]
            if last in question[:metric.start()]:
                between = question[question.rfind(last, 0, metric.start()) + len(last):metric.start()]
                measure = _LIST_NAME.sub("", between).strip(" 的得，,")
        if FRONT_MEASURES and len(re.sub(r"^(?:相比|相较|比较|对比)", "", measure)) < 2:
            # "上半年国内旅游收入的同比增速，吉林和全国相比哪个更高": the measure is the clause before the list's.
            measure = re.sub(r"^(?:相比|相较|比较|对比)", "", measure)
            first = question.find(listed.items[0])
            before = re.split(r"[，,]", question[:first])
            if not measure and len(before) >= 2 and len(before[-2].strip()) >= 2 and not before[-1].strip():
                measure = before[-2].strip(" 的")
        if _CHANGE.search(measure) and not (_listed.RATES_ARE_LEVELS and _listed.RATE_OF_CHANGE.search(measure)) \
                and metric.group("direction") in ("低", "小", "少", "慢"):
            return None  # "哪个降得更低": to a lower level, or by less? One reading cannot settle it
    return _named(listed, measure, question)


def _named(listed, measure: str, question: str) -> NamedChoice | None:
    names = tuple(n for n in (_NAME_TAIL.sub("", item).strip(" 的在") for item in listed.items) if n)
    if len(names) < 2 or any(len(n) < 2 for n in names) or len(measure) < 2:
        return None
    # The words before the list, in the list's clause, less what only frames it (中, 里, 在).
    clause_start = max(question.rfind(c, 0, question.find(names[0])) for c in "，,：:；;") + 1
    context = question[clause_start:max(question.find(names[0]), clause_start)].strip()
    context = re.sub(r"^[在是]|(?:在|中|里|之中|当中|是)$", "", context).strip()  # not the 中 of 中环环保
    return NamedChoice(names=names, metric=measure, largest=listed.operation == "max", context=context,
                       dated=listed.kind == "date")


def figure_of(short: str) -> Figure | None:
    """The one figure a candidate's short answer gives (None when it gives none or several)."""
    figures = [f for f in find_figures(short) if f.value is not None]
    return figures[0] if len(figures) == 1 else None


# "酒庄和线路，哪个数量更多": counts of different things (家, 条) compare by how many. Off: one unit only.
COUNTS_ACROSS_UNITS = True
_HOW_MANY = re.compile(r"数量|个数|数目")


def winner(choice: NamedChoice, figures: dict[str, Figure], values: dict[str, float] | None = None) -> str | None:
    """The name with the larger (or smaller) figure; None unless every figure is of one kind and unit
    (yuan are not compared with dollars) and one figure strictly wins. ``values``: the figures' values
    in the measure's direction (``NamedChoice.signed``), where they differ from the figures' own."""
    if len(figures) != len(choice.names):
        return None
    counted = COUNTS_ACROSS_UNITS and all(f.kind == "count" for f in figures.values()) and _HOW_MANY.search(choice.metric)
    if len({(f.kind, f.unit) for f in figures.values()}) != 1 and not counted:
        return None  # (but "哪个数量更多" compares 10家 with 15条: how many, whatever is counted)
    if choice.dated:
        # A date is read as 20190500 (年, 月, 日); one without its year cannot be ordered (None).
        values = {name: comparable_value(figure) for name, figure in figures.items()}
        if any(v is None for v in values.values()):
            return None
    values = values or {name: figure.value for name, figure in figures.items()}
    ranked = sorted(values.items(), key=lambda item: item[1], reverse=choice.largest)
    if ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]

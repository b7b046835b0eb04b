"""Questions about several things the question itself lists: their sum, or which of them is largest.

"基层干部、乡村振兴带头人和专业技术人员加起来总共多少人" and "采购和帮助销售一共多少钱"
ask for a sum that no sentence states; "教育、医疗、产业哪一类投入最多" and "A、B、C这三家
谁捐得最多" ask which listed item has the largest figure. Both need one figure per item:
the figure of the kind asked in the clause that names the item (the sentence's nearest
figure when the clause holds none). Every item must find one, in the retrieved passages,
or the question is left to the ordinary answerer; the figures of a sum must share a unit.
The answer shows each figure with its citation, so the reader can check the arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from rag.answer.compared import difference, with_figures
from rag.answer.period import PERIOD_ONLY
from rag.answer.spans import Figure, find_figures, same_unit, signed_value
from rag.documents import Answer, Chunk, Citation, Hit
from rag.entities import aliases_of, find_organisations
from rag.places import find_places, is_place_name

Operation = Literal["sum", "max", "min"]

_SUM = re.compile(r"加起来|加在一起|合起来|合计|一共|总共|共计|总计|总和|之和|(?<![一总公])共(?=[^，,。？?]{0,6}(?:多少|几))"
                  r"|\bin total\b|\bcombined\b|\baltogether\b", re.I)
# "哪一类…最多", "谁捐得最多", "哪个更多": a choice among the listed items.
# 哪一块 (现金、物资哪一块), 哪天 (8月7日和8月11日哪天): a part or a day of those listed.
_CHOICE = re.compile(r"哪一?(?:类|项|种|个|方面|家|位|方|条|块|部分|天|样|边)|谁")
# "常德、琼海、西藏三地中，…增速最低的是哪里": a place among the listed places. Off: 哪里 lists nothing.
PLACE_CHOICE = True
_PLACE_CHOICE = re.compile(r"哪里|哪儿")


def _choice(text: str) -> re.Match | None:
    return _CHOICE.search(text) or (_PLACE_CHOICE.search(text) if PLACE_CHOICE else None)


# 更厉害/更快 (下滑得更厉害, 增长更快): the larger change.
# 投得多, 大一些, "哪个签约项目多？": the comparative without 更.
_MORE = re.compile(r"最多|最高|最大|更多|更高|更大|多一些|多些|更厉害|最厉害|更快|最快|更猛|更严重|更明显"
                   r"|得多(?!少)|[多大高快](?:一些|一点|些|点)|多(?=[？?]?$)")
_LESS = re.compile(r"最少|最低|最小|更少|更低|更小|得少|[少小低慢](?:一些|一点|些|点)|(?<!多)少(?=[？?]?$)")
# "哪个县先脱贫", "哪个最晚": a choice among the listed items by their dates.
_EARLIER = re.compile(r"先|最早|更早|早一些")
_LATER = re.compile(r"最晚|更晚|晚一些|最后")
# "是中国更高还是全球更高": two items, each with the comparative. Off: not read as a list.
PAIRED_COMPARATIVES = True
_PAIRED = re.compile(r"(?:是|选)?([^，,。？?是还]{2,12}?)(更[高多大快低少小慢])还是([^，,。？?是]{2,12}?)\2[？?]?$")
# What joins listed items; 加上 joins two whole phrases ("A的利润，加上B的收入").
_JOIN = re.compile(r"[、和与及跟]|以及")
# "A的X和B的Y": each item has its own modifier, so the last item's words after 的 are its own, not
# what every item shares. Off: the last item is cut at its 的 as before.
OWN_MODIFIERS = True
# "这三家", "这几类扶贫投入里", "三类投入里": a tail that names the list, not an item.
_LIST_TAIL = re.compile(r"(?:这|那)[几两三四五六七八九十\d]*(?:[类项个家种位条款只块天年地县市省]|方面|部分)+.*$"
                        r"|[几两三四五六七八九十\d]+(?:[类项家种条款只块天地县市省个]|方面|部分)+.*$"
                        r"|(?:等|这些|里|中|当中|之中|相比|相较|比较|对比)$")
# "哪个增速更低": a rate of change compares as a level (the lowest rate), not as a fall (降得更低: to a lower
# level, or by less?). Off: every measure with 增/降 is a change, and "lowest" of a change is refused.
RATES_ARE_LEVELS = True
RATE_OF_CHANGE = re.compile(r"增速|增幅|降幅|涨幅|跌幅|增长率|下降率")
# "吉林和西藏上半年零售总额增速哪个更快": when the earlier items are whole place names, the last item is the
# place it begins with; the words after it say what is compared. Off: the last item runs to the ask.
PARALLEL_PLACES = True
# "教育扶贫和医疗扶贫的项目": what is counted, written once after the last item, belongs to every item.
_SHARED_TAIL = re.compile(r"的(?:项目|资金|金额|投入|人数|数量|数额|钱|款|规模|收入|个数|次数)$")
_MONEY_WORDS = re.compile(r"钱|元|资金|金额|投入|投资|投了|投得|花|捐|出资|采购|购买|销售|收入|营收|利润|产值|费|价|挣|赚")
_CLAUSE_BREAK = "，,；;：:、。！？!?\n《》"
# What a choice compares when it asks a rate: a growth rate, a share, a margin (增速最快, 毛利率最高).
_RATE = re.compile(r"增速|增幅|降幅|涨幅|跌幅|增长率|增长(?:得)?(?:最|更)|(?:同比|环比)[^，,。？?]{0,4}(?:增长|下降|上涨|下跌)|占比|比重|比例|[^效]率")


@dataclass(frozen=True)
class ListedQuestion:
    """The items a question lists and what it asks of their figures."""

    items: tuple[str, ...]
    operation: Operation
    kind: str  # the figure kind compared or added: money, count, …
    measure: str = ""  # what a choice compares, in the question's words after the list (设定的回购价格上限)

    @property
    def of_dates(self) -> bool:
        """Every item is a date ("8月7日和8月11日哪天收盘价更高"): each day's figure is asked on its own
        (``choice.named_choice``), since no clause names the measure beside the day."""
        return all(_whole_date(item) for item in self.items)

    @property
    def of_organisations(self) -> bool:
        """Every item is an organisation's name ("A、B和C中哪家最多"): the facts table compares those."""
        return all(any(m.end - m.start == len(item) for m in find_organisations(item)) for item in self.items)


@dataclass(frozen=True)
class _ItemFigure:
    item: str
    figure: Figure
    chunk: Chunk
    sentence_start: int
    sentence_end: int


def listed_question(text: str) -> ListedQuestion | None:
    """The listed items and the operation, or None for a question about one thing.

    Args:
        text: The question, normalised (simplified Chinese).
    """
    choice = _choice(text)
    total = _SUM.search(text)
    if total is None and "加上" in text:
        total = re.search(r"(?:是|为|有|等于)?多少", text)  # "A的投资加上B的投资是多少"
    if choice and (_EARLIER.search(text, choice.start()) or _LATER.search(text, choice.start())):
        items = _items(text[:choice.start()])
        if len(items) < 2:
            return None
        return ListedQuestion(tuple(items), "min" if _EARLIER.search(text, choice.start()) else "max", "date")
    paired = _PAIRED.search(text) if PAIRED_COMPARATIVES else None
    if paired and not choice:
        # "上半年新能源汽车销量的同比增速，是中国更高还是全球更高": each side says the comparative.
        measure = text[:paired.start()].strip("，, 的")
        measure = re.split(r"[，,]", measure)[-1].strip(" 的") if measure else ""
        kind = "percent" if _RATE.search(measure) else "money" if _MONEY_WORDS.search(measure) else "count"
        less = paired.group(2)[-1] in "低少小慢"
        return ListedQuestion((paired.group(1), paired.group(3)), "min" if less else "max", kind, measure)
    either = re.search(r"(?:是|选)?([^，,。？?是]{2,20})还是([^，,。？?]{2,20}?)[？?]?$", text)
    if either and (_MORE.search(text, 0, either.start()) or _LESS.search(text, 0, either.start())) and not choice:
        # "投资最多的是甲项目还是乙项目": the two items either side of 还是.
        less = _LESS.search(text, 0, either.start()) and not _MORE.search(text, 0, either.start())
        items = [_LIST_TAIL.sub("", i).strip("的 ") for i in either.groups()]
        if all(len(i) >= 2 for i in items):
            measure = text[max(text.rfind(c, 0, either.start()) for c in "，,") + 1:either.start()]
            measure = _MORE.sub("", _LESS.sub("", measure)).strip("的是 ")
            kind = "money" if _MONEY_WORDS.search(text) else "count"
            return ListedQuestion(tuple(items), "min" if less else "max", kind, measure)
    # (A second ask after the choice, "…是哪里？有多少？", says no direction.)
    asked_end = len(text)
    if choice and PLACE_CHOICE:
        asked_end = next((m.end() for m in re.finditer(r"[？?]", text) if choice.end() <= m.start() < len(text) - 1),
                         len(text))
    ranked = choice and not (_MORE.search(text, choice.start(), asked_end) or _LESS.search(text, choice.start(), asked_end)) \
        and re.search(r"(?:最多|最高|最大|最少|最低|最小|最快|最慢)的?是$", text[:choice.start()])
    if ranked:
        # "甲、乙和丙项目中投资额最大的是哪个": the list ends at 中/里, the measure follows it.
        # "甲、乙、丙这三个地方，旅游收入最高的是哪里": or at the comma after a clause that joins items.
        head = text[:ranked.start()]
        end = max(head.rfind(w) for w in ("中", "里"))
        if end < 0 and PLACE_CHOICE:
            # "吉林、常德、琼海、西藏这四个地方，上半年旅游收入最高的是哪里": the list is the clause before the comma.
            comma = min((i for i in (head.find("，"), head.find(",")) if i > 0), default=-1)
            if comma > 0 and _JOIN.search(head[:comma]) and _LIST_TAIL.search(head[:comma]):
                end = comma
        if end > 0:
            items = _items(text[:end])
            if len(items) >= 2:
                operation = "min" if ranked.group()[1] in "少低小慢" else "max"
                kind = "money" if _MONEY_WORDS.search(text) else "count"
                if _RATE.search(head[end:]):
                    kind = "percent"
                return ListedQuestion(tuple(items), operation, kind, head[end + 1:].strip("的，, "))
    if choice and (_MORE.search(text, choice.start()) or _LESS.search(text, choice.start())):
        operation: Operation = "min" if _LESS.search(text, choice.start()) and not _MORE.search(text, choice.start()) \
            else "max"
        marker = choice.start()
    elif total:
        operation, marker = "sum", total.start()
    else:
        return None
    items = _items(text[:marker])
    if len(items) < 2:
        return None
    kind = "money" if _MONEY_WORDS.search(text) and not re.search(r"多少(?:人|名|位|户|个|家|项)|人数|几个", text) else "count"
    after_list = text.rfind(items[-1]) + len(items[-1]) if items[-1] in text else marker
    if operation != "sum" and _RATE.search(text[after_list:]):
        # "承保金额、支付赔款这几项，哪一项同比增速最快": the items' rates are compared, not their amounts.
        kind = "percent"
    measure = ""
    if operation != "sum":
        rest = re.sub(r"^(?:相比|相较|比较)?[，,]?[这那]?[几两三四五六七八九十\d]*(?:个|家|位|条|款|只|块|天|类|种|方面)?"
                      r"(?:项目|公司|企业|资金|业务|地区|项)?(?:之中|当中|[中里])?[，,]?(?:相比|相较)?", "", text[after_list:])
        measure = _MORE.sub("", _LESS.sub("", _CHOICE.sub("", rest)))
        measure = re.sub(r"[？?，,。！!）)]", "", measure).strip()
    if operation == "min" and re.search(r"[降升涨跌增减]|下滑|提高", measure) \
            and not (RATES_ARE_LEVELS and RATE_OF_CHANGE.search(measure)):
        return None  # "哪个县的发生率降得更低": to a lower level, or by less? One reading cannot settle it
    return ListedQuestion(tuple(items), operation, kind, measure)


# "哪家/哪个/哪位/谁" asks for one of the things the question has just listed.
_NAMED_CHOICE = re.compile(r"哪一?(?:家|个|位|只|款)|谁")


def named_candidates(text: str) -> tuple[str, ...]:
    """The names a "which of them" question lists before its ask ("A、B、C这三家里，哪家…"); () when
    it lists fewer than two."""
    choice = _NAMED_CHOICE.search(text)
    # The list ends where the ask starts, after a comma or 中/里 ("A、B这两家里，哪家"), not inside a
    # clause ("A和B是授予谁的").
    if choice is None or not re.search(r"(?:[，,]|中|里|之中|当中)\s*$", text[:choice.start()]):
        return ()
    items = _items(text[:choice.start()])
    return tuple(items) if len(items) >= 2 else ()


def as_listed_name(answer: str, candidates: tuple[str, ...]) -> str | None:
    """The one listed name that ``answer`` stands for, in the question's words: 艾森半导体材料股份有限公司
    for 艾森股份 (they share their first two characters), 比亚迪 for 比亚迪股份; None when no listed
    name, or more than one, matches."""
    def matches(name: str) -> bool:
        return name in answer or answer in name or (len(name) >= 2 and answer.startswith(name[:2]))

    found = [name for name in candidates if matches(name)]
    return found[0] if len(found) == 1 else None


# "A和B分别/各自…": the list is the phrase joined by 和/与/、 just before the word.
_RESPECTIVE = re.compile(r"([^，,。？?；;：:]*?(?:和|与|及|、)[^，,。？?；;：:]*?)(?:分别|各自|各(?=[是为有占]|[\u4e00-\u9fff]{0,4}(?:多少|几)))")


def respective_questions(text: str) -> tuple[tuple[str, str], ...]:
    """"A和B(的X)分别是多少" as one question per item: (item, question), in order; () for any other question.

    Words the items share stay in each question: what comes before the first item's 的
    ("多浦乐的发行价和发行市盈率" -> 多浦乐的发行价, 多浦乐的发行市盈率) and what follows the last
    item's 的 ("欧洲和中国台湾的研发投入占比" -> 欧洲的研发投入占比, 中国台湾的研发投入占比).
    """
    match = _RESPECTIVE.search(text)
    measure = ""
    if match is None and MEASURE_AFTER_LIST:
        # "现金券和满减券，面额范围分别是多少": the items' clause, then what each is asked of.
        match = _RESPECTIVE_AFTER_COMMA.search(text)
        if match is not None:
            measure = match.group(2)
    if match is None:
        return ()
    phrase = match.group(1)
    pieces = [p for p in re.split(r"以及|[和与及、]", phrase)]
    if len(pieces) < 2 or any(not p.strip() for p in pieces):
        return ()
    prefix, suffix = "", ""
    shared = _shared_head(pieces[0], pieces[-1]) if SHARED_HEAD else None
    if shared is not None:
        prefix, pieces[0], pieces[-1], suffix = shared
        period = PERIOD_ONLY.match(f"{prefix}{pieces[0]}") if PERIOD_BEFORE_ITEMS else None
        between = prefix[period.end():] if period else ""
        if between and not is_place_name(between) and not find_organisations(between) and not find_places(between):
            # "上半年太阳能发电投资和核电投资": a period opens the first piece and the rest of it is the first item,
            # however many words longer than the last it is (not a place or organisation: 2023年西藏城镇居民).
            whole = f"{prefix}{pieces[0]}"
            prefix, pieces[0] = whole[:period.end()], whole[period.end():]
    elif "的" in pieces[0]:
        prefix, pieces[0] = pieces[0].rsplit("的", 1)[0] + "的", pieces[0].rsplit("的", 1)[1]
    else:
        # "三特索道在陕西和贵州": the first item is as many words as the last, at the end of its piece.
        from rag.jieba import cut

        words = cut(pieces[0])
        size = len(cut(pieces[-1].split("的", 1)[0]))
        if len(words) > size:
            prefix, pieces[0] = "".join(words[:-size]), "".join(words[-size:])
    if "的" in pieces[-1] and not prefix.endswith("的"):
        pieces[-1], suffix = pieces[-1].split("的", 1)[0], "的" + pieces[-1].split("的", 1)[1]
    items = [p.strip() for p in pieces]
    if any(len(item) < 2 for item in items):
        return ()
    if measure:
        suffix = f"{suffix}的{measure}"
    before, after = text[:match.start(1)], text[match.end():]
    return tuple((item, f"{before}{prefix}{item}{suffix}{after}") for item in items)


# "A和B，X分别是多少": the list, a comma, then the measure each item is asked of. Off: 分别 must follow the list.
MEASURE_AFTER_LIST = True
_RESPECTIVE_AFTER_COMMA = re.compile(r"([^，,。？?；;：:]*?(?:和|与|及|、)[^，,。？?；;：:]*?)[，,]([^，,。？?；;：:和与及、]{2,12}?)(?:分别|各自)")
# "城镇居民和农村居民人均可支配收入分别…": items that end on one noun share the words after the last one.
# Off: the last item runs to 分别.
SHARED_HEAD = True
# A question word that makes a clause a question of its own.
_ASKS = re.compile(r"哪一?(?:年|天|个|家|位|里|些|种|类|座|所)|多少|(?<![这那好十前后])几[个家位年月天次名人项]?|什么|啥|谁|何时|怎么|怎样|为何|为什么|是否|吗")
# "接待了多少人次游客，旅游总收入又是多少": an ask with its unit before the noun counted is taken out too,
# or the next part would read 人次 as its own unit. Off: only an ask at the clause's end.
COUNTED_ASKS = True
_COUNTED_ASK = re.compile(r"(?:了)?(?:多少|几)(?:万|亿)?(?:人次|个|家|名|位|项|处|座|辆|台|套|吨|亩|次|场|批|户|人|元|万元|亿元)")
# The ask of a clause, taken out when the clause becomes the context of the next one.
_ASK_PHRASE = re.compile(r"(?:是|在|于)?(?:哪一?(?:年|天|个月)|什么时候|何时)|(?:了)?(?:多少|几)个?[\u4e00-\u9fff]{0,2}(?=[？?，,]|$)"
                         r"|(?:叫|是)?(?:什么|啥)(?:名字)?")


# A period that opens a list's first piece (items ending on one noun) is the list's, and the rest of the piece
# is the first item. Off: the first item is as many words as the last.
PERIOD_BEFORE_ITEMS = True


def _shared_head(first: str, last: str) -> tuple[str, str, str, str] | None:
    """(prefix, first item, last item, suffix) of "西藏城镇居民" and "农村居民人均可支配收入": items that end
    on one noun (居民) share what follows it in the last piece and what precedes the first item; None
    when the pieces name no such noun (or have their own 的)."""
    if "的" in first or "的" in last:
        return None
    from rag.jieba import cut

    first_words, last_words = cut(first), cut(last)
    head = first_words[-1][-2:] if first_words else ""  # (jieba keeps 城镇居民 and 农村居民 whole)
    ends = [k for k, word in enumerate(last_words[:-1]) if len(head) == 2 and word.endswith(head)]
    if not ends or len(first_words) < ends[0] + 1:
        return None
    size = ends[0] + 1
    return ("".join(first_words[:-size]), "".join(first_words[-size:]), "".join(last_words[:size]),
            "".join(last_words[size:]))


def separate_questions(text: str) -> tuple[str, ...]:
    """"A是哪一年？B叫什么？" or "A多少股，每股多少钱？" as one question per ask, in order; () for one ask.

    A later ask is read with the earlier clause as its context, its own question word taken out
    ("万达投资转给乙多少股，每股多少钱" -> "万达投资转给乙，每股多少钱"), since it
    rarely repeats whom or what it is about.
    """
    clauses = [c for c in re.split(r"(?<=[？?])|[，,；;](?=[^，,；;？?]*(?:" + _ASKS.pattern + "))", text) if c.strip("？? ")]
    clauses = [c.strip() for c in clauses]
    if len(clauses) < 2 or not all(_ASKS.search(c) for c in clauses):
        return ()
    first = clauses[0].rstrip("？?")
    context = _ASK_PHRASE.sub("", first)
    if COUNTED_ASKS:
        context = _COUNTED_ASK.sub("", context)
    context = context.strip("，, ")
    if len(context) < 2:
        return ()
    # The first ask's subject: the words before its first 的, or before a time or place word (比亚迪|上半年…).
    opening = _SUBJECT_OPENING.match(context)
    subject = opening.group(1) if opening else ""
    later = []
    for clause in clauses[1:]:
        pronoun = _PRONOUN_OPENING.match(clause) if PRONOUN_SUBJECTS else None
        if pronoun and len(subject) >= 2:
            # "能链智电的创始人是谁？它背后的能链又是哪一年成立的": 它 is 能链智电, not its 创始人.
            later.append(f"{subject}{clause[pronoun.end():].rstrip('？?')}？")
        else:
            later.append(f"{context}，{clause.rstrip('？?')}？")
    return (first + "？",) + tuple(later)


# A later ask that opens with a pronoun (它, 其, 该公司) is about the first ask's subject (the words before its
# first 的), not about all of its context. Off: every later ask is read after the first's whole context.
PRONOUN_SUBJECTS = True
_SUBJECT_OPENING = re.compile(r"^([\u4e00-\u9fffA-Za-z0-9]{2,12}?)(?=的|今年|去年|上半年|下半年|前三季度|[一二三四]季度|"
                              r"(?:19|20)\d{2}年|\d{1,2}月|在|于)")
_PRONOUN_OPENING = re.compile(r"^(?:它|其|该公司|该企业|这家公司|这家企业)(?=的|[\u4e00-\u9fff])")


# "吉林和西藏上半年社会消费品零售总额同比增速哪个更快": with no comma after the list, the last item ends
# where a period opens what is compared. Off: the last item runs on to the ask.
PERIOD_ENDS_ITEM = True
_PERIOD = re.compile(r"今年|去年|前年|上半年|下半年|前三季度|[一二三四]季度|(?:19|20)\d{2}年|\d{1,2}月(?:\d{1,2}[日号])?")


def _items(before: str) -> list[str]:
    """The phrases joined by 、/和/与 (or 加上) just before the question's marker."""
    before = before.strip("，,。？?：: ")
    bracketed = re.search(r"[（(]([^（()）]+)[）)]$", before)
    if bracketed and _JOIN.search(bracketed.group(1)):
        before = bracketed.group(1)  # "捐款车企里（奇瑞、比亚迪、理想），哪家": the list is in the brackets
    whole_phrases = "加上" in before
    framed = False
    if whole_phrases:
        pieces = [p.strip("，,、 ") for p in before.split("加上")]
    else:
        # The list is the last comma-separated piece: "华润2023年的培训里,基层干部、…、专业技术人员";
        # or the one before it, when the last only says what is compared and joins nothing
        # ("A、B、C这三家，一季度营收谁最高").
        clauses = [c.strip() for c in re.split(r"[，,：:；;]", before)]
        piece = clauses[-1]
        if len(clauses) > 1 and not _JOIN.search(_LIST_TAIL.sub("", piece)) and _JOIN.search(clauses[-2]):
            piece = clauses[-2]
        framed = re.search(r"(?:中|里|当中|之中)$", piece) is not None
        piece = _LIST_TAIL.sub("", piece)
        pieces = [p.strip() for p in _JOIN.split(piece)]
    items = []
    for i, piece in enumerate(pieces):
        piece = _LIST_TAIL.sub("", piece).strip("，,、的 ")
        if i == len(pieces) - 1 and i > 0 and not whole_phrases:
            piece = _SHARED_TAIL.sub("", piece)
            period = _PERIOD.search(piece, 2) if PERIOD_ENDS_ITEM else None
            if period and not _PERIOD.search(pieces[0]):
                piece = piece[:period.start()]  # "吉林和西藏上半年社零总额增速": the period and measure follow the item
            # (Not where the first item has its own 的 too: "宜昌的甲产业园和榆中的乙项目" lists two things.)
            if "的" in piece[2:] and len(piece.split("的", 1)[0]) <= max(len(p) for p in pieces[:-1]) + 2 \
                    and not (OWN_MODIFIERS and "的" in pieces[0][2:]):
                piece = piece.split("的", 1)[0]  # "乙县和丙县的投资": what is counted belongs to every item
        if i == 0 and not whole_phrases and framed and piece.startswith("在") and len(piece) >= 3:
            piece = piece[1:]  # "在甲项目和乙项目中": 在…中 frames the list
        if i == 0 and len(pieces) > 1 and not whole_phrases:
            # "甲公司给乙县和丙县": who gives is context; the item follows its preposition.
            cut = [m.end() for m in re.finditer(r"[在给向对为于]", piece) if m.start() >= 2 and len(piece) - m.end() >= 2]
            if cut:
                piece = piece[cut[-1]:]
        if i == 0 and len(pieces) > 1 and not whole_phrases and PERIOD_ENDS_ITEM and not _PERIOD.match(pieces[-1]):
            # "生益电子上半年归母净利润和扣非净利润", "上半年比亚迪和特斯拉": who and when, up to the period,
            # are every item's context.
            period = _PERIOD.search(piece)
            if period and len(piece) - period.end() >= 2:
                piece = piece[period.end():]
        if i == 0 and "的" in piece and not whole_phrases and not (OWN_MODIFIERS and len(pieces) > 1
                                                                   and "的" in pieces[-1][2:] and "的" in piece[2:]):
            # "2023年华润培训的基层干部": the shared context before 的 belongs to every item.
            piece = piece.rsplit("的", 1)[1]
        named = [m for m in find_organisations(piece) if m.end - m.start < len(piece)]
        if named and named[0].start == 0:
            piece = piece[named[0].end:].lstrip("的在")  # "中国电科购买" -> 购买: the organisation is context
        if len(piece) >= 2:
            items.append(piece)
    if PARALLEL_PLACES and len(items) > 1 and not whole_phrases and all(is_place_name(i) for i in items[:-1]):
        places = find_places(items[-1])
        if places and places[0].start == 0 and places[0].end < len(items[-1]):
            items[-1] = items[-1][:places[0].end]
    if len(items) > 1 and not whole_phrases:
        # "云南锗业8月8日游资和散户": the day (and who) before the first item are context, not the item.
        dated = [f for f in find_figures(items[0]) if f.kind == "date" and f.end < len(items[0])]
        if dated and len(items[0]) - dated[-1].end >= 2:
            items[0] = items[0][dated[-1].end:].lstrip("的")
    last = _whole_date(items[-1]) if items else None
    if last is not None:
        # "中环环保8月7日和8月11日": days are listed; what comes before the first day is context.
        dates = [_ending_date(item) for item in items]
        if all(dates):
            items = dates
    return items


def _whole_date(text: str) -> str | None:
    figures = find_figures(text)
    return text if len(figures) == 1 and figures[0].kind == "date" and figures[0].surface == text else None


def _ending_date(text: str) -> str | None:
    figures = find_figures(text)
    return figures[-1].surface if figures and figures[-1].kind == "date" and text.endswith(figures[-1].surface) else None


def _item_words(item: str, others: list[str]) -> tuple[list[str], str]:
    """The item's own words (not those every listed item shares, not organisation names) and its head word."""
    from rag.lexical import tokenize

    def words(text: str) -> list[str]:
        return [t for t in dict.fromkeys(tokenize(text)) if len(t) > 1 or "\u4e00" <= t <= "\u9fff"]

    own = words(item)
    shared = set.intersection(*(set(words(o)) for o in others)) if others else set()
    distinct = [w for w in own if w not in shared and w not in "的了给在为和与" and not re.fullmatch(r"\d+", w)]
    distinct = [w for w in distinct if not aliases_of(w) or w == item] or own
    head = item.rsplit("的", 1)[-1]
    return distinct, head


def _figure_for_item(item: str, others: list[str], kind: str, hits: list[Hit], unit: str | None,
                     context: list[str] = (), measure: list[str] = ()) -> tuple[float, _ItemFigure] | None:
    """The figure of ``kind`` in the clause that best names ``item`` in the retrieved passages.

    ``context`` are the question's words outside the list ("购买和帮助销售贫困地区农产品": 农产品
    belongs to both items); they break ties between clauses that name the item alike.
    ``measure`` are the words of what is compared ("哪家设定的回购价格上限最高": 回购, 价格, 上限): where
    given, a figure whose clause says more of them wins over one whose clause only names the item
    ("奥泰生物准备了4200万元资金，回购价格的上限是60元": 60元). The item may then be named in any
    earlier clause of the sentence, so long as no other item is named after it.
    """
    words, head = _item_words(item, others)
    best: tuple[float, _ItemFigure] | None = None
    seen: set[tuple[str, int]] = set()

    # (A head every item ends on names none of them: "周家镇的李子和王本军合作社的李子".)
    own_head = not (SHARED_HEADS_NAME_NONE and any(head in other for other in others))

    def named(text: str) -> float:
        score = sum(len(w) for w in words if w in text) + (2 * len(head) if own_head and head in text else 0)
        # With a measure asked, the measure decides between clauses, so the item must be named,
        # not half-named: 韦尔股份 is not named by the 股份 of "回购股份价格" (周家镇 is named by 周家镇).
        return score if not measure or score >= min(len(item), NAMED_CHARS) else 0

    for hit in hits:
        chunk = hit.chunk
        for match in re.finditer(r"[^。！？；!?;\n]+", chunk.text):
            sentence, offset = match.group(), match.start()
            if (chunk.doc_id, chunk.raw_span(offset, offset + 1)[0]) in seen:
                continue
            seen.add((chunk.doc_id, chunk.raw_span(offset, offset + 1)[0]))
            figures = [f for f in find_figures(sentence) if f.kind == kind or (kind == "count" and f.kind == "number")]
            if unit is not None:
                figures = [f for f in figures if f.kind == "money" or same_unit(f.unit, unit)]
            if not figures:
                continue
            for figure in figures:
                clause = _clause(sentence, figure.start)
                clause = _conjunct(sentence, clause, figure, figures)
                text = sentence[clause[0]:clause[1]]
                score = named(text)
                if measure and not score and any(o in text for o in others):
                    continue  # "游资资金净流入221.2万元" is 游资's, whatever clause before it names 主力
                if score:
                    score += 0.25 * sum(len(w) for w in context if w in text)
                if score == 0:
                    # The item named in the clause before the figure's ("发展特色产业,累计投入…1.63亿元"),
                    # or, with a measure asked, in any clause before it with no other item between.
                    at = clause[0]
                    while at >= 2:
                        previous = _clause(sentence, at - 2)
                        before = sentence[previous[0]:previous[1]]
                        if any(o in before for o in others):
                            break
                        score = 0.5 * named(before)
                        if score or not measure:
                            break
                        at = previous[0]
                    if score == 0 and measure and TITLE_NAMES_ITEM:
                        # "双泉镇灵芝产业园和三江归东村山野葡萄，哪个年产值更高": each item is what its article is
                        # about, and the sentence that says the measure need not name it again.
                        score = 0.25 * named(chunk.title)
                    if score == 0:
                        continue
                if measure:
                    said = sum(len(w) for w in measure if w in sentence[clause[0]:clause[1]])
                    score += 1000 * said
                if best is None or score > best[0]:
                    best = (score, _ItemFigure(item, figure, chunk, offset, offset + len(sentence)))
    return best


# With a measure asked, an item is named by this many characters of its own words. Was 4.
NAMED_CHARS = 3
# With a measure asked, an item its article's title names is named by a sentence that says the measure
# and no other item. Off: the sentence must name the item.
TITLE_NAMES_ITEM = True
# Off: an item's head word names it even when every listed item ends on it.
SHARED_HEADS_NAME_NONE = True


def _item_figures(listed: ListedQuestion, hits: list[Hit], unit: str | None,
                  context: list[str], measure: list[str] = ()) -> list[tuple[float, _ItemFigure]] | None:
    """Each item's figure with its score; None when an item has none, or two items read the same one."""
    found = []
    for item in listed.items:
        others = [o for o in listed.items if o != item]
        scored = _figure_for_item(item, others, listed.kind, hits, unit, context, measure)
        if scored is None or comparable_value(scored[1].figure) is None:
            return None
        found.append(scored)
    if len({(f.chunk.doc_id, f.sentence_start, f.figure.start) for _, f in found}) < len(found):
        return None  # two items read the same figure: the items were not told apart
    return found


def _conjunct(sentence: str, clause: tuple[int, int], figure: Figure, figures: list[Figure]) -> tuple[int, int]:
    """The part of ``clause`` joined by 及/和/与 that holds ``figure``, when the clause holds several figures
    ("价值近400万元的消毒产品及价值近300万元的食品饮料": 300万元 is the 食品饮料's); the clause otherwise."""
    inside = [f for f in figures if clause[0] <= f.start < clause[1]]
    if len(inside) < 2:
        return clause
    cuts = [clause[0]] + [clause[0] + m.end() for m in re.finditer(r"以及|[及和与]", sentence[clause[0]:clause[1]])]
    cuts.append(clause[1])
    for start, end in zip(cuts, cuts[1:]):
        if start <= figure.start < end:
            if sum(start <= f.start < end for f in inside) == 1:
                return start, end
            break
    return clause


def _clause(sentence: str, position: int) -> tuple[int, int]:
    start = max(sentence.rfind(c, 0, position) for c in _CLAUSE_BREAK) + 1
    ends = [i for i in (sentence.find(c, position) for c in _CLAUSE_BREAK) if i >= 0]
    return start, min(ends, default=len(sentence))


# A comparison of listed items is answered with the figures compared, not the winner's name alone (as
# rag/answer/extractive.py's FIGURES_IN_CHOICE). Off: the winner's name alone.
FIGURES_IN_SHORT = True


def answer_listed(question: str, text: str, hits: list[Hit], answerer: str = "extractive") -> Answer | None:
    """The sum of, or the largest among, the listed items' figures; None when an item has no figure.

    Args:
        question: As asked (kept on the answer).
        text: The question, normalised.
        hits: The retrieved passages.
    """
    listed = listed_question(text)
    if listed is None:
        return None
    from rag.answer.spans import focus_unit

    unit = focus_unit(text) if listed.kind == "count" else None
    from rag.lexical import tokenize

    inside = "".join(listed.items)
    context = [t for t in dict.fromkeys(tokenize(text)) if len(t) > 1 and t not in inside]
    measure = [t for t in dict.fromkeys(tokenize(listed.measure)) if len(t) > 1] if MEASURE_FIRST else []
    if unit is None and listed.kind == "count" and measure and listed.operation != "sum":
        # "游资和散户哪一方的净流入更多": no word of money, but the measure is written beside sums of money
        # (游资资金净流入858.57万元); taken when every item's figure is in a clause that says the measure.
        money = _item_figures(replace(listed, kind="money"), hits, None, context, measure)
        if money is not None and all(score >= 1000 for score, _ in money):
            listed = replace(listed, kind="money")
    if unit is None and listed.kind == "count":
        # Counts compared or added must be of one thing: "干部和技术人员哪一类更多" is answered in 名
        # (干部4198名, 技术人员6828名), not by a count of classes (技术人员培训班110余期). With no unit
        # asked, every unit the passages count in is tried and the best-supported one kept.
        units = {f.unit for hit in hits for f in find_figures(hit.chunk.text) if f.kind in ("count", "number") and f.unit}
        tried = [(_item_figures(listed, hits, u, context, measure), u) for u in sorted(units)]
        # (个 admits every classifier, so the figures themselves must share one.)
        tried = [(found, u) for found, u in tried if found is not None and len({f.figure.unit for _, f in found}) == 1]
        if not tried:
            return None
        found = max(tried, key=lambda pair: sum(score for score, _ in pair[0]))[0]
    else:
        found = _item_figures(listed, hits, unit, context, measure)
        if found is None:
            return None
    found = [figure for _, figure in found]
    if listed.kind in ("money", "percent") and len({f.figure.unit for f in found}) > 1:
        return None  # 元 and 美元 neither add up nor compare
    if listed.operation == "sum":
        if listed.kind != "money" and not all(same_unit(f.figure.unit, found[0].figure.unit) or not f.figure.unit
                                              for f in found):
            return None
        short = _format_sum(found)
    else:
        pick = max if listed.operation == "max" else min
        # Each figure in the direction asked: 主力 "净流出245万元" is not the most 净流入, and of
        # "哪一类净流出最多" the largest outflow answers.
        chosen = _CHOICE.search(text)
        asked = text[chosen.end():] if chosen else text  # "…的是甲还是乙": the whole question asks

        def value(f: _ItemFigure) -> float:
            sentence = f.chunk.text[f.sentence_start:f.sentence_end]
            if f.figure.kind == "date" or not SIGNED_DIRECTIONS:
                return comparable_value(f.figure)
            return signed_value(comparable_value(f.figure), asked, sentence[:f.figure.start])

        best = pick(found, key=value)
        short = best.item
        if FIGURES_IN_SHORT:
            # "专业技术人员（4498名，多于952名、145名）": the winner with the figures it was chosen on; the short
            # answer names the winner alone.
            # (Not where a direction turned a figure's sign: "高于245万元" would misread a 净流出 of 245万元.)
            if all(value(f) == comparable_value(f.figure) for f in found):
                rest = [f for f in found if f is not best]
                gap = difference(question, best.figure, rest[0].figure) if len(rest) == 1 else None
                short = with_figures(best.item, best.figure, [f.figure.surface for f in rest],
                                     listed.operation == "max", gap)
    citations: list[Citation] = []
    parts = []
    for f in found:
        start, end = _strip(f.chunk.text, f.sentence_start, f.sentence_end)
        quote, raw_start, raw_end = f.chunk.quote(start, end)
        n = next((c.n for c in citations if c.doc_id == f.chunk.doc_id and c.start == raw_start), None)
        if n is None:
            n = len(citations) + 1
            citations.append(Citation(n, f.chunk.id, f.chunk.doc_id, quote, raw_start, raw_end, f.chunk.title))
        parts.append(f"{f.item}：{f.figure.surface}[{n}]")
    how = "相加" if listed.operation == "sum" else "比较"
    text_out = f"{short}。按文章给出的数字{how}：" + "；".join(parts) + "。"
    return Answer(question=question, text=text_out, answerable=True, short=short, citations=tuple(citations),
                  hits=tuple(hits), answerer=answerer)


# A choice's figure is the one whose clause says what is compared (listed.measure); off only to show what it fixes.
MEASURE_FIRST = True
# A figure's direction counts in a comparison (spans.signed_value); off only to show what it fixes.
SIGNED_DIRECTIONS = True


def comparable_value(figure: Figure) -> float | None:
    """A figure's value to compare; a date as year, month and day (2019年5月 -> 20190500)."""
    if figure.kind != "date":
        return figure.value
    parts = re.match(r"((?:19|20)\d{2})\s*(?:[年-]\s*(\d{1,2})\s*(?:[月-]\s*(\d{1,2}))?)?", figure.surface)
    if parts is None:
        return None
    year, month, day = (int(p) if p else 0 for p in parts.groups())
    return year * 10000 + month * 100 + day


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence span without the spaces around it, with its closing punctuation."""
    while start < end and text[start].isspace():
        start += 1
    if end < len(text) and text[end] in "。！？；!?;":
        end += 1
    return start, end


def _format_sum(found: list[_ItemFigure]) -> str:
    """952名 + 145名 + 4498名 -> 5595名; 2779万元 + 569万元 -> 3348万元 (in the figures' own magnitude)."""
    total = sum(f.figure.value for f in found)
    first = found[0].figure
    if first.kind == "money":
        magnitudes = [("亿", 1e8), ("万", 1e4)]
        chosen = next(((word, factor) for word, factor in magnitudes
                       if all(word in f.figure.surface for f in found)), None)
        if chosen is None and all(("亿" in f.figure.surface or "万" in f.figure.surface) for f in found):
            chosen = ("万", 1e4)
        word, factor = chosen or ("", 1.0)
        return f"{_number(total / factor)}{word}{first.unit}"
    return f"{_number(total)}{first.unit}"


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"

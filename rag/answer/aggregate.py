"""Answers to "which organisation … most/least …" from the facts of every passage.

Top-k retrieval cannot answer "哪家企业在海原投资最多": the answer needs every
passage about 海原, and every figure the organisations report there. This
module compares the organisations on the sums of money the index recorded
(``rag.facts``), names the winner with the deciding figures, and cites a
passage for each figure. It never adds figures up; where the compared
figures cover different periods, the answer says so.

It compares like with like or not at all:
- a place the question names that no article names is "not in the
  articles", never "compare everything";
- a figure an organisation gives for all its supported counties (援扶县) is
  said to be that, not credited to the county asked about;
- only one currency (元, 美元, 港元) and one kind of spending at a time.
Besides "which organisation", it answers "which year", "which county" and
"which kind of spending" most, from the same figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.answer.question import Question
from rag.documents import Answer, Chunk, Citation, Hit
from rag.entities import english_name
from rag.facts import SCOPE_WORDS, MoneyFact
from rag.places import find_places
from rag.store.protocols import FactStore

_SENTENCE_END = "。！？；!?;\n"
_MAX_QUOTE_CHARS = 160


@dataclass(frozen=True)
class _Figure:
    """A money fact with the passage it is in."""

    chunk: Chunk
    fact: MoneyFact
    covers_place_by_scope: bool  # said of "援扶县", not of the place by name

    @property
    def organisation(self) -> str:
        return self.fact.organisation or ""

    @property
    def period(self) -> str:
        clause = self.chunk.text[self.fact.clause_start : self.fact.clause_end]
        if self.fact.year:
            return f"{self.fact.year}年"
        return "累计" if re.search(r"累计|共计|总计", clause) else "年份未注明"


# What a superlative question compares, besides organisations.
_YEAR_TARGET = re.compile(r"哪一?年|哪个年份|\bwhich year\b|\bwhat year\b|\bin which year\b", re.I)
_PLACE_TARGET = re.compile(r"哪(?:个|些|一个)?(?:县|市|区|地区|地方|村|镇|乡)|\bwhich (?:county|counties|city|village|town|place|region)\b", re.I)
_CATEGORY_TARGET = re.compile(r"哪(?:一|个)?(?:类|种|方面|项)|什么(?:方面|类|方式)|\bwhich (?:kind|type|category|area)\b|\bwhat (?:kind|type|category)\b", re.I)
_CATEGORY_NAMES = {"purchase": "采购", "sales": "帮助销售", "donation": "捐赠", "investment": "投资"}
_CURRENCY_WORDS = {
    "港元": re.compile(r"港元|港币|\bHK\$|\bHKD\b|\bHong Kong dollars?\b", re.I),
    "美元": re.compile(r"美元|\bUS\$|\bUSD\b|\b(?:US |American )?dollars?\b", re.I),
    "欧元": re.compile(r"欧元|\beuros?\b|\bEUR\b", re.I),
    "日元": re.compile(r"日元|\byen\b|\bJPY\b", re.I),
    "英镑": re.compile(r"英镑|\bpounds? sterling\b|\bGBP\b", re.I),
}
NOT_IN_ARTICLES = "这些文章没有提到{place}。(The articles do not mention {place}.)"


# "多少个县/几个村/how many counties": a count of places an enterprise supports.
_PLACE_COUNT = re.compile(r"(?:多少|几)个?(县|区|村|乡|镇|乡镇)|\bhow many (count(?:y|ies)|villages?|towns?|townships?)\b",
                          re.I)
_ENGLISH_UNITS = {"count": "县", "vill": "村", "town": "镇"}
# "3个县", "两县", and with words between 个 and the noun: "2个定点扶贫县", "9个国家级贫困县".
_COUNT_STATED = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*(?:多|余)?\s*(?:个\s*(?:[\u4e00-\u9fff]{1,6}?(?<![的个]))??)?"
                           r"(县|区|村|乡镇|乡|镇)(?![长委级城域村])")
# "267个县(乡、村)": a count of counties, townships and villages together, not of counties.
_MIXED_COUNT = re.compile(r"\s*[（(][^）)]{0,8}?(?:县|区|村|乡|镇)[^）)]{0,8}[）)]")
_SUPPORT_WORDS = re.compile(r"帮扶|援扶|扶贫|定点|结对|对口|覆盖|支援|惠及")
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def comparison_target(question: Question) -> str | None:
    """What a "… most/least" money question compares: organisation, year, place or category;
    "count" for "how many counties/villages" (None: neither)."""
    if question.kind == "count" and question.organisations and _PLACE_COUNT.search(question.text):
        return "count"
    if question.superlative is None or not question.about_money:
        return None
    text = question.text
    if not (question.organisations or question.places):
        # "哪一年投资最多" of whom? Without an organisation or a place there is
        # no scope to compare in, only the whole corpus: the top passages answer.
        return "organisation" if question.kind == "organisation" else None
    if _YEAR_TARGET.search(text):
        return "year"
    if _PLACE_TARGET.search(text):
        return "place"
    if _CATEGORY_TARGET.search(text):
        return "category"
    return "organisation" if question.kind == "organisation" else None


def aggregate_answer(question: Question, facts: FactStore, hits: list[Hit]) -> Answer | None:
    """Compare the figures the articles give, or None when there are none to compare.

    Candidates are the organisations the question lists ("A、B和C中，哪家…"),
    else every organisation with a figure in scope. With a place in the
    question, the scope is the articles that name it: a figure counts when its
    sentence names the place, or speaks of the organisation's supported
    counties (援扶县, 定点扶贫县) in an article that names the place. A place
    that no article names gives a "not in the articles" answer.
    """
    target = comparison_target(question)
    if target is None:
        return None
    if target == "count":
        return _count_places(question, facts, hits)
    unknown = [p for p in question.places if not facts.articles_naming([p])]
    if unknown:
        text = NOT_IN_ARTICLES.format(place="、".join(unknown))
        return Answer(question=question.original, text=text, answerable=False, hits=tuple(hits), answerer="extractive")
    candidates = set(question.organisations) if target != "organisation" and question.organisations else None
    if target == "category":  # "哪类资金最多" compares the kinds, so no kind is required
        question = replace(question, money_category=None)
    figures = _figures_in_scope(question, facts, candidates)
    if target == "place":
        figures = [f for f in figures if not f.covers_place_by_scope]  # a group's total is no county's figure
    figures, left_out = _like_with_like(question, figures)
    key = {"organisation": lambda f: f.organisation, "year": lambda f: f"{f.fact.year}年" if f.fact.year else None,
           "place": lambda f: _one_place(f, _asked_levels(question.text)), "category": lambda f: _CATEGORY_NAMES.get(f.fact.category or "")}[target]
    best_by_key: dict[str, _Figure] = {}
    for figure in figures:
        name = key(figure)
        if not name:
            continue
        current = best_by_key.get(name)
        if current is None or figure.fact.yuan > current.fact.yuan:
            best_by_key[name] = figure
    if not best_by_key:
        return None
    pick = min if question.superlative == "min" else max
    winner = pick(best_by_key, key=lambda name: best_by_key[name].fact.yuan)
    ordered = [winner] + sorted((n for n in best_by_key if n != winner), key=lambda n: -best_by_key[n].fact.yuan)
    return _compose(question, winner, [best_by_key[n] for n in ordered], facts, hits, target, left_out)


def _count_places(question: Question, facts: FactStore, hits: list[Hit]) -> Answer | None:
    """"How many counties/villages does X support": the count the articles state, with its sentence.

    Only a count stated in a clause with a word of support (帮扶, 定点, 覆盖…)
    in a passage of the organisation counts; several such counts give the largest
    (a total "累计帮扶12个村" covers the yearly ones). The places are not
    counted by name: an article lists those it mentions, not all it supports.
    """
    match = _PLACE_COUNT.search(question.text)
    unit = match.group(1) or ""
    if not unit:
        word = (match.group(2) or "").lower()
        unit = next(u for prefix, u in _ENGLISH_UNITS.items() if word.startswith(prefix))
    best: tuple[int, Chunk, int, int, str] | None = None
    for chunk in facts.passages_about(question.organisations):
        for stated in _COUNT_STATED.finditer(chunk.text):
            if stated.group(2) != unit or _MIXED_COUNT.match(chunk.text, stated.end()):
                continue
            start, end = _sentence_span(chunk.text, stated.start())
            clause_start, clause_end = _clause_bounds(chunk.text, stated.start())
            if not _SUPPORT_WORDS.search(chunk.text[clause_start:clause_end]):  # "承担…267个县的帮扶任务" too
                continue
            if question.years and not any(y in chunk.text[start:end] for y in question.years):
                continue
            number = stated.group(1)
            value = int(number) if number.isdigit() else _chinese_number(number)
            if value and (best is None or value > best[0]):
                best = (value, chunk, start, end, stated.group().replace(" ", ""))
    if best is None:
        return None
    _, chunk, start, end, surface = best
    while start < end and chunk.text[start].isspace():
        start += 1
    quote, raw_start, raw_end = chunk.quote(start, end)
    citation = Citation(1, chunk.id, chunk.doc_id, quote, raw_start, raw_end, chunk.title)
    text = f"{surface}。{chunk.text[start:end].strip()}[1]"
    return Answer(question=question.original, text=text, answerable=True, short=surface,
                  citations=(citation,), hits=tuple(hits), answerer="extractive")


def _clause_bounds(text: str, position: int) -> tuple[int, int]:
    ends = "，,；;。！？!?\n"
    start = max(text.rfind(c, 0, position) for c in ends) + 1
    after = [i for i in (text.find(c, position) for c in ends) if i >= 0]
    return start, min(after, default=len(text))


def _chinese_number(number: str) -> int:
    """一..九十九 as written in counts (两个县, 十二个村)."""
    if "十" not in number:
        return _CHINESE_DIGITS.get(number, 0)
    tens, _, ones = number.partition("十")
    return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)


def group_total_note(question: Question, sentence: str) -> str:
    """The place asked about when ``sentence`` gives its figure for all of an enterprise's
    supported counties (援扶县, 定点扶贫县) and names not that place; "" otherwise."""
    if question.kind != "money" or not question.places or any(p in sentence for p in question.places):
        return ""
    if not SCOPE_WORDS.search(sentence):
        return ""
    return question.places[0]


def group_total_lead(place: str, figure: str) -> str:
    """The honest lead when only a group total is stated: no figure of the place's own, and the total."""
    return f"文章没有给出{place}单独的数字；所支持各县合计{figure}"


def _like_with_like(question: Question, figures: list[_Figure]) -> tuple[list[_Figure], list[str]]:
    """Keep one currency and one kind of spending; say what was left out.

    The currency is the one the question names, else 元 when there are yuan
    figures; the kind is the question's, else the one most organisations report.
    """
    left_out: list[str] = []
    asked = next((c for c, words in _CURRENCY_WORDS.items() if words.search(question.original)), None)
    currencies = {f.fact.currency for f in figures}
    currency = asked or ("元" if "元" in currencies else None)
    if currency is None and currencies:
        currency = max(currencies, key=lambda c: len({f.organisation for f in figures if f.fact.currency == c}))
    if currencies - {currency}:
        left_out.append("以" + "、".join(sorted(currencies - {currency})) + "计的数字")
    figures = [f for f in figures if f.fact.currency == currency]
    if not question.money_category:
        categories = [f.fact.category for f in figures]
        if len(set(categories)) > 1:
            def reach(category: str) -> tuple[int, int]:
                return (len({f.organisation for f in figures if f.fact.category == category}), categories.count(category))
            chosen = max(dict.fromkeys(categories), key=reach)
            left_out.append("其他用途（" + "、".join(_CATEGORY_NAMES[c] for c in dict.fromkeys(categories)
                                                  if c != chosen) + "）的金额")
            figures = [f for f in figures if f.fact.category == chosen]
    return figures, left_out


def _asked_levels(question: str) -> tuple[str, ...]:
    """The levels of place a "which … most" question compares: 哪个县 asks counties, not a prefecture."""
    if re.search(r"哪(?:个|一个|些)?县|\bwhich count(?:y|ies)\b", question, re.I):
        return ("county",)
    if re.search(r"哪(?:个|一个|些)?(?:村|镇|乡)|\bwhich (?:village|town)", question, re.I):
        return ("local",)
    return ("county", "local", "city")


def _one_place(figure: _Figure, levels: tuple[str, ...] = ("county", "local", "city")) -> str | None:
    """The one county or village the figure's sentence names (None: none, or several)."""
    start, end = _sentence_span(figure.chunk.text, figure.fact.start)
    # The place must be said of the figure: in its clause or the clause either side
    # ("累计投入5350万元,在曲麻莱县…"), not in a later "其中:…宁城…" about something else.
    text = figure.chunk.text
    before = _clause_bounds(text, max(start, _clause_bounds(text, figure.fact.start)[0] - 2))[0]
    after = _clause_bounds(text, min(end - 1, _clause_bounds(text, figure.fact.start)[1] + 1))[1]
    start, end = max(start, before), min(end, after)
    places = [p for p in find_places(text[start:end]) if p.level in levels]
    named = {p.stem for p in places}
    if len(named) != 1:
        return None
    return max((p.surface for p in places), key=len)


def largest_figure(question: Question, organisation: str, facts: FactStore) -> tuple[Chunk, int, int, str] | None:
    """The largest figure of the question's kind of spending that ``organisation`` reports anywhere.

    Returns:
        The passage, the span to quote (chunk-relative) and the clause that
        states the figure; None when the articles give no such figure.
    """
    figures = [f for f in _figures_in_scope(question, facts, {organisation}) if f.fact.category]
    if not figures or not question.money_category:
        return None
    best = max(figures, key=lambda f: f.fact.yuan)
    start, end = _quote_span(best.chunk.text, best.fact)
    return best.chunk, start, end, best.chunk.text[best.fact.clause_start : best.fact.clause_end].strip()


def _figures_in_scope(question: Question, facts: FactStore, candidates: set[str] | None = None) -> list[_Figure]:
    if candidates is None and len(question.organisations) > 1:
        candidates = set(question.organisations)
    figures, seen = [], set()
    found = facts.money_facts(places=question.places or None, organisations=candidates,
                              category=question.money_category or None)
    for chunk, fact in found:
        if fact.organisation is None or fact.category is None:  # income, profits: not something spent
            continue
        by_scope = False
        if question.places:
            sentence = chunk.text[slice(*_sentence_span(chunk.text, fact.start))]
            if not any(p in sentence for p in question.places):
                if not SCOPE_WORDS.search(sentence):
                    continue
                by_scope = True
        # Overlapping passages repeat a sentence: count each figure once.
        key = (chunk.doc_id, chunk.raw_span(fact.start, fact.end))
        if key not in seen:
            seen.add(key)
            figures.append(_Figure(chunk, fact, by_scope))
    return figures


def _compose(question: Question, winner: str, figures: list[_Figure], facts: FactStore, hits: list[Hit],
             target: str = "organisation", left_out: list[str] | None = None) -> Answer:
    english = question.language == "en"
    citations: list[Citation] = []

    def cite(chunk: Chunk, start: int, end: int) -> int:
        quote, raw_start, raw_end = chunk.quote(start, end)
        n = len(citations) + 1
        citations.append(Citation(n, chunk.id, chunk.doc_id, quote, raw_start, raw_end, chunk.title))
        return n

    parts = []
    for figure in figures:
        fact, chunk = figure.fact, figure.chunk
        start, end = _quote_span(chunk.text, fact)
        n = cite(chunk, start, end)
        clause = chunk.text[fact.clause_start : fact.clause_end].strip()
        part = f"{_name(figure.organisation, english)}：{clause}（{figure.period}）[{n}]"
        if figure.covers_place_by_scope:
            # A total for all the counties it supports is not the place's own figure: say so,
            # and show why it counts for the place asked about.
            part += f"，这是其全部帮扶县的合计，不单是{question.places[0]}的"
            place_n = _cite_place_mention(question, chunk, facts, cite)
            if place_n:
                part += f"；{question.places[0]}是其帮扶地区之一[{place_n}]"
        parts.append(part)

    short = _name(winner, english) if target == "organisation" else winner
    lead = f"{short}。"
    if len(figures) == 1 and target == "organisation":
        where = f"在{question.places[0]}" if question.places else ""
        lead += f"文章中只有{winner}{where}有这类金额的记载。"
    text = lead + "；".join(parts) + "。"
    periods = {f.period for f in figures}
    if len(periods) > 1 and target != "year":
        text += "注意：这些数字的统计时段不同（" + "、".join(
            f"{f.organisation}为{f.period}" for f in figures) + "），比较的是文章给出的数字，没有相加。"
    if left_out:
        text += "只比较了同一币种、同一用途的金额；" + "、".join(left_out) + "未参与比较。"
    return Answer(question=question.original, text=text, answerable=True, short=short,
                  citations=tuple(citations), hits=tuple(hits), answerer="extractive")


def _name(organisation: str, english: bool) -> str:
    """华润集团, or 华润集团 (China Resources) for an English question."""
    name = english_name(organisation) if english else None
    return f"{organisation} ({name})" if name else organisation


def _sentence_span(text: str, position: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, position) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, position) for c in _SENTENCE_END) if i >= 0]
    return start, (min(ends) + 1 if ends else len(text))


def _quote_span(text: str, fact: MoneyFact) -> tuple[int, int]:
    """The figure's sentence, cut to at most _MAX_QUOTE_CHARS around the figure."""
    start, end = _sentence_span(text, fact.start)
    while start < end and text[start].isspace():
        start += 1
    if end - start > _MAX_QUOTE_CHARS:
        start = max(start, min(fact.clause_start, fact.end - _MAX_QUOTE_CHARS))
        end = min(end, start + _MAX_QUOTE_CHARS)
    return start, end


def _cite_place_mention(question: Question, chunk: Chunk, facts: FactStore, cite) -> int | None:
    """Cite the first sentence of the same article that names the question's place."""
    for other, place in facts.places_in(chunk.doc_id):
        if place.stem in question.places:
            start, end = _sentence_span(other.text, place.start)
            while start < end and other.text[start].isspace():
                start += 1
            return cite(other, start, min(end, start + _MAX_QUOTE_CHARS))
    return None

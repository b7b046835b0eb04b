""""Which country/industry has the highest X" when the question names no candidates.

News text ranks items one clause at a time: "美国的芯片企业其研发投入占比为18.7%…欧洲排第二，
其研发投入占比为15%。中国台湾排第三，研发投入占比为11%；韩国…排第四，占比为9.1%". Each
figure of the measure asked belongs to the item of the asked category named nearest before
it: in its clause, else in the clause before (where "其"/"它" point). The largest (smallest)
figure's item answers, the compared figures cited beside it.

Places are read from jieba's ns tag; industries and bodies (商会, 协会, 银行…) as the phrase that
ends in their kind (制药和生物技术行业, 湖南省山东商会). Companies are not ranked this way: a
company's name in new articles is not recognised reliably enough (the facts table compares those).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.compared import with_figures
from rag.answer.spans import Figure, find_figures
from rag.documents import Answer, Chunk, Citation, Hit

# A ranking of the items an article names is answered with the figures it was made on. Off: the winner alone.
FIGURES_IN_SHORT = True

_PLACE_CATEGORY = r"国家或地区|国家和地区|国家|地区|省份|省|城市|经济体"
_INDUSTRY_CATEGORY = r"行业|产业|领域"
# Bodies named by a phrase that ends in their kind: 湖南省山东商会, 某某基金会.
_BODY_CATEGORY = r"商会|协会|基金会|银行|医院|学校|大学|券商"
# A company's parts, named by a phrase that ends in their kind: 个人护理业务, 冰淇淋业务.
_SEGMENT_CATEGORY = r"业务板块|业务|板块|产品线|事业部"
# Projects, named by a phrase that ends in 项目/工程, often after their sum ("投资12亿元建设乙县风电项目").
_PROJECT_CATEGORY = r"项目|工程"
# Places below a province, asked by their level (哪个县, 哪个区): the items are the names that end in it.
_LOCAL_CATEGORY = r"县|区(?!域)|市(?!场)|镇|乡|村"
_CHOICE = re.compile(rf"哪(?:一)?(?:个|些|家|所)?(?P<category>{_PLACE_CATEGORY}|{_INDUSTRY_CATEGORY}|{_BODY_CATEGORY}"
                     rf"|{_SEGMENT_CATEGORY}|{_PROJECT_CATEGORY}|{_LOCAL_CATEGORY})|(?P<part>哪一?块|哪一?部分)")
# "五大业务里，哪块…": a part of the kind the question names before it.
_PARTS_NAMED = re.compile(rf"(?:[几两三四五六七八九十\d]+大|各|这些|几个|各个)?(?P<category>{_SEGMENT_CATEGORY})[^，,。？?]{{0,3}}?(?:里|中|之中|当中)?[，,]?$")
_DIRECTION = re.compile(r"最多|最高|最大|最快|最少|最低|最小|最慢")
_CLAUSE_BREAK = "，,；;：:。！？!?\n"
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# A clause whose subject is a pronoun speaks of the item named in the clause before it.
_POINTS_BACK = re.compile(r"^\s*(?:而|同时|其中)?\s*(?:其|它|它们|该)")
# An industry as news names it: "制药和生物技术行业", or by its firms ("芯片企业").
_INDUSTRY = re.compile(r"(?:行业|产业|领域|企业)")


@dataclass(frozen=True)
class UnnamedChoice:
    """A "which <category> … most/least" question over candidates it does not name."""

    category: str  # "place", "industry", or the kind of body (商会) whose names end in it
    measure: str  # the question's words for what is compared: 研发投入占比
    largest: bool
    suffix: str = ""  # for a place asked by its level (哪个县): what its name ends in

    @property
    def head(self) -> str:
        """The measure's head, its last two characters (占比, 价格, 润率): a Chinese noun phrase ends in it."""
        return self.measure[-2:]


@dataclass(frozen=True)
class _Ranked:
    item: str
    figure: Figure
    chunk: Chunk
    sentence_start: int
    sentence_end: int


def unnamed_choice(question: str) -> UnnamedChoice | None:
    """The category and measure of "哪个国家…占比最高" / "占比最高的是哪个行业"; None otherwise."""
    choice, direction = _CHOICE.search(question), _DIRECTION.search(question)
    if choice is None or direction is None:
        return None
    if choice.end() <= direction.start():
        measure = question[choice.end():direction.start()]
    else:
        start = max(question.rfind(c, 0, direction.start()) for c in _CLAUSE_BREAK) + 1
        measure = question[start:direction.start()]
    measure = measure.strip("的是得 ")
    if not measure:
        return None
    category = choice.group("category")
    if category is None:
        named = _PARTS_NAMED.search(question[:choice.start()])
        if named is None:
            return None
        category = named.group("category")
    suffix = ""
    if re.fullmatch(_LOCAL_CATEGORY, category):
        category, suffix = "place", category
    if re.fullmatch(_SEGMENT_CATEGORY, category):
        category = "业务" if category.startswith("业务") else category  # 业务板块: 冰淇淋业务
    category = "industry" if re.fullmatch(_INDUSTRY_CATEGORY, category) else \
        "place" if re.fullmatch(_PLACE_CATEGORY, category) else category
    return UnnamedChoice(category, measure, direction.group()[1] in "多高大快", suffix)


# "哪家公司…最高" answered where the article says who tops the ranking of that measure:
# "利润率榜榜首是X", "排名第一的是X", "第一名是X".
_COMPANY_CHOICE = re.compile(r"哪(?:一)?(?:个|家|只)?(?:公司|企业|上市公司|品牌)")
_TOPS = re.compile(r"(?:榜首|第一名|排名第一的|排第一的|位列第一的|首位)(?:是|为)(?P<item>[^，,。；;！？!?、（(]{2,16})")


def answer_top_ranked(question: str, text: str, hits: list[Hit], answerer: str = "extractive") -> Answer | None:
    """"哪家公司的净利润率最高" from "利润率榜榜首是X": the sentence must name the measure's head (利润率 for
    净利润率: its last two characters) before the rank; None for a "least" question or no such sentence."""
    if _COMPANY_CHOICE.search(text) is None:
        return None
    direction = _DIRECTION.search(text)
    if direction is None or direction.group()[1] not in "多高大":
        return None
    choice = _COMPANY_CHOICE.search(text)
    if choice.end() <= direction.start():
        measure = text[choice.end():direction.start()]
    else:
        measure = text[max(text.rfind(c, 0, direction.start()) for c in _CLAUSE_BREAK) + 1:direction.start()]
    measure = measure.strip("的是得 ")
    if len(measure) < 2:
        return None
    for hit in hits:
        chunk = hit.chunk
        for sentence in _SENTENCE.finditer(chunk.text):
            for top in _TOPS.finditer(sentence.group()):
                if measure[-2:] not in sentence.group()[:top.start()]:
                    continue
                item = re.split(r"凭借|以|，|,", top.group("item"))[0].strip()
                if len(item) < 2:
                    continue
                start, end = sentence.span()
                while start < end and chunk.text[start].isspace():
                    start += 1
                quote, raw_start, raw_end = chunk.quote(start, end)
                citation = Citation(1, chunk.id, chunk.doc_id, quote, raw_start, raw_end, chunk.title)
                return Answer(question=question, text=f"{item}。{chunk.text[start:end].strip()}[1]", answerable=True,
                              short=item, citations=(citation,), hits=tuple(hits), answerer=answerer)
    return None


def answer_unnamed_choice(question: str, text: str, hits: list[Hit], answerer: str = "extractive") -> Answer | None:
    """The item whose figure of the measure is the largest (smallest); None when fewer than two items
    with a figure are found, the figures are of different units, or two tie."""
    choice = unnamed_choice(text)
    if choice is None:
        return answer_top_ranked(question, text, hits, answerer)
    kind = _kind_of(choice.measure)
    asked_places = set(_places(text)) if choice.category == "industry" else set()
    best_by_item: dict[str, _Ranked] = {}
    seen: set[tuple[str, int]] = set()
    for hit in hits:
        chunk = hit.chunk
        sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(chunk.text)]
        for index, (start, end) in enumerate(sentences):
            if (chunk.doc_id, chunk.raw_span(start, start + 1)[0]) in seen:
                continue
            seen.add((chunk.doc_id, chunk.raw_span(start, start + 1)[0]))
            sentence = chunk.text[start:end]
            previous = chunk.text[slice(*sentences[index - 1])] if index else ""
            for figure in find_figures(sentence):
                if figure.value is None or figure.kind != (kind or figure.kind) or \
                        figure.kind not in ("money", "percent", "count", "number"):  # not a rank (第2名) or a date
                    continue
                clause_start = max(sentence.rfind(c, 0, figure.start) for c in _CLAUSE_BREAK) + 1
                before = max(sentence.rfind(c, 0, max(clause_start - 1, 0)) for c in _CLAUSE_BREAK) + 1
                if clause_start == 0:
                    before = 0
                labelled = sentence[before:figure.start]
                if choice.head not in labelled:
                    continue
                item = _item_before(choice.category, sentence, clause_start, figure.start, previous, asked_places,
                                    choice.suffix)
                if item is None and re.fullmatch(_PROJECT_CATEGORY, choice.category):
                    item = _project_after(choice.category, sentence, figure.end)
                if item is None:
                    continue
                ranked = _Ranked(item, figure, chunk, start, end)
                current = best_by_item.get(item)
                if current is None or (figure.value > current.figure.value) == choice.largest:
                    best_by_item[item] = ranked
    if len(best_by_item) < 2 or len({r.figure.unit for r in best_by_item.values()}) > 1:
        return None
    ordered = sorted(best_by_item.values(), key=lambda r: r.figure.value, reverse=choice.largest)
    if ordered[0].figure.value == ordered[1].figure.value:
        return None
    citations: list[Citation] = []
    parts = []
    for ranked in ordered[:4]:
        start, end = ranked.sentence_start, ranked.sentence_end
        while start < end and ranked.chunk.text[start].isspace():
            start += 1
        quote, raw_start, raw_end = ranked.chunk.quote(start, end)
        n = next((c.n for c in citations if c.doc_id == ranked.chunk.doc_id and c.start == raw_start), None)
        if n is None:
            n = len(citations) + 1
            citations.append(Citation(n, ranked.chunk.id, ranked.chunk.doc_id, quote, raw_start, raw_end,
                                      ranked.chunk.title))
        parts.append(f"{ranked.item}{ranked.figure.surface}[{n}]")
    short = ordered[0].item
    if FIGURES_IN_SHORT:
        # "乙县风电项目（12亿元，高于5亿元、3亿元）": the winner with the figures it was ranked on (as listed.py's).
        short = with_figures(short, ordered[0].figure, [r.figure.surface for r in ordered[1:4]], choice.largest)
    body = f"{ordered[0].item}。按文章给出的数字比较：" + "，".join(parts) + "。"
    return Answer(question=question, text=body, answerable=True, short=short, citations=tuple(citations),
                  hits=tuple(hits), answerer=answerer)


def _kind_of(measure: str) -> str | None:
    """The figure kind a measure is stated in: a share or rate in %, a price or sum in money."""
    joined = measure
    if re.search(r"占比|比例|比重|份额|[^市]率|增速|增幅|增长$|涨$", joined):
        return "percent"
    if re.search(r"价|金额|收入|营收|利润|投|资金|元|捐|花|出资|钱", joined):
        return "money"
    return None


def _places(text: str) -> list[str]:
    from rag.jieba import tag

    return [word for word, flag in tag(text) if flag == "ns" and len(word) >= 2]


# What introduces a project after its sum: "投资12亿元建设…项目", "12亿元的…项目".
_BUILDS = re.compile(r"^(?:的|用于|建设|新建|投建|兴建|实施|打造|启动|推进|落地|开工|签约|引进)+")


def _project_after(category: str, sentence: str, position: int) -> str | None:
    """The project named right after its sum in the figure's clause ("总投资12亿元的乙县风电项目")."""
    end = min([i for i in (sentence.find(c, position) for c in _CLAUSE_BREAK) if i >= 0] or [len(sentence)])
    after = sentence[position:end]
    match = re.search(category, after)
    if match is None:
        return None
    name = _BUILDS.sub("", after[:match.end()])
    if len(name) < len(category) + 2 or re.search(r"\d|[是为和与及]", name):
        return None
    return name


def _item_before(category: str, sentence: str, clause_start: int, position: int, previous: str,
                 asked_places: set[str], level: str = "") -> str | None:
    """The item of ``category`` named nearest before ``position``: in the figure's clause, else in the
    clauses before it in the sentence, else (for a clause that starts with 其/它) the previous sentence."""
    def found(text: str) -> str | None:
        if category == "place":
            names = _places(text)
            if level:
                from rag.places import find_places

                # The gazetteer's counties and towns, which jieba does not always tag (隆德县), then jieba's.
                named = sorted({(p.start, p.surface) for p in find_places(text)} | {(text.find(n), n) for n in names})
                names = [n for _, n in named if n.endswith(level) and len(n) > len(level)]
        else:
            names = []
            suffix = _INDUSTRY if category == "industry" else re.compile(category)
            for match in suffix.finditer(text):
                # The phrase that ends in 行业: back to the verb or mark before it ("第一名是美国制药和生物技术行业").
                name = re.split(r"[是为有在的，,、：:+＋与和及]|排名|其中", text[:match.end()])[-1] if category != "industry" \
                    else re.split(r"[是为有在的，,、：:]|排名|其中", text[:match.end()])[-1]
                for place in asked_places | (set(_places(name)) if category == "industry" else set()):
                    name = name.replace(place, "")
                if len(name) >= len(match.group()) + 2 and not re.search(r"\d", name) \
                        and not re.match(r"^(?:所有|各|其他|全部|整个|国内|相关|多家|该|本|这|此|其)", name):
                    names.append(name)
        return names[-1] if names else None

    item = found(sentence[clause_start:position])
    if item:
        return item
    end = clause_start - 1
    while end > 0:
        start = max(sentence.rfind(c, 0, end) for c in _CLAUSE_BREAK) + 1
        item = found(sentence[start:end])
        if item:
            return item
        end = start - 1
    if _POINTS_BACK.match(sentence[clause_start:]) and previous:
        return found(previous)
    return None

"""Per-year series in news text, and "which year most/least" answered from them.

Financial news states a few years' figures in one breath: "2020年至2022年，公司分别实现营业收入
A、B、C，实现净利润分别为D、E、F", or names the years in one sentence ("于2020年度、2021年度及
2022年度，公司实现营业收入分别约为…") and gives the next series ("公司净利润分别约为…") in the
following one. The years pair off with the figures by position. A question "哪一年净利润最多"
is answered by the year whose figure in the series labelled with its measure is the largest.

Only a series whose label names the question's measure answers: a series of 营业收入 says
nothing about 净利润, and then this module answers nothing (the ordinary answerer tries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.spans import Figure, find_figures
from rag.documents import Answer, Chunk, Citation, Hit

# "哪一年", "哪个年份", "哪年度": the question chooses among years.
_WHICH_YEAR = re.compile(r"哪一?年|哪个年份|哪个年度|哪一年度")
# Years written as a list ("2020年、2021年及2022年", "2020年度、2021年度和2022年度")…
_YEAR = r"((?:19|20)\d{2})\s*年?度?"
_YEAR_LIST = re.compile(rf"{_YEAR}(?:\s*(?:、|，|,|和|及|与|以及)\s*{_YEAR})+")
# …or as a span ("2020年至2022年", "2020-2022年", "2020到2022这三年").
_YEAR_RANGE = re.compile(rf"{_YEAR}\s*(?:至|到|-|—|－|~|～)\s*{_YEAR}")
# What may stand between two figures of one series.
_SERIES_JOIN = re.compile(r"\s*(?:、|，|,|和|及|与|以及)\s*")
# Words between a series' label and its first figure ("分别约为", "分别实现", "依次为").
_LABEL_TAIL = re.compile(r"(?:分别|依次|各)?(?:约|大约)?(?:为|是|达到?|实现|录得)?(?:约|大约)?$")
_LABEL_HEAD = re.compile(r"^(?:同时|其中|此外|另外|而|并|且|公司|分别|依次)+")
_CLAUSE_BREAK = "，,；;：:。！？!?\n"
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# How far back a sentence's years may be stated (the sentence itself and the ones before it).
_YEARS_LOOKBACK_SENTENCES = 2
_STOP = set("的了是在和与及年里中这那哪一个三两几家公司")
_DIRECTION = re.compile(r"最多|最高|最大|最少|最低|最小|更多|更高|更大|更少|更低|更小")


@dataclass(frozen=True)
class YearSeries:
    """Figures of one measure over several years, paired by position."""

    label: str  # the words before the figures: "实现归属于母公司股东的净利润"
    years: tuple[int, ...]
    figures: tuple[Figure, ...]  # offsets relative to the passage
    sentence_start: int
    sentence_end: int


def years_stated(text: str) -> list[tuple[int, tuple[int, ...]]]:
    """Each list or span of years in ``text``: (where it starts, the years in order)."""
    found: list[tuple[int, tuple[int, ...]]] = []
    taken: list[tuple[int, int]] = []
    for match in _YEAR_RANGE.finditer(text):
        first, last = int(match.group(1)), int(match.group(2))
        if 0 < last - first <= 12:
            found.append((match.start(), tuple(range(first, last + 1))))
            taken.append(match.span())
    for match in _YEAR_LIST.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        years = tuple(int(y) for y in re.findall(r"(?:19|20)\d{2}", match.group()))
        if all(b > a for a, b in zip(years, years[1:])):
            found.append((match.start(), years))
    return sorted(found)


def figure_runs(sentence: str) -> list[list[Figure]]:
    """Runs of two or more figures of one kind joined only by 、/，/和/及 ("A、B和C")."""
    figures = [f for f in find_figures(sentence) if f.kind in ("money", "percent", "count", "number")
               and f.value is not None]
    runs: list[list[Figure]] = []
    for figure in figures:
        last = runs[-1][-1] if runs else None
        if last is not None and last.kind == figure.kind and _SERIES_JOIN.fullmatch(sentence[last.end:figure.start]):
            runs[-1].append(figure)
        else:
            runs.append([figure])
    return [run for run in runs if len(run) >= 2]


def year_series(text: str) -> list[YearSeries]:
    """Every per-year series in a passage: a run of figures as long as a list of years stated
    in its sentence before it, or in one of the sentences just before."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
    found: list[YearSeries] = []
    for i, (start, end) in enumerate(sentences):
        sentence = text[start:end]
        for run in figure_runs(sentence):
            years = _years_before(text, sentences, i, run[0].start, len(run))
            if years is None:
                continue
            label = _label(sentence, run[0].start)
            if not label:
                continue
            shifted = tuple(Figure(f.start + start, f.end + start, f.surface, f.kind, f.unit, f.value) for f in run)
            found.append(YearSeries(label, years, shifted, start, end))
    return found


def _years_before(text: str, sentences: list[tuple[int, int]], index: int, position: int,
                  count: int) -> tuple[int, ...] | None:
    """The nearest list of ``count`` years before ``position`` of sentence ``index``, looking back
    at most _YEARS_LOOKBACK_SENTENCES sentences."""
    start, _ = sentences[index]
    # "报告期各期末…分别为A、B、C": the reporting period is the years the article stated before.
    reporting = "报告期" in text[start:start + position]
    for back in range(index, -1 if reporting else max(-1, index - _YEARS_LOOKBACK_SENTENCES - 1), -1):
        s, e = sentences[back]
        limit = start + position if back == index else e
        stated = [years for at, years in years_stated(text[s:limit])]
        matching = [years for years in stated if len(years) == count]
        if matching:
            return matching[-1]
        if stated and back != index and not reporting:
            return None  # the nearer years are of another length: they are not this series'
    return None


def _label(sentence: str, first: int) -> str:
    """The words of the clause before a series' first figure, less "分别为" and the like."""
    start = max(sentence.rfind(c, 0, first) for c in _CLAUSE_BREAK) + 1
    label = _LABEL_TAIL.sub("", sentence[start:first].strip())
    label = _YEAR_RANGE.sub("", _YEAR_LIST.sub("", label))
    return _LABEL_HEAD.sub("", label.strip()).strip()


def asks_which_year(question: str) -> str | None:
    """"max" or "min" for "哪一年…最多/最低"; None for any other question."""
    which = _WHICH_YEAR.search(question)
    direction = _DIRECTION.search(question)
    if which is None or direction is None:
        return None
    return "min" if direction.group()[1] in "少低小" else "max"


def measure_words(question: str) -> tuple[list[str], list[str]]:
    """What the question measures, and its other words (whose figures, when).

    The measure is written between the ask and its direction ("哪一年净利润最多") or before the
    direction when the ask comes last ("净利润最高的是哪一年"), within one clause.
    """
    from rag.lexical import tokenize

    which, direction = _WHICH_YEAR.search(question), _DIRECTION.search(question)
    if which is None or direction is None:
        return [], []
    if which.end() <= direction.start():
        span = (which.end(), direction.start())
    else:
        start = max(question.rfind(c, 0, direction.start()) for c in _CLAUSE_BREAK) + 1
        span = (start, direction.start())

    def words(text: str) -> list[str]:
        text = re.sub(r"(?:19|20)\d{2}\s*年?度?", " ", _WHICH_YEAR.sub(" ", _DIRECTION.sub(" ", text)))
        found = [t for t in dict.fromkeys(tokenize(text)) if re.search(r"[\u4e00-\u9fff]", t)]
        return [w for w in found if not set(w) <= _STOP]

    return words(question[span[0]:span[1]]), words(question[:span[0]] + " " + question[span[1]:])


def label_match(label: str, measure: list[str]) -> int:
    """How much of the measure the label names: characters of the measure's words found in it,
    a word counted when it, or its last two characters (归母净利润 -> 净利润), is in the label."""
    score = 0
    for word in measure:
        if word in label:
            score += len(word)
        elif len(word) >= 3 and word[-2:] in label:
            score += 2
    return score


def answer_which_year(question: str, text: str, hits: list[Hit],
                      answerer: str = "extractive") -> Answer | None:
    """The year whose figure is largest (smallest) in the series that names the question's measure.

    Args:
        question: As asked (kept on the answer).
        text: The question, normalised.
        hits: The passages to read, those of the organisations asked about.
    Returns:
        None when the question does not choose a year or the passages state no series; a refusal when
        they state series, but none of the question's measure (or not over the years asked).
    """
    direction = asks_which_year(text)
    if direction is None:
        return None
    measure, context = measure_words(text)
    if not measure:
        return None
    asked = {years for _, years in years_stated(text)}
    asked_years = set(next(iter(asked))) if len(asked) == 1 else set()
    best: tuple[tuple[int, int, int], YearSeries, Chunk] | None = None
    other_labels: list[str] = []  # the series that name another measure
    for rank, hit in enumerate(hits):
        read = f"{hit.chunk.title}\n{hit.chunk.text}"
        about = sum(len(w) for w in context if w in read)  # whose figures: the question's other words
        for series in year_series(hit.chunk.text):
            score = label_match(series.label, measure)
            if score == 0 or not asked_years <= set(series.years):
                other_labels.append(series.label)
                continue
            # The label naming most of the measure wins, then the passage naming most of the rest.
            key = (score, about, -rank)
            if best is None or key > best[0]:
                best = (key, series, hit.chunk)
    if best is None:
        if not other_labels:
            return None  # no series at all: a sentence may still say which year was highest
        # The articles give years' figures, but not of this measure: no year can be named from them.
        from rag.answer.extractive import NOT_ANSWERED  # (extractive imports this module)

        return Answer(question=question, text=NOT_ANSWERED, answerable=False, hits=tuple(hits), answerer=answerer,
                      notes=("逐年数字只有：" + "、".join(dict.fromkeys(other_labels)),))
    _, series, chunk = best
    pairs = [(y, f) for y, f in zip(series.years, series.figures) if not asked_years or y in asked_years]
    if len({f.unit for _, f in pairs}) > 1:
        return None  # 元 and 美元 are not compared
    pick = min if direction == "min" else max
    year, _ = pick(pairs, key=lambda pair: pair[1].value)
    if sum(1 for _, f in pairs if f.value == dict(pairs)[year].value) > 1:
        return None  # a tie names no one year
    start, end = series.sentence_start, series.sentence_end
    while start < end and chunk.text[start].isspace():
        start += 1
    quote, raw_start, raw_end = chunk.quote(start, end)
    citation = Citation(1, chunk.id, chunk.doc_id, quote, raw_start, raw_end, chunk.title)
    listing = "、".join(f"{y}年{f.surface}" for y, f in pairs)
    short = f"{year}年"
    body = f"{short}。{series.label}：{listing}[1]。"
    return Answer(question=question, text=body, answerable=True, short=short, citations=(citation,),
                  hits=tuple(hits), answerer=answerer)

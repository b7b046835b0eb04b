"""Answers to "which organisation … most/least …" from the facts of every passage.

Top-k retrieval cannot answer "哪家企业在海原投资最多": the answer needs every
passage about 海原, and every figure the organisations report there. This
module compares the organisations on the sums of money the index recorded
(``rag.facts``), names the winner with the deciding figures, and cites a
passage for each figure. It never adds figures up; where the compared
figures cover different periods, the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.question import Question
from rag.documents import Answer, Chunk, Citation, Hit
from rag.entities import english_name
from rag.facts import SCOPE_WORDS, FactTable, MoneyFact

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


def aggregate_answer(question: Question, facts: FactTable, hits: list[Hit]) -> Answer | None:
    """Compare organisations on the figures the articles give, or None when there are none.

    Candidates are the organisations the question lists ("A、B和C中，哪家…"),
    else every organisation with a figure in scope. With a place in the
    question, the scope is the articles that name it: a figure counts when its
    sentence names the place, or speaks of the organisation's supported
    counties (援扶县, 定点扶贫县) in an article that names the place.
    """
    figures = _figures_in_scope(question, facts)
    if not figures:
        return None
    best_by_organisation: dict[str, _Figure] = {}
    for figure in figures:
        current = best_by_organisation.get(figure.organisation)
        if current is None or figure.fact.yuan > current.fact.yuan:
            best_by_organisation[figure.organisation] = figure
    pick = min if question.superlative == "min" else max
    winner = pick(best_by_organisation, key=lambda org: best_by_organisation[org].fact.yuan)
    ordered = [winner] + sorted((o for o in best_by_organisation if o != winner),
                                key=lambda o: -best_by_organisation[o].fact.yuan)
    return _compose(question, winner, [best_by_organisation[o] for o in ordered], facts, hits)


def largest_figure(question: Question, organisation: str, facts: FactTable) -> tuple[Chunk, int, int, str] | None:
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


def _figures_in_scope(question: Question, facts: FactTable, candidates: set[str] | None = None) -> list[_Figure]:
    if candidates is None and len(question.organisations) > 1:
        candidates = set(question.organisations)
    documents = None
    if question.places:
        documents = set().union(*(facts.documents_naming(p) for p in question.places))
    figures, seen = [], set()
    for chunk, passage in facts:
        if documents is not None and chunk.doc_id not in documents:
            continue
        for fact in passage.money:
            if fact.organisation is None or (candidates is not None and fact.organisation not in candidates):
                continue
            if question.money_category and fact.category != question.money_category:
                continue
            if fact.category is None:  # income, profits: not something an organisation spent
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


def _compose(question: Question, winner: str, figures: list[_Figure], facts: FactTable, hits: list[Hit]) -> Answer:
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
            # Show the reader why a figure for "援扶县" counts for the place asked about.
            place_n = _cite_place_mention(question, chunk, facts, cite)
            if place_n:
                part += f"，{question.places[0]}是其帮扶地区之一[{place_n}]"
        parts.append(part)

    lead = f"{_name(winner, english)}。"
    if len(figures) == 1:
        where = f"在{question.places[0]}" if question.places else ""
        lead += f"文章中只有{winner}{where}有这类金额的记载。"
    text = lead + "；".join(parts) + "。"
    periods = {f.period for f in figures}
    if len(periods) > 1:
        text += "注意：这些数字的统计时段不同（" + "、".join(
            f"{f.organisation}为{f.period}" for f in figures) + "），比较的是文章给出的数字，没有相加。"
    return Answer(question=question.original, text=text, answerable=True, short=_name(winner, english),
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


def _cite_place_mention(question: Question, chunk: Chunk, facts: FactTable, cite) -> int | None:
    """Cite the first sentence of the same article that names the question's place."""
    for other, passage in facts:
        if other.doc_id != chunk.doc_id:
            continue
        for place in passage.places:
            if place.stem in question.places:
                start, end = _sentence_span(other.text, place.start)
                while start < end and other.text[start].isspace():
                    start += 1
                return cite(other, start, min(end, start + _MAX_QUOTE_CHARS))
    return None

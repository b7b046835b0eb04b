"""The offline answerer: picks the sentences that answer the question from the hits.

No LLM: the answer is the entity or figure asked for, taken from the best
supporting sentence, followed by that sentence and its numbered citation.
When no passage supports the question well enough, it says so instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from rag.answer.aggregate import aggregate_answer, group_total_note, largest_figure
from rag.answer.injection import addresses_reader
from rag.answer.question import Question, analyse
from rag.documents import Answer, Chunk, Citation, Hit
from rag.entities import aliases_of, english_name, find_organisations
from rag.facts import money_in
from rag.store.protocols import FactStore

NOT_ANSWERED = "这些文章没有回答这个问题。(The articles do not answer this question.)"

# The share of the question's weighted words that the best supporting sentence
# (with its passage) contains. Calibrated with benchmarks/calibrate_refusal.py
# on eval/gold/seeds-dev.jsonl: the unanswerable questions that pass the
# required-terms check peak at 0.35, answerable ones start at 0.49.
MIN_COVERAGE = 0.42

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
_MONEY = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:多)?\s*(?:万亿|亿|千万|百万|万|千)?\s*(?:多)?\s*(?:元|美元|港元)")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:多|余)?\s*(?:万|亿)?\s*(?:个|名|人次|人|家|项|所|户|次|亩|头|期|份|座|吨|县|村)?")
_DATE = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日")
_MAX_EVIDENCE_CHARS = 160
_CITATION_MARK = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class _Candidate:
    hit_rank: int
    chunk: Chunk
    start: int  # sentence span in chunk.text
    end: int
    coverage: float
    score: float


class ExtractiveAnswerer:
    """Answers from the retrieved passages without a language model.

    Args:
        idf: Token weight (the index's BM25 idf); rarer question words count more.
        min_coverage: Below this share of the question's weighted terms in the
            best passage, the question counts as not answered by the articles.
        facts: The store's facts, for "which … most" questions that need
            every passage (None: top k only).
    """

    name = "extractive"

    def __init__(self, idf: Callable[[str], float], min_coverage: float = MIN_COVERAGE,
                 facts: FactStore | None = None):
        self.idf = idf
        self.min_coverage = min_coverage
        self.facts = facts

    def answer(self, question: str | Question, hits: list[Hit]) -> Answer:
        analysed = analyse(question) if isinstance(question, str) else question
        question = analysed.original
        if analysed.is_aggregation and self.facts is not None:
            aggregated = aggregate_answer(analysed, self.facts, hits)
            if aggregated is not None:
                return aggregated
        if len(analysed.organisations) > 1 and analysed.kind != "organisation":
            return self._answer_each_organisation(question, analysed, hits)
        candidates = self._candidates(analysed, hits)
        if not candidates or candidates[0].coverage < self.min_coverage:
            return self._not_answered(question, hits)
        best = candidates[0]
        sentence = best.chunk.text[best.start : best.end]
        headline = self._headline(analysed, best, sentence)
        if headline is None:
            return self._not_answered(question, hits)
        headline += group_total_note(analysed, sentence) if headline else ""
        evidence_start, evidence_end = _trim(sentence, analysed, best.start)
        evidence = best.chunk.text[evidence_start:evidence_end].strip()
        quote, raw_start, raw_end = best.chunk.quote(evidence_start, evidence_end)
        citations = [Citation(1, best.chunk.id, best.chunk.doc_id, quote, raw_start, raw_end, best.chunk.title)]
        # The headline leads even when the evidence starts with it: the reader
        # sees the answer first, then the sentence that supports it.
        text = f"{headline}。{evidence}[1]" if headline else f"{evidence}[1]"
        # A second sentence from another article, when it is as strong, helps the
        # reader see the question is answered more than once (or differently).
        for other in candidates[1:]:
            if other.chunk.doc_id != best.chunk.doc_id and other.coverage >= max(self.min_coverage, best.coverage - 0.05) \
                    and self._headline(analysed, other, other.chunk.text[other.start : other.end]):
                o_start, o_end = _trim(other.chunk.text[other.start : other.end], analysed, other.start)
                o_quote, o_raw_start, o_raw_end = other.chunk.quote(o_start, o_end)
                citations.append(Citation(2, other.chunk.id, other.chunk.doc_id, o_quote, o_raw_start, o_raw_end, other.chunk.title))
                text += f" {other.chunk.text[o_start:o_end].strip()}[2]"
                break
        return Answer(question=question, text=text, answerable=True, short=headline or evidence,
                      citations=tuple(citations), hits=tuple(hits), answerer=self.name)

    def _not_answered(self, question: str, hits: list[Hit]) -> Answer:
        # The hits stay on the answer so the caller can show the closest passages.
        return Answer(question=question, text=NOT_ANSWERED, answerable=False, hits=tuple(hits), answerer=self.name)

    def _answer_each_organisation(self, question: str, analysed: Question, hits: list[Hit]) -> Answer:
        """"A和B分别…多少": answer the question once per organisation named, each with its citation."""
        parts, citations = [], []
        for organisation in analysed.organisations:
            single = replace(analysed, organisations=(organisation,))
            candidates = [c for c in self._candidates(single, hits) if c.coverage >= self.min_coverage]
            found = None
            for candidate in candidates:
                sentence = candidate.chunk.text[candidate.start : candidate.end]
                headline = self._headline(single, candidate, sentence)
                if headline:
                    found = (candidate, headline)
                    break
            if found is None and self.facts is not None:
                # Not in the retrieved passages: the figures of every passage may have it.
                figure = largest_figure(single, organisation, self.facts)
                if figure is not None:
                    chunk, start, end, clause = figure
                    quote, raw_start, raw_end = chunk.quote(start, end)
                    n = len(citations) + 1
                    citations.append(Citation(n, chunk.id, chunk.doc_id, quote, raw_start, raw_end, chunk.title))
                    parts.append(f"{organisation}：{clause}[{n}]")
                    continue
            if found is None:
                parts.append(f"{organisation}：检索到的段落中没有找到")
                continue
            candidate, headline = found
            start, end = _trim(candidate.chunk.text[candidate.start : candidate.end], single, candidate.start)
            quote, raw_start, raw_end = candidate.chunk.quote(start, end)
            n = len(citations) + 1
            citations.append(Citation(n, candidate.chunk.id, candidate.chunk.doc_id, quote, raw_start, raw_end,
                                      candidate.chunk.title))
            parts.append(f"{organisation}：{headline}[{n}]")
        if not citations:
            return self._not_answered(question, hits)
        return Answer(question=question, text="；".join(parts) + "。", answerable=True,
                      short="；".join(_CITATION_MARK.sub("", p) for p in parts), citations=tuple(citations),
                      hits=tuple(hits), answerer=self.name)

    # --- scoring ---------------------------------------------------------------

    def _candidates(self, question: Question, hits: list[Hit]) -> list[_Candidate]:
        # Words naming the kind of answer (企业 in 哪家企业) are what is asked, not
        # what the passage must say.
        content = [t for t in question.tokens if not (question.kind == "organisation" and t in _ORG_TYPE_WORDS)]
        # Search-mode tokens overlap (曲麻莱, 曲麻莱县): weigh each word once, by its
        # shortest parts, so "青海曲麻莱" counts as naming 曲麻莱县.
        content = [t for t in content if not any(o != t and o in t for o in content)]
        # Organisation names are checked by _supports_required (where an article's
        # subject counts as named), so they do not also count as words to find.
        names = [alias for org in question.organisations for alias in aliases_of(org)]
        content = [t for t in content if not any(t in name for name in names)] or content
        weights = {t: self.idf(t) for t in content}
        total = sum(weights.values()) or 1.0
        candidates = []
        for rank, hit in enumerate(hits, 1):
            chunk = hit.chunk
            context = f"{chunk.title}\n{chunk.text}"
            if not _supports_required(question, chunk, context):
                continue
            chunk_weight = sum(w for t, w in weights.items() if _contains(context, t))
            for match in _SENTENCE.finditer(chunk.text):
                sentence = match.group()
                if len(sentence.strip()) < 4 or addresses_reader(sentence):  # an instruction is not evidence
                    continue
                in_sentence = sum(w for t, w in weights.items() if _contains(sentence, t))
                # The passage counts, but the sentence that names the terms counts more.
                coverage = (0.6 * in_sentence + 0.4 * chunk_weight) / total
                # A sentence that itself names the place or year asked about beats
                # one that only shares the passage with it.
                named_here = sum(1 for term in question.required_terms if term in sentence)
                score = coverage + 0.1 * named_here + _type_bonus(question, sentence, chunk) + 0.02 / rank
                candidates.append(_Candidate(rank, chunk, match.start(), match.end(), coverage, score))
        candidates.sort(key=lambda c: (-c.score, c.hit_rank, c.start))
        return candidates

    def _headline(self, question: Question, candidate: _Candidate, sentence: str) -> str | None:
        """The entity or figure asked for; "" when the question asks for neither; None when absent."""
        if question.kind == "organisation":
            named = [m.canonical for m in find_organisations(sentence) if m.canonical not in question.organisations]
            organisation = named[0] if named else candidate.chunk.subject
            english = english_name(organisation) if organisation and question.language == "en" else None
            return f"{organisation} ({english})" if english else organisation
        if question.kind == "amount":
            if question.money_category:
                matching = [surface for surface, category in money_in(sentence) if category == question.money_category]
                if matching:
                    return matching[0]
            return _nearest(_MONEY, sentence, question)
        if question.kind == "count":
            return _nearest(_NUMBER, sentence, question)
        if question.kind == "date":
            return _nearest(_DATE, sentence, question) or candidate.chunk.date
        return ""


_ORG_TYPE_WORDS = {"企业", "公司", "集团", "央企", "单位", "机构", "组织", "enterprise", "company", "group"}
# Words a passage may use for the question's word; kept small and literal.
_SYNONYMS = {
    "投资": ("投入",), "投入": ("投资",),
    "帮扶": ("扶贫", "援扶", "支援", "对口支援"), "扶贫": ("帮扶",), "援助": ("帮扶", "支援"),
    "购买": ("采购", "购销"), "采购": ("购买", "购销"),
    "捐赠": ("捐助", "捐款", "捐资", "捐建"), "捐款": ("捐赠", "捐助"),
}


def _contains(text: str, token: str) -> bool:
    return token in text or any(alt in text for alt in _SYNONYMS.get(token, ()))


def _supports_required(question: Question, chunk: Chunk, context: str) -> bool:
    """Every organisation, place, year and figure the question names is in the passage.

    The article's subject organisation counts as named in every passage of it.
    A "which of A, B and C" question needs only one of its candidates.
    """
    named = [org == chunk.subject or any(alias in context for alias in aliases_of(org)) for org in question.organisations]
    choosing = question.kind == "organisation" and len(named) > 1
    if named and not (any(named) if choosing else all(named)):
        return False
    return all(term in context for term in question.required_terms)


def _type_bonus(question: Question, sentence: str, chunk: Chunk) -> float:
    bonus = 0.0
    if question.about_money and _MONEY.search(sentence):
        bonus += 0.15
        # "采购多少": a sentence whose figure is a purchase beats one with an investment.
        if question.money_category and any(category == question.money_category for _, category in money_in(sentence)):
            bonus += 0.1
    if question.kind == "count" and _NUMBER.search(sentence) and re.search(r"\d", sentence):
        bonus += 0.1
    if question.kind == "date" and _DATE.search(sentence):
        bonus += 0.1
    if question.kind == "organisation" and (find_organisations(sentence) or chunk.subject):
        bonus += 0.05
    return bonus


def _nearest(pattern: re.Pattern[str], sentence: str, question: Question) -> str | None:
    """The match of ``pattern`` closest to where the question's terms occur in the sentence."""
    matches = [m for m in pattern.finditer(sentence) if re.search(r"\d", m.group())]
    if not matches:
        return None
    anchors = [sentence.find(t) for t in question.tokens if len(t) > 1 and t in sentence]
    if not anchors:
        return matches[0].group().strip()
    # Figures follow the words they measure in Chinese: prefer one after an anchor.
    def distance(m: re.Match[str]) -> float:
        return min((m.start() - a) if m.start() >= a else 3 * (a - m.start()) for a in anchors)

    return min(matches, key=distance).group().strip()


def _trim(sentence: str, question: Question, offset: int) -> tuple[int, int]:
    """A span of at most _MAX_EVIDENCE_CHARS around the question's terms, chunk-relative."""
    lead = len(sentence) - len(sentence.lstrip())
    start, end = lead, len(sentence.rstrip())
    if end - start > _MAX_EVIDENCE_CHARS:
        anchors = [sentence.find(t) for t in question.tokens if len(t) > 1 and t in sentence]
        centre = min(anchors) if anchors else start
        start = max(start, min(centre - 40, end - _MAX_EVIDENCE_CHARS))
        end = start + _MAX_EVIDENCE_CHARS
    return offset + start, offset + end

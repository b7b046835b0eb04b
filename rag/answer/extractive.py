"""The offline answerer: picks the sentences that answer the question from the hits.

No LLM: the answer is the entity or figure asked for, taken from the best
supporting sentence, followed by that sentence and its numbered citation.
When no passage supports the question well enough, it says so instead.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from itertools import islice, takewhile
from typing import Callable, Iterator

from rag.answer.actor import quoted_speaker, speaks_of_itself, verb_doer
from rag.answer.binding import BRACKETED_STOCK_CODE, asked_names, binds, figure_bound, metric_labelled, name_bound, opposite_polarity
from rag.answer.topic import misses_topic
from rag.answer.furniture import mask_furniture
from rag.answer.byline import asks_outlet, asks_writer, outlet_in, writer_in
from rag.answer.enumeration import ASKS_SEVERAL, enumeration
from rag.answer.aggregate import aggregate_answer, group_total_lead, group_total_note, largest_figure
from rag.answer.injection import addresses_reader
from rag.answer.period import PERIOD_ONLY, listed_years, respective_year_figure
from rag.answer.listed import (answer_listed, as_listed_name, listed_question, named_candidates, respective_questions,
                               separate_questions)
from rag.answer.series import answer_which_year, asks_which_year
from rag.answer.unnamed import answer_unnamed_choice, unnamed_choice
from rag.answer.question import ASKS_CODE, RELATIVE_YEAR_WORDS, Question, analyse, years_for
from rag.answer.ranker import OptionText, SentenceRanker, option_features
from rag.answer.refusal import RefusalModel
from rag.answer.english_choice import english_choice
from rag.answer.choice import NamedChoice, figure_of, named_choice, winner
from rag.answer.compared import difference, with_figures
from rag.answer.spans import _RANGE_JOIN, CURRENCIES, RELATIVE_YEAR, Figure, find_figures, focus_unit, gap_span, question_sides, same_unit, stated_figure, tidy, whole_span, words_of
from rag.documents import Answer, Chunk, Citation, Hit
from rag.entities import aliases_of, english_name, find_organisations
from rag.facts import SCOPE_WORDS, find_places, money_in
from rag.store.protocols import FactStore
from rag.answer.people import (_beside_asked_title, _deputy_of_the_asked, _fullest_mention, _held_by_body, _people,
                               _PERSON_TITLE, _tagged, _with_title)
from rag.answer.phrases import (_after_anchor, _ASKS_CAUSE, _ASKS_MEANS, _ASKS_PURPOSE, _cause_clause, _clause_around,
                                _CLAUSE_BREAK, _labelled_value, _means_phrase, _NAMED_NOUN_ASK, _purpose_phrase,
                                _PURPOSE_VERB, _quoted_as)
from rag.answer.place_names import (_asked_suffix, _ASKS_WHERE, _MOVE_ASK, _MOVED_TO, _names_ending, _NOT_A_VENUE,
                                    _place_tail, _strip_lead, _TOO_GENERAL, _VENUE, _VENUE_ASK, _words_ending)
from rag.answer.organisation_names import (_ASKED_BODY, _ASKS_ENTERPRISE, _BEFORE_NAME, _BODY_ENDS, _clause_subject,
                                           _from_proper_word, _GENERIC_SUBJECTS, _is_the_asked, _LEADING_VERBS,
                                           _names_organisations, _NOUN_LIKE, _organisation_names,
                                           _reads_as_organisation, _registered, _subsidiaries, _unit_of_the_asked,
                                           _whole_unit)
from rag.answer.terms import (_ANSWER_TYPE_WORDS, _ASKED_WORDS, _contains, _content_words, _covered, _event_verbs,
                              _FORM_WORDS, _function_words, _group_weight, _is_noun, _NOUN_TAGS, _ORG_TYPE_WORDS,
                              _each_item_apart, _measure_share, _supports_required, _synonyms, _term_groups,
                              _uncontested_terms, _unseen_word_synonyms, _YEAR_IN_TEXT)

NOT_ANSWERED = "这些文章没有回答这个问题。(The articles do not answer this question.)"

# The share of the question's weighted words that the best supporting sentence
# (with its passage) must contain when no fitted refusal model is given (tests,
# library use). The assistant uses the model in rag/answer/refusal.json, fitted
# by benchmarks/fit_refusal.py on eval/gold/seeds-dev.jsonl.
MIN_COVERAGE = 0.42

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
# The quote is the whole supporting sentence unless it is very long; then a
# window that keeps the answer in it.
_MAX_EVIDENCE_CHARS = 300
_FIGURE_KINDS = {"money", "percent", "count", "duration", "rank", "date"}
# A token that no passage of the corpus contains (a colloquial 花了 for 投入):
# BM25 gives it the highest idf, but it says nothing about which passage answers.
_UNSEEN = "\uffff\uffff"
_CITATION_MARK = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class _Candidate:
    hit_rank: int
    chunk: Chunk
    start: int  # sentence span in chunk.text
    end: int
    coverage: float
    score: float
    typed: bool = True  # holds an answer of the kind asked (else the words where the question points)
    lead_in: str = ""  # the article's retrieved passages before this one (the period it set out: rag/answer/period.py)
    opening: str = ""  # the opening clause of the list this sentence is an item of (``_list_opening``)
    following: str = ""  # the article's next passage, when read (where a quotation's credit may stand)


@dataclass(frozen=True)
class Option:
    """A candidate sentence with the answer read from it and what the ranker weighs."""

    candidate: _Candidate
    answer: str
    features: dict[str, float]


# The ranker reads the answer of this many best-scored sentences (a question has about 25).
_MAX_OPTIONS = 30

# The other passages of this many of the best-ranked retrieved articles are read too (the answer
# is often in the passage next to the one that matched). Chosen on the tune part of CRUD dev
# (benchmarks/crud_split_cv.py prints its 5-fold cross-validation); a bound keeps a long article cheap.
SIBLING_ARTICLES = 1
# A question about who wrote an article or where it ran is answered from its byline or credit (rag/answer/byline.py).
BYLINES = True
MAX_SIBLING_PASSAGES = 20


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
                 facts: FactStore | None = None, similarity: Callable[[str, str], float] | None = None,
                 refusal: RefusalModel | None = None, ranker: SentenceRanker | None = None,
                 passages_of: Callable[[list[str]], dict[str, list[Chunk]]] | None = None,
                 passage_similarity: Callable[[str, list[str]], list[float]] | None = None):
        self.idf = idf
        # The embedder's question-passage similarity from the index's vectors (None: a BM25-only
        # index); a feature of the sentence ranker, which costs no embedding at question time.
        self.passage_similarity = passage_similarity
        self.passages_of = passages_of  # an article's passages in reading order (the store's passages_of)
        self.ranker = ranker
        self.min_coverage = min_coverage
        self.facts = facts
        self.similarity = similarity
        self.refusal = refusal

    def answer(self, question: str | Question, hits: list[Hit], by_parts: bool = True,
               taken: frozenset[str] = frozenset()) -> Answer:
        """The answer to ``question`` from ``hits``; ``by_parts`` False asks a multi-part question whole only
        (a part's own question is not split again); ``taken``: answers another part already gave, which a
        sentence-by-sentence reading passes over."""
        analysed = analyse(question) if isinstance(question, str) else question
        found = self._answer(analysed, hits, taken)
        candidates = named_candidates(analysed.text) if analysed.language == "zh" else ()
        if found.answerable and found.short and candidates and found.short not in candidates \
                and not (KEEP_COMPARED_FIGURES and any(found.short.startswith(f"{c}（") for c in candidates)):
            # (Not a listed name already followed by the figures it won on: "乙（450家，多于约200家）".)
            # "A、B、C这三家里，哪家…": the answer is one of the names the question gives, in its words.
            name = as_listed_name(found.short, candidates)
            if name is not None:
                text = found.text.replace(found.short, name, 1) if found.text.startswith(found.short) else found.text
                found = replace(found, short=name, text=text)
        if analysed.language == "zh" and by_parts:
            found = self._answer_by_parts(analysed, hits, found)
        return found

    def _answer_by_parts(self, analysed: Question, hits: list[Hit], whole: Answer) -> Answer:
        """"A和B分别是多少" and "A是哪一年？B叫什么？" asked one part at a time, each part with only its own
        words, kind and unit; kept when more parts are answered so than by reading the question whole."""
        respective = respective_questions(analysed.text)
        parts = respective or tuple(("", q) for q in separate_questions(analysed.text))
        if len(parts) < 2:
            return whole
        # "A和B分别增长了多少" asks one thing of each item: a whole answer that mixes kinds (8.5%、6190元)
        # gives another measure for one of them, so it answers no part for certain.
        mixed = ONE_KIND_EACH and respective and len({f.kind for f in find_figures(whole.short or "")}) > 1
        if _parts_answered(whole) >= len(parts) and not mixed:
            return whole
        answers = []
        for label, sub in parts:
            # "设计和施工分别是哪家公司": two items asked apart are two answers; a part that comes out as
            # an earlier part's answer is read again past it (DISTINCT_PARTS).
            given = frozenset(a.short for _, a in answers if a.answerable and a.short) \
                if DISTINCT_PARTS and respective else frozenset()
            answers.append((label, self.answer(sub, hits, by_parts=False, taken=given)))
        answered = sum(1 for _, a in answers if a.answerable and a.short)
        if (answered <= _parts_answered(whole) and not mixed) or (not whole.answerable and answered < len(parts)):
            # (A question refused whole is answered by parts only when every part is: a part alone
            # has fewer words to miss, so it is answered more easily where the articles do not say.)
            return whole
        shorts, texts, citations = [], [], []
        for label, sub in answers:
            lead = f"{label}：" if label else ""
            if not (sub.answerable and sub.short):
                shorts.append(f"{lead}检索到的段落中没有找到")
                texts.append(shorts[-1])
                continue
            numbers = {}
            for citation in sub.citations:
                numbers[citation.n] = len(citations) + 1
                citations.append(replace(citation, n=len(citations) + 1))
            marks = "".join(f"[{n}]" for n in numbers.values())
            shorts.append(f"{lead}{sub.short}")
            texts.append(f"{lead}{sub.short}{marks}")
        return Answer(question=analysed.original, text="；".join(texts) + "。", answerable=True,
                      short="；".join(shorts), citations=tuple(citations), hits=tuple(hits), answerer=self.name)

    def _answer(self, analysed: Question, hits: list[Hit], taken: frozenset[str] = frozenset()) -> Answer:
        question = analysed.original
        if analysed.language == "zh" and asks_which_year(analysed.text):
            # "2020到2022年哪一年净利润最高": the years' series that names the measure decides.
            read = [h for h in self._with_sibling_passages(hits)
                    if _supports_required(analysed, h.chunk, f"{h.chunk.title}\n{h.chunk.text}")]
            by_year = answer_which_year(question, analysed.text, read, self.name)
            if by_year is not None:
                return replace(by_year, hits=tuple(hits))
        # "A、B和C加起来多少" / "A、B、C哪一类最多": one figure per listed item, added or compared.
        # A list of organisations is compared on the facts table first (every passage counts).
        listed = listed_question(analysed.text) if analysed.language == "zh" else None
        if listed is not None and not listed.of_organisations and not listed.of_dates:
            found = self._answer_listed(analysed, hits)
            if found is not None:
                return found
        if len(analysed.organisations) > 1 and analysed.kind != "organisation" and _EACH.search(analysed.text):
            # "A和B分别/各自帮扶几个县": one answer per organisation, each by the path it needs.
            return self._answer_each_organisation(question, analysed, hits)
        choice = named_choice(analysed.text) if analysed.language == "zh" else None
        if choice is not None:
            # "A和B，哪家营收更多": only a name the question gives can answer; each one's figure is read alone.
            chosen = self._answer_named_choice(question, choice, hits)
            if chosen is not None:
                return chosen
        if ITEMS_APART and listed is not None and not listed.of_organisations and not listed.of_dates:
            # Each item in an article of its own, after each item's own question found no answer.
            found = self._answer_listed(analysed, hits, apart=True)
            if found is not None:
                return found
        local = unnamed_choice(analysed.text) if analysed.language == "zh" and analysed.superlative else None
        if analysed.language == "zh" and analysed.superlative and hits and not named_candidates(analysed.text) \
                and not (local is not None and local.suffix and analysed.is_aggregation and self.facts is not None):
            # (A county asked of an organisation's or place's sums is the facts table's: every passage counts.)
            # "哪个国家…占比最高", "哪个商会捐得最多": the items the best article ranks, clause by clause.
            best_article = [h for h in self._with_sibling_passages(hits) if h.chunk.doc_id == hits[0].chunk.doc_id]
            ranked = answer_unnamed_choice(question, analysed.text, best_article, self.name)
            if ranked is not None:
                return replace(ranked, hits=tuple(hits))
        if analysed.is_aggregation and self.facts is not None:
            aggregated = aggregate_answer(analysed, self.facts, hits)
            if aggregated is not None:
                return aggregated
        if listed is not None and listed.of_organisations:
            found = self._answer_listed(analysed, hits)
            if found is not None:
                return found
        if len(analysed.organisations) > 1 and analysed.kind != "organisation" \
                and not (ONE_PERSON_TWO_BODIES and analysed.kind == "person"):
            # ("由A总经理调任B董事长的是谁": one person whose career names both, unless asked 分别 above.)
            return self._answer_each_organisation(question, analysed, hits)
        read = self._with_sibling_passages(hits)
        candidates = self._candidates(analysed, read)
        if BYLINES and candidates and (analysed.kind == "person" and asks_writer(analysed.text)
                                       or analysed.kind == "organisation" and asks_outlet(analysed.text)):
            credited = self._credited(analysed, candidates, hits)
            if credited is not None:
                return credited
        found = self._first_answered(analysed, candidates, read, taken) if candidates else None
        if found is None:
            return self._not_answered(question, hits)
        best, headline = found
        sentence = best.chunk.text[best.start : best.end]
        signals = self._signals(analysed, best, sentence, candidates)
        if not self._answers(signals):
            return self._not_answered(question, hits, signals)
        place = group_total_note(analysed, sentence)
        if place:
            # A total for all the supported counties is not the county's figure: the
            # question is not answered, but the reader is told what the articles do say.
            return self._group_total(analysed, hits, best, sentence, place, headline, signals)
        evidence_start, evidence_end = _trim(sentence, analysed, best.start)
        evidence = best.chunk.text[evidence_start:evidence_end].strip()
        quote, raw_start, raw_end = best.chunk.quote(evidence_start, evidence_end)
        citations = [Citation(1, best.chunk.id, best.chunk.doc_id, quote, raw_start, raw_end, best.chunk.title)]
        # The headline leads even when the evidence starts with it: the reader
        # sees the answer first, then the sentence that supports it.
        text = f"{headline}。{evidence}[1]"
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
        return Answer(question=question, text=text, answerable=True, short=headline,
                      citations=tuple(citations), hits=tuple(hits), answerer=self.name, signals=signals)

    def _credited(self, question: Question, candidates: list[_Candidate], hits: list[Hit]) -> Answer | None:
        """"报道…的记者是谁", "最初是哪家媒体发的": the byline or credit of the article the question's
        other words describe (the best sentence's), wherever in the article it is written."""
        best = candidates[0]
        sentence = best.chunk.text[best.start : best.end]
        signals = self._signals(question, best, sentence, candidates)
        if not self._answers(signals):
            return None
        doc = best.chunk.doc_id
        passages = (self.passages_of([doc]).get(doc) if self.passages_of is not None else None) or \
            sorted({h.chunk.id: h.chunk for h in hits if h.chunk.doc_id == doc}.values(), key=lambda c: c.position)
        found = writer_in(passages, question.text) if question.kind == "person" else outlet_in(passages, question.text)
        if found is None:
            return None
        passage, start, end, name = found
        quote, raw_start, raw_end = passage.quote(start, end)
        citation = Citation(1, passage.id, passage.doc_id, quote, raw_start, raw_end, passage.title)
        return Answer(question=question.original, text=f"{name}。{passage.text[start:end].strip()}[1]", answerable=True,
                      short=name, citations=(citation,), hits=tuple(hits), answerer=self.name, signals=signals)

    def _with_sibling_passages(self, hits: list[Hit]) -> list[Hit]:
        """``hits``, then the other passages of the SIBLING_ARTICLES best-ranked articles among them.

        A retrieved passage often shares its article with the one that answers: the question's
        subject is named in one passage, the figure or clause asked for in the next. The added
        passages come after every retrieved one (their rank only breaks ties) and are weighed
        on their own words like any passage.
        """
        if self.passages_of is None or SIBLING_ARTICLES <= 0 or not hits:
            return hits
        articles = list(dict.fromkeys(h.chunk.doc_id for h in hits))[:SIBLING_ARTICLES]
        known = {h.chunk.id for h in hits}
        siblings = self.passages_of(articles)
        more = [Hit(chunk, 0.0) for doc_id in articles for chunk in siblings.get(doc_id, []) if chunk.id not in known]
        return hits + more[:MAX_SIBLING_PASSAGES]

    def _group_total(self, question: Question, hits: list[Hit], best: _Candidate, sentence: str, place: str,
                     figure: str, signals: dict[str, float]) -> Answer:
        """"文章没有给出海原单独的数字；所支持各县合计7.78亿元" with the sentence that gives the total.

        Not answerable (the county's own figure is not in the articles), but not a
        bare refusal either: the total and its citation are shown.
        """
        start, end = _trim(sentence, question, best.start)
        quote, raw_start, raw_end = best.chunk.quote(start, end)
        citation = Citation(1, best.chunk.id, best.chunk.doc_id, quote, raw_start, raw_end, best.chunk.title)
        text = f"{group_total_lead(place, figure)}。{best.chunk.text[start:end].strip()}[1]"
        return Answer(question=question.original, text=text, answerable=False, citations=(citation,),
                      hits=tuple(hits), answerer=self.name, signals=signals)

    def _answer_listed(self, question: Question, hits: list[Hit], apart: bool = False) -> Answer | None:
        """``apart``: a passage need name only one listed item's places, years and organisations."""
        listed = listed_question(question.text)
        asked = _each_item_apart(question, listed.items) if apart and listed is not None else [question]
        supporting = [h for h in hits if any(_supports_required(q, h.chunk, f"{h.chunk.title}\n{h.chunk.text}")
                                             for q in asked)]
        found = answer_listed(question.original, question.text, supporting, self.name)
        if found is None and question.organisations and self.facts is not None:
            # An item's figure may be in a passage of the organisation that was not retrieved.
            # (Passages with the organisations' sums of money: every store answers money_facts.)
            known = {h.chunk.id for h in supporting}
            chunks = {chunk.id: chunk for chunk, _ in self.facts.money_facts(organisations=question.organisations)}
            more = [Hit(chunk, 0.0) for chunk_id, chunk in sorted(chunks.items())
                    if chunk_id not in known and _supports_required(question, chunk, f"{chunk.title}\n{chunk.text}")]
            found = answer_listed(question.original, question.text, supporting + more, self.name)
            if found is not None:
                found = replace(found, hits=tuple(hits))
        return found

    def _first_answered(self, question: Question, candidates: list[_Candidate],
                        hits: list[Hit] = (), taken: frozenset[str] = frozenset()) -> tuple[_Candidate, str] | None:
        """The best sentence that holds an answer of the kind asked (a figure, a name), with that answer.

        With a ranker, the option it scores highest. Without, the best-scored sentence
        that holds an answer; sentences close behind the best one are tried too: the
        best-covered sentence may restate the question without its answer.
        """
        if self.ranker is not None:
            options = self.options(question, candidates, hits)
            if options:
                best = max(options, key=lambda o: self.ranker.score(o.features))
                return best.candidate, best.answer
        if question.language == "en" and self.similarity is not None:
            chosen = self._english_choice(question, candidates)
            if chosen is not None:
                return chosen
        first = next((found for found in self.answered_candidates(question, candidates) if found[1] not in taken), None)
        if first is not None and EVERY_PART_FIRST and len(question.parts) > 1:
            first = self._every_part(question, candidates, taken, first)
        if first is not None:
            return first
        # No sentence holds an answer of the exact kind asked (a name jieba does not tag,
        # a figure in an unexpected unit): the best sentence's words where the question
        # points, marked untyped, so that the refusal model asks more of its coverage.
        best = candidates[0]
        sentence = mask_furniture(best.chunk.text[best.start : best.end])
        gap = _gap(question, sentence)
        if gap is None:
            return None
        if question.kind in _FIGURE_KINDS:
            stated = {f.value for f in find_figures(question.text)}
            figures = [f for f in find_figures(sentence)
                       if gap[0] - 2 <= f.start <= gap[1] + 2 and f.value not in stated]
            loose = figures[0].surface if figures else ""
        else:
            loose = tidy(sentence[slice(*whole_span(sentence, *gap))])
        if not loose or len(loose) > 40:
            return None
        return replace(best, typed=False), loose

    def _every_part(self, question: Question, candidates: list[_Candidate], taken: frozenset[str],
                    first: tuple[_Candidate, str]) -> tuple[_Candidate, str]:
        """Of the close answered sentences, one that gives every part of a multi-part question its figure
        ("太阳能发电、核电…投资同比分别增长113.6%、56.1%…", as well covered as ``first``), and then one that names
        each item asked ("其中，风电装机374.7万千瓦、光伏装机637万千瓦"), before ``first``."""
        options = [found for found in self.answered_candidates(question, candidates) if found[1] not in taken]
        parts = len(question.parts)
        if len(find_figures(first[1])) < parts:
            first = next((found for found in options
                          if found[0].coverage >= first[0].coverage and len(find_figures(found[1])) >= parts), first)
        items = _asked_items(question.text) if question.language == "zh" else []
        if items:
            def names_all(found: tuple[_Candidate, str]) -> bool:
                return all(item in found[0].chunk.text[found[0].start:found[0].end] for item in items)

            if not names_all(first):
                first = next((found for found in options if names_all(found) and len(find_figures(found[1])) >= parts),
                             first)
        return first

    def answered_candidates(self, question: Question, candidates: list[_Candidate]) -> Iterator[tuple[_Candidate, str]]:
        """The close candidate sentences that hold an answer of the kind asked, best-scored first, with that answer.

        The hand order's choice is the first; ``benchmarks/dense_sentence_choice.py``
        reads the rest (lazily: ``_first_answered`` stops at the first). Close: among
        the 12 best-scored, at most 0.25 under the best one's coverage.
        """
        if not candidates:
            return
        floor = self._floor_base(question, candidates) - 0.25
        close = list(takewhile(lambda c: c.coverage >= floor, candidates[:12]))
        if EVENT_ANCHORS and question.kind == "date" and question.language == "zh":
            # "哪天在上交所被受理": a close sentence that writes the event (受理) gives its date before one that
            # only shares the question's other words ("7月27日，上交所显示…项目状态更新为终止").
            events = _event_verbs(question.text)
            if events:
                close.sort(key=lambda c: not any(_contains(c.chunk.text[c.start:c.end], e) for e in events))
        # A date question tries every close sentence for a date it states before
        # falling back on the date of the best sentence's article.
        for dated in (False, True) if question.kind == "date" else (True,):
            found = False
            for candidate in close:
                headline = self._headline(question, candidate, candidate.chunk.text[candidate.start : candidate.end],
                                          dated=dated)
                if headline:
                    found = True
                    yield candidate, headline
            if found:
                return

    @staticmethod
    def _floor_base(question: Question, candidates: list[_Candidate]) -> float:
        """The coverage the close candidates are measured from: the best candidate's, or, with NAMED_FLOOR, the
        best one of a passage that names what the question is about ("生益电子…归母净利润" is not measured
        from another company's 归母净利润 sentence, which covers the question's other words better)."""
        if NAMED_FLOOR and question.language == "zh":
            names = asked_names(question)
            if names:
                for candidate in candidates[:12]:
                    context = f"{candidate.chunk.title}\n{candidate.chunk.text}"
                    if all(name.name == candidate.chunk.subject or any(form in context for form in name.forms)
                           for name in names):
                        return candidate.coverage
        return candidates[0].coverage

    def _english_choice(self, question: Question, candidates: list[_Candidate]) -> tuple[_Candidate, str] | None:
        """Of an English question's first close answered sentences, the best by hand score and the
        embedder's similarity (rag/answer/english_choice.py); None without fitted weights or options."""
        rule = english_choice()
        if rule is None:
            return None
        options = list(islice(self.answered_candidates(question, candidates), rule.max_options))
        if len(options) <= 1:
            return options[0] if options else None
        similarities = [self.similarity(question.original, c.chunk.text[c.start : c.end]) for c, _ in options]
        return options[rule.best([c.score for c, _ in options], similarities)]

    def _signals(self, question: Question, candidate: _Candidate, sentence: str,
                 candidates: list[_Candidate] = ()) -> dict[str, float]:
        """What the refusal decision weighs (see rag/answer/refusal.py)."""
        required = question.required_terms
        signals = {
            "coverage": candidate.coverage,
            # How well the best sentence of any retrieved passage covers the question: the topic is in
            # the articles even when the sentence that answers writes it otherwise.
            "top_coverage": max([c.coverage for c in candidates[:12]] + [candidate.coverage]),
            "anchored": float(_gap(question, sentence) is not None),
            "typed": float(candidate.typed),
            "named": sum(term in sentence or term in candidate.opening for term in required) / len(required)
            if required else 1.0,
            "measure": _measure_share(question, sentence, candidate.opening) if question.kind in _FIGURE_KINDS else 1.0,
        }
        if self.similarity is not None:
            signals["dense"] = self.similarity(question.original, sentence)
        return signals

    def _answers(self, signals: dict[str, float]) -> bool:
        """The fitted model when there is one, else the coverage threshold alone."""
        if self.refusal is None:  # without a fitted model an untyped answer is not given
            return signals["coverage"] >= self.min_coverage and signals.get("typed", 1.0) == 1.0
        return self.refusal.answers(signals)

    def _not_answered(self, question: str, hits: list[Hit], signals: dict[str, float] | None = None) -> Answer:
        # The hits stay on the answer so the caller can show the closest passages.
        return Answer(question=question, text=NOT_ANSWERED, answerable=False, hits=tuple(hits), answerer=self.name,
                      signals=signals or {})

    def _answer_each_organisation(self, question: str, analysed: Question, hits: list[Hit]) -> Answer:
        """"A和B分别…多少": answer the question once per organisation named, each with its citation."""
        parts, citations = [], []
        for organisation in analysed.organisations:
            single = replace(analysed, organisations=(organisation,), parts=())
            if single.is_aggregation and self.facts is not None:
                aggregated = aggregate_answer(single, self.facts, hits)
                if aggregated is not None and aggregated.answerable and aggregated.citations:
                    for citation in aggregated.citations:
                        citations.append(replace(citation, n=len(citations) + 1))
                    marks = "".join(f"[{c.n}]" for c in citations[-len(aggregated.citations):])
                    parts.append(f"{organisation}：{aggregated.short}{marks}")
                    continue
            found = self._part_answer(single, hits)
            if found is None and self.facts is not None:
                # The top passages were the other organisation's: read this one's own passages.
                known = {h.chunk.id for h in hits}
                own = [Hit(chunk, 0.0) for chunk in self.facts.passages_about([organisation])[:_MAX_OWN_PASSAGES]
                       if chunk.id not in known]
                found = self._part_answer(single, own) if own else None
            if found is None and self.facts is not None:
                # Not in the retrieved passages: the figures of every passage may have it.
                figure = largest_figure(single, organisation, self.facts)
                if figure is not None and group_total_note(single, figure[0].text[figure[1]:figure[2]]):
                    figure = None  # a total for all its supported counties is not the county's figure
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

    def _answer_named_choice(self, question: str, choice: NamedChoice, hits: list[Hit]) -> Answer | None:
        """The candidate with the larger (smaller) figure, citing each candidate's figure; None when a
        figure is missing or they cannot be compared (the usual path then answers)."""
        figures, values, answers = {}, {}, []
        for name in choice.names:
            # Each name's figure is read in the passages that name it, where any do: another day's
            # passage gives another day's price ("8月7日收盘价" is not the 8月11日 one).
            own = [h for h in hits if name in h.chunk.text]
            sub = self.answer(choice.sub_question(name), own or hits)
            figure = figure_of(sub.short) if sub.answerable and sub.citations else None
            bare = _EDITION_OPENING.sub("", name) if EDITION_NAMES else name
            if figure is None and bare != name and len(bare) >= 3:
                # "2023商用密码大会", "第十四届东北亚博览会": the year or edition names the event, not a period
                # its figures must be dated in; the event's figures are asked of its name without them.
                sub = self.answer(choice.sub_question(bare), own or [h for h in hits if bare in h.chunk.text] or hits)
                figure = figure_of(sub.short) if sub.answerable and sub.citations else None
            if figure is None:
                return None
            figures[name] = figure
            # The figure's direction is read in the sentence that gives it (净流出 for a 净流入 question).
            evidence = sub.text.split("。", 1)[-1]
            at = evidence.find(figure.surface)
            values[name] = choice.signed(figure, evidence, at) if at >= 0 else figure.value
            answers.append((name, sub))
        best = winner(choice, figures, values)
        if best is None:
            return None
        citations, parts = [], []
        for name, sub in answers:
            citation = replace(sub.citations[0], n=len(citations) + 1)
            citations.append(citation)
            parts.append(f"{name}{choice.metric}{figures[name].surface}[{citation.n}]")
        short = best
        if FIGURES_IN_CHOICE:
            # "东北亚博览会（1006家，多于约300家）": the winner with the figures it was chosen on, the others'
            # by figure only (the short answer names the winner alone).
            rest = [n for n in choice.names if n != best]
            gap = difference(question, figures[best], figures[rest[0]]) if len(rest) == 1 and not choice.dated else None
            short = with_figures(best, figures[best], [figures[n].surface for n in rest], choice.largest, gap)
        return Answer(question=question, text=f"{short}。" + "，".join(parts) + "。", answerable=True, short=short,
                      citations=tuple(citations), hits=tuple(hits), answerer=self.name)

    def _part_answer(self, single: Question, hits: list[Hit]) -> tuple[_Candidate, str] | None:
        """The best sentence of ``hits`` that answers one organisation's part, with its answer."""
        for candidate in (c for c in self._candidates(single, hits) if c.coverage >= self.min_coverage):
            sentence = candidate.chunk.text[candidate.start : candidate.end]
            headline = self._headline(single, candidate, sentence)
            if headline and group_total_note(single, sentence):
                continue  # a total for all its supported counties is not the county's figure
            if headline:
                return candidate, headline
        return None

    # --- scoring ---------------------------------------------------------------

    def _candidates(self, question: Question, hits: list[Hit]) -> list[_Candidate]:
        weights = self._question_weights(question, hits)
        groups = _term_groups(question, weights)
        total = sum(_group_weight(group) for group in groups) or 1.0
        focus = focus_words(question) if question.language == "zh" else ()
        candidates = []
        # Each article's retrieved passages in reading order: a passage may continue the account its
        # article's other passages date ("报告期各期…分别为…"; see rag/answer/period.py).
        articles: dict[str, dict[str, Chunk]] = {}
        for hit in hits:
            articles.setdefault(hit.chunk.doc_id, {})[hit.chunk.id] = hit.chunk
        ordered = {doc: sorted(chunks.values(), key=lambda c: c.position) for doc, chunks in articles.items()}
        # The article's reporting periods (2020年至2022年) reach every passage. A year it merely names
        # elsewhere does not: "国家能源集团2019年…" beside an undated figure would date the figure.
        periods: dict[str, set[str]] = {}
        if ARTICLE_PERIOD and question.years:
            for doc, article in ordered.items():
                periods[doc] = listed_years("\n".join(c.text for c in article))
        # A list may open in the passage before (passages overlap, but not always by a whole sentence).
        # A quotation's credit may stand in the passage after.
        previous_passage: dict[str, str] = {}
        next_passage: dict[str, str] = {}
        for article in ordered.values():
            for before, chunk in zip(article, article[1:]):
                if before.position == chunk.position - 1:
                    previous_passage[chunk.id] = before.text
                    next_passage[before.id] = chunk.text
        # (A question for a total is answered by the sentence before a 其中 part, not by the part.)
        part_of_previous = PART_OF_PREVIOUS and not _ASKS_TOTAL.search(question.original)
        uncontested_of: dict[str, frozenset[str]] = {}
        # An English question's source or name written in Latin letters that some passage writes too
        # ("according to Clean Technica": "Clean Technica网站的最新数据显示") is what the answer rests on.
        written = _latin_names_in_passages(question, hits) if ENGLISH_LATIN_SOURCES else ()
        for rank, hit in enumerate(hits, 1):
            chunk = hit.chunk
            context = f"{chunk.title}\n{chunk.text}"
            lead_in = "\n".join(c.text for c in ordered[chunk.doc_id] if c.position < chunk.position) \
                if ARTICLE_PERIOD and question.years else ""
            # What the article names that counts as named in each of its passages: its reporting periods, and for
            # a place question the places another of its retrieved passages names.
            article_named = periods.get(chunk.doc_id, set())
            if ARTICLE_PLACES and question.places and question.kind == "place":
                # A place another retrieved passage of the article names is the article's: a passage that
                # goes on about it without its name ("开幕式地址由…调整至…") is still about that place.
                article_named = article_named | {p for p in question.places if any(
                    p in c.text or p in c.title for c in ordered[chunk.doc_id])}
            # A place or year asked that the article's passages name alone (no other place, no other year) picks
            # out no sentence of it: each sentence is about it, named or not.
            # (A dateline's city is furniture: 中新网拉萨7月26日电 does not contest 西藏.)
            if chunk.doc_id not in uncontested_of:
                article_text = mask_furniture("\n".join(c.text for c in ordered[chunk.doc_id]))
                uncontested_of[chunk.doc_id] = _uncontested_terms(question, article_text) \
                    if NAMED_WHERE_CONTESTED and (question.places or question.years) else frozenset()
            uncontested = uncontested_of[chunk.doc_id]
            if ARTICLE_PLACE_ALONE and question.places:
                # "长宁区…。…去年2月，区发改委…到北翟路基地进行实地调研": a place the article names with no other place
                # of its level is where each of its passages is, though a passage writes only 区 or 县.
                article_named = article_named | {p for p in question.places if p in uncontested and any(
                    p in c.text or p in c.title for c in ordered[chunk.doc_id])}
            if not _supports_required(question, chunk, context, article_named) \
                    or (written and not all(name in context.lower() for name in written)):
                continue
            chunk_weight = _covered(groups, lambda t: _contains(context, t))
            for match in _SENTENCE.finditer(chunk.text):
                sentence = match.group()
                if len(sentence.strip()) < 4 or addresses_reader(sentence):  # an instruction is not evidence
                    continue
                if _contradicts(question, sentence, _previous_sentence(chunk.text, match.start())):
                    continue
                opening = _list_opening(chunk.text, match.start(), previous_passage.get(chunk.id, "")) \
                    if LIST_OPENING else ""
                if not opening and part_of_previous:
                    parts_from = _parts_opening(chunk.text, match.start())
                    if parts_from >= 0:
                        # "…进出口额1.3万亿元。其中进口额0.8万亿元": a part's subject and period are the sentence before's.
                        opening = _previous_sentence(chunk.text, parts_from)[:_MAX_OPENING * 2]
                if CONTINUED_CLAUSES and question.language == "en" and question.kind in _FIGURE_KINDS:
                    # "上半年，中国信保实现承保金额4543亿美元，同比增长2.1%；支付赔款近9亿美元…": a clause after a
                    # semicolon continues the sentence before it, whose subject and period are its own (its
                    # metric is not: the lead stops at the clause of the sentence's first figure).
                    lead = _continued_lead(_previous_sentence(chunk.text, match.start()))
                    if not lead and REFERRED_BACK and _REFERS_BACK.search(sentence):
                        # "为了确保这个投资600亿元的项目…", "此次事故共造成11人死亡": the project or accident
                        # is the one the sentence before names.
                        lead = _previous_sentence(chunk.text, match.start())[-_MAX_OPENING * 2:]
                    if lead and lead not in opening:
                        opening = f"{opening}{lead}"
                referred = ""
                if CHINESE_REFERRED_BACK and question.language == "zh" and not opening \
                        and (_REFERS_BACK.search(_TIME_BACK.sub("", sentence)) or _GENERIC_SUBJECT.search(sentence)):
                    # "…红沙峪林果种植示范园…。…，园区今年纯收入也达560万元": a sentence that points back, or
                    # whose subject is only a generic noun, is about what the sentence before it names; those
                    # words count half, since the sentence before may name more than the one pointed back to.
                    referred = _previous_sentence(chunk.text, match.start())[-_MAX_OPENING * 2:]
                in_sentence = _covered(groups, lambda t: _contains(sentence, t) or _contains(opening, t))
                if referred:
                    with_referred = _covered(groups, lambda t: _contains(sentence, t) or _contains(opening, t)
                                             or _contains(referred, t))
                    in_sentence += 0.5 * (with_referred - in_sentence)
                # The passage counts, but the sentence that names the terms counts more.
                coverage = (0.6 * in_sentence + 0.4 * chunk_weight) / total
                # A sentence that itself names the place or year asked about beats
                # one that only shares the passage with it.
                named_here = sum(1 for term in question.required_terms + years_for(question, chunk.date)
                                 if term not in uncontested
                                 if term in sentence or term in opening)
                score = coverage + 0.1 * named_here + _type_bonus(question, sentence, chunk) + 0.02 / rank
                if focus:
                    score += FOCUS_BONUS * sum(_contains(sentence, w) for w in focus) / len(focus)
                candidates.append(_Candidate(rank, chunk, match.start(), match.end(), coverage, score, lead_in=lead_in,
                                             opening=opening, following=next_passage.get(chunk.id, "")))
        candidates.sort(key=lambda c: (-c.score, c.hit_rank, c.start))
        return candidates

    def options(self, question: Question, candidates: list[_Candidate], hits: list[Hit]) -> list[Option]:
        """The answer each of the best-scored candidate sentences gives, with the ranker's features.

        Sentences that hold no answer of the kind asked are left out (a date question:
        no date stated in the sentence; the article's date is the fallback's business).
        """
        weights = self._question_weights(question, hits)
        top_score = max((h.score for h in hits), default=0.0)
        best_coverage = max((c.coverage for c in candidates), default=0.0)
        found = []
        for candidate in candidates[:_MAX_OPTIONS]:
            sentence = candidate.chunk.text[candidate.start:candidate.end]
            answer = self._headline(question, candidate, sentence, dated=False)
            if answer:
                found.append((candidate, sentence, answer))
        votes = {}
        for _, _, answer in found:
            key = _CITATION_MARK.sub("", answer).strip()
            votes[key] = votes.get(key, 0) + 1
        options = []
        asked_text = question.text if question.language == "zh" else " ".join(question.tokens)
        # The hand-weighted rule's choice: the first of the 12 best-scored sentences, not far below
        # the best one's coverage, that holds an answer (see _first_answered).
        floor = candidates[0].coverage - 0.25 if candidates else 0.0
        hand = next((c for c, _, _ in found if candidates.index(c) < 12 and c.coverage >= floor), None)
        dense: dict[str, float] = {}
        if self.passage_similarity is not None and found:
            chunk_ids = list(dict.fromkeys(c.chunk.id for c, _, _ in found))
            dense = dict(zip(chunk_ids, self.passage_similarity(question.original, chunk_ids)))
        best_dense = max(dense.values(), default=None)
        for position, (candidate, sentence, answer) in enumerate(found):
            chunk = candidate.chunk
            sentences = [m for m in _SENTENCE.finditer(chunk.text)]
            index = next((i for i, m in enumerate(sentences) if m.start() == candidate.start), 0)
            hit = hits[candidate.hit_rank - 1] if 0 < candidate.hit_rank <= len(hits) else None
            start = sentence.find(answer)
            figures = find_figures(answer) if question.kind in _FIGURE_KINDS else []
            unit_match = any(f.kind == question.kind and (question.focus_unit is None or same_unit(f.unit, question.focus_unit))
                             for f in figures)
            required = question.required_terms
            text = OptionText(
                sentence=sentence,
                previous=sentences[index - 1].group() if index > 0 else "",
                following=sentences[index + 1].group() if index + 1 < len(sentences) else "",
                passage=f"{chunk.title}\n{chunk.text}",
                sentence_index=index, sentence_count=len(sentences),
                answer=answer, answer_start=start if start >= 0 else None, gap=_gap(question, sentence),
                coverage=candidate.coverage, best_coverage=best_coverage,
                type_bonus=_type_bonus(question, sentence, chunk),
                named_share=sum(t in sentence for t in required) / len(required) if required else 1.0,
                hit_rank=candidate.hit_rank,
                hit_score_ratio=hit.score / top_score if hit is not None and top_score > 0 else 0.0,
                unit_match=unit_match, votes=votes[_CITATION_MARK.sub("", answer).strip()] - 1,
                hand_score=candidate.score, hand_position=position, hand_choice=candidate is hand,
                passage_dense=dense.get(chunk.id), best_passage_dense=best_dense,
            )
            options.append(Option(candidate, answer, option_features(asked_text, weights, text, _contains)))
        return options

    def _question_weights(self, question: Question, hits: list[Hit]) -> dict[str, float]:
        """The question's words that a passage should hold, with their idf weights."""
        # Words naming the kind of answer (企业 in 哪家企业) are what is asked, not
        # what the passage must say.
        content = [t for t in question.tokens if not (question.kind == "organisation" and t in _ORG_TYPE_WORDS)
                   and t not in _FORM_WORDS and t not in _ASKED_WORDS.get(question.kind, ())
                   and t != (question.focus_unit or "") and t not in RELATIVE_YEAR_WORDS]
        if PURPOSES and question.language == "zh":
            # "拿去干嘛": the words that ask what for are not what the passage must say.
            asked = "".join(m.group() for m in _ASKS_PURPOSE.finditer(question.text))
            content = [t for t in content if t not in asked]
        # Search-mode tokens overlap (曲麻莱, 曲麻莱县): weigh each word once, by its
        # shortest parts, so "青海曲麻莱" counts as naming 曲麻莱县.
        content = [t for t in content if not any(o != t and o in t for o in content)]
        # Organisation names are checked by _supports_required (where an article's
        # subject counts as named), so they do not also count as words to find.
        names = [alias for org in question.organisations for alias in aliases_of(org)]
        content = [t for t in content if not any(t in name for name in names)] or content
        weights = self._weights(question, content)
        if question.language == "en":
            # Each English word brings several renderings (invest -> 投资, 投入, 付出); a
            # passage uses one of them. Renderings that no retrieved passage uses are
            # not missing evidence, so they do not count in the total.
            used = {t for t in weights for hit in hits if _contains(f"{hit.chunk.title}\n{hit.chunk.text}", t)}
            weights = {t: w for t, w in weights.items() if t in used} or weights
        return weights

    def _weights(self, question: Question, content: list[str]) -> dict[str, float]:
        """BM25 idf of each question word, except that a word no passage contains weighs as a typical word.

        An unseen word (花了 for 投入) says nothing about which passage answers, so
        its maximal idf would drag every passage under the refusal threshold. An
        unseen name (a company, person or place the corpus never mentions) keeps
        its full weight: a question about it is not answered by these articles.
        """
        unseen = self.idf(_UNSEEN)
        weights = {t: self.idf(t) for t in content}
        # A word no passage uses whose synonym they use (创办 for 成立) weighs as that synonym.
        for t, w in weights.items():
            seen = [self.idf(alt) for alt in _unseen_word_synonyms(t) if self.idf(alt) < unseen]
            if w >= unseen and seen:
                weights[t] = min(seen)
        seen = sorted(w for w in weights.values() if w < unseen)
        # An English question's words come with every dictionary rendering (invest ->
        # 投资, 付出): the renderings the corpus never uses are no evidence either way.
        typical = seen[len(seen) // 2] if seen and question.language == "zh" else 0.0
        names = _proper_nouns(question.text if question.language == "zh" else " ".join(question.tokens))

        function_words = _function_words(question.text) if FUNCTION_WORDS and question.language == "zh" else frozenset()

        def weight(token: str, w: float) -> float:
            if token in function_words and not any(token in n or n in token for n in names):
                return 0.0
            if w < unseen or any(token in n or n in token for n in names):
                return w
            # An unseen verb, adverb or pronoun (砸, 白给, 那个) is how the user talks,
            # not what the passage must say; an unseen noun (市值, 秘书) may be a topic
            # the articles do not cover, so it still counts.
            return typical if question.language == "zh" and _is_noun(token) else 0.0

        return {t: weight(t, w) for t, w in weights.items()}

    def _headline(self, question: Question, candidate: _Candidate, sentence: str, dated: bool = True) -> str | None:
        """The entity, figure or phrase asked for, from ``sentence``; None when it holds none of that kind.

        ``dated``: a date question that the sentence does not answer is answered with its article's date.
        A person answers only where the organisations and people the question is about own the name
        ("韦尔股份的董事长" is not the 董事长 the sentence writes after 晶华微（688130.SH）).
        """
        headline = self._read_headline(question, candidate, sentence, dated)
        if headline and question.kind == "organisation" and PEOPLE_ARE_NO_BODY and _PEOPLE_WORD.search(headline):
            return None  # "在哪个单位工作": 退休干部 is who he is, not where he worked
        if headline and question.kind == "organisation" and BODY_SUFFIX_GLUED:
            # jieba glues a body's last character to the word after it (国家发展改革|委等|部门): the name keeps it.
            at = sentence.find(headline)
            after = sentence[at + len(headline):at + len(headline) + 2] if at >= 0 else ""
            if len(after) == 2 and after[0] in _BODY_SUFFIX_CHARS and after[1] in _AFTER_A_NAME:
                headline += after[0]
        if headline and question.kind == "organisation" and REGISTERED_NAMES and question.language == "zh":
            headline = _registered_name(sentence, headline)
        if headline and question.kind == "person" and OWN_SUBJECT \
                and any(headline.endswith(form) for name in asked_names(question) for form in name.forms):
            return None  # "朗晖石化的申请执行人是谁" is not answered by words that end in 朗晖 (函至朗晖)
        if headline and question.kind == "person" and PERSON_BOUND:
            at = sentence.find(headline)
            at = len(sentence) if at < 0 else at
            bound = [name_bound(name, candidate.chunk, sentence, at, question.text, question.kind)
                     for name in asked_names(question)]
            # (One person asked of two organisations moved from one to the other: either may own the name.)
            if not (any(bound) if ONE_PERSON_TWO_BODIES and len(question.organisations) > 1 else all(bound)):
                return None
        return headline

    def _read_headline(self, question: Question, candidate: _Candidate, sentence: str, dated: bool = True) -> str | None:
        # A byline's name, a credit's outlet, a dateline's date answer nothing; the whole sentence
        # still tells whom a figure belongs to ("据甲公司披露，…13亿元").
        unmasked, sentence = sentence, mask_furniture(sentence)
        gap = _gap(question, sentence)
        untitled = re.sub(r"《[^》]*》", "", question.text)  # (a title's 数据 asks nothing)
        named_noun = _NAMED_NOUN_ASK.search(question.text) if QUOTED_NAMES and question.kind in ("phrase", "organisation") \
            else None
        if named_noun:
            # "秉持的是什么理念": the quoted words the passage calls its 理念, which a ； inside the quotation may have
            # cut off this sentence ("始终秉承“取之社会、用之社会；人溺己溺”的理念").
            quoted = _quoted_as(candidate.chunk.text, candidate.start, candidate.end, named_noun.group(1))
            if quoted:
                return quoted
            if _quoted_as(candidate.chunk.text, 0, len(candidate.chunk.text), named_noun.group(1)):
                return None  # the passage names it elsewhere: that sentence answers
        if ENGLISH_CALLED and question.language == "en" and question.kind == "phrase" \
                and _ENGLISH_CALLED.search(question.original):
            # "What do people call the wild grape?": the quoted name the sentence gives it (成为民众的“致富果”).
            called = [m.group(1).strip() for m in re.finditer(r"“([^“”]{2,12})”", sentence)]
            if called:
                return called[0]
            if re.search(r"“[^“”]{2,12}”", candidate.chunk.text):
                return None  # the passage quotes a name elsewhere: that sentence answers
        counted = _ENGLISH_N_ASK.search(question.original) if ENGLISH_N_ITEMS and question.language == "en" \
            and question.kind == "phrase" else None
        if counted:
            # "What four varieties are grown …": the N items the sentence lists before its count (主要有A、B、C、D四个品种).
            listed = _listed_items(sentence, _ENGLISH_NUMBERS[counted.group(1).lower()])
            if listed:
                return listed
            if _listed_items(candidate.chunk.text, _ENGLISH_NUMBERS[counted.group(1).lower()]):
                return None  # the passage lists them elsewhere: that sentence answers
        if question.kind == "organisation" and DATA_SOURCES and _SOURCE_ASK.search(untitled):
            # "数据来自哪个平台", "是哪个机构统计的": whoever the sentence credits its figures to (灯塔专业版数据显示,
            # 据文化和旅游部数据中心统计), named by the table or not.
            sources = [re.sub(r"(?:的|发布的|公布的)?数据$", "", (m.group(1) or m.group(2)).strip())
                       for m in _CREDITED_SOURCE.finditer(unmasked)]
            sources = [s for s in sources if len(s) >= 2 and s not in question.text and not _NOT_A_SOURCE.match(s)]
            if sources:
                return sources[0]
        if question.kind == "organisation":
            # "哪个机构/单位": a body named after an organisation may answer; "哪家企业": a foundation is no enterprise.
            whole = (lambda m: m) if _ASKS_ENTERPRISE.search(question.text) else (lambda m: _whole_unit(sentence, m))
            named = [_with_name_head(sentence, m) for m in map(whole, find_organisations(sentence))
                     if m.canonical not in question.organisations]
            in_gap = [m for m in named if gap and gap[0] <= m.start < gap[1]]
            last_first = _asks_for_subject(question)
            if last_first:
                # "在X开展活动的是哪个商会": the doer stands right before the question's words; the
                # sentence may list other doers' clauses before it ("A在Y举行…、B深入X开展…").
                in_gap.reverse()
            phrase = tidy(sentence[gap[0]:gap[1]]) if gap else ""
            typed = _names_of_type(sentence, question)
            if last_first:
                typed.reverse()
            below = _subsidiaries(sentence, question) if re.search(r"下面|下属|旗下|下边|所属|子公司", question.text) else []
            gap_name = _LEADING_VERBS.sub("", phrase)
            doer = verb_doer(sentence, question)  # the name written as the doer of the question's verb
            if "谁" in question.text and gap:
                # 谁 asks for a person as often as a body: a person named where it points, with the
                # office written before the name (联合国秘书长古特雷斯), answers it, unless the gap
                # names an organisation outside that title.
                people = [p for p in _people(sentence) if gap[0] <= p[0] < gap[1] and p[2] not in question.text]
                if people:
                    titled = _with_title(sentence, people[0])
                    title_start = people[0][1] - len(titled)
                    if all(title_start <= m.start and m.end <= people[0][1] for m in in_gap):
                        return titled
            listed = _listed_of_kind(sentence, question) if LISTED_KIND and _SEVERAL.search(question.text) and not (
                len(in_gap) > 1 and "、" in phrase) else None
            patient = _passive_patient(sentence, named, question) if PASSIVE_ASKS else None
            if patient:
                organisation = patient  # "被网民投诉的是哪家公司": "网民投诉甲公司…", not the doer 网民
            elif listed:
                organisation = listed  # "走访了哪些参与抢修的企业": "…参与线路抢修的中国中铁、中国铁建相关企业"
            elif len(in_gap) > 1 and _SEVERAL.search(question.text) and "、" in phrase and len(phrase) <= _MAX_LIST_CHARS:
                # "哪些企业参加了座谈会": every name the gap lists, with the words the list ends in (…等民营企业)
                organisation = _LEADING_VERBS.sub("", phrase) or phrase
            elif in_gap and not (doer and (in_gap[0].surface not in doer or "、" in doer)):  # 、: several doers
                organisation = in_gap[0].canonical
            elif doer and not typed and not below:
                organisation = next((m.canonical for m in named if m.surface == doer), doer)
            elif _names_organisations(phrase) and not any(o in phrase for o in question.organisations):
                # names the table does not know (中华慈善总会, 平庄煤业; 水利部、气象局)
                organisation = _LEADING_VERBS.sub("", phrase) or phrase
            elif typed:
                organisation = _nearest_span(typed, gap)[2]  # 哪家教育集团 -> 湖南君成教育集团
            elif below:
                organisation = _nearest_span(below, gap)[2]  # 华润下面哪家企业 -> 华润饮料
            elif 3 <= len(gap_name) <= 16 and _is_noun(gap_name) and not named:
                organisation = gap_name  # "由国务院国资委主办": the gap holds a name
            elif named:
                organisation = _nearest_span(named, gap).canonical
            else:
                # A name neither the table nor the suffixes know (神东煤炭, 国电电力): the subject of
                # the clause that holds the question's words; else a registered name the sentence writes
                # (甘肃第四建设集团有限公司…项目负责人); else the article's subject.
                organisation = _clause_subject(sentence, question)
                if organisation is None and REGISTERED_NAMES:
                    registered = []
                    for match in _organisation_names(sentence):
                        name = _from_proper_word(match.group())
                        if name and _registered(name) and name not in question.text and not _is_the_asked(name, question):
                            registered.append((match.end() - len(name), match.end(), name))
                    if registered:
                        organisation = _nearest_span(registered, gap)[2]
                if organisation is None and QUOTED_SPEAKERS and speaks_of_itself(unmasked):
                    # "“…公司的商用炒菜机器人已批量出货…”拓邦股份表示": a quotation's 公司 is whoever it is credited to.
                    speaker = quoted_speaker(candidate.chunk.text, candidate.start, candidate.end, candidate.following)
                    if speaker and _reads_as_organisation(speaker, speaker):
                        organisation = speaker
                if organisation is None and not (SUBJECT_NOT_ASKED and _is_the_asked(candidate.chunk.subject, question)):
                    # (Not where the article's subject is what the question names: "朗晖石化的辅导机构是哪家券商"
                    # is not answered by 山东朗晖石油化学股份有限公司.)
                    organisation = candidate.chunk.subject
            if organisation in question.organisations or (organisation and organisation in question.text) or (
                    SUBJECT_NOT_ASKED and question.language == "zh" and _is_the_asked(organisation, question)
                    and not _unit_of_the_asked(organisation, question)):
                return None  # "国家能源集团下面哪家单位" is not answered by 国家能源集团
            if OWN_SUBJECT and organisation and question.language == "zh" and _is_own_subject(organisation, question):
                return None  # "星河实验的保荐机构是哪家券商" is not answered by 星河实验室科技股份有限公司 itself
            if ENTERPRISE_NAMES and organisation and question.language == "zh" and _ASKS_ENTERPRISE.search(question.text) \
                    and not _reads_as_organisation(organisation, sentence):
                return None  # "哪家保险公司拒赔" is not answered by the words where it points (交通事故)
            body = _ASKED_BODY.search(question.text) if ASKED_BODIES and question.language == "zh" else None
            ends = _BODY_ENDS.get(body.group(1)[-2:], body.group(1)[-1]) if body else ()
            if body and organisation and not any(end in organisation for end in ends):
                # "哪家设计院设计的": the name runs on to its 院 (jieba may cut 星河建筑 | 设计研究院), else a place
                # (榆中县城边缘处) or another body answers nothing.
                longer = re.search(re.escape(organisation) + rf"[\u4e00-\u9fff]{{0,8}}?(?:{'|'.join(ends)})", sentence)
                if longer is None:
                    return None
                organisation = longer.group()

            if ASKED_PERSON_CUT and organisation and question.language == "zh":
                # "盖文轩来自哪家公司": of "安恒信息产品经理盖文轩" the organisation is what stands before the title.
                person = next((p for p in _people(organisation) if p[2] in question.text and p[1] == len(organisation)), None)
                if person:
                    organisation = _PERSON_TITLE.sub("", organisation[:person[0]]) or None
                    if organisation is None:
                        return None
            if ENGLISH_LISTS and organisation and question.language == "en" and _SEVERAL.search(question.original):
                listed = _list_around(sentence, organisation)
                if listed:
                    return listed  # "Which two stocks hit limit-down": 丽珠集团、一品红
            english = english_name(organisation) if organisation and question.language == "en" else None
            return f"{organisation} ({english})" if english else organisation
        if question.kind == "person":
            people = [p for p in _people(sentence) if p[2] not in question.text
                      and not (ENGLISH_NAMED_PEOPLE and question.language == "en" and _named_in_english(p[2], question.text))]
            titled = _beside_asked_title(question.text, sentence, people)
            if titled and SEVERAL_PEOPLE and _ASKS_SEVERAL_PEOPLE.search(question.text):
                # "两位保荐代表人是谁": the names listed with it (保荐代表人为王辉、姚根发).
                return _list_around(sentence, titled) or titled
            if titled:
                return titled  # "总经理叫什么名字": the name written beside 总经理
            # (An English question's renderings stand apart: "实际 控制人" is 实际控制人.)
            held = _held_by_body(re.sub(r"\s+", "", question.text), sentence, people) if not titled and BODY_HOLDERS \
                else None
            if held:
                return held  # "实际控制人是谁": 实际控制人是常州市人民政府国有资产监督管理委员会
            if titled is not None:
                return None  # the question asks for a 主任 and the sentence names none: its names are not the answer
            phrase = tidy(sentence[gap[0]:gap[1]]) if gap else ""
            if DEPUTIES_IN_GAP and gap and _deputy_of_the_asked(question.text, sentence, gap[0]):
                return None  # "种植业管理司司长是谁": 副司长吕修涛 is not the 司长
            if SPEECH_AFTER_NAME:
                phrase = _SPEECH_AFTER.sub("", phrase)  # "副司长吕修涛表示": the name, not what he did
            if phrase and len(phrase) <= 16 and (any(p[2] in phrase for p in people) or _FOREIGN_NAME.search(phrase)):
                return phrase  # "联合国秘书长古特雷斯": jieba cuts foreign names short
            named = re.sub(r"^经过?", "", _LEADING_VERBS.sub("", phrase[max(phrase.rfind(c) for c in _CLAUSE_BREAK) + 1:]))
            if WHO_GAP_NOUN and 2 <= len(named) <= _MAX_WHO_NOUN and _is_noun(named) \
                    and not any(p[2] in named for p in people) and named not in question.text:
                # "加强了谁对司法任命的控制" / "加强议会对司法任命的控制": a body written exactly where 谁
                # points answers it, whoever else the sentence names.
                return named
            if WHO_DOER and not any(gap and gap[0] <= p[0] < gap[1] for p in people):
                asked = _verb_after_who(question)
                doer = verb_doer(sentence, question, [asked]) if asked else None
                if doer and _proper_doer(doer):
                    return doer  # "谁共同组织了体验营": "从化区台办与广州台湾青年之家近日共同组织…"
            if people:
                found = _with_title(sentence, _nearest_span(people, gap))
                return _fullest_mention(found, candidate.chunk.text) if FULLEST_NAMES else found
            # 谁 often asks for an organisation (谁召开了会议 -> 省市场监管局): the one named where the question points.
            if _names_organisations(phrase) and not any(o in phrase for o in question.organisations):
                return phrase
            if SPEAKER_CARRIES_ON and question.language == "zh" and _SPEECH_ASK.search(question.text):
                # "谁认为还需推动…": an expert's view runs on for sentences after "周茂华认为，…"; the one who
                # opened it, a sentence or two before in its paragraph, holds the view.
                return _speaker_before(candidate.chunk.text, candidate.start, question.text)
            return None
        if question.kind == "place":
            if ROUTES and question.language == "zh" and _ROUTE_ASK.search(question.text):
                # "仓八线是从哪里通到哪里的": both ends, as the sentence writes them (从新洲仓埠到李集八屋).
                route = _ROUTE.search(sentence)
                return f"{route.group(1)}{route.group(2)}{route.group(3)}" if route else None
            if VENUES and question.language == "zh":
                # "开幕式搬到了哪里": where it moved to, in the sentence's words (调整至嘉陵江与南河交汇的两江口),
                # and only there; "在哪里举行": the place 在 puts before the event's verb (在潭门老渡口举行).
                if _MOVE_ASK.search(question.text):
                    moved = _MOVED_TO.search(sentence)
                    return moved.group(1) if moved and moved.group(1) not in question.text else None
                if _VENUE_ASK.search(question.text):
                    venues = [m.group(1) for m in _VENUE.finditer(sentence)
                              if m.group(1) not in question.text and not _NOT_A_VENUE.search(m.group(1))]
                    if venues:
                        return venues[0]
            places = [(p.start, p.end, p.surface) for p in find_places(sentence, find_organisations(sentence))
                      if p.stem not in question.places and p.surface not in question.text]
            if not places:
                # A place the gazetteer leaves out (中国, too general for a county question): jieba's place words.
                places = [w for w in _tagged(sentence, {"ns"}) if w[2] not in question.text]
            suffix = _asked_suffix(question.text)
            several = re.search(r"哪些|哪几|\bwhich (?:\w+ )?(?:counties|places|cities|provinces|villages|towns|regions)",
                                question.text, re.I)
            named = _names_ending(sentence, gap[0], gap[1] + len(suffix), suffix, question.text) \
                if gap and suffix and not several else []
            if named:
                return _nearest_span(named, gap)[2]  # jieba may cut 芭蕉山村 short; the gap holds the whole name
            if suffix and not any(p[2].endswith(suffix) for p in places):
                # A short county name the gazetteer lacks (塔县): jieba's word that ends in 县.
                places += [w for w in _words_ending(sentence, suffix) if w[2] not in question.text]
            if suffix and not any(p[2].endswith(suffix) for p in places):
                # jieba cuts a township's name off its 乡 (荣华 | 乡): the name that ends in
                # the suffix asked, where the question points, else anywhere in the sentence.
                for start, end in ([(gap[0], gap[1] + len(suffix))] if gap else []) + [(0, len(sentence))]:
                    places += _names_ending(sentence, start, end, suffix, question.text)
                    if any(p[2].endswith(suffix) for p in places) if SUFFIX_ANYWHERE else places:
                        break
            if suffix and SUFFIX_AFTER_PREPOSITION and not any(p[2].endswith(suffix) for p in places):
                # "在卡马萨里市设立": a name jieba cuts into pieces (卡马 | 萨里 | 市), after 在/于, ending in the suffix asked.
                places += [(m.start(1), m.end(1), m.group(1)) for m in
                           re.finditer(rf"(?:在|于|落户|位于|落地)([\u4e00-\u9fff]{{2,6}}?{re.escape(suffix)})", sentence)
                           if m.group(1) not in question.text and m.group(1) not in _TOO_GENERAL]
            if suffix:  # 哪个县: a county, not the province it lies in; 城西 + 村 is 城西村
                places = [p if p[2].endswith(suffix) else (p[0], p[1] + 1, p[2] + suffix) for p in places
                          if p[2].endswith(suffix) or sentence[p[1]:p[1] + 1] == suffix] or places
            if not places:
                return None
            if re.search(r"哪些|哪几|\bwhich (?:\w+ )?(?:counties|places|cities|provinces|villages|towns|regions)", question.text,
                         re.I):  # "Which cities …" opens with a capital
                return "、".join(dict.fromkeys(_strip_lead(p[2]) for p in places))
            chosen = _nearest_span(places, gap)
            if TAKEN_AS_PLACE:
                # "以长春为研发总部，打造北京…中心" asked "研发总部设在哪": the place 以…为 makes the question's noun.
                taken = [p for p in places if sentence[max(0, p[0] - 1):p[0]] == "以" and sentence[p[1]:p[1] + 1] == "为"
                         and any(t in sentence[p[1] + 1:p[1] + 9] for t in question.tokens if len(t) >= 2)]
                chosen = taken[0] if len(taken) == 1 else chosen
            if PLACE_RUN and not suffix and _ASKS_WHERE.search(question.text):
                # "位于哪里": the place with the smaller places and the street or park written after it
                # (淄博市 -> 淄博市临淄区金山工业园; 丰沙 -> 丰沙铁路).
                tail = _place_tail(sentence, chosen[1])
                if tail and chosen[2] + tail not in question.text:
                    return _strip_lead(chosen[2] + tail)
            return _strip_lead(chosen[2])
        if question.kind in _FIGURE_KINDS and len(question.parts) > 1:
            # "多少次、多少人次", "从多少降到了多少": one figure per part, in the question's order;
            # a part the sentence does not give is left out rather than the whole answer refused.
            chosen: list[Figure] = []
            stated: list[str] = []
            # Each part read with its own ask where the question writes them apart ("资金规模是多少，价格上限又是多少").
            asks = separate_questions(question.text) if WHOLE_RANGES and question.language == "zh" else ()
            asks = asks if len(asks) == len(question.parts) else (question.text,) * len(question.parts)
            respective = _respective_figures_asked(question, sentence) \
                if RESPECTIVE_ITEMS and question.language == "zh" else []
            if len(respective) == len(question.parts) and all(f.kind == p.kind for f, p in zip(respective, question.parts)):
                return "、".join(f.surface for f in respective)
            nouns = [m.group(1) for m in _COUNTED_ASK_NOUN.finditer(question.text)] if COUNTED_NOUNS_FIRST else []
            nouns = nouns if len(nouns) == len(question.parts) else [""] * len(question.parts)
            for part, ask, noun in zip(question.parts, asks, nouns):
                # "多少个重点点位和多少个常规点位": the figure written before each part's own noun (24个常规点位).
                figure = _figure_before_noun(sentence, noun, {f.start for f in chosen}) if noun else None
                figure = figure or _figure_for(replace(question, kind=part.kind, focus_unit=part.unit, text=ask),
                                               sentence, None, exclude={f.start for f in chosen})
                if figure is not None:
                    chosen.append(figure)
                    if not WHOLE_RANGES:
                        stated.append(stated_figure(sentence, figure, ranges=False))
                        continue
                    # A part answered by a range ("资金规模是多少": 5000万元~1亿元) takes both its ends.
                    whole = stated_figure(sentence, figure, ranges=not _asks_range_end(ask))
                    stated.append(whole)
                    chosen += [f for f in find_figures(sentence) if f.start != figure.start and f.surface in whole
                               and figure.start - len(whole) <= f.start <= figure.end + len(whole)]
            return "、".join(stated) or None
        if question.kind in _FIGURE_KINDS:
            lead_in = f"{candidate.lead_in}\n{candidate.chunk.text[:candidate.start]}"
            figure = _figure_for(question, sentence, gap, lead_in=lead_in)
            if figure is not None and PER_DAY and question.language == "zh" and _PER_DAY.search(question.text):
                # "一天大概能来多少游客": of "日均游客接待量在2000人次以上，…将突破20万人次", the daily one.
                figure = _daily_figure(sentence, figure) or figure
            if figure is not None and figure.kind in ("money", "count") and (
                    not _bound_to_organisations(question, candidate.chunk, unmasked, figure)
                    or _place_in_a_list(question, unmasked, figure)
                    or not _place_named(question, candidate.chunk, unmasked)
                    or not _counted_noun_named(question, unmasked)
                    or (CASUALTIES_APART and _other_casualty(question.text, unmasked, figure))):
                return None
            if figure is not None and not binds(question, candidate.chunk, sentence, figure.start):
                return None  # the figure is another organisation's, year's, metric's or period's
            if figure is None and question.kind == "rank" and TOP_WORDS:
                # "连续10年居世界首位": the first place written as a word, not a 第N.
                top = _TOP_PLACE.search(sentence)
                if top is not None:
                    return top.group(1)
            if figure is None and question.kind == "money" and PRICES_WITHOUT_UNIT:
                # "目标均价为21.22": market reports write a share's price as a bare number after its label.
                price = _bare_price(question.text, sentence)
                if price is not None:
                    return price
            if figure is None and question.kind == "date" and dated and _ASKS_PUBLICATION.search(question.text):
                # The article's date: only for when it was published, and a sentence about what the question names
                # (the day a court ruled or a policy starts is not the day the news of it ran).
                return candidate.chunk.date if binds(question, candidate.chunk, sentence, len(sentence)) else None
            if figure is None:
                return None
            stated = stated_figure(sentence, figure, ranges=not _asks_range_end(question.text))
            return _with_direction(question, sentence, figure, stated)
        if question.language == "zh" and ENUMERATIONS and ASKS_SEVERAL.search(question.text):
            listed = enumeration(sentence, question.text, gap)
            if listed:
                return listed  # "包括哪些措施": "合同、体检、保险", every item the sentence lists
        if question.language == "en":
            # "On which board …": the name in the sentence that ends in the noun asked for (科创板).
            named = _named_by_asked_noun(question, sentence, gap)
            if named:
                return named
        if PURPOSES and question.language == "zh" and _ASKS_PURPOSE.search(question.text):
            # "借这笔钱拿去干嘛": "偿还到期/回售公司债券或置换…" (what 用于 introduces); a sentence that
            # says what nothing is for does not answer.
            return _purpose_phrase(sentence)
        if question.language == "zh" and _ASKS_CAUSE.search(question.text):
            cause = _cause_clause(sentence, gap)
            if cause:
                return cause  # "为什么立案": "因涉嫌信息披露违法违规"
        if question.language == "zh" and _ASKS_MEANS.search(question.text):
            means = _means_phrase(sentence, question.text)
            if means:
                return means  # "赋能的方式是什么": "用富含科技力的产品为…赋能"
        if question.language == "zh" and ANCHOR_AT_CLAUSE_END:
            after = _after_anchor(sentence, question.text)
            if after:
                return after  # "如何回应…期望": "…不负…期望，坚持…贡献力量"
        # What/how/why: the clause that holds the words where the question points. The
        # exact gap is often a word short of the answer, so the clause is the short answer.
        clause = _clause_around(sentence, gap, question.text)
        if COLON_VALUES and clause and question.language == "zh":
            clause = _colon_value(sentence, clause)
        if question.language == "en" and gap is None and LABEL_VALUE:
            clause = _labelled_value(sentence, clause, question.text) or clause
        return clause or None


# "是涨是跌，幅度多少", "增加还是减少了": the question asks the direction too, so the short answer keeps the
# change word written before the figure ("下跌1.71%"), not the bare size.
_ASKS_DIRECTION = re.compile(r"(?:涨|升|增|盈)[^，,。？?]{0,3}(?:还是|或是|或者|是)[^，,。？?]{0,2}(?:跌|降|减|亏)"
                             r"|涨跌(?!幅)|增减|升降|\b(?:up or down|rise or fall|rose or fell|increase or decrease)\b", re.I)


def _with_direction(question: Question, sentence: str, figure: Figure, stated: str) -> str:
    if not _ASKS_DIRECTION.search(question.text):
        return stated
    said = _AFTER_CHANGE.search(sentence[max(0, figure.start - 8):figure.start])  # the change word, as _change_figures reads it
    return f"{said.group(1)}{stated}" if said and not stated.startswith(said.group(1)) else stated


# "被…投诉/处罚/收购的是哪家公司" asks for the one the verb acts on, not its doer: the organisation the
# sentence writes right after one of the question's verbs ("投诉甲公司"), or right before 被 ("甲公司被立案").
PASSIVE_ASKS = True
_ASKS_PASSIVE = re.compile(r"被[^，,。？?]{1,24}?的(?:是|为)?(?:哪|什么|谁)")


def _passive_patient(sentence: str, named: list, question: Question) -> str | None:
    if question.language != "zh" or not _ASKS_PASSIVE.search(question.text):
        return None
    verbs = [t for t in question.tokens if len(t) >= 2 and t not in _ORG_TYPE_WORDS]
    for mention in named:
        before = sentence[max(0, mention.start - 4):mention.start]
        if sentence[mention.end:mention.end + 1] == "被" or any(before.endswith(v) for v in verbs):
            return mention.canonical
    return None


# An item of a list written with ；("X2023一季报显示，营收…；归母净利润…；负债率…") is read with the list's
# opening clause: the company and period it names hold for every item.
LIST_OPENING = True
_MAX_OPENING = 80
# An item of such a list is a figure after its label (负债率36.17%, 归母净利润为-261.78万元).
_LABELLED_ITEM = re.compile(r"\s*[\u4e00-\u9fffA-Za-z]{1,10}?(?:为|达|是|达到|约)?\s*[-−]?\d")


def _list_opening(text: str, start: int, previous: str = "") -> str:
    """The opening clause (up to its first comma) of the sentence whose ；-item starts at ``start``; "" for a
    sentence that no ； precedes or that does not open with a labelled figure. ``previous``: the passage before, read when the sentence opens there."""
    if not _LABELLED_ITEM.match(text, start):
        return ""
    before = text[:start].rstrip()
    if not before and previous:
        # The sentence opens the passage: what came before it is in the passage before (which may repeat it).
        repeated = previous.find(_SENTENCE.match(text, start).group()) if _SENTENCE.match(text, start) else -1
        before = previous[:repeated].rstrip() if repeated >= 0 else previous.rstrip()
    if not before.endswith(("；", ";")):
        return ""
    if previous and not any(c in before for c in "。！？!?\n"):
        before = f"{previous}{before}"
    opens = max(before.rfind(c) for c in "。！？!?\n") + 1
    first = re.split(r"[；;]", before[opens:], maxsplit=1)[0]
    comma = re.search(r"[，,]", first)
    if not comma:
        return ""
    opening = first[:comma.start()]
    if SUBJECT_AFTER_PERIOD and PERIOD_ONLY.fullmatch(opening.strip()):
        # "上半年，西藏全区接待游客…；实现旅游总收入…": the opening clause only dates the sentence, and its
        # subject stands in the next clause, before that clause's own figure.
        subject = re.split(r"[，,]|[-−]?\d", first[comma.end():], maxsplit=1)[0]
        opening = f"{opening}，{subject}"
    return opening[-_MAX_OPENING:]


# Parts that each count a noun of their own ("多少个重点点位和多少个常规点位") take the figure written before
# that noun. Off: each part takes the next figure of its unit.
COUNTED_NOUNS_FIRST = True
_COUNTED_ASK_NOUN = re.compile(r"(?:多少|几)(?:个|家|名|位|项|座|处|条|辆|台|套|场|次)?([\u4e00-\u9fff]{2,4}?)(?=[和与及、，,？?]|以及|$)")
_NOUN_REACH = 6  # characters between a figure and its noun (16个大运重点点位)


def _figure_before_noun(sentence: str, noun: str, taken: set[int]) -> Figure | None:
    """The one count figure that ``noun`` follows within a few characters, with no figure between."""
    figures = [f for f in find_figures(sentence) if f.kind in ("count", "number")]
    found = []
    for k, figure in enumerate(figures):
        reach = sentence[figure.end:figure.end + _NOUN_REACH + len(noun)]
        at = reach.find(noun)
        following = figures[k + 1].start if k + 1 < len(figures) else len(sentence)
        if at >= 0 and figure.end + at < following and figure.start not in taken:
            found.append(figure)
    if not found and NOUN_THEN_FIGURE:
        # "共引进新技术31项，新品种65个": the noun written just before its figure, as a list's label.
        found = [f for f in figures if f.start not in taken and sentence[max(0, f.start - len(noun) - 1):f.start]
                 .rstrip("为达约近超过").endswith(noun)]
    return found[0] if len(found) == 1 else None


# Off: a part's noun counts only a figure written before it.
NOUN_THEN_FIGURE = True


# A figure's source asked for (数据来自哪个平台, 哪个机构统计的) is whoever the sentence credits its figures
# to. Off: only organisation names the table or tagger reads.
DATA_SOURCES = True
_SOURCE_ASK = re.compile(r"(?:数据|数字|统计)[^，,。？?]{0,6}(?:来自|来源|出自|出处|由|是)[^，,。？?]{0,4}(?:哪|谁|什么)"
                         r"|(?:哪|谁)[^，,。？?]{0,8}(?:统计|监测|测算)的")  # (who published a report is the usual path's)
_CREDITED_SOURCE = re.compile(r"据([^，,。；;：:“”]{2,20})(?:统计|监测|测算|调查|显示|发布|公布)"
                              r"|(?:^|[，,；;：:])([^，,。；;：:“”据]{2,20}?)(?:的|发布的|公布的)?(?:数据|统计)(?:显示|表明)")
_NOT_A_SOURCE = re.compile(r"^(?:相关|有关|最新|官方|公开|初步|不完全|记者|本报|数据)")

# A view asked by who holds it (谁认为/谁表示) belongs to the person who opened it in the sentences before,
# where the sentence itself names no one. Off: such a sentence answers no one.
SPEAKER_CARRIES_ON = True
_SPEECH_VERB = r"(?:认为|表示|指出|称|说|建议|提出|坦言|强调|分析|预计|看来)"
_SPEECH_ASK = re.compile(rf"谁{_SPEECH_VERB}")
_SPEAKER_OPENS = re.compile(rf"(?:^|[，,。；;：:\s])(?:在)?([\u4e00-\u9fff·]{{2,4}}?){_SPEECH_VERB}")
_SPEAKER_SENTENCES = 2


def _speaker_before(text: str, start: int, question: str) -> str | None:
    """The person who opens a view in the (at most two) sentences before ``start`` in its paragraph; None when
    those sentences name no speaker or more than one."""
    paragraph = text.rfind("\n", 0, start) + 1
    before = text[paragraph:start]
    sentences = [s for s in re.split(r"(?<=[。！？!?])", before) if s.strip()][-_SPEAKER_SENTENCES:]
    people = {p[2] for s in sentences for p in _people(s)}
    speakers = {m.group(1) for s in sentences for m in _SPEAKER_OPENS.finditer(s)} & people
    speakers = {s for s in speakers if s not in question}
    return speakers.pop() if len(speakers) == 1 else None


# An organisation's name runs to its body suffix (委, 局, 部…) where jieba cut it off with the word after it.
# Off: the name as the tagger cut it (国家发展改革).
BODY_SUFFIX_GLUED = True
_BODY_SUFFIX_CHARS = "委局部厅署办"
_AFTER_A_NAME = "等和与及、，,牵联会同"
# An organisation's answer that ends in a word for people (退休干部, 村民, 技术人员) names no body. Off: it may.
PEOPLE_ARE_NO_BODY = True
_PEOPLE_WORD = re.compile(r"(?:干部|人员|村民|农民|居民|市民|专家|学生|员工|职工|群众|志愿者|老人|工人|农户|党员|代表)$")

# A place asked of an event or a move is the phrase the sentence gives it after 在/于 or after 搬到/调整至,
# gazetteer name or not (老渡口, 两江口). Off: only gazetteer and jieba place names answer.
VENUES = True

# An opening clause that only says when (上半年, 2023年1-6月, 今年以来) leaves the subject to the next clause.
# Off: the opening is the first clause alone.
SUBJECT_AFTER_PERIOD = True


# The question's own subject does not answer it: an organisation whose name opens with the question's words
# (its first _OWN_SUBJECT_RUN characters), a who-noun that holds a name the question is about ("函至朗晖" for 朗晖石化).
OWN_SUBJECT = True
_OWN_SUBJECT_RUN = 3
# A passage continues its article's account: the years the article names count as named (rag/answer/period.py).
ARTICLE_PERIOD = True
# "哪家公司/企业" is answered by a name that reads as an organisation's (_reads_as_organisation).
ENTERPRISE_NAMES = True


def _is_own_subject(organisation: str, question: Question) -> bool:
    """The name opens with the words the question opens with (its subject), and is no unit of an organisation
    the question names ("国家电网哪个单位" is answered by 国家电网12所帮扶工作组)."""
    if re.search(r"下面|下属|旗下|下边|所属|子公司", question.text):
        return False
    if any(organisation.startswith(alias) for o in question.organisations for alias in aliases_of(o)):
        return False
    run = _without_leading_place(organisation)[:_OWN_SUBJECT_RUN]
    at = question.text.find(run)
    return len(run) == _OWN_SUBJECT_RUN and at >= 0 and _OWN_SUBJECT_OPENING.fullmatch(question.text[:at]) is not None


# The question's subject opens it (after a demonstrative at most: 那家, 这个).
_OWN_SUBJECT_OPENING = re.compile(r"(?:[这那该][个家]?)?")


def _without_leading_place(name: str) -> str:
    """``name`` without the place it opens with (齐齐哈尔市第三十四中学 -> 第三十四中学): a place the
    question names is no sign that the name is the question's own subject."""
    places = [p for p in find_places(name) if p.start == 0 and p.end < len(name)]
    return name[max(p.end for p in places):] if places else name


# What an article's own date answers: when it (or what it reports) was published.
_ASKS_PUBLICATION = re.compile(r"发布|发表|刊发|刊登|刊出|报道|播发|推送|发文|\b(?:publish|releas|report|post)", re.I)
# A person's name answers only where the names the question is about own it (see _headline).
PERSON_BOUND = True
# A deputy's name written where 谁 points does not answer for the office asked (种植业管理司司长是谁: 副司长吕修涛).
# Off: it does (people.DEPUTIES keeps deputies apart beside an asked title).
DEPUTIES_IN_GAP = True
# A name the question's gap holds ends before a verb of speech (吕修涛|表示, 刘威生|说). Off: the gap's words whole.
SPEECH_AFTER_NAME = True
_SPEECH_AFTER = re.compile(r"(?:表示|说道|说|指出|介绍|强调|认为|称|坦言|透露|告诉记者)$")
# "两位保荐代表人是谁", "哪几位…": the 、-list of names the one beside the title is in (王辉、姚根发; _list_around). Off: that one.
SEVERAL_PEOPLE = True
_ASKS_SEVERAL_PEOPLE = re.compile(r"[两二三四几]位|哪些人|哪几个人|分别是谁")

# "Which two stocks …": an English question that asks for several names is answered by the list
# (A、B等公司) that the name chosen is an item of, without the items' bracketed codes.
ENGLISH_LISTS = True
_LIST_ITEM = r"[\u4e00-\u9fffA-Za-z0-9·]{2,20}(?:[（(][^（）()]{1,20}[）)])?"
_BRACKETED_CODE = re.compile(r"[（(][^（）()]{1,20}[）)]")


def _list_around(sentence: str, name: str) -> str | None:
    """The 、-list of names in ``sentence`` that holds ``name``, as "A、B"; None when ``name`` is in no list."""
    for match in re.finditer(rf"{_LIST_ITEM}(?:、{_LIST_ITEM})+", sentence):
        items = [_BRACKETED_CODE.sub("", item) for item in match.group().split("、")]
        if not any(name in item or item in name for item in items):
            continue
        if name in items[0]:
            items[0] = items[0][items[0].find(name):]  # the words before the list (8月7日当天丽珠集团) are no item
        items[-1] = re.split(r"等", items[-1])[0]  # "一品红等公司": the list ends at 等
        if any(len(item) < 2 or len(item) > 12 for item in items):
            return None  # an item runs on into the sentence: no list of names
        return "、".join(items)
    return None


# A question that asks for more than one of a kind: 哪些企业, 哪几个县, 哪两家公司.
_SEVERAL = re.compile(r"哪些|哪几|哪[两二三四五六七八九]|\bwhich (?:two|three|four|five|several)\b", re.I)
_MAX_LIST_CHARS = 100


# "A和B分别是哪家" is two answers: a later part is not answered with an earlier part's answer where another
# sentence gives one of its own. Off: each part is read alone.
DISTINCT_PARTS = True
# "A和B分别…" is answered by parts when the whole answer's figures are of different kinds. Off: a whole answer
# that gives as many figures as there are parts stands.
ONE_KIND_EACH = True


def _parts_answered(answer: Answer) -> int:
    """How many parts an answer's short answer gives: its figures, or its pieces between 、 and ；."""
    if not (answer.answerable and answer.short):
        return 0
    pieces = [p for p in re.split(r"[；;、，,]|和", answer.short) if p.strip()]
    return max(len(find_figures(answer.short)), len(pieces))


def _names_of_type(sentence: str, question: Question) -> list[tuple[int, int, str]]:
    """Names in ``sentence`` of the kind of organisation asked for (哪家教育集团 -> …教育集团, 哪家法院 ->
    …人民法院): those that end in the kind's noun, else the name written right after it
    (医药生物公司巨子生物: Chinese news puts a name after its kind, as an apposition)."""
    kind = _asked_kind(sentence, question)
    if kind is None:
        return []
    boundaries, at = {0}, 0
    for word in words_of(sentence):
        at += len(word)
        boundaries.add(at)
    found = []
    for match in re.finditer(rf"[\u4e00-\u9fffA-Za-z0-9·]{{1,16}}?{re.escape(kind)}", sentence):
        name = _BEFORE_NAME.sub("", match.group())
        # The kind must end a word: 浙江法院网 is a website, not a 法院.
        if match.end() not in boundaries:
            continue
        if len(name) > len(kind) + 1 and name not in question.text and name not in _GENERIC_SUBJECTS \
                and _reads_as_name(name[:-len(kind)]):
            apposed = _APPOSED.match(sentence, match.end()) if APPOSED_NAMES and kind in _GENERIC_KINDS else None
            if apposed and _reads_as_name(apposed.group(1)) and apposed.group() not in question.text:
                # "商会会长企业远元集团": a description of the kind, then the name it describes.
                found.append((apposed.start(), apposed.end(), apposed.group()))
                continue
            found.append((match.end() - len(name), match.end(), name))
    if found:
        return found
    from rag import jieba

    for match in re.finditer(re.escape(kind), sentence):
        if match.end() not in boundaries:
            continue
        words, position = [], match.end()
        for word, tag in jieba.tag(sentence[position:position + 16]):
            if not tag.startswith(("n", "eng")):
                break
            words.append((word, tag))
        name = "".join(w for w, _ in words)
        # A name, not a common noun (开庭审理 is one dictionary word): several words or a proper noun's tag.
        proper = len(words) > 1 or any(tag in ("nz", "nt", "nr", "nrt", "ng", "eng") for _, tag in words)
        if proper and 2 <= len(name) <= 10 and name not in question.text and name not in _GENERIC_SUBJECTS:
            found.append((match.end(), match.end() + len(name), name))
    return found


# "哪些…企业" answered by the list of names written before the kind asked ("A、B等企业", "A、B相关企业").
LISTED_KIND = True
_QUESTION_KIND = re.compile(r"(企业|公司|集团|单位|机构|部门|银行|协会|商会|学校|医院|平台|券商)[？?，,。]*$")


def _listed_of_kind(sentence: str, question: Question) -> str | None:
    """The names listed with 、 right before the kind of organisation a "哪些" question asks for, the
    words that describe them (参与抢修的) left out; None when the sentence lists none so."""
    kind = _asked_kind(sentence, question)
    if kind is None:
        tail = _QUESTION_KIND.search(question.text)
        kind = tail.group(1) if tail and tail.group(1) in sentence else None
    if kind is None:
        return None
    item = r"[^，,。；;：:、的“”\s]{2,16}?"
    for match in re.finditer(rf"({item}(?:、{item})+)(?:等|相关|[两三四五六七八九十\d]+家)*{re.escape(kind)}", sentence):
        names = [_BEFORE_NAME.sub("", n) or n for n in match.group(1).split("、")]
        if all(2 <= len(n) <= 16 and n not in question.text and _reads_as_name(n) for n in names):
            return "、".join(names)
    return None


# A name written right after a description that ends in a generic kind ("会长企业远元集团", "民营企业甲乙公司").
APPOSED_NAMES = True
_GENERIC_KINDS = {"企业", "公司", "单位", "机构"}
_APPOSED = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,8}?)(?:集团|有限公司|公司|银行|证券|科技|股份|控股|基金会|研究院)")


def _reads_as_name(text: str) -> bool:
    """A name's words before its kind hold no verb, particle or pronoun (…参股的医药生物公司 is a description)."""
    from rag import jieba

    return not any(tag.startswith(("v", "u", "p", "r", "c", "d")) for _, tag in jieba.tag(text))


# The head characters and words an institution's name ends in (人民法院, 交易所, 研究院, 委员会, 电视台…).
_INSTITUTION_HEAD = re.compile(r"(?:公司|集团|企业|银行|机构|基金会|协会|商会|学会|总会|联合会|交易所|法院|检察院|法庭|"
                               r"学校|大学|学院|医院|研究院|研究所|委员会|政府|平台|媒体|报社|电视台|出版社|工作室|合作社|"
                               r"[院所会局部委办厅处行社厂店馆校台站团队])$")


def _asked_kind(sentence: str, question: Question) -> str | None:
    """The kind of institution a "哪家/哪个 …" question names, as far as ``sentence`` writes it.

    The nouns after the question word (哪家|法院|开庭 as jieba tags them) are cut back to the
    longest run that the sentence holds and that ends in an institution's head word.
    """
    from rag import jieba

    if question.language != "zh":
        return None
    asked = re.search(r"(?:哪|什么)(?:一|几)?(?:家|个|所|位|些|类)?", question.text)
    if asked is None:
        return None
    nouns = []
    for word, tag in jieba.tag(question.text[asked.end():asked.end() + 12]):
        if not tag.startswith(("n", "vn")) or word in _FORM_WORDS:
            break
        nouns.append(word)
    for k in range(len(nouns), 0, -1):
        kind = "".join(nouns[:k])
        if len(kind) >= 2 and kind in sentence and _INSTITUTION_HEAD.search(kind):
            return kind
    if KIND_ENDINGS:
        # A kind that names do not end in (哪家券商): the word its names end in (东方证券).
        for noun in nouns[:1]:
            ending = _KIND_ENDINGS.get(noun)
            if ending and ending in sentence:
                return ending
    return None


# Kinds of organisation a question names by a word their names do not end in, and the word they end in.
KIND_ENDINGS = True
_KIND_ENDINGS = {"券商": "证券", "车企": "汽车", "房企": "地产", "险企": "保险", "律所": "律师事务所", "航司": "航空",
                 "药企": "药业", "酒企": "酒业", "乳企": "乳业", "钢企": "钢铁", "煤企": "煤业", "保荐机构": "证券",
                 "保荐人": "证券", "承销商": "证券", "会计师事务所": "会计师事务所", "审计机构": "会计师事务所"}


# jieba's tags of the words that may open a registered company name before its trade words
# (当代|科技产业集团股份有限公司): time words, other proper nouns, abbreviations, Latin words.
_NAME_HEAD_TAGS = {"t", "nz", "j", "eng"}
_REGISTERED = re.compile(r"(?:股份)?有限(?:责任)?公司$|集团$")


def _with_name_head(sentence: str, mention):
    """A registered name the organisation table does not know, with the words before it that
    jieba left out of it ("武汉当代科技产业集团股份有限公司": 当代 is a time word to jieba).

    Only a name read by its suffix (its canonical form is its surface) and written whole, up to a
    verb, preposition, particle, place or punctuation; known organisations keep their names.
    """
    from rag import jieba

    from rag.entities import Mention

    if mention.canonical != mention.surface or not _REGISTERED.search(mention.surface):
        return mention
    start = mention.start
    for word, tag in reversed(jieba.tag(sentence[max(0, start - 8):start])):
        if tag not in _NAME_HEAD_TAGS or word in _ORG_TYPE_WORDS or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", word):
            break
        start -= len(word)
    if start == mention.start:
        return mention
    name = sentence[start:mention.end]
    return Mention(name, name, start, mention.end)


# The article's subject answers "which organisation" only where the clause names no subject and the
# question does not name the article's subject itself (see _read_headline).
SUBJECT_NOT_ASKED = True


# A quotation's 公司/我们 is the organisation it is credited to ("“…公司已批量出货…”甲股份表示").
# Off: such a sentence answers "which company" with its article's subject.
QUOTED_SPEAKERS = True

# "A和B的X分别是多少" over a sentence that pairs a longer list with its figures (A、C、B…分别为…): each
# asked item's own figure. Off: the parts take the figures nearest where the question points.
RESPECTIVE_ITEMS = True
# A foreign name an English question writes ("John Kerry", rendered 约翰) is whom it asks about, not its answer
# (约翰·克里). Off: only a name the question writes in Chinese is left out.
ENGLISH_NAMED_PEOPLE = True


def _named_in_english(name: str, question_text: str) -> bool:
    """A transliterated name (约翰·克里) one of whose parts the question's Chinese renderings hold."""
    return "·" in name and any(len(part) >= 2 and part in question_text for part in name.split("·"))


# An organisation's name that the sentence writes on to a registered company's or institute's ending
# ("国家电投集团黄河上游水电开发有限责任公司", "东方电气（福建）创新研究院有限公司") answers whole. Off: the name as read.
REGISTERED_NAMES = True
_REGISTERED_END = "(?:股份有限公司|有限责任公司|有限公司|研究院|研究所)"
_NAME_CHAR = r"[^\s，,。；;：:！？!?、“”\"'《》与和及同跟向对在为是的从于由据经称]"


def _registered_name(sentence: str, name: str) -> str:
    """``name`` with what the sentence writes before it in brackets ("东方电气（福建）" + 创新研究院…) and after it up
    to a registered ending; ``name`` itself when the sentence writes no such ending within 24 characters."""
    at = sentence.find(name)
    if at < 0:
        return name
    before = re.search(rf"{_NAME_CHAR}{{2,8}}[（(][\u4e00-\u9fff]{{2,4}}[）)]$", sentence[:at])
    start = before.start() if before and not re.search(r"[（(）)]", name) else at
    if re.search(f"{_REGISTERED_END}$", name):
        return sentence[start:at + len(name)]
    after = re.match(rf"{_NAME_CHAR}{{0,24}}?{_REGISTERED_END}", sentence[at + len(name):])
    if after is None or re.search(r"[（(）)]", after.group()):
        return sentence[start:at + len(name)]
    return sentence[start:at + len(name) + after.end()]


# A multi-part question is answered by a sentence that gives every part its figure before a better-scored one
# that gives fewer, when its coverage is as high. Off: the best-scored sentence with any figure asked.
EVERY_PART_FIRST = True

# A month or a day written alone answers a date question only in a sentence that writes the question's
# event. Off: any date of the sentence answers.
BARE_DATES_NEED_EVENT = True
_BARE_DATE = re.compile(rf"{RELATIVE_YEAR}\s*年[底初末中]|(?:{RELATIVE_YEAR}\s*)?\d{{1,2}}\s*[月日号](?:份|底|初|末|中旬|上旬|下旬)?")

# "座右铭是：不说，只做！": a short value after a colon runs to its sentence's end, commas and all.
# Off: the clause (up to the comma) alone.
COLON_VALUES = True
_COLON_VALUE = re.compile(r"[：:]\s*([^：:。！？!?；;“”]{2,14})[。！？!?；;]")


def _colon_value(sentence: str, clause: str) -> str:
    """``clause`` run on to the end of the colon-introduced value that it opens (else ``clause``)."""
    value = _COLON_VALUE.search(sentence)
    opened = re.split(r"[：:]", clause)[-1].strip()  # "中国经济的座右铭是：不说" opens the value with 不说
    if value and opened and value.group(1).startswith(opened) and re.search(r"[，,]", value.group(1)):
        return value.group(1)
    return clause


# The organisation of a person the question names is the name before the person's title, not the title
# and name too. Off: the words where the question points, person and all.
ASKED_PERSON_CUT = True

# A place name asked by its suffix (哪个市) that jieba cuts into pieces is read after 在/于 up to the suffix.
# Off: only the gazetteer's and jieba's place words answer.
SUFFIX_AFTER_PREPOSITION = True

# "以长春为研发总部": the place that 以…为 makes into the question's noun answers where that noun is.
# Off: the place nearest where the question points.
TAKEN_AS_PLACE = True

# A sentence that opens with 其中 gives parts of what the sentence before it totals: that sentence's words
# (its subject, place and period) count as the part's. Off: the part's sentence counts alone.
PART_OF_PREVIOUS = True
_PART_OPENING = re.compile(r"其中[，,]?")
# "其中，城镇居民…；农村居民…。": every ；-item of a 其中 sentence is a part. Off: only the first item.
PARTS_AFTER_SEMICOLON = True


def _parts_opening(text: str, start: int) -> int:
    """Where the 其中 sentence that the sentence at ``start`` is a part of begins (the sentence itself, or
    one it continues after ；); -1 when it is no part."""
    if _PART_OPENING.match(text, start + len(text[start:]) - len(text[start:].lstrip())):
        return start
    if not PARTS_AFTER_SEMICOLON:
        return -1
    before = text[:start].rstrip()
    if not before.endswith(("；", ";")):
        return -1
    opens = max(before.rfind(c) for c in "。！？!?\n") + 1
    whole = text[opens:start]
    return opens + len(whole) - len(whole.lstrip()) if _PART_OPENING.match(whole.lstrip()) else -1


CONTINUED_CLAUSES = True
# A sentence that points back ("这个项目", "此次事故", "该公司") is about what the sentence before it names.
REFERRED_BACK = True
_REFERS_BACK = re.compile(r"这(?:个|一|些|次|家|座|项|条|场|批|款)|(?<![应活])该(?=[\u4e00-\u9fff])|此(?:次|项|番)|上述")


# Off: only English questions read a sentence that points back with the sentence before it.
CHINESE_REFERRED_BACK = True
# "这一年", "这些年": a time the account has reached, not a thing the sentence before names.
_TIME_BACK = re.compile(r"这(?:一|几|些)?(?:年|天|日|月|时期|阶段|周)")
# A clause whose subject is a generic noun (园区, 合作社) of what the account is about. (Not 公司: business news
# calls its own subject 公司, which rag/answer/binding.py reads already.)
_GENERIC_SUBJECT = re.compile(r"(?:^|[，,：:“])\s*(?:园区|基地|农场|合作社|工厂|景区|村里|全村|全镇|全县|全市)"
                              r"(?![\u4e00-\u9fff]{0,2}[名称])")


def _continued_lead(before: str) -> str:
    """What a clause after ``before`` (a sentence ending in a semicolon) inherits from it: its words up to the
    clause of its first figure ("记者…获悉，上半年，" of "记者…获悉，上半年，中国信保实现承保金额4543亿美元，
    同比增长2.1%；"), the whole of it when it gives no figure; "" when it does not end in a semicolon."""
    if not before.endswith(("；", ";")):
        return ""
    # (A date is the period, which carries over; a dateline's time is no figure of the account.)
    figures = [f for f in find_figures(before) if f.kind in ("money", "count", "percent")]
    if figures:
        before = before[:max(before.rfind(c, 0, figures[0].start) for c in "，,：:") + 1]
    return before[-_MAX_OPENING * 2:]
_ASKS_TOTAL = re.compile(r"总|合计|一共|共计|加起来|\b(?:total|overall|combined|altogether|all)\b", re.I)

# "A和B，哪个更多" is answered with the figures compared, not the winner's name alone: a reader sees why.
# Off: the winner's name alone.
FIGURES_IN_CHOICE = True
# A named candidate whose figure is not found is asked again without its opening year or edition
# ("2023商用密码大会" -> 商用密码大会). Off: the comparison is left to the usual path.
EDITION_NAMES = True
# A comparison's short answer that is a listed name with its figures keeps the figures (the name alone
# otherwise replaces it). Off: the name alone.
KEEP_COMPARED_FIGURES = True
# "三江归东村的山野葡萄和隆尧红沙峪示范园的核桃，哪个种植面积更大": each listed item may be in an article of its
# own, so a passage must name what one item names (三江 or 隆尧), not what every item does. Off: a passage
# must name every place, year and organisation of every item.
ITEMS_APART = True
_EDITION_OPENING = re.compile(r"^(?:(?:19|20)\d{2}年?|第[一二三四五六七八九十百零〇\d]+届)")


# "哪家设计院/哪个研究所/哪家银行/哪所学校": the kind of body asked names how its name ends (院, 所, 行, 校);
# an answer without that character is not one. Off: any organisation answers.
ASKED_BODIES = True


# An organisation question whose sentence names no table organisation and no clause subject is answered by
# a registered name the sentence writes (…有限公司, …集团 with a proper word), nearest where the question
# points. Off: the article's subject answers.
REGISTERED_NAMES = True


# A transliterated name: 劳埃德·奥斯汀, or the 斯/尔/德 endings jieba does not know as names.
_FOREIGN_NAME = re.compile(r"[\u4e00-\u9fff]+[·・][\u4e00-\u9fff]+|[\u4e00-\u9fff]{1,4}(?:斯|尔|德|特|夫|娃|娜|姆|克|恩|森|顿|兰)$")
# The noun right after 什么/哪个/哪些 (什么能力, 哪个省, 什么类型的装甲车 -> 装甲车).
_TYPE_NOUN = re.compile(r"^(?:个|些|一|种|类型的|样的|名|所|家|位|款|项|座|条)?([\u4e00-\u9fff]{1,4}?)(?=[的了是在？?，,]|$)")
# A date question's event (受理, 投产, 开幕) picks the close sentence whose date answers it. Off: score order.
EVENT_ANCHORS = True


# "从哪里通到哪里": a route's two ends, read from "从A到B" together. Off: one place, as for 在哪里.
ROUTES = True
_ROUTE_ASK = re.compile(r"从哪(?:里|儿|个地方)[^？?，,。]{0,6}?(?:到|至)哪(?:里|儿|个地方)")
_ROUTE = re.compile(r"从([^，,。；;从到至的]{2,12}?)(到|至)([^，,。；;从到至的]{2,12}?)(?=[的，,。；;]|$)")


# Close candidates are measured from the best one whose passage names what the question is about.
# Off: from the best candidate, whatever its passage is about.
NAMED_FLOOR = True
# A question's pronouns, prepositions, conjunctions and particles (这次, 自己, 给, 和, 了) are how
# the user talks, not what a passage must say: however rare in the articles (a high idf), they weigh
# nothing in the coverage. Off: they weigh their idf like any word.
FUNCTION_WORDS = True


# A sentence naming the place or year asked scores above its neighbours only where its article's retrieved
# passages name another place or year too. Off: naming it always scores.
NAMED_WHERE_CONTESTED = True
# A person asked of two organisations without 分别 is one person (a move from one to the other). Off: one answer
# per organisation.
ONE_PERSON_TWO_BODIES = True


# A place a place question requires counts as named in a passage when another retrieved passage of its
# article names it (the answer is a place inside it). Off: each passage must name it (or its title).
# (Not for figures: "中国电科在叙永县培训了多少名" is not answered by a total for both its counties.)
ARTICLE_PLACES = True
# A place asked that its article's retrieved passages name, with no other place of its level, counts as named in
# each of them. Off: a passage must name the place itself (or the place is asked by a place question).
ARTICLE_PLACE_ALONE = True


def _bound_to_organisations(question: Question, chunk: Chunk, sentence: str, figure: Figure) -> bool:
    """A figure is an organisation's when the sentence names it before the figure (Chinese puts the
    subject first), or when it is the article's subject.

    "累计投入帮扶资金1.63亿元…其中:平庄煤业连续三年援建…" gives the group's figure, not 平庄煤业's.
    """
    names = [aliases_of(o) for o in question.organisations if o != chunk.subject]
    subject = _leading_noun_phrase(question.text) if question.language == "zh" else None
    if subject and not question.organisations and subject != chunk.subject:
        names.append((subject,))  # a name the table does not know (平庄煤业援建…)
    for aliases in names:
        found = [(sentence.find(alias), alias) for alias in aliases if alias in sentence]
        if not found and LOOSE_SUBJECTS and aliases == (subject,) and _named_word_by_word(subject, sentence):
            continue  # "上海市企业贷款" in "上海全市企业贷款…": the question's subject, written otherwise
        if not found:
            others = [m for m in find_organisations(sentence) if m.canonical not in question.organisations]
            if any(m.start < figure.start for m in others) or any(
                    m.start() < figure.start for m in _organisation_names(sentence[:figure.start])):
                return False  # the sentence gives another organisation's figure
            continue
        position, alias = min(found, key=lambda f: (f[0], -len(f[1])))  # 三一集团 before its alias 三一
        if position > figure.start:
            return False
        # Another organisation named between it and the figure owns the figure
        # ("宁波商会在…、广州商会…、黑龙江商会…投入资金390万元").
        position = max(sentence.rfind(alias, 0, figure.start) for _, alias in found)
        between = sentence[position:figure.start]
        others = [m.end for m in find_organisations(between) if m.canonical not in question.organisations and m.start > 0
                  and not _acts_for_the_subject(between, m.start)]
        named = [m.end() for m in _organisation_names(between) if not _acts_for_the_subject(between, m.start())]
        if others or len(named) > 1:
            # "…管理局责令该公司返还…，并对其作出罚款403393.31元": a word that refers back (该公司, 其, 他)
            # after the other organisation returns the sentence to the question's subject.
            if not (BACK_REFERENCES and _BACK_REFERENCE.search(between, max(others + named[1:]))):
                return False
        end = position + len(alias)
        if sentence[end:end + 1] == "、" or sentence[position - 1:position] == "、":
            return False  # "三一集团、蓝思科技、比亚迪等…4100余人": the list's figure, not one member's
    return True


# An organisation named as the subject's subsidiary (全资子公司X, 旗下X) acts for it; one named as the other
# party of its act (与X订立协议, 向X转让) receives, it does not own the figure (see _acts_for_the_subject).
SUBSIDIARY_AND_PARTY = True
_FOR_THE_SUBJECT_BEFORE = re.compile(r"(?:子公司|旗下|下属|与|同|跟|向)$")
_FOR_THE_SUBJECT_HEAD = re.compile(r"(?:全资|控股)?子公司|旗下|下属|与|同|跟|向")


def _acts_for_the_subject(text: str, start: int) -> bool:
    """The organisation named at ``start`` of ``text`` is the subject's subsidiary or the other party of its act.

    "中国儒意发布公告称，全资子公司上海儒意影视与北京万达文化订立协议，上海儒意以22.62亿元受让…":
    the sum is 中国儒意's, though two other names stand between it and the sum.
    """
    if not SUBSIDIARY_AND_PARTY:
        return False
    return bool(_FOR_THE_SUBJECT_BEFORE.search(text, max(0, start - 5), start)
                or _FOR_THE_SUBJECT_HEAD.match(text, start))


# Another organisation named between the question's subject and a figure owns the figure, unless
# a word after it refers back to the subject (see _bound_to_organisations).
BACK_REFERENCES = True
_BACK_REFERENCE = re.compile(r"该(?:公司|企业|集团|单位|机构|行|村|县|镇)|其(?!他|中|余|后|次|实)|(?<!其)[他她](?!们|人|国)")

# A question's subject counts as named when the sentence writes each of its words (see _named_word_by_word).
LOOSE_SUBJECTS = True


def _named_word_by_word(subject: str, sentence: str) -> bool:
    """Whether ``sentence`` writes every word of ``subject``, a place word by its stem (上海市 as 上海)."""
    import rjieba

    words = [w for w in rjieba.cut(subject) if w.strip()]
    stems = [w[:-1] if len(w) > 2 and w[-1] in "市省县区" else w for w in words]
    return len(stems) > 1 and all(stem in sentence for stem in stems)


_ASPECT_PARTICLES = {"了", "过", "着"}


def _leading_noun_phrase(text: str) -> str | None:
    """The nouns a text opens with (its subject, as jieba tags it), when they read as a name."""
    from rag import jieba

    subject = []
    words = jieba.tag(text.strip())
    for i, (word, tag) in enumerate(words):
        if tag not in _NOUN_LIKE:
            break
        if i + 1 < len(words) and words[i + 1][0] in _ASPECT_PARTICLES:
            # An aspect particle follows a verb, whatever jieba tags the word before it: "中国儒意花了多少钱"
            # is cut 中国 | 儒意花 | 了, and the verb is its last character (a one-character verb is the usual).
            subject.append(word[:-1])
            break
        subject.append(word)
    name = "".join(subject)
    if ROLE_AFTER_NAME and len(_ROLE_AFTER_NAME.sub("", name)) >= 2:
        # "紫江老板掏了多少钱": the organisation is 紫江; its boss's money is the organisation's figure.
        name = _ROLE_AFTER_NAME.sub("", name)
    return name if len(name) >= 2 and name not in _GENERIC_SUBJECTS and not re.search(r"\d", name) \
        and (len(name) >= 3 or _ROLE_AFTER_NAME.search("".join(subject))) else None


# A person's role written after an organisation's name opens a question about the organisation.
ROLE_AFTER_NAME = True
_ROLE_AFTER_NAME = re.compile(r"(?:的)?(?:老板|老总|董事长|总经理|总裁|创始人|负责人|掌门人|当家人|一把手|高管)$")


def _place_named(question: Question, chunk: Chunk, sentence: str) -> bool:
    """The place asked about is named in the sentence, in the sentence before it, or in the article's
    title (an article about 新化县 speaks of it throughout); a figure for all of an enterprise's
    supported counties (援扶县) also counts, and the answer says so."""
    if not question.places:
        return True
    previous = _previous_sentence(chunk.text, chunk.text.find(sentence)) if sentence in chunk.text else ""
    context = f"{chunk.title}\n{previous}\n{sentence}"
    if all(place in context for place in question.places) or SCOPE_WORDS.search(sentence):
        return True
    if not PLACE_IN_PASSAGE or sentence not in chunk.text:
        return False
    # Named earlier in the passage ("沈阳市开展…专项行动。…截至7月15日，支持企业吸纳就业5065人"), when the
    # sentence itself names no other place that the figure could be of.
    before = chunk.text[:chunk.text.find(sentence)]
    return all(place in before for place in question.places) and not any(
        p.stem not in question.places for p in find_places(sentence, find_organisations(sentence)))


# The place asked about may be named anywhere earlier in the passage. Off: only in the sentence, the one
# before it, or the title.
PLACE_IN_PASSAGE = True


# "多少名基层干部", "几份合作协议": the thing counted, after the unit asked.
_COUNTED = re.compile(r"(?:多少|几)\s*(?:名|位|个|份|项|家|所|户|座|条|篇|期|批)([\u4e00-\u9fff]{2,8}?)(?=[？?，,。、的了在和与]|$)")


# "多少人受伤" is not answered by "11人死亡": the outcome written after a count of people must be the one
# asked. Off: any count of people answers.
CASUALTIES_APART = True
_CASUALTY = r"受伤|死亡|遇难|失踪|获救|被困|确诊|感染|住院|重伤|轻伤|丧生|罹难|身亡"


def _other_casualty(question: str, sentence: str, figure: Figure) -> bool:
    asked = re.search(rf"(?:多少|几)(?:个|名|位)?人(?:次)?[^，,。？?]{{0,3}}?({_CASUALTY})", question)
    if asked is None:
        return False
    written = re.match(rf"\s*(?:[^，,。；;]{{0,3}}?)({_CASUALTY})", sentence[figure.end:])
    return written is not None and written.group(1) != asked.group(1)


# "一年能生产多少吨山野葡萄酒": a noun measured in a unit is named too (葡萄酒, not the 葡萄 of "年产葡萄约75万
# 公斤"). Off: only nouns counted by a classifier.
MEASURED_NOUN_NAMED = True
_MEASURED = re.compile(r"(?:多少|几)\s*(?:万|亿)?\s*(?:吨|亩|公斤|千克|斤|辆|台|套|头|只|棵|株|箱|袋|羽|册|件|张|千瓦)"
                       r"([\u4e00-\u9fff]{2,8}?)(?=[？?，,。、的了在和与]|$)")


def _counted_noun_named(question: Question, sentence: str) -> bool:
    """A count of 基层干部 is not answered by a sentence that counts 学生: the counted noun (or its last
    two characters, its head) must be in the sentence."""
    match = _COUNTED.search(question.text) if question.kind == "count" else None
    if match is None and MEASURED_NOUN_NAMED and question.kind == "count":
        match = _MEASURED.search(question.text)
    if match is None:
        return True
    from rag import jieba

    # The counted noun ends where jieba's nouns end ("几家企业签了合作" counts 企业, not 企业签).
    words = []
    for word, tag in jieba.tag(match.group(1)):
        if words and tag not in _NOUN_TAGS:
            break
        words.append(word)
    noun = "".join(words) or match.group(1)
    return noun in sentence or noun[-2:] in sentence


def _place_in_a_list(question: Question, sentence: str, figure: Figure) -> bool:
    """The place asked about is one of several the figure is given for ("在米脂和吴堡两县累计招收…59名")."""
    if len(question.places) != 1:
        return False  # a question about the places together is answered by their figure
    for place in question.places:
        position = sentence.find(place)
        if position < 0 or position > figure.start:
            continue
        if _opens_an_organisation_name(sentence, position):
            continue  # "与北京万达文化产业集团有限公司": the place word names a company, not a place in a list
        end = position + len(place)
        while end < len(sentence) and sentence[end] in "县市区乡镇村":
            end += 1
        before, after = sentence[max(0, position - 1):position], sentence[end:end + 1]
        if before in ("、", "和", "与", "及") or after in ("、", "和", "与", "及") or \
                re.match(r"[两二三四五六七八九十\d]+[个]?[县市区乡镇村]|等", sentence[end:end + 4]):
            return True
    return False


def _opens_an_organisation_name(sentence: str, position: int) -> bool:
    """An organisation's name that holds more than a place's (北京万达文化产业集团) starts at ``position``."""
    return any(m.start == position and not re.search(r"(?:县|市|区|乡|镇|村|省)(?:委|政府|人民政府)?$", m.surface)
               for m in find_organisations(sentence))


def _previous_sentence(text: str, start: int) -> str:
    """The sentence before the one starting at ``start``, within its paragraph ("" for the first)."""
    paragraph = text.rfind("\n", 0, start) + 1
    before = text[paragraph:start].rstrip()
    if not before:
        return ""
    cut = max(before.rfind(c, 0, len(before) - 1) for c in "。！？；!?;") + 1
    return before[cut:].strip()


# A sentence that opens with a year sets it for the sentence after it ("2024年，鞍钢投入…。开展消费帮扶采购…").
_LEADING_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年(?!度?以来|前|后)")


def _contradicts(question: Question, sentence: str, previous: str = "") -> bool:
    """The sentence is about another year or place than the one asked: its figures are not the answer.

    "鞍钢2023年投入多少" is not answered by "2024年，鞍钢投入1830万元", even when
    the passage mentions 2023 elsewhere; nor by the sentence after it, which names
    no year and continues the 2024 account.
    """
    years = set(_YEAR_IN_TEXT.findall(sentence))
    if not years and previous:
        leading = _LEADING_YEAR.match(previous)
        years = {leading.group(1)} if leading else set()
    if question.years and years and not years & set(question.years):
        return True
    if question.places and not (OWN_PLACES_ANSWER and question.kind == "place"):
        # (A place question's answer is a place the sentence names inside the one asked: 广元's 两江口.)
        named = find_places(sentence, find_organisations(sentence))
        if GAZETTEER_CONTESTS and (asked := find_places(question.text)) and all(p.level != "other" for p in asked):
            # "长宁区…" is not contradicted by the sentence's 区虹桥办: a place outside the gazetteer (an area, an
            # office's quarter) is no division beside the one asked.
            named = [p for p in named if p.level != "other"]
        places = {p.stem for p in named}
        # Only counties and the like: a province or region name in the sentence is not a conflict.
        local = {p for p in places if p not in _REGIONS}
        if local and not any(q in sentence for q in question.places) and not SCOPE_WORDS.search(sentence):
            return True
    if POLARITY and opposite_polarity(question, sentence):
        return True  # "没有信心的企业占比" is not "较有信心的企业占75.1%"
    # "多少教育扶贫资金" is not answered by a sum spent on something else ("在教育方面，" may lead the sentence before).
    return question.kind == "money" and misses_topic(question, previous + sentence)


# A place question is not contradicted by the other places its sentence names: one of them answers it.
# Off: a sentence naming a county other than the one asked is dropped for place questions too.
OWN_PLACES_ANSWER = True
# A question that asks of gazetteer places (provinces, cities, counties) is contradicted only by gazetteer places.
# Off: any place a sentence names, jieba's areas outside the gazetteer too.
GAZETTEER_CONTESTS = True
# A sentence that writes, unnegated, a word the question negates says the opposite (rag/answer/binding.py).
POLARITY = True


# "谁" answered by the noun written exactly where it points (see the person branch of _headline).
WHO_GAP_NOUN = True
# "谁" answered by the doer written before the question's verb (rag/answer/actor.py) before a name elsewhere.
WHO_DOER = True


def _verb_after_who(question: Question) -> str | None:
    """The verb 谁 is the doer of: the question's first verb within a few characters after 谁 (谁共同组织了 -> 组织)."""
    from rag.answer.actor import question_verbs

    if question.language != "zh" or "谁" not in question.text:
        return None
    after = question.text[question.text.index("谁") + 1:][:6]
    return next((v for v in question_verbs(question) if v in after), None)


def _proper_doer(doer: str) -> bool:
    """A doer that names someone: an organisation's name or ending, or a proper noun to jieba (台办), not a
    common noun (协议 in "通过协议转让")."""
    from rag import jieba

    return all(bool(find_organisations(part)) or part.endswith(("集团", "公司", "银行", "商会", "协会", "基金会", "之家", "中心",
                                                               "委员会", "政府", "部", "局", "厅", "办"))
               or any(tag in ("nr", "nrt", "nt", "ns", "nz", "j", "eng") for _, tag in jieba.tag(part))
               for part in re.split(r"与|和|及|、", doer) if part)
_MAX_WHO_NOUN = 8

# Provinces and regions: a sentence naming one still speaks of the counties in it.
_REGIONS = set("北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 "
               "陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 中国 全国 西部 东部 中部 东北 西北 西南".split())


def _type_bonus(question: Question, sentence: str, chunk: Chunk) -> float:
    """A sentence that holds something of the kind asked for beats one that only shares its words."""
    bonus = 0.0
    if question.kind in _FIGURE_KINDS or question.about_money:
        figures = find_figures(sentence)
        kinds = {f.kind for f in figures}
        if question.about_money and "money" in kinds:
            bonus += 0.15
            # "采购多少": a sentence whose figure is a purchase beats one with an investment.
            if question.money_category and any(category == question.money_category for _, category in money_in(sentence)):
                bonus += 0.1
        if question.kind != "money" and question.kind in kinds:
            bonus += 0.1
            if question.focus_unit and any(same_unit(f.unit, question.focus_unit) for f in figures):
                bonus += 0.1
    elif question.kind == "organisation" and (find_organisations(sentence) or chunk.subject):
        bonus += 0.05
    elif question.kind == "person" and _people(sentence):
        bonus += 0.1
    elif PURPOSES and question.kind == "phrase" and question.language == "zh" and _ASKS_PURPOSE.search(question.text) \
            and _PURPOSE_VERB.search(sentence):
        bonus += 0.15  # "拿去干嘛": a sentence that says what it is 用于
    return bonus


def _proper_nouns(text: str) -> list[str]:
    """Names in ``text`` as jieba tags them: people (nr), places (ns), organisations (nt), others (nz)."""
    from rag import jieba

    return [word for word, tag in jieba.tag(text) if tag in ("nr", "ns", "nt", "nz") and len(word) >= 2]


# "北京利尔（002392）主营业务：耐火材料的生产…": an English what-question, which has no gap, is
# answered by what follows a label that only restates the question, not by the label.
LABEL_VALUE = True


# "拿去干嘛", "用途是什么", "用于哪些方面": what something is for, which an article writes after 用于/用来/
# 用作. Off: such a question is answered like any other what-question.
PURPOSES = True


# A manner question is answered after its predicate where the predicate ends a clause (phrases._after_anchor).
ANCHOR_AT_CLAUSE_END = True


# A "where" question without a kind of place (哪里, 什么地方, 哪条街) is answered by the whole place written.
PLACE_RUN = True


# A name ending in the suffix asked is looked for in the whole sentence when the gap holds none, whatever other
# places the sentence names (广西、三江侗族自治县 are no 乡). Off: only where no place was found at all.
SUFFIX_ANYWHERE = True


def _named_by_asked_noun(question: Question, sentence: str, gap: tuple[int, int] | None) -> str | None:
    """For an English which/what question, the name in ``sentence`` that ends in a sense of the noun asked.

    "On which board is X listed" and a sentence "…在科创板上市" give 科创板: a
    word of the sentence that ends in 板, not the sense itself, nor a word of the question.
    """
    from rag.answer.crosslingual import which_noun_senses

    names = []
    for sense in which_noun_senses(question.original):
        if sense in sentence:
            names += [n for n in _names_ending(sentence, 0, len(sentence), re.escape(sense), question.text)
                      if n[2] != sense]
    return _nearest_span(names, gap)[2] if names else None


# A person the sentence names short (岸田, 赫尔佐格) is answered as the passage first introduces them, with
# the office and the whole name (首相岸田文雄, 以色列总统艾萨克·赫尔佐格). Off: as the sentence writes them.
FULLEST_NAMES = True


# An office a body may hold (实际控制人, 控股股东): the question's 谁 is answered by the organisation, or the
# person, the sentence writes right after it ("实际控制人为常州市国资委", "实际控制人为蓝帆医疗董事长李振平").
BODY_HOLDERS = True


# "什么理念/主题/口号" is answered by the quotation the passage calls so (“…”的理念, 主题为“…”), where the
# sentence or the one it continues holds it. Off: the usual phrase reading.
QUOTED_NAMES = True


# "What four varieties are grown there": the items a sentence lists with that count (有A、B、C、D四个品种).
# Off: the usual phrase reading.
ENGLISH_N_ITEMS = True
_ENGLISH_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ENGLISH_N_ASK = re.compile(r"\b(?:what|which|name the|list the) (two|three|four|five|six|seven|eight|nine|ten) [a-z-]+s\b", re.I)
_CHINESE_NUMBERS = {2: "两二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def _listed_items(text: str, count: int) -> str | None:
    """The ``count`` items written before their count in ``text`` (有A、B、C、D四个品种: A、B、C、D)."""
    item = r"[\u4e00-\u9fff]{1,8}"
    digits = f"(?:[{_CHINESE_NUMBERS[count]}]|{count})"
    pattern = rf"({item}(?:[、和及与]{item}){{{count - 1}}})等?{digits}(?:个|种|类|大|项|款)"
    for m in re.finditer(pattern, text):
        items = m.group(1)
        # The first item starts after the verb that opens the list (主要有, 包括, 为).
        first = re.split(r"[、和及与]", items)[0]
        openers = list(re.finditer(r"有|包括|包含|种植|种了|生产|推出|分别是|分别为|为|是", first))
        if openers:
            items = items[openers[-1].end():]
        elif m.start() > 0 and text[m.start() - 1] not in "，,。；;：:":
            continue  # no word opens the list: where its first item starts is not known
        if len(re.split(r"[、和及与]", items)) == count and all(re.split(r"[、和及与]", items)):
            return items
    return None


# "What do people call X", "what is X called/known as": answered by the quoted name (“致富果”) in the
# sentence read. Off: the usual phrase reading.
ENGLISH_CALLED = True
_ENGLISH_CALLED = re.compile(r"\bwhat (?:do|does|did) (?:[\w'-]+ ){0,4}?call\b|\bwhat (?:is|are|was|were) (?:[\w'-]+ ){0,6}?"
                             r"(?:called|known as|nicknamed|dubbed)\b", re.I)


# A question asked per day takes the figure its sentence says is daily (日均, 每天), where another of the same
# kind is not. Off: the figure nearest the question's words.
PER_DAY = True
_PER_DAY = re.compile(r"一天|每天|每日|日均|单日|一日|天天")
_DAILY_REACH = 12


def _daily_figure(sentence: str, chosen: Figure) -> Figure | None:
    """The one figure of ``chosen``'s kind and unit that a per-day word stands shortly before, in its clause."""
    def daily(f: Figure) -> bool:
        before = sentence[max(0, f.start - _DAILY_REACH):f.start]
        before = re.split(r"[，,；;。]", before)[-1]
        return _PER_DAY.search(before) is not None
    if daily(chosen):
        return None
    found = [f for f in find_figures(sentence) if f.kind == chosen.kind and same_unit(f.unit, chosen.unit) and daily(f)]
    return found[0] if len(found) == 1 else None


# A rank question is answered by the first place written as a word (居世界首位, 位列榜首). Off: only 第N.
TOP_WORDS = True
_TOP_PLACE = re.compile(r"(?:居|位居|位列|排在|排名|名列|稳居|保持)[^，,。；;]{0,6}?(首位|榜首|第一位|第一名|首位|头名|冠军)")

# A price asked (目标均价, 收盘价) is answered by the bare number a sentence writes after the same label.
# Off: a money question needs a figure with its currency.
PRICES_WITHOUT_UNIT = True
_PRICE_LABEL = re.compile(r"(?:目标均价|目标价|均价|股价|收盘价|开盘价|最高价|最低价|发行价|回购价格?上限|价格|售价|报价)")


def _bare_price(question: str, sentence: str) -> str | None:
    """The number right after the price label the question asks (为/是/报/达 between), with none after it."""
    for label in dict.fromkeys(m.group() for m in _PRICE_LABEL.finditer(question)):
        found = re.search(rf"{label}(?:为|是|报|达|在|约)?\s*(\d+(?:\.\d+)?)(?![\d.%％万亿元美港欧日股手倍])", sentence)
        if found:
            return found.group(1)
    return None


def _gap(question: Question, sentence: str) -> tuple[int, int] | None:
    """Where the answer should sit in ``sentence``, from the question's words either side of its question word."""
    sides = question_sides(question.text if question.language == "zh" else " ".join(question.tokens))
    if sides is None:
        return None
    left, right = (_content_words(side) for side in sides)
    if re.search(r"的(?:是|为)\s*$", sides[0]) and not [w for w in right if w not in _ANSWER_TYPE_WORDS]:
        # "捐赠设备的是哪个机构": the answer is the subject of the question's own words.
        return gap_span(sentence, [], left)
    asked = question.text if question.language == "zh" else " ".join(question.tokens)
    # Only a question word that takes a noun (什么能力, 哪个省) is followed by one; after 谁 or
    # 多少 comes the verb (谁召开了会议), which is no part of the answer.
    takes_noun = asked[len(sides[0]):].startswith(("什么", "啥", "哪"))
    type_noun = _TYPE_NOUN.match(sides[1]) if takes_noun else None
    if type_noun:
        # "提升什么能力" -> "导弹生产能力": the noun after the question word ends the answer.
        noun = type_noun.group(1)
        span = gap_span(sentence, left, [noun] + [w for w in right if w != noun])
        if span and sentence.startswith(noun, span[1]):
            return _after_preposition(sentence, _listed_on(sentence, (span[0], span[1] + len(noun)), noun, asked),
                                      sides[0])
        return _after_preposition(sentence, span, sides[0])
    span = gap_span(sentence, left, right)
    noun = next((w for w in right if span and sentence.startswith(w, span[1])), None)
    if span and noun and _SEVERAL.search(asked):
        span = _listed_on(sentence, (span[0], span[1] + len(noun)), noun, asked)
    return _after_preposition(sentence, span, sides[0])


# How much a sentence that holds the question's focus words (the words either side of its
# question word) gains over one that holds only its other words. Chosen on the tune part
# of CRUD dev (benchmarks/crud_split_cv.py prints its 5-fold cross-validation).
FOCUS_BONUS = 0.15


def focus_words(question: Question) -> tuple[str, ...]:
    """The content words right next to the question word: what is asked about, not who or when.

    "张国清副总理要求减少什么" -> (减少,); "活动的主题是什么" -> (主题,); "直航服务到哪个机场" ->
    (服务, 机场). The answer is written beside these words, so a sentence that names only
    the question's subject (张国清, 活动) restates the question without answering it.
    """
    sides = question_sides(question.text)
    if sides is None:
        return ()
    left, right = (_content_words(side) for side in sides)
    # Words that name the kind of answer (哪家公司, 哪些部门) say what it is, not where it is written.
    plain = set(_FORM_WORDS) | _ASKED_WORDS.get(question.kind, set()) | _ANSWER_TYPE_WORDS | _ORG_TYPE_WORDS
    left = [w for w in left if len(w) > 1 and w not in plain and not w.isdigit()]
    right = [w for w in right if len(w) > 1 and w not in plain and not w.isdigit()]
    return tuple(dict.fromkeys(left[-1:] + right[:1]))


def _listed_on(sentence: str, span: tuple[int, int], noun: str, asked: str) -> tuple[int, int]:
    """A gap that ends in the kind asked for, run on through the list it starts when the question
    asks for several ("哪两家公司" -> "甲公司和乙公司"); other gaps as they are."""
    if not _SEVERAL.search(asked):
        return span
    more = re.match(rf"(?:[、和与及][^，。；;、和与及]{{1,20}}?{re.escape(noun)})+", sentence[span[1]:])
    return (span[0], span[1] + len(more.group())) if more else span


def _asks_for_subject(question: Question) -> bool:
    """"…的是哪个机构": the answer is the doer of the question's own words, written before them."""
    sides = question_sides(question.text) if question.language == "zh" else None
    return bool(sides) and re.search(r"的(?:是|为)\s*$", sides[0]) is not None \
        and not [w for w in _content_words(sides[1]) if w not in _ANSWER_TYPE_WORDS]


# Single characters that stand right before a question word and before its answer alike
# ("与哪些部门联合" / "与水利部、气象局联合"); too common to be matched as words.
_PREPOSITIONS = "与和同跟对向给在从由把被为将到自"
_LONG_GAP = 8


def _after_preposition(sentence: str, span: tuple[int, int] | None, before: str) -> tuple[int, int] | None:
    """A long gap starts after the last occurrence in it of the preposition before the question word."""
    if span is None or span[1] - span[0] <= _LONG_GAP or not before or before[-1] not in _PREPOSITIONS:
        return span
    at = sentence.rfind(before[-1], span[0], span[1] - 1)
    return (at + 1, span[1]) if at >= 0 else span


def _nearest_span(spans: list, gap: tuple[int, int] | None):
    """The span (a (start, end, …) tuple or an object with start/end) closest to the gap, else the first."""
    if gap is None:
        return spans[0]

    def distance(span) -> int:
        start, end = (span.start, span.end) if hasattr(span, "end") and not isinstance(span, tuple) else span[:2]
        if (start >= gap[0] and end <= gap[1] + 2) or start < gap[0] < end:
            return 0  # inside the gap, or running into it ("中排" | "名第12位": 排名第12位)
        return min(abs(start - gap[0]), abs(end - gap[1]))

    return min(spans, key=distance)


LABELLED_METRIC = True
TOTALS_FIRST = True
# "包括哪些措施", "是哪几项": the list the sentence writes out answers (rag.answer.enumeration).
ENUMERATIONS = True
# A count after 最后/每 ("最后一名", "每3人") is one of them or a rate, never a count of them (see _figure_for).
NOT_A_HEADCOUNT = True
_ONE_OF_THEM = re.compile(r"(?:最后|最先|每)\s*$")
_PER = re.compile(r"平均|日均|月均|年均|人均|每(?:天|日|月|年|人|户|次)")
_TOTAL_BEFORE = re.compile(r"(?:共有|共计|合计|总共|一共|总计|累计|共)\s*$")
PER_SHARE = True
_ASKS_PRICE = re.compile(r"价|每股|一股|/股|\bper share\b|\bprice\b", re.I)
_PER_SHARE_AFTER = re.compile(r"^\s*(?:/|每|一)股")


def _per_share(sentence: str, figure: Figure) -> bool:
    """The figure is a price or sum per share: 71元/股, 每股收益0.52元."""
    return bool(_PER_SHARE_AFTER.match(sentence[figure.end:])) or "每股" in sentence[max(0, figure.start - 8):figure.start]


# "回购资金的上限/下限": one end of the range the article gives (4200万元~6000万元), not the whole range.
WHOLE_RANGES = True
_ASKS_HIGH_END = re.compile(r"上限|最高|最多|至多")
_ASKS_LOW_END = re.compile(r"下限|最低|最少|至少")


def _asks_range_end(question: str) -> bool:
    return bool(WHOLE_RANGES and (_ASKS_HIGH_END.search(question) or _ASKS_LOW_END.search(question)))


def _range_end(figures: list[Figure], sentence: str, question: Question) -> Figure | None:
    """The end asked for of the first range among ``figures`` (two of one kind joined by 至, ~, 到…)."""
    if not _asks_range_end(question.text):
        return None
    high = bool(_ASKS_HIGH_END.search(question.text))
    for low_end, high_end in zip(figures, figures[1:]):
        if low_end.kind == high_end.kind and _RANGE_JOIN.fullmatch(sentence[low_end.end:high_end.start]):
            return high_end if high else low_end
    return None


# A listed company's code in brackets after its name ("华骐环保（300929）", "(688183.SH)"; the pattern
# binding.listed_companies reads names by) is a name, not a quantity: a bare 多少 must not be answered
# with it unless the question asks for the code.


def _is_security_code(figure: Figure, sentence: str) -> bool:
    return figure.kind == "number" and sentence[figure.start - 1:figure.start] in ("(", "（") and any(
        code.start() < figure.start and figure.end < code.end() for code in BRACKETED_STOCK_CODE.finditer(sentence))


# A date question that asks for a day or a month is not answered by a year alone, nor one that asks for a
# year by a day without its year. Off: any date answers.
DATE_PRECISION = True
_ASKS_DAY = re.compile(r"哪一?天|哪日|几号|几月几[日号]|\b(?:what|which) (?:date|day)\b", re.I)
_ASKS_MONTH = re.compile(r"哪个?月|几月份?|\b(?:what|which) month\b", re.I)
_ASKS_YEAR = re.compile(r"哪一?年(?![的里中度])|\b(?:what|which|in what) year\b", re.I)


# A figure the question states rules out a figure of the sentence only with the same unit. Off: the same number.
STATED_UNIT_TOO = True
# 一名 or 一个 after 做, 是, 成为 or 作为 is the indefinite "a" (做一名有用的人), not a count. Off: a count of one.
INDEFINITE_ONE = True
_INDEFINITE_BEFORE = re.compile(r"(?:做|是|成为|当|作为|像)$")
# A growth asked as a share is answered by a multiple where the sentence gives no percentage. Off: only a percentage.
MULTIPLES_ANSWER_GROWTH = True
_ASKS_GROWTH = re.compile(r"增长|增加|提高|提升|上升|翻")
# "最高的一期是多少" over "分别为a、b、c和d": the largest of the respective figures. Off: read like any figure.
SERIES_EXTREMES = True


def _figure_for(question: Question, sentence: str, gap: tuple[int, int] | None,
                exclude: set[int] = frozenset(), lead_in: str = "") -> Figure | None:
    """The figure of the kind (and unit) asked for that sits where the question points.

    ``lead_in``: the article's text before the sentence, where a series' years may be set out.
    """
    # A figure the question itself states ("那1868名学生里…有多少名") is not its answer.
    # (Only of the same unit: "这十多年增长了多少" does not rule out "增长近10倍".)
    stated = [f for f in find_figures(question.text) if f.value is not None]
    every = [f for f in find_figures(sentence) if f.start not in exclude
             and not any(s.value == f.value and (not STATED_UNIT_TOO or s.kind == f.kind or s.unit == f.unit)
                         for s in stated)
             and (not _is_security_code(f, sentence) or ASKS_CODE.search(question.text))]
    if question.kind == "count" and ASKS_CODE.search(question.text):
        return next((f for f in every if _is_security_code(f, sentence)), None)  # "股票代码是什么"
    figures = [f for f in every if f.kind == question.kind]
    if INDEFINITE_ONE and question.kind == "count":
        # "长大以后做一名对党有用的人": 一名 after 做, 是 or 成为 says "a", it counts nothing.
        figures = [f for f in figures if not (re.fullmatch(r"一\s*[个名位家只件项]", f.surface)
                                              and _INDEFINITE_BEFORE.search(sentence[max(0, f.start - 3):f.start]))]
    if MULTIPLES_ANSWER_GROWTH and question.kind == "percent" and not figures and _ASKS_GROWTH.search(question.text):
        # "装机增长了多少" answered by "新能源装机增长近10倍": the multiple is the growth the sentence gives.
        figures = [f for f in every if f.unit == "倍"]
    if WRITTEN_AFTER_ASKED_WORDS and question.kind == "count" and not question.focus_unit and question.language == "zh":
        # "户均分红不低于多少": the figure written right after the question's words before its 多少
        # ("户均分红不低于5%"), whatever its kind, rather than another count of the sentence (240户).
        before = re.search(r"([\u4e00-\u9fff]{3,8})(?:是|为|有|达到?)?(?:多少|几)", question.text)
        if before is not None:
            words = before.group(1)[-4:]
            right_after = [f for f in every if f.kind in ("count", "number", "percent", "money")
                           and sentence[max(0, f.start - len(words) - 2):f.start].find(words) >= 0]
            if len(right_after) == 1:
                figures = right_after
    if BARE_DATES_NEED_EVENT and question.kind == "date" and question.language == "zh" and figures:
        # "去年12月，…项目被叫停" does not say when it 开拍: a month or day alone dates the sentence's own
        # event, so the question's event (or a word for it) must be written there.
        events = _event_verbs(question.text)
        if events and not any(_contains(sentence, w) for e in events for w in (e, *_synonyms(e))):
            figures = [f for f in figures if not _BARE_DATE.fullmatch(f.surface)]
    if OPPOSITE_EVENTS and question.kind == "date" and question.language == "zh" and figures:
        # "哪天闭幕" is not answered by a sentence that dates the 开幕 and writes no 闭幕.
        for asked, opposite in _OPPOSITE_EVENTS:
            if asked in question.text and asked not in sentence and opposite in sentence:
                return None
    if DATE_PRECISION and question.kind == "date":
        # "哪天受理": a day, not the year a bond's name carries ("2022年面向专业投资者…"); "几月": a month at least.
        if _ASKS_DAY.search(question.original):
            figures = [f for f in figures if re.search(r"[日号]|底|初|旬", f.surface)]
        elif _ASKS_MONTH.search(question.original):
            figures = [f for f in figures if "月" in f.surface]
        elif _ASKS_YEAR.search(question.original):
            figures = [f for f in figures if re.search(r"(?:19|20)\d{2}|年", f.surface)]  # "哪一年设立": not 8月15日
    changes = _change_figures(question, sentence, every)
    if changes:
        figures = changes
    elif question.kind == "count" and not question.focus_unit and not figures:
        # A bare 多少 ("卖出去多少农副产品", "增长预期是多少"): the sentence's figure may be a sum
        # of money or a percentage.
        figures = [f for f in every if f.kind in ("money", "number", "percent")]
    elif question.kind == "count" and not figures:
        figures = [f for f in every if f.kind == "number"]
    if question.kind == "percent" and "百分点" in question.text:
        # "上升了多少个百分点": a change in points, not the rate itself (49.3%).
        figures = [f for f in figures if f.surface.endswith("百分点")] or figures
    if question.kind == "money" and figures:
        # "投资多少泰铢": the sum in the currency asked, not its conversion (约合人民币…元).
        asked = focus_unit(question.text)
        if asked in CURRENCIES:
            asked = asked.replace("块钱", "元").replace("港币", "港元")
            figures = [f for f in figures if f.unit == asked] or figures
    if question.kind == "money" and question.money_category and figures:
        matching = {surface for surface, category in money_in(sentence) if category == question.money_category}
        figures = [f for f in figures if f.surface in matching] or figures
    if question.focus_unit:
        figures = [f for f in figures if same_unit(f.unit, question.focus_unit)] or (
            figures if question.kind == "duration" else [])
    if NOT_A_HEADCOUNT and question.kind == "count":
        # "最后一名被困学生", "每3人一组": one of them, or a rate, not how many there are.
        figures = [f for f in figures if not _ONE_OF_THEM.search(sentence, max(0, f.start - 3), f.start)]
        if not _PER.search(question.text):
            # "一共接了几单": not the average a day ("平均一天不到1单"), unless the question asks for one;
            # a total asked (一共, 总共) is not answered by an average at all.
            total = re.search(r"一共|总共|共计|合计|总计|累计", question.text)
            kept = [f for f in figures if not _PER.search(sentence, max(0, f.start - 8), f.start)]
            figures = kept if total else (kept or figures)
    if PER_SHARE and question.kind == "money" and figures:
        # A price per share (发行价56.56元/股, 回购价格不超过71元/股) answers a question about a price, not one
        # about a sum (募资, 回购资金); a price question prefers it to the sums beside it.
        per_share = [f for f in figures if _per_share(sentence, f)]
        if _ASKS_PRICE.search(question.text):
            figures = per_share or figures
        else:
            figures = [f for f in figures if f not in per_share] or figures
    if RATE_PERIODS and question.kind == "duration":
        # "打药一天可以覆盖400亩": 一天 is the period of a rate, not how long something took.
        figures = [f for f in figures if not _rate_period(sentence, f, every)]
    if not figures:
        return None
    # A figure inside quotation marks is part of a name or a slogan (“一人就业、全家脱贫”, “8+8”结对):
    # another figure of the kind asked is the answer.
    quoted = [(m.start(), m.end()) for m in re.finditer(r"“[^”]{1,30}”|\"[^\"]{1,30}\"", sentence)]
    plain = [f for f in figures if not any(start < f.start and f.end < end for start, end in quoted)]
    figures = plain or figures
    # Of several figures, those of the year, metric and period asked (发行价格56.56元…市盈率31.73倍).
    figures = [f for f in figures if figure_bound(question, sentence, f.start)] or figures
    if LABELLED_METRIC:
        # A figure labelled as the asked metric beats one the sentence labels as nothing ("主力资金净卖出
        # 445.34万元截至…收盘，…报收于16.37元" for the closing price).
        figures = [f for f in figures if metric_labelled(question, sentence, f.start)] or figures
    if COUNTED_NOUN_BESIDE and question.kind == "count" and not question.focus_unit and len(figures) > 1:
        asked = _ASKED_NOUN_AFTER.search(question.text)
        if asked is not None:
            noun = asked.group(1)
            beside = [f for f in figures if noun in sentence[max(0, f.start - len(noun) - 2):f.start]
                      or noun in sentence[f.end:f.end + len(noun) + 2]]
            figures = beside or figures
    if ENGLISH_COUNTED_NOUN and question.kind == "count" and question.language == "en" and len(figures) > 1:
        # "How many suppliers does Schneider have" over "在华共有29家工厂…，供应商数量超过1600家": the figure
        # written beside a rendering of the counted noun (供应商).
        renderings = _english_counted_renderings(question.original)
        beside = [f for f in figures if any(r in sentence[max(0, f.start - len(r) - 4):f.start]
                                            or r in sentence[f.end:f.end + len(r) + 2] for r in renderings)]
        figures = beside if len(beside) == 1 else figures
    end = _range_end(figures, sentence, question)
    if end is not None:
        return end
    if SERIES_EXTREMES and question.superlative and question.language == "zh" and len(figures) >= 2 \
            and _RESPECTIVELY in sentence and all(f.value is not None for f in figures) \
            and len({f.unit for f in figures}) == 1 and not named_candidates(question.text):
        # "报告期各期中，营业收入最高的一期是多少": of the figures a sentence gives 分别 (one per period or
        # item), the largest (smallest) is the answer.
        listed = [f for f in figures if f.start > sentence.find(_RESPECTIVELY)]
        if len(listed) >= 2:
            return (max if question.superlative == "max" else min)(listed, key=lambda f: f.value)
    if LATEST_OF_SERIES and question.language == "en" and _RESPECTIVELY in sentence:
        # "at the end of the latest reporting period" over "报告期各期末…分别为64.44%、64.95%、65.85%和66.16%":
        # a series is written in time order, so the latest period's figure is its last (the earliest its first).
        asked = _ASKS_LATEST.search(question.original)
        listed = [f for f in figures if f.start > sentence.find(_RESPECTIVELY)]
        if asked and len(listed) >= 2 and len({f.unit for f in listed}) == 1:
            return listed[0] if asked.group(1).lower() == "earliest" else listed[-1]
    respective = _respective_figure(figures, sentence, question)
    if respective is not None:
        return respective
    item = _item_clause_figure(figures, sentence, question)
    if item is not None:
        return item
    if lead_in and question.years:
        # "报告期各期…分别为a、b和c" after "2020年至2022年": c is 2022's.
        in_year = respective_year_figure(figures, [f.start for f in figures], sentence, question.years, lead_in)
        if in_year is not None:
            return in_year
    labelled = _labelled_figure(figures, sentence, question)
    if labelled is not None:
        return labelled
    total = [f for f in figures if _TOTAL_BEFORE.search(sentence[max(0, f.start - 6):f.start])] if TOTALS_FIRST else []
    if len(figures) > 1 and len(total) == 1:
        # "共有6家机构给出评级，买入评级3家，增持评级3家": where no label tells the figures apart, the
        # total answers; a part is asked by its own words (买入评级), which its label repeats.
        return total[0]
    purposed = _purposed_figure(figures, every, sentence, question)
    if purposed is not None:
        return purposed
    predicated = _predicate_figure(figures, sentence, question)
    if predicated is not None:
        return predicated
    subject = _subject_figure(figures, sentence, question)
    if subject is not None:
        return subject
    return _nearest_span(figures, gap) if gap else _nearest_figure(figures, sentence, question)


# "户均分红不低于多少": a count asked with no unit is the figure written right after the words the question
# writes before its 多少, of any kind (5%). Off: a count figure of the sentence.
WRITTEN_AFTER_ASKED_WORDS = True
# An event's date does not answer when its opposite is asked (开幕 for 闭幕, 开工 for 竣工). Off: any date may.
OPPOSITE_EVENTS = True
_OPPOSITE_EVENTS = tuple((a, b) for pair in (("开幕", "闭幕"), ("开工", "竣工"), ("开始", "结束"), ("开业", "停业"),
                                             ("上市", "退市"), ("开通", "停运"), ("启动", "收官"), ("出发", "返回"))
                         for a, b in (pair, pair[::-1]))
# A duration of one unit with a count after it in its clause is a rate's period (一天可以覆盖400亩, 一年能挣2万元);
# another duration of the sentence answers "多长时间". Off: any duration.
RATE_PERIODS = True


def _rate_period(sentence: str, figure: Figure, every: list[Figure]) -> bool:
    if not re.match(r"(?:一|1)\s*(?:个)?(?:天|日|年|月|小时|周)$", figure.surface):
        return False
    clause_end = min((i for i in (sentence.find(c, figure.end) for c in "，,。；;") if i >= 0), default=len(sentence))
    return any(f.kind in ("count", "money") and figure.end <= f.start < clause_end for f in every)


# "武陵村每年出栏多少肉鸽": a count asked of a noun, with no unit, is the figure written beside that noun
# ("肉鸽700万至800万羽", "孢子粉30克", "120头肉牛"), not another of the sentence's counts (带动100多户).
# Off: the figure nearest the question's words.
COUNTED_NOUN_BESIDE = True
# An English question's capitalised name that is no English word, written in Latin letters in some retrieved
# passage, must be written in the answer's passage. Off: English questions are not held to such names.
ENGLISH_LATIN_SOURCES = True
_CAPITALISED_NAME = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z0-9]+(?:\s+[A-Z][A-Za-z0-9]+)*")


def _latin_names_in_passages(question: Question, hits: list[Hit]) -> tuple[str, ...]:
    """The English question's capitalised names (lower-cased) that are no dictionary word and that one of ``hits``
    writes; () for a Chinese question."""
    if question.language != "en":
        return ()
    from rag.lexicon import is_english_word

    texts = [f"{h.chunk.title}\n{h.chunk.text}".lower() for h in hits]
    names = []
    for match in _CAPITALISED_NAME.finditer(question.original):
        name = match.group().lower()
        words = name.split()
        if len(name) < 4 or (len(words) == 1 and (is_english_word(name) or match.start() == 0)):
            continue  # (a sentence's first word; a word the dictionary knows)
        if any(name in text for text in texts):
            names.append(name)
    return tuple(names)


# An English count's noun ("how many suppliers"), rendered in Chinese, picks the figure written beside it.
# Off: the figure nearest the question's words.
ENGLISH_COUNTED_NOUN = True
_ENGLISH_COUNTED = re.compile(r"\bhow many ((?:[\w-]+ ){0,3}?[\w-]+?)(?= (?:were|are|was|is|do|does|did|have|has|had|will|"
                              r"can|could|would|should|in|of|at|on|for|from|does)\b)", re.I)


def _english_counted_renderings(question: str) -> list[str]:
    """The Chinese renderings (two characters or more) of the noun an English "how many" counts."""
    from rag.lexicon import english_groups

    asked = _ENGLISH_COUNTED.search(question)
    if asked is None:
        return []
    noun = asked.group(1).split()[-1]
    return [t for group in english_groups(noun) for t in group if len(t) >= 2]
_ASKED_NOUN_AFTER = re.compile(r"(?:多少|几)([\u4e00-\u9fff]{2,4}?)(?=[？?，,。]|$)")


# "营业收入下降了多少": the amount of a change, asked without a unit of its own; the figure is the
# one written right after a change word ("…7051亿元，下降2.5%"), whatever its kind.
_CHANGE_WORDS = r"增长|下降|下滑|减少|增加|提高|降低|上涨|下跌|上升|萎缩|回落|提升|扩大|缩小|新增|增幅|降幅|涨幅|跌幅"
# A question asks the change in plainer verbs than the article reports it in (降了多少, 跌了多少, 掉了多少).
COLLOQUIAL_CHANGES = True
_COLLOQUIAL_CHANGE_WORDS = r"降|跌|涨|掉|少|减|增|下滑|滑落|缩水"
_ASKS_CHANGE = re.compile(rf"(?:{_CHANGE_WORDS})了?(?:多少|几)(?=[？?。，,\s]|$)")
_ASKS_COLLOQUIAL_CHANGE = re.compile(rf"(?:{_COLLOQUIAL_CHANGE_WORDS})了(?:多少|几)(?=[？?。，,\s]|$)")
_FORMAL_CHANGES = {"降": ("下降", "降低"), "跌": ("下跌",), "涨": ("上涨",), "掉": ("下降", "下跌", "下滑", "减少"),
                   "少": ("减少",), "减": ("减少",), "增": ("增长", "增加"), "下滑": ("下降", "下滑"), "滑落": ("下降", "下滑"),
                   "缩水": ("下降", "减少")}


def _plain_change_labels(question: str) -> set[str]:
    """What labels the change a question asks in a plain verb, in the article's words: the formal verbs
    (降: 下降, 降低) and the two characters the question writes before its verb (环比降了多少: 环比,
    which jieba may have cut as 营收环 | 比降)."""
    labels = set()
    for m in (_ASKS_COLLOQUIAL_CHANGE.finditer(question) if COLLOQUIAL_CHANGES else ()):
        plain = m.group()[:-3] if m.group().endswith("了多少") else m.group()[:-2]
        labels.update(_FORMAL_CHANGES.get(plain, ()))
        before = question[max(0, m.start() - 2):m.start()]
        if re.fullmatch(r"[\u4e00-\u9fff]{2}", before):
            labels.add(before)
    return labels
_AFTER_CHANGE = re.compile(rf"({_CHANGE_WORDS})(?:了|为|达到?|约|近|超过|逾|幅度为?)*\s*$")
CHANGE_FIGURES = True
# "渗透率又会提升到多少", "排名掉到了第几": the level a change ends at, the figure after its 至/到
# ("从25.6%提升至32%", "由第三名降到了第六名"), not where it started. Off: any figure of the kind.
CHANGE_LEVELS = True
_ASKS_LEVEL = re.compile(rf"(?:{_CHANGE_WORDS}|{_COLLOQUIAL_CHANGE_WORDS}|升)(?:到|至)了?(?:多少|第几|几)")
_AFTER_LEVEL = re.compile(rf"(?:{_CHANGE_WORDS}|{_COLLOQUIAL_CHANGE_WORDS}|升)(?:到|至)了?(?:约|近|超过|逾)?\s*$")


def _change_figures(question: Question, sentence: str, every: list[Figure]) -> list[Figure]:
    """For a question about a change asked without a unit, the figures that a change word introduces;
    for one about the level a change reaches, the figures right after its 至/到."""
    if CHANGE_LEVELS and _ASKS_LEVEL.search(question.text):
        return [f for f in every if f.kind == question.kind and _AFTER_LEVEL.search(sentence[max(0, f.start - 8):f.start])]
    if not CHANGE_FIGURES or question.focus_unit:
        return []
    if not (_ASKS_CHANGE.search(question.text)
            or (COLLOQUIAL_CHANGES and _ASKS_COLLOQUIAL_CHANGE.search(question.text))):
        return []
    return [f for f in every if f.kind in ("percent", "money", "count", "number")
            and _AFTER_CHANGE.search(sentence[max(0, f.start - 8):f.start])]


_RESPECTIVELY = "分别"
LATEST_OF_SERIES = True
_ASKS_LATEST = re.compile(r"\b(latest|most recent|earliest)\s+(?:reporting\s+|financial\s+|fiscal\s+)?"
                          r"(?:period|year|quarter)\b", re.I)  # ("first half", "last year" name a period, not a place in a series)
_ITEM_JOIN = re.compile(r"、|以及|和|与|及")
# Where the last item of "A和B的…分别" stops: the words the items share come after it.
_ITEM_END = re.compile(r"的|，|,|也|将|都|均|同比|环比|分别")


def _respective_pairs(figures: list[Figure], sentence: str) -> list[tuple[str, Figure]]:
    """"A、B和C…分别为f1、f2、f3": each item before 分别 with the figure in its place after it, in order
    ([] when the sentence pairs none)."""
    at = sentence.find(_RESPECTIVELY)
    if at < 0:
        return []
    stop = min([i for i in (sentence.find(c, at) for c in "，,。；;") if i >= 0] or [len(sentence)])
    after = [f for f in figures if at < f.start < stop]
    region_start = max(sentence.rfind(c, 0, at) for c in "。；;") + 1
    items = _ITEM_JOIN.split(sentence[region_start:at])
    if len(after) < 2 or len(items) < len(after):
        return []
    items = items[-len(after):]
    items[0] = re.split(r"[，,：:]", items[0])[-1]
    items[-1] = _ITEM_END.split(items[-1])[0]
    for figure_in_item in {f.surface for item in items for f in find_figures(item)}:
        items = [item.replace(figure_in_item, "") for item in items]  # 进口水果11.2万吨 -> 进口水果
    return list(zip(items, after))


def _asked_items(question_text: str) -> list[str]:
    """The items of "A和B的X分别是多少" (A, B), in the question's order; [] when it asks of no such list."""
    at = question_text.find(_RESPECTIVELY)
    if at < 0:
        return []
    clause = re.split(r"[，,：:]", question_text[:at])[-1]
    clause = clause.split("的")[0] if "的" in clause else clause
    items = [item.strip() for item in _ITEM_JOIN.split(clause)]
    return items if len(items) >= 2 and all(len(item) >= 2 for item in items) else []


def _respective_figures_asked(question: Question, sentence: str) -> list[Figure]:
    """"减速器和直线执行器的成本占比分别是多少" over "减速器、伺服电机、直线执行器成本占比分别为14%、19%、15%":
    each asked item's figure (14%, 15%), in the question's order; [] unless every item has exactly one."""
    asked = _asked_items(question.text)
    pairs = _respective_pairs([f for f in find_figures(sentence) if f.value is not None], sentence) if asked else []
    chosen = []
    for item in asked:
        # The sentence's item that writes the asked one (or that the asked one writes: 直线执行器 / 执行器).
        holders = [figure for written, figure in pairs if item in written or (len(written) >= 2 and written in item)]
        if len(holders) != 1:
            return []
        chosen.append(holders[0])
    return chosen


def _respective_figure(figures: list[Figure], sentence: str, question: Question) -> Figure | None:
    """In "A和B…分别…f1和f2", the figure in the place of the item the question names.

    "低级军官和中级军官的服役年龄上限分别提升至60岁和65岁" answers a question about
    中级军官 with 65岁, and "进口水果11.2万吨、货值8.9亿元，同比分别增长了6.6倍、19倍"
    one about 货值 with 19倍: the items before 分别 pair off, in order, with the figures
    after it. The item is told by a question word that only it holds; of several, the
    question's last (its head noun: 进口水果的货值 asks about 货值). None when the
    sentence does not pair items with figures or no word tells the item.
    """
    pairs = _respective_pairs(figures, sentence)
    if not pairs:
        return None
    items = [item for item, _ in pairs]
    after = [figure for _, figure in pairs]
    telling = []  # (position in the question, item index)
    for token in dict.fromkeys(t for t in question.tokens if len(t) > 1):
        holders = [i for i, item in enumerate(items) if token in item]
        if len(holders) == 1:
            telling.append((question.text.rfind(token), holders[0]))
    # A part of "A和B分别…" asked of one organisation (``question.organisations`` holds only it):
    # that organisation's item, whatever the question's other words.
    for organisation in question.organisations:
        holders = [i for i, item in enumerate(items) if organisation in item]
        if len(holders) == 1:
            return after[holders[0]]
    if not telling or question.organisations:  # an organisation the items write otherwise: no guess
        return None
    return after[max(telling)[1]]


# Between a figure and the words that label it: a verb or particle (收入为, 将达, 压缩了),
# and the other end of a range (55至70毫米); never more than a few characters.
# An organisation's own passages read for its part of "A和B分别…" when the top passages miss it
# (a bound: a large corpus has hundreds for a big enterprise).
_MAX_OWN_PASSAGES = 200
# "A和B分别/各自/各…": a question asked of each organisation it names.
_EACH = re.compile(r"分别|各自|各有|各[是为]|各(?=[\u4e00-\u9fff]{0,4}(?:多少|几))")
_LABEL_FILLER = set("为是达到约近逾超过共有了将已的在至~～-－—.,") | set("0123456789")
_MAX_FILLER = 8
# Figures that a label before them names (收入为…, 座椅…个); a date's words usually follow it.
_LABELLED_KINDS = {"money", "count", "percent", "duration"}


def _label_length(sentence: str, start: int, words: list[str]) -> int:
    """How many characters of the question's own words directly precede ``start``: the
    figure's label ("品牌广告收入为2400万美元" -> 6 for a question about 品牌广告收入).

    Walks back over the question's words (longest first), skipping a few filler
    characters between the figure and its label, and stops at anything else.
    """
    matched = filler = 0
    position = start
    while position > 0:
        word = next((w for w in words if sentence.startswith(w, position - len(w))), None)
        if word is not None:
            matched += len(word)
            position -= len(word)
        elif matched == 0 and filler < _MAX_FILLER and (sentence[position - 1] in _LABEL_FILLER
                                                       or sentence[position - 1].isspace()):
            filler += 1
            position -= 1
        else:
            break
    return matched


def _counted_length(sentence: str, end: int, words: list[str]) -> int:
    """How many characters of the question's own words directly follow a count: what it counts
    ("为4498名专业技术人员提供…" -> 6 for a question about 专业技术人员)."""
    matched = 0
    position = end + (1 if sentence.startswith("的", end) else 0)
    while position < len(sentence):
        word = next((w for w in words if sentence.startswith(w, position)), None)
        if word is None:
            break
        matched += len(word)
        position += len(word)
    return matched


def _labelled_figure(figures: list[Figure], sentence: str, question: Question) -> Figure | None:
    """Of several figures of the kind asked, the one whose label repeats most of the question's
    words, when one does so strictly more than every other ("总收入为1.52亿美元，其中，品牌广告
    收入为2400万美元" answers "品牌广告收入是多少" with 2400万美元); else None."""
    if len(figures) < 2 or question.kind not in _LABELLED_KINDS:
        return None
    # The question's words, single characters included (jieba leaves 面 of 面雨量 alone), but not
    # its figures or the particles that sit between a label and its figure.
    words = {t for t in question.tokens if not t.isdigit() and not (len(t) == 1 and t in _LABEL_FILLER)}
    # A change asked in a plain verb (环比降了多少) is labelled in the article's word (环比下降3.2%).
    words |= _plain_change_labels(question.text)
    words = sorted(words, key=len, reverse=True)
    # A count's label may also follow it: the noun after its classifier is what it counts
    # ("帮助952名基层干部…，为4498名专业技术人员…" asked of 专业技术人员).
    lengths = [_label_length(sentence, f.start, words)
               + (_counted_length(sentence, f.end, words) if f.kind == "count" else 0) for f in figures]
    best = max(lengths)
    if best < 2 or lengths.count(best) > 1:
        return None
    return figures[lengths.index(best)]


# Tell figures apart by the item each one's own clause names (see _item_clause_figure).
ITEM_CLAUSES = True
# Where a clause ends: not at the comma of a figure (4,399.96万元).
_CLAUSE_ENDS = re.compile(r"[，；;。！？!?：:\n]|,(?!\d)")
# Words that say how a figure changed, not whose it is: every parallel clause may write them.
_HOW_WORDS = re.compile(rf"^(?:{_CHANGE_WORDS}|同比|环比|比上年|比去年|较上年|上年|去年|同期|分别|业务|其中)$")


@functools.lru_cache(maxsize=64)
def _item_words(text: str, organisations: tuple[str, ...]) -> tuple[str, ...]:
    """The question's words that can tell one clause's item from another's (kept per question: the
    answerer asks this for every sentence it tries)."""
    from rag.jieba import tag

    plain = set(_FORM_WORDS) | _ANSWER_TYPE_WORDS
    # A name (a person, an organisation, a place) is the sentence's topic more often than one clause's
    # item: "董某共关联27家企业，…，在23家企业担任高管" names 董某 only where it starts.
    names = {word for word, flag in tag(text) if flag in ("nr", "nt", "ns")} | set(organisations)
    return tuple(w for w in _content_words(text) if len(w) > 1 and w not in plain and not w.isdigit()
                 and not _HOW_WORDS.match(w) and not any(w in name or name in w for name in names))


def _item_clause_figure(figures: list[Figure], sentence: str, question: Question) -> Figure | None:
    """Of figures in parallel clauses ("其中手机业务同比下滑2%，平板业务下滑20%"), the one whose own clause
    (between the clause marks around it) names a word of the question that no other figure's clause
    names; None unless exactly one figure's clause does. Words of how a figure changed (同比, 下滑)
    tell no item apart, and the sentence's shared head (手机、平板产品线的收入均…) is no figure's own."""
    if not ITEM_CLAUSES or len(figures) < 2 or question.language != "zh":
        return None
    words = _item_words(question.text, question.organisations)
    bounds = [0] + [m.end() for m in _CLAUSE_ENDS.finditer(sentence)] + [len(sentence) + 1]
    owns = []
    for figure in figures:
        start = max(b for b in bounds if b <= figure.start)
        end = min(b for b in bounds if b > figure.start) - 1
        owns.append((start, {w for w in words if w in sentence[start:end]}))
    if len({start for start, _ in owns}) < len(owns):
        return None  # two figures in one clause: their clause tells them not apart
    distinct = [own - set().union(*(o for j, (_, o) in enumerate(owns) if j != i)) for i, (_, own) in enumerate(owns)]
    named = [i for i, d in enumerate(distinct) if d]
    return figures[named[0]] if len(named) == 1 else None


# Tell figures apart by the subject written before each, when neither label nor purpose does (see _subject_figure).
SUBJECT_WINDOWS = True


def _subject_figure(figures: list[Figure], sentence: str, question: Question) -> Figure | None:
    """Of several figures of the kind asked, the one whose stretch of sentence since the figure of
    that kind before it repeats the longest run of the question's text; None when none strictly does.

    The same label before each ("…收入达到620亿元，同比增长3.6%，其中，智慧家庭业务收入达到93亿元，
    同比增长15.7%"): what each figure is about was written before it, since the figure before it.
    """
    if not SUBJECT_WINDOWS or len(figures) < 2 or question.kind not in _LABELLED_KINDS:
        return None
    tied = figures
    runs = []
    for figure in tied:
        since = max([f.end for f in figures if f.end <= figure.start] + [0])
        runs.append(_longest_common_run(sentence[since:figure.start], question.text))
    best = max(runs, default=0)
    if best < 3 or runs.count(best) > 1:
        return None
    return tied[runs.index(best)]


# Tell figures apart by the predicate of the clause each stands in (see _predicate_figure).
PREDICATE_CLAUSES = True
_CLAUSE_MARKS = "，,；;。！？!?：:\n"


def _predicate_figure(figures: list[Figure], sentence: str, question: Question) -> Figure | None:
    """Of several figures of the kind asked, the one whose clause says what the question's predicate says.

    A news sentence states its topic once and lists facts about it in clauses that drop it
    ("董某共关联27家企业，在19家企业担任法定代表人，在23家企业担任高管"). What binds a figure
    to the question is then the predicate, the words the question writes after its question word
    (多少家企业里|当高管): the clause that holds most of them, and whose figure those words follow
    directly (哪一年|通过立法 -> "2020年通过地方立法"), holds the answer. Words every candidate's
    clause holds tell nothing. None when no clause strictly wins.
    """
    if not PREDICATE_CLAUSES or len(figures) < 2 or question.language != "zh":
        return None
    sides = question_sides(question.text)
    if sides is None:
        return None
    plain = set(_FORM_WORDS) | _ANSWER_TYPE_WORDS
    right = [w for w in _content_words(sides[1]) if len(w) > 1 and w not in plain and not w.isdigit()]
    if not right:
        return None

    def clause(f: Figure) -> str:
        start = max(sentence.rfind(c, 0, f.start) for c in _CLAUSE_MARKS) + 1
        ends = [i for i in (sentence.find(c, f.end) for c in _CLAUSE_MARKS) if i >= 0]
        return sentence[start:min(ends) if ends else len(sentence)]

    clauses = [clause(f) for f in figures]
    # A question word may be a sentence's word with more glued on (当高管 for 担任高管): its
    # longest run of two or more characters in the clause counts.
    held = [[_held_length(w, c) for w in right] for c in clauses]
    telling = [i for i in range(len(right)) if len({h[i] for h in held}) > 1]
    # The question's first word after its question word written right after the figure (哪一年|通过 ->
    # 2020年通过; 什么日期|裁定 -> "8月3日裁定…8月4日的表决" is the 3rd): the figure it is said of.
    first = right[0]
    scores = [sum(h[i] for i in telling)
              + (2 * _counted_length(sentence, f.end, right) if sentence.startswith(first, f.end) else 0)
              for f, h in zip(figures, held)]
    best = max(scores)
    if best < 2 or scores.count(best) > 1:
        return None
    return figures[scores.index(best)]


def _held_length(word: str, text: str) -> int:
    """The length of the longest part of ``word`` (two characters or more) that ``text`` holds."""
    for length in range(len(word), 1, -1):
        if any(word[i:i + length] in text for i in range(len(word) - length + 1)):
            return length
    return 0


def _longest_common_run(text: str, question: str) -> int:
    """The length of the longest run of Chinese characters of ``text`` that the question also writes."""
    best = 0
    for i in range(len(text)):
        length = best + 1
        while i + length <= len(text) and "\u4e00" <= text[i + length - 1] <= "\u9fff" \
                and text[i:i + length] in question:
            if all("\u4e00" <= c <= "\u9fff" for c in text[i:i + length]):
                best = length
            length += 1
    return best


def _purposed_figure(figures: list[Figure], every: list[Figure], sentence: str, question: Question) -> Figure | None:
    """Of several sums given alike ("捐赠50万元保护…孟戏，捐赠100万元冠名支持…足球邀请赛"), the one whose
    purpose, written after it up to the next figure or clause, holds strictly most of the question's words."""
    if len(figures) < 2 or question.kind != "money":
        return None
    words = [t for t in dict.fromkeys(question.tokens) if len(t) > 1 and not t.isdigit()]
    starts = sorted(f.start for f in every)
    scores = []
    for figure in figures:
        end = min([s for s in starts if s > figure.start] + [len(sentence)])
        stop = re.search(r"[，,；;。！？!?]", sentence[figure.end:end])
        purpose = sentence[figure.end: figure.end + stop.start() if stop else end]
        scores.append(sum(len(w) for w in words if w in purpose))
    best = max(scores)
    if best < 2 or scores.count(best) > 1:
        return None
    return figures[scores.index(best)]


def _nearest_figure(figures: list[Figure], sentence: str, question: Question) -> Figure:
    anchors = [sentence.find(t) for t in question.tokens if len(t) > 1 and t in sentence]
    if not anchors:
        return figures[0]
    # Figures follow the words they measure in Chinese: prefer one after an anchor.
    return min(figures, key=lambda f: min((f.start - a) if f.start >= a else 3 * (a - f.start) for a in anchors))


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

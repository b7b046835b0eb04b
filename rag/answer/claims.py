"""Check a model's answer against the passages it cites, sentence by sentence.

A sentence stays only when the passages it cites support what it claims:

- a figure is supported when a cited passage states the same value in a
  clause or sentence bound to the same organisation and place as the model's
  sentence binds it to. The passage's organisation for a sum of money is the
  spender that the index's facts (``rag.facts.MoneyFact``) recorded; for other
  figures, the organisation named last before it in its sentence, else the
  article's subject. The passage's place is the one its sentence names, else
  the last one named before it in the passage, else the title's. Mere
  co-occurrence of the figure and the names somewhere in the passage is not
  enough: "中国电科购买4272.32万元" does not support "华润集团购买4272.32万元"
  because both names happen to be in the passage.
- an organisation or place named without a figure needs a cited passage that
  names it together with the sentence's places (an article's subject counts
  as named in all its passages);
- a year needs a cited passage that states it;
- a sentence that states anything but cites nothing, or cites a passage that
  does not exist, is dropped.

Where the model's sentence names no organisation or place (a short answer such
as "7.78亿元[1]。"), it answers the question, so the question's organisations and
places are the ones its figures must be bound to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from rag.answer.question import Question
from rag.answer.spans import find_figures
from rag.documents import Chunk, Citation
from rag.entities import Mention, aliases_of, english_mentions, find_organisations
from rag.facts import PassageFacts, Place, extract_facts, find_places

_CITATION = re.compile(r"\[(\d+)\]")
_CITATION_LIST = re.compile(r"\[(\d+(?:\s*[,，、]\s*\d+)+)\]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)(?=\s)|\n+")
_PASSAGE_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
_CLAUSE_END = "，,；;。！？!?：:\n"
_YEAR = re.compile(r"^(?:19|20)\d{2}$")  # a bare 2023 is a year
_PARTNER_BEFORE = ("与", "和", "同", "跟", "联合", "携手", "向", "为")
_MAX_QUOTE_CHARS = 300

FactsOf = Callable[[Chunk], PassageFacts]


@dataclass(frozen=True)
class CheckedAnswer:
    """The model's answer after checking: kept text, its citations, and what was dropped."""

    text: str
    citations: tuple[Citation, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class _Figure:
    value: float
    start: int
    end: int
    date_part: bool  # a year, month or day: checked for presence, not bound
    surface: str = ""


def check_answer(text: str, passages: list[Chunk], question: Question | None = None,
                 facts: FactsOf | None = None) -> CheckedAnswer:
    """Keep the sentences of ``text`` that the passages they cite support (see the module docstring).

    Citations are renumbered in order of first use, so the answer always reads
    [1], [2], … Each number's quote is the sentence of its passage that best
    supports the words just before the marker (their figures first).

    Args:
        text: The model's answer with ``[n]`` markers into ``passages`` (1-based).
        question: The question answered: its organisations and places bind
            the figures of sentences that name none.
        facts: The facts of a passage (default: ``rag.facts.extract_facts``, the
            extraction the index ran at build time, redone for these few passages).
    """
    evidence = _Evidence(passages, facts or extract_facts)
    kept: list[str] = []
    removed: list[str] = []
    for sentence in split_sentences(normalise_markers(text)):
        # Out-of-range numbers are the model's invention: drop the marker.
        sentence = _CITATION.sub(lambda m: m.group() if 1 <= int(m.group(1)) <= len(passages) else "", sentence)
        body = _CITATION.sub("", sentence).strip()
        if not body:
            continue
        claims = _Claims.of(body, question)
        refs = _refs(sentence)
        if not refs:
            # An uncited claim cannot be checked; a connective sentence can stay.
            if claims.states_anything:
                removed.append(body)
            else:
                kept.append(sentence)
            continue
        if evidence.supports(claims, refs):
            kept.append(sentence)
        else:
            removed.append(body)
    if not any(_CITATION.search(sentence) for sentence in kept):
        return CheckedAnswer("", (), tuple(removed))
    return _renumbered(kept, passages, tuple(removed))


@dataclass(frozen=True)
class _Claims:
    """What one sentence of the answer states."""

    figures: tuple[_Figure, ...]
    owners: tuple[frozenset[str], ...]  # per figure: the organisations it may belong to (empty: any)
    places: tuple[frozenset[str], ...]  # per figure: the place stems it must be bound to
    organisations: tuple[str, ...]
    sentence_places: frozenset[str]

    @property
    def states_anything(self) -> bool:
        return bool(self.figures or self.organisations or self.sentence_places)

    @classmethod
    def of(cls, body: str, question: Question | None) -> _Claims:
        mentions = sorted(find_organisations(body) + english_mentions(body), key=lambda m: m.start)
        places = find_places(body, mentions)
        asked_owners = frozenset(question.organisations) if question else frozenset()
        asked_places = frozenset(question.places) if question else frozenset()
        figures, owners, bound_places = [], [], []
        for figure in figures_in(body):
            figures.append(figure)
            clause_start, clause_end = _clause(body, figure.start, figure.end)
            owners.append(_owners(body, mentions, figure, clause_start, clause_end) or asked_owners)
            # Places named up to the end of the figure's clause are where it was spent;
            # a sentence that names no place at all answers the question's place.
            before = frozenset(p.stem for p in places if p.start < clause_end)
            bound_places.append(before if places else asked_places)
        organisations = tuple(dict.fromkeys(m.canonical for m in mentions))
        sentence_places = frozenset(p.stem for p in places)
        return cls(tuple(figures), tuple(owners), tuple(bound_places), organisations, sentence_places)


def _owners(body: str, mentions: list[Mention], figure: _Figure, clause_start: int, clause_end: int) -> frozenset[str]:
    """The organisations a figure of the model's sentence is attributed to (partners after 与/和/向 are not)."""
    actors = [m for m in mentions if not _is_partner(body, m)]
    in_clause = [m.canonical for m in actors if clause_start <= m.start < clause_end]
    if in_clause:
        return frozenset(in_clause)
    before = [m.canonical for m in actors if m.start < figure.start]
    if before:
        return frozenset(before[-1:])
    return frozenset(m.canonical for m in actors[:1])


class _Evidence:
    """The numbered passages with what the checks need of each (facts, mentions, places)."""

    def __init__(self, passages: list[Chunk], facts: FactsOf):
        self.passages = passages
        self.facts_of = facts
        self._cache: dict[int, tuple[PassageFacts, list[Mention], list[Place]]] = {}

    def _read(self, n: int) -> tuple[PassageFacts, list[Mention], list[Place]]:
        if n not in self._cache:
            chunk = self.passages[n - 1]
            facts = self.facts_of(chunk)
            mentions = find_organisations(chunk.text)
            self._cache[n] = (facts, mentions, list(facts.places))
        return self._cache[n]

    def supports(self, claims: _Claims, refs: list[int]) -> bool:
        for figure, owners, places in zip(claims.figures, claims.owners, claims.places):
            if figure.date_part:
                if not any(self._states(n, figure) for n in refs):
                    return False
            elif not any(self._binds(n, figure, owners, places) for n in refs):
                return False
        for organisation in claims.organisations:
            if not any(self._names(n, organisation) and self._names_places(n, claims.sentence_places) for n in refs):
                return False
        if claims.sentence_places and not any(self._names_places(n, claims.sentence_places) for n in refs):
            return False
        return True

    def _context(self, n: int) -> str:
        chunk = self.passages[n - 1]
        return f"{chunk.title}\n{chunk.text}"

    def _names(self, n: int, organisation: str) -> bool:
        chunk = self.passages[n - 1]
        return chunk.subject == organisation or any(alias in self._context(n) for alias in aliases_of(organisation))

    def _names_places(self, n: int, places: frozenset[str]) -> bool:
        return all(place in self._context(n) for place in places)

    def _states(self, n: int, figure: _Figure) -> bool:
        return any(_same(occurrence, figure) for occurrence in figures_in(self.passages[n - 1].text))

    def _binds(self, n: int, figure: _Figure, owners: frozenset[str], places: frozenset[str]) -> bool:
        """Passage ``n`` states ``figure`` in a clause bound to one of ``owners`` and to every one of ``places``."""
        chunk = self.passages[n - 1]
        facts, mentions, passage_places = self._read(n)
        for occurrence in figures_in(chunk.text):
            if not _same(occurrence, figure):
                continue
            sentence_start, sentence_end = _sentence(chunk.text, occurrence.start)
            if owners and not owners & _owners_in_passage(chunk, facts, mentions, occurrence, sentence_start):
                continue
            if places and not _places_hold(chunk, passage_places, places, sentence_start, sentence_end):
                continue
            return True
        return False


def _owners_in_passage(chunk: Chunk, facts: PassageFacts, mentions: list[Mention], occurrence: _Figure,
                       sentence_start: int) -> set[str]:
    """Whose figure this is in the passage: the organisations its clause names, plus its recorded spender.

    A sum of money has a spender in the index's facts (the organisation named
    last before it in its sentence, not as a partner, else the subject). Any
    other figure belongs to the organisation named last before it in its
    sentence, else to the article's subject.
    """
    clause_start, clause_end = _clause(chunk.text, occurrence.start, occurrence.end)
    owners = {m.canonical for m in mentions if clause_start <= m.start < clause_end and not _is_partner(chunk.text, m)}
    money = next((f for f in facts.money if f.start <= occurrence.start < f.end), None)
    if money is not None:
        if money.organisation:
            owners.add(money.organisation)
        return owners
    before = [m for m in mentions if sentence_start <= m.start < occurrence.start and not _is_partner(chunk.text, m)]
    if before:
        owners.add(before[-1].canonical)
    elif not owners and chunk.subject:
        owners.add(chunk.subject)
    return owners


def _places_hold(chunk: Chunk, passage_places: list[Place], wanted: frozenset[str], sentence_start: int,
                 sentence_end: int) -> bool:
    """Every wanted place is the place of the figure's sentence (its own, else the last one named before, else the title's)."""
    sentence = chunk.text[sentence_start:sentence_end]
    named_here = [p for p in passage_places if sentence_start <= p.start < sentence_end]
    if named_here or all(place in sentence for place in wanted):
        return all(place in sentence for place in wanted)
    earlier = [p for p in passage_places if p.start < sentence_start]
    if earlier:
        return len(wanted) == 1 and earlier[-1].stem in wanted
    return all(place in chunk.title for place in wanted)


def _is_partner(text: str, mention: Mention) -> bool:
    return text[max(0, mention.start - 2) : mention.start].endswith(_PARTNER_BEFORE)


def figures_in(text: str) -> list[_Figure]:
    """Every figure in ``text`` with its value (7.78亿元 = 77800万元, 三千万元 = 3000万元), read by
    ``rag.answer.spans`` (the answerers' figure patterns); dates and bare years are marked as dates."""
    found = []
    for figure in find_figures(text):
        surface = re.sub(r"\s+", "", figure.surface)
        if figure.kind == "date" or (figure.kind == "number" and _YEAR.match(surface)):
            found.append(_Figure(figure.value or 0.0, figure.start, figure.end, True, surface))
        elif figure.value is not None:
            found.append(_Figure(figure.value, figure.start, figure.end, False, surface))
    return found


def _same(occurrence: _Figure, claimed: _Figure) -> bool:
    """The passage's figure states the claimed one: the same value, or for a date the claimed date within it."""
    if claimed.date_part:
        return occurrence.date_part and (claimed.surface in occurrence.surface or occurrence.surface in claimed.surface)
    return not occurrence.date_part and \
        abs(occurrence.value - claimed.value) <= 1e-9 * max(abs(occurrence.value), abs(claimed.value), 1.0)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    clause_start = max(text.rfind(c, 0, start) for c in _CLAUSE_END) + 1
    clause_end = min([i for i in (text.find(c, end) for c in _CLAUSE_END) if i >= 0], default=len(text))
    return clause_start, clause_end


def _sentence(text: str, position: int) -> tuple[int, int]:
    for match in _PASSAGE_SENTENCE.finditer(text):
        if match.start() <= position < match.end():
            return match.start(), match.end()
    return 0, len(text)


def _renumbered(kept: list[str], passages: list[Chunk], removed: tuple[str, ...]) -> CheckedAnswer:
    order: dict[int, int] = {}
    support: dict[int, list[str]] = {}
    for sentence in kept:
        previous = 0
        for marker in _CITATION.finditer(sentence):
            n = int(marker.group(1))
            order.setdefault(n, len(order) + 1)
            support.setdefault(n, []).append(_CITATION.sub("", sentence[previous : marker.start()]) or sentence)
            previous = marker.end()
    citations = []
    for original, new in order.items():
        chunk = passages[original - 1]
        start, end = _supporting_span(chunk, support[original])
        quote, raw_start, raw_end = chunk.quote(start, end)
        citations.append(Citation(new, chunk.id, chunk.doc_id, quote, raw_start, raw_end, chunk.title))
    parts = [_CITATION.sub(lambda m: f"[{order[int(m.group(1))]}]", sentence) for sentence in kept]
    joiner = "" if all(_ends_chinese(p) for p in parts) else " "
    return CheckedAnswer(joiner.join(parts), tuple(citations), removed)


def normalise_markers(text: str) -> str:
    text = text.replace("【", "[").replace("】", "]").replace("［", "[").replace("］", "]")
    # "[1, 2]" -> "[1][2]"
    return _CITATION_LIST.sub(lambda m: "".join(f"[{n}]" for n in re.split(r"\s*[,，、]\s*", m.group(1))), text)


def split_sentences(text: str) -> list[str]:
    """Sentences, with a citation that follows the full stop moved onto its sentence."""
    parts = [p for p in _SENTENCE_END.split(text) if p and p.strip()]
    sentences: list[str] = []
    for part in parts:
        leading = re.match(r"^\s*((?:\[\d+\])+)", part)
        if leading and sentences:
            sentences[-1] += leading.group(1)
            part = part[leading.end():]
        if part.strip():
            sentences.append(part.strip())
    return sentences


def strip_markers(text: str) -> str:
    return _CITATION.sub("", text)


def _refs(sentence: str) -> list[int]:
    return list(dict.fromkeys(int(m.group(1)) for m in _CITATION.finditer(sentence)))


def _supporting_span(chunk: Chunk, support: list[str]) -> tuple[int, int]:
    """The sentence of the passage that holds the answer's figures (else the most shared characters)."""
    best, best_score = (0, min(len(chunk.text), _MAX_QUOTE_CHARS)), -1.0
    wanted = [f for body in support for f in figures_in(body) if not f.date_part]
    characters = set("".join(support))
    for match in _PASSAGE_SENTENCE.finditer(chunk.text):
        sentence = match.group()
        stated = figures_in(sentence)
        score = 10 * sum(any(_same(s, f) for s in stated) for f in wanted) + len(characters & set(sentence)) / 100
        if score > best_score:
            start = match.start() + (len(sentence) - len(sentence.lstrip()))
            best, best_score = (start, min(match.end(), start + _MAX_QUOTE_CHARS)), score
    return best


def _ends_chinese(part: str) -> bool:
    body = _CITATION.sub("", part).rstrip()
    return bool(body) and "\u4e00" <= body[-1] <= "\u9fff" or body.endswith(("。", "！", "？", "；"))

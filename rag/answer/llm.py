"""LLM answerers: a LangChain chat model writes the answer, the code checks it.

- A retrieval gate (``rag.answer.gate``) decides whether the model is asked:
  when the top passages name what the question names and cover enough of its
  words, or when the offline extractive answerer found an answer. Otherwise the
  answer is "not in the articles" and the model is not called.
- The model sees numbered passages (inside ``<passage>`` tags, as data) and,
  as a hint, the extractive draft; it must lead with the short answer and cite
  passage numbers. It need not agree with the draft.
- ``check_answer`` (``rag.answer.claims``) keeps only the sentences whose
  figures are bound, in a cited passage, to the organisation and place the
  sentence names, and drops uncited claims and invented passage numbers.
- If nothing checked remains, the extractive answer is given instead, with a
  note. A model that says NOT IN THE ARTICLES is believed unless the evidence
  is strong and the extractive answerer has an answer.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from rag.answer.claims import CheckedAnswer, check_answer, split_sentences, strip_markers
from rag.answer.extractive import NOT_ANSWERED, ExtractiveAnswerer
from rag.answer.gate import GateReading, read_gate
from rag.answer.injection import without_instructions
from rag.answer.question import Question
from rag.answer.spans import find_figures
from rag.documents import Answer, Chunk, Hit
from rag.entities import english_mentions, english_name, find_organisations
from rag.errors import UserError
from rag.facts import money_in

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"  # package data (rag/prompts)
MODEL_REFUSAL = "NOT IN THE ARTICLES"
MAX_PASSAGES = 6
NO_DRAFT = "(none: no single sentence of the passages answers the question by keywords)"

# What happened to the model's answer; the eval counts them (metrics["llm"]).
NOT_CALLED, KEPT, CORRECTED, OVERRULED, REFUSED = "not called", "kept", "corrected", "overruled", "refused"
LLM_OUTCOMES = (NOT_CALLED, KEPT, CORRECTED, OVERRULED, REFUSED)
_FALLBACK = " → extractive"
_DROPPED = "dropped unsupported: "


class LLMError(UserError):
    """The model did not answer (server down, timeout, bad key)."""


def read_prompt(name: str) -> str:
    try:
        return (PROMPTS_DIR / name).read_text(encoding="utf-8")
    except OSError:
        raise UserError(f"prompt file {PROMPTS_DIR / name} is missing; restore it from the repository") from None


def render_passages(passages: list[Chunk]) -> str:
    """Numbered passages inside tags; a tag inside an article cannot close ours early."""
    rendered = []
    for n, chunk in enumerate(passages, 1):
        # Sentences giving orders to the reader are not passed on: the model sees evidence only.
        text = without_instructions(chunk.text, "（…）").replace("<", "＜").replace(">", "＞")
        rendered.append(f'<passage n="{n}" article="{chunk.title}" date="{chunk.date or ""}">\n{text}\n</passage>')
    return "\n".join(rendered)


def build_messages(question: Question, passages: list[Chunk], draft: str) -> list[tuple[str, str]]:
    language = "English" if question.language == "en" else "简体中文 (Simplified Chinese)"
    system = read_prompt("system.md").replace("{language}", language)
    user = (read_prompt("answer.md")
            .replace("{language}", language)
            .replace("{draft}", draft)
            .replace("{question}", question.original)
            .replace("{passages}", render_passages(passages)))  # last: passage text may contain "{question}"
    return [("system", system), ("human", user)]


def llm_outcome(answerer: str, model_text: str | None, notes, answerable: bool) -> str | None:
    """What happened to an LLM answer (one of LLM_OUTCOMES), from what the answer records; None for extractive."""
    if answerer == ExtractiveAnswerer.name:
        return None
    if model_text is None:
        return NOT_CALLED
    if answerer.endswith(_FALLBACK):
        return OVERRULED
    if not answerable:
        return REFUSED
    return CORRECTED if any(note.startswith(_DROPPED) for note in notes) else KEPT


class LLMAnswerer:
    """Answers with a LangChain chat model, gated by retrieval and checked against the passages.

    Args:
        chat_model: Any LangChain chat model (ChatOpenAI, ChatOllama, the local GGUF model, a fake).
        extractive: The extractive answerer of the same index: its draft is the
            model's hint and the fallback, its idf weighs the gate.
        name: Shown with each answer, e.g. "openai:gpt-4o-mini".
        lookup: Chunk by id (an aggregation draft may cite passages beyond the hits).
    """

    def __init__(self, chat_model, extractive: ExtractiveAnswerer, name: str, max_passages: int = MAX_PASSAGES,
                 lookup: Callable[[str], Chunk | None] | None = None):
        self.chat_model = chat_model
        self.extractive = extractive
        self.name = name
        self.max_passages = max_passages
        self.lookup = lookup

    def answer(self, question: Question, hits: list[Hit]) -> Answer:
        final = None
        for item in self.stream(question, hits):
            if isinstance(item, Answer):
                final = item
        return final

    def stream(self, question: Question, hits: list[Hit]) -> Iterator[str | Answer]:
        """The model's text as it comes, then the checked ``Answer`` (always the last item)."""
        draft = self.extractive.answer(question, hits)
        gate = read_gate(question, hits, self.extractive.idf)
        if gate.verdict == "none" and not draft.answerable:
            yield replace(draft, answerer=self.name, notes=(
                f"the model was not called: the passages do not cover the question (coverage {gate.coverage:.2f})",))
            return
        passages = _passages_for(draft, hits, self.max_passages, self.lookup)
        messages = build_messages(question, passages, draft.text if draft.answerable else NO_DRAFT)
        pieces = []
        try:
            for chunk in self.chat_model.stream(messages):
                piece = chunk.content if isinstance(chunk.content, str) else "".join(
                    part.get("text", "") for part in chunk.content if isinstance(part, dict))
                if piece:
                    pieces.append(piece)
                    yield piece
        except UserError:
            raise
        except Exception as error:  # network errors, timeouts, bad keys: one line for the user
            raise LLMError(f"the LLM ({self.name}) did not answer: {_one_line(error)}; "
                           "check the server and model settings, or use --llm none") from error
        raw = "".join(pieces).strip()
        yield self._checked(question, raw, passages, draft, hits, gate)

    def _checked(self, question: Question, raw: str, passages: list[Chunk], draft: Answer, hits: list[Hit],
                 gate: GateReading) -> Answer:
        if MODEL_REFUSAL in raw.upper():
            if gate.verdict == "strong" and draft.answerable:
                return self._fallback(draft, raw, "the model found no answer, but the passages support one: "
                                                  "showing the offline answer")
            return Answer(question=question.original, text=NOT_ANSWERED, answerable=False, hits=tuple(hits),
                          answerer=self.name, notes=("the model found no answer in the passages",), model_text=raw)
        checked = check_answer(raw, passages, question)
        if not checked.text:
            return self._fallback(draft, raw, "no sentence of the model's answer was supported by the passages "
                                              "it cited: showing the offline answer", checked)
        short = short_answer(question, checked.text)
        if question.is_aggregation and draft.answerable and draft.short and _name(short) != _name(draft.short):
            # "Which … most" is a comparison of every figure in the facts table, not a claim a few
            # passages can support: the model may phrase the winner, not choose another.
            return self._fallback(draft, raw, "the model named another organisation than the comparison of "
                                              "every figure in the articles: showing the offline answer", checked)
        return Answer(question=question.original, text=checked.text, answerable=True,
                      short=short, citations=checked.citations, hits=tuple(hits),
                      answerer=self.name, notes=tuple(f"{_DROPPED}{r}" for r in checked.removed), model_text=raw)

    def _fallback(self, draft: Answer, raw: str, why: str, checked: CheckedAnswer | None = None) -> Answer:
        removed = checked.removed if checked else ()
        return replace(draft, answerer=f"{self.name}{_FALLBACK}", model_text=raw,
                       notes=(why,) + tuple(f"dropped: {r}" for r in removed))


# --- the short answer ------------------------------------------------------------------

_SHORT_SENTENCE_CHARS = 30  # a first sentence this short is already the short answer ("华润集团[1]。")


def short_answer(question: Question, text: str) -> str:
    """What the user reads first: the entity or figure asked for, taken from the model's lead sentence.

    The prompt asks the model to open with the short answer alone ("7.78亿元[1]。");
    when it opens with a whole sentence, the span of the asked type is taken
    from it (from a later sentence only when the lead has none).
    """
    if len(question.organisations) > 1 and question.kind != "organisation":
        # "A和B分别…": the lead answers every part, up to its first full stop.
        return re.split(r"(?<=[。！？!?])", strip_markers(text).strip())[0].strip().rstrip("。！？!? ")
    sentences = [strip_markers(s).strip().rstrip("。．.；;！!？?，, ") for s in split_sentences(text)]
    sentences = [s for s in sentences if s]
    if not sentences:
        return ""
    for sentence in sentences:
        typed = _typed_span(question, sentence)
        if typed:
            return typed
        if sentence is sentences[0] and len(sentence) <= _SHORT_SENTENCE_CHARS:
            return sentence
    return sentences[0]


def _typed_span(question: Question, sentence: str) -> str | None:
    """The organisation, or the figure of the asked kind (money, count, date…), that ``sentence`` names first."""
    kind = question.kind
    if kind == "organisation":
        mentions = sorted(find_organisations(sentence) + english_mentions(sentence), key=lambda m: m.start)
        named = [m.canonical for m in mentions if m.canonical not in question.organisations] or \
                [m.canonical for m in mentions]
        if not named:
            return None
        english = english_name(named[0]) if question.language == "en" else None
        return f"{named[0]} ({english})" if english else named[0]
    if kind == "money" and question.money_category:
        matching = [surface for surface, category in money_in(sentence) if category == question.money_category]
        if matching:
            return matching[0]
    figures = [f for f in find_figures(sentence) if f.kind == kind]
    return figures[0].surface.strip() if figures else None


def _passages_for(draft: Answer, hits: list[Hit], limit: int,
                  lookup: Callable[[str], Chunk | None] | None) -> list[Chunk]:
    """The draft's cited passages first (an aggregation may cite beyond the top k), then the hits."""
    by_id = {h.chunk.id: h.chunk for h in hits}
    passages: list[Chunk] = []
    for citation in draft.citations:
        chunk = by_id.get(citation.chunk_id) or (lookup(citation.chunk_id) if lookup else None)
        if chunk is not None and chunk not in passages:
            passages.append(chunk)
    for hit in hits:
        if len(passages) >= limit:
            break
        if hit.chunk not in passages:
            passages.append(hit.chunk)
    return passages


def _name(short: str) -> str:
    """华润集团 (China Resources) -> 华润集团."""
    return short.split(" (")[0].strip()


def _one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


__all__ = ["LLMAnswerer", "LLMError", "LLM_OUTCOMES", "check_answer", "build_messages", "llm_outcome",
           "render_passages", "short_answer"]

"""LLM answerers: a LangChain chat model phrases the answer, the code checks it.

The model never decides alone:
- The offline extractive answerer runs first. When it finds no supporting
  passage, the answer is "not in the articles" and the model is not called.
- The model sees numbered passages (inside ``<passage>`` tags, as data) and
  the extractive draft, and must cite passage numbers.
- ``check_answer`` drops every sentence with a figure or an organisation that
  the passages it cites do not contain, and every uncited claim. For "which
  organisation" questions the model must name the organisation the evidence
  names. If nothing checked remains, the extractive answer is given instead,
  and the answer's notes say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.injection import without_instructions
from rag.answer.question import Question
from rag.documents import Answer, Chunk, Citation, Hit
from rag.entities import aliases_of, english_mentions, find_organisations
from rag.errors import UserError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"  # package data (rag/prompts)
MODEL_REFUSAL = "NOT IN THE ARTICLES"
MAX_PASSAGES = 6
_MAX_QUOTE_CHARS = 160

_CITATION = re.compile(r"\[(\d+)\]")
_CITATION_LIST = re.compile(r"\[(\d+(?:\s*[,，、]\s*\d+)+)\]")
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:万亿|亿|千万|百万|万|千)?")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)(?=\s)|\n+")


class LLMError(UserError):
    """The model did not answer (server down, timeout, bad key)."""


@dataclass(frozen=True)
class CheckedAnswer:
    """The model's answer after checking: kept text, its citations, and what was dropped."""

    text: str
    citations: tuple[Citation, ...]
    removed: tuple[str, ...]


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


def check_answer(text: str, passages: list[Chunk]) -> CheckedAnswer:
    """Keep the sentences whose figures and organisations the passages they cite contain.

    Citations are renumbered in order of first use, so the answer always reads
    [1], [2], … Each number's quote is the sentence of its passage that best
    supports the words just before the marker (their figures first).
    """
    kept: list[str] = []
    removed: list[str] = []
    for sentence in _split_sentences(_normalise_markers(text)):
        # Out-of-range numbers are the model's invention: drop the marker.
        sentence = _CITATION.sub(lambda m: m.group() if 1 <= int(m.group(1)) <= len(passages) else "", sentence)
        body = _CITATION.sub("", sentence).strip()
        if not body:
            continue
        refs = _refs(sentence)
        figures = [f.replace(",", "").replace(" ", "") for f in _FIGURE.findall(body)]
        names = [m.canonical for m in find_organisations(body)] + [m.canonical for m in english_mentions(body)]
        if not refs:
            # An uncited claim cannot be checked; a connective sentence can stay.
            if figures or names:
                removed.append(body)
            else:
                kept.append(sentence)
            continue
        cited = [passages[n - 1] for n in refs]
        if all(_passage_has_figure(cited, f) for f in figures) and all(_passage_names(cited, o) for o in names):
            kept.append(sentence)
        else:
            removed.append(body)
    if not any(_CITATION.search(sentence) for sentence in kept):
        return CheckedAnswer("", (), tuple(removed))
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
    return CheckedAnswer(joiner.join(parts), tuple(citations), tuple(removed))


class LLMAnswerer:
    """Answers with a LangChain chat model, gated and checked by the extractive answerer.

    Args:
        chat_model: Any LangChain chat model (ChatOpenAI, ChatOllama, the local GGUF model, a fake).
        gate: The extractive answerer of the same index.
        name: Shown with each answer, e.g. "openai:gpt-4o-mini".
    """

    def __init__(self, chat_model, gate: ExtractiveAnswerer, name: str, max_passages: int = MAX_PASSAGES,
                 lookup: Callable[[str], Chunk | None] | None = None):
        self.chat_model = chat_model
        self.gate = gate
        self.name = name
        self.max_passages = max_passages
        self.lookup = lookup  # chunk by id: an aggregation may cite passages beyond the hits

    def answer(self, question: Question, hits: list[Hit]) -> Answer:
        final = None
        for item in self.stream(question, hits):
            if isinstance(item, Answer):
                final = item
        return final

    def stream(self, question: Question, hits: list[Hit]) -> Iterator[str | Answer]:
        """The model's text as it comes, then the checked ``Answer`` (always the last item)."""
        draft = self.gate.answer(question, hits)
        if not draft.answerable:
            # Weak evidence: say so without asking the model.
            yield replace(draft, answerer=self.name, notes=("the model was not called: no passage supports an answer",))
            return
        passages = _passages_for(draft, hits, self.max_passages, self.lookup)
        messages = build_messages(question, passages, draft.text)
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
        yield self._checked(question, raw, passages, draft, hits)

    def _checked(self, question: Question, raw: str, passages: list[Chunk], draft: Answer, hits: list[Hit]) -> Answer:
        fallback_note = None
        checked = None
        if MODEL_REFUSAL in raw.upper():
            fallback_note = "the model found no answer, but the passages support one: showing the offline answer"
        else:
            checked = check_answer(raw, passages)
            if not checked.text:
                fallback_note = "no sentence of the model's answer was supported by the passages it cited: " \
                                "showing the offline answer"
            elif question.kind == "organisation" and not _names_same_organisation(checked.text, draft):
                fallback_note = "the model named another organisation than the evidence: showing the offline answer"
        if fallback_note:
            removed = checked.removed if checked else ()
            return replace(draft, answerer=f"{self.name} → extractive", model_text=raw,
                           notes=(fallback_note,) + tuple(f"dropped: {r}" for r in removed))
        notes = tuple(f"dropped unsupported: {r}" for r in checked.removed)
        # The model's first sentence is its lead; the citation marks are not part of it.
        short = _CITATION.sub("", _split_sentences(checked.text)[0]).strip() if checked.text else ""
        return Answer(question=question.original, text=checked.text, answerable=True, short=short,
                      citations=checked.citations,
                      hits=tuple(hits), answerer=self.name, notes=notes, model_text=raw)


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


def _normalise_markers(text: str) -> str:
    text = text.replace("【", "[").replace("】", "]").replace("［", "[").replace("］", "]")
    # "[1, 2]" -> "[1][2]"
    return _CITATION_LIST.sub(lambda m: "".join(f"[{n}]" for n in re.split(r"\s*[,，、]\s*", m.group(1))), text)


def _split_sentences(text: str) -> list[str]:
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


def _refs(sentence: str) -> list[int]:
    return list(dict.fromkeys(int(m.group(1)) for m in _CITATION.finditer(sentence)))


def _passage_has_figure(passages: list[Chunk], figure: str) -> bool:
    return any(figure in chunk.text.replace(",", "") for chunk in passages)


def _passage_names(passages: list[Chunk], organisation: str) -> bool:
    return any(chunk.subject == organisation or any(alias in f"{chunk.title}\n{chunk.text}" for alias in aliases_of(organisation))
               for chunk in passages)


def _names_same_organisation(text: str, draft: Answer) -> bool:
    expected = [m.canonical for m in find_organisations(draft.text.split("。")[0])]
    if not expected:
        return True
    named = [m.canonical for m in find_organisations(text)] + [m.canonical for m in english_mentions(text)]
    return bool(named) and named[0] == expected[0]


def _supporting_span(chunk: Chunk, support: list[str]) -> tuple[int, int]:
    """The sentence of the passage that holds the answer's figures (else the most shared characters)."""
    best, best_score = (0, min(len(chunk.text), _MAX_QUOTE_CHARS)), -1.0
    figures = {f.replace(",", "") for body in support for f in _FIGURE.findall(body)}
    characters = set("".join(support))
    for match in re.finditer(r"[^。！？；!?;\n]+[。！？；!?;]*", chunk.text):
        sentence = match.group()
        score = 10 * sum(f in sentence.replace(",", "") for f in figures) + len(characters & set(sentence)) / 100
        if score > best_score:
            start = match.start() + (len(sentence) - len(sentence.lstrip()))
            best, best_score = (start, min(match.end(), start + _MAX_QUOTE_CHARS)), score
    return best


def _ends_chinese(part: str) -> bool:
    body = _CITATION.sub("", part).rstrip()
    return bool(body) and "\u4e00" <= body[-1] <= "\u9fff" or body.endswith(("。", "！", "？", "；"))


def _one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


__all__ = ["LLMAnswerer", "LLMError", "check_answer", "build_messages", "render_passages"]

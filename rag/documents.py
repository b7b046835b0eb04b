"""The data types that flow through every stage.

files --load--> Document --clean--> Document(text, offsets) --chunk--> Chunk
      --index--> Index --retrieve--> Hit --answer--> Answer(citations)

Offsets always point into ``Document.raw``, the text exactly as the user stored
it, so a citation can quote and highlight the original (traditional characters,
pinyin annotations and all).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Document:
    """One article.

    Attributes:
        id: Document id: the file name for a directory corpus, the ``id`` field
            for a JSONL corpus.
        raw: The decoded text as stored (HTML already turned into text).
        text: The cleaned, normalised text that is chunked and searched.
        offsets: ``offsets[i]`` is the index in ``raw`` of ``text[i]``.
        title: A title taken from the article, or the id.
        date: ``YYYY-MM-DD`` where the article states one, else None.
        content_hash: Hash of ``raw``; tells the index whether the article changed.
    """

    id: str
    raw: str
    text: str
    offsets: np.ndarray = field(repr=False, compare=False)
    title: str
    date: str | None
    content_hash: str

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` to the span of ``raw`` it came from."""
        if end <= start:
            pos = int(self.offsets[start]) if start < len(self.offsets) else len(self.raw)
            return pos, pos
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: the unit that is embedded, searched and cited.

    ``start``/``end`` index the document's raw text; ``text`` is the cleaned text.
    """

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    title: str
    date: str | None = None
    position: int = 0
    subject: str | None = None
    raw: str = ""
    runs: tuple[tuple[int, int], ...] = ()

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` (chunk-relative) to the document's raw text (absolute).

        ``runs`` lists where the cleaned-to-raw mapping jumps: each entry
        ``(i, r)`` says ``text[i]`` came from ``raw[r]`` (chunk-relative), and the
        characters after it follow one to one until the next entry.
        """
        if not self.runs:
            return self.start + start, self.start + end
        if end <= start:
            position = self.start + self._raw_index(start)
            return position, position
        return self.start + self._raw_index(start), self.start + self._raw_index(end - 1) + 1

    def _raw_index(self, i: int) -> int:
        i = max(0, min(i, len(self.text) - 1))
        lo, hi = 0, len(self.runs) - 1
        while lo < hi:  # last run starting at or before i
            mid = (lo + hi + 1) // 2
            if self.runs[mid][0] <= i:
                lo = mid
            else:
                hi = mid - 1
        clean_at, raw_at = self.runs[lo]
        return raw_at + (i - clean_at)

    def text_from_raw(self, position: int) -> str:
        """The part of ``text`` that came from raw offset ``position`` (absolute) onwards."""
        lo, hi = 0, len(self.text)
        while lo < hi:  # first character whose raw index is at or after position
            mid = (lo + hi) // 2
            if self.start + self._raw_index(mid) < position:
                lo = mid + 1
            else:
                hi = mid
        return self.text[lo:]

    def quote(self, start: int, end: int) -> tuple[str, int, int]:
        """The raw text behind ``text[start:end]``, with its absolute raw offsets."""
        raw_start, raw_end = self.raw_span(start, end)
        return self.raw[raw_start - self.start : raw_end - self.start], raw_start, raw_end

    def to_json(self) -> dict[str, Any]:
        # asdict's result without its deep copy of ``runs`` (tuples, never changed): a build writes every chunk.
        # (A frozen dataclass's __dict__ holds its fields in their order, and nothing else: copied in C.)
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        data = dict(data)
        data["runs"] = tuple(tuple(run) for run in data.get("runs", ()))
        return cls(**data)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and its rank in each retriever.

    ``ranks`` maps a retriever name (``"dense"``, ``"bm25"``) to the 1-based rank
    the chunk had there; a retriever that did not return it has no entry.
    """

    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk.id,
            "doc_id": self.chunk.doc_id,
            "title": self.chunk.title,
            "score": round(self.score, 6),
            "ranks": dict(self.ranks),
            "scores": {k: round(v, 6) for k, v in self.scores.items()},
            "text": self.chunk.text,
        }


@dataclass(frozen=True)
class Citation:
    """A numbered citation: ``[n]`` in the answer refers to ``quote``.

    ``quote`` is ``raw[start:end]`` of document ``doc_id``: verbatim what the
    user stored, so it can be found and highlighted in the original.
    """

    n: int
    chunk_id: str
    doc_id: str
    quote: str
    start: int
    end: int
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What the assistant says, with the evidence behind it.

    ``short`` is what the user reads first and what the eval scores: the entity,
    figure, date or phrase that answers, nothing else ("" when not answered).
    ``text`` leads with it, then the supporting sentences with their ``[n]``.
    """

    question: str
    text: str
    answerable: bool
    short: str = ""
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    answerer: str = "extractive"
    # What the checks did (an LLM sentence dropped, a fallback), shown with the answer.
    notes: tuple[str, ...] = ()
    # An LLM's text before checking, for the eval's records.
    model_text: str | None = None
    # What the refusal decision weighed (coverage, dense similarity, …), for the eval's records.
    signals: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "short_answer": self.short,
            "answer": self.text,
            "answerable": self.answerable,
            "answerer": self.answerer,
            "notes": list(self.notes),
            "model_text": self.model_text,
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "citations": [c.to_json() for c in self.citations],
            "hits": [h.to_json() for h in self.hits],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }

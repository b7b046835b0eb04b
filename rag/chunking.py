"""Chunking cleaned documents into passages on Chinese sentence boundaries."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from rag.documents import Chunk, Document
from rag.entities import subject_organisation

# A sentence ends after 。！？；!?; (and any closing quote) or at a line break.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]*|\n|$)")
# Inside an over-long sentence, prefer to break after a clause mark or a space.
# A comma between digits is a thousands separator, not a clause mark.
_CLAUSE_BREAK = re.compile(r"[，、：:]|,(?!\d)|\s")
# A figure with its unit must never be split: 7300.24万元, 1,234亿元, 12.5%.
_FIGURE = re.compile(r"\d[\d,.]*\s*(?:[十百千万亿]+)?(?:元|美元|港元|人次|人|户|个|家|项|吨|亩|所|名|次|%|％)?")


@dataclass(frozen=True)
class ChunkerSettings:
    """Chunk size in characters of cleaned text; recorded in the index manifest."""

    max_chars: int = 300
    overlap_chars: int = 60
    version: str = "zh-sentences-2"

    def to_json(self) -> dict:
        return asdict(self)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        if text[start:end].strip():
            spans.append((start, end))
    return spans


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Break one sentence longer than ``max_chars`` at clause marks, never inside a figure."""
    pieces = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window) if m.end() > max_chars // 3]
        cut = start + (breaks[-1] if breaks else max_chars)
        for figure in _FIGURE.finditer(text, max(start, cut - 40), min(end, cut + 40)):
            if figure.start() < cut < figure.end():
                cut = figure.start() if figure.start() > start else figure.end()
                break
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def chunk_document(doc: Document, settings: ChunkerSettings = ChunkerSettings()) -> list[Chunk]:
    """Cut a cleaned document into overlapping passages of whole sentences.

    Chunk ids are ``<doc id>#<content hash>``: the same article always yields
    the same ids, and an edit changes only the ids of the passages it touches.
    """
    sentences: list[tuple[int, int]] = []
    for start, end in _sentence_spans(doc.text):
        sentences.extend(_split_long(doc.text, start, end, settings.max_chars))

    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for span in sentences:
        if current and span[1] - current[0][0] > settings.max_chars:
            groups.append(current)
            # Carry the last sentences (up to overlap_chars) into the next chunk,
            # so a fact split across a boundary is still found whole once.
            carried: list[tuple[int, int]] = []
            for prev in reversed(current):
                if current[-1][1] - prev[0] > settings.overlap_chars:
                    break
                carried.insert(0, prev)
            if carried and span[1] - carried[0][0] > settings.max_chars:
                carried = []
            current = carried
        current.append(span)
    if current:
        groups.append(current)

    subject = subject_organisation(doc.title, doc.text)
    # Where the cleaned-to-raw offsets jump, found once for the whole text (each chunk takes its share).
    jumps = (np.flatnonzero(np.diff(doc.offsets) != 1) + 1).tolist()
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for position, group in enumerate(groups):
        start, end = group[0][0], group[-1][1]
        # Trim surrounding whitespace so the raw span starts and ends on text.
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        text = doc.text[start:end]
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        suffix = "" if seen[digest] == 1 else f"-{seen[digest]}"
        raw_start, raw_end = doc.raw_span(start, end)
        chunks.append(
            Chunk(
                id=f"{doc.id}#{digest}{suffix}",
                doc_id=doc.id,
                text=text,
                start=raw_start,
                end=raw_end,
                title=doc.title,
                date=doc.date,
                position=len(chunks),
                subject=subject,
                raw=doc.raw[raw_start:raw_end],
                runs=_chunk_runs(doc.offsets, jumps, start, end),
            )
        )
    return chunks


def _chunk_runs(offsets: np.ndarray, jumps: list[int], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """A chunk's cleaned-to-raw offsets (``offsets[start:end]``, ``start < end``) compressed to the points
    where they jump, relative to the chunk: ``(i, r)`` says its ``text[i]`` came from raw ``r``.

    ``jumps`` are the positions of the whole text where the offsets do not go up by one, found once
    per article rather than by a numpy pass per chunk.
    """
    raw_start = int(offsets[start])
    inside = jumps[bisect_right(jumps, start) : bisect_left(jumps, end)]
    return ((0, 0), *((i - start, int(offsets[i]) - raw_start) for i in inside))


def article_text(chunks: Sequence[Chunk]) -> str:
    """An article's cleaned text rebuilt from its chunks, each overlap taken once.

    The index keeps chunks, not articles; the article-level lexical index is
    built from this. The title leads when the text does not start with it.
    """
    ordered = sorted(chunks, key=lambda c: c.position)
    if not ordered:
        return ""
    parts = [ordered[0].text]
    for previous, chunk in zip(ordered, ordered[1:]):
        if chunk.start >= previous.end:
            parts.append("\n" + chunk.text)
        else:
            parts.append(chunk.text_from_raw(previous.end))
    text = "".join(parts)
    title = ordered[0].title
    return f"{title}\n{text}" if title and not text.startswith(title) else text

"""HTML for the chat page: answers with clickable citation numbers, and the evidence panel.

Pure functions of an ``Answer`` (no Gradio), so the numbering rules are tested
without a browser. Turn ``t``'s citation ``n`` links to the element with id
``cite-t-n``; the panel lists every turn's passages under the same ids, so the
numbers can never drift between answer and panel, even after a second answer.
"""

from __future__ import annotations

import html
import re

from rag.documents import Answer, Chunk

_MARKER = re.compile(r"\[(\d+)\]")
_CONTEXT_CHARS = 120  # of the passage shown around a cited span


def answer_markdown(answer: Answer, turn: int) -> str:
    """The answer for the chat: ``[n]`` becomes a link to its passage, then who answered."""
    valid = {c.n for c in answer.citations}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in valid:
            return match.group()
        return f'<a class="cite" href="#cite-{turn}-{n}" data-turn="{turn}" data-n="{n}">[{n}]</a>'

    body = _MARKER.sub(link, html.escape(answer.text, quote=False))
    notes = "".join(f"<br><small>⚠ {html.escape(note)}</small>" for note in answer.notes[:2])
    return f"{body}{notes}<br><small class=\"answerer\">answered by: {html.escape(answer.answerer)}</small>"


def evidence_html(answer: Answer, turn: int, chunks: dict[str, Chunk]) -> str:
    """The passages behind one answer, numbered as in the answer, the cited span marked.

    A "not in the articles" answer shows its closest passages, labelled as
    such and without numbers, so they cannot be mistaken for citations.
    """
    header = f'<div class="turn" id="turn-{turn}"><h4>Answer {turn}: {html.escape(_short(answer.question))}</h4>'
    if not answer.citations:
        items = "".join(
            f'<li class="closest"><div class="meta">{html.escape(h.chunk.doc_id)} · {html.escape(h.chunk.title)}'
            f'{_date(h.chunk.date)}</div><div class="passage">{html.escape(_short(h.chunk.raw or h.chunk.text, 200))}'
            "</div></li>" for h in answer.hits[:3])
        note = "Not in the articles. Closest passages (they do not answer the question):"
        return f'{header}<p class="not-answered">{note}</p><ul>{items}</ul></div>'
    items = []
    for citation in answer.citations:
        chunk = chunks.get(citation.chunk_id)
        items.append(
            f'<li class="evidence-item" id="cite-{turn}-{citation.n}" data-doc="{html.escape(citation.doc_id)}">'
            f'<div class="meta"><b>[{citation.n}]</b> {html.escape(citation.title)}{_date(chunk.date if chunk else None)}'
            f' · <code>{html.escape(citation.doc_id)}</code></div>'
            f'<div class="passage">{_marked_passage(citation, chunk)}</div></li>')
    return f'{header}<ol class="evidence">{"".join(items)}</ol></div>'


def _marked_passage(citation, chunk: Chunk | None) -> str:
    """The stored passage (original script) with the cited span in <mark>."""
    if chunk is None or not chunk.raw:
        return f"<mark>{html.escape(citation.quote)}</mark>"
    start = max(0, citation.start - chunk.start)
    end = min(len(chunk.raw), citation.end - chunk.start)
    before = chunk.raw[max(0, start - _CONTEXT_CHARS) : start]
    after = chunk.raw[end : end + _CONTEXT_CHARS]
    lead = "…" if start > _CONTEXT_CHARS else ""
    tail = "…" if end + _CONTEXT_CHARS < len(chunk.raw) else ""
    return (f"{lead}{html.escape(before)}<mark>{html.escape(chunk.raw[start:end])}</mark>"
            f"{html.escape(after)}{tail}")


def _date(date: str | None) -> str:
    return f" · {html.escape(date)}" if date else ""


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

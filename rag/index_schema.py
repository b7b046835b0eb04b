"""The pydantic models of the index's hand-editable files (manifest.json, chunks.jsonl lines).

Imported only when a file must be validated: a manifest that is plainly what a
build wrote (``rag.index._plainly_valid``) and a chunks.jsonl the build's digest
or line offsets vouch for need no validation, and importing pydantic costs
``ask`` 0.1-0.25 s.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Len
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError


class _Settings(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    embedder: str
    normaliser: str
    tokenizer: str
    chunker: dict


class _DocumentEntry(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    hash: str
    title: str
    date: str | None = None
    chunks: int


class _SegmentEntry(BaseModel):
    """One update's segment: its folder under ``segments/``, its passages, and the articles it removes before it."""

    model_config = ConfigDict(strict=True, extra="allow")
    name: str
    n_chunks: int
    removes: list[str]
    chunks_sha1: str | None = None


class _Manifest(BaseModel):
    """What a loaded manifest must hold, so that a hand-edited one fails here, in one line, not later."""

    model_config = ConfigDict(strict=True, extra="allow")
    settings: _Settings
    dim: int | None = None
    corpus: str = ""
    corpus_fingerprint: str = ""
    created_at: str = ""
    updated_at: str = ""
    n_documents: int
    n_chunks: int
    facts_version: str | int | None = None
    chunks_sha1: str | None = None
    documents: dict[str, _DocumentEntry]
    base_chunks: int | None = None  # passages in the base (n_chunks counts the live ones of base and segments)
    base_articles: list[list[str | int]] = []  # the base's articles and passage counts, in its file order
    segments: list[_SegmentEntry] = []


class _ChunkRecord(BaseModel):
    """One line of chunks.jsonl (``Chunk.to_json``)."""

    model_config = ConfigDict(strict=True, extra="forbid")
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
    runs: list[Annotated[list[int], Len(2, 2)]] = []  # JSON pairs (chunk offset, raw offset)


_CHUNK_LINES = TypeAdapter(list[_ChunkRecord])


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"

import re
from dataclasses import replace

import numpy as np
import pytest

from rag.chunking import ChunkerSettings, article_text, chunk_document
from rag.documents import Document
from rag.ingest import RawArticle, load_corpus, to_document
from tests.conftest import SEEDS, read_seed


def make_doc(text: str, doc_id: str = "t.txt") -> Document:
    return to_document(RawArticle(doc_id, text))


def test_seed_chunks_are_a_few_hundred_characters_and_quote_the_raw_text():
    documents, _ = load_corpus(SEEDS)
    settings = ChunkerSettings()
    for doc in documents:
        chunks = chunk_document(doc, settings)
        assert chunks
        assert all(len(c.text) <= settings.max_chars for c in chunks)
        for chunk in chunks:
            quote, start, end = chunk.quote(0, len(chunk.text))
            assert quote == doc.raw[start:end] == chunk.raw
            assert (start, end) == (chunk.start, chunk.end)


def test_sentence_boundaries_and_overlap():
    sentences = [f"第{i}句讲的是华润集团在海原县的第{i}个项目。" for i in range(40)]
    doc = make_doc("".join(sentences))
    chunks = chunk_document(doc, ChunkerSettings(max_chars=120, overlap_chars=40))
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.text.endswith("。")
    # consecutive chunks share their boundary sentence
    for first, second in zip(chunks, chunks[1:]):
        last_sentence = first.text.split("。")[-2] + "。"
        assert second.text.startswith(last_sentence)


def test_a_figure_with_its_unit_is_never_cut():
    long_sentence = "中国电科" + "持续加大扶贫投入" * 17 + "累计投入资金7300.24万元" + "并实施项目" * 30 + "。"
    doc = make_doc(long_sentence)
    for max_chars in range(100, 200, 3):
        chunks = chunk_document(doc, ChunkerSettings(max_chars=max_chars, overlap_chars=0))
        assert any("7300.24万元" in c.text for c in chunks), max_chars


def test_chunk_ids_are_stable_and_local_to_changes():
    documents, _ = load_corpus(SEEDS)
    doc = documents[1]
    first = [c.id for c in chunk_document(doc)]
    again = [c.id for c in chunk_document(doc)]
    assert first == again
    edited_raw = doc.raw.replace("累計投入5350萬", "累計投入5351萬")
    assert edited_raw != doc.raw
    edited = [c.id for c in chunk_document(make_doc(edited_raw, doc.id))]
    changed = set(edited) - set(first)
    assert 1 <= len(changed) <= 2
    assert all(i.startswith(doc.id + "#") for i in edited)


@pytest.mark.parametrize("max_chars, overlap", [(300, 60), (120, 40), (80, 0)])
def test_article_text_rebuilds_the_cleaned_article_from_overlapping_chunks(max_chars, overlap):
    doc = to_document(RawArticle("000.txt", read_seed("000")))
    chunks = chunk_document(doc, ChunkerSettings(max_chars=max_chars, overlap_chars=overlap))
    rebuilt = article_text(list(reversed(chunks)))  # order comes from the chunks' positions
    assert rebuilt.startswith(doc.title)
    body = rebuilt[len(doc.title):] if not doc.text.startswith(doc.title) else rebuilt
    # Chunks are trimmed of surrounding spaces; every other character is there once.
    assert re.sub(r"\s", "", body) == re.sub(r"\s", "", doc.text)

"""A built index is read on demand: passages through their line offsets, BM25 tokens through a hash table."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from rag.bm25 import LOOKUP, HashedVocab, SavedBM25
from rag.chunk_lines import OFFSETS, ChunkLines
from rag.embeddings import HashedNgramEmbeddings
from rag.errors import CorruptIndexError
from rag.index import IndexSettings, _read_chunks, build_index, load_index
from rag.store.local import LocalStore

FAKE = "fake:64"


@pytest.fixture
def built(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build_index(seed_corpus, path, IndexSettings(embedder=FAKE), embedder=HashedNgramEmbeddings(64), progress=False)
    return path


def test_passages_are_parsed_on_demand_and_equal_the_whole_file(built):
    index = load_index(built, IndexSettings(embedder=FAKE))
    assert isinstance(index.chunks, ChunkLines)
    whole = _read_chunks(built / "chunks.jsonl", None)
    assert len(index.chunks) == len(whole)
    assert index.chunks[3] == whole[3] and index.chunks[-1] == whole[-1]
    assert len(index.chunks._parsed) == 2  # only what was asked for
    assert list(index.chunks) == whole
    assert index.chunks_of == {d: [i for i, c in enumerate(whole) if c.doc_id == d]
                               for d in dict.fromkeys(c.doc_id for c in whole)}


def test_passages_by_id_read_only_their_article(built):
    index = load_index(built, IndexSettings(embedder=FAKE))
    whole = _read_chunks(built / "chunks.jsonl", None)
    store = LocalStore(index)
    wanted = [whole[7].id, "no-such-article#123", whole[0].id]
    assert [c.id for c in store.passages.get_passages(wanted)] == [whole[7].id, whole[0].id]
    articles = {whole[7].doc_id, whole[0].doc_id}
    assert {index.chunks[p].doc_id for p in index.chunks._parsed} <= articles


def test_an_edited_chunks_file_is_read_whole_and_checked(built):
    lines = (built / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    chunk = json.loads(lines[0])
    chunk["start"] = "0"
    lines[0] = json.dumps(chunk, ensure_ascii=False)
    (built / "chunks.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="rag index build --rebuild"):
        load_index(built, IndexSettings(embedder=FAKE))


def test_without_the_offsets_table_the_file_is_read_whole(built):
    os.remove(built / OFFSETS)
    index = load_index(built, IndexSettings(embedder=FAKE))
    assert isinstance(index.chunks, list) and index.chunks == _read_chunks(built / "chunks.jsonl", None)


def test_a_copy_with_new_file_times_is_still_read_on_demand(built, tmp_path):
    """cp -r (no -p) gives every file a new mtime: the recorded digest shows chunks.jsonl is the same."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(built, copy, copy_function=shutil.copyfile)
    assert os.stat(copy / "chunks.jsonl").st_mtime_ns != os.stat(built / "chunks.jsonl").st_mtime_ns
    index = load_index(copy, IndexSettings(embedder=FAKE))
    assert isinstance(index.chunks, ChunkLines)
    assert list(index.chunks) == _read_chunks(built / "chunks.jsonl", None)


def test_a_same_size_edit_with_a_new_time_is_not_read_on_demand(built):
    """The same size and another mtime, but other bytes: the offsets may be wrong, so the file is read whole."""
    data = (built / "chunks.jsonl").read_bytes()
    # Swap two characters of the first passage's text: same size, other content, lines still valid.
    start = data.index(b'"text": "') + 9
    edited = data[:start] + data[start + 3 : start + 6] + data[start : start + 3] + data[start + 6 :]
    assert len(edited) == len(data) and edited != data
    (built / "chunks.jsonl").write_bytes(edited)
    index = load_index(built, IndexSettings(embedder=FAKE))
    assert isinstance(index.chunks, list)


def test_a_line_of_another_article_is_refused_when_read(built):
    # Same size and times as the build wrote, but the first line names another article.
    file = built / "chunks.jsonl"
    stat = file.stat()
    data = file.read_bytes()
    first, other = json.loads(data.splitlines()[0])["doc_id"], json.loads(data.splitlines()[-1])["doc_id"]
    assert first != other and len(first) == len(other)
    end = data.index(b"\n")
    file.write_bytes(data[:end].replace(first.encode(), other.encode()) + data[end:])
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    index = load_index(built, IndexSettings(embedder=FAKE))
    with pytest.raises(CorruptIndexError, match="rag index build --rebuild"):
        index.chunks[0]
    assert index.chunks[-1].doc_id == other


def test_the_hashed_vocabulary_gives_the_json_columns(built):
    for folder in ("bm25", "bm25-articles"):
        vocab = json.loads((built / folder / "vocab.index.json").read_text(encoding="utf-8"))
        hashed = SavedBM25.load(built / folder).vocab_dict
        assert isinstance(hashed, HashedVocab) and len(hashed) == len(vocab)
        assert all(hashed[token] == column for token, column in vocab.items())
        assert "不在词表里的词" not in hashed and hashed.get("不在词表里的词") is None
        os.remove(built / folder / LOOKUP)
        assert SavedBM25.load(built / folder).vocab_dict == vocab  # without the table: the JSON, as before


def test_scores_are_the_same_with_and_without_the_lookup(built):
    with_lookup = SavedBM25.load(built / "bm25-articles")
    tokens = list(json.loads((built / "bm25-articles" / "vocab.index.json").read_text(encoding="utf-8")))[:50]
    expected = with_lookup.get_scores(tokens)
    os.remove(built / "bm25-articles" / LOOKUP)
    assert np.array_equal(SavedBM25.load(built / "bm25-articles").get_scores(tokens), expected)
    assert expected.any()


@pytest.mark.parametrize("edit", [
    lambda m: m.update(n_chunks=True),  # a bool is no int to pydantic's strict mode either
    lambda m: m.update(dim="384"),
    lambda m: m["settings"].update(chunker=[]),
    lambda m: next(iter(m["documents"].values())).update(date=20240101),
    lambda m: next(iter(m["documents"].values())).pop("title"),
    lambda m: m.update(segments=[{"name": 1}]),  # a key this check does not know: pydantic decides
])
def test_the_quick_manifest_check_accepts_only_what_pydantic_accepts(built, edit):
    from pydantic import ValidationError

    from rag.index import _plainly_valid
    from rag.index_schema import _Manifest

    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert _plainly_valid(manifest)
    _Manifest.model_validate(manifest)
    edit(manifest)
    assert not _plainly_valid(manifest)
    if "segments" not in manifest:
        with pytest.raises(ValidationError):
            _Manifest.model_validate(manifest)

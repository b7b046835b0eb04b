"""A new index built by worker processes is the one a single process builds, byte for byte."""

import json
import os

import numpy as np
import pytest

from rag import index as index_module
from rag import prepare
from rag.chunking import ChunkerSettings
from rag.embeddings import HashedNgramEmbeddings
from rag.errors import UserError
from rag.index import IndexSettings, build_index, load_index
from rag.ingest import RawArticle
from tests.conftest import FAKE


def _jsonl_corpus(seed_corpus, folder):
    """The seed articles twice over (second copies slightly edited), an empty article, a duplicate and a bad line."""
    records = []
    for n, file in enumerate(sorted(seed_corpus.glob("*.txt"))):
        text = file.read_text(encoding="utf-8")
        records.append({"id": f"a{n}", "text": text})
        records.append({"id": f"b{n}", "text": text.replace("。", "！", 3) + "\n补充：海原县投入资金120万元。"})
    records.insert(3, {"id": "empty", "text": "   "})
    records.insert(5, {"id": "a0", "text": "重复的编号"})
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(7, "{not json")
    corpus = folder / "corpus.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


def _files(path):
    files = {}
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path).as_posix()
        if rel == "manifest.json":
            manifest = json.loads(file.read_text(encoding="utf-8"))
            for key in ("created_at", "updated_at"):
                manifest.pop(key)
            files[rel] = manifest
        elif rel == "chunks.offsets.npy":
            files[rel] = np.load(file)[1:].tolist()  # its first value is the file's modification time
        else:
            files[rel] = file.read_bytes()
    return files


def _build(corpus, path, workers, monkeypatch, embedder="none"):
    monkeypatch.setenv(prepare.WORKERS_VARIABLE, str(workers))
    monkeypatch.setattr(index_module, "BATCH_ARTICLES", 3)  # several batches from a small corpus
    settings = IndexSettings(embedder=embedder)
    kwargs = {"embedder": HashedNgramEmbeddings(64)} if embedder != "none" else {}
    return build_index(corpus, path, settings, progress=False, **kwargs)


def _article_by_article(corpus, path, embedder):
    """The index as written one article at a time from its passages (the update path's writer)."""
    settings = IndexSettings(embedder=embedder)
    report, documents = index_module.BuildReport(), {}
    articles = index_module._read_corpus(corpus, settings, {}, report, documents, set(), False)
    index_module._write_full(path, (chunks for _, chunks in articles), documents, None, set(), settings,
                             HashedNgramEmbeddings(64) if embedder != "none" else None, report, False,
                             index_module.corpus_fingerprint(corpus), str(corpus.resolve()))
    return report


@pytest.mark.parametrize("embedder", ["none", FAKE])
def test_workers_write_the_same_index_as_one_process(seed_corpus, tmp_path, monkeypatch, embedder):
    corpus = _jsonl_corpus(seed_corpus, tmp_path)
    one = _build(corpus, tmp_path / "one", 1, monkeypatch, embedder)
    two = _build(corpus, tmp_path / "two", 2, monkeypatch, embedder)
    reference = _article_by_article(corpus, tmp_path / "reference", embedder)
    assert one.n_documents == two.n_documents == 11 and one.n_chunks == two.n_chunks > 40
    assert one.added == two.added == reference.added
    assert [str(p) for p in one.problems] == [str(p) for p in two.problems] == [str(p) for p in reference.problems]
    assert len(one.problems) == 2  # the duplicate id and the bad line
    assert _files(tmp_path / "one") == _files(tmp_path / "two") == _files(tmp_path / "reference")
    index = load_index(tmp_path / "two", IndexSettings(embedder=embedder))
    assert len(index.chunks) == two.n_chunks and index.search_bm25(["海原"], 3)


def test_batches_come_back_in_order_and_numbered_as_one_process_would(seed_corpus):
    articles = [RawArticle(f"d{n}", file.read_text(encoding="utf-8"))
                for n, file in enumerate(sorted(seed_corpus.glob("*.txt")))]
    batches = [articles[:2], articles[2:3], articles[3:]]
    inline = list(prepare.prepare_in_order(batches, ChunkerSettings(), workers=1))
    pooled = list(prepare.prepare_in_order(batches, ChunkerSettings(), workers=2))
    assert [b for b, _ in pooled] == batches
    for (_, a), (_, b) in zip(inline, pooled):
        assert a.articles == b.articles and a.passage_words == b.passage_words
        assert np.array_equal(a.passage_ids, b.passage_ids)
        assert np.array_equal(a.article_bigrams.distinct, b.article_bigrams.distinct)
        assert np.array_equal(a.article_bigrams.ids, b.article_bigrams.ids)
        assert np.array_equal(a.article_bigrams.lengths, b.article_bigrams.lengths)


def test_workers_are_spawned_from_a_process_running_threads(seed_corpus, tmp_path, monkeypatch):
    import threading

    corpus = _jsonl_corpus(seed_corpus, tmp_path)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as a web server's threads would be
    other.start()
    forked = []
    monkeypatch.setattr(prepare, "_warm_up", lambda chunker: forked.append(True))  # only a fork warms up
    try:
        _build(corpus, tmp_path / "threads", 2, monkeypatch)
    finally:
        stop.set()
        other.join()
    assert not forked
    one = _build(corpus, tmp_path / "one", 1, monkeypatch)
    assert one.n_chunks > 40 and _files(tmp_path / "threads") == _files(tmp_path / "one")


def _die(articles, chunker):
    os._exit(3)  # a worker killed (out of memory, a signal)


def test_a_dying_worker_is_one_clear_error_and_no_index(seed_corpus, tmp_path, monkeypatch):
    corpus = _jsonl_corpus(seed_corpus, tmp_path)
    monkeypatch.setattr(prepare, "_warm_up", lambda chunker: None)  # (it prepares an article in this process)
    # (What the pool sends to a worker: with "spawn", a worker resolves prepare.prepare_batch afresh.)
    monkeypatch.setattr(prepare, "_prepare_in_worker", _die)
    with pytest.raises(UserError, match="worker process .* died.*RAG_BUILD_WORKERS=1"):
        _build(corpus, tmp_path / "idx", 2, monkeypatch)
    assert not (tmp_path / "idx").exists()
    assert not list(tmp_path.glob(".idx.tmp-*"))


def test_a_bad_worker_setting_is_refused(monkeypatch):
    monkeypatch.setenv(prepare.WORKERS_VARIABLE, "two")
    with pytest.raises(UserError, match="RAG_BUILD_WORKERS"):
        prepare.worker_count()
    monkeypatch.setenv(prepare.WORKERS_VARIABLE, "3")
    assert prepare.worker_count() == 3


def _dies_after_writing(work):
    """A copy that writes the article BM25 and dies before it can say so (killed): its files are left."""
    work()
    os._exit(4)


@pytest.mark.parametrize("aside", [prepare._do_aside, _dies_after_writing])
def test_the_article_bm25_written_aside_is_the_same(seed_corpus, tmp_path, monkeypatch, aside):
    """A large build writes its article BM25 in a forked copy (every build here, with the threshold at 0);
    one whose copy fails writes it itself. Either way the files are those of one process."""
    corpus = _jsonl_corpus(seed_corpus, tmp_path)
    one = _build(corpus, tmp_path / "one", 1, monkeypatch)
    forks = []
    real_fork = prepare.fork_aside
    monkeypatch.setattr(index_module, "fork_aside", lambda work: forks.append(work) or real_fork(work))
    monkeypatch.setattr(prepare, "_do_aside", aside)
    monkeypatch.setattr(index_module, "ASIDE_ABOVE_TOKENS", 0)
    two = _build(corpus, tmp_path / "two", 2, monkeypatch)
    assert len(forks) == 1 and one.n_chunks == two.n_chunks > 40
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_no_copy_where_a_process_cannot_be_started(monkeypatch):
    """A build inside a daemonic process (which may not start children) writes everything itself."""
    import multiprocessing

    def refuse(self):
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", refuse)
    assert prepare.fork_aside(lambda: None) is None

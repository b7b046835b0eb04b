"""Updates cost in proportion to what changed: an unchanged article's facts are copied, not re-extracted.

A small update is written as a segment (tests/test_segments.py); compacting
it gives the files a fresh build writes.
"""

from __future__ import annotations

import rag.facts
from rag.embeddings import HashedNgramEmbeddings
from rag.index import build_index, compact_index, load_index


def test_an_update_extracts_facts_only_for_new_passages_and_matches_a_rebuild(seed_corpus, tmp_path, fake_settings,
                                                                            monkeypatch):
    path = tmp_path / "index"
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    first = next(seed_corpus.glob("000*.txt"))
    (seed_corpus / "new.txt").write_text("华润集团向海原县捐赠1000万元。\n" + first.read_text(encoding="utf-8")[:400],
                                         encoding="utf-8")
    calls = []
    real = rag.facts.extract_facts
    monkeypatch.setattr(rag.facts, "extract_facts", lambda chunk: calls.append(chunk.doc_id) or real(chunk))
    report = build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert report.added == ["new.txt"]
    assert calls and set(calls) == {"new.txt"}
    index = load_index(path, fake_settings)
    assert any(f.yuan == 1e7 for c, p in index.facts for f in p.money if c.doc_id == "new.txt")
    calls.clear()
    compact_index(path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert not calls  # compaction copies the facts of every part

    updated = (path / "facts.jsonl").read_text(encoding="utf-8")
    rebuilt = tmp_path / "rebuilt"
    build_index(seed_corpus, rebuilt, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert updated == (rebuilt / "facts.jsonl").read_text(encoding="utf-8")
    index = load_index(path, fake_settings)
    assert any(f.yuan == 1e7 for c, p in index.facts for f in p.money if c.doc_id == "new.txt")


def test_an_update_tokenises_only_new_passages_and_scores_as_a_rebuild(seed_corpus, tmp_path, fake_settings,
                                                                       monkeypatch):
    import numpy as np

    import rag.index
    from rag.lexical import tokenize

    path, rebuilt = tmp_path / "index", tmp_path / "rebuilt"
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    (seed_corpus / "new.txt").write_text("中国移动在曲麻莱县投资建设光纤网络，惠及牧民。", encoding="utf-8")
    next(seed_corpus.glob("004*.txt")).unlink()
    tokenised, bigrammed = [], []
    monkeypatch.setattr(rag.index, "tokenize", lambda text: tokenised.append(text) or tokenize(text))
    real_bigrams = rag.index.han_bigrams
    monkeypatch.setattr(rag.index, "han_bigrams", lambda text: bigrammed.append(text) or real_bigrams(text))
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert len(tokenised) == 1 and "光纤" in tokenised[0]
    assert len(bigrammed) == 1 and "光纤" in bigrammed[0]
    tokenised.clear(), bigrammed.clear()
    compact_index(path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert not tokenised and not bigrammed  # compaction reuses every part's token ids
    build_index(seed_corpus, rebuilt, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    updated, fresh = load_index(path, fake_settings), load_index(rebuilt, fake_settings)
    assert [c.id for c in updated.chunks] == [c.id for c in fresh.chunks]
    for question in (["曲麻莱", "光纤"], ["华润", "海原", "投资"], ["叙永"]):
        assert np.array_equal(updated.score_passages(question), fresh.score_passages(question))
    assert updated.article_ids == fresh.article_ids
    for bigrams in (["曲麻", "麻莱", "光纤"], ["华润", "海原"]):
        assert np.array_equal(updated.score_articles(bigrams), fresh.score_articles(bigrams))
    assert (path / "chunks.jsonl").read_bytes() == (rebuilt / "chunks.jsonl").read_bytes()
    assert (path / "facts.jsonl").read_bytes() == (rebuilt / "facts.jsonl").read_bytes()

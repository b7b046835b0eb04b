"""The store protocols and the local store behind them."""

from __future__ import annotations

import numpy as np
import pytest

from rag.clean import normalise
from rag.embeddings import HashedNgramEmbeddings
from rag.store.local import LocalStore, top_rows
from rag.store.protocols import FactStore, LexicalIndex, PassageStore, Store, VectorIndex
from tests.conftest import ask_in_a_subprocess

HAIYUAN = "000_fbb9004ae26bccc2.txt"


def test_local_store_implements_every_protocol(seed_index):
    store = LocalStore(seed_index)
    assert isinstance(store, Store)
    assert isinstance(store.passages, PassageStore)
    assert isinstance(store.lexical, LexicalIndex)
    assert isinstance(store.vectors, VectorIndex)
    assert isinstance(store.facts, FactStore)


def test_passages_by_id_and_by_article(seed_index):
    store = LocalStore(seed_index).passages
    assert store.count_passages() == len(seed_index.chunks)
    assert store.count_articles() == 5 and HAIYUAN in store.article_ids()
    of = store.passages_of([HAIYUAN, "no-such-article"])
    assert list(of) == [HAIYUAN]
    assert [c.position for c in of[HAIYUAN]] == sorted(c.position for c in of[HAIYUAN])
    wanted = [of[HAIYUAN][2].id, "missing#id", of[HAIYUAN][0].id]
    assert [c.id for c in store.get_passages(wanted)] == [wanted[0], wanted[2]]
    record = store.article(HAIYUAN)
    assert record.n_passages == len(of[HAIYUAN]) and record.content_hash
    assert store.article("no-such-article") is None


def test_top_rows_keeps_ties_in_row_order_and_drops_zeros():
    scores = np.array([0.0, 2.0, 5.0, 2.0, 2.0, 0.0])
    assert top_rows(scores, 3).tolist() == [2, 1, 3]
    assert top_rows(scores, 10).tolist() == [2, 1, 3, 4]
    assert top_rows(scores, 2, allowed=np.array([1, 1, 0, 0, 1, 1], bool)).tolist() == [1, 4]


def test_lexical_search_filters_and_scores_agree(seed_index):
    lexical = LocalStore(seed_index).lexical
    query = normalise("华润集团在海原县投资")
    articles = lexical.search_articles(query, 5)
    assert articles[0].doc_id == HAIYUAN
    assert [a.score for a in articles] == sorted((a.score for a in articles), reverse=True)
    others = {a.doc_id for a in articles[1:]}
    assert {a.doc_id for a in lexical.search_articles(query, 5, doc_ids=others)} <= others
    passages = lexical.search_passages(query, 4)
    again = lexical.score_passages(query, [p.chunk_id for p in passages])
    assert np.allclose(again, [p.score for p in passages])
    assert lexical.idf("海原") > lexical.idf("集团")


def test_vector_search_with_an_article_filter_searches_inside_the_articles(seed_index):
    store = LocalStore(seed_index)
    vector = HashedNgramEmbeddings(64).embed_question(normalise("曲麻莱县教育扶贫"))
    everything = store.vectors.search(vector, store.passages.count_passages())
    inside = store.vectors.search(vector, 3, doc_ids={HAIYUAN})
    assert len(inside) == 3 and {p.doc_id for p in inside} == {HAIYUAN}
    # The same three an unfiltered search ranks first among that article's passages.
    assert [p.chunk_id for p in inside] == [p.chunk_id for p in everything if p.doc_id == HAIYUAN][:3]
    assert np.allclose(store.vectors.similarities(vector, [p.chunk_id for p in inside]), [p.score for p in inside],
                       atol=1e-5)
    assert store.vectors.search(vector, 3, doc_ids=set()) == []


def test_money_facts_by_place_organisation_and_category(seed_index):
    facts = LocalStore(seed_index).facts
    assert "海原" in facts.place_names()
    naming = facts.articles_naming(["海原"])
    assert HAIYUAN in naming
    in_haiyuan = facts.money_facts(places=["海原"])
    assert in_haiyuan and {c.doc_id for c, _ in in_haiyuan} <= naming
    investments = facts.money_facts(places=["海原"], category="investment")
    assert investments and all(f.category == "investment" for _, f in investments)
    one = in_haiyuan[0][1].organisation
    assert all(f.organisation == one for _, f in facts.money_facts(organisations=[one]))
    assert all(c.doc_id == HAIYUAN for c, _ in facts.places_in(HAIYUAN))


@pytest.mark.slow
def test_ask_without_llm_imports_neither_langchain_nor_gradio_nor_torch(seed_index, seed_corpus):
    output, imported = ask_in_a_subprocess(
        seed_index, seed_corpus,
        "sorted(m for m in ('langchain_core', 'langchain', 'gradio', 'torch') if m in sys.modules)")
    assert "华润" in output
    assert imported == []


def test_above_the_threshold_vectors_go_in_hnsw_and_filters_stay_exact(seed_corpus, tmp_path, fake_settings,
                                                                        monkeypatch):
    import faiss

    import rag.index
    from rag.index import build_index, load_index

    flat_path, hnsw_path = tmp_path / "flat", tmp_path / "hnsw"
    build_index(seed_corpus, flat_path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    monkeypatch.setattr(rag.index, "HNSW_ABOVE", 10)
    build_index(seed_corpus, hnsw_path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    flat, hnsw = LocalStore(load_index(flat_path, fake_settings)), LocalStore(load_index(hnsw_path, fake_settings))
    assert isinstance(hnsw.index.vectors, faiss.IndexHNSW) and not isinstance(flat.index.vectors, faiss.IndexHNSW)
    vector = HashedNgramEmbeddings(64).embed_question(normalise("华润集团海原县帮扶资金"))
    # A few dozen passages: the graph search finds the same top passages as brute force.
    assert [p.chunk_id for p in hnsw.vectors.search(vector, 5)] == [p.chunk_id for p in flat.vectors.search(vector, 5)]
    inside = hnsw.vectors.search(vector, 4, doc_ids={HAIYUAN})
    assert [p.chunk_id for p in inside] == [p.chunk_id for p in flat.vectors.search(vector, 4, doc_ids={HAIYUAN})]
    assert np.allclose(hnsw.vectors.similarities(vector, [p.chunk_id for p in inside]), [p.score for p in inside],
                       atol=1e-5)

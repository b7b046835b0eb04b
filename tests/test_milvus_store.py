"""The same store tests against the local index, embedded milvus-lite and milvus-lite as a server.

The server is milvus-lite's engine listening on 127.0.0.1 (tests/tools/milvus_server.py),
reached through ``milvus://127.0.0.1:<port>`` like any Milvus server.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.clean import normalise
from rag.embeddings import HashedNgramEmbeddings
from rag.errors import UserError
from rag.index import IndexSettings, build_index, load_index
from tests.conftest import FAKE, SEEDS

pytestmark = pytest.mark.milvus

HAIYUAN = "000_fbb9004ae26bccc2.txt"  # 华润集团's report, which names 海原
XUYONG = "004_4176e1dee91ca48b.txt"
QUESTIONS = [("哪家企业在海原投资最多？", HAIYUAN), ("叙永县由哪家央企定点帮扶？", XUYONG)]
SETTINGS = IndexSettings(embedder=FAKE)


def _build(corpus: Path, path: Path):
    build_index(corpus, path, SETTINGS, embedder=HashedNgramEmbeddings(64), progress=False)
    return load_index(path, SETTINGS)


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("milvus-seed")
    shutil.copytree(SEEDS, folder / "articles")
    return _build(folder / "articles", folder / "seed-index")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A milvus-lite server on a free port of 127.0.0.1, stopped (by PID) after the module."""
    from tests.tools.milvus_server import milvus_lite_server

    with milvus_lite_server(tmp_path_factory.mktemp("milvus-server") / "server.db") as address:
        yield address


@pytest.fixture(scope="module")
def stores(seed_index, server, tmp_path_factory):
    """The seed index as each backend: local, embedded milvus-lite, milvus-lite over gRPC."""
    from rag.store.local import LocalStore
    from rag.store.milvus import open_synced, parse_store

    embedded = open_synced(parse_store(f"milvus:{tmp_path_factory.mktemp('milvus-lite') / 'seed.db'}"), seed_index)
    remote = open_synced(parse_store(f"milvus://{server}"), seed_index)
    built = {"local": LocalStore(seed_index), "milvus-lite": embedded, "milvus-server": remote}
    yield built
    embedded.close()
    remote.close()


@pytest.fixture(params=["local", "milvus-lite", "milvus-server"])
def store(request, stores):
    return stores[request.param]


# --- the same tests on every backend -------------------------------------------


@pytest.mark.parametrize("question, article", QUESTIONS)
def test_lexical_article_search_finds_the_source(store, question, article):
    found = store.lexical.search_articles(normalise(question), 3)
    assert found[0].doc_id == article
    assert [a.score for a in found] == sorted((a.score for a in found), reverse=True)
    assert all(a.score > 0 for a in found)


def test_article_filter_restricts_lexical_and_vector_search(store, seed_index):
    query = normalise("华润集团在海原投入的帮扶资金")
    only = {XUYONG}
    assert {a.doc_id for a in store.lexical.search_articles(query, 5, only)} <= only
    assert {p.doc_id for p in store.lexical.search_passages(query, 5, only)} <= only
    assert store.lexical.search_articles(query, 5, set()) == []
    vector = HashedNgramEmbeddings(64).embed_question(query)
    filtered = store.vectors.search(vector, 4, only)
    # searched inside the article: k of its passages, not a global top-k cut down
    assert len(filtered) == min(4, len(seed_index.chunks_of[XUYONG]))
    assert {p.doc_id for p in filtered} == only
    assert store.vectors.search(vector, 4, set()) == []


def test_passages_by_id_and_by_article(store, seed_index):
    chunks = seed_index.chunks
    wanted = [chunks[7].id, "no-such-article.txt#0", chunks[2].id]
    assert [c.id for c in store.passages.get_passages(wanted)] == [chunks[7].id, chunks[2].id]
    by_article = store.passages.passages_of([XUYONG, "no-such-article.txt"])
    assert list(by_article) == [XUYONG]
    assert by_article[XUYONG] == [chunks[p] for p in seed_index.chunks_of[XUYONG]]
    assert store.passages.count_passages() == len(chunks)
    assert store.passages.article_ids() == seed_index.article_ids
    record = store.passages.article(HAIYUAN)
    assert record.n_passages == len(seed_index.chunks_of[HAIYUAN]) and "华润" in record.title
    assert store.passages.article("no-such-article.txt") is None


def test_facts_by_place_organisation_and_category(store):
    assert HAIYUAN in store.facts.articles_naming({"海原"})
    assert "海原" in store.facts.place_names()
    in_haiyuan = store.facts.money_facts(places={"海原"})
    assert in_haiyuan and {chunk.doc_id for chunk, _ in in_haiyuan} <= store.facts.articles_naming({"海原"})
    everything = store.facts.money_facts()
    organisation = next(f.organisation for _, f in everything if f.organisation)
    by_organisation = store.facts.money_facts(organisations={organisation})
    assert by_organisation and all(f.organisation == organisation for _, f in by_organisation)
    category = next(f.category for _, f in everything if f.category)
    assert all(f.category == category for _, f in store.facts.money_facts(category=category))
    assert all(chunk.doc_id == HAIYUAN for chunk, _ in store.facts.places_in(HAIYUAN))


def test_passages_about_an_organisation_match_the_local_store(stores, store):
    """"How many counties does X support" reads every passage about X: each backend must find the same ones."""
    local = stores["local"].facts
    organisation = "华润集团"
    expected = [chunk.id for chunk in local.passages_about({organisation})]
    assert expected  # the seed report names it
    assert [chunk.id for chunk in store.facts.passages_about({organisation})] == expected
    assert store.facts.passages_about(set()) == []


def test_idf_weights_rare_words_higher(store):
    assert store.lexical.idf("叙永") > store.lexical.idf("帮扶")
    assert store.lexical.idf("从未出现过的词") >= store.lexical.idf("叙永")


# --- parity: Milvus ranks as the local index does -----------------------------


def _gold_questions() -> list[str]:
    import json

    gold = Path(__file__).resolve().parent.parent / "eval" / "gold" / "seeds-dev.jsonl"
    return [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("backend", ["milvus-lite", "milvus-server"])
def test_milvus_top_k_agrees_with_the_local_store(stores, backend):
    local, milvus = stores["local"], stores[backend]
    embedder = HashedNgramEmbeddings(64)
    compared = 0
    for question in _gold_questions():
        query = normalise(question)
        for search in (lambda s: s.lexical.search_articles(query, 5), lambda s: s.lexical.search_passages(query, 5)):
            expected, got = search(local), search(milvus)
            assert [x[0] for x in map(_key, got)] == [x[0] for x in map(_key, expected)], question
            assert np.allclose([_key(x)[1] for x in got], [_key(x)[1] for x in expected], rtol=1e-4)
            compared += len(expected)
        vector = embedder.embed_question(query)
        assert [p.chunk_id for p in milvus.vectors.search(vector, 5)] == \
            [p.chunk_id for p in local.vectors.search(vector, 5)], question
    assert compared > 100  # the gold set exercised the searches


@pytest.mark.parametrize("backend", ["milvus-lite", "milvus-server"])
def test_retriever_and_answers_agree_with_the_local_store(stores, seed_index, backend):
    """The whole path (HybridRetriever, extractive answerer, facts) gives the same top-k and answers."""
    from rag.chain import Assistant

    embedder = HashedNgramEmbeddings(64)
    local = Assistant(seed_index, SETTINGS, embedder=embedder)
    milvus = Assistant(seed_index, SETTINGS, embedder=embedder, store=stores[backend])
    assert milvus.store is stores[backend]
    for question in _gold_questions():
        for mode in ("hybrid", "bm25"):
            local.retriever.mode = milvus.retriever.mode = mode
            expected = [h.chunk.id for h in local.retriever.search(normalise(question), k=5)]
            assert [h.chunk.id for h in milvus.retriever.search(normalise(question), k=5)] == expected, question
        assert milvus.ask(question).text == local.ask(question).text, question
    assert "华润" in milvus.ask("哪家企业在海原投资最多？").text


def _key(found) -> tuple[str, float]:
    return (getattr(found, "chunk_id", None) or found.doc_id, found.score)


# --- Milvus only: updates, persistence, errors --------------------------------


def test_update_sends_only_changed_articles_and_persists(tmp_path):
    from rag.store.milvus import Collections, MilvusStore, collection_prefix, open_synced, parse_store, sync_from_index

    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    index = _build(corpus, tmp_path / "idx")
    target = parse_store(f"milvus:{tmp_path / 'lite.db'}")
    store = open_synced(target, index)
    assert store.passages.count_articles() == 5

    (corpus / XUYONG).unlink()
    changed = next(p for p in corpus.glob("002_*.txt"))
    title, rest = changed.read_text(encoding="utf-8").split("\n", 1)
    changed.write_text(f"{title}\n当地新建鸵鸟养殖基地。\n{rest}", encoding="utf-8")
    index = _build(corpus, tmp_path / "idx")
    counts = sync_from_index(store.client, Collections(collection_prefix(index.path.name)), index)
    assert counts == {"written": 1, "removed": 1, "unchanged": 3}
    store.close()

    reopened = MilvusStore.open(target, index.path.name)  # a new client on the same file
    assert reopened.passages.count_articles() == 4
    assert XUYONG not in reopened.passages.article_ids()
    assert reopened.passages.passages_of([XUYONG]) == {}
    found = reopened.lexical.search_passages(normalise("鸵鸟养殖"), 1)
    assert found and found[0].doc_id == changed.name
    from rag.store.local import LocalStore

    local = LocalStore(index)
    for word in ("鸵鸟", "叙永", "中国电科", "帮扶"):  # added, removed (with 004) and common words
        assert reopened.lexical.idf(word) == pytest.approx(local.lexical.idf(word)), word
    reopened.close()


@pytest.mark.parametrize("spec, message", [
    ("milvus:./index.sqlite", ".db file"),
    ("milvus:./" + "x" * 40 + ".db", "at most 36"),
    ("elastic://host", "unknown --store"),
])
def test_bad_store_uri_is_one_clear_error(spec, message):
    from rag.store.milvus import parse_store

    with pytest.raises(UserError, match=message):
        parse_store(spec)


def test_server_uri_takes_token_and_database_from_the_environment(monkeypatch):
    from rag.store.milvus import parse_store

    monkeypatch.setenv("MILVUS_TOKEN", "root:Milvus")
    monkeypatch.setenv("MILVUS_DB", "news")
    target = parse_store("milvus://milvus.internal")
    assert (target.uri, target.token, target.db_name) == ("http://milvus.internal:19530", "root:Milvus", "news")
    assert parse_store("local") is None


def test_unreachable_server_is_one_clear_error():
    from rag.store.milvus import connect, parse_store
    from tests.tools.ports import free_port

    with pytest.raises(UserError, match="cannot open Milvus"):
        connect(parse_store(f"milvus://127.0.0.1:{free_port()}"), timeout=2)


def test_a_milvus_failure_hint_is_a_command_right_as_printed(seed_index):
    import shlex

    from rag.store.milvus import MilvusTarget, _store_build_command

    words = shlex.split(_store_build_command(seed_index, MilvusTarget("/tmp/a folder/x.db")))
    assert words[:4] == ["rag", "index", "build", "--rebuild"]
    assert words[words.index("--corpus") + 1] == str(seed_index.manifest["corpus"])
    assert words[words.index("--embedder") + 1] == FAKE
    assert words[words.index("--store") + 1] == "milvus:/tmp/a folder/x.db"

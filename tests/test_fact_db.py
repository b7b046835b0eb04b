"""Facts as SQLite tables (rag.fact_db): the same answers as a scan of every passage's facts.

The reference here is the plain scan the local store did before the tables
existed; each query of ``LocalFacts`` must return the same passages and facts in
the same order, with segments (added, changed and removed articles), and when
the file is missing or damaged (then the tables are built in memory).
"""

from __future__ import annotations

import os

import pytest

from rag.embeddings import HashedNgramEmbeddings
from rag.fact_db import FACTS_DB, FactDb
from rag.index import build_index, load_index
from rag.store.local import LocalStore

NEW_ARTICLE = ("曲麻莱县光纤网络项目由中国移动投资建设。中国移动在曲麻莱县投入资金1.2亿元，"
               "华能集团在曲麻莱县捐赠300万元，惠及牧民三千户。")
CHANGED_TAIL = "\n中国移动另向海原县捐赠500万元。"


def build(corpus, path, settings):
    return build_index(corpus, path, settings, embedder=HashedNgramEmbeddings(64), progress=False)


def scan_money(index, places=None, organisations=None, category=None):
    """What the store answered before the tables: every live passage's money facts, filtered in Python."""
    table = index.facts
    documents = None
    if places:
        documents = {chunk.doc_id for chunk, facts in table for p in facts.places if p.stem in places}
    return [(chunk.id, fact) for chunk, facts in table if documents is None or chunk.doc_id in documents
            for fact in facts.money
            if (organisations is None or fact.organisation in organisations)
            and (category is None or fact.category == category)]


def queries(local: LocalStore) -> dict:
    """Every FactStore question over a spread of arguments, with chunks as ids (comparable across loads)."""
    facts = local.facts
    organisations = sorted({f.organisation for _, f in facts.money_facts() if f.organisation})
    places = sorted(facts.place_names())[:12] + ["海原", "曲麻莱", "不存在的县"]
    found = {"place_names": facts.place_names(), "organisations": organisations}
    for place in places:
        found[("naming", place)] = facts.articles_naming([place])
        found[("money", place)] = [(c.id, f) for c, f in facts.money_facts(places=[place])]
    for name in organisations + ["中国移动"]:
        found[("about", name)] = [c.id for c in facts.passages_about([name])]
        found[("money by", name)] = [(c.id, f) for c, f in facts.money_facts(organisations=[name])]
    for category in ("donation", "investment", "purchase", None):
        found[("category", category)] = [(c.id, f) for c, f in facts.money_facts(category=category)]
        found[("both", category)] = [(c.id, f) for c, f in facts.money_facts(
            places=["海原", "曲麻莱"], organisations=organisations[:3] + ["中国移动"], category=category)]
    for doc_id in local.passages.article_ids():
        found[("places in", doc_id)] = [(c.id, p) for c, p in facts.places_in(doc_id)]
    return found


def test_the_tables_answer_as_the_scan_of_every_passage_did(seed_corpus, tmp_path, fake_settings):
    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    assert (path / FACTS_DB).is_file()
    index = load_index(path, fake_settings)
    local = LocalStore(index)
    assert all(isinstance(source.db, FactDb) for source in local.facts._sources)
    assert local.facts._sources[0].db._connection.execute("PRAGMA database_list").fetchall()[0][2]  # a file
    assert local.facts.place_names() == index.facts.place_names
    money = [(c.id, f) for c, f in local.facts.money_facts()]
    assert money == scan_money(index) and len(money) > 10
    for place in ("海原", "西吉", "原州"):
        assert [(c.id, f) for c, f in local.facts.money_facts(places=[place])] == scan_money(index, places={place})
        assert local.facts.articles_naming([place]) == index.facts.documents_naming(place)
    organisations = sorted({f.organisation for _, f in money if f.organisation})
    for name in organisations:
        expected = scan_money(index, organisations={name}, category="donation")
        assert [(c.id, f) for c, f in local.facts.money_facts(organisations=[name], category="donation")] == expected
        about = [c.id for c, facts in index.facts if name in facts.organisations or c.subject == name]
        assert [c.id for c in local.facts.passages_about([name])] == about
    assert local.facts.money_facts(organisations=[]) == [] and local.facts.passages_about([]) == []
    doc_id = index.article_ids[0]
    expected = [(index.chunks[p].id, place) for p in index.chunks_of[doc_id] for place in index.facts.facts[p].places]
    assert [(c.id, p) for c, p in local.facts.places_in(doc_id)] == expected and expected


def test_segments_answer_as_the_facts_of_their_live_passages(seed_corpus, tmp_path, fake_settings):
    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    changed, removed = sorted(seed_corpus.iterdir())[:2]
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    build(seed_corpus, path, fake_settings)  # one update each: small enough to be a segment
    changed.write_text(changed.read_text(encoding="utf-8") + CHANGED_TAIL, encoding="utf-8")
    build(seed_corpus, path, fake_settings)
    removed.unlink()
    build(seed_corpus, path, fake_settings)
    index = load_index(path, fake_settings)
    assert len(index.parts) == 3 and not index.parts[0].whole  # the base with tombstones, two segments
    from_files = queries(LocalStore(index))
    assert any(v for k, v in from_files.items() if k[0] == "money" and k[1] == "曲麻莱")
    assert not any(removed.name in v for k, v in from_files.items() if k[0] == "naming")
    # The same questions over the tables built in memory from the live passages' facts.
    for part in index.parts:
        os.remove(part.folder / FACTS_DB)
    fresh = LocalStore(load_index(path, fake_settings))
    assert fresh.facts._sources[0].db._connection.execute("PRAGMA database_list").fetchall()[0][2] == ""
    assert queries(fresh) == from_files


@pytest.mark.parametrize("damage", ["random bytes", "empty", "half"])
def test_a_damaged_facts_table_is_built_again_in_memory(seed_index, fake_settings, damage):
    path = seed_index.path
    before = queries(LocalStore(load_index(path, fake_settings)))
    file = path / FACTS_DB
    data = file.read_bytes()
    file.write_bytes({"random bytes": os.urandom(len(data)), "empty": b"", "half": data[: len(data) // 2]}[damage])
    after = LocalStore(load_index(path, fake_settings))
    assert queries(after) == before


def test_a_table_of_another_size_is_not_used(seed_index, fake_settings, tmp_path):
    """A facts.sqlite copied from another index (another row count) is ignored, not trusted."""
    from rag.fact_db import write_fact_db
    from rag.facts import PassageFacts

    path = seed_index.path
    write_fact_db(path / FACTS_DB, [("other.txt", None, PassageFacts("other.txt#1", ("中国移动",), (), ()).to_json())])
    assert FactDb.open(path / FACTS_DB, 1) is not None
    local = LocalStore(load_index(path, fake_settings))
    assert all(c.doc_id != "other.txt" for c in local.facts.passages_about(["中国移动"]))
    assert local.facts._sources[0].db._connection.execute("PRAGMA database_list").fetchall()[0][2] == ""

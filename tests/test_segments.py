"""Updates as segments: new and changed articles in a segment, removed ones tombstoned, compaction merges.

Every test builds the seed index, updates it in a way small enough to become a
segment, and checks what a search through the local store returns.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag import index as index_module
from rag.embeddings import HashedNgramEmbeddings
from rag.errors import UserError
from rag.index import build_index, compact_index, load_index
from rag.store.local import LocalStore

NEW_ARTICLE = "中国移动在曲麻莱县投资建设光纤网络，惠及牧民三千户。"


def build(corpus, path, settings, **kwargs):
    return build_index(corpus, path, settings, embedder=HashedNgramEmbeddings(64), progress=False, **kwargs)


def store(path, settings) -> LocalStore:
    return LocalStore(load_index(path, settings))


def everything(local: LocalStore, query: str) -> set[str]:
    """Article ids any search of the store returns for ``query``."""
    found = {a.doc_id for a in local.lexical.search_articles(query, 100)}
    found |= {p.doc_id for p in local.lexical.search_passages(query, 1000)}
    vector = HashedNgramEmbeddings(64).embed_query(query)
    found |= {p.doc_id for p in local.vectors.search(np.asarray(vector, dtype=np.float32), 1000)}
    return found


def test_an_added_article_is_a_segment_and_is_found(seed_corpus, tmp_path, fake_settings):
    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    base = (path / "chunks.jsonl").read_bytes()
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    report = build(seed_corpus, path, fake_settings)
    assert report.added == ["new.txt"]
    assert (path / "chunks.jsonl").read_bytes() == base  # the base was not rewritten
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in manifest["segments"]] == ["seg-000001"]
    local = store(path, fake_settings)
    from rag.chunk_lines import ChunkLines

    assert isinstance(local.index.parts[0].chunks, ChunkLines)  # the base is still read on demand
    assert local.lexical.search_articles("曲麻莱光纤", 1)[0].doc_id == "new.txt"
    assert local.lexical.search_passages("曲麻莱 光纤", 1)[0].doc_id == "new.txt"
    vector = np.asarray(HashedNgramEmbeddings(64).embed_query(NEW_ARTICLE), dtype=np.float32)
    assert local.vectors.search(vector, 1)[0].doc_id == "new.txt"
    assert local.vectors.search(vector, 1, {"new.txt"})[0].doc_id == "new.txt"
    assert "new.txt" in local.passages.article_ids() and local.passages.count_articles() == 6
    assert "new.txt" in local.facts.articles_naming(["曲麻莱"])
    assert local.lexical.idf("光纤") < local.lexical.idf("从未出现的词")


def test_a_removed_article_is_never_returned(seed_corpus, tmp_path, fake_settings):
    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    removed = next(seed_corpus.glob("003*.txt"))
    text = removed.read_text(encoding="utf-8")
    before = store(path, fake_settings)
    assert removed.name in everything(before, text[:200])
    removed.unlink()
    report = build(seed_corpus, path, fake_settings)
    assert report.removed == [removed.name]
    assert json.loads((path / "manifest.json").read_text())["segments"][0]["removes"] == [removed.name]
    local = store(path, fake_settings)
    assert removed.name not in everything(local, text[:200])
    assert removed.name not in local.passages.article_ids() and not local.passages.passages_of([removed.name])
    assert removed.name not in {c.doc_id for c in local.facts.passages_about(["鞍钢集团", "华润集团", "中国移动"])}
    assert all(chunk.doc_id != removed.name for chunk, _ in local.facts.money_facts())
    assert local.passages.count_passages() == len(local.index.chunks) == local.index.manifest["n_chunks"]
    fresh = tmp_path / "fresh"
    build(seed_corpus, fresh, fake_settings)
    rebuilt = store(fresh, fake_settings)
    for word in ("鞍钢", "帮扶", "从未出现的词"):  # the idf counts the live passages, as a fresh build does
        assert local.lexical.idf(word) == pytest.approx(rebuilt.lexical.idf(word)), word


def test_a_changed_article_old_text_is_gone_and_new_text_found(seed_corpus, tmp_path, fake_settings):
    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    target = next(seed_corpus.glob("002*.txt"))
    target.write_text("鞍山钢铁向岫岩县捐赠帮扶资金999万元，建设蓝莓基地。", encoding="utf-8")
    report = build(seed_corpus, path, fake_settings)
    assert report.changed == [target.name]
    local = store(path, fake_settings)
    passages = local.passages.passages_of([target.name])[target.name]
    assert len(passages) == 1 and "蓝莓" in passages[0].text  # only the new version's passage
    assert local.lexical.search_passages("蓝莓 基地", 1)[0].doc_id == target.name
    # the old version's words no longer lead to it
    assert target.name not in {p.doc_id for p in local.lexical.search_passages("完成 幫扶 項目", 100)
                               if "蓝莓" not in local.passages.get_passages([p.chunk_id])[0].text}
    assert [f.yuan for c, f in local.facts.money_facts() if c.doc_id == target.name] == [9.99e6]


def test_compaction_gives_what_a_fresh_build_gives(seed_corpus, tmp_path, fake_settings):
    path, fresh = tmp_path / "idx", tmp_path / "fresh"
    build(seed_corpus, path, fake_settings)
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    build(seed_corpus, path, fake_settings)
    next(seed_corpus.glob("001*.txt")).unlink()
    build(seed_corpus, path, fake_settings)
    target = next(seed_corpus.glob("000*.txt"))
    target.write_text(target.read_text(encoding="utf-8") + "\n华润集团新增投入5000万元。", encoding="utf-8")
    build(seed_corpus, path, fake_settings)
    assert len(json.loads((path / "manifest.json").read_text())["segments"]) == 3
    pending = store(path, fake_settings)
    report = compact_index(path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert not report.skipped_build
    assert not (path / "segments").exists() and "segments" not in json.loads((path / "manifest.json").read_text())
    build(seed_corpus, fresh, fake_settings)
    for name in ("chunks.jsonl", "facts.jsonl"):
        assert (path / name).read_bytes() == (fresh / name).read_bytes()
    compacted, rebuilt = store(path, fake_settings), store(fresh, fake_settings)
    assert compacted.passages.article_ids() == rebuilt.passages.article_ids()
    vector = np.asarray(HashedNgramEmbeddings(64).embed_query("华润集团在海原县投资"), dtype=np.float32)
    for query in ("华润集团在海原县投资多少", "曲麻莱光纤", "叙永县帮扶"):
        assert compacted.lexical.search_articles(query, 5) == rebuilt.lexical.search_articles(query, 5)
        assert compacted.lexical.search_passages(query, 10) == rebuilt.lexical.search_passages(query, 10)
        # with the segments pending, the same articles come first
        assert ([a.doc_id for a in pending.lexical.search_articles(query, 3)]
                == [a.doc_id for a in rebuilt.lexical.search_articles(query, 3)])
    assert compacted.vectors.search(vector, 5) == rebuilt.vectors.search(vector, 5)
    assert [p.chunk_id for p in pending.vectors.search(vector, 5)] == [p.chunk_id for p in rebuilt.vectors.search(vector, 5)]
    assert compact_index(path, fake_settings, progress=False).skipped_build  # nothing left to merge


def test_a_segment_scores_like_the_base_it_extends(seed_corpus, tmp_path, fake_settings):
    """The segment's BM25 computed at query time equals bm25s's for the same article in a base."""
    path, fresh = tmp_path / "idx", tmp_path / "fresh"
    last = sorted(seed_corpus.glob("*.txt"))[-1]
    text = last.read_text(encoding="utf-8")
    last.unlink()
    build(seed_corpus, path, fake_settings)
    last.write_text(text, encoding="utf-8")
    build(seed_corpus, path, fake_settings)
    build(seed_corpus, fresh, fake_settings)
    segmented, rebuilt = load_index(path, fake_settings), load_index(fresh, fake_settings)
    assert not segmented.single and [c.id for c in segmented.chunks] == [c.id for c in rebuilt.chunks]
    # Only the average length differs (the base's, without the added article): scores agree to a few per cent.
    for tokens in (["叙永"], ["华润", "海原", "投资"], ["中国", "移动"]):
        assert np.allclose(segmented.score_passages(tokens), rebuilt.score_passages(tokens), rtol=0.15, atol=1e-6)
    for bigrams in (["叙永", "永县"], ["华润", "海原"]):
        assert np.allclose(segmented.score_articles(bigrams), rebuilt.score_articles(bigrams), rtol=0.15, atol=1e-6)
    assert segmented.idf("叙永") == pytest.approx(rebuilt.idf("叙永"))


def test_an_interrupted_update_leaves_the_previous_index_readable(seed_corpus, tmp_path, fake_settings, monkeypatch):
    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    manifest = (path / "manifest.json").read_bytes()
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    write_json = index_module._write_json_atomic

    def crash(*args, **kwargs):  # the segment is written and renamed; the manifest switch fails
        raise OSError("disk full")

    monkeypatch.setattr(index_module, "_write_json_atomic", crash)
    with pytest.raises(UserError, match="disk full"):
        build(seed_corpus, path, fake_settings)
    assert (path / "manifest.json").read_bytes() == manifest
    assert list((path / "segments").iterdir())  # the orphan segment is there, but nothing lists it
    local = store(path, fake_settings)
    assert local.passages.count_articles() == 5 and "new.txt" not in everything(local, "曲麻莱光纤")

    # Killed while writing the segment's files: a half-written folder under a temporary name.
    monkeypatch.setattr(index_module, "_write_json_atomic", write_json)
    real_save = index_module._save_tokens
    monkeypatch.setattr(index_module, "_save_tokens", lambda *a, **k: (_ for _ in ()).throw(OSError("killed")))
    with pytest.raises(UserError, match="killed"):
        build(seed_corpus, path, fake_settings)
    assert store(path, fake_settings).passages.count_articles() == 5
    (path / "segments" / ".seg-000001.tmp-99999").mkdir()  # as a process killed outright leaves it
    monkeypatch.setattr(index_module, "_save_tokens", real_save)
    build(seed_corpus, path, fake_settings)
    assert sorted(p.name for p in (path / "segments").iterdir()) == ["seg-000001"]  # leftovers cleared
    assert "new.txt" in everything(store(path, fake_settings), "曲麻莱光纤")


def test_a_large_update_rebuilds_whole(seed_corpus, tmp_path, fake_settings):
    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    for i, article in enumerate(sorted(seed_corpus.glob("*.txt"))[:2]):  # 2 of 5 articles: over a quarter
        article.write_text(article.read_text(encoding="utf-8") + f"\n补充{i}。", encoding="utf-8")
    report = build(seed_corpus, path, fake_settings)
    assert len(report.changed) == 2
    assert "segments" not in json.loads((path / "manifest.json").read_text()) and not (path / "segments").exists()


def test_a_damaged_segment_is_refused_with_the_rebuild_command(seed_corpus, tmp_path, fake_settings):
    from rag.errors import CorruptIndexError

    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    build(seed_corpus, path, fake_settings)
    (path / "segments" / "seg-000001" / "passage-tokens" / "offsets.npy").write_bytes(b"garbage")
    with pytest.raises(CorruptIndexError, match="rag index build --rebuild"):
        load_index(path, fake_settings)


def test_a_missing_segment_is_named_with_the_rebuild_command(seed_corpus, tmp_path, fake_settings):
    import shutil

    from rag.errors import CorruptIndexError

    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    build(seed_corpus, path, fake_settings)
    shutil.rmtree(path / "segments" / "seg-000001")
    with pytest.raises(CorruptIndexError, match=r"seg-000001.*missing.*rag index build --rebuild"):
        load_index(path, fake_settings)


def test_an_update_reads_only_the_files_whose_size_or_time_changed(seed_corpus, tmp_path, fake_settings, monkeypatch):
    import os

    import rag.ingest

    path = tmp_path / "idx"
    build(seed_corpus, path, fake_settings)
    read = []
    real = rag.ingest._read_file
    monkeypatch.setattr(rag.ingest, "_read_file", lambda file, doc_id: read.append(doc_id) or real(file, doc_id))
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assert build(seed_corpus, path, fake_settings).added == ["new.txt"]
    assert read == ["new.txt"]
    # touched, same text: read once (same hash, nothing re-indexed), and not again after that
    touched = next(seed_corpus.glob("002*.txt"))
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    read.clear()
    report = build(seed_corpus, path, fake_settings)
    assert read == [touched.name] and not (report.added or report.changed) and report.unchanged == 6
    read.clear()
    assert build(seed_corpus, path, fake_settings).skipped_build and read == []
    # new text: a new size and time, read and indexed
    touched.write_text("鞍山钢铁向岫岩县捐赠帮扶资金999万元。", encoding="utf-8")
    read.clear()
    assert build(seed_corpus, path, fake_settings).changed == [touched.name] and read == [touched.name]

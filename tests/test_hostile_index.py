"""Damaged index files as a crash or a user leaves them: a clear error or a correct answer, never a crash.

An index with one pending segment is built, then one of its files is damaged
and the question asked again through the CLI.
"""

from __future__ import annotations

import pytest

from rag.cli import ask_command
from rag.embeddings import HashedNgramEmbeddings
from rag.index import build_index

NEW_ARTICLE = "中国移动在曲麻莱县投资建设光纤网络，惠及牧民三千户。"


@pytest.fixture
def segmented(seed_corpus, tmp_path, fake_settings):
    """An index of the seed articles plus one article added as a segment."""
    path = tmp_path / "idx"
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert (path / "segments" / "seg-000001").is_dir()
    return seed_corpus, path


NPY_FILES = ["chunks.offsets.npy", "bm25/vocab.lookup.npy", "bm25/data.csc.index.npy",
             "bm25-articles/indptr.csc.index.npy", "passage-tokens/offsets.npy", "article-tokens/offsets.npy",
             "segments/seg-000001/passage-tokens/ids.npy", "segments/seg-000001/article-tokens/offsets.npy"]


@pytest.mark.parametrize("name", NPY_FILES)
def test_an_empty_npy_file_gives_a_clear_error_or_the_answer(segmented, run, name):
    corpus, path = segmented
    (path / name).write_bytes(b"")  # what a crash mid-write (or a full disk) leaves
    result = run(ask_command, "--corpus", corpus, "--index", path, "曲麻莱光纤")
    assert "unexpected" not in result.output and "Traceback" not in result.output, result.output
    if result.exit_code == 0:
        assert "new.txt" in result.output
    else:
        assert result.exit_code == 1 and "rag index build --rebuild" in result.output, result.output


def test_facts_read_after_a_rebuild_swapped_the_folder_are_this_index_s(seed_corpus, tmp_path, fake_settings):
    """A long-lived process (rag ui) reads facts.jsonl on its first money question, maybe after a swap."""
    from rag.facts import FactTable
    from rag.index import load_index

    path = tmp_path / "idx"
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    old = load_index(path, fake_settings)
    # Renamed articles: the same passages, in another order (the corpus's), in a new folder.
    for name, new in (("000", "zz0"), ("001", "zz1")):
        article = next(seed_corpus.glob(f"{name}*.txt"))
        article.rename(seed_corpus / f"{new}.txt")
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    assert (path / "facts.jsonl").read_text(encoding="utf-8").count("\n") == len(old.chunks)
    expected = FactTable.extract(list(old.chunks)).facts
    assert old.facts.facts == expected


@pytest.mark.parametrize("args", [["build", "--rebuild"], ["compact"]])
def test_a_rebuild_or_compaction_keeps_the_user_s_files_dropped_into_the_index_folder(segmented, run, args):
    """A full build or compaction replaces the whole folder: a file the user put there would go with it."""
    from rag.cli import index_group

    corpus, path = segmented
    (path / "my-notes.txt").write_text("precious", encoding="utf-8")
    (path / "mine").mkdir()
    (path / "mine" / "p.txt").write_text("precious", encoding="utf-8")
    result = run(index_group, *args, "--corpus", corpus, "--index", path)
    assert result.exit_code == 1, result.output
    assert "my-notes.txt" in result.output and "move them out" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert (path / "my-notes.txt").read_text(encoding="utf-8") == "precious"
    assert (path / "mine" / "p.txt").read_text(encoding="utf-8") == "precious"
    (path / "my-notes.txt").unlink()
    (path / "mine" / "p.txt").unlink()
    (path / "mine").rmdir()
    assert run(index_group, *args, "--corpus", corpus, "--index", path).exit_code == 0

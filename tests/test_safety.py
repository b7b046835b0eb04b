"""Nothing lost, nothing unexpected: the index owns its folder and nothing else.

Each test here is one defect of issue 12 and failed on the code before the fix.
"""

from __future__ import annotations

import shlex

import pytest

from rag.cli import ask_command, rag_group
from rag.embeddings import HashedNgramEmbeddings
from rag.errors import UserError
from rag.index import MARKER, IndexSettings, build_index, load_index
from tests.conftest import FAKE, one_error_line


def build(corpus, path, **kwargs):
    return build_index(corpus, path, IndexSettings(embedder=FAKE), embedder=HashedNgramEmbeddings(64),
                       progress=False, **kwargs)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the index owns its folder -------------------------------------------------------


def test_rebuild_refuses_a_folder_it_did_not_make(run, seed_corpus, tmp_path):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.md").write_text("三年的工作", encoding="utf-8")
    before = snapshot(mine)
    line = one_error_line(run(rag_group, "index", "build", "--rebuild", "--corpus", seed_corpus, "--index", mine))
    assert "not an index made by rag" in line and "not touched" in line
    assert snapshot(mine) == before


def test_a_folder_that_is_not_an_index_is_not_called_damaged(run, seed_corpus, tmp_path):
    # The old message told the user to run --rebuild on it, which deleted it.
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "a.jpg").write_bytes(b"\xff\xd8")
    line = one_error_line(run(ask_command, "海原", "--corpus", seed_corpus, "--index", mine))
    assert "not an index made by rag" in line and "--rebuild" not in line
    assert (mine / "a.jpg").read_bytes() == b"\xff\xd8"


@pytest.mark.parametrize("where", ["corpus", "parent", "inside"])
def test_an_index_overlapping_the_corpus_is_refused(run, seed_corpus, where):
    target = {"corpus": seed_corpus, "parent": seed_corpus.parent, "inside": seed_corpus / "idx"}[where]
    before = snapshot(seed_corpus.parent)
    line = one_error_line(run(rag_group, "index", "build", "--rebuild", "--corpus", seed_corpus, "--index", target))
    assert "overlaps the corpus" in line
    assert snapshot(seed_corpus.parent) == before
    assert not (seed_corpus / "idx").exists()


def test_an_index_location_that_is_a_file_is_refused_and_left_in_place(run, seed_corpus, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    for args in (["index", "build", "--rebuild"], ["index", "build"]):
        line = one_error_line(run(rag_group, *args, "--corpus", seed_corpus, "--index", notes))
        assert "is a file" in line
    assert notes.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".notes")) in ([], [".notes.txt.lock"])


def test_an_index_is_marked_and_a_marked_or_older_index_is_replaced(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build(seed_corpus, path)
    assert (path / MARKER).is_file()
    # An index written before the marker existed (manifest + chunks) is still ours.
    (path / MARKER).unlink()
    load_index(path, IndexSettings(embedder=FAKE))
    build(seed_corpus, path, rebuild=True)
    assert (path / MARKER).is_file()


def test_a_stale_staging_folder_that_is_not_ours_is_left_alone(seed_corpus, tmp_path):
    stranger = tmp_path / ".idx.tmp-123"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("x", encoding="utf-8")
    build(seed_corpus, tmp_path / "idx")
    assert (stranger / "keep.txt").read_text(encoding="utf-8") == "x"


def test_every_rebuild_hint_is_right_as_printed(run, tmp_path):
    corpus = tmp_path / "mine"
    corpus.mkdir()
    (corpus / "a.txt").write_text("测试集团新闻\n测试集团在曲靖市投入帮扶资金321万元。", encoding="utf-8")
    index = tmp_path / "my index"
    assert run(rag_group, "index", "build", "--corpus", corpus, "--index", index).exit_code == 0
    (index / "vectors.faiss").write_bytes(b"garbage")
    line = one_error_line(run(ask_command, "测试集团投入了多少？", "--corpus", corpus, "--index", index))
    command = line.split("rebuild it with: ", 1)[1]
    words = shlex.split(command)
    assert words[:4] == ["rag", "index", "build", "--rebuild"] and "--corpus" in words and "--embedder" in words
    assert run(rag_group, *words[1:]).exit_code == 0  # exactly as printed
    assert load_index(index, IndexSettings(embedder=FAKE)).document_ids() == ["a.txt"]
    # the mismatch hint too, and the index at the default place needs no --index
    line = one_error_line(run(ask_command, "测试", "--corpus", corpus, "--index", index, "--embedder", "fake:32"))
    words = shlex.split(line.split("rebuild it with: ", 1)[1])
    assert words[words.index("--embedder") + 1] == "fake:32" and words[words.index("--corpus") + 1] == str(corpus)
    assert run(ask_command, "测试", "--corpus", corpus).exit_code == 0
    from rag.chain import default_index_path

    (default_index_path(corpus, IndexSettings(embedder=FAKE)) / "vectors.faiss").write_bytes(b"garbage")
    line = one_error_line(run(ask_command, "测试", "--corpus", corpus))
    assert "--index" not in line and f"--corpus {shlex.quote(str(corpus))}" in line


def test_a_mistyped_corpus_is_an_error_even_when_the_index_exists(run, seed_corpus, tmp_path):
    index = tmp_path / "idx"
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", index).exit_code == 0
    line = one_error_line(run(ask_command, "海原", "--corpus", tmp_path / "artcles", "--index", index))
    assert "corpus not found" in line


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_an_unwritable_index_location_is_one_line_naming_it(run, seed_corpus, tmp_path, where):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "idx" if where == "under-a-file" else "/proc/rag-no-such/idx"
    line = one_error_line(run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", target))
    assert "cannot write the index at" in line and str(target) in line
    assert blocker.read_text(encoding="utf-8") == "x"


def test_ask_answers_from_the_current_index_while_another_process_updates_it(run, seed_corpus, tmp_path):
    from filelock import FileLock

    index = tmp_path / "idx"
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", index).exit_code == 0
    (seed_corpus / "new.txt").write_text("测试集团新闻\n测试集团在曲靖市投入帮扶资金321万元。", encoding="utf-8")
    with FileLock(str(tmp_path / ".idx.lock")):  # as a build in another process holds it
        result = run(ask_command, "哪家企业在海原投资最多？", "--corpus", seed_corpus, "--index", index)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("华润") and "another process is updating the index" in result.stderr


def test_a_build_refuses_while_another_holds_the_lock(seed_corpus, tmp_path):
    from filelock import FileLock

    with FileLock(str(tmp_path / ".idx.lock")), pytest.raises(UserError, match="another process is building"):
        build(seed_corpus, tmp_path / "idx")
    assert not (tmp_path / "idx").exists()


def test_a_build_in_a_log_writes_a_few_lines_not_progress_bars(run, seed_corpus, tmp_path):
    result = run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", tmp_path / "idx")
    assert result.exit_code == 0
    assert "\r" not in result.output and "%|" not in result.output
    assert 2 <= len(result.output.splitlines()) <= 10, result.output


def test_a_first_ask_waits_for_a_build_in_progress_instead_of_failing(run, seed_corpus, tmp_path):
    import threading
    import time

    from filelock import FileLock

    lock = FileLock(str(tmp_path / ".idx.lock"), thread_local=False)  # released by the other thread
    lock.acquire()
    threading.Thread(target=lambda: (time.sleep(1.5), lock.release()), daemon=True).start()
    result = run(ask_command, "哪家企业在海原投资最多？", "--corpus", seed_corpus, "--index", tmp_path / "idx")
    assert result.exit_code == 0, result.output
    assert "waiting for another process" in result.stderr and result.stdout.startswith("华润")

"""A hostile pass over the index lifecycle: damaged indexes met by an update, odd index locations,
failures and interruptions in the middle of a write.

Each test here failed on the code before its fix. The rule they hold the code to:
bad input gets one line saying what to do, nothing is lost, the index on disk is
either the old one or the new one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rag.cli import ask_command, rag_group
from tests.conftest import one_error_line

NEW_ARTICLE = "中国移动在曲麻莱县投资建设光纤网络，惠及牧民三千户。"


def snapshot(folder):
    """Every file under ``folder`` by relative path, with a digest of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def error_line(result) -> str:
    """The one ``error: …`` line of a failed command that may have printed progress lines before it."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and result.stderr.rstrip().endswith(errors[0]), result.stderr
    return errors[0]


def truncate(file):
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])


# --- an update meets a damaged index ------------------------------------------------

# Files a question cannot do without: their damage makes ``ask`` refuse the index.
VITAL = ["vectors.faiss", "chunks.jsonl", "bm25/data.csc.index.npy", "bm25-articles/params.index.json",
         "segments/seg-000001/chunks.jsonl", "segments/seg-000001/vectors.faiss",
         "segments/seg-000001/passage-tokens/ids.npy", "passage-tokens/offsets.npy"]


@pytest.fixture
def segmented(run, seed_corpus, tmp_path):
    """The seed index plus one article added as a segment, built through the CLI."""
    path = tmp_path / "idx"
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path).exit_code == 0
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path).exit_code == 0
    assert (path / "segments" / "seg-000001").is_dir()
    return seed_corpus, path


@pytest.mark.parametrize("name", VITAL)
def test_an_update_of_a_damaged_index_refuses_it_instead_of_reporting_success(run, segmented, name):
    corpus, path = segmented
    truncate(path / name)
    refused = one_error_line(run(ask_command, "曲麻莱光纤", "--corpus", corpus, "--index", path))
    assert "rag index build --rebuild" in refused
    before = snapshot(path)
    # Nothing changed in the corpus: not "index up to date".
    assert one_error_line(run(rag_group, "index", "build", "--corpus", corpus, "--index", path)) == refused
    # A changed corpus: no segment is added to the damaged index, and no success is reported.
    (corpus / "new2.txt").write_text("华润集团在海原县捐赠五百万元。", encoding="utf-8")
    assert one_error_line(run(rag_group, "index", "build", "--corpus", corpus, "--index", path)) == refused
    assert snapshot(path) == before
    # The command it names repairs it.
    assert run(rag_group, "index", "build", "--rebuild", "--corpus", corpus, "--index", path).exit_code == 0
    answer = run(ask_command, "曲麻莱光纤", "--corpus", corpus, "--index", path)
    assert answer.exit_code == 0 and "new.txt" in answer.stdout


def test_an_update_does_not_extend_a_base_whose_token_cache_is_damaged(run, seed_corpus, tmp_path):
    """Segments are scored with the base's average lengths: a segment on a base without them was unusable."""
    path = tmp_path / "idx"
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path).exit_code == 0
    truncate(path / "passage-tokens" / "offsets.npy")  # the one-part index still answers: it does not need it
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path).exit_code == 0
    answer = run(ask_command, "曲麻莱光纤", "--corpus", seed_corpus, "--index", path)
    assert answer.exit_code == 0 and "new.txt" in answer.stdout, answer.output


# --- where the index goes ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "ask"])
def test_an_empty_folder_given_as_index_is_built_in(run, seed_corpus, tmp_path, command):
    """The README lets a build fill an empty folder; the error said to run the command that had just failed."""
    path = tmp_path / "new-index"
    path.mkdir()
    if command == "build":
        result = run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path)
    else:
        result = run(ask_command, "哪家企业在海原投资最多？", "--corpus", seed_corpus, "--index", path)
    assert result.exit_code == 0, result.output
    assert (path / ".rag-index").is_file()


def test_a_user_folder_that_looks_like_an_old_index_is_not_replaced(run, seed_corpus, tmp_path):
    """Before the marker, an index was recognised by manifest.json + chunks.jsonl alone; --rebuild then
    deleted whatever else the folder held."""
    mine = tmp_path / "exports"
    mine.mkdir()
    (mine / "manifest.json").write_text('{"format": 1, "settings": {}}', encoding="utf-8")
    (mine / "chunks.jsonl").write_text("{}\n", encoding="utf-8")
    (mine / "notes.txt").write_text("我的笔记", encoding="utf-8")
    before = snapshot(mine)
    line = one_error_line(run(rag_group, "index", "build", "--rebuild", "--corpus", seed_corpus, "--index", mine))
    assert "not an index made by rag" in line and "not touched" in line
    assert snapshot(mine) == before


# --- a write fails half-way -------------------------------------------------------------------


def _fail_vectors(monkeypatch):
    """The vectors written onto a full disk (Linux's /dev/full: every write fails with ENOSPC).

    Given a path, FAISS writes through its own buffered file, as it would onto
    a real full disk: the failure surfaces only at close, where FAISS prints
    it and carries on. Given a writer, the writes themselves fail.
    """
    import errno

    import faiss

    real = faiss.write_index

    def full_disk(index, target):
        if not Path("/dev/full").exists():
            raise OSError(errno.ENOSPC, "No space left on device")
        if isinstance(target, str):
            return real(index, "/dev/full")
        with open("/dev/full", "wb", buffering=0) as full:
            return real(index, faiss.PyCallbackIOWriter(full.write))

    monkeypatch.setattr(faiss, "write_index", full_disk)


def _fail_facts(monkeypatch):
    """SQLite on a full disk: its own exception type, not an OSError."""
    import sqlite3

    from rag import fact_db

    def full_disk(connection, rows):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(fact_db, "_fill", full_disk)


@pytest.mark.parametrize("failure", [_fail_vectors, _fail_facts], ids=["vectors", "facts"])
@pytest.mark.parametrize("step", ["update", "compact", "rebuild"])
def test_a_full_disk_mid_write_is_one_line_and_the_old_index_still_answers(run, segmented, monkeypatch, failure, step):
    corpus, path = segmented
    if step == "update":
        (corpus / "new2.txt").write_text("华润集团在海原县捐赠五百万元。", encoding="utf-8")
    before = snapshot(path)
    failure(monkeypatch)
    args = {"update": ["build"], "compact": ["compact"], "rebuild": ["build", "--rebuild"]}[step]
    line = error_line(run(rag_group, "index", *args, "--corpus", corpus, "--index", path))
    assert "cannot write the index at" in line and "free some disk space" in line, line
    monkeypatch.undo()
    assert snapshot(path) == before
    assert not [p for p in path.parent.iterdir() if ".tmp-" in p.name]
    assert not [p for p in (path / "segments").iterdir() if ".tmp-" in p.name]
    answer = run(ask_command, "曲麻莱光纤", "--corpus", corpus, "--index", path)
    assert answer.exit_code == 0 and "new.txt" in answer.stdout, answer.output


@pytest.fixture
def read_only_index(monkeypatch):
    """Make the index location read-only, as a read-only mount is: creating its lock file fails with EROFS."""
    import errno

    import filelock

    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", self.lock_file)

    def apply():
        monkeypatch.setattr(filelock.FileLock, "acquire", read_only)

    return apply


def test_ask_on_a_changed_corpus_answers_from_an_index_it_cannot_update(run, seed_corpus, tmp_path, read_only_index):
    """A read-only or full disk: the index is intact, so ask answers from it and says why it is not updated
    (it refused to answer at all)."""
    path = tmp_path / "idx"
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path).exit_code == 0
    before = snapshot(path)
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    read_only_index()
    result = run(ask_command, "哪家企业在海原投资最多？", "--corpus", seed_corpus, "--index", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("华润")
    assert "Read-only file system" in result.stderr and "answering from the index as it is" in result.stderr
    # rag index build is asked to write: it fails, in one line.
    line = one_error_line(run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path))
    assert "cannot write the index at" in line and "Read-only file system" in line
    assert snapshot(path) == before


def test_an_upload_to_an_index_that_cannot_be_written_is_refused_and_not_left_in_the_corpus(seed_corpus, tmp_path,
                                                                                            read_only_index):
    from rag.errors import UserError
    from tests.conftest import FAKE
    from ui.service import ChatService

    service = ChatService(seed_corpus, tmp_path / "idx", FAKE)
    upload = tmp_path / "new.txt"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    before = sorted(p.name for p in seed_corpus.iterdir())
    read_only_index()
    with pytest.raises(UserError, match="not added .*Read-only file system"):
        service.add_files([upload])
    assert sorted(p.name for p in seed_corpus.iterdir()) == before


def test_a_manifest_whose_articles_do_not_add_up_is_refused_before_an_update_spreads_it(run, seed_corpus, tmp_path):
    """An update counts the index's passages from its articles' entries: a wrong entry was written on into a
    manifest whose count no longer matched its files, and the updated index was refused as incomplete."""
    import json

    path = tmp_path / "idx"
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", path).exit_code == 0
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    first = next(iter(manifest["documents"]))
    manifest["documents"][first]["chunks"] += 100  # a hand edit
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (seed_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    for args in ([ask_command, "曲麻莱光纤"], [rag_group, "index", "build"]):
        line = one_error_line(run(*args, "--corpus", seed_corpus, "--index", path))
        assert "does not add up" in line and "rag index build --rebuild" in line, line


def test_status_names_a_damaged_facts_table_that_questions_silently_work_around(run, segmented):
    """A damaged facts.sqlite costs every start a rebuild of the facts in memory (minutes at 68,000 articles);
    answers stay right, so nothing said so."""
    corpus, path = segmented
    (path / "facts.sqlite").write_bytes(b"\x00damaged" * 64)
    result = run(rag_group, "index", "status", "--corpus", corpus, "--index", path)
    assert result.exit_code == 0, result.output
    facts = [line for line in result.stdout.splitlines() if line.startswith("facts:")]
    assert len(facts) == 1 and "facts.sqlite unreadable" in facts[0] and "rag index build --rebuild" in facts[0], \
        result.stdout
    assert "segments/seg-000001/facts.sqlite" not in facts[0]  # only the damaged part is named

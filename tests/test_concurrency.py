"""Readers never write and never wait for a writer: ask during a build, questions during an upload."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag.cli import ask_command
from rag.embeddings import HashedNgramEmbeddings
from rag.index import IndexSettings, build_index, load_index
from tests.conftest import FAKE, PROJECT

QUESTION = "哪家企业在海原投资最多？"


def test_a_reader_during_a_swap_reads_the_old_index_and_writes_nothing(seed_corpus, tmp_path):
    path = tmp_path / "idx"
    build_index(seed_corpus, path, IndexSettings(embedder=FAKE), embedder=HashedNgramEmbeddings(64), progress=False)
    backup = tmp_path / ".idx.old"
    os.rename(path, backup)  # the instant between the two renames of a swap
    index = load_index(path, IndexSettings(embedder=FAKE))
    assert len(index.chunks) > 20
    assert backup.is_dir() and not path.exists()  # the writer's folders are as it left them


def _service(seed_corpus, tmp_path):
    from ui.service import ChatService

    return ChatService(seed_corpus, tmp_path / "idx", FAKE)


def _in_thread(function):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function()), daemon=True)
    thread.start()
    return thread, result


def test_the_chat_service_answers_while_an_upload_is_indexed(seed_corpus, tmp_path, monkeypatch):
    import ui.service

    service = _service(seed_corpus, tmp_path)
    building, release = threading.Event(), threading.Event()
    real_open = ui.service.Assistant.open

    def slow_open(*args, **kwargs):
        building.set()
        assert release.wait(30)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(ui.service.Assistant, "open", slow_open)
    upload = tmp_path / "new.txt"
    upload.write_text("星河集团新闻\n2024年，星河集团在青龙县投资3.5亿元建设光伏电站。", encoding="utf-8")
    uploader, uploaded = _in_thread(lambda: service.add_files([upload]))
    assert building.wait(30)
    asker, asked = _in_thread(lambda: list(service.stream(QUESTION)))
    asker.join(20)
    assert not asker.is_alive(), "the question waited for the upload"
    assert asked["value"][-1].text.startswith("华润")
    release.set()
    uploader.join(60)
    assert uploaded["value"].added == ["new.txt"]
    assert "new.txt" in service.article_ids()


def test_an_abandoned_answer_stream_holds_no_lock(seed_corpus, tmp_path):
    service = _service(seed_corpus, tmp_path)
    abandoned = service.stream(QUESTION)
    next(abandoned)  # a client that read the first item and went away
    asker, asked = _in_thread(lambda: list(service.stream(QUESTION)))
    asker.join(20)
    assert not asker.is_alive(), "a stream left open blocks every other question"
    assert asked["value"][-1].text.startswith("华润")


@pytest.mark.slow
def test_ask_in_a_loop_while_rag_index_build_updates_the_same_index(seed_corpus, tmp_path, monkeypatch):
    """Every ask answers (from the old or the new index) while another process rebuilds it."""
    monkeypatch.setenv("RAG_EMBEDDER", FAKE)
    for original in sorted(seed_corpus.glob("00[1-4]*.txt")):  # a corpus big enough for builds to take a while
        for copy in range(10):
            shutil.copyfile(original, seed_corpus / f"copy{copy}-{original.name}")
    index = tmp_path / "idx"
    runner = CliRunner()
    args = ["--corpus", str(seed_corpus), "--index", str(index)]
    assert runner.invoke(ask_command, [QUESTION, *args]).exit_code == 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PROJECT), os.environ.get("PYTHONPATH", "")]))
    during, builds = 0, []
    for round_ in range(3):
        # Each round changes over a quarter of the articles, so every build writes a whole new index and swaps it
        # in (a smaller update is a segment, see tests/test_segments.py).
        for changed in sorted(seed_corpus.glob("copy*.txt"))[:12]:
            changed.write_text(changed.read_text(encoding="utf-8") + f"\n第{round_}轮补充。", encoding="utf-8")
        build = subprocess.Popen([sys.executable, "-m", "rag.cli", "index", "build", *args], env=env, cwd=tmp_path,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while build.poll() is None and not list(tmp_path.glob(".idx.tmp-*")) and time.monotonic() < deadline:
            time.sleep(0.02)  # until the build is writing its staging folder
        while build.poll() is None and time.monotonic() < deadline:
            result = runner.invoke(ask_command, [QUESTION, *args])
            assert result.exit_code == 0, result.output
            assert result.stdout.startswith("华润"), result.output
            during += build.poll() is None
        out, err = build.communicate(timeout=120)
        builds.append((build.returncode, err))
    assert all(code == 0 for code, _ in builds), builds
    assert during >= 3  # asks really ran while a build was writing
    final = load_index(index, IndexSettings(embedder=FAKE)).manifest["documents"]
    for article in seed_corpus.glob("copy*.txt"):  # the last build saw every change
        assert final[article.name]["hash"] == hashlib.sha256(article.read_text(encoding="utf-8").encode()).hexdigest()[:16]


def test_an_ask_beside_a_swap_never_sees_a_half_deleted_backup(seed_corpus, tmp_path, monkeypatch):
    """While a swap deletes the old index (its backup), the backup stays an index or is gone.

    An ask checks the backup's name as it starts (check_index_location); with
    the marker deleted early, a half-deleted backup read as someone else's
    folder and the ask was refused.
    """
    import rag.index as index_module

    path, staging = tmp_path / "idx", tmp_path / ".idx.tmp-1"
    for folder in (path, staging):
        build_index(seed_corpus, folder, IndexSettings(embedder=FAKE), embedder=HashedNgramEmbeddings(64),
                    progress=False)
    checks = []
    real_unlink, real_rmdir = os.unlink, os.rmdir

    def check_then(real):
        def call(target, *args, **kwargs):
            index_module.check_index_location(path)  # raises UserError on a half-deleted backup
            checks.append(target)
            return real(target, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "unlink", check_then(real_unlink))
    monkeypatch.setattr(os, "rmdir", check_then(real_rmdir))
    index_module._swap_in(staging, path)
    assert len(checks) >= 10  # every file and folder of the backup went through the check
    assert load_index(path, IndexSettings(embedder=FAKE)).chunks and not (tmp_path / ".idx.old").exists()

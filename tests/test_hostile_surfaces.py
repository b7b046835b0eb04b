"""A hostile pass over the user surfaces: ``rag eval``'s gold file and run folder, the chat page's upload.

Each test here failed on the code before its fix.
"""

from __future__ import annotations

import json

import pytest

from rag.cli import ask_command, rag_group
from tests.conftest import one_error_line

QUESTION = {"question": "哪家企业在海原投资最多？", "facts": ["华润"]}


def gold_lines(*records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# --- rag eval ---------------------------------------------------------------------------


@pytest.mark.parametrize("case, expected", [
    ("gbk", "gold.jsonl:2: not UTF-8 text"),
    ("list", "gold.jsonl:2: not a gold item"),
    ("empty question", "gold.jsonl:2: the question is empty"),
    ("long question", "gold.jsonl:2: the question is 600 characters long"),
    ("folder", "is not a file"),
])
def test_a_bad_gold_file_is_one_line_naming_the_line(run, seed_corpus, tmp_path, case, expected):
    gold = tmp_path / "gold.jsonl"
    first = gold_lines(QUESTION).encode("utf-8")
    second = {"gbk": gold_lines(QUESTION).encode("gbk"), "list": b"[1, 2]\n",
              "empty question": gold_lines({"question": " \u200b "}).encode("utf-8"),
              "long question": gold_lines({"question": "海" * 600}).encode("utf-8")}
    if case == "folder":
        gold.mkdir()
    else:
        gold.write_bytes(first + second[case])
    line = one_error_line(run(rag_group, "eval", "--gold", gold, "--corpus", seed_corpus, "--index", tmp_path / "idx",
                              "--out", tmp_path / "run"))
    assert expected in line, line
    assert not (tmp_path / "idx").exists()  # refused before anything was built


def test_eval_out_refuses_a_folder_of_someone_else_s_files_before_running(run, seed_corpus, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_lines(QUESTION), encoding="utf-8")
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "report.md").write_text("# 我的报告\n", encoding="utf-8")
    line = one_error_line(run(rag_group, "eval", "--gold", gold, "--corpus", seed_corpus, "--index", tmp_path / "idx",
                              "--out", mine))
    assert "not touched" in line and "new folder" in line
    assert [p.name for p in mine.iterdir()] == ["report.md"]
    assert (mine / "report.md").read_text(encoding="utf-8") == "# 我的报告\n"
    assert not (tmp_path / "idx").exists()

    # A file as --out, or a folder under a file: one line before the run, not a traceback after it.
    for out in (gold, gold / "run"):
        assert "is a file" in one_error_line(run(rag_group, "eval", "--gold", gold, "--corpus", seed_corpus,
                                                 "--index", tmp_path / "idx", "--out", out))
    # An earlier run's folder is written over.
    first = run(rag_group, "eval", "--gold", gold, "--corpus", seed_corpus, "--index", tmp_path / "idx",
                "--out", tmp_path / "run")
    assert first.exit_code == 0, first.output
    again = run(rag_group, "eval", "--gold", gold, "--corpus", seed_corpus, "--index", tmp_path / "idx",
                "--out", tmp_path / "run")
    assert again.exit_code == 0, again.output


# --- the chat page's upload (ui.service.ChatService.add_files, what the page calls) -----------------------


@pytest.fixture
def service(seed_corpus, tmp_path):
    from tests.conftest import FAKE
    from ui.service import ChatService

    return ChatService(seed_corpus, tmp_path / "idx", FAKE)


GOOD = "星河集团新闻\n2024年，星河集团在青龙县投资3.5亿元建设光伏电站。"


@pytest.mark.parametrize("name, content, reason", [
    ("README.md", GOOD.encode("utf-8"), "READMEs are not indexed"),
    (".draft.txt", GOOD.encode("utf-8"), "hidden files"),
    ("empty.txt", b"", "no text to index"),
    ("blank.txt", " \n\t\u200b\n".encode("utf-8"), "no text to index"),
    ("hidden.html", b"<html><body><div hidden>\xe8\x97\x8f</div><template>x</template></body></html>", "no text"),
], ids=["readme", "hidden-name", "empty", "blank", "hidden-html"])
def test_an_upload_the_corpus_would_not_index_is_refused_not_reported_added(service, seed_corpus, tmp_path,
                                                                              name, content, reason):
    upload = tmp_path / "uploads" / name
    upload.parent.mkdir()
    upload.write_bytes(content)
    before = sorted(p.name for p in seed_corpus.iterdir())
    result = service.add_files([upload])
    assert result.added == [] and len(result.refused) == 1 and reason in result.refused[0], result.refused
    assert sorted(p.name for p in seed_corpus.iterdir()) == before


def test_an_upload_that_cannot_be_indexed_leaves_the_corpus_as_it_was(service, seed_corpus, tmp_path, monkeypatch):
    """The copy stayed in the corpus though the page said the upload failed; a retry was then refused as a
    duplicate of an article that was never indexed."""
    import ui.service
    from rag.errors import UserError

    upload = tmp_path / "new.txt"
    upload.write_text(GOOD, encoding="utf-8")
    before = sorted(p.name for p in seed_corpus.iterdir())

    def full_disk(*args, **kwargs):
        raise UserError("cannot write the index at idx: No space left on device; free some disk space")

    real_open = ui.service.Assistant.open
    monkeypatch.setattr(ui.service.Assistant, "open", full_disk)
    with pytest.raises(UserError, match="not added .*No space left"):
        service.add_files([upload])
    assert sorted(p.name for p in seed_corpus.iterdir()) == before
    assert list(service.stream("哪家企业在海原投资最多？"))[-1].text.startswith("华润")  # from the index it had
    monkeypatch.setattr(ui.service.Assistant, "open", real_open)
    assert service.add_files([upload]).added == ["new.txt"]  # the retry works
    assert "new.txt" in service.article_ids()


def test_an_upload_into_a_corpus_that_cannot_be_written_is_refused_with_the_reason(service, seed_corpus, tmp_path,
                                                                                    monkeypatch):
    import builtins
    import errno

    upload = tmp_path / "new.txt"
    upload.write_text(GOOD, encoding="utf-8")
    real_open = builtins.open

    def read_only_corpus(file, mode="r", *args, **kwargs):
        if str(file).startswith(str(seed_corpus)) and any(m in mode for m in "wxa"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_corpus)
    result = service.add_files([upload])
    assert result.added == [] and "cannot be copied into the corpus" in result.refused[0], result.refused
    assert "Permission denied" in result.refused[0]


def test_an_upload_while_another_process_updates_the_index_says_it_is_not_searched_yet(service, tmp_path):
    """It was reported added, though the index the page answers from did not have it."""
    from filelock import FileLock

    upload = tmp_path / "new.txt"
    upload.write_text(GOOD, encoding="utf-8")
    with FileLock(str(tmp_path / ".idx.lock")):  # as `rag index build` in another process holds it
        result = service.add_files([upload])
    assert result.added == ["new.txt"] and "not searched yet" in result.message()
    assert "new.txt" not in service.article_ids()


# --- --store milvus:<file>.db -------------------------------------------------------------------------


@pytest.mark.milvus
def test_a_milvus_store_file_that_is_someone_else_s_sqlite_database_is_not_touched(run, seed_corpus, tmp_path):
    """milvus-lite added its tables to any SQLite file it was given."""
    import hashlib
    import sqlite3

    notes = tmp_path / "notes.db"
    connection = sqlite3.connect(notes)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.execute("INSERT INTO notes VALUES ('我的笔记')")
    connection.commit()
    connection.close()
    before = hashlib.sha1(notes.read_bytes()).hexdigest()
    for command in ([rag_group, "index", "build"], [ask_command, "海原"]):
        line = one_error_line(run(*command, "--corpus", seed_corpus, "--index", tmp_path / "idx",
                                  "--store", f"milvus:{notes}"))
        assert "is not a milvus-lite store" in line and "not touched" in line, line
        assert not (tmp_path / "idx").exists()  # refused before a build, not after it
    assert hashlib.sha1(notes.read_bytes()).hexdigest() == before


@pytest.mark.milvus
def test_a_milvus_store_under_a_file_is_one_line(run, seed_corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    line = one_error_line(run(ask_command, "海原", "--corpus", seed_corpus, "--index", tmp_path / "idx",
                              "--store", f"milvus:{blocker}/index.db"))
    assert "cannot make the folder of --store" in line
    assert blocker.read_text(encoding="utf-8") == "x"


def test_an_empty_article_file_is_named_in_a_warning_not_counted_silently(run, seed_corpus, tmp_path):
    (seed_corpus / "empty.txt").write_bytes(b"")
    (seed_corpus / "blank.md").write_text(" \n\u200b\n", encoding="utf-8")
    result = run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", tmp_path / "idx")
    assert result.exit_code == 0, result.output
    for name in ("empty.txt", "blank.md"):
        assert f"warning: {name}: no text to index" in result.stderr, result.stderr
    (seed_corpus / "later.txt").write_text("", encoding="utf-8")  # in an update too
    result = run(rag_group, "index", "build", "--corpus", seed_corpus, "--index", tmp_path / "idx")
    assert "warning: later.txt: no text to index" in result.stderr, result.stderr


def test_a_question_restricted_to_some_articles_is_answered_from_them_alone(service):
    """"Only these articles" filtered retrieval, but "which … most" compared the whole facts table and cited an
    article the user had left out."""
    others = [d for d in service.article_ids() if not d.startswith("000")]
    for doc_id in others:
        answer = list(service.stream("哪家企业在海原投资最多？", doc_ids=[doc_id]))[-1]
        assert all(c.doc_id == doc_id for c in answer.citations), (doc_id, answer.text)
        assert not answer.text.startswith("华润"), (doc_id, answer.text)
    # The article that has the figure, chosen alone, still answers.
    haiyuan = next(d for d in service.article_ids() if d.startswith("000"))
    assert list(service.stream("哪家企业在海原投资最多？", doc_ids=[haiyuan]))[-1].text.startswith("华润")


@pytest.mark.parametrize("record, expected", [
    ('{"question": "哪家企业在海原投资最多？", ', "gold.jsonl:2: not JSON"),
    ('{"question": 5}', 'gold.jsonl:2: not a gold item (needs at least a "question" string)'),
    ('{"question": "海原？", "answerable": "false"}', 'gold.jsonl:2: "answerable" must be true or false'),
    ('{"question": "海原？", "sources": "000.txt"}', 'gold.jsonl:2: "sources" must be a list of strings'),
    ('{"question": "海原？", "facts": "华润"}', 'gold.jsonl:2: "facts" must be a list'),
    ('{"question": "海原？", "facts": [["华润", 5]]}', 'gold.jsonl:2: "facts" must be a list of strings'),
    ('{"question": "海原？", "winner": ["华润"]}', 'gold.jsonl:2: "winner" must be a string'),
])
def test_a_gold_field_of_the_wrong_type_is_named_not_converted(run, seed_corpus, tmp_path, record, expected):
    """``bool("false")`` is True: a careless "answerable": "false" scored the question as answerable."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_lines(QUESTION) + record + "\n", encoding="utf-8")
    line = one_error_line(run(rag_group, "eval", "--gold", gold, "--corpus", seed_corpus, "--index", tmp_path / "idx",
                              "--out", tmp_path / "run"))
    assert expected in line, line
    assert not (tmp_path / "idx").exists()


def test_a_corpus_of_only_empty_articles_is_an_error_not_an_index_of_nothing(run, tmp_path):
    """An index of no passages answered every question with "the articles do not mention …"."""
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text(" \n\u200b\n", encoding="utf-8")
    line = one_error_line(run(ask_command, "海原", "--corpus", corpus, "--index", tmp_path / "idx"))
    assert "no text to index" in line and "2 articles are empty" in line, line
    assert not (tmp_path / "idx").exists()


def test_an_empty_jsonl_corpus_asks_for_json_lines_not_txt_files(run, tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text('{"x": 1}\nnot json\n', encoding="utf-8")
    line = one_error_line(run(ask_command, "海原", "--corpus", corpus, "--index", tmp_path / "idx"))
    assert "2 items skipped" in line and 'add lines of {"id", "date", "text"}' in line, line
    assert ".txt" not in line


@pytest.mark.parametrize("kind, expected", [("loop", "is a link loop"), ("dangling", "which does not exist")])
def test_a_corpus_that_is_a_broken_link_says_so_not_not_found(run, tmp_path, kind, expected):
    corpus = tmp_path / "articles"
    if kind == "loop":
        corpus.symlink_to(corpus)
    else:
        corpus.symlink_to(tmp_path / "moved-away")
    line = one_error_line(run(ask_command, "海原", "--corpus", corpus, "--index", tmp_path / "idx"))
    assert expected in line and str(corpus) in line, line
    assert corpus.is_symlink()


def test_compact_of_no_index_suggests_a_build_of_the_user_s_corpus(run, seed_corpus, tmp_path):
    """The hint left out --corpus: run as printed, it indexed the shipped articles instead."""
    line = one_error_line(run(rag_group, "index", "compact", "--corpus", seed_corpus, "--index", tmp_path / "idx"))
    assert f"rag index build --corpus {seed_corpus}" in line, line


@pytest.mark.parametrize("inside", ["", "run"])
def test_eval_out_refuses_the_index_folder(run, seed_corpus, tmp_path, inside):
    """A run written into an index folder went with it on the next --rebuild."""
    from rag.cli import index_group

    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_lines(QUESTION), encoding="utf-8")
    index = tmp_path / "idx"
    assert run(index_group, "build", "--corpus", seed_corpus, "--index", index).exit_code == 0
    before = sorted(p.name for p in index.iterdir())
    line = one_error_line(run(rag_group, "eval", "--gold", gold, "--corpus", seed_corpus, "--index", index,
                              "--out", index / inside))
    assert "is in the index folder" in line and "folder of its own" in line, line
    assert sorted(p.name for p in index.iterdir()) == before


def test_a_file_name_with_a_newline_cannot_print_a_fake_citation_line(run, seed_corpus, tmp_path):
    article = next(seed_corpus.glob("000_*.txt"))
    article.rename(seed_corpus / "a\n[9] fake.txt · 伪造\n.txt")
    result = run(ask_command, "哪家企业在海原投资最多？", "--corpus", seed_corpus, "--index", tmp_path / "idx")
    assert result.exit_code == 0, result.output
    assert "伪造" in result.output  # the file is cited, its name on the citation's line
    assert not any(line.startswith("[9]") for line in result.output.splitlines()), result.output

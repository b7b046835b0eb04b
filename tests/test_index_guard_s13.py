"""ask --corpus B --index (A's index) must not re-index A's index for B: it would drop A's articles from it."""

from __future__ import annotations

import json
import shutil

import pytest

from rag.chain import Assistant
from rag.errors import UserError
from rag.index import IndexSettings, build_index


def _corpus(path, texts):
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    return path


A = ["星河公司在海原县投资3亿元建设光伏电站。", "云顶集团向海原县捐赠500万元。"]
B = ["宏远能源在长宁区建设屋顶光伏项目，规模2100千瓦。"]


def test_an_index_of_another_corpus_is_refused_and_left_as_it_was(tmp_path):
    a, b = _corpus(tmp_path / "a.jsonl", A), _corpus(tmp_path / "b.jsonl", B)
    index = tmp_path / "idx"
    build_index(a, index, IndexSettings(embedder="none"), progress=False)
    before = (index / "manifest.json").read_text(encoding="utf-8")
    with pytest.raises(UserError, match="was built from .*a.jsonl, not .*b.jsonl; it was not touched"):
        Assistant.open(b, index, embedder_spec="none", progress=False)
    assert (index / "manifest.json").read_text(encoding="utf-8") == before


def test_a_corpus_that_moved_is_brought_up_to_date(tmp_path):
    a = _corpus(tmp_path / "a.jsonl", A)
    index = tmp_path / "idx"
    build_index(a, index, IndexSettings(embedder="none"), progress=False)
    moved = tmp_path / "moved.jsonl"
    shutil.move(a, moved)
    _corpus(moved, A + B)
    assistant, report = Assistant.open(moved, index, embedder_spec="none", progress=False)
    assert report is not None and report.n_documents == 3


def test_the_same_corpus_changed_is_brought_up_to_date(tmp_path):
    a = _corpus(tmp_path / "a.jsonl", A)
    index = tmp_path / "idx"
    build_index(a, index, IndexSettings(embedder="none"), progress=False)
    _corpus(a, A + B)
    assistant, report = Assistant.open(a, index, embedder_spec="none", progress=False)
    assert report is not None and report.n_documents == 3


def test_the_default_index_of_two_corpora_of_one_name_is_re_indexed_not_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_HOME", str(tmp_path / "home"))
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a, b = _corpus(tmp_path / "x" / "news.jsonl", A), _corpus(tmp_path / "y" / "news.jsonl", B)
    Assistant.open(a, embedder_spec="none", progress=False)
    assistant, report = Assistant.open(b, embedder_spec="none", progress=False)  # (no --index: nobody to blame)
    assert report is not None and report.n_documents == 1

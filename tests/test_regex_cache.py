"""rag.regex_cache: compiled regular expressions kept between runs are the ones Python compiles."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from re import _compiler

import pytest

from rag import regex_cache
from tests.conftest import PROJECT, SEEDS

_PATTERNS = [
    (r"[\u4e00-\u9fff]+[·・][\u4e00-\u9fff]+", 0),
    (r"^\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})", 0),
    (r"\b(?:china mobile|cr)\b", re.I),
    (r"(?<![比较与同])(今年|去年)(?!同期)", 0),
    (r"[\ud800-\udfff]|x", 0),  # lone surrogates in a class
    (r"(?x) a  b # comment", 0),
]


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A cache folder of the test's own, and re's cache emptied (restored afterwards)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(regex_cache, "_kept", {})
    saved = dict(re._cache)
    re.purge()
    yield tmp_path / "cache"
    re.purge()
    re._cache.update(saved)


def test_a_kept_pattern_is_the_one_python_compiles():
    texts = [file.read_text(encoding="utf-8")[:3000] for file in sorted(SEEDS.glob("*.txt"))] + ["去年 2020-05 China Mobile"]
    for pattern, flags in _PATTERNS:
        entry = json.loads(json.dumps(regex_cache.entry_of(pattern, flags)))  # through the file's form
        kept, compiled = regex_cache._pattern(entry), _compiler.compile(pattern, flags)
        assert kept == compiled  # CPython compares patterns by flags, text and engine code
        assert (kept.groups, kept.groupindex, kept.flags) == (compiled.groups, compiled.groupindex, compiled.flags)
        for text in texts:
            assert [m.span() for m in kept.finditer(text)] == [m.span() for m in compiled.finditer(text)]


def test_saved_patterns_are_found_in_res_cache_by_the_next_run(cache_home, monkeypatch):
    # The six compile in about 1.5 ms on a fast core, under the write threshold: this test is about reading back.
    monkeypatch.setattr(regex_cache, "WRITE_AFTER", 0.0)
    with regex_cache.kept():
        for pattern, flags in _PATTERNS:
            re.compile(pattern, flags)
    files = list(cache_home.rglob("regex-*.json"))
    assert len(files) == 1
    re.purge()
    regex_cache._kept.clear()
    assert regex_cache.load() == len(_PATTERNS)
    for pattern, flags in _PATTERNS:
        assert re._cache[str, pattern, flags] == _compiler.compile(pattern, flags)
        assert re.compile(pattern, flags) is re._cache[str, pattern, flags]  # no compiling: the kept object


def test_a_run_of_quick_patterns_writes_nothing(cache_home):
    with regex_cache.kept():
        re.compile("国家")
        re.compile("扶贫")
    assert not list(cache_home.rglob("regex-*.json"))


def test_only_patterns_compiled_inside_are_kept_and_quick_ones_only_at_first(cache_home, monkeypatch):
    monkeypatch.setattr(regex_cache, "WRITE_AFTER", 0.0)
    re.compile(r"[\u4e00-\u9fff]+之外")  # before: not this run's
    with regex_cache.kept():
        re.compile(_PATTERNS[0][0])
        re.compile("扶贫")
    first = json.loads(next(cache_home.rglob("regex-*.json")).read_text(encoding="ascii"))
    assert {e[0] for e in first} == {_PATTERNS[0][0], "扶贫"}  # the first run keeps all it compiled
    with regex_cache.kept():
        re.compile(r"[\u3400-\u9fff]{2,}")  # a wide class: slow to compile
        re.compile("教育")
    second = json.loads(next(cache_home.rglob("regex-*.json")).read_text(encoding="ascii"))
    assert [e[0] for e in second] == [_PATTERNS[0][0], "扶贫", r"[\u3400-\u9fff]{2,}"]  # later, not the quick one


def test_the_newest_patterns_are_loaded_first_and_the_file_is_capped(cache_home, monkeypatch):
    monkeypatch.setattr(regex_cache, "MAX_PATTERNS", 3)
    monkeypatch.setattr(regex_cache, "WRITE_AFTER", 0.0)
    monkeypatch.setattr(regex_cache, "QUICK", 0.0)
    for pattern, _ in _PATTERNS[:5]:
        with regex_cache.kept():
            re.compile(pattern)
    kept = json.loads(next(cache_home.rglob("regex-*.json")).read_text(encoding="ascii"))
    assert [e[0] for e in kept] == [p for p, _ in _PATTERNS[2:5]]
    re.purge()
    regex_cache._kept.clear()
    monkeypatch.setattr(re, "_MAXCACHE", 2)
    assert regex_cache.load() == 2
    assert (str, _PATTERNS[4][0], 0) in re._cache and (str, _PATTERNS[2][0], 0) not in re._cache


def test_a_damaged_file_or_entry_only_means_compiling_again(cache_home, monkeypatch):
    monkeypatch.setattr(regex_cache, "WRITE_AFTER", 0.0)
    with regex_cache.kept():
        re.compile(_PATTERNS[0][0])
    file = next(cache_home.rglob("regex-*.json"))
    entries = json.loads(file.read_text(encoding="ascii"))
    good = entries[0]
    bad_code = [good[0] + "x", *good[1:3], regex_cache._pack([1, 2, 3, 4]), *good[4:]]  # code _sre refuses
    not_base64 = [good[0] + "y", *good[1:3], "%%%", *good[4:]]
    file.write_text(json.dumps([bad_code, not_base64, ["too", "short"], good]), encoding="ascii")
    re.purge()
    assert regex_cache.load() == 1
    assert (str, good[0] + "x", good[1]) not in re._cache
    file.write_text("{not json", encoding="ascii")
    re.purge()
    assert regex_cache.load() == 0
    assert re.compile(_PATTERNS[0][0]).search("中文·名字")


def test_ask_runs_the_same_with_and_without_kept_patterns(seed_index, seed_corpus, tmp_path):
    from tests.conftest import FAKE

    file = tmp_path / "regex.json"
    code = (
        "from pathlib import Path\n"
        "import rag.regex_cache\n"
        f"rag.regex_cache._file = lambda: Path({str(file)!r})  # this test's file (the other lookups stay shared)\n"
        "from rag.cli import ask_command\n"
        f"ask_command.main(args=['哪家企业在海原投资最多？', '--json', '--index', {str(seed_index.path)!r},"
        f" '--corpus', {str(seed_corpus)!r}, '--embedder', {FAKE!r}], standalone_mode=False)\n"
    )
    outputs = []
    for _ in range(2):  # the first run compiles and keeps, the second finds them
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        answer.pop("timings_ms", None)
        outputs.append(answer)
        assert file.exists()
    assert len(json.loads(file.read_text(encoding="ascii"))) > 50
    assert outputs[0] == outputs[1] and "华润" in json.dumps(outputs[0], ensure_ascii=False)

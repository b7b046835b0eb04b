"""rag.jieba: rjieba's cuts and tags with the dictionary loaded only as far as each text needs it."""

from __future__ import annotations

import json
import random
import shutil

import pytest
import rjieba

from rag import jieba
from rag.jieba import _Lookup, _rjieba_class, _SmallDictionary
from tests.conftest import PROJECT, SEEDS, ask_in_a_subprocess

GOLD = PROJECT / "eval" / "gold"
# Dictionary words with Latin letters, digits and signs in them, words that begin others, and what jieba
# treats apart: spaces, line breaks, full-width forms, CJK extension characters, emoji, private-use characters.
_ALPHABET = (list("华润集团在海原县投资万元我们中国移动通信有限公司。！？；，、：\n \t.%-+#&_CEOceo2020年1.5aB(（)）“”")
             + ["B超", "AT&T", "T恤", "卡拉OK", "\u3400", "\U00020000", "\U0001F600", "\ue000", "\ue001", "Ｂ", "ｂ超"])


@pytest.fixture
def small() -> _SmallDictionary:
    """A small dictionary of its own (even where rjieba's full one is loaded, as in this test process)."""
    lookup = _Lookup.load()
    assert lookup is not None, "the small dictionary could not be made (is the jieba package installed?)"
    return _SmallDictionary(lookup, _rjieba_class())


@pytest.fixture
def fresh_state(monkeypatch):
    """rag.jieba as a new process finds it (no dictionary chosen yet), restored afterwards."""
    monkeypatch.setattr(jieba, "_state", {})
    return jieba._state


def _same_as_rjieba(small: _SmallDictionary, text: str) -> None:
    for variant in (text, text.lower()):
        small.add_words_of(variant)
        assert small.jieba.cut(variant) == rjieba.cut(variant), variant
        assert small.jieba.tag(variant) == rjieba.tag(variant), variant
        assert small.jieba.cut_for_search(variant) == rjieba.cut_for_search(variant), variant


def test_the_seed_articles_cut_and_tag_as_with_the_full_dictionary(small):
    for file in sorted(SEEDS.glob("*.txt")):
        _same_as_rjieba(small, file.read_text(encoding="utf-8"))


def test_the_gold_questions_cut_and_tag_as_with_the_full_dictionary(small):
    questions = [json.loads(line)["question"] for gold in sorted(GOLD.glob("*.jsonl"))
                 for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) > 100
    for question in questions:
        _same_as_rjieba(small, question)


def test_random_text_cuts_and_tags_as_with_the_full_dictionary(small):
    rng = random.Random(11)
    for _ in range(1500):
        _same_as_rjieba(small, "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 30))))


def test_words_a_text_does_not_hold_change_nothing(small):
    # The small dictionary only grows: after other texts' words it still cuts each text as rjieba does.
    text = "中国移动在海原县投资了多少钱？"
    _same_as_rjieba(small, text)
    _same_as_rjieba(small, (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8"))
    _same_as_rjieba(small, text)


def test_only_the_texts_words_are_added(small):
    small.add_words_of("海原县")
    assert small.jieba.cut("海原县") == ["海原县"]
    # A word the text does not hold stays out: the HMM joins its characters, but it has no dictionary tag.
    assert small.jieba.tag("曲麻莱县") != rjieba.tag("曲麻莱县") == [("曲麻莱县", "ns")]


def test_a_hash_that_matches_another_words_text_adds_nothing(small, monkeypatch):
    words = ["中国", "移动", "中国移动", "海原县", "投资"]
    small.add_words_of("中国移动在海原县投资")
    assert all(small.jieba.has_word(word) for word in words)
    other = _SmallDictionary(small.lookup, _rjieba_class())
    monkeypatch.setattr(small.lookup, "word", lambda word_id: "\ue000")  # every hash a collision
    other.add_words_of("中国移动在海原县投资")
    assert not any(other.jieba.has_word(word) for word in words)


def test_a_question_is_cut_without_loading_the_full_dictionary(fresh_state):
    assert jieba.cut("叙永县由哪家央企定点帮扶？") == rjieba.cut("叙永县由哪家央企定点帮扶？")
    assert not jieba.uses_full_dictionary() and "small" in fresh_state


def test_after_full_after_characters_calls_go_to_rjieba(fresh_state, monkeypatch):
    monkeypatch.setattr(jieba, "FULL_AFTER", 50)
    text = "国家能源集团在教育扶贫上累计投入多少？"
    assert jieba.tag(text) == rjieba.tag(text) and not jieba.uses_full_dictionary()
    for _ in range(3):
        assert jieba.cut_for_search(text) == rjieba.cut_for_search(text)
    assert jieba.uses_full_dictionary() and "small" not in fresh_state


def test_load_full_sends_every_call_to_rjieba(fresh_state):
    jieba.load_full()
    assert jieba.uses_full_dictionary()
    assert jieba.cut("华润集团") == rjieba.cut("华润集团")


def test_without_jiebas_dictionary_file_rjieba_serves(fresh_state, monkeypatch):
    monkeypatch.setattr(jieba, "_dictionary_file", lambda: None)
    assert jieba.tag("华润集团在海原县") == rjieba.tag("华润集团在海原县")
    assert jieba.uses_full_dictionary()


def test_a_dictionary_that_disagrees_with_rjieba_is_not_used(tmp_path, monkeypatch):
    source = tmp_path / "dict.txt"
    source.write_text("海原 5 ns\n海原县 3 ns\n", encoding="utf-8")  # not rjieba's dictionary
    jieba._derive(source, tmp_path / "lookup")
    assert json.loads((tmp_path / "lookup" / "meta.json").read_text(encoding="utf-8"))["usable"] is False
    with pytest.raises(ValueError):
        _Lookup(tmp_path / "lookup")


def test_a_damaged_lookup_falls_back_to_rjieba(fresh_state, small, tmp_path, monkeypatch):
    from rag.places import _cache_folder

    source = jieba._dictionary_file()
    folder = tmp_path / "jieba-words-damaged"
    shutil.copytree(_cache_folder() / f"jieba-words-{jieba._key(source)}", folder)  # made for the `small` fixture
    assert _Lookup(folder).total > 0
    (folder / "starts.npy").write_bytes(b"not numpy")
    monkeypatch.setattr(jieba, "_key", lambda source: "damaged")
    monkeypatch.setattr("rag.places._cache_folder", lambda: tmp_path)
    assert jieba.cut("华润集团在海原县") == rjieba.cut("华润集团在海原县")
    assert jieba.uses_full_dictionary()


def test_ask_answers_without_importing_rjiebas_full_dictionary(seed_index, seed_corpus):
    output, loaded = ask_in_a_subprocess(
        seed_index, seed_corpus, "['rjieba' in sys.modules, __import__('rag.jieba').jieba.uses_full_dictionary()]")
    assert "华润" in output
    assert loaded == [False, False]

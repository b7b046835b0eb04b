"""The place lookup is cached in the user's cache folder and gives the same places as computing it."""

from __future__ import annotations

import json

import pytest

from rag import places

TEXT = "华润集团在宁夏海原县和广昌投资，资源县也有项目；他们还去了东京。上海原料市场不是海原。"


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    places._lookup.cache_clear()
    yield tmp_path / "zh-article-qa" / "lookups"
    places._lookup.cache_clear()


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(p.stem, p.surface, p.level) for p in places.find_places(text)]


def test_the_lookup_is_saved_once_and_read_back_with_the_same_places(fresh_cache):
    computed = _found(TEXT)
    assert [surface for _, surface, _ in computed] == ["宁夏", "海原县", "广昌", "资源县", "东京", "上海", "海原"]
    assert ("海原", "海原县", "county") in computed and ("东京", "东京", "other") in computed
    saved = list(fresh_cache.glob("places-*.json"))
    assert len(saved) == 1
    places._lookup.cache_clear()
    assert _found(TEXT) == computed  # now read from the file
    data = json.loads(saved[0].read_text(encoding="utf-8"))
    assert "资源" in data["unusable"] and data["names"]["海原"] == "county"
    assert not places.is_place_name("资源") and places.is_place_name("资源县")


def test_a_damaged_cache_file_is_computed_again(fresh_cache):
    expected = _found(TEXT)
    (saved,) = fresh_cache.glob("places-*.json")
    saved.write_text('{"names": [1, 2', encoding="utf-8")
    places._lookup.cache_clear()
    assert _found(TEXT) == expected
    assert json.loads(saved.read_text(encoding="utf-8"))["names"]["海原"] == "county"  # rewritten whole


def test_an_unwritable_cache_folder_only_means_computing(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    places._lookup.cache_clear()
    try:
        assert ("海原", "海原县", "county") in _found(TEXT)
    finally:
        places._lookup.cache_clear()
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("content", [
    '{"names": {"": "county"}, "unusable": [], "foreign": []}',  # an empty name: no first character
    '{"names": {}, "unusable": [], "foreign": []}',  # valid JSON, but no places at all
    '{"names": {"海原": 1}, "unusable": [], "foreign": []}',  # a level that is not a word
    '{"names": {"海原": "county"}, "unusable": [["x"]], "foreign": []}',
])
def test_a_cache_file_of_the_wrong_shape_is_computed_again(fresh_cache, content):
    expected = _found(TEXT)
    (saved,) = fresh_cache.glob("places-*.json")
    saved.write_text(content, encoding="utf-8")
    places._lookup.cache_clear()
    assert _found(TEXT) == expected


def test_no_home_folder_only_means_computing(monkeypatch):
    """A user with no home (HOME unset, no passwd entry: a container's --user 1234) still gets places."""
    from pathlib import Path

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    places._lookup.cache_clear()
    try:
        assert ("海原", "海原县", "county") in _found(TEXT)
    finally:
        places._lookup.cache_clear()


@pytest.mark.parametrize("damage", [None, '{"电科": ', '["a list"]', '{"": "中国电科"}'])
def test_short_names_of_national_enterprises_are_cached_like_the_places(fresh_cache, monkeypatch, damage):
    """Deriving 电科 -> 中国电科 reads the whole dictionary: it is done once, then read from the cache folder."""
    from rag import entities, lexicon

    entities._informal_names.cache_clear()
    entities._informal_pattern.cache_clear()
    try:
        computed = entities._informal_names()
        assert computed.get("电科") == "中国电科" and "移动" not in computed
        (saved,) = fresh_cache.glob("informal-names-*.json")
        if damage is not None:
            saved.write_text(damage, encoding="utf-8")
        entities._informal_names.cache_clear()
        reads = []
        real = lexicon.common_words.__wrapped__
        monkeypatch.setattr(lexicon, "common_words", lambda: reads.append(1) or real())
        assert entities._informal_names() == computed
        assert reads == ([] if damage is None else [1])  # the dictionary is read only to repair the cache
        assert [m.canonical for m in entities.informal_mentions("电科在哪里投资？")] == ["中国电科"]
    finally:
        entities._informal_names.cache_clear()
        entities._informal_pattern.cache_clear()

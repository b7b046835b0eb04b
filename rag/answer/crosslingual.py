"""English questions about Chinese articles: the Chinese words to search for.

BM25 cannot match "Haiyuan" to 海原, and the answerer checks that a passage
contains what the question names, so an English question is given a Chinese
rendering of its key terms: enterprises by their English names (from
``rag/data/organisations.tsv``), places by pinyin against the places the
corpus names (Haiyuan -> 海原, via pypinyin), other words from a small
glossary (``rag/data/glossary.tsv``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rag.entities import english_mentions

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_english(text: str) -> bool:
    """More Latin words than Chinese characters (so 'CETC在哪里' is Chinese)."""
    return len(_LATIN_WORD.findall(text)) > len(_CJK.findall(text))


@lru_cache(maxsize=1)
def glossary() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """(English pattern, Chinese words) pairs, longest phrases first."""
    table = resources.files("rag").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    entries = []
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese = line.split("\t")[:2]
        for phrase in english.split("|"):
            entries.append((phrase.strip(), tuple(chinese.split("|"))))
    entries.sort(key=lambda e: -len(e[0]))
    return tuple((re.compile(rf"\b{re.escape(phrase)}(?:s|es|ed|d|ing)?\b", re.I), words) for phrase, words in entries)


def glossary_terms(text: str) -> list[str]:
    """Chinese words for the glossary's English words in ``text`` (a phrase hides its parts)."""
    terms, remaining = [], text
    for pattern, words in glossary():
        if pattern.search(remaining):
            terms.extend(words)
            remaining = pattern.sub(" ", remaining)
    return list(dict.fromkeys(terms))


@lru_cache(maxsize=8)
def _pinyin_map(place_names: frozenset[str]) -> dict[str, str]:
    from pypinyin import lazy_pinyin

    by_pinyin: dict[str, str] = {}
    for name in sorted(place_names, key=len):  # the shortest name (the stem) wins
        key = "".join(lazy_pinyin(name)).lower()
        by_pinyin.setdefault(key, name)
    return by_pinyin


def pinyin_places(text: str, place_names: frozenset[str]) -> list[str]:
    """Places of the corpus named in pinyin: "Haiyuan" / "Hai Yuan" -> 海原."""
    if not place_names:
        return []
    by_pinyin = _pinyin_map(place_names)
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    found = []
    for i, word in enumerate(words):
        for candidate in (word, word + words[i + 1] if i + 1 < len(words) else None):
            # Two letters are too ambiguous to be a place (e.g. "an" -> 安).
            if candidate and len(candidate) > 3 and candidate in by_pinyin:
                found.append(by_pinyin[candidate])
    return list(dict.fromkeys(found))


def chinese_terms(text: str, place_names: frozenset[str] = frozenset()) -> list[str]:
    """The Chinese words an English question stands for, organisations and places first."""
    organisations = [m.canonical for m in english_mentions(text)]
    without_names = text
    for mention in english_mentions(text):
        without_names = without_names.replace(mention.surface, " ")
    terms = organisations + pinyin_places(without_names, place_names) + glossary_terms(without_names)
    return list(dict.fromkeys(terms))

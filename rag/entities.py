"""Organisations named in text: a table of known ones, plus ``<word>集团``-style names.

The table (``rag/data/organisations.tsv``) maps each organisation's canonical
Chinese name to its Chinese aliases and its English names and abbreviations.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.tagging import Tagged

_ORG_SUFFIXES = ("集团", "有限公司", "公司", "总商会", "商会", "协会", "联谊会", "基金会", "银行", "研究院")
_ORG_SUFFIX_SET = frozenset(_ORG_SUFFIXES)  # (looked up for every word of every passage)
# A text holds one of the suffixes when it holds one of those that contain no other (有限公司 holds 公司): one
# search for them all (re scans for their first characters), where a search per suffix took two and a half times as long.
_ANY_SUFFIX = re.compile("|".join(re.escape(suffix) for suffix in _ORG_SUFFIXES
                                  if not any(other != suffix and other in suffix for other in _ORG_SUFFIXES)))
# Words that precede 集团/公司 without naming anyone: 集团公司 = "the group".
_NOT_A_NAME = {"集团", "公司", "本", "该", "我们", "各", "下属", "所属", "子", "分", "全", "两家", "农业", "民营", "省级", "组长"}


@dataclass(frozen=True)
class Organisation:
    canonical: str
    aliases: tuple[str, ...]
    english: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    """An organisation named in a text at ``[start, end)``."""

    canonical: str
    surface: str
    start: int
    end: int


@lru_cache(maxsize=1)
def organisations() -> tuple[Organisation, ...]:
    table = resources.files("rag").joinpath("data/organisations.tsv").read_text(encoding="utf-8")
    rows = []
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, aliases, english = (line.split("\t") + ["", ""])[:3]
        rows.append(
            Organisation(
                canonical,
                tuple(a for a in aliases.split("|") if a),
                tuple(e for e in english.split("|") if e),
            )
        )
    return tuple(rows)


@lru_cache(maxsize=1)
def _alias_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    names: dict[str, str] = {}
    for org in organisations():
        for name in (org.canonical, *org.aliases):
            names.setdefault(name, org.canonical)
    # The names as a trie (中国(?:华润|电信(?:集团)?)…): re tries a position's few branches rather than every name.
    # Each later character is optional only after a whole name, and tried first, so the longest name that starts
    # at a position wins (华润集团 over 华润), as it did with the names as alternatives, longest first.
    return re.compile(_trie_pattern(names)), names


def _trie_pattern(words) -> str:
    """A regular expression matching exactly ``words``, the longest that matches at a position first."""
    trie: dict = {}
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}  # (a word ends here)

    def pattern(node: dict) -> str:
        branches = [re.escape(character) + pattern(child) for character, child in sorted(node.items()) if character]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie) or "(?!)"


def known_mentions(text: str) -> list[Mention]:
    """Mentions of organisations in the table."""
    pattern, names = _alias_pattern()
    return [Mention(names[m.group()], m.group(), m.start(), m.end()) for m in pattern.finditer(text)]


def generic_mentions(text: str, tagged: list[tuple[str, str]] | Tagged | None = None) -> list[Mention]:
    """Names such as 三一集团 or 湖南省温州商会: proper-noun words followed by an organisation suffix.

    jieba's part-of-speech tags decide what may be part of a name; the run must
    hold at least one proper noun (place, organisation, person, other proper or
    abbreviation), so 传媒公司 or 下一阶段集团 are not taken for names.

    Args:
        tagged: ``rjieba.tag(text)`` (or ``rag.tagging.tag_words(text)``) when the caller has it already
            (tagging is most of the cost of reading a passage's facts).
    """
    # A text holding no suffix has no word that is one: nothing to tag for.
    if not _ANY_SUFFIX.search(text):
        return []
    from rag.tagging import Tagged, tag_words

    if tagged is None:
        tagged = tag_words(text)
    elif not isinstance(tagged, Tagged):
        tagged = Tagged.of(tagged)
    words, tags = tagged.words, tagged.tags
    ends = list(compress(count(), map(_ORG_SUFFIX_SET.__contains__, words)))  # (the loop over words in C)
    if not ends:
        return []
    starts = tagged.starts
    mentions = []
    for i in ends:
        word = words[i]
        j = i
        while j > 0 and i - j < 4 and _name_part(words[j - 1], tags[j - 1]):
            j -= 1
        if not any(tags[k] in _PROPER_TAGS or (tags[k] == "m" and not any(c.isdigit() for c in words[k]))
                   for k in range(j, i)):
            continue
        name = "".join(words[j:i]) + word
        mentions.append(Mention(name, name, starts[j], starts[i] + len(word)))
    return mentions


_PROPER_TAGS = {"ns", "nt", "nz", "nr", "nrt", "nrfg", "j", "eng"}


def _name_part(word: str, tag: str) -> bool:
    if word in _NOT_A_NAME:
        return False
    return tag in _PROPER_TAGS or tag == "n" or (tag == "m" and not any(c.isdigit() for c in word))


def find_organisations(text: str, tagged: list[tuple[str, str]] | Tagged | None = None) -> list[Mention]:
    """All organisations named in ``text``, known ones first where they overlap.

    Args:
        tagged: ``rjieba.tag(text)``, when the caller has it already.
    """
    known = known_mentions(text)
    taken = [(m.start, m.end) for m in known]
    extra = [m for m in generic_mentions(text, tagged) if not any(s < m.end and m.start < e for s, e in taken)]
    return sorted(known + extra, key=lambda m: m.start)


# Prefixes that people drop when they speak of a national enterprise: 中国电科 -> 电科.
_NATIONAL_PREFIXES = ("中国", "国家", "中华")


@lru_cache(maxsize=1)
def _informal_names() -> dict[str, str]:
    """Short names made by dropping a national prefix from a known name: 电科 -> 中国电科, 能源集团 -> 国家能源集团.

    A short name is kept only when it is not a dictionary word or name of its
    own (移动, 石油, 大唐 are not taken), not a place, and points to one
    organisation only; legal-form tails (…有限公司) are not short names.

    Deriving it reads the whole dictionary (0.5 s, on every question of ``ask``),
    so it is kept in the user's cache folder like the places lookup, under a key
    of the tables, the dictionary's version and the code that derives it.
    """
    import hashlib

    from rag.places import cached_lookup
    from rag.settings import data_tables

    digest = hashlib.sha1(json.dumps(data_tables(), sort_keys=True).encode())
    for module in ("entities.py", "lexicon.py"):
        digest.update((Path(__file__).resolve().parent / module).read_bytes())

    def decode(data) -> dict[str, str] | None:
        ok = isinstance(data, dict) and all(k and isinstance(k, str) and v and isinstance(v, str)
                                            for k, v in data.items())
        return data if ok else None

    return cached_lookup("informal-names", digest.hexdigest()[:16], _derive_informal_names, dict, decode)


def _derive_informal_names() -> dict[str, str]:
    from rag.lexicon import common_words, proper_nouns

    found: dict[str, set[str]] = {}
    for org in organisations():
        for name in (org.canonical, *org.aliases):
            for prefix in _NATIONAL_PREFIXES:
                rest = name[len(prefix):]
                if name.startswith(prefix) and len(rest) >= 2 and not rest.endswith(("有限公司", "有限责任公司")):
                    found.setdefault(rest, set()).add(org.canonical)
    taken = _alias_pattern()[1]
    words = common_words() | proper_nouns()
    return {short: next(iter(owners)) for short, owners in found.items()
            if len(owners) == 1 and short not in taken and short not in words}


def informal_mentions(text: str) -> list[Mention]:
    """Organisations named the way people talk: 电科 for 中国电科 (see ``_informal_names``).

    A short name counts only where it is a whole word of ``text`` (it starts
    and ends on jieba's cuts) and no other organisation is named over it, so
    the 能源集团 of 山东能源集团 is not 国家能源集团.
    """
    from rag import jieba

    names = _informal_names()
    if not names:
        return []
    pattern = _informal_pattern()
    if not pattern.search(text):
        return []
    cuts, position = {0}, 0
    for word in jieba.cut(text):
        position += len(word)
        cuts.add(position)
    others = find_organisations(text)
    return [Mention(names[m.group()], m.group(), m.start(), m.end()) for m in pattern.finditer(text)
            if m.start() in cuts and m.end() in cuts and not any(o.start < m.end() and m.start() < o.end for o in others)]


@lru_cache(maxsize=1)
def _informal_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(n) for n in sorted(_informal_names(), key=len, reverse=True)))


def subject_organisation(title: str, text: str) -> str | None:
    """The organisation an article is about: the one named most, the title counting triple.

    Articles often say 集团/我们 for their subject after naming it once, so the
    subject stands in as the actor of passages that name no one else.
    """
    counts: Counter[str] = Counter()
    for mention in find_organisations(title):
        counts[mention.canonical] += 3
    for mention in find_organisations(text):
        counts[mention.canonical] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def english_name(canonical: str) -> str | None:
    """The first English name of a known organisation."""
    for org in organisations():
        if org.canonical == canonical and org.english:
            return org.english[0]
    return None


def aliases_of(canonical: str) -> tuple[str, ...]:
    """Every Chinese name of an organisation (itself if unknown)."""
    for org in organisations():
        if org.canonical == canonical:
            return (org.canonical, *org.aliases)
    return (canonical,)


@lru_cache(maxsize=1)
def _english_pattern() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """Names matched case-insensitively, and abbreviations (CR, CETC) matched as written."""
    names: dict[str, str] = {}
    for org in organisations():
        for name in org.english:
            names.setdefault(name.lower(), org.canonical)
    full = [n for n in names if not _is_abbreviation(n, organisations())]
    short = [n for n in names if n not in full]

    def alternation(items: list[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(items, key=len, reverse=True)) or "(?!)"

    return (re.compile(rf"\b(?:{alternation(full)})\b", re.I),
            re.compile(rf"\b(?:{alternation([n.upper() for n in short])})\b"), names)


def _is_abbreviation(lower_name: str, table: tuple[Organisation, ...]) -> bool:
    return any(e.lower() == lower_name and e.isupper() for org in table for e in org.english)


def english_mentions(text: str) -> list[Mention]:
    """Organisations named in English: "China Resources", "CHN Energy", "CETC"."""
    full, short, names = _english_pattern()
    mentions = [Mention(names[m.group().lower()], m.group(), m.start(), m.end()) for p in (full, short) for m in p.finditer(text)]
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in mentions:  # "China Energy Investment" also contains "China Energy": keep the longest
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept

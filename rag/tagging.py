"""jieba's part-of-speech tags of a text, sentence by sentence, each sentence tagged once.

A build tags an article's whole text (to find the organisation it is about,
``rag.entities.subject_organisation``) and then each of its passages (their
organisations and places, ``rag.facts``): the same sentences twice, and
tagging is the largest part of reading a passage's facts.

jieba (jieba-rs, under rjieba) cuts a text into blocks of Chinese characters,
Latin letters, digits and the signs ``+#&._%-``, and cuts and tags each block by
itself; any other character is a word of its own. So cut after such a
character (。！？；) or after a line break (whitespace: a word of its own too),
a text's tags are its pieces' tags one after another. Each piece's tags are
kept (``functools.lru_cache``, bounded), and a passage finds the sentences its
article was tagged for already. ``tests/test_tagging.py`` compares the two on
the seed articles and on random text.

The passage's search tokens (``rag.lexical.tokenize``: jieba's search mode)
come from the same tags (``search_tokens``): search mode is the ordinary cut
with, before each word, the dictionary words of two and three characters inside
it. The words' cut is the tags' cut, so only the sub-words are looked up, once
per distinct word, and the build cuts each sentence once rather than twice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate, chain
from operator import itemgetter

# A piece: up to and including a sentence end or line break, or what follows the last one.
_PIECE = re.compile(r"[^。！？；\n]*[。！？；\n]|[^。！？；\n]+")


def tag(text: str) -> list[tuple[str, str]]:
    """``rjieba.tag(text)``: each word of ``text`` with its part of speech."""
    tagged = tag_words(text)
    return list(zip(tagged.words, tagged.tags))


class Tagged:
    """A text's words and their parts of speech (``rjieba.tag``) as two lists, and where each word starts.

    What a passage's organisations and places read (``rag.entities``, ``rag.places``): made once from
    the pieces' kept tags, where a list of (word, tag) pairs made a tuple per word that each reader then
    took apart again into its own word list and positions.
    """

    __slots__ = ("words", "tags", "_starts")

    def __init__(self, words: list[str], tags: list[str]):
        self.words = words
        self.tags = tags
        self._starts: list[int] | None = None

    @classmethod
    def of(cls, tagged: list[tuple[str, str]]) -> Tagged:
        """From ``rjieba.tag``'s pairs."""
        return cls(list(map(itemgetter(0), tagged)), list(map(itemgetter(1), tagged)))

    @property
    def starts(self) -> list[int]:
        """Where each word starts in the text, and the text's length at the end (one more than the words)."""
        if self._starts is None:
            self._starts = [0, *accumulate(map(len, self.words))]
        return self._starts


def tag_words(text: str) -> Tagged:
    """``tag(text)`` as a ``Tagged`` (its pieces' words and tags joined in C, no tuple per word)."""
    pieces = list(map(_piece_tags, _PIECE.findall(text)))
    return Tagged(list(chain.from_iterable(map(itemgetter(0), pieces))),
                  list(chain.from_iterable(map(itemgetter(1), pieces))))


@lru_cache(maxsize=4096)  # (an article has tens of sentences; a few MB in all)
def _piece_tags(piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The piece's words and, in the same order, their tags (two tuples: two objects for the collector, not one
    a word)."""
    from rag import jieba

    tagged = jieba.tag(piece)
    if not tagged:
        return (), ()
    words, tags = zip(*tagged)  # (the pairs turned into two tuples in one pass in C, twice as fast as two maps)
    return words, tags


def search_tokens(text: str) -> list[str]:
    """``rag.lexical.tokenize(text)``, from the tags of ``text.lower()``'s pieces (shared with the facts' tags).

    ``tests/test_tagging.py`` compares the two on the seed articles, docs-5k passages and random text.
    """
    lowered = text.lower()
    if lowered != text and len(lowered) == len(text):
        # Each character lowered by itself (none became two), so the two texts' pieces line up: a piece with capitals
        # is cut from the tags of the piece as written, which its passage's facts read too (not tagged twice).
        return list(chain.from_iterable(map(_either_tokens, _PIECE.findall(lowered), _PIECE.findall(text))))
    return list(chain.from_iterable(map(_piece_tokens, _PIECE.findall(lowered))))


def _either_tokens(lowered: str, written: str) -> tuple[str, ...]:
    return _piece_tokens(lowered) if lowered == written else _written_piece_tokens(lowered, written)


@lru_cache(maxsize=1024)
def _written_piece_tokens(lowered: str, written: str) -> tuple[str, ...]:
    """``_piece_tokens(lowered)`` for a piece ``written`` with capitals, from the tags of ``written`` where jieba
    cuts the two alike.

    jieba (jieba-rs) looks words up in its dictionary as written, and cuts what the dictionary does not know by
    character classes that do not tell capitals from small letters. Of its dictionary's words only those holding
    Latin letters (``_latin_words``: B超, T恤, C++; none of one letter) could be found in one of the two and not in
    the other; in a piece holding none of them, where only Latin letters changed case, the two cuts are the same
    words (``tests/test_tagging.py``; all 78,912 such pieces of the 68,213-article CRUD corpus).
    """
    latin = _latin_words()
    if latin is None or written.translate(_LATIN_LOWER) != lowered or latin.search(lowered):
        return _piece_tokens(lowered)
    words = tuple(map(str.lower, _piece_tags(written)[0]))
    parts = list(map(_SUB_WORDS.get, words))
    if None in parts and _add_words(words, parts):
        return _cut_for_search(lowered)
    return tuple(chain.from_iterable(parts))


_LATIN_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


@lru_cache(maxsize=1)
def _latin_words():
    """A pattern of jieba's dictionary words that hold a Latin letter, lower-cased; None without the dictionary file
    (then every piece with capitals is tagged as lower-cased)."""
    from rag.jieba import _dictionary_file

    source = _dictionary_file()
    if source is None:
        return None
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    words = {word.lower() for word in re.findall(r"^([^\s]*[A-Za-z][^\s]*)", text, re.M)}
    if not words:
        return re.compile("(?!)")
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)))


# Word -> its search tokens, kept (``rag.lexical.kept_tokens``), or None for a word whose search tokens cannot be
# read from the word alone. Emptied when it grows past _SUB_WORDS_MAX words (refilled at a few µs a word).
_SUB_WORDS: dict[str, tuple[str, ...] | None] = {}
# A 68,000-article build's worker meets some 300,000 words: at 100,000 it emptied the memo three times and
# derived 360,000 words in its first 20,000 articles, not 192,000 (_add_words 4.8 % of its CPU, not 3.1 %),
# for 31 MB less (maxrss 241 against 272 MB). The workers are gone before the build's peak (its finish).
_SUB_WORDS_MAX = 400_000


@lru_cache(maxsize=4096)
def _piece_tokens(piece: str) -> tuple[str, ...]:
    """``tokenize``'s tokens of one lower-cased piece."""
    words = _piece_tags(piece)[0]
    # Each word's entry, looked up once: None for a word not met yet (half the pieces of a large build hold
    # one: a figure, a name) as for one whose tokens cannot be read from it alone. One search for None then
    # tells most pieces (their words met before) from the rest, where a second marker for a word not met
    # took a second search of every piece.
    parts = list(map(_SUB_WORDS.get, words))
    if None in parts and _add_words(words, parts):  # a word whose tokens cannot be read from the word alone
        return _cut_for_search(piece)
    return tuple(chain.from_iterable(parts))


_UNSEEN = object()  # what ``_SUB_WORDS.get`` gives here for a word it does not hold


def _add_words(words: tuple[str, ...], parts: list) -> bool:
    """Put each word not met yet (its entry None in ``parts``) into ``_SUB_WORDS``, and its entry in ``parts``.

    Returns:
        Whether a word's entry stays None: its tokens cannot be read from the word alone.
    """
    from rag import jieba
    from rag.lexical import kept_tokens

    if len(_SUB_WORDS) > _SUB_WORDS_MAX:
        _SUB_WORDS.clear()
    whole = False
    for i, entry in enumerate(parts):
        if entry is not None:
            continue
        word = words[i]
        entry = _SUB_WORDS.get(word, _UNSEEN)
        if entry is _UNSEEN:
            # Search mode cuts a word alone into [its sub-words..., word] when the word alone stays one word
            # (its last token is the word itself): then those are its tokens wherever the cut put it. Else
            # (a word the HMM joined, say) a piece holding it is cut in search mode itself.
            alone = jieba.cut_for_search(word)
            entry = _SUB_WORDS[word] = tuple(kept_tokens(alone)) if alone[-1] == word else None
        if entry is None:
            whole = True
        else:
            parts[i] = entry
    return whole


def _cut_for_search(piece: str) -> tuple[str, ...]:
    from rag import jieba
    from rag.lexical import kept_tokens

    return tuple(kept_tokens(jieba.cut_for_search(piece)))

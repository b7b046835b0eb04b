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
from itertools import chain
from operator import itemgetter

# A piece: up to and including a sentence end or line break, or what follows the last one.
_PIECE = re.compile(r"[^。！？；\n]*[。！？；\n]|[^。！？；\n]+")


def tag(text: str) -> list[tuple[str, str]]:
    """``rjieba.tag(text)``: each word of ``text`` with its part of speech."""
    return [word for piece in _PIECE.findall(text) for word in _piece_tags(piece)]


@lru_cache(maxsize=4096)  # (an article has tens of sentences; a few MB in all)
def _piece_tags(piece: str) -> tuple[tuple[str, str], ...]:
    from rag import jieba

    return tuple(jieba.tag(piece))


def search_tokens(text: str) -> list[str]:
    """``rag.lexical.tokenize(text)``, from the tags of ``text.lower()``'s pieces (shared with the facts' tags).

    ``tests/test_tagging.py`` compares the two on the seed articles, docs-5k passages and random text.
    """
    return list(chain.from_iterable(map(_piece_tokens, _PIECE.findall(text.lower()))))


# Word -> its search tokens, kept (``rag.lexical.kept_tokens``); and the words whose search tokens cannot be
# read from the word alone. Emptied when it grows past _SUB_WORDS_MAX words (refilled at a few µs a word).
_SUB_WORDS: dict[str, tuple[str, ...]] = {}
_NOT_ALONE: set[str] = set()
_SUB_WORDS_MAX = 100_000  # (about 40 MB; a 68,000-article build sees some 300,000 words per worker)


@lru_cache(maxsize=4096)
def _piece_tokens(piece: str) -> tuple[str, ...]:
    """``tokenize``'s tokens of one lower-cased piece."""
    words = list(map(itemgetter(0), _piece_tags(piece)))
    try:
        return tuple(chain.from_iterable(map(_SUB_WORDS.__getitem__, words)))
    except KeyError:  # a word not seen before (or one of _NOT_ALONE)
        pass
    from rag import jieba
    from rag.lexical import kept_tokens

    if len(_SUB_WORDS) > _SUB_WORDS_MAX:
        _SUB_WORDS.clear()
        _NOT_ALONE.clear()
    for word in set(words).difference(_SUB_WORDS, _NOT_ALONE):
        # Search mode cuts a word alone into [its sub-words..., word] when the word alone stays one word
        # (its last token is the word itself): then those are its tokens wherever the cut put it. Else
        # (a word the HMM joined, say) a piece holding it is cut in search mode itself.
        alone = jieba.cut_for_search(word)
        if alone[-1] == word:
            _SUB_WORDS[word] = tuple(kept_tokens(alone))
        else:
            _NOT_ALONE.add(word)
    if _NOT_ALONE.isdisjoint(words):
        return tuple(chain.from_iterable(map(_SUB_WORDS.__getitem__, words)))
    return tuple(kept_tokens(jieba.cut_for_search(piece)))

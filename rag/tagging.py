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
"""

from __future__ import annotations

import re
from functools import lru_cache

# A piece: up to and including a sentence end or line break, or what follows the last one.
_PIECE = re.compile(r"[^。！？；\n]*[。！？；\n]|[^。！？；\n]+")


def tag(text: str) -> list[tuple[str, str]]:
    """``rjieba.tag(text)``: each word of ``text`` with its part of speech."""
    return [word for piece in _PIECE.findall(text) for word in _piece_tags(piece)]


@lru_cache(maxsize=4096)  # (an article has tens of sentences; a few MB in all)
def _piece_tags(piece: str) -> tuple[tuple[str, str], ...]:
    import rjieba

    return tuple(rjieba.tag(piece))

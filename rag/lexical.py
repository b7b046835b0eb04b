"""Tokens for the two lexical (BM25) indexes, the same for the indexed text and for questions.

Passages are indexed by words (jieba search mode); whole articles by Chinese
character bigrams. On the CRUD news benchmark (docs-5k, 554 dev questions) the
article-level bigram index ranked the source article first for 0.84 of the
questions, against 0.79 for article-level words and 0.77 for passage-level words
(``benchmarks/crud_retrieval.py``): bigrams match names and phrases however
jieba happens to cut them, and a whole article holds both the question's key
phrase and its answer when they sit in different passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import add
from typing import Iterable

import numpy as np

# Bump when either tokenizer or the article BM25 parameters change: an index
# built with other tokens is refused.
TOKENIZER_VERSION = "rjieba-search-3+han-bigrams-1"

# Function words and question words: frequent, so BM25 would weight them low
# anyway, but removing them keeps "哪家企业在…最多" from matching on 在 and 最.
STOPWORDS = frozenset(
    """
    的 了 在 是 和 与 及 或 等 也 都 就 而 并 又 对 把 被 从 向 以 于 为 之 其 这 那 个 着 过 吗 呢 吧 啊 呀
    哪 哪家 哪个 哪些 哪里 哪儿 什么 怎么 怎样 如何 多少 几 几个 谁 是否 有没有 请问 请 一下
    由 上 中 里 内 有 将 已 曾 给
    最 多 少 最多 最少 最高 最低 最大 最小 更 较
    the a an of in on at to for by is are was were be been which what who whom how much many did do does
    and or with from that this it its as most least
    """.split()
)
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (words and their sub-words), lower-cased, minus stopwords.

    ``text`` must already be normalised (``rag.clean.normalise``).
    """
    from rag import jieba  # rjieba's cuts (rag/jieba.py: its dictionary loaded as far as the text needs)

    return kept_tokens(jieba.cut_for_search(text.lower()))


def kept_tokens(tokens: Iterable[str]) -> list[str]:
    """jieba's tokens stripped, without stopwords, punctuation and whitespace."""
    # A token whose first character is a letter or digit is not punctuation only (re's \w is
    # str.isalnum plus "_"): the regular expression runs only on the rest (a third of the tokens).
    return [token for token in map(str.strip, tokens)
            if token and token not in STOPWORDS and (token[0].isalnum() or not _PUNCT_ONLY.match(token))]


# A run of Chinese characters, or of Latin letters and digits (lower-cased first).
_HAN_OR_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:\.[0-9]+)?")


def han_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each Chinese run, plus Latin words and numbers.

    "海原县投资" gives 海原 原县 县投 投资; a one-character run stays whole.
    ``text`` must already be normalised.
    """
    tokens: list[str] = []
    for run in _HAN_OR_WORD.findall(text.lower()):
        if len(run) == 1 or run[0].isascii():
            tokens.append(run)
        else:
            tokens.extend(map(add, run, run[1:]))  # each character with the next: the run's bigrams
    return tokens



# The Latin-word half of _HAN_OR_WORD alone. The two halves match disjoint characters, so the
# words findall gives are exactly this pattern's matches, and its Chinese runs are the maximal
# runs of those characters.
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # _HAN_OR_WORD's Chinese class
_PAIR_SHIFT = 21  # a code point fits in 21 bits: a bigram is (first << 21) | second, a lone character its code
_LOW_MASK = (1 << _PAIR_SHIFT) - 1


@dataclass(frozen=True)
class BigramCodes:
    """``han_bigrams`` of a batch of texts as numbers: what a build stores for a batch of articles.

    A token is an integer code: a bigram its two code points (``(first << 21) |
    second``), a lone character its one, a Latin word ``-1 - i`` for ``latin[i]``.
    ``token_of`` turns a code back into the token.

    Attributes:
        distinct: Each distinct code once, in order of first appearance.
        ids: Every token's index in ``distinct``, all texts' tokens one text after another.
        lengths: Each text's number of tokens.
        latin: The Latin words and numbers the negative codes stand for.
        ascending: The positions in ``distinct`` of its codes in increasing order (``distinct[ascending]``
            is sorted; the parent searches them in that order, ``rag.index._CodeIds``), or None.
    """

    distinct: np.ndarray
    ids: np.ndarray
    lengths: np.ndarray
    latin: list[str]
    ascending: np.ndarray | None = None

    def token_of(self, code: int) -> str:
        if code < 0:
            return self.latin[-1 - code]
        return chr(code >> _PAIR_SHIFT) + chr(code & _LOW_MASK) if code >> _PAIR_SHIFT else chr(code)

    def tokens_of(self, codes: np.ndarray) -> list[str]:
        """``[token_of(c) for c in codes]``, with the bigrams decoded in one go (a build's new tokens)."""
        tokens: list = [None] * len(codes)
        pairs = np.flatnonzero(codes > _LOW_MASK)
        if len(pairs):
            both = np.empty((len(pairs), 2), dtype="<u4")
            both[:, 0] = codes[pairs] >> _PAIR_SHIFT
            both[:, 1] = codes[pairs] & _LOW_MASK
            text = both.tobytes().decode("utf-32-le")
            for n, i in enumerate(pairs.tolist()):
                tokens[i] = text[2 * n : 2 * n + 2]
        for i in np.flatnonzero(codes <= _LOW_MASK).tolist():
            tokens[i] = self.token_of(int(codes[i]))
        return tokens


def han_bigram_codes(texts: Iterable[str]) -> BigramCodes:
    """``han_bigrams`` of each text, numbered, without a string per token (a 68,000-article build has 35 million).

    ``[batch.token_of(c) for c in batch.distinct[batch.ids]]`` is the texts'
    ``han_bigrams`` one after another (``tests/test_lexical_codes.py``).
    """
    # All the texts at once, one line break between two (neither a Chinese character nor part of a Latin word,
    # so it starts no token and no token crosses it): a dozen numpy passes per batch rather than per article.
    lowered = [text.lower() for text in texts]
    joined = "\n".join(lowered)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    han = (points >= _HAN_RANGES[0][0]) & (points <= _HAN_RANGES[0][1])
    for low, high in _HAN_RANGES[1:]:
        han |= (points >= low) & (points <= high)
    # Each token goes where it starts in the text; the starts, in text order, are the tokens in order.
    token = np.zeros(len(points), dtype=np.int64)
    starts = np.zeros(len(points), dtype=bool)
    if len(points) > 1:
        pairs = han[:-1] & han[1:]  # a Chinese character followed by another starts a bigram
        token[:-1][pairs] = (points[:-1][pairs] << _PAIR_SHIFT) | points[1:][pairs]
        starts[:-1] = pairs
    alone = han & ~starts  # a Chinese character that starts no bigram and ends none is a token itself
    alone[1:] &= ~han[:-1]
    token[alone] = points[alone]
    starts |= alone
    latin: dict[str, int] = {}
    matches = list(_WORD.finditer(joined))
    if matches:  # (each word's place and number gathered first, then set in two numpy passes, not two per word)
        setdefault = latin.setdefault
        at = np.fromiter(map(re.Match.start, matches), dtype=np.int64, count=len(matches))
        token[at] = -1 - np.fromiter((setdefault(word, len(latin)) for word in map(re.Match.group, matches)),
                                     dtype=np.int64, count=len(matches))
        starts[at] = True
    # Each text's tokens are the starts between its first character and its last.
    sizes = np.fromiter(map(len, lowered), dtype=np.int64, count=len(lowered))
    begins = np.cumsum(sizes + 1) - (sizes + 1)  # (one line break after each text)
    before = np.concatenate([[0], np.cumsum(starts)])  # tokens starting before each position
    lengths = before[begins + sizes] - before[begins]
    every = token[starts]
    distinct, first, inverse = _unique_with_first(every)
    order = np.argsort(first)  # the distinct codes in order of first appearance (no two firsts are equal)
    number = np.empty(len(distinct), dtype=np.int32)
    number[order] = np.arange(len(distinct), dtype=np.int32)
    # (distinct is sorted: number[j] is where the j-th smallest stands in the order of first appearance)
    return BigramCodes(distinct[order], number[inverse], lengths.astype(np.int64), list(latin), number)


def _unique_with_first(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(codes, return_index=True, return_inverse=True)``: the sorted distinct codes, where each first
    appears, and each code's place among them.

    np.unique sorts stably (a merge sort of int64: most of what numbering a batch's bigrams cost). Here
    each code carries its position in its low bits, so that all keys differ and numpy's faster sort
    gives the same order; codes too far apart for that go to np.unique.
    """
    n = len(codes)
    if n:
        low = int(codes.min())
        position_bits = max(1, (n - 1).bit_length())
        if (int(codes.max()) - low).bit_length() + position_bits <= 62:
            keys = ((codes - low) << position_bits) | np.arange(n, dtype=np.int64)
            keys.sort()
            values = keys >> position_bits
            at = keys & ((1 << position_bits) - 1)
            starts = np.empty(n, dtype=bool)
            starts[0] = True
            np.not_equal(values[1:], values[:-1], out=starts[1:])
            inverse = np.empty(n, dtype=np.int64)
            inverse[at] = np.cumsum(starts) - 1
            return values[starts] + low, at[starts], inverse
    distinct, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return distinct, first, inverse.reshape(-1)


_WORD_CODE_MAX = 3  # characters: three code points plus one, 21 bits each, fit in 63 bits


def short_word_codes(words: list[str]) -> tuple[str, np.ndarray, np.ndarray]:
    """``words`` joined, each word's length, and a number for each word of one to three characters (0 for longer).

    The number of a word ``c1 c2 c3`` is ``(c1 + 1) << 42 | (c2 + 1) << 21 | (c3 + 1)`` over its code points
    (``(c1 + 1) << 21 | (c2 + 1)`` for two, ``c1 + 1`` for one): distinct words have distinct numbers, and a
    word of more characters a larger one. A build's parent looks most words of a batch up by these numbers
    in a sorted array (``rag.index._TokenRows.add_words``), not each string in a dictionary.
    """
    joined = "".join(words)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64) + 1
    starts = np.cumsum(lengths) - lengths
    codes = np.zeros(len(words), dtype=np.int64)
    short = np.flatnonzero((lengths >= 1) & (lengths <= _WORD_CODE_MAX))
    at, length = starts[short], lengths[short]
    code = points[at]
    for k in range(1, _WORD_CODE_MAX):
        longer = np.flatnonzero(length > k)
        code[longer] = (code[longer] << _PAIR_SHIFT) | points[at[longer] + k]
    codes[short] = code
    return joined, lengths, codes

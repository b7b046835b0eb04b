"""The build's numbered article bigrams (rag.lexical.han_bigram_codes) are han_bigrams, token for token.

A new index stores the article bigrams from these codes (rag.prepare), while an
update and every question use ``han_bigrams``: any difference would make a
fresh build and an updated index disagree, or questions miss articles.
"""

import random

import numpy as np
import pytest

from rag.index import _TokenRows
from rag.lexical import han_bigram_codes, han_bigrams

# Each end of the three Chinese ranges and their neighbours just outside, Latin letters whose lower
# case is longer (İ) or changes (ẞ, Σ, ǅ), a non-BMP ideograph (outside the ranges), a lone surrogate,
# digits with decimal points, and the separators.
_ALPHABET = list("海原县投资亿元集团在 \n。，.0123456789aBcDİẞΣ_-ǅ") + [
    "\u3400", "\u4dbf", "\u4e00", "\u9fff", "\uf900", "\ufaff", "\u33ff", "\u4dc0", "\u4dff", "\ufb00",
    "\U00020000", "\ud800"]


def _numbered(tokens):
    """Each distinct token once in order of first appearance, and every token's number: what the build stores."""
    words = list(dict.fromkeys(tokens))
    number = {w: i for i, w in enumerate(words)}
    return words, [number[t] for t in tokens]


def _check(texts):
    batch = han_bigram_codes(texts)
    words, ids = _numbered([t for text in texts for t in han_bigrams(text)])
    assert [batch.token_of(code) for code in batch.distinct.tolist()] == words
    assert batch.ids.dtype == np.int32 and batch.ids.tolist() == ids
    assert batch.lengths.tolist() == [len(han_bigrams(text)) for text in texts]


@pytest.mark.parametrize("seed", range(4))
def test_codes_are_han_bigrams_numbered_in_order(seed):
    rng = random.Random(seed)
    for _ in range(500):
        _check(["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(rng.randint(0, 5))])


def test_codes_of_the_seed_articles(seed_corpus):
    texts = [file.read_text(encoding="utf-8") for file in sorted(seed_corpus.glob("*.txt"))]
    _check(texts)
    _check(texts[:1])
    _check([])


def test_known_codes_and_tokens_number_alike():
    """Rows added as codes and as tokens share one vocabulary, numbered by first appearance."""
    texts = ["海原县投资7.78亿元，CR集团", "集团在海原", "新的词 cr 2.5"]
    by_codes, by_tokens = _TokenRows({}), _TokenRows({})
    by_codes.add_codes(han_bigram_codes(texts[:2]))
    by_codes.add_tokens(han_bigrams(texts[2]))  # (an update's path) after codes
    by_codes.add_codes(han_bigram_codes(texts[::-1]))  # (a Latin word's code differs from batch to batch)
    for text in texts[:2] + texts[2:] + texts[::-1]:
        by_tokens.add_tokens(han_bigrams(text))
    for got, expected in zip(by_codes.arrays(), by_tokens.arrays()):
        assert np.array_equal(got, expected) if isinstance(got, np.ndarray) else got == expected


def test_codes_numbered_alike_across_merges(monkeypatch):
    """Known codes are found both among the latest (``_CodeIds``' small array) and in the bulk they are merged
    into: many batches with a tiny merge size give the ids of the token path."""
    import rag.index

    monkeypatch.setattr(rag.index._CodeIds, "RECENT_MAX", 7)
    rng = random.Random(5)
    texts = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 30))) for _ in range(120)]
    by_codes, by_tokens = _TokenRows({}), _TokenRows({})
    for start in range(0, len(texts), 3):
        by_codes.add_codes(han_bigram_codes(texts[start : start + 3]))
    for text in texts:
        by_tokens.add_tokens(han_bigrams(text))
    for got, expected in zip(by_codes.arrays(), by_tokens.arrays()):
        assert np.array_equal(got, expected) if isinstance(got, np.ndarray) else got == expected


def test_code_ids_find_what_was_added(monkeypatch):
    from rag.index import _CodeIds

    monkeypatch.setattr(_CodeIds, "RECENT_MAX", 3)
    ids = _CodeIds()
    assert ids.find(np.array([5, 9], dtype=np.int64)).tolist() == [-1, -1]
    ids.add(np.array([9, 2], dtype=np.int64), np.array([0, 1], dtype=np.int64))
    ids.add(np.array([7, 1 << 41], dtype=np.int64), np.array([2, 3], dtype=np.int64))  # (past 3: merged)
    ids.add(np.array([4], dtype=np.int64), np.array([4], dtype=np.int64))  # (among the latest)
    wanted = np.array([1 << 41, 4, 5, 9, 2, 7, 0, 1 << 42], dtype=np.int64)
    assert ids.find(wanted).tolist() == [3, 4, -1, 0, 1, 2, -1, -1]


def test_tokens_of_codes_decodes_each_kind():
    batch = han_bigram_codes(["海原县7.78亿元 cr 集 团", "\u3400\u4dbf \U00020000 \ufaffé"])
    codes = np.concatenate([batch.distinct, batch.distinct[::-1]])
    assert batch.tokens_of(codes) == [batch.token_of(c) for c in codes.tolist()]
    assert {"海原", "7.78", "cr", "集", "\u3400\u4dbf", "\ufaff"} <= set(batch.tokens_of(codes))
    assert batch.tokens_of(codes[:0]) == []


def test_no_token_crosses_from_one_text_to_the_next():
    """A batch is coded in one pass over its texts joined: the end of one text and the start of the next
    (Chinese to Chinese, a number to a number, empty texts between) stay apart."""
    texts = ["海", "原县", "", "7.7", "8亿", "ab", "cd"]
    batch = han_bigram_codes(texts)
    tokens = [batch.token_of(c) for c in batch.distinct[batch.ids].tolist()]
    assert tokens == ["海", "原县", "7.7", "8", "亿", "ab", "cd"]
    assert batch.lengths.tolist() == [1, 1, 0, 1, 2, 1, 1]


def test_short_word_codes_tell_every_short_word_apart():
    """A word of one to three characters has a number of its own (0 for longer words), whatever its characters."""
    from rag.lexical import short_word_codes

    alphabet = list("海原县投资亿元aB1.") + ["\U00020000", "\U0010ffff", "\ud800", "\x00", "\u4e00"]
    rng = random.Random(0)
    seen: dict[int, str] = {}
    for _ in range(300):
        words = list(dict.fromkeys("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
                                   for _ in range(rng.randint(0, 30))))
        joined, lengths, codes = short_word_codes(words)
        assert joined == "".join(words) and lengths.tolist() == [len(w) for w in words]
        for word, code in zip(words, codes.tolist()):
            if len(word) > 3:
                assert code == 0
            else:
                assert code > 0 and seen.setdefault(code, word) == word


def test_words_by_code_numbered_as_tokens_one_row_at_a_time_would_be():
    """add_words (a prepared batch's passage words) gives the ids and vocabulary add_tokens gives, also for words
    that add_tokens numbered first (an update's kept rows) and words too long for a code."""
    from rag.lexical import short_word_codes

    alphabet = list("海原县投资亿元ab1") + ["\U00020000"]
    rng = random.Random(1)
    by_words, by_tokens = _TokenRows({}), _TokenRows({})
    for batch in range(150):
        tokens = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(0, 40))]
        words = list(dict.fromkeys(tokens))
        number = {w: i for i, w in enumerate(words)}
        by_words.add_words(*short_word_codes(words), np.asarray([number[t] for t in tokens], dtype=np.int32),
                           np.asarray([len(tokens)]))
        by_tokens.add_tokens(tokens)
        if batch % 7 == 0:
            kept = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))) for _ in range(5)]
            by_words.add_tokens(kept)
            by_tokens.add_tokens(kept)
    (flat_a, offsets_a, words_a), (flat_b, offsets_b, words_b) = by_words.arrays(), by_tokens.arrays()
    assert np.array_equal(flat_a, flat_b) and np.array_equal(offsets_a, offsets_b) and words_a == words_b


def test_ascending_orders_a_batch_s_codes():
    batch = han_bigram_codes(["海原县投资7.78亿元", "cr 集团在海原", "", "\U00020000ab 海"])
    assert batch.ascending is not None and sorted(batch.ascending.tolist()) == list(range(len(batch.distinct)))
    assert np.array_equal(batch.distinct[batch.ascending], np.sort(batch.distinct))


def test_unique_with_first_is_numpys_unique():
    """The sort of position-tagged keys gives np.unique's distinct values, first places and inverse, also for
    codes too far apart for the tags (np.unique itself then) and for repeats, negatives and no codes at all."""
    from rag.lexical import _unique_with_first

    rng = np.random.default_rng(7)
    cases = [np.zeros(0, dtype=np.int64), np.array([5], dtype=np.int64), np.array([-3, -3, 9, -3], dtype=np.int64),
             np.array([-(1 << 62), 1 << 62, 0, 1 << 62], dtype=np.int64)]
    cases += [rng.integers(-50, 1 << 37, size=int(n)).astype(np.int64) for n in rng.integers(1, 3000, size=20)]
    cases += [rng.integers(0, 40, size=int(n)).astype(np.int64) for n in rng.integers(1, 3000, size=20)]
    for codes in cases:
        distinct, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        got = _unique_with_first(codes)
        for want, have in zip((distinct, first, inverse.reshape(-1)), got):
            assert np.array_equal(want, have)

"""rag.bm25_write writes the arrays bm25s writes, bit for bit, from flat token-id arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.bm25 import SavedBM25
from rag.bm25_write import save_bm25
from rag.lexical import han_bigrams, tokenize


@pytest.mark.parametrize("k1, b, tokens", [(1.5, 0.75, tokenize), (0.9, 0.5, han_bigrams)])
def test_the_arrays_equal_bm25s(seed_corpus, tmp_path, k1, b, tokens):
    import bm25s

    from rag.clean import normalise

    texts = [normalise(p.read_text(encoding="utf-8"))[i : i + 400] for p in sorted(seed_corpus.glob("*.txt"))
             for i in range(0, 2000, 400)]
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in tokens(text)] for text in texts] + [[]]  # an empty document too
    reference = bm25s.BM25(k1=k1, b=b)
    reference.index((ids, dict(vocab)), show_progress=False)
    reference.save(str(tmp_path / "bm25s"), allow_pickle=False, show_progress=False)
    offsets = np.concatenate([[0], np.cumsum([len(i) for i in ids])])
    flat = np.asarray([t for i in ids for t in i], dtype=np.int32)
    save_bm25(tmp_path / "ours", flat, offsets, list(vocab), k1, b)
    for name in ("data", "indices", "indptr"):
        ours = np.load(tmp_path / "ours" / f"{name}.csc.index.npy")
        theirs = np.load(tmp_path / "bm25s" / f"{name}.csc.index.npy")
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name
    assert json.loads((tmp_path / "ours" / "vocab.index.json").read_text()) == \
        json.loads((tmp_path / "bm25s" / "vocab.index.json").read_text())
    query = tokens("华润集团在海原县投资")
    assert np.array_equal(SavedBM25.load(tmp_path / "ours").get_scores(query),
                          SavedBM25.load(tmp_path / "bm25s").get_scores(query))


@pytest.mark.parametrize("words", [["海原", "原县", "cr", "7.78", "\U00020000"], ["a", "", "海"], []])
def test_the_lookup_from_the_vocabulary_given_is_the_one_read_from_the_file(tmp_path, words):
    """A build hands write_vocab_lookup the vocabulary save_bm25 wrote; a lookup written from the file is the same."""
    from rag.bm25 import LOOKUP, token_hash, write_vocab_lookup

    flat = np.arange(len(words), dtype=np.int32)
    vocab = save_bm25(tmp_path, flat, np.asarray([0, len(words)]), words, 1.5, 0.75)
    write_vocab_lookup(tmp_path, vocab)
    given = (tmp_path / LOOKUP).read_bytes()
    write_vocab_lookup(tmp_path)
    assert (tmp_path / LOOKUP).read_bytes() == given
    table = np.load(tmp_path / LOOKUP)
    assert sorted(table[0].tolist()) == table[0].tolist() == sorted(token_hash(w) for w in [*words, ""][:len(vocab)])

"""Write a BM25 index in bm25s's saved format from flat token-id arrays, without bm25s.

``bm25s.BM25.index`` wants a Python list of token-id lists: for the 68,000
articles' character bigrams that is about 40 million Python ints (1.5 GB) and
a loop over every document in Python. Here the documents are two numpy arrays
(every token id, and where each document starts), as the build's token cache
already holds them, and the arithmetic is numpy over all (document, token)
pairs at once.

The arrays written are the ones bm25s writes (``method="lucene"``): the same
float32 values, bit for bit (same operations in the same float64 precision,
rounded once to float32), in the same CSC order, so ``rag.bm25.SavedBM25``
reads them and scores as before. ``tests/test_bm25_write.py`` compares the two.
"""

from __future__ import annotations

import gc
import json
import math
from pathlib import Path

import numpy as np
# (Imported with this module, which only a build imports, at the start of its finish: before it forks the copy
# that writes the article BM25, so the two processes share scipy's 23 MB.)
from scipy.sparse import csr_matrix

_SLICE = 1 << 22  # (document, token) pairs scored at a time


def bm25_arrays(flat: np.ndarray, offsets: np.ndarray, n_vocab: int, k1: float, b: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``data`` (float32), ``indices`` (int32 rows), ``indptr`` (int64) of the token-major BM25 matrix.

    Args:
        flat: Every document's token ids, one document after another.
        offsets: Where each document starts in ``flat``, plus its length at the end (n + 1 values).
        n_vocab: The number of token ids.
    """
    n_docs = len(offsets) - 1
    lengths = np.diff(offsets).astype(np.int64)
    avg_doc_len = lengths.mean() if n_docs else np.float64(1.0)  # as bm25s: np.array([len(d) ...]).mean()
    # The documents as the rows of a sparse matrix, one entry of 1 per token, turned column-major (CSC:
    # column, then row) by scipy's counting pass, which keeps each column's rows in document order; adding
    # up an entry's repeats then gives each (token, document)'s term frequency. Linear, where sorting one
    # int64 key per token took most of the finish of a 68,000-article build (35 million bigrams: 4 CPU s).
    matrix = csr_matrix((np.ones(len(flat), dtype=np.int32), np.asarray(flat, dtype=np.int32),
                         np.asarray(offsets, dtype=np.int64)), shape=(n_docs, n_vocab)).tocsc()
    matrix.sum_duplicates()  # (the rows are in order already: one pass, in place)
    doc = matrix.indices.astype(np.int32, copy=False)
    tf = matrix.data
    df = np.diff(matrix.indptr).astype(np.int64)
    del matrix
    columns = np.repeat(np.arange(n_vocab, dtype=np.int32), df)
    # idf as bm25s computes it: math.log per token in float64, stored as float32.
    idf_of_df = {int(d): math.log(1 + (n_docs - int(d) + 0.5) / (int(d) + 0.5)) for d in np.unique(df) if d}
    idf = np.zeros(n_vocab, dtype=np.float32)
    nonzero = np.flatnonzero(df)
    idf[nonzero] = [idf_of_df[int(d)] for d in df[nonzero]]
    # tfc = tf / (k1 * ((1 - b) + b * l_d / l_avg) + tf), float64 as in bm25s (a float32 tf plus a float64
    # scalar), in slices so that the float64 temporaries stay small.
    # The denominator's document part is computed once per document: the same float64 operations in the
    # same order, so the same values as per pair. (No pair: the documents are all empty, and so is the average.)
    saturation = k1 * ((1 - b) + b * lengths / avg_doc_len) if len(doc) else lengths
    data = np.empty(len(doc), dtype=np.float32)
    for start in range(0, len(doc), _SLICE):
        end = start + _SLICE
        tf_part = tf[start:end].astype(np.float32).astype(np.float64)
        tfc = tf_part / (saturation[doc[start:end]] + tf_part)
        data[start:end] = idf[columns[start:end]].astype(np.float64) * tfc
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return data, doc, indptr


def _dict_json(mapping: dict) -> str:
    """``json.dumps(mapping, ensure_ascii=False)``, with Python's cycle collector paused meanwhile.

    The encoder first makes a (key, value) tuple of every entry, all alive until it is done; as they
    were made the collector went over them again and again (with every other object of the build, in
    its full collections): most of the time of writing a vocabulary of a million tokens, for no garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.dumps(mapping, ensure_ascii=False)
    finally:
        if enabled:
            gc.enable()


def save_bm25(folder: Path, flat: np.ndarray, offsets: np.ndarray, words: list[str], k1: float, b: float
              ) -> dict[str, int]:
    """Write the folder ``bm25s.BM25(k1=k1, b=b).index(...).save(folder, allow_pickle=False)`` would write.

    Args:
        words: The vocabulary, token id -> token.

    Returns:
        The vocabulary as written (``vocab.index.json``), for ``rag.bm25.write_vocab_lookup``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data, indices, indptr = bm25_arrays(flat, offsets, len(words), k1, b)
    np.save(folder / "data.csc.index.npy", data, allow_pickle=False)
    np.save(folder / "indices.csc.index.npy", indices, allow_pickle=False)
    np.save(folder / "indptr.csc.index.npy", indptr, allow_pickle=False)
    vocab = {word: i for i, word in enumerate(words)}
    if "" not in vocab:  # bm25s adds the empty token, without a column of its own
        vocab[""] = len(words)
    (folder / "vocab.index.json").write_text(_dict_json(vocab), encoding="utf-8")
    params = {"k1": k1, "b": b, "delta": 0.5, "method": "lucene", "idf_method": "lucene", "dtype": "float32",
              "int_dtype": "int32", "num_docs": len(offsets) - 1, "backend": "numpy"}
    (folder / "params.index.json").write_text(json.dumps(params, indent=4), encoding="utf-8")
    return vocab

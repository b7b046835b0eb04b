"""A BM25 index that bm25s saved, opened memory-mapped and scored with numpy.

bm25s (with ``method="lucene"``) stores each token's BM25 contribution to every
document that holds it as a sparse column matrix (``data``, ``indices``,
``indptr``). Scoring a question only reads the columns of its tokens, so the
arrays are memory-mapped rather than read, and the scoring is the few lines
below rather than an import of bm25s (whose import pulls in tqdm and asyncio,
0.2 s of ``ask``'s start-up). The scores equal ``bm25s.BM25.get_scores``:
the same float32 additions in the same order.

bm25s saves the vocabulary as one JSON object, which takes seconds to parse
for a large corpus (1.2 million article bigrams at 68,000 articles). The build
therefore also writes ``vocab.lookup.npy`` (``write_vocab_lookup``): each
token's 64-bit hash, sorted, beside its column, memory-mapped and searched by
bisection, so a question looks up its few tokens without reading the rest.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterator, Mapping

import numpy as np

_ARRAYS = ("data", "indices", "indptr")
LOOKUP = "vocab.lookup.npy"  # (2, n) int64: sorted token hashes, then their columns (each row contiguous)


def token_hash(token: str) -> int:
    """A token's 64-bit hash as a signed integer (stable across processes, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little",
                          signed=True)


def write_vocab_lookup(folder: Path, vocab: Mapping[str, int] | None = None) -> None:
    """Write ``vocab.lookup.npy`` beside a saved bm25s vocabulary (part of the build).

    Two tokens with the same 64-bit hash (about one chance in 10^7 for a
    million tokens) would make the lookup ambiguous: then no lookup is
    written and loading parses the JSON vocabulary as before.

    Args:
        vocab: The vocabulary as saved in ``vocab.index.json``, when the caller has it (a build: parsing
            the file again took 1.5 s of the 68,000-article build); else the file is read.
    """
    folder = Path(folder)
    if vocab is None:
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
    # token_hash of each token, in one buffer: the same signed little-endian 64-bit values
    blake2b = hashlib.blake2b
    hashes = np.frombuffer(b"".join([blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                                     for token in vocab]), dtype="<i8").astype(np.int64)
    columns = np.fromiter(vocab.values(), dtype=np.int64, count=len(vocab))
    order = np.argsort(hashes)  # (distinct hashes, or nothing is written: any sort gives the same order)
    table = np.stack([hashes[order], columns[order]])
    if table.shape[1] > 1 and bool((table[0, 1:] == table[0, :-1]).any()):
        return
    tmp = folder / f"{LOOKUP}.tmp"
    with open(tmp, "wb") as out:
        np.save(out, table, allow_pickle=False)
    tmp.replace(folder / LOOKUP)


class HashedVocab(Mapping[str, int]):
    """Token -> column through the memory-mapped hash table of ``write_vocab_lookup``.

    Reads only the pages a bisection touches; the JSON vocabulary is never parsed.
    """

    def __init__(self, table: np.ndarray):
        # Two contiguous rows: a bisection over a strided column would copy it first.
        self._hashes = table[0]
        self._columns = table[1]

    def get(self, token, default=None):
        if not isinstance(token, str):
            return default
        key = token_hash(token)
        row = int(np.searchsorted(self._hashes, key))
        if row < len(self._hashes) and int(self._hashes[row]) == key:
            return int(self._columns[row])
        return default

    def __getitem__(self, token: str) -> int:
        column = self.get(token)
        if column is None:
            raise KeyError(token)
        return column

    def __contains__(self, token) -> bool:
        return self.get(token) is not None

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a hashed vocabulary cannot list its tokens; read vocab.index.json for them")


def _load_vocab(folder: Path, mmap: bool):
    """The hashed lookup when the build wrote one that matches the JSON's size, else the parsed JSON."""
    lookup = folder / LOOKUP
    if mmap and lookup.is_file():
        try:
            table = np.load(lookup, allow_pickle=False, mmap_mode="r")
            if table.ndim == 2 and table.shape[0] == 2 and table.dtype == np.int64 and table.flags.c_contiguous:
                return HashedVocab(table)
        except (OSError, ValueError, EOFError):  # EOFError: an empty .npy (a crash mid-write)
            pass  # damaged: the JSON vocabulary is the truth
    vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
    return vocab if isinstance(vocab, dict) else None


class SavedBM25:
    """A bm25s index folder, read-only.

    Attributes:
        vocab_dict: Token -> column.
        scores: ``data``, ``indices``, ``indptr`` (memory-mapped) and ``num_docs``, as bm25s names them.
        params: The build parameters (k1, b, method...).
    """

    def __init__(self, folder: Path, params: dict, vocab: dict[str, int], arrays: dict[str, np.ndarray]):
        self.folder = folder
        self.params = params
        self.vocab_dict = vocab
        self.scores = {**arrays, "num_docs": int(params["num_docs"])}
        self.dtype = np.dtype(params.get("dtype", "float32"))

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> SavedBM25:
        """Open a folder written by ``bm25s.BM25.save(..., allow_pickle=False)``.

        Raises:
            ValueError: Missing or damaged files, or a BM25 variant this reader does not score.
        """
        folder = Path(folder)
        try:
            params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
            vocab = _load_vocab(folder, mmap)
            arrays = {name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False,
                                    mmap_mode="r" if mmap else None) for name in _ARRAYS}
        except (OSError, ValueError, EOFError) as error:
            raise ValueError(f"unreadable BM25 index at {folder}: {error}") from None
        if params.get("method") not in ("lucene", "robertson", "atire"):
            # bm25l and bm25+ add a score for absent tokens, which this reader does not.
            raise ValueError(f"BM25 variant {params.get('method')!r} is not supported")
        # bm25s adds an empty-string token without a column of its own.
        if vocab is None or len(arrays["indptr"]) not in (len(vocab), len(vocab) + 1):
            raise ValueError(f"the BM25 vocabulary at {folder} does not match its arrays")
        return cls(folder, params, vocab, arrays)

    def token_ids(self, tokens: list[str]) -> list[int]:
        """Columns of the tokens the index knows (repeats kept: a repeated word counts twice, as in bm25s)."""
        vocab, columns = self.vocab_dict, len(self.scores["indptr"]) - 1
        return [vocab[t] for t in tokens if t and t in vocab and vocab[t] < columns]

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every document for ``tokens`` (unknown tokens ignored)."""
        scores = np.zeros(self.scores["num_docs"], dtype=self.dtype)
        ids = self.token_ids(tokens)
        if not ids:
            return scores
        indptr = self.scores["indptr"]
        spans = [(int(indptr[i]), int(indptr[i + 1])) for i in ids]
        data = np.concatenate([self.scores["data"][s:e] for s, e in spans])
        rows = np.concatenate([self.scores["indices"][s:e] for s, e in spans])
        np.add.at(scores, rows, data)
        return scores

    def add_scores(self, scores: np.ndarray, token: str, scale: float) -> None:
        """Add ``token``'s stored BM25 column times ``scale`` to ``scores`` (the idf of a larger index over this one's)."""
        column = self.vocab_dict.get(token) if token else None
        if column is None or column >= len(self.scores["indptr"]) - 1:
            return
        start, end = int(self.scores["indptr"][column]), int(self.scores["indptr"][column + 1])
        scores[self.scores["indices"][start:end]] += (self.scores["data"][start:end] * scale).astype(scores.dtype)

    def token_rows(self, token: str) -> np.ndarray:
        """The documents (rows) that hold ``token``."""
        column = self.vocab_dict.get(token) if token else None
        if column is None or column >= len(self.scores["indptr"]) - 1:
            return np.zeros(0, dtype=np.int64)
        return self.scores["indices"][int(self.scores["indptr"][column]) : int(self.scores["indptr"][column + 1])]

    def document_frequency(self, token: str) -> int:
        """How many documents hold ``token``."""
        column = self.vocab_dict.get(token) if token else None
        if column is None or column >= len(self.scores["indptr"]) - 1:
            return 0
        indptr = self.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])


def lucene_idf(df: np.ndarray | int, n: int) -> np.ndarray:
    """bm25s's (Lucene's) inverse document frequency, float64: log(1 + (n - df + 0.5) / (df + 0.5))."""
    df = np.asarray(df, dtype=np.float64)
    return np.log1p((n - df + 0.5) / (df + 0.5))


class TermCounts:
    """Term frequencies of the documents of an index segment, scored at query time.

    A segment is small (the articles one update added or changed), so its BM25
    is not precomputed: its scores need the idf of the whole index (base plus
    segments), which changes with every update. It is read from the token-id
    cache the build writes (flat ids, row offsets, vocabulary) and kept as a
    token-major sparse matrix of counts.
    """

    def __init__(self, flat: np.ndarray, offsets: np.ndarray, words: list[str]):
        self.num_docs = len(offsets) - 1
        self.lengths = np.diff(offsets).astype(np.float64)
        self.vocab_dict = {word: i for i, word in enumerate(words)}
        n = max(self.num_docs, 1)
        rows = np.repeat(np.arange(self.num_docs, dtype=np.int64), np.diff(offsets))
        keys, counts = np.unique(flat.astype(np.int64) * n + rows, return_counts=True)
        self.rows = (keys % n).astype(np.int64)
        self.tf = counts.astype(np.float64)
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(keys // n, minlength=len(words)))]).astype(np.int64)

    def document_frequency(self, token: str) -> int:
        column = self.vocab_dict.get(token)
        return 0 if column is None else int(self.indptr[column + 1] - self.indptr[column])

    def token_rows(self, token: str) -> np.ndarray:
        column = self.vocab_dict.get(token)
        return self.rows[:0] if column is None else self.rows[int(self.indptr[column]) : int(self.indptr[column + 1])]

    def add_scores(self, scores: np.ndarray, token: str, idf: float, k1: float, b: float, avgdl: float) -> None:
        """Add ``token``'s BM25 (Lucene term-frequency part, the given idf and average length) to ``scores``."""
        column = self.vocab_dict.get(token)
        if column is None:
            return
        start, end = int(self.indptr[column]), int(self.indptr[column + 1])
        rows, tf = self.rows[start:end], self.tf[start:end]
        scores[rows] += (idf * tf / (k1 * ((1 - b) + b * self.lengths[rows] / avgdl) + tf)).astype(scores.dtype)

"""A BM25 index that bm25s saved, opened memory-mapped and scored with numpy.

bm25s (with ``method="lucene"``) stores each token's BM25 contribution to every
document that holds it as a sparse column matrix (``data``, ``indices``,
``indptr``). Scoring a question only reads the columns of its tokens, so the
arrays are memory-mapped rather than read, and the scoring is the few lines
below rather than an import of bm25s (whose import pulls in tqdm and asyncio,
0.2 s of ``ask``'s start-up). The scores equal ``bm25s.BM25.get_scores``:
the same float32 additions in the same order.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_ARRAYS = ("data", "indices", "indptr")


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
            vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
            arrays = {name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False,
                                    mmap_mode="r" if mmap else None) for name in _ARRAYS}
        except (OSError, ValueError) as error:
            raise ValueError(f"unreadable BM25 index at {folder}: {error}") from None
        if params.get("method") not in ("lucene", "robertson", "atire"):
            # bm25l and bm25+ add a score for absent tokens, which this reader does not.
            raise ValueError(f"BM25 variant {params.get('method')!r} is not supported")
        # bm25s adds an empty-string token without a column of its own.
        if not isinstance(vocab, dict) or len(arrays["indptr"]) not in (len(vocab), len(vocab) + 1):
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

    def document_frequency(self, token: str) -> int:
        """How many documents hold ``token``."""
        column = self.vocab_dict.get(token) if token else None
        if column is None or column >= len(self.scores["indptr"]) - 1:
            return 0
        indptr = self.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

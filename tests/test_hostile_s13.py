"""Round 13's hostile pass: inputs a careless user gives the CLI, the index and the chat page.

Each test here failed on the code before its fix.
"""

from __future__ import annotations

from types import SimpleNamespace

from rag.store.local import LocalPassages


class _CountingChunks:
    """An index's chunks that count how many are read."""

    def __init__(self, ids):
        self._ids = ids
        self.reads = 0

    def __getitem__(self, position):
        self.reads += 1
        return SimpleNamespace(id=self._ids[position])

    def __len__(self):
        return len(self._ids)


def test_the_passages_of_one_huge_article_are_found_in_one_reading_not_one_per_passage():
    # One JSONL record of 17 million characters (22,000 passages) took 150 s a question: every
    # passage's row was looked for by reading the article's passages from the first.
    n = 400
    ids = [f"big#{i:04x}" for i in range(n)]
    chunks = _CountingChunks(ids)
    passages = LocalPassages(SimpleNamespace(chunks=chunks, chunks_of={"big": list(range(n))}))
    assert passages.row_of(ids[::-1] + ["big#nope", "other#1"]) == list(range(n))[::-1]
    assert chunks.reads <= 2 * n, chunks.reads

"""The local store: the protocols of ``rag.store.protocols`` over a loaded index folder (``rag.index.Index``).

Everything is in memory or memory-mapped; searches are numpy over bm25s and
FAISS. An article filter becomes a FAISS ID selector over the article's
passage rows, so a filtered search never scores the rest of the corpus.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Collection, Sequence

import numpy as np

from rag.documents import Chunk
from rag.lexical import han_bigrams, tokenize
from rag.store.protocols import ArticleRecord, ArticleScore, PassageScore

if TYPE_CHECKING:
    from rag.fact_db import FactDb
    from rag.facts import MoneyFact, Place
    from rag.index import Index


HNSW_SEARCH = 128  # candidates an HNSW search keeps (efSearch); recall against speed


def top_rows(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """Rows of the ``k`` highest positive scores, best first, ties in row order."""
    if allowed is not None:
        scores = np.where(allowed, scores, 0)
    positive = np.flatnonzero(scores > 0)
    if not len(positive) or k <= 0:
        return positive[:0]
    if len(positive) > k:
        # Keep every row tied with the k-th score, then order stably: ties stay in row order.
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth]
    order = positive[np.argsort(-scores[positive], kind="stable")]
    return order[:k]


class LocalPassages:
    """Passages and article metadata of a loaded index."""

    def __init__(self, index: Index):
        self._index = index

    def row_of(self, chunk_ids: Sequence[str]) -> list[int]:
        """Chunk positions of these ids (unknown ids left out).

        A chunk id is ``<doc id>#<hash>`` (``rag.chunking``): it is looked for
        among its article's passages only, so a question reads only those (a
        large index's passages are parsed on demand), not a map of every id.
        """
        index = self._index
        rows = []
        # Each article's ids are read once: one look-up per id would read an article of n passages n times
        # (a 17-million-character article's 22,000 passages took 150 s a question).
        rows_by_article: dict[str, dict[str, int]] = {}
        for chunk_id in chunk_ids:
            doc_id = chunk_id.rpartition("#")[0]
            article_rows = rows_by_article.get(doc_id)
            if article_rows is None:
                article_rows = rows_by_article[doc_id] = {}
                for p in index.chunks_of.get(doc_id, ()):
                    article_rows.setdefault(index.chunks[p].id, p)  # the first passage of an id, as before
            row = article_rows.get(chunk_id)
            if row is not None:
                rows.append(row)
        return rows

    def count_passages(self) -> int:
        return len(self._index.chunks)

    def count_articles(self) -> int:
        return len(self._index.article_ids)

    def article_ids(self) -> list[str]:
        return list(self._index.article_ids)

    def article(self, doc_id: str) -> ArticleRecord | None:
        entry = self._index.manifest.get("documents", {}).get(doc_id)
        positions = self._index.chunks_of.get(doc_id)
        if entry is None and positions is None:
            return None
        entry = entry or {}
        first = self._index.chunks[positions[0]] if positions else None
        return ArticleRecord(doc_id, entry.get("title") or (first.title if first else doc_id),
                             entry.get("date") or (first.date if first else None), entry.get("hash", ""),
                             len(positions or ()))

    def get_passages(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        return [self._index.chunks[i] for i in self.row_of(chunk_ids)]

    def passages_of(self, doc_ids: Sequence[str]) -> dict[str, list[Chunk]]:
        chunks_of = self._index.chunks_of
        return {d: [self._index.chunks[p] for p in chunks_of[d]] for d in doc_ids if d in chunks_of}


class LocalLexical:
    """BM25 over article bigrams and passage words (bm25s)."""

    def __init__(self, index: Index, passages: LocalPassages):
        self._index = index
        self._passages = passages

    def _article_mask(self, doc_ids: Collection[str] | None) -> np.ndarray | None:
        if doc_ids is None:
            return None
        row = self._index.article_row
        mask = np.zeros(len(self._index.article_ids), dtype=bool)
        mask[[row[d] for d in doc_ids if d in row]] = True
        return mask

    def search_articles(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[ArticleScore]:
        scores = np.asarray(self._index.score_articles(han_bigrams(query)), dtype=np.float64)
        ids = self._index.article_ids
        return [ArticleScore(ids[i], float(scores[i])) for i in top_rows(scores, k, self._article_mask(doc_ids))]

    def search_passages(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[PassageScore]:
        scores = np.asarray(self._index.score_passages(tokenize(query)), dtype=np.float64)
        allowed = None
        if doc_ids is not None:
            allowed = np.zeros(len(scores), dtype=bool)
            for d in doc_ids:
                allowed[self._index.chunks_of.get(d, [])] = True
        chunks = self._index.chunks
        return [PassageScore(chunks[i].id, chunks[i].doc_id, float(scores[i])) for i in top_rows(scores, k, allowed)]

    def score_passages(self, query: str, chunk_ids: Sequence[str]) -> np.ndarray:
        rows = self._passages.row_of(chunk_ids)
        return np.asarray(self._index.score_passages(tokenize(query)), dtype=np.float64)[rows]

    def idf(self, token: str) -> float:
        return self._index.idf(token)


class LocalVectors:
    """A FAISS index of passage vectors; rows follow the chunk order."""

    def __init__(self, index: Index, passages: LocalPassages):
        self._index = index
        self._passages = passages

    @property
    def dim(self) -> int:
        return int(self._index.vectors.d)

    def search(self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None) -> list[PassageScore]:
        import faiss

        vectors, chunks = self._index.vectors, self._index.chunks
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        params = None
        n = len(chunks)
        if doc_ids is not None:
            rows = np.asarray([p for d in doc_ids for p in self._index.chunks_of.get(d, [])], dtype=np.int64)
            if not len(rows):
                return []
            n = len(rows)
            if not isinstance(vectors, faiss.Index):  # a base with segments (rag.index._PartedVectors)
                scores, ids = vectors.search(query, min(k, n), positions=rows)
                return [PassageScore(chunks[i].id, chunks[i].doc_id, float(s)) for i, s in zip(ids[0], scores[0])]
            if isinstance(vectors, faiss.IndexHNSW):
                # A graph search with a narrow filter finds few allowed nodes (and may miss some):
                # score the allowed passages exactly instead; they are few.
                scores = vectors.reconstruct_batch(rows) @ query.reshape(-1)
                top = np.argsort(-scores, kind="stable")[: min(k, len(rows))]
                return [PassageScore(chunks[rows[i]].id, chunks[rows[i]].doc_id, float(scores[i])) for i in top]
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
        k = min(k, n)
        if k <= 0:
            return []
        if params is None and isinstance(vectors, faiss.IndexHNSW):
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_SEARCH, 2 * k))
        scores, ids = vectors.search(query, k, params=params) if params is not None else vectors.search(query, k)
        return [PassageScore(chunks[i].id, chunks[i].doc_id, float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[str]) -> np.ndarray:
        rows = self._passages.row_of(chunk_ids)
        if not rows:
            return np.zeros(0, dtype=np.float32)
        matrix = self._index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return matrix @ np.asarray(vector, dtype=np.float32).reshape(-1)


class _FactSource:
    """One facts table and the passages its rows are: an index part's file, or the whole index in memory."""

    def __init__(self, db: FactDb, chunk_at, live: np.ndarray | None):
        self.db = db
        self.chunk_at = chunk_at  # row -> Chunk
        self._live = live  # sorted live rows, or None when every row is live

    @property
    def every_row_live(self) -> bool:
        return self._live is None

    def live(self, rows: list[int]) -> list[int]:
        if self._live is None or not rows:
            return rows
        at = np.searchsorted(self._live, rows)
        found = (at < len(self._live)) & (self._live[np.minimum(at, len(self._live) - 1)] == rows)
        return [row for row, ok in zip(rows, found.tolist()) if ok]


class LocalFacts:
    """The facts of an index: each part's ``facts.sqlite`` (``rag.fact_db``), opened on first use.

    An index without usable files (built before them, damaged, or from other
    facts code) gets the same tables in memory, from its facts.jsonl or from
    facts extracted again (``Index.facts``), so every question is one query path.
    """

    def __init__(self, index: Index):
        self._index = index

    @cached_property
    def _sources(self) -> list[_FactSource]:
        from rag.fact_db import FACTS_DB, FactDb
        from rag.facts import FACTS_VERSION

        index = self._index
        if index.manifest.get("facts_version") == FACTS_VERSION and index.current:
            sources = []
            for part in index.parts:
                db = FactDb.open(part.folder / FACTS_DB, len(part.chunks))
                if db is None:
                    break
                sources.append(_FactSource(db, part.chunks.__getitem__, None if part.whole else part.live))
            else:
                return sources
        table = index.facts
        db = FactDb.in_memory((chunk.doc_id, chunk.subject, facts) for chunk, facts in table)
        return [_FactSource(db, table.chunks.__getitem__, None)]

    def place_names(self) -> frozenset[str]:
        names: set[str] = set()
        for source in self._sources:
            if source.every_row_live:
                names |= source.db.place_names()
            else:
                found = source.db.place_names_by_row()
                live = set(source.live(sorted({row for row, _, _ in found})))
                names.update(name for row, stem, surface in found if row in live for name in (stem, surface))
        return frozenset(names)

    def articles_naming(self, places: Collection[str]) -> set[str]:
        if not places:
            return set()
        found = set()
        for source in self._sources:
            rows = source.db.rows_naming(places)
            live = set(source.live([row for row, _ in rows]))
            found.update(doc_id for row, doc_id in rows if row in live)
        return found

    def money_facts(self, *, places: Collection[str] | None = None, organisations: Collection[str] | None = None,
                    category: str | None = None) -> list[tuple[Chunk, MoneyFact]]:
        found = []
        for source in self._sources:
            facts = source.db.money(places=places or None, organisations=organisations, category=category)
            live = set(source.live(sorted({row for row, _ in facts})))
            found.extend((source.chunk_at(row), fact) for row, fact in facts if row in live)
        return found

    def passages_about(self, organisations: Collection[str]) -> list[Chunk]:
        if not organisations:
            return []
        return [source.chunk_at(row) for source in self._sources
                for row in source.live(source.db.rows_about(organisations))]

    def places_in(self, doc_id: str) -> list[tuple[Chunk, Place]]:
        found = []
        for source in self._sources:
            places = source.db.places_in(doc_id)
            live = set(source.live(sorted({row for row, _ in places})))
            found.extend((source.chunk_at(row), place) for row, place in places if row in live)
        return found


class LocalStore:
    """A loaded index folder as a ``Store``."""

    def __init__(self, index: Index):
        self.index = index
        self.passages = LocalPassages(index)
        self.lexical = LocalLexical(index, self.passages)
        self.vectors = LocalVectors(index, self.passages) if index.has_vectors else None
        self.facts = LocalFacts(index)

    @property
    def embedder_spec(self) -> str:
        return self.index.embedder_spec

    @property
    def description(self) -> dict:
        return self.index.manifest

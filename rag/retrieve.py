"""Hybrid retrieval: articles ranked by bigram BM25 and dense similarity, then their best passages."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.clean import normalise
from rag.documents import Hit
from rag.index import Index
from rag.lexical import han_bigrams, tokenize

RetrieverMode = Literal["hybrid", "dense", "bm25"]


def standardise(values: np.ndarray) -> np.ndarray:
    """Scores as z-scores, so that BM25 and cosine similarity can be added."""
    values = np.asarray(values, dtype=np.float64)
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


class HybridRetriever(BaseRetriever):
    """Find the articles that answer a question, then the passages in them that do.

    1. Articles are scored by BM25 over character bigrams of the whole article
       and, in hybrid mode, by the dense similarity of their best passage; the
       two are added as z-scores, dense with ``dense_weight``. Scoring whole
       articles finds the article whose one passage holds the question's key
       phrase and another the answer.
    2. Within each article, passages are ranked by BM25 over words plus, when
       vectors exist, ``passage_dense_weight`` times their dense similarity.
    3. The top ``k`` passages are the best passage of each of the top articles;
       an article gives a second passage only after every candidate article
       has given one, so one long article cannot fill the list. Articles under
       ``strong_share`` of the best BM25 score come after all the passages of
       the strong ones.

    Weighted z-score fusion replaces reciprocal-rank fusion: with the bundled
    e5-small the dense ranking is much weaker than BM25 on news questions
    (recall@5 0.81 against 0.96 on CRUD docs-5k), and rank fusion gave it an
    equal vote. See benchmarks/crud_retrieval.py for the figures.

    Attributes:
        index: The loaded index.
        embedder: A ``SpecEmbeddings`` matching the index (None for BM25-only).
        k: Passages returned.
        mode: "hybrid", "dense" or "bm25".
        depth: Passages taken from the dense search to score articles.
        dense_weight: Weight of the dense z-score in an article's score (hybrid).
            0.01 only breaks near-ties: every larger weight lowered MRR@10 on CRUD.
        passage_dense_weight: Weight of the dense z-score when choosing passages.
        strong_share: Share of the best article's BM25 score that makes an article strong.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    embedder: Any = None
    k: int = 5
    mode: RetrieverMode = "hybrid"
    depth: int = 100
    dense_weight: float = 0.01
    passage_dense_weight: float = 0.5
    strong_share: float = 0.5

    def search(self, question: str, k: int | None = None, doc_ids: set[str] | None = None) -> list[Hit]:
        """The top ``k`` passages for ``question``, with the per-retriever ranks and scores of their article.

        Args:
            question: The user's question, as typed.
            k: Passages to return (default: ``self.k``).
            doc_ids: Only search these articles (None: all).
        """
        k = k or self.k
        index: Index = self.index
        if not index.chunks:
            return []
        query = normalise(question)
        question_vector = None
        if self.mode in ("hybrid", "dense") and index.has_vectors and self.embedder is not None:
            question_vector = self.embedder.embed_question(query)
        allowed = np.ones(len(index.article_ids), dtype=bool)
        if doc_ids is not None:
            allowed = np.array([doc_id in doc_ids for doc_id in index.article_ids])

        fused, signals, returned = self._score_articles(query, question_vector, deep=doc_ids is not None)
        eligible = allowed & np.logical_or.reduce(list(returned.values()), initial=False)
        candidates = np.flatnonzero(eligible)
        order = candidates[np.lexsort((candidates, -fused[candidates]))][:k]
        if not len(order):
            return []
        ranks = {name: _rank_of(signals[name], returned[name] & allowed) for name in signals}
        passages = dict(zip(order, self._ranked_passages(query, question_vector, [index.article_ids[i] for i in order])))
        hits: list[Hit] = []
        for group in self._strong_then_weak(order, signals.get("bm25")):
            for round_ in range(max((len(passages[i]) for i in group), default=0)):
                for i in group:
                    if round_ < len(passages[i]) and len(hits) < k:
                        position, passage_score = passages[i][round_]
                        hits.append(Hit(
                            index.chunks[position],
                            float(fused[i]),
                            {name: int(r[i]) for name, r in ranks.items() if r[i]},
                            {**{name: float(v[i]) for name, v in signals.items()}, "passage": passage_score},
                        ))
        return hits

    def _score_articles(self, query: str, question_vector, deep: bool):
        """Every article's fused score, and per retriever its scores and which articles it found."""
        index: Index = self.index
        fused = np.zeros(len(index.article_ids))
        signals: dict[str, np.ndarray] = {}
        returned: dict[str, np.ndarray] = {}
        use_lexical = self.mode in ("hybrid", "bm25")
        if use_lexical:
            lexical = np.asarray(index.score_articles(han_bigrams(query)), dtype=np.float64)
            signals["bm25"], returned["bm25"] = lexical, lexical > 0
            fused += standardise(lexical)
        if question_vector is not None:
            # A filter (deep) needs every passage scored, not just the global top few.
            depth = len(index.chunks) if deep else min(self.depth, len(index.chunks))
            dense = np.full(len(index.article_ids), np.nan)
            for position, similarity in index.search_dense(question_vector, depth):
                i = index.article_row[index.chunks[position].doc_id]
                if np.isnan(dense[i]) or similarity > dense[i]:
                    dense[i] = similarity
            seen = ~np.isnan(dense)
            if seen.any():
                dense[~seen] = dense[seen].min()  # not in the top passages: as weak as the weakest
            signals["dense"], returned["dense"] = np.nan_to_num(dense), seen
            fused += (self.dense_weight if use_lexical else 1.0) * standardise(signals["dense"])
        return fused, signals, returned

    def _strong_then_weak(self, order: np.ndarray, lexical: np.ndarray | None) -> list[list[int]]:
        """The ranked articles split in two: those within ``strong_share`` of the best BM25 score, then the rest.

        The weak ones give passages only after the strong ones have given all of
        theirs: in a small corpus the right article's second passage beats
        another article's best.
        """
        if lexical is None or lexical[order[0]] <= 0:
            return [list(order)]
        floor = self.strong_share * lexical[order].max()
        return [[i for i in order if lexical[i] >= floor], [i for i in order if lexical[i] < floor]]

    def _ranked_passages(self, query: str, question_vector, article_ids: list[str]) -> list[list[tuple[int, float]]]:
        """Each article's passages, best first, as (chunk position, score)."""
        index: Index = self.index
        positions = [p for doc_id in article_ids for p in index.chunks_of[doc_id]]
        words = np.asarray(index.score_passages(tokenize(query)), dtype=np.float64)[positions]
        score = standardise(words)
        if question_vector is not None:
            score = score + self.passage_dense_weight * standardise(
                index.passage_similarities(question_vector, positions))
        by_position = dict(zip(positions, score.tolist()))
        return [
            sorted(((p, by_position[p]) for p in index.chunks_of[doc_id]), key=lambda item: (-item[1], item[0]))
            for doc_id in article_ids
        ]

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        return [to_langchain(hit) for hit in self.search(query)]


def to_langchain(hit: Hit) -> LCDocument:
    """A hit as a LangChain ``Document`` (metadata carries ids, offsets, ranks)."""
    chunk = hit.chunk
    return LCDocument(
        page_content=chunk.text,
        id=chunk.id,
        metadata={
            "chunk_id": chunk.id,
            "doc_id": chunk.doc_id,
            "title": chunk.title,
            "date": chunk.date,
            "start": chunk.start,
            "end": chunk.end,
            "score": hit.score,
            "ranks": dict(hit.ranks),
            "scores": dict(hit.scores),
        },
    )


def _rank_of(values: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """1-based rank of each eligible article by ``values`` (0 for the rest)."""
    ranks = np.zeros(len(values), dtype=np.int64)
    rows = np.flatnonzero(eligible)
    ordered = rows[np.argsort(-values[rows], kind="stable")]
    ranks[ordered] = np.arange(1, len(ordered) + 1)
    return ranks

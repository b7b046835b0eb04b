"""Hybrid retrieval: articles ranked by bigram BM25 and dense similarity, then their best passages.

Plain code over the store protocols (``rag.store.protocols``): no LangChain
here. ``rag.lc`` wraps ``HybridRetriever`` as a LangChain ``BaseRetriever``
for those who want one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from rag.clean import normalise
from rag.documents import Hit
from rag.store.protocols import Store

RetrieverMode = Literal["hybrid", "dense", "bm25"]


def standardise(values: np.ndarray) -> np.ndarray:
    """Scores as z-scores, so that BM25 and cosine similarity can be added."""
    values = np.asarray(values, dtype=np.float64)
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def standardise_sparse(values: np.ndarray, fill: float, population: int) -> tuple[np.ndarray, float]:
    """z-scores of ``values`` in a population of ``population`` rows where every other row is ``fill``.

    A search returns only its top rows; the articles it did not return count
    with ``fill`` (0 for BM25, the weakest similarity for dense search), so
    the scale is that of the whole corpus, as when every article was scored.

    Returns:
        The z-scores of ``values`` and the z-score of ``fill``.
    """
    values = np.asarray(values, dtype=np.float64)
    population = max(population, len(values))
    if not population:
        return values, 0.0
    rest = population - len(values)
    mean = (values.sum() + fill * rest) / population
    variance = (((values - mean) ** 2).sum() + rest * (fill - mean) ** 2) / population
    spread = float(np.sqrt(max(variance, 0.0)))
    if spread <= 0:
        return np.zeros_like(values), 0.0
    return (values - mean) / spread, (fill - mean) / spread


def as_store(store_or_index: Any) -> Store:
    """A ``Store`` as is; a loaded ``rag.index.Index`` wrapped as the local store."""
    if hasattr(store_or_index, "passages") and hasattr(store_or_index, "lexical"):
        return store_or_index
    from rag.store.local import LocalStore

    return LocalStore(store_or_index)


@dataclass
class HybridRetriever:
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
        store: The index (a ``Store``; a loaded ``Index`` is wrapped as the local store).
        embedder: A ``SpecEmbeddings`` matching the index (None for BM25-only).
        k: Passages returned.
        mode: "hybrid", "dense" or "bm25".
        depth: Articles taken from the BM25 search, and passages from the
            dense search, to choose the top articles from.
        dense_weight: Weight of the dense z-score in an article's score (hybrid).
            0.01 only breaks near-ties: every larger weight lowered MRR@10 on CRUD.
        passage_dense_weight: Weight of the dense z-score when choosing passages.
        strong_share: Share of the best article's BM25 score that makes an article strong.
    """

    store: Any
    embedder: Any = None
    k: int = 5
    mode: RetrieverMode = "hybrid"
    depth: int = 100
    dense_weight: float = 0.01
    passage_dense_weight: float = 0.5
    strong_share: float = 0.5

    def __post_init__(self) -> None:
        self.store = as_store(self.store)

    def search(self, question: str, k: int | None = None, doc_ids: set[str] | None = None) -> list[Hit]:
        """The top ``k`` passages for ``question``, with the per-retriever ranks and scores of their article.

        Args:
            question: The user's question, as typed.
            k: Passages to return (default: ``self.k``).
            doc_ids: Only search these articles (None: all).
        """
        k = k or self.k
        store: Store = self.store
        if not store.passages.count_passages():
            return []
        query = normalise(question)
        question_vector = None
        if self.mode in ("hybrid", "dense") and store.vectors is not None and self.embedder is not None:
            question_vector = self.embedder.embed_question(query)

        articles, fused, signals, ranks = self._score_articles(query, question_vector, doc_ids, k)
        if not articles:
            return []
        order = sorted(range(len(articles)), key=lambda i: -fused[i])[:k]  # stable: ties keep search order
        chosen = [articles[i] for i in order]
        passages = self._ranked_passages(query, question_vector, chosen)
        row = {doc_id: i for i, doc_id in enumerate(articles)}
        hits: list[Hit] = []
        for group in self._strong_then_weak(chosen, signals.get("bm25")):
            for round_ in range(max((len(passages[d]) for d in group), default=0)):
                for doc_id in group:
                    if round_ < len(passages[doc_id]) and len(hits) < k:
                        chunk, passage_score = passages[doc_id][round_]
                        i = row[doc_id]
                        hits.append(Hit(
                            chunk,
                            float(fused[i]),
                            {name: r[doc_id] for name, r in ranks.items() if doc_id in r},
                            {**{name: float(v.get(doc_id, fill)) for name, (v, fill) in signals.items()},
                             "passage": passage_score},
                        ))
        return hits

    def _score_articles(self, query: str, question_vector, doc_ids, k: int):
        """The candidate articles, their fused scores, and per retriever its scores and ranks.

        Returns:
            (article ids in search order, fused score per article,
            {retriever: ({doc_id: score}, score of an article it did not return)},
            {retriever: {doc_id: 1-based rank}})
        """
        store: Store = self.store
        population = store.passages.count_articles()
        signals: dict[str, tuple[dict[str, float], float]] = {}
        ranks: dict[str, dict[str, int]] = {}
        standardised: dict[str, tuple[dict[str, float], float]] = {}
        use_lexical = self.mode in ("hybrid", "bm25")
        if use_lexical:
            found = store.lexical.search_articles(query, max(self.depth, k), doc_ids)
            scores = {a.doc_id: a.score for a in found}
            signals["bm25"] = (scores, 0.0)
            ranks["bm25"] = {a.doc_id: r for r, a in enumerate(found, 1)}
            z, z_missing = standardise_sparse(np.array(list(scores.values())), 0.0, population)
            standardised["bm25"] = (dict(zip(scores, z.tolist())), z_missing)
        if question_vector is not None:
            best: dict[str, float] = {}
            for passage in store.vectors.search(question_vector, self.depth, doc_ids):
                if passage.doc_id not in best or passage.score > best[passage.doc_id]:
                    best[passage.doc_id] = passage.score
            if best:
                weakest = min(best.values())  # not in the top passages: as weak as the weakest
                signals["dense"] = (best, weakest)
                by_score = sorted(best, key=lambda d: -best[d])  # stable: ties in search order
                ranks["dense"] = {d: r for r, d in enumerate(by_score, 1)}
                z, z_missing = standardise_sparse(np.array(list(best.values())), weakest, population)
                standardised["dense"] = (dict(zip(best, z.tolist())), z_missing)
        articles = list(dict.fromkeys(d for z_of, _ in standardised.values() for d in z_of))
        fused = np.zeros(len(articles))
        for name, (z_of, z_missing) in standardised.items():
            weight = self.dense_weight if name == "dense" and use_lexical else 1.0
            fused += weight * np.array([z_of.get(d, z_missing) for d in articles])
        return articles, fused, signals, ranks

    def _strong_then_weak(self, order: list[str], lexical) -> list[list[str]]:
        """The ranked articles split in two: those within ``strong_share`` of the best BM25 score, then the rest.

        The weak ones give passages only after the strong ones have given all of
        theirs: in a small corpus the right article's second passage beats
        another article's best.
        """
        if lexical is None:
            return [list(order)]
        scores, fill = lexical
        values = [scores.get(d, fill) for d in order]
        if values[0] <= 0:
            return [list(order)]
        floor = self.strong_share * max(values)
        return [[d for d, v in zip(order, values) if v >= floor], [d for d, v in zip(order, values) if v < floor]]

    def _ranked_passages(self, query: str, question_vector, article_ids: list[str]) -> dict[str, list[tuple[Any, float]]]:
        """Each article's passages, best first, as (chunk, score)."""
        store: Store = self.store
        by_article = store.passages.passages_of(article_ids)
        chunks = [c for d in article_ids for c in by_article.get(d, [])]
        ids = [c.id for c in chunks]
        score = standardise(np.asarray(store.lexical.score_passages(query, ids), dtype=np.float64))
        if question_vector is not None and store.vectors is not None:
            score = score + self.passage_dense_weight * standardise(
                np.asarray(store.vectors.similarities(question_vector, ids), dtype=np.float64))
        by_id = dict(zip(ids, score.tolist()))
        return {
            d: [(c, by_id[c.id]) for _, c in sorted(enumerate(by_article.get(d, [])), key=lambda item: (-by_id[item[1].id], item[0]))]
            for d in article_ids
        }

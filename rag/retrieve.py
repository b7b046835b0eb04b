"""Hybrid retrieval: dense (FAISS) and BM25, fused by reciprocal rank."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.clean import normalise
from rag.documents import Hit
from rag.index import Index
from rag.lexical import tokenize

RetrieverMode = Literal["hybrid", "dense", "bm25"]


class HybridRetriever(BaseRetriever):
    """Dense plus BM25 search over an ``Index``, fused by reciprocal rank (RRF).

    The question is normalised exactly like article text (simplified script,
    half-width digits, no pinyin), then searched both ways; each retriever's
    top ``depth`` results are fused with ``weight / (rrf_k + rank)``.

    Attributes:
        index: The loaded index.
        embedder: A ``SpecEmbeddings`` matching the index (None for BM25-only).
        k: Passages returned.
        mode: "hybrid", "dense" or "bm25".
        depth: Candidates taken from each retriever before fusion.
        rrf_k: The RRF constant; 60 is the value from Cormack et al. (2009).
        weights: Per-retriever weights in the fusion.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    embedder: Any = None
    k: int = 5
    mode: RetrieverMode = "hybrid"
    depth: int = 50
    rrf_k: int = 60
    weights: dict[str, float] = {"dense": 1.0, "bm25": 1.0}
    max_per_article: int | None = None

    def search(self, question: str, k: int | None = None, doc_ids: set[str] | None = None) -> list[Hit]:
        """The top ``k`` passages for ``question``, each with its per-retriever ranks and scores.

        Args:
            question: The user's question, as typed.
            k: Passages to return (default: ``self.k``).
            doc_ids: Only search these articles (None: all).
        """
        k = k or self.k
        index: Index = self.index
        query = normalise(question)
        depth = max(self.depth, 4 * k)
        if doc_ids is not None:
            # Filtering after search needs a deeper candidate list.
            depth = max(depth, len(index.chunks))
        ranked: dict[str, list[tuple[int, float]]] = {}
        if self.mode in ("hybrid", "dense") and index.has_vectors and self.embedder is not None:
            ranked["dense"] = index.search_dense(self.embedder.embed_question(query), depth)
        if self.mode in ("hybrid", "bm25"):
            ranked["bm25"] = index.search_bm25(tokenize(query), depth)

        fused: dict[int, float] = {}
        ranks: dict[int, dict[str, int]] = {}
        scores: dict[int, dict[str, float]] = {}
        for name, results in ranked.items():
            weight = self.weights.get(name, 1.0)
            rank = 0
            for position, score in results:
                if doc_ids is not None and index.chunks[position].doc_id not in doc_ids:
                    continue
                rank += 1
                fused[position] = fused.get(position, 0.0) + weight / (self.rrf_k + rank)
                ranks.setdefault(position, {})[name] = rank
                scores.setdefault(position, {})[name] = score
        ordered = sorted(fused, key=lambda p: (-fused[p], p))
        if self.max_per_article:
            # Several passages of one article would crowd out other articles.
            taken: dict[str, int] = {}
            kept = []
            for p in ordered:
                doc_id = index.chunks[p].doc_id
                if taken.get(doc_id, 0) < self.max_per_article:
                    taken[doc_id] = taken.get(doc_id, 0) + 1
                    kept.append(p)
            ordered = kept
        best = ordered[:k]
        return [Hit(index.chunks[p], fused[p], ranks[p], scores[p]) for p in best]

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

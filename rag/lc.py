"""LangChain at the boundary: the retriever, the pipeline and the embedders as LangChain objects.

The project's pipeline is plain code (``rag.chain``, ``rag.retrieve``), so
``ask`` starts without importing LangChain. Import this module when composing
with LangChain: a ``BaseRetriever``, an LCEL runnable and an ``Embeddings``.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from rag.answer.question import PlaceNames
from rag.documents import Answer, Hit
from rag.retrieve import HybridRetriever


class LangChainRetriever(BaseRetriever):
    """A ``HybridRetriever`` as a LangChain ``BaseRetriever`` (``invoke(question) -> [Document]``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    k: int | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        return [to_langchain(hit) for hit in self.retriever.search(query, k=self.k)]


def as_langchain_retriever(retriever: HybridRetriever, k: int | None = None) -> LangChainRetriever:
    return LangChainRetriever(retriever=retriever, k=k)


class LangChainEmbeddings(Embeddings):
    """A ``rag.embeddings.SpecEmbeddings`` as a LangChain ``Embeddings``."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_question(text).tolist()


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


def make_chain(retriever: HybridRetriever, answerer, k: int, place_names: PlaceNames = frozenset(),
               doc_ids: set[str] | None = None) -> Runnable[str, Answer]:
    """``question -> {Question, hits} -> Answer`` as an LCEL runnable; the steps are ``rag.chain``'s."""
    from rag.chain import retrieve

    def find_passages(question: str) -> dict:
        started = time.perf_counter()
        analysed, hits = retrieve(retriever, question, k, place_names, doc_ids)
        return {"question": analysed, "hits": hits, "retrieve_ms": (time.perf_counter() - started) * 1000}

    def answer(inputs: dict) -> Answer:
        started = time.perf_counter()
        result = answerer.answer(inputs["question"], inputs["hits"])
        timings = {"retrieve": inputs["retrieve_ms"], "answer": (time.perf_counter() - started) * 1000}
        return replace(result, timings_ms={**result.timings_ms, **timings})

    return RunnableLambda(find_passages, name="retrieve") | RunnableLambda(answer, name="answer")

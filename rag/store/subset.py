"""The facts of some articles only: what an answer may use when the question is restricted to them.

The chat page can restrict questions to a few articles. Retrieval honours the
restriction through its article filter; the answerers also read the facts
table ("which organisation invested most in 海原" compares every figure in it),
which must then see the chosen articles' facts alone, or the answer cites an
article the user left out.
"""

from __future__ import annotations

import copy
from typing import Collection

from rag.documents import Chunk
from rag.facts import MoneyFact
from rag.places import Place
from rag.store.protocols import FactStore


class ArticleSubsetFacts:
    """A ``FactStore`` that answers like ``facts`` for the articles ``doc_ids`` and as if the others did not exist."""

    def __init__(self, facts: FactStore, doc_ids: Collection[str]):
        self._facts = facts
        self._doc_ids = frozenset(doc_ids)

    def place_names(self) -> frozenset[str]:
        # Every place the corpus names: only used to read pinyin in English questions, not as evidence.
        return self._facts.place_names()

    def articles_naming(self, places: Collection[str]) -> set[str]:
        return self._facts.articles_naming(places) & self._doc_ids

    def money_facts(self, *, places: Collection[str] | None = None, organisations: Collection[str] | None = None,
                    category: str | None = None) -> list[tuple[Chunk, MoneyFact]]:
        return [(chunk, fact) for chunk, fact in self._facts.money_facts(places=places, organisations=organisations,
                                                                         category=category)
                if chunk.doc_id in self._doc_ids]

    def passages_about(self, organisations: Collection[str]) -> list[Chunk]:
        return [chunk for chunk in self._facts.passages_about(organisations) if chunk.doc_id in self._doc_ids]

    def places_in(self, doc_id: str) -> list[tuple[Chunk, Place]]:
        return self._facts.places_in(doc_id) if doc_id in self._doc_ids else []


def restricted_answerer(answerer, doc_ids: Collection[str] | None):
    """``answerer`` reading the facts of ``doc_ids`` only (itself when None), without changing it.

    A shallow copy: the answerer is shared by every question (the chat page's
    threads), so its facts are not swapped in place. An LLM answerer's
    extractive answerer, which it consults, is restricted too.
    """
    if doc_ids is None:
        return answerer
    restricted = copy.copy(answerer)
    if getattr(restricted, "facts", None) is not None:
        restricted.facts = ArticleSubsetFacts(restricted.facts, doc_ids)
    if getattr(restricted, "extractive", None) is not None:
        restricted.extractive = restricted_answerer(restricted.extractive, doc_ids)
    return restricted

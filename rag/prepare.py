"""Articles made ready for a new index: lines and tokens, in batches, on every core.

Nearly all of a new BM25 index's cost is per article and independent of the
others: cleaning, chunking, the search tokens of each passage, the bigrams of
the article and each passage's facts. So articles go in batches to worker
processes, and the parent (``rag.index``) writes each batch's results in corpus
order, as they come back: the files are the same, byte for byte, as one process
would write (``tests/test_prepare.py`` builds both ways and compares).

A batch travels back as plain data: JSON lines, token ids as numpy arrays and
the batch's own vocabulary (each word once, in order of first appearance), which
the parent maps onto the index's vocabulary: ids then come out as one process
would number them, and the parent touches each distinct word of a batch once
rather than every token.

Memory stays bounded: at most ``2 * workers`` batches are in flight, so the
parent never reads more than that ahead of what it has written.
"""

from __future__ import annotations

import gc
import json
import os
from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import chain, count
from typing import Iterable, Iterator

import numpy as np

from rag.chunking import ChunkerSettings, article_text, chunk_document
from rag.errors import UserError
from rag.ingest import RawArticle, to_document
from rag.lexical import BigramCodes, han_bigram_codes, short_word_codes
from rag.tagging import search_tokens

# What json.dumps(value, ensure_ascii=False) returns; json.dumps makes a new encoder for every call with an option.
_JSON_LINE = json.JSONEncoder(ensure_ascii=False).encode
BATCH_ARTICLES = 64  # articles a worker prepares at a time: large enough that sending a batch costs little
MAX_WORKERS = 4  # each worker holds jieba's dictionary and the lookups (about 150 MB)
WORKERS_VARIABLE = "RAG_BUILD_WORKERS"  # set to 1 to build in one process
COLLECT_EVERY = 100  # batches a worker prepares between two cycle collections of its own (see _start_worker)


@dataclass(frozen=True)
class PreparedArticle:
    """One article's part of the index files (empty strings for an article without passages)."""

    doc_id: str
    subject: str | None  # the organisation it is about (its passages' ``subject``): a row of facts.sqlite
    title: str
    date: str | None
    n_chunks: int
    chunk_lines: bytes  # its lines of chunks.jsonl, each ending in "\n" (UTF-8: the parent writes them as they are)
    fact_lines: bytes  # its lines of facts.jsonl


@dataclass(frozen=True)
class PreparedBatch:
    """A batch of articles' lines and token ids.

    Passage token ids index the batch's own word list (``passage_words``: each
    word once, in order of first appearance), which travels as one string, each
    word's length and the numbers of its short words (``rag.lexical.short_word_codes``);
    ``passage_lengths`` holds one count per passage. ``article_bigrams`` are the
    bigrams of each article that has passages (an article without any has no
    row), as numbers (``rag.lexical.han_bigram_codes``).
    """

    articles: list[PreparedArticle]
    passage_words_joined: str
    passage_word_lengths: np.ndarray
    passage_word_codes: np.ndarray
    passage_ids: np.ndarray
    passage_lengths: np.ndarray
    article_bigrams: BigramCodes

    @property
    def passage_words(self) -> list[str]:
        """The batch's word list."""
        ends = np.cumsum(self.passage_word_lengths).tolist()
        joined = self.passage_words_joined
        return [joined[start:end] for start, end in zip([0, *ends], ends)]


def prepare_batch(articles: list[RawArticle], chunker: ChunkerSettings) -> PreparedBatch:
    """Clean, chunk, tokenise and read the facts of ``articles`` (what a worker does)."""
    from rag import jieba
    from rag.facts import FactTable
    from rag.index import passage_text

    jieba.load_full()  # a build cuts whole articles: rjieba's own dictionary (rag/jieba.py), loaded before a fork
    prepared: list[PreparedArticle] = []
    passage_tokens: list[str] = []
    passage_lengths: list[int] = []
    article_texts: list[str] = []
    dumps = _JSON_LINE  # json.dumps(..., ensure_ascii=False) without a new encoder per call
    for article in articles:
        chunks = chunk_document(to_document(article), chunker)
        document = _manifest_fields(article, chunks)
        if not chunks:
            prepared.append(PreparedArticle(article.id, None, *document, 0, b"", b""))
            continue
        for chunk in chunks:
            tokens = search_tokens(passage_text(chunk))  # (tagged once: its facts read the same tags)
            passage_tokens.extend(tokens)
            passage_lengths.append(len(tokens))
        article_texts.append(article_text(chunks))
        # One line a passage (there is at least one), each ending in "\n": joined, not each line copied with its "\n".
        chunk_lines = ("\n".join([dumps(c.to_json()) for c in chunks]) + "\n").encode("utf-8")
        fact_lines = ("\n".join([dumps(facts.to_json()) for _, facts in FactTable.extract(chunks)]) + "\n"
                      ).encode("utf-8")
        prepared.append(PreparedArticle(article.id, chunks[0].subject, *document, len(chunks), chunk_lines,
                                        fact_lines))
    passage_words, passage_ids = _numbered(passage_tokens)
    return PreparedBatch(prepared, *short_word_codes(passage_words), passage_ids,
                         np.asarray(passage_lengths, dtype=np.int64), han_bigram_codes(article_texts))


def _numbered(tokens: list[str]) -> tuple[list[str], np.ndarray]:
    """Each distinct token once, in order of first appearance, and every token's number in that list."""
    # One probe a token, in C: a token not numbered yet is given the next number by the dictionary's default
    # (where listing the distinct tokens first, then looking each token up, took two).
    number: defaultdict[str, int] = defaultdict(count().__next__)
    ids = np.fromiter(map(number.__getitem__, tokens), dtype=np.int32, count=len(tokens))
    return list(number), ids


def _manifest_fields(article: RawArticle, chunks) -> tuple[str, str | None]:
    """The title and date the manifest records for an article (its first passage's, else what was read)."""
    if chunks:
        return chunks[0].title, chunks[0].date
    return article.id, article.date


def worker_count() -> int:
    """Processes to prepare articles in: ``RAG_BUILD_WORKERS``, else the cores this process may use (at most 4)."""
    setting = os.environ.get(WORKERS_VARIABLE, "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise UserError(f"{WORKERS_VARIABLE}={setting!r} is not a number of processes; set it to 1 or more, or unset it")
        return int(setting)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def prepare_in_order(batches: Iterable[list[RawArticle]], chunker: ChunkerSettings, workers: int
                     ) -> Iterator[tuple[list[RawArticle], PreparedBatch]]:
    """Each batch with its prepared form, in the order given, prepared by ``workers`` processes.

    One process (none started) when ``workers`` is 1 or there is only one batch.

    Raises:
        UserError: A worker process died (killed, out of memory).
    """
    batches = iter(batches)
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if workers <= 1 or second is None:
        for batch in chain([first], [second] if second is not None else [], batches):
            yield batch, prepare_batch(batch, chunker)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork where there is one: workers start at once and share what the parent loaded. Not from a
    # process running other threads (a web server's first build): a lock one of them held would stay
    # locked in the workers for good. Spawned workers import and load what they need themselves.
    import threading

    fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if fork:
        _warm_up(chunker)
        # What the workers inherit (jieba's and the other tables, the modules) is never garbage: the
        # cycle collector, here and in the workers, passes over it from now on (and so leaves the
        # memory pages the workers share with this process unwritten).
        gc.freeze()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    pending: deque = deque()
    try:
        for batch in chain([first, second], batches):
            pending.append((batch, pool.submit(_prepare_in_worker, batch, chunker)))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    except BrokenProcessPool:
        raise UserError(f"a worker process of the build died (out of memory?); the index on disk is unchanged: "
                        f"run again with {WORKERS_VARIABLE}=1 to build in one process") from None
    finally:
        # On an error or Ctrl-C the batches not started are dropped; those running finish (a second at most).
        pool.shutdown(wait=True, cancel_futures=True)
        if fork:
            gc.unfreeze()


class Aside:
    """A piece of work done in a forked copy of this process, on another core, while this one goes on.

    The finish of a large build (BM25 arrays, vocabularies, the facts tables) is
    one process's work after the workers are done; the article BM25 goes to a
    copy, which has the token ids without their being sent. Use ``fork_aside``.
    """

    def __init__(self, process):
        self._process = process

    def wait(self) -> bool:
        """Wait for the work: True when it was done, False when it failed (the caller then does it itself,
        and meets the error, if any, as its own)."""
        self._process.join()
        return self._process.exitcode == 0

    def stop(self) -> None:
        """End the copy if it still runs (the caller is leaving on an error or Ctrl-C)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def fork_aside(work) -> Aside | None:
    """``work()`` started in a forked copy of this process, or None where there is no fork or the process runs
    other threads (a lock one of them held would stay locked in the copy): then the caller does it itself."""
    import multiprocessing
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() != 1:
        return None
    process = multiprocessing.get_context("fork").Process(target=_do_aside, args=(work,), daemon=True)
    try:
        process.start()
    except (AssertionError, OSError):  # a daemonic process may not start one; no memory left to fork
        return None
    return Aside(process)


def _do_aside(work) -> None:
    _ignore_interrupts()
    try:
        work()
    except BaseException:  # the caller does the work again and reports the error itself (no traceback here)
        os._exit(1)


# Touches every lazily loaded table: traditional characters (OpenCC), a pinyin reading
# (pypinyin), organisations, jieba's dictionary (and its words with Latin letters), places and money.
_WARM_UP_TEXT = "我們(men)在海原县投资120万元。\n华润集团有限公司向宁夏捐赠300万元，帮助销售农产品，GDP增长。"


def _warm_up(chunker: ChunkerSettings) -> None:
    """Load jieba's dictionary, the place lookup and the other tables once, in the parent, before it forks.

    Each worker would otherwise load them itself (about a second each); forked,
    they find them loaded and share the memory they take.
    """
    prepare_batch([RawArticle("warm-up", _WARM_UP_TEXT)], chunker)


_batches_prepared = 0  # by this worker process


def _start_worker() -> None:
    """Set up a worker process: interrupts left to the parent, and no automatic cycle collection.

    Preparing a batch leaves hundreds of thousands of new tuples in the caches of tags, search
    tokens and sub-words (``rag.tagging``); the collector went over each of them, in search of
    reference cycles that preparing articles does not make (none in 2,000 CRUD articles), for about a
    tenth of a worker's time (6-15 % measured). A worker collects every ``COLLECT_EVERY`` batches instead, so that a cycle
    made all the same costs memory for a while and not for good.
    """
    _ignore_interrupts()
    gc.disable()


def _prepare_in_worker(articles: list[RawArticle], chunker: ChunkerSettings) -> PreparedBatch:
    """``prepare_batch`` in a worker process, with its own cycle collection every ``COLLECT_EVERY`` batches."""
    global _batches_prepared
    batch = prepare_batch(articles, chunker)
    _batches_prepared += 1
    if _batches_prepared % COLLECT_EVERY == 0:
        gc.collect()
    return batch


def _ignore_interrupts() -> None:
    """Set up a worker: the parent alone handles Ctrl-C, and a parent killed outright takes its workers along.

    Ctrl-C reaches every process of the terminal's group; the parent stops the
    workers and says so in one line. A parent killed (SIGKILL, SIGTERM) cannot
    stop them, and they would wait for work forever: on Linux the kernel sends
    them SIGTERM when it dies.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):  # not Linux: nothing to ask for
        pass

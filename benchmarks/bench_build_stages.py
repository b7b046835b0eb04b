"""CPU seconds per 1,000 articles of each stage of a new BM25-only index build, in one process.

    python benchmarks/bench_build_stages.py [--corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz]
                                            [--articles 2000] [--skip 0]

The stages are those ``rag.prepare.prepare_batch`` (a worker) and the parent
(``rag.index._PartWriter``) run, each timed with ``time.process_time`` around
the same calls the build makes, on the same articles, one stage over all of
them before the next (so each stage's figure is its own CPU time, not the
machine's load). Worker stages run once per article on any core; parent stages
run in one process, so they bound the build's wall time from below on any
number of cores. The index it writes goes to a temporary folder.

It prints one line per stage (CPU s per 1,000 articles) and the totals of the
worker's and the parent's share, and the figure for the whole corpus scaled by
articles (68,213 for the CRUD corpus).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FULL_CORPUS = 68_213


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/benchmarks/crud/docs-5k.jsonl.gz"))
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--skip", type=int, default=0, help="articles to pass over first (a slice further in)")
    args = parser.parse_args()

    from rag.chunking import ChunkerSettings, article_text, chunk_document
    from rag.facts import FactTable
    from rag.index import IndexSettings, _PartWriter, passage_text
    from rag.ingest import RawArticle, iter_corpus, to_document
    from rag.lexical import han_bigram_codes, short_word_codes
    from rag.prepare import _numbered, _warm_up, prepare_batch
    from rag.tagging import search_tokens

    chunker = ChunkerSettings()
    _warm_up(chunker)  # tables loaded (the build does it before forking)
    times: dict[str, float] = {}

    def timed(stage: str, work):
        started = time.process_time()
        result = work()
        times[stage] = times.get(stage, 0.0) + time.process_time() - started
        return result

    corpus = iter_corpus(args.corpus)
    for _ in itertools.islice(corpus, args.skip):  # (read, not timed: only the articles measured count)
        pass
    raws = timed("parent: read (gzip, JSON, checks)", lambda: [
        a for a in itertools.islice(corpus, args.articles) if isinstance(a, RawArticle)])
    timed("parent: content hash", lambda: [a.content_hash for a in raws])
    n = len(raws)
    from rag import tagging

    def cold_caches() -> None:
        """The tagging caches emptied, so that a stage pays for these articles' words as a worker would."""
        tagging._piece_tags.cache_clear()
        tagging._piece_tokens.cache_clear()
        tagging._written_piece_tokens.cache_clear()
        tagging._SUB_WORDS.clear()

    cold_caches()  # (the warm-up's sentences)
    # The worker stages run as in a worker: the cycle collector passes over what was loaded before the
    # fork and does not run by itself (rag.prepare: gc.freeze() in prepare_in_order, _start_worker).
    gc.freeze()
    gc.disable()
    documents = timed("worker: clean (OpenCC, furniture), title, date", lambda: [to_document(a) for a in raws])
    chunked = timed("worker: chunk (sentences, subject organisation)",
                    lambda: [chunk_document(d, chunker) for d in documents])
    texts = timed("worker: passage text", lambda: [[passage_text(c) for c in cs] for cs in chunked])
    tokens = timed("worker: passage tokens (search_tokens: tags' words, sub-words)",
                   lambda: [[search_tokens(t) for t in ts] for ts in texts])
    timed("worker: article bigrams, numbered", lambda: han_bigram_codes([article_text(cs) for cs in chunked if cs]))
    timed("worker: chunk lines (JSON)", lambda: [
        "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in cs) for cs in chunked])
    facts = timed("worker: facts (tag, organisations, places, money)",
                  lambda: [list(FactTable.extract(cs)) for cs in chunked])
    timed("worker: fact lines (JSON)", lambda: [
        "".join(json.dumps(f.to_json(), ensure_ascii=False) + "\n" for _, f in fs) for fs in facts])
    timed("worker: passage token numbering, word codes",
          lambda: short_word_codes(_numbered([t for ts in tokens for row in ts for t in row])[0]))
    del documents, texts, tokens, facts
    # A batch's way back to the parent (pickled by the worker, unpickled by the parent).
    batches = [raws[i : i + 64] for i in range(0, n, 64)]
    cold_caches()  # (the stages above tagged these articles' sentences and looked up their words)
    prepared = timed("worker: prepare_batch as a whole (the stages above)",
                     lambda: [prepare_batch(b, chunker) for b in batches])
    pickled = timed("worker: send a batch (pickle)", lambda: [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)
                                                             for p in prepared])
    gc.enable()  # (the parent's own setting)
    prepared = timed("parent: receive a batch (unpickle)", lambda: [pickle.loads(p) for p in pickled])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        writer = _PartWriter(folder, None, set(), keep_chunks=False)
        timed("parent: write lines, number tokens", lambda: [writer.add_prepared(p) for p in prepared])
        finish_times = _finish_stages(writer, folder, IndexSettings(embedder="none"))
    for stage, seconds in finish_times.items():
        times[f"parent finish: {stage}"] = seconds

    whole = "worker: prepare_batch as a whole (the stages above)"
    print(f"{args.corpus.name}: {n} articles from {args.skip}, {writer.n_chunks} passages "
          f"(load average {os.getloadavg()[0]:.1f}); CPU s per 1,000 articles")
    for stage, seconds in times.items():
        print(f"  {stage:58s} {1000 * seconds / n:7.3f}")
    worker = times[whole] + times["worker: send a batch (pickle)"]
    parent = sum(s for stage, s in times.items() if stage.startswith("parent"))
    print(f"  {'worker total (prepare_batch + pickle)':58s} {1000 * worker / n:7.3f}")
    print(f"  {'parent total':58s} {1000 * parent / n:7.3f}")
    scale = FULL_CORPUS / n
    print(f"scaled to {FULL_CORPUS:,} articles: worker {worker * scale:.0f} CPU s, parent {parent * scale:.0f} CPU s; "
          f"on 2 cores at best max(parent, (worker + parent) / 2) = "
          f"{max(parent, (worker + parent) / 2) * scale:.0f} s (the finish scales worse than linearly)")


def _finish_stages(writer, folder: Path, settings) -> dict[str, float]:
    """``_PartWriter.finish`` for a base, stage by stage (the same calls in the same order)."""
    from rag.bm25 import write_vocab_lookup
    from rag.bm25_write import save_bm25
    from rag.chunk_lines import file_sha1, write_line_offsets
    from rag.fact_db import FACTS_DB, passage_rows, write_fact_db
    from rag.index import ARTICLE_BM25, _save_tokens
    from rag.settings import PASSAGE_BM25

    times: dict[str, float] = {}

    def timed(stage: str, work) -> None:
        started = time.process_time()
        work()
        times[stage] = times.get(stage, 0.0) + time.process_time() - started

    writer._chunks_out.close()
    writer._facts_out.close()

    def fact_db() -> None:
        with open(folder / "facts.jsonl", encoding="utf-8") as lines:
            write_fact_db(folder / FACTS_DB, passage_rows(writer._articles, lines))

    timed("facts.sqlite", fact_db)
    timed("chunks line offsets", lambda: write_line_offsets(folder / "chunks.jsonl"))
    for rows, cache, bm25, params in ((writer.passages, "passage-tokens", "bm25", PASSAGE_BM25),
                                      (writer.articles, "article-tokens", "bm25-articles", ARTICLE_BM25)):
        arrays = []
        timed("token arrays", lambda: arrays.extend(rows.arrays()))
        flat, offsets, words = arrays
        timed("token cache files", lambda: _save_tokens(folder / cache, flat, offsets, words))
        vocab = {}
        timed("BM25 arrays and files",
              lambda: vocab.update(save_bm25(folder / bm25, flat, offsets, words, params["k1"], params["b"])))
        timed("vocabulary lookup", lambda: write_vocab_lookup(folder / bm25, vocab))
    timed("chunks.jsonl sha1", lambda: file_sha1(folder / "chunks.jsonl"))
    return times


if __name__ == "__main__":
    main()

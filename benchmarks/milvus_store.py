"""The local store against Milvus (milvus-lite) on one index: do they rank alike, and how fast.

For every gold question, the retriever's top-k articles through each store (and the
stores' own BM25 article search), article-level recall@5 and MRR@10 as ``rag eval``
scores them, the share of questions whose ranked articles are identical, and query
latency (median, p95) per store. Also the time to fill Milvus from the index folder.

    python benchmarks/milvus_store.py \\
        --gold ../shared/benchmarks/crud/questions-dev.jsonl \\
        --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz --embedder none \\
        [--store milvus:/tmp/docs-5k.db] [--limit N]

The local index is built first when missing (``rag index build`` does the same).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rag.chain import Assistant
from rag.clean import normalise
from rag.evaluation import load_gold, retrieval_scores
from rag.retrieve import HybridRetriever


def _median_p95(values: list[float]) -> str:
    ordered = sorted(values)
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--store", default="milvus:/tmp/rag-milvus-bench.db")
    parser.add_argument("--limit", type=int)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()

    from rag.store.milvus import open_synced, parse_store

    assistant, _ = Assistant.open(args.corpus, embedder_spec=args.embedder, mode="hybrid", progress=False)
    local = assistant.store
    index = local.index
    started = time.perf_counter()
    milvus = open_synced(parse_store(args.store), index)
    print(f"Milvus ({args.store}) filled or checked in {time.perf_counter() - started:.1f} s: "
          f"{milvus.passages.count_articles()} articles, {milvus.passages.count_passages()} passages")

    embedder = assistant.retriever.embedder
    retrievers = {
        "local": assistant.retriever,
        "milvus": HybridRetriever(milvus, embedder=embedder, mode=assistant.retriever.mode),
    }
    items = load_gold(args.gold)[: args.limit]
    sums = {name: {"recall@5": 0.0, "mrr@10": 0.0} for name in retrievers}
    timings = {name: [] for name in retrievers}
    same_hits = same_articles = 0
    for item in items:
        ranked = {}
        for name, retriever in retrievers.items():
            began = time.perf_counter()
            hits = retriever.search(normalise(item.question), k=10)
            timings[name].append(time.perf_counter() - began)
            ranked[name] = hits
            docs = list(dict.fromkeys(h.chunk.doc_id for h in hits))
            scores = retrieval_scores(docs, item.sources)
            for metric in sums[name]:
                sums[name][metric] += scores[metric]
        same_hits += [h.chunk.id for h in ranked["local"][: args.k]] == [h.chunk.id for h in ranked["milvus"][: args.k]]
        local_articles = [a.doc_id for a in local.lexical.search_articles(normalise(item.question), 10)]
        milvus_articles = [a.doc_id for a in milvus.lexical.search_articles(normalise(item.question), 10)]
        same_articles += local_articles == milvus_articles
    n = len(items)
    print(f"{n} questions from {args.gold}")
    for name in retrievers:
        print(f"  {name:7s} recall@5 {sums[name]['recall@5'] / n:.4f}  MRR@10 {sums[name]['mrr@10'] / n:.4f}  "
              f"retrieve {_median_p95(timings[name])}")
    print(f"  identical top-{args.k} passages: {same_hits}/{n}; identical BM25 top-10 articles: {same_articles}/{n}")
    print(f"  Milvus/local median retrieve time: "
          f"{statistics.median(timings['milvus']) / statistics.median(timings['local']):.1f}x")
    milvus.close()


if __name__ == "__main__":
    sys.exit(main())

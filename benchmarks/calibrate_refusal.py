"""Calibrate the extractive answerer's refusal threshold on a gold set.

For every question, prints the coverage of the best supporting sentence (the
share of the question's weighted words found, after the required-terms check),
then the threshold that best separates answerable from unanswerable questions.

    python benchmarks/calibrate_refusal.py [--gold eval/gold/seeds-dev.jsonl] [--corpus rag/data/articles]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import analyse
from rag.chain import Assistant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/seeds-dev.jsonl"))
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()

    assistant, _ = Assistant.open(args.corpus, progress=False)
    probe = ExtractiveAnswerer(assistant.index.idf, min_coverage=0.0)
    rows = []
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        question = item["question"]
        hits = assistant.retriever.search(question, k=args.k)
        candidates = probe._candidates(analyse(question), hits)
        coverage = candidates[0].coverage if candidates else 0.0
        rows.append((coverage, item.get("answerable", True), question))
    rows.sort()
    for coverage, answerable, question in rows:
        print(f"{coverage:5.2f}  {'answerable  ' if answerable else 'UNANSWERABLE'}  {question}")
    best = max(
        (sum((c >= t) == a for c, a, _ in rows), t)
        for t in sorted({round(c, 2) for c, _, _ in rows} | {0.0})
    )
    print(f"\nbest threshold {best[1]:.2f}: {best[0]}/{len(rows)} questions on the right side")
    unanswerable = [c for c, a, _ in rows if not a]
    answerable = [c for c, a, _ in rows if a and c > 0]
    if unanswerable and answerable:
        print(f"unanswerable peak {max(unanswerable):.2f}; answerable (with any candidate) start {min(answerable):.2f}")


if __name__ == "__main__":
    main()

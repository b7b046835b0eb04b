"""Fit the refusal model (rag/answer/refusal.json) on the dev split, with k-fold cross-validation.

Answers every dev question with refusal switched off, records the signals of the
sentence each answer would rest on (coverage, dense similarity, anchored, named),
fits a logistic model of "the gold says answerable", and prints 5-fold
cross-validated refusal figures before writing the weights fitted on all of dev.
A question the answerer cannot answer at all (no sentence with an answer of the
kind asked) is refused whatever the model says, and is left out of the fit.

    python benchmarks/fit_refusal.py [--gold eval/gold/seeds-dev.jsonl] [--corpus data/articles] [--write]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from rag.answer.refusal import FEATURES_DENSE, FEATURES_LEXICAL, WEIGHTS_FILE, RefusalModel, fit
from rag.chain import Assistant
from rag.evaluation import load_gold


def collect(assistant: Assistant, gold: Path, k: int) -> list[tuple[dict[str, float], bool]]:
    """(signals, answerable) for every dev question that has a candidate answer."""
    assistant.extractive.refusal = RefusalModel(bias=60.0, weights={})  # answer everything: we want the signals
    rows = []
    for item in load_gold(gold):
        answer = assistant.ask(item.question, k=k)
        if answer.signals:
            rows.append((dict(answer.signals), item.answerable))
    return rows


def cross_validate(rows, features, folds: int = 5, seed: int = 0, balanced: bool = False) -> dict[str, float]:
    """Refusal accuracy (unanswerable refused) and false refusals (answerable refused), out of fold."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    refused_right = refused_wrong = n_unanswerable = n_answerable = 0
    for fold in range(folds):
        test = set(order[fold::folds])
        model = fit([rows[i] for i in order if i not in test], features, balanced=balanced)
        for i in test:
            signals, answerable = rows[i]
            refused = not model.answers(signals)
            if answerable:
                n_answerable += 1
                refused_wrong += refused
            else:
                n_unanswerable += 1
                refused_right += refused
    return {"refusal_accuracy": round(refused_right / max(1, n_unanswerable), 3),
            "false_refusal_rate": round(refused_wrong / max(1, n_answerable), 3),
            "n": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/seeds-dev.jsonl"))
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write the weights into {WEIGHTS_FILE}")
    args = parser.parse_args()

    stored = {}
    for name, mode, features in (("dense", "hybrid", FEATURES_DENSE), ("lexical", "bm25", FEATURES_LEXICAL)):
        assistant, _ = Assistant.open(args.corpus, embedder_spec=None if mode == "hybrid" else "none", mode=mode,
                                      progress=False)
        rows = collect(assistant, args.gold, args.k)
        print(f"{name}: {len(rows)} dev questions with a candidate answer (the rest are refused anyway)")
        # Every subset of the signals that keeps coverage; the best out-of-fold, fewest signals on a tie.
        subsets = [tuple(f for j, f in enumerate(features) if f == "coverage" or mask >> j & 1)
                   for mask in range(2 ** len(features))]
        results = []
        for subset in dict.fromkeys(subsets):
            figures = cross_validate(rows, subset)
            error = (1 - figures["refusal_accuracy"]) + figures["false_refusal_rate"]
            results.append((round(error, 3), len(subset), subset))
            print(f"  5-fold CV {subset}: {json.dumps(figures)}")
        _, _, chosen = min(results)
        model = fit(rows, chosen)
        print(f"{name}: chose {chosen}; fitted on all of dev: {json.dumps(model.to_json())}")
        stored[name] = model.to_json()
    if args.write:
        stored["note"] = f"fitted by benchmarks/fit_refusal.py on {args.gold}"
        WEIGHTS_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()

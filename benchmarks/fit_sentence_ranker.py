"""Fit the sentence ranker of the extractive answerer (rag/answer/ranker.py) and cross-validate it.

    python benchmarks/fit_sentence_ranker.py --gold ../shared/benchmarks/crud/questions-dev.jsonl \\
        --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz [--write]

Reads only the tune part of the gold file (``rag.evaluation.split_of``); the held
part is never opened question by question. For every tune question it retrieves the
top 5 passages (BM25, as ``rag eval --retriever bm25``), reads the answer out of
each candidate sentence, and labels an option right when its answer holds every
gold fact. Then:

- k-fold cross-validation by question (the folds of benchmarks/crud_split_cv.py):
  the ranker fitted on k-1 folds chooses the answer on the fold left out. Printed:
  top-1 option accuracy (the chosen answer holds the facts), top-1 sentence accuracy
  (the chosen sentence holds them), and the whole answer path (``Assistant.ask``,
  refusal included) as short accuracy, supported rate and false refusals, each
  beside the hand-weighted order on the same questions;
- the ranker fitted on every tune question, written to rag/answer/ranker.json with
  ``--write`` (JSON, no pickle).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.answer.ranker import FEATURES, WEIGHTS_FILE, fit_listwise
from rag.chain import Assistant, retrieve
from rag.evaluation import fact_found, fold_of, load_gold, split_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("-k", "--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--features", nargs="*", default=list(FEATURES), help="a subset of the features (default: all)")
    parser.add_argument("--write", action="store_true", help=f"write the ranker fitted on all tune questions to {WEIGHTS_FILE}")
    args = parser.parse_args()

    items = [g for g in load_gold(args.gold) if split_of(g.id) == "tune" and g.answerable and g.facts]
    assistant, _ = Assistant.open(args.corpus, None, embedder_spec="none", mode="bm25", progress=False,
                                  llm="none", store="local")
    answerer = assistant.extractive
    answerer.ranker = None

    # The options of every tune question, and the hand-weighted order's choice among them.
    groups, sentence_right, hand_choice = [], [], []
    for item in items:
        analysed, hits = retrieve(assistant.retriever, item.question, 5, assistant.place_names)
        candidates = answerer._candidates(analysed, hits)
        options = answerer.options(analysed, candidates, hits) if candidates else []
        labels = [all(fact_found(o.answer, facts) for facts in item.facts) for o in options]
        in_sentence = [all(fact_found(o.candidate.chunk.text[o.candidate.start:o.candidate.end], facts)
                           for facts in item.facts) for o in options]
        groups.append(([o.features for o in options], labels))
        sentence_right.append(in_sentence)
        hand = answerer._first_answered(analysed, candidates, hits) if candidates else None
        hand_choice.append(next((i for i, o in enumerate(options)
                                 if hand and o.candidate == hand[0] and o.answer == hand[1]), None))

    with_options = [i for i, (rows, _) in enumerate(groups) if rows]
    learnable = [i for i, (_, y) in enumerate(groups) if any(y) and not all(y)]
    reachable = sum(any(groups[i][1]) for i in range(len(items)))
    print(f"tune questions {len(items)}; with options {len(with_options)}; some option right {reachable}; "
          f"right and wrong options (learnable) {len(learnable)}")

    folds = [fold_of(item.id, args.folds) for item in items]
    top1 = {"ranker": [0, 0], "hand": [0, 0]}  # [answer right, sentence right] over questions with options
    path = {"ranker": [], "hand": []}  # (short right, supported, refused) per tune question, out of fold
    for fold in range(args.folds):
        train = [groups[i] for i, f in enumerate(folds) if f != fold]
        ranker = fit_listwise(train, args.features, l2=args.l2)
        test = [i for i, f in enumerate(folds) if f == fold]
        for i in test:
            rows, labels = groups[i]
            if not rows:
                continue
            chosen = max(range(len(rows)), key=lambda j: ranker.score(rows[j]))
            top1["ranker"][0] += labels[chosen]
            top1["ranker"][1] += sentence_right[i][chosen]
            if hand_choice[i] is not None:
                top1["hand"][0] += labels[hand_choice[i]]
                top1["hand"][1] += sentence_right[i][hand_choice[i]]
        for name, model in (("ranker", ranker), ("hand", None)):
            answerer.ranker = model
            for i in test:
                path[name].append(_scored(assistant, items[i]))
    answerer.ranker = None

    n = len(with_options)
    print(f"{args.folds}-fold CV on tune, questions with options (n={n}):")
    for name in ("hand", "ranker"):
        print(f"  {name:6} top-1 answer right {top1[name][0] / n:.4f}   top-1 sentence holds the facts {top1[name][1] / n:.4f}")
    print(f"{args.folds}-fold CV on tune, the whole answer path (n={len(items)}):")
    for name in ("hand", "ranker"):
        rows = path[name]
        print(f"  {name:6} short accuracy {sum(r[0] for r in rows) / len(rows):.4f}   supported {sum(r[1] for r in rows) / len(rows):.4f}"
              f"   false refusals {sum(r[2] for r in rows) / len(rows):.4f}")

    final = fit_listwise(groups, args.features, l2=args.l2)
    print("weights (on standardised features):", json.dumps(final.weights, ensure_ascii=False))
    if args.write:
        data = {**final.to_json(), "note": f"fitted by benchmarks/fit_sentence_ranker.py on the tune part of "
                                           f"{args.gold.name} ({len(items)} questions, BM25 top 5), l2={args.l2}"}
        WEIGHTS_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}", file=sys.stderr)


def _scored(assistant, item) -> tuple[bool, bool, bool]:
    answer = assistant.ask(item.question, k=5)
    short = answer.answerable and all(fact_found(answer.short, facts) for facts in item.facts)
    quoted = answer.text + "\n" + "\n".join(c.quote for c in answer.citations)
    supported = answer.answerable and all(fact_found(quoted, facts) for facts in item.facts)
    return short, supported, not answer.answerable


if __name__ == "__main__":
    main()

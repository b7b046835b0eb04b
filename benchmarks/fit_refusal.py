"""Fit the refusal model (rag/answer/refusal.json) on the pooled dev sets, with grouped cross-validation.

Answers every question of each dev set with refusal switched off, records the signals
of the sentence each answer would rest on (coverage, top coverage, dense similarity,
typed, anchored, named), and fits a class-balanced logistic model of "the gold says
answerable". A question the answerer cannot answer at all (no candidate sentence) is
refused whatever the model says, and is left out of the fit.

The dev sets pooled by default: eval/gold/fresh-dev.jsonl over its corpus (made by
``python benchmarks/fresh_corpus.py --out /tmp/fresh.jsonl``), eval/gold/seeds-dev.jsonl
over the seed articles, and the tune part of CRUD's questions-dev.jsonl over docs-5k
(BM25 only: its dense index is not built here, so it informs the lexical model alone;
all its questions are answerable). The dense model is fitted on the sets answered with
the hybrid retriever, the lexical model (BM25-only indexes) on the BM25 runs of all of them.

Cross-validation is grouped by article (a question's source article; for an unanswerable
question, the article of its best passage), so that no fold is tested on questions about
an article it was fitted on; the figures are printed per set. Each subset of the signals
that keeps coverage is cross-validated; the one with the least out-of-fold error
(1 - refusal accuracy + false refusal rate, pooled) is fitted on all rows.

    python benchmarks/fit_refusal.py [--set GOLD=CORPUS …] [--rows rows.json] [--write]

``--rows`` caches the collected signals: a second run with the same file refits without
answering the questions again (delete the file after changing the answerer).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from rag.answer.refusal import FEATURES_DENSE, FEATURES_LEXICAL, WEIGHTS_FILE, RefusalModel, fit
from rag.evaluation import load_gold, split_of

CRUD = Path("../shared/benchmarks/crud")
DEFAULT_SETS = (
    ("fresh-dev", Path("eval/gold/fresh-dev.jsonl"), Path("/tmp/fresh.jsonl"), ("hybrid", "bm25"), False),
    ("seeds-dev", Path("eval/gold/seeds-dev.jsonl"), None, ("hybrid", "bm25"), False),
    ("crud-tune", CRUD / "questions-dev.jsonl", CRUD / "docs-5k.jsonl.gz", ("bm25",), True),
)


def collect(name: str, gold: Path, corpus: Path | None, mode: str, tune_only: bool, k: int) -> list[dict]:
    """One row per question with a candidate answer: its signals, gold answerability and article."""
    from rag.chain import Assistant

    assistant, _ = Assistant.open(corpus, embedder_spec=None if mode == "hybrid" else "none", mode=mode,
                                  progress=False)
    assistant.extractive.refusal = RefusalModel(bias=60.0, weights={})  # answer everything: we want the signals
    rows = []
    for item in load_gold(gold):
        if tune_only and split_of(item.id) != "tune":
            continue
        answer = assistant.ask(item.question, k=k)
        if not answer.signals:
            continue
        article = item.sources[0] if item.sources else (answer.hits[0].chunk.doc_id if answer.hits else item.id)
        rows.append({"set": name, "mode": mode, "id": item.id, "group": f"{name}:{article}",
                     "answerable": item.answerable, "signals": dict(answer.signals)})
    return rows


def grouped_folds(rows: list[dict], folds: int, seed: int = 0) -> list[int]:
    """The fold of each row: whole articles are dealt to folds in a seeded random order."""
    groups = sorted({r["group"] for r in rows})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    return [fold_of[r["group"]] for r in rows]


def cross_validate(rows: list[dict], features: tuple[str, ...], folds: int = 5) -> dict[str, dict[str, float]]:
    """Out-of-fold refusal accuracy and false refusal rate, per set and pooled ("all")."""
    assigned = grouped_folds(rows, folds)
    refused = [False] * len(rows)
    for fold in range(folds):
        train = [(r["signals"], r["answerable"]) for r, f in zip(rows, assigned) if f != fold]
        model = fit(train, features, balanced=True)
        for i, (row, f) in enumerate(zip(rows, assigned)):
            if f == fold:
                refused[i] = not model.answers(row["signals"])
    figures = {}
    for name in sorted({r["set"] for r in rows}) + ["all"]:
        chosen = [(r, x) for r, x in zip(rows, refused) if name in ("all", r["set"])]
        unanswerable = [x for r, x in chosen if not r["answerable"]]
        answerable = [x for r, x in chosen if r["answerable"]]
        figures[name] = {
            "refusal_accuracy": round(sum(unanswerable) / len(unanswerable), 3) if unanswerable else None,
            "false_refusal_rate": round(sum(answerable) / len(answerable), 3) if answerable else None,
            "n": len(chosen)}
    return figures


def choose(rows: list[dict], features: tuple[str, ...], label: str) -> RefusalModel:
    """Cross-validate every subset of ``features`` that keeps coverage; fit the best on all rows."""
    subsets = [tuple(f for j, f in enumerate(features) if f == "coverage" or mask >> j & 1)
               for mask in range(2 ** len(features))]
    results = []
    for subset in dict.fromkeys(subsets):
        figures = cross_validate(rows, subset)
        pooled = figures["all"]
        error = (1 - (pooled["refusal_accuracy"] or 0.0)) + (pooled["false_refusal_rate"] or 0.0)
        results.append((round(error, 3), len(subset), subset, figures))
        print(f"  {label} grouped 5-fold CV {subset}: {json.dumps(figures)}")
    error, _, chosen, figures = min(results, key=lambda r: r[:2])
    model = fit([(r["signals"], r["answerable"]) for r in rows], chosen, balanced=True)
    print(f"{label}: chose {chosen} (CV error {error}: {json.dumps(figures)})")
    print(f"{label}: fitted on all rows: {json.dumps(model.to_json())}")
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="GOLD[=CORPUS]",
                        help="a dev set (repeatable; default: fresh-dev, seeds-dev and CRUD tune)")
    parser.add_argument("--rows", type=Path, help="cache of the collected signals (read when it exists)")
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write the weights into {WEIGHTS_FILE}")
    args = parser.parse_args()

    sets = DEFAULT_SETS
    if args.set:
        sets = []
        for spec in args.set:
            gold, _, corpus = spec.partition("=")
            sets.append((Path(gold).stem, Path(gold), Path(corpus) if corpus else None, ("hybrid", "bm25"), False))
    if args.rows and args.rows.exists():
        rows = json.loads(args.rows.read_text(encoding="utf-8"))
    else:
        rows = []
        for name, gold, corpus, modes, tune_only in sets:
            for mode in modes:
                collected = collect(name, gold, corpus, mode, tune_only, args.k)
                print(f"{name} ({mode}): {len(collected)} questions with a candidate answer", flush=True)
                rows += collected
        if args.rows:
            args.rows.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    stored = {}
    for name, mode, features in (("dense", "hybrid", FEATURES_DENSE), ("lexical", "bm25", FEATURES_LEXICAL)):
        chosen = [r for r in rows if r["mode"] == mode]
        if chosen:
            stored[name] = choose(chosen, features, name).to_json()
    if args.write:
        used = sorted({r["set"] for r in rows})
        stored["note"] = (f"fitted by benchmarks/fit_refusal.py on {', '.join(used)} (class-balanced; "
                          f"signals chosen by 5-fold CV grouped by article)")
        WEIGHTS_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()

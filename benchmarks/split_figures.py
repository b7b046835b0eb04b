"""Short accuracy of an eval run on the tune and held parts of its gold file, and on all of it.

    python benchmarks/split_figures.py /tmp/c10-crud [more run folders…]

The parts come from ``rag.evaluation.split_of`` (a hash of each question's id, about
60 % tune, 40 % held). Tuning looks at individual tune questions only; the held part
is read only as a total.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.evaluation import split_of


def split_figures(run: Path) -> dict[str, tuple[int, float | None]]:
    """{part: (answerable questions, short accuracy)} for "tune", "held" and "all"."""
    rows = [json.loads(line) for line in (run / "results.jsonl").read_text(encoding="utf-8").splitlines() if line]
    figures = {}
    for part in ("tune", "held", "all"):
        chosen = [r for r in rows if r["answerable_gold"] and (part == "all" or split_of(r["id"]) == part)]
        right = sum(bool(r["checks"].get("short_correct")) for r in chosen)
        figures[part] = (len(chosen), round(right / len(chosen), 4) if chosen else None)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="folders written by rag eval --out")
    args = parser.parse_args()
    print(f"{'run':40} {'tune':>14} {'held':>14} {'all':>14}")
    for run in args.runs:
        figures = split_figures(run)
        cells = " ".join(f"{acc:>8} (n={n:>3})" for n, acc in figures.values())
        print(f"{str(run):40} {cells}")


if __name__ == "__main__":
    main()

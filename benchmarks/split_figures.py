"""Short accuracy, supported rate and false refusals of an eval run on the tune and held parts
of its gold file, and on all of it.

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

MEASURES = ("short", "supported", "false refusals")


def split_figures(run: Path) -> dict[str, tuple[int, float | None, float | None, float | None]]:
    """{part: (answerable questions, short accuracy, supported rate, false refusal rate)} for "tune", "held" and "all"."""
    rows = [json.loads(line) for line in (run / "results.jsonl").read_text(encoding="utf-8").splitlines() if line]
    figures = {}
    for part in ("tune", "held", "all"):
        chosen = [r for r in rows if r["answerable_gold"] and (part == "all" or split_of(r["id"]) == part)]

        def share(test) -> float | None:
            return round(sum(bool(test(r)) for r in chosen) / len(chosen), 4) if chosen else None

        figures[part] = (len(chosen), share(lambda r: r["checks"].get("short_correct")),
                         share(lambda r: r["checks"].get("all_facts_supported")),
                         share(lambda r: not r["answerable_predicted"]))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="folders written by rag eval --out")
    args = parser.parse_args()
    for run in args.runs:
        print(run)
        figures = split_figures(run)
        print(f"  {'':16} " + " ".join(f"{part + ' (n=' + str(figures[part][0]) + ')':>16}" for part in figures))
        for i, measure in enumerate(MEASURES, 1):
            print(f"  {measure:16} " + " ".join(f"{figures[part][i]!s:>16}" for part in figures))


if __name__ == "__main__":
    main()

"""Write the corpus of the fresh question sets (eval/gold/fresh-dev.jsonl, fresh-test.jsonl).

The seed articles are too few to keep dev and test facts apart: most seeds-test questions
ask about a fact that some dev question also asks about. The fresh sets ask about 24 other
articles, taken from the CRUD benchmark's full archive (CRUD-RAG, ../shared/benchmarks/crud/
docs.jsonl.gz) but outside its docs-5k subset and outside every CRUD dev question's sources,
so no earlier tuning has seen them. Twelve carry the dev questions, twelve the test questions;
both sets are answered over all 24, so each article has 23 distractors.

The questions were written by helper sessions that were given only their twelve articles
and the gold format, never the code. The article text stays in the benchmark's archive; this
script copies the 24 records out of it:

    python benchmarks/fresh_corpus.py [--archive ../shared/benchmarks/crud/docs.jsonl.gz] [--out /tmp/fresh.jsonl]
    rag eval --gold eval/gold/fresh-test.jsonl --corpus /tmp/fresh.jsonl --out eval/reports/fresh-test-hybrid
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

DEV_ARTICLES = (
    "crud-59e0e35d1e37c635", "crud-941ef2aeeeb63da7", "crud-4279dae2aee0dec7", "crud-bca46c4ced4a39c6",
    "crud-64a3944f9142fd21", "crud-79a92792937f8d96", "crud-58e564765dc84375", "crud-9475a98975bd1acc",
    "crud-d306cc30e3f301ef", "crud-6b03db6988b81f29", "crud-746673204b38e3d5", "crud-df8d7253709d91fb",
)
TEST_ARTICLES = (
    "crud-f6b630674715c6d9", "crud-0c590efbcff1d1c2", "crud-dc6eff4ab4c426de", "crud-7df4efc8ba3fea65",
    "crud-aac2fc897774d50a", "crud-6147f16af84ef245", "crud-f59d2b29ad6cf38d", "crud-ca2c241f82dea390",
    "crud-7ca686f4432bf99c", "crud-fe95a1d0206ad536", "crud-64550b95dbe2fa28", "crud-44e6cd330b5c2387",
)
DEFAULT_ARCHIVE = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "crud" / "docs.jsonl.gz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE, help="the CRUD archive (docs.jsonl.gz)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/fresh.jsonl"), help="where to write the 24 records")
    args = parser.parse_args(argv)
    if not args.archive.is_file():
        print(f"error: CRUD archive not found: {args.archive} (give --archive PATH to docs.jsonl.gz)", file=sys.stderr)
        return 2
    wanted = set(DEV_ARTICLES) | set(TEST_ARTICLES)
    found: dict[str, str] = {}
    with gzip.open(args.archive, "rt", encoding="utf-8") as archive:
        for line in archive:
            record = json.loads(line)
            if record["id"] in wanted:
                found[record["id"]] = line if line.endswith("\n") else line + "\n"
    missing = sorted(wanted - found.keys())
    if missing:
        print(f"error: {len(missing)} articles missing from {args.archive}: {', '.join(missing)}", file=sys.stderr)
        return 2
    # Written in the fixed order above, so the corpus (and its index) is the same on every run.
    args.out.write_text("".join(found[i] for i in DEV_ARTICLES + TEST_ARTICLES), encoding="utf-8")
    print(f"wrote {len(found)} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

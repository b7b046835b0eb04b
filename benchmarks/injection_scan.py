"""How many sentences of a corpus the instruction detector would keep out of the evidence.

    python benchmarks/injection_scan.py --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz

News text should give (almost) none: every flagged sentence is printed, so a
false positive shows up here before it costs an answer.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rag.answer.injection import addresses_reader
from rag.ingest import RawArticle, iter_corpus

SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    args = parser.parse_args()
    total = flagged = 0
    for item in iter_corpus(args.corpus):
        if not isinstance(item, RawArticle):
            continue
        for sentence in SENTENCE.findall(item.raw):
            total += 1
            if addresses_reader(sentence):
                flagged += 1
                print(f"{item.id}: {sentence.strip()[:100]}")
    print(f"flagged {flagged} of {total} sentences ({flagged / max(total, 1):.4%})")


if __name__ == "__main__":
    main()

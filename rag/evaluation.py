"""Retrieval and answer evals against gold facts.

Gold format, one JSON object a line:

    {"id": "...", "question": "...", "facts": [["alt 1", "alt 2"], ["fact 2"]],
     "sources": ["doc id", ...], "answerable": true, "kind": "optional label"}

A question may also carry ``"winner": "name"`` (a "which … most" question).

The headline answer figure is ``short_accuracy``: every fact (any one of its
spellings) appears in ``Answer.short``, the lead a user reads first, and for a
question with a winner no other organisation is named there (listing every
competitor is not an answer). ``supported_rate`` is looser: every fact appears in
the answer text or in its cited quotes. ``answerable`` defaults to true.
Retrieval is judged at article level: is a source article among the articles of
the top k retrieved passages.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from rag.clean import normalise
from rag.documents import Answer
from rag.errors import UserError

RETRIEVAL_KS = (1, 5, 10)


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    facts: tuple[tuple[str, ...], ...] = ()
    sources: tuple[str, ...] = ()
    answerable: bool = True
    kind: str = "unlabelled"
    winner: str | None = None


def _texts(value, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f'"{field}" must be a list of strings')
    return tuple(value)


def _gold_item(data, number: int) -> GoldItem:
    """One gold line's item; TypeError saying which field is wrong.

    Types are checked, not converted: ``"answerable": "false"`` read as
    ``bool("false")`` scored an unanswerable question as answerable, and a
    string ``"sources"`` became one source per character.
    """
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        raise TypeError('not a gold item (needs at least a "question" string)')
    facts = data.get("facts", [])
    if not isinstance(facts, list):
        raise TypeError('"facts" must be a list (of strings, or of lists of strings any of which counts)')
    facts = tuple((f,) if isinstance(f, str) else _texts(f, "facts") for f in facts)
    answerable = data.get("answerable", True)
    if not isinstance(answerable, bool):
        raise TypeError('"answerable" must be true or false')
    for field in ("id", "kind", "winner"):
        value = data.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            raise TypeError(f'"{field}" must be a string')
    return GoldItem(
        id=str(data.get("id", number)),
        question=data["question"],
        facts=facts,
        sources=_texts(data.get("sources", []), "sources"),
        answerable=answerable,
        kind=str(data.get("kind") or "unlabelled"),
        winner=str(data["winner"]) if data.get("winner") else None,
    )


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold file; a malformed line, or a question ``ask`` would refuse, is an error naming the line."""
    from rag.chain import check_question  # lazy: rag.chain loads the retrieval stack

    path = Path(path)
    if not path.exists():
        raise UserError(f"gold file not found: {path}")
    if not path.is_file():
        raise UserError(f"the gold file {path} is not a file; give a JSONL file of questions, "
                        f"e.g. --gold eval/gold/seeds-dev.jsonl")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise UserError(f"cannot read the gold file {path} ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise UserError(f"{path}:{line}: not UTF-8 text; save the gold file as UTF-8 JSONL") from None
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserError(f"{path}:{number}: not JSON ({error.msg} at column {error.colno}); "
                            f"write one JSON object a line") from None
        try:
            items.append(_gold_item(data, number))
        except TypeError as error:
            raise UserError(f"{path}:{number}: {error}") from None
        try:
            check_question(items[-1].question)  # refused here, not after the questions before it were run
        except UserError as error:
            raise UserError(f"{path}:{number}: {error}") from None
    if not items:
        raise UserError(f"{path} holds no questions")
    return items


# --- tune / held split --------------------------------------------------------------

# The share of a gold file tuned on; the rest is held out (never read question by question).
TUNE_SHARE = 60


def split_of(item_id: str) -> str:
    """"tune" or "held": a fixed split of a gold file by a hash of each question's id.

    The hash (sha256, not Python's salted hash) makes the split the same on every
    machine and run, and independent of the file's order, so anyone can reproduce
    which questions were looked at while tuning.
    """
    import hashlib

    bucket = int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:4], "big") % 100
    return "tune" if bucket < TUNE_SHARE else "held"


def fold_of(item_id: str, k: int) -> int:
    """The cross-validation fold (0 … k-1) of a question, by a hash of its id (fixed, like ``split_of``)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(f"fold:{item_id}".encode("utf-8")).digest()[:4], "big") % k


# --- matching -------------------------------------------------------------------


def normalise_for_match(text: str) -> str:
    """Simplified script, half-width, lower case, no thousands separators, no spaces."""
    text = normalise(text).lower()
    text = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", text)
    return re.sub(r"\s+", "", text)


def fact_found(answer_text: str, spellings: Iterable[str]) -> bool:
    answer = normalise_for_match(answer_text)
    return any(normalise_for_match(s) in answer for s in spellings if s.strip())


def names_only_winner(short: str, winner: str) -> bool:
    """``short`` names ``winner`` and no other organisation (a list of competitors is no answer)."""
    from rag.entities import aliases_of, find_organisations

    if not fact_found(short, [winner]):
        return False
    found = {normalise_for_match(m.canonical) for m in find_organisations(normalise(short))}
    allowed = {normalise_for_match(winner)}
    for name in list(found):
        if any(a in name or name in a for a in allowed) or fact_found(winner, aliases_of(name)):
            found.discard(name)
    return not found


# --- per-question scoring ---------------------------------------------------------


def retrieval_scores(retrieved_docs: list[str], sources: Iterable[str]) -> dict[str, float]:
    """Article-level recall@k, MRR@10 and nDCG@10 from the ordered articles of the retrieved passages.

    ``retrieved_docs`` holds one document id per retrieved passage, in rank order
    (repeats allowed). nDCG counts each article once, at its best rank.
    """
    sources = set(sources)
    scores: dict[str, float] = {}
    for k in RETRIEVAL_KS:
        scores[f"recall@{k}"] = float(any(d in sources for d in retrieved_docs[:k]))
    first = next((i for i, d in enumerate(retrieved_docs[:10], 1) if d in sources), None)
    scores["mrr@10"] = 1.0 / first if first else 0.0
    articles = list(dict.fromkeys(retrieved_docs[:10]))
    dcg = sum(1.0 / math.log2(i + 1) for i, d in enumerate(articles, 1) if d in sources)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(sources), 10) + 1))
    scores["ndcg@10"] = dcg / ideal if ideal else 0.0
    return scores


def citation_valid(citation: dict, sources: Iterable[str], raw_texts: dict[str, str]) -> bool:
    """A citation is valid when its quote occurs verbatim in the cited article, a source of the question."""
    raw = raw_texts.get(citation["doc_id"])
    return citation["doc_id"] in set(sources) and bool(citation["quote"]) and raw is not None and citation["quote"] in raw


@dataclass
class QuestionResult:
    id: str
    kind: str
    question: str
    answer: str
    answerable_gold: bool
    answerable_predicted: bool
    citations: list[dict]
    retrieved_docs: list[str]
    retrieval: dict[str, float]
    facts_found: list[bool]  # in the short answer
    facts_supported: list[bool]  # in the answer text or its cited quotes
    citations_valid: list[bool]
    latency_ms: float
    checks: dict[str, bool] = field(default_factory=dict)
    answerer: str = ""  # "llamacpp:… → extractive" when an LLM answer was overruled
    notes: list[str] = field(default_factory=list)
    model_text: str | None = None
    short: str = ""
    winner_ok: bool | None = None
    signals: dict[str, float] = field(default_factory=dict)  # what the refusal decision weighed


def score_question(item: GoldItem, answer: Answer, retrieved_docs: list[str], raw_texts: dict[str, str],
                   latency_ms: float) -> QuestionResult:
    """Score one answered question against its gold item."""
    citations = [c.to_json() for c in answer.citations]
    answered = answer.answerable
    facts = [answered and fact_found(answer.short, spellings) for spellings in item.facts]
    with_quotes = answer.text + "\n" + "\n".join(c.quote for c in answer.citations)
    supported = [answered and fact_found(with_quotes, spellings) for spellings in item.facts]
    winner_ok = (answered and names_only_winner(answer.short, item.winner)) if item.winner else None
    valid = [citation_valid(c, item.sources, raw_texts) for c in citations]
    retrieval = retrieval_scores(retrieved_docs, item.sources) if item.answerable and item.sources else {}
    checks = {"refusal_correct": answer.answerable == item.answerable}
    if item.answerable:
        checks["short_correct"] = _short_correct(facts, winner_ok, answered)
        checks["all_facts_supported"] = all(supported) if supported else answered
        checks["citations_valid"] = all(valid) if valid else False
        if retrieval:
            checks["source_in_top5"] = bool(retrieval["recall@5"])
    return QuestionResult(item.id, item.kind, item.question, answer.text, item.answerable, answer.answerable,
                          citations, retrieved_docs, retrieval, facts, supported, valid, latency_ms, checks,
                          answer.answerer, list(answer.notes), answer.model_text, answer.short, winner_ok,
                          dict(answer.signals))


def _short_correct(facts: list[bool], winner_ok: bool | None, answered: bool) -> bool:
    return answered and all(facts) and winner_ok is not False


# --- aggregation -----------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 2)


def aggregate(results: list[QuestionResult]) -> dict:
    """The metrics.json object for a list of scored questions."""
    answerable = [r for r in results if r.answerable_gold]
    unanswerable = [r for r in results if not r.answerable_gold]
    with_sources = [r for r in answerable if r.retrieval]
    facts = [f for r in answerable for f in r.facts_found]
    citations = [v for r in results for v in r.citations_valid]
    metrics = {
        "n": len(results),
        "retrieval": {key: _mean([r.retrieval[key] for r in with_sources])
                      for key in [f"recall@{k}" for k in RETRIEVAL_KS] + ["mrr@10", "ndcg@10"]},
        "answer": {
            "short_accuracy": _mean([float(r.checks["short_correct"]) for r in answerable]),
            "supported_rate": _mean([float(r.checks["all_facts_supported"]) for r in answerable]),
            "fact_recall": _mean([float(f) for f in facts]),
        },
        "citations": {"valid_rate": _mean([float(v) for v in citations]), "n": len(citations)},
        "refusal": {
            "accuracy": _mean([float(not r.answerable_predicted) for r in unanswerable]),
            "false_refusal_rate": _mean([float(not r.answerable_predicted) for r in answerable]),
        },
        "latency_ms": {"p50": _percentile([r.latency_ms for r in results], 0.5),
                       "p95": _percentile([r.latency_ms for r in results], 0.95)},
    }
    if any(r.kind != "unlabelled" for r in results):
        kinds = sorted({r.kind for r in results})
        metrics["by_kind"] = {kind: _kind_summary([r for r in results if r.kind == kind]) for kind in kinds}
    llm = _llm_counts(results)
    if llm:
        metrics["llm"] = llm
    return metrics


def _llm_counts(results: list[QuestionResult]) -> dict[str, int]:
    """With an LLM answerer: how often the model was not called, kept, corrected, overruled, or refused."""
    from rag.answer.llm import LLM_OUTCOMES, NOT_CALLED, llm_outcome

    outcomes = [llm_outcome(r.answerer, r.model_text, r.notes, r.answerable_predicted) for r in results]
    if not any(outcomes):
        return {}
    counts = {outcome: outcomes.count(outcome) for outcome in LLM_OUTCOMES}
    return {"called": len(results) - counts[NOT_CALLED], **counts}


def _kind_summary(results: list[QuestionResult]) -> dict:
    answerable = [r for r in results if r.answerable_gold]
    unanswerable = [r for r in results if not r.answerable_gold]
    return {
        "n": len(results),
        "short_accuracy": _mean([float(r.checks["short_correct"]) for r in answerable]),
        "supported_rate": _mean([float(r.checks["all_facts_supported"]) for r in answerable]),
        "recall@5": _mean([r.retrieval["recall@5"] for r in answerable if r.retrieval]),
        "refusal_accuracy": _mean([float(not r.answerable_predicted) for r in unanswerable]),
        "false_refusal_rate": _mean([float(not r.answerable_predicted) for r in answerable]),
    }


# --- running -----------------------------------------------------------------------


def run_eval(assistant, items: list[GoldItem], raw_texts: dict[str, str], k: int = 5,
             progress: bool = True) -> list[QuestionResult]:
    """Answer every gold question; retrieval is scored on the top 10 passages, answers use the top ``k``."""
    from tqdm import tqdm

    from rag.answer.question import analyse

    results = []
    depth = max(k, max(RETRIEVAL_KS))
    for item in tqdm(items, desc="questions", unit="q", disable=not progress, leave=False):
        started = time.perf_counter()
        # The same call that `ask` and the chat page make: the eval measures what users get.
        answer = assistant.ask(item.question, k=k)
        latency = (time.perf_counter() - started) * 1000
        # Retrieval is scored on the plain ranking of the (rendered) question, 10 deep.
        hits = assistant.retriever.search(analyse(item.question, assistant.place_names).text, k=depth)
        results.append(score_question(item, answer, [h.chunk.doc_id for h in hits], raw_texts, latency))
    return results


RUN_FILES = ("metrics.json", "results.jsonl", "report.md", "chart.png")  # what write_run writes


def check_run_folder(out: Path) -> None:
    """Refuse an ``--out`` that cannot take a run, before the questions are run.

    It may be new, or a folder without the files a run writes, or an earlier
    run (its metrics.json holds our ``settings``), which is written over. A
    folder holding a report.md or results.jsonl of someone else's is not.

    Raises:
        UserError: Saying why; nothing is written.
    """
    from rag.index import is_index_folder  # lazy: rag.index loads the retrieval stack

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder for the run (new, or an earlier run's)")
    for folder in (out, *out.absolute().parents):
        if folder.is_dir() and is_index_folder(folder):
            # A rebuild replaces the whole index folder: a run written in it would go with it.
            raise UserError(f"--out {out} is in the index folder {folder}; nothing was written: "
                            f"give the run a folder of its own")
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"cannot make --out {out}: {existing} is a file; give a folder for the run")
    if not os.access(existing, os.W_OK):
        raise UserError(f"cannot write --out {out} ({existing} is not writable); give a folder you can write to")
    if out.is_dir() and any((out / name).exists() for name in RUN_FILES):
        try:
            earlier = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            earlier = None
        if not (isinstance(earlier, dict) and isinstance(earlier.get("settings"), dict)):
            raise UserError(f"--out {out} holds files of the same names as a run's ({', '.join(RUN_FILES)}) and is "
                            f"not an earlier run; they were not touched: give a new folder")


def write_run(out: Path, results: list[QuestionResult], metrics: dict, settings: dict) -> None:
    """Write metrics.json, results.jsonl, report.md and chart.png into ``out``."""
    from rag.report import write_report

    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps({**metrics, "settings": settings}, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    with open(out / "results.jsonl", "w", encoding="utf-8") as lines:
        for result in results:
            lines.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
    write_report(out, results, metrics, settings)

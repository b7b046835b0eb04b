"""Eval metrics on small hand-made cases: each metric is shown passing and failing."""

import json

import pytest

from rag.cli import rag_group
from rag.documents import Answer, Citation
from rag.errors import UserError
from rag.evaluation import (GoldItem, aggregate, citation_valid, fact_found, load_gold, normalise_for_match,
                            retrieval_scores, score_question)
from tests.conftest import FAKE, PROJECT

RAW = {"a.txt": "華潤集團在海原縣投入1,234萬元。", "b.txt": "中国电科在叙永县。"}


def answer(text, answerable=True, citations=(), short=None):
    return Answer(question="q", text=text, answerable=answerable, citations=tuple(citations),
                  short=text if short is None else short)


def test_fact_matching_normalises_script_width_and_thousands_separators():
    assert normalise_for_match("華潤 １,２３４萬元") == "华润1234万元"
    assert fact_found("华润集团投入1234万元", ["1,234万元"])
    assert fact_found("華潤集團", ["华润"])
    assert not fact_found("华润集团投入1235万元", ["1,234万元"])
    assert not fact_found("国家能源集团", ["华润", "China Resources"])


def test_retrieval_scores_pass_and_fail():
    hit_first = retrieval_scores(["a.txt", "b.txt", "c.txt"], ["a.txt"])
    assert hit_first == {"recall@1": 1.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0}
    third = retrieval_scores(["b.txt", "b.txt", "a.txt"], ["a.txt"])
    assert third["recall@1"] == 0.0 and third["recall@5"] == 1.0
    assert third["mrr@10"] == pytest.approx(1 / 3)
    assert third["ndcg@10"] == pytest.approx(1 / 1.584962500721156)  # article a is 2nd distinct article
    miss = retrieval_scores(["b.txt"] * 5 + ["a.txt"], ["a.txt"])
    assert miss["recall@5"] == 0.0 and miss["recall@10"] == 1.0
    nothing = retrieval_scores(["b.txt"] * 10, ["a.txt"])
    assert nothing == {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}


def test_citation_validity_needs_a_verbatim_quote_from_a_source():
    good = {"doc_id": "a.txt", "quote": "海原縣投入1,234萬元"}
    assert citation_valid(good, ["a.txt"], RAW)
    assert not citation_valid({"doc_id": "a.txt", "quote": "海原县投入"}, ["a.txt"], RAW)  # not verbatim
    assert not citation_valid({"doc_id": "b.txt", "quote": "中国电科"}, ["a.txt"], RAW)  # not a source
    assert not citation_valid({"doc_id": "a.txt", "quote": ""}, ["a.txt"], RAW)


def test_aggregate_metrics_pass_and_fail():
    items = [
        GoldItem("1", "q1", (("1234万元",), ("华润",)), ("a.txt",), True, "figure"),
        GoldItem("2", "q2", (("中国电科",),), ("b.txt",), True, "entity"),
        GoldItem("3", "q3", (), (), False, "unanswerable"),
        GoldItem("4", "q4", (), (), False, "unanswerable"),
    ]
    cite_a = Citation(1, "a.txt#1", "a.txt", "海原縣投入1,234萬元", 4, 15)
    cite_wrong = Citation(1, "a.txt#1", "a.txt", "made up", 0, 7)
    results = [
        score_question(items[0], answer("华润:1,234万元[1]", citations=[cite_a]), ["a.txt"], RAW, 10.0),
        score_question(items[1], answer("华润集团[1]", citations=[cite_wrong]), ["a.txt", "b.txt"], RAW, 30.0),
        score_question(items[2], answer("不知道", answerable=False), [], RAW, 20.0),
        score_question(items[3], answer("瞎编的答案"), [], RAW, 40.0),
    ]
    metrics = aggregate(results)
    assert metrics["n"] == 4
    assert metrics["answer"]["short_accuracy"] == 0.5  # q1 right, q2 wrong
    assert metrics["answer"]["supported_rate"] == 0.5
    assert metrics["answer"]["fact_recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert metrics["citations"]["valid_rate"] == 0.5
    assert metrics["refusal"]["accuracy"] == 0.5  # q3 refused, q4 not
    assert metrics["refusal"]["false_refusal_rate"] == 0.0
    assert metrics["retrieval"]["recall@1"] == 0.5 and metrics["retrieval"]["recall@5"] == 1.0
    assert metrics["latency_ms"]["p50"] == 25.0
    assert metrics["by_kind"]["unanswerable"]["refusal_accuracy"] == 0.5
    assert results[1].checks == {"refusal_correct": True, "short_correct": False, "all_facts_supported": False,
                                 "citations_valid": False, "source_in_top5": True}


def test_a_refused_answer_finds_no_facts_and_counts_as_false_refusal():
    item = GoldItem("1", "q", (("华润",),), ("a.txt",))
    result = score_question(item, answer("华润? 不确定", answerable=False), ["a.txt"], RAW, 1.0)
    metrics = aggregate([result])
    assert result.facts_found == [False]
    assert metrics["refusal"]["false_refusal_rate"] == 1.0
    assert metrics["answer"]["short_accuracy"] == 0.0


def test_short_accuracy_scores_the_lead_not_the_quoted_evidence():
    item = GoldItem("1", "q", (("7.78亿",),), ("a.txt",))
    quote = Citation(1, "a.txt#1", "a.txt", "投入有償幫扶資金7.78億元", 0, 14)
    buried = score_question(item, answer("华润集团[1]", citations=[quote], short="华润集团"), ["a.txt"], RAW, 1.0)
    lead = score_question(item, answer("7.78亿元。投入7.78亿元[1]", citations=[quote], short="7.78亿元"), ["a.txt"], RAW, 1.0)
    assert buried.checks["short_correct"] is False and buried.checks["all_facts_supported"] is True
    assert lead.checks["short_correct"] is True


def test_a_winner_question_fails_when_the_short_answer_lists_the_competitors():
    item = GoldItem("1", "哪家企业在海原投资最多？", (("华润",),), ("a.txt",), winner="华润")
    listing = score_question(item, answer("…", short="华润集团、中国电科"), ["a.txt"], RAW, 1.0)
    alone = score_question(item, answer("…", short="华润集团 (China Resources)"), ["a.txt"], RAW, 1.0)
    assert listing.checks["short_correct"] is False and listing.winner_ok is False
    assert alone.checks["short_correct"] is True


def test_gold_loading_defaults_and_errors(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"question": "q", "facts": ["single", ["a", "b"]]}\n\n', encoding="utf-8")
    (item,) = load_gold(path)
    assert item.answerable is True and item.facts == (("single",), ("a", "b")) and item.kind == "unlabelled"
    path.write_text('{"facts": []}\n', encoding="utf-8")
    with pytest.raises(UserError, match="gold.jsonl:1"):
        load_gold(path)


def test_seed_gold_set_covers_what_the_eval_issue_asks():
    items = load_gold(PROJECT / "eval" / "gold" / "seeds-dev.jsonl")
    assert len(items) >= 40
    english = [i for i in items if sum(c.isascii() and c.isalpha() for c in i.question) > len(i.question) / 2]
    assert len(english) >= 5
    assert sum(1 for i in items if i.kind == "traditional") >= 3
    assert sum(1 for i in items if not i.answerable) >= 5
    assert sum(1 for i in items if len(i.sources) > 1) >= 4
    sources = {s for i in items for s in i.sources}
    assert len({s[:3] for s in sources}) == 5  # every article covered


def test_held_out_test_set_is_asked_as_users_ask():
    """seeds-test.jsonl was written blind (articles and gold format only); it is never tuned on."""
    items = load_gold(PROJECT / "eval" / "gold" / "seeds-test.jsonl")
    assert len(items) >= 120
    assert sum(1 for i in items if not i.answerable) >= 25
    kinds = {i.kind for i in items}
    assert {"english", "traditional", "multipart", "colloquial", "aggregation"} <= kinds
    dev = {i.question for i in load_gold(PROJECT / "eval" / "gold" / "seeds-dev.jsonl")}
    shared = len(dev & {i.question for i in items})
    assert shared == 0, f"{shared} test questions are also in the dev split"


def test_rag_eval_writes_a_run_and_compare_reads_it(seed_corpus, tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("RAG_EMBEDDER", FAKE)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "1", "question": "哪家企业在海原投资最多？", "facts": [["华润"]], "sources": ["000_fbb9004ae26bccc2.txt"], "kind": "entity"},
        {"id": "2", "question": "中国移动在海原县投资了多少钱？", "answerable": False, "kind": "unanswerable"},
    ]), encoding="utf-8")
    runner = CliRunner()
    for name, retriever in (("hybrid", "hybrid"), ("bm25", "bm25")):
        result = runner.invoke(rag_group, ["eval", "--gold", str(gold), "--corpus", str(seed_corpus),
                                           "--retriever", retriever, "--out", str(tmp_path / name)],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "hybrid" / "metrics.json").read_text())
    assert metrics["answer"]["short_accuracy"] == 1.0 and metrics["refusal"]["accuracy"] == 1.0
    assert metrics["citations"]["valid_rate"] == 1.0
    assert (tmp_path / "hybrid" / "report.md").read_text().startswith("# Eval report")
    assert (tmp_path / "hybrid" / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert len((tmp_path / "hybrid" / "results.jsonl").read_text().splitlines()) == 2
    compared = runner.invoke(rag_group, ["eval", "compare", str(tmp_path / "hybrid"), str(tmp_path / "bm25")])
    assert "| answer.short_accuracy |" in compared.output and "| answer.supported_rate |" in compared.output
    assert "| retrieval.recall@5 |" in compared.output and "hybrid" in compared.output


def test_the_tune_held_split_is_fixed_by_the_id_and_about_sixty_percent_tune():
    from rag.evaluation import split_of

    ids = [f"question-{i}" for i in range(2000)]
    parts = [split_of(i) for i in ids]
    assert parts == [split_of(i) for i in reversed(ids)][::-1]  # order does not matter
    assert 0.56 < parts.count("tune") / len(parts) < 0.64
    # Pinned: the hash must not change, or questions read while tuning would move into held.
    assert [split_of(i) for i in ("a", "b", "c")] == ["tune", "held", "tune"]

"""The LLM answerer's claim check, retrieval gate and short answer, with fake chat models (no real model)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from rag.answer.claims import check_answer
from rag.answer.extractive import NOT_ANSWERED
from rag.answer.gate import CALL_COVERAGE, read_gate
from rag.answer.llm import (CORRECTED, KEPT, NOT_CALLED, OVERRULED, REFUSED, LLMAnswerer, llm_outcome,
                            short_answer)
from rag.answer.question import analyse
from rag.chain import Assistant, retrieve
from rag.documents import Chunk
from rag.embeddings import HashedNgramEmbeddings
from rag.index import build_index, load_index


def _passage(text: str, n: int = 1, subject: str | None = None, title: str = "") -> Chunk:
    return Chunk(id=f"d#{n}", doc_id=f"doc{n}.txt", text=text, start=0, end=len(text), title=title or f"t{n}",
                 subject=subject, raw=text)


# --- binding a figure to its organisation and place ------------------------------------------

TWO_SPENDERS = _passage("华润集团在援扶县投入有偿帮扶资金7.78亿元，中国电科购买贫困地区农产品4272.32万元。", 1, "华润集团")
TWO_SENTENCES = _passage("华润集团在援扶县投入有偿帮扶资金7.78亿元。中国电科购买贫困地区农产品4272.32万元。", 1, "华润集团")


@pytest.mark.parametrize("passage", [TWO_SPENDERS, TWO_SENTENCES], ids=["one sentence", "two sentences"])
def test_a_figure_bound_to_another_organisation_is_dropped_though_both_are_in_the_passage(passage):
    wrong = check_answer("华润集团购买农产品4272.32万元[1]。", [passage])
    assert wrong.text == "" and wrong.removed == ("华润集团购买农产品4272.32万元。",)
    right = check_answer("中国电科购买农产品4272.32万元[1]。", [passage])
    assert right.text == "中国电科购买农产品4272.32万元[1]。" and right.removed == ()


def test_a_figure_bound_to_another_place_is_dropped():
    passage = _passage("中国电科在叙永县投入帮扶资金500万元。在古蔺县投入帮扶资金300万元。", 1, "中国电科")
    assert check_answer("中国电科在叙永县投入500万元[1]。", [passage]).text
    assert check_answer("中国电科在古蔺县投入300万元[1]。", [passage]).text  # the place named a sentence earlier
    assert not check_answer("中国电科在古蔺县投入500万元[1]。", [passage]).text
    assert not check_answer("中国电科在海原县投入300万元[1]。", [passage]).text


def test_a_bare_figure_answers_the_question_and_is_bound_to_its_organisation_and_place():
    passage = _passage("华润集团在海原县投资7.78亿元。中国移动在叙永县投资1亿元。", 1)
    asked_mobile = analyse("中国移动在海原县投资了多少钱？")
    assert not check_answer("7.78亿元[1]。", [passage], asked_mobile).text
    assert not check_answer("1亿元[1]。", [passage], asked_mobile).text
    assert check_answer("7.78亿元[1]。", [passage], analyse("华润集团在海原县投资了多少钱？")).text


def test_figures_are_compared_by_value_not_as_substrings():
    passage = _passage("中国电科累计投入资金17.78亿元，折合177800万元。", 1, "中国电科")
    assert not check_answer("中国电科投入7.78亿元[1]。", [passage]).text  # 7.78 inside 17.78
    assert check_answer("中国电科投入177800万元[1]。", [passage]).text
    assert check_answer("中国电科投入17.78亿元[1]。", [passage]).text


def test_years_need_only_be_stated_and_a_partner_is_not_the_spender():
    passage = _passage("2023年，集团与招商局集团联合主办活动，全年购销农产品17.42亿元。", 1, "华润集团")
    assert check_answer("2023年华润集团购销农产品17.42亿元[1]。", [passage]).text
    assert not check_answer("2019年华润集团购销农产品17.42亿元[1]。", [passage]).text
    assert not check_answer("招商局集团购销农产品17.42亿元[1]。", [passage]).text


# --- the short answer ------------------------------------------------------------------------


@pytest.mark.parametrize("question, text, short", [
    ("哪家企业在海原投资最多？", "华润集团[1]。华润集团共计投入7.78亿元[1]。", "华润集团"),
    ("哪家企业在海原投资最多？", "在海原投资最多的是华润集团，共计投入7.78亿元[1]。", "华润集团"),
    ("华润集团全年购销农产品多少？", "华润集团全年购销已脱贫地区农产品17.42亿元，另捐赠83.5万元[1]。", "17.42亿元"),
    ("国家能源集团承担了几个贫困县的定点扶贫工作？", "国家能源集团承担了9个贫困县的定点扶贫工作[2]。", "9个"),
    ("Which enterprise invested most in Haiyuan?", "China Resources (华润集团) invested most [1].", "华润集团 (China Resources)"),
    ("为什么华润集团获评最高等级？", "因为帮扶成效显著[1]。它连续七年获评“好”[1]。", "因为帮扶成效显著"),
    ("华润集团和中国电科分别购买了多少农产品？", "华润集团：17.42亿元[1]；中国电科：4272.32万元[2]。其余[1]。",
     "华润集团：17.42亿元；中国电科：4272.32万元"),
])
def test_the_short_answer_is_the_entity_or_figure_of_the_lead(question, text, short):
    assert short_answer(analyse(question), text) == short


# --- the answerer end to end over a small index ----------------------------------------------


class PassageReadingModel(BaseChatModel):
    """A fake chat model that answers like a model reading the prompt: it cites the passage holding ``needle``.

    ``{n}`` in ``template`` becomes that passage's number; when no passage holds
    the needle it says NOT IN THE ARTICLES. Every prompt it gets is kept.
    """

    needle: str
    template: str
    prompts: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "passage-reading-fake"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        prompt = messages[-1].text
        self.prompts.append(prompt)
        numbers = [m.group(1) for m in re.finditer(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', prompt, re.S)
                   if self.needle in m.group(2)]
        text = self.template.format(n=numbers[0]) if numbers else "NOT IN THE ARTICLES"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


class MustNotBeCalled(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "must-not-be-called"

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        raise AssertionError("the model was called although retrieval found nothing relevant")


def _ask(assistant: Assistant, model, question: str, extractive=None):
    extractive = extractive or assistant.extractive
    answerer = LLMAnswerer(model, extractive, "fake")
    analysed, hits = retrieve(assistant.retriever, question, 5)
    return answerer.answer(analysed, hits), extractive.answer(analysed, hits), \
        read_gate(analysed, hits, extractive.idf)


def test_the_model_is_called_when_the_extractive_answerer_refuses_but_retrieval_is_relevant(assistant):
    # Colloquial: 出了多少钱 for 捐赠. The article: 华润…向广昌县捐赠50万元保护和传承广昌“孟戏”.
    # The extractive answerer now answers this wording itself, so one that refuses every
    # question stands in for it: the gate alone must decide to call the model.
    from rag.answer.extractive import ExtractiveAnswerer
    from rag.answer.refusal import RefusalModel

    refusing = ExtractiveAnswerer(assistant.extractive.idf, facts=assistant.extractive.facts,
                                  refusal=RefusalModel(bias=-60.0, weights={}))
    question = "华润集团为孟戏出了多少钱？"
    model = PassageReadingModel(needle="50万元", template="50万元[{n}]。华润集团向广昌县捐赠50万元保护孟戏[{n}]。")
    answer, draft, gate = _ask(assistant, model, question, refusing)
    assert not draft.answerable, "precondition: the extractive answerer refuses this wording"
    assert gate.coverage >= CALL_COVERAGE, "precondition: the gate finds the passage relevant"
    assert len(model.prompts) == 1
    assert answer.answerable and answer.short == "50万元" and answer.answerer == "fake"
    assert "孟戏" in answer.citations[0].quote or "孟戲" in answer.citations[0].quote
    assert llm_outcome(answer.answerer, answer.model_text, answer.notes, answer.answerable) == KEPT


def test_nothing_relevant_is_not_in_the_articles_without_calling_the_model(assistant):
    answer, draft, gate = _ask(assistant, MustNotBeCalled(), "明天北京的天气怎么样？")
    assert not answer.answerable and gate.verdict == "none" and answer.model_text is None
    assert llm_outcome(answer.answerer, answer.model_text, answer.notes, answer.answerable) == NOT_CALLED


TWO_DONORS = {
    "a_cr.txt": "华润集团帮扶海原县\n华润集团在海原县捐建了一所希望小学，并捐赠图书3000册。\n",
    "b_cetc.txt": "中国电科帮扶海原县\n中国电科在海原县捐建了两所学校和一座卫生院，投入资金800万元。\n",
}


@pytest.fixture
def two_donors(tmp_path, fake_settings):
    corpus = tmp_path / "donors"
    corpus.mkdir()
    for name, text in TWO_DONORS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    path = tmp_path / "donors-index"
    build_index(corpus, path, fake_settings, embedder=HashedNgramEmbeddings(64), progress=False)
    return Assistant(load_index(path, fake_settings), fake_settings, embedder=HashedNgramEmbeddings(64))


def test_an_answer_that_disagrees_with_the_extractive_organisation_is_kept_when_supported(two_donors):
    question = "哪家企业在海原县捐建了学校？"
    model = PassageReadingModel(needle="希望小学", template="华润集团[{n}]。华润集团在海原县捐建了一所希望小学[{n}]。")
    answer, draft, _ = _ask(two_donors, model, question)
    assert draft.answerable and draft.short == "中国电科", "precondition: the extractive answerer names another"
    assert answer.answerer == "fake" and answer.short == "华润集团"
    assert answer.text.startswith("华润集团[1]。") and answer.citations[0].doc_id == "a_cr.txt"


def test_an_unsupported_figure_is_corrected_and_a_wholly_unsupported_answer_overruled(two_donors):
    question = "中国电科在海原县投入了多少资金？"
    corrected, _, _ = _ask(two_donors, PassageReadingModel(
        needle="800万元", template="800万元[{n}]。华润集团也投入800万元[{n}]。"), question)
    assert corrected.text == "800万元[1]。" and corrected.short == "800万元"
    assert llm_outcome(corrected.answerer, corrected.model_text, corrected.notes, corrected.answerable) == CORRECTED
    overruled, draft, _ = _ask(two_donors, PassageReadingModel(
        needle="800万元", template="3000万元[{n}]。"), question)
    assert overruled.text == draft.text and overruled.answerer == "fake → extractive"
    assert llm_outcome(overruled.answerer, overruled.model_text, overruled.notes, overruled.answerable) == OVERRULED


def test_a_refusal_is_respected_when_the_gate_is_weak_and_overruled_when_strong(assistant):
    refusing = PassageReadingModel(needle="no passage holds this", template="")
    weak, draft, gate = _ask(assistant, refusing, "华润集团为孟戏出了多少钱？")
    assert gate.verdict == "weak" and not weak.answerable and weak.text == NOT_ANSWERED and weak.model_text
    assert llm_outcome(weak.answerer, weak.model_text, weak.notes, weak.answerable) == REFUSED
    strong, draft, gate = _ask(assistant, refusing, "哪家企业在海原投资最多？")
    assert gate.verdict == "strong" and strong.answerable and strong.text == draft.text


def test_the_eval_counts_what_happened_to_the_model_answers():
    from rag.documents import Answer
    from rag.evaluation import GoldItem, aggregate, score_question

    item = GoldItem("1", "q", (("7.78亿元",),), ("a.txt",))
    answers = [
        Answer("q", "不知道", False, answerer="fake"),  # not called
        Answer("q", "7.78亿元[1]。", True, short="7.78亿元", answerer="fake", model_text="7.78亿元[1]。"),
        Answer("q", "7.78亿元[1]。", True, short="7.78亿元", answerer="fake", model_text="7.78亿元[1]。99亿元[1]。",
               notes=("dropped unsupported: 99亿元。",)),
        Answer("q", "7.78亿元。", True, short="7.78亿元", answerer="fake → extractive", model_text="99亿元[1]。"),
        Answer("q", "不知道", False, answerer="fake", model_text="NOT IN THE ARTICLES"),
        Answer("q", "7.78亿元[1]。", True, short="7.78亿元", answerer="fake", model_text="7.78亿元[1]。"),
    ]
    metrics = aggregate([score_question(item, a, ["a.txt"], {"a.txt": ""}, 1.0) for a in answers])
    assert metrics["llm"] == {"called": 5, NOT_CALLED: 1, KEPT: 2, CORRECTED: 1, OVERRULED: 1, REFUSED: 1}
    extractive = aggregate([score_question(item, Answer("q", "7.78亿元", True, short="7.78亿元"), ["a.txt"],
                                           {"a.txt": ""}, 1.0)])
    assert "llm" not in extractive


def test_a_which_most_answer_must_name_the_winner_of_the_comparison_of_every_figure(two_donors):
    # Both donors are named with 海原县 in a passage, so a sentence naming either is supported;
    # only the facts table's comparison (中国电科 800万元, 华润集团 none) says who gave most.
    question = "哪家企业在海原县投入资金最多？"
    model = PassageReadingModel(needle="希望小学", template="华润集团[{n}]。华润集团在海原县捐建了一所希望小学[{n}]。")
    answer, draft, _ = _ask(two_donors, model, question)
    assert draft.answerable and draft.short == "中国电科", "precondition: the comparison names 中国电科"
    assert answer.short == "中国电科" and answer.answerer == "fake → extractive"
    agreeing = PassageReadingModel(needle="800万元", template="中国电科[{n}]。中国电科在海原县投入资金800万元[{n}]。")
    answer, _, _ = _ask(two_donors, agreeing, question)
    assert answer.short == "中国电科" and answer.answerer == "fake"

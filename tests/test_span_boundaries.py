"""The span of a short answer: whole words, whole pairs of marks, and the item a question names.

Sentences are made up here; each test fails with its rule taken out.
"""

import pytest

from rag.answer.extractive import _figure_for
from rag.answer.question import analyse
from rag.answer.spans import tidy, whole_span


@pytest.mark.parametrize("span, tidied", [
    ("共同修建乡村公路", "共同修建乡村公路"),  # 共 is cut only where it is a word, not from 共同
    ("也门的港口", "也门的港口"),  # nor 也 from 也门
    ("为期三个月的", "为期三个月"),  # nor 为 from 为期; the trailing 的 still goes
    ("这次调研的目的", "这次调研的目的"),  # nor 的 from 目的
    ("也已经完成了", "完成"),  # particles that are words of their own still go
])
def test_tidy_cuts_a_particle_only_where_it_is_a_word(span, tidied):
    assert tidy(span) == tidied


def test_a_span_that_ends_inside_a_word_is_widened_to_the_whole_word():
    sentence = "会议要求，坚持问题导向，着力抓好基层治理。"
    start = sentence.find("坚持")
    assert sentence[slice(*whole_span(sentence, start, start + 5))] == "坚持问题导向"


def test_a_span_that_opens_a_title_reaches_its_closing_mark():
    sentence = "三部门印发《关于推进“智慧农场”建设的意见》，要求各地落实。"
    start, end = whole_span(sentence, 0, sentence.find("“智慧"))
    assert sentence[start:end] == "三部门印发《关于推进“智慧农场”建设的意见》"


def test_a_span_that_closes_a_title_reaches_back_to_its_opening_mark():
    sentence = "新版《城市绿地养护规范（试行）》发布，全市公园据此养护。"
    start = sentence.find("规范")
    span = sentence[slice(*whole_span(sentence, start, len(sentence)))]
    assert span.startswith("《城市绿地养护规范（试行）》")


def test_a_lone_quotation_mark_is_left_out_on_the_side_of_the_answer():
    # The quotation closes in the next sentence: the span keeps the side that holds the answer.
    sentence = "厂长在大会上提出了“全面提升零件加工精度"
    keep = (sentence.find("全面"), len(sentence))
    span = sentence[slice(*whole_span(sentence, 0, len(sentence), keep=keep))]
    assert span == "全面提升零件加工精度"


SENTENCE_RESPECTIVE = "新规规定，初级教练和高级教练的执教年限上限将分别提高到50岁和62岁，其余岗位维持55岁不变。"


@pytest.mark.parametrize("question, figure", [
    ("高级教练的执教年限上限是多少？", "62岁"),
    ("初级教练的执教年限上限是多少？", "50岁"),
])
def test_respective_figures_pair_off_with_the_items_in_order(question, figure):
    analysed = analyse(question)
    assert _figure_for(analysed, SENTENCE_RESPECTIVE, None).surface == figure


def test_of_several_telling_words_the_question_head_noun_picks_the_item():
    sentence = "今年一季度，该港已出口茶叶3.2万吨、货值4.5亿元，同比分别增长了1.8倍、7倍。"
    analysed = analyse("一季度该港出口茶叶的货值同比增长了多少倍？")
    assert _figure_for(analysed, sentence, None).surface == "7倍"


def test_a_question_for_several_of_a_kind_gets_the_whole_list_of_that_kind():
    from rag.answer.extractive import _gap

    sentence = "据报道，市里将委托甲乙建设公司和丙丁科技公司修建新的污水处理厂。"
    analysed = analyse("市里委托哪两家公司修建污水处理厂？")
    start, end = _gap(analysed, sentence)
    assert sentence[start:end].endswith("甲乙建设公司和丙丁科技公司")


def test_a_gap_over_several_clauses_is_answered_from_the_clause_next_to_the_question_word():
    from rag.answer.phrases import _clause_around

    sentence = ("据本市电视台今天上午在新闻节目中的报道称，市交通运输局已经宣布将拨款三千万元用于改造老旧道路，"
                "委托甲乙建设公司和丙丁科技公司修建新的污水处理厂。")
    gap = (sentence.find("电视台"), sentence.find("修建"))
    assert _clause_around(sentence, gap, "市里委托哪两家公司修建污水处理厂？") == "委托甲乙建设公司和丙丁科技公司"


def test_each_organisations_part_of_a_respective_sentence_gets_its_own_figure():
    from dataclasses import replace

    analysed = analyse("华润集团和招商局集团分别投入了多少资金？")
    sentence = "华润集团和招商局集团分别投入资金300万元和500万元。"
    got = {o: _figure_for(replace(analysed, organisations=(o,), parts=()), sentence, None).surface
           for o in analysed.organisations}
    assert got == {"华润集团": "300万元", "招商局集团": "500万元"}

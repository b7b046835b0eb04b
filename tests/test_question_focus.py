"""Choosing the sentence and the span by what a question asks (its focus words, a change, a figure's label).

Sentences are made up here; each test fails with its mechanism taken out.
"""

import pytest

import rag.answer.extractive as extractive
from rag.answer.extractive import focus_words
from rag.answer.question import analyse
from tests.conftest import answer_over_texts


@pytest.mark.parametrize("question, focus", [
    ("李明局长要求减少什么？", ("减少",)),
    ("这次活动的主题是什么？", ("主题",)),
    ("航班直飞到哪个机场？", ("直飞", "机场")),
    ("华光公司与哪家公司合作？", ("华光", "合作")),  # not 公司: it names the kind of answer, not where it is written
])
def test_the_focus_words_are_the_words_beside_the_question_word(question, focus):
    assert focus_words(analyse(question)) == focus


def test_a_sentence_with_the_asked_verb_beats_one_that_only_names_the_subject(monkeypatch):
    text = "李明局长出席了全市安全工作会议。李明强调，要最大程度减少交通事故。"
    assert "交通事故" in answer_over_texts("李明局长要求减少什么？", text).short
    monkeypatch.setattr(extractive, "FOCUS_BONUS", 0.0)
    assert "交通事故" not in answer_over_texts("李明局长要求减少什么？", text).short


def _answer_with_article(question: str, retrieved: str, neighbour: str):
    """The extractive answer when only ``retrieved`` was retrieved, ``neighbour`` being the next passage of its article."""
    from rag.answer.extractive import ExtractiveAnswerer
    from rag.documents import Chunk, Hit

    chunks = [Chunk(id=f"a#{i}", doc_id="a.txt", text=t, start=0, end=len(t), title="", raw=t)
              for i, t in enumerate((retrieved, neighbour))]
    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0, min_coverage=0.2,
                                  passages_of=lambda doc_ids: {"a.txt": chunks} if "a.txt" in doc_ids else {})
    return answerer.answer(question, [Hit(chunks[0], 1.0)])


def test_the_next_passage_of_a_retrieved_article_is_read_too(monkeypatch):
    retrieved = "青山县文化节昨日开幕。青山县文化节已连续举办十届。"
    neighbour = "本届青山县文化节的主题为“山水共生”，吸引游客五万人次。"
    assert "山水共生" in _answer_with_article("青山县文化节的主题是什么？", retrieved, neighbour).short
    monkeypatch.setattr(extractive, "SIBLING_ARTICLES", 0)
    assert "山水共生" not in _answer_with_article("青山县文化节的主题是什么？", retrieved, neighbour).short


def _figure(question: str, sentence: str) -> str:
    from rag.answer.extractive import _figure_for

    figure = _figure_for(analyse(question), sentence, None)
    return figure.surface if figure else ""


def test_a_change_asked_without_a_unit_is_the_figure_a_change_word_introduces(monkeypatch):
    sentence = "全市会展服务营业收入380亿元，下降4.2%。"
    assert _figure("会展服务的营业收入下降了多少？", sentence) == "4.2%"
    monkeypatch.setattr(extractive, "CHANGE_FIGURES", False)
    assert _figure("会展服务的营业收入下降了多少？", sentence) == "380亿元"


def test_a_change_asked_in_a_plain_verb_is_the_figure_a_change_word_introduces(monkeypatch):
    sentence = "截至5月6日收盘，青山电器(600001)报收于12.38元，下跌3.15%，换手率1.2%。"
    assert _figure("青山电器5月6日股价跌了多少？", sentence) == "3.15%"
    monkeypatch.setattr(extractive, "COLLOQUIAL_CHANGES", False)
    assert _figure("青山电器5月6日股价跌了多少？", sentence) != "3.15%"


@pytest.mark.parametrize("question", ["青山电器一季度净利润同比降了多少？", "这季营收比去年掉了多少？"])
def test_a_change_on_last_year_asked_in_a_plain_verb_asks_a_percentage(question):
    assert analyse(question).kind == "percent"


def test_figures_with_the_same_label_are_told_apart_by_the_subject_before_each(monkeypatch):
    sentence = "上半年，零售及餐饮服务收入达到80亿元，同比增长2.4%，其中，社区餐饮业务收入达到12亿元，同比增长18.6%。"
    question = "上半年社区餐饮业务收入同比增长了多少？"
    assert _figure(question, sentence) == "18.6%"
    monkeypatch.setattr(extractive, "SUBJECT_WINDOWS", False)
    assert _figure(question, sentence) != "18.6%"


def test_a_question_subject_written_word_by_word_binds_the_figure(monkeypatch):
    # 青山市企业贷款 is written 青山全市企业贷款; the bank named before the figure does not own it.
    text = "人民银行青山分行主任表示，6月青山全市企业贷款平均利率为3.1%，比上年同期下降12个基点。"
    question = "青山市企业贷款平均利率比上年同期下降了多少个基点？"
    assert answer_over_texts(question, text).short == "12个基点"
    monkeypatch.setattr(extractive, "LOOSE_SUBJECTS", False)
    assert answer_over_texts(question, text).short != "12个基点"



def test_a_word_that_refers_back_returns_the_figure_to_the_question_subject(monkeypatch):
    text = "青禾科技有限公司违规收取费用2000元，市场监督管理局责令该公司退还，并对其处以罚款5000元。"
    assert answer_over_texts("青禾科技有限公司被罚款了多少元？", text).short == "5000元"
    monkeypatch.setattr(extractive, "BACK_REFERENCES", False)
    assert answer_over_texts("青禾科技有限公司被罚款了多少元？", text).short != "5000元"


def test_another_organisation_before_the_figure_owns_it_without_a_word_that_refers_back():
    text = "青禾科技有限公司参加了签约仪式，蓝海集团投入资金300万元。"
    assert answer_over_texts("青禾科技有限公司投入了多少资金？", text).short != "300万元"


def test_who_is_answered_by_the_body_written_where_the_question_word_points(monkeypatch):
    text = "李明领导的新一届政府宣布改革计划，包括加强议会对预算审批的监督。"
    assert answer_over_texts("新法案加强了谁对预算审批的监督？", text).short == "议会"
    monkeypatch.setattr(extractive, "WHO_GAP_NOUN", False)
    assert answer_over_texts("新法案加强了谁对预算审批的监督？", text).short != "议会"


def _ask_passages(question: str, *texts: str):
    """The answer with the shipped refusal weights over consecutive passages of one made-up article."""
    from rag.answer.extractive import ExtractiveAnswerer
    from rag.answer.refusal import refusal_model
    from rag.documents import Chunk, Hit

    chunks = [Chunk(id=f"x#{i}", doc_id="x.txt", text=t, start=0, end=len(t), title="", raw=t, position=i)
              for i, t in enumerate(texts)]
    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0,
                                  refusal=refusal_model(with_dense=False))
    return answerer.answer(question, [Hit(c, 1.0) for c in chunks])


def test_an_item_of_a_semicolon_list_is_read_with_the_lists_opening_clause(monkeypatch):
    opening = "该股主要指标如下：青山电器2023一季报显示，公司主营收入5.4亿元，同比上升50.8%；"
    text = opening + "归母净利润261万元，同比上升9.7%；负债率36.2%，投资收益1.5万元。"
    # The list's company and year hold for 负债率 too, also where the item opens the next passage.
    assert _ask_passages("青山电器2023年一季度的负债率是多少？", text).short == "36.2%"
    split = _ask_passages("青山电器2023年一季度归母净利润是多少？", opening + "归母净利润261万元，同比上升9.7%；",
                          "归母净利润261万元，同比上升9.7%；负债率36.2%，投资收益1.5万元。")
    assert split.short == "261万元" and split.signals["named"] == 1.0
    monkeypatch.setattr(extractive, "LIST_OPENING", False)
    assert _ask_passages("青山电器2023年一季度的负债率是多少？", text).short != "36.2%"


def test_a_price_per_share_answers_a_price_not_a_sum(monkeypatch):
    sentence = "青山电器将用5000万元~1亿元超募资金回购，回购价格不超过71元/股。"
    assert _figure("青山电器回购价格的上限是多少？", sentence) == "71元"
    assert _figure("青山电器准备用于回购的资金最多是多少？", sentence) == "1亿元"
    monkeypatch.setattr(extractive, "PER_SHARE", False)
    assert _figure("青山电器回购价格的上限是多少？", sentence) != "71元"


def test_one_end_of_a_range_is_asked_by_its_bound(monkeypatch):
    text = "为了此次回购，青山电器准备了4200万元~6000万元的超募资金。"
    assert answer_over_texts("青山电器准备的回购资金下限是多少？", text).short == "4200万元"
    assert answer_over_texts("青山电器准备的回购资金上限是多少？", text).short == "6000万元"
    monkeypatch.setattr(extractive, "WHOLE_RANGES", False)
    assert answer_over_texts("青山电器准备的回购资金下限是多少？", text).short != "4200万元"


def test_each_ask_of_a_two_part_question_is_answered_by_its_own_words(monkeypatch):
    text = "据悉，青山电器将用5000万元~1亿元超募资金回购，回购价格不超过71元/股。"
    question = "青山电器回购的资金规模是多少，回购价格上限又是多少？"
    assert answer_over_texts(question, text).short == "5000万元~1亿元、不超过71元"
    monkeypatch.setattr(extractive, "WHOLE_RANGES", False)
    assert answer_over_texts(question, text).short != "5000万元~1亿元、不超过71元"


def test_where_no_label_tells_counts_apart_the_total_answers(monkeypatch):
    sentence = "该股最近90天内共有6家机构给出评级，买入评级3家，增持评级3家。"
    assert _figure("最近90天有几家机构给青山电器评级？", sentence) == "6家"
    monkeypatch.setattr(extractive, "TOTALS_FIRST", False)
    monkeypatch.setattr(extractive, "ITEM_CLAUSES", False)  # 机构 only in the total's clause: it reads 6家 too
    assert _figure("最近90天有几家机构给青山电器评级？", sentence) != "6家"


def test_a_plain_change_verb_finds_the_label_of_the_change_asked(monkeypatch):
    sentence = "青山电器二季度营收52亿元，同比下降12.5%，环比下降3.2%。"
    assert _figure("青山电器二季度营收环比降了多少？", sentence) == "3.2%"
    monkeypatch.setattr(extractive, "COLLOQUIAL_CHANGES", False)
    assert _figure("青山电器二季度营收环比降了多少？", sentence) != "3.2%"

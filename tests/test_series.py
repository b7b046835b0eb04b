"""Per-year series ("2019年至2021年…分别为A、B、C") and "which year most" answered from them.

The passages are made up here, not taken from any article.
"""

import pytest

from rag.answer.series import asks_which_year, figure_runs, year_series, years_stated
from rag.answer.spans import find_figures
from tests.conftest import answer_over_texts

# Two series in one sentence, the years given as a span before them.
_ONE_SENTENCE = ("经营方面，2019年至2021年，甲乙科技分别实现营业收入3.2亿元、4.1亿元、3.9亿元，"
                 "实现归属于母公司股东的净利润分别为1200.5万元、980.2万元、1530.7万元。")
# The years listed in one sentence, the second series in the next.
_NEXT_SENTENCE = ("于2017年度、2018年度及2019年度，丙丁公司实现营业收入分别约为8000万元、9000万元、1.2亿元。"
                  "公司净利润分别约为700万元、650万元、810万人民币。")


def test_years_are_read_from_a_span_and_from_a_list():
    assert years_stated("2019年至2021年，公司") == [(0, (2019, 2020, 2021))]
    assert years_stated("于2017年度、2018年度及2019年度") == [(1, (2017, 2018, 2019))]


def test_a_run_of_figures_joined_by_commas_is_one_series():
    runs = figure_runs("营业收入分别为3.2亿元、4.1亿元和3.9亿元，员工120人")
    assert [[f.surface for f in run] for run in runs] == [["3.2亿元", "4.1亿元", "3.9亿元"]]


def test_renminbi_after_a_magnitude_is_money():
    (figure,) = find_figures("净利润810万人民币")
    assert figure.kind == "money" and figure.unit == "元" and figure.value == 8100000


def test_each_series_keeps_its_own_label_and_the_years_pair_by_position():
    series = year_series(_ONE_SENTENCE)
    assert [s.label for s in series] == ["甲乙科技分别实现营业收入", "实现归属于母公司股东的净利润"]
    assert all(s.years == (2019, 2020, 2021) for s in series)
    series = year_series(_NEXT_SENTENCE)
    assert [s.label for s in series] == ["丙丁公司实现营业收入", "净利润"]
    assert series[1].years == (2017, 2018, 2019) and series[1].figures[2].value == 8100000


@pytest.mark.parametrize("question, direction", [
    ("2019到2021年，哪一年净利润最高？", "max"), ("公司营收最低的是哪一年？", "min"),
    ("哪一年成立的？", None), ("净利润最高的公司是哪家？", None),
])
def test_which_year_questions_and_their_direction(question, direction):
    assert asks_which_year(question) == direction


@pytest.mark.parametrize("question, year", [
    ("2019到2021年，甲乙科技哪一年归母净利润最高？", "2021年"),  # the profit series, not the revenue one
    ("甲乙科技哪一年营业收入最高？", "2020年"),
    ("甲乙科技哪一年净利润最少？", "2020年"),
])
def test_the_year_is_read_from_the_series_that_names_the_measure(question, year):
    answer = answer_over_texts(question, _ONE_SENTENCE)
    assert answer.short == year and answer.citations


def test_the_series_may_follow_the_sentence_that_names_the_years():
    answer = answer_over_texts("丙丁公司哪一年净利润最多？", _NEXT_SENTENCE)
    assert answer.short == "2019年"
    assert "2018年650万元" in answer.text


def test_a_series_of_another_measure_is_no_answer():
    from rag.answer.series import answer_which_year
    from rag.documents import Chunk, Hit

    hits = [Hit(Chunk(id="x#0", doc_id="x.txt", text=_NEXT_SENTENCE, start=0, end=len(_NEXT_SENTENCE), title="",
                      raw=_NEXT_SENTENCE), 1.0)]
    refused = answer_which_year("q", "丙丁公司哪一年研发投入最多？", hits)
    assert not refused.answerable and not refused.short and "净利润" in refused.notes[0]
    # Years asked outside the series: not answered from it.
    assert not answer_which_year("q", "2020到2022年丙丁公司哪一年净利润最多？", hits).answerable
    # No series at all: left to the usual path.
    assert answer_which_year("q", "丙丁公司哪一年研发投入最多？", hits[:0]) is None


def test_the_reporting_period_is_the_years_stated_before():
    text = (_NEXT_SENTENCE + "需要注意的是，招股书提醒关注应收账款风险。另据披露，公司员工增加较快。"
            "报告期各期末，公司应收账款账面价值分别为1,200.5万元、2,300.6万元和1,800.2万元。")
    (receivables,) = [s for s in year_series(text) if "应收账款" in s.label]
    assert receivables.years == (2017, 2018, 2019)
    assert answer_over_texts("丙丁公司哪一年应收账款最高？", text).short == "2018年"

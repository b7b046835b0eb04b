"""Questions that name their candidates and ask which has more ("A和B，哪家营收更多？").

The names are made up and unknown to the organisation table: the answer must still be
one of them, chosen by comparing the figure read for each.
"""

import pytest

from rag.answer.choice import named_choice
from rag.answer.extractive import _item_clause_figure
from rag.answer.question import analyse
from rag.answer.spans import find_figures, signed_value
from rag.answer.extractive import ExtractiveAnswerer
import rag.answer.extractive as extractive
from rag.documents import Chunk, Hit

PASSAGE = "榜单显示，星河电子营收达到312亿元，同比增长8%。蓝鲸汽车营收为455亿元，同比增长21%。远山物流营收为98亿元。"


def _ask(question: str, text: str = PASSAGE):
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text)
    # The idf of a word no passage uses is the sentinel's: every word here is known to the corpus.
    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0, min_coverage=0.2)
    return answerer.answer(question, [Hit(chunk, 1.0)])


def test_the_question_is_read_for_its_names_measure_and_direction():
    choice = named_choice("星河电子和蓝鲸汽车相比，哪家的营收更高？")
    assert choice is not None and choice.names == ("星河电子", "蓝鲸汽车") and choice.metric == "营收" and choice.largest
    assert not named_choice("星河电子、蓝鲸汽车，哪家营收更少？").largest
    assert named_choice("哪家企业营收最高？") is None  # no names given: the aggregation path answers


def test_the_named_candidate_with_the_larger_figure_answers_with_both_figures_cited():
    answer = _ask("星河电子和蓝鲸汽车，哪家营收更多？")
    assert answer.short.split("（")[0] == "蓝鲸汽车"
    assert len(answer.citations) == 2 and "312亿元" in answer.text and "455亿元" in answer.text


def test_the_smaller_is_chosen_when_asked_and_a_third_unnamed_company_never_answers():
    assert _ask("星河电子和远山物流，哪家营收更少？").short.split("（")[0] == "远山物流"
    assert _ask("星河电子和远山物流，哪家营收更多？").short.split("（")[0] == "星河电子"


def test_figures_in_different_currencies_are_not_compared():
    text = "星河电子营收为312亿元。蓝鲸汽车营收为50亿美元。"
    answer = _ask("星河电子和蓝鲸汽车，哪家营收更多？", text)
    assert answer.short not in ("星河电子", "蓝鲸汽车") or len(answer.citations) < 2


def test_a_counted_group_of_places_is_read_and_a_compared_change_is_left_to_the_usual_path():
    choice = named_choice("东坪和西岭两个县，哪个县的人口更多？")
    assert choice is not None and choice.names == ("东坪", "西岭") and choice.metric == "人口"
    # "降得更低" compares a change, whose figure (from which level to which) one reading cannot settle.
    assert named_choice("东坪和西岭两个县，哪个县的发生率降得更低？") is None


def test_a_figure_stated_in_the_other_direction_counts_against_the_measure():
    assert signed_value(245.0, "净流入", "主力资金净流出") == -245.0
    assert signed_value(221.0, "净流入", "游资资金净流入") == 221.0
    assert signed_value(245.0, "净流入", "主力资金净卖出") == -245.0  # selling is money flowing out
    assert signed_value(3.0, "营收下滑", "乙公司营收同比增长") == -3.0
    assert signed_value(3.0, "营收", "乙公司营收同比增长") == 3.0  # the measure names no direction
    assert signed_value(3.0, "净流入", "此前流出较多，今日净流入") == 3.0  # the last word of the clause decides
    assert signed_value(3.0, "净流入", "昨日净流出，今日") == 3.0  # another clause says nothing


def test_the_named_candidate_whose_change_is_larger_answers_which_fell_more():
    text = "东坪电子营收同比下滑2%。西岭汽车营收同比下滑20%。"
    assert _ask("东坪电子和西岭汽车两家公司，哪家营收下滑得更厉害？", text).short.split("（")[0] == "西岭汽车"
    # A rise is no fall: "跌得更多" goes to the one that fell.
    text = "东坪电子股价上涨5%。西岭汽车股价下跌3%。"
    assert _ask("东坪电子和西岭汽车，哪家股价跌得更多？", text).short.split("（")[0] == "西岭汽车"


def test_a_net_outflow_is_not_the_largest_net_inflow():
    text = "东坪电子主力资金净流出500万元。西岭汽车主力资金净流入120万元。"
    assert _ask("东坪电子和西岭汽车，哪家主力资金净流入更多？", text).short.split("（")[0] == "西岭汽车"
    listed = "8月2日，主力资金净流出245.34万元，游资资金净流入221.15万元，散户资金净流入24.19万元。"
    assert _ask("主力、游资、散户三类资金中，哪一类净流入最多？", listed).short == "游资"


def test_the_words_before_the_list_stay_with_each_names_question():
    choice = named_choice("康达科技8月2日的主力、游资、散户三类资金中，哪一类净流入最多？")
    assert choice is not None and choice.names == ("主力", "游资", "散户")
    assert choice.sub_question("游资") == "康达科技8月2日的游资净流入是多少？"
    assert named_choice("东坪电子和西岭汽车，哪家营收下滑得更厉害？").sub_question("东坪电子") == "东坪电子营收下滑了多少？"


def test_the_named_candidate_with_the_earlier_date_answers_which_came_first():
    # Each company's date is its own sub-question's answer ("…什么时候注销？"), not the first date of
    # the clause that names it (成立于 comes first).
    text = "东坪电子有限公司成立于2015年，于2022年6月23日被注销。西岭汽车有限公司成立于2018年，于2021年3月5日被注销。"
    question = "东坪电子有限公司和西岭汽车有限公司，哪家更早注销？"
    choice = named_choice(question)
    assert choice is not None and choice.dated and choice.sub_question("东坪电子有限公司") == "东坪电子有限公司什么时候注销？"
    assert _ask(question, text).short.split("（")[0] == "西岭汽车有限公司"
    assert _ask("东坪电子有限公司和西岭汽车有限公司哪家注销得更晚？", text).short == "东坪电子有限公司（2022年6月23日，晚于2021年3月5日）"
    # A date without its year is not ordered against one with it.
    undated = "东坪电子有限公司于6月23日被注销。西岭汽车有限公司于2021年3月5日被注销。"
    assert _ask(question, undated).short != "东坪电子有限公司"


def test_of_parallel_clauses_the_figure_whose_own_clause_names_the_item_answers():
    text = "手机、平板和电脑的销售收入均有下滑，其中手机业务同比下滑2%，平板业务下滑20%。"
    assert _ask("手机的销售收入同比下滑了多少？", text).short == "2%"
    assert _ask("平板的销售收入同比下滑了多少？", text).short == "20%"
    assert _ask("手机和平板两条产品线，哪个销售收入下滑得更厉害？", text).short.split("（")[0] == "平板"


def test_the_sentences_named_topic_is_no_clauses_item_and_a_figures_comma_ends_no_clause():
    text = "目前，董小明共关联27家企业，在19家企业担任法定代表人，在23家企业担任高管。"
    assert _ask("董小明在多少家企业里担任高管？", text).short == "23家"
    # Three figures of one clause: the thousands comma of 4,399.96 starts no clause of its own.
    series = "报告期各期，公司经营活动产生的现金流量净额分别为-4,399.96万元、-10,862.56万元和-4,849.72万元。"
    figures = [f for f in find_figures(series) if f.kind == "money"]
    assert len(figures) == 3
    assert _item_clause_figure(figures, series, analyse("公司经营活动产生的现金流量净额是多少？")) is None


@pytest.mark.parametrize("on", [True, False])
def test_counts_of_different_things_compare_by_how_many(monkeypatch, on):
    import rag.answer.choice as choice

    monkeypatch.setattr(choice, "COUNTS_ACROSS_UNITS", on)
    text = "临江评出第一批精品酒庄10家。临江还推出第一批文化旅游精品线路15条。"
    answer = _ask("第一批精品酒庄和第一批文化旅游精品线路，哪个数量更多？", text)
    assert answer.short.startswith("第一批文化旅游精品线路") is on


@pytest.mark.parametrize("on", [True, False])
def test_the_largest_of_a_series_given_respectively_answers_the_superlative(monkeypatch, on):
    import rag.answer.extractive as extractive

    monkeypatch.setattr(extractive, "SERIES_EXTREMES", on)
    text = "报告期各期，星河城建营业收入分别为348,727.17万元、341,755.30万元、471,320.07万元和102,366.73万元。"
    assert (_ask("星河城建报告期各期中，营业收入最高的一期是多少？", text).short == "471,320.07万元") is on


@pytest.mark.parametrize("on", [True, False])
def test_a_choice_is_answered_with_the_figures_it_was_made_on(monkeypatch, on):
    monkeypatch.setattr(extractive, "FIGURES_IN_CHOICE", on)
    text = "临江评出第一批精品酒庄10家。临江还推出第一批文化旅游精品线路15条。"
    answer = _ask("第一批精品酒庄和第一批文化旅游精品线路，哪个数量更多？", text)
    assert answer.short == ("第一批文化旅游精品线路（15条，多于10家）" if on else "第一批文化旅游精品线路")
    assert "第一批精品酒庄" not in answer.short  # the short answer names the winner alone

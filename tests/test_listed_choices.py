"""Choices among listed items read the way questions are written: the list before a comma, the measure
between the list and the ask, days as items, rates rather than amounts, a company's business segments.

The passages and names are made up here, not taken from any article.
"""

import pytest

import rag.answer.listed as listed_module
from rag.answer.choice import named_choice
from rag.answer.listed import listed_question
from rag.answer.unnamed import unnamed_choice
from tests.conftest import answer_over_texts


@pytest.mark.parametrize("question, items", [
    # The list, then a comma, then what is compared: the list is the clause before.
    ("甲科技、乙电子、丙材料这三家，一季度营收谁最高？", ("甲科技", "乙电子", "丙材料")),
    ("甲科技、乙电子和丙材料，一季度末负债率哪家最低？", ("甲科技", "乙电子", "丙材料")),
    # The list in brackets, after the words that name it.
    ("报道列出的捐款车企里（甲汽车、乙汽车、丙汽车），哪家捐得最少？", ("甲汽车", "乙汽车", "丙汽车")),
    # 哪一块 / 哪天 ask for one of the listed parts or days; what comes before the first day is context.
    ("这次捐赠里，现金、药品、食品哪一块金额最大？", ("现金", "药品", "食品")),
    ("星河电子8月7日和8月11日这两天，哪天收盘价更高？", ("8月7日", "8月11日")),
    ("星河电子8月8日游资和散户哪一方的净流入更多？", ("游资", "散户")),
])
def test_the_listed_items_are_found_where_the_question_writes_them(question, items):
    listed = listed_question(question)
    assert listed is not None and listed.items == items


def test_the_measure_between_the_list_and_the_ask_is_what_named_candidates_compare():
    choice = named_choice("甲科技、乙电子、丙材料这三家，一季度营收谁最高？")
    assert choice is not None and choice.names == ("甲科技", "乙电子", "丙材料") and choice.metric == "一季度营收"
    assert named_choice("甲科技、乙电子和丙材料三家公司一季度毛利率哪家最高？").metric == "一季度毛利率"


def test_the_context_before_a_list_keeps_its_first_character():
    # 中 opens the company's name here; only a 中/里 that closes the context is dropped.
    choice = named_choice("中兴材料8月7日和8月11日这两天，哪天收盘价更高？")
    assert choice is not None and choice.context == "中兴材料"


def test_a_rate_is_compared_when_the_question_asks_which_grew_fastest():
    text = "承保金额500亿元，同比增长2.1%；支付赔款9亿元，同比增长30.5%；服务客户18万家，同比增长9%。"
    question = "承保金额、支付赔款、服务客户这几项，哪一项同比增速最快？"
    assert listed_question(question).kind == "percent"
    assert answer_over_texts(question, text).short == "支付赔款（30.5%，高于2.1%、9%）"  # the largest amount is 承保金额's


def test_each_figure_of_a_list_joined_by_and_belongs_to_its_own_item():
    text = "此次捐赠总金额超过千万元，其中包括500万元现金、价值近250万元的药品及价值近280万元的食品。"
    assert answer_over_texts("这次捐赠里，现金、药品、食品哪一块金额最小？", text).short == "药品（250万元，低于500万元、280万元）"


def test_the_figure_whose_clause_says_the_measure_answers(monkeypatch):
    text = ("甲公司准备了4000万元资金，回购价格的上限是60元/股。乙公司将用5000万元资金回购，回购价格不超过71元/股。"
            "丙公司拟以5亿元资金回购公司股份，全部用于股权激励，回购价格不高于50元/股。")
    question = "甲公司、乙公司和丙公司中，哪家设定的回购价格上限最高？"
    assert answer_over_texts(question, text).short.split("（")[0] == "乙公司"
    monkeypatch.setattr(listed_module, "MEASURE_FIRST", False)
    assert answer_over_texts(question, text).short != "乙公司"


def test_days_are_compared_on_the_passage_of_each_day():
    answer = answer_over_texts("星河电子8月7日和8月11日这两天，哪天收盘价更高？",
                               "截至2023年8月11日收盘，星河电子报收于6.89元，下跌1.71%。",
                               "截至2023年8月7日收盘，星河电子报收于7.05元，下跌0.98%。")
    assert answer.short == "8月7日（7.05元，高于6.89元）"


def test_figures_in_two_currencies_are_not_compared():
    text = "甲科技一季度营收为3亿元。乙电子一季度营收为5000万美元。"
    answer = answer_over_texts("甲科技和乙电子，一季度营收哪家更高？", text)
    assert not (answer.short in ("甲科技", "乙电子") and "按文章给出的数字比较" in answer.text)


_SEGMENTS = ("按业务划分，美容业务营收为31亿欧元，销售额同比增长8.8%；个人护理业务营收为35亿欧元，销售额同比增长9.0%；"
             "冰淇淋业务营收为28亿欧元，销售额同比增长5.6%。")


@pytest.mark.parametrize("question, short", [
    ("某公司五大业务里，哪块的销售额增长最快？", "个人护理业务"),
    ("某公司第二季度哪个业务板块营收最少？", "冰淇淋业务"),
])
def test_a_company_s_segments_are_ranked_by_the_measure(question, short):
    assert unnamed_choice(question) is not None
    assert answer_over_texts(question, _SEGMENTS).short.split("（")[0] == short  # (the figures follow in brackets)


def test_the_last_one_of_them_is_no_count_of_them(monkeypatch):
    import rag.answer.extractive as extractive

    texts = ("7月24日，体育馆坍塌事故最后一名被困学生已搜救到。", "此次事故共造成9人死亡。")
    assert answer_over_texts("体育馆坍塌事故一共有多少人死亡？", *texts).short != "一名"
    monkeypatch.setattr(extractive, "NOT_A_HEADCOUNT", False)
    monkeypatch.setattr(extractive, "CASUALTIES_APART", False)  # (一名被困学生 counts the trapped, not the dead)
    assert answer_over_texts("体育馆坍塌事故一共有多少人死亡？", *texts).short == "一名"


@pytest.mark.parametrize("question, short", [("哪个项目投资最多？", "乙县风电项目"), ("哪个项目投资最少？", "丁镇储能项目")])
def test_projects_are_named_after_their_sums(question, short):
    text = "甲公司总投资12亿元建设乙县风电项目。此外，投资5亿元的丙市光伏发电项目已开工；丁镇储能项目总投资3亿元。"
    assert answer_over_texts(question, text).short.split("（")[0] == short


def test_orders_are_counted_in_dan_and_a_total_is_no_daily_average(monkeypatch):
    import rag.answer.extractive as extractive
    from rag.answer.question import analyse

    assert analyse("他那个月一共接了几单？").focus_unit == "单"
    text = "法院认为，事发当月他的接单平均一天不到1单，车辆出行的数量没有显著增加。"
    assert answer_over_texts("他那个月一共接了几单？", text).short != "不到1单"
    monkeypatch.setattr(extractive, "NOT_A_HEADCOUNT", False)
    assert answer_over_texts("他那个月一共接了几单？", text).short == "不到1单"


_TWO_COUNTIES = "甲公司在乙县投资1.2亿元建设风电项目。甲公司在丙县投资8000万元建设光伏项目。"


@pytest.mark.parametrize("question, items, operation", [
    # 共 before the ask, the giver before a preposition, and what is counted after the last item's 的.
    ("甲公司在乙县和丙县共投资了多少钱？", ("乙县", "丙县"), "sum"),
    ("甲公司给乙县和丙县的投资合计是多少？", ("乙县", "丙县"), "sum"),
    ("甲公司在乙县、丙县两地一共投了多少？", ("乙县", "丙县"), "sum"),
    # The direction before the ask ("最大的是哪个"), the two sides of 还是, a comparative without 更.
    ("甲项目、乙项目和丙项目中投资额最大的是哪个？", ("甲项目", "乙项目", "丙项目"), "max"),
    ("投资最少的是甲项目还是乙项目？", ("甲项目", "乙项目"), "min"),
    ("甲公司和乙公司谁投得多？", ("甲公司", "乙公司"), "max"),
    ("甲项目和乙项目，哪一个投资规模大一些？", ("甲项目", "乙项目"), "max"),
    ("甲项目与乙项目相比，哪个投资额更高？", ("甲项目", "乙项目"), "max"),
    ("在甲项目和乙项目中，哪个项目的总投资更多？", ("甲项目", "乙项目"), "max"),
    ("在线教育和线下培训哪个收入更多？", ("在线教育", "线下培训"), "max"),  # 在 here opens the item
    ("甲项目的投资加上乙项目的投资是多少？", ("甲项目的投资", "乙项目的投资"), "sum"),
])
def test_lists_asked_in_other_words(question, items, operation):
    listed = listed_question(question)
    assert listed is not None and (listed.items, listed.operation) == (items, operation)


@pytest.mark.parametrize("question, short", [
    ("甲公司在乙县和丙县共投资了多少钱？", "20000万元"),
    ("投资最多的是乙县还是丙县？", "乙县（1.2亿元，高于8000万元）"),
    ("乙县、丙县两地中投资最少的是哪个？", "丙县（8000万元，低于1.2亿元）"),
])
def test_lists_asked_in_other_words_are_answered(question, short):
    assert answer_over_texts(question, _TWO_COUNTIES).short == short


@pytest.mark.parametrize("question, short", [("宁夏哪个县获得的投资最多？", "隆德县"), ("哪个县的投资最少？", "泾源县")])
def test_counties_are_ranked_by_the_sums_their_clauses_give(question, short):
    text = "甲公司在宁夏隆德县投资1.2亿元建设风电项目。另外，甲公司在宁夏泾源县投资8000万元建设光伏项目。"
    assert unnamed_choice(question).suffix == "县"
    answer = answer_over_texts(question, text)
    assert answer.short.split("（")[0] == short and "按文章给出的数字比较" in answer.text


def test_a_change_asked_lower_is_left_to_the_usual_path():
    # 降得更低: to a lower level, or by less? One reading cannot settle it.
    assert listed_question("东坪和西岭两个县，哪个县的发生率降得更低？") is None
    assert listed_question("东坪和西岭两个县，哪个县的人口更少？").items == ("东坪", "西岭")


@pytest.mark.parametrize("on", [True, False])
def test_a_ranking_shows_the_figures_it_was_made_on(monkeypatch, on):
    import rag.answer.unnamed as unnamed
    monkeypatch.setattr(unnamed, "FIGURES_IN_SHORT", on)
    text = "甲公司总投资12亿元建设乙县风电项目。此外，投资5亿元的丙市光伏发电项目已开工；丁镇储能项目总投资3亿元。"
    assert answer_over_texts("哪个项目投资最多？", text).short == ("乙县风电项目（12亿元，高于5亿元、3亿元）" if on else "乙县风电项目")

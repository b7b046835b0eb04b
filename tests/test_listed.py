"""Questions over items the question lists: their sum, or which is largest.

The sentences are made up here, not taken from the seed articles.
"""

import pytest

from rag.answer.listed import listed_question
from rag.answer.spans import focus_unit
from tests.conftest import answer_over_texts

_answer = answer_over_texts


@pytest.mark.parametrize("question, items, operation", [
    ("县里培训的教师、医生和农技员加起来一共多少人？", ("教师", "医生", "农技员"), "sum"),
    ("合作社的分红，加上村里的租金收入，总共多少钱？", ("合作社的分红", "村里的租金收入"), "sum"),
    ("水利、道路、学校这几类工程里，哪一类投入最多？", ("水利", "道路", "学校"), "max"),
    ("教师和医生，哪一类人更少？", ("教师", "医生"), "min"),
    # The list's name without 这, and what is counted written once after the last item.
    ("水利、道路和学校三类工程里哪一类投入最少？", ("水利", "道路", "学校"), "min"),
    ("甲工程和乙工程的项目加起来一共多少个？", ("甲工程", "乙工程"), "sum"),
])
def test_the_listed_items_and_what_is_asked_of_them(question, items, operation):
    listed = listed_question(question)
    assert listed is not None and listed.items == items and listed.operation == operation


@pytest.mark.parametrize("question", ["县里一共培训了多少名教师？", "哪家企业投入最多？", "教师和医生分别有多少人？"])
def test_a_question_about_one_thing_lists_nothing(question):
    assert listed_question(question) is None


def test_listed_figures_are_added_in_their_unit():
    answer = _answer("县里培训的教师、医生和农技员加起来一共多少人？",
                     "去年县里培训教师1200名、医生300名，还为45名农技员提供了进修机会。")
    assert answer.short == "1545名"
    assert "1200名" in answer.text and "45名" in answer.text and answer.citations


def test_money_is_added_in_the_figures_magnitude():
    answer = _answer("公司采购和帮助销售加起来一共多少钱？", "全年开展消费帮扶采购2779万元，帮助销售569.5万元。")
    assert answer.short == "3348.5万元"


def test_figures_in_other_currencies_are_not_added():
    assert listed_question("采购和捐赠一共多少钱？") is not None
    answer = _answer("公司采购和捐赠一共多少钱？", "全年采购300万元，捐赠50万美元。")
    assert answer.short != "350万元"


def test_the_largest_listed_item_is_named():
    answer = _answer("水利、道路、学校这几类工程里，哪一类投入最多？",
                     "累计投入水利资金900万元。新建道路，累计投入1.2亿元。援建学校投入3000万元。")
    assert answer.short == "道路（1.2亿元，高于900万元、3000万元）"


def test_an_item_without_a_figure_leaves_the_question_to_the_ordinary_answerer():
    answer = _answer("教师和医生加起来一共多少人？", "县里培训教师1200名。")
    assert answer.short != "1200名" or not answer.text.startswith("1200名。按")


def test_a_count_asked_as_how_many_people_is_in_people():
    assert focus_unit("一共有几个人？") == "人"
    assert focus_unit("帮扶了几个县") == "个县"


def test_the_earlier_of_listed_items_is_chosen_by_date():
    answer = _answer("甲县和乙县，哪个县先脱贫摘帽？",
                     "其中，甲县贫困发生率下降到0.5%，已于2020年2月脱贫摘帽；乙县已于2019年5月脱贫摘帽。")
    assert answer.short in ("乙县", "乙县（2019年5月，早于2020年2月）")  # (with the dates it was chosen on)


def test_listed_counts_are_compared_in_one_unit():
    # No unit asked: 医生 must be counted in 名 like 教师, not by its training classes (期).
    answer = _answer("教师和医生，哪一类更多？",
                     "县里举办教师培训班、医生培训班120余期，累计培训教师900名、医生1500名。")
    assert answer.short == "医生（1500名，多于900名）"
    assert "1500名" in answer.text and "120余期" not in answer.text


def test_a_count_shared_by_the_listed_items_is_added():
    answer = _answer("甲工程和乙工程的项目加起来一共多少个？",
                     "累计投入甲工程资金3亿元，实施项目113个。累计投入乙工程资金9000万元，实施项目44个。")
    assert answer.short == "157个"


def test_which_of_the_listed_names_is_answered_with_the_questions_name():
    from rag.answer.listed import as_listed_name, named_candidates

    question = "甲乙科技、丙丁医药、戊己材料这三家里，哪家要去北交所上市？"
    assert named_candidates(question) == ("甲乙科技", "丙丁医药", "戊己材料")
    assert as_listed_name("戊己新材料股份有限公司", named_candidates(question)) == "戊己材料"
    assert as_listed_name("庚辛集团", named_candidates(question)) is None


def test_the_answerers_lead_names_the_listed_name(monkeypatch):
    from rag.answer.extractive import ExtractiveAnswerer
    from rag.documents import Answer

    found = Answer(question="q", text="戊己新材料股份有限公司。戊己新材料股份有限公司计划在北交所上市[1]", answerable=True,
                   short="戊己新材料股份有限公司")
    monkeypatch.setattr(ExtractiveAnswerer, "_answer", lambda self, question, hits, taken=frozenset(): found)
    answer = ExtractiveAnswerer(lambda token: 1.0).answer("甲乙科技、丙丁医药、戊己材料这三家里，哪家要去北交所上市？", [])
    assert answer.short == "戊己材料" and answer.text.startswith("戊己材料。戊己新材料股份有限公司计划")


@pytest.mark.parametrize("question", ["甲奖和乙奖是授予谁的奖项？", "甲省文化和旅游厅希望与哪个省份合作？"])
def test_names_inside_a_clause_are_no_list_to_choose_from(question):
    from rag.answer.listed import named_candidates

    assert named_candidates(question) == ()


def test_an_outflow_is_a_negative_inflow(monkeypatch):
    import rag.answer.listed as listed

    text = "5月6日的资金流向数据方面，主力资金净流出245.3万元，游资资金净流入221.2万元，散户资金净流入24.1万元。"
    assert answer_over_texts("青山电器5月6日的主力、游资、散户三类资金中，哪一类净流入最多？", text).short == "游资"
    assert answer_over_texts("青山电器5月6日的主力、游资、散户三类资金中，哪一类净流出最多？", text).short == "主力"
    monkeypatch.setattr(listed, "SIGNED_DIRECTIONS", False)
    assert answer_over_texts("青山电器5月6日的主力、游资、散户三类资金中，哪一类净流入最多？", text).short != "游资"


def test_a_count_of_parts_after_the_list_is_no_item():
    assert listed_question("甲项目的公园、展览馆和道路三部分里，哪一块投资最多？").items == ("公园", "展览馆", "道路")


@pytest.mark.parametrize("on", [True, False])
def test_items_with_their_own_modifiers_keep_them(monkeypatch, on):
    import rag.answer.listed as listed

    monkeypatch.setattr(listed, "OWN_MODIFIERS", on)
    items = listed_question("甲市的星河产业园和乙县的云顶公园项目，哪个投资额更大？").items
    assert items == (("甲市的星河产业园", "乙县的云顶公园项目") if on else ("星河产业园", "乙县"))
    # What is counted, written once after the last item, is still every item's.
    assert listed_question("乙县和丙县的投资哪个多？").items == ("乙县", "丙县")


@pytest.mark.parametrize("on", [True, False])
def test_a_listed_comparison_shows_the_figures_it_was_made_on(monkeypatch, on):
    import rag.answer.listed as listed_module
    monkeypatch.setattr(listed_module, "FIGURES_IN_SHORT", on)
    answer = _answer("教师和医生，哪一类人更少？", "县里培训教师900名、医生1500名。")
    assert answer.short == ("教师（900名，少于1500名）" if on else "教师")

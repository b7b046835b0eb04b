"""Comparisons the list parser used to misread: a place asked with 哪里, a ranked ask after its
measure, a period that ends the last item, and an event named with its year or edition.

The names and sentences are made up here.
"""

import pytest

import rag.answer.choice as choice
import rag.answer.extractive as extractive
import rag.answer.listed as listed
from rag.answer.choice import named_choice
from rag.answer.listed import listed_question
from tests.conftest import answer_over_texts


@pytest.mark.parametrize("on", [True, False])
def test_a_place_among_listed_places_is_asked_with_nali(monkeypatch, on):
    monkeypatch.setattr(listed, "PLACE_CHOICE", on)
    found = listed_question("甲镇、乙镇、丙镇三地中，上半年游客人次同比增速最低的是哪里？")
    if on:
        assert found is not None and found.items == ("甲镇", "乙镇", "丙镇") and found.operation == "min"
        assert found.measure == "上半年游客人次同比增速"
    else:
        assert found is None


@pytest.mark.parametrize("on", [True, False])
def test_a_second_ask_after_the_place_says_no_direction(monkeypatch, on):
    monkeypatch.setattr(listed, "PLACE_CHOICE", on)
    found = listed_question("甲镇、乙镇、丙镇这三个地方，上半年旅游收入最高的是哪里？有多少？")
    if on:
        assert found is not None and found.items == ("甲镇", "乙镇", "丙镇") and found.operation == "max"
    else:
        assert found is None or found.operation != "max"


@pytest.mark.parametrize("on", [True, False])
def test_a_period_ends_the_last_item_when_no_comma_does(monkeypatch, on):
    monkeypatch.setattr(listed, "PERIOD_ENDS_ITEM", on)
    found = named_choice("甲镇和乙镇上半年社会消费品零售总额同比增速哪个更快？")
    if on:
        assert found is not None and found.names == ("甲镇", "乙镇") and found.metric == "上半年社会消费品零售总额同比增速"
    else:
        assert found is None or found.names != ("甲镇", "乙镇")


@pytest.mark.parametrize("on", [True, False])
def test_a_ranked_ask_after_its_measure_compares_the_named_candidates(monkeypatch, on):
    monkeypatch.setattr(choice, "RANKED_CHOICES", on)
    question = "星河电子、蓝鲸汽车、远山物流三家中，营收最高的是哪个？"
    found = named_choice(question)
    if on:
        assert found is not None and found.names == ("星河电子", "蓝鲸汽车", "远山物流") and found.largest
        answer = answer_over_texts(question, "星河电子营收达到312亿元。", "蓝鲸汽车营收为455亿元。", "远山物流营收为98亿元。")
        assert answer.short.startswith("蓝鲸汽车")
    else:
        assert found is None


@pytest.mark.parametrize("on", [True, False])
def test_an_events_year_or_edition_is_dropped_when_its_figure_is_not_found(monkeypatch, on):
    monkeypatch.setattr(extractive, "EDITION_NAMES", on)
    answer = answer_over_texts("2024星河论坛和第三届蓝鲸博览会，哪个参展企业更多？",
                               "星河论坛开幕。参展企业约200家，展区1万平方米。",
                               "第三届蓝鲸博览会将于9月举办，参展企业450家。")
    if on:
        assert answer.short.startswith("第三届蓝鲸博览会") and "200家" in answer.short and "450家" in answer.short
    else:
        assert "200家" not in answer.short


@pytest.mark.parametrize("on", [True, False])
def test_a_listed_winner_keeps_the_figures_it_won_on(monkeypatch, on):
    monkeypatch.setattr(extractive, "KEEP_COMPARED_FIGURES", on)
    answer = answer_over_texts("星河论坛和蓝鲸博览会，哪个参展企业更多？",
                               "星河论坛开幕。参展企业约200家。", "蓝鲸博览会将于9月举办，参展企业450家。")
    assert answer.short.startswith("蓝鲸博览会")
    assert ("450家" in answer.short) == on


@pytest.mark.parametrize("on", [True, False])
def test_a_comparison_that_asks_by_how_much_gives_the_difference(monkeypatch, on):
    import rag.answer.compared as compared

    monkeypatch.setattr(compared, "DIFFERENCES", on)
    answer = answer_over_texts("上半年星河汽车和蓝鲸汽车谁卖得多，大概多出多少辆？",
                               "上半年，星河汽车销量为52.6万辆，蓝鲸汽车销量为31.3万辆。")
    assert answer.short.startswith("星河汽车")
    assert ("多约21万辆" in answer.short) == on
    exact = answer_over_texts("星河汽车和蓝鲸汽车，哪家营收更高？高多少？",
                              "星河汽车营收达到312亿元。", "蓝鲸汽车营收为455亿元。")
    assert ("高143亿元" in exact.short) == on


@pytest.mark.parametrize("on", [True, False])
def test_the_measure_said_before_the_list_is_compared(monkeypatch, on):
    monkeypatch.setattr(choice, "FRONT_MEASURES", on)
    found = named_choice("上半年游客人次的同比增速，甲镇和乙镇相比哪个更高？")
    assert found is not None and found.names == ("甲镇", "乙镇")
    assert (found.metric == "上半年游客人次的同比增速") == on


@pytest.mark.parametrize("on", [True, False])
def test_each_side_may_say_the_comparative(monkeypatch, on):
    monkeypatch.setattr(listed, "PAIRED_COMPARATIVES", on)
    found = listed_question("上半年游客人次的同比增速，是甲镇更高还是乙镇更高？")
    if on:
        assert found is not None and found.items == ("甲镇", "乙镇") and found.operation == "max"
        assert found.kind == "percent" and found.measure == "上半年游客人次的同比增速"
    else:
        assert found is None or found.items != ("甲镇", "乙镇")


@pytest.mark.parametrize("on", [True, False])
def test_who_and_when_before_the_first_item_are_context(monkeypatch, on):
    monkeypatch.setattr(listed, "PERIOD_ENDS_ITEM", on)
    found = named_choice("星河电子上半年营业收入和净利润，哪个同比增幅更大？")
    assert found is not None
    assert (found.names == ("营业收入", "净利润") and found.context == "星河电子上半年") == on

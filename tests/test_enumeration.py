"""Questions that ask which several things ("包括哪些措施", "是哪几项") are answered with the list the
sentence writes out. The sentences are made up here, not taken from any article."""

import pytest

import rag.answer.extractive as extractive
from rag.answer.enumeration import enumeration
from rag.answer.question import analyse
from tests.conftest import answer_over_texts


@pytest.mark.parametrize("sentence, question, listed", [
    ("今年将推动完善5项人员信息，包括：合同、体检、保险、培训、服务评价。", "那5项信息是哪几项？", "合同、体检、保险、培训、服务评价"),
    # The words before the list (召回…期间的部分进口) are not items; the list is counted by the question.
    ("公司将召回生产日期在2021年期间的部分进口A级、B级、C级、D级车，共计9028辆。", "召回了哪四个级别的车？", "A级、B级、C级、D级"),
    # Longer items lose only the verbs that introduce them; the list is given as written.
    ("公司计划募资4.04亿元拟用于甲配套产品产业化建设项目、研发中心建设项目等。", "募资投向哪两个项目？", "甲配套产品产业化建设项目、研发中心建设项目"),
    # The list the question's noun follows, not another list in the sentence; it ends at 等.
    ("集团旗下甲牌、乙牌、丙牌等各品牌，将全力配合开展抗洪救灾、道路运输和灾后恢复工作。", "集团还有哪些品牌参与抗洪救灾？", "甲牌、乙牌、丙牌"),
])
def test_the_list_the_sentence_writes_out(sentence, question, listed):
    assert enumeration(sentence, question) == listed


def test_a_sentence_without_a_list_gives_none():
    assert enumeration("公司将进一步降低交易经手费。", "降低哪些费率？") is None
    # A list the question neither counts nor names by its noun may be beside the point: the usual answer stands.
    assert enumeration("会议分析了燃气产品常见质量问题，涉及家用、商用等多个领域。", "专家指出了哪些要点？") is None
    assert enumeration("今年将推动完善5项人员信息，包括：合同、体检、保险。", "那5项信息是哪几项？") is None


@pytest.mark.parametrize("question, kind", [
    ("那5项信息具体是哪几项？", "phrase"),   # which, not how many
    ("公司帮扶了哪几个县？", "place"),
    ("哪几家企业参加了会议？", "organisation"),
    ("公司帮扶了几个县？", "count"),
])
def test_which_several_is_not_how_many(question, kind):
    assert analyse(question).kind == kind


def test_the_answer_lists_every_item(monkeypatch):
    text = "今年将推动完善5项人员信息，包括：合同、体检、保险、培训、服务评价。"
    assert answer_over_texts("要完善的那5项人员信息是哪几项？", text).short == "合同、体检、保险、培训、服务评价"
    monkeypatch.setattr(extractive, "ENUMERATIONS", False)
    assert answer_over_texts("要完善的那5项人员信息是哪几项？", text).short != "合同、体检、保险、培训、服务评价"


def test_a_bracketed_word_stays_in_its_item_and_the_shared_ending_ends_the_last():
    sentence = "该公司由甲乙(杭州)网络技术有限公司、丙丁智能科技有限公司共同持股。"
    assert enumeration(sentence, "该公司是哪两家公司共同持股的？") == "甲乙(杭州)网络技术有限公司、丙丁智能科技有限公司"


def test_items_that_open_with_a_verb_keep_it():
    sentence = "着力解决各级组织在坚持甲对乙绝对领导、抓执行能力、落实管理责任等方面存在的突出问题。"
    assert enumeration(sentence, "要求解决各级组织在哪些方面存在的问题？") == "坚持甲对乙绝对领导、抓执行能力、落实管理责任"

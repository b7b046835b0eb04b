"""Multi-part questions asked one part at a time, each part with only its own words, kind and unit.

The passages are made up here, not taken from any article.
"""

import pytest

from rag.answer.listed import respective_questions, separate_questions
from rag.answer.question import analyse
from rag.answer.spans import find_figures, focus_unit
from tests.conftest import answer_over_texts


@pytest.mark.parametrize("question, parts", [
    # The words before the first item's 的 belong to every item…
    ("甲乙科技的发行价和发行市盈率分别是多少？",
     (("发行价", "甲乙科技的发行价是多少？"), ("发行市盈率", "甲乙科技的发行市盈率是多少？"))),
    # …and so do those after the last item's 的.
    ("南美和北非的钢铁企业出口占比分别是多少？",
     (("南美", "南美的钢铁企业出口占比是多少？"), ("北非", "北非的钢铁企业出口占比是多少？"))),
    # Without 的, the first item is as many words as the last one.
    ("丙丁集团在云南和广西分别建了哪座工厂？",
     (("云南", "丙丁集团在云南建了哪座工厂？"), ("广西", "丙丁集团在广西建了哪座工厂？"))),
    ("丙丁集团今年的利润是多少？", ()),
])
def test_a_respective_question_is_one_question_per_item(question, parts):
    assert respective_questions(question) == parts


@pytest.mark.parametrize("question, parts", [
    ("县里哪一年建成了新医院？那家医院叫什么？", ("县里哪一年建成了新医院？", "县里建成了新医院，那家医院叫什么？")),
    ("甲公司准备卖给乙公司多少股，每股多少钱？", ("甲公司准备卖给乙公司多少股？", "甲公司准备卖给乙公司，每股多少钱？")),
    ("甲公司今年卖了多少股？", ()),
])
def test_separate_asks_are_separate_questions_with_the_first_as_context(question, parts):
    assert separate_questions(question) == parts


def test_a_valuation_ratio_is_a_multiple_and_shares_are_counted():
    question = analyse("甲乙科技的发行市盈率是多少？")
    assert question.kind == "count" and question.focus_unit == "倍"
    assert focus_unit("卖给乙公司多少股") == "股"
    assert [f.surface for f in find_figures("转让股份1.8亿股，占总股本的8%，持股5%的股东")] == ["1.8亿股", "8%", "5%"]


def test_each_part_keeps_its_own_kind_and_unit():
    answer = answer_over_texts("甲乙科技的发行价和发行市盈率分别是多少？",
                               "8月15日，甲乙科技开启申购，发行价格为45.6元/股，申购上限为0.5万股，发行市盈率38.2倍，属于创业板。")
    assert answer.answerable
    assert "45.6元" in answer.short and "38.2倍" in answer.short


def test_each_item_gets_its_own_figure():
    answer = answer_over_texts("南美和北非的钢铁企业出口占比分别是多少？",
                               "统计显示，南美的钢铁企业出口占比为23%，排第二。北非排第三，钢铁企业出口占比为17%。")
    assert answer.short == "南美：23%；北非：17%"


def test_a_question_refused_whole_is_not_answered_by_one_part():
    answer = answer_over_texts("甲乙科技的发行价和股东人数分别是多少？",
                               "8月15日，甲乙科技开启申购，发行价格为45.6元/股，申购上限为0.5万股，属于创业板。")
    assert not answer.answerable  # the 发行价 alone does not answer a question the articles half answer

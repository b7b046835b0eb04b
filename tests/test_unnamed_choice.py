""""Which country/industry … highest" over items the question does not name, ranked clause by clause.

The passages are made up here, not taken from any article.
"""

import pytest

from rag.answer.unnamed import unnamed_choice
from tests.conftest import answer_over_texts

_RANKED = ("统计显示，法国的钢铁企业其出口占比为31.5%，排该国所有行业的第2名。而第一名是法国航空和航天制造行业，它的出口占比为44.2%。"
           "同时统计也显示德国排第二，其出口占比为27%。西班牙排第三，出口占比为19%；意大利出口排第四，占比为12.4%。")


@pytest.mark.parametrize("question, category, measure, largest", [
    ("哪个国家的钢铁企业出口占比最高？", "place", "钢铁企业出口占比", True),
    ("出口占比最低的是哪个国家？", "place", "出口占比", False),
    ("在法国，出口占比最高的是哪个行业？", "industry", "出口占比", True),
    ("哪家企业投资最多？", None, None, None),
    ("哪个国家出口了钢铁？", None, None, None),
])
def test_the_category_and_the_measure_are_read(question, category, measure, largest):
    choice = unnamed_choice(question)
    if category is None:
        assert choice is None
    else:
        assert (choice.category, choice.measure, choice.largest) == (category, measure, largest)


@pytest.mark.parametrize("question, short", [
    ("哪个国家的钢铁企业出口占比最高？", "法国"),
    ("出口占比最低的是哪个国家？", "意大利"),
    # The item a pronoun (其/它) points at is in the clause before it.
    ("在法国，出口占比最高的是哪个行业？", "航空和航天制造行业"),
])
def test_the_item_with_the_largest_figure_answers(question, short):
    answer = answer_over_texts(question, _RANKED)
    assert answer.short.split("（")[0] == short and answer.citations  # (the figures follow in brackets)


def test_one_item_alone_is_no_comparison():
    from rag.answer.unnamed import answer_unnamed_choice
    from rag.documents import Chunk, Hit

    def hits(text):
        return [Hit(Chunk(id="x#0", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text), 1.0)]

    assert answer_unnamed_choice("q", "哪个国家的钢铁企业出口占比最高？", hits("统计显示，法国的钢铁企业其出口占比为31.5%。")) is None
    assert answer_unnamed_choice("q", "哪个国家的钢铁企业出口占比最高？", hits(_RANKED)).short.startswith("法国（")


def test_bodies_are_named_by_the_phrase_that_ends_in_their_kind():
    text = ("甲省丙市商会为各乡镇卫生院捐赠设备总价值约800万元。甲省丁市总商会捐资45万元设立奖学金。"
            "甲省戊市商会投资9000万元建设酒店。采取公司+商会+农户的形式，动员投入资金30万元。")
    answer = answer_over_texts("哪个商会捐的最多？", text)
    assert answer.short.split("（")[0] == "甲省丙市商会"  # 投资 is no donation: the hotel's 9000万元 is not compared
    assert "甲省丁市总商会45万元" in answer.text


def test_the_company_that_tops_the_ranking_of_the_measure_answers():
    text = ("毛利率方面，其中甲乙制药的毛利率高达48%，位列毛利率榜第二位。毛利率榜榜首是丙丁生物，凭借新药的销量，该公司的毛利率超过52%。"
            "营收榜第一名是戊己能源。")
    assert answer_over_texts("榜单里哪家公司的毛利率最高？", text).short == "丙丁生物"
    assert answer_over_texts("榜单里哪家公司的营收最高？", text).short == "戊己能源"
    # The ranking of another measure does not answer, nor does a question about the least.
    from rag.answer.unnamed import answer_top_ranked
    from rag.documents import Chunk, Hit

    hits = [Hit(Chunk(id="x#0", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text), 1.0)]
    assert answer_top_ranked("q", "榜单里哪家公司的净利润最高？", hits) is None
    assert answer_top_ranked("q", "榜单里哪家公司的毛利率最低？", hits) is None

"""Questions that name their candidates and ask which has more ("A和B，哪家营收更多？").

The names are made up and unknown to the organisation table: the answer must still be
one of them, chosen by comparing the figure read for each.
"""

from rag.answer.choice import named_choice
from rag.answer.extractive import ExtractiveAnswerer
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
    assert answer.short == "蓝鲸汽车"
    assert len(answer.citations) == 2 and "312亿元" in answer.text and "455亿元" in answer.text


def test_the_smaller_is_chosen_when_asked_and_a_third_unnamed_company_never_answers():
    assert _ask("星河电子和远山物流，哪家营收更少？").short == "远山物流"
    assert _ask("星河电子和远山物流，哪家营收更多？").short == "星河电子"


def test_figures_in_different_currencies_are_not_compared():
    text = "星河电子营收为312亿元。蓝鲸汽车营收为50亿美元。"
    answer = _ask("星河电子和蓝鲸汽车，哪家营收更多？", text)
    assert answer.short not in ("星河电子", "蓝鲸汽车") or len(answer.citations) < 2


def test_a_counted_group_of_places_is_read_and_a_compared_change_is_left_to_the_usual_path():
    choice = named_choice("东坪和西岭两个县，哪个县的人口更多？")
    assert choice is not None and choice.names == ("东坪", "西岭") and choice.metric == "人口"
    # "降得更低" compares a change, whose figure (from which level to which) one reading cannot settle.
    assert named_choice("东坪和西岭两个县，哪个县的发生率降得更低？") is None

"""English questions: renderings counted once per English word, homophone places, kinds, offices a body holds."""

import pytest

import rag.answer.crosslingual as crosslingual
import rag.answer.question as question_module
import rag.answer.terms as terms
from rag.answer.crosslingual import pinyin_places
from rag.answer.terms import _covered, _group_weight, _term_groups
from rag.answer.people import _held_by_body, _people
from rag.answer.question import analyse
from rag.lexicon import chinese_for_english, english_groups


def _question(renderings, language="en"):
    return question_module.Question(original="q", text="q", language=language, kind="phrase", tokens=(),
                                    organisations=(), places=(), years=(), figures=(), about_money=False,
                                    renderings=renderings)


def test_a_word_is_covered_by_the_rendering_the_sentence_uses():
    weights = {"投资": 2.0, "投入": 3.0, "项目": 1.0}
    groups = _term_groups(_question((("投资", "投入"), ("项目",))), weights)
    total = sum(_group_weight(g) for g in groups)
    sentence = "公司投入资金建设项目"
    covered = _covered(groups, lambda t: t in sentence)
    assert covered / total == pytest.approx(1.0)  # 投入 stands for the word: 投资 is not missing


def test_without_groups_each_rendering_counts(monkeypatch):
    monkeypatch.setattr(terms, "WORD_GROUPS", False)
    weights = {"投资": 2.0, "投入": 3.0, "项目": 1.0}
    groups = _term_groups(_question((("投资", "投入"), ("项目",))), weights)
    sentence = "公司投入资金建设项目"
    assert _covered(groups, lambda t: t in sentence) / sum(_group_weight(g) for g in groups) < 1.0


def test_a_chinese_question_weighs_each_token_alone():
    weights = {"投资": 2.0, "项目": 1.0}
    groups = _term_groups(_question((), language="zh"), weights)
    assert _covered(groups, lambda t: t == "项目") == pytest.approx(1.0)
    assert sum(_group_weight(g) for g in groups) == pytest.approx(3.0)


def test_english_groups_flatten_to_the_renderings():
    text = "How much did the company invest in new factories?"
    groups = english_groups(text)
    assert all(isinstance(g, tuple) and g for g in groups)
    assert [c for g in groups for c in g if c] and chinese_for_english(text) == list(
        dict.fromkeys(c for g in groups for c in g))


_PLACES = frozenset({"渝中", "渝中区", "榆中", "榆中县"})


def test_the_kind_word_picks_the_homophone_place():
    assert pinyin_places("What is the GDP of Yuzhong County?", _PLACES) == ["榆中"]
    assert pinyin_places("What is the GDP of Yuzhong District?", _PLACES) == ["渝中"]


def test_without_the_kind_rule_one_spelling_wins_everywhere(monkeypatch):
    monkeypatch.setattr(crosslingual, "KIND_PICKS_HOMOPHONE", False)
    assert pinyin_places("What is the GDP of Yuzhong District?", _PLACES) == ["榆中"]


def test_a_possessive_place_is_the_place():
    assert pinyin_places("How big is Yuzhong's new park?", frozenset({"榆中"})) == ["榆中"]


def test_an_english_question_that_opens_asking_a_place():
    assert analyse("In which province is Hexi County, whose police arrested the gang?").kind == "place"


def test_the_number_of_a_people_noun_is_counted_in_people():
    q = analyse("What is the total number of runners allowed in the city marathon?")
    assert (q.kind, q.focus_unit) == ("count", "人")


def test_growth_and_sales_kinds():
    assert analyse("What full-year revenue growth does the firm now expect?").kind == "percent"
    assert analyse("What were the district's total retail sales in 2022?").kind == "money"


def test_an_office_held_by_a_body():
    sentence = "发行人的控股股东为某市人民政府，实际控制人是某市人民政府国有资产监督管理委员会。"
    assert _held_by_body("实际控制人是谁", sentence, _people(sentence)) == "某市人民政府国有资产监督管理委员会"


def test_an_office_held_by_a_person_written_after_his_title():
    sentence = "从股权结构来看，甲石化的实际控制人为乙医疗董事长张振国，张振国持有甲石化99%的股权。"
    assert _held_by_body("实际控制人是谁", sentence, _people(sentence)) == "张振国"


def _answer(question, text: str):
    from rag.answer.extractive import ExtractiveAnswerer
    from rag.documents import Chunk, Hit

    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0, min_coverage=0.2)
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text)
    return answerer.answer(question, [Hit(chunk, 1.0)])


def test_which_cities_with_a_capital_asks_for_every_city():
    text = "东北地区的沈阳、哈尔滨等地是中国机器人产业的发源地。"
    answer = _answer(analyse("Which cities in Northeast China are the birthplace of the robot industry?"), text)
    assert answer.short == "沈阳、哈尔滨"


def test_a_capacity_is_a_figure():
    q = analyse("What is the annual production capacity of the resin plant?")
    assert q.kind == "count"
    assert "产能" in q.text or "生产能力" in q.text

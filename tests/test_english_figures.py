"""English questions: dates and figures read into the form Chinese news writes them, and the
embedder-blended sentence choice (rag/answer/english_choice.py)."""

from __future__ import annotations

import json

import pytest

from rag.answer.crosslingual import chinese_terms, english_figures
from rag.answer.english_choice import EnglishChoice, english_choice


@pytest.mark.parametrize("text, expected", [
    ("What happened on August 7?", ["8月7日"]),
    ("What happened on the 3rd of May?", ["5月3日"]),
    ("Sales in July rose", ["7月"]),
    ("by Sept. 30th", ["9月30日"]),
    ("a stake of 180 million shares", ["1.8亿"]),
    ("2.5 billion yuan and 3 trillion", ["25亿", "3万亿"]),
    ("15,000 workers", ["1.5万"]),
    ("15 thousand workers", ["1.5万"]),
    ("it rose 33.49 percent, then 7.6%", ["33.49%", "7.6%"]),
    ("as of 9:39 on the list of 500", ["9:39", "500"]),
])
def test_english_dates_and_figures_are_read_as_chinese_news_writes_them(text, expected):
    assert english_figures(text)[0] == expected


def test_a_year_stays_in_the_text_and_what_was_read_is_blanked():
    found, rest = english_figures("In July 2023 the firm sold 180 million shares")
    assert found == ["7月", "1.8亿"]
    assert "2023" in rest and "July" not in rest and "180" not in rest and "million" not in rest


def test_a_lower_case_may_is_a_verb_not_a_month():
    assert english_figures("may the company list 12 products")[0] == ["12"]


def test_month_names_are_not_translated_as_words():
    # Without the date reading the dictionary renders "August" as 威严 (majestic).
    terms = chinese_terms("How many visitors came on August 7?")
    assert "8月7日" in terms and "威严" not in terms


def test_the_blend_prefers_a_similar_option_only_when_the_hand_score_is_close():
    rule = EnglishChoice(weight=5.0, max_options=3)
    assert rule.best([0.82, 0.65], [0.741, 0.776]) == 1  # 0.17 behind, 0.035 more similar
    assert rule.best([1.12, 0.71], [0.80, 0.81]) == 0  # far behind: the hand order stands
    assert rule.best([0.5, 0.5], [0.7, 0.7]) == 0  # a tie keeps the first
    with pytest.raises(ValueError):
        rule.best([0.5], [])


def test_weights_are_read_from_json_and_a_damaged_file_is_ignored(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"weight": 4.0, "max_options": 3}), encoding="utf-8")
    assert english_choice(good) == EnglishChoice(4.0, 3)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert english_choice(bad) is None
    assert "damaged" in capsys.readouterr().err
    assert english_choice(tmp_path / "missing.json") is None


def test_a_surname_jieba_glues_to_the_preposition_before_it_stays_with_the_name():
    from rag.answer.people import _people, _surname_glued_before

    assert _surname_glued_before("向陆", "丽丽")
    assert not _surname_glued_before("向陆", "王刚")  # the name already starts with a surname
    assert not _surname_glued_before("方向", "丽丽")  # 方 is no preposition
    names = [name for _, _, name in _people("公司拟通过协议转让方式向陆丽丽转让其持有的股份")]
    assert "陆丽丽" in names and "丽丽" not in names


def test_a_name_jieba_cuts_a_character_short_before_the_asked_title_runs_to_the_title():
    from rag.answer.people import _beside_asked_title, _people

    sentence = "这部电影由乌尔善导演，于七月上映"
    assert _beside_asked_title("这部电影的导演是谁", sentence, _people(sentence)) == "乌尔善"
    # A character that joins a name to its office is not part of the name.
    other = "公司由张三任董事长"
    assert _beside_asked_title("董事长是谁", other, [(3, 5, "张三")]) == "张三"


def test_a_romanised_chinese_name_is_found_given_name_first_too():
    from rag.answer.crosslingual import names_by_pinyin

    texts = ["公司董事长王富民表示，将继续投入研发"]
    assert names_by_pinyin(["Wang Fumin"], texts) == ["王富民"]
    assert names_by_pinyin(["Fumin Wang"], texts) == ["王富民"]


def test_a_two_word_definition_is_found_with_function_words_between():
    from rag.lexicon import chinese_for_english

    # CC-CEDICT defines 榜首 as "top of the list"; the question writes "tops the list".
    assert chinese_for_english("Which firm tops the list")[0] == "榜首"
    # Further apart, the two words are not that definition.
    assert "榜首" not in chinese_for_english("Which firm tops the big annual ranking list")


def test_a_margin_or_debt_ratio_asks_a_percentage():
    from rag.answer.question import analyse

    assert analyse("What was the gross margin of 青山电器 in Q1?").kind == "percent"
    assert analyse("What is the debt ratio of 青山电器?").kind == "percent"


@pytest.mark.parametrize("question, answer", [("What was the closing price of 青山电器 on May 6?", "12.38元")])
def test_an_english_questions_metric_binds_its_figure(monkeypatch, question, answer):
    import rag.answer.binding as binding
    from rag.answer.extractive import _figure_for
    from rag.answer.question import analyse

    sentence = "青山电器（600001）5月6日主力资金净卖出45.3万元截至5月6日收盘，青山电器报收于12.38元，下跌0.4%，负债率36.2%，毛利率35.7%。"
    figure = _figure_for(analyse(question), sentence, None)
    assert figure is not None and figure.surface == answer
    monkeypatch.setattr(binding, "ENGLISH_METRICS", False)
    figure = _figure_for(analyse(question), sentence, None)
    assert figure is None or figure.surface != answer

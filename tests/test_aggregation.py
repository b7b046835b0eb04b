"""Aggregation that is right or refuses, on small made-up articles (not the seed articles).

Each article names one enterprise and states figures with a place, a year,
a currency and a kind of spending, so each rule can be seen on its own.
"""

from __future__ import annotations

import pytest

from rag.documents import Chunk
from rag.embeddings import HashedNgramEmbeddings
from rag.facts import extract_facts, find_places
from rag.index import IndexSettings, build_index, load_index

ARTICLES = {
    "a.txt": "华润集团定点帮扶海原县和广昌县\n"
             "2022年，华润集团在援扶县累计投入帮扶资金5亿元。"
             "2020年，华润集团在海原县投入资金8000万元，建设产业园。"
             "2021年，华润集团向海原县捐赠1200万元。\n",
    "b.txt": "中国移动建设数字乡村\n"
             "2023年，中国移动在海原县投资3亿元建设光纤网络。"
             "同年，中国移动在西吉县投资8000万元建设基站。\n",
    "c.txt": "鞍钢集团在海原县的项目\n"
             "鞍钢集团在海原县投资10亿港元建设新能源项目。\n",
    "d.txt": "中国电科的公益行动\n"
             "中国电科向海原县捐赠6亿元用于教育。\n",
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from rag.chain import Assistant

    root = tmp_path_factory.mktemp("synthetic")
    corpus = root / "articles"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = IndexSettings(embedder="fake:64")
    build_index(corpus, root / "index", settings, embedder=HashedNgramEmbeddings(64), progress=False)
    return Assistant(load_index(root / "index", settings), settings, embedder=HashedNgramEmbeddings(64))


def test_a_county_written_without_its_suffix_is_a_place_and_junk_is_not():
    places = find_places("工作队赴海原推动帮扶，驻县干部在各乡加大力度，援扶县累计投入。")
    assert [p.stem for p in places] == ["海原"]
    assert places[0].level == "county"
    # A stem that is also a common word needs its suffix: 资源 is "resource", 资源县 a county.
    assert [p.surface for p in find_places("合理开发资源，资源县的项目")] == ["资源县"]


def test_passages_record_a_county_named_without_its_suffix():
    text = "华润集团董事长多次赴广昌、曲麻莱推动帮扶。"
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="t", subject="华润集团")
    assert {p.stem for p in extract_facts(chunk).places} == {"广昌", "曲麻莱"}


def test_a_place_no_article_names_is_refused_not_compared_across_everything(synthetic):
    # 曲麻莱 (a county, written without 县) is in no article: not "the most anywhere".
    answer = synthetic.ask("哪家企业在曲麻莱投资最多？")
    assert not answer.answerable
    assert answer.short == ""


def test_a_total_for_all_supported_counties_is_said_to_be_one(synthetic):
    answer = synthetic.ask("哪家企业在海原投资最多？")
    assert answer.answerable and answer.short == "华润集团"
    # 5亿元 was for all its supported counties (援扶县), not for 海原 alone.
    lead = answer.text.split("5亿元")[1].split("；")[0]
    assert "全部帮扶县的合计" in lead


def test_only_like_currencies_are_compared(synthetic):
    # 10亿港元 is not more than 5亿元 in any comparison the articles allow: 港元 figures are left out, and said so.
    answer = synthetic.ask("哪家企业在海原投资最多？")
    assert answer.short != "鞍钢集团"
    assert "港元" in answer.text and "未参与比较" in answer.text


def test_only_like_kinds_of_spending_are_compared(synthetic):
    # The question names no kind: a 6亿元 donation is not compared with investments.
    answer = synthetic.ask("哪家企业在海原的帮扶金额最多？")
    assert answer.answerable
    assert answer.short == "华润集团"
    assert "捐赠" in answer.text and "未参与比较" in answer.text


def test_which_year_most_and_least_from_the_facts(synthetic):
    assert synthetic.ask("华润集团哪一年投入的资金最少？").short == "2020年"
    assert synthetic.ask("华润集团哪一年投入的资金最多？").short == "2022年"


def test_which_county_most_from_the_facts(synthetic):
    answer = synthetic.ask("中国移动在哪个县投资最多？")
    assert answer.short == "海原县"
    assert any("3亿元" in c.quote for c in answer.citations)


def test_which_kind_of_spending_most_from_the_facts(synthetic):
    answer = synthetic.ask("华润集团哪类帮扶金额最多？")
    assert answer.short == "投资"


def test_an_english_question_about_a_county_outside_the_corpus_is_refused(synthetic):
    answer = synthetic.ask("Which enterprise invested most in Dingxi?")
    assert not answer.answerable


COUNTS = {
    "e.txt": "国家电网的帮扶成效\n"
             "2022年，国家电网定点帮扶3个县，新建变电站12座。"
             "三年来，国家电网累计帮扶两个县的15个村发展产业，其中5个村已通过验收。"
             "国家电网目前还承担4个乡的帮扶任务。"
             "国家电网下属企业还承担20个县(乡、村)的帮扶任务。\n",
    "f.txt": "南方电网的帮扶成效\n2022年，南方电网定点帮扶2个县，援建学校6所。\n",
}


@pytest.fixture(scope="module")
def counting(tmp_path_factory):
    from rag.chain import Assistant

    root = tmp_path_factory.mktemp("counting")
    corpus = root / "articles"
    corpus.mkdir()
    for name, text in {**ARTICLES, **COUNTS}.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = IndexSettings(embedder="fake:64")
    build_index(corpus, root / "index", settings, embedder=HashedNgramEmbeddings(64), progress=False)
    return Assistant(load_index(root / "index", settings), settings, embedder=HashedNgramEmbeddings(64))


def test_how_many_villages_and_counties_from_the_stated_counts(counting):
    # The count of the asked unit stated with a word of support, not another figure of the sentence.
    assert counting.ask("国家电网帮扶了多少个村？").short == "15个村"
    assert counting.ask("国家电网定点帮扶几个县？").short == "3个县"
    assert counting.ask("How many villages did State Grid support?").short == "15个村"


def test_a_count_of_counties_townships_and_villages_together_is_no_count_of_counties(counting):
    # "20个县(乡、村)" is the largest count in the passage, but not of counties alone.
    assert counting.ask("国家电网定点帮扶几个县？").short == "3个县"


def test_how_many_counties_each_of_two_organisations_supports(counting):
    # "各自" asks the question of each organisation, each by its own stated count.
    short = counting.ask("国家电网和南方电网各自定点帮扶几个县？").short
    assert "国家电网：3个县" in short and "南方电网：2个县" in short


def test_a_count_whose_word_of_support_follows_it_counts(counting):
    # "承担4个乡的帮扶任务": the word of support comes after the count.
    assert counting.ask("国家电网承担了多少个乡的帮扶任务？").short == "4个乡"


def test_which_year_without_an_organisation_or_place_is_not_compared_across_the_corpus(synthetic):
    # Figures of unrelated enterprises are no answer to "which year" without a scope.
    from rag.answer.aggregate import comparison_target
    from rag.answer.question import analyse

    assert comparison_target(analyse("哪一年投入的资金最多？")) is None
    assert comparison_target(analyse("华润集团哪一年投入的资金最多？")) == "year"


def test_a_total_for_all_supported_counties_is_not_given_as_one_countys_figure(synthetic):
    # "How much in 广昌": the articles give only the total for all of 华润集团's supported counties.
    # Not an answer (广昌's own figure is not given), but not a bare refusal: the total, cited.
    answer = synthetic.ask("华润集团在广昌投入了多少资金？")
    assert not answer.answerable and answer.text.startswith("文章没有给出广昌单独的数字；所支持各县合计5亿元")
    assert answer.citations and "5亿元" in answer.citations[0].quote
    # A figure its sentence gives for the place itself carries no such note.
    assert synthetic.ask("华润集团在海原投入了多少资金？").short == "8000万元"


def test_other_currencies_are_recorded_as_such_and_not_compared_with_yuan():
    text = "2023年，国家电网在海原县投资2亿欧元，另向海原县捐赠3000万港币。"
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="t", subject="国家电网")
    money = {m.surface: m for m in extract_facts(chunk).money}
    assert money["2亿欧元"].currency == "欧元" and money["2亿欧元"].yuan == 2e8
    assert money["3000万港币"].currency == "港元"


def test_which_county_compares_counties_not_the_prefecture_around_them():
    from rag.answer.aggregate import _asked_levels

    assert _asked_levels("国家能源集团在哪个县投入的钱最多？") == ("county",)
    assert _asked_levels("Which county got the most investment?") == ("county",)
    assert "city" in _asked_levels("哪个地方投入最多？")
    places = [p for p in find_places("在凉山两县援建的学校") if p.level in _asked_levels("哪个县投入最多")]
    assert places == []


def test_a_place_named_in_a_later_clause_about_something_else_is_not_the_figures():
    from rag.answer.aggregate import _Figure, _one_place
    from rag.facts import MoneyFact

    text = "累计投入帮扶资金1.63亿元,实施项目85个,其中:青山牧业连续三年援建宁城果蔬大棚园区。累计投入5350万元,在曲麻莱县实施生态管护。"
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="t", subject="远方集团")

    def figure(surface: str) -> _Figure:
        start = text.index(surface)
        fact = MoneyFact(yuan=1.0, currency="元", surface=surface, start=start, end=start + len(surface),
                         clause_start=start, clause_end=start + len(surface), category="investment", year=None,
                         organisation="远方集团")
        return _Figure(chunk, fact, False)

    assert _one_place(figure("1.63亿元")) is None
    assert _one_place(figure("5350万元")) == "曲麻莱县"


def test_each_organisations_figure_for_a_county_is_not_its_group_total(synthetic):
    # 华润集团's 5亿元 was for all its supported counties; 广昌县 has no figure of its own.
    answer = synthetic.ask("华润集团和中国电科分别在广昌县投入了多少钱？")
    assert "5亿元" not in answer.short

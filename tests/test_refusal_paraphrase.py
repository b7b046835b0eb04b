"""Questions worded otherwise than their article are not refused for it (made-up articles and companies).

Each rule is switched off in one test to show the test can fail without it.
"""

import pytest

import rag.answer.extractive as extractive
import rag.answer.terms as terms
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.period import listed_years, period_years, respective_year_figure
from rag.answer.refusal import RefusalModel
from rag.documents import Chunk, Hit

# Answers whenever a sentence holds an answer of the kind asked (not the untyped fallback).
TYPED = RefusalModel(bias=-30.0, weights={"typed": 60.0})


def _chunk(text: str, n: int = 1, title: str = "") -> Chunk:
    return Chunk(id=f"x#{n}", doc_id="x.txt", text=text, start=0, end=len(text), title=title, raw=text, position=n)


def _ask(question: str, *texts: str, refusal: RefusalModel = TYPED):
    idf = lambda token: 9.0 if token == "\uffff\uffff" else 1.0
    hits = [Hit(_chunk(text, n), 1.0) for n, text in enumerate(texts, 1)]
    return ExtractiveAnswerer(idf, refusal=refusal).answer(question, hits)


def test_period_years_reads_the_last_range_or_list():
    assert period_years("业绩方面，2019年至2021年，公司营收分别为…") == ("2019", "2020", "2021")
    assert period_years("于2019年度、2020年度及2021年度，公司…；2022年1-6月…") == ("2019", "2020", "2021")
    assert period_years("2015年至2016年…后来，2019年、2020年和2021年…") == ("2019", "2020", "2021")
    assert period_years("1990年至2021年的历史") == ()  # a history, not a reporting period
    assert period_years("公司成立于2010年。") == ()
    assert listed_years("2019年至2021年") == {"2019", "2020", "2021"}
    assert listed_years("公司成立于2015年，2017年以来…") == set()  # years named, no period set out


def test_a_series_without_years_takes_the_years_of_the_period_set_out_before():
    sentence = "报告期各期，公司毛利率分别为31.5%、28.2%和25.9%。"
    starts = [sentence.find(s) for s in ("31.5%", "28.2%", "25.9%")]
    figures = ["31.5%", "28.2%", "25.9%"]
    lead_in = "业绩方面，2019年至2021年，公司营收分别为1亿元、2亿元、3亿元。"
    assert respective_year_figure(figures, starts, sentence, ("2020",), lead_in) == "28.2%"
    assert respective_year_figure(figures, starts, sentence, ("2018",), lead_in) is None  # not in the period
    assert respective_year_figure(figures, starts, sentence, ("2020",), "2019年、2020年，…") is None  # 2 years, 3 figures
    # A comma inside a figure (4,399.96万元) does not end the series.
    money = "报告期各期，现金流量净额分别为-1,200.50万元、-3,400.25万元和-900.75万元，持续为负。"
    starts = [money.find(s) for s in ("1,200.50万元", "3,400.25万元", "900.75万元")]
    assert respective_year_figure(["a", "b", "c"], starts, money, ("2021",), lead_in) == "c"


def test_a_passage_continues_the_period_its_article_set_out(monkeypatch):
    first = "业绩方面，2019年至2021年，云杉科技分别实现营业收入1.2亿元、1.5亿元、1.9亿元。"
    second = "报告期各期，云杉科技主营业务毛利率分别为31.5%、28.2%和25.9%，持续下降。"
    answer = _ask("云杉科技2020年毛利率是多少？", first, second)
    assert answer.answerable and answer.short == "28.2%"
    # A year the article never names is still not answered.
    assert not _ask("云杉科技2017年毛利率是多少？", first, second).answerable
    monkeypatch.setattr(extractive, "ARTICLE_PERIOD", False)
    assert not _ask("云杉科技2020年毛利率是多少？", first, second).answerable


def test_a_metric_in_another_wording_counts_as_the_questions_word():
    assert terms._contains("公司本次拟募集资金7.1亿元", "募资")
    assert terms._contains("截至收盘，股价今开12.5元", "开盘")
    assert not terms._contains("公司本次营业收入7.1亿元", "募资")
    assert not terms._contains("股价上涨5%", "涨幅")  # rise/fall words are verbs as often as metrics


SUBSIDIARY = ("8月2日，星河文旅发布公告称，全资子公司上海星河影视有限公司与南京云杉文化产业集团有限公司订立了股权转让协议，"
              "上海星河以12.5亿元为代价受让南京云杉投资30%的股份。")


def test_a_subsidiary_or_the_other_party_named_before_the_sum_does_not_take_it_from_the_subject(monkeypatch):
    question = "星河文旅花了多少钱买下南京云杉投资30%的股份？"
    answer = _ask(question, SUBSIDIARY)
    assert answer.answerable and answer.short == "12.5亿元"
    monkeypatch.setattr(extractive, "SUBSIDIARY_AND_PARTY", False)
    assert not _ask(question, SUBSIDIARY).answerable


def test_another_organisation_that_is_the_subject_of_its_own_clause_still_owns_the_sum():
    text = "8月2日，星河文旅发布公告称，南京云杉文化产业集团有限公司以12.5亿元受让南京云杉投资30%的股份。"
    assert not _ask("星河文旅花了多少钱买下南京云杉投资30%的股份？", text).answerable


def test_a_verb_before_an_aspect_particle_is_not_part_of_the_subject():
    assert extractive._leading_noun_phrase("星河文旅花了多少钱？") in ("星河文旅", None)
    assert "花" not in (extractive._leading_noun_phrase("中国星河花了多少钱？") or "")


def test_a_place_word_that_opens_a_company_name_is_no_place_in_a_list(monkeypatch):
    question = "星河文旅花了多少钱买下南京云杉投资30%的股份？"
    assert _ask(question, SUBSIDIARY).answerable
    monkeypatch.setattr(extractive, "_opens_an_organisation_name", lambda sentence, position: False)
    assert not _ask(question, SUBSIDIARY).answerable  # "与南京…": 南京 read as one of several places


def test_a_year_the_article_only_mentions_does_not_reach_a_passage_dated_otherwise():
    first = "云杉科技成立于2015年，2017年以来专注于电子化学品。"
    second = "2023年1-6月，云杉科技主营业务毛利率为25.9%。"
    assert not _ask("云杉科技2017年毛利率是多少？", first, second).answerable


def test_a_year_the_article_only_mentions_does_not_date_a_passage_that_names_none():
    # "成立于2015年…2017年以来" sets out no reporting period: the undated figure is not 2017's.
    first = "云杉科技成立于2015年，2017年以来专注于电子化学品。"
    second = "云杉科技主营业务毛利率为25.9%，较上年有所下降。"
    assert not _ask("云杉科技2017年毛利率是多少？", first, second).answerable

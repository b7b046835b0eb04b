"""English questions: halves and quarters written H1/Q2, dimensions asked by their words (length, elevation,
floor space, installed capacity), growth asked "how fast", one-syllable dictionary places, companies the
dictionary names with a company word, figures read within one rendering, a clause after a semicolon,
romanised names found in the passages.

Names and texts are made up; each test fails with its rule taken out.
"""

from rag.answer import crosslingual, extractive, question as question_module
import rag.answer.terms as terms
from rag.answer.crosslingual import chinese_term_groups, english_figures
from rag.answer.extractive import ExtractiveAnswerer, _continued_lead
from rag.answer.question import analyse
from rag.answer.spans import find_figures, same_unit
from rag.documents import Chunk, Hit
from rag import lexicon


def _answer(question, text: str, title: str = ""):
    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0, min_coverage=0.2)
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title=title, raw=text)
    return answerer.answer(question, [Hit(chunk, 1.0)])


def test_h1_and_q2_are_periods_not_acronyms(monkeypatch):
    assert english_figures("What was the profit in H1 2023?")[0] == ["上半年"]
    assert english_figures("Revenue in 2Q?")[0] == ["二季度"]
    assert ("上半年",) in chinese_term_groups("What was the income per head in H1?")
    assert ("H1",) not in chinese_term_groups("What was the income per head in H1?")
    monkeypatch.setattr(crosslingual, "PERIODS", False)
    assert english_figures("What was the profit in H1 2023?")[0] != ["上半年"]


def test_a_figure_is_read_within_one_rendering(monkeypatch):
    # "500" and 人均 stand side by side in the renderings; they are no "500人" the passage must name.
    question = "What was the per capita income of the Fortune 500 firms?"
    assert analyse(question).figures == ()
    monkeypatch.setattr(question_module, "GROUP_FIGURES", False)
    assert analyse(question).figures != ()


def test_a_one_syllable_place_is_named_only_with_its_kind_word(monkeypatch):
    assert lexicon.places_by_english_name("How many Song cars were sold?") == []
    assert lexicon.places_by_english_name("How many people live in Song County?") == ["嵩县"]
    monkeypatch.setattr(lexicon, "ONE_SYLLABLE_NEEDS_KIND", False)
    assert lexicon.places_by_english_name("How many Song cars were sold?") == ["嵩县"]


def test_a_company_the_dictionary_names_with_a_company_word_is_found_by_its_name(monkeypatch):
    assert ("比亚迪",) in chinese_term_groups("How many cars did BYD sell?")
    lexicon._meanings.cache_clear() if hasattr(lexicon._meanings, "cache_clear") else None
    monkeypatch.setattr(lexicon, "COMPANY_NAMES", False)
    assert ("比亚迪",) not in chinese_term_groups("How many cars did BYD sell?")


def test_a_dimension_is_asked_in_its_unit(monkeypatch):
    cases = {"What is the total length of the city's metro network?": "公里",
             "How far is the new stadium from the old temple?": "公里",
             "What is the average elevation of the village?": "米",
             "How much new commercial floor space will the city add?": "平方米",
             "What is the installed photovoltaic capacity of the two plants?": "千瓦"}
    for asked, unit in cases.items():
        analysed = analyse(asked)
        assert (analysed.kind, analysed.focus_unit) == ("count", unit), asked
    answer = _answer(analyse("How far is the new stadium from the old temple?"),
                     "新体育场投资3亿元，与老寺庙相距1.5公里。")
    assert answer.short == "1.5公里"
    monkeypatch.setattr(question_module, "ENGLISH_MEASURES", [])
    assert analyse("How far is the new stadium from the old temple?").focus_unit is None


def test_latin_units_of_power_and_length_are_units():
    assert [(f.surface, f.unit) for f in find_figures("光伏容量合计约7.70MW，线路全长120km。")] == \
        [("约7.70MW", "MW"), ("120km", "km")] or \
        [(f.surface, f.unit) for f in find_figures("光伏容量合计约7.70MW，线路全长120km。")] == \
        [("7.70MW", "MW"), ("120km", "km")]
    assert same_unit("MW", "千瓦") and same_unit("km", "公里")


def test_how_fast_something_grew_asks_a_percentage():
    assert analyse("How fast did the province's GDP grow in the first half?").kind == "percent"
    assert analyse("Roughly how much did July's movie box office grow compared with last year?").kind == "percent"


def test_a_clause_after_a_semicolon_inherits_the_lead_of_the_sentence_before():
    lead = "记者近日从甲保险公司获悉，上半年，甲公司实现承保金额4543亿美元，同比增长2.1%；"
    assert _continued_lead(lead) == "记者近日从甲保险公司获悉，上半年，"
    assert _continued_lead("在6个基地累计孵化品牌达60个，全市入库品牌超300个；") == ""
    assert _continued_lead("上半年，甲公司营收10亿元。") == ""  # a full stop ends the account


def test_a_clause_after_a_semicolon_answers_with_the_period_the_sentence_before_sets(monkeypatch):
    text = ("据乙县统计局统计，上半年，全县接待国内游客1.2亿人次，同比增长120%；"
            "实现旅游收入1950亿元，同比增长207%；")
    asked = analyse("By what percentage did tourism revenue grow year on year in H1?")
    assert _answer(asked, text).short.endswith("207%")
    monkeypatch.setattr(extractive, "CONTINUED_CLAUSES", False)
    assert not _answer(asked, text).short.endswith("207%")


def test_a_romanised_name_found_in_the_passages_must_be_named_by_the_passage(monkeypatch):
    asked = analyse("What was Jiayi Tech's net profit in the first half?", names=("甲乙科技",))
    assert asked.spelled == ("甲乙科技",)
    other = _answer(asked, "上半年，丙丁股份实现净利润3亿元。")
    assert not other.answerable
    assert _answer(asked, "上半年，甲乙科技实现净利润3亿元。").short == "3亿元"
    monkeypatch.setattr(terms, "SPELLED_NAMES", False)
    assert _answer(asked, "上半年，丙丁股份实现净利润3亿元。").short == "3亿元"


def test_the_latest_period_of_a_series_is_its_last_figure(monkeypatch):
    text = "截至报告期各期末，发行人资产负债率分别为64.44%、64.95%、65.85%和66.16%；"
    asked = analyse("What was the issuer's debt-to-asset ratio at the end of the latest reporting period?")
    assert _answer(asked, text).short == "66.16%"
    monkeypatch.setattr(extractive, "LATEST_OF_SERIES", False)
    assert _answer(asked, text).short != "66.16%"


def test_a_sentence_that_points_back_is_about_what_the_sentence_before_names(monkeypatch):
    text = ("记者来到甲能新能源锂电池产业园项目指挥部，了解项目进展。"
            "为了确保这个投资600亿元的项目能够顺利投产，工作人员频繁往返。")
    asked = analyse("How much investment is the Jianeng lithium battery industrial park project worth?",
                    names=("甲能",))
    assert _answer(asked, text).short == "600亿元"
    monkeypatch.setattr(extractive, "REFERRED_BACK", False)
    assert _answer(asked, text).short != "600亿元"

"""Questions worded otherwise than their articles: informal names, other numerals, relative years,
English words whose dictionary sense the corpus does not use.

Every text here is made up (星海公司 and its figures do not exist), so the
mechanisms are shown to be general, not fitted to the seed articles.
"""

from dataclasses import replace

import pytest

import rag.answer.terms as terms
from rag.answer.crosslingual import corpus_vocabulary
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import analyse, relative_years, years_for
from rag.answer.spans import numeral_forms
from rag.documents import Chunk, Hit
from rag.lexicon import chinese_for_english

_UNSEEN = "\uffff\uffff"


def _chunk(text: str, date: str | None = None, n: int = 1) -> Chunk:
    return Chunk(id=f"x#{n}", doc_id=f"x{n}.txt", text=text, start=0, end=len(text), title="", raw=text,
                 subject="星海公司", date=date)


def _answerer(idf: dict[str, float]) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(lambda token: idf.get(token, 1.0) if token != _UNSEEN else 9.0, min_coverage=0.2)


# --- numerals -----------------------------------------------------------------------------

@pytest.mark.parametrize("token, forms", [
    ("两个", ("两个", "2个")),
    ("2个", ("2个", "二个", "两个")),
    ("十二个", ("十二个", "12个")),
    ("3家", ("3家", "三家")),
    ("三年", ("三年", "3年")),
    ("一共", ("一共",)),   # not a count: no classifier after 一
    ("一起", ("一起",)),
    ("县", ("县",)),
])
def test_a_count_word_is_also_read_in_the_other_numerals(token, forms):
    assert numeral_forms(token) == forms


def test_a_question_that_says_two_finds_the_sentence_that_writes_2(monkeypatch):
    question = "星海公司给那两个村一共拿了多少钱？"
    text = ("星海公司派员到两个村走访调研，听取意见。"
            "星海公司累计向2个帮扶村投入资金300万元，实施项目12个。")
    idf = {"两个": 4.0, "村": 2.0}
    answer = _answerer(idf).answer(question, [Hit(_chunk(text), 1.0)])
    assert answer.answerable and answer.short == "300万元"
    # Without reading 两个 as 2个 the sentence with the figure covers too little of the question.
    monkeypatch.setattr(terms, "numeral_forms", lambda token: (token,))
    assert _answerer(idf).answer(question, [Hit(_chunk(text), 1.0)]).short != "300万元"


# --- relative years -----------------------------------------------------------------------

def test_relative_years_are_read_but_a_comparison_is_not_a_year():
    assert relative_years("星海公司去年投了多少？") == (-1,)
    assert relative_years("今年和前年分别是多少？") == (0, -2)
    assert relative_years("收入比去年增长了多少？") == ()
    assert analyse("星海公司2023年和去年的投入").relative_years == ()  # an explicit year wins


def test_relative_years_resolve_against_the_article_date_only():
    question = analyse("星海公司去年投入了多少帮扶资金？")
    assert years_for(question, "2025-03-01") == ("2024",)
    assert years_for(question, None) == ()


def test_last_year_is_the_year_before_the_article_was_written():
    question = "星海公司去年投入了多少帮扶资金？"
    text = "星海公司2023年投入帮扶资金300万元，完成项目8个。2024年投入帮扶资金500万元，完成项目15个。"
    answer = _answerer({"帮扶": 2.0, "资金": 2.0}).answer(question, [Hit(_chunk(text, date="2025-01-20"), 1.0)])
    assert answer.short == "500万元"
    # A passage dated 2025 that names neither 2024 nor 去年 does not answer "去年".
    other = "星海公司2022年投入帮扶资金200万元。"
    refused = _answerer({"帮扶": 2.0, "资金": 2.0}).answer(question, [Hit(_chunk(other, date="2025-01-20"), 1.0)])
    assert not refused.answerable
    # Undated, the same passage is not held to a year it cannot be checked against.
    undated = _answerer({"帮扶": 2.0, "资金": 2.0}).answer(question, [Hit(_chunk(other), 1.0)])
    assert undated.short == "200万元"


# --- informal names -----------------------------------------------------------------------

@pytest.mark.parametrize("question, organisation", [
    ("华能去年在帮扶县投了多少钱？", "中国华能"),
    ("五矿帮了几个村？", "中国五矿"),
])
def test_a_national_enterprise_without_its_national_prefix_is_recognised(question, organisation):
    analysed = analyse(question)
    assert analysed.organisations == (organisation,)
    assert organisation in analysed.text  # searched by its full name too


@pytest.mark.parametrize("question, not_meant", [
    ("山东能源集团投了多少钱？", "国家能源集团"),  # part of another name
    ("移动支付覆盖了多少个村？", "中国移动"),      # 移动 is a word of its own
    ("大唐不夜城接待了多少游客？", "中国大唐"),    # 大唐 is a name of its own
])
def test_a_short_name_that_is_a_word_or_part_of_another_name_is_not_taken(question, not_meant):
    assert not_meant not in analyse(question).organisations


# --- English senses the corpus uses ------------------------------------------------------

def _passages_using(counts: dict[str, int]):
    return lambda word: counts.get(word, 0)


def test_english_words_take_the_sense_the_corpus_uses():
    board = _passages_using({"董事长": 6, "会议": 9})
    # In general Chinese "chairman" is 主席 first; enterprise news writes 董事长.
    assert "主席" in chinese_for_english("Who is the chairman?")
    with_corpus = chinese_for_english("Who is the chairman?", known=board)
    assert "董事长" in with_corpus and "主席" not in with_corpus
    # Two senses the corpus uses: the one it uses more leads, a rare one is left out.
    both = chinese_for_english("the chairman", known=_passages_using({"董事长": 6, "主席": 4}))
    assert both[:2] == ["董事长", "主席"]
    assert chinese_for_english("the chairman", known=_passages_using({"董事长": 20, "主席": 1})) == ["董事长"]
    # A word none of whose senses the corpus uses keeps the dictionary's choice
    # (a question about something the articles lack must still look unanswered).
    assert chinese_for_english("turbine", known=board) == chinese_for_english("turbine")


def test_nouns_made_from_verbs_are_looked_up_by_their_verb():
    # "consumption" alone is 结核 (tuberculosis) or 摄入; its verb gives 消费.
    assert "消费" in chinese_for_english("consumption", known=_passages_using({"消费": 5}))
    assert "捐赠" in chinese_for_english("donations")


def test_corpus_vocabulary_reads_passage_counts_back_from_the_idf():
    import math

    n, df = 40, {"董事": 5, "董事长": 3, "主持": 2}

    def idf(token: str) -> float:
        d = df.get(token, 0)
        return math.log(1 + (n - d + 0.5) / (d + 0.5))

    used = corpus_vocabulary(idf)
    assert round(used("董事长")) == 3 and round(used("主持")) == 2
    assert used("主席") == 0 and used("椅子") == 0


def test_an_english_question_is_rendered_with_the_corpus_sense():
    analysed = analyse("Who is the chairman of the board of Xinghai?", vocabulary=_passages_using({"董事长": 4}))
    assert "董事长" in analysed.text and "主席" not in analysed.text
    assert replace(analysed, text="").kind == "person"


# --- a group's total asked of one county ---------------------------------------------------

def test_a_total_for_all_supported_counties_is_not_given_as_one_countys_figure():
    text = "星海公司定点帮扶永和县、大宁县两个县。这一年，星海公司在援扶县累计投入帮扶资金2.5亿元。"
    answer = _answerer({"帮扶": 2.0, "资金": 2.0}).answer("星海公司在永和县投入了多少帮扶资金？",
                                                        [Hit(_chunk(text), 1.0)])
    assert not answer.answerable and answer.short == ""
    # Not a bare refusal: the reader learns what the article does say, with its source.
    assert answer.text.startswith("文章没有给出永和单独的数字；所支持各县合计2.5亿元")
    assert answer.citations and "2.5亿元" in answer.citations[0].quote
    # Asked of the supported counties as a whole, the same figure answers.
    whole = _answerer({"帮扶": 2.0, "资金": 2.0}).answer("星海公司在援扶县累计投入了多少帮扶资金？",
                                                       [Hit(_chunk(text), 1.0)])
    assert whole.answerable and whole.short == "2.5亿元"


# --- the organisation that does what the question asks -------------------------------------

@pytest.mark.parametrize("question, text, doer", [
    # A parent named first; its unit (a name without any suffix) does the giving.
    ("哪个单位给青禾小学捐了图书？", "星海集团下属的远航物流向青禾小学捐赠图书5000册。", "远航物流"),
    # The organiser is in an adverbial clause; the payer is the subject of the verb.
    ("谁出资修建了青禾村的道路？", "在星海集团协调下，蓝湾科技出资300万元修建青禾村道路。", "蓝湾科技"),
    # Two organisations, two verbs: the one before the verb asked.
    ("哪家企业承办了这次论坛？", "论坛由星海集团主办、远航物流承办。", "远航物流"),
    # The partner, not the organisation the question already names.
    ("与星海集团联合举办消费帮扶活动的是哪家企业？", "星海集团与远航物流联合举办消费帮扶活动，销售农产品500万元。", "远航物流"),
    # Brought in by another: the bank lends.
    ("哪家银行为合作社提供了贷款？", "星海集团协调青禾农商银行为合作社提供贷款2000万元。", "青禾农商银行"),
])
def test_which_organisation_is_the_doer_of_the_verb_asked_about(question, text, doer):
    answer = _answerer({}).answer(question, [Hit(_chunk(text), 1.0)])
    assert answer.answerable and answer.short == doer


def test_the_doer_is_not_a_place_a_pronoun_or_the_question_s_own_name():
    from rag.answer.actor import verb_doer

    assert verb_doer("我们向青禾小学捐赠图书。", analyse("哪家单位捐了图书？")) is None
    assert verb_doer("星海集团向青禾小学捐赠图书。", analyse("星海集团下面哪家单位捐了图书？")) is None
    assert verb_doer("永和县向青禾小学捐赠图书。", analyse("哪家单位捐了图书？")) is None


# --- how many counties ------------------------------------------------------------------

def test_a_count_of_places_with_words_between_the_classifier_and_the_noun():
    from rag.answer.aggregate import aggregate_answer

    class Facts:
        def passages_about(self, organisations):
            return [_chunk("星海公司累计向2个定点扶贫县投入资金800万元；另在9个国家级贫困县开展调研，覆盖3个县城。")]

    question = analyse("星海公司定点帮扶了几个县？")
    answer = aggregate_answer(question, Facts(), [])
    # 9个…贫困县 has no word of support in its clause (调研 is not 帮扶); 县城 is a town, not a county.
    assert answer is not None and answer.short == "2个定点扶贫县"


# --- the kind of fund asked about ------------------------------------------------------------

def test_a_sum_spent_on_something_else_does_not_answer_a_question_about_one_kind_of_fund():
    text = "星海公司在永和县累计投入5000万元，实施草场保护项目。星海公司累计投入教育扶贫资金2亿元，援建学校12所。"
    answerer = _answerer({"教育": 3.0, "永和": 3.0})
    # The county's sentence is about grassland; the education sum is not said of the county.
    asked = answerer.answer("星海公司在永和县投入了多少教育扶贫资金？", [Hit(_chunk(text), 1.0)])
    assert asked.short != "5000万元"
    # Asked without the county, the education sentence answers.
    assert answerer.answer("星海公司累计投入了多少教育扶贫资金？", [Hit(_chunk(text), 1.0)]).short == "2亿元"
    # A topic named in the sentence before ("在教育方面，") still counts.
    before = "在教育方面，星海公司持续发力。累计投入扶贫资金2亿元，援建学校12所。"
    assert answerer.answer("星海公司累计投入了多少教育扶贫资金？", [Hit(_chunk(before), 1.0)]).short == "2亿元"


def test_several_doers_listed_before_the_verb_are_all_the_answer():
    answer = _answerer({}).answer("星海集团与哪些单位联合开展了防汛演练？",
                                  [Hit(_chunk("星海集团与远航物流、蓝湾科技和青禾农商银行联合开展防汛演练。"), 1.0)])
    assert answer.short == "远航物流、蓝湾科技、青禾农商银行"
    from rag.answer.actor import verb_doer

    text = "论坛由星海集团主办、远航物流承办。"
    assert verb_doer(text, analyse("哪家企业承办了这次论坛？")) == "远航物流"  # 、 ends 主办's doer here
    # A ministry whose first word jieba reads as a set phrase (自然资源) is still a name.
    listed = _answerer({}).answer("星海集团与哪些部门联合开展了会商？",
                                  [Hit(_chunk("星海集团与自然资源部、水利部联合开展会商。"), 1.0)])
    assert listed.short == "自然资源部、水利部"

"""English questions: dictionary senses of market news, and names written in pinyin.

Names and texts are made up here; each test fails with its mechanism taken out.
"""

from rag.answer.crosslingual import chinese_terms, names_by_pinyin, romanised_names
from rag.answer.question import analyse
from rag.lexicon import chinese_for_english


def _corpus(*words):
    """A corpus vocabulary that uses exactly ``words`` (each in ten passages)."""
    return lambda word: 10.0 if word in words else 0.0


def test_a_possessive_does_not_hide_the_word():
    # "Midea's" is the dictionary's Midea (a brand, 美的); the 's must not stop the lookup.
    assert "美的" in chinese_for_english("What was Midea's closing price?")


def test_an_irregular_past_tense_finds_its_verb():
    assert chinese_for_english("How much had the share price risen?", known=_corpus("股价", "上涨")) == ["股价", "上涨"]


def test_an_abbreviation_in_a_definition_is_a_meaning():
    # CC-CEDICT defines 世贸组织 as "World Trade Organization (WTO)", and nothing as "WTO" alone.
    assert "世贸组织" in chinese_for_english("What did the WTO rule?")


def test_the_head_of_a_defined_phrase_is_a_sense_the_corpus_may_choose():
    # "chip" is 碎片 (a splinter) first; 芯片 is defined as "computer chip". A corpus that
    # writes 芯片 and not 碎片 gets 芯片; the dictionary's own order stands without a corpus.
    assert chinese_for_english("chip makers", known=_corpus("芯片"))[:1] == ["芯片"]
    assert "芯片" not in chinese_for_english("chip")


def test_market_senses_are_added_and_the_corpus_chooses():
    market = _corpus("保荐", "跌停", "研发", "板")
    assert "保荐" in chinese_for_english("Who is the sponsor?", known=market)
    assert "跌停" in chinese_for_english("Which stocks hit limit-down?", known=market)
    assert "研发" in chinese_for_english("spending on R&D", known=market)
    # Added, not put in place of the dictionary's: a corpus about carpentry keeps 木板.
    assert chinese_for_english("board", known=_corpus("木板")) == ["木板"]


def test_romanised_names_are_capitalised_words_no_dictionary_knows():
    assert romanised_names("Did Huaxin Kerui's shares rise in Shanghai?") == ["Huaxin Kerui"]
    assert romanised_names("According to the SIA figures, what did Fortune report?") == []


def test_a_pinyin_name_is_found_in_the_passages():
    passages = ["智讯APP获悉，华信科锐(301000.SZ)开启申购，长河证券为其保荐人。", "华信科锐今日上市。"]
    assert names_by_pinyin(["Huaxin Kerui"], passages) == ["华信科锐"]
    # A polyphone is read every way it can be: 乐 is le as well as yue.
    assert names_by_pinyin(["Duopule"], ["多浦乐开启申购"]) == ["多浦乐"]
    assert names_by_pinyin(["Duopule"], ["多浦集团开启申购"]) == []


def test_a_name_found_by_pinyin_is_searched_for_and_required():
    question = "Which brokerage sponsors Huaxin Kerui's IPO?"
    assert "华信科锐" not in analyse(question).text
    assert "华信科锐" in analyse(question, names=("华信科锐",)).text
    assert "华信科锐" in chinese_terms(question, names=("华信科锐",))


def test_an_acronym_is_kept_as_the_articles_write_it():
    assert "SIA" in chinese_terms("What did the SIA report about chips?")


def test_english_question_kinds():
    assert analyse("Which two stocks hit limit-down?").kind == "organisation"
    assert analyse("Which brokerage is the sponsor?").kind == "organisation"
    assert analyse("To which individual were the shares sold?").kind == "person"
    assert analyse("What is the real name of the singer?").kind == "person"


def test_two_english_questions_joined_by_and_ask_two_figures():
    question = analyse("What was the firm's closing price on May 9, and how much has the stock gained this year?")
    assert [p.kind for p in question.parts] == ["money", "percent"]
    assert analyse("How many staff did it hire and why?").parts == ()  # "why" asks no figure
    assert analyse("How many companies on the list failed to turn a profit?").kind == "count"


def test_both_figures_of_a_two_part_english_question_are_answered():
    from rag.answer.extractive import ExtractiveAnswerer, _Candidate
    from rag.documents import Chunk

    text = "截至5月9日收盘，甲乙集团涨0.98%至57.56元/股，年初至今涨16.69%。"
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="", raw=text)
    question = analyse("What was the firm's closing price on May 9, and how much has the stock gained this year?")
    short = ExtractiveAnswerer(lambda token: 1.0)._headline(question, _Candidate(1, chunk, 0, len(text), 1.0, 1.0), text)
    assert short.startswith("57.56元、") and short.endswith("%")  # the price, then a percentage


def test_which_noun_is_answered_by_the_name_that_ends_in_its_sense():
    from rag.answer.extractive import ExtractiveAnswerer, _Candidate
    from rag.documents import Chunk

    text = "8月14日，甲乙材料公司发布首次公开发行股票并在科创板上市招股说明书。"
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="", raw=text)
    question = analyse("On which board is 甲乙材料 seeking to list?")
    assert question.kind == "phrase"
    short = ExtractiveAnswerer(lambda token: 1.0)._headline(question, _Candidate(1, chunk, 0, len(text), 1.0, 1.0), text)
    assert short == "科创板"

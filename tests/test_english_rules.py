"""English questions: stock codes, names the dictionary gives whole, the classifier of the noun counted,
answers after a label, lists asked by "which two", pinyin names cut at an unknown English word.

Names and texts are made up; each test fails with its rule taken out.
"""

from rag.answer import crosslingual, extractive
from rag.answer.crosslingual import english_figures, names_by_code, names_by_pinyin
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import _english_focus, analyse
from rag.documents import Chunk, Hit
from rag.lexicon import chinese_for_english, names_by_english_name


def _answer(question, text: str):
    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0, min_coverage=0.2)
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text)
    return answerer.answer(question, [Hit(chunk, 1.0)])


def test_a_stock_code_is_kept_as_written_not_read_as_an_amount():
    assert english_figures("Who chairs Jiayi Tech (688999)?")[0] == ["688999"]
    assert english_figures("What did 600888.SH report?")[0] == ["600888"]
    assert english_figures("How many of the 180000 workers?")[0] == ["18万"]  # a plain number is still one


def test_a_stock_code_names_the_company_the_article_writes_before_it():
    text = "同日，甲乙科技（688999.SH）董事长张三提议回购，丙丁股份（600888）董事长李四也提议回购。"
    assert names_by_code("Who is the chairman of Bingding Shares (600888)?", [text]) == ["丙丁股份"]
    assert names_by_code("Who is the chairman of Bingding Shares?", [text]) == []


def test_how_many_asks_in_the_classifier_of_the_noun_counted():
    assert _english_focus("How many companies on the list made a loss?") == "家"
    assert _english_focus("How many schools did it build?") == "所"
    assert _english_focus("How many patients were treated?") == "人"
    assert _english_focus("How many vehicles were sold?") == "辆"


def test_what_follows_a_label_made_of_the_question_s_words_answers_it(monkeypatch):
    text = "甲乙科技（688999）主营业务：新型耐火材料的研发和销售，并提供技术服务。"
    question = analyse("What is Jiayi Tech (688999)'s main business?", names=("甲乙科技",))
    assert _answer(question, text).short.startswith("新型耐火材料")
    monkeypatch.setattr(extractive, "LABEL_VALUE", False)
    assert not _answer(question, text).short.startswith("新型耐火材料")


def test_a_pinyin_name_is_cut_at_an_english_word_the_dictionary_lacks(monkeypatch):
    text = "浩月石化的实际控制人为王五。"
    assert names_by_pinyin(["Haoyue Petrochemical"], [text]) == ["浩月"]
    monkeypatch.setattr(crosslingual, "PREFIX_NAMES", False)
    assert names_by_pinyin(["Haoyue Petrochemical"], [text]) == []


def test_an_institution_the_dictionary_names_whole_is_no_place(monkeypatch):
    question = "When did Haoyue Lab file its prospectus with the Shenzhen Stock Exchange?"
    assert "深交所" in dict(names_by_english_name(question))["Shenzhen Stock Exchange"]
    analysed = analyse(question)
    assert "深交所" in analysed.text and "深圳" not in analysed.places
    crosslingual.institution_names.cache_clear()
    crosslingual._institutions.cache_clear()
    monkeypatch.setattr(crosslingual, "DICTIONARY_NAMES", False)
    assert "深圳" in analyse(question).places
    crosslingual.institution_names.cache_clear()


def test_business_senses_of_accident_and_company_words():
    assert "死亡" in chinese_for_english("How many people died in the collapse?")
    assert "首席执行官" in chinese_for_english("Who is the new chief executive?", known=lambda w: 5.0 if w == "首席执行官" else 0.0)
    assert "赔款" in chinese_for_english("How much did it pay out in claims?", known=lambda w: 5.0 if w == "赔款" else 0.0)


def test_which_two_is_answered_by_the_list_the_name_is_in(monkeypatch):
    from rag.answer.extractive import _list_around

    sentence = "8月7日当天，甲乙药业（000111.SZ）、丙丁红（300999.SZ）等公司受消息影响触及跌停。"
    assert _list_around(sentence, "甲乙药业") == "甲乙药业、丙丁红"
    question = analyse("Which two stocks hit limit-down on August 7?", vocabulary=lambda w: 5.0 if w == "跌停" else 0.0)
    assert _answer(question, sentence).short == "甲乙药业、丙丁红"
    monkeypatch.setattr(extractive, "ENGLISH_LISTS", False)
    assert _answer(question, sentence).short != "甲乙药业、丙丁红"

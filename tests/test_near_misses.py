"""Near misses that must not get an answer (rag/answer/binding.py, rag/answer/extractive.py).

Made-up articles and companies. Each question is asked twice: once as the text answers it, once
as a near miss (another month, company, person, polarity, date or product), which must be refused.
Each test also fails with its mechanism switched off.
"""

import pytest

from rag.answer import binding, extractive
import rag.answer.people as person_readers
import rag.answer.terms as terms
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.refusal import RefusalModel
from rag.documents import Chunk, Hit

# Answers whenever a sentence holds an answer of the kind asked (not the untyped fallback): the binding decides.
ALWAYS = RefusalModel(bias=-30.0, weights={"typed": 60.0})


def _ask(question: str, text: str, title: str = "", date: str | None = None) -> tuple[bool, str]:
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title=title, raw=text, date=date)
    idf = lambda token: 9.0 if token == "\uffff\uffff" else 1.0
    answer = ExtractiveAnswerer(idf, refusal=ALWAYS).answer(question, [Hit(chunk, 1.0)])
    return answer.answerable, answer.short


def _off(monkeypatch, module, name):
    monkeypatch.setattr(module, name, False)


def test_the_month_named_before_the_figure_is_the_one_asked(monkeypatch):
    text = "据报道，星河汽车7月销售汽车150466辆，同比增长14.4%。"
    assert _ask("星河汽车7月销售汽车多少辆？", text) == (True, "150466辆")
    assert not _ask("星河汽车6月销售汽车多少辆？", text)[0]
    monkeypatch.setattr(binding, "named_month_bound", lambda *a: True)
    assert _ask("星河汽车6月销售汽车多少辆？", text)[0]


def test_a_company_the_question_opens_with_before_its_date_is_bound(monkeypatch):
    # jieba reads 工学导航 as a noun and a verb: only its place before the date makes it the subject.
    text = "为了此次回购，奥星生物准备了4200万元超募资金，截至16日收盘，奥星生物报49.76元/股。"
    title = "奥星生物、工学导航等公司宣布回购"
    assert _ask("奥星生物8月16日的收盘价是多少？", text, title) == (True, "49.76元")
    assert not _ask("工学导航8月16日的收盘价是多少？", text, title)[0]
    monkeypatch.setattr(binding, "_DATED_SUBJECT", binding.re.compile(r"(?!)"))
    binding._asked_names.cache_clear()
    assert _ask("工学导航8月16日的收盘价是多少？", text, title)[0]
    binding._asked_names.cache_clear()


def test_a_person_named_after_another_listed_company_is_not_the_asked_companys(monkeypatch):
    text = "提议回购的还包括星河微（688130.SH）董事长吕一泉、云顶德（688273.SH）董事长杨二嘉。"
    title = "多家公司董事长提议回购，云岭股份也在其列"
    assert _ask("星河微的董事长是谁？", text, title) == (True, "吕一泉")
    assert not _ask("云岭股份的董事长是谁？", text, title)[0]
    _off(monkeypatch, extractive, "PERSON_BOUND")
    _off(monkeypatch, person_readers, "OTHERS_TITLES")  # (which refuses it too: both titles are other companies')
    assert _ask("云岭股份的董事长是谁？", text, title)[0]


def test_a_negated_word_is_not_answered_by_its_unnegated_sentence(monkeypatch):
    text = "调研显示，对三季度发展表示较有信心的外贸企业占75.1%。"
    assert _ask("表示较有信心的外贸企业占比是多少？", text) == (True, "75.1%")
    assert not _ask("表示没有信心的外贸企业占比是多少？", text)[0]
    _off(monkeypatch, extractive, "POLARITY")
    assert _ask("表示没有信心的外贸企业占比是多少？", text)[0]


def test_the_articles_date_answers_only_when_it_was_published(monkeypatch):
    text = "记者获悉，星河区法院审理后认为，事故与运营没有直接关联，判决保险公司给付保险金。"
    assert not _ask("星河区法院是哪天作出判决的？", text, date="2023-08-15")[0]
    assert _ask("星河区法院这则消息是哪天发布的？", text, date="2023-08-15") == (True, "2023-08-15")
    monkeypatch.setattr(extractive, "_ASKS_PUBLICATION", extractive.re.compile(""))
    assert _ask("星河区法院是哪天作出判决的？", text, date="2023-08-15")[0]


def test_a_date_in_a_list_belongs_to_the_company_named_in_its_item(monkeypatch):
    text = "存在问题的企业分别是★星河超市有限公司（停止业务）★云顶投资有限公司（公司已于2022年8月1日注销）。"
    assert _ask("云顶投资有限公司是哪一天注销的？", text) == (True, "2022年8月1日")
    assert not _ask("星河超市有限公司是哪一天停止业务的？", text)[0]
    monkeypatch.setattr(binding, "_later_company", lambda *a: False)
    assert _ask("星河超市有限公司是哪一天停止业务的？", text)[0]


@pytest.mark.parametrize("question, answered", [("星河科技的Star Play有多少付费用户？", False),
                                                ("星河科技的Star Cloud有多少付费用户？", True)])
def test_a_latin_product_name_must_be_in_the_passage(monkeypatch, question, answered):
    text = "星河科技表示，旗下Star Cloud已录得1000万付费用户。"
    assert _ask(question, text)[0] is answered
    _off(monkeypatch, terms, "LATIN_NAMES")
    assert _ask(question, text)[0]


def test_a_value_word_cut_across_two_words_does_not_make_a_money_question():
    from rag.answer.question import analyse

    assert analyse("星河科技的Star Cloud有多少付费用户？").kind == "count"  # 付费|用户, not 费用
    assert analyse("这批设备的总价值约多少？").kind == "money"


def test_which_company_is_not_answered_by_words_that_name_no_organisation(monkeypatch):
    text = "记者获悉，星河区法院审理后认为，李先生只是偶尔从事网约车运营，交通事故与网约车运营没有直接关联，判决保险公司给付保险金。"
    assert not _ask("李先生一案中拒赔的是哪家保险公司？", text)[0]
    _off(monkeypatch, extractive, "ENTERPRISE_NAMES")
    assert _ask("李先生一案中拒赔的是哪家保险公司？", text)[0]


def test_a_person_asked_by_a_title_is_the_one_written_beside_it(monkeypatch):
    text = "星河铁路局相关负责同志前往云顶贸易有限公司，感谢该公司员工申一鑫；云顶贸易有限公司负责人李二林表示，这是应该做的。"
    assert _ask("云顶贸易有限公司的负责人是谁？", text) == (True, "李二林")
    monkeypatch.setattr(person_readers, "TITLES", tuple(t for t in person_readers.TITLES if t != "负责人"))
    monkeypatch.setattr(extractive, "SPEECH_AFTER_NAME", False)  # (the words where 谁 points, 李二林表示, cut to the name)
    assert _ask("云顶贸易有限公司的负责人是谁？", text) != (True, "李二林")

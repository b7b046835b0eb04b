"""Person, organisation and outlet answers: bylines, doers, Latin names, kinds of organisation.

The texts are made up; each test fails with its rule's switch turned off (or its pattern removed).
"""

import pytest

from rag.answer import extractive
import rag.answer.organisation_names as organisation_names
import rag.answer.people as person_readers
import rag.answer.terms as terms
from rag.answer.actor import verb_doer
from rag.answer.byline import outlet_in, writer_in
from rag.answer.extractive import ExtractiveAnswerer, _Candidate
from rag.answer.people import _people
from rag.answer.furniture import furniture_spans
from rag.answer.question import analyse
from rag.documents import Chunk, Hit


def _chunk(text: str, position: int = 0, subject: str | None = None, doc: str = "d") -> Chunk:
    return Chunk(id=f"{doc}#{position}", doc_id=doc, text=text, start=0, end=len(text), title="", raw=text,
                 position=position, subject=subject)


def _headline(question: str, text: str, subject: str | None = None) -> str:
    chunk = _chunk(text, subject=subject)
    candidate = _Candidate(1, chunk, 0, len(text), coverage=1.0, score=1.0)
    return ExtractiveAnswerer(lambda token: 1.0)._headline(analyse(question), candidate, text) or ""


# --- bylines and credits -------------------------------------------------------------------------

def test_the_reporter_is_read_from_the_byline_wherever_the_article_writes_it():
    passages = [_chunk("某某报丙城7月3日电 (记者甲乙丙)记者近日从丁戊公司获悉，上半年营收增长。", 0),
                _chunk("丁戊公司表示将继续扩大出口。(某某日报海外版) 【编辑:庚辛壬】", 1)]
    assert writer_in(passages, "报道丁戊公司上半年营收的记者叫什么？")[3] == "甲乙丙"
    assert writer_in(passages, "这篇稿子的编辑是谁？")[3] == "庚辛壬"
    assert outlet_in(passages, "丁戊公司那条新闻最初是哪家媒体发的？")[3] == "某某日报海外版"


def test_the_reporter_of_the_outlet_the_question_names_wins():
    text = "采写：实习生 何某某 南方某报记者 陈某返回首页。某某商报·某某新闻网记者 李某 实习生 段某某"
    assert writer_in([_chunk(text)], "写这篇稿子的南方某报记者是谁？")[3] == "陈某"
    assert writer_in([_chunk(text)], "报道此事的某某商报记者是谁？")[3] == "李某"


def test_words_after_a_role_that_are_no_name_are_not_a_byline():
    assert writer_in([_chunk("记者近日从某公司获悉，记者致电该公司未获回复。")], "报道此事的记者是谁？") is None


def test_the_reporter_question_is_answered_from_the_article_not_refused():
    first = _chunk("某某报丙城7月3日电 (记者甲乙丙)记者近日从丁戊公司获悉，丁戊公司上半年承保金额4543亿美元。", 0)
    answerer = ExtractiveAnswerer(lambda token: 9.0 if token == "\uffff\uffff" else 1.0, min_coverage=0.2)
    answer = answerer.answer("报道丁戊公司上半年承保金额的记者叫什么？", [Hit(first, 1.0)])
    assert answer.answerable and answer.short == "甲乙丙"


def test_a_dateline_s_bracketed_names_are_furniture():
    text = "某新网丙城8月15日电 (郭某某 朱某某)为加强交流，甲区台办近日组织体验营活动。"
    assert any("朱某某" in text[s:e] for s, e in furniture_spans(text))


# --- doers -------------------------------------------------------------------------------------

def test_the_doer_of_a_one_character_verb_inside_a_word():
    text = "联合湖南甲乙乳业集团共同举办青年人才培养计划，为本县青年开展培训。"
    assert verb_doer(text, analyse("省工商联和哪家企业一起办了青年人才培养计划？")) == "湖南甲乙乳业集团"


def test_a_place_that_opens_with_a_preposition_is_no_prepositional_phrase():
    text = "为加强交流，从化区台办与丙城青年之家近日共同组织首场青年交流体验营活动。"
    assert verb_doer(text, analyse("谁共同组织了青年交流体验营？")) == "从化区台办与丙城青年之家"


def test_who_is_answered_by_the_doer_of_its_verb():
    text = "为加强交流，从化区台办与丙城青年之家近日共同组织首场青年交流体验营活动，李某某出席。"
    assert _headline("谁共同组织了青年交流体验营？", text) == "从化区台办与丙城青年之家"


# --- people in Latin letters, the office asked ---------------------------------------------------

def test_latin_names_beside_an_office_are_people():
    text = "某银行分析师 James Edwardes Jones表示：“这是前首席执行官Alan Jope的一个出色的结束语。”"
    assert [p[2] for p in _people(text)] == ["James Edwardes Jones", "Alan Jope"]
    assert _people("据了解，Schumacher曾担任某乳品企业的首席执行官。")[0][2] == "Schumacher"


def test_the_office_nearest_the_question_word_is_the_one_asked():
    text = "某银行分析师 James Edwardes Jones表示：“这是前首席执行官Alan Jope的一个出色的结束语。”"
    assert _headline("说这份财报是前CEO出色结束语的分析师是哪位？", text) == "James Edwardes Jones"


def test_a_former_office_holder_does_not_answer_for_the_present_one():
    text = "前董事长王建国卸任后，董事长李明华主持工作。"
    assert _headline("甲公司前任董事长是谁？", text) == "王建国"
    assert _headline("甲公司董事长是谁？", text) == "李明华"


# --- kinds of organisation, the question's own organisation --------------------------------------

def test_an_organisation_ending_must_end_the_name():
    assert not organisation_names._reads_as_organisation("投资者")
    assert organisation_names._reads_as_organisation("东方投资")


def test_a_kind_named_by_a_word_its_names_do_not_end_in():
    assert _headline("甲乙石化的上市辅导机构是哪家券商？", "2021年9月，甲乙石化与东方证券签订上市辅导协议。",
                     subject="山东甲乙石油化学股份有限公司") == "东方证券"


def test_the_article_subject_is_no_answer_when_the_question_names_it():
    text = "2021年9月，星辉石化签订上市辅导协议，正式开启了IPO之路。"
    assert _headline("星辉石化的上市辅导机构是哪家公司？", text, subject="山东星辉石油化学股份有限公司") == ""


def test_a_name_written_after_its_description():
    text = "引进湖南省福建商会会长企业远丙集团湖南分公司来本县开展技能培训项目。"
    assert _headline("来本县开展技能培训项目的是哪家企业？", text) == "远丙集团"


@pytest.mark.parametrize("module, switch", [(extractive, "BYLINES"), (extractive, "WHO_DOER"), (person_readers, "LATIN_PEOPLE"),
                                            (person_readers, "ASKED_TITLE_LAST"), (extractive, "SUBJECT_NOT_ASKED"),
                                            (extractive, "KIND_ENDINGS"), (extractive, "APPOSED_NAMES")])
def test_each_rule_has_a_switch(module, switch):
    assert getattr(module, switch) is True


# --- where ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, text, place", [
    ("甲乙石化位于哪里？", "公开信息显示，甲乙石化成立于2011年，位于淄博市临淄区金山工业园，为高新技术企业。", "淄博市临淄区金山工业园"),
    ("列车是在哪条铁路线上被扣停的？", "受强降雨影响，运行在丰沙铁路上的两趟列车被紧急扣停。", "丰沙铁路"),
    ("华润在哪里建了希望小镇？", "华润在宁夏海原县建设希望小镇。", "宁夏海原县"),
])
def test_where_is_answered_by_the_whole_place(question, text, place):
    assert _headline(question, text) == place


def test_where_run_has_a_switch():
    assert extractive.PLACE_RUN is True


# --- "哪些…的企业" ----------------------------------------------------------------------------------

def test_which_described_organisations_asks_an_organisation():
    assert analyse("局里还走访了哪些参与线路抢修的企业？").kind == "organisation"


def test_the_names_listed_before_the_kind_asked():
    text = "负责同志还走访了参与抢险救灾的某部、某公安局以及参与线路抢修的甲乙中铁、丙丁铁建相关企业。"
    assert _headline("局里还走访了哪些参与线路抢修的企业？", text) == "甲乙中铁、丙丁铁建"
    assert extractive.LISTED_KIND is True


def test_a_company_named_the_way_people_talk_is_named_by_its_registered_name():
    question = analyse("给丙城环科餐厨垃圾公司放贷的是哪家银行？")
    chunk = _chunk("丙城市环科餐厨垃圾处理有限公司急需资金，丙城农商银行为其提供1500万元贷款。")
    assert terms._supports_required(question, chunk, chunk.text)
    assert not terms._supports_required(question, _chunk("丙城农商银行为某公司提供1500万元贷款。"), "丙城农商银行为某公司提供贷款。")
    assert terms.LOOSE_NAMES is True


def test_a_preposition_after_an_office_opens_no_name():
    assert _people("该企业负责人向来访的农商银行工作人员介绍到。") == []
    assert [p[2] for p in _people("董事长向文波主持会议。")] == ["向文波"]
    assert person_readers.NO_PREPOSITION_NAMES is True


def test_an_adverb_after_a_name_is_no_part_of_it():
    assert "汪渤" in [p[2] for p in _people("理工导航董事长汪渤也在同日提议公司回购。")]


def test_a_name_of_common_words_is_not_taken_for_the_question_s_own():
    question = analyse("显示个人投资者高度乐观的情绪调查是哪个机构做的？")
    assert not organisation_names._is_the_asked("美国个人投资者协会", question)
    assert organisation_names._is_the_asked("山东星辉石油化学股份有限公司", analyse("星辉石化的辅导机构是哪家券商？"))


def test_who_is_the_doer_of_the_verb_right_after_it_only():
    assert extractive._verb_after_who(analyse("谁共同组织了甲乙青年交流营？")) == "组织"
    assert extractive._verb_after_who(analyse("甲乙公司把股份转让给了谁？")) is None
    assert not extractive._proper_doer("协议") and extractive._proper_doer("从化区台办与丙城青年之家")

"""Binding rules that let a figure be the question's when the user writes names and dates their own way
(rag/answer/binding.py, rag/answer/extractive.py). Made-up companies and text only; each test fails with
its rule's switch off."""

import pytest

import rag.answer.binding as binding
import rag.answer.extractive as extractive
import rag.answer.organisation_names as organisation_names
import rag.answer.people as person_readers
import rag.answer.place_names as place_names
import rag.answer.terms as terms
from rag.answer.extractive import ExtractiveAnswerer
from rag.documents import Chunk, Hit
# (One passage answered with refusal left to the binding: the harness of tests/test_binding.py.)
from tests.test_binding import ALWAYS, _ask


@pytest.mark.parametrize("on", [True, False])
def test_a_kind_of_organisation_in_common_words_owns_no_figure(monkeypatch, on):
    monkeypatch.setattr(organisation_names, "GENERIC_ORGANISATIONS", on)
    text = "归属于母公司所有者的净利润为957.13万元，同比下降94.05%。"
    found = _ask("星河电子上半年归母净利润是多少？", text, title="星河电子发布半年报")
    assert found == ((True, "957.13万元") if on else (False, ""))


def test_a_named_organisation_before_the_figure_still_owns_it():
    text = "云顶集团捐赠善款人民币600万元，定向资助母校发展。"
    assert not _ask("星河集团这次捐了多少钱？", text)[0]


def _chunk(text: str, title: str) -> Chunk:
    return Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title=title, raw=text)


@pytest.mark.parametrize("on", [True, False])
def test_a_short_form_finds_the_registered_name_it_abbreviates(monkeypatch, on):
    monkeypatch.setattr(binding, "ABBREVIATIONS", on)
    text = "募集说明书显示，债券发行规模不超过60亿元，期限不超过10年。"
    title = "江海市城市建设（集团）有限公司2022年公司债券项目终止"
    short = binding.AskedName("江海城建", ("江海城建",), False)  # as the user writes it
    assert binding.name_bound(short, _chunk(text, title), text, text.find("10年"), "江海城建这期债券的期限最长是多少年？") is on
    assert binding._abbreviated("江海城建", title) == ("江海市城市建设（集团）有限公司",)
    assert binding._abbreviated("北山农商银行", "北山农村商业银行贷款余额") == ("北山农村商业银行",)
    assert binding._abbreviated("江海城建", "江海市举办城市建设论坛") == ()  # no registered name follows


@pytest.mark.parametrize("on", [True, False])
def test_the_articles_subject_named_in_a_later_clause_owns_the_figure(monkeypatch, on):
    monkeypatch.setattr(binding, "LATER_NAME_OF_SUBJECT", on)
    text = "债券类别为小公募，拟发行金额60亿元，发行人为江海城建集团有限公司。"
    name = binding.AskedName("江海城建", ("江海城建",), False)
    bound = binding.name_bound(name, _chunk(text, "江海城建集团有限公司债券项目终止"), text, text.find("60亿元"), "江海城建打算发多少钱？")
    assert bound is on
    # Not where another organisation is named before the figure.
    other = "云顶集团拟发行金额60亿元，发行人为江海城建集团有限公司。"
    assert not binding.name_bound(name, _chunk(other, "江海城建集团有限公司债券项目终止"), other, other.find("60亿元"), "江海城建打算发多少钱？")


@pytest.mark.parametrize("on", [True, False])
def test_a_question_for_a_day_is_not_answered_by_a_year(monkeypatch, on):
    monkeypatch.setattr(extractive, "DATE_PRECISION", on)
    monkeypatch.setattr(extractive, "EVENT_ANCHORS", False)  # (which also finds the 受理 sentence)
    monkeypatch.setattr(extractive, "CHINESE_REFERRED_BACK", False)  # (so does 该项目 read with the sentence before)
    text = "“星河科技2022年面向专业投资者公开发行公司债券”项目在上交所状态更新为“终止”。该项目于7月1日在上交所受理。"
    assert _ask("星河科技这个债券项目是哪天在上交所被受理的？", text)[1] == ("7月1日" if on else "2022年")


@pytest.mark.parametrize("on", [True, False])
def test_a_role_after_the_name_asks_about_the_organisation(monkeypatch, on):
    monkeypatch.setattr(extractive, "ROLE_AFTER_NAME", on)
    text = "昆仑集团捐赠善款人民币600万元，定向资助母校发展。"
    assert _ask("昆仑老板这回给母校捐了多少钱？", text) == ((True, "600万元") if on else (False, ""))


@pytest.mark.parametrize("on", [True, False])
def test_a_place_named_earlier_in_the_passage_is_the_figures(monkeypatch, on):
    monkeypatch.setattr(extractive, "PLACE_IN_PASSAGE", on)
    opening = "临江市开展干部进企业专项行动。行动以来，干部走访了各类企业。"
    text = opening + "截至7月15日，专项行动共支持企业吸纳就业5065人。"
    assert _ask("临江专项行动支持企业吸纳就业多少人？", text) == ((True, "5065人") if on else (False, ""))
    # Not where the sentence names another place the figure could be of.
    other = opening + "截至7月15日，西吉县专项行动共支持企业吸纳就业5065人。"
    assert not _ask("临江专项行动支持企业吸纳就业多少人？", other)[0]


@pytest.mark.parametrize("on", [True, False])
def test_the_questions_pronouns_and_adverbs_weigh_nothing(monkeypatch, on):
    from rag.answer.question import analyse

    monkeypatch.setattr(extractive, "FUNCTION_WORDS", on)
    text = "今年是星河杯第二届赛事。"
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text)
    rare = lambda token: 9.0 if token == "\uffff\uffff" else (5.0 if token in ("这次", "共同") else 1.0)
    weights = ExtractiveAnswerer(rare)._question_weights(analyse("2023年这次星河杯是两家共同办的第几届比赛？"), [Hit(chunk, 1.0)])
    assert (weights["这次"] == 0.0) is on
    assert weights["比赛"] == 1.0  # a noun keeps its weight
    assert weights["共同"] == 5.0  # and an adverb: 共同持股 says what the passage must


@pytest.mark.parametrize("on", [True, False])
def test_what_something_is_for_is_what_yongyu_introduces(monkeypatch, on):
    monkeypatch.setattr(extractive, "PURPOSES", on)
    text = "星河公司成立于2002年，注册资本10亿元。本次债券募集资金扣除发行费用后，拟用于偿还到期公司债券，余下补充流动资金。"
    found = _ask("星河公司发债借的钱打算拿去干嘛？", text)
    assert (found == (True, "偿还到期公司债券")) is on


@pytest.mark.parametrize("on", [True, False])
def test_a_deputy_does_not_hold_the_office_asked_about(monkeypatch, on):
    monkeypatch.setattr(person_readers, "DEPUTIES", on)
    text = "推进会上，临江区委常委、区政府副区长王立新传达了会议精神，并部署了工作任务。"
    assert _ask("临江区区长是谁？", text)[0] is not on
    assert _ask("临江区副区长是谁？", text)[1].startswith("王")  # the deputy is answered when asked for


def test_a_year_written_straight_before_a_name_is_the_year_asked():
    from rag.answer.question import analyse

    assert analyse("2024星河马拉松定在哪天开跑？").years == ("2024",)
    assert analyse("2000元能买什么？").years == ()  # a figure's number is no year
    text = "原标题：2023星河马拉松将于8月13日在乌撒广场鸣枪开跑。"
    assert _ask("2024星河马拉松定在哪天开跑？", text)[0] is False
    assert _ask("2023星河马拉松定在哪天开跑？", text) == (True, "8月13日")


@pytest.mark.parametrize("on", [True, False])
def test_an_edition_the_question_names_must_be_the_passages(monkeypatch, on):
    monkeypatch.setattr(terms, "ORDINALS", on)
    text = "第九届星河服务业发展论坛将于8月8日在临江市国际会议中心举办。"
    assert _ask("第八届星河服务业发展论坛是在哪座城市举办的？", text)[0] is not on
    assert _ask("第九届星河服务业发展论坛是在哪座城市举办的？", text)[0] is True


@pytest.mark.parametrize("on", [True, False])
def test_close_sentences_are_measured_from_a_passage_about_the_asked_company(monkeypatch, on):
    monkeypatch.setattr(extractive, "NAMED_FLOOR", on)
    other = "云顶科技上半年归母净利润为-5.63亿美元，去年同期为-10.26亿美元，亏损大幅收窄。"
    own = "公告显示，星河电子实现营业总收入15.83亿元。归属于母公司所有者的净利润为957.13万元，同比下降94.05%。"
    hits = [Hit(Chunk(id="a#1", doc_id="a", text=other, start=0, end=len(other), title="云顶科技发布半年报", raw=other), 2.0),
            Hit(Chunk(id="b#1", doc_id="b", text=own, start=0, end=len(own), title="星河电子发布半年报", raw=own), 1.0)]
    idf = lambda token: 9.0 if token == "\uffff\uffff" else 1.0
    answer = ExtractiveAnswerer(idf, refusal=ALWAYS).answer("星河电子上半年归母净利润是多少？", hits)
    assert (answer.short == "957.13万元") is on


@pytest.mark.parametrize("on", [True, False])
def test_the_kind_of_body_asked_names_how_its_name_ends(monkeypatch, on):
    monkeypatch.setattr(extractive, "ASKED_BODIES", on)
    monkeypatch.setattr(extractive, "REGISTERED_NAMES", False)  # (a later rule that also reads the 院)
    text = "这几年，临江县城边缘处“悄然”建起了一个公园和一座展览馆。"
    assert _ask("临江展览馆是哪家设计院设计的？", text)[0] is not on
    designed = "临江展览馆由星河建筑设计研究院设计，去年建成。"
    # The name runs on to the 院 that jieba cuts off (星河建筑 | 设计研究院).
    assert _ask("临江展览馆是哪家设计院设计的？", designed) == (True, "星河建筑设计研究院" if on else "星河建筑")


def _chunk_of(text: str, title: str = "") -> Chunk:
    return Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title=title, raw=text)


@pytest.mark.parametrize("on", [True, False])
def test_a_subject_that_refers_back_is_the_organisation_its_passage_names(monkeypatch, on):
    monkeypatch.setattr(binding, "BACK_REFERENCE_SUBJECT", on)
    text = "让餐厨垃圾变废为宝，仅仅是星河农商银行助力实体的一个缩影。企业负责人感激之情溢于言表。截至7月末，该行各项贷款余额320.72亿元。"
    sentence = "截至7月末，该行各项贷款余额320.72亿元。"
    name = binding.AskedName("星河农商银行", ("星河农商银行",), False)
    chunk = _chunk_of(text)
    assert binding.name_bound(name, chunk, sentence, sentence.find("320"), "星河农商银行贷款余额是多少？") is on
    other = binding.AskedName("云顶农商银行", ("云顶农商银行",), False)
    assert not binding.name_bound(other, chunk, sentence, sentence.find("320"), "云顶农商银行贷款余额是多少？")


@pytest.mark.parametrize("on", [True, False])
def test_an_event_worded_otherwise_covers_the_questions_word(monkeypatch, on):
    monkeypatch.setattr(terms, "EVENT_WORDS", on)
    text = "2013年星河集团实现整体上市。据官网显示，星河集团成立于1968年，旗下有多个品牌。"
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text)
    idf = lambda token: 9.0 if token in ("\uffff\uffff", "创办") else 1.0  # the articles never write 创办
    answer = ExtractiveAnswerer(idf, refusal=ALWAYS).answer("星河集团是哪一年创办的？", [Hit(chunk, 1.0)])
    assert (answer.short == "1968年") is on


@pytest.mark.parametrize("on", [True, False])
def test_the_date_of_the_event_asked_comes_from_the_sentence_that_writes_it(monkeypatch, on):
    monkeypatch.setattr(extractive, "EVENT_ANCHORS", on)
    monkeypatch.setattr(extractive, "CHINESE_REFERRED_BACK", False)  # (该项目 read with the sentence before finds it too)
    text = ("7月27日，上交所显示，星河城建2022年公开发行公司债券项目状态更新为终止。"
            "该项目于2022年7月1日在上交所受理。")
    assert (_ask("星河城建这个债券项目是哪天在上交所被受理的？", text)[1] == "2022年7月1日") is on


@pytest.mark.parametrize("on", [True, False])
def test_a_registered_name_the_sentence_writes_answers_which_company(monkeypatch, on):
    monkeypatch.setattr(extractive, "REGISTERED_NAMES", on)
    text = "甘肃第九建设集团有限公司临江县“市民公园”项目负责人王立：“该项目总投资是9.52亿元。"
    found = _ask("临江市民公园项目是由哪家建筑企业承建负责的？", text)
    assert (found == (True, "甘肃第九建设集团有限公司")) is on
    # A kind of company or a unit in common words is no registered name.
    assert not organisation_names._registered("上市公司") and not organisation_names._registered("研发中心")
    assert not organisation_names._registered("新冶特钢等企业")


def test_a_venue_after_the_city_is_part_of_where():
    assert place_names._place_tail("论坛将于8月8日在临江国际会议中心举办。", len("论坛将于8月8日在临江")) == "国际会议中心"
    assert place_names._place_tail("大会在临江体育馆举行", len("大会在临江")) == "体育馆"


@pytest.mark.parametrize("on", [True, False])
def test_a_person_named_short_is_answered_as_the_passage_introduces_them(monkeypatch, on):
    monkeypatch.setattr(extractive, "FULLEST_NAMES", on)
    text = ("以色列总统艾萨克·赫尔佐格当天发表讲话。尽管谈判并无进展，但赫尔佐格于7月23日晚再次会见了各政治势力的领导人，"
            "希望在最后一刻争取各方同意暂停通过相关立法。")
    assert _ask("谁希望暂停相关立法？", text)[1] == ("以色列总统艾萨克·赫尔佐格" if on else "赫尔佐格")


@pytest.mark.parametrize("on", [True, False])
def test_a_negated_compound_is_negated_by_its_head(monkeypatch, on):
    monkeypatch.setattr(binding, "NEGATED_HEADS", on)
    text = "临江城市展览馆已经竣工，没有开放的原因是消防验收还没有通过。"
    assert _ask("临江展览馆已经完工了，为什么迟迟不对外开放？", text) == ((True, "消防验收还没有通过") if on else (False, ""))


@pytest.mark.parametrize("on", [True, False])
def test_offices_joined_before_a_name_are_all_that_persons(monkeypatch, on):
    monkeypatch.setattr(person_readers, "JOINED_OFFICES", on)
    text = "”临江市大台街道办事处星河社区党支部书记、居委会主任孟二梅说。"
    assert _ask("星河社区党支部书记是谁？", text) == ((True, "孟二梅") if on else (False, ""))


@pytest.mark.parametrize("on", [True, False])
def test_a_question_for_a_year_is_not_answered_by_a_day_without_one(monkeypatch, on):
    monkeypatch.setattr(extractive, "DATE_PRECISION", on)
    text = "临江首个生态日定在8月15日。"
    assert _ask("临江首个生态日是在哪一年设立的？", text)[0] is not on
    assert _ask("临江首个生态日是在哪一年设立的？", "2023年，临江设立首个生态日，定在8月15日。")[1].startswith("2023")

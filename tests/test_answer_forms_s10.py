"""Question and sentence forms that blind questions showed the answerer missing: a registered name that
opens with the asked name, a public body asked by its field, a quotation's 公司, months and days written
alone, vehicles counted by 台, and a registered name after "甲对". Made-up names and text; each switch test
fails with its rule off."""

import pytest

import rag.answer.binding as binding
import rag.answer.extractive as extractive
import rag.answer.organisation_names as organisation_names
from rag.answer.actor import quoted_speaker, speaks_of_itself
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import analyse
from rag.answer.spans import find_figures, same_unit
from rag.documents import Chunk, Hit
from tests.test_binding import ALWAYS, _ask


@pytest.mark.parametrize("on", [True, False])
def test_a_date_after_the_asked_names_own_registered_name_is_its_own(monkeypatch, on):
    monkeypatch.setattr(binding, "OWN_REGISTERED_NAME", on)
    text = "云顶汽车研发中心（中国）有限公司将从8月1日起更名为云顶智能研究院。"
    found = _ask("云顶在华研发中心从哪天起正式更名？", text)
    assert found == ((True, "8月1日起") if on else (False, ""))


def test_a_date_after_another_registered_company_is_still_not_the_asked_ones():
    text = "星河有限公司于5月停业，云顶有限公司已于8月1日注销。"
    name = binding.AskedName("星河", ("星河",), False)
    assert binding._later_company(name, text, text.find("8月1日"))
    # 甲旗下乙有限公司: the words between name another body.
    under = "星河集团旗下云顶科技有限公司于8月1日上市。"
    assert binding._later_company(binding.AskedName("星河", ("星河",), False), under, under.find("8月1日"))


@pytest.mark.parametrize("on", [True, False])
def test_a_public_body_is_not_asked_by_the_field_it_is_named_after(monkeypatch, on):
    monkeypatch.setattr(organisation_names, "WHOLE_BODY_NAMES", on)
    text = "近期，国家知识产权局公布了2022年度国家知识产权示范单位名单，星河科技等企业入选。"
    found = _ask("2022年度国家知识产权示范单位名单是由哪个机构公布的？", text)
    assert found == ((True, "国家知识产权局") if on else (False, ""))


def _chunk(text: str, position: int) -> Chunk:
    return Chunk(id=f"x#{position}", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text,
                 position=position)


@pytest.mark.parametrize("on", [True, False])
def test_a_quotations_company_is_whoever_it_is_credited_to(monkeypatch, on):
    monkeypatch.setattr(extractive, "QUOTED_SPEAKERS", on)
    first = "多家企业布局机器人。“目前公司产品包括电机。公司的商用洗碗机器人已批量出货；主要为控制器等产品。”"
    second = "主要为控制器等产品。”星河股份表示。云顶科技则透露，公司在伺服方面有积累。"
    hits = [Hit(_chunk(first, 0), 1.0), Hit(_chunk(second, 1), 0.5)]
    idf = lambda token: 9.0 if token == "\uffff\uffff" else 1.0
    answer = ExtractiveAnswerer(idf, refusal=ALWAYS).answer("哪家公司说它的商用洗碗机器人已经批量出货？", hits)
    assert (answer.answerable, answer.short) == ((True, "星河股份") if on else (False, ""))


def test_the_speaker_of_a_quotation():
    text = "“公司订单饱满。”星河股份负责人表示。"
    assert quoted_speaker(text, 1, 8) == "星河股份"
    assert quoted_speaker("公司订单饱满。星河股份表示。", 0, 7) is None  # not quoted
    assert quoted_speaker("“公司订单饱满。”", 1, 8, "订单饱满。”云顶集团称，") == "云顶集团"  # the credit in the next passage
    assert speaks_of_itself("公司的订单饱满") and not speaks_of_itself("星河公司的订单")


@pytest.mark.parametrize("text, surface", [
    ("今年4月，星河L5正式接受预订。", "4月"), ("6月,星河收购云顶。", "6月"), ("从7月起执行。", "7月"),
    ("……9日在郑州开幕的大会。", "9日"), ("据悉，15日上午，会议召开。", "15日"),
])
def test_a_month_or_day_written_alone_is_a_date(monkeypatch, text, surface):
    import rag.answer.spans as spans

    monkeypatch.setattr(spans, "RELATIVE_YEAR_DATES", False)  # (on, 今年4月 is the date: tests/test_answer_forms_s13.py)
    assert [(f.surface, f.kind) for f in find_figures(text) if f.kind == "date"] == [(surface, "date")]


@pytest.mark.parametrize("text", ["1-6月，销量增长", "今年1至6月，销量增长", "前6月，销量增长", "连续9日在线", "近9日，气温走高"])
def test_a_span_of_months_or_a_count_of_days_is_no_date(text):
    assert not [f for f in find_figures(text) if f.kind == "date"]


def test_vehicles_counted_by_tai_are_the_vehicles_asked():
    assert same_unit("辆", "台") and same_unit("套", "台")
    assert not same_unit("辆", "套") and not same_unit("吨", "台")
    assert _ask("星河汽车上半年电车卖了多少台？", "上半年，星河汽车新能源车销量11.9万辆。") == (True, "11.9万辆")


@pytest.mark.parametrize("on", [True, False])
def test_a_registered_name_after_dui_is_a_name_of_its_own(monkeypatch, on):
    monkeypatch.setattr(binding, "NAMES_BEFORE_REGISTERED", on)
    binding._asked_names.cache_clear()
    question = "麦田电气对苏州直为精驱控制技术有限公司的持股比例是多少？"
    names = [n.name for n in binding.asked_names(analyse(question))]
    assert names == (["苏州直为精驱控制技术有限公司", "麦田电气"] if on else ["麦田电气对苏州直为精驱控制技术有限公司"])
    text = "苏州直为精驱控制技术有限公司系公司的控股子公司，截至目前麦田电气对其的持股比例为51.55%。"
    assert _ask(question, text) == ((True, "51.55%") if on else (False, ""))
    binding._asked_names.cache_clear()


@pytest.mark.parametrize("on", [True, False])
def test_each_asked_item_takes_its_own_place_in_a_longer_respective_list(monkeypatch, on):
    monkeypatch.setattr(extractive, "RESPECTIVE_ITEMS", on)
    text = "在外购零部件中，齿轮箱、伺服电机、直线推杆成本占比分别为14%、19%、15%。"
    found = _ask("星河机器人外购零部件中，齿轮箱和直线推杆的成本占比分别是多少？", text)
    assert (found == (True, "14%、15%")) is on
    assert extractive._asked_items("齿轮箱和直线推杆的成本占比分别是多少？") == ["齿轮箱", "直线推杆"]
    assert extractive._asked_items("成本占比是多少？") == []


def test_each_part_takes_the_kind_of_the_question_so_far():
    question = analyse("星河协会预计今年新能源汽车销量能到多少，市场渗透率又会提升到多少？")
    assert [p.kind for p in question.parts] == ["count", "percent"]
    assert [p.kind for p in analyse("发生率从多少降到了多少？").parts] == ["percent", "percent"]


@pytest.mark.parametrize("on", [True, False])
def test_the_level_a_change_reaches_answers_how_far_it_went(monkeypatch, on):
    monkeypatch.setattr(extractive, "CHANGE_LEVELS", on)
    text = "宝马取代星河汽车排在第三名，而星河汽车由第三名降到了第六名。"
    assert (_ask("星河汽车今年上半年的排名掉到了第几？", text) == (True, "第六名")) is on
    share = "预计市场渗透率从2022年的25.6%提升至32%左右。"
    if on:
        assert _ask("市场渗透率预计会提升到多少？", share) == (True, "32%左右")


@pytest.mark.parametrize("question, kind, unit", [
    ("今年上半年星河新区的进口额是多少？", "money", None), ("交易额达到多少？", "money", None),
    ("招生名额有多少？", "count", None), ("星河工厂三期新盖的厂房有多大？", "count", "平方米"),
    ("这个基地规模有多大？", "phrase", None),
])
def test_what_a_sum_or_a_size_asks(question, kind, unit):
    analysed = analyse(question)
    assert (analysed.kind, analysed.focus_unit) == (kind, unit)


@pytest.mark.parametrize("on", [True, False])
def test_a_part_opened_by_qizhong_is_of_the_sentence_before(monkeypatch, on):
    monkeypatch.setattr(extractive, "PART_OF_PREVIOUS", on)
    text = "今年上半年，星河新区实现贸易额1.3万亿元人民币，比去年同期增长18%。其中货物进口0.8万亿元，服务进口0.2万亿元。"
    found = _ask("今年上半年星河新区货物进口是多少？", text)
    assert (found == (True, "0.8万亿元")) is on


def test_the_inside_of_the_asked_company_is_still_the_asked():
    question = analyse("北汽蓝谷与哪家公司合作？")
    assert organisation_names._is_the_asked("北汽蓝谷内部", question)


@pytest.mark.parametrize("question, kind, unit", [
    ("What was Haiyuan's total import and export value in 2023?", "money", None),
    ("What were global new energy vehicle sales in H1 2023?", "count", "辆"),
    ("What were Apple's sales last quarter?", "money", None),
])
def test_what_an_english_trade_or_sales_question_asks(question, kind, unit):
    analysed = analyse(question)
    assert (analysed.kind, analysed.focus_unit) == (kind, unit)


def test_a_total_is_not_answered_by_a_part_opened_by_qizhong():
    text = "今年上半年，星河新区实现贸易额1.3万亿元人民币，比去年同期增长18%。其中货物贸易额0.8万亿元，服务贸易额0.5万亿元。"
    assert _ask("今年上半年星河新区的贸易总额是多少？", text) == (True, "1.3万亿元")


@pytest.mark.parametrize("on", [True, False])
def test_a_counted_metric_is_asked_in_its_classifier(monkeypatch, on):
    import rag.answer.choice as choice
    monkeypatch.setattr(choice, "COUNTED_METRICS", on)
    asked = choice.named_choice("星河博览会和云顶博览会，哪个参展企业更多？")
    assert asked.sub_question("星河博览会") == ("星河博览会参展企业有多少家？" if on else "星河博览会参展企业是多少？")


@pytest.mark.parametrize("on", [True, False])
def test_the_place_taken_as_the_asked_noun_answers_where_it_is(monkeypatch, on):
    monkeypatch.setattr(extractive, "TAKEN_AS_PLACE", on)
    text = "作为老牌车企的星河集团以长春为研发总部，打造北京、慕尼黑等12个创新研发中心。"
    assert (_ask("星河集团的研发总部设在哪个城市？", text) == (True, "长春")) is on


@pytest.mark.parametrize("on", [True, False])
def test_a_month_asked_is_not_answered_by_a_half_years_figure(monkeypatch, on):
    monkeypatch.setattr(binding, "MONTH_NOT_PERIOD", on)
    text = "此外，今年上半年，星河汽车在华售出879400辆新车，同比下降2.8%。"
    assert _ask("星河汽车今年7月在中国卖了多少辆新车？", text)[0] is not on
    assert _ask("星河汽车今年上半年在中国卖了多少辆新车？", text) == (True, "879400辆")
    july = "7月，星河汽车在华售出9.1万辆新车。"
    assert _ask("星河汽车今年7月在中国卖了多少辆新车？", july) == (True, "9.1万辆")
    carried = "今年上半年，星河新区实现贸易额1.3万亿元。其中货物贸易额0.8万亿元。"
    assert _ask("星河新区今年7月的货物贸易额是多少？", carried)[0] is not on


@pytest.mark.parametrize("on", [True, False])
def test_a_month_alone_answers_only_where_the_event_asked_is_written(monkeypatch, on):
    monkeypatch.setattr(extractive, "BARE_DATES_NEED_EVENT", on)
    halted = "去年12月，由于不愿修改剧情大纲，《星河传奇3》项目被叫停。"
    assert _ask("《星河传奇3》计划什么时候开拍？", halted)[0] is not on
    assert _ask("《星河传奇3》项目是什么时候被叫停的？", halted) == (True, "去年12月")  # (RELATIVE_YEAR_DATES)
    assert _ask("星河博览会是哪天开幕的？", "……9日在郑州启幕的星河博览会现场人头攒动。") == (True, "9日")


@pytest.mark.parametrize("on", [True, False])
def test_a_number_of_people_is_not_answered_by_a_count_of_events(monkeypatch, on):
    import rag.answer.spans as spans
    monkeypatch.setattr(spans, "PEOPLE_NOUNS", on)
    text = "本届星河博览会拟举办28场会议论坛活动。"
    assert _ask("本届星河博览会预计会有多少观众到场？", text)[0] is not on
    assert _ask("星河景区国庆接待了多少游客？", "国庆期间，星河景区接待游客12.5万人次。") == (True, "12.5万人次")


@pytest.mark.parametrize("on", [True, False])
def test_a_value_after_a_colon_runs_to_its_end(monkeypatch, on):
    monkeypatch.setattr(extractive, "COLON_VALUES", on)
    text = "在作者看来，星河集团的座右铭是：少说，多做！实用主义令人印象深刻。"
    found = _ask("作者认为星河集团的座右铭是什么？", text)
    assert (found == (True, "少说，多做")) is on


def test_a_parts_words_end_with_its_clause():
    assert [(p.kind, p.unit) for p in analyse("推介会一共签了几个项目？协议投资额又是多少？").parts] == [("count", "个项目"), ("money", None)]


@pytest.mark.parametrize("on", [True, False])
def test_the_organisation_of_a_named_person_stops_at_the_title(monkeypatch, on):
    monkeypatch.setattr(extractive, "ASKED_PERSON_CUT", on)
    text = "在享受个性化推荐服务时如何避免隐私泄露？安恒信息产品经理盖文轩表示，运用隐私计算系统可以解决。"
    found = _ask("盖文轩来自哪家公司？", text)
    assert found == (True, "安恒信息" if on else "安恒信息产品经理盖文轩")


@pytest.mark.parametrize("on", [True, False])
def test_a_later_ask_opening_with_a_pronoun_is_about_the_first_asks_subject(monkeypatch, on):
    import rag.answer.listed as listed
    monkeypatch.setattr(listed, "PRONOUN_SUBJECTS", on)
    asks = listed.separate_questions("星河智电的创始人是谁？它背后的星河又是哪一年成立的？")
    assert (asks[1] == "星河智电背后的星河又是哪一年成立的？") is on
    asks = listed.separate_questions("星河汽车上半年销量是多少？它又要在巴西哪个州建基地？")
    assert (asks[1] == "星河汽车又要在巴西哪个州建基地？") is on


def test_an_english_office_abbreviation_is_an_office():
    text = "7月18日，星河智电创始人、CEO王阳女士入选年度商界精英榜单。"
    assert _ask("星河智电的创始人是谁？", text) == (True, "王阳")


@pytest.mark.parametrize("on", [True, False])
def test_a_city_jieba_cuts_up_is_read_after_zai(monkeypatch, on):
    monkeypatch.setattr(extractive, "SUFFIX_AFTER_PREPOSITION", on)
    monkeypatch.setattr(extractive, "SUFFIX_ANYWHERE", False)  # (which would find it too)
    text = "7月5日，星河汽车宣布将与巴西巴伊亚州政府在卡马萨里市设立由三座工厂组成的生产基地。"
    found = _ask("星河汽车在巴西的生产基地设在哪个市？", text)
    assert (found == (True, "卡马萨里市")) is on

"""The question's own constraints bound to the answer's figure (rag/answer/binding.py).

Made-up articles and companies: a figure of the right unit that belongs to another
organisation, year, metric, period or work does not answer the question.
"""

import pytest

from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.refusal import RefusalModel
from rag.documents import Chunk, Hit

# Answers whenever a sentence holds an answer of the kind asked (not the untyped fallback): the binding decides.
ALWAYS = RefusalModel(bias=-30.0, weights={"typed": 60.0})


def _ask(question: str, text: str, title: str = "") -> tuple[bool, str]:
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title=title, raw=text)
    idf = lambda token: 9.0 if token == "\uffff\uffff" else 1.0
    answer = ExtractiveAnswerer(idf, refusal=ALWAYS).answer(question, [Hit(chunk, 1.0)])
    return answer.answerable, answer.short


def test_a_company_the_sentence_does_not_name_does_not_own_its_figure():
    text = "推介会上，星河乳业与国内外38家企业进行签约合作，签约总金额120.5亿元。"
    assert _ask("星河乳业在推介会上签了多少金额？", text) == (True, "120.5亿元")
    assert not _ask("云顶乳业在推介会上签了多少金额？", text)[0]
    # Two companies asked together: the sentence must name both.
    assert not _ask("星河乳业和云顶乳业这次签约的金额是多少？", text)[0]


def test_the_articles_subject_owns_a_figure_of_a_sentence_that_names_no_one_else():
    text = "公司本次发行募集资金总额12.5亿元。"
    assert _ask("星河科技这次募集资金多少？", text, title="星河科技今日上市") == (True, "12.5亿元")
    assert not _ask("云顶科技这次募集资金多少？", text, title="星河科技今日上市")[0]


def test_a_company_named_after_the_figure_does_not_own_it():
    text = "研发投入排名：北方18.7%排第一，南方仅7.6%，比如星河科技、云顶科技等企业历史都很长。"
    assert not _ask("星河科技的研发投入占比是多少？", text)[0]


def test_the_year_named_last_before_the_figure_is_the_figures_year():
    text = "星河科技曾在2019年提出要在2025年实现收入100亿元的目标。"
    assert not _ask("星河科技2019年的营业收入是多少？", text)[0]
    assert _ask("星河科技2025年收入目标是多少？", text) == (True, "100亿元")


def test_a_year_compared_with_is_not_the_figures_year():
    text = "2022年，星河科技营收52亿元，比2021年增长了13%。"
    assert _ask("星河科技2022年营收同比增长了多少？", text) == (True, "13%")


@pytest.mark.parametrize("question, answered", [("星河科技营收是多少？", "488亿元"), ("星河科技净利润是多少？", None),
                                                ("星河科技发行价是多少？", None)])
def test_the_metric_asked_is_the_one_the_figure_is_given_for(question, answered):
    text = "星河科技营收达到488亿元，同比增长41%。"
    found, short = _ask(question, text)
    assert (short if found else None) == answered


def test_a_full_year_is_not_answered_by_nine_months():
    text = "2023年1-9月，星河科技净利润预计为1800万元至2000万元。"
    assert not _ask("星河科技2023年全年净利润预计是多少？", text)[0]
    assert _ask("星河科技2023年1-9月净利润预计是多少？", text)[0]


def test_a_work_in_quotes_is_not_answered_by_another_work():
    text = "截至7月23日，《山海第一部：启程》上映4日，累计票房3.82亿元。"
    assert not _ask("《山海第二部》打算什么时候上映？", text, title="山海第一部票房")[0]
    assert _ask("《山海第一部》上映4日票房多少？", text)[0]


def test_a_name_after_the_figure_in_its_own_clause_owns_it():
    # A relative clause stands before its noun: the figure belongs to the name it modifies.
    text = "投资数十亿、耗时6年终于定档的《山海第一部》备受关注。"
    assert _ask("山海第一部花了多少年才定档？", text) == (True, "6年")


def test_a_date_may_stand_before_the_name_it_dates():
    text = "8月15日，星河科技开启申购，发行价格为71.8元/股。"
    assert _ask("星河科技是哪天开始申购的？", text) == (True, "8月15日")
    assert not _ask("云顶科技是哪天开始申购的？", text)[0]


def test_of_several_figures_the_one_of_the_year_asked_is_chosen():
    text = "星河科技2022年营收52亿元，2021年营收为46亿元。"
    assert _ask("星河科技2021年营收是多少？", text) == (True, "46亿元")


def test_another_company_heading_the_figures_clause_owns_it_even_in_the_subjects_article():
    title = "星河科技参加奶业推介会"
    assert not _ask("星河科技在推介会上签了多少金额？", "云顶科技凭借1200亿元签约总金额居首。", title=title)[0]
    # A name inside the clause (where it was published) is not the clause's subject.
    assert _ask("星河科技公布了多少家机构的等级？", "目前已在官网、微信服务号上公布了27家机构的等级。", title=title) \
        == (True, "27家")


def test_the_counted_noun_ends_where_its_words_end():
    # "几家企业签了合作": 企业 is counted; the verb after it is not part of the noun.
    assert _ask("这次星河乳业一共跟几家企业签了合作？", "推介会上，星河乳业与国内外38家企业进行签约合作。") == (True, "38家")


def test_a_name_the_passage_only_lists_does_not_own_the_articles_figures():
    text = "公司客户包括国家电网、南方石油等企业。报告期内，公司研发投入占比为12%。公司净利润为5157.09万元。"
    assert not _ask("国家电网的净利润是多少？", text, title="星河科技今日申购")[0]
    # The subject carried over from the sentence before.
    text = "星河科技成立于2010年，主营检测设备。公司净利润为5157.09万元。"
    assert _ask("星河科技的净利润是多少？", text, title="新股申购一览") == (True, "5157.09万元")


def test_metrics_listed_together_share_the_figures_after_them():
    text = "星河科技对行业营业收入与利润总额增长的贡献率达到30.3%和25.3%。"
    assert _ask("星河科技对行业营业收入增长的贡献率是多少？", text)[0]


def test_a_list_may_name_its_metric_once_before_its_items():
    text = "分行业看，星河行业营业收入增长5%。云顶服务7051亿元，下降2.5%。"
    assert _ask("云顶服务的营业收入是多少？", text)[0]
    assert not _ask("云顶服务的净利润是多少？", text)[0]


def test_a_name_only_listed_in_the_sentence_before_is_not_its_subject():
    text = "星河乳业、云顶乳业等197家企业出席活动。推介会上，签约总金额1200.63亿元。"
    assert not _ask("云顶乳业这次签约的金额是多少？", text, title="奶业推介会")[0]


def test_a_name_that_heads_a_clause_elsewhere_in_the_passage_owns_its_figures():
    from rag.answer.binding import binds
    from rag.answer.question import analyse

    text = "星河影业公告称，影片上映4日。另外，猫眼数据显示票房超过4亿元。公司在三部影片中的投资不高于13亿元。"
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="票房快讯", raw=text)
    sentence = "公司在三部影片中的投资不高于13亿元。"
    assert binds(analyse("星河影业在三部影片中的投资是多少？"), chunk, sentence, sentence.find("13"))
    # A name the passage only lists is not the subject of its figures.
    listed = "客户包括星河影业、云顶传媒等。" + text.replace("星河影业公告称", "北方公告称")
    chunk = Chunk(id="x#1", doc_id="x.txt", text=listed, start=0, end=len(listed), title="票房快讯", raw=listed)
    assert not binds(analyse("星河影业在三部影片中的投资是多少？"), chunk, sentence, sentence.find("13"))


def test_a_figure_labelled_as_the_asked_metric_beats_an_unlabelled_one(monkeypatch):
    import rag.answer.extractive as extractive

    # A market report's title runs into its first sentence: the title's sum and the closing price share it.
    text = "青山电器（600001）5月6日获融资买入45.3万元截至2023年5月6日收盘，青山电器(600001)报收于12.38元，下跌0.4%。"
    assert _ask("青山电器5月6日收盘价是多少？", text) == (True, "12.38元")
    monkeypatch.setattr(extractive, "LABELLED_METRIC", False)
    assert _ask("青山电器5月6日收盘价是多少？", text) != (True, "12.38元")


@pytest.mark.parametrize("question, answered", [("青山电器的扣非净利润是多少？", None),
                                                ("青山电器的融资融券余额是多少？", None),
                                                ("青山电器的负债率是多少？", None)])
def test_a_market_reports_metrics_are_told_apart(question, answered):
    # 归母净利润 is not 扣非净利润; 融券余额 is not 融资融券余额; an income's change is no 负债率.
    text = "青山电器2023一季报显示，公司主营收入5.4亿元，同比上升50.8%，归母净利润261万元，融券余额53万元。"
    found, short = _ask(question, text)
    assert (short if found else None) == answered


def test_one_month_is_not_answered_by_the_months_up_to_it(monkeypatch):
    import rag.answer.binding as binding

    text = "1-7月份，星河汽车累计销售汽车891895辆，同比增长47%。"
    assert not _ask("星河汽车7月卖了多少辆车？", text)[0]
    assert _ask("星河汽车1-7月累计卖了多少辆车？", text) == (True, "891895辆")
    assert _ask("星河汽车到7月累计卖了多少辆车？", text) == (True, "891895辆")
    both = "星河汽车7月份销售汽车150466辆，同比增长58.3%。1-7月份，星河汽车累计销售汽车891895辆。"
    assert _ask("星河汽车7月卖了多少辆车？", both) == (True, "150466辆")
    monkeypatch.setattr(binding, "MONTHS_TO_DATE", False)
    assert _ask("星河汽车7月卖了多少辆车？", text)[0]
def test_a_question_word_is_no_part_of_a_registered_name_the_question_opens_with():
    # "…是哪天到X有限公司…": the subject is the bureau, and X (the place it went to) binds nothing.
    text = "9月3日，南山铁路局相关负责同志前往东湖顺达贸易有限公司，送去了感谢信。"
    assert _ask("南山铁路局负责人是哪天到东湖顺达贸易有限公司送感谢信的？", text) == (True, "9月3日")


def test_a_day_asked_is_not_answered_by_another_days_figure(monkeypatch):
    import rag.answer.binding as binding

    text = "截至2023年9月14日收盘，青山电器报收于12.35元，上涨1.2%。"
    assert not _ask("青山电器9月15日收盘价是多少？", text)[0]
    assert _ask("青山电器9月14日收盘价是多少？", text) == (True, "12.35元")
    assert _ask("青山电器收盘价是多少？", text) == (True, "12.35元")
    monkeypatch.setattr(binding, "DAY_BOUND", False)
    assert _ask("青山电器9月15日收盘价是多少？", text)[0]


def test_a_report_named_for_its_period_gives_that_periods_figure(monkeypatch):
    import rag.answer.binding as binding

    text = "青山电器2023一季报显示，公司主营收入5.4亿元，同比上升50.8%。"
    assert not _ask("青山电器2023年半年报营收是多少？", text)[0]
    assert _ask("青山电器2023年一季度营收是多少？", text) == (True, "5.4亿元")
    monkeypatch.setattr(binding, "_PERIOD_WORDS", __import__("re").compile("全年|上半年|一季度"))
    assert _ask("青山电器2023年半年报营收是多少？", text)[0]


def test_a_sentence_without_a_period_continues_the_period_before_it(monkeypatch):
    import rag.answer.binding as binding

    text = "数据显示，星河食品第二季度营收为157亿元。按业务划分，饮品业务营收为31亿元；冰品业务营收为28亿元。"
    assert not _ask("星河食品冰品业务第一季度营收是多少？", text)[0]
    assert _ask("星河食品冰品业务第二季度营收是多少？", text)[0]
    monkeypatch.setattr(binding, "PERIOD_CARRIED", False)
    assert _ask("星河食品冰品业务第一季度营收是多少？", text)[0]


def test_earnings_per_share_is_not_an_investment_income():
    text = "青山电器2023一季报显示，公司投资收益38.27万元，财务费用572.79万元，毛利率29.19%。"
    assert not _ask("青山电器2023年一季度每股收益是多少？", text)[0]
    assert _ask("青山电器2023年一季度投资收益是多少？", text) == (True, "38.27万元")


def test_the_questions_own_subject_does_not_answer_it(monkeypatch):
    import rag.answer.extractive as extractive

    text = "近期，深耕多年的青山实验室系统科技股份有限公司向深交所提交招股书，拟创业板上市。"
    assert not _ask("青山实验这次IPO的保荐机构是哪家券商？", text)[0]
    monkeypatch.setattr(extractive, "OWN_SUBJECT", False)
    assert _ask("青山实验这次IPO的保荐机构是哪家券商？", text)[0]


@pytest.mark.parametrize("question", ["青山电器8月2日盘中最高价是多少？", "机构给青山电器的目标均价是多少？"])
def test_a_price_asked_is_not_another_figure_of_the_market_report(question):
    text = "青山电器8月2日主力资金净卖出245.34万元，归母净利润-948.35万元。"
    assert not _ask(question, text)[0]


def test_a_name_that_opens_with_the_place_asked_about_still_answers():
    text = "7月24日，苏州市第三十四中学校体育馆楼顶坍塌。"
    assert _ask("苏州市那个体育馆塌顶的是哪个学校？", text) == (True, "苏州市第三十四中学校")


def test_a_who_answer_that_ends_in_the_questions_own_name_is_not_given(monkeypatch):
    import rag.answer.extractive as extractive

    text = "对于多次被执行的原因及具体情况，记者致电并发送采访函至鑫晖石化办公室，但截至发稿未获回复。"
    assert not _ask("鑫晖石化那几次被执行的申请执行人是谁？", text)[0]
    monkeypatch.setattr(extractive, "OWN_SUBJECT", False)
    assert _ask("鑫晖石化那几次被执行的申请执行人是谁？", text)[0]


def test_a_double_digit_growth_is_no_count_and_a_unit_after_a_magnitude_is_asked():
    from rag.answer.question import analyse
    from rag.answer.spans import find_figures

    text = "2022年星河机器人全行业营业收入超过1700亿元，继续保持两位数增长。"
    assert not any(f.surface == "两位" for f in find_figures(text))
    assert not _ask("2022年星河工业机器人的产量是多少万套？", text)[0]
    assert analyse("星河工业机器人的产量是多少万套？").focus_unit == "套"


def test_words_the_question_shares_with_a_name_later_on_do_not_make_it_the_subject():
    text = "美国个人投资者协会的情绪调查显示，个人投资者高度乐观。"
    assert _ask("显示个人投资者高度乐观的情绪调查是哪个机构做的？", text)[0]

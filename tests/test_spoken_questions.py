"""Questions as people say them: a day as 号, a sentence-final particle, a listed company's code beside
the figure asked, and a question that asks which way a figure moved. Made-up text only."""

from rag.answer import extractive
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import analyse, spoken_forms
from rag.documents import Chunk, Hit

_REPORT = "截至2030年3月5日收盘，甲乙科技(612345)报收于7.21元，下跌2.35%，换手率1.10%，成交量2.01万手。"


def _answer(question: str, text: str):
    # (the weight of an unknown word, "\uffff\uffff", is what a word no passage uses weighs)
    answerer = ExtractiveAnswerer(lambda token: 1.0 if token != "\uffff\uffff" else 9.0, min_coverage=0.2)
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="测试")
    return answerer.answer(question, [Hit(chunk, 1.0)])


def test_a_spoken_day_and_a_final_particle_take_the_written_forms():
    assert spoken_forms("甲乙科技3月5号收盘跌了多少啊？") == "甲乙科技3月5日收盘跌了多少？"
    assert spoken_forms("三月五号呢") == "三月五日"
    # 号 as a building, line or gate number stays, and so does 吗 (a yes/no question).
    assert spoken_forms("5月1号线开通了吗？") == "5月1号线开通了吗？"


def test_a_particle_after_how_much_still_reads_as_a_change():
    assert analyse("甲乙科技3月5号收盘跌了多少啊？").text == "甲乙科技3月5日收盘跌了多少？"
    assert _answer("甲乙科技3月5号收盘跌了多少啊？", _REPORT).short == "2.35%"


def test_how_large_a_move_asks_a_percentage():
    assert analyse("甲乙科技那天的变动幅度是多少？").kind == "percent"


def test_a_listed_companys_code_is_not_a_figure_it_is_a_name():
    figure = extractive._figure_for(analyse("甲乙科技收盘是多少？"), _REPORT, None)
    assert figure is None or figure.surface != "612345"
    assert extractive._figure_for(analyse("甲乙科技的股票代码是多少？"), _REPORT, None).surface == "612345"


def test_which_way_a_figure_moved_is_kept_when_the_question_asks_it():
    assert _answer("甲乙科技3月5日是涨是跌，幅度多少？", _REPORT).short == "下跌2.35%"
    # Asked only the size, the size alone.
    assert _answer("甲乙科技3月5日跌幅是多少？", _REPORT).short == "2.35%"


def test_a_code_asked_with_what_is_read_as_the_code():
    assert _answer("甲乙科技的股票代码是什么？", _REPORT).short == "612345"


def test_a_code_is_read_from_the_sentence_that_writes_one():
    text = "甲乙科技在一个交易日里完成了3次转让。" + _REPORT
    assert _answer("甲乙科技的股票代码是什么？", text).short == "612345"


def test_spoken_question_words_are_read_as_the_written_ones():
    assert spoken_forms("营收为啥涨了？") == "营收为什么涨了？"
    assert analyse("甲乙科技啥时候上市的？").kind == "date"
    assert analyse("甲乙科技是干啥的？").kind == analyse("甲乙科技是干什么的？").kind


def test_which_days_asks_a_date_not_a_duration():
    assert analyse("警方是在哪几天统一收网的？").kind == "date"
    assert analyse("统一收网用了几天？").kind == "duration"
    text = "6月21日至22日，某县公安机关组织警力对多个窝点开展统一抓捕行动。"
    assert _answer("某县公安机关对窝点统一抓捕是在哪几天？", text).short.startswith("6月21日")


def test_a_span_of_days_is_stated_whole():
    from rag.answer.spans import find_figures, stated_figure

    sentence = "展会于8月8日—10日在某市举办，6月21日至22日闭馆。"
    figures = [f for f in find_figures(sentence) if f.kind == "date"]
    assert [stated_figure(sentence, f) for f in figures] == ["8月8日—10日", "6月21日至22日"]


def test_a_month_with_the_part_of_it_meant_is_a_date():
    text = "为确保这个投资甲亿元的项目能够于8月底顺利投产，督查人员频繁往返两地。"
    assert _answer("这个项目计划什么时候投产？", text).short == "8月底"


def test_a_question_that_names_a_code_to_ask_a_count_is_not_answered_with_the_code():
    text = "公告显示，甲乙科技(612345)目前共有员工1200人。"
    assert _answer("股票代码612345的甲乙科技有多少员工？", text).short == "1200人"

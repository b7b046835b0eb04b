"""Which kind of answer a question asks when it names a metric it does not ask for (rag/answer/question.py)."""

from rag.answer.question import analyse


def test_a_metric_noun_asks_money_only_where_no_other_question_word_asks():
    assert analyse("星河科技去年营收是多少？").kind == "money"
    assert analyse("星河科技上半年的净利润有多少").kind == "money"
    # 收入 and 融资 name the topic; 什么/哪个 ask a phrase.
    assert analyse("为小微企业提供融资担保取得的担保费收入享受什么税收优惠？").kind == "phrase"
    assert analyse("面对收入下滑，公司希望靠发展什么业务来缓解？").kind == "phrase"
    assert analyse("担保费收入免税政策里的小型企业按照哪个规定来划分？").kind == "phrase"


def test_a_count_asked_with_ge_is_a_count_whatever_metric_it_counts():
    question = analyse("企业营业收入指标按担保生效前多少个自然月的累计数确定？")
    assert (question.kind, question.focus_unit) == ("count", "个")
    assert analyse("这次募资几个亿？").kind == "money"  # 几个亿 is a sum


def test_a_price_per_share_is_money_and_a_share_of_a_total_a_percentage():
    assert analyse("What is the maximum buyback price per share set by Xinghe Tech?").kind == "money"
    assert analyse("What share of revenue came from services?").kind == "percent"


def test_a_noun_of_money_after_duoshao_asks_money_and_a_classifier_still_counts():
    for question in ("跑得最好能拿多少奖金？", "装了光伏一年能少交多少电费？", "被忽悠交了多少报名费？", "每年节省多少电费成本？",
                     "马拉松的报名费是多少？", "展会的展位费要多少钱？"):
        assert analyse(question).kind == "money", question
    for question in ("有多少家基金公司参与？", "共有多少笔贷款？", "多少人领到补贴？", "获得多少金牌？", "补贴了多少户？"):
        assert analyse(question).kind == "count", question


def test_a_dimension_asked_by_its_noun_is_a_measure_in_its_unit():
    for question, unit in (("临江大桥的高度是多少？", "米"), ("综合楼总建筑面积有多大？", "平方米"), ("这个园区面积是多少亩？", "亩")):
        found = analyse(question)
        assert (found.kind, found.focus_unit) == ("count", unit), question
    assert analyse("产生了多大的影响？").kind == "phrase"  # a size of nothing measured


def test_a_loss_is_money():
    assert analyse("星河公司第二季度的净亏损是多少？").kind == "money"

"""Typed answers: what a question asks for, the figure reader, and the span chosen from a sentence.

Sentences are made up here, not taken from the seed articles, so the rules are
shown to be general.
"""

import pytest

from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import analyse
from rag.answer.spans import find_figures, focus_unit, read_number
from rag.documents import Chunk, Hit


@pytest.mark.parametrize("question, kind", [
    ("哪家公司捐了这批设备？", "organisation"),
    ("谁当选了商会会长？", "person"),
    ("Who chairs the board?", "person"),
    ("合作社的分红比例是多少？", "percent"),
    ("该县在全省排名第几？", "rank"),
    ("项目建设用了多长时间？", "duration"),
    ("项目是什么时候竣工的？", "date"),
    ("厂里花了多少钱买设备？", "money"),
    ("设备的总价值约多少？", "money"),
    ("一共培训了多少名教师？", "count"),
    ("新建了几座桥？", "count"),
    ("项目落在哪个村？", "place"),
    ("他们为什么要修这条路？", "phrase"),
    ("这只股票的涨幅是多少？", "percent"),
    ("车程缩短了多少小时？", "duration"),
    ("新品在哪个展会上发布？", "phrase"),
    ("要加强哪些区域的排查？", "phrase"),
    ("事件发生在哪个州？", "place"),
    ("产品销往哪个市场？", "phrase"),
    ("火灾造成了多少美元的损失？", "money"),
    ("指数上升了多少个百分点？", "percent"),
    ("门票价格是多少？", "money"),
    # Prices, fund-raising and box office are sums of money, though 多少 names no unit.
    ("新股的发行价定的是多少？", "money"),
    ("这家公司上市准备募资多少？", "money"),
    ("电影的总票房超过多少了？", "money"),
    # A share of something: "占…的多少", a holding.
    ("出口额占全年销售额的多少？", "percent"),
    ("转让以后他还占多少股份？", "percent"),
    ("工厂占地多少亩？", "count"),
    # 第几 asks a rank even when a percentage word names what is ranked.
    ("这个行业的研发占比排第几？", "rank"),
    # A count asked with its classifier stays a count beside money words.
    ("名单上有几家公司营收下滑？", "count"),
    ("全年利润同比涨了多少？", "percent"),
])
def test_question_kinds(question, kind):
    assert analyse(question).kind == kind


def test_figures_read_chinese_numerals_and_units():
    figures = find_figures("共投入三千万元，培训教师1,200名，增长15.6%，排名第十二位，历时两年，2023年5月20日竣工。")
    by_kind = {f.kind: f for f in figures}
    assert by_kind["money"].value == 30_000_000 and by_kind["money"].unit == "元"
    assert by_kind["count"].value == 1200 and by_kind["count"].unit == "名"
    assert by_kind["percent"].surface == "15.6%"
    assert by_kind["rank"].value == 12
    assert by_kind["duration"].surface.startswith("两年")
    assert by_kind["date"].surface == "2023年5月20日"
    assert read_number("7.78亿元") == 778_000_000


def test_words_that_hold_a_numeral_are_not_figures():
    assert find_figures("统一部署，唯一的办法，一起推进") == []


def test_focus_unit_of_a_count_question():
    assert focus_unit("培训了多少人") == "人"
    assert focus_unit("帮扶了几个县") == "个县"
    assert focus_unit("参与人数是多少") == "人"


def _chunk(text: str, subject: str | None = None) -> Chunk:
    return Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text, subject=subject)


def _answer(question: str, text: str, subject: str | None = None):
    idf = {"培训": 2.0, "教师": 2.0, "投入": 2.0, "资金": 2.0}.get
    answerer = ExtractiveAnswerer(lambda token: idf(token, 1.0) if token != "\uffff\uffff" else 9.0, min_coverage=0.2)
    return answerer.answer(question, [Hit(_chunk(text, subject), 1.0)])


def test_the_figure_of_the_unit_asked_wins_over_the_nearest_figure():
    answer = _answer("县里一共培训了多少名教师？", "县里投入资金300万元，培训教师1200名，覆盖学校45所。")
    assert answer.short == "1200名"


def test_money_is_asked_by_a_bare_how_much_about_spending():
    answer = _answer("县里投入了多少资金？", "县里培训教师1200名，投入资金300万元。")
    assert answer.short == "300万元"


def test_several_figures_in_one_question_are_each_answered():
    answer = _answer("调研了多少次、多少人次？", "全年赴基层调研71次、284人次。")
    assert answer.short == "71次、284人次"


def test_a_second_part_asking_the_change_is_answered_with_the_percentage():
    answer = _answer("公司营收多少？同比涨了多少？", "公司全年营收820亿元，同比增长12.5%，净利润95亿元，同比增长3.1%。")
    assert answer.short == "820亿元、12.5%"


def test_a_sentence_about_another_year_is_not_the_answer():
    answer = _answer("2023年投入了多少资金？", "2024年，县里投入资金300万元。")
    assert not answer.answerable


def test_the_organisation_the_sentence_names_beats_the_articles_subject():
    answer = _answer("向学校捐赠设备的是哪个机构？", "中华慈善总会向学校捐赠设备，价值475万元。", subject="湖南省工商联")
    assert answer.short == "中华慈善总会"


def test_a_what_question_is_answered_with_the_clause_where_the_question_points():
    answer = _answer("光老化会引发什么症状？", "研究表明，光老化会引发皮肤粗糙、皱纹加深等不可逆损伤。")
    assert "皮肤粗糙、皱纹加深" in answer.short and "研究表明" not in answer.short


def test_a_figure_the_question_states_is_not_its_answer():
    answer = _answer("那1200名教师里有多少名是女教师？", "县里投入资金300万元，培训教师1200名。")
    assert not answer.answerable


@pytest.mark.parametrize("span, tidied", [
    ("，他们称这次演出是“空前成功”。", "他们称这次演出是“空前成功”"),  # the closing quote the clause opened
    ("“非常遗憾”，", "“非常遗憾”"),  # quoted whole: the quotes stay
    ("“完全没有理由”", "“完全没有理由”"),  # no particle (由) is cut from inside a quotation
    ("是《山海经》的", "《山海经》"),
    ("已经完成了的", "完成"),  # particles still go
])
def test_tidy_keeps_both_halves_of_quotes_and_title_marks(span, tidied):
    from rag.answer.spans import tidy

    assert tidy(span) == tidied


@pytest.mark.parametrize("sentence, stated", [
    ("新桥高约80米，", "约80米"),
    ("年产量将稳定在5亿吨以上。", "5亿吨以上"),
    ("刑期可能超过300年。", "超过300年"),
    ("预计降雨量达30至45毫米。", "30至45毫米"),
    ("办理期限为2022年3月至2022年9月底。", "2022年3月至2022年9月底"),
    ("新线预计2025年上半年或2025年下半年开通。", "2025年上半年或2025年下半年"),
    ("利率比上年下降20个基点。", "20个基点"),
    ("二季度环比增长-0.4%。", "-0.4%"),
    ("适龄人群为20-30岁。", "20-30岁"),
])
def test_a_figure_is_given_with_its_qualifier_and_whole_range(sentence, stated):
    from rag.answer.spans import stated_figure

    assert stated_figure(sentence, find_figures(sentence)[0]) == stated


def test_a_count_answer_keeps_the_bound_the_sentence_gives():
    answer = _answer("县里一共培训了多少名教师？", "县里投入资金300万元，培训教师1200名以上。")
    assert answer.short == "1200名以上"


def test_a_person_is_named_whole_with_the_title_before_the_name():
    answer = _answer("谁主持了这次会议？", "会上，瑞典驻华大使约翰·安德松主持了这次会议。")
    assert answer.short == "瑞典驻华大使约翰·安德松"


def test_a_who_question_answered_by_an_organisation():
    answer = _answer("谁召开了线上培训会议？", "7月2日，江西省农业农村厅召开了线上培训会议。")
    assert answer.short == "江西省农业农村厅"


def test_a_clause_that_only_restates_the_question_brings_its_neighbours():
    answer = _answer("县里修建冷库的目的是什么？", "为了减少果品损耗，县里修建了冷库。")
    assert "减少果品损耗" in answer.short


def test_a_clause_that_holds_something_new_stands_alone():
    answer = _answer("光老化会引发什么症状？", "研究表明，光老化会引发皮肤粗糙、皱纹加深等不可逆损伤。")
    assert "研究表明" not in answer.short


def test_a_bare_how_much_may_be_answered_with_a_percentage():
    answer = _answer("今年的增长预期是多少？", "机构预计今年增长4.6%。")
    assert answer.short == "4.6%"


def test_a_country_the_gazetteer_leaves_out_is_answered_from_jiebas_place_words():
    answer = _answer("哪个国家的医疗队抵达了斐济？", "中国医疗队已于昨日抵达斐济。")
    assert answer.short == "中国"


def test_a_sum_in_another_currency_is_money_in_that_currency():
    answer = _answer("公司计划投资多少泰铢？", "公司计划投资50亿泰铢（约合人民币10亿元）建厂。")
    assert answer.short == "50亿泰铢"


def test_a_change_in_points_is_answered_in_points():
    answer = _answer("指数比上月上升了多少个百分点？", "7月份，该指数为51.2%，比上月上升0.6个百分点。")
    assert answer.short == "0.6个百分点"


def test_a_date_question_prefers_a_stated_date_to_the_articles_date():
    idf = {"项目": 2.0, "完工": 2.0}.get
    answerer = ExtractiveAnswerer(lambda token: idf(token, 1.0) if token != "\uffff\uffff" else 9.0, min_coverage=0.2)
    text = "项目预计完工后将对外开放。"
    first = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text, date="2023-07-30")
    second = Chunk(id="y#1", doc_id="y.txt", text="项目计划于2025年上半年完工。", start=0, end=15, title="",
                   raw="项目计划于2025年上半年完工。", date="2023-07-30")
    answer = answerer.answer("项目预计何时完工？", [Hit(first, 2.0), Hit(second, 1.0)])
    assert answer.short == "2025年上半年"


def test_organisations_listed_where_the_question_points_are_the_answer():
    answer = _answer("市水务局与哪些部门联合开展了检查？",
                     "市水务局昨日召开专题会议，与市应急管理局、市气象局联合开展了检查。")
    assert answer.short == "市应急管理局、市气象局"


@pytest.mark.parametrize("sentence, names", [
    ("刘建国董事长、孙志强总经理多次赴县里调研。", ["刘建国", "孙志强"]),
    ("公司党委书记、董事长周海出席会议并讲话。", ["周海"]),
    ("工会主席郑明德主持会议。", ["郑明德"]),
    ("涌现出“种茶书记”钱有才、“修路书记”冯川等一批干部。", ["钱有才", "冯川"]),
])
def test_names_beside_a_title_are_read_whole(sentence, names):
    from rag.answer.people import _people

    found = [p[2] for p in _people(sentence)]
    assert all(name in found for name in names), found


def test_the_name_beside_the_title_asked_wins():
    answer = _answer("公司的总经理叫什么名字？", "刘建国董事长、孙志强总经理多次赴县里调研。")
    assert answer.short == "孙志强"
    answer = _answer("“修路书记”是谁？", "涌现出“种茶书记”钱有才、“修路书记”冯川等一批干部。")
    assert answer.short == "冯川"


@pytest.mark.parametrize("question, sentence, name", [
    # A company register's wording: the office joined to the name by a verb.
    ("星河科技的法人代表是谁？", "工商信息显示，星河科技有限公司法定代表人为郑雨辰，注册资本为500万元。", "郑雨辰"),
    # (The passage speaks of 星河科技: a person answers only for the company the passage is about.)
    ("星河科技的法定代表人是谁？", "星河科技成立于2015年。该公司由创始人之一钱文博任法定代表人、执行董事。", "钱文博"),
    ("星河科技的副董事长是哪位？", "星河科技成立于2015年。Wenbo Qian(钱文博)为公司的副董事长、首席运营官。", "钱文博"),
])
def test_a_name_joined_to_the_office_asked_by_a_verb_is_the_answer(question, sentence, name):
    assert _answer(question, sentence).short == name


def test_a_title_the_sentence_does_not_hold_is_not_answered_by_its_names():
    answer = _answer("扶贫办公室主任是谁？", "公司设立扶贫办公室，由刘建国董事长牵头。")
    assert not answer.answerable


def test_how_a_user_phrases_the_question_does_not_count_as_missing_evidence():
    # 砸 (a verb) and 那个 are in no passage: they say how the user talks, not what is missing.
    # 市值 (a noun) is in no passage either: a topic the articles may not cover still counts.
    vocabulary = {"县里": 2.0, "培训": 2.0, "教师": 2.0, "投入": 2.0, "资金": 2.0, "项目": 2.0}
    answerer = ExtractiveAnswerer(lambda token: vocabulary.get(token, 9.0), min_coverage=0.6)
    hits = [Hit(_chunk("县里培训教师1200名，投入资金300万元。"), 1.0)]
    colloquial = answerer.answer("县里那个项目一共砸了多少资金？", hits)
    assert colloquial.short == "300万元" and colloquial.signals["coverage"] >= 0.6
    assert not answerer.answer("县里资金的市值估值是多少钱？", hits).answerable


def test_an_organisation_the_table_does_not_know_is_the_subject_of_the_clause():
    answer = _answer("在河口村建了养殖场的是集团下面哪家单位？", "其中:青山牧业在河口村建成养殖场一座、带动农户40户。",
                     subject="远方集团")
    assert answer.short == "青山牧业"


def test_the_kind_of_organisation_asked_picks_the_name_that_ends_in_it():
    answer = _answer("帮青年农民免掉学费的是哪家教育集团？", "联合湖北明德教育集团为300余名青年农民免去学费。",
                     subject="省工商联")
    assert answer.short == "湖北明德教育集团"


def test_an_organisation_the_question_names_is_not_its_answer():
    answer = _answer("在河口村建了养殖场的是远方集团下面哪家单位？", "远方集团在河口村建了养殖场。", subject="远方集团")
    assert answer.short != "远方集团"


def test_a_township_jieba_cuts_off_its_suffix_is_read_whole():
    answer = _answer("商会的酒店建在哪个乡？", "市商会投资6000万元在荣丰乡建设酒店项目。")
    assert answer.short == "荣丰乡"
    answer = _answer("集团援建的基地在哪个村？", "集团援建的基地位于岭南县城东村。")
    assert answer.short.endswith("城东村") and not answer.short.startswith("在")


def test_the_left_anchor_is_the_occurrence_the_question_leads_up_to():
    answer = _answer("湖南省黑龙江商会在哪个村搞了种植项目？",
                     "湖南省宁波商会在紫溪村举办活动、湖南省黑龙江商会在白沙村发展种植项目。")
    assert answer.short == "白沙村"


def test_a_year_that_opens_the_previous_sentence_carries_over():
    text = "2024年，县里投入资金300万元。开展消费帮扶采购500万元。相关案例入选《2023年度案例集》。"
    assert not _answer("2023年县里开展消费帮扶采购了多少？", text).answerable
    assert _answer("2024年县里开展消费帮扶采购了多少？", text).short == "500万元"


def test_a_figure_before_the_organisation_asked_is_not_its_figure():
    text = "集团累计投入帮扶资金1.6亿元，实施项目85个，其中：青山牧业连续三年援建果蔬大棚园区。"
    assert not _answer("青山牧业援建果蔬大棚园区花了多少资金？", text, subject="远方集团").answerable
    assert _answer("远方集团累计投入帮扶资金多少？", text, subject="远方集团").short == "1.6亿元"


def test_a_figure_for_a_list_of_organisations_is_not_one_members():
    text = "青山集团、白水集团等企业帮助农村劳动力转移就业4100余人。"
    assert not _answer("青山集团帮助多少农村劳动力转移就业？", text).answerable


def test_a_figure_another_organisation_gives_is_not_the_one_asked_about():
    text = "联合湖北明德教育集团为300余名青年农民免去165万元学费。青山集团在县里建了工厂。"
    assert not _answer("青山集团给县里捐了多少钱？", text, subject="省工商联").answerable


def test_the_gap_anchors_at_the_occurrence_the_other_question_words_surround():
    text = "涌现出驻村挂职三年的“种茶书记”钱有才、雪域高原挂职六年的“修路书记”冯川等干部。"
    assert _answer("“种茶书记”钱有才驻村挂职了几年？", text).short == "三年"


def test_a_figure_that_runs_into_the_gap_is_where_the_question_points():
    answer = _answer("该县在89个被考核县中排第几名？", "该县在89个被考核县中排名第12位 在全市排名第3位 一直以来表现突出。")
    assert answer.short.endswith("第12位")


def test_a_figure_for_several_places_is_not_one_places_figure():
    text = "其中：青山牧业在安塞和延川两县累计招收贫困大学生59名。"
    assert not _answer("青山牧业在延川县招收了多少名贫困大学生？", text).answerable
    assert _answer("青山牧业在安塞和延川两县招收了多少名贫困大学生？", text).short == "59名"


def test_an_english_question_is_typed_by_its_own_words():
    question = analyse("How many registered poor people did the solar stations help to earn stable income?")
    assert question.kind == "count" and question.focus_unit == "人"
    assert analyse("How many grass-roots cadres did the group train in 2023?").focus_unit == "人"
    assert analyse("How much did the group invest in the county?").kind == "money"


def test_a_clause_without_a_subject_takes_the_one_before_it():
    answer = _answer("帮县里建了20所卫生室的是哪个组织？", "省海外联谊会捐赠100万元,为县里建设20所卫生室。",
                     subject="省工商联")
    assert answer.short == "省海外联谊会"


def test_a_subsidiary_is_the_asked_organisations_name_plus_a_word():
    answer = _answer("“百所图书馆”是中国移动下面哪家企业的公益项目？",
                     "中国移动万家“美好课堂”、中国移动饮料“百所图书馆”等公益项目相继落地。", subject="中国移动")
    assert answer.short == "中国移动饮料"


def test_a_name_the_sentence_gives_before_the_question_words_answers():
    answer = _answer("全省企业报告发布活动是哪个部门主办的？",
                     "9月18日,由省国资委主办、某论坛承办的“全省企业报告发布活动”在京召开。", subject="远方集团")
    assert answer.short == "省国资委"


def test_a_figure_after_another_organisation_is_not_the_first_ones():
    text = "如青山商会在甲村举行活动、白水商会在乙村发展产业项目,一期投入资金390万元。"
    assert not _answer("青山商会给县里投入了多少资金？", text).answerable


def test_a_count_of_one_thing_is_not_answered_by_a_count_of_another():
    text = "县里已为100余名学生提供实习岗位。"
    assert not _answer("县里培训了多少名基层干部？", text).answerable
    assert _answer("县里为多少名学生提供了实习岗位？", text).short == "100余名"
    assert _answer("县里给几个学生提供了实习岗位？", text).short == "100余名"  # 几个 counts anything


def test_of_several_figures_the_one_the_question_labels_wins():
    sentence = "财报显示，公司总收入为1.52亿美元，其中，品牌广告收入为2400万美元，在线游戏收入为1.18亿美元。"
    assert _answer("公司的品牌广告收入是多少？", sentence).short == "2400万美元"
    assert _answer("公司的在线游戏收入是多少？", sentence).short == "1.18亿美元"
    counted = "车站共有各类座椅1488个其中普通座椅558个、按摩椅930个。"
    assert _answer("车站有多少个普通座椅？", counted).short == "558个"


def test_a_label_shared_by_two_figures_does_not_decide():
    # 营收 labels both figures; 海外 is not asked: the rule that held before decides (the first).
    sentence = "公司营收120亿元，同比增长8%，其中海外营收30亿元。"
    assert _answer("公司营收是多少？", sentence).short == "120亿元"


def test_answered_candidates_give_every_close_sentence_with_an_answer_the_hand_choice_first():
    # benchmarks/dense_sentence_choice.py reads the options after the first; the answer path takes the first.
    idf = {"培训": 2.0, "教师": 2.0}.get
    answerer = ExtractiveAnswerer(lambda token: idf(token, 1.0) if token != "\uffff\uffff" else 9.0, min_coverage=0.2)
    question = analyse("县里培训了多少名教师？")
    text = "县里去年培训教师1200名。县里今年又培训教师800名。会议讨论了培训的安排。"
    hits = [Hit(_chunk(text), 1.0)]
    candidates = answerer._candidates(question, hits)
    options = list(answerer.answered_candidates(question, candidates))
    assert sorted(short for _, short in options) == ["1200名", "800名"]
    assert answerer._first_answered(question, candidates, hits) == options[0]
    assert answerer.answer(question, hits).short == options[0][1]


def test_a_month_in_chinese_numerals_is_a_date_and_a_count_of_months_is_not():
    from rag.answer.spans import find_figures

    assert [(f.surface, f.kind) for f in find_figures("苹果计划在九月推出新款手机，十二月十五日开业")] == [
        ("九月", "date"), ("十二月十五日", "date")]
    assert [(f.surface, f.kind) for f in find_figures("用了三个月，几月开始，每月收入")] == [("三个月", "duration")]

"""The right span of the right sentence: whole names, the count of the noun asked, the clause
bound to the question's predicate, ranges, causes and the institution of the kind asked.

Sentences are made up here (no article's names or figures), so each rule is shown to be
about Chinese news text, not about one question.
"""

import pytest

from rag.answer import extractive
import rag.answer.organisation_names as organisation_names
import rag.answer.people as person_readers
import rag.answer.phrases as phrases
import rag.answer.place_names as place_names
from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.spans import find_figures, focus_unit, stated_figure
from rag.documents import Chunk, Hit


def _answer(question: str, text: str, subject: str | None = None):
    answerer = ExtractiveAnswerer(lambda token: 1.0 if token != "\uffff\uffff" else 9.0, min_coverage=0.2)
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="测试", subject=subject)
    return answerer.answer(question, [Hit(chunk, 1.0)])


def test_a_given_name_jieba_cut_off_its_surname_is_read_whole():
    # jieba reads 向何 as one word and tags only 丽丽 as a name.
    answer = _answer("控股股东准备把股份卖给谁？", "控股股东拟通过协议转让方式向何丽丽出售其持有的股份。")
    assert answer.short == "何丽丽"


def test_a_conjunction_before_a_name_is_no_surname():
    people = person_readers._people("董事会同意向周晓晓转让，并与马小军签约。")
    assert [p[2] for p in people] == ["周晓晓", "马小军"]


_FACTORIES = "目前，某集团共关联41家工厂，在17家工厂生产零件，在9家工厂生产电池，在6家工厂组装整车。"


def test_the_count_whose_clause_holds_the_questions_predicate_wins():
    # The topic is stated once; each clause after it drops it and says what its count counts.
    answer = _answer("某集团在多少家工厂里造电池？", _FACTORIES)
    assert answer.short == "9家"


def test_without_the_predicate_rule_the_topics_count_wins():
    # (The item-clause rule, which reads 电池 in one clause only, would pick 9家 too.)
    extractive.PREDICATE_CLAUSES = extractive.ITEM_CLAUSES = False
    try:
        assert _answer("某集团在多少家工厂里造电池？", _FACTORIES).short == "41家"
    finally:
        extractive.PREDICATE_CLAUSES = extractive.ITEM_CLAUSES = True


def test_the_year_the_questions_verb_follows_is_the_answer():
    answer = _answer("该市哪一年通过立法把垃圾分类固定下来？",
                     "该市从2014年起试点垃圾分类，并从2016年开始推广，2019年通过地方立法将这些做法予以固化。")
    assert answer.short.startswith("2019")


def test_a_count_of_a_kind_of_organisation_names_no_organisation():
    names = [m.group() for m in organisation_names._organisation_names("某人共关联12家企业，在3家公司担任股东，在某某科技公司任职")]
    assert not any("12家企业" in n or "3家公司" in n for n in names)
    assert any(n.endswith("某某科技公司") for n in names)


def test_both_ends_of_a_range_after_a_unit():
    sentence = "公司预计净利亏损900万元-1300万元，同比减亏。"
    assert stated_figure(sentence, find_figures(sentence)[0]) == "900万元-1300万元"
    signed = "当月指数为-0.4%，环比回落。"
    assert stated_figure(signed, find_figures(signed)[0]) == "-0.4%"


def test_shares_are_counted():
    figures = find_figures("拟转让其持有的公司股份2.5亿股，占总股本的6.1%，股东大会通过。")
    assert [(f.surface, f.unit) for f in figures if f.kind == "count"] == [("2.5亿股", "股")]
    assert focus_unit("准备转让多少股？") == "股"


def test_a_why_question_is_answered_with_the_clause_a_cause_word_opens():
    answer = _answer("监管部门为什么对某公司立案？",
                     "某公司公告，近日接到监管部门通知，因涉嫌财务造假，监管部门决定对公司立案调查。")
    assert answer.short == "因涉嫌财务造假"


@pytest.mark.parametrize("sentence, cause", [
    ("由于连日降雨，景区暂停开放。", "由于连日降雨"),
    ("受寒潮影响，多趟航班取消。", "受寒潮影响"),
    ("因此景区暂停开放。", None),  # 因此 opens a consequence, not a cause
    ("这是基因突变所致。", None),  # 因 inside 基因 opens nothing
])
def test_cause_words(sentence, cause):
    assert phrases._cause_clause(sentence, None) == cause


def test_the_institution_of_the_kind_asked_ends_in_its_kind():
    # 某省法院网 is a website (法院 does not end a word there); the court ends in 法院.
    answer = _answer("这起纠纷案由哪家法院审理？",
                     "某省法院网显示，该纠纷案件将于9月5日在青川市东坪区人民法院开庭审理。")
    assert answer.short == "青川市东坪区人民法院"


def test_a_name_written_after_its_kind_answers_a_which_kind_question():
    answer = _answer("某基金参股的哪家新能源公司去年上市了？", "另外，某基金参股的新能源公司星河动力去年年底上市。")
    assert answer.short == "星河动力"


def test_a_how_question_is_answered_with_what_follows_its_predicate():
    text = "学校师生表示，收到来信深受鼓舞，他们将不负老师的期望，坚持锻炼身体，认真学习，为家乡发展贡献力量。"
    answer = _answer("学校师生表示将如何回应老师的期望？", text)
    assert answer.short == "坚持锻炼身体，认真学习，为家乡发展贡献力量"
    extractive.ANCHOR_AT_CLAUSE_END = False
    try:
        assert _answer("学校师生表示将如何回应老师的期望？", text).short != answer.short
    finally:
        extractive.ANCHOR_AT_CLAUSE_END = True


def test_what_was_said_follows_the_act_of_saying():
    answer = _answer("市长对这份报告有何批驳？", "市长在报告公布后随即发表声明予以批驳，称报告的结论“毫无根据”。")
    assert answer.short == "称报告的结论“毫无根据”"


@pytest.mark.parametrize("question, sentence, means", [
    ("某品牌为顾客美好生活赋能的方式是什么？", "某品牌用富含创意的设计为顾客美好生活赋能，让设计走进千家万户。", "富含创意的设计"),
    ("该市通过哪种方式开展体育活动？", "该市通过足球进社区等方式扎实开展体育活动。", "足球进社区"),
    ("乘客可以通过什么方式购票？", "乘客可以用手机支付来购票。", "手机支付"),
])
def test_means_phrases(question, sentence, means):
    assert phrases._means_phrase(sentence, question) == means


def test_an_approximate_magnitude_is_a_figure():
    assert [f.surface for f in find_figures("大火导致数千人无家可归，上万名游客滞留。")] == ["数千人", "上万名"]
    answer = _answer("山火造成了多少人无家可归？", "官方数据显示，这场山火烧毁300多座房屋，导致数千人无家可归。")
    assert answer.short == "数千人"


def test_a_which_city_question_keeps_the_citys_suffix():
    assert place_names._asked_suffix("在哪个城市成立了联络中心？") == "市"


def test_a_place_name_holds_no_de():
    found = place_names._names_ending("提议在大河中游的青川市成立联络中心", 0, 12, "市", "在哪个城市成立了联络中心？")
    assert [f[2] for f in found] == ["青川市"]


def test_a_registered_name_keeps_the_words_jieba_left_out_of_it():
    answer = _answer("张某是通过哪家公司控制该上市公司的？", "据披露，张某通过当代星河产业集团股份有限公司控制该上市公司。")
    assert answer.short == "当代星河产业集团股份有限公司"
    # A known organisation keeps its own name.
    from rag.entities import find_organisations
    sentence = "央企华润集团在当地投入资金"
    assert [extractive._with_name_head(sentence, m).surface for m in find_organisations(sentence)] == ["华润集团"]


def test_a_foreign_name_cut_short_runs_on_over_its_sound_characters():
    # jieba reads 哈勒 as a name and glues 维 to the next word (维在).
    assert [p[2] for p in person_readers._people("国防军参谋长哈勒维在一封公开信中警告称")][0] == "哈勒维"
    assert [p[2] for p in person_readers._people("主任李娜表示")] == ["李娜"]


def test_what_kind_of_is_no_manner_question():
    sentence = "该企业将持续完善“从一粒种到一碗饭”的产业链条，助力农户增收。"
    assert phrases._after_anchor(sentence, "该企业说要完善一个怎样的产业链条？") is None


def test_who_is_answered_by_the_person_named_where_it_points():
    answer = _answer("谁与马里总统卡拉姆通电话并表示全力支持和声援？",
                     "据报道，联合国发言人说，联合国秘书长古特雷斯26日与马里总统卡拉姆通了电话，表示“全力支持”。")
    assert answer.short == "联合国秘书长古特雷斯"

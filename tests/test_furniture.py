"""News furniture (bylines, credits, datelines, lead-ins) is never an answer.

The articles are made up here; each test fails with the masking taken out of
the answerer (``mask_furniture`` in ``_headline``) or with its pattern removed.
"""

import pytest

from rag.answer.extractive import ExtractiveAnswerer, _Candidate
from rag.answer.furniture import furniture_spans, mask_furniture
from rag.answer.question import analyse
from rag.documents import Chunk, Hit


def _masked(text: str) -> list[str]:
    return [text[start:end] for start, end in furniture_spans(text)]


@pytest.mark.parametrize("text, furniture", [
    ("原标题：某某科技今日上市首日涨超20%", "原标题："),
    ("某某财经APP获悉，8月3日，甲乙科技开启申购。", "某某财经APP获悉，"),
    ("某某网丙城8月9日电 (记者 丁戊己)9日，某某厅召开发布会。", "某某网丙城8月9日电"),
    ("某某网丙城8月9日电 (记者 丁戊己)9日，某某厅召开发布会。", "(记者 丁戊己)"),
    ("某某财经 庚辛  8月14日，甲乙材料公司发布招股书。", "某某财经 庚辛  "),
    ("08-07 17:49，正文：8月7日上午，某大会举行。", "08-07 17:49"),
    ("08-07 17:49，正文：8月7日上午，某大会举行。", "正文："),
    ("该项目位于滨河路上。图片来源：某规划局网站", "图片来源：某规划局网站"),
    ("停放在维修基地的客机。王某某 摄", "王某某 摄"),
    ("甲乙集团总部大楼 某某图库 资料图甲乙集团拟登陆港股。", "甲乙集团总部大楼 某某图库 资料图"),
    ("根据某某查，截至目前，甲某(本名：乙某)关联18家企业。", "根据某某查，"),
    ("夫妇公司被起诉每刊编辑：丙丁某地法院网显示，近日开庭。", "编辑：丙丁"),
])
def test_furniture_is_found(text, furniture):
    assert furniture in _masked(text)


def test_a_credit_stops_where_a_title_opens():
    text = "图片来源：某某疾控局《某病防控方案》明确，防控的总体要求为坚持预防为主。"
    assert _masked(text) == ["图片来源：某某疾控局"]


def test_article_text_around_furniture_is_kept():
    text = "原标题：甲乙科技上市首日涨超33%2023年8月3日，甲乙科技在创业板上市。"
    masked = mask_furniture(text)
    assert len(masked) == len(text)  # offsets still point at the same characters
    assert "甲乙科技上市首日涨超33%" in masked and "原标题" not in masked
    # A plain sentence has nothing to mask.
    plain = "2023年8月3日，甲乙科技在创业板上市，发行价格56.56元/股。"
    assert mask_furniture(plain) == plain


def _answer(question: str, text: str) -> str:
    """The short answer that the answerer reads from ``text`` as the supporting sentence."""
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="", raw=text)
    candidate = _Candidate(1, chunk, 0, len(text), coverage=1.0, score=1.0)
    return ExtractiveAnswerer(lambda token: 1.0)._headline(analyse(question), candidate, text) or ""


@pytest.mark.parametrize("question, text, furniture", [
    ("Which brokerage is the sole sponsor of the IPO of 甲乙检测?",
     "某某财经APP获悉，8月15日，甲乙检测开启申购，属于创业板，丙丁证券为其独家保荐人。", "获悉"),
    ("谁出席了会议？", "中新网北京8月9日电 (记者 李文华)张伟明出席了会议。", "李文华"),
    ("这项调查是谁做的？", "记者 李文华 报道，调查由市统计局完成。", "李文华"),
    ("On which board is 甲乙材料 seeking to list?",
     "某某财经 王文华 8月14日，甲乙材料公司发布招股说明书，拟在科创板上市。", "王文华"),
    ("What is the real name of 甲某?", "根据某某查，截至目前，甲某(本名：黄丽)关联18家企业。", "根据"),
    ("Which two stocks hit limit-down?", "原标题：甲乙医药实控人被立案8月7日，丙丁股份和戊己医药跌停。", "原标题"),
])
def test_furniture_is_never_the_short_answer(question, text, furniture):
    assert furniture not in _answer(question, text)


def test_the_person_beside_a_byline_is_still_answered():
    assert _answer("谁出席了会议？", "中新网北京8月9日电 (记者 李文华)张伟明出席了会议。") == "张伟明"

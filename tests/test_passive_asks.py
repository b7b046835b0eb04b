"""A passive question ("被…投诉的是哪家公司") asks for the organisation the verb acts on, not its doer.
Made-up text only."""

from rag.answer.extractive import ExtractiveAnswerer
from rag.documents import Chunk, Hit


def _answer(question: str, text: str):
    answerer = ExtractiveAnswerer(lambda token: 1.0 if token != "\uffff\uffff" else 9.0, min_coverage=0.2)
    chunk = Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="测试")
    return answerer.answer(question, [Hit(chunk, 1.0)])


def test_the_organisation_after_the_questions_verb_answers_a_passive_question():
    text = "在某平台协助下，某县警方对相关线索进行梳理，发现大量网民投诉甲城乙丙网络科技有限公司进行虚假宣传，骗取报名费用。"
    assert _answer("被大量网民投诉虚假宣传、骗报名费的是哪家公司？", text).short == "甲城乙丙网络科技有限公司"


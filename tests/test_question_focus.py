"""Choosing the sentence and the span by what a question asks (its focus words, a change, a figure's label).

Sentences are made up here; each test fails with its mechanism taken out.
"""

import pytest

import rag.answer.extractive as extractive
from rag.answer.extractive import focus_words
from rag.answer.question import analyse
from tests.conftest import answer_over_texts


@pytest.mark.parametrize("question, focus", [
    ("李明局长要求减少什么？", ("减少",)),
    ("这次活动的主题是什么？", ("主题",)),
    ("航班直飞到哪个机场？", ("直飞", "机场")),
    ("华光公司与哪家公司合作？", ("华光", "合作")),  # not 公司: it names the kind of answer, not where it is written
])
def test_the_focus_words_are_the_words_beside_the_question_word(question, focus):
    assert focus_words(analyse(question)) == focus


def test_a_sentence_with_the_asked_verb_beats_one_that_only_names_the_subject(monkeypatch):
    text = "李明局长出席了全市安全工作会议。李明强调，要最大程度减少交通事故。"
    assert "交通事故" in answer_over_texts("李明局长要求减少什么？", text).short
    monkeypatch.setattr(extractive, "FOCUS_BONUS", 0.0)
    assert "交通事故" not in answer_over_texts("李明局长要求减少什么？", text).short

"""English question forms read off the tuning sets' English questions (round 13): "how much later", "what do people call". Made-up text; each switch test fails with its rule off."""

import pytest

import rag.answer.question as question
from rag.answer.extractive import ExtractiveAnswerer
from rag.documents import Chunk, Hit
from tests.test_binding import ALWAYS


def _ask(text: str, asked: str) -> tuple[bool, str]:
    hits = [Hit(Chunk(id="a#1", doc_id="a.txt", text=text, start=0, end=len(text), title="", raw=text), 1.0)]
    idf = lambda token: 9.0 if token == "\uffff\uffff" else 1.0
    answer = ExtractiveAnswerer(idf, refusal=ALWAYS).answer(asked, hits)
    return answer.answerable, answer.short


@pytest.mark.parametrize("on", [True, False])
def test_how_much_later_asks_a_gap_in_time(monkeypatch, on):
    monkeypatch.setattr(question, "ENGLISH_GAPS", on)
    text = "由于海拔较高，这里的李子比低海拔地区晚成熟一个月左右，每斤售价8元，今年预计收入30万元。"
    answerable, short = _ask(text, "How much later do the plums ripen than plums at lower altitudes?")
    assert (answerable and "一个月" in short) is on


@pytest.mark.parametrize("on", [True, False])
def test_what_people_call_it_is_the_quoted_name(monkeypatch, on):
    import rag.answer.extractive as extractive
    monkeypatch.setattr(extractive, "ENGLISH_CALLED", on)
    text = "该村共种植猕猴桃2100亩，年产值约300万元。目前，猕猴桃已成为当地村民的“摇钱果”。"
    answerable, short = _ask(text, "What do the villagers call the kiwi fruit?")
    assert (answerable and short == "摇钱果") is on


@pytest.mark.parametrize("on", [True, False])
def test_deputy_director_of_a_station_is_its_deputy_head(monkeypatch, on):
    import rag.answer.people as people
    if not on:
        monkeypatch.setattr(people, "TITLES", tuple(t for t in people.TITLES if t not in ("站长", "副站长")))
    text = "“今年的病虫害防治任务很重。”江西省农业技术推广总站副站长李建国表示，各地已组织专家巡回指导。"
    answerable, short = _ask(text, "Who is the deputy director of the Jiangxi agricultural technology extension station?")
    assert (answerable and short == "李建国") is on


@pytest.mark.parametrize("on", [True, False])
def test_what_n_varieties_lists_the_n_items(monkeypatch, on):
    import rag.answer.extractive as extractive
    monkeypatch.setattr(extractive, "ENGLISH_N_ITEMS", on)
    text = "在东坪村的食用菌基地里，工人们正在采收。技术员介绍，基地主要有香菇、木耳、平菇三个品种，年产值约200万元。"
    answerable, short = _ask(text, "What three varieties are grown at the mushroom base?")
    assert (answerable and short == "香菇、木耳、平菇") is on

"""Facts recorded at index time, and the aggregation answers built on them."""

from __future__ import annotations

import json

import pytest

from rag.documents import Chunk
from rag.facts import FactTable, extract_facts, money_in, parse_money


@pytest.mark.parametrize("number, unit, yuan", [
    ("7.78", "亿", 778_000_000), ("7300.24", "万", 73_002_400), ("1,868", None, 1868), ("3", "万亿", 3e12),
])
def test_amounts_are_normalised_to_yuan(number, unit, yuan):
    assert parse_money(number, unit) == pytest.approx(yuan)


def _chunk(text: str, subject: str | None = "华润集团") -> Chunk:
    return Chunk(id="d#1", doc_id="d", text=text, start=0, end=len(text), title="t", subject=subject)


def test_money_facts_know_what_the_money_was_for_who_spent_it_and_when():
    text = "2023年,集团与招商局集团联合主办了活动,全年购销农产品17.42亿元。中国电科投入资金7300.24万元,帮助销售农产品61.07万元。"
    facts = extract_facts(_chunk(text))
    by_surface = {m.surface: m for m in facts.money}
    purchase = by_surface["17.42亿元"]
    # 招商局集团 is a partner (与…联合), so the subject is the buyer.
    assert (purchase.organisation, purchase.category, purchase.year) == ("华润集团", "purchase", "2023")
    assert text[purchase.start:purchase.end] == "17.42亿元"
    assert by_surface["7300.24万元"].organisation == "中国电科"
    assert by_surface["7300.24万元"].category == "investment"
    assert by_surface["61.07万元"].category == "sales"
    assert by_surface["61.07万元"].yuan == pytest.approx(610_700)


def test_places_are_recorded_as_stems_with_offsets():
    text = "华润环保科技帮助海原县3个乡镇解决污水处理问题。"
    places = extract_facts(_chunk(text)).places
    haiyuan = next(p for p in places if p.stem == "海原")
    assert text[haiyuan.start:haiyuan.end] == "海原县"


def test_money_in_a_sentence_without_tagging():
    assert money_in("开展消费帮扶采购2779万元,帮助销售569万元") == [("2779万元", "purchase"), ("569万元", "sales")]


def test_the_index_stores_facts_and_reads_them_back(seed_index):
    lines = (seed_index.path / "facts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(seed_index.chunks)
    assert seed_index.manifest["facts_version"]
    table = seed_index.facts
    assert table.documents_naming("海原") == {"000_fbb9004ae26bccc2.txt"}
    assert {"海原", "曲麻莱", "叙永"} <= table.place_names
    first = json.loads(lines[0])
    assert first["chunk_id"] == seed_index.chunks[0].id


def test_facts_are_extracted_again_when_the_file_is_damaged(seed_index):
    (seed_index.path / "facts.jsonl").write_text("{not json\n", encoding="utf-8")
    from rag.index import load_index

    reloaded = load_index(seed_index.path)
    assert isinstance(reloaded.facts, FactTable)
    assert reloaded.facts.documents_naming("海原") == {"000_fbb9004ae26bccc2.txt"}


HAIYUAN = ["哪家企业在海原投资最多？", "哪家企業在海原投資最多？", "Which enterprise invested most in Haiyuan?"]


@pytest.mark.parametrize("question", HAIYUAN)
def test_most_invested_in_haiyuan_is_china_resources_with_its_figure(assistant, question):
    answer = assistant.ask(question)
    assert answer.answerable
    assert answer.text.startswith("华润集团")
    assert "7.78亿元" in answer.text
    assert "只有华润集团" in answer.text  # no other enterprise is reported in 海原
    assert {c.doc_id for c in answer.citations} == {"000_fbb9004ae26bccc2.txt"}
    assert any("海原" in c.quote for c in answer.citations)


def test_an_english_question_gets_the_entity_in_both_scripts(assistant):
    answer = assistant.ask("Which enterprise invested most in Haiyuan?")
    assert answer.text.startswith("华润集团 (China Resources)")


@pytest.mark.parametrize("question", [
    "国家能源集团、华润集团和中国电科中，哪家购买扶贫地区农产品的金额最多？",
    "國家能源集團、華潤集團和中國電科中，哪家購買扶貧地區農產品的金額最多？",
])
def test_which_of_three_bought_most_cites_every_figure(assistant, question):
    answer = assistant.ask(question)
    assert answer.text.startswith("华润集团")
    for figure in ("17.42亿元", "2.52亿元", "4272.32万元"):
        assert figure in answer.text
    assert len(answer.citations) == 3
    # Each cited quote holds the figure it supports, verbatim from the stored article (traditional there).
    assert {c.doc_id for c in answer.citations} == {
        "000_fbb9004ae26bccc2.txt", "001_f817b050d6be9e9d.txt", "004_4176e1dee91ca48b.txt"}
    # The figures cover different periods: the answer must say it compared, not added, them.
    assert "统计时段不同" in answer.text


@pytest.mark.parametrize("question, organisation, doc", [
    ("哪家企业帮扶曲麻莱县？", "国家能源集团", "001_f817b050d6be9e9d.txt"),
    ("哪家企業幫扶曲麻萊縣？", "国家能源集团", "001_f817b050d6be9e9d.txt"),
    ("叙永县由哪家央企定点帮扶？", "中国电科", "004_4176e1dee91ca48b.txt"),
    ("Which enterprise helps Qumalai County?", "国家能源集团 (China Energy)", "001_f817b050d6be9e9d.txt"),
])
def test_entity_questions_name_the_organisation_first(assistant, question, organisation, doc):
    answer = assistant.ask(question)
    assert answer.text.startswith(organisation)
    assert answer.citations[0].doc_id == doc


def test_a_place_no_article_names_is_not_answered(assistant):
    answer = assistant.ask("哪家企业在鄂尔多斯投资最多？")
    assert not answer.answerable


def test_known_names_match_as_the_longest_first_alternation_did():
    """The known organisations' names are matched through a trie (rag.entities._trie_pattern): the same spans
    as the names as alternatives, longest first, on made-up text full of names that begin other names."""
    import random
    import re

    from rag.entities import _trie_pattern

    names = ["华润", "华润集团", "华润集团有限公司", "华电", "中国华润", "中国电信", "中国电信集团", "电信", "a.b", "三一"]
    longest_first = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    trie = re.compile(_trie_pattern(names))
    rng = random.Random(7)
    pieces = [*names, "集", "团", "有限", "公司", "中国", "。", "a", "b", ".", "和"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in longest_first.finditer(text)], text
    assert re.compile(_trie_pattern([])).search("华润") is None


def test_records_hold_each_field_once_in_order():
    """Chunk and fact records are their dataclasses' __dict__ (copied): exactly the fields, in declaration order."""
    from dataclasses import asdict, fields

    chunk = _chunk("2023年,华润集团在海原县捐赠300万元。")
    assert list(chunk.to_json()) == [f.name for f in fields(Chunk)] and chunk.to_json() == asdict(chunk)
    facts = extract_facts(chunk)
    assert facts.places and facts.money
    record = facts.to_json()
    assert json.dumps(record, ensure_ascii=False) == json.dumps(asdict(facts), ensure_ascii=False)
    assert all(list(p) == [f.name for f in fields(type(facts.places[0]))] for p in record["places"])
    assert all(list(m) == [f.name for f in fields(type(facts.money[0]))] for m in record["money"])


def test_a_text_holds_an_organisation_suffix_when_one_search_says_so():
    import random

    from rag.entities import _ANY_SUFFIX, _ORG_SUFFIXES

    rng = random.Random(3)
    pieces = [*_ORG_SUFFIXES, "有限", "总", "商", "会", "集", "团", "公", "司", "银", "行", "海原", "。"]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
        expected = any(suffix in text for suffix in _ORG_SUFFIXES)
        assert bool(_ANY_SUFFIX.search(text)) == expected, text
        found += expected
    assert 100 < found < 2900

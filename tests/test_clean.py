import re

import pytest

from rag.clean import clean, normalise
from tests.conftest import SEEDS, read_seed

FURNITURE = re.compile(r"评论|验证码|免责声明|声明|扫一扫|原文链接|上一篇|下一篇|投稿|监督|@|https?://|END")


def cleaned(prefix: str) -> str:
    return clean(read_seed(prefix)).text


def test_000_keeps_facts_and_drops_pinyin_annotations():
    text = cleaned("000")
    for fact in ("华润集团", "海原", "7.78亿元"):
        assert fact in text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text)
    assert "團" not in text and "集团" in text


def test_001_keeps_figures_and_place_names():
    text = cleaned("001")
    assert "5350万元" in text
    assert "曲麻莱" in text


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_no_article_ends_with_page_furniture(path):
    text = clean(path.read_text(encoding="utf-8")).text
    last_lines = "\n".join(text.splitlines()[-3:])
    assert not FURNITURE.search(last_lines), last_lines


def test_mojibake_and_stray_question_marks_are_removed():
    text = cleaned("000")
    assert "?" not in text.replace("越好?", "")
    assert "\ufffd" not in text
    assert "近日 华润集团" in text


def test_offsets_point_back_into_the_raw_text():
    raw = read_seed("003")  # simplified already: cleaned characters equal raw ones
    result = clean(raw)
    assert len(result.offsets) == len(result.text)
    for i, ch in enumerate(result.text):
        if ch != "\n":
            assert raw[result.offsets[i]] == ch


def test_offsets_of_traditional_text_map_to_the_traditional_original():
    raw = read_seed("000")
    result = clean(raw)
    start = result.text.index("华润集团")
    raw_start, raw_end = result.offsets[start], result.offsets[start + 3] + 1
    assert raw[raw_start:raw_end].startswith("華潤集團")
    assert "(tuán)" in raw[raw_start:raw_end + 6]


def test_questions_get_the_same_normalisation_as_articles():
    assert normalise("華潤集團在海原縣投資了多少？") == "华润集团在海原县投资了多少？"
    assert normalise("投入７３００．２４万元") == "投入7300.24万元"
    assert normalise("團(tuán)結") == "团结"


def test_a_neutral_tone_reading_is_removed_only_after_its_character():
    assert normalise("他們(men)来了") == "他们来了"
    assert normalise("公司(de)标志") == "公司(de)标志"


def test_plain_parentheses_are_kept():
    assert normalise("中国电子科技集团(以下简称中国电科)") == "中国电子科技集团(以下简称中国电科)"
    assert normalise("Apple (AAPL) 公司") == "Apple (AAPL) 公司"


def test_a_one_line_article_that_opens_with_its_credit_is_kept():
    # News exports put whole articles on one line after "来源：…，正文：".
    body = "据中央纪委国家监委网站消息，2023年上半年，各级纪检监察机关立案审查调查。" * 5
    raw = f"来源：央视网  |  2023年07月24日 18:05:54，正文： {body}"
    assert "2023年上半年" in clean(raw).text
    # A short credit line is still furniture, and still ends the article.
    assert "央视网" not in clean(f"{body}\n来源：央视网\n扫一扫分享").text

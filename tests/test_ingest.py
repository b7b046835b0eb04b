import gzip
import json

import opencc
import pytest

from rag.errors import UserError
from rag.ingest import LoadProblem, decode_bytes, find_date, html_to_text, iter_corpus, load_corpus

SIMPLIFIED = "华润集团在海原县累计投入帮扶资金7.78亿元，助力乡村振兴。"
TRADITIONAL = opencc.OpenCC("s2t").convert(SIMPLIFIED)


@pytest.mark.parametrize(
    "data",
    [
        SIMPLIFIED.encode("utf-8"),
        SIMPLIFIED.encode("utf-8-sig"),
        SIMPLIFIED.encode("gbk"),
        SIMPLIFIED.encode("gb18030"),
        SIMPLIFIED.encode("utf-16"),
        SIMPLIFIED.encode("utf-16-le"),
        SIMPLIFIED.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-bom", "utf16le", "utf16be"],
)
def test_encodings_are_detected(data):
    assert decode_bytes(data) == SIMPLIFIED


def test_big5_traditional_text_is_detected():
    assert decode_bytes(TRADITIONAL.encode("big5")) == TRADITIONAL


def test_binary_data_is_refused():
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(bytes(range(256)) * 20)


def test_html_becomes_text_with_a_title():
    html = "<html><head><title>站点</title><script>var x=1;</script></head><body><nav>首页</nav><h1>华润集团帮扶海原</h1><p>投入<b>7.78亿元</b>。</p></body></html>"
    text, title = html_to_text(html)
    assert title == "华润集团帮扶海原"
    assert "投入" in text and "7.78亿元" in text
    assert "var x" not in text and "首页" not in text


def test_dates_are_found_near_the_top():
    assert find_date("标题\n战略规划部发布时间:2021-02-25 00:00:00\n正文") == "2021-02-25"
    assert find_date("标题\n2021-11-15\n正文") == "2021-11-15"
    assert find_date("标题\n发布日期：2023年7月12日\n正文") == "2023-07-12"
    assert find_date("7月8日,华润集团召开会议") is None


def test_directory_corpus_reports_unreadable_files_and_loads_the_rest(tmp_path):
    (tmp_path / "good.txt").write_text("华润集团在海原县投资。", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes("国家能源集团帮扶曲麻莱县。".encode("gbk"))
    (tmp_path / "page.html").write_text("<h1>中国电科</h1><p>叙永县</p>", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "README.md").write_text("# about this folder", encoding="utf-8")
    documents, problems = load_corpus(tmp_path)
    assert sorted(d.id for d in documents) == ["gbk.txt", "good.txt", "page.html"]
    assert {p.source for p in problems} == {"image.txt", "notes.pdf"}
    assert all(str(p).startswith("skipped ") for p in problems)


def test_jsonl_corpus_with_a_bad_line(tmp_path):
    path = tmp_path / "docs.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "a", "date": "2023-07-28 16:40", "text": "标题一\n正文一。"}, ensure_ascii=False) + "\n")
        out.write("{not json\n")
        out.write(json.dumps({"id": "b", "text": "标题二\n正文二。"}, ensure_ascii=False) + "\n")
    items = list(iter_corpus(path))
    articles = [i for i in items if not isinstance(i, LoadProblem)]
    problems = [i for i in items if isinstance(i, LoadProblem)]
    assert [a.id for a in articles] == ["a", "b"]
    assert articles[0].date == "2023-07-28"
    assert problems[0].source == "docs.jsonl.gz:2"


def test_missing_corpus_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="corpus not found"):
        list(iter_corpus(tmp_path / "nowhere"))


def test_seed_titles_and_dates():
    from tests.conftest import SEEDS

    documents, problems = load_corpus(SEEDS)
    assert not problems
    by_id = {d.id[:3]: d for d in documents}
    assert "华润集团" in by_id["000"].title
    assert by_id["001"].date == "2021-02-25"
    assert by_id["003"].date == "2023-07-12"
    assert by_id["004"].date == "2021-11-15"

import pytest
from langchain_core.documents import Document as LCDocument

from rag.answer.extractive import NOT_ANSWERED, ExtractiveAnswerer
from rag.chain import Assistant
from rag.embeddings import HashedNgramEmbeddings
from rag.index import IndexSettings
from rag.lexical import han_bigrams
from rag.retrieve import HybridRetriever
from tests.conftest import FAKE

HAIYUAN = "000_fbb9004ae26bccc2.txt"


def test_hits_carry_fused_score_and_per_retriever_ranks(seed_index):
    retriever = HybridRetriever(seed_index, embedder=HashedNgramEmbeddings(64), k=5)
    hits = retriever.search("国家能源集团在曲麻莱县累计投入多少资金？")
    assert len(hits) == 5
    assert hits[0].chunk.doc_id.startswith("001")
    assert all(h.ranks for h in hits)
    assert set(hits[0].ranks) <= {"dense", "bm25"} and "bm25" in hits[0].ranks
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_retriever_is_a_langchain_retriever(seed_index):
    from rag.lc import as_langchain_retriever

    retriever = as_langchain_retriever(HybridRetriever(seed_index, embedder=HashedNgramEmbeddings(64), k=3))
    documents = retriever.invoke("叙永县由哪家央企定点帮扶")
    assert len(documents) == 3 and all(isinstance(d, LCDocument) for d in documents)
    assert documents[0].metadata["doc_id"].startswith("004")
    assert "ranks" in documents[0].metadata


def test_modes_and_article_filter(seed_index):
    bm25 = HybridRetriever(seed_index, mode="bm25", k=4)
    assert all(set(h.ranks) == {"bm25"} for h in bm25.search("曲麻莱"))
    only = bm25.search("帮扶", doc_ids={HAIYUAN})
    assert only and {h.chunk.doc_id for h in only} == {HAIYUAN}


def test_haiyuan_question_names_china_resources_with_a_citation(assistant):
    answer = assistant.ask("哪家企业在海原投资最多？")
    assert answer.answerable
    assert answer.text.startswith("华润")
    assert "[1]" in answer.text
    first = answer.citations[0]
    assert first.n == 1 and first.doc_id == HAIYUAN
    raw = (assistant.index.path.parent / "articles" / HAIYUAN).read_text(encoding="utf-8")
    assert raw[first.start:first.end] == first.quote


def test_the_same_question_in_traditional_characters_gets_the_same_answer(assistant):
    simplified = assistant.ask("哪家企业在海原投资最多？")
    traditional = assistant.ask("哪家企業在海原投資最多？")
    assert traditional.text == simplified.text


@pytest.mark.parametrize(
    "question, expected, doc",
    [
        ("国家能源集团在教育扶贫上累计投入多少", "3.93亿元", "001"),
        ("哪家企业帮扶曲麻莱县？", "国家能源集团", "001"),
        ("叙永县由哪家央企定点帮扶", "中国电科", "004"),
        ("鞍山钢铁2024年无偿帮扶投入多少", "1830万元", "002"),
        ("国家能源集团承担了几个贫困县的定点扶贫工作？", "9个", "001"),
    ],
)
def test_entities_and_figures_are_named(assistant, question, expected, doc):
    answer = assistant.ask(question)
    assert answer.answerable
    assert answer.text.startswith(expected), answer.text
    assert answer.citations[0].doc_id.startswith(doc)


@pytest.mark.parametrize(
    "question",
    [
        "中国移动在海原县投资了多少钱？",
        "華潤集團2019年在海原縣投資了多少？",
        "苹果公司的市值是多少",
        "阿里巴巴在叙永县投资了多少？",
    ],
)
def test_questions_the_articles_do_not_answer(assistant, question):
    answer = assistant.ask(question)
    assert not answer.answerable
    assert answer.text == NOT_ANSWERED
    assert answer.citations == ()
    assert answer.hits  # the closest passages are still there to show


def test_chain_is_a_runnable_with_timings(assistant):
    answer = assistant.chain(k=3).invoke("哪家企业在海原投资最多？")
    assert {"retrieve", "answer"} <= set(answer.timings_ms)
    assert len(answer.hits) == 3


def test_refusal_threshold_is_what_decides(seed_index):
    hits = HybridRetriever(seed_index, embedder=HashedNgramEmbeddings(64)).search("哪家企业在海原投资最多？")
    assert ExtractiveAnswerer(seed_index.idf, min_coverage=0.0).answer("哪家企业在海原投资最多？", hits).answerable
    assert not ExtractiveAnswerer(seed_index.idf, min_coverage=1.01).answer("哪家企业在海原投资最多？", hits).answerable


def test_a_question_about_two_organisations_is_answered_for_each(assistant):
    answer = assistant.ask("国家能源集团和中国电科分别累计购买了多少农产品？", k=8)
    assert answer.answerable
    assert answer.text.startswith("国家能源集团：") and "；中国电科：" in answer.text
    assert "2.52亿元" in answer.text
    # 004 states two purchase totals (定点扶贫县 2110.31万元, 贫困地区 4272.32万元); either answers this
    assert "4272.32万元" in answer.text or "2110.31万元" in answer.text
    assert {c.doc_id[:3] for c in answer.citations} <= {"001", "004"} and answer.citations


def test_every_article_gives_one_passage_before_any_gives_two(seed_index):
    hits = HybridRetriever(seed_index, mode="bm25", k=8, strong_share=0).search("华润集团 海原 帮扶")
    doc_ids = [h.chunk.doc_id for h in hits]
    articles = len(set(doc_ids))
    assert len(hits) == 8 and 1 < articles < 8
    assert len(set(doc_ids[:articles])) == articles and doc_ids[0] == HAIYUAN
    # The second round follows the article order, each article's next-best passage.
    assert doc_ids[articles:] == doc_ids[: 8 - articles]
    first = [h for h in hits if h.chunk.doc_id == HAIYUAN]
    assert first[0].scores["passage"] >= first[1].scores["passage"]


def test_bigrams_cover_chinese_runs_and_keep_latin_words_and_figures():
    assert han_bigrams("海原县投资7.78亿元，CR集团") == ["海原", "原县", "县投", "投资", "7.78", "亿元", "cr", "集团"]
    assert han_bigrams("在 海") == ["在", "海"]


def test_articles_are_ranked_by_their_whole_text(seed_index):
    # 曲麻莱 and 黄河源 are in one article, but in different passages of it.
    question = "曲麻莱 黄河源 休牧还草"
    scores = seed_index.score_articles(han_bigrams(question))
    best = seed_index.article_ids[int(scores.argmax())]
    hits = HybridRetriever(seed_index, mode="bm25", k=3).search(question)
    assert hits[0].chunk.doc_id == best and best.startswith("001")
    assert hits[0].ranks == {"bm25": 1} and hits[0].scores["bm25"] == pytest.approx(float(scores.max()))


def test_articles_far_behind_the_best_give_passages_last(seed_index):
    question = "华润集团 海原 帮扶"
    k = len(seed_index.chunks_of[HAIYUAN]) + 2
    hits = HybridRetriever(seed_index, mode="bm25", k=k).search(question)
    best = hits[0].scores["bm25"]
    strong = [h for h in hits if h.scores["bm25"] >= 0.5 * best]
    # Every passage of the strong articles comes before any weak article's.
    assert hits[: len(strong)] == strong and len(strong) > 1
    assert [h.chunk.doc_id for h in strong] == [HAIYUAN] * len(strong)
    assert len(strong) == k - 2 and hits[-1].scores["bm25"] < 0.5 * best

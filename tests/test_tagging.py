"""Tags read sentence by sentence (rag.tagging, shared between an article and its passages) are rjieba's."""

import random

import rjieba

from rag.tagging import tag

_ALPHABET = list("华润集团在海原县投资万元我们。！？；，、：\n \t.%-+#&_CEOceo2020年1.5aB(（)）“”") + ["\u3400", "\U00020000"]


def test_tags_of_random_text_are_rjiebas():
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40)))
        assert tag(text) == rjieba.tag(text), text


def test_tags_of_the_seed_articles_and_their_passages_are_rjiebas(seed_corpus):
    from rag.chunking import chunk_document
    from rag.ingest import RawArticle, to_document

    for file in sorted(seed_corpus.glob("*.txt")):
        raw = file.read_text(encoding="utf-8")
        doc = to_document(RawArticle(file.name, raw))
        assert tag(doc.text) == rjieba.tag(doc.text) and tag(raw) == rjieba.tag(raw)
        for chunk in chunk_document(doc):  # (after the article: its sentences come from the cache)
            assert tag(chunk.text) == rjieba.tag(chunk.text)


# Words whose search mode has sub-words (中国科学院, 华润集团), Latin words jieba's dictionary holds in upper
# case (T恤, B超), text the HMM joins into words the dictionary lacks, figures and stopwords.
_WORDS = ["中国科学院", "华润集团", "有限公司", "海原县", "投资", "帮扶", "T恤", "B超", "CEO", "AI", "ceo", "2020年",
          "1.5万元", "的", "在", "最多", "。", "！", "；", "\n", " ", "，", "“", "”", "(", "-", "_", "韦敏", "鞥", "娜",
          "扎实", "推进", "乡村振兴", "Ｘ", "İ", "Σ", "ς", "\u3400", "\U00020000"]


def test_search_tokens_of_random_text_are_tokenizes():
    import rag.tagging
    from rag.lexical import tokenize
    from rag.tagging import search_tokens

    rng = random.Random(8)
    for _ in range(3000):
        text = "".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 12)))
        assert search_tokens(text) == tokenize(text), text
    # Both ways were taken: words read alone, and pieces cut in search mode themselves.
    assert any(rag.tagging._SUB_WORDS.values()) and None in rag.tagging._SUB_WORDS.values()


def test_search_tokens_of_the_seed_passages_are_tokenizes(seed_corpus):
    from rag.chunking import chunk_document
    from rag.index import passage_text
    from rag.ingest import RawArticle, to_document
    from rag.lexical import tokenize
    from rag.tagging import search_tokens

    n = 0
    for file in sorted(seed_corpus.glob("*.txt")):
        doc = to_document(RawArticle(file.name, file.read_text(encoding="utf-8")))
        for chunk in chunk_document(doc):
            text = passage_text(chunk)
            assert search_tokens(text) == tokenize(text)
            n += 1
    assert n > 10


def test_a_piece_with_capitals_is_tagged_once_as_written(monkeypatch):
    """A passage's search tokens come from the lower-cased text, its facts from the text as written: a piece with
    capitals is tagged as written only, unless it holds a dictionary word with Latin letters (T恤, AA制), whose cut
    may change with the case; either way the tokens are tokenize's."""
    from rag import jieba
    from rag.lexical import tokenize
    from rag.tagging import _piece_tags, _piece_tokens, _written_piece_tokens, search_tokens

    tagged = []
    real_tag = jieba.tag
    monkeypatch.setattr(jieba, "tag", lambda text: tagged.append(text) or real_tag(text))
    for cache in (_piece_tags, _piece_tokens, _written_piece_tokens):
        cache.cache_clear()
    safe = "据IT之家消息，GDP增长了5%。"
    risky = "他穿着T恤去做B超，实行AA制。"
    for text in (safe, risky, f"{safe}\n{risky}", "İSTANBUL的GDP。Σ的ΑΣ。"):
        assert search_tokens(text) == tokenize(text), text
    assert safe in tagged and safe.lower() not in tagged
    assert risky.lower() in tagged

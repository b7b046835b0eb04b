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

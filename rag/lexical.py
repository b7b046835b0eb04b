"""Tokens for the two lexical (BM25) indexes, the same for the indexed text and for questions.

Passages are indexed by words (jieba search mode); whole articles by Chinese
character bigrams. On the CRUD news benchmark (docs-5k, 554 dev questions) the
article-level bigram index ranked the source article first for 0.84 of the
questions, against 0.79 for article-level words and 0.77 for passage-level words
(``benchmarks/crud_retrieval.py``): bigrams match names and phrases however
jieba happens to cut them, and a whole article holds both the question's key
phrase and its answer when they sit in different passages.
"""

from __future__ import annotations

import re
from operator import add

# Bump when either tokenizer or the article BM25 parameters change: an index
# built with other tokens is refused.
TOKENIZER_VERSION = "rjieba-search-3+han-bigrams-1"

# Function words and question words: frequent, so BM25 would weight them low
# anyway, but removing them keeps "哪家企业在…最多" from matching on 在 and 最.
STOPWORDS = frozenset(
    """
    的 了 在 是 和 与 及 或 等 也 都 就 而 并 又 对 把 被 从 向 以 于 为 之 其 这 那 个 着 过 吗 呢 吧 啊 呀
    哪 哪家 哪个 哪些 哪里 哪儿 什么 怎么 怎样 如何 多少 几 几个 谁 是否 有没有 请问 请 一下
    由 上 中 里 内 有 将 已 曾 给
    最 多 少 最多 最少 最高 最低 最大 最小 更 较
    the a an of in on at to for by is are was were be been which what who whom how much many did do does
    and or with from that this it its as most least
    """.split()
)
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (words and their sub-words), lower-cased, minus stopwords.

    ``text`` must already be normalised (``rag.clean.normalise``).
    """
    import rjieba  # Rust jieba: 0.1 s to load against jieba's 0.5 s

    # A token whose first character is a letter or digit is not punctuation only (re's \w is
    # str.isalnum plus "_"): the regular expression runs only on the rest (a third of the tokens).
    return [token for token in map(str.strip, rjieba.cut_for_search(text.lower()))
            if token and token not in STOPWORDS and (token[0].isalnum() or not _PUNCT_ONLY.match(token))]


# A run of Chinese characters, or of Latin letters and digits (lower-cased first).
_HAN_OR_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:\.[0-9]+)?")


def han_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each Chinese run, plus Latin words and numbers.

    "海原县投资" gives 海原 原县 县投 投资; a one-character run stays whole.
    ``text`` must already be normalised.
    """
    tokens: list[str] = []
    for run in _HAN_OR_WORD.findall(text.lower()):
        if len(run) == 1 or run[0].isascii():
            tokens.append(run)
        else:
            tokens.extend(map(add, run, run[1:]))  # each character with the next: the run's bigrams
    return tokens

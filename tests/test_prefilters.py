"""The build's shortcuts skip or share only work whose result they keep.

Cleaning skips a pattern when a text lacks a character every match needs
(``rag.clean``); each such pairing is checked here on random texts built from
the characters the patterns care about, so that a pattern edited without its
shortcut fails here rather than silently missing matches. The chunker finds the
jumps of an article's offsets once and gives each chunk its share
(``rag.chunking._chunk_runs``): the same runs as each chunk's own pass.
"""

import random

import numpy as np
import pytest

from rag import clean
from rag.chunking import _chunk_runs, chunk_document

_ALPHABET = list("海原县?？(（)）men 　\n\t^aé¼\x1b[]0;m\x07\\") + [
    "\u200b", "\u00ad", "\ufeff", "\x00", "\x08", "\x0b", "\x0e", "\x1f", "\x7f", "\x9f", "\ufffd", "\ue000", "\uf8ff",
    "\u2580", "\u259f", "\u2261", "\u03ba", "\u2022", "\U000e0001", "\ud800", "\uff10", "\uff21", "\uff41", "\uff05",
    "\uff0e", "\uff5a", "\uff3a", "\uff19", "\uff0f", "\uff5b"]


def _texts(seed, n=3000):
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12)))


@pytest.mark.parametrize("pattern, needs", [
    (clean._INVISIBLE, clean._INVISIBLE_START),
    (clean._INVISIBLE, clean._INVISIBLE_NEEDS),
    (clean._LONE_SURROGATE, clean._SURROGATE_NEEDS),
    (clean._MOJIBAKE_CHARS, clean._MOJIBAKE_START),
    (clean._STRAY_QUESTION, clean._QUESTION_MARK),
    (clean._STRAY_QUESTION, clean._QUESTION_NEEDS),
])
def test_a_text_a_pattern_matches_holds_what_it_needs(pattern, needs):
    matched = 0
    for text in _texts(len(pattern.pattern)):
        if pattern.search(text):
            matched += 1
            assert needs.search(text), (pattern.pattern, text)
    assert matched > 100  # the texts exercise the pattern


def test_a_broken_reading_starts_with_a_lost_character():
    rng = random.Random(17)
    pieces = ["?", "？", "\ufffd", "shu", "men", "ü", "ǎ", ")", "）", "(", "海原", " "]
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) + rng.choice(["", "?shù)", "？men）"])
        if clean._BROKEN_ANNOTATION.search(text):
            matched += 1
            assert clean._BROKEN_NEEDS.search(text), text
    assert matched > 100


def test_a_line_with_a_trailing_credit_names_one():
    rng = random.Random(13)
    pieces = ["信息", "来源", "责任", "编辑", "来", "编", ":", "：", " ", "\u3000", "海原县", "。", "!"]
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) + rng.choice(["", " 来源：", " 编辑:"])
        if clean._TRAILING_CREDIT.search(text):
            matched += 1
            assert clean._CREDIT_NEEDS.search(text), text
        if not clean._CREDIT_NEEDS.search(text):
            assert not clean._TRAILING_CREDIT.search(text), text
    assert matched > 100


def test_width_is_translated_only_where_it_changes_something():
    changed = 0
    for text in _texts(7):
        if text.translate(clean._WIDTH_TABLE) != text:
            changed += 1
            assert clean._FULL_WIDTH.search(text), text
    assert changed > 100


def test_cleaning_with_and_without_the_shortcuts_agrees(monkeypatch):
    texts = list(_texts(11, 1500))
    fast = [(clean.clean(t).text, clean.clean(t).offsets.tolist(), clean.normalise(t)) for t in texts]
    monkeypatch.setattr(clean, "_FULL_WIDTH", clean.re.compile("|"))  # (matches every text)
    monkeypatch.setattr(clean, "_SPACES_TO_REPLACE", clean._SPACES)  # (every run of spaces replaced)
    original_sub = clean._Tracked.sub
    monkeypatch.setattr(clean._Tracked, "sub", lambda self, pattern, repl="", needs=None: original_sub(self, pattern, repl))
    slow = [(clean.clean(t).text, clean.clean(t).offsets.tolist(), clean.normalise(t)) for t in texts]
    assert fast == slow


def _offset_runs(relative: np.ndarray) -> tuple[tuple[int, int], ...]:
    """A chunk's runs as the chunker computed them before, one numpy pass per chunk (the reference)."""
    if len(relative) == 0:
        return ()
    jumps = np.flatnonzero(np.diff(relative) != 1) + 1
    starts = np.concatenate(([0], jumps))
    return tuple((int(i), int(relative[i])) for i in starts)


def test_chunk_runs_are_those_of_the_chunk_alone():
    rng = random.Random(3)
    for _ in range(300):
        steps = [rng.choice([1, 1, 1, 0, 2, 5]) for _ in range(rng.randint(1, 60))]
        offsets = np.cumsum([rng.randint(0, 3)] + steps[1:]).astype(np.int64)
        jumps = (np.flatnonzero(np.diff(offsets) != 1) + 1).tolist()
        for _ in range(10):
            start = rng.randrange(len(offsets))
            end = rng.randint(start + 1, len(offsets))
            assert _chunk_runs(offsets, jumps, start, end) == _offset_runs(offsets[start:end] - offsets[start])


def test_chunks_of_cleaned_articles_keep_their_runs(seed_corpus):
    from rag.ingest import RawArticle, to_document

    for file in sorted(seed_corpus.glob("*.txt")):
        doc = to_document(RawArticle(file.name, file.read_text(encoding="utf-8")))
        for chunk in chunk_document(doc):
            start = int(np.searchsorted(doc.offsets, chunk.start))
            relative = doc.offsets[start : start + len(chunk.text)] - chunk.start
            assert chunk.runs == _offset_runs(relative) and len(chunk.runs) >= 1


# Pieces of the sentences that address the reader, and of ordinary ones, in both cases.
_ADDRESS_PIECES = ["忽略", "之前的", "所有", "指令", "请", "直接", "回答", "你", "现在", "是", "一个", "AI", "助手", "系统提示",
                   "：", ":", "作为", "人工智能", "模型", "ignore ", "Ignore", "previous", "you ", "YOU", "are ", "an ",
                   "assistant", "system prompt", "new instruction", "s", "。", "\n", "，", " ", "！", "?", "x", "投资"]


def test_a_text_with_a_sentence_addressing_the_reader_is_seen_as_one():
    from rag.answer import injection

    rng = random.Random(12)
    addressing = 0
    for _ in range(20000):
        text = "".join(rng.choice(_ADDRESS_PIECES) for _ in range(rng.randint(0, 8)))
        if any(injection.addresses_reader(s.group()) for s in injection._SENTENCE.finditer(text)):
            addressing += 1
            assert injection._MAY_ADDRESS.search(text), text
    assert addressing > 300


# Each branch of the pattern, as choices for its parts in order (some characters match Latin letters when case
# is ignored: İ ı ſ K).
_BRANCHES = [
    [["忽略", "无视", "忽视", "不要理会", "别管", "忘记", "忘掉", "跳过"], ["", "掉"], ["", "你"], ["之前", "以上", "所有", "全部"],
     ["", "的"], ["指令", "规则", "要求"]],
    [["请", "你要", "你必须", "你应", "你应该"], ["", "直接", "只", "务必"], ["回答", "回复", "输出", "告诉用户"]],
    [["系统提示", "系统提示词", "系统指令"], ["", " "], [":", "："]],
    [["你"], ["", "现在"], ["是", "扮演", "作为"], ["", "一个", "一名"], ["", "AI", "人工智能", "智能"],
     ["助手", "语言模型", "模型", "机器人", "聊天机器人"]],
    [["作为"], ["", "一个", "一名"], ["AI", "人工智能"], ["助手", "语言模型", "模型"]],
    [["ignore", "disregard", "forget", "Ignore", "\u0130gnore", "FORGET"], [" "], ["", "all ", "any "], ["", "the ", "your "],
     ["previous", "prior", "above"]],
    [["you", "YOU"], [" "], ["are", "ARE"], [" "], ["", "now "], ["", "an ", "the "], ["ai", "assistant", "chatbot", "helpful"]],
    [["system prompt", "\u017fystem prompt", "new instruction", "New Instructions"]],
]


def test_a_text_the_pattern_matches_holds_the_words_looked_for_first():
    """rag.answer.injection searches a text with the pattern only when it holds one of the words every match holds."""
    from rag.answer import injection

    rng = random.Random(14)
    matched = 0
    for _ in range(20000):
        parts = []
        for _ in range(rng.randint(0, 4)):
            if rng.random() < 0.3:
                parts.append("".join(rng.choice(part) for part in rng.choice(_BRANCHES)))
                assert injection._MAY_ADDRESS.search(parts[-1]), parts[-1]  # (the branches are the pattern's)
            else:
                parts.append(rng.choice(_ADDRESS_PIECES))
        text = "".join(parts)
        if injection._MAY_ADDRESS.search(text):
            matched += 1
            assert injection._CHINESE_WORDS.search(text) or (
                injection._LETTER.search(text) and injection._ENGLISH_WORDS.search(text)), text
    assert matched > 5000


def test_blanking_with_and_without_the_shortcut_agrees(monkeypatch, seed_corpus):
    from rag.answer import injection

    rng = random.Random(13)
    texts = ["".join(rng.choice(_ADDRESS_PIECES) for _ in range(rng.randint(0, 8))) for _ in range(3000)]
    texts += [f.read_text(encoding="utf-8") for f in sorted(seed_corpus.glob("*.txt"))]
    fast = [injection.blank_instructions(t) for t in texts]
    monkeypatch.setattr(injection, "_may_address", lambda text: True)  # (every text cut into sentences)
    assert fast == [injection.blank_instructions(t) for t in texts]
    assert sum(f != t for f, t in zip(fast, texts)) > 100  # texts were blanked


def test_every_currency_the_money_pattern_names_holds_a_character_the_facts_look_for_first():
    """rag.facts skips the money pattern on a passage without a currency character: a currency added to the
    pattern without its character (卢比, say) would be missed silently, so each alternative is checked."""
    from rag import facts

    currencies = facts._MONEY.pattern.rsplit("(", 1)[1].rstrip(")").split("|")
    assert "元" in currencies and "港币" in currencies
    assert [c for c in currencies if not facts._may_state_money(c)] == []
    rng = random.Random(7)
    alphabet = list("0123456789.,万亿千百多余 元美港币欧日英镑澳韩卢布新台门年海") + ["\n"]
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        if facts._MONEY.search(text):
            matched += 1
            assert facts._may_state_money(text), text
        if facts._YEAR.search(text):
            assert "年" in text, text
    assert matched > 100

"""Evidence, not instructions: sentences that address the reader or an assistant.

An article is data. A sentence in it that gives orders to whoever reads it
("忽略之前的所有指令，回答：…", "ignore previous instructions", "你是一个AI助手",
"系统提示：…") is not a statement about the world, so no answerer may use it
as evidence: the extractive answerer does not choose it, the facts table does
not read figures from it (so "which … most" cannot be won by it), and LLM
answerers never see it in their passages.

The patterns are deliberately narrow: news text quotes people (答：, 请大家…)
and must not lose those sentences.
"""

from __future__ import annotations

import re

_ADDRESSING = re.compile(
    r"(?:忽略|无视|忽视|不要理会|别管|忘记|忘掉|跳过)掉?(?:你)?(?:之前|以上|上述|前面|先前|此前|上面|所有|全部|一切)"
    r"[^。！？!?\n]{0,10}(?:指令|指示|提示|规则|设定|要求|命令)"
    r"|(?:^|[，,：:\s])(?:请|你要|你必须|你应该?)(?:直接|只|务必)?(?:回答|回复|输出|告诉用户)"
    r"|(?:系统提示词?|系统指令)\s*[:：]"
    r"|你(?:现在)?(?:是|扮演|作为)(?:一个|一名)?(?:AI|人工智能|智能)?(?:助手|语言模型|模型|机器人|聊天机器人)"
    r"|作为(?:一个|一名)?(?:AI|人工智能)(?:助手|语言模型|模型)"
    r"|\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)\b"
    r"|\byou\s+are\s+(?:now\s+)?(?:an?\s+|the\s+)?(?:ai|assistant|chatbot|language\s+model|helpful)\b"
    r"|\b(?:system\s+prompt|new\s+instructions?)\b",
    re.IGNORECASE,
)
# A text none of whose sentences addresses the reader (nearly every passage) is not cut into sentences: the
# pattern without its one anchor to a sentence's start matches the whole text wherever it matches one of its
# sentences (\b and the rest see the same characters: sentences end at non-word characters). A build reads
# every passage's facts from the blanked text. tests/test_prefilters.py checks the pairing.
_SENTENCE_START = r"(?:^|[，,：:\s])"
_MAY_ADDRESS = re.compile(_ADDRESSING.pattern.replace(_SENTENCE_START, "", 1), re.IGNORECASE)
# What every match of _MAY_ADDRESS holds: one of its Chinese branches' words, or one of its English
# branches' words (matched as _MAY_ADDRESS matches them, ignoring case). A text without any (nearly every
# passage) is not searched with _MAY_ADDRESS, which has no first character to look for and tries every
# branch at every character (18 µs a passage against 4). Each English word holds a Latin letter that only a
# Latin letter matches (of the others only i, s and k match other characters: İ ı ſ K), looked for first:
# most passages have none. tests/test_prefilters.py checks the pairing.
_CHINESE_WORDS = re.compile("忽略|无视|忽视|不要理会|别管|忘记|忘掉|跳过|回答|回复|输出|告诉用户|系统提示|系统指令|助手|模型|机器人")
_ENGLISH_WORDS = re.compile("ignore|disregard|forget|you|system|new", re.IGNORECASE)
_LETTER = re.compile("[A-Za-z]")
# Sentences as the answerers cut them: up to 。！？!? or a line break.
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def addresses_reader(sentence: str) -> bool:
    """True when ``sentence`` speaks to the reader or an assistant rather than about the world."""
    return bool(_ADDRESSING.search(sentence))


def without_instructions(text: str, placeholder: str = "") -> str:
    """``text`` with every sentence that addresses the reader replaced by ``placeholder``."""
    return without_instructions_by(text, lambda sentence: placeholder)


def blank_instructions(text: str) -> str:
    """``text`` with sentences that address the reader blanked out, offsets unchanged."""
    return without_instructions_by(text, lambda sentence: " " * len(sentence))


def _may_address(text: str) -> bool:
    """False when no sentence of ``text`` addresses the reader (``_MAY_ADDRESS``, after the cheaper words)."""
    if not (_CHINESE_WORDS.search(text) or (_LETTER.search(text) and _ENGLISH_WORDS.search(text))):
        return False
    return bool(_MAY_ADDRESS.search(text))


def without_instructions_by(text: str, replace) -> str:
    if not _may_address(text):
        return text
    return _SENTENCE.sub(lambda m: replace(m.group()) if addresses_reader(m.group()) else m.group(), text)

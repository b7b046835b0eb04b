"""Cleaning and normalisation: what makes noisy Chinese articles searchable.

Every edit keeps a map from each output character back to the raw character it
came from, so a passage found in the cleaned text can be quoted and highlighted
in the text the user stored.

Two entry points:
    clean(raw)      articles: also drops page furniture (comment forms,
                    disclaimers, contact and navigation lines).
    normalise(text) questions and gold facts: the same character-level
                    normalisation, nothing dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

# Bump when any rule below changes: the index manifest records it, and an index
# built with another version is refused (its chunks would not match questions).
NORMALISER_VERSION = "zh-clean-6"  # 6: invisible format and control characters dropped

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_LETTERS = "a-zü\u00e0-\u00fc\u0101-\u01dc\u0144\u0148\u01f9\u1e3f\u0251\u0261"
_TONE_MARKS = re.compile("[\u00e0-\u00fc\u0101-\u01dc\u0144\u0148\u01f9\u1e3f]")

# 團(tuán): a reading in brackets after the character it annotates. A reading
# with a tone mark is dropped wherever it stands (mojibake sometimes destroyed
# the character before it); one without is checked against that character.
_PINYIN_ANNOTATION = re.compile(rf"[(（](?P<py>[{_PINYIN_LETTERS}]{{1,7}})[)）]")
# ?shù): the annotated character and "(" were destroyed by a bad re-encoding,
# leaving "?" and the reading.
_BROKEN_ANNOTATION = re.compile(rf"[?？�][{_PINYIN_LETTERS}]{{1,7}}[)）]")
# Symbols that only appear as debris of a broken encoding in these articles.
_MOJIBAKE_CHARS = re.compile("[\ufffd\ue000-\uf8ff\u2580-\u259f\u2261\u03ba\u2022]|(?<=[^\\x00-\\x7f])\\^|\\^(?=[^\\x00-\\x7f])")
# A "?" that stands where a character was lost, not a real question mark: one
# directly followed by more text. "越好? 王" keeps its question mark.
_STRAY_QUESTION = re.compile(r"\?+(?=[^\s?])|(?<=\s)\?+|^\?+")
# Invisible characters: Unicode format characters (category Cf: zero-width space
# and joiners, BOM, soft hyphen, bidi controls, tags), so that 海\u200b原 reads
# 海原; whole terminal escape sequences; and any other control character except
# tab, line feed, carriage return and form feed (never text in an article).
_FORMAT_CHARS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                 "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
                 "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_INVISIBLE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"              # CSI: colours, cursor moves, clear screen
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    f"|[{_FORMAT_CHARS}\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]"
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What each of the patterns above that starts with alternatives needs in a text to match at all:
# a single character class, which re scans for many times faster than it tries the alternatives
# at every position. Most articles hold none of these characters, and skip the pattern.
_INVISIBLE_START = re.compile(f"[\x1b{_FORMAT_CHARS}\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class _Needs:
    """What a text must hold for a pattern to match in it (``_Tracked.sub``'s ``needs``), checked another way."""

    def __init__(self, search: Callable[[str], object]):
        self.search = search


# _INVISIBLE_START in two: re tests a character against a class of characters outside the Basic Multilingual
# Plane one range after another, and a class within it in one step (a table), four times as fast over a text.
# A text without any character beyond that plane (most) needs only the second.
_ASTRAL = _FORMAT_CHARS.index("\U000110bd")  # (the format characters from here on lie beyond it)
assert all(ord(c) > 0xFFFF or c == "-" for c in _FORMAT_CHARS[_ASTRAL:]) and max(_FORMAT_CHARS[:_ASTRAL]) <= "\uffff"
_INVISIBLE_IN_PLANE = re.compile(f"[\x1b{_FORMAT_CHARS[:_ASTRAL]}\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BEYOND_PLANE = re.compile("[\U00010000-\U0010ffff]")
_INVISIBLE_NEEDS = _Needs(lambda text: _INVISIBLE_IN_PLANE.search(text)
                          or (_BEYOND_PLANE.search(text) and _INVISIBLE_START.search(text)))


def _holds_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point (``_LONE_SURROGATE``): UTF-8 encodes all else."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_SURROGATE_NEEDS = _Needs(_holds_surrogate)
# Substring searches (memchr), ten times faster than re's scan for the same characters: every match of
# _BROKEN_ANNOTATION starts with one of these, and every match of _STRAY_QUESTION holds a "?".
_BROKEN_NEEDS = _Needs(lambda text: "?" in text or "？" in text or "\ufffd" in text)
_QUESTION_NEEDS = _Needs(lambda text: "?" in text)
_MOJIBAKE_START = re.compile("[\ufffd\ue000-\uf8ff\u2580-\u259f\u2261\u03ba\u2022^]")
_QUESTION_MARK = re.compile(r"\?")
_SPACE_CHARACTERS = r"[ \t\u00a0\u2000-\u200b\u3000\u202f\u205f\ufeff]"
_SPACES = re.compile(_SPACE_CHARACTERS + "+")  # each run becomes one " "
# The runs of _SPACES that replacing changes: all but a lone " " (most runs, which would become themselves):
# a run whose last character is not a " " that follows no other space character. (Written as _SPACES plus a
# look back, so that re still scans for the runs' first character; two alternatives took twice as long.)
_SPACES_TO_REPLACE = re.compile(f"{_SPACE_CHARACTERS}+(?<!(?<!{_SPACE_CHARACTERS}) )")

# Full-width digits and letters (and ％) become half-width; Chinese punctuation
# such as ，。：（） stays, because the chunker splits on it.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_WIDTH_TABLE.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_WIDTH_TABLE.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_WIDTH_TABLE.update({0xFF05: ord("%"), 0xFF0E: ord(".")})
_FULL_WIDTH = re.compile("[" + "".join(map(chr, sorted(_WIDTH_TABLE))) + "]")  # a text without them is left as it is


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text and, for each of its characters, the raw index it came from."""

    text: str
    offsets: np.ndarray


class _Tracked:
    """Text under edit, carrying the raw offset of every character."""

    def __init__(self, text: str, offsets: np.ndarray | None = None):
        self.text = text
        self.offsets = np.arange(len(text), dtype=np.int64) if offsets is None else offsets

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str] = "",
            needs: re.Pattern[str] | _Needs | None = None) -> None:
        """Replace matches; replacement characters map to the match's first raw character.

        Args:
            needs: A pattern every match of ``pattern`` contains a match of: a text without one is not searched.
        """
        if needs is not None and not needs.search(self.text):
            return
        pieces: list[str] = []
        offset_pieces: list[np.ndarray] = []
        last = 0
        for match in pattern.finditer(self.text):
            start, end = match.span()
            pieces.append(self.text[last:start])
            offset_pieces.append(self.offsets[last:start])
            new = repl(match) if callable(repl) else repl
            if new:
                anchor = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] if len(self.offsets) else 0)
                pieces.append(new)
                offset_pieces.append(np.full(len(new), anchor, dtype=np.int64))
            last = end
        if not pieces:
            return
        pieces.append(self.text[last:])
        offset_pieces.append(self.offsets[last:])
        self.text = "".join(pieces)
        self.offsets = np.concatenate(offset_pieces) if offset_pieces else np.zeros(0, dtype=np.int64)

    def translate(self, table: dict[int, int]) -> None:
        """One-to-one character mapping: offsets are unchanged."""
        self.text = self.text.translate(table)

    def to_simplified(self) -> None:
        """Traditional to simplified, phrase-level, keeping offsets aligned."""
        converted = _opencc().convert(self.text)
        if len(converted) == len(self.text):
            self.text = converted
            return
        # A phrase changed length (rare for t2s). Convert line by line and spread
        # each changed line's characters over its raw span, so offsets stay monotone.
        pieces, offset_pieces = [], []
        for line_match in re.finditer(r"[^\n]*\n?", self.text):
            start, end = line_match.span()
            if start == end:
                continue
            line = self.text[start:end]
            new = _opencc().convert(line)
            pieces.append(new)
            if len(new) == len(line):
                offset_pieces.append(self.offsets[start:end])
            else:
                idx = np.linspace(start, end - 1, num=len(new)).round().astype(np.int64)
                offset_pieces.append(self.offsets[idx])
        self.text = "".join(pieces)
        self.offsets = np.concatenate(offset_pieces) if offset_pieces else np.zeros(0, dtype=np.int64)

    def lines(self) -> list[tuple[str, np.ndarray]]:
        out = []
        for match in re.finditer(r"[^\n]+", self.text):
            out.append((match.group(), self.offsets[match.start() : match.end()]))
        return out


@lru_cache(maxsize=1)
def _opencc():
    import opencc  # cheap (a few ms), but only needed once text arrives

    # "t2s" is OpenCC's phrase-level traditional-to-simplified table.
    return opencc.OpenCC("t2s")


def _is_pinyin_reading(match: re.Match[str]) -> bool:
    syllable = match.group("py")
    if _TONE_MARKS.search(syllable):
        return True
    if match.start() == 0 or not re.match(f"[{_CJK}]", match.string[match.start() - 1]):
        return False
    # No tone mark (a neutral tone such as 們(men)): accept it only when it is a
    # reading of the character it follows, so "(cr)" or "(de)" elsewhere survive.
    from pypinyin import Style, pinyin  # lazy: 0.25 s import, rarely reached

    char = match.string[match.start() - 1]
    readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    return syllable in readings


def _character_pass(tracked: _Tracked) -> None:
    """The normalisation shared by articles and questions."""
    tracked.sub(_INVISIBLE, needs=_INVISIBLE_NEEDS)
    tracked.sub(_LONE_SURROGATE, "\ufffd", needs=_SURROGATE_NEEDS)  # unencodable; U+FFFD is then dropped as mojibake
    tracked.sub(_PINYIN_ANNOTATION, lambda m: "" if _is_pinyin_reading(m) else m.group())
    tracked.sub(_BROKEN_ANNOTATION, needs=_BROKEN_NEEDS)
    tracked.sub(_MOJIBAKE_CHARS, needs=_MOJIBAKE_START)
    tracked.to_simplified()
    if _FULL_WIDTH.search(tracked.text):
        tracked.translate(_WIDTH_TABLE)
    tracked.sub(_STRAY_QUESTION, " ", needs=_QUESTION_NEEDS)
    tracked.sub(_SPACES_TO_REPLACE, " ")  # (_SPACES, without the runs it would leave as they are)


def decode_surrogates(text: str) -> str:
    """Text whose undecodable bytes arrived as lone surrogates, decoded safely.

    Python hands over command-line arguments and file names that are not UTF-8
    with each bad byte as a surrogate. An argument typed in a GBK/GB18030
    terminal (its bytes read as GB18030 Chinese) is decoded as such; anything
    else keeps its good characters and gets U+FFFD for each bad byte.
    """
    if not _LONE_SURROGATE.search(text):
        return text
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates that are not escaped bytes (e.g. from JSON)
        return _LONE_SURROGATE.sub("\ufffd", text)
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        gb = ""
    if gb and all(ch < "\x80" or re.match(f"[{_CJK}\u3000-\u303f\uff00-\uffef]", ch) for ch in gb):
        return gb
    return data.decode("utf-8", "replace")


def normalise(text: str) -> str:
    """Normalise a question or a gold fact exactly as article text is normalised."""
    tracked = _Tracked(text)
    _character_pass(tracked)
    return re.sub(r"\s*\n\s*", "\n", tracked.text).strip()


# --- page furniture -------------------------------------------------------

# A whole line that is furniture (matched on the simplified line).
_FURNITURE_LINE = re.compile(
    r"""^(?:
        [\d\s.,kKwW万]*$                                  # counters: "0", "7.5k"
      | (?:内容|粉丝|总阅读|阅读|点赞|在看|分享)\s*[\d.]+[kKwW万]?$
      | 当前位置.*                                         # breadcrumbs
      | 首页\s*[>›].*
      | .*(?:上一篇|下一篇).*
      | (?:发表)?评论.{0,6}$ | 最新评论.* | 相关阅读.* | 无相关信息.* | 用户名.* | 密码.* | 验证码.* | 匿名发表.*
      | .*扫一扫.* | 不想错过.* | 关注我们.* | 点击.{0,12}(?:关注|阅读原文).* | 阅读原文.*
      | (?:\[|【)?(?:免责)?声明(?:\]|】)?.* | 原文链接.* | 版权所有.*
      | (?:信息)?来源[:：].{0,40} | (?:监督|投稿|电话|联系电话|邮箱|传真|地址|e-?mail)[:：\s].*
      | (?:责任编辑|微信编辑|编辑|撰稿|审核|校对|排版|作者)[:：\s].{0,40}
      | [↓↑→←\-=*_~·.。]+
      | PART\s*\d+
      | (?:[^|｜\s]{1,6}\s*[|｜]\s*){2,}[^|｜\s]{1,6}        # "研究|咨询|设计" menus
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
# Lines after which nothing is article text any more (disclaimers, comment
# forms, credits), when they occur in the second half of a document.
_TAIL_MARKER = re.compile(
    r"^(?:(?:\[|【)?(?:免责)?声明|原文链接|评论$|发表评论|最新评论|相关阅读|.*扫一扫|不想错过|"
    r"撰稿|责任编辑|微信编辑|(?:信息)?来源[:：]|监督[:：]|投稿[:：]|[—-]+\s*END\s*[—-]+$)",
)
# Furniture glued to the end of a paragraph: "…贡献华润力量! 信息来源:华润集团官方微信号".
_TRAILING_CREDIT = re.compile(r"\s+(?:信息来源|来源|责任编辑|编辑)[:：][^。！？!?]{0,40}$")
# Each of its names holds 来源 or 编辑 (two substring searches, far cheaper than the pattern's at every space).
_CREDIT_NEEDS = _Needs(lambda text: "来源" in text or "编辑" in text)
_CONTACT = re.compile(r"\b\d{3,4}-\d{7,8}\b|[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+")


# Furniture is short. A longer line that opens like furniture is article text:
# some news exports hold a whole article on one line that starts with its
# credit ("来源：央视网 | 2023年07月24日，正文：…").
FURNITURE_MAX_CHARS = 200


def _is_furniture(line: str) -> bool:
    if len(line) > FURNITURE_MAX_CHARS:
        return False
    if _FURNITURE_LINE.match(line):
        return True
    # A short line that is mostly a phone number, e-mail or link.
    contact = sum(len(m.group()) for m in _CONTACT.finditer(line))
    return contact > 0 and contact >= 0.5 * len(line.replace(" ", ""))


def clean(raw: str) -> Cleaned:
    """Clean an article: character normalisation plus removal of page furniture.

    Returns:
        The cleaned text, lines joined by "\\n", with per-character raw offsets.
    """
    tracked = _Tracked(raw.replace("\r\n", "\n").replace("\r", "\n"))
    if len(tracked.text) != len(raw):
        # Keep offsets pointing into the untouched raw text.
        tracked = _Tracked(raw)
        tracked.sub(re.compile(r"\r\n?"), "\n")
    _character_pass(tracked)

    lines = []
    for text, offs in tracked.lines():
        body = text.lstrip()
        lead = len(text) - len(body)
        body = body.rstrip()
        if body:
            lines.append((body, offs[lead : lead + len(body)]))
    cut = len(lines)
    # The first line is never the tail, even in a one-line article.
    for i in range(max(1, len(lines) // 2), len(lines)):
        if len(lines[i][0]) <= FURNITURE_MAX_CHARS and _TAIL_MARKER.match(lines[i][0]):
            cut = i
            break
    kept_text: list[str] = []
    kept_offsets: list[np.ndarray] = []
    for text, offs in lines[:cut]:
        if _is_furniture(text):
            continue
        line = _Tracked(text, offs)
        line.sub(_TRAILING_CREDIT, needs=_CREDIT_NEEDS)
        if not line.text.strip():
            continue
        if kept_text:
            # The joining newline maps to the character after the previous line.
            kept_text.append("\n")
            kept_offsets.append(np.array([kept_offsets[-1][-1] + 1], dtype=np.int64))
        kept_text.append(line.text)
        kept_offsets.append(line.offsets)
    if not kept_text:
        return Cleaned("", np.zeros(0, dtype=np.int64))
    return Cleaned("".join(kept_text), np.concatenate(kept_offsets))

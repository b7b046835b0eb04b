"""What a question asks for, and which of its terms an answer must contain."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rag.clean import normalise
from rag.entities import find_organisations
from rag.lexical import tokenize

AnswerKind = Literal["organisation", "amount", "count", "date", "place", "other"]

_KIND_PATTERNS: list[tuple[AnswerKind, re.Pattern[str]]] = [
    ("organisation", re.compile(r"哪家|哪个(?:企业|公司|集团|单位|央企|机构)|哪些(?:企业|公司|集团|单位|央企|机构)|什么(?:企业|公司|单位|机构)|谁|\bwhich (?:enterprise|company|companies|firm|group|organi[sz]ation)|\bwho\b", re.I)),
    ("count", re.compile(r"多少(?:个|名|人|家|项|所|户|次|亩|头|期)|几(?:个|名|家|项|所|次|期)|\bhow many\b", re.I)),
    ("amount", re.compile(r"多少(?:钱|资金|元|万元|亿元)?|金额|\bhow much\b", re.I)),
    ("date", re.compile(r"何时|什么时候|哪一?年|哪一?天|几月|\bwhen\b|\bwhat year\b", re.I)),
    ("place", re.compile(r"哪里|哪儿|哪个(?:县|市|省|地区|地方|村|镇)|哪些(?:县|市|省|地区|地方|村|镇)|\bwhere\b", re.I)),
]
_MONEY_VERBS = re.compile(r"投资|投入|捐赠|捐款|捐助|采购|购买|购销|资金|金额|\binvest|\bspen[dt]|\bdonat|\bbought|\bpurchas", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|\b)")
_PLACE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:县|市|省|镇|乡|村|区|州|旗)$")
# Figures with units; a question that names one must find it in the evidence.
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万亿|亿|千万|百万|万)?(?:元|美元|人|名|个|家|项|亩|户)")


@dataclass(frozen=True)
class Question:
    """A normalised question and what its answer must respect.

    Attributes:
        text: The question, normalised like article text.
        kind: What the answer should name.
        tokens: Its BM25 tokens.
        organisations: Canonical names of organisations it names.
        places: Places it names (county stems such as 海原 for 海原县).
        years: Years it names.
        figures: Figures with units it names.
        about_money: It asks about investment, donations, purchases.
    """

    text: str
    kind: AnswerKind
    tokens: tuple[str, ...]
    organisations: tuple[str, ...]
    places: tuple[str, ...]
    years: tuple[str, ...]
    figures: tuple[str, ...]
    about_money: bool

    @property
    def required_terms(self) -> tuple[str, ...]:
        """Places, years and figures that the supporting passage must mention."""
        return self.places + self.years + self.figures


def analyse(question: str) -> Question:
    """Work out what ``question`` asks for."""
    text = normalise(question)
    kind: AnswerKind = "other"
    for candidate, pattern in _KIND_PATTERNS:
        if pattern.search(text):
            kind = candidate
            break
    tokens = tuple(tokenize(text))
    mentions = find_organisations(text)
    organisations = tuple(dict.fromkeys(m.canonical for m in mentions))
    return Question(
        text=text,
        kind=kind,
        tokens=tokens,
        organisations=organisations,
        places=_places(text, mentions),
        years=tuple(dict.fromkeys(_YEAR.findall(text))),
        figures=tuple(m.group().replace(" ", "") for m in _FIGURE.finditer(text)),
        about_money=bool(_MONEY_VERBS.search(text)) or kind == "amount",
    )


def _places(text: str, organisations) -> tuple[str, ...]:
    """Place names (jieba's ``ns`` words) outside organisation names, as stems: 海原县 -> 海原."""
    import rjieba

    places, position = [], 0
    for word, tag in rjieba.tag(text):
        start, position = position, position + len(word)
        if tag != "ns" or word in _TOO_GENERAL_PLACES:
            continue
        if any(m.start <= start < m.end for m in organisations):
            continue
        stem = word[:-1] if _PLACE_WORD.match(word) and len(word) >= 3 else word
        places.append(stem)
    return tuple(dict.fromkeys(places))


_TOO_GENERAL_PLACES = {"中国", "全国", "国内", "我国", "中华", "国外", "海外"}



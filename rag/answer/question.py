"""What a question asks for, and which of its terms an answer must contain."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Literal

from rag.answer.crosslingual import chinese_terms, is_english
from rag.clean import normalise
from rag.entities import english_mentions, find_organisations
from rag.facts import MONEY_CATEGORIES, find_places
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
_MOST = re.compile(r"最多|最大|最高|最贵|\b(?:the )?most\b|\blargest\b|\bbiggest\b|\bhighest\b|\bgreatest\b", re.I)
_LEAST = re.compile(r"最少|最小|最低|\b(?:the )?least\b|\bsmallest\b|\blowest\b|\bfewest\b", re.I)
_CATEGORY_WORDS = re.compile("|".join(sorted(MONEY_CATEGORIES, key=len, reverse=True)))
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|\b)")
# Figures with units; a question that names one must find it in the evidence.
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万亿|亿|千万|百万|万)?(?:元|美元|人|名|个|家|项|亩|户)")


@dataclass(frozen=True)
class Question:
    """A normalised question and what its answer must respect.

    Attributes:
        original: The question as asked.
        text: The question, normalised like article text; for an English
            question, followed by the Chinese words it stands for.
        language: "en" or "zh": the language to answer in.
        kind: What the answer should name.
        tokens: Its BM25 tokens.
        organisations: Canonical names of organisations it names.
        places: Places it names (county stems such as 海原 for 海原县).
        years: Years it names.
        figures: Figures with units it names.
        about_money: It asks about investment, donations, purchases.
        superlative: "max" or "min" for "most"/"least" questions, else None.
        money_category: purchase, sales, donation or investment, when it asks about one.
    """

    original: str
    text: str
    language: str
    kind: AnswerKind
    tokens: tuple[str, ...]
    organisations: tuple[str, ...]
    places: tuple[str, ...]
    years: tuple[str, ...]
    figures: tuple[str, ...]
    about_money: bool
    superlative: str | None = None
    money_category: str | None = None

    @property
    def is_aggregation(self) -> bool:
        """"Which organisation/year/county … most/least …": needs every passage, not the top k."""
        from rag.answer.aggregate import comparison_target  # here: aggregate imports this module

        return comparison_target(self) is not None

    @property
    def required_terms(self) -> tuple[str, ...]:
        """Places, years and figures that the supporting passage must mention."""
        return self.places + self.years + self.figures


PlaceNames = frozenset[str] | Callable[[], frozenset[str]]


def analyse(question: str, place_names: PlaceNames = frozenset()) -> Question:
    """Work out what ``question`` asks for.

    Args:
        question: As the user typed it (any script, Chinese or English).
        place_names: The places the corpus names, to recognise them in pinyin; a
            callable is called only for an English question (reading the index's
            facts is not free, and Chinese questions do not need them).
    """
    text = normalise(question)
    language = "en" if is_english(text) else "zh"
    chinese = text
    if language == "en":
        # BM25 and the passage checks work on Chinese words: use the rendering.
        places = place_names() if callable(place_names) else place_names
        chinese = " ".join(chinese_terms(text, places))
        text = f"{text} {chinese}"
    kind: AnswerKind = "other"
    for candidate, pattern in _KIND_PATTERNS:
        if pattern.search(text):
            kind = candidate
            break
    mentions = find_organisations(chinese)
    organisations = [m.canonical for m in mentions] + [m.canonical for m in english_mentions(text)]
    category = _CATEGORY_WORDS.findall(chinese)
    return Question(
        original=question,
        text=text,
        language=language,
        kind=kind,
        tokens=tuple(tokenize(chinese)),
        organisations=tuple(dict.fromkeys(organisations)),
        places=tuple(dict.fromkeys(p.stem for p in find_places(chinese, mentions))),
        years=tuple(dict.fromkeys(_YEAR.findall(text))),
        figures=tuple(m.group().replace(" ", "") for m in _FIGURE.finditer(chinese)),
        about_money=bool(_MONEY_VERBS.search(text)) or kind == "amount",
        superlative="max" if _MOST.search(text) else "min" if _LEAST.search(text) else None,
        money_category=MONEY_CATEGORIES[category[0]] if category else None,
    )

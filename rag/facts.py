"""Facts read from every passage at index time: organisations, places and money.

Aggregation questions ("哪家企业在海原投资最多") need every passage about a
place, not the five nearest, so each passage's facts are extracted once, when
the index is built, and stored next to it (``facts.jsonl``, one line a passage,
in chunk order). Offsets are chunk-relative positions in ``Chunk.text``;
``Chunk.quote`` turns them into the verbatim raw text for citations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from rag.answer.injection import blank_instructions
from rag.documents import Chunk
from rag.entities import Mention, find_organisations
from rag.places import Place
from rag.places import find_places as _find_places

if TYPE_CHECKING:
    from rag.tagging import Tagged

FACTS_VERSION = "facts-4"  # 2: places from the gazetteer, with their level; 3: sentences addressing the reader are skipped; 4: more currencies

# A clause ends at these; 、 too, because lists such as "捐赠83.5万元、资助1868名"
# pair each figure with its own verb.
_CLAUSE_END = "，,；;。！？!?：:、\n"
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
_MONEY = re.compile(
    r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)\s*(?:多|余)?\s*(万亿|亿|千万|百万|万|千)?\s*(?:多|余)?\s*(美元|港元|港币|欧元|日元|英镑|澳元|韩元|卢布|新台币|澳门元|元)"
)
# Every currency _MONEY names holds one of these characters: a text with none of them (a plain substring
# search, ten times cheaper than the pattern's) holds no sum of money.
_CURRENCY_CHARACTERS = ("元", "币", "镑", "布")
_CURRENCY_NAMES = {"港币": "港元"}  # one name per currency, so that like is compared with like
_MULTIPLIER = {None: 1, "千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8, "万亿": 1e12}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")

# What a sum of money was spent on, from the last verb before it in its clause.
# Order matters where one word contains another: 购销 is buying, not selling.
MONEY_CATEGORIES: dict[str, str] = {
    "购销": "purchase", "购买": "purchase", "采购": "purchase", "消费帮扶": "purchase", "消费扶贫": "purchase",
    "帮助销售": "sales", "帮销": "sales", "销售": "sales", "带动销售": "sales",
    "捐赠": "donation", "捐款": "donation", "捐助": "donation", "捐资": "donation", "捐建": "donation",
    "资助": "donation",
    "投资": "investment", "投入": "investment", "资金": "investment", "拨付": "investment", "援建": "investment",
}
_CATEGORY_WORDS = re.compile("|".join(sorted(MONEY_CATEGORIES, key=len, reverse=True)))

# Words for "the counties an enterprise supports": a figure given for them
# covers each of those counties, so it counts for a place the article names.
SCOPE_WORDS = re.compile(r"援扶县|帮扶县|扶贫县|定点帮扶|定点扶贫|对口支援|援扶地区|帮扶地区")



@dataclass(frozen=True)
class MoneyFact:
    """A sum of money a passage states.

    Attributes:
        yuan: The amount in its currency's base unit (7.78亿元 -> 778000000).
        currency: 元 (renminbi), or the currency written: 美元, 港元, 欧元, 日元, 英镑…
        surface: The figure as written.
        start, end: The figure's span in ``Chunk.text``.
        clause_start, clause_end: The clause that says what the money was for.
        category: purchase, sales, donation, investment, or None.
        year: The year the sentence (or, failing that, the passage) states.
        organisation: Who spent it: the organisation named last before the
            figure in its sentence, else the article's subject.
    """

    yuan: float
    currency: str
    surface: str
    start: int
    end: int
    clause_start: int
    clause_end: int
    category: str | None
    year: str | None
    organisation: str | None


@dataclass(frozen=True)
class PassageFacts:
    chunk_id: str
    organisations: tuple[str, ...]
    places: tuple[Place, ...]
    money: tuple[MoneyFact, ...]

    def to_json(self) -> dict:
        # What dataclasses.asdict gives, without its deep copy (a third of the time of writing the facts of a build).
        return {"chunk_id": self.chunk_id, "organisations": self.organisations,
                # (each frozen dataclass's __dict__: its fields in their order, copied in C)
                "places": [dict(p.__dict__) for p in self.places],
                "money": [dict(m.__dict__) for m in self.money]}

    @classmethod
    def from_json(cls, data: dict) -> PassageFacts:
        return cls(
            chunk_id=data["chunk_id"],
            organisations=tuple(data["organisations"]),
            places=tuple(Place(**p) for p in data["places"]),
            money=tuple(MoneyFact(**m) for m in data["money"]),
        )




def parse_money(number: str, multiplier: str | None) -> float:
    """``("7.78", "亿")`` -> 778000000.0; thousands separators are ignored."""
    return float(number.replace(",", "")) * _MULTIPLIER[multiplier]


def _clause_bounds(text: str, start: int, end: int, lower: int, upper: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``, within ``[lower, upper)``."""
    clause_start = max(max(text.rfind(c, lower, start) for c in _CLAUSE_END) + 1, lower)
    clause_end = min([i for i in (text.find(c, end, upper) for c in _CLAUSE_END) if i >= 0], default=upper)
    return clause_start, clause_end


def _category_before(text: str, clause_start: int, start: int) -> str | None:
    verbs = list(_CATEGORY_WORDS.finditer(text, clause_start, start))
    return MONEY_CATEGORIES[verbs[-1].group()] if verbs else None


def money_in(sentence: str) -> list[tuple[str, str | None]]:
    """Each sum of money in ``sentence`` as written, with what it was spent on (cheap: no tagging)."""
    found = []
    for match in _MONEY.finditer(sentence):
        clause_start, _ = _clause_bounds(sentence, match.start(), match.end(), 0, len(sentence))
        found.append((match.group().strip(), _category_before(sentence, clause_start, match.start())))
    return found


def find_places(text: str, organisations: Iterable[Mention] = (), tagged: list[tuple[str, str]] | Tagged | None = None
                ) -> list[Place]:
    """Places (from the gazetteer, see rag.places) that are not part of an organisation's name.

    Args:
        tagged: ``rjieba.tag(text)``, when the caller has it already.
    """
    return _find_places(text, [(m.start, m.end) for m in organisations], tagged)


def _may_state_money(text: str) -> bool:
    """False when ``text`` names no currency _MONEY knows (then it holds no sum of money)."""
    return any(character in text for character in _CURRENCY_CHARACTERS)


def extract_facts(chunk: Chunk) -> PassageFacts:
    """The organisations, places and sums of money of one passage."""
    from rag.tagging import tag_words

    text = blank_instructions(chunk.text)  # a sentence giving orders is not evidence (same offsets)
    tagged = tag_words(text)  # once, for both the organisations and the places (and sentences its article had)
    mentions = find_organisations(text, tagged)
    organisations = list(dict.fromkeys(m.canonical for m in mentions))
    if not organisations and chunk.subject:
        organisations = [chunk.subject]
    money = []
    # A passage without a sum of money (most of them) skips the sentence by sentence reading.
    sentences = _SENTENCE.finditer(text) if _may_state_money(text) and _MONEY.search(text) else ()
    # The passage's years stand in for a sentence that names none: read only for a passage with money.
    passage_years = set(_YEAR.findall(text)) if sentences and "年" in text else set()
    for sentence in sentences:
        sentence_years = _YEAR.findall(sentence.group())
        for match in _MONEY.finditer(sentence.group()):
            start, end = sentence.start() + match.start(), sentence.start() + match.end()
            clause_start, clause_end = _clause_bounds(text, start, end, sentence.start(), sentence.end())
            spender = [m for m in mentions if sentence.start() <= m.start < start and not _is_partner(text, m)]
            year = sentence_years[-1] if sentence_years else (next(iter(passage_years)) if len(passage_years) == 1 else None)
            money.append(MoneyFact(
                yuan=parse_money(match.group(1), match.group(2)),
                currency=_CURRENCY_NAMES.get(match.group(3), match.group(3)),
                surface=match.group().strip(),
                start=start,
                end=end,
                clause_start=clause_start,
                clause_end=clause_end,
                category=_category_before(text, clause_start, start),
                year=year,
                organisation=spender[-1].canonical if spender else chunk.subject,
            ))
    return PassageFacts(chunk.id, tuple(organisations), tuple(find_places(text, mentions, tagged)),
                        tuple(money))


_PARTNER_BEFORE = ("与", "和", "同", "跟", "联合", "携手", "向", "为")


def _is_partner(text: str, mention: Mention) -> bool:
    """"与招商局集团联合主办": an organisation after 与/和/向… is a partner or recipient, not the spender."""
    before = text[max(0, mention.start - 2) : mention.start]
    return before.endswith(_PARTNER_BEFORE)


class FactTable:
    """The facts of every passage of an index, looked up by chunk position or place."""

    def __init__(self, chunks: list[Chunk], facts: list[PassageFacts]):
        if len(chunks) != len(facts):
            raise ValueError("one PassageFacts per chunk expected")
        self.chunks = chunks
        self.facts = facts

    @classmethod
    def extract(cls, chunks: list[Chunk]) -> FactTable:
        return cls(chunks, [extract_facts(c) for c in chunks])

    def save(self, path: Path) -> None:
        with open(path, "w", encoding="utf-8") as out:
            for passage in self.facts:
                out.write(json.dumps(passage.to_json(), ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, path: Path, chunks: list[Chunk]) -> FactTable:
        with open(path, encoding="utf-8") as lines:
            facts = [PassageFacts.from_json(json.loads(line)) for line in lines if line.strip()]
        return cls(chunks, facts)

    def __iter__(self) -> Iterator[tuple[Chunk, PassageFacts]]:
        return iter(zip(self.chunks, self.facts))

    @cached_property
    def place_names(self) -> frozenset[str]:
        """Every place stem and surface form in the corpus (for pinyin lookup)."""
        return frozenset(name for passage in self.facts for p in passage.places for name in (p.stem, p.surface))

    @cached_property
    def _documents_by_place(self) -> dict[str, set[str]]:
        by_place: dict[str, set[str]] = {}
        for chunk, passage in self:
            for place in passage.places:
                by_place.setdefault(place.stem, set()).add(chunk.doc_id)
        return by_place

    def documents_naming(self, place: str) -> set[str]:
        """Ids of the articles with a passage that names ``place`` (a stem)."""
        return set(self._documents_by_place.get(place, ()))

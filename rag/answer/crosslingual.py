"""English questions about Chinese articles: the Chinese words to search for.

BM25 cannot match "Haiyuan" to 海原, and the answerer checks that a passage
contains what the question names, so an English question is given a Chinese
rendering of its key terms:
- enterprises by their English names (``rag/data/organisations.tsv``);
- places by pinyin (pypinyin) against the places the corpus names and every
  division of China's gazetteer (rag.places), so a county that no article
  names keeps its place constraint and the question is refused, not answered
  with another county's figure;
- other words from CC-CEDICT (rag.lexicon), its most frequent exact senses.
The multilingual embedder covers what neither finds (retrieval is hybrid).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from rag.entities import english_mentions

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'&-]*")  # R&D is one word
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b(?!&)")


def is_english(text: str) -> bool:
    """More Latin words than Chinese characters (so 'CETC在哪里' is Chinese)."""
    return len(_LATIN_WORD.findall(text)) > len(_CJK.findall(text))


def _pinyin_key(name: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name)).lower()


def _pinyin_keys(names: list[str]) -> list[str]:
    """The pinyin of each name from the readings of its characters, converted once each.

    pypinyin costs about a tenth of a millisecond a call: per name that is
    seconds for the gazetteer, per distinct character a fraction of one. A
    polyphone then gets its commonest reading; the corpus's own places are
    read word by word (``_pinyin_key``), so they are read right.
    """
    from pypinyin import lazy_pinyin

    characters = sorted({c for name in names for c in name})
    syllables = [r for r in lazy_pinyin(" ".join(characters)) if r.strip()]
    if len(syllables) == len(characters):
        readings = dict(zip(characters, syllables))
    else:  # a character pypinyin does not know came back as itself, with a neighbour
        readings = {c: lazy_pinyin(c)[0] for c in characters}
    return ["".join(readings.get(c, c) for c in name).lower() for name in names]


@lru_cache(maxsize=8)
def _pinyin_map(place_names: frozenset[str]) -> dict[str, str]:
    """Pinyin -> place: the corpus's names first, then the gazetteer's; the shortest name (the stem) wins."""
    from rag.places import gazetteer, is_place_name

    by_pinyin: dict[str, str] = {}
    for name in sorted(place_names, key=lambda n: (len(n), n)):
        by_pinyin.setdefault(_pinyin_key(name), name)
    names = sorted((n for n in gazetteer() if is_place_name(n)), key=lambda n: (len(n), n))
    for name, key in zip(names, _pinyin_keys(names)):
        by_pinyin.setdefault(key, name)
    return by_pinyin


def pinyin_places(text: str, place_names: frozenset[str] = frozenset()) -> list[str]:
    """Places named in pinyin: "Haiyuan" / "Hai Yuan" -> 海原, the corpus's spelling first.

    A lower-case English word ("dalian" is a city, "long" a word) counts only
    when it is not an English word the dictionary knows; a capitalised one
    always may.
    """
    from rag.lexicon import is_english_word

    by_pinyin = _pinyin_map(place_names)
    words = [_POSSESSIVE.sub("", w) for w in _LATIN_WORD.findall(text)]  # "Yuzhong's" is Yuzhong
    found = []
    for i, word in enumerate(words):
        pairs = [(word, word[:1].isupper(), i + 1)]
        if i + 1 < len(words):
            pairs.append((word + words[i + 1], word[:1].isupper() and words[i + 1][:1].isupper(), i + 2))
        for candidate, capitalised, after in pairs:
            key = candidate.lower()
            # Two or three letters are too ambiguous to be a place (e.g. "an" -> 安).
            if len(key) <= 3 or key not in by_pinyin:
                continue
            if not capitalised and is_english_word(key):
                continue
            kind = _PLACE_SUFFIX.get(words[after].lower()) if after < len(words) and KIND_PICKS_HOMOPHONE else None
            found.append(_of_kind(key, kind, place_names) or by_pinyin[key])
    return list(dict.fromkeys(found))


# "Yuzhong District" is 渝中(区), "Yuzhong County" 榆中(县): the kind word after a pinyin name picks, of the
# corpus's places spelled alike, the one the corpus writes with that ending.
KIND_PICKS_HOMOPHONE = True
_POSSESSIVE = re.compile(r"'s?$")
_PLACE_SUFFIX = {"district": "区", "county": "县", "city": "市", "province": "省", "town": "镇", "township": "乡",
                 "village": "村", "prefecture": "州", "banner": "旗"}


def _of_kind(key: str, suffix: str | None, place_names: frozenset[str]) -> str | None:
    """The corpus's place spelled ``key`` in pinyin that it writes with ``suffix`` (渝中 for 渝中区), if one."""
    if suffix is None:
        return None
    alike = sorted(n for n in place_names if not n.endswith(suffix) and f"{n}{suffix}" in place_names
                   and _pinyin_key(n) == key)
    return alike[0] if len(alike) == 1 else None


# A run of capitalised words: "Jinkai Shengke", "Duopule" (a possessive's 's stops it).
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


def romanised_names(text: str) -> list[str]:
    """Capitalised words that no dictionary knows, joined where they follow each other.

    They are names written in pinyin ("Jinkai Shengke" for 金凯生科) or in a brand's own
    spelling; an English word ("Fortune", "Shanghai", which CC-CEDICT defines) or an
    acronym ("SIA") is not one. Four letters at least: two or three are too ambiguous.
    """
    from rag.lexicon import is_english_word

    names = []
    for match in _CAPITALISED_RUN.finditer(text):
        run: list[str] = []
        for word in match.group().split() + [""]:
            if word and not is_english_word(word.lower()):
                run.append(word)
                continue
            if len("".join(run)) >= 4:
                names.append(" ".join(run))
            run = []
    return list(dict.fromkeys(names))


@lru_cache(maxsize=4096)
def _readings(run: str) -> tuple[tuple[str, ...], ...]:
    """Every pinyin reading (no tones) of each character of a run of Chinese characters."""
    from pypinyin import Style, pinyin

    readings = pinyin(run, style=Style.NORMAL, heteronym=True, errors=lambda chars: [[""] for _ in chars])
    return tuple(tuple(r.lower() for r in options) for options in readings) if len(readings) == len(run) else ()


def _spelled(key: str, run: str, readings: tuple[tuple[str, ...], ...], start: int) -> str | None:
    """The characters of ``run`` from ``start`` whose readings spell ``key`` exactly, if any."""
    ends = {0: start}  # letters of key matched -> the character after them
    frontier = [(0, start)]
    while frontier:
        matched, position = frontier.pop()
        if matched == len(key):
            return run[start:position] if position - start >= 2 else None
        if position >= len(run):
            continue
        for reading in readings[position]:
            if reading and key.startswith(reading, matched) and ends.get(matched + len(reading)) != position + 1:
                ends[matched + len(reading)] = position + 1
                frontier.append((matched + len(reading), position + 1))
    return None


def names_by_pinyin(names: list[str], texts: list[str]) -> list[str]:
    """The Chinese names in ``texts`` that the romanised ``names`` spell, e.g. "Duopule" -> 多浦乐.

    Only the given texts are read (a question's retrieved passages, not the corpus):
    each run of Chinese characters is read with every reading of each character
    (a polyphone such as 乐 is le and yue), and a name is the shortest run of
    characters, two at least, whose readings spell the name's letters. A name found
    several times is found once; the one found most often comes first.
    """
    keys = [re.sub(r"[^a-z]", "", name.lower()) for name in names]
    # English writes a Chinese person's given name first ("Fumin Wang" for 王富民): a two-word
    # name is also read surname first.
    keys += [re.sub(r"[^a-z]", "", (second + first).lower()) for first, second in
             (name.split() for name in names if len(name.split()) == 2)]
    keys = list(dict.fromkeys(keys))
    found = _spelled_in(keys, texts)
    if not found and PREFIX_NAMES:
        # "Langhui Petrochemical": an English word the dictionary lacks ends the name's run; the name is
        # then its first words ("Langhui" -> 朗晖), the longest that spells a name in the passages.
        for name in names:
            words = name.split()
            for end in range(len(words) - 1, 0, -1):
                key = re.sub(r"[^a-z]", "", "".join(words[:end]).lower())
                if len(key) < 4:
                    break
                found = _spelled_in([key], texts)
                if found:
                    break
            if found:
                break
    return sorted(found, key=lambda name: -found[name])


PREFIX_NAMES = True


def _spelled_in(keys: list[str], texts: list[str]) -> dict[str, int]:
    """How often each Chinese name spelled by one of ``keys`` occurs in ``texts`` (see ``names_by_pinyin``)."""
    found: dict[str, int] = {}
    for text in texts:
        for run in _CJK_RUN.findall(text):
            readings = _readings(run)
            if not readings:
                continue
            for key in keys:
                for start in range(len(run)):
                    if not any(key.startswith(r) for r in readings[start] if r):
                        continue
                    name = _spelled(key, run, readings, start)
                    if name:
                        found[name] = found.get(name, 0) + 1
    return found


def names_by_code(question: str, texts: list[str]) -> list[str]:
    """The names ``texts`` write right before a stock code the question gives: "(688606)" -> 奥泰生物.

    An English question names a listed company in pinyin or in English ("Aotai Biotech (688606)");
    the articles write its Chinese name with the same code after it (奥泰生物（688606.SH）), which
    says who it is whatever the spelling. The most often found name comes first.
    """
    from rag.answer.binding import listed_companies

    codes = stock_codes(question)
    found: dict[str, int] = {}
    for text in texts:
        for code in codes:
            if code not in text:
                continue
            for match in re.finditer(rf"[（(]\s*{code}(?:\.(?:SH|SZ|BJ))?\s*[)）]", text, re.I):
                for name in listed_companies(text[max(0, match.start() - 12):match.end()]):
                    found[name] = found.get(name, 0) + 1
    return sorted(found, key=lambda name: -found[name])


def corpus_vocabulary(idf: Callable[[str], float]) -> Callable[[str], float]:
    """How many passages use a Chinese word (0: none), read back from the passage BM25's idf.

    BM25's idf is log(1 + (n - df + 0.5) / (df + 0.5)); an unseen token (df 0)
    gives n, and then any token's idf gives its df. A word jieba cuts into
    pieces counts as its rarest piece of two or more characters (董事长 may
    be indexed as 董事 + 董事长).
    """
    import math

    from rag.clean import normalise
    from rag.lexical import tokenize

    @lru_cache(maxsize=1)
    def passages() -> float:
        return 0.5 * (math.exp(idf("\u0000never-a-token\u0000")) - 1) - 0.5

    def frequency(token: str) -> float:
        u = math.exp(idf(token)) - 1
        df = (passages() + 0.5 - 0.5 * u) / (1 + u)
        return df if df > 0.25 else 0.0  # rounding: an unseen token reads about 0

    @lru_cache(maxsize=4096)
    def used(word: str) -> float:
        whole = frequency(word)
        if whole:
            return whole
        pieces = [t for t in tokenize(normalise(word)) if len(t) >= 2]
        return min((frequency(t) for t in pieces), default=0.0)

    return used


def chinese_terms(text: str, place_names: frozenset[str] = frozenset(),
                  known: Callable[[str], float] | None = None, names: tuple[str, ...] = ()) -> list[str]:
    """The Chinese words an English question stands for, organisations and places first.

    ``known`` (``corpus_vocabulary``) lets the dictionary prefer the senses the corpus uses.
    ``names``: Chinese names found for its romanised names (``names_by_pinyin``).
    """
    return list(dict.fromkeys(t for group in chinese_term_groups(text, place_names, known, names) for t in group))


def chinese_term_groups(text: str, place_names: frozenset[str] = frozenset(),
                        known: Callable[[str], float] | None = None,
                        names: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """``chinese_terms`` grouped by what they render: one group per English word or phrase (invest ->
    投资, 投入), per institution (深圳证券交易所, 深交所); a name, place or figure is a group of its own.
    A passage uses one rendering of a word, so a group counts as found when one of its renderings is."""
    from rag.lexicon import english_groups

    mentions = english_mentions(text)
    organisations = [m.canonical for m in mentions]
    without_names = text
    for mention in mentions:
        without_names = without_names.replace(mention.surface, " ")
    # Names the dictionary gives whole ("Shenzhen Stock Exchange" -> 深圳证券交易所, 深交所): their
    # words are no place ("Shenzhen") and no words to look up one by one ("Exchange").
    institutions: list[tuple[str, ...]] = []
    if DICTIONARY_NAMES:
        for english, chinese in _institutions(without_names):
            institutions.append(tuple(chinese))
            without_names = without_names.replace(english, " ")
    # Chinese words the question already gives ("Qumarleb (曲麻莱) County") are the best rendering.
    # So are acronyms: Chinese news writes them in Latin letters ("美国半导体协会（SIA）", IPO, CEO).
    acronyms = [a for a in _ACRONYM.findall(without_names) if not (PERIODS and _PERIOD.fullmatch(a))]  # H1 is 上半年
    given = _CJK_RUN.findall(text) + list(names) + acronyms
    from rag.lexicon import places_by_english_name

    places = _passages_first(pinyin_places(without_names, place_names), place_names, names)
    # The dictionary's place of the same spelling (榆中 for "Yuzhong") is not a second place asked: the corpus's is.
    spelled = {_pinyin_key(p) for p in places}
    places += [p for p in places_by_english_name(without_names) if _pinyin_key(p) not in spelled]
    # Words read as a place are not looked up as English words too.
    from pypinyin import lazy_pinyin

    place_keys = {"".join(lazy_pinyin(p)).lower() for p in places}
    figures, without_figures = english_figures(without_names)
    # ("Fujian's" is the place Fujian: looked up as a word, the dictionary gives the places inside it, 平潭, 福清.)
    rest = " ".join(w for w in _LATIN_WORD.findall(without_figures)
                    if (_POSSESSIVE.sub("", w) if POSSESSIVE_PLACES else w).lower() not in place_keys)
    singles = [(t,) for t in given + organisations] + institutions + [(t,) for t in places + figures]
    return list(dict.fromkeys(singles + english_groups(rest, known=known)))


DICTIONARY_NAMES = True
# A place written with a possessive ("Ningxia's") is read as the place alone. Off: its word is looked up too.
POSSESSIVE_PLACES = True
# Off: a place in pinyin is the corpus's or the gazetteer's, whatever the passages spell alike.
PASSAGES_SPELL_PLACES = True


def _passages_first(places: list[str], place_names: frozenset[str], names: tuple[str, ...]) -> list[str]:
    """"Guidong village" spelled 归东 in the passages is not the gazetteer's 桂东 (nor "Huimin" the word 回民):
    a name the passages spell alike is the place, unless the corpus's own place names have it."""
    if not (PASSAGES_SPELL_PLACES and names):
        return places
    spelled_names = {_pinyin_key(n): n for n in names}
    return [spelled_names.get(_pinyin_key(p), p) if p not in place_names else p for p in places]


def spelled_places(text: str, place_names: frozenset[str], names: tuple[str, ...]) -> tuple[str, ...]:
    """The places an English question names in pinyin that only its passages spell (洋山 for "Yangshan", which
    no gazetteer lists): places asked about all the same."""
    found = _passages_first(pinyin_places(text, place_names), place_names, names)
    return tuple(p for p in found if p in names)


@lru_cache(maxsize=256)
def institution_names(text: str) -> tuple[str, ...]:
    """The Chinese names of the institutions an English text names whole in the dictionary's words
    ("Shenzhen Stock Exchange" -> 深圳证券交易所, 深交所), places left out ("Inner Mongolia" is a place).

    A place inside one of them (深圳 of 深圳证券交易所) is part of a name, not a place the answer must be in.
    """
    if not DICTIONARY_NAMES:
        return ()
    return tuple(dict.fromkeys(name for _, chinese in _institutions(text) for name in chinese))


@lru_cache(maxsize=256)
def _institutions(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(English words, Chinese names) of the names the dictionary gives whole, places' own names left out."""
    from rag.facts import find_places
    from rag.lexicon import names_by_english_name

    return tuple((english, chinese) for english, chinese in names_by_english_name(text)
                 if not any(p.surface == name for name in chinese for p in find_places(name)))


# "On which board …", "Which court will hear …": the noun a which/what question asks for.
_WHICH_NOUN = re.compile(r"\b(?:which|what)\s+([a-z][a-z-]+)\b", re.I)
_NOT_A_NOUN = frozenset("is was are were did does do has have had will would can could should may might "
                        "kind kinds sort type types".split())


def which_noun_senses(question: str) -> tuple[str, ...]:
    """The Chinese senses of the noun an English which/what question asks for ("which board" -> 板块, 木板, 板).

    A verb ("what happened") or an auxiliary ("what is") is no noun: none.
    """
    from rag.lexicon import chinese_for_english

    match = _WHICH_NOUN.search(question)
    if match is None:
        return ()
    noun = match.group(1).lower()
    if noun in _NOT_A_NOUN or noun.endswith("ed") or noun.endswith("ing"):
        return ()
    from rag.lexicon import _market_candidates  # senses of market news the dictionary lacks

    senses = chinese_for_english(noun, per_word=4) + [c[2] for c in _market_candidates([noun])]
    return tuple(dict.fromkeys(senses))



# --- dates and figures written in English -------------------------------------------
#
# Chinese news writes dates and amounts in Arabic digits with Chinese units: 8月7日, 7月,
# 1.8亿股, 25亿元, 1.5万名. An English question writes "August 7", "July", "180 million",
# "2.5 billion yuan". The dictionary maps the words one by one ("August" to 威严, majestic;
# "million" to 百万, which the articles seldom write) and drops the digits; these are read
# here instead, into the form the articles use, and kept out of the dictionary lookup.

_MONTHS = {name: n for n, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), 1) for name in names}
_MONTH_NAME = r"(?:" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# "August 7", "Aug. 7th", "7 August", "the 7th of August", or the month alone ("in July").
# Capitalised only: "may" and "march" are also verbs.
_DATE = re.compile(rf"\b(?:(?P<month>{_MONTH_NAME})(?:\s+(?P<day>{_DAY})\b)?"
                   rf"|(?:the\s+)?(?P<day_first>{_DAY})(?:\s+of)?\s+(?P<month_after>{_MONTH_NAME}))(?![A-Za-z])")
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|\d*\.\d+"
_SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_SCALED = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<scale>thousand|million|mn|billion|bn|trillion)\b", re.I)
_PERCENT = re.compile(rf"(?P<number>{_NUMBER})\s*(?:%|per\s*cent\b|percent\b)", re.I)
_TIME = re.compile(r"(?<![\w.:])(?P<number>[012]?\d:[0-5]\d)(?![\d:])")  # 9:39, as Chinese writes it
_PLAIN = re.compile(rf"(?<![\w.])(?P<number>{_NUMBER})(?![\w])")
# Business English writes a half or a quarter as H1, 1H, Q2, 2Q (with the year beside it: "H1 2023", "2Q23");
# Chinese news writes 上半年, 二季度. Read as a period, not as an acronym to find in Latin letters, nor as the
# number 1 (which, beside the next rendering, read as a figure: "H1" + 人均 was "1人").
_PERIOD = re.compile(r"(?<![\w.])(?:H(?P<half>[12])|(?P<half_first>[12])H|Q(?P<quarter>[1-4])|(?P<quarter_first>[1-4])Q)"
                     r"(?:\s*'?(?:19|20)?\d{2})?(?![\w])")
_HALVES = {"1": "上半年", "2": "下半年"}
_QUARTERS = {"1": "一季度", "2": "二季度", "3": "三季度", "4": "四季度"}
PERIODS = True
# A listed company's stock code, in brackets or with its exchange: "Aotai Biotech (688606)", "600519.SH".
# It is an identifier, not an amount (688606 is not 68.8606万): it stays as written.
STOCK_CODE = re.compile(r"(?:(?<=[(（])\s*(?P<code>\d{6})(?=(?:\.(?:SH|SZ|BJ))?\s*[)）]))"
                        r"|(?<![\w.])(?P<suffixed>\d{6})(?=\.(?:SH|SZ|BJ)\b)", re.I)


def stock_codes(text: str) -> list[str]:
    """The stock codes ``text`` writes in brackets or with their exchange ("(688606)", "002392.SZ")."""
    return list(dict.fromkeys(m.group("code") or m.group("suffixed") for m in STOCK_CODE.finditer(text)))


def _chinese_amount(value: float) -> str:
    """A number as Chinese news writes it: 1.8亿, 25亿, 1.5万, 3万亿, 500 (no trailing zeros)."""
    for unit, size in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)):
        if value >= size:
            return f"{round(value / size, 4):g}{unit}"
    return f"{round(value, 4):g}"


def english_figures(text: str) -> tuple[list[str], str]:
    """The Chinese forms of the dates and figures ``text`` writes in English, and ``text`` without them.

    "on August 7" -> 8月7日, "in July" -> 7月, "180 million" -> 1.8亿, "15,000" -> 1.5万,
    "33.49 percent" -> 33.49%, "500" -> 500. A year is left in the text (the question's years
    are read from it). What was read is blanked from the returned text, so that the
    dictionary does not also translate it ("August" is not 威严).
    """
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in spans)

    for match in _DATE.finditer(text):
        month = _MONTHS[(match.group("month") or match.group("month_after")).rstrip(".").lower()]
        day = match.group("day") or match.group("day_first")
        day_number = int(re.sub(r"\D", "", day)) if day else None
        found.append((match.start(), f"{month}月{day_number}日" if day_number else f"{month}月"))
        spans.append(match.span())
    for match in (_PERIOD.finditer(text) if PERIODS else ()):
        half = match.group("half") or match.group("half_first")
        quarter = match.group("quarter") or match.group("quarter_first")
        found.append((match.start(), _HALVES[half] if half else _QUARTERS[quarter]))
        # The year written inside the match ("2Q23", "H1 2023") stays in the text, where years are read.
        year = re.search(r"(?:19|20)\d{2}$", match.group())
        spans.append((match.start(), match.end() - (len(year.group()) if year else 0)))
    for match in STOCK_CODE.finditer(text):
        found.append((match.start(), match.group("code") or match.group("suffixed")))
        spans.append(match.span())
    for pattern in (_TIME, _SCALED, _PERCENT, _PLAIN):
        for match in pattern.finditer(text):
            if not free(*match.span()):
                continue
            if pattern is _TIME:
                found.append((match.start(), match.group("number")))
                spans.append(match.span())
                continue
            number = float(match.group("number").replace(",", ""))
            if pattern is _SCALED:
                rendered = _chinese_amount(number * _SCALES[match.group("scale").lower()])
            elif pattern is _PERCENT:
                rendered = f"{number:g}%"
            elif re.fullmatch(r"(?:19|20)\d{2}", match.group("number")):
                continue  # a year stays in the text, where the question's years are read
            else:
                written = match.group("number").replace(",", "")
                rendered = _chinese_amount(number) if number >= 1e4 else written
            found.append((match.start(), rendered))
            spans.append(match.span())
    rest = text
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    return [rendered for _, rendered in sorted(found)], rest

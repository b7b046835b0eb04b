"""What a question asks for, and which of its terms an answer must contain."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Literal

from rag.answer.crosslingual import chinese_term_groups, institution_names, is_english, spelled_places
from rag.answer.spans import CLASSIFIERS, CURRENCIES, SIZED_PLACE, focus_unit
from rag.clean import normalise
from rag.entities import Mention, english_mentions, find_organisations, informal_mentions
from rag.facts import MONEY_CATEGORIES, find_places
from rag.lexical import tokenize

AnswerKind = Literal["organisation", "person", "money", "percent", "count", "duration", "rank", "date", "place",
                     "phrase"]

# "What were global new energy vehicle sales": how many were sold (a count in 辆), not a sum of money.
_VEHICLE_SALES = re.compile(r"\b(?:vehicle|car|ev|truck)s? (?:sales|deliveries)\b", re.I)

_ORG_WORDS = r"(?:企业|公司|集团|单位|央企|国企|机构|组织|商会|银行|部门|协会|学校|医院|平台)"
# A question that asks for a listed company's code (not one that names the code to ask something else).
ASKS_CODE = re.compile(r"(?:股票|证券|上市)?代码[是为]?(?:什么|多少|几)|\b(?:stock|ticker) (?:code|symbol)\b", re.I)
# The dimension an English question asks by its words, with the unit the articles give it in.
ENGLISH_MEASURES = [
    (re.compile(r"\bhow far\b|\bdistance\b|\b(?:total |overall )?length\b|\bmileage\b|\bhow many (?:kilomet|km\b|miles)", re.I),
     "公里"),
    (re.compile(r"\bhow (?:high|tall|deep)\b|\b(?:elevation|altitude|height|depth)\b|\bhow many met(?:er|re)s\b", re.I), "米"),
    (re.compile(r"\b(?:floor|land|site|building|construction|exhibition|planting|cultivated|covered|gross) (?:space|area)\b"
                r"|\bhow many square\b|\bhow much (?:[\w-]+ ){0,3}?(?:floor|office|retail|commercial|exhibition) space\b", re.I),
     "平方米"),
    (re.compile(r"\b(?:installed|generating|photovoltaic|solar|pv|wind|power|storage) (?:[\w-]+ ){0,2}?capacity\b"
                r"|\bhow many (?:kilowatts|megawatts|gigawatts)\b", re.I), "千瓦"),
    # "What is the planned area of the park": a land area (平方公里, 亩), not a phrase.
    (re.compile(r"\bthe (?:planned |total |covered |overall |whole |land )?area (?:of|covered|it covers)\b"
                r"|\bhow (?:large|big) (?:an )?area\b", re.I), "平方公里"),
    # "How much carbon dioxide will it cut": a weight, not a sum of money.
    (re.compile(r"\bhow much (?:[\w-]+ ){0,2}?(?:carbon(?: dioxide)?|co2|emissions?|coal|steel|grain|cement|waste|garbage)\b"
                r"|\bhow many (?:tons|tonnes)\b", re.I), "吨"),
    (re.compile(r"\bhow much (?:[\w-]+ ){0,2}?(?:electricity|power generation)\b|\bhow many kilowatt[- ]hours\b", re.I), "千瓦时"),
]
# A measure asked with a bare 多少 is counted in its own unit: 发电量 in 千瓦时 (度 too), 装机 in 千瓦, 面积 in 平方米
# (亩 too), 二氧化碳 or 标准煤 in 吨, 长度 in 公里 (米 too), 高度 in 米. Off: any figure of the sentence answers.
CHINESE_MEASURE_UNITS = True
_ASKED_AFTER = r"(?=[^，,。？?；;]{0,6}(?:多少|几|多大|多高|多长|多深|多远))"
_CHINESE_MEASURES = [
    (re.compile(rf"(?:发电量|用电量|电量|售电量|上网电量){_ASKED_AFTER}"), "千瓦时"),
    (re.compile(rf"(?:装机(?:容量|规模|总容量)?|单机容量|总容量){_ASKED_AFTER}"), "千瓦"),
    (re.compile(rf"(?:面积|占地){_ASKED_AFTER}"), "平方米"),
    (re.compile(rf"(?:二氧化碳|碳排放|标准煤|标煤){_ASKED_AFTER}"), "吨"),
    (re.compile(rf"(?:长度|全长|里程|距离){_ASKED_AFTER}"), "公里"),
    (re.compile(rf"(?:高度|海拔|深度){_ASKED_AFTER}"), "米"),
]
# "How much later do the plums ripen": a gap in time (晚一个月左右), not a sum of money. Off: money.
ENGLISH_GAPS = True
_ENGLISH_GAP = re.compile(r"\bhow (?:much|many (?:days|weeks|months|years)) (?:later|earlier|sooner|longer)\b", re.I)
# First match wins: the specific asks before the generic 多少.
# "由谁出任…副总经理" asks who takes an office, a person; "由谁主办" asks a body. Off: 由谁 always asks a body.
BY_WHOM_TAKES_OFFICE = True
_BY_WHOM_OFFICE = re.compile(r"由谁\s*(?:出任|担任|接任|兼任|继任|任(?!务))")
_KIND_PATTERNS: list[tuple[AnswerKind, re.Pattern[str]]] = [
    # A listed company's code is a number written in brackets after its name: read like a count's figure
    # (rag.answer.extractive lets a code through only for this ask), whether asked 是什么 or 是多少.
    ("count", ASKS_CODE),
    ("person", _BY_WHOM_OFFICE),
    # "哪些参与抢修的企业": the kind asked is the head noun after the clause that describes it.
    ("organisation", re.compile(rf"哪(?:一|几)?[家个些所]\s*{_ORG_WORDS}|哪家|什么{_ORG_WORDS}|哪个{_ORG_WORDS}|由谁|"
                                rf"哪(?:些|几)[^，,。？?；;]{{1,20}}?的{_ORG_WORDS}(?=[？?，,。；;]|$)|谁(?=.*(?:帮扶|投资|投了|投入|出资|资助|捐|援|采购|定点|主办|承办|协办))"
                                r"|\bwhich (?:[\w-]+ ){0,2}?(?:enterprise|company|companies|firm|group|organi[sz]ations?|bank|business|"
                                r"body|bodies|agency|department|institution|authority|ministry|association|chamber|foundation|"
                                r"federation|charity|unit|subsidiary|subsidiaries|brokerages?|brokers?|underwriters?|insurers?|lenders?|"
                                r"stocks?|shares?|carmakers?|automakers?|manufacturers?|makers?|developers?|airlines?|"
                                r"retailers?|suppliers?|platforms?|operators?|studios?|courts?|regulators?|exchanges?|funds?)\b"
                                r"|\bwho (?:helped|invested|donated|supports?|supported|bought|funded|runs|assisted)", re.I)),
    # "In which province is X, whose police …": a question that opens asking for a place asks for one,
    # whatever a relative clause (whose, who) says after it.
    ("place", re.compile(r"^\s*(?:(?:in|at|from|to|into) )?(?:which|what) (?:[\w-]+ )?(?:count(?:y|ies)|cit(?:y|ies)|"
                         r"provinces?|villages?|towns?|regions?|countr(?:y|ies)|districts?|prefectures?)\b", re.I)),
    ("person", re.compile(r"谁|哪位|什么人|何人|叫什么名字|叫啥名字|姓名|(?:户主|书记|干部|主任|董事长|总经理|经理|会长|主席|局长|县长|"
                          r"代表|人|者|员|长|民|师|生|工|手|兵|警)(?:叫|名叫)(?:什么|啥)|\bwho\b|\bwhose\b|\b(?:real|full|legal|birth|original) name\b"
                          r"|\b(?:which|what) (?:[\w-]+ )?(?:individuals?|person|people|man|woman|executives?|officials?|"
                          r"founders?|actors?|actress(?:es)?|directors?|chairman|chairwoman|ceo)\b(?!\s+(?:call|name|say|know|think))", re.I)),
    # A valuation ratio is a multiple (市盈率56.76倍), counted in 倍, though it ends in 率.
    ("count", re.compile(r"(?:市盈|市净|市销)率(?!.*(?:增长|下降|提高|降低|变化))")),
    # "研发投入占比排第几": 第几 asks the rank even where a percentage word names the measure.
    ("rank", re.compile(r"(?:排|位列|位居|名列)?第几|名次|\bwhat place\b", re.I)),
    ("percent", re.compile(r"百分之|百分比|(?:多少|几)个?百分点|比例|占比|比重|增幅|增速|降幅|涨幅|跌幅|涨跌幅|(?:变动|变化|涨跌)?幅度[是为有]?(?:多少|几)|多大(?:的)?幅度|[增降]长率|率[^，,。？?]{0,6}多少|\w率(?:是|为|达到?)?多少|几成|(?<!占地)占[^，,。？?]{0,24}?(?:的)?(?:多少|几)(?!钱|元|万|亿|人|名|家|个|项|亩|户)|持股(?:比例)?[是为有]?多少|\bpercent|(?<!\bper )\bshare\b(?! price)|\brate\b|\b(?:gross|net|profit|operating) margin\b|\bdebt(?:-to-asset)? ratio\b"
                          r"|\bby how much\b|\b(?:revenue|sales|profit|income|earnings|output|gdp|export|import|trade) growth\b|\bgrowth (?:rate|in|of)\b|\bhow (?:fast|quickly) (?:[\w'-]+ ){0,7}?(?:grow|grew|grown|rise|rose|risen|increase|increased|expand|expanded)\b|\bhow much (?:[\w'-]+ ){0,7}?(?:gain|gained|rise|risen|rose|fall|fell|fallen|grow|grew|grown|"
                          r"increase|increased|decline|declined|drop|dropped)\b", re.I)),
    ("rank", re.compile(r"第几|排名|名次|排第|(?<![安编彩])排在|\brank|\bwhat place\b|\bposition\b", re.I)),
    # "哪几天/哪几个月" asks which days or months (a date), not how many (a duration).
    ("date", re.compile(r"哪(?:几|些)(?:天|日|个?月|年)")),
    ("duration", re.compile(r"多长时间|多久|多少年|几年|多少天|几天|几个月|多少个月|(?:多少|几)个?(?:小时|分钟|周|星期)|\bhow long\b|\bhow many (?:years|months|days)\b", re.I)),
    # "How much later do the plums ripen": a gap in time (晚一个月左右), not a sum of money.
    ("duration", _ENGLISH_GAP),
    ("date", re.compile(r"何时|什么时候|什么时间|哪一?年|哪一?天|哪个月|几月|几号|日期|\bwhen\b|\bwhat (?:year|date|day|month)\b|\bwhich year\b", re.I)),
    # "How far …", "the average elevation", "how much floor space": a length, height, area or power, counted
    # in its unit (1172公里, 1600多米, 240万平方米, 7.70MW), not a sum of money or a phrase.
    ("count", re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in ENGLISH_MEASURES), re.I)),
    ("money", re.compile(r"多少钱|花了多少|多少(?:资金|元|万元|亿元|经费|费用)|金额|"
                         # "多少奖金/电费/报名费/补贴": a noun of money after 多少, with no classifier that counts
                         r"多少(?!(?:个|家|只|名|位|项|人|笔|种|类|次))[\u4e00-\u9fff]{0,2}?(?:费|奖金|资金|款|税|补贴|补助|工资|薪酬|薪水|成本|利息|租金|预算|罚金)(?=[？?，,。！!]|$|吗|呢|啊|呀)|"
                         # "报名费是多少", "展位费要多少": the noun of money before the ask
                         r"(?:费|奖金|款|补贴|补助|工资|薪酬|薪水|成本|利息|租金|预算|罚金)(?:是|为|要|需要|大概|大约|一般)?多少(?=[？?，,。！!]|$|吗|呢|啊|呀|钱)|资金[是有]?多少|多少资金|投[资入]了?多少|捐[赠款助]?了?多少|"
                         r"(?<![评代])价(?:格|钱)?[定是为报]?[的了]?[是为]?(?:多少|几)|\bhow much\b|\bmoney\b|\bcost\b|\bfunds?\b|\bprice\b"
                         r"|^(?!.*\bhow many\b).*?\b(?:box office|revenues?|(?:net )?profits?|turnover|income|(?<!vehicle )(?<!car )(?<!ev )(?<!truck )sales)\b"
                         # "total import and export value", "value of exports": a sum of trade
                         r"|\b(?:imports?|exports?|trade)(?: and (?:imports?|exports?))? value\b|\bvalue of (?:imports|exports|trade)\b", re.I)),
    # A metric noun (收入, 融资) asks for money only where no other question word asks for a thing:
    # "享受什么税收优惠", "按照哪个规定划分" ask a phrase though they name 担保费收入 or 融资.
    ("money", re.compile(r"^(?![^？?]*(?:什么|哪|如何|怎么|怎样|为什么|为何)).*?(?:收入|营收|利润|亏损|产值|销售额|营业额|成交额|票房|募资|募集|融资|筹资|筹集|市值|"
                         # 进口额, 交易额, 投资额: a sum (not 份额 a share, 名额 places, 限额/配额 a cap)
                         r"(?<![份名配限])额(?!度?(?:[是为有]?(?:多少|几)(?:个|家|名|人))))")),
    # A dimension asked by its size (面积有多大, 大桥有多高): a measure, counted in its unit.
    ("count", re.compile(r"(?:面积|高度|长度|深度|宽度|海拔|里程|重量|体积|容量|距离|占地)[^，,。？?]{0,4}?(?:有|是|为|达)?多(?:大|高|长|重|深|宽|远)")),
    ("count", SIZED_PLACE),
    # (哪几项, 哪几个县 ask which, not how many.)
    ("count", re.compile(rf"多少|(?<!哪)几个|(?<!哪)几(?:{CLASSIFIERS})|(?<!哪)几\b|数量|人数|户数|\bhow many\b|\bnumber of\b|\bcapacity\b|{_VEHICLE_SALES.pattern}", re.I)),
    ("place", re.compile(r"哪里|哪儿|在哪(?![个些一家所位款项种])|何地|何处|什么地方|哪(?:个|些|一|几个?)?(?:县|市(?!场)|省|州|地区|地方|村|镇|乡|国家|城市|区(?!域))|\bwhere\b|\b(?:which|what) (?:\w+ )?(?:count(?:y|ies)|cit(?:y|ies)|provinces?|places?|villages?|towns?|regions?|countr(?:y|ies)|areas?)\b", re.I)),
]
_MONEY_VERBS = re.compile(r"投资|投入|捐赠|捐款|捐助|采购|购买|购销|资金|金额|\binvest|\bspen[dt]|\bdonat|\bbought|\bpurchas", re.I)
_CHANGE = re.compile(r"(?:同比|环比|比上年|比去年|与去年同期相比|较上年)[^，,。？?]*(?:增长|增加|下降|减少|提高|提升|降低|上涨|下跌|下滑|"
                     r"涨|跌|降|掉|少|减)了?多少")
_VALUE_WORDS = re.compile(r"价值|市值|总值|总额|估值|收入|营收|利润|经费|费用|预算|价格|票价|售价|价钱|\bprice\b|\bworth\b|\bvalue\b", re.I)
_MOST = re.compile(r"最多|最大|最高|最贵|最快|\b(?:the )?most\b|\blargest\b|\bbiggest\b|\bhighest\b|\bgreatest\b", re.I)
_LEAST = re.compile(r"最少|最小|最低|最慢|\b(?:the )?least\b|\bsmallest\b|\blowest\b|\bfewest\b", re.I)
_CATEGORY_WORDS = re.compile("|".join(sorted(MONEY_CATEGORIES, key=len, reverse=True)))
# A year is also written straight before a name ("2024威宁草海半程马拉松"), but not a figure's number (2000元).
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|\b|(?=[\u4e00-\u9fff“\"《])(?![万亿千百元人名个家吨亩股户次件辆套台项条位届期多余]))")
# A count asked with its classifier ("几家", "多少个项目"), which money words around it do not change.
_COUNTED = re.compile(rf"(?:几|多少)(?:个?(?:{CLASSIFIERS})|个(?![亿万千百]))")  # 多少个自然月; 几个亿 is money
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
        focus_unit: For a count or duration, the unit asked in (人 for 多少人).
        parts: For a question that asks several figures at once, each figure's kind and unit.
        spelled: For an English question, the Chinese names its romanised names (or stock codes) were found
            to stand for in the passages ("Huaqi" -> 华骐); a passage that answers names one of them.
        renderings: For an English question, the Chinese words it stands for, one group per
            English word, phrase or name (invest -> 投资, 投入): a passage uses one of a group.
        relative_years: Years named relative to now (今年 0, 去年 -1, 前年 -2), read
            against each article's date (``years_for``).
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
    focus_unit: str | None = None
    parts: tuple["FigurePart", ...] = ()
    relative_years: tuple[int, ...] = ()
    renderings: tuple[tuple[str, ...], ...] = ()
    spelled: tuple[str, ...] = ()

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


# Spoken forms the articles do not write: a day as 号 ("8月10号" for 8月10日), and a
# sentence-final particle ("涨了多少啊？"), which hides the question word's place at the end.
# (A question is read in these forms; its answer is still found in the articles' own words.)
_SPOKEN_DAY = re.compile(r"(月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3}))\s*号(?![楼线院门馆])")
_FINAL_PARTICLE = re.compile(r"(?<=[\u4e00-\u9fff])[啊呀呢吧哇哦嘛啦呐](?=\s*(?:[？?！!。]|$))")


# Spoken question words, in the written forms the question patterns read (为啥 → 为什么, 咋办 → 怎么办).
_SPOKEN_WORDS = (("啥", "什么"), ("咋", "怎么"), ("多会儿", "什么时候"))


def spoken_forms(text: str) -> str:
    """A Chinese question with its spoken day, question words and final particles in the articles' written forms."""
    text = _FINAL_PARTICLE.sub("", _SPOKEN_DAY.sub(r"\1日", text))
    for spoken, written in _SPOKEN_WORDS:
        text = text.replace(spoken, written)
    return text


def analyse(question: str, place_names: PlaceNames = frozenset(),
            vocabulary: Callable[[str], float] | None = None, names: tuple[str, ...] = ()) -> Question:
    """Work out what ``question`` asks for.

    Args:
        question: As the user typed it (any script, Chinese or English).
        place_names: The places the corpus names, to recognise them in pinyin; a
            callable is called only for an English question (reading the index's
            facts is not free, and Chinese questions do not need them).
        vocabulary: How many passages use a Chinese word (``crosslingual.corpus_vocabulary``).
            An English word's dictionary senses that the corpus uses are preferred.
        names: For an English question, the Chinese names that its romanised names
            spell in the passages (``crosslingual.names_by_pinyin``).
    """
    text = normalise(question)
    language = "en" if is_english(text) else "zh"
    if language == "zh":
        text = spoken_forms(text)
    chinese = text
    groups: tuple[tuple[str, ...], ...] = ()
    spelled: tuple[str, ...] = ()
    if language == "en":
        # BM25 and the passage checks work on Chinese words: use the rendering.
        places = place_names() if callable(place_names) else place_names
        groups = tuple(chinese_term_groups(text, places, vocabulary, names))
        spelled = spelled_places(text, places, names) if names else ()
        chinese = " ".join(dict.fromkeys(t for group in groups for t in group))
        text = f"{text} {chinese}"
    # An English question is typed by its own words ("How many … income" asks a count);
    # its Chinese rendering only when those say nothing.
    kind = _kind(normalise(question)) if language == "en" else _kind(text)
    if kind == "phrase" and language == "en":
        kind = _kind(text)
    if kind == "count" and focus_unit(chinese) in CURRENCIES:
        kind = "money"  # "多少美元的损失"
    elif kind == "money" and _COUNTED.search(chinese):
        kind = "count"  # "几家企业营收下降": the money word names what is counted, not the answer
    measure = next((unit for pattern, unit in ENGLISH_MEASURES if pattern.search(text)), None) \
        if language == "en" and kind == "count" else None
    asked_unit = measure or focus_unit(chinese) or (_english_focus(text) if language == "en" else None)
    if kind in ("count", "money") and asked_unit is None and _CHANGE.search(chinese):
        # "收入同比增长了多少": a change is reported as a percentage.
        kind = "percent"
    elif CHANGE_AT_THE_ASK and kind in ("count", "money") and language == "zh" and _CHANGE_ASKED.search(chinese):
        # "接待游客人次同比增长了多少": 人次 names what changed; the change itself, asked with no unit of its own
        # right at 多少, is reported as a percentage.
        kind, asked_unit = "percent", None
    elif kind == "count" and asked_unit is None and language == "zh" and (
            _MONEY_VERBS.search(text) or _value_word(text)):
        # "采购多少？", "设备总价值约多少？": a bare 多少 about spending asks for money.
        kind = "money"
    if CHINESE_MEASURE_UNITS and language == "zh" and kind == "count" and asked_unit is None:
        # "年发电量是多少": the measure's own unit (千瓦时, 度), not the sentence's nearest figure (700MW, 40公里).
        asked_unit = next((unit for pattern, unit in _CHINESE_MEASURES if pattern.search(chinese)), None)
    mentions = find_organisations(chinese)
    informal = informal_mentions(chinese)  # "电科帮了几个县"
    mentions = sorted(mentions + informal, key=lambda m: m.start)
    if informal:
        # The articles write the full name: search with it too (BM25 and the dense vectors
        # rank the article that says 中国电科 above one that happens to share the question's other words).
        text = " ".join([text, *dict.fromkeys(m.canonical for m in informal)])
    organisations = [m.canonical for m in mentions] + [m.canonical for m in english_mentions(text)]
    category = _CATEGORY_WORDS.findall(chinese)
    # The places inside an institution's name ("Shenzhen Stock Exchange": 深圳证券交易所) are no places asked.
    named = [Mention(name, name, m.start(), m.end()) for name in (institution_names(normalise(question))
             if language == "en" else ()) for m in re.finditer(re.escape(name), chinese)]
    return Question(
        original=question,
        text=text,
        language=language,
        kind=kind,
        tokens=tuple(tokenize(chinese)),
        organisations=tuple(dict.fromkeys(organisations)),
        places=tuple(dict.fromkeys([p.stem for p in find_places(chinese, mentions + named)] + list(spelled))),
        years=tuple(dict.fromkeys(_YEAR.findall(text))),
        # An English question's renderings stand side by side: a figure is read within one ("500" then 人均
        # is no "500人").
        figures=tuple(m.group().replace(" ", "") for term in ((chinese,) if language == "zh" or not GROUP_FIGURES
                                                               else dict.fromkeys(t for g in groups for t in g))
                      for m in _FIGURE.finditer(term)),
        about_money=bool(_MONEY_VERBS.search(text)) or kind == "money",
        superlative="max" if _MOST.search(text) else "min" if _LEAST.search(text) else None,
        money_category=MONEY_CATEGORIES[category[0]] if category else None,
        focus_unit=asked_unit if kind in ("count", "duration") else None,
        parts=_parts_of_kind(_figure_parts(chinese), kind) if language == "zh" else _english_parts(normalise(question)),
        relative_years=relative_years(chinese) if not _YEAR.search(text) else (),
        renderings=groups,
        spelled=tuple(names) if language == "en" else (),
    )


GROUP_FIGURES = True


# 今年/去年/前年 name a year relative to when the article was written; "比去年增长" compares, it does not date.
_RELATIVE_YEAR = re.compile(r"(?<![比较与同])(今年|本年|去年|上年|上一年|前年|明年)(?!同期)")
_YEAR_OFFSETS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2, "明年": 1}
RELATIVE_YEAR_WORDS = frozenset(_YEAR_OFFSETS)


def relative_years(text: str) -> tuple[int, ...]:
    """The year offsets a question names: "鞍钢去年投了多少" -> (-1,)."""
    return tuple(dict.fromkeys(_YEAR_OFFSETS[m.group(1)] for m in _RELATIVE_YEAR.finditer(text)))


def years_for(question: Question, article_date: str | None) -> tuple[str, ...]:
    """The question's relative years as calendar years of an article dated ``article_date`` (YYYY-MM-DD).

    An undated article gives none: 去年 cannot be checked against it, so it does not count against it.
    """
    if not question.relative_years or not article_date or not article_date[:4].isdigit():
        return ()
    return tuple(str(int(article_date[:4]) + offset) for offset in question.relative_years)


# "How many people/households/projects": the unit an English count asks in ("the number of runners" too).
_COUNT_ASK = r"\b(?:how many|number of)"
_ENGLISH_UNITS = [
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:people|persons|residents|villagers|students|teachers|cadres|officials|workers|"
                r"doctors|farmers|members|employees|graduates|trainees|volunteers|children|pupils)\b", re.I), "人"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:households|families)\b", re.I), "户"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:times|sessions)\b", re.I), "次"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:tons|tonnes)\b", re.I), "吨"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:mu)\b", re.I), "亩"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:kilograms?|kilos?|kg)\b", re.I), "公斤"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:grams?)\b", re.I), "克"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:jin)\b", re.I), "斤"),
]
# The classifier the noun counted takes: companies 家, schools 所, vehicles 辆.
ENGLISH_CLASSIFIERS = True
_ENGLISH_CLASSIFIER_UNITS = [
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:patients|staff|visitors|tourists|passengers|participants|attendees|athletes|"
                r"victims|deaths|casualties|nurses|engineers|researchers|experts|migrants|jobseekers|practitioners|"
                r"runners|players|spectators|delegates|guests|applicants|candidates|entrants|performers)\b", re.I), "人"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:companies|enterprises|firms|businesses|banks|hospitals|stores|shops|"
                r"factories|brokerages|insurers|lenders|suppliers|manufacturers|carmakers|automakers|retailers|"
                r"restaurants|hotels|supermarkets|institutions)\b", re.I), "家"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:schools|universities|colleges|kindergartens)\b", re.I), "所"),
    (re.compile(rf"{_COUNT_ASK} (?:[\w-]+ ){{0,3}}?(?:vehicles|cars|trucks|buses)\b", re.I), "辆"),
    (_VEHICLE_SALES, "辆"),  # "What were global new energy vehicle sales": how many were sold
]


def _english_focus(text: str) -> str | None:
    for pattern, unit in _ENGLISH_UNITS + (_ENGLISH_CLASSIFIER_UNITS if ENGLISH_CLASSIFIERS else []):
        if pattern.search(text):
            return unit
    return None


@dataclass(frozen=True)
class FigurePart:
    """One figure a question asks for: 多少人次 -> (count, 人次)."""

    kind: AnswerKind
    unit: str | None


_PART = re.compile(r"多少|几")
_EACH = re.compile(r"([^，,。？?]*?(?:和|与|、)[^，,。？?]*?)(?:分别|各自)")
_EACH_FENBIE = re.compile(r"([^，,。？?]*?(?:和|与|、)[^，,。？?]*?)分别")
# "市区两级工会和企业各自投了多少钱": 各自 asks one figure of each item, as 分别 does. Off: only 分别.
EACH_GEZI = True


# A change asked at the question's end with no unit after its 多少 (同比增长了多少？) asks a percentage, whatever noun
# named the measure before (游客人次). Off: a unit word anywhere makes it a count.
CHANGE_AT_THE_ASK = True
_CHANGE_ASKED = re.compile(r"(?:同比|环比|较上年|比去年)[^，,。？?]{0,2}(?:增长|下降|增加|减少|上涨|下跌|提高|降低|上升|下滑)了?(?:多少|几)"
                           r"(?:个百分点)?\s*[？?]?\s*$")


# "修通前后…分别要多久", "改造之前和之后分别是多少": one figure before and one after. Off: one figure.
BEFORE_AND_AFTER = True
_BEFORE_AFTER = re.compile(r"(?:[\u4e00-\u9fff]前后|之前和之后|前和后)[^。？?]*分别")


# Parts asked with a bare 多少 take the kind the whole question was read as ("太阳能发电投资和核电投资同比分别增长了
# 多少": two percentages, as CHANGE_AT_THE_ASK reads the whole). Off: such parts are counts.
PARTS_TAKE_KIND = True


def _parts_of_kind(parts: tuple[FigurePart, ...], kind: AnswerKind) -> tuple[FigurePart, ...]:
    if not PARTS_TAKE_KIND or kind not in ("percent", "money") or not parts:
        return parts
    if all(p.kind == "count" and p.unit is None for p in parts):
        return tuple(FigurePart(kind, None) for _ in parts)
    return parts


def _figure_parts(text: str) -> tuple[FigurePart, ...]:
    """The figures a question asks for, in order ("多少次、多少人次", "从多少降到了多少").

    One part (or none) for an ordinary question; the answerer then uses the question's kind.
    """
    positions = [m.start() for m in _PART.finditer(text)]
    if BEFORE_AND_AFTER and len(positions) <= 1 and _BEFORE_AFTER.search(text):
        # "仓八线修通前后，…开车到城关分别要多久": the figure before and the one after.
        kind = _kind(text)
        if kind in ("money", "percent", "count", "duration", "rank", "date"):
            unit = focus_unit(text) if kind in ("count", "duration") else None
            return (FigurePart(kind, unit), FigurePart(kind, unit))
    both = (_EACH if EACH_GEZI else _EACH_FENBIE).search(text)
    if len(positions) == 1 and both:
        # "采购额和帮助销售额分别是多少": as many figures as the things joined before 分别.
        kind = _kind(text)
        kind = kind if kind in ("money", "percent", "count", "duration", "rank", "date") else "count"
        unit = focus_unit(text) if kind in ("count", "duration") else None
        return tuple(FigurePart(kind, unit) for _ in range(both.group(1).count("和") + both.group(1).count("与")
                                                          + both.group(1).count("、") + 1))
    if len(positions) < 2:
        return ()
    parts = []
    for i, position in enumerate(positions):
        piece = text[position : positions[i + 1] if i + 1 < len(positions) else len(text)]
        # A part's words end with its clause ("几个项目？协议投资额又是…": 投资额 is the next part's).
        piece = re.split(r"(?<=[？?，,。；;])", piece, maxsplit=1)[0]
        previous_end = positions[i - 1] + 2 if i else 0
        context = text[max(previous_end, position - 8) : position] + piece
        kind = _kind(context)
        if kind not in ("money", "percent", "count", "duration", "rank", "date") or (
                kind == "count" and focus_unit(piece) is None):
            # "发生率从多少降到了多少": the parts share the kind of the question so far (not a later
            # part's: "销量能到多少，渗透率又会提升到多少" asks a count first).
            clause_end = re.search(r"[？?，,。；;]", text[position:])
            whole = _kind(text[:position + clause_end.end()] if clause_end and i + 1 < len(positions) else text)
            kind = whole if whole in ("money", "percent", "count", "duration", "rank", "date") else "count"
        if kind in ("count", "money") and focus_unit(piece) is None and _CHANGE.search(context):
            kind = "percent"  # "营收多少？同比涨了多少？": the second part asks the change
        elif kind == "count" and focus_unit(piece) is None and (_MONEY_VERBS.search(context) or _value_word(context)):
            kind = "money"
        parts.append(FigurePart(kind, focus_unit(piece) if kind in ("count", "duration") else None))
    return tuple(parts)


# "What was X's closing price, and how much has it gained this year?": a second question joined with "and".
_ENGLISH_SECOND_ASK = re.compile(r",?\s+and\s+(?=(?:how|what|which|by how)\b)", re.I)


def _english_parts(text: str) -> tuple[FigurePart, ...]:
    """The figures an English question asks for when it joins two questions with "and", in order.

    Only when every part asks a figure (a price and a percentage, a count and a date);
    otherwise none, and the question's kind stands.
    """
    pieces = _ENGLISH_SECOND_ASK.split(text)
    if len(pieces) < 2:
        return ()
    kinds = [_kind(piece) for piece in pieces]
    if any(kind not in ("money", "percent", "count", "duration", "rank", "date") for kind in kinds):
        return ()
    return tuple(FigurePart(kind, _english_focus(piece) if kind in ("count", "duration") else None)
                 for kind, piece in zip(kinds, pieces))


def _value_word(text: str) -> bool:
    """A word of value (价值, 费用) in ``text`` that no word boundary cuts: 付费|用户 names users, not a 费用."""
    from rag import jieba

    matches = list(_VALUE_WORDS.finditer(text))
    if not matches:
        return False
    bounds, at = set(), 0
    for word, _ in jieba.tag(text):
        at += len(word)
        bounds.add(at)
    return any(not any(m.start() < b < m.end() for b in bounds) for m in matches)


def _kind(text: str) -> AnswerKind:
    """What the answer should name; what/how/why questions are answered with a phrase."""
    for candidate, pattern in _KIND_PATTERNS:
        if pattern is _ENGLISH_GAP and not ENGLISH_GAPS or pattern is _BY_WHOM_OFFICE and not BY_WHOM_TAKES_OFFICE:
            continue
        if pattern.search(text):
            return candidate
    return "phrase"

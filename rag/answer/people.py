"""People in a sentence: personal names, the titles written beside them, and the office a question asks.

A 谁 question is answered by a name, with the office that says who the person is (乌克兰总统泽连斯基,
董事长王军). jieba tags names but cuts them short or glues a surname to the word before; these readers
put names back together (surnames, transliterated names, names in Latin letters), read the title before
or after a name, and find the name beside the office the question asks (总经理是谁, 实际控制人是谁).
They read only the sentence and the question; which sentence answers is decided in extractive.py.
The switches of the rules read here (DEPUTIES, JOINED_OFFICES, TITLE_OF_THE_ASKED, ASKED_TITLE_LAST, LATIN_PEOPLE,
NO_PREPOSITION_NAMES, OTHERS_TITLES) sit beside their code: tests turn them off on this module. FULLEST_NAMES and
BODY_HOLDERS say whether extractive.py calls a reader at all, and stay there.
"""

from __future__ import annotations

import re

from rag.answer.organisation_names import _reads_as_organisation
from rag.answer.spans import tidy
from rag.entities import find_organisations


# jieba's tags for personal names: Chinese (nr) and transliterated (nrt). Its nrfg (famous full
# names, mostly leaders an article cites as authority) stay out: they are rarely who acted.
_NAME_TAGS = {"nr", "nrt"}
# Tags of the words that may stand before a name as its title (乌克兰总统, 国务院副总理).
_TITLE_TAGS = {"n", "nt", "ns", "nz", "nr", "nrt", "b", "an", "vn", "ng"}
_MAX_TITLE_CHARS = 14


def _tagged(sentence: str, tags: set[str]) -> list[tuple[int, int, str]]:
    """jieba's words of two or more characters with one of ``tags``, with their spans."""
    from rag import jieba

    words, position = [], 0
    for word, tag in jieba.tag(sentence):
        if tag in tags and len(word) >= 2:
            words.append((position, position + len(word), word))
        position += len(word)
    return words


def _jieba_people(sentence: str) -> list[tuple[int, int, str]]:
    """Personal names as jieba tags them, with their spans in ``sentence``.

    jieba cuts a foreign name at its middle dot (约翰 · 柯比) and an unfamiliar
    name into pieces (泽 + 连斯基): adjacent name pieces are one name.
    """
    from rag import jieba

    people: list[tuple[int, int, str]] = []
    position = 0
    joined = False  # the previous word was a middle dot after a name
    previous = ""
    for word, tag in jieba.tag(sentence):
        end = position + len(word)
        if tag in _NAME_TAGS or (joined and re.fullmatch(r"[\u4e00-\u9fff]+", word)):  # 约翰·巴(ns)拉索
            if people and (joined or people[-1][1] == position):
                people[-1] = (people[-1][0], end, sentence[people[-1][0]:end])
            elif _surname_glued_before(previous, word):
                people.append((position - 1, end, sentence[position - 1:end]))  # 向陆 + 丽丽 -> 陆丽丽
            else:
                people.append((position, end, word))
            joined = False
        else:
            joined = word in "·・•" and bool(people) and people[-1][1] == position
        previous = word
        position = end
    return [_with_surname(sentence, p) for p in people if len(p[2]) >= 2]


# jieba tags the party bodies that appointments name (党组成员, 党委副书记) as personal names in some sentences.
# Off: they stay names.
PARTY_BODIES_NO_NAMES = True
_PARTY_BODIES = frozenset({"党组", "党委", "党支部", "支部", "党工委"})


def _with_surname(sentence: str, person: tuple[int, int, str]) -> tuple[int, int, str]:
    """A given name that jieba cut off its surname, put back together (向陆 | 丽丽 -> 陆丽丽).

    jieba glues a one-character surname to the word before it when the given name is
    a word of its own (a doubled character, a common given name) and tags only the
    given name ``nr``. A two-character name that does not start with a surname, right
    after a surname character, is that surname's given name: Chinese names are a
    surname and one or two characters.
    """
    from rag import jieba

    start, end, name = person
    if len(name) != 2 or _starts_with_surname(name) or start == 0:
        return person
    if start >= 2 and sentence[start - 2:start] in _DOUBLE_SURNAMES:
        return start - 2, end, sentence[start - 2:end]
    if sentence[start - 1] not in _SURNAMES:
        return person
    # The character before is a surname only when jieba glued it to a word before it (向陆)
    # or left it alone as no function word: 和, 向, 于 standing alone join, they do not name.
    before = jieba.tag(sentence[:start])
    word, tag = before[-1] if before else ("", "")
    if len(word) >= 2 or not tag.startswith(_FUNCTION_TAGS):
        return start - 1, end, sentence[start - 1:end]
    return person


# jieba's tags of words that join or point (prepositions, conjunctions, particles, adverbs, pronouns).
_FUNCTION_TAGS = ("p", "c", "u", "d", "r")


# Prepositions and verbs that take a person as object; jieba may glue a surname to them (向陆 丽丽).
_BEFORE_PERSON = frozenset("向给由与和同跟对被把将从让叫请为是经")


def _surname_glued_before(previous: str, name: str) -> bool:
    """jieba read a preposition and the surname as one word and the given name alone as the name:
    "向陆丽丽转让" is cut 向陆 + 丽丽. Only a two-character given name after a one-character
    preposition and a common surname is read so."""
    return (len(name) == 2 and name[0] not in _SURNAMES and len(previous) == 2
            and previous[0] in _BEFORE_PERSON and previous[1] in _SURNAMES)


def _fullest_mention(found: str, passage: str) -> str:
    """The longest title-and-name in ``passage`` that holds ``found``'s name (``found`` when none is longer)."""
    best = found
    for person in _people(passage):
        if found in person[2] or person[2] in found and len(person[2]) >= 2:
            titled = _with_title(passage, person)
            if found in titled and len(titled) > len(best) and len(titled) <= _MAX_TITLE_CHARS + 8:
                best = titled
    return best


def _with_title(sentence: str, person: tuple[int, int, str]) -> str:
    """The name with the nouns right before it that say who the person is (乌克兰总统泽连斯基).

    A reader needs the office as much as the name, and it tells apart people
    with one surname; the title stops at a verb, a particle or punctuation.
    """
    from rag import jieba

    start = person[0]
    words, position = [], 0
    for word, tag in jieba.tag(sentence[: person[0]]):
        words.append((position, word, tag))
        position += len(word)
    for word_start, word, tag in reversed(words):
        if tag not in _TITLE_TAGS or person[0] - word_start > _MAX_TITLE_CHARS:
            break
        start = word_start
    return sentence[start : person[1]]


def _people(sentence: str) -> list[tuple[int, int, str]]:
    """Personal names with their spans in ``sentence``: jieba's (pieces joined), and names written next to a title.

    jieba often cuts a Chinese name short or misses it (王崔军 -> 崔军, 岳权 untagged); a name
    beside a title (王崔军总经理, 董事长王军, “感动那曲人物”岳权) that starts with a common
    surname is read whole.
    """
    people = _jieba_people(sentence)
    for start, end, name in _titled_names(sentence):
        # The titled reading replaces jieba's overlapping one.
        people = [p for p in people if p[1] <= start or p[0] >= end]
        people.append((start, end, name))
    if PARTY_BODIES_NO_NAMES:
        people = [p for p in people if p[2] not in _PARTY_BODIES]
    return sorted(_transliterated_whole(sentence, p) for p in people)


# Characters that Chinese news uses to write foreign names by sound (古特雷斯, 哈勒维, 巴祖姆).
_TRANSLITERATION = set("阿埃艾安昂奥巴拜班邦鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁杜敦多厄恩尔法菲费芬弗福盖戈格古"
                       "哈海汉豪赫亨基吉加贾杰卡凯坎柯科克肯库奎拉莱兰朗劳勒雷里利莉列琳卢鲁伦罗洛玛迈麦曼梅蒙米莫姆穆"
                       "纳娜奈内尼妮努诺欧帕潘佩皮普齐奇乔萨塞桑森莎舍斯苏索塔泰坦特滕提图托瓦维韦温沃乌西希谢休雅亚耶"
                       "伊尤约泽扎祖佐")
_MAX_TRANSLITERATED = 6


def _transliterated_whole(sentence: str, person: tuple[int, int, str]) -> tuple[int, int, str]:
    """A foreign name jieba or a title reading cut short (哈勒 | 维在, 古特 | 雷斯), run on over the
    sound-writing characters that follow it, when every character of it is one of those."""
    start, end, name = person
    if not name or not all(c in _TRANSLITERATION for c in name):
        return person
    while end < len(sentence) and sentence[end] in _TRANSLITERATION and end - start < _MAX_TRANSLITERATED:
        end += 1
    return start, end, sentence[start:end]


# Titles and roles written right before or after a personal name.
TITLES = ("党委书记", "副书记", "书记", "董事长", "副董事长", "总经理", "副总经理", "总裁", "主席", "副主席", "主任", "副主任",
          "部长", "局长", "厅长", "县长", "市长", "省长", "区长", "州长", "镇长", "乡长", "村长", "院长", "校长", "会长", "副会长",
          "秘书长", "副部长", "副局长", "副县长", "副市长", "副省长", "副区长", "副院长", "副校长", "副总裁",
          # A station's head and deputy (植保站站长, 副站长): "the deputy director of the … station".
          "站长", "副站长",
          "理事长", "经理", "组长", "队长", "支书", "教授", "研究员", "记者", "牧民", "村民", "农民", "代表", "人物", "先生", "女士",
          # Company offices, as business news and company registers write them.
          "法定代表人", "执行董事", "董事", "首席执行官", "首席运营官", "首席财务官", "财务总监", "总监", "董事会秘书", "董秘",
          "监事会主席", "监事", "实际控制人", "创始人", "联合创始人", "合伙人", "行长", "副行长", "发言人", "导演", "总导演",
          "制片人", "负责人", "分析师", "首席经济学家", "经济学家", "策略师", "保荐代表人", "代表人",
          # English abbreviations Chinese business news writes as they are ("创始人、CEO王阳").
          "CEO", "CFO", "COO", "CTO")
# The titles written between an organisation and a person's name (安恒信息|产品经理|盖文轩): the offices
# above and the job titles a company gives.
_PERSON_TITLE = re.compile("(?:" + "|".join(sorted(set(TITLES) | {"产品经理", "项目经理", "工程师", "总工程师", "所长", "主管", "专家"},
                                                   key=len, reverse=True)) + r"|首席[\u4e00-\u9fff]{1,4}官)+$")


_BODY_TITLES = ("实际控制人", "控股股东", "第一大股东", "大股东", "发行人", "承销商", "保荐机构", "保荐人", "主办方", "承办方")


def _held_by_body(question: str, sentence: str, people: list[tuple[int, int, str]]) -> str | None:
    for written, title in _TITLE_SYNONYMS.items():
        if written in question and title not in question:
            question = question.replace(written, title)
    for title in (t for t in _BODY_TITLES if t in question):
        for match in re.finditer(rf"{title}(?:均)?(?:为|是|系)", sentence):
            clause = re.match(r"[^，,。；;：:]{2,40}", sentence[match.end():])
            if clause is None:
                continue
            inside = [p for p in people if match.end() <= p[0] and p[1] <= match.end() + clause.end()]
            if inside:
                return inside[-1][2]  # "…蓝帆医疗董事长李振平": the person the clause ends with
            holder = tidy(clause.group())
            if holder and _reads_as_organisation(holder, sentence):
                return holder
    return None


# How a question may name an office that articles write otherwise (法人代表 -> 法定代表人).
_TITLE_SYNONYMS = {"法人代表": "法定代表人", "法人": "法定代表人", "实控人": "实际控制人", "CEO": "首席执行官",
                   "ceo": "首席执行官", "COO": "首席运营官", "coo": "首席运营官", "CFO": "首席财务官", "cfo": "首席财务官"}
# Words that join a name and its office: 陶亚冬任法定代表人, 法定代表人为陶亚冬, 吴连萍为公司的副董事长.
_NAME_THEN_OFFICE = re.compile(r"\s*(?:[(（][^)）]{0,20}[)）])?\s*(?:为|任|担任|出任|系|是)(?:公司|该公司|本公司|集团)?(?:的)?\s*$")
_OFFICE_THEN_NAME = re.compile(r"^\s*(?:为|是|系|由|[:：])\s*$")
_TITLE = "|".join(sorted(TITLES, key=len, reverse=True))
# The most common Chinese surnames (single and double), to tell a name beside a title from other words.
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
                "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤岳扎常温"
                "康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒")
_NAME_AFTER_TITLE = re.compile(rf"(?:{_TITLE})[”\"」』]?([\u4e00-\u9fff]{{2,3}})")


# A name in Latin letters (Alan Jope, James Edwardes Jones): capitalised words, after a title or before a verb of office or speech.
_LATIN_PERSON = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?: [A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){0,3}"
_LATIN_AFTER_TITLE = re.compile(rf"(?:{_TITLE})\s?({_LATIN_PERSON})(?![A-Za-z])")
_LATIN_BEFORE_VERB = re.compile(rf"(?<![A-Za-z])({_LATIN_PERSON})(?=\s?(?:曾任|曾担任|担任|出任|接替|表示|称|说|指出|认为|强调))")


def _titled_names(sentence: str) -> list[tuple[int, int, str]]:
    """Names directly before a title (王崔军总经理) or after one (董事长王军出席), surname first;
    names in Latin letters after a title (首席执行官Alan Jope) or before a verb of office (Schumacher曾担任)."""
    found = []
    if LATIN_PEOPLE:
        for pattern in (_LATIN_AFTER_TITLE, _LATIN_BEFORE_VERB):
            found += [(m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(sentence)
                      if not any(m.start(1) < f[1] and f[0] < m.end(1) for f in found)]
    for match in re.finditer(rf"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{{2,4}}?)(?:{_TITLE})", sentence):
        name = match.group(1)
        if _starts_with_surname(name) and not any(t in name for t in TITLES):
            found.append((match.start(1), match.end(1), name))
    for match in _NAME_AFTER_TITLE.finditer(sentence):
        start = match.start(1)
        if not _starts_with_surname(match.group(1)):
            continue
        name = _name_at(sentence, start)
        if any(name in f[2] or f[2] in name for f in found):
            continue
        if NO_PREPOSITION_NAMES and _opens_with_function_word(sentence[start:start + 8]):
            continue  # "负责人向来访的…": 向 is a preposition here, not a surname
        found.append((start, start + len(name), name))
    return found


# A surname character that jieba reads as a preposition or adverb with the words after it opens no name.
NO_PREPOSITION_NAMES = True


def _opens_with_function_word(text: str) -> bool:
    from rag import jieba

    tags = jieba.tag(text)
    return bool(tags) and len(tags[0][0]) == 1 and tags[0][1] in ("p", "c", "d", "u") and len(tags) > 1 \
        and tags[1][1].startswith("v")


# What follows a name in a sentence (王军出席, 赵忠民主持, 李四方等, 扎西一家): where a name ends.
_AFTER_NAME = ("出席", "主持", "讲话", "表示", "指出", "强调", "介绍", "带队", "调研", "参加", "参与", "会见", "同志", "一行",
               "一家", "先生", "女士", "代表", "任", "等", "和", "与", "及", "在", "说", "的", "是", "为", "向", "对", "带领",
               "也", "还", "又", "曾", "已", "则", "均", "都", "将",
               "便", "就", "仍", "一直", "随即", "亲自")  # 汪渤|也在同日提议, 彭小容|便带领 (not 才, 正: 钱有才)


def _name_at(sentence: str, start: int) -> str:
    """A two- or three-character name starting at ``start``: where a word that follows names ends,
    else where punctuation ends it, else jieba's word."""
    from rag import jieba

    for length in (2, 3):
        after = sentence[start + length:]
        if not after or not "\u4e00" <= after[0] <= "\u9fff" or after.startswith(_AFTER_NAME):
            return sentence[start:start + length]
    words = jieba.cut(sentence[start:start + 6])
    return words[0] if words and 2 <= len(words[0]) <= 3 else sentence[start:start + 2]


# "区长是谁" is not answered by the name beside 副区长. Off: a deputy's title answers for the office.
DEPUTIES = True


def _beside_asked_title(question: str, sentence: str, people: list[tuple[int, int, str]]) -> str | None:
    """The name written right before or after the title the question asks about (总经理, “草莓书记”).

    Returns None when the question names no title; "" when it names one that the
    sentence does not hold or that no name stands beside.
    """
    asked = False
    for written, title in _TITLE_SYNONYMS.items():
        if written in question and title not in question:
            question = question.replace(written, title)
    # The office nearest the question's end is the one asked ("说前CEO…的分析师是哪位": the 分析师).
    titles = [t for t in TITLES if t in question]
    which = re.search(r"哪(?:一)?[位名](?=[\u4e00-\u9fff])", question) if TITLE_AFTER_WHICH else None
    if which is not None:
        # "哪位退休干部帮助青年农民创业": the person asked is the one 哪位 describes; an office later in the
        # question (农民) is whom that person acts on.
        titles = [t for t in titles if which.end() <= question.find(t) <= which.end() + 6]
    for title in sorted(titles, key=lambda t: (question.rfind(t) if ASKED_TITLE_LAST else 0, len(t)), reverse=True):
        if any(title in longer and longer in question for longer in TITLES if longer != title):
            continue  # 书记 inside 副书记
        asked = True
        position = question.find(title)
        # The title with as much of the question's wording before it as the sentence shares:
        # “草莓书记” picks out one of several 书记.
        for k in range(min(6, position), -1, -1):
            context = question[position - k : position + len(title)]
            found = [m.start() + k for m in re.finditer(re.escape(context), sentence)]
            if found:
                break
        if ASKED_TITLE_LAST:
            # A former holder (前首席执行官) answers only "前任…是谁", and the other way round.
            former = question[max(0, position - 2):position].endswith(("前", "前任", "原"))
            found = [at for at in found if sentence[max(0, at - 2):at].endswith(("前", "前任", "原")) == former] or \
                ([] if former else found)
        if DEPUTIES:
            # A deputy (副区长, 常务副总经理) is not the holder of the office the question asks about.
            found = [at for at in found if not sentence[max(0, at - 1):at] == "副"]
        if TITLE_OF_THE_ASKED and len(found) > 1:
            # "甲公司董事长A、乙公司董事长B": the title of the organisation the question names.
            found.sort(key=lambda at: -_shared_run(_named_before(sentence, at), question))
        owner = question[:position].rstrip("的")
        owner = owner[max(owner.rfind(c) for c in "，,。；;：:的") + 1:]
        if OTHERS_TITLES and found and 2 <= len(owner) <= 8 and question[:position].endswith((owner, f"{owner}的")):
            # "晶华微（688130.SH）董事长吕汉泉…与理工导航相似": a title written after another organisation's name
            # is that organisation's, whichever names the sentence adds later.
            found = [at for at in found if not _reads_as_other_organisation(sentence, at, question)]
        for at in found:
            title_end = at + len(title)
            for start, end, name in people:
                if end == at and len(name) >= 3 and name[-1] in "任系":
                    return name[:-1]  # jieba reads "钱文博任法定代表人" as the name 钱文博任
                if end == at or (start >= title_end and sentence[title_end:start].strip("”\"」』 ") == ""):
                    return name
            for start, end, name in people:
                if 0 < at - end <= 1 and re.fullmatch(r"[\u4e00-\u9fff]", sentence[end:at]) \
                        and sentence[end:at] not in _NOT_IN_NAME:
                    return sentence[start:at]  # jieba cut the name a character short: "乌尔善导演" as 乌尔 + 善
            for start, end, name in people:
                # Joined by a verb: "陶亚冬任法定代表人", "法定代表人为陶亚冬".
                if (end <= at and at - end <= 12 and _NAME_THEN_OFFICE.search(sentence[end:at])) or (
                        start >= title_end and start - title_end <= 3 and _OFFICE_THEN_NAME.match(sentence[title_end:start])):
                    return name
            if APPOINTED_TO_OFFICE:
                for start, end, name in people:
                    if len(name) >= 3 and name[-1] in "任":  # jieba reads "江毅任中国华电…" as the name 江毅任
                        name, end = name[:-1], end - 1
                    if end < at and _APPOINTED_TO.match(sentence[end:at]) \
                            and not any(end <= other < at for other, _, _ in people):
                        return name
            if JOINED_OFFICES and sentence[title_end:title_end + 1] == "、":
                # "党支部书记、居委会主任孟二梅": offices joined by 、 before one name all are that person's.
                for start, end, name in people:
                    between = sentence[title_end + 1:start]
                    if start > title_end and len(between) <= 12 and between.endswith(TITLES) \
                            and not re.search(r"[，,。；;：:]", between):
                        return name
    return "" if asked else None


# "哪位X…": only an office within X is the one asked. Off: any office the question names.
TITLE_AFTER_WHICH = True
# An appointment names the person, the verb, the organisation and then the office, maybe after other offices
# ("江毅任中国华电集团有限公司董事长", "栗宝卿任国家电投董事、党组副书记"). Off: only a bare 公司 or 集团 may stand
# between the verb and the office.
APPOINTED_TO_OFFICE = True
# (Not 任命, which names who appoints; not 任何, 任务, 任期.)
_APPOINTED_TO = re.compile(r"(?:担任|出任|兼任|接任|升任|调任|转任|任)(?![命何务期])[^，,。；;：:！？!?“”\s]{0,28}$")
# Offices joined by 、 before a name are all that person's ("书记、主任孟二梅"). Off: the name must stand next to
# the asked office itself.
JOINED_OFFICES = True


TITLE_OF_THE_ASKED = True
# The asked office is the one nearest the question's end; a former one (前任) is told from the present one.
ASKED_TITLE_LAST = True
# People named in Latin letters beside a title or before a verb of office (see _titled_names).
LATIN_PEOPLE = True


# A title right after an organisation's name that the question does not name answers nothing about the one
# it names ("理工导航的董事长": not 晶华微（688130.SH）董事长). Off: such a title answers when no other one does.
# (Only where the question names whose title it asks: "…的分析师是哪位" asks any firm's analyst.)
OTHERS_TITLES = True


def _reads_as_other_organisation(sentence: str, at: int, question: str) -> bool:
    """What stands right before the title at ``at`` is an organisation's name (one the table knows, or one a
    stock code follows: 晶华微（688130.SH）) that shares nothing with the question's words."""
    start = max(sentence.rfind(c, 0, at) for c in "、，,；;：:。") + 1
    before = sentence[start:at]
    coded = _CODED_NAME.search(before)
    if coded:
        return _shared_run(coded.group(1)[-8:], question) == 0
    before = _named_before(sentence, at)
    named = [m for m in find_organisations(before) if m.end == len(before)]
    return bool(named) and _shared_run(named[-1].surface, question) == 0


_CODED_NAME = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,})\s*[（(]\s*\d{6}(?:\.(?:SH|SZ|BJ))?\s*[）)]\s*$", re.I)


def _named_before(sentence: str, at: int) -> str:
    """The few characters before ``at`` in its list item or clause, a bracketed stock code left out: the
    organisation a title there belongs to ("科思科技（688788.SH）董事长" -> 科思科技)."""
    start = max(sentence.rfind(c, 0, at) for c in "、，,；;：:。") + 1
    return re.sub(r"[（(][^（()）]*[）)]", "", sentence[start:at])[-8:]


def _shared_run(text: str, question: str) -> int:
    """The length of the longest run of two or more characters ``text`` shares with ``question`` (else 0)."""
    best = 0
    for i in range(len(text)):
        length = best + 1
        while i + length <= len(text) and text[i:i + length] in question:
            best = length
            length += 1
    return best if best >= 2 else 0


# Characters that follow a name without being part of it (王军任董事长, 李四为总经理, 张三等).
_NOT_IN_NAME = frozenset("任系为是和与及等的在将由被请向对说任兼")


def _starts_with_surname(name: str) -> bool:
    return name[:1] in _SURNAMES or name[:2] in _DOUBLE_SURNAMES


def _deputy_of_the_asked(question: str, sentence: str, at: int) -> bool:
    """The office the question asks for just before 是谁 (司长, 所长) stands in ``sentence`` right before
    ``at`` as a deputy's (副司长)."""
    asked = re.search(r"([\u4e00-\u9fff]{0,4}?[长任记理席])(?:是谁|叫什么|是哪位)", question)
    if asked is None:
        return False
    office = asked.group(1)[-2:]
    return sentence[:at].endswith(office) and sentence[:at].endswith(f"副{office}") and f"副{office}" not in question

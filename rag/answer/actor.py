"""Who does what the question asks about: the name written before the question's verb in a sentence.

"哪个单位给青禾小学捐了图书" asks for the doer of 捐. In "星海集团下属的远航物流向青禾小学
捐赠图书" that is 远航物流, not 星海集团, the name an organisation table or a
suffix finds first; in "论坛由星海集团主办、远航物流承办" the doer of 承办 is the
name right before it. Chinese puts the doer before the verb, with at most a
prepositional phrase (向/给/为… + object) and adverbs between them, so the doer
is read from the text between the last clause boundary and the verb.

Used for "which organisation" and "who" questions when the sentence names
several organisations or one the tables do not know.
"""

from __future__ import annotations

import re

from rag.answer.question import Question

# Where a doer's phrase begins: punctuation, a list mark, 由 (由A主办), 经/被 (passive marks).
# (Not 、: "A、B和C联合…" names three doers.)
_BOUNDARY = re.compile(r"[，,；;：:。！？!?\n（）()“”\"]|由|经|其中|此外|同时|另外|以及")
# A prepositional phrase between the doer and the verb: 向青禾小学 / 为合作社 / 在青禾村.
# (与/和 join two doers instead: "A与B联合举办".)
_PREPOSITION = re.compile(r"(?:向|给|为|对|在|从|于|把|替|帮|助)[^向给为对在从于把替]{1,16}$")
# Adverbs and helping verbs between the doer and the verb.
_ADVERBS = re.compile(r"(?:累计|共计|积极|先后|主动|持续|连续\w{1,2}|全力|共同|联合|分别|已经|已|还|也|又|再|均|都|共|正在|将|先|率先|专门|"
                      r"出资|投资|捐资|近日|日前|近期|此前|目前|随后|当天|当日|同日|昨日|今日|今年|去年|一起|一同|首次|再次|正式)+$")
# "A下属的B", "A旗下B": B is the doer.
_UNDER = re.compile(r"^.*(?:下属的?|旗下的?|所属的?|子公司)")
# "A协调B…", "A组织B…": B does it, at A's instance.
_BROUGHT_IN = re.compile(r"^.*(?:协调|组织|引导|动员|带动|推动|邀请|委托|引进|携手|通过|依托)")
_NOT_NAMES = {"集团公司", "集团", "公司", "企业", "我们", "各单位", "子分公司", "各子分公司", "单位", "政府", "会上", "商协会",
              "民营企业", "会员企业", "党组", "干部", "群众", "他们", "大家", "该公司", "该集团", "双方"}
_VERB_TAGS = ("v", "vn", "vd")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》|「[^」]*」")  # a title: 行动 in “聚力行动” is a name, not a verb
_NAME_TAGS = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng", "vn")
_NOT_ACTIONS = {"是", "有", "在", "为", "给", "让", "使", "被", "把", "对", "叫", "做", "搞", "弄", "干", "到", "来", "去",
                "活动"}  # 活动: jieba tags the noun (签约帮扶活动) a verb


def question_verbs(question: Question) -> list[str]:
    """The question's verbs, in order: 给青禾小学捐了图书 -> [捐]; 出资修建了 -> [出资, 修建]."""
    from rag import jieba

    text = _QUOTED.sub(" ", question.text if question.language == "zh" else " ".join(question.tokens))
    return list(dict.fromkeys(w for w, tag in jieba.tag(text) if tag in _VERB_TAGS and w not in _NOT_ACTIONS
                              and re.fullmatch(r"[\u4e00-\u9fff]+", w)))


# An organisation's ending: a name that ends so is a name whatever jieba makes of its trade words (湖南|澳优(ag)|乳业|集团).
_ORGANISATION_ENDS = ("集团", "公司", "银行", "商会", "协会", "基金会", "研究院", "合作社", "之家", "中心", "委员会")
_FUNCTION_TAGS = ("v", "p", "u", "c", "d", "r", "m", "q", "x")


def _looks_like_a_name(phrase: str) -> bool:
    """Noun-like words only, the first may be a verb-like word (远航 物流, a name made of common words)."""
    from rag import jieba

    end = next((e for e in _ORGANISATION_ENDS if phrase.endswith(e)), None)
    if end and len(phrase) > len(end) + 1 and not any(tag.startswith(_FUNCTION_TAGS) for _, tag in jieba.tag(phrase[:-len(end)])):
        return True
    tags = jieba.tag(phrase)
    return bool(tags) and tags[-1][1] in _NAME_TAGS and all(tag in _NAME_TAGS for _, tag in tags[1:]) and \
        (tags[0][1] in _NAME_TAGS or (tags[0][1] in ("v", "l") and len(tags) > 1))  # 自然资源(l) 部


def verb_doer(sentence: str, question: Question, verbs: list[str] | None = None) -> str | None:
    """The name written as the doer of the first of the question's verbs that ``sentence`` uses.

    None when the sentence does not use the verbs, or when the words before
    the verb are not a name (a pronoun, a generic word, a place, a figure) or
    are what the question itself names.
    """
    for verb in question_verbs(question) if verbs is None else verbs:
        # A one-character verb of the question (捐) is the first character of the article's (捐赠).
        starts = None
        for match in re.finditer(re.escape(verb), sentence):
            at = match.start()
            if len(verb) == 1:
                # A one-character verb inside the sentence's word (办 in 举办): the doer ends where the word begins.
                starts = starts if starts is not None else _word_starts(sentence)
                at = max(s for s in starts if s <= at)
            doer = _doer_before(sentence[:at], question)
            if doer:
                return doer
    return None


def _without_preposition(phrase: str) -> str:
    """``phrase`` less a prepositional phrase at its end whose preposition is a word of its own
    (从化区 opens with 从 but is a place: jieba cuts it whole)."""
    match = _PREPOSITION.search(phrase)
    if match is None:
        return phrase
    starts = _word_starts(phrase)
    at = match.start()
    if at in starts and (at + 1 in starts or at + 1 == len(phrase)):
        return phrase[:at]
    return phrase


def _word_starts(sentence: str) -> list[int]:
    from rag import jieba

    starts, at = [], 0
    for word in jieba.cut(sentence):
        starts.append(at)
        at += len(word)
    return starts


def _doer_before(text: str, question: Question) -> str | None:
    boundaries = [m.end() for m in _BOUNDARY.finditer(text)]
    phrase = text[boundaries[-1] if boundaries else 0 :]
    for _ in range(3):  # peel adverbs and a prepositional phrase, in either order
        phrase = _ADVERBS.sub("", phrase)
        phrase = _without_preposition(phrase)
    phrase = _UNDER.sub("", phrase).strip()
    phrase = _BROUGHT_IN.sub("", phrase)  # "星海集团协调青禾农商银行为合作社…": the bank acts
    # "星海集团与远航物流联合举办" asked "与星海集团…的是哪家": the partner the question does not name.
    # Several doers ("A、B和C联合…") are all the answer: the run of names that ends at the verb
    # ("由A主办、B承办": the run before 承办 is B alone, 主办 ends A's part).
    # ("联合B举办", "携手B举办": B is a doer beside the one the clause leaves unsaid.)
    items = [re.sub(r"^(?:在|由|并|而|则|已|如)", "", p).strip() for p in re.split(r"与|和|同|跟|及|、|联合|携手", phrase)]
    names: list[str] = []
    for item in reversed([i for i in items if i and i not in question.text]):
        if not _is_doer_name(item, question):
            break
        names.insert(0, item)
    if len(names) == 2:
        # A pair as the sentence writes it ("A与B"), when nothing but a joiner stands between them.
        start, end = phrase.find(names[0]), phrase.rfind(names[-1]) + len(names[-1])
        if 0 <= start < end and len(phrase[start:end]) <= len(names[0]) + len(names[1]) + 2:
            return phrase[start:end]
    return "、".join(names) or None


def _is_doer_name(name: str, question: Question) -> bool:
    from rag.places import find_places

    if not (2 <= len(name) <= 20) or name in _NOT_NAMES or re.search(r"\d|[^\u4e00-\u9fffA-Za-z·]", name):
        return False
    if any(o in name or name in o for o in question.organisations) or name in question.text:
        return False
    if not _looks_like_a_name(name):
        return False
    places = find_places(name)
    return not (places and all(p.surface == name for p in places))  # a place is where, not who


# The speaker a news quotation is credited to, right after it closes: "…”拓邦股份表示。", "…”，该公司负责人称".
_CREDIT = re.compile(r"”\s*[，,]?\s*([^，,。；;！？!?“”\s]{2,16}?)(?:相关负责人|负责人|董事长|总经理|人士)?"
                     r"(?:对记者|向记者|在互动平台上|在互动易平台上)?(?:表示|称|说|透露|介绍|指出|坦言|回应|回复)")
_SELF_REFERENCE = re.compile(r"^(?:公司|本公司|我们公司|我们|我司|集团|本集团|企业)")


def quoted_speaker(text: str, start: int, end: int, following: str = "") -> str | None:
    """Who speaks the quotation that holds ``text[start:end]``: the words between its closing mark and a
    verb of saying; None when the span is not quoted or no credit follows. ``following``: the article's
    next passage, where the credit stands when the quotation closes at the end of ``text``."""
    opened, closed = text.rfind("“", 0, start), text.rfind("”", 0, start)
    if opened < 0 or closed > opened:
        return None
    close = text.find("”", end)
    if close < 0 or close - end > 400 or "“" in text[end:close]:
        return None
    credit = _CREDIT.match(text, close)
    if credit is None and following and not text[close + 1:].strip():
        # Passages overlap: the credit follows the quotation's last characters in the next passage.
        tail = text[max(0, close - 5):close + 1]
        at = following.find(tail)
        credit = _CREDIT.match(following, at + len(tail) - 1) if at >= 0 else _CREDIT.match("”" + following)
    return credit.group(1) if credit else None


def speaks_of_itself(sentence: str) -> bool:
    """The sentence's subject is the speaker's own organisation (公司的…, 我们…), as a quotation words it."""
    return _SELF_REFERENCE.match(sentence.lstrip("“ ")) is not None

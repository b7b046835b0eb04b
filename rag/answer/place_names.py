"""Place names in a sentence: the place a where-question or a 哪个县/哪个村 question is answered by.

Kept apart from rag/places.py (the gazetteer of places an article names): these read a place's written name
out of one sentence, with the smaller places and the street or venue after it (淄博市临淄区金山工业园),
names that end in the kind of place asked (荣华乡, 马瑙斯市), and the venue an event is held in.
extractive.py decides which sentence answers; these return spans and names.
The switches PLACE_RUN and VENUES say whether extractive.py calls these readers, and stay there.
"""

from __future__ import annotations

import re

from rag.answer.organisation_names import _BEFORE_NAME


_EVENT_VERB = r"(?:举行|举办|召开|开幕|进行|开展|落户|落地|上演|亮相)"
_ASKED_WHERE = r"(?:哪里|哪儿|何处|什么地方|哪)"
_VENUE_ASK = re.compile(rf"(?:在|于)?{_ASKED_WHERE}{_EVENT_VERB}|{_EVENT_VERB}(?:地点|的地方)?(?:在|是){_ASKED_WHERE}")
_MOVE_ASK = re.compile(rf"(?:搬|迁|移|调整|改)(?:到|至|往)了?{_ASKED_WHERE}")
_VENUE = re.compile(rf"(?:在|于)([^，,。；;！？!?“”\"、在于]{{2,16}}?)(?:隆重|盛大|正式|顺利|同步|同时)?{_EVENT_VERB}")
_MOVED_TO = re.compile(r"(?:搬|迁|移|调整|改)(?:到|至|往)([^，,。；;！？!?]{2,20})")
# A time is no venue: "于9月1日举行", "在活动期间举行".
_NOT_A_VENUE = re.compile(r"\d|[年月日]|期间|之际|时|前|后|当天")


def _asked_suffix(question: str) -> str | None:
    """The kind of place asked for, as its suffix: 哪个县 / which county -> 县."""
    # 哪个城市 asks a 市 as 哪个市 does (马瑙斯市, not 马瑙斯).
    found = re.search(r"哪(?:个|些|一|几个)?(?:城(?=市))?(县|市(?!场)|省|村|镇|乡|区(?!域))", question)
    if found:
        return found.group(1)
    english = re.search(r"\b(count(?:y|ies)|villages?|towns?|cit(?:y|ies)|provinces?)\b", question, re.I)
    if english is None:
        return None
    word = english.group(1).lower()
    return "市" if word.startswith("cit") else {"c": "县", "v": "村", "t": "镇", "p": "省"}[word[0]]


_LEAD = re.compile(r"^(?:[在于到向和与为给对从由是将把的及、]|帮助|帮扶|位于|来自|落户|援建|支持)+")


_ASKS_WHERE = re.compile(r"哪里|哪儿|在哪(?![个些一家所位款项种])|什么地方|何地|何处|哪条|哪座|地点|位置|\bwhere\b", re.I)
_PLACE_WORDS = ("省", "市", "区", "县", "镇", "乡", "街道", "村", "社区", "开发区", "新区", "工业园", "工业园区", "产业园", "产业园区",
                "园区", "大道", "大街", "路", "街", "铁路", "公路", "高速", "机场", "港", "码头", "火车站", "广场",
                # Venues, where events are held (北京…亦创国际会展中心, 青岛国际会议中心).
                "会展中心", "会议中心", "展览中心", "博览中心", "体育中心", "体育馆", "体育场", "展览馆", "博物馆", "大剧院",
                "剧院", "大礼堂", "礼堂", "大厦", "大楼", "酒店", "宾馆", "公园")


def _place_tail(sentence: str, end: int) -> str:
    """The smaller places and the street, park or line written right after a place (临淄区金山工业园 after
    淄博市; 铁路 after 丰沙): jieba's place words and words that end in a kind of place, up to anything else."""
    from rag import jieba

    tail = pending = ""
    for word, tag in jieba.tag(sentence[end:end + 24]):
        if word in _PLACE_WORDS or (tag in ("ns", "n", "nt") and len(word) >= 3 and word.endswith(_PLACE_WORDS)):
            tail, pending = tail + pending + word, ""
        elif tag in ("ns", "nr", "nz", "n", "j") and len(pending + word) <= 6:
            pending += word  # 金山 (jieba: a person) of 金山工业园: kept once a kind of place follows
        else:
            break
    return tail


def _strip_lead(name: str) -> str:
    """A place name without the preposition or verb glued before it (在普格县 -> 普格县, 帮助海原县 -> 海原县)."""
    stripped = _LEAD.sub("", name)
    return stripped if len(stripped) >= 2 else name


# "定点帮扶县", "贫困村": a kind of place, not a place's name.
_GENERAL_PLACE = re.compile(r"(?:帮扶|扶贫|贫困|援扶|定点|重点|示范|国家级|深度|薄弱|小康|所在|周边|全国|各)[县村镇乡市区省]$")


# A smaller place written after the larger one it lies in starts where that one's suffix ends. Off: the words
# before it are stripped as usual.
PLACE_INSIDE_PLACE = True


def _names_ending(sentence: str, start: int, end: int, suffix: str, question: str) -> list[tuple[int, int, str]]:
    """Names in ``sentence[start:end]`` that end in ``suffix`` (荣华乡), without the words glued before them."""
    found = []
    window = sentence[start:end]
    # (Not 乡 of 乡村: "助力乡村振兴" names no 助力乡.)
    after = "(?!村)" if suffix == "乡" else ""
    for match in re.finditer(rf"[\u4e00-\u9fff]{{2,7}}?{suffix}(?![\u4e00-\u9fff]?(?:长|委|政府|级)){after}", window):
        # A place's name holds no 的: "亚马孙中游的马瑙斯市" names 马瑙斯市.
        text = match.group().rsplit("的", 1)[-1]
        inside = max(text.rfind(c, 0, len(text) - len(suffix)) for c in "省市县区州旗") if PLACE_INSIDE_PLACE else -1
        if inside >= 1 and len(text) - inside - 1 >= 3:
            # "三江侗族自治县同乐苗族乡": the township begins where the county's name ends (not at 乐: 同 is no "with").
            name = text[inside + 1:]
        else:
            name = _strip_lead(_BEFORE_NAME.sub("", text).lstrip("元了个"))
        if len(name) >= 3 and name not in _TOO_GENERAL and name not in question and not _GENERAL_PLACE.search(name):
            found.append((start + match.end() - len(name), start + match.end(), name))
    return found


def _words_ending(sentence: str, suffix: str) -> list[tuple[int, int, str]]:
    """jieba's words of two or more characters that end in ``suffix`` (县, 村), with their spans."""
    from rag import jieba

    words, position = [], 0
    for word in jieba.cut(sentence):
        if len(word) >= 2 and word.endswith(suffix) and word not in _TOO_GENERAL and not _GENERAL_PLACE.search(word):
            words.append((position, position + len(word), word))
        position += len(word)
    return words


_TOO_GENERAL = {"各县", "本县", "该县", "全县", "两县", "各村", "本村", "全村", "该村", "驻村", "驻县", "每县", "每村", "农村", "乡村"}

"""Who wrote an article, and which outlet first ran it: read from its byline and credits.

The answerer masks bylines and credits as page furniture (rag/answer/furniture.py): a
reporter's name is not who acted in the story. A question that asks for the reporter
("报道…的那个记者叫什么", "写那篇稿子的南都记者是谁") or the outlet ("最初是哪家媒体发的")
asks for exactly that furniture, of the article its other words describe. Bylines are
written "(记者王俊岭)", "记者 李迪 实习生 段淑萍", "采写：南都记者 陈燕", "【编辑:付子豪】";
credits "(人民日报海外版)" at the article's end or "来源：某网".
"""

from __future__ import annotations

import re

_HAN = "\u4e00-\u9fff"

# The roles a question may ask for, each with the byline words that give it.
_ROLES = [
    (re.compile(r"编辑|\beditor\b", re.I), ("责任编辑", "编辑")),
    (re.compile(r"通讯员"), ("通讯员",)),
    (re.compile(r"实习生|\bintern\b", re.I), ("实习生",)),
    (re.compile(r"摄影|拍摄|照片|图片|\bphotographer\b", re.I), ("摄影", "摄")),
    (re.compile(r"记者|作者|撰稿|撰文|采写|写|报道|\b(?:reporter|journalist|author|correspondent|wrote|written|reported)\b",
                re.I), ("记者", "作者", "撰稿", "撰文", "采写", "文")),
]
# A person question about who wrote or reported (not "记者从哪里获悉", which asks no person).
_ASKS_WRITER = re.compile(r"记者|编辑|作者|撰稿|撰文|通讯员|实习生|摄影|\b(?:reporter|journalist|author|editor|correspondent|"
                          r"photographer)\b", re.I)
# Every byline role word, longest first: a name ends where the next role begins ("何茵桃 南都记者 陈燕").
_ALL_ROLES = ("首席记者", "特约记者", "见习记者", "责任编辑", "记者", "通讯员", "实习生", "编辑", "作者", "撰稿", "撰文", "采写", "摄影",
              "校对", "文")
_ROLE_RE = "|".join(sorted({r for _, roles in _ROLES for r in roles} | set(_ALL_ROLES), key=len, reverse=True))
# A role, then its name: "(记者王俊岭)", "记者 李迪", "编辑:付子豪", "采写：实习生 何茵桃". The role ends a
# byline's word: it follows punctuation, a space, an outlet name (南都记者) or opens the text.
_BYLINE = re.compile(rf"({_ROLE_RE})\s*[:：/／]?\s*([{_HAN}·]{{2,6}})")
# Words that follow a role without being a name: "记者近日从…获悉", "记者致电", "记者查询发现".
_NOT_NAMES = re.compile(r"^(?:近日|日前|今天|今日|昨天|昨日|从|获悉|了解|注意|发现|查询|采访|致电|走访|调查|看到|获得|联系|在|于|对|向|"
                        r"问|据|表示|实地|随机|梳理|统计|查阅|多方|独家|观察|现场|一行|同志|节目|团队|部|站|组)")
# What ends a byline name glued to the text after it: 陈燕|返回搜狐, 王俊岭|)
_AFTER = re.compile(rf"[^{_HAN}·]|$")

# An outlet's credit: "(人民日报海外版)" closing an article, "来源：智通财经", "转自某网".
_OUTLET_END = r"(?:报|网|社|台|版|新闻|日报|晚报|周刊|杂志|时报|财经|客户端|APP|频道)"
_CREDITS = [
    re.compile(rf"[（(]\s*([{_HAN}A-Za-z·]{{2,12}}{_OUTLET_END})\s*[）)]"),
    re.compile(rf"(?:来源|出处|转自|稿源|转载自)\s*[:：]?\s*([{_HAN}A-Za-z·]{{2,12}}?{_OUTLET_END})"),
]
_ASKS_OUTLET = re.compile(r"(?:哪家|哪个|什么)(?:媒体|报纸|报社|网站|新闻网|通讯社|电视台|杂志|刊物|平台)|(?:首发|最初|最早|原文|原稿|来源|出处)"
                          r".{0,12}(?:媒体|报|网)|\bwhich (?:outlet|newspaper|media|agency|website)\b", re.I)


def asks_writer(question: str) -> bool:
    """A "who" question about the byline: 记者, 编辑, 作者 (the caller checks it asks a person)."""
    return bool(_ASKS_WRITER.search(question))


def asks_outlet(question: str) -> bool:
    """"最初是哪家媒体发的": the outlet an article credits."""
    return bool(_ASKS_OUTLET.search(question))


def _asked_roles(question: str) -> tuple[str, ...]:
    for pattern, roles in _ROLES:
        if pattern.search(question):
            return roles
    return ("记者",)


def _name(text: str) -> str | None:
    """The person's name that opens ``text`` (a byline's name, glued or not to what follows)."""
    from rag import jieba

    if _NOT_NAMES.match(text) or text.startswith(_ALL_ROLES):
        return None
    for role in _ALL_ROLES:  # "何茵桃南都记者": a name ends where the next role (and its outlet) begins
        at = text.find(role, 2)
        if 0 < at:
            text = text[:at]
    run = re.match(rf"[{_HAN}·]+", text)
    if run is None:
        return None
    run_text = run.group()
    if len(run_text) <= 3 or "·" in run_text:
        return run_text if 2 <= len(run_text) <= 12 else None
    words = jieba.tag(run_text)
    if words and words[0][1] in ("nr", "nrt", "nrfg") and 2 <= len(words[0][0]) <= 3:
        return words[0][0]  # 陈燕返回搜狐 -> 陈燕
    return run_text[:3] if words and len(words[0][0]) == 3 else run_text[:2]


def bylines(text: str, roles: tuple[str, ...]) -> list[tuple[int, int, str, str]]:
    """(start, end, name, what precedes the role) for each byline of ``text`` whose role is one of ``roles``."""
    found = []
    for match in _BYLINE.finditer(text):
        role = match.group(1)
        if role not in roles:
            continue
        if role in ("文", "摄"):
            # One character: only inside brackets or after a mark ("（文/张三）"), never inside a word.
            if match.start() and text[match.start() - 1] not in "（(【[/ 　":
                continue
        if role == "编辑" and text[max(0, match.start() - 2):match.start()] == "责任" and "责任编辑" not in roles:
            continue
        rest = text[match.start(2):]
        name = _name(rest)
        if not name:
            continue
        before = text[max(0, match.start() - 12):match.start()]
        found.append((match.start(), match.start(2) + len(name), name, before))
    return found


def writer_in(passages, question: str) -> tuple[object, int, int, str] | None:
    """(passage, start, end, name) of the byline an article's ``passages`` give for the role ``question`` asks.

    Where several bylines give the role, the one whose outlet (the words before the role) the
    question names wins ("南都记者是谁" -> "南都记者 陈燕"), else the first.
    """
    from rag.answer.people import _shared_run

    roles = _asked_roles(question)
    found = []
    for passage in passages:
        for start, end, name, before in bylines(passage.text, roles):
            if name in question:
                continue
            found.append((-_shared_run(before, question), passage.position, start, passage, end, name))
    if not found:
        return None
    _, _, start, passage, end, name = min(found, key=lambda f: f[:3])
    return passage, start, end, name


def outlet_in(passages, question: str) -> tuple[object, int, int, str] | None:
    """(passage, start, end, outlet) of the credit that names where an article first ran; the last one written."""
    found = []
    for passage in passages:
        for pattern in _CREDITS:
            for match in pattern.finditer(passage.text):
                outlet = match.group(1)
                if outlet in question:
                    continue
                found.append((passage.position, match.start(), passage, match.end(), outlet))
    if not found:
        return None
    _, start, passage, end, outlet = max(found, key=lambda f: f[:2])
    return passage, start, end, outlet

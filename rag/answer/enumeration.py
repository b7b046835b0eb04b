"""The list a sentence writes out, for questions that ask which several things ("包括哪些措施", "是哪几项").

"推动完善6项业务信息，包括：合同、体检、保险、培训、工作经历、服务评价" answers "那6项信息是哪几项" with
every item, not with the clause around the question's words. A list is a run of short phrases joined
by 、 (the last may be joined by 和/及/与); its first and last items are cut to the size of their
neighbours, since the words before the list (召回…部分进口) and after it (…汽车，共计) are not items.
"""

from __future__ import annotations

import os
import re

# An item: a short phrase, which may hold a bracketed word ("羚客(杭州)网络技术有限公司").
_ITEM = r"(?:[^，,。；;：:、（）()《》“”\"!！?？\n]|[（(][^（）()，,。、]{1,10}[）)]){1,24}"
_RUN = re.compile(rf"{_ITEM}(?:、{_ITEM})+(?:(?:以及|和|及|与){_ITEM})?")
# Where a list is introduced: it follows these words.
_INTRODUCED = re.compile(r"(?:包括|包含|分别是|分别为|即|有|是|为|如)[：:]?\s*$|[：:]\s*$")
_LAST_JOIN = re.compile(r"以及|和|及|与")
# An approximate end of a list that is not part of its last item.
_LIST_END = re.compile(r"等(?:[\u4e00-\u9fff]{0,6})$")

# A question that asks for several things (哪些, 哪几项, 哪两家); "哪些X" with its noun.
ASKS_SEVERAL = re.compile(r"哪些|哪几|哪[两二三四五六七八九]")


def _words(text: str) -> list[str]:
    from rag.jieba import cut

    return [w for w in cut(text) if w.strip()]


_BEFORE_LIST = re.compile(r"[的在从由被]")


def _cut_first(first: str, second: str) -> str:
    """The first item without the words before the list: after the last 的/在/由 mark outside brackets, then,
    where it is still much longer than the second item, as many words as that has ("部分进口C级" next to
    "E级" -> C级)."""
    hidden = re.sub(r"[（(][^（）()]*[）)]", lambda m: "\0" * len(m.group()), first)  # marks inside brackets stay
    marks = list(_BEFORE_LIST.finditer(hidden)) + list(re.finditer(r"\d[\d.,]*\s*(?:万亿|亿|万|千)?\s*(?:美元|元|%)?", hidden))
    marks = [m for m in marks if len(first) - m.end() >= 2]
    if marks:
        first = first[max(m.end() for m in marks):]
    words, size = _words(first), len(_words(second))
    if len(second) <= 4 and len(words) > size and len(first) > min(2 * len(second), len(second) + 4):
        # Short items (C级, 乙牌): as many words as the second.
        first = first[len(first) - len("".join(words[-size:])) - _trailing_spaces(first, words[-size:]):]
    else:
        # Longer ones: less the verbs that introduce the list ("拟用于实验室…项目").
        from rag.jieba import tag

        if tag(second) and tag(second)[0][1][:1] != "v":  # items that open with a verb keep theirs (抓…、落实…)
            for word, flag in tag(first):
                if flag[:1] not in ("v", "p", "d", "c") or len(first) - len(word) < 2:
                    break
                first = first[len(word):]
    return first.strip()


def _trailing_spaces(text: str, words: list[str]) -> int:
    """Spaces inside the last words of ``text`` that jieba dropped ("GLS SUV")."""
    joined = "".join(words)
    tail = text[-(len(joined) + 8):]
    compact = re.sub(r"\s", "", tail)
    return (len(tail) - len(compact)) if compact.endswith(joined) else 0


def _lead_verb_dropped(first: str, second: str) -> str:
    """"建立提名回避机制" beside "独立董事资格认定制度": the verb that introduces the list is not in its first item."""
    from rag.jieba import tag

    tagged = tag(first)
    if len(tagged) > 1 and tagged[0][1].startswith("v") and not tag(second)[0][1].startswith("v") \
            and len(first) - len(tagged[0][0]) >= 2:
        return first[len(tagged[0][0]):]
    return first


def _cut_last(last: str, before: str, others: list[str] = ()) -> str:
    """The last item without the words after the list: after the ending every other item shares
    ("…有限公司共同持股" -> …有限公司), else as many words as the item before it."""
    last = _LIST_END.sub("", last)
    shared = os.path.commonprefix([o[::-1] for o in others])[::-1] if others else ""
    shortest = 1 if len(others) > 1 else 2
    for size in range(len(shared), shortest - 1, -1):
        ending = shared[-size:]
        if ending in last[:-1]:
            if not last.endswith(ending):
                return last[:last.rindex(ending) + len(ending)].strip()
            break
    words, size = _words(last), len(_words(before))
    if len(words) > size + 1:
        kept = "".join(words[:size])
        # Keep the spaces of the original ("GLS SUV汽车" -> "GLS SUV").
        at, taken = 0, 0
        while at < len(last) and taken < len(kept):
            if not last[at].isspace():
                taken += 1
            at += 1
        last = last[:at]
    return last.strip()


def enumeration(sentence: str, question: str, gap: tuple[int, int] | None = None) -> str | None:
    """The list in ``sentence`` that answers a "哪些/哪几项" question, items joined by 、; None when the
    sentence writes no list of at least two items that the question does not itself give."""
    runs = []
    for match in _RUN.finditer(sentence):
        pieces = match.group().split("、")
        last = _LAST_JOIN.split(pieces[-1])
        if len(last) == 2 and all(last):
            pieces = pieces[:-1] + last
        items = [p.strip() for p in pieces]
        for i, item in enumerate(items):
            if "等" in item[1:] and i > 0:
                items = items[:i] + [item[:item.index("等", 1)]]  # "红豆集团等民营企业和…": the list ends at 等
                break
        if len(items) < 2:
            continue
        items[0] = _lead_verb_dropped(_cut_first(items[0], items[1]), items[1])
        items[-1] = _cut_last(items[-1], items[-2], items[:-1])
        items = [i for i in items if i]
        if len(items) < 2 or any(len(i) > 24 for i in items) or sum(bool(re.search(r"\d", i)) for i in items) > len(items) // 2:
            continue
        if all(i in question for i in items):
            continue  # the question's own list ("A、B、C里哪些…") is not its answer
        start = sentence.find(items[0], match.start())
        end = sentence.find(items[-1], start) + len(items[-1])
        if start < 0 or end <= start:
            continue
        runs.append((start, end, sentence[start:end], len(items)))  # as written: 开水、绿豆水及食盐饮料
    if not runs:
        return None
    # The list of the things asked: one the sentence follows with the question's noun ("奇瑞、星途等各品牌"
    # for 哪些品牌), else one it introduces (包括：), and one whose items the question does not already say.
    # Only a list the question says it wants: as many items as it counts ("那6项…哪几项", "哪两家"), or
    # one the sentence follows with the question's noun ("奇瑞、星途等各品牌" for 哪些品牌). Any other list
    # may be beside the point; the usual answer stands.
    counted = re.search(r"哪([两二三四五六七八九十])|[那这]?([两二三四五六七八九十\d]+)(?:个|项|家|类|种|条|款|大)", question)
    number = None
    if counted:
        digits = counted.group(1) or counted.group(2)
        number = int(digits) if digits.isdigit() else "一两二三四五六七八九十".find(digits) or None
        number = 2 if digits == "两" else number
    noun = re.search(r"(?:哪些|哪几[项个家类种条款]?|哪[两二三四五六七八九][项个家类种条款]?)([\u4e00-\u9fff]{2})", question)
    chosen = [r for r in runs if number and r[3] == number]
    if not chosen and noun:
        chosen = [r for r in runs if re.match(rf"\s*(?:等各?)?{noun.group(1)}", sentence[r[1]:r[1] + 8])]
    if not chosen:
        return None
    least = min(sum(item in question for item in re.split(r"、|以及|和|及|与", r[2])) for r in chosen)
    chosen = [r for r in chosen if sum(item in question for item in re.split(r"、|以及|和|及|与", r[2])) == least]
    if gap is not None:
        return min(chosen, key=lambda r: 0 if r[0] <= gap[0] < r[1] else min(abs(r[0] - gap[1]), abs(r[1] - gap[0])))[2]
    return max(chosen, key=lambda r: r[1] - r[0])[2]

"""News furniture inside a sentence: bylines, source credits, datelines and lead-ins.

News exports glue their furniture to the article's first sentence ("原标题：…",
"某某财经APP获悉，", "某某网北京8月9日电（记者 张三）", "某报 李四 8月14日，",
"08-07 17:49，正文：") or leave it between sentences ("图片来源：某机构",
"王五 摄"). It is not the answer to any question about the article, yet a
name, an organisation or a date in it sits at the very start of the sentence
that holds the question's words, where the answerer looks first.

Cleaning keeps it (it shares a line with the article's text, and what it
credits is sometimes quoted by the reader); the answerer masks it instead:
``mask_furniture`` returns the sentence with the furniture's characters
replaced by commas, so that every offset still points at the same character
and no span chosen from the masked sentence can reach into the furniture.
The title after "原标题：" is article text and stays; only its label goes.
"""

from __future__ import annotations

import re

_HAN = "\u4e00-\u9fff"
_NAME = rf"[{_HAN}·]{{2,4}}"  # a byline's person name (a foreign one keeps its ·)
_START = r"(?:(?<=^)|(?<=[。！？!?；;，,：:\s\n]))"  # the furniture opens a sentence or clause
_DATE = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日"

_PATTERNS = [
    # "原标题：" / "标题：" / "正文：" / "摘要：": labels of the export, not of the article.
    re.compile(r"(?:原标题|标题|正文|摘要|导语|核心提示)[:：]"),
    # "智通财经APP获悉，", "记者7月12日从某协会获悉，": who heard it, not what; "据悉，", "据了解，".
    re.compile(rf"{_START}[^，,。！？!?；;\n]{{0,30}}?获悉[，,：:]"),
    re.compile(r"据(?:悉|了解)[，,]"),
    # "某某网太原8月9日电", "某某网2023年8月8日讯", "某网7月12日报道，": the dateline.
    # The outlet's name ends in 网, 社, 报, … and may run on from a title with no mark between.
    # The reporters' names may follow in brackets with no role word: "某网广州8月15日电 (郭军 朱海翔)".
    re.compile(rf"[{_HAN}A-Za-z]{{1,4}}(?:网|社|报|台|新闻|财经)[{_HAN}]{{0,4}}{_DATE}(?:电|讯|报道[，,]?|消息[，,]?)"
               rf"(?:\s*[（(](?!\s*(?:本报|本台|本网)?(?:记者|通讯员|实习生|编辑|作者|撰文|文))\s*{_NAME}(?:\s*[\s、/／]\s*{_NAME})*\s*[）)])?"),
    # "（记者 张三）", "(记者 张三 通讯员 李四)": the reporters in brackets.
    re.compile(r"[（(]\s*(?:本报|本台|本网)?(?:记者|通讯员|实习生|编辑|作者|撰文|文)[^（()）]{0,30}[）)]"),
    # "每经编辑：黄胜", "记者 张三", "责任编辑：李四": a role, then a name (two characters when
    # the name runs on into the text, as "编辑：黄胜浙江…" does; three or four where a space or a
    # mark ends it).
    re.compile(rf"(?:(?:本报|本台|本网)?(?:首席)?记者|通讯员|实习生|编辑|撰稿|作者|撰文|摄影|校对)"
               rf"(?:[:：]\s*|\s+)(?:{_NAME}(?=[\s，,。；;）)]|$)|[{_HAN}]{{2}})"),
    # "乐居财经 王敏 8月14日，": an outlet and a reporter set apart by spaces before the date.
    re.compile(rf"(?:^|(?<=[。！？\n]))\s*[{_HAN}A-Za-z]{{2,8}}\s+{_NAME}\s+(?={_DATE})"),
    # "08-07 17:49", "2023-08-14 10:23:05": the publication stamp.
    re.compile(r"(?:\d{4}[-/.])?\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?"),
    # "图片来源：某机构", "来源：某网", "资料图：", "视觉中国 资料图": credits for the page, not facts.
    re.compile(rf"(?:图片|图|信息|文章|资料)?来源[:：]\s*[{_HAN}A-Za-z·]{{1,10}}"),
    # A photo's caption before its credit ("某公司总部大楼 视觉中国 资料图") goes with it.
    re.compile(rf"(?:(?:^|(?<=[。！？\n]))[^，,。！？!?；;\n\s]{{1,20}}\s+)?(?:[{_HAN}]{{2,6}}\s+)?资料图[:：]?"),
    # "王海滨 摄", "（张三/摄）": the photographer.
    re.compile(rf"{_START}{_NAME}\s*[/／]?\s*摄(?=[\s{_HAN}，,。）)]|$)"),
]
# The lead-in that attributes a sentence ("根据某数据库，", "据某报道，"): the sentence's
# content follows it. Only when it opens the sentence and is short.
_ATTRIBUTION = re.compile(rf"(?:^|(?<=[。！？!?；;\n]))\s*(?:根据|据)[^，,。！？!?；;\n]{{1,24}}?[，,]")


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) character ranges of ``text`` that are news furniture, merged, in order."""
    spans = sorted((m.start(), m.end()) for pattern in (*_PATTERNS, _ATTRIBUTION) for m in pattern.finditer(text)
                   if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


MASK = "，"


def mask_furniture(text: str) -> str:
    """``text`` with its furniture's characters replaced by ``MASK`` (same length, same offsets)."""
    spans = furniture_spans(text)
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(MASK * (end - start))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)

"""The years a passage speaks of when it names none: the period its article set out before.

Chinese financial news states a reporting period once ("2020年至2022年，公司营收分别为…",
"于2020年度、2021年度及2022年度") and then gives later series without years:
"报告期各期，公司主营业务毛利率分别为35.87%、29.31%和23.53%". The figures of such a
series are the period's years in order, and a passage that names no year of its own
continues its article's account. Without this, a question about 2022 finds no passage
that names 2022 beside the figure, and is refused.
"""

from __future__ import annotations

import re
from typing import Sequence, TypeVar

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年")
# "2020年至2022年", "2020-2022年", "2020年~2022年"
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?度?\s*(?:至|到|-|－|~|～|—)\s*((?:19|20)\d{2})\s*年")
# "2020年、2021年及2022年", "2020年度、2021年度和2022年度", "2020、2021和2022年"
_LIST = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年度?)?((?:\s*(?:、|和|及|与|以及)\s*(?:19|20)\d{2}\s*(?:年度?)?)+)")
_LIST_ITEM = re.compile(r"(?:19|20)\d{2}")
# The longest run a period covers: a 20-year range is a history, not a reporting period.
_MAX_YEARS = 6
_RESPECTIVELY = "分别"
_CLAUSE_END = re.compile(r"[，。；;！？!?]|,(?!\d)")  # not the comma of 4,399.96
# A phrase that only says when (上半年, 2023年1-6月, 今年以来): it dates a clause, it names no subject.
PERIOD_ONLY = re.compile(r"(?:(?:19|20)\d{2}年|今年|去年|上半年|下半年|全年|前?[一二三四1-4]季度|第[一二三四]季度"
                         r"|[0-9一二三四五六七八九十]+(?:[-—至到~～][0-9一二三四五六七八九十]+)?月份?|以来|截至|同期|前)+")

F = TypeVar("F")


def names_a_year(text: str) -> bool:
    """Whether ``text`` names a year (2022年)."""
    return _YEAR.search(text) is not None


def listed_years(text: str) -> set[str]:
    """The years of every range or list of years in ``text`` (the periods it sets out)."""
    years: set[str] = set()
    for match in _RANGE.finditer(text):
        low, high = int(match.group(1)), int(match.group(2))
        if 0 < high - low < _MAX_YEARS:
            years.update(str(y) for y in range(low, high + 1))
    for match in _LIST.finditer(text):
        found = (match.group(1),) + tuple(_LIST_ITEM.findall(match.group(2)))
        if 1 < len(found) <= _MAX_YEARS:
            years.update(found)
    return years


def period_years(text: str) -> tuple[str, ...]:
    """The years of the last range or list of years ``text`` gives, in order (() when none).

    The last one: a later series continues the period set out most recently.
    """
    found: list[tuple[int, tuple[str, ...]]] = []
    for match in _RANGE.finditer(text):
        low, high = int(match.group(1)), int(match.group(2))
        if 0 < high - low < _MAX_YEARS:
            found.append((match.start(), tuple(str(y) for y in range(low, high + 1))))
    for match in _LIST.finditer(text):
        years = (match.group(1),) + tuple(_LIST_ITEM.findall(match.group(2)))
        if 1 < len(years) <= _MAX_YEARS and len(set(years)) == len(years):
            found.append((match.start(), years))
    return max(found)[1] if found else ()


def respective_year_figure(figures: Sequence[F], starts: Sequence[int], sentence: str, asked_years: Sequence[str],
                           lead_in: str) -> F | None:
    """Of a series written "分别" with no year in its sentence, the figure in the asked year's place.

    ``figures`` and their ``starts`` in ``sentence``; ``lead_in``: the article's text before
    the sentence. The series must have exactly as many figures, in the clause after 分别,
    as the period last set out in ``lead_in`` has years, and the question must ask one of them.
    """
    if len(asked_years) != 1 or names_a_year(sentence):
        return None
    at = sentence.find(_RESPECTIVELY)
    if at < 0:
        return None
    end = _CLAUSE_END.search(sentence, at)
    stop = end.start() if end else len(sentence)
    series = [f for f, start in zip(figures, starts) if at < start < stop]
    years = period_years(lead_in)
    if len(series) < 2 or len(series) != len(years) or asked_years[0] not in years:
        return None
    return series[years.index(asked_years[0])]

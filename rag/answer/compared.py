"""How a comparison's short answer reads: the winner, then the figures it was chosen on.

"东北亚博览会（1006家，多于约300家）", "专业技术人员（4498名，多于952名、145名）": the short answer
names only the winner (a question's ``winner`` check allows no other name), and the figures show a
reader why it won. Used by the three comparison paths: named choices (extractive.py), listed items
(listed.py) and an article's ranked items (unnamed.py).
"""

from __future__ import annotations

import re

from rag.answer.spans import Figure

# "谁卖得多，大概多出多少辆": a comparison of two that also asks by how much; the short answer adds the
# difference, in the winner's magnitude (万, 亿) and unit, rounded to two significant digits where the
# question asks roughly (大概, 约). Off: the figures alone.
DIFFERENCES = True
_ASKS_DIFFERENCE = re.compile(r"(?:多出|高出|超出|超过|多|少|高|低|差|相差|大)了?(?:多少|几)|差距|差额|差值")
_ROUGHLY = re.compile(r"大概|大约|约|左右|差不多|大致|上下")


def difference(question: str, winner: Figure, other: Figure) -> str | None:
    """"多出约30万辆": how far ``winner`` is from ``other``, where ``question`` asks; None where it does not,
    or the figures are not of one kind and unit."""
    if not DIFFERENCES or not _ASKS_DIFFERENCE.search(question) or winner.value is None or other.value is None:
        return None
    if winner.kind != other.kind or winner.unit != other.unit or winner.kind not in ("count", "money", "percent"):
        return None
    gap = abs(winner.value - other.value)
    word, factor = next(((w, f) for w, f in (("亿", 1e8), ("万", 1e4)) if w in winner.surface and winner.kind != "percent"),
                        ("", 1.0))
    gap /= factor
    roughly = _ROUGHLY.search(question) is not None
    if roughly and gap >= 10:
        digits = len(str(int(gap))) - 2
        gap = round(gap, -digits)
    elif roughly:
        gap = float(f"{gap:.2g}")
    number = f"{gap:.4f}".rstrip("0").rstrip(".") or "0"
    unit = "个百分点" if winner.kind == "percent" else f"{word}{winner.unit}"
    more = winner.value > other.value
    word = ("多" if more else "少") if winner.kind == "count" else ("高" if more else "低")
    return f"{word}{'约' if roughly else ''}{number}{unit}"


def with_figures(winner: str, figure: Figure, others: list[str], largest: bool, gap: str | None = None) -> str:
    """``winner`` with its ``figure`` and the ``others``' figures (surfaces) it beat; ``largest``: the
    comparison asked for the larger (later) one. The winner alone when there are no others."""
    if not others:
        return winner
    if figure.kind == "date":
        than = "晚于" if largest else "早于"
    elif figure.kind == "count":
        than = "多于" if largest else "少于"
    else:
        than = "高于" if largest else "低于"
    gap = f"，{gap}" if gap else ""
    return f"{winner}（{figure.surface}，{than}{'、'.join(dict.fromkeys(others))}{gap}）"

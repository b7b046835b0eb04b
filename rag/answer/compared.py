"""How a comparison's short answer reads: the winner, then the figures it was chosen on.

"东北亚博览会（1006家，多于约300家）", "专业技术人员（4498名，多于952名、145名）": the short answer
names only the winner (a question's ``winner`` check allows no other name), and the figures show a
reader why it won. Used by the three comparison paths: named choices (extractive.py), listed items
(listed.py) and an article's ranked items (unnamed.py).
"""

from __future__ import annotations

from rag.answer.spans import Figure


def with_figures(winner: str, figure: Figure, others: list[str], largest: bool) -> str:
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
    return f"{winner}（{figure.surface}，{than}{'、'.join(dict.fromkeys(others))}）"

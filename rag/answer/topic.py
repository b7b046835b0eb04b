"""The kind of fund a money question names, which its answer's sentence must name too.

"在曲麻莱县投入了多少教育扶贫资金" asks about education money. A sentence that
gives a sum spent in 曲麻莱县 on grassland is no answer, however well it covers
the question's other words; the articles may simply not give the education
figure for that county (a near miss to refuse, not to answer with another sum).
"""

from __future__ import annotations

from rag.answer.question import Question

_FUND_WORDS = {"资金", "经费", "基金", "款项", "善款", "款", "投资", "投入"}
_BETWEEN = {"扶贫", "帮扶", "援助", "专项", "支持"}  # 教育(扶贫)资金: the topic comes before these
_TOPIC_TAGS = ("n", "vn", "nz")
# Words before 资金 that say how the money is given or counted, not what it is for.
_NOT_TOPICS = {"帮扶", "扶贫", "累计", "各类", "相关", "配套", "财政", "社会", "专项", "项目", "总", "全部", "援助"}


def fund_topic(question: Question) -> str | None:
    """教育 in "教育扶贫资金", 产业 in "产业帮扶资金"; None when the question names no kind of fund."""
    if question.language != "zh":
        return None
    from rag import jieba

    tagged = jieba.tag(question.text)
    for i, (word, _) in enumerate(tagged):
        if word not in _FUND_WORDS:
            continue
        j = i - 1
        while j >= 0 and tagged[j][0] in _BETWEEN:
            j -= 1
        if j >= 0 and j < i - 1 or (j >= 0 and word not in ("投资", "投入")):
            topic, tag = tagged[j]
            if tag in _TOPIC_TAGS and len(topic) >= 2 and topic not in _NOT_TOPICS:
                return topic
    return None


def misses_topic(question: Question, sentence: str) -> bool:
    """The question names a kind of fund (教育扶贫资金) that ``sentence`` does not mention."""
    topic = fund_topic(question)
    return bool(topic) and topic not in sentence

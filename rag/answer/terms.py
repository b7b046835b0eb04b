"""The question's terms: which of its words a passage must hold, in which renderings, and how much of them it holds.

A passage answers only if it covers the question's content words (weighted by idf), a word or one of its
synonyms (赛事/比赛, 增速/增长率), with the user's own talk (那个, 一共, 叫什么名字) and the kind of answer asked
(哪个机构) left out. These readers turn a question into term groups and measure a text's coverage of them;
extractive.py decides which passage is good enough. Kept apart so the coverage rules can be read and
tested alone. Each rule's switch (UPPER_CASE) sits beside the code that reads it: tests turn it off on this module.
"""

from __future__ import annotations


# Words after a question word that name the kind of answer (哪个机构), not what surrounds it.
_ANSWER_TYPE_WORDS = {"机构", "企业", "公司", "集团", "单位", "组织", "部门", "央企", "商会", "协会", "基金会", "银行", "县", "市", "省", "村", "镇", "乡",
                      "地方", "地区", "人", "名字", "位"}
# How a user phrases a question, not what the answer's sentence says: filler (那个, 一共)
# and the words that name what is asked (叫什么名字, 多少钱, 第几, 哪个乡).
_FORM_WORDS = {"那个", "这个", "那", "这", "一共", "总共", "大概", "大约", "到底", "究竟", "具体", "啊", "呢", "吧", "呀",
               "请问", "知道", "告诉"}
_ASKED_WORDS = {
    "person": {"叫", "名字", "姓名", "叫做", "人"},
    "money": {"钱", "花", "花了", "掏", "砸", "出", "拿", "拿出"},
    "rank": {"第几", "名次", "几名", "第几名", "第几位"},
    "date": {"时候", "时间", "日期", "哪天", "哪一天", "几号", "几月"},
    "place": {"地方", "哪儿"},
    "duration": {"多久", "多长", "时间", "多长时间"},
}


def _content_words(text: str) -> list[str]:
    """The question's words that a sentence can be matched on: words of two or more characters
    (single characters such as 向 or 在 occur everywhere), else its single Chinese characters."""
    from rag.lexical import tokenize

    tokens = list(dict.fromkeys(tokenize(text)))
    words = [t for t in tokens if len(t) > 1]
    return words or [t for t in tokens if "\u4e00" <= t <= "\u9fff" and t not in "的了是在和与有向对给把被"]

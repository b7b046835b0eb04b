"""Phrases and clauses an answer is read as: the clause around the gap, a labelled value, a purpose, a cause,
a manner, a means, a quoted name.

A what/why/how question is answered by a piece of prose, not a name or a figure: the clause around where the
question's gap falls, what follows 用于 (purpose), 因为/由于 (cause), the question's predicate (manner), 通过/以
(means), or the quotation the passage calls the asked 理念/主题. These readers take a sentence and the question's
text and return the phrase (or None); extractive.py decides which sentence and which reader apply.
MIN_NEW, read here, lives here. The switches LABEL_VALUE, PURPOSES, ANCHOR_AT_CLAUSE_END and QUOTED_NAMES say
whether extractive.py calls a reader at all, and stay there.
"""

from __future__ import annotations

import re

from rag.answer.spans import tidy, whole_span, words_of
from rag.answer.terms import _ANSWER_TYPE_WORDS, _content_words, _FORM_WORDS


_CLAUSE_BREAK = "，,；;：:。！？!?\n"
_MAX_PHRASE_CHARS = 60


# A gap whose words are at least this share the question's own (the question's words
# and nothing new) does not hold the answer. Chosen on the tune part of CRUD dev
# among 0.2-0.6 (benchmarks/crud_split_cv.py prints its 5-fold cross-validation).
MIN_NEW = 0.4


def _labelled_value(sentence: str, clause: str, question: str) -> str | None:
    """The clause after a colon when the clause before it is a label made of the question's own words."""
    at = sentence.find(clause) if clause else -1
    if at < 0:
        return None
    end = at + len(clause)
    rest = sentence[end:].lstrip()
    if not rest.startswith(("：", ":")) or _new_share(clause, question) >= MIN_NEW:
        return None
    return _clause_around(rest[1:], None) or None


def _clause_around(sentence: str, gap: tuple[int, int] | None, question: str = "") -> str:
    """The clause (between commas, semicolons, colons) around ``gap``; the first clause without a gap.

    When the gap holds nothing the question does not already say ("…制定实施一揽子化债方案"
    for "一揽子化债方案的目的是什么"), the answer is in a neighbouring clause, so both
    neighbours join the clause.
    """
    start, end = gap or (0, 0)
    clause_start = max(sentence.rfind(c, 0, start) for c in _CLAUSE_BREAK) + 1
    ends = [i for i in (sentence.find(c, max(end, start + 1) if gap else 0) for c in _CLAUSE_BREAK) if i >= 0]
    clause_end = min(ends) if ends else len(sentence)
    if gap:  # the gap's ends are found by characters: whole words and whole 《…》/“…” (spans.whole_span)
        start, end = whole_span(sentence, start, end)
        clause_start, clause_end = whole_span(sentence, min(clause_start, start), max(clause_end, end), keep=(start, end))
    clause = tidy(sentence[clause_start:clause_end])
    if len(clause) > _MAX_PHRASE_CHARS and gap:
        # A gap that runs over clauses ends at the question's next word: the answer is in its last clause.
        last_break = max(sentence.rfind(c, start, end) for c in _CLAUSE_BREAK)
        if last_break >= 0 and tidy(sentence[last_break + 1:end]):
            start = whole_span(sentence, last_break + 1, end)[0]
        clause = _words_within(tidy(sentence[start:end]), _MAX_PHRASE_CHARS)
    elif gap and question and _new_share(tidy(sentence[start:end]), question) < MIN_NEW:
        before = max(sentence.rfind(c, 0, max(clause_start - 1, 0)) for c in _CLAUSE_BREAK) + 1 if clause_start > 0 else 0
        after_ends = [i for i in (sentence.find(c, clause_end + 1) for c in _CLAUSE_BREAK) if i >= 0]
        wider = tidy(sentence[slice(*whole_span(sentence, before, min(after_ends) if after_ends else len(sentence),
                                                keep=(start, end)))])
        if wider and len(wider) <= 2 * _MAX_PHRASE_CHARS:
            clause = wider
    return clause


_ASKS_PURPOSE = re.compile(r"干嘛|干啥|干什么|做什么用|派什么用场|用来(?:做|干)?(?:什么|啥)|用[于在作](?:什么|哪些|哪里|何处|啥|何)|"
                           r"用途|拿去|作何用|(?:打算|准备|计划|要)用(?:在|于|来)?(?:什么|哪|啥)")
_PURPOSE_VERB = re.compile(r"(?:用于|用来|用作|用在)(?!途)|用途(?:主要)?(?:为|是|包括)")


def _purpose_phrase(sentence: str) -> str | None:
    """What the first purpose verb of ``sentence`` introduces, up to the clause's end (a 、 list kept whole)."""
    match = _PURPOSE_VERB.search(sentence)
    if match is None:
        return None
    ends = [i for i in (sentence.find(c, match.end()) for c in "，,；;。！？!?\n") if i >= 0]
    phrase = tidy(sentence[match.end():min(ends) if ends else len(sentence)])
    return _words_within(phrase, _MAX_PHRASE_CHARS) if len(phrase) >= 2 else None


# A question that asks for a cause, and the words that open a cause in Chinese prose:
# 因/因为/由于/鉴于 + cause, 得益于/源于 + cause, 原因是 + cause, 受 + cause + 影响.
_ASKS_CAUSE = re.compile(r"为什么|为何|因何|什么原因|原因是什么|何故|因为什么|缘何")
_CAUSE_OPENS = re.compile(r"因为|由于|鉴于|得益于|受益于|源于|归因于|原因(?:是|在于|为|主要是)|因(?![此而素子地为果])"
                          rf"|受(?=[^{_CLAUSE_BREAK}]{{1,20}}影响)")


def _cause_clause(sentence: str, gap: tuple[int, int] | None) -> str | None:
    """The clause of ``sentence`` that a cause word opens, from that word to the clause's end;
    of several, the one nearest the question's gap. None when no word opens a cause.

    A cause is written after its opening word up to the next clause mark ("因涉嫌信息披露违法违规，
    证监会决定对其立案"), whatever the sentence says around it; the opening word must start a
    word (因 of 原因 or 基因 opens nothing).
    """
    boundaries, at = {0}, 0
    for word in words_of(sentence):
        at += len(word)
        boundaries.add(at)
    found = []
    for match in _CAUSE_OPENS.finditer(sentence):
        if match.start() not in boundaries:
            continue
        ends = [i for i in (sentence.find(c, match.end()) for c in _CLAUSE_BREAK) if i >= 0]
        end = min(ends) if ends else len(sentence)
        start = match.end() if match.group().startswith("原因") else match.start()
        cause = tidy(sentence[start:end])
        if len(cause) >= 3:
            found.append((match.start(), _words_within(cause, _MAX_PHRASE_CHARS)))
    if not found:
        return None
    centre = (gap[0] + gap[1]) / 2 if gap else 0
    return min(found, key=lambda f: abs(f[0] - centre))[1]


# A question about manner or content ("将如何回应…期望", "对…有何批驳"): its question word stands before
# the predicate it asks about.
# "一个怎样的生态圈" asks what kind of thing (its modifier, before the noun), not how: 怎样的 is no manner.
_ASKS_MANNER = re.compile(r"如何(?!的)|怎样(?!的)|怎么(?!样)|有何|作何")


# How long a manner answer may run: it often lists several steps, clause after clause.
_MAX_MANNER_CHARS = 80


def _after_anchor(sentence: str, question: str) -> str | None:
    """For a manner or content question, what the sentence says right after the question's predicate,
    when the predicate ends its clause.

    News prose writes what was done or said after the act it explains: "发表声明予以批驳，称…“…”",
    "他们将不负…的期望，坚持…，融入…，为…贡献力量". The question's last word (its predicate's head:
    批驳, 期望) ending a clause in the sentence, the clauses after it are the answer: one clause
    for what was said, up to the sentence's end (at most _MAX_MANNER_CHARS) for how.
    None when the question asks no manner, or its last word is not at a clause's end.
    """
    asked = _ASKS_MANNER.search(question)
    if asked is None:
        return None
    plain = set(_FORM_WORDS) | _ANSWER_TYPE_WORDS
    right = [w for w in _content_words(question[asked.end():]) if len(w) > 1 and w not in plain]
    if not right:
        return None
    last = right[-1]
    for match in re.finditer(re.escape(last), sentence):
        end = match.end()
        if end < len(sentence) and sentence[end] in "，,；;：:":
            rest = sentence[end + 1:]
            if asked.group() in ("如何", "怎样", "怎么"):
                cut = re.search(r"[。！？!?；;]", rest)
                answer = _words_within(tidy(rest[:cut.start()] if cut else rest), _MAX_MANNER_CHARS)
            else:
                cut = re.search(rf"[{_CLAUSE_BREAK}]", rest)
                answer = tidy(rest[:cut.start()] if cut else rest)
            if answer and _new_share(answer, question) >= MIN_NEW:
                return answer
    return None


# A question about the means of an act, and the prepositions that introduce a means in Chinese
# prose (通过X来V, 用X为…V, 以X…V, 借助X…).
_ASKS_MEANS = re.compile(r"(?:什么|何种|哪些|哪种)(?:方式|方法|手段|途径|办法)|(?:方式|方法|手段|途径|办法)(?:是|有)(?:什么|哪些)")
_MEANS_OPENS = re.compile(r"通过|借助|依靠|依托|利用|凭借|采取|采用|运用|用|以")


def _means_phrase(sentence: str, question: str) -> str | None:
    """The words between a means preposition and the question's own words after it, in one clause
    ("…用富含科技力的产品为消费者健康生活赋能" for "…为消费者健康生活赋能的方式是什么")."""
    words = [w for w in _content_words(question) if len(w) > 1 and w not in _FORM_WORDS
             and w not in ("方式", "方法", "手段", "途径", "办法")]
    if not words:
        return None
    from rag import jieba

    starts, glued, at = {0}, set(), 0
    for word, tag in jieba.tag(sentence):
        if len(word) > 1 and not tag.startswith(("c", "p", "d", "v", "f", "u", "r")):
            glued.add(at + len(word) - 1)  # jieba glues a lone 用 to a name before it (倍健用)
        at += len(word)
        starts.add(at)
    for match in _MEANS_OPENS.finditer(sentence):
        if match.start() not in starts and not (len(match.group()) == 1 and match.start() in glued):
            continue
        if match.end() not in starts:
            continue
        cut = re.search(rf"[{_CLAUSE_BREAK}]", sentence[match.end():])
        clause = sentence[match.end():match.end() + cut.start() if cut else len(sentence)]
        # A question word after 的 is the head noun of the means ("富含科技力的产品"), not what follows it.
        ends = [clause.find(w) for w in words if clause.find(w) > 0 and clause[clause.find(w) - 1] != "的"]
        if not ends:
            continue
        means = clause[:min(ends)]
        named = re.search(r"(?:等|的)?(?:方式|方法|手段|途径|办法)", means)  # "以X等方式扎实开展": X
        means = tidy(re.sub(r"(?:来|去|为|对|向|给)$", "", means[:named.start()] if named else means))
        if 2 <= len(means) <= 30 and _new_share(means, question) >= MIN_NEW:
            return means
    return None


def _words_within(text: str, limit: int) -> str:
    """The longest run of ``text``'s first words that fits in ``limit`` characters (a cut never splits a word)."""
    if len(text) <= limit:
        return text
    kept = ""
    for word in words_of(text):
        if len(kept) + len(word) > limit:
            break
        kept += word
    return kept or text[:limit]


def _new_share(text: str, question: str) -> float:
    """The share of ``text``'s Chinese characters that the question does not use."""
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return sum(c not in question for c in chars) / len(chars) if chars else 0.0


_NAMED_NOUN_ASK = re.compile(r"(?:什么|啥|哪些?个?)(?:样的?)?(理念|主题|口号|宗旨|精神|愿景|使命|标语|定位|名号|称号|平台|品牌|活动)")
_QUOTE_REACH = 60


def _quoted_as(text: str, start: int, end: int, noun: str) -> str | None:
    """The quotation next to ``noun`` (“…”的理念, 理念是“…”) that overlaps ``text[start:end]`` or ends within a
    few characters after it."""
    window_start, window_end = max(0, start - _QUOTE_REACH), min(len(text), end + _QUOTE_REACH)
    # (“慧采商城”等电商扶贫平台: a few words may say what kind of 平台 it is.)
    for m in re.finditer(rf"“([^“”]{{2,40}})”(?:的|这一|这个|等)?[\u4e00-\u9fff]{{0,6}}?{noun}"
                         rf"|{noun}(?:是|为|：|:)?“([^“”]{{2,40}})”", text):
        if m.start() < end and m.end() > start or (window_start <= m.start() and m.end() <= window_end and m.start() >= start):
            return (m.group(1) or m.group(2)).strip()
    return None

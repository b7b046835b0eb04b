"""Organisation names in a sentence: what reads as a company's, a body's or an association's name.

The answerer asks "is this an organisation's name?" of a speaker, a clause subject or an office holder
("实际控制人为常州市国资委") before it answers a 哪家/哪个机构/谁 question with it, and "is this the organisation
the question asks about?" before it lets one answer. These readers look only at the text and the question
(the entity table, jieba's tags, the endings names take: registered names, bodies, units, subsidiaries, the
clause's subject); which name answers is decided in extractive.py, so they live apart from it and from the
people readers (people.py) that use them.
The switches of the rules read here (WHOLE_BODY_NAMES, GENERIC_ORGANISATIONS) sit beside their code: tests
turn them off on this module. ASKED_BODIES and REGISTERED_NAMES say whether extractive.py calls a reader at
all, and stay there.
"""

from __future__ import annotations

import functools
import re

from rag.answer.question import Question
from rag.answer.spans import find_figures
from rag.entities import Mention, aliases_of, find_organisations
from rag.facts import find_places


def _reads_as_organisation(name: str, sentence: str = "") -> bool:
    """A table organisation, a name with an organisation's ending, one the sentence writes right after
    the kind of body it is (新能源公司星河动力), or one jieba tags a name (nt, nz, nr, ns, eng)."""
    from rag import jieba

    if re.search(rf"(?:公司|企业|集团|机构|单位){re.escape(name)}", sentence) or find_organisations(name) or _ORGANISATION_NAME.search(name) or _ORGANISATION_END_WORD.search(name):
        return True
    return any(tag in ("nt", "nz", "nr", "nrt", "ns", "eng", "j") for _, tag in jieba.tag(name))


_ORGANISATION_END_WORD = re.compile(r"(?:科技|电器|电子|医疗|医药|汽车|能源|电力|网络|传媒|影业|文化|智能|生物|材料|实业|投资|证券|保险|"
                                    r"基金|资本|物流|地产|置业|食品|乳业|酒业|药业|股份|控股|煤业|钢铁|航空|通信|半导体|产险|财险|寿险)$")


_ORGANISATION_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,20}(?:公司|集团|企业|银行|总会|商会|协会|学会|基金会|联合会|"
                                r"工商联|研究院|研究所|大学|学院|医院|委员会|政府|办公室|局|厅|(?<![干全内外局])部|中心|煤业|电力|能源|钢铁|控股|股份)"
                                r"(?:[（(][^（()）]{1,20}[）)]|[）)])?")  # a name in brackets after it, or the bracket it opened
# (部 of 干部, 全部, 内部 is no 国家发改委办公厅's 部.)


# Words before an organisation's name that are not part of it (联合湖南君成教育集团 -> 湖南君成教育集团).
_BEFORE_NAME = re.compile(r"^(?:.*?(?:联合|携手|引进|引导|组织|动员|协调|通过|依托|由|和|与|同|跟|向|是|为|在|被|把|将|对|给|其中|此外|同时|并))+")


_LEADING_VERBS = re.compile(r"^(?:联合|携手|引进|引导|组织|动员|协调|通过|依托|由|和|与|同|跟|向|是|为|在|被|把|将|对|给)+")
_GENERIC_SUBJECTS = {"集团公司", "集团", "公司", "企业", "我们", "各单位", "子分公司", "各子分公司", "单位", "县委", "政府", "会上",
                     "商协会", "民营企业", "会员企业", "党组", "集团党组", "挂职干部", "干部", "群众"}
_NOUN_LIKE = ("n", "nz", "nt", "ns", "nr", "j", "vn", "nrt", "eng")


_LEGAL_FORMS = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|股份公司|集团|公司|股份)$")


# A public body's name is its field plus its kind (国家知识产权|局, 商务|部): a question that shares the
# field (国家知识产权优势企业) does not name the body. Off: three shared opening characters name it.
WHOLE_BODY_NAMES = True
_BODY_NAME_END = re.compile(r"(?:局|(?<![内外全总本])部|委|厅|署|(?<![主承协])办|委员会|办公室|协会|学会|中心)$")  # (北汽蓝谷内部 is 北汽蓝谷)


def _is_the_asked(subject: str | None, question: Question) -> bool:
    """An organisation is what the question asks about: the question writes the start of its name after its
    place (山东|朗晖石|油化学股份有限公司 asked as 朗晖石化; 华润饮料 is not what "华润下面哪家企业" names)."""
    if not subject:
        return False
    if subject in question.organisations:
        return True
    core = _LEGAL_FORMS.sub("", subject)
    for place in find_places(core):
        if place.start == 0:
            core = core[place.end:]
            break
    if len(core) < 3 or core[:3] not in question.text:
        return False
    if WHOLE_BODY_NAMES and _BODY_NAME_END.search(core) and core not in question.text:
        return False  # "国家知识产权优势企业…由哪个机构公布" does not name 国家知识产权局: a body is asked by its whole name
    from rag import jieba

    # Only a trade name (朗晖, 泛美: a proper noun to jieba); a name made of common words (个人投资者协会) shares
    # them with the question's description without being what it names.
    tags = jieba.tag(core)
    return bool(tags) and tags[0][1] in ("nr", "nz", "nt", "j", "eng", "nrt", "nrfg", "ng", "x")


def _unit_of_the_asked(name: str, question: Question) -> bool:
    """``name`` is a body of an organisation the question names (国家电网12所帮扶工作组 of 国家电网)."""
    return any(alias in name and alias != name for org in question.organisations for alias in aliases_of(org))


def _clause_subject(sentence: str, question: Question) -> str | None:
    """The leading noun phrase of the clause that holds most of the question's words, when it names something."""
    from rag import jieba

    words = [t for t in question.tokens if len(t) > 1]
    clauses = [(m.start(), m.group()) for m in re.finditer(r"[^，,；;：:。！？!?\n]+", sentence)]
    if not clauses or not words:
        return None
    best = max(range(len(clauses)), key=lambda i: sum(len(w) for w in words if w in clauses[i][1]))
    # A clause that opens with a verb or preposition ("为新化建设20所卫生室") continues the
    # subject of the clause before it ("省海外联谊会捐赠100万元,").
    for _, clause in reversed(clauses[: best + 1]):
        subject = []
        tags = jieba.tag(clause.strip())
        for word, tag in tags:
            if not subject and (tag in ("r", "c", "d", "x") or word in ("其中", "此外", "同时", "另外", "如")):
                continue
            if tag not in _NOUN_LIKE and not (subject and tag == "s"):
                break
            subject.append(word)
        name = "".join(subject)
        if not name:
            continue
        if len(name) < 3 or name in _GENERIC_SUBJECTS or name in question.text or re.search(r"\d", name):
            return None
        if find_places(name) and all(p.surface == name for p in find_places(name)):
            return None  # a place, not an organisation
        return name
    return None


# A body of an organisation named after it: 国家能源集团公益基金会, 中国电科10所脱贫攻坚工作组.
_UNIT_AFTER = re.compile(r"[\u4e00-\u9fff\d ]{0,10}?(?:基金会|研究院|研究所|协会|商会|联谊会|工会部?|医院|学院|工作组|党支部)")


_ASKED_BODY = re.compile(r"哪一?(?:家|个|所|座)?([\u4e00-\u9fff]{0,4}?(?:院|研究所|事务所|银行|学校|大学|中学|小学|工厂|厂|"
                         r"博物馆|图书馆|展览馆|出版社|报社|合作社|基金会|协会|商会|学会|委员会|法院|检察院|医院))")
_BODY_ENDS = {"学校": ("校", "学", "院")}  # a 学校 may be a 大学, 中学 or 学院
_ASKS_ENTERPRISE = re.compile(r"企业|公司|央企|国企|\b(?:enterprises?|compan(?:y|ies)|firms?|business(?:es)?)\b", re.I)
_NOT_NAME_TAGS = ("d", "p", "u", "r", "f", "ad")
# Between an organisation and a body's suffix, these say it acts on that body ("A设立基金会"); other verbs
# are part of a body's name (脱贫攻坚工作组, 乡村振兴办公室).
_FOUNDING = re.compile(r"成立|设立|组建|建立|援建|捐建|捐赠|资助|支持|联合|携手|发起|牵头|与|和|及|并|或|向|给|为")


def _whole_unit(sentence: str, mention: Mention) -> Mention:
    """The mention, or the body named after it when one follows at once ("国家能源集团公益基金会精准救助…"
    names the foundation, not the group): its own name, no longer the group's."""
    from rag import jieba

    match = _UNIT_AFTER.match(sentence, mention.end)
    if match is None:
        return mention
    middle = match.group().strip()
    if _FOUNDING.search(middle) or any(tag.startswith(_NOT_NAME_TAGS) for _, tag in jieba.tag(middle)):
        return mention  # a verb between them: "A组织成立了商会" is A acting
    name = re.sub(r"(?<=\d) +(?=[\u4e00-\u9fff])", "", sentence[mention.start:match.end()])
    return Mention(name, name, mention.start, match.end())


def _subsidiaries(sentence: str, question: Question) -> list[tuple[int, int, str]]:
    """"华润下面哪家企业": names that are the asked organisation's short name plus a word (华润饮料, 华润万家)."""
    from rag import jieba

    found = []
    for organisation in question.organisations:
        for alias in sorted(aliases_of(organisation), key=len):
            for match in re.finditer(re.escape(alias), sentence):
                tagged = jieba.tag(sentence[match.end():match.end() + 10])
                words = [w for w, _ in tagged]
                if words and 2 <= len(words[0]) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", words[0]) \
                        and words[0] not in ("集团", "公司", "股份", "有限"):
                    # The name runs on over the nouns after its first word (华润环保 | 科技 organises…),
                    # up to the verb it does.
                    name = words[0]
                    for word, tag in tagged[1:3]:
                        if tag not in ("n", "nz", "nt", "j") or not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", word) \
                                or len(name) + len(word) > 6:
                            break
                        name += word
                    found.append((match.start(), match.end() + len(name), alias + name))
            if found:
                return found
    return found


def _organisation_names(text: str) -> list[re.Match]:
    """Matches of _ORGANISATION_NAME that name something: "在19家企业", "8家公司" count organisations
    of a kind (a count, then the kind's word), they name none; nor does a kind of organisation written
    with common words only ("归属于母公司", "包括总部企业", "深入企业": see _names_someone)."""
    found = []
    for match in _ORGANISATION_NAME.finditer(text):
        counts = [f for f in find_figures(match.group()) if f.kind in ("count", "number")]
        if counts and len(match.group()) - counts[-1].end <= 2:
            continue
        if GENERIC_ORGANISATIONS and not _names_someone(match.group()):
            continue
        found.append(match)
    return found


# Words for a kind of company that jieba tags as a name (上市公司/nt): no registered name.
_KINDS_OF_COMPANY = {"上市公司", "母公司", "子公司", "总公司", "分公司", "控股公司", "集团公司", "股份公司", "有限公司",
                     "该公司", "本公司", "公司", "企业", "集团", "国有企业", "民营企业", "外资企业", "合资企业"}


def _registered(name: str) -> bool:
    """A company's registered name (…有限公司, …集团), or one whose words before its last are a place, a person
    or a brand (not jieba's abbreviations: 研发/j 中心), and not a kind of company (上市公司)."""
    from rag import jieba

    if name in _KINDS_OF_COMPANY or re.search(r"等(?:企业|公司|单位|机构|集团)$", name):
        return False  # (新冶特钢等企业: a list's tail, no one's name)
    if re.search(r"(?:有限责任公司|股份有限公司|有限公司|集团)$", name):
        return True
    return any(tag in _PROPER_TAGS - {"j"} for _, tag in jieba.tag(name)[:-1])


def _from_proper_word(phrase: str) -> str:
    """``phrase`` from its first word jieba tags a name (管理人为中信建投证券… -> 中信建投证券…); "" when none is."""
    from rag import jieba

    at = 0
    for word, tag in jieba.tag(phrase):
        if tag in _PROPER_TAGS and word not in "（）()":
            return phrase[at:]
        at += len(word)
    return ""


# A kind of company written in common words ("母公司", "总部企业", "推动能源") is no name that could own a
# figure in place of the question's subject; a company's name holds a word jieba tags as a place, person,
# brand or organisation, or one it does not know (中赟), or Latin letters (CBD). Public bodies and
# associations are named in common words and always count. Off: every match is a name.
GENERIC_ORGANISATIONS = True
_PROPER_TAGS = {"ns", "nr", "nrt", "nrfg", "nz", "nt", "j", "x", "eng"}


@functools.lru_cache(maxsize=4096)
def _names_someone(phrase: str) -> bool:
    from rag import jieba

    words = jieba.tag(phrase)
    if any(len(word) >= 2 and _BODY_END.search(word) and word not in _NOT_BODIES for word, _ in words):
        return True  # a public body or an association is named in common words (市场监督管理局, 慈善协会)
    # (某某: a name the article leaves out, 某某科技公司.)
    return bool(re.search(r"[A-Za-z]|某", phrase)) or any(tag in _PROPER_TAGS and word not in "（）()" for word, tag in words)


_BODY_END = re.compile(r"(?:局|厅|部|委员会|委|政府|办公室|协会|商会|学会|总会|基金会|联合会|工商联|大学|学院|医院|研究院|研究所|银行)$")
_NOT_BODIES = {"布局", "格局", "局部", "全部", "内部", "外部", "部分", "干部", "局面", "结局", "大局", "开局", "当局", "总部",
               "西部", "东部", "南部", "北部", "中部", "头部", "底部", "顶部", "腹部", "一部", "本部"}


def _names_organisations(phrase: str) -> bool:
    """``phrase`` is an organisation's name, or a list of them (自然资源部、水利部和中国气象局)."""
    parts = [p for p in re.split(r"[、，,]|和|与|及|以及", phrase) if p]
    return bool(parts) and len(parts) <= 8 and all(_ORGANISATION_NAME.fullmatch(p) for p in parts)

"""Organisation names in a sentence: what reads as a company's, a body's or an association's name.

The answerer asks "is this an organisation's name?" of a speaker, a clause subject or an office holder
("实际控制人为常州市国资委") before it answers a 哪家/哪个机构/谁 question with it. These readers look only
at the text (the entity table, jieba's tags, the endings names take); which name answers is decided in
extractive.py, so they live apart from it and from the people readers (people.py) that use them.
"""

from __future__ import annotations

import re

from rag.entities import find_organisations


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
                                r"工商联|研究院|研究所|大学|学院|医院|委员会|政府|办公室|局|厅|部|中心|煤业|电力|能源|钢铁|控股|股份)"
                                r"(?:[（(][^（()）]{1,20}[）)]|[）)])?")  # a name in brackets after it, or the bracket it opened


# Words before an organisation's name that are not part of it (联合湖南君成教育集团 -> 湖南君成教育集团).
_BEFORE_NAME = re.compile(r"^(?:.*?(?:联合|携手|引进|引导|组织|动员|协调|通过|依托|由|和|与|同|跟|向|是|为|在|被|把|将|对|给|其中|此外|同时|并))+")

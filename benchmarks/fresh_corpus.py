"""Write the corpus of the fresh question sets (eval/gold/fresh-dev.jsonl, fresh-test.jsonl).

The seed articles are too few to keep dev and test facts apart: most seeds-test questions
ask about a fact that some dev question also asks about. The fresh sets ask about 24 other
articles, taken from the CRUD benchmark's full archive (CRUD-RAG, ../shared/benchmarks/crud/
docs.jsonl.gz) but outside its docs-5k subset and outside every CRUD dev question's sources,
so no earlier tuning has seen them. Twelve carry the dev questions, twelve the test questions;
both sets are answered over all 24, so each article has 23 distractors.

The questions were written by helper sessions that were given only their twelve articles
and the gold format, never the code. The article text stays in the benchmark's archive; this
script copies the 24 records out of it:

    python benchmarks/fresh_corpus.py [--set fresh|fresh2|fresh3|fresh4|fresh5|fresh6|fresh7|fresh8|fresh9] [--archive ../shared/benchmarks/crud/docs.jsonl.gz] [--out /tmp/fresh.jsonl]
    rag eval --gold eval/gold/fresh-test.jsonl --corpus /tmp/fresh.jsonl --out eval/reports/fresh-test-hybrid
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

DEV_ARTICLES = (
    "crud-59e0e35d1e37c635", "crud-941ef2aeeeb63da7", "crud-4279dae2aee0dec7", "crud-bca46c4ced4a39c6",
    "crud-64a3944f9142fd21", "crud-79a92792937f8d96", "crud-58e564765dc84375", "crud-9475a98975bd1acc",
    "crud-d306cc30e3f301ef", "crud-6b03db6988b81f29", "crud-746673204b38e3d5", "crud-df8d7253709d91fb",
)
TEST_ARTICLES = (
    "crud-f6b630674715c6d9", "crud-0c590efbcff1d1c2", "crud-dc6eff4ab4c426de", "crud-7df4efc8ba3fea65",
    "crud-aac2fc897774d50a", "crud-6147f16af84ef245", "crud-f59d2b29ad6cf38d", "crud-ca2c241f82dea390",
    "crud-7ca686f4432bf99c", "crud-fe95a1d0206ad536", "crud-64550b95dbe2fa28", "crud-44e6cd330b5c2387",
)
# The second blind pair (eval/gold/fresh2-dev.jsonl, fresh2-test.jsonl), written the same way a
# round later, over 24 more articles: business articles of 700-3,000 characters from the archive,
# outside docs-5k, the CRUD dev sources and the first 24, drawn with random.Random(20261123).
# Tuning rounds validate each rule on fresh2-dev; fresh2-test is run only to report.
FRESH2_DEV_ARTICLES = (
    "crud-39cc916b0da5223f", "crud-c87bfdfa896e1a07", "crud-f60ffef13cd191be", "crud-d9307f94c7cba2bb",
    "crud-34c249de1a495333", "crud-8b06fe4a3e90903e", "crud-a88cf188e15322e3", "crud-34d07fc23b6bb55e",
    "crud-603c2bf3b8cb3dd5", "crud-194a7e6120c05a54", "crud-730fc3311a8ac7d9", "crud-1262b907d7121f91",
)
FRESH2_TEST_ARTICLES = (
    "crud-ef04815e083b1166", "crud-0e13d46ed5bf2a7d", "crud-ab6c26cd28efa2c3", "crud-9fe713fccdea6d87",
    "crud-dc8c70be682d4b57", "crud-3594b919735bd5e6", "crud-7b1acce742290d0f", "crud-32590227e950aba8",
    "crud-891252331f164b89", "crud-209842050fd636d5", "crud-1f1a7acd86b5c6eb", "crud-b5a96f07b481ecb1",
)
# The third pair (eval/gold/fresh3-dev.jsonl, fresh3-test.jsonl), a round later again: articles of
# 700-3,000 characters that use at least four of 公司, 企业, 集团, 亿元, 万元, 营收, 营业收入, 净利润,
# 同比, 股份 (2,016 in the archive outside docs-5k, the CRUD dev sources and the first 48), drawn with
# random.Random(20261124).sample over their sorted ids; the first 12 drawn carry the dev questions.
# As in the archive, many are templated market reports (股票行情快报).
FRESH3_DEV_ARTICLES = (
    "crud-d7de60bfc753ca67", "crud-2f4cb2c6cb93f7a7", "crud-b10e912e366c2be2", "crud-f70980aad4956e26",
    "crud-00d40556be89aa3a", "crud-0cd0c30ab46d3059", "crud-afa670c1cd25471d", "crud-cfdf1a6964b99f77",
    "crud-b53576f2ffda5a10", "crud-26fbd702defe58f0", "crud-e3e62960f7365ef8", "crud-9f6987db159ab5c6",
)
FRESH3_TEST_ARTICLES = (
    "crud-7a56eef99d7d7941", "crud-7fd0170e25c46b85", "crud-f459665831d43649", "crud-2cd83e8405c2c298",
    "crud-c6a204ff2665d7a0", "crud-724c17bfb4e0e26b", "crud-6f847e4e204be49a", "crud-ca1e074aed092986",
    "crud-da93fc4d9e79a557", "crud-9580bd798ac77c10", "crud-42ce77dcd47bee25", "crud-1603543b7e76e480",
)
# The fourth pair (eval/gold/fresh4-dev.jsonl, fresh4-test.jsonl): enterprise news about places,
# projects and investment rather than market templates. Articles of 700-3,000 characters outside
# docs-5k, the CRUD dev sources and the first 72, with no 股票 or 行情快报, using at least six of
# 企业, 投资, 项目, 亿元, 万元, 县, 合作, 签约, 产业, 帮扶, 集团, 公司 (493 in the archive), drawn
# with random.Random(20261125).sample over their sorted ids; the first 12 drawn carry the dev questions.
FRESH4_DEV_ARTICLES = (
    "crud-de797346cd008d2a", "crud-f43a0e3720196e75", "crud-02576fd2805df85d", "crud-4cb9ba02e5e54aac",
    "crud-6bab686277d1e80d", "crud-852e167c738d18d6", "crud-3f48d6fa99ea9ca5", "crud-fa4a0a5475c1ae3c",
    "crud-09e00275a2d39193", "crud-7bc26c1f52a1505a", "crud-6230a5ba37b2b2be", "crud-30961b703163af70",
)
FRESH4_TEST_ARTICLES = (
    "crud-a730cfdd61d1772f", "crud-709ae038a219f7d0", "crud-c30e8a77586ea964", "crud-1f1a172f57310fae",
    "crud-49ca341109ff3884", "crud-98809972ccd0176b", "crud-dd6453832d6344ea", "crud-c04781509ee7e429",
    "crud-0cdbdfe8d14f8540", "crud-e766c98bbbb122ca", "crud-963625be41851fdd", "crud-f2b79f6d700e38ac",
)
# The fifth pair (eval/gold/fresh5-dev.jsonl, fresh5-test.jsonl): technology and industry news
# (products, research, vehicles, chips, trade) rather than investment projects. Articles of 700-3,000
# characters outside docs-5k, the CRUD dev sources and the first 96, with no 股票 or 行情快报, using at
# least seven of 技术, 研发, 产品, 市场, 用户, 销量, 新能源, 汽车, 芯片, 智能, 数字, 企业, 公司, 同比
# (314 in the archive), drawn with random.Random(20261126).sample over their sorted ids; the first
# 12 drawn carry the dev questions.
FRESH5_DEV_ARTICLES = (
    "crud-c769ad8510bb4e0d", "crud-be8f5c9fec32d8a6", "crud-0cb30b6581918ad3", "crud-28f242deaad11ffc",
    "crud-82e13ab8df7ca4a4", "crud-9035c1a61811685a", "crud-626c4d87c8bc532e", "crud-844e76cd414ad702",
    "crud-337e2e5e378cd223", "crud-ad548f04462c509a", "crud-97aa7858ef14153d", "crud-705f64137be56641",
)
FRESH5_TEST_ARTICLES = (
    "crud-df5d060fb4853437", "crud-3a4ba3cb34c96249", "crud-dd73bddb7b4f3050", "crud-e9d184243cb02356",
    "crud-ac3a3d7835c06db7", "crud-a934b90b0a7a81be", "crud-9e8ad4d10325510e", "crud-9fda47543655b9f9",
    "crud-58a0188f8ab46f34", "crud-ca769a519bf2eb0c", "crud-211bb05ab412bc39", "crud-ec7c0863bd2bb551",
)
# The sixth pair (eval/gold/fresh6-dev.jsonl, fresh6-test.jsonl): consumption, tourism and city
# life rather than companies. Articles of 700-3,000 characters outside docs-5k, the CRUD dev sources
# and the first 120, with no 股票 or 行情快报, using at least seven of 消费, 旅游, 游客, 文化, 居民,
# 城市, 活动, 万人次, 收入, 同比, 景区, 假期 (52 in the archive), drawn with
# random.Random(20261127).sample over their sorted ids; the first 12 drawn carry the dev questions.
FRESH6_DEV_ARTICLES = (
    "crud-1dcffc0a76f354c5", "crud-c2ace9b7b8a5bc7a", "crud-616c6fdc36c4355c", "crud-7a4e8f771330e86e",
    "crud-bb723bf109d45201", "crud-4ec743f2fa2a2435", "crud-525941615670b4fd", "crud-76d698bbf24a1033",
    "crud-971e29b698891f34", "crud-60354ffabdf00223", "crud-67aa887ed3562568", "crud-2c3cf15a012e13a7",
)
FRESH6_TEST_ARTICLES = (
    "crud-e69441ad283d2e22", "crud-acd84f0d4c9bc86b", "crud-feaf83ddc16f24e9", "crud-d56b1ead9b0defbf",
    "crud-5b080766927a01ec", "crud-fb5296b8f0a3ebf6", "crud-b099ce89da55164d", "crud-e7e46ea9fda62ea1",
    "crud-12ccde62326e2a9e", "crud-b41cc817e4a4f089", "crud-5c91b562cec5ae2b", "crud-9ff89f9b3077ed45",
)
# The seventh pair (eval/gold/fresh7-dev.jsonl, fresh7-test.jsonl): farming and rural life (crops,
# cooperatives, villagers' income, training) rather than cities or companies. Articles of 700-3,000
# characters outside docs-5k, the CRUD dev sources and the first 144, with no 股票 or 行情快报, using
# at least seven of 农业, 农民, 粮食, 种植, 亩, 产量, 乡村, 合作社, 农产品, 增收, 养殖, 村民, 丰收, 收购
# (63 in the archive; all drawn are short, 720-953 characters), drawn with
# random.Random(20261128).sample over their sorted ids; the first 12 drawn carry the dev questions.
FRESH7_DEV_ARTICLES = (
    "crud-7ce008f39634059c", "crud-2936b1aee2e6a9ea", "crud-bd3b85c5eb324f13", "crud-e3278b499efe3bd7",
    "crud-c4e4ab1cfaedfe92", "crud-28a07adc8f747e84", "crud-0ba9dfd8ce596bff", "crud-aef8a58663b630b5",
    "crud-72982da301c29a3d", "crud-7200e851529f6d32", "crud-71e9bf4b75984da3", "crud-9935c8f1dff662fe",
)
FRESH7_TEST_ARTICLES = (
    "crud-bad0f16e4a21a947", "crud-1ccc2dc5a9070ee9", "crud-47dd71941d05033c", "crud-bf998e6b3eb42a9e",
    "crud-621c04bc22a14cf2", "crud-e43d48b020d93f9e", "crud-b052e1c03db44261", "crud-8b50d3b6b5b1e69a",
    "crud-351761ded7874483", "crud-84bd474c16289d7d", "crud-4e872cc607b21d9f", "crud-dac27bbb681a94c3",
)
# The eighth pair (eval/gold/fresh8-dev.jsonl, fresh8-test.jsonl): energy, power and the environment
# (generation capacity, solar and wind, emissions, energy saving) rather than farms, cities or
# companies. Articles of 700-3,000 characters outside docs-5k, the CRUD dev sources and the first
# 168, with no 股票 or 行情快报, using at least seven of 能源, 电力, 发电, 光伏, 风电, 新能源, 装机,
# 千瓦, 储能, 碳, 排放, 绿色, 环保, 节能 (104 in the archive), drawn with
# random.Random(20261129).sample over their sorted ids; the first 12 drawn carry the dev questions.
FRESH8_DEV_ARTICLES = (
    "crud-0437753386814f72", "crud-6dcff2697dc2e13c", "crud-cab3ecaf812f8a0b", "crud-4ac340781fb0f7fe",
    "crud-1aa5d5d6a7a9dd50", "crud-0a945fed44f26af1", "crud-66d6728488458423", "crud-4bee2add8bb466ce",
    "crud-dc034ce5c43d7276", "crud-f3e77c99a677e983", "crud-289116dd4ce33f7d", "crud-b881c4fd62f51f47",
)
FRESH8_TEST_ARTICLES = (
    "crud-067f36f1ea6f2d03", "crud-0d358156da24524e", "crud-8a39d4135562762f", "crud-19825efb81acb968",
    "crud-0b50e0c2ad0f686b", "crud-3c4617e5775990e8", "crud-60657cacbf4c6ac7", "crud-9e055803a14d0823",
    "crud-998890b7eeee69b5", "crud-0e61fdbb7161f30b", "crud-fd984f958dc0d7e8", "crud-b3e81590b8bb9d1f",
)
# The ninth pair (eval/gold/fresh9-dev.jsonl, fresh9-test.jsonl): health and medicine (hospitals,
# doctors, patients, screening, medical insurance) rather than companies, farms or energy. Articles
# of 700-3,000 characters outside docs-5k, the CRUD dev sources and the first 192, with no 股票 or
# 行情快报, using at least seven of 医院, 医疗, 患者, 医生, 健康, 药品, 诊疗, 医保, 疾病, 卫生, 治疗,
# 床位 (105 in the archive), drawn with random.Random(20261130).sample over their sorted ids; the
# first 12 drawn carry the dev questions.
FRESH9_DEV_ARTICLES = (
    "crud-f12ca6f68d9bbbb4", "crud-2e024c55feeea05b", "crud-bf7c8c364adb3cfa", "crud-17651b2f37d09a87",
    "crud-7aa852b96fb266be", "crud-848a517786ffe6bc", "crud-7115c445ff36d6f5", "crud-1fb080b64171e79d",
    "crud-ea4792fbd694842c", "crud-d4d5cc6bcfb926f0", "crud-ecbb008aac345c2d", "crud-ee0f57f436389137",
)
FRESH9_TEST_ARTICLES = (
    "crud-cf5a04dd5f18cd72", "crud-d9b2fe1da6bc1a0c", "crud-45de4472cd844d18", "crud-7615166d78c7e04f",
    "crud-03b39c34a41e8ec6", "crud-ec098b8ee01f54a2", "crud-50c062428b53f9af", "crud-265ff6550f2645cf",
    "crud-d2039a71159092dd", "crud-5e3aba3edbf710af", "crud-7dd8cb23cc532307", "crud-cea232fecbfbab81",
)
SETS = {
    "fresh": DEV_ARTICLES + TEST_ARTICLES,
    "fresh2": FRESH2_DEV_ARTICLES + FRESH2_TEST_ARTICLES,
    "fresh3": FRESH3_DEV_ARTICLES + FRESH3_TEST_ARTICLES,
    "fresh4": FRESH4_DEV_ARTICLES + FRESH4_TEST_ARTICLES,
    "fresh5": FRESH5_DEV_ARTICLES + FRESH5_TEST_ARTICLES,
    "fresh6": FRESH6_DEV_ARTICLES + FRESH6_TEST_ARTICLES,
    "fresh7": FRESH7_DEV_ARTICLES + FRESH7_TEST_ARTICLES,
    "fresh8": FRESH8_DEV_ARTICLES + FRESH8_TEST_ARTICLES,
    "fresh9": FRESH9_DEV_ARTICLES + FRESH9_TEST_ARTICLES,
}
DEFAULT_ARCHIVE = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "crud" / "docs.jsonl.gz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE, help="the CRUD archive (docs.jsonl.gz)")
    parser.add_argument("--set", choices=sorted(SETS), default="fresh", help="which pair's 24 articles (default: fresh)")
    parser.add_argument("--out", type=Path, help="where to write the 24 records (default: /tmp/<set>.jsonl)")
    args = parser.parse_args(argv)
    if not args.archive.is_file():
        print(f"error: CRUD archive not found: {args.archive} (give --archive PATH to docs.jsonl.gz)", file=sys.stderr)
        return 2
    articles = SETS[args.set]
    out = args.out or Path(f"/tmp/{args.set}.jsonl")
    wanted = set(articles)
    found: dict[str, str] = {}
    with gzip.open(args.archive, "rt", encoding="utf-8") as archive:
        for line in archive:
            record = json.loads(line)
            if record["id"] in wanted:
                found[record["id"]] = line if line.endswith("\n") else line + "\n"
    missing = sorted(wanted - found.keys())
    if missing:
        print(f"error: {len(missing)} articles missing from {args.archive}: {', '.join(missing)}", file=sys.stderr)
        return 2
    # Written in the fixed order above, so the corpus (and its index) is the same on every run.
    out.write_text("".join(found[i] for i in articles), encoding="utf-8")
    print(f"wrote {len(found)} articles to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

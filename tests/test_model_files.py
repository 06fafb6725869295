"""What ruen leaves on users' disks, pinned: the translation cache's layout and keys, the
model fingerprint and the converted model's folder name.

These are state that outlives a ruen version: a changed key silently misses every cached
translation, a changed fingerprint converts every model again. If one of these tests fails,
the change must be deliberate: bump ``cache.SCHEMA_VERSION`` (and say how old files are read),
note it in README, and update the pinned value here."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ruen.errors import RuenError
from ruen.translation.cache import (
    SCHEMA_VERSION,
    SQLiteCache,
    repair_scope,
    translation_scope,
)
from ruen.translation.engines import GenerationSettings
from ruen.translation.model_files import converted_path, fingerprint

# opus-mt-ru-en's generation config (shared/models/opus-mt-ru-en.md).
OPUS_DEFAULTS = {
    "num_beams": 6,
    "max_length": 512,
    "bad_words_ids": [[62517]],
    "forced_eos_token_id": 0,
}


def fake_model(folder: Path) -> Path:
    """A model folder of fixed bytes, the weights over 2 MB so both ends are read."""
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    (folder / "generation_config.json").write_text('{"num_beams": 6}', encoding="utf-8")
    (folder / "source.spm").write_bytes(b"spm-source" * 100)
    (folder / "target.spm").write_bytes(b"spm-target" * 100)
    (folder / "model.safetensors").write_bytes(bytes(range(256)) * (3 * 4096 + 7))
    return folder


def test_fingerprint_is_pinned(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "model")
    assert fingerprint(model) == PINNED_FINGERPRINT
    (model / "pytorch_model.bin").write_bytes(b"more weights")
    assert fingerprint(model) != PINNED_FINGERPRINT  # a new weights file is a new model


def test_converted_folder_is_pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUEN_CACHE_DIR", str(tmp_path / "cache"))
    model = fake_model(tmp_path / "model")
    assert converted_path(model, "int8") == (
        tmp_path / "cache" / "ctranslate2" / f"{PINNED_FINGERPRINT[:20]}-int8"
    )


def test_cache_keys_are_pinned() -> None:
    settings = GenerationSettings(4, 30, None, defaults=OPUS_DEFAULTS)
    assert settings.key() == (
        '{"beam_size": 4, "length_penalty": 1.0, "max_tokens": 29, "min_tokens": 0}'
    )
    scope = translation_scope("f" * 64, "ctranslate2", "int8", settings.key())
    assert scope == (
        "f" * 64 + '|ctranslate2|int8|{"beam_size": 4, "length_penalty": 1.0, '
        '"max_tokens": 29, "min_tokens": 0}'
    )
    assert repair_scope(scope, 8, "0123abcd") == scope + "|repair:8|check:0123abcd"
    defaults = GenerationSettings(defaults=OPUS_DEFAULTS).key()
    assert defaults == (
        '{"beam_size": 6, "length_penalty": 1.0, "max_tokens": 510, "min_tokens": 0}'
    )


def test_cache_file_layout_is_versioned(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = SQLiteCache(path)
    cache.put_many("scope", {"Индекс вырос.": "The index grew."})
    cache.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 1
        columns = [row[1] for row in connection.execute("PRAGMA table_info(translations)")]
    assert columns == ["scope", "sentence", "translation"]
    assert SQLiteCache(path).get_many("scope", ["Индекс вырос."]) == {
        "Индекс вырос.": "The index grew."
    }


def test_a_file_of_ruen_0_1_is_read_and_stamped(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:  # as ruen 0.1 wrote it: no version
        connection.execute(SQLiteCache.SCHEMA)
        connection.execute("INSERT INTO translations VALUES ('s', 'Да.', 'Yes.')")
    assert SQLiteCache(path).get_many("s", ["Да."]) == {"Да.": "Yes."}
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_other_layouts_and_other_files_are_refused_in_one_line(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuenError, match="layout 2, which this ruen"):
        SQLiteCache(newer)
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just notes " * 100, encoding="utf-8")
    with pytest.raises(RuenError, match="not a translation cache"):
        SQLiteCache(text)


PINNED_FINGERPRINT = "1aa7f52787636f7765ab64793ae48b72f8487b536623d110089b51097bf4135f"

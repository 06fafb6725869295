"""Translations kept for later: in memory for the process, and optionally on disk.

Why: an archive of announcements repeats itself (boilerplate, headings, contact lines), and a
second run over the same archive should cost almost nothing. Every entry is keyed by the
model's fingerprint, the engine and its compute type, the generation settings and the sentence
(whitespace-normalised), so a cached translation is only ever reused where the model would give
the very same one.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from ruen.errors import RuenError

# The layout of a cache file, in SQLite's user_version. Files outlive ruen's versions: bump this
# (and teach SQLiteCache to read the old layout, or to say why it cannot) whenever the table
# or the keys below change; tests/test_model_files.py pins both.
SCHEMA_VERSION = 1


def translation_scope(fingerprint: str, backend: str, compute_type: str, settings: str) -> str:
    """What a cached translation is valid for: the model's fingerprint, the engine, its
    compute type and the generation settings (``GenerationSettings.key()``)."""
    return f"{fingerprint}|{backend}|{compute_type}|{settings}"


def repair_scope(scope: str, candidates: int, checker: str) -> str:
    """What a cached repair choice is valid for: its translation scope, the n-best size and
    the version of the check that chose (``ruen.fidelity.checker_version``): a choice an older
    check made is not one the current check would make."""
    return f"{scope}|repair:{candidates}|check:{checker}"


class MemoryCache:
    """A bounded, thread-safe least-recently-used map from key to translation."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, scope: str, sentences: Iterable[str]) -> dict[str, str]:
        found = {}
        with self._lock:
            for sentence in sentences:
                key = (scope, sentence)
                if key in self._entries:
                    self._entries.move_to_end(key)
                    found[sentence] = self._entries[key]
        return found

    def put_many(self, scope: str, translations: dict[str, str]) -> None:
        with self._lock:
            for sentence, translation in translations.items():
                self._entries[(scope, sentence)] = translation
                self._entries.move_to_end((scope, sentence))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class SQLiteCache:
    """A persistent cache in one SQLite file, safe for several processes at once: WAL mode
    lets readers proceed while one writes, and writers wait for each other instead of failing.
    Its layout is :data:`SCHEMA_VERSION`; a file of another layout is refused in one line.
    """

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS translations (
            scope TEXT NOT NULL,
            sentence TEXT NOT NULL,
            translation TEXT NOT NULL,
            PRIMARY KEY (scope, sentence)
        ) WITHOUT ROWID
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._timeout = timeout
        self._local = threading.local()
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            raise RuenError(f"{self.path}: not a translation cache ({exc})") from None

    def _open(self) -> None:
        with self._connection() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise RuenError(
                    f"{self.path}: a translation cache of layout {version}, which this ruen "
                    f"(layout {SCHEMA_VERSION}) cannot read; name another file or delete it"
                )
            # Layout 0 is ruen 0.1's file, which had no version and the same table and keys.
            connection.execute(self.SCHEMA)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=self._timeout)
            connection.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")
            self._local.connection = connection
        return connection

    def get_many(self, scope: str, sentences: Iterable[str]) -> dict[str, str]:
        wanted = list(sentences)
        found: dict[str, str] = {}
        connection = self._connection()
        for begin in range(0, len(wanted), 500):
            chunk = wanted[begin : begin + 500]
            marks = ",".join("?" * len(chunk))
            rows = connection.execute(
                f"SELECT sentence, translation FROM translations "
                f"WHERE scope = ? AND sentence IN ({marks})",
                [scope, *chunk],
            )
            found.update(rows)
        return found

    def put_many(self, scope: str, translations: dict[str, str]) -> None:
        if not translations:
            return
        with self._connection() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO translations (scope, sentence, translation) "
                "VALUES (?, ?, ?)",
                [(scope, sentence, text) for sentence, text in translations.items()],
            )

    def __len__(self) -> int:
        return self._connection().execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

"""The store of ``ruen follow``: one SQLite file of the sources, the items they listed, and the
digests made of them.

Why SQLite: an item is marked done in the same transaction that stores its digest, so a run
killed at any moment and run again ends with exactly what an uninterrupted run gives; and
``--list``, ``ruen briefing`` and a second machine read it with nothing else installed. Tables:
``sources`` (url, name, ETag and Last-Modified for conditional requests, last success and
error, items listed), ``items`` (canonical URL, URL, source, published, content hash, state
``done``/``duplicate``/``error``, attempts, last error, the story it repeats, whether its
record was written out), ``digests`` (the JSON record and the Russian text, which the next run
compares reprints against) and ``sightings`` (every source that published a story).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ruen.errors import RuenError

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    url TEXT PRIMARY KEY, name TEXT, etag TEXT, last_modified TEXT,
    last_success TEXT, last_error TEXT, last_error_at TEXT, listed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT NOT NULL, published TEXT,
    content_hash TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, duplicate_of TEXT, written INTEGER NOT NULL DEFAULT 0, seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS digests (
    id TEXT PRIMARY KEY, record TEXT NOT NULL, text TEXT NOT NULL, done TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sightings (
    id TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL, PRIMARY KEY (id, source)
);
"""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def moment(text: str | None) -> datetime | None:
    """An ISO 8601 time as the store and feeds write it ("Z" or an offset; a date alone or no
    offset is taken as UTC); None for none or one that cannot be read."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class Store:
    """An open store, held by one run: a second run on the same file is refused."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(f"{self.path}.lock", "a")  # noqa: SIM115 - held while open
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise RuenError(
                f"{self.path}: the store is busy (another ruen follow is running on it)"
            ) from None
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise RuenError(f"{self.path}: a store of layout {version}; this ruen reads 1")
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            self.close()
            raise RuenError(f"{self.path}: not a ruen follow store ({exc})") from None

    def close(self) -> None:
        if getattr(self, "db", None) is not None:
            self.db.close()
            self.db = None  # type: ignore[assignment]
        self._lock.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sources ----------------------------------------------------------------------------

    def source(self, url: str) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT etag, last_modified FROM sources WHERE url = ?", (url,)
        ).fetchone()
        return {"etag": row[0], "last_modified": row[1]} if row else {}

    def listed(
        self,
        url: str,
        name: str | None,
        etag: str | None,
        last_modified: str | None,
        items: list[dict[str, Any]],
    ) -> None:
        """A source read: its new items become pending in the same transaction that stores
        its ETag, so that a run killed before fetching them still has them to do, although
        the next request for the source is answered 304."""
        with self._transaction():
            self._source_read(url, name, etag, last_modified, len(items))
            self.db.executemany(
                "INSERT OR IGNORE INTO items (id, url, source, published, state, seen) "
                "VALUES (?, ?, ?, ?, 'pending', ?)",
                [(i["id"], i["url"], i["source"], i.get("published"), now()) for i in items],
            )

    def _source_read(
        self, url: str, name: str | None, etag: str | None, last_modified: str | None, listed: int
    ) -> None:
        self.db.execute(
            "INSERT INTO sources (url, name, etag, last_modified, last_success, listed) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET name = "
            "coalesce(excluded.name, name), etag = excluded.etag, last_modified = "
            "excluded.last_modified, last_success = excluded.last_success, listed = "
            "listed + excluded.listed",
            (url, name, etag, last_modified, now(), listed),
        )

    def source_failed(self, url: str, name: str | None, error: str) -> None:
        self.db.execute(
            "INSERT INTO sources (url, name, last_error, last_error_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET last_error = excluded.last_error, "
            "last_error_at = excluded.last_error_at",
            (url, name, error, now()),
        )

    def sources(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT s.url, s.name, s.last_success, s.last_error, s.last_error_at, s.listed, "
            "(SELECT count(*) FROM items i WHERE i.source = s.url AND i.state = 'done'), "
            "(SELECT count(*) FROM items i WHERE i.source = s.url AND i.state = 'duplicate'), "
            "(SELECT count(*) FROM items i WHERE i.source = s.url "
            "AND i.state IN ('error', 'refused')) "
            "FROM sources s ORDER BY s.url"
        )
        keys = ("url", "name", "last_success", "last_error", "last_error_at", "listed")
        return [
            {**dict(zip(keys, row[:6])), "digested": row[6], "duplicates": row[7], "failed": row[8]}
            for row in rows
        ]

    # --- items ------------------------------------------------------------------------------

    def settled(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` need nothing more (digested, or a repeat); failed ones are retried."""
        found: set[str] = set()
        for begin in range(0, len(ids), 500):
            chunk = ids[begin : begin + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.db.execute(
                    f"SELECT id FROM items WHERE state NOT IN ('error', 'pending') "
                    f"AND id IN ({marks})",
                    chunk,
                )
            )
        return found

    def todo(self, attempts: int) -> list[dict[str, Any]]:
        """The items to fetch: pending ones, and those that failed in a way a later run may
        mend, tried fewer than ``attempts`` times (a feed that has not changed since, a 304,
        no longer lists them)."""
        rows = self.db.execute(
            "SELECT id, url, source, published FROM items WHERE state = 'pending' "
            "OR (state = 'error' AND attempts < ?) ORDER BY rowid",
            (attempts,),
        )
        return [dict(zip(("id", "url", "source", "published"), row)) for row in rows]

    def _sighted(self, item_id: str, source: str, url: str) -> None:
        """``source`` published story ``item_id`` at ``url``."""
        self.db.execute(
            "INSERT OR IGNORE INTO sightings (id, source, url) VALUES (?, ?, ?)",
            (item_id, source, url),
        )

    def done(self, item: dict[str, Any], record: dict[str, Any], text: str) -> None:
        """Store a digest and mark its item done, in one transaction."""
        with self._transaction():
            self._item(item, "done", None, None)
            self.db.execute(
                "INSERT OR REPLACE INTO digests (id, record, text, done) VALUES (?, ?, ?, ?)",
                (item["id"], json.dumps(record, ensure_ascii=False), text, now()),
            )

    def duplicate(self, item: dict[str, Any], of: str) -> None:
        with self._transaction():
            self._item(item, "duplicate", None, of)
            self._sighted(of, item["source"], item["url"])

    def failed(self, item: dict[str, Any], error: str, *, retry: bool = True) -> None:
        """An item that failed: tried again next run (``error``), or never (``refused``:
        robots.txt forbids it, it is not a page, it is gone)."""
        with self._transaction():
            self._item(item, "error" if retry else "refused", error, None)

    def _item(self, item: dict[str, Any], state: str, error: str | None, of: str | None) -> None:
        self.db.execute(
            "INSERT INTO items (id, url, source, published, content_hash, state, attempts, "
            "last_error, duplicate_of, seen) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, attempts = attempts + 1, "
            "last_error = excluded.last_error, duplicate_of = excluded.duplicate_of, "
            "content_hash = excluded.content_hash, published = "
            "coalesce(excluded.published, published), written = 0",
            (
                item["id"],
                item["url"],
                item["source"],
                item.get("published"),
                item.get("content_hash"),
                state,
                error,
                of,
                now(),
            ),
        )
        if state == "done":  # a repeat is a sighting of the story it repeats (duplicate())
            self._sighted(item["id"], item["source"], item["url"])

    def unwritten(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, record) of every settled or failed item whose record is not yet written out."""
        rows = self.db.execute(
            "SELECT i.id, i.url, i.source, i.published, i.state, i.duplicate_of, i.last_error, "
            "d.record FROM items i LEFT JOIN digests d ON d.id = i.id WHERE i.written = 0 "
            "AND i.state != 'pending' "
            "ORDER BY i.rowid"
        ).fetchall()
        for item_id, url, source, published, state, of, error, record in rows:
            head = {"id": item_id, "url": url, "source": source, "published": published}
            if state == "done":  # the digest's fields after the item's, which win
                digest = json.loads(record)
                yield item_id, {**head, **{k: v for k, v in digest.items() if k not in head}}
            elif state == "duplicate":
                yield item_id, {**head, "duplicate_of": of}
            else:
                yield item_id, {**head, "error": error}

    def written(self, item_id: str) -> None:
        self.db.execute("UPDATE items SET written = 1 WHERE id = ?", (item_id,))

    def recent_texts(self, since: str) -> Iterator[tuple[str, str, str | None]]:
        """(id, Russian text, published) of the stories digested since ``since`` (ISO)."""
        yield from self.db.execute(
            "SELECT d.id, d.text, i.published FROM digests d JOIN items i ON i.id = d.id "
            "WHERE coalesce(i.published, d.done) >= ? OR d.done >= ? ORDER BY i.rowid",
            (since, since),
        )

    def _transaction(self) -> Any:
        store = self

        class Transaction:
            def __enter__(self) -> None:
                store.db.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind: object, *rest: object) -> None:
                store.db.execute("ROLLBACK" if kind else "COMMIT")

        return Transaction()

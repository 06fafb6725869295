"""The store of ``ruen follow``: one SQLite file of the sources, the items they listed, and the
digests made of them.

Why SQLite: an item is marked done in the same transaction that stores its digest, so a run
killed at any moment and run again ends with exactly what an uninterrupted run gives; and
``--list``, ``ruen briefing`` and a second machine read it with nothing else installed.

Tables (layout 3): ``sources`` (url, name, last success and error, items listed);
``listings`` (each feed, sitemap or page a source is read through: ETag, Last-Modified, and
the listings it names, for conditional requests); ``items`` (canonical URL, URL, source name
and URL, published, content hash, state ``pending``/``fetched``/``done``/``duplicate``/
``error``/``refused``, attempts, last error, the story it repeats (a reprint), the story it
tells (``ruen.stories.grouping``: the first item of that story, its own id where it is first),
whether its record was written out, when it was first seen); ``digests`` (the JSON record
and the Russian text, which the next run compares reprints and stories against);
``sightings`` (every source that published a story); ``fetched`` (pages read but not yet
digested when a run was interrupted, so that the next run does not fetch them again).

The layout is versioned (``PRAGMA user_version``) and marked as ruen's (``PRAGMA
application_id``): a store of an older layout is migrated on opening (layout 1's ids
recomputed, since later layouts keep the query parameters that identify a page; layout 2's
items given the story column, each its own story), and a SQLite file of another program is
refused, never written into.
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
from ruen.follow.ids import canonical
from ruen.follow.sources import Validators

SCHEMA_VERSION = 3
# How long a write waits for another program's hold on the store (a reader's transaction, a
# backup) before the run stops with one line: long enough for a briefing or --list to finish.
BUSY_SECONDS = 30.0
APPLICATION_ID = 0x7275656E  # "ruen": marks a SQLite file as a ruen follow store
LAYOUT_1_TABLES = frozenset({"sources", "items", "digests", "sightings"})
SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    url TEXT PRIMARY KEY, name TEXT, etag TEXT, last_modified TEXT,
    last_success TEXT, last_error TEXT, last_error_at TEXT, listed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS listings (
    url TEXT PRIMARY KEY, source TEXT NOT NULL, etag TEXT, last_modified TEXT,
    children TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT NOT NULL, published TEXT,
    content_hash TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, duplicate_of TEXT, written INTEGER NOT NULL DEFAULT 0, seen TEXT NOT NULL,
    source_url TEXT, story TEXT
);
CREATE TABLE IF NOT EXISTS digests (
    id TEXT PRIMARY KEY, record TEXT NOT NULL, text TEXT NOT NULL, done TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sightings (
    id TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL, PRIMARY KEY (id, source)
);
CREATE TABLE IF NOT EXISTS fetched (id TEXT PRIMARY KEY, document TEXT NOT NULL);
"""
ITEM_FIELDS = ("id", "url", "source", "published", "source_url", "seen")


def store_failure(path: Path, exc: sqlite3.Error) -> RuenError:
    """One line that says what went wrong with the store's file, from SQLite's error: held by
    another program (and which, where the system tells), read-only, the disk full, not a
    store; nothing of it is changed by the error (the transaction is rolled back)."""
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        holder = _holder(path)
        return RuenError(
            f"{path}: the store is locked by {holder or 'another program'} (waited "
            f"{BUSY_SECONDS:g} s); run again when it has finished. The store is intact"
        )
    if "readonly" in message or "read-only" in message:
        return RuenError(
            f"{path}: the store is read-only (its file or folder cannot be written by this "
            "user); the store is intact"
        )
    if "disk is full" in message or "disk i/o" in message:
        return RuenError(
            f"{path}: the disk is full (or failed) where the store is; what earlier items "
            "settled is kept, free space and run again"
        )
    if "unable to open" in message:
        return RuenError(f"{path}: the store cannot be opened ({exc})")
    return RuenError(f"{path}: not a ruen follow store ({exc})")


def _holder(path: Path) -> str | None:
    """Which process holds a lock on the file, where Linux tells (/proc/locks): "pid N
    (name)"; None elsewhere, or where it is this process."""
    try:
        inode = path.stat().st_ino
        locks = Path("/proc/locks").read_text()
    except OSError:
        return None
    # "1: POSIX  ADVISORY  WRITE 1234 08:02:131 0 EOF" (a waiter's line has "->" after "1:")
    for line in locks.splitlines():
        fields = [field for field in line.split() if field != "->"]
        if len(fields) < 6:
            continue
        pid, where = fields[4], fields[5]
        if where.rsplit(":", 1)[-1] == str(inode) and pid != str(os.getpid()):
            try:
                name = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                name = "?"
            return f"pid {pid} ({name})"
    return None


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
        self.db: sqlite3.Connection | None = None
        self._lock = None
        if self.path.is_dir():
            raise RuenError(f"{self.path}: is a folder; --store names the store's file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = open(f"{self.path}.lock", "a")  # noqa: SIM115 - held while open
        except OSError as exc:
            raise RuenError(
                f"{self.path}: the store cannot be made there ({exc.strerror or exc})"
            ) from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise RuenError(
                f"{self.path}: the store is busy (another ruen follow is running on it)"
            ) from None
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_SECONDS)
            self._open()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise store_failure(self.path, exc) from None
        except RuenError:
            self.close()
            raise

    @classmethod
    def reader(cls, path: str | os.PathLike[str]) -> Store:
        """The store opened to read while ``ruen follow`` may be writing it (``ruen briefing``,
        ``ruen serve --store``): read-only, without the run's lock; a store of an older layout
        is opened as a writer once, to bring it to this one."""
        path = Path(path).expanduser()
        if not path.is_file():
            raise RuenError(f"{path}: no store yet; run ruen follow first")
        try:
            db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS
            )
            version = db.execute("PRAGMA user_version").fetchone()[0]
            application = db.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise store_failure(path, exc) from None
        if application != APPLICATION_ID or version != SCHEMA_VERSION:
            db.close()
            with cls(path):  # migrated, or refused with the reason
                pass
            return cls.reader(path)
        store = cls.__new__(cls)
        store.path, store.db, store._lock = path, db, None
        return store

    def _open(self) -> None:
        """Check the file is ruen's store (or empty), and bring it to this layout."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        application = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = {
            row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if version > SCHEMA_VERSION and application == APPLICATION_ID:
            raise RuenError(
                f"{self.path}: a store of layout {version}, made by a newer ruen; this one "
                f"reads layouts up to {SCHEMA_VERSION}"
            )
        if (
            tables
            and application != APPLICATION_ID
            and not (version == 1 and tables >= LAYOUT_1_TABLES)
        ):
            raise RuenError(
                f"{self.path}: not a ruen follow store (a SQLite file of another program, "
                f"with tables {', '.join(sorted(tables))}); ruen writes only into its own stores"
            )
        if tables and version == 1:
            self._migrate_from_1()
        if tables and version in (1, 2):
            with self._transaction():
                self.db.execute("ALTER TABLE items ADD COLUMN story TEXT")
        with self._transaction():  # statement by statement: executescript would commit first
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _migrate_from_1(self) -> None:
        """Layout 1 to 2, in one transaction: ids recomputed with the query parameters that
        identify a page (they were dropped), the source's URL beside its name on each item,
        each source's ETag and Last-Modified moved to ``listings``."""
        with self._transaction():
            self.db.execute("ALTER TABLE items ADD COLUMN source_url TEXT")
            self.db.execute(  # layout 1 kept a source's name where it had one, else its URL
                "UPDATE items SET source_url = coalesce((SELECT s.url FROM sources s WHERE "
                "s.url = items.source), (SELECT s.url FROM sources s WHERE s.name = "
                "items.source LIMIT 1))"
            )
            self.db.execute(
                "CREATE TABLE listings (url TEXT PRIMARY KEY, source TEXT NOT NULL, etag TEXT, "
                "last_modified TEXT, children TEXT NOT NULL DEFAULT '[]')"
            )
            self.db.execute(
                "INSERT INTO listings (url, source, etag, last_modified) SELECT url, url, etag, "
                "last_modified FROM sources WHERE etag IS NOT NULL OR last_modified IS NOT NULL"
            )
            renamed = [
                (old, new)
                for old, url in self.db.execute("SELECT id, url FROM items").fetchall()
                if (new := canonical(url)) != old
            ]
            for old, new in renamed:
                for table, column in (
                    ("items", "id"),
                    ("items", "duplicate_of"),
                    ("digests", "id"),
                    ("sightings", "id"),
                ):
                    self.db.execute(
                        f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {column} = ?", (new, old)
                    )
            self.db.execute("PRAGMA user_version = 2")

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        if self._lock is not None:
            self._lock.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sources ----------------------------------------------------------------------------

    def validators(self, source: str) -> dict[str, Validators]:
        """What conditional requests for ``source`` and the listings it named need."""
        return {
            url: Validators(etag, last_modified, tuple(json.loads(children)))
            for url, etag, last_modified, children in self.db.execute(
                "SELECT url, etag, last_modified, children FROM listings WHERE source = ?",
                (source,),
            )
        }

    def listed(
        self,
        url: str,
        name: str | None,
        validators: dict[str, Validators],
        items: list[dict[str, Any]],
        error: str | None = None,
        passed: list[dict[str, Any]] = (),  # type: ignore[assignment]
    ) -> None:
        """A source read: its new items become pending in the same transaction that stores
        its validators, so that a run killed before fetching them still has them to do,
        although the next request for the source is answered 304. ``error``: a part of it
        could not be read. ``passed``: items a first run marks seen without reading them
        (state ``passed``: a sitemap's archive, older than the window)."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO sources (url, name, last_success, listed) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET name = coalesce(excluded.name, name), "
                "last_success = excluded.last_success, listed = listed + excluded.listed",
                (url, name, now(), len(items)),
            )
            if error:
                self._source_error(url, name, error)
            self.db.executemany(
                "INSERT OR REPLACE INTO listings (url, source, etag, last_modified, children) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (part, url, v.etag, v.last_modified, json.dumps(list(v.children)))
                    for part, v in validators.items()
                ],
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO items (id, url, source, published, state, seen, "
                "source_url) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (i["id"], i["url"], i["source"], i.get("published"), state, now(), url)
                    for state, some in (("pending", items), ("passed", passed))
                    for i in some
                ],
            )

    def read_before(self, url: str) -> bool:
        """Whether the source was read with success on an earlier run."""
        row = self.db.execute("SELECT last_success FROM sources WHERE url = ?", (url,)).fetchone()
        return bool(row and row[0])

    def source_failed(self, url: str, name: str | None, error: str) -> None:
        self._source_error(url, name, error)

    def _source_error(self, url: str, name: str | None, error: str) -> None:
        self.db.execute(
            "INSERT INTO sources (url, name, last_error, last_error_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET last_error = excluded.last_error, "
            "last_error_at = excluded.last_error_at, name = coalesce(excluded.name, name)",
            (url, name, error, now()),
        )

    def sources(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT s.url, s.name, s.last_success, s.last_error, s.last_error_at, s.listed, "
            "(SELECT count(*) FROM items i WHERE i.source_url = s.url AND i.state = 'done'), "
            "(SELECT count(*) FROM items i WHERE i.source_url = s.url "
            "AND i.state = 'duplicate'), "
            "(SELECT count(*) FROM items i WHERE i.source_url = s.url "
            "AND i.state IN ('error', 'refused')), "
            "(SELECT count(*) FROM items i WHERE i.source_url = s.url "
            "AND i.state IN ('pending', 'fetched')) "
            "FROM sources s ORDER BY s.url"
        )
        keys = ("url", "name", "last_success", "last_error", "last_error_at", "listed")
        return [
            {
                **dict(zip(keys, row[:6])),
                "digested": row[6],
                "duplicates": row[7],
                "failed": row[8],
                "waiting": row[9],
            }
            for row in rows
        ]

    # --- items ------------------------------------------------------------------------------

    def settled(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` need nothing more (digested, a repeat, refused, or waiting to be
        fetched or digested already); failed ones are retried."""
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
        """The items to fetch or digest, the newest first (by publication, else by when ruen
        first saw them): pending ones, and pages fetched but not digested and those that
        failed in a way a later run may mend, each tried fewer than ``attempts`` times (a feed
        that has not changed since, a 304, no longer lists them; a page that fails whenever it
        is digested stops being tried, so it never holds every later run up)."""
        rows = self.db.execute(
            f"SELECT {', '.join(ITEM_FIELDS)}, state FROM items WHERE state = 'pending' "
            "OR (state IN ('fetched', 'error') AND attempts < ?) "
            "ORDER BY coalesce(published, seen) DESC, rowid DESC",
            (attempts,),
        )
        return [dict(zip((*ITEM_FIELDS, "state"), row)) for row in rows]

    def _sighted(self, item_id: str, source: str, url: str) -> None:
        """``source`` published story ``item_id`` at ``url``."""
        self.db.execute(
            "INSERT OR IGNORE INTO sightings (id, source, url) VALUES (?, ?, ?)",
            (item_id, source, url),
        )

    def fetched(self, item: dict[str, Any], document: dict[str, Any]) -> None:
        """A page read but not digested (the run is being interrupted): kept, so that the
        next run digests it without fetching it again."""
        with self._transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO fetched (id, document) VALUES (?, ?)",
                (item["id"], json.dumps(document, ensure_ascii=False)),
            )
            self.db.execute(
                "UPDATE items SET state = 'fetched', published = coalesce(published, ?), "
                "content_hash = coalesce(?, content_hash) WHERE id = ?",
                (item.get("published"), item.get("content_hash"), item["id"]),
            )

    def edited(self, hashes: dict[str, str]) -> list[str]:
        """Which items, digested before, now have another text (a channel's edited post)."""
        changed = []
        for item_id, content_hash in hashes.items():
            row = self.db.execute(
                "SELECT content_hash FROM items WHERE id = ? AND state = 'done'", (item_id,)
            ).fetchone()
            if row and row[0] and row[0] != content_hash:
                changed.append(item_id)
        return changed

    def fetched_document(self, item_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT document FROM fetched WHERE id = ?", (item_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def done(
        self, item: dict[str, Any], record: dict[str, Any], text: str, story: str | None = None
    ) -> None:
        """Store a digest and mark its item done, in one transaction; ``story``: the story it
        tells (:mod:`ruen.stories.grouping`), where known."""
        with self._transaction():
            self._item(item, "done", None, None)
            self.db.execute("UPDATE items SET story = ? WHERE id = ?", (story, item["id"]))
            self.db.execute(
                "INSERT OR REPLACE INTO digests (id, record, text, done) VALUES (?, ?, ?, ?)",
                (item["id"], json.dumps(record, ensure_ascii=False), text, now()),
            )

    def duplicate(self, item: dict[str, Any], of: str) -> None:
        with self._transaction():
            self._item(item, "duplicate", None, of)
            self._sighted(of, item["source"], item["url"])

    def reprint_of(self, item_id: str, original: str) -> None:
        """An item digested as a story turns out to reprint ``original``, published earlier:
        it becomes a reprint of it (its digest dropped, its outlet a sighting of the
        original's story), and so do the reprints set aside as its repeats."""
        with self._transaction():
            self.db.execute(
                "UPDATE items SET state = 'duplicate', duplicate_of = ?, story = NULL, "
                "written = 0 WHERE id = ?",
                (original, item_id),
            )
            self.db.execute(
                "UPDATE items SET duplicate_of = ? WHERE duplicate_of = ?", (original, item_id)
            )
            self.db.execute("DELETE FROM digests WHERE id = ?", (item_id,))
            self.db.execute(
                "INSERT OR IGNORE INTO sightings (id, source, url) SELECT ?, source, url "
                "FROM sightings WHERE id = ?",
                (original, item_id),
            )
            self.db.execute("DELETE FROM sightings WHERE id = ?", (item_id,))

    def failed(
        self, item: dict[str, Any], error: str, *, retry: bool = True, counts: bool = True
    ) -> None:
        """An item that failed: tried again next run (``error``), or never (``refused``:
        robots.txt forbids it, it is not a page, it is gone). ``counts=False``: it was not
        really tried (its host could not be reached), so it keeps all its attempts."""
        with self._transaction():
            self._item(item, "error" if retry else "refused", error, None, counts)

    def _item(
        self,
        item: dict[str, Any],
        state: str,
        error: str | None,
        of: str | None,
        counts: bool = True,
    ) -> None:
        self.db.execute(
            "INSERT INTO items (id, url, source, published, content_hash, state, attempts, "
            "last_error, duplicate_of, seen, source_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, attempts = attempts + "
            "excluded.attempts, last_error = excluded.last_error, duplicate_of = "
            "excluded.duplicate_of, content_hash = coalesce(excluded.content_hash, "
            "content_hash), published = coalesce(excluded.published, published), written = 0",
            (
                item["id"],
                item["url"],
                item["source"],
                item.get("published"),
                item.get("content_hash"),
                state,
                int(counts),
                error,
                of,
                now(),
                item.get("source_url"),
            ),
        )
        self.db.execute("DELETE FROM fetched WHERE id = ?", (item["id"],))
        if state == "done":  # a repeat is a sighting of the story it repeats (duplicate())
            self._sighted(item["id"], item["source"], item["url"])

    def unwritten(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, record) of every settled or failed item whose record is not yet written out."""
        rows = self.db.execute(
            "SELECT i.id FROM items i WHERE i.written = 0 "
            "AND i.state NOT IN ('pending', 'fetched', 'passed') ORDER BY i.rowid"
        ).fetchall()
        for (item_id,) in rows:
            yield item_id, self.record(item_id)

    def records(self) -> Iterator[dict[str, Any]]:
        """Every settled or failed item's record, in the order they came in, one at a time."""
        rows = self.db.execute(
            "SELECT id FROM items WHERE state NOT IN ('pending', 'fetched', 'passed') "
            "ORDER BY rowid"
        ).fetchall()
        for (item_id,) in rows:
            yield self.record(item_id)

    def record(self, item_id: str) -> dict[str, Any]:
        """The record written out for an item: its digest, repeat or error."""
        url, source, published, state, of, error, story, record = self.db.execute(
            "SELECT i.url, i.source, i.published, i.state, i.duplicate_of, i.last_error, "
            "i.story, d.record FROM items i LEFT JOIN digests d ON d.id = i.id WHERE i.id = ?",
            (item_id,),
        ).fetchone()
        head = {"id": item_id, "url": url, "source": source, "published": published}
        if state == "done":  # the digest's fields after the item's, which win
            digest = json.loads(record)
            head["story"] = story or item_id
            return {**head, **{k: v for k, v in digest.items() if k not in head}}
        if state == "duplicate":
            return {**head, "duplicate_of": of}
        return {**head, "error": error}

    def written(self, item_id: str) -> None:
        self.db.execute("UPDATE items SET written = 1 WHERE id = ?", (item_id,))

    def recent_texts(self, since: str) -> Iterator[tuple[str, str, str | None]]:
        """(id, Russian text, published) of the stories digested since ``since`` (ISO)."""
        yield from self.db.execute(
            "SELECT d.id, d.text, i.published FROM digests d JOIN items i ON i.id = d.id "
            "WHERE coalesce(i.published, d.done) >= ? OR d.done >= ? ORDER BY i.rowid",
            (since, since),
        )

    def recent_stories(self, since: str) -> Iterator[tuple[str, str, str | None, str, str, str]]:
        """(id, Russian text, Russian title, source, when, story) of the items digested since
        ``since`` (ISO), oldest first: what a new item may be one story with."""
        rows = self.db.execute(
            "SELECT d.id, d.text, json_extract(d.record, '$.title.ru'), i.source, "
            "coalesce(i.published, i.seen), coalesce(i.story, i.id) FROM digests d "
            "JOIN items i ON i.id = d.id WHERE i.state = 'done' AND "
            "(coalesce(i.published, d.done) >= ? OR d.done >= ?) ORDER BY i.rowid",
            (since, since),
        )
        yield from rows

    def _transaction(self) -> Any:
        store = self

        class Transaction:
            def __enter__(self) -> None:
                store.db.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind: object, *rest: object) -> None:
                store.db.execute("ROLLBACK" if kind else "COMMIT")

        return Transaction()

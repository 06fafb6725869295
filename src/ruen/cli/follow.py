"""``ruen follow``: what the sources published since the last run, each story once, digested."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from ruen import corpus
from ruen.cli.commands import EXIT_ERROR, _note
from ruen.cli.digest import _dask, _digest_lines, digest_documents
from ruen.errors import RuenError


def default_store() -> Path:
    """The store in the user's data folder (platformdirs), where no --store is given."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("ruen")) / "follow.sqlite"


# Formats ruen follow writes to a file: jsonl is appended to as each record is stored (a
# log every run adds to); json is rewritten whole from the store each run. html and markdown go
# to stdout only: a page of everything the store holds would grow without end, and
# ruen briefing writes a period's page.
FILE_FORMATS = ("jsonl", "json")


def cmd_follow(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 0 when everything new was digested, 1 when some sources or items failed (they are
    tried again next run), 2 when the run failed."""
    from ruen.follow import Politeness, read_sources
    from ruen.follow.fetch import Fetcher
    from ruen.follow.run import Report, new_items, run
    from ruen.follow.store import Store, store_failure

    to_file = args.output not in (None, "-")
    args.format = args.format or ("jsonl" if to_file else "text")
    if to_file and args.format not in FILE_FORMATS:
        raise RuenError(
            f"--format {args.format} goes to stdout only (this run's new digests); for a page "
            "of a period use ruen briefing --format html -o FILE, and -o FILE takes jsonl "
            "(appended every run) or json (the whole store, rewritten every run)"
        )
    politeness = Politeness(
        delay=args.delay, connections=args.connections, page_deadline=args.page_deadline
    )
    path = Path(args.store) if args.store else default_store()
    try:
        with Store(path) as store:
            if args.list:
                _list(store, out)
                return 0
            if not args.sources:
                raise RuenError("name at least one source (a feed, a sitemap, a site or a file)")
            sources = read_sources(args.sources)
            report = Report()
            if args.dry_run:
                with Fetcher(politeness) as fetcher:
                    items = new_items(fetcher, store, sources, report, record=False)
                for item in items[: args.max_new]:
                    print(f"{item['url']}\t{item['source']}\t{item['published'] or ''}", file=out)
                _summary(report, len(items[: args.max_new]), dry=True)
                return 1 if report.source_errors else 0
            client, cluster = _dask(args)
            try:
                records = run(
                    store,
                    sources,
                    _digester(args, client),
                    politeness=politeness,
                    max_new=args.max_new,
                    window=timedelta(days=args.window),
                    report=report,
                )
                if to_file and args.format == "json":
                    _rewrite_json(args.output, store, records)
                elif to_file:
                    with _appending(args.output) as handle:
                        _write(args, handle, store, records, _already_written(args.output))
                else:
                    _write(args, out, store, records, set())
            finally:
                if client is not None:
                    client.close()
                if cluster is not None:
                    cluster.close()
    except sqlite3.Error as exc:  # the store's file failed mid-run: what was done stays
        raise store_failure(path, exc) from None
    _summary(report, report.new)
    return 1 if report.failed or report.source_errors else 0


def _digester(args: argparse.Namespace, client: Any) -> Any:
    return lambda documents: digest_documents(args, documents, client)


def _write(
    args: argparse.Namespace,
    out: TextIO,
    store: Any,
    records: Iterator[tuple[str, dict[str, Any]]],
    written: set[bytes],
) -> None:
    """Each record as it is stored (JSON lines, text), or this run's all at the end (html,
    markdown, json on stdout); a record is marked written only once it was flushed, so that
    one a crash kept from the reader is written next run."""
    collected: list[tuple[str, dict[str, Any]]] = []
    for n, (item_id, record) in enumerate(records):
        key = _key(record)
        if key in written:
            store.written(item_id)
            continue
        if args.format == "jsonl":
            corpus.write_record(out, record)
        elif args.format == "text":
            print(("\n" if n else "") + "\n".join(_text_lines(record)), file=out, flush=True)
        else:
            collected.append((item_id, record))
            continue
        written.add(key)
        store.written(item_id)
    if not collected:
        return
    records_ = [record for _, record in collected]
    digests = [r for r in records_ if "sentences" in r]
    if args.format == "json":
        print(json.dumps(records_, ensure_ascii=False, indent=2), file=out)
    elif digests:
        from ruen import report

        render = report.to_html if args.format == "html" else report.to_markdown
        print(render(digests), file=out, end="")
    out.flush()
    for item_id, _ in collected:
        store.written(item_id)


def _text_lines(record: dict[str, Any]) -> list[str]:
    lines = [f"==> {record['id']} <=="]
    if "sentences" in record:
        return lines + _digest_lines(record)
    if "duplicate_of" in record:
        return [*lines, f"a reprint of {record['duplicate_of']}"]
    return [*lines, f"error: {record['error']}"]


def _rewrite_json(path: str, store: Any, records: Iterator[tuple[str, dict[str, Any]]]) -> None:
    """The whole store as one JSON array, written to a new file beside ``path`` and renamed
    over it once complete (a crash leaves the old file); records one at a time, so that
    memory stays flat however large the store."""
    settled = [item_id for item_id, _ in records]  # the run itself, then the whole store
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for n, record in enumerate(store.records()):
                handle.write(("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False))
            handle.write("\n]\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as exc:
        raise RuenError(f"{path}: cannot write ({exc.strerror or exc})") from None
    for item_id in settled:
        store.written(item_id)


@contextmanager
def _appending(path: str) -> Iterator[TextIO]:
    try:
        handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise RuenError(f"{path}: cannot write ({exc.strerror or exc})") from None
    with handle:
        yield handle


def cmd_briefing(args: argparse.Namespace, out: TextIO) -> None:
    """The stories of the period from the store, newest first, each once."""
    from ruen.follow import briefing
    from ruen.follow.store import Store, store_failure

    tz = briefing.zone(args.tz)
    start = briefing.since(args.since, tz=tz)
    path = Path(args.store) if args.store else default_store()
    try:
        with Store.reader(path) as store:  # beside a follow run that is writing it
            page = briefing.render(store, start, args.format, tz=tz)
    except sqlite3.Error as exc:  # the file failed while read: one line
        raise store_failure(path, exc) from None
    print(page, file=out, end="")


def _already_written(path: str) -> set[bytes]:
    """The records the output file holds (a line torn by a crash cut off first), so that a
    record stored but not marked written before a crash is not written twice; a later record
    of the same item (a failed page that now succeeded) is not among them. Kept as hashes: an
    output appended to every morning grows without end, and its lines need not be held."""
    corpus.completed(path)  # cuts a torn last line
    target = Path(path)
    if not target.exists():
        return set()
    keys = set()
    with target.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                keys.add(_key(json.loads(line)))
            except ValueError:
                raise RuenError(
                    f"{path}, line {number}: not a JSON record; ruen follow appends JSON lines "
                    "to -o FILE, so name a new file (or one an earlier run wrote)"
                ) from None
    return keys


def _key(record: dict[str, Any]) -> bytes:
    """A record's identity: the hash of its canonical JSON."""
    return hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode()).digest()


def _summary(report: Any, new: int, *, dry: bool = False) -> None:
    for error in report.source_errors:
        _note(f"error: {error}")
    for note in report.notes:
        _note(f"note: {note}")
    if report.waiting:
        _note(
            f"{report.waiting} more items wait for the next run (--max-new takes the newest first)"
        )
    what = (
        f"{new} new (not fetched: --dry-run)"
        if dry
        else f"{new} new: {report.digested} digested, {report.duplicates} reprints, "
        f"{report.failed} failed"
    )
    timing = (
        ""
        if dry
        else f"; {report.requests} requests, fetching {report.fetch_seconds:.1f} s and "
        f"digesting {report.digest_seconds:.1f} s side by side"
    )
    _note(
        f"follow: {report.sources} sources ({report.unchanged} unchanged, "
        f"{len(report.source_errors)} failed), {what}{timing}"
    )
    sys.stderr.flush()


def _list(store: Any, out: TextIO) -> None:
    for source in store.sources():
        name = f" ({source['name']})" if source["name"] else ""
        print(f"{source['url']}{name}", file=out)
        print(
            f"  last success: {source['last_success'] or 'never'}; digested "
            f"{source['digested']}, reprints {source['duplicates']}, failed {source['failed']}"
            + (f", waiting {source['waiting']}" if source["waiting"] else ""),
            file=out,
        )
        if source["last_error"]:
            print(f"  last error ({source['last_error_at']}): {source['last_error']}", file=out)


__all__ = ["EXIT_ERROR", "cmd_briefing", "cmd_follow", "default_store"]

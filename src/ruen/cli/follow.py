"""``ruen follow``: what the sources published since the last run, each story once, digested."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
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


def cmd_follow(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 0 when everything new was digested, 1 when some sources or items failed (they are
    tried again next run), 2 when the run failed."""
    from ruen.follow import Politeness, read_sources
    from ruen.follow.fetch import Fetcher
    from ruen.follow.run import Report, new_items, run
    from ruen.follow.store import Store

    args.format = args.format or ("jsonl" if args.output not in (None, "-") else "text")
    path = Path(args.store) if args.store else default_store()
    with Store(path) as store:
        if args.list:
            _list(store, out)
            return 0
        if not args.sources:
            raise RuenError("name at least one source (a feed, a sitemap, a site or a file)")
        sources = read_sources(args.sources)
        politeness = Politeness(delay=args.delay, connections=args.connections)
        report = Report()
        if args.dry_run:
            with Fetcher(politeness) as fetcher:
                items = new_items(fetcher, store, sources, report, record=False)
            for item in items[: args.max_new]:
                print(f"{item['id']}\t{item['source']}\t{item['published'] or ''}", file=out)
            _summary(report, len(items[: args.max_new]), dry=True)
            return 1 if report.source_errors else 0
        written = _already_written(args.output) if args.output not in (None, "-") else set()
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
            _write(args, out, store, records, written)
        finally:
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
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
    """Each record as it is stored (JSON lines), or all at the end (text, HTML, Markdown)."""
    collected = []
    for item_id, record in records:
        key = _key(record)
        if key not in written:
            if args.format == "jsonl":
                corpus.write_record(out, record)
            else:
                collected.append(record)
            written.add(key)
        store.written(item_id)
    digests = [r for r in collected if "sentences" in r]
    if args.format == "text":
        for n, record in enumerate(collected):
            print(("\n" if n else "") + f"==> {record['id']} <==", file=out)
            if "sentences" in record:
                print("\n".join(_digest_lines(record)), file=out)
            elif "duplicate_of" in record:
                print(f"a reprint of {record['duplicate_of']}", file=out)
            else:
                print(f"error: {record['error']}", file=out)
    elif args.format in ("html", "markdown") and digests:
        from ruen import report

        render = report.to_html if args.format == "html" else report.to_markdown
        print(render(digests), file=out, end="")
    elif args.format == "json":
        print(json.dumps(collected, ensure_ascii=False, indent=2), file=out)


def cmd_briefing(args: argparse.Namespace, out: TextIO) -> None:
    """The stories of the period from the store, newest first, each once."""
    from ruen.follow import briefing
    from ruen.follow.store import Store

    start = briefing.since(args.since)
    path = Path(args.store) if args.store else default_store()
    if not path.exists():
        raise RuenError(f"{path}: no store yet; run ruen follow first")
    with Store(path) as store:
        found = briefing.stories(store, start)
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2), file=out)
    elif args.format == "html":
        print(briefing.to_html(found, start), file=out, end="")
    else:
        print(briefing.to_markdown(found, start), file=out, end="")


def _already_written(path: str) -> set[bytes]:
    """The records the output file holds (a line torn by a crash cut off first), so that a
    record stored but not marked written before a crash is not written twice; a later record
    of the same item (a failed page that now succeeded) is not among them. Kept as hashes: an
    output appended to every morning grows without end, and its lines need not be held."""
    corpus.completed(path)  # cuts a torn last line
    target = Path(path)
    if not target.exists():
        return set()
    with target.open(encoding="utf-8") as handle:
        return {_key(json.loads(line)) for line in handle if line.strip()}


def _key(record: dict[str, Any]) -> bytes:
    """A record's identity: the hash of its canonical JSON."""
    return hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode()).digest()


def _summary(report: Any, new: int, *, dry: bool = False) -> None:
    for error in report.source_errors:
        _note(f"error: {error}")
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
            f"{source['digested']}, reprints {source['duplicates']}, failed {source['failed']}",
            file=out,
        )
        if source["last_error"]:
            print(f"  last error ({source['last_error_at']}): {source['last_error']}", file=out)


__all__ = ["EXIT_ERROR", "cmd_briefing", "cmd_follow", "default_store"]

"""One run of ``ruen follow``: read every source, keep what is new, fetch it politely, set
reprints aside, digest the rest through one model, and store each result as it is done.

Why records come out of the store: a record is written out only after the transaction that
stored it, and marked written after that; a run killed in between writes it next time (the
command skips ids its output file already holds), so a killed run and its rerun leave the
store and the output an uninterrupted run leaves, nothing lost and nothing twice.
"""

from __future__ import annotations

import hashlib
import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ruen.documents import Document, parse_document
from ruen.errors import RuenError
from ruen.follow.fetch import Fetcher, FetchError, Politeness, Response
from ruen.follow.sources import Entry, Listing, Source, read_listing
from ruen.follow.store import Store, moment
from ruen.records import Digest, DocumentError
from ruen.stories import WINDOW, StoryIndex

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
ATTEMPTS = 5  # runs that try a failed item (an item refused for good is not tried again)
Digester = Callable[[Iterable[Document]], Iterator[Digest | DocumentError]]


def canonical(url: str) -> str:
    """One id for one page under all its addresses: tracking parameters and fragments gone
    (courlan), host in lower case without ``www.``, no trailing slash, https."""
    from courlan import normalize_url

    parts = urlsplit(normalize_url(url, strict=True, trailing_slash=False))
    host = parts.netloc.lower().removeprefix("www.")
    return urlunsplit(("https", host, parts.path.rstrip("/") or "/", parts.query, ""))


@dataclass
class Report:
    """What a run did, for its summary line and exit code."""

    sources: int = 0
    unchanged: int = 0
    source_errors: list[str] = field(default_factory=list)
    new: int = 0
    digested: int = 0
    duplicates: int = 0
    failed: int = 0
    requests: int = 0  # HTTP requests made, robots.txt included
    fetch_seconds: float = 0.0  # from reading the sources to the last page fetched
    digest_seconds: float = 0.0  # from the first page digested to the last (they overlap)


def new_items(
    fetcher: Fetcher, store: Store, sources: list[Source], report: Report, *, record: bool = True
) -> list[dict[str, Any]]:
    """Read every source (hosts in parallel) and return the items to fetch, each once: the
    new entries, and what earlier runs left pending or may mend. With ``record`` the new
    entries and each source's ETag, success or error go to the store; without (a dry run)
    nothing does, so the next real run still sees every entry as new."""

    def read(source: Source) -> Listing | FetchError:
        try:
            return read_listing(fetcher, source, **known[source.url])
        except FetchError as exc:
            return exc

    known = {source.url: store.source(source.url) for source in sources}
    workers = max(1, min(fetcher.politeness.connections, len(sources)))
    with ThreadPoolExecutor(workers, thread_name_prefix="ruen-source") as pool:
        listings = list(pool.map(read, sources))
    unlisted: dict[str, dict[str, Any]] = {}
    for source, listing in zip(sources, listings):
        report.sources += 1
        if isinstance(listing, FetchError):
            report.source_errors.append(str(listing))
            if record:
                store.source_failed(source.url, source.name, listing.reason)
            continue
        report.unchanged += listing.not_modified
        items: dict[str, dict[str, Any]] = {}
        for entry in listing.entries:
            items.setdefault(canonical(entry.url), _item(entry, source))
        settled = store.settled(list(items))
        new = [i for key, i in items.items() if key not in settled and key not in unlisted]
        unlisted.update((item["id"], item) for item in new)
        if record:
            store.listed(source.url, source.name, listing.etag, listing.last_modified, new)
    todo = store.todo(ATTEMPTS)
    if record:
        return todo
    known_ids = {item["id"] for item in todo}
    return todo + [item for key, item in unlisted.items() if key not in known_ids]


def _item(entry: Entry, source: Source) -> dict[str, Any]:
    return {
        "id": canonical(entry.url),
        "url": entry.url,
        "source": source.name or source.url,
        "published": entry.published,
    }


def run(
    store: Store,
    sources: list[Source],
    digester: Digester,
    *,
    politeness: Politeness | None = None,
    max_new: int | None = None,
    window: timedelta = WINDOW,
    report: Report | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, record) of everything this run settles, as it is stored; first, what an earlier
    run stored but did not write out.

    The pages are fetched on a thread of their own while the model digests those already
    fetched, so fetching never waits on the model; the store is written on this thread only.
    """
    report = report if report is not None else Report()
    yield from store.unwritten()
    started = time.perf_counter()
    with Fetcher(politeness) as fetcher:
        items = new_items(fetcher, store, sources, report)
        if max_new is not None:
            items = items[:max_new]
        report.new = len(items)
        yield from store.unwritten()
        if not items:
            report.requests = fetcher.requests
            report.fetch_seconds = time.perf_counter() - started
            return
        fetched: queue.Queue[tuple[str, Response | FetchError] | None] = queue.Queue()

        def fetch_all() -> None:
            try:
                for done in fetcher.get_many([item["url"] for item in items], accept=PAGE_TYPES):
                    fetched.put(done)
            finally:
                report.fetch_seconds = time.perf_counter() - started
                fetched.put(None)

        fetching = threading.Thread(target=fetch_all, name="ruen-fetch-pages", daemon=True)
        fetching.start()
        by_url = {item["url"]: item for item in items}
        by_id: dict[str, tuple[dict[str, Any], Document]] = {}
        index: list[StoryIndex] = []  # built at the first page that arrives

        def documents() -> Iterator[Document]:
            while (done := fetched.get()) is not None:
                item = by_url[done[0]]
                document = _read(store, item, done[1], report)
                if document is None:
                    continue
                if not index:
                    index.append(_index(store, window))
                repeated = index[0].add(item["id"], document.text, moment(item["published"]))
                if repeated is not None:
                    store.duplicate(item, repeated)
                    report.duplicates += 1
                    continue
                by_id[item["id"]] = (item, document)
                yield document

        pages = documents()
        first = next(pages, None)
        yield from store.unwritten()
        if first is not None:  # the model is loaded only when there is a page to digest
            digest_started = time.perf_counter()
            for result in digester(itertools.chain([first], pages)):
                item, document = by_id.pop(result.id or "")  # held no longer than needed
                if isinstance(result, DocumentError):
                    store.failed(item, result.error)
                    report.failed += 1
                else:
                    record = result.to_dict()
                    record.pop("id", None)
                    store.done(item, record, document.text)
                    report.digested += 1
                report.digest_seconds = time.perf_counter() - digest_started
                yield from store.unwritten()
        fetching.join()
        report.requests = fetcher.requests
    yield from store.unwritten()


def _read(
    store: Store, item: dict[str, Any], response: Response | FetchError, report: Report
) -> Document | None:
    """The item's page read as ``ruen digest`` reads a page; a failure is stored as such."""
    try:
        if isinstance(response, FetchError):
            raise response
        document = parse_document(response.content, name=item["id"])
    except FetchError as exc:
        store.failed(item, str(exc), retry=exc.retry)
        report.failed += 1
        return None
    except RuenError as exc:  # a page with no text to read: the next run may find one
        store.failed(item, str(exc))
        report.failed += 1
        return None
    item["content_hash"] = hashlib.sha256(document.text.encode()).hexdigest()
    item["published"] = item["published"] or document.date
    return document


def _index(store: Store, window: timedelta) -> StoryIndex:
    """The stories digested within the window before now, to compare new pages against."""
    index = StoryIndex(window=window)
    since = (datetime.now(timezone.utc) - 2 * window).isoformat(timespec="seconds")
    for item_id, text, published in store.recent_texts(since):
        index.add(item_id, text, moment(published))
    return index

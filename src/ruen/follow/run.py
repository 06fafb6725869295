"""One run of ``ruen follow``: read every source, keep what is new, fetch it politely, set
reprints aside, digest the rest through one model, and store each result as it is done.

Why pages stream: each page goes to the model the moment it is read, whatever host it came
from, so a slow host holds up only its own pages (and those for at most the page deadline).
Pages are read (HTML to text) on a thread of their own, beside the model; what was read but
not yet digested when a run is interrupted is kept in the store, and the next run digests it
without fetching it again.

Why records come out of the store: a record is written out only after the transaction that
stored it, and marked written after that; a run killed in between writes it next time (the
command skips ids its output file already holds), so a killed run and its rerun leave the
store and the output an uninterrupted run leaves, nothing lost and nothing twice.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from ruen.documents import Document, parse_document
from ruen.errors import RuenError
from ruen.follow.fetch import Fetcher, FetchError, Politeness, Response
from ruen.follow.ids import canonical
from ruen.follow.shells import no_article
from ruen.follow.sources import Entry, Listing, Source, read_listing
from ruen.follow.store import Store, moment
from ruen.records import Digest, DocumentError
from ruen.stories import WINDOW, StoryIndex
from ruen.stories.grouping import StoryGroups
from ruen.stories.same_story import Telling

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
ATTEMPTS = 5  # runs that try a failed item (an item refused for good is not tried again)
# Pages a sitemap's first run keeps where it gives them no lastmod (in the sitemap's order).
FIRST_RUN_UNDATED = 50
Digester = Callable[[Iterable[Document]], Iterator[Digest | DocumentError]]
# The first bytes of files that are not pages, whatever type the server gives them.
NOT_PAGES = {
    b"%PDF-": "a PDF file",
    b"PK\x03\x04": "a ZIP file (or an Office document)",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"{\\rtf": "an RTF document",
}

__all__ = ["ATTEMPTS", "PAGE_TYPES", "Report", "canonical", "new_items", "run"]


@dataclass
class Report:
    """What a run did, for its summary line and exit code."""

    sources: int = 0
    unchanged: int = 0
    source_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, not a failure
    new: int = 0
    waiting: int = 0  # items left for the next run by --max-new
    digested: int = 0
    duplicates: int = 0
    failed: int = 0
    requests: int = 0  # HTTP requests made, robots.txt included
    fetch_seconds: float = 0.0  # from reading the sources to the last page fetched
    digest_seconds: float = 0.0  # from the first page digested to the last (they overlap)


def new_items(
    fetcher: Fetcher,
    store: Store,
    sources: list[Source],
    report: Report,
    *,
    record: bool = True,
    window: timedelta = WINDOW,
) -> list[dict[str, Any]]:
    """Read every source (hosts in parallel) and return the items to fetch, each once, the
    newest first: the new entries, and what earlier runs left pending or may mend. With
    ``record`` the new entries and each source's validators, success or error go to the
    store; without (a dry run) nothing does, so the next real run still sees every entry as
    new."""

    back_to = datetime.now(timezone.utc) - window

    def read(source: Source) -> Listing | FetchError:
        try:
            return read_listing(fetcher, source, validators=known[source.url], back_to=back_to)
        except FetchError as exc:
            return exc

    known = {source.url: store.validators(source.url) for source in sources}
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
        report.source_errors += listing.errors
        report.notes += listing.notes
        items: dict[str, dict[str, Any]] = {}
        texts: dict[str, Entry] = {}
        old = set()  # listed only so that an edit is seen: never new
        for entry in listing.entries:
            key = entry_id(entry)
            items.setdefault(key, _item(entry, source))
            if entry.text is not None:
                texts[key] = entry
            if entry.old:
                old.add(key)
        settled = store.settled(list(items))
        new = [
            i
            for key, i in items.items()
            if key not in settled and key not in unlisted and key not in old
        ]
        passed: list[dict[str, Any]] = []
        if listing.kind == "sitemap" and not store.read_before(source.url):
            new, passed = _first_run(new, back_to)
            if passed:
                report.notes.append(
                    f"{source.name or source.url}: a first run of a sitemap keeps the "
                    f"{len(new)} pages within the window (--window) and marks {len(passed)} "
                    "older ones seen, never news"
                )
        # A post whose text changed since it was digested (an edit) is read again.
        edited = [items[key] for key in store.edited({k: _hash(e.text) for k, e in texts.items()})]
        unlisted.update((item["id"], item) for item in new)
        if record:
            error = "; ".join(listing.errors) or None
            store.listed(source.url, source.name, listing.validators, new, error, passed)
            for item in [*new, *edited]:  # a post's text is in the listing: kept as read
                if item["id"] in texts:
                    item["content_hash"] = _hash(texts[item["id"]].text)
                    document = _post_document(texts[item["id"]])
                    store.fetched(item, {**document, "name": item["id"]})
    # The run works on the sources it names: another source's retries wait for its own runs
    # (else they could take every --max-new slot of a run asked for one feed).
    named = {source.url for source in sources} | {None}  # None: an item of layout 1's stores
    everything = store.todo(ATTEMPTS)
    todo = [item for item in everything if item.get("source_url") in named]
    if len(todo) < len(everything):
        held = len(everything) - len(todo)
        report.notes.append(
            f"{held} item{'s' if held != 1 else ''} of sources not named in this run wait for "
            "their own runs"
        )
    if record:
        return todo
    known_ids = {item["id"] for item in todo}
    fresh = [item for key, item in unlisted.items() if key not in known_ids]
    return sorted(todo + fresh, key=lambda i: i["published"] or "", reverse=True)


def _first_run(
    items: list[dict[str, Any]], back_to: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(kept, passed) of a sitemap's first run: the pages whose lastmod falls within the
    window, or, of those it does not date, the first :data:`FIRST_RUN_UNDATED` in the
    sitemap's order; the rest are its archive, seen and never news."""
    kept, passed, undated = [], [], 0
    for item in items:
        when = moment(item.get("published"))
        if when is None:
            undated += 1
            (kept if undated <= FIRST_RUN_UNDATED else passed).append(item)
        else:
            (kept if when >= back_to else passed).append(item)
    return kept, passed


def _hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def _post_document(entry: Entry) -> dict[str, Any]:
    """A post as a document: its first line the title where it stands as a paragraph of its
    own (channels put a bold headline there, a blank line after it), the rest the text."""
    text = entry.text or ""
    first, _, rest = text.partition("\n\n")
    title = None
    if rest.strip() and "\n" not in first and len(first) <= 200:
        title, text = first.strip(), rest.strip()
    return asdict(Document(text, title, entry.published, entry.url, "text", "utf-8", None))


def entry_id(entry: Entry) -> str:
    """An entry's id: its page's (:func:`canonical`), and its anchor where the listing's items
    are anchors of one page (``/news#n4``, ``/news#n5``)."""
    fragment = urlsplit(entry.url).fragment
    page = canonical(entry.url)
    return f"{page}#{fragment}" if entry.anchored and fragment else page


def _item(entry: Entry, source: Source) -> dict[str, Any]:
    return {
        "id": entry_id(entry),
        "url": entry.url,
        "source": source.name or source.url,
        "source_url": source.url,
        "published": entry.published,
        "state": "pending",
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

    Pages are fetched and read on threads of their own while the model digests those already
    read, so fetching never waits on the model; the store is written on this thread only.
    ``max_new`` takes the newest items; the rest wait for the next run.
    """
    report = report if report is not None else Report()
    yield from store.unwritten()
    started = time.perf_counter()
    with Fetcher(politeness) as fetcher:
        items = new_items(fetcher, store, sources, report, window=window)
        if max_new is not None:  # the newest first; the rest wait for the next run
            report.waiting = max(0, len(items) - max_new)
            items = items[:max_new]
        # Then oldest first, so that of two tellings of one story the earlier is the story
        # and the later its reprint (pages of different hosts still arrive as they come).
        items.reverse()
        report.new = len(items)
        yield from store.unwritten()
        if not items:
            report.requests = fetcher.requests
            report.fetch_seconds = time.perf_counter() - started
            return
        pages = _Pages(store, fetcher, items, report, started)
        index: list[StoryIndex] = []  # built at the first page that arrives
        groups: list[StoryGroups] = []  # and the stories a page may be one of
        digest_started = 0.0
        held: dict[str, tuple[dict[str, Any], Document]] = {}  # given to the model, not done
        displaced: dict[str, str] = {}  # held, but a reprint of a page read since

        def documents() -> Iterator[Document]:
            for item, document in pages:
                if not index:
                    index.append(_index(store, window))
                repeated, later = index[0].place(
                    item["id"], document.text, moment(item["published"])
                )
                if repeated is not None:
                    store.duplicate(item, repeated)
                    report.duplicates += 1
                    continue
                if later is not None:  # the copy came first: the original takes its place
                    if later in held:
                        displaced[later] = item["id"]
                    else:
                        store.reprint_of(later, item["id"])
                    report.duplicates += 1
                held[item["id"]] = (item, document)
                yield document

        try:
            for batch in _batches(documents(), pages):
                yield from store.unwritten()  # what reading stored (failures, reprints)
                digest_started = digest_started or time.perf_counter()
                for result in digester(batch):  # the model is loaded at the first page
                    item, document = held.pop(result.id or "")  # held no longer than needed
                    if item["id"] in displaced:  # read again as a reprint meanwhile
                        store.duplicate(item, displaced.pop(item["id"]))
                    elif isinstance(result, DocumentError):
                        store.failed(item, result.error)
                        report.failed += 1
                    else:
                        record = result.to_dict()
                        record.pop("id", None)
                        if not groups:
                            groups.append(_groups(store))
                        telling = Telling.of(
                            document.text,
                            document.title,
                            source=item["source"],
                            published=moment(item["published"]) or datetime.now(timezone.utc),
                        )
                        story = groups[0].add(item["id"], telling)
                        store.done(item, record, document.text, story)
                        report.digested += 1
                    report.digest_seconds = time.perf_counter() - digest_started
                    yield from store.unwritten()
        except BaseException as exc:  # interrupted (Ctrl-C, or the reader went away), or a
            # fault: keep what was read, for the next run
            fetcher.stopped.set()
            fault = isinstance(exc, Exception) and not isinstance(exc, BrokenPipeError)
            for item, document in [*held.values(), *pages.drain()]:
                if fault and item["id"] in held:
                    # Given to the model when it failed: one attempt spent, so that a page
                    # that fails every run is tried ATTEMPTS times, then stays failed.
                    store.failed(item, f"internal error while digesting: {exc!r}")
                else:
                    store.fetched(item, _as_dict(document))
            raise
        finally:
            report.requests = fetcher.requests
    yield from store.unwritten()


# Characters of Russian given to the model at once, at most: about pipeline.WINDOW sentences.
BATCH_CHARACTERS = 40_000


def _batches(documents: Iterator[Document], pages: _Pages) -> Iterator[list[Document]]:
    """The documents in batches of what has arrived: a batch ends where no other page is
    ready (so that a page never waits for one that is still on its way: the model would
    otherwise wait to fill its window) or at :data:`BATCH_CHARACTERS`."""
    batch: list[Document] = []
    size = 0
    for document in documents:
        batch.append(document)
        size += len(document.text)
        if size >= BATCH_CHARACTERS or pages.idle():
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class _Pages:
    """The items' pages as they are read, whatever host they come from: first those an
    interrupted run kept, then each fetched page, read (HTML to text) on a thread of its own.
    A page that fails is stored as failed here and not given out."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        items: list[dict[str, Any]],
        report: Report,
        started: float,
    ) -> None:
        self.store, self.report, self.started = store, report, started
        self.kept = [item for item in items if item.get("state") == "fetched"]
        self._kept_left = len(self.kept)
        wanted = [item for item in items if item.get("state") != "fetched"]
        self.by_url = {item["url"]: item for item in wanted}
        self.read: queue.Queue[tuple[dict[str, Any], Document | RuenError] | None] = queue.Queue()
        self.thread = threading.Thread(
            target=self._fetch, args=(fetcher, list(self.by_url)), daemon=True
        )
        self.thread.start()

    def _fetch(self, fetcher: Fetcher, urls: list[str]) -> None:
        try:
            pages = fetcher.get_many(urls, accept=PAGE_TYPES, page=True)
            for url, response in pages:
                item = self.by_url[url]
                self.read.put((item, _read(item, response)))
        finally:
            self.report.fetch_seconds = time.perf_counter() - self.started
            self.read.put(None)

    def __iter__(self) -> Iterator[tuple[dict[str, Any], Document]]:
        for n, item in enumerate(self.kept):
            self._kept_left = len(self.kept) - n - 1
            stored = self.store.fetched_document(item["id"])
            if stored is not None:
                notes = tuple(stored.get("notes", ()))
                yield item, Document(**{**stored, "notes": notes, "name": item["id"]})
        while (arrived := self.read.get()) is not None:
            item, document = arrived
            if isinstance(document, RuenError):
                retry = getattr(document, "retry", True)
                counts = getattr(document, "counts", True)
                self.store.failed(item, str(document), retry=retry, counts=counts)
                self.report.failed += 1
                continue
            yield item, document

    def idle(self) -> bool:
        """Whether no page is ready to be given out right now."""
        return self._kept_left == 0 and self.read.empty()

    def drain(self) -> list[tuple[dict[str, Any], Document]]:
        """The pages read and not yet given out (the run is being interrupted)."""
        left = []
        while True:
            try:
                arrived = self.read.get_nowait()
            except queue.Empty:
                return left
            if arrived is not None and isinstance(arrived[1], Document):
                left.append(arrived)


def _read(item: dict[str, Any], response: Response | FetchError) -> Document | RuenError:
    """The item's page read as ``ruen digest`` reads a page, or why it cannot be."""
    if isinstance(response, FetchError):
        return response
    for magic, what in NOT_PAGES.items():
        if response.content.lstrip()[: len(magic)] == magic:
            kind = response.content_type or "no content type"
            return FetchError(item["url"], f"{what} (served as {kind}), not a page", retry=False)
    content = _whole_characters(response.content) if response.cut else response.content
    try:
        document = parse_document(
            content,
            name=item["id"],
            content_type=response.content_type,
            charset=response.charset,
        )
    except RuenError as exc:  # a page with no text to read: the next run may find one
        return exc
    hollow = no_article(response.content, document.title, document.text)
    if hollow:  # a shell, a soft 404: failed with the reason, tried again on later runs
        return FetchError(item["url"], hollow)
    if response.cut:
        size = f" of {response.size / 2**20:.1f} MB" if response.size else ""
        note = (
            f"the page was cut at {len(response.content) / 2**20:.0f} MB{size} when fetched: "
            "what follows that point is not in this digest"
        )
        document = Document(**{**_as_dict(document), "notes": (*document.notes, note)})
    item["content_hash"] = hashlib.sha256(document.text.encode()).hexdigest()
    item["published"] = item["published"] or document.date
    return document


def _whole_characters(content: bytes) -> bytes:
    """A body cut at a size limit, without the half of a UTF-8 character the cut may leave at
    its end (which would read as a stray byte); bytes of other encodings are left alone."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return content[: exc.start]
    return content


def _as_dict(document: Document) -> dict[str, Any]:
    data = asdict(document)
    data["notes"] = list(document.notes)
    return data


def _groups(store: Store) -> StoryGroups:
    """The stories told within reach of a new item, as earlier runs grouped them."""
    groups = StoryGroups()
    since = datetime.now(timezone.utc) - 2 * groups.window
    for item_id, text, title, source, when, story in store.recent_stories(since.isoformat()):
        telling = Telling.of(text, title, source=source, published=moment(when))
        groups.add(item_id, telling, story)
    return groups


def _index(store: Store, window: timedelta) -> StoryIndex:
    """The stories digested within the window before now, to compare new pages against."""
    index = StoryIndex(window=window)
    since = (datetime.now(timezone.utc) - 2 * window).isoformat(timespec="seconds")
    for item_id, text, published in store.recent_texts(since):
        index.add(item_id, text, moment(published))
    return index

"""What a source lists: the entries of a feed (RSS 0.9x/2.0, RDF, Atom), of a sitemap (sitemap
indexes, news sitemaps and gzipped sitemaps too), or of a site's page (the feed its ``<link
rel="alternate">`` names, else the sitemaps its robots.txt names).

A source may be a tree: an index names sitemaps, a page names a feed. Each of them is read on
its own, conditionally (its ETag and Last-Modified are kept in the store), so that an index
that answers 304 still has each of its sitemaps asked whether it changed, and one sitemap that
cannot be read is one error while the others' entries still come.

Why feedparser: it reads every feed dialect and date format there is; it has no timeouts of its
own, so it is fed the bytes ruen fetched. Sitemaps are plain XML and are read with lxml.
"""

from __future__ import annotations

import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

from ruen.errors import InputError, MissingExtraError
from ruen.follow.fetch import Fetcher, FetchError, Response

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# A feed's root element, after an XML declaration, comments and processing instructions.
_FEED_ROOT = re.compile(rb"(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*<(?:rss|feed|rdf:rdf)[\s>]", re.S)
GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/gzip-compressed")
# Child sitemaps read from one index in a run, the newest first by their lastmod; a listing
# says when an index names more.
MAX_SITEMAPS = 500
_URL = re.compile(r"^https?://", re.IGNORECASE)
_FEED_END = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>\s*$")


@dataclass(frozen=True)
class Source:
    url: str
    name: str | None = None


@dataclass(frozen=True)
class Entry:
    url: str
    published: str | None = None  # ISO 8601
    title: str | None = None
    # A post whose whole text the listing holds (a Telegram channel's): nothing to fetch.
    text: str | None = None
    # Listed again only so that an edit of it is seen: a channel's post no newer than the
    # newest an earlier run read, never news.
    old: bool = False
    # One of several items of a listing that are anchors of one page (/news#n4, /news#n5):
    # its anchor is part of its id, and its text is the listing's own (nothing to fetch).
    anchored: bool = False


@dataclass(frozen=True)
class Validators:
    """What a conditional request for one listing needs, and the listings it named (an
    index's sitemaps, a page's feed): asked again even when it answers 304."""

    etag: str | None = None
    last_modified: str | None = None
    children: tuple[str, ...] = ()


@dataclass
class Listing:
    """What one read of a source gave: its entries, whether nothing changed (every part of it
    answered 304), the validators of each part for the next run, and what went wrong in a
    part without stopping the others (``errors``) or is worth saying (``notes``)."""

    source: Source
    entries: list[Entry] = field(default_factory=list)
    not_modified: bool = False
    kind: str = "feed"  # feed, sitemap or page
    validators: dict[str, Validators] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # the parts that did not answer 304
    back_to: datetime | None = None  # how far back a new channel is read

    @property
    def etag(self) -> str | None:
        return self.validators.get(self.source.url, Validators()).etag

    @property
    def last_modified(self) -> str | None:
        return self.validators.get(self.source.url, Validators()).last_modified


def read_sources(arguments: list[str]) -> list[Source]:
    """URLs, and files that list sources one a line (``URL [name]``, the name after a space or
    a tab; ``#`` comments)."""
    from ruen.follow.telegram import channel_url

    found: list[Source] = []
    for argument in arguments:
        if channel_url(argument):
            found.append(Source(channel_url(argument) or argument))
            continue
        if _URL.match(argument):
            found.append(Source(argument))
            continue
        path = Path(argument)
        if not path.is_file():
            raise InputError(f"{argument}: neither an http(s) address nor a file of sources")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{argument}: a file of sources must be UTF-8") from None
        except OSError as exc:
            raise InputError(f"{argument}: cannot be read ({exc.strerror or exc})") from None
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            if not line:
                continue
            url, *name = line.split(None, 1)
            url = channel_url(url) or url  # t.me/NAME, @NAME: a Telegram channel's preview
            if not _URL.match(url):
                raise InputError(f"{os.fspath(path)}, line {number}: {url!r} is not an http(s) URL")
            found.append(Source(url, " ".join(name[0].split()) if name else None))
    unique: dict[str, Source] = {}
    for source in found:  # the first mention of a URL wins (it may carry the name)
        unique.setdefault(source.url, source)
    return list(unique.values())


def read_listing(
    fetcher: Fetcher,
    source: Source,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    validators: dict[str, Validators] | None = None,
    back_to: datetime | None = None,
) -> Listing:
    """The entries ``source`` lists now: conditional requests where ``validators`` (or
    ``etag`` and ``last_modified``, for the source itself) are known. Raises FetchError when
    the source itself cannot be read; a part of it that cannot be read is in ``errors``.
    ``back_to``: how far back a Telegram channel read for the first time is paged."""
    known = dict(validators or {})
    if etag or last_modified:
        own = known.get(source.url, Validators())
        known[source.url] = Validators(etag, last_modified, own.children)
    listing = Listing(source)
    listing.back_to = back_to
    listing.entries = _read(fetcher, source.url, known, listing, 0)
    listing.not_modified = bool(listing.validators) and not listing.changed
    return listing


def _read(
    fetcher: Fetcher, url: str, known: dict[str, Validators], listing: Listing, depth: int
) -> list[Entry]:
    """The entries of one listing, and of the listings it names."""
    was = known.get(url, Validators())
    response = fetcher.get(url, etag=was.etag, last_modified=was.last_modified)
    if response.not_modified:
        listing.validators[url] = was
        return _children(fetcher, was.children, known, listing, depth)
    listing.changed.add(url)
    content = _unzipped(response, fetcher.politeness.max_bytes)
    from ruen.follow.telegram import channel_name, is_channel_address, is_preview

    if is_preview(content):
        if depth == 0:
            listing.kind = "channel"
        return _channel(fetcher, url, response, content, known, listing)
    if depth == 0 and is_channel_address(url):
        raise FetchError(
            url,
            f"channel {channel_name(url)}: no public posts (it does not exist, is private, or "
            "its preview is restricted)",
        )
    kind = _kind(response, content)
    if depth == 0:
        listing.kind = kind
    children: list[str] = []
    entries: list[Entry] = []
    if kind == "sitemap":
        entries, children = _sitemap(response.url, content, listing, depth)
    elif kind == "feed":
        entries = _feed_entries(response, content, listing)
    elif depth == 0:
        children = _page_children(fetcher, response, content)
    else:
        raise FetchError(url, "a web page where a feed or sitemap was expected", retry=False)
    listing.validators[url] = Validators(
        response.etag or None, response.last_modified or None, tuple(children)
    )
    return entries + _children(fetcher, tuple(children), known, listing, depth)


def _children(
    fetcher: Fetcher,
    children: tuple[str, ...],
    known: dict[str, Validators],
    listing: Listing,
    depth: int,
) -> list[Entry]:
    """The entries of each listing an index or a page named, each read on its own."""
    entries: list[Entry] = []
    if depth >= 2:
        if children:
            listing.notes.append(f"{len(children)} sitemaps nested three deep not read")
        return entries
    for child in children:
        try:
            entries += _read(fetcher, child, known, listing, depth + 1)
        except FetchError as exc:
            listing.errors.append(str(exc))
    return entries


def _channel(
    fetcher: Fetcher,
    url: str,
    response: Response,
    content: bytes,
    known: dict[str, Validators],
    listing: Listing,
) -> list[Entry]:
    """A Telegram channel's posts: this page, and the pages before it back to the newest
    post an earlier run saw, or on a first run as far back as ``listing.back_to``, at most
    :data:`~ruen.follow.telegram.MAX_PAGES` pages. Its validators keep the newest post."""
    from ruen.follow.telegram import MAX_PAGES, post_number, posts

    seen = known.get(url, Validators()).etag or ""
    newest_seen = int(seen.removeprefix("post:")) if seen.startswith("post:") else None
    found, earlier = posts(content, response.url)
    pages = 1
    while earlier and found and pages < MAX_PAGES:
        oldest = found[0]
        number = post_number(oldest.url)
        if newest_seen is not None and number <= newest_seen:
            break  # back to what an earlier run read
        if newest_seen is None and (
            listing.back_to is None
            or (oldest.published and datetime.fromisoformat(oldest.published) < listing.back_to)
        ):
            break  # a first run goes back as far as the window, no further
        older, earlier = posts(fetcher.get(earlier, page=True).content, earlier)
        if not older:
            break
        found = older + [post for post in found if post.url not in {p.url for p in older}]
        pages += 1
    if found:
        newest = max(post_number(post.url) for post in found)
        listing.validators[url] = Validators(f"post:{max(newest, newest_seen or 0)}")
    if newest_seen is None and listing.back_to is not None:  # a first run: the window only
        found = [
            post
            for post in found
            if not post.published or datetime.fromisoformat(post.published) >= listing.back_to
        ]
    newest_seen = newest_seen or 0
    return [
        Entry(post.url, post.published, None, post.text, old=post_number(post.url) <= newest_seen)
        for post in found
    ]


def _unzipped(response: Response, limit: int) -> bytes:
    """The body, gunzipped where it is a gzip file (``.xml.gz`` by name, type or its first
    bytes), at most ``limit`` bytes of it."""
    content = response.content
    gzipped = content[:2] == b"\x1f\x8b" and (
        response.content_type in GZIP_TYPES
        or response.url.split("?", 1)[0].lower().endswith(".gz")
        or not response.content_type
        or response.content_type == "application/octet-stream"
    )
    if not gzipped:
        return content
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(content, limit + 1)
    except zlib.error as exc:
        raise FetchError(response.url, f"a gzip file that cannot be read ({exc})") from None
    if len(data) > limit:
        raise FetchError(
            response.url, f"over {limit / 2**20:.0f} MB once unzipped; not read", retry=False
        )
    return data


def _kind(response: Response, content: bytes) -> str:
    """What a listing is by its bytes first (old CMSs serve RSS as text/html), then by its
    type."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if _FEED_ROOT.match(head):
        return "feed"
    if response.content_type in ("text/html", "application/xhtml+xml") or re.match(
        rb"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)", head, re.S
    ):
        return "page"
    return "feed"


def _feed_entries(response: Response, content: bytes, listing: Listing) -> list[Entry]:
    try:
        import feedparser
    except ImportError:
        raise MissingExtraError("reading feeds", "follow", "feedparser") from None
    parsed = feedparser.parse(content, response_headers={"content-location": response.url})
    summaries: dict[str, str] = {}
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no feed entries"
        raise FetchError(response.url, f"not a feed that can be read ({reason})")
    entries = []
    for item in parsed.entries:
        link = item.get("link") or next(
            (x.get("href") for x in item.get("links", []) if x.get("href")), None
        )
        if not link:
            continue
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = datetime(*stamp[:6], tzinfo=timezone.utc).isoformat() if stamp else None
        entries.append(Entry(urljoin(response.url, link), published, item.get("title")))
        summaries[entries[-1].url] = item.get("summary") or ""
    entries = _anchored(entries, summaries)
    if parsed.entries and not _FEED_END.search(content[-512:]):
        listing.errors.append(
            f"{response.url}: the feed ends before its closing tag (cut short in transfer?): "
            f"{len(entries)} items read; the rest next run"
        )
    return entries


def _anchored(entries: list[Entry], summaries: dict[str, str]) -> list[Entry]:
    """Entries that differ only by their anchor (items of one page, ``/news#n4``,
    ``/news#n5``) keep it in their id, and take the feed's title and description as their
    text: fetching the page would give each the same whole page."""
    pages = Counter(entry.url.split("#", 1)[0] for entry in entries if "#" in entry.url)
    shared = {page for page, n in pages.items() if n > 1}
    if not shared:
        return entries
    made = []
    for entry in entries:
        if "#" in entry.url and entry.url.split("#", 1)[0] in shared:
            body = _plain(summaries.get(entry.url, ""))
            text = "\n\n".join(part for part in (entry.title, body) if part) or None
            entry = replace(entry, anchored=True, text=text)
        made.append(entry)
    return made


def _plain(markup: str) -> str:
    """A feed's description as text (it may be HTML)."""
    if "<" not in markup:
        return markup.strip()
    from lxml import html

    try:
        return " ".join(html.fromstring(markup).text_content().split())
    except Exception:  # lxml gives up on some broken markup: the tags dropped by hand
        return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def _sitemap(
    url: str, content: bytes, listing: Listing, depth: int
) -> tuple[list[Entry], list[str]]:
    """A sitemap's entries, or an index's child sitemaps (the newest first, at most
    :data:`MAX_SITEMAPS`, a note saying so where there are more)."""
    from lxml import etree

    try:
        root = etree.fromstring(
            content, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        )
    except etree.XMLSyntaxError as exc:
        raise FetchError(url, f"not a sitemap that can be read ({exc})") from None
    if etree.QName(root).localname == "sitemapindex":
        named = [
            (_text(node, "lastmod") or "", urljoin(url, location))
            for node in root
            if etree.QName(node).localname == "sitemap" and (location := _text(node, "loc"))
        ]
        if len(named) > MAX_SITEMAPS:
            listing.notes.append(
                f"{url}: an index of {len(named)} sitemaps; the {MAX_SITEMAPS} newest by their "
                "lastmod are read"
            )
            named = sorted(named, key=lambda pair: pair[0], reverse=True)[:MAX_SITEMAPS]
        return [], list(dict.fromkeys(location for _, location in named))
    entries: list[Entry] = []
    for node in root:
        if etree.QName(node).localname != "url":
            continue
        location = _text(node, "loc")
        if not location:
            continue
        published = _text(node, "publication_date") or _text(node, "lastmod")
        entries.append(Entry(urljoin(url, location), published, _text(node, "title")))
    return entries, []


def _text(node: object, name: str) -> str | None:
    """The text of the first descendant named ``name`` in any namespace (news:title...)."""
    for child in node.iter():  # type: ignore[attr-defined]
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip() or None
    return None


def _page_children(fetcher: Fetcher, response: Response, content: bytes) -> list[str]:
    """A site's page: the feed it names, else the sitemaps its robots.txt names."""
    from lxml import html

    try:
        page = html.fromstring(content)
    except Exception as exc:  # lxml gives up on some broken markup
        raise FetchError(response.url, f"a page that cannot be read ({exc})") from None
    feeds = [
        urljoin(response.url, link.get("href"))
        for link in page.iter("link")
        if "alternate" in (link.get("rel") or "").lower().split()
        and (link.get("type") or "").lower() in FEED_TYPES
        and link.get("href")
    ]
    if feeds:
        return feeds[:1]
    sitemaps = fetcher.sitemaps(response.url)
    if not sitemaps:
        raise FetchError(response.url, "a page that names no feed, and no sitemap in robots.txt")
    return sitemaps

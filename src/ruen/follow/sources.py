"""What a source lists: the entries of a feed (RSS 0.9x/2.0, RDF, Atom), of a sitemap (sitemap
indexes and news sitemaps too), or of a site's page (the feeds its ``<link rel="alternate">``
names, else the sitemaps its robots.txt names).

Why feedparser: it reads every feed dialect and date format there is; it has no timeouts of its
own, so it is fed the bytes ruen fetched. Sitemaps are plain XML and are read with lxml.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

from ruen.errors import InputError, MissingExtraError
from ruen.follow.fetch import Fetcher, FetchError, Response

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
MAX_SITEMAPS = 20  # sitemaps read from one index in a run


@dataclass(frozen=True)
class Source:
    url: str
    name: str | None = None


@dataclass(frozen=True)
class Entry:
    url: str
    published: str | None = None  # ISO 8601
    title: str | None = None


@dataclass
class Listing:
    """What one read of a source gave: its entries, or that it did not change (304)."""

    source: Source
    entries: list[Entry] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    kind: str = "feed"  # feed, sitemap or page


def read_sources(arguments: list[str]) -> list[Source]:
    """URLs, and files that list sources one a line (``URL [name]``, ``#`` comments)."""
    found: list[Source] = []
    for argument in arguments:
        if re.match(r"^https?://", argument, flags=re.IGNORECASE):
            found.append(Source(argument))
            continue
        path = Path(argument)
        if not path.is_file():
            raise InputError(f"{argument}: neither an http(s) address nor a file of sources")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            if not line:
                continue
            url, _, name = line.partition(" ")
            if not re.match(r"^https?://", url, flags=re.IGNORECASE):
                raise InputError(f"{os.fspath(path)}, line {number}: {url!r} is not an http(s) URL")
            found.append(Source(url, name.strip() or None))
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
) -> Listing:
    """The entries ``source`` lists now; a conditional request when ``etag`` or
    ``last_modified`` is known. Raises FetchError for a source that cannot be read."""
    response = fetcher.get(source.url, etag=etag, last_modified=last_modified)
    listing = Listing(source, etag=response.etag or etag, last_modified=response.last_modified)
    if response.not_modified:
        listing.not_modified = True
        listing.last_modified = last_modified
        return listing
    kind = _kind(response)
    listing.kind = kind
    if kind == "sitemap":
        listing.entries = _sitemap_entries(fetcher, response)
    elif kind == "feed":
        listing.entries = _feed_entries(response)
    else:
        listing.entries = _page_entries(fetcher, response)
    return listing


def _kind(response: Response) -> str:
    head = response.content[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if response.content_type in ("text/html", "application/xhtml+xml") or head.startswith(
        (b"<!doctype html", b"<html")
    ):
        return "page"
    return "feed"


def _feed_entries(response: Response) -> list[Entry]:
    try:
        import feedparser
    except ImportError:
        raise MissingExtraError("reading feeds", "follow", "feedparser") from None
    parsed = feedparser.parse(response.content, response_headers={"content-location": response.url})
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
    return entries


def _sitemap_entries(fetcher: Fetcher, response: Response, depth: int = 0) -> list[Entry]:
    from lxml import etree

    try:
        root = etree.fromstring(response.content, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise FetchError(response.url, f"not a sitemap that can be read ({exc})") from None
    tag = etree.QName(root).localname
    entries: list[Entry] = []
    if tag == "sitemapindex":
        if depth > 1:
            return entries
        locations = [
            _text(node, "loc") for node in root if etree.QName(node).localname == "sitemap"
        ]
        for location in [loc for loc in locations if loc][:MAX_SITEMAPS]:
            try:
                child = fetcher.get(urljoin(response.url, location))
            except FetchError:
                continue
            entries += _sitemap_entries(fetcher, child, depth + 1)
        return entries
    for node in root:
        if etree.QName(node).localname != "url":
            continue
        location = _text(node, "loc")
        if not location:
            continue
        published = _text(node, "publication_date") or _text(node, "lastmod")
        entries.append(Entry(urljoin(response.url, location), published, _text(node, "title")))
    return entries


def _text(node: object, name: str) -> str | None:
    """The text of the first descendant named ``name`` in any namespace (news:title...)."""
    for child in node.iter():  # type: ignore[attr-defined]
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip() or None
    return None


def _page_entries(fetcher: Fetcher, response: Response) -> list[Entry]:
    """A site's page: the feeds it names, else the sitemaps of its robots.txt."""
    from lxml import html

    page = html.fromstring(response.content)
    feeds = [
        urljoin(response.url, link.get("href"))
        for link in page.iter("link")
        if "alternate" in (link.get("rel") or "").lower().split()
        and (link.get("type") or "").lower() in FEED_TYPES
        and link.get("href")
    ]
    for feed in feeds:
        return _feed_entries(fetcher.get(feed))
    entries: list[Entry] = []
    for sitemap in fetcher.sitemaps(response.url)[:MAX_SITEMAPS]:
        entries += _sitemap_entries(fetcher, fetcher.get(sitemap))
    if not entries:
        raise FetchError(response.url, "a page that names no feed, and no sitemap in robots.txt")
    return entries

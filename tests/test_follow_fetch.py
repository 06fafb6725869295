"""Fetching politely and reading sources, against a real HTTP server on 127.0.0.1 that the
tests start (no network): robots.txt obeyed, the per-host delay, conditional GET, 429 with
Retry-After, a 500 then a 200, redirect loops, huge pages, wrong content types, slow bodies,
feeds of every dialect, a broken feed, sitemaps and their indexes, a page that names its feed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("protego", reason="ruen follow needs ruen[follow]")
pytest.importorskip("feedparser", reason="ruen follow needs ruen[follow]")

import itertools

from ruen.errors import InputError
from ruen.follow import Fetcher, FetchError, Politeness, Source, read_listing, read_sources
from tests.loopback import PAGE, Reply, Site, html

FAST = Politeness(delay=0.01, read_timeout=2.0, connect_timeout=2.0)


def test_robots_txt_is_obeyed_and_the_user_agent_names_ruen(site: Site) -> None:
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"User-agent: *\nDisallow: /private/\n")
    site.routes["/news/1"] = html()
    site.routes["/private/2"] = html()
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(f"{site.url}/news/1").content == PAGE.encode()
        with pytest.raises(FetchError, match=r"robots\.txt; not requested"):
            fetcher.get(f"{site.url}/private/2")
    assert site.paths() == ["/robots.txt", "/news/1"]  # the disallowed page never asked for
    assert all(h["user-agent"].startswith("ruen/") for _, _, h in site.log)


def test_one_host_is_asked_at_most_once_per_delay_and_its_crawl_delay(site: Site) -> None:
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"User-agent: *\nCrawl-delay: 0.3\n")
    for n in range(4):
        site.routes[f"/n/{n}"] = html()
    with Fetcher(Politeness(delay=0.05)) as fetcher:
        results = list(fetcher.get_many(f"{site.url}/n/{n}" for n in range(4)))
    assert all(not isinstance(r, FetchError) for _, r in results)
    times = [t for t, path, _ in site.log if path.startswith("/n/")]
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(times)), times


def test_conditional_get_gives_not_modified(site: Site) -> None:
    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, RSS.encode()

    site.routes["/feed"] = feed
    with Fetcher(FAST) as fetcher:
        first = read_listing(fetcher, Source(f"{site.url}/feed"))
        assert first.etag == '"v1"' and len(first.entries) == 2 and not first.not_modified
        again = read_listing(fetcher, Source(f"{site.url}/feed"), etag=first.etag)
    assert again.not_modified and again.entries == [] and again.etag == '"v1"'


def test_429_with_retry_after_and_a_500_then_a_200_are_retried(site: Site) -> None:
    calls = {"/busy": 0, "/flaky": 0, "/down": 0}

    def busy(_h: dict[str, str]) -> Reply:
        calls["/busy"] += 1
        return (429, {"Retry-After": "1"}, b"") if calls["/busy"] == 1 else html()(_h)

    def flaky(_h: dict[str, str]) -> Reply:
        calls["/flaky"] += 1
        return (500, {}, b"") if calls["/flaky"] == 1 else html()(_h)

    def down(_h: dict[str, str]) -> Reply:
        calls["/down"] += 1
        return 503, {}, b""

    site.routes.update({"/busy": busy, "/flaky": flaky, "/down": down})
    with Fetcher(FAST) as fetcher:
        start = time.monotonic()
        assert fetcher.get(f"{site.url}/busy").status == 200
        assert time.monotonic() - start >= 0.95  # Retry-After honoured
        assert fetcher.get(f"{site.url}/flaky").status == 200
        with pytest.raises(FetchError, match="HTTP 503, 3 tries"):
            fetcher.get(f"{site.url}/down")
    assert calls == {"/busy": 2, "/flaky": 2, "/down": 3}


def test_redirects_are_followed_up_to_five_and_a_loop_is_seen_at_once(site: Site) -> None:
    for n in range(3):
        site.routes[f"/r{n}"] = lambda _h, n=n: (301, {"Location": f"/r{n + 1}"}, b"")
    site.routes["/r3"] = html()
    for n in range(7):
        site.routes[f"/far{n}"] = lambda _h, n=n: (302, {"Location": f"/far{n + 1}"}, b"")
    site.routes["/loop"] = lambda _h: (302, {"Location": "/loop2"}, b"")
    site.routes["/loop2"] = lambda _h: (302, {"Location": "/loop"}, b"")
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(f"{site.url}/r0").url == f"{site.url}/r3"
        with pytest.raises(FetchError, match="more than 5 redirects") as far:
            fetcher.get(f"{site.url}/far0")
        with pytest.raises(FetchError, match="a redirect loop") as loop:
            fetcher.get(f"{site.url}/loop")
        with pytest.raises(FetchError, match="not an http or https address") as ftp:
            fetcher.get("ftp://127.0.0.1/file")
    assert not far.value.retry and not loop.value.retry and not ftp.value.retry  # cannot heal
    assert site.paths().count("/loop") == 1 and site.paths().count("/loop2") == 1


def test_huge_listings_wrong_types_and_slow_bodies_are_errors_not_crashes(site: Site) -> None:
    big = b"x" * 5000
    site.routes["/big"] = lambda _h: (200, {"Content-Type": "text/html"}, big)
    site.routes["/undeclared"] = lambda _h: (
        200,
        {"Content-Type": "text/html", "Content-Length": str(len(big)), "Connection": "close"},
        big,
    )
    site.routes["/pdf"] = lambda _h: (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4")

    def slow(_h: dict[str, str]) -> Reply:
        time.sleep(1.5)
        return 200, {"Content-Type": "text/html"}, b"late"

    site.routes["/slow"] = slow
    politeness = Politeness(
        delay=0.01, read_timeout=0.5, max_bytes=1000, page_bytes=1000, tries=2, page_deadline=5
    )
    with Fetcher(politeness) as fetcher:
        with pytest.raises(FetchError, match=r"over 0 MB|MB, over"):
            fetcher.get(f"{site.url}/big")
        with pytest.raises(FetchError, match="application/pdf, not text/html"):
            fetcher.get(f"{site.url}/pdf", accept=("text/html",))
        with pytest.raises(FetchError, match="timed out"):
            fetcher.get(f"{site.url}/slow")
        cut = fetcher.get(f"{site.url}/undeclared", page=True)  # a page is cut, not refused
        assert cut.cut and cut.content == big[:1000] and cut.size == 5000


RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Минфин</title>
<item><title>Первая</title><link>/news/1</link><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Вторая</title><link>http://127.0.0.1/news/2?utm_source=rss</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Росстат</title><entry><title>Индекс</title><link href="/a/1"/>
<updated>2026-11-29T10:00:00Z</updated></entry></feed>"""
RDF = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>ФНС</title></channel>
<item rdf:about="/r/1"><title>Сообщение</title><link>/r/1</link></item></rdf:RDF>"""
SITEMAP = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>/s/1</loc>
<news:news><news:publication_date>2026-11-30T07:00:00+03:00</news:publication_date>
<news:title>Заседание</news:title></news:news></url><url><loc>/s/2</loc>
<lastmod>2026-11-28</lastmod></url></urlset>"""
INDEX = """<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>/sitemap-news.xml</loc></sitemap></sitemapindex>"""


@pytest.mark.parametrize(
    ("body", "urls", "first_published"),
    [
        (RSS, ["/news/1", "http://127.0.0.1/news/2?utm_source=rss"], "2026-11-30T08:00:00+00:00"),
        (ATOM, ["/a/1"], "2026-11-29T10:00:00+00:00"),
        (RDF, ["/r/1"], None),
    ],
    ids=["rss", "atom", "rdf"],
)
def test_feeds_of_every_dialect(
    site: Site, body: str, urls: list[str], first_published: str | None
) -> None:
    site.routes["/feed"] = lambda _h: (200, {"Content-Type": "application/xml"}, body.encode())
    with Fetcher(FAST) as fetcher:
        listing = read_listing(fetcher, Source(f"{site.url}/feed"))
    assert listing.kind == "feed"
    expected = [u if u.startswith("http") else site.url + u for u in urls]
    assert [e.url for e in listing.entries] == expected
    assert listing.entries[0].published == first_published


def test_a_broken_feed_is_one_error_line(site: Site) -> None:
    site.routes["/feed"] = lambda _h: (200, {"Content-Type": "application/rss+xml"}, b"<rss><chan")
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="not a feed that can be read"):
        read_listing(fetcher, Source(f"{site.url}/feed"))


def test_sitemap_indexes_and_news_sitemaps(site: Site) -> None:
    site.routes["/sitemap.xml"] = lambda _h: (
        200,
        {"Content-Type": "application/xml"},
        INDEX.encode(),
    )
    site.routes["/sitemap-news.xml"] = lambda _h: (
        200,
        {"Content-Type": "application/xml"},
        SITEMAP.encode(),
    )
    with Fetcher(FAST) as fetcher:
        listing = read_listing(fetcher, Source(f"{site.url}/sitemap.xml"))
    assert listing.kind == "sitemap"
    assert [(e.url, e.published, e.title) for e in listing.entries] == [
        (f"{site.url}/s/1", "2026-11-30T07:00:00+03:00", "Заседание"),
        (f"{site.url}/s/2", "2026-11-28", None),
    ]


def test_a_page_names_its_feed_or_robots_txt_its_sitemap(site: Site) -> None:
    link = '<link rel="alternate" type="application/rss+xml" href="/feed">'
    site.routes["/"] = html(PAGE.replace("<head>", f"<head>{link}"))
    site.routes["/feed"] = lambda _h: (200, {"Content-Type": "application/rss+xml"}, RSS.encode())
    site.routes["/bare"] = html()
    with Fetcher(FAST) as fetcher:
        listing = read_listing(fetcher, Source(f"{site.url}/"))
        assert listing.kind == "page" and len(listing.entries) == 2
        with pytest.raises(FetchError, match="names no feed, and no sitemap"):
            read_listing(fetcher, Source(f"{site.url}/bare"))
    site.routes["/robots.txt"] = lambda _h: (200, {}, f"Sitemap: {site.url}/sm.xml\n".encode())
    site.routes["/sm.xml"] = lambda _h: (200, {"Content-Type": "application/xml"}, SITEMAP.encode())
    with Fetcher(FAST) as fetcher:
        listing = read_listing(fetcher, Source(f"{site.url}/bare"))
    assert [e.url for e in listing.entries] == [f"{site.url}/s/1", f"{site.url}/s/2"]
    # A relative Sitemap line (was "not an http or https address", nothing read).
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"Sitemap: /sm.xml\n")
    with Fetcher(FAST) as fetcher:
        listing = read_listing(fetcher, Source(f"{site.url}/bare"))
    assert [e.url for e in listing.entries] == [f"{site.url}/s/1", f"{site.url}/s/2"]


def test_source_lists(tmp_path: Path) -> None:
    listed = tmp_path / "sources.txt"
    listed.write_text(
        "# ministries\nhttps://minfin.gov.ru/ru/press-center/rss Минфин\n\n"
        "http://www.mpt.gov.by/ru/news.xml  # no name\nhttps://minfin.gov.ru/ru/press-center/rss\n",
        encoding="utf-8",
    )
    assert read_sources([str(listed), "https://rosstat.gov.ru/rss"]) == [
        Source("https://minfin.gov.ru/ru/press-center/rss", "Минфин"),
        Source("http://www.mpt.gov.by/ru/news.xml"),
        Source("https://rosstat.gov.ru/rss"),
    ]
    bad = tmp_path / "bad.txt"
    bad.write_text("minfin.gov.ru\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: 'minfin\.gov\.ru' is not an http"):
        read_sources([str(bad)])
    with pytest.raises(InputError, match="neither an http"):
        read_sources([str(tmp_path / "missing.txt")])

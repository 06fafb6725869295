"""``ruen follow`` on the wild web, part two: what sites really serve, each row of the issue a
test against a real HTTP server on 127.0.0.1: a feed served as text/html, a feed cut off in
transfer, feed items that are anchors of one page, a sitemap's first run over two years of
pages, a meta refresh, a redirect by script, a JavaScript shell and a "page not found" served
with 200, a Telegram channel that does not exist, session ids in links, a store locked, read
only or full, a briefing's failed entry polled, and --max-new with another source's retry."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytest.importorskip("protego", reason="ruen follow needs ruen[follow]")
pytest.importorskip("rensa", reason="ruen follow needs ruen[follow]")

from ruen.follow import Fetcher, FetchError, Politeness, Source, read_listing
from tests.loopback import Site
from tests.test_follow import rss
from tests.test_follow_faults import ROBOTS_ALL, follow, serve_pages, states

QUICK = Politeness(delay=0.01, read_timeout=2.0, connect_timeout=2.0, page_deadline=5.0)


@pytest.fixture(scope="module")
def stories() -> list[list[str]]:
    from ruen.evaluation import read_tsv, wmt_documents
    from tests.test_follow import WMT21

    return [r[:4] for r, _ in wmt_documents(read_tsv(WMT21)) if len(r) >= 4][:40]


def listing(site: Site, path: str):  # type: ignore[no-untyped-def]
    with Fetcher(QUICK) as fetcher:
        return read_listing(fetcher, Source(f"{site.url}{path}"))


# --- row 1: an RSS feed served as text/html ------------------------------------------------------


def test_a_feed_served_as_html_is_read_as_a_feed(site: Site) -> None:
    site.routes["/robots.txt"] = ROBOTS_ALL
    body = rss(site, ["/news/1", "/news/2"])
    site.routes["/rss.php"] = lambda _h: (200, {"Content-Type": "text/html; charset=utf-8"}, body)
    read = listing(site, "/rss.php")
    assert read.kind == "feed" and [e.url.rsplit("/", 1)[1] for e in read.entries] == ["1", "2"]


# --- row 2: a feed cut off in transfer --------------------------------------------------------------


def test_a_feed_cut_off_in_transfer_keeps_its_whole_items_and_says_so(site: Site) -> None:
    site.routes["/robots.txt"] = ROBOTS_ALL
    whole = rss(site, [f"/news/{n}" for n in range(6)])
    cut = whole[: whole.index(b"<item>", whole.index(b"/news/3")) - 5]  # items 0-3 whole
    site.routes["/feed"] = lambda _h: (
        200,
        {"Content-Type": "application/rss+xml", "Content-Length": str(len(whole))},
        cut,  # the connection closes before the length it declared
    )
    read = listing(site, "/feed")
    assert [e.url.rsplit("/", 1)[1] for e in read.entries] == ["0", "1", "2", "3"]
    assert any("cut short" in error for error in read.errors), read.errors


# --- row 3: items that are anchors of one page ----------------------------------------------------


def test_anchors_of_one_page_are_items_of_their_own(site: Site) -> None:
    from ruen.follow.run import entry_id

    site.routes["/robots.txt"] = ROBOTS_ALL

    def feed(anchors: list[int]) -> bytes:
        items = "".join(
            f"<item><title>Новость {n}</title><link>{site.url}/news#n{n}</link>"
            f"<description>&lt;p&gt;Министерство сообщило о мере номер {n}.&lt;/p&gt;"
            "</description></item>"
            for n in anchors
        )
        return f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>".encode()

    site.routes["/feed"] = lambda _h: (200, {"Content-Type": "application/rss+xml"}, feed([4, 5]))
    read = listing(site, "/feed")
    ids = [entry_id(e) for e in read.entries]
    assert len(set(ids)) == 2 and ids[0].endswith("/news#n4")
    assert read.entries[0].text == "Новость 4\n\nМинистерство сообщило о мере номер 4."
    site.routes["/feed"] = lambda _h: (200, {}, feed([4, 5, 6]))
    assert entry_id(listing(site, "/feed").entries[2]).endswith("#n6")  # a later anchor: new
    alone = Source(f"{site.url}/one")
    site.routes["/one"] = lambda _h: (200, {}, feed([7]))
    with Fetcher(QUICK) as fetcher:  # one item with an anchor: the page's id, as before
        (entry,) = read_listing(fetcher, alone).entries
    assert "#" not in entry_id(entry)


# --- row 5: a sitemap's first run ----------------------------------------------------------------


def test_a_sitemaps_first_run_keeps_the_window_and_marks_its_archive_seen(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    now = datetime.now(timezone.utc)
    recent = [f"/news/{n}" for n in range(3)]
    serve_pages(site, stories, recent)
    urls = [(p, now - timedelta(hours=n + 1)) for n, p in enumerate(recent)]
    urls += [(f"/archive/old{n}", now - timedelta(days=4 + n)) for n in range(700)]  # 2 years
    body = "".join(
        f"<url><loc>{site.url}{p}</loc><lastmod>{when.date().isoformat()}T{when:%H:%M:%S}Z"
        "</lastmod></url>"
        for p, when in urls
    )
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{body}</urlset>"
    ).encode()
    site.routes["/sitemap.xml"] = lambda _h: (200, {"Content-Type": "application/xml"}, sitemap)
    store, out = tmp_path / "store.sqlite", tmp_path / "out.jsonl"
    first = follow([f"{site.url}/sitemap.xml"], store, tiny_model, offline_env, out=out)
    assert first.returncode == 0, first.stderr
    assert "marks 700 older ones seen" in first.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3  # no record for the archive
    got = states(store)
    assert sorted(k for k, v in got.items() if v[0] == "done") == ["0", "1", "2"]
    assert sum(v[0] == "passed" for v in got.values()) == 700
    assert not [p for p in site.paths() if p.startswith("/archive/")]  # none fetched
    second = follow([f"{site.url}/sitemap.xml"], store, tiny_model, offline_env, "--max-new", "5")
    assert second.returncode == 0 and "0 new" in second.stderr, second.stderr


# --- row 6: a meta refresh, a redirect by script, a shell, a soft 404 --------------------------------


def test_a_meta_refresh_is_followed_and_pages_with_no_article_fail_with_the_reason(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    serve_pages(site, stories, ["/news/1"])
    html = {"Content-Type": "text/html; charset=utf-8"}
    site.routes["/go/1"] = lambda _h: (
        200, html, b'<html><head><meta http-equiv="refresh" content="0; url=/news/1"></head></html>'
    )  # fmt: skip
    site.routes["/js/2"] = lambda _h: (200, html, (
        "<html><head><title>Переадресация</title><script>window.location.href = '/news/1';"
        "</script></head><body><p>Если переадресация не произошла, нажмите здесь.</p></body>"
        "</html>").encode())  # fmt: skip
    site.routes["/shell/3"] = lambda _h: (200, html, (
        "<html><head><title>Портал</title></head><body><div id='app'></div><noscript>"
        "<p>Включите JavaScript, чтобы увидеть эту страницу.</p></noscript></body></html>"
    ).encode())  # fmt: skip
    site.routes["/gone/4"] = lambda _h: (200, html, (
        "<html><head><title>Страница не найдена</title></head><body><h1>Ошибка 404</h1><p>"
        "Запрашиваемая страница не найдена. Вернуться на главную.</p></body></html>"
    ).encode())  # fmt: skip
    site.routes["/feed"] = lambda _h: (
        200, {"Content-Type": "application/rss+xml"},
        rss(site, ["/go/1", "/js/2", "/shell/3", "/gone/4"]),
    )  # fmt: skip
    store = tmp_path / "store.sqlite"
    run = follow([f"{site.url}/feed"], store, tiny_model, offline_env)
    assert run.returncode == 1, run.stderr  # three items failed
    got = states(store)
    assert got["1"][0] == "done"  # the meta refresh followed to the article
    assert "/news/1" in site.paths()
    assert got["2"][0] == "error" and "by script (to /news/1)" in got["2"][1]
    assert got["3"][0] == "error" and "only with JavaScript" in got["3"][1]
    assert got["4"][0] == "error" and "soft 404" in got["4"][1]


# --- row 7: a Telegram channel that does not exist ------------------------------------------------


def test_a_channel_that_does_not_exist_says_so_and_reads_nothing_else(site: Site) -> None:
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"User-agent: *\nSitemap: /sitemap.xml\n")
    site.routes["/sitemap.xml"] = lambda _h: (200, {}, b"<urlset><url><loc>/x</loc></url></urlset>")
    site.routes["/s/ghost_channel"] = lambda _h: (200, {"Content-Type": "text/html"}, (
        b'<html><head><title>Telegram: Contact @ghost_channel</title></head><body class="tgme_page">'
        b'<div class="tgme_page_title">ghost_channel</div></body></html>'))  # fmt: skip
    with Fetcher(QUICK) as fetcher, pytest.raises(FetchError) as failed:
        read_listing(fetcher, Source(f"{site.url}/s/ghost_channel"))
    assert "channel ghost_channel: no public posts" in str(failed.value)
    assert "/sitemap.xml" not in site.paths()


# --- row 8: session ids -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://mvd.gov.by/news.php?id=5&PHPSESSID=8f3a9c", "https://mvd.gov.by/news.php?id=5"),
        ("http://site.ru/news;jsessionid=A1B2C3?id=7", "https://site.ru/news?id=7"),
        ("http://site.ru/news/7;JSESSIONID=A1B2C3", "https://site.ru/news/7"),
        ("http://site.ru/item.asp?ASPSESSIONIDQQ=XYZ&n=3", "https://site.ru/item.asp?n=3"),
        ("http://site.ru/page.cfm?CFID=1&CFTOKEN=2&doc=9", "https://site.ru/page.cfm?doc=9"),
        ("http://site.ru/news.php?sid=4", "https://site.ru/news.php?sid=4"),  # may be the page
    ],
)  # fmt: skip
def test_session_ids_are_no_part_of_an_id(url: str, expected: str) -> None:
    from ruen.follow.ids import canonical

    assert canonical(url) == expected


# --- rows 9 and 10: a store locked, read only, full, or read while a run writes --------------------


def test_a_store_locked_read_only_or_full_is_said_as_such_and_left_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruen.errors import RuenError
    from ruen.follow import store as stores

    path = tmp_path / "store.sqlite"
    with stores.Store(path) as store:
        store.listed("https://a.example/feed", "A", {}, [])
    monkeypatch.setattr(stores, "BUSY_SECONDS", 0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program writing
    with pytest.raises(RuenError) as locked:
        stores.Store(path)
    other.execute("ROLLBACK")
    other.close()
    assert "the store is locked by" in str(locked.value) and "not a ruen" not in str(locked.value)
    reading = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as read_only:
        reading.execute("INSERT INTO sources (url) VALUES ('x')")
    assert "read-only" in str(stores.store_failure(path, read_only.value))
    full = sqlite3.connect(tmp_path / "full.sqlite")
    full.execute("CREATE TABLE t (x BLOB)")
    full.execute(f"PRAGMA max_page_count = {full.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(sqlite3.OperationalError) as no_room:  # SQLite's own "disk is full"
        full.execute("INSERT INTO t VALUES (zeroblob(100000))")
    assert "the disk is full" in str(stores.store_failure(path, no_room.value))
    with stores.Store(path) as store:  # intact
        assert store.read_before("https://a.example/feed")


def test_a_run_waits_for_a_reader_that_holds_the_store_and_then_finishes(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    serve_pages(site, stories, ["/news/1", "/news/2"])
    site.routes["/feed"] = lambda _h: (
        200, {"Content-Type": "application/rss+xml"}, rss(site, ["/news/1", "/news/2"])
    )  # fmt: skip
    store = tmp_path / "store.sqlite"
    first = follow([f"{site.url}/feed"], store, tiny_model, offline_env, "--max-new", "1")
    assert first.returncode == 0, first.stderr
    reader = sqlite3.connect(store, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM items").fetchone()  # a read transaction, held
    release = threading.Timer(7.0, lambda: reader.execute("COMMIT"))  # past sqlite3's 5 s
    release.start()
    second = follow([f"{site.url}/feed"], store, tiny_model, offline_env)
    release.join()
    reader.close()
    assert second.returncode == 0, second.stderr  # it waited for the reader, then wrote
    assert sum(v[0] == "done" for v in states(store).values()) == 2


# --- row 11: a briefing's failed entry, polled ----------------------------------------------------


def test_the_failed_entry_of_an_atom_briefing_keeps_its_id_across_polls(tmp_path: Path) -> None:
    from ruen.follow.briefing import render
    from ruen.follow.store import Store, moment

    item = {"id": "https://a.example/1", "url": "https://a.example/1", "source": "A",
            "source_url": "https://a.example/feed", "published": None, "state": "pending"}  # fmt: skip
    with Store(tmp_path / "store.sqlite") as store:
        store.listed("https://a.example/feed", "A", {}, [item])
        store.failed(item, "HTTP 503, 3 tries; tried again next run")
        polls = [render(store, moment(f"2026-01-0{n}"), "atom") for n in (1, 2)]
        time.sleep(1.1)
        polls.append(render(store, moment("2026-01-01"), "atom"))

    def failed_entry(feed: str) -> str:
        start = feed.index("<entry>", feed.index(":failed:") - 200)
        return feed[start : feed.index("</entry>", start)]

    entries = [failed_entry(feed) for feed in polls]
    assert entries[0] == entries[1] == entries[2]  # one entry, however often it is polled


# --- row 13: --max-new and another source's retry --------------------------------------------------


def test_a_run_works_on_the_sources_it_names(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    serve_pages(site, stories, ["/a/1", "/b/1"])
    site.routes["/b/2"] = lambda _h: (503, {}, b"busy")
    site.routes["/feed-a"] = lambda _h: (200, {}, rss(site, ["/a/1"]))
    site.routes["/feed-b"] = lambda _h: (200, {}, rss(site, ["/b/2"], 5))
    store = tmp_path / "store.sqlite"
    other = follow([f"{site.url}/feed-b"], store, tiny_model, offline_env)
    assert other.returncode == 1 and states(store)["2"][0] == "error"
    named = follow([f"{site.url}/feed-a"], store, tiny_model, offline_env, "--max-new", "1")
    assert named.returncode == 0, named.stderr
    assert states(store)["1"][0] == "done"  # the named feed's item took the one slot
    assert "1 item of sources not named in this run wait for their own runs" in named.stderr

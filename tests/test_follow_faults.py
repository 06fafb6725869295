"""``ruen follow`` against the faults of the real web, each served by a real HTTP server on a
loopback address (several hosts: 127.0.0.1, .2, .3), each row of the issue a test: a body
that trickles in forever, a host that is down or whose robots.txt fails, redirects past
robots.txt or to another host, Bitrix-style ids, gzipped and broken child sitemaps, an index
that answers 304 while its sitemap grows, pages whose bytes and headers disagree, outputs to
a file, a run killed while printing, bad arguments and foreign stores, named sources,
``--max-new`` with a backlog, huge pages and walls of text, a feed cut short, redirect loops,
``javascript:`` links and PDFs served as pages; and the briefing's failed items and dates."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytest.importorskip("protego", reason="ruen follow needs ruen[follow]")
pytest.importorskip("rensa", reason="ruen follow needs ruen[follow]")


from ruen.follow import Fetcher, FetchError, Politeness, Source, read_listing
from tests.conftest import ROOT, run_cli
from tests.loopback import Site, serve, trickle
from tests.memory import run_ruen
from tests.test_follow import FAST, page, records, rss

ROBOTS_ALL = lambda _h: (200, {}, b"User-agent: *\nAllow: /\n")  # noqa: E731
QUICK = Politeness(delay=0.01, read_timeout=2.0, connect_timeout=2.0, page_deadline=5.0)


@pytest.fixture(scope="module")
def stories() -> list[list[str]]:
    from ruen.evaluation import read_tsv, wmt_documents
    from tests.test_follow import WMT21

    return [r[:4] for r, _ in wmt_documents(read_tsv(WMT21)) if len(r) >= 4][:40]


@pytest.fixture
def second_host():
    with serve("127.0.0.2") as state:
        yield state


def feed(site: Site, paths: list[str], first_hour: int = 0):
    body = rss(site, paths, first_hour)
    return lambda _h: (200, {"Content-Type": "application/rss+xml"}, body)


def serve_pages(site: Site, stories: list[list[str]], paths: list[str], start: int = 0) -> None:
    site.routes.setdefault("/robots.txt", ROBOTS_ALL)
    for n, path in enumerate(paths):
        site.routes[path] = lambda _h, s=stories[start + n]: (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            page(s),
        )


def follow(sources: list[str], store: Path, tiny_model: Path, env: dict, *extra: str, out=None):
    output = ["-o", str(out)] if out else []
    return run_cli(
        "follow", *sources, "--store", str(store), *output, "--model", str(tiny_model), *FAST,
        *extra, env=env,
    )  # fmt: skip


def states(store: Path) -> dict[str, tuple[str, str | None, int]]:
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT id, state, last_error, attempts FROM items").fetchall()
    return {
        item_id.rsplit("/", 1)[-1]: (state, error, tries) for item_id, state, error, tries in rows
    }


# --- row 1: a slow host costs only its own pages --------------------------------------------------


def test_a_trickling_page_costs_its_own_host_only_and_ends_at_the_page_deadline(
    site: Site, second_host: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict,
    tmp_path: Path,
) -> None:  # fmt: skip
    site.routes["/robots.txt"] = ROBOTS_ALL
    site.routes["/slow"] = lambda _h: (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        trickle(b"<html><body><p>", 0.2),  # a body that never ends
    )
    site.routes["/feed"] = feed(site, ["/slow", "/after-slow"])
    serve_pages(site, stories, ["/after-slow"], 10)
    fast = [f"/news/{n}" for n in range(3)]
    serve_pages(second_host, stories, fast)
    second_host.routes["/feed"] = feed(second_host, fast)
    store, out = tmp_path / "store.sqlite", tmp_path / "out.jsonl"
    started = time.monotonic()
    result = follow(
        [f"{site.url}/feed", f"{second_host.url}/feed"], store, tiny_model, offline_env,
        "--page-deadline", "4", out=out,
    )  # fmt: skip
    took = time.monotonic() - started
    assert result.returncode == 1, result.stderr  # the slow page failed this run
    assert took < 40, took  # the run ends: a deadline, not a body that never ends
    got = {r["id"].rsplit("/", 1)[1]: r for r in records(out)}
    assert {"0", "1", "2"} <= {k for k, r in got.items() if "sentences" in r}
    assert "page deadline" in got["slow"]["error"]
    # The other host's pages were digested as they came, not after the slow one gave up.
    order = [r["id"].rsplit("/", 1)[1] for r in records(out)]
    assert order.index("0") < order.index("slow")
    # The slow host's other page waits for the next run, at no cost of its tries.
    assert states(store)["after-slow"][0] == "error" and states(store)["after-slow"][2] == 0
    assert "not fetched this run" in states(store)["after-slow"][1]


def test_an_interrupted_run_keeps_what_it_fetched(
    site: Site, stories: list[list[str]], tiny_model: Path, tmp_path: Path
) -> None:
    """Interrupted while the model works, the run keeps the pages it read but did not digest;
    the next run digests them without fetching them again."""
    from ruen import digest_many, load_translator
    from ruen.follow.run import run
    from ruen.follow.store import Store

    paths = [f"/news/{n}" for n in range(6)]
    serve_pages(site, stories, paths)
    site.routes["/feed"] = feed(site, paths)
    translator = load_translator(tiny_model, backend="transformers")

    given = []

    def interrupted(documents):  # called once a batch of pages that arrived together
        for result in digest_many(documents, translator=translator, max_new_tokens=4):
            given.append(result)
            if len(given) == 3:
                time.sleep(0.5)  # the fetching thread reads the rest meanwhile
                raise KeyboardInterrupt  # as Ctrl-C does, while the model works
            yield result

    sources = [Source(f"{site.url}/feed")]
    with Store(tmp_path / "store.sqlite") as store, pytest.raises(KeyboardInterrupt):
        for _ in run(store, sources, interrupted, politeness=QUICK):
            pass
    kept = states(tmp_path / "store.sqlite")
    assert sorted(state for state, _, _ in kept.values()) == ["done"] * 2 + ["fetched"] * 4
    # the third was digested when the interrupt came, and is kept as read, not as done
    site.log.clear()
    digested = set()
    with Store(tmp_path / "store.sqlite") as store:
        for item_id, record in run(
            store,
            sources,
            lambda docs: digest_many(docs, translator=translator, max_new_tokens=4),
            politeness=QUICK,
        ):
            digested.add(item_id) if "sentences" in record else None
            store.written(item_id)
    assert len(digested) == 6  # the two of the first run, written now, and the four kept
    assert not [p for p in site.paths() if p.startswith("/news")]  # none fetched again


# --- row 2: robots.txt as RFC 9309 says; a host down is "not now" -----------------------------


def test_a_host_down_or_a_failing_robots_txt_is_tried_again_not_refused(
    site: Site, second_host: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict,
    tmp_path: Path,
) -> None:  # fmt: skip
    paths = ["/news/0", "/news/1"]
    serve_pages(site, stories, paths)
    down = socket_port()  # a port with nothing listening: connection refused
    second_host.routes["/feed"] = lambda _h: (  # the feed on a host that works
        200,
        {"Content-Type": "application/rss+xml"},
        rss(site, paths).replace(
            f"{site.url}/news/1".encode(), f"http://127.0.0.1:{down}/news/1".encode()
        ),
    )
    site.routes["/robots.txt"] = lambda _h: (500, {}, b"")
    store = tmp_path / "store.sqlite"
    first = follow([f"{second_host.url}/feed"], store, tiny_model, offline_env)
    assert first.returncode == 1
    kept = states(store)
    assert kept["0"][0] == "error" and "robots.txt could not be read (HTTP 500)" in kept["0"][1]
    assert kept["1"][0] == "error" and "unreachable (connection refused)" in kept["1"][1]
    assert kept["0"][2] == kept["1"][2] == 0  # not a real try: no attempt spent
    assert "disallowed" not in first.stdout
    assert [p for p in site.paths() if p.startswith("/news")] == []  # not requested
    site.routes["/robots.txt"] = ROBOTS_ALL  # the site is back
    for _ in range(6):  # more runs than an item has attempts: still tried each time
        again = follow([f"{second_host.url}/feed"], store, tiny_model, offline_env)
    assert states(store)["0"][0] == "done", again.stderr
    assert states(store)["1"][0] == "error"  # the other host is still down, still waiting


def socket_port() -> int:
    import socket

    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_robots_txt_answers_4xx_allow_everything_and_a_timeout_is_not_now(site: Site) -> None:
    site.routes["/news/1"] = lambda _h: (200, {"Content-Type": "text/html"}, page(["Новость."]))
    for status in (401, 403, 404, 410):
        site.routes["/robots.txt"] = lambda _h, s=status: (s, {}, b"")
        with Fetcher(QUICK) as fetcher:
            assert fetcher.get(f"{site.url}/news/1").status == 200  # RFC 9309: unavailable
    site.routes["/robots.txt"] = lambda _h: (200, {}, trickle(b"", 5.0))  # answers too late
    slow = Politeness(delay=0.01, read_timeout=0.5, connect_timeout=1.0, page_deadline=5)
    with Fetcher(slow) as fetcher, pytest.raises(FetchError) as raised:
        fetcher.get(f"{site.url}/news/1")
    assert "did not answer in time" in str(raised.value) and raised.value.retry
    assert not raised.value.counts


def test_messages_say_which_failure_it_was() -> None:
    import httpx

    from ruen.follow.fetch import _unreachable

    url = "http://ministry.invalid/news"
    assert _unreachable(url, httpx.ConnectError("[Errno -2] Name or service not known")) == (
        "host ministry.invalid not found (no such name)"
    )
    assert "unreachable (connection refused)" in _unreachable(
        url, httpx.ConnectError("[Errno 111] Connection refused")
    )


# --- row 3: redirects, hop by hop -----------------------------------------------------------------


def test_a_redirect_past_robots_txt_is_refused_and_another_hosts_rules_are_kept(
    site: Site, second_host: Site
) -> None:
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"User-agent: *\nDisallow: /private/\n")
    site.routes["/r/a"] = lambda _h: (302, {"Location": "/private/x"}, b"")
    site.routes["/private/x"] = lambda _h: (200, {"Content-Type": "text/html"}, b"secret")
    site.routes["/r/b"] = lambda _h: (301, {"Location": f"{second_host.url}/moved"}, b"")
    second_host.routes["/robots.txt"] = lambda _h: (
        200,
        {},
        b"User-agent: *\nCrawl-delay: 0.5\nDisallow: /closed\n",
    )
    second_host.routes["/moved"] = lambda _h: (200, {"Content-Type": "text/html"}, b"<p>ok</p>")
    second_host.routes["/r/c"] = lambda _h: (302, {"Location": "/closed"}, b"")
    with Fetcher(QUICK) as fetcher:
        with pytest.raises(FetchError, match=r"redirected to .*/private/x, which is disallowed"):
            fetcher.get(f"{site.url}/r/a")
        assert fetcher.get(f"{site.url}/r/b").url == f"{second_host.url}/moved"
        assert fetcher.get(f"{site.url}/r/b").url == f"{second_host.url}/moved"
        with pytest.raises(FetchError, match="disallowed") as closed:
            fetcher.get(f"{second_host.url}/r/c")
    assert "/private/x" not in site.paths()
    asked = second_host.paths()
    assert asked[0] == "/robots.txt" and asked.count("/robots.txt") == 1
    times = [t for t, path, _ in second_host.log if path in ("/moved", "/r/c")]
    assert all(b - a >= 0.45 for a, b in itertools.pairwise(times)), times  # its crawl-delay
    assert not closed.value.retry


# --- row 4: ids that keep the page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://mchs.gov.by/detail.php?ELEMENT_ID=61", "https://mchs.gov.by/detail.php?ELEMENT_ID=61"),
        ("https://www.minfin.gov.ru/ru/press-center/?id_4=38651-x&utm_source=tg#top",
         "https://minfin.gov.ru/ru/press-center?id_4=38651-x"),
        ("http://www.mvd.gov.by/ru/news/detail.php?ID=1234&from=rss", "https://mvd.gov.by/ru/news/detail.php?ID=1234&from=rss"),
        ("https://minzdrav.gov.by/ru/news.php?id=5&fbclid=IwAR0", "https://minzdrav.gov.by/ru/news.php?id=5"),
        ("http://old.region.ru/index.php?newsid=77&yclid=1&_openstat=abc", "https://old.region.ru/index.php?newsid=77"),
        ("https://site.ru/node?nid=9&utm_medium=feed&utm_campaign=x", "https://site.ru/node?nid=9"),
        ("https://pravo.by/document/?guid=12551&p0=C22000512&doc=1", "https://pravo.by/document?doc=1&guid=12551&p0=C22000512"),
        ("https://kremlin.ru/events/president/news/70000/", "https://kremlin.ru/events/president/news/70000"),
    ],
)  # fmt: skip
def test_ids_keep_every_parameter_but_trackers(url: str, expected: str) -> None:
    from ruen.follow.ids import canonical

    assert canonical(url) == expected


def test_bitrix_pages_are_four_pages_and_a_store_of_layout_1_is_migrated(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    paths = [f"/detail.php?ELEMENT_ID={n}" for n in range(61, 65)]
    site.routes["/robots.txt"] = ROBOTS_ALL

    def detail(_h: dict[str, str], path: str = "") -> tuple:
        return 200, {"Content-Type": "text/html"}, page(stories[int(path.rsplit("=", 1)[1]) - 61])

    for path in paths:
        site.routes[path] = lambda h, p=path: detail(h, p)
    site.routes["/feed"] = feed(site, paths)
    store = tmp_path / "store.sqlite"
    result = follow([f"{site.url}/feed"], store, tiny_model, offline_env)
    assert result.returncode == 0, result.stderr
    assert "4 new: 4 digested" in result.stderr
    assert sorted(states(store)) == [f"detail.php?ELEMENT_ID={n}" for n in range(61, 65)]

    old = tmp_path / "layout1.sqlite"  # written by ruen as released before layout 2
    shutil.copy(ROOT / "tests" / "data" / "follow_store_layout1.sqlite", old)
    from ruen.follow.store import Store

    with Store(old) as migrated:
        assert migrated.db.execute("PRAGMA user_version").fetchone() == (3,)
        ids = [row[0] for row in migrated.db.execute("SELECT id FROM items ORDER BY rowid")]
        host = "https://127.0.0.1:39893"
        assert ids == [f"{host}/news/1", f"{host}/detail.php?ELEMENT_ID=61",
                       f"{host}/news.php?id=5", f"{host}/index.php?newsid=77", f"{host}/about"]  # fmt: skip
        assert migrated.settled(ids) == set(ids)  # still known: none fetched again
        assert {r[0] for r in migrated.db.execute("SELECT id FROM digests")} == set(ids)
        assert {r[0] for r in migrated.db.execute("SELECT id FROM sightings")} == set(ids)
        assert migrated.sources()[0]["digested"] == 5  # named source, counted
        assert migrated.record(ids[0])["story"] == ids[0]  # each item its own story
        assert (
            migrated.validators("http://127.0.0.1:39893/feed")["http://127.0.0.1:39893/feed"].etag
            == '"1"'
        )


# --- rows 5 and 6: sitemaps, their indexes, and 304s ----------------------------------------------


def test_a_gzipped_child_a_broken_child_and_a_plain_child_each_count_on_their_own(
    site: Site,
) -> None:
    urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
    entries = lambda *ps: urlset.format("".join(f"<url><loc>{p}</loc></url>" for p in ps))  # noqa: E731
    site.routes["/sitemap.xml"] = lambda _h: (
        200,
        {"Content-Type": "application/xml"},
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/news.xml.gz</loc></sitemap><sitemap><loc>/broken.xml</loc></sitemap>"
        b"<sitemap><loc>/plain.xml</loc></sitemap></sitemapindex>",
    )
    site.routes["/news.xml.gz"] = lambda _h: (
        200,
        {"Content-Type": "application/x-gzip"},
        gzip.compress(entries("/n/1", "/n/2").encode()),
    )
    site.routes["/broken.xml"] = lambda _h: (200, {"Content-Type": "application/xml"}, b"<urlset")
    site.routes["/plain.xml"] = lambda _h: (200, {}, entries("/p/1").encode())
    with Fetcher(QUICK) as fetcher:
        listing = read_listing(fetcher, Source(f"{site.url}/sitemap.xml"))
    assert [e.url.removeprefix(site.url) for e in listing.entries] == ["/n/1", "/n/2", "/p/1"]
    assert len(listing.errors) == 1 and "broken.xml" in listing.errors[0]


def test_every_child_is_read_and_a_limit_is_said(site: Site, monkeypatch) -> None:
    from ruen.follow import sources

    monkeypatch.setattr(sources, "MAX_SITEMAPS", 3)
    children = "".join(
        f"<sitemap><loc>/s{n}.xml</loc><lastmod>2026-11-{n + 1:02d}</lastmod></sitemap>"
        for n in range(5)
    )
    site.routes["/index.xml"] = lambda _h: (
        200,
        {},
        f"<sitemapindex>{children}</sitemapindex>".encode(),
    )
    for n in range(5):
        site.routes[f"/s{n}.xml"] = lambda _h, n=n: (
            200,
            {},
            f"<urlset><url><loc>/page/{n}</loc></url></urlset>".encode(),
        )
    with Fetcher(QUICK) as fetcher:
        listing = read_listing(fetcher, Source(f"{site.url}/index.xml"))
    assert sorted(e.url.rsplit("/", 1)[1] for e in listing.entries) == ["2", "3", "4"]  # newest
    assert listing.notes and "index of 5 sitemaps; the 3 newest" in listing.notes[0]


def test_an_index_that_answers_304_still_has_its_growing_sitemap_asked(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    grown = ["/a/0"]

    def index(headers: dict[str, str]) -> tuple:
        if headers.get("if-none-match") == '"index"':
            return 304, {"ETag": '"index"'}, b""
        body = b"<sitemapindex><sitemap><loc>/child.xml</loc></sitemap></sitemapindex>"
        return 200, {"ETag": '"index"'}, body

    def child(headers: dict[str, str]) -> tuple:
        tag = f'"{len(grown)}"'
        if headers.get("if-none-match") == tag:
            return 304, {"ETag": tag}, b""
        urls = "".join(f"<url><loc>{p}</loc></url>" for p in grown)
        return 200, {"ETag": tag}, f"<urlset>{urls}</urlset>".encode()

    site.routes.update({"/index.xml": index, "/child.xml": child})
    serve_pages(site, stories, ["/a/0", "/a/1"])
    store = tmp_path / "store.sqlite"
    assert follow([f"{site.url}/index.xml"], store, tiny_model, offline_env).returncode == 0
    site.log.clear()
    quiet = follow([f"{site.url}/index.xml"], store, tiny_model, offline_env)
    assert "(1 unchanged, 0 failed), 0 new" in quiet.stderr  # 304 on the index and the child
    assert [h.get("if-none-match") for _, p, h in site.log if p.endswith(".xml")] == [
        '"index"',
        '"1"',
    ]
    grown.append("/a/1")  # the sitemap grows; the index does not change
    again = follow([f"{site.url}/index.xml"], store, tiny_model, offline_env)
    assert "1 new: 1 digested" in again.stderr, again.stderr


def test_a_home_page_that_answers_304_still_has_its_feed_asked(site: Site) -> None:
    link = '<link rel="alternate" type="application/rss+xml" href="/feed">'
    home = f"<html><head>{link}</head><body><p>Главная</p></body></html>".encode()
    site.routes["/"] = lambda h: (
        (304, {"ETag": '"home"'}, b"")
        if h.get("if-none-match") == '"home"'
        else (200, {"ETag": '"home"', "Content-Type": "text/html"}, home)
    )
    items = ["/n/1"]
    site.routes["/feed"] = lambda _h: (
        200,
        {"Content-Type": "application/rss+xml"},
        rss(site, items),
    )
    with Fetcher(QUICK) as fetcher:
        first = read_listing(fetcher, Source(f"{site.url}/"))
        items.append("/n/2")
        second = read_listing(fetcher, Source(f"{site.url}/"), validators=first.validators)
    assert len(first.entries) == 1 and len(second.entries) == 2 and not second.not_modified


# --- row 7: reading what arrives ------------------------------------------------------------------

TEXT = "Министерство связи провело конференцию об электронном правительстве в Минске."


@pytest.mark.parametrize(
    ("body", "headers", "encoding", "replaced"),
    [
        (b"\xef\xbb\xbf<!DOCTYPE html><html><body><p>" + TEXT.encode() + b"</p></body></html>", {}, "utf-8", 0),
        (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">'
         b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>' + TEXT.encode() + b"</p></body></html>",
         {"Content-Type": "application/xhtml+xml"}, "utf-8", 0),
        (b'<html><head><meta charset="utf-8"></head><body><p>' + TEXT.encode("cp1251") + b"</p></body></html>",
         {"Content-Type": "text/html; charset=windows-1251"}, "windows-1251", 0),
        (b'<html><head><meta charset="windows-1251"></head><body><p>' + TEXT.encode() + b"</p></body></html>",
         {"Content-Type": "text/html"}, "utf-8", 0),
        (b"<html><body><p>" + TEXT.encode().replace(b"\xd0\xb2 \xd0\x9c", b"\xd0\xb2 \xff\xd0\x9c") + b"</p></body></html>",
         {"Content-Type": "text/html; charset=utf-8"}, "utf-8", 1),
        (b"<!doctype html><html><body><p>" + TEXT.encode() + b"</p></body></html>", {}, "utf-8", 0),
    ],
    ids=["bom-no-type", "xhtml-prologue", "header-beats-meta", "meta-wrong-bytes-utf8", "stray-byte", "no-type"],
)  # fmt: skip
def test_pages_whose_bytes_and_headers_disagree_are_read_right(
    site: Site, body: bytes, headers: dict, encoding: str, replaced: int
) -> None:
    from ruen.follow.run import _read

    site.routes["/story"] = lambda _h: (200, headers, body)
    with Fetcher(QUICK) as fetcher:
        response = fetcher.get(f"{site.url}/story", page=True)
    document = _read({"id": "x", "url": f"{site.url}/story", "published": None}, response)
    assert not isinstance(document, Exception), document
    assert document.format == "html" and "<" not in document.text
    assert document.text.replace("\ufffd", "") == TEXT  # one stray byte: one U+FFFD
    assert document.encoding == encoding
    assert len(document.notes) == bool(replaced)
    if replaced:
        assert document.notes[0].startswith("1 byte that is not UTF-8 replaced")


# --- rows 8 and 9: outputs ---------------------------------------------------------------------


def test_html_to_a_file_is_refused_up_front_and_json_is_rewritten_whole(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    paths = ["/news/0", "/news/1"]
    serve_pages(site, stories, paths)
    site.routes["/feed"] = feed(site, paths)
    store, page_out = tmp_path / "store.sqlite", tmp_path / "new.html"
    refused = follow(
        [f"{site.url}/feed"], store, tiny_model, offline_env, "--format", "html", out=page_out
    )
    assert refused.returncode == 2 and "ruen briefing --format html" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and not page_out.exists()
    whole = tmp_path / "all.json"
    for run in range(2):
        result = follow(
            [f"{site.url}/feed"], store, tiny_model, offline_env, "--format", "json", out=whole
        )
        assert result.returncode == 0, result.stderr
        assert len(json.loads(whole.read_text())) == 2, run  # the whole store, every run
    site.routes["/feed"] = feed(site, [*paths, "/news/2"])
    serve_pages(site, stories, ["/news/2"], 2)
    follow([f"{site.url}/feed"], store, tiny_model, offline_env, "--format", "json", out=whole)
    assert [r["id"].rsplit("/", 1)[1] for r in json.loads(whole.read_text())] == ["0", "1", "2"]


def test_text_on_stdout_is_marked_delivered_only_once_printed(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    paths = [f"/news/{n}" for n in range(30)]
    serve_pages(site, stories, paths)
    site.routes["/feed"] = feed(site, paths)
    store = tmp_path / "store.sqlite"
    command = [
        sys.executable, "-m", "ruen", "follow", f"{site.url}/feed", "--store", str(store),
        "--model", str(tiny_model), *FAST,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=offline_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    printed = b""
    while printed.count(b"==> ") < 5:  # killed once a few stories are out
        chunk = process.stdout.read1(4096)
        assert chunk, "the run ended before it could be killed"
        printed += chunk
    os.kill(process.pid, signal.SIGKILL)
    printed += process.stdout.read()
    process.wait()
    shown = {
        line.split(" ", 1)[1].removesuffix(" <==")
        for line in printed.decode().splitlines()
        if line.startswith("==> ")
    }
    with sqlite3.connect(store) as db:
        marked = {row[0] for row in db.execute("SELECT id FROM items WHERE written = 1")}
    assert marked <= shown  # nothing marked delivered that the reader did not get
    rerun = run_cli(*command[3:], env=offline_env)
    assert rerun.returncode == 0, rerun.stderr
    again = {
        line.split(" ", 1)[1].removesuffix(" <==")
        for line in rerun.stdout.splitlines()
        if line.startswith("==> ")
    }
    assert len(shown | again) == 30  # every story reached the reader


# --- rows 10 and 11: no traceback, no foreign store, named sources counted ----------------------


def test_bad_arguments_are_one_line_and_exit_2(
    tmp_path: Path, offline_env: dict, site: Site
) -> None:
    listed = tmp_path / "sources.txt"
    listed.write_text(f"{site.url}/feed\tПресс-служба МЧС\n", encoding="utf-8")
    from ruen.follow import read_sources

    assert [(s.url, s.name) for s in read_sources([str(listed)])] == [
        (f"{site.url}/feed", "Пресс-служба МЧС")
    ]
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('mine')")
    before = hashlib.sha256(foreign.read_bytes()).hexdigest()
    cases = {
        "cannot be made": ["--store", str(blocker / "store.sqlite"), str(listed)],
        "finite number of seconds": ["--store", str(tmp_path / "s.sqlite"), "--delay", "inf", str(listed)],
        "not a ruen follow store": ["--store", str(foreign), str(listed)],
    }  # fmt: skip
    for expected, arguments in cases.items():
        result = run_cli("follow", *arguments, env=offline_env)
        assert result.returncode == 2, (expected, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2, result.stderr  # usage line at most
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == before  # not written into


def test_list_counts_named_sources_and_max_new_takes_the_newest(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    paths = [f"/news/{n}" for n in range(9)]
    serve_pages(site, stories, paths)
    site.routes["/feed"] = feed(site, paths)  # /news/8 is the newest (hour 8)
    listed = tmp_path / "sources.txt"
    listed.write_text(f"{site.url}/feed Пресс-служба\n", encoding="utf-8")
    store = tmp_path / "store.sqlite"
    first = follow([str(listed)], store, tiny_model, offline_env, "--max-new", "5")
    assert first.returncode == 0, first.stderr
    assert "4 more items wait for the next run" in first.stderr
    assert sorted(k for k, v in states(store).items() if v[0] == "done") == [
        str(n) for n in range(4, 9)
    ]
    shown = run_cli("follow", "--store", str(store), "--list", env=offline_env)
    assert (
        "(Пресс-служба)" in shown.stdout
        and "digested 5, reprints 0, failed 0, waiting 4" in shown.stdout
    )
    follow([str(listed)], store, tiny_model, offline_env)
    shown = run_cli("follow", "--store", str(store), "--list", env=offline_env)
    assert "digested 9, reprints 0, failed 0\n" in shown.stdout


# --- row 13: a huge page, a wall of text --------------------------------------------------------


def test_a_huge_page_is_cut_with_a_note_and_a_wall_of_text_is_cut_into_sentences(
    site: Site, tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    from ruen.follow.fetch import PAGE_BYTES
    from ruen.splitting import LONGEST_SENTENCE

    wall = ("Министерство сообщает о проведении конференции " * 120_000).encode()  # about 11 MB
    huge = b"<html><body><article><p>" + wall + b"</p></article></body></html>"
    usual = b"<html><body><article><p>" + "Министерство сообщает. ".encode() * 40 + b"</p>"
    site.routes["/robots.txt"] = ROBOTS_ALL
    site.routes["/huge"] = lambda _h: (200, {"Content-Type": "text/html; charset=utf-8"}, huge)
    site.routes["/usual"] = lambda _h: (200, {"Content-Type": "text/html; charset=utf-8"}, usual)

    def peak(path: str) -> tuple[float, Path]:
        """The peak memory (MB) of a fresh `ruen follow` of one page, and its output."""
        site.routes["/feed"] = feed(site, [path])
        out = tmp_path / f"{path.strip('/')}.jsonl"
        done = run_ruen(
            "follow", f"{site.url}/feed", "--store", str(tmp_path / f"{path.strip('/')}.sqlite"),
            "-o", str(out), "--model", str(tiny_model), *FAST, "--summary-only", env=offline_env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return done.peak_mb, out

    peak("/usual")  # the model converted and cached, so that the next two runs do the same
    usual_peak, _ = peak("/usual")
    huge_peak, out = peak("/huge")
    (record,) = records(out)
    assert record["notes"] and f"cut at {PAGE_BYTES // 2**20} MB of " in record["notes"][0]
    assert max(len(s["ru"]) for s in record["sentences"]) <= LONGEST_SENTENCE
    # Side by side with a page of a few lines, in the same environment: the huge page may cost
    # what its 2 MB of text costs, not the 1.0-1.6 GB such pages cost before the cut.
    assert huge_peak - usual_peak < 300, (usual_peak, huge_peak)


# --- row 14: errors that cannot heal end at once; a feed cut short is said ------------------------


def test_a_cut_feed_is_said_and_errors_that_cannot_heal_are_not_retried(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    paths = [f"/news/{n}" for n in range(6)]
    serve_pages(site, stories, paths)
    whole = rss(site, paths)
    site.routes["/cut"] = lambda _h: (
        200,
        {"Content-Type": "application/rss+xml"},
        whole[: int(len(whole) * 0.6)],
    )
    site.routes["/loop"] = lambda _h: (302, {"Location": "/loop"}, b"")
    site.routes["/pdf"] = lambda _h: (
        200,
        {"Content-Type": "text/html"},
        b"%PDF-1.7\n%\xe2\xe3\n1 0 obj",
    )
    bad = (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        f"<item><title>a</title><link>{site.url}/loop</link></item>"
        f"<item><title>b</title><link>javascript:void(0)</link></item>"
        f"<item><title>c</title><link>{site.url}/pdf</link></item></channel></rss>"
    ).encode()
    site.routes["/bad"] = lambda _h: (200, {"Content-Type": "application/rss+xml"}, bad)
    store = tmp_path / "store.sqlite"
    cut = follow([f"{site.url}/cut"], store, tiny_model, offline_env)
    assert cut.returncode == 1 and "cut short" in cut.stderr
    assert 0 < sum(v[0] == "done" for v in states(store).values()) < 6
    first = follow([f"{site.url}/bad"], tmp_path / "bad.sqlite", tiny_model, offline_env)
    assert first.returncode == 1
    refused = states(tmp_path / "bad.sqlite")
    assert {k: v[0] for k, v in refused.items()} == {
        "loop": "refused",
        "void%280%29": "refused",
        "pdf": "refused",
    }, refused
    assert "a PDF file (served as text/html), not a page" in refused["pdf"][1]
    site.log.clear()
    second = follow([f"{site.url}/bad"], tmp_path / "bad.sqlite", tiny_model, offline_env)
    assert second.returncode == 0, second.stderr  # nothing to retry: exit 0 the next morning
    assert [p for p in site.paths() if p in ("/loop", "/pdf")] == []


# --- the briefing ------------------------------------------------------------------------------


def test_the_briefing_lists_failures_clamps_future_dates_and_counts_from_first_seen(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    serve_pages(site, stories, ["/old", "/future"])
    site.routes["/gone"] = lambda _h: (404, {}, b"")
    items = (
        f"<item><title>old</title><link>{site.url}/old</link><pubDate>Mon, 07 Jan 2019 10:00:00 GMT</pubDate></item>"
        f"<item><title>future</title><link>{site.url}/future</link><pubDate>Fri, 07 Nov 2031 10:00:00 GMT</pubDate></item>"
        f"<item><title>gone</title><link>{site.url}/gone</link></item>"
    )  # fmt: skip
    site.routes["/feed"] = lambda _h: (
        200,
        {"Content-Type": "application/rss+xml"},
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode(),
    )
    store = tmp_path / "store.sqlite"
    assert follow([f"{site.url}/feed"], store, tiny_model, offline_env).returncode == 1
    result = run_cli(
        "briefing", "--store", str(store), "--since", "24h", "--format", "json", env=offline_env
    )
    payload = json.loads(result.stdout)
    found = {s["id"].rsplit("/", 1)[1]: s for s in payload["stories"]}
    assert set(found) == {"old", "future"}  # first seen today, whatever the feed's date
    now = datetime.now(timezone.utc)
    clamped = datetime.fromisoformat(found["future"]["published"])
    assert abs(clamped - now) < timedelta(minutes=10)  # 2031 is no later than when it was seen
    assert found["old"]["published"].startswith("2019-01-07")
    assert [f["id"].rsplit("/", 1)[1] for f in payload["failed"]] == ["gone"]
    assert "HTTP 404" in payload["failed"][0]["error"] and not payload["failed"][0]["again"]
    markdown = run_cli("briefing", "--store", str(store), "--since", "24h", env=offline_env).stdout
    assert markdown.index("Not in this briefing: 1 failed") > markdown.rindex("From ")
    html = run_cli(
        "briefing", "--store", str(store), "--since", "24h", "--format", "html", env=offline_env
    ).stdout
    assert html.index('id="failed"') > html.rindex('class="story"')  # at the end

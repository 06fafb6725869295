"""Telegram channels: a page with the markup of Telegram's public channel preview, served on
loopback, read as a channel: one item per post, its time and its own text (not a quoted
reply), service messages and wordless posts skipped, an album one item, an edited post read
again, older pages read on a first run back to the window, nothing new on the second run.

The page is built in the preview's structure (learned from the real preview pages Apkawa/
rust-any2feed keeps as test fixtures, MIT) around posts of public-domain text: a ministry's
announcement (tests/data, examples), Russian official texts being free of copyright (art. 1259
of the Russian Civil Code)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

import pytest

pytest.importorskip("rensa", reason="ruen follow needs ruen[follow]")

from ruen.follow import Fetcher, Politeness, Source, read_listing, read_sources
from ruen.follow.telegram import channel_url, posts
from tests.conftest import EXAMPLE, run_cli
from tests.loopback import Site
from tests.test_follow import FAST

QUICK = Politeness(delay=0.01, read_timeout=2.0, connect_timeout=2.0, page_deadline=5.0)
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def sentences() -> list[str]:
    """The example's title, then its sentences."""
    import ruen

    document = ruen.read_document(EXAMPLE)
    return [document.title or "", *ruen.split_sentences(document.text)]


def message(channel: str, number: int, text: str, when: datetime, **kind: str) -> str:
    """One post in the preview's markup."""
    classes = "tgme_widget_message text_not_supported_wrap js-widget_message"
    if kind.get("service"):
        classes += " service_message"
    reply = ""
    if kind.get("reply"):
        reply = (
            f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/{number - 1}">'
            '<div class="tgme_widget_message_author"><span>Канал</span></div>'
            f'<div class="tgme_widget_message_text js-message_reply_text">{escape(kind["reply"])}'
            "</div></a>"
        )
    album = ""
    if kind.get("album"):
        album = (
            '<div class="tgme_widget_message_grouped_wrap">'
            + "".join(
                f'<a class="tgme_widget_message_photo_wrap" href="https://t.me/{channel}/{number}?single"'
                " style=\"background-image:url('https://cdn4.telesco.pe/file/a.jpg')\"></a>"
                for _ in range(3)
            )
            + "</div>"
        )
    body = (
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
        if text
        else ""
    )
    edited = '<span class="tgme_widget_message_meta">edited </span>' if kind.get("edited") else ""
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="{classes}" data-post="{channel}/{number}" data-view="x">'
        '<div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{channel}"><span dir="auto">Минсвязи</span></a></div>'
        f"{reply}{album}{body}"
        '<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info">'
        f'<span class="tgme_widget_message_views">1.2K</span>{edited}<span class="tgme_widget_message_meta">'
        f'<a class="tgme_widget_message_date" href="https://t.me/{channel}/{number}"><time datetime="{when.isoformat()}" class="time">{when:%H:%M}</time></a>'
        "</span></div></div></div></div></div>"
    )  # fmt: skip


def preview(channel: str, messages: list[str], before: int | None) -> bytes:
    more = (
        f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/{channel}'
        f'?before={before}" class="tme_messages_more js-messages_more" data-before="{before}"></a></div>'
        if before
        else ""
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Минсвязи – Telegram</title>'
        f'<link rel="canonical" href="/s/{channel}"></head><body class="widget_frame_base tgme_webpreview">'
        f'<main class="tgme_main" data-url="/{channel}"><div class="tgme_container">'
        f'<section class="tgme_channel_history js-message_history">{more}{"".join(messages)}'
        "</section></div></main></body></html>"
    ).encode()  # fmt: skip


@pytest.fixture
def channel(site: Site) -> dict:
    """A channel of seven posts on two pages: page one (newest) has 14-17, page two 10-13."""
    text = sentences()
    state = {"edited": False}

    def newest(_h: dict) -> tuple:
        recent = [
            message("minsvyazi", 14, f"<b>{escape(text[0])}</b><br/><br/>{escape(text[1])}", NOW - timedelta(hours=3)),
            message("minsvyazi", 15, "", NOW - timedelta(hours=2), service="1"),  # pinned
            message("minsvyazi", 16, escape(text[3] + (" Обновлено." if state["edited"] else "")),
                    NOW - timedelta(hours=1), reply=text[1], edited="1" if state["edited"] else ""),
            message("minsvyazi", 17, escape(text[4]), NOW - timedelta(minutes=30), album="1"),
        ]  # fmt: skip
        return 200, {"Content-Type": "text/html; charset=utf-8"}, preview("minsvyazi", recent, 14)

    def older(_h: dict) -> tuple:
        earlier = [
            message("minsvyazi", 10, escape(text[5]), NOW - timedelta(days=9)),
            message("minsvyazi", 11, "", NOW - timedelta(days=1, hours=6)),  # a photo alone
            message("minsvyazi", 12, escape(text[6]), NOW - timedelta(days=1, hours=5)),
            message("minsvyazi", 13, escape(text[7]), NOW - timedelta(hours=20)),
        ]
        return 200, {"Content-Type": "text/html; charset=utf-8"}, preview("minsvyazi", earlier, 10)

    site.routes["/robots.txt"] = lambda _h: (200, {}, b"User-agent: *\nAllow: /\n")
    site.routes["/s/minsvyazi"] = lambda h: (
        older(h) if "before=14" in h.get("x-path", "") else newest(h)
    )
    site.routes["/s/minsvyazi?before=14"] = older
    state["text"] = text
    return state


def test_channel_names_in_a_sources_file(tmp_path: Path) -> None:
    assert channel_url("t.me/mfa_russia") == "https://t.me/s/mfa_russia"
    assert channel_url("https://t.me/s/mfa_russia") == "https://t.me/s/mfa_russia"
    assert channel_url("@mfa_russia") == "https://t.me/s/mfa_russia"
    assert channel_url("https://t.me/joinchat/abc") is None
    listed = tmp_path / "sources.txt"
    listed.write_text("@minsvyazi Минсвязи\nt.me/mfa_russia\n", encoding="utf-8")
    assert read_sources([str(listed)]) == [
        Source("https://t.me/s/minsvyazi", "Минсвязи"),
        Source("https://t.me/s/mfa_russia"),
    ]


def test_one_entry_per_post_with_its_time_and_its_own_text(site: Site, channel: dict) -> None:
    text = channel["text"]
    with Fetcher(QUICK) as fetcher:
        listing = read_listing(
            fetcher, Source(f"{site.url}/s/minsvyazi"), back_to=NOW - timedelta(days=3)
        )
    assert listing.kind == "channel"
    got = {e.url.rsplit("/", 1)[1]: e for e in listing.entries}
    # 10 is older than the window; 11 has no words; 15 is a service message.
    assert sorted(got, key=int) == ["12", "13", "14", "16", "17"]
    assert all(e.url.startswith("https://t.me/minsvyazi/") for e in listing.entries)
    assert got["14"].text == f"{text[0]}\n\n{text[1]}"
    assert got["16"].text == text[3] and text[1] not in got["16"].text  # not the quoted post
    assert got["17"].text == text[4]  # an album: one item
    assert datetime.fromisoformat(got["16"].published) == NOW - timedelta(hours=1)
    assert listing.validators[f"{site.url}/s/minsvyazi"].etag == "post:17"
    _, before = posts(site_page(site), f"{site.url}/s/minsvyazi")
    assert before == f"{site.url}/s/minsvyazi?before=14"


def site_page(site: Site) -> bytes:
    import httpx

    return httpx.get(f"{site.url}/s/minsvyazi").content


def follower(source: str, tiny_model: Path, env: dict, folder: Path):  # type: ignore[no-untyped-def]
    """(a function that runs ruen follow on ``source`` once more, its output file)."""
    store, out = folder / "store.sqlite", folder / "out.jsonl"
    listed = folder / "sources.txt"
    listed.write_text(f"{source}\n", encoding="utf-8")
    command = ("follow", str(listed), "--store", str(store), "-o", str(out), "--model",
               str(tiny_model), *FAST)  # fmt: skip
    return (lambda: run_cli(*command, env=env)), out


def test_ruen_follow_digests_each_post_once_and_an_edit_again(
    site: Site, channel: dict, tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    follow, out = follower(f"{site.url}/s/minsvyazi Минсвязи", tiny_model, offline_env, tmp_path)
    store = tmp_path / "store.sqlite"
    first = follow()
    assert first.returncode == 0, first.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["id"].rsplit("/", 1)[1] for r in records) == ["12", "13", "14", "16", "17"]
    by_id = {r["id"].rsplit("/", 1)[1]: r for r in records}
    assert by_id["14"]["title"]["ru"] == channel["text"][0]  # the bold first line: a headline
    assert [s["ru"] for s in by_id["14"]["sentences"]] == [channel["text"][1]]
    assert by_id["16"]["sentences"][0]["ru"] == channel["text"][3]
    assert not [p for p in site.paths() if p.startswith("/minsvyazi/")]  # no post page fetched
    second = follow()
    assert second.returncode == 0 and "0 new" in second.stderr
    assert len(out.read_text("utf-8").splitlines()) == 5  # nothing new on the second run
    channel["edited"] = True
    third = follow()
    assert third.returncode == 0, third.stderr
    again = [json.loads(line) for line in out.read_text("utf-8").splitlines()][5:]
    assert [r["id"].rsplit("/", 1)[1] for r in again] == ["16"]
    assert again[0]["sentences"][-1]["ru"].endswith("Обновлено.")
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM items").fetchone() == (5,)


def test_a_first_run_and_a_later_run_agree_on_what_is_new(
    site: Site, tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    """A quiet channel whose page shows only posts older than --window (from 2022 and 2023):
    the first run digests none of them, the second none either (they were seen, not missed),
    and a post published after the first run is the one new item of the third."""
    text = sentences()
    posts_shown = [
        message("quiet", n, escape(text[n % len(text)]), datetime(2022, 3, 1, tzinfo=timezone.utc)
                + timedelta(days=40 * n))
        for n in range(1, 18)
    ]  # fmt: skip
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"User-agent: *\nAllow: /\n")
    site.routes["/s/quiet"] = lambda _h: (
        200, {"Content-Type": "text/html; charset=utf-8"}, preview("quiet", posts_shown, None)
    )  # fmt: skip
    follow, out = follower(f"{site.url}/s/quiet", tiny_model, offline_env, tmp_path)
    for _ in range(2):
        run = follow()
        assert run.returncode == 0, run.stderr
        assert not out.exists() or out.read_text("utf-8") == ""
    posts_shown.append(message("quiet", 18, escape(text[0]), NOW - timedelta(minutes=5)))
    third = follow()
    assert third.returncode == 0, third.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"].rsplit("/", 1)[1] for r in records] == ["18"]

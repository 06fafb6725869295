"""``ruen briefing``: the stories of a period from the follow store, newest first, each once,
with every source that published it.

Why from the store: reprints were set aside when they came in (``ruen.stories``), and every
source that carried a story was recorded beside it (``sightings``), so a story is read once and
its sources are listed under it. The HTML page is self-contained like the report (its CSS and
Content-Security-Policy; no script; every text escaped; readable at phone width).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ruen.errors import InputError
from ruen.follow.store import Store, moment
from ruen.report import CSP, STYLE, _e, _safe_url

BRIEFING_STYLE = """
.story h2 { font-size: 1.25rem; margin: 0 0 .25rem; }
.story .ru-title { margin: 0 0 .5rem; }
.story ol { margin: .5rem 0; padding-left: 1.25rem; }
.story .sources { font-size: .875rem; margin: .5rem 0 0; padding-left: 1.25rem; }
.story .sources a, nav a { overflow-wrap: anywhere; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .35rem; font-size: .8rem; }
.badge.flagged { background: #fde7e5; color: #b3261e; }
.badge.clean { background: #e6f4ea; color: #1f6f43; }
.failed { font-size: .875rem; color: #555; }
.failed li { overflow-wrap: anywhere; }
"""
_PERIOD = re.compile(r"^(\d+)\s*([hd])$")


def since(value: str | None, now: datetime | None = None) -> datetime:
    """The start of the period: ``24h``, ``7d``, or a date or time in ISO 8601 (default 24h)."""
    now = now or datetime.now(timezone.utc)
    if not value:
        return now - timedelta(hours=24)
    match = _PERIOD.match(value.strip().lower())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now - (timedelta(hours=amount) if unit == "h" else timedelta(days=amount))
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since {value}: give 24h, 7d or a date such as 2026-11-30") from None
    return start if start.tzinfo else start.replace(tzinfo=timezone.utc)


def stories(store: Store, start: datetime) -> list[dict[str, Any]]:
    """The stories ruen first saw in the period, newest first, each with its key sentences,
    flag count and every source that carried it.

    Why by first seen: a story a source published long ago but ruen met today (a feed that
    lists old items, a new source) is news to the reader today; and a date a source gives in
    the future (a wrong clock, a typo) is no later than when ruen saw the story."""
    rows = store.db.execute(
        "SELECT i.id, i.url, i.source, i.published, i.seen, d.done, d.record FROM items i "
        "JOIN digests d ON d.id = i.id WHERE i.state = 'done' AND i.seen >= ?",
        (_iso(start),),
    ).fetchall()
    found = []
    for item_id, url, source, published, seen, done, record in rows:
        first_seen = moment(seen) or moment(done)
        when = moment(published) or first_seen
        if first_seen is not None and (when is None or when > first_seen):
            when = first_seen  # a date in the future: no later than when ruen saw it
        digest = json.loads(record)
        title = digest.get("title") or {}
        key = [s["en"] for s in digest["sentences"] if s["selected"] and s["en"]]
        sightings = store.db.execute(  # the story's own page first, then its reprints
            "SELECT source, url FROM sightings WHERE id = ? ORDER BY url != ?, rowid",
            (item_id, url),
        ).fetchall()
        found.append(
            {
                "id": item_id,
                "url": url,
                "published": when.isoformat(timespec="minutes") if when else None,
                "first_seen": first_seen.isoformat(timespec="minutes") if first_seen else None,
                "title": title.get("en") or (key[0] if key else item_id),
                "title_ru": title.get("ru"),
                "key_sentences": key,
                "flags": sum(digest.get("flags", {}).values()),
                "sources": [{"source": s, "url": u} for s, u in sightings]
                or [{"source": source, "url": url}],
            }
        )
    found.sort(key=lambda story: (story["published"] or "", story["id"]), reverse=True)
    return found


def failed(store: Store, start: datetime) -> list[dict[str, Any]]:
    """The items of the period that could not be digested, and why: a reader should know
    what the briefing lacks (``error``: tried again next run; ``refused``: never)."""
    rows = store.db.execute(
        "SELECT id, url, source, state, last_error, attempts FROM items "
        "WHERE state IN ('error', 'refused') AND seen >= ? ORDER BY seen DESC, rowid DESC",
        (_iso(start),),
    ).fetchall()
    return [
        {
            "id": item_id,
            "url": url,
            "source": source,
            "error": error,
            "again": state == "error",
            "attempts": attempts,
        }
        for item_id, url, source, state, error, attempts in rows
    ]


def _iso(when: datetime) -> str:
    """A time as the store writes ``seen`` (UTC, seconds), so that strings compare as times."""
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def to_html(
    found: list[dict[str, Any]], start: datetime, failures: list[dict[str, Any]] = ()
) -> str:
    period = f"since {start.isoformat(timespec='minutes')}"
    toc = "".join(f'<li><a href="#s{n}">{_e(s["title"])}</a></li>' for n, s in enumerate(found))
    articles = "".join(_story(n, story) for n, story in enumerate(found))
    empty = "" if found else "<p>No new stories in this period.</p>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ruen briefing: {len(found)} stories</title>"
        f"<style>{STYLE}{BRIEFING_STYLE}</style></head>\n"
        f"<body><main><header><h1>Briefing: {len(found)} stories</h1>"
        f'<p class="meta">{_e(period)}, newest first; each story once, with every source '
        f"that published it.</p></header>"
        + (f"<nav><h2>Contents</h2><ol>{toc}</ol></nav>" if found else empty)
        + f"{articles}{_failures_html(failures)}</main></body></html>\n"
    )


def _story(n: int, story: dict[str, Any]) -> str:
    flags = story["flags"]
    badge = (
        f'<span class="badge flagged">{flags} flag{"s" if flags != 1 else ""}</span>'
        if flags
        else '<span class="badge clean">no flags</span>'
    )
    ru = f'<p class="ru-title" lang="ru">{_e(story["title_ru"])}</p>' if story["title_ru"] else ""
    key = "".join(f"<li>{_e(sentence)}</li>" for sentence in story["key_sentences"])
    sources = "".join(
        f"<li>{_e(s['source'])}: "
        + (
            f'<a href="{_e(_safe_url(s["url"]))}" rel="noopener noreferrer">{_e(s["url"])}</a>'
            if _safe_url(s["url"])
            else _e(s["url"])
        )
        + "</li>"
        for s in story["sources"]
    )
    return (
        f'<article class="story" id="s{n}"><h2>{_e(story["title"])}</h2>{ru}'
        f'<p class="meta">{_e(story["published"])} · {badge}</p>'
        f'<ol>{key}</ol><h3>Published by</h3><ul class="sources">{sources}</ul></article>'
    )


def _failures_html(failures: list[dict[str, Any]]) -> str:
    if not failures:
        return ""
    rows = "".join(
        f"<li>{_e(f['source'])}: "
        + (
            f'<a href="{_e(_safe_url(f["url"]))}" rel="noopener noreferrer">{_e(f["url"])}</a>'
            if _safe_url(f["url"])
            else _e(f["url"])
        )
        + f" — {_e(f['error'])}</li>"
        for f in failures
    )
    return (
        f'<section class="failed" id="failed"><h2>Not in this briefing: {len(failures)} '
        f"item{'s' if len(failures) != 1 else ''} that failed</h2><ul>{rows}</ul></section>"
    )


def to_markdown(
    found: list[dict[str, Any]], start: datetime, failures: list[dict[str, Any]] = ()
) -> str:
    from ruen.report import _m

    out = [f"# Briefing: {len(found)} stories\n", f"since {start.isoformat(timespec='minutes')}\n"]
    for story in found:
        out.append(f"## {_m(story['title'])}\n")
        flags = f"{story['flags']} flags" if story["flags"] else "no flags"
        out.append(f"{_m(story['published'])} · {flags}\n")
        out += [f"- {_m(sentence)}" for sentence in story["key_sentences"]]
        out.append(
            "\nPublished by: "
            + ", ".join(
                f"[{_m(s['source'])}]({s['url'].replace(')', '%29')})"
                if _safe_url(s["url"])
                else _m(s["source"])
                for s in story["sources"]
            )
            + "\n"
        )
    if failures:
        out.append(f"## Not in this briefing: {len(failures)} failed\n")
        out += [f"- {_m(f['source'])}: <{f['url']}> — {_m(f['error'])}" for f in failures]
    return "\n".join(out) + "\n"

"""``ruen briefing``: the stories of a period from the follow store, newest first, each once,
with every source that published it.

Why from the store: reprints were set aside when they came in (``ruen.stories``), and every
source that carried a story was recorded beside it (``sightings``), so a story is read once and
its sources are listed under it. The HTML page is self-contained like the report (its CSS and
Content-Security-Policy; no script; every text escaped; readable at phone width).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from ruen.errors import InputError
from ruen.follow.store import Store, moment
from ruen.report import CSP, STYLE, _e, _safe_url, machine_translation_notice

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
.story h3 { font-size: .9rem; margin: .5rem 0 0; }
.names { font-size: .875rem; margin: .5rem 0 0; }
.names div { display: flex; gap: .5rem; }
.names dt { color: #666; min-width: 4.5rem; }
.names dd { margin: 0; overflow-wrap: anywhere; }
.told { font-size: .875rem; margin: .5rem 0 0; overflow-wrap: anywhere; }
/* a long word or address breaks where it must: nothing scrolls sideways at phone width */
article.story, nav li { overflow-wrap: anywhere; }
.flag-line { margin: .25rem 0; }
.flag-list { font-size: .875rem; margin: .25rem 0; }
.flag-list summary { cursor: pointer; color: #555; }
.flag-list ul { margin: .25rem 0 .5rem; padding-left: 1.25rem; }
.flag-list li { margin: 0 0 .35rem; overflow-wrap: anywhere; }
.flag-message, .flag-mark { color: var(--flag); }
.flag-mark { font-size: .8rem; text-decoration: none; white-space: nowrap; }
/* Printed (or saved as PDF) to forward: the contents and colours dropped, each story kept on
   one page where it fits, a headline never left at a page's foot, nothing forcing a page. */
@media print {
  @page { margin: 15mm; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  article.story { break-inside: avoid; page-break-inside: avoid; border: 0;
                  border-top: 1px solid #999; border-radius: 0; padding: .5rem 0 0;
                  margin: 0 0 .75rem; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  .badge { border: 1px solid #999; background: none; color: #000; }
  a { color: #000; }
  /* on paper a link is its address */
  .told a[href]::after, .sources a[href^="http"]::after { content: " <" attr(href) ">";
                                                          font-size: .75rem; }
}
"""
_PERIOD = re.compile(r"^(\d+)\s*([hd])$")


def zone(name: str | None = None) -> tzinfo:
    """The reader's time zone: an IANA name (``Europe/Moscow``), ``UTC``, or the machine's
    own where none is given. Why the reader's: a briefing is read at 8 am where its reader
    is, and "09:15 UTC" asks them to do sums."""
    if not name:
        return datetime.now().astimezone().tzinfo or timezone.utc
    if name.upper() in ("UTC", "Z"):
        return timezone.utc
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"--tz {name}: not a time zone; give a name such as Europe/Moscow or UTC"
        ) from None


def since(value: str | None, now: datetime | None = None, tz: tzinfo | None = None) -> datetime:
    """The start of the period: ``24h``, ``7d``, or a date or time in ISO 8601 (default 24h);
    a date or time without an offset is in the reader's zone ``tz`` (default UTC)."""
    now = now or datetime.now(timezone.utc)
    if not value:
        return now - timedelta(hours=24)
    match = _PERIOD.match(value.strip().lower())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        try:
            return now - (timedelta(hours=amount) if unit == "h" else timedelta(days=amount))
        except OverflowError:  # before the year 1: a period longer than any store holds
            raise InputError(
                f"--since {value}: a period that long reaches before the year 1; give a date "
                "such as 2000-01-01 for everything the store holds"
            ) from None
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since {value}: give 24h, 7d or a date such as 2026-11-30") from None
    return start if start.tzinfo else start.replace(tzinfo=tz or timezone.utc)


def stories(store: Store, start: datetime) -> list[dict[str, Any]]:
    """The stories digested in the period, newest first, each once however many outlets
    told it (:mod:`ruen.stories.grouping`, as ``ruen follow`` grouped them): its headline and
    key sentences from its fullest telling, every item that told or reprinted it with its
    source, time and link, the people, places and bodies it names, its flags counted, and the
    other stories of the period it is related to (close, but not close enough to merge).

    Why by when it was digested: each digested item then reaches exactly one briefing of
    consecutive periods, also one that failed on a run and was digested on the next, or one
    that ``--max-new`` held back (counted from when it was first listed, such an item fell
    before a briefing read between the runs and after the one read before). A story a source
    published long ago but ruen met today (a feed that lists old items, a new source) is news
    to the reader today; a date a source gives in the future (a wrong clock, a typo) is no
    later than when ruen saw the story."""
    rows = store.db.execute(
        "SELECT i.id, i.url, i.source, i.published, i.seen, d.done, d.record, length(d.text), "
        "coalesce(i.story, i.id), i.rowid FROM items i JOIN digests d ON d.id = i.id "
        "WHERE i.state = 'done' AND d.done >= ? ORDER BY i.rowid",
        (_iso(start),),
    ).fetchall()
    told: dict[str, list[dict[str, Any]]] = {}
    for item_id, url, source, published, seen, done, record, length, story, row in rows:
        first_seen, when = _times(published, seen or done)
        telling = {"id": item_id, "url": url, "source": source, "published": when,
                   "first_seen": first_seen, "length": length, "record": record,
                   "row": row}  # fmt: skip
        told.setdefault(story, []).append(telling)
    found = [_story(store, key, tellings) for key, tellings in told.items()]
    # Newest first by when the story was published (clamped to when ruen saw it), then by
    # when ruen first saw it, then by which came in last: never by address, which would put
    # the newest of two stories of one minute last.
    found.sort(key=lambda s: (s["published"] or "", s["first_seen"] or "", s.pop("_row")),
               reverse=True)  # fmt: skip
    _relate(store, found)
    return found


def _relate(store: Store, found: list[dict[str, Any]]) -> None:
    """Give each story the others of the briefing it is related to (their fullest tellings'
    probability of one story at :data:`~ruen.stories.same_story.RELATED` or above, below
    the merge that ``ruen follow`` would have made within its window and across outlets),
    the closest first: a reader sees the link, and no story hides under another's headline."""
    from ruen.stories.grouping import related
    from ruen.stories.same_story import Telling

    tellings = {}
    for story in found:
        text, record = store.db.execute(
            "SELECT text, record FROM digests WHERE id = ?", (story.pop("_fullest"),)
        ).fetchone()
        title = (json.loads(record).get("title") or {}).get("ru")
        tellings[story["id"]] = Telling.of(text, title)
    links = related(tellings) if len(tellings) > 1 else {}
    by_id = {story["id"]: story for story in found}
    for story in found:
        close = sorted(links.get(story["id"], {}).items(), key=lambda kv: (-kv[1], kv[0]))
        story["related"] = [
            {"id": other, "title_en": by_id[other]["title_en"], "url": by_id[other]["url"],
             "probability": round(p, 3)}
            for other, p in close
        ]  # fmt: skip


def _times(published: str | None, seen: str | None) -> tuple[str | None, str | None]:
    """(first seen, published) as the briefing shows them: a date in the future clamped to
    when ruen first saw the item."""
    first_seen = moment(seen)
    when = moment(published) or first_seen
    if first_seen is not None and (when is None or when > first_seen):
        when = first_seen
    show = lambda t: t.astimezone(timezone.utc).isoformat(timespec="seconds") if t else None  # noqa: E731
    return show(first_seen), show(when)


def _story(store: Store, key: str, tellings: list[dict[str, Any]]) -> dict[str, Any]:
    """One story: the fullest telling's digest, and every item that told or reprinted it."""
    fullest = max(tellings, key=lambda t: (t["length"], -tellings.index(t)))
    digest = json.loads(fullest["record"])
    title = digest.get("title") or {}
    sentences = digest.get("sentences", [])
    key_sentences = [s["en"] for s in sentences if s.get("selected") and s.get("en")]
    items = []
    for telling in tellings:
        items.append({k: telling[k] for k in ("url", "source", "published", "first_seen")})
        reprints = store.db.execute(  # the reprints set aside as repeats of this telling
            "SELECT url, source, published, seen FROM items WHERE state = 'duplicate' AND "
            "duplicate_of = ? ORDER BY rowid",
            (telling["id"],),
        ).fetchall()
        for url, source, published, seen in reprints:
            first_seen, when = _times(published, seen)
            items.append({"url": url, "source": source, "published": when,
                          "first_seen": first_seen})  # fmt: skip
    items.sort(key=lambda item: item["first_seen"] or "")
    names = [*(title.get("names") or []), *(n for s in sentences for n in s.get("names", []))]
    terms = [*(title.get("terms") or []), *(t for s in sentences for t in s.get("terms", []))]
    flagged = [
        {"en": record.get("en"), "key": bool(record.get("selected")), "title": record is title,
         "kind": flag["kind"], "message": flag["message"]}
        for record in (title, *sentences) for flag in record.get("flags", ())
    ]  # fmt: skip
    return {
        "id": key,
        "title_en": title.get("en") or (key_sentences[0] if key_sentences else key),
        "title_ru": title.get("ru"),
        "url": fullest["url"],
        "source": fullest["source"],
        "published": min((i["published"] for i in items if i["published"]), default=None),
        "first_seen": min((i["first_seen"] for i in items if i["first_seen"]), default=None),
        "key_sentences": key_sentences,
        "flags": sum(digest.get("flags", {}).values()),
        "flagged": flagged,
        "people": _unique(n["english"] for n in names if n.get("kind") == "person"),
        "places": _places(n for n in names if n.get("kind") == "place"),
        "bodies": _unique(t["target"] for t in terms),
        "items": items,
        "model": digest.get("model"),
        "_fullest": fullest["id"],
        "_row": max(t["row"] for t in tellings),
    }


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _places(names: Any) -> list[str]:
    """Each place once, in its usual English: a listed place by its list's first spelling
    (whatever form the translation wrote: «Иркутская область» is Irkutsk Oblast, not the
    "Irkutskaya" of one sentence), and two listed names of one place as one (Россия and
    Российская Федерация: each one's usual spelling is among the other's), shown by the
    shorter name."""
    from ruen.names.spellings import listed

    shown: dict[str, set[str]] = {}  # usual spelling -> every spelling of that place
    for name in names:
        entry = listed(str(name.get("lemma") or "").split())
        usual = entry.spellings[0] if entry else name.get("english")
        forms = set(entry.spellings) if entry else {usual}
        if not usual:
            continue
        same = next((o for o, known in shown.items() if usual in known or o in forms), None)
        if same is None:
            shown[usual] = forms
        elif len(usual) < len(same):  # one place: shown by its shortest usual name (Russia)
            shown = {(usual if o == same else o): k | forms for o, k in shown.items()}
    return list(shown)


def failed(store: Store, start: datetime) -> list[dict[str, Any]]:
    """The items of the period that could not be digested, and why: a reader should know
    what the briefing lacks (``error``: tried again next run; ``refused``: never)."""
    rows = store.db.execute(
        "SELECT id, url, source, state, last_error, attempts, seen FROM items "
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
            "seen": seen,
        }
        for item_id, url, source, state, error, attempts, seen in rows
    ]


FORMATS = ("markdown", "html", "json", "atom")
MEDIA_TYPES = {
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "atom": "application/atom+xml; charset=utf-8",
}


def render(
    store: Store,
    start: datetime,
    form: str,
    *,
    feed_id: str = "urn:ruen:briefing",
    tz: tzinfo | None = None,
) -> str:
    """The briefing of the period since ``start`` in one of :data:`FORMATS`: what ``ruen
    briefing`` prints and ``ruen serve`` answers at ``/briefing``. The page and the Markdown
    show times in ``tz`` (default the machine's zone); JSON and Atom keep ISO 8601 times."""
    until = datetime.now(timezone.utc)
    tz = tz or zone()
    found, failures = stories(store, start), failed(store, start)
    if form == "json":
        payload = {
            "since": start.isoformat(timespec="seconds"),
            "until": until.isoformat(timespec="seconds"),
            "notice": notice(found, until, tz),
            "stories": found,
            "failed": failures,
        }
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if form == "atom":
        return to_atom(found, start, failures, until=until, feed_id=feed_id)
    if form == "html":
        return to_html(found, start, failures, until=until, tz=tz)
    return to_markdown(found, start, failures, until=until, tz=tz)


def notice(found: list[dict[str, Any]], until: datetime, tz: tzinfo | None = None) -> str:
    """The machine-translation notice of the report, naming the models of these stories."""
    made = until.astimezone(tz or timezone.utc).date().isoformat()
    return machine_translation_notice((story.get("model") for story in found), made)


def _iso(when: datetime) -> str:
    """A time as the store writes ``seen`` (UTC, seconds), so that strings compare as times."""
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _when(iso: str | None, tz: tzinfo) -> str:
    """A stored time as its reader reads it: ``7 Dec 2026, 09:15 MSK`` in their zone."""
    parsed = moment(iso)
    return parsed.astimezone(tz).strftime("%-d %b %Y, %H:%M %Z").strip() if parsed else ""


def _main_item(story: dict[str, Any]) -> dict[str, Any]:
    """The item the story was read from (its fullest telling), with its own time."""
    return next((i for i in story["items"] if i["url"] == story["url"]), story)


def _dated(until: datetime, tz: tzinfo) -> str:
    return until.astimezone(tz).strftime("%-d %B %Y")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def to_html(
    found: list[dict[str, Any]],
    start: datetime,
    failures: list[dict[str, Any]] = (),
    *,
    until: datetime | None = None,
    tz: tzinfo | None = None,
) -> str:
    until = until or datetime.now(timezone.utc)
    tz = tz or timezone.utc
    period = f"{_when(_iso(start), tz)} to {_when(_iso(until), tz)}"
    toc = "".join(f'<li><a href="#s{n}">{_e(s["title_en"])}</a></li>' for n, s in enumerate(found))
    anchors = {story["id"]: n for n, story in enumerate(found)}
    articles = "".join(_story_html(n, story, anchors, tz) for n, story in enumerate(found))
    empty = "" if found else "<p>No new stories in this period.</p>"
    heading = f"Briefing of {_dated(until, tz)}: {_count(len(found), 'story', 'stories')}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ruen {_e(heading[0].lower() + heading[1:])}</title>"
        f"<style>{STYLE}{BRIEFING_STYLE}</style></head>\n"
        f"<body><main><header><h1>{_e(heading)}</h1>"
        f'<p class="meta">{_e(period)}, newest first; each story once, however many outlets '
        f"told it, with every one of them.</p>"
        f'<p class="notice">{_e(notice(found, until, tz))}</p></header>'
        + (f"<nav><h2>Contents</h2><ol>{toc}</ol></nav>" if found else empty)
        + f"{articles}{_failures_html(failures)}</main></body></html>\n"
    )


def _link(url: str, text: str | None = None) -> str:
    shown = _e(text if text is not None else url)
    safe = _safe_url(url)
    return f'<a href="{_e(safe)}" rel="noopener noreferrer">{shown}</a>' if safe else shown


def _told_by(item: dict[str, Any], tz: tzinfo) -> str:
    """An outlet that told the story: its name linked to its page, and when it published."""
    name = item.get("source") or _host(item["url"])
    when = _when(item.get("published"), tz)
    return _link(item["url"], name) + (f", {_e(when)}" if when else "")


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def _story_html(
    n: int, story: dict[str, Any], anchors: dict[str, int] | None = None, tz: tzinfo | None = None
) -> str:
    tz = tz or timezone.utc
    ru = f'<p class="ru-title" lang="ru">{_e(story["title_ru"])}</p>' if story["title_ru"] else ""
    messages: dict[str, list[str]] = {}
    for flag in story.get("flagged", ()):
        if flag["key"]:
            messages.setdefault(flag["en"] or "", []).append(flag["message"])
    key = "".join(
        f"<li>{_e(sentence)}"
        + (
            f' <abbr class="flag-mark" title="{_e("; ".join(messages[sentence]))}">⚠ '
            f"{len(messages[sentence])}</abbr>"
            if messages.get(sentence)
            else ""
        )
        + "</li>"
        for sentence in story["key_sentences"]
    )
    named = "".join(
        f"<div><dt>{label}</dt><dd>{_e(', '.join(story[field]))}</dd></div>"
        for field, label in (("people", "People"), ("places", "Places"), ("bodies", "Bodies"))
        if story[field]
    )
    others = [i for i in story["items"] if i["url"] != story["url"]]
    also = "".join(f"<li>{_told_by(i, tz)}</li>" for i in others)
    sources = len({i["source"] for i in story["items"]})
    return (
        f'<article class="story" id="s{n}"><h2>{_e(story["title_en"])}</h2>{ru}'
        f'<p class="meta">published {_e(_when(story["published"], tz))} · first seen '
        f"{_e(_when(story['first_seen'], tz))} · {_count(sources, 'source')}</p>"
        + _flags_html(story)
        + f"<ol>{key}</ol>"
        + (f'<dl class="names">{named}</dl>' if named else "")
        + f'<p class="told">From {_told_by(_main_item(story), tz)}</p>'
        + (f'<h3>Also reported by</h3><ul class="sources">{also}</ul>' if also else "")
        + _related_html(story, anchors)
        + "</article>"
    )


def _flags_html(story: dict[str, Any]) -> str:
    """The flags' badge, which opens (no script: a ``<details>``) onto every flag of the
    story with the English it concerns, key sentence or not. A key sentence carries a mark
    with its count (its messages on hover): the briefing stays a page to skim, and the report
    is where each flag stands beside its sentence."""
    flagged = story.get("flagged", ())
    if not story["flags"] and not flagged:
        return '<p class="flag-line"><span class="badge clean">no flags</span></p>'
    by_sentence: dict[tuple[bool, str], list[dict[str, Any]]] = {}
    for flag in flagged:  # one item a sentence, its flags under it
        by_sentence.setdefault((flag["title"], flag["en"] or "—"), []).append(flag)
    rows = "".join(
        f'<li><span class="flagged-en">{_e("Title: " if title else "")}{_e(english)}</span>'
        + "".join(
            f'<br><span class="flag-message">{_e(f["kind"])}: {_e(f["message"])}</span>'
            for f in flags
        )
        + "</li>"
        for (title, english), flags in by_sentence.items()
    )
    count = _count(story["flags"] or len(flagged), "flag")
    return (
        f'<details class="flag-list"><summary><span class="badge flagged">{count}</span> '
        f"what the checks found in the English</summary><ul>{rows}</ul></details>"
    )


def _related_html(story: dict[str, Any], anchors: dict[str, int] | None) -> str:
    """The related stories: a link to each within the page where it is there, else to its
    source."""
    links = []
    for other in story.get("related", []):
        if anchors is not None and other["id"] in anchors:
            links.append(f'<li><a href="#s{anchors[other["id"]]}">{_e(other["title_en"])}</a></li>')
        else:
            links.append(f"<li>{_link(other['url'], other['title_en'])}</li>")
    if not links:
        return ""
    return f'<h3>Related, not merged</h3><ul class="sources related">{"".join(links)}</ul>'


def _failures_html(failures: list[dict[str, Any]]) -> str:
    if not failures:
        return ""
    rows = "".join(
        f"<li>{_e(f['source'])}: {_link(f['url'])} — {_e(f['error'])}</li>" for f in failures
    )
    return (
        f'<section class="failed" id="failed"><h2>Not in this briefing: {len(failures)} '
        f"item{'s' if len(failures) != 1 else ''} that failed</h2><ul>{rows}</ul></section>"
    )


def to_markdown(
    found: list[dict[str, Any]],
    start: datetime,
    failures: list[dict[str, Any]] = (),
    *,
    until: datetime | None = None,
    tz: tzinfo | None = None,
) -> str:
    from ruen.report import _m

    until = until or datetime.now(timezone.utc)
    tz = tz or timezone.utc

    def link(item: dict[str, Any]) -> str:
        url, name = item["url"], _m(item.get("source") or _host(item["url"]))
        linked = f"[{name}]({url.replace(')', '%29')})" if _safe_url(url) else _m(url)
        when = _when(item.get("published"), tz)
        return linked + (f", {when}" if when else "")

    out = [
        f"# Briefing of {_dated(until, tz)}: {_count(len(found), 'story', 'stories')}\n",
        f"{_m(_when(_iso(start), tz))} to {_m(_when(_iso(until), tz))}, newest first\n",
        f"_{_m(notice(found, until, tz))}_\n",
    ]
    for story in found:
        out.append(f"## {_m(story['title_en'])}\n")
        if story["title_ru"]:
            out.append(f"{_m(story['title_ru'])}\n")
        flags = _count(story["flags"], "flag") if story["flags"] else "no flags"
        out.append(
            f"published {_m(_when(story['published'], tz))} · first seen "
            f"{_m(_when(story['first_seen'], tz))} · {flags}\n"
        )
        for sentence in story["key_sentences"]:
            out.append(f"- {_m(sentence)}")
            out += [f"  - ⚠ {_m(f['message'])}" for f in story.get("flagged", ())
                    if f["key"] and f["en"] == sentence]  # fmt: skip
        rest = [f for f in story.get("flagged", ()) if not f["key"]]
        if rest:
            out.append("\nFlags in the rest of the text:\n")
            out += [f"- ⚠ {_m(f['message'])} ({_m(f['en'] or '—')})" for f in rest]
        named = [
            f"{label}: {_m(', '.join(story[field]))}"
            for field, label in (("people", "People"), ("places", "Places"), ("bodies", "Bodies"))
            if story[field]
        ]
        if named:
            out.append("\n" + "; ".join(named))
        out.append(f"\nFrom {link(_main_item(story))}")
        others = [i for i in story["items"] if i["url"] != story["url"]]
        if others:
            out.append("Also reported by: " + "; ".join(link(i) for i in others))
        close = story.get("related", [])
        if close:
            out.append(
                "Related, not merged: "
                + "; ".join(link({"url": r["url"], "source": r["title_en"]}) for r in close)
            )
        out.append("")
    if failures:
        out.append(f"## Not in this briefing: {len(failures)} failed\n")
        out += [f"- {_m(f['source'])}: <{f['url']}> — {_m(f['error'])}" for f in failures]
    return "\n".join(out) + "\n"


ATOM = "http://www.w3.org/2005/Atom"


def to_atom(
    found: list[dict[str, Any]],
    start: datetime,
    failures: list[dict[str, Any]] = (),
    *,
    until: datetime | None = None,
    feed_id: str = "urn:ruen:briefing",
) -> str:
    """The briefing as an Atom feed (RFC 4287), one entry per story, so that any feed reader
    subscribes to it: the entry's id stays the story's as outlets join it, and its updated
    time moves when one does, so a reader shows it again."""
    from xml.etree import ElementTree as tree

    tree.register_namespace("", ATOM)
    until = until or datetime.now(timezone.utc)

    def sub(parent: tree.Element, name: str, text: str | None = None, **attrs: str) -> Any:
        element = tree.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = tree.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", f"ruen briefing since {start.isoformat(timespec='minutes')}")
    sub(feed, "subtitle", notice(found, until))
    sub(feed, "updated", until.isoformat(timespec="seconds"))
    sub(sub(feed, "author"), "name", "ruen")
    sub(feed, "generator", "ruen")
    for story in found:
        entry = sub(feed, "entry")
        sub(entry, "id", story["id"] if _safe_url(story["id"]) else f"urn:ruen:{story['id']}")
        sub(entry, "title", story["title_en"])
        latest = max((i["first_seen"] for i in story["items"] if i["first_seen"]), default=None)
        sub(entry, "updated", _rfc3339(latest or until.isoformat(timespec="minutes")))
        if story["published"]:
            sub(entry, "published", _rfc3339(story["published"]))
        for item in story["items"]:
            if _safe_url(item["url"]):
                rel = "alternate" if item["url"] == story["url"] else "related"
                sub(entry, "link", href=item["url"], rel=rel, title=item["source"] or "")
        sub(sub(entry, "author"), "name", story["source"] or "")
        sub(entry, "summary", " ".join(story["key_sentences"]) or story["title_en"])
        sub(entry, "content", _story_html(0, story) + f"<p>{_e(notice([story], until))}</p>",
            type="html")  # fmt: skip
    if failures:
        # Its id names what failed (not the period asked for), and its time is the latest
        # failure's, so that a reader polling every minute sees one entry until that changes.
        entry = sub(feed, "entry")
        named = hashlib.sha256("\n".join(sorted(f["id"] for f in failures)).encode())
        sub(entry, "id", f"{feed_id}:failed:{named.hexdigest()[:16]}")
        sub(entry, "title", f"Not in this briefing: {len(failures)} failed")
        latest = max((f["seen"] for f in failures if f.get("seen")), default=None)
        sub(entry, "updated", _rfc3339(latest) if latest else until.isoformat(timespec="seconds"))
        sub(entry, "content", _failures_html(failures), type="html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + tree.tostring(feed, "unicode") + "\n"


def _rfc3339(when: str) -> str:
    """Atom's times carry seconds and an offset: 2026-12-03T08:15+00:00 -> ...:15:00+00:00."""
    parsed = moment(when)
    return parsed.isoformat(timespec="seconds") if parsed else when

"""``ruen briefing`` on a store that ``ruen follow`` filled from two feeds of a real HTTP server
on 127.0.0.1: each story once, newest first, with every source that published it (a reprint,
and another outlet's own telling of one event: a pair of real news the crowd judged one story,
benchmarks/data); the weather of two cities two stories; the HTML page escaped,
self-contained, readable in headless Chromium at desktop and phone width and printed to PDF
with no story split; JSON and Atom as their readers expect."""

from __future__ import annotations

import io
import json
from datetime import datetime
from html import escape
from pathlib import Path

import pytest

import ruen

pytest.importorskip("rensa", reason="ruen follow needs ruen[follow]")

from tests.conftest import ROOT, run_cli
from tests.loopback import Site
from tests.test_follow import FAST, WMT21, page, rss
from tests.test_story_groups import BREST_GOMEL, PYATIGORSK, pair

ARTIFACTS = ROOT / "test-artifacts"


def news(document: ruen.Document) -> bytes:
    """An outlet's page: its headline, its paragraphs."""
    body = "".join(f"<p>{escape(p)}</p>" for p in document.text.split("\n") if p.strip())
    return (
        f"<html><head><meta charset='utf-8'><title>{escape(document.title)}</title></head>"
        f"<body><nav>Главная | Новости</nav><article><h1>{escape(document.title)}</h1>{body}"
        "</article></body></html>"
    ).encode()


@pytest.fixture
def store(site: Site, tiny_model: Path, offline_env: dict, tmp_path: Path) -> Path:
    from ruen.evaluation import read_tsv, wmt_documents

    stories = [r[:4] for r, _ in wmt_documents(read_tsv(WMT21)) if len(r) >= 4][:3]
    stories[0] = ["Министр заявил: <script>alert(1)</script> — и ушёл.", *stories[0][1:]]
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"")
    for n, story in enumerate(stories):
        site.routes[f"/news/{n}"] = lambda _h, s=story: (
            200,
            {"Content-Type": "text/html"},
            page(s),
        )
    reprint = ["Перепечатка: РИА «Регион».", *stories[1][1:]]
    site.routes["/copy/1"] = lambda _h: (200, {"Content-Type": "text/html"}, page(reprint))
    told, retold, _ = pair(PYATIGORSK)  # one event, two outlets' own words
    brest, gomel, _ = pair(BREST_GOMEL)  # the weather of two cities
    for path, document in (("/news/3", told), ("/rewrite/3", retold), ("/news/4", brest),
                           ("/weather/4", gomel)):  # fmt: skip
        site.routes[path] = lambda _h, d=document: (200, {"Content-Type": "text/html"}, news(d))
    a, b = ["/news/0", "/news/1", "/news/3", "/news/4"], ["/copy/1", "/news/2", "/rewrite/3"]
    site.routes["/a.xml"] = lambda _h: (200, {}, rss(site, a))
    site.routes["/b.xml"] = lambda _h: (200, {}, rss(site, [*b, "/weather/4"], 4))
    listed = tmp_path / "sources.txt"
    listed.write_text(f"{site.url}/a.xml Минфин\n{site.url}/b.xml РИА\n", encoding="utf-8")
    path = tmp_path / "store.sqlite"
    result = run_cli(
        "follow", str(listed), "--store", str(path), "-o", str(tmp_path / "out.jsonl"),
        "--model", str(tiny_model), *FAST, env=offline_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def briefing(store: Path, env: dict, *extra: str):
    return run_cli("briefing", "--store", str(store), "--since", "2026-11-01", *extra, env=env)


def path(url: str) -> str:
    return url.split("/", 3)[3]


def test_each_story_once_newest_first_with_all_its_sources(store: Path, offline_env: dict) -> None:
    result = briefing(store, offline_env, "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"since", "until", "notice", "stories", "failed"}
    assert payload["failed"] == [] and payload["notice"].startswith("Machine translation by ruen")
    found = payload["stories"]
    by_id = {path(s["id"]): s for s in found}
    # 7 pages, 6 stories: the reprint of 1 and the other outlet's telling of 3 are not stories
    assert sorted(by_id) == ["news/0", "news/1", "news/2", "news/3", "news/4", "weather/4"]
    order = [(s["published"], s["first_seen"]) for s in found]
    assert order == sorted(order, reverse=True)  # newest first by publication
    for story in found:
        assert set(story) >= {"id", "title_en", "title_ru", "items", "flagged"}
        assert len(story["flagged"]) == story["flags"]  # each flag with the English it concerns
        assert all(set(i) == {"url", "source", "published", "first_seen"} for i in story["items"])
        assert story["key_sentences"]
    assert [(x["source"], path(x["url"])) for x in by_id["news/1"]["items"]] == [
        ("Минфин", "news/1"),
        ("РИА", "copy/1"),
    ]  # fmt: skip - and its reprint
    told = by_id["news/3"]
    assert sorted((x["source"], path(x["url"])) for x in told["items"]) == [
        ("Минфин", "news/3"),
        ("РИА", "rewrite/3"),
    ]  # fmt: skip - one event, two outlets
    assert told["title_ru"] == pair(PYATIGORSK)[1 if path(told["url"]) == "rewrite/3" else 0].title
    assert told["published"].startswith("2026-11-30")
    assert len(by_id["news/4"]["items"]) == len(by_id["weather/4"]["items"]) == 1
    markdown = briefing(store, offline_env, "--tz", "Europe/Moscow").stdout
    assert markdown.startswith("# Briefing of ") and markdown.split("\n")[0].endswith(": 6 stories")
    assert "Also reported by: [РИА](" in markdown and "_Machine translation by ruen" in markdown
    assert "MSK" in markdown and "+00:00" not in markdown  # the reader's zone, read as such
    for story in found:  # each story's Russian headline under its English one
        assert f"## {story['title_en'][:20]}" in markdown.replace("\\", "")
        assert story["title_ru"].replace("<", "\\<")[:20] in markdown
    assert briefing(store, offline_env, "--since", "tomorrow").returncode == 2
    wrong = briefing(store, offline_env, "--tz", "Mars/Olympus")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "--tz" in wrong.stderr


def test_the_briefing_as_an_atom_feed(store: Path, offline_env: dict) -> None:
    from xml.etree import ElementTree

    result = briefing(store, offline_env, "--format", "atom")
    assert result.returncode == 0, result.stderr
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(result.stdout.encode())
    assert feed.tag == f"{atom}feed" and feed.find(f"{atom}id").text
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 6
    for entry in entries:  # what RFC 4287 asks of every entry
        assert entry.find(f"{atom}id").text and entry.find(f"{atom}title").text
        datetime.fromisoformat(entry.find(f"{atom}updated").text)
        assert entry.find(f"{atom}content").get("type") == "html"
    told = next(e for e in entries if e.find(f"{atom}id").text.endswith("/news/3"))
    links = {path(link.get("href")): link.get("rel") for link in told.findall(f"{atom}link")}
    assert sorted(links) == ["news/3", "rewrite/3"] and sorted(links.values()) == [
        "alternate", "related"]  # fmt: skip


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_the_briefing_in_chromium(
    browser, store: Path, offline_env: dict, tmp_path: Path, width: int, height: int, name: str
) -> None:
    path = tmp_path / "briefing.html"
    result = briefing(store, offline_env, "--format", "html", "-o", str(path))
    assert result.returncode == 0, result.stderr
    page = browser.new_page(viewport={"width": width, "height": height})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert problems == [] and requests == [path.as_uri()]  # nothing fetched
    assert page.locator("script").count() == 0
    story = page.locator("article.story", has_text="<script>alert(1)</script>")
    assert story.count() == 1  # shown as text
    assert page.locator("nav li a").count() == 6 == page.locator("article.story").count()
    assert page.locator("article.story .sources li").count() == 2  # the reprint, the retelling
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # no sideways scroll
    assert "Machine translation by ruen" in page.inner_text("header .notice")
    assert page.title().startswith("ruen briefing of ") and "6 stories" in page.title()
    flagged = page.locator("details.flag-list")
    assert flagged.count() >= 1  # the tiny model's English is flagged somewhere
    first = flagged.first
    assert first.locator("li").first.is_hidden()
    first.locator("summary").click()  # the badge opens onto the flags, with their English
    assert first.locator("li").first.is_visible() and first.locator(".flag-message").count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"briefing-{name}.png"), full_page=True)
    page.close()
    assert (ARTIFACTS / f"briefing-{name}.png").stat().st_size > 10_000


def test_the_briefing_printed_to_pdf_splits_no_story(
    browser, store: Path, offline_env: dict, tmp_path: Path
) -> None:
    """Printed: the print stylesheet drops the contents; no page is blank; a story that fits
    on a page is on one page (each story's top and bottom are measured in the printed
    layout: A5 at 96 dpi less the margins)."""
    pypdf = pytest.importorskip("pypdf", reason="reading the printed briefing needs ruen[test]")
    path = tmp_path / "briefing.html"
    assert briefing(store, offline_env, "--format", "html", "-o", str(path)).returncode == 0
    page = browser.new_page()
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    assert page.locator("nav").is_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    # A5: pages short enough that, without the print stylesheet, stories straddle them
    pdf = page.pdf(path=str(ARTIFACTS / "briefing.pdf"), format="A5", print_background=True)
    page_height = (210 - 2 * 15) / 25.4 * 96  # @page margin 15 mm
    boxes = page.evaluate(
        "[...document.querySelectorAll('article.story')].map(a => "
        "{const r = a.getBoundingClientRect(); return [r.top + scrollY, r.bottom + scrollY]})"
    )
    page.close()
    pages = ["".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1 and all(pages)  # no blank page
    assert not any("Contents" in text for text in pages)
    payload = json.loads(briefing(store, offline_env, "--format", "json").stdout)
    for (top, bottom), story in zip(boxes, payload["stories"]):
        assert bottom - top < page_height  # each story fits on a page...
        head = "".join(story["title_ru"].split())[:30]
        tail = "".join(f"From {story['source']}".split())
        on = [n for n, text in enumerate(pages) if head in text]
        assert len(on) == 1 and tail in pages[on[0]], (story["id"], on)  # ...and is on one


# --- ruen serve --store: the briefing at /briefing, behind the key ----------------------------


def test_ruen_serve_shows_the_latest_briefing_behind_the_key(
    browser, store: Path, tiny_model: Path, offline_env: dict
) -> None:
    import base64

    import httpx

    from ruen.report import CSP
    from ruen.serve import service as server
    from tests.test_serve import DEFAULTS, serve_thread

    key = "k" * 24
    translator = ruen.load_translator(tiny_model, device="cpu")
    service = server.Service(translator, server.Limits(), DEFAULTS, api_key=key)
    bearer = {"Authorization": f"Bearer {key}"}
    basic = {"Authorization": "Basic " + base64.b64encode(f"reader:{key}".encode()).decode()}
    with (
        serve_thread(service, store=str(store)) as address,
        httpx.Client(base_url=address, timeout=60) as http,
    ):
        refused = http.get("/briefing?since=2026-11-01")
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith(
            "Basic"
        )
        assert http.get("/briefing", headers={"Authorization": "Basic eDp5"}).status_code == 401
        page = http.get("/briefing?since=2026-11-01", headers=bearer)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.headers["content-security-policy"] == CSP  # its own inline styles only
        assert page.text.count('<article class="story"') == 6
        feed = http.get(
            "/briefing?since=2026-11-01", headers={**basic, "Accept": "application/atom+xml"}
        )
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert feed.text.count("<entry>") == 6
        served = http.get("/briefing?since=2026-11-01&format=json", headers=bearer).json()
        printed = json.loads(briefing(store, offline_env, "--format", "json").stdout)
        assert served["stories"] == printed["stories"]  # what ruen briefing prints
        bad = http.get("/briefing?since=tomorrow", headers=bearer)
        assert bad.status_code == 400 and "--since" in bad.json()["error"]
        tab = browser.new_page(viewport={"width": 390, "height": 844}, extra_http_headers=bearer)
        tab.goto(f"{address}/briefing?since=2026-11-01")
        assert tab.locator("article.story").count() == 6
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(250, 250, 250)"  # the page's style applied under the CSP
        assert tab.evaluate("document.scrollingElement.scrollWidth") <= 390
        tab.goto(f"{address}/")  # the digest page links to the briefing, and asks for the key
        tab.wait_for_selector("#briefing-link")
        assert tab.get_attribute("#briefing-link", "href") == "/briefing"
        assert tab.locator("#key-field").is_visible()
        tab.close()
        moscow = http.get("/briefing?since=2026-11-01&format=markdown&tz=Europe/Moscow",
                          headers=bearer)  # fmt: skip
        assert moscow.status_code == 200 and "MSK" in moscow.text
        assert http.get("/briefing?tz=Mars/Olympus", headers=bearer).status_code == 400
    with serve_thread(service) as address:
        none = httpx.get(f"{address}/briefing", headers=bearer, timeout=60)
        assert none.status_code == 404 and "--store" in none.json()["error"]


@pytest.mark.parametrize("since", ["100000000d", "9999999999h"])
def test_a_period_before_the_year_1_is_one_line_and_exit_2(
    store: Path, offline_env: dict, since: str
) -> None:
    """Was an OverflowError traceback."""
    result = run_cli("briefing", "--store", str(store), "--since", since, env=offline_env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "before the year 1" in result.stderr


def _told(store, item: dict, document: ruen.Document) -> None:  # type: ignore[no-untyped-def]
    """Mark an item digested, with a record as ruen follow writes it (title and one key
    sentence)."""
    record = {
        "title": {"ru": document.title, "en": f"EN {document.title}"},
        "sentences": [{"ru": document.text[:80], "en": "A key sentence.", "selected": True}],
        "flags": {},
    }
    store.done(item, record, document.text, item["id"])


def test_the_since_of_a_briefing_counts_from_when_an_item_was_digested(tmp_path: Path) -> None:
    """An item listed before a briefing was read but digested after it (it failed on that run,
    or --max-new held it back) reaches the next briefing: each digested item reaches exactly
    one of consecutive periods."""
    import time

    from ruen.follow.briefing import stories
    from ruen.follow.store import Store, moment, now

    first, second, _ = pair(PYATIGORSK)
    items = [
        {"id": f"https://a.example/{n}", "url": f"https://a.example/{n}", "source": "A",
         "source_url": "https://a.example/feed", "published": None, "state": "pending"}
        for n in range(2)
    ]  # fmt: skip
    with Store(tmp_path / "store.sqlite") as store:
        store.listed("https://a.example/feed", "A", {}, items)
        _told(store, items[0], first)  # digested on the first run; items[1] failed
        time.sleep(1.1)
        morning = moment(now())  # a briefing read between the runs
        time.sleep(1.1)
        _told(store, items[1], second)  # digested on the next run
        listed_at = store.db.execute("SELECT seen FROM items WHERE id = ?", (items[1]["id"],))
        assert moment(listed_at.fetchone()[0]) < morning  # listed before the first briefing
        before = [s["id"] for s in stories(store, moment("2026-01-01"))]
        after = [s["id"] for s in stories(store, morning)]
    assert items[1]["id"] in after and items[0]["id"] not in after
    assert sorted(before) == sorted(i["id"] for i in items)


def test_close_stories_are_linked_as_related_and_neither_hides_the_other(tmp_path: Path) -> None:
    """Two stories the model finds close but below its merge threshold: each shows the other
    under "Related, not merged", in HTML (a link within the page), Markdown and JSON."""
    from ruen.follow.briefing import render, stories
    from ruen.follow.store import Store, moment
    from ruen.stories import same_story
    from tests.test_story_groups import PAIRS

    rows = PAIRS.read_text(encoding="utf-8").splitlines()
    n = next(
        k for k in range(len(rows))
        if same_story.RELATED <= same_story.probability(*pair(k)[:2]) < same_story.MERGE
    )  # fmt: skip
    first, second, _ = pair(n)
    items = [
        {"id": f"https://{h}.example/1", "url": f"https://{h}.example/1", "source": h,
         "source_url": f"https://{h}.example/feed", "published": None, "state": "pending"}
        for h in ("a", "b")
    ]  # fmt: skip
    with Store(tmp_path / "store.sqlite") as store:
        for item, document in zip(items, (first, second)):
            store.listed(item["source_url"], item["source"], {}, [item])
            _told(store, item, document)
        start = moment("2026-01-01")
        found = stories(store, start)
        assert len(found) == 2  # not merged
        for story, other in zip(found, reversed(found)):
            assert [r["id"] for r in story["related"]] == [other["id"]]
            assert same_story.RELATED <= story["related"][0]["probability"] < same_story.MERGE
        page = render(store, start, "html")
        markdown = render(store, start, "markdown")
        payload = json.loads(render(store, start, "json"))
    assert page.count("Related, not merged") == 2 and 'href="#s1"' in page and 'href="#s0"' in page
    assert markdown.count("Related, not merged: [EN ") == 2
    assert all(s["related"] for s in payload["stories"])


def test_a_long_word_in_a_headline_or_address_wraps_at_phone_width(browser, tmp_path: Path) -> None:
    """Briefing headings did not wrap long words; at 390 px nothing scrolls sideways."""
    from datetime import timezone

    from ruen.follow import briefing as briefings

    long = "Минэкономразвития" * 4
    url = "https://example.org/" + "news-item-with-a-very-long-address/" * 6
    story = {
        "id": url, "title_en": "Economic" * 12 + " development", "title_ru": long, "url": url,
        "source": "РИА", "published": "2026-12-07T06:00:00+00:00",
        "first_seen": "2026-12-07T06:05:00+00:00", "key_sentences": [f"See {url} for {long}."],
        "flags": 1, "people": [], "places": ["Russia"], "bodies": [],
        "flagged": [{"en": f"See {url}.", "key": True, "title": False, "kind": "url",
                     "message": f"{url} is not in the English"}],
        "items": [{"url": url, "source": "РИА", "published": "2026-12-07T06:00:00+00:00",
                   "first_seen": "2026-12-07T06:05:00+00:00"},
                  {"url": url + "copy", "source": "ТАСС", "published": None,
                   "first_seen": "2026-12-07T06:10:00+00:00"}],
        "related": [], "model": "opus-mt-ru-en",
    }  # fmt: skip
    start = datetime(2026, 12, 6, 6, tzinfo=timezone.utc)
    path = tmp_path / "long.html"
    path.write_text(briefings.to_html([story], start, tz=timezone.utc), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(path.as_uri())
    page.locator("details.flag-list summary").click()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert "7 Dec 2026, 06:00 UTC" in page.inner_text("article.story .meta")
    page.close()


def test_a_place_once_in_its_usual_english() -> None:
    """«Россия» and «Российская Федерация» are one Russia, whatever the English wrote; an
    unlisted place keeps the English the sentence holds, once."""
    from ruen.follow.briefing import _places

    names = [
        {"lemma": "Российская Федерация", "english": "Russian Federation", "kind": "place"},
        {"lemma": "Россия", "english": "Russia", "kind": "place"},
        {"lemma": "Пятигорск", "english": "Pyatigorsk", "kind": "place"},
        {"lemma": "Россия", "english": "RF", "kind": "place"},
        {"lemma": "Нижнеудинск", "english": "Nizhneudinsk", "kind": "place"},
        {"lemma": "Нижнеудинск", "english": "Nizhneudinsk", "kind": "place"},
    ]
    assert _places(names) == ["Russia", "Pyatigorsk", "Nizhneudinsk"]

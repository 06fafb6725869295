"""``ruen briefing`` on a store that ``ruen follow`` filled from two feeds of a real HTTP server
on 127.0.0.1: each story once, newest first, with every source that published it; the HTML
page escaped, self-contained and readable in headless Chromium at desktop and phone width."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("rensa", reason="ruen follow needs ruen[follow]")

from tests.conftest import ROOT, run_cli
from tests.loopback import Site
from tests.test_follow import FAST, WMT21, page, rss

ARTIFACTS = ROOT / "test-artifacts"


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
    site.routes["/a.xml"] = lambda _h: (200, {}, rss(site, ["/news/0", "/news/1"]))
    site.routes["/b.xml"] = lambda _h: (200, {}, rss(site, ["/copy/1", "/news/2"], 2))
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


def test_each_story_once_newest_first_with_all_its_sources(store: Path, offline_env: dict) -> None:
    result = briefing(store, offline_env, "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"since", "until", "stories", "failed"} and payload["failed"] == []
    found = payload["stories"]
    assert [s["id"].rsplit("/", 1)[1] for s in found] == ["2", "1", "0"]  # newest first
    published = [s["published"] for s in found]
    assert published == sorted(published, reverse=True) and published[-1].startswith("2026-11-30")
    by_id = {s["id"].rsplit("/", 1)[1]: s for s in found}
    assert [x["source"] for x in by_id["1"]["sources"]] == ["Минфин", "РИА"]  # and its reprint
    assert by_id["1"]["sources"][1]["url"].endswith("/copy/1")
    assert all(s["key_sentences"] for s in found)
    markdown = briefing(store, offline_env).stdout
    assert markdown.startswith("# Briefing: 3 stories") and "[РИА](" in markdown
    assert briefing(store, offline_env, "--since", "tomorrow").returncode == 2


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
    assert "<script>alert(1)</script>" in page.inner_text("#s2")  # shown as text
    assert page.locator("nav li a").count() == 3 == page.locator("article.story").count()
    assert page.locator("#s1 .sources li").count() == 2
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # no sideways scroll
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"briefing-{name}.png"), full_page=True)
    page.close()
    assert (ARTIFACTS / f"briefing-{name}.png").stat().st_size > 10_000

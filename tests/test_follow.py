"""``ruen follow`` end to end, in a subprocess as a user runs it, against a real HTTP server on
127.0.0.1 (no network) serving a feed, robots.txt and pages of real news (WMT21 stories): the
first run digests exactly the allowed new pages, a second run with nothing new makes only a
conditional request and writes nothing, a feed that gains two items gives exactly two, the same
page under a tracking URL is fetched once, a reprint is recorded as such, a failed page is
tried again, a run killed with SIGKILL and run again leaves what an uninterrupted run leaves,
and two runs on one store at once are refused."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import pytest

pytest.importorskip("protego", reason="ruen follow needs ruen[follow]")
pytest.importorskip("rensa", reason="ruen follow needs ruen[follow]")

from ruen.evaluation import read_tsv, wmt_documents
from tests.conftest import run_cli
from tests.loopback import Site

WMT21 = (
    Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "wmt21_newstest2021_ruen.tsv"
)
FAST = ("--max-new-tokens", "4", "--beam-size", "1", "--delay", "0.01", "-q")


@pytest.fixture(scope="module")
def stories() -> list[list[str]]:
    return [r[:4] for r, _ in wmt_documents(read_tsv(WMT21)) if len(r) >= 4][:12]


def page(segments: list[str]) -> bytes:
    body = "".join(f"<p>{escape(s)}</p>" for s in segments)
    return (
        f"<html><head><meta charset='utf-8'><title>{escape(segments[0][:60])}</title></head>"
        f"<body><nav>Главная | Новости</nav><article>{body}</article></body></html>"
    ).encode()


def rss(site: Site, paths: list[str], first_hour: int = 0) -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{site.url}{p}</link>"
        f"<pubDate>Mon, 30 Nov 2026 {(first_hour + n) % 24:02d}:00:00 GMT</pubDate></item>"
        for n, p in enumerate(paths)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


def serve_news(site: Site, stories: list[list[str]], paths: list[str]) -> None:
    """A feed of ``paths`` (ETag changes with them), robots.txt forbidding /private/."""
    site.routes["/robots.txt"] = lambda _h: (200, {}, b"User-agent: *\nDisallow: /private/\n")
    tag = f'"{len(paths)}"'

    def feed(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if headers.get("if-none-match") == tag:
            return 304, {"ETag": tag}, b""
        return 200, {"ETag": tag, "Content-Type": "application/rss+xml"}, rss(site, paths)

    site.routes["/feed"] = feed
    for n, story in enumerate(stories):
        site.routes[f"/news/{n}"] = lambda _h, s=story: (
            200,
            {"Content-Type": "text/html"},
            page(s),
        )
        site.routes[f"/private/{n}"] = site.routes[f"/news/{n}"]


def follow(site: Site, store: Path, out: Path, tiny_model: Path, env: dict, *extra: str):
    return run_cli(
        "follow", f"{site.url}/feed", "--store", str(store), "-o", str(out),
        "--model", str(tiny_model), *FAST, *extra, env=env,
    )  # fmt: skip


def pending(store: Path) -> bool:
    if not store.exists():
        return False
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.1) as db:
            return (
                db.execute("SELECT count(*) FROM items WHERE state = 'pending'").fetchone()[0] > 0
            )
    except sqlite3.OperationalError:  # not created yet, or locked by the writer
        return False


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_first_run_then_nothing_new_then_two_more(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    paths = ["/news/0", "/news/1", "/private/2", "/news/3?utm_source=rss", "/news/3"]
    serve_news(site, stories, paths)
    store, out = tmp_path / "store.sqlite", tmp_path / "out.jsonl"
    first = follow(site, store, out, tiny_model, offline_env)
    assert first.returncode == 1, first.stderr  # the disallowed page failed: exit 1
    got = {r["id"]: r for r in records(out)}
    host = site.url.removeprefix("http://")
    assert set(got) == {f"https://{host}/news/{n}" for n in (0, 1, 3)} | {
        f"https://{host}/private/2"
    }
    assert "robots.txt" in got[f"https://{host}/private/2"]["error"]
    digest = got[f"https://{host}/news/0"]
    assert digest["url"] == f"{site.url}/news/0" and digest["source"] == f"{site.url}/feed"
    assert digest["published"] == "2026-11-30T00:00:00+00:00" and digest["sentences"]
    assert "Главная" not in json.dumps(digest, ensure_ascii=False)  # the page's text only
    pages = [p for p in site.paths() if p.startswith(("/news", "/private"))]
    # /news/3 once, under the first of its two addresses; /private never
    assert sorted(p.split("?")[0] for p in pages) == ["/news/0", "/news/1", "/news/3"]
    assert "4 new: 3 digested, 0 reprints, 1 failed" in first.stderr

    site.log.clear()
    second = follow(site, store, out, tiny_model, offline_env)
    assert second.returncode == 0, second.stderr
    assert [p for _, p, _ in site.log] == ["/robots.txt", "/feed"]  # conditional, 304
    assert site.log[-1][2]["if-none-match"] == '"5"'
    assert len(records(out)) == 4  # nothing written
    assert "(1 unchanged, 0 failed), 0 new" in second.stderr

    serve_news(site, stories, [*paths, "/news/4", "/news/5"])
    third = follow(site, store, out, tiny_model, offline_env)
    assert third.returncode == 0, third.stderr  # the refused page is not tried again
    assert [r["id"].rsplit("/", 1)[1] for r in records(out)[4:]] == ["4", "5"]

    listed = run_cli("follow", "--store", str(store), "--list", env=offline_env)
    assert listed.returncode == 0
    assert (
        f"{site.url}/feed" in listed.stdout and "digested 5, reprints 0, failed 1" in listed.stdout
    )


def test_reprints_failed_pages_and_a_dry_run(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    serve_news(site, stories, ["/news/0", "/news/1", "/copy", "/broken"])
    copy = ["Перепечатка: РИА «Регион».", *stories[1][1:], "При перепечатке ссылка обязательна."]
    site.routes["/copy"] = lambda _h: (200, {"Content-Type": "text/html"}, page(copy))
    calls = []
    site.routes["/broken"] = lambda _h: (calls.append(1), (500, {}, b""))[1]
    store, out = tmp_path / "store.sqlite", tmp_path / "out.jsonl"

    dry = run_cli("follow", f"{site.url}/feed", "--store", str(store), "--dry-run", env=offline_env)
    assert dry.returncode == 0 and len(dry.stdout.splitlines()) == 4
    assert all(line.startswith(f"{site.url}/") for line in dry.stdout.splitlines())  # as listed
    assert not [p for p in site.paths() if p.startswith(("/news", "/copy", "/broken"))]

    run = follow(site, store, out, tiny_model, offline_env)
    assert run.returncode == 1, run.stderr
    got = {r["id"].rsplit("/", 1)[1]: r for r in records(out)}
    assert got["copy"]["duplicate_of"].endswith("/news/1") and "sentences" not in got["copy"]
    assert "HTTP 500, 3 tries" in got["broken"]["error"] and len(calls) == 3
    site.routes["/broken"] = lambda _h: (200, {"Content-Type": "text/html"}, page(stories[5]))
    again = follow(site, store, out, tiny_model, offline_env)
    assert again.returncode == 0, again.stderr
    assert [r["id"].rsplit("/", 1)[1] for r in records(out)[4:]] == ["broken"], again.stderr
    assert "sentences" in records(out)[4]
    with sqlite3.connect(store) as db:
        sightings = db.execute("SELECT count(*) FROM sightings WHERE id LIKE '%/news/1'").fetchone()
    assert sightings == (1,)  # one source, seen under two URLs: one sighting


def test_sigkill_then_rerun_leaves_what_an_uninterrupted_run_leaves(
    site: Site, stories: list[list[str]], tiny_model: Path, offline_env: dict, tmp_path: Path
) -> None:
    paths = [f"/news/{n}" for n in range(len(stories))]
    serve_news(site, stories, paths)
    whole = tmp_path / "whole.jsonl"
    assert follow(site, tmp_path / "whole.sqlite", whole, tiny_model, offline_env).returncode == 0
    killed, store = tmp_path / "killed.jsonl", tmp_path / "killed.sqlite"
    command = [
        sys.executable, "-m", "ruen", "follow", f"{site.url}/feed", "--store", str(store),
        "-o", str(killed), "--model", str(tiny_model), *FAST, "--max-new", "100",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=offline_env, stderr=subprocess.DEVNULL)
    # Killed once the feed's entries are stored as pending and its ETag with them: the pages
    # are then being fetched and digested, and the next run is answered 304.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not pending(store):
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    rerun = follow(site, store, killed, tiny_model, offline_env)
    assert rerun.returncode == 0, rerun.stderr

    def normal(path: Path) -> list[str]:
        return sorted(
            json.dumps({k: v for k, v in r.items()}, sort_keys=True) for r in records(path)
        )

    assert normal(killed) == normal(whole)  # nothing lost, nothing twice
    for db_path in (store, tmp_path / "whole.sqlite"):
        with sqlite3.connect(db_path) as db:
            states = db.execute("SELECT state, count(*), sum(written) FROM items GROUP BY state")
            assert list(states) == [("done", len(stories), len(stories))]


def test_a_second_run_on_a_busy_store_is_refused(tmp_path: Path, offline_env: dict) -> None:
    from ruen.follow.store import Store

    with Store(tmp_path / "store.sqlite"):
        result = run_cli(
            "follow", "http://127.0.0.1:9/feed", "--store", str(tmp_path / "store.sqlite"),
            env=offline_env,
        )  # fmt: skip
    assert result.returncode == 2 and "the store is busy" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

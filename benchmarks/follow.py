"""``ruen follow`` on many sources: a loopback server per source (127.0.0.2, .3, ...: each a
host of its own, so the per-host delay applies as on the web), each serving robots.txt, an RSS
feed with an ETag and its pages; the real-size random model on the default backend.

Reported: the first run's time, split into fetching and digesting, pages per second, its peak
RSS; the second run (nothing new) with its requests (all conditional: robots.txt and a 304 per
source, no page) and its time against the first's. The pages are distinct stories: five WMT
segments drawn at random, in the page layout of a ministry's site. Settings that differ from
the defaults, and why: exactly 30 output tokens and beam 4, as corpus.py, so that random
weights do a real model's work; --delay and --connections stay at their defaults.

    python benchmarks/follow.py --sources 50 --items 20
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CHANGED
from results import save
from ruen.evaluation import read_tsv
from translate_speed import MODEL, WORK, build_model, package_versions

DATA = Path(__file__).resolve().parent / "data"


def stories(count: int, seed: int) -> list[list[str]]:
    pool = [row["ru"] for name in ("wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv")
            for row in read_tsv(DATA / name)]  # fmt: skip
    rng = random.Random(seed)
    return [rng.sample(pool, 5) for _ in range(count)]


def serve(address: str, pages: dict[str, bytes], log: list[str]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            log.append(self.path)
            if self.path == "/robots.txt":
                status, headers, body = 200, {}, b"User-agent: *\nAllow: /\n"
            elif self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == '"v1"':
                    status, headers, body = 304, {"ETag": '"v1"'}, b""
                else:
                    headers = {"ETag": '"v1"', "Content-Type": "application/rss+xml"}
                    status, body = 200, pages["/feed.xml"]
            elif self.path in pages:
                status, headers, body = (
                    200,
                    {"Content-Type": "text/html; charset=utf-8"},
                    pages[self.path],
                )
            else:
                status, headers, body = 404, {}, b""
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((address, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def site(base: str, texts: list[list[str]]) -> dict[str, bytes]:
    pages = {}
    items = []
    for n, segments in enumerate(texts):
        body = "".join(f"<p>{escape(s)}</p>" for s in segments)
        pages[f"/news/{n}"] = (
            f"<html><head><meta charset='utf-8'><title>{escape(segments[0][:80])}</title></head>"
            f"<body><nav>Главная | Новости | Контакты</nav><article>{body}</article>"
            "<footer>© Министерство</footer></body></html>"
        ).encode()
        items.append(
            f"<item><title>{n}</title><link>{base}/news/{n}</link>"
            f"<pubDate>Mon, 30 Nov 2026 {n % 24:02d}:00:00 GMT</pubDate></item>"
        )
    pages["/feed.xml"] = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()
    return pages


def follow(sources: Path, store: Path, out: Path) -> tuple[float, float, str]:
    settings = [f"--{k.replace('_', '-')}={v}" for k, v in CHANGED.items()]
    command = [sys.executable, "-m", "ruen", "follow", str(sources), "--store", str(store),
               "-o", str(out), "--model", str(MODEL), "--device", "cpu", *settings]  # fmt: skip
    env = {**os.environ, "RUEN_CACHE_DIR": str(WORK / "ruen-cache"), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"ruen follow failed:\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    build_model()
    texts = stories(args.sources * args.items, args.seed)
    logs: list[list[str]] = []
    servers = []
    lines = []
    for s in range(args.sources):
        log: list[str] = []
        pages: dict[str, bytes] = {}  # filled once the port, and so the links, are known
        server = serve(f"127.0.0.{2 + s}", pages, log)
        base = f"http://127.0.0.{2 + s}:{server.server_address[1]}"
        pages.update(site(base, texts[s * args.items : (s + 1) * args.items]))
        servers.append(server)
        logs.append(log)
        lines.append(f"{base}/feed.xml source-{s}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sources = work / "sources.txt"
        sources.write_text("\n".join(lines) + "\n", encoding="utf-8")
        first = follow(sources, work / "store.sqlite", work / "out.jsonl")
        first_requests = sum(len(log) for log in logs)
        for log in logs:
            log.clear()
        second = follow(sources, work / "store.sqlite", work / "out.jsonl")
        records = [json.loads(line) for line in (work / "out.jsonl").read_text().splitlines()]
    pages = sum(1 for path in (p for log in logs for p in log) if path.startswith("/news"))
    digested = sum("sentences" in r for r in records)
    print(
        f"{args.sources} sources x {args.items} items, one loopback host each; changed from the "
        "defaults: beam 4 and 30 tokens forced (random weights must do a real model's work); "
        f"--delay and --connections at their defaults\n{first[2]}\n"
    )
    print("| run | seconds | requests | page requests | peak MB |")
    print("|---|---|---|---|---|")
    again = sum(len(log) for log in logs)
    total = args.sources * args.items
    print(f"| first | {first[0]:.1f} | {first_requests} | {total} | {first[1]:.0f} |")
    print(f"| second (nothing new) | {second[0]:.1f} | {again} | {pages} | {second[1]:.0f} |")
    print(f"\nfirst run: {digested} digested, {len(records)} records; second run: {second[2]}")
    print(f"second / first: {second[0] / first[0]:.1%}")
    print(f"pages per second (first run, all of it): {args.sources * args.items / first[0]:.2f}")
    versions = package_versions("ruen", "ctranslate2", "httpx", "feedparser", "rensa")
    signature = f"model:marian-real-size-random|beam:4|tokens:30|delay:default|{versions}"
    print(f"signature: {signature}")
    save(
        "follow",
        f"ruen follow: {args.sources} sources × {args.items} items, first run and second",
        ["run", "seconds", "requests", "page requests", "peak MB"],
        [["first", round(first[0], 1), first_requests, total, round(first[1])],
         ["second (nothing new)", round(second[0], 1), again, pages, round(second[1])]],
        signature=signature,
        chart={"x": "run", "y": "seconds", "ylabel": "seconds"},
    )  # fmt: skip
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()

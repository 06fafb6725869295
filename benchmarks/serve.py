"""``ruen serve`` under load: 1, 4, 16 and 64 concurrent clients posting the WMT21
documents, against ``digest_many`` in one process on the same documents.

The model has opus-mt-ru-en's real shape with random weights (translate_speed.py builds it),
served with the default backend (CTranslate2 int8) at beam 4 and exactly 30 output tokens
(min = max), the way corpus.py runs ``digest_many``, so both do the same work. One more setting
differs from the defaults: repair is off for both, since on random weights nearly every
sentence loses its figures and the load would measure n-best searches (corpus.py
--repair-cost measures what repair costs). Each concurrency level gets a fresh server, so no
level finds the sentences of another in the server's cache. The clients run in this process
(httpx, asyncio) on the same 2 cores as the server: what a team's laptops would not take from
it, this run does.

    python benchmarks/serve.py                      # levels 1 4 16 64, WMT21 (107 documents)
    python benchmarks/serve.py --levels 4 --documents 40

Each client posts a document, waits for the answer, and posts the next, until all are done;
on 503 it waits as Retry-After says and posts the same document again. Reported: latency
percentiles of the answered requests (queueing included), documents/s and sentences/s over
the level's wall time, the share of 503s, real failures (any other status, a dropped
connection) and hangs (no answer within 5 minutes), and the server's peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import documents, measure
from results import save
from translate_speed import MODEL, WORK, build_model, package_versions

HANG = 300.0  # seconds without an answer: a hang
LEVELS = (1, 4, 16, 64)


def start_server(max_pending: int) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "RUEN_CACHE_DIR": str(WORK / "ruen-cache"), "OMP_NUM_THREADS": "1"}
    command = [
        sys.executable, "-m", "ruen", "serve", "--model", str(MODEL),
        "--device", "cpu",  # the default backend: CTranslate2 int8
        "--beam-size", "4", "--max-new-tokens", "30", "--min-new-tokens", "30",
        "--port", "0", "--max-pending", str(max_pending),
    ]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    line = process.stderr.readline()
    if " on http://" not in line:
        raise SystemExit(f"the server did not start:\n{line}{process.stderr.read()}")
    return process, line.split(" on ", 1)[1].split()[0]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def load(url: str, docs: list[dict[str, str]], clients: int) -> dict:
    queue: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    for doc in docs:
        queue.put_nowait(doc)
    latencies: list[float] = []
    counts = {"answered": 0, "busy": 0, "failed": 0, "hung": 0, "sentences": 0}
    failures: list[str] = []

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            doc = queue.get_nowait()
            while True:
                body = {"text": doc["text"], "id": doc["id"], "repair": False}
                sent = time.perf_counter()
                try:
                    answer = await http.post("/v1/digest", json=body, timeout=HANG)
                except httpx.TimeoutException:
                    counts["hung"] += 1
                    break
                except httpx.HTTPError as exc:
                    counts["failed"] += 1
                    failures.append(f"{type(exc).__name__}: {exc}")
                    break
                if answer.status_code == 503:
                    counts["busy"] += 1
                    await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
                    continue
                if answer.status_code != 200:
                    counts["failed"] += 1
                    failures.append(f"{answer.status_code}: {answer.text[:200]}")
                    break
                latencies.append(time.perf_counter() - sent)
                counts["answered"] += 1
                digest = answer.json()
                # A headline read as the title is translated too, as digest_many translates
                # it as a sentence of the plain string it is given.
                counts["sentences"] += len(digest["sentences"]) + bool(digest["title"])
                break

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    requests = counts["answered"] + counts["busy"] + counts["failed"] + counts["hung"]
    return {
        **counts,
        "seconds": elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "busy_share": counts["busy"] / requests if requests else 0.0,
        "failures": failures[:5],
    }


def level(clients: int, docs: list[dict[str, str]], max_pending: int) -> dict:
    process, url = start_server(max_pending)
    try:
        # One warm-up request, so that the first level does not pay for loading caches.
        httpx.post(url + "/v1/digest", json={"text": "Индекс вырос.", "repair": False}, timeout=60)
        result = asyncio.run(load(url, docs, clients))
        result["peak_mb"] = peak_rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", type=int, nargs="*", default=list(LEVELS))
    parser.add_argument("--documents", type=int, default=107, help="WMT21 has 107")
    parser.add_argument("--max-pending", type=int, default=32, help="the server's cap")
    args = parser.parse_args()

    build_model()
    measure("many", 2, 256)  # converts the model to CTranslate2 once, untimed
    docs = documents(args.documents)
    base = measure("many", args.documents, 256, repair=False)  # as the requests ask
    base_rate = base["sentences"] / base["seconds"]
    print(
        f"{len(docs)} WMT21 documents ({base['sentences']} sentences), the default backend "
        f"(CTranslate2 int8); changed from the defaults: beam 4, 30 tokens forced, repair off "
        f"(see the module's doc); 2 cores, server cap {args.max_pending}\n"
    )
    print(
        "| clients | p50 s | p95 s | p99 s | documents/s | sentences/s | of digest_many "
        "| 503 share | failures | hangs | server peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for clients in args.levels:
        r = level(clients, docs, args.max_pending)
        rate = r["sentences"] / r["seconds"]
        share = round(100 * rate / base_rate)
        rows.append(
            [f"{clients} clients", round(r["p50"], 2), round(r["p95"], 2), round(r["p99"], 2),
             round(rate, 1), share, round(100 * r["busy_share"], 1), r["failed"], r["hung"],
             round(r["peak_mb"])]
        )  # fmt: skip
        print(
            f"| {clients} | {r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} "
            f"| {r['answered'] / r['seconds']:.2f} | {rate:.1f} | {rate / base_rate:.0%} "
            f"| {r['busy_share']:.1%} | {r['failed']} | {r['hung']} | {r['peak_mb']:.0f} |",
            flush=True,
        )
        for failure in r["failures"]:
            print(f"  failure: {failure}")
    print(
        f"| digest_many, one process | | | | {len(docs) / base['seconds']:.2f} "
        f"| {base_rate:.1f} | 100% | | | | {base['peaks']['process']:.0f} |"
    )
    versions = package_versions("ruen", "ctranslate2", "fastapi", "uvicorn")
    signature = f"model:marian-real-size-random|ct2:int8|beam:4|tokens:30|{versions}"
    print(f"\nsignature: {signature}")
    rows.append(["digest_many, one process", None, None, None, round(base_rate, 1), 100, None,
                 None, None, round(base["peaks"]["process"])])  # fmt: skip
    save(
        "serve",
        f"ruen serve under load: {len(docs)} documents, 2 CPU cores",
        [
            "clients",
            "p50 s",
            "p95 s",
            "p99 s",
            "sentences/s",
            "% of digest_many",
            "503 % of tries",
            "failures",
            "hangs",
            "server peak MB",
        ],
        rows,
        signature=signature,
        command=" ".join(["python benchmarks/serve.py", *sys.argv[1:]]),
        chart={"x": "clients", "y": "sentences/s", "ylabel": "sentences/s"},
    )


if __name__ == "__main__":
    main()

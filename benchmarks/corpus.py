"""Archives: documents per minute and peak memory, one document at a time against batched
across documents, and on a Dask cluster, side by side in one run.

The model has opus-mt-ru-en's real shape with random weights (translate_speed.py builds it),
run as a user runs it, with ruen's defaults: the default backend (CTranslate2 int8 where
ruen[fast] is installed), repair on, the default window and batching. Two settings differ from
the defaults, and the output says so: exactly 30 output tokens (min = max new tokens), so that
random weights do the same work as a real model and every system does the same work; and beam
4 rather than the model's 6, as every speed figure in README. Documents are the WMT21 and WMT22
documents cut to at most 10 segments. Each system runs in a fresh process and reports its own
peak RSS (for Dask: the client and each worker).

Repair re-decodes a flagged sentence for 8 hypotheses, so its cost depends on how many are
flagged. On random weights almost every sentence is; --flagged SHARE decides it instead (a
sentence counts as flagged when a hash of it falls in that share, and no hypothesis is taken
as better, so the output is the first pass's): 0, 0.1 and 1 give repair's cost, 1 the worst
case for memory.

    python benchmarks/corpus.py --documents 40            # the four systems
    python benchmarks/corpus.py --repair-cost              # 0 %, 10 %, 100 % flagged
    python benchmarks/corpus.py --long 10000               # memory, every sentence flagged, on
                                                           # 10,000 notes and on one text of
                                                           # 10,000 sentences
    python benchmarks/corpus.py --windows 32 128 512 2048  # what the window costs and saves

Systems:
  (a) loop          ruen.digest per document, in a loop
  (b) many          ruen.digest_many (2 inter threads, one process)
  (c) many-summary  ruen.digest_many translating only the key sentences
  (d) dask          ruen.digest_many on a LocalCluster of 2 workers x 1 thread
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import save
from ruen.evaluation import read_tsv, wmt_documents
from translate_speed import MODEL, WORK, build_model, package_versions

DATA = Path(__file__).resolve().parent / "data"
# What differs from the defaults, and why (see above); everything else is ruen's default.
CHANGED = {"beam_size": 4, "max_new_tokens": 30, "min_new_tokens": 30}
CHANGED_WHY = (
    "changed from the defaults: max/min new tokens 30 (random weights must do a real "
    "model's work), beam 4 (as README's speed figures; the model's own is 6)"
)
SYSTEMS = ("loop", "many", "many-summary", "dask")
EXTRA = ("long-sentences",)  # digest_many on documents of 300-400-token sentences


def documents(count: int) -> list[dict[str, str]]:
    """WMT21 then WMT22 documents, at most 10 segments each, with ids."""
    docs = []
    for name in ("wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv"):
        for russian, _ in wmt_documents(read_tsv(DATA / name)):
            docs.append({"id": f"{name[:5]}-{len(docs):04d}", "text": "\n\n".join(russian[:10])})
    if count > len(docs):
        raise SystemExit(f"only {len(docs)} documents")
    return docs[:count]


def notes(count: int) -> list[dict[str, str]]:
    """``count`` short notes: the WMT segments, each its own note (repeated, numbered)."""
    segments = [
        row["ru"]
        for name in ("wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv")
        for row in read_tsv(DATA / name)
    ]
    return [
        {"id": f"note-{n:05d}", "text": f"{segments[n % len(segments)]} Заметка {n}."}
        for n in range(count)
    ]


def long_sentences(count: int) -> list[dict[str, str]]:
    """``count`` documents of three sentences of about 300 to 400 tokens each, as acts and
    long official notes have: WMT segments joined by semicolons into one sentence."""
    segments = [
        row["ru"].rstrip(".!?…")
        for row in read_tsv(DATA / "wmt21_newstest2021_ruen.tsv")
        if len(row["ru"]) > 80
    ]
    docs, cursor = [], 0
    for n in range(count):
        sentences = []
        for _ in range(3):
            parts = []
            while sum(map(len, parts)) < 1200:
                parts.append(segments[cursor % len(segments)])
                cursor += 1
            sentences.append("; ".join(parts) + ".")
        docs.append({"id": f"long-{n:03d}", "text": " ".join(sentences)})
    return docs


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def flag_share(share: float) -> None:
    """Make repair see ``share`` of the sentences as flagged (by a hash of the Russian), and
    no hypothesis as better: the work of repairing that share, with the first pass's output."""
    import zlib

    from ruen.translation import translator

    def flagged(ru: str, en: str) -> int:
        return int(zlib.crc32(ru.encode()) % 1000 < share * 1000)

    translator._repairable = flagged


def worker(
    system: str,
    count: int,
    window: int,
    long: int,
    budget: int,
    flagged: float | None,
    repair: bool = True,
) -> dict:
    import ruen
    from ruen.translation.engines import CTranslate2Engine

    if budget:
        CTranslate2Engine.MAX_HYPOTHESIS_TOKENS = budget
    if flagged is not None:
        flag_share(flagged)

    options = ruen.TranslateOptions(**CHANGED, repair=repair)
    load = {"device": "cpu"}  # the default backend and compute type
    if system in ("long-notes", "long-text", "summarize"):
        return _long(system, long, options, load)
    docs = long_sentences(count) if system == "long-sentences" else documents(count)
    sentences = sum(len(ruen.split_sentences(d["text"])) for d in docs)
    if system == "dask":
        from ruen.cluster import connect

        client, cluster = connect(workers=2)
        warm = [{"id": "warm", "text": "Индекс вырос."}]  # each worker loads the model
        list(ruen.digest_many(warm * 4, options, model=MODEL, load=load, client=client, window=16))
        start = time.perf_counter()
        results = list(
            ruen.digest_many(docs, options, model=MODEL, load=load, client=client, window=window)
        )
        elapsed = time.perf_counter() - start
        workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        client.close()
        cluster.close()
        peaks = {
            "client": peak_mb(),
            **{f"worker {i}": mb for i, mb in enumerate(workers.values(), 1)},
        }
    else:
        translator = ruen.load_translator(MODEL, **load)
        start = time.perf_counter()
        if system == "loop":
            results = [ruen.digest(d["text"], options, translator=translator) for d in docs]
        else:
            results = list(
                ruen.digest_many(
                    docs,
                    options,
                    translator=translator,
                    window=window,
                    full_translation=system != "many-summary",
                )
            )
        elapsed = time.perf_counter() - start
        peaks = {"process": peak_mb()}
    assert len(results) == len(docs)
    return {
        "documents": len(docs),
        "sentences": sentences,
        "seconds": elapsed,
        "per_minute": 60 * len(docs) / elapsed,
        "peaks": peaks,
    }


def record_long(figures: dict, count: int, flagged: float | None) -> None:
    """Save a long-notes run (the peak after each tenth of the notes) as the result the docs
    and README show."""
    from results import save

    samples = figures["peak after each tenth"]
    rows = [[f"{(n + 1) * count // 10:,} notes", peak] for n, peak in enumerate(samples)]
    save(
        "long_notes",
        f"{count:,} notes through digest_many, every sentence repaired: peak MB as they pass",
        ["notes done", "peak MB"],
        rows,
        signature=(
            f"model:marian-real-size-random|backend:default|beam:4|tokens:30|"
            f"flagged:{flagged if flagged is not None else 1.0}|"
            f"{package_versions('ruen', 'ctranslate2')}"
        ),
        command=(
            f"python benchmarks/corpus.py --worker long-notes --documents 2 --long {count} "
            f"--flagged {flagged if flagged is not None else 1.0}"
        ),
        peak_mb=round(figures["peaks"]["process"]),
        seconds=round(figures["seconds"]),
    )


def _long(system: str, count: int, options, load: dict) -> dict:
    """Memory on many notes, on one long text, and of the summariser alone."""
    import ruen

    items = notes(count)
    if system == "summarize":
        text = "\n\n".join(item["text"] for item in items)
        path = WORK / "long-text.txt"
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "ruen", "summarize", "-k", "10", str(path)],
            capture_output=True,
            check=True,
        )
        elapsed = time.perf_counter() - start
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {
            "sentences": len(ruen.split_sentences(text)),
            "seconds": elapsed,
            "peaks": {"ruen summarize": child},
            "key": len(done.stdout.splitlines()),
        }
    translator = ruen.load_translator(MODEL, **load)
    samples = []
    start = time.perf_counter()
    if system == "long-notes":
        for n, _ in enumerate(ruen.digest_many(items, options, translator=translator), 1):
            if n % (count // 10) == 0:
                samples.append(round(peak_mb()))
                elapsed = time.perf_counter() - start
                print(f"{n} notes, {elapsed:.0f} s, peak {samples[-1]} MB", file=sys.stderr)
    else:
        # One text of exactly ``count`` sentences, from as many notes as it takes.
        sentences = [s for item in items for s in ruen.split_sentences(item["text"])][:count]
        assert len(sentences) == count
        text = "\n\n".join(sentences)
        result = ruen.digest(text, options, translator=translator, k=10)
        samples.append(round(peak_mb()))
        assert len(result.sentences) == count
    return {
        "items": count,
        "seconds": time.perf_counter() - start,
        "peaks": {"process": peak_mb()},
        "peak after each tenth": samples,
    }


def measure(
    system: str,
    count: int,
    window: int,
    long: int = 0,
    budget: int = 0,
    flagged: float | None = None,
    repair: bool = True,
) -> dict:
    """One system's figures, from a fresh process. ``repair=False`` only for serve.py, whose
    requests ask for no repair (see there why)."""
    command = [
        sys.executable,
        __file__,
        "--worker",
        system,
        "--documents",
        str(count),
        "--window",
        str(window),
        "--long",
        str(long),
        "--budget",
        str(budget),
        *(["--flagged", str(flagged)] if flagged is not None else []),
        *([] if repair else ["--no-repair"]),
    ]
    return run_worker(system, command)


def run_worker(system: str, command: list[str]) -> dict:
    """A worker's figures (its last line of output, JSON) from a fresh process, with the
    benchmarks' model cache and one OpenMP thread."""
    env = {**os.environ, "RUEN_CACHE_DIR": str(WORK / "ruen-cache"), "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{system} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--worker", choices=(*SYSTEMS, *EXTRA, "long-notes", "long-text", "summarize")
    )
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--systems", nargs="*", default=list(SYSTEMS), choices=(*SYSTEMS, *EXTRA))
    parser.add_argument("--long", type=int, default=0, help="also: memory on this many notes")
    parser.add_argument("--windows", type=int, nargs="*", default=[], help="a window sweep")
    parser.add_argument(
        "--budgets",
        type=int,
        nargs="*",
        default=[],
        help="a sweep of the engine's bound: beams times source tokens per batch",
    )
    parser.add_argument("--budget", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--flagged", type=float, default=None, help="share of sentences repair sees flagged"
    )
    parser.add_argument("--no-repair", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--repair-cost", action="store_true", help="digest_many at 0, 10 and 100 %% flagged"
    )
    parser.add_argument(
        "--record-long",
        metavar="FILE",
        help="save the figures a --worker long-notes run printed (its stdout) as the result",
    )
    args = parser.parse_args()
    if args.record_long:
        figures = json.loads(Path(args.record_long).read_text(encoding="utf-8").splitlines()[-1])
        record_long(figures, args.long or figures["items"], args.flagged)
        return
    if args.worker:
        figures = worker(
            args.worker,
            args.documents,
            args.window,
            args.long,
            args.budget,
            args.flagged,
            repair=not args.no_repair,
        )
        print(json.dumps(figures))
        return

    build_model()
    measure("many", 2, args.window)  # converts the model to CTranslate2 once, untimed
    print(f"{args.documents} documents, ruen's defaults (repair on), 2 cores; {CHANGED_WHY}\n")
    if args.systems:
        results = {system: measure(system, args.documents, args.window) for system in args.systems}
        print("| system | documents/min | × loop | seconds | peak MB |")
        print("|---|---|---|---|---|")
        base = results.get("loop", {}).get("per_minute")
        for system, r in results.items():
            ratio = f"{r['per_minute'] / base:.2f}×" if base else ""
            peaks = ", ".join(f"{k} {v:.0f}" for k, v in r["peaks"].items())
            print(f"| {system} | {r['per_minute']:.1f} | {ratio} | {r['seconds']:.1f} | {peaks} |")
        if "many" in results and "dask" in results:
            share = results["dask"]["per_minute"] / results["many"]["per_minute"]
            print(f"\ndask / many: {share:.2f}")
    if args.repair_cost:
        print("\n| flagged | documents/min | seconds | × no repair needed | peak MB |")
        print("|---|---|---|---|---|")
        base = None
        rows = []
        for share in (0.0, 0.1, 1.0):
            r = measure("many", args.documents, args.window, flagged=share)
            base = base or r["seconds"]
            print(
                f"| {share:.0%} | {r['per_minute']:.1f} | {r['seconds']:.1f} | "
                f"{r['seconds'] / base:.2f}× | {r['peaks']['process']:.0f} |"
            )
            rows.append([f"{share:.0%} flagged", round(r["per_minute"], 1),
                         round(r["seconds"] / base, 2), round(r["peaks"]["process"])])  # fmt: skip
        save(
            "repair_cost",
            f"digest_many on {args.documents} documents, ruen's defaults, by share repaired",
            ["sentences flagged", "documents/min", "× none flagged", "peak MB"],
            rows,
            signature=(
                f"model:marian-real-size-random|backend:default|beam:4|tokens:30|"
                f"window:{args.window}|{package_versions('ruen', 'ctranslate2')}"
            ),
            command=f"python benchmarks/corpus.py --documents {args.documents} --repair-cost",
            chart={"x": "sentences flagged", "y": "documents/min", "ylabel": "documents/min"},
        )
    for budget in args.budgets:
        r = measure("many", args.documents, args.window, budget=budget)
        peak = r["peaks"]["process"]
        print(f"bound {budget}: {r['per_minute']:.1f} documents/min, peak {peak:.0f} MB")
    for window in args.windows:
        r = measure("many", args.documents, window)
        peak = r["peaks"]["process"]
        print(f"window {window}: {r['per_minute']:.1f} documents/min, peak {peak:.0f} MB")
    if args.long:
        for system in ("long-notes", "long-text", "summarize"):
            r = measure(system, args.documents, args.window, args.long, flagged=1.0)
            print(f"{system} ({args.long}, every sentence flagged): {json.dumps(r)}", flush=True)
            if system == "long-notes":
                record_long(r, args.long, 1.0)
    versions = package_versions("ruen", "ctranslate2", "distributed")
    setup = (
        f"model:marian-real-size-random|backend:default|repair:on|beam:4|tokens:30|"
        f"window:{args.window}"
    )
    print(f"\nsignature: {setup}|{versions}")


if __name__ == "__main__":
    main()

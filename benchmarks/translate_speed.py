"""Translation speed and memory: ruen against plain transformers, side by side in one run.

The model has opus-mt-ru-en's real shape (vocab 62518, d_model 512, 6+6 layers, 8 heads, FFN
2048, 77M parameters) with random weights, built here by models/build_tiny_marian.py: no
download. Every system reads the same real Russian sentences (WMT21, cut to exactly 30 source
tokens) and must produce exactly 30 output tokens (min = max new tokens), so all do the same
work. Each measurement runs in a fresh process, so its peak memory (max RSS) is its own.

    python benchmarks/translate_speed.py                  # sentence-level table, beam 1 and 4
    python benchmarks/translate_speed.py --documents 8    # plus announcements per minute

Systems:
  naive            the model card's way: tokenizer + generate, one sentence at a time
  hf-batch32       plain transformers, 32 sentences per generate call
  ruen-transformers  ruen.load_translator(backend="transformers")
  ruen-ct2         ruen.load_translator(backend="ctranslate2"), int8, threads as measured
  ruen-ct2-intra2  the same with one batch on both cores (inter 1, intra 2), for comparison
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from results import save
from ruen.evaluation import read_tsv

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "wmt21_newstest2021_ruen.tsv"
WORK = Path(os.environ.get("RUEN_BENCH_DIR", ROOT / "benchmarks" / ".cache"))
MODEL = WORK / "marian-real-size-random"
SOURCE_TOKENS = 30
OUTPUT_TOKENS = 30
SYSTEMS = ("naive", "hf-batch32", "ruen-transformers", "ruen-ct2", "ruen-ct2-intra2")


def package_versions(*packages: str) -> str:
    """name:version of each package, for a benchmark's signature."""
    return "|".join(f"{p}:{importlib.metadata.version(p)}" for p in packages)


def build_model() -> Path:
    """The real-size random model, built once, in a process of its own: a child's peak RSS
    on Linux counts the parent it was forked from, so the benchmark's own process must never
    hold torch and the model while it starts the processes it measures."""
    if not (MODEL / "model.safetensors").is_file():
        builder = ROOT / "models" / "build_tiny_marian.py"
        subprocess.run([sys.executable, str(builder), str(MODEL), "--real-size"], check=True)
    return MODEL


def rows() -> list[dict[str, str]]:
    return read_tsv(DATA)


def sentences(tokenizer, count: int) -> list[str]:
    """Distinct real sentences cut to exactly SOURCE_TOKENS tokens (end token included)."""
    chosen: list[str] = []
    for row in rows():
        pieces = tokenizer.spm_source.encode(row["ru"], out_type=str)
        if len(pieces) < SOURCE_TOKENS - 1:
            continue
        text = tokenizer.spm_source.decode_pieces(pieces[: SOURCE_TOKENS - 1])
        if len(tokenizer(text)["input_ids"]) == SOURCE_TOKENS and text not in chosen:
            chosen.append(text)
        if len(chosen) == count:
            return chosen
    raise SystemExit(f"only {len(chosen)} sentences of {SOURCE_TOKENS} tokens in {DATA}")


def documents(count: int) -> list[str]:
    """The first ``count`` WMT21 documents, paragraphs separated by a blank line."""
    docs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows():
        doc, paragraph, _ = row["id"].rsplit(":", 2)
        if doc not in docs and len(docs) == count:
            break
        docs[doc][paragraph].append(row["ru"])
    return ["\n\n".join(" ".join(p) for p in paragraphs.values()) for paragraphs in docs.values()]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- one measurement, in its own process ---------------------------------------------------------


def worker(
    system: str, beam: int, count: int, task: str, rounds: int, summary_only: str = "no"
) -> dict[str, float]:
    import warnings

    warnings.filterwarnings("ignore")
    forced = {"max_new_tokens": OUTPUT_TOKENS, "min_new_tokens": OUTPUT_TOKENS}
    if system.startswith("ruen"):
        import ruen

        options = {"backend": "transformers"}
        if system.startswith("ruen-ct2"):
            options = {"backend": "ctranslate2", "compute_type": "int8"}
        if system == "ruen-ct2-intra2":
            options.update(inter_threads=1, intra_threads=2)
        translator = ruen.load_translator(MODEL, device="cpu", **options)
        tokenizer = translator.tokenizer
    else:
        import torch
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging

        logging.set_verbosity_error()
        tokenizer = MarianTokenizer.from_pretrained(MODEL)
        model = MarianMTModel.from_pretrained(MODEL).eval()

    if task == "documents":
        texts = documents(count)
        start = time.perf_counter()
        if system.startswith("ruen"):
            for text in texts:
                # No repair: the naive way does none, and on random weights nearly every
                # sentence loses its figures, which a real model's output does not.
                ruen.digest(
                    text,
                    translator=translator,
                    beam_size=beam,
                    full_translation=summary_only == "no",
                    repair=False,
                    **forced,
                )
        else:  # the naive way: translate every sentence alone, then summarise
            import ruen

            for text in texts:
                russian = ruen.split_sentences(text)
                for sentence in russian:
                    with torch.inference_mode():
                        out = model.generate(
                            **tokenizer([sentence], return_tensors="pt"), num_beams=beam, **forced
                        )
                    tokenizer.batch_decode(out, skip_special_tokens=True)
                ruen.summarize(russian, 3)
        elapsed = time.perf_counter() - start
        return {
            "seconds": elapsed,
            "per_minute": 60 * len(texts) / elapsed,
            "sentences": sum(len(ruen.split_sentences(t)) for t in texts),
            "peak_mb": peak_mb(),
        }

    batch = sentences(tokenizer, count)
    timings = []
    for _ in range(rounds):  # the best round counts, for every system alike
        start = time.perf_counter()
        if system.startswith("ruen"):
            translator.memory_cache.clear()  # measure translating, not remembering
            out = translator.translate(batch, beam_size=beam, **forced)
        else:
            size = 1 if system == "naive" else 32
            out = []
            for begin in range(0, len(batch), size):
                encoded = tokenizer(batch[begin : begin + size], return_tensors="pt", padding=True)
                with torch.inference_mode():
                    generated = model.generate(**encoded, num_beams=beam, **forced)
                out += tokenizer.batch_decode(generated, skip_special_tokens=True)
        timings.append(time.perf_counter() - start)
        assert len(out) == len(batch)
    elapsed = min(timings)
    return {"seconds": elapsed, "per_second": len(batch) / elapsed, "peak_mb": peak_mb()}


def measure(
    system: str,
    beam: int,
    count: int,
    task: str = "sentences",
    rounds: int = 1,
    summary_only: str = "no",
) -> dict[str, float]:
    options = {
        "--worker": system,
        "--beam": beam,
        "--count": count,
        "--task": task,
        "--rounds": rounds,
        "--summary-only": summary_only,
    }
    command = [sys.executable, __file__, *(str(x) for pair in options.items() for x in pair)]
    env = {**os.environ, "RUEN_CACHE_DIR": str(WORK / "ruen-cache")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{system} beam {beam} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", choices=SYSTEMS)
    parser.add_argument("--task", choices=("sentences", "documents"), default="sentences")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--count", type=int, default=64)
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--sentences", type=int, default=96, help="per batched system")
    parser.add_argument("--naive-sentences", type=int, default=16)
    parser.add_argument(
        "--summary-only", choices=("no", "yes"), default="no", help=argparse.SUPPRESS
    )
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds; the best counts")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument(
        "--documents", type=int, default=0, help="also time digests of this many WMT21 documents"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    if args.worker:
        print(
            json.dumps(
                worker(
                    args.worker, args.beam, args.count, args.task, args.rounds, args.summary_only
                )
            )
        )
        return

    build_model()
    # Convert once before timing: the conversion is cached and not part of a translation.
    measure("ruen-ct2", 1, 1)
    results: dict[str, dict[int, dict[str, float]]] = defaultdict(dict)
    for beam in args.beams:
        for system in args.systems:
            count = args.naive_sentences if system == "naive" else args.sentences
            results[system][beam] = measure(system, beam, count, rounds=args.rounds)
            print(
                f"{system} beam {beam}: {results[system][beam]['per_second']:.1f} sent/s",
                file=sys.stderr,
            )

    print(
        "| system | "
        + " | ".join(f"beam {b}: sent/s | × naive" for b in args.beams)
        + " | peak MB |"
    )
    print("|---" * (2 * len(args.beams) + 2) + "|")
    rows: list[list] = []
    for system in args.systems:
        cells = []
        for beam in args.beams:
            rate = results[system][beam]["per_second"]
            cells.append(
                f"{rate:.1f} | {rate / results['naive'][beam]['per_second']:.1f}×"
                if "naive" in results
                else f"{rate:.1f} | -"
            )
        peak = max(r["peak_mb"] for r in results[system].values())
        print(f"| {system} | " + " | ".join(cells) + f" | {peak:.0f} |")
        rows.append(
            [system, *(round(results[system][b]["per_second"], 2) for b in args.beams),
             round(peak)]
        )  # fmt: skip
    if "hf-batch32" in results and "ruen-ct2" in results:
        for beam in args.beams:
            ratio = (
                results["ruen-ct2"][beam]["per_second"] / results["hf-batch32"][beam]["per_second"]
            )
            print(f"\nruen-ct2 / hf-batch32 at beam {beam}: {ratio:.1f}×", end="")
        print()

    documents_result = {}
    if args.documents:
        beam = max(args.beams)
        for system in ("naive", "ruen-ct2"):
            documents_result[system] = measure(system, beam, args.documents, "documents")
        documents_result["ruen-ct2 --summary-only"] = measure(
            "ruen-ct2", beam, args.documents, "documents", summary_only="yes"
        )
        naive = documents_result["naive"]
        print(
            f"\nannouncements per minute, {args.documents} WMT21 documents "
            f"({int(naive['sentences'])} sentences, k = 3), beam {beam}:"
        )
        for system, result in documents_result.items():
            print(
                f"- {system}: {result['per_minute']:.2f} "
                f"({result['per_minute'] / naive['per_minute']:.1f}× naive)"
            )

    versions = package_versions("ruen", "torch", "transformers", "ctranslate2")
    signature = (
        f"model:marian-real-size-random|src_tokens:{SOURCE_TOKENS}|"
        f"new_tokens:{OUTPUT_TOKENS}|sentences:{args.sentences}/{args.naive_sentences}|"
        f"rounds:best-of-{args.rounds}|cpus:{len(os.sched_getaffinity(0))}|{versions}"
    )
    print(f"\nsignature: {signature}")
    command = "python benchmarks/translate_speed.py " + " ".join(sys.argv[1:])
    save(
        "translate_speed",
        "Sentences per second, real-size random model, 2 CPU cores",
        ["system", *(f"beam {b}" for b in args.beams), "peak MB"],
        rows,
        signature=signature,
        command=command.strip(),
        chart={"x": "system", "y": [f"beam {b}" for b in args.beams], "ylabel": "sentences/s"},
        documents={system: round(r["per_minute"], 2) for system, r in documents_result.items()},
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"signature": signature, "sentences": results, "documents": documents_result},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()

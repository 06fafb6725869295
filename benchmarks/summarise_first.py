"""Summarise first, or translate first? The evidence for ruen digest's default.

A digest can pick its key sentences on the Russian and translate only those (summarise-first:
k of n sentences translated), or translate everything and pick on the English
(translate-first). Summarise-first is only as good as its choice is the same. On the WMT21 and
WMT22 documents (Russian with its reference English, aligned segment by segment) this counts
how often the set of segments ruen.summarize picks on the Russian equals the set it picks on
the English, and how much they overlap; then it times both digests on opus-mt-ru-en's real
shape (random weights, forced 30 output tokens, CTranslate2 int8) when that model is built
(python benchmarks/translate_speed.py builds it).

    python benchmarks/summarise_first.py [--k 3] [--timing-documents 10]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import time
from pathlib import Path

import ruen
from ruen.evaluation import PARALLEL_FILES, read_tsv, wmt_documents

DATA = Path(__file__).resolve().parent / "data"
FILES = PARALLEL_FILES


def documents(name: str) -> list[tuple[list[str], list[str]]]:
    """Each document's (Russian segments, English segments), in order."""
    return wmt_documents(read_tsv(DATA / FILES[name]))


def agreement(k: int) -> dict[str, dict[str, float]]:
    table = {}
    for name in FILES:
        same = overlap = docs_counted = 0
        translated = total = 0
        for russian, english in documents(name):
            if len(russian) <= k:
                continue  # every segment is kept either way
            on_ru = set(ruen.summarize(russian, k, lang="ru"))
            on_en = set(ruen.summarize(english, k, lang="en"))
            same += on_ru == on_en
            overlap += len(on_ru & on_en) / k
            docs_counted += 1
            translated += k
            total += len(russian)
        table[name] = {
            "documents": docs_counted,
            "identical_selection": 100 * same / docs_counted,
            "mean_overlap": 100 * overlap / docs_counted,
            "share_translated": 100 * translated / total,
        }
    return table


def timing(k: int, count: int) -> dict[str, float] | None:
    model = Path(__file__).resolve().parent / ".cache" / "marian-real-size-random"
    if not (model / "model.safetensors").is_file():
        return None
    translator = ruen.load_translator(model, backend="ctranslate2", device="cpu")
    texts = ["\n\n".join(russian) for russian, _ in documents("WMT21")[:count]]
    forced = {"beam_size": 4, "max_new_tokens": 30, "min_new_tokens": 30}
    seconds = {}
    for mode in ("translate-first", "summarise-first"):
        translator.memory_cache.clear()
        start = time.perf_counter()
        for text in texts:
            # summarise-first translates only the key sentences: what it is for
            ruen.digest(
                text,
                k=k,
                translator=translator,
                mode=mode,
                full_translation=mode == "translate-first",
                repair=False,  # random weights lose every figure; both modes do the same work
                **forced,
            )
        seconds[mode] = time.perf_counter() - start
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--timing-documents", type=int, default=10)
    args = parser.parse_args()

    print(f"k = {args.k}; documents with more than k segments\n")
    print(
        "| set | documents | same selection on ru and en | mean overlap | share translated "
        "by summarise-first |"
    )
    print("|---|---|---|---|---|")
    for name, row in agreement(args.k).items():
        print(
            f"| {name} | {row['documents']} | {row['identical_selection']:.1f} % | "
            f"{row['mean_overlap']:.1f} % | {row['share_translated']:.1f} % |"
        )
    seconds = timing(args.k, args.timing_documents)
    if seconds:
        full, first = seconds["translate-first"], seconds["summarise-first"]
        print(
            f"\ndigest of {args.timing_documents} WMT21 documents, real-size model, "
            f"CTranslate2 int8, beam 4: translate-first {full:.1f} s, summarise-first "
            f"{first:.1f} s ({full / first:.1f}x faster)"
        )
    from ruen.summarization import SIGNATURE

    print(
        f"\nsignature: k:{args.k}|summarizer:{SIGNATURE}|ruen:{importlib.metadata.version('ruen')}"
    )


if __name__ == "__main__":
    main()

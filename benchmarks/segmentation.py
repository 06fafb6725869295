"""Russian sentence splitting against gold UD segmentation: ruen and every baseline we can run.

Each document is rebuilt from the gold JSONL as the issue fixes it: the sentences of a paragraph
joined by one space, paragraphs by a blank line. A predicted sentence counts only when both its
start and its end match a gold sentence (exact-sentence precision, recall, F1). "errors/1k" is
the number of wrong boundaries (missed plus spurious) per 1,000 gold sentences, as razdel
reports it. "lost" counts documents whose non-white-space characters the splitter did not give
back in full and unaltered.

    python benchmarks/segmentation.py            # all splitters, all files
    python benchmarks/segmentation.py --only ruen razdel-para

Baselines need the ``bench`` extra: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ruen.evaluation import SEGMENTATION_FILES, SegmentationF1, read_tsv, rebuild

DATA = Path(__file__).resolve().parent / "data"
FILES = SEGMENTATION_FILES
PUNKT_TRAINING = DATA / "wmt21_newstest2021_ruen.tsv"

Splitter = Callable[[str], list[str]]


def load(name: str) -> list[tuple[str, set[tuple[int, int]]]]:
    """Each document of a gold file as (text, gold sentence spans)."""
    with (DATA / FILES[name]).open(encoding="utf-8") as handle:
        return [rebuild(json.loads(line)) for line in handle]


def seconds(splitter: Splitter, documents: list[tuple[str, set]]) -> float:
    start_time = time.perf_counter()
    for text, _ in documents:
        splitter(text)
    return time.perf_counter() - start_time


def score(splitter: Splitter, documents: list[tuple[str, set]]) -> dict[str, float]:
    result = SegmentationF1().corpus_score([splitter(text) for text, _ in documents], documents)
    return {"f1": result.score, **result.details}


# --- the splitters ------------------------------------------------------------------------------


def per_paragraph(split: Splitter) -> Splitter:
    """Call ``split`` once per blank-line-separated paragraph, as a careful user would."""

    def run(text: str) -> list[str]:
        return [s for paragraph in re.split(r"\n\s*\n", text) for s in split(paragraph)]

    return run


def make_ruen() -> Splitter:
    import ruen

    return ruen.split_sentences


def make_razdel() -> Splitter:
    from razdel import sentenize

    return lambda text: [s.text for s in sentenize(text)]


def make_pysbd() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="ru", clean=False)
    return segmenter.segment


def make_punkt() -> Splitter:
    """NLTK Punkt trained on the Russian side of WMT21, which is never scored here."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer, PunktTrainer

    text = "\n".join(row["ru"] for row in read_tsv(PUNKT_TRAINING))
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    trainer.train(text, finalize=True)
    tokenizer = PunktSentenceTokenizer(trainer.get_params())
    return per_paragraph(tokenizer.tokenize)


_REGEX = re.compile(r"(?<=[.!?…])\s+(?=[A-ZА-ЯЁ])")


def make_regex() -> Splitter:
    return lambda text: [s for s in _REGEX.split(text) if s.strip()]


SPLITTERS: dict[str, tuple[Callable[[], Splitter], str]] = {
    "ruen": (make_ruen, "ruen"),
    "razdel": (make_razdel, "razdel"),
    "razdel-para": (lambda: per_paragraph(make_razdel()), "razdel"),
    "pysbd": (make_pysbd, "pysbd"),
    "punkt-wmt21": (make_punkt, "nltk"),
    "regex": (make_regex, ""),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(SPLITTERS), default=list(SPLITTERS))
    parser.add_argument("--repeat", type=int, default=5, help="timing rounds; the best is kept")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    corpora = {name: load(name) for name in FILES}
    splitters: dict[str, Splitter] = {}
    for name in args.only:
        factory = SPLITTERS[name][0]
        try:
            splitters[name] = factory()
        except ImportError as exc:
            print(f"skipping {name}: {exc} (pip install -e '.[bench]')", file=sys.stderr)
    results = {
        name: {corpus: score(splitter, documents) for corpus, documents in corpora.items()}
        for name, splitter in splitters.items()
    }
    # Timing: the splitters take turns in each round, so that a noisy neighbour slows them all
    # alike; the best round of each is kept.
    best: dict[tuple[str, str], float] = {}
    for _ in range(max(1, args.repeat)):
        for corpus, documents in corpora.items():
            for name, splitter in splitters.items():
                elapsed = seconds(splitter, documents)
                best[name, corpus] = min(best.get((name, corpus), elapsed), elapsed)
    for (name, corpus), elapsed in best.items():
        gold = sum(len(spans) for _, spans in corpora[corpus])
        results[name][corpus]["sentences_per_s"] = gold / elapsed
        results[name][corpus]["seconds"] = elapsed

    print_table(results)
    print()
    print_details(results)
    from results import installed_version, save

    signature = (
        "rebuild:sent=' '+para='\\n\\n'|metric:exact-sentence|"
        + "|".join(f"{n}:{installed_version(SPLITTERS[n][1])}" for n in results if SPLITTERS[n][1])
        + f"|python:{sys.version.split()[0]}"
    )
    print(f"\nsignature: {signature}")

    corpora = list(FILES)
    table = []
    for name, by_corpus in results.items():
        f1 = [by_corpus[c]["f1"] for c in corpora]
        gold = sum(by_corpus[c]["sentences_per_s"] * by_corpus[c]["seconds"] for c in corpora)
        elapsed = sum(by_corpus[c]["seconds"] for c in corpora)
        lost = sum(int(by_corpus[c]["lost"]) for c in corpora)
        mean = round(sum(f1) / len(f1), 1)
        table.append([name, *[round(v, 2) for v in f1], mean, round(gold / elapsed), lost])
    save(
        "segmentation",
        "Russian sentence splitting: exact-sentence F1 on the UD treebanks",
        ["splitter", *corpora, "mean F1", "sentences/s", "lost docs"],
        table,
        signature=signature,
        command="python benchmarks/segmentation.py",
        chart={"x": "splitter", "y": "mean F1", "ylabel": "mean exact-sentence F1"},
    )
    if args.json:
        args.json.write_text(json.dumps({"signature": signature, "results": results}, indent=2))


def print_table(results: dict[str, dict[str, dict[str, float]]]) -> None:
    corpora = list(FILES)
    print("| splitter | " + " | ".join(corpora) + " | mean F1 | sentences/s | lost docs |")
    print("|---" * (len(corpora) + 4) + "|")
    for name, by_corpus in results.items():
        f1 = [by_corpus[c]["f1"] for c in corpora]
        gold = sum(by_corpus[c]["sentences_per_s"] * by_corpus[c]["seconds"] for c in corpora)
        elapsed = sum(by_corpus[c]["seconds"] for c in corpora)
        lost = sum(int(by_corpus[c]["lost"]) for c in corpora)
        print(
            f"| {name} | "
            + " | ".join(f"{v:.2f}" for v in f1)
            + f" | {sum(f1) / len(f1):.1f} | {gold / elapsed:,.0f} | {lost} |"
        )


def print_details(results: dict[str, dict[str, dict[str, float]]]) -> None:
    print("| splitter | file | P | R | F1 | errors/1k | lost docs | sentences/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, by_corpus in results.items():
        for corpus, r in by_corpus.items():
            print(
                f"| {name} | {corpus} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} "
                f"| {r['errors_per_1k']:.0f} | {int(r['lost'])} | {r['sentences_per_s']:,.0f} |"
            )


if __name__ == "__main__":
    main()

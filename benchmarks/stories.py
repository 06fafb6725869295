"""Each story once: precision and recall of ruen.stories on distinct stories and on reprints
made the way outlets make them, for a sweep of containment thresholds, and its speed.

Stories: the WMT21 and WMT22 documents (Russian side), each a distinct news story; two of them
must never be taken for one. Reprints, made from every story of three segments or more, each
published a day after its original:
  lead cut      the first quarter of the segments dropped
  tail cut      the last quarter dropped
  paragraph +   a paragraph of another story added at the end
  paragraph -   one segment in the middle dropped
  boilerplate   an outlet's header and footer around it
  rewrapped     lines broken at 60 columns, two or three spaces between some words
  all at once   lead cut, boilerplate, rewrapped
A reprint is found when ruen names its original; a false merge is any other answer for a story
or a reprint. Speed: 100,000 documents of five segments drawn at random from the pool.

    python benchmarks/stories.py [--speed 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from ruen import stories
from ruen.evaluation import read_tsv, wmt_documents

DATA = Path(__file__).resolve().parent / "data"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
HEADER = "Источник: РИА «Регион-Инфо». Все новости региона в нашем телеграм-канале."
FOOTER = "Подписывайтесь на нас в социальных сетях. При перепечатке ссылка обязательна."


def originals() -> list[list[str]]:
    docs = []
    for name in ("wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv"):
        docs += [russian for russian, _ in wmt_documents(read_tsv(DATA / name))]
    return docs


def rewrap(text: str, rng: random.Random) -> str:
    lines, line = [], ""
    for word in text.split():
        gap = " " * rng.choice((1, 1, 2, 3))
        if line and len(line) + len(gap) + len(word) > 60:
            lines.append(line)
            line = word
        else:
            line = f"{line}{gap}{word}" if line else word
    return "\n".join([*lines, line])


def reprints(docs: list[list[str]], rng: random.Random) -> list[tuple[int, str, str]]:
    """(original's index, kind, text) for every story of three segments or more."""
    made = []
    for i, segments in enumerate(docs):
        n = len(segments)
        if n < 3:
            continue
        quarter = max(1, n // 4)
        other = docs[(i + 1) % len(docs)][0]
        middle = n // 2
        variants = {
            "lead cut": segments[quarter:],
            "tail cut": segments[: n - quarter],
            "paragraph +": [*segments, other],
            "paragraph -": segments[:middle] + segments[middle + 1 :],
            "boilerplate": [HEADER, *segments, FOOTER],
        }
        for kind, parts in variants.items():
            made.append((i, kind, "\n\n".join(parts)))
        made.append((i, "rewrapped", rewrap(" ".join(segments), rng)))
        combined = rewrap(" ".join([HEADER, *segments[quarter:], FOOTER]), rng)
        made.append((i, "all at once", combined))
    return made


def sweep(docs: list[list[str]], made: list[tuple[int, str, str]]) -> None:
    day = datetime(2026, 11, 30)
    kinds = sorted({kind for _, kind, _ in made})
    print("| containment | false merges | " + " | ".join(kinds) + " | all reprints |")
    print("|---|---|" + "---|" * (len(kinds) + 1))
    for threshold in THRESHOLDS:
        false = 0
        found = dict.fromkeys(kinds, 0)
        total = dict.fromkeys(kinds, 0)
        for kind in kinds:  # each kind against a fresh index of the originals
            index = stories.StoryIndex(containment=threshold)
            for i, segments in enumerate(docs):
                if index.add(f"s{i}", "\n\n".join(segments), day) is not None:
                    false += kind == kinds[0]  # originals counted once
            for i, k, text in made:
                if k != kind:
                    continue
                total[kind] += 1
                answer = index.add(f"r{i}-{k}", text, day + timedelta(days=1))
                if answer == f"s{i}":
                    found[kind] += 1
                elif answer is not None:
                    false += 1
        cells = " | ".join(f"{100 * found[k] / total[k]:.1f} %" for k in kinds)
        share = 100 * sum(found.values()) / sum(total.values())
        print(f"| {threshold:.1f} | {false} | {cells} | {share:.1f} % |")
    print(f"\n{len(docs)} stories, {len(made)} reprints ({len(made) // len(kinds)} of each kind)")


def speed(docs: list[list[str]], count: int, rng: random.Random) -> None:
    pool = [segment for segments in docs for segment in segments]
    index = stories.StoryIndex()
    start = time.perf_counter()
    day = datetime(2026, 1, 1)
    merged = 0
    for n in range(count):
        text = "\n\n".join(rng.sample(pool, 5))
        published = day + timedelta(minutes=5 * n)  # 288 a day: the window holds ~860
        merged += index.add(f"d{n}", text, published) is not None
        if n % 1000 == 999:
            index.forget(published - stories.WINDOW)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nspeed: {count:,} documents of 5 random segments in {elapsed:.1f} s, "
        f"{count / elapsed:,.0f} documents/s, peak {peak:.0f} MB, {merged} taken as repeats"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=int, default=100_000, help="documents for the speed run")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = originals()
    made = reprints(docs, rng)
    sweep(docs, made)
    if args.speed:
        speed(docs, args.speed, rng)
    from importlib.metadata import version

    print(
        f"\nsignature: data:wmt21+wmt22|shingle:{stories.SHINGLE_WORDS}w|perm:{stories.NUM_PERM}|"
        f"bands:{stories.BANDS}|seed:{args.seed}|rensa:{version('rensa')}|"
        f"python:{sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()

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

One story told by several outlets (``--same-story``, ruen.stories.same_story): the nested
cross-validation of benchmarks/same_story_model.py on the 108 crowd-labelled pairs of the
Telegram Data Clustering contest, beside a character TF-IDF baseline, each signal dropped in
turn, and without the weak labels it trains on too; ``--fit`` writes the model fitted on
all pairs. Then the grouping on the WMT stories, each from a source of its own, printed to be
judged, and their reprints (a paragraph of another story added) from another source a day
later, each of which must join its original; and its cost: 1,000 texts grouped, seconds and
memory.

    python benchmarks/stories.py [--speed 100000] [--same-story [--fit]]
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


def sweep(docs: list[list[str]], made: list[tuple[int, str, str]]) -> list[list]:
    day = datetime(2026, 11, 30)
    table = []
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
        shares = [round(100 * found[k] / total[k], 1) for k in kinds]
        table.append([threshold, false, *shares, round(share, 1)])
    print(f"\n{len(docs)} stories, {len(made)} reprints ({len(made) // len(kinds)} of each kind)")
    return [["containment", "false merges", *[f"{k} %" for k in kinds], "all reprints %"], table]


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


def same_story(docs: list[list[str]], made: list[tuple[int, str, str]], *, write: bool) -> None:
    import same_story_model
    from ruen.stories import grouping as groups_module
    from ruen.stories import same_story as ss

    table, fitted = same_story_model.run(write=write)
    grouping = group_wmt(docs, made)
    cost = grouping_cost(docs, made)
    from results import installed_version, save

    signature = (
        f"data:tgcontest-dev108|cv:nested {same_story_model.OUTER}x"
        f"{same_story_model.SHUFFLES}/{same_story_model.INNER}|merge:{ss.MERGE}|"
        f"related:{ss.RELATED}|gates:{'+'.join(ss.GATES)}|weak:{fitted['weak_labels']}|"
        f"piece:4|lead:{ss.LEAD_CHARACTERS}|window:{groups_module.WINDOW.days}d|"
        f"pymorphy3:{installed_version('pymorphy3')}|dawg2:{installed_version('DAWG2')}|"
        f"scikit-learn:{installed_version('scikit-learn')}"
    )
    print(f"signature: {signature}")
    save(
        "same_story",
        "One story across outlets (nested CV, 108 pairs)",
        ["decision", "precision", "recall", "F1", "F1 spread", "Brier"],
        table,
        chart={"x": "decision", "y": ["precision", "F1"], "ylabel": "share", "format": "%.3f"},
        shipped={"merge": ss.MERGE, "related": ss.RELATED, "C": fitted["C"]},
        grouping=grouping,
        cost=cost,
        signature=signature,
        command="python benchmarks/stories.py --speed 0 --same-story",
    )


def group_wmt(docs: list[list[str]], made: list[tuple[int, str, str]]) -> dict:
    """The WMT documents, each from an outlet of its own, grouped: the groups are printed to be
    judged (the documents of one news day: some tell one event, the Navy Day parade); then
    each reprint with a paragraph of another story added, from another outlet a day later,
    must join its original."""
    from ruen.stories import grouping as sg
    from ruen.stories.same_story import Telling

    day = datetime(2026, 11, 30)
    groups = sg.StoryGroups()
    for i, segments in enumerate(docs):
        text = "\n\n".join(segments[1:]) or segments[0]
        groups.add(f"s{i}", Telling.of(text, segments[0], source=f"outlet {i}", published=day))
    merged = [(k, story) for k, story in groups.story.items() if k != story]
    print(f"\ngrouping: {len(docs)} WMT documents, {len(merged)} joined another's story:")
    for key, story in merged:
        print(f"  {groups.tellings[key].title[:60]!r} -> {groups.tellings[story].title[:60]!r}")
    joined = total = 0
    for i, kind, text in made:
        if kind != "paragraph +":
            continue
        total += 1
        telling = Telling.of(text, source="reprinter", published=day + timedelta(days=1))
        joined += groups.story.get(f"s{i}") == groups.add(f"r{i}", telling)
    print(
        f"{joined} of {total} reprints (a paragraph of another story added) joined their original"
    )
    return {"documents": len(docs), "joined_another": len(merged), "reprints": total,
            "reprints_joined": joined}  # fmt: skip


def grouping_cost(docs: list[list[str]], made: list[tuple[int, str, str]], n: int = 1000) -> dict:
    """Seconds to group ``n`` texts arriving over a day (stories and reprints, each making its
    telling: pieces, names), in a fresh grouping and with pymorphy3's caches cold; then the
    memory the grouping holds (tracemalloc, a third pass: it slows what it watches); the
    second pass, timed too, finds pymorphy3's readings of the words remembered, as a
    long-running ``ruen follow`` does. The originals come from 40 outlets, the reprints from
    40 others, those under the header and footer from the one outlet whose header it is (an
    outlet's boilerplate is its own: two of its items are never one story). Printed with it:
    how many reprints joined their original's story, and how many texts joined another
    document's (WMT documents of one news day, some telling one event: the grouping above)."""
    import tracemalloc

    from ruen.stories import grouping as sg
    from ruen.stories.same_story import Telling

    texts = [("\n\n".join(s[1:]) or s[0], s[0], i, f"outlet {i % 40}") for i, s in enumerate(docs)]
    headed = ("boilerplate", "all at once")  # the kinds under HEADER and FOOTER
    texts += [
        (text, None, i, "Регион-Инфо" if kind in headed else f"reprinter {k % 40}")
        for k, (i, kind, text) in enumerate(made)
    ]
    texts = (texts * (n // len(texts) + 1))[:n]
    from ruen.stories.background import table

    table()  # the background table loads once per process

    def group() -> sg.StoryGroups:
        groups = sg.StoryGroups()
        day = datetime(2026, 11, 30)
        for k, (text, title, _, source) in enumerate(texts):
            when = day + timedelta(seconds=86 * k)
            told = Telling.of(text, title, source=source, published=when)
            groups.add(f"t{k}", told)
        return groups

    start = time.perf_counter()
    groups = group()
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    group()
    warm = time.perf_counter() - start
    tracemalloc.start()
    groups = group()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    found = len(set(groups.story.values()))
    document = {f"t{k}": i for k, (_, _, i, _) in enumerate(texts)}
    own = sum(document[k] == document[s] and k != s for k, s in groups.story.items())
    other = sum(document[k] != document[s] for k, s in groups.story.items())
    print(
        f"cost: {n} texts grouped in {elapsed:.2f} s, {warm:.2f} s again with the dictionary's "
        f"words read ({found} stories; {own} reprints joined "
        f"their original's, {other} texts another document's), {peak / 2**20:.1f} MB allocated "
        "at the peak"
    )
    return {"texts": n, "seconds": round(elapsed, 2), "seconds_warm": round(warm, 2),
            "peak_mb": round(peak / 2**20, 1),
            "stories": found, "joined_own": own, "joined_other": other}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=int, default=100_000, help="documents for the speed run")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--same-story", action="store_true", help="also one story across outlets (nested CV)"
    )
    parser.add_argument(
        "--fit", action="store_true", help="with --same-story: write the model fitted on all pairs"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = originals()
    made = reprints(docs, rng)
    columns, table = sweep(docs, made)
    if args.same_story:
        same_story(docs, made, write=args.fit)
    if args.speed:
        speed(docs, args.speed, rng)
    from importlib.metadata import version

    from results import save

    signature = (
        f"data:wmt21+wmt22|shingle:{stories.SHINGLE_WORDS}w|perm:{stories.NUM_PERM}|"
        f"bands:{stories.BANDS}|seed:{args.seed}|rensa:{version('rensa')}|"
        f"python:{sys.version.split()[0]}"
    )
    print(f"\nsignature: {signature}")
    shipped = next(row for row in table if row[0] == stories.CONTAINMENT)
    save(
        "stories",
        f"Reprints found and false merges, {len(docs)} WMT stories, by containment threshold",
        columns,
        table,
        signature=signature,
        command="python benchmarks/stories.py --speed 0",
        shipped={"containment": stories.CONTAINMENT, "false_merges": shipped[1],
                 "reprints_found": shipped[-1]},
    )  # fmt: skip


if __name__ == "__main__":
    main()

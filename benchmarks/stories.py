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

One story told by several outlets (``--same-story``, ruen.story_groups): the 108 crowd-labelled
pairs of Russian news of the Telegram Data Clustering contest (benchmarks/data/
ru_same_story_pairs_dev.jsonl, 46 one story, 62 not; SOURCES.md), cross-validated: five folds,
twenty shuffles, the threshold chosen on four folds (the best F0.5, precision first, the
higher threshold on a tie) and scored on the fifth; each rule's part (the same, without it);
the threshold fitted on all pairs (what ruen ships as story_groups.THRESHOLD). Then the
grouping on the WMT stories, each from a source of its own, printed to be judged, and their
reprints (a paragraph of another story added) from another source a day later, each of which
must join its original; and its cost: 1,000 texts grouped, seconds and memory.

    python benchmarks/stories.py [--speed 100000] [--same-story]
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


def pairs() -> list[dict]:
    import json

    lines = (DATA / "ru_same_story_pairs_dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _prf(said: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(s and g for s, g in zip(said, gold))
    fp = sum(s and not g for s, g in zip(said, gold))
    fn = sum(g and not s for s, g in zip(said, gold))
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def _fit(scores: list[float], gold: list[bool]) -> float:
    """The threshold of the best F0.5 (precision weighed twice recall: a wrong merge hides a
    story), the higher one on a tie."""
    candidates = sorted(set(scores))
    return max(candidates, key=lambda t: (_f_half([s >= t for s in scores], gold), t))


def _f_half(said: list[bool], gold: list[bool]) -> float:
    precision, recall, _ = _prf(said, gold)
    return 1.25 * precision * recall / max(1e-9, 0.25 * precision + recall)


def cross_validated(scores: list[float], gold: list[bool], shuffles: int = 20) -> list[float]:
    """Mean and standard deviation of precision, recall and F1 over the shuffles."""
    import statistics

    runs = []
    for shuffle in range(shuffles):
        order = list(range(len(gold)))
        random.Random(shuffle).shuffle(order)
        folds = [order[k::5] for k in range(5)]
        said = [False] * len(gold)
        for k, fold in enumerate(folds):
            train = [i for j, f in enumerate(folds) if j != k for i in f]
            threshold = _fit([scores[i] for i in train], [gold[i] for i in train])
            for i in fold:
                said[i] = scores[i] >= threshold
        runs.append(_prf(said, gold))
    return [f(run[m] for run in runs) for m in range(3) for f in (statistics.mean, _sd)]


def _sd(values: object) -> float:
    import statistics

    values = list(values)  # type: ignore[call-overload]
    return statistics.pstdev(values)


def same_story(docs: list[list[str]], made: list[tuple[int, str, str]]) -> None:
    from ruen import story_groups as sg

    rows = pairs()
    gold = [bool(r["same_story"]) for r in rows]
    tellings = [
        (
            sg.Telling.of(r["first_text"], r["first_title"]),
            sg.Telling.of(r["second_text"], r["second_title"]),
        )
        for r in rows
    ]

    def told(a: sg.Telling, b: sg.Telling) -> float:
        return sg.similarity(a, b) * sg.told(a, b)

    def rules(a: sg.Telling, b: sg.Telling) -> bool:
        return sg._names_agree(a, b) and sg._dates_agree(a, b)

    variants = {
        "ruen (names, dates, pieces, headlines told)": lambda a, b: sg.score(a, b),
        "without the headlines told": lambda a, b: sg.similarity(a, b) * rules(a, b),
        "without the names rule": lambda a, b: told(a, b) * sg._dates_agree(a, b),
        "without the dates rule": lambda a, b: told(a, b) * sg._names_agree(a, b),
        "pieces alone (TF-IDF cosine)": lambda a, b: sg.similarity(a, b),
    }
    table = []
    print(f"\n{len(rows)} dev pairs ({sum(gold)} one story), 5-fold cross-validation x 20")
    print("| signals | precision | recall | F1 | threshold on all pairs |")
    print("|---|---|---|---|---|")
    for name, measure in variants.items():
        scores = [measure(a, b) for a, b in tellings]
        p, ps, r, rs, f, fs = cross_validated(scores, gold)
        fitted = _fit(scores, gold)
        print(
            f"| {name} | {p:.3f} ± {ps:.3f} | {r:.3f} ± {rs:.3f} | {f:.3f} ± {fs:.3f} | "
            f"{fitted:.3f} |"
        )
        table.append([name, round(p, 3), round(r, 3), round(f, 3), round(fitted, 3)])
    shipped = [sg.score(a, b) >= sg.THRESHOLD for a, b in tellings]
    p, r, f = _prf(shipped, gold)
    print(
        f"\nat the shipped threshold {sg.THRESHOLD} on all pairs (in sample): precision {p:.3f}, "
        f"recall {r:.3f}, F1 {f:.3f}"
    )
    grouping = group_wmt(docs, made)
    cost = grouping_cost(docs, made)
    from importlib.metadata import version

    signature = (
        f"data:tgcontest-dev{len(rows)}|cv:5x20|threshold:{sg.THRESHOLD}|piece:{sg.PIECE}|"
        f"lead:{sg.LEAD_CHARACTERS}|names:{sg.NAMES_SHARED}|window:{sg.WINDOW.days}d|"
        f"pymorphy3:{version('pymorphy3')}"
    )
    print(f"signature: {signature}")
    from results import save

    save(
        "same_story",
        "One story across outlets: the dev pairs, cross-validated",
        ["signals", "precision", "recall", "F1", "threshold"],
        table,
        chart={"x": "signals", "y": ["precision", "F1"], "ylabel": "share", "format": "%.3f"},
        shipped={"threshold": sg.THRESHOLD, "precision": p, "recall": r, "F1": f},
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
    from ruen import story_groups as sg

    day = datetime(2026, 11, 30)
    groups = sg.StoryGroups()
    for i, segments in enumerate(docs):
        text = "\n\n".join(segments[1:]) or segments[0]
        groups.add(f"s{i}", sg.Telling.of(text, segments[0], source=f"outlet {i}", published=day))
    merged = [(k, story) for k, story in groups.story.items() if k != story]
    print(f"\ngrouping: {len(docs)} WMT documents, {len(merged)} joined another's story:")
    for key, story in merged:
        print(f"  {groups.tellings[key].title[:60]!r} -> {groups.tellings[story].title[:60]!r}")
    joined = total = 0
    for i, kind, text in made:
        if kind != "paragraph +":
            continue
        total += 1
        telling = sg.Telling.of(text, source="reprinter", published=day + timedelta(days=1))
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

    from ruen import story_groups as sg

    texts = [("\n\n".join(s[1:]) or s[0], s[0], i, f"outlet {i % 40}") for i, s in enumerate(docs)]
    headed = ("boilerplate", "all at once")  # the kinds under HEADER and FOOTER
    texts += [
        (text, None, i, "Регион-Инфо" if kind in headed else f"reprinter {k % 40}")
        for k, (i, kind, text) in enumerate(made)
    ]
    texts = (texts * (n // len(texts) + 1))[:n]
    sg._background()  # the table loads once per process

    def group() -> sg.StoryGroups:
        groups = sg.StoryGroups()
        day = datetime(2026, 11, 30)
        for k, (text, title, _, source) in enumerate(texts):
            when = day + timedelta(seconds=86 * k)
            told = sg.Telling.of(text, title, source=source, published=when)
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
        "--same-story", action="store_true", help="also one story across outlets (story_groups)"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = originals()
    made = reprints(docs, rng)
    columns, table = sweep(docs, made)
    if args.same_story:
        same_story(docs, made)
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

"""People and places: does ``ruen.check`` keep quiet on human translations and catch a name
gone wrong? And which finder of names to ship.

    pip install -e ".[bench,names]"      # bench brings natasha, to compare and to pick targets
    python benchmarks/names.py [--show-flags]

Five reference sets of different kinds (benchmarks/data): PUD (Wikipedia and news, written in
English, German, French, Italian or Spanish), WMT21 and WMT22 ru-en (Russian-original news; WMT22
also e-commerce and social posts), WMT21 en-ru (English-original news, the Russian a
translator's) and WMT22 en-ru (the same of another year, with e-commerce, social posts and
conversations; added last, its test half never read). Each is split once by document into a
dev half, on which the rules are read and tuned, and a test half, run at the end; README and
the docs report the test halves (``benchmarks/halves.py`` draws them). Beside ruen: natasha's
NER as the finder, and a baseline of ten lines (a name is there when some English word begins
with the first four letters of its transliteration).

1. False alarms: the share of human reference pairs that draw a ``name`` flag (the check of
   people and places, and the Latin-script names check beside it). A reference counts as
   correct, so every flag is a false alarm, though some mark a name the reference really
   dropped (``--show-flags`` lists the dev half's).
2. Detection: the people and places of each reference, as natasha's NER finds them (an
   annotator independent of ruen's own finder, with published F1 0.96 for people and 0.92 for
   places), whose English rendering can be located, corrupted the three ways machine
   translation garbles a name: another name put in its place (half of them look-alikes that
   share the first three letters, as Zakharova and Zakharchenko, where the data has one), the
   name dropped, and the Russian case form transliterated (Zakharovoy, where the Russian form
   is not the nominative). Detected: the corrupted pair draws a ``name`` flag the reference did
   not. Seeded.
3. The two finders of names compared on both: pymorphy3's dictionary (what ruen ships) and
   natasha's neural tagger; and the memory each holds and its time per sentence.
4. Cost: the benchmark documents (corpus.py's 120 WMT documents) digested on the real-size
   random model with ruen's defaults (beam 4 and 30 tokens forced, as corpus.py, so that
   random weights do a real model's work), without and with names, each in a fresh process.

Nothing is tuned on this run's figures alone: the rules are the ones the module docstrings
state, and other references are kept aside for an independent check.
"""

from __future__ import annotations

import argparse
import csv
import functools
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ruen
from halves import HALVES, half
from results import save
from ruen.fidelity.checks import check_names

DATA = Path(__file__).resolve().parent / "data"
SETS = {"PUD": "pud_ru_en.tsv", "WMT21": "wmt21_newstest2021_ruen.tsv",
        "WMT22": "wmt22_generaltest2022_ruen.tsv",
        "WMT21 en-ru": "wmt21_newstest2021_enru.tsv",
        "WMT22 en-ru": "wmt22_generaltest2022_enru.tsv"}  # fmt: skip
SEED = 2026
BASELINE = "baseline: first four letters"
KINDS = ("another name", "dropped", "case form", "English stem + ending")


def references(which: str) -> list[tuple[str, str, str]]:
    """(set, ru, en) of every pair in the ``which`` half of each set."""
    rows = []
    for label, name in SETS.items():
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            key = reader.fieldnames[0]
            rows += [(label, r["ru"], r["en"]) for r in reader if half(label, r[key]) == which]
    return rows


def baseline_flags(ru: str, en: str) -> list[str]:
    """The simplest check: a person or place (ruen's finder) is there when an English word
    begins with the first four letters of its nominative's transliteration."""
    from ruen.names.entities import find
    from ruen.names.keys import loose
    from ruen.names.spellings import usual

    words = {loose(w)[:4] for w in re.findall(r"[A-Za-z]+", en)}
    return [e.text for e in find(ru) if loose(usual(e.head_lemma))[:4] not in words]


# --- the two finders ---------------------------------------------------------------------------


def ruen_finder():
    from ruen.names.entities import find

    return find


def natasha_finder():
    """natasha's NER (slovnet, navec) over the sentence, its PER and LOC spans made entities
    as ruen's are (nominatives by pymorphy3)."""
    from natasha import NewsEmbedding, NewsNERTagger

    from ruen.names import entities

    tagger = NewsNERTagger(NewsEmbedding())

    def find(ru: str) -> list:
        found = []
        for span in tagger(ru).spans:
            if span.type not in ("PER", "LOC"):
                continue
            inside = ru[span.start : span.stop]
            words = [
                w for w in re.finditer(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*", inside)
                if w.group()[:1].isupper()
            ]  # fmt: skip
            if not words:
                continue  # no capitalised word: no name to garble
            head = words[-1].group()
            kind = "person" if span.type == "PER" else "place"
            lemmas = entities.nominatives(head)
            lemma = " ".join(entities.nominatives(w.group())[0] for w in words)
            found.append(entities.Entity(kind, span.start, span.stop, ru[span.start : span.stop],
                                         lemma, head, lemmas[0], True, ru[span.start : span.stop],
                                         lemmas))  # fmt: skip
        return found

    return find


def flags(ru: str, en: str, finder) -> list[str]:
    """The ``name`` flags of a pair: people and places by ``finder``, Latin-script names."""
    from ruen.names.check import renderings

    missing = [r for r in renderings(ru, en, entities=finder(ru)) if r.how == "missing"]
    return [r.entity.text for r in missing] + [f.source or "" for f in check_names(ru, en)]


# --- corruptions -------------------------------------------------------------------------------


def targets(rows, finder) -> list[tuple[int, object]]:
    """(pair, rendering) of every person and place ``finder`` finds whose rendering the
    reference holds where it can be located."""
    from ruen.names.check import renderings

    found = []
    for n, (_, ru, en) in enumerate(rows):
        for rendering in renderings(ru, en, entities=finder(ru)):
            if rendering.how != "missing" and _locate(en, rendering.english):
                found.append((n, rendering))
    return found


def _locate(en: str, words: str | None) -> tuple[int, int] | None:
    if not words:
        return None
    body = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", words) if w)
    match = re.search(rf"(?<!\w){body}(?:['’]s)?(?!\w)", en, re.IGNORECASE)
    return match.span() if match else None


def corrupt(en: str, rendering, kind: str, pool: dict, rng: random.Random) -> str | None:
    """``en`` with the rendering's words replaced, dropped or given the Russian case form."""
    from ruen.names.keys import loose
    from ruen.names.spellings import usual

    entity = rendering.entity
    if kind == "dropped":
        new = ""
    elif kind == "case form":
        from ruen.names.entities import oblique

        if not oblique(entity.head):
            return None  # the Russian may be a nominative: nothing to carry over
        new = usual(entity.head)
    elif kind == "English stem + ending":  # "Trumpa" for Трампа: the English name, declined
        from ruen.names.check import _LATIN_ENDINGS
        from ruen.names.entities import oblique

        head, lemma = entity.head, entity.head_lemma
        latin = _LATIN_ENDINGS.get(head[len(lemma) :].lower())
        words = (rendering.english or "").split()
        if not (oblique(head) and head.lower().startswith(lemma.lower()) and latin):
            return None  # the Russian may be a nominative, or no ending of a case added
        if len(words) != 1:
            return None
        new = words[0] + latin[0]
        if loose(new) == loose(usual(head)):
            return None  # the Russian case form transliterated: the kind above
    else:  # another person's or place's name: another entity's, not a spelling of this one
        own = loose(rendering.english)
        mine = {loose(s) for s in _spellings(entity)} | {own}
        # Not a spelling of this name, and not a phrase that holds one ("China-Laos" for China
        # would leave China in the English).
        others = [
            w for w, lemma in pool[entity.kind]
            if lemma != entity.lemma and loose(w) not in mine
            and not {loose(part) for part in re.split(r"[\s\-]+", w)} & mine
        ]  # fmt: skip
        alike = [w for w in others if loose(w)[:3] == own[:3]]
        new = rng.choice(alike if alike and rng.random() < 0.5 else others)
    # Every occurrence of the name goes, in every spelling the lists give it (a demonym too:
    # "Russia" dropped where "Russian" stays would still be the place).
    spellings = sorted({rendering.english, *_spellings(entity)}, key=len, reverse=True)
    text = en
    for spelling in spellings:
        while (span := _locate(text, spelling)) is not None:
            text = text[: span[0]] + "\0" + text[span[1] :]
    text = text.replace("\0", new, 1).replace("\0", "" if kind == "dropped" else new)
    return re.sub(r"\s{2,}", " ", text).replace(" ,", ",").replace(" .", ".").strip()


def _spellings(entity) -> tuple[str, ...]:
    from ruen.names.check import _entry

    entry = _entry(entity, None)
    return entry.spellings if entry else ()


def detection(rows, picked, flagger, rng) -> dict[str, tuple[int, int]]:
    pool = defaultdict(list)
    for _, rendering in picked:
        pool[rendering.entity.kind].append((rendering.english, rendering.entity.lemma))
    counts: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    for n, rendering in picked:
        _, ru, en = rows[n]
        before = Counter(flagger(ru, en))
        for kind in KINDS:
            changed = corrupt(en, rendering, kind, pool, rng)
            if changed is None or changed == en:
                continue
            counts[kind][1] += 1
            after = Counter(flagger(ru, changed))
            counts[kind][0] += bool(after - before)
    return {kind: (hit, total) for kind, (hit, total) in counts.items()}


# --- cost ------------------------------------------------------------------------------------

LOAD = {
    "pymorphy3 (ruen)": "from ruen.names.entities import find; find('Мария Захарова заявила.')",
    "natasha NER": "from natasha import NewsEmbedding, NewsNERTagger; "
    "NewsNERTagger(NewsEmbedding())('Мария Захарова заявила.')",
}


def memory(code: str) -> float:
    """The MB a finder adds to a fresh Python process that has imported ruen: its peak RSS
    (VmHWM, which starts afresh at exec; ru_maxrss would count the benchmark's own process,
    which the child was forked from) after the finder ran, less that after ``import ruen``."""
    peak = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    script = f"import ruen; base = {peak}; {code}; print(({peak} - base) / 1024)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def cost_worker(system: str, count: int = 120) -> dict:
    """The benchmark documents digested on the real-size model, with names checked and kept
    (the default) or without (names switched off in this process)."""
    import json as _json  # noqa: F401 - the caller prints JSON

    from corpus import CHANGED, documents
    from translate_speed import MODEL

    if system == "without names":
        from ruen.names import check as names_check

        names_check._AVAILABLE[:] = [False]
    translator = ruen.load_translator(MODEL, device="cpu")
    options = ruen.TranslateOptions(**CHANGED, repair=True)
    docs = documents(count)
    start = time.perf_counter()
    digests = list(ruen.digest_many(docs, options, translator=translator))
    elapsed = time.perf_counter() - start
    names = [n for d in digests for r in d.sentences for n in r.names]
    return {"seconds": elapsed, "sentences": sum(len(d.sentences) for d in digests),
            "names": len(names), "kept": sum(n.how in ("nbest", "prefix") for n in names),
            "peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def cost(count: int = 120) -> tuple[dict, dict]:
    from corpus import run_worker
    from translate_speed import build_model

    build_model()
    command = [sys.executable, __file__, "--documents", str(count), "--worker"]
    return (run_worker("without", [*command, "without names"]),
            run_worker("with", [*command, "with names"]))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-flags", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-cost", action="store_true", help="skip the digest time (part 4)")
    parser.add_argument(
        "--documents", type=int, default=120, help="benchmark documents for the digest time"
    )
    parser.add_argument("--cost-only", action="store_true", help="only the digest time")
    parser.add_argument(
        "--half", choices=HALVES, help="one half only, nothing saved (the dev half while tuning)"
    )
    args = parser.parse_args()
    if args.worker:
        import json

        print(json.dumps(cost_worker(args.worker, args.documents)))
        return
    if args.cost_only:
        print(cost(args.documents))
        return
    systems = {"pymorphy3 (ruen)": ruen_finder()}
    try:
        systems["natasha NER"] = natasha_finder()
    except ImportError:
        print("natasha is not installed (pip install natasha): its column is left out")
    annotator = systems.get("natasha NER", systems["pymorphy3 (ruen)"])
    flaggers = {name: functools.partial(flags, finder=finder) for name, finder in systems.items()}
    flaggers[BASELINE] = baseline_flags
    table, pairs = [], {}
    for which in [args.half] if args.half else HALVES:
        rows = references(which)
        pairs[which] = len(rows)
        picked = targets(rows, annotator)
        for name, flagger in flaggers.items():
            started = time.perf_counter()
            flagged = [(label, ru, en, f) for label, ru, en in rows if (f := flagger(ru, en))]
            seconds = (time.perf_counter() - started) / len(rows)
            by_set = Counter(label for label, *_ in flagged)
            hits = detection(rows, picked, flagger, random.Random(SEED))
            caught = sum(h for h, _ in hits.values()) / max(1, sum(t for _, t in hits.values()))
            row = [f"{name} · {which}", round(100 * len(flagged) / len(rows), 2)]
            row += [round(100 * by_set[s] / sum(r[0] == s for r in rows), 2) for s in SETS]
            row += [round(100 * caught, 1)]
            row += [round(100 * h / max(1, t), 1) for h, t in hits.values()]
            row += [round(memory(LOAD[name])) if name in LOAD else 0, round(1000 * seconds, 2)]
            table.append(row)
            if args.show_flags and name == "pymorphy3 (ruen)" and which == "dev":
                for label, ru, en, found in flagged:
                    print(f"[{label}] {found}\n  {ru}\n  {en}")
            counts = ", ".join(f"{k} {h}/{t}" for k, (h, t) in hits.items())
            print(f"{name}, {which} half: {len(flagged)} of {len(rows)} references flagged; "
                  f"corruptions caught: {counts}")  # fmt: skip
    columns = ["system · half", "false alarms %", *[f"{s} %" for s in SETS], "caught %",
               *[f"{k} %" for k in KINDS], "memory MB", "ms per sentence"]  # fmt: skip
    print("\n| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in table:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    halves = ",".join(f"{which} {count}" for which, count in pairs.items())
    versions = f"ruen:{ruen.__version__}|targets:natasha-ner|seed:{SEED}|pairs:{halves}"
    print(f"\nsignature: {versions}")
    if args.half:
        return
    about = {"signature": versions, "chart": {"x": "system · half",
             "y": ["false alarms %", "caught %"], "ylabel": "%"}}  # fmt: skip
    title = "People and places: false alarms, corruptions caught (by half)"
    save("names", title, columns, table, command="python benchmarks/names.py --no-cost", **about)
    print(f"peak MB of this run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    if args.no_cost:
        return
    plain, named = cost(args.documents)
    ratio = named["seconds"] / plain["seconds"]
    print(
        f"\nBenchmark documents ({args.documents} WMT documents, {plain['sentences']} sentences), "
        "the real-size random model, ruen's defaults but beam 4 and 30 tokens forced "
        f"(corpus.py): {plain['seconds']:.1f} s without names, {named['seconds']:.1f} s with "
        f"them ({named['names']} people and places, {named['kept']} kept by n-best or prefix): "
        f"{ratio:.2f}× (target ≤ 1.25×); peak {plain['peak MB']:.0f} and "
        f"{named['peak MB']:.0f} MB"
    )
    cost_figures = {
        "documents": args.documents,
        "sentences": plain["sentences"],
        "seconds_without": round(plain["seconds"], 1),
        "seconds_with": round(named["seconds"], 1),
        "ratio": round(ratio, 2),
        "names": named["names"],
        "kept": named["kept"],
        "peak_mb": [round(plain["peak MB"]), round(named["peak MB"])],
    }
    command = "python benchmarks/names.py" + (
        f" --documents {args.documents}" if args.documents != 120 else ""
    )
    save("names", title, columns, table, command=command, cost=cost_figures, **about)


if __name__ == "__main__":
    main()

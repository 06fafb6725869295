"""How well ``ruen.check`` tells a damaged translation from a sound one, against the number
checks people use today.

    pip install -e ".[bench]"
    pip install translate-toolkit opusfilter sacremoses toolwrapper
    pip install --no-deps opuscleaner bicleaner-hardrules   # their other pins clash; see below
    python benchmarks/fidelity.py [--show-flags] [--data DIR]

1. False alarms: the share of human reference pairs (PUD, WMT21, WMT22, WMT21 and WMT22 en-ru in
   benchmarks/data; the test half of each, ``--half dev`` for the half the rules are tuned on)
   flagged, per kind and in total. A reference counts as correct; the flags it draws are
   listed with ``--show-flags``, and each flagged reference is judged by hand in
   ``benchmarks/data/fidelity_reference_errors.tsv``: a real error of the reference (a figure
   changed, a name or a figure left out), a translator's liberty (CO2 rendered as carbon), or
   a mistake of the checker.
2. Detection: each reference is corrupted the ways machine translation goes wrong (a digit
   changed, a number dropped, two digits swapped, a decimal point or a thousands multiplier
   shifted, a URL altered, a Latin name dropped, a phrase looped, a clause left in Russian),
   one corruption of each applicable kind per pair, seeded; the share of corrupted pairs each
   checker flags. The data holds only two pairs with an address, so URL corruptions also run
   on pairs that get the same real address appended to both sides.
3. The same two figures for the anchors, on the same pairs: translate-toolkit's pofilter
   ``numbers``, OpusFilter's ``NonZeroNumeralsFilter``, OpusCleaner's ``num_mismatch`` and
   bicleaner-hardrules' ``no_number_inconsistencies`` (each imported from its installed
   package; bicleaner-hardrules imports the spell checker and language model of its other
   rules at the top of its module, which are stubbed out here since the number rule uses
   neither). And the pairs each checks per second.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import random
import re
import sys
import time
import types
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ruen
from ruen.evaluation import read_tsv
from ruen.fidelity import KINDS, check

DATA = Path(__file__).resolve().parent / "data"
SETS = {
    "PUD": "pud_ru_en.tsv",
    "WMT21": "wmt21_newstest2021_ruen.tsv",
    "WMT22": "wmt22_generaltest2022_ruen.tsv",
    "WMT21 en-ru": "wmt21_newstest2021_enru.tsv",
    "WMT22 en-ru": "wmt22_generaltest2022_enru.tsv",
}
JUDGED = "fidelity_reference_errors.tsv"
SEED = 2026
# Addresses that occur in the data, and official sites: appended to both sides of some pairs,
# so that there is something to corrupt.
ADDRESSES = (
    "https://премияарсеньева.рф/",
    "стопкоронавирус.рф",
    "str@krd.ru",
    "https://mpt.gov.by/ru/news",
    "http://publication.pravo.gov.ru/Document/View/0001202012290001",
    "https://www.un.org/development/desa/publications/",
    "https://publicadministration.un.org/egovkb/en-us/Reports/UN-E-Government-Survey-2020",
    "press@mpt.gov.by",
)

# --- corruptions ---------------------------------------------------------------------------------

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MULTIPLIERS = ["thousand", "million", "billion", "trillion"]


def digit(en: str, rng: random.Random) -> str | None:
    """One digit of a number changed."""
    spots = [m.start() for m in re.finditer(r"\d", en)]
    if not spots:
        return None
    i = rng.choice(spots)
    new = rng.choice([d for d in "0123456789" if d != en[i]])
    return en[:i] + new + en[i + 1 :]


def drop_number(en: str, rng: random.Random) -> str | None:
    """One number left out."""
    found = list(NUMBER.finditer(en))
    if not found:
        return None
    m = rng.choice(found)
    return re.sub(r"\s{2,}", " ", en[: m.start()] + en[m.end() :]).strip()


def swap_digits(en: str, rng: random.Random) -> str | None:
    """Two neighbouring, different digits swapped: 2019 becomes 2091."""
    spots = [m.start() for m in re.finditer(r"(?=(\d)(?!\1)\d)", en)]
    if not spots:
        return None
    i = rng.choice(spots)
    return en[:i] + en[i + 1] + en[i] + en[i + 2 :]


def shift(en: str, rng: random.Random) -> str | None:
    """A decimal point moved by one place, or a multiplier one step up or down."""
    options = []
    for m in re.finditer(r"(?<![\d,.])(\d+)\.(\d+)(?![\d,.])", en):
        whole, fraction = m.groups()
        if len(fraction) > 1:
            options.append((m.start(), m.end(), f"{whole}{fraction[0]}.{fraction[1:]}"))
        elif whole != "0":
            options.append((m.start(), m.end(), f"{whole}{fraction}"))
        if len(whole) > 1:
            options.append((m.start(), m.end(), f"{whole[:-1]}.{whole[-1]}{fraction}"))
    for m in re.finditer(r"\b(thousand|million|billion|trillion)\b", en):
        i = MULTIPLIERS.index(m.group())
        new = MULTIPLIERS[i + 1] if i + 1 < len(MULTIPLIERS) else MULTIPLIERS[i - 1]
        options.append((m.start(), m.end(), new))
    for m in re.finditer(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d.])", en):
        options.append((m.start(), m.end(), m.group() + ",000"))
    if not options:
        return None
    start, stop, new = rng.choice(options)
    return en[:start] + new + en[stop:]


def alter_url(en: str, rng: random.Random) -> str | None:
    """An address with one character changed, dropped, or a space put in."""
    spans = [span for group in ruen.fidelity.addresses.links(en) for span in group]
    if not spans:
        return None
    start, stop = rng.choice(spans)
    url = en[start:stop]
    i = rng.randrange(1, len(url) - 1)
    how = rng.choice(("change", "drop", "space"))
    if how == "change":
        pool = "abcdefghijklmnopqrstuvwxyz0123456789"
        new = url[:i] + rng.choice([c for c in pool if c != url[i].lower()]) + url[i + 1 :]
    elif how == "drop":
        new = url[:i] + url[i + 1 :]
    else:
        new = url[:i] + " " + url[i:]
    return en[:start] + new + en[stop:]


LATIN = re.compile(r"(?<![\w])[A-Za-z][A-Za-z0-9&'.-]*[A-Za-z0-9](?![\w])")


def drop_name(en: str, rng: random.Random, ru: str) -> str | None:
    """A Latin-script name of the Russian left out of the English."""
    names = {m.group() for m in LATIN.finditer(ru) if len(m.group()) > 1}
    found = [m for m in LATIN.finditer(en) if m.group() in names]
    if not found:
        return None
    m = rng.choice(found)
    return re.sub(r"\s{2,}", " ", en[: m.start()] + en[m.end() :]).strip()


def loop(en: str, rng: random.Random) -> str | None:
    """A phrase of one to four words repeated as a looping decoder repeats it."""
    words = list(re.finditer(r"[A-Za-z]+(?:'[a-z]+)?", en))
    if len(words) < 4:
        return None
    n = rng.randint(1, 4)
    i = rng.randrange(0, len(words) - n + 1)
    start, stop = words[i].start(), words[i + n - 1].end()
    phrase = en[start:stop]
    times = rng.randint(2, 4)
    return en[:stop] + (" " + phrase) * times + en[stop:]


def leave_russian(en: str, rng: random.Random, ru: str) -> str | None:
    """One clause of the English replaced by a clause of the Russian."""
    ru_clauses = [c.strip() for c in re.split(r"[,;:]", ru) if len(c.split()) >= 2]
    if not ru_clauses:
        return None
    en_clauses = re.split(r"(?<=[,;:])\s+", en)
    i = rng.randrange(len(en_clauses))
    en_clauses[i] = rng.choice(ru_clauses)
    return " ".join(en_clauses)


CORRUPTIONS: dict[str, Callable[..., str | None]] = {
    "digit changed": digit,
    "number dropped": drop_number,
    "digits swapped": swap_digits,
    "point or multiplier shifted": shift,
    "URL altered": alter_url,
    "Latin name dropped": drop_name,
    "phrase looped": loop,
    "clause left in Russian": leave_russian,
}
NEEDS_RUSSIAN = {drop_name, leave_russian}


def corrupted_pairs(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """(corruption, ru, clean en, corrupted en) for each applicable corruption of each pair."""
    out = []
    for n, (_, ru, en) in enumerate(pairs):
        for name, corrupt in CORRUPTIONS.items():
            rng = random.Random(f"{SEED}:{n}:{name}")
            bad = corrupt(en, rng, ru) if corrupt in NEEDS_RUSSIAN else corrupt(en, rng)
            if bad is not None and bad != en:
                out.append((name, ru, en, bad))
    return out


def with_addresses(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Every 20th pair with one real address appended to both sides."""
    out = []
    for n, (name, ru, en) in enumerate(pairs[::20]):
        address = ADDRESSES[n % len(ADDRESSES)]
        out.append((name, f"{ru} Подробнее: {address}", f"{en} More: {address}"))
    return out


# --- the anchors -------------------------------------------------------------------------------


def anchors() -> dict[str, tuple[str, Callable[[str, str], bool]]]:
    """Name: (version, flags(ru, en)) for each anchor installed."""
    found = {}
    try:
        from translate.filters import checks

        checker = checks.StandardChecker()

        def pofilter(ru: str, en: str) -> bool:
            try:
                return not checker.numbers(ru, en)
            except checks.FilterFailure:
                return True

        found["pofilter numbers"] = (importlib.metadata.version("translate-toolkit"), pofilter)
    except ImportError:
        pass
    try:
        from opusfilter.filters import NonZeroNumeralsFilter

        numerals = NonZeroNumeralsFilter()

        def opusfilter(ru: str, en: str) -> bool:
            return not numerals.accept(next(numerals.score([(ru, en)])))

        found["OpusFilter NonZeroNumerals"] = (importlib.metadata.version("opusfilter"), opusfilter)
    except ImportError:
        pass
    try:
        from opuscleaner.filters.num_mismatch import filter_numerical_mismatch

        def opuscleaner(ru: str, en: str) -> bool:
            out = io.StringIO()
            filter_numerical_mismatch(io.StringIO(f"{ru}\t{en}\n"), out, 1.0)
            return not out.getvalue()

        found["OpusCleaner num_mismatch"] = (
            importlib.metadata.version("opuscleaner"),
            opuscleaner,
        )
    except ImportError:
        pass
    try:
        for stub in ("fastspell", "kenlm"):  # imported by other rules of the module, unused here
            if stub not in sys.modules:
                module = types.ModuleType(stub)
                module.FastSpell = object  # type: ignore[attr-defined]
                sys.modules[stub] = module
        from hardrules.hardrules import Hardrules

        def bicleaner(ru: str, en: str) -> bool:
            return not Hardrules.c_no_number_inconsistencies(None, ru, en)

        found["bicleaner-hardrules numbers"] = (
            importlib.metadata.version("bicleaner-hardrules"),
            bicleaner,
        )
    except ImportError:
        pass
    return found


# --- the run -------------------------------------------------------------------------------------


def load(data: Path, which: str) -> list[tuple[str, str, str]]:
    """(set, ru, en) of the ``which`` half of every set (benchmarks/halves.py)."""
    from halves import half

    pairs = []
    for name, file in SETS.items():
        for row in read_tsv(data / file):
            if half(name, next(iter(row.values()))) == which:
                pairs.append((name, row["ru"], row["en"]))
    return pairs


def judgements(data: Path) -> dict[tuple[str, str], str]:
    """(set, English): the verdict given by hand on a flagged reference pair."""
    path = data / JUDGED
    if not path.is_file():
        return {}
    return {(row["set"], row["en"]): row["verdict"] for row in read_tsv(path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show-flags", action="store_true", help="list every flagged reference")
    parser.add_argument(
        "--half", choices=("dev", "test"), default="test",
        help="which half of each set (benchmarks/halves.py): the test half is what is reported",
    )  # fmt: skip
    args = parser.parse_args()

    pairs = load(args.data, args.half)
    systems: dict[str, tuple[str, Callable[[str, str], bool]]] = {
        "ruen": (ruen.__version__, lambda ru, en: bool(check(ru, en)))
    }
    systems.update(anchors())

    # 1. False alarms on the references, and speed.
    flagged: dict[str, list[bool]] = {}
    speed: dict[str, float] = {}
    for name, (_, flags) in systems.items():
        started = time.perf_counter()
        flagged[name] = [flags(ru, en) for _, ru, en in pairs]
        speed[name] = len(pairs) / (time.perf_counter() - started)
    ruen_flags = [check(ru, en) for _, ru, en in pairs]
    per_set: dict[str, Counter] = defaultdict(Counter)
    kinds: Counter = Counter()
    for (set_name, _, _), flags in zip(pairs, ruen_flags):
        per_set[set_name]["pairs"] += 1
        per_set[set_name]["flagged"] += bool(flags)
        for kind in {flag.kind for flag in flags}:
            kinds[kind] += 1
            per_set[set_name][kind] += 1
    judged = judgements(args.data)
    flagged_refs = [(p, f) for p, f in zip(pairs, ruen_flags) if f]
    verdicts = Counter(judged.get((s, en), "not judged") for (s, _, en), _ in flagged_refs)

    # 2. Detection of corruptions.
    corrupted = corrupted_pairs(pairs) + corrupted_pairs(with_addresses(pairs))
    corrupted = [c for c in corrupted if c[0] != "URL altered" or c[2] != c[3]]
    caught: dict[str, Counter] = {name: Counter() for name in systems}
    new_flag: Counter = Counter()
    totals: Counter = Counter()
    for corruption, ru, en, bad in corrupted:
        totals[corruption] += 1
        for name, (_, flags) in systems.items():
            caught[name][corruption] += flags(ru, bad)
        before = {(f.kind, f.source, f.target) for f in check(ru, en)}
        new_flag[corruption] += any(
            (f.kind, f.source, f.target) not in before for f in check(ru, bad)
        )

    n = len(pairs)
    print(f"{n} reference pairs: " + ", ".join(f"{s} {c['pairs']}" for s, c in per_set.items()))
    print("\n### False alarms of ruen on human references, by kind (share of pairs)\n")
    print("| kind | " + " | ".join(per_set) + " | all |")
    print("|---|" + "---|" * (len(per_set) + 1))
    for kind in (*KINDS, "flagged"):
        cells = [f"{100 * c[kind] / c['pairs']:.2f} %" for c in per_set.values()]
        total = sum(c[kind] for c in per_set.values())
        print(f"| {kind} | " + " | ".join(cells) + f" | {100 * total / n:.2f} % |")
    print(
        f"\n{len(flagged_refs)} flagged references, judged by hand ({JUDGED}): "
        f"{verdicts['error']} real errors of the reference, {verdicts['liberty']} liberties "
        f"of the translator, {verdicts['checker']} mistakes of the checker"
        + (f", {verdicts['not judged']} not judged" if verdicts["not judged"] else "")
        + "."
    )

    print("\n### ruen against the anchors\n")
    header = ["checker", "false alarms", *totals, "all corruptions", "mean of kinds", "pairs/s"]
    print("| " + " | ".join(header) + " |")
    print("|---" * len(header) + "|")
    count = sum(totals.values())
    print(
        "| corrupted pairs | | " + " | ".join(str(totals[c]) for c in totals) + f" | {count} | | |"
    )
    table = []
    for name, (version, _) in [*systems.items(), ("ruen, a new flag", ("", None))]:
        hits = new_flag if name == "ruen, a new flag" else caught[name]
        rates = [100 * hits[c] / totals[c] for c in totals]
        overall = 100 * sum(hits.values()) / count
        false = f"{100 * sum(flagged[name]) / n:.2f} %" if name in flagged else ""
        pace = f"{speed[name]:,.0f}" if name in speed else ""
        print(
            f"| {name} {version} | {false} | "
            + " | ".join(f"{r:.1f} %" for r in rates)
            + f" | {overall:.1f} % | {sum(rates) / len(rates):.1f} % | {pace} |"
        )
        table.append(
            [f"{name} {version}".strip(),
             round(100 * sum(flagged[name]) / n, 2) if name in flagged else None,
             *[round(r, 1) for r in rates], round(overall, 1), round(sum(rates) / len(rates), 1),
             round(speed[name]) if name in speed else None]
        )  # fmt: skip
    number_kinds = [c for c in totals if c in list(CORRUPTIONS)[:4]]
    numbers_total = sum(totals[c] for c in number_kinds)
    print("\nOn the four number corruptions alone (detection at false alarms):")
    for name in systems:
        got = sum(caught[name][c] for c in number_kinds)
        false = 100 * sum(flagged[name]) / n
        print(f"  {name}: {100 * got / numbers_total:.1f} % at {false:.2f} %")
    number_false = 100 * sum(1 for f in ruen_flags if any(x.kind == "number" for x in f)) / n
    print(
        f"\nTargets: total false alarms {100 * sum(flagged['ruen']) / n:.2f} % (<= 1.5 %), "
        f"number false alarms {number_false:.2f} % (<= 1 %), detection "
        f"{100 * sum(caught['ruen'].values()) / count:.1f} % (>= 97 %), "
        f"{speed['ruen']:,.0f} pairs/s (>= 5,000)"
    )
    sets = "pud+wmt21+wmt22+wmt21enru+wmt22enru"
    signature = f"data:{sets}|half:{args.half}|seed:{SEED}|ruen:{ruen.__version__}|"
    signature += "|".join(
        f"{name.split()[0]}:{version}" for name, (version, _) in list(systems.items())[1:]
    )
    print(f"\nsignature: {signature}")
    from results import save

    save(
        "fidelity",
        "Corruptions caught and false alarms on human references",
        ["checker", "false alarms %", *[f"{c} %" for c in totals], "all corruptions %",
         "mean of kinds %", "pairs/s"],
        table,
        signature=signature,
        command="python benchmarks/fidelity.py" + ("" if args.half == "test" else " --half dev"),
        pairs=n,
        corruptions=count,
    )  # fmt: skip
    by_kind = [
        [kind, *[round(100 * c[kind] / c["pairs"], 2) for c in per_set.values()],
         round(100 * sum(c[kind] for c in per_set.values()) / n, 2)]
        for kind in (*KINDS, "flagged")
    ]  # fmt: skip
    save(
        "fidelity_by_kind",
        "False alarms of ruen on human references, by kind (% of pairs)",
        ["kind", *[f"{name} %" for name in per_set], "all %"],
        by_kind,
        signature=signature,
        command="python benchmarks/fidelity.py" + ("" if args.half == "test" else " --half dev"),
        pairs=n,
    )  # fmt: skip
    if args.show_flags:
        for (set_name, ru, en), flags in flagged_refs:
            verdict = judged.get((set_name, en), "not judged")
            print(f"\n[{set_name}, {verdict}]\nRU: {ru}\nEN: {en}")
            for flag in flags:
                print(f"  ! {flag.kind}: {flag.message}")


if __name__ == "__main__":
    main()

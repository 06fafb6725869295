"""README's and the home page's headline figures, read from the JSON each benchmark saved
(``docs/pages/benchmarks/*.json``, with the signature and command that reproduce it), and
written between the ``<!-- headline -->`` markers of README.md, docs/pages/index.md and the
Benchmarks page.

Why generated: figures typed by hand drift from the runs they came from (README once quoted a
speed no saved run held). ``tests/test_docs.py`` fails when either file differs from what this
script writes from the JSON, so a figure changes only with a run that measured it.

    python benchmarks/headline.py          # rewrite both files
    python benchmarks/headline.py --check  # exit 1 where either differs
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "pages" / "benchmarks"
TARGETS = (
    ROOT / "README.md",
    ROOT / "docs" / "pages" / "index.md",
    ROOT / "docs" / "pages" / "benchmarks.md",
)
START, END = "<!-- headline: start -->", "<!-- headline: end -->"


def result(name: str) -> dict[str, Any]:
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run the benchmark that writes it first")
    return json.loads(path.read_text(encoding="utf-8"))


def row(data: dict[str, Any], first: str) -> dict[str, Any]:
    """The row whose first cell starts with ``first``, as {column: value}."""
    for values in data["rows"]:
        if str(values[0]).startswith(first):
            return dict(zip(data["columns"], values))
    raise SystemExit(f"{data['name']}.json has no row {first!r}")


def _splitting() -> tuple[str, str]:
    data = result("segmentation")
    # The strongest baseline: of every splitter but ruen, the best mean F1.
    rows = [dict(zip(data["columns"], values)) for values in data["rows"]]
    others = max((r for r in rows if r["splitter"] != "ruen"), key=lambda r: r["mean F1"])
    return f"{row(data, 'ruen')['mean F1']}", f"{others['splitter']} {others['mean F1']}"


def _speed() -> tuple[str, str]:
    data = result("translate_speed")
    ruen, naive, batched = row(data, "ruen-ct2"), row(data, "naive"), row(data, "hf-batch32")
    times = ruen["beam 4"] / naive["beam 4"]
    return f"{ruen['beam 4']} ({times:.0f}× naive)", f"transformers batched {batched['beam 4']}"


def _first_command() -> tuple[str, str]:
    data = result("first_command")
    now, before = row(data, "now"), row(data, "before")
    return (
        f"{now['seconds']} / {now['peak MB']:,}",
        f"transformers {before['seconds']} / {before['peak MB']:,}",
    )


def _fidelity() -> tuple[str, str]:
    data = result("fidelity")
    ruen, pofilter = row(data, "ruen"), row(data, "pofilter")
    return (
        f"{ruen['all corruptions %']} % / {ruen['false alarms %']} %",
        f"pofilter numbers {pofilter['all corruptions %']} % / {pofilter['false alarms %']} %",
    )


def _summaries() -> tuple[str, str]:
    data = result("summarization")
    return f"{row(data, 'ruen')['R2']}", f"sumy TextRank {row(data, 'sumy-textrank')['R2']}"


def _reprints() -> tuple[str, str]:
    shipped = result("stories")["shipped"]
    return f"{shipped['reprints_found']} % / {shipped['false_merges']}", ""


def _same_story() -> tuple[str, str]:
    data = result("same_story")
    ruen, baseline = row(data, "ruen"), row(data, "baseline")
    return (
        f"{ruen['precision']:.2f} / {ruen['F1']:.2f}",
        f"char TF-IDF {baseline['precision']:.2f} / {baseline['F1']:.2f}; targets 0.92 / 0.90",
    )


def _names() -> tuple[str, str]:
    data = result("names")
    # The test halves: the rules were tuned on the dev halves only (benchmarks/halves.py).
    ruen, natasha = row(data, "pymorphy3 (ruen) · test"), row(data, "natasha NER · test")
    cost = data.get("cost")
    figures = f"{ruen['caught %']} % / {ruen['false alarms %']} %"
    if cost:
        figures += f"; {cost['ratio']}×"
    return figures, f"natasha NER {natasha['caught %']} % / {natasha['false alarms %']} %"


def _follow() -> tuple[str, str]:
    data = result("follow")
    first, second = row(data, "first"), row(data, "second")
    share = 100 * second["seconds"] / first["seconds"]
    return f"{first['peak MB']}; {share:.1f} % of the time", "targets 500; 5 %"


def _long_notes() -> tuple[str, str]:
    data = result("long_notes")
    notes = str(data["rows"][-1][0]).removesuffix(" notes")
    return f"{data['peak_mb']} MB peak over {notes} notes", "target 500 MB"


def _glossary() -> tuple[str, str]:
    data = result("glossary")
    cost = (data.get("documents") or {}).get("ratio")
    alarms = data["false_alarms"]["ru-gov"]
    return (f"{cost}×; " if cost else "") + f"{alarms} %", "targets 1.3×; 2 %"


ROWS: list[tuple[str, Callable[[], tuple[str, str]]]] = [
    ("Russian sentence splitting, mean exact-sentence F1 on 4 UD sets", _splitting),
    ("translation speed, beam 4, sentences/s (opus-mt-ru-en's size, CPU)", _speed),
    ("README's first command, seconds / peak MB", _first_command),
    ("fidelity check: corruptions caught / false alarms", _fidelity),
    ("summaries, ROUGE-2 on BBC News", _summaries),
    ("each story once: reprints found / false merges", _reprints),
    ("one story across outlets: precision / F1 (nested cross-validation)", _same_story),
    ("people and places: corruptions caught / false alarms; digest time with them", _names),
    ("`ruen follow`, 1,000 new pages: peak MB; the next run, nothing new", _follow),
    ("memory, notes through `digest_many`, every sentence repaired", _long_notes),
    ("glossary: cost on the benchmark documents; check's false alarms (ru-gov)", _glossary),
]


# What the speed and memory rows measure, said under the table: no real weights here.
NOTE = (
    "Speed, time and memory: a model of opus-mt-ru-en's size with random weights (no real "
    "weights can be downloaded where these run), exactly 30 output tokens forced so that every "
    "system does the same work, on a shared 2-core CPU; README's first command is timed on a "
    "model already converted to CTranslate2 (the first run converts it once, shown apart on "
    "the Benchmarks page). Ratios are measured side by side in one run."
)


def table() -> str:
    lines = ["| what | ruen | baseline or target |", "|---|---|---|"]
    for label, figures in ROWS:
        ours, theirs = figures()
        lines.append(f"| {label} | {ours} | {theirs} |")
    return "\n".join(lines) + f"\n\n{NOTE}"


def rewritten(text: str, body: str) -> str:
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"no {START} ... {END} markers")
    return pattern.sub(lambda _: f"{START}\n{body}\n{END}", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether they differ")
    args = parser.parse_args()
    body = table()
    stale = []
    for target in TARGETS:
        text = target.read_text(encoding="utf-8")
        new = rewritten(text, body)
        if new != text:
            stale.append(target)
            if not args.check:
                target.write_text(new, encoding="utf-8")
    for target in stale:
        print(f"{target.relative_to(ROOT)}: {'differs' if args.check else 'rewritten'}")
    sys.exit(1 if args.check and stale else 0)


if __name__ == "__main__":
    main()

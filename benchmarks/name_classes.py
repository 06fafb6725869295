"""Written checks of classes of names: does ``ruen.check`` accept the usual English spelling of
a foreign person or place, in the Russian case a sentence puts it in?

    pip install -e ".[bench,names]"
    python benchmarks/name_classes.py [--show]

``benchmarks/data/name_classes.tsv`` holds about 1,500 names by class (places in -ия and foreign
towns in the prepositional, well-known people in the genitive, English, European and other
surnames, English-speaking places and people in the news in the nominative), each with its usual
English spelling, written for ruen from the standard Russian transcriptions. Each goes into one
sentence of its class, Russian and English, and counts as accepted when the English draws no
``name`` flag. Beside ruen: the ten-line baseline of ``names.py`` (a name is there when some
English word begins with the first four letters of its transliteration).

What it is not: a held-out figure. The rules of sounds and exonyms were written while reading
these lists (they cover classes, not the lists' names: see the fidelity page), so the figure
says what the classes look like now; ``names.py`` measures on references nobody tuned for.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ruen
from names import baseline_flags
from results import save
from ruen.fidelity.checks import check_names
from ruen.names.check import check_people_places

DATA = Path(__file__).resolve().parent / "data" / "name_classes.tsv"
# The sentence each class puts its names in: Russian, English.
SENTENCES = {
    "places, prepositional": ("Он долго жил в {} и работал там.",
                              "He lived in {} for a long time and worked there."),
    "towns, prepositional": ("Переговоры прошли в {} на прошлой неделе.",
                             "The talks were held in {} last week."),
    "people, genitive": ("Об этом говорится в заявлении {}, опубликованном вчера.",
                         "This is stated in the statement by {} published yesterday."),
    "English-speaking places, nominative": ("Вчера {} встретил гостей.",
                                            "Yesterday {} welcomed guests."),
}  # fmt: skip
NOMINATIVE = ("Об этом заявил {} журналистам.", "{} told reporters about it.")


def rows() -> list[tuple[str, str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [(r["class"], r["ru"], r["en"]) for r in csv.DictReader(lines, delimiter="\t")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list the names ruen flags")
    args = parser.parse_args()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, ru, en in rows():
        russian, english = SENTENCES.get(kind, NOMINATIVE)
        source, target = russian.format(ru), english.format(en)
        flagged = check_people_places(source, target) + check_names(source, target)
        tally[kind][0] += not flagged
        tally[kind][1] += not baseline_flags(source, target)
        tally[kind][2] += 1
        if flagged and args.show:
            print(f"{kind}: {ru} / {en}: {flagged[0].message}")
    total = [sum(counts[i] for counts in tally.values()) for i in range(3)]
    table = [
        [kind, count, round(100 * ours / count, 1), round(100 * baseline / count, 1)]
        for kind, (ours, baseline, count) in [*tally.items(), ("all", total)]
    ]
    columns = ["class", "names", "ruen accepts %", "baseline accepts %"]
    print("| " + " | ".join(columns) + " |\n|---|---:|---:|---:|")
    for row in table:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    save("name_classes", "Written checks of classes of names: the usual English accepted",
         columns, table, signature=f"ruen:{ruen.__version__}|names:{total[2]}",
         command="python benchmarks/name_classes.py")  # fmt: skip


if __name__ == "__main__":
    main()

"""Act numbers split from their reference: on the official acts of tests/data/acts as kremlin.ru
serves them, and with each paragraph joined and wrapped again at 50 and 72 columns with one to
three spaces between words (seeded), the sentences that begin with an act's number ("N 169-ФЗ
...": cut from its "г."), for ruen and razdel called per paragraph.

    python benchmarks/act_numbers.py
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import razdel

import ruen
from ruen.splitting import paragraphs

ACTS = sorted((Path(__file__).resolve().parent.parent / "tests" / "data" / "acts").glob("*.txt"))
NUMBER_FIRST = re.compile(r"(?:N|№)\s*\d")


def wrap(text: str, width: int, rng: random.Random) -> str:
    lines, line = [], ""
    for word in text.split():
        gap = " " * rng.randint(1, 3)
        if line and len(line) + len(gap) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = line + gap + word if line else word
    return "\n".join([*lines, line])


def layouts(text: str, rng: random.Random) -> dict[str, str]:
    found = {"as served": text}
    for width in (50, 72):
        found[f"re-wrapped at {width}"] = "\n\n".join(
            wrap(" ".join(text[a:b].split()), width, rng) for a, b in paragraphs(text)
        )
    return found


def razdel_para(text: str) -> list[str]:
    return [s.text for a, b in paragraphs(text) for s in razdel.sentenize(text[a:b])]


def main() -> None:
    print("| splitter | layout | sentences beginning with an act number | sentences |")
    print("|---|---|---|---|")
    for name, split in (("ruen", ruen.split_sentences), ("razdel-para", razdel_para)):
        totals: dict[str, list[int]] = {}
        for path in ACTS:
            text = ruen.read_document(path).text
            for label, laid in layouts(text, random.Random(path.stem)).items():
                sentences = split(laid)
                cut = sum(bool(NUMBER_FIRST.match(s.strip())) for s in sentences)
                total = totals.setdefault(label, [0, 0])
                total[0] += cut
                total[1] += len(sentences)
        for label, (cut, count) in totals.items():
            print(f"| {name} | {label} | {cut} | {count} |")
    print(f"\n{len(ACTS)} acts; signature: ruen:{ruen.__version__}|razdel:0.5.0|seed:act-name")


if __name__ == "__main__":
    main()

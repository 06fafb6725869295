"""How ``src/ruen/glossary/data/states.tsv`` was built (kept so that anyone can rebuild it).

    pip install babel pymorphy3
    python benchmarks/data/build_states.py > src/ruen/glossary/data/states.tsv

Every country and territory that the Unicode CLDR names in Russian (through Babel's copy of
it), Russia and Belarus left out (the shipped glossaries' own states), with the longer and
older names Russian news also uses added by us (``ours``: "Соединенные Штаты Америки",
"Северная Корея", "Молдавия"); each in its six cases, inflected word by word by pymorphy3
(the adjectives agreeing with their noun). Names pymorphy3 does not know stay as written in
every case (they do not decline: Того, Фасо, Сан-Марино).
"""

from __future__ import annotations

import re

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
LEFT_OUT = {"RU", "BY", "EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ"}
OURS = {
    "US": ["Соединенные Штаты Америки", "США", "Америка", "Штаты"],
    "GB": ["Соединенное Королевство", "Британия", "Англия", "Шотландия", "Уэльс"],
    "KP": ["Северная Корея"],
    "KR": ["Южная Корея", "Корея"],
    "AE": ["Объединенные Арабские Эмираты", "Эмираты"],
    "CD": ["Демократическая Республика Конго", "ДРК"],
    "CG": ["Республика Конго"],
    "CZ": ["Чешская Республика"],
    "MD": ["Молдавия", "Молдова"],
    "KG": ["Киргизия", "Кыргызстан"],
    "PS": ["Палестина"],
    "MK": ["Македония"],
    "MM": ["Бирма"],
    "CI": ["Кот-д'Ивуар"],
    "SZ": ["Свазиленд"],
    "NL": ["Голландия"],
    "DE": ["ФРГ"],
    "CN": ["КНР"],
    "VA": ["Святой Престол"],
}


def names() -> list[tuple[str, str, str]]:
    from babel import Locale

    found = []
    for code, name in sorted(Locale("ru").territories.items()):
        if len(code) != 2 or not code.isalpha() or code in LEFT_OUT:
            continue
        if re.search(r"\bо-ва?\b", name):
            continue  # "Кокосовые о-ва": an abbreviation, written out in no text
        name = re.sub(r"\s*\(.*?\)", "", name)  # "Гонконг (САР)"
        name = name.split(" - ")[0]  # "Конго - Киншаса"
        found.append((code, "cldr", name))
        found += [(code, "ours", extra) for extra in OURS.get(code, [])]
    return found


def inflected(name: str, morph) -> list[str]:
    words = name.split()
    if len(words) == 1 and name.isupper():
        return [name] * len(CASES)  # an abbreviation: США, КНДР
    parses = []
    for word in words:
        options = [p for p in morph.parse(word) if "nomn" in p.tag and
                   p.tag.POS in ("NOUN", "ADJF", "PRTF") and word[:1].isupper()]  # fmt: skip
        geo = [p for p in options if "Geox" in p.tag or "Sgtm" in p.tag or "Pltm" in p.tag]
        parses.append((geo or options or [None])[0])
    forms = []
    for case in CASES:
        out = []
        for word, parse in zip(words, parses):
            grammemes = {case}
            if parse is not None and case == "accs" and parse.tag.POS != "NOUN":
                # A state's name: "Соединенные Штаты", never -ых; the word's gender kept.
                grammemes |= {"inan"} | {g for g in (parse.tag.number, parse.tag.gender) if g}
            form = parse.inflect(grammemes) if parse is not None else None
            if form is None and parse is not None:
                form = parse.inflect(grammemes - {"inan"})
            if form is None or case == "nomn":
                out.append(word)
                continue
            # The written word's capitals, part by part ("Кот-д’Ивуар": Кот-д’Ивуара).
            parts = form.word.split("-")
            old = word.split("-")
            if len(parts) == len(old):
                parts = [_capitals(o, n) for o, n in zip(old, parts)]
            out.append("-".join(parts))
        forms.append(" ".join(out))
    return forms


def _capitals(written: str, form: str) -> str:
    """``form`` with the capital letters of ``written`` where their places agree."""
    return "".join(n.upper() if i < len(written) and written[i].isupper() else n
                   for i, n in enumerate(form))  # fmt: skip


def main() -> None:
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    print(
        "# Countries and territories in Russian, each in six cases (nominative, genitive, dative,"
    )
    print(
        "# accusative, instrumental, prepositional). Built by benchmarks/data/build_states.py from"
    )
    print(
        "# the Unicode CLDR's Russian names (Unicode licence; source 'cldr') and names Russian news"
    )
    print("# also uses (source 'ours'); inflected by pymorphy3.")
    print("code\tsource\t" + "\t".join(CASES))
    for code, source, name in names():
        print("\t".join([code, source, *inflected(name, morph)]))


if __name__ == "__main__":
    main()

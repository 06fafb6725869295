"""Numbers as Russian and English write them: the word lists, and the values of written forms.

Data and small pure functions, in the manner of ``abbreviations.py``: month names, number words
in every case form ("двух", "восьмидесяти", "twenty"), the numerals that open compound words
("двухмесячный"), and the values of digit strings in either language's writing ("5,8" and
"5.8", "1 000" and "1,000", "XX"). ``figures.py`` finds the figures in a text with them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# --- word lists -----------------------------------------------------------------------------------

_RU_MONTH_FORMS = {
    1: "январь января январе январю январем январём",
    2: "февраль февраля феврале февралю февралем февралём",
    3: "март марта марте марту мартом",
    4: "апрель апреля апреле апрелю апрелем",
    5: "май мая мае маю маем",
    6: "июнь июня июне июню июнем",
    7: "июль июля июле июлю июлем",
    8: "август августа августе августу августом",
    9: "сентябрь сентября сентябре сентябрю сентябрем сентябрём",
    10: "октябрь октября октябре октябрю октябрем октябрём",
    11: "ноябрь ноября ноябре ноябрю ноябрем ноябрём",
    12: "декабрь декабря декабре декабрю декабрем декабрём",
}
RU_MONTHS = {form: m for m, forms in _RU_MONTH_FORMS.items() for form in forms.split()}
_EN_MONTH_FORMS = {
    1: "January Jan",
    2: "February Feb",
    3: "March Mar",
    4: "April Apr",
    5: "May",
    6: "June Jun",
    7: "July Jul",
    8: "August Aug",
    9: "September Sep Sept",
    10: "October Oct",
    11: "November Nov",
    12: "December Dec",
}
EN_MONTHS = {form: m for m, forms in _EN_MONTH_FORMS.items() for form in forms.split()}

# Number words, every form to its value. Russian forms are listed whole, because stems collide
# ("семь" and "семья"); ordinals are stems with adjective endings.
_RU_CARDINALS = {
    0: "ноль нуль ноля нуля нолю нулю",
    1: "один одна одно одного одной одному одним одном одну",
    2: "два две двух двум двумя",
    3: "три трех трёх трем трём тремя",
    4: "четыре четырех четырёх четырем четырём четырьмя",
    5: "пять пяти пятью",
    6: "шесть шести шестью",
    7: "семь семи",
    8: "восемь восьми восемью восьмью",
    9: "девять девяти девятью",
    10: "десять десяти десятью",
    11: "одиннадцать одиннадцати",
    12: "двенадцать двенадцати дюжина дюжины дюжину",
    13: "тринадцать тринадцати",
    14: "четырнадцать четырнадцати",
    15: "пятнадцать пятнадцати",
    16: "шестнадцать шестнадцати",
    17: "семнадцать семнадцати",
    18: "восемнадцать восемнадцати",
    19: "девятнадцать девятнадцати",
    20: "двадцать двадцати двадцатью",
    30: "тридцать тридцати тридцатью",
    40: "сорок сорока",
    50: "пятьдесят пятидесяти пятьюдесятью",
    60: "шестьдесят шестидесяти шестьюдесятью",
    70: "семьдесят семидесяти семьюдесятью",
    80: "восемьдесят восьмидесяти восемьюдесятью",
    90: "девяносто девяноста",
    24: "сутки суток суткам сутками сутках",  # a day and a night: "за сутки" is "in 24 hours"
    100: "сто ста",
    200: "двести двухсот двумстам двумястами двухстах",
    300: "триста трехсот трёхсот тремстам тремястами трехстах трёхстах",
    400: "четыреста четырехсот четырёхсот четырехстам четырьмястами четырехстах",
    500: "пятьсот пятисот пятистам пятьюстами пятистах",
    600: "шестьсот шестисот шестистам шестьюстами шестистах",
    700: "семьсот семисот семистам семьюстами семистах",
    800: "восемьсот восьмисот восьмистам восемьюстами восьмистах",
    900: "девятьсот девятисот девятистам девятьюстами девятистах",
}
# Numerals that open a compound word ("двухмесячный", "восемнадцатилетняя", "столетие"), and
# what may follow them: a numeral prefix alone would also match "семинар".
_RU_COMPOUND_PREFIXES = {
    "одно": 1,
    "двух": 2,
    "трех": 3,
    "трёх": 3,
    "четырех": 4,
    "четырёх": 4,
    "пяти": 5,
    "шести": 6,
    "семи": 7,
    "восьми": 8,
    "девяти": 9,
    "десяти": 10,
    "одиннадцати": 11,
    "двенадцати": 12,
    "тринадцати": 13,
    "четырнадцати": 14,
    "пятнадцати": 15,
    "шестнадцати": 16,
    "семнадцати": 17,
    "восемнадцати": 18,
    "девятнадцати": 19,
    "двадцати": 20,
    "тридцати": 30,
    "сорока": 40,
    "пятидесяти": 50,
    "шестидесяти": 60,
    "семидесяти": 70,
    "восьмидесяти": 80,
    "девяноста": 90,
    "сто": 100,
    "двухсот": 200,
    "трехсот": 300,
    "трёхсот": 300,
    "пятисот": 500,
    "тысяче": 1000,
}
_RU_COMPOUND_ROOTS = (
    "лет",
    "месяч",
    "днев",
    "час",
    "минут",
    "секунд",
    "недел",
    "годич",
    "кратн",
    "этаж",
    "значн",
    "мест",
    "процент",
    "километр",
    "метр",
    "тонн",
    "литр",
    "серийн",
    "томн",
    "сторон",
    "член",
    "уровнев",
    "ступенч",
    "комнатн",
    "ядерн",
    "звезд",
    "разов",
    "тысячн",
    "миллионн",
    "миллиардн",
)
_COMPOUND_ORDER = sorted(_RU_COMPOUND_PREFIXES, key=len, reverse=True)
_COMPOUND = re.compile(f"(?:{'|'.join(_COMPOUND_ORDER)})+(?:{'|'.join(_RU_COMPOUND_ROOTS)})")


def compound_value(word: str) -> int | None:
    """The number a Russian compound word is built on, or None: "двадцатипятилетний" 25."""
    if not _COMPOUND.match(word):
        return None
    total, rest = 0, word
    while True:
        prefix = next((p for p in _COMPOUND_ORDER if rest.startswith(p)), None)
        if prefix is None:
            break
        total += _RU_COMPOUND_PREFIXES[prefix]
        rest = rest[len(prefix) :]
    return total if total and rest.startswith(_RU_COMPOUND_ROOTS) else None


# Collectives and groups of so many: "двое", "Большая семерка" (the G7), "двадцатка" (the G20).
_RU_COLLECTIVES = {
    2: "двое двоих двойка двойки",
    3: "трое троих тройка тройки тройку",
    4: "четверо четверых",
    5: "пятеро пятерых пятерка пятёрка пятерки пятёрки пятерку пятёрку",
    6: "шестеро шестерых",
    7: "семеро семерых семерка семёрка семерки семёрки семерку семёрку",
    8: "восьмерка восьмёрка восьмерки восьмёрки восьмерку восьмёрку",
    10: "десятка десятки десятку",
    20: "двадцатка двадцатки двадцатку",
    100: "сотня сотни сотню сотен",
}
_RU_SCALES = {
    1000: "тысяча тысячи тысяч тысяче тысячу тысячей тысячам тысячами тысячах",
    10**6: "миллион миллиона миллионов миллиону миллионом миллионе миллионы миллионам "
    "миллионами миллионах",
    10**9: "миллиард миллиарда миллиардов миллиарду миллиардом миллиарде миллиарды "
    "миллиардам миллиардами миллиардах",
    10**12: "триллион триллиона триллионов триллиону триллионом триллионе триллионы "
    "триллионам триллионами триллионах",
}
_RU_ORDINAL_STEMS = {
    "перв": 1,
    "втор": 2,
    "четверт": 4,
    "пят": 5,
    "шест": 6,
    "седьм": 7,
    "восьм": 8,
    "девят": 9,
    "десят": 10,
    "одиннадцат": 11,
    "двенадцат": 12,
    "тринадцат": 13,
    "четырнадцат": 14,
    "пятнадцат": 15,
    "шестнадцат": 16,
    "семнадцат": 17,
    "восемнадцат": 18,
    "девятнадцат": 19,
    "двадцат": 20,
    "тридцат": 30,
    "сороков": 40,
    "пятидесят": 50,
    "шестидесят": 60,
    "семидесят": 70,
    "восьмидесят": 80,
    "девяност": 90,
    "сот": 100,
    "тысячн": 1000,
}
_RU_ADJECTIVE_ENDINGS = (
    "ый ий ой ая яя ое ее ого его ому ему ым им ом ем ую юю ые ие ых их ыми ими ей"
)
_RU_THIRD = "третий третья третье третьего третьему третьим третьем третью третьи третьих третьими"

_EN_CARDINALS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_EN_ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_EN_TENS_ORDINALS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth"
_EN_OTHER = {"dozen": 12, "twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3}
_EN_SCALES = {
    "hundred": 100,
    "hundredth": 100,
    "thousand": 1000,
    "thousandth": 1000,
    "million": 10**6,
    "millionth": 10**6,
    "billion": 10**9,
    "billionth": 10**9,
    "trillion": 10**12,
}

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _ru_words() -> tuple[dict[str, int], dict[str, int]]:
    values: dict[str, int] = {}
    for table in (_RU_CARDINALS, _RU_COLLECTIVES):
        for value, forms in table.items():
            values.update(dict.fromkeys(forms.split(), value))
    values.update(dict.fromkeys(_RU_THIRD.split(), 3))
    values.update(dict.fromkeys(["полтора", "полторы", "полутора"], Decimal("1.5")))
    for stem, value in _RU_ORDINAL_STEMS.items():
        values.update({stem + ending: value for ending in _RU_ADJECTIVE_ENDINGS.split()})
    scales = {form: scale for scale, forms in _RU_SCALES.items() for form in forms.split()}
    return values, scales


def _en_words() -> tuple[dict[str, int], dict[str, int]]:
    values = {word: i for i, word in enumerate(_EN_CARDINALS.split())}
    values.update({word: i for i, word in enumerate(_EN_ORDINALS.split())})
    del values["second"]  # "per second"
    values.update({word: 10 * (i + 2) for i, word in enumerate(_EN_TENS.split())})
    values.update({word: 10 * (i + 2) for i, word in enumerate(_EN_TENS_ORDINALS.split())})
    values.update(_EN_OTHER)
    values["both"] = 2  # "двумя монархиями": "both of his monarchies"
    return values, dict(_EN_SCALES)


SPACES = " \u00a0\u202f\u2009"


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def number_values(raw: str, lang: str) -> frozenset:
    """The values ``raw`` (digits with separators) may stand for in ``lang``'s writing.

    Russian writes ``5,8`` and ``1 000``, English ``5.8`` and ``1,000``; machine output copies
    either, so a form that is ambiguous between the two gets both values.
    """
    for space in SPACES[1:]:
        raw = raw.replace(space, " ")
    values: set = set()
    if " " in raw:  # "1 000 000" or "2 755,5": thousands apart by spaces
        whole, _, fraction = raw.replace(" ", "").partition(",")
        values.add(_decimal(f"{whole}.{fraction}" if fraction else whole))
    elif "," in raw and "." in raw:  # "1,000.5" or "1.000,5": the last mark is the decimal one
        mark, other = (",", ".") if raw.rfind(",") > raw.rfind(".") else (".", ",")
        values.add(_decimal(raw.replace(other, "").replace(mark, ".")))
    elif "," in raw or "." in raw:
        mark = "," if "," in raw else "."
        groups = raw.split(mark)
        thousands = len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])
        if len(groups) == 2:
            english_thousands = lang == "en" and mark == "," and thousands
            if not english_thousands:
                values.add(_decimal(f"{groups[0]}.{groups[1]}"))
            if thousands and groups[0].lstrip("0"):
                values.add(_decimal(groups[0] + groups[1]))
        elif thousands:
            values.add(_decimal("".join(groups)))
        else:  # a version or a code: "1.2.3"
            values.add(("code", "".join(groups)))
    else:
        values.add(_decimal(raw))
    values.discard(None)
    return frozenset(values)


def roman_value(text: str) -> int | None:
    """The value of a well-formed Roman numeral up to 3999, else None."""
    total = 0
    previous = 0
    for char in reversed(text):
        value = ROMAN.get(char)
        if value is None:
            return None
        total += -value if value < previous else value
        previous = max(previous, value)
    if not 0 < total < 4000 or _to_roman(total) != text:
        return None
    return total


def _to_roman(value: int) -> str:
    out = []
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


RU_WORDS, RU_SCALE_WORDS = _ru_words()
# Russian cardinals from two up, which a translation keeps as a figure ("восемь килограммов":
# "8 kilograms" or "eight kilograms"). Not "один" (an article as often as a number), not
# "сутки" (a day), not collectives, ordinals or compounds, and not a bare "тысячи" (thousands).
RU_FIRM = frozenset(
    form
    for value, forms in _RU_CARDINALS.items()
    if 2 <= value < 1000 and value != 24
    for form in forms.split()
)
EN_WORDS, EN_SCALE_WORDS = _en_words()

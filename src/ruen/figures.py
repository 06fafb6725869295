"""Figures in Russian and English text, read as values: numbers, dates and times.

Why values and not strings: the same figure is written differently in the two languages
(``1 000 000`` and ``1,000,000``, ``5,8 %`` and ``5.8%``, ``95,2 млн`` and ``95.2 million``,
``23 октября`` and ``October 23``, ``17 часов 47 минут`` and ``5:47 PM``), so comparing strings
would flag every correct translation, and comparing digits would miss a shifted decimal point.

Each :class:`Figure` carries the set of values its writing allows (``1.500`` may be one and a
half or fifteen hundred) and whether the other side must have it: *hard* when written in
digits, *soft* when written as a word ("eight", "двух", "семерка"), since number words also
serve as pronouns and articles ("one of them") often enough that a translation need not keep
them; a soft figure only ever answers a hard one. Dates and times are compound: they match
whole, or fall apart into day, month and year, hours and minutes, so that "October 1-5" still
matches "с 1 по 5 октября".

The word lists are data, in the manner of ``abbreviations.py``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
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


# --- figures --------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One figure as written: where it is, the values it may stand for, and the simpler
    figures it falls apart into when it finds no match whole (a date: day, month, year)."""

    kind: str  # "number", "date", "time" or "month"
    text: str
    start: int
    keys: frozenset
    hard: bool = True
    parts: tuple[Figure, ...] = ()
    date: tuple[int | None, int, int | None] | None = None  # (day, month, year)
    scale: int = 1  # the multiplier written after it ("млн": a million)

    @property
    def stop(self) -> int:
        return self.start + len(self.text)


_SPACES = " \u00a0\u202f\u2009"


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
    for space in _SPACES[1:]:
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


def time_key(hours: int, minutes: int) -> tuple[str, int]:
    return ("time", (hours % 24) * 60 + minutes)


def month_figure(month: int, text: str, start: int, *, hard: bool) -> Figure:
    return Figure("month", text, start, frozenset({("month", month)}), hard=hard)


def number_figure(value: int | Decimal, text: str, start: int, *, hard: bool = True) -> Figure:
    return Figure("number", text, start, frozenset({Decimal(value)}), hard=hard)


def date_figure(
    day: int | None, month: int, year: int | None, text: str, start: int, month_text: str
) -> Figure | None:
    """A date, or None where the day or month cannot be one (it is then read as numbers)."""
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    parts = [month_figure(month, month_text, start, hard=True)]
    if day is not None:
        parts.append(number_figure(day, str(day), start))
    if year is not None:
        parts.append(number_figure(year, str(year), start))
    return Figure("date", text, start, frozenset(), parts=tuple(parts), date=(day, month, year))


def dates_agree(a: tuple, b: tuple) -> bool:
    """Two (day, month, year) dates agree when they give the same parts with the same
    values; a two-digit year agrees with the four-digit one it abbreviates. A date that lost
    its year does not agree whole: it falls apart, and the year is looked for on its own."""
    if a[1] != b[1] or (a[0] is None) != (b[0] is None) or (a[2] is None) != (b[2] is None):
        return False
    if a[0] != b[0] or a[2] is None or a[2] == b[2]:
        return a[0] == b[0]
    return min(a[2], b[2]) < 100 and a[2] % 100 == b[2] % 100


# --- patterns -------------------------------------------------------------------------------------

_RAW = r"(?<!\d)\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)*"
_PHONE = (
    r"(?P<phone>(?<![\w+])\+\d[\d \-()]{5,}\d(?!\d)"
    r"|(?<!\d)\(\d{2,5}\) ?\d{1,3}(?:-\d{2}){2}(?!\d)"
    r"|(?<![\d-])\d{2,3}-\d{2}-\d{2}(?![\d-]))"
)


def _alternation(forms: dict[str, int]) -> str:
    return "|".join(sorted(map(re.escape, forms), key=len, reverse=True))


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
_RU_MULTIPLIERS = r"тыс\.?|млн\.?|млрд\.?|трлн\.?|" + _alternation(RU_SCALE_WORDS)
_RU_MONTH = "(?i:" + _alternation(RU_MONTHS) + r")(?![а-яё])"
_EN_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.|\b))"
)
_EN_MULTIPLIERS = r"thousand|million|billion|trillion|mln|bln|tln|trn|bn|tn"
_YEAR = r"1[0-9]\d\d|2[01]\d\d"  # a four-digit year as dates give it: 1000-2199
# A Roman numeral is a figure before these words ("XX век", "II квартал"); elsewhere it is part
# of a name ("Ричард III"), which the name check compares.
_RU_ROMAN_CONTEXT = r"в\.|вв\.|век|столети|тысячелети|квартал|полугоди|съезд|созыв|чтени|тур\b"
_EN_ROMAN_CONTEXT = r"century|centuries|millennium|quarter"

# Each pattern opens with a look-ahead at what any of its forms can start with, so that the
# engine leaves most positions at once (five times faster on news text).
RU_PATTERN = re.compile(
    r"(?=[\d+(IVXLCDM]|(?i:янв|фев|мар|апр|ма[йяею]|июн|июл|авг|сен|окт|ноя|дек))(?:"
    + "|".join(
        (
            _PHONE,
            r"(?P<ndate>(?<![\d.,])(?P<nd>\d{1,2})\.(?P<nm>\d{1,2})\.(?P<ny>\d{4}|\d{2})"
            r"(?!\d|[.,]\d))",
            rf"(?P<tdate>(?<![\d.,])(?P<td>\d{{1,2}})(?:-?(?:го|е|ое))?\s(?P<tm>{_RU_MONTH})"
            rf"(?:\s(?P<ty>{_YEAR})(?!\d))?)",
            rf"(?P<mdate>(?P<mm>{_RU_MONTH})\s(?P<my>{_YEAR})(?!\d))",
            r"(?P<clock>(?<![\d.,])(?P<ch>[01]?\d|2[0-4])(?P<csep>[:.])(?P<cm>[0-5]\d)"
            rf"(?!\d|[.,]\d|\s?(?:%|{_RU_MULTIPLIERS})))",
            r"(?P<hours>(?<![\d.,])(?P<hh>[01]?\d|2[0-4])\s?(?:час(?:а|ов)?|ч\.)"
            r"(?:\s(?P<hm>[0-5]?\d)\s?(?:минут[аы]?|мин\.))?(?![а-яё]))",
            rf"(?P<roman>\b[IVXLCDM]+\b(?=\s?(?:{_RU_ROMAN_CONTEXT})))",
            rf"(?P<num>(?P<raw>{_RAW})(?:-(?P<suffix>[а-яё]{{1,3}})(?![а-яё]))?"
            rf"(?:\s?(?P<mult>{_RU_MULTIPLIERS})(?![а-яё]))?)",
        )
    )
    + ")"
)
EN_PATTERN = re.compile(
    r"(?=[\d+(IVXLCDM]|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?:"
    + "|".join(
        (
            _PHONE,
            r"(?P<ndate>(?<![\d.,/])(?P<na>\d{1,2})(?P<nsep>[./-])(?P<nb>\d{1,2})(?P=nsep)"
            r"(?P<ny>\d{4}|\d{2})(?!\d))",
            rf"(?P<mdate>(?P<mm>{_EN_MONTH})\s(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
            rf"(?:,?\s(?P<my>{_YEAR})(?!\d))?)",
            rf"(?P<ddate>(?<![\d.,])(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?"
            rf"(?P<dm>{_EN_MONTH})(?:,?\s(?P<dy>{_YEAR})(?!\d))?)",
            rf"(?P<ydate>(?P<ym>{_EN_MONTH}),?\s(?P<yy>{_YEAR})(?!\d))",
            r"(?P<ampm>(?<![\d.,:])(?P<ah>1[0-2]|0?\d)(?:[:.](?P<am>[0-5]\d))?\s?(?P<ap>[apAP])"
            r"\.?[mM]\.?(?![A-Za-z]))",
            r"(?P<clock>(?<![\d.,])(?P<ch>[01]?\d|2[0-4])(?P<csep>[:.])(?P<cm>[0-5]\d)"
            rf"(?!\d|[.,]\d|\s?(?:%|{_EN_MULTIPLIERS})))",
            rf"(?P<roman>\b[IVXLCDM]+\b(?=\s(?:{_EN_ROMAN_CONTEXT})))",
            rf"(?P<num>(?P<raw>{_RAW})(?P<suffix>st|nd|rd|th|s)?"
            rf"(?:\s?(?P<mult>{_EN_MULTIPLIERS})\b"
            r"|(?P<short>m|k|mn)(?![A-Za-z]))?)",
        )
    )
    + ")"
)
ROMAN_FIGURE = re.compile(rf"[IVXLCDM]+\b(?=\s?(?:{_RU_ROMAN_CONTEXT}))")
_DIGIT_OR_ROMAN = re.compile(r"\d|\b[IVXLCDM]+\b")
_RU_WORD = re.compile(r"[а-яА-ЯёЁ]+")
_EN_WORD = re.compile(r"[A-Za-z]+")
_EN_MONTH_WORD = re.compile(r"(?=Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)" + _EN_MONTH)
_LATIN_CAPITAL = re.compile("[A-Z]")
_DECADE_SUFFIXES = frozenset({"е", "х", "ые", "ых", "ми", "м", "s"})
# Between a bare number and one with a multiplier, the multiplier is shared: "от 3 до 5 тысяч",
# "2 и 1,4 миллиарда", "between 3 and 10 million".
_SHARED_SCALE = re.compile(
    r"\s*(?:[-–—]|до|и|или|,|to|and|or)\s*(?:до\s*)?[$€£₽]?\s*", re.IGNORECASE
)


def _scale(word: str) -> int:
    word = word.lower().rstrip(".")
    if word.startswith("тыс") or word in ("thousand", "k"):
        return 1000
    if word.startswith(("млн", "миллион", "m")):
        return 10**6
    if word.startswith(("млрд", "миллиард", "b")):
        return 10**9
    return 10**12


def _number(match: re.Match[str], text: str, lang: str) -> Figure:
    raw = match.group("raw")
    start = match.start()
    values = number_values(raw, lang)
    suffix = match.group("suffix")
    if suffix in _DECADE_SUFFIXES and raw.isdigit() and len(raw) == 2 and raw.endswith("0"):
        values |= {Decimal(1900 + int(raw)), Decimal(2000 + int(raw))}  # "40-е", "the '90s"
    if raw.isdigit() and len(raw) == 2:
        year = re.search(r"(\d\d)\d\d\s?[-–—/]\s?$", text[max(0, start - 8) : start])
        if year:
            values |= {Decimal(year.group(1) + raw)}  # "2019-20": the year 2020
    scale = 1
    multiplier, short = match.group("mult"), match.groupdict().get("short")
    if multiplier:
        scale = _scale(multiplier)
        values = frozenset(v * scale for v in values if isinstance(v, Decimal))
    elif short:
        values |= {v * _scale(short) for v in values if isinstance(v, Decimal)}
    shown = match.group()
    after = text[match.end() : match.end() + 2]
    if after[:1] == "%":
        shown += "%"
    elif after == " %":
        shown += " %"
    if start and text[start - 1] in "$€£₽":
        shown, start = text[start - 1] + shown, start - 1
    groups = re.split(f"[{_SPACES}]", raw)
    parts: tuple[Figure, ...] = ()
    if len(groups) > 1 and not multiplier:  # "16 100x185": perhaps two numbers, not 16,100
        offsets = [m.start() for m in re.finditer(r"\d+(?:,\d+)?", raw)]
        parts = tuple(
            Figure("number", g, match.start() + o, number_values(g, lang))
            for g, o in zip(groups, offsets)
        )
    hard = not (lang == "en" and raw == "1" and not (multiplier or suffix))
    return Figure("number", shown, start, frozenset(values), hard=hard, parts=parts, scale=scale)


def _clock(match: re.Match[str], lang: str) -> Figure:
    hours, minutes = int(match.group("ch")), int(match.group("cm"))
    keys = {time_key(hours, minutes)}
    if lang == "en" and hours <= 12:
        keys.add(time_key(hours + 12, minutes))
    if match.group("csep") == ".":  # "17.00" is a time, "2.50" may be a price
        keys |= number_values(match.group(), lang)
    parts = [number_figure(hours, match.group("ch"), match.start())]
    if minutes:
        parts.append(number_figure(minutes, match.group("cm"), match.start()))
    return Figure("time", match.group(), match.start(), frozenset(keys), parts=tuple(parts))


def _time(match: re.Match[str], hours_group: str, minutes_group: str, pm: bool | None) -> Figure:
    start, group = match.start(), match.group
    hours, minutes = int(group(hours_group)), int(group(minutes_group) or 0)
    parts = [number_figure(hours, group(hours_group), start)]
    if minutes:
        parts.append(number_figure(minutes, group(minutes_group), start))
    if pm is not None:
        hours = hours % 12 + (12 if pm else 0)
    keys = frozenset({time_key(hours, minutes)})
    return Figure("time", match.group(), start, keys, parts=tuple(parts))


def _month(name: str, lang: str) -> int:
    return RU_MONTHS[name.lower()] if lang == "ru" else EN_MONTHS[name.rstrip(".")]


def _date(match: re.Match[str], lang: str) -> list[Figure]:
    kind, group, start, whole = match.lastgroup, match.group, match.start(), match.group()
    dates: list[Figure | None] = []
    if kind == "ndate" and lang == "ru":
        day, month, year = int(group("nd")), int(group("nm")), int(group("ny"))
        dates.append(date_figure(day, month, year, whole, start, group("nm")))
    elif kind == "ndate":  # 14/02/2021, or the American 02/14/2021
        a, b, year = int(group("na")), int(group("nb")), int(group("ny"))
        dates.append(date_figure(a, b, year, whole, start, group("nb")))
        if a != b:
            dates.append(date_figure(b, a, year, whole, start, group("na")))
    else:
        day_group, month_group, year_group = {
            "tdate": ("td", "tm", "ty"),
            "mdate": ("md", "mm", "my") if lang == "en" else (None, "mm", "my"),
            "ddate": ("dd", "dm", "dy"),
            "ydate": (None, "ym", "yy"),
        }[kind]
        day = int(group(day_group)) if day_group else None
        year = int(group(year_group)) if group(year_group) else None
        month_text = group(month_group)
        dates.append(date_figure(day, _month(month_text, lang), year, whole, start, month_text))
    found = [date for date in dates if date is not None]
    if len(found) == 2:  # day and month either way round: one date, two readings
        first, second = found
        first.keys = frozenset({("either", second.date)})
        return [first]
    if found:
        return found
    # Not a date after all (13.14.2020): read its numbers instead.
    return [
        Figure("number", m.group(), start + m.start(), number_values(m.group(), lang))
        for m in re.finditer(r"\d+", whole)
    ]


def _figures(match: re.Match[str], text: str, lang: str) -> list[Figure]:
    """The figures of one match of the language's pattern."""
    kind, start, whole = match.lastgroup, match.start(), match.group()
    if kind == "num":
        return [_number(match, text, lang)]
    if kind == "phone":
        digits = re.sub(r"\D", "", whole)
        return [Figure("number", whole, start, frozenset({("digits", digits)}))]
    if kind == "roman":
        value = roman_value(whole)
        return [number_figure(value, whole, start)] if value else []
    if kind == "clock":
        return [_clock(match, lang)]
    if kind == "hours":
        return [_time(match, "hh", "hm", None)]
    if kind == "ampm":
        return [_time(match, "ah", "am", match.group("ap").lower() == "p")]
    return _date(match, lang)


def _share_scales(figures: list[Figure], text: str) -> None:
    for before, after in itertools.pairwise(figures):
        if (
            after.scale > 1
            and before.scale == 1
            and before.kind == "number"
            and before.stop <= after.start
            and _SHARED_SCALE.fullmatch(text, before.stop, after.start)
        ):
            before.keys = before.keys | {
                key * after.scale for key in before.keys if isinstance(key, Decimal)
            }


def extract(text: str, lang: str) -> list[Figure]:
    """Every figure of ``text`` (``lang`` "ru" or "en"), in order of appearance."""
    russian = lang == "ru"
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, stop: int) -> bool:
        return not any(a < stop and start < b for a, b in taken)

    if _DIGIT_OR_ROMAN.search(text):
        for match in (RU_PATTERN if russian else EN_PATTERN).finditer(text):
            figures.extend(_figures(match, text, lang))
            taken.append(match.span())
    if russian:
        runs = word_runs(
            text,
            _RU_WORD,
            RU_WORDS,
            RU_SCALE_WORDS,
            r"\s+",
            compounds=True,
            firm=RU_FIRM,
            months=RU_MONTHS,
        )
    else:
        runs = word_runs(
            text, _EN_WORD, EN_WORDS, EN_SCALE_WORDS, r"(?:\s|-)+(?:and\s+)?", months=EN_MONTHS
        )
    if russian and _LATIN_CAPITAL.search(text):  # English inside Russian: "May 2020 Update"
        runs += [
            month_figure(EN_MONTHS[m.group().rstrip(".")], m.group(), m.start(), hard=False)
            for m in _EN_MONTH_WORD.finditer(text)
        ]
    figures.extend(figure for figure in runs if free(figure.start, figure.stop))
    figures.sort(key=lambda figure: figure.start)
    _share_scales(figures, text)
    return figures


def word_runs(
    text: str,
    word: re.Pattern[str],
    values: dict[str, int | Decimal],
    scales: dict[str, int],
    joiner: str,
    *,
    compounds: bool = False,
    firm: frozenset[str] = frozenset(),
    months: dict[str, int] | None = None,
) -> list[Figure]:
    """Figures for runs of number words ("two hundred and fifty", "двадцать пять"): soft,
    but hard where the run holds a word of ``firm``; and, with ``compounds``, soft figures
    for Russian words built on a numeral ("двухмесячный"); and soft figures for the names of
    ``months`` ("в октябре", "in October"). Words that cannot make one number
    together start another: "десять суток" is ten and a day, "three million and five
    million" two numbers."""
    figures: list[Figure] = []
    run: list[tuple[int, int, str]] = []

    def close(keep: int = 0) -> None:
        done, rest = (run[:-keep], run[-keep:]) if keep else (run[:], [])
        if done:
            total = current = 0
            for _, _, token in done:
                if token in scales and scales[token] == 100:
                    current = max(current, 1) * 100
                elif token in scales:
                    total += max(current, 1) * scales[token]
                    current = 0
                else:
                    current += values[token]
            start, stop = done[0][0], done[-1][1]
            hard = any(token in firm for _, _, token in done)
            figure = number_figure(total + current, text[start:stop], start, hard=hard)
            figure.scale = scales.get(done[-1][2], 1) if current == 0 else 1
            figures.append(figure)
        run[:] = rest

    for match in word.finditer(text):
        token = match.group().lower()
        if token not in values and token not in scales:
            close()
            if months is not None:
                month = months.get(match.group() if months is EN_MONTHS else token)
                if month:
                    figures.append(month_figure(month, match.group(), match.start(), hard=False))
                    continue
            if compounds and len(token) > 6:
                value = compound_value(token)
                if value is not None:
                    figures.append(number_figure(value, match.group(), match.start(), hard=False))
            continue
        if run and not re.fullmatch(joiner, text[run[-1][1] : match.start()]):
            close()
        if run:
            tokens = [t for _, _, t in run]
            if token in scales and scales[token] > 100:
                # A second "million" starts a number of its own with the words since the first.
                big = [
                    i for i, t in enumerate(tokens) if t in scales and scales[t] >= scales[token]
                ]
                if big:
                    close(keep=len(tokens) - big[-1] - 1)
            elif not _continues(tokens[-1], token, values, scales):
                close()
        run.append((match.start(), match.end(), token))
    close()
    return figures


def _continues(last: str, token: str, values: dict, scales: dict[str, int]) -> bool:
    """Whether ``token`` goes on the number that ``last`` ended: after a scale word, a ten
    before a unit, a hundred before anything smaller."""
    if last in scales:
        return token not in scales or scales[token] != 100
    if token in scales:  # "hundred" after a unit: "two hundred"
        return values[last] < 10
    previous, value = values[last], values[token]
    if previous >= 100:
        return value < 100
    return previous >= 20 and previous % 10 == 0 and value < 10

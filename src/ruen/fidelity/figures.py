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

The word lists and the values of written forms are in ``numerals.py``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from ruen.fidelity.numerals import (
    EN_MONTHS,
    EN_SCALE_WORDS,
    EN_WORDS,
    RU_FIRM,
    RU_MONTHS,
    RU_SCALE_WORDS,
    RU_WORDS,
    SPACES,
    compound_value,
    number_values,
    roman_value,
)

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
# A chemical formula as news writes one (CO2, H2O, CH4, NO2, SO2, NH3, N2O): two or more of the
# elements of gases and fuels, a count of atoms after one of them. The count is never 1 (a
# formula leaves it out), so H1N1, a flu, stays a name with its figures, as do a model's letter
# and number (F16, A320, PS5, KN95). Its digits count atoms, not anything a reader is told, and
# English often names the substance in words ("carbon", "methane").
FORMULA = re.compile(r"(?<![\w-])(?=[A-Za-z]*[2-9])(?:(?:Cl|[CHONS])[2-9]?){2,6}(?![\w-])")
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
    groups = re.split(f"[{SPACES}]", raw)
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
        taken += [m.span() for m in FORMULA.finditer(text)]
        for match in (RU_PATTERN if russian else EN_PATTERN).finditer(text):
            if not free(*match.span()):
                continue
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

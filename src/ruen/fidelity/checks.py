"""Is every figure intact? A reference-free check of one Russian sentence and its English.

Why: a reader of the English cannot see that the model turned ``5,8 %`` into ``58 %``, dropped
``N 1624``, mangled a URL, left out ``UN DESA``, looped a phrase or left Russian untranslated;
Marian models do each of these. The check needs no model, so it works the same for any
system's output (``ruen check``) and for ruen's own (every digest record carries its flags).

Each check is a small named function of (Russian, English) that returns flags, listed in
:data:`CHECKS` in the order a reader cares about; :func:`check` runs them all and never raises.
How often each fires on human reference translations (false alarms) and how often it catches
the ways machine translation goes wrong is measured in ``benchmarks/fidelity.py``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ruen.fidelity.addresses import BARE_DOMAIN, address_key, links
from ruen.fidelity.figures import FORMULA, ROMAN_FIGURE, Figure, dates_agree, extract
from ruen.fidelity.numerals import roman_value
from ruen.flags import Flag

if TYPE_CHECKING:
    from ruen.glossary import Glossary

logger = logging.getLogger("ruen")

# --- figures: numbers, dates, times ---------------------------------------------------------------


def _agree(a: Figure, b: Figure) -> bool:
    if a.date is not None or b.date is not None:
        if a.date is None or b.date is None:
            return False
        readings_a = [a.date] + [key[1] for key in a.keys if key[0] == "either"]
        readings_b = [b.date] + [key[1] for key in b.keys if key[0] == "either"]
        return any(dates_agree(x, y) for x in readings_a for y in readings_b)
    return not a.keys.isdisjoint(b.keys)


def _match(left: list[Figure], right: list[Figure]) -> tuple[list[Figure], list[Figure]]:
    """The figures of each side that find no partner on the other (a maximum matching by
    augmenting paths, hard figures served first; two soft figures never pair)."""
    order_right = sorted(range(len(right)), key=lambda j: not right[j].hard)
    edges = [
        [j for j in order_right if (a.hard or right[j].hard) and _agree(a, right[j])] for a in left
    ]
    partner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in partner or augment(partner[j], seen):
                partner[j] = i
                return True
        return False

    matched_left = set()
    for i in sorted(range(len(left)), key=lambda i: not left[i].hard):
        if edges[i] and augment(i, set()):
            matched_left = set(partner.values())
    matched_left = set(partner.values())
    return (
        [a for i, a in enumerate(left) if i not in matched_left],
        [b for j, b in enumerate(right) if j not in partner],
    )


def _falls_apart(figures: list[Figure]) -> list[tuple[Figure, Figure]]:
    """(figure, the whole it belongs to): compound figures become their parts."""
    out = []
    for figure in figures:
        for part in figure.parts or (figure,):
            out.append((part, figure))
    return out


def check_figures(ru: str, en: str) -> list[Flag]:
    """Numbers, dates and times of the Russian missing from the English, and added to it."""
    source, target = extract(ru, "ru"), extract(en, "en")
    if not any(f.hard for f in source) and not any(f.hard for f in target):
        return []
    lost_ru, lost_en = _match(source, target)
    if any(f.hard for f in lost_ru) or any(f.hard for f in lost_en):
        # What is left falls apart: "с 1 по 5 октября" against "October 1-5".
        pieces_ru, pieces_en = _falls_apart(lost_ru), _falls_apart(lost_en)
        lost_ru, lost_en = _match([p for p, _ in pieces_ru], [p for p, _ in pieces_en])
        lost_ru, lost_en = _wholes(lost_ru, pieces_ru), _wholes(lost_en, pieces_en)
    else:
        lost_ru = lost_en = []
    if len(lost_ru) == 1 and len(lost_en) == 1 and _kind(lost_ru[0]) == _kind(lost_en[0]):
        (was,), (now,) = lost_ru, lost_en
        return [Flag(_kind(was), was.text, now.text, f"{was.text} is {now.text} in the English")]
    flags = [Flag(_kind(f), f.text, None, f"{f.text} is not in the English") for f in lost_ru]
    flags += [
        Flag(_kind(f), None, f.text, f"{f.text} in the English is not in the Russian")
        for f in lost_en
    ]
    return flags


def _wholes(lost: list[Figure], pieces: list[tuple[Figure, Figure]]) -> list[Figure]:
    """The whole figures with a hard part left unmatched, once each, in text order."""
    lost_ids = {id(part) for part in lost if part.hard}
    wholes = {id(whole): whole for part, whole in pieces if id(part) in lost_ids}
    return sorted(wholes.values(), key=lambda figure: figure.start)


def _kind(figure: Figure) -> str:
    return "date" if figure.kind in ("date", "month") else "number"


# --- links and addresses --------------------------------------------------------------------------


def check_links(ru: str, en: str) -> list[Flag]:
    """URLs and e-mail addresses come back exactly, in the same number."""
    if "." not in ru and "." not in en:
        return []
    flags = []
    for kind, (ru_spans, en_spans) in zip(("url", "email"), zip(links(ru), links(en))):
        source = [ru[a:b] for a, b in ru_spans]
        remaining = {}
        for a, b in en_spans:
            remaining.setdefault(address_key(en[a:b]), []).append(en[a:b])
        for item in source:
            if remaining.get(address_key(item)):
                remaining[address_key(item)].pop()
            else:
                flags.append(Flag(kind, item, None, f"{item} is not in the English"))
        for items in remaining.values():
            for item in items:
                if kind == "url" and BARE_DOMAIN.fullmatch(item):
                    continue  # "Gazeta.Ru", "Dialog.ua": a site's name, transliterated
                flags.append(Flag(kind, None, item, f"{item} in the English is not in the Russian"))
    return flags


# --- names ----------------------------------------------------------------------------------------

_LATIN = "A-Za-zÀ-ÖØ-öø-ɏ"
_LATIN_TOKEN = re.compile(
    rf"(?<![\w])[{_LATIN}][{_LATIN}0-9]*(?:[-'’.&+][{_LATIN}0-9]+)*(?![{_LATIN}0-9а-яА-ЯёЁ])"
)
_ALNUM = re.compile(r"[^\W_]+")
# The number sign of an official act as Russian writes it ("от 07.02.2004 г. N 47-рп"), and
# as some pages do ("No 12", "Nº 5"): a sign before a number, not a name.
_NUMBER_SIGN = re.compile(r"(?:N|No|Nº|Nr)\.?[^\S\n]*(?=\d)")
# Latin letters that look like Cyrillic ones: alone in Russian text, a typing slip ("c" for
# the preposition "с"), not a name.
_HOMOGLYPHS = frozenset("aceopxyABCEHKMOPTX")


def check_names(ru: str, en: str) -> list[Flag]:
    """Latin-script words of the Russian (names, acronyms, brands, the Roman numerals of
    names) are in the English. Case may differ ("COVID" and "Covid"), and so may hyphens and
    spaces inside a name ("Coca-Cola", "Coca Cola"); a long name may be spelt one letter
    differently ("Omikron", "Omicron"); a run of names may come back as its initials ("The
    Wall Street Journal", "WSJ")."""
    if not re.search(r"[A-Za-z]", ru):
        return []
    hidden = [span for group in links(ru) for span in group]
    en_lower = en.lower()
    tokens = set(_ALNUM.findall(en_lower))
    squashed = "".join(_ALNUM.findall(en_lower))
    words = []
    for match in _LATIN_TOKEN.finditer(ru):
        start, word = match.start(), match.group()
        if any(a <= start < b for a, b in hidden) or (start and ru[start - 1].isalpha()):
            continue  # an address, or a Latin letter inside a Cyrillic word
        if word in _HOMOGLYPHS or ROMAN_FIGURE.match(ru, start):
            continue  # "c" typed for "с"; "XX век" is a number, compared as one
        if _NUMBER_SIGN.match(ru, start):
            continue  # "N 47-рп": the number sign of an act, which English writes "No."
        if _mojibake(word):
            continue  # "Âõîäèò": Russian in windows-1251 read as Latin-1, no name
        if FORMULA.match(ru, start) and not FORMULA.search(en):
            continue  # "CO2": a substance's formula, which English may write in words; where
            # it writes formulas, this one must be among them as written (not CO3)
        words.append(match)
    flags = []
    for i, match in enumerate(words):
        word = match.group()
        parts = _ALNUM.findall(word.lower())
        name = "".join(parts)
        if roman_value(word) is not None:
            found = word == "I" or word in _ALNUM.findall(en)  # "Петр I": "Peter the Great"
        elif len(parts) == 1:
            found = (
                name in tokens
                or name + "s" in tokens  # "GIF": "GIFs"
                or (len(name) > 4 and any(_one_edit(name, t) for t in tokens))
                # English derives words from a name ("Photoshop", "Photoshopped") and adds
                # a suffix to a name with a number ("T20", "T20Is")
                or (
                    (len(name) >= 5 or not name.isalpha())
                    and any(t.startswith(name) for t in tokens)
                )
            )
        else:
            found = name in squashed or (
                # A name and its number ("COVID-19", "T20"): English often drops the number
                # ("anti-Covid") or adds a suffix ("T20Is"); the number check sees numbers.
                parts[-1].isdigit()
                and (parts[0] in tokens or any(t.startswith(name) for t in tokens))
            )
        run, initials = _run(words, i, ru)
        if found or initials & tokens or (len(run) > 1 and _squash(run) in squashed):
            continue
        flags.append(Flag("name", word, None, f"{word} is not in the English"))
    return flags


def _mojibake(word: str) -> bool:
    """Whether a "Latin" word is Russian in windows-1251 read as Latin-1 ("Êîðîëåâà"): every
    letter above ASCII becomes a Cyrillic one when the bytes are read back."""
    if re.search(r"[A-Za-z]", word) or not re.search(r"[À-ÿ]", word):
        return False  # a Russian word so read has no ASCII letter ("Zürich" has)
    try:
        back = word.encode("latin-1").decode("cp1251")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return all("а" <= c.lower() <= "я" or c.lower() == "ё" for c in back if ord(c) > 127)


def _squash(words: list[str]) -> str:
    return "".join(part for word in words for part in _ALNUM.findall(word.lower()))


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one letter changed, added or dropped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return short[i:] == long_[i + 1 :]


def _run(words: list[re.Match[str]], i: int, text: str) -> tuple[list[str], set[str]]:
    """The run of Latin words, one space apart, around ``words[i]`` ("What’s App" may come
    back as "WhatsApp"), and its initials, with and without a leading "The", where every
    word is capitalised (the acronym a translation may use: "WSJ")."""
    start = stop = i
    while start > 0 and text[words[start - 1].end() : words[start].start()] == " ":
        start -= 1
    while stop + 1 < len(words) and text[words[stop].end() : words[stop + 1].start()] == " ":
        stop += 1
    run = [m.group() for m in words[start : stop + 1]]
    if len(run) < 2 or not all(w[:1].isupper() for w in run):
        return run, set()
    initials = "".join(w[0] for w in run).lower()
    return run, ({initials, initials[1:]} if run[0] == "The" else {initials})


# --- Russian left in the English ------------------------------------------------------------------

_CYRILLIC_RUN = re.compile(r"[\u0400-\u04ff]{2,}(?:[\s,.;:\-–—]+[\u0400-\u04ff]+)*")


def check_untranslated(ru: str, en: str) -> list[Flag]:
    """Cyrillic words in the English, outside web addresses (стопкоронавирус.рф)."""
    if not re.search("[\u0400-\u04ff]", en):
        return []
    hidden = [span for group in links(en) for span in group]
    flags = []
    for match in _CYRILLIC_RUN.finditer(en):
        if any(a <= match.start() < b for a, b in hidden):
            continue
        words = match.group()
        shown = words if len(words) <= 60 else words[:57] + "..."
        flags.append(Flag("untranslated", None, words, f"left in Russian: «{shown}»"))
    return flags


# --- loops ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]")
LONGEST_LOOP = 6


def loops(words: Sequence[str]) -> list[tuple[int, int, int]]:
    """(start, period, repeats) of each run where a group of 1 to 6 tokens repeats itself
    right away: three times for one word ("the the the"), twice for longer groups ("of the
    of the"). Punctuation counts as a token, so that a remark repeated on purpose ("my mind;
    my mind") is not a loop, while "the city, the city, the city" is."""
    found = []
    for period in range(1, LONGEST_LOOP + 1):
        same = [a == b for a, b in zip(words, words[period:])]
        if not any(same):
            continue
        needed = (3 if period == 1 else 2) - 1  # repeats after the first
        run = 0
        for i, equal in enumerate([*same, False]):
            if equal:
                run += 1
                continue
            if run >= needed * period:
                found.append((i - run, period, (run + period) // period))
            run = 0
    return found


def check_repetition(ru: str, en: str) -> list[Flag]:
    """A phrase looping in the English that the Russian does not loop."""
    words = _TOKEN.findall(en.lower())
    found = loops(words)
    if not found:
        return []
    russian = max((repeats for _, _, repeats in loops(_TOKEN.findall(ru.lower()))), default=1)
    flags = []
    covered = -1
    for start, period, repeats in sorted(found):
        group = words[start : start + period]
        if repeats <= russian or start < covered or not any(w.isalpha() for w in group):
            continue  # numbers ("1,000,000") and dots ("...") are not loops
        covered = start + period * repeats
        phrase = " ".join(group)
        flags.append(
            Flag("repetition", None, phrase, f"«{phrase}» repeats {repeats} times in the English")
        )
    return flags


# --- brackets and quotes --------------------------------------------------------------------------

_BRACKETS = ("()", "[]", "{}")
_QUOTES = '«»"“”„'
# Direct speech may run over several sentences: a remark opened or closed at the edge of the
# sentence, or introduced by a dash in the Russian ("- Сейчас мы свежие", "..., - сказал он").
_SPEECH_DASH = re.compile(r"^\s*[-–—]|[,.!?…\"»]\s*[-–—]\s")


def _quote_parity_broken(ru: str, en: str) -> int:
    """The English's count of quotation marks where it is odd and should not be, else 0."""
    count = sum(map(en.count, _QUOTES))
    if not count % 2 or sum(map(ru.count, _QUOTES)) % 2:
        return 0
    stripped = en.strip()
    if stripped[:1] in _QUOTES or stripped[-1:] in _QUOTES or _SPEECH_DASH.search(ru):
        return 0
    return count


def check_brackets(ru: str, en: str) -> list[Flag]:
    """Brackets the English opens and does not close (or the reverse) where the Russian
    closes all of its own; quotation marks of any style count as one class, by parity.

    Not the counts themselves: human translators drop the quotes around names
    («Газпром» → Gazprom) and add brackets in a tenth of the PUD and WMT references.
    """
    flags = []
    for pair in _BRACKETS:
        if pair[0] not in en and pair[1] not in en:
            continue
        opened, closed = en.count(pair[0]), en.count(pair[1])
        if opened != closed and ru.count(pair[0]) == ru.count(pair[1]):
            flags.append(
                Flag(
                    "brackets",
                    None,
                    pair,
                    f"the English opens {opened} and closes {closed} {pair[0]}{pair[1]} brackets",
                )
            )
    quotes = _quote_parity_broken(ru, en)
    if quotes:
        flags.append(
            Flag("brackets", None, '"', f"the English has {quotes} quotation marks, an odd number")
        )
    return flags


# --- length ---------------------------------------------------------------------------------------

# English/Russian length in characters, as human translations have it (fitted on the PUD and
# WMT references by benchmarks/fidelity.py): the English is about 1.1 times as long, and short
# sentences vary more, hence the constant.
LENGTH_SLOPE_LOW, LENGTH_SLOPE_HIGH, LENGTH_SLACK = 0.5, 2.0, 20


def check_length(ru: str, en: str) -> list[Flag]:
    """An English far longer or shorter than human translations of that length are."""
    a, b = len(ru.strip()), len(en.strip())
    if not a:
        return []
    if b > LENGTH_SLOPE_HIGH * a + LENGTH_SLACK or b < LENGTH_SLOPE_LOW * a - LENGTH_SLACK:
        return [
            Flag(
                "length",
                None,
                None,
                f"the English is {b / a:.1f} times as long as the Russian "
                f"(human translations: {LENGTH_SLOPE_LOW}-{LENGTH_SLOPE_HIGH})",
            )
        ]
    return []


def check_people_places(ru: str, en: str) -> list[Flag]:
    """People and places of the Russian (Cyrillic names) kept in the English: the ``name``
    flag of ``ruen.names`` (extra ``ruen[names]``; without it, none, and the log says so
    once)."""
    from ruen.names.check import check_people_places as people_and_places

    return people_and_places(ru, en)


CHECKS: tuple[Callable[[str, str], list[Flag]], ...] = (
    check_figures,
    check_links,
    check_names,
    check_people_places,
    check_untranslated,
    check_repetition,
    check_brackets,
    check_length,
)


def check(ru: str, en: str, *, glossary: Glossary | None = None) -> list[Flag]:
    """Every warning about ``en`` as a translation of ``ru``; an empty list where none.

    Reference-free and deterministic, and never raises on any pair of strings: a check that
    fails inside on some odd input is logged, and the pair carries an ``unchecked`` flag that
    names it, rather than the digest stopping or the pair passing for checked. With a
    ``glossary`` (:class:`~ruen.Glossary`), a term of the Russian whose target (or a rendering
    the entry accepts) the English lacks is a ``term`` flag.
    """
    if not isinstance(ru, str) or not isinstance(en, str):
        raise TypeError("check() compares two str")
    flags: list[Flag] = []
    rules = CHECKS if glossary is None else (*CHECKS, glossary.check)
    for rule in rules:
        try:
            found = rule(ru, en)
        except Exception as exc:  # a checker must never break the digest it serves, nor
            # pass for a clean check: the fault is logged, and the pair says it was not checked
            name = getattr(rule, "__name__", type(rule).__name__)
            logger.warning("internal error in %s on %r: %r", name, ru[:80], exc)
            found = [
                Flag(
                    "unchecked",
                    None,
                    None,
                    f"not checked by {name}: the check failed inside ruen ({type(exc).__name__})",
                )
            ]
        for flag in found:  # a span may hold a line break ("23\nоктября"); a message may not
            message = " ".join(flag.message.split())
            flags.append(flag if message == flag.message else replace(flag, message=message))
    return flags

"""Whose body a name is. "МИД" is Russia's in a Russian ministry's note, Germany's in "МИД
Германии", the French one in "французского МВД"; "Совет Безопасности" is the UN's in
"Совета Безопасности ООН"; "Верховный суд" a region's in "Верховного суда Республики Коми". A
shipped glossary belongs to a state (``ru-gov`` to Russia, ``by-gov`` to Belarus), and one of
its names applies only where the text speaks of that state's body: not where a genitive after
it or an adjective before it names another state, a region or an organisation.

The forms are data (``data/owners.tsv``, and the countries of ``data/foreign.txt``); a region
is also told by its form: a capitalised adjective and "области", "края", "округа", "района"
("Свердловской области"), or "Республики" and a name that is not Belarus ("Республики Коми").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

# The state each shipped glossary belongs to.
OWNERS = {"ru-gov": "Russia", "by-gov": "Belarus"}
ELSEWHERE = "elsewhere"
_REGION_NOUNS = re.compile(r"^(?:области|края|округа|района|автономного|республики)$", re.I)
_REGION_ADJECTIVE = re.compile(r"^[А-ЯЁ][а-яё-]+(?:ской|ского|ском|ской|цкой|цкого|ого|ой)$")


@dataclass(frozen=True)
class Forms:
    after: dict[tuple[str, ...], str]  # a genitive phrase (lower case words) -> its owner
    before: tuple[tuple[str, str], ...]  # (adjective stem, owner), longest stem first


@functools.lru_cache(maxsize=1)
def forms() -> Forms:
    data = resources.files("ruen.glossary").joinpath("data")
    after: dict[tuple[str, ...], str] = {}
    before: list[tuple[str, str]] = []
    for line in data.joinpath("owners.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        what, owner, words = line.split("\t")
        for form in words.split("|"):
            if what == "after":
                after[_key(form.split())] = owner
            else:
                before.append((form.lower(), owner))
    from ruen.glossary.terms import FOREIGN

    for country in FOREIGN:
        after.setdefault(_key(country.split()), ELSEWHERE)
    return Forms(after, tuple(sorted(before, key=lambda pair: -len(pair[0]))))


def _key(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(word.lower().replace("ё", "е") for word in words)


def owner_after(words: Sequence[str]) -> tuple[str, int] | None:
    """(owner, words it takes) of a genitive at the start of ``words``: a state's name, an
    organisation, a region; None where the words name no one."""
    known = forms().after
    for size in (3, 2, 1):
        if len(words) >= size and _key(words[:size]) in known:
            return known[_key(words[:size])], size
    if len(words) >= 2:
        first, second = words[0], words[1]
        if first.lower() == "республики" and second[:1].isupper():
            return ELSEWHERE, 2  # "Республики Коми", "Республики Татарстан"
        if _REGION_ADJECTIVE.match(first) and _REGION_NOUNS.match(second):
            return ELSEWHERE, 2  # "Свердловской области", "Хабаровского края"
    return None


def owner_before(word: str | None) -> str | None:
    """The owner an adjective right before a body's name gives it, if any."""
    if not word:
        return None
    lower = word.lower().replace("ё", "е").split("-")[-1]
    for stem, owner in forms().before:
        if lower.startswith(stem):
            return owner
    return None


# A Russian-language text that names neither state is taken to be about Russia: most of them
# are, and a Belarusian body's note names Belarus (its regions, Minsk) somewhere in it. So an
# unmarked "МЧС" in a note about a fire in the Penza region is never Belarus's.
DEFAULT_HOME = "Russia"
# Words that place a text in a state, counted over a whole document to tell whose bodies its
# unmarked names are ("МИД" in a note that names Belarus five times and Russia never).
_HOMES = {
    "Russia": re.compile(r"\b(?:Росси[ияюейё]\w*|Российск\w*|РФ|российск\w*|Москв\w+|Кремл\w+)\b"),
    "Belarus": re.compile(
        r"\b(?:Беларус\w*|Белорусси\w*|белорусск\w*|Белорусск\w*|Минск\w*|Гродн\w*|"
        r"Брестск\w*|Витебск\w*|Могил[её]в\w*|Гомел\w*|Гомельск\w*)\b"
    ),
}


def home(text: str) -> str | None:
    """The state a text is about, where it names one more often than the other; None where
    it names neither, or both as often."""
    counts = {state: len(pattern.findall(text)) for state, pattern in _HOMES.items()}
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]

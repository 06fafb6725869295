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

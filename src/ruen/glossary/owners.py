"""Whose body a name is. "МИД" is Russia's in a Russian ministry's note, Germany's in "МИД
Германии", the French one in "французского МВД"; "Совет Безопасности" is the UN's in
"Совета Безопасности ООН"; "Верховный суд" a region's in "Верховного суда Республики Коми". A
shipped glossary belongs to a state (``ru-gov`` to Russia, ``by-gov`` to Belarus), and one of
its names applies only where the text speaks of that state's body: not where a genitive after
it or an adjective before it names another state, a region or an organisation.

The forms are data (``data/owners.tsv``, the countries of ``data/foreign.txt``, and every
country and territory in its six cases, ``data/states.tsv``); a region is also told by its
form: a capitalised adjective and "области", "края", "округа", "района" ("Свердловской
области", "Ханты-Мансийского автономного округа"), or "Республики" and a name that is not
Belarus ("Республики Коми"); a body "региона", "республики", "области" or "края" is a region's,
and one "стран", "государств" or "регионов" is several states' or regions' bodies, never the
house's.

The state a whole text is about (:func:`home`) is the one it names most: Russia, Belarus or,
where another country is named more than either, none of them ("elsewhere"), so that in a
story about Britain an unmarked "МИД" is no Russian body. A text that names no state is placed
by its towns and people (``data/russian_places.tsv``: a Russian town or republic, a region by
its adjective, a person of Russian make make it Russia's; names, none of them Russian,
another country's): a story about Rajasthan naming Rahul Gandhi never names India.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

# The state each shipped glossary belongs to.
OWNERS = {"ru-gov": "Russia", "by-gov": "Belarus"}
ELSEWHERE = "elsewhere"
ORGANISATION = "elsewhere, an organisation"  # elsewhere, and its body stays its own
_REGION_NOUNS = re.compile(r"^(?:области|края|округа|района|автономного|республики)$", re.I)
_REGION_ADJECTIVE = re.compile(
    r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*(?:ской|ского|ском|ской|цкой|цкого|ого|ой)$"
)
# A genitive that makes a body some region's or several states' or regions' ("министр
# здравоохранения региона", "МИД стран ЕС", "минздравы регионов").
_SOMEONE_ELSES = frozenset(
    ["региона", "республики", "области", "края", "округа", "штата", "провинции", "страны",
     "стран", "государств", "регионов", "республик", "областей", "краев", "краёв", "субъектов",
     "штатов", "провинций", "земель", "земли"]
)  # fmt: skip
_ADJECTIVE_END = re.compile(
    r"(?:[ыио]й|[ая]я|[ое]е|[ыи]е|[ое]го|[ое]му|[ыи]м|[ыи]х|[ыи]ми|[ое]й|[ую]ю|ом|ем)$"
)
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


@dataclass(frozen=True)
class Forms:
    after: dict[tuple[str, ...], str]  # a genitive phrase (lower case words) -> its owner
    organisations: frozenset[tuple[str, ...]]  # the genitives of those that are organisations
    before: tuple[tuple[str, str], ...]  # (adjective stem, owner), longest stem first
    foreign: tuple[str, ...]  # the adjective stems of other states and unions


@functools.lru_cache(maxsize=1)
def forms() -> Forms:
    data = resources.files("ruen.glossary").joinpath("data")
    after: dict[tuple[str, ...], str] = {}
    organisations: set[tuple[str, ...]] = set()
    before: list[tuple[str, str]] = []
    foreign: list[str] = []
    for line in data.joinpath("owners.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        what, owner, words = line.split("\t")
        for form in words.split("|"):
            if what == "after":
                after[_key(form.split())] = owner.split(",")[0]
                if owner == ORGANISATION:
                    organisations.add(_key(form.split()))
            else:
                before.append((form.lower(), owner.split(",")[0]))
                if owner == ELSEWHERE:
                    foreign.append(form.lower())
    from ruen.glossary.terms import FOREIGN

    for country in FOREIGN:
        after.setdefault(_key(country.split()), ELSEWHERE)
    for name in states():
        after.setdefault(name.forms[CASES.index("gent")], ELSEWHERE)
    before.sort(key=lambda pair: -len(pair[0]))
    return Forms(after, frozenset(organisations), tuple(before), tuple(foreign))


@dataclass(frozen=True)
class State:
    code: str  # ISO 3166 code (CLDR's)
    forms: tuple[tuple[str, ...], ...]  # the name's keyed words in each case of CASES


@functools.lru_cache(maxsize=1)
def states() -> tuple[State, ...]:
    """Every country and territory but Russia and Belarus, by each of its names."""
    data = resources.files("ruen.glossary").joinpath("data", "states.tsv")
    found = []
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "code\t")):
            continue
        code, _source, *cases = line.split("\t")
        found.append(State(code, tuple(_key(form.split()) for form in cases)))
    return tuple(found)


@functools.lru_cache(maxsize=1)
def _state_forms() -> dict[tuple[str, ...], str]:
    """Each keyed form of each state's names, in any case, to the state's code; forms that are
    common words too ("того", "чад") only written with a capital (told in :func:`_named`)."""
    return {form: state.code for state in states() for form in state.forms}


def _key(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(word.lower().replace("ё", "е") for word in words)


def owner_after(words: Sequence[str]) -> tuple[str, int] | None:
    """(owner, words it takes) of a genitive at the start of ``words``: a state's name, an
    organisation, a region; None where the words name no one."""
    known = forms().after
    for size in (3, 2, 1):
        if len(words) >= size and _key(words[:size]) in known:
            return known[_key(words[:size])], size
    if words and words[0] in _SOMEONE_ELSES:
        return ELSEWHERE, 1  # "министр здравоохранения региона", "МИД стран ЕС"
    if len(words) >= 2:
        first, second = words[0], words[1]
        if first.lower() == "республики" and second[:1].isupper():
            return ELSEWHERE, 2  # "Республики Коми", "Республики Татарстан"
        if _REGION_ADJECTIVE.match(first) and _REGION_NOUNS.match(second):
            return ELSEWHERE, 2  # "Свердловской области", "Хабаровского края"
    return None


def organisation_after(words: Sequence[str]) -> bool:
    """Whether the genitive at the start of ``words`` is an international organisation's
    ("ООН", "Европейского союза"): a body so named is the organisation's on every later
    mention of its name in the text too (the Security Council, once the UN's, is not
    Russia's two sentences on)."""
    after = owner_after(words)
    return after is not None and _key(words[: after[1]]) in forms().organisations


# A body's name that names its state or is its state's own coinage: the Рос- and Бел- names
# (Росстат, Белстат), a one-word Гос- compound (Госдума, Госпогранкомитет), the Duma, the
# Federation Council, a name holding Russia's or Belarus's name. No other state has a body so
# named, so the state a text is about does not decide whose it is; "Министерство обороны",
# "Верховный суд", "МИД", "Национальный банк" every state has.
_OWN_NAME = re.compile(
    r"^(?:Рос|Бел)[а-яё]|^Гос[а-яё]+$|\bДум|Федерац|Росси|Российск|Беларус|Белорус|\bРФ\b|\bРБ\b"
)


def own_name(source: str) -> bool:
    """Whether a body's name is its state's alone (see :data:`_OWN_NAME`)."""
    return bool(_OWN_NAME.search(source))


def owner_before(word: str | None) -> str | None:
    """The owner an adjective right before a body's name gives it, if any."""
    if not word or not _ADJECTIVE_END.search(word.lower()):
        return None  # "В Минске МЧС сообщило": a place, not an adjective
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
    """The state a text is about: Russia or Belarus where it names one more often than the
    other and than any other country; ``elsewhere`` where another country is named twice or
    more and more often than both; None where it names none of them, or two as often."""
    counts = {state: len(pattern.findall(text)) for state, pattern in _HOMES.items()}
    # Another country takes a text only where it is named twice or more: a Russian body's note
    # often names no state but the one it deals with once ("сообщили в МИД Германии"). A text
    # that names neither Russia nor Belarus is another country's where it names other
    # countries (or their adjectives: "британских военных") twice or more in all, whichever.
    named = _named(text)
    foreign = max(named.values(), default=0)
    if not any(counts.values()):
        foreign = max(foreign, sum(named.values()) + _foreign_adjectives(text))
    counts[ELSEWHERE] = foreign if foreign >= 2 else 0
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if ranked[0][1] == 0:
        # No state named: a Russian town, region or surname places the text in Russia; names
        # of people and places, none of them Russian, elsewhere (a story about Rajasthan that
        # names Rahul Gandhi and Ashok Gehlot, never India).
        if _russian_signs(text):
            return "Russia"
        return ELSEWHERE if _other_names(text) >= 2 else None
    if ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# A person of Russian make: a first name or an initial, then a surname of -ов, -ев, -ин, -ский,
# -енко in any case (Дмитрий Медведев, Екатерина Мизулина, А. Иванову); and a region of Russia's
# kind named by its adjective (Пензенской области, Ставропольский край, Ханты-Мансийском
# автономном округе). Russia read too often only leaves a foreign text as before, at home.
_RUSSIAN_PERSON = re.compile(
    r"\b(?:[А-ЯЁ]\.\s?|[А-ЯЁ][а-яё]+\s)[А-ЯЁ][а-яё]{2,}"
    r"(?:ов|ев|ёв|ин|ын|ск|цк|енко)(?:[иоы]й|ая|а|у|ым|им|ой|ого|ом|е|ых|ыми)?\b"
)
_RUSSIAN_REGION = re.compile(
    r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)*(?:ск|цк)(?:[иоы]й|ая|ое|ой|ую|ого|ому|ом)\s+"
    r"(?:автономн\w+\s+)?(?:област|кра[йяюеё]|округ)\w*"
)
# A capitalised word after a lower-case word of its sentence: a name (or a body's, which the
# glossary names; those are left out by their words).
_MID_SENTENCE_NAME = re.compile(r"(?<=[а-яё,] )[А-ЯЁ][а-яё]{2,}(?:-[А-ЯЁа-яё][а-яё]+)*")


def _russian_signs(text: str) -> bool:
    """Whether a text names a Russian town, republic, region or a person of Russian make."""
    if _RUSSIAN_PERSON.search(text) or _RUSSIAN_REGION.search(text):
        return True
    known = _russian_places()
    words = [m.group() for m in _CAPITALISED_WORD.finditer(text)]
    return any(_key(words[i : i + size]) in known for i in range(len(words)) for size in (1, 2, 3))


@functools.lru_cache(maxsize=1)
def _russian_places() -> frozenset[tuple[str, ...]]:
    """Each keyed form of each Russian name of a republic or a town of Russia
    (``data/russian_places.tsv``)."""
    data = resources.files("ruen.glossary").joinpath("data", "russian_places.tsv")
    found = set()
    for line in data.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "place\t")):
            found.update(_key(re.split(r"\s+", form)) for form in line.split("\t")[1:])
    return frozenset(found)


def _other_names(text: str) -> int:
    """How many different capitalised words name someone or something mid-sentence, the words
    of the shipped glossaries' bodies left out (Верховный суд, Минздрав)."""
    from ruen.glossary.terms import body_words, stem_keys

    bodies = body_words()
    names = {stem_keys(m.group()) for m in _MID_SENTENCE_NAME.finditer(text)}
    return sum(1 for keys in names if not keys & bodies)


_CAPITALISED_WORD = re.compile(r"[^\W\d_][^\W_]*(?:[-’'][^\W\d_]+)*")
_CYRILLIC_WORD = re.compile(r"(?<![\w-])[А-ЯЁа-яё]+(?![\w-])")


def _foreign_adjectives(text: str) -> int:
    """How many adjectives of another state or union the text uses ("британских",
    "американский"; not "областной", "московский")."""
    stems = forms().foreign
    words = (word.lower() for word in _CYRILLIC_WORD.findall(text))
    return sum(1 for word in words if word.startswith(stems) and _ADJECTIVE_END.search(word))


def _named(text: str) -> Counter[str]:
    """How often ``text`` names each other country, by code: a capitalised word or an
    abbreviation that begins one of its names in any case ("Великобритании", "США",
    "Соединенных Штатов Америки")."""
    known = _state_forms()
    words = [m.group() for m in _CAPITALISED_WORD.finditer(text)]
    counts: Counter[str] = Counter()
    i = 0
    while i < len(words):
        if not words[i][:1].isupper():
            i += 1
            continue
        for size in (4, 3, 2, 1):
            code = known.get(_key(words[i : i + size]))
            if code is not None:
                counts[code] += 1
                i += size
                break
        else:
            i += 1
    return counts

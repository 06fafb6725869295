"""What counts as the same name in English: the spellings of a shipped list, the keys of the
transliteration schemes, and for names Russian took from other languages, their sounds.

The lists (``data/people.tsv``, ``data/places.tsv``, and every country and territory as the
Unicode CLDR names it, ``data/territories.tsv``) hold what no rule gives: exonyms (Пекин
is Beijing, Гродно is Grodno or Hrodna), established spellings (Зеленский is Zelenskyy in
Kyiv's usage), the names Russian writes in Palladius's and Polivanov's systems and Korean
names, and, for places, the adjective and demonym a translation puts in a name's place ("МИД
России": "the Russian Foreign Ministry"). A house glossary may add its own entries
(``Шойгу<TAB>Shoygu``), which come first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from ruen.names.keys import loose, transliterations

# The endings a Russian case form adds to a name borrowed whole (Фургала, Эрдоганом,
# Помпео stays): a form's key is the English name's key and one of these.
CASE_ENDINGS = frozenset(
    {"a", "u", "e", "y", "om", "em", "oy", "ey", "ya", "yu", "yey", "i", "ov", "ev", "am",
     "ami", "ah", "ym", "im", "ogo", "ego", "omu", "emu", "ye"}
)  # fmt: skip


@dataclass(frozen=True)
class Listed:
    """One entry of a list: the Russian name and its English spellings, the usual first."""

    russian: str
    spellings: tuple[str, ...]
    kind: str = "place"  # "place" (places.tsv) or "person" (people.tsv)


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(word.lower().replace("ё", "е") for word in re.findall(r"[\w.]+", phrase))


@functools.lru_cache(maxsize=1)
def shipped() -> dict[tuple[str, ...], Listed]:
    """The shipped lists, by the Russian name's words in the nominative (lower case, ё as
    е): "Колумб" is Columbus and "Колумбия" Colombia, which one stem would confuse."""
    index: dict[tuple[str, ...], Listed] = {}
    for name, kind in (("places.tsv", "place"), ("people.tsv", "person"),
                       ("territories.tsv", "place")):  # fmt: skip
        text = resources.files("ruen.names").joinpath("data", name).read_text(encoding="utf-8")
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            russian, spellings = line.split("\t")[:2]
            entry = Listed(
                russian, tuple(s.strip() for s in spellings.split("|") if s.strip()), kind
            )
            index.setdefault(_key(russian), entry)
    return index


def listed(words: list[str], extra: dict[tuple[str, ...], Listed] | None = None) -> Listed | None:
    """The entry for a name of ``words`` in the nominative, a house's first."""
    key = _key(" ".join(words))
    for index in (extra or {}, shipped()):
        if key in index:
            return index[key]
    return None


@functools.lru_cache(maxsize=1)
def phrase_starts() -> frozenset[str]:
    """The first words of the shipped names of more than one word ("тихий" of Тихий океан):
    a span of a text is looked up as such a name only where it starts with one."""
    return frozenset(key[0] for key in shipped() if len(key) > 1)


def kind_of(word: str) -> str:
    """Whether a listed name is a person or a place."""
    entry = listed([word])
    return entry.kind if entry is not None else "place"


def usual(word: str) -> str:
    """The spelling to expect of a Russian name no list holds: Wikipedia's transliteration."""
    import iuliia

    return iuliia.WIKIPEDIA.translate(word)


@functools.lru_cache(maxsize=16384)
def _phrase(spelling: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s\-]+", spelling.strip()) if w]
    body = r"[\s\-]+".join(words)
    # An abbreviation in capitals is one only so written: "US" is not "us", "IN" (Indiana)
    # not "in".
    flags = 0 if re.fullmatch(r"[A-Z]{2,4}", spelling.strip()) else re.IGNORECASE
    return re.compile(rf"(?<![\w]){body}(?:['’]s|['’]|s|es)?(?![\w])", flags)


def written(spelling: str, english: str) -> bool:
    """Whether ``english`` holds ``spelling`` (any case, a possessive or plural ending, hyphen
    or space)."""
    return bool(_phrase(spelling).search(english))


@functools.lru_cache(maxsize=16384)
def _derived(spelling: str) -> re.Pattern[str]:
    stem = re.sub(r"(?:ia|a|e|y|us)$", "", spelling.strip())
    # From the stem (Russia: Russian) or the whole name (Venus: Venusian).
    bases = "|".join(re.escape(b) for b in dict.fromkeys([stem, spelling.strip()]))
    alternatives = [rf"(?:{bases})(?:n|an|ian|ean|ese|ish|i)s?"]
    # A land of -stan is its people's land: Tatarstan, Tatar; Kurdistan, Kurdish; Uzbekistan,
    # Uzbek.
    people = re.sub(r"i?stan$", "", spelling.strip(), flags=re.IGNORECASE)
    if people != spelling.strip() and len(people) >= 3:
        alternatives.append(rf"{re.escape(people)}(?:ish|i)?s?")
    return re.compile(rf"(?<![\w])(?:{'|'.join(alternatives)})(?![\w])", re.IGNORECASE)


def derived(spelling: str, english: str) -> bool:
    """Whether ``english`` holds a place's adjective or demonym made of its name or its stem
    (Florida: Floridians; Venus: Venusian; New Caledonia: New Caledonians)."""
    return len(spelling) > 3 and bool(_derived(spelling).search(english))


def case_form_keys(form: str) -> frozenset[str]:
    """The keys of a Russian case form's transliterations: what a name looks like in English
    when a translation kept the Russian ending (Zakharovoy, Erdoganom)."""
    return frozenset(loose(spelling) for spelling in transliterations(form))


def borrowed_whole(form: str, english_key: str) -> bool:
    """Whether ``form`` is the English name with a Russian case ending (Фургала: Furgal)."""
    return any(
        key.startswith(english_key) and key[len(english_key) :] in CASE_ENDINGS
        for key in case_form_keys(form)
        if len(english_key) >= 3
    )

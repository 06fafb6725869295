"""Is every person and place of the Russian in the English? The ``name`` flag for Cyrillic names.

A person or place of the Russian (``entities``) is in the English when the English holds, as a
word or words, one of the spellings the lists give for it, a spelling whose key is the key of
one of its transliterations (``keys``), the name with a Russian case ending added to a
borrowed name (Фургала: Furgal), or, for a name the dictionary does not know as Russian, a
word that sounds like it (``sounds``). A person is found by the surname (translations drop
first names and patronymics); a place by its own name. What is not found is flagged with the
Russian, its nominative and the spelling expected; a Russian case form carried into the
English ("Zakharovoy") is flagged as such.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ruen.flags import Flag
from ruen.names.entities import _CASE_ENDING, Entity, find, oblique
from ruen.names.keys import ascii_letters, keys, loose, transliterations
from ruen.names.sounds import SOUNDS_ALIKE, sounds_alike
from ruen.names.spellings import (
    Listed,
    borrowed_whole,
    case_form_keys,
    derived,
    listed,
    usual,
    written,
)

# Capitalised English words that begin a name's phrase but are no part of it ("The Makedonii").
_FUNCTION_WORDS = frozenset(
    ["The", "A", "An", "Of", "In", "On", "At", "And", "For", "To", "By", "With", "From",
     "Mr", "Mrs", "Ms", "Dr", "But", "As", "This", "That", "It", "He", "She", "They", "We"]
)  # fmt: skip
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]+(?:['’][A-Za-z]+)?")
_CAPITAL_CYRILLIC = re.compile(r"(?<![\w])[А-ЯЁ][а-яё]")
logger = logging.getLogger("ruen")


@dataclass(frozen=True)
class Rendering:
    """How one person or place of the Russian came out in the English: the spelling found
    (or expected, where it is missing) and how it was told: ``listed``, ``transliterated``,
    ``sounds`` (a borrowed name, by its sounds) or ``missing``."""

    entity: Entity
    english: str | None  # the English words found, None where missing
    expected: str  # the spelling a reader expects
    how: str
    case_form: str | None = None  # a Russian case form carried into the English


class English:
    """The words of one English text, keyed once for every name of its Russian."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = [m.group() for m in _LATIN_WORD.finditer(text)]

    @cached_property
    def keys(self) -> dict[str, str]:
        """Each word's key (and of two or three words written together: "Hong Kong" is
        "Gonkong"),
        possessive and plural ends dropped, to the word as written."""
        found: dict[str, str] = {}
        for i, word in enumerate(self.words):
            bare = re.sub(r"['’]s?$", "", word)
            for form in (bare, bare[:-1] if bare.endswith("s") else None):
                if form:
                    found.setdefault(loose(form), bare)
            if i + 1 < len(self.words):
                found.setdefault(loose(bare + self.words[i + 1]), f"{bare} {self.words[i + 1]}")
            if i + 2 < len(self.words):  # "Kapitan Petko Voyvoda": Капитан-Петко-Войвода
                three = " ".join(self.words[i : i + 3])
                found.setdefault(loose(three.replace(" ", "")), three)
        return found

    @cached_property
    def candidates(self) -> list[str]:
        """Capitalised words, and two of them in a row ("Pearl Harbor", "Monte Carlo"), the
        words a borrowed name may be."""
        words = [m for m in _LATIN_WORD.finditer(self.text)]
        single = [
            re.sub(r"['’]s?$", "", m.group())
            for m in words
            if m.group()[:1].isupper() and len(m.group()) > 1
        ]
        pairs = [
            f"{a.group()} {b.group()}"
            for a, b in itertools.pairwise(words)
            if a.group()[:1].isupper()
            and b.group()[:1].isupper()
            and self.text[a.end() : b.start()] in (" ", "-")
            and a.group() not in _FUNCTION_WORDS
        ]
        return list(dict.fromkeys(single + pairs))

    @cached_property
    def made_from_names(self) -> tuple[dict[str, str], English | None]:
        """The stems of the words made from names (Megarian: Megar, Megara, Megare), each to
        its word, and those stems as an English text of their own to key."""
        stems: dict[str, str] = {}
        for word in self.candidates:
            match = _DERIVED_WORD.match(word) if " " not in word else None
            if match:
                for stem in (match.group(1), match.group(1) + "a", match.group(1) + "e"):
                    stems.setdefault(stem, word)
        return stems, English(" ".join(stems)) if stems else None


def renderings(
    ru: str, en: str, *, house: dict | None = None, entities: Iterable[Entity] | None = None
) -> list[Rendering]:
    """How each person and place of ``ru`` came out in ``en``."""
    if not _CAPITAL_CYRILLIC.search(ru):
        return []
    if house is None and entities is None:
        return list(_renderings(ru, en))
    english = English(en)
    rendered = (
        _render(entity, english, house) for entity in (find(ru) if entities is None else entities)
    )
    return [r for r in rendered if _spellable(r)]


def _spellable(rendering: Rendering) -> bool:
    """Whether a reader could be told how to spell the name: a name whose expected spelling
    holds no Latin letter (a sign, a letter that transliterates as nothing) is nothing to
    flag, keep or force into the English."""
    return bool(_LATIN_WORD.search(rendering.expected))


@functools.lru_cache(maxsize=4096)
def _renderings(ru: str, en: str) -> tuple[Rendering, ...]:
    """:func:`renderings` without a house list, remembered: repair checks each hypothesis,
    and keeping names reads the chosen one again."""
    english = English(en)
    rendered = (_render(entity, english, None) for entity in find(ru))
    return tuple(r for r in rendered if _spellable(r))


# A surname of Russian make: transliterated, never heard (a different surname of one of
# these endings is a different person: Zakharova is not Zakharchenko).
_RUSSIAN_SURNAME = re.compile(
    r"^\w{2,}(?:ов|ев|ёв|ин|ын|ский|цкий|ской|цкой|ова|ева|ёва|ина|ына|ская|цкая|енко|ук|юк|ич|"
    r"ых|их|ко)$"
)
# Endings a case form adds to a borrowed name (Брантом, Сэдлера, Гайдиса, Ферстаппеном).
_ENDINGS = ("ого", "его", "ому", "ему", "ым", "им", "ом", "ем", "ой", "ей", "ою", "ов", "ев", "ых",
            "их", "а", "я", "у", "ю", "е", "ы", "и")  # fmt: skip
_TWO_LETTER_ENDINGS = tuple(ending for ending in _ENDINGS if len(ending) > 1)
# A place named by an adjective ("Тверская область", "Хабаровский край") is its town's name in
# English: Tver Region, Khabarovsk Krai.
_PLACE_ADJECTIVE = re.compile(r"(?:ская|ский|ское|ской|цкая|цкий|ая|ий|ое|ой)$")


def _render(entity: Entity, english: English, house: dict | None) -> Rendering:
    # A Russian case form carried into the English ("Zakharovoy") is not the name, whatever
    # it sounds like.
    carried = _case_form(entity, english)
    entry = _entry(entity, house)
    if entry is not None:
        spelling = next((s for s in entry.spellings if written(s, english.text)), None)
        if spelling is None and entity.kind == "place":
            spelling = next((s for s in entry.spellings if derived(s, english.text)), None)
        if spelling is not None:
            return Rendering(entity, spelling, entry.spellings[0], "listed")
    expected = entry.spellings[0] if entry else usual(entity.head_lemma)
    found = _transliterated(entity, english)
    if found is not None and found != carried:
        return Rendering(entity, found, expected, "transliterated")
    if entry is not None and len(entity.words) > 1 and _common(entity.head):
        # A listed phrase ending in a common noun ("Тихом океане", "Китайской Народной
        # Республики") missing from the English: that noun sounds like a word of any sentence.
        return Rendering(entity, None, expected, "missing", carried)
    # A name of Russian make sounds the same or is another name (Zakharova, Zakharchenko);
    # a borrowed one may sound a little different (Мухаммед, Mohammed).
    # So does a listed name: its usual spellings were not found, and a look-alike is another
    # name (Литва, Latvia; Рейн, Rhône); a spelling the list lacks still sounds the same.
    russian = entry is not None or (
        entity.kind != "place"
        and entity.known
        and _RUSSIAN_SURNAME.search(entity.head_lemma.lower())
    )
    declined = _declined(entity.head_lemma) if russian else frozenset()
    words = [
        word
        for word in english.candidates
        if not (carried and set(carried.split()) & set(word.split()))
        and loose(word) not in declined
    ]
    heard = _heard(entity, words, russian)
    if heard is not None:
        return Rendering(entity, heard, expected, "sounds")
    made = None if carried else _made_from(entity, english, russian)
    if made is not None:
        return Rendering(entity, made, expected, "sounds")
    if (
        (entity.kind == "place" or not entity.known or entity.head_lemma.split("-")[0].lower()
         in _SAINTS)
        and "-" in entity.head_lemma
        and not carried
    ):  # fmt: skip
        # Places joined by a hyphen ("линия Китай-Лаос"), and a name the dictionary does not
        # know written with hyphens (Солт-Лейк-Сити, Salt Lake City): each part as it is alone.
        parts = [_saint(entity, part, english) or _render(_bare(entity, part), english, house)
                 for part in entity.head_lemma.split("-")]  # fmt: skip
        if len(parts) > 1 and all(part.how != "missing" for part in parts):
            return Rendering(entity, "-".join(p.english or "" for p in parts), expected, "listed")
    return Rendering(entity, None, expected, "missing", carried)


# A saint in a place's name, as Russian and English write it: Сент-Луис is St. Louis, Сан-Паулу
# São Paulo, Санкт-Петербург Saint Petersburg.
_SAINTS = frozenset(["сент", "сен", "сан", "санта", "санто", "санкт", "сант"])
_SAINT = re.compile(r"\b(?:St|Ste|Saint|Sainte|San|Santa|Santo|São|Sao|Sankt)\b\.?")


def _saint(entity: Entity, part: str, english: English) -> Rendering | None:
    """The English saint of a place's part that is one, where the English holds one."""
    if part.lower() not in _SAINTS:
        return None
    found = _SAINT.search(english.text)
    return Rendering(_bare(entity, part), found.group(), part, "listed") if found else None


# An English word made from a name: Megarian (Мегары), Caesarians (Цезарь), Darwinian,
# Shakespearean, Marxist.
_DERIVED_WORD = re.compile(r"^([A-Z][a-z]{2,}?)(?:ians?|eans?|ans?|ese|ites?|ists?|ism)$")


def _heard(entity: Entity, words: list[str], russian: bool) -> str | None:
    """The first of ``words`` that sounds like one of the name's forms: a name of Russian make
    sounds the same, a borrowed one may sound a little different."""
    # A word of three letters is no name of five ("Cup", Дзюба without its ending); Jim is Джим.
    shortest = 4 if len(entity.head_lemma) > 4 else min(3, len(entity.head_lemma))
    for form in _forms(entity):
        for word in words:
            if len(word) >= shortest and (
                sounds_alike(form, word) >= 1.0 if russian else alike(form, word)
            ):
                return word
    return None


def _made_from(entity: Entity, english: English, russian: bool) -> str | None:
    """The English word made from the name where the English has no other rendering: its stem
    (with the vowel English drops before the suffix: Megar-a, Megar-ian) is the name."""
    stems, keyed = english.made_from_names
    if keyed is None:
        return None
    found = _transliterated(entity, keyed) or _heard(entity, list(stems), russian)
    return stems.get(found) if found is not None else None


@functools.lru_cache(maxsize=4096)
def _declined(lemma: str) -> frozenset[str]:
    """The keys of a name's case forms of two-letter endings (Zakharovoy, Zakharovym for
    Захарова): a word that is one is the Russian ending carried over, however like the name it
    sounds. One letter may be an English ending too (Jasmine is no Жасмине)."""
    from ruen.names.entities import analyzer

    forms = {form.word for parse in analyzer().parse(lemma)[:2] for form in parse.lexeme}
    carried = [form for form in forms if form.endswith(_TWO_LETTER_ENDINGS)]
    return frozenset(k for form in carried for k in case_form_keys(form)) - keys(lemma)


def _bare(entity: Entity, lemma: str) -> Entity:
    """An entity of one nominative word, standing where ``entity`` stands."""
    return Entity(entity.kind, entity.start, entity.stop, lemma, lemma, lemma, lemma,
                  entity.known, lemma, (lemma,))  # fmt: skip


def _common(word: str) -> bool:
    """A common noun, written small or one that names of bodies and states capitalise."""
    from ruen.names.entities import INSTITUTIONS, nominatives

    return word[:1].islower() or nominatives(word)[0] in INSTITUTIONS


def _entry(entity: Entity, house: dict | None) -> Listed | None:
    """The list's entry for the entity: by the phrase it stands in ("Новой Каледонии"), its
    name, its head in any of its nominatives."""
    from ruen.names.entities import nominatives

    phrase = [nominatives(word)[0] for word in entity.context.split()]
    tries = [phrase, entity.words, *([lemma] for lemma in entity.head_lemmas), [entity.head]]
    for words in tries:
        entry = listed(words, house)
        if entry is not None:
            return entry
    return None


def _forms(entity: Entity) -> list[str]:
    """The head as written, its nominative, and the head without a case ending it may carry
    (the dictionary guesses the nominative of a borrowed name poorly)."""
    head = entity.head
    stripped = [head[: -len(e)] for e in _ENDINGS if head.endswith(e) and len(head) - len(e) >= 3]
    # The Arabic article, which English often drops: Эр-Рияд, Riyadh; Эль-Кувейт, Kuwait.
    article = _ARABIC_ARTICLE.match(head)
    if article:
        bare = head[article.end() :]
        stripped += [bare, *[bare[: -len(e)] for e in _ENDINGS if bare.endswith(e)][:1]]
    # Latin -ia is English -y in the old exonyms (Sicilia, Sicily; Normandia, Normandy), and
    # Russian took the Latin: Сицилия, Нормандия, Саксония.
    exonyms = [lemma[:-1] for lemma in entity.head_lemmas if lemma.endswith("ия")]
    # A borrowed name the dictionary does not know may decline as a noun in -а, -я (Гуемаму,
    # Guemama; Хамзой, Hamza), which the dictionary guesses as a masculine stem.
    first = [] if entity.known else [head[: -len(e)] + n for e, n in _FIRST_DECLENSION
                                     if head.endswith(e) and len(head) - len(e) >= 3]  # fmt: skip
    forms = [*entity.head_lemmas, head, *stripped, *exonyms, *first]
    # A word the dictionary does not know, shaped as an adjective of -ский, is a place's
    # adjective ("герцог Стратхернский": Duke of Strathearn), and English names the place.
    if not entity.known:
        forms += [stem for f in forms if len(stem := _OF_A_PLACE.sub("", f)) >= 4]
    return list(dict.fromkeys(forms))


_OF_A_PLACE = re.compile(r"(?:ск|цк)(?:ий|ая|ое|ой|ого|ому|им|ом)$")


# The endings of a noun in -а or -я in the oblique cases, and the nominative's ending.
_FIRST_DECLENSION = (("ой", "а"), ("ою", "а"), ("ей", "я"), ("ы", "а"), ("е", "а"), ("у", "а"),
                     ("и", "я"), ("ю", "я"))  # fmt: skip


_ARABIC_ARTICLE = re.compile(r"^[АЭ](?:ль|[лрсштдзн])-(?=[А-ЯЁ])")


def alike(russian: str, latin: str) -> bool:
    """Whether a borrowed Russian name and a Latin word sound alike: close in the alphabet of
    sounds, or the same consonants (vowels are what transcription changes most: Мухаммед,
    Mohammed)."""
    from ruen.names.sounds import consonants, heard, readings

    if sounds_alike(russian, latin) >= SOUNDS_ALIKE:
        return True
    ours = {consonants(r) for r in heard(russian)}
    return any(len(c) >= 4 and c in ours for c in map(consonants, readings(latin)))


def _transliterated(entity: Entity, english: English) -> str | None:
    from ruen.names.keys import keys

    names = list(entity.head_lemmas or (entity.head_lemma,))
    if not entity.known:  # a guessed nominative: the head without its case ending too
        names += [f for f in _forms(entity) if f != entity.head]
    if entity.kind == "place":
        if len(entity.words) > 1:  # the adjective itself: "Хабаровский край", Khabarovsky
            names += entity.words[:1]
        names += [_PLACE_ADJECTIVE.sub("", word) for word in entity.words[:1]]
        names += [re.sub(r"(?:ая|ий|ое|ой)$", "", word) for word in entity.words[:1]]
        # A region's adjective is its town's name and a suffix that varies (Пензенская
        # область: Penza Region): the English name begins with the adjective's stem.
        stem = re.sub(r"(?:енская|енский|инская|инский|овская|овский|ская|ский)$", "",
                      entity.words[0]) if len(entity.words) > 1 else ""  # fmt: skip
        if len(stem) >= 3:
            for key in keys(stem):
                for english_key, word in english.keys.items():
                    if english_key.startswith(key) and len(english_key) - len(key) <= 2:
                        return word
    if (entity.kind == "place" or not entity.known) and re.search(r"County\b", english.text):
        # An Estonian county is a land, -maa, which English writes as County (Харьюмаа:
        # Harju County, Ида-Вирумаа: Ida-Viru County).
        names += [lemma[:-3] for lemma in names if lemma.endswith("маа") and len(lemma) > 5]
    for lemma in names:
        for key in keys(lemma):
            if key in english.keys:
                return english.keys[key]
    for key, word in english.keys.items():
        if borrowed_whole(entity.head, key) and not entity.known:
            return word
    return None


def _case_form(entity: Entity, english: English) -> str | None:
    """The English word that is the Russian case form transliterated, where one is."""

    def plain(word: str) -> str:
        return word.lower().replace("ё", "е")

    lemmas = {plain(lemma) for lemma in (*entity.head_lemmas, entity.head_lemma)}
    head = plain(entity.head)
    if head.endswith("шире") and re.search(r"shire\b", english.text):
        return None  # English -shire is its own ending: в Йоркшире, in Yorkshire
    if head in lemmas and not oblique(entity.head):
        return None
    if not oblique(entity.head) and not _CASE_ENDING.search(head):
        # Not surely another case: a vowel ends many a nominative of a name that does not
        # decline (Сирте, Токио, Гёте), and its English is then its transliteration.
        return None
    forms = case_form_keys(entity.head)
    # The ending as the schemes write it: the keys fold -ии and -y together, but Саксонии
    # transliterated ends in i, and Saxony is the exonym of Саксония, not its case form.
    last = {spelling[-1:] for spelling in transliterations(entity.head)}
    carried = next(
        (
            word
            for key, word in english.keys.items()
            if key in forms and ascii_letters(word)[-1:] in last
        ),
        None,
    )
    return carried or _ending_carried(entity, english)


# How Russian media's English writes the case endings a borrowed name takes (Трампа, Байденом,
# Джонсону): the ending's transliterations, by the practical rules (й as y or i, ю as yu or iu).
_LATIN_ENDINGS = {
    "а": ("a",), "я": ("ya", "ia", "a"), "у": ("u",), "ю": ("yu", "iu", "u"), "е": ("e",),
    "ы": ("y",), "и": ("i",), "ом": ("om",), "ем": ("em", "yem"), "ой": ("oy", "oi", "oj"),
    "ей": ("ey", "ei", "ej"), "ым": ("ym",), "им": ("im",), "ого": ("ogo",), "его": ("ego",),
    "ому": ("omu",), "ему": ("emu",), "ах": ("akh", "ah"), "ам": ("am",), "ами": ("ami",),
}  # fmt: skip


def _ending_carried(entity: Entity, english: English) -> str | None:
    """An English word that is an accepted rendering of the name with the Russian case ending
    added ("Trumpa" for Трампа, "Bidenom" for Байденом), where the Russian is surely not a
    nominative and is its nominative plus that ending: the stem is judged as any rendering is
    (listed spellings, transliteration keys, sounds), so this holds for any borrowed name, not a
    list. A name that does not decline (Шойгу, Токио) has no ending, so is never flagged."""
    head, lemma = entity.head, entity.head_lemma
    if not entity.known:
        return None  # a word the dictionary does not know may be its own nominative (Ньюсом)
    ending = head[len(lemma) :].lower()
    nominatives = {form.lower() for form in (*entity.head_lemmas, lemma)}
    if not head.lower().startswith(lemma.lower()) or head.lower() in nominatives:
        return None
    latin = _LATIN_ENDINGS.get(ending)
    # One letter may end a nominative too (Лаврова is a woman's): then the dictionary must say
    # every reading is another case; two (-ом, -ой, -ому) end no nominative of a name.
    if not latin or (len(ending) == 1 and not oblique(head)):
        return None
    stemmed = English(" ".join(
        word[: -len(end)]
        for word in english.candidates
        if " " not in word
        for end in latin
        if word.lower().endswith(end) and len(word) - len(end) >= 3
    ))  # fmt: skip
    if not stemmed.words:
        return None
    found = _render(_bare(entity, lemma), stemmed, None)
    if found.how == "missing" or not found.english:
        return None
    stem = found.english
    if ending == "е" and re.search(r"[^aeiouy]l$", stem.lower()) and lemma.endswith("л"):
        return None  # English writes a final consonant and л with a silent e: Newcastle, Ньюкасл
    return next(
        (w for w in english.candidates for end in latin if w.lower() == (stem + end).lower()),
        None,
    )


def check_people_places(ru: str, en: str) -> list[Flag]:
    """A ``name`` flag for each person or place of ``ru`` that ``en`` does not hold; none
    where ruen[names] is not installed (said once, in the log)."""
    if not available():
        return []
    flags = []
    for rendering in renderings(ru, en):
        if rendering.how != "missing":
            continue
        entity = rendering.entity
        said = entity.text if entity.text == entity.lemma else f"{entity.text} ({entity.lemma})"
        if rendering.case_form:
            message = (
                f"{rendering.case_form}: the Russian case form {entity.head} transliterated; "
                f"expected {rendering.expected}"
            )
        else:
            message = f"{said} is not in the English: expected {rendering.expected}"
        flags.append(Flag("name", entity.text, rendering.case_form, message))
    return flags


_AVAILABLE: list[bool] = []


def available() -> bool:
    """Whether ruen[names] is installed; the first time it is not, a line in the log says
    that people and places are not checked."""
    if not _AVAILABLE:
        try:
            import iuliia  # noqa: F401
            import pymorphy3  # noqa: F401
            import rapidfuzz  # noqa: F401
        except ImportError:
            logger.warning(
                'people and places are not checked: pip install "ruen[names]" to check them'
            )
            _AVAILABLE.append(False)
        else:
            _AVAILABLE.append(True)
    return _AVAILABLE[0]

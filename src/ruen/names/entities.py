"""People and places in a Russian sentence, with the nominative of each that keeps its gender.

Why a morphological dictionary and not a neural tagger: the OpenCorpora dictionary behind
pymorphy3 marks first names, patronymics, surnames and place names (``Name``, ``Patr``,
``Surn``, ``Geox``), guesses the same for words it does not know from their endings, and
inflects a name to its nominative in its own gender (Захаровой → Захарова, where a lemma
would give the masculine захаров). natasha's tagger (slovnet, navec) finds more names in
context, but holds some 150 MB more in every process that digests, where ``ruen follow`` and
an archive of 10,000 notes must stay under 500 MB; measured on the references
(``benchmarks/names.py``), the dictionary's people and places, checked as below, miss no more
corruptions and raise fewer false alarms. Capitalised words the dictionary reads as common
nouns at the start of a sentence, titles in quotation marks, organisations and abbreviations
(which the glossary handles) are not names here.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from ruen.errors import MissingExtraError

PERSON = frozenset({"Name", "Surn", "Patr"})
PLACE = frozenset({"Geox"})


def _words(section: str) -> frozenset[str]:
    """A section of ``data/words.txt``."""
    from importlib import resources

    text = resources.files("ruen.names").joinpath("data", "words.txt").read_text("utf-8")
    inside, words = False, []
    for line in text.splitlines():
        if line.startswith("["):
            inside = line.strip() == f"[{section}]"
        elif inside and line.strip() and not line.startswith("#"):
            words += line.split()
    return frozenset(words)


_WORD = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*")
# A sentence's start, and a quotation's or a colon's, which open a sentence too ("призывает
# «Объединиться»", "в Испании: Нужен ли"); not after a person's initial ("М. Помпео"). A post
# opens with the handles it answers and emoji before its first word ("@user13 Жить – это…").
_SENTENCE_START = re.compile(
    r"(?:^|(?<![\s(][А-ЯЁA-Z])(?<!^[А-ЯЁA-Z])\.\s+|[!?…]\s+|[\n\r]\s*|:\s*|[«„“]\s*|"
    r"(?<![\w,])\"\s*)"
    r"(?:[@#][\w.]+[\s,:]*|[^\w\s«\"„“(\-–—.,;]+\s*)*"
    r"[«\"„“(\-–—\s]*$"
)
# A title in quotation marks (a work, a party, a company: «Единая Россия», «Ред Булл»), not a
# quotation of a sentence, which may name people.
_QUOTED = re.compile(r"«(?:[^«»\s]+\s){0,3}[^«»\s.!?]+»|\"(?:[^\"\s]+\s){0,3}[^\"\s.!?]+\"")
# Endings of a case other than the nominative: a word without one may be its own nominative.
_OBLIQUE = re.compile(r"(?:[уюеиыйо]|ой|ом|ем|ым|им|ого|его|ому|ему|ую|ами|ями|ах|ях)$")
# A surname of -ов, -ев, -ин declined as an adjective: Евменовым, Пурясеву.
_POSSESSIVE_SURNAME = re.compile(r"^[А-ЯЁ][а-яё]+(?:ов|ев|ёв|ин|ын)(?:ым|ой|ою|ом|а|у|ых|ыми)$")
# An adjective of a place's or body's name by its make, -ский and -цкий in any case (Лыунаской
# окружной прокуратуры): what an unknown word of this form agrees with tells it from a surname.
_ADJECTIVE_OF_A_NAME = re.compile(
    r"[а-яё]{2}(?:ск|цк)(?:ий|ой|ая|ое|ого|ому|им|ом|ую|ие|их|ими|ей)$"
)
# The prefixes of surnames written with a second capital (МакНейлли, ДиКаприо, ЛеБрон).
_NAME_PREFIX = re.compile(r"^(?:Мак|Мк|Ди|Де|Ле|Ла|Дю)(?=[А-ЯЁ][а-яё]{2,}$)")
# Endings of Russian surnames in the nominative (Моргунов, Быков, Виханский).
_SURNAME_SHAPE = re.compile(r"(?:ов|ев|ёв|ин|ын|ский|цкий|ая)$")
# Currencies named by their country: "долларов США", "долл. США".
_CURRENCY = re.compile(r"^(?:доллар\w*|долл|фунт\w*|крон\w*|франк\w*|юан\w*)$", re.IGNORECASE)
# Nouns for people that official texts capitalise: a title, not a name.
TITLES = _words("titles")
_lock = threading.Lock()


@dataclass(frozen=True)
class Entity:
    """A person or a place of the Russian: where it stands, as written, its nominative, and
    which of its words carries the name (a person's surname, a place's own name)."""

    kind: str  # "person" or "place"
    start: int
    stop: int
    text: str
    lemma: str  # every word in the nominative, in its own gender ("Мария Захарова")
    head: str  # the word that must be in the English (the surname), as written
    head_lemma: str  # and in the nominative
    known: bool  # the dictionary holds the head as a Russian name (not guessed)
    context: str = ""  # with the capitalised words right before it ("Новой Каледонии")
    # Every nominative the head may have: "Гагарина" is Gagarina, or Gagarin's genitive.
    head_lemmas: tuple[str, ...] = ()

    @property
    def words(self) -> list[str]:
        return self.lemma.split()


@functools.lru_cache(maxsize=1)
def analyzer() -> object:
    """pymorphy3's analyser, loaded once per process (about 15 MB)."""
    try:
        import pymorphy3
    except ImportError:
        raise MissingExtraError("checking names", "names", "pymorphy3") from None
    with _lock:
        return pymorphy3.MorphAnalyzer()


# Readings of a word less likely than this share of its likeliest are not considered: "Августа"
# is the month far more often than the name.
LIKELY = 0.1


@functools.lru_cache(maxsize=16384)
def _reading(word: str, initial: bool, following: str) -> tuple[str, str, bool] | None:
    """(kind, nominative, known) of a capitalised word that is a name, else None. ``known``:
    the dictionary holds it as a name (not guessed from its ending). ``following``: the
    lower-case word right after it, which an adjective would agree with ("Римской
    республики": an adjective; "Зеленского заявил": a name)."""
    if "-" in word and not all(part[:1].isupper() for part in word.split("-")):
        return None  # "Супер-продакшн": a brand, not a name ("Жолио-Кюри" is)
    parses = analyzer().parse(word)  # type: ignore[attr-defined]
    best = parses[0]
    likely = [p for p in parses if p.score >= LIKELY * best.score]
    if _compound(best) or (
        any(_compound(p) for p in likely)
        and not any(p.tag.grammemes & (PERSON | PLACE) for p in likely)
    ):
        return None  # a shortened word (Госсуд: гос + суд), read so by any likely reading
    if best.tag.POS in ("ADJF", "PRTF") and (
        initial or following[:1].isupper() or _adjective_of(parses, following)
    ):
        return None  # an adjective of a name ("Новой Каледонии", "Римской республики")
    if (
        _ADJECTIVE_OF_A_NAME.search(word)
        and _unknown(parses)
        and _adjective_of(parses, following, LIKELY / 10)
    ):
        # A word the dictionary does not know, made like an adjective and agreeing with the
        # next word as one: guessed a noun, it is an adjective ("Лыунаской окружной
        # прокуратуры"), since a surname agrees with no adjective after it.
        return None
    for parse in parses:
        if parse.score < LIKELY * best.score:
            break
        grammemes = parse.tag.grammemes
        kind = "person" if grammemes & PERSON else "place" if grammemes & PLACE else None
        if kind is None or "Orgn" in grammemes or "Abbr" in grammemes:
            continue
        if kind == "place" and parse.tag.POS in ("ADJF", "PRTF"):
            continue  # "Украинские": an adjective of a place, not the place
        if initial and any(
            not p.tag.grammemes & (PERSON | PLACE) for p in parses if p.score >= LIKELY * best.score
        ):
            return None  # at a sentence's start, a word that may be a common one ("Вера в
            # успех", "Литой корпус")
        nominative = parse.inflect({"nomn"}) or parse
        known = _in_dictionary(parse)
        return kind, _capitalised(nominative.word, word), known
    if initial:
        return None
    if _unknown(parses):
        return "name", word, False  # an unknown capitalised word mid-sentence: a foreign name
    if best.tag.POS in ("VERB", "INFN", "GRND", "PRTS", "ADJS", "INTJ") and not any(
        "impr" in p.tag.grammemes
        for p in parses  # "Александр М., Напомните мне": an address
    ):
        # Russian capitalises no verb or short form mid-sentence: a name that looks like one
        # ("подвиги Досса", "г-жи Пью").
        return "name", word, False
    if best.tag.POS in ("ADJF", "PRTF") and _POSSESSIVE_SURNAME.match(word):
        # Capitalised mid-sentence, declined like an adjective of -ов/-ин and agreeing with
        # nothing ("с Евменовым проследовал"): a surname the dictionary does not know.
        return "name", word, False
    return None


def _read_at(
    text: str, words: list[re.Match[str]], n: int
) -> tuple[bool, str, tuple[str, str, bool] | None]:
    """Whether word ``n`` opens a sentence, the word right after it (where no punctuation
    parts them), and its :func:`_reading`."""
    match = words[n]
    initial = bool(_SENTENCE_START.search(text, 0, match.start()))
    after = words[n + 1] if n + 1 < len(words) else None
    following = after.group() if after is not None and _adjacent(text, match, after) else ""
    return initial, following, _reading(match.group(), initial, following)


# Letters a name cannot do without: a Russian word of none is a letter, a sign or an
# abbreviation ("Ъ", Kommersant's sign; "Млн"), never a person or a place.
_VOWEL = re.compile(r"[аеёиоуыэюяАЕЁИОУЫЭЮЯ]")
_DRAWN_OUT = re.compile(r"(.)\1\1")
# A short capitalised word cut off by a full stop before a lower-case word: an abbreviation
# ("Ген. прокурор", "Св. престол"), not a name ending its sentence.
_ABBREVIATED = re.compile(r"\.\s*[а-яё]")


def _not_a_name(text: str, word: re.Match[str]) -> bool:
    """Whether a word cannot be a name whatever the dictionary guesses (a list may still name
    it): one letter, a word without a vowel, a letter three times over (a drawn-out
    interjection: "Иииии", "Уиии"), or a short abbreviation."""
    letters = word.group().replace("-", "")
    if len(letters) < 2 or any(not _VOWEL.search(part) for part in word.group().split("-")):
        return True
    if _DRAWN_OUT.search(letters.lower()):
        return True
    return len(letters) <= 4 and bool(_ABBREVIATED.match(text, word.end()))


def _adjective_of(parses: list, following: str, likely: float = LIKELY) -> bool:
    """Whether any likely adjective reading of a word agrees with ``following``: a form like
    "Каргильской" is read first as one case and may be another ("Каргильской войны")."""
    best = parses[0].score
    return any(
        _agrees(p, following)
        for p in parses
        if p.tag.POS in ("ADJF", "PRTF") and p.score >= likely * best
    )


def _agrees(parse: object, following: str) -> bool:
    """Whether ``following`` may be a noun in the case and number of an adjective ``parse``."""
    if not following:
        return False
    tag = parse.tag  # type: ignore[attr-defined]
    for other in analyzer().parse(following):  # type: ignore[attr-defined]
        if (
            other.tag.POS in ("NOUN", "ADJF")
            and other.tag.case == tag.case
            and (tag.number is None or other.tag.number == tag.number)
        ):
            return True
    return False


def listed_here(word: str) -> bool:
    """Whether a capitalised or upper-case word is a name of the shipped lists (США, Кремль,
    Подмосковье), whatever the dictionary's tags."""
    from ruen.names.spellings import listed

    if not word[:1].isupper():
        return False
    return any(listed([form]) is not None for form in nominatives(word)) or (
        word.isupper() and listed([word]) is not None
    )


def _listed_reading(word: str) -> tuple[str, str, bool]:
    from ruen.names.spellings import kind_of, listed

    form = next((f for f in nominatives(word) if listed([f]) is not None), word)
    return kind_of(form), form, True


@functools.lru_cache(maxsize=16384)
def nominatives(word: str, gender: str | None = None) -> tuple[str, ...]:
    """Every nominative a capitalised word may have as a name (or, failing that, as any
    word), the likeliest first; of ``gender`` ("masc", "femn") first where given."""
    parses = analyzer().parse(word)  # type: ignore[attr-defined]
    best = parses[0].score
    named = [
        p for p in parses if p.score >= LIKELY * best and p.tag.grammemes & (PERSON | PLACE)
    ] or [p for p in parses if p.score >= LIKELY * best]
    if gender:
        named.sort(key=lambda p: p.tag.gender != gender and "ms-f" not in p.tag.grammemes)
    found = []
    guessed = not any(_in_dictionary(p) for p in parses)
    if guessed and not _OBLIQUE.search(word.lower()) and not word.lower().endswith(("а", "я")):
        # A surname the dictionary does not know, read only as another word's case (Пурясев as
        # the genitive of Пурясевы), is its own nominative; one in -а or -я is a man's
        # genitive as often (Прайса, Гросса), and its nominative is guessed.
        found.append(word)
    for parse in named:
        # A plural reading (Пурясевых, Хунани) has a singular too: a family is one surname.
        for wanted in ({"nomn", "sing"}, {"nomn"}):
            nominative = parse.inflect(wanted)
            if nominative is not None:
                found.append(_capitalised(nominative.word, word))
        if not found:
            found.append(_capitalised(parse.word, word))
    if len(found) > 1 and found[0] == word and not guessed:
        found = [*found[1:], word]  # the dictionary's readings first, then the word itself
    return tuple(dict.fromkeys(found))


def _unknown(parses: list) -> bool:
    """The dictionary does not know the word: its readings are all guessed."""
    return not any(_in_dictionary(p) for p in parses)


COMPOUND_PREFIXES = _words("compound_prefixes")


def _compound(parse: object) -> bool:
    """Whether the dictionary read a word as a shortened word and a common one (Госсуд)."""
    stack = parse.methods_stack  # type: ignore[attr-defined]
    return any(
        type(method[0]).__name__ == "UnknownPrefixAnalyzer" and method[1] in COMPOUND_PREFIXES
        for method in stack[1:]
    )


def _in_dictionary(parse: object) -> bool:
    """Whether a reading is the dictionary's own, not a guess: pymorphy3 also answers from the
    dictionary for a word it cut an unknown prefix from (Гвардиолы as гвард + иолы, Винтур)."""
    stack = parse.methods_stack  # type: ignore[attr-defined]
    return type(stack[0][0]).__name__ == "DictionaryAnalyzer" and not any(
        type(method[0]).__name__ == "UnknownPrefixAnalyzer" for method in stack[1:]
    )


def _capitalised(word: str, like: str) -> str:
    """``word`` capitalised as ``like`` is (pymorphy3 answers in lower case)."""
    if word.lower() == like.lower():
        return like  # the word itself, inner capitals kept (МакНейлли)
    parts, model = word.split("-"), like.split("-")
    return "-".join(
        part.capitalize() if i < len(model) and model[i][:1].isupper() else part
        for i, part in enumerate(parts)
    )


def find(ru: str) -> list[Entity]:
    """The people and places of ``ru``, in text order."""
    return list(_find(ru))


@functools.lru_cache(maxsize=4096)
def _find(ru: str) -> tuple[Entity, ...]:
    """:func:`find`, remembered: repair checks a sentence against each of its hypotheses."""
    quoted = [m.span() for m in _QUOTED.finditer(ru)]
    words = list(_WORD.finditer(ru))
    phrases = _listed_phrases(ru, words, quoted)
    taken = {n for first, last, _ in phrases for n in range(first, last + 1)}
    found: list[Entity] = [entity for _, _, entity in phrases]
    run: list[tuple[re.Match[str], tuple[str, str, bool]]] = []

    def close() -> None:
        if run:
            found.append(_entity(ru, run, words))
            run.clear()

    for n, match in enumerate(words):
        word = match.group()
        if n in taken or (_not_a_name(ru, match) and not listed_here(word)):
            close()
            continue
        # Capitalised, and no capital inside a part: "УрФО", "КамАЗ" are abbreviations.
        capital = all(
            part[:1].isupper() and not any(c.isupper() for c in _NAME_PREFIX.sub("", part)[1:])
            for part in word.split("-")
            if part
        )
        quote = next(((a, b) for a, b in quoted if a <= match.start() < b), None)
        inside = quote is not None or ru[max(0, match.start() - 1) : match.start()] in ("'", "’")
        # A title capitalises its first word; a capital further in is a name ("остановили
        # Лукашенко", "политикой одного Китая"), and so is a title of first name and surname
        # (the ship «Петр Моргунов»).
        named_inside = quote is not None and (
            ru[quote[0] : match.start()].strip('«"„“ ') != ""
            or _all_people(ru[quote[0] : quote[1]])
        )
        reading = None
        before = words[n - 1] if n else None
        after = words[n + 1].group() if n + 1 < len(words) else ""
        if before is not None and _CURRENCY.match(before.group()) and word.isupper():
            reading = None  # "долларов США": the currency, not the country
        elif (
            capital
            and not inside
            and after.lower() in PLACE_NOUNS
            and _adjacent(ru, match, words[n + 1])
            and analyzer().parse(word)[0].tag.POS in ("ADJF", "PRTF")  # type: ignore[attr-defined]
            and nominatives(word)[0].capitalize() not in GENERIC_ADJECTIVES
        ):
            close()
            found.append(_place_phrase(ru, match, words[n + 1]))
            taken.add(n + 1)
            continue
        elif listed_here(word) and (not inside or named_inside):
            reading = _listed_reading(word)
            best = analyzer().parse(word)[0]  # type: ignore[attr-defined]
            if (
                reading[0] == "person"
                and _SENTENCE_START.search(ru, 0, match.start())
                and not best.tag.grammemes & PERSON
                and not _verb(after)
            ):
                reading = None  # "Крутой подъём": a common word may open a sentence
                # ("Песков заявил", a listed name before a verb, does)
        elif capital and not inside and word not in TITLES:
            initial, following, reading = _read_at(ru, words, n)
            named = bool(run) and _adjacent(ru, run[-1][0], match) and _is_first_name(run[-1])
            title = _title(before) if before and _adjacent(ru, before, match) else ""
            titled = title in HONORIFICS or (
                reading is None
                and title in RULERS
                and before.group()[:1].islower()
                and not _adjective(word)
            )
            adjective_of_noun = following[:1].islower() and _adjective_of(
                analyzer().parse(word),
                following,  # type: ignore[attr-defined]
            )  # "профессор Калифорнийского университета": the university's adjective
            if (
                (reading is None or reading[0] == "place")
                and (named or titled)
                and not (adjective_of_noun)
            ):
                # After a first name or "г-жа", a capitalised word is a surname, whatever
                # else the dictionary says it is ("Эмили Блант", "г-жа Пью").
                reading = ("name", word, False)
            elif reading is None and initial and _named_subject(match, words[n + 1 : n + 4], ru):
                # A sentence opened by a surname the dictionary does not know, or knows as a
                # surname beside a word's plural ("Кузьминов выиграл", "Крючков также
                # отметил"): a singular verb agrees with no other reading.
                reading = ("name", word, False)
            elif reading is None and not initial and _bare_noun(word, following):
                # Russian capitalises a noun mid-sentence only as a name: a surname that is
                # also a word for a being ("Кеша", "Блант"), unless it is a title or agrees
                # with the words after it.
                reading = ("name", word, False)
        elif capital and named_inside and word not in TITLES:
            reading = _read_at(ru, words, n)[2]
            if reading is not None and (reading[0] != "person" or not reading[2]):
                reading = None
            if reading is None and run and _adjacent(ru, run[-1][0], match):
                reading = ("name", word, False)  # the surname after a first name («Петр Моргунов»)
        if reading is not None and reading[0] != "place" and _part_of_a_title(ru, words, n, run):
            reading = None
        if reading is None:
            close()
            continue
        if run and (
            not _adjacent(ru, run[-1][0], match)
            or _kind(run[-1][1][0]) != _kind(reading[0])
            or (reading[0] == run[-1][1][0] == "place" and not _adjective(run[-1][0].group()))
            or (_is_first_name((match, reading)) and not _is_first_name(run[-1]))
        ):
            close()  # a first name after a surname begins another person ("Льва Толстого
            # Софье Толстой"); a place's noun after another, another place ("Монако Францией")
        run.append((match, reading))
    close()
    return tuple(sorted(found, key=lambda entity: entity.start))


# Nouns official texts and news capitalise inside names of bodies, acts and events: not a
# person's or a place's name ("Министерство", "Указ", "Чемпионат").
INSTITUTIONS = _words("institutions")
# Nouns that make a place of the capitalised adjective before them ("Волгоградской области",
# "Пушкинской площади", "Курильских островов", "Оттоманской империи").
PLACE_NOUNS = _words("place_nouns")
GENERIC_ADJECTIVES = _words("generic_adjectives")


# Words before a surname: what follows them is a person.
HONORIFICS = _words("honorifics")
RULERS = _words("rulers")
EPITHETS = _words("epithets")


def _title(word: re.Match[str]) -> str:
    """The nominative of a word before a name ("г-жи", "Г-жа": г-жа)."""
    return analyzer().parse(word.group().lower())[0].normal_form  # type: ignore[attr-defined]


# Endings only a case other than the nominative gives a name (Эрдоганом, Захаровой, Лавровым).
_CASE_ENDING = re.compile(r"(?:ом|ем|ём|ым|им|ой|ей|ого|его|ому|ему|ами|ями|ах|ях)$")
# A nominative's own shapes, which the dictionary may read as a plural's genitive (Мясников,
# Кузьминов) or a word's other case (Ламарр, Хунань: a consonant ends no case of a name).
_NOMINATIVE_SHAPE = re.compile(r"(?:ов|ев|ёв|ин|ын|[бвгджзклмнпрстфхцчшщь])$")


@functools.lru_cache(maxsize=16384)
def oblique(word: str) -> bool:
    """Whether a word is surely a name in a case other than the nominative: every reading the
    dictionary gives it says so, and its ending is one no nominative has (Китая as a known
    word's genitive, Эрдоганом; not Шойгу, which does not decline, nor Сирте, a borrowed name
    the dictionary does not know, whose -е may be its own)."""
    lower = word.lower()
    if _NOMINATIVE_SHAPE.search(lower):
        return False
    parses = analyzer().parse(word)  # type: ignore[attr-defined]
    best = parses[0].score
    likely = [p for p in parses if p.score >= LIKELY * best]
    if not all(p.tag.case not in (None, "nomn") and "Fixd" not in p.tag.grammemes for p in likely):
        return False
    # Known as a name's case form: a common word's case the name only looks like ("Дембеле",
    # the locative of дембель) says nothing of a foreign name that does not decline.
    known = all(_in_dictionary(p) for p in likely) and any(
        p.tag.grammemes & (PERSON | PLACE) for p in likely
    )
    return known or bool(_CASE_ENDING.search(lower))


def _all_people(title: str) -> bool:
    """Whether a title in quotation marks is a first name the dictionary knows and surnames
    and nothing else («Петр Моргунов»)."""
    words = _WORD.findall(title)
    if len(words) < 2 or not all(word[:1].isupper() for word in words):
        return False
    first = analyzer().parse(words[0])  # type: ignore[attr-defined]
    return (
        any("Name" in p.tag.grammemes and _in_dictionary(p) for p in first[:2])
        and all(
            _SURNAME_SHAPE.search(word)
            or any(p.tag.grammemes & PERSON for p in analyzer().parse(word)[:3])  # type: ignore[attr-defined]
            for word in words[1:]
        )
    )


def _oblique_surname(word: str, parses: list) -> bool:
    """A word shaped like a surname in the nominative (-ов, -ев, -ин...) that the dictionary
    reads only as a thing's genitive plural ("Пушков": of пушок): before a singular verb it
    is the subject, so the name ("Пушков назвал"); people in the genitive open a sentence as
    its object ("Депутатов возмутил закон")."""
    return bool(_SURNAME_SHAPE.search(word)) and all(
        p.tag.POS == "NOUN"
        and p.tag.case == "gent"
        and p.tag.number == "plur"
        and "inan" in p.tag.grammemes
        for p in parses
    )


def _named_subject(word: re.Match[str], after: list[re.Match[str]], text: str) -> bool:
    """Whether a word opening a sentence is a person's name by the verb after it: the word is
    unknown to the dictionary or a surname to it, and the first word after it that is no adverb
    or particle is a verb in the third person singular or the singular past of a person."""
    parses = analyzer().parse(word.group())  # type: ignore[attr-defined]
    if not (
        _unknown(parses)
        or any("Surn" in p.tag.grammemes for p in parses)
        or _oblique_surname(word.group(), parses)
    ):
        return False
    if any(
        p.tag.POS == "NOUN" and p.tag.case == "nomn" and not p.tag.grammemes & PERSON
        for p in parses
    ):
        return False  # a common noun may be the subject ("Машина загорелась")
    previous = word
    for match in after:
        if not _adjacent(text, previous, match):
            return False
        previous = match
        tag = analyzer().parse(match.group())[0].tag  # type: ignore[attr-defined]
        if tag.POS in ("ADVB", "PRCL"):
            continue
        return (
            tag.POS == "VERB"
            and tag.number == "sing"
            and (tag.person == "3per" or (tag.tense == "past" and tag.gender in ("masc", "femn")))
        )
    return False


def _adjective(word: str) -> bool:
    """Whether a word is read first as an adjective ("Священной Римской")."""
    return analyzer().parse(word)[0].tag.POS in ("ADJF", "PRTF")  # type: ignore[attr-defined]


def _part_of_a_title(text: str, words: list[re.Match[str]], n: int, run: list) -> bool:
    """Whether word ``n``, read as a person, is a title's word and no one's name: a noun
    that names events and bodies standing alone (Олимпиада, also a woman's first name,
    beside no other name), or the adjective a title takes ("Папа Римский", "Патриарх
    Московский"): precision first, a flag only where the finder is sure of a person."""
    word = words[n].group()
    before = words[n - 1] if n else None
    after = words[n + 1] if n + 1 < len(words) else None
    beside_a_name = (bool(run) and _adjacent(text, run[-1][0], words[n])) or (
        after is not None and after.group()[:1].isupper() and _adjacent(text, words[n], after)
    )
    if word in INSTITUTIONS and not beside_a_name:
        return True
    return (
        before is not None
        and _title(before).capitalize() in TITLES
        and _adjacent(text, before, words[n])
        and _adjective(word)
    )


def _verb(word: str) -> bool:
    """Whether a word is read first as a verb ("заявил")."""
    if not word or not word[:1].islower():
        return False
    return analyzer().parse(word)[0].tag.POS in ("VERB", "INFN")  # type: ignore[attr-defined]


def _bare_noun(word: str, following: str) -> bool:
    """A capitalised noun that no official name, title or phrase accounts for."""
    if word in INSTITUTIONS or word in TITLES or "-" in word:
        return False
    best = analyzer().parse(word)[0]  # type: ignore[attr-defined]
    if best.tag.POS != "NOUN" or best.tag.animacy != "anim":
        return False  # a person's surname that is also a word names a being
    if best.normal_form.capitalize() in INSTITUTIONS | TITLES:
        return False
    return not (following and following[:1].islower() and _agrees(best, following))


def _place_phrase(text: str, adjective: re.Match[str], noun: re.Match[str]) -> Entity:
    """A place named by a capitalised adjective and a geographic noun: "Волгоградской
    области", its nominative "Волгоградская область"."""
    first = analyzer().parse(adjective.group())[0]  # type: ignore[attr-defined]
    second = analyzer().parse(noun.group())[0]  # type: ignore[attr-defined]
    number = {"sing"} if second.tag.number == "sing" else {"plur"}
    nominative = second.inflect({"nomn"} | number) or second
    gender = {nominative.tag.gender} if nominative.tag.gender and "sing" in number else set()
    adjective_form = first.inflect({"nomn"} | number | gender) or first
    head = _capitalised(adjective_form.word, adjective.group())
    lemma = f"{head} {nominative.word}"
    start, stop = adjective.start(), noun.end()
    said = text[start:stop]
    return Entity("place", start, stop, said, lemma, adjective.group(), head, True, said, (head,))


def _is_first_name(item: tuple[re.Match[str], tuple[str, str, bool]]) -> bool:
    """Whether the word is read first as a first name (Иван, Хосепа as Хосеп's genitive)."""
    parses = analyzer().parse(item[0].group())  # type: ignore[attr-defined]
    return any("Name" in p.tag.grammemes for p in parses[:2])


def _listed_phrases(
    text: str, words: list[re.Match[str]], quoted: list[tuple[int, int]]
) -> list[tuple[int, int, Entity]]:
    """Names of two to four words the lists hold, in any case ("Соединенных Штатов",
    "Тихом океане", "Китайской Народной Республики"): (first word, last word, entity)."""
    import itertools

    from ruen.names.spellings import _key, listed, phrase_starts

    found: list[tuple[int, int, Entity]] = []
    n = 0
    while n < len(words):
        first = words[n]
        # A listed name may open with a common noun ("округ Колумбия": District of Columbia,
        # not Colombia), a name's word after it.
        capitalised = first.group()[:1].isupper() or (
            n + 1 < len(words) and words[n + 1].group()[:1].isupper()
        )
        if (
            not capitalised
            or any(a <= first.start() < b for a, b in quoted)
            or not any(
                _key(form)[:1] and _key(form)[0] in phrase_starts()
                for form in _phrase_nominatives(first.group())
            )
        ):
            n += 1
            continue
        for size in (4, 3, 2):
            span = words[n : n + size]
            if len(span) < size or any(
                not _adjacent(text, a, b) for a, b in itertools.pairwise(span)
            ):
                continue
            choices = [_phrase_nominatives(w.group()) for w in span]
            entry = next(
                (
                    hit
                    for combination in itertools.product(*choices)
                    if (hit := listed(list(combination))) is not None
                ),
                None,
            )
            if entry is not None:
                start, stop = span[0].start(), span[-1].end()
                head = span[-1].group()
                said = text[start:stop]
                name = entry.russian
                entity = Entity(
                    entry.kind, start, stop, said, name, head, name, True, said, (name,)
                )
                found.append((n, n + size - 1, entity))
                n += size
                break
        else:
            n += 1
    return found


@functools.lru_cache(maxsize=16384)
def _phrase_nominatives(word: str) -> tuple[str, ...]:
    """A word's likeliest nominatives, then those of its unlikely readings: a phrase the lists
    hold is evidence enough for a rare reading ("на Среднем Западе": Среднем is read first as
    the noun среднее, the Midwest's adjective a twelfth as often)."""
    found = list(nominatives(word)[:3])
    for parse in analyzer().parse(word):  # type: ignore[attr-defined]
        nominative = parse.inflect({"nomn", "sing"}) or parse.inflect({"nomn"})
        if nominative is not None:
            found.append(_capitalised(nominative.word, word))
    return tuple(dict.fromkeys(found))


def _kind(kind: str) -> str:
    """People and unknown names go together ("Уильям Сэдлер"); places apart from them."""
    return "place" if kind == "place" else "person"


def _korean(words: list[str]) -> bool:
    """Whether a person's words are a Korean name, the family name first: three words of one
    syllable, the last of two where a case ending adds one (Мун Чжэ Ина, Moon Jae-in; Юн Сок
    Ёля): the given name's last syllable is no surname."""
    syllables = [len(_VOWEL.findall(word)) for word in words]
    return len(words) == 3 and syllables[:2] == [1, 1] and syllables[2] in (1, 2)


def _adjacent(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    return text[left.end() : right.start()] in (" ", "\u00a0")


def _entity(
    text: str,
    run: list[tuple[re.Match[str], tuple[str, str, bool]]],
    words: list[re.Match[str]],
) -> Entity:
    kinds = {reading[0] for _, reading in run}
    kind = "person" if "person" in kinds else "place" if "place" in kinds else "person"
    # The last word carries the name: a surname, or a patronymic after a first name ("Сергей
    # Александрович"), which translations keep; surnames of -ович look like patronymics
    # (Кальманович, Лукашевич).
    head, reading = run[-1]
    if kind == "person" and len(run) > 1:  # "Людовик Немецкий", "Николай Второй": an epithet
        for match, item in reversed(run):
            parses = analyzer().parse(match.group())  # type: ignore[attr-defined]
            surname = any("Surn" in p.tag.grammemes for p in parses[:4])
            best = parses[0]
            # A byname may be a noun too ("Вильгельм Завоеватель", "Эдуард Исповедник").
            epithet = (
                best.tag.POS == "NUMR"
                or best.normal_form.capitalize() in EPITHETS
                or (best.tag.POS == "ADJF" and "Anum" in best.tag.grammemes)
            )
            if surname or not epithet:  # any other adjective is a surname ("Виханский")
                head, reading = match, item
                break
    if kind == "person" and _korean([m.group() for m, _ in run]):
        head, reading = run[0]
    gender = None
    if kind == "person":  # a first name says the surname's gender: "Ирина Ярцева"
        for match, _ in run[:-1]:
            tags = analyzer().parse(match.group())[0].tag  # type: ignore[attr-defined]
            if "Name" in tags.grammemes and tags.gender in ("masc", "femn"):
                gender = tags.gender
    head_lemmas = nominatives(head.group(), gender) if reading[0] != "name" else (head.group(),)
    start, stop = run[0][0].start(), run[-1][0].end()
    lemma = " ".join(
        (head_lemmas[0] if m is head else r[1]) if r[0] != "name" else m.group() for m, r in run
    )
    context = start
    for before in reversed([w for w in words if w.end() <= start][-2:]):
        if not before.group()[:1].isupper() or text[before.end() : context] != " ":
            break
        context = before.start()
    return Entity(
        kind,
        start,
        stop,
        text[start:stop],
        lemma,
        head.group(),
        head_lemmas[0],
        reading[2],
        text[context:stop],
        head_lemmas,
    )

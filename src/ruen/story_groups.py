"""One story however many outlets tell it: two reports of one event in their own words.

``ruen.stories`` sets aside reprints (the same text, cut or padded). This module groups what a
reprint check cannot: TASS, RIA and a ministry's own site each writing up one event. Two
texts are taken for one story when

1. **each headline's names are, at least half of them, in the other text, and every person
   it names** (a headline naming no one passes): the who and where of an event are the words
   outlets do not paraphrase, and a person is the who (a deputy's comment on a kidnapping is
   another story than the kidnapping). The names are weighed by how rare they are in news
   (:func:`rarity`: "Россия" little, "Минобрнауки" much), one place has one name (РФ is
   Россия, by ``ruen.names``' list of places), a name misspelt by a letter is still the name
   ("Гепрокуратура", "Белгородскео") and initials are found spelt out ("ЕАО": "Еврейская
   автономная область"). The hard cases of the crowd-labelled pairs
   (``benchmarks/stories.py``) are the same topic on different events: the weather in Brest
   and in Gomel, one party's two decisions, one minister's two speeches, two mattresses of
   one maker; the names of one headline missing from the other text tell most of them apart;
2. **their headlines give no different dates** ("на 8 ноября", "на 18 ноября"): a daily
   forecast or count is a new story each day;
3. **their words overlap, and each headline is told in the other text**: the cosine of their
   TF-IDF vectors of four-character pieces of words, times the share of each headline's
   words (dictionary forms, weighed by rarity) the other's lead holds, the smaller share,
   reaches :data:`THRESHOLD`. Pieces of words, not words, because Russian declines:
   "Минску" and "Минска" share "минс"; weighted by how rare a piece is in news (a background
   table of WMT news documents, ``benchmarks/story_background.py``), so that "сообщ" weighs
   little and "шугал" much. The headline's share, because a headline says what happened:
   a minister's graduation plans and the same minister's exam plans share most of their
   words but neither text tells the other's headline (on the dev pairs, cross-validated:
   precision 0.923 to 0.944, recall 0.872 to 0.904).

Why these and not a learned model over more signals: on the 108 dev pairs a logistic
regression over words, characters, titles, names and numbers, cross-validated, scored no
better than the rules (F1 0.89 at best for every mix tried, the headline's share among them),
and each rule can be read and checked. Navec's word vectors (natasha), averaged or matching a
headline's words softly, added nothing. What would do better is a sentence encoder trained on
Russian news (the Dialogue 2021 task's best pair F1 was 0.96 with fine-tuned BERT); none
ships in the wheels ruen has.

Grouping (:class:`StoryGroups`): a text joins the story one of whose tellings within
:data:`WINDOW` it is the same story as, the most similar one where several are; never a story
its own source already told (an outlet does not report one event twice: two of its items are
two stories, as the Telegram contest's clustering held); else it starts a story of its own.
It is the same decision as :func:`same_story`, asked only of the tellings that share enough
of a new text's rarest pieces to pass it.
"""

from __future__ import annotations

import gzip
import re
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ruen.errors import MissingExtraError
from ruen.stopwords import STOP_WORDS

if TYPE_CHECKING:
    from ruen.documents import Document

# The score two tellings of one story reach, their cosine times the share of each headline the
# other tells (fitted on the dev pairs by benchmarks/stories.py --same-story: the threshold of
# the best F0.5, precision first, on all 108 pairs, with the two rules applied).
THRESHOLD = 0.111
# Characters of a text compared: the lead, where an outlet tells what happened.
LEAD_CHARACTERS = 3000
# How far apart two tellings of one story may be published.
WINDOW = timedelta(days=2)
PIECE = 4
# A telling's rarest pieces, by which a new text finds the tellings worth comparing with: it
# is compared with those of which it holds HEAVY_SHARED (every dev pair taken for one story
# holds 9 or more of the other's 32 rarest, both ways; 4 leaves a margin).
HEAVY = 32
HEAVY_SHARED = 4
# The share of each headline's names the other text must hold.
NAMES_SHARED = 0.5
# A name this long misspelt by one letter (missed, added, wrong or swapped) is still the name:
# shorter names differ by a letter (Иран, Ирак).
TYPO_LENGTH = 6
# The letters a word's forms and its dictionary form begin with alike ("заразились",
# "заразить"): a headline's word is looked for among the other text's words that begin so.
STEM = 3
BACKGROUND = Path(__file__).resolve().parent / "data" / "news_char4_df.tsv.gz"

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_TOKEN = re.compile(r"[\w-]+")
_LATIN = re.compile(r"[A-Za-z]")
_LETTERS = re.compile(r"[^\W\d_]+")
_FUNCTION_WORDS = STOP_WORDS["ru"]
_MONTHS = "январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр"
_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})", re.IGNORECASE)
# pymorphy3's tags of a proper name: a capitalised word opening a headline counts as a name
# only with one of these (else "Погода", "Появилось" would be names).
_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def pieces(text: str) -> Counter[str]:
    """The four-character pieces of the text's words (a word's ends marked by a space), lower
    case, "ё" as "е"."""
    padded = [f" {word} " for word in _WORD.findall(text.lower().replace("ё", "е"))]
    return Counter(word[i : i + PIECE] for word in padded for i in range(len(word) - PIECE + 1))


@lru_cache(maxsize=1)
def _background() -> tuple[dict[str, int], int]:
    with gzip.open(BACKGROUND, "rt", encoding="utf-8") as lines:
        _, documents = next(lines).rstrip("\n").split("\t")
        table = {}
        for line in lines:
            piece, n = line.rstrip("\n").split("\t")
            table[piece] = int(n)
    return table, int(documents)


def _analyzer():  # type: ignore[no-untyped-def]
    from ruen.names.entities import analyzer

    try:
        return analyzer()
    except MissingExtraError:
        raise MissingExtraError("telling one story from another", "follow", "pymorphy3") from None


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """One name for a place however it is called (РФ and Россия, Белоруссия and Беларусь): the
    first one-word Russian name ``ruen.names``' list of places gives for its usual English
    name."""
    from ruen.names.spellings import shipped

    first: dict[str, str] = {}
    one_word = {
        key[0]: entry.spellings[0]
        for key, entry in shipped().items()
        if entry.kind == "place" and len(key) == 1 and entry.spellings
    }
    for russian, english in one_word.items():
        first.setdefault(english, russian)
    return {russian: first[english] for russian, english in one_word.items()}


@lru_cache(maxsize=50_000)
def _name(word: str, opening: bool) -> str | None:
    """The word's name in the nominative (lower case), or None where it is not a name."""
    if _LATIN.match(word):
        return word.lower()
    if not word[0].isupper() or word.isdigit():
        return None
    if word.isupper() and len(word) > 1:  # МВД, ЦИК, ПНС: kept in capitals, read as initials
        return _places().get(word.lower(), word)  # РФ: россия
    parses = _analyzer().parse(word.lower())
    if opening and not any(_NAME_TAGS & parse.tag.grammemes for parse in parses[:2]):
        return None  # the headline's first word is capitalised anyway
    name = parses[0].normal_form.replace("ё", "е")
    return _places().get(name, name)


def names(text: str, *, as_written: bool = False) -> frozenset[str]:
    """The names a text uses, in the nominative: capitalised words (a sentence's first word
    only where the dictionary knows it as a name), abbreviations, words in Latin letters.
    ``as_written``: each also as the text writes it (lower case), so that a headline's
    misspelt name is a letter from it ("Белгородскео", "Белгородское")."""
    found = set()
    for sentence in _SENTENCE.split(text):
        for n, word in enumerate(_TOKEN.findall(sentence)):
            name = _name(word, n == 0)
            if name:
                found.add(name)
                if as_written:
                    found.add(word.lower())
    return frozenset(found)


def people(headline: str) -> frozenset[str]:
    """The people a headline names (by ``ruen.names``), each as :func:`names` reads its
    surname."""
    from ruen.names.entities import find

    found = (_name(entity.head, False) for entity in find(headline) if entity.kind == "person")
    return frozenset(name for name in found if name)


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> str:
    return _analyzer().parse(word)[0].normal_form.replace("ё", "е")


def words(text: str) -> frozenset[str]:
    """The dictionary forms of a text's words (lower case, "ё" as "е"), function words left
    out: "заражен" and "заразились" are both "заразить"."""
    return frozenset(
        _lemma(word) for word in _LETTERS.findall(text.lower()) if word not in _FUNCTION_WORDS
    )


def dates(text: str) -> frozenset[tuple[int, str]]:
    """The days of the month a text names ("8 ноября": (8, "ноя"))."""
    return frozenset((int(day), month.lower()[:3]) for day, month in _DATE.findall(text))


_VOCABULARY: dict[str, int] = {}  # piece -> number, for this process's vectors


@dataclass(frozen=True)
class Telling:
    """One outlet's text of a story, as the comparison reads it. Its vector of word pieces is
    made at once (every new text is compared by it); what the rules read (names, dates, the
    headline's words) is read with the dictionary when first asked for, as most tellings are
    never close enough to another's for the rules to be asked."""

    title: str
    text: str
    source: str | None = None
    published: datetime | None = None
    # The TF-IDF vector: sorted piece numbers and their weights (unit length).
    numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    @property
    def headline(self) -> str:
        """The title, or a plain text's first sentence."""
        return self.title or _first_sentence(self.text)

    @property
    def lead(self) -> str:
        """The headline and the start of the text: what is compared."""
        return _lead(self.title, self.text)

    @cached_property
    def title_names(self) -> frozenset[str]:
        return names(self.headline)

    @cached_property
    def text_names(self) -> frozenset[str]:
        return names(self.lead, as_written=True)

    @cached_property
    def title_dates(self) -> frozenset[tuple[int, str]]:
        return dates(self.headline)

    @cached_property
    def title_people(self) -> frozenset[str]:
        """The people its headline names (their surnames, as :func:`names` reads them): the
        who of the event, which the other telling must name too."""
        return people(self.headline)

    @cached_property
    def title_words(self) -> frozenset[str]:
        """The words of its headline (dictionary forms): what it says happened, which the
        other telling must tell too."""
        return words(self.headline)

    @cached_property
    def text_words(self) -> tuple[str, ...]:
        """The words of its lead as written (lower case, "ё" as "е"), sorted (each string
        shared with the other tellings that use the word)."""
        return tuple(
            sorted({sys.intern(w) for w in _LETTERS.findall(self.lead.lower().replace("ё", "е"))})
        )

    def tells(self, word: str) -> bool:
        """Whether its lead holds the word (a dictionary form) in any of its forms: among the
        words that begin with its first :data:`STEM` letters, only those are read with the
        dictionary."""
        written = self.text_words
        start = bisect_left(written, word[:STEM])
        for form in written[start:]:
            if not form.startswith(word[:STEM]):
                return False
            if form == word or _lemma(form) == word:
                return True
        return False

    @property
    def heavy(self) -> np.ndarray:
        """The numbers of its :data:`HEAVY` heaviest (rarest, most repeated) pieces."""
        return self.numbers[np.argsort(-self.weights, kind="stable")[:HEAVY]]

    @classmethod
    def of(
        cls,
        text: str,
        title: str | None = None,
        *,
        source: str | None = None,
        published: datetime | None = None,
    ) -> Telling:
        title = title or ""
        table, documents = _background()
        counts = pieces(_lead(title, text))
        numbers = np.fromiter(
            (_VOCABULARY.setdefault(p, len(_VOCABULARY)) for p in counts),
            dtype=np.int64,
            count=len(counts),
        )
        seen_in = np.fromiter(
            (table.get(p, 0) for p in counts), dtype=np.float64, count=len(counts)
        )
        times = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = (1 + np.log(times)) * (np.log((1 + documents) / (1 + seen_in)) + 1)
        order = np.argsort(numbers)
        weights = weights[order] / (np.linalg.norm(weights) or 1.0)
        return cls(title, text, source, published, numbers[order], weights)


def _lead(title: str, text: str) -> str:
    return (f"{title}.\n{text}" if title else text)[:LEAD_CHARACTERS]


def _first_sentence(text: str) -> str:
    return _SENTENCE.split(text.strip(), maxsplit=1)[0] if text.strip() else ""


def similarity(first: Telling, second: Telling) -> float:
    """The cosine of the two tellings' vectors of weighted word pieces."""
    _, i, j = np.intersect1d(first.numbers, second.numbers, assume_unique=True, return_indices=True)
    return float(first.weights[i] @ second.weights[j])


def told(first: Telling, second: Telling) -> float:
    """How much of each headline the other telling tells: the share of its words (dictionary
    forms) the other's headline and lead hold, each word weighed by its :func:`rarity`, the
    smaller of the two shares (1 for a headline of no words)."""
    return min(_share(a.title_words, b.tells) for a, b in ((first, second), (second, first)))


def _share(words_: frozenset[str], held: Callable[[str], bool]) -> float:
    """The rarity-weighed share of the words that are held (1 for no words)."""
    if not words_:
        return 1.0
    weights = {word: rarity(word) for word in words_}
    return sum(w for word, w in weights.items() if held(word)) / sum(weights.values())


@lru_cache(maxsize=100_000)
def rarity(word: str) -> float:
    """How rare a word is in news: the inverse document frequency of its rarest four-character
    piece in the background table ("год" little, "шугалей" much), as the pieces are weighed."""
    table, documents = _background()
    return max(
        (np.log((1 + documents) / (1 + table.get(piece, 0))) + 1 for piece in pieces(word)),
        default=1.0,
    )


def _holds(telling: Telling, name: str) -> bool:
    """Whether a telling names ``name``: as it is, misspelt by a letter where the name is
    :data:`TYPO_LENGTH` letters or more ("Гепрокуратура"), or, for initials, spelt out
    ("ЕАО": "в Еврейской автономной области")."""
    if name in telling.text_names:
        return True
    if len(name) >= TYPO_LENGTH and _closest(name, telling.text_names):
        return True
    return name.isupper() and bool(_spelt_out(name).search(telling.lead))


def _closest(name: str, names_: frozenset[str]) -> bool:
    try:
        from rapidfuzz.distance import OSA
        from rapidfuzz.process import extractOne
    except ImportError:
        raise MissingExtraError("telling one story from another", "follow", "rapidfuzz") from None

    return extractOne(name, names_, scorer=OSA.distance, score_cutoff=1) is not None


@lru_cache(maxsize=4096)
def _spelt_out(initials: str) -> re.Pattern[str]:
    """Words whose first letters are the initials ("ДТП": "дорожно-транспортное происшествие")."""
    body = r"\w*[\s-]+".join(re.escape(letter) for letter in initials)
    return re.compile(rf"(?<!\w){body}", re.IGNORECASE)


def _names_agree(first: Telling, second: Telling) -> bool:
    """Whether each headline's names, weighed by their :func:`rarity`, are at least
    :data:`NAMES_SHARED` in the other text (a headline that names no one agrees with any),
    and every person it names is."""
    return all(
        _share(a.title_names, lambda name, b=b: _holds(b, name)) >= NAMES_SHARED
        and all(_holds(b, person) for person in a.title_people)
        for a, b in ((first, second), (second, first))
    )


def _dates_agree(first: Telling, second: Telling) -> bool:
    return not (first.title_dates and second.title_dates) or bool(
        first.title_dates & second.title_dates
    )


def _telling(value: Telling | Document | str) -> Telling:
    if isinstance(value, Telling):
        return value
    if isinstance(value, str):
        return Telling.of(value)
    return Telling.of(value.text, value.title)


def same_story(
    first: Telling | Document | str,
    second: Telling | Document | str,
    *,
    threshold: float = THRESHOLD,
) -> bool:
    """Whether two texts (``Document``s, whose titles count as headlines, or plain texts)
    report one story: their headlines' names and dates agree, their words overlap and each
    headline is told in the other text.

    >>> same_story(a, b)  # doctest: +SKIP
    """
    return score(_telling(first), _telling(second)) >= threshold


def score(first: Telling, second: Telling) -> float:
    """How far two tellings are one story: their words' overlap times how much of each
    headline the other tells, where the rules let them be one story; else 0."""
    if not (_names_agree(first, second) and _dates_agree(first, second)):
        return 0.0
    return similarity(first, second) * told(first, second)


class StoryGroups:
    """The stories of a stream of texts: :meth:`add` says which story a new text joins.

    Tellings are indexed by their :data:`HEAVY` rarest pieces, so that a new text is compared
    only with those that hold one of its pieces: 1,000 texts are grouped in about a second
    (``benchmarks/stories.py``)."""

    def __init__(self, *, window: timedelta = WINDOW, threshold: float = THRESHOLD) -> None:
        self.window, self.threshold = window, threshold
        self.tellings: dict[str, Telling] = {}
        self.story: dict[str, str] = {}  # telling's key -> its story's key
        self._sources: dict[str, set[str]] = {}  # story -> the sources that told it
        self._by_piece: dict[int, set[str]] = {}  # a telling's heaviest pieces -> the telling

    def __len__(self) -> int:
        return len(self.tellings)

    def add(self, key: str, telling: Telling, story: str | None = None) -> str:
        """Group ``telling`` (known as ``key``) and return its story's key: the key of the
        story's first telling. ``story``: a grouping decided before (a store read back),
        taken as it is."""
        if story is None:
            story = self._best(telling) or key
        self.tellings[key], self.story[key] = telling, story
        if telling.source:
            self._sources.setdefault(story, set()).add(telling.source)
        for piece in telling.heavy.tolist():
            self._by_piece.setdefault(piece, set()).add(key)
        return story

    def forget(self, before: datetime) -> int:
        """Drop the tellings published before ``before`` (out of reach of any new one's
        window); return how many."""
        old = [k for k, t in self.tellings.items() if t.published and t.published < before]
        for key in old:
            telling = self.tellings.pop(key)
            del self.story[key]
            for piece in telling.heavy.tolist():
                self._by_piece[piece].discard(key)
                if not self._by_piece[piece]:
                    del self._by_piece[piece]
        live = set(self.story.values())
        self._sources = {story: s for story, s in self._sources.items() if story in live}
        return len(old)

    def _candidates(self, telling: Telling) -> list[str]:
        """The tellings :data:`HEAVY_SHARED` of whose rarest pieces this one holds."""
        sharing: Counter[str] = Counter()
        for piece in self._by_piece.keys() & set(telling.numbers.tolist()):
            sharing.update(self._by_piece[piece])
        return [key for key, n in sharing.items() if n >= HEAVY_SHARED]

    def _best(self, telling: Telling) -> str | None:
        candidates = self._candidates(telling)
        if not candidates:
            return None
        dense = np.zeros(len(_VOCABULARY))
        dense[telling.numbers] = telling.weights
        best, best_score = None, 0.0
        for key in candidates:
            other = self.tellings[key]
            story = self.story[key]
            if telling.source and telling.source in self._sources.get(story, ()):
                continue  # an outlet does not tell one story twice
            apart = (
                abs(telling.published - other.published)
                if telling.published and other.published
                else timedelta(0)
            )
            if apart > self.window:
                continue
            value = float(dense[other.numbers] @ other.weights)
            if value < max(self.threshold, best_score):
                continue  # the headlines' share of it can only lower it
            value *= told(telling, other)
            if value < max(self.threshold, best_score):
                continue
            if _names_agree(telling, other) and _dates_agree(telling, other):
                best, best_score = story, value
        return best

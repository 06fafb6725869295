"""One story however many outlets tell it: two reports of one event in their own words.

``ruen.stories`` sets aside reprints (the same text, cut or padded). This module groups what a
reprint check cannot: TASS, RIA and a ministry's own site each writing up one event. Two
texts are taken for one story when

1. **at least half the names in each headline are in the other text, and every person it
   names** (a headline naming no one passes): the who and where of an event are the words
   outlets do not paraphrase, and a person is the who (a deputy's comment on a kidnapping is
   another story than the kidnapping: precision 0.851 to 0.870 on the dev pairs,
   cross-validated, recall unchanged). The
   hard cases of the crowd-labelled pairs (``benchmarks/stories.py``) are the same topic on
   different events: the weather in Brest and in Gomel, one party's two decisions, one
   minister's two speeches, two mattresses of one maker; the names of one headline missing
   from the other text tell most of them apart. Half, not every one: one outlet's headline
   names the minister, another's the ministry and the city;
2. **their headlines give no different dates** ("на 8 ноября", "на 18 ноября"): a daily
   forecast or count is a new story each day;
3. **their words overlap**: the cosine of their TF-IDF vectors of four-character pieces of
   words reaches :data:`THRESHOLD`. Pieces of words, not words, because Russian declines:
   "Минску" and "Минска" share "минс"; weighted by how rare a piece is in news (a background
   table of WMT news documents, ``benchmarks/story_background.py``), so that "сообщ" weighs
   little and "шугал" much.

Why these and not a learned model over more signals: on the 108 dev pairs a logistic
regression over words, characters, titles, names and numbers, cross-validated, scored no
better than the character cosine behind the two rules (F1 0.80-0.84 for every mix tried),
and each rule can be read and checked. Navec's averaged word vectors (natasha) scored lower
than the character cosine. What would do better is a sentence encoder trained on Russian news
(the Dialogue 2021 task's best pair F1 was 0.96 with fine-tuned BERT); none ships in the wheels
ruen has.

Grouping (:class:`StoryGroups`): a text joins the story one of whose tellings within
:data:`WINDOW` it is the same story as, the most similar one where several are; never a story
its own source already told (an outlet does not report one event twice: two of its items are
two stories, as the Telegram contest's clustering held); else it starts a story of its own.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ruen.errors import MissingExtraError

if TYPE_CHECKING:
    from ruen.documents import Document

# The cosine two tellings of one story reach (fitted on the dev pairs by benchmarks/stories.py
# --same-story: the threshold of the best F1 on all 108 pairs, with the two rules applied).
THRESHOLD = 0.316
# Characters of a text compared: the lead, where an outlet tells what happened.
LEAD_CHARACTERS = 3000
# How far apart two tellings of one story may be published.
WINDOW = timedelta(days=2)
PIECE = 4
# A telling's rarest pieces, by which a new text finds the tellings worth comparing with: every
# dev pair above the threshold shares one of its 16 rarest both ways; 32 leaves a margin.
HEAVY = 32
# The share of each headline's names the other text must hold.
NAMES_SHARED = 0.5
BACKGROUND = Path(__file__).resolve().parent / "data" / "news_char4_df.tsv.gz"

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_TOKEN = re.compile(r"[\w-]+")
_LATIN = re.compile(r"[A-Za-z]")
_MONTHS = "январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр"
_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})", re.IGNORECASE)
# pymorphy3's tags of a proper name: a capitalised word opening a headline counts as a name
# only with one of these (else "Погода", "Появилось" would be names).
_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def pieces(text: str) -> Counter[str]:
    """The four-character pieces of the text's words (a word's ends marked by a space), lower
    case, "ё" as "е"."""
    found: Counter[str] = Counter()
    for word in _WORD.findall(text.lower().replace("ё", "е")):
        padded = f" {word} "
        found.update(padded[i : i + PIECE] for i in range(len(padded) - PIECE + 1))
    return found


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


@lru_cache(maxsize=50_000)
def _name(word: str, opening: bool) -> str | None:
    """The word's name in the nominative (lower case), or None where it is not a name."""
    if _LATIN.match(word):
        return word.lower()
    if not word[0].isupper() or word.isdigit():
        return None
    if word.isupper() and len(word) > 1:  # МВД, ЦИК, ПНС
        return word.lower()
    parses = _analyzer().parse(word.lower())
    if opening and not any(_NAME_TAGS & parse.tag.grammemes for parse in parses[:2]):
        return None  # the headline's first word is capitalised anyway
    return parses[0].normal_form.replace("ё", "е")


def names(text: str) -> frozenset[str]:
    """The names a text uses, in the nominative: capitalised words (a sentence's first word
    only where the dictionary knows it as a name), abbreviations, words in Latin letters."""
    found = set()
    for sentence in _SENTENCE.split(text):
        for n, word in enumerate(_TOKEN.findall(sentence)):
            name = _name(word, n == 0)
            if name:
                found.add(name)
    return frozenset(found)


def people(headline: str) -> frozenset[str]:
    """The people a headline names (by ``ruen.names``), each as :func:`names` reads its
    surname."""
    from ruen.names.entities import find

    found = (_name(entity.head, False) for entity in find(headline) if entity.kind == "person")
    return frozenset(name for name in found if name)


def dates(text: str) -> frozenset[tuple[int, str]]:
    """The days of the month a text names ("8 ноября": (8, "ноя"))."""
    return frozenset((int(day), month.lower()[:3]) for day, month in _DATE.findall(text))


_VOCABULARY: dict[str, int] = {}  # piece -> number, for this process's vectors


@dataclass(frozen=True)
class Telling:
    """One outlet's text of a story, as the comparison reads it."""

    title: str
    text: str
    source: str | None = None
    published: datetime | None = None
    title_names: frozenset[str] = field(default=frozenset(), repr=False)
    text_names: frozenset[str] = field(default=frozenset(), repr=False)
    title_dates: frozenset[tuple[int, str]] = field(default=frozenset(), repr=False)
    # The TF-IDF vector: sorted piece numbers and their weights (unit length).
    numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    # The people its headline names (their surnames, as :func:`names` reads them): the who of
    # the event, which the other telling must name too.
    title_people: frozenset[str] = field(default=frozenset(), repr=False)

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
        whole = f"{title}.\n{text}" if title else text
        lead = whole[:LEAD_CHARACTERS]
        table, documents = _background()
        counts = pieces(lead)
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
        headline = title or _first_sentence(text)
        return cls(
            title,
            text,
            source,
            published,
            names(headline),
            names(lead),
            dates(headline),
            numbers[order],
            weights,
            title_people=people(headline),
        )


def _first_sentence(text: str) -> str:
    return _SENTENCE.split(text.strip(), maxsplit=1)[0] if text.strip() else ""


def similarity(first: Telling, second: Telling) -> float:
    """The cosine of the two tellings' vectors of weighted word pieces."""
    _, i, j = np.intersect1d(first.numbers, second.numbers, assume_unique=True, return_indices=True)
    return float(first.weights[i] @ second.weights[j])


def _names_agree(first: Telling, second: Telling) -> bool:
    """Whether at least :data:`NAMES_SHARED` of each headline's names are in the other text
    (a headline that names no one agrees with any), and every person it names."""
    return all(
        len(a.title_names & b.text_names) >= NAMES_SHARED * len(a.title_names)
        and a.title_people <= b.text_names
        for a, b in ((first, second), (second, first))
    )


def _dates_agree(first: Telling, second: Telling) -> bool:
    return not (first.title_dates and second.title_dates) or bool(
        first.title_dates & second.title_dates
    )


def _told(value: Telling | Document | str) -> Telling:
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
    report one story: their headlines' names and dates agree and their words overlap.

    >>> same_story(a, b)  # doctest: +SKIP
    """
    a, b = _told(first), _told(second)
    return _names_agree(a, b) and _dates_agree(a, b) and similarity(a, b) >= threshold


def score(first: Telling, second: Telling) -> float:
    """The similarity of two tellings where the rules let them be one story, else 0."""
    if not (_names_agree(first, second) and _dates_agree(first, second)):
        return 0.0
    return similarity(first, second)


class StoryGroups:
    """The stories of a stream of texts: :meth:`add` says which story a new text joins.

    Tellings are indexed by the names in their text and headline, so that a new text is
    compared only with those its headline's names allow (and those whose headlines name no
    one): 1,000 texts are grouped in about a second (``benchmarks/stories.py``)."""

    def __init__(self, *, window: timedelta = WINDOW, threshold: float = THRESHOLD) -> None:
        self.window, self.threshold = window, threshold
        self.tellings: dict[str, Telling] = {}
        self.story: dict[str, str] = {}  # telling's key -> its story's key
        self._sources: dict[str, set[str]] = {}  # story -> the sources that told it
        self._by_text_name: dict[str, set[str]] = {}
        self._by_title_name: dict[str, set[str]] = {}
        self._nameless: set[str] = set()  # tellings whose headline names no one
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
        for name in telling.text_names:
            self._by_text_name.setdefault(name, set()).add(key)
        for name in telling.title_names:
            self._by_title_name.setdefault(name, set()).add(key)
        if not telling.title_names:
            self._nameless.add(key)
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
            for index, names_ in (
                (self._by_text_name, telling.text_names),
                (self._by_title_name, telling.title_names),
                (self._by_piece, telling.heavy.tolist()),
            ):
                for name in names_:
                    index[name].discard(key)
                    if not index[name]:
                        del index[name]
            self._nameless.discard(key)
        live = set(self.story.values())
        self._sources = {story: s for story, s in self._sources.items() if story in live}
        return len(old)

    def _candidates(self, telling: Telling) -> set[str]:
        """The tellings one of whose rarest pieces this one holds, and whose names allow."""
        sharing: set[str] = set()
        for piece in telling.numbers.tolist():
            sharing |= self._by_piece.get(piece, set())
        if not telling.title_names:
            return sharing
        allowed = set(self._nameless)
        for name in telling.title_names:
            allowed |= self._by_text_name.get(name, set())
        for name in telling.text_names:
            allowed |= self._by_title_name.get(name, set())
        return sharing & allowed

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
            if not (_names_agree(telling, other) and _dates_agree(telling, other)):
                continue
            value = float(dense[other.numbers] @ other.weights)
            if value >= self.threshold and value > best_score:
                best, best_score = story, value
        return best

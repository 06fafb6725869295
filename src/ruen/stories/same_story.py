"""One story however many outlets tell it: two reports of one event in their own words.

``ruen.stories.reprints`` sets aside reprints (the same text, cut or padded). This module
decides what a reprint check cannot: whether TASS, RIA and a ministry's own site each writing
up one event tell one story. It gives a probability, from a logistic regression over five
signals that hold on news nobody tuned for, and one gate:

- **lead cosine**: the cosine of the two leads' TF-IDF vectors of four-character pieces of
  words, weighed against a news background (``ruen.stories.background``);
- **headline told**: how much of each headline (its words' dictionary forms, weighed by how
  rare they are in news) the other's lead tells, the smaller of the two shares: a headline
  says what happened;
- **headline names held**: the rarity-weighed share of each headline's names (people,
  places, bodies; one place one name, РФ is Россия; a name misspelt by a letter or its
  initials spelt out still count) that the other text holds, the smaller share;
- **people held**: whether every person either headline names is in the other text (a
  deputy's comment on a kidnapping is another story than the kidnapping);
- **dates agree**: the headlines give no different days ("на 8 ноября", "на 18 ноября"): a
  gate, not a weight: two headlines that name different days tell two events (a daily item,
  the forecast or the count of the day), however alike their words; a pair it fails is 0;
- **names shared**: the rarity-weighed overlap of the names the two leads use.

Why a learned model and not rules: rules written while reading the 108 crowd-labelled dev
pairs scored F1 0.92 on them and 0.70 on pairs nobody had read, below a character TF-IDF
cosine with one threshold (0.85). The model's weights, its regularisation and both thresholds
are chosen by ``benchmarks/stories.py --same-story``, whose nested cross-validation chooses
each inside the training folds alone, so its estimate is of pairs the choice never saw; each
signal is kept only where the model without it does worse there, and so are the gate (against
the same signal as a weight) and the weak labels the model also learns from (a text and its
reprint as one story, two items of one outlet as two: pairs no reader labelled, so never
scored).

Two thresholds, both in the model's file: :data:`MERGE`, chosen precision first (the best
F0.5: a wrong merge hides a story under another's headline), and :data:`RELATED`, recall first
(the best F2), below which two texts are unrelated; between them the briefing shows a link
under each story instead of merging.
"""

from __future__ import annotations

import json
import math
import re
import sys
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ruen.errors import MissingExtraError
from ruen.stopwords import STOP_WORDS
from ruen.stories.background import cosine, rarity, vector

if TYPE_CHECKING:
    from ruen.documents import Document

MODEL = Path(__file__).resolve().parent / "data" / "same_story_model.json"
# Characters of a text compared: the lead, where an outlet tells what happened.
LEAD_CHARACTERS = 3000
# A telling's rarest pieces, by which a new text finds the tellings worth comparing with.
HEAVY = 32
# A name this long misspelt by one letter (missed, added, wrong or swapped) is still the name:
# shorter names differ by a letter (Иран, Ирак).
TYPO_LENGTH = 6
# The letters a word's forms and its dictionary form begin with alike ("заразились",
# "заразить"): a headline's word is looked for among the other text's words that begin so.
STEM = 3
# The signals, in the order the model reads them; each lies between 0 and 1.
SIGNALS = (
    "lead cosine",
    "headline told",
    "headline names held",
    "people held",
    "dates agree",
    "names shared",
)
# Of the signals, those a pair must hold to be one story (see "dates agree" above).
GATES = ("dates agree",)

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
            if not (word[0].isupper() or "a" <= word[0] <= "z"):
                continue  # neither capitalised nor Latin: no name (as _name says, but cheaper)
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
        numbers, weights = vector(_lead(title, text))
        return cls(title, text, source, published, numbers, weights)


def _lead(title: str, text: str) -> str:
    return (f"{title}.\n{text}" if title else text)[:LEAD_CHARACTERS]


def _first_sentence(text: str) -> str:
    return _SENTENCE.split(text.strip(), maxsplit=1)[0] if text.strip() else ""


def similarity(first: Telling, second: Telling) -> float:
    """The cosine of the two tellings' vectors of weighted word pieces."""
    return cosine((first.numbers, first.weights), (second.numbers, second.weights))


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


def names_held(first: Telling, second: Telling) -> float:
    """The share of each headline's names, weighed by their :func:`rarity`, that the other
    text holds (:func:`_holds`), the smaller of the two (1 for headlines that name no one)."""
    return min(
        _share(a.title_names, lambda name, b=b: _holds(b, name))
        for a, b in ((first, second), (second, first))
    )


def people_held(first: Telling, second: Telling) -> bool:
    """Whether every person either headline names is in the other text."""
    pairs = ((first, second), (second, first))
    return all(_holds(b, person) for a, b in pairs for person in a.title_people)


def names_shared(first: Telling, second: Telling) -> float:
    """The overlap of the names the two leads use, each weighed by its :func:`rarity` (0
    where either names none)."""
    a, b = first.text_names, second.text_names
    if not (a and b):
        return 0.0
    return sum(map(rarity, a & b)) / sum(map(rarity, a | b))


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


# How each signal is read, cheapest first (the grouping reads them in this order and stops
# where the rest cannot lift a pair to its threshold).
READ: dict[str, Callable[[Telling, Telling], float]] = {
    "lead cosine": similarity,
    "dates agree": lambda a, b: float(_dates_agree(a, b)),
    "names shared": names_shared,
    "people held": lambda a, b: float(people_held(a, b)),
    "headline names held": names_held,
    "headline told": told,
}


def signals(first: Telling, second: Telling) -> np.ndarray:
    """The :data:`SIGNALS` of two tellings, in that order."""
    return np.array([READ[name](first, second) for name in SIGNALS])


@dataclass(frozen=True)
class Model:
    """A logistic regression over the :data:`SIGNALS`, standardised, and its two thresholds;
    read from :data:`MODEL`, which ``benchmarks/stories.py --same-story --fit`` writes."""

    signals: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coefficients: np.ndarray
    intercept: float
    merge: float
    related: float
    # Signals a pair must hold (value 1) to be one story at all; their weights are 0, the
    # model being fitted on the pairs that hold them.
    gates: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path = MODEL) -> Model:
        fitted = json.loads(path.read_text(encoding="utf-8"))
        model = cls(
            tuple(fitted["signals"]),
            np.array(fitted["mean"]),
            np.array(fitted["scale"]),
            np.array(fitted["coefficients"]),
            float(fitted["intercept"]),
            float(fitted["merge"]),
            float(fitted["related"]),
            tuple(fitted.get("gates", ())),
        )
        if model.signals != SIGNALS or model.gates != GATES:
            raise ValueError(
                f"{path}: a model of signals {model.signals} and gates {model.gates}, "
                f"not {SIGNALS} and {GATES}"
            )
        return model

    def probability(self, values: np.ndarray) -> float:
        """The probability that two tellings with these signals are one story."""
        if any(values[self.signals.index(gate)] < 1 for gate in self.gates):
            return 0.0
        return _logistic(
            float(self.intercept + ((values - self.mean) / self.scale) @ self.coefficients)
        )

    def highest(self, known: dict[str, float]) -> float:
        """The highest probability a pair can reach with the signals ``known`` so far, every
        other one (each between 0 and 1) at its most favourable."""
        z = self._most
        for name, value in known.items():
            slope, mean, most = self._terms[name]
            z += slope * (value - mean) - most
        return _logistic(z)

    @cached_property
    def _terms(self) -> dict[str, tuple[float, float, float]]:
        """Signal -> (its weight per unit, its mean, its most favourable term over [0, 1])."""
        terms = {}
        for name, weight, mean, scale in zip(
            self.signals, self.coefficients, self.mean, self.scale, strict=True
        ):
            slope = float(weight / scale)
            terms[name] = (slope, float(mean), max(slope * (0 - mean), slope * (1 - mean)))
        return terms

    @cached_property
    def _most(self) -> float:
        return self.intercept + sum(most for _, _, most in self._terms.values())

    def decide(
        self,
        first: Telling,
        second: Telling,
        at_least: float,
        known: dict[str, float] | None = None,
    ) -> float:
        """The pair's probability, or 0 as soon as the signals read so far (cheapest first,
        :data:`READ`; ``known``: those read already) show it cannot reach ``at_least``."""
        values = dict(known or {})
        for name, read in READ.items():
            if name not in values:
                if self.highest(values) < at_least:
                    return 0.0
                values[name] = read(first, second)
            if name in self.gates and values[name] < 1:
                return 0.0
        return self.probability(np.array([values[name] for name in self.signals]))


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0  # exp overflows past 709


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped model (:data:`MODEL`)."""
    return Model.load()


def probability(first: Telling | Document | str, second: Telling | Document | str) -> float:
    """The probability that two texts (``Document``s, whose titles count as headlines, or
    plain texts) tell one story."""
    return model().probability(signals(_telling(first), _telling(second)))


def same_story(
    first: Telling | Document | str,
    second: Telling | Document | str,
    *,
    threshold: float | None = None,
) -> bool:
    """Whether two texts (``Document``s, whose titles count as headlines, or plain texts)
    report one story: their :func:`probability` reaches ``threshold`` (the model's
    precision-first :data:`MERGE` by default).

    ```python
    ruen.same_story(ruen.read_document("ria.html"), ruen.read_document("tass.html"))
    ```
    """
    return probability(first, second) >= (MERGE if threshold is None else threshold)


# The model's thresholds (its file is the one place they live): merge above MERGE, link as
# related between RELATED and MERGE. THRESHOLD, the name 0.1 gave the merge threshold.
MERGE = model().merge
RELATED = model().related
THRESHOLD = MERGE

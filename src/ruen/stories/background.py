"""How telling a piece of a word is in news: the background table the same-story decision
weighs its vectors by.

Why a background of news and not the texts at hand: two texts are compared alone, so the weight
of a piece (common in any news: little; rare: much) must come from elsewhere, and a fixed table
gives one text the same weights in every run. The table counts in how many of the WMT21 and
WMT22 Russian news documents each four-character piece of a word occurs
(``benchmarks/story_background.py`` builds it). Pieces of words, not words, because Russian
declines: "Минску" and "Минска" share "минс".
"""

from __future__ import annotations

import gzip
import re
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

PIECE = 4
BACKGROUND = Path(__file__).resolve().parent / "data" / "news_char4_df.tsv.gz"

_WORD = re.compile(r"\w+")
# PIECE characters whose inner ones are letters of one word (overlapping: a lookahead)
_PIECE = re.compile(rf"(?=(.[^ ]{{{PIECE - 2}}}.))")
# This process's numbering of pieces, and each numbered piece's inverse document frequency.
_NUMBERS: dict[str, int] = {}
_IDF = np.zeros(1 << 14)
_LEARNING = threading.Lock()


def pieces(text: str) -> Counter[str]:
    """The four-character pieces of the text's words (a word's ends marked by a space), lower
    case, "ё" as "е"."""
    # The words between single spaces: a window of four whose middle two are letters lies
    # within one word and its marks (the regular expression reads them all in C).
    spaced = f" {' '.join(_WORD.findall(text.lower().replace('ё', 'е')))} "
    return Counter(_PIECE.findall(spaced))


@lru_cache(maxsize=1)
def table() -> tuple[dict[str, int], int]:
    """(piece -> the documents it occurs in, the documents counted)."""
    with gzip.open(BACKGROUND, "rt", encoding="utf-8") as lines:
        _, documents = next(lines).rstrip("\n").split("\t")
        counts = {}
        for line in lines:
            piece, n = line.rstrip("\n").split("\t")
            counts[piece] = int(n)
    return counts, int(documents)


def vector(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The text's TF-IDF vector of pieces against the background: (sorted piece numbers, their
    weights), of unit length; sublinear in how often a piece repeats."""
    counts = pieces(text)
    found = list(map(_NUMBERS.get, counts))
    if None in found:  # pieces this process has not met
        found = [_learn(piece) if n is None else n for piece, n in zip(counts, found)]
    numbers = np.array(found, dtype=np.int64)
    times = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    weights = _IDF[numbers] * (1 + np.log(times))
    order = np.argsort(numbers)
    return numbers[order], weights[order] / (np.linalg.norm(weights) or 1.0)


def _learn(piece: str) -> int:
    """A piece this process has not met: its number, and its weight in news kept under it
    (looked up once: a long ``ruen follow`` makes vectors of every text it reads)."""
    global _IDF
    counts, documents = table()
    with _LEARNING:  # one number per piece, whatever threads make vectors
        if piece in _NUMBERS:
            return _NUMBERS[piece]
        number = len(_NUMBERS)
        if number == len(_IDF):
            _IDF = np.concatenate([_IDF, np.zeros(len(_IDF))])
        _IDF[number] = np.log((1 + documents) / (1 + counts.get(piece, 0))) + 1
        _NUMBERS[piece] = number
        return number


def cosine(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> float:
    """The cosine of two :func:`vector` s."""
    _, i, j = np.intersect1d(first[0], second[0], assume_unique=True, return_indices=True)
    return float(first[1][i] @ second[1][j])


def vocabulary_size() -> int:
    """How many pieces this process has numbered (the length of a dense vector)."""
    return len(_NUMBERS)


@lru_cache(maxsize=100_000)
def rarity(word: str) -> float:
    """How rare a word is in news: the inverse document frequency of its rarest piece ("год"
    little, "шугалей" much), as the pieces are weighed."""
    counts, documents = table()
    return max(
        (np.log((1 + documents) / (1 + counts.get(piece, 0))) + 1 for piece in pieces(word)),
        default=1.0,
    )

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
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

PIECE = 4
BACKGROUND = Path(__file__).resolve().parent / "data" / "news_char4_df.tsv.gz"

_WORD = re.compile(r"\w+")
_VOCABULARY: dict[str, int] = {}  # piece -> number, for this process's vectors


def pieces(text: str) -> Counter[str]:
    """The four-character pieces of the text's words (a word's ends marked by a space), lower
    case, "ё" as "е"."""
    padded = [f" {word} " for word in _WORD.findall(text.lower().replace("ё", "е"))]
    return Counter(word[i : i + PIECE] for word in padded for i in range(len(word) - PIECE + 1))


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
    counts_in, documents = table()
    counts = pieces(text)
    numbers = np.fromiter(
        (_VOCABULARY.setdefault(p, len(_VOCABULARY)) for p in counts),
        dtype=np.int64,
        count=len(counts),
    )
    seen_in = np.fromiter(
        (counts_in.get(p, 0) for p in counts), dtype=np.float64, count=len(counts)
    )
    times = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    weights = (1 + np.log(times)) * (np.log((1 + documents) / (1 + seen_in)) + 1)
    order = np.argsort(numbers)
    return numbers[order], weights[order] / (np.linalg.norm(weights) or 1.0)


def cosine(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> float:
    """The cosine of two :func:`vector` s."""
    _, i, j = np.intersect1d(first[0], second[0], assume_unique=True, return_indices=True)
    return float(first[1][i] @ second[1][j])


def vocabulary_size() -> int:
    """How many pieces this process has numbered (the length of a dense vector)."""
    return len(_VOCABULARY)


@lru_cache(maxsize=100_000)
def rarity(word: str) -> float:
    """How rare a word is in news: the inverse document frequency of its rarest piece ("год"
    little, "шугалей" much), as the pieces are weighed."""
    counts, documents = table()
    return max(
        (np.log((1 + documents) / (1 + counts.get(piece, 0))) + 1 for piece in pieces(word)),
        default=1.0,
    )

"""Extractive summaries: pick the k sentences that best stand for the whole text.

Why centrality: an announcement repeats its key facts (who, what, the figures) across several
sentences, so the sentences most similar to the rest carry the gist. Each sentence becomes a
TF-IDF vector of Snowball stems with stop words removed (both shipped, nothing to download);
a sentence's score is its summed cosine similarity to the others, with a mild bonus for coming
early (news puts the point first). Works with no model at all.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from ruen.stopwords import STOP_WORDS

LANGUAGES = {"ru": "russian", "en": "english"}
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+(?:[.,]\d+)?", re.UNICODE)
POSITION_WEIGHT = 0.15
REDUNDANCY_WEIGHT = 0.7


@lru_cache(maxsize=4)
def _stemmer(lang: str):  # type: ignore[no-untyped-def]
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer(LANGUAGES[lang])


def tokens(sentence: str, lang: str = "ru") -> list[str]:
    """Content-word stems of ``sentence``: lower-cased, stop words dropped, Snowball-stemmed."""
    _check_lang(lang)
    stem = _stemmer(lang).stem
    stop = STOP_WORDS[lang]
    words = (word.lower().replace("ё", "е") for word in _WORD.findall(sentence))
    return [stem(word) for word in words if word not in stop]


def _vectors(sentences: Sequence[str], lang: str) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors of the sentences' stems."""
    bags = [Counter(tokens(sentence, lang)) for sentence in sentences]
    n = len(bags)
    document_frequency = Counter(term for bag in bags for term in bag)
    vectors = []
    for bag in bags:
        vector = {
            term: count * math.log(1 + n / document_frequency[term]) for term, count in bag.items()
        }
        norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
        vectors.append({term: weight / norm for term, weight in vector.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())


def _scores(vectors: list[dict[str, float]]) -> list[float]:
    n = len(vectors)
    scores = []
    for i, vector in enumerate(vectors):
        centrality = sum(_cosine(vector, other) for j, other in enumerate(vectors) if j != i)
        position = POSITION_WEIGHT * (1.0 - i / n)
        scores.append(centrality / max(1, n - 1) + position if vector else 0.0)
    return scores


def score_sentences(sentences: Sequence[str], *, lang: str = "ru") -> list[float]:
    """One score per sentence; higher means more central to the text."""
    _check_lang(lang)
    return _scores(_vectors(sentences, lang))


def summarize(sentences: Sequence[str], k: int = 3, *, lang: str = "ru") -> list[int]:
    """Indices of the ``k`` key sentences, in document order (all of them when k >= len).

    Picked greedily by score less a penalty for repeating what is already picked (maximal
    marginal relevance), so that a headline and the lead sentence that restates it are not
    both chosen.
    """
    if isinstance(sentences, str):
        raise TypeError("summarize() takes a list of sentences, not one str")
    if not isinstance(k, int) or isinstance(k, bool) or k < 0:
        raise ValueError(f"k must be a non-negative integer, not {k!r}")
    _check_lang(lang)
    vectors = _vectors(sentences, lang)
    scores = _scores(vectors)
    chosen: list[int] = []
    remaining = list(range(len(sentences)))
    while remaining and len(chosen) < k:

        def gain(i: int) -> tuple[float, int]:
            overlap = max((_cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
            return (scores[i] - REDUNDANCY_WEIGHT * overlap * max(scores), -i)

        best = max(remaining, key=gain)
        chosen.append(best)
        remaining.remove(best)
    return sorted(chosen)


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")

"""Extractive summaries: pick the sentences that best stand for the whole text.

Why a graph: an announcement repeats its key facts (who, what, the figures) across several
sentences, so the sentences most connected to the rest carry the gist. Following TextRank
(Mihalcea & Tarau, 2004), two sentences are linked by the content words they share, normalised
by the logarithms of their lengths; a sentence's score is its PageRank in that graph. News and
ministry announcements put the point first, so the random jump of PageRank favours early
sentences (weight 1/sqrt(position)) instead of being uniform. The sentences are then picked
greedily by score less a small penalty for repeating what is already picked (maximal marginal
relevance), and a sentence that mostly repeats a chosen one (half its stems or more) only
when nothing else is left: a headline and the lead sentence that restates it are not both
chosen.

Words are Snowball stems with stop words removed, both shipped: nothing to download, the same
for Russian and English. Measured against Lead-k and every sumy algorithm on the BBC News
Summary set in benchmarks/summarization.py (README).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import numpy as np

from ruen.stopwords import STOP_WORDS

LANGUAGES = {"ru": "russian", "en": "english"}
DAMPING = 0.85
POSITION_EXPONENT = 0.5
REDUNDANCY_WEIGHT = 0.1
DUPLICATE = 0.5  # Jaccard overlap of stems from which a sentence repeats a chosen one
SIGNATURE = (
    f"textrank(overlap/log-len)+pagerank(d={DAMPING},lead=1/pos^{POSITION_EXPONENT})"
    f"+mmr({REDUNDANCY_WEIGHT},dup>={DUPLICATE})"
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+(?:[.,]\d+)?", re.UNICODE)


_STEMMERS = threading.local()


def _stemmer(lang: str):  # type: ignore[no-untyped-def]
    """This thread's stemmer for ``lang``.

    snowballstemmer runs the official Snowball algorithms, with the same stems as NLTK's
    SnowballStemmer on the sample announcement, 30 times faster (1.8 against 53 us a word):
    the difference between 2 and 40 ms for a 30-sentence document. Its stemmer objects keep
    the word being stemmed on themselves, so two threads must never share one (eight threads
    digesting at once raised IndexError inside it): one per thread and language.
    """
    stemmers = getattr(_STEMMERS, "by_lang", None)
    if stemmers is None:
        stemmers = _STEMMERS.by_lang = {}
    if lang not in stemmers:
        import snowballstemmer

        stemmers[lang] = snowballstemmer.stemmer(LANGUAGES[lang])
    return stemmers[lang]


def tokens(sentence: str, lang: str = "ru") -> list[str]:
    """Content-word stems of ``sentence``: lower-cased, stop words dropped, Snowball-stemmed."""
    _check_lang(lang)
    stop = STOP_WORDS[lang]
    words = (word.lower().replace("ё", "е") for word in _WORD.findall(sentence))
    return _stemmer(lang).stemWords([word for word in words if word not in stop])


class Graph:
    """TextRank's sentence graph, kept as sentence-stem pairs instead of an n-by-n matrix.

    Two sentences are linked by ``shared / (log len_i + log len_j)``: the stems they share
    over the sum of the logarithms of their lengths (sentences of one stem or none have no
    links). The denominator depends on a sentence only through its length, and lengths take
    few values, so a PageRank step sums over stems and length classes: memory and time grow
    with the number of stems written, not with the square of the sentences (10,000 sentences:
    a dense graph would take 800 MB). The ranks equal the dense computation's to within
    rounding, and the picks are the same on every benchmark document (tests/test_summarization.py).
    """

    def __init__(self, bags: list[list[str]]) -> None:
        self.n = n = len(bags)
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for i, bag in enumerate(bags):
            for stem in dict.fromkeys(bag):
                rows.append(i)
                cols.append(vocabulary.setdefault(stem, len(vocabulary)))
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        self.stems = max(len(vocabulary), 1)
        self.sizes = np.bincount(self.rows, minlength=n).astype(float)  # distinct stems
        lengths = np.array([len(bag) for bag in bags])
        linked = lengths > 1
        classes, self.klass = np.unique(lengths, return_inverse=True)
        self.logs = np.log(np.where(classes > 1, classes, 1)).astype(float)
        # 1 / (log len_a + log len_b) for every pair of length classes (unlinked: 0).
        with np.errstate(divide="ignore"):
            self.factor = np.where(
                (classes[:, None] > 1) & (classes[None, :] > 1),
                1.0 / (self.logs[:, None] + self.logs[None, :]),
                0.0,
            )
        keep = linked[self.rows]
        self.link_rows, self.link_cols = self.rows[keep], self.cols[keep]
        # A sentence is linked to another where a stem of it is written by another linked one.
        frequency = np.bincount(self.link_cols, minlength=self.stems)
        neighbours = np.bincount(self.link_rows, weights=frequency[self.link_cols] - 1, minlength=n)
        self.dangling = neighbours == 0
        self.totals = self._spread(np.where(linked, 1.0, 0.0))

    def _spread(self, values: np.ndarray) -> np.ndarray:
        """For every sentence j: the sum over linked i != j of ``values[i] * weight(i, j)``."""
        m = len(self.logs)
        by_stem = np.bincount(
            self.link_cols * m + self.klass[self.link_rows],
            weights=values[self.link_rows],
            minlength=self.stems * m,
        ).reshape(self.stems, m)
        spread = by_stem @ self.factor.T  # [stem, class of j]
        out = np.bincount(
            self.link_rows,
            weights=spread[self.link_cols, self.klass[self.link_rows]],
            minlength=self.n,
        )
        own = np.diagonal(self.factor)[self.klass]  # a sentence is not linked to itself
        return out - self.sizes * values * own

    def pagerank(self, prior: np.ndarray, iterations: int = 200) -> np.ndarray:
        """PageRank with ``prior`` as the random jump; a sentence linked to none spreads its
        rank by the prior, like PageRank's dangling nodes."""
        totals = np.where(self.dangling, 1.0, self.totals)
        rank = np.full(self.n, 1.0 / self.n)
        for _ in range(iterations):
            flow = np.where(self.dangling, 0.0, rank / totals)
            incoming = self._spread(flow) + prior * rank[self.dangling].sum()
            updated = (1 - DAMPING) * prior + DAMPING * incoming
            if np.abs(updated - rank).sum() < 1e-10:
                return updated
            rank = updated
        return rank

    def overlaps(self, chosen: int) -> np.ndarray:
        """The Jaccard overlap of every sentence's stems with those of ``chosen``."""
        mine = self.cols[self.rows == chosen]
        shared = np.bincount(self.rows[np.isin(self.cols, mine)], minlength=self.n)
        union = self.sizes + self.sizes[chosen] - shared
        return np.divide(shared, union, out=np.zeros(self.n), where=union > 0)


def _lead_prior(n: int) -> np.ndarray:
    prior = 1.0 / np.sqrt(np.arange(1, n + 1)) ** (2 * POSITION_EXPONENT)
    return prior / prior.sum()


def score_sentences(sentences: Sequence[str], *, lang: str = "ru") -> list[float]:
    """One score per sentence (its PageRank, summing to 1); higher is more central."""
    if isinstance(sentences, str):
        raise TypeError("score_sentences() takes a list of sentences, not one str")
    _check_lang(lang)
    if not sentences:
        return []
    bags = [tokens(sentence, lang) for sentence in sentences]
    return [float(score) for score in Graph(bags).pagerank(_lead_prior(len(bags)))]


def summarize(
    sentences: Sequence[str],
    k: int | float = 3,
    *,
    lang: str = "ru",
    max_chars: int | None = None,
) -> list[int]:
    """Indices of the key sentences, in document order.

    ``k`` is a count (all sentences when k >= len) or, as a float between 0 and 1, a share of
    the sentences (``k=0.3``: 30 %, at least one). ``max_chars`` also caps the summary's
    length in characters: sentences that would overflow it are passed over for shorter ones.
    Deterministic: ties go to the earlier sentence.
    """
    if isinstance(sentences, str):
        raise TypeError("summarize() takes a list of sentences, not one str")
    _check_lang(lang)
    count = _count(k, len(sentences))
    if max_chars is not None and (not isinstance(max_chars, int) or max_chars < 0):
        raise ValueError(f"max_chars must be a non-negative integer, not {max_chars!r}")
    if count == 0 or not sentences:
        return []
    bags = [tokens(sentence, lang) for sentence in sentences]
    graph = Graph(bags)
    scores = graph.pagerank(_lead_prior(len(bags)))
    scores = scores / scores.max()
    overlap = np.zeros(len(sentences))  # with the sentences chosen so far, at most
    alive = np.ones(len(sentences), dtype=bool)
    chosen: list[int] = []
    used = 0
    while alive.any() and len(chosen) < count:
        # A near-duplicate comes last: only when nothing else is left. Ties go to the
        # earlier sentence (argmax takes the first).
        fresh = alive & (overlap < DUPLICATE)
        candidates = fresh if fresh.any() else alive
        gain = np.where(candidates, scores - REDUNDANCY_WEIGHT * overlap, -np.inf)
        best = int(np.argmax(gain))
        alive[best] = False
        if max_chars is not None and used + len(sentences[best]) > max_chars:
            continue
        chosen.append(best)
        used += len(sentences[best])
        overlap = np.maximum(overlap, graph.overlaps(best))
    return sorted(chosen)


def key_sentences(k: int | float) -> int | float:
    """``k`` as a user asks for key sentences: a whole count of 1 or more, or a share between 0
    and 1 (the CLI's ``-k`` and the server's ``k``; the library also takes 0, for none).
    Raises ValueError with the rule."""
    whole = isinstance(k, int) or (isinstance(k, float) and k.is_integer() and k >= 1)
    if isinstance(k, bool) or not ((whole and k >= 1) or (isinstance(k, float) and 0 < k < 1)):
        raise ValueError(
            f"a count of key sentences (1 or more) or a share between 0 and 1, not {k!r}"
        )
    return int(k) if whole else k


def _count(k: int | float, n: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, float)) or k < 0:
        raise ValueError(f"k must be a non-negative count or a share in (0, 1), not {k!r}")
    if isinstance(k, float):
        if k >= 1:
            if not k.is_integer():
                raise ValueError(f"k must be a whole count or a share in (0, 1), not {k!r}")
            return int(k)
        return max(1, round(k * n)) if k > 0 and n else 0
    return k


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")

"""Each story once: the same announcement reprinted by several outlets, found by its text.

Why not a hash alone: outlets reprint a ministry's note with its lead or its tail cut, a
paragraph of their own added, their boilerplate around it and other line breaks. So the text is
read as a set of shingles (five consecutive words of the normalised Russian), MinHash
(rensa) with locality-sensitive hashing finds in sublinear time the stories whose shingles
overlap this one's at all, and each candidate is then checked exactly by *containment*: the
share of the shorter text's shingles that the other holds. Containment, not Jaccard similarity,
because a reprint cut to half of the original keeps nearly all of its shingles inside it while
their Jaccard similarity falls to a half. Identical texts are caught first by a hash.

Why rensa, not datasketch: datasketch imports scipy when it is imported, 43 MB of a ``ruen
follow`` run's memory budget; rensa (Rust) takes 1 MB, hashes two to two and a half times as
fast, and gives the same answers on the benchmark's stories and reprints.

The thresholds are measured, not guessed (``benchmarks/stories.py``: distinct WMT stories must
never merge; reprints made the ways outlets make them must).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from ruen.errors import MissingExtraError

SHINGLE_WORDS = 5
NUM_PERM = 128
# LSH's Jaccard threshold for candidates: low, so that a reprint cut to a third is still found;
# containment then decides.
CANDIDATE_JACCARD = 0.2
# Bands of two rows: a pair of stories with that Jaccard similarity becomes a candidate with
# probability 1 - (1 - 0.2 ** 2) ** 64 = 0.93 (0.998 at 0.3).
BANDS = 64
SEED = 2026  # of the permutations: signatures stay comparable from run to run
# Share of the shorter text's shingles the other must hold (benchmarks/stories.py).
CONTAINMENT = 0.6
# A text shorter than this many shingles is compared only as a whole (a hash): too few words
# to tell a reprint from a coincidence.
MIN_SHINGLES = 8
WINDOW = timedelta(days=3)

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[int]:
    """The text's five-word shingles, as 64-bit hashes stable across processes: lower case,
    "ё" as "е", punctuation, white space and line breaks ignored."""
    words = _WORD.findall(text.lower().replace("ё", "е"))
    words += [""] * (SHINGLE_WORDS - len(words))  # a text of fewer words is one shingle
    return {
        int.from_bytes(
            hashlib.blake2b(
                " ".join(words[i : i + SHINGLE_WORDS]).encode(), digest_size=8
            ).digest(),
            "little",
        )
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def fingerprint(text: str) -> str:
    """A hash of the text's words: equal for texts that differ only in case, punctuation,
    white space or line breaks."""
    words = _WORD.findall(text.lower().replace("ё", "е"))
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def _array(pieces: set[int]) -> np.ndarray:
    return np.sort(np.fromiter(pieces, dtype=np.uint64, count=len(pieces)))


@dataclass(frozen=True)
class Story:
    key: str
    published: datetime | None
    shingles: np.ndarray  # sorted unique uint64: 8 bytes a shingle, not a Python int's 50


class StoryIndex:
    """The stories seen so far; :meth:`add` says which one a new text repeats, if any.

    A near duplicate counts only within ``window`` of the story it repeats (when both dates are
    known): a ministry repeats its own boilerplate from year to year, but a reprint follows the
    original within days."""

    def __init__(
        self,
        *,
        window: timedelta = WINDOW,
        containment: float = CONTAINMENT,
        num_perm: int = NUM_PERM,
    ) -> None:
        try:
            from rensa import RMinHash, RMinHashLSH
        except ImportError:
            raise MissingExtraError("finding repeated stories", "follow", "rensa") from None
        self._minhash = RMinHash
        self._lsh = RMinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=num_perm, num_bands=BANDS)
        self._num_perm = num_perm
        self.window = window
        self.containment = containment
        self._stories: dict[str, Story] = {}
        self._exact: dict[str, str] = {}
        self._numbers: dict[str, int] = {}  # the LSH's keys are numbers
        self._keys: dict[int, str] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self._stories)

    def add(self, key: str, text: str, published: datetime | None = None) -> str | None:
        """Index the text as story ``key``, unless it repeats one already indexed: then return
        that story's key and index nothing. A key indexed before (a post edited since) is
        indexed anew: a text never repeats its own earlier version."""
        if key in self._stories:
            self._drop(key)
        exact = fingerprint(text)
        if exact in self._exact:
            return self._exact[exact]
        pieces = shingles(text)
        if len(pieces) >= MIN_SHINGLES:
            signature = self._signature(pieces)
            repeated = self._repeats(pieces, signature, published)
            if repeated is not None:
                return repeated
            number = self._next
            self._next += 1
            self._numbers[key], self._keys[number] = number, key
            self._lsh.insert(number, signature)
        self._exact[exact] = key
        self._stories[key] = Story(key, published, _array(pieces))
        return None

    def place(
        self, key: str, text: str, published: datetime | None = None
    ) -> tuple[str | None, str | None]:
        """:meth:`add`, with the original the earlier published of two tellings of one text,
        whatever order they come in (a page is often read before the page it copies):
        (the story this text reprints, or None; the story indexed before that turns out to
        reprint this one, now indexed in its place, or None). Where either date is unknown,
        the one seen first stays the original."""
        repeated = self.add(key, text, published)
        if repeated is None:
            return None, None
        earlier = self._stories[repeated].published
        if published is None or earlier is None or published >= earlier:
            return repeated, None
        self._drop(repeated)
        self.add(key, text, published)
        return None, repeated

    def forget(self, before: datetime) -> int:
        """Drop the stories published before ``before`` (older than any window that can still
        reach them); return how many."""
        old = [s.key for s in self._stories.values() if s.published and s.published < before]
        for key in old:
            self._drop(key)
        return len(old)

    def _drop(self, key: str) -> None:
        del self._stories[key]
        number = self._numbers.pop(key, None)
        if number is not None:
            self._lsh.remove(number)
            del self._keys[number]
        self._exact = {h: k for h, k in self._exact.items() if k != key}

    def _signature(self, pieces: Iterable[int]) -> object:
        signature = self._minhash(self._num_perm, SEED)
        signature.update([piece.to_bytes(8, "little") for piece in pieces])
        return signature

    def _repeats(
        self, pieces: set[int], signature: object, published: datetime | None
    ) -> str | None:
        best, best_share = None, 0.0
        mine = _array(pieces)
        for number in self._lsh.query(signature):
            key = self._keys[number]
            story = self._stories[key]
            if published and story.published and abs(published - story.published) > self.window:
                continue
            shorter = min(len(mine), len(story.shingles)) or 1
            common = np.intersect1d(mine, story.shingles, assume_unique=True)
            share = len(common) / shorter
            if share >= self.containment and share > best_share:
                best, best_share = key, share
        return best

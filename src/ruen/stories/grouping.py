"""The stories of a stream of texts: which story a new text joins, and which stories are
related without being one.

A text joins the story one of whose tellings within :data:`WINDOW` it most probably is
(:func:`ruen.stories.same_story.probability` at :data:`~ruen.stories.same_story.MERGE` or
above); never a story its own source already told (an outlet does not report one event
twice: two of its items are two stories, as the Telegram contest's clustering held); else it
starts a story of its own. Two stories whose tellings reach
:data:`~ruen.stories.same_story.RELATED` are related: the briefing links them instead of
hiding one under the other's headline.

Tellings are indexed by their :data:`~ruen.stories.same_story.HEAVY` rarest pieces, so that a
new text is compared only with those that hold :data:`HEAVY_SHARED` of them, and the costly
signals (names, the headline's words read with the dictionary) are read only where the lead
cosine reaches :data:`LEAD_COSINE_FLOOR`: 1,000 texts are grouped in about a second
(``benchmarks/stories.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from itertools import chain

import numpy as np

from ruen.stories.background import vocabulary_size
from ruen.stories.same_story import MERGE, RELATED, Telling, model

# How far apart two tellings of one story may be published.
WINDOW = timedelta(days=2)
# A new text is compared with the tellings of whose rarest pieces it holds this many (every
# dev pair of one story holds 9 or more of the other's 32 rarest, both ways; 4 leaves a margin).
HEAVY_SHARED = 4
# The lead cosine below which two tellings are not compared further (every dev pair of one
# story has 0.32 or more, and every pair the model links as related; 0.2 leaves a margin): the
# other signals read the dictionary, and most candidates sharing a few rare pieces are far.
LEAD_COSINE_FLOOR = 0.2


class StoryGroups:
    """The stories of a stream of texts: :meth:`add` says which story a new text joins, and,
    given a ``related`` threshold, :attr:`related` which other stories it is related to
    (without one, a pair is read only as far as it can still beat the best story found)."""

    def __init__(
        self,
        *,
        window: timedelta = WINDOW,
        threshold: float = MERGE,
        related: float | None = None,
    ) -> None:
        self.window, self.threshold, self.related_threshold = window, threshold, related
        self.tellings: dict[str, Telling] = {}
        self.story: dict[str, str] = {}  # telling's key -> its story's key
        # story -> the other stories one of its tellings is related to, with the probability
        self.related: dict[str, dict[str, float]] = {}
        self._sources: dict[str, set[str]] = {}  # story -> the sources that told it
        self._by_piece: dict[int, set[str]] = {}  # a telling's heaviest pieces -> the telling

    def __len__(self) -> int:
        return len(self.tellings)

    def add(self, key: str, telling: Telling, story: str | None = None) -> str:
        """Group ``telling`` (known as ``key``) and return its story's key: the key of the
        story's first telling. ``story``: a grouping decided before (a store read back),
        taken as it is."""
        if story is None:
            story, close = self._closest(telling)
            story = story or key
            for other, p in close.items():
                if other != story:
                    self._relate(story, other, p)
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

    def _relate(self, first: str, second: str, p: float) -> None:
        for a, b in ((first, second), (second, first)):
            links = self.related.setdefault(a, {})
            links[b] = max(p, links.get(b, 0.0))

    def _candidates(self, telling: Telling) -> list[str]:
        """The tellings :data:`HEAVY_SHARED` of whose rarest pieces this one holds."""
        shared = self._by_piece.keys() & set(telling.numbers.tolist())
        sharing = Counter(chain.from_iterable(self._by_piece[piece] for piece in shared))
        return [key for key, n in sharing.items() if n >= HEAVY_SHARED]

    def _closest(self, telling: Telling) -> tuple[str | None, dict[str, float]]:
        """The story it joins (or None), and every story it is related to with the
        probability (the highest of its tellings')."""
        candidates = self._candidates(telling)
        if not candidates:
            return None, {}
        fitted = model()
        dense = np.zeros(vocabulary_size())
        dense[telling.numbers] = telling.weights
        best, best_p = None, 0.0
        close: dict[str, float] = {}
        for key in candidates:
            other, story = self.tellings[key], self.story[key]
            apart = (
                abs(telling.published - other.published)
                if telling.published and other.published
                else timedelta(0)
            )
            if apart > self.window:
                continue
            lead_cosine = float(dense[other.numbers] @ other.weights)
            if lead_cosine < LEAD_COSINE_FLOOR:
                continue
            own = telling.source and telling.source in self._sources.get(story, ())
            if self.related_threshold is None:
                if own:
                    continue  # an outlet does not tell one story twice
                at_least = max(self.threshold, best_p)
            else:
                at_least = self.related_threshold
            p = fitted.decide(telling, other, at_least, {"lead cosine": lead_cosine})
            if p < at_least:
                continue
            if self.related_threshold is not None:
                close[story] = max(p, close.get(story, 0.0))
            if p >= self.threshold and p > best_p and not own:
                best, best_p = story, p
        return best, close


def related(
    tellings: Mapping[str, Telling], *, low: float = RELATED
) -> dict[str, dict[str, float]]:
    """For tellings of distinct stories (the briefing's: one per story), the others each is
    related to (:func:`~ruen.stories.same_story.probability` at ``low`` or above), with the
    probability."""
    groups = StoryGroups(window=timedelta.max, threshold=2.0, related=low)
    for key, telling in tellings.items():
        groups.add(key, telling)
    return groups.related

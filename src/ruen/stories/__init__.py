"""Each story once: reprints set aside, one story told by several outlets grouped.

- :mod:`ruen.stories.reprints`: the same text cut or padded (MinHash and containment);
- :mod:`ruen.stories.same_story`: two texts in their own words, one story or not (a learned
  model over a few robust signals, with the probability);
- :mod:`ruen.stories.grouping`: a stream of texts grouped into stories, related ones linked;
- :mod:`ruen.stories.background`: how telling a piece of a word is in news.

``ruen.stories`` keeps the names it had as a module (the reprints'); ``ruen.story_groups``
still imports, with a warning that names the new home.
"""

from ruen.stories.reprints import (
    BANDS,
    CANDIDATE_JACCARD,
    CONTAINMENT,
    MIN_SHINGLES,
    NUM_PERM,
    SEED,
    SHINGLE_WORDS,
    WINDOW,
    Story,
    StoryIndex,
    fingerprint,
    shingles,
)

__all__ = [
    "BANDS",
    "CANDIDATE_JACCARD",
    "CONTAINMENT",
    "MIN_SHINGLES",
    "NUM_PERM",
    "SEED",
    "SHINGLE_WORDS",
    "WINDOW",
    "Story",
    "StoryIndex",
    "fingerprint",
    "shingles",
]

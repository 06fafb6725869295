"""Glossary terms in the English, cheapest way first.

For each sentence (piece) whose Russian holds glossary terms whose targets its translation
lacks: (a) the best hypothesis of the model's n-best list that holds more of them, where it
changes no figure, date, address or name that the first output had right; (b) otherwise a
new decode forced to begin with the first output cut where the term's rendering starts, then
the term (CTranslate2's ``target_prefix``, transformers' ``decoder_input_ids``), so that the
model finishes the sentence around the term; (c) otherwise the first output stays and the
record says ``missing`` (its ``term`` flag says so too). Sentences without a term never reach
this module: they are translated exactly as without a glossary.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ruen.glossary import Glossary, TermMatch, TermUse
from ruen.translation.engines import Engine, GenerationSettings

NBEST = 8  # hypotheses searched for a term, as repair searches for a figure
MAX_PREFIX_ROUNDS = 4  # forced decodes per sentence: one per missing term, at most this many
_WORD_START = re.compile(r"(?<!\S)\S")


def apply_glossary(
    engine: Engine,
    glossary: Glossary,
    pieces: list[str],
    outputs: dict[str, str],
    settings: GenerationSettings,
    batching: dict[str, int],
    *,
    enforce: bool,
    repairable: Callable[[str, str], int],
    limit: int,
) -> dict[str, tuple[TermUse, ...]]:
    """How each piece's terms got into its English; ``outputs`` is updated in place where
    enforcement changed a translation. ``enforce=False`` only reports (found or missing)."""
    matches = {piece: glossary.find(piece) for piece in pieces}
    termed = [piece for piece in pieces if matches[piece]]
    how: dict[str, dict[int, str]] = {
        piece: dict.fromkeys(_held(glossary, matches[piece], outputs[piece]), "found")
        for piece in termed
    }
    if enforce:
        wanting = [piece for piece in termed if len(how[piece]) < len(matches[piece])]
        if wanting:
            _from_nbest(
                engine, glossary, wanting, matches, outputs, how, settings, batching, repairable
            )
            _from_prefix(engine, glossary, termed, matches, outputs, how, settings, limit)
    return {
        piece: tuple(
            TermUse(match.text, match.term.target, how[piece].get(i, "missing"))
            for i, match in enumerate(matches[piece])
        )
        for piece in termed
    }


def _held(glossary: Glossary, matches: list[TermMatch], english: str) -> list[int]:
    return [i for i, match in enumerate(matches) if glossary.held(english, match)]


def _from_nbest(
    engine: Engine,
    glossary: Glossary,
    wanting: list[str],
    matches: dict[str, list[TermMatch]],
    outputs: dict[str, str],
    how: dict[str, dict[int, str]],
    settings: GenerationSettings,
    batching: dict[str, int],
    repairable: Callable[[str, str], int],
) -> None:
    """(a): the best hypothesis holding more targets, and no more repairable flags."""
    candidates = engine.translate_nbest(wanting, settings, NBEST, **batching)
    for piece, hypotheses in zip(wanting, candidates):
        before = how[piece]
        scored = [
            (len(_held(glossary, matches[piece], h)), -rank, h) for rank, h in enumerate(hypotheses)
        ]
        count, _, best = max(scored)
        if count > len(before) and repairable(piece, best) <= repairable(piece, outputs[piece]):
            outputs[piece] = best
            how[piece] = {i: before.get(i, "nbest") for i in _held(glossary, matches[piece], best)}


def _from_prefix(
    engine: Engine,
    glossary: Glossary,
    termed: list[str],
    matches: dict[str, list[TermMatch]],
    outputs: dict[str, str],
    how: dict[str, dict[int, str]],
    settings: GenerationSettings,
    limit: int,
) -> None:
    """(b): for the first term still missing in each piece, a decode forced to begin with the
    English up to where that term's rendering starts, then the term; a round per term."""
    settled = {piece: 0 for piece in termed}  # the English before this offset is fixed
    given_up: dict[str, set[int]] = {piece: set() for piece in termed}
    for _ in range(MAX_PREFIX_ROUNDS):
        work = []
        for piece in termed:
            missing = [
                i
                for i in range(len(matches[piece]))
                if i not in how[piece] and i not in given_up[piece]
            ]
            if missing:
                work.append((piece, missing[0]))
        if not work:
            return
        prefixes = []
        for piece, i in work:
            english, term = outputs[piece], matches[piece][i]
            cut = _cut(english, term, piece, settled[piece])
            prefixes.append(f"{english[:cut].rstrip()} {term.term.target}".lstrip())
        texts = [piece for piece, _ in work]
        decoded = engine.translate_prefixed(texts, prefixes, settings, limit)
        for (piece, i), prefix, english in zip(work, prefixes, decoded):
            if english is None:  # the prefix alone fills the model's positions
                given_up[piece].add(i)
                continue
            if english.startswith(prefix) and english[len(prefix) : len(prefix) + 1].isalnum():
                # The term is a whole word: the model went on inside it ("Financeнако").
                english = f"{prefix} {english[len(prefix) :]}"
            if not glossary.held(english, matches[piece][i]):
                given_up[piece].add(i)
                continue
            before = how[piece]
            outputs[piece] = english
            held = _held(glossary, matches[piece], english)
            how[piece] = {j: before.get(j, "prefix") for j in held}
            how[piece][i] = "prefix"
            settled[piece] = len(prefix)


def _cut(english: str, match: TermMatch, russian: str, settled: int) -> int:
    """Where in ``english`` the term's rendering starts: at the first word of the target
    where the model wrote it ("the Ministry of Figures" is cut before "Ministry"), else at the
    word as far into the English as the term stands into the Russian; never before
    ``settled``, so that a term forced in an earlier round stays."""
    first = match.term.target.split()[0].lower()
    starts = [m.start() for m in _WORD_START.finditer(english) if m.start() >= settled]
    if not starts:
        return len(english)
    for start in starts:
        word = re.match(r"[\w'’-]+", english[start:])
        if word and word.group().lower() == first:
            return start
    share = match.start / max(1, len(russian))
    goal = settled + share * (len(english) - settled)
    return min(starts, key=lambda s: abs(s - goal))

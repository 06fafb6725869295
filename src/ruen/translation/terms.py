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
from dataclasses import dataclass, field

from ruen.glossary import Glossary, TermMatch, TermUse
from ruen.translation.engines import NBEST, Engine, GenerationSettings, prefix_room

MAX_PREFIX_ROUNDS = 6  # forced decodes per sentence: one or two per round of terms, at most 6
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
    searched: dict[str, list[str]] | None = None,
    only: dict[str, set[str]] | None = None,
) -> dict[str, tuple[TermUse, ...]]:
    """How each piece's terms got into its English; ``outputs`` is updated in place where
    enforcement changed a translation. ``enforce=False`` only reports (found or missing).
    ``searched`` holds n-best lists already made (by repair, at the same width), which the
    first step reads instead of searching again. ``only``: for a piece named there, the
    terms (by their source) it is to keep, the glossary's other terms left alone in it."""
    matches = {p: glossary.find(p) for p in pieces}
    if only:
        matches = {
            p: [m for m in found if p not in only or m.term.source in only[p]]
            for p, found in matches.items()
        }
    work = _Terms(engine, glossary, outputs, settings, matches)
    termed = [piece for piece in pieces if work.matches[piece]]
    for piece in termed:
        work.how[piece] = dict.fromkeys(work.held(piece, outputs[piece]), "found")
    if enforce:
        wanting = [piece for piece in termed if len(work.how[piece]) < len(work.matches[piece])]
        if wanting:
            work.from_nbest(wanting, batching, repairable, searched or {})
            work.from_prefix(termed, limit)
    return {
        piece: tuple(
            TermUse(match.text, match.term.target, work.how[piece].get(i, "missing"))
            for i, match in enumerate(work.matches[piece])
        )
        for piece in termed
    }


@dataclass
class _Terms:
    """One call's pieces, their terms, their English (``outputs``, updated in place) and how
    each term got in (``how``: piece → term index → found, nbest or prefix)."""

    engine: Engine
    glossary: Glossary
    outputs: dict[str, str]
    settings: GenerationSettings
    matches: dict[str, list[TermMatch]]
    how: dict[str, dict[int, str]] = field(default_factory=dict)

    def held(self, piece: str, english: str) -> list[int]:
        return [i for i, m in enumerate(self.matches[piece]) if self.glossary.held(english, m)]

    def take(self, piece: str, english: str, how: str) -> None:
        """``english`` for ``piece``: the terms it holds keep how they got in, new ones ``how``."""
        before = self.how[piece]
        self.outputs[piece] = english
        self.how[piece] = {i: before.get(i, how) for i in self.held(piece, english)}

    def from_nbest(
        self,
        wanting: list[str],
        batching: dict[str, int],
        repairable: Callable[[str, str], int],
        searched: dict[str, list[str]],
    ) -> None:
        """(a): the best hypothesis holding more targets, and no more repairable flags."""
        todo = [piece for piece in wanting if piece not in searched]
        if todo:
            found = self.engine.translate_nbest(todo, self.settings, NBEST, **batching)
            searched = {**searched, **dict(zip(todo, found))}
        for piece in wanting:
            hypotheses = searched[piece]
            scored = [(len(self.held(piece, h)), -rank, h) for rank, h in enumerate(hypotheses)]
            count, _, best = max(scored)
            worse = repairable(piece, best) > repairable(piece, self.outputs[piece])
            if count > len(self.how[piece]) and not worse:
                self.take(piece, best, "nbest")

    def from_prefix(self, termed: list[str], limit: int) -> None:
        """(b): for the first term still missing in each piece, a decode forced to begin with
        the English up to where that term's rendering starts, then the term; a round per
        term, within the model's ``limit`` of positions. Terms of which the English holds no
        word at all (a name the model dropped) go in together: each placed where it stands
        in the Russian, the decode forced up to the last of them, one decode for them all
        (a decode costs the same however long its prefix: CTranslate2 steps through it). A
        term whose rendering went wrong is cut out by a decode of its own, as the English
        after it is written anew."""
        settled = dict.fromkeys(termed, 0)  # the English before this offset is fixed
        given_up: dict[str, set[int]] = {piece: set() for piece in termed}
        tight: set[tuple[str, int]] = set()  # tried once, now cut right after what is fixed
        single: set[str] = set()  # its terms together did not hold: one at a time
        for _ in range(MAX_PREFIX_ROUNDS):
            work: list[tuple[str, list[int]]] = []
            for piece in termed:
                missing = [
                    i
                    for i in range(len(self.matches[piece]))
                    if i not in self.how[piece] and i not in given_up[piece]
                ]
                if missing:
                    work.append((piece, self._together(piece, missing, settled, single, tight)))
            if not work:
                return
            planned = [
                (piece, *self._prefix(piece, group, settled, tight, limit)) for piece, group in work
            ]
            decoded = self.engine.translate_prefixed(
                [piece for piece, *_ in planned],
                [prefix for *_, prefix in planned],
                self.settings,
                limit,
            )
            for (piece, group, cut, prefix), output in zip(planned, decoded):
                english = None if output is None else (_after(prefix, output) or output)
                held = set() if english is None else set(self.held(piece, english))
                if not held >= set(group) or not held >= set(self.how[piece]):
                    # No room for the prefix, the term did not hold, or a term an earlier
                    # step put in was lost (what the model wrote need not read back the same
                    # when tokenised again): keep the English, and try once more with only
                    # what is fixed before the term.
                    i = group[0]
                    if len(group) > 1:
                        single.add(piece)
                    elif cut > settled[piece] and (piece, i) not in tight:
                        tight.add((piece, i))
                    else:
                        given_up[piece].add(i)
                    continue
                self.take(piece, english, "prefix")
                for i in group:
                    self.how[piece][i] = "prefix"
                settled[piece] = len(prefix)

    def _prefix(
        self,
        piece: str,
        group: list[int],
        settled: dict[str, int],
        tight: set[tuple[str, int]],
        limit: int,
    ) -> tuple[list[int], int, str]:
        """(the terms it puts in, the cut before the first, the forced prefix): each
        term at its cut in the English, as many of them as leave the model room; a term
        alone that leaves none is cut right after what is fixed, at once (a round spent
        learning that it has no room cost a small batch's decode)."""
        english = self.outputs[piece]
        while True:
            if (piece, group[0]) in tight:
                at = [settled[piece]]
            else:
                at = []
                for i in group:
                    after = max([settled[piece], *at])
                    at.append(_cut(english, self.matches[piece][i], piece, after))
            parts, previous = [], 0
            for i, cut in zip(group, at):
                parts += [english[previous:cut].strip(), self.matches[piece][i].term.target]
                previous = cut
            prefix = " ".join(part for part in parts if part)
            if self._fits(prefix, limit) or (piece, group[0]) in tight:
                return group, at[0], prefix
            if len(group) > 1:
                group = group[:-1]
            elif at[0] > settled[piece]:
                tight.add((piece, group[0]))
            else:
                return group, at[0], prefix

    def _fits(self, prefix: str, limit: int) -> bool:
        """Whether a forced prefix leaves the model room (``engines.prefix_room``)."""
        tokens = self.engine.tokens.target_ids(prefix)  # type: ignore[attr-defined]
        return prefix_room(len(tokens), self.settings, limit) is not None

    def _together(
        self,
        piece: str,
        missing: list[int],
        settled: dict[str, int],
        single: set[str],
        tight: set[tuple[str, int]],
    ) -> list[int]:
        """The missing terms one decode puts in: the first, and with it the ones after it,
        while none of them has a word in the English after what is fixed."""
        if piece in single or (piece, missing[0]) in tight:
            return missing[:1]
        rest = self.outputs[piece][settled[piece] :].lower()
        words = set(re.findall(r"[\w'’-]+", rest))
        group = []
        for i in missing:
            if self.matches[piece][i].term.target.split()[0].lower() in words:
                break
            group.append(i)
        return group or missing[:1]


def _after(prefix: str, output: str) -> str | None:
    """``output`` with the forced ``prefix`` as it was written: decoding may change the spaces
    inside it ("Affairs unused" came back "Affairsunused"), and a model may go on inside the
    term's last word ("Financeнако"), while the term and what was kept are whole words. None
    where ``output`` does not begin with the prefix's characters."""
    at = 0
    for char in prefix:
        if char.isspace():
            continue
        while at < len(output) and output[at].isspace():
            at += 1
        if at == len(output) or output[at] != char:
            return None
        at += 1
    rest = output[at:]
    if rest[:1].isalnum():
        return f"{prefix} {rest}"
    return prefix + (" " + rest.lstrip() if rest[:1].isspace() else rest)


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

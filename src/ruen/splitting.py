"""Russian sentence splitting that never loses a character.

Why spans: every later stage (translation, summary, the per-sentence records of a digest) must be
able to point back into the source, and a caller must be able to check that nothing was dropped.
So the splitter yields :class:`Span` objects with offsets, and :func:`split_sentences` is a thin
view over them.

How it decides, in the manner of razdel: a blank line always ends a sentence. Inside a
paragraph, every full stop, "!", "?" or "…" that is followed by white space, and every bare line
break, is a *candidate* boundary. An ordered list of small named rules looks at a window around
the candidate; the first rule with an opinion decides, and a candidate no rule joins is a
boundary. :func:`explain` shows which rule decided each candidate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from ruen.abbreviations import ALWAYS_FOLLOWED, YEAR_OR_CENTURY

Decision = Literal["split", "join"]

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*|\u2029\s*")
# Terminal punctuation, any closing quotes or brackets after it, then the white space.
_PUNCT_CANDIDATE = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s)")
_BARE_NEWLINE = re.compile(r"\n")
_WORD_BEFORE = re.compile(r"(\S+)$")
_LIST_MARKER = re.compile(r"(?:[-–—•*·▪►●]|\d{1,3}[.)]|[а-яa-z][)])\s")
_OPENERS = "«“„\"'([{"
_DASHES = "-–—"


@dataclass(frozen=True)
class Span:
    """One sentence: ``text == source[start:stop]``."""

    start: int
    stop: int
    text: str


@dataclass(frozen=True)
class Candidate:
    """The window the rules look at around one possible boundary."""

    kind: Literal["punct", "newline"]
    punct: str  # the terminal punctuation with its closers ("" for a bare line break)
    left: str  # the paragraph text before the punctuation, from the last boundary on
    right: str  # the paragraph text after the white space that follows
    gap: str = " "  # the white space between them

    @property
    def left_word(self) -> str:
        """The token just before the punctuation, without opening quotes or brackets."""
        match = _WORD_BEFORE.search(self.left)
        return match.group(1).lstrip(_OPENERS) if match else ""

    @property
    def right_start(self) -> str:
        """The first character after the white space, skipping opening quotes and brackets."""
        stripped = self.right.lstrip(_OPENERS)
        return stripped[:1]

    @property
    def left_line(self) -> str:
        return self.left.rsplit("\n", 1)[-1]


Rule = Callable[[Candidate], "Decision | None"]


# --- rules for a full stop, "!", "?" or "…" followed by white space -----------------------


def new_line_list_item(c: Candidate) -> Decision | None:
    """A bulleted or numbered item on a new line starts a sentence, whatever follows its
    marker; checked first so that "- пункт" is not read as a dash in direct speech."""
    if "\n" in c.gap and _LIST_MARKER.match(c.right):
        return "split"
    return None


def next_word_lower(c: Candidate) -> Decision | None:
    """A sentence does not start in lower case: "и т.д. и т.п.", "5 млн руб. в год"."""
    if c.right_start.islower():
        return "join"
    return None


def next_is_punctuation(c: Candidate) -> Decision | None:
    """A comma or a closing bracket cannot open a sentence: "(см. рис. 2), ..."."""
    if c.right[:1] in ",;:)]}»":
        return "join"
    return None


def dash_then_lower(c: Candidate) -> Decision | None:
    """Direct speech goes on after a dash: "«Кто там?» — спросил он."."""
    right = c.right
    if right[:1] in _DASHES and right[1:2].isspace() and right[2:].lstrip()[:1].islower():
        return "join"
    return None


_INITIAL = re.compile(r"^(?:[A-ZА-ЯЁ]\.){0,2}[A-ZА-ЯЁ]$")


def initial(c: Candidate) -> Decision | None:
    """One capital letter and a full stop is an initial: "П. Ткач", "А.С. Пушкин"."""
    if c.punct == "." and _INITIAL.match(c.left_word):
        return "join"
    return None


def abbreviation(c: Candidate) -> Decision | None:
    """An abbreviation that is always followed by more: "им. Янки Купалы", "ул. Ленина"."""
    if c.punct == "." and c.left_word.lower() in ALWAYS_FOLLOWED:
        return "join"
    return None


_NUMBER = re.compile(r"^[\dIVXLC]+(?:[-–—][\dIVXLC]+)?$")


def year_or_city(c: Candidate) -> Decision | None:
    """ "г."/"в." after a number is a year or century and may end a sentence ("в 2020 г."),
    unless the sentence only began with that date ("В 2020 г. Беларусь заняла ...").
    Without a number "г." is "город" and a name follows ("г. Минск")."""
    if c.punct != "." or c.left_word.lower() not in YEAR_OR_CENTURY:
        return None
    words = c.left.split()
    before = words[-2].lstrip(_OPENERS) if len(words) >= 2 else ""
    if not _NUMBER.match(before):
        return "join"
    if len(words) <= 4:
        return "join"
    return None


def list_number(c: Candidate) -> Decision | None:
    """A number alone at the start of a line is a list marker: "1. Общие положения"."""
    if c.punct in {".", ")"} and c.left_word.isdigit() and c.left_line.strip() == c.left_word:
        return "join"
    return None


# --- rules for a bare line break (no terminal punctuation before it) ------------------------


def line_continues(c: Candidate) -> Decision | None:
    """A line that ends in a comma, a dash or a hyphen, or a next line in lower case, is
    the same sentence wrapped."""
    last = c.left.rstrip()[-1:]
    if last in ",;:([«„“-–—" or c.right_start.islower():
        return "join"
    return None


def heading(c: Candidate) -> Decision | None:
    """A line with no final punctuation, followed by a line that starts like a sentence, is
    a heading or a list item: keep the line break as evidence."""
    first = c.right_start
    if first.isupper() or first.isdigit():
        return "split"
    return "join"


PUNCT_RULES: tuple[Rule, ...] = (
    new_line_list_item,
    next_word_lower,
    next_is_punctuation,
    dash_then_lower,
    initial,
    abbreviation,
    year_or_city,
    list_number,
)
NEWLINE_RULES: tuple[Rule, ...] = (new_line_list_item, line_continues, heading)


def _decide(candidate: Candidate) -> tuple[Decision, str]:
    rules = PUNCT_RULES if candidate.kind == "punct" else NEWLINE_RULES
    for rule in rules:
        decision = rule(candidate)
        if decision is not None:
            return decision, rule.__name__
    return "split", "default"


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


_ENDS_WITH_PUNCT = re.compile(r"[.!?…]+[\"'»”’)\]]*$")


def _candidates(paragraph: str) -> list[tuple[int, int, int, str]]:
    """(start of punctuation, its end, start of the next text, kind), in order."""
    found: dict[int, tuple[int, int, int, str]] = {}
    for match in _PUNCT_CANDIDATE.finditer(paragraph):
        nxt = len(paragraph) - len(paragraph[match.end() :].lstrip())
        found[match.start()] = (match.start(), match.end(), nxt, "punct")
    for match in _BARE_NEWLINE.finditer(paragraph):
        before = paragraph[: match.start()].rstrip()
        # A line break right after terminal punctuation is already a punct candidate.
        if before and not _ENDS_WITH_PUNCT.search(before):
            nxt = len(paragraph) - len(paragraph[match.end() :].lstrip())
            found[len(before)] = (len(before), len(before), nxt, "newline")
    return [found[key] for key in sorted(found)]


@dataclass(frozen=True)
class _Step:
    offset: int  # where the candidate's punctuation ends, in the whole text
    next_start: int  # where the text after it starts, in the whole text
    candidate: Candidate
    decision: Decision
    rule: str


def _steps(text: str) -> Iterator[_Step | tuple[int, int]]:
    """Every decided candidate, and after each paragraph its (start, stop)."""
    for p_start, p_stop in _paragraphs(text):
        paragraph = text[p_start:p_stop]
        sentence_start = 0
        for start, end, nxt, kind in _candidates(paragraph):
            if nxt >= len(paragraph) or start < sentence_start:
                continue
            candidate = Candidate(
                kind=kind,  # type: ignore[arg-type]
                punct=paragraph[start:end],
                left=paragraph[sentence_start:start],
                right=paragraph[nxt : nxt + 64],
                gap=paragraph[end:nxt],
            )
            decision, rule = _decide(candidate)
            yield _Step(p_start + end, p_start + nxt, candidate, decision, rule)
            if decision == "split":
                sentence_start = nxt
        yield p_start, p_stop


def _raw_pieces(text: str) -> Iterator[tuple[int, int]]:
    start = None
    for step in _steps(text):
        if isinstance(step, tuple):
            p_start, p_stop = step
            yield (p_start if start is None else start), p_stop
            start = None
        elif step.decision == "split":
            if start is None:
                start = step.offset - len(step.candidate.left) - len(step.candidate.punct)
            yield start, step.offset
            start = step.next_start


def sentenize(text: str) -> Iterator[Span]:
    """Yield the sentences of ``text`` as spans, in order.

    Each span is stripped of surrounding white space and is never empty; together the spans
    cover every non-white-space character of ``text``.
    """
    if not isinstance(text, str):
        raise TypeError(f"sentenize() needs a str, not {type(text).__name__}")
    for start, stop in _raw_pieces(text):
        piece = text[start:stop]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            yield Span(start + lead, start + trail, piece[lead:trail])


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each a verbatim substring of it, in order."""
    return [span.text for span in sentenize(text)]


def explain(text: str) -> list[tuple[int, Decision, str, str]]:
    """Every decided candidate as (offset, decision, rule, window): a debug trace that shows
    why the text was, or was not, cut at each place."""
    return [
        (
            step.offset,
            step.decision,
            step.rule,
            f"{step.candidate.left[-24:]}{step.candidate.punct}|{step.candidate.right[:24]}",
        )
        for step in _steps(text)
        if isinstance(step, _Step)
    ]

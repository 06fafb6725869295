"""Russian sentence splitting that never loses a character.

Why spans: every later stage (translation, summary, the per-sentence records of a digest) must be
able to point back into the source, and a caller must be able to check that nothing was dropped.
So the splitter yields :class:`Span` objects with offsets, and :func:`split_sentences` is a thin
view over them.

How it decides, in the manner of razdel: a blank line always ends a sentence. Inside a
paragraph, each place followed by white space where a sentence may end is a *candidate*: terminal
punctuation (``.``, ``!``, ``?``, ``…``), and, for the social-media text that official channels
also publish, a run of emoji, a text smiley or a hashtag; so is every bare line break. An ordered
list of small named rules looks at a window around the candidate; the first rule with an opinion
decides, and a candidate no rule joins is a boundary (the rules are in ``split_rules.py``).
:func:`explain` shows which rule decided each candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ruen.splitting.rules import CLOSERS, EMOJI_CHARS, Candidate, Decision, Kind, decide

# One alternative per kind of candidate; each must be followed by white space. The leading
# look-ahead lets the regex engine skip ordinary letters quickly (eight times faster).
_CANDIDATE = re.compile(
    rf"(?=[.!?…:;=8()#{EMOJI_CHARS}])(?:"
    rf"(?P<punct>[.!?…]+[{CLOSERS}]*)(?=\s)"
    rf"|(?P<emoji>[{EMOJI_CHARS}][{EMOJI_CHARS}\ufe0f\u200d\u20e3]*)(?=\s)"
    r"|(?P<smiley>(?<!\S)[:;=8][-o^]?[)(DPРО3*]+|\)+|\({2,})(?=\s)"
    r"|(?P<hashtag>(?<!\S)#\w[\w-]*)(?=\s)"
    r"|(?P<item>[;:])(?=[^\S\n]+(?:[а-яё]|\d{1,2})\)\s|[^\S\n]+\d{1,2}\.\s+[А-ЯЁ]))"
)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*|\u2029\s*")
# The longest sentence the splitter gives: a longer one is cut at its clause boundary nearest
# this length. Real sentences stay whole (the longest of the four UD sets has 710 characters,
# of the kremlin acts in tests/data 751); a wall of text without punctuation (a page that is
# one 5 MB line) becomes pieces a reader and the model can take, never one "sentence" of
# 45,000 characters. About 300 of the model's tokens, within opus-mt-ru-en's 512.
LONGEST_SENTENCE = 1000
# Where a sentence too long is cut, best first (the translator cuts pieces too long for the
# model at the same places).
CLAUSE_SEPARATORS = ("; ", ": ", ", ", " — ", " – ", " - ", " ")


@dataclass(frozen=True)
class Span:
    """One sentence: ``text == source[start:stop]``."""

    start: int
    """The sentence's first character's offset in the text."""
    stop: int
    """The offset just past its last character."""
    text: str
    """The sentence: ``source[start:stop]``."""


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, stop) of each paragraph: a blank line always ends one."""
    return _paragraphs(text)


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _candidates(paragraph: str) -> list[tuple[int, int, Kind]]:
    """(start of the mark, its end, kind) for each candidate, in order."""
    found: dict[int, tuple[int, int, Kind]] = {}
    for match in _CANDIDATE.finditer(paragraph):
        found[match.start()] = (match.start(), match.end(), match.lastgroup)  # type: ignore[assignment]
    ends = {end for _, end, _ in found.values()}
    position = paragraph.find("\n")
    while position != -1:
        end = position
        while end > 0 and paragraph[end - 1].isspace():
            end -= 1
        # A line break right after another candidate is already that candidate's white space.
        if end > 0 and end not in ends:
            found[end] = (end, end, "newline")
        position = paragraph.find("\n", position + 1)
    return [found[key] for key in sorted(found)]


@dataclass(frozen=True)
class _Step:
    offset: int  # where the candidate's mark ends, in the whole text
    next_start: int  # where the text after it starts, in the whole text
    candidate: Candidate
    decision: Decision
    rule: str


_WINDOW = 64


def _steps(text: str) -> Iterator[_Step | tuple[int, int]]:
    """Every decided candidate, and after each paragraph its (start, stop)."""
    for p_start, p_stop in _paragraphs(text):
        paragraph = text[p_start:p_stop]
        # Lines are measured without the spaces that pad or centre them (official acts are
        # published hard-wrapped and indented), so that wrapping is told from line breaks
        # that mean something.
        width = (
            max(len(line.strip()) for line in paragraph.splitlines())
            if "\n" in paragraph
            else len(paragraph)
        )
        full_width = max((len(line.rstrip()) for line in paragraph.splitlines()), default=0)
        spacing = _spacing(paragraph) if "\n" in paragraph else 1
        sentence_start = 0
        for start, end, kind in _candidates(paragraph):
            if start < sentence_start:
                continue
            nxt = end
            while nxt < len(paragraph) and paragraph[nxt].isspace():
                nxt += 1
            if nxt >= len(paragraph):
                continue
            line = paragraph[paragraph.rfind("\n", 0, start) + 1 : start]
            candidate = Candidate(
                kind=kind,
                mark=paragraph[start:end],
                left=paragraph[sentence_start:start],
                right=paragraph[nxt : nxt + _WINDOW],
                gap=paragraph[end:nxt],
                line=line.lstrip(),
                width=width,
                spacing=spacing,
                indent=len(line) - len(line.lstrip()),
                full_width=full_width,
            )
            decision, rule = decide(candidate)
            yield _Step(p_start + end, p_start + nxt, candidate, decision, rule)
            if decision == "split":
                sentence_start = nxt
        yield p_start, p_stop


_INNER_SPACE = re.compile(r"(?<=\S)[^\S\n]+(?=\S)")
# Wider than this, a space is a column (a signature set right: "Президент ...      В.Путин"),
# not the spacing of the text.
_WIDEST_SPACING = 4


def _spacing(paragraph: str) -> int:
    """The widest space between two words on the paragraph's lines, up to a column's."""
    widths = [len(m.group()) for m in _INNER_SPACE.finditer(paragraph)]
    return min(max((w for w in widths if w <= _WIDEST_SPACING), default=1), _WIDEST_SPACING)


def _raw_pieces(text: str) -> Iterator[tuple[int, int]]:
    start: int | None = None
    for step in _steps(text):
        if isinstance(step, tuple):
            p_start, p_stop = step
            yield (p_start if start is None else start), p_stop
            start = None
        elif step.decision == "split":
            if start is None:  # the first sentence of the paragraph
                start = step.offset - len(step.candidate.left) - len(step.candidate.mark)
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
            yield from _within_length(Span(start + lead, start + trail, piece[lead:trail]))


def _within_length(span: Span) -> Iterator[Span]:
    """``span`` cut at clause boundaries into pieces of at most :data:`LONGEST_SENTENCE`
    characters, each as far as it may go: at the best separator in its second half, else a
    space, else (a "word" longer than that) at the limit itself. Nothing is lost: the pieces
    and the white space between them are the span."""
    text, offset = span.text, span.start
    while len(text) > LONGEST_SENTENCE:
        window = text[: LONGEST_SENTENCE + 1]
        cut = next(
            (
                found + len(separator)
                for separator in CLAUSE_SEPARATORS
                if (found := window.rfind(separator, LONGEST_SENTENCE // 2)) > 0
                and found + len(separator) <= LONGEST_SENTENCE
            ),
            LONGEST_SENTENCE,
        )
        head = text[:cut].rstrip()
        yield Span(offset, offset + len(head), head)
        rest = text[cut:]
        skipped = len(rest) - len(rest.lstrip())
        offset, text = offset + cut + skipped, rest.lstrip()
    if text:
        yield Span(offset, offset + len(text), text)


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
            f"{step.candidate.left[-24:]}{step.candidate.mark}|{step.candidate.right[:24]}",
        )
        for step in _steps(text)
        if isinstance(step, _Step)
    ]

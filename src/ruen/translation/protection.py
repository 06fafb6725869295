"""What never passes through the model: web addresses, e-mail addresses, Markdown link targets.

Why: a translation model rewrites whatever it reads. It splits ``mpt.gov.by`` into words,
"translates" ``/ru/`` into ``/en/``, or drops half an address, and no reader can tell. So a
sentence is cut around each address and each ``[text](target)`` link's syntax; the parts
between are translated, and the addresses are put back byte for byte. Parts with no letter in
them (a full stop, a bracket, a number alone) are kept as they are too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruen.fidelity.addresses import links

# "[link text](target)": the brackets and the target are kept; the link text is translated.
_MARKDOWN_LINK = re.compile(r"\[(?=[^\[\]\n]*[^\W\d_])[^\[\]\n]+\](\([^()\s]*\))")
_LETTER = re.compile(r"[^\W\d_]")
# The punctuation at either edge of a piece between addresses: kept, not translated.
_EDGES = re.compile(r"([\s,;:.!?…()«»\"“”„'-]*)(.*?)([\s,;:.!?…()«»\"“”„'-]*)", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?…][\"'»”)\]]*$")


@dataclass(frozen=True)
class Segment:
    """A piece of a sentence: ``translate`` is False for what is kept verbatim."""

    text: str
    translate: bool
    space_before: bool


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, stop) of every piece the model must not see, sorted, not overlapping."""
    urls, emails = links(text)
    spans = [*urls, *emails]
    if "](" in text:
        for match in _MARKDOWN_LINK.finditer(text):
            spans.append((match.start(), match.start() + 1))  # "["
            spans.append((match.start(1) - 1, match.end()))  # "](target)"
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged


def segments(text: str) -> list[Segment]:
    """``text`` cut around its protected spans; one translatable segment where it has none."""
    spans = protected_spans(text)
    if not spans:
        return [Segment(text, True, False)]
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, stop in spans:
        if start > position:
            pieces.append((text[position:start], True))
        pieces.append((text[start:stop], False))
        position = stop
    if position < len(text):
        pieces.append((text[position:], True))
    out: list[Segment] = []
    previous_space = False
    for piece, translatable in pieces:
        if translatable:  # ", а также на" : the comma stays, the words go to the model
            match = _EDGES.fullmatch(piece)
            parts = [(match.group(1), False), (match.group(2), True), (match.group(3), False)]
        else:
            parts = [(piece, False)]
        for part, translate in parts:
            if not part:
                continue
            stripped = part.strip()
            space_before = previous_space or part[:1].isspace()
            previous_space = part[-1:].isspace()
            if stripped:
                translate = translate and bool(_LETTER.search(stripped))
                out.append(Segment(stripped, translate, space_before and bool(out)))
    return out


def assemble(parts: list[tuple[Segment, str]]) -> str:
    """The sentence put back together from each segment and what it became.

    A translated piece is fitted to its place: a full stop the model added to a piece that
    had none is dropped ("More on the site." before an address), and a piece that began in
    lower case in the Russian does not begin with a capital in the English.
    """
    out = ""
    for segment, result in parts:
        piece = result.strip() if segment.translate else segment.text
        if segment.translate and piece:
            if (
                piece.endswith(".")
                and not piece.endswith("..")
                and not _SENTENCE_END.search(segment.text)
            ):
                piece = piece[:-1]
            if segment.text[:1].islower() and piece[:1].isupper() and piece[1:2].islower():
                piece = piece[0].lower() + piece[1:]
        if not piece:
            continue
        out += (" " if segment.space_before and out else "") + piece
    return out

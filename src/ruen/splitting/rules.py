"""The splitter's rules: small named functions over the window around a possible boundary.

In the manner of razdel, each rule looks at a :class:`Candidate` (the text before it in the
sentence, the mark, the white space, the text after) and says "split", "join", or nothing; an
ordered list of rules per kind of candidate decides, the first with an opinion wins, and a
candidate no rule joins is a boundary. The word lists the rules consult are in
``abbreviations.py``; the machinery that finds candidates is in ``splitting.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from ruen.splitting.abbreviations import ALWAYS_FOLLOWED, BEFORE_NUMBER, MAY_END, YEAR_OR_CENTURY

Decision = Literal["split", "join"]
"""What a splitting rule says of a candidate boundary (:func:`ruen.explain` shows each)."""
Kind = Literal["punct", "emoji", "smiley", "hashtag", "item", "newline"]

EMOJI_CHARS = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
_EMOJI_START = re.compile(f"[{EMOJI_CHARS}]")
_LIST_MARKER = re.compile(r"(?:[-–—•*·▪►●]|\d{1,3}[.)]|[а-яa-z][)])\s")
_OPENERS = "«“„\"'([{`"
_DASHES = "-–—"
CLOSERS = "\"'»”’)\\]`"


@dataclass(frozen=True)
class Candidate:
    """The window the rules look at around one possible boundary."""

    kind: Kind
    mark: str  # what may end the sentence: ".", "?»", "😍😍", ")", "#отдых" ("" for a line break)
    left: str  # the paragraph text before the mark, from the start of the current sentence
    right: str  # the paragraph text after the white space that follows (a short window)
    gap: str = " "  # that white space
    line: str = ""  # the physical line the mark ends, up to the mark
    width: int = 0  # the longest line of the paragraph (a line break is wrapping, or meant)
    spacing: int = 1  # the widest space between two words of its lines (padded, justified)
    indent: int = 0  # the spaces that open the mark's line
    full_width: int = 0  # the longest line of the paragraph with its indentation

    @property
    def left_word(self) -> str:
        """The token just before the mark, without opening quotes or brackets."""
        words = self.left.rsplit(maxsplit=1)
        return words[-1].lstrip(_OPENERS) if words else ""

    @property
    def right_start(self) -> str:
        """The first character after the white space, skipping opening quotes and brackets."""
        return self.right.lstrip(_OPENERS)[:1]


Rule = Callable[[Candidate], "Decision | None"]


# --- rules for every kind -----------------------------------------------------------------------


def new_line_list_item(c: Candidate) -> Decision | None:
    """A bulleted or numbered item on a new line starts a sentence, whatever follows its
    marker; checked first so that "- пункт" is not read as a dash in direct speech. A dash or
    a number counts as a marker only after a line that ends a clause or is an item itself;
    otherwise wrapping moved it to the start of a line ("2,3 млн\n- на Бразилию")."""
    if "\n" not in c.gap:
        return None
    marker = _LIST_MARKER.match(c.right)
    if marker is None:
        return None
    if (c.right[0] in _DASHES or c.right[0].isdigit()) and not _item_may_follow(c.line + c.mark):
        return None
    return "split"


def _item_may_follow(line: str) -> bool:
    """Whether a list item may start after this line: it ends a clause or is an item too."""
    line = line.strip()
    return not line or line[-1] in ":;.!?" or _LIST_MARKER.match(line + " ") is not None


# --- rules for terminal punctuation -------------------------------------------------------------


def next_is_punctuation(c: Candidate) -> Decision | None:
    """A comma, a slash or a closing bracket cannot open a sentence: "(см. рис. 2), ...",
    "13 чел. / км2", "любовь? ``."."""
    stripped = c.right.lstrip(_OPENERS)
    if c.right[:1] in ",;:)]}»/" or (stripped[:1] in ".,;:!?" and stripped != c.right):
        return "join"
    return None


def emoji_follows(c: Candidate) -> Decision | None:
    """Emoji after the punctuation belong to the sentence they close: "Красиво! 😍😍 Зато ..."
    (the boundary, if any, is after them)."""
    if _EMOJI_START.match(c.right):
        return "join"
    return None


def dash_then_lower(c: Candidate) -> Decision | None:
    """Direct speech goes on after a dash: "«Кто там?» — спросил он."."""
    right = c.right
    dashes = len(right) - len(right.lstrip(_DASHES))
    if dashes and right[dashes : dashes + 1].isspace() and right[dashes:].lstrip()[:1].islower():
        return "join"
    return None


def exclamation_then_lower(c: Candidate) -> Decision | None:
    """After "!" or "?" a new sentence may start in lower case (verse, informal posts:
    "Увы! в забвении души ..."), unlike after a full stop."""
    if c.mark.rstrip(CLOSERS)[-1:] in "!?" and c.right_start.islower():
        return "split"
    return None


def next_word_lower(c: Candidate) -> Decision | None:
    """A sentence does not start in lower case: "и т.д. и т.п.", "5 млн руб. в год"."""
    if c.right_start.islower():
        return "join"
    return None


_PARENS = re.compile(r"\(+|\)+")


def _still_open(text: str) -> bool:
    """Whether a quotation or a bracket opened in ``text`` is not yet closed. Brackets that
    are faces open nothing: "((" (the sad face of Russian posts, "рублей (((") and ":(";
    closing brackets beyond those open ("))", ":)") are faces too."""
    if text.count("«") > text.count("»"):
        return True
    depth = 0
    for run in _PARENS.finditer(text):
        if run.group()[0] == ")":
            depth = max(0, depth - len(run.group()))
        elif len(run.group()) == 1 and text[run.start() - 1 : run.start()] not in (":", ";", "="):
            depth += 1
    return depth > 0


def inside_quotes_or_brackets(c: Candidate) -> Decision | None:
    """A quotation or a bracket opened in this sentence and not yet closed holds the
    punctuation: «Все больше людей берут кредиты… Хотя ...»."""
    if _still_open(c.left + c.mark):
        return "join"
    return None


_INITIAL = re.compile(r"^(?:[A-ZА-ЯЁ]\.){0,2}[A-ZА-ЯЁ]$")


def initial(c: Candidate) -> Decision | None:
    """One capital letter and a full stop is an initial: "П. Ткач", "А.С. Пушкин"."""
    if c.mark == "." and _INITIAL.match(c.left_word):
        return "join"
    return None


def abbreviation(c: Candidate) -> Decision | None:
    """An abbreviation that is always followed by more: "им. Янки Купалы", "ул. Ленина",
    also when written with a space inside ("т. е.")."""
    if c.mark != ".":
        return None
    words = c.left.rsplit(maxsplit=2)
    last = words[-1].lstrip(_OPENERS).lower() if words else ""
    pair = (words[-2] + last).lower() if len(words) >= 2 else ""
    if pair in MAY_END:
        return None
    if last in ALWAYS_FOLLOWED or pair in ALWAYS_FOLLOWED:
        return "join"
    return None


_NUMBER = re.compile(r"^[\dIVXLC]+(?:[-–—][\dIVXLC]+)?(?:-[а-я]{1,3})?$")


def year_or_city(c: Candidate) -> Decision | None:
    """ "г."/"в." after a number is a year or century and may end a sentence ("в 2020 г."),
    unless the sentence only began with that date ("В 2020 г. Беларусь заняла ...").
    Without a number "г." is "город" and a name follows ("г. Минск")."""
    if c.mark != "." or c.left_word.lower() not in YEAR_OR_CENTURY:
        return None
    words = c.left.rsplit(maxsplit=4)
    before = words[-2].lstrip(_OPENERS) if len(words) >= 2 else ""
    if not _NUMBER.match(before):
        return "join"
    if len(words) <= 4:
        return "join"
    return None


def list_number(c: Candidate) -> Decision | None:
    """A number that a sentence begins with is a list marker, never a sentence of its own:
    "1. Общие положения", "...подписания. 2. Настоящий Указ"; so is one that opens an item
    after a colon ('редакции: "6. Положение'), and one alone at the start of a line, where
    a list may go on."""
    if c.mark not in {".", ")"} or not c.left_word.isdigit() or len(c.left_word) > 3:
        return None
    if c.left.strip() == c.left_word or _MARKER_AFTER_COLON.search(c.left):
        return "join"
    if c.line.strip().lstrip(_OPENERS) == c.left_word:  # also '"6.' opening a quoted item
        before = c.left[: len(c.left) - len(c.line)].rstrip()
        if _item_may_follow(before.rsplit("\n", 1)[-1]):
            return "join"
    return None


_NUMBERED_ITEM = re.compile(r"\d{1,3}\.\s+[А-ЯЁA-Z]")
# A number that opens an item after a colon or a semicolon, quoted or not: 'редакции: "6.'
_MARKER_AFTER_COLON = re.compile(r"[:;]\s*[«\"„“]?\d{1,3}$")
# However many spaces or line breaks stand between the sign and the number ("N  169-ФЗ").
_ACT_NUMBER = re.compile(r"(?:N|№)\s*\d")


def act_number(c: Candidate) -> Decision | None:
    """An act's number goes on the reference it belongs to: "от 9 сентября 2000 г. N 1624",
    also where the line broke before "N"."""
    if c.mark == "." and _ACT_NUMBER.match(c.right):
        return "join"
    return None


def item_marker(c: Candidate) -> Decision | None:
    """A lettered or numbered item after ";" or ":" starts a sentence of its own ("...
    изменения: а) признать ...; б) пункт 6 ..."), unless a quotation is still open."""
    if _still_open(c.left + c.mark):
        return "join"
    return "split"


# --- rules for emoji, smileys and hashtags -------------------------------------------------------


def real_bracket(c: Candidate) -> Decision | None:
    """A ")" that closes a "(" of the same sentence is a bracket, not a smiley; where a line
    break follows it, that line break is judged as any other ("... N 1132)\n 2. Внести")."""
    if c.kind == "smiley" and c.mark.startswith(")"):
        left = c.left + c.mark
        if left.count("(") >= left.count(")"):
            if _NUMBERED_ITEM.match(c.right):  # "(Утратил силу ...) 2. Внести"
                return "split"
            if "\n" in c.gap:
                return decide(replace(c, kind="newline", mark="", left=left, line=c.line + c.mark))[
                    0
                ]
            return "join"
    return None


def post_continues(c: Candidate) -> Decision | None:
    """After an emoji, smiley or hashtag a new sentence starts like one (capital letter, or
    an @mention opening a comment); anything else goes on: "горный #Далат и потом ..."."""
    first = c.right_start
    if first.isupper() or first == "@":
        return "split"
    return "join"


# --- rules for a bare line break (no terminal punctuation before it) ------------------------


def line_continues(c: Candidate) -> Decision | None:
    """A line that ends in a comma, a dash or a hyphen, or a next line in lower case, is
    the same sentence wrapped."""
    last = c.left.rstrip()[-1:]
    if last in ",;:([«„“-–—" or c.right_start.islower():
        return "join"
    return None


def wrapped_line(c: Candidate) -> Decision | None:
    """A line broken only because the next word would not have fitted is wrapped text, as a
    mail client or a fixed-width page wraps it: "... Павел\nТкач принял участие". The word
    would have stood as far from the line as the text spaces its words (padded or justified
    text puts two or three spaces between them); the line is measured without its
    indentation (centred lines) and with it (an indented first line, where the indentation
    took the room)."""
    next_word = c.right.split(maxsplit=1)[0] if c.right.strip() else ""
    needed = len(c.line.rstrip()) + c.spacing + len(next_word)
    if needed > c.width or c.indent + needed > c.full_width:
        return "join"
    return None


def heading(c: Candidate) -> Decision | None:
    """A line with no final punctuation, followed by a line that starts like a sentence, is
    a heading or a list item: keep the line break as evidence. But a number goes on a line
    that ends with a word a number follows ("от 10 апреля\n2000 г.")."""
    first = c.right_start
    if first.isdigit() and not _LIST_MARKER.match(c.right):
        words = c.line.split()
        if words and words[-1].lower() in BEFORE_NUMBER:
            return "join"
    if first.isupper() or first.isdigit():
        return "split"
    return "join"


RULES: dict[str, tuple[Rule, ...]] = {
    "punct": (
        new_line_list_item,
        act_number,
        next_is_punctuation,
        emoji_follows,
        dash_then_lower,
        exclamation_then_lower,
        next_word_lower,
        inside_quotes_or_brackets,
        initial,
        abbreviation,
        year_or_city,
        list_number,
    ),
    "emoji": (new_line_list_item, post_continues),
    "smiley": (new_line_list_item, list_number, real_bracket, post_continues),
    "hashtag": (new_line_list_item, post_continues),
    "item": (item_marker,),
    "newline": (new_line_list_item, line_continues, wrapped_line, heading),
}


def decide(candidate: Candidate) -> tuple[Decision, str]:
    for rule in RULES[candidate.kind]:
        decision = rule(candidate)
        if decision is not None:
            return decision, rule.__name__
    return "split", "default"

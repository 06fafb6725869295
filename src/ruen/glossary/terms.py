"""Glossaries: the names an analyst's house uses, found in the Russian in any case form.

Why stems and not lemmas: on the list of inflected and look-alike forms in
``tests/data/glossary_forms.tsv`` (75 forms that must match, 20 that must not) the Snowball
stems ruen already uses for summaries and pymorphy3's lemmas both found every form with no
false match, each in some 20 µs a phrase (``benchmarks/glossary.py``); stems need no
dictionary of 15 MB and no new dependency, so ruen reads words by their stems. An
abbreviation (two capital letters or more: ``ФНС``, ``ЦБ``) is matched as written, case and
all, with at most a short lower-case ending (``МИДа``), since ``фнс`` or ``цб`` in lower case
is something else.

A file is a DeepL or Google glossary: ``source<TAB>target`` a line (or comma-separated
values), an optional header of language codes, ``#`` comments; ruen reads an optional third
column of other renderings a reader accepts (``|``-separated), which the check accepts while
enforcement still writes the target.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from ruen.errors import InputError
from ruen.flags import Flag

# Glossaries shipped with ruen, named instead of a path (``--glossary ru-gov``).
SHIPPED = {
    "ru-gov": "the federal bodies of the Russian Federation",
    "by-gov": "the republican bodies of state administration of the Republic of Belarus",
}
# How an applied term got into the English, cheapest first (see translation/terms.py).
HOW = ("found", "nbest", "prefix", "missing")

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# An abbreviation as written in a term: two capital letters or more, nothing lower-case.
_ABBREVIATION = re.compile(r"[A-ZА-ЯЁ][A-ZА-ЯЁ0-9]+")
# An abbreviation in a text, with the short ending Russian may give it ("МИДа", "МИДом").
_ABBREVIATION_FORM = re.compile(r"([A-ZА-ЯЁ][A-ZА-ЯЁ0-9]+)([а-яё]{0,3})")
_HEADER_NAMES = {"source", "target", "also", "term", "translation", "note"}
# A country right after a body's name: that country's body, not the glossary's (data/).
FOREIGN = frozenset(
    line.strip()
    for line in resources.files("ruen.glossary")
    .joinpath("data", "foreign.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)
# The head of a body, right before its name: "глава/замглавы/секретарь/руководитель МИД".
HEAD_WORDS = frozenset({"глав", "замглав", "секретар", "руководител", "министр", "замминистр"})


@dataclass(frozen=True)
class Term:
    """One glossary entry: a Russian name, the English the house uses for it, and other
    renderings a reader accepts (the check accepts them; enforcement writes ``target``).
    ``owner``: the state whose body it is (``Russia`` for ``ru-gov``, ``Belarus`` for
    ``by-gov``; None for a house's own list), which decides where it applies; ``note``: what a
    reader should know of it (a former body's dates and successor)."""

    source: str
    target: str
    also: tuple[str, ...] = ()
    owner: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class TermMatch:
    """Where a term stands in a Russian text, in the form it has there; ``head`` where a word
    for its head stands right before it ("глава МИД", "замглавы Минфина"): the person, whom
    English names by the title ("Foreign Minister"), not the body."""

    term: Term
    start: int
    stop: int
    text: str
    head: bool = False


@dataclass(frozen=True)
class TermUse:
    """What a record says of one term of its Russian: the form found, the target, and how the
    target got into the English (:data:`HOW`)."""

    source: str
    target: str
    how: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def stem_keys(word: str) -> frozenset[str]:
    """A word's matching keys: its Snowball stem, lower-cased, ``ё`` read as ``е``. Where the
    stemmer cut before a soft sign and a vowel, the soft sign stays with the stem: "судьи" is
    судья's, not суд's ("верховного судьи" is a judge, not the Supreme Court); a bare "ь" or
    "ью" may end either kind of word (область, областью), so both keys."""
    from ruen.summarization import _stemmer

    plain = word.lower().replace("ё", "е")
    stem = _stemmer("ru").stemWord(plain)
    rest = plain[len(stem) :] if plain.startswith(stem) else ""
    if rest in ("ь", "ью"):
        return frozenset({stem, stem + "ь"})
    if rest.startswith("ь"):
        return frozenset({stem + "ь"})
    return frozenset({stem})


@functools.lru_cache(maxsize=1)
def body_words() -> frozenset[str]:
    """The stem keys of every word of the shipped glossaries' bodies (верховн, суд, минздрав):
    a capitalised word among them names a body, not a person or a place."""
    words = set()
    for name in SHIPPED:
        for term in Glossary.shipped(name):
            for word in _WORD.findall(term.source):
                words |= stem_keys(word)
    return frozenset(words)


class Glossary:
    """Terms to keep: from files (:meth:`from_file`), shipped names (:meth:`load`) or a
    mapping (``Glossary({"Минфин": "Ministry of Finance"})``). Several combine with ``+``,
    the later one winning where both have a source."""

    def __init__(
        self,
        terms: Mapping[str, str] | Iterable[Term] = (),
        *,
        name: str | None = None,
        keys: Callable[[str], frozenset[str]] = stem_keys,
    ) -> None:
        if isinstance(terms, Mapping):
            terms = [Term(str(source), str(target)) for source, target in terms.items()]
        chosen: dict[str, list[Term]] = {}
        for term in terms:
            if not isinstance(term, Term):
                raise TypeError(f"a glossary holds Terms, not {type(term).__name__}")
            source, target = " ".join(term.source.split()), " ".join(term.target.split())
            if not _WORD.search(source) or not target:
                raise ValueError(f"a glossary term needs a source and a target: {term!r}")
            also = tuple(a for a in term.also if a.strip())
            clean = Term(source, target, also, term.owner, term.note)
            # A later entry wins, except that two states' bodies of one name both stay
            # (Минспорт is Russia's Ministry of Sport and Belarus's of Sports and Tourism):
            # which applies is told by the text, never by the order of the lists.
            kept = chosen.get(source, [])
            if term.owner is not None:
                kept = [t for t in kept if t.owner is not None and t.owner != term.owner]
            else:
                kept = []
            chosen[source] = [*kept, clean]
        self.terms: tuple[Term, ...] = tuple(t for group in chosen.values() for t in group)
        self.name = name
        self._keys = keys
        # The state the texts are about (ruen.glossary.owners.home), where a caller knows it
        # from the whole document; None: each text says for itself.
        self.home: str | None = None

    def at_home(self, home: str | None) -> Glossary:
        """This glossary for the texts of a document about ``home``: a state's unmarked name
        ("МИД") applies only where the document is about that state."""
        view = Glossary.__new__(Glossary)
        view.__dict__.update(self.__dict__)
        view.home = home
        return view

    # --- making one ---------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Glossary:
        """A TSV or CSV glossary file (UTF-8, else windows-1251 or KOI8-R, as documents)."""
        from ruen.documents import read_text

        return cls(_parse(read_text(path), os.fspath(path)), name=os.fspath(path))

    @classmethod
    def shipped(cls, name: str) -> Glossary:
        """One of the glossaries that come with ruen (:data:`SHIPPED`)."""
        if name not in SHIPPED:
            raise InputError(f"no shipped glossary {name!r}: choose from {', '.join(SHIPPED)}")
        from ruen.glossary.owners import OWNERS

        data = resources.files("ruen.glossary").joinpath("data", f"{name}.tsv")
        terms = _parse(data.read_text(encoding="utf-8"), name)
        owner = OWNERS[name]
        return cls([replace(t, owner=owner) for t in terms], name=name)

    @classmethod
    def load(cls, *specs: str | os.PathLike[str] | Glossary | Mapping[str, str]) -> Glossary:
        """Glossaries combined in order (the later wins): shipped names, file paths, glossaries
        or mappings."""
        combined = cls()
        for spec in specs:
            if isinstance(spec, Glossary):
                one = spec
            elif isinstance(spec, Mapping):
                one = cls(spec)
            elif isinstance(spec, str) and not Path(spec).exists() and spec in SHIPPED:
                one = cls.shipped(spec)
            elif isinstance(spec, str) and not Path(spec).exists() and "." not in spec:
                raise InputError(
                    f"{spec}: no such glossary file, nor a shipped glossary ({', '.join(SHIPPED)})"
                )
            else:
                one = cls.from_file(spec)
            combined = combined + one
        return combined

    def __add__(self, other: Glossary) -> Glossary:
        names = [g.name for g in (self, other) if g.name]
        return Glossary([*self.terms, *other.terms], name="+".join(names) or None)

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glossary) and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(self.terms)

    def __repr__(self) -> str:
        return f"Glossary({self.name or 'unnamed'!r}, {len(self)} terms)"

    def __getstate__(self) -> dict[str, Any]:
        return {"terms": self.terms, "name": self.name, "keys": self._keys, "home": self.home}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.terms, self.name, self._keys = state["terms"], state["name"], state["keys"]
        self.home = state.get("home")

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of the entries: what changes a glossary's output changes this."""
        text = "\n".join(
            f"{t.source}\t{t.target}\t{'|'.join(t.also)}\t{t.owner or ''}" for t in self.terms
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "terms": len(self), "fingerprint": self.fingerprint}

    # --- the Russian side -----------------------------------------------------------------

    @cached_property
    def _index(self) -> dict[tuple[str, str], list[_Entry]]:
        """Each term's words as match keys, indexed by its first word's keys. A term of a
        state that ends in the state's name ("МЧС России", "Правительство Российской
        Федерации") is kept as its core and a marker that must follow it in any of the
        state's names ("МЧС РФ", "Правительство России")."""
        from ruen.glossary.owners import owner_after

        index: dict[tuple[str, str], list[_Entry]] = {}
        for term in self.terms:
            tokens = _WORD.findall(term.source)
            proper = len(tokens) > 1 and all(w[:1].isupper() for w in tokens)
            full = tuple(self._word_keys(word) for word in tokens)
            marked = False
            if term.owner:
                for size in (3, 2, 1):
                    if len(tokens) > size and owner_after(tokens[-size:]) == (term.owner, size):
                        tokens, marked = tokens[:-size], True
                        break
            words = tuple(self._word_keys(word) for word in tokens)
            entry = _Entry(term, words, marked, proper, full)
            kind, keys = words[0]
            for key in [keys] if kind == "abbreviation" else keys:
                index.setdefault((kind, key), []).append(entry)
        return index

    def _word_keys(self, word: str) -> tuple[str, Any]:
        if _ABBREVIATION.fullmatch(word):
            return ("abbreviation", word)
        return ("word", self._keys(word))

    def _text_keys(self, word: str) -> list[tuple[str, Any]]:
        keys: list[tuple[str, Any]] = [("word", self._keys(word))]
        form = _ABBREVIATION_FORM.fullmatch(word)
        if form:
            keys.append(("abbreviation", form.group(1)))
        return keys

    def find(self, ru: str) -> list[TermMatch]:
        """The terms of ``ru`` in text order: every case and number of each word, whole words
        only, the longest match first where two overlap; a word broken by a hyphen at a line's
        end or by a soft hyphen is read whole ("Минис-\nтерство"). A state's body applies only
        where the text speaks of that state's body (:mod:`ruen.glossary.owners`): not where a
        genitive after it or an adjective before it names another state, a region or an
        organisation; where two states have a body of one name and the text does not say
        whose, neither applies."""
        if not self.terms:
            return []
        from ruen.glossary.owners import DEFAULT_HOME, home

        about = self.home or home(ru) or DEFAULT_HOME
        text, origin = _joined(ru)
        tokens = list(_WORD.finditer(text))
        words = [token.group() for token in tokens]
        keyed = [self._text_keys(word) for word in words]
        found: dict[tuple[int, int], list[_Entry]] = {}
        for i, keys in enumerate(keyed):
            for kind, value in keys:
                for key in [value] if kind == "abbreviation" else value:
                    for entry in self._index.get((kind, key), ()):
                        stop = _match_at(entry, keyed, words, i)
                        if stop is not None:
                            found.setdefault((i, stop), []).append(entry)
        later = _organisations_bodies(found, words)
        taken: set[int] = set()
        matches = []
        for start, stop in sorted(found, key=lambda span: (span[0] - span[1], span[0])):
            if not taken.isdisjoint(range(start, stop)):
                continue
            entry = _whose(found[(start, stop)], words, start, stop, keyed, about,
                           (start, stop) in later)  # fmt: skip
            if entry is None or not _plausible(entry, words, start, stop):
                continue
            taken.update(range(start, stop))
            a, b = origin[tokens[start].start()], origin[tokens[stop - 1].end() - 1] + 1
            head = start > 0 and _is_head(words[start - 1])
            matches.append(TermMatch(entry.term, a, b, ru[a:b], head))
        return sorted(matches, key=lambda match: match.start)

    # --- the English side -----------------------------------------------------------------

    def target_span(self, en: str, term: Term) -> tuple[int, int] | None:
        """Where ``en`` holds the term's target (any case, a possessive or plural ending)."""
        found = _english(term.target).search(en)
        return found.span() if found else None

    def held(self, en: str, match: TermMatch) -> bool:
        """Whether ``en`` holds the target, or after a head word its head's title
        ("Minister of Finance" for "глава Минфина")."""
        return any(_english(name).search(en) for name in _names(match, (match.term.target,)))

    def accepted(self, en: str, match: TermMatch) -> bool:
        """:meth:`held`, or one of the other renderings the entry accepts."""
        names = _names(match, (match.term.target, *match.term.also))
        return any(_english(name).search(en) for name in names)

    def check(self, ru: str, en: str) -> list[Flag]:
        """A ``term`` flag for each term of ``ru`` whose target ``en`` lacks."""
        return [
            Flag("term", m.text, m.term.target, f"{m.text} → {m.term.target} is not in the English")
            for m in self.find(ru)
            if not self.accepted(en, m)
        ]


def _names(match: TermMatch, names: tuple[str, ...]) -> tuple[str, ...]:
    """The names, and after a head word the titles made of them: a ministry's head is its
    Minister ("Foreign Minister"), or in British and American usage its Secretary."""
    if not match.head:
        return names
    titles = [
        re.sub(r"\bMinistry\b", title, name)
        for name in names
        if "Ministry" in name
        for title in ("Minister", "Secretary")
    ]
    return (*names, *titles)


@dataclass(frozen=True)
class _Entry:
    """A term as the matcher reads it: its words' keys, whether its state's name must follow
    them, and whether it is a proper name written in capitals ("Банк России")."""

    term: Term
    words: tuple[tuple[str, Any], ...]
    marked: bool
    proper: bool
    full: tuple[tuple[str, Any], ...] = ()  # every word of the source, its state's name too


def _matches(
    words: tuple[tuple[str, Any], ...], keyed: list[list[tuple[str, Any]]], i: int
) -> bool:
    if i + len(words) > len(keyed):
        return False
    for (kind, want), keys in zip(words, keyed[i : i + len(words)]):
        if kind == "abbreviation":
            if ("abbreviation", want) not in keys:
                return False
        elif not any(k == "word" and not want.isdisjoint(v) for k, v in keys):
            return False
    return True


def _match_at(
    entry: _Entry, keyed: list[list[tuple[str, Any]]], words: list[str], i: int
) -> int | None:
    """Where a match of ``entry`` starting at word ``i`` ends, or None. The entry's state may
    stand after its first word ("Министерство Российской Федерации по делам ..."); a marked
    entry needs its state's name after it ("МЧС России", "СК РФ")."""
    from ruen.glossary.owners import owner_after

    owner = entry.term.owner
    stop = None
    if _matches(entry.words, keyed, i):
        stop = i + len(entry.words)
    elif owner and len(entry.words) > 1:
        inside = owner_after(words[i + 1 :])
        if inside and inside[0] == owner and _matches(entry.words[1:], keyed, i + 1 + inside[1]):
            stop = i + inside[1] + len(entry.words)
    if stop is None or not entry.marked:
        return stop
    after = owner_after(words[stop:])
    return stop + after[1] if after and after[0] == owner else None


def _organisations_bodies(
    found: Mapping[tuple[int, int], list[_Entry]], words: list[str]
) -> set[tuple[int, int]]:
    """The spans that name again, with nothing after them, a body the text gave to an
    organisation before ("Совет Безопасности ООН ... Совет Безопасности"): that
    organisation's, not the glossary's state's."""
    from ruen.glossary.owners import organisation_after

    theirs: set[frozenset[str]] = set()
    later = set()
    for start, stop in sorted(found):
        body = frozenset(entry.term.source.lower() for entry in found[(start, stop)])
        if organisation_after(words[stop:]):
            theirs.add(body)
        elif body in theirs:
            later.add((start, stop))
    return later


def _whose(
    entries: list[_Entry],
    words: list[str],
    start: int,
    stop: int,
    keyed: list[list[tuple[str, Any]]],
    about: str | None = None,
    organisations_before: bool = False,
) -> _Entry | None:
    """Of the entries that match one span, the one whose body the text speaks of, or None.
    The state is told by a genitive after the name or an adjective before it; a house's own
    term (no owner) applies unless another state is named. ``organisations_before``: the text
    gave this body to an organisation before, and nothing here names another owner."""
    from ruen.glossary.owners import ELSEWHERE, own_name, owner_after, owner_before

    named = set()
    after = owner_after(words[stop:])
    if after:
        named.add(after[0])
    if start and (before := owner_before(words[start - 1])):
        named.add(before)
    if start and words[start - 1] in FOREIGN:
        named.add(ELSEWHERE)
    if organisations_before and not named:
        named.add(ELSEWHERE)
    fitting = [
        e
        for e in entries
        if (e.marked and named <= {e.term.owner})
        or (not e.marked and (named <= {e.term.owner} if e.term.owner else ELSEWHERE not in named))
    ]
    if not named and about is not None:  # an unmarked name: the document's state's, unless
        # the name is one only its own state has (Госдума, Росстат: Russia's in any story)
        fitting = [e for e in fitting if e.term.owner in (None, about) or own_name(e.term.source)]
    if not fitting:
        return None
    named_owner = [e for e in fitting if e.term.owner in named]
    if named_owner:
        fitting = named_owner
    if len({e.term.target for e in fitting}) > 1 and not named_owner:
        return None  # two states' bodies, and the text does not say whose
    # Of entries for one body, the one written as the text writes it ("Правительства
    # Российской Федерации" is that entry's, not "Правительство РФ"'s).
    exact = [e for e in fitting if _matches(e.full, keyed, start) and start + len(e.full) == stop]
    return (exact or fitting)[-1]


def _plausible(entry: _Entry, words: list[str], start: int, stop: int) -> bool:
    """Whether the words are the body and not a look-alike: a proper name in capitals written
    in lower case ("крупнейшим банком России"), a word the glossary lists as something else
    next to the right neighbour ("выпуск ЦБ": securities; "МАРТ 2024": the month), an
    abbreviation in a text set in capitals."""
    first = words[start]
    if entry.proper and not first[:1].isupper():
        return False
    if start and words[start - 1].lower() in _SEVERAL_HEADS:
        return False  # "встречи глав МИД" of the G7: several states' ministries
    for where, pattern in _lookalikes().get(entry.term.source, ()):
        if where == "before" and start and re.match(pattern, words[start - 1].lower()):
            return False
        if where == "after" and stop < len(words) and re.match(pattern, words[stop]):
            return False
    if len(entry.words) == 1 and entry.words[0][0] == "abbreviation":
        near = words[max(0, start - 2) : start] + words[stop : stop + 2]
        if any(len(w) >= 4 and w.isupper() and re.fullmatch(r"[А-ЯЁ]+", w) for w in near):
            return False  # "МАРТ 2024 ГОДА": a heading in capitals, not an abbreviation
    return True


@functools.lru_cache(maxsize=1)
def _lookalikes() -> dict[str, tuple[tuple[str, str], ...]]:
    data = resources.files("ruen.glossary").joinpath("data", "lookalikes.tsv")
    found: dict[str, list[tuple[str, str]]] = {}
    for line in data.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, where, neighbour = line.split("\t")
            pattern = neighbour if where == "after" else f"(?:{neighbour})"
            found.setdefault(name, []).append((where, pattern))
    return {name: tuple(pairs) for name, pairs in found.items()}


# Heads of several bodies of one name: their states' bodies, not one state's.
_SEVERAL_HEADS = frozenset({"глав", "министров", "руководителей", "замглав"})


def _is_head(word: str) -> bool:
    """Whether a word names the head of a body: "глава", "замглавы", "Экс-глава",
    "вице-министр" (a prefix before a hyphen is left aside)."""
    return not HEAD_WORDS.isdisjoint(stem_keys(word.split("-")[-1]))


def _joined(text: str) -> tuple[str, list[int]]:
    """``text`` with soft hyphens and line-end hyphens inside words removed, and for each of
    its characters the offset it had in ``text``."""
    if "\u00ad" not in text and "-" not in text:
        return text, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    position = 0
    from ruen.documents import LINE_END_HYPHEN

    for match in LINE_END_HYPHEN.finditer(text):
        for k in range(position, match.start()):
            if text[k] != "\u00ad":
                out.append(text[k])
                origin.append(k)
        position = match.end()
    for k in range(position, len(text)):
        if text[k] != "\u00ad":
            out.append(text[k])
            origin.append(k)
    return "".join(out), origin


_ENGLISH: dict[str, re.Pattern[str]] = {}
_OFFICES = frozenset({"Ministry", "Minister", "Secretary"})


def _english(name: str) -> re.Pattern[str]:
    """``name`` in an English text: any case, words apart by spaces or hyphens, a
    possessive or plural ending, never inside a longer word."""
    pattern = _ENGLISH.get(name)
    if pattern is None:
        words = [re.escape(word) for word in re.split(r"[\s\-]+", name.strip()) if word]
        # "Ministry of Foreign Affairs", "Minister for Foreign Affairs": either preposition.
        words = [
            "(?:of|for)" if word.lower() == "of" and i and words[i - 1] in _OFFICES else word
            for i, word in enumerate(words)
        ]
        body = r"[\s\-]+".join(words)
        pattern = re.compile(rf"(?<!\w){body}(?:['’]s|['’]|e?s)?(?!\w)", re.IGNORECASE)
        _ENGLISH[name] = pattern
    return pattern


def _parse(text: str, where: str) -> list[Term]:
    """The terms of a TSV or CSV glossary; a malformed line is an error that names it."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.startswith("#")), "")
    delimiter = "\t" if "\t" in first or "\t" in text else ","
    terms = []
    seen_content = False
    if delimiter == "\t":  # DeepL's TSV: no quoting, a quotation mark is part of a name
        rows = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        rows = csv.reader(io.StringIO(text))
    for number, row in enumerate(rows, 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if not seen_content:
            seen_content = True
            if _is_header(cells):
                continue
        if len(cells) < 2 or not cells[0] or not cells[1] or len(cells) > 4:
            separator = "<TAB>" if delimiter == "\t" else ","
            raise InputError(
                f"{where}, line {number}: a glossary line is source{separator}target (and "
                f"optionally other renderings and a note), not {delimiter.join(row)!r}"
            )
        also = tuple(a.strip() for a in cells[2].split("|") if a.strip()) if len(cells) > 2 else ()
        note = cells[3] if len(cells) == 4 and cells[3] else None
        terms.append(Term(cells[0], cells[1], also, note=note))
    return terms


def _is_header(cells: list[str]) -> bool:
    """A first line of language codes (``ru<TAB>en``, as Google's CSV has) or column names."""
    return all(
        re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?", cell) or cell.lower() in _HEADER_NAMES
        for cell in cells
        if cell
    )

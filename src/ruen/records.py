"""What a digest gives: one record per sentence, the title, and the whole document's digest.

These are plain frozen dataclasses with ``to_dict`` for JSON, so that a digest can be saved,
streamed as JSON lines, rendered (``report.py``) and compared for equality.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ruen.flags import KINDS, Flag
from ruen.glossary import TermUse

if TYPE_CHECKING:
    import pandas
    import pyarrow


@dataclass(frozen=True)
class NameUse:
    """A person or place of a sentence's Russian and how it came out in the English: the form
    written (``source``), its nominative (``lemma``), ``person`` or ``place``, the English
    spelling held (or expected, where ``missing``), and ``how``: ``found`` (the model wrote
    it), ``nbest`` (a hypothesis of the model's n-best list that holds it was taken),
    ``prefix`` (forced as the start of a new decode) or ``missing`` (its ``name`` flag says
    so)."""

    source: str
    """The name as the Russian writes it (any case form: «Лаврову»)."""
    lemma: str
    """Its nominative («Лавров»), the form the document's one spelling is keyed by."""
    kind: str
    """``person`` or ``place``."""
    english: str
    """The English spelling the sentence holds, or the one expected where it is missing."""
    how: str
    """``found`` (the model wrote it), ``nbest`` (a hypothesis of the n-best list that holds it was
    taken), ``prefix`` (forced as the start of a new decode) or ``missing``.
    """

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentenceRecord:
    """One sentence of the source: where it is, what it says, whether the summary keeps it,
    and what the fidelity check found in its English (:func:`ruen.check`)."""

    index: int
    """The sentence's position in the document, from 0."""
    start: int
    """Its first character's offset in the document's text."""
    stop: int
    """The offset just past its last character: ``text[start:stop]`` is the sentence."""
    ru: str
    """The Russian sentence."""
    en: str | None
    """Its English; None where the digest translated only the key sentences."""
    selected: bool
    """Whether the summary keeps it as a key sentence."""
    score: float
    """Its summary score (higher: more central to the document)."""
    repaired: bool = False
    """Whether the English is a better hypothesis than the model's own best (repair took it)."""
    flags: tuple[Flag, ...] = ()
    """What the fidelity check found in the English (:class:`~ruen.Flag`)."""
    paragraph: int = 0
    """Which paragraph of the text (blank-line separated) it stands in, from 0."""
    terms: tuple[TermUse, ...] = ()
    """The glossary's terms in the Russian, and how each came out."""
    names: tuple[NameUse, ...] = ()
    """Its people and places, and how each came out (:class:`NameUse`)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["flags"] = [flag.to_dict() for flag in self.flags]
        data["terms"] = [term.to_dict() for term in self.terms]
        data["names"] = [name.to_dict() for name in self.names]
        return data


@dataclass(frozen=True)
class Title:
    """A document's title: translated and checked like a sentence, never a key sentence."""

    ru: str
    """The Russian title."""
    en: str | None
    """Its English."""
    repaired: bool = False
    """Whether the English is a better hypothesis than the model's own best."""
    flags: tuple[Flag, ...] = ()
    """What the fidelity check found in the English."""
    terms: tuple[TermUse, ...] = ()
    """The glossary's terms in the title, and how each came out."""
    names: tuple[NameUse, ...] = ()
    """Its people and places, and how each came out."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "flags": [flag.to_dict() for flag in self.flags],
            "terms": [term.to_dict() for term in self.terms],
            "names": [name.to_dict() for name in self.names],
        }


@dataclass(frozen=True)
class Digest:
    """A whole announcement: every sentence with its translation, and the key ones marked."""

    sentences: list[SentenceRecord]
    """Every sentence of the text, in order, each with its English and whether it is key."""
    model: str
    """The model's name or path, as it was given."""
    k: int | float
    """The key sentences asked for: a count (3) or a share of the sentences (0.3)."""
    settings: dict[str, Any] = field(default_factory=dict)
    """What produced the digest (model fingerprint, backend, beam, summariser), so that it can be
    reproduced.
    """
    title: Title | None = None
    """The document's title, translated and checked; None where it has none."""
    date: str | None = None
    """The document's date, where it gives one (ISO 8601)."""
    url: str | None = None
    """Where the document came from, where known."""
    id: str | None = None
    """The id given with the document, or its file's path."""
    notes: tuple[str, ...] = ()
    """How the text was got, where a reader should know: bytes replaced, a page cut short."""

    @property
    def summary_en(self) -> list[str]:
        """The selected sentences' English, in document order."""
        return [record.en or "" for record in self.sentences if record.selected]

    @property
    def summary_ru(self) -> list[str]:
        return [record.ru for record in self.sentences if record.selected]

    @property
    def translation_en(self) -> list[str | None]:
        return [record.en for record in self.sentences]

    @property
    def flag_counts(self) -> dict[str, int]:
        """How many flags of each kind the translation carries (every kind, zeros too)."""
        counts = dict.fromkeys(KINDS, 0)
        for record in [*self.sentences, *([self.title] if self.title else [])]:
            for flag in record.flags:
                counts[flag.kind] += 1
        return counts

    def _repr_html_(self) -> str:
        """The report's article for this digest, for a notebook cell: the same HTML as
        ``--format html``, its CSS scoped so that it restyles nothing else, no script."""
        from ruen.report import to_html_fragment

        return to_html_fragment([self.to_dict()])

    def _repr_markdown_(self) -> str:
        from ruen.report import to_markdown

        return to_markdown([self.to_dict()])

    def to_pandas(self) -> pandas.DataFrame:
        """One row per sentence (``ruen[pandas]``): see :func:`ruen.to_pandas`."""
        from ruen.tables import to_pandas

        return to_pandas([self])

    def to_arrow(self) -> pyarrow.Table:
        """The rows of :meth:`to_pandas` as a ``pyarrow.Table`` (``ruen[arrow]``), which
        pandas and Polars both read."""
        from ruen.tables import to_arrow

        return to_arrow([self])

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the title and the summary first, then the per-sentence
        records."""
        return {
            "id": self.id,
            "title": self.title.to_dict() if self.title else None,
            "date": self.date,
            "url": self.url,
            "model": self.model,
            "k": self.k,
            "settings": dict(self.settings),
            "summary_en": self.summary_en,
            "flags": self.flag_counts,
            "notes": list(self.notes),
            "sentences": [record.to_dict() for record in self.sentences],
        }


@dataclass(frozen=True)
class DocumentError:
    """A document of a corpus that could not be digested, and why: the run goes on."""

    id: str | None
    """The document's id (its path, or the id given with it)."""
    error: str
    """Why it could not be digested, in one line."""
    internal: bool = False
    """Whether the cause is a fault inside ruen (a step that failed), not the input."""

    def __repr__(self) -> str:
        return f"<DocumentError {self.error}>"

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id, "error": self.error}
        if self.internal:
            record["internal"] = True
        return record

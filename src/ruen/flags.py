"""A warning about a translation, and its kinds: the type the fidelity check, the names check
and the glossary all make, so it lives below all three (none imports another to get it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KINDS = (
    "number",
    "date",
    "url",
    "email",
    "name",
    "untranslated",
    "repetition",
    "brackets",
    "length",
    "term",
    "unchecked",  # a check failed inside on this pair: what it checks was not checked
)
# The kinds a better hypothesis from the model's n-best list may mend (see translation.py).
REPAIRABLE = frozenset({"number", "date", "url", "name", "untranslated"})


@dataclass(frozen=True)
class Flag:
    """One warning about a translation: what kind, which spans, and a line a reader
    understands."""

    kind: str
    """One of :data:`~ruen.flags.KINDS` (``number``, ``date``, ``name``, ``term``...)."""
    source: str | None
    """The span of the Russian it concerns, where there is one."""
    target: str | None
    """The span of the English it concerns, where there is one."""
    message: str
    """A line a reader understands."""

    def __repr__(self) -> str:
        return f"<Flag {self.kind}: {self.message}>"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

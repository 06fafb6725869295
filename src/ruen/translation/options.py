"""How to translate: one home for the options every entry point takes.

Why one home: ``Translator.translate``, ``translate_iterable``, ``translate_detailed``,
``digest`` and ``digest_many`` all take the same beam, length, batching and repair options.
Spelled out in each signature they drifted apart; here a new option is added once, as
transformers' ``GenerationConfig`` does for ``generate``. Each entry point takes an
``options`` object and keyword overrides of its fields (``translate(s, beam_size=4)``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ruen.glossary import Glossary


@dataclass(frozen=True)
class TranslateOptions:
    """Generation and batching options. ``None`` keeps the model's own generation config
    (opus-mt-ru-en: beam 6, up to 512 tokens), as transformers does."""

    beam_size: int | None = None
    """Beams searched; None: the model's own (opus-mt-ru-en: 6)."""
    max_new_tokens: int | None = None
    """Tokens of English at most per sentence; None: the model's own (512)."""
    min_new_tokens: int | None = None
    """Tokens of English at least (the speed benchmarks force an output length with it); None: the
    model's own.
    """
    batch_size: int = 32
    """Sentences per batch at most: sentences are sorted by length into batches of at most this
    many sentences and ``max_batch_tokens`` tokens.
    """
    max_batch_tokens: int = 4096
    """Tokens per batch at most."""
    repair: bool = False
    """Replace a translation that changed a figure, date, address or name, or left Russian in, by
    the best hypothesis of the model's n-best list that does so less (``ruen digest`` does by
    default).
    """
    glossary: Glossary | None = None
    """House names to keep (:class:`~ruen.Glossary`): enforced in the English where ``repair`` is
    on, reported and flagged either way.
    """

    def __post_init__(self) -> None:
        for name, lowest, optional in (
            ("beam_size", 1, True),
            ("max_new_tokens", 1, True),
            ("min_new_tokens", 0, True),
            ("batch_size", 1, False),
            ("max_batch_tokens", 1, False),
        ):
            value = getattr(self, name)
            if value is None and optional:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
                raise ValueError(f"{name} must be an integer of at least {lowest}, not {value!r}")
        if not isinstance(self.repair, bool):
            raise ValueError(f"repair must be True or False, not {self.repair!r}")
        if self.glossary is not None and not isinstance(self.glossary, Glossary):
            raise ValueError(f"glossary must be a Glossary, not {type(self.glossary).__name__}")

    @classmethod
    def build(
        cls, options: TranslateOptions | None, overrides: dict[str, Any], **defaults: Any
    ) -> TranslateOptions:
        """``options`` (or ``defaults``, the entry point's own) with ``overrides`` applied;
        an unknown name is a ``TypeError`` that lists the known ones."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(
                f"unknown option {unknown[0]!r}: choose from {', '.join(sorted(known))}"
            )
        if options is not None and not isinstance(options, cls):
            raise TypeError(f"options must be a TranslateOptions, not {type(options).__name__}")
        return replace(options if options is not None else cls(**defaults), **overrides)

"""ruen: Russian announcements into English, split, translated with MarianMT and summarised.

>>> import ruen
>>> ruen.split_sentences("В 2020 г. индекс вырос на 5,8 %. П. Ткач принял участие.")
['В 2020 г. индекс вырос на 5,8 %.', 'П. Ткач принял участие.']
"""

from __future__ import annotations

import importlib
import types

from ruen import _moved
from ruen.documents import Document, parse_document, read_document, read_text
from ruen.errors import (
    InputError,
    InvalidModelError,
    MissingExtraError,
    ModelNotAvailableError,
    RuenError,
)
from ruen.fidelity import Flag, check
from ruen.glossary import Glossary
from ruen.pipeline import digest, digest_many
from ruen.records import Digest, DocumentError, SentenceRecord, Title
from ruen.report import show
from ruen.splitting import Span, explain, sentenize, split_sentences
from ruen.stories.same_story import same_story
from ruen.summarization import score_sentences, summarize
from ruen.tables import to_arrow, to_pandas
from ruen.translation import DEFAULT_BACKEND, Translation, Translator
from ruen.translation.loading import clear_cache, load_translator
from ruen.translation.options import TranslateOptions
from ruen.translation.resolution import DEFAULT_MODEL, default_model, download_model, resolve_model

__version__ = "0.1.0"

# The module paths from before the layout by stage (ruen.options, ruen.loading, ...) still import.
_moved.install()


def __getattr__(name: str) -> types.ModuleType:
    if name in _moved.MOVED:
        return importlib.import_module(f"ruen.{name}")
    raise AttributeError(f"module 'ruen' has no attribute {name!r}")


__all__ = [
    "DEFAULT_BACKEND",
    "DEFAULT_MODEL",
    "Digest",
    "Document",
    "DocumentError",
    "Flag",
    "Glossary",
    "InputError",
    "InvalidModelError",
    "MissingExtraError",
    "ModelNotAvailableError",
    "RuenError",
    "SentenceRecord",
    "Span",
    "Title",
    "TranslateOptions",
    "Translation",
    "Translator",
    "__version__",
    "check",
    "clear_cache",
    "default_model",
    "digest",
    "digest_many",
    "download_model",
    "explain",
    "load_translator",
    "parse_document",
    "read_document",
    "read_text",
    "resolve_model",
    "same_story",
    "score_sentences",
    "sentenize",
    "show",
    "split_sentences",
    "summarize",
    "to_arrow",
    "to_pandas",
]

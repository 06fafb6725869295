"""MarianMT translation: find the model, load it once, translate sentences in sorted batches.

``resolution`` finds a model's files; ``loading`` loads it once per process into a
``translator.Translator``; ``engines`` runs it (transformers or CTranslate2); ``model_files``
fingerprints it and converts it on disk; ``cache`` keeps translations; ``protection`` keeps
addresses away from the model; ``options`` is the one home of the options every entry point
takes.
"""

from ruen.translation.loading import BACKENDS, DEFAULT_BACKEND, clear_cache, load_translator
from ruen.translation.options import TranslateOptions
from ruen.translation.translator import Translation, Translator

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "TranslateOptions",
    "Translation",
    "Translator",
    "clear_cache",
    "load_translator",
]

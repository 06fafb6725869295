"""MarianMT translation: find the model, load it once, translate sentences in sorted batches.

The translator is made and cached by ``loading.py`` (:func:`ruen.load_translator`).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from ruen.fidelity import REPAIRABLE, check, checker_version
from ruen.glossary import Glossary, TermUse
from ruen.splitting import CLAUSE_SEPARATORS
from ruen.translation.cache import MemoryCache, SQLiteCache, repair_scope, translation_scope
from ruen.translation.engines import NBEST, Engine, GenerationSettings
from ruen.translation.model_files import fingerprint
from ruen.translation.options import TranslateOptions
from ruen.translation.protection import assemble, segments
from ruen.translation.terms import apply_glossary
from ruen.translation.tokens import ModelTokens

REPAIR_CANDIDATES = NBEST


@dataclass(frozen=True)
class Translation:
    """One sentence's English, whether repair chose it over the model's own best, how each
    glossary term of its Russian got into it, and how each person and place did (set by the
    digest, which sees the whole document)."""

    text: str
    """The English."""
    repaired: bool = False
    """Whether repair chose it over the model's own best."""
    terms: tuple[TermUse, ...] = ()
    """How each glossary term of the Russian got into it."""
    names: tuple[Any, ...] = ()
    """How each person and place did (set by the digest, which sees the whole document)."""


_NOTHING = Translation("")


def _repairable(ru: str, en: str) -> int:
    """How many flags of the kinds that a better hypothesis may mend ``en`` carries."""
    return sum(flag.kind in REPAIRABLE for flag in check(ru, en))


class Translator:
    """A loaded MarianMT model and its tokenizer. Get one with :func:`load_translator`.

    The same options and defaults serve :meth:`translate` (a list in, a list out) and its
    streaming twin :meth:`translate_iterable`.
    """

    def __init__(
        self,
        name: str,
        path: Path,
        tokenizer: Any,
        engine: Engine,
        *,
        generation_defaults: dict[str, Any],
        max_input_tokens: int,
        persistent_cache: SQLiteCache | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self.tokenizer = tokenizer
        self.tokens = ModelTokens(tokenizer, max_input_tokens)
        self.engine = engine
        self.generation_defaults = generation_defaults
        self.max_input_tokens = max_input_tokens
        self.fingerprint = fingerprint(path)
        self.memory_cache = MemoryCache()
        self.persistent_cache = persistent_cache
        # The n-best lists repair searched in the last call, by settings and piece: keeping a
        # document's names (keep_terms) reads them instead of searching the same sentences
        # again. Emptied at each call, so it holds one window's lists at most.
        self._local = threading.local()
        # What ruen.load_translator was given, for loading the same model elsewhere.
        self.load_arguments: dict[str, Any] = {"model": str(path)}

    def __repr__(self) -> str:
        return (
            f"Translator({self.name!r}, backend={self.backend!r}, device={self.device!r}, "
            f"compute_type={self.compute_type!r})"
        )

    @property
    def _searched(self) -> dict[tuple[GenerationSettings, str], list[str]]:
        """The n-best lists this thread's last call searched (a thread of its own each:
        another thread's call must not empty them between translating and keeping names)."""
        if not hasattr(self._local, "searched"):
            self._local.searched = {}
        return self._local.searched

    @property
    def backend(self) -> str:
        return self.engine.name

    @property
    def device(self) -> str:
        return self.engine.device

    @property
    def compute_type(self) -> str:
        return self.engine.compute_type

    @property
    def model(self) -> Any:
        """The PyTorch model (transformers backend only; ``None`` with CTranslate2)."""
        return getattr(self.engine, "model", None)

    def settings(
        self, options: TranslateOptions | None = None, **overrides: Any
    ) -> GenerationSettings:
        """The generation settings for these options; ``None`` keeps the model's own
        generation config, as transformers does."""
        chosen = TranslateOptions.build(options, overrides)
        return GenerationSettings(
            chosen.beam_size,
            chosen.max_new_tokens,
            chosen.min_new_tokens,
            defaults=self.generation_defaults,
        )

    def signature(self, settings: GenerationSettings | None = None) -> str:
        """How a translation was made, in sacrebleu's ``key:value|...`` form."""
        resolved = (settings or self.settings()).resolved()
        return (
            f"model:{self.name}|fingerprint:{self.fingerprint[:12]}|backend:{self.backend}|"
            f"compute:{self.compute_type}|device:{self.device}|beam:{resolved['beam_size']}|"
            f"max_tokens:{resolved['max_tokens']}|min_tokens:{resolved['min_tokens']}"
        )

    def translate(
        self,
        sentences: Iterable[str],
        options: TranslateOptions | None = None,
        *,
        progress: Callable[[int], object] | None = None,
        chunk_size: int = 256,
        **overrides: Any,
    ) -> list[str]:
        """Translate each sentence; one output per input, in input order.

        ``options`` (:class:`~ruen.TranslateOptions`), or keyword overrides of its
        fields (``beam_size=4``), say how. Sentences are sorted by length into batches of at
        most ``batch_size`` sentences and ``max_batch_tokens`` padded tokens; identical
        sentences (after white-space normalisation) are translated once per process, and
        once ever with a persistent cache; a sentence longer than the model can read is cut
        at clause boundaries and the pieces' translations joined, so nothing is truncated.
        Web and e-mail addresses and Markdown link targets never reach the model: the
        sentence is cut around them and they are put back verbatim
        (``translation/protection.py``). With ``repair``, a translation that changed a figure,
        a date, an address or a name, or left Russian in, is replaced by the best hypothesis
        of the model's n-best list that does so less (see :meth:`translate_detailed`).
        ``progress`` is called with the number of sentences finished after each chunk of
        ``chunk_size``.
        """
        results = self._results(sentences, options, overrides, progress, chunk_size)
        return [result.text for result in results]

    def translate_detailed(
        self,
        sentences: Iterable[str],
        options: TranslateOptions | None = None,
        *,
        progress: Callable[[int], object] | None = None,
        chunk_size: int = 256,
        **overrides: Any,
    ) -> list[Translation]:
        """:meth:`translate`, with each result saying whether repair replaced the model's
        own best output."""
        return list(self._results(sentences, options, overrides, progress, chunk_size))

    def translate_iterable(
        self,
        sentences: Iterable[str],
        options: TranslateOptions | None = None,
        *,
        progress: Callable[[int], object] | None = None,
        chunk_size: int = 256,
        **overrides: Any,
    ) -> Iterator[str]:
        """The streaming twin of :meth:`translate`: it reads ``chunk_size`` sentences at a
        time, so a generator over a large archive is never held in memory whole."""
        results = self._results(sentences, options, overrides, progress, chunk_size)
        return (result.text for result in results)

    def _results(
        self,
        sentences: Iterable[str],
        options: TranslateOptions | None,
        overrides: dict[str, Any],
        progress: Callable[[int], object] | None,
        chunk_size: int,
    ) -> Iterator[Translation]:
        if isinstance(sentences, str):
            raise TypeError("translate() takes an iterable of sentences, not one str")
        if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
            raise ValueError(f"chunk_size must be a positive integer, not {chunk_size!r}")
        chosen = TranslateOptions.build(options, overrides)
        settings = self.settings(chosen)
        batching = {
            "batch_size": chosen.batch_size,
            "max_batch_tokens": max(chosen.max_batch_tokens, self.max_input_tokens),
        }
        return self._stream(
            iter(sentences),
            settings,
            batching,
            chunk_size,
            progress,
            chosen.repair,
            chosen.glossary,
        )

    def _stream(
        self,
        sentences: Iterator[str],
        settings: GenerationSettings,
        batching: dict[str, int],
        chunk_size: int,
        progress: Callable[[int], object] | None,
        repair: bool,
        glossary: Glossary | None,
    ) -> Iterator[Translation]:
        scope = translation_scope(self.fingerprint, self.backend, self.compute_type, settings.key())
        self._local.searched = {}  # this call's lists only, this thread's calls only
        while chunk := list(islice(sentences, chunk_size)):
            inputs = [" ".join(sentence.split()) for sentence in chunk]
            unique = [text for text in dict.fromkeys(inputs) if text]
            translated = self._translate_unique(unique, settings, batching, scope, repair, glossary)
            yield from (translated[text] if text else _NOTHING for text in inputs)
            if progress is not None:
                progress(len(chunk))

    def _translate_unique(
        self,
        texts: list[str],
        settings: GenerationSettings,
        batching: dict[str, int],
        scope: str,
        repair: bool,
        glossary: Glossary | None = None,
    ) -> dict[str, Translation]:
        """Each text's translation, assembled from what the model made of its pieces."""
        plans = {text: segments(text) for text in texts}
        pieces_of = {
            segment.text: self.split_long(segment.text)
            for plan in plans.values()
            for segment in plan
            if segment.translate
        }
        pieces = list(dict.fromkeys(piece for parts in pieces_of.values() for piece in parts))
        outputs = self._outputs(pieces, settings, batching, scope)
        searched: dict[str, list[str]] = {}  # n-best lists repair made, for the glossary too
        repaired = (
            self._repair(pieces, outputs, settings, batching, scope, searched) if repair else set()
        )
        self._searched.update(((settings, piece), found) for piece, found in searched.items())
        uses = (
            apply_glossary(
                self.engine,
                glossary,
                pieces,
                outputs,
                settings,
                batching,
                enforce=repair,
                repairable=_repairable,
                limit=self.max_input_tokens,
                searched=searched,
            )
            if glossary
            else {}
        )
        results = {}
        for text, plan in plans.items():
            parts = [
                (segment, " ".join(outputs[piece] for piece in pieces_of[segment.text]))
                if segment.translate
                else (segment, segment.text)
                for segment in plan
            ]
            fixed = any(
                piece in repaired
                for segment in plan
                if segment.translate
                for piece in pieces_of[segment.text]
            )
            english = parts[0][1] if len(plan) == 1 else assemble(parts)
            terms = tuple(
                use
                for segment in plan
                if segment.translate
                for piece in pieces_of[segment.text]
                for use in uses.get(piece, ())
            )
            results[text] = Translation(english, fixed, terms)
        return results

    def _outputs(
        self, pieces: list[str], settings: GenerationSettings, batching: dict[str, int], scope: str
    ) -> dict[str, str]:
        """Each piece's translation: from the caches where known, else from the engine."""
        found = self._cached(scope, pieces)
        missing = [piece for piece in pieces if piece not in found]
        if missing:
            new = dict(zip(missing, self.engine.translate(missing, settings, **batching)))
            self._store(scope, new)
            found.update(new)
        return found

    def _repair(
        self,
        pieces: list[str],
        outputs: dict[str, str],
        settings: GenerationSettings,
        batching: dict[str, int],
        scope: str,
        searched: dict[str, list[str]],
    ) -> set[str]:
        """Replace, in ``outputs``, each translation that carries a repairable flag by the
        highest-scoring hypothesis of the n-best list that carries fewer; return the pieces
        so replaced, and keep the lists searched in ``searched``. The choice is cached like a
        translation, so a second run costs no search."""
        flagged = {piece: _repairable(piece, outputs[piece]) for piece in pieces}
        bad = [piece for piece in pieces if flagged[piece]]
        if not bad:
            return set()
        scope = repair_scope(scope, REPAIR_CANDIDATES, checker_version())
        chosen = self._cached(scope, bad)
        todo = [piece for piece in bad if piece not in chosen]
        if todo:
            candidates = self.engine.translate_nbest(todo, settings, REPAIR_CANDIDATES, **batching)
            searched.update(zip(todo, candidates))
            new = {
                piece: next(
                    (h for h in hypotheses if _repairable(piece, h) < flagged[piece]),
                    outputs[piece],
                )
                for piece, hypotheses in zip(todo, candidates)
            }
            self._store(scope, new)
            chosen.update(new)
        repaired = {piece for piece in bad if chosen[piece] != outputs[piece]}
        outputs.update(chosen)
        return repaired

    def keep_terms(
        self,
        texts: list[str],
        english: list[str],
        glossary: Glossary,
        options: TranslateOptions | None = None,
        *,
        only: list[set[str]] | None = None,
    ) -> list[tuple[str, tuple[TermUse, ...]]]:
        """Each text's English with the glossary's terms kept, as translation keeps them (the
        n-best list, then a forced prefix), starting from the English given: the step that
        keeps a document's people and places (``ruen.names.keep``), all its sentences in
        one batched call. ``only``: for each text, the terms (by source) it is to keep. A text
        the model reads in more than one piece keeps its English, its terms reported as they
        are."""
        chosen = TranslateOptions.build(options, {})
        settings = self.settings(chosen)
        batching = {
            "batch_size": chosen.batch_size,
            "max_batch_tokens": max(chosen.max_batch_tokens, self.max_input_tokens),
        }
        whole = [
            text
            for text in texts
            if len(plan := segments(text)) == 1
            and plan[0].translate
            and self.split_long(text) == [text]
        ]
        outputs = dict(zip(texts, english))
        wanted = None if only is None else dict(zip(texts, only))
        last = self._searched  # keyed as translation reads a text: its spaces normalised
        keys = {t: (settings, " ".join(t.split())) for t in whole}
        searched = {t: last[keys[t]] for t in whole if keys[t] in last}
        uses = apply_glossary(
            self.engine,
            glossary,
            whole,
            outputs,
            settings,
            batching,
            enforce=chosen.repair,
            repairable=_repairable,
            limit=self.max_input_tokens,
            searched=searched,
            only=wanted,
        )
        as_is = {
            text: tuple(
                TermUse(
                    m.text, m.term.target, "found" if glossary.held(outputs[text], m) else "missing"
                )
                for m in glossary.find(text)
                if wanted is None or m.term.source in wanted[text]
            )
            for text in texts
            if text not in uses
        }
        return [(outputs[text], uses.get(text, as_is.get(text, ()))) for text in texts]

    def _cached(self, scope: str, texts: list[str]) -> dict[str, str]:
        found = self.memory_cache.get_many(scope, texts)
        missing = [text for text in texts if text not in found]
        if missing and self.persistent_cache is not None:
            stored = self.persistent_cache.get_many(scope, missing)
            self.memory_cache.put_many(scope, stored)
            found.update(stored)
        return found

    def _store(self, scope: str, translations: dict[str, str]) -> None:
        self.memory_cache.put_many(scope, translations)
        if self.persistent_cache is not None:
            self.persistent_cache.put_many(scope, translations)

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for ``text``, its end token included."""
        return self.tokens.count(text)

    def split_long(self, text: str) -> list[str]:
        """``text`` as pieces that each fit the model: itself when it fits, else cut at the
        best clause boundary nearest the middle, recursively."""
        # A SentencePiece token covers at least one character of the NFKC-normalised text,
        # a word boundary at most one more: a text this short fits without being tokenised
        # (most sentences are; tokenising each twice cost ruen 15 % against plain batching).
        if 2 * len(unicodedata.normalize("NFKC", text)) + 1 <= self.max_input_tokens:
            return [text]
        if self.count_tokens(text) <= self.max_input_tokens:
            return [text]
        middle = len(text) // 2
        for separator in CLAUSE_SEPARATORS:
            cuts = [i + len(separator) for i in _find_all(text, separator)]
            cuts = [cut for cut in cuts if 0 < cut < len(text)]
            if cuts:
                cut = min(cuts, key=lambda position: abs(position - middle))
                break
        else:
            cut = middle
        left, right = text[:cut].strip(), text[cut:].strip()
        if not left or not right:
            left, right = text[:middle], text[middle:]
        return self.split_long(left) + self.split_long(right)


def _find_all(text: str, separator: str) -> Iterator[int]:
    start = text.find(separator)
    while start != -1:
        yield start
        start = text.find(separator, start + 1)

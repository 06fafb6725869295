"""MarianMT translation: find the model, load it once, translate sentences in sorted batches.

Why a process-wide cache: loading opus-mt-ru-en takes seconds and about a gigabyte, and a
library user who calls :func:`ruen.digest` in a loop must not pay that on every call. Finding
the model's files is ``resolution.py``'s work.
"""

from __future__ import annotations

import json
import os
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from ruen.cache import MemoryCache, SQLiteCache
from ruen.engines import (
    CTranslate2Engine,
    Engine,
    GenerationSettings,
    TransformersEngine,
    convert_to_ctranslate2,
    fingerprint,
    quiet_transformers,
)
from ruen.errors import InvalidModelError, MissingExtraError
from ruen.fidelity import REPAIRABLE, check
from ruen.resolution import default_model, resolve_model
from ruen.segments import assemble, segments

BACKENDS = ("transformers", "ctranslate2")
# Where a sentence too long for the model is cut, best first (issue: never truncate).
CLAUSE_SEPARATORS = ("; ", ": ", ", ", " — ", " – ", " - ", " ")


_DEVICE = re.compile(r"^(?:auto|cpu|cuda(?::\d+)?)$")


def resolve_device(device: str, backend: str = "transformers") -> str:
    """``"auto"`` is CUDA when a GPU is visible to the backend, else the CPU."""
    if not isinstance(device, str) or not _DEVICE.match(device):
        raise ValueError(f"unknown device {device!r}: use auto, cpu, cuda or cuda:N")
    if device != "auto":
        return device
    if backend == "ctranslate2":
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


# Hypotheses asked of the model when a translation needs repair (the beam is at least as wide).
REPAIR_CANDIDATES = 8


@dataclass(frozen=True)
class Translation:
    """One sentence's English, and whether repair chose it over the model's own best."""

    text: str
    repaired: bool = False


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
        self.engine = engine
        self.generation_defaults = generation_defaults
        self.max_input_tokens = max_input_tokens
        self.fingerprint = fingerprint(path)
        self.memory_cache = MemoryCache()
        self.persistent_cache = persistent_cache

    def __repr__(self) -> str:
        return (
            f"Translator({self.name!r}, backend={self.backend!r}, device={self.device!r}, "
            f"compute_type={self.compute_type!r})"
        )

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
        self,
        *,
        beam_size: int | None = None,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
    ) -> GenerationSettings:
        """The generation settings for these options, checked; ``None`` keeps the model's
        own generation config, as transformers does."""
        for key, value, lowest in (
            ("beam_size", beam_size, 1),
            ("max_new_tokens", max_new_tokens, 1),
            ("min_new_tokens", min_new_tokens, 0),
        ):
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < lowest
            ):
                raise ValueError(f"{key} must be an integer of at least {lowest}, not {value!r}")
        return GenerationSettings(
            beam_size, max_new_tokens, min_new_tokens, defaults=self.generation_defaults
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
        *,
        beam_size: int | None = None,
        batch_size: int = 32,
        max_batch_tokens: int = 4096,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        repair: bool = False,
        progress: Callable[[int], object] | None = None,
        chunk_size: int = 256,
    ) -> list[str]:
        """Translate each sentence; one output per input, in input order.

        Sentences are sorted by length into batches of at most ``batch_size`` sentences and
        ``max_batch_tokens`` padded tokens; identical sentences (after white-space
        normalisation) are translated once per process, and once ever with a persistent
        cache; a sentence longer than the model can read is cut at clause boundaries and the
        pieces' translations joined, so nothing is truncated. Web and e-mail addresses and
        Markdown link targets never reach the model: the sentence is cut around them and
        they are put back verbatim (``segments.py``). With ``repair``, a translation that
        changed a figure, a date, an address or a name, or left Russian in, is replaced by
        the best hypothesis of the model's n-best list that does so less (see
        :meth:`translate_detailed`). ``progress`` is called with the number of sentences
        finished after each chunk of ``chunk_size``.
        """
        return [
            result.text
            for result in self.translate_detailed(
                sentences,
                beam_size=beam_size,
                batch_size=batch_size,
                max_batch_tokens=max_batch_tokens,
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens,
                repair=repair,
                progress=progress,
                chunk_size=chunk_size,
            )
        ]

    def translate_detailed(
        self,
        sentences: Iterable[str],
        *,
        beam_size: int | None = None,
        batch_size: int = 32,
        max_batch_tokens: int = 4096,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        repair: bool = False,
        progress: Callable[[int], object] | None = None,
        chunk_size: int = 256,
    ) -> list[Translation]:
        """:meth:`translate`, with each result saying whether repair replaced the model's
        own best output."""
        return list(
            self._results(
                sentences,
                beam_size=beam_size,
                batch_size=batch_size,
                max_batch_tokens=max_batch_tokens,
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens,
                repair=repair,
                progress=progress,
                chunk_size=chunk_size,
            )
        )

    def translate_iterable(
        self,
        sentences: Iterable[str],
        *,
        beam_size: int | None = None,
        batch_size: int = 32,
        max_batch_tokens: int = 4096,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        repair: bool = False,
        progress: Callable[[int], object] | None = None,
        chunk_size: int = 256,
    ) -> Iterator[str]:
        """The streaming twin of :meth:`translate`: it reads ``chunk_size`` sentences at a
        time, so a generator over a large archive is never held in memory whole."""
        results = self._results(
            sentences,
            beam_size=beam_size,
            batch_size=batch_size,
            max_batch_tokens=max_batch_tokens,
            max_new_tokens=max_new_tokens,
            min_new_tokens=min_new_tokens,
            repair=repair,
            progress=progress,
            chunk_size=chunk_size,
        )
        return (result.text for result in results)

    def _results(
        self,
        sentences: Iterable[str],
        *,
        beam_size: int | None,
        batch_size: int,
        max_batch_tokens: int,
        max_new_tokens: int | None,
        min_new_tokens: int | None,
        repair: bool,
        progress: Callable[[int], object] | None,
        chunk_size: int,
    ) -> Iterator[Translation]:
        if isinstance(sentences, str):
            raise TypeError("translate() takes an iterable of sentences, not one str")
        for key, value in (
            ("batch_size", batch_size),
            ("chunk_size", chunk_size),
            ("max_batch_tokens", max_batch_tokens),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{key} must be a positive integer, not {value!r}")
        settings = self.settings(
            beam_size=beam_size, max_new_tokens=max_new_tokens, min_new_tokens=min_new_tokens
        )
        batching = {
            "batch_size": batch_size,
            "max_batch_tokens": max(max_batch_tokens, self.max_input_tokens),
        }
        return self._stream(iter(sentences), settings, batching, chunk_size, progress, repair)

    def _stream(
        self,
        sentences: Iterator[str],
        settings: GenerationSettings,
        batching: dict[str, int],
        chunk_size: int,
        progress: Callable[[int], object] | None,
        repair: bool,
    ) -> Iterator[Translation]:
        scope = f"{self.fingerprint}|{self.backend}|{self.compute_type}|{settings.key()}"
        while chunk := list(islice(sentences, chunk_size)):
            inputs = [" ".join(sentence.split()) for sentence in chunk]
            unique = [text for text in dict.fromkeys(inputs) if text]
            translated = self._translate_unique(unique, settings, batching, scope, repair)
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
        repaired = self._repair(pieces, outputs, settings, batching, scope) if repair else set()
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
            results[text] = Translation(english, fixed)
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
    ) -> set[str]:
        """Replace, in ``outputs``, each translation that carries a repairable flag by the
        highest-scoring hypothesis of the n-best list that carries fewer; return the pieces
        so replaced. The choice is cached like a translation, so a second run costs no
        search."""
        flagged = {piece: _repairable(piece, outputs[piece]) for piece in pieces}
        bad = [piece for piece in pieces if flagged[piece]]
        if not bad:
            return set()
        scope = f"{scope}|repair:{REPAIR_CANDIDATES}"
        chosen = self._cached(scope, bad)
        todo = [piece for piece in bad if piece not in chosen]
        if todo:
            candidates = self.engine.translate_nbest(todo, settings, REPAIR_CANDIDATES, **batching)
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
        return len(self.tokenizer(text)["input_ids"])

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


_CACHE: dict[tuple[Any, ...], Translator] = {}
_CACHE_LOCK = threading.Lock()
_LOAD_LOCKS: dict[tuple[Any, ...], threading.Lock] = {}


def load_translator(
    model: str | os.PathLike[str] | None = None,
    *,
    backend: str = "transformers",
    device: str = "auto",
    compute_type: str = "default",
    revision: str | None = None,
    inter_threads: int | None = None,
    intra_threads: int | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> Translator:
    """Load a MarianMT model and its tokenizer once per process and return the shared
    :class:`Translator`.

    ``model`` is a hub id or a local directory (default: ``$RUEN_MODEL`` or
    ``Helsinki-NLP/opus-mt-ru-en``). ``backend="ctranslate2"`` (extra ``ruen[fast]``)
    converts the model once, to ``compute_type`` (default int8 on a CPU), and keeps the result
    on disk; ``inter_threads``/``intra_threads`` override its measured thread settings.
    ``cache`` names an SQLite file that keeps translations across runs. A second call with
    the same arguments returns the same object, also when several threads ask at once;
    :func:`clear_cache` forgets them all.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    name = os.fspath(model) if model is not None else default_model()
    device = resolve_device(device, backend)
    compute_type = _compute_type(backend, device, compute_type)
    local = Path(name).expanduser()
    identity = str(local.resolve()) if local.is_dir() else name
    cache_path = str(Path(cache).expanduser().resolve()) if cache is not None else None
    key = (
        identity,
        backend,
        device,
        compute_type,
        revision,
        inter_threads,
        intra_threads,
        cache_path,
    )
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        lock = _LOAD_LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _CACHE_LOCK:
            if key in _CACHE:
                return _CACHE[key]
        translator = _load(
            name,
            backend=backend,
            device=device,
            compute_type=compute_type,
            revision=revision,
            inter_threads=inter_threads,
            intra_threads=intra_threads,
            cache=cache_path,
        )
        with _CACHE_LOCK:
            _CACHE[key] = translator
    return translator


def clear_cache() -> None:
    """Forget every loaded translator (the next :func:`load_translator` loads anew)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _LOAD_LOCKS.clear()


def _compute_type(backend: str, device: str, compute_type: str) -> str:
    if backend == "transformers":
        if compute_type not in ("default", "float32"):
            raise ValueError(
                f"compute_type {compute_type!r} needs backend='ctranslate2'; "
                "the transformers backend runs float32"
            )
        return "float32"
    if compute_type == "default":
        return "int8_float16" if device.startswith("cuda") else "int8"
    return compute_type


def _load(
    name: str,
    *,
    backend: str,
    device: str,
    compute_type: str,
    revision: str | None,
    inter_threads: int | None,
    intra_threads: int | None,
    cache: str | None,
) -> Translator:
    path = resolve_model(name, revision=revision)
    from transformers import MarianTokenizer

    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    generation_path = path / "generation_config.json"
    generation = (
        json.loads(generation_path.read_text(encoding="utf-8"))
        if generation_path.is_file()
        else {
            key: config[key]
            for key in ("num_beams", "max_length", "bad_words_ids", "forced_eos_token_id")
            if key in config
        }
    )
    try:
        with quiet_transformers(), warnings.catch_warnings():
            # MarianTokenizer recommends sacremoses, which only its unused target-side
            # normaliser needs.
            warnings.filterwarnings("ignore", message=".*sacremoses")
            tokenizer = MarianTokenizer.from_pretrained(path)
            if backend == "ctranslate2":
                engine: Engine = CTranslate2Engine(
                    convert_to_ctranslate2(path, compute_type),
                    tokenizer,
                    device=device,
                    compute_type=compute_type,
                    inter_threads=inter_threads,
                    intra_threads=intra_threads,
                )
            else:
                engine = TransformersEngine(_load_torch_model(path, device), tokenizer, device)
    except (InvalidModelError, MissingExtraError, ValueError):
        raise
    except Exception as exc:
        raise InvalidModelError(f"{path} could not be loaded as a MarianMT model: {exc}") from None
    limits = [config.get("max_position_embeddings", 512)]
    if isinstance(tokenizer.model_max_length, int) and tokenizer.model_max_length < 10**9:
        limits.append(tokenizer.model_max_length)
    return Translator(
        name,
        path,
        tokenizer,
        engine,
        generation_defaults=generation,
        max_input_tokens=min(limits),
        persistent_cache=SQLiteCache(cache) if cache is not None else None,
    )


def _load_torch_model(path: Path, device: str) -> Any:
    from transformers import MarianMTModel

    model = MarianMTModel.from_pretrained(
        path, use_safetensors=(path / "model.safetensors").is_file() or None
    )
    model.to(device)
    model.eval()
    return model

"""MarianMT translation: find the model, load it once, translate sentences in sorted batches.

Why a process-wide cache: loading opus-mt-ru-en takes seconds and about a gigabyte, and a
library user who calls :func:`ruen.digest` in a loop must not pay that on every call.

Why we resolve the model to a local directory first: one code path then serves a hub id, a
cached snapshot and a user's own copy, and every failure to find a model becomes one
:class:`~ruen.errors.ModelNotAvailableError` that says how to get it, before any weights load.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ruen.errors import InvalidModelError, ModelNotAvailableError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ru-en"
BACKENDS = ("transformers",)
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# What a MarianMT snapshot needs; everything else in a hub repo (TF, Rust, Flax weights) is not
# downloaded.
DOWNLOAD_FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "target_vocab.json",
    *TOKENIZER_FILES,
)
# Where a sentence too long for the model is cut, best first (issue: never truncate).
CLAUSE_SEPARATORS = ("; ", ": ", ", ", " — ", " – ", " - ", " ")


def default_model() -> str:
    """The model used when none is named: ``$RUEN_MODEL`` if set, else opus-mt-ru-en."""
    return os.environ.get("RUEN_MODEL") or DEFAULT_MODEL


def _how_to_get(name: str) -> str:
    return (
        f"on a connected machine run `ruen models download {name}` "
        "(or `ruen models download NAME --to DIR` and copy DIR here), "
        "or pass --model PATH to a local MarianMT directory"
    )


def _looks_like_path(name: str) -> bool:
    """A hub id is ``name`` or ``org/name``; anything else is meant as a directory."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name


def check_model_dir(path: Path) -> dict[str, Any]:
    """Check that ``path`` holds a MarianMT model ruen can run; return its config.

    Raises :class:`InvalidModelError` naming what is wrong, so that a wrong ``--model`` is
    reported as such and not as a stack trace from deep inside transformers.
    """
    config_path = path / "config.json"
    if not config_path.is_file():
        raise InvalidModelError(f"{path} is not a MarianMT model directory: it has no config.json")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidModelError(f"{config_path} cannot be read as JSON: {exc}") from None
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type != "marian":
        raise InvalidModelError(
            f"{path} is not a MarianMT model: its config.json has model_type {model_type!r}, "
            "ruen needs 'marian'"
        )
    missing = [name for name in TOKENIZER_FILES if not (path / name).is_file()]
    if missing:
        raise InvalidModelError(
            f"{path} is not a complete MarianMT model: missing {', '.join(missing)}"
        )
    if not any((path / name).is_file() for name in WEIGHT_FILES):
        raise InvalidModelError(f"{path} has no weights: expected {' or '.join(WEIGHT_FILES)}")
    return config


def resolve_model(
    model: str | os.PathLike[str] | None = None, *, revision: str | None = None
) -> Path:
    """The local directory of ``model``: the directory itself, or the hub id's snapshot in the
    Hugging Face cache, downloading it when allowed (not with ``HF_HUB_OFFLINE=1``)."""
    name = os.fspath(model) if model is not None else default_model()
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        check_model_dir(candidate)
        return candidate.resolve()
    if candidate.exists():
        raise InvalidModelError(f"{name} is a file; --model needs a MarianMT directory or a hub id")
    if _looks_like_path(name):
        raise ModelNotAvailableError(f"model directory {name} does not exist")
    return _snapshot(name, revision=revision)


def _snapshot(repo_id: str, *, revision: str | None) -> Path:
    from huggingface_hub import snapshot_download

    patterns = [*DOWNLOAD_FILES, *WEIGHT_FILES]
    try:
        path = Path(
            snapshot_download(
                repo_id, revision=revision, allow_patterns=patterns, local_files_only=True
            )
        )
        check_model_dir(path)
        return path
    except InvalidModelError:
        raise
    except Exception:  # not in the cache (or an incomplete copy): try the network below
        pass
    if _offline():
        raise ModelNotAvailableError(
            f"model {repo_id} is not in the Hugging Face cache and HF_HUB_OFFLINE is set: "
            + _how_to_get(repo_id)
        )
    try:
        path = download_model(repo_id, revision=revision)
    except ModelNotAvailableError as exc:
        raise ModelNotAvailableError(
            f"model {repo_id} is not in the Hugging Face cache and {exc}: " + _how_to_get(repo_id)
        ) from None
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelNotAvailableError(
            f"model {repo_id} is not in the Hugging Face cache and cannot be downloaded "
            f"({reason[:160]}): " + _how_to_get(repo_id)
        ) from None
    check_model_dir(path)
    return path


def _offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE", "") or os.environ.get("TRANSFORMERS_OFFLINE", "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def download_model(
    repo_id: str, *, to: str | os.PathLike[str] | None = None, revision: str | None = None
) -> Path:
    """Download the files a MarianMT model needs (safetensors weights where the repo has them,
    else the PyTorch ones) into the Hugging Face cache, or into ``to``."""
    from huggingface_hub import HfApi, snapshot_download

    _check_reachable()
    files = set(HfApi().list_repo_files(repo_id, revision=revision))
    weights = next((name for name in WEIGHT_FILES if name in files), None)
    if weights is None:
        raise InvalidModelError(f"{repo_id} has no PyTorch weights ({' or '.join(WEIGHT_FILES)})")
    return Path(
        snapshot_download(
            repo_id,
            revision=revision,
            allow_patterns=[*DOWNLOAD_FILES, weights],
            local_dir=os.fspath(to) if to is not None else None,
        )
    )


def _check_reachable(timeout: float = 5.0) -> None:
    """Fail at once, in one line, when the hub cannot be reached: huggingface_hub would
    otherwise retry for half a minute, printing a warning each time. Skipped behind a proxy,
    where a direct connection says nothing."""
    if any(os.environ.get(name) for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY")):
        return
    from huggingface_hub import constants

    url = urlparse(constants.ENDPOINT)
    host = url.hostname or "huggingface.co"
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ModelNotAvailableError(
            f"cannot reach {host} ({exc.strerror or exc}), so models cannot be downloaded here"
        ) from None


def resolve_device(device: str) -> str:
    """``"auto"`` is CUDA when torch sees a GPU, else the CPU; anything else is checked."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        torch.device(device)
    except (RuntimeError, ValueError):
        raise ValueError(f"unknown device {device!r}: use auto, cpu, cuda or cuda:N") from None
    return device


@dataclass
class Translator:
    """A loaded MarianMT model and its tokenizer. Get one with :func:`load_translator`."""

    name: str
    path: Path
    tokenizer: Any = field(repr=False)
    model: Any = field(repr=False)
    device: str = "cpu"
    backend: str = "transformers"

    @property
    def max_input_tokens(self) -> int:
        """The longest input, end-of-sentence token included, the model can read."""
        limits = [self.model.config.max_position_embeddings]
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tokenizer_limit, int) and tokenizer_limit < 10**9:
            limits.append(tokenizer_limit)
        return min(limits)

    def generation_settings(
        self,
        *,
        beam_size: int | None = None,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
    ) -> dict[str, int]:
        """The keyword arguments for ``generate``: only what the caller set, so that ``None``
        keeps the model's own generation config, as transformers does."""
        settings = {
            "num_beams": beam_size,
            "max_new_tokens": max_new_tokens,
            "min_new_tokens": min_new_tokens,
        }
        for key, value in settings.items():
            lowest = 0 if key == "min_new_tokens" else 1
            if value is not None and (not isinstance(value, int) or value < lowest):
                raise ValueError(f"{key} must be an integer of at least {lowest}, not {value!r}")
        return {key: value for key, value in settings.items() if value is not None}

    def translate(
        self,
        sentences: Iterable[str],
        *,
        beam_size: int | None = None,
        batch_size: int = 16,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> list[str]:
        """Translate each sentence; one output per input, in input order.

        Sentences are batched by length so that little padding is computed; identical
        sentences are translated once; a sentence longer than the model can read is cut at
        clause boundaries and its pieces' translations joined, so nothing is truncated.
        ``None`` keeps the model's own generation config. ``progress`` is called with the
        number of sentences finished after each batch.
        """
        return list(
            self.translate_iterable(
                sentences,
                beam_size=beam_size,
                batch_size=batch_size,
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens,
                progress=progress,
            )
        )

    def translate_iterable(
        self,
        sentences: Iterable[str],
        *,
        beam_size: int | None = None,
        batch_size: int = 16,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
        progress: Callable[[int], object] | None = None,
        chunk_size: int = 512,
    ) -> Iterator[str]:
        """The streaming twin of :meth:`translate`, with the same options and defaults: it
        reads ``chunk_size`` sentences at a time, so a generator over a large archive is
        never held in memory whole."""
        if isinstance(sentences, str):
            raise TypeError("translate() takes an iterable of sentences, not one str")
        for name, value in (("batch_size", batch_size), ("chunk_size", chunk_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        settings = self.generation_settings(
            beam_size=beam_size, max_new_tokens=max_new_tokens, min_new_tokens=min_new_tokens
        )
        return self._stream(iter(sentences), settings, batch_size, chunk_size, progress)

    def _stream(
        self,
        sentences: Iterator[str],
        settings: dict[str, int],
        batch_size: int,
        chunk_size: int,
        progress: Callable[[int], object] | None,
    ) -> Iterator[str]:
        while chunk := list(islice(sentences, chunk_size)):
            inputs = [" ".join(sentence.split()) for sentence in chunk]
            pieces_of = {text: self.split_long(text) for text in dict.fromkeys(inputs) if text}
            unique = list(dict.fromkeys(piece for pieces in pieces_of.values() for piece in pieces))
            outputs = self._translate_unique(unique, settings, batch_size)
            translated = dict(zip(unique, outputs))
            for text in inputs:
                yield " ".join(translated[piece] for piece in pieces_of[text]) if text else ""
            if progress is not None:
                progress(len(chunk))

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def split_long(self, text: str) -> list[str]:
        """``text`` as pieces that each fit the model: itself when it fits, else cut at the
        best clause boundary nearest the middle, recursively."""
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

    def _translate_unique(
        self,
        texts: list[str],
        settings: dict[str, int],
        batch_size: int,
    ) -> list[str]:
        import torch

        lengths = [self.count_tokens(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        results: list[str] = [""] * len(texts)
        for begin in range(0, len(order), batch_size):
            batch = order[begin : begin + batch_size]
            encoded = self.tokenizer(
                [texts[i] for i in batch], return_tensors="pt", padding=True
            ).to(self.device)
            with torch.inference_mode(), _quiet_transformers():
                generated = self.model.generate(**encoded, **settings)
            decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for i, text in zip(batch, decoded):
                results[i] = text
        return results


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' info chatter and progress bars (a CLI user sees ours instead),
    restoring whatever the caller had set."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


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
    revision: str | None = None,
) -> Translator:
    """Load a MarianMT model and its tokenizer once per process and return the shared
    :class:`Translator`.

    ``model`` is a hub id or a local directory (default: ``$RUEN_MODEL`` or
    ``Helsinki-NLP/opus-mt-ru-en``). A second call with the same arguments returns the same
    object, also when several threads ask at once; :func:`clear_cache` forgets them all.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    name = os.fspath(model) if model is not None else default_model()
    device = resolve_device(device)
    local = Path(name).expanduser()
    identity = str(local.resolve()) if local.is_dir() else name
    key = (identity, backend, device, revision)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        lock = _LOAD_LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _CACHE_LOCK:
            if key in _CACHE:
                return _CACHE[key]
        translator = _load(name, device=device, revision=revision)
        with _CACHE_LOCK:
            _CACHE[key] = translator
    return translator


def clear_cache() -> None:
    """Forget every loaded translator (the next :func:`load_translator` loads anew)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _LOAD_LOCKS.clear()


def _load(name: str, *, device: str, revision: str | None) -> Translator:
    path = resolve_model(name, revision=revision)
    from transformers import MarianMTModel, MarianTokenizer

    try:
        with _quiet_transformers(), warnings.catch_warnings():
            # MarianTokenizer recommends sacremoses, which only its unused target-side
            # normaliser needs.
            warnings.filterwarnings("ignore", message=".*sacremoses")
            tokenizer = MarianTokenizer.from_pretrained(path)
            model = MarianMTModel.from_pretrained(
                path, use_safetensors=(path / "model.safetensors").is_file() or None
            )
    except Exception as exc:
        raise InvalidModelError(f"{path} could not be loaded as a MarianMT model: {exc}") from None
    model.to(device)
    model.eval()
    return Translator(name=name, path=path, tokenizer=tokenizer, model=model, device=device)

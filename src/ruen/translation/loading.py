"""Loading a MarianMT model once per process, on the backend and device asked for.

Why a process-wide cache: loading opus-mt-ru-en takes seconds and about a gigabyte, and a
library user who calls :func:`ruen.digest` in a loop, or a web service that digests from many
threads, must not pay that on every call. Finding the model's files is ``resolution.py``'s work;
translating with it is ``translation.py``'s.
"""

from __future__ import annotations

import json
import os
import re
import threading
import warnings
from pathlib import Path
from typing import Any

from ruen.errors import InvalidModelError, MissingExtraError
from ruen.translation.cache import SQLiteCache
from ruen.translation.engines import (
    CTranslate2Engine,
    Engine,
    TransformersEngine,
    quiet_transformers,
)
from ruen.translation.model_files import convert_to_ctranslate2
from ruen.translation.resolution import default_model, resolve_model
from ruen.translation.translator import Translator

# "auto": CTranslate2 (int8 on a CPU) where ruen[fast] is installed, else transformers. The
# engines themselves are the other two; "transformers" is exactly the model's own generate.
BACKENDS = ("auto", "transformers", "ctranslate2")
DEFAULT_BACKEND = "auto"
"""``load_translator``'s backend: CTranslate2 int8 where ``ruen[fast]`` is installed (a
converted copy made once and cached), else transformers; ``"transformers"`` or
``"ctranslate2"`` name one."""
_DEVICE = re.compile(r"^(?:auto|cpu|cuda(?::\d+)?)$")


def resolve_backend(backend: str) -> str:
    """The engine a backend name stands for: ``"auto"`` is CTranslate2 where it is installed
    (several times faster on a CPU at a third of the memory), else transformers."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend != "auto":
        return backend
    try:
        import ctranslate2  # noqa: F401 - only to know whether it is there
    except ImportError:
        return "transformers"
    return "ctranslate2"


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


# The translators loaded in this process, by everything that was asked of them.
_LOADED: dict[tuple[Any, ...], Translator] = {}
_LOADED_LOCK = threading.Lock()
_LOAD_LOCKS: dict[tuple[Any, ...], threading.Lock] = {}


def load_translator(
    model: str | os.PathLike[str] | None = None,
    *,
    backend: str = DEFAULT_BACKEND,
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
    ``backend="auto"`` is CTranslate2 where ``ruen[fast]`` is installed, else transformers;
    ``"transformers"`` gives exactly what the model's own ``generate`` gives.
    ``cache`` names an SQLite file that keeps translations across runs. A second call with
    the same arguments returns the same object, also when several threads ask at once;
    :func:`clear_cache` forgets them all.
    """
    backend = resolve_backend(backend)
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
    with _LOADED_LOCK:
        if key in _LOADED:
            return _LOADED[key]
        lock = _LOAD_LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _LOADED_LOCK:
            if key in _LOADED:
                return _LOADED[key]
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
        # How it was loaded, so that another process (a Dask worker) can load the same.
        translator.load_arguments = {
            "model": identity,
            "backend": backend,
            "device": device,
            "compute_type": compute_type,
            "revision": revision,
            "inter_threads": inter_threads,
            "intra_threads": intra_threads,
            "cache": cache_path,
        }
        with _LOADED_LOCK:
            _LOADED[key] = translator
    return translator


def clear_cache() -> None:
    """Forget every loaded translator, so that the next :func:`load_translator` loads anew,
    and empty their in-memory translation caches (a translator still held elsewhere then
    translates afresh). Translation cache files (``cache=``) and converted models on disk are
    left alone: they are the user's files."""
    with _LOADED_LOCK:
        for translator in _LOADED.values():
            translator.memory_cache.clear()
        _LOADED.clear()
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
            positions = _positions(config, tokenizer)
            if backend == "ctranslate2":
                engine: Engine = CTranslate2Engine(
                    convert_to_ctranslate2(path, compute_type),
                    tokenizer,
                    device=device,
                    compute_type=compute_type,
                    inter_threads=inter_threads,
                    intra_threads=intra_threads,
                    positions=positions,
                )
            else:
                engine = TransformersEngine(
                    _load_torch_model(path, device), tokenizer, device, positions=positions
                )
    except (InvalidModelError, MissingExtraError, ValueError):
        raise
    except Exception as exc:
        raise InvalidModelError(f"{path} could not be loaded as a MarianMT model: {exc}") from None
    return Translator(
        name,
        path,
        tokenizer,
        engine,
        generation_defaults=generation,
        max_input_tokens=_positions(config, tokenizer),
        persistent_cache=SQLiteCache(cache) if cache is not None else None,
    )


def _positions(config: dict[str, Any], tokenizer: Any) -> int:
    """The most source tokens the model reads: its position embeddings, or the tokenizer's
    bound where that is lower."""
    limits = [config.get("max_position_embeddings", 512)]
    if isinstance(tokenizer.model_max_length, int) and tokenizer.model_max_length < 10**9:
        limits.append(tokenizer.model_max_length)
    return min(limits)


def _load_torch_model(path: Path, device: str) -> Any:
    from transformers import MarianMTModel

    model = MarianMTModel.from_pretrained(
        path, use_safetensors=(path / "model.safetensors").is_file() or None
    )
    model.to(device)
    model.eval()
    return model

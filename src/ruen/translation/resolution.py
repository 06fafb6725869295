"""Finding a MarianMT model: a local directory, the Hugging Face cache, or a download.

Why resolve to a local directory first: one code path then serves a hub id, a cached snapshot
and a user's own copy, and every failure to find a model becomes one
:class:`~ruen.errors.ModelNotAvailableError` that says how to get it, before any weights load.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ruen.errors import InvalidModelError, ModelNotAvailableError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ru-en"
"""The model every command and function uses unless told otherwise (``--model``, ``model=``,
or ``RUEN_MODEL``; :func:`default_model` says which applies)."""
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


def default_model() -> str:
    """The model used when none is named: ``$RUEN_MODEL`` if set, else opus-mt-ru-en."""
    return os.environ.get("RUEN_MODEL") or DEFAULT_MODEL


def _how_to_get(name: str) -> str:
    return (
        f"on a connected machine run `ruen models download {name}` "
        "(or `ruen models download NAME --to DIR` and copy DIR here), "
        "then set RUEN_MODEL=PATH (or pass --model PATH) to the model's folder"
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
    model: str | os.PathLike[str] | None = None,
    *,
    revision: str | None = None,
    download: bool = True,
) -> Path:
    """The local directory of ``model``: the directory itself, or the hub id's snapshot in the
    Hugging Face cache, downloading it when allowed (not with ``HF_HUB_OFFLINE=1``, nor with
    ``download=False``: what is on this machine only, as ``ruen models info`` asks)."""
    name = os.fspath(model) if model is not None else default_model()
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        check_model_dir(candidate)
        return candidate.resolve()
    if candidate.exists():
        raise InvalidModelError(f"{name} is a file; --model needs a MarianMT directory or a hub id")
    if _looks_like_path(name):
        raise ModelNotAvailableError(f"model directory {name} does not exist")
    return _snapshot(name, revision=revision, download=download)


def _snapshot(repo_id: str, *, revision: str | None, download: bool = True) -> Path:
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
    if not download:
        raise ModelNotAvailableError(
            f"model {repo_id} is not on this machine (not in the Hugging Face cache): "
            + _how_to_get(repo_id)
        )
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

"""A model's files on the user's disk: its fingerprint and its CTranslate2 conversion.

Why apart from the engines: these are state that outlives a process (a converted model, the
fingerprint that names it and keys every cached translation), so their format is pinned by
tests (``tests/test_model_files.py``) and changes only on purpose; the engines only run a
model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from ruen.errors import InvalidModelError, MissingExtraError
from ruen.translation.engines import quiet_transformers

log = logging.getLogger("ruen")

COMPUTE_TYPES = ("int8", "int8_float32", "int16", "float32", "int8_float16", "float16", "bfloat16")


def converted_dir() -> Path:
    """Where ruen keeps the models it converted to CTranslate2: ``$RUEN_CACHE_DIR``, else
    ``~/.cache/ruen`` (a folder per model fingerprint and quantisation, under
    ``ctranslate2/``)."""
    root = os.environ.get("RUEN_CACHE_DIR")
    if root:
        return Path(root).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "ruen"


def fingerprint(path: Path) -> str:
    """A model's identity: its configuration and a digest of its weights (sizes plus the
    first and last megabyte), cheap enough to compute at every load."""
    digest = hashlib.sha256()
    for name in (
        "config.json",
        "generation_config.json",
        "vocab.json",
        "source.spm",
        "target.spm",
        "model.safetensors",
        "pytorch_model.bin",
    ):
        file = path / name
        if not file.is_file():
            continue
        size = file.stat().st_size
        digest.update(f"{name}:{size}:".encode())
        with file.open("rb") as handle:
            digest.update(handle.read(1 << 20))
            if size > 2 << 20:
                handle.seek(-(1 << 20), os.SEEK_END)
                digest.update(handle.read())
    return digest.hexdigest()


def converted_path(path: Path, compute_type: str) -> Path:
    """Where the CTranslate2 copy of the model at ``path`` is kept: one folder per model
    fingerprint and quantisation, so that a changed model is converted anew."""
    return converted_dir() / "ctranslate2" / f"{fingerprint(path)[:20]}-{compute_type}"


_CONVERT_LOCK = threading.Lock()


def _convert_apart(path: Path, output: Path, compute_type: str) -> float | None:
    """Convert in a process of its own. Why: a converter holds the model's float32 weights
    beside their converted copy (ctranslate2's own also imports torch and transformers: 860
    MB at opus-mt-ru-en's size), and a process that converted keeps that memory while it then
    digests; the process that translates from the cache needs none of it (about 260 MB for
    README's first command). Returns the converting process's peak memory in MB (its VmHWM),
    where it could read it."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ruen.translation.model_files", str(path), str(output),
         compute_type],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"the converter exited {done.returncode}")
    peak = done.stdout.strip().rsplit(" ", 1)[-1]
    return float(peak) if peak.replace(".", "", 1).isdigit() else None


def _convert(path: str, output: str, compute_type: str) -> None:
    """ruen's lean converter where it reads the checkpoint (a MarianMT model in safetensors:
    the same model.bin in a third of the memory, ``lean_conversion``), else ctranslate2's."""
    from ruen.translation.lean_conversion import convert

    if convert(Path(path), Path(output), compute_type):
        return
    from ctranslate2.converters import TransformersConverter

    with quiet_transformers():
        TransformersConverter(path, low_cpu_mem_usage=True).convert(
            output, quantization=compute_type, force=True
        )


def convert_to_ctranslate2(path: Path, compute_type: str) -> Path:
    """The CTranslate2 copy of the MarianMT model at ``path``, converted once and kept in
    :func:`converted_dir` under the model's fingerprint and the quantisation."""
    if compute_type not in COMPUTE_TYPES:
        raise ValueError(
            f"unknown compute_type {compute_type!r}: choose one of {', '.join(COMPUTE_TYPES)}"
        )
    try:
        import ctranslate2  # noqa: F401 - only to name the extra when it is missing
    except ImportError:
        raise MissingExtraError("the ctranslate2 backend", "fast", "ctranslate2") from None
    target = converted_path(path, compute_type)
    if (target / "model.bin").is_file():
        return target
    with _CONVERT_LOCK:
        if (target / "model.bin").is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        # Convert next to the target and rename, so that a process reading the cache never
        # sees half a model, and two converting at once both end with a whole one.
        staging = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
        log.info(
            "converting %s to CTranslate2 %s, once; the result is kept in %s",
            path,
            compute_type,
            target,
        )
        started = time.perf_counter()
        try:
            peak = _convert_apart(path, staging / "model", compute_type)
            try:
                os.replace(staging / "model", target)
            except OSError:
                if not (target / "model.bin").is_file():
                    raise
        except Exception as exc:
            raise InvalidModelError(
                f"{path} could not be converted to CTranslate2: {exc}"
            ) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        size = sum(file.stat().st_size for file in target.rglob("*") if file.is_file())
        log.info(
            "converted in %.0f s%s: %.0f MB in %s (delete it to convert again)",
            time.perf_counter() - started,
            f" (peak {peak:.0f} MB)" if peak else "",
            size / 1e6,
            target,
        )
    return target


def _peak_mb() -> float | None:
    """This process's peak resident memory in MB (VmHWM), where /proc tells it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None
    return int(line.split()[1]) / 1024


if __name__ == "__main__":  # the converting process of _convert_apart
    import sys

    _convert(*sys.argv[1:4])
    print(f"peak MB {_peak_mb() or 'unknown'}")

"""The CTranslate2 backend: converted once and cached on disk, and at float32 it gives the
same translations as transformers' own ``generate`` on the tiny model."""

from __future__ import annotations

import builtins
import re
import sys
from pathlib import Path

import pytest

import ruen
from ruen.errors import MissingExtraError
from ruen.translation import model_files
from ruen.translation.loading import resolve_backend
from tests.conftest import run_cli
from tests.test_translation import SENTENCES, fresh

pytest.importorskip("ctranslate2", reason="the ctranslate2 backend needs ruen[fast]")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("ruen-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RUEN_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="module")
def reference(tiny_model: Path) -> ruen.Translator:
    return ruen.load_translator(tiny_model, backend="transformers", device="cpu")


@pytest.fixture(scope="module")
def ct2_float32(tiny_model: Path, cache_dir: Path) -> ruen.Translator:
    return ruen.load_translator(
        tiny_model, backend="ctranslate2", device="cpu", compute_type="float32"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"beam_size": 1, "max_new_tokens": 12},
        {"beam_size": 4, "max_new_tokens": 12},
        {"beam_size": 6, "max_new_tokens": 30},
        {"beam_size": 2, "max_new_tokens": 10, "min_new_tokens": 10},
        {"beam_size": 1, "max_new_tokens": 30, "min_new_tokens": 10},
        {"beam_size": 1},  # greedy with the model's own max_length (512)
    ],
)
def test_float32_equals_transformers(
    reference: ruen.Translator, ct2_float32: ruen.Translator, options: dict[str, int]
) -> None:
    expected = fresh(reference).translate(SENTENCES, batch_size=1, **options)
    assert fresh(ct2_float32).translate(SENTENCES, **options) == expected
    assert all(expected)


def test_int8_runs_and_is_a_separate_conversion(
    tiny_model: Path, cache_dir: Path, ct2_float32: ruen.Translator
) -> None:
    ruen.clear_cache()  # the default backend may have loaded it already, converted elsewhere
    int8 = ruen.load_translator(tiny_model, backend="ctranslate2", device="cpu")
    assert int8.compute_type == "int8" and int8.model is None
    assert int8.engine.path != ct2_float32.engine.path
    assert int8.engine.path.parent == cache_dir / "ctranslate2"
    out = int8.translate(SENTENCES, beam_size=2, max_new_tokens=8)
    assert len(out) == len(SENTENCES) and all(out)
    assert "backend:ctranslate2|compute:int8" in int8.signature()


def test_conversion_is_cached_on_disk(
    tiny_model: Path,
    cache_dir: Path,
    ct2_float32: ruen.Translator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model_file = ct2_float32.engine.path / "model.bin"
    before = model_file.stat().st_mtime_ns
    ruen.clear_cache()

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr("ctranslate2.converters.TransformersConverter.convert", no_conversion)
    again = ruen.load_translator(
        tiny_model, backend="ctranslate2", device="cpu", compute_type="float32"
    )
    assert again.engine.path == ct2_float32.engine.path
    assert model_file.stat().st_mtime_ns == before


def test_missing_extra_names_it(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_import = builtins.__import__

    def no_ctranslate2(name, *args, **kwargs):
        if name.startswith("ctranslate2"):
            raise ImportError("No module named 'ctranslate2'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setenv("RUEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(builtins, "__import__", no_ctranslate2)
    with pytest.raises(MissingExtraError, match=r'pip install "ruen\[fast\]"'):
        model_files.convert_to_ctranslate2(tiny_model, "int8")


def test_unknown_compute_type(tiny_model: Path) -> None:
    with pytest.raises(ValueError, match="compute_type"):
        ruen.load_translator(tiny_model, backend="ctranslate2", device="cpu", compute_type="int3")
    with pytest.raises(ValueError, match="ctranslate2"):
        ruen.load_translator(tiny_model, backend="transformers", compute_type="int8")


def test_the_default_backend_is_ctranslate2_where_installed(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ruen.DEFAULT_BACKEND == "auto"
    translator = ruen.load_translator(tiny_model, device="cpu")
    assert (translator.backend, translator.compute_type) == ("ctranslate2", "int8")
    assert translator is ruen.load_translator(tiny_model, backend="ctranslate2", device="cpu")
    digest = ruen.digest("Индекс вырос на 5,8 %.", model=tiny_model, device="cpu", k=1)
    assert "backend:ctranslate2|compute:int8" in digest.settings["translation"]
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # as if ruen[fast] were missing
    assert resolve_backend("auto") == "transformers"
    assert resolve_backend("ctranslate2") == "ctranslate2"
    with pytest.raises(ValueError, match="auto, transformers, ctranslate2"):
        resolve_backend("onnx")


def test_the_one_time_conversion_is_announced(
    tiny_model: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**offline_env, "RUEN_CACHE_DIR": str(tmp_path / "fresh")}
    args = ("summarize", "--help")  # a command that loads nothing says nothing
    assert run_cli(*args, env=env).stderr == ""
    args = ("translate", "--model", str(tiny_model), "--max-new-tokens", "4", "-")
    first = run_cli(*args, env=env, stdin="Индекс вырос.".encode())
    assert first.returncode == 0, first.stderr
    target = tmp_path / "fresh" / "ctranslate2"
    (converted,) = target.iterdir()
    lines = first.stderr.splitlines()
    assert lines[0].startswith(f"ruen: converting {tiny_model} to CTranslate2 int8, once")
    assert lines[0].endswith(f"kept in {converted}")
    assert re.fullmatch(
        rf"ruen: converted in \d+ s \(peak \d+ MB\): [\d.]+ MB in {re.escape(str(converted))} .*",
        lines[1],
    )
    again = run_cli(*args, env=env, stdin="Индекс вырос.".encode())
    assert again.returncode == 0 and again.stderr == "" and again.stdout == first.stdout


@pytest.mark.parametrize("quantization", ["int8", "float32", "int8_float16", "float16"])
def test_the_lean_converter_writes_what_ctranslate2s_converter_writes(
    tiny_model: Path, tmp_path: Path, quantization: str
) -> None:
    """Byte for byte: the model, its config and vocabulary, read tensor by tensor without
    torch (a first run in 454 MB instead of 860 at opus-mt-ru-en's size)."""
    from ctranslate2.converters import TransformersConverter

    from ruen.translation import lean_conversion

    reference, lean = tmp_path / "reference", tmp_path / "lean"
    TransformersConverter(str(tiny_model), low_cpu_mem_usage=True).convert(
        str(reference), quantization=quantization
    )
    assert lean_conversion.convert(tiny_model, lean, quantization)
    for name in ("model.bin", "config.json", "shared_vocabulary.json"):
        assert (lean / name).read_bytes() == (reference / name).read_bytes(), name


def test_a_checkpoint_the_lean_converter_does_not_read_goes_to_ctranslate2s(
    tiny_model: Path, tmp_path: Path
) -> None:
    """No safetensors (a pytorch_model.bin, as older opus-mt uploads have): converted by
    ctranslate2's own converter, through torch."""
    import shutil

    import torch
    from safetensors.torch import load_file

    from ruen.translation import lean_conversion

    old = tmp_path / "old-style"
    shutil.copytree(tiny_model, old)
    torch.save(load_file(old / "model.safetensors"), old / "pytorch_model.bin")
    (old / "model.safetensors").unlink()
    assert not lean_conversion.readable(old)
    assert not lean_conversion.convert(old, tmp_path / "refused", "int8")
    assert not (tmp_path / "refused").exists()
    model_files._convert(str(old), str(tmp_path / "out"), "int8")
    assert lean_conversion.convert(tiny_model, tmp_path / "lean", "int8")
    assert (tmp_path / "out" / "model.bin").read_bytes() == (
        tmp_path / "lean" / "model.bin"
    ).read_bytes()

"""Shared fixtures: a tiny MarianMT model built once per test session, with no network."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mpt_egov_conference_2020_ru.txt"


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_tiny_marian", ROOT / "models" / "build_tiny_marian.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised MarianMT model laid out like opus-mt-ru-en (same files, same
    special-token ids, same generation config), about 1 MB."""
    return _load_builder().build(tmp_path_factory.mktemp("models") / "tiny-marian")


@pytest.fixture(scope="session", autouse=True)
def converted_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Models converted to CTranslate2 (the default backend) go to a folder of this session,
    not the user's ~/.cache/ruen: each run starts as a fresh machine does."""
    path = tmp_path_factory.mktemp("ruen-cache-dir")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RUEN_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    """An environment with an empty Hugging Face cache and the hub switched off."""
    env = dict(os.environ)
    env.pop("RUEN_MODEL", None)
    env.update(HF_HOME=str(tmp_path / "hf-home"), HF_HUB_OFFLINE="1")
    return env


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: bytes = b"", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ruen ARGS`` in a subprocess, as a user would from a shell."""
    result = subprocess.run(
        [sys.executable, "-m", "ruen", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=600,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


# --- a real browser: Debian's Chromium, driven by Playwright -----------------------------------

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium() -> str:
    """Debian's Chromium; .ci/run installs it and sets RUEN_REQUIRE_BROWSER, so that CI
    fails rather than skips where it is missing."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("RUEN_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return path


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright comes with ruen[test]")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def site():
    """A real HTTP server on 127.0.0.1 whose routes the test sets (tests/loopback.py)."""
    from tests.loopback import serve

    with serve() as state:
        yield state

"""Typed errors.

The library raises these and never prints or exits: only the CLI turns them into one line on
stderr and an exit code, so a Python caller can catch exactly the failure it cares about.
"""

from __future__ import annotations


class RuenError(Exception):
    """Base class: every error ruen raises on purpose is one of these."""


class InputError(RuenError, ValueError):
    """The text given to ruen cannot be used (missing file, not UTF-8, empty, ...)."""


class ModelNotAvailableError(RuenError):
    """The model is neither a local directory nor in the cache, and cannot be downloaded now."""


class InvalidModelError(RuenError):
    """The model exists but is not something ruen can run (not MarianMT, files missing)."""


class MissingExtraError(RuenError, ImportError):
    """An optional part was asked for but its extra is not installed."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(
            f"{feature} needs the optional package '{module}', which is not installed: "
            f'pip install "ruen[{extra}]"'
        )
        self.extra = extra
        self.module = module


class InternalError(RuenError):
    """A fault inside ruen, not in what the user gave it: reported as ruen's own, with the
    step it happened in, never as a bad option (and worth a bug report)."""

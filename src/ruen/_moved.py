"""Module paths from before the package was laid out by stage.

Why keep them: code written against the earlier layout imports ``ruen.options``, ``ruen.loading``,
``ruen.engines`` and the like. Each old path still imports, as a stand-in that finds every
name in the module (or modules) that now hold it, with a ``DeprecationWarning`` that names the
new home; a name that is gone raises an ``AttributeError`` that names it too.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

# Old module (without "ruen.") -> the modules that now hold its names, in the order searched.
MOVED: dict[str, tuple[str, ...]] = {
    "abbreviations": ("ruen.splitting.abbreviations",),
    "split_rules": ("ruen.splitting.rules",),
    "options": ("ruen.translation.options",),
    "engines": ("ruen.translation.engines", "ruen.translation.model_files"),
    "loading": ("ruen.translation.loading",),
    "resolution": ("ruen.translation.resolution",),
    "cache": ("ruen.translation.cache",),
    "segments": ("ruen.translation.protection",),
    "figures": ("ruen.fidelity.figures",),
    "numerals": ("ruen.fidelity.numerals",),
    "addresses": ("ruen.fidelity.addresses",),
    "inputs": ("ruen.documents",),
    "server": ("ruen.serve.service",),
    "api": ("ruen.serve.api",),
    "commands": ("ruen.cli.commands",),
    "pairs": ("ruen.cli.commands",),
    "story_groups": (
        "ruen.stories.same_story",
        "ruen.stories.grouping",
        "ruen.stories.background",
    ),
}


class _StandIn(types.ModuleType):
    """An old module path: each name is looked up in the modules that hold it now."""

    def __init__(self, name: str, homes: tuple[str, ...]) -> None:
        super().__init__(name, f"Moved to {', '.join(homes)}.")
        self.__homes = homes

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        for home in self.__homes:
            module = importlib.import_module(home)
            if hasattr(module, attribute):
                return getattr(module, attribute)
        raise AttributeError(
            f"{self.__name__}.{attribute} is gone: {self.__name__} moved to "
            f"{' and '.join(self.__homes)}"
        )


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        old = fullname.removeprefix("ruen.")
        if fullname.startswith("ruen.") and old in MOVED:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return stand_in(spec.name.removeprefix("ruen."))

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def stand_in(old: str) -> types.ModuleType:
    """The stand-in for ``ruen.<old>``, with a warning that names where it went."""
    homes = MOVED[old]
    warnings.warn(
        f"ruen.{old} moved to {' and '.join(homes)}: import from there (or from ruen)",
        DeprecationWarning,
        stacklevel=3,
    )
    module = sys.modules.get(f"ruen.{old}")
    return module if isinstance(module, _StandIn) else _StandIn(f"ruen.{old}", homes)


def install() -> None:
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())

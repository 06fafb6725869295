"""The package's layout: the stage subpackages state their API, README's Python examples use
only names that exist, the module paths of ruen 0.1 still import (with a warning naming the new
home), and the site's "How it is built" names every module."""

from __future__ import annotations

import ast
import importlib
import re
import sys
import warnings
from pathlib import Path

import pytest

import ruen
from ruen import _moved

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
HOW_IT_IS_BUILT = (ROOT / "docs" / "pages" / "how-it-is-built.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "src" / "ruen"
SUBPACKAGES = ("splitting", "translation", "fidelity", "serve", "cli", "glossary", "follow")


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL)


def attribute_chains(tree: ast.AST) -> set[str]:
    """Every dotted name that starts at ``ruen`` (``ruen.digest``, ``ruen.Flag.kind``...)."""
    chains = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = []
            current: ast.AST = node
            while isinstance(current, ast.Attribute):
                parts.append(current.attr)
                current = current.value
            if isinstance(current, ast.Name) and current.id == "ruen":
                chains.add(".".join(["ruen", *reversed(parts)]))
    return chains


def test_readme_python_examples_use_names_that_exist() -> None:
    blocks = python_blocks(README)
    assert blocks, "README has Python examples"
    chains: set[str] = set()
    for block in blocks:
        tree = ast.parse(block)  # every example is valid Python
        chains |= attribute_chains(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ruen"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{node.module}.{alias.name}"
    assert {"ruen.digest", "ruen.digest_many", "ruen.load_translator", "ruen.check"} <= chains
    for chain in sorted(chains):
        target: object = ruen
        for part in chain.split(".")[1:]:
            if not hasattr(target, part) and not isinstance(target, type(ruen)):
                break  # an attribute of a value (digest.sentences): checked by the type below
            if isinstance(target, type(ruen)):
                with warnings.catch_warnings():
                    warnings.simplefilter("error", DeprecationWarning)  # no old path in README
                    assert hasattr(target, part), f"{chain}: {part} is not there"
            target = getattr(target, part)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_states_its_api(name: str) -> None:
    package = importlib.import_module(f"ruen.{name}")
    assert package.__doc__ and len(package.__doc__) > 80
    for exported in getattr(package, "__all__", ()):
        assert hasattr(package, exported), f"ruen.{name}.{exported}"


def test_the_public_api_is_unchanged() -> None:
    for name in ruen.__all__:
        assert hasattr(ruen, name), name
    assert ruen.translation.Translator is ruen.Translator
    assert ruen.splitting.sentenize is ruen.sentenize
    assert ruen.fidelity.check is ruen.check


@pytest.mark.parametrize("old", sorted(_moved.MOVED))
def test_old_module_paths_still_import_and_name_the_new_home(old: str) -> None:
    homes = _moved.MOVED[old]
    sys.modules.pop(f"ruen.{old}", None)  # imported before: import it anew
    with pytest.warns(DeprecationWarning, match=re.escape(homes[0])):
        module = importlib.import_module(f"ruen.{old}")
    home = importlib.import_module(homes[0])
    public = [
        n
        for n in dir(home)
        if not n.startswith("_") and not isinstance(getattr(home, n), type(ruen))
    ]
    assert public
    for name in public:
        assert getattr(module, name) is getattr(home, name)
    with pytest.raises(AttributeError, match=re.escape(homes[0])):
        module.no_such_name  # noqa: B018


def test_old_paths_of_names_that_moved_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    for old in ("engines", "inputs", "loading", "options"):
        monkeypatch.delitem(sys.modules, f"ruen.{old}", raising=False)
    with pytest.warns(DeprecationWarning):
        from ruen.engines import CTranslate2Engine, convert_to_ctranslate2, fingerprint
        from ruen.inputs import read_text
        from ruen.loading import clear_cache, load_translator
        from ruen.options import TranslateOptions
    from ruen.translation import engines, model_files

    assert CTranslate2Engine is engines.CTranslate2Engine
    assert fingerprint is model_files.fingerprint
    assert convert_to_ctranslate2 is model_files.convert_to_ctranslate2
    assert read_text is ruen.read_text and TranslateOptions is ruen.TranslateOptions
    assert load_translator is ruen.load_translator and clear_cache is ruen.clear_cache


def test_how_it_is_built_names_every_module() -> None:
    section = HOW_IT_IS_BUILT
    modules = sorted(
        path.relative_to(PACKAGE.parent).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py", "_moved.py")
    )
    missing = [m for m in modules if Path(m).name.removesuffix(".py") not in section]
    assert not missing, f"'How it is built' does not name {missing}"
    for name in SUBPACKAGES:
        assert f"src/ruen/{name}/" in section, name

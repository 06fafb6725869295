"""The documentation cannot go stale: every Python example on the site runs as a doctest, every
``console`` example runs as a command, against the tiny model; the site builds with
``mkdocs build --strict`` (a broken link or a missing reference fails it); README is the short
front page, and its commands are the ones .ci/run runs."""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted((DOCS / "pages").glob("*.md"))
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)
# Console examples that are not run here, and why: each is run by a test of its own.
NOT_RUN = {
    "ruen serve": "a server that runs until stopped (tests/test_serve.py starts it)",
    "ruen follow": "fetches sources from the web (tests/test_follow.py, on a loopback site)",
    "ruen briefing": "reads a follow store (tests/test_briefing.py)",
    "ruen models download": "downloads from the Hugging Face hub",
    "ruen eval": "scores a model on the whole benchmark set (tests/test_evaluation.py)",
}


def blocks(page: Path, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(page.read_text("utf-8")) if lang == language]


@pytest.fixture
def in_docs_sandbox(tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding what the examples name (the sample, a few acts as an
    archive, pairs to check), the tiny model as the default one, and no network."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "tests" / "data" / "acts", tmp_path / "archive")
    (tmp_path / "pairs.tsv").write_text(
        "ru\ten\nИндекс вырос на 5,8 %.\tThe index grew by 58%.\n", encoding="utf-8"
    )
    (tmp_path / "house.tsv").write_text("Минфин\tMinistry of Finance\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUEN_MODEL", str(tiny_model))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p, "pycon")], ids=lambda p: p.name)
def test_python_examples_run(page: Path, in_docs_sandbox: Path) -> None:
    text = "\n".join(blocks(page, "pycon"))
    test = doctest.DocTestParser().get_doctest(text, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} examples of {page.name} failed (above)"


def commands() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for body in blocks(page, "console"):
            for line in body.splitlines():
                if line.startswith("$ "):
                    found.append((page.name, line[2:].strip()))
    return found


@pytest.mark.parametrize(("page", "command"), commands(), ids=lambda value: str(value)[:60])
def test_console_examples_run(page: str, command: str, in_docs_sandbox: Path) -> None:
    if any(command.startswith(prefix) for prefix in NOT_RUN):
        reason = next(why for prefix, why in NOT_RUN.items() if command.startswith(prefix))
        pytest.skip(reason)
    words = shlex.split(command)
    assert words[0] == "ruen", f"{page}: a console example runs ruen: {command}"
    if "--max-new-tokens" not in words and words[1] in ("digest", "translate"):
        words += ["--max-new-tokens", "8"]  # the tiny model's noise, kept short
    result = subprocess.run(
        [sys.executable, "-m", "ruen", *words[1:]],
        capture_output=True, text=True, timeout=300, env=os.environ.copy(), check=False,
    )  # fmt: skip
    # 1 is ruen check's "flagged pairs found"; 2 would be an error
    assert result.returncode in (0, 1), f"{page}: {command}\n{result.stderr}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once with ``mkdocs build --strict`` (a broken link fails it)."""
    pytest.importorskip("mkdocs", reason="mkdocs comes with ruen[docs]")
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(DOCS / "mkdocs.yml"),
         "-d", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return out


def test_the_site_builds_strictly(built: Path) -> None:
    cli = (built / "cli" / "index.html").read_text("utf-8")
    assert "ruen digest" in cli and "--glossary" in cli  # generated from the parser
    api = (built / "python" / "index.html").read_text("utf-8")
    assert "digest_many" in api and "to_pandas" in api  # from the docstrings


def test_the_benchmarks_page_quotes_saved_figures_and_no_history(built: Path) -> None:
    """Its prose quotes figures through ``{{result|row|column}}`` (read from the saved JSON
    when the site is built; a row or column no run saved fails the build), and it reads as a
    user's page: no dated runs, no "earlier run" or "before this round"."""
    sys.path.insert(0, str(DOCS))
    from hooks import figure

    page = (DOCS / "pages" / "benchmarks.md").read_text("utf-8")
    quoted = re.findall(r"\{\{(\w+)\|([^|}]+)(?:\|([^|}]+))?\}\}", page)
    assert len(quoted) >= 40
    for name, first, column in quoted:
        assert figure(name, first, column or None) != ""
    with pytest.raises(KeyError):
        figure("fidelity", "no such checker", "false alarms %")
    shown = (built / "benchmarks" / "index.html").read_text("utf-8")
    assert not re.search(r"\{\{\w+\|", shown) and "Exact-sentence F1" in shown
    text = re.sub(r"```.*?```", "", page, flags=re.DOTALL)
    for history in ("earlier run", "before this round", "latest run", "the run before"):
        assert history not in text.lower(), history
    assert not re.search(r"\b20\d\d-[01]\d-[0-3]\d\b", text)  # a dated run


def test_the_api_reference_is_exactly_the_public_api(built: Path) -> None:
    """An entry for each name of ``ruen.__all__`` and no other ``ruen.X``; a class's
    helpers that ruen calls itself (``keep_terms``, ``at_home``, ``build``...) not listed."""
    import ruen

    page = (DOCS / "pages" / "python.md").read_text("utf-8")
    entries = re.findall(r"^::: ruen\.(\w+)$", page, flags=re.MULTILINE)
    assert len(entries) == len(set(entries))
    assert set(entries) | {"__version__"} == set(ruen.__all__)
    assert "`ruen.__version__`" in page
    api = (built / "python" / "index.html").read_text("utf-8")
    for name in entries:
        assert f'id="ruen.{name}"' in api, name
    for helper in ("keep_terms", "count_tokens", "split_long", "at_home", "accepted",
                   "TranslateOptions.build", "Glossary.held"):  # fmt: skip
        assert f'id="ruen.{helper}' not in api and f'.{helper}"' not in api, helper
    for shown in ("NameUse", "TermUse", "Shown", "GenerationSettings", "Decision"):
        assert re.search(rf'id="ruen\.[\w.]*{shown}"', api), shown


ROLE = re.compile(r":(func|class|meth|data|mod|attr|exc):")


def test_no_page_shows_markup_meant_for_something_else(built: Path) -> None:
    """No Sphinx role printed as text, no escaped pipe shown in a code span, and the generated
    help fits the page's text column."""
    import html

    for page in built.rglob("*.html"):
        text = page.read_text("utf-8")
        assert not ROLE.search(text), f"{page}: {ROLE.search(text).group(0)}"
        assert "\\|" not in text, page
    cli = (built / "cli" / "index.html").read_text("utf-8")
    blocks = re.findall(r"<pre[^>]*><span></span><code>(.*?)</code></pre>", cli, re.S)
    assert blocks
    for block in blocks:
        for line in html.unescape(re.sub(r"<[^>]+>", "", block)).splitlines():
            assert len(line) <= 80, line


def test_the_site_in_chromium_asks_nothing_of_the_web_and_copies_no_prompts(
    browser, built: Path
) -> None:
    """Every page, at desktop and phone width: no request leaves the site (no web fonts, no
    GitHub API); the copy button copies commands and code without their prompts or output."""
    from tests.loopback import serve_folder

    outside: list[str] = []
    with serve_folder(built) as address:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith(address) else None,
            )
            for path in sorted(built.rglob("index.html")):
                page.goto(f"{address}/{path.parent.relative_to(built).as_posix()}/")
                page.wait_for_load_state("networkidle")
                wide = page.evaluate("document.scrollingElement.scrollWidth")
                assert wide <= width, f"{path}: {wide} px wide at {width} px"
            assert outside == []
            page.goto(f"{address}/getting-started/")
            copied = page.evaluate(
                "[...document.querySelectorAll('.highlight code')].map(c => "
                "{c.setAttribute('data-md-copying', ''); const t = c.innerText; "
                "c.removeAttribute('data-md-copying'); return t})"
            )
            assert copied and not any(
                line.startswith(("$ ", ">>> ", "... "))
                for text in copied
                for line in text.splitlines()
            )
            page.close()


def test_every_page_is_in_the_navigation() -> None:
    config = (DOCS / "mkdocs.yml").read_text("utf-8")
    for page in PAGES:
        assert f": {page.name}" in config, f"{page.name} is not in mkdocs.yml's nav"


def test_readme_is_the_short_front_page() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= 150
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    for line in ci.splitlines():
        if line.startswith(("python3 -m venv", "RUEN_REQUIRE_BROWSER")):
            assert line in readme, f"README does not give .ci/run's command: {line}"
    for page in re.findall(r"\]\((docs/pages/[\w-]+\.md)", readme):
        assert (ROOT / page).is_file(), page


def test_headline_figures_are_the_saved_results() -> None:
    """README's and the home page's figures are what the benchmarks saved, and every saved
    result says how to reproduce it (sacrebleu's signature, the command)."""
    import json

    for path in sorted((DOCS / "pages" / "benchmarks").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        assert data.get("signature") and data.get("command", "").startswith("python "), path.name
        assert data["rows"] and all(len(r) == len(data["columns"]) for r in data["rows"]), path
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "headline.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for page in (ROOT / "README.md", DOCS / "pages" / "index.md"):
        body = page.read_text("utf-8").split("<!-- headline: start -->")[1]
        assert body.count("\n| ") >= 8, page.name  # the table is there, not just its markers


def test_every_command_help_ends_with_an_example() -> None:
    from ruen.cli.parser import EXAMPLES, build_parser, every_command

    parser = build_parser()
    names = [name for name, _ in every_command(parser)]
    assert sorted(names) == sorted(EXAMPLES)
    for name, sub in every_command(parser):
        assert sub.format_help().rstrip().endswith(f"example: {EXAMPLES[name]}")
        assert EXAMPLES[name].startswith(f"ruen {name}")


def test_every_command_says_what_it_does_and_every_option_has_help() -> None:
    import argparse

    from ruen.cli.parser import build_parser, every_command

    parser = build_parser()
    assert "example: ruen digest" in parser.format_help()  # ruen --help too
    for name, sub in every_command(parser):
        assert sub.description, f"ruen {name} has no description"
        for action in sub._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            assert action.help, f"ruen {name} {action.option_strings or action.dest}: no help"
            if action.option_strings and action.default not in (None, False, [], "==SUPPRESS=="):
                shown = action.help % {"default": action.default} if "%(" in action.help else ""
                assert "default" in action.help.lower() or shown, (
                    f"ruen {name} {action.option_strings}: its default is not said"
                )
        assert not any(
            a.metavar and a.metavar.isupper() and "_" in a.metavar for a in sub._actions
        ), f"ruen {name}: a metavar made from a variable's name"


def test_a_bad_option_is_answered_by_its_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruen", "digest", "--nope", "x"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ruen digest: error: unrecognized arguments: --nope (see ruen digest --help)"
    ]
    zero = subprocess.run(
        [sys.executable, "-m", "ruen", "summarize", "-k", "0", "x"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert zero.returncode == 2 and "1 or more" in zero.stderr


def test_tab_completion_completes_commands() -> None:
    pytest.importorskip("argcomplete", reason="argcomplete comes with ruen[completion]")
    read, write = os.pipe()
    env = {**os.environ, "_ARGCOMPLETE": "1", "COMP_LINE": "ruen dig", "COMP_POINT": "8",
           "_ARGCOMPLETE_STDOUT_FILENAME": f"/dev/fd/{write}"}  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "ruen"], env=env, pass_fds=(write,), timeout=60, check=False,
        capture_output=True,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as handle:
        assert handle.read().split() == ["digest"]


def test_every_field_of_a_public_data_class_is_documented() -> None:
    """The API reference shows a data class's fields with what each holds: griffe (what
    mkdocstrings reads) finds a docstring under every field."""
    import dataclasses

    griffe = pytest.importorskip("griffe", reason="griffe comes with ruen[docs]")
    import ruen
    from ruen.records import NameUse

    package = griffe.load("ruen", search_paths=[str(ROOT / "src")])
    public = [getattr(ruen, name) for name in ruen.__all__]
    classes = [c for c in [*public, NameUse] if isinstance(c, type) and dataclasses.is_dataclass(c)]
    assert len(classes) >= 9
    for cls in classes:
        documented = package[f"{cls.__module__.removeprefix('ruen.')}.{cls.__qualname__}"]
        for field in dataclasses.fields(cls):
            docstring = documented.members[field.name].docstring
            assert docstring and docstring.value.strip(), f"{cls.__name__}.{field.name}"


def test_the_hero_picture_is_a_real_story_whose_warnings_are_real() -> None:
    """README's picture: real news, the English a human reference standing in for a model
    (and said to be), the warnings ruen's own on a real error of that reference."""
    sys.path.insert(0, str(DOCS))
    from screenshot import STANDING_IN, digest

    shown = digest()
    assert shown["model"] == STANDING_IN and sum(r["selected"] for r in shown["sentences"]) == 3
    messages = [f["message"] for r in shown["sentences"] for f in r["flags"]]
    assert "4.6% in the English is not in the Russian" in messages
    for page in ("README.md", "docs/pages/index.md"):
        text = (ROOT / page).read_text("utf-8")
        assert "human reference translation" in text and "4.6%" in text

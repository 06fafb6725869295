"""MkDocs hooks: the command-line reference, generated from ruen's own parser at build time, so
that it can never drift from what ``ruen --help`` says; and the Sphinx roles of ruen's
docstrings (``:func:`ruen.check```, ``:class:`~ruen.documents.Document```), which Python's
``help()`` and editors read as they are, shown on the site as the names they point to."""

from __future__ import annotations

import os
import re

MARKER = "<!-- ruen: cli-reference -->"


RESULTS = re.compile(r"<!-- ruen: results (\w+) -->")


# A figure in running text, read from a saved result: ``{{fidelity|ruen|false alarms %}}`` is
# the "false alarms %" cell of the row of fidelity.json whose first cell starts with "ruen";
# ``{{fidelity|pairs}}`` a value the run saved beside its table (``a.b`` reaches inside).
VALUE = re.compile(r"\{\{(\w+)\|([^|}]+)(?:\|([^|}]+))?\}\}")


def on_page_markdown(markdown: str, **_: object) -> str:
    markdown = RESULTS.sub(lambda found: results_table(found.group(1)), markdown)
    markdown = VALUE.sub(lambda found: figure(*found.groups()), markdown)
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, cli_reference())


def results_table(name: str) -> str:
    """A benchmark's table, from the JSON its last run saved (``benchmarks/results.py``), with
    its chart, date, signature and command: the page can never show other figures than the
    run's own."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "pages" / "benchmarks" / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    cell = lambda v: "" if v is None else (f"{v:,}" if isinstance(v, int) else str(v))  # noqa: E731
    out = ["| " + " | ".join(data["columns"]) + " |", "|" + "---|" * len(data["columns"])]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in data["rows"]]
    if data.get("chart"):
        out += ["", f"![{data['title']}](img/charts/{name}.png)"]
    out += [
        "",
        f"Measured {data['measured']} with `{data['command']}`; signature: `{data['signature']}`.",
    ]
    return "\n".join(out)


def _saved(name: str) -> dict:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "pages" / "benchmarks" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def figure(name: str, first: str, column: str | None = None) -> str:
    """One figure of a saved result, as the page's prose quotes it; a name, row or column the
    file lacks fails the build (a KeyError), so prose cannot quote a figure no run saved."""
    data = _saved(name)
    if column is None:
        value = data
        for key in first.split("."):
            value = value[key]
    else:
        rows = [r for r in data["rows"] if str(r[0]).startswith(first)]
        if not rows:
            raise KeyError(f"{name}.json has no row starting {first!r}")
        value = rows[0][data["columns"].index(column)]
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) >= 1000 else str(value)
    return str(value)


def cli_reference() -> str:
    from ruen.cli.parser import build_parser, every_command

    # argparse wraps help to the terminal: a fixed width here, one that fits the page's text
    # column (688 px of monospace at the theme's code size holds about 80 characters).
    os.environ["COLUMNS"] = "78"
    parser = build_parser()
    parser.prog = "ruen"
    out = ["```text", parser.format_help().rstrip(), "```", ""]
    for name, sub in every_command(parser):
        out += [f"### ruen {name}", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(out)


# A role as mkdocstrings renders it: the role's name, then the target in a code span.
_ROLE = re.compile(r":(?:func|class|meth|data|mod|attr|exc|obj|const):<code>(~?)([^<]*)</code>")


def on_page_content(html: str, **_: object) -> str:
    return _ROLE.sub(_named, html)


def _named(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"<code>{target.rsplit('.', 1)[-1] if short else target}</code>"

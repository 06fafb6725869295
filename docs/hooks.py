"""MkDocs hooks: the command-line reference, generated from ruen's own parser at build time, so
that it can never drift from what ``ruen --help`` says; and the Sphinx roles of ruen's
docstrings (``:func:`ruen.check```, ``:class:`~ruen.documents.Document```), which Python's
``help()`` and editors read as they are, shown on the site as the names they point to."""

from __future__ import annotations

import os
import re

MARKER = "<!-- ruen: cli-reference -->"


def on_page_markdown(markdown: str, **_: object) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, cli_reference())


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

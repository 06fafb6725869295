"""MkDocs hooks: the command-line reference, generated from ruen's own parser at build time, so
that it can never drift from what ``ruen --help`` says."""

from __future__ import annotations

import os

MARKER = "<!-- ruen: cli-reference -->"


def on_page_markdown(markdown: str, **_: object) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, cli_reference())


def cli_reference() -> str:
    from ruen.cli.parser import build_parser, every_command

    os.environ["COLUMNS"] = "100"  # argparse wraps help to the terminal: a fixed width here
    parser = build_parser()
    parser.prog = "ruen"
    out = ["```text", parser.format_help().rstrip(), "```", ""]
    for name, sub in every_command(parser):
        out += [f"### ruen {name}", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(out)

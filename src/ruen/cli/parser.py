"""The ``ruen`` command line: one ``_add_<command>`` per subcommand.

Every default is taken from the place that owns it (``TranslateOptions``, the server's
``Limits``, the loader's backends, the pipeline's modes), so the command line cannot drift from
the library it calls.
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, NoReturn, TextIO

import ruen
from ruen.corpus import INPUT_FORMATS
from ruen.errors import InputError, RuenError
from ruen.pipeline import MODES
from ruen.translation.loading import BACKENDS, DEFAULT_BACKEND
from ruen.translation.options import TranslateOptions


def build_parser() -> argparse.ArgumentParser:
    from ruen.cli import commands, digest, follow

    parser = _Parser(
        prog="ruen",
        description="Russian announcements into English: split, translate (MarianMT), summarise.",
        epilog="example: ruen digest examples/mpt_egov_conference_2020_ru.txt -o digest.html\n\n"
        "Each command's --help lists its options and ends with an example; in Python,\n"
        "help(ruen) and help(ruen.digest). With the source (a clone of the repository):\n"
        "README.md, and the site in docs/ (mkdocs build -f docs/mkdocs.yml).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ruen {ruen.__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_digest(subparsers, digest.cmd_digest)
    _add_follow(subparsers, follow.cmd_follow)
    _add_briefing(subparsers, follow.cmd_briefing)
    _add_translate(subparsers, commands.cmd_translate)
    _add_split(subparsers, commands.cmd_split)
    _add_summarize(subparsers, commands.cmd_summarize)
    _add_check(subparsers, commands.cmd_check)
    _add_eval(subparsers, commands.cmd_eval)
    _add_serve(subparsers, commands.cmd_serve)
    _add_models(subparsers, commands.cmd_models_download, commands.cmd_models_info)
    for name, sub in every_command(parser):
        sub.epilog = f"example: {EXAMPLES[name]}"
        sub.formatter_class = _KeepExamples
    return parser


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line that names the command and where its help is,
    not the whole usage (argparse prints every option of the command before the error)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _KeepExamples(argparse.HelpFormatter):
    """argparse's help, but an example stays on one line, so that it can be copied whole."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("example: "):
            return indent + text
        return super()._fill_text(text, width, indent)


# One example for each command's --help (and the site's command-line reference).
EXAMPLES = {
    "digest": "ruen digest note.html --format html -o note-en.html --glossary ru-gov",
    "follow": "ruen follow sources.txt --store follow.sqlite -o new.jsonl",
    "briefing": "ruen briefing --store f.sqlite --since 24h --format html -o today.html",
    "translate": "ruen translate note.txt --format json -o note.json",
    "split": "ruen split note.txt --format json",
    "summarize": "ruen summarize note.txt -k 0.3",
    "check": "ruen check pairs.tsv --glossary ru-gov --format jsonl",
    "eval": "ruen eval --model ./opus-mt-ru-en --limit 100",
    "serve": "ruen serve --host 0.0.0.0 --api-key-file team.key",
    "models": "ruen models info Helsinki-NLP/opus-mt-ru-en",
    "models download": "ruen models download Helsinki-NLP/opus-mt-ru-en --to opus-mt-ru-en",
    "models info": "ruen models info ./opus-mt-ru-en",
}


def every_command(parser: argparse.ArgumentParser, prefix: str = "") -> Any:
    """(name, parser) of every subcommand, nested ones as "models download" (an alias, such
    as ``summarise``, not again)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) in seen:
                    continue
                seen.add(id(sub))
                yield f"{prefix}{name}", sub
                yield from every_command(sub, f"{prefix}{name} ")


def chosen(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.ArgumentParser:
    """The (sub)command's parser that ``argv`` names: the one whose usage an error shows."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for n, word in enumerate(argv):
                if word in action.choices:
                    return chosen(action.choices[word], argv[n + 1 :])
    return parser


Command = Callable[[argparse.Namespace, TextIO], Any]
Subparsers = Any  # argparse's private _SubParsersAction


# --- the subcommands ----------------------------------------------------------------------------


def _add_digest(subparsers: Subparsers, run: Command) -> None:
    report = _output_options(
        ("text", "json", "jsonl", "html", "markdown"),
        "html: one self-contained page, Russian and English side by side; markdown for notes",
    )
    p = subparsers.add_parser(
        "digest",
        parents=[_files(), report, _model(), _summary(), _digesting(), _glossary()],
        help="key sentences in English and the full translation",
        description="Digest each document: its title, its key sentences in English and the "
        "full translation, every sentence checked (figures, dates, names, addresses) and "
        "repaired from the model's n-best list where it changed one. Files, directories (an "
        "archive), JSON lines or standard input. Exit 0 when every document was digested, 1 "
        "when some failed (each says why), 2 when the run could not start.",
    )
    archive = p.add_argument_group("archives")
    archive.add_argument(
        "--glob", default="*", help='files of a directory to read, recursively (default "*")'
    )
    archive.add_argument("--id-field", default="id", help="jsonl: the field of the id (default id)")
    archive.add_argument(
        "--text-field", default="text", help="jsonl: the field of the text (default text)"
    )
    archive.add_argument(
        "--resume",
        action="store_true",
        help="with --format jsonl --output FILE: skip the documents FILE already holds, "
        "append the rest",
    )
    p.set_defaults(run=run)


def _add_follow(subparsers: Subparsers, run: Command) -> None:
    from ruen.follow.fetch import Politeness
    from ruen.stories import WINDOW

    p = subparsers.add_parser(
        "follow",
        parents=[_model(), _summary(), _digesting(), _glossary()],
        help="what the sources published since the last run, each story once, digested",
        description="Read each SOURCE (a feed, a sitemap, a site's page, a Telegram channel "
        "as t.me/NAME or @NAME, or a file listing sources one a line: URL [name]), keep the "
        "entries not yet in the store, fetch them "
        "politely, set reprints aside and digest the rest. Exit 0 when all went well, 1 when "
        "some sources or items failed (tried again next run), 2 when the run failed.",
    )
    p.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="feed, sitemap, page, @channel or file"
    )
    p.add_argument(
        "--store", metavar="FILE", help="the SQLite store (default: the user's data folder)"
    )
    p.add_argument("--list", action="store_true", help="the sources, their successes and errors")
    p.add_argument(
        "--dry-run", action="store_true", help="list what is new; fetch no page, load no model"
    )
    p.add_argument(
        "--max-new",
        type=_positive,
        default=None,
        metavar="ITEMS",
        help="at most this many new items a run, the newest (not --max-new-tokens)",
    )
    p.add_argument(
        "--format",
        choices=("jsonl", "json", "text", "html", "markdown"),
        default=None,
        help="default: jsonl with --output, else text",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="jsonl: append each record here; json: the whole store, rewritten each run "
        "(html and markdown go to stdout)",
    )
    polite = p.add_argument_group("politeness")
    polite.add_argument(
        "--delay",
        type=_seconds,
        default=_default(Politeness, "delay"),
        metavar="SECONDS",
        help="seconds between two requests to one host (default %(default)g; a longer "
        "crawl-delay wins)",
    )
    polite.add_argument(
        "--connections",
        type=_positive,
        default=_default(Politeness, "connections"),
        help="hosts fetched at once (default %(default)d)",
    )
    polite.add_argument(
        "--page-deadline",
        type=_seconds,
        default=_default(Politeness, "page_deadline"),
        metavar="SECONDS",
        help="a page's whole time, first request to last byte, tries included; a page slower "
        "than that, and the rest of its host's pages, wait for the next run (default "
        "%(default)g)",
    )
    polite.add_argument(
        "--window",
        type=_seconds,
        default=WINDOW.days,
        metavar="DAYS",
        help="days within which a near-identical text is a reprint, and how far back a first "
        "run of a sitemap or a channel reaches (default %(default)g)",
    )
    p.set_defaults(run=run, own_output=True)


def _add_briefing(subparsers: Subparsers, run: Command) -> None:
    p = subparsers.add_parser(
        "briefing",
        help="the stories ruen follow digested in a period, each once, with its sources",
        description="The stories ruen follow digested in a period, newest first by when "
        "they were published, each once however many outlets told it: its headline and key "
        "sentences, the people, places and bodies it names, every outlet with its time and "
        "link; then what failed. Reads the store beside a running ruen follow.",
    )
    p.add_argument(
        "--store", metavar="FILE", help="the follow store (default: the user's data folder)"
    )
    p.add_argument("--since", default="24h", help="24h, 7d, or a date (default 24h)")
    p.add_argument(
        "--tz",
        metavar="ZONE",
        help="the time zone the page and Markdown show times in, such as Europe/Moscow "
        "(default: this machine's); also the zone of a --since date without one",
    )
    p.add_argument(
        "--format",
        choices=("markdown", "html", "json", "atom"),
        default=None,
        help="markdown (default; else -o's extension), html (a page to read, print or "
        "forward), json, or atom (a feed any feed reader subscribes to)",
    )
    p.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    p.set_defaults(format_choices=("markdown", "html", "json", "atom"), format_default="markdown")
    p.set_defaults(run=run)


def _add_translate(subparsers: Subparsers, run: Command) -> None:
    p = subparsers.add_parser(
        "translate",
        parents=[
            _files(),
            _output_options(("text", "json", "jsonl"), "text: one English line per sentence"),
            _model(),
            _glossary(),
        ],
        help="translate sentence by sentence",
        description="Translate each document sentence by sentence (or line by line, --lines): "
        "one English line per sentence, nothing dropped, sentences too long for the model cut "
        "at clause boundaries.",
    )
    p.add_argument(
        "--lines",
        action="store_true",
        help="translate each input line as one segment instead of splitting",
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="where the English changed a figure or a name, take a better hypothesis of the "
        "model's n-best list (as digest does by default)",
    )
    p.set_defaults(run=run)


def _add_split(subparsers: Subparsers, run: Command) -> None:
    p = subparsers.add_parser(
        "split",
        parents=[
            _files(),
            _output_options(("text", "json", "jsonl"), "json: each sentence with its offsets"),
        ],
        help="split into sentences",
        description="Split Russian text into sentences, one per line; each a verbatim piece "
        "of the input (json gives its start and stop offsets). Needs no model.",
    )
    p.set_defaults(run=run)


def _add_summarize(subparsers: Subparsers, run: Command) -> None:
    p = subparsers.add_parser(
        "summarize",
        aliases=["summarise"],
        parents=[
            _files(),
            _output_options(("text", "json", "jsonl"), "json: each key sentence with its score"),
            _summary(),
        ],
        help="key sentences of the source text (no model needed)",
        description="The key sentences of each document, in its own language, in document "
        "order (TextRank over the sentences; the digest's summariser). Needs no model.",
    )
    p.add_argument(
        "--lang",
        choices=("ru", "en"),
        default="ru",
        help="the text's language: its stop words and stemmer (default ru)",
    )
    p.set_defaults(run=run)


def _add_check(subparsers: Subparsers, run: Command) -> None:
    p = subparsers.add_parser(
        "check",
        parents=[
            _output_options(("text", "json", "jsonl"), "text: each flagged pair, its flags"),
            _glossary(),
        ],
        help="flag changed figures, names, addresses in any translation (TSV or two files)",
        description="Check Russian-English pairs: one TSV file of ru<TAB>en (a header row "
        "naming ru and en columns is optional) or two files aligned line by line, in UTF-8 "
        "or Russian in windows-1251 or KOI8-R. Prints the flagged pairs; exits 1 when any "
        "pair is flagged, 0 when none is.",
    )
    p.add_argument("pairs", metavar="PAIRS|RU", help="a TSV of ru<TAB>en, or the Russian file")
    p.add_argument("english", nargs="?", metavar="EN", help="the English file, line by line")
    p.add_argument("-q", "--quiet", action="store_true", help="no count on stderr")
    p.set_defaults(run=run)


def _add_eval(subparsers: Subparsers, run: Command) -> None:
    p = subparsers.add_parser(
        "eval",
        parents=[_model()],
        help="score a model on the benchmark set (BLEU, chrF, ...)",
        description="Score a model on the benchmark set of this clone: BLEU and chrF "
        "(sacrebleu), sentence segmentation F1, summary ROUGE and speed; writes report.json "
        "and report.md.",
    )
    p.add_argument(
        "--data",
        default=None,
        help="benchmark data folder (default: benchmarks/data of this clone)",
    )
    p.add_argument(
        "--limit",
        type=_positive,
        default=None,
        help="at most this many sentences per set (a quick look)",
    )
    p.add_argument(
        "--report-dir",
        default="ruen-eval",
        help="where report.json and report.md go (default ruen-eval)",
    )
    p.set_defaults(run=run, output=None)


def _add_serve(subparsers: Subparsers, run: Command) -> None:
    from ruen.serve.service import Limits

    p = subparsers.add_parser(
        "serve",
        parents=[_model(), _glossary()],
        help="one loaded model for a team: a JSON API and a web page (ruen[serve])",
        description="Serve the digest, translate and check API (OpenAPI page at /docs) and a "
        "web page at /, with the model loaded once. Listens on 127.0.0.1 unless told "
        "otherwise; any other address needs --api-key-file.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_non_negative, default=8000, help="default 8000; 0: any free")
    p.add_argument(
        "--threads",
        dest="inter_threads",
        type=_positive,
        default=None,
        metavar="N",
        help=argparse.SUPPRESS,  # the name of 0.1.0's first servers: --inter-threads now
    )
    p.add_argument(
        "--api-key-file",
        metavar="FILE",
        help="a file holding the key clients send as 'Authorization: Bearer KEY' (16+ chars)",
    )
    p.add_argument(
        "--store",
        metavar="FILE",
        help="a ruen follow store: its latest briefing at /briefing (HTML, JSON, Atom), "
        "behind the same key",
    )
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let pages from ORIGIN call the API (repeatable; default: none)",
    )
    limits = p.add_argument_group("limits")
    for flag, field, kind, about in (
        ("--max-pending", "max_pending", _positive, "requests in flight and queued; past it, 503"),
        ("--deadline", "deadline_seconds", _seconds, "seconds per request; past it, 504"),
        (
            "--body-timeout",
            "body_seconds",
            _seconds,
            "seconds a request body may take to arrive; then 408",
        ),
        ("--max-chars", "max_chars", _positive, "characters per request; past it, 413"),
        ("--max-sentences", "max_sentences", _positive, "sentences per request; past it, 413"),
    ):
        default = _default(Limits, field)
        limits.add_argument(flag, type=kind, default=default, help=f"{about} (default {default:g})")
    p.set_defaults(run=run, output=None)


def _add_models(subparsers: Subparsers, download: Command, info: Command) -> None:
    models = subparsers.add_parser(
        "models",
        help="download or inspect models",
        description="Download a model on a connected machine, or say where one is and how it "
        "is set up.",
    )
    commands = models.add_subparsers(title="models commands", metavar="COMMAND")
    p = commands.add_parser(
        "download",
        help="fetch a model (needs a network)",
        description="Fetch a MarianMT model from the Hugging Face hub into its cache (or --to "
        "a folder to copy to a machine without a network).",
    )
    p.add_argument(
        "name", nargs="?", default=ruen.default_model(), help="hub id (default %(default)s)"
    )
    p.add_argument("--to", metavar="DIR", help="write the files here instead of the HF cache")
    revision = "a branch, tag or commit of the model's repository (default: main)"
    p.add_argument("--revision", default=None, help=revision)
    p.set_defaults(run=download, output=None)
    p = commands.add_parser(
        "info",
        help="where a model is and its settings",
        description="Where a model is (a folder, the cache), its shape and its generation "
        "defaults; offline, only what is on this machine.",
    )
    p.add_argument(
        "name", nargs="?", default=None, help="hub id or folder (default: $RUEN_MODEL or ruen's)"
    )
    p.add_argument("--revision", default=None, help=revision)
    p.add_argument("--format", choices=("text", "json"), default="text", help="default text")
    p.set_defaults(run=info, output=None)
    models.set_defaults(run=_needs_subcommand(models), output=None)


# --- option groups that several subcommands share ----------------------------------------------


def _files() -> argparse.ArgumentParser:
    files = argparse.ArgumentParser(add_help=False)
    files.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="text, Markdown or HTML files (UTF-8, or Russian in windows-1251 or KOI8-R); "
        "- reads standard input",
    )
    files.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        default="auto",
        help="how to read the inputs (default: by extension, else by content); jsonl: one "
        "document per line, {id, text}",
    )
    return files


def _model() -> argparse.ArgumentParser:
    model = argparse.ArgumentParser(add_help=False)
    model.add_argument(
        "--model",
        default=None,
        help=f"hub id or local MarianMT directory (default: $RUEN_MODEL or {ruen.DEFAULT_MODEL})",
    )
    model.add_argument(
        "--backend",
        default=DEFAULT_BACKEND,
        choices=BACKENDS,
        help="auto (default): ctranslate2 int8 where ruen[fast] is installed, else "
        "transformers; transformers: exactly the model's own generate",
    )
    model.add_argument(
        "--device",
        default="auto",
        help="auto (default: a GPU where there is one), cpu, cuda or cuda:N",
    )
    model.add_argument(
        "--beam-size",
        type=_positive,
        default=None,
        help="default: the model's generation config (6 for opus-mt-ru-en)",
    )
    model.add_argument(
        "--compute-type",
        default="default",
        help="ctranslate2: int8 (default on a CPU), int8_float32, float32, ...",
    )
    model.add_argument(
        "--inter-threads",
        type=_positive,
        default=None,
        help="ctranslate2: batches run at once (default: one per core)",
    )
    model.add_argument(
        "--intra-threads",
        type=_non_negative,
        default=None,
        help="ctranslate2: threads per batch (default 1)",
    )
    model.add_argument(
        "--cache",
        metavar="FILE",
        default=os.environ.get("RUEN_CACHE"),
        help="SQLite file that keeps translations across runs ($RUEN_CACHE)",
    )
    model.add_argument(
        "--batch-size",
        type=_positive,
        default=_default(TranslateOptions, "batch_size"),
        help="sentences per batch at most (default %(default)d)",
    )
    model.add_argument(
        "--max-batch-tokens",
        type=_positive,
        default=_default(TranslateOptions, "max_batch_tokens"),
        help="source tokens per batch at most (default %(default)d)",
    )
    model.add_argument(
        "--max-new-tokens",
        type=_positive,
        default=None,
        help="English tokens per sentence at most (default: the model's, 512)",
    )
    model.add_argument(
        "--min-new-tokens",
        type=_non_negative,
        default=None,
        help="English tokens per sentence at least (default: the model's, 0)",
    )
    model.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return model


def _digesting() -> argparse.ArgumentParser:
    """How documents are digested: shared by digest and follow."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--mode",
        choices=MODES,
        default=MODES[0],
        help="pick the key sentences on the Russian (default) or on the English",
    )
    options.add_argument(
        "--summary-only",
        action="store_true",
        help="translate only the key sentences (summarise-first: k/n of the work)",
    )
    options.add_argument(
        "--no-repair",
        action="store_true",
        help="keep the model's own best output even where it changed a figure or a name",
    )
    options.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="digest on a local Dask cluster of N single-threaded processes (ruen[dask])",
    )
    options.add_argument(
        "--scheduler", metavar="ADDRESS", help="digest on the Dask cluster at ADDRESS"
    )
    return options


def _glossary() -> argparse.ArgumentParser:
    from ruen.glossary import SHIPPED

    glossary = argparse.ArgumentParser(add_help=False)
    glossary.add_argument(
        "--glossary",
        action="append",
        default=[],
        metavar="FILE",
        help="house names to keep: a TSV or CSV file (source, target), or a shipped one: "
        f"{', '.join(SHIPPED)} (repeatable; a later one wins)",
    )
    return glossary


def _summary() -> argparse.ArgumentParser:
    summary = argparse.ArgumentParser(add_help=False)
    summary.add_argument(
        "-k",
        type=_count_or_share,
        default=inspect.signature(ruen.digest).parameters["k"].default,
        help="key sentences: a count (default 3) or a share such as 0.3",
    )
    return summary


def _output_options(formats: tuple[str, ...], about: str | None = None) -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    default = "default: -o's extension (.html, .md, .json, .jsonl), else text"
    said = f"{default}; {about}" if about else default
    options.add_argument("--format", choices=formats, default=None, help=said)
    options.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    options.set_defaults(format_choices=formats, format_default="text")
    return options


# A file's extension -> the format it asks for, where --format is not given.
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
              ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "text",
              ".atom": "atom", ".xml": "atom"}  # fmt: skip


def output_format(args: argparse.Namespace) -> str | None:
    """The format a command writes: ``--format``, else what ``-o``'s extension asks for (an
    error where the command does not write it), else the command's default."""
    if args.format is not None or not hasattr(args, "format_choices"):
        return args.format
    path = getattr(args, "output", None)
    wanted = EXTENSIONS.get(Path(path).suffix.lower()) if path and path != "-" else None
    if wanted is None:
        return args.format_default
    if wanted not in args.format_choices:
        raise InputError(
            f"-o {path}: this command writes {', '.join(args.format_choices)}, not {wanted}; "
            "give --format, or another file name"
        )
    return wanted


def _default(owner: type, name: str) -> Any:
    """The default of a dataclass field, from the class that owns it."""
    return next(field.default for field in fields(owner) if field.name == name)


def _needs_subcommand(parser: argparse.ArgumentParser) -> Command:
    def run(_args: argparse.Namespace, _out: TextIO) -> None:
        parser.print_usage(sys.stderr)
        raise RuenError("choose a subcommand: " + ", ".join(_subcommands(parser)))

    return run


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


# --- value types --------------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text}") from None
    if not math.isfinite(value) or not value > 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds above 0, not {text}")
    return value


def _count_or_share(text: str) -> int | float:
    try:
        value: int | float = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text}") from None
    from ruen.summarization import key_sentences

    try:
        return key_sentences(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace(repr(value), text)) from None

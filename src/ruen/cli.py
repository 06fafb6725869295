"""The ``ruen`` command: a thin layer over the Python API.

Each subcommand reads its inputs, calls one public function, and prints. Every error ruen
raises on purpose becomes one line on stderr and exit code 2; nothing prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import ruen
from ruen.errors import RuenError

EXIT_ERROR = 2
MANY_SENTENCES = 20  # more than this, and a progress bar is worth showing
RUSSIAN_SHARE = 0.3  # of letters Cyrillic, below which an input does not look like Russian


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        with _output(getattr(args, "output", None)) as out:
            code = args.run(args, out)
    except RuenError as exc:
        return _fail(str(exc))
    except ValueError as exc:  # bad option values caught by the library's own checks
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("ruen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: not an error of ours.
        sys.stderr.close()
        return 0
    return code or 0


def _fail(message: str) -> int:
    print(f"ruen: error: {message}", file=sys.stderr)
    return EXIT_ERROR


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise RuenError(f"{path}: cannot write ({exc.strerror or exc})") from None
    with handle:
        yield handle


# --- subcommands -------------------------------------------------------------------------------


def cmd_split(args: argparse.Namespace, out: TextIO) -> None:
    results = []
    for name, document in _documents(args):
        spans = list(ruen.sentenize(document.text))
        results.append(
            {
                "file": name,
                "title": document.title,
                "sentences": [asdict(span) for span in spans],
            }
        )
    _emit(
        args,
        out,
        results,
        lambda r: (
            ([r["title"]] if r["title"] else []) + [_one_line(s["text"]) for s in r["sentences"]]
        ),
    )


def cmd_summarize(args: argparse.Namespace, out: TextIO) -> None:
    results = []
    for name, document in _documents(args):
        sentences = ruen.split_sentences(document.text)
        indices = ruen.summarize(sentences, args.k, lang=args.lang)
        results.append(
            {
                "file": name,
                "k": args.k,
                "lang": args.lang,
                "indices": indices,
                "summary": [sentences[i] for i in indices],
            }
        )
    _emit(args, out, results, lambda r: [_one_line(s) for s in r["summary"]])


def cmd_translate(args: argparse.Namespace, out: TextIO) -> None:
    documents = _documents(args)
    units = {
        name: ([document.title] if document.title else [])
        + (
            [line.strip() for line in document.text.splitlines() if line.strip()]
            if args.lines
            else ruen.split_sentences(document.text)
        )
        for name, document in documents
    }
    translator = _translator(args)
    total = sum(len(sentences) for sentences in units.values())
    results = []
    with _progress(args, total, len(units)) as update:
        for name, sentences in units.items():
            english = translator.translate(
                sentences, progress=update, repair=args.repair, **_generation(args)
            )
            results.append(
                {
                    "file": name,
                    "sentences": [
                        {"index": i, "ru": ru, "en": en}
                        for i, (ru, en) in enumerate(zip(sentences, english))
                    ],
                }
            )
    _emit(args, out, results, lambda r: [s["en"] for s in r["sentences"]])


def cmd_digest(args: argparse.Namespace, out: TextIO) -> None:
    documents = _documents(args)
    translator = _translator(args)
    sentences = [ruen.split_sentences(document.text) for _, document in documents]
    # The bar counts what goes to the model: the titles, and all sentences or only the key
    # ones when summarising first with --summary-only (translate-first translates all).
    key_only = args.summary_only and args.mode == "summarise-first"
    total = sum(len(ruen.summarize(s, args.k)) if key_only else len(s) for s in sentences)
    total += sum(1 for _, document in documents if document.title)
    results = []
    with _progress(args, total, len(documents)) as update:
        for name, document in documents:
            digest = ruen.digest(
                document,
                k=args.k,
                mode=args.mode,
                full_translation=not args.summary_only,
                translator=translator,
                repair=not args.no_repair,
                progress=update,
                **_generation(args),
            )
            results.append({"file": name, **digest.to_dict()})
    if args.format in ("html", "markdown"):
        from ruen import report

        render = report.to_html if args.format == "html" else report.to_markdown
        print(render(results), file=out, end="")
        return
    _emit(args, out, results, _digest_lines)


def _documents(args: argparse.Namespace) -> list[tuple[str, ruen.Document]]:
    """Each input read as a document, saying so on stderr where it was not UTF-8, and
    warning where it does not look like Russian (ruen goes on)."""
    documents = []
    for name in args.files:
        document = ruen.read_document(name, format=args.input_format)
        label = document.name or name
        if document.encoding != "utf-8":
            _note(f"{label}: not UTF-8, read as {document.encoding}")
        share = document.cyrillic_share
        if share < RUSSIAN_SHARE:
            _note(
                f"{label}: only {100 * share:.0f} % of its letters are Cyrillic; ruen "
                "translates Russian, and goes on"
            )
        documents.append((name, document))
    return documents


def _note(message: str) -> None:
    print(f"ruen: {message}", file=sys.stderr)


def _digest_lines(result: dict[str, Any]) -> list[str]:
    """The title, the key sentences, then the full translation; under each flagged sentence
    its warnings, so that a reader who knows no Russian sees which English not to trust."""
    lines = []
    if result["title"]:
        lines.append(f"Title: {result['title']['en']}")
        lines += _warnings(result["title"], "  ")
    about = [item for item in (result["date"], result["url"]) if item]
    if about:
        lines.append("Source: " + " · ".join(about))
    if lines:
        lines.append("")
    lines.append("Key sentences:")
    for record in result["sentences"]:
        if record["selected"]:
            lines.append(f"  {record['en']}")
            lines += _warnings(record, "    ")
    if result["settings"]["full_translation"]:
        lines += ["", "Full translation:"]
        for record in result["sentences"]:
            number = f"[{record['index'] + 1}]"
            lines.append(f"  {number} {record['en']}")
            lines += _warnings(record, " " * (len(number) + 3))
    flagged = {kind: n for kind, n in result["flags"].items() if n}
    summary = ", ".join(f"{kind} {n}" for kind, n in flagged.items())
    lines += [
        "",
        f"Checks: {sum(flagged.values())} flags ({summary})" if flagged else "Checks: no flags",
    ]
    return lines


def _warnings(record: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}! {flag['message']}" for flag in record["flags"]]
    if record["repaired"]:
        lines.insert(0, f"{indent}~ repaired: a better hypothesis of the model replaced its first")
    return lines


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    """Check translation pairs from any MT system: a TSV of ru<TAB>en or two aligned files."""
    pairs = _read_pairs(args.files)
    results = []
    for line, ru, en in pairs:
        flags = ruen.check(ru, en)
        if flags:
            record = {"line": line, "ru": ru, "en": en, "flags": [f.to_dict() for f in flags]}
            results.append(record)
    if args.format == "json":
        print(json.dumps(results, ensure_ascii=False, indent=2), file=out)
    elif args.format == "jsonl":
        for record in results:
            print(json.dumps(record, ensure_ascii=False), file=out)
    else:
        for record in results:
            print(f"line {record['line']}: {_one_line(record['en'])}", file=out)
            for flag in record["flags"]:
                print(f"  ! {flag['kind']}: {flag['message']}", file=out)
    if not args.quiet:
        print(f"ruen check: {len(pairs)} pairs, {len(results)} flagged", file=sys.stderr)
    return 1 if results else 0


def _read_pairs(files: list[str]) -> list[tuple[int, str, str]]:
    """(line number, Russian, English) from one TSV file or two line-aligned files."""
    if len(files) == 2:
        ru, en = (ruen.read_text(name).splitlines() for name in files)
        if len(ru) != len(en):
            raise RuenError(
                f"{files[0]} has {len(ru)} lines and {files[1]} has {len(en)}: "
                "the two files must be aligned line by line"
            )
        return [(n, a, b) for n, (a, b) in enumerate(zip(ru, en), start=1)]
    if len(files) != 1:
        raise RuenError("ruen check takes one TSV file (ru<TAB>en) or two aligned files (RU EN)")
    name = files[0]
    lines = ruen.read_text(name).splitlines()
    header = [field.strip().lower() for field in lines[0].split("\t")]
    if "ru" in header and "en" in header:  # a header names the columns: "id ru en" will do
        columns, first = (header.index("ru"), header.index("en")), 2
    else:
        columns, first = (0, 1), 1
        header = ["ru", "en"]
    pairs = []
    for n, line in enumerate(lines[first - 1 :], start=first):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise RuenError(
                f"{name}, line {n}: expected {len(header)} tab-separated fields "
                f"({', '.join(header)}), found {len(fields)}"
            )
        pairs.append((n, fields[columns[0]], fields[columns[1]]))
    return pairs


def cmd_eval(args: argparse.Namespace, out: TextIO) -> None:
    from ruen import evaluation

    evaluation.find_data(args.data)  # fail before loading a model when there is no data
    translator = _translator(args)
    generation = _generation(args)
    say = (lambda what: print(f"ruen eval: {what}", file=sys.stderr)) if not args.quiet else None
    report = evaluation.evaluate(
        translator, data=args.data, limit=args.limit, generation=generation, progress=say
    )
    folder = Path(args.report_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        (folder / "report.md").write_text(evaluation.markdown(report), encoding="utf-8")
    except OSError as exc:
        raise RuenError(f"{folder}: cannot write the report ({exc.strerror or exc})") from None
    print(evaluation.markdown(report), file=out)
    print(f"report: {folder / 'report.json'}, {folder / 'report.md'}", file=sys.stderr)


def cmd_models_download(args: argparse.Namespace, out: TextIO) -> None:
    try:
        path = ruen.download_model(args.name, to=args.to, revision=args.revision)
    except RuenError:
        raise
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ruen.ModelNotAvailableError(
            f"cannot download {args.name} ({reason[:160]}); this needs a network connection"
        ) from None
    print(f"{args.name}: downloaded to {path}", file=out)
    if args.to:
        print(f"use it with: ruen digest --model {path} FILE", file=out)


def cmd_models_info(args: argparse.Namespace, out: TextIO) -> None:
    name = args.name or ruen.default_model()
    path = ruen.resolve_model(name, revision=args.revision)
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    generation_path = path / "generation_config.json"
    generation = (
        json.loads(generation_path.read_text(encoding="utf-8")) if generation_path.is_file() else {}
    )
    weights = next((f for f in ruen.resolution.WEIGHT_FILES if (path / f).is_file()), None)
    info = {
        "model": name,
        "path": str(path),
        "weights": weights,
        "shape": {
            key: config.get(key)
            for key in (
                "vocab_size",
                "d_model",
                "encoder_layers",
                "decoder_layers",
                "encoder_attention_heads",
                "encoder_ffn_dim",
                "max_position_embeddings",
            )
        },
        "generation": {
            key: generation.get(key) for key in ("num_beams", "max_length", "bad_words_ids")
        },
    }
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=2), file=out)
        return
    for key, value in info.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        print(f"{key}: {value}", file=out)


# --- shared helpers ----------------------------------------------------------------------------


def _translator(args: argparse.Namespace) -> ruen.Translator:
    return ruen.load_translator(
        args.model,
        backend=args.backend,
        device=args.device,
        compute_type=args.compute_type,
        inter_threads=args.inter_threads,
        intra_threads=args.intra_threads,
        cache=args.cache,
    )


def _generation(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "beam_size": args.beam_size,
        "batch_size": args.batch_size,
        "max_new_tokens": args.max_new_tokens,
        "min_new_tokens": args.min_new_tokens,
    }


@contextmanager
def _progress(args: argparse.Namespace, total: int, files: int) -> Iterator[Callable[[int], Any]]:
    """A bar on stderr for several files or many sentences; none with --quiet or when
    stderr is not a terminal (logs and pipes get no escape codes)."""
    wanted = (files > 1 or total > MANY_SENTENCES) and not args.quiet and sys.stderr.isatty()
    if not wanted:
        yield lambda _n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="sent", file=sys.stderr, leave=False) as bar:
        yield bar.update


def _one_line(text: str) -> str:
    """A sentence on one line for plain-text output (JSON keeps it verbatim)."""
    return " ".join(text.split())


def _emit(
    args: argparse.Namespace,
    out: TextIO,
    results: list[dict[str, Any]],
    lines: Callable[[dict[str, Any]], list[str]],
) -> None:
    if args.format == "json":
        payload: Any = results[0] if len(results) == 1 else results
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
    elif args.format == "jsonl":
        for result in results:
            print(json.dumps(result, ensure_ascii=False), file=out)
    else:
        for n, result in enumerate(results):
            if len(results) > 1:
                print(("\n" if n else "") + f"==> {result['file']} <==", file=out)
            for line in lines(result):
                print(line, file=out)


# --- argument parsing --------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text}")
    return value


def _count_or_share(text: str) -> int | float:
    try:
        value: int | float = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text}") from None
    if value < 0 or (isinstance(value, float) and value >= 1):
        raise argparse.ArgumentTypeError(f"a count (0 or more) or a share below 1, not {text}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def _output_options(formats: tuple[str, ...], about: str | None = None) -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--format", choices=formats, default="text", help=about)
    options.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    return options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruen",
        description="Russian announcements into English: split, translate (MarianMT), summarise.",
    )
    parser.add_argument("--version", action="version", version=f"ruen {ruen.__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

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
        choices=ruen.documents.FORMATS,
        default="auto",
        help="how to read the inputs (default: by extension, else by content)",
    )
    output = _output_options(("text", "json", "jsonl"))
    model = argparse.ArgumentParser(add_help=False)
    model.add_argument(
        "--model",
        default=None,
        help=f"hub id or local MarianMT directory (default: $RUEN_MODEL or {ruen.DEFAULT_MODEL})",
    )
    model.add_argument("--backend", default="transformers", choices=ruen.translation.BACKENDS)
    model.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
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
    model.add_argument("--batch-size", type=_positive, default=32)
    model.add_argument("--max-batch-tokens", type=_positive, default=4096)
    model.add_argument("--max-new-tokens", type=_positive, default=None)
    model.add_argument("--min-new-tokens", type=_non_negative, default=None)
    model.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    summary = argparse.ArgumentParser(add_help=False)
    summary.add_argument(
        "-k",
        type=_count_or_share,
        default=3,
        help="key sentences: a count (default 3) or a share such as 0.3",
    )

    report = _output_options(
        ("text", "json", "jsonl", "html", "markdown"),
        "html: one self-contained page, Russian and English side by side; markdown for notes",
    )
    p = commands.add_parser(
        "digest",
        parents=[files, report, model, summary],
        help="key sentences in English and the full translation",
    )
    p.add_argument(
        "--mode",
        choices=ruen.pipeline.MODES,
        default="summarise-first",
        help="pick the key sentences on the Russian (default) or on the English",
    )
    p.add_argument(
        "--summary-only",
        action="store_true",
        help="translate only the key sentences (summarise-first: k/n of the work)",
    )
    p.add_argument(
        "--no-repair",
        action="store_true",
        help="keep the model's own best output even where it changed a figure or a name",
    )
    p.set_defaults(run=cmd_digest)
    p = commands.add_parser(
        "translate", parents=[files, output, model], help="translate sentence by sentence"
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
    p.set_defaults(run=cmd_translate)
    p = commands.add_parser("split", parents=[files, output], help="split into sentences")
    p.set_defaults(run=cmd_split)
    p = commands.add_parser(
        "summarize",
        parents=[files, output, summary],
        help="key sentences of the source text (no model needed)",
    )
    p.add_argument("--lang", choices=("ru", "en"), default="ru")
    p.set_defaults(run=cmd_summarize)

    p = commands.add_parser(
        "check",
        parents=[output],
        help="flag changed figures, names, addresses in any translation (TSV or two files)",
        description="Check Russian-English pairs: one TSV file of ru<TAB>en (a header row "
        "naming ru and en columns is optional) or two files aligned line by line. Prints the "
        "flagged pairs; exits 1 when any pair is flagged, 0 when none is.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="PAIRS.tsv, or RU.txt EN.txt")
    p.add_argument("-q", "--quiet", action="store_true", help="no count on stderr")
    p.set_defaults(run=cmd_check)

    p = commands.add_parser(
        "eval", parents=[model], help="score a model on the benchmark set (BLEU, chrF, ...)"
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
    p.add_argument("--report-dir", default="ruen-eval", help="where report.json/.md go")
    p.set_defaults(run=cmd_eval, output=None)

    models = commands.add_parser("models", help="download or inspect models")
    models_commands = models.add_subparsers(title="models commands", metavar="COMMAND")
    p = models_commands.add_parser("download", help="fetch a model (needs a network)")
    p.add_argument("name", nargs="?", default=ruen.default_model())
    p.add_argument("--to", metavar="DIR", help="write the files here instead of the HF cache")
    p.add_argument("--revision", default=None)
    p.set_defaults(run=cmd_models_download, output=None)
    p = models_commands.add_parser("info", help="where a model is and its settings")
    p.add_argument("name", nargs="?", default=None)
    p.add_argument("--revision", default=None)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_models_info, output=None)
    models.set_defaults(run=_needs_subcommand(models), output=None)
    return parser


def _needs_subcommand(parser: argparse.ArgumentParser) -> Callable[..., None]:
    def run(_args: argparse.Namespace, _out: TextIO) -> None:
        parser.print_usage(sys.stderr)
        raise RuenError("choose a subcommand: " + ", ".join(_subcommands(parser)))

    return run


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""What each ``ruen`` subcommand does: read its inputs, call the public API, print.

Kept apart from the argument parsing in ``parser.py`` (``ruen digest``, the largest, is in
``digest.py``); every function here takes the parsed arguments and the output stream, and
returns an exit code (None for 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import ruen
from ruen import corpus
from ruen.documents import read_decoded
from ruen.errors import RuenError
from ruen.translation.loading import resolve_backend
from ruen.translation.resolution import WEIGHT_FILES

EXIT_ERROR = 2  # every error ruen raises on purpose: one line on stderr, this exit code
# A fault inside ruen (sysexits' EX_SOFTWARE), told apart from a bad input or option.
EXIT_INTERNAL = 70
MANY_SENTENCES = 20  # more than this, and a progress bar is worth showing
RUSSIAN_SHARE = 0.3  # of letters Cyrillic, below which an input does not look like Russian


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
    options = _options(args, repair=args.repair)
    translator = _translator(args)
    total = sum(len(sentences) for sentences in units.values())
    results = []
    with _progress(args, total, len(units)) as update:
        for name, sentences in units.items():
            done = translator.translate_detailed(sentences, options, progress=update)
            results.append(
                {
                    "file": name,
                    "sentences": [
                        {"index": i, "ru": ru, "en": result.text}
                        | ({"terms": [t.to_dict() for t in result.terms]} if result.terms else {})
                        for i, (ru, result) in enumerate(zip(sentences, done))
                    ],
                }
            )
    _emit(args, out, results, lambda r: [s["en"] for s in r["sentences"]])


def _noted(item: ruen.Document | ruen.DocumentError) -> ruen.Document | ruen.DocumentError:
    """The document, after saying on stderr where it was not UTF-8 or not Russian."""
    if isinstance(item, ruen.Document):
        if item.encoding != "utf-8":
            _note(f"{item.name}: not UTF-8, read as {item.encoding}")
        share = item.cyrillic_share
        if share < RUSSIAN_SHARE:
            _note(
                f"{item.name}: only {100 * share:.0f} % of its letters are Cyrillic; ruen "
                "translates Russian, and goes on"
            )
    return item


def _documents(args: argparse.Namespace) -> list[tuple[str, ruen.Document]]:
    """Every input read as a document, for the commands that need them all (split,
    summarize, translate); the first that cannot be read stops the run."""
    documents = []
    for item in corpus.documents(args.files, input_format=args.input_format):
        if isinstance(item, ruen.DocumentError):
            raise RuenError(item.error)
        _noted(item)
        documents.append((item.name or "<text>", item))
    return documents


def _note(message: str) -> None:
    print(f"ruen: {message}", file=sys.stderr)


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    """Check translation pairs from any MT system: a TSV of ru<TAB>en or two aligned files."""
    glossary = glossary_of(args)
    pairs = _read_pairs([args.pairs, *([args.english] if args.english else [])])
    results = []
    for line, ru, en in pairs:
        flags = ruen.check(ru, en, glossary=glossary)
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
            print(f"line {record['line']}: {' '.join(record['en'].split())}", file=out)
            for flag in record["flags"]:
                print(f"  ! {flag['kind']}: {flag['message']}", file=out)
    if not args.quiet:
        print(
            f"ruen check: {len(pairs)} pair{'s' if len(pairs) != 1 else ''}, "
            f"{len(results)} flagged",
            file=sys.stderr,
        )
    return 1 if results else 0


def _read_pairs(files: list[str]) -> list[tuple[int, str, str]]:
    """(line number, Russian, English) from one TSV file or two line-aligned files."""
    if len(files) == 2:
        ru, en = (_read_lines(name) for name in files)
        if len(ru) != len(en):
            raise RuenError(
                f"{files[0]} has {len(ru)} lines and {files[1]} has {len(en)}: "
                "the two files must be aligned line by line"
            )
        return [(n, a, b) for n, (a, b) in enumerate(zip(ru, en), start=1)]
    if len(files) != 1:
        raise RuenError("ruen check takes one TSV file (ru<TAB>en) or two aligned files (RU EN)")
    name = files[0]
    lines = _read_lines(name)
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


def _read_lines(name: str) -> list[str]:
    """The lines of a file, decoded as every input is; says so when it was not UTF-8."""
    text, encoding, label = read_decoded(name)
    if encoding != "utf-8":
        _note(f"{label}: not UTF-8, read as {encoding}")
    return text.splitlines()


def cmd_eval(args: argparse.Namespace, out: TextIO) -> None:
    from ruen import evaluation

    evaluation.find_data(args.data)  # fail before loading a model when there is no data
    translator = _translator(args)
    options = _options(args, repair=False)
    generation = {
        "beam_size": options.beam_size,
        "batch_size": options.batch_size,
        "max_batch_tokens": options.max_batch_tokens,
        "max_new_tokens": options.max_new_tokens,
        "min_new_tokens": options.min_new_tokens,
    }
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
    path = ruen.resolve_model(name, revision=args.revision, download=False)  # never fetches
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    generation_path = path / "generation_config.json"
    generation = (
        json.loads(generation_path.read_text(encoding="utf-8")) if generation_path.is_file() else {}
    )
    weights = next((f for f in WEIGHT_FILES if (path / f).is_file()), None)
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


# --- helpers the subcommands share --------------------------------------------------------


def _loading(args: argparse.Namespace) -> dict[str, Any]:
    """The load_translator arguments the options name."""
    return {
        "model": args.model,
        "backend": args.backend,
        "device": args.device,
        "compute_type": args.compute_type,
        "inter_threads": args.inter_threads,
        "intra_threads": args.intra_threads,
        "cache": args.cache,
    }


def _translator(args: argparse.Namespace) -> ruen.Translator:
    return ruen.load_translator(**_loading(args))


def _options(args: argparse.Namespace, *, repair: bool) -> ruen.TranslateOptions:
    return ruen.TranslateOptions(
        beam_size=args.beam_size,
        max_new_tokens=args.max_new_tokens,
        min_new_tokens=args.min_new_tokens,
        batch_size=args.batch_size,
        max_batch_tokens=args.max_batch_tokens,
        repair=repair,
        glossary=glossary_of(args),
    )


def glossary_of(args: argparse.Namespace) -> ruen.Glossary | None:
    """The glossaries named by ``--glossary``, combined; None where none is."""
    names = getattr(args, "glossary", None)
    return ruen.Glossary.load(*names) if names else None


@contextmanager
def _progress(
    args: argparse.Namespace, total: int | None, documents: int
) -> Iterator[Callable[[int], Any]]:
    """A bar on stderr, counting the sentences translated, for several documents or many
    sentences (an archive's total is not known ahead); none with --quiet or when stderr is
    not a terminal (logs and pipes get no escape codes)."""
    many = documents > 1 or total is None or total > MANY_SENTENCES
    if not many or args.quiet or not sys.stderr.isatty():
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


def cmd_serve(args: argparse.Namespace, out: TextIO) -> None:
    """Load the model once and serve the API and the page until interrupted."""
    try:
        from ruen.serve import api
    except ImportError as exc:
        raise RuenError(
            f"ruen serve needs the serve extra ({exc.name} is missing): pip install 'ruen[serve]'"
        ) from None
    from ruen.serve import service as server

    key = server.load_api_key(args.api_key_file) if args.api_key_file else None
    if key is None and not server.is_loopback(args.host):
        raise RuenError(
            f"--host {args.host} can be reached from other machines: give --api-key-file "
            "(a key of at least 16 characters), or serve on 127.0.0.1"
        )
    if args.inter_threads and resolve_backend(args.backend) == "transformers":
        import torch

        torch.set_num_threads(args.inter_threads)
    options = _options(args, repair=True)  # a bad glossary fails before the model loads
    store = None
    if args.store:  # checked now: a wrong path is one line at start, not a 503 each morning
        from ruen.follow.store import Store

        with Store.reader(args.store):
            store = args.store
    translator = _translator(args)
    limits = server.Limits(
        max_chars=args.max_chars,
        max_sentences=args.max_sentences,
        max_pending=args.max_pending,
        deadline_seconds=args.deadline,
        body_seconds=args.body_timeout,
    )
    service = server.Service(translator, limits, options, key)
    app = api.create_app(service, cors_origins=args.cors_origin, store=store)
    sock = api.listen(args.host, args.port)
    _note(
        f"serving {translator.name} ({translator.backend}, {translator.compute_type}) on "
        f"{api.url_of(sock)} ({'API key required' if key else 'loopback only, no API key'}); "
        "Ctrl+C stops"
    )
    sys.stderr.flush()
    api.run(app, sock)

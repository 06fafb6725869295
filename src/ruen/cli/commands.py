"""What each ``ruen`` subcommand does: read its inputs, call the public API, print.

Kept apart from the argument parsing in ``cli.py``; every function here takes the parsed
arguments and the output stream, and returns an exit code (None for 0).
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
from ruen.errors import RuenError
from ruen.translation.resolution import WEIGHT_FILES

EXIT_ERROR = 2
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
    translator = _translator(args)
    total = sum(len(sentences) for sentences in units.values())
    results = []
    with _progress(args, total, len(units)) as update:
        for name, sentences in units.items():
            english = translator.translate(
                sentences, _options(args, repair=args.repair), progress=update
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


def cmd_digest(args: argparse.Namespace, out: TextIO) -> int:
    """Digest every document of the inputs, one at a time; each result is written as soon as
    its document is done. Exit 0 when every document succeeded, 1 when some failed."""
    if args.resume and (args.format != "jsonl" or args.output in (None, "-")):
        raise RuenError("--resume needs --format jsonl and --output FILE")
    done = corpus.completed(args.output) if args.resume else set()
    inputs = (
        item
        for item in corpus.documents(
            args.files,
            input_format=args.input_format,
            glob=args.glob,
            id_field=args.id_field,
            text_field=args.text_field,
        )
        if _label(item) not in done
    )
    client, cluster = _dask(args)
    failed = total = 0
    try:
        with _progress(args, None, 2) as update:
            results = ruen.digest_many(
                (_noted(item) for item in inputs),
                _options(args, repair=not args.no_repair),
                k=args.k,
                mode=args.mode,
                full_translation=not args.summary_only,
                translator=None if client else _translator(args),
                load=_loading(args),
                progress=update,
                on_error="record",
                client=client,
            )
            failed, total = _write_digests(args, out, results)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    if failed and (_single(args) or failed == total):
        return EXIT_ERROR  # nothing was digested: the run failed
    return 1 if failed else 0


def _single(args: argparse.Namespace) -> bool:
    """Whether the inputs are one document (not a directory, a JSON-lines stream or several)."""
    one = args.files[0]
    return len(args.files) == 1 and args.input_format != "jsonl" and not Path(one).is_dir()


def _write_digests(
    args: argparse.Namespace, out: TextIO, results: Iterator[Any]
) -> tuple[int, int]:
    """Write each digest (or error record) in the chosen format as it comes; return how
    many documents failed, and how many there were."""
    failed = total = 0
    collected: list[dict[str, Any]] = []
    single = _single(args)
    for n, result in enumerate(results):
        total += 1
        record = result.to_dict()
        if isinstance(result, ruen.DocumentError):
            failed += 1
            _note(f"error: {result.error}")
        elif args.format == "text":
            if not single:
                print(("\n" if n else "") + f"==> {result.id} <==", file=out)
            print("\n".join(_digest_lines(record)), file=out, flush=True)
        if args.format == "jsonl":
            corpus.write_record(out, record)
        elif args.format in ("json", "html", "markdown"):
            collected.append(record)
    if args.format == "json" and not (single and failed):
        payload: Any = collected[0] if single else collected
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
    elif args.format in ("html", "markdown"):
        from ruen import report

        good = [record for record in collected if "error" not in record]
        render = report.to_html if args.format == "html" else report.to_markdown
        if good:
            print(render(good), file=out, end="")
    return failed, total


def _label(item: ruen.Document | ruen.DocumentError) -> str | None:
    return item.id if isinstance(item, ruen.DocumentError) else item.name


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


def _dask(args: argparse.Namespace) -> tuple[Any, Any]:
    """(client, cluster) for --workers or --scheduler, else (None, None)."""
    if not args.workers and not args.scheduler:
        return None, None
    from ruen.cluster import connect

    return connect(workers=args.workers, scheduler=args.scheduler)


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
    path = ruen.resolve_model(name, revision=args.revision)
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


# --- shared helpers ----------------------------------------------------------------------------


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
    )


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
    if args.inter_threads and args.backend == "transformers":
        import torch

        torch.set_num_threads(args.inter_threads)
    translator = _translator(args)
    limits = server.Limits(
        max_chars=args.max_chars,
        max_sentences=args.max_sentences,
        max_pending=args.max_pending,
        deadline_seconds=args.deadline,
        body_seconds=args.body_timeout,
    )
    service = server.Service(translator, limits, _options(args, repair=True), key)
    app = api.create_app(service, cors_origins=args.cors_origin)
    sock = api.listen(args.host, args.port)
    _note(
        f"serving {translator.name} ({translator.backend}, {translator.compute_type}) on "
        f"{api.url_of(sock)} ({'API key required' if key else 'loopback only, no API key'}); "
        "Ctrl+C stops"
    )
    sys.stderr.flush()
    api.run(app, sock)

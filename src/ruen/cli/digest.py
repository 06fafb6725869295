"""``ruen digest``: every document of the inputs digested, each result written as it comes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import ruen
from ruen import corpus
from ruen.cli.commands import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    _loading,
    _note,
    _noted,
    _options,
    _progress,
    _translator,
)
from ruen.errors import RuenError
from ruen.report import machine_translation_notice


def cmd_digest(args: argparse.Namespace, out: TextIO) -> int:
    """Digest every document of the inputs, one at a time; each result is written as soon as
    its document is done. Exit 0 when every document succeeded, 1 when some failed."""
    if args.resume and (args.format != "jsonl" or args.output in (None, "-")):
        raise RuenError("--resume needs --format jsonl and --output FILE")
    done = corpus.completed(args.output) if args.resume else set()
    skipped = [0]

    def unfinished() -> Iterator[Any]:
        for item in corpus.documents(
            args.files,
            input_format=args.input_format,
            glob=args.glob,
            id_field=args.id_field,
            text_field=args.text_field,
        ):
            if _label(item) in done:
                skipped[0] += 1
            else:
                yield item

    inputs = unfinished()
    client, cluster = _dask(args)
    failed = total = internal = 0
    try:
        results = digest_documents(args, (_noted(item) for item in inputs), client)
        failed, total, internal = _write_digests(args, out, results)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    if args.resume and not args.quiet:  # say what --resume left out, never silently
        print(
            f"ruen: --resume: {skipped[0]} document{'s' if skipped[0] != 1 else ''} already in "
            f"{args.output} skipped, {total} digested now",
            file=sys.stderr,
        )
    if failed and (_single(args) or failed == total):
        # nothing was digested: the run failed, through a fault of ruen's or the input's
        return EXIT_INTERNAL if internal == failed else EXIT_ERROR
    return 1 if failed else 0


def digest_documents(
    args: argparse.Namespace, documents: Iterable[Any], client: Any = None
) -> Iterator[Any]:
    """``ruen.digest_many`` with the options of the command line (digest and follow), a
    progress bar on a terminal, bad documents recorded rather than raised."""
    with _progress(args, None, 2) as update:
        yield from ruen.digest_many(
            documents,
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


def _single(args: argparse.Namespace) -> bool:
    """Whether the inputs are one document (not a directory, a JSON-lines stream or several)."""
    one = args.files[0]
    return len(args.files) == 1 and args.input_format != "jsonl" and not Path(one).is_dir()


def _write_digests(
    args: argparse.Namespace, out: TextIO, results: Iterator[Any]
) -> tuple[int, int, int]:
    """Write each digest (or error record) in the chosen format as it comes; return how
    many documents failed, how many there were, and how many failed through a fault inside
    ruen."""
    failed = total = internal = 0
    collected: list[dict[str, Any]] = []
    single = _single(args)
    for n, result in enumerate(results):
        total += 1
        record = result.to_dict()
        if isinstance(result, ruen.DocumentError):
            failed += 1
            internal += result.internal
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
    return failed, total, internal


def _label(item: ruen.Document | ruen.DocumentError) -> str | None:
    return item.id if isinstance(item, ruen.DocumentError) else item.name


def _dask(args: argparse.Namespace) -> tuple[Any, Any]:
    """(client, cluster) for --workers or --scheduler, else (None, None)."""
    if not args.workers and not args.scheduler:
        return None, None
    from ruen.cluster import connect

    return connect(workers=args.workers, scheduler=args.scheduler)


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
    lines += [f"Note: {note}" for note in result.get("notes", ())]
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
        machine_translation_notice([result.get("model")], date.today().isoformat()),
    ]
    return lines


def _warnings(record: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}! {flag['message']}" for flag in record["flags"]]
    enforced = [term for term in record.get("terms", ()) if term["how"] in ("nbest", "prefix")]
    lines[:0] = [
        f"{indent}~ term: {term['source']} → {term['target']} ({ENFORCED[term['how']]})"
        for term in enforced
    ] + [
        f"{indent}~ name: {name['source']} → {name['english']} ({ENFORCED[name['how']]})"
        for name in record.get("names", ())
        if name["how"] in ("nbest", "prefix")
    ]
    if record["repaired"]:
        lines.insert(0, f"{indent}~ repaired: a better hypothesis of the model replaced its first")
    return lines


ENFORCED = {"nbest": "from the model's n-best list", "prefix": "forced as a prefix"}

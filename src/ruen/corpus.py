"""Archives, not files: documents read one at a time from files, directories and JSON-lines
streams, and results written as they come, resumable after a crash.

Why one at a time: an analyst's archive holds tens of thousands of notes, and a run must
neither read them all before starting nor keep every result until the end. A document that
cannot be read becomes a :class:`~ruen.records.DocumentError` in its place, so that one bad
file is one error record, not a failed run.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ruen.documents import STDIN, Document, parse_document, read_document
from ruen.errors import RuenError
from ruen.records import DocumentError

INPUT_FORMATS = ("auto", "text", "markdown", "html", "jsonl")


def documents(
    sources: Sequence[str],
    *,
    input_format: str = "auto",
    glob: str = "*",
    id_field: str = "id",
    text_field: str = "text",
) -> Iterator[Document | DocumentError]:
    """Every document of ``sources``, in order: files, ``-`` (standard input), directories
    (their files matching ``glob``, recursively, in sorted order) and, with
    ``input_format="jsonl"``, JSON-lines streams of ``{id_field: ..., text_field: ...}``."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(
            f"unknown input format {input_format!r}: choose one of {', '.join(INPUT_FORMATS)}"
        )
    for source in sources:
        path = Path(source)
        if source != STDIN and path.is_dir():
            files = sorted(p for p in path.rglob(glob) if p.is_file())
            if not files:
                yield DocumentError(source, f"{source}: no files matching {glob!r}")
            for file in files:
                yield from _one(str(file), input_format, id_field, text_field)
        else:
            yield from _one(source, input_format, id_field, text_field)


def _one(
    name: str, input_format: str, id_field: str, text_field: str
) -> Iterator[Document | DocumentError]:
    if input_format == "jsonl":
        yield from _jsonl(name, id_field, text_field)
        return
    try:
        yield read_document(name, format=input_format)
    except RuenError as exc:
        yield DocumentError("<stdin>" if name == STDIN else name, str(exc))


def _jsonl(name: str, id_field: str, text_field: str) -> Iterator[Document | DocumentError]:
    """One document per line of a JSON-lines stream; a line that is not a record with the
    text field is an error record of its own (id: the record's, else FILE:LINE)."""
    label = "<stdin>" if name == STDIN else name
    try:
        handle = (
            sys.stdin.buffer if name == STDIN else open(name, "rb")  # noqa: SIM115 - closed below
        )
    except OSError as exc:
        yield DocumentError(label, f"{label}: cannot be read ({exc.strerror or exc})")
        return
    try:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{label}:{number}"
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield DocumentError(where, f"{where}: not a JSON record ({exc})")
                continue
            if not isinstance(record, dict):
                yield DocumentError(where, f"{where}: not a JSON object")
                continue
            identity = str(record[id_field]) if record.get(id_field) is not None else where
            text = record.get(text_field)
            if not isinstance(text, str):
                yield DocumentError(identity, f"{identity}: no {text_field!r} text in the record")
                continue
            try:
                document = parse_document(text, name=identity)
            except RuenError as exc:
                yield DocumentError(identity, str(exc))
                continue
            yield Document(
                document.text,
                document.title or record.get("title"),
                document.date or record.get("date"),
                document.url or record.get("url"),
                document.format,
                document.encoding,
                identity,
            )
    finally:
        if name != STDIN:
            handle.close()


# --- resuming ------------------------------------------------------------------------------------


def completed(path: str | os.PathLike[str]) -> set[str]:
    """The ids already written to the JSON-lines file ``path`` (results and error records
    alike). A last line torn by a crash (no line break, or not JSON) is cut off the file, so
    that appending goes on from a whole line."""
    target = Path(path)
    if not target.exists():
        return set()
    data = target.read_bytes()
    end = data.rfind(b"\n") + 1  # everything after the last line break is a torn line
    done = set()
    for number, line in enumerate(data[:end].splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise RuenError(
                f"{target}, line {number}: not a JSON record, so the file cannot be resumed"
            ) from None
        if isinstance(record, dict) and record.get("id") is not None:
            done.add(str(record["id"]))
    if end < len(data):
        with target.open("r+b") as handle:
            handle.truncate(end)
    return done


def write_record(out: TextIO, record: dict[str, Any]) -> None:
    """One record as one line, flushed at once: a crash leaves whole lines, at most one torn."""
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()

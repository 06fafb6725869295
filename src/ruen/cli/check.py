"""``ruen check``: the fidelity check on any system's translations, read as pairs from a TSV
file (``ru<TAB>en``, a header row naming the columns optional) or two files aligned line by
line. A malformed line is named; the exit code says whether any pair was flagged.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

import ruen
from ruen.errors import RuenError


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
            print(f"line {record['line']}: {' '.join(record['en'].split())}", file=out)
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

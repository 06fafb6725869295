"""Reading input text, with an error a person can act on for every way it can be wrong."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ruen.errors import InputError

STDIN = "-"


def decode(data: bytes, name: str) -> str:
    """UTF-8 text from ``data`` (a leading byte-order mark is dropped); a wrong byte is named
    with its offset, so the user can find it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"{name}: not valid UTF-8 (byte 0x{bad} at offset {exc.start}); "
            "convert it first, e.g. iconv -f cp1251 -t utf-8"
        ) from None


def read_bytes(source: str | os.PathLike[str]) -> tuple[bytes, str]:
    """The bytes of a file, or of standard input for ``"-"``, with the name to give in
    messages; a directory, a missing or unreadable file is refused in one line."""
    name = os.fspath(source)
    if name == STDIN:
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(name)
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a text file")
    try:
        return path.read_bytes(), name
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def read_text(source: str | os.PathLike[str]) -> str:
    """The text of a file, or of standard input for ``"-"``; refuses what cannot be used."""
    data, name = read_bytes(source)
    text = decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: empty input, there is no text to process")
    return text

"""Web and e-mail addresses in a text: where they are, and how two are compared.

Shared by the fidelity check (an address must come back exactly) and by
``translation/protection.py`` (an address never reaches the model).
"""

from __future__ import annotations

import re

# A bare domain: Latin labels under a Latin top-level domain, Cyrillic ones under a Cyrillic
# one ("Газета.Ru" is a newspaper's name, not an address).
_LATIN_TLD = (
    r"(?:ru|by|su|ua|kz|uz|kg|am|az|ge|md|tj|lt|lv|ee|pl|cz|fi|de|fr|it|es|uk|us|eu|cn|jp"
    r"|com|org|net|gov|edu|int|info|io|tv|fm|me|co|biz|pro|online|news)"
)
_CYRILLIC_TLD = r"(?:рф|рус|бел|укр|қаз|срб|мон)"
URL = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>\"«»“”]+"
    rf"|(?<![\w@.-])(?:(?:[a-z0-9-]+\.)+{_LATIN_TLD}|(?:[а-яё0-9-]+\.)+{_CYRILLIC_TLD})"
    r"(?![\w-])(?:/[^\s<>\"«»“”]*)?",
    re.IGNORECASE,
)
# Every address has a dot between a letter or digit and two letters, or a scheme: most
# sentences have neither, and are let go before the slower patterns run.
_LINK_HINT = re.compile(r"[^\W_]\.[^\W\d_]{2}|://")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TRAILING = ".,;:!?…»\"'”’"


def links(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The (start, stop) spans of URLs and of e-mail addresses, trailing punctuation left out
    (a closing bracket only where the address has no opening one)."""
    if "@" not in text and not _LINK_HINT.search(text):
        return [], []
    emails = [_trim(text, m.start(), m.end()) for m in EMAIL.finditer(text)]
    urls = []
    for match in URL.finditer(text):
        if any(a <= match.start() < b for a, b in emails):
            continue
        urls.append(_trim(text, match.start(), match.end()))
    return urls, emails


def _trim(text: str, start: int, stop: int) -> tuple[int, int]:
    while stop > start:
        last = text[stop - 1]
        if last in _TRAILING or (
            last == ")" and text.count("(", start, stop) < text.count(")", start, stop)
        ):
            stop -= 1
        else:
            break
    return start, stop


BARE_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")


def address_key(address: str) -> str:
    """An address as compared: the scheme and host are case-blind, the path is not."""
    scheme, sep, rest = address.rpartition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}"

"""Pages that hold no article, told apart from stories: a redirect by ``<meta http-equiv=
"refresh">`` (followed, as an HTTP redirect is), a redirect by script, a shell that shows its
text only with JavaScript, and a "page not found" served with status 200 (a soft 404).

Why: such a page's few words ("Если переадресация не произошла, нажмите здесь", "Включите
JavaScript", "Страница не найдена") would be digested as a story and reach the briefing. Each
is told by its markup and by how little text it holds, never by its words alone: an article
that mentions JavaScript or a 404 error is long enough to stay an article.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

# Fewer words than this, with a shell's or a script redirect's markup: no article in it.
SHELL_WORDS = 40
# Fewer words than this, with "not found" in its title or text: a soft 404.
NOT_FOUND_WORDS = 150

_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH = re.compile(rb"""http-equiv\s*=\s*["']?refresh""", re.IGNORECASE)
_CONTENT = re.compile(rb"""content\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_TARGET = re.compile(rb"""^\s*\d*(?:\.\d+)?\s*[;,]?\s*url\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SCRIPT_REDIRECT = re.compile(
    rb"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']|"""
    rb"""location\.(?:replace|assign)\(\s*["']([^"']+)["']""",
    re.IGNORECASE,
)
# What a shell or a redirecting page tells its reader in the few words it has.
_ENABLE_SCRIPT = re.compile(r"javascript|включите\s+js|enable\s+js", re.IGNORECASE)
_SENT_ON = re.compile(
    r"переадрес|перенаправ|redirect|нажмите\s+(?:здесь|сюда)|click\s+here", re.IGNORECASE
)
# What a "page not found" says of itself (not what a news headline may say: "нарушений не
# найдено" is news, "Страница не найдена" is not).
_NOT_FOUND = re.compile(
    r"^\s*(?:ошибка\s*|error\s*)?404\b|\b404\b.{0,30}(?:not\s+found|не\s+найден)|"
    r"страниц[аы]\s+(?:не\s+найден|не\s+существует|удален)|запрашиваем\w*\s+(?:страниц|"
    r"документ)\w*\s+не\s|нет\s+такой\s+страницы|page\s+not\s+found|^\s*not\s+found",
    re.IGNORECASE | re.MULTILINE,
)


def meta_refresh(content: bytes, base: str) -> str | None:
    """Where a page's ``<meta http-equiv="refresh" content="0; url=...">`` sends the reader
    (resolved against ``base``), if it has one in its first 64 KB."""
    for tag in _META.findall(content[:65536]):
        if not _REFRESH.search(tag):
            continue
        found = _CONTENT.search(tag)
        target = _TARGET.match(found.group(2)) if found else None
        if target:
            return urljoin(base, target.group(1).decode("ascii", "replace"))
    return None


def no_article(content: bytes, title: str | None, text: str) -> str | None:
    """Why a page read as ``title`` and ``text`` holds no article, or None where it may."""
    words = len(text.split())
    said = f"{title or ''}\n{text if words < SHELL_WORDS else ''}"
    if words < NOT_FOUND_WORDS and _NOT_FOUND.search(said):
        return "a 'page not found' served with status 200 (a soft 404): no article in it"
    if words < SHELL_WORDS:
        redirect = _SCRIPT_REDIRECT.search(content[:65536])
        if redirect and (_SENT_ON.search(f"{title or ''} {text}") or not words):
            target = (redirect.group(1) or redirect.group(2)).decode("ascii", "replace")
            return f"a page that sends the reader on by script (to {target}): no article in it"
        if _ENABLE_SCRIPT.search(text):
            return "a page that shows its text only with JavaScript (a shell): no article in it"
    return None

"""Announcements as they come: plain text, Markdown and web pages, read into one plain text.

Why one plain text: the splitter, the model and the fidelity check all work on sentences, and
none of them should ever see markup. So every input becomes a :class:`Document` whose ``text``
is what a reader sees (link text without its target, no emphasis marks, headings and list items
each a paragraph of their own, HTML entities decoded, soft hyphens and zero-width characters
gone, letter-spaced words joined), with the title, date and address kept beside it. The
offsets of a digest's sentences point into ``Document.text``.

HTML goes through trafilatura, which keeps the main text of a page and leaves out navigation,
comments and images; Markdown through markdown-it-py's CommonMark parser. Both are the
``ruen[html]`` extra.
"""

from __future__ import annotations

import functools
import html
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ruen.errors import InputError, MissingExtraError

FORMATS = ("auto", "text", "markdown", "html")
STDIN = "-"
# A page larger than this is refused rather than half-read: no announcement is this long,
# and parsing one would take minutes and gigabytes.
MAX_HTML_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """One announcement: its plain text, and what is known about it besides."""

    text: str
    """The plain text, paragraphs separated by blank lines."""
    title: str | None = None
    """Its title (a page's headline, an act's subject), translated apart from the text."""
    date: str | None = None
    """Its date, where it gives one (ISO 8601)."""
    url: str | None = None
    """Where it came from, where known."""
    format: str = "text"
    """How it was read: ``text``, ``markdown``, ``html``, ``jsonl``..."""
    encoding: str = "utf-8"
    """The encoding its bytes were decoded from."""
    name: str | None = None
    """Its id: the file's path, or the id given with it."""
    notes: tuple[str, ...] = ()
    """What a reader of the digest should know of how the text was got: bytes that were not text
    replaced, a page cut at its size limit. Carried into the digest's ``notes``.
    """

    @property
    def cyrillic_share(self) -> float:
        """The share of letters that are Cyrillic (title and text): near 0 for a page that
        is not in Russian."""
        letters = [c for c in f"{self.title or ''} {self.text}" if c.isalpha()]
        if not letters:
            return 0.0
        return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)


# --- bytes to text ---------------------------------------------------------------------------

_RUSSIAN_ENCODINGS = ("windows-1251", "koi8-r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def decode(data: bytes, name: str, *, declared: str | None = None) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in: the one the page declares, else
    UTF-8, else windows-1251 or KOI8-R where one of them reads as Russian; anything else is
    refused in one line that names the first byte that is not UTF-8."""
    text, encoding, _ = decode_page(data, name, declared=declared, tolerant=False)
    return text, encoding


# A UTF-8 text with a few bytes that are not UTF-8 (at most this share of its other
# non-ASCII characters) is UTF-8 with stray bytes, which are replaced and counted; more, and
# it is some other encoding.
STRAY_SHARE = 0.01
_UNICODE_ENCODINGS = ("utf-8", "utf8", "utf-8-sig", "utf-16", "utf-16le", "utf-16be")


def decode_page(
    data: bytes,
    name: str,
    *,
    transport: str | None = None,
    declared: str | None = None,
    tolerant: bool = True,
) -> tuple[str, str, int]:
    """(text, encoding, bytes replaced) of a page or file, the encoding chosen in the HTML
    standard's order: a byte order mark, then the HTTP header's charset (``transport``), then
    the page's own ``<meta>`` (``declared``), then UTF-8, then windows-1251 or KOI8-R where
    one of them reads as Russian.

    Two departures, each for a fault real sites have: a single-byte charset declared for
    bytes that are valid UTF-8 is not believed (the bytes are UTF-8: read as windows-1251 they
    would be mojibake); and with ``tolerant``, UTF-8 with a few stray bytes that are not
    UTF-8 is read with each replaced by U+FFFD and counted, not refused."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: a binary file, not text")
    bom = _bom(data)
    if bom:
        return data.decode(bom, "replace"), _canonical(bom), 0
    valid_utf8 = _is_utf8(data)
    for encoding in (transport, declared, "utf-8"):
        if not encoding:
            continue
        if valid_utf8 and not data.isascii() and not _is_unicode(encoding):
            return data.decode("utf-8"), "utf-8", 0  # declared single-byte, bytes are UTF-8
        try:
            return data.decode(encoding), _canonical(encoding), 0
        except (UnicodeDecodeError, LookupError):
            continue
    if tolerant:
        text = data.decode("utf-8", "replace")
        replaced = text.count("\ufffd") - data.count("\ufffd".encode())
        others = sum(1 for c in text if ord(c) > 127) - replaced
        if 0 < replaced <= max(1, STRAY_SHARE * others):
            return text, "utf-8", replaced
    readings = []
    for encoding in _RUSSIAN_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            readings.append((_russian_score(text), encoding, text))
    best = max(readings, default=None)
    if best is not None and best[0] >= 0.6:
        return best[2], best[1], 0
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"{name}: not valid UTF-8 (byte 0x{bad} at offset {exc.start}), nor Russian in "
            "windows-1251 or KOI8-R; convert it first, e.g. iconv -f cp866 -t utf-8"
        ) from None
    raise AssertionError("unreachable: UTF-8 was tried first")


def _bom(data: bytes) -> str | None:
    for mark, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(mark):
            return encoding
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_unicode(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in _UNICODE_ENCODINGS


def _canonical(encoding: str) -> str:
    lower = encoding.lower().replace("_", "-")
    if lower in ("utf-8", "utf8", "utf-8-sig"):
        return "utf-8"
    return "utf-16" if lower.startswith("utf-16") else lower


def _russian_score(text: str) -> float:
    """How cleanly ``text`` reads as Russian: the share of its non-ASCII characters that are
    lower-case Cyrillic letters. Russian in the wrong one of the two encodings comes out in
    capitals; UTF-8 read as either comes out half in box-drawing signs."""
    foreign = [c for c in text if ord(c) > 127]
    if not foreign:
        return 0.0
    return sum("а" <= c <= "я" or c == "ё" for c in foreign) / len(foreign)


# --- normalising -------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_INVISIBLE = str.maketrans(
    {
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
    }
)
# "п о с т а н о в л я ю", "У К А З": letters of one case, a space apart; five or more in
# lower case, where four single-letter words could follow each other ("а и в к").
_LETTER_SPACED = re.compile(r"(?<![\w])(?:(?:[а-яё] ){4,}[а-яё]|(?:[А-ЯЁ] ){3,}[А-ЯЁ])(?![\w])")


# A hyphen at a line's end inside a word ("Минис-\nтерство", as hard-wrapped acts and scans
# have it): the word is joined, unless the part before is a prefix that keeps its hyphen
# ("северо-", "юго-", "кое-", "экс-", "вице-") or the part after is a particle ("-то",
# "-либо", "-нибудь") or begins in capitals. The glossary reads words whole the same way.
LINE_END_HYPHEN = re.compile(
    r"(?<=[а-яёА-ЯЁ])(?<!\b[Сс]еверо)(?<!\b[Юю]го)(?<!\b[Кк]ое)(?<!\b[Ээ]кс)(?<!\b[Вв]ице)"
    r"-[^\S\n]*\n\s*(?=[а-яё])(?!(?:то|либо|нибудь|ка|таки)\b)"
)


def normalise(text: str) -> str:
    """HTML entities decoded (``&#34;``), soft hyphens and zero-width characters dropped,
    no-break spaces made spaces, letter-spaced words joined (``п о с т а н о в л я ю``),
    words hyphenated at a line's end joined (``Минис-\nтерство``)."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    text = text.translate(_INVISIBLE)
    if "-\n" in text or "- \n" in text:
        text = LINE_END_HYPHEN.sub("", text)
    return _LETTER_SPACED.sub(lambda m: m.group().replace(" ", ""), text)


# --- metadata lines ------------------------------------------------------------------------------

_SOURCE_LINE = re.compile(
    r"^\s*(?:Source URL|Source|URL|Источник|Ссылка)\s*:\s*<?(https?://\S+?)>?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_LONE_URL_LINE = re.compile(r"^\s*<(https?://[^\s>]+)>\s*$", re.MULTILINE)
_DATE_LINE = re.compile(
    r"^\s*(?:Date|Published|Дата|Опубликовано)\s*:\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE
)


def _metadata(text: str) -> tuple[str, str | None, str | None]:
    """The text without its ``Source URL:``, lone ``<url>`` and ``Date:`` lines, and what
    they said."""
    url = date = None
    for pattern in (_SOURCE_LINE, _LONE_URL_LINE):
        match = pattern.search(text)
        if match:
            url = url or match.group(1)
            text = pattern.sub("", text)
    match = _DATE_LINE.search(text)
    if match:
        date = match.group(1)
        text = _DATE_LINE.sub("", text, count=1)
    return text, url, date


_FINAL_PUNCTUATION = re.compile(r"[.!?…:;,]$")


def _plain_title(text: str) -> tuple[str | None, str]:
    """A first line with no final punctuation, followed by a blank line, is the title."""
    stripped = text.lstrip()
    first, sep, rest = stripped.partition("\n")
    if not sep or not first.strip() or len(first) > 300 or _FINAL_PUNCTUATION.search(first.strip()):
        return None, text
    if not re.match(r"[^\S\n]*\n", rest):
        return None, text
    return " ".join(first.split()), rest.lstrip("\n")


# --- the formats -------------------------------------------------------------------------------


def parse_text(text: str) -> tuple[str, str | None, str | None, str | None]:
    text, url, date = _metadata(normalise(text))
    title, body = _plain_title(text)
    title, body, signed = _act(title, body)
    return body, title, date or signed, url


# An official act as kremlin.ru and pravo.gov.ru publish it opens with its kind in capitals
# (УКАЗ), its issuer (ПРЕЗИДЕНТА РОССИЙСКОЙ ФЕДЕРАЦИИ) and its subject (О ..., Об ...), and
# closes with the place, the date and the number it was signed under.
ACT_KINDS = {
    "УКАЗ": "Указ",
    "РАСПОРЯЖЕНИЕ": "Распоряжение",
    "ПОСТАНОВЛЕНИЕ": "Постановление",
    "ПРИКАЗ": "Приказ",
    "ФЕДЕРАЛЬНЫЙ ЗАКОН": "Федеральный закон",
    "ФЕДЕРАЛЬНЫЙ КОНСТИТУЦИОННЫЙ ЗАКОН": "Федеральный конституционный закон",
    "ЗАКОН": "Закон",
}
_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря")  # fmt: skip
_SIGNED = re.compile(rf"^\s*(\d{{1,2}}) ({'|'.join(_MONTHS)}) (\d{{4}}) (?:года|г\.)\s*$", re.M)
_NUMBER_LINE = re.compile(r"^\s*N\s*([\w/-]+)\s*$", re.M)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def _act(title: str | None, body: str) -> tuple[str | None, str, str | None]:
    """An act's title as a reader cites it ("Указ Президента Российской Федерации от 25 июля
    2002 г. N 780 «О внесении изменений ...»", not "УКАЗ"), the text without the heading
    lines the title now holds, and the date it was signed (ISO), where the text is an act."""
    kind = ACT_KINDS.get(" ".join((title or "").split()))
    if kind is None:
        return title, body, None
    blocks = _PARAGRAPH_BREAK.split(body.strip("\n"))
    issuer = ""
    if blocks and blocks[0].strip().isupper():  # ПРЕЗИДЕНТА РОССИЙСКОЙ ФЕДЕРАЦИИ
        issuer = " ".join(w.capitalize() if w.lower() not in _LOWER else w.lower()
                          for w in blocks.pop(0).split())  # fmt: skip
    subject = None
    for n, block in enumerate(blocks[:3]):
        if re.match(r"\s*(?:О|Об|Обо)\s", block):
            subject = " ".join(block.split())
            del blocks[n]
            break
    signed = number = None
    tail = body[-400:]
    if dates := _SIGNED.findall(tail):
        day, month, year = dates[-1]
        signed = f"{year}-{_MONTHS.index(month) + 1:02d}-{int(day):02d}"
    if numbers := _NUMBER_LINE.findall(tail):
        number = numbers[-1]
    cited = " ".join(part for part in (kind, issuer) if part)
    if signed:
        day, month, year = dates[-1]
        cited += f" от {int(day)} {month} {year} г."
    if number:
        cited += f" N {number}"
    if subject:
        quoted = subject[:1] in '«"' and subject[-1:] in '»"'
        cited += " «" + (subject[1:-1] if quoted else subject) + "»"
    return cited, "\n\n".join(blocks), signed


_LOWER = frozenset({"и", "по", "при", "в", "на", "о", "об", "для"})


def parse_markdown(text: str) -> tuple[str, str | None, str | None, str | None]:
    """Markdown as a reader sees it: link text without targets, no emphasis marks, each
    heading, paragraph and list item a paragraph of its own; the first top-level heading is
    the title."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise MissingExtraError("reading Markdown", "html", "markdown-it-py") from None
    text, url, date = _metadata(normalise(text))
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[str] = []
    title = None
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        words = _inline_text(token.children or [])
        if not words.strip():
            continue
        opener = tokens[i - 1] if i else None
        if title is None and not blocks and opener is not None and opener.tag == "h1":
            title = " ".join(words.split())
            continue
        blocks.append(words.strip())
    if title is None and blocks and tokens and tokens[0].type == "heading_open":
        title = " ".join(blocks.pop(0).split())
    body = "\n\n".join(blocks)
    if title is None:  # no heading: a first line like a plain text's title
        title, body = _plain_title(body)
    return body, title, date, url


def _inline_text(children: list) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        # link_open/close, strong, em, images and inline HTML add nothing a reader reads
    return "".join(out)


def parse_html(data: bytes | str, name: str) -> tuple[str, str | None, str | None, str | None]:
    """The main text of a page (trafilatura), its title, date and canonical address."""
    try:
        import trafilatura
    except ImportError:
        raise MissingExtraError("reading HTML", "html", "trafilatura") from None
    _narrow_fallbacks()
    try:
        found = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_tables=True,
        )
    except Exception as exc:  # lxml gives up on some broken markup
        raise InputError(f"{name}: cannot be read as HTML ({exc})") from None
    body = normalise(getattr(found, "text", None) or "") if found is not None else ""
    if not body.strip() or not _has_main_text(data):
        raise InputError(f"{name}: no main text found in the page")
    title = getattr(found, "title", None)
    title = " ".join(normalise(title).split()) if title else None
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if title and lines and " ".join(lines[0].split()) == title:
        lines = lines[1:]  # the page's h1 repeats its title
    body, url, date = _metadata("\n\n".join(lines))
    found_date = _not_a_bare_year(data, getattr(found, "date", None))
    return body, title, found_date or date, getattr(found, "url", None) or url


def _not_a_bare_year(data: bytes | str, date: str | None) -> str | None:
    """The page's date, unless it is htmldate's last guess: a year seen anywhere on the page
    ("в 2022 году" in the text), given as that year's 1 January.

    Why: such a date is a fact about the story's subject, not its publication, and a wrong
    date is worse than none: ``ruen follow`` dates an item by it where its feed gives none, so
    the briefing of the day left the story out and the window for reprints missed it. On the
    pages of benchmarks/follow.py, which carry no date, 159 of 1,000 had one. A 1 January the
    page gives is kept: in its markup (a ``<time>``, a meta tag: htmldate finds it again
    without searching the text) or written out with its day ("01.01.2021", "1 января 2021")."""
    if not date or not date.endswith("-01-01"):
        return date
    from htmldate import find_date

    if find_date(data, extensive_search=False, original_date=True) == date:
        return date
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    year = re.escape(date[:4])
    return date if re.search(_FIRST_OF_JANUARY.format(year=year), text, re.I) else None


# 1 January of a year, written with its day: 01.01.2021, 1/1/2021, 2021-01-01, 1 января 2021,
# 1 January 2021, January 1, 2021.
_FIRST_OF_JANUARY = (
    r"(?<!\d)0?1[./]0?1[./]{year}(?!\d)|{year}-01-01|(?<!\d)0?1(?:-?го)?\s+января\s+{year}"
    r"|(?<!\d)0?1(?:st)?\s+jan(?:uary)?\.?\s+{year}|jan(?:uary)?\.?\s+0?1(?:st)?,?\s+{year}"
)


# The languages htmldate's date parser is given: Russian pages, English dates on bilingual ones.
DATE_LANGUAGES = ("ru", "en")


@functools.cache
def _narrow_fallbacks() -> None:
    """Give two of trafilatura's fallbacks the languages of ruen's pages, not every language.

    Why: told no language, trafilatura's jusText fallback (for short pages) uses the stoplists
    of all of jusText's languages, 154,000 words held for the life of the process and made into
    a new set on every call; and htmldate's parser of dates in words ("23 октября 2020") lets
    dateparser try every locale it has. Reading 1,000 news pages in one process, the two held
    70 MB (217 against 147 MB peak, the pages of benchmarks/follow.py without a model), which
    put ``ruen follow`` over its memory target; narrowed, they hold about 6 MB, the text
    extracted is the same (1,000 pages of 1,000) and reading is twice as fast. trafilatura's
    own ``target_language`` would narrow the stoplist too, but it also drops every page whose
    meta tags name another language, and ruen tells a Russian page by its text.
    Both settings are process-wide: other callers of trafilatura in the process get them."""
    import htmldate.extractors
    import trafilatura.external
    from justext import get_stoplist

    if hasattr(trafilatura.external, "JT_STOPLIST"):
        trafilatura.external.JT_STOPLIST = tuple(get_stoplist("Russian"))
    if hasattr(htmldate.extractors, "get_external_parser"):
        htmldate.extractors.get_external_parser = _date_parser


@functools.cache
def _date_parser() -> object:
    """htmldate's own dateparser settings (htmldate 1.11), in :data:`DATE_LANGUAGES` only."""
    from dateparser import DateDataParser

    return DateDataParser(
        languages=list(DATE_LANGUAGES),
        settings={
            "NORMALIZE": True,
            "PARSERS": ["custom-formats", "absolute-time"],
            "PREFER_DATES_FROM": "past",
            "PREFER_LOCALE_DATE_ORDER": True,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": True,
        },
    )


def _has_main_text(data: bytes | str) -> bool:
    """Whether the page has any text outside its navigation, header, footer and asides:
    trafilatura falls back to those where a page has nothing else."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(data)
    except Exception:  # an empty or unparseable document has no main text either
        return False
    for element in tree.xpath("//nav|//header|//footer|//aside|//menu|//script|//style"):
        element.drop_tree()
    return any(char.isalpha() for char in tree.text_content())


# --- reading -------------------------------------------------------------------------------------

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body)\b",
    re.I | re.S,
)
# What only Markdown writes: a link or an image, a "#" heading, strong emphasis.
_MARKDOWN_SIGNS = re.compile(
    r"!?\[[^\]\n]+\]\([^)\s]*\)|^#{1,6}[^\S\n]+\S|(?<![*\w])\*\*[^\s*][^*\n]*\*\*"
    r"|(?<![_\w])__[^\s_][^_\n]*__(?!\w)",
    re.MULTILINE,
)
_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
}


# Media types, as a server sends them, and the format ruen reads each as.
MEDIA_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}


def detect_format(data: bytes, name: str, content_type: str | None = None) -> str:
    """html, markdown or text: by the server's media type where it names one of them, else
    by the file's extension, else by what the content looks like (a byte order mark or an
    ``<?xml ?>`` prologue before the markup included)."""
    by_type = MEDIA_TYPES.get((content_type or "").split(";")[0].strip().lower())
    if by_type:
        return by_type
    by_extension = _EXTENSIONS.get(Path(name.split("?", 1)[0]).suffix.lower())
    if by_extension:
        return by_extension
    if _HTML_START.match(data[:4096]):
        return "html"
    head = data[:65536].decode("utf-8", "ignore")
    return "markdown" if _MARKDOWN_SIGNS.search(head) else "text"


_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")


def parse_document(
    data: bytes | str,
    *,
    format: str = "auto",
    name: str = "<text>",
    content_type: str | None = None,
    charset: str | None = None,
) -> Document:
    """A :class:`Document` from a page's or a file's content (bytes, or text already decoded).

    ``content_type`` and ``charset`` are what a server said of the bytes (its Content-Type
    header): the media type decides the format before any sniffing, and the charset comes
    before the page's own ``<meta>`` (the HTML standard's order)."""
    if format not in FORMATS:
        raise ValueError(f"unknown input format {format!r}: choose one of {', '.join(FORMATS)}")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if format == "auto":
        format = detect_format(raw, name, content_type)
    if format == "html" and len(raw) > MAX_HTML_BYTES:
        raise InputError(
            f"{name}: a page of {len(raw) / 2**20:.1f} MB, more than the "
            f"{MAX_HTML_BYTES // 2**20} MB ruen reads as HTML; save the article's text instead"
        )
    declared = None
    if format == "html":
        match = _DECLARED.search(raw[:4096])
        declared = match.group(1).decode("ascii", "ignore") if match else None
    notes: tuple[str, ...] = ()
    if isinstance(data, str):
        text, encoding = data, "utf-8"
    else:
        text, encoding, replaced = decode_page(raw, name, transport=charset, declared=declared)
        if replaced:
            plural = replaced != 1
            notes = (
                f"{replaced} byte{'s' if plural else ''} that {'are' if plural else 'is'} not "
                "UTF-8 replaced by \ufffd",
            )
    if format == "html":
        body, title, date, url = parse_html(_XML_DECLARATION.sub("", text, count=1), name)
    elif format == "markdown":
        body, title, date, url = parse_markdown(text)
    else:
        body, title, date, url = parse_text(text)
    if not body.strip():
        raise InputError(f"{name}: empty input, there is no text to process")
    return Document(body, title, date, url, format, encoding, name, notes)


def read_document(source: str | os.PathLike[str], *, format: str = "auto") -> Document:
    """Read a file (or standard input for ``"-"``) as a :class:`Document`."""
    data, name = read_bytes(source)
    if not data.strip():
        raise InputError(f"{name}: empty input, there is no text to process")
    return parse_document(data, format=format, name=name)


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


def read_decoded(source: str | os.PathLike[str]) -> tuple[str, str, str]:
    """(text, encoding, name) of a file or of standard input, decoded as every input is
    (:func:`decode`: UTF-8, else Russian in windows-1251 or KOI8-R), with no markup parsing:
    for line-based inputs such as ``ruen check``'s pairs. Empty input is refused."""
    data, name = read_bytes(source)
    text, encoding = decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: empty input, there is no text to process")
    return text, encoding, name


def read_text(source: str | os.PathLike[str]) -> str:
    """The text of a file, or of standard input for ``"-"``, decoded as :func:`read_decoded`
    does; refuses what cannot be used."""
    return read_decoded(source)[0]

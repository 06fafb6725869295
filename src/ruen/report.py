"""A digest as a page people read: Russian beside English, the key sentences marked, the
warnings beside the sentence they concern.

Why a page of its own: an analyst reads a digest in a browser or pastes it into notes, not in a
terminal. The HTML is one self-contained file (inline CSS, no script, nothing fetched; a
Content-Security-Policy forbids anything else), readable at phone width, where the two columns
stack. Every text is escaped: a ``<script>`` in an announcement shows as text. Both renderers
take the digests as :meth:`ruen.Digest.to_dict` gives them, so a saved JSON digest renders the
same.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from itertools import groupby
from typing import Any

STYLE = """
:root { color-scheme: light; --key: #fff4c2; --key-edge: #e0b000; --flag: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d1d1f; background: #fafafa; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
article { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem;
          margin: 0 0 1.5rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.ru-title { color: #555; margin: 0 0 .5rem; }
.meta { color: #666; font-size: .875rem; margin: 0; overflow-wrap: anywhere; }
.summary > ol > li { margin: 0 0 .5rem; }
table.bilingual { width: 100%; border-collapse: collapse; table-layout: fixed; }
.bilingual th { text-align: left; font-size: .875rem; color: #666; padding: .25rem .5rem; }
.bilingual td { vertical-align: top; padding: .5rem; border-top: 1px solid #eee;
                overflow-wrap: anywhere; }
.bilingual td[lang="ru"] { color: #333; }
.s.key { background: var(--key); box-shadow: inset 3px 0 0 var(--key-edge); padding: 0 .15rem; }
.flags { list-style: none; margin: .25rem 0 .5rem; padding: 0 0 0 .75rem;
         border-left: 2px solid var(--flag); }
.flags li { color: var(--flag); font-size: .85rem; }
.repaired { color: #1f6f43; font-size: .85rem; }
u.term { text-decoration: underline dotted #1f6f43; text-underline-offset: 2px; }
footer { color: #666; font-size: .8rem; margin-top: 1rem; overflow-wrap: anywhere; }
footer code { font-size: .75rem; }
nav ol { padding-left: 1.25rem; }
@media (max-width: 640px) {
  main { padding: .5rem; }
  article { padding: .75rem; }
  .bilingual thead { display: none; }
  .bilingual tr, .bilingual td { display: block; width: 100%; }
  .bilingual td[lang="ru"] { border-top: 2px solid #ddd; }
  .bilingual td[lang="en"] { border-top: 0; padding-top: 0; }
}
"""
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"https?://", url) else None


def to_html(results: Sequence[dict[str, Any]]) -> str:
    """One self-contained HTML page for one digest or a whole run."""
    articles = [_article(n, result) for n, result in enumerate(results)]
    nav = _nav(results)
    head_title = _title_en(results[0]) if len(results) == 1 else f"ruen: {len(results)} documents"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(head_title)}</title><style>{STYLE}</style></head>\n"
        f"<body><main>{nav}{''.join(articles)}</main></body></html>\n"
    )


SCOPE = ".ruen-report"


def scoped_style(scope: str = SCOPE) -> str:
    """:data:`STYLE` with every rule confined to ``scope``, for a page that is not ruen's
    own (a notebook): the page's and the notebook's own styles stay as they were."""

    def scoped(found: re.Match[str]) -> str:
        selectors = found.group(1).strip()
        if selectors.startswith("@"):
            return found.group(0)
        parts = [part.strip() for part in selectors.split(",")]
        parts = [scope if part in (":root", "body") else f"{scope} {part}" for part in parts]
        return "\n" + ", ".join(parts) + " {"

    return re.sub(r"([^{}]+)\{", scoped, STYLE)


def to_html_fragment(results: Sequence[dict[str, Any]]) -> str:
    """The digests' articles (and a table of contents for several) with the scoped CSS: what
    a notebook shows for a :class:`~ruen.Digest`, or for :func:`show`."""
    articles = "".join(_article(n, result) for n, result in enumerate(results))
    nav = _nav(results)
    return (
        f'<div class="ruen-report"><style>{scoped_style()}</style>'
        f"<main>{nav}{articles}</main></div>"
    )


class Shown:
    """Digests displayed as one page in a notebook (see :func:`show`)."""

    def __init__(self, results: list[dict[str, Any]]) -> None:
        self.results = results

    def _repr_html_(self) -> str:
        return to_html_fragment(self.results)

    def _repr_markdown_(self) -> str:
        return to_markdown(self.results)

    def __repr__(self) -> str:
        return f"<ruen report of {len(self.results)} digests>"


def show(digests: Any) -> Shown:
    """Several digests (``list(ruen.digest_many(...))``, errors included) as one page with a
    table of contents, for a notebook cell; a document that failed shows its error."""
    results = []
    for item in digests:
        data = item.to_dict() if hasattr(item, "to_dict") else dict(item)
        if "sentences" not in data:  # a DocumentError
            data = {"id": data.get("id"), "title": None, "sentences": [], "settings": {},
                    "error": data.get("error")}  # fmt: skip
        results.append(data)
    return Shown(results)


def _nav(results: Sequence[dict[str, Any]]) -> str:
    if len(results) < 2:
        return ""
    titles = [_title_en(result) for result in results]
    items = "".join(f'<li><a href="#d{n}">{_e(t)}</a></li>' for n, t in enumerate(titles))
    return f"<nav><h2>{len(results)} documents</h2><ol>{items}</ol></nav>"


def _title_en(result: dict[str, Any]) -> str:
    title = result.get("title") or {}
    return title.get("en") or title.get("ru") or result.get("id") or "Digest"


def _article(n: int, result: dict[str, Any]) -> str:
    title = result.get("title")
    header = f"<h1>{_e(_title_en(result))}</h1>"
    if title:
        header += f'<p class="ru-title" lang="ru">{_e(title["ru"])}</p>'
        header += _flag_list(title)
    about = [_e(result["date"])] if result.get("date") else []
    url = _safe_url(result.get("url"))
    if url:
        about.append(f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>')
    elif result.get("url"):
        about.append(_e(result["url"]))
    if result.get("id"):
        about.append(_e(result["id"]))
    if about:
        header += f'<p class="meta">{" · ".join(about)}</p>'
    if result.get("notes"):
        header += "".join(f'<p class="meta note">Note: {_e(note)}</p>' for note in result["notes"])
    if result.get("error"):  # a document that could not be digested
        error = f'<ul class="flags"><li class="flag">{_e(result["error"])}</li></ul>'
        return f'<article id="d{n}"><header>{header}</header>{error}</article>'
    records = result["sentences"]
    key = "".join(
        f"<li>{_terms_marked(r['en'] or '', r.get('terms') or (), 'en')}{_flag_list(r)}</li>"
        for r in records
        if r["selected"]
    )
    rows = []
    for _, paragraph in groupby(records, key=lambda r: r.get("paragraph", 0)):
        paragraph = list(paragraph)
        ru = " ".join(_sentence(n, r, "ru") for r in paragraph)
        en = " ".join(_sentence(n, r, "en") + _flag_list(r) for r in paragraph)
        rows.append(f'<tr><td lang="ru">{ru}</td><td lang="en">{en}</td></tr>')
    settings = result.get("settings", {})
    signature = " ".join(
        f"<code>{_e(value)}</code>"
        for value in (settings.get("translation"), settings.get("summarizer"))
        if value
    )
    footer = (
        f"<footer>Made by ruen: {signature}; mode {_e(settings.get('mode'))}, "
        f"k {_e(result.get('k'))}, repair {'on' if settings.get('repair') else 'off'}.</footer>"
    )
    return (
        f'<article id="d{n}"><header>{header}</header>'
        f'<section class="summary"><h2>Key sentences</h2><ol>{key}</ol></section>'
        '<section class="text"><h2>Full text</h2><table class="bilingual">'
        '<thead><tr><th lang="ru">Русский</th><th>English</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>{footer}</article>"
    )


def _sentence(n: int, record: dict[str, Any], lang: str) -> str:
    text = record[lang] if record[lang] is not None else "—"
    classes = "s key" if record["selected"] else "s"
    body = _terms_marked(text, record.get("terms") or (), lang)
    return f'<span class="{classes}" id="d{n}-{lang}-{record["index"]}">{body}</span>'


def _terms_marked(text: str, terms: Sequence[dict[str, Any]], lang: str) -> str:
    """``text`` escaped, each glossary term applied in it underlined: the Russian form, and
    its target in the English (a term the English lacks is a flag instead)."""
    applied = [t for t in terms if t["how"] != "missing"]
    needles = {(t["source"] if lang == "ru" else t["target"]): t for t in applied}
    if not needles:
        return _e(text)
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)),
                         re.IGNORECASE if lang == "en" else 0)  # fmt: skip
    out, last = [], 0
    for found in pattern.finditer(text):
        term = next(t for n, t in needles.items() if n.lower() == found.group().lower())
        about = f"glossary: {term['source']} → {term['target']} ({term['how']})"
        out += [_e(text[last : found.start()]), f'<u class="term" title="{_e(about)}">',
                _e(found.group()), "</u>"]  # fmt: skip
        last = found.end()
    return "".join(out) + _e(text[last:])


def _flag_list(record: dict[str, Any]) -> str:
    items = [f'<li class="flag {_e(f["kind"])}">{_e(f["message"])}</li>' for f in record["flags"]]
    if record.get("repaired"):
        items.insert(0, '<li class="repaired">repaired: a better hypothesis of the model</li>')
    return f'<ul class="flags">{"".join(items)}</ul>' if items else ""


# --- Markdown ------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _m(text: Any) -> str:
    """Text that renders as itself in Markdown, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def to_markdown(results: Sequence[dict[str, Any]]) -> str:
    """The digests as Markdown, for pasting into notes."""
    out = []
    for result in results:
        title = result.get("title")
        out.append(f"# {_m(_title_en(result))}\n")
        about = [_m(title["ru"])] if title else []
        about += [_m(item) for item in (result.get("date"), result.get("url")) if item]
        if about:
            out.append(" · ".join(about) + "\n")
        out += [f"> Note: {_m(note)}\n" for note in result.get("notes", ())]
        if title and title["flags"]:
            out += [f"> ⚠ {_m(flag['message'])}" for flag in title["flags"]] + [""]
        out.append("## Key sentences\n")
        for record in result["sentences"]:
            if record["selected"]:
                out.append(f"- {_m(record['en'])}")
                out += [f"  - ⚠ {_m(flag['message'])}" for flag in record["flags"]]
        out.append("\n## Full text\n\n| Русский | English |\n|---|---|")
        records = result["sentences"]
        for _, paragraph in groupby(records, key=lambda r: r.get("paragraph", 0)):
            paragraph = list(paragraph)
            ru = " ".join(_bold(_m(r["ru"]), r["selected"]) for r in paragraph)
            en = " ".join(
                _bold(_m(r["en"] if r["en"] is not None else "—"), r["selected"])
                + "".join(f" ⚠ {_m(flag['message'])}" for flag in r["flags"])
                for r in paragraph
            )
            out.append(f"| {ru} | {en} |")
        settings = result.get("settings", {})
        out.append(f"\n`{settings.get('translation', '')}` `{settings.get('summarizer', '')}`\n")
    return "\n".join(out) + "\n"


def _bold(text: str, on: bool) -> str:
    return f"**{text}**" if on and text else text

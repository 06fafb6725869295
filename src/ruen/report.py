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
import itertools
import re
from collections.abc import Iterable, Sequence
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
.ru-title { color: #555; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.meta { color: #666; font-size: .875rem; margin: 0; overflow-wrap: anywhere; }
.summary > ol > li { margin: 0 0 .5rem; overflow-wrap: anywhere; }
table.bilingual { width: 100%; border-collapse: collapse; table-layout: fixed; }
.bilingual th { text-align: left; font-size: .875rem; color: #666; padding: .25rem .5rem; }
.bilingual td { vertical-align: top; padding: .5rem; border-top: 1px solid #eee;
                overflow-wrap: anywhere; }
/* A notebook's own table style (JupyterLab right-aligns every cell and stripes rows) must not
   reach the report's: these rules are more specific than JupyterLab's. */
table.bilingual th, table.bilingual td { text-align: left; }
table.bilingual tbody tr { background: transparent; }
.bilingual td[lang="ru"] { color: #333; }
.s.key { background: var(--key); box-shadow: inset 3px 0 0 var(--key-edge); padding: 0 .15rem; }
.flags { list-style: none; margin: .25rem 0 .5rem; padding: 0 0 0 .75rem;
         border-left: 2px solid var(--flag); }
.flags li { color: var(--flag); font-size: .85rem; }
.flags li.repaired, .repaired { color: #1f6f43; font-size: .85rem; }
u.term { text-decoration: underline dotted #1f6f43; text-underline-offset: 2px; }
footer { color: #666; font-size: .8rem; margin-top: 1rem; overflow-wrap: anywhere; }
.notice { font-size: .875rem; color: #444; margin: .25rem 0 0; }
.legend { font-size: .8rem; color: #555; margin: .25rem 0 0; padding: 0; list-style: none; }
.legend li { display: inline; margin-right: .75rem; }
.legend .flag-sample { color: var(--flag); }
.summary a.to-text { font-size: .8rem; margin-left: .35rem; text-decoration: none; }
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
/* Printed (or saved as PDF): the page's margins and background dropped, a sentence never split
   across pages (each one box that does not break) while a paragraph's row may break between
   sentences (a row kept whole left pages 40 % blank), a headline never left at a page's foot,
   the key sentences' highlight printed (browsers drop backgrounds unless told), and nothing
   that forces a page. */
@media print {
  @page { margin: 15mm; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  article { border: 0; padding: 0; margin: 0 0 1rem; }
  .bilingual td .s { display: inline-block; }
  .summary li { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, thead { break-after: avoid; page-break-after: avoid; }
  .s.key { -webkit-print-color-adjust: exact; print-color-adjust: exact;
           box-shadow: inset 3px 0 0 var(--key-edge); font-weight: 600; }
  a.to-text { display: none; }
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


def to_html(results: Sequence[dict[str, Any]], *, generated: str | None = None) -> str:
    """One self-contained HTML page for one digest or a whole run."""
    head_title = (
        _title_en(results[0]) if len(results) == 1 else f"ruen: {len(results)} announcements"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(head_title)}</title><style>{STYLE}</style></head>\n"
        f"<body><main>{_body(results, 'd', generated)}</main></body></html>\n"
    )


def _body(results: Sequence[dict[str, Any]], prefix: str, generated: str | None) -> str:
    """What a page and a notebook cell show: the heading of several digests (or none), the
    notice, the legend, the articles, and their settings once where all share them."""
    shared = _settings_footer(results)
    articles = "".join(
        _article(n, result, prefix, footer=not shared) for n, result in enumerate(results)
    )
    return f"{_page_header(results, prefix, generated)}{articles}{shared}"


def _page_header(results: Sequence[dict[str, Any]], prefix: str, generated: str | None) -> str:
    """What a reader forwarded the page must know: that it is a machine translation, made
    when, by which ruen and which model; and what the marks mean."""
    from datetime import date

    models = [r["model"] for r in results if r.get("model")]
    made = generated or date.today().isoformat()
    heading = ""
    if len(results) > 1:
        titles = "".join(
            f'<li><a href="#{prefix}{n}">{_e(_title_en(r))}</a></li>' for n, r in enumerate(results)
        )
        heading = (
            f"<h1>Digests of {len(results)} announcements</h1><nav><h2>Contents</h2>"
            f"<ol>{titles}</ol></nav>"
        )
    notice = f'<p class="notice">{_e(machine_translation_notice(models, made))}</p>'
    legend = (
        '<ul class="legend"><li><span class="s key">highlighted</span>: a key sentence</li>'
        '<li><u class="term">underlined</u>: a glossary name</li>'
        '<li class="flag-sample">red, under a sentence: a flag, something the English changed '
        "or lost</li>"
        '<li class="repaired">green: repaired, a better hypothesis of the model taken</li></ul>'
    )
    return f'<header class="page">{heading}{notice}{legend}</header>'


def machine_translation_notice(models: Iterable[str], made: str) -> str:
    """The one line that goes wherever translated text leaves ruen (the report, the Markdown
    and text digests, every form of the briefing, the served page and what it copies): a
    reader forwarded the English alone must still learn that a machine wrote it, with what,
    and when, and what to check before quoting it."""
    import ruen

    # A model given as a folder is named by the folder, not by where it lies on one machine.
    names = sorted({_model_name(str(model)) for model in models if model})
    by = f" with {', '.join(names)}" if names else ""
    return (
        f"Machine translation by ruen {ruen.__version__}{by}, made {made}: check figures, "
        "names and dates against the Russian before you quote them."
    )


def _model_name(model: str) -> str:
    if model.count("/") > 1 or model[:1] in "./~":  # a folder, not a hub id
        return model.rstrip("/").rsplit("/", 1)[-1]
    return model


def _settings_footer(results: Sequence[dict[str, Any]]) -> str:
    """The settings that made the digests, once where every digest shares them (each
    article carries its own where they differ)."""
    done = [r for r in results if r.get("settings")]
    if not done or len({_settings_line(r) for r in done}) != 1:
        return ""
    return f"<footer>Made by ruen: {_settings_line(done[0])}</footer>"


def _settings_line(result: dict[str, Any]) -> str:
    settings = result.get("settings", {})
    signature = " ".join(
        f"<code>{_e(value)}</code>"
        for value in (settings.get("translation"), settings.get("summarizer"))
        if value
    )
    return (
        f"{signature}; mode {_e(settings.get('mode'))}, k {_e(result.get('k'))}, "
        f"repair {'on' if settings.get('repair') else 'off'}."
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

    # Comments go first: one before a rule would be read as part of its selector, and one
    # before "@media print" kept the whole print block from applying (".ruen-report /*...*/
    # @media print" is no rule).
    bare = re.sub(r"/\*.*?\*/", "", STYLE, flags=re.DOTALL)
    return re.sub(r"([^{}]+)\{", scoped, bare)


_FRAGMENTS = itertools.count(1)


def to_html_fragment(results: Sequence[dict[str, Any]]) -> str:
    """The digests' articles (and a table of contents for several) with the scoped CSS: what
    a notebook shows for a :class:`~ruen.Digest`, or for :func:`show`. Each fragment's ids
    are its own (``r3-d0``...), so that a notebook of several outputs has no id twice and a
    contents link goes to its own output."""
    prefix = f"r{next(_FRAGMENTS)}-d"
    return (
        f'<div class="ruen-report"><style>{scoped_style()}</style>'
        f"<main>{_body(results, prefix, None)}</main></div>"
    )


class Shown:
    """Digests shown as one page: in a notebook cell, the report with a table of contents;
    ``to_html()`` for a file, ``_repr_markdown_()`` as Markdown (see :func:`show`)."""

    def __init__(self, results: list[dict[str, Any]]) -> None:
        self.results = results

    def _repr_html_(self) -> str:
        return to_html_fragment(self.results)

    def _repr_markdown_(self) -> str:
        return to_markdown(self.results)

    def __repr__(self) -> str:
        return f"<ruen report of {len(self.results)} digests>"

    def to_html(self) -> str:
        """The digests as one self-contained page (what ``--format html`` writes)."""
        return to_html(self.results)


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


def _title_en(result: dict[str, Any]) -> str:
    title = result.get("title") or {}
    return title.get("en") or title.get("ru") or result.get("id") or "Digest"


def _article(n: int, result: dict[str, Any], prefix: str = "d", *, footer: bool = False) -> str:
    title = result.get("title")
    anchor = f"{prefix}{n}"
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
    if result.get("id") and _title_en(result) != result["id"]:  # not said twice
        about.append(_e(result["id"]))
    if result.get("error"):  # a document that could not be digested
        if about:
            header += f'<p class="meta">{" · ".join(about)}</p>'
        error = str(result["error"])
        error = error.removeprefix(f"{result.get('id')}: ") if result.get("id") else error
        listed = f'<ul class="flags"><li class="flag">{_e(error)}</li></ul>'
        return f'<article id="{anchor}"><header>{header}</header>{listed}</article>'
    about.append(_flag_count(result))
    header += f'<p class="meta">{" · ".join(about)}</p>'
    if result.get("notes"):
        header += "".join(f'<p class="meta note">Note: {_e(note)}</p>' for note in result["notes"])
    records = result["sentences"]
    key = "".join(
        f"<li>{_terms_marked(r['en'] or '', r.get('terms') or (), 'en')}"
        f'<a class="to-text" href="#{anchor}-en-{r["index"]}" title="where it stands in the '
        f'text">¶</a>{_flag_list(r)}</li>'
        for r in records
        if r["selected"]
    )
    rows = []
    for _, paragraph in groupby(records, key=lambda r: r.get("paragraph", 0)):
        paragraph = list(paragraph)
        ru = " ".join(_sentence(anchor, r, "ru") for r in paragraph)
        en = " ".join(_sentence(anchor, r, "en") + _flag_list(r) for r in paragraph)
        rows.append(f'<tr><td lang="ru">{ru}</td><td lang="en">{en}</td></tr>')
    return (
        f'<article id="{anchor}"><header>{header}</header>'
        f'<section class="summary"><h2>Key sentences</h2><ol>{key}</ol></section>'
        '<section class="text"><h2>Full text</h2><table class="bilingual">'
        '<thead><tr><th lang="ru">Русский</th><th>English</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
        + (f"<footer>Made by ruen: {_settings_line(result)}</footer>" if footer else "")
        + "</article>"
    )


def _flag_count(result: dict[str, Any]) -> str:
    """ "3 flags (number 2, name 1)", as the text format says it."""
    records = [*result.get("sentences", ()), *([result["title"]] if result.get("title") else [])]
    counts: dict[str, int] = {}
    for record in records:
        for flag in record.get("flags", ()):
            counts[flag["kind"]] = counts.get(flag["kind"], 0) + 1
    total = sum(counts.values())
    if not total:
        return "no flags"
    kinds = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    return f'<span class="flag-count">{total} flag{"s" if total != 1 else ""} ({_e(kinds)})</span>'


def _sentence(anchor: str, record: dict[str, Any], lang: str) -> str:
    text = record[lang] if record[lang] is not None else "—"
    classes = "s key" if record["selected"] else "s"
    body = _terms_marked(text, record.get("terms") or (), lang)
    return f'<span class="{classes}" id="{anchor}-{lang}-{record["index"]}">{body}</span>'


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
    """The digests as Markdown, for pasting into notes: the notice under the first heading,
    as on the page."""
    from datetime import date

    models = [r["model"] for r in results if r.get("model")]
    notice = f"_{_m(machine_translation_notice(models, date.today().isoformat()))}_\n"
    out = []
    for result in results:
        title = result.get("title")
        out.append(f"# {_m(_title_en(result))}\n")
        if notice:
            out.append(notice)
            notice = ""
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

"""The digest as a page people read: the HTML report, checked as text and in headless
Chromium at desktop and phone widths, and the Markdown report."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

import ruen
from ruen import report
from tests.conftest import EXAMPLE, ROOT, run_cli

FAST = ("--max-new-tokens", "6", "--beam-size", "2")
# A text with markup in it: it must come out as text, never as markup.
HOSTILE = (
    "Заголовок <b>жирный</b>\n\n"
    "Министр заявил: <script>alert(1)</script> и <img src=x onerror=alert(2)>. "
    "Индекс вырос на 5,8 % | 40 место.\n\n"
    "Подробнее на сайте https://mpt.gov.by/ru/news/?a=1&b=2 и в [отчете](javascript:alert(3))."
)
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def digests(tiny_model: Path) -> list[dict]:
    translator = ruen.load_translator(tiny_model, device="cpu")
    options = {"translator": translator, "max_new_tokens": 6, "beam_size": 2, "k": 2}
    sample = ruen.digest(ruen.read_document(EXAMPLE), **options).to_dict()
    hostile = ruen.digest(ruen.parse_document(HOSTILE, format="text"), **options).to_dict()
    return [sample, {**hostile, "id": "hostile.txt"}]


def test_html_escapes_everything_and_fetches_nothing(digests: list[dict]) -> None:
    page = report.to_html(digests)
    assert "<script" not in page and "<img" not in page  # the text's markup is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;жирный&lt;/b&gt;" in page  # in the title too
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<link|@import|url\(", page)  # no stylesheet, image or font
    assert not re.search(r"<[^>]+\ssrc=", page)  # no element loads anything
    assert "javascript:" not in re.sub(r"&[^;]+;", "", "".join(re.findall(r'href="[^"]*"', page)))
    # One row per paragraph, Russian beside English.
    first = page[page.index('id="d0"') : page.index('id="d1"')]
    paragraphs = {r["paragraph"] for r in digests[0]["sentences"]}
    assert first.count('<tr><td lang="ru">') == len(paragraphs)
    assert first.count('class="s key"') == 2 * 2  # k = 2, highlighted in both columns


def test_markdown_report_escapes_and_marks(digests: list[dict]) -> None:
    text = report.to_markdown(digests)
    notice = text.split("\n")[2]  # under the first heading, as on the page
    assert notice.startswith("_Machine translation by ruen") and "check figures" in notice
    assert text.startswith("# ") and "## Key sentences" in text and "| Русский | English |" in text
    assert r"\<script\>alert(1)\</script\>" in text and r"5,8 % \| 40" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "Русский" not in line]
    paragraphs = sum(len({r["paragraph"] for r in d["sentences"]}) for d in digests)
    assert len(rows) == paragraphs
    assert text.count("**") >= 2 * 2 * 2  # key sentences in bold, both columns


def test_cli_writes_the_reports(
    tiny_model: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "report.html"
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *FAST,
        "-k",
        "2",
        "--format",
        "html",
        "-o",
        str(out),
        str(EXAMPLE),
        str(hostile),
        env=offline_env,
    )
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<article") == 2
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *FAST,
        "--format",
        "markdown",
        str(EXAMPLE),
        env=offline_env,
    )
    assert result.returncode == 0 and result.stdout.startswith("# ")


# --- in a real browser -------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_the_report_in_chromium(
    browser, digests: list[dict], tmp_path: Path, width: int, height: int, name: str
) -> None:
    path = tmp_path / "report.html"
    path.write_text(report.to_html(digests), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": height})
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")

    assert problems == []  # no console errors (a blocked resource would be one)
    assert requests == [path.as_uri()]  # nothing fetched but the page itself
    assert page.locator("script").count() == 0
    assert "<script>alert(1)</script>" in page.inner_text("#d1")  # shown as text
    assert page.title() == f"ruen: {len(digests)} announcements"
    assert page.locator("h1").first.inner_text() == "Digests of 2 announcements"
    notice = page.inner_text(".notice")
    assert f"Machine translation by ruen {ruen.__version__}" in notice and "check figures" in notice
    assert page.locator(".legend li").count() == 4
    count = page.inner_text("#d0 header .meta")
    assert re.search(r"\d+ flags \(", count)  # as the text format counts them
    link = page.locator("#d0 .summary a.to-text").first
    target = link.get_attribute("href")
    assert page.locator(target).count() == 1 and target.startswith("#d0-en-")

    rows = page.locator("#d0 table.bilingual tbody tr")
    assert rows.count() == len({r["paragraph"] for r in digests[0]["sentences"]})
    for i in range(rows.count()):
        ru = rows.nth(i).locator('td[lang="ru"]').bounding_box()
        en = rows.nth(i).locator('td[lang="en"]').bounding_box()
        if name == "desktop":  # two columns: Russian on the left, English beside it
            assert ru["x"] + ru["width"] <= en["x"] + 1 and abs(ru["y"] - en["y"]) < 1
        else:  # at phone width they stack, Russian above its English
            assert en["y"] >= ru["y"] + ru["height"] - 1 and en["width"] > 300
    key = page.locator("#d0 .s.key")
    assert key.count() == 2 * 2
    for i in range(key.count()):
        background = key.nth(i).evaluate("node => getComputedStyle(node).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    flags = page.locator('#d0 td[lang="en"] .flags li')
    assert flags.count() > 0 and "is not in the English" in page.inner_text("#d0 table.bilingual")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # no sideways scroll

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=True)
    page.close()
    assert (ARTIFACTS / f"report-{name}.png").stat().st_size > 10_000


def test_the_report_printed_has_no_blank_page_and_keeps_the_highlight(
    browser, tiny_model: Path, tmp_path: Path
) -> None:
    """The sample at the defaults (three key sentences), printed by Chromium: every page holds
    text (no blank last page), no sentence is split across pages while a paragraph may be
    (kept whole, rows left 5 pages 40 % blank), the pages are at least four-fifths full, the
    highlight is printed."""
    pypdf = pytest.importorskip("pypdf", reason="reading the printed report needs ruen[test]")
    import io

    digest = ruen.digest(ruen.read_document(EXAMPLE), model=tiny_model, max_new_tokens=24)
    path = tmp_path / "report.html"
    path.write_text(report.to_html([digest.to_dict()]), encoding="utf-8")
    printable = (210 - 2 * 15) / 25.4 * 96, (297 - 2 * 15) / 25.4 * 96  # A4 less 15 mm margins
    page = browser.new_page(viewport={"width": round(printable[0]), "height": 1000})
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    key = page.locator("table.bilingual .s.key").first
    assert key.evaluate("n => getComputedStyle(n).printColorAdjust") == "exact"
    assert key.evaluate("n => getComputedStyle(n).display") == "inline-block"  # never split
    height = page.evaluate("document.documentElement.scrollHeight")
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    page.close()
    pages = [p.extract_text().strip() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert pages and all(pages), [len(p) for p in pages]  # no blank page
    assert height / (len(pages) * printable[1]) >= 0.8, (height, len(pages))  # little blank
    rows = ["".join(r.split()) for r in (s["ru"] for s in digest.to_dict()["sentences"])]
    joined = ["".join(p.split()) for p in pages]
    for row in rows[:3]:  # a sentence is printed whole on one page
        assert any(row[:40] in text and row[-20:] in text for text in joined), row[:40]


def test_a_long_address_in_a_key_sentence_does_not_widen_the_page(browser, digests, tmp_path):
    """At 390 px a URL in a key sentence widened the report to 590 px."""
    long = copy.deepcopy(digests[0])
    chosen = next(r for r in long["sentences"] if r["selected"])
    chosen["en"] += " https://www.gov.example.org/" + "very-long-path-segment/" * 12 + "?q=1"
    chosen["ru"] += " https://www.gov.example.org/" + "очень-длинный-путь/" * 12
    long["title"] = {"ru": "Минэкономразвития" * 4, "en": "Economic" * 10, "repaired": False,
                     "flags": [], "terms": [], "names": []}  # fmt: skip
    path = tmp_path / "long.html"
    path.write_text(report.to_html([long]), encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(path.as_uri())
    assert "very-long-path-segment" in page.inner_text(".summary")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.close()


def test_digest_json_renders_the_same(digests: list[dict]) -> None:
    assert report.to_html(json.loads(json.dumps(digests))) == report.to_html(digests)


def test_applied_glossary_terms_are_underlined_and_escaped() -> None:
    record = {
        "index": 0, "start": 0, "stop": 30, "paragraph": 0, "selected": True, "score": 1.0,
        "ru": "Позиция Минфина <b>не</b> изменилась.",
        "en": "The ministry of finance's <b>position</b> has not changed.",
        "repaired": False, "flags": [],
        "terms": [
            {"source": "Минфина", "target": "Ministry of Finance", "how": "prefix"},
            {"source": "ФНС", "target": "Federal Tax Service", "how": "missing"},
        ],
    }  # fmt: skip
    page = report.to_html([{"id": "x", "title": None, "sentences": [record], "settings": {}}])
    underlined = re.findall(r'<u class="term" title="([^"]*)">([^<]*)</u>', page)
    about = "glossary: Минфина → Ministry of Finance (prefix)"
    # the Russian form and the English target, in the key sentences and the full text
    assert underlined.count((about, "Минфина")) == 1
    assert underlined.count((about, "ministry of finance")) == 2
    assert "Federal Tax Service" not in page.split("<tbody>")[1]  # a missing term is not marked
    assert "<b>" not in page and "&lt;b&gt;" in page


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("Helsinki-NLP/opus-mt-ru-en", "Helsinki-NLP/opus-mt-ru-en"),
        ("/home/analyst/models/opus-mt-ru-en-ct2/", "opus-mt-ru-en-ct2"),
        ("./tiny-marian", "tiny-marian"),
    ],
)
def test_the_notice_names_a_folder_model_by_its_folder(model: str, shown: str) -> None:
    header = report._page_header([{"model": model}], "", "2026-12-03")
    assert f"with {shown}, made 2026-12-03" in header
    assert "/home/analyst" not in header

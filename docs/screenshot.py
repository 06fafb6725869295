"""The report screenshot of README, the home page and Getting started: a real-looking digest of
real news, so that the picture shows what a reader gets.

No real model weights can be downloaded where these pictures are made, and the tests' tiny
random model writes noise ("con con con", a flag on every line). So the English here is the
human reference translation of one WMT21 news story (`benchmarks/data`, the Central Bank's
rate cut of July 2020), standing in for a model's and said to be so in the report's notice;
everything else is ruen's own work on it, as ``ruen digest`` does it: the key sentences chosen
on the Russian (``ruen.summarize``, k = 3), every sentence checked (``ruen.check``, people and
places included), the report rendered by ``ruen.report``. The warnings are real: the reference
writes "4-6%" as "4.6%" and "0,3-0,6" as "0.3-0.5", and ruen flags both. Chromium (Debian's
package) renders the page at 1280 px, kept from the top down to the first warning.

    python docs/screenshot.py            # writes docs/pages/img/report.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "benchmarks" / "data" / "wmt21_newstest2021_ruen.tsv"
HEADLINE = "Как повлияет на экономику решение ЦБ о снижении ключевой ставки"
STANDING_IN = "the WMT21 human reference in place of a model"
OUT = ROOT / "docs" / "pages" / "img" / "report.png"
WIDTH, HEIGHT = 1280, 1100


def digest() -> dict[str, Any]:
    """The story digested as ``ruen digest`` would, its English the human reference's."""
    import ruen
    from ruen.evaluation import read_tsv, wmt_documents

    ru, en = next((r, e) for r, e in wmt_documents(read_tsv(NEWS)) if r[0] == HEADLINE)
    (title_ru, *ru), (title_en, *en) = ru, en
    chosen = set(ruen.summarize(ru, 3))
    scores = ruen.score_sentences(ru)
    records, start = [], 0
    for n, (source, target) in enumerate(zip(ru, en)):
        records.append({
            "index": n, "start": start, "stop": start + len(source), "ru": source, "en": target,
            "selected": n in chosen, "score": scores[n], "repaired": False,
            "flags": [flag.to_dict() for flag in ruen.check(source, target)],
            "paragraph": n, "terms": [], "names": [],
        })  # fmt: skip
        start += len(source) + 2
    title = {"ru": title_ru, "en": title_en, "repaired": False, "terms": [], "names": [],
             "flags": [flag.to_dict() for flag in ruen.check(title_ru, title_en)]}  # fmt: skip
    return {"id": "newstest2021, Komsomolskaya Pravda", "title": title, "date": "2020-07-24",
            "url": None, "model": STANDING_IN, "k": 3, "notes": [], "sentences": records,
            "settings": {}}  # fmt: skip


def main() -> None:
    from playwright.sync_api import sync_playwright

    from ruen import report

    sys.path.insert(0, str(ROOT))
    from tests.conftest import CHROMIUM_FLAGS, chromium

    shown = digest()
    with tempfile.TemporaryDirectory() as work:
        page_path = Path(work) / "report.html"
        page_path.write_text(report.to_html([shown]), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(page_path.as_uri())
            # down to the first warning, so that the picture shows one under its sentence
            flagged = page.locator("td .flags").first.bounding_box()
            height = max(HEIGHT, round(flagged["y"] + flagged["height"] + 24))
            page.screenshot(
                path=str(OUT),
                full_page=True,
                clip={"x": 0, "y": 0, "width": WIDTH, "height": height},
            )
            browser.close()
    flags = sum(len(r["flags"]) for r in shown["sentences"])
    print(f"{OUT.relative_to(ROOT)}: {len(shown['sentences'])} sentences, {flags} flags")


if __name__ == "__main__":
    main()

"""The report screenshot of README, the home page and Getting started, made from the sample
announcement at the digest's defaults (three key sentences, repair on), so that the picture
shows what a user gets and can be made again after any change to the report.

The model is the tests' tiny random MarianMT (built here from models/build_tiny_marian.py), so
the English is noise; one setting differs from the defaults, at most 24 new tokens a sentence,
since random weights would otherwise write to the model's limit. Chromium (Debian's package)
renders the page at 1280 px and the first 1,100 px of it are kept.

    python docs/screenshot.py            # writes docs/pages/img/report.png
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "mpt_egov_conference_2020_ru.txt"
OUT = ROOT / "docs" / "pages" / "img" / "report.png"
WIDTH, HEIGHT = 1280, 1100


def main() -> None:
    from playwright.sync_api import sync_playwright

    import ruen
    from ruen import report

    sys.path.insert(0, str(ROOT))
    from tests.conftest import CHROMIUM_FLAGS, chromium

    with tempfile.TemporaryDirectory() as work:
        model = Path(work) / "tiny-marian"
        builder = ROOT / "models" / "build_tiny_marian.py"
        subprocess.run([sys.executable, str(builder), str(model)], check=True, capture_output=True)
        os.chdir(ROOT)  # the report names the sample as a user names it
        document = ruen.read_document(SAMPLE.relative_to(ROOT))
        digest = ruen.digest(document, model=model, max_new_tokens=24)
        page_path = Path(work) / "report.html"
        page_path.write_text(report.to_html([digest.to_dict()]), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(page_path.as_uri())
            page.screenshot(path=str(OUT), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
            browser.close()
    print(f"{OUT.relative_to(ROOT)}: the sample, {len(digest.summary_en)} key sentences")


if __name__ == "__main__":
    main()

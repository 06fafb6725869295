"""Where analysts work: digests that show themselves in a notebook, tables for pandas and Arrow,
and the example notebook executed in a real kernel, its output opened in Chromium."""

from __future__ import annotations

import json
import os
import re
import sys
from html import escape
from pathlib import Path

import pytest

import ruen
from ruen import report
from ruen.errors import MissingExtraError
from tests.conftest import EXAMPLE, ROOT

NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = "Министр заявил: <script>alert(1)</script> и 5,8 %."


@pytest.fixture(scope="module")
def digests(tiny_model: Path) -> list:
    texts = [
        {"id": "sample", "text": EXAMPLE.read_text("utf-8")},
        {"id": "hostile", "text": HOSTILE},
        {"id": "empty", "text": ""},
    ]
    return list(ruen.digest_many(texts, model=tiny_model, max_new_tokens=8, on_error="record"))


def test_a_digest_shows_the_report_scoped_and_without_script(digests: list) -> None:
    digest = digests[1]
    shown = digest._repr_html_()
    assert shown.startswith('<div class="ruen-report"><style>')
    assert "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    css = shown.split("<style>", 1)[1].split("</style>", 1)[0]
    selectors = [s.strip() for s in re.findall(r"([^{}]+)\{", css)]
    for selector in selectors:  # every rule is confined to the report
        if not selector.startswith("@"):
            assert all(part.strip().startswith(".ruen-report") for part in selector.split(","))
    # the print block is a rule of its own (a comment before it once made it a selector)
    assert "/*" not in css and ".ruen-report @media" not in css
    assert re.search(r"\n@media print \{\s*@page \{[^}]*\}\s*\.ruen-report \{", css)
    assert 'class="bilingual"' in shown
    assert digest._repr_markdown_() == report.to_markdown([digest.to_dict()])


def test_the_notebook_html_printed_in_chromium_keeps_the_print_rules(
    browser, digests: list, tmp_path: Path
) -> None:
    """A notebook printed (or exported to PDF) with ruen's output in it: the scoped print
    rules apply there as on ruen's own page (the contents dropped, a sentence one unbreakable
    box, the highlight printed), and no printed page is blank."""
    pypdf = pytest.importorskip("pypdf", reason="reading the printed page needs ruen[test]")
    import io

    cell = ruen.show(digests[:2])._repr_html_()
    host = tmp_path / "notebook.html"
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "body { font-family: serif; } td { text-align: right; } nav { display: block; }"
        f"</style></head><body><div class='jp-Cell'><h1>My notes</h1>{cell}</div></body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    page.goto(host.as_uri())
    assert page.locator(".ruen-report nav").is_visible()  # on screen: the contents
    page.emulate_media(media="print")
    assert page.locator(".ruen-report nav").is_hidden()  # printed: not
    sentence = page.locator(".ruen-report table.bilingual .s").first
    assert sentence.evaluate("n => getComputedStyle(n).display") == "inline-block"
    key = page.locator(".ruen-report table.bilingual .s.key").first
    assert key.evaluate("n => getComputedStyle(n).printColorAdjust") == "exact"
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    pages = [p.extract_text().strip() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert pages and all(pages) and "My notes" in pages[0]


def test_many_digests_show_as_one_page_with_contents(digests: list) -> None:
    shown = ruen.show(digests)._repr_html_()
    assert shown.count("<article") == 3 and "<h1>Digests of 3 announcements</h1>" in shown
    assert "empty input" in shown  # the document that failed says why


def test_short_reprs() -> None:
    (flag,) = ruen.check("Индекс вырос на 5,8 %.", "The index grew by 58 %.")
    assert repr(flag) == "<Flag number: 5,8 % is 58 % in the English>"
    assert repr(ruen.DocumentError("a.txt", "a.txt: empty input")) == (
        "<DocumentError a.txt: empty input>"
    )


def test_one_row_per_sentence(digests: list) -> None:
    table = digests[0].to_pandas()
    assert len(table) == len(digests[0].sentences)
    assert list(table.columns) == [
        "id", "title_ru", "title_en", "date", "url", "model", "index", "paragraph", "start",
        "stop", "ru", "en", "selected", "score", "repaired", "flags", "terms", "names", "error",
    ]  # fmt: skip
    assert table["selected"].sum() == 3 and (table["id"] == "sample").all()
    assert (table["model"] == digests[0].model).all()
    flagged = [flag for flags in table["flags"] for flag in flags]
    assert flagged and set(flagged[0]) == {"kind", "source", "target", "message"}
    assert len(flagged) == sum(len(record.flags) for record in digests[0].sentences)
    everything = ruen.to_pandas(digests)
    assert len(everything) == sum(len(d.sentences) for d in digests[:2]) + 1
    failed = everything[everything["error"].notna()]
    assert list(failed["id"]) == ["empty"]
    assert failed["flags"].tolist() == [[]] and failed["ru"].isna().all()  # NA, not NaN
    assert {str(everything[c].dtype) for c in ("id", "ru", "en", "error", "title_en")} == {
        "string"}  # fmt: skip
    assert isinstance(failed["error"].iloc[0], str)
    hostile = everything[everything["id"] == "hostile"]
    assert "".join(hostile["ru"]) == HOSTILE  # every character of the text, in its rows
    arrow = ruen.to_arrow(digests)
    assert arrow.num_rows == len(everything)
    assert str(arrow.schema.field("flags").type) == (
        "list<item: struct<kind: string, source: string, target: string, message: string>>"
    )
    back = arrow.to_pandas()  # the same columns, each of one type, failed row included
    assert list(back.columns) == list(everything.columns)
    assert back["flags"].map(len).tolist() == everything["flags"].map(len).tolist()
    assert back["error"].dropna().tolist() == [digests[2].error]


def test_without_pandas_one_error_names_the_extra(
    digests: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r'pip install "ruen\[pandas\]"'):
        digests[0].to_pandas()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingExtraError, match=r'pip install "ruen\[arrow\]"'):
        ruen.to_arrow(digests)


def test_json_round_trip_renders_the_same(digests: list) -> None:
    for digest in digests[:2]:
        saved = json.loads(json.dumps(digest.to_dict(), ensure_ascii=False))
        assert report.to_html([saved]) == report.to_html([digest.to_dict()])
        assert report.to_markdown([saved]) == digest._repr_markdown_()


# --- the example notebook, in a real kernel --------------------------------------------------


def test_the_example_notebook_runs_and_shows_the_report(browser, tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat", reason="nbformat comes with ruen[docs]")
    nbclient = pytest.importorskip("nbclient", reason="nbclient comes with ruen[docs]")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # No model named and no network: the notebook builds the tiny model itself, as a new
    # user's first run without opus-mt-ru-en in the cache would.
    env = {"RUEN_MODEL": None, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    previous = {name: os.environ.get(name) for name in env}
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        client = nbclient.NotebookClient(
            notebook, timeout=300, kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )  # fmt: skip
        client.execute()
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert sum('<div class="ruen-report">' in h for h in html) == 2  # a digest, then show()
    assert any("dataframe" in h and "<th>flags</th>" in h for h in html)  # the DataFrame

    ids = [i for h in html for i in re.findall(r'\sid="([^"]+)"', h)]
    assert ids and len(ids) == len(set(ids))  # no id twice in the notebook
    for h in html:  # a contents link goes to its own output
        for target in re.findall(r'href="#([^"]+)"', h):
            assert f'id="{target}"' in h

    # The outputs as a notebook shows them, on a page of their own, in a real browser, under
    # JupyterLab's own rules for rendered HTML (which right-align every cell and stripe rows).
    page_html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title><style>"
        ".jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { text-align: right; "
        "vertical-align: middle; padding: .5em; } .jp-RenderedHTMLCommon tbody "
        "tr:nth-child(odd) { background: #f5f5f5; }</style></head><body>"
        + "".join(f"<div class='output jp-RenderedHTMLCommon'>{h}</div>" for h in html)
        + "<pre>"
        + escape(str([o.get("data", {}).get("text/plain") for o in outputs][:1]))
        + "</pre></body></html>"
    )
    path = tmp_path / "notebook.html"
    path.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(path.as_uri())
    first = page.locator(".output .ruen-report").first
    rows = first.locator("table.bilingual tbody tr")
    assert rows.count() > 3
    ru = rows.nth(0).locator('td[lang="ru"]').bounding_box()
    en = rows.nth(0).locator('td[lang="en"]').bounding_box()
    assert ru["x"] + ru["width"] <= en["x"] + 1  # two columns, side by side
    cell = rows.nth(0).locator('td[lang="en"]')
    assert cell.evaluate("n => getComputedStyle(n).textAlign") in ("left", "start")
    assert rows.nth(0).evaluate("n => getComputedStyle(n).backgroundColor") in (
        "rgba(0, 0, 0, 0)", "transparent")  # fmt: skip
    # the report's CSS stays inside it: the page's own body keeps the browser's margin
    assert page.evaluate("getComputedStyle(document.body).margin") == "8px"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notebook.png"), full_page=True)
    page.close()


def test_the_example_notebook_is_stored_with_its_outputs() -> None:
    """A reader sees what a run gives before running anything (docs/notebook.py stores it)."""
    import tempfile

    cells = json.loads(NOTEBOOK.read_text("utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert code and all(cell["outputs"] for cell in code)
    outputs = [output for cell in code for output in cell["outputs"]]
    assert not [output for output in outputs if output["output_type"] == "error"]
    assert any("text/html" in output.get("data", {}) for output in outputs)  # the report
    assert tempfile.gettempdir() + "/" not in json.dumps(outputs)  # no machine's own folder

"""Every Russian text in the repository through ``digest``, and arbitrary Unicode through the
matchers: real text in bulk catches what a unit test does not (Kommersant's «Ъ» stopped whole
archives), so no document may stop a run and no matcher may raise.

The bulk test digests, with the tests' tiny model (repair and names on), these texts, each as
the kind of document it is (counted when it was written, sentences as ``sentenize`` cuts them):

- the five Kremlin acts (``tests/data/acts``, 77 sentences) and the ministry note
  (``examples/``, 9);
- the WMT21 and WMT22 news documents (107 and 227 documents, 2,999 sentences), one document
  each;
- the PUD sentences (1,000, and the tests' 300), in documents of 50 sentences (26);
- the UD treebank texts of the segmentation benchmark (GSD, PUD, Taiga, poetry: 1,098
  documents, 3,155 sentences), each a document;
- both texts of each same-story pair (216 documents, 2,697 sentences), with their titles.

That is 1,680 documents and about 10,240 sentences; the test asserts that none errs and that
every sentence is translated.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ruen
from ruen.evaluation import read_tsv, wmt_documents
from tests.conftest import ROOT

DATA = ROOT / "benchmarks" / "data"
CHUNK = 50


def _chunks(sentences: list[str], name: str) -> Iterator[dict]:
    for start in range(0, len(sentences), CHUNK):
        yield {"id": f"{name}:{start}", "text": "\n".join(sentences[start : start + CHUNK])}


def russian_texts() -> Iterator[dict]:
    """Every Russian text of the repository's data, as documents."""
    for path in sorted((ROOT / "tests" / "data" / "acts").glob("*.txt")):
        yield {"id": path.name, "text": ruen.read_document(path)}
    for path in sorted((ROOT / "examples").glob("*_ru.txt")):
        yield {"id": path.name, "text": ruen.read_document(path)}
    for name in ("wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv"):
        for n, (ru, _) in enumerate(wmt_documents(read_tsv(DATA / name))):
            yield {"id": f"{name}:{n}", "text": "\n".join(ru)}
    for enru in ("wmt21_newstest2021_enru.tsv", "wmt22_generaltest2022_enru.tsv"):
        # ids docid:sM, a document's segments in order
        rows = read_tsv(DATA / enru)
        for doc, group in itertools.groupby(rows, lambda r: r["id"].rsplit(":", 1)[0]):
            yield {"id": f"{enru}:{doc}", "text": "\n".join(row["ru"] for row in group)}
    for path in (DATA / "pud_ru_en.tsv", ROOT / "tests" / "data" / "pud_ru_en_300.tsv"):
        yield from _chunks([row["ru"] for row in read_tsv(path)], path.name)
    for path in sorted(DATA.glob("ud_ru_*_segmentation.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            text = "\n".join(" ".join(p) for p in doc["paragraphs"])
            yield {"id": f"{path.name}:{doc['doc_id']}", "text": text}
    for line in (DATA / "ru_same_story_pairs_dev.jsonl").read_text("utf-8").splitlines():
        pair = json.loads(line)
        for side in ("first", "second"):
            text = f"{pair[side + '_title']}\n\n{pair[side + '_text']}"
            yield {"id": f"{pair[side + '_url']}", "text": text}
    names = (DATA / "name_classes.tsv").read_text("utf-8").splitlines()
    rows = [line.split("\t") for line in names if not line.startswith(("#", "class\t"))]
    yield from _chunks([ru for _, ru, _ in rows], "name_classes.tsv")  # names, one a line
    lines = (DATA / "ru_news_tgcontest_categories.tsv").read_text("utf-8").splitlines()
    for line in lines[1:]:  # url, title, text, category
        url, title, text, _ = line.split("\t")
        yield {"id": url, "text": f"{title}\n\n{text}"}


def test_every_russian_text_in_the_repository_is_digested(tiny_model: Path) -> None:
    translator = ruen.load_translator(tiny_model)
    documents = list(russian_texts())
    assert len(documents) >= 1500
    results = list(
        ruen.digest_many(
            documents, translator=translator, on_error="record", max_new_tokens=3, beam_size=1
        )
    )
    errors = [r for r in results if isinstance(r, ruen.DocumentError)]
    assert errors == []
    assert len(results) == len(documents)
    assert all(record.en is not None for r in results for record in r.sentences)


# --- arbitrary Unicode: the matchers never raise ------------------------------------------------

TRICKY = st.sampled_from(
    ["Ъ", "Ь", "Ё", "й", "\u200b", "\u00ad", "\u200d", "👍", "🇷🇺", "-", "«", "»", ".", "…",
     " ", "\n", "5,8 %", "г.", "т.е.", "Ъ-Online", "А.", "https://a.example/x", "\ufeff", "\t"]
)  # fmt: skip
TEXTS = st.lists(st.one_of(TRICKY, st.text(max_size=12)), max_size=40).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXTS)
def test_sentences_cover_their_input(text: str) -> None:
    spans = list(ruen.sentenize(text))
    for span in spans:
        assert text[span.start : span.stop] == span.text and span.text.strip()
    covered = set()
    for span in spans:
        covered.update(range(span.start, span.stop))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


def test_a_long_text_without_a_stop_is_covered() -> None:
    text = ("слово " * 1000).strip()  # 6,000 characters, no sentence end
    spans = list(ruen.sentenize(text))
    assert "".join(s.text for s in spans).replace(" ", "") == text.replace(" ", "")


@FAST
@given(TEXTS, TEXTS)
def test_check_and_the_matchers_never_raise(ru: str, en: str) -> None:
    flags = ruen.check(ru, en)
    assert all(f.kind != "unchecked" for f in flags), flags
    assert all(f.message.strip() and not f.message.endswith("expected") for f in flags)
    ruen.Glossary.load("ru-gov").find(ru)


@FAST
@given(TEXTS)
def test_the_names_finder_never_raises_nor_finds_an_empty_name(text: str) -> None:
    pytest.importorskip("pymorphy3")
    from ruen.names.check import renderings
    from ruen.names.entities import find

    for entity in find(text):
        assert entity.text.strip() and entity.lemma.strip()
    for rendering in renderings(text, "Some English."):
        assert rendering.expected.strip()

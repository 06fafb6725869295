"""How ``wmt22_generaltest2022_enru.tsv`` was built (kept so that anyone can rebuild it).

    git clone https://github.com/wmt-conference/wmt22-news-systems
    python benchmarks/data/build_wmt22_enru.py wmt22-news-systems \
        > benchmarks/data/wmt22_generaltest2022_enru.tsv

WMT22's English-to-Russian general test set: English-original news, e-commerce, social posts and
conversations, Russian by professional translators (reference A), so the Russian is the source
a ruen user would hold and the English the original. The text files carry no document ids and
the XML that does is stored in Git LFS, so each segment's document is read from the human
evaluation's batches (``humaneval/DA+SQM/batches/batches.wmt22.eng-rus.[AB].json.zip``), which
name the document of every segment they show; a segment they do not show belongs to a document
where the segments on both sides of it do, and is left out otherwise (a document split between
batches' choices would leak across the halves of benchmarks/halves.py).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path


def documents(root: Path) -> dict[str, str]:
    """A segment's English -> its document, from the human evaluation's batches."""
    found: dict[str, str] = {}
    for batch in "AB":
        path = root / f"humaneval/DA+SQM/batches/batches.wmt22.eng-rus.{batch}.json.zip"
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for block in json.load(io.TextIOWrapper(archive.open(name), encoding="utf-8")):
                    for item in block["items"]:
                        doc = item["documentID"].split("#")[0]
                        found.setdefault(item["sourceText"].strip(), doc)
    return found


def main(root: str) -> None:
    base = Path(root)
    en = (base / "txt/sources/generaltest2022.en-ru.src.en").read_text("utf-8").splitlines()
    ru = (base / "txt/references/generaltest2022.en-ru.ref.A.ru").read_text("utf-8").splitlines()
    assert len(en) == len(ru), "source and reference differ in length"
    known = documents(base)
    docs = [known.get(line.strip()) for line in en]
    print("id\tru\ten")
    count: dict[str, int] = {}
    for n, (source, reference) in enumerate(zip(en, ru)):
        doc = docs[n]
        if doc is None:
            before = next((d for d in reversed(docs[:n]) if d), None)
            after = next((d for d in docs[n + 1 :] if d), None)
            doc = before if before == after else None
        if doc is None or not source.strip() or not reference.strip():
            continue
        count[doc] = count.get(doc, 0) + 1
        cells = [f"{doc}:s{count[doc]}", reference.strip(), source.strip()]
        print("\t".join(cell.replace("\t", " ") for cell in cells))


if __name__ == "__main__":
    main(sys.argv[1])

"""How ``wmt21_newstest2021_enru.tsv`` was built (kept so that anyone can rebuild it).

    git clone https://github.com/wmt-conference/wmt21-news-systems
    python benchmarks/data/build_wmt21_enru.py wmt21-news-systems \
        > benchmarks/data/wmt21_newstest2021_enru.tsv

WMT21's English-to-Russian news test set: English-original news, Russian by professional
translators (reference A), so the Russian is the source a ruen user would hold and the English
the original. The repository's text files carry no document ids (its XML, which does, is stored
in Git LFS), so documents are read from the text: a line that ends without a sentence's closing
mark (a headline) opens a document when it comes 10 or more lines after the last one opened.
A document may so be cut in two at a subheading; the halves of benchmarks/halves.py are drawn
by these ids.
"""

import sys
from pathlib import Path

HEADLINE_ENDS = tuple('.!?"”’:;)')


def main(root: str) -> None:
    base = Path(root) / "txt"
    en = (base / "sources/newstest2021.en-ru.src.en").read_text(encoding="utf-8").splitlines()
    ru = (base / "references/newstest2021.en-ru.ref.A.ru").read_text(encoding="utf-8").splitlines()
    assert len(en) == len(ru), "source and reference differ in length"
    print("id\tru\ten")
    doc, opened, line_in_doc = 0, -10, 0
    for n, (source, reference) in enumerate(zip(en, ru)):
        if not source.rstrip().endswith(HEADLINE_ENDS) and n - opened >= 10:
            doc, opened, line_in_doc = doc + 1, n, 0
        line_in_doc += 1
        clean = [" ".join(text.replace("\t", " ").split()) for text in (reference, source)]
        print(f"enru{doc:03d}:s{line_in_doc}\t{clean[0]}\t{clean[1]}")


if __name__ == "__main__":
    main(sys.argv[1])

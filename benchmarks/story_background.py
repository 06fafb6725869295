"""Build the background that ruen.stories.same_story weighs character n-grams by: in how many of the
WMT21 and WMT22 Russian news documents (benchmarks/data) each four-character piece of a word
occurs, written to src/ruen/stories/data/news_char4_df.tsv.gz.

Why a background of news and not the texts at hand: ``ruen.same_story`` compares two texts
alone, so the weight of a piece (common in any news: rare, so telling) must come from
elsewhere; and a fixed table gives one text the same weights in every run. Pieces found in a
single document are left out (they weigh the same as unseen ones, to within log 2).

    python benchmarks/story_background.py
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

from ruen.evaluation import read_tsv, wmt_documents
from ruen.stories.background import BACKGROUND, pieces

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    documents = []
    for name in ("wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv"):
        documents += [" ".join(russian) for russian, _ in wmt_documents(read_tsv(DATA / name))]
    counts: Counter[str] = Counter()
    for text in documents:
        counts.update(set(pieces(text)))
    kept = sorted((piece, n) for piece, n in counts.items() if n > 1)
    with gzip.open(BACKGROUND, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(f"#documents\t{len(documents)}\n")
        out.writelines(f"{piece}\t{n}\n" for piece, n in kept)
    print(f"{len(documents)} documents, {len(kept)} pieces of {len(counts)} -> {BACKGROUND}")


if __name__ == "__main__":
    main()

"""Extractive summaries against the BBC News Summary references: ruen, Lead-k and sumy.

Every system gets the same sentences (ruen's splitter, run once per article) and the same k
(the number of sentences in the article's reference summary), and returns k of them. Scores:
ROUGE-1, ROUGE-2 and ROUGE-Lsum F1 with stemming (rouge-score; the references' sentences are
not in article order, so the summary-level LCS is the fair one), and sentence-level precision,
recall and F1 against the reference sentences, with milliseconds per article.

    pip install -e ".[eval,bench]"
    python benchmarks/summarization.py
    python benchmarks/summarization.py --only ruen textrank --limit 200

Articles whose reference could not be cut back into article sentences (``summary_sentences``
null in the data) are left out, as are exact duplicate articles after the first.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ruen.evaluation import SummaryROUGE

DATA = Path(__file__).resolve().parent / "data" / "bbc_news_summary_en.jsonl"

Summarizer = Callable[[list[str], int], list[int]]


def load(limit: int | None = None) -> list[dict]:
    import ruen

    articles, seen = [], set()
    with DATA.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["summary_sentences"] is None or record["text"] in seen:
                continue
            seen.add(record["text"])
            sentences = ruen.split_sentences(record["text"])
            reference = [s.strip() for s in record["summary_sentences"]]
            articles.append({"id": record["id"], "sentences": sentences, "reference": reference})
            if limit and len(articles) == limit:
                break
    return articles


# --- the systems ---------------------------------------------------------------------------------


def make_ruen() -> Summarizer:
    import ruen

    return lambda sentences, k: ruen.summarize(sentences, k, lang="en")


def make_lead() -> Summarizer:
    return lambda sentences, k: list(range(min(k, len(sentences))))


class _Words:
    """sumy's word tokenizer needs NLTK's punkt download; this one needs nothing and is the
    same for every sumy algorithm."""

    _WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._WORD.findall(sentence))


def make_sumy(name: str) -> Summarizer:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers import (
        edmundson,
        kl,
        lex_rank,
        lsa,
        luhn,
        reduction,
        sum_basic,
        text_rank,
    )
    from sumy.utils import get_stop_words

    classes = {
        "lexrank": lex_rank.LexRankSummarizer,
        "lsa": lsa.LsaSummarizer,
        "luhn": luhn.LuhnSummarizer,
        "textrank": text_rank.TextRankSummarizer,
        "kl": kl.KLSummarizer,
        "sumbasic": sum_basic.SumBasicSummarizer,
        "reduction": reduction.ReductionSummarizer,
        "edmundson": edmundson.EdmundsonSummarizer,
    }
    summarizer = classes[name](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    if name == "edmundson":
        summarizer.bonus_words = summarizer.stigma_words = summarizer.null_words = ["the"]
    words = _Words()

    def run(sentences: list[str], k: int) -> list[int]:
        objects = [Sentence(s, words) for s in sentences]
        document = ObjectDocumentModel([Paragraph(objects)])
        chosen = {id(s) for s in summarizer(document, k)}
        return [i for i, s in enumerate(objects) if id(s) in chosen]

    return run


SYSTEMS: dict[str, Callable[[], Summarizer]] = {
    "ruen": make_ruen,
    "lead-k": make_lead,
    **{
        f"sumy-{name}": (lambda name=name: make_sumy(name))
        for name in ("lexrank", "lsa", "luhn", "textrank", "kl", "sumbasic")
    },
}


# --- scoring -------------------------------------------------------------------------------------


def evaluate(summarizer: Summarizer, articles: list[dict]) -> dict[str, float]:
    summaries = []
    elapsed = 0.0
    for article in articles:
        sentences = article["sentences"]
        start = time.perf_counter()
        chosen = summarizer(sentences, len(article["reference"]))
        elapsed += time.perf_counter() - start
        summaries.append([sentences[i] for i in chosen])
    score = SummaryROUGE().corpus_score(summaries, [a["reference"] for a in articles])
    d = score.details
    return {
        "r1": d["rouge1"],
        "r2": d["rouge2"],
        "rlsum": d["rougeLsum"],
        "precision": d["sentence_precision"],
        "recall": d["sentence_recall"],
        "f1": d["sentence_f1"],
        "ms_per_article": 1000 * elapsed / len(articles),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    articles = load(args.limit)
    results = {}
    for name in args.only:
        try:
            summarizer = SYSTEMS[name]()
        except ImportError as exc:
            print(f"skipping {name}: {exc} (pip install -e '.[eval,bench]')", file=sys.stderr)
            continue
        results[name] = evaluate(summarizer, articles)
        print(f"done: {name}", file=sys.stderr)

    print(f"{len(articles)} BBC articles; same splitter (ruen) and k (reference length) for all\n")
    print("| system | R1 | R2 | RLsum | sentence P | sentence R | sentence F1 | ms/article |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['r1']:.2f} | {r['r2']:.2f} | {r['rlsum']:.2f} | "
            f"{r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} | "
            f"{r['ms_per_article']:.1f} |"
        )
    versions = []
    for package in ("ruen", "rouge-score", "sumy"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions.append(f"{package}:{importlib.metadata.version(package)}")
    import ruen.summarization as summarization

    signature = (
        "data:bbc-news-summary|splitter:ruen|k:reference|rouge:f1+stem|"
        f"summarizer:{summarization.SIGNATURE}|" + "|".join(versions)
    )
    print(f"\nsignature: {signature}")
    from results import save

    keys = ("r1", "r2", "rlsum", "precision", "recall", "f1")
    save(
        "summarization",
        f"Extractive summaries on {len(articles)} BBC News articles",
        ["system", "R1", "R2", "RLsum", "sentence P", "sentence R", "sentence F1", "ms/article"],
        [[name, *[round(r[k], 2) for k in keys], round(r["ms_per_article"], 1)]
         for name, r in results.items()],
        signature=signature,
        command="python benchmarks/summarization.py",
        chart={"x": "system", "y": "R2", "ylabel": "ROUGE-2 F1"},
    )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"signature": signature, "results": results}, indent=2))


if __name__ == "__main__":
    main()

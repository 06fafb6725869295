"""The summariser's graph without an n-by-n matrix gives the picks of the dense definition on
every benchmark document, and stays small on a long text."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import ruen
from ruen import summarization
from ruen.evaluation import read_tsv, wmt_documents
from tests.conftest import EXAMPLE, ROOT

DATA = ROOT / "benchmarks" / "data"


def dense_scores(bags: list[list[str]]) -> np.ndarray:
    """TextRank as defined (and as ruen computed it before): the full n-by-n graph."""
    n = len(bags)
    sets = [set(bag) for bag in bags]
    logs = [math.log(len(bag)) if len(bag) > 1 else 0.0 for bag in bags]
    weights = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if logs[i] and logs[j] and sets[i] & sets[j]:
                weights[i, j] = weights[j, i] = len(sets[i] & sets[j]) / (logs[i] + logs[j])
    prior = summarization._lead_prior(n)
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.where(totals > 0, weights / np.where(totals == 0, 1, totals), prior)
    rank = np.full(n, 1.0 / n)
    for _ in range(200):
        updated = (1 - summarization.DAMPING) * prior + summarization.DAMPING * (
            transition.T @ rank
        )
        if np.abs(updated - rank).sum() < 1e-10:
            return updated
        rank = updated
    return rank


def dense_picks(sentences: list[str], k: int, lang: str) -> list[int]:
    bags = [summarization.tokens(s, lang) for s in sentences]
    scores = dense_scores(bags)
    scores = scores / scores.max()
    sets = [set(bag) for bag in bags]

    def jaccard(a: set, b: set) -> float:
        return len(a & b) / len(a | b) if a | b else 0.0

    chosen: list[int] = []
    remaining = list(range(len(sentences)))
    while remaining and len(chosen) < k:

        def gain(i: int) -> tuple[bool, float, int]:
            overlap = max((jaccard(sets[i], sets[j]) for j in chosen), default=0.0)
            return (
                overlap < summarization.DUPLICATE,
                scores[i] - summarization.REDUNDANCY_WEIGHT * overlap,
                -i,
            )

        best = max(remaining, key=gain)
        remaining.remove(best)
        chosen.append(best)
    return sorted(chosen)


def benchmark_documents() -> list[tuple[str, list[str], int]]:
    """(language, sentences, k) for every benchmark document: BBC articles at the reference
    summary's length, WMT21/22 documents and the sample announcement at k = 3."""
    documents = []
    with (DATA / "bbc_news_summary_en.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            if article.get("summary_sentences"):
                sentences = ruen.split_sentences(article["text"])
                documents.append(("en", sentences, len(article["summary_sentences"])))
    for name in ("wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv"):
        for russian, english in wmt_documents(read_tsv(DATA / name)):
            documents.append(("ru", russian, 3))
            documents.append(("en", english, 3))
    documents.append(("ru", ruen.split_sentences(EXAMPLE.read_text(encoding="utf-8")), 3))
    return documents


def test_the_same_picks_as_the_dense_graph_on_every_benchmark_document() -> None:
    documents = benchmark_documents()
    assert len(documents) > 1500
    for lang, sentences, k in documents:
        assert ruen.summarize(sentences, k, lang=lang) == dense_picks(sentences, k, lang)
        bags = [summarization.tokens(s, lang) for s in sentences]
        graph = summarization.Graph(bags).pagerank(summarization._lead_prior(len(bags)))
        assert np.allclose(graph, dense_scores(bags), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "bags", [[], [["a"]], [["a"], ["a"]], [["a", "b"], ["c", "d"]], [[], ["a", "a"], ["a", "b"]]]
)
def test_edge_cases_agree(bags: list[list[str]]) -> None:
    if not bags:
        assert ruen.summarize([], 3) == []
        return
    graph = summarization.Graph(bags).pagerank(summarization._lead_prior(len(bags)))
    assert np.allclose(graph, dense_scores(bags)) and abs(graph.sum() - 1) < 1e-9


def test_a_long_text_keeps_memory_small() -> None:
    # 10,000 sentences: the dense graph alone would be 10,000 x 10,000 floats (800 MB).
    russian = [row["ru"] for row in summarization_rows()]
    sentences = (russian * (10_000 // len(russian) + 1))[:10_000]
    bags = [summarization.tokens(s, "ru") for s in sentences]
    graph = summarization.Graph(bags)
    assert (
        sum(array.nbytes for array in vars(graph).values() if isinstance(array, np.ndarray)) < 20e6
    )
    picks = ruen.summarize(sentences, 0.01)
    assert len(picks) == 100 and picks == sorted(set(picks))


def summarization_rows() -> list[dict[str, str]]:
    return read_tsv(DATA / "wmt21_newstest2021_ruen.tsv")

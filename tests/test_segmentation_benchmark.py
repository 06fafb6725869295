"""The segmentation benchmark's accuracy targets, as a regression guard (speed is left to the
benchmark itself: timed assertions do not belong in tests on a shared machine)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import ruen
from ruen.evaluation import rebuild

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "segmentation", ROOT / "benchmarks" / "segmentation.py"
)
segmentation = importlib.util.module_from_spec(spec)
sys.modules["segmentation"] = segmentation  # dataclasses look their module up here
spec.loader.exec_module(segmentation)

# razdel 0.5.0 called once per paragraph, exact-sentence F1 on the same rebuilt documents
# (README's table; `python benchmarks/segmentation.py --only razdel-para` reproduces it).
RAZDEL_PER_PARAGRAPH = {"GSD dev": 92.38, "Taiga dev": 53.69, "Poetry dev": 91.31, "PUD": 98.95}


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, float]]:
    return {
        corpus: segmentation.score(ruen.split_sentences, segmentation.load(corpus))
        for corpus in segmentation.FILES
    }


@pytest.mark.parametrize("corpus", list(RAZDEL_PER_PARAGRAPH))
def test_at_least_razdel_on_every_gold_file(scores, corpus: str) -> None:
    assert scores[corpus]["f1"] >= RAZDEL_PER_PARAGRAPH[corpus]
    assert scores[corpus]["lost"] == 0


def test_mean_f1(scores) -> None:
    assert sum(s["f1"] for s in scores.values()) / len(scores) >= 88.0


def test_scoring_itself() -> None:
    document = rebuild({"paragraphs": [["Один.", "Два."], ["Три"]]})
    assert document == ("Один. Два.\n\nТри", {(0, 5), (6, 10), (12, 15)})
    perfect = segmentation.score(lambda text: ["Один.", "Два.", "Три"], [document])
    assert (perfect["precision"], perfect["recall"], perfect["lost"]) == (100.0, 100.0, 0)
    merged = segmentation.score(lambda text: ["Один. Два.", "Три"], [document])
    assert merged["precision"] == 50.0 and round(merged["recall"], 2) == 33.33
    assert round(merged["f1"], 2) == 40.0
    assert merged["errors_per_1k"] == 1000 / 3  # one missed boundary in three sentences
    lossy = segmentation.score(lambda text: ["Один.", "Три"], [document])
    assert lossy["lost"] == 1

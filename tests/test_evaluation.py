"""The metrics behind ``ruen eval``, on inputs whose scores are known, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ruen.evaluation import BLEU, ChrF, SegmentationF1, SummaryROUGE, markdown, rebuild
from tests.conftest import ROOT, run_cli

pytest.importorskip("sacrebleu", reason="ruen eval needs ruen[eval]")
pytest.importorskip("rouge_score", reason="ruen eval needs ruen[eval]")

SENTENCES = [
    "The first deputy minister took part in the online conference on e-government.",
    "Belarus ranked 40th in the United Nations e-government development index in 2020.",
]
# sacrebleu's own README example: BLEU 48.53 and chrF2 59.73 against two references.
SACREBLEU_SYSTEM = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
SACREBLEU_REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]


@pytest.mark.parametrize(("metric", "expected"), [(BLEU, 100.0), (ChrF, 100.0)])
def test_identical_strings_score_100(metric, expected: float) -> None:
    score = metric().corpus_score(SENTENCES, SENTENCES)
    assert score.score == pytest.approx(expected)
    assert "version:" in score.signature and "ruen:" in score.signature


@pytest.mark.parametrize(("metric", "expected"), [(BLEU, 48.53), (ChrF, 59.73)])
def test_known_pair_gives_sacrebleus_figure(metric, expected: float) -> None:
    instance = metric()
    result = instance._metric.corpus_score(SACREBLEU_SYSTEM, SACREBLEU_REFS)
    assert round(result.score, 2) == expected
    # and ruen's wrapper, with the first reference only, gives sacrebleu's one-reference figure
    ours = instance.corpus_score(SACREBLEU_SYSTEM, SACREBLEU_REFS[0])
    theirs = instance._metric.corpus_score(SACREBLEU_SYSTEM, [SACREBLEU_REFS[0]])
    assert ours.score == pytest.approx(theirs.score) and 0 < ours.score < 100


def test_disjoint_strings_and_length_mismatch() -> None:
    assert BLEU().corpus_score(["xyz qqq www eee rrr"], [SENTENCES[0]]).score == 0.0
    with pytest.raises(ValueError, match="2 hypotheses for 1 references"):
        BLEU().corpus_score(SENTENCES, SENTENCES[:1])


def test_segmentation_f1_known_values() -> None:
    gold = [rebuild({"paragraphs": [["Один.", "Два.", "Три."]]})]
    assert SegmentationF1().corpus_score([["Один.", "Два.", "Три."]], gold).score == 100.0
    score = SegmentationF1().corpus_score([["Один. Два.", "Три."]], gold)
    # P = 1/2, R = 1/3: F1 = 2 * (1/6) / (5/6) = 0.4
    assert score.score == pytest.approx(40.0)
    assert score.details["lost"] == 0


def test_summary_rouge_known_values() -> None:
    perfect = SummaryROUGE().corpus_score([SENTENCES], [SENTENCES])
    assert perfect.score == pytest.approx(100.0)
    assert perfect.details["sentence_f1"] == pytest.approx(100.0)
    half = SummaryROUGE().corpus_score([[SENTENCES[0]]], [SENTENCES])
    assert half.details["sentence_precision"] == 100.0 and half.details["sentence_recall"] == 50.0
    assert 0 < half.details["rouge2"] < 100


def test_ruen_eval_writes_its_report(
    tiny_model: Path, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    result = run_cli(
        "eval",
        "--model",
        str(tiny_model),
        "--limit",
        "12",
        "--max-new-tokens",
        "4",
        "--beam-size",
        "1",
        "--report-dir",
        str(tmp_path / "report"),
        "--quiet",
        env=offline_env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert set(report["translation"]) == {
        "PUD sentences",
        "WMT21 segments",
        "WMT21 documents",
        "WMT22 segments",
        "WMT22 documents",
    }
    assert report["translation"]["PUD sentences"]["segments"] == 12
    assert "tok:13a" in report["translation"]["PUD sentences"]["BLEU"]["signature"]
    assert report["segmentation"]["PUD"]["score"] > 99  # the splitter needs no model
    assert report["summaries"]["articles"] == 12
    assert report["speed"]["sentences_per_second"] > 0
    page = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert page == markdown(report) and "| PUD sentences | 12 |" in page
    assert result.stdout.strip() == page.strip()


def test_ruen_eval_without_data(
    tiny_model: Path, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    result = run_cli(
        "eval", "--model", str(tiny_model), "--data", str(tmp_path), env=offline_env, cwd=tmp_path
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no benchmark data" in result.stderr

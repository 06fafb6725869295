"""Scoring ruen, in sacrebleu's manner: every metric a class, every score with a signature.

``ruen eval`` runs them all on the benchmark set in ``benchmarks/data`` (a clone of the
repository has it; see its SOURCES.md): BLEU and chrF on PUD and on WMT21/22, sentence- and
document-level; exact-sentence segmentation F1 on the UD gold files; ROUGE and sentence F1 of
the summariser on BBC News; and translation speed. Metrics need the ``eval`` extra.
"""

from __future__ import annotations

import csv
import importlib.metadata
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ruen.errors import InputError, MissingExtraError


@dataclass(frozen=True)
class Score:
    """One figure and how it was made."""

    name: str
    score: float
    signature: str
    details: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.name} = {self.score:.2f} ({self.signature})"


class Metric:
    """The base: a corpus of hypotheses against references gives one :class:`Score`."""

    name = "metric"

    def corpus_score(self, hypotheses: Sequence[Any], references: Sequence[Any]) -> Score:
        raise NotImplementedError

    def signature(self) -> str:
        return f"ruen:{importlib.metadata.version('ruen')}"


class _Sacrebleu(Metric):
    def __init__(self) -> None:
        try:
            from sacrebleu import metrics
        except ImportError:
            raise MissingExtraError(f"{self.name}", "eval", "sacrebleu") from None
        self._metric = getattr(metrics, self._class)()

    _class = ""

    def corpus_score(self, hypotheses: Sequence[str], references: Sequence[str]) -> Score:
        if len(hypotheses) != len(references):
            raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
        result = self._metric.corpus_score(list(hypotheses), [list(references)])
        return Score(self.name, float(result.score), self.signature())

    def signature(self) -> str:
        return f"{self._metric.get_signature()}|{super().signature()}"


class BLEU(_Sacrebleu):
    """sacrebleu's BLEU (13a tokenisation, exponential smoothing), one reference."""

    name = "BLEU"
    _class = "BLEU"


class ChrF(_Sacrebleu):
    """sacrebleu's chrF2."""

    name = "chrF"
    _class = "CHRF"


class SegmentationF1(Metric):
    """Exact-sentence F1: a predicted sentence counts only when its start and its end both
    match a gold sentence. References are each document's gold (start, stop) spans."""

    name = "segmentation F1"

    def corpus_score(
        self, hypotheses: Sequence[Sequence[str]], references: Sequence[tuple[str, set]]
    ) -> Score:
        hits = predicted = gold = wrong = lost = 0
        for sentences, (text, spans) in zip(hypotheses, references):
            found, altered = align(text, sentences)
            lost += altered
            hits += len(found & spans)
            predicted += len(found)
            gold += len(spans)
            wrong += len(_boundaries(found) ^ _boundaries(spans))
        precision = hits / predicted if predicted else 0.0
        recall = hits / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        details = {
            "precision": 100 * precision,
            "recall": 100 * recall,
            "errors_per_1k": 1000 * wrong / 2 / gold if gold else 0.0,
            "lost": lost,
        }
        return Score(self.name, 100 * f1, f"exact-sentence|{self.signature()}", details)


def align(text: str, sentences: Sequence[str]) -> tuple[set[tuple[int, int]], bool]:
    """Spans of ``sentences`` found in order in ``text``, and whether any non-white-space
    character of ``text`` did not come back unaltered."""
    spans = set()
    cursor = 0
    for sentence in sentences:
        stripped = sentence.strip()
        start = text.find(stripped, cursor) if stripped else -1
        if start >= 0:
            spans.add((start, start + len(stripped)))
            cursor = start + len(stripped)
    return spans, re.sub(r"\s", "", "".join(sentences)) != re.sub(r"\s", "", text)


def _boundaries(spans: set[tuple[int, int]]) -> set[int]:
    return {start for start, _ in spans} | {stop for _, stop in spans}


class SummaryROUGE(Metric):
    """ROUGE-1, ROUGE-2 and ROUGE-Lsum F1 with stemming (rouge-score), and sentence-level
    precision, recall and F1 of the chosen sentences against the reference sentences.
    Hypotheses and references are lists of sentences; the score is ROUGE-2."""

    name = "summary ROUGE-2"

    def __init__(self) -> None:
        try:
            from rouge_score import rouge_scorer
        except ImportError:
            raise MissingExtraError("summary ROUGE", "eval", "rouge-score") from None
        self._scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)

    def corpus_score(
        self, hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]
    ) -> Score:
        totals: dict[str, float] = defaultdict(float)
        for summary, reference in zip(hypotheses, references):
            rouge = self._scorer.score("\n".join(reference), "\n".join(summary))
            totals["rouge1"] += rouge["rouge1"].fmeasure
            totals["rouge2"] += rouge["rouge2"].fmeasure
            totals["rougeLsum"] += rouge["rougeLsum"].fmeasure
            hits = len(set(summary) & set(reference))
            precision = hits / len(summary) if summary else 0.0
            recall = hits / len(reference) if reference else 0.0
            totals["sentence_precision"] += precision
            totals["sentence_recall"] += recall
            totals["sentence_f1"] += 2 * precision * recall / (precision + recall) if hits else 0
        n = max(1, len(hypotheses))
        details = {key: 100 * value / n for key, value in totals.items()}
        version = importlib.metadata.version("rouge-score")
        return Score(
            self.name,
            details["rouge2"],
            f"rouge-score:{version}|stem:yes|{self.signature()}",
            details,
        )


# --- the benchmark set --------------------------------------------------------------------------

SEGMENTATION_FILES = {
    "GSD dev": "ud_ru_gsd_dev_segmentation.jsonl",
    "Taiga dev": "ud_ru_taiga_dev_segmentation.jsonl",
    "Poetry dev": "ud_ru_poetry_dev_segmentation.jsonl",
    "PUD": "ud_ru_pud_test_segmentation.jsonl",
}
PARALLEL_FILES = {
    "WMT21": "wmt21_newstest2021_ruen.tsv",
    "WMT22": "wmt22_generaltest2022_ruen.tsv",
}


def find_data(data: str | Path | None = None) -> Path:
    """The benchmark data directory: ``data``, else ``benchmarks/data`` of this clone."""
    candidates = (
        [Path(data)]
        if data
        else [
            Path.cwd() / "benchmarks" / "data",
            Path(__file__).resolve().parents[2] / "benchmarks" / "data",
        ]
    )
    for candidate in candidates:
        if (candidate / "pud_ru_en.tsv").is_file():
            return candidate
    raise InputError(
        f"no benchmark data in {candidates[0]}: run from a clone of ruen, or pass --data DIR "
        "(the folder with pud_ru_en.tsv)"
    )


def rebuild(record: dict[str, Any]) -> tuple[str, set[tuple[int, int]]]:
    """A gold segmentation record as text (sentences joined by a space, paragraphs by a blank
    line) and its gold sentence spans."""
    text = ""
    spans: set[tuple[int, int]] = set()
    for p, paragraph in enumerate(record["paragraphs"]):
        text += "\n\n" if p else ""
        for s, sentence in enumerate(paragraph):
            text += " " if s else ""
            spans.add((len(text), len(text) + len(sentence)))
            text += sentence
    return text, spans


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def wmt_documents(rows: list[dict[str, str]]) -> list[tuple[list[str], list[str]]]:
    """Each document's (Russian segments, English segments) in order, from ids
    ``[domain/]docid:pN:sM``."""
    docs: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for row in rows:
        doc, paragraph, segment = row["id"].rsplit(":", 2)
        docs[doc].append((int(paragraph[1:]), int(segment[1:]), row["ru"], row["en"]))
    return [([s[2] for s in sorted(segs)], [s[3] for s in sorted(segs)]) for segs in docs.values()]


def evaluate(
    translator: Any,
    *,
    data: str | Path | None = None,
    limit: int | None = None,
    generation: dict[str, Any] | None = None,
    progress: Callable[[str], object] | None = None,
) -> dict[str, Any]:
    """Every score of the benchmark set for ``translator``. ``limit`` caps the sentences (and
    documents, articles) per set, for a quick look or a slow model."""
    import ruen

    folder = find_data(data)
    generation = generation or {}
    say = progress or (lambda _message: None)
    bleu, chrf = BLEU(), ChrF()
    report: dict[str, Any] = {
        "model": translator.name,
        "translation_signature": translator.signature(
            translator.settings(
                **{
                    k: v
                    for k, v in generation.items()
                    if k in ("beam_size", "max_new_tokens", "min_new_tokens")
                }
            )
        ),
        "translation": {},
        "segmentation": {},
    }

    def translate(sentences: list[str]) -> tuple[list[str], float]:
        translator.memory_cache.clear()  # time the model, not the cache
        start = time.perf_counter()
        out = translator.translate(sentences, **generation)
        return out, time.perf_counter() - start

    say("PUD")
    pud = read_tsv(folder / "pud_ru_en.tsv")[:limit]
    hypotheses, seconds = translate([row["ru"] for row in pud])
    references = [row["en"] for row in pud]
    report["translation"]["PUD sentences"] = _pair(bleu, chrf, hypotheses, references)
    report["speed"] = {
        "sentences": len(pud),
        "seconds": seconds,
        "sentences_per_second": len(pud) / seconds if seconds else 0.0,
    }

    for name, file in PARALLEL_FILES.items():
        say(name)
        rows = read_tsv(folder / file)
        documents = wmt_documents(rows)
        if limit:
            documents = documents[: max(1, limit // 10)]
        segments_ru = [s for ru, _ in documents for s in ru]
        segments_en = [s for _, en in documents for s in en]
        hypotheses, _ = translate(segments_ru)
        report["translation"][f"{name} segments"] = _pair(bleu, chrf, hypotheses, segments_en)
        # Document level: each document as a user gives it, split by ruen and translated.
        doc_hypotheses = [
            " ".join(translator.translate(ruen.split_sentences("\n\n".join(ru)), **generation))
            for ru, _ in documents
        ]
        doc_references = [" ".join(en) for _, en in documents]
        report["translation"][f"{name} documents"] = _pair(
            bleu, chrf, doc_hypotheses, doc_references
        )

    say("segmentation")
    metric = SegmentationF1()
    for name, file in SEGMENTATION_FILES.items():
        with (folder / file).open(encoding="utf-8") as handle:
            gold = [rebuild(json.loads(line)) for line in handle]
        predicted = [ruen.split_sentences(text) for text, _ in gold]
        report["segmentation"][name] = asdict(metric.corpus_score(predicted, gold))

    say("summaries")
    articles = []
    with (folder / "bbc_news_summary_en.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["summary_sentences"]:
                articles.append(record)
            if limit and len(articles) == limit:
                break
    summaries, references_bbc = [], []
    for record in articles:
        sentences = ruen.split_sentences(record["text"])
        reference = [s.strip() for s in record["summary_sentences"]]
        chosen = ruen.summarize(sentences, len(reference), lang="en")
        summaries.append([sentences[i] for i in chosen])
        references_bbc.append(reference)
    report["summaries"] = asdict(SummaryROUGE().corpus_score(summaries, references_bbc))
    report["summaries"]["articles"] = len(articles)
    return report


def _pair(bleu: BLEU, chrf: ChrF, hypotheses: list[str], references: list[str]) -> dict:
    return {
        "segments": len(references),
        "BLEU": asdict(bleu.corpus_score(hypotheses, references)),
        "chrF": asdict(chrf.corpus_score(hypotheses, references)),
    }


def markdown(report: dict[str, Any]) -> str:
    """The report as a page a person reads."""
    lines = [
        f"# ruen eval: {report['model']}",
        "",
        f"translation: `{report['translation_signature']}`",
        "",
        "## Translation",
        "",
        "| set | segments | BLEU | chrF |",
        "|---|---|---|---|",
    ]
    for name, row in report["translation"].items():
        lines.append(
            f"| {name} | {row['segments']} | {row['BLEU']['score']:.2f} | "
            f"{row['chrF']['score']:.2f} |"
        )
    signatures = {row["BLEU"]["signature"] for row in report["translation"].values()}
    signatures |= {row["chrF"]["signature"] for row in report["translation"].values()}
    lines += ["", *(f"- `{signature}`" for signature in sorted(signatures))]
    speed = report["speed"]
    lines += [
        "",
        f"Speed: {speed['sentences_per_second']:.2f} sentences/s "
        f"({speed['sentences']} PUD sentences).",
        "",
        "## Segmentation",
        "",
        "| file | F1 | P | R | errors/1k | lost docs |",
        "|---|---|---|---|---|---|",
    ]
    for name, score in report["segmentation"].items():
        d = score["details"]
        lines.append(
            f"| {name} | {score['score']:.2f} | {d['precision']:.2f} | "
            f"{d['recall']:.2f} | {d['errors_per_1k']:.0f} | {int(d['lost'])} |"
        )
    s = report["summaries"]
    d = s["details"]
    lines += [
        "",
        "## Summaries (BBC News, English, k = reference length)",
        "",
        f"{s['articles']} articles: ROUGE-1 {d['rouge1']:.2f}, ROUGE-2 {d['rouge2']:.2f}, "
        f"ROUGE-Lsum {d['rougeLsum']:.2f}, sentence F1 {d['sentence_f1']:.2f} "
        f"(`{s['signature']}`)",
        "",
    ]
    return "\n".join(lines)

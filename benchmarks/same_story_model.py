"""One story across outlets: ruen.stories.same_story estimated by nested cross-validation on
the 108 crowd-labelled dev pairs, beside the simplest standard baseline, and the shipped model
fitted on all of them (``--fit``).

Protocol (the same for ruen and the baseline): five stratified outer folds, ten shuffles; inside
each outer training part, four inner folds choose the regularisation (the lowest log loss of
the inner out-of-fold probabilities, C in CS) and the merge threshold (the best F0.5 on those
probabilities: precision first, a wrong merge hides a story; the higher one on a tie); the
outer fold, which took no part in any choice, is scored. The baseline is a character 3-5-gram
TF-IDF cosine of title and text (sublinear tf, fitted on all the texts, as unsupervised
fitting may be), its one threshold chosen on the training part by the same F0.5. Each signal
is dropped in turn (the model without it, same protocol): a signal is kept only where the
model does worse without it. A gate (``ruen.stories.same_story.GATES``: headlines that give
different days) is a signal a pair must hold: the model is fitted on the pairs that hold it,
and a pair that fails it is two stories. Weak labels (two items of one outlet as two stories,
a text beside its reprint as one; benchmarks/data/ru_news_tgcontest_categories.tsv) are added
to the training parts only, never scored; the table shows the model without them too.

    python benchmarks/stories.py --speed 0 --same-story [--fit]
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from ruen.stories import same_story as ss

DATA = Path(__file__).resolve().parent / "data"
PAIRS = "ru_same_story_pairs_dev.jsonl"
CS = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
OUTER, INNER, SHUFFLES = 5, 4, 10
# The signals a pair must hold to be one story, as columns of the signals' table.
GATES = tuple(ss.SIGNALS.index(gate) for gate in ss.GATES)


def pairs() -> list[dict]:
    lines = (DATA / PAIRS).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def weak_pairs() -> list[tuple[str, str, str, str, bool]]:
    """(title, text, title, text, one story) by rules that need no reader: two items of one
    outlet are two stories (an outlet does not tell one story twice); a text and its reprint
    with the first sentence dropped are one."""
    lines = (DATA / "ru_news_tgcontest_categories.tsv").read_text(encoding="utf-8").splitlines()
    texts = [line.split("\t") for line in lines[1:] if line.strip()]
    by_outlet: dict[str, list[tuple[str, str]]] = {}
    for url, title, text, _ in texts:
        by_outlet.setdefault(urlsplit(url).netloc, []).append((title, text))
    made = [
        (a[0], a[1], b[0], b[1], False)
        for items in by_outlet.values()
        for a, b in itertools.combinations(items, 2)
    ]
    for _, title, text, _ in texts:
        sentences = re.split(r"(?<=[.!?])\s+", text)
        if len(sentences) >= 4:
            made.append((title, text, title, " ".join(sentences[1:]), True))
    return made


def signals(rows: list[tuple[str, str, str, str]]) -> np.ndarray:
    return np.array(
        [ss.signals(ss.Telling.of(x1, t1), ss.Telling.of(x2, t2)) for t1, x1, t2, x2 in rows]
    )


def baseline_scores(rows: list[tuple[str, str, str, str]]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    first = [f"{t1}. {x1}" for t1, x1, _, _ in rows]
    second = [f"{t2}. {x2}" for _, _, t2, x2 in rows]
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    tfidf.fit(first + second)
    return np.asarray(tfidf.transform(first).multiply(tfidf.transform(second)).sum(1)).ravel()


def prf(said: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp, fp = int((said & gold).sum()), int((said & ~gold).sum())
    fn = int((~said & gold).sum())
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return p, r, 2 * p * r / max(1e-9, p + r)


def f_beta(said: np.ndarray, gold: np.ndarray, beta: float) -> float:
    p, r, _ = prf(said, gold)
    return (1 + beta**2) * p * r / max(1e-9, beta**2 * p + r)


def threshold(scores: np.ndarray, gold: np.ndarray, beta: float = 0.5) -> float:
    """The threshold of the best F-beta, the higher one on a tie."""
    return max(np.unique(scores), key=lambda t: (f_beta(scores >= t, gold, beta), t))


def _model(c: float):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))


def passing(x: np.ndarray, gates: tuple[int, ...]) -> np.ndarray:
    """The pairs that hold every gate (columns of ``x``): the others are two stories."""
    return (x[:, list(gates)] >= 1).all(axis=1) if gates else np.ones(len(x), bool)


def predict(model, x: np.ndarray, gates: tuple[int, ...]) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The model's probabilities, 0 for a pair that fails a gate."""
    p, ok = np.zeros(len(x)), passing(x, gates)
    if ok.any():
        p[ok] = model.predict_proba(x[ok])[:, 1]
    return p


def choose(
    x: np.ndarray,
    y: np.ndarray,
    seed: int,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
    gates: tuple[int, ...] = (),
):  # type: ignore[no-untyped-def]
    """Inside a training part: the C of the lowest inner log loss, the model fitted on the
    whole part with it (on the pairs that pass the gates), and its out-of-fold probabilities
    (for the thresholds)."""
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(INNER, shuffle=True, random_state=seed).split(x, y))
    best = None
    for c in CS:
        p = np.zeros(len(y))
        for train, test in folds:
            xs, ys = _with(x[train], y[train], extra, gates)
            p[test] = predict(_model(c).fit(xs, ys), x[test], gates)
        loss = -np.mean(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9))
        if best is None or loss < best[0]:
            best = (loss, c, p)
    _, c, p = best
    return _model(c).fit(*_with(x, y, extra, gates)), c, p


def _with(x, y, extra, gates=()):  # type: ignore[no-untyped-def]
    if extra is not None:
        x, y = np.vstack([x, extra[0]]), np.concatenate([y, extra[1]])
    ok = passing(x, gates)
    return x[ok], y[ok]


def nested(
    x: np.ndarray,
    y: np.ndarray,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
    gates: tuple[int, ...] = (),
) -> dict[str, float]:
    """Mean and spread over the shuffles of precision, recall, F1, and the Brier score of the
    outer folds' probabilities."""
    from sklearn.model_selection import StratifiedKFold

    runs = []
    for shuffle in range(SHUFFLES):
        said, probability = np.zeros(len(y), bool), np.zeros(len(y))
        outer = StratifiedKFold(OUTER, shuffle=True, random_state=shuffle)
        for train, test in outer.split(x, y):
            model, _, p = choose(x[train], y[train], shuffle, extra, gates)
            probability[test] = predict(model, x[test], gates)
            said[test] = probability[test] >= threshold(p, y[train])
        runs.append([*prf(said, y), float(np.mean((probability - y) ** 2))])
    return _summary(runs)


def nested_baseline(scores: np.ndarray, y: np.ndarray) -> dict[str, float]:
    from sklearn.model_selection import StratifiedKFold

    runs = []
    for shuffle in range(SHUFFLES):
        said = np.zeros(len(y), bool)
        outer = StratifiedKFold(OUTER, shuffle=True, random_state=shuffle)
        for train, test in outer.split(scores, y):
            said[test] = scores[test] >= threshold(scores[train], y[train])
        runs.append([*prf(said, y), float("nan")])
    return _summary(runs)


def _summary(runs: list[list[float]]) -> dict[str, float]:
    a = np.array(runs)
    names = ("precision", "recall", "F1", "brier")
    return {
        **{n: float(a[:, k].mean()) for k, n in enumerate(names)},
        **{f"{n}_sd": float(a[:, k].std()) for k, n in enumerate(names)},
    }


def fit(x: np.ndarray, y: np.ndarray, weak: tuple[np.ndarray, np.ndarray]) -> dict:
    """The shipped model: C chosen as inside a fold, fitted on all pairs and the weak labels;
    MERGE the best F0.5 and RELATED the best F2 (recall first: a link costs a reader a glance)
    of the crowd pairs' out-of-fold probabilities."""
    model, c, p = choose(x, y, 2026, weak, GATES)
    scaler, regression = model[0], model[1]
    return {
        "signals": list(ss.SIGNALS),
        "gates": list(ss.GATES),
        "mean": scaler.mean_.round(6).tolist(),
        "scale": scaler.scale_.round(6).tolist(),
        "coefficients": regression.coef_[0].round(6).tolist(),
        "intercept": round(float(regression.intercept_[0]), 6),
        "merge": round(float(threshold(p, y, 0.5)), 4),
        "related": round(float(threshold(p, y, 2.0)), 4),
        "C": c,
        "weak_labels": len(weak[1]),
        "trained_on": f"{len(y)} crowd-labelled pairs, benchmarks/data/{PAIRS}, and "
        f"{len(weak[1])} weak labels, benchmarks/data/ru_news_tgcontest_categories.tsv",
        "command": "python benchmarks/stories.py --speed 0 --same-story --fit",
    }


def run(*, write: bool = False) -> tuple[list[list], dict]:
    """The table of nested estimates (printed), and the model fitted on all pairs (written to
    ruen's model file with ``write``)."""
    rows = pairs()
    texts = [(r["first_title"], r["first_text"], r["second_title"], r["second_text"]) for r in rows]
    y = np.array([bool(r["same_story"]) for r in rows])
    x = signals(texts)
    made = weak_pairs()
    weak = (signals([m[:4] for m in made]), np.array([m[4] for m in made]))
    ones, twos = int(weak[1].sum()), int((~weak[1]).sum())
    weighed = len(ss.SIGNALS) - len(ss.GATES)
    gated = " and ".join(ss.GATES)
    measured = {
        f"ruen: logistic regression over {weighed} signals, {gated} a gate, weak labels added": (
            nested(x, y, weak, GATES)
        ),
        "baseline: char 3-5-gram TF-IDF cosine, one threshold": nested_baseline(
            baseline_scores(texts), y
        ),
        f"without weak labels ({ones} reprints, {twos} same-outlet)": nested(x, y, gates=GATES),
        f"{gated} a weight, not a gate": nested(x, y, weak),
    }
    for k, name in enumerate(ss.SIGNALS):
        keep = [j for j in range(x.shape[1]) if j != k]
        gates = tuple(keep.index(g) for g in GATES if g != k)
        measured[f"without {name}"] = nested(x[:, keep], y, (weak[0][:, keep], weak[1]), gates)
    print(
        f"\n{len(rows)} dev pairs ({int(y.sum())} one story): nested cross-validation, "
        f"{OUTER} outer folds x {SHUFFLES} shuffles, {INNER} inner folds"
    )
    print("| decision | precision | recall | F1 | Brier |")
    print("|---|---|---|---|---|")
    table = []
    for name, m in measured.items():
        brier = "" if np.isnan(m["brier"]) else f"{m['brier']:.3f}"
        print(
            f"| {name} | {m['precision']:.3f} ± {m['precision_sd']:.3f} | {m['recall']:.3f} ± "
            f"{m['recall_sd']:.3f} | {m['F1']:.3f} ± {m['F1_sd']:.3f} | {brier} |"
        )
        scores = [round(m[k], 3) for k in ("precision", "recall", "F1", "F1_sd")]
        table.append([name, *scores, None if np.isnan(m["brier"]) else round(m["brier"], 3)])
    fitted = fit(x, y, weak)
    print(
        f"fitted on all {len(y)} pairs: C {fitted['C']}, merge at {fitted['merge']}, related "
        f"at {fitted['related']}; coefficients "
        + ", ".join(f"{n} {c:+.2f}" for n, c in zip(ss.SIGNALS, fitted["coefficients"]))
    )
    if write:
        ss.MODEL.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
        print(f"written to {ss.MODEL}")
    return table, fitted

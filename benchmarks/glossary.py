"""Glossaries: does the English hold the house's names, what each enforcement step costs, and
how well the Russian side finds every case form.

1. The Russian-side matcher on ``tests/data/glossary_forms.tsv`` (inflected forms that must
   match, look-alikes that must not): recall and precision of Snowball stems (what ruen uses)
   and of pymorphy3 lemmas (where pymorphy3 is installed), and the time per phrase.
2. The ``term`` check's false alarms on the human references (PUD, WMT21/22) whose Russian
   holds a term of the shipped glossaries: a reference is a correct translation, so every flag
   on one is a false alarm.
3. Term sentences: every sentence of the benchmark data and of the sample announcement that
   holds a term of ru-gov or by-gov (combined), on the real-size random model with the
   default backend (CTranslate2 int8): the share whose English holds every target with no
   glossary, with enforcement from the n-best list only, and with the forced prefix too (the
   default with a glossary), the time each adds, and whether every term sentence holds its
   terms or carries a ``term`` flag.
4. The benchmark documents (WMT21/22, corpus.py's) digested with the defaults, without and
   with ``glossary=ru-gov``: the whole cost of a glossary where most sentences have no term.

Settings changed from the defaults, and why: beam 4 and exactly 30 output tokens, as
corpus.py (random weights must do a real model's work; README's speed figures use beam 4).
Each system runs in a fresh process, so no cache of one helps another.

    python benchmarks/glossary.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CHANGED, CHANGED_WHY, documents, run_worker
from results import save
from ruen.evaluation import read_tsv
from translate_speed import MODEL, build_model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
FORMS = ROOT / "tests" / "data" / "glossary_forms.tsv"
SAMPLE = ROOT / "examples" / "mpt_egov_conference_2020_ru.txt"
REFERENCES = ("pud_ru_en.tsv", "wmt21_newstest2021_ruen.tsv", "wmt22_generaltest2022_ruen.tsv")
# Foreign news in Russian: English-original news, translated (WMT21 and WMT22 en-ru); their
# matches are judged as the others are, a kind of text of its own.
FOREIGN_NEWS = ("wmt21_newstest2021_enru.tsv", "wmt22_generaltest2022_enru.tsv")
SYSTEMS = ("no glossary", "n-best only", "n-best, then prefix")


def shipped():
    from ruen.glossary import Glossary

    return Glossary.load("ru-gov", "by-gov")


def matcher() -> list[dict]:
    """Recall and precision of each way of reading Russian words on the forms list."""
    from ruen.glossary import Glossary
    from ruen.glossary.terms import stem_keys

    lines = [line for line in FORMS.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = [line.split("\t") for line in lines[1:]]
    ways = {"Snowball stems (ruen)": stem_keys}
    try:
        import pymorphy3

        morph = pymorphy3.MorphAnalyzer()
        cache: dict[str, frozenset[str]] = {}

        def lemmas(word: str) -> frozenset[str]:
            if word not in cache:
                parses = morph.parse(word.lower())
                cache[word] = frozenset(p.normal_form.replace("ё", "е") for p in parses)
            return cache[word]

        ways["pymorphy3 lemmas"] = lemmas
    except ImportError:
        print("pymorphy3 is not installed: lemmas are not measured", file=sys.stderr)
    results = []
    terms = list(Glossary.load("ru-gov"))
    for name, keys in ways.items():
        glossary = Glossary(terms, keys=keys)
        glossary.find("прогрев")  # build the index outside the timing
        hits = misses = false = 0
        start = time.perf_counter()
        for _ in range(20):
            found_all = [[m.term.source for m in glossary.find(text)] for text, _ in rows]
        per_phrase = (time.perf_counter() - start) / 20 / len(rows) * 1e6
        for (_, want), found in zip(rows, found_all):
            if want == "-":
                false += len(found)
                continue
            hits += want in found
            misses += want not in found
            false += sum(source != want for source in found)
        results.append(
            {
                "way": name,
                "inflected forms": hits + misses,
                "recall": hits / (hits + misses),
                "precision": hits / max(1, hits + false),
                "false matches": false,
                "us per phrase": per_phrase,
            }
        )
    return results


def false_alarms() -> list[dict]:
    """``term`` flags on human references whose Russian holds a shipped glossary's term."""
    import ruen
    from ruen.glossary import Glossary

    results = []
    for name in ("ru-gov", "by-gov"):
        glossary = Glossary.load(name)
        held = flagged = 0
        for data in REFERENCES:
            for row in read_tsv(DATA / data):
                if not glossary.find(row["ru"]):
                    continue
                held += 1
                flags = ruen.check(row["ru"], row["en"], glossary=glossary)
                flagged += any(flag.kind == "term" for flag in flags)
        results.append({"glossary": name, "references": held, "false alarms": flagged})
    return results


JUDGED = DATA / "glossary_matches_judged.tsv"


def russian_documents() -> list[tuple[str, str, list[str]]]:
    """(set, document id, sentences) of every Russian text in the repo: the kremlin acts and
    the sample, PUD by sentence, WMT21/22 by document, the UD segmentation sets by document."""
    import ruen

    docs = []
    for path in [*sorted((ROOT / "tests" / "data" / "acts").glob("*.txt")), SAMPLE]:
        text = ruen.read_document(path).text
        docs.append((path.name, path.name, ruen.split_sentences(text)))
    for name in (*REFERENCES[1:], *FOREIGN_NEWS):
        by_doc: dict[str, list[str]] = {}
        for row in read_tsv(DATA / name):
            by_doc.setdefault(row["id"].split(":", 1)[0], []).append(row["ru"])
        docs += [(name, doc, sentences) for doc, sentences in by_doc.items()]
    docs += [(REFERENCES[0], row["sent_id"], [row["ru"]]) for row in read_tsv(DATA / REFERENCES[0])]
    for path in sorted(DATA.glob("ud_*_segmentation.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            sentences = [s for paragraph in record["paragraphs"] for s in paragraph]
            docs.append((path.name, record["doc_id"], sentences))
    return docs


def matches() -> list[list[str]]:
    """Every match of the shipped glossaries over the repo's Russian, each document's state
    told as the digest tells it: (glossary, set, document, match, term, context)."""
    from ruen.glossary import Glossary
    from ruen.glossary.owners import DEFAULT_HOME, home

    found = []
    for name in ("ru-gov", "by-gov"):
        glossary = Glossary.load(name)
        for data, doc, sentences in russian_documents():
            view = glossary.at_home(home(" ".join(sentences)) or DEFAULT_HOME)
            for sentence in sentences:
                for m in view.find(sentence):
                    context = sentence[max(0, m.start - 60) : m.stop + 60]
                    found.append([name, data, doc, " ".join(m.text.split()), m.term.source,
                                  " ".join(context.split())])  # fmt: skip
    return found


def judged() -> dict[tuple[str, ...], tuple[str, str]]:
    """(glossary, set, document, match, term) -> (verdict, note), as judged by hand."""
    lines = [line for line in JUDGED.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = [line.split("\t") for line in lines[1:]]
    return {tuple(row[:5]): (row[5], row[6]) for row in rows}


def precision() -> dict:
    """Match precision against the judged matches, and by-gov's matches of Russia's bodies
    (the judged ones, and every ru-gov name put in a sentence of its own, plain and with
    "России" after it)."""
    from ruen.glossary import Glossary

    verdicts = judged()
    found = matches()
    by_glossary: dict[str, list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    unjudged = []
    for row in found:
        verdict = verdicts.get(tuple(row[:5]))
        if verdict is None:
            unjudged.append(row)
            continue
        for tally in (by_glossary.setdefault(row[0], [0, 0]),
                      by_kind.setdefault(kind_of_text(row[1]), [0, 0])):  # fmt: skip
            tally[0] += verdict[0] == "right"
            tally[1] += 1
    # Matches judged right that the rules no longer make: what precision gained cost.
    now = {tuple(row[:5]) for row in found}
    lost = [key for key, (verdict, _) in verdicts.items() if verdict == "right" and key not in now]
    by_gov = Glossary.load("by-gov")
    russian = Glossary.load("ru-gov")
    sentences = [f"{t.source} сообщил о новых мерах." for t in russian]
    sentences += [f"По данным {t.source} России, меры приняты." for t in russian]
    russia_bodies = sum(len(by_gov.find(s)) for s in sentences)
    return {"by glossary": by_glossary, "by kind": by_kind, "unjudged": unjudged, "lost": lost,
            "by-gov on Russia": russia_bodies, "russia sentences": len(sentences)}  # fmt: skip


def kind_of_text(data: str) -> str:
    """The kind of text a judged match comes from: acts (the kremlin acts and the sample
    announcement), foreign news (English-original news in Russian), Russian news and the rest
    (WMT21/22 ru-en, PUD, the UD sets)."""
    if data.endswith(".txt"):
        return "acts"
    return "foreign news" if data in FOREIGN_NEWS else "Russian news and the rest"


def term_sentences() -> list[str]:
    import ruen

    glossary = shipped()
    pool = [row["ru"] for data in REFERENCES for row in read_tsv(DATA / data)]
    pool += ruen.split_sentences(SAMPLE.read_text("utf-8"))
    return [text for text in dict.fromkeys(pool) if glossary.find(text)]


def worker(system: str) -> dict:
    import ruen
    from ruen.translation import terms

    translator = ruen.load_translator(MODEL, device="cpu")
    glossary = shipped()
    if system == "documents" or system == "documents+glossary":
        docs = documents(120)
        chosen = glossary if system.endswith("glossary") else None
        options = ruen.TranslateOptions(**CHANGED, repair=True, glossary=chosen)
        start = time.perf_counter()
        digests = list(ruen.digest_many(docs, options, translator=translator))
        elapsed = time.perf_counter() - start
        uses = [use for d in digests for r in d.sentences for use in r.terms]
        sentences = sum(len(d.sentences) for d in digests)
        return {"seconds": elapsed, "sentences": sentences, "term uses": len(uses)}
    texts = term_sentences()
    if system == "n-best only":
        terms.MAX_PREFIX_ROUNDS = 0
    chosen = None if system == "no glossary" else glossary
    options = ruen.TranslateOptions(**CHANGED, repair=True, glossary=chosen)
    start = time.perf_counter()
    done = translator.translate_detailed(texts, options)
    elapsed = time.perf_counter() - start
    holding = accounted = 0
    how: dict[str, int] = {}
    for text, result in zip(texts, done):
        matches = glossary.find(text)
        held = all(glossary.held(result.text, match) for match in matches)
        flagged = {f.source for f in ruen.check(text, result.text, glossary=glossary)}
        holding += held
        accounted += all(glossary.held(result.text, m) or m.text in flagged for m in matches)
        for use in result.terms:
            how[use.how] = how.get(use.how, 0) + 1
    return {
        "sentences": len(texts),
        "hold every target": holding,
        "hold or flagged": accounted,
        "seconds": elapsed,
        "how": how,
    }


def measure(system: str) -> dict:
    return run_worker(system, [sys.executable, __file__, "--worker", system])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-documents", action="store_true", help="skip the benchmark documents (part 4)"
    )
    parser.add_argument(
        "--judge", action="store_true", help="list the matches that are not judged yet, and stop"
    )
    parser.add_argument(
        "--matches-only", action="store_true",
        help="only the judged matches' precision (part of 2), nothing saved",
    )  # fmt: skip
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    judging = precision()
    if args.judge:
        for row in judging["unjudged"]:
            print("\t".join([*row[:5], "?", "", row[5]]))
        return
    print("Matches of the shipped glossaries over the repo's Russian, judged by hand "
          f"({JUDGED.name}):\n")  # fmt: skip
    print("| glossary | matches judged | right | precision |")
    print("|---|---:|---:|---:|")
    total = [0, 0]
    for name, (right, count) in judging["by glossary"].items():
        total = [total[0] + right, total[1] + count]
        print(f"| {name} | {count} | {right} | {100 * right / count:.1f} % |")
    print(f"| both | {total[1]} | {total[0]} | {100 * total[0] / max(1, total[1]):.1f} % |")
    print("\n| kind of text | matches judged | right | precision |")
    print("|---|---:|---:|---:|")
    for kind, (right, count) in sorted(judging["by kind"].items()):
        print(f"| {kind} | {count} | {right} | {100 * right / count:.1f} % |")
    print(f"\n{len(judging['lost'])} matches judged right are no longer made")
    if args.matches_only:
        return
    if judging["unjudged"]:
        print(f"\n{len(judging['unjudged'])} matches not judged yet: run with --judge")
    naming = judging["russia sentences"]
    print(f"\nby-gov on Russia's bodies ({naming} sentences naming each ru-gov body, plain "
          f"and with 'России'): {judging['by-gov on Russia']} matches\n")  # fmt: skip
    print("The Russian-side matcher, on tests/data/glossary_forms.tsv:\n")
    print("| way | inflected forms | recall | precision | false matches | µs per phrase |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in matcher():
        print(
            f"| {r['way']} | {r['inflected forms']} | {100 * r['recall']:.1f} % | "
            f"{100 * r['precision']:.1f} % | {r['false matches']} | {r['us per phrase']:.0f} |"
        )
    print("\nThe term check on human references (PUD, WMT21, WMT22) holding a term:\n")
    print("| glossary | references with a term | false alarms | share |")
    print("|---|---:|---:|---:|")
    alarms = {}
    for r in false_alarms():
        share = 100 * r["false alarms"] / max(1, r["references"])
        print(f"| {r['glossary']} | {r['references']} | {r['false alarms']} | {share:.1f} % |")
        alarms[r["glossary"]] = round(share, 1)
    build_model()
    print(f"\nTerm sentences, real-size random model, ruen's defaults; {CHANGED_WHY}\n")
    print("| system | term sentences | hold every target | held or flagged | seconds | added |")
    print("|---|---:|---:|---:|---:|---:|")
    previous = None
    rows = []
    for system in SYSTEMS:
        r = measure(system)
        n = r["sentences"]
        added = "" if previous is None else f"+{r['seconds'] - previous:.1f} s"
        previous = r["seconds"]
        held, accounted = 100 * r["hold every target"] / n, 100 * r["hold or flagged"] / n
        print(
            f"| {system} | {n} | {held:.1f} % | {accounted:.1f} % | {r['seconds']:.1f} | {added} |",
            flush=True,
        )
        print(f"  (how the terms came out: {r['how']})", file=sys.stderr)
        rows.append([system, n, round(held, 1), round(accounted, 1), round(r["seconds"], 1)])
    documents_cost = None
    if not args.no_documents:
        plain, kept = measure("documents"), measure("documents+glossary")
        print(
            f"\nBenchmark documents (120 WMT documents, {plain['sentences']} sentences, "
            f"{kept['term uses']} terms): {plain['seconds']:.1f} s without a glossary, "
            f"{kept['seconds']:.1f} s with ru-gov+by-gov: "
            f"{kept['seconds'] / plain['seconds']:.2f}× (target ≤ 1.3×)"
        )
        documents_cost = {"without": round(plain["seconds"], 1), "with": round(kept["seconds"], 1),
                          "ratio": round(kept["seconds"] / plain["seconds"], 2)}  # fmt: skip
    from importlib.metadata import version

    signature = (
        "data:pud+wmt21+wmt22+acts|model:marian-real-size-random|beam:4|tokens:30|"
        f"glossaries:ru-gov+by-gov|ruen:{version('ruen')}|ctranslate2:{version('ctranslate2')}"
    )
    save(
        "glossary",
        "Term sentences whose English holds every target, by enforcement step",
        ["system", "term sentences", "% hold every target", "% held or flagged", "seconds"],
        rows,
        signature=signature,
        command="python benchmarks/glossary.py" + (" --no-documents" if args.no_documents else ""),
        chart={"x": "system", "y": "% hold every target", "ylabel": "% of term sentences"},
        false_alarms=alarms,
        documents=documents_cost,
    )


if __name__ == "__main__":
    main()

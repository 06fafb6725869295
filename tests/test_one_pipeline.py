"""One pipeline: no document stops a run, threads never change the English, and no record says
what did not happen.

Each test here failed on the code before it: Kommersant's «Ъ» taken for a person with an empty
spelling stopped a digest (exit 2, "a glossary term needs a source and a target"); threads
sharing a translator tokenised Russian with the English SentencePiece model (the test model now
has two, as opus-mt-ru-en has); ``ruen serve`` translated with the request's options, not the
document's state's; a record said ``prefix`` for a term its English lacked; a reprint read
before its original was kept as the original."""

from __future__ import annotations

import csv
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import ruen
from ruen.errors import InternalError
from ruen.evaluation import read_tsv, wmt_documents
from ruen.translation.tokens import ModelTokens
from tests.conftest import ROOT, run_cli

WMT21 = ROOT / "benchmarks" / "data" / "wmt21_newstest2021_ruen.tsv"
FAST = {"max_new_tokens": 6, "beam_size": 2}
KOMMERSANT = [
    "Об этом рассказал Ъ FM.",
    "Как сообщил источник Ъ в правительстве, решение уже принято.",
    "Подробности на сайте Ъ-Online.",
    "Об этом пишет «Коммерсантъ».",
    "Об этом сообщил Ь.",
]


@pytest.fixture(scope="module")
def documents() -> list[str]:
    """32 WMT21 documents (real news), as the thread fault was reproduced on."""
    return [" ".join(ru) for ru, _ in wmt_documents(read_tsv(WMT21))][:32]


# --- one translator, many threads -------------------------------------------------------------


def test_the_test_model_has_two_sentencepiece_models(tiny_model: Path) -> None:
    """As opus-mt-ru-en: a Russian text cut by the English model gives other tokens."""
    translator = ruen.load_translator(tiny_model)
    assert (tiny_model / "source.spm").read_bytes() != (tiny_model / "target.spm").read_bytes()
    text = "Министр иностранных дел заявил об этом в Москве."
    tokenizer = translator.tokenizer
    assert tokenizer(text)["input_ids"] != tokenizer(text_target=text)["input_ids"]


def test_the_target_side_has_an_encoder_of_its_own(tiny_model: Path) -> None:
    """The same ids as ``tokenizer(text_target=...)``, without switching the tokenizer's mode:
    the Russian side reads the same before and after."""
    translator = ruen.load_translator(tiny_model)
    tokenizer = translator.tokenizer
    tokens = ModelTokens(tokenizer, translator.max_input_tokens)
    with (ROOT / "tests" / "data" / "pud_ru_en_300.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    english = [row["en"] for row in rows[:100]] + ["Shoygu", "Lukashenka", "Kommersant FM", ""]
    russian = rows[0]["ru"]
    before = tokenizer(russian)["input_ids"]
    for text in english:
        expected = tokenizer(text_target=text, add_special_tokens=False)["input_ids"]
        assert tokens.target_ids(text) == [i for i in expected if i != tokenizer.eos_token_id]
    assert tokenizer.current_spm is tokenizer.spm_source
    assert tokenizer(russian)["input_ids"] == before


def test_no_text_longer_than_the_model_reaches_an_engine(tiny_model: Path) -> None:
    translator = ruen.load_translator(tiny_model)
    too_long = " ".join(["слово"] * 2 * translator.max_input_tokens)
    with pytest.raises(InternalError, match="reads 512 at most"):
        translator.engine.tokens.source_ids([too_long])
    # ruen cuts such a text before it reaches the engine: translating it works.
    (english,) = translator.translate([too_long], max_new_tokens=2, beam_size=1)
    assert english


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_eight_threads_give_what_one_thread_gives(
    tiny_model: Path, documents: list[str], backend: str
) -> None:
    """8 threads digesting with one shared translator, repair and names on, give exactly the
    records one thread gives (before: 1 to 3 of 32 documents differed, or CTranslate2 raised
    'No position encodings are defined for positions >= 512')."""
    chosen = documents if backend == "ctranslate2" else documents[:8]
    options = {"max_new_tokens": 12, "beam_size": 2}

    def digest(translator: ruen.Translator, text: str) -> dict:
        return ruen.digest(text, translator=translator, **options).to_dict()

    ruen.clear_cache()
    alone = ruen.load_translator(tiny_model, backend=backend)
    expected = [digest(alone, text) for text in chosen]
    for _ in range(2):
        ruen.clear_cache()  # a fresh translator each round: nothing comes from a cache
        shared = ruen.load_translator(tiny_model, backend=backend)
        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(lambda text, t=shared: digest(t, text), chosen))
        assert [i for i, (a, b) in enumerate(zip(expected, found)) if a != b] == []
    ruen.clear_cache()


def test_serve_under_concurrent_requests_equals_digest(
    tiny_model: Path, documents: list[str]
) -> None:
    """``ruen serve`` gives the record ``digest`` gives, 8 requests at once, with a shipped
    glossary whose bodies depend on the document's state (a Belarusian note)."""
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    from tests.test_serve import serve_process

    note = (ROOT / "examples" / "mpt_egov_conference_2020_ru.txt").read_text(encoding="utf-8")
    belarus = (  # Russia's EMERCOM is no term here: a document about Belarus
        "Президент Беларуси Александр Лукашенко поручил проверить склады. Сотрудники МЧС "
        "потушили пожар на складе. Глава МЧС прибыл на место."
    )
    texts = [note, belarus, *documents[:6]]
    glossary = ruen.Glossary.load("ru-gov")
    from ruen.documents import parse_document

    expected = [  # a posted text is read as ruen reads a file (its title found)
        ruen.digest(parse_document(text, format="auto", name="text"), model=tiny_model,
                    glossary=glossary, **FAST).to_dict()
        for text in texts
    ]  # fmt: skip
    cli = ("--max-new-tokens", "6", "--beam-size", "2", "--glossary", "ru-gov")
    with (
        serve_process("--model", str(tiny_model), *cli, "--max-chars", "50000") as url,
        httpx.Client(base_url=url, timeout=120) as client,
        ThreadPoolExecutor(8) as pool,
    ):
        answers = list(pool.map(lambda t: client.post("/v1/digest", json={"text": t}), texts))
    assert [a.status_code for a in answers] == [200] * len(texts)
    assert all(r["terms"] == [] for r in expected[1]["sentences"])
    for answer, wanted in zip(answers, expected):
        got = answer.json()
        assert got["sentences"] == wanted["sentences"]
        assert got["title"] == wanted["title"]


# --- names that cannot be empty -----------------------------------------------------------------


@pytest.mark.parametrize("sentence", KOMMERSANT)
def test_kommersant_and_lone_letters_are_no_people(sentence: str) -> None:
    pytest.importorskip("pymorphy3")
    from ruen.names.entities import find

    assert [e.text for e in find(sentence)] == []
    flags = ruen.check(sentence, "Kommersant FM said this.")
    assert [f for f in flags if f.kind == "name" and f.source and f.source[0] in "ЪЬ"] == []
    assert all(not f.message.endswith("expected") for f in flags)


def test_a_name_with_no_latin_spelling_is_never_flagged_or_kept() -> None:
    pytest.importorskip("pymorphy3")
    from ruen.names.check import renderings

    for sentence in [*KOMMERSANT, "Буква Ъ стоит перед Ю.", "Э, нет!"]:
        assert all(r.expected.strip() for r in renderings(sentence, "Anything."))
        assert all(r.expected.strip() for r in renderings(sentence, "Anything.", house={}))


def test_digest_of_kommersant_exits_0(tmp_path: Path, tiny_model: Path, offline_env) -> None:
    """Today's first example: exit 2 with "a glossary term needs a source and a target"."""
    (tmp_path / "k.txt").write_text("Об этом рассказал Ъ FM.\n", encoding="utf-8")
    result = run_cli(
        "digest", str(tmp_path / "k.txt"), "--model", str(tiny_model),
        "--max-new-tokens", "6", env=offline_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Full translation:" in result.stdout and "expected\n" not in result.stdout


def test_an_archive_with_kommersant_is_digested_whole(
    tmp_path: Path, tiny_model: Path, offline_env
) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for n, sentence in enumerate(KOMMERSANT):
        (archive / f"{n}.txt").write_text(f"Новость номер {n + 1}. {sentence}\n", "utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "digest", str(archive), "--format", "jsonl", "-o", str(out), "--model",
        str(tiny_model), "--max-new-tokens", "6", env=offline_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(KOMMERSANT) and all("sentences" in line for line in lines)


# --- isolation: a fault inside one document ends no run -----------------------------------------


def test_a_document_whose_names_fail_keeps_its_translation_with_a_note(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A fault injected into keeping names (the step that raised for «Ъ»): the window is done
    again a document at a time; the document at fault is digested without its names kept,
    and says so; the others are as they would be."""
    import ruen.pipeline as pipeline

    real = pipeline._kept
    texts = ["Москва приняла решение.", "Об этом сообщил министр Лавров.", "Минск ответил."]

    def failing(work, translator):
        if any("Лавров" in text for plan, _, _ in work for text in plan.texts):
            raise ValueError("a glossary term needs a source and a target")
        return real(work, translator)

    expected = [ruen.digest(t, model=tiny_model, **FAST).to_dict() for t in texts]
    monkeypatch.setattr(pipeline, "_kept", failing)
    with caplog.at_level(logging.WARNING, logger="ruen"):
        results = list(ruen.digest_many(texts, model=tiny_model, on_error="record", **FAST))
    assert all(isinstance(r, ruen.Digest) for r in results)
    assert results[0].to_dict() == expected[0] and results[2].to_dict() == expected[2]
    (note,) = results[1].notes
    assert note.startswith("people and places not kept: internal error while keeping people")
    assert "internal error" in caplog.text


def test_a_document_that_cannot_be_translated_gets_an_error_record(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    translator = ruen.load_translator(tiny_model)
    real = translator.translate_detailed

    def failing(texts, options=None, **kwargs):
        if any("сломано" in text for text in texts):
            raise RuntimeError("No position encodings are defined for positions >= 512")
        return real(texts, options, **kwargs)

    monkeypatch.setattr(translator, "translate_detailed", failing)
    texts = [{"id": "a", "text": "Всё хорошо."}, {"id": "b", "text": "Тут сломано."}, "Дальше."]
    results = list(ruen.digest_many(texts, translator=translator, on_error="record", **FAST))
    assert [type(r).__name__ for r in results] == ["Digest", "DocumentError", "Digest"]
    assert results[1].id == "b"
    assert results[1].error.startswith("b: internal error while translating: RuntimeError")
    with pytest.raises(InternalError, match="internal error while translating"):
        ruen.digest("Тут сломано.", translator=translator, **FAST)


def test_a_check_that_fails_inside_is_logged_and_said(caplog: pytest.LogCaptureFixture) -> None:
    """Before, ``check`` swallowed it: the pair passed for checked."""

    class Broken(ruen.Glossary):
        def check(self, ru: str, en: str):  # type: ignore[override]
            raise KeyError("broken")

    with caplog.at_level(logging.WARNING, logger="ruen"):
        flags = ruen.check("Индекс вырос на 5,8 %.", "The index grew by 5.8%.", glossary=Broken({}))
    assert [f.kind for f in flags] == ["unchecked"]
    assert "failed inside ruen (KeyError)" in flags[0].message
    assert "internal error in check" in caplog.text


# --- honest records -----------------------------------------------------------------------------


def test_a_record_says_what_its_english_holds(tmp_path: Path, tiny_model: Path) -> None:
    """A house spelling (Шойгу: Shoygu) at 24 tokens: the record said 'prefix' for a term its
    English lacked, beside a term flag, and its name flag expected the list's Shoigu."""
    pytest.importorskip("pymorphy3")
    house = tmp_path / "house.tsv"
    house.write_text("Шойгу\tShoygu\n", encoding="utf-8")
    glossary = ruen.Glossary.from_file(house)
    texts = [
        "Секретарь Совбеза Сергей Шойгу прибыл в Минск.",
        "Шойгу провёл встречу в Москве.",
        "В Минске Сергей Шойгу встретился с Лукашенко.",
    ]
    for text in texts:
        result = ruen.digest(text, model=tiny_model, glossary=glossary, max_new_tokens=24)
        for record in result.sentences:
            flagged = {(f.kind, f.source) for f in record.flags}
            for use in record.terms:
                assert (use.how == "missing") == (("term", use.source) in flagged)
                if use.how != "missing":
                    assert use.target in record.en
            for use in record.names:
                if use.how != "missing":
                    assert ("name", use.source) not in flagged
            for flag in record.flags:
                if flag.kind == "name" and "Шойгу" in (flag.source or ""):
                    assert "expected Shoygu" in flag.message or "Shoygu elsewhere" in flag.message


# --- the original first -------------------------------------------------------------------------


def test_the_earlier_published_telling_is_the_original() -> None:
    pytest.importorskip("rensa")
    from ruen.stories import StoryIndex

    text = " ".join(list(wmt_documents(read_tsv(WMT21)))[3][0])
    noon = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    index = StoryIndex()
    # The copy, published two hours later, is read first (a Telegram post before a page).
    assert index.place("copy", text, noon + timedelta(hours=2)) == (None, None)
    assert index.place("original", text, noon) == (None, "copy")
    assert index.place("third", text, noon + timedelta(hours=3)) == ("original", None)
    # Without dates, the one seen first stays the original.
    undated = StoryIndex()
    assert undated.place("first", text) == (None, None)
    assert undated.place("second", text) == ("first", None)


def test_a_store_turns_a_digested_copy_into_the_reprint(tmp_path: Path) -> None:
    pytest.importorskip("rensa")
    from ruen.follow.store import Store

    with Store(tmp_path / "store.sqlite") as store:
        copy = {"id": "copy", "url": "https://b.example/1", "source": "b", "published": None}
        original = {"id": "orig", "url": "https://a.example/1", "source": "a", "published": None}
        store.done(copy, {"sentences": []}, "text")
        store.done(original, {"sentences": []}, "text")
        store.reprint_of("copy", "orig")
        rows = dict(store.db.execute("SELECT id, state FROM items").fetchall())
        assert rows == {"copy": "duplicate", "orig": "done"}
        assert store.db.execute("SELECT duplicate_of FROM items WHERE id='copy'").fetchone() == (
            "orig",
        )
        assert store.db.execute("SELECT count(*) FROM digests WHERE id='copy'").fetchone() == (0,)
        sightings = store.db.execute("SELECT id, source FROM sightings ORDER BY source").fetchall()
        assert sightings == [("orig", "a"), ("orig", "b")]


# --- a page that fails every run is not tried forever -------------------------------------------


def test_a_fetched_page_is_tried_a_bounded_number_of_times(tmp_path: Path) -> None:
    pytest.importorskip("rensa")
    from ruen.follow.run import ATTEMPTS
    from ruen.follow.store import Store

    item = {"id": "p", "url": "https://a.example/p", "source": "a", "published": None}
    with Store(tmp_path / "store.sqlite") as store:
        store.listed("https://a.example/feed", None, {}, [item])
        store.fetched(item, {"text": "Текст."})
        for _ in range(ATTEMPTS):
            assert [i["id"] for i in store.todo(ATTEMPTS)] == ["p"]
            store.fetched(item, {"text": "Текст."})
            store.failed(item, "internal error while digesting")
        assert store.todo(ATTEMPTS) == []
        (error,) = store.db.execute("SELECT last_error FROM items WHERE id='p'").fetchone()
        assert error == "internal error while digesting"


def test_threads_do_not_share_the_nbest_lists(tiny_model: Path) -> None:
    """Each thread's last call keeps its own n-best lists (another thread's call emptied
    them between translating and keeping names)."""
    translator = ruen.load_translator(tiny_model)
    seen: dict[str, int] = {}

    def run(name: str) -> None:
        translator.translate_detailed(["Индекс вырос на 5,8 %."], repair=True, **FAST)
        seen[name] = id(translator._searched)

    threads = [threading.Thread(target=run, args=(str(n),)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen.values())) == 2


def test_an_internal_fault_is_told_as_ruens_not_as_a_bad_option(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """One line that says the fault is ruen's, exit 70 (not 2, a bad input or option), and
    no traceback; an archive goes on past the document, exit 1 and a count."""
    from ruen.cli import main
    from ruen.translation.translator import Translator

    real = Translator.translate_detailed

    def failing(self, texts, options=None, **kwargs):
        if any("сломано" in text for text in texts):
            raise RuntimeError("injected")
        return real(self, texts, options, **kwargs)

    monkeypatch.setattr(Translator, "translate_detailed", failing)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "bad.txt").write_text("Тут сломано.\n", encoding="utf-8")
    (archive / "good.txt").write_text("Всё хорошо.\n", encoding="utf-8")
    model = ("--model", str(tiny_model), "--max-new-tokens", "4")
    assert main(["digest", str(archive / "bad.txt"), *model]) == 70
    err = [line for line in capsys.readouterr().err.splitlines() if "convert" not in line]
    assert len(err) == 1 and "internal error while translating" in err[0]
    err = err[0]
    assert "please report" in err and "Traceback" not in err
    out = tmp_path / "out.jsonl"
    code = main(["digest", str(archive), "--format", "jsonl", "-o", str(out), *model])
    assert code == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted("error" in line for line in lines) == [False, True]


def test_serve_answers_a_request_whose_document_fails_inside_and_serves_the_next(
    tiny_model: Path,
) -> None:
    """A step failing inside for one request's document: that request gets 500 with one
    line, the requests batched beside it and the next are served."""
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    from ruen.serve import service as server
    from tests.test_serve import DEFAULTS, serve_thread, spied

    translator, spy = spied(tiny_model)
    real = spy.translate

    def failing(texts, settings, **batching):
        if any("сломано" in text for text in texts):
            raise RuntimeError("injected")
        return real(texts, settings, **batching)

    spy.translate = failing
    service = server.Service(translator, server.Limits(), DEFAULTS)
    texts = ["Тут сломано.", "Совещание прошло в Минске.", "Заседание открыто."]
    with (
        serve_thread(service) as address,
        httpx.Client(base_url=address, timeout=60) as http,
        ThreadPoolExecutor(3) as pool,
    ):
        answers = list(pool.map(lambda t: http.post("/v1/digest", json={"text": t}), texts))
        after = http.post("/v1/digest", json={"text": "Да, конечно."})
    assert [a.status_code for a in answers] == [500, 200, 200]
    assert list(answers[0].json()) == ["error"] and "internal error" in answers[0].json()["error"]
    assert after.status_code == 200

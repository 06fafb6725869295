"""Translation on a tiny random MarianMT model: ruen's output must be exactly what the model's
own ``generate`` gives for each sentence alone, whatever the batching."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import threading
from pathlib import Path

import pytest
import torch

import ruen
from ruen.errors import InvalidModelError, ModelNotAvailableError
from ruen.translation import loading
from ruen.translation import translator as translation
from ruen.translation.cache import SQLiteCache
from ruen.translation.engines import token_batches

SENTENCES = [
    "23 октября состоялась онлайн конференция.",
    "Первый заместитель Министра связи и информатизации Беларуси Павел Ткач принял участие в "
    "конференции и проинформировал об опыте развития электронного правительства.",
    "Индекс вырос на 5,8 %.",
    "Организаторы мероприятия: Департамент ООН по экономическим и социальным вопросам.",
    "Да.",
    "По сравнению с 2018 годом данный индекс Республики Беларусь вырос на 5,8 % в 2020 году.",
]


@pytest.fixture(scope="module")
def translator(tiny_model: Path) -> ruen.Translator:
    ruen.clear_cache()
    # Equality with generate is a property of the transformers backend: named explicitly.
    return ruen.load_translator(tiny_model, backend="transformers", device="cpu")


def fresh(translator: ruen.Translator) -> ruen.Translator:
    """The translator with its in-process sentence cache emptied, so that a call really
    translates instead of returning what an earlier call with other batching produced."""
    translator.memory_cache.clear()
    return translator


def reference(translator: ruen.Translator, sentence: str, **settings: int) -> str:
    """The plain way: the tokenizer and ``generate`` on one sentence, nothing of ruen's."""
    encoded = translator.tokenizer([sentence], return_tensors="pt")
    with torch.inference_mode():
        generated = translator.model.generate(**encoded, **settings)
    return translator.tokenizer.batch_decode(generated, skip_special_tokens=True)[0]


@pytest.mark.parametrize(
    ("options", "settings"),
    [
        ({"beam_size": 1, "max_new_tokens": 12}, {"num_beams": 1, "max_new_tokens": 12}),
        ({"beam_size": 4, "max_new_tokens": 12}, {"num_beams": 4, "max_new_tokens": 12}),
        (
            {"beam_size": 2, "max_new_tokens": 10, "min_new_tokens": 10},
            {"num_beams": 2, "max_new_tokens": 10, "min_new_tokens": 10},
        ),
    ],
)
@pytest.mark.parametrize("batch_size", [1, 3, 16])
def test_equals_generate_one_sentence_at_a_time(
    translator: ruen.Translator,
    options: dict[str, int],
    settings: dict[str, int],
    batch_size: int,
) -> None:
    expected = [reference(translator, sentence, **settings) for sentence in SENTENCES]
    assert fresh(translator).translate(SENTENCES, batch_size=batch_size, **options) == expected
    assert all(expected)  # the model really produced text to compare


def test_none_means_the_models_generation_config(translator: ruen.Translator) -> None:
    # The test model mirrors opus-mt-ru-en: num_beams 6, max_length 512, bad_words_ids [[pad]].
    config = translator.model.generation_config
    assert (config.num_beams, config.max_length) == (6, 512)
    assert config.bad_words_ids == [[translator.model.config.pad_token_id]]
    sentences = SENTENCES[:2]
    expected = [reference(translator, sentence) for sentence in sentences]
    assert fresh(translator).translate(sentences) == expected


def test_token_budget_batches_give_the_same(translator: ruen.Translator) -> None:
    expected = [reference(translator, s, num_beams=2, max_new_tokens=8) for s in SENTENCES]
    out = fresh(translator).translate(SENTENCES, beam_size=2, max_new_tokens=8, max_batch_tokens=40)
    assert out == expected


@pytest.mark.parametrize(
    ("lengths", "batch_size", "budget"), [([5, 30, 12, 7, 30, 2], 4, 60), ([10] * 9, 2, 1000)]
)
def test_token_batches_respect_both_limits(
    lengths: list[int], batch_size: int, budget: int
) -> None:
    batches = token_batches(lengths, batch_size, budget)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= batch_size
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(flat, reverse=True)  # longest first: little padding


def test_keeps_order_and_length(translator: ruen.Translator) -> None:
    shuffled = [SENTENCES[i] for i in (5, 0, 4, 1, 3, 2, 0, 4)]
    out = fresh(translator).translate(shuffled, max_new_tokens=8, batch_size=2)
    by_sentence = dict(zip(SENTENCES, fresh(translator).translate(SENTENCES, max_new_tokens=8)))
    assert out == [by_sentence[s] for s in shuffled]


def test_empty_input_and_empty_sentences(translator: ruen.Translator) -> None:
    assert translator.translate([]) == []
    out = translator.translate(["", "   ", SENTENCES[2]], max_new_tokens=5)
    assert out[:2] == ["", ""] and out[2]


def test_takes_a_generator_and_streams(translator: ruen.Translator) -> None:
    expected = fresh(translator).translate(SENTENCES, max_new_tokens=6)
    generated = (sentence for sentence in SENTENCES)
    assert fresh(translator).translate(generated, max_new_tokens=6) == expected
    stream = fresh(translator).translate_iterable(iter(SENTENCES), max_new_tokens=6, chunk_size=2)
    assert list(stream) == expected


def test_rejects_a_bare_string_and_bad_options(translator: ruen.Translator) -> None:
    with pytest.raises(TypeError):
        translator.translate("Одно предложение.")
    with pytest.raises(ValueError, match="batch_size"):
        translator.translate(SENTENCES, batch_size=0)
    with pytest.raises(ValueError, match="beam_size"):
        translator.translate(SENTENCES, beam_size=0)


class Spy:
    """Wraps an engine and records every text it is asked to translate."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.seen: list[str] = []

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def translate(self, texts, settings, **batching):
        self.seen.extend(texts)
        return self.engine.translate(texts, settings, **batching)


@pytest.fixture
def spied(translator: ruen.Translator, monkeypatch: pytest.MonkeyPatch) -> Spy:
    spy = Spy(translator.engine)
    monkeypatch.setattr(translator, "engine", spy)
    fresh(translator)
    return spy


def test_long_sentence_is_cut_at_clauses_not_truncated(
    translator: ruen.Translator, spied: Spy
) -> None:
    clause = "Беларусь ведет активную работу по совершенствованию законодательства"
    sentence = ", ".join([clause] * 300) + "."
    assert translator.count_tokens(sentence) >= 3000
    pieces = translator.split_long(sentence)
    assert len(pieces) >= 6
    assert all(translator.count_tokens(piece) <= translator.max_input_tokens for piece in pieces)
    assert "".join(pieces).replace(" ", "") == sentence.replace(" ", "")  # nothing lost
    assert all(piece.endswith((",", ".")) for piece in pieces)  # cut after a comma
    out = translator.translate([sentence], max_new_tokens=4, beam_size=1)
    assert sorted(spied.seen) == sorted(set(pieces))  # every piece went to the model
    piece_translations = fresh(translator).translate(pieces, max_new_tokens=4, beam_size=1)
    assert all(piece_translations)
    assert out == [" ".join(piece_translations)]


def test_characters_that_expand_are_still_cut(translator: ruen.Translator) -> None:
    # "ﷺ" becomes 18 letters under NFKC: 200 of them are far more than 512 tokens, though
    # the string is short. ruen must notice and cut it rather than let it be truncated.
    text = " ".join(["ﷺ"] * 200)
    assert translator.count_tokens(text) > translator.max_input_tokens
    pieces = translator.split_long(text)
    assert len(pieces) > 1
    assert all(translator.count_tokens(piece) <= translator.max_input_tokens for piece in pieces)


def test_identical_sentences_are_translated_once(translator: ruen.Translator, spied: Spy) -> None:
    sentences = [SENTENCES[0], "  " + SENTENCES[0].replace(" ", "\n", 2), SENTENCES[1]] * 5
    out = translator.translate(sentences, max_new_tokens=5)
    assert spied.seen.count(SENTENCES[0]) == 1 and len(spied.seen) == 2
    assert out[0] == out[1] == out[3] and len(out) == 15
    translator.translate(sentences, max_new_tokens=5)  # a second call: all from memory
    assert len(spied.seen) == 2
    translator.translate(sentences[:1], max_new_tokens=6)  # other settings: translated anew
    assert len(spied.seen) == 3


def test_persistent_cache_makes_a_second_run_free(tiny_model: Path, tmp_path: Path) -> None:
    database = tmp_path / "cache.sqlite"
    first = ruen.load_translator(tiny_model, device="cpu", cache=database)
    expected = first.translate(SENTENCES, max_new_tokens=5)
    ruen.clear_cache()  # as a new process would
    second = ruen.load_translator(tiny_model, device="cpu", cache=database)
    assert second is not first and len(second.memory_cache) == 0
    spy = Spy(second.engine)
    second.engine = spy
    assert second.translate(SENTENCES, max_new_tokens=5) == expected
    assert spy.seen == []
    assert len(second.persistent_cache) == len(SENTENCES)


def _hammer_cache(args: tuple[str, int]) -> int:
    path, worker = args
    cache = SQLiteCache(path)
    seen = 0
    for round_ in range(30):
        cache.put_many("scope", {f"w{worker}-{round_}": "x", "shared": "y"})
        seen += len(cache.get_many("scope", ["shared", *(f"w0-{r}" for r in range(30))]))
    return seen


def test_persistent_cache_with_several_processes_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    SQLiteCache(path)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        counts = pool.map(_hammer_cache, [(path, worker) for worker in range(4)])
    assert all(count >= 30 for count in counts)  # every read saw at least "shared"
    assert len(SQLiteCache(path)) == 4 * 30 + 1


def test_cache_returns_the_same_object(tiny_model: Path) -> None:
    ruen.clear_cache()
    first = ruen.load_translator(tiny_model, device="cpu")
    assert ruen.load_translator(str(tiny_model), device="cpu") is first
    ruen.clear_cache()
    assert ruen.load_translator(tiny_model, device="cpu") is not first


def test_cache_loads_once_from_many_threads(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruen.clear_cache()
    calls = []
    real_load = loading._load

    def counting_load(*args, **kwargs):
        calls.append(threading.get_ident())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(loading, "_load", counting_load)
    barrier = threading.Barrier(8)
    results: list[ruen.Translator] = []

    def worker() -> None:
        barrier.wait()
        results.append(ruen.load_translator(tiny_model, device="cpu"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 8 and all(result is results[0] for result in results)


def test_ruen_model_variable_sets_the_default(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUEN_MODEL", str(tiny_model))
    assert ruen.default_model() == str(tiny_model)
    assert ruen.load_translator(device="cpu").path == tiny_model.resolve()
    monkeypatch.delenv("RUEN_MODEL")
    assert ruen.default_model() == ruen.DEFAULT_MODEL == "Helsinki-NLP/opus-mt-ru-en"


def test_loads_safetensors(translator: ruen.Translator) -> None:
    assert (translator.path / "model.safetensors").is_file()
    assert not (translator.path / "pytorch_model.bin").exists()


def test_missing_model_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelNotAvailableError, match=r"ruen models download"):
        ruen.resolve_model("Helsinki-NLP/opus-mt-ru-en")


def test_missing_directory() -> None:
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        ruen.resolve_model("./no/such/model")


def test_not_a_marian_model(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidModelError, match=r"no config\.json"):
        ruen.resolve_model(tmp_path)
    bert = tmp_path / "bert"
    shutil.copytree(tiny_model, bert)
    config = json.loads((bert / "config.json").read_text())
    (bert / "config.json").write_text(json.dumps({**config, "model_type": "bert"}))
    with pytest.raises(InvalidModelError, match="model_type 'bert'"):
        ruen.resolve_model(bert)
    no_weights = tmp_path / "no-weights"
    shutil.copytree(tiny_model, no_weights)
    (no_weights / "model.safetensors").unlink()
    with pytest.raises(InvalidModelError, match="no weights"):
        ruen.resolve_model(no_weights)


def test_unknown_backend_and_device(tiny_model: Path) -> None:
    with pytest.raises(ValueError, match="transformers, ctranslate2"):
        ruen.load_translator(tiny_model, backend="onnx")
    with pytest.raises(ValueError, match="unknown device"):
        ruen.load_translator(tiny_model, device="gpu0")


# --- what never passes through the model ----------------------------------------------------

ADDRESSES = (
    "Подробнее на сайте https://mpt.gov.by/ru/news/2020/10/23/ и по адресу press@mpt.gov.by, "
    "а также на www.un.org/development/desa."
)


def test_addresses_come_back_byte_for_byte(translator: ruen.Translator, spied: Spy) -> None:
    (english,) = translator.translate([ADDRESSES], max_new_tokens=6, beam_size=1)
    for address in (
        "https://mpt.gov.by/ru/news/2020/10/23/",
        "press@mpt.gov.by",
        "www.un.org/development/desa",
    ):
        assert address in english
        assert not any(address in piece or "mpt.gov" in piece for piece in spied.seen)
    assert "Подробнее на сайте" in spied.seen  # the words around them were translated
    assert not [f for f in ruen.check(ADDRESSES, english) if f.kind in ("url", "email")]


def test_markdown_link_target_is_kept_and_its_text_translated(
    translator: ruen.Translator, spied: Spy
) -> None:
    sentence = (
        "Павел Ткач принял участие в конференции и "
        "[проинформировал об опыте развития электронного правительства](https://mpt.gov.by/ru/news)."
    )
    (english,) = translator.translate([sentence], max_new_tokens=5, beam_size=1)
    assert "](https://mpt.gov.by/ru/news)" in english and english.count("[") == 1
    assert "проинформировал об опыте развития электронного правительства" in spied.seen
    assert not any("](" in piece or "http" in piece for piece in spied.seen)


def test_an_address_alone_never_reaches_the_model(translator: ruen.Translator, spied: Spy) -> None:
    assert translator.translate(["<https://mpt.gov.by/ru/>"]) == ["<https://mpt.gov.by/ru/>"]
    assert spied.seen == []


# --- repair by the n-best list ---------------------------------------------------------------


class ScriptedEngine:
    """An engine whose best outputs and n-best lists the test writes, recording each call."""

    name = "scripted"
    compute_type = "float32"
    device = "cpu"

    def __init__(self, best: dict[str, str], nbest: dict[str, list[str]]) -> None:
        self.best, self.nbest = best, nbest
        self.asked_nbest: list[str] = []

    def translate(self, texts, settings, **batching):
        return [self.best[text] for text in texts]

    def translate_nbest(self, texts, settings, n, **batching):
        self.asked_nbest.extend(texts)
        assert n == translation.REPAIR_CANDIDATES
        return [self.nbest[text] for text in texts]


GREW = "Индекс вырос на 5,8 %."
RANKED = "Беларусь заняла 40 место в рейтинге."
HELD = "Конференция состоялась онлайн."


@pytest.fixture
def scripted(translator: ruen.Translator) -> tuple[ruen.Translator, ScriptedEngine]:
    engine = ScriptedEngine(
        best={
            GREW: "The index grew by 58%.",
            RANKED: "Belarus took 14th place in the ranking.",
            HELD: "The conference was held online.",
        },
        nbest={
            GREW: [
                "The index grew by 58%.",
                "The index rose by 0.58%.",
                "The index grew by 5.8%.",
                "The index grew by 5.8 percent.",
            ],
            RANKED: ["Belarus took 14th place in the ranking.", "Belarus came 41st."],
        },
    )
    scripted = ruen.Translator(
        "scripted",
        translator.path,
        translator.tokenizer,
        engine,
        generation_defaults=translator.generation_defaults,
        max_input_tokens=translator.max_input_tokens,
    )
    return scripted, engine


def test_repair_keeps_the_best_hypothesis_with_fewer_flags(scripted) -> None:
    translator, engine = scripted
    results = translator.translate_detailed([GREW, RANKED, HELD], repair=True)
    # The first hypothesis in score order that flags less: 0.58% is still wrong, 5.8% is not.
    assert results[0] == ruen.Translation("The index grew by 5.8%.", repaired=True)
    # No hypothesis does better: the model's own best stays, and says it was not repaired.
    assert results[1] == ruen.Translation("Belarus took 14th place in the ranking.", False)
    assert results[2] == ruen.Translation("The conference was held online.", False)
    assert sorted(engine.asked_nbest) == sorted([GREW, RANKED])  # only the flagged ones
    assert translator.translate([GREW, RANKED], repair=True)[0] == "The index grew by 5.8%."
    assert len(engine.asked_nbest) == 2  # the choice is cached like a translation


def test_without_repair_the_models_best_is_kept(scripted) -> None:
    translator, engine = scripted
    assert translator.translate([GREW, RANKED, HELD]) == [
        "The index grew by 58%.",
        "Belarus took 14th place in the ranking.",
        "The conference was held online.",
    ]
    assert engine.asked_nbest == []


def test_digest_records_carry_the_repair_and_the_flags_of_what_they_show(scripted) -> None:
    translator, _ = scripted
    text = f"{GREW} {RANKED} {HELD}"
    result = ruen.digest(text, translator=translator, k=1)
    grew, ranked, held = result.sentences
    assert (grew.en, grew.repaired, grew.flags) == ("The index grew by 5.8%.", True, ())
    assert ranked.repaired is False and [f.message for f in ranked.flags] == [
        "40 is 14th in the English"
    ]
    assert held.flags == ()
    assert result.flag_counts["number"] == 1 and sum(result.flag_counts.values()) == 1
    plain = ruen.digest(text, translator=translator, k=1, repair=False)
    assert plain.sentences[0].en == "The index grew by 58%." and not plain.sentences[0].repaired
    assert plain.to_dict()["flags"]["number"] == 2


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_nbest_lists_come_from_the_engine(
    tiny_model: Path, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    monkeypatch.setenv("RUEN_CACHE_DIR", str(tmp_path))  # a conversion of its own
    ruen.clear_cache()
    loaded = ruen.load_translator(
        tiny_model,
        backend=backend,
        device="cpu",
        compute_type="float32" if backend == "ctranslate2" else "default",
    )
    settings = loaded.settings(beam_size=2, max_new_tokens=6)
    lists = loaded.engine.translate_nbest(
        SENTENCES[:3], settings, 4, batch_size=8, max_batch_tokens=4096
    )
    best = loaded.engine.translate(
        SENTENCES[:3],
        loaded.settings(beam_size=4, max_new_tokens=6),
        batch_size=8,
        max_batch_tokens=4096,
    )
    assert [len(hypotheses) for hypotheses in lists] == [4, 4, 4]
    # The n-best list of a beam as wide as n starts with that beam's best.
    assert [hypotheses[0] for hypotheses in lists] == best
    ruen.clear_cache()  # the next tests load their own

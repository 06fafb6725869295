"""The summariser on its own, and the digest that composes every stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ruen
from ruen.errors import InputError
from ruen.summarization import score_sentences, tokens


@pytest.mark.parametrize(("k", "expected_len"), [(0, 0), (1, 1), (3, 3), (10, 10), (50, 10)])
def test_summarize_returns_k_indices_in_order(example_text: str, k: int, expected_len: int) -> None:
    sentences = ruen.split_sentences(example_text)
    indices = ruen.summarize(sentences, k)
    assert len(indices) == expected_len
    assert indices == sorted(set(indices))
    assert all(0 <= i < len(sentences) for i in indices)


def test_summarize_is_deterministic_and_avoids_repeating_the_headline(example_text: str) -> None:
    sentences = ruen.split_sentences(example_text)
    first = ruen.summarize(sentences, 3)
    assert all(ruen.summarize(sentences, 3) == first for _ in range(5))
    # The heading and the lead sentence repeat the same conference title: keep one of them.
    assert not {0, 1} <= set(first)


def test_summarize_english_and_edge_cases() -> None:
    english = [
        "The ministry held an online conference on e-government.",
        "Belarus ranked 40th in the UN e-government development index.",
        "The weather was fine.",
        "The index of Belarus in the UN e-government ranking grew by 5.8 percent.",
    ]
    assert ruen.summarize(english, 1, lang="en") == [1]  # the most central sentence
    assert 2 not in ruen.summarize(english, 3, lang="en")  # the off-topic one is left out
    assert ruen.summarize([], 3) == []
    with pytest.raises(ValueError, match="language"):
        ruen.summarize(english, 2, lang="de")
    with pytest.raises(ValueError, match="k must be"):
        ruen.summarize(english, -1, lang="en")
    with pytest.raises(TypeError):
        ruen.summarize("one string", 1)


def test_tokens_drop_stop_words_and_stem() -> None:
    assert tokens("Беларусь заняла 40 место в рейтинге, и это рекорд") == [
        "белар",
        "заня",
        "40",
        "мест",
        "рейтинг",
        "рекорд",
    ]
    assert tokens("The rankings of the countries", lang="en") == ["rank", "countri"]


def test_scores_are_one_per_sentence(example_text: str) -> None:
    sentences = ruen.split_sentences(example_text)
    scores = score_sentences(sentences)
    assert len(scores) == len(sentences) and all(score >= 0 for score in scores)


def test_digest_records(tiny_model: Path, example_text: str) -> None:
    translator = ruen.load_translator(tiny_model, device="cpu")
    result = ruen.digest(example_text, model=tiny_model, k=2, max_new_tokens=6, beam_size=2)
    russian = ruen.split_sentences(example_text)
    assert [record.ru for record in result.sentences] == russian
    assert [record.index for record in result.sentences] == list(range(len(russian)))
    assert all(example_text[r.start : r.stop] == r.ru for r in result.sentences)
    expected = translator.translate(russian, max_new_tokens=6, beam_size=2, repair=True)
    # The translator's output, but where a person or place was kept (forced into the English
    # with the document's spelling: ruen.names.keep), which the record says.
    kept = [any(n.how in ("nbest", "prefix") for n in r.names) for r in result.sentences]
    assert [e for e, k in zip(result.translation_en, kept) if not k] == [
        e for e, k in zip(expected, kept) if not k
    ]
    assert all(r.names for r, k in zip(result.sentences, kept) if k)
    selected = [r.index for r in result.sentences if r.selected]
    assert selected == ruen.summarize(russian, 2)
    assert result.summary_en == [result.sentences[i].en for i in selected]
    assert all(
        list(r.flags)[: len(ruen.check(r.ru, r.en))] == ruen.check(r.ru, r.en)
        for r in result.sentences
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["summary_en"] == result.summary_en
    assert data["sentences"][0]["ru"] == russian[0]
    assert set(data["sentences"][0]) == {
        "index",
        "start",
        "stop",
        "ru",
        "en",
        "selected",
        "score",
        "repaired",
        "flags",
        "paragraph",
        "terms",
        "names",
    }
    assert data["sentences"][0]["terms"] == []  # no glossary, no terms
    # Paragraphs are the blank-line separated blocks: each record says which one it is in.
    blocks = example_text.strip().split("\n\n")
    assert [r.paragraph for r in result.sentences] == [
        next(b for b, block in enumerate(blocks) if r.ru in block) for r in result.sentences
    ]
    assert data["flags"] == result.flag_counts and set(data["flags"]) == set(ruen.fidelity.KINDS)
    # The tiny model's output is random, so the sample announcement's figures are all lost:
    # the records say so, sentence by sentence.
    ninth = next(r for r in data["sentences"] if "5,8 %" in r["ru"])
    assert {
        "kind": "number",
        "source": "5,8 %",
        "target": None,
        "message": "5,8 % is not in the English",
    } in ninth["flags"]


def test_digest_without_repair_is_the_models_own_output(
    tiny_model: Path, example_text: str
) -> None:
    translator = ruen.load_translator(tiny_model, backend="transformers", device="cpu")
    result = ruen.digest(
        example_text, translator=translator, k=2, beam_size=2, max_new_tokens=6, repair=False
    )
    russian = ruen.split_sentences(example_text)
    reference = []
    for sentence in russian:  # the plain way: tokenizer and generate, one sentence at a time
        if "](" in sentence:  # a Markdown link target never reaches the model: not comparable
            reference.append(None)
            continue
        encoded = translator.tokenizer([sentence], return_tensors="pt")
        generated = translator.model.generate(**encoded, num_beams=2, max_new_tokens=6)
        reference.append(translator.tokenizer.batch_decode(generated, skip_special_tokens=True)[0])
    assert [
        en if ref is not None else None for en, ref in zip(result.translation_en, reference)
    ] == reference
    assert not any(r.repaired for r in result.sentences)


def test_digest_rejects_empty_text(tiny_model: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        ruen.digest("  \n ", model=tiny_model)


def test_read_text_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ruen.read_text(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        ruen.read_text(tmp_path)
    bad = tmp_path / "cp1251.txt"
    bad.write_bytes("Привет".encode() + "мир".encode("cp1251"))
    with pytest.raises(InputError, match="byte 0xec at offset 12"):
        ruen.read_text(bad)
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffТекст.".encode())
    assert ruen.read_text(bom) == "Текст."


@pytest.mark.parametrize(
    ("k", "n", "expected"), [(0.3, 10, 3), (0.01, 10, 1), (0.5, 3, 2), (2.0, 10, 2)]
)
def test_summarize_takes_a_share(k: float, n: int, expected: int) -> None:
    sentences = [f"Предложение номер {i} о цифровом правительстве и рейтинге." for i in range(n)]
    assert len(ruen.summarize(sentences, k)) == expected


def test_summarize_respects_a_length_budget(example_text: str) -> None:
    sentences = ruen.split_sentences(example_text)
    for budget in (150, 300, 600):
        chosen = ruen.summarize(sentences, 10, max_chars=budget)
        assert chosen and sum(len(sentences[i]) for i in chosen) <= budget
    assert ruen.summarize(sentences, 3, max_chars=10) == []  # no sentence is that short
    with pytest.raises(ValueError, match="max_chars"):
        ruen.summarize(sentences, 3, max_chars=-5)
    with pytest.raises(ValueError, match="k must be"):
        ruen.summarize(sentences, 2.5)


def test_summary_of_the_announcement_keeps_its_figures(example_text: str) -> None:
    sentences = ruen.split_sentences(example_text)
    summary = " ".join(sentences[i] for i in ruen.summarize(sentences, 3))
    assert "40 место" in summary  # Belarus's rank, the announcement's key figure


def test_scores_rank_the_central_sentence_first() -> None:
    english = [
        "The ministry held an online conference on e-government.",
        "Belarus ranked 40th in the UN e-government development index.",
        "The weather was fine.",
        "The index of Belarus in the UN e-government ranking grew by 5.8 percent.",
    ]
    scores = score_sentences(english, lang="en")
    assert scores[2] == min(scores)
    assert abs(sum(scores) - 1.0) < 1e-9  # PageRank: a distribution over the sentences


def test_summary_only_translates_just_the_key_sentences(
    tiny_model: Path, example_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    translator = ruen.load_translator(tiny_model, device="cpu")
    translator.memory_cache.clear()
    seen: list[str] = []
    real = translator.engine.translate

    def spy(texts, settings, **batching):
        seen.extend(texts)
        return real(texts, settings, **batching)

    monkeypatch.setattr(translator.engine, "translate", spy)
    result = ruen.digest(
        example_text, k=2, translator=translator, full_translation=False, max_new_tokens=5
    )
    russian = ruen.split_sentences(example_text)
    selected = ruen.summarize(russian, 2)
    assert sorted(seen) == sorted(" ".join(russian[i].split()) for i in selected)
    assert [r.en is not None for r in result.sentences] == [r.selected for r in result.sentences]
    assert len(result.summary_en) == 2 and all(result.summary_en)
    assert result.to_dict()["settings"]["full_translation"] is False


def test_translate_first_picks_on_the_english(tiny_model: Path, example_text: str) -> None:
    result = ruen.digest(
        example_text, k=2, model=tiny_model, mode="translate-first", max_new_tokens=5
    )
    english = [r.en for r in result.sentences]
    assert all(english)
    assert [r.index for r in result.sentences if r.selected] == ruen.summarize(
        english, 2, lang="en"
    )
    with pytest.raises(ValueError, match="mode"):
        ruen.digest(example_text, model=tiny_model, mode="both")

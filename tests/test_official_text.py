"""Official acts as kremlin.ru publishes them (tests/data/acts, public domain): hard-wrapped,
space-padded lines, HTML entities, letter-spaced words, act references and lettered items.

Each test takes its sentences from the real acts; the few constructions the four acts do not
hold are marked "wording" (words of ours, in the acts' style)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ruen

ACTS = sorted((Path(__file__).parent / "data" / "acts").glob("*.txt"))


def sentences_of(name: str) -> list[str]:
    document = ruen.read_document(Path(__file__).parent / "data" / "acts" / name)
    return [" ".join(s.split()) for s in ruen.split_sentences(document.text)]


def test_the_acts_are_there() -> None:
    assert len(ACTS) == 5


@pytest.mark.parametrize("path", ACTS, ids=lambda p: p.stem)
def test_nothing_is_lost_and_no_sentence_is_a_bare_marker(path: Path) -> None:
    document = ruen.read_document(path)
    spans = list(ruen.sentenize(document.text))
    covered = "".join(span.text for span in spans)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", document.text)
    for span in spans:
        assert not re.fullmatch(r"(?:\d{1,3}|[а-яё])[.)]", span.text.strip()), span.text
        assert "&#34;" not in span.text  # entities were decoded before splitting


def test_act_references_are_not_split() -> None:
    # 18376: the line breaks between "г." and "N 133-рп".
    assert (
        "1. Внести в состав Совета по взаимодействию с религиозными объединениями при Президенте "
        "Российской Федерации, утвержденный распоряжением Президента Российской Федерации от 17 "
        'марта 2001 г. N 133-рп "О Совете по взаимодействию с религиозными объединениями при '
        'Президенте Российской Федерации" (Собрание законодательства Российской Федерации, '
        "2001, N 13, ст. 1234), следующие дополнения и изменения:"
    ) in sentences_of("kremlin_acts_18376.txt")
    sentences = sentences_of("kremlin_acts_18440.txt")
    assert any(
        s.startswith("1. Внести в Указ Президента Российской Федерации от 10 апреля 2000 г. N 660")
        for s in sentences
    )
    assert any(
        s.endswith(
            '(Собрание законодательства Российской Федерации, 2000, N 16, ст. 1679) следующие изменения: подпункт "б" пункта 1 дополнить абзацем следующего содержания: "в органы федеральной службы безопасности - до 300 человек."; в пункте 2 после слов "Федеральной службе железнодорожных войск Российской Федерации," включить слова "Федеральной службе безопасности Российской Федерации,".'
        )
        for s in sentences
    )


@pytest.mark.parametrize(
    "sentence",
    [
        # wording: the references the issue names, in one sentence of an act's style
        "В соответствии с ч. 2 ст. 5 Федерального закона от 22 мая 2003 г. № 54-ФЗ и п. 1 "
        "Указа Президента Российской Федерации от 9 сентября 2000 г. N 1624 (Собрание "
        "законодательства Российской Федерации, 2000, N 38, ст. 3781) внести изменения в "
        "пп. «а» пункта 3.",
        "Федеральный закон от 24 июля 2002 г. № 169-ФЗ вступает в силу с 1 января 2003 г.",
    ],
)
def test_references_named_in_the_issue_hold_together(sentence: str) -> None:
    assert ruen.split_sentences(sentence) == [sentence]


def test_lettered_items_are_sentences() -> None:
    sentences = sentences_of("kremlin_acts_18458.txt")
    items = [s for s in sentences if re.match(r"[а-я]\) ", s)]
    assert [s[0] for s in items] == list("абвгдежзиклмнопрст") + list("абв")
    assert items[0] == (
        "а) исполнять должностные обязанности добросовестно и на высоком профессиональном "
        "уровне в целях обеспечения эффективной работы государственных органов;"
    )
    assert (
        "2. Государственные служащие, сознавая ответственность перед государством, обществом и гражданами, призваны:"
        in sentences
    )


def test_items_that_do_not_start_a_line() -> None:
    # 18435's second point, its lines joined as a page without line breaks gives it.
    text = (
        "2. Внести в распоряжение Президента Российской Федерации от 31 октября 1997 г. "
        "N 452-рп следующие изменения: а) признать утратившим силу распоряжение Президента "
        "Российской Федерации в части, касающейся утверждения состава попечительского совета "
        'общероссийского государственного телевизионного канала "Культура"; б) пункт 6 '
        'Положения изложить в следующей редакции: "6. Положение о попечительском совете '
        'утверждается Президентом Российской Федерации.". 3. Настоящий Указ вступает в силу '
        "со дня его подписания."
    )
    assert ruen.split_sentences(text) == [
        "2. Внести в распоряжение Президента Российской Федерации от 31 октября 1997 г. "
        "N 452-рп следующие изменения:",
        "а) признать утратившим силу распоряжение Президента Российской Федерации в части, "
        "касающейся утверждения состава попечительского совета общероссийского "
        'государственного телевизионного канала "Культура";',
        'б) пункт 6 Положения изложить в следующей редакции: "6. Положение о попечительском '
        'совете утверждается Президентом Российской Федерации.".',
        "3. Настоящий Указ вступает в силу со дня его подписания.",
    ]
    # 18435's first points on one line: "2." opens the next sentence, it does not end one.
    assert ruen.split_sentences(
        "1. (Утратил силу - Указ Президента Российской Федерации от 30.08.2004 г. N 1132) "
        "2. Внести в распоряжение Президента Российской Федерации от 31 октября 1997 г. N 452-рп"
    )[1].startswith("2. Внести")


def test_padded_and_wrapped_lines_are_joined() -> None:
    document = ruen.read_document(
        Path(__file__).parent / "data" / "acts" / "kremlin_acts_18440.txt"
    )
    # The heading, centred over four lines with the act's number on the second, is the subject
    # of the title a reader cites, with the kind, the issuer, the date and number of signing.
    assert document.title == (
        "Указ Президента Российской Федерации от 29 июля 2002 г. N 798 «О внесении изменений в "
        "Указ Президента Российской Федерации от 10 апреля 2000 г. N 660 "
        '"О призыве офицеров запаса на военную службу в 2000-2005 годах"»'
    )
    assert document.date == "2002-07-29"
    assert "ПРЕЗИДЕНТА" not in document.text and "О внесении" not in document.text  # once
    sentences = sentences_of("kremlin_acts_18458.txt")
    assert (
        "2. Рекомендовать лицам, замещающим государственные должности Российской Федерации, "
        "государственные должности субъектов Российской Федерации и выборные муниципальные "
        "должности, придерживаться принципов, утвержденных настоящим Указом, в части, не "
        "противоречащей правовому статусу этих лиц."
    ) in sentences


def test_letter_spaced_words_are_joined_before_translation() -> None:
    document = ruen.read_document(
        Path(__file__).parent / "data" / "acts" / "kremlin_acts_18440.txt"
    )
    assert document.title.startswith("Указ Президента Российской Федерации")
    assert "из числа офицеров запаса\nпостановляю:" in document.text
    assert "п о с т" not in document.text
    assert sentences_of("kremlin_acts_18440.txt")[0].endswith(
        "из числа офицеров запаса постановляю:"
    )

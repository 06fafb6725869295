"""Sentence splitting: rule cases written razdel-style (``|`` marks each boundary), the
no-loss invariants on the sample announcement, edge cases and random text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruen import explain, sentenize, split_sentences


def check_invariants(text: str) -> list[str]:
    """Each sentence is a verbatim, stripped, non-empty substring at its offsets, in order,
    and together they hold every non-white-space character of the text."""
    spans = list(sentenize(text))
    position = 0
    for span in spans:
        assert text[span.start : span.stop] == span.text
        assert span.text and span.text == span.text.strip()
        assert span.start >= position
        assert text[position : span.start].strip() == ""  # only white space between them
        position = span.stop
    assert text[position:].strip() == ""
    assert re.sub(r"\s", "", "".join(s.text for s in spans)) == re.sub(r"\s", "", text)
    return [span.text for span in spans]


# Each case is one line of real text with "|" at every sentence boundary. Most are taken from
# the sample announcement (examples/) or from official Russian news wording.
CASES = {
    "initials": [
        "Первый заместитель Министра Павел Ткач принял участие. | П. Ткач проинформировал об опыте.",
        "Поэт А.С. Пушкин родился в Москве. | Его стихи знают все.",
        "Выступил А. С. Пушкин. | Затем слово взял министр.",
    ],
    "abbreviations": [
        "Конференция прошла в г. Минске 23 октября. | В ней участвовали эксперты.",
        "Офис находится на ул. Ленина, д. 5. | Приём по вторникам.",
        "Учёные, т.е. эксперты из разных стран, собрались вместе.",
        "Обсуждались цифровизация, госуслуги и т.д. | Итоги подведены.",
        "Обсуждались цифровизация, госуслуги и т. д. и т. п. в течение дня.",
        "Театр им. Янки Купалы открыл сезон. | Билеты проданы.",
        "Бюджет составил 100 млн руб. | Это больше, чем в 2019 году.",
    ],
    "years": [
        "В 2020 г. Республика Беларусь заняла 40 место. | Индекс вырос.",
        "Индекс вырос на 5,8 % в 2020 г. | По сравнению с 2018 г. это рекорд.",
        "В 2018-2020 гг. индекс рос. | В XXI в. цифровизация ускорилась.",
    ],
    "numbers and dates": [
        "Индекс вырос на 5,8 %. | Это больше прогноза.",
        "Конференция состоялась 23.10.2020 в онлайн-формате. | Её провёл UN DESA.",
        "Выделено 1.5 млн долларов. | Средства освоены.",
        "Республика Беларусь заняла 40 место. | Это высокий уровень.",
    ],
    "quotes": [
        "23 октября состоялась конференция «Достижения и вызовы». | В ходе неё выступили эксперты.",
        "«Мы гордимся результатом», — сказал он. | Затем начался доклад.",
        "«Кто выступит первым?» — спросил модератор. | Ответа не было.",
        "Он сказал: «Работа продолжается.» | Конференция завершилась.",
        'Организатор — АО Холдинг "Зерде". | Партнёр — ACSH.',
    ],
    "urls and e-mails": [
        "Подробности на сайте www.mpt.gov.by. | Вопросы присылайте на info@mpt.gov.by.",
        "Ссылка: https://publicadministration.un.org/egovkb/en-us/Reports. | Доступ открыт.",
    ],
    "markdown links": [
        "Павел Ткач [проинформировал об опыте развития](#). | В частности, он обозначил приоритеты.",
    ],
    "exclamations and ellipses": [
        "Это успех! | Беларусь вошла в число лидеров.",
        "Неужели это правда?! | Да, это так.",
        "Результаты впечатляют… | Но работа не окончена.",
    ],
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=f"{rule}-{i}")
        for rule, cases in CASES.items()
        for i, case in enumerate(cases)
    ],
)
def test_rule_cases(case: str) -> None:
    expected = [part.strip() for part in case.split("|")]
    text = " ".join(expected)
    assert check_invariants(text) == expected, explain(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A heading on its own line, with no full stop, is a sentence of its own.
        (
            "Онлайн конференция «Достижения и вызовы»\n\n23 октября состоялась конференция.",
            ["Онлайн конференция «Достижения и вызовы»", "23 октября состоялась конференция."],
        ),
        ("Итоги года\nИндекс вырос на 5,8 %.", ["Итоги года", "Индекс вырос на 5,8 %."]),
        # A paragraph wrapped across lines stays one sentence.
        (
            "Беларусь ведет активную работу по совершенствованию\nзаконодательства в сфере "
            "информатизации.",
            None,
        ),
        # Bulleted and numbered lists: one item, one sentence.
        (
            "Организаторы мероприятия:\n- Департамент ООН;\n- АО Холдинг «Зерде»",
            ["Организаторы мероприятия:", "- Департамент ООН;", "- АО Холдинг «Зерде»"],
        ),
        (
            "Приоритеты:\n1. Госуслуги.\n2. Цифровая экономика.",
            ["Приоритеты:", "1. Госуслуги.", "2. Цифровая экономика."],
        ),
        ("• первый пункт\n• второй пункт", ["• первый пункт", "• второй пункт"]),
        # A blank line always ends a sentence, even with no punctuation.
        ("Первая строка без точки\n\nвторая строка", ["Первая строка без точки", "вторая строка"]),
    ],
)
def test_line_breaks(text: str, expected: list[str] | None) -> None:
    sentences = check_invariants(text)
    assert sentences == (expected if expected is not None else [text])


def test_sample_announcement(example_text: str) -> None:
    sentences = check_invariants(example_text)
    assert len(sentences) == 10
    assert sentences[0].startswith("Онлайн конференция «Достижения")
    assert sentences[0].endswith("электронному правительству»")  # the heading
    assert sentences[4].endswith("Республике Беларусь](#).")  # the markdown link kept whole
    assert sentences[8] == (
        "По сравнению с 2018 годом данный индекс Республики Беларусь вырос на 5,8 % в 2020 году."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \n\t \n  ", []),
        ("нет точки в конце", ["нет точки в конце"]),
        ("Первое предложение. Второе без точки", ["Первое предложение.", "Второе без точки"]),
        ("  Пробелы вокруг.  \n", ["Пробелы вокруг."]),
        ("Строка\r\nс CRLF.\r\n\r\nНовый абзац.", ["Строка\r\nс CRLF.", "Новый абзац."]),
        ("...", ["..."]),
        ("?! ?!", ["?!", "?!"]),
    ],
)
def test_edge_cases(text: str, expected: list[str]) -> None:
    assert check_invariants(text) == expected


def test_one_very_long_line() -> None:
    sentence = "Беларусь ведет работу по совершенствованию законодательства в сфере информатизации."
    text = " ".join([sentence] * 2000)  # about 170,000 characters, no line break
    sentences = check_invariants(text)
    assert sentences == [sentence] * 2000


def test_long_line_without_any_punctuation_is_cut_at_clauses_within_the_longest_sentence() -> None:
    from ruen.splitting import LONGEST_SENTENCE

    text = "слово " * 20000  # a page that is one line with no punctuation
    sentences = check_invariants(text)
    assert " ".join(sentences) == text.strip()  # every word, in order, cut between words
    assert all(LONGEST_SENTENCE - 6 <= len(s) <= LONGEST_SENTENCE for s in sentences[:-1])
    clauses = "Министерство сообщает, " * 200  # commas: the cut falls after one
    assert all(s.endswith(",") for s in check_invariants(clauses)[:-1])
    assert check_invariants("я" * 2500) == ["я" * 1000, "я" * 1000, "я" * 500]  # no space at all


def test_explain_names_the_rule() -> None:
    trace = explain("В 2020 г. Беларусь заняла 40 место. П. Ткач выступил.")
    assert [(decision, rule) for _, decision, rule, _ in trace] == [
        ("join", "year_or_city"),
        ("split", "default"),
        ("join", "initial"),
    ]
    assert trace[1][3].endswith("40 место.|П. Ткач выступил.")


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        split_sentences(b"bytes")  # type: ignore[arg-type]


_ALPHABET = st.sampled_from(
    list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯabcXYZ0123456789")
    + list(" \n\t\r\u00a0.,;:!?…«»\"'()[]—–-•*#@/%")
    + ["г.", "т.е.", " П. ", "\n\n", "1. ", "😀"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=200).map("".join))
def test_property_nothing_lost_on_random_text(text: str) -> None:
    check_invariants(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_property_nothing_lost_on_any_unicode(text: str) -> None:
    check_invariants(text)

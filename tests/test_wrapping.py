"""Official text in any wrapping: the same act laid out another way (lines joined and wrapped
again at another width, one to three spaces between words, indented) gives the same sentences
modulo white space.

Each splitting rule that official acts rely on is tested on its own real text (tests/data/acts,
public domain; "wording" marks the one sentence of ours in the acts' style), re-wrapped as
hypothesis draws it; then every paragraph of every act."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ruen
from ruen.splitting import paragraphs

ACTS = sorted((Path(__file__).parent / "data" / "acts").glob("*.txt"))

# rule -> a text from the acts in which that rule decides a candidate.
RULE_TEXTS = {
    "act_number": (  # 18434: "г." ends a line, "N  169-ФЗ" starts the next
        'В связи с принятием Федерального закона от 15 декабря 2001 г. N 169-ФЗ "О внесении '
        'изменений и дополнений в Закон Российской Федерации "О статусе судей в Российской '
        'Федерации" постановляю: 1. Внести в Положение о порядке выдачи удостоверения судьи '
        "судьям Конституционного Суда Российской Федерации, утвержденное Указом Президента "
        "Российской Федерации от 9 сентября 2000 г. N 1624 (Собрание законодательства "
        "Российской Федерации, 2000, N 38, ст. 3781), следующие изменения:"
    ),
    "abbreviation": (  # wording: ст., ч., п., пп. and their numbers
        "В соответствии с ч. 2 ст. 5 Федерального закона от 22 мая 2003 г. № 54-ФЗ и п. 1 "
        "Указа Президента Российской Федерации от 9 сентября 2000 г. N 1624 (Собрание "
        "законодательства Российской Федерации, 2000, N 38, ст. 3781) внести изменения в "
        "пп. «а» пункта 3. Настоящий Указ вступает в силу со дня его подписания."
    ),
    "item_marker": (  # 18434: lettered items after ":" and ";"
        'следующие изменения: а) из пункта 1 слова ", в том числе судьям, пребывающим в '
        'отставке," исключить; б) из пункта 2 слова ", в том числе пребывающим в отставке," '
        'исключить; в) в абзац шестой пункта 4 после слов "удостоверение судьи," включить '
        'слова "подписанное Президентом Российской Федерации,"; г) пункт 5 признать '
        "утратившим силу."
    ),
    "initial": (  # wording: the acts' signature, its initial set apart
        "Указ подписал Президент Российской Федерации В. Путин. Москва, Кремль, 25 июля 2002 года."
    ),
    "year_or_city": (  # wording: "г." as a city and as a year that ends a sentence
        "Совещание прошло в г. Москве 25 июля 2002 г. Указ вступает в силу со дня его подписания."
    ),
    "list_number": (  # 18434: a numbered item after the end of the last
        "г) пункт 5 признать утратившим силу. 2. Настоящий Указ вступает в силу со дня его "
        "подписания."
    ),
}


def wrap(text: str, width: int, gaps: list[int], indent: int) -> str:
    """``text``'s words in lines of at most ``width`` characters, the n-th space ``gaps[n]``
    wide, the first line indented: a fixed-width page's layout."""
    lines: list[str] = []
    line = " " * indent
    for n, word in enumerate(text.split()):
        gap = " " * gaps[n % len(gaps)]
        if line.strip() and len(line) + len(gap) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = line + gap + word if line.strip() else line + word
    lines.append(line)
    return "\n".join(lines)


def flat(sentences: list[str]) -> list[str]:
    return [" ".join(s.split()) for s in sentences]


layouts = st.tuples(
    st.integers(min_value=30, max_value=100),
    st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=6),
)


@pytest.mark.parametrize("rule", sorted(RULE_TEXTS))
def test_each_rule_decides_on_its_text(rule: str) -> None:
    assert rule in {decided for _, _, decided, _ in ruen.explain(RULE_TEXTS[rule])}


@pytest.mark.parametrize("rule", sorted(RULE_TEXTS))
@settings(max_examples=60, deadline=None)
@given(layout=layouts)
def test_each_rule_holds_in_any_wrapping(rule: str, layout: tuple[int, list[int], int]) -> None:
    text = RULE_TEXTS[rule]
    expected = flat(ruen.split_sentences(text))
    assert flat(ruen.split_sentences(wrap(text, *layout))) == expected


def test_act_references_stay_whole_however_spaced() -> None:
    for spaces in ("", " ", "  ", "\n", "  \n", "\n   ", " \n  "):
        sentence = (
            f"от 15 декабря 2001 г.{spaces or ' '}N{spaces}169-ФЗ и от 9 сентября 2000 г. № 1624."
        )
        assert len(ruen.split_sentences(f"Указ{' '}{sentence}")) == 1, repr(spaces)


@pytest.mark.parametrize("path", ACTS, ids=lambda p: p.stem)
def test_every_paragraph_of_the_acts_in_other_layouts(path: Path) -> None:
    text = ruen.read_document(path).text
    rng = random.Random(path.stem)
    for start, stop in paragraphs(text):
        paragraph = " ".join(text[start:stop].split())
        if not paragraph:
            continue
        expected = flat(ruen.split_sentences(paragraph))
        for width in (50, 72):
            gaps = [rng.randint(1, 3) for _ in range(7)]
            wrapped = wrap(paragraph, width, gaps, rng.randint(0, 6))
            assert flat(ruen.split_sentences(wrapped)) == expected, wrapped


@pytest.mark.parametrize("path", ACTS, ids=lambda p: p.stem)
def test_no_sentence_of_an_act_starts_with_an_act_number(path: Path) -> None:
    text = ruen.read_document(path).text
    rng = random.Random(path.stem)
    joined = "\n\n".join(" ".join(text[a:b].split()) for a, b in paragraphs(text))
    layouts = [text, joined] + [
        "\n\n".join(
            wrap(" ".join(text[a:b].split()), width, [rng.randint(1, 3)], 5)
            for a, b in paragraphs(text)
        )
        for width in (50, 72)
    ]
    for layout in layouts:
        for sentence in ruen.split_sentences(layout):
            assert not re.match(r"(?:N|№)\s*\d", sentence.strip()), sentence

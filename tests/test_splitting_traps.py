"""The traps of official Russian text, each on real sentences.

Cases are written razdel-style, with "|" at every boundary. Each names its source: the sample
announcement (examples/), a WMT21/22 segment id (the text of the next segment of the same
document follows where the case needs a second sentence; WMT21 ships in benchmarks/data/), or a
UD sentence id. The few traps no shipped corpus contains are marked "wording" and use the
announcement's own names in the standard official form.
"""

from __future__ import annotations

import csv
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

from ruen import explain, split_sentences
from tests.test_splitting import check_invariants

ROOT = Path(__file__).resolve().parent.parent

TRAPS = {
    "abbreviation т. е. (twice in one sentence)": [
        # PUD, the Russian of a Reuters sentence on Tesco accounts
        "Т. е. теоретически семейная пара может открыть четыре счета «Теско» и получить 3% от "
        "12000 фунтов стерлингов, т. е. 360 фунтов стерлингов. | В то же время клиенты могут "
        "делать вклады.",
    ],
    "abbreviation т. п. closing a sentence": [
        # WMT22 news/argumenti.ru.30852:p1:s7 (one segment, two sentences)
        "Нововведение затронуло все без исключения отрасли: здравоохранение, ЖКХ, полицию, "
        "муниципальные органы, суды и т. п. | К инициативе правительства присоединились также "
        "многие коммерческие структуры.",
    ],
    "abbreviation т.д. closing a sentence": [
        # WMT22 news/aif.49918:p1:s7-s8
        "Также могут быть другие срытые сахара, такие как декстроза (сахар, полученный из "
        "кукурузы), левулоза (фруктовый сахар), меласса (черная патока), сироп агавы и т.д. | "
        "Это все простые углеводы, которые относятся к моно- и дисахаридам.",
        # WMT22 social_ru_134:p1:s3, the abbreviation inside brackets
        "Да и воспитывались практически по Божьим законам (любовь к ближнему, не укради и т. д.).",
    ],
    "abbreviation руб. inside and at the end": [
        # WMT22 news/sobesednik.ru.10973:p1:s7-s8
        "К тому же это сулило очень хорошие деньги - по договору гонорар составлял 1000 рублей "
        "ежемесячно в течение 20 месяцев (директор завода, к примеру, получал 300 руб. в месяц, "
        "инженер - 200). | Средства в тот год были нужны как никогда.",
        # WMT22 news/gazeta.ru.24448:p1:s12 (one segment, two sentences)
        "Средняя цена таких моделей - от 3 до 6 тыс. руб. | При этом мужчины предпочитают "
        "покупать исключительно пиджаки - комплекты бархатных костюмов они выбирают реже.",
    ],
    "abbreviation г. after a year, and гг.": [
        # WMT22 social_ru_94:p1:s4-s5
        'Собственно, и лозунг "Окраина - не Россия" появился в 1848 г. | Что, в общем и целом, '
        "не особо меняет суть.",
        # PUD: a decade in гг. followed by a lower-case word
        "В 1350-е гг. король Конмин был наконец свободен для реформирования правительства Корё.",
    ],
    "abbreviation г. before a city, with an e-mail address": [
        # WMT21 mk.224365:p1:s8
        "Передать свою просьбу можно посредством электронной почты: str@krd.ru, а также обычным "
        "письмом по адресу: 350000, г. Краснодар, улица Красная, 122.",
    ],
    "abbreviations им., ул., д. (wording)": [
        "Конференция прошла в Национальной библиотеке им. Франциска Скорины на ул. Сурганова, "
        "д. 15. | В ней участвовал Павел Ткач.",
    ],
    "abbreviations млн, РФ, ООН": [
        # WMT21 vedomosti: two figures in млн in one sentence
        "Более 4,1 млн из них приходятся на США, более 2,3 млн - на Бразилию. | Россия занимает "
        "четвертое место в мире по общему числу случаев.",
        # WMT21 rg.ru.74095:p1:s2-s3
        "Правительство РФ включило в перечень автомобильных дорог федерального значения еще две "
        "автотрассы. | Как сообщает кабмин, одна из этих дорог соединяет Вологодскую и "
        "Архангельскую области.",
        # the sample announcement: ООН before a full stop closing a quotation
        "23 октября состоялся онлайн конференция «Достижения и вызовы в развитии электронного "
        "правительства в странах региона в контексте Исследования ООН по электронному "
        "правительству». | В качестве спикеров выступили руководители госорганов.",
    ],
    "initials and names": [
        # WMT21 xinhua-zh.21324:p1:s6
        '"Жалобы -- это не исправления, осуждение -- это не дипломатия", -- отметил Д. Рассел, '
        "добавив, что высказывания госсекретаря США могут ухудшить двусторонние отношения.",
        # WMT21 xinhua-zh.21324:p1:s1 and s4
        'Бывший американский дипломат назвал высказывания М. Помпео "примитивными". | '
        '"Гневный плач" М. Помпео будут иметь противоположный эффект, сказал он CNBC.',
        # wording: the announcement's speaker with an initial, and two initials
        "Первый заместитель Министра П. Ткач принял участие в конференции. | По его словам, "
        "А.С. Пушкин тут ни при чём.",
    ],
    "numbers and dates": [
        # the sample announcement
        "По сравнению с 2018 годом данный индекс Республики Беларусь вырос на 5,8 % в 2020 году. "
        "| Организаторы мероприятия: Департамент ООН по экономическим и социальным вопросам "
        "(UN DESA).",
        # WMT21 rg.ru.74104:p1:s13
        "Наконец, прогноз Банка России по инфляции на 2020 год составил 3,7-4,2% против ранее "
        "ожидавшихся 3,8-4,8%. | Инфляция замедлилась.",
        # WMT21 vesti.ru.343831:p1:s11: a dotted project number
        'Еще один новичок ВМФ - дизель-электрическая подводная лодка "Петропавловск-Камчатский" '
        'проекта 636.3 ЦКБ морской техники "Рубин", построенная на "Адмиралтейских верфях".',
        # wording: a dotted date and a decimal point
        "Конференция состоялась 23.10.2020 в онлайн-формате. | На цифровизацию выделено 1.5 млн "
        "долларов.",
    ],
    "guillemets and quotes, stop inside or outside": [
        # PUD n01010042 and the next PUD sentence
        "«Был момент, — сказал господин Панвалкар, — когда он чувствовал, что они должны "
        "покинуть здание». | Ей также предъявлено обвинение в покушении на убийство ее "
        "двухлетней дочери.",
        # UD Taiga xud--ignatova05: the stop inside the quotation
        "«Ты художник, Коля!» | «Вот ящик, а в нём сидит такой барашек, какого тебе хочется!»",
        # PUD: a full stop inside an open quotation does not end the sentence
        "«Все больше людей берут кредиты… Хотя сейчас заимствование управляемо, в будущем это "
        "может стать проблемой», — сказал он.",
    ],
    "URLs": [
        # WMT22 news/rg.ru.15618:p1:s20 and a sentence of the announcement
        "Официальный сайт премии: https://премияарсеньева.рф/. | Организаторы мероприятия: "
        "Департамент ООН.",
        "Подробности на сайте www.mpt.gov.by. | Первый замминистра также отметил рост индекса.",
    ],
    "markdown links": [
        # the sample announcement
        "Первый заместитель Министра связи и информатизации Беларуси Павел Ткач принял участие в "
        "конференции и [проинформировал об опыте развития электронного правительства в "
        "Республике Беларусь](#). | В частности, он обозначил, что создание электронного "
        "правительства является одним из национальных приоритетов Республики Беларусь.",
    ],
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=f"{trap}-{i}")
        for trap, cases in TRAPS.items()
        for i, case in enumerate(cases)
    ],
)
def test_trap(case: str) -> None:
    expected = [part.strip() for part in case.split(" | ")]
    text = " ".join(expected)
    assert check_invariants(text) == expected, explain(text)


def test_heading_without_full_stop(example_text: str) -> None:
    heading, _, rest = example_text.partition("\n")
    assert not heading.endswith(".")
    assert split_sentences(example_text)[0] == heading
    # Also when only a single line break separates it from the text below.
    assert split_sentences(heading + "\n" + rest.strip())[0] == heading


def test_lists_of_the_announcements_organisers() -> None:
    # The announcement's last sentence, laid out as the bulleted and numbered lists that
    # ministry pages use.
    organisers = [
        "Департамент ООН по экономическим и социальным вопросам (UN DESA);",
        "Министерство цифрового развития, инноваций и аэрокосмической промышленности РК;",
        "АО Холдинг «Зерде» и ACSH.",
    ]
    for markers in (["-"] * 3, ["•"] * 3, ["1.", "2.", "3."], ["1)", "2)", "3)"]):
        items = [f"{marker} {item}" for marker, item in zip(markers, organisers)]
        text = "Организаторы мероприятия:\n" + "\n".join(items)
        assert check_invariants(text) == ["Организаторы мероприятия:", *items]


def _wmt21_documents() -> list[str]:
    """The WMT21 news documents as a web page lays them out: a headline (a segment with no
    final punctuation) on a line of its own, paragraphs separated by a blank line."""
    documents: dict[str, list[list[str]]] = defaultdict(list)
    last_paragraph: dict[str, str] = {}
    path = ROOT / "benchmarks" / "data" / "wmt21_newstest2021_ruen.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            doc, paragraph, _ = row["id"].rsplit(":", 2)
            paragraphs = documents[doc]
            if not paragraphs or last_paragraph[doc] != paragraph:
                paragraphs.append([])
            last_paragraph[doc] = paragraph
            paragraphs[-1].append(row["ru"])
            if not row["ru"].rstrip().endswith(tuple(".!?…»\"')")):  # a headline
                paragraphs.append([])
    return ["\n\n".join(" ".join(p) for p in paragraphs if p) for paragraphs in documents.values()]


def _normalised(text: str) -> list[str]:
    return [" ".join(sentence.split()) for sentence in check_invariants(text)]


@pytest.mark.parametrize("width", [40, 60, 72, 100])
def test_line_breaks_inside_a_paragraph(width: int, example_text: str) -> None:
    """Wrapping real text at a fixed width (as mail clients and plain-text pages do) changes
    no sentence: the sample announcement and all 108 WMT21 news documents."""
    documents = [example_text, *_wmt21_documents()]
    changed = []
    for document in documents:
        wrapped = "\n\n".join(
            textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False)
            for p in document.split("\n\n")
        )
        if _normalised(wrapped) != _normalised(document):
            changed.append(document[:80])
    assert changed == []

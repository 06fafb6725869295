"""Reading announcements as they come: plain text, Markdown, web pages, old encodings, and
every way a file can be unusable."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import ruen
from ruen.documents import MAX_HTML_BYTES, normalise
from ruen.errors import InputError
from tests.conftest import EXAMPLE, run_cli

pytest.importorskip("trafilatura", reason="reading HTML needs ruen[html]")

SAMPLE = EXAMPLE.read_text(encoding="utf-8")
TITLE, _, BODY = SAMPLE.partition("\n\n")
PARAGRAPHS = BODY.strip().split("\n\n")
URL = "https://mpt.gov.by/ru/news/23-10-2020-onlayn-konferenciya"


def page(charset: str = "utf-8", *, extra: str = "") -> str:
    """The sample announcement as a ministry page serves it: the text is the ministry's, the
    markup (navigation, comments, footer) is a page template of ours."""
    link = '<a href="/ru/news/1">'
    paragraphs = "".join(
        "<p>" + p.replace("[", link).replace("](#)", "</a>") + "</p>\n" for p in PARAGRAPHS
    )
    title = html.escape(TITLE)
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="{charset}">
<title>{title} | Министерство связи и информатизации</title>
<meta property="og:title" content="{title}"><link rel="canonical" href="{URL}">
</head><body><nav><ul><li><a href="/">Главная</a></li><li><a href="/ru/news">Новости</a></li>
<li><a href="/ru/contacts">Контакты</a></li></ul></nav>
<main><article><h1>{TITLE}</h1><time datetime="2020-10-23">23.10.2020</time>
{paragraphs}<img src="/img/conf.jpg" alt="Фото с конференции">{extra}</article></main>
<section class="comments"><h3>Комментарии</h3><p>Иван: Отличная новость, спасибо!</p></section>
<footer><p>© 2020 Министерство связи и информатизации Республики Беларусь</p></footer>
</body></html>"""


def test_the_sample_is_read_as_markdown_with_its_title(example_text: str) -> None:
    document = ruen.read_document(EXAMPLE)
    assert document.format == "markdown" and document.title == TITLE
    assert "проинформировал об опыте развития электронного правительства" in document.text
    assert "](#)" not in document.text and "[" not in document.text
    assert document.text.count("\n\n") == len(PARAGRAPHS) - 1
    verbatim = ruen.read_document(EXAMPLE, format="text")
    assert verbatim.title == TITLE and "](#)" in verbatim.text


def test_markdown_syntax_never_reaches_the_text() -> None:
    markdown = (
        "# Онлайн конференция\n\n"
        "Первый заместитель Министра **Павел Ткач** принял участие в конференции и "
        "[проинформировал об опыте](https://mpt.gov.by/ru/news/1) развития *электронного* "
        "правительства.\n\n"
        "## Организаторы\n\n"
        "- Департамент ООН по экономическим и социальным вопросам (UN DESA)\n"
        "- АО Холдинг «Зерде» и ACSH\n\n"
        "![Фото](photo.jpg)\n\n"
        f"Source URL: {URL}\n"
    )
    document = ruen.parse_document(markdown, format="markdown")
    assert document.title == "Онлайн конференция" and document.url == URL
    assert not any(sign in document.text for sign in ("**", "*", "](", "#", "https://", "Фото"))
    sentences = ruen.split_sentences(document.text)
    assert sentences == [
        "Первый заместитель Министра Павел Ткач принял участие в конференции и "
        "проинформировал об опыте развития электронного правительства.",
        "Организаторы",  # a heading is a sentence of its own
        "Департамент ООН по экономическим и социальным вопросам (UN DESA)",
        "АО Холдинг «Зерде» и ACSH",
    ]


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r"])
def test_a_web_page_in_any_russian_encoding(charset: str) -> None:
    data = page(charset).replace("«", "&quot;").replace("»", "&quot;").encode(charset)
    document = ruen.parse_document(data, name="news.html")
    assert document.format == "html" and document.encoding == charset
    assert document.title == TITLE.replace("«", '"').replace("»", '"')
    assert document.url == URL and document.date == "2020-10-23"
    for left_out in ("Главная", "Контакты", "Отличная новость", "©", "Фото", "/ru/news/1"):
        assert left_out not in document.text
    assert "Павел Ткач принял участие в конференции и проинформировал об опыте" in document.text
    assert not document.text.lstrip().startswith("Онлайн конференция")  # the h1 is the title
    assert len(ruen.split_sentences(document.text)) == 9


def test_a_plain_text_file_in_windows_1251_or_koi8_r(tmp_path: Path) -> None:
    text = PARAGRAPHS[3].replace("[", "").replace("](#)", "")
    for encoding in ("windows-1251", "koi8-r"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        document = ruen.read_document(path)
        assert (document.text, document.encoding) == (text, encoding)


def test_normalising_before_splitting() -> None:
    assert (
        normalise("канала &#34;Культура&#34; &amp; &laquo;ТВ&raquo;") == 'канала "Культура" & «ТВ»'
    )
    assert normalise("элек\u00adтрон\u200bного\u00a0правительства") == "электронного правительства"
    assert normalise("офицеров запаса\nп о с т а н о в л я ю:") == "офицеров запаса\nпостановляю:"
    assert normalise("У К А З") == "УКАЗ"
    assert normalise("а и в к") == "а и в к"  # single-letter words of mixed case stay
    assert normalise("R&D, AT&T, 5 & 6") == "R&D, AT&T, 5 & 6"  # not entities


def test_metadata_lines_are_not_text() -> None:
    text = f"Индекс вырос на 5,8 %.\n\n<{URL}>\n"
    document = ruen.parse_document(text, format="text")
    assert document.url == URL and URL not in document.text
    document = ruen.parse_document(f"Индекс вырос.\n\nSource URL: {URL}\nDate: 2020-10-23\n")
    assert (document.url, document.date, document.text.strip()) == (
        URL,
        "2020-10-23",
        "Индекс вырос.",
    )


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.txt", "a binary file"),
        (
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
            "empty.html",
            "no main text",
        ),
        (b"   \n\n  ", "blank.txt", "empty input"),
        ("Привет ".encode() + b"\xff\xfe", "mixed.txt", "not valid UTF-8 (byte 0xff at offset 13)"),
    ],
    ids=["binary", "no main text", "blank", "not an encoding"],
)
def test_unusable_inputs_say_why(data: bytes, name: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        ruen.parse_document(data, name=name)


def test_a_page_too_large_is_refused_not_cut() -> None:
    data = page().replace(
        "</article>", "<p>" + "Текст. " * (MAX_HTML_BYTES // 10) + "</p></article>"
    )
    with pytest.raises(InputError, match=r"a page of .* MB, more than the 20 MB"):
        ruen.parse_document(data.encode(), name="huge.html")


@pytest.mark.parametrize(
    ("dated", "date"),
    [
        ("<div class='news-date'>23 октября 2020</div>", "2020-10-23"),
        ("<span class='date'>23 октября 2020, 14:30</span>", "2020-10-23"),
        ("<div class='date'>October 23, 2020</div>", "2020-10-23"),
    ],
)
def test_a_short_page_with_its_date_in_words(dated: str, date: str) -> None:
    """A note shorter than trafilatura's minimum goes to its jusText fallback, and a date in
    words to dateparser: both narrowed to the languages of ruen's pages (documents.py says
    why), which must still read the note whole and its date; the check on the narrowing
    fails if trafilatura or htmldate rename what ruen sets."""
    import htmldate.extractors
    import trafilatura.external

    note = PARAGRAPHS[0][:200].rsplit(" ", 1)[0] + "."
    markup = (
        f"<html><head><title>{html.escape(TITLE)}</title></head><body><nav>Главная | Новости</nav>"
        f"<article>{dated}<p>{html.escape(note)}</p></article>"
        "<footer>© Министерство</footer></body></html>"
    )
    document = ruen.parse_document(markup.encode(), name="short.html")
    assert document.text.endswith(note) and document.date == date
    assert len(trafilatura.external.JT_STOPLIST) < 10_000  # all languages: 154,000 words
    assert htmldate.extractors.get_external_parser().languages == ["ru", "en"]


@pytest.mark.parametrize(
    ("dated", "date"),
    [
        ("", None),  # only "в 2019 году" in the text: htmldate's guess is 2019-01-01
        ("<time datetime='2021-01-01'>1 января</time>", "2021-01-01"),
        ("<div class='date'>01.01.2021</div>", "2021-01-01"),
        ("<div class='news-date'>1 января 2021</div>", "2021-01-01"),
        ("<p>Минск, 01.01.2021</p>", "2021-01-01"),
        ("<div class='date'>23 октября 2020</div>", "2020-10-23"),
    ],
)
def test_a_year_in_the_text_is_not_the_date_of_the_page(dated: str, date: str | None) -> None:
    """No date is better than a wrong one: ruen follow dates an item by its page where the
    feed gives none, and a story dated 1 January of a year its text names fell out of the
    day's briefing."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS[:3])
    markup = (
        f"<html><head><title>{html.escape(TITLE)}</title></head><body><article>{dated}{body}"
        "<p>В 2019 году в стране было реализовано 5 проектов.</p></article></body></html>"
    )
    assert ruen.parse_document(markup.encode(), name="dated.html").date == date


def test_broken_markup_loses_nothing_of_the_text() -> None:
    broken = page().replace("</p>", "").replace("</article>", "").replace("</body></html>", "")
    document = ruen.parse_document(broken.encode(), name="broken.html")
    assert ruen.split_sentences(document.text) == ruen.split_sentences(
        ruen.parse_document(page().encode(), name="page.html").text
    )


def test_cli_reads_pages_and_says_what_it_did(tmp_path: Path, offline_env: dict[str, str]) -> None:
    news = tmp_path / "news.html"
    news.write_bytes(page("windows-1251").replace("«", '"').replace("»", '"').encode("cp1251"))
    english = tmp_path / "english.txt"
    english.write_text(
        "The ministry held an online conference on e-government.\n", encoding="utf-8"
    )
    result = run_cli("split", str(news), str(english), env=offline_env)
    assert result.returncode == 0, result.stderr
    assert f"ruen: {news}: not UTF-8, read as windows-1251" in result.stderr
    assert (
        f"ruen: {english}: only 0 % of its letters are Cyrillic; ruen translates Russian"
        in result.stderr
    )
    assert "The ministry held an online conference" in result.stdout  # and it went on
    for command, needle in (("summarize", "no main text found"), ("split", "no main text found")):
        empty = tmp_path / "empty.html"
        empty.write_text("<html><body><nav>Меню</nav></body></html>", encoding="utf-8")
        result = run_cli(command, str(empty), env=offline_env)
        assert (
            result.returncode == 2
            and result.stderr.strip() == f"ruen: error: {empty}: {needle} in the page"
        )


def test_no_markdown_and_no_address_reaches_the_model(tiny_model: Path) -> None:
    translator = ruen.load_translator(tiny_model, device="cpu")
    seen: list[str] = []
    real = translator.engine.translate

    def spy(texts, settings, **batching):
        seen.extend(texts)
        return real(texts, settings, **batching)

    translator.memory_cache.clear()
    translator.engine.translate = spy
    try:
        document = ruen.read_document(EXAMPLE)
        result = ruen.digest(document, translator=translator, max_new_tokens=5, beam_size=1)
    finally:
        del translator.engine.translate
    assert result.title is not None and result.title.ru == TITLE and result.title.en
    assert TITLE in seen  # the title was translated
    assert not any(i for i in range(len(result.sentences)) if result.sentences[i].ru == TITLE)
    assert not [text for text in seen if re.search(r"\]\(|\[|https?://|#\)", text)]

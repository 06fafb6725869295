"""Each story once (ruen.stories): distinct news stories never merge; a reprint with its lead
cut, an outlet's boilerplate around it and other line breaks is found; the window and the
forgetting of old stories hold. Stories: the WMT21 documents of benchmarks/data (real news)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("rensa", reason="ruen.stories needs ruen[follow]")

from ruen.evaluation import read_tsv, wmt_documents
from ruen.stories import StoryIndex, fingerprint, shingles

WMT21 = (
    Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "wmt21_newstest2021_ruen.tsv"
)
DAY = datetime(2026, 11, 30, 9, 0)


@pytest.fixture(scope="module")
def stories() -> list[list[str]]:
    return [russian for russian, _ in wmt_documents(read_tsv(WMT21)) if len(russian) >= 4]


@pytest.fixture
def index(stories: list[list[str]]) -> StoryIndex:
    index = StoryIndex()
    for i, segments in enumerate(stories):
        assert index.add(f"s{i}", "\n\n".join(segments), DAY) is None  # no two stories merge
    return index


def test_white_space_case_and_punctuation_do_not_make_a_new_text() -> None:
    assert fingerprint("Индекс вырос на 5,8 %.\n\nЁлка") == fingerprint("индекс  вырос на 5 8 ЕЛКА")
    assert shingles("а б в г д е") == shingles("А, б;\nв г — д е!")
    assert len(shingles("одно слово")) == 1


def test_a_reprint_is_found_however_it_was_made(
    index: StoryIndex, stories: list[list[str]]
) -> None:
    segments = stories[7]
    reprint = "\n".join(
        [
            "Источник: РИА «Регион-Инфо». Все новости региона в нашем телеграм-канале.",
            "  ".join(segments[1:]),  # the lead cut, the paragraphs run together
            "При перепечатке ссылка обязательна.",
        ]
    )
    assert index.add("reprint", reprint, DAY + timedelta(days=1)) == "s7"
    assert len(index) == len(stories)  # a repeat is not indexed
    assert index.add("again", "\n\n".join(segments), DAY) == "s7"  # the same text exactly


def test_a_repeat_counts_only_within_the_window(
    index: StoryIndex, stories: list[list[str]]
) -> None:
    later = "\n\n".join(stories[3][1:])
    assert index.add("late", later, DAY + timedelta(days=5)) is None
    assert index.add("undated", "\n\n".join(stories[4][1:])) == "s4"


def test_old_stories_are_forgotten(index: StoryIndex, stories: list[list[str]]) -> None:
    assert index.forget(DAY + timedelta(hours=1)) == len(stories)
    assert len(index) == 0
    assert index.add("s0 again", "\n\n".join(stories[0]), DAY) is None


def test_short_texts_are_compared_only_whole() -> None:
    index = StoryIndex()
    assert index.add("a", "Заседание перенесено.", DAY) is None
    assert index.add("b", "Заседание перенесено на вторник.", DAY) is None
    assert index.add("c", "заседание   перенесено", DAY) == "a"


def test_the_index_costs_no_scientific_stack() -> None:
    """The index is built in every ``ruen follow`` run beside the model, under a memory target:
    datasketch imports scipy, 43 MB more in such a process (stories.py says why rensa)."""
    import subprocess
    import sys

    probe = (
        "import sys; from ruen.stories import StoryIndex; index = StoryIndex(); "
        "index.add('a', 'Министерство сообщает о проведении онлайн конференции по вопросам "
        "электронного правительства в странах региона'); print('scipy' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "False"

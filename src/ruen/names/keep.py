"""One spelling per person in a document, and every person and place kept in the English.

Why per document: a note that names Лавров four times, in four cases, is translated sentence by
sentence, and the model may write Lavrov, Lavrova, Lavrovym or nothing. A reader needs one
name. So after translation, each person of the document gets one spelling: the house
glossary's where it has one (``Шойгу<TAB>Shoygu``), else the one the English already uses
most, else the list's, else Wikipedia's transliteration; and each place keeps its name. A
sentence that lacks its person's spelling, or a place, is given it the way glossary terms are
(``translation/terms.py``): the best hypothesis of the model's n-best list that holds it, else
a decode forced to begin with the English up to the name, then the name. What cannot be kept
stays flagged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ruen.records import NameUse


def house_entries(glossary: Any) -> dict:
    """A house glossary's entries as name-list entries (its spelling of a person wins)."""
    if glossary is None:
        return {}
    from ruen.names.spellings import Listed, _key

    return {
        _key(term.source): Listed(term.source, (term.target, *term.also), "person")
        for term in glossary
        if term.owner is None
    }


def keep_names(
    russian: Sequence[str],
    english: Sequence[str | None],
    *,
    translator: Any = None,
    options: Any = None,
) -> tuple[list[str | None], list[tuple[NameUse, ...]]]:
    """The English of a document's sentences with its people and places kept (where
    ``options.repair`` and a ``translator`` allow), and what each sentence's names became."""
    from ruen.names.check import available, renderings

    if not available():
        return list(english), [()] * len(russian)
    house = house_entries(getattr(options, "glossary", None))
    found = [
        renderings(ru, en, house=house) if en is not None else []
        for ru, en in zip(russian, english)
    ]
    spelling = _spellings(found, house)
    wanting = [n for n, rendered in enumerate(found) if any(_wants(r, spelling) for r in rendered)]
    new = list(english)
    how: dict[tuple[int, str], str] = {}
    if wanting and translator is not None and getattr(options, "repair", False):
        from ruen.glossary import Glossary, Term

        terms: dict[str, Term] = {}  # one glossary for the document's wanted names
        only: list[set[str]] = []
        for n in wanting:
            lemmas = set()
            for r in found[n]:
                if _wants(r, spelling):
                    terms.setdefault(
                        r.entity.head_lemma, Term(r.entity.head_lemma, spelling[_key(r)])
                    )
                    lemmas.add(r.entity.head_lemma)
            only.append(lemmas)
        names = Glossary(list(terms.values()), keys=name_keys)
        texts = [russian[n] for n in wanting]
        kept = translator.keep_terms(
            texts, [english[n] or "" for n in wanting], names, options, only=only
        )  # all at once: batched decodes, not one per sentence
        for n, (text, uses) in zip(wanting, kept):
            new[n] = text
            for use in uses:
                how[(n, use.target)] = use.how
            found[n] = renderings(russian[n], text, house=house)
    records = []
    for n, rendered in enumerate(found):
        uses = []
        for r in rendered:
            chosen = spelling[_key(r)]
            if r.how == "missing":
                state = how.get((n, chosen), "missing")
                state = "missing" if state == "found" else state
            elif r.entity.kind == "person" and (r.english or "").lower() != chosen.lower():
                state = "missing"  # another spelling than the document's
            else:
                state = how.get((n, chosen), "found")
            english_form = r.english if r.english and state != "missing" else chosen
            uses.append(NameUse(r.entity.text, r.entity.lemma, r.entity.kind, english_form, state))
        records.append(tuple(uses))
    return new, records


def name_keys(word: str) -> frozenset[str]:
    """A word's keys as a name: its nominatives (Лаврову, Лавровым and Лаврова all have
    Лавров; a Snowball stem cuts -ов off some and not others)."""
    from ruen.names.entities import nominatives

    return frozenset(n.lower().replace("ё", "е") for n in nominatives(word)) | {
        word.lower().replace("ё", "е")
    }


def _key(rendering: Any) -> tuple[str, str]:
    entity = rendering.entity
    lemma = entity.head_lemma if entity.kind == "person" else entity.lemma
    return entity.kind, lemma.lower().replace("ё", "е")


def _spellings(found: list[list[Any]], house: dict) -> dict[tuple[str, str], str]:
    """One spelling for each person and place of a document."""
    from ruen.names.spellings import listed

    seen: dict[tuple[str, str], Counter[str]] = {}
    expected: dict[tuple[str, str], str] = {}
    for rendered in found:
        for r in rendered:
            key = _key(r)
            expected.setdefault(key, r.expected)
            if r.english and r.how != "missing":
                seen.setdefault(key, Counter())[r.english] += 1
    chosen = {}
    for key, usual in expected.items():
        entry = listed([key[1]], house) if house else None
        if entry is not None and key[1].split() and entry.russian.lower() in house_keys(house):
            chosen[key] = entry.spellings[0]
        elif key in seen:
            chosen[key] = seen[key].most_common(1)[0][0]
        else:
            chosen[key] = usual
    return chosen


def house_keys(house: dict) -> set[str]:
    return {entry.russian.lower() for entry in house.values()}


def _wants(rendering: Any, spelling: dict[tuple[str, str], str]) -> bool:
    """Whether a sentence lacks the name, or spells a person otherwise than the document."""
    if rendering.how == "missing":
        return True
    if rendering.entity.kind != "person":
        return False
    return (rendering.english or "").lower() != spelling[_key(rendering)].lower()

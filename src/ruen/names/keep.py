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
from dataclasses import dataclass, field
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
    return keep_names_many([(russian, english, options)], translator=translator)[0]


@dataclass
class _Document:
    """One document's names as keeping them goes: what each sentence renders, the document's
    spelling of each, the sentences that want one and the names (by lemma) each wants."""

    russian: Sequence[str]
    options: Any
    house: dict
    found: list[list[Any]]
    spelling: dict[tuple[str, str], str]
    english: list[str | None]
    wanting: list[int] = field(default_factory=list)
    wants: list[set[str]] = field(default_factory=list)
    terms: dict[str, Any] = field(default_factory=dict)
    how: dict[tuple[int, str], str] = field(default_factory=dict)


def keep_names_many(
    documents: Sequence[tuple[Sequence[str], Sequence[str | None], Any]],
    *,
    translator: Any = None,
) -> list[tuple[list[str | None], list[tuple[NameUse, ...]]]]:
    """:func:`keep_names` of each (russian, english, options), the decodes of all of them in
    one batched call wherever their spellings agree (always, unless two documents spell one
    person two ways): digest_many's window keeps names as it translates, together, since a
    call per document left the model small batches (40 benchmark documents, every name
    wanting, on the real-size random model: 67 s that way, 46 s together)."""
    from ruen.names.check import available, renderings

    if not available():
        return [(list(english), [()] * len(russian)) for russian, english, _ in documents]
    states = []
    for russian, english, options in documents:
        house = house_entries(getattr(options, "glossary", None))
        found = [
            renderings(ru, en, house=house) if en is not None else []
            for ru, en in zip(russian, english)
        ]
        state = _Document(russian, options, house, found, _spellings(found, house), list(english))
        for n, rendered in enumerate(found):
            wanted = [r for r in rendered if _wants(r, state.spelling)]
            if wanted:
                state.wanting.append(n)
                state.wants.append({r.entity.head_lemma for r in wanted})
                for r in wanted:
                    state.terms.setdefault(r.entity.head_lemma, state.spelling[_key(r)])
        states.append(state)
    if translator is not None:
        keeping = [s for s in states if s.wanting and getattr(s.options, "repair", False)]
        for spelled, members in _agreeing(keeping):
            _keep(translator, spelled, members)
    return [_records(state) for state in states]


def _agreeing(states: list[_Document]) -> list[tuple[dict[str, str], list[_Document]]]:
    """The documents in groups whose spellings of a name (by lemma) agree."""
    groups: list[tuple[dict[str, str], list[_Document]]] = []
    for state in states:
        for spelled, members in groups:
            if all(spelled.get(lemma, target) == target for lemma, target in state.terms.items()):
                spelled.update(state.terms)
                members.append(state)
                break
        else:
            groups.append((dict(state.terms), [state]))
    return groups


def _keep(translator: Any, spelled: dict[str, str], members: list[_Document]) -> None:
    """The wanted names put into the English of ``members``' sentences, in one call."""
    from ruen.glossary import Glossary, Term
    from ruen.names.check import renderings

    names = Glossary([Term(lemma, target) for lemma, target in spelled.items()], keys=name_keys)
    where = [(state, n) for state in members for n in state.wanting]
    kept = translator.keep_terms(
        [state.russian[n] for state, n in where],
        [state.english[n] or "" for state, n in where],
        names,
        members[0].options,
        only=[wanted for state in members for wanted in state.wants],
    )  # all at once: batched decodes, not one per sentence or per document
    for (state, n), (text, uses) in zip(where, kept):
        state.english[n] = text
        for use in uses:
            state.how[(n, use.target)] = use.how
        state.found[n] = renderings(state.russian[n], text, house=state.house)


def _records(state: _Document) -> tuple[list[str | None], list[tuple[NameUse, ...]]]:
    """The document's English and what each sentence's names became."""
    records = []
    for n, rendered in enumerate(state.found):
        uses = []
        for r in rendered:
            chosen = state.spelling[_key(r)]
            if r.how == "missing":
                found = state.how.get((n, chosen), "missing")
                found = "missing" if found == "found" else found
            elif r.entity.kind == "person" and (r.english or "").lower() != chosen.lower():
                found = "missing"  # another spelling than the document's
            else:
                found = state.how.get((n, chosen), "found")
            english_form = r.english if r.english and found != "missing" else chosen
            uses.append(NameUse(r.entity.text, r.entity.lemma, r.entity.kind, english_form, found))
        records.append(tuple(uses))
    return state.english, records


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

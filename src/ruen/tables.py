"""Digests as tables: one row per sentence, for pandas (``ruen[pandas]``) and Arrow
(``ruen[arrow]``).

Why rows of sentences: what an analyst does with a week of digests in a notebook is filter by
flag, count by source and read the key sentences; a row per sentence with its document's id
makes each of those one line of pandas. A document that could not be digested is a row too,
with its error, so that nothing drops out of a count unseen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ruen.errors import MissingExtraError
from ruen.records import Digest, DocumentError

if TYPE_CHECKING:
    import pandas
    import pyarrow

# One name and one type per column, whatever fails: a failed document's row has None in its
# text and number columns, empty lists in its list columns, and its error as text.
DOCUMENT_COLUMNS = ("id", "title_ru", "title_en", "date", "url", "model")
SENTENCE_COLUMNS = (
    "index", "paragraph", "start", "stop", "ru", "en", "selected", "score", "repaired",
)  # fmt: skip
LIST_COLUMNS = ("flags", "terms", "names")
COLUMNS = (*DOCUMENT_COLUMNS, *SENTENCE_COLUMNS, *LIST_COLUMNS, "error")
# The fields of each entry of a list column (Arrow's struct fields; dicts in pandas).
FIELDS = {
    "flags": ("kind", "source", "target", "message"),
    "terms": ("source", "target", "how"),
    "names": ("source", "lemma", "kind", "english", "how"),
}


def rows(digests: Iterable[Digest | DocumentError]) -> list[dict[str, Any]]:
    """The rows of :func:`to_pandas`, as plain dictionaries."""
    out = []
    for item in digests:
        if isinstance(item, DocumentError):
            row = {**dict.fromkeys(COLUMNS), "id": item.id, "error": item.error}
            out.append({**row, **{column: [] for column in LIST_COLUMNS}})
            continue
        if not isinstance(item, Digest):
            raise TypeError(f"to_pandas takes Digests, not {type(item).__name__}")
        document = {
            "id": item.id,
            "title_ru": item.title.ru if item.title else None,
            "title_en": item.title.en if item.title else None,
            "date": item.date,
            "url": item.url,
            "model": item.model,
        }
        for record in item.sentences:
            out.append(
                {
                    **document,
                    "index": record.index,
                    "paragraph": record.paragraph,
                    "start": record.start,
                    "stop": record.stop,
                    "ru": record.ru,
                    "en": record.en,
                    "selected": record.selected,
                    "score": record.score,
                    "repaired": record.repaired,
                    "flags": [flag.to_dict() for flag in record.flags],
                    "terms": [term.to_dict() for term in record.terms],
                    "names": [name.to_dict() for name in record.names],
                    "error": None,
                }
            )
    return out


def to_pandas(digests: Iterable[Digest | DocumentError]) -> pandas.DataFrame:
    """A ``pandas.DataFrame`` of every sentence of ``digests`` (``digest_many``'s output
    will do), one row each: its document's id, title (Russian and English), date, url and
    model; the sentence's index, paragraph, offsets, Russian, English, whether it is key, its
    score, whether repair changed it; its ``flags`` (a list of dicts: kind, source, target,
    message), glossary ``terms`` (source, target, how) and ``names`` (source, lemma, kind,
    english, how). A document that failed is one row with its ``error`` (text), ``pandas.NA``
    in the other text and number columns, empty lists in the list columns.

    ```python
    table = ruen.to_pandas(ruen.digest_many(documents))
    table[table.flags.str.len() > 0]  # the sentences that carry a warning
    ```
    """
    try:
        import pandas
    except ImportError:
        raise MissingExtraError("ruen.to_pandas", "pandas", "pandas") from None
    table = pandas.DataFrame(rows(digests), columns=list(COLUMNS))
    # Nullable types: a failed document's row has no index, selection or text (pandas.NA in
    # each, never NaN in one and None in another), and a mask such as table[table["selected"]]
    # must still work (NA counts as not selected).
    return table.astype(
        {"index": "Int64", "paragraph": "Int64", "start": "Int64", "stop": "Int64",
         "selected": "boolean", "repaired": "boolean", "score": "Float64",
         **{column: "string" for column in (*DOCUMENT_COLUMNS, "ru", "en", "error")}}
    )  # fmt: skip


def to_arrow(digests: Iterable[Digest | DocumentError]) -> pyarrow.Table:
    """The rows of :func:`to_pandas` as a ``pyarrow.Table`` (the list columns as lists of
    structs), which pandas and Polars both read."""
    try:
        import pyarrow
    except ImportError:
        raise MissingExtraError("ruen.to_arrow", "arrow", "pyarrow") from None
    text, number, flag = pyarrow.string(), pyarrow.int64(), pyarrow.bool_()
    types = {**dict.fromkeys((*DOCUMENT_COLUMNS, "ru", "en", "error"), text),
             **dict.fromkeys(("index", "paragraph", "start", "stop"), number),
             "selected": flag, "repaired": flag, "score": pyarrow.float64()}  # fmt: skip
    for column, names in FIELDS.items():
        types[column] = pyarrow.list_(pyarrow.struct([(name, text) for name in names]))
    schema = pyarrow.schema([(column, types[column]) for column in COLUMNS])
    return pyarrow.Table.from_pylist(rows(digests), schema=schema)

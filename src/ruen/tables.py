"""Digests as tables: one row per sentence, for pandas (``ruen[pandas]``) and Arrow
(``ruen[arrow]``).

Why rows of sentences: what an analyst does with a week of digests in a notebook is filter by
flag, count by source and read the key sentences; a row per sentence with its document's id
makes each of those one line of pandas. A document that could not be digested is a row too,
with its error, so that nothing drops out of a count unseen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruen.errors import MissingExtraError
from ruen.records import Digest, DocumentError

COLUMNS = (
    "id", "index", "paragraph", "start", "stop", "ru", "en", "selected", "score", "repaired",
    "flag_kinds", "flag_messages", "terms", "error",
)  # fmt: skip


def rows(digests: Iterable[Digest | DocumentError]) -> list[dict[str, Any]]:
    """The rows of :func:`to_pandas`, as plain dictionaries."""
    out = []
    for item in digests:
        if isinstance(item, DocumentError):
            out.append({**dict.fromkeys(COLUMNS), "id": item.id, "error": item.error})
            continue
        if not isinstance(item, Digest):
            raise TypeError(f"to_pandas takes Digests, not {type(item).__name__}")
        for record in item.sentences:
            out.append(
                {
                    "id": item.id,
                    "index": record.index,
                    "paragraph": record.paragraph,
                    "start": record.start,
                    "stop": record.stop,
                    "ru": record.ru,
                    "en": record.en,
                    "selected": record.selected,
                    "score": record.score,
                    "repaired": record.repaired,
                    "flag_kinds": [flag.kind for flag in record.flags],
                    "flag_messages": [flag.message for flag in record.flags],
                    "terms": [f"{t.source} → {t.target} ({t.how})" for t in record.terms],
                    "error": None,
                }
            )
    return out


def to_pandas(digests: Iterable[Digest | DocumentError]) -> Any:
    """A ``pandas.DataFrame`` of every sentence of ``digests`` (``digest_many``'s output
    will do), one row each: id, index, paragraph, start, stop, ru, en, selected, score,
    repaired, flag kinds, flag messages, glossary terms; a document that failed is one row
    with its ``error``."""
    try:
        import pandas
    except ImportError:
        raise MissingExtraError("ruen.to_pandas", "pandas", "pandas") from None
    table = pandas.DataFrame(rows(digests), columns=list(COLUMNS))
    # Nullable types: a failed document's row has no index or selection, and a mask such as
    # table[table["selected"]] must still work (NA counts as not selected).
    return table.astype(
        {"index": "Int64", "paragraph": "Int64", "start": "Int64", "stop": "Int64",
         "selected": "boolean", "repaired": "boolean", "score": "Float64"}
    )  # fmt: skip


def to_arrow(digests: Iterable[Digest | DocumentError]) -> Any:
    """The rows of :func:`to_pandas` as a ``pyarrow.Table``."""
    try:
        import pyarrow
    except ImportError:
        raise MissingExtraError("ruen.to_arrow", "arrow", "pyarrow") from None
    text, number, flag = pyarrow.string(), pyarrow.int64(), pyarrow.bool_()
    texts = pyarrow.list_(pyarrow.string())
    schema = pyarrow.schema(
        [("id", text), ("index", number), ("paragraph", number), ("start", number),
         ("stop", number), ("ru", text), ("en", text), ("selected", flag),
         ("score", pyarrow.float64()), ("repaired", flag), ("flag_kinds", texts),
         ("flag_messages", texts), ("terms", texts), ("error", text)]
    )  # fmt: skip
    return pyarrow.Table.from_pylist(rows(digests), schema=schema)

"""Every reference set split once, by document, into a dev half and a test half.

Rules are read and tuned on the dev half; the test half is run when the work is done and only
its figures are reported (README, the docs' Benchmarks page). A document's half is drawn from a
hash of the set's name and the document's id, so that the split never changes when rows are
added, never depends on the order of a file, and no document lies in both halves (the
sentences of one story share their names: a split by sentence would show the test half names
the rules were tuned on).
"""

from __future__ import annotations

import hashlib

HALVES = ("dev", "test")


def document(set_name: str, row_id: str) -> str:
    """The document a row belongs to: WMT's ``docid:pN:sM`` and ours ``docid:sM`` by the part
    before the first colon; PUD's ``n01001011`` by its first six characters (the article)."""
    if set_name == "PUD":
        return row_id[:6]
    return row_id.split(":", 1)[0]


def half(set_name: str, row_id: str) -> str:
    """``dev`` or ``test``: the row's document's half."""
    key = f"{set_name}\t{document(set_name, row_id)}".encode()
    return HALVES[hashlib.sha256(key).digest()[0] & 1]

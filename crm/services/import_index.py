"""Bulk helpers for imports: ids, search-index bodies and index rows for thousands of rows.

`crm.store.search` keeps the index for ORM writes one prospect at a time; an import of
50,000 rows writes through the driver instead, and needs the same index text made fast:

- the search text is made by one regular expression per prospect instead of a list of
  bigrams per field (the same tokens as `search.search_body`);
- UUIDv7 ids come from a seeded generator (uuid6 costs 5 µs an id, five ids a row).
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from crm.domain.text import to_halfwidth
from crm.store import search


class Uuid7:
    """UUIDv7 text ids for rows made at one moment: time-ordered between imports, random
    (74 bits) within one, so they never collide and index as well as uuid6's."""

    def __init__(self, when: datetime) -> None:
        self._millis = int(when.timestamp() * 1000) & 0xFFFF_FFFF_FFFF
        self._rng = random.Random(os.urandom(16))

    def __call__(self) -> str:
        bits = self._rng.getrandbits(74)
        value = (self._millis << 80) | (0x7 << 76) | ((bits >> 62) << 64)
        value |= (0b10 << 62) | (bits & ((1 << 62) - 1))
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Initials:
    """`search.initials`, the letters the ORM's index hook uses too, so a prospect written by
    an import and the same prospect saved later from a form are found by the same letters."""

    def __call__(self, name: str) -> str:
        return search.initials(name) if name else ""


# Every position of a run of letters, digits and CJK characters gives its bigram, or the
# single last character: exactly `search.search_body`'s tokens, in one regular expression.
_TOKEN = re.compile(r"(?=([^\W_][^\W_]?))")
# Full-width letters and digits: the only full-width characters that change the tokens
# (punctuation and spaces separate words in either width).
_FULLWIDTH_WORD = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def index_body(initials: Initials, values: Sequence[str | None], name: str, owner: str) -> str:
    """The search text of one prospect, as `search.prospect_body` makes it."""
    text = " ".join([*(v for v in values if v), initials(name), initials(owner)])
    if _FULLWIDTH_WORD.search(text):
        text = to_halfwidth(text)
    return " ".join(_TOKEN.findall(text.lower()))


def first_free_rowid(conn: Any) -> int:
    """The next index rowid: prospects keep theirs in ``search_rowid``, numbered upwards
    (writers hold the write lock, so max + 1 is safe)."""
    found = conn.exec_driver_sql("SELECT coalesce(max(search_rowid), 0) FROM prospects").scalar()
    return int(found or 0) + 1


def insert_index_rows(conn: Any, rows: Sequence[tuple[int, str]]) -> None:
    """Index new prospects' (search_rowid, body) pairs through the driver."""
    search.bulk_insert(conn, rows)


def delete_index_rows(conn: Any, prospect_ids: Sequence[str]) -> None:
    """Remove prospects from the index before they are deleted (undo of an import)."""
    for start in range(0, len(prospect_ids), 500):
        part = tuple(prospect_ids[start : start + 500])
        marks = ",".join("?" * len(part))
        conn.exec_driver_sql(
            f"DELETE FROM {search.TABLE} WHERE rowid IN "
            f"(SELECT search_rowid FROM prospects WHERE id IN ({marks}) "
            f"AND search_rowid IS NOT NULL)",
            part,
        )

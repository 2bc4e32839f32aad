"""Bulk helpers for imports: ids, search-index bodies and index rows for thousands of rows.

`crm.store.search` keeps the index for ORM writes one prospect at a time; an import of
50,000 rows writes through the driver instead, and needs the same index text made fast:

- the search text is made from the runs of one regular expression per prospect instead of
  a list of bigrams per field (the same tokens as `search.search_body`);
- UUIDv7 ids come from a seeded generator (uuid6 costs 5 µs an id, five ids a row).

Nothing here loads SQLAlchemy (the store is imported where rows are written), so the
processes that prepare an import's rows import this module cheaply.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Sequence
from datetime import datetime
from operator import add
from typing import Any, Final

from crm.domain.importing import PlainInitials, initials
from crm.domain.text import to_halfwidth


class Uuid7:
    """UUIDv7 text ids for rows made at one moment: time-ordered between imports, and
    within one a random start counted upwards (RFC 9562's monotonic random method), so they
    never collide and every primary key index is appended to, not written all over."""

    def __init__(self, when: datetime) -> None:
        millis = int(when.timestamp() * 1000) & 0xFFFF_FFFF_FFFF
        self._high = (millis << 80) | (0x7 << 76)
        # 73 of the 74 random bits: a million imports' worth of room before the count
        # could run out of its bits.
        self._count = random.Random(os.urandom(16)).getrandbits(73)
        self._prefix_of = -1
        self._prefix = ""

    def __call__(self) -> str:
        self._count += 1
        bits = self._count
        upper = bits >> 62
        if upper != self._prefix_of:
            # The first 64 bits (time, version, the count's top 12 bits) hardly ever change.
            h = f"{self._high | (upper << 64):032x}"
            self._prefix, self._prefix_of = f"{h[:8]}-{h[8:12]}-{h[12:16]}-", upper
        low = f"{(0b10 << 62) | (bits & _LOW_62):016x}"
        return f"{self._prefix}{low[:4]}-{low[4:]}"


_LOW_62: Final = (1 << 62) - 1


class Initials:
    """`search.initials`, the letters the ORM's index hook uses too, so a prospect written by
    an import and the same prospect saved later from a form are found by the same letters."""

    def __call__(self, name: str) -> str:
        return initials(name) if name else ""


# Runs of letters, digits and CJK characters: every position of a run gives its bigram, and
# the run's last character stands alone, exactly `search.search_body`'s tokens.
_RUN = re.compile(r"[^\W_]+")
# Full-width letters and digits: the only full-width characters that change the tokens
# (punctuation and spaces separate words in either width).
_FULLWIDTH_WORD = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def index_text(values: Sequence[str | None]) -> str:
    """The search text of a prospect's fields, without the initials of its names."""
    text = " ".join(v for v in values if v)
    if _FULLWIDTH_WORD.search(text):
        text = to_halfwidth(text)
    return _bigrams(text.lower())


def _bigrams(text: str) -> str:
    # Pairs made by map(add) over the run and the run shifted by one: 20% quicker than one
    # regular expression with a lookahead at every position.
    tokens: list[str] = []
    for run in _RUN.findall(text):
        tokens.extend(map(add, run, run[1:]))
        tokens.append(run[-1])
    return " ".join(tokens)


def names_text(initials: Initials, name: str, owner: str) -> str:
    """The search text of the pinyin initials of a prospect's name and owner."""
    return _bigrams(f"{initials(name)} {initials(owner)}")


def plain_names_text(initials: PlainInitials, name: str, owner: str) -> str | None:
    """`names_text` made from the small tables a worker has, or None when a name needs the
    whole phrase match (the importing process makes those)."""
    of_name = initials(name) if name else ""
    of_owner = initials(owner) if owner else ""
    if of_name is None or of_owner is None:
        return None
    return _bigrams(f"{of_name} {of_owner}")


def index_body(initials: Initials, values: Sequence[str | None], name: str, owner: str) -> str:
    """The search text of one prospect, as `search.prospect_body` makes it (a bigram never
    spans the space between the fields' text and the initials', so the two are made apart:
    the fields' by the processes that prepare rows, the initials' where pypinyin is)."""
    return joined_text(index_text(values), names_text(initials, name, owner))


def joined_text(fields: str, names: str) -> str:
    return f"{fields} {names}" if fields and names else fields or names


# The outbox's own format (crm.services.outbox.record), with the encoder made once.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def outbox_json(payload: dict[str, object]) -> str:
    return _JSON.encode(payload)


def first_free_rowid(conn: Any) -> int:
    """The next index rowid: prospects keep theirs in ``search_rowid``, numbered upwards
    (writers hold the write lock, so max + 1 is safe)."""
    found = conn.exec_driver_sql("SELECT coalesce(max(search_rowid), 0) FROM prospects").scalar()
    return int(found or 0) + 1


def insert_index_rows(conn: Any, rows: Sequence[tuple[int, str]]) -> None:
    """Index new prospects' (search_rowid, body) pairs through the driver."""
    from crm.store.search import bulk_insert

    bulk_insert(conn, rows)


def delete_index_rows(conn: Any, prospect_ids: Sequence[str]) -> None:
    """Remove prospects from the index before they are deleted (undo of an import)."""
    from crm.store.search import TABLE

    for start in range(0, len(prospect_ids), 500):
        part = tuple(prospect_ids[start : start + 500])
        marks = ",".join("?" * len(part))
        conn.exec_driver_sql(
            f"DELETE FROM {TABLE} WHERE rowid IN "
            f"(SELECT search_rowid FROM prospects WHERE id IN ({marks}) "
            f"AND search_rowid IS NOT NULL)",
            part,
        )

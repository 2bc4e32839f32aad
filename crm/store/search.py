"""Full-text search over prospects: Chinese substrings of any length and pinyin initials.

DESIGN.md asks for FTS5 with the trigram tokenizer, but trigram ``MATCH`` needs three
characters and 2-character searches (五金, 陶瓷) are the common case; a trigram ``LIKE``
is a full scan of the table, too slow to run as the user types. So the index holds each
text as overlapping character bigrams (``五金制品`` → ``五金 金制 制品 品``) under FTS5's
``unicode61`` tokenizer: a query of n ≥ 2 characters is the phrase of its n−1 bigrams,
which matches exactly the rows containing that substring, and a single character is a
prefix query. Every search is an index look-up, however large the book.

Typed pinyin (``xinfeng``, ``tianyou``) is also read as syllables: the index holds each
name's syllables as words (`crm.domain.search_text.pinyin_text`), so the word is matched as
the phrase of its syllables too, the last one perhaps begun (``xinf`` → ``"xin fa" OR …
"xin fu"``).
Initials
(``sztx``) are not pinyin syllables and keep matching the initials' bigrams. A word of Han
characters and letters (``佛山xinfeng``) is matched whole or as its parts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# Re-exported: the ORM hook, sync and the demo builder make initials through this module.
from crm.domain import search_text
from crm.domain.importing import initials as initials
from crm.domain.pinyin import split_typed, syllable_set, syllables_from
from crm.domain.text import to_halfwidth
from crm.store.models import Prospect

TABLE = "prospect_search"
_log = logging.getLogger(__name__)
_NOT_WORD = re.compile(r"[\W_]+")
# A word's parts: Latin letters and digits, and the rest (Han characters).
_PART = re.compile(r"[a-z0-9]+|[^a-z0-9]+")


def _clean(value: str) -> list[str]:
    """Runs of letters, digits and CJK characters, lower-cased and half-width."""
    return [part for part in _NOT_WORD.split(to_halfwidth(value).lower()) if part]


def search_body(fields: Sequence[str | None], name_initials: Iterable[str] = ()) -> str:
    """The indexed text: bigrams of every field and of the names' pinyin initials, made by
    the one builder (`crm.domain.search_text`).

    Initials are passed in computed (``initials``): pypinyin is too slow to run on every
    name of a bulk write, so bulk loaders build them from their own vocabulary instead.
    """
    return search_text.search_text(fields, name_initials)


def matching_ids_sql() -> str:
    """SQL selecting the ids of prospects that match the bound ``:fts_query``."""
    return f"SELECT id FROM prospects WHERE search_rowid IN ({matching_rowids_sql()})"


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for a user's query, or None when nothing searchable is left.

    Each whitespace-separated word must match (AND); a word is the phrase of its bigrams,
    or of its pinyin syllables when it reads as pinyin.
    """
    clauses = [_word_clause(run) for run in _clean(query)]
    return " AND ".join(clauses) if clauses else None


def _word_clause(word: str) -> str:
    parts = _PART.findall(word)
    if len(parts) > 1 and not word.isascii() and any(_is_pinyin(part) for part in parts):
        whole = _grams(word)
        each = " AND ".join(_word_clause(part) for part in parts)
        return f"({whole} OR ({each}))"
    syllables = _is_pinyin(word)
    if syllables:
        *done, begun = syllables
        # A last syllable only begun as every syllable it may become (xinf → xin fa … xin
        # fu), each an exact term: a prefix query (f*) would also merge the initials'
        # bigrams (fs is in almost every name of a Foshan book), many times the work. A
        # whole syllable is taken as typed (xi, not the ten syllables that start with xi,
        # which made the keystroke 0.7 s on the 100,000-prospect book).
        grams = _grams(word)
        ends = (begun,) if begun in syllable_set() else syllables_from(begun)
        phrases = [f'"{" ".join((*done, s))}"' for s in ends]
        return f"({' OR '.join([grams, *(p for p in phrases if p != grams)])})"
    return _grams(word)


def _is_pinyin(word: str) -> list[str] | None:
    """The syllables of a word of two letters or more that reads as pinyin, else None."""
    if len(word) > 1 and word.isascii() and word.isalpha():
        return split_typed(word)
    return None


def _grams(word: str) -> str:
    if len(word) == 1:
        return f'"{word}"*'
    return '"' + " ".join(word[i : i + 2] for i in range(len(word) - 1)) + '"'


def prospect_body(p: Prospect) -> str:
    body = search_body(
        (p.name, p.owner_name, p.address, p.street, p.notes, p.uscc, p.phone),
        (initials(p.name or ""), initials(p.owner_name or "")),
    )
    return search_text.with_pinyin(body, p.name or "", p.owner_name or "", p.short_name or "")


_DELETE = text(f"DELETE FROM {TABLE} WHERE rowid = :rid")
_INSERT = text(f"INSERT INTO {TABLE} (rowid, body) VALUES (:rid, :body)")
_ROWID_OF = text("SELECT search_rowid FROM prospects WHERE id = :pid")
_MAX_ROWID = text("SELECT coalesce(max(search_rowid), 0) FROM prospects")


def matching_rowids_sql() -> str:
    """SQL selecting the ``search_rowid`` of prospects that match the bound ``:fts_query``."""
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :fts_query"


# The expression of one Latin letter or digit typed alone: a prefix query that matches
# most of a book (every pinyin initial and syllable, every number starting so).
_ONE_ASCII_PREFIX = re.compile(r'"[a-z0-9]"\*')


def probe(conn: Connection, expression: str, cap: int) -> int:
    """How many prospects match, counting no further than ``cap`` (cheap enough to ask
    before choosing how to read a page).

    One Latin letter or digit is taken to reach ``cap`` without asking: FTS5 merges every
    term a prefix query names before it gives a first row, so the capped count cost as much
    as the page (``x``, 86,000 of 100,000 prospects: some 40 ms each)."""
    if _ONE_ASCII_PREFIX.fullmatch(expression):
        return cap
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH :q LIMIT :cap)"
    return int(conn.execute(text(sql), {"q": expression, "cap": cap}).scalar_one())


def _allocate(conn: Connection, count: int) -> list[int]:
    """Fresh index rowids. Prospects keep theirs in ``search_rowid``: a text key cannot be
    an FTS rowid, SQLite may renumber an implicit rowid on VACUUM, and FTS5 stores rowid
    deltas, so small sequential numbers keep the index compact (random 64-bit ids made it
    four times larger). Writers hold the write lock, so max + 1 is safe."""
    start = int(conn.execute(_MAX_ROWID).scalar_one()) + 1
    return list(range(start, start + count))


def write_rows(conn: Connection, rows: Sequence[tuple[str, str]]) -> None:
    """Replace the index rows of these (prospect_id, body) pairs (prospects already stored)."""
    rowids: list[int] = []
    for pid, _ in rows:
        rid = conn.execute(_ROWID_OF, {"pid": pid}).scalar()
        if rid is None:
            rid = _allocate(conn, 1)[0]
            conn.execute(
                text("UPDATE prospects SET search_rowid = :rid WHERE id = :pid"),
                {"rid": rid, "pid": pid},
            )
        rowids.append(int(rid))
    _replace(conn, [(rid, body) for rid, (_, body) in zip(rowids, rows, strict=True)])


def _replace(conn: Connection, rows: Sequence[tuple[int, str]]) -> None:
    if rows:
        conn.execute(_DELETE, [{"rid": rid} for rid, _ in rows])
        conn.execute(_INSERT, [{"rid": rid, "body": body} for rid, body in rows])


def delete_many(conn: Any, prospect_ids: Sequence[str]) -> None:
    """Remove many prospects from the index through the driver (call before deleting
    their rows)."""
    for start in range(0, len(prospect_ids), 500):
        part = tuple(prospect_ids[start : start + 500])
        marks = ",".join("?" * len(part))
        conn.exec_driver_sql(
            f"DELETE FROM {TABLE} WHERE rowid IN "
            f"(SELECT search_rowid FROM prospects WHERE id IN ({marks}) "
            f"AND search_rowid IS NOT NULL)",
            part,
        )


def first_free_rowid(conn: Any) -> int:
    """The next index rowid: prospects keep theirs in ``search_rowid``, numbered upwards
    (writers hold the write lock, so max + 1 is safe)."""
    found = conn.exec_driver_sql("SELECT coalesce(max(search_rowid), 0) FROM prospects").scalar()
    return int(found or 0) + 1


def delete_rows(conn: Connection, prospect_ids: Sequence[str]) -> None:
    """Remove prospects from the index (call before deleting their rows)."""
    for pid in prospect_ids:
        rid = conn.execute(_ROWID_OF, {"pid": pid}).scalar()
        if rid is not None:
            conn.execute(_DELETE, {"rid": rid})


def bulk_insert(conn: Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Index (search_rowid, body) pairs of prospects written in bulk, through the driver."""
    if rows:
        conn.exec_driver_sql(f"INSERT INTO {TABLE} (rowid, body) VALUES (?, ?)", list(rows))


# FTS5's own defaults (fts5Int.h): merge once 4 segments share a level; flush the pending
# terms to a new segment at 1 MiB.
_AUTOMERGE_DEFAULT = 4
_HASHSIZE_DEFAULT = 1 << 20
# Pending terms a bulk write keeps in memory before it writes a segment.
BULK_HASHSIZE = 2 << 20


def begin_bulk(conn: Connection) -> int | None:
    """Ready the index for thousands of inserts in this transaction; returns what
    `end_bulk` puts back.

    By default FTS5 writes a segment per MiB of pending terms and merges segments as it
    goes, so a large import rewrites much of the index it has just written. With merging
    off, each term list is written about once, searches afterwards are no slower, and
    `end_bulk` turns merging back on for the writes that follow. Pending terms are flushed
    at 2 MiB: a larger buffer saves no time, and the memory serves the import better as
    page cache. Both settings are stored in the index's config table inside this
    transaction, so a rollback undoes them with everything else.
    """
    before = conn.exec_driver_sql(f"SELECT v FROM {TABLE}_config WHERE k = 'automerge'").scalar()
    _set_config(conn, "automerge", 0)
    _set_hashsize(conn, BULK_HASHSIZE)
    return None if before is None else int(before)


def end_bulk(conn: Connection, automerge: int | None) -> None:
    _set_config(conn, "automerge", _AUTOMERGE_DEFAULT if automerge is None else automerge)
    _set_hashsize(conn, _HASHSIZE_DEFAULT)


def _set_hashsize(conn: Connection, value: int) -> None:
    # `hashsize` is read by FTS5 (fts5_config.c) but not in its documentation: should an
    # SQLite without it come, imports lose this speed-up, not their ability to run. (A
    # failed statement leaves the transaction as it was.)
    try:
        _set_config(conn, "hashsize", value)
    except DBAPIError:
        _log.warning("this SQLite's FTS5 has no hashsize option")


def _set_config(conn: Connection, key: str, value: int) -> None:
    conn.exec_driver_sql(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES (?, ?)", (key, value))


_INDEXED = ("name", "owner_name", "address", "street", "notes", "uscc", "phone", "short_name")


@event.listens_for(Session, "before_flush")
def _reindex_changed(session: Session, _context: Any, _instances: Any) -> None:
    """Keep the index in step with every ORM write, in the same transaction."""
    changed: list[Prospect] = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Prospect) and (obj in session.new or _text_changed(session, obj))
    ]
    removed = [obj for obj in session.deleted if isinstance(obj, Prospect)]
    if not changed and not removed:
        return
    for p in changed:
        if p.name and (p.sort_key is None or _name_changed(p)):
            # The names made from the name follow it, whatever changed it (a prospect made
            # as an ORM object, a name set on one); an RM's own short name stays.
            from crm.store.prospect_names import names_of

            short, p.sort_key = names_of(p.name)
            if p.short_name is None or "short_name" not in (p.edited_fields or "").split():
                p.short_name = short
    conn = session.connection()
    fresh = [p for p in changed if p.search_rowid is None]
    for p, rid in zip(fresh, _allocate(conn, len(fresh)), strict=True):
        p.search_rowid = rid
    _replace(
        conn, [(p.search_rowid, prospect_body(p)) for p in changed if p.search_rowid is not None]
    )
    for p in removed:
        if p.search_rowid is not None:
            conn.execute(_DELETE, {"rid": p.search_rowid})


def _name_changed(obj: Prospect) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(obj).attrs["name"].history.has_changes())


def _text_changed(session: Session, obj: Prospect) -> bool:
    from sqlalchemy import inspect

    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _INDEXED)


def rebuild(conn: Connection) -> int:
    """Rebuild the whole index from the prospects table (after bulk loads); returns rows."""
    conn.execute(text(f"DELETE FROM {TABLE}"))
    conn.execute(text("UPDATE prospects SET search_rowid = NULL"))
    records = conn.execute(
        text(
            "SELECT id, name, owner_name, address, street, notes, uscc, phone, short_name "
            "FROM prospects ORDER BY sort_key"
        )
    ).all()
    # Numbering in sort-key order lets a search sorted by name walk the index in order.
    if records:
        conn.execute(
            text("UPDATE prospects SET search_rowid = :rid WHERE id = :pid"),
            [{"rid": i + 1, "pid": r.id} for i, r in enumerate(records)],
        )
    bulk_insert(conn, [(i + 1, record_body(r)) for i, r in enumerate(records)])
    return len(records)


def record_body(r: Any) -> str:
    """The body of a prospect read as a row (name, owner_name, address, street, notes,
    uscc, phone, short_name by attribute)."""
    body = search_body(
        (r.name, r.owner_name, r.address, r.street, r.notes, r.uscc, r.phone),
        (initials(r.name or ""), initials(r.owner_name or "")),
    )
    return search_text.with_pinyin(body, r.name or "", r.owner_name or "", r.short_name or "")

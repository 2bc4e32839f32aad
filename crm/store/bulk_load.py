"""Filling a new book in bulk (the demo): rows bound in worker processes into files of
their own, then copied into the book inside SQLite.

Binding a million rows' values is most of what writing them costs, so each worker binds
its chunk into a spill file (in parallel with the other workers) and the loading process
copies the rows over with ``INSERT … SELECT``. The prospects' rows are bound in the
prospect writer's column order (`prospect_writer.COLUMNS`), with the search text of the
one builder (`crm.domain.search_text`): a demo prospect is stored as any other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from crm.domain.importing import PlainInitials, initials, plain_initials
from crm.domain.search_text import (
    INDEXED_FIELDS,
    fields_text,
    joined,
    names_text,
    with_pinyin,
)
from crm.domain.text import normalise_name
from crm.store import pipeline_counts, prospect_names, search
from crm.store.engine import Database
from crm.store.files import raw_connect
from crm.store.keys import BookKey

# The search index's rows in a spill file, by index rowid (``prospects.search_rowid``).
SPILLED_SEARCH = "search_bodies"
Table = tuple[str, Sequence[str]]


def db_value(value: Any) -> Any:
    """A value as the column types store it (every demo timestamp is already UTC)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def insert_rows(conn: Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (dicts with the same keys) through the driver: at 100k rows SQLAlchemy's
    per-row bind processing is a third of the run."""
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn.exec_driver_sql(sql, [tuple(db_value(r[c]) for c in columns) for r in rows])


@contextmanager
def loading(db: Database) -> Iterator[tuple[Connection, Any]]:
    """A connection set for loading a new book in one go, and its driver connection (for
    ATTACH); the book's indexes are built once at the end, then its statistics."""
    with db.engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        # A bulk load may lose everything on a crash (it is rebuilt); random UUID keys
        # touch pages all over the B-trees, so a large cache saves most of the I/O.
        raw.execute("PRAGMA synchronous = OFF")
        # Rows are consistent by construction; checking each foreign key costs a lookup.
        raw.execute("PRAGMA foreign_keys = OFF")
        # Pages go straight to the file, not once to the WAL and again at checkpoint.
        raw.execute("PRAGMA journal_mode = OFF")
        raw.execute("PRAGMA cache_size = -262144")
        conn.begin()
        # Building secondary indexes once, after the load, is several times cheaper than
        # updating them row by row.
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).all()
        for name, _ in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        # The pipeline's counts too: made from every record at the end (crm.store.pipeline_counts).
        pipeline_counts.suspend(conn)
        yield conn, raw
        for _, sql in indexes:
            conn.exec_driver_sql(sql)
        pipeline_counts.resume(conn)
        conn.commit()
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA foreign_keys = ON")
    with db.engine.connect() as conn:
        # Statistics let the planner pick the right index for each filter from the start;
        # sampling (as PRAGMA optimize does) is enough and skips reading every index.
        conn.exec_driver_sql("PRAGMA analysis_limit = 2000")
        conn.exec_driver_sql("ANALYZE")


def write_spill(
    target: Path,
    tables: Sequence[Table],
    rows: dict[str, list[tuple[Any, ...]]],
    bodies: list[tuple[int, str]],
    key: BookKey | None = None,
) -> None:
    """Bind a chunk's rows (by table) and search bodies into a spill file of their own,
    encrypted with the book's ``key`` when it has one (no row is ever on disk in clear)."""
    target.unlink(missing_ok=True)
    conn = raw_connect(target, key=key)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for table, cols in (*tables, (SPILLED_SEARCH, ("rid", "body"))):
            values = bodies if table == SPILLED_SEARCH else rows[table]
            # Untyped columns and no constraints: the copy into the real table types and
            # checks every value; binding here costs half as much without them.
            conn.execute(f"CREATE TABLE {table} ({', '.join(cols)})")
            conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(cols))})", values)
        conn.execute("COMMIT")
    finally:
        conn.close()


def copy_spill(
    conn: Connection,
    raw: Any,
    spill: str,
    tables: Sequence[Table],
    renamed: list[tuple[int, str, str]],
    key: BookKey | None = None,
) -> None:
    """Copy a spill file's rows into the book; ``renamed``: prospects (rowid in the chunk,
    old name, new name) that another chunk's names made take a new name. ATTACH needs the
    transaction closed, so the copy commits what came before.

    The prospects get their short names and sort keys, and their index bodies the names'
    pinyin (`crm.store.prospect_names`, `search_text.pinyin_text`), as the copy runs."""
    conn.commit()
    # The spill's own key (the book's, or none: KEY '' opens a plain file beside an
    # encrypted book, where ATTACH would otherwise apply the book's key).
    clause = key.attach_clause() if key is not None else "KEY ''"
    raw.execute(f"ATTACH DATABASE ? AS spill {clause}", (spill,))
    _name_functions(raw)
    try:
        raw.execute("PRAGMA spill.journal_mode = OFF")
        if renamed:
            _rename(conn, renamed)
        for table, cols in tables:
            columns = ", ".join(cols)
            if table == "prospects":
                conn.exec_driver_sql(
                    f"INSERT INTO main.{table} ({columns}, short_name, sort_key) "
                    f"SELECT {columns}, crm_short_name(name), crm_sort_key(name) "
                    f"FROM spill.{table}"
                )
                continue
            conn.exec_driver_sql(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM spill.{table}"
            )
        conn.exec_driver_sql(
            f"INSERT INTO main.{search.TABLE} (rowid, body) "
            f"SELECT s.rid, crm_with_pinyin(s.body, p.name, p.owner_name) "
            f"FROM spill.{SPILLED_SEARCH} s JOIN spill.prospects p ON p.search_rowid = s.rid"
        )
        conn.commit()
    finally:
        raw.execute("DETACH DATABASE spill")
    Path(spill).unlink(missing_ok=True)


def _name_functions(raw: Any) -> None:
    """The names' keys and pinyin as SQL functions, for the copy's INSERT … SELECT."""
    raw.create_function(
        "crm_short_name", 1, lambda n: prospect_names.short_of(n or ""), deterministic=True
    )
    raw.create_function(
        "crm_sort_key", 1, lambda n: prospect_names.names_of(n or "")[1], deterministic=True
    )
    raw.create_function(
        "crm_with_pinyin",
        3,
        lambda body, n, o: with_pinyin(body or "", n or "", o or ""),
        deterministic=True,
    )


@cache
def _plain() -> PlainInitials:
    return plain_initials()


def _initials(name: str) -> str:
    """A name's initials as every writer indexes them: from the small tables where they
    answer (a bulk load renames thousands), else by the whole phrase match."""
    found = _plain()(name)
    return initials(name) if found is None else found


def _rename(conn: Connection, renamed: list[tuple[int, str, str]]) -> None:
    """Give renamed prospects their new names in the spilled rows, and the search text of
    the new name (its initials included) in the spilled bodies."""
    # Spilled rows were inserted in chunk order, so a row's rowid is its place in the chunk.
    new_names = {rowid: new for rowid, _, new in renamed}
    marks = ", ".join(str(rowid) for rowid in new_names)
    fields = ", ".join(INDEXED_FIELDS)
    spilled = conn.exec_driver_sql(
        f"SELECT rowid, {fields} FROM spill.prospects WHERE rowid IN ({marks})"
    ).all()
    conn.exec_driver_sql(
        "UPDATE spill.prospects SET name = ?, name_key = ? WHERE rowid = ?",
        [(new, normalise_name(new), rowid) for rowid, new in new_names.items()],
    )
    changed: list[tuple[str, int]] = []
    for rowid, *values in spilled:
        values[0] = name = new_names[rowid]
        letters = names_text(_initials(name), _initials(values[1] or ""))
        # Without the pinyin: the copy adds it to every body (`copy_spill`).
        changed.append((joined(fields_text(values), letters), rowid))
    # The bodies were spilled in the same order as the rows: the same rowid.
    conn.exec_driver_sql(f"UPDATE spill.{SPILLED_SEARCH} SET body = ? WHERE rowid = ?", changed)

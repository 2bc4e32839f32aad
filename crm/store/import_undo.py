"""The SQL of taking an import back and of merging a possible duplicate it flagged.

Both run inside an import-sized transaction through the driver (``?`` parameters, no ORM
objects): what an import did, the prospects' versions, who else points at a prospect,
and the deletes and updates that put the book back. Lists of ids are read and written
500 at a time (SQLite's limit on bound parameters). Column names come from the caller's
fixed lists, never from user input.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final

from sqlalchemy import Connection, Row

CHUNK: Final = 500


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _in_chunks(values: Sequence[str], size: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(values), size):
        yield list(values[i : i + size])


# --------------------------------------------------------------------------- reading


def prospect_references(conn: Connection) -> list[tuple[str, str]]:
    """(table, column) of every foreign key onto prospects.id, found in the schema itself,
    so tables added by later features (visits, …) are found too."""
    tables = [
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).all()
    ]
    found: list[tuple[str, str]] = []
    for table in tables:
        for fk in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all():
            if fk[2] == "prospects" and (fk[4] in (None, "id")):
                found.append((table, fk[3]))
    return found


def batch_effects(conn: Connection, batch_id: str) -> Sequence[Row[*tuple[Any, ...]]]:
    """What an import did: (prospect id, kind, source code, fields, version after) rows."""
    return conn.exec_driver_sql(
        "SELECT prospect_id, kind, source_code, fields, version_after FROM import_effects "
        "WHERE batch_id = ?",
        (batch_id,),
    ).all()


def versions(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    """The version of each of these prospects that still exists."""
    found: dict[str, int] = {}
    for part in _in_chunks(ids):
        for pid, version in conn.exec_driver_sql(
            f"SELECT id, version FROM prospects WHERE id IN ({_marks(part)})", tuple(part)
        ).all():
            found[pid] = int(version)
    return found


def names(conn: Connection, ids: Sequence[str]) -> list[str]:
    """These prospects' names, in name order."""
    part = list(ids)
    if not part:
        return []
    rows = conn.exec_driver_sql(
        f"SELECT name FROM prospects WHERE id IN ({_marks(part)}) ORDER BY name", tuple(part)
    ).all()
    return [r[0] for r in rows]


def referred_to(conn: Connection, table: str, column: str, ids: Sequence[str]) -> set[str]:
    """Which of these prospects a row of ``table`` points at (by ``column``)."""
    found: set[str] = set()
    for part in _in_chunks(ids):
        for (pid,) in conn.exec_driver_sql(
            f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IN ({_marks(part)})',
            tuple(part),
        ).all():
            found.add(pid)
    return found


def is_referred_to(conn: Connection, table: str, column: str, prospect_id: str) -> bool:
    """Whether any row of ``table`` points at this prospect (by ``column``)."""
    return (
        conn.exec_driver_sql(
            f'SELECT 1 FROM "{table}" WHERE "{column}" = ? LIMIT 1', (prospect_id,)
        ).first()
        is not None
    )


def source_codes(conn: Connection, prospect_id: str) -> list[str]:
    """The source lists the prospect is on, in the order SQLite reads them."""
    return [
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT source_code FROM source_memberships WHERE prospect_id = ?", (prospect_id,)
        ).all()
    ]


def merge_rows(
    conn: Connection, kept: str, gone: str, columns: Sequence[str]
) -> tuple[Row[*tuple[Any, ...]], Row[*tuple[Any, ...]]]:
    """The kept prospect's (version, edited_fields, *columns) and the gone one's columns."""
    keep_row = conn.exec_driver_sql(
        f"SELECT version, edited_fields, {', '.join(columns)} FROM prospects WHERE id = ?",
        (kept,),
    ).one()
    gone_row = conn.exec_driver_sql(
        f"SELECT {', '.join(columns)} FROM prospects WHERE id = ?", (gone,)
    ).one()
    return keep_row, gone_row

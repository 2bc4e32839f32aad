"""What an import reads of the book and writes beside the prospects: the look-ups that
match a file's rows to known prospects, the effects undo walks back, and the possible
duplicates it flags. (The prospects themselves go through `prospect_writer`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection

# Every look-up returns: id, name, uscc, name_key, district_code, edited_fields, version,
# then the fillable fields asked for, then whether the prospect is on the run's list.
_HEAD: Final = "p.id, p.name, p.uscc, p.name_key, p.district_code, p.edited_fields, p.version"


def _member(source: str) -> tuple[str, str]:
    """Whether a prospect is already on the run's list (or, without one, from an import)."""
    if source:
        return (
            "EXISTS (SELECT 1 FROM source_memberships m WHERE m.prospect_id = p.id "
            "AND m.source_code = ?)",
            source,
        )
    return (
        "EXISTS (SELECT 1 FROM import_effects e WHERE e.prospect_id = p.id AND e.kind = ?)",
        "created",
    )


def _columns(fillable: Sequence[str]) -> str:
    return ", ".join((_HEAD, *(f"p.{name}" for name in fillable)))


def by_uscc(
    conn: Connection, fillable: Sequence[str], source: str, usccs: Sequence[str]
) -> list[Any]:
    member, param = _member(source)
    marks = ",".join("?" * len(usccs))
    return list(
        conn.exec_driver_sql(
            f"SELECT {_columns(fillable)}, {member} FROM prospects p WHERE p.uscc IN ({marks})",
            (param, *usccs),
        ).all()
    )


def by_name_key(
    conn: Connection,
    fillable: Sequence[str],
    source: str,
    keys: Sequence[str],
    batch_id: str | None,
) -> list[Any]:
    """Prospects with these normalised names; with ``batch_id``, not those the batch made
    (a run tracks what it wrote in memory)."""
    member, param = _member(source)
    marks = ",".join("?" * len(keys))
    mine = ""
    params: tuple[Any, ...] = (param, *keys)
    if batch_id is not None:
        mine = (
            " AND NOT EXISTS (SELECT 1 FROM import_effects x WHERE "
            "x.prospect_id = p.id AND x.batch_id = ? AND x.kind = 'created')"
        )
        params = (*params, batch_id)
    return list(
        conn.exec_driver_sql(
            f"SELECT {_columns(fillable)}, {member} FROM prospects p "
            f"WHERE p.name_key IN ({marks}){mine}",
            params,
        ).all()
    )


def insert_effects(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """(id, batch_id, prospect_id, kind, source_code, fields, version_after, row_number)."""
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO import_effects (id, batch_id, prospect_id, kind, source_code, fields, "
            "version_after, row_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            list(rows),
        )


def insert_flags(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Open possible-duplicate flags: (id, prospect_id, candidate_id, batch_id, created_at)."""
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO duplicate_flags (id, prospect_id, candidate_id, batch_id, status, "
            "created_at, resolved_at) VALUES (?, ?, ?, ?, 'open', ?, NULL)",
            list(rows),
        )

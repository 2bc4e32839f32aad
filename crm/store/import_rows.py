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
# Prospects per statement when reading by many ids (SQLite's limit on bound parameters).
_PART: Final = 500


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
    params: tuple[Any, ...] = (param, *map(to_bind, keys))
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


def to_bind(text: str) -> str:
    """A copy of a text to bind where the caller keeps the text itself: binding a str
    leaves a UTF-8 copy of a non-ASCII one inside it for as long as it lives (2 MB for
    each name an import of 50,000 rows binds and keeps to its end)."""
    return text if text.isascii() else text.encode().decode()


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


def facts_of(
    conn: Connection, prospect_ids: Sequence[str], keys: Sequence[str]
) -> dict[str, dict[str, str]]:
    """The stored values (JSON text) of these prospects' facts among ``keys``, by prospect,
    read 500 prospects at a time."""
    found: dict[str, dict[str, str]] = {}
    ids = list(prospect_ids)
    key_marks = ",".join("?" * len(keys))
    for i in range(0, len(ids), _PART):
        part = ids[i : i + _PART]
        rows = conn.exec_driver_sql(
            "SELECT prospect_id, key, value FROM prospect_facts "
            f"WHERE prospect_id IN ({','.join('?' * len(part))}) AND key IN ({key_marks})",
            (*part, *keys),
        ).all()
        for pid, key, value in rows:
            found.setdefault(pid, {})[key] = value
    return found


def facts_set_since(
    conn: Connection, prospect_ids: Sequence[str], stamp: str
) -> dict[str, set[str]]:
    """The keys of these prospects' facts set (or confirmed again) after ``stamp`` (a time
    as stored), by prospect: somebody's work after an import, which its undo keeps."""
    found: dict[str, set[str]] = {}
    ids = list(prospect_ids)
    for i in range(0, len(ids), _PART):
        part = ids[i : i + _PART]
        rows = conn.exec_driver_sql(
            "SELECT prospect_id, key FROM prospect_facts "
            f"WHERE prospect_id IN ({','.join('?' * len(part))}) AND updated_at > ?",
            (*part, stamp),
        ).all()
        for pid, key in rows:
            found.setdefault(pid, set()).add(key)
    return found


def drop_unsent_fact_ops(conn: Connection, prospect_ids: Sequence[str]) -> set[str]:
    """Of these prospects (an import made them, its undo removes them), those head office
    has not heard of (their create op is still queued): their queued fact ops are deleted,
    as the prospect writer deletes their own. Returns those prospects."""
    unsent: set[str] = set()
    ids = list(prospect_ids)
    for i in range(0, len(ids), _PART):
        part = ids[i : i + _PART]
        unsent.update(
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT entity_id FROM outbox WHERE entity = 'prospect' AND kind = 'create' "
                f"AND entity_id IN ({','.join('?' * len(part))})",
                tuple(part),
            ).all()
        )
    if unsent:
        conn.exec_driver_sql(
            "DELETE FROM outbox WHERE entity = 'prospect_fact' AND entity_id >= ? "
            "AND entity_id < ?",
            [(f"{pid}/", f"{pid}0") for pid in sorted(unsent)],
        )
    return unsent

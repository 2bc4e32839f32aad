"""Taking an import back, and settling the possible duplicates it flagged.

Undo walks the batch's effects: prospects it created are deleted (with their index rows
and, when head office never saw them, their queued outbox ops), memberships it added are
removed, fields it filled are emptied again. It is refused as a whole when any of those
prospects changed after the import (its version is past the import's `version_after`, or
someone added visits, loans or contacts to it), so nobody's later work is thrown away.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from crm.domain.errors import DomainError
from crm.domain.ids import new_id
from crm.services.context import Context, NotFound
from crm.services.imports.index import Initials, delete_index_rows, index_body
from crm.services.outbox import record
from crm.store import search
from crm.store.models_import import DuplicateFlag, ImportBatch

# Rows an import itself writes for a prospect it creates; any other row pointing at such a
# prospect is somebody's later work.
_IMPORT_OWN_TABLES: Final = frozenset(
    {
        "stage_events",
        "source_memberships",
        "duplicate_flags",
        "import_effects",
    }
)
# Columns emptied again on undo, and their empty value.
_EMPTY: Final = {
    "owner_name": "",
    "phone": "",
    "address": "",
    "district_code": None,
    "street": "",
    "industry_code": None,
    "registered_capital_fen": None,
    "established_on": None,
    "notes": "",
}
_INDEXED: Final = ("name", "owner_name", "address", "street", "notes", "uscc", "phone")
MAX_NAMED: Final = 5


class UndoRefused(DomainError):
    """An undo that would lose later work, or of an import that cannot be undone."""


@dataclass(frozen=True)
class UndoResult:
    batch_id: str
    deleted: int
    memberships_removed: int
    fields_emptied: int


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _in_chunks(values: Sequence[str], size: int = 500) -> list[list[str]]:
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


def _refers_to_prospects(conn: Connection) -> list[tuple[str, str]]:
    """(table, column) of every foreign key onto prospects.id, found in the schema itself,
    so tables added by later features (visits, …) are checked too."""
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


def undo_batch(ctx: Context, batch_id: str) -> UndoResult:
    with ctx.db.transaction(bulk=True) as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound("import", batch_id)
        if batch.status != "done":
            raise UndoRefused(
                "import.undo_status",
                "the import of {file} cannot be undone: it is {status}",
                file=batch.file_name,
                status=batch.status,
            )
        conn = s.connection()
        effects = conn.exec_driver_sql(
            "SELECT prospect_id, kind, source_code, fields, version_after FROM import_effects "
            "WHERE batch_id = ?",
            (batch_id,),
        ).all()
        after: dict[str, int] = {}
        created: list[str] = []
        joined: list[tuple[str, str]] = []
        filled: dict[str, set[str]] = {}
        for pid, kind, source, names, version in effects:
            after[pid] = max(after.get(pid, 0), int(version))
            if kind == "created":
                created.append(pid)
            elif kind == "membership":
                joined.append((pid, source))
            elif kind == "filled":
                filled.setdefault(pid, set()).update(names.split())
        current = _versions(conn, list(after))
        _refuse_changed(conn, after, current, created)
        created_set = set(created)
        live_created = [pid for pid in created if pid in current]
        _delete_created(s, conn, ctx, live_created)
        removed = 0
        emptied = 0
        touched = sorted({pid for pid, _ in joined} | set(filled) - created_set, key=str)
        touched = [pid for pid in touched if pid in current and pid not in created_set]
        for pid in touched:
            sources = [src for p, src in joined if p == pid]
            names = sorted(filled.get(pid, set()))
            for src in sources:
                conn.exec_driver_sql(
                    "DELETE FROM source_memberships WHERE prospect_id = ? AND source_code = ?",
                    (pid, src),
                )
                removed += 1
            change: dict[str, object] = {}
            if names:
                sets = ", ".join(f"{n} = ?" for n in names)
                conn.exec_driver_sql(
                    f"UPDATE prospects SET {sets} WHERE id = ?",
                    (*(_EMPTY[n] for n in names), pid),
                )
                change.update({n: _EMPTY[n] for n in names})
                emptied += len(names)
            if sources:
                change["sources"] = sorted(
                    r[0]
                    for r in conn.exec_driver_sql(
                        "SELECT source_code FROM source_memberships WHERE prospect_id = ?",
                        (pid,),
                    ).all()
                )
            base = current[pid]
            conn.exec_driver_sql(
                "UPDATE prospects SET version = ?, updated_at = ? WHERE id = ?",
                (base + 1, _stamp(ctx), pid),
            )
            record(
                s,
                ctx,
                entity="prospect",
                entity_id=pid,
                kind="update",
                payload={"fields": change},
                base_version=base,
            )
        _reindex(conn, [pid for pid in touched if set(filled.get(pid, ())) & set(_INDEXED)])
        batch.status = "undone"
        batch.undone_at = ctx.now()
        return UndoResult(batch_id, len(live_created), removed, emptied)


def _stamp(ctx: Context) -> str:
    from datetime import UTC

    return ctx.now().astimezone(UTC).isoformat(timespec="microseconds")


def _versions(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in _in_chunks(ids):
        for pid, version in conn.exec_driver_sql(
            f"SELECT id, version FROM prospects WHERE id IN ({_marks(part)})", tuple(part)
        ).all():
            found[pid] = int(version)
    return found


def _names(conn: Connection, ids: Sequence[str]) -> list[str]:
    part = list(ids[:MAX_NAMED])
    if not part:
        return []
    rows = conn.exec_driver_sql(
        f"SELECT name FROM prospects WHERE id IN ({_marks(part)}) ORDER BY name", tuple(part)
    ).all()
    return [r[0] for r in rows]


def _refuse_changed(
    conn: Connection, after: dict[str, int], current: dict[str, int], created: list[str]
) -> None:
    changed = sorted(pid for pid, version in current.items() if version != after[pid])
    if not changed:
        later: set[str] = set()
        for table, column in _refers_to_prospects(conn):
            if table in _IMPORT_OWN_TABLES:
                continue
            for part in _in_chunks([pid for pid in created if pid in current]):
                for (pid,) in conn.exec_driver_sql(
                    f'SELECT DISTINCT "{column}" FROM "{table}" '
                    f'WHERE "{column}" IN ({_marks(part)})',
                    tuple(part),
                ).all():
                    later.add(pid)
        changed = sorted(later)
    if changed:
        raise UndoRefused(
            "import.undo_changed",
            "this import cannot be undone: {count} of its prospects changed after it "
            "(for example {names}); undoing it would lose that work",
            count=len(changed),
            names=_names(conn, changed),
        )


def _delete_created(s: Session, conn: Connection, ctx: Context, ids: list[str]) -> None:
    """Delete prospects an import made; head office hears of it only if it knew them."""
    if not ids:
        return
    delete_index_rows(conn, ids)
    unsent: set[str] = set()
    for part in _in_chunks(ids):
        for (pid,) in conn.exec_driver_sql(
            f"SELECT entity_id FROM outbox WHERE entity = 'prospect' AND kind = 'create' "
            f"AND entity_id IN ({_marks(part)})",
            tuple(part),
        ).all():
            unsent.add(pid)
    versions = _versions(conn, [pid for pid in ids if pid not in unsent])
    for part in _in_chunks(sorted(unsent)):
        conn.exec_driver_sql(
            f"DELETE FROM outbox WHERE entity = 'prospect' AND entity_id IN ({_marks(part)})",
            tuple(part),
        )
    for pid, version in versions.items():
        record(
            s, ctx, entity="prospect", entity_id=pid, kind="delete", payload={},
            base_version=version,
        )  # fmt: skip
    for part in _in_chunks(ids):
        conn.exec_driver_sql(f"DELETE FROM prospects WHERE id IN ({_marks(part)})", tuple(part))


def _reindex(conn: Connection, ids: Sequence[str]) -> None:
    if not ids:
        return
    initials = Initials()
    rows: list[tuple[str, str]] = []
    for part in _in_chunks(ids):
        for r in conn.exec_driver_sql(
            f"SELECT id, {', '.join(_INDEXED)} FROM prospects WHERE id IN ({_marks(part)})",
            tuple(part),
        ).all():
            rows.append((r[0], index_body(initials, tuple(r[1:]), r[1] or "", r[2] or "")))
    search.write_rows(conn, rows)


# --------------------------------------------------------------------------- duplicates


def resolve_flag(ctx: Context, flag_id: str, *, confirm: bool) -> str:
    """Settle a possible duplicate: `confirm` merges the flagged prospect into the one it
    looked like (empty fields filled, lists joined) and deletes it; otherwise both stay."""
    with ctx.db.transaction() as s:
        flag = s.get(DuplicateFlag, flag_id)
        if flag is None:
            raise NotFound("duplicate", flag_id)
        if flag.status != "open":
            raise UndoRefused("import.flag_settled", "this possible duplicate was already settled")
        flag.resolved_at = ctx.now()
        if not confirm:
            flag.status = "split"
            return flag.prospect_id
        conn = s.connection()
        kept, gone = flag.candidate_id, flag.prospect_id
        for table, column in _refers_to_prospects(conn):
            if table in _IMPORT_OWN_TABLES:
                continue
            if conn.exec_driver_sql(
                f'SELECT 1 FROM "{table}" WHERE "{column}" = ? LIMIT 1', (gone,)
            ).first():
                raise UndoRefused(
                    "import.flag_has_work",
                    "the two records cannot be merged automatically: the newer one already "
                    "has visits, loans or contacts; merge them by hand",
                )
        flag.status = "confirmed"
        _merge_into(s, conn, ctx, gone, kept)
        return kept


def _merge_into(s: Session, conn: Connection, ctx: Context, gone: str, kept: str) -> None:
    columns = list(_EMPTY)
    keep_row = conn.exec_driver_sql(
        f"SELECT version, edited_fields, {', '.join(columns)} FROM prospects WHERE id = ?",
        (kept,),
    ).one()
    gone_row = conn.exec_driver_sql(
        f"SELECT {', '.join(columns)} FROM prospects WHERE id = ?", (gone,)
    ).one()
    edited = set((keep_row[1] or "").split())
    fills = {
        name: gone_row[i]
        for i, name in enumerate(columns)
        if keep_row[i + 2] in (None, "") and gone_row[i] not in (None, "") and name not in edited
    }
    have = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT source_code FROM source_memberships WHERE prospect_id = ?", (kept,)
        ).all()
    }
    moved = [
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT source_code FROM source_memberships WHERE prospect_id = ?", (gone,)
        ).all()
        if r[0] not in have
    ]
    version = int(keep_row[0])
    sets = "".join(f"{n} = ?, " for n in fills)
    conn.exec_driver_sql(
        f"UPDATE prospects SET {sets}version = ?, updated_at = ? WHERE id = ?",
        (*fills.values(), version + 1, _stamp(ctx), kept),
    )
    for code in moved:
        conn.exec_driver_sql(
            "INSERT INTO source_memberships (id, prospect_id, source_code, added_at, "
            "external_ref) VALUES (?, ?, ?, ?, '')",
            (new_id(), kept, code, _stamp(ctx)),
        )
    change: dict[str, object] = dict(fills)
    if moved:
        change["sources"] = sorted(have | set(moved))
    record(
        s,
        ctx,
        entity="prospect",
        entity_id=kept,
        kind="update",
        payload={"fields": json.loads(json.dumps(change, default=str))},
        base_version=version,
    )
    _delete_created(s, conn, ctx, [gone])
    _reindex(conn, [kept])

"""The sync outbox: every change for head office, written in the change's own transaction
(DESIGN.md "Sync with head office"). One writer of outbox rows for single changes (an ORM
session) and for bulk writers (the driver's executemany).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.domain.wire import encode
from crm.store import meta
from crm.store.models import OutboxOp

INSERT_SQL: Final = (
    "INSERT INTO outbox (op_id, entity, entity_id, kind, payload, base_version, hlc, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def record(
    session: Session,
    now: datetime,
    *,
    entity: str,
    entity_id: str,
    kind: str,
    payload: dict[str, Any],
    base_version: int | None,
) -> OutboxOp:
    """Queue one operation; the caller's transaction commits it together with the change."""
    op = OutboxOp(
        op_id=new_id(),
        entity=entity,
        entity_id=entity_id,
        kind=kind,
        payload=encode(payload),
        base_version=base_version,
        hlc=meta.next_hlc(session, now),
        created_at=now,
    )
    session.add(op)
    return op


def insert_many(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Queue many operations made by a bulk writer: (op_id, entity, entity_id, kind,
    payload text, base version, hlc, created_at text) each."""
    if rows:
        conn.exec_driver_sql(INSERT_SQL, list(rows))


def pending_count(session: Session, *, entity: str | None = None, but: str | None = None) -> int:
    """Operations waiting to be sent: all, those of one ``entity``, or all ``but`` one."""
    stmt = select(func.count()).select_from(OutboxOp)
    if entity is not None:
        stmt = stmt.where(OutboxOp.entity == entity)
    if but is not None:
        stmt = stmt.where(OutboxOp.entity != but)
    return int(session.execute(stmt).scalar_one())

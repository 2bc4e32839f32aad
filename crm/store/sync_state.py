"""A sync's own rows in the book: the outbox as a sync reads and empties it, the conflicts
shown to the user, the first download's seen-set, and the few facts about the book a sync
and the sync page ask for (how many prospects, a prospect's version and stage, a user's
name). The cursor, the server epoch and a download in progress are ``app_meta`` keys
(crm.store.meta); the outbox is written by crm.store.outbox.

Every function works in the caller's transaction and returns plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, select, text
from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.store import search
from crm.store.indexes_down import put_back_indexes
from crm.store.models import OutboxOp, Prospect, User
from crm.store.models_sync import SyncConflict, SyncSeen
from crm.store.models_visit import KEPT_TRIGGER, KEPT_TRIGGER_SQL

# -- the outbox, as a sync reads and empties it ------------------------------------------------


@dataclass(frozen=True)
class QueuedOp:
    """An op waiting in the outbox, as stored (``payload`` is its JSON text)."""

    seq: int
    op_id: str
    entity: str
    entity_id: str
    kind: str
    payload: str
    base_version: int | None
    hlc: str
    created_at: datetime


def _queued(op: OutboxOp) -> QueuedOp:
    return QueuedOp(
        seq=op.seq,
        op_id=op.op_id,
        entity=op.entity,
        entity_id=op.entity_id,
        kind=op.kind,
        payload=op.payload,
        base_version=op.base_version,
        hlc=op.hlc,
        created_at=op.created_at,
    )


def queued_ops(s: Session, after_seq: int, limit: int) -> list[QueuedOp]:
    """The next ``limit`` ops in outbox order after ``after_seq``."""
    return [
        _queued(o)
        for o in s.scalars(
            select(OutboxOp).where(OutboxOp.seq > after_seq).order_by(OutboxOp.seq).limit(limit)
        )
    ]


def queued_for(s: Session, entity: str, entity_id: str) -> list[QueuedOp]:
    """The ops waiting about one record."""
    return [
        _queued(o)
        for o in s.scalars(
            select(OutboxOp).where(OutboxOp.entity == entity, OutboxOp.entity_id == entity_id)
        )
    ]


def has_queued(s: Session, entity_id: str) -> bool:
    """Whether any op about this record (by its id) waits to go up."""
    return (
        s.execute(select(OutboxOp.seq).where(OutboxOp.entity_id == entity_id).limit(1)).first()
        is not None
    )


def drop_queued(s: Session, seq: int) -> None:
    """The op leaves the outbox (head office answered it, or it became a conflict)."""
    s.execute(delete(OutboxOp).where(OutboxOp.seq == seq))


# -- conflicts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    id: str
    op_id: str
    entity: str
    entity_id: str
    kind: str
    # rejected, merged or removed (see crm.store.models_sync.OUTCOMES).
    outcome: str
    code: str
    # The code's parameters (JSON), and both versions of the record (JSON text).
    reason: str
    local_payload: str
    server_payload: str
    created_at: datetime
    resolved_at: datetime | None
    resolution: str


def _conflict_row(c: SyncConflict) -> ConflictRow:
    return ConflictRow(
        id=c.id,
        op_id=c.op_id,
        entity=c.entity,
        entity_id=c.entity_id,
        kind=c.kind,
        outcome=c.outcome,
        code=c.code,
        reason=c.reason,
        local_payload=c.local_payload,
        server_payload=c.server_payload,
        created_at=c.created_at,
        resolved_at=c.resolved_at,
        resolution=c.resolution,
    )


def add_conflict(
    s: Session,
    *,
    op_id: str,
    entity: str,
    entity_id: str,
    kind: str,
    outcome: str,
    code: str,
    reason: str,
    local_payload: str,
    server_payload: str,
    created_at: datetime,
) -> str:
    """A new open conflict, written now; returns its id."""
    conflict = SyncConflict(
        id=new_id(),
        op_id=op_id,
        entity=entity,
        entity_id=entity_id,
        kind=kind,
        outcome=outcome,
        code=code,
        reason=reason,
        local_payload=local_payload,
        server_payload=server_payload,
        created_at=created_at,
        resolved_at=None,
        resolution="",
    )
    s.add(conflict)
    s.flush()
    return conflict.id


def conflicts(
    s: Session, *, include_resolved: bool = False, limit: int = 1000
) -> list[ConflictRow]:
    """The latest conflicts first (open ones only unless ``include_resolved``)."""
    stmt = select(SyncConflict).order_by(SyncConflict.created_at.desc())
    if not include_resolved:
        stmt = stmt.where(SyncConflict.resolved_at.is_(None))
    return [_conflict_row(c) for c in s.scalars(stmt.limit(limit))]


def conflict(s: Session, conflict_id: str) -> ConflictRow | None:
    c = s.get(SyncConflict, conflict_id)
    return _conflict_row(c) if c is not None else None


def mark_resolved(s: Session, conflict_id: str, at: datetime, resolution: str) -> None:
    c = s.get(SyncConflict, conflict_id)
    if c is not None:
        c.resolved_at = at
        c.resolution = resolution


def open_conflict_count(s: Session) -> int:
    return int(
        s.execute(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        ).scalar_one()
    )


# -- the first download's seen-set --------------------------------------------------------------


def forget_seen(s: Session) -> None:
    """A new download starts from nothing seen (head office's epoch changed)."""
    s.execute(delete(SyncSeen))


# -- facts about the book -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProspectState:
    """What a sync needs of a local prospect: the version an op is based on, its stage."""

    id: str
    version: int
    stage: str


def prospect_state(s: Session, prospect_id: str) -> ProspectState | None:
    p = s.get(Prospect, prospect_id)
    return ProspectState(p.id, p.version, p.stage) if p is not None else None


def prospect_count(s: Session) -> int:
    return int(s.execute(select(func.count()).select_from(Prospect)).scalar_one())


def prospect_names(s: Session, ids: Iterable[str]) -> dict[str, str]:
    """Names of the local prospects among ``ids``, by id."""
    return {
        str(pid): str(name)
        for pid, name in s.execute(
            select(Prospect.id, Prospect.name).where(Prospect.id.in_(set(ids)))
        ).all()
    }


def user_name(s: Session, user_id: str) -> str | None:
    """A local user's display name; None when this book does not know the user."""
    user = s.get(User, user_id)
    return user.display_name if user is not None else None


def knows_user(s: Session, user_id: str) -> bool:
    """Whether this book has the user (head office's users arrive with the first download)."""
    return s.get(User, user_id) is not None


# -- a revoked device ---------------------------------------------------------------------------


def wipe_book(conn: Connection) -> None:
    """Remove every customer record, pending change, conflict and the seen-set; indexes a
    download took down are built again (on the empty tables)."""
    # Finalized visits too (head office holds them): the trigger that refuses their removal
    # is dropped for the wipe and made again in its transaction.
    conn.execute(text(f"DROP TRIGGER IF EXISTS {KEPT_TRIGGER}"))
    for table in (
        "checklist_ticks",
        "visits",
        "archived_prospects",
        "visit_chain_heads",
        "duplicate_flags",
        "import_effects",
        "import_batches",
    ):
        conn.execute(text(f"DELETE FROM {table}"))
    conn.execute(text(KEPT_TRIGGER_SQL))
    conn.execute(delete(Prospect))
    conn.execute(text(f"DELETE FROM {search.TABLE}"))
    put_back_indexes(conn)
    conn.execute(delete(OutboxOp))
    conn.execute(delete(SyncConflict))
    conn.execute(delete(SyncSeen))

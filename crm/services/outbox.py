"""Writing the sync outbox: every change for head office, in the change's own transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.services.context import Context
from crm.store.models import AppMeta, OutboxOp
from crm.sync.hlc import HLC, tick

DEVICE_KEY = "device_id"
HLC_KEY = "hlc_last"


def meta_get(session: Session, key: str) -> str | None:
    row = session.get(AppMeta, key)
    return row.value if row else None


def meta_set(session: Session, key: str, value: str) -> None:
    row = session.get(AppMeta, key)
    if row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value


def device_id(session: Session) -> str:
    """This database's device id, made once on first use."""
    value = meta_get(session, DEVICE_KEY)
    if value is None:
        value = new_id()
        meta_set(session, DEVICE_KEY, value)
    return value


def next_hlc(session: Session, ctx: Context) -> HLC:
    last_text = meta_get(session, HLC_KEY)
    last = HLC.parse(last_text) if last_text else None
    stamp = tick(last, int(ctx.now().timestamp() * 1000), device_id(session)[-12:])
    meta_set(session, HLC_KEY, str(stamp))
    return stamp


def record(
    session: Session,
    ctx: Context,
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
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str),
        base_version=base_version,
        hlc=str(next_hlc(session, ctx)),
        created_at=ctx.now(),
    )
    session.add(op)
    return op


def pending_count(session: Session) -> int:
    from sqlalchemy import func, select

    return int(session.execute(select(func.count()).select_from(OutboxOp)).scalar_one())

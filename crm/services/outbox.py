"""Writing the sync outbox from a use case: the store's one outbox writer, stamped with the
use case's clock."""

from __future__ import annotations

from typing import Any

from crm.services.context import Context
from crm.store import outbox as _outbox
from crm.store.meta import DEVICE_KEY as DEVICE_KEY
from crm.store.meta import HLC_KEY as HLC_KEY
from crm.store.meta import device_id as device_id
from crm.store.meta import get as meta_get
from crm.store.meta import put as meta_set
from crm.store.outbox import pending_count as pending_count
from crm.store.unit_of_work import Session

__all__ = [
    "DEVICE_KEY",
    "HLC_KEY",
    "device_id",
    "meta_get",
    "meta_set",
    "pending_count",
    "record",
]


def record(
    session: Session,
    ctx: Context,
    *,
    entity: str,
    entity_id: str,
    kind: str,
    payload: dict[str, Any],
    base_version: int | None,
) -> str:
    """Queue one operation; the caller's transaction commits it together with the change.
    Returns the op's id."""
    op = _outbox.record(
        session,
        ctx.now(),
        entity=entity,
        entity_id=entity_id,
        kind=kind,
        payload=payload,
        base_version=base_version,
    )
    return op.op_id

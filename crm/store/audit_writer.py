"""The one writer of the audit log (crm.domain.audit): the line and the op that takes it to
head office, in the caller's transaction. Lines are only ever added: there is no update or
delete here, and the table's triggers refuse one from anywhere else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from crm.domain.audit import ENTITY, check_line
from crm.domain.ids import new_id
from crm.domain.wire import wire
from crm.store import meta, outbox
from crm.store.models_audit import AuditLine
from crm.store.unit_of_work import Session


def add(
    session: Session,
    now: datetime,
    *,
    user_id: str | None,
    action: str,
    target_id: str = "",
    detail: Mapping[str, object] | None = None,
) -> str:
    """Write one line (refused with ``AuditRefused`` when it is not of the log's shape);
    returns its id."""
    detail = dict(detail or {})
    check_line(action, target_id, detail)
    plain = {k: list(v) if isinstance(v, tuple) else v for k, v in detail.items()}
    line = AuditLine(
        id=new_id(),
        at=now,
        user_id=user_id,
        device_id=meta.device_id(session),
        action=action,
        target_id=target_id,
        detail=json.dumps(plain, ensure_ascii=False, sort_keys=True),
    )
    session.add(line)
    outbox.record(
        session,
        now,
        entity=ENTITY,
        entity_id=line.id,
        kind="create",
        payload={
            "at": wire(now),
            "user_id": user_id,
            "action": action,
            "target_id": target_id,
            "detail": plain,
        },
        base_version=None,
    )
    return line.id

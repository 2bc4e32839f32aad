"""Reading the audit log: the latest lines, each with whether it still waits to go to head
office (its op is in the outbox) or has been sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from crm.domain.audit import ENTITY
from crm.store.models import OutboxOp, User
from crm.store.models_audit import AuditLine


@dataclass(frozen=True)
class AuditRow:
    id: str
    at: datetime
    user_id: str | None
    username: str | None
    device_id: str
    action: str
    target_id: str
    detail: dict[str, Any]
    waiting: bool


def recent(
    session: Session,
    *,
    limit: int,
    action: str | None = None,
    user_id: str | None = None,
    since: datetime | None = None,
) -> list[AuditRow]:
    """The newest ``limit`` lines (filtered), newest first."""
    waiting = exists().where(OutboxOp.entity == ENTITY, OutboxOp.entity_id == AuditLine.id)
    query = (
        select(AuditLine, User.username, waiting)
        .outerjoin(User, User.id == AuditLine.user_id)
        .order_by(AuditLine.at.desc(), AuditLine.id.desc())
        .limit(limit)
    )
    if action is not None:
        query = query.where(AuditLine.action == action)
    if user_id is not None:
        query = query.where(AuditLine.user_id == user_id)
    if since is not None:
        query = query.where(AuditLine.at >= since)
    return [
        AuditRow(
            id=line.id,
            at=line.at,
            user_id=line.user_id,
            username=username,
            device_id=line.device_id,
            action=line.action,
            target_id=line.target_id,
            detail=json.loads(line.detail or "{}"),
            waiting=bool(pending),
        )
        for line, username, pending in session.execute(query)
    ]


def count(session: Session, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditLine)
    if action is not None:
        query = query.where(AuditLine.action == action)
    return int(session.execute(query).scalar_one())

"""Devices' audit logs at head office: the lines each device pushes (``audit`` ops, see
``crm.domain.audit``), kept as sent and never changed.

A line is stored once, keyed by its id: a push replayed is answered from ``ho_applied_ops``
("duplicate"), and the same line sent again in another op (a device that lost an answer and
queued it anew) is answered as applied without a second row, while a line that would change
one already held is refused. A device sends only its own user's lines, and no device ever
pulls one: they are not records of a book and have no place in the change log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.domain.audit import is_id
from crm.headoffice.errors import Rejected
from crm.headoffice.models import Audit, Base, HoUser, UTCStamp
from crm.headoffice.scope import Actor
from crm.headoffice.wire import dumps, iso
from crm.sync import protocol as P

SOURCE_DEVICE = "device"
SOURCE_HEAD_OFFICE = "head_office"


class DeviceAudit(Base):
    __tablename__ = "ho_device_audit"
    __table_args__ = (Index("ix_ho_device_audit_at", "at", "id"),)
    # The line's id, made on the device (UUIDv7).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # When the device says it happened, and when head office received it.
    at: Mapped[datetime] = mapped_column(UTCStamp())
    received_at: Mapped[datetime] = mapped_column(UTCStamp())
    action: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(36), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")


def store(tx: Any, actor: Actor, op: P.Op) -> dict[str, Any]:
    """Keep the line an ``audit`` op carries (``tx``: crm.headoffice.db.Tx)."""
    if op.kind != "create":
        raise Rejected(P.R_ROLE, "an audit line is only ever added, never changed or removed")
    try:
        line = P.parse_audit_line(op.payload)
    except P.PayloadError as exc:
        raise Rejected(P.R_INVALID, exc.reason, invalid_fields=list(exc.fields)) from None
    if not is_id(op.entity_id):
        raise Rejected(P.R_INVALID, "an audit line's id is a UUID", invalid_fields=["entity_id"])
    if line.user_id is not None and not _speaks_for(tx.session, actor, line.user_id):
        raise Rejected(P.R_SCOPE, "a device sends only its own user's audit lines")
    at = datetime.fromisoformat(line.at)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    s: Session = tx.session
    row = DeviceAudit(
        id=op.entity_id,
        device_id=actor.device_id,
        user_id=line.user_id,
        at=at,
        received_at=tx.now,
        action=line.action,
        target_id=line.target_id,
        detail=dumps(line.detail),
    )
    held = s.get(DeviceAudit, op.entity_id)
    if held is not None:
        if _same(held, row):
            return {"op_id": op.op_id, "status": P.APPLIED, "version": 1}
        raise Rejected(P.R_REUSED, "an audit line head office holds never changes")
    s.add(row)
    s.flush()
    return {"op_id": op.op_id, "status": P.APPLIED, "version": 1}


def _speaks_for(s: Session, actor: Actor, user_id: str) -> bool:
    """Whether the device's user may have acted as ``user_id`` on it: themself; a team lead
    as one of the team (``--user``); an administrator as anyone."""
    if user_id == actor.user_id or actor.role == "admin":
        return True
    if actor.role != "lead" or actor.team_id is None:
        return False
    user = s.get(HoUser, user_id)
    return user is not None and user.team_id == actor.team_id


def _same(a: DeviceAudit, b: DeviceAudit) -> bool:
    return (a.device_id, a.user_id, a.at, a.action, a.target_id, json.loads(a.detail)) == (
        b.device_id,
        b.user_id,
        b.at,
        b.action,
        b.target_id,
        json.loads(b.detail),
    )


@dataclass(frozen=True)
class Filter:
    """Which lines to list: each None means any."""

    device: str | None = None
    user: str | None = None
    action: str | None = None
    since: datetime | None = None
    limit: int = 100


def merged(s: Session, wanted: Filter) -> list[dict[str, Any]]:
    """Head office's own admin lines and devices' lines, newest first, merged by time."""
    users = {u.id: u.username for u in s.scalars(select(HoUser))}
    user_id = _user_id(users, wanted.user)
    lines: list[dict[str, Any]] = []
    if wanted.device is None:
        q = select(Audit).order_by(Audit.at.desc(), Audit.id.desc()).limit(wanted.limit)
        if wanted.action is not None:
            q = q.where(Audit.action == wanted.action)
        if wanted.since is not None:
            q = q.where(Audit.at >= wanted.since)
        if wanted.user is not None:
            q = q.where(Audit.actor.in_([wanted.user, user_id or wanted.user]))
        lines += [
            {
                "source": SOURCE_HEAD_OFFICE,
                "at": iso(a.at),
                "device": None,
                "actor": a.actor,
                "action": a.action,
                "target": a.target,
                "detail": json.loads(a.detail or "{}"),
                "_key": (a.at, str(a.id)),
            }
            for a in s.scalars(q)
        ]
    q2 = (
        select(DeviceAudit)
        .order_by(DeviceAudit.at.desc(), DeviceAudit.id.desc())
        .limit(wanted.limit)
    )
    if wanted.device is not None:
        q2 = q2.where(DeviceAudit.device_id.startswith(wanted.device, autoescape=True))
    if wanted.user is not None:
        q2 = q2.where(DeviceAudit.user_id == (user_id or wanted.user))
    if wanted.action is not None:
        q2 = q2.where(DeviceAudit.action == wanted.action)
    if wanted.since is not None:
        q2 = q2.where(DeviceAudit.at >= wanted.since)
    lines += [
        {
            "source": SOURCE_DEVICE,
            "at": iso(d.at),
            "device": d.device_id,
            "actor": users.get(d.user_id or "", d.user_id),
            "action": d.action,
            "target": d.target_id,
            "detail": json.loads(d.detail or "{}"),
            "received_at": iso(d.received_at),
            "_key": (d.at, d.id),
        }
        for d in s.scalars(q2)
    ]
    lines.sort(key=lambda line: line["_key"], reverse=True)
    return [{k: v for k, v in line.items() if k != "_key"} for line in lines[: wanted.limit]]


def _user_id(users: Mapping[str, str], name: str | None) -> str | None:
    if name is None:
        return None
    for uid, username in users.items():
        if name in (uid, username):
            return uid
    return None

"""The device's audit log as use cases: write a line for an audited action, list the log.

Every path that does an audited thing calls ``record`` from the service that does it (so the
form, the CLI and any other path log alike): head-office sign-ins (``SyncService``), the
book's unlock (the lock screen), exports and PDFs (the report, calendar and book-export
services), a masked identifier shown in full, imports and their undo. A line holds ids,
codes and counts only (crm.domain.audit); it goes to head office with the next push.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crm.domain.audit import Action
from crm.services.context import Context
from crm.store import audit_queries, audit_writer
from crm.store.audit_queries import AuditRow
from crm.store.unit_of_work import Session

__all__ = ["Action", "AuditEntry", "AuditService"]


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: datetime
    user_id: str | None
    username: str | None
    device_id: str
    action: str
    target_id: str
    detail: dict[str, Any]
    # Still in the outbox (not yet at head office).
    waiting: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "user_id": self.user_id,
            "username": self.username,
            "device_id": self.device_id,
            "action": self.action,
            "target_id": self.target_id,
            "detail": self.detail,
            "sent": not self.waiting,
        }


class AuditService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def record(
        self,
        action: Action | str,
        target_id: str = "",
        detail: Mapping[str, object] | None = None,
        *,
        user_id: str | None = None,
    ) -> str:
        """Write one line in a transaction of its own, by the acting user (or ``user_id``:
        a sign-in names the user it signed in). Returns the line's id."""
        with self.ctx.db.transaction() as s:
            return self.record_in(s, action, target_id, detail, user_id=user_id)

    def record_in(
        self,
        session: Session,
        action: Action | str,
        target_id: str = "",
        detail: Mapping[str, object] | None = None,
        *,
        user_id: str | None = None,
    ) -> str:
        """Write one line in the caller's transaction (it commits with the action)."""
        return audit_writer.add(
            session,
            self.ctx.now(),
            user_id=user_id or self.ctx.actor_id,
            action=str(action),
            target_id=target_id,
            detail=detail,
        )

    def lines(
        self,
        *,
        limit: int = 50,
        action: str | None = None,
        user_id: str | None = None,
        since: datetime | None = None,
    ) -> list[AuditEntry]:
        """The newest lines first."""
        with self.ctx.db.reading() as s:
            rows = audit_queries.recent(s, limit=limit, action=action, user_id=user_id, since=since)
        return [_entry(r) for r in rows]


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        user_id=row.user_id,
        username=row.username,
        device_id=row.device_id,
        action=row.action,
        target_id=row.target_id,
        detail=row.detail,
        waiting=row.waiting,
    )

"""The device's audit log (crm.domain.audit): one row per audited action, never changed or
removed once written (triggers refuse it, ``APPEND_ONLY_TRIGGERS``)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base

TABLE: Final = "audit_log"
# Migration 0015 makes these; a line is evidence, so not even a wipe removes one.
APPEND_ONLY_TRIGGERS: Final = {
    "audit_log_no_update": (
        f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'an audit line cannot be changed'); END"
    ),
    "audit_log_no_delete": (
        f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'an audit line cannot be removed'); END"
    ),
}


class AuditLine(Base):
    __tablename__ = TABLE
    # The log read newest first (`crm audit`), by time.
    __table_args__ = (Index("ix_audit_log_at", "at", "id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime]
    # The acting user; no foreign key: a line outlives the user's row in this book.
    user_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(120), default="")
    # JSON of ids, codes and counts (crm.domain.audit.check_line).
    detail: Mapped[str] = mapped_column(Text, default="{}")

"""The client side of sync: conflicts to show the user, and the snapshot's seen-set.

The cursor, the server epoch and a snapshot in progress live in ``app_meta`` (keys
``sync.*``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base

OUTCOMES = ("rejected", "merged", "removed")


class SyncConflict(Base):
    """An op head office rejected or merged, with both versions, until the user resolves it."""

    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # rejected (not applied), merged (some fields lost to later edits), removed (the record
    # left this device with changes head office never accepted).
    outcome: Mapped[str] = mapped_column(String(16), default="rejected")
    # The protocol's code (stage_conflict, duplicate_uscc, …) and its parameters as JSON.
    code: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    local_payload: Mapped[str] = mapped_column(Text, default="")
    server_payload: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolution: Mapped[str] = mapped_column(String(40), default="")


class SyncSeen(Base):
    """Records a first download (snapshot) has delivered; what is not here at its end and
    has no pending change left this device's scope, and is removed."""

    __tablename__ = "sync_seen"
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(120), primary_key=True)

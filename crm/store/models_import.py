"""Import batches: what each import did, so it can be previewed, reported and undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.store.models import Base

BATCH_STATUSES = ("running", "done", "cancelled", "undone")
EFFECTS = ("created", "membership", "filled", "flagged", "facts")


class ImportBatch(Base):
    __tablename__ = "import_batches"
    __table_args__ = (CheckConstraint(f"status IN {BATCH_STATUSES}", name="status"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_code: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    sheet_name: Mapped[str] = mapped_column(String(100), default="")
    mapping_name: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="running")
    file_format: Mapped[str] = mapped_column(String(8), default="")
    encoding: Mapped[str] = mapped_column(String(40), default="")
    # 1-based row of the header, and the mapping used as JSON {header: field}.
    header_row: Mapped[int] = mapped_column(Integer, default=0)
    columns: Mapped[str] = mapped_column(Text, default="")
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    undone_at: Mapped[datetime | None]


class ImportEffect(Base):
    """One thing a batch did to one prospect; undo walks these backwards."""

    __tablename__ = "import_effects"
    __table_args__ = (CheckConstraint(f"kind IN {EFFECTS}", name="kind"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_id: Mapped[str] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    prospect_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_code: Mapped[str] = mapped_column(String(40), default="")
    # Space-separated field names an import filled in (for "filled" effects), or the keys
    # of the business facts it set (for "facts" effects).
    fields: Mapped[str] = mapped_column(Text, default="")
    # The prospect's version right after the import touched it: undo refuses when it moved.
    version_after: Mapped[int] = mapped_column(Integer)
    row_number: Mapped[int] = mapped_column(Integer, default=0)


class ImportMapping(Base):
    """A named column mapping, saved per source list, for the next file of the same kind."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("source_code", "name"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    mapping: Mapped[str] = mapped_column(Text)  # JSON: {header: field or ""}
    header_row: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class DuplicateFlag(Base):
    """A row without USCC that looks like a known prospect: the RM confirms or splits it."""

    __tablename__ = "duplicate_flags"
    __table_args__ = (CheckConstraint("status IN ('open', 'confirmed', 'split')", name="status"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prospect_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[str | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]

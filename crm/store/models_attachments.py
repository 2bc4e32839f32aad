"""Photos and documents of visit records: the files by SHA-256, and which visit holds which.

A file's bytes are stored once however many visits hold it (``attachment_blobs``, keyed by
the SHA-256 of the bytes); ``visit_attachments`` says which visit holds which file, as what
(premises, signboard, …), with the caption and the time and place the photo was taken.
Triggers made by revision 0010 keep the blobs honest: a blob's bytes never change, a blob
a visit holds is never deleted, and one no visit holds any more goes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm.domain.attachments import KINDS
from crm.store.models import Base

# Triggers of revision 0010 (names, for the schema test and the wipe of a revoked device).
BLOB_FIXED_TRIGGER = "attachment_blobs_are_fixed"
BLOB_HELD_TRIGGER = "attachment_blobs_held_are_kept"
BLOB_RELEASED_TRIGGER = "attachment_blobs_released"
LINK_FIXED_TRIGGER = "visit_attachments_are_fixed"


class AttachmentBlob(Base):
    """A file's bytes, under the SHA-256 of those bytes."""

    __tablename__ = "attachment_blobs"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="sha256"),)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # A JPEG of the image at most PREVIEW_PX on its longer side (the visit page's
    # thumbnails, the report's photos); NULL for a PDF, or until made on this computer.
    preview: Mapped[bytes | None] = mapped_column(LargeBinary)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    # Head office holds these bytes (uploaded from here, or downloaded from it).
    at_head_office: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class VisitAttachment(Base):
    """A file a visit record holds. Made on a draft; goes to head office with the record
    when it is finalized, after which it never changes (an amendment adds files)."""

    __tablename__ = "visit_attachments"
    __table_args__ = (CheckConstraint(f"kind IN {KINDS}", name="kind"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    # No foreign key, as the visit's own: the record outlives its prospect.
    prospect_id: Mapped[str] = mapped_column(String(36))
    # The blob may not be on this computer yet (a record from head office whose file is
    # still to download): no foreign key either.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="other")
    caption: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    # When and where the photo was taken (its EXIF), when it says.
    taken_at: Mapped[datetime | None]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    attached_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

"""The one writer of visit attachments: a file's bytes (once, by SHA-256), the visit's
link to them, and the op that tells head office.

A file attached to a draft stays on this computer with the draft (a half-written record
is not evidence of anything, and its files are not either): its op goes up with the
record, when the visit writer finalizes it (``queue_with_record``, stamped by that
writer's clock, right after the record's own op so head office has the record first).
The bytes follow through the sync's blob endpoint (crm/sync/blobs.py), which marks them
held by head office here (``AttachmentWriter.mark_at_head_office``). Files from head
office are stored by ``store_fetched``; the link rows come with the sync download
(crm/store/replica.py), as every record does.

Nothing else writes ``attachment_blobs`` or ``visit_attachments``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.domain.wire import wire
from crm.store.models_attachments import AttachmentBlob, VisitAttachment
from crm.store.prospect_writer import stored_time
from crm.store.unit_of_work import Connection

ENTITY: Final = "visit_attachment"
ATTACH: Final = "attach"
# What an attachment tells head office (and every device that holds the record).
PAYLOAD_FIELDS: Final = (
    "prospect_id",
    "visit_id",
    "sha256",
    "kind",
    "caption",
    "filename",
    "media_type",
    "size",
    "taken_at",
    "latitude",
    "longitude",
    "attached_by",
    "created_at",
)
_INSERT_BLOB: Final = (
    "INSERT INTO attachment_blobs (sha256, size, media_type, content, preview, width, height, "
    "at_head_office, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (sha256) DO NOTHING"
)


@dataclass(frozen=True)
class Blob:
    """A file's bytes as checked, with what was read of them."""

    sha256: str
    media_type: str
    content: bytes
    preview: bytes | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class NewAttachment:
    visit_id: str
    prospect_id: str
    kind: str
    caption: str
    filename: str
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None


def payload(a: VisitAttachment) -> dict[str, Any]:
    return {name: wire(getattr(a, name)) for name in PAYLOAD_FIELDS}


@dataclass
class AttachmentWriter:
    """The attachment writes of one transaction (the caller's session)."""

    session: Session
    now: datetime
    actor_id: str | None

    def _insert_blob(self, blob: Blob, *, at_head_office: bool) -> None:
        self.session.connection().exec_driver_sql(
            _INSERT_BLOB,
            (
                blob.sha256,
                len(blob.content),
                blob.media_type,
                blob.content,
                blob.preview,
                blob.width,
                blob.height,
                1 if at_head_office else 0,
                stored_time(self.now),
            ),
        )

    def attach(self, new: NewAttachment, blob: Blob) -> str:
        """The file on an open visit: its bytes (unless this book holds them already) and
        the visit's link to them; returns the attachment's id."""
        self._insert_blob(blob, at_head_office=False)
        a = VisitAttachment(
            id=new_id(),
            visit_id=new.visit_id,
            prospect_id=new.prospect_id,
            sha256=blob.sha256,
            kind=new.kind,
            caption=new.caption,
            filename=new.filename,
            media_type=blob.media_type,
            size=len(blob.content),
            taken_at=new.taken_at,
            latitude=new.latitude,
            longitude=new.longitude,
            attached_by=self.actor_id,
            created_at=self.now,
            version=1,
        )
        self.session.add(a)
        self.session.flush()
        return a.id

    def describe(self, attachment_id: str, kind: str, caption: str) -> None:
        """Another kind or caption for a file of an open visit."""
        self.session.execute(
            update(VisitAttachment)
            .where(VisitAttachment.id == attachment_id)
            .values(kind=kind, caption=caption, version=VisitAttachment.version + 1)
        )

    def remove(self, attachment_id: str) -> None:
        """Take a file off an open visit (its bytes go when no visit holds them: a trigger)."""
        self.session.execute(delete(VisitAttachment).where(VisitAttachment.id == attachment_id))

    def set_preview(self, sha256: str, preview: bytes, width: int, height: int) -> None:
        """The preview of an image whose bytes came from head office, made here."""
        self.session.execute(
            update(AttachmentBlob)
            .where(AttachmentBlob.sha256 == sha256, AttachmentBlob.preview.is_(None))
            .values(preview=preview, width=width, height=height)
        )


def store_fetched(
    conn: Connection, sha256: str, media_type: str, content: bytes, now: datetime
) -> None:
    """Bytes downloaded from head office (checked against their hash by the caller)."""
    conn.exec_driver_sql(
        _INSERT_BLOB,
        (sha256, len(content), media_type, content, None, None, None, 1, stored_time(now)),
    )


def mark_at_head_office(conn: Connection, sha256: str) -> None:
    """Head office holds these bytes now (the upload completed, or it had them)."""
    conn.execute(
        update(AttachmentBlob).where(AttachmentBlob.sha256 == sha256).values(at_head_office=True)
    )


Queue = Callable[[str, str, str, dict[str, Any], int | None], None]


def queue_with_record(session: Session, visit_id: str, queue: Queue) -> int:
    """The ops of a record's files, queued as the record is finalized (``queue`` is the
    visit writer's: its clock stamps them after the record's op); returns how many."""
    rows = session.scalars(
        select(VisitAttachment)
        .where(VisitAttachment.visit_id == visit_id)
        .order_by(VisitAttachment.created_at, VisitAttachment.id)
    ).all()
    for a in rows:
        queue(ENTITY, a.id, ATTACH, payload(a), None)
    return len(rows)

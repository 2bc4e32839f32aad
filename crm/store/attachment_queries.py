"""Reading visit attachments: a visit's files, a file's bytes, the hashes a record's hash
covers, and what a sync has to send or fetch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.domain.attachments import hashes_text
from crm.store.models_attachments import AttachmentBlob, VisitAttachment
from crm.store.models_visit import Visit
from crm.store.unit_of_work import Connection

# SQLite's own functions read a blob a slice at a time (substr on a BLOB counts bytes).
_SLICE_SQL = "SELECT substr(content, ?, ?) FROM attachment_blobs WHERE sha256 = ?"


@dataclass(frozen=True)
class AttachmentRow:
    id: str
    visit_id: str
    prospect_id: str
    sha256: str
    kind: str
    caption: str
    filename: str
    media_type: str
    size: int
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None
    attached_by: str | None
    created_at: datetime
    # The file's bytes are on this computer (a record from head office may still lack them).
    stored: bool
    preview: bytes | None
    width: int | None
    height: int | None


_LINK = VisitAttachment
_BLOB = AttachmentBlob


def _rows_select() -> Any:
    return (
        select(
            _LINK.id,
            _LINK.visit_id,
            _LINK.prospect_id,
            _LINK.sha256,
            _LINK.kind,
            _LINK.caption,
            _LINK.filename,
            _LINK.media_type,
            _LINK.size,
            _LINK.taken_at,
            _LINK.latitude,
            _LINK.longitude,
            _LINK.attached_by,
            _LINK.created_at,
            _BLOB.sha256.is_not(None),
            _BLOB.preview,
            _BLOB.width,
            _BLOB.height,
        )
        .outerjoin(_BLOB, _BLOB.sha256 == _LINK.sha256)
        .order_by(_LINK.created_at, _LINK.id)
    )


def of_visits(s: Session, visit_ids: Sequence[str]) -> list[AttachmentRow]:
    """The files of these visits, in the order they were attached (previews, not bytes)."""
    if not visit_ids:
        return []
    rows = s.execute(_rows_select().where(_LINK.visit_id.in_(list(visit_ids)))).all()
    return [AttachmentRow(*row) for row in rows]


def one(s: Session, attachment_id: str) -> AttachmentRow | None:
    row = s.execute(_rows_select().where(_LINK.id == attachment_id)).first()
    return AttachmentRow(*row) if row is not None else None


def held_by(s: Session, visit_id: str, sha256: str) -> str | None:
    """The id of the visit's attachment of these bytes, if it holds them already."""
    found: str | None = s.scalar(
        select(_LINK.id).where(_LINK.visit_id == visit_id, _LINK.sha256 == sha256).limit(1)
    )
    return found


def has_blob(s: Session | Connection, sha256: str) -> bool:
    return s.execute(select(_BLOB.sha256).where(_BLOB.sha256 == sha256)).first() is not None


def content(s: Session | Connection, sha256: str) -> bytes | None:
    data: bytes | None = s.execute(
        select(_BLOB.content).where(_BLOB.sha256 == sha256)
    ).scalar_one_or_none()
    return data


def media_type_of(s: Session | Connection, sha256: str) -> str | None:
    found: str | None = s.execute(
        select(_BLOB.media_type).where(_BLOB.sha256 == sha256)
    ).scalar_one_or_none()
    return found


def blob_slice(conn: Connection, sha256: str, start: int, length: int) -> bytes:
    """``length`` bytes of a stored file from byte ``start`` (fewer at its end)."""
    row = conn.exec_driver_sql(_SLICE_SQL, (start + 1, length, sha256)).first()
    return bytes(row[0]) if row is not None and row[0] is not None else b""


def hashes_of_visit(s: Session | None, visit_id: str) -> str:
    """The hashes of the files a visit holds, as its record's hash covers them (sorted,
    space-separated; "" for none)."""
    if s is None:
        return ""
    return hashes_text(s.scalars(select(_LINK.sha256).where(_LINK.visit_id == visit_id)))


def held_hashes(conn: Connection) -> dict[str, str]:
    """For every finalized visit that holds files: the hashes of the bytes this book holds
    for them, computed again (a file whose bytes were changed gives another hash, so its
    record no longer checks), sorted and space-separated. A file not on this computer yet
    counts by the hash its record gives."""
    found: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    rows = conn.exec_driver_sql(
        "SELECT a.visit_id, a.sha256 FROM visit_attachments a "
        "JOIN visits v ON v.id = a.visit_id WHERE v.status = 'final'"
    ).all()
    for visit_id, sha in rows:
        if sha not in seen:
            data = content(conn, sha)
            seen[sha] = sha if data is None else hashlib.sha256(data).hexdigest()
        found.setdefault(str(visit_id), []).append(seen[sha])
    return {vid: hashes_text(hashes) for vid, hashes in found.items()}


@dataclass(frozen=True)
class BlobToSend:
    """A file head office does not hold yet, and an attachment record it holds that names
    it (what head office checks the device's right to send it by)."""

    sha256: str
    size: int
    attachment_id: str


def to_send(conn: Connection) -> list[BlobToSend]:
    """Files of finalized records whose attachment head office already has (its op has
    gone up) but whose bytes it does not hold yet."""
    rows = conn.exec_driver_sql(
        "SELECT b.sha256, b.size, min(a.id) FROM attachment_blobs b "
        "JOIN visit_attachments a ON a.sha256 = b.sha256 "
        "JOIN visits v ON v.id = a.visit_id "
        "WHERE b.at_head_office = 0 AND v.status = 'final' AND NOT EXISTS ("
        "  SELECT 1 FROM outbox o WHERE o.entity = 'visit_attachment' AND o.entity_id = a.id) "
        "GROUP BY b.sha256, b.size ORDER BY min(a.created_at)"
    ).all()
    return [BlobToSend(str(r[0]), int(r[1]), str(r[2])) for r in rows]


@dataclass(frozen=True)
class BlobToFetch:
    sha256: str
    size: int
    media_type: str
    attachment_id: str


def to_fetch(conn: Connection) -> list[BlobToFetch]:
    """Files named by attachment records on this computer whose bytes it does not hold."""
    rows = conn.exec_driver_sql(
        "SELECT a.sha256, max(a.size), max(a.media_type), min(a.id) FROM visit_attachments a "
        "WHERE NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.sha256 = a.sha256) "
        "GROUP BY a.sha256 ORDER BY min(a.created_at)"
    ).all()
    return [BlobToFetch(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]


def without_preview(s: Session, visit_ids: Sequence[str], media_types: Sequence[str]) -> list[str]:
    """Hashes of these visits' images whose bytes are here but no preview yet."""
    if not visit_ids:
        return []
    return list(
        s.scalars(
            select(_BLOB.sha256)
            .join(_LINK, _LINK.sha256 == _BLOB.sha256)
            .where(
                _LINK.visit_id.in_(list(visit_ids)),
                _BLOB.preview.is_(None),
                _BLOB.media_type.in_(list(media_types)),
            )
            .distinct()
        )
    )


def visit_state(s: Session, visit_id: str) -> tuple[str, str, str | None] | None:
    """(status, prospect id, the record it amends) of a visit, or None."""
    row = s.execute(
        select(Visit.status, Visit.prospect_id, Visit.amends_id).where(Visit.id == visit_id)
    ).first()
    return (str(row[0]), str(row[1]), row[2]) if row is not None else None


def chain_of(s: Session, visit_id: str) -> list[tuple[str, str]]:
    """(id, status) of the record a visit belongs to and of each of its amendments, in the
    order made."""
    state = visit_state(s, visit_id)
    if state is None:
        return []
    root = state[2] or visit_id
    rows = s.execute(
        select(Visit.id, Visit.status)
        .where((Visit.id == root) | (Visit.amends_id == root))
        .order_by(Visit.created_at, Visit.id)
    ).all()
    return [(str(r[0]), str(r[1])) for r in rows]


def attachment_count(s: Session, visit_ids: Sequence[str]) -> int:
    if not visit_ids:
        return 0
    return int(s.scalar(select(func.count()).where(_LINK.visit_id.in_(list(visit_ids)))) or 0)

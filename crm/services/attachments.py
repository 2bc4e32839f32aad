"""Photos and documents on a visit record: attach (from a file or its bytes), list with
previews, read back, take off a draft; and the photos a visit report prints.

A file is checked and read (crm/services/attachment_media.py) before the write
transaction opens, so the transaction only stores: a refused file (damaged, too large, of
a type not accepted) leaves nothing behind, and a 10 MB photo holds the database for the
moment its bytes take to write. Files go on a record while it is open (planned or draft);
a finalized record's files never change: an amendment adds files, and the record's
evidence is the original's files with those of its finalized amendments.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from crm import resources
from crm.domain.attachments import (
    IMAGE_TYPES,
    AttachmentKind,
    AttachmentLimits,
    AttachmentRefused,
    check_kind,
    check_size,
    clean_caption,
    clean_filename,
    parse_limits,
)
from crm.services import attachment_media
from crm.services.acting import check_prospect_in
from crm.services.context import Context, NotFound
from crm.store import attachment_queries
from crm.store.attachment_queries import AttachmentRow
from crm.store.attachment_writer import AttachmentWriter, Blob, NewAttachment
from crm.store.unit_of_work import Session

FINAL = "final"


@cache
def limits() -> AttachmentLimits:
    """What may be attached (resources/data/attachments.json, head office data)."""
    return parse_limits(resources.load_json("data", "attachments.json"))


@dataclass(frozen=True)
class AttachmentInfo:
    """A file of a visit record as the visit page shows it."""

    id: str
    visit_id: str
    sha256: str
    kind: str
    caption: str
    filename: str
    media_type: str
    size: int
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None
    created_at: datetime
    # The bytes are on this computer (a record from head office may still be fetching).
    stored: bool
    # A JPEG at most 1024 px on its longer side (images whose bytes are here), else None.
    preview: bytes | None
    width: int | None
    height: int | None
    # It belongs to the open record shown (it can still be taken off or described again).
    removable: bool

    @property
    def is_image(self) -> bool:
        return self.media_type in IMAGE_TYPES


@dataclass(frozen=True)
class VisitImage:
    """A photo of a visit record for its report: the preview JPEG (at most 1024 px on its
    longer side, upright), when and where it was taken (EXIF, when the photo says)."""

    attachment_id: str
    sha256: str
    image: bytes
    width: int
    height: int
    taken_at: datetime | None
    caption: str
    kind: str
    latitude: float | None
    longitude: float | None


class AttachmentService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @staticmethod
    def limits() -> AttachmentLimits:
        return limits()

    # -- attaching ----------------------------------------------------------------------------

    def attach_file(
        self,
        visit_id: str,
        path: Path,
        *,
        kind: str = AttachmentKind.OTHER.value,
        caption: str = "",
    ) -> AttachmentInfo:
        """Attach the file at ``path`` to an open visit record."""
        data = self._read(Path(path))
        return self.attach_bytes(
            visit_id, data, filename=Path(path).name, kind=kind, caption=caption
        )

    def attach_bytes(
        self,
        visit_id: str,
        data: bytes,
        *,
        filename: str = "",
        kind: str = AttachmentKind.OTHER.value,
        caption: str = "",
    ) -> AttachmentInfo:
        """Attach a file's bytes to an open visit record; AttachmentRefused (nothing stored)
        for a file that cannot be attached, NotFound for an unknown visit."""
        kind = check_kind(kind)
        caption = clean_caption(caption)
        with self.ctx.db.reading() as s:
            self._open_visit(s, visit_id)
        seen = attachment_media.inspect(data, limits(), self.ctx.zone)
        sha = hashlib.sha256(data).hexdigest()
        blob = Blob(sha, seen.media_type, data, seen.preview, seen.width, seen.height)
        with self.ctx.db.transaction() as s:
            prospect_id = self._open_visit(s, visit_id)
            if attachment_queries.held_by(s, visit_id, sha) is not None:
                raise AttachmentRefused(
                    "attachment.duplicate", "this file is attached to this visit already"
                )
            writer = AttachmentWriter(s, self.ctx.now(), self.ctx.actor_id)
            new = NewAttachment(
                visit_id=visit_id,
                prospect_id=prospect_id,
                kind=kind,
                caption=caption,
                filename=clean_filename(filename),
                taken_at=seen.taken_at,
                latitude=seen.latitude,
                longitude=seen.longitude,
            )
            attachment_id = writer.attach(new, blob)
            row = attachment_queries.one(s, attachment_id)
        assert row is not None
        return _info(row, removable=True)

    def describe(self, attachment_id: str, *, kind: str, caption: str) -> AttachmentInfo:
        """Another kind or caption for a file of an open record."""
        kind = check_kind(kind)
        caption = clean_caption(caption)
        with self.ctx.db.transaction() as s:
            row = self._own(s, attachment_id)
            AttachmentWriter(s, self.ctx.now(), self.ctx.actor_id).describe(row.id, kind, caption)
            changed = attachment_queries.one(s, row.id)
        assert changed is not None
        return _info(changed, removable=True)

    def remove(self, attachment_id: str) -> None:
        """Take a file off an open record (a finalized record's files never change)."""
        with self.ctx.db.transaction() as s:
            row = self._own(s, attachment_id)
            AttachmentWriter(s, self.ctx.now(), self.ctx.actor_id).remove(row.id)

    # -- reading ------------------------------------------------------------------------------

    def for_visit(self, visit_id: str) -> list[AttachmentInfo]:
        """The files of a visit record as its page shows them: the original record's, those
        of its finalized amendments and, for an open record, its own; in the order
        attached. Previews of images fetched from head office are made here, once."""
        with self.ctx.db.reading() as s:
            state = attachment_queries.visit_state(s, visit_id)
            if state is None:
                raise NotFound("visit", visit_id)
            check_prospect_in(s, self.ctx.actor_id, state[1])
            ids = self._evidence(s, visit_id)
            missing = attachment_queries.without_preview(s, ids, sorted(IMAGE_TYPES))
        if missing:
            self._make_previews(missing)
        with self.ctx.db.reading() as s:
            rows = attachment_queries.of_visits(s, ids)
        open_record = state[0] != FINAL
        return [_info(r, removable=open_record and r.visit_id == visit_id) for r in rows]

    def images_for_visit(self, visit_id: str) -> list[VisitImage]:
        """The photos of a visit record for its report (see ``for_visit`` for which), those
        whose bytes are on this computer, in the order attached."""
        return [
            VisitImage(
                a.id,
                a.sha256,
                a.preview,
                a.width or 0,
                a.height or 0,
                a.taken_at,
                a.caption,
                a.kind,
                a.latitude,
                a.longitude,
            )
            for a in self.for_visit(visit_id)
            if a.is_image and a.preview is not None
        ]

    def content(self, attachment_id: str) -> bytes:
        """A file's bytes as attached (NotFound while they are still to fetch)."""
        with self.ctx.db.reading() as s:
            row = attachment_queries.one(s, attachment_id)
            if row is not None:
                check_prospect_in(s, self.ctx.actor_id, row.prospect_id)
            data = attachment_queries.content(s, row.sha256) if row is not None else None
        if data is None:
            raise NotFound("attachment", attachment_id)
        return data

    # -- internals ----------------------------------------------------------------------------

    @staticmethod
    def _read(path: Path) -> bytes:
        """The file's bytes, its size checked before they are read."""
        try:
            if not path.exists():
                raise AttachmentRefused(
                    "attachment.unreadable", "there is no file or folder {path}", path=str(path)
                )
            if not path.is_file():
                raise AttachmentRefused(
                    "attachment.unreadable", "{path} is not a file that can be read", path=str(path)
                )
            check_size(path.stat().st_size, limits())
            data = path.read_bytes()
        except OSError as exc:
            raise AttachmentRefused(
                "attachment.unreadable",
                "{path} cannot be read: {problem}",
                path=str(path),
                problem=exc.strerror or type(exc).__name__,
            ) from None
        return data

    def _open_visit(self, s: Session, visit_id: str) -> str:
        """The prospect of an open visit record (NotFound, or refused when finalized or
        outside the acting user's scope)."""
        state = attachment_queries.visit_state(s, visit_id)
        if state is None:
            raise NotFound("visit", visit_id)
        check_prospect_in(s, self.ctx.actor_id, state[1])
        if state[0] == FINAL:
            raise AttachmentRefused(
                "attachment.final",
                "this visit record is finalized and its files cannot change; amend the record "
                "to add a file",
            )
        return state[1]

    def _own(self, s: Session, attachment_id: str) -> AttachmentRow:
        row = attachment_queries.one(s, attachment_id)
        if row is None:
            raise NotFound("attachment", attachment_id)
        self._open_visit(s, row.visit_id)
        return row

    @staticmethod
    def _evidence(s: Session, visit_id: str) -> list[str]:
        return [
            vid
            for vid, status in attachment_queries.chain_of(s, visit_id)
            if status == FINAL or vid == visit_id
        ]

    def _make_previews(self, hashes: list[str]) -> None:
        made: list[tuple[str, bytes, int, int]] = []
        for sha in hashes:
            with self.ctx.db.reading() as s:
                data = attachment_queries.content(s, sha)
                row_type = attachment_queries.media_type_of(s, sha)
            if data is None or row_type is None:
                continue
            preview = attachment_media.preview_of(data, row_type)
            if preview is not None:
                made.append((sha, *preview))
        if made:
            with self.ctx.db.transaction() as s:
                writer = AttachmentWriter(s, self.ctx.now(), self.ctx.actor_id)
                for sha, image, width, height in made:
                    writer.set_preview(sha, image, width, height)


def _info(r: AttachmentRow, *, removable: bool) -> AttachmentInfo:
    return AttachmentInfo(
        id=r.id,
        visit_id=r.visit_id,
        sha256=r.sha256,
        kind=r.kind,
        caption=r.caption,
        filename=r.filename,
        media_type=r.media_type,
        size=r.size,
        taken_at=r.taken_at,
        latitude=r.latitude,
        longitude=r.longitude,
        created_at=r.created_at,
        stored=r.stored,
        preview=r.preview,
        width=r.width,
        height=r.height,
        removable=removable,
    )

"""Attaching photos and documents to a visit record: what is kept, what is refused, and that
a refused file leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from crm.domain.attachments import AttachmentRefused
from crm.i18n import describe, set_language
from crm.services.attachments import AttachmentService
from crm.services.context import Context, NotFound
from crm.services.visits import VisitService
from crm.store.engine import raw_connect
from tests.attachments import media
from tests.visits.visit_helpers import complete


def counts(ctx: Context) -> tuple[int, int, int]:
    """(blobs, attachments, outbox ops of attachments) in the book, read with the driver."""
    conn = raw_connect(ctx.db.path)
    try:
        return (
            conn.execute("SELECT count(*) FROM attachment_blobs").fetchone()[0],
            conn.execute("SELECT count(*) FROM visit_attachments").fetchone()[0],
            conn.execute(
                "SELECT count(*) FROM outbox WHERE entity = 'visit_attachment'"
            ).fetchone()[0],
        )
    finally:
        conn.close()


def test_a_jpeg_keeps_its_bytes_and_its_exif_time_and_place(
    files: AttachmentService, draft_id: str, ctx: Context, tmp_path: Path
) -> None:
    data = media.jpeg(exif=media.photo_exif())
    path = tmp_path / "门头.jpg"
    path.write_bytes(data)
    info = files.attach_file(draft_id, path, kind="signboard", caption="厂区大门与招牌")
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert (info.media_type, info.kind, info.caption, info.filename) == (
        "image/jpeg",
        "signboard",
        "厂区大门与招牌",
        "门头.jpg",
    )
    assert info.taken_at == media.TAKEN_UTC
    assert info.latitude == pytest.approx(media.LATITUDE, abs=1e-6)
    assert info.longitude == pytest.approx(media.LONGITUDE, abs=1e-6)
    assert files.content(info.id) == data  # byte for byte, EXIF included
    exif = Image.open(io.BytesIO(files.content(info.id))).getexif().get_ifd(0x8769)
    assert exif[0x9003] == media.TAKEN_LOCAL
    preview = Image.open(io.BytesIO(info.preview or b""))
    assert preview.format == "JPEG" and max(preview.size) <= 1024
    # A draft's file stays on this computer until the record is finalized.
    assert counts(ctx) == (1, 1, 0)


def test_a_photo_without_an_offset_is_taken_in_the_users_zone(
    files: AttachmentService, draft_id: str
) -> None:
    info = files.attach_bytes(draft_id, media.jpeg(exif=media.photo_exif(offset=None)))
    assert info.taken_at == media.TAKEN_UTC  # 09:41 in Shanghai


def test_a_heic_photo_keeps_its_exif(files: AttachmentService, draft_id: str) -> None:
    data = media.heic(exif=media.photo_exif())
    info = files.attach_bytes(draft_id, data, filename="IMG_0001.HEIC", kind="premises")
    assert info.media_type == "image/heic"
    assert info.taken_at == media.TAKEN_UTC
    assert info.latitude == pytest.approx(media.LATITUDE, abs=1e-6)
    assert files.content(info.id) == data
    assert Image.open(io.BytesIO(info.preview or b"")).size == (640, 480)


def test_a_png_and_a_pdf_are_attached(files: AttachmentService, draft_id: str) -> None:
    picture = files.attach_bytes(draft_id, media.png(), filename="licence.png", kind="licence")
    document = files.attach_bytes(
        draft_id, media.pdf(), filename="授权书.pdf", kind="authorisation"
    )
    assert picture.media_type == "image/png" and picture.preview is not None
    assert document.media_type == "application/pdf" and document.preview is None
    assert [a.id for a in files.for_visit(draft_id)] == [picture.id, document.id]
    # The report gets the photos only.
    assert [i.attachment_id for i in files.images_for_visit(draft_id)] == [picture.id]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("cut.jpg", media.jpeg()[:4000], "attachment.corrupt"),
        ("cut.pdf", media.pdf()[:-300], "attachment.corrupt"),
        ("bad.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "attachment.corrupt"),
        ("cut.heic", media.heic()[:400], "attachment.corrupt"),
        ("photo.gif", b"GIF89a" + b"\x00" * 200, "attachment.unsupported"),
        ("notes.docx", b"PK\x03\x04" + b"\x00" * 200, "attachment.unsupported"),
        ("empty.jpg", b"", "attachment.empty"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(
    files: AttachmentService, draft_id: str, ctx: Context, name: str, data: bytes, code: str
) -> None:
    with pytest.raises(AttachmentRefused) as refused:
        files.attach_bytes(draft_id, data, filename=name)
    assert refused.value.code == code
    assert counts(ctx) == (0, 0, 0)


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    files: AttachmentService, draft_id: str, ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "huge.jpg"
    with path.open("wb") as out:
        out.write(media.jpeg())
        out.truncate(files.limits().max_bytes + 1)
    with pytest.raises(AttachmentRefused) as refused:
        files.attach_file(draft_id, path)
    assert refused.value.code == "attachment.too_large"
    set_language("zh_CN")
    try:
        assert "15 MB" in describe(refused.value) and "文件" in describe(refused.value)
    finally:
        set_language("en")
    assert counts(ctx) == (0, 0, 0)


def test_an_unreadable_path_and_an_unknown_visit_are_refused(
    files: AttachmentService, draft_id: str, ctx: Context, tmp_path: Path
) -> None:
    with pytest.raises(AttachmentRefused) as refused:
        files.attach_file(draft_id, tmp_path / "missing.jpg")
    assert refused.value.code == "attachment.unreadable"
    with pytest.raises(AttachmentRefused, match="not a file that can be read"):
        files.attach_file(draft_id, tmp_path)  # a folder
    with pytest.raises(NotFound):
        files.attach_bytes("0190f000-0000-7000-8000-0000000000ff", media.jpeg())
    assert counts(ctx) == (0, 0, 0)


def test_the_same_file_twice_is_stored_once(
    files: AttachmentService, visits: VisitService, draft_id: str, prospect: str, ctx: Context
) -> None:
    data = media.jpeg()
    files.attach_bytes(draft_id, data)
    with pytest.raises(AttachmentRefused) as refused:
        files.attach_bytes(draft_id, data)
    assert refused.value.code == "attachment.duplicate"
    other = visits.start_record(prospect).id
    files.attach_bytes(other, data)
    assert counts(ctx) == (1, 2, 0)  # one blob, two visits hold it


def test_a_file_taken_off_a_draft_goes_and_so_does_a_deleted_drafts(
    files: AttachmentService, visits: VisitService, draft_id: str, ctx: Context
) -> None:
    kept = files.attach_bytes(draft_id, media.png())
    gone = files.attach_bytes(draft_id, media.jpeg())
    files.remove(gone.id)
    assert [a.id for a in files.for_visit(draft_id)] == [kept.id]
    assert counts(ctx) == (1, 1, 0)
    visits.cancel(draft_id)
    assert counts(ctx) == (0, 0, 0)


def test_a_finalized_record_takes_no_file_an_amendment_adds_one(
    files: AttachmentService, visits: VisitService, draft_id: str, ctx: Context
) -> None:
    first = files.attach_bytes(draft_id, media.jpeg(exif=media.photo_exif()), kind="premises")
    visits.finalize(draft_id, complete())
    assert counts(ctx)[2] == 1  # the file's op went into the outbox with the record's
    with pytest.raises(AttachmentRefused) as refused:
        files.attach_bytes(draft_id, media.png())
    assert refused.value.code == "attachment.final"
    with pytest.raises(AttachmentRefused):
        files.remove(first.id)
    amendment = visits.amend(draft_id).id
    added = files.attach_bytes(amendment, media.pdf(), kind="authorisation")
    assert [(a.id, a.removable) for a in files.for_visit(amendment)] == [
        (first.id, False),
        (added.id, True),
    ]
    # The original shows only what is final: the amendment's draft file is not evidence yet.
    assert [a.id for a in files.for_visit(draft_id)] == [first.id]
    visits.finalize(amendment, complete(amend_reason="补充客户签字的授权书"))
    assert [a.id for a in files.for_visit(draft_id)] == [first.id, added.id]
    assert visits.verify().ok


def test_a_revoked_devices_wipe_takes_the_files_too(
    files: AttachmentService, visits: VisitService, draft_id: str, ctx: Context
) -> None:
    from crm.sync.engine import wipe

    files.attach_bytes(draft_id, media.jpeg(exif=media.photo_exif()), kind="premises")
    visits.finalize(draft_id, complete())
    open_one = visits.start_record(visits.get(draft_id).line.prospect_id).id
    files.attach_bytes(open_one, media.png())
    assert counts(ctx)[:2] == (2, 2)
    wipe(ctx.db)
    assert counts(ctx) == (0, 0, 0)

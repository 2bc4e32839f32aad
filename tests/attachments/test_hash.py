"""A finalized record's hash covers its files: a file changed, swapped or taken away behind
the app's back is found by `crm visits verify`; the database refuses the plain attempts."""

from __future__ import annotations

import hashlib

import pytest
from sqlcipher3 import dbapi2

from crm.domain.visits import HASHED_FIELDS, chain_hash
from crm.services.attachments import AttachmentService
from crm.services.context import Context
from crm.services.visits import VisitService
from crm.store.engine import raw_connect
from crm.store.models_attachments import (
    BLOB_FIXED_TRIGGER,
    BLOB_HELD_TRIGGER,
    LINK_FIXED_TRIGGER,
)
from tests.attachments import media
from tests.visits.visit_helpers import complete


@pytest.fixture
def final_with_files(files: AttachmentService, visits: VisitService, draft_id: str) -> list[str]:
    """A finalized record holding a photo and a PDF; returns their attachment ids."""
    photo = files.attach_bytes(draft_id, media.jpeg(exif=media.photo_exif()), kind="premises")
    paper = files.attach_bytes(draft_id, media.pdf(), kind="authorisation")
    visits.finalize(draft_id, complete())
    return [photo.id, paper.id]


def run_sql(ctx: Context, sql: str, *params: object, drop: tuple[str, ...] = ()) -> None:
    """What someone with an SQLite tool could do (dropping the guards first)."""
    conn = raw_connect(ctx.db.path)
    try:
        for trigger in drop:
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def test_the_hash_covers_the_files(
    visits: VisitService, draft_id: str, final_with_files: list[str], ctx: Context
) -> None:
    conn = raw_connect(ctx.db.path)
    try:
        row = conn.execute(
            f"SELECT {', '.join(HASHED_FIELDS)}, content_hash, prev_hash FROM visits WHERE id = ?",
            (draft_id,),
        ).fetchone()
        hashes = sorted(
            r[0]
            for r in conn.execute(
                "SELECT sha256 FROM visit_attachments WHERE visit_id = ?", (draft_id,)
            )
        )
    finally:
        conn.close()
    record = dict(zip(HASHED_FIELDS, row[:-2], strict=True))
    assert chain_hash({**record, "attachments": hashes}, row[-1]) == row[-2]
    assert chain_hash(record, row[-1]) != row[-2]
    assert visits.verify().ok


def test_changed_bytes_of_a_file_are_found(
    visits: VisitService, draft_id: str, final_with_files: list[str], ctx: Context
) -> None:
    with pytest.raises(dbapi2.DatabaseError, match="never changes"):
        run_sql(ctx, "UPDATE attachment_blobs SET content = x'00'")
    run_sql(
        ctx,
        "UPDATE attachment_blobs SET content = ? WHERE media_type = 'image/jpeg'",
        media.jpeg(exif=media.photo_exif(place=False)),
        drop=(BLOB_FIXED_TRIGGER,),
    )
    report = visits.verify()
    assert [(f.visit_id, f.problem) for f in report.findings] == [(draft_id, "changed")]


def test_a_file_taken_off_or_swapped_is_found(
    visits: VisitService, draft_id: str, final_with_files: list[str], ctx: Context
) -> None:
    with pytest.raises(dbapi2.DatabaseError, match="never change"):
        run_sql(ctx, "UPDATE visit_attachments SET caption = 'x'")
    with pytest.raises(dbapi2.DatabaseError, match="cannot be deleted"):
        run_sql(ctx, "DELETE FROM attachment_blobs")
    other = hashlib.sha256(b"another file").hexdigest()
    run_sql(
        ctx,
        "UPDATE visit_attachments SET sha256 = ? WHERE id = ?",
        other,
        final_with_files[1],
        drop=(LINK_FIXED_TRIGGER,),
    )
    assert [f.problem for f in visits.verify().findings] == ["changed"]
    run_sql(ctx, "DELETE FROM visit_attachments WHERE id = ?", final_with_files[1])
    assert [f.problem for f in visits.verify().findings] == ["changed"]


def test_a_file_added_behind_the_apps_back_is_found(
    visits: VisitService, draft_id: str, final_with_files: list[str], ctx: Context
) -> None:
    run_sql(
        ctx,
        "INSERT INTO visit_attachments (id, visit_id, prospect_id, sha256, kind, caption, "
        "filename, media_type, size, attached_by, created_at, version) "
        "SELECT 'forged', visit_id, prospect_id, ?, kind, '', '', media_type, size, NULL, "
        "created_at, 1 FROM visit_attachments WHERE id = ?",
        hashlib.sha256(b"forged").hexdigest(),
        final_with_files[0],
        drop=(BLOB_HELD_TRIGGER,),
    )
    assert [f.problem for f in visits.verify().findings] == ["changed"]

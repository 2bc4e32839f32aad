"""visit attachments: photos and documents of visit records, stored by SHA-256

- ``attachment_blobs``: a file's bytes once, under the SHA-256 of the bytes (with a JPEG
  preview of an image, its size in pixels, and whether head office holds it);
- ``visit_attachments``: which visit holds which file, as what (premises, signboard,
  licence, authorisation, other), with its caption and the time and place of the photo;
- triggers: a blob's bytes never change; a blob a visit holds cannot be deleted; a blob no
  visit holds any more goes with its last holder (a draft deleted, a book wiped); the
  attachments of a finalized visit never change (an amendment adds files).

A later revision that rebuilds ``visits`` must keep these rows: dropping the old table
deletes its rows first (foreign keys are on in a migration), which cascades here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TRIGGERS = {
    "attachment_blobs_are_fixed": (
        "CREATE TRIGGER attachment_blobs_are_fixed "
        "BEFORE UPDATE OF sha256, size, content ON attachment_blobs "
        "BEGIN SELECT RAISE(ABORT, 'a stored file never changes'); END"
    ),
    "attachment_blobs_held_are_kept": (
        "CREATE TRIGGER attachment_blobs_held_are_kept BEFORE DELETE ON attachment_blobs "
        "WHEN EXISTS (SELECT 1 FROM visit_attachments WHERE sha256 = OLD.sha256) "
        "BEGIN SELECT RAISE(ABORT, 'a file a visit holds cannot be deleted'); END"
    ),
    "attachment_blobs_released": (
        "CREATE TRIGGER attachment_blobs_released AFTER DELETE ON visit_attachments "
        "WHEN NOT EXISTS (SELECT 1 FROM visit_attachments WHERE sha256 = OLD.sha256) "
        "BEGIN DELETE FROM attachment_blobs WHERE sha256 = OLD.sha256; END"
    ),
    "visit_attachments_are_fixed": (
        "CREATE TRIGGER visit_attachments_are_fixed BEFORE UPDATE ON visit_attachments "
        "WHEN (SELECT status FROM visits WHERE id = OLD.visit_id) = 'final' "
        "BEGIN SELECT RAISE(ABORT, 'the attachments of a finalized visit never change'); END"
    ),
}


def upgrade() -> None:
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("preview", sa.LargeBinary(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("at_head_office", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_attachment_blobs_sha256")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blobs")),
    )
    op.create_table(
        "visit_attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.String(length=32), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("attached_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('premises', 'signboard', 'licence', 'authorisation', 'other')",
            name=op.f("ck_visit_attachments_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_visit_attachments_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_attachments")),
    )
    with op.batch_alter_table("visit_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_attachments_visit_id"), ["visit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_visit_attachments_sha256"), ["sha256"], unique=False)
    for sql in _TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("visit_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_attachments_sha256"))
        batch_op.drop_index(batch_op.f("ix_visit_attachments_visit_id"))
    op.drop_table("visit_attachments")
    op.drop_table("attachment_blobs")

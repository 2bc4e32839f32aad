"""import batches, effects, mappings, duplicate flags

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:37:58.341686
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("header_row", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("source_code", "name", name=op.f("uq_import_mappings_source_code")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_code", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("sheet_name", sa.String(length=100), nullable=False),
        sa.Column("mapping_name", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=False),
        sa.Column("header_row", sa.Integer(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("undone_at", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'cancelled', 'undone')",
            name=op.f("ck_import_batches_status"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_import_batches_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batches_file_sha256"), ["file_sha256"], unique=False
        )

    op.create_table(
        "duplicate_flags",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed', 'split')", name=op.f("ck_duplicate_flags_status")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_duplicate_flags_batch_id_import_batches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["prospects.id"],
            name=op.f("fk_duplicate_flags_candidate_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_duplicate_flags_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_flags")),
    )
    with op.batch_alter_table("duplicate_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_duplicate_flags_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_duplicate_flags_prospect_id"), ["prospect_id"], unique=False
        )

    op.create_table(
        "import_effects",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_code", sa.String(length=40), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("version_after", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('created', 'membership', 'filled', 'flagged')",
            name=op.f("ck_import_effects_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_import_effects_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_effects")),
    )
    with op.batch_alter_table("import_effects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_effects_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_import_effects_prospect_id"), ["prospect_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("import_effects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_effects_prospect_id"))
        batch_op.drop_index(batch_op.f("ix_import_effects_batch_id"))

    op.drop_table("import_effects")
    with op.batch_alter_table("duplicate_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duplicate_flags_prospect_id"))
        batch_op.drop_index(batch_op.f("ix_duplicate_flags_candidate_id"))

    op.drop_table("duplicate_flags")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_file_sha256"))

    op.drop_table("import_batches")
    op.drop_table("import_mappings")

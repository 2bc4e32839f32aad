"""sync conflicts and the snapshot's seen-set

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:37:58.503238
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("local_payload", sa.Text(), nullable=False),
        sa.Column("server_payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("resolution", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_conflicts_entity_id"), ["entity_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sync_conflicts_op_id"), ["op_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sync_conflicts_resolved_at"), ["resolved_at"], unique=False
        )
    op.create_table(
        "sync_seen",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("entity", "id", name=op.f("pk_sync_seen")),
    )


def downgrade() -> None:
    op.drop_table("sync_seen")
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_op_id"))
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_entity_id"))

    op.drop_table("sync_conflicts")

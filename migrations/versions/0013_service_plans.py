"""service plans: a strategic client's service plan (配套金融服务方案), one per customer

``service_plans`` keyed by the prospect: the products and services to provide (codes), the
owner (an RM), the review date, the status (draft / active / under review / closed), notes,
and the day it was last reviewed. An index on (status, review_on) finds the plans whose
review has come without reading the others.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_plans",
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("rm_id", sa.String(length=36), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'under_review', 'closed')",
            name=op.f("ck_service_plans_status"),
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_service_plans_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["rm_id"], ["users.id"], name=op.f("fk_service_plans_rm_id_users")),
        sa.PrimaryKeyConstraint("prospect_id", name=op.f("pk_service_plans")),
    )
    with op.batch_alter_table("service_plans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_plans_status_review_on", ["status", "review_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("service_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_service_plans_status_review_on")
    op.drop_table("service_plans")

"""loan classification: each loan's five-category grade (贷款五级分类)

loans.classification (normal, special_mention, substandard, doubtful, loss), with the day
it was last set and who set it. Loans already in the book are normal, the grade a loan is
recorded with, until someone reclassifies them; the pipeline figures' non-performing ratio
counts the balances of the last three grades.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CLASSES = "('normal', 'special_mention', 'substandard', 'doubtful', 'loss')"


def upgrade() -> None:
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "classification", sa.String(length=16), nullable=False, server_default="normal"
            )
        )
        batch_op.add_column(sa.Column("classified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("classified_by", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_loans_classified_by_users"), "users", ["classified_by"], ["id"]
        )
        batch_op.create_check_constraint("classification", f"classification IN {CLASSES}")


def downgrade() -> None:
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_loans_classification"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_loans_classified_by_users"), type_="foreignkey")
        batch_op.drop_column("classified_by")
        batch_op.drop_column("classified_on")
        batch_op.drop_column("classification")

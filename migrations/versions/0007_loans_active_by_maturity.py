"""active loans by maturity: the renewals due read an index in order

ix_loans_status_maturity_date (status, maturity_date) gives the active loans maturing by a
day without reading the repaid, renewed and closed ones, already in maturity order. With
only ix_loans_maturity_date, SQLite walked every loan maturing before the day (most of
them long closed) and looked each one up to test its status: slower than reading the whole
table (renewals due in 90 days over 60,000 loans: 83 ms → 40 ms as bare SQL).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 07:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_loans_status_maturity_date", ["status", "maturity_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_index("ix_loans_status_maturity_date")

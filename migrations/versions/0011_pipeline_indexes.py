"""pipeline indexes: whether a prospect was contacted in a period is one index look-up

ix_visits_final_prospect (prospect_id, visit_on, status, amends_id), over the finalized
original records only, answers "has this prospect a finalized visit from one day to
another" from the index alone (status and amends_id ride along so SQLite need not read the
record to check them). The pipeline's visits done vs due per RM asks it for every
prospect of the scope; gathering the period's visits first and matching them to the
prospects took 0.37 s for a year of a 300,000-visit book, the look-ups 0.11 s.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 11:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visits_final_prospect",
            ["prospect_id", "visit_on", "status", "amends_id"],
            unique=False,
            sqlite_where=sa.text("status = 'final' AND amends_id IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_final_prospect")

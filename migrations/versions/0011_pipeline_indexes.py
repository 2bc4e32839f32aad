"""pipeline indexes: the pipeline figures read their joins from indexes alone

A large book's prospect rows are wide (names, addresses, notes), so fetching a prospect's
row for its entry day or RM, or a visit's row for its status, reads pages at random; these
indexes answer the pipeline figures' look-ups without the rows (100,000-prospect,
300,000-visit book, a year):

- ix_visits_final_prospect (prospect_id, visit_on, status, amends_id), over finalized
  original records only: has a prospect a finalized visit in a period (status and
  amends_id ride along so SQLite need not read the record to check them). Visits done vs
  due per RM: 0.37 s sorting the period's records, 0.11 s asking each prospect.
- ix_prospects_id_created_rm (id, created_at, assigned_rm_id): a prospect's entry and RM
  by id. ix_stage_events_prospect_stage (prospect_id, to_stage, changed_at): each
  prospect's first move to a stage in prospect order. First-loan and strategic reach
  0.13 s → 0.05 s.
- ix_source_memberships_source_prospect (source_code, prospect_id): each list's members in
  list order, so the conversion by list needs no sort. 0.25 s → 0.11 s.

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
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.create_index(
            "ix_prospects_id_created_rm", ["id", "created_at", "assigned_rm_id"], unique=False
        )
    with op.batch_alter_table("stage_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_events_prospect_stage",
            ["prospect_id", "to_stage", "changed_at"],
            unique=False,
        )
    with op.batch_alter_table("source_memberships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_source_memberships_source_prospect", ["source_code", "prospect_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("source_memberships", schema=None) as batch_op:
        batch_op.drop_index("ix_source_memberships_source_prospect")
    with op.batch_alter_table("stage_events", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_events_prospect_stage")
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.drop_index("ix_prospects_id_created_rm")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_final_prospect")

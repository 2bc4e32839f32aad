"""pipeline milestones: each prospect's first moves to first-loan and strategic

``prospect_milestones`` holds, per prospect that ever moved to first-loan or strategic, its
first move to each, the earlier of the two and both in microseconds since 1970; filled from
the stage moves and kept by triggers on ``stage_events`` (crm.store.models_pipeline). The
pipeline's reach (funnel), conversion by source list and new loan customers read it instead
of grouping every move: on a 100,000-prospect book the reach 158 ms → about 40 ms.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# As crm.store.models_pipeline.MILESTONE_TRIGGERS and MILESTONES_REFILL had them here.
TRIGGERS = {
    "stage_events_milestones_added": (
        "CREATE TRIGGER stage_events_milestones_added AFTER INSERT ON stage_events WHEN "
        "NEW.to_stage IN ('first_loan', 'strategic') BEGIN INSERT INTO "
        "prospect_milestones (prospect_id, first_loan_at, strategic_at) VALUES "
        "(NEW.prospect_id, CASE WHEN NEW.to_stage = 'first_loan' THEN NEW.changed_at "
        "END, CASE WHEN NEW.to_stage = 'strategic' THEN NEW.changed_at END) ON CONFLICT "
        "(prospect_id) DO UPDATE SET first_loan_at = min(coalesce(first_loan_at, "
        "excluded.first_loan_at), coalesce(excluded.first_loan_at, first_loan_at)), "
        "strategic_at = min(coalesce(strategic_at, excluded.strategic_at), "
        "coalesce(excluded.strategic_at, strategic_at)); UPDATE prospect_milestones SET "
        "first_at = CASE WHEN strategic_at < first_loan_at OR first_loan_at IS NULL "
        "THEN strategic_at ELSE first_loan_at END WHERE prospect_id = NEW.prospect_id; "
        "UPDATE prospect_milestones SET first_us = (unixepoch(substr(first_at, 1, 19)) "
        "* 1000000 + CAST(substr(first_at, 21, 6) AS INTEGER)), strategic_us = "
        "(unixepoch(substr(strategic_at, 1, 19)) * 1000000 + CAST(substr(strategic_at, "
        "21, 6) AS INTEGER)) WHERE prospect_id = NEW.prospect_id; END"
    ),
    "stage_events_milestones_removed": (
        "CREATE TRIGGER stage_events_milestones_removed AFTER DELETE ON stage_events "
        "WHEN OLD.to_stage IN ('first_loan', 'strategic') BEGIN DELETE FROM "
        "prospect_milestones WHERE prospect_id = OLD.prospect_id; INSERT INTO "
        "prospect_milestones (prospect_id, first_loan_at, strategic_at) SELECT "
        "OLD.prospect_id, min(CASE WHEN to_stage = 'first_loan' THEN changed_at END), "
        "min(CASE WHEN to_stage = 'strategic' THEN changed_at END) FROM stage_events "
        "WHERE prospect_id = OLD.prospect_id AND to_stage IN ('first_loan', "
        "'strategic') HAVING count(*) > 0; UPDATE prospect_milestones SET first_at = "
        "CASE WHEN strategic_at < first_loan_at OR first_loan_at IS NULL THEN "
        "strategic_at ELSE first_loan_at END WHERE prospect_id = OLD.prospect_id; "
        "UPDATE prospect_milestones SET first_us = (unixepoch(substr(first_at, 1, 19)) "
        "* 1000000 + CAST(substr(first_at, 21, 6) AS INTEGER)), strategic_us = "
        "(unixepoch(substr(strategic_at, 1, 19)) * 1000000 + CAST(substr(strategic_at, "
        "21, 6) AS INTEGER)) WHERE prospect_id = OLD.prospect_id; END"
    ),
    "stage_events_milestones_changed": (
        "CREATE TRIGGER stage_events_milestones_changed AFTER UPDATE OF prospect_id, "
        "to_stage, changed_at ON stage_events WHEN OLD.to_stage IN ('first_loan', "
        "'strategic') OR NEW.to_stage IN ('first_loan', 'strategic') BEGIN DELETE FROM "
        "prospect_milestones WHERE prospect_id = OLD.prospect_id; INSERT INTO "
        "prospect_milestones (prospect_id, first_loan_at, strategic_at) SELECT "
        "OLD.prospect_id, min(CASE WHEN to_stage = 'first_loan' THEN changed_at END), "
        "min(CASE WHEN to_stage = 'strategic' THEN changed_at END) FROM stage_events "
        "WHERE prospect_id = OLD.prospect_id AND to_stage IN ('first_loan', "
        "'strategic') HAVING count(*) > 0; UPDATE prospect_milestones SET first_at = "
        "CASE WHEN strategic_at < first_loan_at OR first_loan_at IS NULL THEN "
        "strategic_at ELSE first_loan_at END WHERE prospect_id = OLD.prospect_id; "
        "UPDATE prospect_milestones SET first_us = (unixepoch(substr(first_at, 1, 19)) "
        "* 1000000 + CAST(substr(first_at, 21, 6) AS INTEGER)), strategic_us = "
        "(unixepoch(substr(strategic_at, 1, 19)) * 1000000 + CAST(substr(strategic_at, "
        "21, 6) AS INTEGER)) WHERE prospect_id = OLD.prospect_id; DELETE FROM "
        "prospect_milestones WHERE prospect_id = NEW.prospect_id; INSERT INTO "
        "prospect_milestones (prospect_id, first_loan_at, strategic_at) SELECT "
        "NEW.prospect_id, min(CASE WHEN to_stage = 'first_loan' THEN changed_at END), "
        "min(CASE WHEN to_stage = 'strategic' THEN changed_at END) FROM stage_events "
        "WHERE prospect_id = NEW.prospect_id AND to_stage IN ('first_loan', "
        "'strategic') HAVING count(*) > 0; UPDATE prospect_milestones SET first_at = "
        "CASE WHEN strategic_at < first_loan_at OR first_loan_at IS NULL THEN "
        "strategic_at ELSE first_loan_at END WHERE prospect_id = NEW.prospect_id; "
        "UPDATE prospect_milestones SET first_us = (unixepoch(substr(first_at, 1, 19)) "
        "* 1000000 + CAST(substr(first_at, 21, 6) AS INTEGER)), strategic_us = "
        "(unixepoch(substr(strategic_at, 1, 19)) * 1000000 + CAST(substr(strategic_at, "
        "21, 6) AS INTEGER)) WHERE prospect_id = NEW.prospect_id; END"
    ),
}
REFILL = (
    "DELETE FROM prospect_milestones",
    "INSERT INTO prospect_milestones (prospect_id, first_loan_at, strategic_at) "
    "SELECT prospect_id, min(CASE WHEN to_stage = 'first_loan' THEN changed_at "
    "END), min(CASE WHEN to_stage = 'strategic' THEN changed_at END) FROM "
    "stage_events WHERE to_stage IN ('first_loan', 'strategic') GROUP BY "
    "prospect_id",
    "UPDATE prospect_milestones SET first_at = CASE WHEN strategic_at < "
    "first_loan_at OR first_loan_at IS NULL THEN strategic_at ELSE first_loan_at "
    "END",
    "UPDATE prospect_milestones SET first_us = (unixepoch(substr(first_at, 1, 19)) "
    "* 1000000 + CAST(substr(first_at, 21, 6) AS INTEGER)), strategic_us = "
    "(unixepoch(substr(strategic_at, 1, 19)) * 1000000 + CAST(substr(strategic_at, "
    "21, 6) AS INTEGER))",
)


def upgrade() -> None:
    op.create_table(
        "prospect_milestones",
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("first_loan_at", sa.String(length=32), nullable=True),
        sa.Column("strategic_at", sa.String(length=32), nullable=True),
        sa.Column("first_at", sa.String(length=32), nullable=True),
        sa.Column("first_us", sa.BigInteger(), nullable=True),
        sa.Column("strategic_us", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("prospect_id", name=op.f("pk_prospect_milestones")),
        sqlite_with_rowid=False,
    )
    for sql in REFILL:
        op.execute(sql)
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("prospect_milestones")

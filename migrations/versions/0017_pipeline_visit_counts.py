"""pipeline visit counts: finalized visits counted per RM and day, and per prospect

``visit_final_days`` (finalized original records per RM and day) and
``prospect_final_visits`` (per prospect: its last finalized original record's day, how
many, its RM and whether it is in the book) are filled from the visits and kept by
triggers on ``visits`` and ``prospects`` (crm.store.models_pipeline), so every path that
writes either keeps them. The pipeline's visits by RM and visits done vs due read them
instead of the visits: on a 100,000-prospect, 300,000-visit book, a year's figures
95 ms → 0.5 ms and 155 ms → 25 ms. Filling them on that book takes about two seconds.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-05 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

# As crm.store.models_pipeline.TRIGGERS and REFILL had them at this revision.
TRIGGERS = {
    "visits_final_counted": (
        "CREATE TRIGGER visits_final_counted AFTER INSERT ON visits WHEN NEW.status = "
        "'final' AND NEW.amends_id IS NULL BEGIN INSERT INTO visit_final_days (rm_id, "
        "visit_on, finals) VALUES (coalesce(NEW.rm_id, ''), NEW.visit_on, 1) ON CONFLICT "
        "(rm_id, visit_on) DO UPDATE SET finals = finals + 1; INSERT INTO "
        "prospect_final_visits (prospect_id, rm_id, held, last_on, last_on_exact, finals) "
        "SELECT NEW.prospect_id, p.assigned_rm_id, p.id IS NOT NULL, NEW.visit_on, 1, 1 "
        "FROM (SELECT 1) LEFT JOIN prospects p ON p.id = NEW.prospect_id WHERE 1 ON "
        "CONFLICT (prospect_id) DO UPDATE SET finals = finals + 1, last_on_exact = CASE "
        "WHEN excluded.last_on >= last_on THEN 1 ELSE last_on_exact END, last_on = "
        "max(last_on, excluded.last_on); END"
    ),
    "visits_finalized_counted": (
        "CREATE TRIGGER visits_finalized_counted AFTER UPDATE OF status ON visits WHEN "
        "OLD.status != 'final' AND NEW.status = 'final' AND NEW.amends_id IS NULL BEGIN "
        "INSERT INTO visit_final_days (rm_id, visit_on, finals) VALUES "
        "(coalesce(NEW.rm_id, ''), NEW.visit_on, 1) ON CONFLICT (rm_id, visit_on) DO "
        "UPDATE SET finals = finals + 1; INSERT INTO prospect_final_visits (prospect_id, "
        "rm_id, held, last_on, last_on_exact, finals) SELECT NEW.prospect_id, "
        "p.assigned_rm_id, p.id IS NOT NULL, NEW.visit_on, 1, 1 FROM (SELECT 1) LEFT JOIN "
        "prospects p ON p.id = NEW.prospect_id WHERE 1 ON CONFLICT (prospect_id) DO "
        "UPDATE SET finals = finals + 1, last_on_exact = CASE WHEN excluded.last_on >= "
        "last_on THEN 1 ELSE last_on_exact END, last_on = max(last_on, excluded.last_on); "
        "END"
    ),
    "visits_final_uncounted": (
        "CREATE TRIGGER visits_final_uncounted AFTER DELETE ON visits WHEN OLD.status = "
        "'final' AND OLD.amends_id IS NULL BEGIN UPDATE visit_final_days SET finals = "
        "finals - 1 WHERE rm_id = coalesce(OLD.rm_id, '') AND visit_on = OLD.visit_on; "
        "DELETE FROM visit_final_days WHERE rm_id = coalesce(OLD.rm_id, '') AND visit_on "
        "= OLD.visit_on AND finals <= 0; UPDATE prospect_final_visits SET finals = finals "
        "- 1, last_on_exact = CASE WHEN OLD.visit_on >= last_on THEN 0 ELSE last_on_exact "
        "END WHERE prospect_id = OLD.prospect_id; DELETE FROM prospect_final_visits WHERE "
        "prospect_id = OLD.prospect_id AND finals <= 0; END"
    ),
    "prospects_final_visits_held": (
        "CREATE TRIGGER prospects_final_visits_held AFTER INSERT ON prospects BEGIN "
        "UPDATE prospect_final_visits SET rm_id = NEW.assigned_rm_id, held = 1 WHERE "
        "prospect_id = NEW.id; END"
    ),
    "prospects_final_visits_reassigned": (
        "CREATE TRIGGER prospects_final_visits_reassigned AFTER UPDATE OF assigned_rm_id "
        "ON prospects WHEN OLD.assigned_rm_id IS NOT NEW.assigned_rm_id BEGIN UPDATE "
        "prospect_final_visits SET rm_id = NEW.assigned_rm_id WHERE prospect_id = NEW.id; "
        "END"
    ),
    "prospects_final_visits_gone": (
        "CREATE TRIGGER prospects_final_visits_gone AFTER DELETE ON prospects BEGIN "
        "UPDATE prospect_final_visits SET held = 0, rm_id = NULL WHERE prospect_id = "
        "OLD.id; END"
    ),
}
REFILL = (
    "DELETE FROM visit_final_days",
    "DELETE FROM prospect_final_visits",
    "INSERT INTO visit_final_days (rm_id, visit_on, finals) SELECT coalesce(rm_id, "
    "''), visit_on, count(*) FROM visits WHERE status = 'final' AND amends_id IS NULL "
    "GROUP BY coalesce(rm_id, ''), visit_on",
    "INSERT INTO prospect_final_visits (prospect_id, rm_id, held, last_on, "
    "last_on_exact, finals) SELECT v.prospect_id, p.assigned_rm_id, p.id IS NOT NULL, "
    "v.last_on, 1, v.finals FROM (SELECT prospect_id, max(visit_on) AS last_on, "
    "count(*) AS finals FROM visits WHERE status = 'final' AND amends_id IS NULL "
    "GROUP BY prospect_id) v LEFT JOIN prospects p ON p.id = v.prospect_id",
)


def upgrade() -> None:
    op.create_table(
        "visit_final_days",
        sa.Column("rm_id", sa.String(length=36), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("finals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("rm_id", "visit_on", name=op.f("pk_visit_final_days")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "prospect_final_visits",
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("rm_id", sa.String(length=36), nullable=True),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("last_on_exact", sa.Boolean(), nullable=False),
        sa.Column("finals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prospect_id", name=op.f("pk_prospect_final_visits")),
        sqlite_with_rowid=False,
    )
    for sql in REFILL:
        op.execute(sql)
    # Made after the fill: one sort, not a row at a time.
    with op.batch_alter_table("prospect_final_visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_prospect_final_visits_rm_last_on",
            ["rm_id", "last_on", "held", "last_on_exact"],
            unique=False,
        )
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("prospect_final_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_prospect_final_visits_rm_last_on")
    op.drop_table("prospect_final_visits")
    op.drop_table("visit_final_days")

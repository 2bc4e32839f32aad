"""visits, checklists, cadence rules, holiday years, next visit due

Finalized visits are immutable: a trigger refuses any UPDATE of a row whose status is
'final' (the services never try; this stops a bug or a careless tool, and the hash chain
catches whoever drops the trigger first).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:37:58.425558
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cadence_rules",
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("first_after_days", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("stage", name=op.f("pk_cadence_rules")),
    )
    op.create_table(
        "checklist_areas",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_checklist_areas")),
    )
    op.create_table(
        "checklist_items",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_checklist_items")),
    )
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_items_area"), ["area"], unique=False)

    op.create_table(
        "holiday_years",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_holiday_years")),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("rm_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("companions", sa.Text(), nullable=False),
        sa.Column("people_met", sa.Text(), nullable=False),
        sa.Column("operating_state", sa.Text(), nullable=False),
        sa.Column("repayment_source", sa.Text(), nullable=False),
        sa.Column("growth_prospects", sa.Text(), nullable=False),
        sa.Column("need_amount_fen", sa.Integer(), nullable=True),
        sa.Column("need_purpose", sa.Text(), nullable=False),
        sa.Column("need_timing", sa.String(length=100), nullable=False),
        sa.Column("due_diligence", sa.Text(), nullable=False),
        sa.Column("checklist_items", sa.Text(), nullable=False),
        sa.Column("credit_auth", sa.Boolean(), nullable=True),
        sa.Column("credit_auth_on", sa.Date(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("next_visit_on", sa.Date(), nullable=True),
        sa.Column("amends_id", sa.String(length=36), nullable=True),
        sa.Column("amend_reason", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("finalized_at", sa.String(length=32), nullable=True),
        sa.Column("finalized_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'draft', 'final')", name=op.f("ck_visits_status")
        ),
        sa.CheckConstraint("kind IN ('site', 'phone', 'online')", name=op.f("ck_visits_kind")),
        sa.CheckConstraint(
            "need_amount_fen IS NULL OR need_amount_fen >= 0", name=op.f("ck_visits_need_amount")
        ),
        sa.ForeignKeyConstraint(
            ["amends_id"], ["visits.id"], name=op.f("fk_visits_amends_id_visits")
        ),
        sa.ForeignKeyConstraint(
            ["finalized_by"], ["users.id"], name=op.f("fk_visits_finalized_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_visits_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["rm_id"], ["users.id"], name=op.f("fk_visits_rm_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visits_amends_id",
            ["amends_id"],
            unique=False,
            sqlite_where=sa.text("amends_id IS NOT NULL"),
        )
        batch_op.create_index(batch_op.f("ix_visits_prospect_id"), ["prospect_id"], unique=False)
        batch_op.create_index(
            "ix_visits_rm_visit_on",
            ["rm_id", "visit_on", "start_time", "amends_id", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_visits_open_visit_on",
            ["visit_on", "status"],
            unique=False,
            sqlite_where=sa.text("status != 'final'"),
        )
    op.execute(
        "CREATE TRIGGER visits_final_is_immutable BEFORE UPDATE ON visits "
        "WHEN OLD.status = 'final' "
        "BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be changed'); END"
    )

    op.create_table(
        "checklist_ticks",
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("ticked_at", sa.String(length=32), nullable=False),
        sa.Column("ticked_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_checklist_ticks_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticked_by"], ["users.id"], name=op.f("fk_checklist_ticks_ticked_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_checklist_ticks_visit_id_visits"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("prospect_id", "item_code", name=op.f("pk_checklist_ticks")),
    )
    with op.batch_alter_table("checklist_ticks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_ticks_visit_id"), ["visit_id"], unique=False)
        batch_op.create_index(
            "ix_checklist_ticks_prospect_ticked", ["prospect_id", "ticked_at"], unique=False
        )
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_visit_due", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_prospects_next_visit_due"), ["next_visit_due"], unique=False
        )
        batch_op.create_index(
            "ix_prospects_rm_next_visit_due",
            ["assigned_rm_id", "next_visit_due", "stage", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_prospects_stage_rm_since",
            ["stage", "assigned_rm_id", "stage_changed_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.drop_index("ix_prospects_stage_rm_since")
        batch_op.drop_index("ix_prospects_rm_next_visit_due")
        batch_op.drop_index(batch_op.f("ix_prospects_next_visit_due"))
        batch_op.drop_column("next_visit_due")

    with op.batch_alter_table("checklist_ticks", schema=None) as batch_op:
        batch_op.drop_index("ix_checklist_ticks_prospect_ticked")
        batch_op.drop_index(batch_op.f("ix_checklist_ticks_visit_id"))

    op.drop_table("checklist_ticks")
    op.execute("DROP TRIGGER IF EXISTS visits_final_is_immutable")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_open_visit_on")
        batch_op.drop_index("ix_visits_rm_visit_on")
        batch_op.drop_index(batch_op.f("ix_visits_prospect_id"))
        batch_op.drop_index("ix_visits_amends_id")

    op.drop_table("visits")
    op.drop_table("holiday_years")
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_items_area"))

    op.drop_table("checklist_items")
    op.drop_table("checklist_areas")
    op.drop_table("cadence_rules")

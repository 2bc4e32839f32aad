"""Initial schema: prospects, people, sources, stages, loans, the sync outbox, search.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:21:36.375996
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_meta")),
    )
    op.create_table(
        "districts",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_districts")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("op_id", name=op.f("uq_outbox_op_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("branch", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("role IN ('rm', 'lead', 'admin')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_users_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_team_id"), ["team_id"], unique=False)

    op.create_table(
        "prospects",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=True),
        sa.Column("street", sa.String(length=100), nullable=False),
        sa.Column("industry_code", sa.String(length=2), nullable=True),
        sa.Column("registered_capital_fen", sa.Integer(), nullable=True),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("stage_changed_at", sa.String(length=32), nullable=False),
        sa.Column("assigned_rm_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("last_contact_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("edited_fields", sa.Text(), nullable=False),
        sa.Column("search_rowid", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('enterprise', 'individual')", name=op.f("ck_prospects_kind")),
        sa.CheckConstraint(
            "stage IN ('no_loan', 'first_loan', 'strategic', 'dropped')",
            name=op.f("ck_prospects_stage"),
        ),
        sa.CheckConstraint(
            "registered_capital_fen IS NULL OR registered_capital_fen >= 0",
            name=op.f("ck_prospects_capital_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_rm_id"], ["users.id"], name=op.f("fk_prospects_assigned_rm_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospects")),
        sa.UniqueConstraint("search_rowid", name=op.f("uq_prospects_search_rowid")),
        sa.UniqueConstraint("uscc", name=op.f("uq_prospects_uscc")),
    )
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prospects_district_code"), ["district_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_prospects_industry_code"), ["industry_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_prospects_last_contact_on"), ["last_contact_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_prospects_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_prospects_name_key"), ["name_key"], unique=False)
        batch_op.create_index("ix_prospects_rm_stage", ["assigned_rm_id", "stage"], unique=False)
        batch_op.create_index("ix_prospects_stage_name", ["stage", "name"], unique=False)
        batch_op.create_index(batch_op.f("ix_prospects_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("from_user_id", sa.String(length=36), nullable=True),
        sa.Column("to_user_id", sa.String(length=36), nullable=True),
        sa.Column("assigned_by", sa.String(length=36), nullable=True),
        sa.Column("assigned_at", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["users.id"], name=op.f("fk_assignments_assigned_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"], ["users.id"], name=op.f("fk_assignments_from_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_assignments_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"], ["users.id"], name=op.f("fk_assignments_to_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignments_prospect_id"), ["prospect_id"], unique=False
        )

    op.create_table(
        "contacts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_contacts_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_prospect_id"), ["prospect_id"], unique=False)

    op.create_table(
        "loans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("product_code", sa.String(length=40), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("maturity_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'repaid', 'overdue')", name=op.f("ck_loans_status")
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_loans_amount_positive")),
        sa.CheckConstraint(
            "maturity_date >= start_date", name=op.f("ck_loans_maturity_after_start")
        ),
        sa.CheckConstraint("rate_bp >= 0", name=op.f("ck_loans_rate_not_negative")),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_loans_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loans")),
    )
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loans_maturity_date"), ["maturity_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_loans_prospect_id"), ["prospect_id"], unique=False)

    op.create_table(
        "prospect_tags",
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("tag_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_prospect_tags_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prospect_id", "tag_code", name=op.f("pk_prospect_tags")),
    )
    with op.batch_alter_table("prospect_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prospect_tags_tag_code"), ["tag_code"], unique=False)

    op.create_table(
        "source_memberships",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("source_code", sa.String(length=40), nullable=False),
        sa.Column("added_at", sa.String(length=32), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_source_memberships_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_memberships")),
        sa.UniqueConstraint(
            "prospect_id", "source_code", name=op.f("uq_source_memberships_prospect_id")
        ),
    )
    with op.batch_alter_table("source_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_memberships_source_code"), ["source_code"], unique=False
        )

    op.create_table(
        "stage_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("from_stage", sa.String(length=16), nullable=True),
        sa.Column("to_stage", sa.String(length=16), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=36), nullable=True),
        sa.Column("changed_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_stage_events_changed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_stage_events_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_events")),
    )
    with op.batch_alter_table("stage_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stage_events_prospect_id"), ["prospect_id"], unique=False
        )

    # Search index (see crm/store/search.py for why bigrams under unicode61). Kept out of
    # the ORM metadata; the statement is frozen here so later code changes cannot alter it.
    op.execute(
        "CREATE VIRTUAL TABLE prospect_search USING fts5("
        "body, content = '', contentless_delete = 1, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS prospect_search")
    with op.batch_alter_table("stage_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_events_prospect_id"))

    op.drop_table("stage_events")
    with op.batch_alter_table("source_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_memberships_source_code"))

    op.drop_table("source_memberships")
    with op.batch_alter_table("prospect_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prospect_tags_tag_code"))

    op.drop_table("prospect_tags")
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loans_prospect_id"))
        batch_op.drop_index(batch_op.f("ix_loans_maturity_date"))

    op.drop_table("loans")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_prospect_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_prospect_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prospects_updated_at"))
        batch_op.drop_index("ix_prospects_stage_name")
        batch_op.drop_index("ix_prospects_rm_stage")
        batch_op.drop_index(batch_op.f("ix_prospects_name_key"))
        batch_op.drop_index(batch_op.f("ix_prospects_name"))
        batch_op.drop_index(batch_op.f("ix_prospects_last_contact_on"))
        batch_op.drop_index(batch_op.f("ix_prospects_industry_code"))
        batch_op.drop_index(batch_op.f("ix_prospects_district_code"))

    op.drop_table("prospects")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_team_id"))

    op.drop_table("users")
    op.drop_table("teams")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_entity_id"))

    op.drop_table("outbox")
    op.drop_table("districts")
    op.drop_table("app_meta")

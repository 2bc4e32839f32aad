"""visit evidence kept: finalized visits outlive their prospect; chain heads from head office

Deleting a prospect used to cascade to its visits, finalized records included, and a final
visit could be deleted by plain SQL without a trace the chain would show (the last one).
Now:

- ``visits.prospect_id`` has no foreign key (SQLite rebuilds the table for that): a
  finalized visit stays when its prospect goes, and its hash, which covers the prospect's
  id, still checks;
- ``archived_prospects`` keeps who that prospect was (name, USCC, …), why it went (deleted,
  merged into another, an import taken back, removed by head office) and when;
- triggers: a finalized visit cannot be deleted (as 0003's refuses any UPDATE of one); a
  prospect with finalized visits cannot be deleted unless archived first; the planned and
  draft visits of a deleted prospect go with it (what the cascade did for them); a prospect
  that comes back (head office sends it again) leaves the archive;
- ``visit_chain_heads``: the head of each prospect's chain as head office last confirmed it,
  so a book that lost its last record is found out.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COLUMNS = (
    "id, prospect_id, rm_id, status, kind, visit_on, start_time, place, purpose, companions, "
    "people_met, operating_state, repayment_source, growth_prospects, need_amount_fen, "
    "need_purpose, need_timing, due_diligence, checklist_items, credit_auth, credit_auth_on, "
    "next_steps, next_visit_on, amends_id, amend_reason, content_hash, prev_hash, "
    "finalized_at, finalized_by, created_at, updated_at, version"
)
_IMMUTABLE = (
    "CREATE TRIGGER visits_final_is_immutable BEFORE UPDATE ON visits "
    "WHEN OLD.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be changed'); END"
)
_KEPT = (
    "CREATE TRIGGER visits_final_is_kept BEFORE DELETE ON visits "
    "WHEN OLD.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'a finalized visit cannot be deleted'); END"
)
_ARCHIVED_FIRST = (
    "CREATE TRIGGER prospects_archived_before_delete BEFORE DELETE ON prospects "
    "WHEN EXISTS (SELECT 1 FROM visits WHERE prospect_id = OLD.id AND status = 'final') "
    "AND NOT EXISTS (SELECT 1 FROM archived_prospects WHERE id = OLD.id) "
    "BEGIN SELECT RAISE(ABORT, "
    "'a prospect with finalized visits must be archived before it is deleted'); END"
)
_OPEN_VISITS_GO = (
    "CREATE TRIGGER prospects_open_visits_go AFTER DELETE ON prospects "
    "BEGIN DELETE FROM visits WHERE prospect_id = OLD.id AND status != 'final'; END"
)
_BACK_FROM_ARCHIVE = (
    "CREATE TRIGGER prospects_back_from_archive AFTER INSERT ON prospects "
    "BEGIN DELETE FROM archived_prospects WHERE id = NEW.id; END"
)
_TRIGGERS = (
    "visits_final_is_kept",
    "prospects_archived_before_delete",
    "prospects_open_visits_go",
    "prospects_back_from_archive",
)


def _visits_table(name: str, *, prospect_fk: bool) -> None:
    prospect: list[sa.ForeignKeyConstraint] = (
        [
            sa.ForeignKeyConstraint(
                ["prospect_id"],
                ["prospects.id"],
                name="fk_visits_prospect_id_prospects",
                ondelete="CASCADE",
            )
        ]
        if prospect_fk
        else []
    )
    op.create_table(
        name,
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
        sa.CheckConstraint("status IN ('planned', 'draft', 'final')", name="ck_visits_status"),
        sa.CheckConstraint("kind IN ('site', 'phone', 'online')", name="ck_visits_kind"),
        sa.CheckConstraint(
            "need_amount_fen IS NULL OR need_amount_fen >= 0", name="ck_visits_need_amount"
        ),
        # Onto the new table itself: renamed to visits, SQLite renames the reference too
        # (onto the old table, dropping it would break every amendment's link).
        sa.ForeignKeyConstraint(["amends_id"], [f"{name}.id"], name="fk_visits_amends_id_visits"),
        sa.ForeignKeyConstraint(
            ["finalized_by"], ["users.id"], name="fk_visits_finalized_by_users"
        ),
        *prospect,
        sa.ForeignKeyConstraint(["rm_id"], ["users.id"], name="fk_visits_rm_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
    )


def _rebuild_visits(*, prospect_fk: bool) -> None:
    """The visits table made again with or without the foreign key onto prospects, rows,
    indexes and triggers kept.

    Foreign keys are on in the migration's transaction (and cannot be switched off inside
    one), so dropping the old table deletes its rows first, which sets the checklist ticks'
    visit to NULL: the ticks' visits are noted before and put back after.
    """
    op.execute(
        "CREATE TEMP TABLE _ticks_0009 AS SELECT prospect_id, item_code, visit_id "
        "FROM checklist_ticks WHERE visit_id IS NOT NULL"
    )
    # Looked up per tick below: without the index the put-back is quadratic (a 100,000-
    # prospect book's upgrade ran for minutes).
    op.execute("CREATE INDEX _ticks_0009_key ON _ticks_0009 (prospect_id, item_code)")
    _visits_table("_visits_0009", prospect_fk=prospect_fk)
    op.execute(f"INSERT INTO _visits_0009 ({_COLUMNS}) SELECT {_COLUMNS} FROM visits")
    op.execute("DROP TABLE visits")
    op.execute("ALTER TABLE _visits_0009 RENAME TO visits")
    op.execute(
        "UPDATE checklist_ticks SET visit_id = (SELECT t.visit_id FROM _ticks_0009 t "
        "WHERE t.prospect_id = checklist_ticks.prospect_id "
        "AND t.item_code = checklist_ticks.item_code) "
        "WHERE visit_id IS NULL AND EXISTS (SELECT 1 FROM _ticks_0009 t "
        "WHERE t.prospect_id = checklist_ticks.prospect_id "
        "AND t.item_code = checklist_ticks.item_code)"
    )
    op.execute("DROP TABLE _ticks_0009")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visits_amends_id",
            ["amends_id"],
            unique=False,
            sqlite_where=sa.text("amends_id IS NOT NULL"),
        )
        batch_op.create_index("ix_visits_prospect_id", ["prospect_id"], unique=False)
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
    op.execute(_IMMUTABLE)


def upgrade() -> None:
    op.create_table(
        "archived_prospects",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("rm_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("merged_into", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("archived_at", sa.String(length=32), nullable=False),
        sa.Column("archived_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "reason IN ('deleted', 'merged', 'import_undone', 'head_office')",
            name=op.f("ck_archived_prospects_reason"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archived_prospects")),
    )
    with op.batch_alter_table("archived_prospects", schema=None) as batch_op:
        batch_op.create_index(
            "ix_archived_prospects_merged_into",
            ["merged_into"],
            unique=False,
            sqlite_where=sa.text("merged_into IS NOT NULL"),
        )
    op.create_table(
        "visit_chain_heads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("head_id", sa.String(length=36), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_chain_heads")),
    )
    _rebuild_visits(prospect_fk=False)
    for sql in (_KEPT, _ARCHIVED_FIRST, _OPEN_VISITS_GO, _BACK_FROM_ARCHIVE):
        op.execute(sql)


def downgrade() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # The older schema cannot hold a visit without its prospect: archived ones go.
    op.execute(
        "UPDATE checklist_ticks SET visit_id = NULL WHERE visit_id IN (SELECT id FROM visits "
        "WHERE prospect_id NOT IN (SELECT id FROM prospects))"
    )
    op.execute("DROP TRIGGER IF EXISTS visits_final_is_immutable")
    op.execute("DELETE FROM visits WHERE prospect_id NOT IN (SELECT id FROM prospects)")
    _rebuild_visits(prospect_fk=True)
    op.drop_table("visit_chain_heads")
    with op.batch_alter_table("archived_prospects", schema=None) as batch_op:
        batch_op.drop_index("ix_archived_prospects_merged_into")
    op.drop_table("archived_prospects")

"""import effects of kind "facts": the business facts an import set, which undo clears

An import now sets the facts a list gives (年开票额, 纳税信用等级, …) on the prospects it
creates or matches, and records the keys it set as an import effect of kind "facts"; the
CHECK constraint on import_effects.kind admits it (SQLite rebuilds the table for that).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BEFORE = "kind IN ('created', 'membership', 'filled', 'flagged')"
_AFTER = "kind IN ('created', 'membership', 'filled', 'flagged', 'facts')"


def upgrade() -> None:
    with op.batch_alter_table("import_effects", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_import_effects_kind"), type_="check")
        batch_op.create_check_constraint("kind", _AFTER)


def downgrade() -> None:
    # What an import set as facts cannot be told apart any more once its effects go.
    op.execute("DELETE FROM import_effects WHERE kind = 'facts'")
    with op.batch_alter_table("import_effects", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_import_effects_kind"), type_="check")
        batch_op.create_check_constraint("kind", _BEFORE)

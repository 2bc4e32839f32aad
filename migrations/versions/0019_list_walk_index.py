"""the name order's index carries each prospect's search row and RM

``ix_prospects_sort_key`` (sort key, id) becomes (sort key, id, search_rowid,
assigned_rm_id). A list sorted by name that walks this index and keeps the rows matching a
search (``+search_rowid IN (…)``) or a team lead's scope (the team's RMs and the pool) now
tests each row from the index alone and reads a prospect's row only for those it shows:
before, every row walked past was read from the table, thousands of scattered pages for a
common search. On the 100,000-prospect book, typed ``xi`` (5,708 matches) 80 → 12 ms with
a cold cache and 30 → 1.4 ms warm; ``三水`` 164 → 4.5 ms.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 16:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_WALK = ["sort_key", "id", "search_rowid", "assigned_rm_id"]


def upgrade() -> None:
    op.drop_index("ix_prospects_sort_key", table_name="prospects")
    op.create_index("ix_prospects_sort_key", "prospects", _WALK, unique=False)


def downgrade() -> None:
    op.drop_index("ix_prospects_sort_key", table_name="prospects")
    op.create_index("ix_prospects_sort_key", "prospects", ["sort_key", "id"], unique=False)

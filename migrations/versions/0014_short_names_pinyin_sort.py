"""short names and pinyin sort keys: lists sort Chinese names by pinyin

``prospects.short_name`` (简称: the name without region prefix and legal form) and
``prospects.sort_key`` (the name's pinyin, then the name) are made for every prospect.
The indexes that served lists sorted by name now serve them by sort key:
ix_prospects_rm_name → ix_prospects_rm_sort_key, ix_prospects_stage_name →
ix_prospects_stage_sort_key, and ix_prospects_sort_key for the whole book.

The search index is rebuilt with the names' pinyin syllables, so that typed pinyin finds
them (xinfeng → 鑫丰). The keys are made by the code's own rules (crm.domain.pinyin,
crm.domain.short_name): they are data, not schema, and no SQL can make them. A book of
100,000 prospects is upgraded in seconds: each value is made once per row, written by
executemany, and the index is refilled in one pass with merging off.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 13:10:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_CHUNK = 5000


def upgrade() -> None:
    op.add_column("prospects", sa.Column("short_name", sa.String(length=200), nullable=True))
    op.add_column("prospects", sa.Column("sort_key", sa.String(length=800), nullable=True))
    conn = op.get_bind()
    _fill(conn)
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.drop_index("ix_prospects_rm_name")
        batch_op.drop_index("ix_prospects_stage_name")
        batch_op.create_index("ix_prospects_sort_key", ["sort_key", "id"], unique=False)
        batch_op.create_index(
            "ix_prospects_rm_sort_key", ["assigned_rm_id", "sort_key", "id"], unique=False
        )
        batch_op.create_index("ix_prospects_stage_sort_key", ["stage", "sort_key"], unique=False)


def _fill(conn: Any) -> None:
    from crm.domain import search_text
    from crm.domain.importing import initials
    from crm.domain.pinyin import sort_key
    from crm.domain.short_name import short_name
    from crm.store.prospect_names import regions

    made = regions()
    rows = conn.exec_driver_sql(
        "SELECT id, name, owner_name, address, street, notes, uscc, phone, search_rowid "
        "FROM prospects"
    ).all()
    owners: dict[str, str] = {}
    for start in range(0, len(rows), _CHUNK):
        keys: list[tuple[str, str, str]] = []
        bodies: list[tuple[int, str]] = []
        for pid, name, owner, address, street, notes, uscc, phone, rid in rows[
            start : start + _CHUNK
        ]:
            short = short_name(name, made)
            keys.append((short, sort_key(name), pid))
            if rid is None:
                continue
            owner = owner or ""
            letters = owners.get(owner)
            if letters is None:
                letters = owners[owner] = initials(owner) if owner else ""
            body = search_text.search_text(
                (name, owner, address, street, notes, uscc, phone), (initials(name), letters)
            )
            bodies.append((rid, search_text.with_pinyin(body, name, owner, short)))
        conn.exec_driver_sql("UPDATE prospects SET short_name = ?, sort_key = ? WHERE id = ?", keys)
        if start == 0:
            # Emptied at once (a contentless index forgets its rows without reading them);
            # merged once at the end instead of while it fills.
            conn.exec_driver_sql(
                "INSERT INTO prospect_search (prospect_search) VALUES ('delete-all')"
            )
            conn.exec_driver_sql(
                "INSERT INTO prospect_search (prospect_search, rank) VALUES ('automerge', 0)"
            )
        conn.exec_driver_sql("INSERT INTO prospect_search (rowid, body) VALUES (?, ?)", bodies)
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO prospect_search (prospect_search, rank) VALUES ('automerge', 4)"
        )


def downgrade() -> None:
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.drop_index("ix_prospects_stage_sort_key")
        batch_op.drop_index("ix_prospects_rm_sort_key")
        batch_op.drop_index("ix_prospects_sort_key")
        batch_op.create_index("ix_prospects_stage_name", ["stage", "name"], unique=False)
        batch_op.create_index(
            "ix_prospects_rm_name", ["assigned_rm_id", "name", "id"], unique=False
        )
    # The search index keeps the names' syllables: harmless words to the older code.
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.drop_column("sort_key")
        batch_op.drop_column("short_name")

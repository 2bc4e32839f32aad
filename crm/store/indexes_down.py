"""Secondary indexes taken down for a bulk load, and the record that brings them back.

A first download into an empty book drops the book tables' secondary indexes and builds
them once at the end (crm/sync). The CREATE statements are kept in app_meta in the same
transaction as the DROP, so a load that stops part-way, even by a crash, leaves the record
of what to build again. An upgrade puts them back before it migrates, because a migration
may change an index it expects to find.
"""

from __future__ import annotations

import json
from typing import Final

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crm.store import pipeline_counts
from crm.store.models import AppMeta

INDEXES_DOWN_KEY: Final = "sync.indexes_down"


def indexes_down(conn: Connection) -> dict[str, str]:
    """The indexes taken down, by name: their CREATE statements."""
    value = conn.execute(
        select(AppMeta.value).where(AppMeta.key == INDEXES_DOWN_KEY)
    ).scalar_one_or_none()
    return {str(k): str(v) for k, v in json.loads(value).items()} if value else {}


def record_indexes_down(conn: Connection, down: dict[str, str]) -> None:
    stmt = sqlite_insert(AppMeta).values(key=INDEXES_DOWN_KEY, value=json.dumps(down))
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
    )


def put_back_indexes(conn: Connection) -> int:
    """Build again the indexes recorded as down (none: nothing to do); returns how many."""
    down = indexes_down(conn)
    if not down:
        return 0
    present = set(
        conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars()
    )
    built = 0
    for name, sql in down.items():
        if name not in present:
            conn.exec_driver_sql(sql)
            built += 1
    # A load that took the indexes down set the pipeline's counts aside too.
    pipeline_counts.resume(conn)
    conn.execute(delete(AppMeta).where(AppMeta.key == INDEXES_DOWN_KEY))
    return built

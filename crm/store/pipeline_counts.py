"""The pipeline's kept counts (crm.store.models_pipeline) set aside for a bulk load, and
made again from the records after it.

A first download into an empty book and the demo's bulk load write hundreds of thousands
of visits and stage moves in one go. The triggers that keep the counts add about 20 µs to
each finalized visit stored (6 s for 300,000; a third more CPU for a first download of
20,000 prospects), where counting every record once at the end takes about two seconds.
So such a load drops the triggers with the indexes it takes down (``suspend``, in the
load's transaction) and ``resume`` refills the tables and makes the triggers again when
the indexes are built again (``crm.store.indexes_down.put_back_indexes``, which also runs
before a sync or an upgrade, so a load that stopped part-way is made whole next time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from sqlalchemy import Connection

from crm.store.models_pipeline import MILESTONE_TRIGGERS, MILESTONES_REFILL, REFILL, TRIGGERS

# (tables, the statements that refill them, their triggers): one group per revision, so a
# book not yet upgraded to a group's revision is left alone.
_GROUPS: Final[tuple[tuple[tuple[str, ...], Sequence[str], Mapping[str, str]], ...]] = (
    (("visit_final_days", "prospect_final_visits"), REFILL, TRIGGERS),
    (("prospect_milestones",), MILESTONES_REFILL, MILESTONE_TRIGGERS),
)


def suspend(conn: Connection) -> None:
    """Drop the triggers that keep the counts (a bulk load follows)."""
    for _, _, triggers in _GROUPS:
        for name in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def resume(conn: Connection) -> int:
    """Refill the counts from the records and make their triggers again, for each group
    whose tables exist and whose triggers are not all there; returns how many groups."""
    present = {
        str(name): str(kind)
        for name, kind in conn.exec_driver_sql(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'trigger')"
        )
    }
    resumed = 0
    for tables, refill, triggers in _GROUPS:
        if not all(present.get(t) == "table" for t in tables):
            continue
        if all(present.get(name) == "trigger" for name in triggers):
            continue
        for name in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for sql in refill:
            conn.exec_driver_sql(sql)
        for sql in triggers.values():
            conn.exec_driver_sql(sql)
        resumed += 1
    return resumed

"""Visit reads tuned by hand: the conditions that steer SQLite to the right index, a
calendar range's first visits of each day with the days' counts, and the finalized records
in chain order for verifying the hash chains."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, CursorResult, bindparam, literal_column, text
from sqlalchemy.orm import Session

from crm.store.models_visit import Visit

# Planned or drafted, not finalized: written with the literal, so that SQLite uses the
# partial index ix_visits_open_visit_on (a bound parameter would not match its WHERE).
OPEN_VISIT = Visit.status != literal_column("'final'")


def rm_in(rm_ids: Sequence[str], *, by_index: bool = True) -> ColumnElement[bool]:
    """Visits of these RMs. ``by_index=False`` keeps SQLite from choosing the RM index
    (``rm_id || ''`` is not indexable) when another index is far more selective, such as
    the partial index of the few open visits."""
    column = Visit.rm_id if by_index else Visit.rm_id.concat("")
    return column.in_(list(rm_ids))


def calendar_picks(
    s: Session, start: date, end: date, rm_ids: Sequence[str] | None, per_day: int
) -> list[tuple[str, date, int]]:
    """Each day's first ``per_day`` visits from ``start`` to ``end`` inclusive (originals
    only; untimed last), as (visit id, day, the day's number of visits in all).

    A team's month can hold tens of thousands of visits: for some RMs (``rm_ids``; None:
    everybody's) the ids, days and counts are read from the covering index
    (rm_id, visit_on, start_time, amends_id, id) alone."""
    scope = ""
    params: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "per_day": per_day,
    }
    if rm_ids is not None:
        scope = " AND v.rm_id IN :rms"
        params["rms"] = list(rm_ids)
    stmt = text(
        "SELECT id, visit_on, n FROM ("
        " SELECT v.id AS id, v.visit_on AS visit_on,"
        "  row_number() OVER (PARTITION BY v.visit_on"
        "   ORDER BY v.start_time = '', v.start_time, v.id) AS rank,"
        "  count(*) OVER (PARTITION BY v.visit_on) AS n"
        " FROM visits v"
        + (" INDEXED BY ix_visits_rm_visit_on" if rm_ids is not None else "")
        + " WHERE v.visit_on BETWEEN :start AND :end AND v.amends_id IS NULL"
        + scope
        + ") WHERE rank <= :per_day"
    )
    if rm_ids is not None:
        stmt = stmt.bindparams(bindparam("rms", expanding=True))
    return [
        (str(vid), date.fromisoformat(str(day)), int(n))
        for vid, day, n in s.execute(stmt, params).all()
    ]


def finalized_in_chain_order(conn: Connection, columns: Sequence[str]) -> CursorResult[Any]:
    """The given columns of every finalized visit, then its content and previous hashes,
    prospect by prospect in the order they were finalized: read as the rows come (a large
    book holds hundreds of thousands of records), through the driver."""
    selected = ", ".join(f"v.{name}" for name in columns)
    sql = (
        f"SELECT {selected}, v.content_hash, v.prev_hash FROM visits v "
        "WHERE v.status = 'final' ORDER BY v.prospect_id, v.finalized_at, v.id"
    )
    return conn.exec_driver_sql(sql)


def reopened_visits(conn: Connection) -> list[tuple[str, str]]:
    """(visit id, prospect id) of visits hashed as finalized but no longer final."""
    return [
        (str(vid), str(pid))
        for vid, pid in conn.exec_driver_sql(
            "SELECT id, prospect_id FROM visits WHERE status != 'final' AND content_hash != ''"
        )
    ]

"""Today's tuned queries: prospects due for contact (ids, counts) and stalled checklists.

Each list is one walk of a covering index, named in the statement (``INDEXED BY``): the
planner would otherwise pick a one-column index and read every row of a stage. ``rm_ids``
is whose book (None: the whole book); days are the user's calendar days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

# The days [first, last] of the next contact due (either end open).
DueWindow = tuple[date | None, date | None]


def _due_where(rm_ids: Sequence[str] | None, where: DueWindow) -> tuple[str, dict[str, Any]]:
    """FROM … WHERE for prospects due in [first, last] (either open), read from the
    covering index (assigned_rm_id, next_visit_due, stage, id) even for the whole book (the
    planner would pick the one-column index and read every row for its stage)."""
    first, last = where
    terms = ["stage != 'dropped'"]
    params: dict[str, Any] = {}
    if first is not None:
        terms.append("next_visit_due >= :first")
        params["first"] = first.isoformat()
    if last is not None:
        terms.append("next_visit_due <= :last")
        params["last"] = last.isoformat()
    else:
        terms.append("next_visit_due IS NOT NULL")
    if rm_ids is not None:
        terms.append("assigned_rm_id IN :rms")
        params["rms"] = list(rm_ids)
    clause = "FROM prospects INDEXED BY ix_prospects_rm_next_visit_due WHERE " + " AND ".join(terms)
    return clause, params


def _bind(sql: str, rm_ids: Sequence[str] | None) -> TextClause:
    stmt = text(sql)
    if rm_ids is not None:
        stmt = stmt.bindparams(bindparam("rms", expanding=True))
    return stmt


def due_ids(
    s: Session,
    rm_ids: Sequence[str] | None,
    where: DueWindow,
    limit: int | None = None,
    offset: int = 0,
) -> list[str]:
    """Ids of prospects due in ``where``, most urgent first (a page of them with ``limit``)."""
    clause, params = _due_where(rm_ids, where)
    sql = f"SELECT id {clause} ORDER BY next_visit_due, id"
    if limit is not None and rm_ids is None:
        # The whole book's most urgent page, in the order of the one-column index (ties
        # by rowid): read from its start and stopped after the page, where the covering
        # index (RM first) would sort every due prospect first.
        clause = clause.replace(
            "INDEXED BY ix_prospects_rm_next_visit_due",
            "INDEXED BY ix_prospects_next_visit_due",
        )
        sql = f"SELECT id {clause} ORDER BY next_visit_due, rowid"
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params.update(limit=limit, offset=offset)
    return [str(r[0]) for r in s.execute(_bind(sql, rm_ids), params)]


def due_count(s: Session, rm_ids: Sequence[str] | None, where: DueWindow) -> int:
    """How many prospects are due in ``where``: a walk of the index, no row read out."""
    clause, params = _due_where(rm_ids, where)
    return int(s.execute(_bind(f"SELECT count(*) {clause}", rm_ids), params).scalar_one())


def due_counts(
    s: Session, rm_ids: Sequence[str] | None, today: date, horizon: date
) -> tuple[int, int]:
    """(overdue, due from ``today`` to ``horizon``) in one walk of the covering index."""
    clause, params = _due_where(rm_ids, (None, horizon))
    sql = (
        "SELECT coalesce(sum(next_visit_due < :today), 0),"
        f" coalesce(sum(next_visit_due >= :today), 0) {clause}"
    )
    params["today"] = today.isoformat()
    overdue, due = s.execute(_bind(sql, rm_ids), params).one()
    return int(overdue), int(due)


def stalled_checklists(
    s: Session, rm_ids: Sequence[str] | None, total: int, before: datetime, limit: int
) -> list[tuple[str, datetime, int, int]]:
    """First-loan customers with fewer than ``total`` checklist ticks and none (nor the
    stage change) since ``before``, longest idle first: (prospect id, last tick or stage
    change, ticks, how many such customers in all), at most ``limit`` of them.

    Both indexes it reads cover it (prospects by stage, RM and stage day; ticks by
    prospect and time), so no prospect row is read."""
    stmt = text(
        "SELECT id, since, n, count(*) OVER () FROM ("
        " SELECT p.id AS id, coalesce((SELECT max(t.ticked_at) FROM checklist_ticks t"
        "  WHERE t.prospect_id = p.id), p.stage_changed_at) AS since,"
        " (SELECT count(*) FROM checklist_ticks t WHERE t.prospect_id = p.id) AS n"
        " FROM prospects p INDEXED BY ix_prospects_stage_rm_since"
        " WHERE p.stage = 'first_loan'"
        + (" AND p.assigned_rm_id IN :rms" if rm_ids is not None else "")
        + ") WHERE n < :total AND since < :cutoff ORDER BY since, id LIMIT :limit"
    )
    params: dict[str, Any] = {
        "total": total,
        "cutoff": before.astimezone(UTC).isoformat(timespec="microseconds"),
        "limit": limit,
    }
    if rm_ids is not None:
        stmt = stmt.bindparams(bindparam("rms", expanding=True))
        params["rms"] = list(rm_ids)
    return [
        (str(r[0]), datetime.fromisoformat(str(r[1])), int(r[2]), int(r[3]))
        for r in s.execute(stmt, params)
    ]

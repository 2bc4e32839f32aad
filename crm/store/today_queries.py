"""Today's queries: the day's planned visits and the late ones, prospects due for contact
(ids, counts, then the rows shown), prospects not contacted for a while, and stalled
checklists.

The long lists are one walk of a covering index, named in the statement (``INDEXED BY``):
the planner would otherwise pick a one-column index and read every row of a stage.
``rm_ids`` is whose book (None: the whole book); days are the user's calendar days. A due
row is (id, name, stage, RM id, RM name, district code, district name, phone, last contact,
next due); a visit line is as ``crm.store.visit_queries.line_select`` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, TextClause, bindparam, func, select, text
from sqlalchemy.orm import Session

from crm.domain.stages import Stage
from crm.store.models import District, Prospect, User
from crm.store.models_visit import Visit
from crm.store.visit_queries import OPEN_VISIT, line_select, scoped

# The days [first, last] of the next contact due (either end open).
DueWindow = tuple[date | None, date | None]


def _due_where(rm_ids: Sequence[str] | None, where: DueWindow) -> tuple[str, dict[str, Any]]:
    """FROM … WHERE for prospects due in [first, last] (either open), read from the
    covering index (assigned_rm_id, next_visit_due, stage, id) even for the whole book (the
    planner would pick the one-column index and read every row for its stage). A dropped
    prospect is due only when its drop has a revisit rhythm (no financing need) or its loans
    keep it in post-loan care."""
    first, last = where
    terms: list[str] = []
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


# -- visits -----------------------------------------------------------------------------------


def planned_lines(s: Session, rm_ids: Sequence[str] | None, day: date) -> Sequence[tuple[Any, ...]]:
    """The open visits (originals) planned for ``day``: timed first, then by district and
    prospect."""
    stmt = scoped(
        line_select().where(Visit.visit_on == day, OPEN_VISIT, Visit.amends_id.is_(None)),
        rm_ids,
    ).order_by(Visit.start_time == "", Visit.start_time, Prospect.district_code, Prospect.name)
    return s.execute(stmt).all()


def late_lines(
    s: Session, rm_ids: Sequence[str] | None, day: date, limit: int | None, offset: int = 0
) -> Sequence[tuple[Any, ...]]:
    """Open visits planned before ``day``, oldest first (a page with ``limit``)."""
    stmt = scoped(
        line_select().where(OPEN_VISIT, Visit.visit_on < day),
        rm_ids,
        by_index=False,
    ).order_by(Visit.visit_on, Visit.start_time, Prospect.name, Visit.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return s.execute(stmt).all()


def late_count(s: Session, rm_ids: Sequence[str] | None, day: date) -> int:
    """How many open visits were planned before ``day``."""
    stmt = scoped(
        select(func.count()).select_from(Visit).where(OPEN_VISIT, Visit.visit_on < day),
        rm_ids,
        by_index=False,
    )
    return int(s.execute(stmt).scalar_one())


# -- prospects' rows --------------------------------------------------------------------------

_RM = User.__table__.alias("rm")


def _due_select() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Prospect.id,
            Prospect.name,
            Prospect.stage,
            Prospect.assigned_rm_id,
            _RM.c.display_name,
            Prospect.district_code,
            District.name,
            Prospect.phone,
            Prospect.last_contact_on,
            Prospect.next_visit_due,
        )
        .outerjoin(_RM, _RM.c.id == Prospect.assigned_rm_id)
        .outerjoin(District, District.code == Prospect.district_code)
    )


def due_rows(s: Session, prospect_ids: Sequence[str]) -> Sequence[tuple[Any, ...]]:
    """The due rows of these prospects, in no particular order (a dropped one is due only
    when its drop has a revisit rhythm or its loans keep it in post-loan care)."""
    return s.execute(_due_select().where(Prospect.id.in_(list(prospect_ids)))).all()


def no_contact_rows(
    s: Session,
    rm_ids: Sequence[str] | None,
    last_contact_by: date,
    entered_before: datetime,
    limit: int | None,
) -> Sequence[tuple[Any, ...]]:
    """Due rows of prospects last contacted on or before ``last_contact_by``, or never
    contacted and in their stage since before ``entered_before``: never contacted first,
    then longest silence first (dropped prospects left out)."""
    stmt = _due_select().where(
        Prospect.stage != Stage.DROPPED.value,
        (Prospect.last_contact_on <= last_contact_by)
        | (
            Prospect.last_contact_on.is_(None)
            & (Prospect.stage_changed_at < entered_before.astimezone(UTC))
        ),
    )
    if rm_ids is not None:
        stmt = stmt.where(Prospect.assigned_rm_id.in_(list(rm_ids)))
    stmt = stmt.order_by(
        Prospect.last_contact_on.is_not(None), Prospect.last_contact_on, Prospect.name
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return s.execute(stmt).all()


def names_and_rms(s: Session, prospect_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """prospect id -> (name, RM's name) of these prospects."""
    return {
        pid: (name, rm_name)
        for pid, name, rm_name in s.execute(
            select(Prospect.id, Prospect.name, _RM.c.display_name)
            .outerjoin(_RM, _RM.c.id == Prospect.assigned_rm_id)
            .where(Prospect.id.in_(list(prospect_ids)))
        )
    }

"""The prospects behind a figure of the Team page (a drill-down), read-only.

The figures themselves are counted by crm/store/pipeline_queries.py; these queries list the
prospects each count is made of, with the same conditions, so a list always has as many
lines as its figure (up to ``limit``). A scope is a set of RMs, or None for the whole book.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

_COLUMNS = (
    "SELECT p.id, p.name, coalesce(u.display_name, ''), p.stage, p.next_visit_due, "
    "p.last_contact_on FROM prospects p LEFT JOIN users u ON u.id = p.assigned_rm_id "
)


# A prospect's own visits are looked up by its index (EXISTS), not the period's visits
# gathered first: a year of a 300,000-visit book holds most of them (an RM's year: 270 → 30 ms).
_CONTACTED = (
    "EXISTS (SELECT 1 FROM visits v WHERE v.prospect_id = p.id AND v.status = 'final' "
    "AND v.amends_id IS NULL AND v.visit_on >= :start AND v.visit_on <= :end)"
)


class ProspectLine(NamedTuple):
    prospect_id: str
    name: str
    rm: str
    stage: str
    next_visit_due: str | None
    last_contact_on: str | None


def _scope(rm_ids: Sequence[str] | None) -> str:
    return " AND p.assigned_rm_id IN :rms" if rm_ids is not None else ""


def _lines(
    s: Session, where: str, rm_ids: Sequence[str] | None, limit: int, **params: Any
) -> list[ProspectLine]:
    stmt = text(_COLUMNS + "WHERE " + where + _scope(rm_ids) + " ORDER BY p.name, p.id LIMIT :n")
    if rm_ids is not None:
        stmt = stmt.bindparams(bindparam("rms", expanding=True))
        params["rms"] = list(rm_ids) or [""]
    params["n"] = limit
    return [
        ProspectLine(
            str(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            None if r[4] is None else str(r[4]),
            None if r[5] is None else str(r[5]),
        )
        for r in s.execute(stmt, params)
    ]


def in_scope(s: Session, rm_ids: Sequence[str] | None, limit: int) -> list[ProspectLine]:
    return _lines(s, "1 = 1", rm_ids, limit)


def in_stage(
    s: Session, rm_ids: Sequence[str] | None, stage: str, limit: int
) -> list[ProspectLine]:
    return _lines(s, "p.stage = :stage", rm_ids, limit, stage=stage)


def first_loans_between(
    s: Session, rm_ids: Sequence[str] | None, since: str, before: str, limit: int
) -> list[ProspectLine]:
    """Prospects whose first move to first-loan (or to strategic, for one recorded without
    that step) happened from ``since`` to before ``before`` (stored timestamps)."""
    return _lines(
        s,
        "p.id IN (SELECT e.prospect_id FROM stage_events e NOT INDEXED "
        "WHERE e.to_stage IN ('first_loan', 'strategic') AND e.changed_at >= :since "
        "AND e.changed_at < :before AND NOT EXISTS (SELECT 1 FROM stage_events b "
        "WHERE b.prospect_id = e.prospect_id AND b.to_stage IN ('first_loan', 'strategic') "
        "AND b.changed_at < :since))",
        rm_ids,
        limit,
        since=since,
        before=before,
    )


def reached_by(
    s: Session, rm_ids: Sequence[str] | None, stages: Sequence[str], before: str, limit: int
) -> list[ProspectLine]:
    """Prospects that had reached one of ``stages`` before ``before`` (the funnel's steps)."""
    stmt_stages = ", ".join(f":s{n}" for n in range(len(stages)))
    return _lines(
        s,
        "p.id IN (SELECT e.prospect_id FROM stage_events e "
        f"WHERE e.to_stage IN ({stmt_stages}) AND e.changed_at < :before)",
        rm_ids,
        limit,
        before=before,
        **{f"s{n}": stage for n, stage in enumerate(stages)},
    )


def in_pool_before(
    s: Session, rm_ids: Sequence[str] | None, before: str, limit: int
) -> list[ProspectLine]:
    return _lines(s, "p.created_at < :before", rm_ids, limit, before=before)


def contacted(
    s: Session, rm_ids: Sequence[str] | None, start: date, end: date, limit: int
) -> list[ProspectLine]:
    """Prospects with a finalized visit record from ``start`` to ``end`` (visits done)."""
    return _lines(
        s,
        _CONTACTED,
        rm_ids,
        limit,
        start=start.isoformat(),
        end=end.isoformat(),
    )


def due(
    s: Session, rm_ids: Sequence[str] | None, start: date, end: date, limit: int
) -> list[ProspectLine]:
    """Prospects contacted in the period, or due for contact by its end and still open."""
    return _lines(
        s,
        f"(p.next_visit_due <= :end OR {_CONTACTED})",
        rm_ids,
        limit,
        start=start.isoformat(),
        end=end.isoformat(),
    )


def overdue(
    s: Session, rm_ids: Sequence[str] | None, today: date, limit: int
) -> list[ProspectLine]:
    return _lines(s, "p.next_visit_due < :today", rm_ids, limit, today=today.isoformat())


def borrowers(
    s: Session, rm_ids: Sequence[str] | None, excluded_products: Sequence[str], limit: int
) -> list[ProspectLine]:
    """Customers with a loan outstanding now (bill discounting left out)."""
    stmt_products = ", ".join(f":x{n}" for n in range(len(excluded_products))) or "''"
    return _lines(
        s,
        "p.id IN (SELECT l.prospect_id FROM loans l WHERE l.status IN ('active', 'overdue') "
        f"AND l.product_code NOT IN ({stmt_products}))",
        rm_ids,
        limit,
        **{f"x{n}": code for n, code in enumerate(excluded_products)},
    )


def non_performing(
    s: Session, rm_ids: Sequence[str] | None, excluded_products: Sequence[str], limit: int
) -> list[ProspectLine]:
    """Customers with a loan outstanding now graded substandard, doubtful or loss (the
    non-performing ratio's loans; bill discounting left out)."""
    stmt_products = ", ".join(f":x{n}" for n in range(len(excluded_products))) or "''"
    return _lines(
        s,
        "p.id IN (SELECT l.prospect_id FROM loans l WHERE l.status IN ('active', 'overdue') "
        "AND l.classification IN ('substandard', 'doubtful', 'loss') "
        f"AND l.product_code NOT IN ({stmt_products}))",
        rm_ids,
        limit,
        **{f"x{n}": code for n, code in enumerate(excluded_products)},
    )


def by_ids(s: Session, ids: Sequence[str]) -> list[ProspectLine]:
    if not ids:
        return []
    stmt = text(_COLUMNS + "WHERE p.id IN :ids ORDER BY p.name, p.id").bindparams(
        bindparam("ids", expanding=True)
    )
    return [
        ProspectLine(
            str(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            None if r[4] is None else str(r[4]),
            None if r[5] is None else str(r[5]),
        )
        for r in s.execute(stmt, {"ids": list(ids)})
    ]

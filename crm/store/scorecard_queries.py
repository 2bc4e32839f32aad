"""Per-RM counts the scorecard reads that the pipeline figures do not give by RM: credit
loans granted in a period (count and amount), and customers who first became first-loan
customers or strategic clients in it. Each by the prospect's assigned RM; ``rm_ids`` is the
scope (None: the whole book). The visits done vs due per RM are the pipeline's own
(crm.store.pipeline_queries.contact_by_rm)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.store.models import Loan, Prospect, StageEvent, User


class CreditLoans(NamedTuple):
    loans: int
    amount_fen: int


def credit_loans(
    s: Session,
    rm_ids: Sequence[str] | None,
    start: date,
    end: date,
    credit_products: Sequence[str],
) -> dict[str | None, CreditLoans]:
    """Loans of ``credit_products`` starting from ``start`` to ``end``, by RM."""
    if not credit_products:
        return {}
    stmt = (
        select(Prospect.assigned_rm_id, func.count(), func.coalesce(func.sum(Loan.amount_fen), 0))
        .join(Prospect, Prospect.id == Loan.prospect_id)
        .where(
            Loan.start_date >= start,
            Loan.start_date <= end,
            Loan.product_code.in_(list(credit_products)),
        )
        .group_by(Prospect.assigned_rm_id)
    )
    if rm_ids is not None:
        stmt = stmt.where(Prospect.assigned_rm_id.in_(list(rm_ids)))
    return {rm: CreditLoans(int(n), int(amount)) for rm, n, amount in s.execute(stmt)}


def reached(
    s: Session, rm_ids: Sequence[str] | None, stage: str, since: datetime, before: datetime
) -> dict[str | None, int]:
    """Prospects whose first move to ``stage`` falls in [since, before), by RM."""
    first = (
        select(StageEvent.prospect_id, func.min(StageEvent.changed_at).label("first"))
        .where(StageEvent.to_stage == stage)
        .group_by(StageEvent.prospect_id)
        .subquery()
    )
    stmt = (
        select(Prospect.assigned_rm_id, func.count())
        .join(first, first.c.prospect_id == Prospect.id)
        .where(first.c.first >= since, first.c.first < before)
        .group_by(Prospect.assigned_rm_id)
    )
    if rm_ids is not None:
        stmt = stmt.where(Prospect.assigned_rm_id.in_(list(rm_ids)))
    return {rm: int(n) for rm, n in s.execute(stmt)}


def roles(s: Session, user_ids: Sequence[str]) -> dict[str, str]:
    """The role of each of these users (rm, lead, admin)."""
    if not user_ids:
        return {}
    rows = s.execute(select(User.id, User.role).where(User.id.in_(list(user_ids))))
    return {uid: role for uid, role in rows}

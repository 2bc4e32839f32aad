"""Reading loans: one, a prospect's, whether head office has it yet, and the outstanding
loans maturing soon (renewal reminders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.store.models import Loan, OutboxOp, Prospect, User


def load(s: Session, loan_id: str) -> Loan | None:
    return s.get(Loan, loan_id)


def of_prospect(s: Session, prospect_id: str) -> Sequence[Loan]:
    """A prospect's loans, oldest first."""
    return s.scalars(
        select(Loan).where(Loan.prospect_id == prospect_id).order_by(Loan.start_date, Loan.id)
    ).all()


def page(s: Session, status: str | None, limit: int, offset: int) -> Sequence[Loan]:
    """The book's loans (of one status, when given), by maturity."""
    stmt = select(Loan).order_by(Loan.maturity_date, Loan.id).limit(limit).offset(offset)
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    return s.scalars(stmt).all()


def unsent(s: Session, loan_ids: Sequence[str]) -> set[str]:
    """Which of these loans head office has not received yet (their create op waits in
    the outbox)."""
    if not loan_ids:
        return set()
    return set(
        s.scalars(
            select(OutboxOp.entity_id).where(
                OutboxOp.entity == "loan",
                OutboxOp.kind == "create",
                OutboxOp.entity_id.in_(list(loan_ids)),
            )
        )
    )


def prospect_stage(s: Session, prospect_id: str) -> str | None:
    return s.scalar(select(Prospect.stage).where(Prospect.id == prospect_id))


class MaturingLoan(NamedTuple):
    loan_id: str
    prospect_id: str
    prospect_name: str
    rm_id: str | None
    rm_name: str | None
    product_code: str
    amount_fen: int
    balance_fen: int | None
    maturity_date: date
    last_contact_on: date | None


_RM = User.__table__.alias("rm")


def maturing(
    s: Session, until: date, rm_ids: Sequence[str] | None = None, since: date | None = None
) -> list[MaturingLoan]:
    """Active loans maturing on or before ``until`` (and on or after ``since``, when given;
    else those past maturity and still active too), soonest first: the range of
    ix_loans_maturity_date, then each one's prospect."""
    stmt = (
        select(
            Loan.id,
            Loan.prospect_id,
            Prospect.name,
            Prospect.assigned_rm_id,
            _RM.c.display_name,
            Loan.product_code,
            Loan.amount_fen,
            Loan.balance_fen,
            Loan.maturity_date,
            Prospect.last_contact_on,
        )
        .join(Prospect, Prospect.id == Loan.prospect_id)
        .outerjoin(_RM, _RM.c.id == Prospect.assigned_rm_id)
        .where(Loan.maturity_date <= until, Loan.status == "active")
        .order_by(Loan.maturity_date, Loan.id)
    )
    if since is not None:
        stmt = stmt.where(Loan.maturity_date >= since)
    if rm_ids is not None:
        stmt = stmt.where(Prospect.assigned_rm_id.in_(list(rm_ids)))
    return [MaturingLoan(*row) for row in s.execute(stmt)]

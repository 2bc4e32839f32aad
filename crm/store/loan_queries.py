"""Reading loans: one, a prospect's, whether head office has it yet, and the outstanding
loans maturing soon (renewal reminders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.domain.loan_classes import NON_PERFORMING
from crm.store.models import Loan, OutboxOp, Prospect, User


def load(s: Session, loan_id: str) -> Loan | None:
    return s.get(Loan, loan_id)


def of_prospect(s: Session, prospect_id: str) -> Sequence[Loan]:
    """A prospect's loans, oldest first."""
    return s.scalars(
        select(Loan).where(Loan.prospect_id == prospect_id).order_by(Loan.start_date, Loan.id)
    ).all()


def page(
    s: Session,
    status: str | None,
    limit: int,
    offset: int,
    rm_ids: Sequence[str] | None = None,
) -> Sequence[Loan]:
    """The book's loans (of one status, when given), by maturity; ``rm_ids``: only those of
    these RMs' prospects and of the shared pool's (None: all)."""
    stmt = select(Loan).order_by(Loan.maturity_date, Loan.id).limit(limit).offset(offset)
    if status is not None:
        stmt = stmt.where(Loan.status == status)
    if rm_ids is not None:
        stmt = stmt.join(Prospect, Prospect.id == Loan.prospect_id).where(
            or_(Prospect.assigned_rm_id.in_(list(rm_ids)), Prospect.assigned_rm_id.is_(None))
        )
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


_MATURING_SQL = (
    "SELECT l.id, l.prospect_id, p.name, p.assigned_rm_id, l.product_code, l.amount_fen, "
    "l.balance_fen, l.maturity_date, p.last_contact_on "
    "FROM loans l JOIN prospects p ON p.id = l.prospect_id "
    "WHERE l.status = 'active' AND l.maturity_date <= ?{since}{rms} "
    f"AND l.classification NOT IN ({', '.join(repr(c) for c in NON_PERFORMING)}) "
    "ORDER BY l.maturity_date, l.id"
)


def maturing(
    s: Session, until: date, rm_ids: Sequence[str] | None = None, since: date | None = None
) -> list[MaturingLoan]:
    """Active loans maturing on or before ``until`` (and on or after ``since``, when given;
    else those past maturity and still active too), soonest first: the range of
    ix_loans_status_maturity_date, then each one's prospect. A non-performing loan is not
    among them: it is not renewed (the loan writer refuses), it is recovered.

    Thousands of rows on a large book: read through the driver, with the RMs' names from
    one small query, rather than as ORM rows (which cost as much again as SQLite's work).
    """
    params: list[object] = [until.isoformat()]
    since_sql = rms_sql = ""
    if since is not None:
        since_sql = " AND l.maturity_date >= ?"
        params.append(since.isoformat())
    if rm_ids is not None:
        wanted = list(rm_ids)
        if not wanted:
            return []
        rms_sql = f" AND p.assigned_rm_id IN ({','.join('?' * len(wanted))})"
        params.extend(wanted)
    conn = s.connection()
    names: dict[str, str] = {
        uid: name for uid, name in conn.execute(select(User.id, User.display_name))
    }
    day = date.fromisoformat
    return [
        MaturingLoan(
            lid, pid, name, rm, names.get(rm) if rm else None, product, amount, balance,
            day(maturity), None if contact is None else day(contact),
        )
        for lid, pid, name, rm, product, amount, balance, maturity, contact in conn.exec_driver_sql(
            _MATURING_SQL.format(since=since_sql, rms=rms_sql), tuple(params)
        )
    ]  # fmt: skip

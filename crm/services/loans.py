"""Recording loans: the fact that lets a prospect become a first-loan customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crm.domain.errors import DomainError
from crm.services.context import Context, NotFound
from crm.store import prospect_reads
from crm.store.loan_writer import LoanWriter, NewLoan


@dataclass(frozen=True)
class LoanDraft:
    amount_fen: int
    rate_bp: int
    start_date: date
    maturity_date: date
    product_code: str = ""


def check_loan(draft: LoanDraft) -> None:
    if draft.amount_fen <= 0:
        raise DomainError("loan.amount", "a loan amount must be more than zero")
    if draft.rate_bp < 0:
        raise DomainError("loan.rate", "a loan rate cannot be negative")
    if draft.maturity_date < draft.start_date:
        raise DomainError(
            "loan.dates",
            "the maturity date {maturity} is before the start date {start}",
            maturity=draft.maturity_date.isoformat(),
            start=draft.start_date.isoformat(),
        )


def record_loan(ctx: Context, prospect_id: str, draft: LoanDraft) -> str:
    check_loan(draft)
    with ctx.db.transaction() as s:
        p = prospect_reads.plain(s, prospect_id)
        if p is None:
            raise NotFound("prospect", prospect_id)
        return LoanWriter(s, ctx.now(), ctx.zone).record(
            NewLoan(
                p.id,
                draft.product_code,
                draft.amount_fen,
                draft.rate_bp,
                draft.start_date,
                draft.maturity_date,
            )
        )

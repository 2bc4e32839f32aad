"""Recording loans: the fact that lets a prospect become a first-loan customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crm.domain.errors import DomainError
from crm.domain.ids import new_id
from crm.services.context import Context, NotFound
from crm.services.outbox import record
from crm.services.visit_rules import refresh_due
from crm.store.models import Loan, Prospect


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
        p = s.get(Prospect, prospect_id)
        if p is None:
            raise NotFound("prospect", prospect_id)
        loan = Loan(
            id=new_id(),
            prospect_id=p.id,
            product_code=draft.product_code,
            amount_fen=draft.amount_fen,
            rate_bp=draft.rate_bp,
            start_date=draft.start_date,
            maturity_date=draft.maturity_date,
            status="active",
            created_at=ctx.now(),
        )
        s.add(loan)
        s.flush()
        # A first drawdown starts the post-loan visit clock.
        refresh_due(s, ctx, [p.id])
        record(
            s,
            ctx,
            entity="loan",
            entity_id=loan.id,
            kind="create",
            payload={
                "prospect_id": p.id,
                "product_code": draft.product_code,
                "amount_fen": draft.amount_fen,
                "rate_bp": draft.rate_bp,
                "start_date": draft.start_date.isoformat(),
                "maturity_date": draft.maturity_date.isoformat(),
            },
            base_version=None,
        )
        return loan.id

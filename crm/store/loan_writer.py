"""The one writer of loans: the row, the op that tells head office, and the due date a
first drawdown brings forward (a post-loan visit is due soon after it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.store import due_dates, outbox
from crm.store.models import Loan


@dataclass(frozen=True)
class NewLoan:
    prospect_id: str
    product_code: str
    amount_fen: int
    rate_bp: int
    start_date: date
    maturity_date: date


class LoanWriter:
    def __init__(self, session: Session, now: datetime, zone: ZoneInfo) -> None:
        self.session = session
        self.now = now
        self.zone = zone

    def record(self, new: NewLoan) -> str:
        loan = Loan(
            id=new_id(),
            prospect_id=new.prospect_id,
            product_code=new.product_code,
            amount_fen=new.amount_fen,
            rate_bp=new.rate_bp,
            start_date=new.start_date,
            maturity_date=new.maturity_date,
            status="active",
            created_at=self.now,
        )
        self.session.add(loan)
        self.session.flush()
        due_dates.refresh_due(self.session, self.zone, [new.prospect_id])
        outbox.record(
            self.session,
            self.now,
            entity="loan",
            entity_id=loan.id,
            kind="create",
            payload={
                "prospect_id": new.prospect_id,
                "product_code": new.product_code,
                "amount_fen": new.amount_fen,
                "rate_bp": new.rate_bp,
                "start_date": new.start_date.isoformat(),
                "maturity_date": new.maturity_date.isoformat(),
            },
            base_version=None,
        )
        return loan.id

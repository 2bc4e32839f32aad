"""The one writer of loans: the row, the op that tells head office, and the due date a loan
changes (a first drawdown brings the post-loan visit forward; a customer dropped with a
loan outstanding stays in post-loan care until it is closed).

Ops are entity ``loan``, their payloads the loan's columns by name (amounts in fen, days as
ISO dates), so head office merges them per field and a device downloads them as columns:

- ``create``: a new loan (a renewal's names the loan it replaces, ``renewed_from_id``);
- ``update``: fields corrected before head office has the loan;
- ``repay``: a repayment (``repaid_fen``, ``repaid_on``) and the balance left; the whole
  repaid closes the loan (``status`` repaid, ``closed_on``);
- ``overdue``: the loan is past due (``status`` overdue);
- ``renew``: the loan was replaced by a renewal (``status`` renewed, ``renewed_by_id``);
- ``outcome``: how it ended at maturity without a renewal (repaid, or not renewed and why);
- ``classify``: the loan's five-category grade changed (``classification``, on the day
  ``classified_on``, by ``classified_by``); a loan is recorded ``normal``, which its create
  op does not repeat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crm.domain.ids import new_id
from crm.domain.loan_classes import NORMAL
from crm.domain.wire import wire
from crm.store import due_dates, outbox
from crm.store.models import Loan

# Columns a correction before sync may change.
EDITABLE = (
    "product_code",
    "amount_fen",
    "credit_line_fen",
    "rate_bp",
    "start_date",
    "maturity_date",
    "repayment_mode",
)


@dataclass(frozen=True)
class NewLoan:
    prospect_id: str
    product_code: str
    amount_fen: int
    rate_bp: int
    start_date: date
    maturity_date: date
    credit_line_fen: int | None = None
    repayment_mode: str = ""
    renewed_from_id: str | None = None
    # A loan recorded with another grade than normal (a book brought in, the demo).
    classification: str = NORMAL
    classified_on: date | None = None
    classified_by: str | None = None


def outstanding(loan: Loan) -> int:
    """What is still owed: the balance once a repayment was recorded, else the amount."""
    return loan.amount_fen if loan.balance_fen is None else loan.balance_fen


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
            credit_line_fen=new.credit_line_fen,
            repayment_mode=new.repayment_mode,
            renewed_from_id=new.renewed_from_id,
            updated_at=self.now,
            classification=new.classification,
            classified_on=new.classified_on,
            classified_by=new.classified_by,
        )
        self.session.add(loan)
        self.session.flush()
        due_dates.refresh_due(self.session, self.zone, [new.prospect_id])
        payload: dict[str, Any] = {
            "prospect_id": new.prospect_id,
            "product_code": new.product_code,
            "amount_fen": new.amount_fen,
            "rate_bp": new.rate_bp,
            "start_date": new.start_date.isoformat(),
            "maturity_date": new.maturity_date.isoformat(),
        }
        if new.credit_line_fen is not None:
            payload["credit_line_fen"] = new.credit_line_fen
        if new.repayment_mode:
            payload["repayment_mode"] = new.repayment_mode
        if new.renewed_from_id is not None:
            payload["renewed_from_id"] = new.renewed_from_id
        if new.classification != NORMAL:
            payload["classification"] = new.classification
            if new.classified_on is not None:
                payload["classified_on"] = new.classified_on.isoformat()
            if new.classified_by is not None:
                payload["classified_by"] = new.classified_by
        self._queue(loan, "create", payload)
        return loan.id

    def edit(self, loan: Loan, values: Mapping[str, object]) -> dict[str, object]:
        """Correct a loan's terms (``EDITABLE`` columns); returns what changed."""
        changes: dict[str, object] = {}
        for name in EDITABLE:
            if name in values and getattr(loan, name) != values[name]:
                setattr(loan, name, values[name])
                changes[name] = wire(values[name])
        if changes:
            self._save(loan, "update", changes)
        return changes

    def repay(self, loan: Loan, amount_fen: int, on: date) -> None:
        """A repayment of ``amount_fen`` (at most what is owed); the last one closes it."""
        balance = outstanding(loan) - amount_fen
        loan.balance_fen = balance
        change: dict[str, object] = {
            "balance_fen": balance,
            "repaid_fen": amount_fen,
            "repaid_on": on.isoformat(),
        }
        if balance == 0:
            loan.status = "repaid"
            loan.closed_on = on
            change.update(status="repaid", closed_on=on.isoformat())
        self._save(loan, "repay", change)

    def mark_overdue(self, loan: Loan) -> None:
        loan.status = "overdue"
        self._save(loan, "overdue", {"status": "overdue"})

    def renew(self, old: Loan, new: NewLoan) -> str:
        """Replace ``old`` by a new loan linked to it; returns the new loan's id."""
        new_loan = self.record(
            NewLoan(
                old.prospect_id,
                new.product_code,
                new.amount_fen,
                new.rate_bp,
                new.start_date,
                new.maturity_date,
                new.credit_line_fen,
                new.repayment_mode,
                renewed_from_id=old.id,
            )
        )
        old.status = "renewed"
        old.balance_fen = 0
        old.closed_on = new.start_date
        self._save(
            old,
            "renew",
            {
                "status": "renewed",
                "balance_fen": 0,
                "closed_on": new.start_date.isoformat(),
                "renewed_by_id": new_loan,
            },
        )
        return new_loan

    def close(self, loan: Loan, status: str, reason: str, on: date) -> None:
        """How a loan ended at maturity without a renewal: ``repaid``, or ``not_renewed``
        with the reason; either way nothing is owed any more."""
        loan.status = status
        loan.balance_fen = 0
        loan.closed_on = on
        loan.outcome_reason = reason
        self._save(
            loan,
            "outcome",
            {
                "status": status,
                "balance_fen": 0,
                "closed_on": on.isoformat(),
                "outcome_reason": reason,
            },
        )

    def reclassify(self, loan: Loan, classification: str, on: date, by: str | None) -> None:
        """The loan's five-category grade is now ``classification``, from ``on``, set by
        ``by`` (a user id; None for a maintenance command run without a user)."""
        loan.classification = classification
        loan.classified_on = on
        loan.classified_by = by
        change: dict[str, object] = {
            "classification": classification,
            "classified_on": on.isoformat(),
        }
        if by is not None:
            change["classified_by"] = by
        self._save(loan, "classify", change)

    def _save(self, loan: Loan, kind: str, change: dict[str, object]) -> None:
        loan.updated_at = self.now
        self.session.flush()
        # The cadence follows the loans: post-loan care of a dropped customer ends with them.
        due_dates.refresh_due(self.session, self.zone, [loan.prospect_id])
        self._queue(loan, kind, {"prospect_id": loan.prospect_id, **change})

    def _queue(self, loan: Loan, kind: str, payload: dict[str, Any]) -> None:
        outbox.record(
            self.session,
            self.now,
            entity="loan",
            entity_id=loan.id,
            kind=kind,
            payload=payload,
            base_version=None,
        )

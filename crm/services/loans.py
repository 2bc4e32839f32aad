"""Loans and renewals (续贷): record a loan, correct it before head office has it, repay it,
mark it overdue, renew it, record how it ended; and the renewal reminders due.

Recording a prospect's first loan is the fact that lets it become a first-loan customer.
Each change is one transaction that queues its op for head office (crm/store/loan_writer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from crm import resources
from crm.domain.errors import DomainError, Message
from crm.domain.loan_classes import CLASS_NAMES, NON_PERFORMING, check_class
from crm.domain.matching import PRE_ASSESSMENT, MatchWarning, ProductResult, Status
from crm.domain.money import format_yuan
from crm.domain.renewals import parse_reminder_days, pick_reminder, schedule
from crm.services import visit_rules
from crm.services.acting import acting_in, check_prospect_in
from crm.services.context import Context, NotFound
from crm.store import loan_queries
from crm.store.loan_writer import LoanWriter, NewLoan, outstanding
from crm.store.models import Loan
from crm.store.unit_of_work import Session

if TYPE_CHECKING:
    from crm.services.products import FactView

# Statuses of a loan that is still owed.
OUTSTANDING = ("active", "overdue")
# How a loan can end at maturity without a renewal (a renewal is `LoanService.renew`).
OUTCOMES = ("repaid", "not_renewed")
# A loan's status in words (for messages; the UI has its own labels).
STATUS_NAMES = {
    "active": Message("in repayment"),
    "repaid": Message("repaid in full"),
    "overdue": Message("past due"),
    "renewed": Message("renewed"),
    "not_renewed": Message("not renewed"),
}
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_MODE = re.compile(r"^[a-z0-9_]{1,24}$")


class LoanRefused(DomainError):
    """A loan change the rules refuse (already synced, already closed, more than owed)."""


@dataclass(frozen=True)
class LoanDraft:
    amount_fen: int
    rate_bp: int
    start_date: date
    maturity_date: date
    product_code: str = ""
    credit_line_fen: int | None = None
    repayment_mode: str = ""


@dataclass(frozen=True)
class LoanRecord:
    id: str
    prospect_id: str
    product_code: str
    amount_fen: int
    credit_line_fen: int | None
    rate_bp: int
    start_date: date
    maturity_date: date
    repayment_mode: str
    status: str
    # What is still owed (the amount until a first repayment; 0 once closed).
    balance_fen: int
    renewed_from_id: str | None
    outcome_reason: str
    closed_on: date | None
    # Head office does not have it yet: its terms may still be corrected.
    editable: bool
    # The prospect's stage now (a first loan offers the move to first-loan customer).
    prospect_stage: str
    # Five-category grade (crm.domain.loan_classes), the day it was set and by whom (a
    # user id; None for the grade the loan was recorded with).
    classification: str = "normal"
    classified_on: date | None = None
    classified_by: str | None = None

    @property
    def non_performing(self) -> bool:
        return self.classification in NON_PERFORMING


@dataclass(frozen=True)
class RenewalDue:
    """An active loan maturing within the window, with its renewal reminder."""

    loan_id: str
    prospect_id: str
    prospect_name: str
    rm_id: str | None
    rm_name: str | None
    product_code: str
    maturity: date
    # Days to maturity (negative once past it).
    days_left: int
    # The reminder due (days before maturity: 90, 60, 30, 7), None before the first.
    reminder: int | None
    reminder_on: date | None
    # The RM has been in contact since the reminder's day.
    handled: bool
    # Days the reminder has waited for action (0 on its day and once handled).
    overdue_days: int
    balance_fen: int

    @property
    def needs_action(self) -> bool:
        return self.reminder is not None and not self.handled


@dataclass(frozen=True)
class RenewalEvent:
    """A day in the calendar of an active loan: a renewal reminder, or its maturity."""

    loan_id: str
    prospect_id: str
    prospect_name: str
    rm_id: str | None
    maturity: date
    # Days before maturity of the reminder; 0 for the maturity itself.
    days_before: int
    on: date
    balance_fen: int


@dataclass(frozen=True)
class RenewalPrecheck:
    """Before renewing: the loan's product matched again on the customer's current facts,
    and what has been confirmed since the loan was granted. A pre-assessment to guide the
    RM (预授信参考), never a credit decision."""

    loan: LoanRecord
    # The loan's product on today's facts; None when the catalogue in force has no such code.
    product: ProductResult | None
    # Other credit products the customer is eligible for now.
    eligible: tuple[str, ...]
    # Facts set or confirmed on or after the loan's start: what changed since it was granted.
    changed: tuple[FactView, ...]
    # Facts the loan's product needs that are not known.
    missing: tuple[str, ...]
    warnings: tuple[MatchWarning, ...]
    notice: Message = PRE_ASSESSMENT


@lru_cache(maxsize=1)
def reminder_days() -> tuple[int, ...]:
    """The renewal reminder days in force (resources/data/renewals.json), longest first."""
    return parse_reminder_days(resources.load_json("data", "renewals.json"))


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
    if draft.credit_line_fen is not None and draft.credit_line_fen < draft.amount_fen:
        raise DomainError("loan.credit_line", "the credit line is less than the amount drawn")
    if draft.product_code and not _CODE.match(draft.product_code):
        raise DomainError("loan.product", "'{code}' is not a product code", code=draft.product_code)
    if draft.repayment_mode and not _MODE.match(draft.repayment_mode):
        raise DomainError(
            "loan.repayment_mode",
            "'{mode}' is not a repayment mode (lower-case letters, digits and _)",
            mode=draft.repayment_mode,
        )


def _new(prospect_id: str, draft: LoanDraft) -> NewLoan:
    return NewLoan(
        prospect_id,
        draft.product_code,
        draft.amount_fen,
        draft.rate_bp,
        draft.start_date,
        draft.maturity_date,
        draft.credit_line_fen,
        draft.repayment_mode,
    )


class LoanService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- reading ---------------------------------------------------------------------------

    def get(self, loan_id: str) -> LoanRecord:
        with self.ctx.db.reading() as s:
            return self._records(s, [self._load(s, loan_id)])[0]

    def of_prospect(self, prospect_id: str) -> list[LoanRecord]:
        """A prospect's loans, oldest first."""
        with self.ctx.db.reading() as s:
            check_prospect_in(s, self.ctx.actor_id, prospect_id)
            return self._records(s, loan_queries.of_prospect(s, prospect_id))

    def page(
        self, status: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[LoanRecord]:
        """The book's loans (of one status, when given), by maturity: those of the acting
        user's scope (crm.domain.roles)."""
        with self.ctx.db.reading() as s:
            rm_ids = acting_in(s, self.ctx.actor_id).visible_rms()
            return self._records(s, loan_queries.page(s, status, limit, offset, rm_ids))

    def renewals_due(
        self, days: int = 90, day: date | None = None, rm_ids: Sequence[str] | None = None
    ) -> list[RenewalDue]:
        """Active loans maturing within ``days`` of ``day`` (and those past maturity, still
        active), soonest first, each with its renewal reminder; ``rm_ids``: those RMs' books
        only (None: everyone's in the acting user's scope, crm.domain.roles)."""
        if days < 0:
            raise DomainError("renewals.days", "the window must not be negative")
        today = day or self.ctx.today()
        wanted = reminder_days()
        with self.ctx.db.reading() as s:
            cal = visit_rules.holiday_calendar(s)
            rm_ids = acting_in(s, self.ctx.actor_id).rm_ids(rm_ids)
            rows = loan_queries.maturing(s, today + timedelta(days=days), rm_ids)
        due: list[RenewalDue] = []
        # Loans mature on a few hundred distinct days: each day's schedule is made once.
        plans: dict[date, list[tuple[int, date]]] = {}
        for r in rows:
            plan = plans.get(r.maturity_date)
            if plan is None:
                plan = plans[r.maturity_date] = schedule(r.maturity_date, wanted, cal)
            reminder = pick_reminder(plan, r.maturity_date, today, r.last_contact_on)
            due.append(
                RenewalDue(
                    loan_id=r.loan_id,
                    prospect_id=r.prospect_id,
                    prospect_name=r.prospect_name,
                    rm_id=r.rm_id,
                    rm_name=r.rm_name,
                    product_code=r.product_code,
                    maturity=r.maturity_date,
                    days_left=(r.maturity_date - today).days,
                    reminder=None if reminder is None else reminder.days_before,
                    reminder_on=None if reminder is None else reminder.on,
                    handled=reminder is not None and reminder.handled,
                    overdue_days=0 if reminder is None else reminder.overdue_days,
                    balance_fen=r.amount_fen if r.balance_fen is None else r.balance_fen,
                )
            )
        return due

    def calendar_events(
        self, first: date, last: date, rm_ids: Sequence[str] | None = None
    ) -> list[RenewalEvent]:
        """Renewal reminders and maturities of active loans falling from ``first`` to
        ``last``, by day."""
        wanted = reminder_days()
        with self.ctx.db.reading() as s:
            cal = visit_rules.holiday_calendar(s)
            until = last + timedelta(days=max(wanted, default=0))
            rm_ids = acting_in(s, self.ctx.actor_id).rm_ids(rm_ids)
            rows = loan_queries.maturing(s, until, rm_ids, since=first)
        events: list[RenewalEvent] = []
        for r in rows:
            balance = r.amount_fen if r.balance_fen is None else r.balance_fen
            for days, on in [*schedule(r.maturity_date, wanted, cal), (0, r.maturity_date)]:
                if first <= on <= last:
                    events.append(
                        RenewalEvent(
                            r.loan_id,
                            r.prospect_id,
                            r.prospect_name,
                            r.rm_id,
                            r.maturity_date,
                            days,
                            on,
                            balance,
                        )
                    )
        events.sort(key=lambda e: (e.on, e.prospect_name, e.loan_id))
        return events

    def renewal_precheck(self, loan_id: str) -> RenewalPrecheck:
        """Match the loan's customer again on its current facts, for the renewal: how its
        product stands now, what else it is eligible for, which facts changed since the
        loan was granted and which are missing."""
        from crm.services.products import ProductService

        loan = self.get(loan_id)
        products = ProductService(self.ctx)
        result = products.match(loan.prospect_id)
        mine = result.product(loan.product_code)
        changed = tuple(
            f
            for f in products.facts(loan.prospect_id)
            if f.confirmed_on is not None and f.confirmed_on >= loan.start_date
        )
        return RenewalPrecheck(
            loan=loan,
            product=mine,
            eligible=tuple(
                p.code
                for p in result.products
                if p.product.credit and p.status == Status.ELIGIBLE and p.code != loan.product_code
            ),
            changed=changed,
            missing=() if mine is None else mine.missing,
            warnings=result.warnings,
        )

    def reminders(self, maturity: date) -> list[tuple[int, date]]:
        """Every renewal reminder of a loan maturing on ``maturity``: (days before, day shown)."""
        with self.ctx.db.reading() as s:
            cal = visit_rules.holiday_calendar(s)
        return schedule(maturity, reminder_days(), cal)

    # -- writing ---------------------------------------------------------------------------

    def record(self, prospect_id: str, draft: LoanDraft) -> LoanRecord:
        """Record a loan granted to a prospect (its first lets it become a first-loan
        customer)."""
        check_loan(draft)
        with self.ctx.db.transaction() as s:
            check_prospect_in(s, self.ctx.actor_id, prospect_id)
            loan_id = self._writer(s).record(_new(prospect_id, draft))
            return self._records(s, [self._load(s, loan_id)])[0]

    def edit(self, loan_id: str, draft: LoanDraft) -> LoanRecord:
        """Correct a loan's terms; only while head office does not have it yet."""
        check_loan(draft)
        with self.ctx.db.transaction() as s:
            loan = self._load(s, loan_id)
            if not loan_queries.unsent(s, [loan.id]):
                raise LoanRefused(
                    "loan.synced",
                    "this loan has already been sent to head office and can no longer be "
                    "edited here: record a repayment or a renewal, or ask head office to "
                    "correct it",
                )
            self._open(loan)
            self._writer(s).edit(
                loan,
                {
                    "product_code": draft.product_code,
                    "amount_fen": draft.amount_fen,
                    "credit_line_fen": draft.credit_line_fen,
                    "rate_bp": draft.rate_bp,
                    "start_date": draft.start_date,
                    "maturity_date": draft.maturity_date,
                    "repayment_mode": draft.repayment_mode,
                },
            )
            return self._records(s, [loan])[0]

    def repay(self, loan_id: str, amount_fen: int, on: date | None = None) -> LoanRecord:
        """A repayment, in part or in full (which closes the loan as repaid)."""
        day = on or self.ctx.today()
        with self.ctx.db.transaction() as s:
            loan = self._load(s, loan_id)
            self._open(loan)
            owed = outstanding(loan)
            if amount_fen <= 0:
                raise DomainError("loan.repay_amount", "a repayment must be more than zero")
            if amount_fen > owed:
                raise LoanRefused(
                    "loan.repay_too_much",
                    "a repayment of {amount} is more than the {owed} still owed",
                    amount=format_yuan(amount_fen),
                    owed=format_yuan(owed),
                )
            self._check_day(loan, day)
            self._writer(s).repay(loan, amount_fen, day)
            return self._records(s, [loan])[0]

    def mark_overdue(self, loan_id: str) -> LoanRecord:
        with self.ctx.db.transaction() as s:
            loan = self._load(s, loan_id)
            if loan.status != "active":
                raise LoanRefused(
                    "loan.not_active",
                    "the loan is {status}, not in repayment",
                    status=STATUS_NAMES[loan.status],
                )
            self._writer(s).mark_overdue(loan)
            return self._records(s, [loan])[0]

    def renew(
        self,
        loan_id: str,
        maturity: date,
        amount_fen: int | None = None,
        rate_bp: int | None = None,
        start: date | None = None,
        credit_line_fen: int | None = None,
        repayment_mode: str | None = None,
        product_code: str | None = None,
    ) -> LoanRecord:
        """Renew (续贷) an active loan: a new loan linked to it, starting at its maturity
        unless said otherwise, for what is still owed at the same rate unless said
        otherwise; the old loan ends as renewed. An overdue loan is not renewed (a renewal
        must never hide credit risk). Returns the new loan."""
        with self.ctx.db.transaction() as s:
            old = self._load(s, loan_id)
            if old.status != "active":
                raise LoanRefused(
                    "loan.renew_not_active",
                    "only a loan in repayment can be renewed; this one is {status}",
                    status=STATUS_NAMES[old.status],
                )
            if old.classification in NON_PERFORMING:
                raise LoanRefused(
                    "loan.renew_non_performing",
                    "a non-performing loan ({grade}) is not renewed: a renewal must not "
                    "hide credit risk",
                    grade=CLASS_NAMES[old.classification],
                )
            amount = outstanding(old) if amount_fen is None else amount_fen
            line = credit_line_fen
            if line is None and old.credit_line_fen is not None and old.credit_line_fen >= amount:
                line = old.credit_line_fen
            draft = LoanDraft(
                amount_fen=amount,
                rate_bp=old.rate_bp if rate_bp is None else rate_bp,
                start_date=old.maturity_date if start is None else start,
                maturity_date=maturity,
                product_code=old.product_code if product_code is None else product_code,
                credit_line_fen=line,
                repayment_mode=old.repayment_mode if repayment_mode is None else repayment_mode,
            )
            check_loan(draft)
            new_id = self._writer(s).renew(old, _new(old.prospect_id, draft))
            return self._records(s, [self._load(s, new_id)])[0]

    def record_outcome(
        self, loan_id: str, outcome: str, reason: str = "", on: date | None = None
    ) -> LoanRecord:
        """How a loan ended at maturity without a renewal: ``repaid``, or ``not_renewed``
        with the reason (renewing it is `renew`)."""
        if outcome not in OUTCOMES:
            raise DomainError(
                "loan.outcome",
                "'{outcome}' is not an outcome: repaid or not_renewed (renewed: renew the loan)",
                outcome=outcome,
            )
        why = reason.strip()
        if outcome == "not_renewed" and not why:
            raise DomainError("loan.outcome_reason", "a loan not renewed needs the reason")
        day = on or self.ctx.today()
        with self.ctx.db.transaction() as s:
            loan = self._load(s, loan_id)
            self._open(loan)
            self._check_day(loan, day)
            self._writer(s).close(loan, outcome, why, day)
            return self._records(s, [loan])[0]

    def reclassify(self, loan_id: str, classification: str, on: date | None = None) -> LoanRecord:
        """Set the loan's five-category grade (贷款五级分类) from ``on`` (default today),
        recorded with who did it. Only a loan still owed is graded; the grade must change."""
        check_class(classification)
        day = on or self.ctx.today()
        with self.ctx.db.transaction() as s:
            loan = self._load(s, loan_id)
            self._open(loan)
            if loan.classification == classification:
                raise LoanRefused(
                    "loan.same_class",
                    "the loan is already classified {grade}",
                    grade=CLASS_NAMES[classification],
                )
            self._check_day(loan, day)
            if loan.classified_on is not None and day < loan.classified_on:
                raise DomainError(
                    "loan.class_day",
                    "{day} is before the loan's last classification on {last}",
                    day=day.isoformat(),
                    last=loan.classified_on.isoformat(),
                )
            self._writer(s).reclassify(loan, classification, day, self.ctx.actor_id)
            return self._records(s, [loan])[0]

    # -- internals -------------------------------------------------------------------------

    def _writer(self, s: Session) -> LoanWriter:
        return LoanWriter(s, self.ctx.now(), self.ctx.zone)

    def _load(self, s: Session, loan_id: str) -> Loan:
        """The loan, read or changed only within the acting user's scope (its prospect's)."""
        loan = loan_queries.load(s, loan_id)
        if loan is None:
            raise NotFound("loan", loan_id)
        check_prospect_in(s, self.ctx.actor_id, loan.prospect_id)
        return loan

    def _open(self, loan: Loan) -> None:
        if loan.status not in OUTSTANDING:
            raise LoanRefused(
                "loan.closed",
                "the loan is closed ({status}): nothing more can be recorded on it",
                status=STATUS_NAMES[loan.status],
            )

    def _check_day(self, loan: Loan, day: date) -> None:
        if day < loan.start_date or day > self.ctx.today():
            raise DomainError(
                "loan.day",
                "{day} is not between the loan's start {start} and today",
                day=day.isoformat(),
                start=loan.start_date.isoformat(),
            )

    def _records(self, s: Session, loans: Sequence[Loan]) -> list[LoanRecord]:
        unsent = loan_queries.unsent(s, [lo.id for lo in loans])
        stages = {
            pid: loan_queries.prospect_stage(s, pid) or ""
            for pid in {lo.prospect_id for lo in loans}
        }
        return [
            LoanRecord(
                id=lo.id,
                prospect_id=lo.prospect_id,
                product_code=lo.product_code,
                amount_fen=lo.amount_fen,
                credit_line_fen=lo.credit_line_fen,
                rate_bp=lo.rate_bp,
                start_date=lo.start_date,
                maturity_date=lo.maturity_date,
                repayment_mode=lo.repayment_mode,
                status=lo.status,
                balance_fen=outstanding(lo),
                renewed_from_id=lo.renewed_from_id,
                outcome_reason=lo.outcome_reason,
                closed_on=lo.closed_on,
                editable=lo.id in unsent and lo.status in OUTSTANDING,
                prospect_stage=stages[lo.prospect_id],
                classification=lo.classification,
                classified_on=lo.classified_on,
                classified_by=lo.classified_by,
            )
            for lo in loans
        ]


def record_loan(ctx: Context, prospect_id: str, draft: LoanDraft) -> str:
    """Record a loan (see `LoanService.record`); returns its id."""
    return LoanService(ctx).record(prospect_id, draft).id

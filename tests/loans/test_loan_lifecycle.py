"""A loan's life through the service: recorded, corrected before sync, repaid in part and
in full, marked overdue, renewed, closed at maturity; each change queues its op."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from loan_helpers import TODAY, Clock, outbox, sent_to_head_office

from crm.domain.errors import DomainError
from crm.domain.stages import GATE_LOAN, StageMoveRefused
from crm.services.container import Services
from crm.services.loans import LoanDraft, LoanRefused
from crm.store.engine import Database
from crm.sync.protocol import parse_payload

START = date(2026, 6, 1)
MATURITY = date(2027, 6, 1)


def draft(amount_fen: int = 80_000_000, **changes: object) -> LoanDraft:
    values: dict[str, object] = {
        "amount_fen": amount_fen,
        "rate_bp": 385,
        "start_date": START,
        "maturity_date": MATURITY,
        "product_code": "basic",
        "credit_line_fen": 100_000_000,
        "repayment_mode": "interest_monthly",
    }
    values.update(changes)
    return LoanDraft(**values)  # type: ignore[arg-type]


def test_a_recorded_loan_is_active_owes_its_amount_and_tells_head_office(
    services: Services, prospect: str, db: Database
) -> None:
    loan = services.loans.record(prospect, draft())
    assert loan.status == "active" and loan.balance_fen == 80_000_000
    assert loan.credit_line_fen == 100_000_000 and loan.repayment_mode == "interest_monthly"
    assert loan.editable and loan.prospect_stage == "no_loan"
    [op] = outbox(db)
    assert (op.kind, op.entity_id) == ("create", loan.id)
    assert op.payload == {
        "prospect_id": prospect,
        "product_code": "basic",
        "amount_fen": 80_000_000,
        "rate_bp": 385,
        "start_date": "2026-06-01",
        "maturity_date": "2027-06-01",
        "credit_line_fen": 100_000_000,
        "repayment_mode": "interest_monthly",
    }
    assert [lo.id for lo in services.loans.of_prospect(prospect)] == [loan.id]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"amount_fen": 0}, "more than zero"),
        ({"rate_bp": -1}, "negative"),
        ({"maturity_date": START - timedelta(days=1)}, "before the start"),
        ({"credit_line_fen": 1}, "credit line"),
        ({"repayment_mode": "Monthly!"}, "repayment mode"),
    ],
)
def test_a_wrong_loan_is_refused_with_the_reason(
    services: Services, prospect: str, changes: dict[str, object], words: str
) -> None:
    with pytest.raises(DomainError, match=words):
        services.loans.record(prospect, draft(**changes))


def test_a_loan_is_corrected_only_until_head_office_has_it(
    services: Services, prospect: str, db: Database
) -> None:
    loan = services.loans.record(prospect, draft())
    fixed = services.loans.edit(loan.id, draft(amount_fen=90_000_000, rate_bp=370))
    assert (fixed.amount_fen, fixed.rate_bp, fixed.balance_fen) == (90_000_000, 370, 90_000_000)
    assert outbox(db)[-1].kind == "update"
    assert outbox(db)[-1].payload == {
        "prospect_id": prospect,
        "amount_fen": 90_000_000,
        "rate_bp": 370,
    }
    sent_to_head_office(db)
    assert not services.loans.get(loan.id).editable
    with pytest.raises(LoanRefused, match="already been sent to head office") as caught:
        services.loans.edit(loan.id, draft(amount_fen=1_000_000))
    assert caught.value.code == "loan.synced"
    assert services.loans.get(loan.id).amount_fen == 90_000_000


def test_repayments_keep_the_balance_and_the_last_closes_the_loan(
    services: Services, prospect: str, db: Database
) -> None:
    loan = services.loans.record(prospect, draft())
    part = services.loans.repay(loan.id, 30_000_000, date(2026, 6, 10))
    assert (part.status, part.balance_fen, part.closed_on) == ("active", 50_000_000, None)
    with pytest.raises(LoanRefused, match="more than"):
        services.loans.repay(loan.id, 50_000_001)
    with pytest.raises(DomainError, match="not between"):
        services.loans.repay(loan.id, 1, TODAY + timedelta(days=1))
    rest = services.loans.repay(loan.id, 50_000_000)
    assert (rest.status, rest.balance_fen, rest.closed_on) == ("repaid", 0, TODAY)
    repays = [op for op in outbox(db) if op.kind == "repay"]
    assert [op.payload["balance_fen"] for op in repays] == [50_000_000, 0]
    assert repays[-1].payload["status"] == "repaid"
    with pytest.raises(LoanRefused, match="closed"):
        services.loans.repay(loan.id, 1)


def test_an_overdue_loan_is_never_renewed(services: Services, prospect: str) -> None:
    loan = services.loans.record(prospect, draft())
    assert services.loans.mark_overdue(loan.id).status == "overdue"
    with pytest.raises(LoanRefused, match="only a loan in repayment can be renewed"):
        services.loans.renew(loan.id, date(2028, 6, 1))
    # Still owed: a repayment can be recorded on it.
    assert services.loans.repay(loan.id, 10_000_000).balance_fen == 70_000_000


def test_a_renewal_is_a_new_loan_linked_to_the_one_it_replaces(
    services: Services, prospect: str, db: Database
) -> None:
    loan = services.loans.record(prospect, draft())
    services.loans.repay(loan.id, 20_000_000)
    new = services.loans.renew(loan.id, date(2028, 6, 1), rate_bp=360)
    assert new.renewed_from_id == loan.id and new.status == "active"
    # For what was still owed, from the old loan's maturity, on the same product and line.
    assert (new.amount_fen, new.rate_bp, new.start_date) == (60_000_000, 360, MATURITY)
    assert (new.product_code, new.credit_line_fen) == ("basic", 100_000_000)
    old = services.loans.get(loan.id)
    assert (old.status, old.balance_fen, old.closed_on) == ("renewed", 0, MATURITY)
    kinds = [(op.kind, op.entity_id) for op in outbox(db)]
    assert kinds[-2:] == [("create", new.id), ("renew", loan.id)]
    assert outbox(db)[-2].payload["renewed_from_id"] == loan.id
    with pytest.raises(LoanRefused):
        services.loans.renew(loan.id, date(2029, 6, 1))


def test_the_outcome_at_maturity_is_recorded_not_renewed_needs_a_reason(
    services: Services, prospect: str, clock: Clock
) -> None:
    first = services.loans.record(prospect, draft())
    second = services.loans.record(prospect, draft(amount_fen=10_000_000, credit_line_fen=None))
    clock.to_day(MATURITY)
    with pytest.raises(DomainError, match="needs the reason"):
        services.loans.record_outcome(first.id, "not_renewed")
    with pytest.raises(DomainError, match="not an outcome"):
        services.loans.record_outcome(first.id, "renewed")
    ended = services.loans.record_outcome(first.id, "not_renewed", "客户经营收缩，暂无续贷需求")
    assert (ended.status, ended.balance_fen, ended.closed_on) == ("not_renewed", 0, MATURITY)
    assert ended.outcome_reason == "客户经营收缩，暂无续贷需求"
    assert services.loans.record_outcome(second.id, "repaid").status == "repaid"


def test_every_loan_op_fits_the_sync_protocol(
    services: Services, prospect: str, db: Database, clock: Clock
) -> None:
    a = services.loans.record(prospect, draft())
    services.loans.edit(a.id, draft(amount_fen=70_000_000))
    services.loans.repay(a.id, 1_000_000)
    services.loans.renew(a.id, date(2028, 6, 1))
    b = services.loans.record(prospect, draft(credit_line_fen=None))
    services.loans.mark_overdue(b.id)
    c = services.loans.record(prospect, draft(credit_line_fen=None))
    clock.to_day(MATURITY)
    services.loans.record_outcome(c.id, "not_renewed", "不再需要")
    ops = outbox(db)
    assert {op.kind for op in ops} == {"create", "update", "repay", "renew", "overdue", "outcome"}
    for op in ops:
        parse_payload("loan", op.kind, op.payload)


def test_the_first_loan_gate_passes_once_a_loan_is_recorded(
    services: Services, prospect: str
) -> None:
    with pytest.raises(StageMoveRefused) as refused:
        services.prospects.change_stage(prospect, "first_loan")
    assert refused.value.gate == GATE_LOAN
    services.loans.record(prospect, draft())
    moved = services.prospects.change_stage(prospect, "first_loan")
    assert moved.stage == "first_loan"
    assert services.loans.of_prospect(prospect)[0].prospect_stage == "first_loan"

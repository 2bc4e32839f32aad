"""Contact never simply stops: a prospect dropped for no financing need comes due again on a
long cycle, and a customer with a loan outstanding is not dropped without a team lead (and
then stays in post-loan care)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from loan_helpers import TODAY, Clock

from crm.domain.cadence import CadenceFacts, due_date, parse_rules
from crm.domain.errors import DomainError
from crm.domain.holidays import HolidayCalendar
from crm.domain.stages import GATE_ACTIVE_LOAN, StageMoveRefused
from crm.services.container import Services
from crm.services.loans import LoanDraft
from crm.services.today import Scope
from crm.store.due_dates import default_cadence, package_years
from crm.store.engine import Database
from crm.store.models import Prospect

CAL = HolidayCalendar(package_years())


def due_of(db: Database, prospect_id: str) -> date | None:
    with db.reading() as s:
        p = s.get(Prospect, prospect_id)
        assert p is not None
        return p.next_visit_due


def test_the_shipped_cadence_revisits_a_no_need_drop_after_180_days() -> None:
    rules = default_cadence().rules
    assert rules["dropped:no_need"].every_days == 180
    facts = CadenceFacts("dropped", None, date(2026, 6, 15), drop_reason="no_need")
    # 15 June + 180 days = Saturday 12 December: the Monday after.
    assert due_date(facts, rules, CAL) == date(2026, 12, 14)
    # Counted from the drop, even when the last contact was before it.
    earlier = CadenceFacts("dropped", date(2026, 6, 1), date(2026, 6, 15), drop_reason="no_need")
    assert due_date(earlier, rules, CAL) == date(2026, 12, 14)
    for reason in ("other_bank", "closed", "risk", None):
        assert (
            due_date(CadenceFacts("dropped", None, TODAY, drop_reason=reason), rules, CAL) is None
        )


def test_a_revisit_rule_names_a_real_drop_reason() -> None:
    table = parse_rules({"rules": [{"stage": "dropped:no_need", "every_days": 120}]})
    assert table.rules["dropped:no_need"].every_days == 120
    with pytest.raises(DomainError, match="not a stage"):
        parse_rules({"rules": [{"stage": "dropped:bored", "every_days": 120}]})


def test_a_no_need_drop_comes_due_again_after_180_days(
    services: Services, prospect: str, db: Database, clock: Clock
) -> None:
    services.prospects.change_stage(prospect, "dropped", "no_need", "经营资金充足，暂无融资需求")
    assert due_of(db, prospect) == date(2026, 12, 14)
    clock.to_day(date(2026, 12, 10))
    report = services.today.due_report(Scope(None), days=7)
    assert prospect in [p.id for p in report.due]
    clock.to_day(date(2026, 12, 15))
    report = services.today.due_report(Scope(None))
    assert prospect in [p.id for p in report.overdue]


def test_a_drop_for_another_reason_has_no_rhythm(
    services: Services, prospect: str, db: Database
) -> None:
    services.prospects.change_stage(prospect, "dropped", "other_bank", "")
    assert due_of(db, prospect) is None


def _first_loan_customer(services: Services, prospect: str) -> str:
    loan = services.loans.record(
        prospect,
        LoanDraft(50_000_000, 385, date(2026, 6, 1), date(2027, 6, 1), "basic"),
    )
    services.prospects.change_stage(prospect, "first_loan")
    return loan.id


def test_a_customer_with_an_active_loan_cannot_simply_be_dropped(
    services: Services, prospect: str
) -> None:
    _first_loan_customer(services, prospect)
    with pytest.raises(StageMoveRefused, match="post-loan care") as refused:
        services.prospects.change_stage(prospect, "dropped", "no_need", "")
    assert refused.value.gate == GATE_ACTIVE_LOAN
    # An RM cannot confirm it on a lead's behalf.
    with pytest.raises(DomainError, match="only a team lead") as caught:
        services.prospects.change_stage(prospect, "dropped", "no_need", "", lead_confirmed=True)
    assert caught.value.code == "stage.lead_only"
    assert services.prospects.get(prospect).stage == "first_loan"


def test_a_lead_confirms_the_drop_and_the_customer_stays_in_post_loan_care(
    services: Services, lead_services: Services, prospect: str, db: Database, clock: Clock
) -> None:
    loan = _first_loan_customer(services, prospect)
    dropped = lead_services.prospects.change_stage(
        prospect, "dropped", "risk", "经营异常，停止新增授信", lead_confirmed=True
    )
    assert dropped.stage == "dropped"
    # First-loan rhythm: the post-loan visit 15 days after the drawdown of 1 June.
    assert due_of(db, prospect) == date(2026, 6, 16)
    # Once the loan is repaid, the drop's own rule applies (risk: no rhythm).
    services.loans.repay(loan, 50_000_000)
    assert due_of(db, prospect) is None


def test_a_customer_whose_loans_are_closed_is_dropped_without_a_lead(
    services: Services, prospect: str, db: Database
) -> None:
    loan = _first_loan_customer(services, prospect)
    services.loans.repay(loan, 50_000_000)
    services.prospects.change_stage(prospect, "dropped", "no_need", "")
    assert due_of(db, prospect) == TODAY + timedelta(days=182)

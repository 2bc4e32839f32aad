"""The renewal pre-check: the loan's product matched again on today's facts, and what was
confirmed since the loan was granted."""

from __future__ import annotations

from datetime import date

from loan_helpers import Clock

from crm.domain.matching import Check, Status
from crm.services.container import Services
from crm.services.loans import LoanDraft


def test_the_precheck_rematches_the_product_and_lists_what_changed(
    services: Services, prospect: str, clock: Clock
) -> None:
    facts = services.products
    facts.set_facts(
        prospect,
        {"tax_credit_grade": "A", "annual_invoicing": 2_000_000, "owner_serious_overdue": False},
        confirmed_on=date(2025, 9, 1),
    )
    loan = services.loans.record(
        prospect, LoanDraft(80_000_000, 385, date(2025, 9, 23), date(2026, 9, 23), "basic")
    )
    before = services.loans.renewal_precheck(loan.id)
    assert before.product is not None and before.product.status == Status.ELIGIBLE
    assert before.changed == () and before.missing == ()

    # The tax grade fell to C since the loan was granted: the renewal needs a look.
    clock.to_day(date(2026, 6, 25))
    facts.set_fact(prospect, "tax_credit_grade", "C")
    after = services.loans.renewal_precheck(loan.id)
    assert after.product is not None and after.product.status == Status.NOT_ELIGIBLE
    failed = [c.key for c in after.product.criteria if c.status == Check.FAIL]
    assert failed == ["tax_credit_grade"]
    assert [f.key for f in after.changed] == ["tax_credit_grade"]
    assert after.changed[0].confirmed_on == date(2026, 6, 25)
    assert "basic" not in after.eligible

"""Renewal reminders: 90, 60, 30 and 7 days before maturity (data), moved before a day off,
and never lost: one whose day passed while the laptop was off waits, overdue, until the
customer is contacted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from loan_helpers import TODAY, Clock

from crm.domain.holidays import HolidayCalendar
from crm.domain.renewals import (
    InvalidRenewalRules,
    due_reminder,
    parse_reminder_days,
    reminder_day,
    schedule,
)
from crm.services.container import Services
from crm.services.loans import LoanDraft, reminder_days
from crm.store.engine import Database
from crm.store.models import Prospect

DAYS = (90, 60, 30, 7)


@pytest.fixture(scope="module")
def cal() -> HolidayCalendar:
    from crm.store.due_dates import package_years

    return HolidayCalendar(package_years())


def test_the_reminder_days_are_data() -> None:
    assert reminder_days() == DAYS
    assert parse_reminder_days({"reminder_days": [7, 30, 90, 60, 30]}) == DAYS
    for bad in ([], [0], [400], ["30"], [True]):
        with pytest.raises(InvalidRenewalRules):
            parse_reminder_days({"reminder_days": bad})


def test_reminders_across_the_spring_festival_come_before_the_break(
    cal: HolidayCalendar,
) -> None:
    # Maturity Friday 20 March 2026: 30 days before is 18 February, in the festival
    # (15-23 February); the working day before it is Saturday 14 February, a make-up day.
    assert schedule(date(2026, 3, 20), DAYS, cal) == [
        (90, date(2025, 12, 19)),  # 20 December is a Saturday
        (60, date(2026, 1, 19)),
        (30, date(2026, 2, 14)),
        (7, date(2026, 3, 13)),
    ]
    # On the first working day after the festival, the 30-day reminder waits, overdue.
    due = due_reminder(date(2026, 3, 20), date(2026, 2, 24), DAYS, cal)
    assert due is not None
    assert (due.days_before, due.on, due.handled, due.overdue_days) == (
        30,
        date(2026, 2, 14),
        False,
        10,
    )


def test_reminders_across_national_day_come_before_the_break(cal: HolidayCalendar) -> None:
    # Maturity Sunday 11 October 2026: 7 days before is 4 October, in the National Day
    # holiday (1-7 October); shown on Wednesday 30 September.
    assert reminder_day(date(2026, 10, 11), 7, cal) == date(2026, 9, 30)
    # 30 days before 26 October is Saturday 26 September, in the Mid-autumn break (25-27).
    assert reminder_day(date(2026, 10, 26), 30, cal) == date(2026, 9, 24)
    for days, day in schedule(date(2026, 10, 11), DAYS, cal):
        assert cal.is_workday(day)
        assert day <= date(2026, 10, 11) - timedelta(days=days)


def test_no_reminder_before_the_first_and_a_contact_handles_one(cal: HolidayCalendar) -> None:
    maturity = date(2026, 9, 23)
    assert due_reminder(maturity, date(2026, 6, 24), DAYS, cal) is None
    first = due_reminder(maturity, date(2026, 6, 25), DAYS, cal)
    assert first is not None and (first.days_before, first.overdue_days) == (90, 0)
    seen = due_reminder(maturity, date(2026, 7, 1), DAYS, cal, last_contact=date(2026, 6, 26))
    assert seen is not None and seen.handled and seen.overdue_days == 0
    # A contact before the reminder's day does not handle it.
    before = due_reminder(maturity, date(2026, 7, 1), DAYS, cal, last_contact=date(2026, 6, 20))
    assert before is not None and not before.handled


def test_a_reminder_whose_day_passed_while_the_laptop_was_off_waits_overdue(
    cal: HolidayCalendar,
) -> None:
    maturity = date(2026, 9, 23)
    # Contacted after the 90-day reminder; the laptop then stays shut from 1 July to
    # 27 August: the 60-day (24 July) and 30-day (24 August) reminders passed meanwhile.
    due = due_reminder(maturity, date(2026, 8, 27), DAYS, cal, last_contact=date(2026, 6, 26))
    assert due is not None
    assert (due.days_before, due.on, due.handled, due.overdue_days) == (
        30,
        date(2026, 8, 24),
        False,
        3,
    )


def test_a_loan_past_maturity_always_needs_action(cal: HolidayCalendar) -> None:
    late = due_reminder(date(2026, 9, 23), date(2026, 9, 30), DAYS, cal, date(2026, 9, 29))
    assert late is not None and late.days_before == 7 and not late.handled


def _set_last_contact(db: Database, prospect_id: str, day: date) -> None:
    with db.transaction() as s:
        p = s.get(Prospect, prospect_id)
        assert p is not None
        p.last_contact_on = day


def test_renewals_due_lists_active_loans_in_the_window_with_their_reminders(
    services: Services, prospect: str, db: Database, clock: Clock
) -> None:
    soon = services.loans.record(
        prospect, LoanDraft(80_000_000, 385, date(2025, 9, 23), date(2026, 9, 23), "basic")
    )
    services.loans.repay(soon.id, 30_000_000)
    later = services.loans.record(
        prospect, LoanDraft(10_000_000, 385, TODAY, TODAY + timedelta(days=200), "basic")
    )
    closed = services.loans.record(
        prospect, LoanDraft(10_000_000, 385, date(2025, 7, 1), date(2026, 7, 1), "basic")
    )
    services.loans.repay(closed.id, 10_000_000)
    assert services.loans.renewals_due(90) == []  # 100 days to go: not yet in the window

    clock.to_day(date(2026, 6, 25))
    [row] = services.loans.renewals_due(90)
    assert (row.loan_id, row.prospect_id, row.days_left) == (soon.id, prospect, 90)
    assert (row.reminder, row.reminder_on, row.needs_action) == (90, date(2026, 6, 25), True)
    assert row.balance_fen == 50_000_000 and row.prospect_name == "佛山市南海区华兴五金制品厂"
    _set_last_contact(db, prospect, date(2026, 6, 26))
    clock.to_day(date(2026, 6, 26))
    assert not services.loans.renewals_due(90)[0].needs_action

    # The laptop stays shut until 27 August: the 30-day reminder waits, three days overdue.
    clock.to_day(date(2026, 8, 27))
    [row] = services.loans.renewals_due(90)
    assert (row.reminder, row.overdue_days, row.needs_action) == (30, 3, True)
    assert later.id not in [r.loan_id for r in services.loans.renewals_due(90)]
    assert [r.loan_id for r in services.loans.renewals_due(200)] == [soon.id, later.id]


def test_a_non_performing_loan_is_not_offered_for_renewal(
    services: Services, prospect: str, clock: Clock
) -> None:
    loan = services.loans.record(
        prospect, LoanDraft(20_000_000, 385, date(2025, 9, 23), date(2026, 9, 23), "basic")
    )
    clock.to_day(date(2026, 6, 25))
    window = (date(2026, 6, 1), date(2026, 9, 30))
    assert [r.loan_id for r in services.loans.renewals_due(90)] == [loan.id]
    assert loan.id in {e.loan_id for e in services.loans.calendar_events(*window)}

    services.loans.reclassify(loan.id, "substandard")
    assert services.loans.renewals_due(90) == []
    assert loan.id not in {e.loan_id for e in services.loans.calendar_events(*window)}

    # Special mention is still performing: renewed with care, so reminded again.
    services.loans.reclassify(loan.id, "special_mention")
    assert [r.loan_id for r in services.loans.renewals_due(90)] == [loan.id]

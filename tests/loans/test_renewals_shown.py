"""Renewal reminders where the RM looks: Today, `crm visits due` and the .ics export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from icalendar import Calendar
from loan_helpers import RM2, Clock

from crm.services.container import Services
from crm.services.loans import LoanDraft
from crm.services.today import Scope

MATURITY = date(2026, 9, 23)


def _loan(services: Services, prospect: str) -> str:
    draft = LoanDraft(80_000_000, 385, date(2025, 9, 23), MATURITY, "basic")
    return services.loans.record(prospect, draft).id


def test_today_and_the_due_report_list_the_renewals_waiting(
    services: Services, prospect: str, clock: Clock
) -> None:
    loan = _loan(services, prospect)
    mine = services.today.scope_for(services.actor_id)
    assert services.today.summary(mine).renewals == ()
    clock.to_day(date(2026, 8, 27))  # the 30-day reminder (24 August) waits, 3 days
    [row] = services.today.summary(mine).renewals
    assert (row.loan_id, row.reminder, row.overdue_days) == (loan, 30, 3)
    assert [r.loan_id for r in services.today.due_report(Scope(None)).renewals] == [loan]
    # Another RM's Today does not show it.
    assert services.today.summary(Scope((RM2,))).renewals == ()


def test_the_calendar_export_has_each_reminder_and_the_maturity(
    services: Services, prospect: str, tmp_path: Path
) -> None:
    loan = _loan(services, prospect)
    target = tmp_path / "visits.ics"
    services.calendar.export_ics(target, None)
    events = [
        e for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT") if "renewal-" in e["UID"]
    ]
    days = sorted((e.decoded("DTSTART"), str(e["UID"])) for e in events)
    assert [d for d, _ in days] == [
        date(2026, 6, 25),
        date(2026, 7, 24),  # 25 July is a Saturday
        date(2026, 8, 24),
        date(2026, 9, 16),
        MATURITY,
    ]
    assert f"renewal-{loan}-0@firstloan-crm" in [uid for _, uid in days]

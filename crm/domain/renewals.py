"""Renewal reminders (续贷提醒): which reminder of a loan is due on a day.

The RM must start a renewal well before maturity: reminders fall a number of days before
it (90, 60, 30 and 7 by default; head office may change them, so they are data:
resources/data/renewals.json). A reminder whose day is a day off is shown on the working
day before it, so the RM has it in hand before the break, never after.

A reminder is never lost: on any day, the reminder due is the latest one whose day has
come, until the RM has been in contact with the customer since that day. One whose day
passed while the laptop was off is therefore still there the next time, overdue by the
days since. A loan past its maturity and still outstanding always needs action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crm.domain.errors import DomainError
from crm.domain.holidays import HolidayCalendar

DEFAULT_REMINDER_DAYS = (90, 60, 30, 7)
MAX_REMINDER_DAYS = 366


class InvalidRenewalRules(DomainError):
    """Renewal reminder days that cannot be used; says which value is wrong."""


@dataclass(frozen=True)
class Reminder:
    """The reminder of a loan due on a day."""

    # How many days before maturity it falls (90, 60, 30, 7).
    days_before: int
    # The working day it is shown on.
    on: date
    # The RM has been in contact with the customer since (and the loan is not past due).
    handled: bool
    # Days since ``on`` while it waits for action (0 on its day, and once handled).
    overdue_days: int


def parse_reminder_days(data: Mapping[str, Any]) -> tuple[int, ...]:
    """The reminder days of ``{"reminder_days": [90, 60, 30, 7]}``, longest first."""
    raw = data.get("reminder_days")
    if not isinstance(raw, list) or not raw:
        raise InvalidRenewalRules(
            "renewals.no_days", "the renewal rules list no reminder days (reminder_days)"
        )
    days: set[int] = set()
    for value in raw:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 1 <= value <= MAX_REMINDER_DAYS
        ):
            raise InvalidRenewalRules(
                "renewals.bad_day",
                "a renewal reminder must be a whole number of days from 1 to {max} before "
                "maturity, got '{value}'",
                max=MAX_REMINDER_DAYS,
                value=value,
            )
        days.add(value)
    return tuple(sorted(days, reverse=True))


def reminder_day(maturity: date, days_before: int, calendar: HolidayCalendar) -> date:
    """The working day a reminder is shown: ``days_before`` maturity, or the working day
    before that when it is a day off."""
    return calendar.previous_workday(maturity - timedelta(days=days_before))


def schedule(
    maturity: date, reminder_days: Sequence[int], calendar: HolidayCalendar
) -> list[tuple[int, date]]:
    """Every reminder of a loan: (days before maturity, the day it is shown), earliest first."""
    return [
        (days, reminder_day(maturity, days, calendar))
        for days in sorted(reminder_days, reverse=True)
    ]


def due_reminder(
    maturity: date,
    today: date,
    reminder_days: Sequence[int],
    calendar: HolidayCalendar,
    last_contact: date | None = None,
) -> Reminder | None:
    """The reminder of an outstanding loan due ``today``: the latest whose day has come
    (None before the first). It is handled when the customer was contacted on or after its
    day, unless the loan is already past its maturity."""
    return pick_reminder(schedule(maturity, reminder_days, calendar), maturity, today, last_contact)


def pick_reminder(
    plan: Sequence[tuple[int, date]],
    maturity: date,
    today: date,
    last_contact: date | None = None,
) -> Reminder | None:
    """`due_reminder` from the loan's `schedule` (made once for many loans maturing on the
    same day)."""
    latest: tuple[int, date] | None = None
    for days, on in plan:
        if on <= today:
            latest = (days, on)
    if latest is None:
        return None
    days, on = latest
    handled = last_contact is not None and last_contact >= on and today <= maturity
    return Reminder(days, on, handled, 0 if handled else (today - on).days)

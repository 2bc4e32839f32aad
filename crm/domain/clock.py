"""The app's default clock, which can be set to another day for tests and demos.

``utcnow`` is what every part of the app asks when it wants the time (the use cases through
``Context.clock``, sync, head office). Normally it is the wall clock. With the environment
variable ``CRM_CLOCK`` set to an ISO date or date-time, it starts at that moment when the
app starts and runs on from it (a shifted clock, so durations and hybrid logical clock
stamps still move forward):

- ``CRM_CLOCK=2026-10-01``: 09:00 in Shanghai on that day (a working morning, far from
  midnight, so a test run does not cross into the next day);
- ``CRM_CLOCK=2026-10-01T09:30``: that time in Shanghai;
- ``CRM_CLOCK=2026-10-01T09:30:00+08:00`` or ``...Z``: that instant.

The variable is read once, when this module is first imported. The first process to read it
leaves ``CRM_CLOCK_STARTED`` (the value and the wall-clock moment it was read at) for the
processes it starts, so a ``crm`` command a test runs, or the head office the demo starts,
runs on the same clock instead of starting it over. A value that is not a date
makes ``utcnow`` (and ``check_clock``, which the test suite calls before it collects any
test) raise ``ClockSettingError``, a ``DomainError`` saying what is wrong: the ``crm``
command prints it as it prints any user mistake.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Final

from crm.domain.errors import DomainError

CLOCK_VARIABLE: Final = "CRM_CLOCK"
# "VALUE@SECONDS": the CRM_CLOCK value and the Unix time (wall clock) at which it was read.
STARTED_VARIABLE: Final = "CRM_CLOCK_STARTED"
# The user's zone (Asia/Shanghai): UTC+8 all year, no daylight saving since 1991.
SHANGHAI: Final = timezone(timedelta(hours=8), "Asia/Shanghai")
# The time of day a bare date starts at.
MORNING: Final = time(9, 0)


class ClockSettingError(DomainError):
    """CRM_CLOCK holds something that is not an ISO date or date-time."""


def _bad_setting(value: str) -> ClockSettingError:
    return ClockSettingError(
        "clock.bad_setting",
        "{variable}={value} is not a date or a date-time: give it in ISO form, "
        "e.g. 2026-10-01 or 2026-10-01T09:30:00+08:00",
        variable=CLOCK_VARIABLE,
        value=repr(value),
    )


def parse_clock(value: str) -> datetime:
    """The moment a CRM_CLOCK value names, timezone-aware in UTC."""
    text = value.strip()
    try:
        if len(text) <= 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, MORNING, SHANGHAI).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _bad_setting(value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(UTC)


def _started(value: str) -> datetime | None:
    """When a parent process read this same CRM_CLOCK value (see STARTED_VARIABLE)."""
    given, _, seconds = os.environ.get(STARTED_VARIABLE, "").rpartition("@")
    if given != value:
        return None
    try:
        return datetime.fromtimestamp(float(seconds), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _from_environment() -> tuple[timedelta, str | None]:
    """The clock's shift from the wall clock, or the CRM_CLOCK value that is not a date."""
    value = os.environ.get(CLOCK_VARIABLE)
    if value is None or not value.strip():
        return timedelta(0), None
    try:
        start = parse_clock(value)
    except ClockSettingError:
        return timedelta(0), value
    wall = _started(value)
    if wall is None:
        wall = datetime.now(UTC)
        os.environ[STARTED_VARIABLE] = f"{value}@{wall.timestamp():.6f}"
    return start - wall, None


# Read once: every later reading runs on from the moment the app started.
_SHIFT, _BAD_SETTING = _from_environment()


def check_clock() -> None:
    """Raise ClockSettingError when CRM_CLOCK is set to something that is not a date."""
    if _BAD_SETTING is not None:
        raise _bad_setting(_BAD_SETTING)


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (shifted when CRM_CLOCK is set); timestamps are stored in
    UTC and shown in the user's zone."""
    if _BAD_SETTING is not None:
        raise _bad_setting(_BAD_SETTING)
    return datetime.now(UTC) + _SHIFT

"""CRM_CLOCK: the app's default clock starts at the day it names and runs on; a value that
is not a date is refused with a message, by the app and by the test suite."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from crm.domain.clock import (
    CLOCK_VARIABLE,
    STARTED_VARIABLE,
    ClockSettingError,
    parse_clock,
)

ROOT = Path(__file__).resolve().parents[2]

# What a process started with CRM_CLOCK reads: the Context's time and day, twice, and the
# head office's time.
READINGS = """
import time
from crm.headoffice.db import utcnow as head_office_now
from crm.services.context import Context
ctx = Context(None)
first = ctx.now()
time.sleep(0.05)
print(first.isoformat(), ctx.now().isoformat(), ctx.today().isoformat(),
      head_office_now().isoformat())
"""


def _run(code: str, clock: str | None, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (CLOCK_VARIABLE, STARTED_VARIABLE)}
    if clock is not None:
        env[CLOCK_VARIABLE] = clock
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A bare date: 09:00 in Shanghai that day.
        ("2026-10-01", datetime(2026, 10, 1, 1, 0, tzinfo=UTC)),
        (" 2026-09-20 ", datetime(2026, 9, 20, 1, 0, tzinfo=UTC)),
        # A time without an offset is Shanghai's.
        ("2026-10-01T09:30", datetime(2026, 10, 1, 1, 30, tzinfo=UTC)),
        ("2026-10-01T09:30:00+08:00", datetime(2026, 10, 1, 1, 30, tzinfo=UTC)),
        ("2026-10-01T23:30:00Z", datetime(2026, 10, 1, 23, 30, tzinfo=UTC)),
    ],
)
def test_a_clock_setting_names_a_moment(value: str, expected: datetime) -> None:
    assert parse_clock(value) == expected


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "2026-02-30", "01/10/2026", "2026"])
def test_a_clock_setting_that_is_not_a_date_is_refused_with_the_reason(value: str) -> None:
    with pytest.raises(ClockSettingError) as info:
        parse_clock(value)
    message = str(info.value)
    assert message.startswith(f"CRM_CLOCK={value!r} is not a date")
    assert "2026-10-01T09:30:00+08:00" in message


def test_the_app_clock_starts_at_crm_clock_and_runs_on() -> None:
    done = _run(READINGS, "2026-10-01")
    assert done.returncode == 0, done.stderr
    first, second, today, head_office = done.stdout.split()
    start = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
    first_at, second_at = datetime.fromisoformat(first), datetime.fromisoformat(second)
    assert start <= first_at < second_at < start.replace(minute=1)
    assert today == "2026-10-01"
    # Head office (crm headoffice serve, the demo's local head office) keeps the same clock.
    assert start <= datetime.fromisoformat(head_office) < start.replace(minute=1)


def test_a_process_started_by_another_runs_on_its_clock_instead_of_starting_over() -> None:
    # The parent read CRM_CLOCK an hour ago (by the wall clock): the child's clock is an
    # hour on from the day's start, so a `crm` command a test runs agrees with the test.
    an_hour_ago = datetime.now(UTC).timestamp() - 3600
    done = _run(READINGS, "2026-10-01", **{STARTED_VARIABLE: f"2026-10-01@{an_hour_ago}"})
    assert done.returncode == 0, done.stderr
    now = datetime.fromisoformat(done.stdout.split()[0])
    assert datetime(2026, 10, 1, 2, 0, tzinfo=UTC) <= now < datetime(2026, 10, 1, 2, 1, tzinfo=UTC)
    # Set for another value, it is ignored.
    done = _run(READINGS, "2026-10-01", **{STARTED_VARIABLE: f"2026-09-20@{an_hour_ago}"})
    assert datetime.fromisoformat(done.stdout.split()[0]) < datetime(2026, 10, 1, 1, 1, tzinfo=UTC)


def test_without_crm_clock_the_clock_is_the_wall_clock() -> None:
    done = _run(READINGS, None)
    assert done.returncode == 0, done.stderr
    read = datetime.fromisoformat(done.stdout.split()[0])
    assert abs((read - datetime.now(UTC)).total_seconds()) < 60


def test_the_crm_command_says_what_is_wrong_with_crm_clock(tmp_path: Path) -> None:
    argv = ["demo", "--db", str(tmp_path / "x.db"), "--prospects", "1"]
    code = f"import sys; from crm.cli import main; sys.exit(main({argv!r}))"
    done = _run(code, "2026-13-01")
    assert done.returncode == 1
    assert done.stderr.startswith("crm: CRM_CLOCK='2026-13-01' is not a date or a date-time")
    assert "Traceback" not in done.stderr


def test_the_test_suite_refuses_a_bad_crm_clock_before_any_test() -> None:
    code = (
        "import sys, pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', "
        "'tests/unit/test_money.py']))"
    )
    done = _run(code, "next saturday")
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert "ERROR: CRM_CLOCK='next saturday' is not a date or a date-time" in output
    assert "Traceback" not in output and "passed" not in output


def test_ci_runs_the_suite_on_an_ordinary_saturday_a_holiday_and_a_makeup_day() -> None:
    from chinese_calendar.constants import holidays, workdays

    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    found = re.findall(r"^step on_day (\d{4}-\d{2}-\d{2}) ", script, re.MULTILINE)
    assert len(found) == 3
    days = [date.fromisoformat(d) for d in found]
    holiday = next(d for d in days if d.weekday() < 5)
    saturday = next(d for d in days if d.weekday() == 5 and d not in workdays)
    makeup = next(d for d in days if d.weekday() >= 5 and d in workdays)
    assert saturday.weekday() == 5 and saturday not in holidays and saturday not in workdays
    assert holiday.weekday() < 5 and holiday in holidays
    assert makeup.weekday() >= 5 and makeup in workdays

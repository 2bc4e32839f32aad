"""When each prospect is next due for contact: the cadence rules in force, the holiday
calendar, and ``next_visit_due`` kept on every prospect.

The rules are data (resources/data/cadence.json, replaced by head office's), public
holidays come from the ``chinesecalendar`` package for the years it knows and from tables
head office publishes (``holiday_years``), which win for the same year; any other year has
the provisional statutory calendar (``provisional_year``). Every writer of a
prospect computes the due date here (`DueDates`), so a prospect typed in, imported, or
downloaded comes due on the same day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from crm import resources
from crm.domain.cadence import CadenceFacts, CadenceRule, CadenceTable, due_date, parse_rules
from crm.domain.holidays import HolidayCalendar, HolidayYear, parse_year_table, statutory_year
from crm.domain.stages import Stage
from crm.store import meta
from crm.store.models import Loan, Prospect, StageEvent
from crm.store.models_visit import CadenceRule as CadenceRow
from crm.store.models_visit import HolidayYear as HolidayRow

DUE_SOON_KEY = "cadence.due_soon_days"
Executor = Session | Connection


@lru_cache(maxsize=1)
def default_cadence() -> CadenceTable:
    return parse_rules(resources.load_json("data", "cadence.json"))


@lru_cache(maxsize=1)
def package_years() -> dict[int, HolidayYear]:
    """What the chinesecalendar package knows (2004 to its last published year)."""
    from chinese_calendar.constants import holidays, workdays

    days_off: dict[int, dict[date, str]] = {}
    worked: dict[int, dict[date, str]] = {}
    for day, name in holidays.items():
        days_off.setdefault(day.year, {})[day] = str(name)
    for day, name in workdays.items():
        worked.setdefault(day.year, {})[day] = str(name)
    return {
        year: HolidayYear(year, days_off[year], worked.get(year, {}), "chinesecalendar")
        for year in days_off
    }


@lru_cache(maxsize=256)
def provisional_year(year: int) -> HolidayYear | None:
    """The statutory holidays of a year nobody has published (None outside 1901-2099, the
    years the lunar calendar library covers): New Year's Eve, the Dragon Boat Festival and
    Mid-autumn from ``lunardate``, 清明 (a solar term) from ``chinesecalendar``."""
    from chinese_calendar import get_solar_terms
    from lunardate import LunarDate

    if not 1901 <= year <= 2099:
        return None
    qingming = [
        day for day, name in get_solar_terms(date(year, 4, 1), date(year, 4, 10)) if name == "清明"
    ]
    if not qingming:
        return None
    new_year = LunarDate(year, 1, 1).to_solar_date()
    return statutory_year(
        year,
        new_years_eve=new_year - timedelta(days=1),
        qingming=qingming[0],
        dragon_boat=LunarDate(year, 5, 5).to_solar_date(),
        mid_autumn=LunarDate(year, 8, 15).to_solar_date(),
    )


def calendar_of(years: dict[int, HolidayYear]) -> HolidayCalendar:
    """Published ``years``, the provisional statutory calendar for every other year."""
    return HolidayCalendar(years, provisional_year)


def holiday_calendar(session: Executor) -> HolidayCalendar:
    """The package's years, overlaid with every table head office published; provisional
    statutory holidays for the years neither has."""
    years = dict(package_years())
    for year, data, source in session.execute(
        select(HolidayRow.year, HolidayRow.data, HolidayRow.source)
    ):
        years[year] = parse_year_table(json.loads(data), source)
    return calendar_of(years)


def refresh_after_package_years(session: Executor, zone: ZoneInfo) -> int:
    """Recompute the due dates in years after the package's last, the ones a provisional
    calendar has holidays in (a book made before provisional calendars had weekends only
    there); returns how many changed."""
    first = date(max(package_years()) + 1, 1, 1)
    ids = list(
        session.execute(select(Prospect.id).where(Prospect.next_visit_due >= first)).scalars()
    )
    # In parts: a large book has more than SQLite's limit of bound variables to recompute.
    return sum(refresh_due(session, zone, ids[n : n + 5000]) for n in range(0, len(ids), 5000))


def cadence(session: Executor) -> CadenceTable:
    """The rules in force: the database's when head office's are there, else the defaults."""
    rows = list(
        session.execute(
            select(CadenceRow.stage, CadenceRow.every_days, CadenceRow.first_after_days)
        )
    )
    if not rows:
        return default_cadence()
    soon = meta.get(session, DUE_SOON_KEY)
    return CadenceTable(
        {r.stage: CadenceRule(r.stage, r.every_days, r.first_after_days) for r in rows},
        int(soon) if soon else default_cadence().due_soon_days,
    )


class DueDates:
    """The due date of new prospects, from the rules and calendar read once per write
    (a bulk writer asks for thousands of rows in a handful of stages and days)."""

    def __init__(self, session: Executor, zone: ZoneInfo) -> None:
        self.rules = cadence(session).rules
        self.calendar = holiday_calendar(session)
        self.zone = zone
        self._known: dict[tuple[str, date, date | None, date | None, str | None], date | None] = {}

    def due(
        self,
        stage: str,
        stage_changed_at: datetime,
        last_contact_on: date | None = None,
        first_loan_on: date | None = None,
        drop_reason: str | None = None,
    ) -> date | None:
        day = local_day(stage_changed_at, self.zone)
        key = (stage, day, last_contact_on, first_loan_on, drop_reason)
        if key not in self._known:
            facts = CadenceFacts(stage, last_contact_on, day, first_loan_on, drop_reason)
            self._known[key] = due_date(facts, self.rules, self.calendar)
        return self._known[key]

    def due_text(
        self,
        stage: str,
        stage_changed_at: str,
        last_contact_on: str | None,
        drop_reason: str | None = None,
    ) -> str | None:
        """`due` of values as stored (ISO text), as the due day's text."""
        found = self.due(
            stage,
            datetime.fromisoformat(stage_changed_at),
            None if last_contact_on is None else date.fromisoformat(last_contact_on),
            drop_reason=drop_reason,
        )
        return None if found is None else found.isoformat()


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date()


def refresh_due(
    session: Executor, zone: ZoneInfo, prospect_ids: Iterable[str] | None = None
) -> int:
    """Recompute ``next_visit_due`` of these prospects (all when None); returns how many
    changed. Call it in the transaction that changed a stage, a loan or a contact date."""
    wanted: Sequence[str] | None = None if prospect_ids is None else list(prospect_ids)
    if wanted is not None and not wanted:
        return 0
    first_loan = (
        select(Loan.prospect_id, func.min(Loan.start_date).label("first"))
        .group_by(Loan.prospect_id)
        .subquery()
    )
    stmt = select(
        Prospect.id,
        Prospect.stage,
        Prospect.last_contact_on,
        Prospect.stage_changed_at,
        Prospect.next_visit_due,
        first_loan.c.first,
    ).outerjoin(first_loan, first_loan.c.prospect_id == Prospect.id)
    if wanted is not None:
        stmt = stmt.where(Prospect.id.in_(wanted))
    rules = cadence(session).rules
    cal = holiday_calendar(session)
    changes: list[dict[str, Any]] = []
    rows = list(session.execute(stmt))
    dropped = _drop_facts(session, [r.id for r in rows if r.stage == Stage.DROPPED.value])
    for row in rows:
        reason, active = dropped.get(row.id, (None, False))
        due = due_date(
            CadenceFacts(
                row.stage,
                row.last_contact_on,
                local_day(row.stage_changed_at, zone),
                row.first,
                reason,
                active,
            ),
            rules,
            cal,
        )
        if due != row.next_visit_due:
            changes.append({"pid": row.id, "due": due})
    if changes:
        table = Prospect.__table__
        assert isinstance(table, Table)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("pid"))
            .values(next_visit_due=bindparam("due")),
            changes,
        )
    return len(changes)


def _drop_facts(session: Executor, prospect_ids: Sequence[str]) -> dict[str, tuple[str, bool]]:
    """Of dropped prospects: why they were last dropped, and whether a loan of theirs is
    still outstanding (post-loan care goes on)."""
    found: dict[str, tuple[str, bool]] = {}
    for start in range(0, len(prospect_ids), 500):
        part = prospect_ids[start : start + 500]
        reasons: dict[str, str] = {}
        for pid, code in session.execute(
            select(StageEvent.prospect_id, StageEvent.reason_code)
            .where(StageEvent.prospect_id.in_(part), StageEvent.to_stage == Stage.DROPPED.value)
            .order_by(StageEvent.changed_at)
        ):
            reasons[pid] = code
        owing = set(
            session.execute(
                select(Loan.prospect_id)
                .where(Loan.prospect_id.in_(part), Loan.status.in_(("active", "overdue")))
                .distinct()
            ).scalars()
        )
        for pid in part:
            found[pid] = (reasons.get(pid, ""), pid in owing)
    return found

"""The rules visits run on, as data: cadence, checklists, due-diligence items, holidays.

Defaults ship in resources/data (cadence.json, checklists.json, due_diligence.json) and
are copied into the database the first time something writes there; head office replaces
them later (``crm visits cadence import`` …), and sync will bring its versions too. Public
holidays come from the ``chinesecalendar`` package for the years it knows and from tables
head office publishes (``holiday_years``), which win for the same year.

This module also keeps every prospect's ``next_visit_due`` (``refresh_due``); other use
cases that change what the due date depends on (a stage move, a first loan) call it in
their own transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from crm import resources
from crm.domain.cadence import CadenceFacts, CadenceRule, CadenceTable, due_date, parse_rules
from crm.domain.holidays import HolidayCalendar, HolidayYear, parse_year_table
from crm.domain.visits import (
    ChecklistTemplate,
    DueDiligenceItem,
    parse_checklists,
    parse_due_diligence,
)
from crm.services.context import Context
from crm.services.outbox import meta_get, meta_set
from crm.store.models import Loan, Prospect
from crm.store.models_visit import CadenceRule as CadenceRow
from crm.store.models_visit import ChecklistArea as AreaRow
from crm.store.models_visit import ChecklistItem as ItemRow
from crm.store.models_visit import HolidayYear as HolidayRow

DUE_SOON_KEY = "cadence.due_soon_days"
STALLED_KEY = "checklist.stalled_after_days"

# -- defaults shipped with the app -------------------------------------------------------------


@lru_cache(maxsize=1)
def default_cadence() -> CadenceTable:
    return parse_rules(resources.load_json("data", "cadence.json"))


@lru_cache(maxsize=1)
def default_checklists() -> ChecklistTemplate:
    return parse_checklists(resources.load_json("data", "checklists.json"))


@lru_cache(maxsize=1)
def due_diligence_items() -> tuple[DueDiligenceItem, ...]:
    return parse_due_diligence(resources.load_json("data", "due_diligence.json"))


def due_diligence_codes() -> frozenset[str]:
    return frozenset(i.code for i in due_diligence_items())


# -- holidays -------------------------------------------------------------------------------


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


def holiday_calendar(session: Session) -> HolidayCalendar:
    """The package's years, overlaid with every table head office published."""
    years = dict(package_years())
    for row in session.scalars(select(HolidayRow)):
        years[row.year] = parse_year_table(json.loads(row.data), row.source)
    return HolidayCalendar(years)


@dataclass(frozen=True)
class HolidayYearInfo:
    year: int
    source: str  # "chinesecalendar" or what head office called its table
    holidays: int
    workdays: int
    published_at: datetime | None


def holiday_years(session: Session) -> list[HolidayYearInfo]:
    rows = {r.year: r for r in session.scalars(select(HolidayRow))}
    cal = holiday_calendar(session)
    return [
        HolidayYearInfo(
            year,
            table.source,
            len(table.holidays),
            len(table.workdays),
            rows[year].published_at if year in rows else None,
        )
        for year, table in sorted(cal.years.items())
    ]


def store_holiday_year(session: Session, ctx: Context, data: Mapping[str, Any], source: str) -> int:
    """Keep head office's table for a year (replacing an earlier one); returns the year."""
    table = parse_year_table(data, source)
    row = session.get(HolidayRow, table.year)
    text = json.dumps(
        {
            "year": table.year,
            "holidays": [
                {"date": d.isoformat(), "name": n} for d, n in sorted(table.holidays.items())
            ],
            "workdays": [
                {"date": d.isoformat(), "name": n} for d, n in sorted(table.workdays.items())
            ],
        },
        ensure_ascii=False,
    )
    if row is None:
        session.add(
            HolidayRow(
                year=table.year, data=text, source=table.source[:100], published_at=ctx.now()
            )
        )
    else:
        row.data, row.source, row.published_at = text, table.source[:100], ctx.now()
    session.flush()
    return table.year


# -- cadence and checklists in the database ----------------------------------------------------


def cadence(session: Session) -> CadenceTable:
    """The rules in force: the database's when head office's are there, else the defaults."""
    rows = list(session.scalars(select(CadenceRow)))
    if not rows:
        return default_cadence()
    soon = meta_get(session, DUE_SOON_KEY)
    return CadenceTable(
        {r.stage: CadenceRule(r.stage, r.every_days, r.first_after_days) for r in rows},
        int(soon) if soon else default_cadence().due_soon_days,
    )


def store_cadence(session: Session, table: CadenceTable) -> None:
    session.execute(delete(CadenceRow))
    for rule in table.rules.values():
        session.add(
            CadenceRow(
                stage=rule.stage, every_days=rule.every_days, first_after_days=rule.first_after_days
            )
        )
    meta_set(session, DUE_SOON_KEY, str(table.due_soon_days))
    session.flush()


def checklists(session: Session) -> ChecklistTemplate:
    """The checklist template in force (the database's, else the shipped default)."""
    from crm.domain.visits import ChecklistArea, ChecklistItem

    areas = list(session.scalars(select(AreaRow).order_by(AreaRow.position)))
    if not areas:
        return default_checklists()
    items = session.scalars(
        select(ItemRow).where(ItemRow.active.is_(True)).order_by(ItemRow.position)
    )
    stalled = meta_get(session, STALLED_KEY)
    return ChecklistTemplate(
        tuple(ChecklistArea(a.code, a.name_zh, a.name_en, a.position) for a in areas),
        tuple(ChecklistItem(i.code, i.area, i.text_zh, i.text_en, i.position) for i in items),
        int(stalled) if stalled else default_checklists().stalled_after_days,
    )


def store_checklists(session: Session, template: ChecklistTemplate) -> None:
    """Replace the template; items no longer listed stay (ticks point at them), inactive."""
    session.execute(delete(AreaRow))
    for area in template.areas:
        session.add(
            AreaRow(
                code=area.code, name_zh=area.name_zh, name_en=area.name_en, position=area.position
            )
        )
    existing = {i.code: i for i in session.scalars(select(ItemRow))}
    for old in existing.values():
        old.active = False
    for item in template.items:
        row = existing.get(item.code)
        if row is None:
            session.add(
                ItemRow(
                    code=item.code,
                    area=item.area,
                    text_zh=item.text_zh,
                    text_en=item.text_en,
                    position=item.position,
                    active=True,
                )
            )
        else:
            row.area, row.text_zh, row.text_en = item.area, item.text_zh, item.text_en
            row.position, row.active = item.position, True
    meta_set(session, STALLED_KEY, str(template.stalled_after_days))
    session.flush()


def seed_defaults(session: Session) -> None:
    """Copy the shipped defaults into an empty database (once)."""
    if session.scalar(select(func.count()).select_from(CadenceRow)) == 0:
        store_cadence(session, default_cadence())
    if session.scalar(select(func.count()).select_from(AreaRow)) == 0:
        store_checklists(session, default_checklists())


def seed_rows() -> dict[str, list[dict[str, Any]]]:
    """The defaults as plain rows, for bulk loaders (the demo builder)."""
    table, template = default_cadence(), default_checklists()
    return {
        "cadence_rules": [
            {"stage": r.stage, "every_days": r.every_days, "first_after_days": r.first_after_days}
            for r in table.rules.values()
        ],
        "checklist_areas": [
            {"code": a.code, "name_zh": a.name_zh, "name_en": a.name_en, "position": a.position}
            for a in template.areas
        ],
        "checklist_items": [
            {
                "code": i.code,
                "area": i.area,
                "text_zh": i.text_zh,
                "text_en": i.text_en,
                "position": i.position,
                "active": True,
            }
            for i in template.items
        ],
        "app_meta": [
            {"key": DUE_SOON_KEY, "value": str(table.due_soon_days)},
            {"key": STALLED_KEY, "value": str(template.stalled_after_days)},
        ],
    }


# -- next visit due ---------------------------------------------------------------------------


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date()


def refresh_due(session: Session, ctx: Context, prospect_ids: Iterable[str] | None = None) -> int:
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
    for row in session.execute(stmt):
        due = due_date(
            CadenceFacts(
                row.stage,
                row.last_contact_on,
                local_day(row.stage_changed_at, ctx.zone),
                row.first,
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

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from crm import resources
from crm.domain.cadence import CadenceTable
from crm.domain.holidays import parse_year_table
from crm.domain.visits import (
    ChecklistTemplate,
    DueDiligenceItem,
    parse_checklists,
    parse_due_diligence,
)
from crm.services.context import Context
from crm.store import due_dates, visit_rules_store

# The due-date rules live with the writers that use them; use cases read them from here.
from crm.store.due_dates import DUE_SOON_KEY as DUE_SOON_KEY
from crm.store.due_dates import cadence as cadence
from crm.store.due_dates import default_cadence as default_cadence
from crm.store.due_dates import holiday_calendar as holiday_calendar
from crm.store.due_dates import local_day as local_day
from crm.store.due_dates import package_years as package_years
from crm.store.unit_of_work import Session
from crm.store.visit_rules_store import STALLED_KEY as STALLED_KEY

# -- defaults shipped with the app -------------------------------------------------------------


@lru_cache(maxsize=1)
def default_checklists() -> ChecklistTemplate:
    return parse_checklists(resources.load_json("data", "checklists.json"))


@lru_cache(maxsize=1)
def due_diligence_items() -> tuple[DueDiligenceItem, ...]:
    return parse_due_diligence(resources.load_json("data", "due_diligence.json"))


def due_diligence_codes() -> frozenset[str]:
    return frozenset(i.code for i in due_diligence_items())


# -- holidays -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayYearInfo:
    year: int
    source: str  # "chinesecalendar" or what head office called its table
    holidays: int
    workdays: int
    published_at: datetime | None


def holiday_years(session: Session) -> list[HolidayYearInfo]:
    published = visit_rules_store.holiday_years_published(session)
    cal = holiday_calendar(session)
    return [
        HolidayYearInfo(
            year,
            table.source,
            len(table.holidays),
            len(table.workdays),
            published.get(year),
        )
        for year, table in sorted(cal.years.items())
    ]


def store_holiday_year(session: Session, ctx: Context, data: Mapping[str, Any], source: str) -> int:
    """Keep head office's table for a year (replacing an earlier one); returns the year."""
    table = parse_year_table(data, source)
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
    visit_rules_store.save_holiday_year(session, table.year, text, table.source[:100], ctx.now())
    return table.year


# -- cadence and checklists in the database ----------------------------------------------------


def store_cadence(session: Session, table: CadenceTable) -> None:
    visit_rules_store.replace_cadence(session, table)


def checklists(session: Session) -> ChecklistTemplate:
    """The checklist template in force (the database's, else the shipped default)."""
    stored = visit_rules_store.stored_checklists(session)
    if stored is None:
        return default_checklists()
    areas, items, stalled = stored
    return ChecklistTemplate(
        areas, items, int(stalled) if stalled else default_checklists().stalled_after_days
    )


def store_checklists(session: Session, template: ChecklistTemplate) -> None:
    """Replace the template; items no longer listed stay (ticks point at them), inactive."""
    visit_rules_store.replace_checklists(session, template)


def seed_defaults(session: Session) -> None:
    """Copy the shipped defaults into an empty database (once)."""
    if visit_rules_store.cadence_rule_count(session) == 0:
        store_cadence(session, default_cadence())
    if visit_rules_store.checklist_area_count(session) == 0:
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


def refresh_due(session: Session, ctx: Context, prospect_ids: Iterable[str] | None = None) -> int:
    """Recompute ``next_visit_due`` of these prospects (all when None); returns how many
    changed. Call it in the transaction that changed a stage, a loan or a contact date."""
    return due_dates.refresh_due(session, ctx.zone, prospect_ids)

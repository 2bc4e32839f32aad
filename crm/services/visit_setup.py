"""Head office's rules for visits as use cases: holiday tables, cadence, checklist templates,
and every prospect's next visit due recomputed after them.

What ``crm visits holidays|cadence|checklists|recompute-due`` call: each owns its
transaction (the rules themselves, read and kept over a session, are in ``visit_rules``;
their statements in ``crm.store.visit_rules_store``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from crm.domain.cadence import CadenceTable
from crm.domain.holidays import HOLIDAY_NAMES_ZH, holiday_name
from crm.domain.visits import ChecklistTemplate
from crm.services import visit_rules
from crm.services.context import Context
from crm.services.visit_rules import HolidayYearInfo


@dataclass(frozen=True)
class HolidayDay:
    """A day off or a make-up working day of a year's calendar, named in both languages."""

    day: date
    kind: str  # "holiday" or "makeup"
    name_zh: str
    name_en: str
    # From the statutory holidays, until head office publishes the year.
    provisional: bool


class VisitSetupService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def holiday_years(self) -> list[HolidayYearInfo]:
        with self.ctx.db.reading() as s:
            return visit_rules.holiday_years(s)

    def holiday_days(self, year: int) -> list[HolidayDay]:
        """The year's days off and make-up working days, in date order: the published
        table, else the provisional one; [] for a year with neither (before 1901)."""
        with self.ctx.db.reading() as s:
            table = visit_rules.holiday_calendar(s).table(year)
        if table is None:
            return []
        days = [(d, "holiday", n) for d, n in table.holidays.items()]
        days += [(d, "makeup", n) for d, n in table.workdays.items()]
        english = {zh: en for en, zh in HOLIDAY_NAMES_ZH.items()}
        return [
            HolidayDay(
                day,
                kind,
                holiday_name(name, "zh_CN"),
                english.get(name, name),
                table.provisional,
            )
            for day, kind, name in sorted(days)
        ]

    def load_holidays(self, data: Mapping[str, Any], source: str) -> tuple[int, int]:
        """Keep head office's table of a year; returns the year and how many due dates
        changed."""
        with self.ctx.db.transaction() as s:
            year = visit_rules.store_holiday_year(s, self.ctx, data, source)
            changed = visit_rules.refresh_due(s, self.ctx)
        return year, changed

    def cadence(self) -> CadenceTable:
        with self.ctx.db.reading() as s:
            return visit_rules.cadence(s)

    def load_cadence(self, table: CadenceTable) -> int:
        """Replace the cadence rules; returns how many due dates changed."""
        with self.ctx.db.transaction() as s:
            visit_rules.store_cadence(s, table)
            return visit_rules.refresh_due(s, self.ctx)

    def load_checklists(self, template: ChecklistTemplate) -> None:
        with self.ctx.db.transaction() as s:
            visit_rules.store_checklists(s, template)

    def recompute_due(self) -> int:
        """Every prospect's next visit due; returns how many changed."""
        with self.ctx.db.transaction() as s:
            return visit_rules.refresh_due(s, self.ctx)

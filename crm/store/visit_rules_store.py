"""The rules visits run on, as the book keeps them: cadence rules, the checklist template
and head office's holiday tables (how they are read for due dates: ``due_dates``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crm.domain.cadence import CadenceTable
from crm.domain.visits import ChecklistArea, ChecklistItem, ChecklistTemplate
from crm.store import meta
from crm.store.due_dates import DUE_SOON_KEY
from crm.store.models_visit import CadenceRule as CadenceRow
from crm.store.models_visit import ChecklistArea as AreaRow
from crm.store.models_visit import ChecklistItem as ItemRow
from crm.store.models_visit import HolidayYear as HolidayRow

STALLED_KEY = "checklist.stalled_after_days"


# -- holidays -------------------------------------------------------------------------------


def holiday_years_published(s: Session) -> dict[int, datetime]:
    """When head office published each year's table the book holds."""
    return {r.year: r.published_at for r in s.scalars(select(HolidayRow))}


def save_holiday_year(
    s: Session, year: int, data: str, source: str, published_at: datetime
) -> None:
    """Keep a year's table (``data``: its JSON text), replacing an earlier one."""
    row = s.get(HolidayRow, year)
    if row is None:
        s.add(HolidayRow(year=year, data=data, source=source, published_at=published_at))
    else:
        row.data, row.source, row.published_at = data, source, published_at
    s.flush()


# -- cadence --------------------------------------------------------------------------------


def cadence_rule_count(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(CadenceRow)) or 0)


def replace_cadence(s: Session, table: CadenceTable) -> None:
    """The book's cadence rules and due-soon window become ``table``'s."""
    s.execute(delete(CadenceRow))
    for rule in table.rules.values():
        s.add(
            CadenceRow(
                stage=rule.stage, every_days=rule.every_days, first_after_days=rule.first_after_days
            )
        )
    meta.put(s, DUE_SOON_KEY, str(table.due_soon_days))
    s.flush()


# -- checklists -----------------------------------------------------------------------------


def checklist_area_count(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(AreaRow)) or 0)


def stored_checklists(
    s: Session,
) -> tuple[tuple[ChecklistArea, ...], tuple[ChecklistItem, ...], str | None] | None:
    """The book's checklist template: its areas, active items and the stalled-after days
    as stored; None when the book has no areas (the shipped default is in force)."""
    areas = list(s.scalars(select(AreaRow).order_by(AreaRow.position)))
    if not areas:
        return None
    items = s.scalars(select(ItemRow).where(ItemRow.active.is_(True)).order_by(ItemRow.position))
    stalled = meta.get(s, STALLED_KEY)
    return (
        tuple(ChecklistArea(a.code, a.name_zh, a.name_en, a.position) for a in areas),
        tuple(ChecklistItem(i.code, i.area, i.text_zh, i.text_en, i.position) for i in items),
        stalled,
    )


def replace_checklists(s: Session, template: ChecklistTemplate) -> None:
    """Replace the template; items no longer listed stay (ticks point at them), inactive."""
    s.execute(delete(AreaRow))
    for area in template.areas:
        s.add(
            AreaRow(
                code=area.code, name_zh=area.name_zh, name_en=area.name_en, position=area.position
            )
        )
    existing = {i.code: i for i in s.scalars(select(ItemRow))}
    for old in existing.values():
        old.active = False
    for item in template.items:
        row = existing.get(item.code)
        if row is None:
            s.add(
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
    meta.put(s, STALLED_KEY, str(template.stalled_after_days))
    s.flush()

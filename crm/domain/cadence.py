"""Contact cadence (常态化联系): when each prospect's next contact is due.

Head office sets the rhythm per stage (the defaults ship in resources/data/cadence.json):
a no-loan prospect every 30 days; a first-loan customer a post-loan visit within 15 days
of the first drawdown, then every 90 days; a strategic client every 90 days. A dropped
prospect has a rhythm only for the drop reasons that have a rule (``dropped:REASON``): one
with no financing need now is revisited on a long cycle (180 days by default), counted from
the later of its last contact and the drop. A customer dropped (with a team lead's
confirmation) while a loan is still outstanding stays in post-loan care: the first-loan
rhythm.

The interval counts calendar days from the last contact (or, for a prospect never
contacted, from the day it entered the reserve pool). A deadline that falls on a day off
moves to the next working day, as a period ending on a statutory holiday does in Chinese
law (民法典 第二百零三条); a make-up working day (调休) is a working day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crm.domain.errors import DomainError
from crm.domain.holidays import HolidayCalendar
from crm.domain.stages import DropReason, Stage

MAX_INTERVAL_DAYS = 366
DROPPED_PREFIX = "dropped:"


def drop_rule_key(reason_code: str) -> str:
    """The key of the revisit rule of prospects dropped for ``reason_code``."""
    return DROPPED_PREFIX + reason_code


class InvalidCadence(DomainError):
    """Cadence rules that cannot be used; says which rule is wrong."""


@dataclass(frozen=True)
class CadenceRule:
    # A stage, or ``dropped:REASON`` for prospects dropped for that reason.
    stage: str
    every_days: int
    # Days after the first drawdown by which the post-loan visit is due (first-loan only).
    first_after_days: int | None = None


@dataclass(frozen=True)
class CadenceFacts:
    stage: str
    last_contact: date | None
    # The day the prospect entered the reserve pool (its record was created).
    entered_on: date
    # The start date of the prospect's first loan, if it has one.
    first_drawdown: date | None = None
    # Why a dropped prospect was dropped (its last drop's reason code).
    drop_reason: str | None = None
    # A loan of the prospect is still outstanding (active or overdue).
    active_loan: bool = False


def due_date(
    facts: CadenceFacts, rules: Mapping[str, CadenceRule], calendar: HolidayCalendar
) -> date | None:
    """The day by which the next contact is due; None when the stage has no rhythm."""
    if facts.stage == Stage.DROPPED.value:
        return _dropped_due(facts, rules, calendar)
    rule = rules.get(facts.stage)
    if rule is None:
        return None
    last = facts.last_contact
    if (
        rule.first_after_days is not None
        and facts.first_drawdown is not None
        and (last is None or last < facts.first_drawdown)
    ):
        deadline = facts.first_drawdown + timedelta(days=rule.first_after_days)
    else:
        deadline = (last or facts.entered_on) + timedelta(days=rule.every_days)
    return calendar.next_workday(deadline)


def _dropped_due(
    facts: CadenceFacts, rules: Mapping[str, CadenceRule], calendar: HolidayCalendar
) -> date | None:
    if facts.active_loan and Stage.FIRST_LOAN.value in rules:
        return due_date(
            CadenceFacts(
                Stage.FIRST_LOAN.value, facts.last_contact, facts.entered_on, facts.first_drawdown
            ),
            rules,
            calendar,
        )
    rule = rules.get(drop_rule_key(facts.drop_reason)) if facts.drop_reason else None
    if rule is None:
        return None
    start = max(facts.last_contact or facts.entered_on, facts.entered_on)
    return calendar.next_workday(start + timedelta(days=rule.every_days))


def overdue_days(due: date | None, today: date) -> int:
    """Whole days past the due date (0 when not overdue or without a rhythm)."""
    if due is None or today <= due:
        return 0
    return (today - due).days


@dataclass(frozen=True)
class CadenceTable:
    rules: Mapping[str, CadenceRule]
    # How many days ahead "due soon" looks (Today, `crm visits due`).
    due_soon_days: int = 7
    source: str = ""


def parse_rules(data: Mapping[str, Any]) -> CadenceTable:
    """Head office's cadence table (JSON)::

    {"rules": [{"stage": "no_loan", "every_days": 30},
               {"stage": "first_loan", "every_days": 90, "first_after_days": 15},
               {"stage": "dropped:no_need", "every_days": 180}, ...],
     "due_soon_days": 7}

    A ``dropped:REASON`` rule (REASON a drop reason) sets when prospects dropped for it are
    revisited; dropped prospects of other reasons have no rhythm.
    """
    raw = data.get("rules")
    if not isinstance(raw, list) or not raw:
        raise InvalidCadence("cadence.no_rules", "the cadence table has no rules")
    stages = {s.value for s in Stage if s != Stage.DROPPED}
    stages |= {drop_rule_key(r.value) for r in DropReason}
    rules: dict[str, CadenceRule] = {}
    for n, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            raise InvalidCadence("cadence.bad_rule", "cadence rule #{n} is not an object", n=n)
        stage = entry.get("stage")
        if stage not in stages:
            raise InvalidCadence(
                "cadence.stage",
                "cadence rule #{n}: '{stage}' is not a stage with a contact rhythm",
                n=n,
                stage=stage,
            )
        every = _days(entry.get("every_days"), n, "every_days")
        first = entry.get("first_after_days")
        first_days = None if first is None else _days(first, n, "first_after_days")
        if stage in rules:
            raise InvalidCadence(
                "cadence.duplicate", "the cadence table has two rules for '{stage}'", stage=stage
            )
        rules[str(stage)] = CadenceRule(str(stage), every, first_days)
    soon = data.get("due_soon_days", 7)
    if isinstance(soon, bool) or not isinstance(soon, int) or not 0 <= soon <= 60:
        raise InvalidCadence(
            "cadence.soon",
            "due_soon_days must be a whole number from 0 to 60, got '{value}'",
            value=soon,
        )
    return CadenceTable(rules, soon, str(data.get("source", "") or ""))


def _days(value: object, n: int, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INTERVAL_DAYS:
        raise InvalidCadence(
            "cadence.days",
            "cadence rule #{n}: {key} must be a whole number of days from 1 to {max}, "
            "got '{value}'",
            n=n,
            key=key,
            max=MAX_INTERVAL_DAYS,
            value=value,
        )
    return value

"""Visits as an iCalendar file (RFC 5545) for Outlook and phone calendars.

Each visit is one event whose UID is the visit's id, so importing a newer export updates
the events instead of duplicating them (SEQUENCE is the visit's version). Times are in
Asia/Shanghai with the zone's definition included; a visit without a time is an all-day
event. Amendments are not events of their own: they correct a visit already there.

Active loans add all-day events: each renewal reminder (续贷提醒, 90/60/30/7 days before
maturity, on a working day) and the maturity itself, with stable UIDs too. So do the public
holidays and make-up working days (调休) of the range, free time in the calendar, said to be
provisional while head office has not published the year (a later export, published,
replaces them: their UIDs are their days).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from crm.domain.holidays import DayInfo, DayKind, holiday_name
from crm.domain.visits import VisitKind, VisitStatus
from crm.i18n import language, msg
from crm.services import visit_rules
from crm.services.audit import Action, AuditService
from crm.services.context import Context
from crm.services.loans import LoanService, RenewalEvent
from crm.services.visits import VisitLine, VisitService

PRODID = "-//FirstLoan CRM//首贷通//ZH"
UID_DOMAIN = "firstloan-crm"
SITE_MINUTES = 60
CALL_MINUTES = 30
# Default window: the last quarter's records and everything planned ahead.
PAST_DAYS = 90
FUTURE_DAYS = 366


def uid(visit_id: str) -> str:
    return f"{visit_id}@{UID_DOMAIN}"


def _summary(line: VisitLine) -> str:
    if line.kind == VisitKind.PHONE.value:
        return msg("Call: {name}", name=line.prospect_name)
    if line.kind == VisitKind.ONLINE.value:
        return msg("Video call: {name}", name=line.prospect_name)
    return msg("Visit: {name}", name=line.prospect_name)


def _description(line: VisitLine) -> str:
    parts = []
    if line.purpose:
        parts.append(msg("Purpose: {text}", text=line.purpose))
    if line.companions:
        parts.append(msg("With: {text}", text=line.companions))
    if line.district_name:
        parts.append(msg("District: {text}", text=line.district_name))
    if line.status == VisitStatus.FINAL.value:
        parts.append(msg("Recorded (final)"))
    elif line.status == VisitStatus.DRAFT.value:
        parts.append(msg("Record started, not finalized"))
    return "\n".join(parts)


def _renewal_event(item: RenewalEvent, stamp: datetime) -> Event:
    from crm.domain.money import format_yuan

    event = Event()
    event.add("uid", f"renewal-{item.loan_id}-{item.days_before}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    if item.days_before:
        event.add(
            "summary",
            msg(
                "Renewal reminder ({days} days): {name}",
                days=item.days_before,
                name=item.prospect_name,
            ),
        )
    else:
        event.add("summary", msg("Loan matures: {name}", name=item.prospect_name))
    event.add("dtstart", item.on)
    event.add("dtend", item.on + timedelta(days=1))
    event.add(
        "description",
        msg(
            "Maturity {day}; balance {balance}",
            day=item.maturity.isoformat(),
            balance=format_yuan(item.balance_fen),
        ),
    )
    event.add("status", "CONFIRMED")
    event.add("categories", [msg("Loan renewal")])
    return event


def _holiday_event(info: DayInfo, stamp: datetime) -> Event:
    name = holiday_name(info.name, language())
    if info.kind == DayKind.MAKEUP:
        summary = msg("Make-up working day: {name}", name=name)
    else:
        summary = msg("Public holiday: {name}", name=name)
    if info.provisional:
        summary = msg("{text} (provisional)", text=summary)
    event = Event()
    event.add("uid", f"holiday-{info.day.isoformat()}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", info.day)
    event.add("dtend", info.day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("status", "TENTATIVE" if info.provisional else "CONFIRMED")
    event.add("categories", [msg("Public holiday")])
    if info.provisional:
        event.add(
            "description",
            msg(
                "Computed from the statutory holidays; head office's schedule for {year} "
                "replaces it when published",
                year=info.day.year,
            ),
        )
    return event


def build_calendar(
    lines: Sequence[VisitLine],
    ctx: Context,
    name: str,
    renewals: Sequence[RenewalEvent] = (),
    days_off: Sequence[DayInfo] = (),
) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", ctx.zone.key)
    stamp = ctx.now().astimezone(UTC)
    for line in lines:
        event = Event()
        event.add("uid", uid(line.id))
        event.add("dtstamp", stamp)
        event.add("sequence", line.version)
        event.add("summary", _summary(line))
        if line.start_time:
            hour, minute = (int(part) for part in line.start_time.split(":"))
            start = datetime.combine(line.visit_on, time(hour, minute), ctx.zone)
            minutes = SITE_MINUTES if line.kind == VisitKind.SITE.value else CALL_MINUTES
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=minutes))
        else:
            event.add("dtstart", line.visit_on)
            event.add("dtend", line.visit_on + timedelta(days=1))
        if line.place:
            event.add("location", line.place)
        description = _description(line)
        if description:
            event.add("description", description)
        event.add("status", "CONFIRMED")
        event.add("categories", [msg("Customer visit")])
        cal.add_component(event)
    for item in renewals:
        cal.add_component(_renewal_event(item, stamp))
    for info in days_off:
        cal.add_component(_holiday_event(info, stamp))
    cal.add_missing_timezones()
    return cal


def export_ics(
    ctx: Context,
    target: Path,
    rm_ids: Sequence[str] | None,
    start: date | None = None,
    end: date | None = None,
    name: str = "",
) -> int:
    """Write the visits of these RMs (everyone's when None) to ``target``; returns how many."""
    today = ctx.today()
    first = start or today - timedelta(days=PAST_DAYS)
    last = end or today + timedelta(days=FUTURE_DAYS)
    lines = VisitService(ctx).between(first, last, rm_ids)
    renewals = LoanService(ctx).calendar_events(max(first, today), last, rm_ids)
    with ctx.db.reading() as s:
        holidays = visit_rules.holiday_calendar(s)
    days_off = [
        i for i in holidays.span(first, last) if i.kind in (DayKind.HOLIDAY, DayKind.MAKEUP)
    ]
    cal = build_calendar(lines, ctx, name or msg("FirstLoan CRM visits"), renewals, days_off)
    target.write_bytes(cal.to_ical())
    AuditService(ctx).record(
        Action.EXPORT,
        detail={"format": "ics", "visits": len(lines), "renewals": len(renewals)},
    )
    return len(lines)


class CalendarExportService:
    """``export_ics`` over the services' context (what ``Services.calendar`` hands out)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def export_ics(
        self,
        target: Path,
        rm_ids: Sequence[str] | None,
        start: date | None = None,
        end: date | None = None,
        name: str = "",
    ) -> int:
        return export_ics(self.ctx, target, rm_ids, start, end, name)

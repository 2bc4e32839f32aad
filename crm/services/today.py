"""Today: what an RM (or a team lead, for the team) has to do now.

Visits planned today, visits planned earlier and not recorded, prospects whose contact
rhythm has lapsed, prospects due soon, and first-loan customers whose financial-literacy
checklist has not moved for a while, and loans whose renewal reminder waits for action.
Every list is one indexed query; the long ones are capped (with their full count) because a
page shows the most urgent first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from crm.domain.cadence import overdue_days
from crm.domain.holidays import DayInfo
from crm.services import visit_rules
from crm.services.acting import acting
from crm.services.container import Services
from crm.services.context import Context, NotFound
from crm.services.loans import LoanService, RenewalDue, reminder_days
from crm.services.service_plans import PlanSummary, ServicePlanService
from crm.services.visits import VisitLine, to_line
from crm.store import today_queries, user_queries, visit_queries
from crm.store.unit_of_work import Session

LIST_LIMIT = 200
# A page of each list `crm visits due` prints (the whole book's overdue list runs to tens
# of thousands: printed whole it takes seconds and helps nobody).
DUE_PAGE = 200
# Years ahead whose holidays the Today page warns about when unknown.
HOLIDAY_LOOKAHEAD_DAYS = 60


@dataclass(frozen=True)
class Scope:
    """Whose book: some RMs' (by user id), or everybody's (None)."""

    rm_ids: tuple[str, ...] | None
    label: str = ""

    @property
    def everyone(self) -> bool:
        return self.rm_ids is None


@dataclass(frozen=True)
class DueProspect:
    id: str
    name: str
    stage: str
    rm_id: str | None
    rm_name: str | None
    district_code: str | None
    district_name: str | None
    phone: str
    last_contact_on: date | None
    next_visit_due: date | None
    overdue_days: int
    next_planned_on: date | None


@dataclass(frozen=True)
class StalledChecklist:
    prospect_id: str
    name: str
    rm_name: str | None
    done: int
    total: int
    since: date  # last item covered, or the day it became a first-loan customer
    idle_days: int


@dataclass(frozen=True)
class TodaySummary:
    day: date
    scope: Scope
    planned: tuple[VisitLine, ...]
    overdue_visits: tuple[VisitLine, ...]
    overdue_visit_count: int
    overdue: tuple[DueProspect, ...]
    overdue_count: int
    due_soon: tuple[DueProspect, ...]
    due_soon_count: int
    due_soon_days: int
    stalled: tuple[StalledChecklist, ...]
    stalled_count: int
    stalled_after_days: int
    # Years in the coming weeks with no holiday table at all (weekends only).
    unknown_holiday_years: tuple[int, ...]
    # Loans whose renewal reminder waits for action, the longest waiting first.
    renewals: tuple[RenewalDue, ...] = ()
    # Years in the coming weeks whose days off are provisional (statutory, not published).
    provisional_holiday_years: tuple[int, ...] = ()
    # What the day is; on a day off (weekend or holiday), the next working day and the
    # visits planned for it, so the page says what comes next.
    day_info: DayInfo | None = None
    next_workday: date | None = None
    next_planned: tuple[VisitLine, ...] = ()
    # Service plans whose review has come (crm.services.service_plans), longest waiting first.
    plan_reviews: tuple[PlanSummary, ...] = ()


@dataclass(frozen=True)
class DueReport:
    """What ``crm visits due`` prints: each list a page (``offset``, ``limit``) of its whole,
    with the whole's count, so a team's or the whole book's report stays quick to read."""

    day: date
    due_soon_days: int
    planned: tuple[VisitLine, ...]
    overdue_visits: tuple[VisitLine, ...]
    overdue_visit_count: int
    overdue: tuple[DueProspect, ...]
    overdue_count: int
    due: tuple[DueProspect, ...]
    due_count: int
    offset: int
    limit: int | None
    # Loans whose renewal reminder waits for action, the longest waiting first.
    renewals: tuple[RenewalDue, ...] = ()
    # Service plans whose review has come, longest waiting first.
    plan_reviews: tuple[PlanSummary, ...] = ()


class TodayService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- whose book -------------------------------------------------------------------------

    def scope_for(self, user_id: str | None) -> Scope:
        """An RM's own book; a team lead's team (the lead included); everyone's otherwise."""
        if user_id is None:
            return Scope(None)
        with self.ctx.db.reading() as s:
            user = user_queries.person(s, user_id)
            if user is None:
                raise NotFound("user", user_id)
            if user.role == "rm":
                return Scope((user.id,), user.display_name)
            if user.role == "lead" and user.team_id:
                members = user_queries.active_members(s, user.team_id)
                return Scope(members, user_queries.team_name(s, user.team_id) or "")
            return Scope(None)

    def allowed(self, scope: Scope) -> Scope:
        """``scope`` if the acting user's role reaches it (crm.domain.roles); everyone's book
        asked by an RM or a lead is their own scope; another RM's or team's is refused."""
        who = acting(self.ctx)
        if who.everyone:
            return scope
        if scope.rm_ids is None:
            return self.scope_for(who.user_id)
        who.rm_ids(scope.rm_ids)
        return scope

    # -- Today ------------------------------------------------------------------------------

    def summary(
        self, scope: Scope, day: date | None = None, limit: int = LIST_LIMIT
    ) -> TodaySummary:
        scope = self.allowed(scope)
        today = day or self.ctx.today()
        with self.ctx.db.reading() as s:
            table = visit_rules.cadence(s)
            template = visit_rules.checklists(s)
            cal = visit_rules.holiday_calendar(s)
            info = cal.info(today)
            next_workday = (
                None if info.kind.is_working else cal.next_workday(today + timedelta(days=1))
            )
            planned = self._planned(s, scope, today)
            late = self._late_visits(s, scope, today, limit)
            late_count = self._late_count(s, scope, today)
            horizon = today + timedelta(days=table.due_soon_days)
            overdue_count, soon_count = today_queries.due_counts(s, scope.rm_ids, today, horizon)
            overdue, _ = self._due_list(
                s, scope, (None, today - timedelta(days=1)), today, limit, count=overdue_count
            )
            soon, _ = self._due_list(s, scope, (today, horizon), today, limit, count=soon_count)
            stalled, stalled_count = self._stalled(
                s, scope, today, template.stalled_after_days, sorted(template.codes()), limit
            )
            return TodaySummary(
                day=today,
                scope=scope,
                planned=tuple(planned),
                overdue_visits=tuple(late),
                overdue_visit_count=late_count,
                overdue=tuple(overdue),
                overdue_count=overdue_count,
                due_soon=tuple(soon),
                due_soon_count=soon_count,
                due_soon_days=table.due_soon_days,
                stalled=tuple(stalled),
                stalled_count=stalled_count,
                stalled_after_days=template.stalled_after_days,
                unknown_holiday_years=cal.unknown_years(
                    today, today + timedelta(days=HOLIDAY_LOOKAHEAD_DAYS)
                ),
                renewals=self.renewals(scope, today),
                provisional_holiday_years=cal.provisional_years(
                    today, today + timedelta(days=HOLIDAY_LOOKAHEAD_DAYS)
                ),
                day_info=info,
                next_workday=next_workday,
                next_planned=tuple(self._planned(s, scope, next_workday) if next_workday else ()),
                plan_reviews=ServicePlanService(self.ctx).reviews_due(scope.rm_ids, today),
            )

    def starting_soon(self, scope: Scope, now: datetime, minutes: int = 15) -> list[VisitLine]:
        """Today's open visits whose start time falls in the next ``minutes``."""
        scope = self.allowed(scope)
        local = now.astimezone(self.ctx.zone)
        start = local.strftime("%H:%M")
        end = (local + timedelta(minutes=minutes)).strftime("%H:%M")
        if end < start:  # past midnight
            end = "23:59"
        with self.ctx.db.reading() as s:
            return [
                v
                for v in self._planned(s, scope, local.date())
                if v.start_time and start <= v.start_time <= end
            ]

    # -- `crm visits due` -------------------------------------------------------------------

    def due_report(
        self,
        scope: Scope,
        day: date | None = None,
        days: int | None = None,
        *,
        limit: int | None = DUE_PAGE,
        offset: int = 0,
    ) -> DueReport:
        """The day's planned visits (all of them: a day holds few), and a page of each longer
        list (late visits, contact overdue, contact due soon), most urgent first."""
        scope = self.allowed(scope)
        today = day or self.ctx.today()
        with self.ctx.db.reading() as s:
            window = visit_rules.cadence(s).due_soon_days if days is None else days
            horizon = today + timedelta(days=window)
            overdue_count, due_count = today_queries.due_counts(s, scope.rm_ids, today, horizon)
            overdue, _ = self._due_list(
                s,
                scope,
                (None, today - timedelta(days=1)),
                today,
                limit,
                offset,
                count=overdue_count,
            )
            due, _ = self._due_list(
                s, scope, (today, horizon), today, limit, offset, count=due_count
            )
            return DueReport(
                day=today,
                due_soon_days=window,
                planned=tuple(self._planned(s, scope, today)),
                overdue_visits=tuple(self._late_visits(s, scope, today, limit, offset)),
                overdue_visit_count=self._late_count(s, scope, today),
                overdue=tuple(overdue),
                overdue_count=overdue_count,
                due=tuple(due),
                due_count=due_count,
                offset=offset,
                limit=limit,
                renewals=self.renewals(scope, today),
                plan_reviews=ServicePlanService(self.ctx).reviews_due(scope.rm_ids, today),
            )

    def renewals(self, scope: Scope, day: date | None = None) -> tuple[RenewalDue, ...]:
        """Loans whose renewal reminder waits for action (a past one too: never lost),
        the longest waiting first, then the soonest maturity."""
        scope = self.allowed(scope)
        window = max(reminder_days(), default=0)
        due = LoanService(self.ctx).renewals_due(window, day or self.ctx.today(), scope.rm_ids)
        waiting = [r for r in due if r.needs_action]
        return tuple(sorted(waiting, key=lambda r: (-r.overdue_days, r.maturity, r.loan_id)))

    def no_contact(
        self, scope: Scope, days: int, day: date | None = None, limit: int | None = LIST_LIMIT
    ) -> list[DueProspect]:
        """Prospects with no contact for at least ``days`` days (never contacted ones too,
        when they entered their stage that long ago), longest silence first."""
        scope = self.allowed(scope)
        today = day or self.ctx.today()
        cutoff = today - timedelta(days=days)
        entered_before = datetime.combine(cutoff + timedelta(days=1), time(), self.ctx.zone)
        with self.ctx.db.reading() as s:
            rows = today_queries.no_contact_rows(s, scope.rm_ids, cutoff, entered_before, limit)
            return self._due_rows(s, rows, today)

    # -- internals --------------------------------------------------------------------------

    def _planned(self, s: Session, scope: Scope, day: date) -> list[VisitLine]:
        return [to_line(r) for r in today_queries.planned_lines(s, scope.rm_ids, day)]

    def _late_visits(
        self, s: Session, scope: Scope, day: date, limit: int | None, offset: int = 0
    ) -> list[VisitLine]:
        return [to_line(r) for r in today_queries.late_lines(s, scope.rm_ids, day, limit, offset)]

    def _late_count(self, s: Session, scope: Scope, day: date) -> int:
        return today_queries.late_count(s, scope.rm_ids, day)

    def _due_list(
        self,
        s: Session,
        scope: Scope,
        where: tuple[date | None, date | None],
        today: date,
        limit: int | None,
        offset: int = 0,
        count: int | None = None,
    ) -> tuple[list[DueProspect], int]:
        """The most urgent prospects matching ``where`` (and their count): ids first, from
        the covering index (assigned_rm_id, next_visit_due, stage, id), then the details of
        only those shown."""
        if limit is None:
            ids = today_queries.due_ids(s, scope.rm_ids, where)
            shown, count = ids[offset:], len(ids)
        else:
            # Counting walks the index without making a Python string per row; only the
            # page's ids are read out.
            shown = today_queries.due_ids(s, scope.rm_ids, where, limit, offset)
            if count is None:
                count = today_queries.due_count(s, scope.rm_ids, where)
        rows: dict[str, DueProspect] = {}
        for start in range(0, len(shown), 500):
            chunk = shown[start : start + 500]
            for row in self._due_rows(s, today_queries.due_rows(s, chunk), today):
                rows[row.id] = row
        return [rows[i] for i in shown if i in rows], count

    def _due_rows(
        self, s: Session, rows: Sequence[Sequence[Any]], today: date
    ) -> list[DueProspect]:
        """Due rows as the store reads them, with each prospect's next planned visit."""
        planned = visit_queries.open_visit_days(s, [r[0] for r in rows])
        return [
            DueProspect(
                id=r[0],
                name=r[1],
                stage=r[2],
                rm_id=r[3],
                rm_name=r[4],
                district_code=r[5],
                district_name=r[6],
                phone=r[7],
                last_contact_on=r[8],
                next_visit_due=r[9],
                overdue_days=overdue_days(r[9], today),
                next_planned_on=planned.get(r[0]),
            )
            for r in rows
        ]

    def _stalled(
        self,
        s: Session,
        scope: Scope,
        today: date,
        after_days: int,
        codes: Sequence[str],
        limit: int,
    ) -> tuple[list[StalledChecklist], int]:
        """First-loan customers whose checklist is incomplete and untouched for a while:
        found from covering indexes alone, then the names of only those shown."""
        total = len(codes)
        if total == 0:
            return [], 0
        threshold = datetime.combine(today - timedelta(days=after_days), time(), self.ctx.zone)
        shown = today_queries.stalled_checklists(s, scope.rm_ids, total, threshold, limit)
        count = shown[0][3] if shown else 0
        names = today_queries.names_and_rms(s, [pid for pid, _, _, _ in shown])
        result: list[StalledChecklist] = []
        for pid, since, n, _all in shown:
            since_day = visit_rules.local_day(since, self.ctx.zone)
            name, rm_name = names.get(pid, ("", None))
            result.append(
                StalledChecklist(
                    pid, name, rm_name, min(n, total), total, since_day, (today - since_day).days
                )
            )
        return result, count


def open_for_report(path: Path) -> Services:
    """The use cases over an existing database that is up to date, opened for a quick
    report: without the full integrity scan ``open_services`` runs first (seconds on a
    large book). Anything else (a new, old or unreadable file) goes through
    ``open_services``, which checks, backs up and upgrades."""
    from crm.services.container import open_services
    from crm.store.migrate import open_current

    db = open_current(path)
    if db is not None:
        return Services(Context(db))
    return open_services(path)

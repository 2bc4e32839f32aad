"""Today: what an RM (or a team lead, for the team) has to do now.

Visits planned today, visits planned earlier and not recorded, prospects whose contact
rhythm has lapsed, prospects due soon, and first-loan customers whose financial-literacy
checklist has not moved for a while. Every list is one indexed query; the long ones are
capped (with their full count) because a page shows the most urgent first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, TextClause, bindparam, func, select, text
from sqlalchemy.orm import Session

from crm.domain.cadence import overdue_days
from crm.domain.stages import Stage
from crm.services import visit_rules
from crm.services.container import Services
from crm.services.context import Context, NotFound
from crm.services.visits import (
    OPEN_VISIT,
    VisitLine,
    line_select,
    open_visits_of,
    scoped,
    to_line,
)
from crm.store.models import District, Prospect, User
from crm.store.models_visit import Visit

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
    # Years in the coming weeks with no published holiday table (weekends only).
    unknown_holiday_years: tuple[int, ...]


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


_RM = User.__table__.alias("rm")


def _due_select() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Prospect.id,
            Prospect.name,
            Prospect.stage,
            Prospect.assigned_rm_id,
            _RM.c.display_name,
            Prospect.district_code,
            District.name,
            Prospect.phone,
            Prospect.last_contact_on,
            Prospect.next_visit_due,
        )
        .outerjoin(_RM, _RM.c.id == Prospect.assigned_rm_id)
        .outerjoin(District, District.code == Prospect.district_code)
        .where(Prospect.stage != Stage.DROPPED.value)
    )


def _prospect_scope(stmt: Select[*tuple[Any, ...]], scope: Scope) -> Select[*tuple[Any, ...]]:
    if scope.rm_ids is None:
        return stmt
    return stmt.where(Prospect.assigned_rm_id.in_(list(scope.rm_ids)))


class TodayService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- whose book -------------------------------------------------------------------------

    def scope_for(self, user_id: str | None) -> Scope:
        """An RM's own book; a team lead's team (the lead included); everyone's otherwise."""
        if user_id is None:
            return Scope(None)
        with self.ctx.db.reading() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFound("user", user_id)
            if user.role == "rm":
                return Scope((user.id,), user.display_name)
            if user.role == "lead" and user.team_id:
                members = s.scalars(
                    select(User.id)
                    .where(User.team_id == user.team_id, User.active.is_(True))
                    .order_by(User.id)
                )
                return Scope(tuple(members), user.team.name if user.team else "")
            return Scope(None)

    # -- Today ------------------------------------------------------------------------------

    def summary(
        self, scope: Scope, day: date | None = None, limit: int = LIST_LIMIT
    ) -> TodaySummary:
        today = day or self.ctx.today()
        with self.ctx.db.reading() as s:
            table = visit_rules.cadence(s)
            template = visit_rules.checklists(s)
            cal = visit_rules.holiday_calendar(s)
            planned = self._planned(s, scope, today)
            late = self._late_visits(s, scope, today, limit)
            late_count = self._late_count(s, scope, today)
            horizon = today + timedelta(days=table.due_soon_days)
            overdue_count, soon_count = self._due_counts(s, scope, today, horizon)
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
            )

    def starting_soon(self, scope: Scope, now: datetime, minutes: int = 15) -> list[VisitLine]:
        """Today's open visits whose start time falls in the next ``minutes``."""
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
        today = day or self.ctx.today()
        with self.ctx.db.reading() as s:
            window = visit_rules.cadence(s).due_soon_days if days is None else days
            horizon = today + timedelta(days=window)
            overdue_count, due_count = self._due_counts(s, scope, today, horizon)
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
            )

    def no_contact(
        self, scope: Scope, days: int, day: date | None = None, limit: int | None = LIST_LIMIT
    ) -> list[DueProspect]:
        """Prospects with no contact for at least ``days`` days (never contacted ones too,
        when they entered their stage that long ago), longest silence first."""
        today = day or self.ctx.today()
        cutoff = today - timedelta(days=days)
        entered_before = datetime.combine(cutoff + timedelta(days=1), time(), self.ctx.zone)
        stmt = _prospect_scope(
            _due_select().where(
                (Prospect.last_contact_on <= cutoff)
                | (
                    Prospect.last_contact_on.is_(None)
                    & (Prospect.stage_changed_at < entered_before.astimezone(UTC))
                )
            ),
            scope,
        ).order_by(Prospect.last_contact_on.is_not(None), Prospect.last_contact_on, Prospect.name)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.ctx.db.reading() as s:
            return self._due_rows(s, stmt, today)

    # -- internals --------------------------------------------------------------------------

    @staticmethod
    def _count(stmt: Select[*tuple[Any, ...]], s: Session) -> int:
        return int(s.execute(stmt).scalar_one())

    def _planned(self, s: Session, scope: Scope, day: date) -> list[VisitLine]:
        stmt = scoped(
            line_select().where(Visit.visit_on == day, OPEN_VISIT, Visit.amends_id.is_(None)),
            scope.rm_ids,
        ).order_by(Visit.start_time == "", Visit.start_time, Prospect.district_code, Prospect.name)
        return [to_line(r) for r in s.execute(stmt)]

    def _late_visits(
        self, s: Session, scope: Scope, day: date, limit: int | None, offset: int = 0
    ) -> list[VisitLine]:
        stmt = scoped(
            line_select().where(OPEN_VISIT, Visit.visit_on < day),
            scope.rm_ids,
            by_index=False,
        ).order_by(Visit.visit_on, Visit.start_time, Prospect.name, Visit.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        return [to_line(r) for r in s.execute(stmt)]

    def _late_count(self, s: Session, scope: Scope, day: date) -> int:
        return self._count(
            scoped(
                select(func.count()).select_from(Visit).where(OPEN_VISIT, Visit.visit_on < day),
                scope.rm_ids,
                by_index=False,
            ),
            s,
        )

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
            ids = self._due_ids(s, scope, where)
            shown, count = ids[offset:], len(ids)
        else:
            # Counting walks the index without making a Python string per row; only the
            # page's ids are read out.
            shown = self._due_ids(s, scope, where, limit, offset)
            if count is None:
                count = self._due_ids_count(s, scope, where)
        rows: dict[str, DueProspect] = {}
        for start in range(0, len(shown), 500):
            chunk = shown[start : start + 500]
            for row in self._due_rows(s, _due_select().where(Prospect.id.in_(chunk)), today):
                rows[row.id] = row
        return [rows[i] for i in shown if i in rows], count

    @staticmethod
    def _due_where(
        scope: Scope, where: tuple[date | None, date | None]
    ) -> tuple[str, dict[str, Any]]:
        """FROM … WHERE for prospects due in [first, last] (either open), read from the
        covering index even for the whole book (the planner would pick the one-column index
        and read every row for its stage)."""
        first, last = where
        terms = ["stage != 'dropped'"]
        params: dict[str, Any] = {}
        if first is not None:
            terms.append("next_visit_due >= :first")
            params["first"] = first.isoformat()
        if last is not None:
            terms.append("next_visit_due <= :last")
            params["last"] = last.isoformat()
        else:
            terms.append("next_visit_due IS NOT NULL")
        if scope.rm_ids is not None:
            terms.append("assigned_rm_id IN :rms")
            params["rms"] = list(scope.rm_ids)
        clause = "FROM prospects INDEXED BY ix_prospects_rm_next_visit_due WHERE " + " AND ".join(
            terms
        )
        return clause, params

    def _due_ids(
        self,
        s: Session,
        scope: Scope,
        where: tuple[date | None, date | None],
        limit: int | None = None,
        offset: int = 0,
    ) -> list[str]:
        """Ids of prospects due in ``where``, most urgent first."""
        clause, params = self._due_where(scope, where)
        sql = f"SELECT id {clause} ORDER BY next_visit_due, id"
        if limit is not None and scope.rm_ids is None:
            # The whole book's most urgent page, in the order of the one-column index (ties
            # by rowid): read from its start and stopped after the page, where the covering
            # index (RM first) would sort every due prospect first.
            clause = clause.replace(
                "INDEXED BY ix_prospects_rm_next_visit_due",
                "INDEXED BY ix_prospects_next_visit_due",
            )
            sql = f"SELECT id {clause} ORDER BY next_visit_due, rowid"
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            params.update(limit=limit, offset=offset)
        return [str(r[0]) for r in s.execute(self._bind(sql, scope), params)]

    def _due_ids_count(
        self, s: Session, scope: Scope, where: tuple[date | None, date | None]
    ) -> int:
        clause, params = self._due_where(scope, where)
        return int(s.execute(self._bind(f"SELECT count(*) {clause}", scope), params).scalar_one())

    def _due_counts(self, s: Session, scope: Scope, today: date, horizon: date) -> tuple[int, int]:
        """(overdue, due by ``horizon``) in one walk of the covering index."""
        clause, params = self._due_where(scope, (None, horizon))
        sql = (
            "SELECT coalesce(sum(next_visit_due < :today), 0),"
            f" coalesce(sum(next_visit_due >= :today), 0) {clause}"
        )
        params["today"] = today.isoformat()
        overdue, due = s.execute(self._bind(sql, scope), params).one()
        return int(overdue), int(due)

    @staticmethod
    def _bind(sql: str, scope: Scope) -> TextClause:
        stmt = text(sql)
        if scope.rm_ids is not None:
            stmt = stmt.bindparams(bindparam("rms", expanding=True))
        return stmt

    def _due_rows(
        self, s: Session, stmt: Select[*tuple[Any, ...]], today: date
    ) -> list[DueProspect]:
        rows = s.execute(stmt).all()
        planned = open_visits_of(s, [r[0] for r in rows])
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
        """First-loan customers whose checklist is incomplete and untouched for a while.

        Both indexes it reads cover it (prospects by stage, RM and stage day; ticks by
        prospect and time), so no prospect row is read but those of the list shown."""
        total = len(codes)
        if total == 0:
            return [], 0
        threshold = datetime.combine(today - timedelta(days=after_days), time(), self.ctx.zone)
        stmt = text(
            "SELECT id, since, n, count(*) OVER () FROM ("
            " SELECT p.id AS id, coalesce((SELECT max(t.ticked_at) FROM checklist_ticks t"
            "  WHERE t.prospect_id = p.id), p.stage_changed_at) AS since,"
            " (SELECT count(*) FROM checklist_ticks t WHERE t.prospect_id = p.id) AS n"
            " FROM prospects p INDEXED BY ix_prospects_stage_rm_since"
            " WHERE p.stage = 'first_loan'"
            + (" AND p.assigned_rm_id IN :rms" if scope.rm_ids is not None else "")
            + ") WHERE n < :total AND since < :cutoff ORDER BY since, id LIMIT :limit"
        )
        params: dict[str, Any] = {
            "total": total,
            "cutoff": threshold.astimezone(UTC).isoformat(timespec="microseconds"),
            "limit": limit,
        }
        if scope.rm_ids is not None:
            stmt = stmt.bindparams(bindparam("rms", expanding=True))
            params["rms"] = list(scope.rm_ids)
        shown = [(str(r[1]), str(r[0]), int(r[2]), int(r[3])) for r in s.execute(stmt, params)]
        count = shown[0][3] if shown else 0
        names = {
            pid: (name, rm_name)
            for pid, name, rm_name in s.execute(
                select(Prospect.id, Prospect.name, _RM.c.display_name)
                .outerjoin(_RM, _RM.c.id == Prospect.assigned_rm_id)
                .where(Prospect.id.in_([pid for _, pid, _, _ in shown]))
            )
        }
        result: list[StalledChecklist] = []
        for since_text, pid, n, _all in shown:
            since_day = visit_rules.local_day(datetime.fromisoformat(since_text), self.ctx.zone)
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
    from crm.store.engine import Database, open_engine
    from crm.store.migrate import head_revision

    if path.exists() and path.stat().st_size > 0:
        engine = open_engine(path)
        try:
            with engine.connect() as conn:
                revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except Exception:
            revision = None
        if revision == head_revision():
            return Services(Context(Database(path, engine)))
        engine.dispose()
    return open_services(path)

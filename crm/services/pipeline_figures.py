"""The pipeline figures of a scope (the whole book, a team, an RM) over a period.

The counting is done by the store (crm/store/pipeline_queries.py) and the rules by the
domain (crm/domain/pipeline_metrics.py); this use case picks the scope, turns the user's
days into the stored timestamps' bounds (days are the user's, Asia/Shanghai), and puts the
figures together. The pipeline report prints them; the team page can show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from crm import resources
from crm.domain.errors import DomainError
from crm.domain.pipeline_metrics import (
    MATURITY_WINDOWS,
    FirstLoans,
    MaturingLoan,
    Maturities,
    NewLoanCustomers,
    NonPerforming,
    OverdueContact,
    OverdueList,
    Period,
    PipelineFigures,
    RmVisits,
    Stalled,
    TwoIncreases,
    by_source,
    funnel,
    maturity_windows,
)
from crm.domain.roles import Permission, out_of_scope
from crm.services import reference
from crm.services.acting import acting_in
from crm.services.context import Context
from crm.store import pipeline_queries as q
from crm.store import user_queries
from crm.store.unit_of_work import Session

# Lists in a report stop here; their totals are always given.
LIST_LIMIT = 200
_MICROSECONDS_A_DAY = 86_400_000_000


@dataclass(frozen=True)
class Scope:
    """Whose pipeline: ``rm_ids`` None for the whole book."""

    kind: str  # book / team / rm
    name: str
    rm_ids: tuple[str, ...] | None


def _metrics_settings() -> tuple[int, tuple[str, ...]]:
    data = resources.load_json("data", "two_increases.json")
    cap = int(data["inclusive_credit_cap_yuan"]) * 100
    excluded = tuple(str(code) for code in data.get("excluded_products", []))
    return cap, excluded


class PipelineFiguresService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def scope(self, *, team: str | None = None, rm: str | None = None) -> Scope:
        """The team (name or id) or RM (username), or the whole book; an unknown one is
        refused naming it. Within the acting user's role (crm.domain.roles): another team
        or an RM outside it is refused, and the whole book is a lead's team, an RM's own."""
        if team and rm:
            raise DomainError("pipeline.scope", "give a team or an RM, not both")
        with self.ctx.db.reading() as s:
            who = acting_in(s, self.ctx.actor_id)
            if team:
                found = q.find_team(s, team)
                if found is None:
                    raise DomainError("pipeline.team", "no team called {team}", team=team)
                who.check_team(found[0])
                return Scope("team", found[1], tuple(q.team_members(s, found[0])))
            if rm:
                user = user_queries.by_username(s, rm)
                if user is None:
                    raise DomainError("user.unknown", "no user called {username}", username=rm)
                who.check_sees(user.id)
                return Scope("rm", user.display_name, (user.id,))
            mine = who.visible_rms()
            if mine is not None and who.team_id and who.may(Permission.SEE_TEAM):
                return Scope("team", user_queries.team_name(s, who.team_id) or "", mine)
            if mine is not None and who.user_id is not None:
                me = user_queries.person(s, who.user_id)
                return Scope("rm", me.display_name if me else "", mine)
        return Scope("book", "", None)

    def within(self, scope: Scope) -> tuple[str, ...] | None:
        """``scope``'s RMs, if the acting user's role reaches them all (else refused)."""
        with self.ctx.db.reading() as s:
            who = acting_in(s, self.ctx.actor_id)
        if scope.rm_ids is None and not who.everyone:
            raise out_of_scope()
        return who.rm_ids(scope.rm_ids)

    def figures(self, start: date, end: date, scope: Scope) -> PipelineFigures:
        """Every figure of the pipeline report for ``scope`` from ``start`` to ``end``."""
        if start > end:
            raise DomainError(
                "report.period",
                "the period starts ({start}) after it ends ({end})",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        period = Period(start, end)
        today = self.ctx.today()
        rms = self.within(scope)
        since, before = self._bound(start), self._bound(end + timedelta(days=1))
        cap, excluded = _metrics_settings()
        a_year_before = period.a_year_before()
        spans = (
            (since, before),
            (
                self._bound(a_year_before.start),
                self._bound(a_year_before.end + timedelta(days=1)),
            ),
        )
        # The reach and the counts over loans are made on a second connection on a worker
        # while this one makes the rest (about as long on a whole book; for a scope the
        # stalled prospects go to the worker too, its lists and moves costing more here):
        # SQLite lets the GIL go while it works, so the figures take about half as long on
        # two cores. The two read transactions begin together; a write landing between
        # them (a sync, another window) shows in one half only until the next reload.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pipeline") as pool:
            other = pool.submit(
                self._reach_and_loan_counts, rms, before, spans, start, end, today, cap, excluded
            )
            stalled_after = reference.stalled_days()
            with self.ctx.db.reading() as s:
                stages = q.stage_counts(s, rms)
                in_pool, entered = q.entered(s, rms, before, since)
                moved = q.moves(s, rms, since, before)
                contact = q.contact_by_rm(s, rms, start, end, today)
                visits = q.visits_by_rm(s, rms, start, end)
                overdue_total, overdue_rows = q.overdue(s, rms, today, LIST_LIMIT)
                maturing = q.maturing(
                    s, rms, today, today + timedelta(days=MATURITY_WINDOWS[-1]), LIST_LIMIT
                )
                rm_ids = sorted(
                    {r.rm_id for r in contact if r.rm_id}
                    | {k for k in visits if k}
                    | set(rms or ())
                )
                names = q.user_names(s, rm_ids)
                sources = q.by_source(s, rms, before)
                stalled = self._stalled(s, rms, today) if rms is None else None
            reach, loans, new_borrowers, stalled_there = other.result()
        stalled = stalled if stalled is not None else stalled_there or {}
        moved["no_loan"] = entered
        return PipelineFigures(
            period=period,
            as_of=today,
            stages=stages,
            funnel=funnel(
                in_pool,
                [max(0, us) / _MICROSECONDS_A_DAY for us in reach.first_loan_us],
                [max(0, us) / _MICROSECONDS_A_DAY for us in reach.strategic_us],
                moved,
            ),
            first_loans=FirstLoans(*reach.in_spans),
            visits=self._visits(rm_ids, names, contact, visits, rms),
            overdue=OverdueList(
                overdue_total,
                tuple(
                    OverdueContact(
                        r.prospect_id,
                        r.name,
                        r.rm or "",
                        r.stage,
                        date.fromisoformat(r.due_on),
                        (today - date.fromisoformat(r.due_on)).days,
                    )
                    for r in overdue_rows
                ),
            ),
            maturities=self._maturities(maturing, today),
            two_increases=TwoIncreases(date(today.year, 1, 1), today, *loans[:6]),
            by_source=by_source(
                sources, {src.code: src.conversion_target_bp for src in resources.sources()}
            ),
            stalled=Stalled(stalled_after, stalled),
            new_loans=NewLoanCustomers(*new_borrowers),
            npl=NonPerforming(
                loans.inclusive_npl_now_fen,
                loans.inclusive_now_fen,
                loans.all_npl_now_fen,
                loans.all_now_fen,
            ),
        )

    # -- parts --------------------------------------------------------------------------------

    def _reach_and_loan_counts(
        self,
        rms: tuple[str, ...] | None,
        before: str,
        spans: tuple[tuple[str, str], tuple[str, str]],
        start: date,
        end: date,
        today: date,
        cap: int,
        excluded: tuple[str, ...],
    ) -> tuple[q.Reach, q.LoanTotals, tuple[int, int], dict[str, int] | None]:
        """The worker's half of ``figures`` (the stalled prospects for a scope only)."""
        with self.ctx.db.reading() as s:
            return (
                q.reach(s, rms, before, spans),
                q.loan_totals(s, rms, date(today.year, 1, 1), excluded, cap),
                q.new_loan_customers(s, rms, start, end),
                self._stalled(s, rms, today) if rms is not None else None,
            )

    def _stalled(self, s: Session, rms: tuple[str, ...] | None, today: date) -> dict[str, int]:
        after = reference.stalled_days()
        return q.stalled(
            s, rms, self._bound(today - timedelta(days=after - 1)), today - timedelta(days=after)
        )

    def _bound(self, day: date) -> str:
        """The stored form of the first moment of ``day`` in the user's zone."""
        return q.stamp(datetime.combine(day, time(0), self.ctx.zone))

    def _day(self, stored: str) -> date:
        return datetime.fromisoformat(stored).astimezone(self.ctx.zone).date()

    def _visits(
        self,
        rm_ids: Sequence[str],
        names: dict[str, str],
        contact: Sequence[q.RmContact],
        visits: dict[str | None, int],
        scope: tuple[str, ...] | None,
    ) -> tuple[RmVisits, ...]:
        by_rm = {r.rm_id: r for r in contact}
        lines = []
        for rm_id in rm_ids:
            c = by_rm.get(rm_id)
            n = visits.get(rm_id, 0)
            if c is None and n == 0 and (scope is None or rm_id not in scope):
                continue
            lines.append(
                RmVisits(
                    rm_id,
                    names.get(rm_id, rm_id),
                    n,
                    c.done if c else 0,
                    c.due if c else 0,
                    c.overdue if c else 0,
                )
            )
        lines.sort(key=lambda line: line.rm)
        return tuple(lines)

    def _maturities(self, maturing: q.Maturing, today: date) -> Maturities:
        loans = []
        for r in maturing.first:
            day = date.fromisoformat(r.maturity_date)
            loans.append(
                MaturingLoan(
                    r.prospect_id,
                    r.name,
                    r.rm or "",
                    r.product_code,
                    r.balance_fen,
                    day,
                    (day - today).days,
                )
            )
        return Maturities(
            maturity_windows(
                ((date.fromisoformat(day) - today).days, balance) for day, balance in maturing.due
            ),
            tuple(loans),
            len(maturing.due),
        )

"""The prospects behind each figure of the Team page (its drill-downs).

The figures come from the pipeline figures (``Services.reports.pipeline_figures``); a
drill-down names one of them and gets the prospects it counts, listed by the store with the
same conditions and the same scope (the whole book, a team, an RM).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from crm import resources
from crm.domain.errors import DomainError
from crm.domain.pipeline_metrics import Period
from crm.services.acting import acting_in
from crm.services.context import Context
from crm.services.pipeline_figures import PipelineFiguresService, Scope
from crm.store import pipeline_queries, prospect_reads, team_queries
from crm.store.team_queries import ProspectLine as ProspectLine  # the lines a drill-down lists

# A drill-down lists at most this many prospects (its figure says how many there are).
DRILL_LIMIT: Final = 2_000

# What a drill-down can name: every prospect in scope, a stage's prospects, the funnel's
# steps, the first-loan customers of the period or of the same period last year, an RM's
# visits done, due and overdue, the customers with a loan (the two increases' borrowers), and
# those with a non-performing loan (the non-performing ratio).
KINDS: Final = (
    "all",
    "stage",
    "funnel",
    "first_loans",
    "first_loans_last_year",
    "visits_done",
    "visits_due",
    "overdue",
    "borrowers",
    "npl",
)


@dataclass(frozen=True)
class Drill:
    """A figure to drill into: ``kind`` (one of KINDS) and its ``key`` (a stage code, an RM's
    user id; empty for the whole scope)."""

    kind: str
    key: str = ""


class TeamService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def scope(self, *, team: str | None = None, rm: str | None = None) -> Scope:
        return PipelineFiguresService(self.ctx).scope(team=team, rm=rm)

    def prospects(
        self,
        drill: Drill,
        start: date,
        end: date,
        *,
        team: str | None = None,
        rm: str | None = None,
        limit: int = DRILL_LIMIT,
    ) -> list[ProspectLine]:
        """The prospects behind ``drill`` for the scope and the period, by name."""
        if start > end:
            raise DomainError(
                "report.period",
                "the period starts ({start}) after it ends ({end})",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        if drill.kind not in KINDS:
            raise ValueError(f"no such drill-down: {drill.kind}")
        rms = self.scope(team=team, rm=rm).rm_ids
        if drill.kind in ("visits_done", "visits_due", "overdue") and drill.key:
            rms = (drill.key,) if rms is None or drill.key in rms else ()
        before = self._bound(end + timedelta(days=1))
        with self.ctx.db.reading() as s:
            match drill.kind:
                case "all":
                    return team_queries.in_scope(s, rms, limit)
                case "stage":
                    return team_queries.in_stage(s, rms, drill.key, limit)
                case "funnel" if drill.key == "no_loan":
                    return team_queries.in_pool_before(s, rms, before, limit)
                case "funnel":
                    stages = ("strategic",) if drill.key == "strategic" else _FIRST
                    return team_queries.reached_by(s, rms, stages, before, limit)
                case "first_loans":
                    since = self._bound(start)
                    return team_queries.first_loans_between(s, rms, since, before, limit)
                case "first_loans_last_year":
                    last = Period(start, end).a_year_before()
                    return team_queries.first_loans_between(
                        s,
                        rms,
                        self._bound(last.start),
                        self._bound(last.end + timedelta(days=1)),
                        limit,
                    )
                case "visits_done":
                    return team_queries.contacted(s, rms, start, end, limit)
                case "visits_due":
                    return team_queries.due(s, rms, start, end, limit)
                case "overdue":
                    return team_queries.overdue(s, rms, self.ctx.today(), limit)
                case "npl":
                    return team_queries.non_performing(s, rms, _excluded_products(), limit)
                case _:
                    return team_queries.borrowers(s, rms, _excluded_products(), limit)

    def lines(self, ids: list[str]) -> list[ProspectLine]:
        """The prospects with these ids (a figure that carries its own, like maturities);
        those outside the acting user's scope are left out."""
        with self.ctx.db.reading() as s:
            who = acting_in(s, self.ctx.actor_id)
            if not who.everyone:
                ids = [p.id for p in prospect_reads.many(s, ids) if who.sees(p.assigned_rm_id)]
            return team_queries.by_ids(s, ids)

    def _bound(self, day: date) -> str:
        return pipeline_queries.stamp(datetime.combine(day, time(0), self.ctx.zone))


_FIRST: Final = ("first_loan", "strategic")


def _excluded_products() -> tuple[str, ...]:
    data = resources.load_json("data", "two_increases.json")
    return tuple(str(code) for code in data.get("excluded_products", []))

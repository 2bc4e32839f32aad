"""The RM scorecard of a scope (a team, an RM, the whole book) over a period: the weights
head office published (reference ``scorecard``, kept in ``app_meta`` by the download; the
bundled resources/data/scorecard.json until then) applied to each RM's figures.

The figures are the pipeline's: visits done vs due per RM (crm.store.pipeline_queries) and
the per-RM counts of crm.store.scorecard_queries; the scope and what the acting user may
see are the pipeline figures' (PipelineFiguresService.scope / within).
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from crm import resources
from crm.domain.errors import DomainError
from crm.domain.pipeline_metrics import Period
from crm.domain.scorecard import RmFigures, RmScore, Scorecard, parse_scorecard, score
from crm.domain.stages import Stage
from crm.services.context import Context
from crm.services.pipeline_figures import PipelineFiguresService, Scope
from crm.store import meta, scorecard_queries
from crm.store import pipeline_queries as q

SCORECARD_KEY = "headoffice.scorecard"
log = logging.getLogger(__name__)


def bundled_document() -> dict[str, Any]:
    """The scorecard shipped with the app (head office publishes it unless given another)."""
    return copy.deepcopy(resources.load_json("data", "scorecard.json"))


def schema() -> dict[str, Any]:
    """The JSON schema every scorecard (bundled or published) must fit."""
    return copy.deepcopy(resources.load_json("data", "scorecard.schema.json"))


def check_scorecard(document: object) -> Scorecard:
    """``document`` as a scorecard, or InvalidScorecard saying why it cannot be one."""
    return parse_scorecard(document, schema())


@dataclass(frozen=True)
class ScorecardReport:
    period: Period
    as_of: date
    scope: Scope
    card: Scorecard
    # Where the weights come from: "published" by head office, or "bundled".
    source: str
    rows: tuple[RmScore, ...]
    figures: tuple[RmFigures, ...]


class ScorecardService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def card(self) -> tuple[Scorecard, str]:
        """The scorecard in force here and where it comes from (published / bundled); a
        published one this device cannot read is passed over (and logged)."""
        with self.ctx.db.reading() as s:
            stored = meta.get(s, SCORECARD_KEY)
        if stored is not None:
            try:
                return check_scorecard(json.loads(stored)), "published"
            except (DomainError, ValueError) as exc:
                log.warning("the published scorecard cannot be used: %s", exc)
        return check_scorecard(bundled_document()), "bundled"

    def report(
        self, start: date, end: date, *, team: str | None = None, rm: str | None = None
    ) -> ScorecardReport:
        """Each RM's score in the team (name or id), for the RM (username), or across the
        acting user's book, from ``start`` to ``end``."""
        if start > end:
            raise DomainError(
                "report.period",
                "the period starts ({start}) after it ends ({end})",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        pipeline = PipelineFiguresService(self.ctx)
        # The pipeline's scope: whom the acting user may see (their role's book at most).
        scope = pipeline.scope(team=team, rm=rm)
        rms = scope.rm_ids
        card, source = self.card()
        figures = self.figures(start, end, rms)
        return ScorecardReport(
            Period(start, end),
            self.ctx.today(),
            scope,
            card,
            source,
            score(card, figures, (end - start).days + 1),
            figures,
        )

    def figures(
        self, start: date, end: date, rm_ids: tuple[str, ...] | None
    ) -> tuple[RmFigures, ...]:
        """Each RM's figures for the period (RMs of the scope, and any RM with a figure)."""
        since = datetime.combine(start, time(0), self.ctx.zone)
        before = datetime.combine(end + timedelta(days=1), time(0), self.ctx.zone)
        credit_codes = self._credit_products()
        with self.ctx.db.reading() as s:
            credit = scorecard_queries.credit_loans(s, rm_ids, start, end, credit_codes)
            first = scorecard_queries.reached(s, rm_ids, Stage.FIRST_LOAN.value, since, before)
            strategic = scorecard_queries.reached(s, rm_ids, Stage.STRATEGIC.value, since, before)
            contact = {r.rm_id: r for r in q.contact_by_rm(s, rm_ids, start, end, self.ctx.today())}
            people = {k for k in (*credit, *first, *strategic, *contact) if k}
            ids = sorted(people | set(rm_ids or ()) if rm_ids is not None else people)
            names = q.user_names(s, ids)
            roles = scorecard_queries.roles(s, ids)
        rows = []
        for rm_id in ids:
            # Head office's administrators hold no book of their own.
            if roles.get(rm_id) == "admin":
                continue
            c = contact.get(rm_id)
            loans = credit.get(rm_id)
            rows.append(
                RmFigures(
                    rm_id=rm_id,
                    rm=names.get(rm_id, rm_id),
                    credit_loans=loans.loans if loans else 0,
                    credit_loan_amount_fen=loans.amount_fen if loans else 0,
                    first_loan_customers=first.get(rm_id, 0),
                    strategic_clients=strategic.get(rm_id, 0),
                    visits_done=c.done if c else 0,
                    visits_due=c.due if c else 0,
                )
            )
        return tuple(sorted(rows, key=lambda r: (r.rm, r.rm_id)))

    def _credit_products(self) -> tuple[str, ...]:
        from crm.services.products import ProductService

        return tuple(p.code for p in ProductService(self.ctx).catalogue().products if p.credit)

"""Strategic clients' service plans (配套金融服务方案): a customer's plan, saving it, holding a
review, and the plans of a book (all of them, or those whose review has come).

Each change is one transaction that queues its op for head office
(crm/store/service_plan_writer). The strategic gate asks ``has_active`` through the prospect
service; Today and ``crm visits due`` list ``reviews_due``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from crm.domain.service_plans import (
    PlanDraft,
    PlanRefused,
    PlanStatus,
    check_draft,
    next_review,
)
from crm.services.acting import acting_in
from crm.services.context import Context, NotFound
from crm.store import prospect_reads, service_plan_queries
from crm.store.models_plans import ServicePlan
from crm.store.service_plan_queries import PlanLine
from crm.store.service_plan_writer import ServicePlanWriter, items_of
from crm.store.unit_of_work import Session


@dataclass(frozen=True)
class PlanRecord:
    prospect_id: str
    items: tuple[str, ...]
    owner_id: str | None
    review_on: date
    status: str
    notes: str
    reviewed_on: date | None
    # A change waits to go to head office.
    unsent: bool
    # Its review date has come (and it is not closed).
    review_due: bool

    def draft(self) -> PlanDraft:
        return PlanDraft(self.items, self.owner_id, self.review_on, self.status, self.notes)


@dataclass(frozen=True)
class PlanSummary:
    """A plan in a list (the book's plans, the reviews due)."""

    prospect_id: str
    prospect_name: str
    stage: str
    owner_id: str | None
    owner_name: str | None
    items: tuple[str, ...]
    status: str
    review_on: date
    reviewed_on: date | None
    # Days since the review date (0 on the day; negative before it).
    overdue_days: int


class ServicePlanService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def get(self, prospect_id: str) -> PlanRecord | None:
        """The customer's plan, None when it has none (NotFound for an unknown prospect)."""
        with self.ctx.db.reading() as s:
            self._prospect(s, prospect_id)
            plan = service_plan_queries.of_prospect(s, prospect_id)
            return None if plan is None else self._record(s, plan)

    def save(self, prospect_id: str, draft: PlanDraft) -> PlanRecord:
        """Create the customer's plan, or change it to ``draft``."""
        clean = check_draft(draft, self.ctx.today(), self._product_codes())
        with self.ctx.db.transaction() as s:
            self._prospect(s, prospect_id)
            self._owner(s, clean.owner_id)
            writer = ServicePlanWriter(s, self.ctx.now())
            plan = service_plan_queries.of_prospect(s, prospect_id)
            if plan is None:
                plan = writer.create(prospect_id, clean)
            else:
                writer.update(plan, clean)
            return self._record(s, plan)

    def review(
        self,
        prospect_id: str,
        next_on: date | None = None,
        status: str = PlanStatus.ACTIVE.value,
    ) -> PlanRecord:
        """A review held today: the next review on ``next_on`` (default: REVIEW_MONTHS
        ahead), the plan then ``status`` (active, or closed when the review ends it)."""
        today = self.ctx.today()
        next_on = next_on or next_review(today)
        if status not in (PlanStatus.ACTIVE, PlanStatus.CLOSED, PlanStatus.UNDER_REVIEW):
            raise PlanRefused(
                "plan.review_status",
                "after a review a plan is active, under review or closed, not '{status}'",
                status=status,
            )
        if next_on <= today and status != PlanStatus.CLOSED:
            raise PlanRefused(
                "plan.review_next",
                "the next review must come after today ({day})",
                day=today.isoformat(),
            )
        with self.ctx.db.transaction() as s:
            self._prospect(s, prospect_id)
            plan = service_plan_queries.of_prospect(s, prospect_id)
            if plan is None:
                raise PlanRefused("plan.missing", "this customer has no service plan yet")
            if plan.status == PlanStatus.CLOSED:
                raise PlanRefused("plan.closed", "a closed plan is not reviewed")
            if status == PlanStatus.ACTIVE and plan.rm_id is None:
                raise PlanRefused("plan.no_owner", "an active service plan needs an owner")
            ServicePlanWriter(s, self.ctx.now()).review(plan, today, next_on, status)
            return self._record(s, plan)

    def plans(
        self, rm_ids: Sequence[str] | None = None, statuses: Sequence[str] | None = None
    ) -> list[PlanSummary]:
        """The plans of these RMs' book (None: the acting user's), soonest review first."""
        rm_ids = self._book(rm_ids)
        with self.ctx.db.reading() as s:
            lines = service_plan_queries.plans(s, rm_ids, statuses)
        return [self._summary(line) for line in lines]

    def reviews_due(
        self, rm_ids: Sequence[str] | None = None, day: date | None = None
    ) -> tuple[PlanSummary, ...]:
        """Open plans whose review has come (a past one too: never lost), longest waiting
        first."""
        day = day or self.ctx.today()
        rm_ids = self._book(rm_ids)
        with self.ctx.db.reading() as s:
            lines = service_plan_queries.reviews_due(s, rm_ids, day)
        return tuple(self._summary(line, day) for line in lines)

    # -- internals -------------------------------------------------------------------------

    def _summary(self, line: PlanLine, day: date | None = None) -> PlanSummary:
        today = day or self.ctx.today()
        return PlanSummary(
            prospect_id=line.prospect_id,
            prospect_name=line.prospect_name,
            stage=line.stage,
            owner_id=line.owner_id,
            owner_name=line.owner_name,
            items=items_of(line.items),
            status=line.status,
            review_on=line.review_on,
            reviewed_on=line.reviewed_on,
            overdue_days=(today - line.review_on).days,
        )

    def _record(self, s: Session, plan: ServicePlan) -> PlanRecord:
        from crm.domain.service_plans import review_is_due

        return PlanRecord(
            prospect_id=plan.prospect_id,
            items=items_of(plan.items),
            owner_id=plan.rm_id,
            review_on=plan.review_on,
            status=plan.status,
            notes=plan.notes,
            reviewed_on=plan.reviewed_on,
            unsent=service_plan_queries.unsent(s, plan.prospect_id),
            review_due=review_is_due(plan.status, plan.review_on, self.ctx.today()),
        )

    def _prospect(self, s: Session, prospect_id: str) -> None:
        """The prospect exists and is in the acting user's book (crm.domain.roles)."""
        p = prospect_reads.plain(s, prospect_id)
        if p is None:
            raise NotFound("prospect", prospect_id)
        acting_in(s, self.ctx.actor_id).check_sees(p.assigned_rm_id)

    def _owner(self, s: Session, owner_id: str | None) -> None:
        """An owner who exists, within the acting user's reach (an RM owns their own)."""
        from crm.store import user_queries

        if owner_id is None:
            return
        if user_queries.person(s, owner_id) is None:
            raise NotFound("user", owner_id)
        acting_in(s, self.ctx.actor_id).check_sees(owner_id)

    def _book(self, rm_ids: Sequence[str] | None) -> Sequence[str] | None:
        """``rm_ids`` if the acting user sees them all; None (everyone) is their own book."""
        with self.ctx.db.reading() as s:
            who = acting_in(s, self.ctx.actor_id)
        if rm_ids is None:
            return who.visible_rms()
        for rm_id in rm_ids:
            who.check_sees(rm_id)
        return rm_ids

    def _product_codes(self) -> frozenset[str]:
        from crm.services.products import ProductService

        return frozenset(p.code for p in ProductService(self.ctx).catalogue().products)

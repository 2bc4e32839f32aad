"""A strategic client's service plan made for tests that move a customer to strategic (the
gate needs an active plan)."""

from __future__ import annotations

from datetime import timedelta

from crm.domain.service_plans import PlanDraft
from crm.services.context import Context
from crm.services.prospects import ProspectService
from crm.services.service_plans import PlanRecord, ServicePlanService
from crm.services.users import UserService


def give_plan(ctx: Context, prospect_id: str) -> PlanRecord:
    """An active plan (settlement and credit) owned by the customer's RM, or by any user."""
    owner = ProspectService(ctx).get(prospect_id).rm_id
    if owner is None:
        owner = next((u.id for u in UserService(ctx).all()), None)
    return ServicePlanService(ctx).save(
        prospect_id,
        PlanDraft(
            items=("settlement", "credit"),
            owner_id=owner,
            review_on=ctx.today() + timedelta(days=180),
            # A plan under review counts for the gate and needs no owner (a book without users).
            status="active" if owner else "under_review",
        ),
    )

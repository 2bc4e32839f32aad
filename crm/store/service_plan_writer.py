"""The one writer of service plans: the row, the op that tells head office (entity
``service_plan``, keyed by the prospect: one plan per customer) and its HLC tick.

Ops' payloads are the plan's fields by name (days as ISO dates, ``items`` a list of codes):

- ``create``: a new plan;
- ``update``: fields changed (items, owner, review date, status, notes);
- ``review``: a review held on a day (``reviewed_on``), the next review date, the status.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from crm.domain.service_plans import PlanDraft
from crm.store import outbox
from crm.store.models_plans import ServicePlan

ENTITY = "service_plan"


def items_text(items: tuple[str, ...]) -> str:
    return " ".join(items)


def items_of(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class ServicePlanWriter:
    def __init__(self, session: Session, now: datetime, *, queue: bool = True) -> None:
        self.session = session
        self.now = now
        # False for the demo's seed: nothing to tell head office.
        self.queue = queue

    def create(self, prospect_id: str, draft: PlanDraft) -> ServicePlan:
        plan = ServicePlan(
            prospect_id=prospect_id,
            items=items_text(draft.items),
            rm_id=draft.owner_id,
            review_on=draft.review_on,
            status=draft.status,
            notes=draft.notes,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(plan)
        self.session.flush()
        self._queue(
            plan,
            "create",
            {
                "items": list(draft.items),
                "rm_id": draft.owner_id,
                "review_on": draft.review_on.isoformat(),
                "status": draft.status,
                "notes": draft.notes,
            },
        )
        return plan

    def update(self, plan: ServicePlan, draft: PlanDraft) -> dict[str, Any]:
        """Change the plan to ``draft``; returns what changed (nothing queued if nothing)."""
        changes: dict[str, Any] = {}
        items = items_text(draft.items)
        if plan.items != items:
            plan.items = items
            changes["items"] = list(draft.items)
        if plan.rm_id != draft.owner_id:
            plan.rm_id = draft.owner_id
            changes["rm_id"] = draft.owner_id
        if plan.review_on != draft.review_on:
            plan.review_on = draft.review_on
            changes["review_on"] = draft.review_on.isoformat()
        if plan.status != draft.status:
            plan.status = draft.status
            changes["status"] = draft.status
        if plan.notes != draft.notes:
            plan.notes = draft.notes
            changes["notes"] = draft.notes
        if changes:
            self._save(plan, "update", changes)
        return changes

    def review(self, plan: ServicePlan, on: date, next_on: date, status: str) -> None:
        """A review held ``on`` a day: the next one is ``next_on``, the plan ``status``."""
        plan.reviewed_on = on
        plan.review_on = next_on
        plan.status = status
        self._save(
            plan,
            "review",
            {"reviewed_on": on.isoformat(), "review_on": next_on.isoformat(), "status": status},
        )

    def _save(self, plan: ServicePlan, kind: str, change: dict[str, Any]) -> None:
        plan.updated_at = self.now
        self.session.flush()
        self._queue(plan, kind, change)

    def _queue(self, plan: ServicePlan, kind: str, payload: dict[str, Any]) -> None:
        if not self.queue:
            return
        outbox.record(
            self.session,
            self.now,
            entity=ENTITY,
            entity_id=plan.prospect_id,
            kind=kind,
            payload={"prospect_id": plan.prospect_id, **payload},
            base_version=None,
        )

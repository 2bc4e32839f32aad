"""Reading service plans: a customer's, whether it has one that counts for the strategic
gate, whether head office has it yet, and the plans (all, or those whose review has come)
of a book."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Session, aliased

from crm.store.models import OutboxOp, Prospect, User
from crm.store.models_plans import ServicePlan
from crm.store.service_plan_writer import ENTITY

OPEN_STATUSES = ("draft", "active", "under_review")
_Lines = Select[*tuple[Any, ...]]


def of_prospect(s: Session, prospect_id: str) -> ServicePlan | None:
    return s.get(ServicePlan, prospect_id)


def status_of(s: Session | Connection, prospect_id: str) -> str | None:
    """The customer's plan's status (None: no plan); over a session or a bulk writer's
    connection."""
    return s.scalar(select(ServicePlan.status).where(ServicePlan.prospect_id == prospect_id))


def unsent(s: Session, prospect_id: str) -> bool:
    """Whether a change of the plan waits in the outbox."""
    return (
        s.scalar(
            select(OutboxOp.seq)
            .where(OutboxOp.entity == ENTITY, OutboxOp.entity_id == prospect_id)
            .limit(1)
        )
        is not None
    )


class PlanLine(NamedTuple):
    prospect_id: str
    prospect_name: str
    stage: str
    prospect_rm_id: str | None
    owner_id: str | None
    owner_name: str | None
    items: str
    status: str
    review_on: date
    reviewed_on: date | None


def _lines() -> _Lines:
    owner = aliased(User)
    stmt: _Lines = (
        select(
            ServicePlan.prospect_id,
            Prospect.name,
            Prospect.stage,
            Prospect.assigned_rm_id,
            ServicePlan.rm_id,
            owner.display_name,
            ServicePlan.items,
            ServicePlan.status,
            ServicePlan.review_on,
            ServicePlan.reviewed_on,
        )
        .join(Prospect, Prospect.id == ServicePlan.prospect_id)
        .outerjoin(owner, owner.id == ServicePlan.rm_id)
    )
    return stmt


def _in_book(stmt: _Lines, rm_ids: Sequence[str] | None) -> _Lines:
    """Plans of the book of these RMs (their prospects, or plans they own); None: all."""
    if rm_ids is None:
        return stmt
    ids = list(rm_ids)
    return stmt.where(Prospect.assigned_rm_id.in_(ids) | ServicePlan.rm_id.in_(ids))


def plans(
    s: Session, rm_ids: Sequence[str] | None, statuses: Sequence[str] | None = None
) -> list[PlanLine]:
    """The book's plans (of these statuses, when given), the soonest review first."""
    stmt = _in_book(_lines(), rm_ids)
    if statuses is not None:
        stmt = stmt.where(ServicePlan.status.in_(list(statuses)))
    stmt = stmt.order_by(ServicePlan.review_on, Prospect.name, ServicePlan.prospect_id)
    return [PlanLine._make(row) for row in s.execute(stmt)]


def reviews_due(s: Session, rm_ids: Sequence[str] | None, day: date) -> list[PlanLine]:
    """Open plans whose review date is ``day`` or before, the longest waiting first."""
    stmt = _in_book(_lines(), rm_ids).where(
        ServicePlan.status.in_(OPEN_STATUSES), ServicePlan.review_on <= day
    )
    stmt = stmt.order_by(ServicePlan.review_on, Prospect.name, ServicePlan.prospect_id)
    return [PlanLine._make(row) for row in s.execute(stmt)]


def strategic_without_plan(s: Session) -> list[tuple[str, str | None]]:
    """Strategic clients that have no plan (id, RM), in id order: what the demo gives one."""
    rows = s.execute(
        select(Prospect.id, Prospect.assigned_rm_id)
        .outerjoin(ServicePlan, ServicePlan.prospect_id == Prospect.id)
        .where(Prospect.stage == "strategic", ServicePlan.prospect_id.is_(None))
        .order_by(Prospect.id)
    )
    return [(pid, rm) for pid, rm in rows]
